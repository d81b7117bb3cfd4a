#ifndef FUOTA_CORE_TASK_UPDATE_H
#define FUOTA_CORE_TASK_UPDATE_H

/*
 * UpdateFuotaTask from an edited request: which members of
 * UpdateFuotaTaskRequest differ from the task as the service holds it
 * (GetFuotaTask seen as a request, backend_task_as_request), so that only
 * those are sent, and the diff the operator reads before sending.
 *
 * The members UpdateFuotaTaskRequest has, in the service model's order:
 * Name, Description, LoRaWAN.RfRegion, FirmwareUpdateImage,
 * FirmwareUpdateRole, RedundancyPercent, FragmentSizeBytes,
 * FragmentIntervalMS, Descriptor. For each:
 *   - set in the edit and different from the task (or unset there):
 *     TASK_UPDATE_CHANGED, and set in `changes`;
 *   - unset in the edit but set on the task: TASK_UPDATE_KEPT (the API
 *     cannot remove a member: an absent one is left as it is);
 *   - the same: not listed.
 * ClientRequestToken and Tags are not members of UpdateFuotaTask: set in
 * the edit they are listed TASK_UPDATE_NOT_SENT (never in `changes`).
 *
 * Values are written as on the wire (strings as they are, numbers in
 * decimal, "" for an unset member), cut to TASK_UPDATE_VALUE_MAX - 1
 * bytes on a UTF-8 character boundary with "..." where cut.
 *
 * Computation only: no I/O; safe from any thread.
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/task.h"

enum task_update_kind {
    TASK_UPDATE_CHANGED,
    TASK_UPDATE_KEPT,
    TASK_UPDATE_NOT_SENT,
};

#define TASK_UPDATE_VALUE_MAX 160
/* Nine members of UpdateFuotaTaskRequest, the token and the tags. */
#define TASK_UPDATE_LINES_MAX 11

struct task_update_line {
    const char *member; /* "Name", "LoRaWAN.RfRegion", "Tags", ... */
    enum task_update_kind kind;
    char before[TASK_UPDATE_VALUE_MAX]; /* on the task */
    char after[TASK_UPDATE_VALUE_MAX];  /* in the edit */
};

struct task_update {
    /* The UpdateFuotaTask body: only the CHANGED members are set. */
    struct fuota_task changes;
    size_t changed; /* how many members are sent */
    struct task_update_line lines[TASK_UPDATE_LINES_MAX];
    size_t count;
};

/*
 * Compares `edited` with `current` into *out (initialised by the call).
 * False on out of memory (*out is then cleaned up and empty).
 */
bool task_update_diff(const struct fuota_task *current,
                      const struct fuota_task *edited, struct task_update *out)
    __attribute__((warn_unused_result));
/* Frees what *u holds; accepts a zeroed or cleaned-up struct. */
void task_update_cleanup(struct task_update *u);

#endif
