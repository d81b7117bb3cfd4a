/* tui/model and tui/preview: the wizard's fields to a request, validation
 * and plan from core/, the diagnostics on their fields, drafts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tui/model.h"
#include "tui/preview.h"

static void fill(struct model *m)
{
    assert_true(model_set_text(m, F_NAME, "fw-2-1-0"));
    assert_true(model_set_text(m, F_IMAGE, "s3://bucket-1/fw.bin"));
    assert_true(
        model_set_text(m, F_ROLE, "arn:aws:iam::123456789012:role/fuota"));
    assert_true(model_set_text(m, F_FRAGMENT_SIZE, "48"));
    assert_true(model_set_text(m, F_REDUNDANCY, "20"));
    assert_true(model_set_text(m, F_INTERVAL, "30000"));
    assert_true(model_set_region(m, "EU868"));
    assert_true(model_set_text(m, F_PLAN_IMAGE, "100000"));
}

static void test_paths_map_to_fields(void **state)
{
    (void)state;
    static const struct {
        const char *path;
        enum model_field f;
    } cases[] = {
        { "Name", F_NAME },
        { "ClientRequestToken", F_TOKEN },
        { "LoRaWAN.RfRegion", F_REGION },
        { "LoRaWAN", F_REGION },
        { "Tags", F_TAGS },
        { "Tags[3].Key", F_TAGS },
        { "Tags[199].Value", F_TAGS },
        { "TagsX", MODEL_NO_FIELD },
        { "image", F_PLAN_IMAGE },
        { "dr", F_PLAN_DR },
        { "loss", F_PLAN_LOSS },
        { "", MODEL_NO_FIELD },
        { "Unknown", MODEL_NO_FIELD },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(model_field_for_path(cases[i].path), cases[i].f);
    assert_null(NULL);
    assert_int_equal(model_field_for_path(NULL), MODEL_NO_FIELD);
    /* Every field's own path maps back to it. */
    for (int f = 0; f < MODEL_FIELD_COUNT; f++)
        assert_int_equal(model_field_for_path(model_field_path(f)), f);
}

static void test_int_fields_take_digits_only(void **state)
{
    (void)state;
    struct model m;
    model_init(&m);
    assert_true(model_set_text(&m, F_REDUNDANCY, "101"));
    assert_false(model_set_text(&m, F_REDUNDANCY, "1x"));
    assert_false(model_set_text(&m, F_REDUNDANCY, "-1"));
    assert_false(model_set_text(&m, F_REDUNDANCY, " 1"));
    assert_false(model_set_text(&m, F_REDUNDANCY, "12345678901"));
    assert_string_equal(model_text(&m, F_REDUNDANCY), "101");
    assert_true(model_set_text(&m, F_REDUNDANCY, ""));
    assert_false(model_set_text(&m, F_REGION, "EU868")); /* a choice */
    /* Beyond int32: an error on the field, the member left out. */
    assert_true(model_set_text(&m, F_INTERVAL, "9999999999"));
    model_refresh(&m);
    const struct diag *d = model_field_diag(&m, F_INTERVAL);
    assert_non_null(d);
    assert_string_equal(d->rule, "int32");
    assert_false(m.task.has_fragment_interval_ms);
    model_cleanup(&m);
}

