#include "core/sigv4.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/civil.h"

/* ---- growable string; wiped on free because it may hold a token -------- */

struct sbuf {
    char *p;
    size_t len;
    size_t cap;
    bool oom;
};

static void sb_free(struct sbuf *b)
{
    if (b->p) {
        sodium_memzero(b->p, b->cap);
        free(b->p);
    }
    b->p = NULL;
    b->len = b->cap = 0;
}

static bool sb_reserve(struct sbuf *b, size_t extra)
{
    if (b->oom)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 128;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2) {
            b->oom = true;
            return false;
        }
        cap *= 2;
    }
    /* Not realloc: the old block may hold a session token and must be
     * wiped, which realloc would not do. */
    char *p = malloc(cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    if (b->p) {
        memcpy(p, b->p, b->len);
        sodium_memzero(b->p, b->cap);
        free(b->p);
    }
    b->p = p;
    b->cap = cap;
    b->p[b->len] = '\0';
    return true;
}

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
    if (!sb_reserve(b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_puts(struct sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

static void sb_putc(struct sbuf *b, char c)
{
    sb_put(b, &c, 1);
}

/* Hands the string over (NULL on out of memory, the buffer is then freed). */
static char *sb_take(struct sbuf *b)
{
    if (!sb_reserve(b, 0)) {
        sb_free(b);
        return NULL;
    }
    char *p = b->p;
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}

static void set_msg(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_msg(char *buf, size_t size, const char *fmt, ...)
{
    if (!buf || size == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    if (n < 0)
        buf[0] = '\0';
}

/* ---- tables ------------------------------------------------------------ */

static const char *const status_messages[] = {
#define X(id, msg) [id] = msg,
    SIGV4_STATUSES(X)
#undef X
};

const char *sigv4_status_message(enum sigv4_status status)
{
    if ((size_t)status >= sizeof(status_messages) / sizeof(*status_messages))
        return "unknown status";
    return status_messages[status];
}

static const struct {
    const char *name;
    int http;
    const char *type;
} verdicts[] = {
#define X(id, status, type) [id] = { #id, status, type },
    SIGV4_VERDICTS(X)
#undef X
};

static bool verdict_ok(enum sigv4_verdict v)
{
    return (size_t)v < sizeof(verdicts) / sizeof(*verdicts);
}

const char *sigv4_verdict_name(enum sigv4_verdict v)
{
    return verdict_ok(v) ? verdicts[v].name : "SIGV4_V_UNKNOWN";
}

int sigv4_verdict_http_status(enum sigv4_verdict v)
{
    return verdict_ok(v) ? verdicts[v].http : 500;
}

const char *sigv4_verdict_error_type(enum sigv4_verdict v)
{
    return verdict_ok(v) ? verdicts[v].type : "InternalFailure";
}

/* ---- small helpers ----------------------------------------------------- */

void sigv4_sha256_hex(const void *data, size_t len, char out[SIGV4_HEX_SIZE])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data ? data : (const void *)"",
                       (unsigned long long)len);
    sodium_bin2hex(out, SIGV4_HEX_SIZE, h, sizeof(h));
}

static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
           c == '~';
}

static void uri_encode(struct sbuf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_unreserved(c)) {
            sb_putc(b, (char)c);
        } else {
            char e[3] = { '%', hex[c >> 4], hex[c & 15] };
            sb_put(b, e, 3);
        }
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* %-decodes s[0..n) into b; a '%' not followed by two hex digits stays. */
static void uri_decode(struct sbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
            hexval(s[i + 2]) >= 0) {
            sb_putc(b, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
            i += 2;
        } else {
            sb_putc(b, s[i]);
        }
    }
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool name_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (lower(*a) != lower(*b))
            return false;
    return *a == *b;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Appends the value trimmed, inner runs of blanks collapsed to one space. */
static void put_trimmed(struct sbuf *b, const char *v)
{
    bool pending = false, any = false;
    for (; *v; v++) {
        if (is_space(*v)) {
            pending = any;
            continue;
        }
        if (pending)
            sb_putc(b, ' ');
        pending = false;
        any = true;
        sb_putc(b, *v);
    }
}

/*
 * An HTTP field name is a token (RFC 9110 tchar: letters, digits and
 * !#$%&'*+-.^_`|~). Anything else would also break SigV4 itself: ';'
 * separates the names in SignedHeaders and ',' the parts of the
 * Authorization header, so a name holding one signs into a header that no
 * verifier can read back. At most SIGV4_HEADER_NAME_MAX characters, the
 * longest the verifier reads.
 */
static bool valid_header_name(const char *n)
{
    if (!n || !*n || strlen(n) > SIGV4_HEADER_NAME_MAX)
        return false;
    for (; *n; n++) {
        unsigned char c = (unsigned char)*n;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || strchr("!#$%&'*+-.^_`|~", c)))
            return false;
    }
    return true;
}

static bool valid_header_value(const char *v)
{
    if (!v)
        return false;
    for (; *v; v++)
        if (*v == '\r' || *v == '\n')
            return false;
    return true;
}

/* ---- dates ------------------------------------------------------------- */

/* 9999-12-31T23:59:59Z */
#define MAX_EPOCH INT64_C(253402300799)

