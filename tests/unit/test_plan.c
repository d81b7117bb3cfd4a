/*
 * core/plan: fragment counts, air time, session time, duty cycle, decoder
 * RAM and every planning rule, against hand-computed cases (the working is
 * in the comments) and AWS's example. Requests are filled in directly.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/diag.h"
#include "core/plan.h"

#define ABSENT (-999)

/* A request with only the planning members; ABSENT leaves one unset. */
struct req {
    char region[16]; /* "" = no RfRegion */
    struct fuota_task task;
};

static struct fuota_task *make(struct req *r, const char *region, int size,
                               int redundancy, int interval_ms)
{
    memset(r, 0, sizeof(*r));
    if (region != NULL) {
        snprintf(r->region, sizeof(r->region), "%s", region);
        r->task.has_lorawan = true;
        r->task.rf_region = r->region;
    }
    if (size != ABSENT) {
        r->task.has_fragment_size_bytes = true;
        r->task.fragment_size_bytes = size;
    }
    if (redundancy != ABSENT) {
        r->task.has_redundancy_percent = true;
        r->task.redundancy_percent = redundancy;
    }
    if (interval_ms != ABSENT) {
        r->task.has_fragment_interval_ms = true;
        r->task.fragment_interval_ms = interval_ms;
    }
    return &r->task;
}

/* Plans with default DR and no expected loss; asserts PLAN_OK. */
static void plan_ok(struct plan *p, struct diag_list *d, const char *region,
                    uint64_t image, int size, int redundancy, int interval,
                    int dr)
{
    struct req r;
    struct plan_input in = {
        .task = make(&r, region, size, redundancy, interval),
        .image_bytes = image,
        .dr = dr,
    };
    diag_list_clear(d);
    enum plan_status st = plan_compute(&in, p, d);
    if (st != PLAN_OK)
        fail_msg("plan_compute: %s", plan_status_message(st));
}

static bool has(const struct diag_list *d, const char *path, const char *rule,
                enum diag_severity sev)
{
    const struct diag *x = diag_find(d, path, rule);
    return x != NULL && x->severity == sev;
}

static int setup(void **state)
{
    static struct diag_list d;
    diag_list_init(&d);
    *state = &d;
    return 0;
}

static int teardown(void **state)
{
    diag_list_cleanup(*state);
    return 0;
}

/* AWS's example: 100 B image, 10 B fragments, 50 % -> 10 + 5 = 15. */
static void test_aws_example(void **state)
{
    struct diag_list *d = *state;
    struct plan p;
    plan_ok(&p, d, "EU868", 100, 10, 50, ABSENT, -1);
    assert_int_equal(p.uncoded_fragments, 10);
    assert_int_equal(p.redundancy_fragments, 5);
    assert_int_equal(p.total_fragments, 15);
    assert_false(p.redundancy_rounded);
    assert_null(diag_find(d, "RedundancyPercent", "rounding"));
    assert_int_equal(p.padding_bytes, 0);
    assert_int_equal(p.phy_payload_bytes, 26);
    /* EU868 default: DR0 SF12/125 at 869.525 MHz, sub-band P 10 %. */
    assert_int_equal(p.dr->dr, 0);
    assert_true(p.dr_is_default);
    assert_int_equal(p.frequency_hz, 869525000);
    assert_string_equal(p.sub_band->name, "P");
    assert_true(p.duty_cycle == 0.1);
    /* PL 26: ceil((208-48+28)/40)=5 blocks -> 33 symbols + 12.25 =
     * 45.25 * 32.768 ms = 1482.752 ms. */
    assert_true(p.airtime_known);
    assert_int_equal(p.time_on_air_us, 1482752);
    assert_int_equal(p.total_time_on_air_us, 15 * 1482752);
    /* No interval: back to back, lengthened to toa / 0.1. */
    assert_true(p.assumed.interval);
    assert_true(has(d, "FragmentIntervalMS", "assumed-interval", DIAG_NOTE));
    assert_int_equal(p.duty_min_slot_us, 14827520);
    assert_true(p.duty_limited);
    assert_int_equal(p.slot_us, 14827520);
    assert_true(fabs(p.session_wall_time_s - 222.4128) < 1e-9);
    assert_true(fabs(p.duty_cycle_used_percent - 10.0) < 1e-9);
    assert_true(fabs(p.duty_budget_s_per_hour - 360.0) < 1e-9);
    assert_true(has(d, "FragmentIntervalMS", "duty-cycle", DIAG_WARNING));
    /* Decoder (L = R = 5): matrix ((5>>3)+1)*5 = 5, index 2*10 = 20,
     * work (10>>3)+1 + 10 + 3*1 = 15; image 100. */
    assert_int_equal(p.decoder_matrix_bytes, 5);
    assert_int_equal(p.decoder_index_bytes, 20);
    assert_int_equal(p.decoder_work_bytes, 15);
    assert_int_equal(p.decoder_ram_bytes, 40);
    assert_int_equal(p.image_storage_bytes, 100);
    assert_false(diag_has_errors(d));
}

