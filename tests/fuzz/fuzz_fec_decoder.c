/*
 * libFuzzer target: arbitrary fragment sequences into the TS004 decoder.
 * The first bytes choose the session (M, R, S, padding, codec, limits); the
 * rest is a sequence of 2-byte fragment numbers (any value: 0, duplicates,
 * out of range, any order). Payloads are the true coded fragments, or with
 * the "garbage" flag bytes from the input. A full and a rank decoder run
 * side by side: they must return the same push results and progress, and a
 * completed full decode with true payloads must give back the image.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data;
    size_t n = size;
    uint32_t m = 1 + (take(&p, &n) | ((uint32_t)(take(&p, &n) & 1) << 8));
    uint32_t r = take(&p, &n);
    uint32_t s = 1 + (take(&p, &n) % 64);
    uint8_t flags = take(&p, &n);
    uint32_t padding = take(&p, &n) % s;
    if ((uint64_t)m * s <= padding)
        padding = 0;
    enum fec_codec codec = (flags & 1) ? FEC_CODEC_V2 : FEC_CODEC_V1;
    int garbage = (flags & 2) != 0;
    uint32_t max_lost = (flags & 4) ? take(&p, &n) : 0;
    uint32_t max_frags = (flags & 8) ? 1 + take(&p, &n) * 2u : 0;

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

    struct fec_decoder_opts o = { .matrix = mx,
                                  .mode = FEC_MODE_FULL,
                                  .frag_size = s,
                                  .padding = padding,
                                  .max_lost = max_lost,
                                  .max_fragments = max_frags };
    struct fec_decoder *full = NULL, *rank = NULL;
    if (fec_decoder_new(&o, &full) != FEC_OK)
        abort();
    o.mode = FEC_MODE_RANK;
    if (fec_decoder_new(&o, &rank) != FEC_OK)
        abort();
    uint8_t junk[64];
    int completions = 0;
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
        }
        size_t got = 0;
        const uint8_t *out = fec_decoder_image(full, &got);
        if (fec_decoder_completed(full)) {
            if (!out || got != len)
                abort();
            if (!garbage && memcmp(out, img, len) != 0)
                abort();
            if (fec_decoder_finish(full) != FEC_OK)
                abort();
        } else if (out) {
            abort();
        }
        /* second round: the same sequence after a reset */
        fec_decoder_reset(full);
        fec_decoder_reset(rank);
    }
    if (completions == 1)
        abort(); /* a reset replay must complete exactly as the first run */
    fec_decoder_free(full);
    fec_decoder_free(rank);
    fec_matrix_free(mx);
    free(stream);
    free(img);
    return 0;
}
