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
 *  - Payload work is deferred to the fragment that completes the image.
 *    A kept equation's raw payload waits in the payload row of its pivot,
 *    with the set of basis rows its reduction used (L bits). The solve then
 *    replays the elimination on payloads only, in insertion order (received
 *    rows XORed out, used basis payloads XORed in), and back-substitutes.
 *    Every payload XOR is a gather into a register-held accumulator over
 *    rows padded to a multiple of 8 bytes. Devices that never complete
 *    never pay for payloads.
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

static const char *const codec_names[] = {
#define X(id, name) [id] = name,
    FEC_CODECS(X)
#undef X
};

const char *fec_codec_name(enum fec_codec codec)
{
    size_t i = (size_t)codec;
    if (i >= sizeof(codec_names) / sizeof(codec_names[0]))
        return "unknown codec";
    return codec_names[i];
}

bool fec_codec_parse(const char *text, enum fec_codec *out)
{
    if (!text)
        return false;
    for (size_t i = 0; i < sizeof(codec_names) / sizeof(codec_names[0]); i++)
        if (strcmp(text, codec_names[i]) == 0) {
            *out = (enum fec_codec)i;
            return true;
        }
    return false;
}

unsigned fec_codec_version(enum fec_codec codec)
{
    return codec == FEC_CODEC_V1 ? 1u : 2u;
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
    uint64_t m = fec_uncoded_fragments(len, frag_size);
    if (m > FEC_FRAGMENTS_MAX || redundancy > FEC_FRAGMENTS_MAX - m)
        return FEC_ERR_TOO_MANY_FRAGMENTS;
    out->nb_frag = (uint32_t)m;
    out->frag_size = frag_size;
    out->padding = (uint32_t)(m * frag_size - len);
    out->redundancy = redundancy;
    return FEC_OK;
}

uint64_t fec_uncoded_fragments(uint64_t len, uint32_t frag_size)
{
    return len / frag_size + (len % frag_size != 0);
}

uint64_t fec_redundancy_ceil(uint64_t m, uint32_t percent)
{
    uint64_t p = m * percent;
    return p / 100 + (p % 100 != 0);
}

