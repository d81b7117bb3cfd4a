/* The planning preview; the formulas and rules are in core/plan.h. */
#include "core/plan.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/airtime.h"
#include "core/units.h"

/* Tolerance for comparing fragment counts computed from a loss percent. */
#define COUNT_EPSILON 1e-9

static const char *const status_messages[] = {
#define X(id, message) [id] = message,
    PLAN_STATUSES(X)
#undef X
};

const char *plan_status_message(enum plan_status s)
{
    if ((size_t)s >= sizeof(status_messages) / sizeof(status_messages[0]))
        return "unknown plan status";
    return status_messages[s];
}

uint64_t plan_round_interval_ms(int32_t interval_ms)
{
    if (interval_ms <= 0)
        return 0;
    return ((uint64_t)interval_ms + 500u) / 1000u * 1000u;
}

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
    return a / b + (a % b != 0);
}

static double ms(uint64_t us)
{
    return (double)us / 1000.0;
}

/* Smallest percent in 0..100 whose (M + R)(1 - p) reaches M + 7, or -1. */
static int recommended_percent(uint64_t m, double loss_percent)
{
    if (loss_percent <= 0.0)
        return 0;
    double need = (double)(m + PLAN_OVERHEAD_99) * 100.0;
    for (int pct = 0; pct <= 100; pct++) {
        double got = (double)(m + fec_redundancy_ceil(m, (uint32_t)pct)) *
                     (100.0 - loss_percent);
        if (got >= need - COUNT_EPSILON)
            return pct;
    }
    return -1;
}

/* The largest M whose M + R stays within the TS004 limit. */
static uint64_t max_uncoded(int percent)
{
    uint64_t m =
        (uint64_t)FEC_FRAGMENTS_MAX * 100u / (100u + (unsigned)percent);
    while (m > 0 &&
           m + fec_redundancy_ceil(m, (uint32_t)percent) > FEC_FRAGMENTS_MAX)
        m--;
    return m;
}

/* Removes every diagnostic with this path and rule (a later, more precise
 * one replaces it). */
static void drop_diag(struct diag_list *diags, const char *path,
                      const char *rule)
{
    if (diags == NULL)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < diags->count; i++) {
        const struct diag *d = &diags->items[i];
        if (strcmp(d->path, path) == 0 && strcmp(d->rule, rule) == 0)
            continue;
        if (kept != i)
            diags->items[kept] = *d;
        kept++;
    }
    diags->count = kept;
}

static enum plan_status check_input(const struct plan_input *in,
                                    struct diag_list *diags,
                                    const struct region **region)
{
    const struct fuota_task *t = in->task;
    if (t == NULL)
        return PLAN_INVALID_REQUEST;
    if (t->rf_region == NULL) {
        drop_diag(diags, "LoRaWAN.RfRegion", "no-region");
        diag_add(diags, DIAG_ERROR, "LoRaWAN.RfRegion", "region-required",
                 "the plan needs the RF region (data rates, payload sizes, "
                 "duty cycle): set LoRaWAN.RfRegion");
        return PLAN_NO_REGION;
    }
    *region = region_find(t->rf_region);
    if (*region == NULL)
        return PLAN_UNKNOWN_REGION;
    if ((t->has_fragment_size_bytes && t->fragment_size_bytes < 1) ||
        (t->has_redundancy_percent &&
         (t->redundancy_percent < 0 ||
          t->redundancy_percent > TASK_REDUNDANCY_MAX)) ||
        (t->has_fragment_interval_ms && t->fragment_interval_ms < 1))
        return PLAN_INVALID_REQUEST;
    if (in->has_expected_loss && !(in->expected_loss_percent >= 0.0 &&
                                   in->expected_loss_percent <= 100.0))
        return PLAN_BAD_LOSS;
    if (in->image_bytes == 0)
        return PLAN_EMPTY_IMAGE;
    if (in->image_bytes > PLAN_IMAGE_MAX)
        return PLAN_IMAGE_TOO_LARGE;
    return PLAN_OK;
}