/* EU868 DR5 (SF7/125): 1000 B, 100 B fragments, 10 %, interval 1500 ms. */
static void test_hand_case_interval_sets_slot(void **state)
{
    struct diag_list *d = *state;
    struct plan p;
    plan_ok(&p, d, "EU868", 1000, 100, 10, 1500, 5);
    assert_int_equal(p.uncoded_fragments, 10);
    assert_int_equal(p.redundancy_fragments, 1);
    assert_int_equal(p.total_fragments, 11);
    assert_false(p.dr_is_default);
    assert_int_equal(p.phy_payload_bytes, 116);
    /* PL 116: ceil(928/28)=34 blocks -> 178 symbols + 12.25 = 190.25 *
     * 1.024 ms = 194.816 ms. */
    assert_int_equal(p.time_on_air_us, 194816);
    assert_int_equal(p.interval_ms, 2000); /* 1500 rounds up */
    assert_int_equal(p.duty_min_slot_us, 1948160);
    assert_false(p.duty_limited); /* 2 s >= 1.94816 s */
    assert_int_equal(p.slot_us, 2000000);
    assert_true(fabs(p.session_wall_time_s - 22.0) < 1e-9);
    assert_true(fabs(p.duty_cycle_used_percent - 9.7408) < 1e-9);
    assert_null(diag_find(d, "FragmentIntervalMS", "duty-cycle"));
    assert_null(diag_find(d, "FragmentIntervalMS", "assumed-interval"));
    assert_null(diag_find(d, "FragmentIntervalMS", "interval-below-airtime"));

    /* 1499 ms rounds down to 1 s: the duty cycle now sets the slot. */
    plan_ok(&p, d, "EU868", 1000, 100, 10, 1499, 5);
    assert_int_equal(p.interval_ms, 1000);
    assert_true(p.duty_limited);
    assert_int_equal(p.slot_us, 1948160);
    assert_true(has(d, "FragmentIntervalMS", "duty-cycle", DIAG_WARNING));
    assert_non_null(
        strstr(diag_find(d, "FragmentIntervalMS", "duty-cycle")->message,
               "set at least 2000 ms"));
}

static void test_padding_and_rounding(void **state)
{
    struct diag_list *d = *state;
    struct plan p;
    /* 1001 B / 100 B: 11 fragments, 99 bytes of padding; 33 % of 11 =
     * 3.63 -> 4 (note). */
    plan_ok(&p, d, "EU868", 1001, 100, 33, 5000, 5);
    assert_int_equal(p.uncoded_fragments, 11);
    assert_int_equal(p.padding_bytes, 99);
    assert_int_equal(p.redundancy_fragments, 4);
    assert_true(p.redundancy_rounded);
    assert_true(has(d, "RedundancyPercent", "rounding", DIAG_NOTE));
    /* 999 B: 10 fragments, 1 byte of padding. 100 % doubles. */
    plan_ok(&p, d, "EU868", 999, 100, 100, 5000, 5);
    assert_int_equal(p.uncoded_fragments, 10);
    assert_int_equal(p.padding_bytes, 1);
    assert_int_equal(p.redundancy_fragments, 10);
    /* 1 B image: one fragment. 0 %: no redundancy. */
    plan_ok(&p, d, "EU868", 1, 100, 0, 5000, 5);
    assert_int_equal(p.total_fragments, 1);
    assert_int_equal(p.padding_bytes, 99);
    assert_int_equal(p.decoder_matrix_bytes, 0);
}

static void test_fragment_size_rules(void **state)
{
    struct diag_list *d = *state;
    struct plan p;
    /* EU868 DR0 carries 48 fragment bytes (N 51 - 3). */
    plan_ok(&p, d, "EU868", 1000, 48, 10, 30000, -1);
    assert_int_equal(p.max_fragment_bytes, 48);
    assert_int_equal(p.phy_payload_bytes, 64);
    assert_int_equal(p.time_on_air_us, 2793472);
    assert_null(diag_find(d, "FragmentSizeBytes", "fragment-too-large"));
    plan_ok(&p, d, "EU868", 1000, 49, 10, 30000, -1);
    assert_true(has(d, "FragmentSizeBytes", "fragment-too-large", DIAG_ERROR));
    assert_true(diag_has_errors(d));
    /* DR5 carries 239: 239 fits (PHYPayload 255), 240 does not and has
     * no time on air. */
    plan_ok(&p, d, "EU868", 1000, 239, 10, 30000, 5);
    assert_false(diag_has_errors(d));
    assert_true(p.airtime_known);
    plan_ok(&p, d, "EU868", 1000, 240, 10, 30000, 5);
    assert_true(has(d, "FragmentSizeBytes", "fragment-too-large", DIAG_ERROR));
    assert_false(p.airtime_known);
    assert_int_equal(p.time_on_air_us, 0);
    assert_int_equal(p.slot_us, 0);
    /* 255 is the TS004 maximum; 256 breaks it too. */
    plan_ok(&p, d, "EU868", 1000, 255, 10, 30000, 5);
    assert_null(diag_find(d, "FragmentSizeBytes", "fragment-size-max"));
    plan_ok(&p, d, "EU868", 1000, 256, 10, 30000, 5);
    assert_true(has(d, "FragmentSizeBytes", "fragment-size-max", DIAG_ERROR));
    /* Huge sizes do not overflow. */
    plan_ok(&p, d, "EU868", 1000, INT32_MAX, 10, 30000, 5);
    assert_int_equal(p.uncoded_fragments, 1);
    assert_true(has(d, "FragmentSizeBytes", "fragment-size-max", DIAG_ERROR));
}

/* Figures that do not depend on the time on air stay right when it is
 * unknown (a frame above 255 bytes). */
