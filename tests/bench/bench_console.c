/*
 * The console's speed, measured from outside as an operator feels it: the
 * real binary runs on a pseudo-terminal (forkpty) and this program times
 *   start   exec to the first full frame (the key hints bar has arrived);
 *   key     a keystroke in the wizard to its redrawn frame (the typed
 *           character and the recomputed preview arrive in one update),
 *           with a request of M = 16383 fragments (1-byte fragments);
 *   rss     the console's peak resident memory (VmHWM) after the typing;
 *   floor   exec to exit of `fuota --version` on the same pseudo-terminal:
 *           the process start and the dynamic loading of the libraries
 *           (libcurl, libmicrohttpd and their TLS stacks...), which every
 *           start pays before the console's own code runs;
 * and, in process, the model's refresh alone (validate + plan) per
 * keystroke.
 * Usage: bench_console FUOTA REQUEST.json IMAGE [RUNS]   (default 20)
 * Prints "start_ms MEDIAN", "key_ms MEDIAN P90", "rss_kib N",
 * "floor_ms MEDIAN", "refresh_us MEDIAN".
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tui/model.h"

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

/* Output seen so far (a rolling window is enough for the markers). */
struct screen_out {
    char buf[1 << 16];
    size_t len;
};

/* Reads what the console wrote until `marker` shows or the deadline. */
static bool read_until(int fd, struct screen_out *o, const char *marker,
                       double deadline_ms)
{
    for (;;) {
        o->buf[o->len] = '\0';
        if (strstr(o->buf, marker))
            return true;
        double left = deadline_ms - now_ms();
        if (left <= 0)
            return false;
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, (int)left + 1) <= 0)
            continue;
        if (o->len > sizeof(o->buf) - 4096) {
            /* Keep the tail: markers are short. */
            memmove(o->buf, o->buf + o->len - 1024, 1024);
            o->len = 1024;
        }
        ssize_t n = read(fd, o->buf + o->len, sizeof(o->buf) - 1 - o->len);
        if (n <= 0)
            return false;
        o->len += (size_t)n;
    }
}

