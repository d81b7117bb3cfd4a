/*
 * core/fec: the public TS004 vectors, a straightforward reference encoder
 * written here from the spec pseudo-code (byte-per-bit lines), the session
 * figures, and the decoder's contract case by case (duplicates, order,
 * range, limits, the non-MDS behaviour, reset). The seeded property tests
 * live in test_fec_props.c.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "core/fec.h"
#include "tests/unit/reference.h"

/* ---------------------------------------------------------------------- */
/* Reference encoder, from shared/spec/fec-ts004.md, deliberately naive. */

static uint32_t ref_prbs23(uint32_t x)
{
    uint32_t b0 = x & 1u;
    uint32_t b5 = (x >> 5) & 1u;
    return (x >> 1) | ((b0 ^ b5) << 22);
}

/* line[i] = 1 when row i is in redundancy fragment k (one byte a bit). */
static void ref_line(uint32_t k, uint32_t m, int v2, uint8_t *line)
{
    memset(line, 0, m);
    int pow2 = m > 0 && (m & (m - 1)) == 0;
    uint32_t mm = pow2 ? 1 : 0;
    uint32_t x = v2 ? 1 + 1001 * (m + k) : 1 + 1001 * k;
    uint32_t d = 0;
    while (d < m / 2) {
        uint32_t r = 1u << 16;
        while (r >= m) {
            x = ref_prbs23(x);
            r = x % (m + mm);
        }
        if (v2 && line[r])
            continue; /* distinct draws: draw again */
        line[r] = 1;
        d++;
    }
}

/* Whole stream, (m + r) * s bytes, malloc'd. */
static uint8_t *ref_encode(const uint8_t *img, size_t len, uint32_t s,
                           uint32_t r, int v2, uint32_t *m_out)
{
    uint32_t m = (uint32_t)((len + s - 1) / s);
    uint8_t *out = calloc((size_t)(m + r) * s, 1);
    uint8_t *line = malloc(m);
    assert_non_null(out);
    assert_non_null(line);
    memcpy(out, img, len);
    for (uint32_t k = 1; k <= r; k++) {
        ref_line(k, m, v2, line);
        uint8_t *dst = out + (size_t)(m + k - 1) * s;
        for (uint32_t i = 0; i < m; i++)
            if (line[i])
                for (uint32_t j = 0; j < s; j++)
                    dst[j] ^= out[(size_t)i * s + j];
    }
    free(line);
    *m_out = m;
    return out;
}

static uint64_t rng_state;
static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint8_t *random_image(size_t len, uint64_t seed)
{
    rng_state = seed;
    uint8_t *img = malloc(len ? len : 1);
    assert_non_null(img);
    for (size_t i = 0; i < len; i++)
        img[i] = (uint8_t)rng_next();
    return img;
}

static struct fec_matrix *matrix(uint32_t m, uint32_t r, enum fec_codec c)
{
    struct fec_matrix *mx = NULL;
    assert_int_equal(fec_matrix_new(m, r, c, &mx), FEC_OK);
    assert_non_null(mx);
    return mx;
}

/* ---------------------------------------------------------------------- */
/* Public vectors */

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = strlen(hex) / 2;
    assert_true(n <= cap);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
    return n;
}

static cJSON *load_json(const char *path)
{
    char *text = reference_read(path, NULL);
    assert_non_null(text);
    cJSON *doc = cJSON_Parse(text);
    free(text);
    assert_non_null(doc);
    return doc;
}

static int json_int(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    assert_true(cJSON_IsNumber(v));
    return v->valueint;
}

/* Every case of a vector file: encoder byte-exact (stream and single
 * fragments), session figures, and the decoder repairing any one loss. */
static void check_vector_cases(const cJSON *cases)
{
    assert_true(cJSON_GetArraySize(cases) >= 2);
    const cJSON *c;
    cJSON_ArrayForEach(c, cases)
    {
        static uint8_t img[8192], frag[256], all[65536];
        const char *hex =
            cJSON_GetObjectItemCaseSensitive(c, "image_hex")->valuestring;
        size_t len = unhex(hex, img, sizeof(img));
        assert_int_equal(len, json_int(c, "image_len"));
        uint32_t s = (uint32_t)json_int(c, "frag_size");
        uint32_t r = (uint32_t)json_int(c, "redundancy");
        enum fec_codec codec = FEC_CODEC_V1;
        const cJSON *cj = cJSON_GetObjectItemCaseSensitive(c, "codec");
        if (cJSON_IsString(cj))
            assert_true(fec_codec_parse(cj->valuestring, &codec));
        struct fec_session ses;
        assert_int_equal(fec_session_plan(len, s, r, &ses), FEC_OK);
        assert_int_equal(ses.nb_frag, json_int(c, "M_uncoded"));
        assert_int_equal(ses.padding, json_int(c, "padding"));
        struct fec_matrix *mx = matrix(ses.nb_frag, r, codec);
        size_t total = (size_t)(ses.nb_frag + r) * s;
        assert_true(total <= sizeof(all));
        assert_int_equal(fec_encode(mx, img, len, s, all, total), FEC_OK);
        const cJSON *frags =
            cJSON_GetObjectItemCaseSensitive(c, "fragments_hex");
        assert_int_equal(cJSON_GetArraySize(frags), ses.nb_frag + r);
        uint32_t n = 0;
        const cJSON *fh;
        cJSON_ArrayForEach(fh, frags)
        {
            n++;
            uint8_t want[256];
            assert_int_equal(unhex(fh->valuestring, want, sizeof(want)), s);
            assert_memory_equal(all + (size_t)(n - 1) * s, want, s);
            assert_int_equal(fec_encode_fragment(mx, img, len, s, n, frag),
                             FEC_OK);
            assert_memory_equal(frag, want, s);
        }
        /* The decoder rebuilds the image from the stream with one uncoded
         * fragment lost (every one for small M, a spread for large M). */
        struct fec_decoder_opts o = { .matrix = mx,
                                      .mode = FEC_MODE_FULL,
                                      .frag_size = s,
                                      .padding = ses.padding };
        struct fec_decoder *d = NULL;
        assert_int_equal(fec_decoder_new(&o, &d), FEC_OK);
        uint32_t step = ses.nb_frag <= 128 ? 1 : ses.nb_frag / 16;
        for (uint32_t lost = 0; lost <= ses.nb_frag; lost += step) {
            fec_decoder_reset(d);
            for (uint32_t k = 1; k <= ses.nb_frag + r; k++) {
                if (k == lost)
                    continue;
                (void)fec_decoder_push(d, k, all + (size_t)(k - 1) * s);
            }
            size_t got = 0;
            const uint8_t *out = fec_decoder_image(d, &got);
            /* one lost column is repairable iff some row covers it (never
             * for M = 1, whose rows are all zero) */
            bool covered = lost == 0;
            for (uint32_t k = 1; k <= r && !covered; k++)
                covered = (fec_matrix_row(mx, k)[(lost - 1) / 64] >>
                           ((lost - 1) % 64)) &
                          1;
            if (!covered) {
                assert_null(out);
                assert_int_equal(fec_decoder_finish(d), FEC_ERR_INCOMPLETE);
                continue;
            }
            assert_non_null(out);
            assert_int_equal(got, len);
            assert_memory_equal(out, img, len);
        }
        fec_decoder_free(d);
        fec_matrix_free(mx);
    }
}

