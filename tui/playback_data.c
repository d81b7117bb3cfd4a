#include "tui/playback_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/units.h"
#include "sim/loss.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* --- the replay --------------------------------------------------------- */

/* Device d is still listening when fragment n goes out (sim/events). */
static bool listening(const struct fleet_device_result *x, uint32_t n)
{
    return !pb_refused(x) && (x->done_at == 0 || n <= x->done_at);
}

size_t pb_replay(const struct fleet_params *p, const struct fleet_result *r,
                 struct pb_counts *counts, uint16_t *first_rx,
                 atomic_bool *cancel, atomic_size_t *progress)
{
    size_t devices = r->devices;
    uint32_t sent = r->sent;
    memset(first_rx, 0, devices * sizeof(*first_rx));
    struct loss_device *ld = calloc(devices ? devices : 1, sizeof(*ld));
    uint16_t *cnt = calloc(devices ? devices : 1, sizeof(*cnt));
    uint32_t *hist = calloc((size_t)r->total + 2, sizeof(*hist));
    struct loss_shared *shared = malloc(sizeof(*shared));
    size_t part = 0;
    if (!ld || !cnt || !hist || !shared)
        goto out;
    loss_shared_build(shared, &p->loss, p->seed, r->total);
    struct pb_counts c = { 0 };
    for (size_t d = 0; d < devices; d++) {
        if (pb_refused(&r->dev[d])) {
            c.failed++;
            continue;
        }
        loss_device_init(&ld[d], &p->loss, p->seed, d,
                         p->device_loss ? p->device_loss[d] : -1.0);
        part++;
    }
    c.waiting = (uint32_t)part;
    hist[0] = (uint32_t)part;
    counts[0] = c;
    /* Nearest-rank median (as sim/report): the smallest count with at
     * least half the devices at or below it. Counts only grow, so the
     * median and the minimum only move up: `below` is the number of
     * devices under `med`. */
    size_t rank = (part + 1) / 2;
    uint32_t med = 0, worst = 0;
    size_t below = 0;
    for (uint32_t n = 1; n <= sent; n++) {
        if (cancel && atomic_load(cancel)) {
            part = 0;
            goto out;
        }
        for (size_t d = 0; d < devices; d++) {
            const struct fleet_device_result *x = &r->dev[d];
            if (!listening(x, n))
                continue;
            /* Wrong keys: no fragment passes the check (sim/events). */
            bool lost = loss_device_next(&ld[d], shared, n) ||
                        x->fault == FAULT_MIC_ERROR;
            if (!lost) {
                if (!first_rx[d]) {
                    first_rx[d] = (uint16_t)n;
                    c.waiting--;
                    c.receiving++;
                }
                /* The fragment a device fails on is not counted as
                 * received (sim/fleet): cap at its total. */
                if (cnt[d] < x->received) {
                    uint32_t k = cnt[d]++;
                    hist[k]--;
                    hist[k + 1]++;
                    if (med > 0 && k == med - 1)
                        below--;
                }
            }
            if (x->done_at == n) {
                if (first_rx[d])
                    c.receiving--;
                else
                    c.waiting--;
                if (x->status == BACKEND_DEVICE_SUCCESSFUL)
                    c.completed++;
                else
                    c.failed++;
            }
        }
        if (n == sent)
            for (size_t d = 0; d < devices; d++) {
                const struct fleet_device_result *x = &r->dev[d];
                if (pb_refused(x) || x->done_at)
                    continue;
                if (first_rx[d])
                    c.receiving--;
                else
                    c.waiting--;
                c.failed++;
            }
        if (part) {
            while (below + hist[med] < rank) {
                below += hist[med];
                med++;
            }
            while (hist[worst] == 0)
                worst++;
        }
        c.median = (uint16_t)med;
        c.worst = (uint16_t)worst;
        counts[n] = c;
        if (progress)
            atomic_store(progress, n);
    }
out:
    free(ld);
    free(cnt);
    free(hist);
    free(shared);
    return part;
}

/* --- the job ------------------------------------------------------------ */

static void on_progress(void *ctx, size_t done, size_t total)
{
    struct pb_job *job = ctx;
    atomic_store(&job->total, total);
    atomic_store(&job->done, done);
}

static void job_cleanup(struct pb_job *job)
{
    free(job->image);
    fleet_result_cleanup(&job->result);
    free(job->counts);
    free(job->first_rx);
    fec_matrix_free(job->matrix);
    pb_run_cleanup(&job->run);
    free(job);
}

