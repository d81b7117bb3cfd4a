/*
 * bench_playback: the console's playback view (tui/playback*) on the issue's
 * workload, driven in-process the way the console's loop drives it: the
 * screens' handle(), tick() and draw() on a real curses screen whose output
 * goes to /dev/null (so doupdate still works out and writes every change).
 *
 *   bench_playback [--devices N] [--image-size N] [--loss PCT]
 *                  [--cols C] [--lines L]
 *
 * EU868 DR0, 48-byte fragments, 20 % redundancy: 96,000 bytes make
 * M = 2000, R = 400. Prints one Markdown table row:
 *   size, the layout (grid or bars), F5 to the settings frame, Enter to
 *   the first live frame, Enter to the fleet being ready (fleet_run and
 *   the replay), the frame time (tick + draw + doupdate) over every
 *   position stepped one by one, without and with the device zoom, the
 *   frames per second that makes, a free-running playback at the fastest
 *   speed, and peak RSS (getrusage).
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
#include "tui/playback.h"
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

static char *xdup(const char *s)
{
    char *r = strdup(s);
    if (!r)
        exit(1);
    return r;
}

/* One turn of the console's loop: every screen's tick, then the screens
 * from the lowest visible one up, the panels, one doupdate. */
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

static void act(struct tui *t, enum tui_action a, int key)
{
    struct tui_input in = { .key = key };
    tui_top(t)->handle(t, a, &in);
}

static void type(struct tui *t, const char *text)
{
    act(t, ACT_CLEAR, 0);
    for (const char *p = text; *p; p++)
        act(t, ACT_TEXT, *p);
}

struct times {
    double median, p99, max, mean;
};

static void summarise(double *v, size_t n, struct times *out)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    qsort(v, n, sizeof(*v), cmp_d);
    out->median = v[n / 2];
    out->p99 = v[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1];
    out->max = v[n - 1];
    out->mean = sum / (double)n;
}

/* The report opens by itself at the end: close it. */
static void close_report(struct tui *t)
{
    if (tui_top(t) == &playback_report_screen)
        act(t, ACT_BACK, 27);
}

/* Steps through every position one fragment a frame; returns how many. */
static size_t step_all(struct tui *t, double *v, size_t max)
{
    size_t k = 0;
    uint32_t last = pbview_job()->result.sent;
    act(t, ACT_RESTART, 'r');
    act(t, ACT_PLAY, ' '); /* pause at 0 */
    while (pbview_position() < last && k < max) {
        double t0 = now_ms();
        act(t, ACT_STEP, '.');
        frame(t);
        v[k++] = now_ms() - t0;
    }
    close_report(t);
    return k;
}

