#include "core/fec.h"

#include <stdlib.h>
#include <string.h>

/*
 * Decoder layout (why it is fast):
 *  - Parity rows come from the shared matrix as 64-bit words; nothing is
 *    computed per device.
 *  - At the first redundancy fragment the L lost columns get a compact index
 *    0..L-1; every equation is restricted to those columns (L bits, W words)
 *    and eliminated against a pivot-indexed basis (basis row p has its lowest
 *    set bit at p), so one push costs O(popcount * W) word operations and no
 *    allocation.
 *  - Payload work is deferred to the fragment that completes the image: the
 *    raw payload of the t-th kept equation waits in the image slot of lost
 *    column t, and the solve (received-row XORs, then Gauss-Jordan over the
 *    L kept equations) runs once, word-wide, with rows padded to a multiple
 *    of 8 bytes. Devices that never complete never pay for payloads.
 */

static const char *const status_messages[] = {
#define X(id, msg) [id] = msg,
    FEC_STATUSES(X)
#undef X
};

static const char *const push_messages[] = {
#define X(id, msg) [id] = msg,
    FEC_PUSH_RESULTS(X)
#undef X
};

const char *fec_status_message(enum fec_status status)
{
    size_t i = (size_t)status;
    if (i >= sizeof(status_messages) / sizeof(status_messages[0]))
        return "unknown status";
    return status_messages[i];
}

const char *fec_push_message(enum fec_push result)
{
    size_t i = (size_t)result;
    if (i >= sizeof(push_messages) / sizeof(push_messages[0]))
        return "unknown status";
    return push_messages[i];
}

const char *fec_codec_name(enum fec_codec codec)
{
    return codec == FEC_CODEC_V2 ? "v2" : "v1";
}

bool fec_codec_parse(const char *text, enum fec_codec *out)
{
    if (!text)
        return false;
    if (strcmp(text, "v1") == 0) {
        *out = FEC_CODEC_V1;
        return true;
    }
    if (strcmp(text, "v2") == 0) {
        *out = FEC_CODEC_V2;
        return true;
    }
    return false;
}

/* ---------------------------------------------------------------------- */
/* Session figures */

enum fec_status fec_session_plan(size_t len, uint32_t frag_size,
                                 uint32_t redundancy, struct fec_session *out)
{
    if (len == 0)
        return FEC_ERR_EMPTY_IMAGE;
    if (frag_size == 0 || frag_size > FEC_FRAG_SIZE_MAX)
        return FEC_ERR_FRAG_SIZE;
    size_t m = len / frag_size + (len % frag_size != 0);
    if (m > FEC_FRAGMENTS_MAX || redundancy > FEC_FRAGMENTS_MAX - m)
        return FEC_ERR_TOO_MANY_FRAGMENTS;
    out->nb_frag = (uint32_t)m;
    out->frag_size = frag_size;
    out->padding = (uint32_t)(m * frag_size - len);
    out->redundancy = redundancy;
    return FEC_OK;
}

uint32_t fec_redundancy_from_percent(uint32_t m, uint32_t percent)
{
    uint64_t p = (uint64_t)m * percent;
    return (uint32_t)((p + 99) / 100);
}

void fec_frame_header(uint32_t n, uint32_t frag_index, uint8_t out[3])
{
    uint32_t v = (n & 0x3fffu) | ((frag_index & 3u) << 14);
    out[0] = FEC_CID_DATA_FRAGMENT;
    out[1] = (uint8_t)(v & 0xffu);
    out[2] = (uint8_t)(v >> 8);
}

/* ---------------------------------------------------------------------- */
/* Parity matrix */

struct fec_matrix {
    uint32_t m;
    uint32_t rows;
    enum fec_codec codec;
    size_t words;
    uint64_t *bits; /* rows * words; row k at (k - 1) * words */
};

static size_t words_for(size_t bits)
{
    return (bits + 63) / 64;
}

static uint32_t prbs23(uint32_t x)
{
    return (x >> 1) | (((x ^ (x >> 5)) & 1u) << 22);
}

static bool is_power_of_two(uint32_t v)
{
    return v != 0 && (v & (v - 1)) == 0;
}

