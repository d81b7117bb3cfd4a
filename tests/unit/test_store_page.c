#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "sim/store_page.h"

/* max_results on both sides of 0..BACKEND_MAX_RESULTS_MAX. */
static void test_max_results_boundaries(void **state)
{
    (void)state;
    static const struct {
        int max;
        enum backend_status want;
        int limit;
        const char *says;
    } rows[] = {
        { -1, BACKEND_VALIDATION, 0, "greater than or equal to 0" },
        { 0, BACKEND_OK, BACKEND_MAX_RESULTS_DEFAULT, NULL },
        { 1, BACKEND_OK, 1, NULL },
        { BACKEND_MAX_RESULTS_MAX, BACKEND_OK, BACKEND_MAX_RESULTS_MAX, NULL },
        { BACKEND_MAX_RESULTS_MAX + 1, BACKEND_VALIDATION, 0,
          "less than or equal to 250" },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct backend_page_req page = { .max_results = rows[i].max };
        struct backend_error err;
        backend_error_clear(&err);
        int64_t after = -1;
        int limit = -1;
        assert_int_equal(store_page_args(&page, 'T', 0, &after, &limit, &err),
                         rows[i].want);
        if (rows[i].want == BACKEND_OK) {
            assert_int_equal(limit, rows[i].limit);
            assert_int_equal(after, 0);
        } else {
            assert_non_null(strstr(err.message, "'maxResults'"));
            assert_non_null(strstr(err.message, rows[i].says));
        }
    }
    /* no page request at all: the first page, default size */
    struct backend_error err;
    int64_t after = -1;
    int limit = 0;
    assert_int_equal(store_page_args(NULL, 'T', 0, &after, &limit, &err),
                     BACKEND_OK);
    assert_int_equal(after, 0);
    assert_int_equal(limit, BACKEND_MAX_RESULTS_DEFAULT);
}

/* A token reads back as the position it was made for, in its own listing. */
static void test_token_round_trip(void **state)
{
    (void)state;
    static const struct {
        char kind;
        int64_t scope, after;
    } rows[] = {
        { 'T', 0, 0 },
        { 'T', 0, 1 },
        { 'G', 7, 123456789 },
        { 'D', INT64_MAX, INT64_MAX },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *tok =
            store_page_token(rows[i].kind, rows[i].scope, rows[i].after);
        assert_non_null(tok);
        /* opaque: base64url without padding, no raw position inside */
        assert_null(strchr(tok, '='));
        assert_null(strchr(tok, ':'));
        struct backend_page_req page = { .next_token = tok };
        struct backend_error err;
        int64_t after = -1;
        int limit = 0;
        assert_int_equal(store_page_args(&page, rows[i].kind, rows[i].scope,
                                         &after, &limit, &err),
                         BACKEND_OK);
        assert_int_equal(after, rows[i].after);
        free(tok);
    }
}

/* A forged payload under a valid seal: only the parsing can refuse it. */
static char *sealed(const char *raw)
{
    char *out = store_page_seal(raw, strlen(raw));
    assert_non_null(out);
    return out;
}

static char *b64url(const char *raw)
{
    size_t n = strlen(raw);
    size_t cap =
        sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = malloc(cap);
    assert_non_null(out);
    sodium_bin2base64(out, cap, (const unsigned char *)raw, n,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

/* Tokens from another listing, another task, or forged are refused. */
static void test_foreign_and_forged_tokens(void **state)
{
    (void)state;
    static const struct {
        const char *raw; /* encoded before use; NULL = `token` as is */
        const char *token;
        enum backend_status want;
    } rows[] = {
        { "G:7:5", NULL, BACKEND_OK },          /* the reference */
        { "D:7:5", NULL, BACKEND_VALIDATION },  /* other listing */
        { "G:8:5", NULL, BACKEND_VALIDATION },  /* other task */
        { "G:7:-5", NULL, BACKEND_VALIDATION }, /* negative */
        { "G:-7:5", NULL, BACKEND_VALIDATION }, /* negative scope */
        { "G:7:5x", NULL, BACKEND_VALIDATION }, /* trailing junk */
        { "G:7:", NULL, BACKEND_VALIDATION },   /* no position */
        { "G:7", NULL, BACKEND_VALIDATION },    /* one part */
        { "G:", NULL, BACKEND_VALIDATION },     /* too short */
        { "G:7:99999999999999999999", NULL, BACKEND_VALIDATION }, /* range */
        { NULL, "not base64!", BACKEND_VALIDATION },
        { NULL, "", BACKEND_OK }, /* empty = first page */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *tok = rows[i].raw ? sealed(rows[i].raw) : NULL;
        struct backend_page_req page = { .next_token =
                                             tok ? tok : rows[i].token };
        struct backend_error err;
        backend_error_clear(&err);
        int64_t after = -1;
        int limit = 0;
        enum backend_status st =
            store_page_args(&page, 'G', 7, &after, &limit, &err);
        assert_int_equal(st, rows[i].want);
        if (st == BACKEND_VALIDATION)
            assert_string_equal(err.message, "The nextToken is invalid.");
        else
            assert_int_equal(after, rows[i].raw ? 5 : 0);
        free(tok);
    }
}

/* A valid token with anything appended, cut, or changed in one character
 * is refused -- also when the bytes added decode to nothing but a NUL or
 * to more digits -- and so is an unsealed payload. */
static void test_tampered_tokens(void **state)
{
    (void)state;
    char *good = store_page_token('G', 7, 5);
    assert_non_null(good);
    size_t n = strlen(good);
    const char *tails[] = { "A", "AA", "AAA", "AAAA", "w",
                            "x", "=",  "==",  "%00",  " " };
    char buf[256];
    for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]) + 3; i++) {
        if (i < sizeof(tails) / sizeof(tails[0]))
            snprintf(buf, sizeof(buf), "%s%s", good, tails[i]);
        else if (i == sizeof(tails) / sizeof(tails[0]))
            snprintf(buf, sizeof(buf), "%.*s", (int)n - 1, good); /* cut */
        else {
            snprintf(buf, sizeof(buf), "%s", good); /* one char changed */
            size_t at = i == sizeof(tails) / sizeof(tails[0]) + 1 ? 0 : n - 1;
            buf[at] = buf[at] == 'B' ? 'C' : 'B';
        }
        struct backend_page_req page = { .next_token = buf };
        struct backend_error err;
        int64_t after = -1;
        int limit;
        if (store_page_args(&page, 'G', 7, &after, &limit, &err) !=
            BACKEND_VALIDATION)
            fail_msg("'%s' was accepted as position %lld", buf,
                     (long long)after);
    }
    char *plain = b64url("G:7:5");
    struct backend_page_req page = { .next_token = plain };
    struct backend_error err;
    int64_t after;
    int limit;
    assert_int_equal(store_page_args(&page, 'G', 7, &after, &limit, &err),
                     BACKEND_VALIDATION);
    page.next_token = good;
    assert_int_equal(store_page_args(&page, 'G', 7, &after, &limit, &err),
                     BACKEND_OK);
    assert_int_equal(after, 5);
    free(plain);
    free(good);
}