static pid_t spawn(const char *fuota, const char *request, const char *image,
                   const char *home, int *fd)
{
    struct winsize ws = { .ws_row = 40, .ws_col = 120 };
    pid_t pid = forkpty(fd, NULL, NULL, &ws);
    if (pid == 0) {
        setenv("TERM", "xterm", 1);
        setenv("LANG", "C.UTF-8", 1);
        setenv("HOME", home, 1);
        unsetenv("XDG_DATA_HOME");
        unsetenv("XDG_STATE_HOME");
        unsetenv("XDG_CONFIG_HOME");
        execl(fuota, fuota, "open", request, "--image", image, (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* exec to exit of `fuota --version` on a pseudo-terminal, in ms. */
static double version_ms(const char *fuota)
{
    struct winsize ws = { .ws_row = 40, .ws_col = 120 };
    int fd;
    double t0 = now_ms();
    pid_t pid = forkpty(&fd, NULL, NULL, &ws);
    if (pid == 0) {
        execl(fuota, fuota, "--version", (char *)NULL);
        _exit(127);
    }
    if (pid < 0)
        return -1;
    char buf[256];
    while (read(fd, buf, sizeof(buf)) > 0)
        ;
    int st;
    waitpid(pid, &st, 0);
    double ms = now_ms() - t0;
    close(fd);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? ms : -1;
}

static long peak_rss_kib(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long kib = -1;
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            kib = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kib;
}

static void stop(pid_t pid, int fd)
{
    kill(pid, SIGTERM);
    struct screen_out o = { .len = 0 };
    read_until(fd, &o, "\x01never", now_ms() + 200);
    waitpid(pid, NULL, 0);
    close(fd);
}

int main(int argc, char **argv)
{
    if (argc < 4)
        return 2;
    const char *fuota = argv[1], *request = argv[2], *image = argv[3];
    int runs = argc > 4 ? atoi(argv[4]) : 20;
    if (runs < 1 || runs > 1000)
        return 2;
    char home[] = "/tmp/fuota-bench-console-XXXXXX";
    if (!mkdtemp(home))
        return 1;

    double *start = calloc((size_t)runs, sizeof(double));
    double *key = calloc((size_t)runs * 20, sizeof(double));
    size_t nkeys = 0;
    long rss = 0;
    for (int r = 0; r < runs; r++) {
        int fd;
        double t0 = now_ms();
        pid_t pid = spawn(fuota, request, image, home, &fd);
        struct screen_out o = { .len = 0 };
        if (pid < 0 || !read_until(fd, &o, "Quit", t0 + 10000)) {
            fprintf(stderr,
                    "bench_console: no first frame (%zu bytes: ...%s)\n", o.len,
                    o.buf + (o.len > 300 ? o.len - 300 : 0));
            return 1;
        }
        start[r] = now_ms() - t0;
        /* Let a draft dialog (there is none with a fresh HOME) settle. */
        read_until(fd, &o, "\x01never", now_ms() + 50);
        /* Type into Name: each key refreshes validation and the plan. */
        for (int k = 0; k < 20; k++) {
            char c = (char)('a' + k);
            char marker[2] = { c, 0 };
            o.len = 0;
            double k0 = now_ms();
            if (write(fd, &c, 1) != 1)
                return 1;
            if (!read_until(fd, &o, marker, k0 + 5000)) {
                fprintf(stderr, "bench_console: key not echoed\n");
                return 1;
            }
            key[nkeys++] = now_ms() - k0;
            /* The rest of the frame is in the same write; drain it. */
            read_until(fd, &o, "\x01never", now_ms() + 5);
        }
        long kib = peak_rss_kib(pid);
        if (kib > rss)
            rss = kib;
        stop(pid, fd);
        /* The typing left a draft: the next start would offer it. */
        char draft[4200];
        snprintf(draft, sizeof(draft), "%s/.local/state/fuota/draft.json",
                 home);
        unlink(draft);
    }
    qsort(start, (size_t)runs, sizeof(double), cmp_double);
    qsort(key, nkeys, sizeof(double), cmp_double);
    printf("start_ms %.1f\n", start[runs / 2]);
    printf("key_ms %.2f %.2f\n", key[nkeys / 2], key[nkeys * 9 / 10]);
    printf("rss_kib %ld\n", rss);
    for (int r = 0; r < runs; r++) {
        start[r] = version_ms(fuota);
        if (start[r] < 0)
            return 1;
    }
    qsort(start, (size_t)runs, sizeof(double), cmp_double);
    printf("floor_ms %.1f\n", start[runs / 2]);

    /* In process: the model's refresh per keystroke at M = 16383. */
    struct model m;
    model_init(&m);
    char *text = NULL;
    size_t len = 0;
    FILE *f = fopen(request, "rb");
    if (f) {
        text = malloc(1 << 20);
        len = text ? fread(text, 1, (1 << 20) - 1, f) : 0;
        fclose(f);
    }
    struct fuota_task t;
    struct diag_list d;
    diag_list_init(&d);
    if (!text || !task_from_json(text, len, &t, &d) ||
        !model_load_task(&m, &t, NULL) ||
        !model_set_text(&m, F_PLAN_IMAGE, "16383"))
        return 1;
    double us[2000];
    for (int i = 0; i < 2000; i++) {
        char name[32];
        snprintf(name, sizeof(name), "bench-%d", i);
        double t0 = now_ms();
        if (!model_set_text(&m, F_NAME, name))
            return 1;
        model_refresh(&m);
        us[i] = (now_ms() - t0) * 1000.0;
    }
    qsort(us, 2000, sizeof(double), cmp_double);
    printf("refresh_us %.1f (M %llu)\n", us[1000],
           (unsigned long long)m.plan.uncoded_fragments);
    model_cleanup(&m);
    task_cleanup(&t);
    diag_list_cleanup(&d);
    free(text);
    free(start);
    free(key);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", home);
    return system(cmd) == 0 ? 0 : 1;
}