static void test_extra_vectors(void **state)
{
    (void)state;
    cJSON *doc = load_json("tests/data/fec/extra_vectors.json");
    check_vector_cases(cJSON_GetObjectItemCaseSensitive(doc, "cases"));
    cJSON_Delete(doc);
}

static void test_public_vectors(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof(path), "%s/fec-vectors/ts004_v1_public.json",
             reference_dir());
    cJSON *doc = load_json(path);
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(doc, "cases");
    check_vector_cases(cases);
    /* Wire example: full DataFragment frames. */
    const cJSON *wire = cJSON_GetObjectItemCaseSensitive(doc, "wire_example");
    uint32_t idx = (uint32_t)json_int(wire, "frag_index");
    const cJSON *frames = cJSON_GetObjectItemCaseSensitive(wire, "frames_hex");
    const cJSON *first = cJSON_GetArrayItem(cases, 0);
    uint8_t img[4096];
    size_t len =
        unhex(cJSON_GetObjectItemCaseSensitive(first, "image_hex")->valuestring,
              img, sizeof(img));
    uint32_t s = (uint32_t)json_int(first, "frag_size");
    uint32_t r = (uint32_t)json_int(first, "redundancy");
    struct fec_matrix *mx = matrix((uint32_t)(len / s), r, FEC_CODEC_V1);
    uint32_t n = 0;
    const cJSON *fh;
    cJSON_ArrayForEach(fh, frames)
    {
        n++;
        uint8_t want[300], got[300];
        size_t wl = unhex(fh->valuestring, want, sizeof(want));
        assert_int_equal(wl, 3 + s);
        fec_frame_header(n, idx, got);
        assert_int_equal(fec_encode_fragment(mx, img, len, s, n, got + 3),
                         FEC_OK);
        assert_memory_equal(got, want, wl);
    }
    assert_int_equal(n, len / s + r);
    fec_matrix_free(mx);
    cJSON_Delete(doc);
}

/* ---------------------------------------------------------------------- */
/* Self-made cases against the reference encoder */

struct enc_case {
    size_t len;
    uint32_t s;
    uint32_t r;
};

static const struct enc_case enc_cases[] = {
    { 1, 1, 5 },     /* M = 1 */
    { 1, 255, 3 },   /* M = 1, one byte in a 255-byte fragment */
    { 2, 1, 6 },     /* M = 2 (power of two) */
    { 3, 2, 6 },     /* M = 2, padded */
    { 15, 10, 4 },   /* M = 2, padding 5 (vector c5 shape) */
    { 97, 10, 10 },  /* M = 10, padding 3 */
    { 100, 10, 10 }, /* M = 10 exact */
    { 448, 7, 20 },  /* M = 64 */
    { 449, 7, 20 },  /* M = 65 */
    { 127 * 9 + 1, 9, 30 },
    { 1000, 50, 40 },            /* M = 20 */
    { 513, 1, 100 },             /* M = 513 */
    { 1024 * 3, 3, 200 },        /* M = 1024 */
    { 2000 * 50 - 17, 50, 400 }, /* M = 2000, padding 17 */
    { 4096 * 2, 2, 64 },         /* M = 4096 */
    { 16000, 1, 383 },           /* M = 16000, M + R = 16383 */
};

