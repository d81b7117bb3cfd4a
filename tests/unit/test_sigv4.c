#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/sigv4.h"
#include "tests/unit/reference.h"

/* ---- the AWS SigV4 test suite ------------------------------------------ */

#define SUITE_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define SUITE_TOKEN                                                            \
    "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"

static const char *const suite_cases[] = {
    "get-vanilla",
    "post-vanilla",
    "post-vanilla-query",
    "post-x-www-form-urlencoded",
    "post-x-www-form-urlencoded-parameters",
    "get-vanilla-query-order-key-case",
    "get-vanilla-query-unreserved",
    "get-vanilla-empty-query-key",
    "post-header-key-sort",
    "post-header-key-case",
    "get-header-value-trim",
    "get-header-key-duplicate",
    "get-utf8",
    "get-vanilla-utf8-query",
    "get-vanilla-with-session-token",
    "normalize-path/get-space",
    "normalize-path/get-slash-dot-slash",
    "normalize-path/get-relative-relative",
    "normalize-path/get-slashes",
    "normalize-path/get-slash-pointless-dot",
};

static char *case_file(const char *name, const char *ext)
{
    const char *ref = reference_dir();
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    char path[512];
    snprintf(path, sizeof(path), "%s/sigv4-testsuite/%s/%s.%s", ref, name, base,
             ext);
    char *s = reference_read(path, NULL);
    if (!s)
        fail_msg("cannot read %s", path);
    return s;
}

/* A raw request split in place into its parts. */
struct raw_req {
    char *text;
    char *method;
    char *path;
    char *query;
    struct sigv4_header headers[16];
    size_t nh;
    char *body;
};

static void parse_req(struct raw_req *r, char *text)
{
    memset(r, 0, sizeof(*r));
    r->text = text;
    char *eol = strchr(text, '\n');
    assert_non_null(eol);
    *eol = '\0';
    /* "METHOD TARGET HTTP/1.1"; the target may contain spaces. */
    char *sp1 = strchr(text, ' '), *sp2 = strrchr(text, ' ');
    assert_true(sp1 && sp2 && sp1 != sp2);
    *sp1 = *sp2 = '\0';
    r->method = text;
    r->path = sp1 + 1;
    char *q = strchr(r->path, '?');
    if (q) {
        *q = '\0';
        r->query = q + 1;
    }
    char *line = eol + 1;
    while (line && *line) {
        if (*line == '\n') { /* blank line: the body follows */
            r->body = line + 1;
            break;
        }
        char *next = strchr(line, '\n');
        if (next)
            *next = '\0';
        char *colon = strchr(line, ':');
        assert_non_null(colon);
        *colon = '\0';
        assert_true(r->nh < 16);
        r->headers[r->nh].name = line;
        r->headers[r->nh].value = colon + 1;
        r->nh++;
        line = next ? next + 1 : NULL;
    }
}

static struct sigv4_request raw_to_req(const struct raw_req *r)
{
    struct sigv4_request req = {
        .method = r->method,
        .path = r->path,
        .query = r->query,
        .headers = r->headers,
        .header_count = r->nh,
        .payload = r->body,
        .payload_len = r->body ? strlen(r->body) : 0,
    };
    return req;
}

static bool suite_lookup(void *ctx, const char *akid, struct sigv4_key *key)
{
    const char *token = ctx;
    if (strcmp(akid, "AKIDEXAMPLE") != 0)
        return false;
    key->secret_access_key = SUITE_SECRET;
    key->session_token = token;
    return true;
}

static void test_suite(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(suite_cases) / sizeof(*suite_cases); i++) {
        const char *name = suite_cases[i];
        bool token = strstr(name, "session-token") != NULL;
        struct raw_req r;
        parse_req(&r, case_file(name, "req"));
        struct sigv4_request req = raw_to_req(&r);
        struct sigv4_credentials cred = { "AKIDEXAMPLE", SUITE_SECRET,
                                          token ? SUITE_TOKEN : NULL };
        struct sigv4_sign_options opt = { .region = "us-east-1",
                                          .service = "service",
                                          .amz_date = "20150830T123600Z" };
        struct sigv4_signed s;
        sigv4_signed_init(&s);
        char err[256] = "";
        enum sigv4_status st =
            sigv4_sign(&req, &cred, &opt, &s, err, sizeof(err));
        if (st != SIGV4_OK)
            fail_msg("%s: %s", name, err);
        char *creq = case_file(name, "creq");
        char *sts = case_file(name, "sts");
        char *authz = case_file(name, "authz");
        if (strcmp(s.canonical_request, creq) != 0)
            fail_msg("%s: canonical request\n--- got\n%s\n--- want\n%s", name,
                     s.canonical_request, creq);
        if (strcmp(s.string_to_sign, sts) != 0)
            fail_msg("%s: string to sign\n--- got\n%s\n--- want\n%s", name,
                     s.string_to_sign, sts);
        if (strcmp(s.authorization, authz) != 0)
            fail_msg("%s: authorization\n--- got\n%s\n--- want\n%s", name,
                     s.authorization, authz);
        /* The request already has x-amz-date: only the token (when set) and
         * authorization are added. */
        assert_int_equal(s.add_header_count, token ? 2 : 1);
        if (token) {
            assert_string_equal(s.add_headers[0].name, "x-amz-security-token");
            assert_string_equal(s.add_headers[0].value, SUITE_TOKEN);
        }
        assert_string_equal(s.add_headers[s.add_header_count - 1].value,
                            s.authorization);

        /* The signed request verifies at the signing instant. */
        struct sigv4_header h[20];
        memcpy(h, r.headers, r.nh * sizeof(*h));
        for (size_t k = 0; k < s.add_header_count; k++)
            h[r.nh + k] = s.add_headers[k];
        req.headers = h;
        req.header_count = r.nh + s.add_header_count;
        struct sigv4_verify_options vo = {
            .region = "us-east-1",
            .service = "service",
            .lookup = suite_lookup,
            .lookup_ctx = token ? (void *)(uintptr_t)SUITE_TOKEN : NULL,
        };
        assert_true(sigv4_parse_amz_date("20150830T123600Z", &vo.now));
        struct sigv4_verify_result res;
        if (sigv4_verify(&req, &vo, &res) != SIGV4_V_OK)
            fail_msg("%s: verify: %s %s", name, sigv4_verdict_name(res.verdict),
                     res.message);
        assert_string_equal(res.access_key_id, "AKIDEXAMPLE");

        sigv4_signed_cleanup(&s);
        sigv4_signed_cleanup(&s); /* twice is fine */
        free(creq);
        free(sts);
        free(authz);
        free(r.text);
    }
}

/* The .sreq files (signed requests as AWS shows them) verify as they are,
 * except the session-token one whose Signature is stale (README). */
static void test_suite_sreq_verifies(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(suite_cases) / sizeof(*suite_cases); i++) {
        const char *name = suite_cases[i];
        bool token = strstr(name, "session-token") != NULL;
        struct raw_req r;
        parse_req(&r, case_file(name, "sreq"));
        struct sigv4_request req = raw_to_req(&r);
        struct sigv4_verify_options vo = {
            .region = "us-east-1",
            .service = "service",
            .lookup = suite_lookup,
            .lookup_ctx = token ? (void *)(uintptr_t)SUITE_TOKEN : NULL,
        };
        assert_true(sigv4_parse_amz_date("20150830T123600Z", &vo.now));
        struct sigv4_verify_result res;
        enum sigv4_verdict v = sigv4_verify(&req, &vo, &res);
        if (v != (token ? SIGV4_V_BAD_SIGNATURE : SIGV4_V_OK))
            fail_msg("%s: %s %s", name, sigv4_verdict_name(v), res.message);
        free(r.text);
    }
}