/*
 * The advice names the smallest fragment size that fits one session, unless
 * no fragment this DR can carry is that large: then no FragmentSizeBytes
 * helps and the message says so.
 */
static void too_many_fragments(const struct plan *p, struct diag_list *diags)
{
    uint64_t m_max = max_uncoded(p->redundancy_percent);
    uint64_t s_min = ceil_div(p->image_bytes, m_max);
    uint64_t s_limit = FEC_FRAG_SIZE_MAX;
    if (p->max_fragment_bytes >= 0 && (uint64_t)p->max_fragment_bytes < s_limit)
        s_limit = (uint64_t)p->max_fragment_bytes;
    char advice[192];
    if (s_min <= s_limit)
        snprintf(advice, sizeof(advice),
                 "the image needs fragments of at least %llu bytes",
                 (unsigned long long)s_min);
    else
        snprintf(advice, sizeof(advice),
                 "it would need fragments of at least %llu bytes, above the "
                 "%llu a fragment can hold at DR%d: the image cannot fit one "
                 "TS004 session at this data rate",
                 (unsigned long long)s_min, (unsigned long long)s_limit,
                 p->dr->dr);
    diag_add(diags, DIAG_ERROR, "FragmentSizeBytes", "too-many-fragments",
             "%llu fragments (%llu + %llu redundant) exceed the %u a TS004 "
             "session can number; at %d %% redundancy %s",
             (unsigned long long)p->total_fragments,
             (unsigned long long)p->uncoded_fragments,
             (unsigned long long)p->redundancy_fragments, FEC_FRAGMENTS_MAX,
             p->redundancy_percent, advice);
}

static void size_checks(const struct plan *p, struct diag_list *diags)
{
    char dr_text[48];
    region_dr_describe(p->dr, dr_text, sizeof(dr_text));
    const char *how = p->assumed.fragment_size ? "assumed " : "";
    if (p->fragment_size_bytes > p->max_fragment_bytes)
        diag_add(diags, DIAG_ERROR, "FragmentSizeBytes", "fragment-too-large",
                 "%s%d bytes do not fit a downlink at %s DR%d (%s): it "
                 "carries at most %d fragment bytes (N %d - 3); the fragments "
                 "could never be delivered",
                 how, p->fragment_size_bytes, p->region->name, p->dr->dr,
                 dr_text, p->max_fragment_bytes, p->dr->max_app_payload_n);
    if (p->fragment_size_bytes > (int)FEC_FRAG_SIZE_MAX)
        diag_add(diags, DIAG_ERROR, "FragmentSizeBytes", "fragment-size-max",
                 "%d bytes is above the 255 bytes a TS004 fragmentation "
                 "session can announce (FragSize is one byte)",
                 p->fragment_size_bytes);
    if (p->total_fragments > FEC_FRAGMENTS_MAX)
        too_many_fragments(p, diags);
}

/*
 * AS923: where a country enforces the 400 ms downlink dwell time, the
 * network must keep downlinks within the *_dwell400 sizes of RP002 (0 there:
 * the DR cannot be used at all).
 */
static void dwell_check(const struct plan *p, struct diag_list *diags)
{
    int dwell = p->region->dwell_downlink_ms;
    if (dwell <= 0)
        return;
    int limit = p->dr->max_fragment_bytes_dwell400;
    if (limit == 0)
        diag_add(diags, DIAG_WARNING, "FragmentSizeBytes", "dwell-time",
                 "where a country enforces the %d ms downlink dwell time "
                 "(%s, e.g. Japan) DR%d cannot be used at all",
                 dwell, p->region->name, p->dr->dr);
    else if (p->fragment_size_bytes > limit)
        diag_add(diags, DIAG_WARNING, "FragmentSizeBytes", "dwell-time",
                 "where a country enforces the %d ms downlink dwell time "
                 "(%s, e.g. Japan) DR%d carries at most %d fragment bytes; "
                 "%d bytes take %.3f ms on air",
                 dwell, p->region->name, p->dr->dr, limit,
                 p->fragment_size_bytes, ms(p->time_on_air_us));
}