bool sigv4_format_amz_date(int64_t t, char out[SIGV4_AMZ_DATE_SIZE])
{
    if (t < 0 || t > MAX_EPOCH) {
        out[0] = '\0';
        return false;
    }
    int64_t days = t / 86400, secs = t % 86400, y;
    unsigned m, d;
    civil_date_from_days(days, &y, &m, &d);
    /* Through a roomy buffer: the compiler cannot see the ranges. */
    char tmp[48];
    snprintf(tmp, sizeof(tmp), "%04d%02u%02uT%02d%02d%02dZ", (int)y, m, d,
             (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    memcpy(out, tmp, SIGV4_AMZ_DATE_SIZE - 1);
    out[SIGV4_AMZ_DATE_SIZE - 1] = '\0';
    return true;
}

bool sigv4_parse_amz_date(const char *s, int64_t *t)
{
    unsigned y, mo, d, h, mi, se;
    if (!s || strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z' ||
        !civil_digits(s, 4, &y) || !civil_digits(s + 4, 2, &mo) ||
        !civil_digits(s + 6, 2, &d) || !civil_digits(s + 9, 2, &h) ||
        !civil_digits(s + 11, 2, &mi) || !civil_digits(s + 13, 2, &se))
        return false;
    if (y < 1970 || !civil_date_valid(y, mo, d) || h > 23 || mi > 59 || se > 59)
        return false;
    *t = civil_days_from_date(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return true;
}

/* ---- canonical parts --------------------------------------------------- */

/* Appends the canonical URI of the path. */
static void canonical_uri(struct sbuf *out, const char *path,
                          enum sigv4_path_form form, bool normalize)
{
    struct sbuf wire = { 0 };
    if (!path || !*path)
        path = "/";
    if (form == SIGV4_PATH_DECODED) {
        /* Back to the wire form first: encode each segment once. */
        const char *s = path;
        while (*s) {
            const char *e = strchr(s, '/');
            size_t n = e ? (size_t)(e - s) : strlen(s);
            uri_encode(&wire, s, n);
            if (!e)
                break;
            sb_putc(&wire, '/');
            s = e + 1;
        }
        if (wire.oom) {
            out->oom = true;
            sb_free(&wire);
            return;
        }
        path = wire.p ? wire.p : "";
    }
    size_t plen = strlen(path);
    if (!normalize) {
        if (path[0] != '/')
            sb_putc(out, '/');
        const char *s = path;
        while (*s) {
            const char *e = strchr(s, '/');
            size_t n = e ? (size_t)(e - s) : strlen(s);
            uri_encode(out, s, n);
            if (!e)
                break;
            sb_putc(out, '/');
            s = e + 1;
        }
        sb_free(&wire);
        return;
    }
    /* Segments kept, as (offset, length) pairs; ".." drops the last. */
    size_t cap = plen / 2 + 2, count = 0;
    size_t *off = malloc(cap * sizeof(*off));
    size_t *len = malloc(cap * sizeof(*len));
    if (!off || !len) {
        free(off);
        free(len);
        out->oom = true;
        sb_free(&wire);
        return;
    }
    size_t i = 0;
    while (i <= plen) {
        size_t j = i;
        while (j < plen && path[j] != '/')
            j++;
        size_t n = j - i;
        if (n == 0 || (n == 1 && path[i] == '.')) {
            /* skip */
        } else if (n == 2 && path[i] == '.' && path[i + 1] == '.') {
            if (count)
                count--;
        } else {
            off[count] = i;
            len[count] = n;
            count++;
        }
        i = j + 1;
    }
    sb_putc(out, '/');
    for (size_t k = 0; k < count; k++) {
        if (k)
            sb_putc(out, '/');
        uri_encode(out, path + off[k], len[k]);
    }
    if (count && plen && path[plen - 1] == '/')
        sb_putc(out, '/');
    free(off);
    free(len);
    sb_free(&wire);
}

struct qpair {
    char *name;
    char *value;
};

static int qpair_cmp(const void *a, const void *b)
{
    const struct qpair *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->value, y->value);
}

static char *encode_copy(const char *s, size_t n, bool decode_first)
{
    struct sbuf dec = { 0 }, enc = { 0 };
    if (decode_first) {
        uri_decode(&dec, s, n);
        sb_reserve(&dec, 0);
        if (dec.oom) {
            sb_free(&dec);
            return NULL;
        }
        s = dec.p;
        n = dec.len;
    }
    uri_encode(&enc, s, n);
    sb_free(&dec);
    return sb_take(&enc);
}

/* Appends the canonical query string. */
static void canonical_query(struct sbuf *out, const struct sigv4_request *req)
{
    size_t n = 0, cap = 0;
    struct qpair *q = NULL;
    bool fail = false;
    if (req->query) {
        const char *s = req->query;
        for (const char *p = s; *p; p++)
            if (*p == '&')
                cap++;
        cap += 1;
        q = calloc(cap, sizeof(*q));
        fail = !q;
        while (!fail && *s) {
            const char *e = strchr(s, '&');
            size_t len = e ? (size_t)(e - s) : strlen(s);
            if (len) {
                const char *eq = memchr(s, '=', len);
                size_t nl = eq ? (size_t)(eq - s) : len;
                q[n].name = encode_copy(s, nl, true);
                q[n].value =
                    eq ? encode_copy(eq + 1, len - nl - 1, true) : strdup("");
                if (!q[n].name || !q[n].value)
                    fail = true;
                n++;
            }
            if (!e)
                break;
            s = e + 1;
        }
    } else if (req->params && req->param_count) {
        cap = req->param_count;
        q = calloc(cap, sizeof(*q));
        fail = !q;
        for (size_t i = 0; !fail && i < req->param_count; i++) {
            const char *nm = req->params[i].name ? req->params[i].name : "";
            const char *v = req->params[i].value ? req->params[i].value : "";
            q[n].name = encode_copy(nm, strlen(nm), false);
            q[n].value = encode_copy(v, strlen(v), false);
            if (!q[n].name || !q[n].value)
                fail = true;
            n++;
        }
    }
    if (!fail && n) {
        qsort(q, n, sizeof(*q), qpair_cmp);
        for (size_t i = 0; i < n; i++) {
            if (i)
                sb_putc(out, '&');
            sb_puts(out, q[i].name);
            sb_putc(out, '=');
            sb_puts(out, q[i].value);
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(q[i].name);
        free(q[i].value);
    }
    free(q);
    if (fail)
        out->oom = true;
}

/* A header to sign: lowercase name, value as given, original position. */
struct chdr {
    char *name;
    const char *value;
    size_t order;
};

static int chdr_cmp(const void *a, const void *b)
{
    const struct chdr *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

static const char *const never_signed[] = {
    "authorization",   "user-agent",        "expect",
    "x-amzn-trace-id", "transfer-encoding", "connection",
};

static bool is_never_signed(const char *lname)
{
    for (size_t i = 0; i < sizeof(never_signed) / sizeof(*never_signed); i++)
        if (strcmp(lname, never_signed[i]) == 0)
            return true;
    return false;
}

static char *lower_dup(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        d[i] = lower(s[i]);
    return d;
}

/*
 * Writes the method, canonical URI and query lines of the canonical request
 * (each followed by '\n').
 */
static void creq_head(struct sbuf *creq, const struct sigv4_request *req,
                      bool normalize)
{
    sb_puts(creq, req->method);
    sb_putc(creq, '\n');
    canonical_uri(creq, req->path, req->path_form, normalize);
    sb_putc(creq, '\n');
    canonical_query(creq, req);
    sb_putc(creq, '\n');
}

/* HMAC-SHA256 with a key of any length; the state is wiped after. */
static void hmac(unsigned char out[32], const void *key, size_t keylen,
                 const char *msg, size_t msglen)
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, keylen);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg,
                                  (unsigned long long)msglen);
    crypto_auth_hmacsha256_final(&st, out);
    sodium_memzero(&st, sizeof(st));
}

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
 * "aws4_request"). Returns false on out of memory. */
