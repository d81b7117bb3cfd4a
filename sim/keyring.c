#include "sim/keyring.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

static const char *const status_messages[] = {
#define X(id, msg) [id] = msg,
    KEYRING_STATUSES(X)
#undef X
};

const char *keyring_status_message(enum keyring_status status)
{
    if ((size_t)status >= sizeof(status_messages) / sizeof(*status_messages))
        return "unknown status";
    return status_messages[status];
}

/* Writes the reason (when there is a buffer) and returns the status. */
static enum keyring_status report(enum keyring_status st, char *err,
                                  size_t errsize, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static enum keyring_status report(enum keyring_status st, char *err,
                                  size_t errsize, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && errsize && vsnprintf(err, errsize, fmt, ap) < 0)
        err[0] = '\0';
    va_end(ap);
    return st;
}

static void wipe_free(char *s)
{
    if (s) {
        sodium_memzero(s, strlen(s));
        free(s);
    }
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

void keyring_init(struct keyring *kr)
{
    memset(kr, 0, sizeof(*kr));
}

static void pair_cleanup(struct keyring_pair *p)
{
    free(p->access_key_id);
    wipe_free(p->secret_access_key);
    wipe_free(p->session_token);
    free(p->profile);
    memset(p, 0, sizeof(*p));
}

void keyring_cleanup(struct keyring *kr)
{
    if (!kr)
        return;
    for (size_t i = 0; i < kr->count; i++)
        pair_cleanup(&kr->items[i]);
    free(kr->items);
    memset(kr, 0, sizeof(*kr));
}

const struct keyring_pair *keyring_find(const struct keyring *kr,
                                        const char *access_key_id)
{
    if (!kr || !access_key_id)
        return NULL;
    for (size_t i = 0; i < kr->count; i++)
        if (strcmp(kr->items[i].access_key_id, access_key_id) == 0)
            return &kr->items[i];
    return NULL;
}

static bool same_secret(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    size_t n = strlen(a);
    return n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

enum keyring_status keyring_add(struct keyring *kr, const char *access_key_id,
                                const char *secret_access_key,
                                const char *session_token, const char *profile,
                                char *err, size_t errsize)
{
    if (session_token && !*session_token)
        session_token = NULL;
    if (!ini_key_id_valid(access_key_id) ||
        !ini_secret_valid(secret_access_key) ||
        (session_token && !ini_secret_valid(session_token)))
        return report(KEYRING_E_INVALID, err, errsize,
                      "key pair%s%s: the access key id or secret is empty "
                      "or has blanks",
                      profile ? " of profile " : "", profile ? profile : "");
    const struct keyring_pair *old = keyring_find(kr, access_key_id);
    if (old) {
        if (same_secret(old->secret_access_key, secret_access_key) &&
            same_secret(old->session_token, session_token))
            return KEYRING_OK;
        return report(KEYRING_E_DUPLICATE, err, errsize,
                      "access key id %s appears twice with different secrets "
                      "(profiles %s and %s)",
                      access_key_id, old->profile ? old->profile : "?",
                      profile ? profile : "?");
    }
    if (kr->count == kr->cap) {
        size_t cap = kr->cap ? kr->cap * 2 : 4;
        struct keyring_pair *p = realloc(kr->items, cap * sizeof(*p));
        if (!p)
            return report(KEYRING_E_NOMEM, err, errsize, "out of memory");
        kr->items = p;
        kr->cap = cap;
    }
    struct keyring_pair *p = &kr->items[kr->count];
    p->access_key_id = strdup(access_key_id);
    p->secret_access_key = strdup(secret_access_key);
    p->session_token = dup_or_null(session_token);
    p->profile = dup_or_null(profile);
    if (!p->access_key_id || !p->secret_access_key ||
        (session_token && !p->session_token) || (profile && !p->profile)) {
        pair_cleanup(p);
        return report(KEYRING_E_NOMEM, err, errsize, "out of memory");
    }
    kr->count++;
    return KEYRING_OK;
}

enum keyring_status keyring_add_doc(struct keyring *kr,
                                    const struct ini_doc *doc, const char *path,
                                    char *err, size_t errsize)
{
    size_t added = 0;
    for (size_t i = 0; i < doc->section_count; i++) {
        struct ini_keys k;
        enum ini_keys_status ks = ini_keys(doc, i, &k);
        if (ks == INI_KEYS_NONE)
            continue;
        if (ks != INI_KEYS_OK) {
            char why[KEYRING_ERR_MAX];
            ini_keys_error(doc, i, ks, &k, path, why, sizeof(why));
            return report(ks == INI_KEYS_PARTIAL ? KEYRING_E_PARTIAL
                                                 : KEYRING_E_INVALID,
                          err, errsize, "%s", why);
        }
        char why[KEYRING_ERR_MAX];
        enum keyring_status st = keyring_add(
            kr, k.id->value, k.secret->value, k.token ? k.token->value : NULL,
            ini_profile_name(doc->sections[i].name), why, sizeof(why));
        if (st != KEYRING_OK)
            return report(st, err, errsize, "%s:%u: %s", path, k.id->line, why);
        added++;
    }
    if (added == 0)
        return report(KEYRING_E_NO_KEYS, err, errsize,
                      "%s: no profile has aws_access_key_id and "
                      "aws_secret_access_key",
                      path);
    return KEYRING_OK;
}

bool keyring_lookup(void *ctx, const char *access_key_id, struct sigv4_key *key)
{
    const struct keyring_pair *p = keyring_find(ctx, access_key_id);
    if (!p)
        return false;
    key->secret_access_key = p->secret_access_key;
    key->session_token = p->session_token;
    return true;
}
