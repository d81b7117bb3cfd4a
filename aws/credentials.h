#ifndef FUOTA_AWS_CREDENTIALS_H
#define FUOTA_AWS_CREDENTIALS_H

/*
 * AWS credentials, region, endpoint and retry attempts, resolved the way the
 * AWS CLI (botocore) does, and the reading of the shared files. (The key
 * ring `fuota serve --require-auth` checks signatures against is
 * sim/keyring.h; this module only reads its file.)
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
 *  attempts  AWS_MAX_ATTEMPTS > the profile's max_attempts >
 *            AWS_MAX_ATTEMPTS_DEFAULT; a whole number 1..AWS_MAX_ATTEMPTS_MAX
 *            (the first call and its retries together, as in botocore).
 *  warning   set when the file the keys came from may be read by group or
 *            others (chmod 600 it), as ssh warns about a private key.
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

#include "core/ini.h"
#include "core/sigv4.h"

/* Attempts per call (first try + retries) when nothing says otherwise. */
#define AWS_MAX_ATTEMPTS_DEFAULT 5
#define AWS_MAX_ATTEMPTS_MAX     20

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
    const char *endpoint_url; /* --endpoint; NULL = resolve */
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

    int max_attempts; /* 1..AWS_MAX_ATTEMPTS_MAX */
    char *max_attempts_from;

    /* A warning to show (the keys' file is readable by others), or NULL. */
    char *warning;
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

/*
 * Reads and parses one AWS credentials or config file into *doc
 * (initialised by the call; ini_cleanup() it in every case), e.g. the file
 * `fuota serve --require-auth --credentials FILE` takes its key ring from.
 * The read buffer is wiped. A missing or unreadable file is
 * AWS_CRED_E_FILE, a malformed one AWS_CRED_E_SYNTAX naming file:line
 * (never quoting it). *shared (when not NULL) tells whether group or
 * others may read the file.
 */
enum aws_cred_status aws_file_read(const char *path, struct ini_doc *doc,
                                   bool *shared, char *err, size_t errsize)
    __attribute__((warn_unused_result));

#endif
