/*
 * bench_fec: per-device TS004 decode time, rank-mode time, encode
 * throughput and peak memory. One thread. S = 50 bytes, 10 % i.i.d. loss on
 * every fragment, 20 % redundancy; each run is one device with its own
 * seeded loss pattern, decoding from the first fragment to completion on a
 * reused decoder (fec_decoder_reset, as a fleet does). Prints a Markdown
 * table; the median is over RUNS seeded runs.
 *   bench_fec [RUNS]   (default 101)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/fec.h"

static uint64_t rng_state;
static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void die(const char *what)
{
    fprintf(stderr, "bench_fec: %s\n", what);
    exit(1);
}

struct result {
    double median_ms, p90_ms, max_ms;
    unsigned completed, runs;
    double mean_lost;
    size_t footprint; /* decoder heap after the runs */
};

/* Decodes `runs` devices, each with its own loss pattern. */
static struct result bench_decode(uint32_t m, enum fec_mode mode, unsigned runs)
{
    const uint32_t s = 50;
    uint32_t r = fec_redundancy_from_percent(m, 20);
    size_t len = (size_t)m * s - 7;
    uint8_t *img = malloc(len);
    uint8_t *stream = malloc((size_t)(m + r) * s);
    uint32_t *seq = malloc((size_t)(m + r) * sizeof(uint32_t));
    double *ms = malloc(runs * sizeof(double));
    if (!img || !stream || !seq || !ms)
        die("out of memory");
    rng_state = 1;
    for (size_t i = 0; i < len; i++)
        img[i] = (uint8_t)rng_next();
    struct fec_matrix *mx = NULL;
    if (fec_matrix_new(m, r, FEC_CODEC_V1, &mx) != FEC_OK)
        die("matrix");
    if (fec_encode(mx, img, len, s, stream, (size_t)(m + r) * s) != FEC_OK)
        die("encode");
    struct fec_decoder_opts o = {
        .matrix = mx, .mode = mode, .frag_size = s, .padding = 7
    };
    struct fec_decoder *d = NULL;
    if (fec_decoder_new(&o, &d) != FEC_OK)
        die("decoder");
    struct result res = { .runs = runs };
    double lost_sum = 0;
    for (unsigned run = 0; run < runs; run++) {
        rng_state = 1000 + run;
        uint32_t count = 0;
        for (uint32_t n = 1; n <= m + r; n++)
            if (rng_next() % 1000 >= 100)
                seq[count++] = n;
        double t0 = now_ms();
        fec_decoder_reset(d);
        for (uint32_t i = 0; i < count; i++) {
            uint32_t n = seq[i];
            const uint8_t *p =
                mode == FEC_MODE_FULL ? stream + (size_t)(n - 1) * s : NULL;
            if (fec_decoder_push(d, n, p) == FEC_PUSH_COMPLETED)
                break;
        }
        ms[run] = now_ms() - t0;
        struct fec_progress pr;
        fec_decoder_progress(d, &pr);
        lost_sum += pr.lost;
        if (pr.completed) {
            res.completed++;
            if (mode == FEC_MODE_FULL) {
                size_t got = 0;
                const uint8_t *out = fec_decoder_image(d, &got);
                if (!out || got != len || memcmp(out, img, len) != 0)
                    die("decoded image differs");
            }
        }
    }
    qsort(ms, runs, sizeof(double), cmp_double);
    res.median_ms = ms[runs / 2];
    res.p90_ms = ms[(runs * 9) / 10];
    res.max_ms = ms[runs - 1];
    res.mean_lost = lost_sum / runs;
    res.footprint = fec_decoder_footprint(d);
    fec_decoder_free(d);
    fec_matrix_free(mx);
    free(ms);
    free(seq);
    free(stream);
    free(img);
    return res;
}

