/* core/task_update: the UpdateFuotaTask body and diff of an edited task. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/task_update.h"

/* The task as the service holds it. */
static void base(struct fuota_task *t)
{
    task_init(t);
    t->name = strdup("fw-1");
    t->firmware_update_image = strdup("s3://bucket/fw.bin");
    t->firmware_update_role = strdup("arn:aws:iam::123456789012:role/fuota");
    t->rf_region = strdup("EU868");
    t->has_lorawan = true;
    t->has_fragment_size_bytes = true;
    t->fragment_size_bytes = 40;
    t->has_redundancy_percent = true;
    t->redundancy_percent = 20;
    t->has_fragment_interval_ms = true;
    t->fragment_interval_ms = 1000;
    t->descriptor = strdup("AAECAw==");
}

static void set_str(char **p, const char *v)
{
    free(*p);
    *p = v ? strdup(v) : NULL;
}

static const struct task_update_line *line(const struct task_update *u,
                                           const char *member)
{
    for (size_t i = 0; i < u->count; i++)
        if (strcmp(u->lines[i].member, member) == 0)
            return &u->lines[i];
    return NULL;
}

static void test_unchanged_sends_nothing(void **state)
{
    (void)state;
    struct fuota_task a, b;
    base(&a);
    base(&b);
    struct task_update u;
    assert_true(task_update_diff(&a, &b, &u));
    assert_int_equal(u.changed, 0);
    assert_int_equal(u.count, 0);
    char *json = task_to_json(&u.changes, false);
    assert_string_equal(json, "{}");
    free(json);
    task_update_cleanup(&u);
    task_cleanup(&a);
    task_cleanup(&b);
}

/* Each member of UpdateFuotaTaskRequest, changed alone: one line, one
 * member in the body, with its wire name. */
