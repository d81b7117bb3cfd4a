#include "sim/store_page.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

/* The seal of a token: a keyed BLAKE2b tag of its payload. The key is no
 * secret (positions are not either); the tag makes a token that was cut,
 * extended or altered unreadable instead of a position nobody gave. */
#define SEAL_BYTES crypto_generichash_BYTES_MIN
static const unsigned char seal_key[crypto_generichash_KEYBYTES_MIN] = {
    'f', 'u', 'o', 't', 'a', ' ', 'p', 'a',
    'g', 'e', ' ', 't', 'o', 'k', 'e', 'n',
};
/* Longest payload a token carries: a key token of the longest id, with
 * room to spare (a longer key is refused after the seal is checked). */
#define PAYLOAD_MAX (BACKEND_ID_MAX + 16)

char *store_page_seal(const void *payload, size_t n)
{
    unsigned char raw[PAYLOAD_MAX + SEAL_BYTES];
    if (n > PAYLOAD_MAX)
        return NULL;
    memcpy(raw, payload, n);
    crypto_generichash(raw + n, SEAL_BYTES, payload, n, seal_key,
                       sizeof(seal_key));
    size_t cap = sodium_base64_ENCODED_LEN(
        n + SEAL_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = malloc(cap);
    if (out)
        sodium_bin2base64(out, cap, raw, n + SEAL_BYTES,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

/*
 * The payload of a token store_page_seal() made, into raw (room for
 * PAYLOAD_MAX + SEAL_BYTES + 1 bytes; NUL-terminated) and *len. False for
 * anything else: too long, not base64url, not in the form the encoder
 * writes (bits or characters appended), or a seal that does not match
 * (cut, extended or altered).
 */
static bool unseal(const char *token, unsigned char *raw, size_t *len)
{
    size_t tlen = strlen(token), n = 0;
    char again[BACKEND_NEXT_TOKEN_MAX + 1];
    unsigned char tag[SEAL_BYTES];
    if (tlen > BACKEND_NEXT_TOKEN_MAX ||
        sodium_base642bin(raw, PAYLOAD_MAX + SEAL_BYTES, token, tlen, NULL, &n,
                          NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        n <= SEAL_BYTES)
        return false;
    sodium_bin2base64(again, sizeof(again), raw, n,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    if (strcmp(again, token) != 0)
        return false;
    n -= SEAL_BYTES;
    crypto_generichash(tag, SEAL_BYTES, raw, n, seal_key, sizeof(seal_key));
    if (sodium_memcmp(tag, raw + n, SEAL_BYTES) != 0)
        return false;
    raw[n] = '\0';
    *len = n;
    return true;
}

char *store_page_token(char kind, int64_t scope, int64_t after)
{
    char raw[64];
    int n = snprintf(raw, sizeof(raw), "%c:%" PRId64 ":%" PRId64, kind, scope,
                     after);
    return store_page_seal(raw, (size_t)n);
}

/* A decimal >= 0 ending at `end`; strtoll with its checks. */
static bool parse_i64(const char *p, char end, int64_t *out)
{
    if (*p < '0' || *p > '9')
        return false;
    char *stop;
    errno = 0;
    long long v = strtoll(p, &stop, 10);
    if (errno || *stop != end)
        return false;
    *out = v;
    return true;
}

/* max_results into *limit (0 = the default), or AWS's ValidationException. */
static enum backend_status page_limit(const struct backend_page_req *page,
                                      int *limit, struct backend_error *err)
{
    int max = page ? page->max_results : 0;
    if (max < 0 || max > BACKEND_MAX_RESULTS_MAX)
        return backend_error_set(
            err, BACKEND_VALIDATION,
            "1 validation error detected: Value '%d' at 'maxResults' failed "
            "to satisfy constraint: Member must have value %s %d",
            max, max < 0 ? "greater than or equal to" : "less than or equal to",
            max < 0 ? 0 : BACKEND_MAX_RESULTS_MAX);
    *limit = max ? max : BACKEND_MAX_RESULTS_DEFAULT;
    return BACKEND_OK;
}

enum backend_status store_page_args(const struct backend_page_req *page,
                                    char kind, int64_t scope, int64_t *after,
                                    int *limit, struct backend_error *err)
{
    const char *token = page ? page->next_token : NULL;
    *after = 0;
    enum backend_status st = page_limit(page, limit, err);
    if (st != BACKEND_OK)
        return st;
    if (!token || !*token)
        return BACKEND_OK;
    unsigned char raw[PAYLOAD_MAX + SEAL_BYTES + 1];
    size_t raw_len = 0;
    bool ok =
        unseal(token, raw, &raw_len) && memchr(raw, '\0', raw_len) == NULL;
    if (ok) {
        const char *p = (const char *)raw;
        int64_t sc, af;
        ok = raw_len > 2 && p[0] == kind && p[1] == ':' &&
             parse_i64(p + 2, ':', &sc) && sc == scope &&
             parse_i64(strchr(p + 2, ':') + 1, '\0', &af);
        if (ok)
            *after = af;
    }
    if (!ok)
        return backend_error_set(err, BACKEND_VALIDATION,
                                 "The nextToken is invalid.");
    return BACKEND_OK;
}

char *store_page_key_token(char kind, const char *last)
{
    size_t n = strlen(last) + 2;
    char *raw = malloc(n + 1);
    char *out = NULL;
    if (raw) {
        snprintf(raw, n + 1, "%c:%s", kind, last);
        out = store_page_seal(raw, n);
    }
    free(raw);
    return out;
}

enum backend_status store_page_key_args(const struct backend_page_req *page,
                                        char kind, char *after, size_t size,
                                        int *limit, struct backend_error *err)
{
    const char *token = page ? page->next_token : NULL;
    after[0] = '\0';
    enum backend_status st = page_limit(page, limit, err);
    if (st != BACKEND_OK || !token || !*token)
        return st;
    unsigned char raw[PAYLOAD_MAX + SEAL_BYTES + 1];
    size_t len = 0;
    if (!unseal(token, raw, &len) || len < 3 || raw[0] != (unsigned char)kind ||
        raw[1] != ':' || memchr(raw, '\0', len) != NULL || len - 2 >= size)
        return backend_error_set(err, BACKEND_VALIDATION,
                                 "The nextToken is invalid.");
    memcpy(after, raw + 2, len - 2);
    after[len - 2] = '\0';
    return BACKEND_OK;
}
