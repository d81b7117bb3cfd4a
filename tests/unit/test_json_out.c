#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "core/json_out.h"

/* The compact text of one number. */
static void assert_number_text(double v, const char *want)
{
    cJSON *n = cJSON_CreateNumber(v);
    assert_non_null(n);
    char *text = json_out_print(n, false);
    assert_non_null(text);
    assert_string_equal(text, want);
    free(text);
    cJSON_Delete(n);
}

static void test_numbers(void **state)
{
    (void)state;
    static const struct {
        double v;
        const char *text;
    } cases[] = {
        { 0, "0" },
        { -0.0, "0" },
        { 1, "1" },
        { -3, "-3" },
        /* Whole numbers never take an exponent (cJSON: 1e+06 at %g). */
        { 1e6, "1000000" },
        { 4177665, "4177665" },
        /* 2^53 - 1, the largest seed: exact. */
        { 9007199254740991.0, "9007199254740991" },
        { 9007199254740992.0, "9007199254740992" },
        { 0.5, "0.5" },
        { 51.85, "51.85" },
        { 338.176, "338.176" },
        /* The shortest form that reads back: 0.1 + 0.2 needs 17 digits. */
        { 0.1 + 0.2, "0.30000000000000004" },
        { 1.0 / 3.0, "0.3333333333333333" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_number_text(cases[i].v, cases[i].text);
    assert_number_text(NAN, "null");
    assert_number_text(INFINITY, "null");
    assert_number_text(-INFINITY, "null");
}

static void test_round(void **state)
{
    (void)state;
    static const struct {
        double v;
        int decimals;
        double want;
    } cases[] = {
        /* 1037 of 2000 devices, 100 x 1037 / 2000 */
        { 51.85, 2, 51.85 },
        { 100.0 * 2 / 3, 2, 66.67 },
        { 100.0 / 3, 2, 33.33 },
        { 9.999999999, 2, 10.0 },
        { -2.345, 2, -2.35 },
        { -0.001, 2, 0.0 },
        { 338.17599999, 3, 338.176 },
        { 1482.7520000001, 3, 1482.752 },
        { 12.5, 0, 13.0 },
        /* Too large to have decimals left: unchanged. */
        { 9007199254740991.0, 3, 9007199254740991.0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_true(json_out_round(cases[i].v, cases[i].decimals) ==
                    cases[i].want);
    /* Out of range decimals and non-finite values come back unchanged. */
    assert_true(json_out_round(1.23456, 10) == 1.23456);
    assert_true(json_out_round(1.23456, -1) == 1.23456);
    assert_true(isnan(json_out_round(NAN, 2)));
    assert_true(isinf(json_out_round(INFINITY, 2)));
}

static void test_added_figures_print_short(void **state)
{
    (void)state;
    cJSON *o = cJSON_CreateObject();
    assert_non_null(
        json_out_add_percent(o, "completed_percent", 100.0 * 1037 / 2000));
    assert_non_null(json_out_add_percent(o, "share_percent", 100.0 / 3));
    assert_non_null(json_out_add_ms(o, "time_on_air_ms", 338176 / 1000.0));
    assert_non_null(json_out_add_ms(o, "mean_ms", 1386004.123456));
    assert_non_null(json_out_add_fixed(o, "whole", 2.4999, 0));
    char *text = json_out_print(o, false);
    assert_string_equal(text, "{\"completed_percent\":51.85,"
                              "\"share_percent\":33.33,"
                              "\"time_on_air_ms\":338.176,"
                              "\"mean_ms\":1386004.123,\"whole\":2}");
    free(text);
    cJSON_Delete(o);
}

static void test_layout(void **state)
{
    (void)state;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "valid", true);
    cJSON *a = cJSON_AddArrayToObject(o, "errors");
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "path", "Tags[3].Key");
    cJSON_AddNullToObject(e, "value");
    cJSON_AddItemToArray(a, e);
    cJSON_AddArrayToObject(o, "warnings");
    cJSON_AddObjectToObject(o, "empty");
    cJSON *pair = cJSON_AddArrayToObject(o, "pair");
    cJSON_AddItemToArray(pair, cJSON_CreateNumber(17));
    cJSON_AddItemToArray(pair, cJSON_CreateFalse());
    char *text = json_out_print(o, true);
    assert_string_equal(text, "{\n"
                              "  \"valid\": true,\n"
                              "  \"errors\": [\n"
                              "    {\n"
                              "      \"path\": \"Tags[3].Key\",\n"
                              "      \"value\": null\n"
                              "    }\n"
                              "  ],\n"
                              "  \"warnings\": [],\n"
                              "  \"empty\": {},\n"
                              "  \"pair\": [\n"
                              "    17,\n"
                              "    false\n"
                              "  ]\n"
                              "}");
    assert_null(strchr(text, '\t'));
    free(text);
    text = json_out_print(o, false);
    assert_string_equal(text, "{\"valid\":true,\"errors\":[{\"path\":"
                              "\"Tags[3].Key\",\"value\":null}],"
                              "\"warnings\":[],\"empty\":{},"
                              "\"pair\":[17,false]}");
    free(text);
    cJSON_Delete(o);
    assert_null(json_out_print(NULL, true));
}

static void test_strings(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "", "\"\"" },
        { "plain", "\"plain\"" },
        { "q\"b\\s/", "\"q\\\"b\\\\s/\"" },
        { "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"" },
        { "\x01\x1f\x7f", "\"\\u0001\\u001f\x7f\"" },
        /* UTF-8 is copied as it is. */
        { "\xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80", "\"\xC3\xA9t\xC3\xA9 "
                                                "\xF0\x9F\x98\x80\"" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *s = cJSON_CreateString(cases[i].in);
        char *text = json_out_print(s, true);
        assert_string_equal(text, cases[i].out);
        /* cJSON reads back what was written. */
        cJSON *back = cJSON_Parse(text);
        assert_non_null(back);
        assert_string_equal(back->valuestring, cases[i].in);
        cJSON_Delete(back);
        free(text);
        cJSON_Delete(s);
    }
    /* A key is escaped as a string is. */
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "a\"b", 1);
    char *text = json_out_print(o, false);
    assert_string_equal(text, "{\"a\\\"b\":1}");
    free(text);
    cJSON_Delete(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_round),
        cmocka_unit_test(test_added_figures_print_short),
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