static void check_against_reference(enum fec_codec codec)
{
    for (size_t c = 0; c < sizeof(enc_cases) / sizeof(enc_cases[0]); c++) {
        const struct enc_case *ec = &enc_cases[c];
        uint8_t *img = random_image(ec->len, 1000 + c);
        uint32_t m;
        uint8_t *want =
            ref_encode(img, ec->len, ec->s, ec->r, codec == FEC_CODEC_V2, &m);
        struct fec_matrix *mx = matrix(m, ec->r, codec);
        assert_int_equal(fec_matrix_m(mx), m);
        assert_int_equal(fec_matrix_rows(mx), ec->r);
        assert_int_equal(fec_matrix_codec(mx), codec);
        assert_int_equal(fec_matrix_words(mx), (m + 63) / 64);
        size_t total = (size_t)(m + ec->r) * ec->s;
        uint8_t *got = malloc(total);
        assert_non_null(got);
        assert_int_equal(fec_encode(mx, img, ec->len, ec->s, got, total - 1),
                         FEC_ERR_BUFFER);
        assert_int_equal(fec_encode(mx, img, ec->len, ec->s, got, total),
                         FEC_OK);
        assert_memory_equal(got, want, total);
        /* single fragments: first, last uncoded, first/last redundancy */
        uint32_t ns[] = { 1, m, m + 1, m + ec->r };
        uint8_t frag[256];
        for (size_t i = 0; i < 4; i++) {
            if (ns[i] > m + ec->r)
                continue;
            assert_int_equal(
                fec_encode_fragment(mx, img, ec->len, ec->s, ns[i], frag),
                FEC_OK);
            assert_memory_equal(frag, want + (size_t)(ns[i] - 1) * ec->s,
                                ec->s);
        }
        /* rows: at most floor(M/2) ones; exactly that many in v2 */
        uint8_t *line = malloc(m);
        assert_non_null(line);
        for (uint32_t k = 1; k <= ec->r; k++) {
            const uint64_t *row = fec_matrix_row(mx, k);
            ref_line(k, m, codec == FEC_CODEC_V2, line);
            uint32_t ones = 0;
            for (uint32_t i = 0; i < m; i++) {
                int bit = (int)((row[i / 64] >> (i % 64)) & 1);
                assert_int_equal(bit, line[i]);
                ones += (uint32_t)bit;
            }
            if ((m % 64) != 0)
                assert_int_equal(row[m / 64] >> (m % 64), 0);
            assert_true(ones <= m / 2);
            if (codec == FEC_CODEC_V2)
                assert_int_equal(ones, m / 2);
            uint64_t alone[256];
            assert_true((m + 63) / 64 <= 256);
            fec_matrix_line(k, m, codec, alone);
            assert_memory_equal(alone, row, ((m + 63) / 64) * 8);
        }
        free(line);
        free(got);
        free(want);
        free(img);
        fec_matrix_free(mx);
    }
}

static void test_encoder_matches_reference_v1(void **state)
{
    (void)state;
    check_against_reference(FEC_CODEC_V1);
}

static void test_encoder_matches_reference_v2(void **state)
{
    (void)state;
    check_against_reference(FEC_CODEC_V2);
}

static void test_v1_v2_differ(void **state)
{
    (void)state;
    /* The two readings are different codes (else the option is moot). */
    struct fec_matrix *a = matrix(100, 5, FEC_CODEC_V1);
    struct fec_matrix *b = matrix(100, 5, FEC_CODEC_V2);
    assert_memory_not_equal(fec_matrix_row(a, 1), fec_matrix_row(b, 1),
                            2 * sizeof(uint64_t));
    fec_matrix_free(a);
    fec_matrix_free(b);
}

static void test_matrix_shapes(void **state)
{
    (void)state;
    /* M = 1: every row is all zero. */
    struct fec_matrix *mx = matrix(1, 50, FEC_CODEC_V1);
    for (uint32_t k = 1; k <= 50; k++)
        assert_int_equal(fec_matrix_row(mx, k)[0], 0);
    assert_null(fec_matrix_row(mx, 0));
    assert_null(fec_matrix_row(mx, 51));
    fec_matrix_free(mx);
    /* M a power of two: the draw r = M is rejected, never out of range. */
    mx = matrix(64, 100, FEC_CODEC_V1);
    for (uint32_t k = 1; k <= 100; k++)
        assert_true(__builtin_popcountll(fec_matrix_row(mx, k)[0]) <= 32);
    fec_matrix_free(mx);
    /* Row density: ~0.39 M ones on average for v1. */
    mx = matrix(1000, 200, FEC_CODEC_V1);
    size_t ones = 0;
    for (uint32_t k = 1; k <= 200; k++)
        for (size_t w = 0; w < fec_matrix_words(mx); w++)
            ones += (size_t)__builtin_popcountll(fec_matrix_row(mx, k)[w]);
    double mean = (double)ones / 200.0 / 1000.0;
    assert_true(mean > 0.37 && mean < 0.41);
    fec_matrix_free(mx);
    /* Rows = 0 is a valid (uncoded only) matrix. */
    mx = matrix(5, 0, FEC_CODEC_V1);
    assert_null(fec_matrix_row(mx, 1));
    fec_matrix_free(mx);
}

static void test_matrix_errors(void **state)
{
    (void)state;
    struct fec_matrix *mx = (struct fec_matrix *)&mx;
    assert_int_equal(fec_matrix_new(0, 1, FEC_CODEC_V1, &mx), FEC_ERR_ARG);
    assert_null(mx);
    assert_int_equal(fec_matrix_new(10, 1, (enum fec_codec)7, &mx),
                     FEC_ERR_ARG);
    assert_int_equal(fec_matrix_new(16383, 1, FEC_CODEC_V1, &mx),
                     FEC_ERR_TOO_MANY_FRAGMENTS);
    assert_int_equal(fec_matrix_new(16384, 0, FEC_CODEC_V1, &mx),
                     FEC_ERR_TOO_MANY_FRAGMENTS);
    assert_int_equal(fec_matrix_new(16383, 0, FEC_CODEC_V1, &mx), FEC_OK);
    fec_matrix_free(mx);
    fec_matrix_free(NULL);
}

/* ---------------------------------------------------------------------- */
/* Session figures, frames, names */

