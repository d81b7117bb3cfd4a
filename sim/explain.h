#ifndef FUOTA_SIM_EXPLAIN_H
#define FUOTA_SIM_EXPLAIN_H

/*
 * The outcomes of a fleet simulation explained, for its report: each
 * FuotaDeviceStatus that occurred, with how many devices, what it means,
 * its likely causes and their sources, and what to do (the table of
 * core/outcome.h), plus what caused it in this run (a device fault of
 * sim/fault.h, the device limits, or the link and the session).
 *
 * Pure functions of the parameters and the result, like sim/report.h.
 */

#include <stdbool.h>
#include <stdio.h>

#include "sim/fleet.h"

struct cJSON;

/*
 * TEXT word-wrapped to 78 columns: the first line is INDENT LEAD TEXT...,
 * the next ones are indented to line up after LEAD.
 */
void explain_wrap(FILE *out, const char *indent, const char *lead,
                  const char *text);

/*
 * "Faults    10 % mic-error (wrong multicast keys), ...\n" when the run
 * has faults, nothing otherwise.
 */
void explain_print_faults(FILE *out, const struct fleet_params *p);

/*
 * The "Outcomes" section: one entry per status that occurred, in the
 * order of the enum, wrapped to 78 columns. Returns false on a write
 * error.
 */
bool explain_print(FILE *out, const struct fleet_params *p,
                   const struct fleet_result *r)
    __attribute__((warn_unused_result));

/*
 * {"NAME": {"percent": P, "devices": N}, ...} for the faults with a share
 * (an empty object without), or NULL on out of memory.
 */
struct cJSON *explain_faults_json(const struct fleet_params *p,
                                  const struct fleet_result *r);

/*
 * [{"status", "devices", "from_faults": {NAME: N}, "phase", "summary",
 * "meaning", "causes": [{"cause", "source"}], "action"}, ...] for the
 * statuses that occurred, or NULL on out of memory.
 */
struct cJSON *explain_outcomes_json(const struct fleet_params *p,
                                    const struct fleet_result *r);

#endif
