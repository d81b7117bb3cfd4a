/* core/number: the plain-decimal form and its ranges, both sides. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/number.h"

static void test_is_decimal(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        bool whole, fraction;
    } cases[] = {
        { "0", true, true },       { "12", true, true },
        { "-3", true, true },      { "2.5", false, true },
        { "-0.5", false, true },   { "", false, false },
        { "-", false, false },     { ".5", false, false },
        { "5.", false, false },    { "+5", false, false },
        { " 5", false, false },    { "5 ", false, false },
        { "1e2", false, false },   { "0x10", false, false },
        { "nan", false, false },   { "inf", false, false },
        { "1.2.3", false, false }, { "5%", false, false },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(number_is_decimal(cases[i].text, false),
                         cases[i].whole);
        assert_int_equal(number_is_decimal(cases[i].text, true),
                         cases[i].fraction);
    }
}

static void test_parse(void **state)
{
    (void)state;
    long long n = 7;
    assert_int_equal(number_parse_int("10", 1, 10, &n), NUMBER_OK);
    assert_int_equal(n, 10);
    assert_int_equal(number_parse_int("1", 1, 10, &n), NUMBER_OK);
    assert_int_equal(number_parse_int("0", 1, 10, &n), NUMBER_OUT_OF_RANGE);
    assert_int_equal(number_parse_int("11", 1, 10, &n), NUMBER_OUT_OF_RANGE);
    assert_int_equal(number_parse_int("99999999999999999999", 0, 10, &n),
                     NUMBER_OUT_OF_RANGE);
    assert_int_equal(number_parse_int("2.5", 0, 10, &n), NUMBER_NOT_DECIMAL);
    assert_int_equal(n, 1);
    double d = 3.0;
    assert_int_equal(number_parse_double("100", 0, 100, &d), NUMBER_OK);
    assert_true(d == 100.0);
    assert_int_equal(number_parse_double("100.001", 0, 100, &d),
                     NUMBER_OUT_OF_RANGE);
    assert_int_equal(number_parse_double("-0.1", 0, 100, &d),
                     NUMBER_OUT_OF_RANGE);
    assert_int_equal(number_parse_double("1e2", 0, 100, &d),
                     NUMBER_NOT_DECIMAL);
    char huge[400];
    for (size_t i = 0; i < sizeof(huge) - 1; i++)
        huge[i] = '9';
    huge[sizeof(huge) - 1] = '\0';
    assert_int_equal(number_parse_double(huge, 0, 1e308, &d),
                     NUMBER_OUT_OF_RANGE);
    assert_true(d == 100.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_is_decimal),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
