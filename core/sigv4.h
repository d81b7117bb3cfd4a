#ifndef FUOTA_CORE_SIGV4_H
#define FUOTA_CORE_SIGV4_H

/*
 * AWS Signature Version 4 (header form, "AWS4-HMAC-SHA256"): signing and
 * verification. Computation only: no I/O, no printing, no global state;
 * every function is reentrant and may be called from several threads at
 * once. Crypto is libsodium (crypto_hash_sha256, crypto_auth_hmacsha256);
 * the program calls sodium_init() once at start-up, these functions do not.
 *
 * Canonicalisation (AWS "Create a canonical request"; checked against the
 * official test suite in tests/data/reference/sigv4-testsuite):
 *  - path: dot segments removed and runs of '/' collapsed (unless
 *    no_normalize_path, the S3 rule), then every segment URI-encoded with the
 *    unreserved set A-Z a-z 0-9 - _ . ~ (uppercase hex). The path given is
 *    the one on the wire, so an already %-encoded path is encoded again
 *    ("%20" -> "%2520"): AWS's double encoding for non-S3 services.
 *  - query: split on '&', each name and value %-decoded then re-encoded
 *    with the unreserved set ('+' stays a literal plus and becomes %2B);
 *    "name" without '=' means an empty value; sorted by encoded name, then
 *    encoded value.
 *  - headers: names lowercased, values trimmed with inner runs of spaces and
 *    tabs collapsed to one space, repeated names joined with ',' in the order
 *    given, sorted by name. "authorization", "user-agent", "expect",
 *    "x-amzn-trace-id", "transfer-encoding" and "connection" are never
 *    signed (proxies and HTTP stacks rewrite them).
 *  - payload: lowercase hex SHA-256 of the body, or the caller's payload
 *    hash (e.g. "UNSIGNED-PAYLOAD").
 *
 * Secrets: the derived signing key and every intermediate HMAC state are
 * wiped with sodium_memzero; sigv4_signed_cleanup() wipes the key it hands
 * out. No message produced here ever contains a secret key, a session token
 * or key material.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The signing name (credential-scope service) of AWS IoT Wireless. */
#define SIGV4_DEFAULT_SERVICE "iotwireless"
#define SIGV4_ALGORITHM       "AWS4-HMAC-SHA256"
#define SIGV4_UNSIGNED        "UNSIGNED-PAYLOAD"
/* Default clock-skew window of the verifier, seconds, both directions. */
#define SIGV4_DEFAULT_SKEW 300
/* "YYYYMMDDTHHMMSSZ" plus NUL. */
#define SIGV4_AMZ_DATE_SIZE 17
/* 64 hex digits plus NUL. */
#define SIGV4_HEX_SIZE 65
#define SIGV4_KEY_SIZE 32
/* Size of the message buffer in struct sigv4_verify_result. */
#define SIGV4_MESSAGE_MAX 320
/* Longest access key id the verifier accepts (AWS: 16..128). */
#define SIGV4_AKID_MAX 128
/* Longest header name signed or verified. */
#define SIGV4_HEADER_NAME_MAX 256

/* One request header as received or to be sent. Names compare without
 * regard to case; the same name may appear several times. */
struct sigv4_header {
    const char *name;
    const char *value;
};

/* One query parameter, already %-decoded (what an HTTP server library
 * such as libmicrohttpd hands out). */
struct sigv4_param {
    const char *name;
    const char *value; /* NULL = no value ("?flag"), same as "" */
};

/* How struct sigv4_request.path is given. */
enum sigv4_path_form {
    /* Exactly as on the wire, still %-encoded ("/a%20b"): normal case for a
     * client, and for a server that sees the raw request target. */
    SIGV4_PATH_WIRE = 0,
    /* Already %-decoded ("/a b"), as libmicrohttpd's default unescaping
     * delivers it: the signer re-encodes each segment once to get the wire
     * form and then once more. Equals the client's form as long as the
     * client encoded with the unreserved set, but it cannot tell "%2F"
     * from "/": an id containing '/' then fails to verify. A server should
     * rather pass the raw request target (with libmicrohttpd:
     * MHD_OPTION_URI_LOG_CALLBACK receives the raw URI before unescaping;
     * split it at '?' into path (SIGV4_PATH_WIRE) and query). */
    SIGV4_PATH_DECODED,
};