static void test_unknown_airtime_figures(void **state)
{
    struct diag_list *d = *state;
    struct plan p;
    /* EU868 RX2 869.525 MHz: 10 % -> 360 s of air per hour, with or
     * without a time on air. */
    plan_ok(&p, d, "EU868", 1000, 239, 10, 30000, 5);
    assert_true(p.airtime_known);
    assert_true(fabs(p.duty_budget_s_per_hour - 360.0) < 1e-9);
    plan_ok(&p, d, "EU868", 1000, 240, 10, 30000, 5);
    assert_false(p.airtime_known);
    assert_int_equal(p.phy_payload_bytes, 256);
    assert_true(fabs(p.duty_cycle - 0.1) < 1e-12);
    assert_true(fabs(p.duty_budget_s_per_hour - 360.0) < 1e-9);
    /* US915 has no duty cycle: still 0. */
    plan_ok(&p, d, "US915", 1000, 300, 10, 30000, -1);
    assert_false(p.airtime_known);
    assert_true(p.duty_budget_s_per_hour == 0.0);
    /* The PHY payload is exact, not capped at INT32_MAX. */
    plan_ok(&p, d, "EU868", 1000, INT32_MAX - 16, 10, 30000, 5);
    assert_true(p.phy_payload_bytes == INT32_MAX);
    plan_ok(&p, d, "EU868", 1000, INT32_MAX - 15, 10, 30000, 5);
    assert_true(p.phy_payload_bytes == (int64_t)INT32_MAX + 1);
    plan_ok(&p, d, "EU868", 1000, INT32_MAX, 10, 30000, 5);
    assert_true(p.phy_payload_bytes == (int64_t)INT32_MAX + 16);
    assert_true(fabs(p.duty_budget_s_per_hour - 360.0) < 1e-9);
}

static void test_fragment_count_limit(void **state)
{
    struct diag_list *d = *state;
    struct plan p;
    plan_ok(&p, d, "US915", 16383, 1, 0, 1000, -1);
    assert_int_equal(p.total_fragments, 16383);
    assert_null(diag_find(d, "FragmentSizeBytes", "too-many-fragments"));
    plan_ok(&p, d, "US915", 16384, 1, 0, 1000, -1);
    assert_true(has(d, "FragmentSizeBytes", "too-many-fragments", DIAG_ERROR));
    /* 50 %: M 10922 -> R 5461 = 16383; M 10923 -> R 5462 = 16385. */
    plan_ok(&p, d, "US915", 10922, 1, 50, 1000, -1);
    assert_int_equal(p.total_fragments, 16383);
    assert_false(diag_has_errors(d));
    plan_ok(&p, d, "US915", 10923, 1, 50, 1000, -1);
    assert_int_equal(p.total_fragments, 16385);
    const struct diag *x =
        diag_find(d, "FragmentSizeBytes", "too-many-fragments");
    assert_non_null(x);
    /* The advice: 10923 B over at most 10922 fragments needs 2 bytes. */
    assert_non_null(strstr(x->message, "at least 2 bytes"));
    assert_null(strstr(x->message, "cannot fit"));
}

/* The advice names a size only when one exists: at most min(255, the
 * DR's N - 3) bytes. EU868 DR5 carries 239; at 50 % at most 10922
 * fragments are uncoded, so 239 * 10922 = 2610358 bytes is the largest
 * image one session can carry there. */
static void test_fragment_count_advice(void **state)
{
    struct diag_list *d = *state;
    struct plan p;
    plan_ok(&p, d, "EU868", 2610358, 1, 50, 30000, 5);
    const struct diag *x =
        diag_find(d, "FragmentSizeBytes", "too-many-fragments");
    assert_non_null(x);
    assert_non_null(strstr(x->message, "at least 239 bytes"));
    assert_null(strstr(x->message, "cannot fit"));
    plan_ok(&p, d, "EU868", 2610359, 1, 50, 30000, 5);
    x = diag_find(d, "FragmentSizeBytes", "too-many-fragments");
    assert_non_null(x);
    assert_non_null(strstr(x->message, "at least 240 bytes, above the 239"));
    assert_non_null(strstr(x->message, "cannot fit one TS004 session at "
                                       "this data rate"));
    /* The report's case: 1 GiB at 50 % at DR0 (48 bytes). */
    plan_ok(&p, d, "EU868", UINT64_C(1073741824), 48, 50, 30000, -1);
    x = diag_find(d, "FragmentSizeBytes", "too-many-fragments");
    assert_non_null(x);
    assert_non_null(strstr(x->message, "98311 bytes, above the 48"));
    assert_non_null(strstr(x->message, "cannot fit"));
    /* DR0: 48 * 10922 = 524256 fits with 48-byte fragments, one more
     * byte does not. */
    plan_ok(&p, d, "EU868", 524256, 1, 50, 30000, -1);
    x = diag_find(d, "FragmentSizeBytes", "too-many-fragments");
    assert_non_null(strstr(x->message, "at least 48 bytes"));
    plan_ok(&p, d, "EU868", 524257, 1, 50, 30000, -1);
    x = diag_find(d, "FragmentSizeBytes", "too-many-fragments");
    assert_non_null(strstr(x->message, "cannot fit"));
}

/* Planning a request without a region: one message (the plan's error),
 * not also task_validate's no-region warning. */