static bool derive_key(unsigned char key[SIGV4_KEY_SIZE], const char *secret,
                       const char *date8, const char *region,
                       const char *service)
{
    size_t sl = strlen(secret);
    unsigned char *k0 = malloc(sl + 4);
    if (!k0)
        return false;
    memcpy(k0, "AWS4", 4);
    memcpy(k0 + 4, secret, sl);
    unsigned char a[32], b[32];
    hmac(a, k0, sl + 4, date8, 8);
    sodium_memzero(k0, sl + 4);
    free(k0);
    hmac(b, a, 32, region, strlen(region));
    hmac(a, b, 32, service, strlen(service));
    hmac(key, a, 32, "aws4_request", 12);
    sodium_memzero(a, sizeof(a));
    sodium_memzero(b, sizeof(b));
    return true;
}

static void string_to_sign(struct sbuf *sts, const char *amz_date,
                           const char *scope, const char *creq, size_t creqlen)
{
    char h[SIGV4_HEX_SIZE];
    sigv4_sha256_hex(creq, creqlen, h);
    sb_puts(sts, SIGV4_ALGORITHM "\n");
    sb_puts(sts, amz_date);
    sb_putc(sts, '\n');
    sb_puts(sts, scope);
    sb_putc(sts, '\n');
    sb_puts(sts, h);
}

static void signature_hex(char out[SIGV4_HEX_SIZE],
                          const unsigned char key[SIGV4_KEY_SIZE],
                          const char *sts, size_t stslen)
{
    unsigned char sig[32];
    hmac(sig, key, SIGV4_KEY_SIZE, sts, stslen);
    sodium_bin2hex(out, SIGV4_HEX_SIZE, sig, sizeof(sig));
    sodium_memzero(sig, sizeof(sig));
}

/* ---- signing ----------------------------------------------------------- */

void sigv4_signed_init(struct sigv4_signed *s)
{
    memset(s, 0, sizeof(*s));
}

static void free_wiped(char *p)
{
    if (p) {
        sodium_memzero(p, strlen(p));
        free(p);
    }
}

void sigv4_signed_cleanup(struct sigv4_signed *s)
{
    if (!s)
        return;
    free_wiped(s->canonical_request);
    free_wiped(s->string_to_sign);
    free(s->credential_scope);
    free(s->signed_headers);
    free(s->payload_hash);
    free(s->authorization);
    free_wiped(s->session_token);
    sodium_memzero(s, sizeof(*s));
}

static const char *find_header(const struct sigv4_request *req,
                               const char *name, size_t *count)
{
    const char *v = NULL;
    *count = 0;
    for (size_t i = 0; i < req->header_count; i++) {
        if (req->headers[i].name && name_eq(req->headers[i].name, name)) {
            if (!v) /* a NULL value (a server's empty header) reads "" */
                v = req->headers[i].value ? req->headers[i].value : "";
            (*count)++;
        }
    }
    return v;
}

/* A part of the Credential (access key id, region, service): visible
 * ASCII without the '/' that separates the parts or the ',' that separates
 * the Authorization header's components, at most max characters. */
static bool valid_token(const char *s, size_t max)
{
    if (!s || !*s || strlen(s) > max)
        return false;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= 32 || c >= 127 || c == '/' || c == ',')
            return false;
    }
    return true;
}

/* Checks sigv4_sign's arguments and the request's header names and values;
 * the message names what is wrong, never a secret. */
static enum sigv4_status check_sign_args(const struct sigv4_request *req,
                                         const struct sigv4_credentials *cred,
                                         const struct sigv4_sign_options *opt,
                                         char *err, size_t errsize)
{
    if (!req || !cred || !opt || !req->method || !*req->method ||
        !valid_token(cred->access_key_id, SIGV4_AKID_MAX) ||
        !cred->secret_access_key || !*cred->secret_access_key ||
        !valid_token(opt->region, SIZE_MAX) ||
        (opt->service && !valid_token(opt->service, SIZE_MAX)) ||
        (req->header_count && !req->headers) ||
        (req->payload_len && !req->payload)) {
        set_msg(err, errsize,
                "sigv4: method, access key id, secret and region are "
                "required");
        return SIGV4_E_ARGUMENT;
    }
    if (cred->session_token && *cred->session_token &&
        !valid_header_value(cred->session_token)) {
        set_msg(err, errsize, "sigv4: the session token has a line break");
        return SIGV4_E_ARGUMENT;
    }
    for (size_t i = 0; i < req->header_count; i++) {
        if (!valid_header_name(req->headers[i].name) ||
            !valid_header_value(req->headers[i].value)) {
            set_msg(err, errsize, "sigv4: header %zu has an invalid %s", i + 1,
                    valid_header_name(req->headers[i].name) ? "value" : "name");
            return SIGV4_E_HEADER;
        }
    }
    return SIGV4_OK;
}

