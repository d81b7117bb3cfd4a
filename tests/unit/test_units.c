#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/units.h"

static void test_duration_table(void **state)
{
    (void)state;
    static const struct {
        double s;
        const char *want;
    } cases[] = {
        { 0.0, "0 ms" },
        { 0.0412, "41 ms" },
        { 0.9994, "999 ms" },
        { 0.9996, "1.0 s" },
        { 2.793472, "2.8 s" },
        { 9.94, "9.9 s" },
        { 9.96, "10 s" },
        { 41.0, "41 s" },
        { 59.4, "59 s" },
        { 59.6, "1 min" },
        { 222.0, "3 min 42 s" },
        { 3599.4, "59 min 59 s" },
        { 3599.6, "1 h" },
        { 6984.0, "1 h 56 min" },
        { 75060.0, "20 h 51 min" },
        { 7200.0, "2 h" },
        { 99.0 * 3600 + 59 * 60, "99 h 59 min" },
        { 100.0 * 3600, "4 d 4 h" },
        { 120.0 * 3600, "5 d" },
        { -1.0, "n/a" },
    };
    char buf[UNITS_BUF];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_string_equal(units_duration(cases[i].s, buf, sizeof(buf)),
                            cases[i].want);
    assert_string_equal(units_duration(NAN, buf, sizeof(buf)), "n/a");
    assert_string_equal(units_duration(INFINITY, buf, sizeof(buf)), "forever");
}

static void test_bytes_table(void **state)
{
    (void)state;
    static const struct {
        uint64_t b;
        const char *want;
    } cases[] = {
        { 0, "0 B" },
        { 1023, "1023 B" },
        { 1024, "1.0 KiB" },
        { 100000, "97.7 KiB" },
        { 26726, "26.1 KiB" },
        { 1048500, "1023.9 KiB" },
        { 1048570, "1.0 MiB" }, /* 1023.99 KiB reads as 1.0 MiB */
        { 1048576, "1.0 MiB" },
        { UINT64_C(3) << 30, "3.0 GiB" },
        { UINT64_MAX, "16.0 EiB" },
    };
    char buf[UNITS_BUF];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_string_equal(units_bytes(cases[i].b, buf, sizeof(buf)),
                            cases[i].want);
}

static void test_small_buffers_are_cut(void **state)
{
    (void)state;
    char buf[4];
    assert_string_equal(units_duration(6984.0, buf, sizeof(buf)), "1 h");
    assert_string_equal(units_bytes(100000, buf, sizeof(buf)), "97.");
    char none[1] = { 'x' };
    units_bytes(1, none, 0); /* size 0: untouched, no crash */
    assert_int_equal(none[0], 'x');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration_table),
        cmocka_unit_test(test_bytes_table),
        cmocka_unit_test(test_small_buffers_are_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
