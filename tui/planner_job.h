#ifndef FUOTA_TUI_PLANNER_JOB_H
#define FUOTA_TUI_PLANNER_JOB_H

/*
 * The planner's sweep, off the UI thread. One thread builds the sweep
 * (sweep_new) and runs it in two calls of sweep_run: first to
 * PL_FIRST_TRIALS trials a point (a first chart in a moment), then to
 * the settings' trials, through the sweep's own stages (100, 200, 300,
 * 400, 500, 625, ... trials). The results are the same as one run to the
 * full count (sim/sweep.h, "Determinism").
 *
 * The UI thread polls pl_job_phase() and, once the sweep is built
 * (phase >= PL_PHASE_RUNNING), reads it with sweep's readers, which are
 * safe while it runs: sweep_stage() changes whenever the results do.
 *
 * pl_job_free() cancels the run (it stops within one trial), joins the
 * thread and frees the sweep; call it from the UI thread only.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sweep.h"
#include "tui/planner_settings.h"

/* Trials a point of the first stage. */
#define PL_FIRST_TRIALS 10u

enum pl_phase {
    PL_PHASE_BUILD,   /* sweep_new */
    PL_PHASE_RUNNING, /* the sweep exists; trials run */
    PL_PHASE_DONE,    /* every row has its trials */
    PL_PHASE_FAILED   /* message: pl_job_message */
};

struct pl_job {
    struct pl_plan plan; /* the job's own copy (params point into it) */
    struct sweep *sw;    /* set before PL_PHASE_RUNNING */
    char msg[PL_ERROR_MAX];
    /* ms from pl_job_start: the sweep built, the first stage done, all
     * done (0 until then). */
    double built_ms, first_ms, done_ms;
    double start_ms;
    atomic_int phase;
    atomic_bool cancel;
    pthread_t thread;
};

/* Copies the plan and starts the thread. NULL with a message when out of
 * memory or no thread could start. */
struct pl_job *pl_job_start(const struct pl_plan *plan, char *msg, size_t size);
enum pl_phase pl_job_phase(struct pl_job *job);
/* The sweep, once built (NULL before PL_PHASE_RUNNING or on failure). */
const struct sweep *pl_job_sweep(struct pl_job *job);
/* Cancels, joins and frees; accepts NULL. */
void pl_job_free(struct pl_job *job);

/* A monotonic clock in ms (for the timings shown and benchmarked). */
double pl_now_ms(void);

#endif