void fec_matrix_line(uint32_t k, uint32_t m, enum fec_codec codec,
                     uint64_t *out)
{
    size_t nw = words_for(m);
    memset(out, 0, nw * sizeof(*out));
    uint32_t mm = is_power_of_two(m) ? 1u : 0u;
    uint32_t draws = m / 2;
    uint32_t x = codec == FEC_CODEC_V2 ? 1u + 1001u * (m + k) : 1u + 1001u * k;
    for (uint32_t d = 0; d < draws;) {
        uint32_t r = 1u << 16;
        while (r >= m) {
            x = prbs23(x);
            r = x % (m + mm);
        }
        uint64_t bit = (uint64_t)1 << (r % 64);
        /* v2 draws are distinct: a repeat is redrawn. In v1 it is a no-op. */
        if (codec == FEC_CODEC_V2 && (out[r / 64] & bit))
            continue;
        out[r / 64] |= bit;
        d++;
    }
}

enum fec_status fec_matrix_new(uint32_t m, uint32_t rows, enum fec_codec codec,
                               struct fec_matrix **out)
{
    *out = NULL;
    if (m == 0 || (codec != FEC_CODEC_V1 && codec != FEC_CODEC_V2))
        return FEC_ERR_ARG;
    if (m > FEC_FRAGMENTS_MAX || rows > FEC_FRAGMENTS_MAX - m)
        return FEC_ERR_TOO_MANY_FRAGMENTS;
    struct fec_matrix *mx = calloc(1, sizeof(*mx));
    if (!mx)
        return FEC_ERR_NOMEM;
    mx->m = m;
    mx->rows = rows;
    mx->codec = codec;
    mx->words = words_for(m);
    if (rows > 0) {
        mx->bits = malloc((size_t)rows * mx->words * sizeof(uint64_t));
        if (!mx->bits) {
            free(mx);
            return FEC_ERR_NOMEM;
        }
        for (uint32_t k = 1; k <= rows; k++)
            fec_matrix_line(k, m, codec, mx->bits + (k - 1) * mx->words);
    }
    *out = mx;
    return FEC_OK;
}

void fec_matrix_free(struct fec_matrix *matrix)
{
    if (!matrix)
        return;
    free(matrix->bits);
    free(matrix);
}

uint32_t fec_matrix_m(const struct fec_matrix *matrix)
{
    return matrix->m;
}

uint32_t fec_matrix_rows(const struct fec_matrix *matrix)
{
    return matrix->rows;
}

enum fec_codec fec_matrix_codec(const struct fec_matrix *matrix)
{
    return matrix->codec;
}

size_t fec_matrix_words(const struct fec_matrix *matrix)
{
    return matrix->words;
}

const uint64_t *fec_matrix_row(const struct fec_matrix *matrix, uint32_t k)
{
    if (k == 0 || k > matrix->rows)
        return NULL;
    return matrix->bits + (size_t)(k - 1) * matrix->words;
}

/* ---------------------------------------------------------------------- */
/* Encoder */

/* dst ^= src over n bytes, 8 at a time where possible. */
static void xor_bytes(uint8_t *dst, const uint8_t *src, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t a, b;
        memcpy(&a, dst + i, 8);
        memcpy(&b, src + i, 8);
        a ^= b;
        memcpy(dst + i, &a, 8);
    }
    for (; i < n; i++)
        dst[i] ^= src[i];
}

static enum fec_status check_image(const struct fec_matrix *matrix,
                                   const uint8_t *image, size_t len,
                                   uint32_t frag_size)
{
    if (!matrix || !image)
        return FEC_ERR_ARG;
    if (len == 0)
        return FEC_ERR_EMPTY_IMAGE;
    if (frag_size == 0 || frag_size > FEC_FRAG_SIZE_MAX)
        return FEC_ERR_FRAG_SIZE;
    size_t m = len / frag_size + (len % frag_size != 0);
    if (m != matrix->m)
        return FEC_ERR_MISMATCH;
    return FEC_OK;
}

/* XOR of image row i (zero-padded) into dst. */
static void xor_image_row(uint8_t *dst, const uint8_t *image, size_t len,
                          size_t s, size_t i)
{
    size_t off = i * s;
    size_t n = len - off < s ? len - off : s;
    xor_bytes(dst, image + off, n);
}

enum fec_status fec_encode_fragment(const struct fec_matrix *matrix,
                                    const uint8_t *image, size_t len,
                                    uint32_t frag_size, uint32_t n,
                                    uint8_t *out)
{
    enum fec_status st = check_image(matrix, image, len, frag_size);
    if (st != FEC_OK)
        return st;
    if (!out)
        return FEC_ERR_ARG;
    if (n == 0 || n > matrix->m + matrix->rows)
        return FEC_ERR_FRAGMENT;
    memset(out, 0, frag_size);
    if (n <= matrix->m) {
        xor_image_row(out, image, len, frag_size, n - 1);
        return FEC_OK;
    }
    const uint64_t *row = fec_matrix_row(matrix, n - matrix->m);
    for (size_t w = 0; w < matrix->words; w++) {
        for (uint64_t x = row[w]; x; x &= x - 1) {
            size_t i = w * 64 + (size_t)__builtin_ctzll(x);
            xor_image_row(out, image, len, frag_size, i);
        }
    }
    return FEC_OK;
}