/* Encode throughput: image MB/s for the whole coded stream. */
static double bench_encode(uint32_t m, double *out_mbs)
{
    const uint32_t s = 50;
    uint32_t r = fec_redundancy_from_percent(m, 20);
    size_t len = (size_t)m * s, out_len = (size_t)(m + r) * s;
    uint8_t *img = malloc(len), *out = malloc(out_len);
    if (!img || !out)
        die("out of memory");
    rng_state = 7;
    for (size_t i = 0; i < len; i++)
        img[i] = (uint8_t)rng_next();
    struct fec_matrix *mx = NULL;
    if (fec_matrix_new(m, r, FEC_CODEC_V1, &mx) != FEC_OK)
        die("matrix");
    unsigned reps = 0;
    double t0 = now_ms(), t;
    do {
        if (fec_encode(mx, img, len, s, out, out_len) != FEC_OK)
            die("encode");
        reps++;
        t = now_ms() - t0;
    } while (t < 300 || reps < 5);
    fec_matrix_free(mx);
    free(img);
    free(out);
    double sec = t / 1e3;
    *out_mbs = (double)out_len * reps / sec / 1e6;
    return (double)len * reps / sec / 1e6;
}

static double bench_matrix(uint32_t m)
{
    uint32_t r = fec_redundancy_from_percent(m, 20);
    unsigned reps = 0;
    double t0 = now_ms(), t;
    do {
        struct fec_matrix *mx = NULL;
        if (fec_matrix_new(m, r, FEC_CODEC_V1, &mx) != FEC_OK)
            die("matrix");
        fec_matrix_free(mx);
        reps++;
        t = now_ms() - t0;
    } while (t < 200 || reps < 3);
    return t / reps;
}

static void row(const char *what, uint32_t m, const struct result *r,
                const char *target)
{
    printf("| %s | %u | %u | %.1f | %.3f | %.3f | %.3f | %u/%u | %.1f | %s "
           "|\n",
           what, m, fec_redundancy_from_percent(m, 20), r->mean_lost,
           r->median_ms, r->p90_ms, r->max_ms, r->completed, r->runs,
           (double)r->footprint / 1024.0, target);
}

int main(int argc, char **argv)
{
    unsigned runs = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 101;
    if (runs < 1)
        runs = 1;
    /* warm-up */
    (void)bench_decode(1000, FEC_MODE_FULL, 5);

    struct result f500 = bench_decode(500, FEC_MODE_FULL, runs);
    struct result f1000 = bench_decode(1000, FEC_MODE_FULL, runs);
    struct result f2000 = bench_decode(2000, FEC_MODE_FULL, runs);
    struct result r1000 = bench_decode(1000, FEC_MODE_RANK, runs);
    struct result r2000 = bench_decode(2000, FEC_MODE_RANK, runs);

    printf("Per device, one thread, S = 50 B, 10 %% i.i.d. loss, 20 %% "
           "redundancy, %u seeded runs (one device each, reused decoder); "
           "times in ms from the first fragment to completion. Decoder heap: "
           "what one device's decoder holds (the M x S image in full mode, "
           "L x L bits of equations, O(M) bookkeeping); the parity matrix is "
           "shared.\n\n",
           runs);
    printf("| mode | M | R | mean lost L | median | p90 | max | completed "
           "| decoder heap KiB | target (median) |\n");
    printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    row("full", 500, &f500, "");
    row("full", 1000, &f1000, "<= 1 ms");
    row("full", 2000, &f2000, "<= 2 ms");
    row("rank", 1000, &r1000, "");
    row("rank", 2000, &r2000, "<= 0.3 ms");

    double out1000, out2000;
    double enc1000 = bench_encode(1000, &out1000);
    double enc2000 = bench_encode(2000, &out2000);
    printf("\nEncode (whole coded stream, S = 50 B, 20 %% redundancy): "
           "M = 1000: %.0f MB/s of image (%.0f MB/s written); "
           "M = 2000: %.0f MB/s of image (%.0f MB/s written).\n",
           enc1000, out1000, enc2000, out2000);
    printf("\nParity matrix (computed once per session, shared): M = 1000: "
           "%.3f ms; M = 2000: %.3f ms.\n",
           bench_matrix(1000), bench_matrix(2000));

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("\nPeak memory of the whole benchmark process (getrusage "
           "maxrss): %ld KiB.\n",
           ru.ru_maxrss);
    return 0;
}
