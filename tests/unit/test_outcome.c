/*
 * core/outcome: the explanation table covers every FuotaDeviceStatus of the
 * service model (read from tests/data/reference/iotwireless-service-2.json),
 * each with a meaning, causes that cite their source, and an action; and
 * nothing else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "core/backend.h"
#include "core/outcome.h"
#include "tests/unit/reference.h"

static bool cites_known_source(const char *source)
{
    static const char *const known[] = { "TS004", "TS005", "AWS",
                                         "IoT Wireless service model",
                                         "LoRaMac-node" };
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (strstr(source, known[i]) != NULL)
            return true;
    return false;
}

static void check_entry(const struct outcome *o,
                        enum backend_device_status status)
{
    assert_non_null(o);
    assert_int_equal(o->status, status);
    assert_non_null(o->summary);
    assert_true(strlen(o->summary) > 0 && strlen(o->summary) <= 40);
    assert_non_null(o->meaning);
    assert_true(strlen(o->meaning) > 20);
    assert_non_null(o->action);
    assert_true(strlen(o->action) > 20);
    size_t n = outcome_cause_count(o);
    assert_true(n >= 1 && n <= OUTCOME_CAUSES_MAX);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(o->causes[i].source);
        assert_true(cites_known_source(o->causes[i].source));
        assert_true(strlen(o->causes[i].text) > 10);
    }
    assert_int_equal(o->success, status == BACKEND_DEVICE_SUCCESSFUL);
    assert_string_not_equal(outcome_phase_name(o->phase), "unknown");
}

/* Every value of the model's enum has an entry; the table has no other. */
static void test_covers_service_model(void **state)
{
    (void)state;
    cJSON *model = reference_load("iotwireless-service-2.json");
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(model, "shapes"),
            "FuotaDeviceStatus"),
        "enum");
    assert_true(cJSON_IsArray(e));
    size_t n = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, e)
    {
        assert_true(cJSON_IsString(v));
        enum backend_device_status status;
        if (!backend_device_status_parse(v->valuestring, &status))
            fail_msg("%s: not a backend_device_status", v->valuestring);
        check_entry(outcome_of(status), status);
        n++;
    }
    assert_int_equal(n, BACKEND_DEVICE_STATUS_COUNT);
    cJSON_Delete(model);
}

/* What the issue asks the causes to name, and the phases. */
static void test_specific_causes(void **state)
{
    (void)state;
    static const struct {
        enum backend_device_status status;
        const char *needle;
        enum outcome_phase phase;
    } cases[] = {
        { BACKEND_DEVICE_NOT_ENOUGH_MEMORY, "FragSessionSetup",
          OUTCOME_PHASE_SETUP },
        { BACKEND_DEVICE_MIC_ERROR, "GenAppKey", OUTCOME_PHASE_CHECK },
        { BACKEND_DEVICE_MISSING_FRAG, "redundancy", OUTCOME_PHASE_DELIVERY },
        { BACKEND_DEVICE_MISSING_FRAG, "session ended early",
          OUTCOME_PHASE_DELIVERY },
        { BACKEND_DEVICE_SESSION_CNT_REPLAY, "SessionCnt",
          OUTCOME_PHASE_SETUP },
        { BACKEND_DEVICE_WRONG_DESCRIPTOR, "Descriptor", OUTCOME_PHASE_SETUP },
        { BACKEND_DEVICE_PACKAGE_NOT_SUPPORTED, "PackageVersionReq",
          OUTCOME_PHASE_SETUP },
        { BACKEND_DEVICE_CONFLICT, "another FUOTA task",
          OUTCOME_PHASE_ADMISSION },
        { BACKEND_DEVICE_INITIAL, "offline", OUTCOME_PHASE_PENDING },
        { BACKEND_DEVICE_SUCCESSFUL, "rebuilt", OUTCOME_PHASE_DONE },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct outcome *o = outcome_of(cases[i].status);
        assert_int_equal(o->phase, cases[i].phase);
        bool found = false;
        for (size_t k = 0; k < outcome_cause_count(o); k++)
            found = found || strstr(o->causes[k].text, cases[i].needle);
        if (!found)
            fail_msg("%s: no cause mentions '%s'",
                     backend_device_status_name(cases[i].status),
                     cases[i].needle);
    }
}

/* Runs of blanks and line ends as one space, in place. */
static void squeeze(char *s)
{
    char *out = s;
    bool space = false;
    for (char *p = s; *p; p++) {
        bool blank = *p == ' ' || *p == '\n' || *p == '\t';
        if (blank && space)
            continue;
        *out++ = blank ? ' ' : *p;
        space = blank;
    }
    *out = '\0';
}

static void expect_in(const char *doc, const char *what, const char *text)
{
    char want[1024];
    snprintf(want, sizeof(want), "%s", text);
    squeeze(want);
    if (!strstr(doc, want))
        fail_msg("docs/guide/outcomes.md lacks the %s: '%s'", what, want);
}

/* The guide's chapter says what the table says, status by status. */
static void test_guide_chapter(void **state)
{
    (void)state;
    const char *root = getenv("FUOTA_ROOT");
    char path[1024];
    snprintf(path, sizeof(path), "%s/docs/guide/outcomes.md",
             root ? root : ".");
    char *doc = reference_read(path, NULL);
    if (!doc)
        fail_msg("cannot read %s", path);
    squeeze(doc);
    for (size_t i = 0; i < BACKEND_DEVICE_STATUS_COUNT; i++) {
        const struct outcome *o = outcome_of((enum backend_device_status)i);
        char line[256];
        snprintf(line, sizeof(line), "#### %s: %s",
                 backend_device_status_name(o->status), o->summary);
        expect_in(doc, "heading", line);
        expect_in(doc, "meaning", o->meaning);
        expect_in(doc, "action", o->action);
        for (size_t k = 0; k < outcome_cause_count(o); k++) {
            char cause[1024];
            snprintf(cause, sizeof(cause), "%s [%s]", o->causes[k].text,
                     o->causes[k].source);
            expect_in(doc, "cause", cause);
        }
    }
    free(doc);
}

static void test_out_of_range(void **state)
{
    (void)state;
    assert_null(outcome_of(BACKEND_DEVICE_STATUS_COUNT));
    assert_null(outcome_of((enum backend_device_status) - 1));
    assert_string_equal(outcome_phase_name((enum outcome_phase)42), "unknown");
    assert_string_equal(outcome_phase_help((enum outcome_phase)42), "unknown");
    assert_string_equal(outcome_phase_name(OUTCOME_PHASE_SETUP), "setup");
    assert_non_null(strstr(outcome_phase_help(OUTCOME_PHASE_SETUP), "refused"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_covers_service_model),
        cmocka_unit_test(test_specific_causes),
        cmocka_unit_test(test_guide_chapter),
        cmocka_unit_test(test_out_of_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