static void test_no_region_once(void **state)
{
    struct diag_list *d = *state;
    struct req r;
    struct plan p;
    struct plan_input in = { .task = make(&r, NULL, 10, 10, 1000),
                             .image_bytes = 100,
                             .dr = -1 };
    diag_list_clear(d);
    (void)task_validate(in.task, d);
    assert_true(has(d, "LoRaWAN.RfRegion", "no-region", DIAG_WARNING));
    size_t before = d->count;
    assert_int_equal(plan_compute(&in, &p, d), PLAN_NO_REGION);
    assert_null(diag_find(d, "LoRaWAN.RfRegion", "no-region"));
    assert_true(has(d, "LoRaWAN.RfRegion", "region-required", DIAG_ERROR));
    /* Everything else task_validate said is kept. */
    assert_int_equal(d->count, before);
    size_t n = 0;
    for (size_t i = 0; i < d->count; i++)
        n += strcmp(d->items[i].path, "LoRaWAN.RfRegion") == 0;
    assert_int_equal(n, 1);
    /* With a region there is neither. */
    in.task = make(&r, "EU868", 10, 10, 1000);
    diag_list_clear(d);
    (void)task_validate(in.task, d);
    assert_int_equal(plan_compute(&in, &p, d), PLAN_OK);
    assert_null(diag_find(d, "LoRaWAN.RfRegion", "no-region"));
    assert_null(diag_find(d, "LoRaWAN.RfRegion", "region-required"));
}

/* M = 105, 21 % -> R = 23 (22.05 up), 128 fragments. At 12.5 % loss a
 * device receives exactly 112 = M + 7. */
static void test_redundancy_guidance(void **state)
{
    struct diag_list *d = *state;
    struct req r;
    struct plan p;
    struct plan_input in = {
        .task = make(&r, "US915", 10, 21, 1000),
        .image_bytes = 1050,
        .dr = -1,
        .has_expected_loss = true,
        .expected_loss_percent = 12.5,
    };
    diag_list_clear(d);
    assert_int_equal(plan_compute(&in, &p, d), PLAN_OK);
    assert_int_equal(p.total_fragments, 128);
    assert_int_equal(p.needed_average_fragments, 107);
    assert_int_equal(p.needed_99_fragments, 112);
    assert_true(p.expected_received_fragments == 112.0);
    assert_null(diag_find(d, "RedundancyPercent", "redundancy-low"));
    assert_int_equal(p.recommended_redundancy_percent, 21);

    in.expected_loss_percent = 12.6;
    diag_list_clear(d);
    assert_int_equal(plan_compute(&in, &p, d), PLAN_OK);
    assert_true(has(d, "RedundancyPercent", "redundancy-low", DIAG_WARNING));
    /* (105 + R) * 0.874 >= 112 needs R >= 24: 22 % (23.1 -> 24). */
    assert_int_equal(p.recommended_redundancy_percent, 22);
    assert_non_null(
        strstr(diag_find(d, "RedundancyPercent", "redundancy-low")->message,
               "at least 22"));

    /* No loss: nothing to recover, no warning even without redundancy. */
    in.task = make(&r, "US915", 10, 0, 1000);
    in.expected_loss_percent = 0.0;
    diag_list_clear(d);
    assert_int_equal(plan_compute(&in, &p, d), PLAN_OK);
    assert_null(diag_find(d, "RedundancyPercent", "redundancy-low"));
    assert_int_equal(p.recommended_redundancy_percent, 0);

    /* Total loss: no percent is enough. */
    in.expected_loss_percent = 100.0;
    diag_list_clear(d);
    assert_int_equal(plan_compute(&in, &p, d), PLAN_OK);
    assert_int_equal(p.recommended_redundancy_percent, -1);
    assert_non_null(
        strstr(diag_find(d, "RedundancyPercent", "redundancy-low")->message,
               "no RedundancyPercent up to 100"));

    /* Without an expected loss there is no guidance check. */
    in.has_expected_loss = false;
    diag_list_clear(d);
    assert_int_equal(plan_compute(&in, &p, d), PLAN_OK);
    assert_false(p.has_expected_loss);
    assert_int_equal(p.recommended_redundancy_percent, -1);
    assert_null(diag_find(d, "RedundancyPercent", "redundancy-low"));
}

/* US915 DR8 (SF12/500, no duty cycle), 50 B: PL 66, ceil(508/48)=11
 * blocks -> 63 symbols + 12.25 = 75.25 * 8.192 ms = 616.448 ms. */
static void test_interval_against_airtime(void **state)
{
    struct diag_list *d = *state;
    struct plan p;
    plan_ok(&p, d, "US915", 5000, 50, 10, 499, -1);
    assert_int_equal(p.time_on_air_us, 616448);
    assert_int_equal(p.interval_ms, 0);
    assert_true(
        has(d, "FragmentIntervalMS", "interval-below-airtime", DIAG_WARNING));
    assert_int_equal(p.slot_us, 616448);
    assert_true(p.duty_cycle == 0.0);
    assert_false(p.duty_limited);
    assert_null(diag_find(d, "FragmentIntervalMS", "duty-cycle"));
    plan_ok(&p, d, "US915", 5000, 50, 10, 500, -1);
    assert_int_equal(p.interval_ms, 1000);
    assert_null(diag_find(d, "FragmentIntervalMS", "interval-below-airtime"));
    assert_int_equal(p.slot_us, 1000000);
    /* 100 fragments + 10 redundant at 1 s. */
    assert_true(fabs(p.session_wall_time_s - 110.0) < 1e-9);
    assert_false(diag_has_errors(d));
}

