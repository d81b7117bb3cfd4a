#include "tui/planner_job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double pl_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void set_phase(struct pl_job *job, enum pl_phase p)
{
    atomic_store_explicit(&job->phase, (int)p, memory_order_release);
}

static void *work(void *arg)
{
    struct pl_job *job = arg;
    const char *param = "";
    enum sweep_status st = sweep_new(&job->plan.params, &job->sw, &param,
                                     job->msg, sizeof(job->msg));
    if (st != SWEEP_OK) {
        if (!job->msg[0])
            snprintf(job->msg, sizeof(job->msg), "%s",
                     sweep_status_message(st));
        set_phase(job, PL_PHASE_FAILED);
        return NULL;
    }
    job->built_ms = pl_now_ms() - job->start_ms;
    set_phase(job, PL_PHASE_RUNNING);
    struct sweep_control ctl = { .cancel = &job->cancel };
    uint64_t full = job->plan.params.trials;
    uint64_t first = full < PL_FIRST_TRIALS ? full : PL_FIRST_TRIALS;
    st = sweep_run(job->sw, first, &ctl);
    if (st == SWEEP_OK) {
        job->first_ms = pl_now_ms() - job->start_ms;
        st = sweep_run(job->sw, full, &ctl);
    }
    if (st == SWEEP_OK) {
        job->done_ms = pl_now_ms() - job->start_ms;
        set_phase(job, PL_PHASE_DONE);
    } else if (st != SWEEP_CANCELLED) {
        snprintf(job->msg, sizeof(job->msg), "the sweep stopped: %s",
                 sweep_status_message(st));
        set_phase(job, PL_PHASE_FAILED);
    }
    return NULL;
}

struct pl_job *pl_job_start(const struct pl_plan *plan, char *msg, size_t size)
{
    struct pl_job *job = calloc(1, sizeof(*job));
    if (!job) {
        snprintf(msg, size, "out of memory");
        return NULL;
    }
    /* Copy the plan and point its parameters at the copy. */
    job->plan = *plan;
    struct sweep_params *p = &job->plan.params;
    if (p->fragment_sizes)
        p->fragment_sizes = job->plan.sizes;
    if (p->drs)
        p->drs = &job->plan.dr;
    if (p->region)
        p->region = job->plan.region;
    job->start_ms = pl_now_ms();
    atomic_init(&job->phase, PL_PHASE_BUILD);
    atomic_init(&job->cancel, false);
    if (pthread_create(&job->thread, NULL, work, job) != 0) {
        snprintf(msg, size, "could not start the planner's thread");
        free(job);
        return NULL;
    }
    return job;
}

enum pl_phase pl_job_phase(struct pl_job *job)
{
    return (enum pl_phase)atomic_load_explicit(&job->phase,
                                               memory_order_acquire);
}

const struct sweep *pl_job_sweep(struct pl_job *job)
{
    enum pl_phase p = pl_job_phase(job);
    return p == PL_PHASE_RUNNING || p == PL_PHASE_DONE ? job->sw : NULL;
}

void pl_job_free(struct pl_job *job)
{
    if (!job)
        return;
    atomic_store(&job->cancel, true);
    pthread_join(job->thread, NULL);
    sweep_free(job->sw);
    free(job);
}
