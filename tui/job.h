#ifndef FUOTA_TUI_JOB_H
#define FUOTA_TUI_JOB_H

/*
 * Work off the UI thread: one function run on a thread of its own (a
 * backend call, a few of them), polled from a screen's tick() with
 * job_done() so that nothing blocks the keyboard.
 *
 * Ownership: job_start takes ownership of arg; free_arg (may be NULL)
 * releases it when the job is freed. The thread touches only arg; the UI
 * thread reads arg only once job_done() is true (the done flag is an
 * atomic store after run returns, so run's writes are visible then).
 *
 * A screen that stops waiting (Esc, leaving the screen) hands the job to
 * job_abandon(): it finishes on its own and is freed by job_reap(),
 * which the loop calls on every turn. job_join_all() waits for every
 * abandoned job; the console calls it before the backend is closed.
 *
 * Threads: every function here is for the UI thread only.
 */

#include <stdbool.h>

struct job;

typedef void (*job_fn)(void *arg);
typedef void (*job_free_fn)(void *arg);

/* Starts run(arg) on a new thread. NULL when the thread (or memory) could
 * not be had: arg is then released with free_arg. */
struct job *job_start(job_fn run, void *arg, job_free_fn free_arg)
    __attribute__((warn_unused_result));
/* True once run has returned. */
bool job_done(const struct job *j);
/* The arg given to job_start. */
void *job_arg(const struct job *j);
/* Waits for the thread, releases arg and the job; accepts NULL. */
void job_free(struct job *j);
/* Stops waiting: the job is freed once done (job_reap); accepts NULL. */
void job_abandon(struct job *j);
/* Frees the abandoned jobs that are done. */
void job_reap(void);
/* Waits for and frees every abandoned job. */
void job_join_all(void);

#endif