static void test_assumptions(void **state)
{
    struct diag_list *d = *state;
    struct plan p;
    plan_ok(&p, d, "EU868", 1000, ABSENT, ABSENT, ABSENT, -1);
    assert_true(p.assumed.fragment_size);
    assert_true(p.assumed.redundancy);
    assert_true(p.assumed.interval);
    assert_int_equal(p.fragment_size_bytes, 48); /* DR0: N 51 - 3 */
    assert_int_equal(p.redundancy_percent, 0);
    assert_int_equal(p.uncoded_fragments, 21);
    assert_true(
        has(d, "FragmentSizeBytes", "assumed-fragment-size", DIAG_WARNING));
    assert_true(
        has(d, "RedundancyPercent", "assumed-redundancy", DIAG_WARNING));
    assert_true(has(d, "FragmentIntervalMS", "assumed-interval", DIAG_NOTE));
    assert_false(diag_has_errors(d));
    /* A member task_from_json rejected (an error on its path) is
     * "unusable", not "not set". */
    struct req r;
    struct plan_input in = {
        .task = make(&r, "EU868", ABSENT, 10, 1000),
        .image_bytes = 1000,
        .dr = -1,
    };
    diag_list_clear(d);
    diag_add(d, DIAG_ERROR, "FragmentSizeBytes", "type", "expected a number");
    assert_int_equal(plan_compute(&in, &p, d), PLAN_OK);
    assert_non_null(strstr(
        diag_find(d, "FragmentSizeBytes", "assumed-fragment-size")->message,
        "unusable: the plan assumes 48 bytes"));
    /* At another DR the assumed size follows it. */
    plan_ok(&p, d, "US915", 1000, ABSENT, 10, 1000, 13);
    assert_int_equal(p.fragment_size_bytes, 239);
    assert_null(diag_find(d, "RedundancyPercent", "assumed-redundancy"));
    /* Given members are not reported as assumed. */
    plan_ok(&p, d, "EU868", 1000, 40, 10, 1000, -1);
    assert_false(p.assumed.fragment_size || p.assumed.redundancy ||
                 p.assumed.interval);
    assert_null(diag_find(d, "FragmentSizeBytes", "assumed-fragment-size"));
}

static void test_statuses(void **state)
{
    struct diag_list *d = *state;
    struct req r;
    struct plan p;
    struct plan_input in = { .task = make(&r, NULL, 10, 10, 1000),
                             .image_bytes = 100,
                             .dr = -1 };
    diag_list_clear(d);
    assert_int_equal(plan_compute(&in, &p, d), PLAN_NO_REGION);
    assert_true(has(d, "LoRaWAN.RfRegion", "region-required", DIAG_ERROR));

    in.task = make(&r, "EU869", 10, 10, 1000);
    assert_int_equal(plan_compute(&in, &p, d), PLAN_UNKNOWN_REGION);

    struct {
        const char *region;
        int dr;
        enum plan_status want;
    } drs[] = {
        { "EU868", 0, PLAN_OK },      { "EU868", 7, PLAN_OK },
        { "EU868", 8, PLAN_BAD_DR },  /* LR-FHSS */
        { "EU868", 12, PLAN_BAD_DR }, /* none */
        { "US915", 0, PLAN_BAD_DR },  /* uplink only */
        { "US915", 7, PLAN_BAD_DR },  { "US915", 8, PLAN_OK },
        { "CN470", 0, PLAN_BAD_DR }, /* no N defined */
        { "IN865", 6, PLAN_BAD_DR }, /* RFU */
    };
    for (size_t i = 0; i < sizeof(drs) / sizeof(drs[0]); i++) {
        in.task = make(&r, drs[i].region, 10, 10, 1000);
        in.dr = drs[i].dr;
        diag_list_clear(d);
        if (plan_compute(&in, &p, d) != drs[i].want)
            fail_msg("%s DR%d", drs[i].region, drs[i].dr);
    }

    in.task = make(&r, "EU868", 10, 10, 1000);
    in.dr = -1;
    in.image_bytes = 0;
    assert_int_equal(plan_compute(&in, &p, d), PLAN_EMPTY_IMAGE);
    in.image_bytes = PLAN_IMAGE_MAX + 1;
    assert_int_equal(plan_compute(&in, &p, d), PLAN_IMAGE_TOO_LARGE);
    in.image_bytes = PLAN_IMAGE_MAX;
    assert_int_equal(plan_compute(&in, &p, d), PLAN_OK);

    in.image_bytes = 100;
    in.has_expected_loss = true;
    double losses[] = { -0.001, 100.001, NAN, INFINITY };
    for (size_t i = 0; i < sizeof(losses) / sizeof(losses[0]); i++) {
        in.expected_loss_percent = losses[i];
        assert_int_equal(plan_compute(&in, &p, d), PLAN_BAD_LOSS);
    }
    in.expected_loss_percent = 0.0;
    assert_int_equal(plan_compute(&in, &p, d), PLAN_OK);
    in.expected_loss_percent = 100.0;
    assert_int_equal(plan_compute(&in, &p, d), PLAN_OK);
    in.has_expected_loss = false;

    /* Out-of-range members (task_validate reports them) stop the plan. */
    struct {
        int size, redundancy, interval;
        enum plan_status want;
    } members[] = {
        { 0, 10, 1000, PLAN_INVALID_REQUEST },
        { 1, 10, 1000, PLAN_OK },
        { 10, -1, 1000, PLAN_INVALID_REQUEST },
        { 10, 0, 1000, PLAN_OK },
        { 10, 100, 1000, PLAN_OK },
        { 10, 101, 1000, PLAN_INVALID_REQUEST },
        { 10, 10, 0, PLAN_INVALID_REQUEST },
        { 10, 10, 1, PLAN_OK },
    };
    for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
        in.task = make(&r, "EU868", members[i].size, members[i].redundancy,
                       members[i].interval);
        diag_list_clear(d);
        if (plan_compute(&in, &p, d) != members[i].want)
            fail_msg("members case %zu", i);
    }
    in.task = NULL;
    assert_int_equal(plan_compute(&in, &p, d), PLAN_INVALID_REQUEST);
    assert_int_equal(plan_compute(NULL, &p, d), PLAN_INVALID_REQUEST);
    assert_string_equal(plan_status_message(PLAN_BAD_DR),
                        "the region has no downlink data rate with that "
                        "number");
    assert_string_equal(plan_status_message((enum plan_status)99),
                        "unknown plan status");
}

