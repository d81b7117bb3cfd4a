/*
 * bench_sweep: what-if sweep speed (sim/sweep) on the grid:
 * redundancy 0..100 step 5 x loss 0..30 step 5 (147 points) at M = 1000
 * (50,000-byte image in 50-byte fragments, EU868 DR5), i.i.d. loss.
 *
 *   bench_sweep [--trials T] [--threads T] [--runs K] [--burst B]
 *
 * Prints Markdown table rows: the median wall time of K runs of sweep_new +
 * sweep_run for T trials a point in one go, the same reached in steps
 * (100, then T: the planner's refinement), the CPU time of all threads
 * (what the work costs whatever else runs on the machine), and the device
 * trials per second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "sim/sweep.h"

static double clock_s(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One sweep to `trials`, in one step or two; returns the wall time (and
 * the CPU time of every thread in *cpu) or a negative value on failure. */
static double one(const struct sweep_params *p, uint64_t trials, bool steps,
                  uint64_t *checksum, double *cpu)
{
    char msg[256];
    const char *param;
    struct sweep *sw;
    double t0 = clock_s(CLOCK_MONOTONIC);
    double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    if (sweep_new(p, &sw, &param, msg, sizeof(msg)) != SWEEP_OK) {
        fprintf(stderr, "bench_sweep: %s: %s\n", param, msg);
        return -1.0;
    }
    if ((steps && sweep_run(sw, 100, NULL) != SWEEP_OK) ||
        sweep_run(sw, trials, NULL) != SWEEP_OK) {
        sweep_free(sw);
        return -1.0;
    }
    double t = clock_s(CLOCK_MONOTONIC) - t0;
    *cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    struct sweep_axes ax;
    sweep_axes(sw, &ax);
    *checksum = 0;
    for (size_t i = 0; i < ax.points; i++) {
        struct sweep_point pt;
        sweep_point(sw, i, &pt);
        *checksum = *checksum * 31 + pt.successes;
    }
    sweep_free(sw);
    return t;
}

int main(int argc, char **argv)
{
    long trials = 1000, threads = 0, runs = 5;
    double burst = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *o = argv[i], *v = argv[i + 1];
        if (!strcmp(o, "--trials"))
            trials = strtol(v, NULL, 10);
        else if (!strcmp(o, "--threads"))
            threads = strtol(v, NULL, 10);
        else if (!strcmp(o, "--runs"))
            runs = strtol(v, NULL, 10);
        else if (!strcmp(o, "--burst"))
            burst = strtod(v, NULL);
        else {
            fprintf(stderr, "bench_sweep: unknown option %s\n", o);
            return 2;
        }
    }
    if (runs < 1 || runs > 50 || trials < 100 || threads < 0)
        return 2;
    static const uint32_t size = 50;
    static const int dr = 5;
    struct sweep_params p;
    sweep_params_init(&p);
    p.image_bytes = 50000;
    p.fragment_sizes = &size;
    p.fragment_size_count = 1;
    p.drs = &dr;
    p.dr_count = 1;
    p.burst = burst;
    p.threads = (unsigned)threads;
    double go[50], step[50], cpu[50], unused;
    uint64_t sum_go = 0, sum_step = 0;
    for (long k = 0; k < runs; k++) {
        go[k] = one(&p, (uint64_t)trials, false, &sum_go, &cpu[k]);
        step[k] = one(&p, (uint64_t)trials, true, &sum_step, &unused);
        if (go[k] < 0 || step[k] < 0)
            return 1;
    }
    if (sum_go != sum_step) {
        fprintf(stderr, "bench_sweep: steps and one go differ\n");
        return 1;
    }
    qsort(go, (size_t)runs, sizeof(double), cmp_d);
    qsort(step, (size_t)runs, sizeof(double), cmp_d);
    qsort(cpu, (size_t)runs, sizeof(double), cmp_d);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double med = go[(runs - 1) / 2];
    printf("| %s | %ld | %ld | %.3f | %.3f | %.3f | %.0f | %.1f |\n",
           burst > 0 ? "bursts" : "i.i.d.", trials, threads, med,
           step[(runs - 1) / 2], cpu[(runs - 1) / 2],
           7.0 * (double)trials / med, (double)ru.ru_maxrss / 1024.0);
    fprintf(stderr, "bench_sweep: %ld runs, min %.3f s max %.3f s\n", runs,
            go[0], go[runs - 1]);
    return 0;
}