static void test_each_member_alone(void **state)
{
    (void)state;
    static const struct {
        const char *member;
        const char *before, *after;
        const char *json;
    } cases[] = {
        { "Name", "fw-1", "fw-2", "{\"Name\":\"fw-2\"}" },
        { "Description", "", "rollout", "{\"Description\":\"rollout\"}" },
        { "LoRaWAN.RfRegion", "EU868", "US915",
          "{\"LoRaWAN\":{\"RfRegion\":\"US915\"}}" },
        { "FirmwareUpdateImage", "s3://bucket/fw.bin", "s3://bucket/fw2.bin",
          "{\"FirmwareUpdateImage\":\"s3://bucket/fw2.bin\"}" },
        { "FirmwareUpdateRole", "arn:aws:iam::123456789012:role/fuota",
          "arn:aws:iam::123456789012:role/other",
          "{\"FirmwareUpdateRole\":\"arn:aws:iam::123456789012:role/other\"}" },
        { "RedundancyPercent", "20", "40", "{\"RedundancyPercent\":40}" },
        { "FragmentSizeBytes", "40", "48", "{\"FragmentSizeBytes\":48}" },
        { "FragmentIntervalMS", "1000", "2000",
          "{\"FragmentIntervalMS\":2000}" },
        { "Descriptor",
          "AAECAw==", "BAUGBw==", "{\"Descriptor\":\"BAUGBw==\"}" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fuota_task a, b;
        base(&a);
        base(&b);
        const char *m = cases[i].member;
        if (strcmp(m, "Name") == 0)
            set_str(&b.name, cases[i].after);
        else if (strcmp(m, "Description") == 0)
            set_str(&b.description, cases[i].after);
        else if (strcmp(m, "LoRaWAN.RfRegion") == 0)
            set_str(&b.rf_region, cases[i].after);
        else if (strcmp(m, "FirmwareUpdateImage") == 0)
            set_str(&b.firmware_update_image, cases[i].after);
        else if (strcmp(m, "FirmwareUpdateRole") == 0)
            set_str(&b.firmware_update_role, cases[i].after);
        else if (strcmp(m, "RedundancyPercent") == 0)
            b.redundancy_percent = 40;
        else if (strcmp(m, "FragmentSizeBytes") == 0)
            b.fragment_size_bytes = 48;
        else if (strcmp(m, "FragmentIntervalMS") == 0)
            b.fragment_interval_ms = 2000;
        else
            set_str(&b.descriptor, cases[i].after);
        struct task_update u;
        assert_true(task_update_diff(&a, &b, &u));
        assert_int_equal(u.changed, 1);
        assert_int_equal(u.count, 1);
        assert_string_equal(u.lines[0].member, m);
        assert_int_equal(u.lines[0].kind, TASK_UPDATE_CHANGED);
        assert_string_equal(u.lines[0].before, cases[i].before);
        assert_string_equal(u.lines[0].after, cases[i].after);
        char *json = task_to_json(&u.changes, false);
        assert_string_equal(json, cases[i].json);
        free(json);
        task_update_cleanup(&u);
        task_cleanup(&a);
        task_cleanup(&b);
    }
}

/* Several at once, in the service model's order; 0 is a value. */
static void test_several_in_order(void **state)
{
    (void)state;
    struct fuota_task a, b;
    base(&a);
    base(&b);
    b.redundancy_percent = 0;
    set_str(&b.name, "fw-9");
    set_str(&b.descriptor, "BAUGBw==");
    a.has_fragment_interval_ms = false; /* unset on the task, set now */
    struct task_update u;
    assert_true(task_update_diff(&a, &b, &u));
    assert_int_equal(u.changed, 4);
    assert_string_equal(u.lines[0].member, "Name");
    assert_string_equal(u.lines[1].member, "RedundancyPercent");
    assert_string_equal(u.lines[1].after, "0");
    assert_string_equal(u.lines[2].member, "FragmentIntervalMS");
    assert_string_equal(u.lines[2].before, "");
    assert_string_equal(u.lines[3].member, "Descriptor");
    char *json = task_to_json(&u.changes, false);
    assert_string_equal(json, "{\"Name\":\"fw-9\",\"RedundancyPercent\":0,"
                              "\"FragmentIntervalMS\":1000,"
                              "\"Descriptor\":\"BAUGBw==\"}");
    free(json);
    task_update_cleanup(&u);
    task_cleanup(&a);
    task_cleanup(&b);
}

/* A member cleared in the edit cannot be removed: kept, never sent. */
static void test_cleared_is_kept(void **state)
{
    (void)state;
    struct fuota_task a, b;
    base(&a);
    base(&b);
    set_str(&b.descriptor, NULL);
    b.has_redundancy_percent = false;
    set_str(&b.rf_region, NULL);
    b.has_lorawan = false;
    struct task_update u;
    assert_true(task_update_diff(&a, &b, &u));
    assert_int_equal(u.changed, 0);
    assert_int_equal(u.count, 3);
    const struct task_update_line *l = line(&u, "Descriptor");
    assert_non_null(l);
    assert_int_equal(l->kind, TASK_UPDATE_KEPT);
    assert_string_equal(l->before, "AAECAw==");
    assert_int_equal(line(&u, "RedundancyPercent")->kind, TASK_UPDATE_KEPT);
    assert_int_equal(line(&u, "LoRaWAN.RfRegion")->kind, TASK_UPDATE_KEPT);
    assert_null(u.changes.descriptor);
    assert_false(u.changes.has_lorawan);
    task_update_cleanup(&u);
    task_cleanup(&a);
    task_cleanup(&b);
}

/* The token and the tags are not members of UpdateFuotaTask. */
static void test_token_and_tags_not_sent(void **state)
{
    (void)state;
    struct fuota_task a, b;
    base(&a);
    base(&b);
    b.client_request_token = strdup("tok-1");
    b.has_tags = true;
    b.tags = calloc(2, sizeof(*b.tags));
    b.tags[0].key = strdup("env");
    b.tags[0].value = strdup("prod");
    b.tags[1].key = strdup("fleet");
    b.tags[1].value = strdup("meters");
    b.tag_count = 2;
    struct task_update u;
    assert_true(task_update_diff(&a, &b, &u));
    assert_int_equal(u.changed, 0);
    assert_int_equal(line(&u, "ClientRequestToken")->kind,
                     TASK_UPDATE_NOT_SENT);
    assert_string_equal(line(&u, "ClientRequestToken")->after, "tok-1");
    assert_int_equal(line(&u, "Tags")->kind, TASK_UPDATE_NOT_SENT);
    assert_string_equal(line(&u, "Tags")->after, "2 tags");
    char *json = task_to_json(&u.changes, false);
    assert_string_equal(json, "{}");
    free(json);
    task_update_cleanup(&u);
    task_cleanup(&a);
    task_cleanup(&b);
}

/* Long values are cut on a character boundary, with "..." where cut;
 * the body keeps the whole value. */
static void test_long_values_cut(void **state)
{
    (void)state;
    struct fuota_task a, b;
    base(&a);
    base(&b);
    for (size_t len = TASK_UPDATE_VALUE_MAX - 3;
         len <= TASK_UPDATE_VALUE_MAX + 3; len++) {
        /* é is two bytes: every cut point falls mid-character once. */
        char *v = malloc(2 * len + 1);
        for (size_t i = 0; i < len; i++)
            memcpy(v + 2 * i, "\xc3\xa9", 2);
        v[2 * len] = '\0';
        set_str(&b.description, v);
        struct task_update u;
        assert_true(task_update_diff(&a, &b, &u));
        const char *after = line(&u, "Description")->after;
        size_t n = strlen(after);
        assert_true(n < TASK_UPDATE_VALUE_MAX);
        assert_string_equal(after + n - 3, "...");
        assert_true(task_utf8_length(after, n) > 0);
        assert_string_equal(u.changes.description, v);
        task_update_cleanup(&u);
        free(v);
    }
    /* Just short enough: whole. */
    char fit[TASK_UPDATE_VALUE_MAX];
    memset(fit, 'x', sizeof(fit) - 1);
    fit[sizeof(fit) - 1] = '\0';
    set_str(&b.description, fit);
    struct task_update u;
    assert_true(task_update_diff(&a, &b, &u));
    assert_string_equal(line(&u, "Description")->after, fit);
    task_update_cleanup(&u);
    task_cleanup(&a);
    task_cleanup(&b);
}

static void test_cleanup_twice(void **state)
{
    (void)state;
    struct task_update u;
    memset(&u, 0, sizeof(u));
    task_update_cleanup(&u);
    task_update_cleanup(&u);
    task_update_cleanup(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unchanged_sends_nothing),
        cmocka_unit_test(test_each_member_alone),
        cmocka_unit_test(test_several_in_order),
        cmocka_unit_test(test_cleared_is_kept),
        cmocka_unit_test(test_token_and_tags_not_sent),
        cmocka_unit_test(test_long_values_cut),
        cmocka_unit_test(test_cleanup_twice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