/*
 * The request to sign or verify. All pointers are borrowed for the call.
 * - method: "GET", "POST", ... (used as given; pass it uppercase).
 * - path: see path_form; NULL or "" means "/". No query part.
 * - query: the raw query string without '?', NULL or "" = none; when query
 *   is NULL and params is not, the decoded params are used instead.
 * - headers: every header sent (signer) or received (verifier). The signer
 *   requires a Host header, names that are HTTP tokens (RFC 9110 tchar:
 *   letters, digits, !#$%&'*+-.^_`|~) of at most SIGV4_HEADER_NAME_MAX
 *   characters and values without CR or LF (SIGV4_E_HEADER otherwise).
 * - payload / payload_len: the body (NULL with 0 = empty).
 * - payload_hash: NULL = SHA-256 of the payload; otherwise used verbatim in
 *   the canonical request (64 lowercase hex digits, or "UNSIGNED-PAYLOAD").
 */
struct sigv4_request {
    const char *method;
    const char *path;
    enum sigv4_path_form path_form;
    const char *query;
    const struct sigv4_param *params;
    size_t param_count;
    const struct sigv4_header *headers;
    size_t header_count;
    const void *payload;
    size_t payload_len;
    const char *payload_hash;
};

/* Credentials to sign with; borrowed. session_token NULL or "" = none.
 * The access key id (at most SIGV4_AKID_MAX characters), like the region
 * and service, is visible ASCII without '/' or ',' (they would split the
 * Credential): SIGV4_E_ARGUMENT otherwise. */
struct sigv4_credentials {
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token;
};

struct sigv4_sign_options {
    const char *region;  /* required, e.g. "eu-west-1" */
    const char *service; /* NULL = SIGV4_DEFAULT_SERVICE */
    /* The signing time: amz_date ("YYYYMMDDTHHMMSSZ") when not NULL, else
     * `time` (seconds since the epoch, UTC). */
    const char *amz_date;
    int64_t time;
    /* Also add and sign x-amz-content-sha256 (S3 style; some services
     * want it). */
    bool add_content_sha256;
    /* S3 rule: sign the path as given, no dot-segment or '//' removal. */
    bool no_normalize_path;
};

/*
 * Status of sigv4_sign() and helpers: X(id, message). 0 = ok.
 */
#define SIGV4_STATUSES(X)                                                      \
    X(SIGV4_OK, "ok")                                                          \
    X(SIGV4_E_ARGUMENT, "missing or invalid argument")                         \
    X(SIGV4_E_NO_HOST, "the request has no Host header")                       \
    X(SIGV4_E_DATE, "invalid signing date")                                    \
    X(SIGV4_E_HEADER, "invalid header name or value")                          \
    X(SIGV4_E_NOMEM, "out of memory")

enum sigv4_status {
#define X(id, msg) id,
    SIGV4_STATUSES(X)
#undef X
};

const char *sigv4_status_message(enum sigv4_status status);

/*
 * What sigv4_sign() produces. Every string is heap-owned by the struct and
 * NUL-terminated; sigv4_signed_cleanup() frees them and wipes signing_key
 * (it accepts a zeroed or already cleaned-up struct). Zero it (or call
 * sigv4_signed_init) before the first sigv4_sign().
 *
 * add_headers are the headers the caller must send in addition to its own
 * (names in canonical lowercase): "x-amz-date" unless the request already
 * had one, "x-amz-security-token" when a session token is set and the
 * request did not carry it, "x-amz-content-sha256" when asked for, and
 * finally "authorization" (value == authorization). Their name/value
 * pointers point into the struct.
 */