static void test_session_plan(void **state)
{
    (void)state;
    struct {
        size_t len;
        uint32_t s, r;
        enum fec_status want;
        uint32_t m, pad;
    } t[] = {
        { 100, 10, 5, FEC_OK, 10, 0 },
        { 101, 10, 5, FEC_OK, 11, 9 },
        { 99, 10, 5, FEC_OK, 10, 1 },
        { 1, 1, 0, FEC_OK, 1, 0 },
        { 1, 255, 0, FEC_OK, 1, 254 },
        { 0, 10, 0, FEC_ERR_EMPTY_IMAGE, 0, 0 },
        { 10, 0, 0, FEC_ERR_FRAG_SIZE, 0, 0 },
        { 10, 256, 0, FEC_ERR_FRAG_SIZE, 0, 0 },
        { 16383, 1, 0, FEC_OK, 16383, 0 },
        { 16384, 1, 0, FEC_ERR_TOO_MANY_FRAGMENTS, 0, 0 },
        { 16000, 1, 383, FEC_OK, 16000, 0 },
        { 16000, 1, 384, FEC_ERR_TOO_MANY_FRAGMENTS, 0, 0 },
        { 16000, 1, 0xffffffffu, FEC_ERR_TOO_MANY_FRAGMENTS, 0, 0 },
        { (size_t)255 * 16383, 255, 0, FEC_OK, 16383, 0 },
        { (size_t)255 * 16383 + 1, 255, 0, FEC_ERR_TOO_MANY_FRAGMENTS, 0, 0 },
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        struct fec_session s = { 0 };
        assert_int_equal(fec_session_plan(t[i].len, t[i].s, t[i].r, &s),
                         t[i].want);
        if (t[i].want == FEC_OK) {
            assert_int_equal(s.nb_frag, t[i].m);
            assert_int_equal(s.padding, t[i].pad);
            assert_int_equal(s.frag_size, t[i].s);
            assert_int_equal(s.redundancy, t[i].r);
        }
    }
    assert_int_equal(fec_redundancy_from_percent(10, 50), 5);
    assert_int_equal(fec_redundancy_from_percent(100, 20), 20);
    assert_int_equal(fec_redundancy_from_percent(7, 10), 1);
    assert_int_equal(fec_redundancy_from_percent(11, 10), 2);
    assert_int_equal(fec_redundancy_from_percent(10, 0), 0);
    assert_int_equal(fec_redundancy_from_percent(3, 100), 3);
    /* The 64-bit forms, beyond one session (the plan and the fragments
     * message use them for figures above the limit). */
    assert_true(fec_uncoded_fragments(20000, 1) == 20000);
    assert_true(fec_uncoded_fragments(100000, 48) == 2084);
    assert_true(fec_uncoded_fragments(96, 48) == 2);
    assert_true(fec_uncoded_fragments(97, 48) == 3);
    assert_true(fec_uncoded_fragments(UINT64_C(1) << 40, 1) == UINT64_C(1)
                                                                   << 40);
    assert_true(fec_redundancy_ceil(20000, 50) == 10000);
    assert_true(fec_redundancy_ceil(16384, 1) == 164);
    assert_true(fec_redundancy_ceil(UINT64_C(1) << 30, 50) == UINT64_C(1)
                                                                  << 29);
    assert_true(fec_redundancy_ceil((UINT64_C(1) << 30) + 1, 50) ==
                (UINT64_C(1) << 29) + 1);
    assert_true(fec_redundancy_ceil(UINT64_C(1) << 40, 100) == UINT64_C(1)
                                                                   << 40);
    assert_true(fec_redundancy_ceil(0, 100) == 0);
    assert_true(fec_redundancy_ceil(1, 1) == 1);
    assert_true(fec_redundancy_ceil(100, 1) == 1);
    assert_true(fec_redundancy_ceil(101, 1) == 2);
}

static void test_frame_header(void **state)
{
    (void)state;
    uint8_t h[3];
    fec_frame_header(1, 1, h);
    assert_memory_equal(h, "\x08\x01\x40", 3);
    fec_frame_header(1, 0, h);
    assert_memory_equal(h, "\x08\x01\x00", 3);
    fec_frame_header(16383, 3, h);
    assert_memory_equal(h, "\x08\xff\xff", 3);
    fec_frame_header(256, 2, h);
    assert_memory_equal(h, "\x08\x00\x81", 3);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(fec_status_message(FEC_OK), "ok");
    assert_string_equal(fec_status_message(FEC_ERR_DEVICE_MEMORY),
                        "not enough memory");
    assert_string_equal(fec_status_message(FEC_ERR_TOO_MANY_LOST),
                        "too many lost fragments");
    assert_string_equal(fec_status_message((enum fec_status)999),
                        "unknown status");
    assert_string_equal(fec_push_message(FEC_PUSH_COMPLETED), "completed");
    assert_string_equal(fec_push_message(FEC_PUSH_FAILED_LOST),
                        "failed: too many lost fragments");
    assert_string_equal(fec_push_message((enum fec_push)999), "unknown status");
    enum fec_codec c = FEC_CODEC_V1;
    assert_true(fec_codec_parse("v2", &c));
    assert_int_equal(c, FEC_CODEC_V2);
    assert_true(fec_codec_parse("v1", &c));
    assert_int_equal(c, FEC_CODEC_V1);
    assert_false(fec_codec_parse("v3", &c));
    assert_false(fec_codec_parse("V1", &c));
    assert_false(fec_codec_parse("", &c));
    assert_false(fec_codec_parse(NULL, &c));
    assert_string_equal(fec_codec_name(FEC_CODEC_V2), "v2");
    assert_string_equal(fec_codec_name(FEC_CODEC_V1), "v1");
}

static void test_encoder_errors(void **state)
{
    (void)state;
    struct fec_matrix *mx = matrix(10, 2, FEC_CODEC_V1);
    uint8_t img[100] = { 0 }, out[2000];
    assert_int_equal(fec_encode(mx, img, 0, 10, out, sizeof(out)),
                     FEC_ERR_EMPTY_IMAGE);
    assert_int_equal(fec_encode(mx, img, 100, 0, out, sizeof(out)),
                     FEC_ERR_FRAG_SIZE);
    assert_int_equal(fec_encode(mx, img, 100, 256, out, sizeof(out)),
                     FEC_ERR_FRAG_SIZE);
    assert_int_equal(fec_encode(mx, img, 101, 10, out, sizeof(out)),
                     FEC_ERR_MISMATCH);
    assert_int_equal(fec_encode(mx, img, 90, 10, out, sizeof(out)),
                     FEC_ERR_MISMATCH);
    assert_int_equal(fec_encode(mx, img, 91, 10, out, sizeof(out)), FEC_OK);
    assert_int_equal(fec_encode(NULL, img, 100, 10, out, sizeof(out)),
                     FEC_ERR_ARG);
    assert_int_equal(fec_encode_fragment(mx, img, 100, 10, 0, out),
                     FEC_ERR_FRAGMENT);
    assert_int_equal(fec_encode_fragment(mx, img, 100, 10, 13, out),
                     FEC_ERR_FRAGMENT);
    assert_int_equal(fec_encode_fragment(mx, img, 100, 10, 12, out), FEC_OK);
    fec_matrix_free(mx);
}