/* ---- requests signed by botocore (the AWS CLI's signer) ----------------
 * Captured from botocore 1.43.11 iotwireless client calls (GetFuotaTask
 * with Id "a b/c+d", ListFuotaTasks with NextToken "x/y=+z ~",
 * CreateFuotaTask, DeleteFuotaTask) against endpoint http://127.0.0.1:8080,
 * region eu-west-1, with a session token, in a before-send hook: exactly
 * the bytes the AWS CLI puts on the wire (Host added as urllib3 does). */

#define INTEROP_AKID   "AKIAINTEROP00000001"
#define INTEROP_SECRET "interopSecret/0000000000000000000000001"
#define INTEROP_TOKEN  "INTEROPTOKEN0001"

struct botocore_vector {
    const char *method, *path, *query, *body;
    struct sigv4_header h[8];
    size_t nh;
};

static const struct botocore_vector botocore_vectors[] = {
    { "GET",
      "/fuota-tasks/a%20b%2Fc%2Bd",
      "",
      "",
      { { "Host", "127.0.0.1:8080" },
        { "User-Agent", "Botocore/1.43.11 ua/2.1 os/linux#6.18.44-fc-v769 "
                        "md/arch#x86_64 lang/python#3.11.7 md/pyimpl#CPython "
                        "m/N,Z,b,D,e cfg/retry-mode#legacy" },
        { "X-Amz-Date", "20261126T052212Z" },
        { "X-Amz-Security-Token", "INTEROPTOKEN0001" },
        { "Authorization",
          "AWS4-HMAC-SHA256 "
          "Credential=AKIAINTEROP00000001/20261126/eu-west-1/iotwireless/"
          "aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, "
          "Signature="
          "bf7081e468f3ba9d6991be073a43de10f494fc3cb6d8f26eaaa7bf2ffbb21836" },
        { "amz-sdk-invocation-id", "95b0c147-0447-4373-9044-e65592cbb867" } },
      6 },
    { "GET",
      "/fuota-tasks",
      "maxResults=5&nextToken=x%2Fy%3D%2Bz%20~",
      "",
      { { "Host", "127.0.0.1:8080" },
        { "User-Agent", "Botocore/1.43.11 ua/2.1 os/linux#6.18.44-fc-v769 "
                        "md/arch#x86_64 lang/python#3.11.7 md/pyimpl#CPython "
                        "m/N,Z,b,D,e cfg/retry-mode#legacy" },
        { "X-Amz-Date", "20261126T052212Z" },
        { "X-Amz-Security-Token", "INTEROPTOKEN0001" },
        { "Authorization",
          "AWS4-HMAC-SHA256 "
          "Credential=AKIAINTEROP00000001/20261126/eu-west-1/iotwireless/"
          "aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, "
          "Signature="
          "867ec31a3020a65f50beb0ce607db84eccfee292f32e155f7c22e434ae85750d" },
        { "amz-sdk-invocation-id", "ab5e97cd-16e7-47a5-8c02-d57e84cf70a1" } },
      6 },
    { "POST",
      "/fuota-tasks",
      "",
      "{\"FirmwareUpdateImage\": \"s3://b/f w.bin\", \"FirmwareUpdateRole\": "
      "\"arn:aws:iam::1:role/r\", \"ClientRequestToken\": \"tok-1\", "
      "\"LoRaWAN\": {\"RfRegion\": \"EU868\"}}",
      { { "Host", "127.0.0.1:8080" },
        { "Content-Type", "application/json" },
        { "User-Agent", "Botocore/1.43.11 ua/2.1 os/linux#6.18.44-fc-v769 "
                        "md/arch#x86_64 lang/python#3.11.7 md/pyimpl#CPython "
                        "m/N,Z,b,D,e cfg/retry-mode#legacy" },
        { "X-Amz-Date", "20261126T052212Z" },
        { "X-Amz-Security-Token", "INTEROPTOKEN0001" },
        { "Authorization",
          "AWS4-HMAC-SHA256 "
          "Credential=AKIAINTEROP00000001/20261126/eu-west-1/iotwireless/"
          "aws4_request, "
          "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "
          "Signature="
          "7ef3a15ff23fefbaf650599ed0caa39285b45188525b9064414ab25968748a9e" },
        { "amz-sdk-invocation-id", "ab511f7a-d29b-4c7c-a0bf-501385913c34" },
        { "Content-Length", "153" } },
      8 },
    { "DELETE",
      "/fuota-tasks/t1",
      "",
      "",
      { { "Host", "127.0.0.1:8080" },
        { "User-Agent", "Botocore/1.43.11 ua/2.1 os/linux#6.18.44-fc-v769 "
                        "md/arch#x86_64 lang/python#3.11.7 md/pyimpl#CPython "
                        "m/N,Z,b,D,e cfg/retry-mode#legacy" },
        { "X-Amz-Date", "20261126T052212Z" },
        { "X-Amz-Security-Token", "INTEROPTOKEN0001" },
        { "Authorization",
          "AWS4-HMAC-SHA256 "
          "Credential=AKIAINTEROP00000001/20261126/eu-west-1/iotwireless/"
          "aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, "
          "Signature="
          "0b5943a29318239dd49dd7bba9e77ecdb9070d2af30a4ee3162d91d3d1ed43dd" },
        { "amz-sdk-invocation-id", "60ee0f10-410f-47d6-b2b6-0de1d6091490" },
        { "Content-Length", "0" } },
      7 },
};

static bool interop_lookup(void *ctx, const char *akid, struct sigv4_key *key)
{
    (void)ctx;
    if (strcmp(akid, INTEROP_AKID) != 0)
        return false;
    key->secret_access_key = INTEROP_SECRET;
    key->session_token = INTEROP_TOKEN;
    return true;
}

static void test_botocore_requests(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(botocore_vectors) / sizeof(*botocore_vectors);
         i++) {
        const struct botocore_vector *v = &botocore_vectors[i];
        struct sigv4_request req = {
            .method = v->method,
            .path = v->path,
            .query = v->query,
            .headers = v->h,
            .header_count = v->nh,
            .payload = v->body,
            .payload_len = strlen(v->body),
        };
        const char *date = NULL, *authz = NULL;
        for (size_t k = 0; k < v->nh; k++) {
            if (strcmp(v->h[k].name, "X-Amz-Date") == 0)
                date = v->h[k].value;
            if (strcmp(v->h[k].name, "Authorization") == 0)
                authz = v->h[k].value;
        }
        struct sigv4_verify_options vo = { .region = "eu-west-1",
                                           .lookup = interop_lookup };
        assert_true(sigv4_parse_amz_date(date, &vo.now));
        struct sigv4_verify_result res;
        if (sigv4_verify(&req, &vo, &res) != SIGV4_V_OK)
            fail_msg("vector %zu: %s %s", i, sigv4_verdict_name(res.verdict),
                     res.message);

        /* Our signer, given the headers botocore signed, writes the same
         * Authorization byte for byte. */
        struct sigv4_header mine[8];
        size_t n = 0;
        for (size_t k = 0; k < v->nh; k++)
            if (strcmp(v->h[k].name, "Host") == 0 ||
                strcmp(v->h[k].name, "Content-Type") == 0)
                mine[n++] = v->h[k];
        req.headers = mine;
        req.header_count = n;
        struct sigv4_credentials cred = { INTEROP_AKID, INTEROP_SECRET,
                                          INTEROP_TOKEN };
        struct sigv4_sign_options so = { .region = "eu-west-1",
                                         .amz_date = date };
        struct sigv4_signed s;
        sigv4_signed_init(&s);
        assert_int_equal(sigv4_sign(&req, &cred, &so, &s, NULL, 0), SIGV4_OK);
        assert_string_equal(s.authorization, authz);
        sigv4_signed_cleanup(&s);
    }
}

