#ifndef FUOTA_TUI_PLAYBACK_SETTINGS_H
#define FUOTA_TUI_PLAYBACK_SETTINGS_H

/*
 * The playback's settings panel as data: its fields (PB_FIELDS), the
 * text typed into each, and the check that turns them into fleet
 * parameters or names, field by field, the rule a value breaks. The
 * rules are those of `fuota simulate` (the same limits, sim/loss's loss
 * checks, fleet_session_from_task for the request and the image), with
 * one of the console's own: at most PB_DEVICES_MAX devices.
 *
 * Pure: no curses; a pb_settings is embedded by the caller.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/task.h"
#include "sim/fleet.h"

/* The console plays at most this many devices (fuota simulate more). */
#define PB_DEVICES_MAX 100000u
/* The largest image a TS004 session carries: 16383 x 255 bytes. */
#define PB_IMAGE_MAX (16383ull * 255u)
/* Seeds are reported as JSON numbers: exact in a double. */
#define PB_SEED_MAX 9007199254740991ull
/* Longest text a field takes (the drop list is the long one). */
#define PB_TEXT_MAX 4096

enum pb_kind { PB_TEXT, PB_DECIMAL, PB_INT, PB_CHOICE };

/*
 * X(id, group, label, kind, width, help): help is the rule, shown on the
 * message line while the field has the focus.
 */
#define PB_FIELDS(X)                                                           \
    X(PBF_DEVICES, "Fleet", "Devices", PB_INT, 8,                              \
      "Devices: how many virtual devices, 1 to 100000")                        \
    X(PBF_IMAGE, "Fleet", "Image bytes", PB_INT, 8,                            \
      "Image bytes: the image size, 1 to 4177665 (16383 x 255), cut into "     \
      "the request's FragmentSizeBytes")                                       \
    X(PBF_LOSS, "Loss", "Loss %", PB_DECIMAL, 8,                               \
      "Loss %: each device loses each fragment with this probability, "        \
      "0 to 100")                                                              \
    X(PBF_BURST, "Loss", "Burst length", PB_DECIMAL, 8,                        \
      "Burst length: 0 = independent losses, else the mean burst in "          \
      "fragments (at least 1; Gilbert-Elliott, same long-run loss)")           \
    X(PBF_SPREAD, "Loss", "Spread %", PB_DECIMAL, 8,                           \
      "Spread %: devices differ: each device's own loss is drawn around the "  \
      "loss with this standard deviation, below sqrt(p(1-p))")                 \
    X(PBF_SHARED, "Loss", "Shared loss %", PB_DECIMAL, 8,                      \
      "Shared loss %: fragments lost for every device (the gateway missed "    \
      "them), 0 to 100")                                                       \
    X(PBF_LATE_JOIN, "Loss", "Late join", PB_INT, 8,                           \
      "Late join: every device misses fragments 1..K, 0 to 16383")             \
    X(PBF_DROP, "Loss", "Drop fragments", PB_TEXT, 24,                         \
      "Drop fragments: fragment numbers lost for every device, e.g. "          \
      "3,17,200 (1 to 16383, within the session)")                             \
    X(PBF_DR, "Link", "Data rate", PB_CHOICE, 0,                               \
      "Data rate: the session's downlink data rate; Left/Right to change")     \
    X(PBF_CLASS_C, "Link", "Class C limit", PB_CHOICE, 0,                      \
      "Class C limit: on, devices leave when a Class C session must end "      \
      "(TS005: 2^15 s) and miss the rest; off, they listen to the end")        \
    X(PBF_MAX_FRAGS, "Devices", "Max fragments", PB_INT, 8,                    \
      "Max fragments: the most fragments (NbFrag) a device accepts, 1 to "     \
      "16383; empty or 0 = no limit")                                          \
    X(PBF_MAX_FRAG_SIZE, "Devices", "Max fragment size", PB_INT, 8,            \
      "Max fragment size: the largest fragment a device accepts, 1 to 255 "    \
      "bytes; empty or 0 = no limit")                                          \
    X(PBF_MAX_LOST, "Devices", "Max lost", PB_INT, 8,                          \
      "Max lost: the most lost fragments a device can repair, 1 to 16383; "    \
      "empty or 0 = no limit")                                                 \
    X(PBF_MEMORY, "Devices", "Memory bytes", PB_INT, 14,                       \
      "Memory bytes: RAM a device has for the image and its decoder, 1 to "    \
      "1099511627776; empty or 0 = no limit")                                  \
    X(PBF_FAULTS, "Devices", "Faults", PB_TEXT, 24,                            \
      "Faults: shares of the fleet with a device fault, NAME:PCT, comma "      \
      "separated, e.g. mic-error:5,wrong-descriptor:2 (fuota simulate "        \
      "--fault)")                                                              \
    X(PBF_SEED, "Run", "Seed", PB_INT, 17,                                     \
      "Seed: the random seed, 0 to 9007199254740991; the same seed plays "     \
      "the same session")                                                      \
    X(PBF_MODE, "Run", "Decoding", PB_CHOICE, 0,                               \
      "Decoding: rank (rank-only, 1 % fully decoded, fast) or full (every "    \
      "device rebuilds the image and checks its hash)")                        \
    X(PBF_EARLY_STOP, "Run", "Early stop", PB_CHOICE, 0,                       \
      "Early stop: stop the redundancy once every device is done")

