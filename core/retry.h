#ifndef FUOTA_CORE_RETRY_H
#define FUOTA_CORE_RETRY_H

/*
 * Retry only the failures: the follow-up of a finished FUOTA task, with
 * the same parameters, for the wireless devices that did not end
 * Successful (none of its multicast groups: a group would bring back the
 * devices that did succeed).
 *
 * The follow-up's ClientRequestToken is derived from the original task's
 * id ("retry-" and the first 40 hex digits of its SHA-256), so asking
 * twice gives the same request and the service returns the task it made
 * the first time (CreateFuotaTask's idempotency) instead of a second one.
 * Its Name is the original's with "-retry" (cut to fit 256 characters),
 * or "retry-" and the id's first 8 characters when it had none.
 *
 * Computation only (SHA-256 from libsodium; sodium_init() first); no I/O.
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/backend.h"
#include "core/task.h"

#define RETRY_TOKEN_PREFIX "retry-"
#define RETRY_NAME_SUFFIX  "-retry"

#define RETRY_STATUSES(X)                                                      \
    X(RETRY_OK, "ok")                                                          \
    X(RETRY_NOT_FINISHED,                                                      \
      "the task has not finished: its devices have no final status yet")       \
    X(RETRY_NOTHING, "every device of the task ended Successful")              \
    X(RETRY_NO_DEVICES, "the task has no wireless devices")                    \
    X(RETRY_NO_MEMORY, "out of memory")

enum retry_status {
#define X(id, msg) id,
    RETRY_STATUSES(X)
#undef X
};

const char *retry_status_message(enum retry_status s);

struct retry_plan {
    char token[TASK_TOKEN_MAX + 1];
    char name[4 * TASK_NAME_MAX + 1]; /* UTF-8 */
    char description[TASK_DESCRIPTION_MAX + 1];
    /* The request to create: the original's parameters (borrowed from the
     * task given to retry_plan_make, which must outlive it) with this
     * plan's token, name and description. Never task_cleanup() it. */
    struct fuota_task request;
    /* Indices into the device list given: the ones to associate. */
    size_t *devices;
    size_t count;
    size_t total;      /* devices of the original */
    size_t successful; /* of them, Successful */
};

/* The follow-up's token for a task id into buf (>= TASK_TOKEN_MAX + 1). */
void retry_token(const char *task_id, char *buf, size_t size);

/*
 * Plans the follow-up of `task` whose devices (all pages) are devices[0..n).
 * RETRY_OK fills *out (release with retry_plan_cleanup); otherwise *out is
 * empty (cleanup still safe) and the status says why nothing is to be done
 * (a task not FuotaDone, no devices, all of them Successful).
 */
enum retry_status retry_plan_make(const struct backend_task *task,
                                  const struct backend_device *devices,
                                  size_t n, struct retry_plan *out)
    __attribute__((warn_unused_result));
void retry_plan_cleanup(struct retry_plan *p);

#endif
