#include "sim/session_log.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/backend.h"
#include "sim/store.h"

/* A session whose end line is still to come. */
struct pending {
    char id[BACKEND_ID_MAX + 1];
    int64_t end_ms;
    size_t devices;
    size_t counts[BACKEND_DEVICE_STATUS_COUNT];
};

struct session_log {
    FILE *out;
    int64_t (*clock)(void *ctx);
    void *clock_ctx;
    double time_scale;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct pending *items; /* sorted by end_ms */
    size_t count, cap;
    bool threaded, stop;
    pthread_t thread;
};

static int64_t real_ms(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *session_log_duration(int64_t ms, char *buf, size_t size)
{
    if (ms < 0)
        ms = 0;
    int64_t s = ms / 1000;
    if (ms < 1000)
        snprintf(buf, size, "%lld ms", (long long)ms);
    else if (ms < 60000)
        snprintf(buf, size, "%.1f s", (double)ms / 1000.0);
    else if (s < 3600)
        snprintf(buf, size, "%lld min %02lld s", (long long)(s / 60),
                 (long long)(s % 60));
    else
        snprintf(buf, size, "%lld h %02lld min %02lld s", (long long)(s / 3600),
                 (long long)(s / 60 % 60), (long long)(s % 60));
    return buf;
}

/* Prints and drops the sessions ended by now (lock held). */
static int64_t poll_locked(struct session_log *log, int64_t now)
{
    size_t done = 0;
    while (done < log->count && log->items[done].end_ms <= now) {
        const struct pending *p = &log->items[done++];
        if (log->out == NULL)
            continue;
        char line[1024];
        size_t o = 0;
        for (int st = 0; st < BACKEND_DEVICE_STATUS_COUNT; st++)
            if (p->counts[st] > 0 && o < sizeof(line))
                o += (size_t)snprintf(line + o, sizeof(line) - o, "%s%zu %s",
                                      o ? ", " : "", p->counts[st],
                                      backend_device_status_name(st));
        if (p->devices == 0)
            fprintf(log->out,
                    "fuota serve: task %s session ended (no "
                    "devices)\n",
                    p->id);
        else
            fprintf(log->out,
                    "fuota serve: task %s session ended: %s (%zu "
                    "device%s)\n",
                    p->id, line, p->devices, p->devices == 1 ? "" : "s");
    }
    if (done > 0) {
        memmove(log->items, log->items + done,
                (log->count - done) * sizeof(*log->items));
        log->count -= done;
        if (log->out != NULL)
            fflush(log->out);
    }
    return log->count > 0 ? log->items[0].end_ms : -1;
}

int64_t session_log_poll(struct session_log *log, int64_t now_ms)
{
    pthread_mutex_lock(&log->mu);
    int64_t next = poll_locked(log, now_ms);
    pthread_mutex_unlock(&log->mu);
    return next;
}

static void *log_main(void *arg)
{
    struct session_log *log = arg;
    pthread_mutex_lock(&log->mu);
    while (!log->stop) {
        int64_t now = log->clock(log->clock_ctx);
        int64_t next = poll_locked(log, now);
        /* Wake at the next end, and at least every second (the clock may
         * not be the real one). */
        int64_t wait = next < 0 ? 1000 : next - now;
        if (wait > 1000)
            wait = 1000;
        if (wait < 1)
            wait = 1;
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += wait / 1000;
        until.tv_nsec += (long)(wait % 1000) * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&log->cv, &log->mu, &until);
    }
    pthread_mutex_unlock(&log->mu);
    return NULL;
}

struct session_log *session_log_new(FILE *out, int64_t (*clock)(void *ctx),
                                    void *clock_ctx, double time_scale,
                                    bool threaded)
{
    struct session_log *log = calloc(1, sizeof(*log));
    if (log == NULL)
        return NULL;
    log->out = out;
    log->clock = clock ? clock : real_ms;
    log->clock_ctx = clock_ctx;
    log->time_scale = time_scale > 0 ? time_scale : 1.0;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&log->mu, NULL);
    pthread_cond_init(&log->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (threaded && pthread_create(&log->thread, NULL, log_main, log) != 0) {
        pthread_cond_destroy(&log->cv);
        pthread_mutex_destroy(&log->mu);
        free(log);
        return NULL;
    }
    log->threaded = threaded;
    return log;
}

void session_log_free(struct session_log *log)
{
    if (log == NULL)
        return;
    if (log->threaded) {
        pthread_mutex_lock(&log->mu);
        log->stop = true;
        pthread_cond_signal(&log->cv);
        pthread_mutex_unlock(&log->mu);
        pthread_join(log->thread, NULL);
    }
    pthread_cond_destroy(&log->cv);
    pthread_mutex_destroy(&log->mu);
    free(log->items);
    free(log);
}

void session_log_started(void *ctx, const struct store_session_summary *s)
{
    struct session_log *log = ctx;
    char begins[48], sim[48], real[48];
    int64_t wait = s->session_start_ms - s->started_ms;
    int64_t span = s->session_end_ms - s->session_start_ms;
    if (wait > 0) {
        char d[32];
        snprintf(begins, sizeof(begins), "in %s",
                 session_log_duration(wait, d, sizeof(d)));
    } else {
        snprintf(begins, sizeof(begins), "now");
    }
    session_log_duration(s->simulated_ms, sim, sizeof(sim));
    session_log_duration(span, real, sizeof(real));
    pthread_mutex_lock(&log->mu);
    if (log->out != NULL) {
        fprintf(log->out,
                "fuota serve: task %s started: session begins %s, lasts %s "
                "simulated (%s real at time scale %g), %zu device%s\n",
                s->task_id, begins, sim, real, log->time_scale, s->devices,
                s->devices == 1 ? "" : "s");
        fflush(log->out);
    }
    if (log->count == log->cap) {
        size_t cap = log->cap ? log->cap * 2 : 8;
        struct pending *grown = realloc(log->items, cap * sizeof(*grown));
        if (grown == NULL) {
            pthread_mutex_unlock(&log->mu);
            return; /* the end line is lost, nothing else */
        }
        log->items = grown;
        log->cap = cap;
    }
    size_t at = log->count;
    while (at > 0 && log->items[at - 1].end_ms > s->session_end_ms)
        at--;
    memmove(log->items + at + 1, log->items + at,
            (log->count - at) * sizeof(*log->items));
    struct pending *p = &log->items[at];
    memset(p, 0, sizeof(*p));
    snprintf(p->id, sizeof(p->id), "%s", s->task_id);
    p->end_ms = s->session_end_ms;
    p->devices = s->devices;
    memcpy(p->counts, s->counts, sizeof(p->counts));
    log->count++;
    pthread_cond_signal(&log->cv);
    pthread_mutex_unlock(&log->mu);
}
