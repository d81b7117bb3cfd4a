#ifndef FUOTA_SIM_STORE_MSG_H
#define FUOTA_SIM_STORE_MSG_H

/*
 * The simulated service's error wording in AWS's form: ValidationException
 * messages for core/task's task_validate() diagnostics and for ids taken from
 * a URI, and the InternalServerException text. Pure formatting: no state,
 * safe from any thread.
 *
 * Form: "1 validation error detected: Value 'x' at 'name' failed to satisfy
 * constraint: Member must have length less than or equal to 256", several
 * errors joined with "; " ("N validation errors detected: ..."). Member
 * names are AWS's wire names (firmwareUpdateImage, tags.2.member.key, ...);
 * quoted values longer than 64 characters are cut with "...".
 */

#include <stddef.h>

#include "core/backend.h"
#include "core/diag.h"
#include "core/task.h"

/* InternalServerException's Message. */
#define STORE_MSG_INTERNAL "We encountered an internal error. Please try again."

/*
 * Formats the DIAG_ERROR entries of `diags` (found by task_validate() on
 * `task`) into buf, NUL-terminated and cut to size; returns buf. A rule AWS
 * has no wording for is worded from the diagnostic's own message; identical
 * clauses are given once.
 */
const char *store_msg_validation(const struct fuota_task *task,
                                 const struct diag_list *diags, char *buf,
                                 size_t size);

/*
 * Runs task_validate() on `task`: BACKEND_OK when it is valid, else
 * BACKEND_VALIDATION with the message above in *err.
 */
enum backend_status store_msg_check_task(const struct fuota_task *task,
                                         struct backend_error *err)
    __attribute__((warn_unused_result));

/*
 * Checks an id given in a URI (FuotaTaskId, WirelessDeviceId, ...) whose
 * wire name is `wire`: BACKEND_OK for 1..BACKEND_ID_MAX characters of valid
 * UTF-8, else BACKEND_VALIDATION (NULL, empty, too long or not UTF-8).
 */
enum backend_status store_msg_check_id(const char *id, const char *wire,
                                       struct backend_error *err)
    __attribute__((warn_unused_result));

#endif