uint32_t fec_redundancy_from_percent(uint32_t m, uint32_t percent)
{
    return (uint32_t)fec_redundancy_ceil(m, percent);
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

/*
 * TS004's generator: floor(x / 2) + (b0 xor b5) * 2^22. An addition, not a
 * bitwise OR: the seed 1 + 1001 * n passes 2^23 from n = 8381 on, and from
 * there x >> 1 can already have bit 22 set, so the sum carries into bit 23
 * (TS004 v1 and v2 text, LoRaMac-node, LoRa Basics Modem and ChirpStack all
 * add). x stays below 2^24: no overflow.
 */
static uint32_t prbs23(uint32_t x)
{
    return (x >> 1) + (((x ^ (x >> 5)) & 1u) << 22);
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
    /* v2 numbers its rows by the absolute fragment number N = M + k; v1
     * and LoRa Basics Modem's v2 by the redundancy index k. */
    uint32_t x = codec == FEC_CODEC_V2 ? 1u + 1001u * (m + k) : 1u + 1001u * k;
    bool distinct = codec != FEC_CODEC_V1;
    for (uint32_t d = 0; d < draws;) {
        uint32_t r = 1u << 16;
        while (r >= m) {
            x = prbs23(x);
            r = x % (m + mm);
        }
        uint64_t bit = (uint64_t)1 << (r % 64);
        /* v2 draws are distinct: a repeat is redrawn. In v1 it is a no-op. */
        if (distinct && (out[r / 64] & bit))
            continue;
        out[r / 64] |= bit;
        d++;
    }
}

enum fec_status fec_matrix_new(uint32_t m, uint32_t rows, enum fec_codec codec,
                               struct fec_matrix **out)
{
    *out = NULL;
    if (m == 0 || (size_t)codec >= FEC_CODEC_COUNT)
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
/* Word-wide gather: dst ^= XOR of the slots whose bit is set in row & mask */

/*
 * The slots are sw 64-bit words apart. Accumulating in a fixed block of at
 * most 8 words lets the compiler keep the block in registers: one load and
 * one XOR per source word instead of a read-modify-write of dst each time.
 * Wider slots take ceil(sw / 8) passes over the row bits.
 */
static inline __attribute__((always_inline)) void
gather_block(uint64_t *restrict dst, const uint64_t *restrict base,
             size_t stride, const uint64_t *row, const uint64_t *mask,
             bool invert, size_t mw, size_t width)
{
    uint64_t acc[8] = { 0 };
    for (size_t i = 0; i < mw; i++) {
        uint64_t x = row[i];
        if (mask)
            x &= invert ? ~mask[i] : mask[i];
        for (; x; x &= x - 1) {
            const uint64_t *src =
                base + (i * 64 + (size_t)__builtin_ctzll(x)) * stride;
#pragma GCC unroll 8
            for (size_t k = 0; k < width; k++)
                acc[k] ^= src[k];
        }
    }
#pragma GCC unroll 8
    for (size_t k = 0; k < width; k++)
        dst[k] ^= acc[k];
}

static void gather_xor(uint64_t *dst, const uint64_t *base, size_t sw,
                       const uint64_t *row, const uint64_t *mask, bool invert,
                       size_t mw)
{
    for (size_t off = 0; off < sw; off += 8) {
        size_t width = sw - off < 8 ? sw - off : 8;
        uint64_t *d = dst + off;
        const uint64_t *b = base + off;
        switch (width) {
#define GATHER_CASE(W)                                                         \
    case W:                                                                    \
        gather_block(d, b, sw, row, mask, invert, mw, W);                      \
        break;
            GATHER_CASE(1)
            GATHER_CASE(2)
            GATHER_CASE(3)
            GATHER_CASE(4)
            GATHER_CASE(5)
            GATHER_CASE(6)
            GATHER_CASE(7)
            GATHER_CASE(8)
#undef GATHER_CASE
        default:
            break;
        }
    }
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
    /* The uncoded part is the padded image. Redundancy rows gather from a
     * copy with rows padded to whole 64-bit words. */
    memcpy(out, image, len);
    memset(out + len, 0, m * s - len);
    if (matrix->rows == 0)
        return FEC_OK;
    size_t sw = (s + 7) / 8;
    uint64_t *rows = malloc((m * sw + sw) * sizeof(uint64_t));
    if (!rows)
        return FEC_ERR_NOMEM;
    uint64_t *acc = rows + m * sw;
    for (size_t i = 0; i < m; i++) {
        rows[i * sw + sw - 1] = 0;
        memcpy(rows + i * sw, out + i * s, s);
    }
    for (uint32_t k = 1; k <= matrix->rows; k++) {
        memset(acc, 0, sw * sizeof(uint64_t));
        gather_xor(acc, rows, sw, fec_matrix_row(matrix, k), NULL, false,
                   matrix->words);
        memcpy(out + (m + k - 1) * s, acc, s);
    }
    free(rows);
    return FEC_OK;
}

/* ---------------------------------------------------------------------- */
/* Decoder */

struct fec_decoder {
    struct fec_decoder_opts opts;
    const struct fec_matrix *mx;
    uint32_t m;     /* uncoded fragments */
    uint32_t total; /* M + matrix rows: highest valid N */
    uint32_t s;     /* fragment size */
    size_t sw;      /* payload row stride in 64-bit words (S rounded up) */

    uint64_t *seen; /* bit n-1: fragment n accepted */
    size_t seen_words;
    uint64_t *lost_mask; /* M bits: lost at fixing */
    uint16_t *lost_idx;  /* M entries: compact index of a lost column */
    uint64_t *image;     /* full mode: M rows of sw words */

    /* Sized by cap (largest L so far), kept across resets. */
    size_t cap;
    uint16_t *lost_cols; /* L: column of compact index j */
    uint64_t *basis;     /* L rows of w words, row p has lowest bit p */
    uint64_t *pivots;    /* w words: basis row p present */
    uint64_t *scratch;   /* w words: the equation being reduced */
    uint64_t *used_now;  /* w words: basis rows its reduction used */
    /* full mode only */
    uint64_t *used;  /* L rows of w words: used_now of the row at pivot p */
    uint16_t *kept;  /* L: N of the equation that made pivot p */
    uint16_t *order; /* L: pivots in insertion order */
    uint64_t *pay;   /* L rows of sw words: payload of pivot p */

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
    free(dec->basis);
    free(dec->pivots);
    free(dec->scratch);
    free(dec->used_now);
    free(dec->used);
    free(dec->kept);
    free(dec->order);
    free(dec->pay);
    free(dec);
}

size_t fec_decoder_footprint(const struct fec_decoder *dec)
{
    size_t b = sizeof(*dec);
    b += dec->seen_words * sizeof(uint64_t);
    b += words_for(dec->m) * sizeof(uint64_t) + dec->m * sizeof(uint16_t);
    if (dec->image)
        b += (size_t)dec->m * dec->sw * sizeof(uint64_t);
    if (dec->cap) {
        size_t cw = words_for(dec->cap), rows = dec->cap * cw;
        b += dec->cap * sizeof(uint16_t) + rows * sizeof(uint64_t) +
             3 * cw * sizeof(uint64_t);
        if (dec->opts.mode == FEC_MODE_FULL)
            b += rows * sizeof(uint64_t) + 2 * dec->cap * sizeof(uint16_t) +
                 dec->cap * dec->sw * sizeof(uint64_t);
    }
    return b;
}

/* realloc that keeps the old block on failure; false then. */
static bool resize(void **p, size_t bytes)
{
    void *q = realloc(*p, bytes ? bytes : 1);
    if (!q)
        return false;
    *p = q;
    return true;
}

/* Room for L = l lost columns (cap only grows, across resets). */
static bool grow(struct fec_decoder *dec, size_t l)
{
    if (l <= dec->cap)
        return true;
    size_t cw = words_for(l), rows = l * cw * sizeof(uint64_t);
    bool ok = resize((void **)&dec->lost_cols, l * sizeof(uint16_t)) &&
              resize((void **)&dec->basis, rows) &&
              resize((void **)&dec->pivots, cw * sizeof(uint64_t)) &&
              resize((void **)&dec->scratch, cw * sizeof(uint64_t)) &&
              resize((void **)&dec->used_now, cw * sizeof(uint64_t));
    if (ok && dec->opts.mode == FEC_MODE_FULL)
        ok = resize((void **)&dec->used, rows) &&
             resize((void **)&dec->kept, l * sizeof(uint16_t)) &&
             resize((void **)&dec->order, l * sizeof(uint16_t)) &&
             resize((void **)&dec->pay, l * dec->sw * sizeof(uint64_t));
    if (ok)
        dec->cap = l;
    return ok;
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
    if (!grow(dec, l))
        return FEC_ERR_NOMEM;
    size_t w = words_for(l);
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

/*
 * Reduces row against the basis. If something is left, it becomes basis
 * row p (its lowest bit) and p is returned; else -1. used (w words, or
 * NULL) collects the basis rows XORed in.
 */
static long reduce_insert(struct fec_decoder *dec, uint64_t *row,
                          uint64_t *used)
{
    size_t w = dec->w;
    if (used)
        memset(used, 0, w * sizeof(uint64_t));
    for (size_t i = 0; i < w; i++) {
        while (row[i]) {
            size_t p = i * 64 + (size_t)__builtin_ctzll(row[i]);
            uint64_t pbit = (uint64_t)1 << (p % 64);
            uint64_t *b = dec->basis + p * w;
            if (!(dec->pivots[i] & pbit)) {
                memcpy(b, row, w * sizeof(uint64_t));
                dec->pivots[i] |= pbit;
                return (long)p;
            }
            xor_words(row + i, b + i, w - i);
            if (used)
                used[i] |= pbit;
        }
    }
    return -1;
}

/*
 * Full mode, rank reached L. Basis row p = (equation kept[p]) + the basis
 * rows in used[p], all inserted before p. In insertion order: payload of p
 * = raw payload + received rows of its parity line + payloads of used rows.
 * Then back substitution from the highest pivot (basis row p has bits >= p
 * only): x_p = payload_p + x_q for every other bit q. x_p is lost column
 * lost_cols[p].
 */
static void solve(struct fec_decoder *dec)
{
    size_t l = dec->lost, w = dec->w, sw = dec->sw, mw = dec->mx->words;
    for (size_t t = 0; t < l; t++) {
        size_t p = dec->order[t];
        uint32_t n = dec->kept[p];
        uint64_t *dst = dec->pay + p * sw;
        if (n > dec->m)
            gather_xor(dst, dec->image, sw, fec_matrix_row(dec->mx, n - dec->m),
                       dec->lost_mask, true, mw);
        gather_xor(dst, dec->pay, sw, dec->used + p * w, NULL, false, w);
    }
    for (size_t p = l; p-- > 0;) {
        uint64_t *row = dec->basis + p * w; /* no longer needed: edit */
        row[p / 64] &= ~((uint64_t)1 << (p % 64));
        gather_xor(dec->pay + p * sw, dec->pay, sw, row, NULL, false, w);
        memcpy(dec->image + (size_t)dec->lost_cols[p] * sw, dec->pay + p * sw,
               sw * sizeof(uint64_t));
    }
}

/* Packs the rows to S bytes each: the caller sees plain bytes. */
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

/* Copies S payload bytes into a row of sw words (tail zeroed). */
static void store_row(uint64_t *dst, size_t sw, const uint8_t *payload,
                      size_t s)
{
    dst[sw - 1] = 0;
    memcpy(dst, payload, s);
}

/* One more equation over the lost columns (fragment n, payload). */
static enum fec_push equation(struct fec_decoder *dec, uint32_t n,
                              const uint8_t *payload)
{
    bool full = dec->opts.mode == FEC_MODE_FULL;
    uint64_t *row = dec->scratch;
    restricted_row(dec, n, row);
    long p = reduce_insert(dec, row, full ? dec->used_now : NULL);
    if (p < 0)
        return FEC_PUSH_NO_RANK;
    if (full) {
        size_t pp = (size_t)p;
        memcpy(dec->used + pp * dec->w, dec->used_now,
               dec->w * sizeof(uint64_t));
        dec->kept[pp] = (uint16_t)n;
        dec->order[dec->rank] = (uint16_t)pp;
        store_row(dec->pay + pp * dec->sw, dec->sw, payload, dec->s);
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
            store_row(dec->image + (size_t)(n - 1) * dec->sw, dec->sw, payload,
                      dec->s);
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
