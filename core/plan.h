#ifndef FUOTA_CORE_PLAN_H
#define FUOTA_CORE_PLAN_H

/*
 * The planning preview: what a FUOTA task will cost before it is sent.
 *
 * From a request (struct fuota_task), an image size, a downlink data rate
 * (default: the region's RX2 / Class C default) and optionally the loss the
 * operator expects, plan_compute() works out (see ../shared/spec/design.md):
 *
 *   M   = ceil(image / FragmentSizeBytes)        uncoded fragments
 *   R   = ceil(M * RedundancyPercent / 100)      redundant (coded) fragments
 *         (AWS states no rounding; we round up: 100 B / 10 B / 50 % = 10 + 5)
 *   padding = M * size - image                   bytes in the last fragment
 *   PHYPayload = size + 16                       per DataFragment frame
 *   time on air per fragment (core/airtime.h), total = (M + R) * that
 *   interval = FragmentIntervalMS rounded to the nearest second (half up),
 *         as the service does
 *   slot = max(interval, time on air, time on air / duty cycle)
 *   session wall time = (M + R) * slot
 *   duty cycle: the limit at the DR's RX2 / Class C frequency
 *         (region_duty_cycle_at), the share of it the session uses, and the
 *         hourly budget (limit * 3600 s)
 *   decoder RAM (LoRaMac-node FragDecoder layout, L_max = R, the most lost
 *         fragments R coded ones can repair): matrix ((L>>3)+1)*L bytes,
 *         missing-index table 2*M bytes, work buffers (M>>3)+1 + S +
 *         3*((L>>3)+1) bytes; the image itself (M*S) is stored besides.
 *   TS004 guidance: a device needs about M + 2 fragments on average and
 *         M + 7 for 99 % decoding success once it has lost some. With an
 *         expected loss p it receives (M + R)(1 - p) on average; the plan
 *         warns (redundancy-low) when p > 0 and (M + R)(1 - p) < M + 7, and
 *         says how much redundancy would meet M + 7.
 *
 * Assumptions when the request leaves a member out (each is recorded in
 * struct plan and reported as a diagnostic):
 *   FragmentSizeBytes absent: the DR's max_fragment_bytes (N - 3)
 *       (warning assumed-fragment-size);
 *   RedundancyPercent absent: 0 % (warning assumed-redundancy);
 *   FragmentIntervalMS absent: fragments back to back, slot = time on air
 *       (bounded by the duty cycle), so the wall time is a lower bound
 *       (note assumed-interval);
 *   LoRaWAN.RfRegion absent: no assumption, the figures depend on it:
 *       PLAN_NO_REGION and error region-required.
 *
 * Planning diagnostics (rule identifiers; paths are request members):
 *   errors (the session cannot work as asked):
 *     fragment-too-large   FragmentSizeBytes above the DR's N - 3
 *     fragment-size-max    FragmentSizeBytes above 255 (TS004 FragSize)
 *     too-many-fragments   M + R above 16383 (TS004 14-bit fragment number);
 *                          the message names the smallest fragment size
 *                          that fits, or says that the image cannot fit one
 *                          session at this DR when that size is above
 *                          min(255, the DR's N - 3)
 *     region-required      no LoRaWAN.RfRegion; it replaces task_validate's
 *                          no-region warning on the same list (one message
 *                          for one problem)
 *   warnings:
 *     redundancy-low       see the TS004 guidance above
 *     interval-below-airtime  rounded interval shorter than the time on air
 *     duty-cycle           interval (or back-to-back sending) would break
 *                          the duty cycle; the slot is lengthened
 *     dwell-time           AS923: where a country enforces the 400 ms
 *                          downlink dwell time, the fragment is above the
 *                          DR's max_fragment_bytes_dwell400 (or the DR has
 *                          none)
 *     assumed-fragment-size, assumed-redundancy (above)
 *   notes: assumed-interval, rounding (R was rounded up)
 *
 * Field limits (core/limits.h, with their sources), checked on every
 * PLAN_OK plan by plan_limit_diags():
 *   image-size            warning: the image is above AWS's 1 MB
 *                         (1,000,000 bytes)
 *   session-timeout       warning: the session (when deliverable) lasts
 *                         longer than the longest Class C multicast session,
 *                         2^15 s (TS005 TimeOut is 4 bits): the devices
 *                         return to Class A before the last fragment; the
 *                         message names the last fragment heard in time
 *   session-fix           notes, after session-timeout: each single change
 *                         that makes the session fit, with its new session
 *                         time (struct plan_fix, in the order of
 *                         PLAN_FIX_KINDS); none when no single change does
 *   distribution-window   warning: the session is longer than 48 h
 * When the session fits, plan.timeout holds the smallest power-of-two
 * timeout that covers it (a figure, no diagnostic).
 *
 * plan_compute() does not run task_validate(): callers do, on the same
 * diag_list, before planning (fuota plan does). Thread-safe; no I/O.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/fec.h"
#include "core/limits.h"
#include "core/region.h"
#include "core/task.h"

/* TS004: the fragment number N of IndexAndN has 14 bits, 1-based. An alias
 * of the codec's limit (cli/cmd_plan.c uses this name). */