/* Over-long tokens are refused as invalid, never read past. */
static void test_overlong_token(void **state)
{
    (void)state;
    char *good = store_page_token('T', 0, 42);
    assert_non_null(good);
    size_t n = strlen(good);
    static const size_t lens[] = { BACKEND_NEXT_TOKEN_MAX,
                                   BACKEND_NEXT_TOKEN_MAX + 1 };
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        char *padded = calloc(lens[i] + 1, 1);
        assert_non_null(padded);
        memcpy(padded, good, n);
        memset(padded + n, 'A', lens[i] - n);
        struct backend_page_req page = { .next_token = padded };
        struct backend_error err;
        int64_t after;
        int limit;
        assert_int_equal(store_page_args(&page, 'T', 0, &after, &limit, &err),
                         BACKEND_VALIDATION);
        assert_string_equal(err.message, "The nextToken is invalid.");
        free(padded);
    }
    free(good);
}

/* Keyset tokens (the unfiltered device listing): a key round-trips up to
 * the buffer's size - 1; a longer one, another kind, a NUL inside, an
 * empty key or garbage are refused; max_results as for row tokens. */
static void test_key_tokens(void **state)
{
    (void)state;
    char after[BACKEND_ID_MAX + 1], key[BACKEND_ID_MAX + 2];
    int limit = -1;
    struct backend_error err;
    /* no token: the first page, default size */
    assert_int_equal(
        store_page_key_args(NULL, 'W', after, sizeof(after), &limit, &err),
        BACKEND_OK);
    assert_string_equal(after, "");
    assert_int_equal(limit, BACKEND_MAX_RESULTS_DEFAULT);
    static const size_t lens[] = { 1, 2, BACKEND_ID_MAX };
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        memset(key, 'k', lens[i]);
        key[lens[i]] = '\0';
        char *tok = store_page_key_token('W', key);
        assert_non_null(tok);
        struct backend_page_req page = { .next_token = tok,
                                         .max_results = 250 };
        assert_int_equal(
            store_page_key_args(&page, 'W', after, sizeof(after), &limit, &err),
            BACKEND_OK);
        assert_string_equal(after, key);
        assert_int_equal(limit, 250);
        /* another kind's listing refuses it */
        assert_int_equal(
            store_page_key_args(&page, 'X', after, sizeof(after), &limit, &err),
            BACKEND_VALIDATION);
        free(tok);
    }
    /* one byte longer than the buffer holds */
    memset(key, 'k', BACKEND_ID_MAX + 1);
    key[BACKEND_ID_MAX + 1] = '\0';
    char *tok = store_page_key_token('W', key);
    struct backend_page_req page = { .next_token = tok };
    assert_int_equal(
        store_page_key_args(&page, 'W', after, sizeof(after), &limit, &err),
        BACKEND_VALIDATION);
    assert_string_equal(err.message, "The nextToken is invalid.");
    free(tok);
    /* "W:" (empty key), "W:a<NUL>b", a row token, garbage */
    static const unsigned char raw_nul[] = { 'W', ':', 'a', 0, 'b' };
    char *enc = store_page_seal(raw_nul, sizeof(raw_nul));
    char *empty = sealed("W:");
    char *row = store_page_token('D', 1, 1);
    char *unsealed = b64url("W:abc");
    const char *bad[] = { empty, enc, row, "!!", "W:abc", unsealed };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        page.next_token = (char *)bad[i];
        assert_int_equal(
            store_page_key_args(&page, 'W', after, sizeof(after), &limit, &err),
            BACKEND_VALIDATION);
    }
    free(row);
    free(enc);
    free(empty);
    free(unsealed);
    /* max_results bounds */
    struct backend_page_req sizes[] = { { .max_results = -1 },
                                        { .max_results = 251 } };
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(store_page_key_args(&sizes[i], 'W', after,
                                             sizeof(after), &limit, &err),
                         BACKEND_VALIDATION);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_max_results_boundaries),
        cmocka_unit_test(test_token_round_trip),
        cmocka_unit_test(test_tampered_tokens),
        cmocka_unit_test(test_foreign_and_forged_tokens),
        cmocka_unit_test(test_overlong_token),
        cmocka_unit_test(test_key_tokens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
