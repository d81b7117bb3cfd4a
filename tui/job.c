#include "tui/job.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

struct job {
    job_fn run;
    void *arg;
    job_free_fn free_arg;
    atomic_bool done;
    pthread_t thread;
    struct job *next; /* in the abandoned list */
};

/* Jobs nobody waits for any more, until they are done. */
static struct job *abandoned;

static void *thread_main(void *p)
{
    struct job *j = p;
    j->run(j->arg);
    atomic_store(&j->done, true);
    return NULL;
}

struct job *job_start(job_fn run, void *arg, job_free_fn free_arg)
{
    struct job *j = calloc(1, sizeof(*j));
    if (!j) {
        if (free_arg)
            free_arg(arg);
        return NULL;
    }
    j->run = run;
    j->arg = arg;
    j->free_arg = free_arg;
    atomic_init(&j->done, false);
    if (pthread_create(&j->thread, NULL, thread_main, j) != 0) {
        if (free_arg)
            free_arg(arg);
        free(j);
        return NULL;
    }
    return j;
}

bool job_done(const struct job *j)
{
    return atomic_load(&j->done);
}

void *job_arg(const struct job *j)
{
    return j->arg;
}

void job_free(struct job *j)
{
    if (!j)
        return;
    pthread_join(j->thread, NULL);
    if (j->free_arg)
        j->free_arg(j->arg);
    free(j);
}

void job_abandon(struct job *j)
{
    if (!j)
        return;
    j->next = abandoned;
    abandoned = j;
}

static void reap(bool wait)
{
    struct job **p = &abandoned;
    while (*p) {
        struct job *j = *p;
        if (wait || job_done(j)) {
            *p = j->next;
            job_free(j);
        } else {
            p = &j->next;
        }
    }
}

void job_reap(void)
{
    reap(false);
}

void job_join_all(void)
{
    reap(true);
}
