#ifndef FUOTA_SIM_KEYRING_H
#define FUOTA_SIM_KEYRING_H

/*
 * The key ring `fuota serve --require-auth` verifies SigV4 signatures
 * against: every access key id it accepts with its secret and, when the key
 * is temporary, the session token clients must send.
 *
 * Filled from parsed AWS credentials/config files (core/ini.h; the caller
 * reads the file, e.g. with aws_file_read) or pair by pair. Errors are a
 * status plus a one-line reason in a caller buffer that never contains a
 * secret.
 *
 * Ownership: every string is heap-owned by the ring; keyring_cleanup()
 * wipes secrets and tokens with sodium_memzero. Threads: the ring must not
 * change while verifications run; lookups are then safe from many threads.
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/ini.h"
#include "core/sigv4.h"

#define KEYRING_STATUSES(X)                                                    \
    X(KEYRING_OK, "ok")                                                        \
    X(KEYRING_E_NO_KEYS, "no key pair")                                        \
    X(KEYRING_E_PARTIAL, "partial credentials")                                \
    X(KEYRING_E_INVALID, "invalid value")                                      \
    X(KEYRING_E_DUPLICATE, "duplicate access key id")                          \
    X(KEYRING_E_NOMEM, "out of memory")

enum keyring_status {
#define X(id, msg) id,
    KEYRING_STATUSES(X)
#undef X
};

const char *keyring_status_message(enum keyring_status status);

/* Buffer size that always holds a whole error line. */
#define KEYRING_ERR_MAX 512

struct keyring_pair {
    char *access_key_id;
    char *secret_access_key; /* secret */
    char *session_token;     /* secret; NULL = none */
    char *profile;           /* section it came from; NULL = none */
};

struct keyring {
    struct keyring_pair *items;
    size_t count;
    size_t cap;
};

void keyring_init(struct keyring *kr);
/* Wipes every secret and frees; accepts a zeroed or cleaned-up ring. */
void keyring_cleanup(struct keyring *kr);

/*
 * Adds one pair (copies the strings). The same access key id with the same
 * secret and token is accepted once (no-op); with another secret or token it
 * is KEYRING_E_DUPLICATE. An access key id or secret that breaks
 * ini_key_id_valid / ini_secret_valid: KEYRING_E_INVALID. An empty token is
 * no token.
 */
enum keyring_status keyring_add(struct keyring *kr, const char *access_key_id,
                                const char *secret_access_key,
                                const char *session_token, const char *profile,
                                char *err, size_t errsize)
    __attribute__((warn_unused_result));

/*
 * Adds every section of a parsed credentials or config file ([NAME],
 * [profile NAME], [default]) that has aws_access_key_id; `path` names the
 * file in messages ("PATH:LINE: ..."). Sections without keys are skipped;
 * a key id without its secret (or the reverse) is KEYRING_E_PARTIAL; no
 * pair at all is KEYRING_E_NO_KEYS.
 */
enum keyring_status keyring_add_doc(struct keyring *kr,
                                    const struct ini_doc *doc, const char *path,
                                    char *err, size_t errsize)
    __attribute__((warn_unused_result));

/* The pair with this access key id, or NULL. Lookup is exact. */
const struct keyring_pair *keyring_find(const struct keyring *kr,
                                        const char *access_key_id);

/*
 * A struct sigv4_verify_options.lookup callback: ctx is a const struct
 * keyring *.
 */
bool keyring_lookup(void *ctx, const char *access_key_id,
                    struct sigv4_key *key);

#endif