/*
 * The signing date into amz_date: the request's own x-amz-date wins (the
 * test suite signs that way), then opt->amz_date, then opt->time.
 * *date_hdr is the request's x-amz-date, or NULL when it has none.
 */
static enum sigv4_status signing_date(const struct sigv4_request *req,
                                      const struct sigv4_sign_options *opt,
                                      char amz_date[SIGV4_AMZ_DATE_SIZE],
                                      const char **date_hdr, char *err,
                                      size_t errsize)
{
    size_t cnt;
    int64_t t;
    *date_hdr = find_header(req, "x-amz-date", &cnt);
    if (cnt > 1) {
        set_msg(err, errsize, "sigv4: more than one X-Amz-Date header");
        return SIGV4_E_DATE;
    }
    if (*date_hdr) {
        if (!sigv4_parse_amz_date(*date_hdr, &t)) {
            set_msg(err, errsize, "sigv4: X-Amz-Date is not YYYYMMDDTHHMMSSZ");
            return SIGV4_E_DATE;
        }
        memcpy(amz_date, *date_hdr, SIGV4_AMZ_DATE_SIZE);
    } else if (opt->amz_date) {
        if (!sigv4_parse_amz_date(opt->amz_date, &t)) {
            set_msg(err, errsize,
                    "sigv4: signing date is not YYYYMMDDTHHMMSSZ");
            return SIGV4_E_DATE;
        }
        memcpy(amz_date, opt->amz_date, SIGV4_AMZ_DATE_SIZE);
    } else if (!sigv4_format_amz_date(opt->time, amz_date)) {
        set_msg(err, errsize, "sigv4: signing time %" PRId64 " is out of range",
                opt->time);
        return SIGV4_E_DATE;
    }
    return SIGV4_OK;
}

/* The payload hash to sign: the caller's (checked), or the SHA-256 of the
 * payload written into phash. */
static enum sigv4_status sign_payload_hash(const struct sigv4_request *req,
                                           char phash[SIGV4_HEX_SIZE],
                                           const char **hash, char *err,
                                           size_t errsize)
{
    *hash = req->payload_hash;
    if (!*hash) {
        sigv4_sha256_hex(req->payload, req->payload_len, phash);
        *hash = phash;
    } else if (!valid_header_value(*hash) || !**hash) {
        set_msg(err, errsize, "sigv4: invalid payload hash");
        return SIGV4_E_ARGUMENT;
    }
    return SIGV4_OK;
}

/*
 * The headers the caller must add before authorization: x-amz-date (when
 * the request has none), x-amz-security-token (with a session token the
 * request does not carry yet), x-amz-content-sha256 (when asked for).
 * Fills out->session_token and out->payload_hash; *nadd counts the added
 * headers. False on out of memory.
 */
static bool add_sign_headers(const struct sigv4_request *req,
                             const struct sigv4_sign_options *opt,
                             const char *token, bool has_date_hdr,
                             const char *payload_hash, struct sigv4_signed *out,
                             size_t *nadd)
{
    size_t cnt, n = 0;
    if (!has_date_hdr) {
        out->add_headers[n].name = "x-amz-date";
        out->add_headers[n++].value = out->amz_date;
    }
    if (token && !find_header(req, "x-amz-security-token", &cnt)) {
        out->session_token = strdup(token);
        if (!out->session_token)
            return false;
        out->add_headers[n].name = "x-amz-security-token";
        out->add_headers[n++].value = out->session_token;
    }
    out->payload_hash = strdup(payload_hash);
    if (!out->payload_hash)
        return false;
    if (opt->add_content_sha256 &&
        !find_header(req, "x-amz-content-sha256", &cnt)) {
        out->add_headers[n].name = "x-amz-content-sha256";
        out->add_headers[n++].value = out->payload_hash;
    }
    *nadd = n;
    return true;
}

static void free_chdrs(struct chdr *h, size_t nh)
{
    for (size_t i = 0; i < nh; i++)
        free(h[i].name);
    free(h);
}

/*
 * The headers to sign: the request's plus the nadd added ones, names
 * lowercased, never-signed ones left out, sorted by name then position.
 * On success *hp owns the array and its names (free_chdrs); false on out
 * of memory, with nothing left allocated.
 */
static bool collect_headers(const struct sigv4_request *req,
                            const struct sigv4_signed *out, size_t nadd,
                            struct chdr **hp, size_t *nhp)
{
    size_t nh = 0;
    struct chdr *h = calloc(req->header_count + nadd + 1, sizeof(*h));
    if (!h)
        return false;
    for (size_t i = 0; i < req->header_count + nadd; i++) {
        const struct sigv4_header *src =
            i < req->header_count ? &req->headers[i]
                                  : &out->add_headers[i - req->header_count];
        char *ln = lower_dup(src->name);
        if (!ln) {
            free_chdrs(h, nh);
            return false;
        }
        if (is_never_signed(ln)) {
            free(ln);
            continue;
        }
        h[nh].name = ln;
        h[nh].value = src->value;
        h[nh].order = i;
        nh++;
    }
    qsort(h, nh, sizeof(*h), chdr_cmp);
    *hp = h;
    *nhp = nh;
    return true;
}

/* Canonical header lines (repeated names joined with ',', no final '\n')
 * into creq and the SignedHeaders list into sh, from sorted headers. */
static void canonical_header_lines(struct sbuf *creq, struct sbuf *sh,
                                   const struct chdr *h, size_t nh)
{
    for (size_t i = 0; i < nh; i++) {
        if (i && strcmp(h[i].name, h[i - 1].name) == 0) {
            sb_putc(creq, ',');
        } else {
            if (i) {
                sb_putc(creq, '\n');
                sb_putc(sh, ';');
            }
            sb_puts(creq, h[i].name);
            sb_putc(creq, ':');
            sb_puts(sh, h[i].name);
        }
        put_trimmed(creq, h[i].value);
    }
}

