/* Published field limits; the sources are in core/limits.h. */
#include "core/limits.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/backend.h"
#include "core/units.h"

static const char *const start_messages[] = {
#define X(id, text) [id] = text,
    LIMITS_START_STATUSES(X)
#undef X
};

const char *limits_start_message(enum limits_start s)
{
    if ((size_t)s >= sizeof(start_messages) / sizeof(start_messages[0]))
        return "unknown scheduling status";
    return start_messages[s];
}

bool limits_check_image(uint64_t image_bytes, struct diag_list *diags)
{
    if (image_bytes <= LIMITS_AWS_IMAGE_MAX_BYTES)
        return true;
    if (diags == NULL)
        return false;
    const char *mib = image_bytes <= LIMITS_MEBIBYTE
                          ? " (it is within 1 MiB, 1,048,576 bytes, but the "
                            "guide does not say which megabyte)"
                          : "";
    diag_add(diags, DIAG_WARNING, "FirmwareUpdateImage", "image-size",
             "the image is %llu bytes, above the 1 MB (1,000,000 bytes) AWS "
             "accepts for a FUOTA image (\"FUOTA process overview\")%s: send "
             "a delta image against the firmware the devices run",
             (unsigned long long)image_bytes, mib);
    return false;
}

uint64_t limits_class_c_heard(uint64_t slot_us, uint64_t time_on_air_us)
{
    uint64_t limit_us = (uint64_t)LIMITS_CLASS_C_TIMEOUT_MAX_S * 1000000u;
    if (limit_us < time_on_air_us)
        return 0;
    return (limit_us - time_on_air_us) / (slot_us ? slot_us : 1) + 1;
}

bool limits_class_c_timeout(double session_s, struct limits_timeout *out)
{
    memset(out, 0, sizeof(*out));
    out->exp = -1;
    if (!(session_s > 0.0))
        session_s = 0.0;
    /* Whole seconds, rounded up; anything past 2^63 is "too long". */
    double up = ceil(session_s);
    out->session_s = up >= 9.2e18 ? UINT64_MAX : (uint64_t)up;
    uint64_t need = out->session_s;
    if (need < LIMITS_AWS_SESSION_TIMEOUT_MIN_S)
        need = LIMITS_AWS_SESSION_TIMEOUT_MIN_S;
    for (int k = 0; k <= LIMITS_CLASS_C_TIMEOUT_EXP_MAX; k++)
        if ((UINT64_C(1) << k) >= need) {
            out->exp = k;
            out->timeout_s = UINT64_C(1) << k;
            out->fits = true;
            break;
        }
    return out->fits;
}

bool limits_check_window(double session_s, struct diag_list *diags)
{
    if (!(session_s > (double)LIMITS_DISTRIBUTION_WINDOW_S))
        return true;
    if (diags == NULL || diag_find(diags, "", "distribution-window") != NULL)
        return false;
    char took[48];
    diag_add(diags, DIAG_WARNING, "", "distribution-window",
             "the session lasts %s, longer than the 48-hour window AWS gives "
             "a multicast session (\"Create multicast groups\", "
             "SessionTimeout at most 172800 s): it cannot be delivered in "
             "one session",
             units_duration(session_s, took, sizeof(took)));
    return false;
}

/* "12 min from now", "5 min 03 s in the past". */
static const char *from_now(int64_t delta, char *buf, size_t size)
{
    char d[48];
    double away = delta < 0 ? -(double)delta : (double)delta;
    if (delta == 0)
        snprintf(buf, size, "now");
    else
        snprintf(buf, size, "%s %s", units_duration(away, d, sizeof(d)),
                 delta < 0 ? "in the past" : "from now");
    return buf;
}

enum limits_start limits_check_schedule(int64_t start, int64_t now,
                                        double session_s,
                                        struct limits_schedule *out,
                                        struct diag_list *diags)
{
    struct limits_schedule s = {
        .verdict = LIMITS_START_OK,
        .start = start,
        .earliest = now + LIMITS_START_LEAD_MIN_S,
        .latest = now + LIMITS_START_AHEAD_MAX_S,
        .window_ok = true,
    };
    char when[32], bound[32], away[64];
    backend_time_format(start, when, sizeof(when));
    from_now(start - now, away, sizeof(away));
    if (start < s.earliest)
        s.verdict = LIMITS_START_TOO_SOON;
    else if (start > s.latest)
        s.verdict = LIMITS_START_TOO_LATE;
    if (diags == NULL) {
        /* Nothing to say: the verdict alone. */
    } else if (s.verdict == LIMITS_START_TOO_SOON) {
        backend_time_format(s.earliest, bound, sizeof(bound));
        diag_add(diags, DIAG_WARNING, "LoRaWAN.StartTime", "start-too-soon",
                 "%s is %s: a multicast session starts at least 30 minutes "
                 "after it is scheduled (\"Schedule a downlink message for "
                 "your multicast group\"); start at %s or later",
                 when, away, bound);
    } else if (s.verdict == LIMITS_START_TOO_LATE) {
        backend_time_format(s.latest, bound, sizeof(bound));
        diag_add(diags, DIAG_WARNING, "LoRaWAN.StartTime", "start-too-late",
                 "%s is %s: a multicast session is scheduled within 48 hours "
                 "(\"Schedule a downlink message for your multicast "
                 "group\"); start by %s",
                 when, away, bound);
    }
    if (session_s >= 0.0) {
        s.session_known = true;
        /* Capped at about 31,700 years: no overflow whatever the input. */
        double span = ceil(session_s < 1e12 ? session_s : 1e12);
        s.end = start + (int64_t)span;
        s.window_ok = limits_check_window(session_s, diags);
    }
    if (out != NULL)
        *out = s;
    return s.verdict;
}