static void timing_checks(const struct plan *p, struct diag_list *diags)
{
    if (!p->airtime_known)
        return;
    if (p->has_interval && p->interval_ms * 1000u < p->time_on_air_us)
        diag_add(diags, DIAG_WARNING, "FragmentIntervalMS",
                 "interval-below-airtime",
                 "%d ms is sent as %llu s, shorter than the %.3f ms one "
                 "fragment takes on air at DR%d: fragments go back to back",
                 (int)p->interval_requested_ms,
                 (unsigned long long)(p->interval_ms / 1000u),
                 ms(p->time_on_air_us), p->dr->dr);
    if (p->duty_limited) {
        char where[64] = "";
        if (p->sub_band != NULL)
            snprintf(where, sizeof(where), " of sub-band %s",
                     p->sub_band->name);
        uint64_t min_interval_ms =
            ceil_div(p->duty_min_slot_us, 1000000u) * 1000u;
        if (p->has_interval)
            diag_add(diags, DIAG_WARNING, "FragmentIntervalMS", "duty-cycle",
                     "%d ms (sent as %llu s) breaks the %g %% duty cycle%s at "
                     "%.3f MHz: a %.3f ms fragment may go out at most every "
                     "%.3f s; the plan uses that slot; set at least %llu ms",
                     (int)p->interval_requested_ms,
                     (unsigned long long)(p->interval_ms / 1000u),
                     p->duty_cycle * 100.0, where,
                     (double)p->frequency_hz / 1e6, ms(p->time_on_air_us),
                     (double)p->duty_min_slot_us / 1e6,
                     (unsigned long long)min_interval_ms);
        else
            diag_add(diags, DIAG_WARNING, "FragmentIntervalMS", "duty-cycle",
                     "sending fragments back to back would break the %g %% "
                     "duty cycle%s at %.3f MHz: a %.3f ms fragment may go out "
                     "at most every %.3f s; the plan uses that slot; set at "
                     "least %llu ms",
                     p->duty_cycle * 100.0, where,
                     (double)p->frequency_hz / 1e6, ms(p->time_on_air_us),
                     (double)p->duty_min_slot_us / 1e6,
                     (unsigned long long)min_interval_ms);
    }
    dwell_check(p, diags);
}

static void redundancy_checks(const struct plan *p, struct diag_list *diags)
{
    if (!p->has_expected_loss || p->expected_loss_percent <= 0.0)
        return;
    double need = (double)p->needed_99_fragments;
    if (p->expected_received_fragments >= need - COUNT_EPSILON)
        return;
    char advice[96];
    if (p->recommended_redundancy_percent >= 0)
        snprintf(advice, sizeof(advice),
                 "raise RedundancyPercent to at least %d",
                 p->recommended_redundancy_percent);
    else
        snprintf(advice, sizeof(advice),
                 "no RedundancyPercent up to 100 is enough: improve the link "
                 "or send the image twice");
    diag_add(diags, DIAG_WARNING, "RedundancyPercent", "redundancy-low",
             "at %g %% expected loss a device receives about %.1f of %llu "
             "fragments; TS004 decoding needs about %llu (M + 2) on average "
             "and %llu (M + 7) for 99 %%: %s",
             p->expected_loss_percent, p->expected_received_fragments,
             (unsigned long long)p->total_fragments,
             (unsigned long long)p->needed_average_fragments,
             (unsigned long long)p->needed_99_fragments, advice);
}

static void compute_timing(struct plan *p)
{
    uint64_t toa;
    p->airtime_known =
        airtime_dr_downlink_us(p->dr, (size_t)p->phy_payload_bytes, &toa);
    if (!p->airtime_known)
        return;
    p->time_on_air_us = toa;
    p->total_time_on_air_us = toa * p->total_fragments;

    uint64_t base = p->has_interval ? p->interval_ms * 1000u : 0;
    if (base < toa)
        base = toa;
    p->slot_us = base;
    if (p->duty_cycle > 0.0) {
        /* Limits are whole parts per million (0.1 %, 1 %, 10 %): keep the
         * division exact. */
        uint64_t ppm = (uint64_t)llround(p->duty_cycle * 1e6);
        p->duty_min_slot_us = ceil_div(toa * 1000000u, ppm);
        if (p->duty_min_slot_us > base) {
            p->duty_limited = true;
            p->slot_us = p->duty_min_slot_us;
        }
    }
    p->duty_cycle_used_percent = (double)toa * 100.0 / (double)p->slot_us;
    p->session_wall_time_s =
        (double)p->total_fragments * (double)p->slot_us / 1e6;
}