static void fail(struct pb_job *job, const char *what, const char *detail)
{
    snprintf(job->msg, sizeof(job->msg), "%s%s", what, detail);
    atomic_store_explicit(&job->phase, PB_PHASE_FAILED, memory_order_release);
}

static void *work(void *arg)
{
    struct pb_job *job = arg;
    double start = now_ms();
    struct fleet_params *p = &job->run.params;
    job->image = malloc(job->run.image_bytes);
    if (!job->image) {
        fail(job, "out of memory", "");
        goto done;
    }
    fleet_generate_image(job->image, job->run.image_bytes, p->seed);
    p->image = job->image;
    p->progress = on_progress;
    p->progress_ctx = job;
    atomic_store(&job->total, p->devices);
    char msg[320];
    enum fleet_status fs = fleet_run(p, &job->result, msg, sizeof(msg));
    job->fleet_ms = now_ms() - start;
    free(job->image);
    job->image = NULL;
    p->image = NULL;
    p->progress = NULL;
    if (fs != FLEET_OK) {
        fail(job, "the fleet could not be played: ", msg);
        goto done;
    }
    if (atomic_load(&job->cancel))
        goto done;
    const struct fleet_result *r = &job->result;
    atomic_store(&job->done, 0);
    atomic_store(&job->total, r->sent);
    atomic_store(&job->phase, PB_PHASE_REPLAY);
    job->counts = calloc((size_t)r->sent + 1, sizeof(*job->counts));
    job->first_rx = calloc(r->devices ? r->devices : 1, sizeof(*job->first_rx));
    if (!job->counts || !job->first_rx ||
        fec_matrix_new(job->run.session.m, job->run.session.r, FEC_CODEC_V1,
                       &job->matrix) != FEC_OK) {
        fail(job, "out of memory", "");
        goto done;
    }
    job->participants =
        pb_replay(p, r, job->counts, job->first_rx, &job->cancel, &job->done);
    if (atomic_load(&job->cancel))
        goto done;
    job->ready_ms = now_ms() - start;
    atomic_store_explicit(&job->phase, PB_PHASE_READY, memory_order_release);
done:
    /* Whoever lets go last frees: an abandoned job frees itself. */
    if (atomic_exchange(&job->abandoned, true))
        job_cleanup(job);
    return NULL;
}

struct pb_job *pbjob_start(struct pb_run *run, char *msg, size_t size)
{
    struct pb_job *job = calloc(1, sizeof(*job));
    if (!job) {
        snprintf(msg, size, "out of memory");
        return NULL;
    }
    /* Move the run, and point its parameters at the moved copy. */
    job->run = *run;
    memset(run, 0, sizeof(*run));
    job->run.params.session = &job->run.session;
    job->run.params.loss.drop = job->run.drop;
    atomic_init(&job->phase, PB_PHASE_FLEET);
    atomic_init(&job->done, 0);
    atomic_init(&job->total, job->run.params.devices);
    atomic_init(&job->cancel, false);
    atomic_init(&job->abandoned, false);
    if (pthread_create(&job->thread, NULL, work, job) != 0) {
        snprintf(msg, size, "could not start the simulation thread");
        job_cleanup(job);
        return NULL;
    }
    job->started = true;
    return job;
}

enum pb_phase pbjob_phase(struct pb_job *job)
{
    return (enum pb_phase)atomic_load_explicit(&job->phase,
                                               memory_order_acquire);
}

void pbjob_progress(struct pb_job *job, size_t *done, size_t *total)
{
    *done = atomic_load(&job->done);
    *total = atomic_load(&job->total);
}

void pbjob_abandon(struct pb_job *job)
{
    if (!job)
        return;
    atomic_store(&job->cancel, true);
    pthread_detach(job->thread);
    /* The thread has ended already: nobody else will free it. */
    if (atomic_exchange(&job->abandoned, true))
        job_cleanup(job);
}

void pbjob_free(struct pb_job *job)
{
    if (!job)
        return;
    atomic_store(&job->cancel, true);
    if (job->started)
        pthread_join(job->thread, NULL);
    job_cleanup(job);
}

/* --- one device --------------------------------------------------------- */

