#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/plan.h"
#include "sim/session_time.h"
#include "sim/store.h"

/* The estimate for tasks without a region, both sides of each rounding. */
static void test_estimate_without_region(void **state)
{
    (void)state;
    /* has < 0: member unset */
    static const struct {
        int64_t image;
        int32_t size, redundancy, interval;
        int64_t want;
    } rows[] = {
        /* defaults: 50-byte fragments, 1 s interval, no redundancy */
        { 1000, -1, -1, -1, 20 * 1000 },
        { 1001, -1, -1, -1, 21 * 1000 },
        { 1000, 0, -1, -1, 20 * 1000 }, /* size 0 -> default */
        { 1000, 100, -1, -1, 10 * 1000 },
        { 1000, 99, -1, -1, 11 * 1000 },
        { 1000, -1, 0, -1, 20 * 1000 },
        { 1000, -1, 10, -1, 22 * 1000 }, /* R = ceil(20 * 10 / 100) */
        { 1000, -1, 11, -1, 23 * 1000 }, /* R = ceil(2.2) */
        { 1000, -1, 100, -1, 40 * 1000 },
        /* interval rounded to the nearest second, at least 1 s */
        { 1000, -1, -1, 1, 20 * 1000 },
        { 1000, -1, -1, 499, 20 * 1000 },
        { 1000, -1, -1, 1499, 20 * 1000 },
        { 1000, -1, -1, 1500, 20 * 2000 },
        { 1000, -1, -1, 2499, 20 * 2000 },
        { 1000, -1, -1, 2500, 20 * 3000 },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct backend_task t;
        backend_task_init(&t);
        if ((t.has_fragment_size_bytes = rows[i].size >= 0))
            t.fragment_size_bytes = rows[i].size;
        if ((t.has_redundancy_percent = rows[i].redundancy >= 0))
            t.redundancy_percent = rows[i].redundancy;
        if ((t.has_fragment_interval_ms = rows[i].interval >= 0))
            t.fragment_interval_ms = rows[i].interval;
        assert_int_equal(session_time_ms(&t, rows[i].image), rows[i].want);
    }
    /* the defaults are the store's documented ones */
    struct backend_task t;
    backend_task_init(&t);
    assert_int_equal(session_time_ms(&t, STORE_DEFAULT_FRAGMENT_SIZE * 3),
                     3 * STORE_DEFAULT_INTERVAL_MS);
}

/* With a region the session lasts core/plan's session wall time. */
static void test_plan_with_region(void **state)
{
    (void)state;
    static const char *const regions[] = { "EU868", "US915", "AS923-1" };
    for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
        struct backend_task t;
        backend_task_init(&t);
        t.firmware_update_image = (char *)"s3://b/i.bin";
        t.firmware_update_role = (char *)"arn:aws:iam::123456789012:role/r";
        t.rf_region = (char *)regions[i];
        t.has_fragment_size_bytes = true;
        t.fragment_size_bytes = 50;

        struct fuota_task req;
        task_init(&req);
        req.firmware_update_image = t.firmware_update_image;
        req.firmware_update_role = t.firmware_update_role;
        req.has_lorawan = true;
        req.rf_region = t.rf_region;
        req.has_fragment_size_bytes = true;
        req.fragment_size_bytes = 50;
        struct plan_input in = { .task = &req, .image_bytes = 1000, .dr = -1 };
        struct plan plan;
        struct diag_list diags;
        diag_list_init(&diags);
        assert_int_equal(plan_compute(&in, &plan, &diags), PLAN_OK);
        diag_list_cleanup(&diags);
        assert_true(plan.airtime_known);
        int64_t want = (int64_t)(plan.session_wall_time_s * 1000.0 + 0.5);
        assert_int_equal(session_time_ms(&t, 1000), want);
    }
    /* a region core/plan cannot plan for: the estimate */
    struct backend_task t;
    backend_task_init(&t);
    t.firmware_update_image = (char *)"s3://b/i.bin";
    t.firmware_update_role = (char *)"arn:aws:iam::123456789012:role/r";
    t.rf_region = (char *)"NOWHERE";
    assert_int_equal(session_time_ms(&t, 1000), 20 * 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_estimate_without_region),
        cmocka_unit_test(test_plan_with_region),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
