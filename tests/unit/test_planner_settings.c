/* tui/planner_settings: the first guess from the wizard and the check
 * that names the field and the rule (sim/sweep's rules, and the chart's
 * own limit of loss levels). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tui/planner_settings.h"

static const struct pl_request eu868 = { .region = "EU868", .dr = 5 };

static void test_loss_range(void **state)
{
    (void)state;
    static const struct {
        double loss;
        const char *want;
    } cases[] = {
        { 0, "0:30:5" },    { 10, "0:30:5" },    { 30, "0:30:5" },
        { 12, "2:27:5" },                      /* not on the grid: around it */
        { 3, "3:18:5" },    { 35, "20:50:5" }, /* on 5s, above 30 */
        { 98, "83:100:5" }, { 100, "85:100:5" }, { 31, "16:46:5" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[32];
        pl_loss_range(cases[i].loss, buf, sizeof(buf));
        assert_string_equal(buf, cases[i].want);
    }
}

static void test_defaults(void **state)
{
    (void)state;
    struct pl_settings s;
    struct pl_wizard none = { 0 };
    pl_settings_init(&s, &none);
    assert_string_equal(s.text[PLF_REDUNDANCY], "0:100:5");
    assert_string_equal(s.text[PLF_LOSS], "0:30:5");
    assert_string_equal(s.text[PLF_SIZES], "");
    assert_string_equal(s.text[PLF_IMAGE], "");
    assert_string_equal(s.text[PLF_TARGET], "99");
    assert_string_equal(s.text[PLF_TRIALS], "1000");
    assert_string_equal(s.text[PLF_SEED], "1");
    assert_string_equal(s.text[PLF_DEVICES], "1");

    static const struct {
        struct pl_wizard w;
        const char *sizes, *loss, *image;
    } cases[] = {
        { { 100000, "48", "10" }, "48", "0:30:5", "100000" },
        { { 65536, "200", "12" }, "200", "2:27:5", "65536" },
        /* What the wizard holds that no sweep takes is left out. */
        { { 0, "300", "x" }, "", "0:30:5", "" },
        { { 1, "0", "101" }, "", "0:30:5", "1" },
        { { 5, "", "" }, "", "0:30:5", "5" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        pl_settings_init(&s, &cases[i].w);
        assert_string_equal(s.text[PLF_SIZES], cases[i].sizes);
        assert_string_equal(s.text[PLF_LOSS], cases[i].loss);
        assert_string_equal(s.text[PLF_IMAGE], cases[i].image);
    }
}

static void test_set(void **state)
{
    (void)state;
    struct pl_settings s;
    struct pl_wizard none = { 0 };
    pl_settings_init(&s, &none);
    char longest[PL_TEXT_MAX + 2];
    memset(longest, '1', sizeof(longest) - 1);
    longest[PL_TEXT_MAX + 1] = '\0';
    assert_false(pl_settings_set(&s, PLF_SEED, longest));
    assert_string_equal(s.text[PLF_SEED], "1");
    longest[PL_TEXT_MAX] = '\0';
    assert_true(pl_settings_set(&s, PLF_SEED, longest));
    assert_false(pl_settings_set(&s, PL_FIELD_COUNT, "1"));
}

static void test_check_ok(void **state)
{
    (void)state;
    struct pl_settings s;
    struct pl_wizard w = { 65536, "200", "" };
    pl_settings_init(&s, &w);
    struct pl_plan plan;
    enum pl_field f;
    char err[PL_ERROR_MAX];
    struct pl_request req = eu868;
    req.has_interval = true;
    req.interval_ms = 4000;
    assert_true(pl_settings_check(&s, &req, &plan, &f, err, sizeof(err)));
    const struct sweep_params *p = &plan.params;
    assert_int_equal(p->image_bytes, 65536);
    assert_int_equal(p->fragment_size_count, 1);
    assert_ptr_equal(p->fragment_sizes, plan.sizes);
    assert_int_equal(p->fragment_sizes[0], 200);
    assert_int_equal(p->dr_count, 1);
    assert_int_equal(p->drs[0], 5);
    assert_string_equal(p->region, "EU868");
    assert_true(p->has_interval);
    assert_int_equal(p->interval_ms, 4000);
    assert_true(p->redundancy.from == 0 && p->redundancy.to == 100 &&
                p->redundancy.step == 5);
    assert_true(p->loss.from == 0 && p->loss.to == 30 && p->loss.step == 5);
    assert_int_equal(p->target_kind, SWEEP_TARGET_SHARE);
    assert_int_equal(p->trials, 1000);
    assert_int_equal(p->seed, 1);
    /* One number is one level; several sizes; a fleet target. */
    assert_true(pl_settings_set(&s, PLF_REDUNDANCY, "40"));
    assert_true(pl_settings_set(&s, PLF_SIZES, "50,100,200,239"));
    assert_true(pl_settings_set(&s, PLF_DEVICES, "2000"));
    assert_true(pl_settings_set(&s, PLF_LOSS, "0:35:5")); /* 8 levels */
    assert_true(pl_settings_set(&s, PLF_BURST, "3"));
    assert_true(pl_settings_check(&s, &req, &plan, &f, err, sizeof(err)));
    assert_true(plan.params.redundancy.from == 40 &&
                plan.params.redundancy.to == 40);
    assert_int_equal(plan.params.fragment_size_count, 4);
    assert_int_equal(plan.params.fragment_sizes[3], 239);
    assert_int_equal(plan.params.target_kind, SWEEP_TARGET_FLEET);
    assert_int_equal(plan.params.devices, 2000);
    assert_true(plan.params.burst == 3.0);
    /* The region's default data rate and EU868 when none is set. */
    struct pl_request none = { .region = NULL, .dr = -1 };
    assert_true(pl_settings_set(&s, PLF_SIZES, ""));
    assert_true(pl_settings_check(&s, &none, &plan, &f, err, sizeof(err)));
    assert_null(plan.params.region);
    assert_int_equal(plan.params.dr_count, 0);
    assert_int_equal(plan.params.fragment_size_count, 0);
}

/* Each bad value names its field and the rule. */
static void test_check_refused(void **state)
{
    (void)state;
    static const struct {
        enum pl_field set;
        const char *text;
        enum pl_field field;
        const char *msg;
    } cases[] = {
        { PLF_REDUNDANCY, "30:20:5", PLF_REDUNDANCY,
          "Redundancy %: FROM 30 is above TO 20: give the range as "
          "FROM:TO:STEP with FROM <= TO" },
        { PLF_REDUNDANCY, "0:100:0", PLF_REDUNDANCY,
          "Redundancy %: STEP 0 must be above 0" },
        { PLF_REDUNDANCY, "0:100:2.5", PLF_REDUNDANCY,
          "Redundancy %: STEP 2.5 is not a whole percent" },
        { PLF_REDUNDANCY, "0:101:5", PLF_REDUNDANCY,
          "Redundancy %: TO 101 % is outside 0..100 %" },
        { PLF_REDUNDANCY, "-5:10:5", PLF_REDUNDANCY,
          "Redundancy %: FROM -5 % is outside 0..100 %" },
        { PLF_REDUNDANCY, "a:b", PLF_REDUNDANCY,
          "Redundancy %: 'a:b' is not FROM:TO:STEP" },
        { PLF_REDUNDANCY, "1:2:3:4", PLF_REDUNDANCY,
          "Redundancy %: '1:2:3:4' is not FROM:TO:STEP" },
        { PLF_REDUNDANCY, "", PLF_REDUNDANCY,
          "Redundancy %: '' is not FROM:TO:STEP" },
        { PLF_REDUNDANCY, "0::5", PLF_REDUNDANCY,
          "Redundancy %: '0::5' is not FROM:TO:STEP" },
        { PLF_LOSS, "0:40:5", PLF_LOSS,
          "Loss %: 0:40:5 gives 9 loss levels; the chart draws at most 8" },
        { PLF_LOSS, "0:100:0.001", PLF_LOSS,
          "Loss %: STEP 0.001 gives more "
          "than 100000 levels" },
        { PLF_LOSS, "20:10:5", PLF_LOSS, "Loss %: FROM 20 is above TO 10" },
        { PLF_LOSS, "5 ", PLF_LOSS, "Loss %: '5 ' is not FROM:TO:STEP" },
        { PLF_SIZES, "0", PLF_SIZES,
          "Fragment sizes: '0' is not a whole number of bytes from 1 to 255" },
        { PLF_SIZES, "256", PLF_SIZES, "Fragment sizes: '256' is not" },
        { PLF_SIZES, "48,x", PLF_SIZES, "Fragment sizes: 'x' is not" },
        { PLF_SIZES, "48,", PLF_SIZES, "Fragment sizes: '' is not" },
        { PLF_SIZES, "48,48", PLF_SIZES,
          "Fragment sizes: 48 bytes is given twice" },
        { PLF_SIZES, "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", PLF_SIZES,
          "Fragment sizes: more than 16 sizes" },
        { PLF_SIZES, "240", PLF_SIZES,
          "Fragment sizes: no fragment size fits a data rate asked: EU868 "
          "carries at most 239 fragment bytes there" },
        { PLF_SIZES, "1", PLF_SIZES,
          "Fragment sizes: 1-byte fragments cut the 65536-byte image into "
          "M = 65536" },
        { PLF_IMAGE, "", PLF_IMAGE,
          "Image bytes: required: a whole number from 1 to 4177665" },
        { PLF_IMAGE, "0", PLF_IMAGE,
          "Image bytes: '0' is not a whole number from 1 to 4177665" },
        { PLF_IMAGE, "4177666", PLF_IMAGE, "Image bytes: '4177666' is not" },
        { PLF_BURST, "0.5", PLF_BURST,
          "Burst length: 0.5 is not a mean burst length" },
        { PLF_BURST, "-1", PLF_BURST,
          "Burst length: '-1' is not a number from 0 to 1000000" },
        { PLF_SPREAD, "101", PLF_SPREAD,
          "Spread %: '101' is not a number from 0 to 100" },
        { PLF_SPREAD, "40", PLF_SPREAD, "Spread %: " },
        { PLF_SHARED, "x", PLF_SHARED, "Shared loss %: 'x' is not a number" },
        { PLF_LATE_JOIN, "16384", PLF_LATE_JOIN,
          "Late join: '16384' is not a whole number from 0 to 16383" },
        { PLF_DEVICES, "0", PLF_DEVICES,
          "Devices: '0' is not a whole number from 1 to 1000000000" },
        { PLF_TARGET, "100.5", PLF_TARGET,
          "Target %: '100.5' is not a number from 0 to 100" },
        { PLF_TRIALS, "0", PLF_TRIALS,
          "Trials: '0' is not a whole number from 1 to 100000000" },
        { PLF_SEED, "-1", PLF_SEED, "Seed: '-1' is not a whole number" },
        { PLF_SEED, "9007199254740992", PLF_SEED, "Seed: " },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct pl_settings s;
        struct pl_wizard w = { 65536, "200", "" };
        pl_settings_init(&s, &w);
        assert_true(pl_settings_set(&s, cases[i].set, cases[i].text));
        struct pl_plan plan;
        enum pl_field f;
        char err[PL_ERROR_MAX];
        assert_false(
            pl_settings_check(&s, &eu868, &plan, &f, err, sizeof(err)));
        if (f != cases[i].field || strstr(err, cases[i].msg) != err)
            fail_msg("case %zu (%s): field %d, '%s'", i, cases[i].text, f, err);
    }
}

/* A rule between two fields is on the field whose value breaks it. */
static void test_check_across_fields(void **state)
{
    (void)state;
    struct pl_settings s;
    struct pl_wizard w = { 65536, "200", "" };
    pl_settings_init(&s, &w);
    struct pl_plan plan;
    enum pl_field f;
    char err[PL_ERROR_MAX];
    /* A burst of 1 reaches at most 50 % loss. */
    assert_true(pl_settings_set(&s, PLF_BURST, "1"));
    assert_true(pl_settings_check(&s, &eu868, &plan, &f, err, sizeof(err)));
    assert_true(pl_settings_set(&s, PLF_LOSS, "0:60:10"));
    assert_false(pl_settings_check(&s, &eu868, &plan, &f, err, sizeof(err)));
    assert_int_equal(f, PLF_BURST);
    assert_non_null(strstr(err, "cannot reach 60 % loss"));
}

/* What is wrong with the request is nobody's field here. */
static void test_check_request(void **state)
{
    (void)state;
    static const struct {
        struct pl_request req;
        const char *msg;
    } cases[] = {
        { { "XX999", -1, false, 0 },
          "the request cannot be planned: RfRegion: 'XX999' is not an "
          "RfRegion" },
        { { "EU868", 14, false, 0 },
          "the request cannot be planned: data rate: EU868 has no "
          "downlink data rate DR14" },
        { { "EU868", 5, true, 0 },
          "the request cannot be planned: FragmentIntervalMS: 0 ms is "
          "below the minimum 1 ms" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct pl_settings s;
        struct pl_wizard w = { 65536, "", "" };
        pl_settings_init(&s, &w);
        struct pl_plan plan;
        enum pl_field f;
        char err[PL_ERROR_MAX];
        assert_false(
            pl_settings_check(&s, &cases[i].req, &plan, &f, err, sizeof(err)));
        assert_int_equal(f, PL_FIELD_COUNT);
        if (strstr(err, cases[i].msg) != err)
            fail_msg("case %zu: '%s'", i, err);
    }
}

static void test_labels(void **state)
{
    (void)state;
    for (int f = 0; f < PL_FIELD_COUNT; f++) {
        const char *label = pl_field_label((enum pl_field)f);
        assert_true(strlen(label) > 0);
        /* Each help line starts with its label: the rule is named. */
        assert_ptr_equal(strstr(pl_field_help((enum pl_field)f), label),
                         pl_field_help((enum pl_field)f));
    }
    assert_string_equal(pl_field_label(PL_FIELD_COUNT), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loss_range),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_check_ok),
        cmocka_unit_test(test_check_refused),
        cmocka_unit_test(test_check_across_fields),
        cmocka_unit_test(test_check_request),
        cmocka_unit_test(test_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