bool pbjob_device(const struct pb_job *job, size_t d, uint32_t n,
                  struct pb_device *out)
{
    const struct fleet_params *p = &job->run.params;
    const struct fleet_session *s = &job->run.session;
    const struct fleet_result *r = &job->result;
    memset(out, 0, sizeof(*out));
    if (d >= r->devices)
        return true;
    const struct fleet_device_result *x = &r->dev[d];
    if (n > r->sent)
        n = r->sent;
    out->status = x->status;
    out->fault = x->fault;
    out->first_rx = job->first_rx[d];
    out->state = pb_state_at(x, out->first_rx, n, r->sent);
    out->refused = pb_refused(x);
    out->done_at = x->done_at && x->done_at <= n ? x->done_at : 0;
    struct loss_device ld;
    loss_device_init(&ld, &p->loss, p->seed, d,
                     p->device_loss ? p->device_loss[d] : -1.0);
    out->own_loss = ld.device_loss;
    if (out->refused)
        return true;
    struct fec_decoder_opts o = {
        .matrix = job->matrix,
        .mode = FEC_MODE_RANK,
        .frag_size = s->fragment_size,
        .padding = s->padding,
        .max_fragments = p->limits.max_fragments,
        .max_frag_size = p->limits.max_frag_size,
        .max_lost = p->limits.max_lost,
    };
    struct fec_decoder *dec = NULL;
    if (fec_decoder_new(&o, &dec) != FEC_OK)
        return false;
    struct loss_shared *shared = malloc(sizeof(*shared));
    if (!shared) {
        fec_decoder_free(dec);
        return false;
    }
    loss_shared_build(shared, &p->loss, p->seed, r->total);
    uint32_t end = x->done_at && x->done_at < n ? x->done_at : n;
    for (uint32_t k = 1; k <= end; k++) {
        if (loss_device_next(&ld, shared, k) || x->fault == FAULT_MIC_ERROR)
            continue;
        enum fec_push res = fec_decoder_push(dec, k, NULL);
        if (res == FEC_PUSH_STORED || res == FEC_PUSH_NO_RANK ||
            res == FEC_PUSH_COMPLETED)
            out->received++;
    }
    struct fec_progress pr;
    fec_decoder_progress(dec, &pr);
    out->lost = pr.lost;
    out->needed = pr.needed;
    out->rank = pr.received_uncoded + pr.rank;
    if (pr.completed || out->rank > s->m)
        out->rank = s->m;
    free(shared);
    fec_decoder_free(dec);
    return true;
}

void pbjob_failure(const struct pb_job *job, const struct pb_device *dev,
                   char *buf, size_t size)
{
    const struct fleet_session *s = &job->run.session;
    const struct fleet_limits *l = &job->run.params.limits;
    char a[UNITS_BUF], b[UNITS_BUF];
    buf[0] = '\0';
    if (dev->state != PB_FAILED)
        return;
    if (dev->fault != FAULT_NONE) {
        snprintf(buf, size, "%s: %s (%s)",
                 dev->refused ? "refused at setup" : "never completed",
                 fault_help(dev->fault),
                 backend_device_status_name(dev->status));
        return;
    }
    if (dev->refused) {
        if (l->max_fragments && s->m > l->max_fragments)
            snprintf(buf, size,
                     "refused at setup: the session has %u fragments, the "
                     "device takes at most %u (Not_enough_memory)",
                     (unsigned)s->m, (unsigned)l->max_fragments);
        else if (l->max_frag_size && s->fragment_size > l->max_frag_size)
            snprintf(buf, size,
                     "refused at setup: %u-byte fragments, the device takes "
                     "at most %u bytes (Not_enough_memory)",
                     (unsigned)s->fragment_size, (unsigned)l->max_frag_size);
        else
            snprintf(
                buf, size,
                "refused at setup: it needs %s for the image and its "
                "decoder, it has %s (Not_enough_memory)",
                units_bytes(fleet_device_ram(s, l->max_lost), a, sizeof(a)),
                units_bytes(l->memory_bytes, b, sizeof(b)));
        return;
    }
    switch (dev->status) {
    case BACKEND_DEVICE_MEMORY_ERROR:
        snprintf(buf, size,
                 "failed at fragment %u: %u uncoded fragments lost, more "
                 "than the %u it can repair (MemoryError)",
                 (unsigned)dev->done_at, (unsigned)dev->lost,
                 (unsigned)l->max_lost);
        return;
    case BACKEND_DEVICE_MISSING_FRAG:
        snprintf(buf, size,
                 "the session ended at rank %u of %u: at least %u more "
                 "fragments were needed (MissingFrag)",
                 (unsigned)dev->rank, (unsigned)s->m, (unsigned)dev->needed);
        return;
    case BACKEND_DEVICE_MIC_ERROR:
        snprintf(buf, size,
                 "its rebuilt image did not match the original (MICError: "
                 "an internal error of the simulator)");
        return;
    default:
        snprintf(buf, size, "failed at fragment %u", (unsigned)dev->done_at);
        return;
    }
}