/* ---- helpers for the verification tests -------------------------------- */

#define AKID   "AKIAFUOTATEST0001"
#define SECRET "s3cr3t/KEY+for-fuota-tests-0123456789abcd"
#define T0     INT64_C(1764158400) /* 2025-11-26T12:00:00Z */

struct fixture {
    const char *secret;
    const char *token;
};

static bool fx_lookup(void *ctx, const char *akid, struct sigv4_key *key)
{
    const struct fixture *fx = ctx;
    if (strcmp(akid, AKID) != 0)
        return false;
    key->secret_access_key = fx->secret;
    key->session_token = fx->token;
    return true;
}

/* A signed request that can be tampered with. */
struct msg {
    const char *method;
    char path[128];
    char query[128];
    struct sigv4_header h[16];
    size_t nh;
    char body[256];
    struct sigv4_signed s;
};

static void msg_sign_opts(struct msg *m, const char *token,
                          const struct sigv4_sign_options *opt)
{
    sigv4_signed_init(&m->s);
    struct sigv4_request req = {
        .method = m->method,
        .path = m->path,
        .query = m->query,
        .headers = m->h,
        .header_count = m->nh,
        .payload = m->body,
        .payload_len = strlen(m->body),
    };
    struct sigv4_credentials cred = { AKID, SECRET, token };
    char err[200];
    assert_int_equal(sigv4_sign(&req, &cred, opt, &m->s, err, sizeof(err)),
                     SIGV4_OK);
    for (size_t i = 0; i < m->s.add_header_count; i++)
        m->h[m->nh++] = m->s.add_headers[i];
}

static void msg_sign(struct msg *m, const char *token)
{
    struct sigv4_sign_options opt = { .region = "eu-west-1", .time = T0 };
    msg_sign_opts(m, token, &opt);
}

static void msg_init(struct msg *m)
{
    memset(m, 0, sizeof(*m));
    m->method = "POST";
    snprintf(m->path, sizeof(m->path), "/fuota-tasks");
    snprintf(m->query, sizeof(m->query), "maxResults=10&nextToken=a%%2Fb");
    snprintf(m->body, sizeof(m->body),
             "{\"FirmwareUpdateImage\":\"s3://b/fw.bin\"}");
    m->h[m->nh++] = (struct sigv4_header){ "Host", "api.iotwireless.eu-west-1."
                                                   "amazonaws.com" };
    m->h[m->nh++] = (struct sigv4_header){ "Content-Type", "application/json" };
}

static enum sigv4_verdict msg_verify_full(struct msg *m, struct fixture *fx,
                                          int64_t now, const char *region,
                                          struct sigv4_verify_result *res)
{
    struct sigv4_request req = {
        .method = m->method,
        .path = m->path,
        .query = m->query,
        .headers = m->h,
        .header_count = m->nh,
        .payload = m->body,
        .payload_len = strlen(m->body),
    };
    struct sigv4_verify_options vo = {
        .region = region,
        .now = now,
        .lookup = fx_lookup,
        .lookup_ctx = fx,
    };
    enum sigv4_verdict v = sigv4_verify(&req, &vo, res);
    /* No message ever carries a secret. */
    assert_null(strstr(res->message, SECRET));
    assert_null(strstr(res->message, "SESSIONTOKEN"));
    return v;
}

static enum sigv4_verdict msg_verify(struct msg *m,
                                     struct sigv4_verify_result *res)
{
    struct fixture fx = { SECRET, NULL };
    return msg_verify_full(m, &fx, T0, "eu-west-1", res);
}

static struct sigv4_header *msg_header(struct msg *m, const char *name)
{
    for (size_t i = 0; i < m->nh; i++)
        if (strcasecmp(m->h[i].name, name) == 0)
            return &m->h[i];
    fail_msg("no header %s", name);
    return NULL;
}

static void msg_drop_header(struct msg *m, const char *name)
{
    size_t j = 0;
    for (size_t i = 0; i < m->nh; i++)
        if (strcasecmp(m->h[i].name, name) != 0)
            m->h[j++] = m->h[i];
    m->nh = j;
}

/* ---- verification ------------------------------------------------------ */

static void test_roundtrip(void **state)
{
    (void)state;
    struct msg m;
    msg_init(&m);
    msg_sign(&m, NULL);
    struct sigv4_verify_result res;
    assert_int_equal(msg_verify(&m, &res), SIGV4_V_OK);
    assert_string_equal(res.message, "");
    assert_string_equal(res.access_key_id, AKID);
    /* Headers added: x-amz-date then authorization. */
    assert_int_equal(m.s.add_header_count, 2);
    assert_string_equal(m.s.add_headers[0].name, "x-amz-date");
    assert_string_equal(m.s.add_headers[0].value, "20251126T120000Z");
    assert_string_equal(m.s.signed_headers, "content-type;host;x-amz-date");
    assert_string_equal(m.s.credential_scope,
                        "20251126/eu-west-1/iotwireless/aws4_request");
    /* Any region accepted when the verifier names none. */
    struct fixture fx = { SECRET, NULL };
    assert_int_equal(msg_verify_full(&m, &fx, T0, NULL, &res), SIGV4_V_OK);
    sigv4_signed_cleanup(&m.s);
}

static void test_unsigned_extra_headers_do_not_matter(void **state)
{
    (void)state;
    struct msg m;
    msg_init(&m);
    msg_sign(&m, NULL);
    m.h[m.nh++] = (struct sigv4_header){ "User-Agent", "aws-cli/2.0" };
    m.h[m.nh++] = (struct sigv4_header){ "X-Extra", "anything" };
    m.h[m.nh++] = (struct sigv4_header){ "Content-Length", "40" };
    struct sigv4_verify_result res;
    assert_int_equal(msg_verify(&m, &res), SIGV4_V_OK);
    sigv4_signed_cleanup(&m.s);
}

static void test_never_signed_headers(void **state)
{
    (void)state;
    struct msg m;
    msg_init(&m);
    m.h[m.nh++] = (struct sigv4_header){ "User-Agent", "fuota/0.1" };
    m.h[m.nh++] = (struct sigv4_header){ "Expect", "100-continue" };
    m.h[m.nh++] = (struct sigv4_header){ "X-Amzn-Trace-Id", "Root=1" };
    m.h[m.nh++] = (struct sigv4_header){ "X-Custom", " a  b " };
    msg_sign(&m, NULL);
    assert_string_equal(m.s.signed_headers,
                        "content-type;host;x-amz-date;x-custom");
    assert_non_null(strstr(m.s.canonical_request, "\nx-custom:a b\n"));
    /* A proxy rewriting User-Agent does not break the signature. */
    msg_header(&m, "User-Agent")->value = "proxy/1";
    struct sigv4_verify_result res;
    assert_int_equal(msg_verify(&m, &res), SIGV4_V_OK);
    /* A signed header changed does. */
    msg_header(&m, "X-Custom")->value = "a b c";
    assert_int_equal(msg_verify(&m, &res), SIGV4_V_BAD_SIGNATURE);
    /* Whitespace alone is canonicalised away. */
    msg_header(&m, "X-Custom")->value = "a\t\tb";
    assert_int_equal(msg_verify(&m, &res), SIGV4_V_OK);
    sigv4_signed_cleanup(&m.s);
}