static void test_other_regions(void **state)
{
    struct diag_list *d = *state;
    struct plan p;
    /* EU433: 1 % on 434.665 MHz. SF12/125 48 B: 2793.472 ms -> 279.3472 s
     * minimum slot. */
    plan_ok(&p, d, "EU433", 480, 48, 0, 60000, -1);
    assert_true(p.duty_cycle == 0.01);
    assert_null(p.sub_band);
    assert_int_equal(p.duty_min_slot_us, 279347200);
    assert_true(p.duty_limited);
    assert_true(fabs(p.duty_budget_s_per_hour - 36.0) < 1e-9);
    /* CN470: RX2 frequency depends on the channel plan; no duty cycle. */
    plan_ok(&p, d, "CN470", 200, 20, 0, 1000, -1);
    assert_int_equal(p.frequency_hz, 0);
    assert_true(p.duty_cycle == 0.0);
    assert_int_equal(p.dr->dr, 1);
    /* AS923: local regulation only: no duty limit. */
    plan_ok(&p, d, "AS923-1", 1000, 8, 0, 2000, -1);
    assert_true(p.duty_cycle == 0.0);
    assert_false(p.duty_limited);
    /* FSK: EU868 DR7 239 B -> PHYPayload 255: 8*(11+255)/50 kbps. */
    plan_ok(&p, d, "EU868", 239, 239, 0, 1000, 7);
    assert_int_equal(p.time_on_air_us, 42560);
}

static void test_dwell_time(void **state)
{
    struct diag_list *d = *state;
    struct plan p;
    /* AS923 DR2 carries 8 fragment bytes under a 400 ms dwell time. */
    plan_ok(&p, d, "AS923-1", 1000, 8, 0, 2000, 2);
    assert_null(diag_find(d, "FragmentSizeBytes", "dwell-time"));
    plan_ok(&p, d, "AS923-2", 1000, 9, 0, 2000, 2);
    assert_true(has(d, "FragmentSizeBytes", "dwell-time", DIAG_WARNING));
    /* DR4: 122 fits, 123 not. */
    plan_ok(&p, d, "AS923-3", 1000, 122, 0, 2000, 4);
    assert_null(diag_find(d, "FragmentSizeBytes", "dwell-time"));
    plan_ok(&p, d, "AS923-4", 1000, 123, 0, 2000, 4);
    assert_true(has(d, "FragmentSizeBytes", "dwell-time", DIAG_WARNING));
    /* DR0 has no dwell-time size at all. */
    plan_ok(&p, d, "AS923-1", 1000, 10, 0, 5000, 0);
    assert_non_null(
        strstr(diag_find(d, "FragmentSizeBytes", "dwell-time")->message,
               "cannot be used"));
    /* Regions without a downlink dwell time never warn. */
    plan_ok(&p, d, "US915", 1000, 50, 0, 2000, 8);
    assert_null(diag_find(d, "FragmentSizeBytes", "dwell-time"));
}