static void test_validation_on_fields(void **state)
{
    (void)state;
    struct model m;
    model_init(&m);
    model_refresh(&m);
    /* Empty: the required members are errors on their fields. */
    assert_string_equal(model_field_diag(&m, F_IMAGE)->rule, "required");
    assert_string_equal(model_field_diag(&m, F_ROLE)->rule, "required");
    fill(&m);
    assert_true(model_set_text(&m, F_REDUNDANCY, "101"));
    model_refresh(&m);
    const struct diag *d = model_field_diag(&m, F_REDUNDANCY);
    assert_non_null(d);
    assert_int_equal(d->severity, DIAG_ERROR);
    assert_string_equal(d->message, "101 is above the maximum 100");
    assert_null(model_field_diag(&m, F_NAME));
    /* UTF-8 counts characters: 256 "é" fit, 257 do not. */
    char name[600] = "";
    for (int i = 0; i < 257; i++)
        memcpy(name + 2 * i, "\xc3\xa9", 2);
    assert_true(model_set_text(&m, F_NAME, name));
    model_refresh(&m);
    assert_string_equal(model_field_diag(&m, F_NAME)->rule, "max-length");
    name[strlen(name) - 2] = '\0';
    assert_true(model_set_text(&m, F_NAME, name));
    model_refresh(&m);
    d = model_field_diag(&m, F_NAME);
    assert_true(d == NULL || d->severity != DIAG_ERROR);
    /* A tag's problem lands on the Tags row. */
    assert_true(model_set_tag(&m, 0, "", "x"));
    model_refresh(&m);
    assert_string_equal(model_field_diag(&m, F_TAGS)->path, "Tags[0].Key");
    model_cleanup(&m);
}

static void test_plan_figures(void **state)
{
    (void)state;
    struct model m;
    model_init(&m);
    fill(&m);
    assert_true(model_set_text(&m, F_PLAN_LOSS, "10"));
    model_refresh(&m);
    assert_true(m.planned);
    assert_int_equal(m.plan.uncoded_fragments, 2084);
    assert_int_equal(m.plan.redundancy_fragments, 417);
    assert_false(diag_has_errors(&m.diags));
    struct preview_line l[PREVIEW_LINES_MAX];
    size_t n = preview_lines(&m, l, PREVIEW_LINES_MAX);
    char all[4096] = "";
    for (size_t i = 0; i < n; i++) {
        strncat(all, l[i].label, sizeof(all) - strlen(all) - 1);
        strncat(all, "=", sizeof(all) - strlen(all) - 1);
        strncat(all, l[i].value, sizeof(all) - strlen(all) - 1);
        strncat(all, "\n", sizeof(all) - strlen(all) - 1);
    }
    assert_non_null(strstr(all, "fragments=2084 + 417 = 2501"));
    assert_non_null(strstr(all, "time on air=2793.472 ms each, 1 h 56 min"));
    assert_non_null(strstr(all, "session=20 h 51 min"));
    /* 20 h 51 min is beyond a Class C session (TS005: 2^15 s). */
    assert_non_null(strstr(all, "session limit=none covers it: devices "
                                "leave after fragment 1093"));
    assert_non_null(strstr(all, "duty cycle=10 % (P), uses 9.31 %"));
    assert_non_null(strstr(all, "device RAM=26.1 KiB + 97.7 KiB image"));
    assert_non_null(strstr(all, "at 10 % loss=2251 of 2501 arrive"));
    assert_non_null(strstr(all, "TS004 needs=2086 avg, 2091 for 99 %"));
    char title[128], l1[256], l2[256];
    assert_string_equal(preview_title(&m, title, sizeof(title)),
                        "Preview \xc2\xb7 EU868 DR0 SF12/125 kHz");
    preview_strip(&m, l1, sizeof(l1), l2, sizeof(l2));
    assert_string_equal(l1, "2084 + 417 = 2501 fragments \xc2\xb7 1 h 56 min "
                            "on air \xc2\xb7 session 20 h 51 min");
    /* Too low a redundancy for the loss: the suggestion says so. */
    assert_true(model_set_text(&m, F_REDUNDANCY, "5"));
    model_refresh(&m);
    n = preview_lines(&m, l, PREVIEW_LINES_MAX);
    bool suggested = false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(l[i].label, "suggested") == 0) {
            suggested = true;
            assert_string_equal(l[i].value, "\xe2\x89\xa5 12 % redundancy");
        }
    assert_true(suggested);
    model_cleanup(&m);
}