static void test_tampering(void **state)
{
    (void)state;
    struct sigv4_verify_result res;
    struct msg m;
    for (int what = 0; what < 8; what++) {
        msg_init(&m);
        msg_sign(&m, NULL);
        switch (what) {
        case 0:
            m.body[2] = 'X';
            break;
        case 1:
            msg_header(&m, "Content-Type")->value = "text/plain";
            break;
        case 2:
            snprintf(m.path, sizeof(m.path), "/fuota-tasks/x");
            break;
        case 3:
            snprintf(m.query, sizeof(m.query),
                     "maxResults=11&nextToken=a%%2Fb");
            break;
        case 4:
            m.method = "PUT";
            break;
        case 5:
            msg_header(&m, "Host")->value = "evil.example.com";
            break;
        case 6:
            /* same day, another second */
            msg_header(&m, "X-Amz-Date")->value = "20251126T120001Z";
            break;
        case 7:
            snprintf(m.body, sizeof(m.body), "%s", "");
            break;
        }
        assert_int_equal(msg_verify(&m, &res), SIGV4_V_BAD_SIGNATURE);
        assert_string_equal(
            res.message,
            "The request signature we calculated does not match the "
            "signature you provided. Check your AWS Secret Access Key and "
            "signing method. Consult the service documentation for details.");
        assert_int_equal(sigv4_verdict_http_status(res.verdict), 403);
        assert_string_equal(sigv4_verdict_error_type(res.verdict),
                            "InvalidSignatureException");
        sigv4_signed_cleanup(&m.s);
    }
}

static void test_clock_skew_window(void **state)
{
    (void)state;
    static const struct {
        int64_t now_offset;
        enum sigv4_verdict want;
    } cases[] = {
        { 0, SIGV4_V_OK },           { 300, SIGV4_V_OK },
        { 301, SIGV4_V_EXPIRED },    { 86400, SIGV4_V_EXPIRED },
        { -300, SIGV4_V_OK },        { -301, SIGV4_V_NOT_YET },
        { -86400, SIGV4_V_NOT_YET },
    };
    struct msg m;
    msg_init(&m);
    msg_sign(&m, NULL);
    struct fixture fx = { SECRET, NULL };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct sigv4_verify_result res;
        enum sigv4_verdict v = msg_verify_full(
            &m, &fx, T0 + cases[i].now_offset, "eu-west-1", &res);
        if (v != cases[i].want)
            fail_msg("offset %lld: %s %s", (long long)cases[i].now_offset,
                     sigv4_verdict_name(v), res.message);
    }
    struct sigv4_verify_result res;
    msg_verify_full(&m, &fx, T0 + 301, "eu-west-1", &res);
    assert_string_equal(res.message,
                        "Signature expired: 20251126T120000Z is now earlier "
                        "than 20251126T120001Z (20251126T120501Z - 5 min.)");
    assert_string_equal(sigv4_verdict_error_type(res.verdict),
                        "InvalidSignatureException");
    msg_verify_full(&m, &fx, T0 - 301, "eu-west-1", &res);
    assert_string_equal(res.message,
                        "Signature not yet current: 20251126T120000Z is "
                        "still later than 20251126T115959Z "
                        "(20251126T115459Z + 5 min.)");
    sigv4_signed_cleanup(&m.s);
}

static void test_custom_skew(void **state)
{
    (void)state;
    struct msg m;
    msg_init(&m);
    msg_sign(&m, NULL);
    struct fixture fx = { SECRET, NULL };
    struct sigv4_request req = {
        .method = m.method,
        .path = m.path,
        .query = m.query,
        .headers = m.h,
        .header_count = m.nh,
        .payload = m.body,
        .payload_len = strlen(m.body),
    };
    struct sigv4_verify_options vo = {
        .now = T0 + 31, .max_skew = 30, .lookup = fx_lookup, .lookup_ctx = &fx
    };
    struct sigv4_verify_result res;
    assert_int_equal(sigv4_verify(&req, &vo, &res), SIGV4_V_EXPIRED);
    assert_non_null(strstr(res.message, "- 30 sec.)"));
    vo.now = T0 + 30;
    assert_int_equal(sigv4_verify(&req, &vo, &res), SIGV4_V_OK);
    sigv4_signed_cleanup(&m.s);
}

static void test_keys(void **state)
{
    (void)state;
    struct msg m;
    msg_init(&m);
    msg_sign(&m, NULL);
    struct sigv4_verify_result res;
    /* wrong secret on the server side */
    struct fixture other = { "another-secret", NULL };
    assert_int_equal(msg_verify_full(&m, &other, T0, "eu-west-1", &res),
                     SIGV4_V_BAD_SIGNATURE);
    sigv4_signed_cleanup(&m.s);

    /* unknown access key id */
    msg_init(&m);
    sigv4_signed_init(&m.s);
    struct sigv4_request req = {
        .method = m.method, .path = m.path, .headers = m.h, .header_count = m.nh
    };
    struct sigv4_credentials cred = { "AKIAUNKNOWN", SECRET, NULL };
    struct sigv4_sign_options opt = { .region = "eu-west-1", .time = T0 };
    assert_int_equal(sigv4_sign(&req, &cred, &opt, &m.s, NULL, 0), SIGV4_OK);
    for (size_t i = 0; i < m.s.add_header_count; i++)
        m.h[m.nh++] = m.s.add_headers[i];
    m.query[0] = m.body[0] = '\0';
    assert_int_equal(msg_verify(&m, &res), SIGV4_V_UNKNOWN_KEY);
    assert_string_equal(res.message,
                        "The security token included in the request is "
                        "invalid.");
    assert_string_equal(sigv4_verdict_error_type(res.verdict),
                        "UnrecognizedClientException");
    assert_int_equal(sigv4_verdict_http_status(res.verdict), 403);
    assert_string_equal(res.access_key_id, "AKIAUNKNOWN");
    sigv4_signed_cleanup(&m.s);
}

static void test_session_tokens(void **state)
{
    (void)state;
    struct sigv4_verify_result res;
    struct msg m;
    struct fixture with = { SECRET, "SESSIONTOKEN-1" };
    struct fixture other = { SECRET, "SESSIONTOKEN-2" };
    struct fixture without = { SECRET, NULL };

    msg_init(&m);
    msg_sign(&m, "SESSIONTOKEN-1");
    assert_string_equal(m.s.signed_headers,
                        "content-type;host;x-amz-date;x-amz-security-token");
    assert_int_equal(msg_verify_full(&m, &with, T0, "eu-west-1", &res),
                     SIGV4_V_OK);
    assert_int_equal(msg_verify_full(&m, &other, T0, "eu-west-1", &res),
                     SIGV4_V_BAD_TOKEN);
    assert_int_equal(msg_verify_full(&m, &without, T0, "eu-west-1", &res),
                     SIGV4_V_BAD_TOKEN);
    assert_string_equal(sigv4_verdict_error_type(res.verdict),
                        "UnrecognizedClientException");
    sigv4_signed_cleanup(&m.s);

    msg_init(&m);
    msg_sign(&m, NULL);
    assert_int_equal(msg_verify_full(&m, &with, T0, "eu-west-1", &res),
                     SIGV4_V_BAD_TOKEN);
    sigv4_signed_cleanup(&m.s);
}