enum fec_status fec_encode(const struct fec_matrix *matrix,
                           const uint8_t *image, size_t len, uint32_t frag_size,
                           uint8_t *out, size_t out_size)
{
    enum fec_status st = check_image(matrix, image, len, frag_size);
    if (st != FEC_OK)
        return st;
    if (!out)
        return FEC_ERR_ARG;
    size_t s = frag_size;
    size_t m = matrix->m;
    size_t total = (m + matrix->rows) * s;
    if (out_size < total)
        return FEC_ERR_BUFFER;
    /* The uncoded part is the padded image; redundancy rows XOR from it. */
    memcpy(out, image, len);
    memset(out + len, 0, m * s - len);
    for (uint32_t k = 1; k <= matrix->rows; k++) {
        uint8_t *dst = out + (m + k - 1) * s;
        const uint64_t *row = fec_matrix_row(matrix, k);
        memset(dst, 0, s);
        for (size_t w = 0; w < matrix->words; w++) {
            for (uint64_t x = row[w]; x; x &= x - 1) {
                size_t i = w * 64 + (size_t)__builtin_ctzll(x);
                xor_bytes(dst, out + i * s, s);
            }
        }
    }
    return FEC_OK;
}

/* ---------------------------------------------------------------------- */
/* Decoder */

#define NO_INDEX 0xffffu

struct fec_decoder {
    struct fec_decoder_opts opts;
    const struct fec_matrix *mx;
    uint32_t m;     /* uncoded fragments */
    uint32_t total; /* M + matrix rows: highest valid N */
    uint32_t s;     /* fragment size */
    size_t sw;      /* slot stride in 64-bit words (S rounded up) */

    uint64_t *seen; /* bit n-1: fragment n accepted */
    size_t seen_words;
    uint64_t *lost_mask; /* M bits: lost at fixing (full and rank mode) */
    uint16_t *lost_idx;  /* M entries: compact index of a lost column */
    uint64_t *image;     /* full mode: M slots of sw words */

    /* Sized by cap (largest L so far), kept across resets. */
    size_t cap;
    size_t cap_words;
    uint16_t *lost_cols; /* L entries: column of compact index j */
    uint16_t *kept;      /* rank entries: N of the t-th kept equation */
    uint64_t *basis;     /* L rows of w words, pivot-indexed */
    uint64_t *pivots;    /* w words: basis row p present */
    uint64_t *scratch;   /* w words */

    /* Session state, cleared by reset. */
    uint32_t received, received_uncoded, received_redundancy;
    uint32_t highest_uncoded;
    bool fixed;
    uint32_t lost;
    size_t w; /* words per restricted row: ceil(L / 64) */
    uint32_t rank;
    bool completed;
    uint32_t completed_at;
    enum fec_status failure;
    bool terminal_reported;
    bool image_ready;
};

static bool limits_exceeded(const struct fec_decoder *dec)
{
    const struct fec_decoder_opts *o = &dec->opts;
    return (o->max_fragments && dec->m > o->max_fragments) ||
           (o->max_frag_size && dec->s > o->max_frag_size);
}

void fec_decoder_reset(struct fec_decoder *dec)
{
    memset(dec->seen, 0, dec->seen_words * sizeof(uint64_t));
    dec->received = 0;
    dec->received_uncoded = 0;
    dec->received_redundancy = 0;
    dec->highest_uncoded = 0;
    dec->fixed = false;
    dec->lost = 0;
    dec->w = 0;
    dec->rank = 0;
    dec->completed = false;
    dec->completed_at = 0;
    dec->failure = limits_exceeded(dec) ? FEC_ERR_DEVICE_MEMORY : FEC_OK;
    dec->terminal_reported = false;
    dec->image_ready = false;
}