static void test_planning_inputs(void **state)
{
    (void)state;
    struct model m;
    model_init(&m);
    fill(&m);
    /* A file: its size is read. */
    char path[] = "/tmp/fuota-model-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    static char bytes[4800];
    assert_int_equal(write(fd, bytes, sizeof(bytes)), (ssize_t)sizeof(bytes));
    close(fd);
    assert_true(model_set_text(&m, F_PLAN_IMAGE, path));
    model_refresh(&m);
    assert_true(m.image_known);
    assert_int_equal(m.image_bytes, 4800);
    assert_int_equal(m.plan.uncoded_fragments, 100);
    assert_non_null(strstr(path, m.image_name));
    unlink(path);
    model_refresh(&m);
    assert_false(m.image_known);
    assert_string_equal(model_field_diag(&m, F_PLAN_IMAGE)->rule, "image-file");
    assert_true(model_set_text(&m, F_PLAN_IMAGE, "/tmp"));
    model_refresh(&m);
    assert_non_null(
        strstr(model_field_diag(&m, F_PLAN_IMAGE)->message, "is a directory"));
    assert_true(model_set_text(&m, F_PLAN_IMAGE, "0"));
    model_refresh(&m);
    assert_string_equal(model_field_diag(&m, F_PLAN_IMAGE)->rule, "image-size");
    /* Loss over 100. */
    assert_true(model_set_text(&m, F_PLAN_IMAGE, "100000"));
    assert_true(model_set_text(&m, F_PLAN_LOSS, "101"));
    model_refresh(&m);
    assert_string_equal(model_field_diag(&m, F_PLAN_LOSS)->message,
                        "101 % is above the maximum 100 %");
    /* Data rates follow the region; a DR the new region lacks resets. */
    int drs[16];
    size_t n = model_dr_choices(&m, drs, 16);
    assert_int_equal(n, 8); /* EU868 DR0..7 (LoRa, SF7/250, FSK) */
    model_set_dr(&m, 5);
    assert_true(model_set_region(&m, "US915"));
    n = model_dr_choices(&m, drs, 16);
    assert_true(n > 0);
    assert_int_equal(m.dr, -1); /* US915 has no downlink DR5 */
    assert_true(model_set_region(&m, NULL));
    assert_int_equal(model_dr_choices(&m, drs, 16), 0);
    model_cleanup(&m);
}

static void test_tags(void **state)
{
    (void)state;
    struct model m;
    model_init(&m);
    assert_false(model_set_tag(&m, 1, "a", "b")); /* past the end */
    for (int i = 0; i < TASK_TAGS_MAX; i++) {
        char k[16];
        snprintf(k, sizeof(k), "k%d", i);
        assert_true(model_set_tag(&m, m.tag_count, k, "v"));
    }
    assert_false(model_set_tag(&m, m.tag_count, "over", "v"));
    assert_int_equal(m.tag_count, TASK_TAGS_MAX);
    assert_true(model_set_tag(&m, 3, "edited", ""));
    assert_string_equal(m.tags[3].key, "edited");
    model_remove_tag(&m, 0);
    assert_int_equal(m.tag_count, TASK_TAGS_MAX - 1);
    assert_string_equal(m.tags[2].key, "edited");
    model_remove_tag(&m, 500); /* out of range: nothing */
    model_refresh(&m);
    assert_int_equal(m.task.tag_count, TASK_TAGS_MAX - 1);
    model_cleanup(&m);
}

static void test_load_keeps_document_problems_until_edited(void **state)
{
    (void)state;
    struct fuota_task t;
    struct diag_list d;
    diag_list_init(&d);
    const char *json = "{\"FirmwareUpdateImage\":\"s3://b-1/x\","
                       "\"FirmwareUpdateRole\":\"arn:aws:iam::123456789012:"
                       "role/r\",\"RedundancyPercent\":\"ten\"}";
    assert_true(task_from_json(json, strlen(json), &t, &d));
    struct model m;
    model_init(&m);
    assert_true(model_load_task(&m, &t, &d));
    assert_false(m.dirty);
    model_refresh(&m);
    const struct diag *p = model_field_diag(&m, F_REDUNDANCY);
    assert_non_null(p);
    assert_string_equal(p->rule, "type");
    assert_true(model_set_text(&m, F_REDUNDANCY, "10"));
    assert_true(m.dirty);
    model_refresh(&m);
    assert_null(model_field_diag(&m, F_REDUNDANCY));
    model_cleanup(&m);
    task_cleanup(&t);
    diag_list_cleanup(&d);
}

