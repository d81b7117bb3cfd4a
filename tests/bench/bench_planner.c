/*
 * bench_planner: the console's planner screen (tui/planner*), driven
 * in-process the way the console's loop drives it (every screen's tick,
 * the draw of the stack, one doupdate) on a real curses screen writing to
 * /dev/null, from the wizard with a request loaded.
 *
 *   bench_planner [--image-size N] [--fragment-size S] [--dr D]
 *                 [--runs R] [--cols C] [--lines L]
 *
 * Each run: F6 (tui_open_planner) and its first frame; frames, 1 ms
 * apart, until the chart shows the first stage (PL_FIRST_TRIALS trials a
 * point); then until every trial of the settings (1000 a point) is in the
 * chart; then Esc. Prints one Markdown table row with medians over the
 * runs: F6 to the first frame, to the first chart, to the full chart, and
 * the time to draw a full chart frame.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <curses.h>
#include <panel.h>

#include "tui/app.h"
#include "tui/planner.h"
#include "tui/ui.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_d);
    return n ? v[n / 2] : 0.0;
}

static char *xdup(const char *s)
{
    char *r = strdup(s);
    if (!r)
        exit(1);
    return r;
}

/* One turn of the console's loop. */
static void frame(struct tui *t)
{
    for (int i = t->depth - 1; i >= 0; i--)
        if (t->stack[i]->tick)
            t->stack[i]->tick(t);
    int base = t->depth - 1;
    while (base > 0 && t->stack[base]->overlay)
        base--;
    for (int i = base; i < t->depth; i++)
        t->stack[i]->draw(t);
    update_panels();
    doupdate();
}

static void nap(void)
{
    struct timespec ts = { 0, 1000000 };
    nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
    long image = 50000, size = 50, dr = 5, runs = 5, cols = 120, lines = 40;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *o = argv[i];
        long v = strtol(argv[i + 1], NULL, 10);
        if (!strcmp(o, "--image-size"))
            image = v;
        else if (!strcmp(o, "--fragment-size"))
            size = v;
        else if (!strcmp(o, "--dr"))
            dr = v;
        else if (!strcmp(o, "--runs"))
            runs = v;
        else if (!strcmp(o, "--cols"))
            cols = v;
        else if (!strcmp(o, "--lines"))
            lines = v;
        else {
            fprintf(stderr, "bench_planner: unknown option %s\n", o);
            return 2;
        }
    }
    if (image < 1 || size < 1 || runs < 1 || runs > 100 || cols < 80 ||
        lines < 24)
        return 2;

    if (!setlocale(LC_ALL, "C.UTF-8"))
        setlocale(LC_ALL, "");
    FILE *out = fopen("/dev/null", "w");
    FILE *in = fopen("/dev/null", "r");
    if (!out || !in || !newterm("xterm-256color", out, in)) {
        fprintf(stderr, "bench_planner: no curses screen\n");
        return 1;
    }
    resizeterm((int)lines, (int)cols);
    start_color();
    use_default_colors();
    ui_init_glyphs();
    struct theme th;
    theme_default(&th);
    theme_apply(&th, true);

    static struct tui_config cfg;
    struct tui *t = calloc(1, sizeof(*t));
    if (!t)
        return 1;
    t->cfg = &cfg;
    model_init(&t->model);
    t->lines = (int)lines;
    t->cols = (int)cols;
    layout_frame(t->lines, t->cols, &t->frame);
    t->header = newwin(1, t->cols, 0, 0);
    t->message = newwin(1, t->cols, t->lines - 2, 0);
    t->hints = newwin(1, t->cols, t->lines - 1, 0);

    /* The wizard with the request and its planning inputs. */
    struct fuota_task task;
    task_init(&task);
    task.name = xdup("bench");
    task.firmware_update_image = xdup("s3://fuota-bench/fw.bin");
    task.firmware_update_role = xdup("arn:aws:iam::123456789012:role/fuota");
    task.has_lorawan = true;
    task.rf_region = xdup("EU868");
    task.has_fragment_size_bytes = true;
    task.fragment_size_bytes = (int32_t)size;
    task.has_redundancy_percent = true;
    task.redundancy_percent = 20;
    char num[32];
    snprintf(num, sizeof(num), "%ld", image);
    if (!model_load_task(&t->model, &task, NULL) ||
        !model_set_text(&t->model, F_PLAN_IMAGE, num) ||
        !model_set_text(&t->model, F_PLAN_LOSS, "10"))
        return 1;
    model_set_dr(&t->model, (int)dr);
    model_refresh(&t->model);
    tui_push(t, &wizard_screen);
    frame(t);

    double f6[100], first[100], full[100], draw[100];
    uint64_t first_trials = 0, full_trials = 0;
    size_t losses = 0, reds = 0;
    uint32_t m = 0;
    for (long r = 0; r < runs; r++) {
        double t0 = now_ms();
        tui_open_planner(t);
        if (tui_top(t) != &planner_screen || !planner_job()) {
            fprintf(stderr, "bench_planner: the planner did not start: %s\n",
                    t->msg);
            return 1;
        }
        frame(t);
        f6[r] = now_ms() - t0;
        struct pl_job *job = planner_job();
        while (planner_stage_shown() == 0) {
            if (pl_job_phase(job) == PL_PHASE_FAILED) {
                fprintf(stderr, "bench_planner: %s\n", job->msg);
                return 1;
            }
            nap();
            frame(t);
        }
        first[r] = now_ms() - t0;
        const struct sweep *sw = pl_job_sweep(job);
        first_trials = sweep_trials(sw);
        while (pl_job_phase(job) != PL_PHASE_DONE ||
               planner_stage_shown() != sweep_stage(sw)) {
            if (pl_job_phase(job) == PL_PHASE_FAILED) {
                fprintf(stderr, "bench_planner: %s\n", job->msg);
                return 1;
            }
            nap();
            frame(t);
        }
        full[r] = now_ms() - t0;
        full_trials = sweep_trials(sw);
        struct sweep_axes ax;
        sweep_axes(sw, &ax);
        losses = ax.losses;
        reds = ax.redundancies;
        m = ax.m[0];
        /* A full chart frame: everything redrawn. */
        double d0 = now_ms();
        for (int k = 0; k < 20; k++) {
            tui_want_redraw(t);
            frame(t);
        }
        draw[r] = (now_ms() - d0) / 20.0;
        struct tui_input esc = { .key = 27 };
        tui_top(t)->handle(t, ACT_BACK, &esc);
        frame(t);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("| %ldx%ld | %ld B / %ld B, DR%ld (M = %u) | %zu x %zu | %.1f | "
           "%.0f (%llu trials) | %.0f (%llu trials) | %.2f | %.1f |\n",
           cols, lines, image, size, dr, (unsigned)m, losses, reds,
           median(f6, (size_t)runs), median(first, (size_t)runs),
           (unsigned long long)first_trials, median(full, (size_t)runs),
           (unsigned long long)full_trials, median(draw, (size_t)runs),
           (double)ru.ru_maxrss / 1024.0);
    fprintf(stderr,
            "bench_planner: %ld runs; first chart min %.0f max %.0f ms\n", runs,
            first[0], first[runs - 1]);

    while (t->depth > 0) {
        const struct tui_screen *sc = t->stack[--t->depth];
        if (sc->leave)
            sc->leave(t);
    }
    endwin();
    task_cleanup(&task);
    model_cleanup(&t->model);
    free(t);
    return 0;
}
