#ifndef FUOTA_TUI_PLANNER_SETTINGS_H
#define FUOTA_TUI_PLANNER_SETTINGS_H

/*
 * The planner's settings as data: its fields (PL_FIELDS), the text typed
 * into each, the first guess from the wizard, and the check that turns
 * them into sweep parameters or names the field and the rule it breaks.
 * The rules are sim/sweep's (sweep_check: the same limits and messages
 * as `fuota sweep`), plus one of the chart's own: at most PL_CURVES_MAX
 * loss levels, one curve each. The request's region, data rate and
 * FragmentIntervalMS come from the wizard (struct pl_request); what is
 * wrong with them is the request's problem, not a field's.
 *
 * Pure: no curses; a pl_settings is embedded by the caller.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sweep.h"
#include "tui/planner_chart.h"

/* Longest text a field takes (16 fragment sizes fit easily). */
#define PL_TEXT_MAX  96
#define PL_ERROR_MAX 512
/* Seeds as `fuota sweep` takes them (exact in a double). */
#define PL_SEED_MAX 9007199254740991ull

/* X(id, label, help): help says the form and the rule. */
#define PL_FIELDS(X)                                                           \
    X(PLF_REDUNDANCY, "Redundancy %",                                          \
      "Redundancy %: the RedundancyPercent levels across the chart, "          \
      "FROM:TO:STEP in whole percents 0..100 (one number = one level)")        \
    X(PLF_LOSS, "Loss %",                                                      \
      "Loss %: the loss levels, one curve each, FROM:TO:STEP in percent "      \
      "0..100, at most 8 levels")                                              \
    X(PLF_SIZES, "Fragment sizes",                                             \
      "Fragment sizes: bytes, 1..255, up to 16 separated by commas (e.g. "     \
      "48,100,200); empty = the most the data rate carries")                   \
    X(PLF_IMAGE, "Image bytes",                                                \
      "Image bytes: the image size, 1..4177665 (16383 fragments of 255 "       \
      "bytes)")                                                                \
    X(PLF_BURST, "Burst length",                                               \
      "Burst length: 0 = independent losses, else the mean burst in "          \
      "fragments (at least 1)")                                                \
    X(PLF_SPREAD, "Spread %",                                                  \
      "Spread %: devices differ: each device's loss is drawn around the "      \
      "level with this standard deviation")                                    \
    X(PLF_SHARED, "Shared loss %",                                             \
      "Shared loss %: fragments lost for every device of a session, "          \
      "0..100")                                                                \
    X(PLF_LATE_JOIN, "Late join",                                              \
      "Late join: every device misses fragments 1..K, 0..16383")               \
    X(PLF_DEVICES, "Devices",                                                  \
      "Devices: the fleet, 1..1000000000; above 1 the target is that all "     \
      "of them complete")                                                      \
    X(PLF_TARGET, "Target %",                                                  \
      "Target %: the share of devices that must complete (with Devices "       \
      "above 1: the probability that all do), 0..100")                         \
    X(PLF_TRIALS, "Trials",                                                    \
      "Trials: device trials a point, 1..100000000; the chart sharpens "       \
      "as they run")                                                           \
    X(PLF_SEED, "Seed",                                                        \
      "Seed: the random seed, 0..9007199254740991; the same seed gives "       \
      "what fuota sweep --seed gives")

enum pl_field {
#define X(id, label, help) id,
    PL_FIELDS(X)
#undef X
        PL_FIELD_COUNT
};

const char *pl_field_label(enum pl_field f);
const char *pl_field_help(enum pl_field f);

struct pl_settings {
    char text[PL_FIELD_COUNT][PL_TEXT_MAX + 1];
};

/* What the planner takes from the wizard. */
struct pl_wizard {
    uint64_t image_bytes;      /* 0 = not known */
    const char *fragment_size; /* FragmentSizeBytes as typed, or "" */
    const char *loss;          /* expected loss % as typed, or "" */
};

/*
 * Defaults: redundancy 0:100:5, loss 0:30:5 (or, when the expected loss
 * is not on that grid, up to 3 levels of 5 % either side of it), the
 * wizard's fragment size and image size, i.i.d. loss, 1 device, target
 * 99 %, 1000 trials, seed 1: what `fuota sweep` does by default.
 */
void pl_settings_init(struct pl_settings *s, const struct pl_wizard *w);
/* The loss range around an expected loss (see pl_settings_init), as
 * FROM:TO:STEP into buf. */
void pl_loss_range(double expected, char *buf, size_t size);
/* Replaces a field's text. False when longer than PL_TEXT_MAX. */
bool pl_settings_set(struct pl_settings *s, enum pl_field f, const char *text)
    __attribute__((warn_unused_result));

/* The request's side of the sweep, from the wizard. */
struct pl_request {
    const char *region; /* NULL = EU868 */
    int dr;             /* -1 = the region's Class C default */
    bool has_interval;
    int32_t interval_ms;
};

/* Checked parameters; params points into the struct (keep it in place). */
struct pl_plan {
    struct sweep_params params;
    uint32_t sizes[SWEEP_SIZES_MAX];
    int dr;
    char region[32];
};

/*
 * Checks every field and then the whole (sweep_check). On success fills
 * *out and returns true. Otherwise *field is the field at fault
 * (PL_FIELD_COUNT: the request's region, data rate or interval) and err
 * the rule, starting with the field's label ("Redundancy %: FROM 30 is
 * above TO 20: ...").
 */
bool pl_settings_check(const struct pl_settings *s,
                       const struct pl_request *req, struct pl_plan *out,
                       enum pl_field *field, char *err, size_t size)
    __attribute__((warn_unused_result));

#endif
