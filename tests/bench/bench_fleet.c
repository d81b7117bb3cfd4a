/*
 * bench_fleet: the fleet simulator's speed and memory on the issue's
 * workload, and what the fleet itself (not the decoder) costs.
 *
 *   bench_fleet [--mode full|rank] [--devices N] [--image-size N]
 *               [--fragment-size S] [--loss PCT] [--redundancy PCT]
 *               [--threads T] [--runs K]
 *
 * Prints one Markdown table row per measurement: the median wall time of K
 * runs, peak RSS of the process (getrusage), and the fleet overhead parts
 * measured on one thread: drawing every device's loss pattern, and
 * SHA-256 of every device's image.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <sodium.h>

#include "sim/fleet.h"
#include "sim/loss.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    const char *mode = "full";
    long devices = 10000, image_size = 100000, frag = 50, runs = 3;
    double loss = 10, red = 20;
    long threads = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *o = argv[i], *v = argv[i + 1];
        if (!strcmp(o, "--mode"))
            mode = v;
        else if (!strcmp(o, "--devices"))
            devices = strtol(v, NULL, 10);
        else if (!strcmp(o, "--image-size"))
            image_size = strtol(v, NULL, 10);
        else if (!strcmp(o, "--fragment-size"))
            frag = strtol(v, NULL, 10);
        else if (!strcmp(o, "--loss"))
            loss = strtod(v, NULL);
        else if (!strcmp(o, "--redundancy"))
            red = strtod(v, NULL);
        else if (!strcmp(o, "--threads"))
            threads = strtol(v, NULL, 10);
        else if (!strcmp(o, "--runs"))
            runs = strtol(v, NULL, 10);
        else {
            fprintf(stderr, "bench_fleet: unknown option %s\n", o);
            return 2;
        }
    }
    if (runs < 1 || runs > 50 || devices < 1 || sodium_init() < 0)
        return 2;
    struct fleet_session s;
    memset(&s, 0, sizeof(s));
    s.image_bytes = (uint64_t)image_size;
    s.fragment_size = (uint32_t)frag;
    s.redundancy_percent = (int)red;
    s.region = "EU868";
    s.dr = 5;
    s.interval_ms = 1000;
    s.time_on_air_us = 118016;
    char msg[256];
    if (!fleet_session_schedule(&s, msg, sizeof(msg))) {
        fprintf(stderr, "bench_fleet: %s\n", msg);
        return 2;
    }
    uint8_t *image = malloc(s.image_bytes);
    if (!image)
        return 1;
    fleet_generate_image(image, s.image_bytes, 1);
    struct fleet_params p;
    fleet_params_init(&p);
    p.session = &s;
    p.image = image;
    p.devices = (size_t)devices;
    p.loss.loss = loss / 100.0;
    p.mode = strcmp(mode, "rank") == 0 ? FLEET_MODE_RANK : FLEET_MODE_FULL;
    p.threads = (unsigned)threads;
    double wall[50];
    struct fleet_result r;
    for (long k = 0; k < runs; k++) {
        double t0 = now_s();
        if (fleet_run(&p, &r, msg, sizeof(msg)) != FLEET_OK) {
            fprintf(stderr, "bench_fleet: %s\n", msg);
            return 1;
        }
        wall[k] = now_s() - t0;
        if (k + 1 < runs)
            fleet_result_cleanup(&r);
    }
    qsort(wall, (size_t)runs, sizeof(double), cmp_d);
    uint64_t sum = 0;
    for (size_t d = 0; d < r.devices; d++)
        sum += r.dev[d].received;

    /* Fleet overhead, one thread: every device's loss pattern ... */
    static struct loss_shared shared;
    uint32_t total = s.m + s.r;
    double t0 = now_s();
    loss_shared_build(&shared, &p.loss, p.seed, total);
    size_t lost = 0;
    for (long d = 0; d < devices; d++) {
        struct loss_device ld;
        loss_device_init(&ld, &p.loss, p.seed, (uint64_t)d, -1.0);
        for (uint32_t n = 1; n <= total; n++)
            lost += loss_device_next(&ld, &shared, n);
    }
    double t_loss = now_s() - t0;
    /* ... and the image check of every fully decoding device. */
    size_t hashed = p.mode == FLEET_MODE_FULL ? (size_t)devices : r.sampled;
    unsigned char h[crypto_hash_sha256_BYTES];
    t0 = now_s();
    for (size_t d = 0; d < hashed; d++)
        crypto_hash_sha256(h, image, s.image_bytes);
    double t_hash = now_s() - t0;

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("| %s | %ld | %u | %u | %u | %.3f | %.1f | %.2f | %.2f | "
           "%zu/%zu | %.2f |\n",
           mode, devices, r.threads, s.m, s.r, wall[(runs - 1) / 2],
           (double)ru.ru_maxrss / 1024.0, t_loss, t_hash, r.completed,
           r.devices, (double)sum / (double)r.devices - s.m);
    fprintf(stderr, "bench_fleet: %ld runs, min %.3f s max %.3f s (lost %zu)\n",
            runs, wall[0], wall[runs - 1], lost);
    size_t internal = r.internal_errors;
    fleet_result_cleanup(&r);
    free(image);
    return internal ? 1 : 0;
}