static void compute_decoder(struct plan *p)
{
    uint64_t m = p->uncoded_fragments;
    uint64_t l = p->redundancy_fragments;
    uint64_t s = (uint64_t)p->fragment_size_bytes;
    p->decoder_matrix_bytes = ((l >> 3) + 1) * l;
    p->decoder_index_bytes = 2 * m;
    p->decoder_work_bytes = ((m >> 3) + 1) + s + 3 * ((l >> 3) + 1);
    p->decoder_ram_bytes = p->decoder_matrix_bytes + p->decoder_index_bytes +
                           p->decoder_work_bytes;
    p->image_storage_bytes = m * s;
}

static void compute_guidance(struct plan *p, const struct plan_input *in)
{
    p->needed_average_fragments = p->uncoded_fragments + PLAN_OVERHEAD_AVERAGE;
    p->needed_99_fragments = p->uncoded_fragments + PLAN_OVERHEAD_99;
    p->recommended_redundancy_percent = -1;
    if (!in->has_expected_loss)
        return;
    p->has_expected_loss = true;
    p->expected_loss_percent = in->expected_loss_percent;
    p->expected_received_fragments = (double)p->total_fragments *
                                     (100.0 - in->expected_loss_percent) /
                                     100.0;
    p->recommended_redundancy_percent =
        recommended_percent(p->uncoded_fragments, in->expected_loss_percent);
}

/* True when diags already holds an error about `path` (e.g. a member whose
 * value was unusable and left unset by task_from_json). */
static bool error_at(const struct diag_list *diags, const char *path)
{
    for (size_t i = 0; diags != NULL && i < diags->count; i++)
        if (diags->items[i].severity == DIAG_ERROR &&
            strcmp(diags->items[i].path, path) == 0)
            return true;
    return false;
}

static const char *unset_text(const struct diag_list *diags, const char *path)
{
    return error_at(diags, path) ? "unusable" : "not set";
}

static void assumption_diags(const struct plan *p, struct diag_list *diags)
{
    char dr_text[48];
    region_dr_describe(p->dr, dr_text, sizeof(dr_text));
    if (p->assumed.fragment_size)
        diag_add(diags, DIAG_WARNING, "FragmentSizeBytes",
                 "assumed-fragment-size",
                 "%s: the plan assumes %d bytes, the most DR%d (%s) "
                 "carries; set it, a multicast session needs it",
                 unset_text(diags, "FragmentSizeBytes"), p->fragment_size_bytes,
                 p->dr->dr, dr_text);
    if (p->assumed.redundancy)
        diag_add(diags, DIAG_WARNING, "RedundancyPercent", "assumed-redundancy",
                 "%s: the plan assumes 0 %% (no redundant fragments); a "
                 "device that misses one fragment cannot rebuild the image",
                 unset_text(diags, "RedundancyPercent"));
    if (p->assumed.interval)
        diag_add(diags, DIAG_NOTE, "FragmentIntervalMS", "assumed-interval",
                 "%s: the plan assumes fragments are sent back to back "
                 "(as fast as air time and duty cycle allow), so the session "
                 "time is a lower bound",
                 unset_text(diags, "FragmentIntervalMS"));
    if (p->redundancy_rounded)
        diag_add(diags, DIAG_NOTE, "RedundancyPercent", "rounding",
                 "%d %% of %llu fragment%s is %.2f: AWS states no rounding, "
                 "the plan rounds up to %llu",
                 p->redundancy_percent,
                 (unsigned long long)p->uncoded_fragments,
                 p->uncoded_fragments == 1 ? "" : "s",
                 (double)p->uncoded_fragments * p->redundancy_percent / 100.0,
                 (unsigned long long)p->redundancy_fragments);
}

