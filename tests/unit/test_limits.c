/*
 * core/limits: the published field limits on both sides of each boundary:
 * AWS's 1 MB image, every power-of-two Class C timeout up to 2^15 s, the
 * 48-hour distribution window, and the scheduling window (30 minutes after
 * now, 48 hours ahead), with a fixed clock.
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
#include "core/limits.h"

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

static void test_image(void **state)
{
    struct diag_list *d = *state;
    static const struct {
        uint64_t bytes;
        bool ok;
        bool mentions_mib; /* within 1 MiB: the message says so */
    } cases[] = {
        { 1, true, false },        { 999999, true, false },
        { 1000000, true, false },  { 1000001, false, true },
        { 1048576, false, true },  { 1048577, false, false },
        { 4177665, false, false },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        diag_list_clear(d);
        assert_int_equal(limits_check_image(cases[i].bytes, d), cases[i].ok);
        const struct diag *x =
            diag_find(d, "FirmwareUpdateImage", "image-size");
        if (cases[i].ok) {
            assert_int_equal(d->count, 0);
            continue;
        }
        assert_non_null(x);
        assert_int_equal(x->severity, DIAG_WARNING);
        assert_non_null(strstr(x->message, "1,000,000 bytes"));
        assert_non_null(strstr(x->message, "delta image"));
        assert_int_equal(strstr(x->message, "1 MiB") != NULL,
                         cases[i].mentions_mib);
    }
    /* NULL diags is allowed. */
    assert_false(limits_check_image(2000000, NULL));
}

/* Every power of two from 2^6 (AWS's 60 s rounds up to 64) to 2^15, on
 * both sides. */
static void test_timeout_each_power(void **state)
{
    (void)state;
    struct limits_timeout t;
    for (int k = 6; k <= LIMITS_CLASS_C_TIMEOUT_EXP_MAX; k++) {
        double at = (double)(UINT64_C(1) << k);
        assert_true(limits_class_c_timeout(at, &t));
        assert_int_equal(t.exp, k);
        assert_int_equal(t.timeout_s, UINT64_C(1) << k);
        assert_int_equal(t.session_s, (uint64_t)at);
        /* A fraction of a second more needs the next power. */
        bool next = limits_class_c_timeout(at + 0.001, &t);
        if (k < LIMITS_CLASS_C_TIMEOUT_EXP_MAX) {
            assert_true(next);
            assert_int_equal(t.exp, k + 1);
        } else {
            assert_false(next);
            assert_int_equal(t.exp, -1);
            assert_int_equal(t.timeout_s, 0);
            assert_int_equal(t.session_s, 32769);
        }
    }
}

static void test_timeout_short_and_odd(void **state)
{
    (void)state;
    struct limits_timeout t;
    /* Below AWS's 60 s minimum: 64 s (TimeOut 6) whatever the session. */
    static const double short_ones[] = { 0.0, 0.5, 1.0, 59.0, 60.0, 63.2 };
    for (size_t i = 0; i < sizeof(short_ones) / sizeof(short_ones[0]); i++) {
        assert_true(limits_class_c_timeout(short_ones[i], &t));
        assert_int_equal(t.exp, 6);
        assert_int_equal(t.timeout_s, 64);
    }
    assert_true(limits_class_c_timeout(-5.0, &t));
    assert_int_equal(t.session_s, 0);
    assert_true(limits_class_c_timeout(NAN, &t));
    assert_int_equal(t.exp, 6);
    assert_false(limits_class_c_timeout(1e30, &t));
    assert_int_equal(t.session_s, UINT64_MAX);
    /* 9.1 h: 32768 s fits, the design example (20 h 51 min) does not. */
    assert_true(limits_class_c_timeout(32768.0, &t));
    assert_false(limits_class_c_timeout(75030.0, &t));
    assert_int_equal(t.session_s, 75030);
}

static void test_window(void **state)
{
    struct diag_list *d = *state;
    diag_list_clear(d);
    assert_true(limits_check_window(172800.0, d));
    assert_true(limits_check_window(0.0, d));
    assert_true(limits_check_window(NAN, d));
    assert_int_equal(d->count, 0);
    assert_false(limits_check_window(172800.5, d));
    const struct diag *x = diag_find(d, "", "distribution-window");
    assert_non_null(x);
    assert_int_equal(x->severity, DIAG_WARNING);
    assert_non_null(strstr(x->message, "48-hour"));
    /* Said once, however often asked. */
    assert_false(limits_check_window(200000.0, d));
    assert_int_equal(d->count, 1);
}