#define SIGV4_ADD_HEADERS_MAX 4
struct sigv4_signed {
    char *canonical_request;
    char *string_to_sign;
    char *credential_scope; /* DATE/REGION/SERVICE/aws4_request */
    char *signed_headers;   /* "host;x-amz-date" */
    char *payload_hash;     /* as used in the canonical request */
    char *authorization;    /* the whole Authorization header value */
    char *session_token;    /* copy, wiped on cleanup; NULL if none */
    char amz_date[SIGV4_AMZ_DATE_SIZE];
    char signature[SIGV4_HEX_SIZE];
    unsigned char signing_key[SIGV4_KEY_SIZE]; /* secret: do not log */
    struct sigv4_header add_headers[SIGV4_ADD_HEADERS_MAX];
    size_t add_header_count;
};

void sigv4_signed_init(struct sigv4_signed *s);
void sigv4_signed_cleanup(struct sigv4_signed *s);

/*
 * Signs req with cred for opt->region / opt->service at the signing time.
 * On success fills *out (cleaning up what it held before) and returns
 * SIGV4_OK. On failure returns a status, writes a one-line reason into err
 * (when err is not NULL; never a secret) and leaves *out cleaned up.
 *
 * A request header "x-amz-date" is used as given (the test suite's form);
 * otherwise one is added from the signing time. A request header
 * "x-amz-security-token" is signed as given; otherwise one is added when
 * cred->session_token is set.
 */
enum sigv4_status sigv4_sign(const struct sigv4_request *req,
                             const struct sigv4_credentials *cred,
                             const struct sigv4_sign_options *opt,
                             struct sigv4_signed *out, char *err,
                             size_t errsize)
    __attribute__((warn_unused_result));

/* Lowercase hex SHA-256 of data into out (SIGV4_HEX_SIZE bytes). */
void sigv4_sha256_hex(const void *data, size_t len, char out[SIGV4_HEX_SIZE]);

/* Formats epoch seconds as "YYYYMMDDTHHMMSSZ"; false when out of range
 * (before 1970 or after 9999). */
bool sigv4_format_amz_date(int64_t t, char out[SIGV4_AMZ_DATE_SIZE])
    __attribute__((warn_unused_result));
/* Parses exactly "YYYYMMDDTHHMMSSZ" (a real calendar date and time) into
 * epoch seconds; false when malformed. */
bool sigv4_parse_amz_date(const char *s, int64_t *t)
    __attribute__((warn_unused_result));

/* ---- verification ------------------------------------------------------ */

/*
 * Why a request was accepted or refused: X(id, http_status, aws_error_type).
 * The type is what an AWS REST-JSON service puts in x-amzn-ErrorType;
 * messages are in struct sigv4_verify_result.message. Sources: AWS "Common
 * Errors" pages (IncompleteSignature 400, MissingAuthenticationToken 403)
 * and responses of live services quoted in SDK issue trackers (e.g.
 * aws/aws-sdk-js#254, aws/aws-sdk-js-v3#5576, aws/chalice#828).
 *  - SIGV4_V_MISSING: no Authorization header (and no presigned query).
 *  - SIGV4_V_MALFORMED: Authorization not AWS4-HMAC-SHA256 with Credential,
 *    SignedHeaders and Signature; bad scope; no/invalid x-amz-date; host not
 *    signed; a signed header absent from the request.
 *  - SIGV4_V_UNKNOWN_KEY: the access key id is not known.
 *  - SIGV4_V_BAD_TOKEN: the key needs a session token and the request's
 *    x-amz-security-token is missing or different (or a token was sent for
 *    a key that has none).
 *  - SIGV4_V_WRONG_SCOPE: credential scope region or service not ours, or
 *    scope date is not the date of x-amz-date.
 *  - SIGV4_V_EXPIRED / SIGV4_V_NOT_YET: x-amz-date more than max_skew
 *    seconds before / after now (exactly max_skew is accepted).
 *  - SIGV4_V_BAD_SIGNATURE: the signature does not match (also: the body
 *    does not match a signed x-amz-content-sha256, or UNSIGNED-PAYLOAD when
 *    not allowed).
 */