enum fec_status fec_decoder_new(const struct fec_decoder_opts *opts,
                                struct fec_decoder **out)
{
    *out = NULL;
    if (!opts || !opts->matrix ||
        (opts->mode != FEC_MODE_FULL && opts->mode != FEC_MODE_RANK))
        return FEC_ERR_ARG;
    if (opts->frag_size == 0 || opts->frag_size > FEC_FRAG_SIZE_MAX)
        return FEC_ERR_FRAG_SIZE;
    const struct fec_matrix *mx = opts->matrix;
    if (opts->padding >= opts->frag_size ||
        (uint64_t)mx->m * opts->frag_size <= opts->padding)
        return FEC_ERR_PADDING;
    struct fec_decoder *dec = calloc(1, sizeof(*dec));
    if (!dec)
        return FEC_ERR_NOMEM;
    dec->opts = *opts;
    dec->mx = mx;
    dec->m = mx->m;
    dec->total = mx->m + mx->rows;
    dec->s = opts->frag_size;
    dec->sw = (opts->frag_size + 7) / 8;
    dec->seen_words = words_for(dec->total);
    dec->seen = malloc(dec->seen_words * sizeof(uint64_t));
    dec->lost_mask = malloc(words_for(dec->m) * sizeof(uint64_t));
    dec->lost_idx = malloc((size_t)dec->m * sizeof(uint16_t));
    bool ok = dec->seen && dec->lost_mask && dec->lost_idx;
    if (ok && opts->mode == FEC_MODE_FULL) {
        dec->image = malloc((size_t)dec->m * dec->sw * sizeof(uint64_t));
        ok = dec->image != NULL;
    }
    if (!ok) {
        fec_decoder_free(dec);
        return FEC_ERR_NOMEM;
    }
    fec_decoder_reset(dec);
    *out = dec;
    return FEC_OK;
}

void fec_decoder_free(struct fec_decoder *dec)
{
    if (!dec)
        return;
    free(dec->seen);
    free(dec->lost_mask);
    free(dec->lost_idx);
    free(dec->image);
    free(dec->lost_cols);
    free(dec->kept);
    free(dec->basis);
    free(dec->pivots);
    free(dec->scratch);
    free(dec);
}

static bool grow(struct fec_decoder *dec, size_t l, size_t w)
{
    (void)w; /* cap >= l implies words_for(cap) >= w */
    if (l <= dec->cap)
        return true;
    size_t cap = l;
    size_t cw = words_for(cap);
    size_t cap_words = cap * cw;
    uint16_t *lc = realloc(dec->lost_cols, cap * sizeof(uint16_t));
    if (lc)
        dec->lost_cols = lc;
    uint16_t *kp = realloc(dec->kept, cap * sizeof(uint16_t));
    if (kp)
        dec->kept = kp;
    uint64_t *b = realloc(dec->basis, cap_words * sizeof(uint64_t));
    if (b)
        dec->basis = b;
    uint64_t *pv = realloc(dec->pivots, cw * sizeof(uint64_t));
    if (pv)
        dec->pivots = pv;
    uint64_t *sc = realloc(dec->scratch, cw * sizeof(uint64_t));
    if (sc)
        dec->scratch = sc;
    if (!lc || !kp || !b || !pv || !sc)
        return false;
    dec->cap = cap;
    dec->cap_words = cap_words;
    return true;
}

static enum fec_push fail(struct fec_decoder *dec, enum fec_status why)
{
    dec->failure = why;
    dec->terminal_reported = true;
    switch (why) {
    case FEC_ERR_DEVICE_MEMORY:
        return FEC_PUSH_FAILED_MEMORY;
    case FEC_ERR_TOO_MANY_LOST:
        return FEC_PUSH_FAILED_LOST;
    default:
        return FEC_PUSH_FAILED_HOST;
    }
}

/* The first redundancy fragment: the lost set is fixed. */
static enum fec_status fix_lost(struct fec_decoder *dec)
{
    uint32_t l = dec->m - dec->received_uncoded;
    dec->lost = l;
    dec->fixed = true;
    if (dec->opts.max_lost && l > dec->opts.max_lost)
        return FEC_ERR_TOO_MANY_LOST;
    size_t w = words_for(l);
    if (!grow(dec, l, w))
        return FEC_ERR_NOMEM;
    dec->w = w;
    memset(dec->pivots, 0, w * sizeof(uint64_t));
    size_t mw = words_for(dec->m);
    uint32_t j = 0;
    for (size_t i = 0; i < mw; i++) {
        uint64_t x = ~dec->seen[i];
        if (i == mw - 1 && dec->m % 64)
            x &= ((uint64_t)1 << (dec->m % 64)) - 1;
        dec->lost_mask[i] = x;
        for (; x; x &= x - 1) {
            size_t col = i * 64 + (size_t)__builtin_ctzll(x);
            dec->lost_idx[col] = (uint16_t)j;
            dec->lost_cols[j++] = (uint16_t)col;
        }
    }
    return FEC_OK;
}