#define PLAN_MAX_FRAGMENTS FEC_FRAGMENTS_MAX
/* Largest image the planner accepts (1 GiB): keeps every figure exact. */
#define PLAN_IMAGE_MAX (UINT64_C(1) << 30)
/* TS004 average and 99 % overheads (fragments beyond M). */
#define PLAN_OVERHEAD_AVERAGE 2
#define PLAN_OVERHEAD_99      7

#define PLAN_STATUSES(X)                                                       \
    X(PLAN_OK, "ok")                                                           \
    X(PLAN_NO_REGION, "the request names no LoRaWAN.RfRegion")                 \
    X(PLAN_UNKNOWN_REGION, "the request's RF region is not supported")         \
    X(PLAN_INVALID_REQUEST,                                                    \
      "FragmentSizeBytes, RedundancyPercent or FragmentIntervalMS is out of "  \
      "range")                                                                 \
    X(PLAN_BAD_DR, "the region has no downlink data rate with that number")    \
    X(PLAN_EMPTY_IMAGE, "the image is empty")                                  \
    X(PLAN_IMAGE_TOO_LARGE, "the image is larger than 1 GiB")                  \
    X(PLAN_BAD_LOSS, "the expected loss is not within 0..100 %")

enum plan_status {
#define X(id, message) id,
    PLAN_STATUSES(X)
#undef X
};

const char *plan_status_message(enum plan_status s);

/*
 * The single changes that can bring a session within the Class C timeout,
 * in the order they are tried and reported:
 *   data-rate      the slowest faster data rate that fits, keeping the
 *                  fragment size, or else with the largest fragment it
 *                  carries (up to 255 bytes)
 *   fragment-size  the smallest larger fragment the data rate carries
 *   interval       the shortest whole-second FragmentIntervalMS the duty
 *                  cycle (or the time on air) allows, when shorter than
 *                  the one set
 *   redundancy     the largest lower RedundancyPercent
 */
#define PLAN_FIX_KINDS(X)                                                      \
    X(PLAN_FIX_DATA_RATE, "data-rate")                                         \
    X(PLAN_FIX_FRAGMENT_SIZE, "fragment-size")                                 \
    X(PLAN_FIX_INTERVAL, "interval")                                           \
    X(PLAN_FIX_REDUNDANCY, "redundancy")

enum plan_fix_kind {
#define X(id, name) id,
    PLAN_FIX_KINDS(X)
#undef X
        PLAN_FIX_COUNT
};

const char *plan_fix_kind_name(enum plan_fix_kind kind);

/* One way to fit the session: the plan's values with one change. */
struct plan_fix {
    enum plan_fix_kind kind;
    int dr;
    int fragment_size_bytes;
    int redundancy_percent;
    bool has_interval;
    int32_t interval_ms; /* FragmentIntervalMS to set, when has_interval */
    uint64_t total_fragments;
    double session_wall_time_s;
    struct limits_timeout timeout; /* covers the new session */
};

struct plan_input {
    const struct fuota_task *task; /* borrowed */
    uint64_t image_bytes;          /* 1..PLAN_IMAGE_MAX */
    int dr;                        /* < 0: the region's default */
    bool has_expected_loss;
    double expected_loss_percent; /* 0..100 */
};

/* Which values were assumed because the request left them out. */
struct plan_assumed {
    bool fragment_size;
    bool redundancy;
    bool interval;
};

