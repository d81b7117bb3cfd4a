#ifndef FUOTA_CORE_LIMITS_H
#define FUOTA_CORE_LIMITS_H

/*
 * Published limits an operator hits in the field, beyond the request rules
 * of the service model (core/task.h), each with its source:
 *
 *   image size      AWS IoT Wireless developer guide, "FUOTA process
 *                   overview", step 1: the firmware image must not be
 *                   larger than 1 megabyte; a larger one should be sent as
 *                   a delta image. The guide does not say which megabyte:
 *                   the check uses the decimal one, 1,000,000 bytes (the
 *                   stricter reading; 1 MiB is 1,048,576).
 *   Class C session LoRaWAN Remote Multicast Setup TS005-1.0.0 §4.5,
 *                   McClassCSessionReq, Table 17: SessionTimeOut carries a
 *                   4-bit TimeOut; the session lasts at most 2^TimeOut
 *                   seconds (TimeOut 15: 32768 s, about 9.1 h), then the
 *                   device reverts to Class A.
 *   Class B session TS005-2.0.0 §4.6, McClassBSessionReq, Table 23: TimeOut
 *                   counts 128-second beacon periods, at most
 *                   128 x 2^TimeOut s (documented; the planner models
 *                   Class C sessions).
 *   AWS timeout     StartMulticastGroupSession LoRaWAN.SessionTimeout
 *                   (service model shape SessionTimeout): 60..172800 s,
 *                   rounded up to the next power of two (so at least 64 s).
 *   scheduling      AWS IoT Wireless developer guide, "Schedule a downlink
 *                   message for your multicast group": the session starts
 *                   at least 30 minutes after now and is scheduled within
 *                   48 hours; "Create multicast groups ...": a 48-hour
 *                   distribution window.
 *
 * Everything here is computation: no I/O, no clock (callers pass "now"),
 * thread-safe. Diagnostics follow core/diag.h (warnings: these are limits
 * to plan around, not request errors).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"

#define LIMITS_AWS_IMAGE_MAX_BYTES UINT64_C(1000000)
#define LIMITS_MEBIBYTE            UINT64_C(1048576)

#define LIMITS_CLASS_C_TIMEOUT_EXP_MAX 15
#define LIMITS_CLASS_C_TIMEOUT_MAX_S                                           \
    (UINT64_C(1) << LIMITS_CLASS_C_TIMEOUT_EXP_MAX)
#define LIMITS_CLASS_B_PERIOD_S 128

#define LIMITS_AWS_SESSION_TIMEOUT_MIN_S 60
#define LIMITS_AWS_SESSION_TIMEOUT_MAX_S 172800

#define LIMITS_START_LEAD_MIN_S      (30 * 60)
#define LIMITS_START_AHEAD_MAX_S     (48 * 3600)
#define LIMITS_DISTRIBUTION_WINDOW_S (48 * 3600)

/*
 * Checks an image size against the AWS limit. Returns true when it is
 * within 1,000,000 bytes; otherwise appends warning `image-size` (path
 * FirmwareUpdateImage) naming the size, the megabyte used and the fix (a
 * delta image) and returns false. diags may be NULL.
 */
bool limits_check_image(uint64_t image_bytes, struct diag_list *diags);

/* The Class C session timeout that covers a session. */
struct limits_timeout {
    uint64_t session_s; /* the session in whole seconds, rounded up */
    bool fits;          /* some TimeOut 0..15 covers it */
    /* The smallest TimeOut k with 2^k >= max(session_s, 60) (AWS's
     * SessionTimeout is at least 60 s, rounded up to 64), or -1 when the
     * session is longer than 2^15 s. */
    int exp;
    uint64_t timeout_s; /* 2^exp, 0 when none fits */
};

/*
 * Fills *out for a session of session_s seconds (>= 0; NaN or negative is
 * taken as 0). Returns out->fits.
 */
bool limits_class_c_timeout(double session_s, struct limits_timeout *out);

/*
 * The fragments a device hears before the longest Class C session (2^15 s)
 * ends, when fragment n is heard at (n - 1) x slot_us + time_on_air_us
 * after the session starts: 0 when even the first one is not, otherwise
 * (2^15 s - time on air) / slot + 1 (not capped at the session's count;
 * slot_us 0 is taken as 1).
 */
uint64_t limits_class_c_heard(uint64_t slot_us, uint64_t time_on_air_us);

/*
 * Whether a session of session_s seconds fits the 48-hour distribution
 * window. When it does not, appends warning `distribution-window` (path "")
 * unless diags already has one. diags may be NULL.
 */
bool limits_check_window(double session_s, struct diag_list *diags);

#define LIMITS_START_STATUSES(X)                                               \
    X(LIMITS_START_OK, "within the scheduling window")                         \
    X(LIMITS_START_TOO_SOON, "less than 30 minutes from now")                  \
    X(LIMITS_START_TOO_LATE, "more than 48 hours from now")

enum limits_start {
#define X(id, text) id,
    LIMITS_START_STATUSES(X)
#undef X
};

const char *limits_start_message(enum limits_start s);

/* What limits_check_schedule found. Times are seconds since the epoch. */
struct limits_schedule {
    enum limits_start verdict;
    int64_t start;
    int64_t earliest; /* now + 30 min: the earliest start allowed */
    int64_t latest;   /* now + 48 h: the latest start allowed */
    bool session_known;
    int64_t end;    /* start + session (rounded up), when known */
    bool window_ok; /* the session fits 48 h (true when unknown) */
};

/*
 * The scheduling check that `fuota tasks start --start-time`, `fuota plan
 * --start-time`, `fuota validate --start-time` and the console's start
 * share. Contract:
 *   - start is acceptable when now + 30 min <= start <= now + 48 h (both
 *     bounds included); earlier (also in the past) is LIMITS_START_TOO_SOON,
 *     later LIMITS_START_TOO_LATE. The verdict is returned and stored in
 *     *out (out may be NULL).
 *   - session_s >= 0 is the session's wall time (core/plan's
 *     session_wall_time_s); < 0 (or NaN) means unknown. A known session
 *     longer than 48 h is flagged as limits_check_window does.
 *   - Diagnostics (warnings, diags may be NULL): `start-too-soon` and
 *     `start-too-late` at path LoRaWAN.StartTime, naming the start, how far
 *     it is from now and the earliest or latest start allowed (ISO-8601
 *     UTC); `distribution-window` (path "").
 * Pure: the caller passes now (time(NULL), or a fixed clock in tests).
 */
enum limits_start limits_check_schedule(int64_t start, int64_t now,
                                        double session_s,
                                        struct limits_schedule *out,
                                        struct diag_list *diags);

#endif