/* Equation of fragment n restricted to the lost columns, into out (w). */
static void restricted_row(const struct fec_decoder *dec, uint32_t n,
                           uint64_t *out)
{
    memset(out, 0, dec->w * sizeof(uint64_t));
    if (n <= dec->m) {
        uint32_t j = dec->lost_idx[n - 1];
        out[j / 64] |= (uint64_t)1 << (j % 64);
        return;
    }
    const uint64_t *row = fec_matrix_row(dec->mx, n - dec->m);
    size_t mw = dec->mx->words;
    for (size_t i = 0; i < mw; i++) {
        for (uint64_t x = row[i] & dec->lost_mask[i]; x; x &= x - 1) {
            uint32_t j = dec->lost_idx[i * 64 + (size_t)__builtin_ctzll(x)];
            out[j / 64] |= (uint64_t)1 << (j % 64);
        }
    }
}

static inline void xor_words(uint64_t *restrict dst,
                             const uint64_t *restrict src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] ^= src[i];
}

/* Reduces row against the basis; inserts it and returns true if it adds
 * rank. */
static bool reduce_insert(struct fec_decoder *dec, uint64_t *row)
{
    size_t w = dec->w;
    for (size_t i = 0; i < w; i++) {
        while (row[i]) {
            size_t p = i * 64 + (size_t)__builtin_ctzll(row[i]);
            uint64_t pbit = (uint64_t)1 << (p % 64);
            uint64_t *b = dec->basis + p * w;
            if (!(dec->pivots[i] & pbit)) {
                memcpy(b, row, w * sizeof(uint64_t));
                dec->pivots[i] |= pbit;
                return true;
            }
            xor_words(row + i, b + i, w - i);
        }
    }
    return false;
}

static uint64_t *slot(const struct fec_decoder *dec, size_t col)
{
    return dec->image + col * dec->sw;
}

/*
 * Full mode, rank reached L: kept equation t has its raw payload in the slot
 * of lost column t. Turn each into an equation over the lost columns only,
 * then Gauss-Jordan in place; row t ends as the unit row of column t, so
 * its slot holds the solution of lost column lost_cols[t].
 */
static void solve(struct fec_decoder *dec)
{
    size_t l = dec->lost, w = dec->w, sw = dec->sw, mw = dec->mx->words;
    uint64_t *rows = dec->basis; /* the basis is no longer needed */
    for (size_t t = 0; t < l; t++) {
        uint32_t n = dec->kept[t];
        uint64_t *dst = slot(dec, dec->lost_cols[t]);
        restricted_row(dec, n, rows + t * w);
        if (n <= dec->m)
            continue;
        const uint64_t *row = fec_matrix_row(dec->mx, n - dec->m);
        for (size_t i = 0; i < mw; i++) {
            for (uint64_t x = row[i] & ~dec->lost_mask[i]; x; x &= x - 1) {
                size_t col = i * 64 + (size_t)__builtin_ctzll(x);
                xor_words(dst, slot(dec, col), sw);
            }
        }
    }
    for (size_t c = 0; c < l; c++) {
        size_t cw = c / 64;
        uint64_t cbit = (uint64_t)1 << (c % 64);
        size_t r = c;
        while (!(rows[r * w + cw] & cbit))
            r++; /* exists: the rows are independent */
        if (r != c) {
            uint64_t *a = rows + r * w, *b = rows + c * w;
            for (size_t i = 0; i < w; i++) {
                uint64_t v = a[i];
                a[i] = b[i];
                b[i] = v;
            }
            uint64_t *pa = slot(dec, dec->lost_cols[r]);
            uint64_t *pb = slot(dec, dec->lost_cols[c]);
            for (size_t i = 0; i < sw; i++) {
                uint64_t v = pa[i];
                pa[i] = pb[i];
                pb[i] = v;
            }
        }
        const uint64_t *pr = rows + c * w;
        const uint64_t *pp = slot(dec, dec->lost_cols[c]);
        for (size_t q = 0; q < l; q++) {
            if (q == c || !(rows[q * w + cw] & cbit))
                continue;
            xor_words(rows + q * w, pr, w);
            xor_words(slot(dec, dec->lost_cols[q]), pp, sw);
        }
    }
}