/* ---------------------------------------------------------------------- */
/* Decoder contract */

struct fixture {
    struct fec_matrix *mx;
    uint8_t *img;
    size_t len;
    uint32_t s, m, r, pad;
    uint8_t *stream;
};

static void fixture_init(struct fixture *f, size_t len, uint32_t s, uint32_t r)
{
    struct fec_session ses;
    assert_int_equal(fec_session_plan(len, s, r, &ses), FEC_OK);
    f->len = len;
    f->s = s;
    f->r = r;
    f->m = ses.nb_frag;
    f->pad = ses.padding;
    f->img = random_image(len, len * 7 + s);
    f->mx = matrix(f->m, r, FEC_CODEC_V1);
    size_t total = (size_t)(f->m + r) * s;
    f->stream = malloc(total);
    assert_non_null(f->stream);
    assert_int_equal(fec_encode(f->mx, f->img, len, s, f->stream, total),
                     FEC_OK);
}

static void fixture_cleanup(struct fixture *f)
{
    fec_matrix_free(f->mx);
    free(f->img);
    free(f->stream);
}

static const uint8_t *frag_of(const struct fixture *f, uint32_t n)
{
    return f->stream + (size_t)(n - 1) * f->s;
}

static struct fec_decoder *decoder(const struct fixture *f, enum fec_mode mode)
{
    struct fec_decoder_opts o = {
        .matrix = f->mx, .mode = mode, .frag_size = f->s, .padding = f->pad
    };
    struct fec_decoder *d = NULL;
    assert_int_equal(fec_decoder_new(&o, &d), FEC_OK);
    return d;
}

static enum fec_push push(struct fec_decoder *d, const struct fixture *f,
                          uint32_t n)
{
    return fec_decoder_push(
        d, n, n >= 1 && n <= f->m + f->r ? frag_of(f, n) : f->stream);
}

static void test_decoder_new_errors(void **state)
{
    (void)state;
    struct fec_matrix *mx = matrix(10, 2, FEC_CODEC_V1);
    struct fec_decoder *d = (struct fec_decoder *)&d;
    struct fec_decoder_opts o = { .matrix = mx, .frag_size = 10 };
    o.matrix = NULL;
    assert_int_equal(fec_decoder_new(&o, &d), FEC_ERR_ARG);
    assert_null(d);
    o.matrix = mx;
    o.mode = (enum fec_mode)5;
    assert_int_equal(fec_decoder_new(&o, &d), FEC_ERR_ARG);
    o.mode = FEC_MODE_FULL;
    o.frag_size = 0;
    assert_int_equal(fec_decoder_new(&o, &d), FEC_ERR_FRAG_SIZE);
    o.frag_size = 256;
    assert_int_equal(fec_decoder_new(&o, &d), FEC_ERR_FRAG_SIZE);
    o.frag_size = 10;
    o.padding = 10;
    assert_int_equal(fec_decoder_new(&o, &d), FEC_ERR_PADDING);
    o.padding = 9;
    assert_int_equal(fec_decoder_new(&o, &d), FEC_OK);
    fec_decoder_free(d);
    fec_decoder_free(NULL);
    fec_matrix_free(mx);
    /* M = 1, S = 1: padding 0 only (padding 1 would be an empty image). */
    mx = matrix(1, 1, FEC_CODEC_V1);
    o.matrix = mx;
    o.frag_size = 1;
    o.padding = 1;
    assert_int_equal(fec_decoder_new(&o, &d), FEC_ERR_PADDING);
    fec_matrix_free(mx);
}

static void test_all_uncoded_in_order(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, 95, 10, 4); /* M = 10, padding 5 */
    struct fec_decoder *d = decoder(&f, FEC_MODE_FULL);
    size_t len = 1;
    assert_null(fec_decoder_image(d, &len));
    assert_int_equal(len, 0);
    assert_int_equal(fec_decoder_finish(d), FEC_ERR_INCOMPLETE);
    for (uint32_t n = 1; n < f.m; n++)
        assert_int_equal(push(d, &f, n), FEC_PUSH_STORED);
    assert_false(fec_decoder_completed(d));
    assert_int_equal(push(d, &f, f.m), FEC_PUSH_COMPLETED);
    assert_true(fec_decoder_completed(d));
    assert_int_equal(fec_decoder_finish(d), FEC_OK);
    const uint8_t *img = fec_decoder_image(d, &len);
    assert_non_null(img);
    assert_int_equal(len, 95);
    assert_memory_equal(img, f.img, 95);
    struct fec_progress p;
    fec_decoder_progress(d, &p);
    assert_true(p.completed);
    assert_int_equal(p.completed_at_fragment, f.m);
    assert_int_equal(p.received, f.m);
    assert_int_equal(p.lost, 0);
    assert_int_equal(p.needed, 0);
    /* Anything after completion is ignored. */
    assert_int_equal(push(d, &f, f.m + 1), FEC_PUSH_FINISHED);
    assert_int_equal(push(d, &f, 0), FEC_PUSH_FINISHED);
    fec_decoder_progress(d, &p);
    assert_int_equal(p.received, f.m);
    fec_decoder_free(d);
    fixture_cleanup(&f);
}