enum pb_field {
#define X(id, group, label, kind, width, help) id,
    PB_FIELDS(X)
#undef X
        PB_FIELD_COUNT
};

const char *pb_field_group(enum pb_field f);
const char *pb_field_label(enum pb_field f);
enum pb_kind pb_field_kind(enum pb_field f);
int pb_field_width(enum pb_field f);
const char *pb_field_help(enum pb_field f);

/* The data rate choices of a region: -1 (its Class C default) then each
 * downlink data rate that carries fragments; returns how many (<= max). */
size_t pb_dr_choices(const char *region, int *drs, size_t max);

#define PB_ERROR_MAX 512

struct pb_settings {
    char *text[PB_FIELD_COUNT]; /* PB_TEXT/DECIMAL/INT fields; never NULL */
    int dr;                     /* -1 = the region's default */
    enum fleet_mode mode;
    bool early_stop;
    /* Devices leave after the fragments heard within 2^15 s, the longest
     * Class C multicast session (TS005 McClassCSessionReq; core/limits):
     * the rest are lost for every device. Default on. */
    bool class_c_limit;

    /* Filled by pb_settings_check. */
    char error[PB_FIELD_COUNT][PB_ERROR_MAX]; /* "" = fine */
    char request_error[PB_ERROR_MAX];         /* the request cannot play */
};

/* Defaults: 100 devices, no loss, no limits, seed 1, rank decoding. */
bool pb_settings_init(struct pb_settings *s)
    __attribute__((warn_unused_result));
void pb_settings_cleanup(struct pb_settings *s);
/* Replaces a field's text (copied). False on out of memory or too long. */
bool pb_settings_set(struct pb_settings *s, enum pb_field f, const char *text)
    __attribute__((warn_unused_result));

/*
 * What the settings play: the session and the fleet parameters. The
 * params point into this struct (session, drop) and at `image` (NULL
 * until the caller generates it): keep it in place while they are used.
 */
struct pb_run {
    struct fleet_session session;
    struct fleet_params params;
    uint32_t *drop; /* heap: the Drop fragments, and with the Class C
                     * limit the fragments after it */
    size_t drop_count;
    uint64_t image_bytes;
    /* fleet_class_c_heard: the fragments a device hears within 2^15 s
     * when the session is longer than that, else 0. */
    uint32_t class_c_heard;
};

/*
 * Checks every field (each error is written to s->error[f], naming the
 * field and its rule) and then the session of `request` with these
 * settings (fleet_session_from_task: problems with the image size or the
 * data rate go to their field, problems of the request to
 * s->request_error). On success fills *out (release with
 * pb_run_cleanup) and returns true; out is cleaned up otherwise.
 */
bool pb_settings_check(struct pb_settings *s, const struct fuota_task *request,
                       struct pb_run *out);
struct scenario;

/*
 * Fills the fields a training scenario gives (sim/scenario.h): the fleet
 * (devices, image size), the link (loss, burst, spread, shared loss, late
 * join, the drop list with the fragments its gateway outages cover, for
 * `request`'s session at the chosen data rate), the device limits and the
 * faults. Fields it does not give are reset to the defaults, so a
 * scenario plays the same whatever was typed before. False (err says why)
 * on out of memory or when the outages cannot be placed (the request's
 * session cannot be played: its own error is shown by the check).
 */
bool pb_settings_apply_scenario(struct pb_settings *s,
                                const struct scenario *sc,
                                const struct fuota_task *request, char *err,
                                size_t errsize)
    __attribute__((warn_unused_result));

/* The first field with an error, or PB_FIELD_COUNT. */
enum pb_field pb_settings_first_error(const struct pb_settings *s);
void pb_run_cleanup(struct pb_run *r);

#endif