struct plan {
    const struct region *region;
    const struct region_dr *dr;
    bool dr_is_default;
    int64_t frequency_hz; /* RX2 / Class C default, 0 if plan-dependent */

    uint64_t image_bytes;
    int fragment_size_bytes; /* as used (given or assumed) */
    int redundancy_percent;  /* as used */
    struct plan_assumed assumed;

    uint64_t uncoded_fragments;    /* M */
    uint64_t redundancy_fragments; /* R */
    uint64_t total_fragments;      /* M + R */
    bool redundancy_rounded;       /* M * percent / 100 was not whole */
    uint64_t padding_bytes;
    int64_t phy_payload_bytes; /* fragment bytes + 16 (exact, 64-bit) */
    int max_fragment_bytes;    /* N - 3 at this DR */

    bool airtime_known;            /* false: PHYPayload above 255 bytes */
    uint64_t time_on_air_us;       /* one fragment */
    uint64_t total_time_on_air_us; /* every fragment */
    bool has_interval;
    int32_t interval_requested_ms;
    uint64_t interval_ms; /* rounded to the nearest second */

    double duty_cycle;                      /* fraction, 0 = no limit known */
    const struct region_sub_band *sub_band; /* EU868, else NULL */
    uint64_t duty_min_slot_us;              /* time on air / duty, 0 if none */
    bool duty_limited;                      /* the duty cycle set the slot */
    double duty_cycle_used_percent;         /* of the air time while sending */
    double duty_budget_s_per_hour;          /* limit * 3600 s, 0 if none; set
                                               whether or not airtime_known */

    uint64_t slot_us;           /* per fragment */
    double session_wall_time_s; /* total * slot */

    uint64_t decoder_matrix_bytes;
    uint64_t decoder_index_bytes;
    uint64_t decoder_work_bytes;
    uint64_t decoder_ram_bytes;   /* the three above */
    uint64_t image_storage_bytes; /* M * S */

    bool has_expected_loss;
    double expected_loss_percent;
    double expected_received_fragments; /* (M + R)(1 - p) */
    uint64_t needed_average_fragments;  /* M + 2 */
    uint64_t needed_99_fragments;       /* M + 7 */
    /* With an expected loss: the smallest RedundancyPercent for which
     * (M + R)(1 - p) >= M + 7 (0 when p = 0), or -1 when no percent up to
     * 100 is enough. -1 without an expected loss. */
    int recommended_redundancy_percent;

    /* Field limits (core/limits.h). */
    bool image_above_aws_limit;
    /* The session can be sent at all: a time on air, fragments within the
     * DR's N - 3 and 255 bytes, at most 16383 fragments. The timeout
     * figures below are only set when it can. */
    bool deliverable;
    struct limits_timeout timeout; /* Class C timeout covering the session */
    /* Fragments heard within 2^15 s when the timeout cannot cover the
     * session (the devices miss the rest); total_fragments otherwise. */
    uint64_t fragments_within_timeout;
    bool beyond_distribution_window;       /* session longer than 48 h */
    struct plan_fix fixes[PLAN_FIX_COUNT]; /* when !timeout.fits */
    size_t fix_count;
};

/*
 * Computes the plan into *out (fully written on PLAN_OK; zeroed otherwise)
 * and appends planning diagnostics to diags. A PLAN_OK plan may still hold
 * error-level diagnostics (e.g. fragment-too-large): the figures are shown,
 * but the session cannot work: check diag_has_errors(). Figures that
 * depend on the time on air are 0 when airtime_known is false (a frame
 * above 255 bytes has no time on air: it cannot be sent); the duty-cycle
 * limit and budget do not depend on it and are always set.
 */
enum plan_status plan_compute(const struct plan_input *in, struct plan *out,
                              struct diag_list *diags)
    __attribute__((warn_unused_result));

/*
 * Appends the field-limit diagnostics of a PLAN_OK plan (image-size,
 * session-timeout, session-fix, distribution-window; see above) to diags.
 * plan_compute() calls it; `fuota validate` calls it alone, to add the
 * limits to a validation without the other planning diagnostics.
 */
void plan_limit_diags(const struct plan *p, struct diag_list *diags);

/* Nearest-second rounding of FragmentIntervalMS (half up), in ms. */
uint64_t plan_round_interval_ms(int32_t interval_ms);

#endif