static void test_duplicates_range_order(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, 100, 10, 10); /* vector c1 shape */
    for (int mode = 0; mode < 2; mode++) {
        struct fec_decoder *d = decoder(&f, (enum fec_mode)mode);
        /* out of range on both sides */
        assert_int_equal(push(d, &f, 0), FEC_PUSH_OUT_OF_RANGE);
        assert_int_equal(push(d, &f, f.m + f.r + 1), FEC_PUSH_OUT_OF_RANGE);
        assert_int_equal(push(d, &f, 16384), FEC_PUSH_OUT_OF_RANGE);
        /* out of order: 5, 3, then duplicates of both */
        assert_int_equal(push(d, &f, 5), FEC_PUSH_STORED);
        struct fec_progress p;
        fec_decoder_progress(d, &p);
        assert_int_equal(p.lost, 4); /* 1..4 skipped */
        assert_int_equal(push(d, &f, 3), FEC_PUSH_STORED);
        fec_decoder_progress(d, &p);
        assert_int_equal(p.lost, 3);
        assert_int_equal(push(d, &f, 5), FEC_PUSH_DUPLICATE);
        assert_int_equal(push(d, &f, 3), FEC_PUSH_DUPLICATE);
        fec_decoder_progress(d, &p);
        assert_int_equal(p.received, 2);
        assert_false(p.lost_fixed);
        assert_int_equal(p.needed, 8);
        /* reverse order for the rest of the uncoded, skipping 1, 2 */
        for (uint32_t n = 10; n >= 6; n--)
            assert_int_equal(push(d, &f, n), FEC_PUSH_STORED);
        assert_int_equal(push(d, &f, 4), FEC_PUSH_STORED);
        fec_decoder_progress(d, &p);
        assert_int_equal(p.lost, 2);
        /* first redundancy: k=1 is zero on columns {0, 1} */
        assert_int_equal(push(d, &f, 11), FEC_PUSH_NO_RANK);
        fec_decoder_progress(d, &p);
        assert_true(p.lost_fixed);
        assert_int_equal(p.lost, 2);
        assert_int_equal(p.rank, 0);
        assert_int_equal(push(d, &f, 11), FEC_PUSH_DUPLICATE);
        /* a late uncoded fragment is a unit equation */
        assert_int_equal(push(d, &f, 1), FEC_PUSH_STORED);
        fec_decoder_progress(d, &p);
        assert_int_equal(p.rank, 1);
        assert_int_equal(p.needed, 1);
        assert_int_equal(push(d, &f, 1), FEC_PUSH_DUPLICATE);
        /* k=3 covers column 1 */
        assert_int_equal(push(d, &f, 13), FEC_PUSH_COMPLETED);
        fec_decoder_progress(d, &p);
        assert_int_equal(p.completed_at_fragment, 13);
        assert_int_equal(p.received, 11);
        if (mode == FEC_MODE_FULL) {
            size_t len;
            const uint8_t *img = fec_decoder_image(d, &len);
            assert_non_null(img);
            assert_int_equal(len, 100);
            assert_memory_equal(img, f.img, 100);
        } else {
            assert_null(fec_decoder_image(d, NULL));
        }
        fec_decoder_free(d);
    }
    fixture_cleanup(&f);
}

/*
 * Non-MDS, by hand (M = 10, rows of vector c1): lose fragments 1 and 2.
 * Restricted to columns {0, 1}: k=1 -> 00, k=2 -> 10, k=3 -> 01,
 * k=4 -> 11. Receiving k=1 and k=2 is as many redundancy fragments as lost,
 * yet rank 1: not complete. k=4 then completes.
 */
static void test_not_mds(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, 100, 10, 10);
    for (int mode = 0; mode < 2; mode++) {
        struct fec_decoder *d = decoder(&f, (enum fec_mode)mode);
        for (uint32_t n = 3; n <= 10; n++)
            assert_int_equal(push(d, &f, n), FEC_PUSH_STORED);
        assert_int_equal(push(d, &f, 11), FEC_PUSH_NO_RANK);
        assert_int_equal(push(d, &f, 12), FEC_PUSH_STORED);
        struct fec_progress p;
        fec_decoder_progress(d, &p);
        assert_int_equal(p.lost, 2);
        assert_int_equal(p.received_redundancy, 2);
        assert_int_equal(p.rank, 1);
        assert_false(p.completed);
        /* the stream ends here: cannot complete */
        assert_int_equal(fec_decoder_finish(d), FEC_ERR_INCOMPLETE);
        assert_null(fec_decoder_image(d, NULL));
        assert_int_equal(push(d, &f, 14), FEC_PUSH_COMPLETED);
        if (mode == FEC_MODE_FULL) {
            size_t len;
            const uint8_t *img = fec_decoder_image(d, &len);
            assert_non_null(img);
            assert_memory_equal(img, f.img, 100);
        }
        fec_decoder_free(d);
    }
    fixture_cleanup(&f);
}

static void test_m1_cannot_repair(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, 7, 10, 20); /* M = 1 */
    struct fec_decoder *d = decoder(&f, FEC_MODE_FULL);
    for (uint32_t n = 2; n <= 21; n++)
        assert_int_equal(push(d, &f, n), FEC_PUSH_NO_RANK);
    assert_int_equal(fec_decoder_finish(d), FEC_ERR_INCOMPLETE);
    /* the uncoded fragment still arrives late: a unit equation completes */
    assert_int_equal(push(d, &f, 1), FEC_PUSH_COMPLETED);
    size_t len;
    const uint8_t *img = fec_decoder_image(d, &len);
    assert_int_equal(len, 7);
    assert_memory_equal(img, f.img, 7);
    fec_decoder_reset(d);
    assert_int_equal(push(d, &f, 1), FEC_PUSH_COMPLETED);
    fec_decoder_free(d);
    fixture_cleanup(&f);
}