/* The credential scope: YYYYMMDD/region/service/aws4_request. */
static void put_scope(struct sbuf *scope, const char *date8, const char *region,
                      const char *service)
{
    sb_put(scope, date8, 8);
    sb_putc(scope, '/');
    sb_puts(scope, region);
    sb_putc(scope, '/');
    sb_puts(scope, service);
    sb_puts(scope, "/aws4_request");
}

static void put_authorization(struct sbuf *auth, const char *akid,
                              const char *scope, const char *signed_headers,
                              const char *signature)
{
    sb_puts(auth, SIGV4_ALGORITHM " Credential=");
    sb_puts(auth, akid);
    sb_putc(auth, '/');
    sb_puts(auth, scope);
    sb_puts(auth, ", SignedHeaders=");
    sb_puts(auth, signed_headers);
    sb_puts(auth, ", Signature=");
    sb_puts(auth, signature);
}

enum sigv4_status sigv4_sign(const struct sigv4_request *req,
                             const struct sigv4_credentials *cred,
                             const struct sigv4_sign_options *opt,
                             struct sigv4_signed *out, char *err,
                             size_t errsize)
{
    struct chdr *h = NULL;
    size_t nh = 0, nadd = 0, cnt;
    struct sbuf creq = { 0 }, sts = { 0 }, sh = { 0 }, auth = { 0 },
                scope = { 0 };

    sigv4_signed_cleanup(out);
    enum sigv4_status st = check_sign_args(req, cred, opt, err, errsize);
    if (st != SIGV4_OK)
        return st;
    const char *service = opt->service ? opt->service : SIGV4_DEFAULT_SERVICE;
    const char *token = cred->session_token && *cred->session_token
                            ? cred->session_token
                            : NULL;
    const char *date_hdr;
    st = signing_date(req, opt, out->amz_date, &date_hdr, err, errsize);
    if (st != SIGV4_OK)
        return st;
    if (!find_header(req, "host", &cnt) &&
        !find_header(req, ":authority", &cnt)) {
        set_msg(err, errsize, "sigv4: the request has no Host header");
        return SIGV4_E_NO_HOST;
    }
    char phash[SIGV4_HEX_SIZE];
    const char *payload_hash;
    st = sign_payload_hash(req, phash, &payload_hash, err, errsize);
    if (st != SIGV4_OK)
        return st;

    if (!add_sign_headers(req, opt, token, date_hdr != NULL, payload_hash, out,
                          &nadd) ||
        !collect_headers(req, out, nadd, &h, &nh))
        goto nomem;
    creq_head(&creq, req, !opt->no_normalize_path);
    canonical_header_lines(&creq, &sh, h, nh);
    sb_puts(&creq, "\n\n");
    sb_puts(&creq, sh.p ? sh.p : "");
    sb_putc(&creq, '\n');
    sb_puts(&creq, payload_hash);
    put_scope(&scope, out->amz_date, opt->region, service);
    if (creq.oom || sh.oom || scope.oom || !sb_reserve(&creq, 0) ||
        !sb_reserve(&sh, 0) || !sb_reserve(&scope, 0))
        goto nomem;
    string_to_sign(&sts, out->amz_date, scope.p, creq.p, creq.len);
    if (sts.oom)
        goto nomem;

    char date8[9];
    memcpy(date8, out->amz_date, 8);
    date8[8] = '\0';
    if (!derive_key(out->signing_key, cred->secret_access_key, date8,
                    opt->region, service))
        goto nomem;
    signature_hex(out->signature, out->signing_key, sts.p, sts.len);
    put_authorization(&auth, cred->access_key_id, scope.p, sh.p,
                      out->signature);

    out->canonical_request = sb_take(&creq);
    out->string_to_sign = sb_take(&sts);
    out->signed_headers = sb_take(&sh);
    out->credential_scope = sb_take(&scope);
    out->authorization = sb_take(&auth);
    if (!out->canonical_request || !out->string_to_sign ||
        !out->signed_headers || !out->credential_scope || !out->authorization)
        goto nomem;
    out->add_headers[nadd].name = "authorization";
    out->add_headers[nadd++].value = out->authorization;
    out->add_header_count = nadd;
    goto done;

nomem:
    st = SIGV4_E_NOMEM;
    set_msg(err, errsize, "sigv4: out of memory");
    sigv4_signed_cleanup(out);
done:
    free_chdrs(h, nh);
    sb_free(&creq);
    sb_free(&sts);
    sb_free(&sh);
    sb_free(&auth);
    sb_free(&scope);
    return st;
}

/* ---- verification ------------------------------------------------------ */

