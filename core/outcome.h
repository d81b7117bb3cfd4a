#ifndef FUOTA_CORE_OUTCOME_H
#define FUOTA_CORE_OUTCOME_H

/*
 * Every device outcome explained: for each FuotaDeviceStatus of the service
 * model (enum backend_device_status, core/backend.h) what it means in plain
 * words, its likely causes, each with the source it comes from (the LoRa
 * Alliance TS004 / TS005 specifications, AWS's "Monitor and troubleshoot
 * your FUOTA task and devices"), and what to do about it.
 *
 * One const table (core/outcome.c, designated initialisers indexed by the
 * status): data, not code. `fuota simulate` explains the statuses of its
 * report with it; `fuota tasks devices` and the console's tasks screen and
 * playback read the same entries. tests/unit/test_outcome.c reads the
 * FuotaDeviceStatus enum from the service model and checks that the table
 * covers every value with a meaning, causes, sources and an action.
 *
 * Static data: no initialisation, thread-safe, pointers live for the whole
 * program.
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/backend.h"

/* Most causes an entry lists. */
#define OUTCOME_CAUSES_MAX 4

/* Where in the FUOTA exchange the outcome is decided: id, name, help. */
#define OUTCOME_PHASES(X)                                                      \
    X(OUTCOME_PHASE_PENDING, "pending", "nothing reported yet")                \
    X(OUTCOME_PHASE_ADMISSION, "admission",                                    \
      "the service did not take the device into the session")                  \
    X(OUTCOME_PHASE_SETUP, "setup",                                            \
      "the device refused the session before any fragment")                    \
    X(OUTCOME_PHASE_DELIVERY, "delivery",                                      \
      "the device failed while the fragments were sent")                       \
    X(OUTCOME_PHASE_CHECK, "check",                                            \
      "the device rebuilt the data but its check failed")                      \
    X(OUTCOME_PHASE_DONE, "done", "the device has the new image")

enum outcome_phase {
#define X(id, name, help) id,
    OUTCOME_PHASES(X)
#undef X
};

/* One likely cause and where it comes from. */
struct outcome_cause {
    const char *text;
    const char *source;
};

struct outcome {
    enum backend_device_status status;
    enum outcome_phase phase;
    bool success;        /* Successful only */
    const char *summary; /* a few words, for a table column */
    const char *meaning; /* what the status says, in plain words */
    /* Likely causes, most likely first; unused entries have text NULL. */
    struct outcome_cause causes[OUTCOME_CAUSES_MAX];
    const char *action; /* what to do */
};

/* The entry of a status, or NULL for a value outside the enum. */
const struct outcome *outcome_of(enum backend_device_status status);

/* The number of causes of an entry (0..OUTCOME_CAUSES_MAX). */
size_t outcome_cause_count(const struct outcome *o);

/* "setup", ... and its help; "unknown" outside the enum. */
const char *outcome_phase_name(enum outcome_phase phase);
const char *outcome_phase_help(enum outcome_phase phase);

#endif
