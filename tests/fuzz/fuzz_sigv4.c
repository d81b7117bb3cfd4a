/*
 * libFuzzer target: SigV4, two ways.
 *
 * 1. Hostile verification: the Authorization header, x-amz-date, path,
 *    query, x-amz-content-sha256 and body come from the input (lines
 *    "AUTHORIZATION\nX-AMZ-DATE\nPATH\nQUERY\nSHA256\nBODY"); the verifier
 *    must answer something and the signer must canonicalise anything.
 *
 * 2. Sign, then verify (the success verdict must be reached): the input is
 *    read as a request
 *      byte 0  flags: 1 session token, 2 x-amz-content-sha256, 4 unsigned
 *              payload, 8 no path normalisation, 16..112 the method (one
 *              of eight, the last read from the input)
 *      byte 1  number of extra headers (0..15); 16: access key id and
 *              32: region read from the input too
 *      byte 2  which change to make afterwards; byte 3 where
 *      byte 4  verifier clock offset, x 3 seconds
 *      then lines: [METHOD], [ACCESS KEY ID], [REGION], PATH, QUERY, one
 *      "NAME:VALUE" per header
 *      (any names, counts and duplicates), and the body (the rest).
 *    Every request the signer accepts must verify (SIGV4_V_OK) at the
 *    signing time, must be EXPIRED / NOT_YET exactly when the clock is
 *    more than 300 s off, and must stop verifying when one byte of what
 *    was signed changes: the method, the body (unless the payload is
 *    unsigned), the signature, a removed signed header, or any byte of
 *    the path, query or a header value whose change changes the canonical
 *    request (decided by signing the changed request again). Unsigned extra
 *    headers must not matter. Any other outcome aborts.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/sigv4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define T0         1764158400 /* 2025-11-26T12:00:00Z */
#define SECRET     "fuzz-secret"
#define TOKEN      "tok/en+="
#define MAX_FUZZ_H 15
#define MAX_H      (1 + MAX_FUZZ_H + 1 + SIGV4_ADD_HEADERS_MAX)

static bool lookup(void *ctx, const char *akid, struct sigv4_key *key)
{
    (void)ctx;
    if (akid[0] == 'X')
        return false;
    key->secret_access_key = SECRET;
    key->session_token = akid[0] == 'T' ? "tok" : NULL;
    return true;
}

/* The round trip's keys: any access key id has the secret. */
static bool lookup_any(void *ctx, const char *akid, struct sigv4_key *key)
{
    (void)akid;
    key->secret_access_key = SECRET;
    key->session_token = ctx;
    return true;
}

/* Part 1: the verifier on hostile headers, the signer on any path. */
static void hostile(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf)
        return;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *field[6] = { "", "", "", "", "", "" };
    char *p = buf;
    for (int i = 0; i < 5 && p; i++) {
        field[i] = p;
        p = strchr(p, '\n');
        if (p)
            *p++ = '\0';
    }
    if (p)
        field[5] = p;
    struct sigv4_header h[] = {
        { "Host", "h" },
        { "Authorization", field[0] },
        { "X-Amz-Date", field[1] },
        { "x-amz-content-sha256", field[4] },
        { "x-amz-security-token", "tok" },
    };
    size_t body_len = strlen(field[5]);
    struct sigv4_request req = {
        .method = "POST",
        .path = field[2],
        .query = field[3],
        .headers = h,
        .header_count = field[4][0] ? 5 : 3,
        .payload = field[5],
        .payload_len = body_len,
    };
    struct sigv4_verify_options vo = { .now = T0, .lookup = lookup };
    struct sigv4_verify_result res;
    (void)sigv4_verify(&req, &vo, &res);
    vo.allow_unsigned_payload = true;
    vo.no_normalize_path = true;
    req.path_form = SIGV4_PATH_DECODED;
    (void)sigv4_verify(&req, &vo, &res);

    struct sigv4_credentials cred = { "AKID", SECRET, "tok" };
    struct sigv4_sign_options so = { .region = "eu-west-1", .time = T0 };
    struct sigv4_signed s;
    sigv4_signed_init(&s);
    req.header_count = 1;
    (void)!sigv4_sign(&req, &cred, &so, &s, NULL, 0);
    sigv4_signed_cleanup(&s);
    free(buf);
}