static void test_round_interval(void **state)
{
    (void)state;
    struct {
        int32_t in;
        uint64_t out;
    } cases[] = {
        { 1, 0 },       { 499, 0 },     { 500, 1000 },
        { 1000, 1000 }, { 1499, 1000 }, { 1500, 2000 },
        { 0, 0 },       { -5, 0 },      { INT32_MAX, 2147484000u },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(plan_round_interval_ms(cases[i].in), cases[i].out);
}

static void test_decoder_ram(void **state)
{
    struct diag_list *d = *state;
    struct plan p;
    /* M 1000, 10 % -> R 100: matrix (12+1)*100 = 1300, index 2000, work
     * (125+1) + 50 + 3*13 = 215. */
    plan_ok(&p, d, "US915", 50000, 50, 10, 1000, -1);
    assert_int_equal(p.decoder_matrix_bytes, 1300);
    assert_int_equal(p.decoder_index_bytes, 2000);
    assert_int_equal(p.decoder_work_bytes, 215);
    assert_int_equal(p.decoder_ram_bytes, 3515);
    assert_int_equal(p.image_storage_bytes, 50000);
}

/* AWS's example lasts 222.413 s: the smallest power-of-two timeout that
 * covers it is 2^8 = 256 s (TS005 TimeOut 8); no limit diagnostic. */
static void test_timeout_figures(void **state)
{
    struct diag_list *d = *state;
    struct plan p;
    plan_ok(&p, d, "EU868", 100, 10, 50, ABSENT, -1);
    assert_true(p.deliverable);
    assert_true(p.timeout.fits);
    assert_int_equal(p.timeout.exp, 8);
    assert_int_equal(p.timeout.timeout_s, 256);
    assert_int_equal(p.timeout.session_s, 223);
    assert_int_equal(p.fragments_within_timeout, 15);
    assert_int_equal(p.fix_count, 0);
    assert_false(p.image_above_aws_limit);
    assert_false(p.beyond_distribution_window);
    assert_null(diag_find(d, "", "session-timeout"));
    assert_null(diag_find(d, "", "distribution-window"));
}

/* 9.1 h on both sides: 48-byte fragments every 32 s (DR0's duty-cycle
 * slot is 27.935 s), no redundancy: 1024 fragments = 32768 s fit 2^15,
 * 1025 = 32800 s do not. */
static void test_timeout_boundary(void **state)
{
    struct diag_list *d = *state;
    struct plan p;
    plan_ok(&p, d, "EU868", 1024 * 48, 48, 0, 32000, -1);
    assert_int_equal(p.slot_us, 32000000);
    assert_true(p.timeout.fits);
    assert_int_equal(p.timeout.exp, 15);
    assert_null(diag_find(d, "", "session-timeout"));
    plan_ok(&p, d, "EU868", 1024 * 48 + 1, 48, 0, 32000, -1);
    assert_int_equal(p.total_fragments, 1025);
    assert_false(p.timeout.fits);
    assert_int_equal(p.timeout.exp, -1);
    /* Fragment n is heard at (n - 1) * 32 s + 2.793 s: 1024 in time. */
    assert_int_equal(p.fragments_within_timeout, 1024);
    const struct diag *w = diag_find(d, "", "session-timeout");
    assert_non_null(w);
    assert_int_equal(w->severity, DIAG_WARNING);
    assert_non_null(strstr(w->message, "fragment 1024 of 1025"));
    assert_non_null(strstr(w->message, "9 h 6 min"));
    /* The fixes themselves are checked in test_timeout_fix_kinds. */
    assert_true(p.fix_count >= 1);
}

/* The example: 100,000 bytes at EU868 DR0, 48-byte fragments,
 * 20 %, 30 s: M 2084 + R 417 = 2501 fragments * 30 s = 75030 s (20 h 51
 * min). No single change at DR0 fits (48 bytes is DR0's most, 28 s is
 * the shortest interval its duty cycle allows and even 0 % is 17 h 22
 * min); DR3 (SF9) with its 112-byte fragments does: 893 + 179 = 1072
 * fragments * 30 s = 32160 s (8 h 56 min). */
static void test_timeout_example(void **state)
{
    struct diag_list *d = *state;
    struct plan p;
    plan_ok(&p, d, "EU868", 100000, 48, 20, 30000, -1);
    assert_int_equal(p.total_fragments, 2501);
    assert_true(fabs(p.session_wall_time_s - 75030.0) < 1e-6);
    assert_false(p.timeout.fits);
    assert_int_equal(p.fragments_within_timeout, 1093);
    const struct diag *w = diag_find(d, "", "session-timeout");
    assert_non_null(w);
    assert_non_null(strstr(w->message, "20 h 51 min"));
    assert_non_null(strstr(w->message, "what fits instead follows"));
    assert_int_equal(p.fix_count, 1);
    const struct plan_fix *f = &p.fixes[0];
    assert_int_equal(f->kind, PLAN_FIX_DATA_RATE);
    assert_string_equal(plan_fix_kind_name(f->kind), "data-rate");
    assert_int_equal(f->dr, 3);
    assert_int_equal(f->fragment_size_bytes, 112);
    assert_int_equal(f->redundancy_percent, 20);
    assert_true(f->has_interval);
    assert_int_equal(f->interval_ms, 30000);
    assert_int_equal(f->total_fragments, 1072);
    assert_true(fabs(f->session_wall_time_s - 32160.0) < 1e-6);
    assert_int_equal(f->timeout.exp, 15);
    const struct diag *n = diag_find(d, "", "session-fix");
    assert_non_null(n);
    assert_int_equal(n->severity, DIAG_NOTE);
    assert_non_null(strstr(n->message, "DR3 (SF9/125 kHz)"));
    assert_non_null(strstr(n->message, "112-byte"));
    assert_non_null(strstr(n->message, "8 h 56 min"));
}

/* Re-plans the request with the fix applied: it fits, with the fix's
 * figures; `smaller` is the same change one step less, which must not. */
static void check_fix(const struct plan_fix *f, uint64_t image, int size,
                      int pct, int interval, bool has_smaller, int s_size,
                      int s_pct, int s_interval, int s_dr)
{
    struct diag_list d;
    diag_list_init(&d);
    struct plan p;
    plan_ok(&p, &d, "EU868", image, size, pct, interval, f->dr);
    assert_true(p.timeout.fits);
    assert_int_equal(p.total_fragments, f->total_fragments);
    assert_true(fabs(p.session_wall_time_s - f->session_wall_time_s) < 1e-9);
    if (has_smaller) {
        plan_ok(&p, &d, "EU868", image, s_size, s_pct, s_interval, s_dr);
        assert_false(p.timeout.fits);
    }
    diag_list_cleanup(&d);
}

/* 30,000 bytes, 40-byte fragments, 30 %, 40 s: 750 + 225 = 975 fragments
 * * 40 s = 39000 s. Every kind of fix fits, in the order of
 * PLAN_FIX_KINDS, and each is the least change that does. */
static void test_timeout_fix_kinds(void **state)
{
    struct diag_list *d = *state;
    struct plan p;
    plan_ok(&p, d, "EU868", 30000, 40, 30, 40000, -1);
    assert_false(p.timeout.fits);
    assert_int_equal(p.fix_count, PLAN_FIX_COUNT);
    for (size_t i = 0; i < p.fix_count; i++)
        assert_int_equal(p.fixes[i].kind, (enum plan_fix_kind)i);
    const struct plan_fix *f = p.fixes;
    /* At DR1 the 40 s interval still sets the slot: 40-byte fragments do
     * not fit, DR1's largest (48 bytes) do. */
    assert_int_equal(f[0].dr, 1);
    assert_int_equal(f[0].fragment_size_bytes, 48);
    check_fix(&f[0], 30000, 48, 30, 40000, false, 0, 0, 0, 0);
    /* The smallest bigger fragment: 48 bytes; 47 does not fit. */
    assert_int_equal(f[1].dr, 0);
    assert_int_equal(f[1].fragment_size_bytes, 48);
    check_fix(&f[1], 30000, 48, 30, 40000, true, 47, 30, 40000, 0);
    /* The shortest whole second the 10 % duty cycle allows for a
     * 2465.792 ms frame: 24.658 s -> 25000 ms. */
    assert_int_equal(f[2].interval_ms, 25000);
    assert_int_equal(f[2].total_fragments, 975);
    check_fix(&f[2], 30000, 40, 30, 25000, false, 0, 0, 0, 0);
    /* The largest lower redundancy: 9 % (750 + 68 = 818 * 40 s = 32720 s);
     * 10 % is 825 * 40 s = 33000 s. */
    assert_int_equal(f[3].redundancy_percent, 9);
    check_fix(&f[3], 30000, 40, 9, 40000, true, 40, 10, 40000, 0);
    /* One note per fix, on the member it changes. */
    assert_non_null(diag_find(d, "FragmentSizeBytes", "session-fix"));
    assert_non_null(diag_find(d, "FragmentIntervalMS", "session-fix"));
    assert_non_null(diag_find(d, "RedundancyPercent", "session-fix"));
    assert_non_null(diag_find(d, "", "session-fix"));
}

/* Nothing single fits: 1,000,000 bytes at DR3 in its largest fragments
 * (112 bytes) is 8929 fragments: at 30 s, at the ~9 s its duty cycle
 * allows, or at DR4..7 in 219 bytes (4567 * 30 s) it is always above
 * 2^15 s. The warning says so, and the image is at the AWS limit exactly
 * (no image-size warning). */
static void test_timeout_no_fix(void **state)
{
    struct diag_list *d = *state;
    struct plan p;
    plan_ok(&p, d, "EU868", 1000000, 112, 0, 30000, 3);
    assert_false(p.timeout.fits);
    assert_int_equal(p.fix_count, 0);
    const struct diag *w = diag_find(d, "", "session-timeout");
    assert_non_null(w);
    assert_non_null(strstr(w->message, "no single change"));
    assert_null(diag_find(d, "", "session-fix"));
    assert_false(p.image_above_aws_limit);
    assert_null(diag_find(d, "FirmwareUpdateImage", "image-size"));
    plan_ok(&p, d, "EU868", 1000001, 219, 0, 30000, 5);
    assert_true(p.image_above_aws_limit);
    assert_non_null(diag_find(d, "FirmwareUpdateImage", "image-size"));
}

/* 48 hours on both sides: 100 s per fragment, 1728 fragments = 172800 s
 * is within the window, 1729 are not. */
static void test_distribution_window(void **state)
{
    struct diag_list *d = *state;
    struct plan p;
    plan_ok(&p, d, "EU868", 1728 * 48, 48, 0, 100000, -1);
    assert_false(p.beyond_distribution_window);
    assert_null(diag_find(d, "", "distribution-window"));
    plan_ok(&p, d, "EU868", 1728 * 48 + 1, 48, 0, 100000, -1);
    assert_true(p.beyond_distribution_window);
    assert_non_null(diag_find(d, "", "distribution-window"));
}

/* A session that cannot be sent has no timeout figures and no limit
 * diagnostics about its length (the size error says it all). */
static void test_timeout_undeliverable(void **state)
{
    struct diag_list *d = *state;
    struct plan p;
    plan_ok(&p, d, "EU868", 100000, 60, 0, 30000, -1);
    assert_non_null(diag_find(d, "FragmentSizeBytes", "fragment-too-large"));
    assert_false(p.deliverable);
    assert_false(p.timeout.fits);
    assert_int_equal(p.fix_count, 0);
    assert_null(diag_find(d, "", "session-timeout"));
    /* plan_limit_diags alone adds only what applies. */
    diag_list_clear(d);
    plan_limit_diags(&p, d);
    assert_int_equal(d->count, 0);
    assert_string_equal(plan_fix_kind_name((enum plan_fix_kind)99), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aws_example),
        cmocka_unit_test(test_hand_case_interval_sets_slot),
        cmocka_unit_test(test_padding_and_rounding),
        cmocka_unit_test(test_fragment_size_rules),
        cmocka_unit_test(test_fragment_count_limit),
        cmocka_unit_test(test_fragment_count_advice),
        cmocka_unit_test(test_unknown_airtime_figures),
        cmocka_unit_test(test_no_region_once),
        cmocka_unit_test(test_redundancy_guidance),
        cmocka_unit_test(test_interval_against_airtime),
        cmocka_unit_test(test_assumptions),
        cmocka_unit_test(test_statuses),
        cmocka_unit_test(test_other_regions),
        cmocka_unit_test(test_dwell_time),
        cmocka_unit_test(test_round_interval),
        cmocka_unit_test(test_decoder_ram),
        cmocka_unit_test(test_timeout_figures),
        cmocka_unit_test(test_timeout_boundary),
        cmocka_unit_test(test_timeout_example),
        cmocka_unit_test(test_timeout_fix_kinds),
        cmocka_unit_test(test_timeout_no_fix),
        cmocka_unit_test(test_distribution_window),
        cmocka_unit_test(test_timeout_undeliverable),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