static enum sigv4_verdict verdict(struct sigv4_verify_result *res,
                                  enum sigv4_verdict v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum sigv4_verdict verdict(struct sigv4_verify_result *res,
                                  enum sigv4_verdict v, const char *fmt, ...)
{
    res->verdict = v;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(res->message, sizeof(res->message), fmt, ap);
    va_end(ap);
    if (n < 0)
        res->message[0] = '\0';
    return v;
}

/* AWS's text for a signature mismatch (InvalidSignatureException), as
 * returned by REST-JSON services. */
#define MSG_MISMATCH                                                           \
    "The request signature we calculated does not match the signature you "    \
    "provided. Check your AWS Secret Access Key and signing method. Consult "  \
    "the service documentation for details."
#define MSG_BAD_TOKEN "The security token included in the request is invalid."

/* The parsed Authorization header; pointers into a private copy. */
struct auth {
    char *copy;
    const char *credential;
    const char *signed_headers;
    const char *signature;
    /* credential parts */
    char akid[SIGV4_AKID_MAX + 1];
    char date8[9];
    const char *region;
    const char *service;
    const char *term;
    char *cred_copy;
};

static void auth_free(struct auth *a)
{
    free(a->copy);
    free(a->cred_copy);
}

static char *trim(char *s)
{
    while (is_space(*s))
        s++;
    size_t n = strlen(s);
    while (n && is_space(s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Parses "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..."
 * (components in any order, separated by ','). */
static enum sigv4_verdict parse_auth(const char *value, struct auth *a,
                                     struct sigv4_verify_result *res)
{
    size_t alen = strlen(SIGV4_ALGORITHM);
    while (is_space(*value))
        value++;
    if (strncmp(value, SIGV4_ALGORITHM, alen) != 0 || !is_space(value[alen]))
        return verdict(
            res, SIGV4_V_MALFORMED,
            "Authorization header is not of the form '" SIGV4_ALGORITHM
            " Credential=..., SignedHeaders=..., "
            "Signature=...'.");
    a->copy = strdup(value + alen);
    if (!a->copy)
        return verdict(res, SIGV4_V_INTERNAL, "Out of memory.");
    char *s = a->copy;
    while (s) {
        char *comma = strchr(s, ',');
        if (comma)
            *comma = '\0';
        char *part = trim(s);
        s = comma ? comma + 1 : NULL;
        if (!*part)
            continue;
        char *eq = strchr(part, '=');
        if (!eq)
            return verdict(res, SIGV4_V_MALFORMED,
                           "A component of the Authorization header is not a "
                           "valid key=value pair (missing equal-sign).");
        *eq = '\0';
        const char *k = trim(part), *v = trim(eq + 1);
        const char **slot = strcmp(k, "Credential") == 0 ? &a->credential
                            : strcmp(k, "SignedHeaders") == 0
                                ? &a->signed_headers
                            : strcmp(k, "Signature") == 0 ? &a->signature
                                                          : NULL;
        if (!slot)
            continue; /* unknown components are ignored, as AWS does */
        if (*slot)
            return verdict(res, SIGV4_V_MALFORMED,
                           "Authorization header has '%s' more than once.", k);
        *slot = v;
    }
    char msg[SIGV4_MESSAGE_MAX] = "";
    size_t off = 0;
    static const char *const names[] = { "Credential", "Signature",
                                         "SignedHeaders" };
    const char *vals[] = { a->credential, a->signature, a->signed_headers };
    for (size_t i = 0; i < 3; i++) {
        if (vals[i] && *vals[i])
            continue;
        int n = snprintf(msg + off, sizeof(msg) - off,
                         "%sAuthorization header requires '%s' parameter.",
                         off ? " " : "", names[i]);
        if (n > 0 && (size_t)n < sizeof(msg) - off)
            off += (size_t)n;
    }
    if (off)
        return verdict(res, SIGV4_V_MALFORMED, "%s", msg);

    /* Credential=AKID/DATE/REGION/SERVICE/aws4_request */
    a->cred_copy = strdup(a->credential);
    if (!a->cred_copy)
        return verdict(res, SIGV4_V_INTERNAL, "Out of memory.");
    char *parts[6] = { 0 };
    size_t np = 0;
    char *p = a->cred_copy;
    while (np < 6) {
        parts[np++] = p;
        p = strchr(p, '/');
        if (!p)
            break;
        *p++ = '\0';
    }
    if (np != 5 || p)
        return verdict(res, SIGV4_V_MALFORMED,
                       "Credential must have exactly 5 slash-delimited "
                       "elements, e.g. keyid/date/region/service/term.");
    size_t kl = strlen(parts[0]);
    memcpy(a->akid, parts[0], kl > SIGV4_AKID_MAX ? SIGV4_AKID_MAX : kl);
    a->akid[kl > SIGV4_AKID_MAX ? SIGV4_AKID_MAX : kl] = '\0';
    memcpy(res->access_key_id, a->akid, sizeof(a->akid));
    if (kl == 0)
        return verdict(res, SIGV4_V_MALFORMED,
                       "Credential has an empty access key id.");
    unsigned dummy;
    if (strlen(parts[1]) != 8 || !civil_digits(parts[1], 8, &dummy))
        return verdict(res, SIGV4_V_MALFORMED,
                       "Credential date '%.16s' is not YYYYMMDD.", parts[1]);
    memcpy(a->date8, parts[1], 9);
    a->region = parts[2];
    a->service = parts[3];
    a->term = parts[4];
    if (strcmp(a->term, "aws4_request") != 0)
        return verdict(res, SIGV4_V_MALFORMED,
                       "Credential should be scoped with a valid terminator: "
                       "'aws4_request', not '%.32s'.",
                       a->term);
    if (kl > SIGV4_AKID_MAX)
        return verdict(res, SIGV4_V_UNKNOWN_KEY, MSG_BAD_TOKEN);
    return SIGV4_V_OK;
}

static bool is_hex64(const char *s)
{
    if (!s || strlen(s) != 64)
        return false;
    for (size_t i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

static void skew_text(char *buf, size_t size, int64_t skew)
{
    if (skew % 60 == 0)
        snprintf(buf, size, "%" PRId64 " min.", skew / 60);
    else
        snprintf(buf, size, "%" PRId64 " sec.", skew);
}

/* Builds the canonical headers of the SignedHeaders list into creq (each
 * line ends in '\n'); a listed header absent from the request is an
 * error. */
static enum sigv4_verdict signed_header_lines(struct sbuf *creq,
                                              const struct sigv4_request *req,
                                              const char *list,
                                              struct sigv4_verify_result *res)
{
    bool host = false;
    const char *s = list;
    while (*s) {
        const char *e = strchr(s, ';');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == 0 || n > SIGV4_HEADER_NAME_MAX)
            return verdict(res, SIGV4_V_MALFORMED,
                           "SignedHeaders has an empty or overlong name.");
        char name[SIGV4_HEADER_NAME_MAX + 1];
        for (size_t i = 0; i < n; i++)
            name[i] = lower(s[i]);
        name[n] = '\0';
        if (strcmp(name, "host") == 0 || strcmp(name, ":authority") == 0)
            host = true;
        bool found = false;
        sb_puts(creq, name);
        sb_putc(creq, ':');
        for (size_t i = 0; i < req->header_count; i++) {
            if (!req->headers[i].name || !name_eq(req->headers[i].name, name))
                continue;
            if (found)
                sb_putc(creq, ',');
            found = true;
            put_trimmed(creq,
                        req->headers[i].value ? req->headers[i].value : "");
        }
        sb_putc(creq, '\n');
        if (!found)
            return verdict(res, SIGV4_V_MALFORMED,
                           "'%s' is named as a SignedHeader, but it does not "
                           "exist in the HTTP request.",
                           name);
        if (!e)
            break;
        s = e + 1;
    }
    if (!host)
        return verdict(res, SIGV4_V_MALFORMED,
                       "'Host' or ':authority' must be a 'SignedHeader' in "
                       "the AWS Authorization.");
    return SIGV4_V_OK;
}

/* The request's X-Amz-Date: present, once, well formed and on the
 * credential scope's day. Sets *amz_date and *t. */
static enum sigv4_verdict check_request_date(const struct sigv4_request *req,
                                             const struct auth *a,
                                             const char **amz_date, int64_t *t,
                                             struct sigv4_verify_result *res)
{
    size_t cnt;
    *amz_date = find_header(req, "x-amz-date", &cnt);
    if (!*amz_date)
        return verdict(res, SIGV4_V_MALFORMED,
                       "Authorization header requires existence of a "
                       "'X-Amz-Date' header.");
    if (cnt > 1 || !sigv4_parse_amz_date(*amz_date, t))
        return verdict(res, SIGV4_V_MALFORMED,
                       "X-Amz-Date must be one value of the form "
                       "YYYYMMDDTHHMMSSZ.");
    if (memcmp(a->date8, *amz_date, 8) != 0)
        return verdict(res, SIGV4_V_WRONG_SCOPE,
                       "Date in Credential scope does not match YYYYMMDD from "
                       "ISO-8601 version of date from HTTP: '%s' != '%.8s', "
                       "from '%s'.",
                       a->date8, *amz_date, *amz_date);
    return SIGV4_V_OK;
}

/* The credential scope names this service and a region (opt->region when
 * set). */
static enum sigv4_verdict check_scope(const struct auth *a,
                                      const struct sigv4_verify_options *opt,
                                      struct sigv4_verify_result *res)
{
    const char *service = opt->service ? opt->service : SIGV4_DEFAULT_SERVICE;
    if (strcmp(a->service, service) != 0)
        return verdict(res, SIGV4_V_WRONG_SCOPE,
                       "Credential should be scoped to correct service: "
                       "'%s'.",
                       service);
    if (!*a->region || (opt->region && strcmp(a->region, opt->region) != 0))
        return verdict(res, SIGV4_V_WRONG_SCOPE,
                       "Credential should be scoped to a valid region, not "
                       "'%.64s'.",
                       a->region);
    return SIGV4_V_OK;
}

/* The signing time t (from amz_date) is within opt->max_skew of now. */
static enum sigv4_verdict check_skew(int64_t t, const char *amz_date,
                                     const struct sigv4_verify_options *opt,
                                     struct sigv4_verify_result *res)
{
    int64_t skew = opt->max_skew > 0 ? opt->max_skew : SIGV4_DEFAULT_SKEW;
    char now_s[SIGV4_AMZ_DATE_SIZE] = "", edge[SIGV4_AMZ_DATE_SIZE] = "",
         stext[32];
    skew_text(stext, sizeof(stext), skew);
    if (t < opt->now - skew) {
        if (!sigv4_format_amz_date(opt->now, now_s) ||
            !sigv4_format_amz_date(opt->now - skew, edge))
            now_s[0] = edge[0] = '\0';
        return verdict(res, SIGV4_V_EXPIRED,
                       "Signature expired: %s is now earlier than %s (%s - %s)",
                       amz_date, edge, now_s, stext);
    }
    if (t > opt->now + skew) {
        if (!sigv4_format_amz_date(opt->now, now_s) ||
            !sigv4_format_amz_date(opt->now + skew, edge))
            now_s[0] = edge[0] = '\0';
        return verdict(res, SIGV4_V_NOT_YET,
                       "Signature not yet current: %s is still later than %s "
                       "(%s + %s)",
                       amz_date, edge, now_s, stext);
    }
    return SIGV4_V_OK;
}

/* The request's x-amz-security-token matches the key's session token
 * (constant time), or neither has one. */
static enum sigv4_verdict check_session_token(const struct sigv4_request *req,
                                              const struct sigv4_key *k,
                                              struct sigv4_verify_result *res)
{
    size_t cnt;
    const char *tok = find_header(req, "x-amz-security-token", &cnt);
    const char *want =
        k->session_token && *k->session_token ? k->session_token : NULL;
    if (!want && !tok)
        return SIGV4_V_OK;
    size_t wl = want ? strlen(want) : 0, tl = tok ? strlen(tok) : 0;
    if (!want || !tok || cnt > 1 || wl != tl ||
        sodium_memcmp(want, tok, wl) != 0)
        return verdict(res, SIGV4_V_BAD_TOKEN, MSG_BAD_TOKEN);
    return SIGV4_V_OK;
}

/*
 * The payload hash to put in the canonical request: the body's SHA-256
 * (body_hash; the caller's precomputed one when it is 64 hex digits), or
 * the x-amz-content-sha256 header, which must then be UNSIGNED-PAYLOAD
 * (when allowed) or equal the body's hash.
 */
static enum sigv4_verdict
verify_payload_hash(const struct sigv4_request *req,
                    const struct sigv4_verify_options *opt,
                    char body_hash[SIGV4_HEX_SIZE], const char **payload_hash,
                    struct sigv4_verify_result *res)
{
    size_t cnt;
    if (req->payload_hash && is_hex64(req->payload_hash))
        memcpy(body_hash, req->payload_hash, SIGV4_HEX_SIZE);
    else
        sigv4_sha256_hex(req->payload, req->payload_len, body_hash);
    *payload_hash = body_hash;
    const char *xsha = find_header(req, "x-amz-content-sha256", &cnt);
    if (!xsha)
        return SIGV4_V_OK;
    if (cnt > 1)
        return verdict(res, SIGV4_V_MALFORMED,
                       "More than one x-amz-content-sha256 header.");
    if (strcmp(xsha, SIGV4_UNSIGNED) == 0) {
        if (!opt->allow_unsigned_payload)
            return verdict(res, SIGV4_V_BAD_SIGNATURE,
                           "This service does not accept UNSIGNED-PAYLOAD; "
                           "sign the payload.");
    } else if (!is_hex64(xsha)) {
        return verdict(res, SIGV4_V_MALFORMED,
                       "x-amz-content-sha256 must be UNSIGNED-PAYLOAD or "
                       "the lowercase hex SHA-256 of the body.");
    } else if (sodium_memcmp(xsha, body_hash, 64) != 0) {
        return verdict(res, SIGV4_V_BAD_SIGNATURE,
                       "The provided 'x-amz-content-sha256' header does not "
                       "match what was computed.");
    }
    *payload_hash = xsha;
    return SIGV4_V_OK;
}

/* The canonical request from the client's SignedHeaders list, and the
 * credential scope of its Authorization header. */
static enum sigv4_verdict
verify_canonical(const struct sigv4_request *req,
                 const struct sigv4_verify_options *opt, const struct auth *a,
                 const char *payload_hash, struct sbuf *creq,
                 struct sbuf *scope, struct sigv4_verify_result *res)
{
    creq_head(creq, req, !opt->no_normalize_path);
    enum sigv4_verdict v =
        signed_header_lines(creq, req, a->signed_headers, res);
    if (v != SIGV4_V_OK)
        return v;
    sb_putc(creq, '\n');
    for (const char *p = a->signed_headers; *p; p++)
        sb_putc(creq, lower(*p));
    sb_putc(creq, '\n');
    sb_puts(creq, payload_hash);
    put_scope(scope, a->date8, a->region, a->service);
    if (creq->oom || scope->oom || !sb_reserve(creq, 0) ||
        !sb_reserve(scope, 0))
        return verdict(res, SIGV4_V_INTERNAL, "Out of memory.");
    return SIGV4_V_OK;
}

/* Signs the string to sign with the key's secret and compares the result
 * with the client's signature in constant time; wipes the key and the
 * computed signature. */
static enum sigv4_verdict
compare_signature(const struct auth *a, const struct sigv4_key *k,
                  const char *amz_date, const struct sbuf *creq,
                  const struct sbuf *scope, struct sigv4_verify_result *res)
{
    struct sbuf sts = { 0 };
    unsigned char key[SIGV4_KEY_SIZE];
    enum sigv4_verdict v;
    string_to_sign(&sts, amz_date, scope->p, creq->p, creq->len);
    if (sts.oom || !derive_key(key, k->secret_access_key, a->date8, a->region,
                               a->service)) {
        v = verdict(res, SIGV4_V_INTERNAL, "Out of memory.");
        sodium_memzero(key, sizeof(key));
        sb_free(&sts);
        return v;
    }
    char sig[SIGV4_HEX_SIZE];
    signature_hex(sig, key, sts.p, sts.len);
    if (strlen(a->signature) != 64 || sodium_memcmp(sig, a->signature, 64) != 0)
        v = verdict(res, SIGV4_V_BAD_SIGNATURE, MSG_MISMATCH);
    else
        v = verdict(res, SIGV4_V_OK, "%s", "");
    sodium_memzero(sig, sizeof(sig));
    sodium_memzero(key, sizeof(key));
    sb_free(&sts);
    return v;
}

enum sigv4_verdict sigv4_verify(const struct sigv4_request *req,
                                const struct sigv4_verify_options *opt,
                                struct sigv4_verify_result *res)
{
    memset(res, 0, sizeof(*res));
    if (!req || !opt || !opt->lookup || !req->method ||
        (req->header_count && !req->headers) ||
        (req->payload_len && !req->payload))
        return verdict(res, SIGV4_V_INTERNAL,
                       "Verifier called without a request or key lookup.");
    size_t cnt;
    const char *authz = find_header(req, "authorization", &cnt);
    if (!authz)
        return verdict(res, SIGV4_V_MISSING, "Missing Authentication Token");
    if (cnt > 1)
        return verdict(res, SIGV4_V_MALFORMED,
                       "More than one Authorization header.");

    struct auth a = { 0 };
    struct sbuf creq = { 0 }, scope = { 0 };
    const char *amz_date = NULL, *payload_hash = NULL;
    int64_t t = 0;
    struct sigv4_key k = { 0 };
    char body_hash[SIGV4_HEX_SIZE];
    enum sigv4_verdict v = parse_auth(authz, &a, res);
    if (v == SIGV4_V_OK)
        v = check_request_date(req, &a, &amz_date, &t, res);
    if (v == SIGV4_V_OK)
        v = check_scope(&a, opt, res);
    if (v == SIGV4_V_OK)
        v = check_skew(t, amz_date, opt, res);
    if (v == SIGV4_V_OK && (!opt->lookup(opt->lookup_ctx, a.akid, &k) ||
                            !k.secret_access_key || !*k.secret_access_key))
        v = verdict(res, SIGV4_V_UNKNOWN_KEY, MSG_BAD_TOKEN);
    if (v == SIGV4_V_OK)
        v = check_session_token(req, &k, res);
    if (v == SIGV4_V_OK)
        v = verify_payload_hash(req, opt, body_hash, &payload_hash, res);
    if (v == SIGV4_V_OK)
        v = verify_canonical(req, opt, &a, payload_hash, &creq, &scope, res);
    if (v == SIGV4_V_OK)
        v = compare_signature(&a, &k, amz_date, &creq, &scope, res);
    auth_free(&a);
    sb_free(&creq);
    sb_free(&scope);
    return v;
}