/* ---------------------------------------------------------------------- */
/* Part 2: sign, then verify */

struct trip {
    struct sigv4_request req;     /* what the client asks to sign */
    struct sigv4_header h[MAX_H]; /* its headers */
    struct sigv4_credentials cred;
    struct sigv4_sign_options so;
    struct sigv4_verify_options vo;
    struct sigv4_signed s; /* the signature of req */
};

/* The headers the signer sets itself: a client does not send its own. */
static bool signer_header(const char *name)
{
    static const char *const own[] = { "authorization", "x-amz-date",
                                       "x-amz-security-token",
                                       "x-amz-content-sha256" };
    for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
        if (strcasecmp(name, own[i]) == 0)
            return true;
    return false;
}

/* A Credential part as the signer's contract wants it. */
static bool credential_part(const char *s, size_t max)
{
    if (!*s || strlen(s) > max)
        return false;
    for (; *s; s++)
        if ((unsigned char)*s <= 32 || (unsigned char)*s >= 127 || *s == '/' ||
            *s == ',')
            return false;
    return true;
}

/* What the signer promises to accept: a method, Credential parts, header
 * names that are HTTP tokens, values without line breaks. */
static bool signable(const struct trip *t)
{
    const struct sigv4_request *req = &t->req;
    if (!req->method[0] ||
        !credential_part(t->cred.access_key_id, SIGV4_AKID_MAX) ||
        !credential_part(t->so.region, SIZE_MAX))
        return false;
    for (size_t i = 0; i < req->header_count; i++) {
        const unsigned char *n = (const unsigned char *)req->headers[i].name;
        if (!*n || strlen((const char *)n) > SIGV4_HEADER_NAME_MAX)
            return false;
        for (; *n; n++)
            if (!isalnum(*n) && !strchr("!#$%&'*+-.^_`|~", *n))
                return false;
        if (strpbrk(req->headers[i].value, "\r\n"))
            return false;
    }
    return true;
}

/* req's headers plus what the signature s adds: the request on the wire. */
static enum sigv4_verdict verify_as_sent(const struct trip *t,
                                         const struct sigv4_request *req,
                                         const struct sigv4_signed *s,
                                         int64_t now)
{
    struct sigv4_header wire[MAX_H + SIGV4_ADD_HEADERS_MAX];
    size_t n = 0;
    for (size_t i = 0; i < req->header_count; i++)
        wire[n++] = req->headers[i];
    for (size_t i = 0; i < s->add_header_count; i++)
        wire[n++] = s->add_headers[i];
    struct sigv4_request got = *req;
    got.headers = wire;
    got.header_count = n;
    got.payload_hash = NULL; /* the server only has the body */
    struct sigv4_verify_options vo = t->vo;
    vo.now = now;
    struct sigv4_verify_result res;
    enum sigv4_verdict v = sigv4_verify(&got, &vo, &res);
    if (v != res.verdict)
        abort();
    return v;
}

/*
 * The verdict a changed request must get with the original signature:
 * SIGV4_V_OK when signing it gives the same canonical request, anything
 * else when it does not (or cannot be signed). Returns true for "must
 * verify".
 */
static bool same_canonical(const struct trip *t,
                           const struct sigv4_request *changed)
{
    struct sigv4_signed s2;
    sigv4_signed_init(&s2);
    bool same =
        sigv4_sign(changed, &t->cred, &t->so, &s2, NULL, 0) == SIGV4_OK &&
        strcmp(s2.canonical_request, t->s.canonical_request) == 0;
    sigv4_signed_cleanup(&s2);
    return same;
}