/* Every figure of the plan that depends on the request, the image and the
 * data rate (no diagnostics): shared by plan_compute and the fixes. */
static void figures(struct plan *p, const struct fuota_task *t,
                    uint64_t image_bytes, const struct region *r,
                    const struct region_dr *d)
{
    p->region = r;
    p->dr = d;
    p->dr_is_default = d->dr == r->rx2_dr;
    p->frequency_hz = region_default_frequency_hz(r);
    p->image_bytes = image_bytes;
    p->max_fragment_bytes = d->max_fragment_bytes;

    p->assumed.fragment_size = !t->has_fragment_size_bytes;
    p->fragment_size_bytes = t->has_fragment_size_bytes ? t->fragment_size_bytes
                                                        : d->max_fragment_bytes;
    p->assumed.redundancy = !t->has_redundancy_percent;
    p->redundancy_percent =
        t->has_redundancy_percent ? t->redundancy_percent : 0;
    p->assumed.interval = !t->has_fragment_interval_ms;
    p->has_interval = t->has_fragment_interval_ms;
    if (p->has_interval) {
        p->interval_requested_ms = t->fragment_interval_ms;
        p->interval_ms = plan_round_interval_ms(t->fragment_interval_ms);
    }

    uint64_t size = (uint64_t)p->fragment_size_bytes;
    p->uncoded_fragments =
        fec_uncoded_fragments(p->image_bytes, (uint32_t)size);
    p->redundancy_fragments = fec_redundancy_ceil(
        p->uncoded_fragments, (uint32_t)p->redundancy_percent);
    p->redundancy_rounded =
        p->uncoded_fragments * (uint64_t)p->redundancy_percent % 100u != 0;
    p->total_fragments = p->uncoded_fragments + p->redundancy_fragments;
    p->padding_bytes = p->uncoded_fragments * size - p->image_bytes;
    p->phy_payload_bytes =
        (int64_t)p->fragment_size_bytes + REGION_FRAGMENT_PHY_OVERHEAD;

    p->duty_cycle = region_duty_cycle_at(r, p->frequency_hz);
    p->sub_band = region_sub_band_at(r, p->frequency_hz);
    /* The budget is the region's, known even when the frame is not. */
    if (p->duty_cycle > 0.0)
        p->duty_budget_s_per_hour = p->duty_cycle * 3600.0;
    compute_timing(p);
    compute_decoder(p);
}

static const char *const fix_kind_names[] = {
#define X(id, name) [id] = name,
    PLAN_FIX_KINDS(X)
#undef X
};

const char *plan_fix_kind_name(enum plan_fix_kind kind)
{
    if ((size_t)kind >= sizeof(fix_kind_names) / sizeof(fix_kind_names[0]))
        return "unknown";
    return fix_kind_names[kind];
}

static bool deliverable(const struct plan *p)
{
    return p->airtime_known &&
           p->fragment_size_bytes <= p->max_fragment_bytes &&
           p->fragment_size_bytes <= (int)FEC_FRAG_SIZE_MAX &&
           p->total_fragments <= FEC_FRAGMENTS_MAX;
}

/* The plan of `t` at data rate d, into *alt; true when its session is
 * deliverable and within the Class C timeout (alt->timeout then set). */
static bool fits(struct plan *alt, const struct fuota_task *t,
                 uint64_t image_bytes, const struct region *r,
                 const struct region_dr *d)
{
    memset(alt, 0, sizeof(*alt));
    figures(alt, t, image_bytes, r, d);
    return deliverable(alt) &&
           limits_class_c_timeout(alt->session_wall_time_s, &alt->timeout);
}

static void add_fix(struct plan *p, enum plan_fix_kind kind,
                    const struct plan *alt)
{
    struct plan_fix *f = &p->fixes[p->fix_count++];
    f->kind = kind;
    f->dr = alt->dr->dr;
    f->fragment_size_bytes = alt->fragment_size_bytes;
    f->redundancy_percent = alt->redundancy_percent;
    f->has_interval = alt->has_interval;
    f->interval_ms = alt->interval_requested_ms;
    f->total_fragments = alt->total_fragments;
    f->session_wall_time_s = alt->session_wall_time_s;
    f->timeout = alt->timeout;
}

