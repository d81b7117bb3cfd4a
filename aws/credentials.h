#ifndef FUOTA_AWS_CREDENTIALS_H
#define FUOTA_AWS_CREDENTIALS_H

/*
 * AWS credentials, region and endpoint, resolved the way the AWS CLI
 * (botocore) does, plus a key ring of every key pair in a credentials file
 * for `fuota serve --require-auth --credentials FILE`.
 *
 * Reads the environment (getenv) and the shared files; never prints. Errors
 * are a status plus a one-line reason in a caller buffer that names the
 * file and line ("/home/u/.aws/config:7: ...") and never contains a secret
 * (malformed lines are described, not quoted).
 *
 * Resolution (aws_resolve):
 *  profile   opt->profile (--profile) > AWS_PROFILE > AWS_DEFAULT_PROFILE >
 *            "default".
 *  keys      environment AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY
 *            (+ AWS_SESSION_TOKEN, or legacy AWS_SECURITY_TOKEN) unless a
 *            profile was given explicitly in opt->profile; then the
 *            profile in the shared credentials file
 *            (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials, section
 *            [NAME]); then the profile in the config file (AWS_CONFIG_FILE
 *            or ~/.aws/config, section [profile NAME], or [default]) with
 *            aws_access_key_id / aws_secret_access_key / aws_session_token.
 *            A key id without its secret (or the reverse) is an error, as in
 *            botocore ("partial credentials").
 *  region    opt->region > AWS_REGION > AWS_DEFAULT_REGION > `region` of the
 *            profile (credentials file entry overrides the config file one,
 *            botocore merges them that way).
 *  endpoint  opt->endpoint_url > AWS_ENDPOINT_URL_IOT_WIRELESS >
 *            AWS_ENDPOINT_URL > the profile's services section
 *            ([services S] with `iot_wireless =` / `  endpoint_url = URL`) >
 *            the profile's `endpoint_url` > https://api.iotwireless.REGION.
 *            amazonaws.com (".amazonaws.com.cn" for cn-* regions).
 *            AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or the profile's
 *            ignore_configured_endpoint_urls = true) skips the environment
 *            and file endpoints.
 * A named profile that exists in neither file is an error (unless it is
 * "default", which may be absent when the environment supplies keys); a
 * missing file is not an error, an unreadable or malformed one is.
 *
 * Ownership: every string in struct aws_credentials is heap-owned;
 * aws_credentials_cleanup() wipes the secret and token with sodium_memzero
 * and frees everything (accepts a zeroed or cleaned-up struct).
 * Not thread-safe against concurrent setenv().
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/sigv4.h"

/* Where a value came from: X(id, label). */
#define AWS_SOURCES(X)                                                         \
    X(AWS_SRC_NONE, "not set")                                                 \
    X(AWS_SRC_OPTION, "command line")                                          \
    X(AWS_SRC_ENV, "environment")                                              \
    X(AWS_SRC_CREDENTIALS_FILE, "credentials file")                            \
    X(AWS_SRC_CONFIG_FILE, "config file")                                      \
    X(AWS_SRC_DEFAULT, "default")

enum aws_source {
#define X(id, label) id,
    AWS_SOURCES(X)
#undef X
};

const char *aws_source_label(enum aws_source src);

/* Status of every fallible function here: X(id, message). 0 = ok. */
#define AWS_CRED_STATUSES(X)                                                   \
    X(AWS_CRED_OK, "ok")                                                       \
    X(AWS_CRED_E_NO_CREDENTIALS, "unable to locate credentials")               \
    X(AWS_CRED_E_PARTIAL, "partial credentials")                               \
    X(AWS_CRED_E_NO_PROFILE, "profile not found")                              \
    X(AWS_CRED_E_NO_REGION, "no region")                                       \
    X(AWS_CRED_E_FILE, "cannot read file")                                     \
    X(AWS_CRED_E_SYNTAX, "malformed file")                                     \
    X(AWS_CRED_E_INVALID, "invalid value")                                     \
    X(AWS_CRED_E_DUPLICATE, "duplicate access key id")                         \
    X(AWS_CRED_E_NOMEM, "out of memory")

enum aws_cred_status {
#define X(id, msg) id,
    AWS_CRED_STATUSES(X)
#undef X
};

const char *aws_cred_status_message(enum aws_cred_status status);

/* Buffer size that always holds a whole error line. */
#define AWS_CRED_ERR_MAX 512

struct aws_resolve_options {
    const char *profile;      /* --profile; NULL = environment / default */
    const char *region;       /* --region; NULL = resolve */
    const char *endpoint_url; /* --endpoint-url; NULL = resolve */
    /* Home directory for ~/.aws; NULL = $HOME. */
    const char *home;
    /* Keys are optional: resolve region/endpoint/profile only, no error
     * when no key is found (key_source then stays AWS_SRC_NONE). */
    bool keys_optional;
    /* A region is optional: no error when none is found (endpoint_url then
     * stays NULL unless set explicitly). */
    bool region_optional;
};