static void expect(bool ok, enum sigv4_verdict v)
{
    if (ok != (v == SIGV4_V_OK))
        abort();
}

/* One byte of text changed (never to NUL): the copy lives in buf. */
static const char *change_byte(const char *text, size_t at, char *buf,
                               size_t size)
{
    size_t len = strlen(text);
    if (len == 0 || len >= size)
        return NULL;
    memcpy(buf, text, len + 1);
    at %= len;
    char c = (char)(buf[at] ^ 1);
    buf[at] = c ? c : (char)(buf[at] ^ 2);
    return buf;
}

static void round_trip(const uint8_t *data, size_t size)
{
    if (size < 5)
        return;
    uint8_t flags = data[0], nfuzz = data[1] & MAX_FUZZ_H, change = data[2],
            where = data[3];
    int64_t skew = (int64_t)(int8_t)data[4] * 3;
    char *buf = malloc(size - 5 + 1);
    if (!buf)
        return;
    memcpy(buf, data + 5, size - 5);
    buf[size - 5] = '\0';
    size_t buf_len = size - 5; /* the body may hold NULs: keep its length */
    char *p = buf;
    /* next line, or "" when the input has run out */
#define NEXT_LINE(out)                                                         \
    do {                                                                       \
        (out) = p ? p : (char *)"";                                            \
        char *nl = p ? strchr(p, '\n') : NULL;                                 \
        if (nl)                                                                \
            *nl = '\0';                                                        \
        p = nl ? nl + 1 : NULL;                                                \
    } while (0)
    static const char *const methods[] = { "GET",    "POST", "PUT",    "PATCH",
                                           "DELETE", "HEAD", "OPTIONS" };
    unsigned mi = (flags >> 4) & 7;
    const char *method = mi < 7 ? methods[mi] : NULL;
    char *line;
    if (!method) {
        NEXT_LINE(line);
        method = line;
    }
    char *akid = "AKIDFUZZ", *region = "eu-west-1";
    if (data[1] & 16)
        NEXT_LINE(akid);
    if (data[1] & 32)
        NEXT_LINE(region);
    char *path, *query;
    NEXT_LINE(path);
    NEXT_LINE(query);

    static struct trip t;
    memset(&t, 0, sizeof(t));
    size_t nh = 0;
    t.h[nh++] = (struct sigv4_header){ "Host", "fuzz.example" };
    for (unsigned i = 0; i < nfuzz; i++) {
        NEXT_LINE(line);
        char *colon = strchr(line, ':');
        if (colon)
            *colon = '\0';
        if (signer_header(line))
            continue;
        t.h[nh++] = (struct sigv4_header){ line, colon ? colon + 1 : "" };
    }
    const char *body = p ? p : "";
    size_t body_len = p ? buf_len - (size_t)(p - buf) : 0;
#undef NEXT_LINE

    bool unsigned_payload = (flags & 4) != 0;
    t.req = (struct sigv4_request){
        .method = method,
        .path = path,
        .query = query,
        .headers = t.h,
        .header_count = nh,
        .payload = body,
        .payload_len = body_len,
        .payload_hash = unsigned_payload ? SIGV4_UNSIGNED : NULL,
    };
    t.cred =
        (struct sigv4_credentials){ akid, SECRET, (flags & 1) ? TOKEN : NULL };
    t.so = (struct sigv4_sign_options){
        .region = region,
        .time = T0,
        .add_content_sha256 = (flags & 2) || unsigned_payload,
        .no_normalize_path = (flags & 8) != 0,
    };
    t.vo = (struct sigv4_verify_options){
        .region = region,
        .now = T0,
        .allow_unsigned_payload = unsigned_payload,
        .no_normalize_path = (flags & 8) != 0,
        .lookup = lookup_any,
        .lookup_ctx = (flags & 1) ? TOKEN : NULL,
    };
    sigv4_signed_init(&t.s);
    enum sigv4_status st = sigv4_sign(&t.req, &t.cred, &t.so, &t.s, NULL, 0);
    if (st != SIGV4_OK) {
        /* Refused only for what its contract says it refuses. */
        if (signable(&t))
            abort();
        goto out;
    }

    /* Signed: it verifies, at the signing time and within the skew. */
    expect(true, verify_as_sent(&t, &t.req, &t.s, T0));
    enum sigv4_verdict v = verify_as_sent(&t, &t.req, &t.s, T0 + skew);
    if (skew > SIGV4_DEFAULT_SKEW    ? v != SIGV4_V_EXPIRED
        : skew < -SIGV4_DEFAULT_SKEW ? v != SIGV4_V_NOT_YET
                                     : v != SIGV4_V_OK)
        abort();

    /* One change to what was sent. */
    struct sigv4_request c = t.req;
    struct sigv4_header ch[MAX_H];
    memcpy(ch, t.h, sizeof(ch));
    c.headers = ch;
    char tmp[4096];
    switch (change % 8) {
    case 0: /* the body: covered unless the payload is unsigned */
        if (body_len == 0 || body_len > sizeof(tmp))
            break;
        memcpy(tmp, body, body_len);
        tmp[where % body_len] ^= 0x10;
        c.payload = tmp;
        expect(unsigned_payload, verify_as_sent(&t, &c, &t.s, T0));
        break;
    case 1: /* the method: signed as given */
        if ((c.method = change_byte(method, where, tmp, sizeof(tmp))))
            expect(false, verify_as_sent(&t, &c, &t.s, T0));
        break;
    case 2: /* a byte of the path */
        if ((c.path = change_byte(path, where, tmp, sizeof(tmp))))
            expect(same_canonical(&t, &c), verify_as_sent(&t, &c, &t.s, T0));
        break;
    case 3: /* a byte of the query */
        if ((c.query = change_byte(query, where, tmp, sizeof(tmp))))
            expect(same_canonical(&t, &c), verify_as_sent(&t, &c, &t.s, T0));
        break;
    case 4: { /* a byte of a header value */
        size_t i = where % nh;
        if ((ch[i].value =
                 change_byte(t.h[i].value, where / nh, tmp, sizeof(tmp))))
            expect(same_canonical(&t, &c), verify_as_sent(&t, &c, &t.s, T0));
        break;
    }
    case 5: { /* a digit of the signature (the last 64 characters) */
        size_t len = strlen(t.s.authorization);
        if (len >= sizeof(tmp))
            abort();
        memcpy(tmp, t.s.authorization, len + 1);
        char *d = &tmp[len - 1 - where % 64];
        *d = *d == '0' ? '1' : '0';
        struct sigv4_signed forged = t.s; /* shares t.s's strings */
        forged.add_headers[forged.add_header_count - 1].value = tmp;
        expect(false, verify_as_sent(&t, &t.req, &forged, T0));
        break;
    }
    case 6: { /* a header left out: fails when it was signed */
        size_t i = where % nh;
        for (size_t j = i; j + 1 < nh; j++)
            ch[j] = ch[j + 1];
        c.header_count = nh - 1;
        expect(same_canonical(&t, &c), verify_as_sent(&t, &c, &t.s, T0));
        break;
    }
    case 7: { /* unsigned extra headers do not matter */
        bool clash = false;
        for (size_t i = 0; i < nh; i++)
            clash |= strcasecmp(t.h[i].name, "x-fuzz-extra") == 0;
        ch[nh] =
            (struct sigv4_header){ (where & 1) ? "User-Agent" : "X-Fuzz-Extra",
                                   "z" };
        c.header_count = nh + 1;
        expect(!clash || (where & 1), verify_as_sent(&t, &c, &t.s, T0));
        break;
    }
    }
out:
    sigv4_signed_cleanup(&t.s);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hostile(data, size);
    round_trip(data, size);
    return 0;
}