/* Packs the slots to S bytes each: the caller sees plain bytes. */
static void pack(struct fec_decoder *dec)
{
    uint8_t *bytes = (uint8_t *)dec->image;
    if (dec->sw * 8 != dec->s) {
        for (size_t i = 1; i < dec->m; i++)
            memmove(bytes + i * dec->s, bytes + i * dec->sw * 8, dec->s);
    }
    dec->image_ready = true;
}

static enum fec_push complete(struct fec_decoder *dec, uint32_t n)
{
    if (dec->opts.mode == FEC_MODE_FULL) {
        if (dec->fixed)
            solve(dec);
        pack(dec);
    }
    dec->completed = true;
    dec->completed_at = n;
    dec->terminal_reported = true;
    return FEC_PUSH_COMPLETED;
}

/* One more equation over the lost columns (fragment n, payload). */
static enum fec_push equation(struct fec_decoder *dec, uint32_t n,
                              const uint8_t *payload)
{
    uint64_t *row = dec->scratch;
    restricted_row(dec, n, row);
    if (!reduce_insert(dec, row))
        return FEC_PUSH_NO_RANK;
    if (dec->opts.mode == FEC_MODE_FULL) {
        dec->kept[dec->rank] = (uint16_t)n;
        memcpy(slot(dec, dec->lost_cols[dec->rank]), payload, dec->s);
    }
    dec->rank++;
    if (dec->rank == dec->lost)
        return complete(dec, n);
    return FEC_PUSH_STORED;
}

enum fec_push fec_decoder_push(struct fec_decoder *dec, uint32_t n,
                               const uint8_t *payload)
{
    if (dec->completed || dec->failure != FEC_OK) {
        if (dec->terminal_reported)
            return FEC_PUSH_FINISHED;
        return fail(dec, dec->failure);
    }
    if (n == 0 || n > dec->total)
        return FEC_PUSH_OUT_OF_RANGE;
    if (dec->opts.mode == FEC_MODE_FULL && !payload)
        return FEC_PUSH_OUT_OF_RANGE;
    uint64_t bit = (uint64_t)1 << ((n - 1) % 64);
    uint64_t *seen = &dec->seen[(n - 1) / 64];
    if (*seen & bit)
        return FEC_PUSH_DUPLICATE;
    *seen |= bit;
    dec->received++;
    if (n <= dec->m) {
        dec->received_uncoded++;
        if (dec->fixed)
            return equation(dec, n, payload);
        if (dec->opts.mode == FEC_MODE_FULL)
            memcpy(slot(dec, n - 1), payload, dec->s);
        if (n > dec->highest_uncoded)
            dec->highest_uncoded = n;
        dec->lost = dec->highest_uncoded - dec->received_uncoded;
        if (dec->opts.max_lost && dec->lost > dec->opts.max_lost)
            return fail(dec, FEC_ERR_TOO_MANY_LOST);
        if (dec->received_uncoded == dec->m)
            return complete(dec, n);
        return FEC_PUSH_STORED;
    }
    dec->received_redundancy++;
    if (!dec->fixed) {
        enum fec_status st = fix_lost(dec);
        if (st != FEC_OK)
            return fail(dec, st);
    }
    return equation(dec, n, payload);
}

void fec_decoder_progress(const struct fec_decoder *dec,
                          struct fec_progress *out)
{
    memset(out, 0, sizeof(*out));
    out->received = dec->received;
    out->received_uncoded = dec->received_uncoded;
    out->received_redundancy = dec->received_redundancy;
    out->lost = dec->lost;
    out->lost_fixed = dec->fixed;
    out->rank = dec->rank;
    if (!dec->completed)
        out->needed =
            dec->fixed ? dec->lost - dec->rank : dec->m - dec->received_uncoded;
    out->completed = dec->completed;
    out->completed_at_fragment = dec->completed_at;
    out->failure = dec->failure;
}

bool fec_decoder_completed(const struct fec_decoder *dec)
{
    return dec->completed;
}

enum fec_status fec_decoder_finish(const struct fec_decoder *dec)
{
    if (dec->completed)
        return FEC_OK;
    if (dec->failure != FEC_OK)
        return dec->failure;
    return FEC_ERR_INCOMPLETE;
}

const uint8_t *fec_decoder_image(const struct fec_decoder *dec, size_t *len)
{
    if (!dec->image_ready) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = (size_t)dec->m * dec->s - dec->opts.padding;
    return (const uint8_t *)dec->image;
}