/* A fixed clock: 2026-05-01T12:00:00Z. */
#define NOW INT64_C(1777636800)

static void test_schedule_bounds(void **state)
{
    struct diag_list *d = *state;
    static const struct {
        int64_t offset;
        enum limits_start want;
        const char *rule; /* NULL = none */
    } cases[] = {
        { -3600, LIMITS_START_TOO_SOON, "start-too-soon" },
        { 0, LIMITS_START_TOO_SOON, "start-too-soon" },
        { 1799, LIMITS_START_TOO_SOON, "start-too-soon" },
        { 1800, LIMITS_START_OK, NULL },
        { 3600, LIMITS_START_OK, NULL },
        { 172800, LIMITS_START_OK, NULL },
        { 172801, LIMITS_START_TOO_LATE, "start-too-late" },
        { 30 * 86400, LIMITS_START_TOO_LATE, "start-too-late" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        diag_list_clear(d);
        struct limits_schedule s;
        enum limits_start got =
            limits_check_schedule(NOW + cases[i].offset, NOW, -1.0, &s, d);
        assert_int_equal(got, cases[i].want);
        assert_int_equal(s.verdict, cases[i].want);
        assert_int_equal(s.earliest, NOW + 1800);
        assert_int_equal(s.latest, NOW + 172800);
        assert_false(s.session_known);
        assert_true(s.window_ok);
        if (cases[i].rule == NULL) {
            assert_int_equal(d->count, 0);
            continue;
        }
        const struct diag *x = diag_find(d, "LoRaWAN.StartTime", cases[i].rule);
        assert_non_null(x);
        assert_int_equal(x->severity, DIAG_WARNING);
        /* It names the start and the bound. */
        char when[32];
        snprintf(when, sizeof(when), "%s",
                 cases[i].want == LIMITS_START_TOO_SOON
                     ? "2026-05-01T12:30:00Z"
                     : "2026-05-03T12:00:00Z");
        assert_non_null(strstr(x->message, when));
    }
}

static void test_schedule_messages(void **state)
{
    struct diag_list *d = *state;
    diag_list_clear(d);
    (void)limits_check_schedule(NOW - 300, NOW, -1.0, NULL, d);
    assert_non_null(strstr(d->items[0].message, "5 min in the past"));
    assert_non_null(strstr(d->items[0].message, "2026-05-01T11:55:00Z"));
    diag_list_clear(d);
    (void)limits_check_schedule(NOW + 600, NOW, -1.0, NULL, d);
    assert_non_null(strstr(d->items[0].message, "10 min from now"));
    diag_list_clear(d);
    (void)limits_check_schedule(NOW, NOW, -1.0, NULL, d);
    assert_non_null(strstr(d->items[0].message, "is now"));
    /* NULL out and diags are allowed. */
    assert_int_equal(limits_check_schedule(NOW, NOW, -1.0, NULL, NULL),
                     LIMITS_START_TOO_SOON);
    assert_string_equal(limits_start_message(LIMITS_START_TOO_LATE),
                        "more than 48 hours from now");
    assert_string_equal(limits_start_message((enum limits_start)99),
                        "unknown scheduling status");
}

static void test_schedule_session(void **state)
{
    struct diag_list *d = *state;
    struct limits_schedule s;
    diag_list_clear(d);
    /* A known session: its end; within 48 h nothing more is said. */
    assert_int_equal(limits_check_schedule(NOW + 3600, NOW, 7200.2, &s, d),
                     LIMITS_START_OK);
    assert_true(s.session_known);
    assert_int_equal(s.end, NOW + 3600 + 7201);
    assert_true(s.window_ok);
    assert_int_equal(d->count, 0);
    /* 48 h exactly is fine, a second more is flagged. */
    (void)limits_check_schedule(NOW + 3600, NOW, 172800.0, &s, d);
    assert_true(s.window_ok);
    assert_int_equal(d->count, 0);
    (void)limits_check_schedule(NOW + 3600, NOW, 172801.0, &s, d);
    assert_false(s.window_ok);
    assert_non_null(diag_find(d, "", "distribution-window"));
    /* A huge session does not overflow the end. */
    (void)limits_check_schedule(NOW + 3600, NOW, 1e300, &s, d);
    assert_true(s.end > NOW);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_image),
        cmocka_unit_test(test_timeout_each_power),
        cmocka_unit_test(test_timeout_short_and_odd),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_schedule_bounds),
        cmocka_unit_test(test_schedule_messages),
        cmocka_unit_test(test_schedule_session),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