/*
 * The resolved result. *_from are short human descriptions of the origin,
 * for the console's "LIVE, profile X, region Y" line and for `--verbose`
 * output, e.g. "environment AWS_REGION", "/home/u/.aws/config:4 [profile
 * prod]", "--region", "default". They never contain a secret.
 */
struct aws_credentials {
    char *profile;
    enum aws_source profile_source;
    char *profile_from;

    char *access_key_id;     /* NULL when keys_optional and none found */
    char *secret_access_key; /* secret: never print */
    char *session_token;     /* secret: never print; NULL = none */
    enum aws_source key_source;
    char *key_from;

    char *region; /* NULL when region_optional and none found */
    enum aws_source region_source;
    char *region_from;

    char *endpoint_url; /* NULL only without a region */
    enum aws_source endpoint_source;
    char *endpoint_from;
};

void aws_credentials_init(struct aws_credentials *c);
void aws_credentials_cleanup(struct aws_credentials *c);

/*
 * Resolves profile, keys, region and endpoint as described above into *out
 * (initialised by the call; clean it up in every case). Returns AWS_CRED_OK
 * or the first error, with a reason in err (NUL-terminated, may be cut to
 * errsize; AWS_CRED_ERR_MAX always suffices).
 */
enum aws_cred_status aws_resolve(const struct aws_resolve_options *opt,
                                 struct aws_credentials *out, char *err,
                                 size_t errsize)
    __attribute__((warn_unused_result));

/* The borrowed view of *c for core/sigv4 (pointers into c). */
struct sigv4_credentials aws_credentials_sigv4(const struct aws_credentials *c);

/*
 * One line safe to show: "profile prod (credentials file), key AKIDEXAMPLE
 * (/home/u/.aws/credentials:2 [prod]), session token set, region eu-west-1
 * (environment AWS_REGION), endpoint https://... (default)". The access key
 * id is shown (it is not secret), the secret and token never are. Returns
 * buf.
 */
const char *aws_credentials_describe(const struct aws_credentials *c, char *buf,
                                     size_t size);

/*
 * Masks a value for display the way `aws configure list` does: all but the
 * last 4 characters become '*' (values of 4 characters or less are all
 * '*'); NULL or "" gives "<not set>". Returns buf.
 */
const char *aws_mask(const char *value, char *buf, size_t size);

/* ---- key ring: every key pair of a file, for the server ---------------- */

struct aws_keypair {
    char *access_key_id;
    char *secret_access_key; /* secret */
    char *session_token;     /* secret; NULL = none */
    char *profile;           /* section it came from */
};

struct aws_keyring {
    struct aws_keypair *items;
    size_t count;
    size_t cap;
};

void aws_keyring_init(struct aws_keyring *kr);
/* Wipes every secret and frees; accepts a zeroed or cleaned-up ring. */
void aws_keyring_cleanup(struct aws_keyring *kr);

/*
 * Adds one pair (copies the strings). The same access key id with the same
 * secret and token is accepted once (no-op); with another secret or token it
 * is AWS_CRED_E_DUPLICATE. Empty key id or secret: AWS_CRED_E_INVALID.
 */
enum aws_cred_status
aws_keyring_add(struct aws_keyring *kr, const char *access_key_id,
                const char *secret_access_key, const char *session_token,
                const char *profile, char *err, size_t errsize)
    __attribute__((warn_unused_result));

/*
 * Loads every section of an AWS credentials or config file ([NAME],
 * [profile NAME], [default]) that has aws_access_key_id into kr (appends).
 * Sections without keys are skipped; a key id without its secret (or the
 * reverse) is AWS_CRED_E_PARTIAL naming file:line; no pair at all is
 * AWS_CRED_E_NO_CREDENTIALS; a missing file AWS_CRED_E_FILE.
 */
enum aws_cred_status aws_keyring_load_file(struct aws_keyring *kr,
                                           const char *path, char *err,
                                           size_t errsize)
    __attribute__((warn_unused_result));

/* The pair with this access key id, or NULL. Lookup is exact. */
const struct aws_keypair *aws_keyring_find(const struct aws_keyring *kr,
                                           const char *access_key_id);

/*
 * A struct sigv4_verify_options.lookup callback: ctx is a const struct
 * aws_keyring *. The ring must not change while verifications run; then it
 * is safe from many threads at once.
 */
bool aws_keyring_lookup(void *ctx, const char *access_key_id,
                        struct sigv4_key *key);

#endif
