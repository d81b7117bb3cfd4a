#include "sim/store_page.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

char *store_page_token(char kind, int64_t scope, int64_t after)
{
    char raw[64];
    int n = snprintf(raw, sizeof(raw), "%c:%" PRId64 ":%" PRId64, kind, scope,
                     after);
    size_t cap = sodium_base64_ENCODED_LEN(
        (size_t)n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = malloc(cap);
    if (out)
        sodium_bin2base64(out, cap, (const unsigned char *)raw, (size_t)n,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
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
    size_t tlen = strlen(token);
    unsigned char raw[64];
    size_t raw_len = 0;
    bool ok =
        tlen <= BACKEND_NEXT_TOKEN_MAX &&
        sodium_base642bin(raw, sizeof(raw) - 1, token, tlen, NULL, &raw_len,
                          NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0;
    if (ok) {
        raw[raw_len] = '\0';
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
    size_t cap =
        sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = raw ? malloc(cap) : NULL;
    if (out) {
        snprintf(raw, n + 1, "%c:%s", kind, last);
        sodium_bin2base64(out, cap, (const unsigned char *)raw, n,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
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
    unsigned char raw[BACKEND_ID_MAX + 3];
    size_t len = 0;
    size_t tlen = strlen(token);
    if (tlen > BACKEND_NEXT_TOKEN_MAX ||
        sodium_base642bin(raw, sizeof(raw) - 1, token, tlen, NULL, &len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        len < 3 || raw[0] != (unsigned char)kind || raw[1] != ':' ||
        memchr(raw, '\0', len) != NULL || len - 2 >= size)
        return backend_error_set(err, BACKEND_VALIDATION,
                                 "The nextToken is invalid.");
    memcpy(after, raw + 2, len - 2);
    after[len - 2] = '\0';
    return BACKEND_OK;
}
