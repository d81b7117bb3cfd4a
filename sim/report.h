#ifndef FUOTA_SIM_REPORT_H
#define FUOTA_SIM_REPORT_H

/*
 * The report of a fleet simulation (sim/fleet.h): statistics, JSON, a
 * summary table and per-device CSV.
 *
 * Everything here is a pure function of the parameters and the result:
 * nothing depends on the wall clock or the thread count, so the same
 * simulation gives a byte-identical report. Percentiles are nearest-rank
 * (the smallest value with at least p % of the values at or below it).
 *
 * JSON (core/json_out.h: two-space indentation; percentages to 2
 * decimals, milliseconds to 3, what the user gave as given), members with
 * their units in the names:
 *   simulation   devices, seed, mode, full_decode_sample_percent,
 *                early_stop, loss {loss_percent, burst_fragments,
 *                spread_percent, shared_loss_percent, late_join_fragments,
 *                burst_raised_devices (devices whose own loss needed a
 *                longer burst than burst_fragments, see sim/loss.h), drop},
 *                device_limits {max_fragments, max_lost, memory_bytes},
 *                faults {NAME: {percent, devices}} (sim/explain.h)
 *   session      region, data_rate, image_bytes, fragment_size_bytes,
 *                uncoded_fragments, redundancy_fragments, total_fragments,
 *                padding_bytes, redundancy_percent, fragment_interval_ms,
 *                fragment_spacing_ms, time_on_air_ms, duty_cycle_percent
 *   devices      total, completed, failed, completed_percent, by_status
 *                {FuotaDeviceStatus: count, only those that occur},
 *                fully_decoded, internal_errors
 *   fragments_received_to_complete, completion_fragment,
 *   completion_time_ms       {count, min, median, p90, p99, max, mean}
 *                (completed devices only; count 0 and the figures null
 *                when none completed)
 *   completions_by_fragment  [[fragment, devices completing there], ...]
 *   airtime      fragments_sent, fragments_saved, used_ms, saved_ms,
 *                early_stop_at_fragment (0 = ran to the end),
 *                session_time_saved_ms
 *   session_wall_time_ms
 *   outcomes     the statuses that occurred, explained: [{status, devices,
 *                from_faults, phase, summary, meaning, causes [{cause,
 *                source}], action}] (sim/explain.h, core/outcome.h)
 *
 * The table ends with the same explanations ("Outcomes").
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/fleet.h"

struct cJSON;

struct report_stats {
    size_t count;
    uint64_t min, median, p90, p99, max;
    double mean;
};

/* Sorts values[0..n) in place and fills *out (zeros when n = 0). */
void report_stats(uint64_t *values, size_t n, struct report_stats *out);

/* The loss model's members of the report (loss_percent, burst_fragments,
 * spread_percent, shared_loss_percent, late_join_fragments) added to o (a
 * NULL o is ignored). */
void report_loss_json(struct cJSON *o, const struct loss_config *l);

/* The whole report as a cJSON object (caller frees with cJSON_Delete), or
 * NULL on out of memory. */
struct cJSON *report_to_json(const struct fleet_params *p,
                             const struct fleet_result *r);

/* The report as JSON text (pretty or compact), heap string, caller frees;
 * NULL on out of memory. */
char *report_to_text(const struct fleet_params *p, const struct fleet_result *r,
                     bool pretty);

/* A human summary table. Returns false on a write error. */
bool report_print_table(FILE *out, const struct fleet_params *p,
                        const struct fleet_result *r)
    __attribute__((warn_unused_result));

/*
 * Per-device CSV with a header line:
 * device,status,own_loss_percent,fragments_received,uncoded_lost,
 * done_at_fragment,done_time_ms,full_decode
 * Returns false on a write error.
 */
bool report_write_csv(FILE *out, const struct fleet_params *p,
                      const struct fleet_result *r)
    __attribute__((warn_unused_result));

#endif