static void test_only_redundancy(void **state)
{
    (void)state;
    /* Every uncoded fragment lost: L = M, the redundancy alone decodes. */
    struct fixture f;
    fixture_init(&f, 16 * 20, 20, 60); /* M = 16 */
    struct fec_decoder *d = decoder(&f, FEC_MODE_FULL);
    enum fec_push last = FEC_PUSH_STORED;
    uint32_t n;
    for (n = f.m + 1; n <= f.m + f.r && last != FEC_PUSH_COMPLETED; n++)
        last = push(d, &f, n);
    assert_int_equal(last, FEC_PUSH_COMPLETED);
    struct fec_progress p;
    fec_decoder_progress(d, &p);
    assert_int_equal(p.lost, 16);
    assert_int_equal(p.rank, 16);
    assert_true(p.received >= 16);
    size_t len;
    const uint8_t *img = fec_decoder_image(d, &len);
    assert_non_null(img);
    assert_memory_equal(img, f.img, f.len);
    fec_decoder_free(d);
    fixture_cleanup(&f);
}

static void test_device_limits(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, 500, 10, 20); /* M = 50 */
    struct {
        uint32_t max_frag, max_size;
        enum fec_status want;
    } t[] = {
        { 50, 10, FEC_OK },
        { 49, 0, FEC_ERR_DEVICE_MEMORY },
        { 0, 9, FEC_ERR_DEVICE_MEMORY },
        { 0, 0, FEC_OK },
        { 51, 11, FEC_OK },
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        struct fec_decoder_opts o = { .matrix = f.mx,
                                      .mode = FEC_MODE_RANK,
                                      .frag_size = f.s,
                                      .max_fragments = t[i].max_frag,
                                      .max_frag_size = t[i].max_size };
        struct fec_decoder *d = NULL;
        assert_int_equal(fec_decoder_new(&o, &d), FEC_OK);
        struct fec_progress p;
        fec_decoder_progress(d, &p);
        assert_int_equal(p.failure, t[i].want);
        if (t[i].want == FEC_OK) {
            assert_int_equal(push(d, &f, 1), FEC_PUSH_STORED);
        } else {
            assert_int_equal(push(d, &f, 1), FEC_PUSH_FAILED_MEMORY);
            assert_int_equal(push(d, &f, 2), FEC_PUSH_FINISHED);
            assert_int_equal(fec_decoder_finish(d), FEC_ERR_DEVICE_MEMORY);
            /* reset keeps the limits: still failed */
            fec_decoder_reset(d);
            assert_int_equal(push(d, &f, 1), FEC_PUSH_FAILED_MEMORY);
        }
        fec_decoder_free(d);
    }
    /* max_lost = 3: 3 lost is fine, 4 fails (gap count before redundancy). */
    for (uint32_t lost = 2; lost <= 5; lost++) {
        struct fec_decoder_opts o = { .matrix = f.mx,
                                      .mode = FEC_MODE_FULL,
                                      .frag_size = f.s,
                                      .max_lost = 3 };
        struct fec_decoder *d = NULL;
        assert_int_equal(fec_decoder_new(&o, &d), FEC_OK);
        enum fec_push r = FEC_PUSH_STORED;
        for (uint32_t n = lost + 1; n <= f.m + f.r; n++) {
            r = push(d, &f, n);
            if (r != FEC_PUSH_STORED && r != FEC_PUSH_NO_RANK)
                break;
        }
        if (lost <= 3) {
            assert_int_equal(r, FEC_PUSH_COMPLETED);
        } else {
            assert_int_equal(r, FEC_PUSH_FAILED_LOST);
            struct fec_progress p;
            fec_decoder_progress(d, &p);
            assert_int_equal(p.failure, FEC_ERR_TOO_MANY_LOST);
            assert_int_equal(p.completed_at_fragment, 0);
            assert_int_equal(fec_decoder_finish(d), FEC_ERR_TOO_MANY_LOST);
        }
        fec_decoder_free(d);
    }
    /* Lost only at the end: counted when the first redundancy arrives. */
    for (uint32_t lost = 3; lost <= 4; lost++) {
        struct fec_decoder_opts o = { .matrix = f.mx,
                                      .mode = FEC_MODE_RANK,
                                      .frag_size = f.s,
                                      .max_lost = 3 };
        struct fec_decoder *d = NULL;
        assert_int_equal(fec_decoder_new(&o, &d), FEC_OK);
        for (uint32_t n = 1; n <= f.m - lost; n++)
            assert_int_equal(push(d, &f, n), FEC_PUSH_STORED);
        enum fec_push r = push(d, &f, f.m + 1);
        if (lost == 3)
            assert_true(r == FEC_PUSH_STORED || r == FEC_PUSH_NO_RANK);
        else
            assert_int_equal(r, FEC_PUSH_FAILED_LOST);
        fec_decoder_free(d);
    }
    fixture_cleanup(&f);
}

static void test_reset_reuse(void **state)
{
    (void)state;
    /* One decoder, many devices: each gets its own loss and the right
     * image, and a larger L after a smaller one grows the buffers. */
    struct fixture f;
    fixture_init(&f, 300 * 13 - 4, 13, 150); /* M = 300 */
    struct fec_decoder *d = decoder(&f, FEC_MODE_FULL);
    rng_state = 42;
    for (int dev = 0; dev < 12; dev++) {
        fec_decoder_reset(d);
        uint32_t pct = (uint32_t)(dev * 3); /* 0 .. 33 % loss */
        enum fec_push r = FEC_PUSH_STORED;
        for (uint32_t n = 1; n <= f.m + f.r && r != FEC_PUSH_COMPLETED; n++) {
            if (rng_next() % 100 < pct)
                continue;
            r = push(d, &f, n);
        }
        assert_int_equal(r, FEC_PUSH_COMPLETED);
        size_t len;
        const uint8_t *img = fec_decoder_image(d, &len);
        assert_int_equal(len, f.len);
        assert_memory_equal(img, f.img, f.len);
    }
    fec_decoder_free(d);
    fixture_cleanup(&f);
}