static void test_draft_round_trip(void **state)
{
    (void)state;
    struct model m, r;
    model_init(&m);
    model_init(&r);
    fill(&m);
    assert_true(model_set_text(&m, F_DESCRIPTION, "\xc3\xa9t\xc3\xa9 \"q\""));
    assert_true(model_set_tag(&m, 0, "env", "prod"));
    assert_true(model_set_path(&m, "/tmp/x.json"));
    model_set_dr(&m, 3);
    char *json = model_to_draft(&m);
    assert_non_null(json);
    assert_true(model_from_draft(&r, json, strlen(json)));
    for (int f = 0; f < MODEL_FIELD_COUNT; f++)
        assert_string_equal(model_text(&r, f), model_text(&m, f));
    assert_string_equal(r.region, "EU868");
    assert_int_equal(r.dr, 3);
    assert_int_equal(r.tag_count, 1);
    assert_string_equal(r.tags[0].value, "prod");
    assert_string_equal(r.path, "/tmp/x.json");
    assert_true(r.dirty);
    free(json);
    /* Not a draft: refused, the model unchanged. */
    assert_false(model_from_draft(&r, "{}", 2));
    assert_false(model_from_draft(&r, "not json", 8));
    assert_false(model_from_draft(&r, "{\"format\":\"other\"}", 18));
    assert_string_equal(r.region, "EU868");
    assert_false(model_is_empty(&r));
    struct model e;
    model_init(&e);
    assert_true(model_is_empty(&e));
    model_cleanup(&e);
    model_cleanup(&m);
    model_cleanup(&r);
}

/* Update mode: the fields take the task; only edits differ from it. */
static void test_update_mode(void **state)
{
    (void)state;
    struct model m;
    model_init(&m);
    struct task_update u;
    assert_false(model_update_diff(&m, &u)); /* not updating */
    struct fuota_task base;
    task_init(&base);
    base.name = strdup("fw-1");
    base.firmware_update_image = strdup("s3://bucket-1/fw.bin");
    base.firmware_update_role = strdup("arn:aws:iam::123456789012:role/r");
    base.has_redundancy_percent = true;
    base.redundancy_percent = 20;
    assert_true(model_begin_update(&m, "task-1", &base));
    task_cleanup(&base); /* copied */
    assert_string_equal(m.update_id, "task-1");
    assert_string_equal(model_text(&m, F_NAME), "fw-1");
    assert_string_equal(model_text(&m, F_REDUNDANCY), "20");
    assert_false(m.dirty);
    model_refresh(&m);
    assert_true(model_update_diff(&m, &u));
    assert_int_equal(u.changed, 0);
    task_update_cleanup(&u);
    assert_true(model_set_text(&m, F_REDUNDANCY, "35"));
    assert_true(model_set_text(&m, F_NAME, ""));
    model_refresh(&m);
    assert_true(model_update_diff(&m, &u));
    assert_int_equal(u.changed, 1);
    assert_true(u.changes.has_redundancy_percent);
    assert_int_equal(u.changes.redundancy_percent, 35);
    assert_null(u.changes.name); /* cleared: kept as it is */
    assert_int_equal(u.lines[0].kind, TASK_UPDATE_KEPT);
    task_update_cleanup(&u);
    model_cleanup(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths_map_to_fields),
        cmocka_unit_test(test_int_fields_take_digits_only),
        cmocka_unit_test(test_validation_on_fields),
        cmocka_unit_test(test_plan_figures),
        cmocka_unit_test(test_planning_inputs),
        cmocka_unit_test(test_tags),
        cmocka_unit_test(test_load_keeps_document_problems_until_edited),
        cmocka_unit_test(test_draft_round_trip),
        cmocka_unit_test(test_update_mode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
