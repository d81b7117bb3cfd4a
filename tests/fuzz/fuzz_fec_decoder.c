/*
 * libFuzzer target: the TS004 codec (core/fec) under arbitrary input.
 *
 * The first bytes choose the session: M (1..512), R (0..255), S (1..255),
 * flags (codec v1 / v2 / v2-lbm, garbage payloads, device limits, whether
 * to exercise the encoder with inconsistent arguments), padding and the
 * limits; the rest is a sequence of 2-byte fragment numbers (any value: 0,
 * duplicates, out of range, any order). Payloads are the true coded
 * fragments, or with the "garbage" flag bytes from the input.
 *
 * Checked: a full and a rank decoder run side by side and return the same
 * push results and progress; fec_decoder_finish agrees with the progress
 * after every push (FEC_OK exactly when completed, the failure when failed,
 * else FEC_ERR_INCOMPLETE with at least one more fragment needed and no
 * image); a completed full decode with true payloads gives back the image;
 * a reset replays the same way. The encoder and fec_decoder_new, given
 * arguments that contradict the matrix or each other, return exactly the
 * status their contract names (and write nothing out of bounds).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/fec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t take(const uint8_t **p, size_t *n)
{
    if (*n == 0)
        return 0;
    uint8_t v = **p;
    (*p)++;
    (*n)--;
    return v;
}

/* finish() must say what progress says. */
static void check_finish(const struct fec_decoder *dec)
{
    struct fec_progress pr;
    fec_decoder_progress(dec, &pr);
    enum fec_status st = fec_decoder_finish(dec);
    size_t got = 0;
    const uint8_t *img = fec_decoder_image(dec, &got);
    if (pr.completed) {
        if (st != FEC_OK || pr.failure != FEC_OK || pr.needed != 0)
            abort();
    } else if (pr.failure != FEC_OK) {
        if (st != pr.failure || img || got != 0)
            abort();
    } else if (st != FEC_ERR_INCOMPLETE || pr.needed == 0 || img || got != 0) {
        abort();
    }
}

/* The encoder's status for these arguments, from its contract alone. */
static enum fec_status encode_status(const struct fec_matrix *mx,
                                     const uint8_t *image, size_t len,
                                     uint32_t s, const uint8_t *out,
                                     size_t out_size, uint32_t n, int single)
{
    if (!mx || !image)
        return FEC_ERR_ARG;
    if (len == 0)
        return FEC_ERR_EMPTY_IMAGE;
    if (s == 0 || s > FEC_FRAG_SIZE_MAX)
        return FEC_ERR_FRAG_SIZE;
    if ((len + s - 1) / s != fec_matrix_m(mx))
        return FEC_ERR_MISMATCH;
    if (!out)
        return FEC_ERR_ARG;
    uint32_t total = fec_matrix_m(mx) + fec_matrix_rows(mx);
    if (single)
        return n == 0 || n > total ? FEC_ERR_FRAGMENT : FEC_OK;
    return out_size < (size_t)total * s ? FEC_ERR_BUFFER : FEC_OK;
}

/*
 * The encoder with an image length, fragment size, output size and
 * fragment number drawn from the input, often inconsistent with the
 * matrix; each output buffer is exactly as large as claimed, so a write
 * past it is caught by the sanitizer.
 */
static void encoder_arguments(const struct fec_matrix *mx, const uint8_t *img,
                              size_t img_len, const uint8_t **p, size_t *n)
{
    uint32_t total = fec_matrix_m(mx) + fec_matrix_rows(mx);
    for (int round = 0; round < 4 && *n >= 6; round++) {
        uint8_t how = take(p, n);
        uint32_t s = take(p, n) | (uint32_t)(how & 1) << 8; /* 0..511 */
        size_t len = img_len;
        if (how & 2) /* another length, 0 included */
            len = take(p, n) | (size_t)take(p, n) << 8;
        if (len > img_len)
            len = img_len;
        size_t out_size = (size_t)take(p, n) << 8 | take(p, n);
        if (how & 4 && s >= 1 && s <= FEC_FRAG_SIZE_MAX)
            out_size = (size_t)total * s - (how & 8 ? 1 : 0);
        uint32_t num = take(p, n) % (total + 2);
        const struct fec_matrix *use = (how & 16) ? NULL : mx;
        const uint8_t *image = (how & 32) ? NULL : img;
        uint8_t *out = malloc(out_size ? out_size : 1);
        if (!out)
            abort();
        uint8_t *dst = (how & 64) ? NULL : out;
        enum fec_status want =
            encode_status(use, image, len, s, dst, out_size, num, 0);
        if (fec_encode(use, image, len, s, dst, out_size) != want)
            abort();
        /* A single fragment: out must hold S bytes (given S is valid). */
        uint8_t *one = malloc(s >= 1 && s <= FEC_FRAG_SIZE_MAX ? s : 1);
        if (!one)
            abort();
        enum fec_status want1 = encode_status(
            use, image, len, s, (how & 64) ? NULL : one, 0, num, 1);
        if (fec_encode_fragment(use, image, len, s, num,
                                (how & 64) ? NULL : one) != want1)
            abort();
        /* When both worked, the fragment is the stream's. */
        if (want == FEC_OK && want1 == FEC_OK &&
            memcmp(one, out + (size_t)(num - 1) * s, s) != 0)
            abort();
        free(one);
        free(out);
    }
}