static void test_scope(void **state)
{
    (void)state;
    struct sigv4_verify_result res;
    struct msg m;
    msg_init(&m);
    msg_sign(&m, NULL);
    struct fixture fx = { SECRET, NULL };
    assert_int_equal(msg_verify_full(&m, &fx, T0, "us-east-1", &res),
                     SIGV4_V_WRONG_SCOPE);
    assert_string_equal(res.message, "Credential should be scoped to a valid "
                                     "region, not 'eu-west-1'.");
    sigv4_signed_cleanup(&m.s);

    /* another service */
    msg_init(&m);
    struct sigv4_sign_options opt = { .region = "eu-west-1",
                                      .service = "iot",
                                      .time = T0 };
    msg_sign_opts(&m, NULL, &opt);
    assert_int_equal(msg_verify(&m, &res), SIGV4_V_WRONG_SCOPE);
    assert_string_equal(res.message, "Credential should be scoped to correct "
                                     "service: 'iotwireless'.");
    sigv4_signed_cleanup(&m.s);

    /* x-amz-date moved to another day than the credential scope */
    msg_init(&m);
    msg_sign(&m, NULL);
    msg_header(&m, "X-Amz-Date")->value = "20251127T120000Z";
    assert_int_equal(msg_verify_full(&m, &fx, T0 + 86400, "eu-west-1", &res),
                     SIGV4_V_WRONG_SCOPE);
    assert_string_equal(
        res.message,
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 "
        "version of date from HTTP: '20251126' != '20251127', from "
        "'20251127T120000Z'.");
    sigv4_signed_cleanup(&m.s);
}

static void test_missing_auth(void **state)
{
    (void)state;
    struct sigv4_verify_result res;
    struct msg m;
    msg_init(&m);
    msg_sign(&m, NULL);
    msg_drop_header(&m, "Authorization");
    assert_int_equal(msg_verify(&m, &res), SIGV4_V_MISSING);
    assert_string_equal(res.message, "Missing Authentication Token");
    assert_string_equal(sigv4_verdict_error_type(res.verdict),
                        "MissingAuthenticationTokenException");
    assert_int_equal(sigv4_verdict_http_status(res.verdict), 403);
    sigv4_signed_cleanup(&m.s);
}

