#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/civil.h"

static void test_known_days(void **state)
{
    (void)state;
    static const struct {
        int64_t y;
        unsigned m, d;
        int64_t days;
    } cases[] = {
        { 1970, 1, 1, 0 },       { 1969, 12, 31, -1 },
        { 2000, 3, 1, 11017 },   { 2015, 8, 30, 16677 },
        { 2026, 11, 26, 20783 }, { 9999, 12, 31, 2932896 },
        { 1600, 1, 1, -135140 }, { 2000, 2, 29, 11016 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(
            civil_days_from_date(cases[i].y, cases[i].m, cases[i].d),
            cases[i].days);
        int64_t y;
        unsigned m, d;
        civil_date_from_days(cases[i].days, &y, &m, &d);
        assert_int_equal(y, cases[i].y);
        assert_int_equal(m, cases[i].m);
        assert_int_equal(d, cases[i].d);
    }
}

static void test_round_trip_every_day(void **state)
{
    (void)state;
    /* 1600-01-01 .. 2400-12-31: every day maps back to itself. */
    int64_t prev_y = 0;
    for (int64_t z = -135140; z <= 157000; z++) {
        int64_t y;
        unsigned m, d;
        civil_date_from_days(z, &y, &m, &d);
        assert_true(civil_date_valid(y, m, d));
        assert_int_equal(civil_days_from_date(y, m, d), z);
        assert_true(y >= prev_y);
        prev_y = y;
    }
}

static void test_valid_dates(void **state)
{
    (void)state;
    assert_true(civil_date_valid(2024, 2, 29));
    assert_true(civil_date_valid(2000, 2, 29));
    assert_false(civil_date_valid(1900, 2, 29));
    assert_false(civil_date_valid(2100, 2, 29));
    assert_false(civil_date_valid(2023, 2, 29));
    assert_true(civil_date_valid(2023, 2, 28));
    assert_true(civil_date_valid(2023, 4, 30));
    assert_false(civil_date_valid(2023, 4, 31));
    assert_true(civil_date_valid(2023, 12, 31));
    assert_false(civil_date_valid(2023, 13, 1));
    assert_false(civil_date_valid(2023, 0, 1));
    assert_false(civil_date_valid(2023, 1, 0));
    assert_false(civil_date_valid(2023, 1, 32));
}

static void test_digits(void **state)
{
    (void)state;
    unsigned v;
    assert_true(civil_digits("20150830", 8, &v));
    assert_int_equal(v, 20150830);
    assert_true(civil_digits("0042x", 4, &v));
    assert_int_equal(v, 42);
    assert_false(civil_digits("12a4", 4, &v));
    assert_false(civil_digits("-123", 4, &v));
    assert_false(civil_digits(" 123", 4, &v));
    assert_true(civil_digits("", 0, &v));
    assert_int_equal(v, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_days),
        cmocka_unit_test(test_round_trip_every_day),
        cmocka_unit_test(test_valid_dates),
        cmocka_unit_test(test_digits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