/* fec_decoder_new with options drawn from the input. */
static void decoder_arguments(const struct fec_matrix *mx, const uint8_t **p,
                              size_t *n)
{
    uint8_t how = take(p, n);
    uint32_t s = take(p, n) | (uint32_t)(how & 1) << 8;
    uint32_t padding = take(p, n) | (uint32_t)(how & 2) << 7;
    struct fec_decoder_opts o = {
        .matrix = (how & 4) ? NULL : mx,
        .mode = (enum fec_mode)((how >> 3) & 3), /* 2, 3: not a mode */
        .frag_size = s,
        .padding = padding,
    };
    enum fec_status want = FEC_OK;
    if (!o.matrix || (o.mode != FEC_MODE_FULL && o.mode != FEC_MODE_RANK))
        want = FEC_ERR_ARG;
    else if (s == 0 || s > FEC_FRAG_SIZE_MAX)
        want = FEC_ERR_FRAG_SIZE;
    else if (padding >= s || (uint64_t)fec_matrix_m(mx) * s <= padding)
        want = FEC_ERR_PADDING;
    struct fec_decoder *dec = (struct fec_decoder *)&o; /* must be reset */
    if (fec_decoder_new(&o, &dec) != want)
        abort();
    if ((want == FEC_OK) != (dec != NULL))
        abort();
    if (dec)
        check_finish(dec);
    fec_decoder_free(dec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data;
    size_t n = size;
    uint32_t m = 1 + (take(&p, &n) | ((uint32_t)(take(&p, &n) & 1) << 8));
    uint32_t r = take(&p, &n);
    uint32_t s = 1 + (take(&p, &n) % FEC_FRAG_SIZE_MAX); /* 1..255 */
    uint8_t flags = take(&p, &n);
    uint32_t padding = take(&p, &n) % s;
    if ((uint64_t)m * s <= padding)
        padding = 0;
    static const enum fec_codec codecs[4] = { FEC_CODEC_V1, FEC_CODEC_V2,
                                              FEC_CODEC_V2_LBM, FEC_CODEC_V1 };
    enum fec_codec codec = codecs[flags & 3];
    int garbage = (flags & 4) != 0;
    uint32_t max_lost = (flags & 8) ? take(&p, &n) : 0;
    uint32_t max_frags = (flags & 16) ? 1 + take(&p, &n) * 2u : 0;
    uint32_t max_size = (flags & 32) ? 1 + take(&p, &n) : 0;

    size_t len = (size_t)m * s - padding;
    uint8_t *img = malloc(len);
    uint8_t *stream = malloc((size_t)(m + r) * s);
    struct fec_matrix *mx = NULL;
    if (!img || !stream || fec_matrix_new(m, r, codec, &mx) != FEC_OK)
        abort();
    for (size_t i = 0; i < len; i++)
        img[i] = (uint8_t)(i * 131u + m);
    if (fec_encode(mx, img, len, s, stream, (size_t)(m + r) * s) != FEC_OK)
        abort();
    if (flags & 64) {
        encoder_arguments(mx, img, len, &p, &n);
        decoder_arguments(mx, &p, &n);
    }

    struct fec_decoder_opts o = { .matrix = mx,
                                  .mode = FEC_MODE_FULL,
                                  .frag_size = s,
                                  .padding = padding,
                                  .max_lost = max_lost,
                                  .max_fragments = max_frags,
                                  .max_frag_size = max_size };
    struct fec_decoder *full = NULL, *rank = NULL;
    if (fec_decoder_new(&o, &full) != FEC_OK)
        abort();
    o.mode = FEC_MODE_RANK;
    if (fec_decoder_new(&o, &rank) != FEC_OK)
        abort();
    check_finish(full);
    uint8_t junk[FEC_FRAG_SIZE_MAX];
    int completions = 0;
    enum fec_status ends[2];
    for (int round = 0; round < 2; round++) {
        const uint8_t *q = p;
        size_t left = n;
        while (left >= 2) {
            uint32_t num = take(&q, &left) | ((uint32_t)take(&q, &left) << 8);
            num %= m + r + 4; /* mostly in range, sometimes not, 0 too */
            const uint8_t *pl = stream;
            if (num >= 1 && num <= m + r)
                pl = stream + (size_t)(num - 1) * s;
            if (garbage) {
                for (uint32_t i = 0; i < s; i++)
                    junk[i] = left ? q[i % left] : (uint8_t)i;
                pl = junk;
            }
            enum fec_push a = fec_decoder_push(full, num, pl);
            enum fec_push b = fec_decoder_push(rank, num, NULL);
            if (a != b)
                abort();
            if (a == FEC_PUSH_COMPLETED)
                completions++;
            struct fec_progress pa, pb;
            fec_decoder_progress(full, &pa);
            fec_decoder_progress(rank, &pb);
            if (memcmp(&pa, &pb, sizeof(pa)) != 0)
                abort();
            if (pa.rank > pa.lost || pa.received > m + r ||
                pa.received != pa.received_uncoded + pa.received_redundancy)
                abort();
            check_finish(full);
            check_finish(rank);
        }
        size_t got = 0;
        const uint8_t *out = fec_decoder_image(full, &got);
        if (fec_decoder_completed(full)) {
            if (!out || got != len)
                abort();
            if (!garbage && memcmp(out, img, len) != 0)
                abort();
        } else if (out) {
            abort();
        }
        /* the stream has ended: complete, failed or incomplete */
        ends[round] = fec_decoder_finish(full);
        if (ends[round] != fec_decoder_finish(rank))
            abort();
        /* second round: the same sequence after a reset */
        fec_decoder_reset(full);
        fec_decoder_reset(rank);
        check_finish(full);
    }
    if (completions == 1 || ends[0] != ends[1])
        abort(); /* a reset replay must end exactly as the first run */
    fec_decoder_free(full);
    fec_decoder_free(rank);
    fec_matrix_free(mx);
    free(stream);
    free(img);
    return 0;
}