/* Each single change that brings the session within 2^15 s (the kinds and
 * their order are in core/plan.h). t is the request; the alternatives use
 * a shallow copy with one member changed (its strings are only read). */
static void find_fixes(struct plan *p, const struct fuota_task *t)
{
    const struct region *r = p->region;
    struct fuota_task alt_t = *t;
    alt_t.has_fragment_size_bytes = true;
    alt_t.fragment_size_bytes = p->fragment_size_bytes;
    alt_t.has_redundancy_percent = true;
    alt_t.redundancy_percent = p->redundancy_percent;
    struct plan alt;

    for (size_t i = 0; i < r->dr_count; i++) {
        const struct region_dr *d = &r->drs[i];
        if (d->dr <= p->dr->dr || !region_dr_carries_fragments(d))
            continue;
        struct fuota_task bigger = alt_t;
        bigger.fragment_size_bytes =
            d->max_fragment_bytes < (int)FEC_FRAG_SIZE_MAX
                ? d->max_fragment_bytes
                : (int)FEC_FRAG_SIZE_MAX;
        if (fits(&alt, &alt_t, p->image_bytes, r, d) ||
            (bigger.fragment_size_bytes > alt_t.fragment_size_bytes &&
             fits(&alt, &bigger, p->image_bytes, r, d))) {
            add_fix(p, PLAN_FIX_DATA_RATE, &alt);
            break;
        }
    }

    int largest = p->max_fragment_bytes < (int)FEC_FRAG_SIZE_MAX
                      ? p->max_fragment_bytes
                      : (int)FEC_FRAG_SIZE_MAX;
    for (int size = p->fragment_size_bytes + 1; size <= largest; size++) {
        struct fuota_task sized = alt_t;
        sized.fragment_size_bytes = size;
        if (fits(&alt, &sized, p->image_bytes, r, p->dr)) {
            add_fix(p, PLAN_FIX_FRAGMENT_SIZE, &alt);
            break;
        }
    }

    /* The shortest whole-second interval that keeps the duty cycle (or, in
     * regions without one, covers the time on air). */
    uint64_t floor_us = p->duty_min_slot_us > p->time_on_air_us
                            ? p->duty_min_slot_us
                            : p->time_on_air_us;
    uint64_t shortest_ms = (floor_us + 999999u) / 1000000u * 1000u;
    if (p->has_interval && shortest_ms < p->interval_ms &&
        shortest_ms <= INT32_MAX) {
        struct fuota_task faster = alt_t;
        faster.fragment_interval_ms = (int32_t)shortest_ms;
        if (fits(&alt, &faster, p->image_bytes, r, p->dr))
            add_fix(p, PLAN_FIX_INTERVAL, &alt);
    }

    for (int pct = p->redundancy_percent - 1; pct >= 0; pct--) {
        struct fuota_task less = alt_t;
        less.redundancy_percent = pct;
        if (fits(&alt, &less, p->image_bytes, r, p->dr)) {
            add_fix(p, PLAN_FIX_REDUNDANCY, &alt);
            break;
        }
    }
}

static void compute_limits(struct plan *p, const struct fuota_task *t)
{
    p->image_above_aws_limit = p->image_bytes > LIMITS_AWS_IMAGE_MAX_BYTES;
    p->deliverable = deliverable(p);
    if (!p->deliverable)
        return;
    p->beyond_distribution_window =
        p->session_wall_time_s > (double)LIMITS_DISTRIBUTION_WINDOW_S;
    p->fragments_within_timeout = p->total_fragments;
    if (limits_class_c_timeout(p->session_wall_time_s, &p->timeout))
        return;
    p->fragments_within_timeout =
        limits_class_c_heard(p->slot_us, p->time_on_air_us);
    find_fixes(p, t);
}