#define SIGV4_VERDICTS(X)                                                      \
    X(SIGV4_V_OK, 200, "")                                                     \
    X(SIGV4_V_MISSING, 403, "MissingAuthenticationTokenException")             \
    X(SIGV4_V_MALFORMED, 400, "IncompleteSignatureException")                  \
    X(SIGV4_V_UNKNOWN_KEY, 403, "UnrecognizedClientException")                 \
    X(SIGV4_V_BAD_TOKEN, 403, "UnrecognizedClientException")                   \
    X(SIGV4_V_WRONG_SCOPE, 403, "InvalidSignatureException")                   \
    X(SIGV4_V_EXPIRED, 403, "InvalidSignatureException")                       \
    X(SIGV4_V_NOT_YET, 403, "InvalidSignatureException")                       \
    X(SIGV4_V_BAD_SIGNATURE, 403, "InvalidSignatureException")                 \
    X(SIGV4_V_INTERNAL, 500, "InternalFailure")

enum sigv4_verdict {
#define X(id, status, type) id,
    SIGV4_VERDICTS(X)
#undef X
};

/* "SIGV4_V_EXPIRED" style identifier, for logs and tests. */
const char *sigv4_verdict_name(enum sigv4_verdict v);
/* HTTP status to answer with (200 for SIGV4_V_OK). */
int sigv4_verdict_http_status(enum sigv4_verdict v);
/* AWS error type for x-amzn-ErrorType ("" for SIGV4_V_OK). */
const char *sigv4_verdict_error_type(enum sigv4_verdict v);

/* What the key lookup returns; both pointers borrowed until the verify
 * call returns. session_token NULL = the key takes no token. */
struct sigv4_key {
    const char *secret_access_key;
    const char *session_token;
};

struct sigv4_verify_options {
    /* Expected scope region; NULL = accept any region. */
    const char *region;
    /* Expected scope service; NULL = SIGV4_DEFAULT_SERVICE. */
    const char *service;
    /* The verifier's clock, epoch seconds. */
    int64_t now;
    /* Allowed clock skew in seconds; 0 = SIGV4_DEFAULT_SKEW. */
    int64_t max_skew;
    /* Accept x-amz-content-sha256: UNSIGNED-PAYLOAD (body not covered). */
    bool allow_unsigned_payload;
    bool no_normalize_path;
    /*
     * Finds the secret of an access key id. Returns false when the key is
     * unknown. Called at most once per verify, from the calling thread; ctx
     * is passed through. Required.
     */
    bool (*lookup)(void *ctx, const char *access_key_id, struct sigv4_key *key);
    void *lookup_ctx;
};

struct sigv4_verify_result {
    enum sigv4_verdict verdict;
    /* The access key id named in the Credential ("" when none could be
     * parsed): not secret, for logs. */
    char access_key_id[SIGV4_AKID_MAX + 1];
    /* AWS-style message for the {"message": ...} body, e.g. "Signature
     * expired: 20150830T123000Z is now earlier than 20150830T123100Z
     * (20150830T123600Z - 5 min.)"; "" when ok. Never contains a secret. */
    char message[SIGV4_MESSAGE_MAX];
};

/*
 * Verifies the Authorization header of a received request: parses it,
 * checks the credential scope (date = date of x-amz-date, region, service,
 * "aws4_request"), the clock skew, looks the key up, recomputes the
 * signature over exactly the headers listed in SignedHeaders and the
 * payload hash (x-amz-content-sha256 when present, after checking it
 * against the body when it is a hex digest; else the SHA-256 of the
 * body, or req->payload_hash when the caller gives it), and compares in
 * constant time. Unsigned extra headers do not matter. Fills *res and
 * returns res->verdict. Only header authorization is supported; a
 * presigned query (X-Amz-Signature) is refused as SIGV4_V_MISSING.
 */
enum sigv4_verdict sigv4_verify(const struct sigv4_request *req,
                                const struct sigv4_verify_options *opt,
                                struct sigv4_verify_result *res);

#endif
