/*
 * bench_fleet: the fleet simulator's speed and memory on the issue's
 * workload, and where the time goes.
 *
 *   bench_fleet [--mode full|rank] [--devices N] [--image-size N]
 *               [--fragment-size S] [--loss PCT] [--redundancy PCT]
 *               [--threads T] [--runs K]
 *
 * Prints one Markdown table row: the median wall time of K runs of
 * fleet_run(), peak RSS of the process (getrusage), then the work split,
 * in CPU seconds on one thread: a whole fleet_run() on one thread, of which
 * drawing every device's loss pattern and checking every fully decoded
 * device's image against the source (memcmp, what sim/fleet does), the
 * rest being the TS004 decoder. On stderr: what SHA-256 of every image
 * (the check sim/fleet made before) would cost on one thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <sodium.h>

#include "sim/fleet.h"
#include "sim/loss.h"

static double clock_s(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double now_s(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

/* CPU time of the process: what one thread spends, whatever else runs on
 * the machine. */
static double cpu_s(void)
{
    return clock_s(CLOCK_PROCESS_CPUTIME_ID);
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
    size_t checked = p.mode == FLEET_MODE_FULL ? r.completed : r.sampled;

    /* The same run on one thread, in CPU time ... */
    struct fleet_result one;
    p.threads = 1;
    double t0 = cpu_s();
    if (fleet_run(&p, &one, msg, sizeof(msg)) != FLEET_OK) {
        fprintf(stderr, "bench_fleet: %s\n", msg);
        return 1;
    }
    double t_one = cpu_s() - t0;
    fleet_result_cleanup(&one);

    /* ... of which every device's loss pattern ... */
    static struct loss_shared shared;
    uint32_t total = s.m + s.r;
    t0 = cpu_s();
    loss_shared_build(&shared, &p.loss, p.seed, total);
    size_t lost = 0;
    for (long d = 0; d < devices; d++) {
        struct loss_device ld;
        loss_device_init(&ld, &p.loss, p.seed, (uint64_t)d, -1.0);
        for (uint32_t n = 1; n <= total; n++)
            lost += loss_device_next(&ld, &shared, n);
    }
    double t_loss = cpu_s() - t0;
    /* ... and the check of every rebuilt image against the source (a copy
     * stands for a device's image). */
    uint8_t *rebuilt = malloc(s.image_bytes);
    if (!rebuilt)
        return 1;
    memcpy(rebuilt, image, s.image_bytes);
    size_t differ = 0;
    t0 = cpu_s();
    for (size_t d = 0; d < checked; d++) {
        /* A new image each time, as after decoding: nothing to hoist. */
        __asm__ volatile("" ::: "memory");
        differ += memcmp(rebuilt, image, s.image_bytes) != 0;
    }
    double t_check = cpu_s() - t0;
    /* What SHA-256 of every image would cost instead (stderr only). */
    unsigned char h[crypto_hash_sha256_BYTES];
    t0 = cpu_s();
    for (size_t d = 0; d < checked; d++)
        crypto_hash_sha256(h, rebuilt, s.image_bytes);
    double t_hash = cpu_s() - t0;
    free(rebuilt);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double t_decode = t_one - t_loss - t_check;
    printf("| %s | %ld | %u | %u | %u | %.3f | %.1f | %.2f | %.3f | %.3f | "
           "%.2f | %zu/%zu | %.2f |\n",
           mode, devices, r.threads, s.m, s.r, wall[(runs - 1) / 2],
           (double)ru.ru_maxrss / 1024.0, t_one, t_loss, t_check,
           t_decode > 0 ? t_decode : 0.0, r.completed, r.devices,
           (double)sum / (double)r.devices - s.m);
    fprintf(stderr,
            "bench_fleet: %ld runs, min %.3f s max %.3f s (lost %zu, %zu "
            "images checked, %zu differ); SHA-256 of those images instead: "
            "%.2f s on one thread\n",
            runs, wall[0], wall[runs - 1], lost, checked, differ, t_hash);
    size_t internal = r.internal_errors;
    fleet_result_cleanup(&r);
    free(image);
    return internal ? 1 : 0;
}