int main(int argc, char **argv)
{
    long devices = 10000, image = 96000, cols = 120, lines = 40;
    const char *loss = "10";
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *o = argv[i], *v = argv[i + 1];
        if (!strcmp(o, "--devices"))
            devices = strtol(v, NULL, 10);
        else if (!strcmp(o, "--image-size"))
            image = strtol(v, NULL, 10);
        else if (!strcmp(o, "--loss"))
            loss = v;
        else if (!strcmp(o, "--cols"))
            cols = strtol(v, NULL, 10);
        else if (!strcmp(o, "--lines"))
            lines = strtol(v, NULL, 10);
        else {
            fprintf(stderr, "bench_playback: unknown option %s\n", o);
            return 2;
        }
    }
    if (devices < 1 || image < 1 || cols < 80 || lines < 24)
        return 2;

    /* The console's setup: a UTF-8 locale, a 256-colour terminal. */
    if (!setlocale(LC_ALL, "C.UTF-8"))
        setlocale(LC_ALL, "");
    FILE *out = fopen("/dev/null", "w");
    FILE *in = fopen("/dev/null", "r");
    if (!out || !in || !newterm("xterm-256color", out, in)) {
        fprintf(stderr, "bench_playback: no curses screen\n");
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

    struct fuota_task task;
    task_init(&task);
    task.name = xdup("bench");
    task.firmware_update_image = xdup("s3://fuota-bench/fw.bin");
    task.firmware_update_role = xdup("arn:aws:iam::123456789012:role/fuota");
    task.has_lorawan = true;
    task.rf_region = xdup("EU868");
    task.has_fragment_size_bytes = true;
    task.fragment_size_bytes = 48;
    task.has_redundancy_percent = true;
    task.redundancy_percent = 20;
    task.has_fragment_interval_ms = true;
    task.fragment_interval_ms = 1000;

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double rss_before = (double)ru.ru_maxrss / 1024.0;

    /* F5: the settings panel's first frame. */
    double t0 = now_ms();
    tui_open_playback(t, &task, (uint64_t)image, "bench");
    frame(t);
    double f5_ms = now_ms() - t0;
    if (tui_top(t) != &playback_settings_screen) {
        fprintf(stderr, "bench_playback: no settings screen\n");
        return 1;
    }
    /* The focus is on Devices (the image is given); Loss is two on. */
    char num[32];
    snprintf(num, sizeof(num), "%ld", devices);
    type(t, num);
    act(t, ACT_NEXT, '\t');
    act(t, ACT_NEXT, '\t');
    type(t, loss);
    /* The session (2400 fragments at DR0) is longer than a Class C
     * session: with the limit on every device would leave at fragment
     * 1173 and none would decode. Off, the whole session plays, the
     * workload this measures. Class C limit is seven fields on. */
    for (int i = 0; i < 7; i++)
        act(t, ACT_NEXT, '\t');
    act(t, ACT_LEFT, KEY_LEFT);

    /* Enter: the live view's first frame, then the fleet ready. */
    t0 = now_ms();
    act(t, ACT_START, '\r');
    if (tui_top(t) != &playback_screen) {
        fprintf(stderr, "bench_playback: not started: %s\n", t->msg);
        return 1;
    }
    frame(t);
    double first_ms = now_ms() - t0;
    struct pb_job *job = pbview_job();
    act(t, ACT_PLAY, ' '); /* pause: the clock waits at 0 */
    while (pbjob_phase(job) != PB_PHASE_READY) {
        if (pbjob_phase(job) == PB_PHASE_FAILED) {
            fprintf(stderr, "bench_playback: %s\n", job->msg);
            return 1;
        }
        frame(t);
        struct timespec nap = { 0, 1000000 };
        nanosleep(&nap, NULL);
    }
    frame(t);
    double ready_ms = now_ms() - t0;
    if (job->run.drop_count) {
        fprintf(stderr, "bench_playback: the Class C limit is still on\n");
        return 1;
    }
    const struct fleet_session *s = &job->run.session;
    if (s->m != 2000 && image == 96000)
        fprintf(stderr, "bench_playback: M = %u, not 2000\n", (unsigned)s->m);

    /* Every position, one frame each; then with the zoom open. */
    size_t max = (size_t)s->m + s->r + 1;
    double *v = malloc(max * sizeof(*v));
    if (!v)
        return 1;
    struct times plain, zoom;
    size_t n = step_all(t, v, max);
    summarise(v, n, &plain);
    act(t, ACT_ZOOM, '\r');
    size_t nz = step_all(t, v, max);
    summarise(v, nz, &zoom);
    act(t, ACT_BACK, 27);

    /* Free running at the fastest speed, no frame cap: how fast the
     * terminal is drawn while the clock plays. */
    act(t, ACT_RESTART, 'r');
    for (int i = 0; i < PB_SPEED_COUNT; i++)
        act(t, ACT_FASTER, '+');
    size_t free_frames = 0;
    t0 = now_ms();
    while (pbview_position() < job->result.sent && free_frames < 1000000) {
        frame(t);
        free_frames++;
    }
    double free_ms = now_ms() - t0;

    getrusage(RUSAGE_SELF, &ru);
    printf("| %ldx%ld | %s | %zu | %u | %.2f | %.2f | %.0f (%.0f) | %.3f | "
           "%.3f | %.0f | %.3f | %.0f | %.0f | %.1f | %.1f |\n",
           cols, lines, pbview_grid()->bars ? "bars" : "grid", (size_t)devices,
           (unsigned)s->m, f5_ms, first_ms, ready_ms, job->fleet_ms,
           plain.median, plain.p99, 1000.0 / plain.mean, zoom.median,
           1000.0 / zoom.mean, (double)free_frames * 1000.0 / free_ms,
           rss_before, (double)ru.ru_maxrss / 1024.0);
    fprintf(stderr,
            "bench_playback: %zu + %zu stepped frames, plain max %.3f ms, "
            "zoom max %.3f ms, %zu free frames in %.0f ms, job ready in "
            "%.0f ms (fleet_run %.0f ms)\n",
            n, nz, plain.max, zoom.max, free_frames, free_ms, job->ready_ms,
            job->fleet_ms);

    /* Leave as the console does. */
    while (t->depth > 0) {
        const struct tui_screen *sc = t->stack[--t->depth];
        if (sc->leave)
            sc->leave(t);
    }
    endwin();
    free(v);
    task_cleanup(&task);
    model_cleanup(&t->model);
    free(t);
    return 0;
}