static void test_malformed_authorization(void **state)
{
    (void)state;
    static const struct {
        const char *authz;
        const char *msg; /* substring */
    } cases[] = {
        { "Bearer abc", "is not of the form" },
        { "AWS4-HMAC-SHA256", "is not of the form" },
        { "AWS4-HMAC-SHA256 ", "requires 'Credential' parameter" },
        { "AWS4-HMAC-SHA512 Credential=" AKID
          "/20251126/eu-west-1/iotwireless/aws4_request, "
          "SignedHeaders=host;x-amz-date, Signature=00",
          "is not of the form" },
        { "AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=00",
          "Authorization header requires 'Credential' parameter." },
        { "AWS4-HMAC-SHA256 Credential=" AKID
          "/20251126/eu-west-1/iotwireless/aws4_request, Signature=00",
          "Authorization header requires 'SignedHeaders' parameter." },
        { "AWS4-HMAC-SHA256 Credential=" AKID
          "/20251126/eu-west-1/iotwireless/aws4_request, "
          "SignedHeaders=host;x-amz-date",
          "Authorization header requires 'Signature' parameter." },
        { "AWS4-HMAC-SHA256 Credential=" AKID
          "/20251126/eu-west-1/iotwireless/aws4_request, "
          "SignedHeaders=host;x-amz-date, Signature=",
          "requires 'Signature' parameter" },
        { "AWS4-HMAC-SHA256 Credential " AKID
          "/20251126/eu-west-1/iotwireless/aws4_request, "
          "SignedHeaders=host;x-amz-date, Signature=00",
          "missing equal-sign" },
        { "AWS4-HMAC-SHA256 Credential=" AKID
          "/20251126/eu-west-1/iotwireless, "
          "SignedHeaders=host;x-amz-date, Signature=00",
          "exactly 5 slash-delimited" },
        { "AWS4-HMAC-SHA256 Credential=" AKID
          "/20251126/eu-west-1/iotwireless/aws4_request/x, "
          "SignedHeaders=host;x-amz-date, Signature=00",
          "exactly 5 slash-delimited" },
        { "AWS4-HMAC-SHA256 Credential=" AKID
          "/20251126/eu-west-1/iotwireless/aws4_requesx, "
          "SignedHeaders=host;x-amz-date, Signature=00",
          "valid terminator: 'aws4_request', not 'aws4_requesx'" },
        { "AWS4-HMAC-SHA256 Credential=" AKID
          "/2025112/eu-west-1/iotwireless/aws4_request, "
          "SignedHeaders=host;x-amz-date, Signature=00",
          "is not YYYYMMDD" },
        { "AWS4-HMAC-SHA256 Credential="
          "/20251126/eu-west-1/iotwireless/aws4_request, "
          "SignedHeaders=host;x-amz-date, Signature=00",
          "empty access key id" },
        { "AWS4-HMAC-SHA256 Credential=" AKID
          "/20251126/eu-west-1/iotwireless/aws4_request, Credential=" AKID
          "/20251126/eu-west-1/iotwireless/aws4_request, "
          "SignedHeaders=host;x-amz-date, Signature=00",
          "more than once" },
        { "AWS4-HMAC-SHA256 Credential=" AKID
          "/20251126/eu-west-1/iotwireless/aws4_request, "
          "SignedHeaders=content-type;x-amz-date, Signature=00",
          "'Host' or ':authority' must be a 'SignedHeader'" },
        { "AWS4-HMAC-SHA256 Credential=" AKID
          "/20251126/eu-west-1/iotwireless/aws4_request, "
          "SignedHeaders=host;x-missing;x-amz-date, Signature=00",
          "'x-missing' is named as a SignedHeader, but it does not exist" },
        { "AWS4-HMAC-SHA256 Credential=" AKID
          "/20251126/eu-west-1/iotwireless/aws4_request, "
          "SignedHeaders=host;;x-amz-date, Signature=00",
          "empty or overlong" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct msg m;
        msg_init(&m);
        msg_sign(&m, NULL);
        msg_header(&m, "Authorization")->value = cases[i].authz;
        struct sigv4_verify_result res;
        enum sigv4_verdict v = msg_verify(&m, &res);
        if (v != SIGV4_V_MALFORMED || !strstr(res.message, cases[i].msg))
            fail_msg("case %zu: %s '%s'", i, sigv4_verdict_name(v),
                     res.message);
        assert_int_equal(sigv4_verdict_http_status(v), 400);
        assert_string_equal(sigv4_verdict_error_type(v),
                            "IncompleteSignatureException");
        sigv4_signed_cleanup(&m.s);
    }
}

static void test_components_any_order(void **state)
{
    (void)state;
    struct msg m;
    msg_init(&m);
    msg_sign(&m, NULL);
    char authz[512];
    snprintf(authz, sizeof(authz),
             "AWS4-HMAC-SHA256  Signature=%s,SignedHeaders=%s , "
             "Credential=" AKID "/%s",
             m.s.signature, m.s.signed_headers, m.s.credential_scope);
    msg_header(&m, "Authorization")->value = authz;
    struct sigv4_verify_result res;
    assert_int_equal(msg_verify(&m, &res), SIGV4_V_OK);
    sigv4_signed_cleanup(&m.s);
}

static void test_bad_signature_forms(void **state)
{
    (void)state;
    struct msg m;
    msg_init(&m);
    msg_sign(&m, NULL);
    char authz[512], sig[SIGV4_HEX_SIZE];
    static const int forms[] = { 0, 1, 2 };
    for (size_t i = 0; i < 3; i++) {
        memcpy(sig, m.s.signature, SIGV4_HEX_SIZE);
        if (forms[i] == 0)
            sig[63] = '\0'; /* too short */
        else if (forms[i] == 1)
            for (int k = 0; k < 64; k++) /* uppercase */
                sig[k] = (char)((sig[k] >= 'a' && sig[k] <= 'f') ? sig[k] - 32
                                                                 : sig[k]);
        else
            sig[0] = sig[0] == '0' ? '1' : '0';
        snprintf(authz, sizeof(authz),
                 "AWS4-HMAC-SHA256 Credential=" AKID
                 "/%s, SignedHeaders=%s, Signature=%s%s",
                 m.s.credential_scope, m.s.signed_headers, sig,
                 forms[i] == 0 ? "" : "");
        msg_header(&m, "Authorization")->value = authz;
        struct sigv4_verify_result res;
        assert_int_equal(msg_verify(&m, &res), SIGV4_V_BAD_SIGNATURE);
    }
    sigv4_signed_cleanup(&m.s);
}

static void test_missing_headers(void **state)
{
    (void)state;
    struct sigv4_verify_result res;
    struct msg m;

    msg_init(&m);
    msg_sign(&m, NULL);
    msg_drop_header(&m, "X-Amz-Date");
    assert_int_equal(msg_verify(&m, &res), SIGV4_V_MALFORMED);
    assert_non_null(strstr(res.message, "'X-Amz-Date'"));
    sigv4_signed_cleanup(&m.s);

    msg_init(&m);
    msg_sign(&m, NULL);
    msg_drop_header(&m, "Host");
    assert_int_equal(msg_verify(&m, &res), SIGV4_V_MALFORMED);
    assert_string_equal(res.message, "'host' is named as a SignedHeader, but "
                                     "it does not exist in the HTTP "
                                     "request.");
    sigv4_signed_cleanup(&m.s);

    msg_init(&m);
    msg_sign(&m, NULL);
    msg_drop_header(&m, "Content-Type");
    assert_int_equal(msg_verify(&m, &res), SIGV4_V_MALFORMED);
    sigv4_signed_cleanup(&m.s);

    static const char *const bad_dates[] = {
        "20251126T120000",
        "2025-11-26T12:00:00Z",
        "20251126T250000Z",
        "20251326T120000Z",
        "",
        "20251126t120000Z",
    };
    for (size_t i = 0; i < sizeof(bad_dates) / sizeof(*bad_dates); i++) {
        msg_init(&m);
        msg_sign(&m, NULL);
        msg_header(&m, "X-Amz-Date")->value = bad_dates[i];
        assert_int_equal(msg_verify(&m, &res), SIGV4_V_MALFORMED);
        sigv4_signed_cleanup(&m.s);
    }

    /* NULL header values read as empty, never crash */
    msg_init(&m);
    msg_sign(&m, NULL);
    msg_header(&m, "Authorization")->value = NULL;
    assert_int_equal(msg_verify(&m, &res), SIGV4_V_MALFORMED);
    sigv4_signed_cleanup(&m.s);
    msg_init(&m);
    msg_sign(&m, NULL);
    msg_header(&m, "Content-Type")->value = NULL;
    assert_int_equal(msg_verify(&m, &res), SIGV4_V_BAD_SIGNATURE);
    sigv4_signed_cleanup(&m.s);

    /* two Authorization headers, two dates */
    msg_init(&m);
    msg_sign(&m, NULL);
    m.h[m.nh] = *msg_header(&m, "Authorization");
    m.nh++;
    assert_int_equal(msg_verify(&m, &res), SIGV4_V_MALFORMED);
    sigv4_signed_cleanup(&m.s);
    msg_init(&m);
    msg_sign(&m, NULL);
    m.h[m.nh] = *msg_header(&m, "X-Amz-Date");
    m.nh++;
    assert_int_equal(msg_verify(&m, &res), SIGV4_V_MALFORMED);
    sigv4_signed_cleanup(&m.s);
}

static void test_content_sha256(void **state)
{
    (void)state;
    struct sigv4_verify_result res;
    struct msg m;
    struct sigv4_sign_options opt = { .region = "eu-west-1",
                                      .time = T0,
                                      .add_content_sha256 = true };
    msg_init(&m);
    msg_sign_opts(&m, NULL, &opt);
    assert_string_equal(m.s.signed_headers,
                        "content-type;host;x-amz-content-sha256;x-amz-date");
    assert_int_equal(msg_verify(&m, &res), SIGV4_V_OK);
    m.body[3] = '!';
    assert_int_equal(msg_verify(&m, &res), SIGV4_V_BAD_SIGNATURE);
    assert_string_equal(res.message, "The provided 'x-amz-content-sha256' "
                                     "header does not match what was "
                                     "computed.");
    sigv4_signed_cleanup(&m.s);

    /* UNSIGNED-PAYLOAD: only where allowed; then the body is free. */
    msg_init(&m);
    m.h[m.nh++] =
        (struct sigv4_header){ "X-Amz-Content-Sha256", SIGV4_UNSIGNED };
    struct sigv4_sign_options o2 = { .region = "eu-west-1", .time = T0 };
    sigv4_signed_init(&m.s);
    struct sigv4_request req = { .method = m.method,
                                 .path = m.path,
                                 .query = m.query,
                                 .headers = m.h,
                                 .header_count = m.nh,
                                 .payload_hash = SIGV4_UNSIGNED };
    struct sigv4_credentials cred = { AKID, SECRET, NULL };
    assert_int_equal(sigv4_sign(&req, &cred, &o2, &m.s, NULL, 0), SIGV4_OK);
    assert_non_null(strstr(m.s.canonical_request, "\nUNSIGNED-PAYLOAD"));
    for (size_t i = 0; i < m.s.add_header_count; i++)
        m.h[m.nh++] = m.s.add_headers[i];
    assert_int_equal(msg_verify(&m, &res), SIGV4_V_BAD_SIGNATURE);
    assert_non_null(strstr(res.message, "UNSIGNED-PAYLOAD"));
    struct fixture fx = { SECRET, NULL };
    struct sigv4_request vreq = { .method = m.method,
                                  .path = m.path,
                                  .query = m.query,
                                  .headers = m.h,
                                  .header_count = m.nh,
                                  .payload = m.body,
                                  .payload_len = strlen(m.body) };
    struct sigv4_verify_options vo = { .now = T0,
                                       .allow_unsigned_payload = true,
                                       .lookup = fx_lookup,
                                       .lookup_ctx = &fx };
    assert_int_equal(sigv4_verify(&vreq, &vo, &res), SIGV4_V_OK);
    sigv4_signed_cleanup(&m.s);

    /* a value that is neither */
    msg_init(&m);
    msg_sign(&m, NULL);
    m.h[m.nh++] = (struct sigv4_header){ "x-amz-content-sha256", "STREAMING-"
                                                                 "X" };
    assert_int_equal(msg_verify(&m, &res), SIGV4_V_MALFORMED);
    sigv4_signed_cleanup(&m.s);
}

static void test_precomputed_payload_hash(void **state)
{
    (void)state;
    struct msg m;
    msg_init(&m);
    msg_sign(&m, NULL);
    char h[SIGV4_HEX_SIZE];
    sigv4_sha256_hex(m.body, strlen(m.body), h);
    struct fixture fx = { SECRET, NULL };
    struct sigv4_request req = { .method = m.method,
                                 .path = m.path,
                                 .query = m.query,
                                 .headers = m.h,
                                 .header_count = m.nh,
                                 .payload_hash = h };
    struct sigv4_verify_options vo = { .now = T0,
                                       .lookup = fx_lookup,
                                       .lookup_ctx = &fx };
    struct sigv4_verify_result res;
    assert_int_equal(sigv4_verify(&req, &vo, &res), SIGV4_V_OK);
    sigv4_signed_cleanup(&m.s);
}

/* ---- canonical forms ---------------------------------------------------- */

static char *creq_of(const char *path, enum sigv4_path_form form,
                     const char *query, bool no_normalize)
{
    struct sigv4_header h[] = { { "Host", "h" } };
    struct sigv4_request req = { .method = "GET",
                                 .path = path,
                                 .path_form = form,
                                 .query = query,
                                 .headers = h,
                                 .header_count = 1 };
    struct sigv4_credentials cred = { AKID, SECRET, NULL };
    struct sigv4_sign_options opt = { .region = "eu-west-1",
                                      .time = T0,
                                      .no_normalize_path = no_normalize };
    struct sigv4_signed s;
    sigv4_signed_init(&s);
    assert_int_equal(sigv4_sign(&req, &cred, &opt, &s, NULL, 0), SIGV4_OK);
    /* lines 2 and 3: path and query */
    char *a = strchr(s.canonical_request, '\n') + 1;
    char *b = strchr(a, '\n');
    char *c = strchr(b + 1, '\n');
    size_t n = (size_t)(c - a);
    char *out = malloc(n + 1);
    memcpy(out, a, n);
    out[n] = '\0';
    sigv4_signed_cleanup(&s);
    return out;
}

static void test_canonical_uri_and_query(void **state)
{
    (void)state;
    static const struct {
        const char *path;
        enum sigv4_path_form form;
        const char *query;
        bool no_normalize;
        const char *want; /* "PATH\nQUERY" */
    } cases[] = {
        { "/fuota-tasks/a%20b", SIGV4_PATH_WIRE, NULL, false,
          "/fuota-tasks/a%2520b\n" },
        { "/fuota-tasks/a b", SIGV4_PATH_DECODED, NULL, false,
          "/fuota-tasks/a%2520b\n" },
        { "", SIGV4_PATH_WIRE, "", false, "/\n" },
        { NULL, SIGV4_PATH_WIRE, NULL, false, "/\n" },
        { "a/b", SIGV4_PATH_WIRE, NULL, false, "/a/b\n" },
        { "/a/b/..", SIGV4_PATH_WIRE, NULL, false, "/a\n" },
        { "/a/b/../", SIGV4_PATH_WIRE, NULL, false, "/a/\n" },
        { "/../..", SIGV4_PATH_WIRE, NULL, false, "/\n" },
        { "/a/./b", SIGV4_PATH_WIRE, NULL, false, "/a/b\n" },
        { "//a//b//", SIGV4_PATH_WIRE, NULL, true, "//a//b//\n" },
        { "/a/../b", SIGV4_PATH_WIRE, NULL, true, "/a/../b\n" },
        { "/", SIGV4_PATH_WIRE, "b=2&a=1&a=0", false, "/\na=0&a=1&b=2" },
        { "/", SIGV4_PATH_WIRE, "x=a+b&y=a%20b&z=%7e", false,
          "/\nx=a%2Bb&y=a%20b&z=~" },
        { "/", SIGV4_PATH_WIRE, "flag&&k=", false, "/\nflag=&k=" },
        { "/", SIGV4_PATH_WIRE, "bad=%zz&pct=%4", false,
          "/\nbad=%25zz&pct=%254" },
        { "/", SIGV4_PATH_WIRE, "nextToken=a%2Fb%3D%3D", false,
          "/\nnextToken=a%2Fb%3D%3D" },
        { "/", SIGV4_PATH_WIRE, "A=1&a=2&B=0", false, "/\nA=1&B=0&a=2" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        char *got = creq_of(cases[i].path, cases[i].form, cases[i].query,
                            cases[i].no_normalize);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("case %zu: got '%s' want '%s'", i, got, cases[i].want);
        free(got);
    }
}

static void test_decoded_params_match_raw_query(void **state)
{
    (void)state;
    struct msg m;
    msg_init(&m);
    snprintf(m.query, sizeof(m.query), "b=2&a=x%%20y&c");
    msg_sign(&m, NULL);
    struct sigv4_param params[] = { { "b", "2" },
                                    { "a", "x y" },
                                    { "c", NULL } };
    struct fixture fx = { SECRET, NULL };
    struct sigv4_request req = { .method = m.method,
                                 .path = m.path,
                                 .params = params,
                                 .param_count = 3,
                                 .headers = m.h,
                                 .header_count = m.nh,
                                 .payload = m.body,
                                 .payload_len = strlen(m.body) };
    struct sigv4_verify_options vo = { .now = T0,
                                       .lookup = fx_lookup,
                                       .lookup_ctx = &fx };
    struct sigv4_verify_result res;
    assert_int_equal(sigv4_verify(&req, &vo, &res), SIGV4_V_OK);
    params[0].value = "3";
    assert_int_equal(sigv4_verify(&req, &vo, &res), SIGV4_V_BAD_SIGNATURE);
    sigv4_signed_cleanup(&m.s);
}

static void test_decoded_path_verifies(void **state)
{
    (void)state;
    struct msg m;
    msg_init(&m);
    snprintf(m.path, sizeof(m.path), "/fuota-tasks/my%%20task");
    msg_sign(&m, NULL);
    struct fixture fx = { SECRET, NULL };
    struct sigv4_request req = { .method = m.method,
                                 .path = "/fuota-tasks/my task",
                                 .path_form = SIGV4_PATH_DECODED,
                                 .query = m.query,
                                 .headers = m.h,
                                 .header_count = m.nh,
                                 .payload = m.body,
                                 .payload_len = strlen(m.body) };
    struct sigv4_verify_options vo = { .now = T0,
                                       .lookup = fx_lookup,
                                       .lookup_ctx = &fx };
    struct sigv4_verify_result res;
    assert_int_equal(sigv4_verify(&req, &vo, &res), SIGV4_V_OK);
    sigv4_signed_cleanup(&m.s);
}

/* ---- signer errors, dates, tables -------------------------------------- */

static void test_sign_errors(void **state)
{
    (void)state;
    struct sigv4_header host = { "Host", "h" };
    struct sigv4_header bad_name[] = { { "Host", "h" }, { "Bad Name", "v" } };
    struct sigv4_header bad_value[] = { { "Host", "h" },
                                        { "X-A", "v\r\nInjected: 1" } };
    struct sigv4_header colon[] = { { "Host", "h" }, { "X:A", "v" } };
    struct sigv4_header no_host[] = { { "X-A", "v" } };
    struct sigv4_header bad_date[] = { { "Host", "h" },
                                       { "X-Amz-Date", "yesterday" } };
    struct sigv4_credentials cred = { AKID, SECRET, NULL };
    struct sigv4_credentials no_secret = { AKID, "", NULL };
    struct sigv4_credentials no_akid = { NULL, SECRET, NULL };
    struct sigv4_credentials bad_token = { AKID, SECRET, "a\nb" };
    struct sigv4_sign_options opt = { .region = "eu-west-1", .time = T0 };
    struct sigv4_sign_options no_region = { .time = T0 };
    struct sigv4_sign_options bad_time = { .region = "eu-west-1", .time = -1 };
    struct sigv4_sign_options bad_amz = { .region = "eu-west-1",
                                          .amz_date = "20250230T000000Z" };
    const struct {
        const struct sigv4_header *h;
        size_t nh;
        const struct sigv4_credentials *cred;
        const struct sigv4_sign_options *opt;
        enum sigv4_status want;
    } cases[] = {
        { &host, 1, &cred, &opt, SIGV4_OK },
        { bad_name, 2, &cred, &opt, SIGV4_E_HEADER },
        { bad_value, 2, &cred, &opt, SIGV4_E_HEADER },
        { colon, 2, &cred, &opt, SIGV4_E_HEADER },
        { no_host, 1, &cred, &opt, SIGV4_E_NO_HOST },
        { bad_date, 2, &cred, &opt, SIGV4_E_DATE },
        { &host, 1, &no_secret, &opt, SIGV4_E_ARGUMENT },
        { &host, 1, &no_akid, &opt, SIGV4_E_ARGUMENT },
        { &host, 1, &bad_token, &opt, SIGV4_E_ARGUMENT },
        { &host, 1, &cred, &no_region, SIGV4_E_ARGUMENT },
        { &host, 1, &cred, &bad_time, SIGV4_E_DATE },
        { &host, 1, &cred, &bad_amz, SIGV4_E_DATE },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct sigv4_request req = { .method = "GET",
                                     .path = "/",
                                     .headers = cases[i].h,
                                     .header_count = cases[i].nh };
        struct sigv4_signed s;
        sigv4_signed_init(&s);
        char err[200] = "";
        enum sigv4_status st =
            sigv4_sign(&req, cases[i].cred, cases[i].opt, &s, err, sizeof(err));
        if (st != cases[i].want)
            fail_msg("case %zu: %s (%s)", i, sigv4_status_message(st), err);
        if (st != SIGV4_OK) {
            assert_true(err[0] != '\0');
            assert_null(strstr(err, SECRET));
            assert_null(s.authorization);
        }
        sigv4_signed_cleanup(&s);
    }
    assert_string_equal(sigv4_status_message(SIGV4_E_NO_HOST),
                        "the request has no Host header");
    assert_string_equal(sigv4_status_message((enum sigv4_status)99),
                        "unknown status");
}

static void test_amz_dates(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        bool ok;
        int64_t t;
    } cases[] = {
        { "19700101T000000Z", true, 0 },
        { "20150830T123600Z", true, INT64_C(1440938160) },
        { "20240229T235959Z", true, INT64_C(1709251199) },
        { "20000229T000000Z", true, INT64_C(951782400) },
        { "21000229T000000Z", false, 0 },
        { "20230229T000000Z", false, 0 },
        { "20230431T000000Z", false, 0 },
        { "20231301T000000Z", false, 0 },
        { "20230001T000000Z", false, 0 },
        { "20230100T000000Z", false, 0 },
        { "20230101T240000Z", false, 0 },
        { "20230101T236000Z", false, 0 },
        { "20230101T235960Z", false, 0 },
        { "19691231T235959Z", false, 0 },
        { "20230101T000000", false, 0 },
        { "20230101T000000ZZ", false, 0 },
        { "2023010 T000000Z", false, 0 },
        { "99991231T235959Z", true, INT64_C(253402300799) },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        int64_t t = -7;
        bool ok = sigv4_parse_amz_date(cases[i].s, &t);
        if (ok != cases[i].ok || (ok && t != cases[i].t))
            fail_msg("%s: ok=%d t=%lld", cases[i].s, ok, (long long)t);
        if (ok) {
            char back[SIGV4_AMZ_DATE_SIZE];
            assert_true(sigv4_format_amz_date(t, back));
            assert_string_equal(back, cases[i].s);
        }
    }
    int64_t t;
    assert_false(sigv4_parse_amz_date(NULL, &t));
    char out[SIGV4_AMZ_DATE_SIZE];
    assert_false(sigv4_format_amz_date(-1, out));
    assert_false(sigv4_format_amz_date(INT64_C(253402300800), out));
}

static void test_verdict_table(void **state)
{
    (void)state;
    static const struct {
        enum sigv4_verdict v;
        int http;
        const char *type;
    } cases[] = {
        { SIGV4_V_OK, 200, "" },
        { SIGV4_V_MISSING, 403, "MissingAuthenticationTokenException" },
        { SIGV4_V_MALFORMED, 400, "IncompleteSignatureException" },
        { SIGV4_V_UNKNOWN_KEY, 403, "UnrecognizedClientException" },
        { SIGV4_V_BAD_TOKEN, 403, "UnrecognizedClientException" },
        { SIGV4_V_WRONG_SCOPE, 403, "InvalidSignatureException" },
        { SIGV4_V_EXPIRED, 403, "InvalidSignatureException" },
        { SIGV4_V_NOT_YET, 403, "InvalidSignatureException" },
        { SIGV4_V_BAD_SIGNATURE, 403, "InvalidSignatureException" },
        { SIGV4_V_INTERNAL, 500, "InternalFailure" },
        { (enum sigv4_verdict)77, 500, "InternalFailure" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        assert_int_equal(sigv4_verdict_http_status(cases[i].v), cases[i].http);
        assert_string_equal(sigv4_verdict_error_type(cases[i].v),
                            cases[i].type);
    }
    assert_string_equal(sigv4_verdict_name(SIGV4_V_EXPIRED), "SIGV4_V_EXPIRED");
    struct sigv4_verify_result res;
    struct sigv4_request req = { .method = "GET" };
    struct sigv4_verify_options vo = { 0 };
    assert_int_equal(sigv4_verify(&req, &vo, &res), SIGV4_V_INTERNAL);
    assert_int_equal(sigv4_verify(NULL, &vo, &res), SIGV4_V_INTERNAL);
}

static void test_signing_key_and_hash(void **state)
{
    (void)state;
    /* AWS documentation example: secret wJalr...KEY, 20150830, us-east-1,
     * iam -> c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9
     */
    struct sigv4_header h[] = { { "Host", "iam.amazonaws.com" } };
    struct sigv4_request req = {
        .method = "GET", .path = "/", .headers = h, .header_count = 1
    };
    struct sigv4_credentials cred = { "AKIDEXAMPLE", SUITE_SECRET, NULL };
    struct sigv4_sign_options opt = { .region = "us-east-1",
                                      .service = "iam",
                                      .amz_date = "20150830T123600Z" };
    struct sigv4_signed s;
    sigv4_signed_init(&s);
    assert_int_equal(sigv4_sign(&req, &cred, &opt, &s, NULL, 0), SIGV4_OK);
    char hex[SIGV4_HEX_SIZE];
    sodium_bin2hex(hex, sizeof(hex), s.signing_key, sizeof(s.signing_key));
    assert_string_equal(
        hex,
        "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
    sigv4_signed_cleanup(&s);
    for (size_t i = 0; i < sizeof(s.signing_key); i++)
        assert_int_equal(s.signing_key[i], 0);
    sigv4_sha256_hex(NULL, 0, hex);
    assert_string_equal(
        hex,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suite),
        cmocka_unit_test(test_suite_sreq_verifies),
        cmocka_unit_test(test_botocore_requests),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_unsigned_extra_headers_do_not_matter),
        cmocka_unit_test(test_never_signed_headers),
        cmocka_unit_test(test_tampering),
        cmocka_unit_test(test_clock_skew_window),
        cmocka_unit_test(test_custom_skew),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_session_tokens),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_missing_auth),
        cmocka_unit_test(test_malformed_authorization),
        cmocka_unit_test(test_components_any_order),
        cmocka_unit_test(test_bad_signature_forms),
        cmocka_unit_test(test_missing_headers),
        cmocka_unit_test(test_content_sha256),
        cmocka_unit_test(test_precomputed_payload_hash),
        cmocka_unit_test(test_canonical_uri_and_query),
        cmocka_unit_test(test_decoded_params_match_raw_query),
        cmocka_unit_test(test_decoded_path_verifies),
        cmocka_unit_test(test_sign_errors),
        cmocka_unit_test(test_amz_dates),
        cmocka_unit_test(test_verdict_table),
        cmocka_unit_test(test_signing_key_and_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