static void fix_diag(const struct plan *p, const struct plan_fix *f,
                     struct diag_list *diags)
{
    char took[48], what[160], dr_text[48];
    units_duration(f->session_wall_time_s, took, sizeof(took));
    const char *path = "";
    switch (f->kind) {
    case PLAN_FIX_DATA_RATE:
        region_dr_describe(region_dr(p->region, f->dr), dr_text,
                           sizeof(dr_text));
        if (f->fragment_size_bytes != p->fragment_size_bytes)
            snprintf(what, sizeof(what),
                     "at a faster data rate, DR%d (%s) with %d-byte fragments",
                     f->dr, dr_text, f->fragment_size_bytes);
        else
            snprintf(what, sizeof(what), "at a faster data rate, DR%d (%s)",
                     f->dr, dr_text);
        break;
    case PLAN_FIX_FRAGMENT_SIZE:
        path = "FragmentSizeBytes";
        snprintf(what, sizeof(what), "with bigger fragments (%d bytes)",
                 f->fragment_size_bytes);
        break;
    case PLAN_FIX_INTERVAL:
        path = "FragmentIntervalMS";
        snprintf(what, sizeof(what),
                 "with a shorter interval (%ld ms, the shortest the %s "
                 "allows)",
                 (long)f->interval_ms,
                 p->duty_cycle > 0.0 ? "duty cycle" : "time on air");
        break;
    case PLAN_FIX_REDUNDANCY:
    default:
        path = "RedundancyPercent";
        snprintf(what, sizeof(what), "with less redundancy (%d %%)",
                 f->redundancy_percent);
        break;
    }
    diag_add(diags, DIAG_NOTE, path, "session-fix",
             "the session fits %s: %llu fragments in %s, within a timeout of "
             "2^%d s",
             what, (unsigned long long)f->total_fragments, took,
             f->timeout.exp);
}

void plan_limit_diags(const struct plan *p, struct diag_list *diags)
{
    (void)limits_check_image(p->image_bytes, diags);
    if (!p->deliverable)
        return;
    if (!p->timeout.fits) {
        char took[48], max[48];
        units_duration(p->session_wall_time_s, took, sizeof(took));
        units_duration((double)LIMITS_CLASS_C_TIMEOUT_MAX_S, max, sizeof(max));
        diag_add(diags, DIAG_WARNING, "", "session-timeout",
                 "the session lasts %s, longer than a Class C multicast "
                 "session can (TS005 McClassCSessionReq: 4-bit TimeOut, at "
                 "most 2^15 s = %s): devices return to Class A after "
                 "fragment %llu of %llu and miss the rest; %s",
                 took, max, (unsigned long long)p->fragments_within_timeout,
                 (unsigned long long)p->total_fragments,
                 p->fix_count ? "what fits instead follows"
                              : "no single change of data rate, fragment "
                                "size, interval or redundancy fits: send "
                                "a delta image or split the update");
        for (size_t i = 0; i < p->fix_count; i++)
            fix_diag(p, &p->fixes[i], diags);
    }
    (void)limits_check_window(p->session_wall_time_s, diags);
}

enum plan_status plan_compute(const struct plan_input *in, struct plan *out,
                              struct diag_list *diags)
{
    memset(out, 0, sizeof(*out));
    out->recommended_redundancy_percent = -1;
    if (in == NULL)
        return PLAN_INVALID_REQUEST;
    const struct region *r = NULL;
    enum plan_status st = check_input(in, diags, &r);
    if (st != PLAN_OK)
        return st;
    const struct region_dr *d =
        in->dr < 0 ? region_default_dr(r) : region_dr(r, in->dr);
    if (!region_dr_carries_fragments(d))
        return PLAN_BAD_DR;

    figures(out, in->task, in->image_bytes, r, d);
    struct plan *p = out;
    compute_guidance(p, in);
    compute_limits(p, in->task);

    assumption_diags(p, diags);
    size_checks(p, diags);
    timing_checks(p, diags);
    redundancy_checks(p, diags);
    plan_limit_diags(p, diags);
    return PLAN_OK;
}