static void test_full_mode_null_payload(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, 100, 10, 2);
    struct fec_decoder *d = decoder(&f, FEC_MODE_FULL);
    assert_int_equal(fec_decoder_push(d, 1, NULL), FEC_PUSH_OUT_OF_RANGE);
    struct fec_progress p;
    fec_decoder_progress(d, &p);
    assert_int_equal(p.received, 0);
    fec_decoder_free(d);
    d = decoder(&f, FEC_MODE_RANK);
    assert_int_equal(fec_decoder_push(d, 1, NULL), FEC_PUSH_STORED);
    fec_decoder_free(d);
    fixture_cleanup(&f);
}

/* Per-device memory grows with L x L bits (L lost), not M x M. */
static void test_memory_scales_with_lost(void **state)
{
    (void)state;
    uint32_t m = 2000, r = 1200;
    struct fec_matrix *mx = matrix(m, r, FEC_CODEC_V1);
    size_t fp[3] = { 0 };
    uint32_t lost[3] = { 20, 200, 1000 };
    for (int i = 0; i < 3; i++) {
        struct fec_decoder_opts o = { .matrix = mx,
                                      .mode = FEC_MODE_RANK,
                                      .frag_size = 50 };
        struct fec_decoder *d = NULL;
        assert_int_equal(fec_decoder_new(&o, &d), FEC_OK);
        size_t before = fec_decoder_footprint(d);
        assert_true(before < 8 * 1024); /* O(M): bitmaps + 2 M index */
        for (uint32_t n = lost[i] + 1; n <= m + 1; n++)
            (void)fec_decoder_push(d, n, NULL);
        struct fec_progress p;
        fec_decoder_progress(d, &p);
        assert_int_equal(p.lost, lost[i]);
        fp[i] = fec_decoder_footprint(d) - before;
        /* ~ L x L / 8 bytes of equations and O(L) besides */
        size_t l = lost[i], bound = l * ((l + 63) / 64) * 8 + 64 * l + 256;
        assert_true(fp[i] <= bound);
        fec_decoder_free(d);
    }
    assert_true(fp[0] < fp[1] && fp[1] < fp[2]);
    assert_true(fp[1] < (size_t)m * m / 8 / 10); /* far below M x M bits */
    /* full mode adds the M x S image, padded to whole words */
    struct fec_decoder_opts o = { .matrix = mx,
                                  .mode = FEC_MODE_FULL,
                                  .frag_size = 50 };
    struct fec_decoder *d = NULL;
    assert_int_equal(fec_decoder_new(&o, &d), FEC_OK);
    size_t full = fec_decoder_footprint(d);
    assert_true(full >= (size_t)m * 56 && full < (size_t)m * 56 + 8 * 1024);
    fec_decoder_free(d);
    fec_matrix_free(mx);
}

/* One matrix, read by several threads' decoders at once (run under the
 * sanitizers, a write to it would show; the results must not depend on
 * the interleaving). */
struct thread_job {
    const struct fixture *f;
    uint64_t seed;
    uint32_t completed_at[16];
    int ok;
};

static void *thread_decode(void *arg)
{
    struct thread_job *job = arg;
    const struct fixture *f = job->f;
    struct fec_decoder_opts o = { .matrix = f->mx,
                                  .mode = FEC_MODE_FULL,
                                  .frag_size = f->s,
                                  .padding = f->pad };
    struct fec_decoder *d = NULL;
    if (fec_decoder_new(&o, &d) != FEC_OK)
        return NULL;
    uint64_t x = job->seed;
    job->ok = 1;
    for (int dev = 0; dev < 16; dev++) {
        fec_decoder_reset(d);
        for (uint32_t n = 1; n <= f->m + f->r; n++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            if ((x >> 33) % 100 < 15)
                continue;
            if (fec_decoder_push(d, n, f->stream + (size_t)(n - 1) * f->s) ==
                FEC_PUSH_COMPLETED)
                break;
        }
        struct fec_progress p;
        fec_decoder_progress(d, &p);
        job->completed_at[dev] = p.completed_at_fragment;
        size_t len = 0;
        const uint8_t *img = fec_decoder_image(d, &len);
        if (p.completed &&
            (!img || len != f->len || memcmp(img, f->img, len) != 0))
            job->ok = 0;
    }
    fec_decoder_free(d);
    return NULL;
}

static void test_shared_matrix_threads(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, 400 * 20 - 3, 20, 120); /* M = 400 */
    struct thread_job jobs[4], solo[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        memset(&jobs[i], 0, sizeof(jobs[i]));
        jobs[i].f = &f;
        jobs[i].seed = 100 + (uint64_t)i;
        solo[i] = jobs[i];
        assert_int_equal(pthread_create(&th[i], NULL, thread_decode, &jobs[i]),
                         0);
    }
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    for (int i = 0; i < 4; i++) {
        thread_decode(&solo[i]);
        assert_true(jobs[i].ok);
        assert_memory_equal(jobs[i].completed_at, solo[i].completed_at,
                            sizeof(solo[i].completed_at));
    }
    fixture_cleanup(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_public_vectors),
        cmocka_unit_test(test_extra_vectors),
        cmocka_unit_test(test_encoder_matches_reference_v1),
        cmocka_unit_test(test_encoder_matches_reference_v2),
        cmocka_unit_test(test_v1_v2_differ),
        cmocka_unit_test(test_matrix_shapes),
        cmocka_unit_test(test_matrix_errors),
        cmocka_unit_test(test_session_plan),
        cmocka_unit_test(test_frame_header),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_encoder_errors),
        cmocka_unit_test(test_decoder_new_errors),
        cmocka_unit_test(test_all_uncoded_in_order),
        cmocka_unit_test(test_duplicates_range_order),
        cmocka_unit_test(test_not_mds),
        cmocka_unit_test(test_m1_cannot_repair),
        cmocka_unit_test(test_only_redundancy),
        cmocka_unit_test(test_device_limits),
        cmocka_unit_test(test_reset_reuse),
        cmocka_unit_test(test_full_mode_null_payload),
        cmocka_unit_test(test_memory_scales_with_lost),
        cmocka_unit_test(test_shared_matrix_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
