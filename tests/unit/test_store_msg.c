#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/store_msg.h"

static char *repeat(const char *unit, size_t times)
{
    size_t n = strlen(unit);
    char *s = malloc(n * times + 1);
    assert_non_null(s);
    for (size_t i = 0; i < times; i++)
        memcpy(s + i * n, unit, n);
    s[n * times] = '\0';
    return s;
}

/* Ids from a URI: 1..BACKEND_ID_MAX characters (not bytes) of UTF-8. */
static void test_check_id_boundaries(void **state)
{
    (void)state;
    char *max = repeat("a", BACKEND_ID_MAX);
    char *over = repeat("a", BACKEND_ID_MAX + 1);
    char *wide = repeat("\xc3\xa9", BACKEND_ID_MAX); /* 256 x e-acute */
    char *wide_over = repeat("\xc3\xa9", BACKEND_ID_MAX + 1);
    const struct {
        const char *id;
        enum backend_status want;
        const char *says;
    } rows[] = {
        { NULL, BACKEND_VALIDATION,
          "1 validation error detected: Value null at 'wirelessDeviceId' "
          "failed to satisfy constraint: Member must not be null" },
        { "", BACKEND_VALIDATION,
          "1 validation error detected: Value '' at 'wirelessDeviceId' "
          "failed to satisfy constraint: Member must have length greater "
          "than or equal to 1" },
        { "a", BACKEND_OK, NULL },
        { max, BACKEND_OK, NULL },
        { over, BACKEND_VALIDATION,
          "Member must have length less than or equal to 256" },
        { wide, BACKEND_OK, NULL },
        { wide_over, BACKEND_VALIDATION,
          "Member must have length less than or equal to 256" },
        /* the real problem, and never the bytes themselves */
        { "\xff", BACKEND_VALIDATION,
          "1 validation error detected: Value at 'wirelessDeviceId' is not "
          "valid UTF-8" },
        { "ok\xc3", BACKEND_VALIDATION, "is not valid UTF-8" },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct backend_error err;
        backend_error_clear(&err);
        assert_int_equal(
            store_msg_check_id(rows[i].id, "wirelessDeviceId", &err),
            rows[i].want);
        if (rows[i].says)
            assert_non_null(strstr(err.message, rows[i].says));
        if (rows[i].says)
            assert_int_not_equal(
                task_utf8_length(err.message, strlen(err.message)), -1);
    }
    /* the quoted value is cut at 64 characters */
    struct backend_error err;
    assert_int_equal(store_msg_check_id(over, "id", &err), BACKEND_VALIDATION);
    char want[160];
    snprintf(want, sizeof(want), "Value '%.64s...' at 'id'", over);
    assert_non_null(strstr(err.message, want));
    free(max);
    free(over);
    free(wide);
    free(wide_over);
}

static void valid_task(struct fuota_task *t)
{
    task_init(t);
    t->firmware_update_image = (char *)"s3://bucket/image.bin";
    t->firmware_update_role = (char *)"arn:aws:iam::123456789012:role/fuota";
}

/* One rule at a time, both sides of its limit (the task only borrows). */
static void test_check_task_rules(void **state)
{
    (void)state;
    char *name_max = repeat("n", 256);
    char *name_over = repeat("n", 257);
    struct fuota_tag tag_empty = { .key = (char *)"", .value = (char *)"v" };
    struct fuota_tag tag_ok = { .key = (char *)"k", .value = (char *)"" };
    const struct {
        const char *what;
        int field;
        const char *str;
        int32_t num;
        const char *says; /* NULL = valid */
    } rows[] = {
        { "name at its limit", 0, name_max, 0, NULL },
        { "name over", 0, name_over, 0,
          "Value 'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
          "nnnn...' at 'name' failed to satisfy constraint: Member must have "
          "length less than or equal to 256" },
        { "redundancy 100", 1, NULL, 100, NULL },
        { "redundancy 101", 1, NULL, 101,
          "Value '101' at 'redundancyPercent' failed to satisfy constraint: "
          "Member must have value less than or equal to 100" },
        { "redundancy -1", 1, NULL, -1,
          "Value '-1' at 'redundancyPercent' failed to satisfy constraint: "
          "Member must have value greater than or equal to 0" },
        { "token ok", 2, "abc-_09", 0, NULL },
        { "token chars", 2, "a b", 0,
          "Value 'a b' at 'clientRequestToken' failed to satisfy constraint: "
          "Member must satisfy regular expression pattern: "
          "^[a-zA-Z0-9-_]+$" },
        { "region", 3, "XX999", 0,
          "Value 'XX999' at 'loRaWAN.rfRegion' failed to satisfy constraint: "
          "Member must satisfy enum value set: [" },
        { "image missing", 4, NULL, 0,
          "Value null at 'firmwareUpdateImage' failed to satisfy "
          "constraint: Member must not be null" },
        { "tag key empty", 5, NULL, 0,
          "Value '' at 'tags.1.member.key' failed to satisfy constraint: "
          "Member must have length greater than or equal to 1" },
        { "tag value empty", 6, NULL, 0, NULL },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct fuota_task t;
        valid_task(&t);
        switch (rows[i].field) {
        case 0:
            t.name = (char *)rows[i].str;
            break;
        case 1:
            t.has_redundancy_percent = true;
            t.redundancy_percent = rows[i].num;
            break;
        case 2:
            t.client_request_token = (char *)rows[i].str;
            break;
        case 3:
            t.has_lorawan = true;
            t.rf_region = (char *)rows[i].str;
            break;
        case 4:
            t.firmware_update_image = NULL;
            break;
        case 5:
        case 6:
            t.has_tags = true;
            t.tags = rows[i].field == 5 ? &tag_empty : &tag_ok;
            t.tag_count = 1;
            break;
        }
        struct backend_error err;
        backend_error_clear(&err);
        enum backend_status st = store_msg_check_task(&t, &err);
        if (!rows[i].says) {
            assert_int_equal(st, BACKEND_OK);
            continue;
        }
        assert_int_equal(st, BACKEND_VALIDATION);
        if (!strstr(err.message, rows[i].says))
            fail_msg("%s: got \"%s\"", rows[i].what, err.message);
        assert_non_null(strstr(err.message, "1 validation error detected: "));
    }
    free(name_max);
    free(name_over);
}

/* Several errors: counted, joined with "; ", each given once. */
static void test_validation_message_joins(void **state)
{
    (void)state;
    struct fuota_task t;
    valid_task(&t);
    t.firmware_update_role = NULL;
    t.has_redundancy_percent = true;
    t.redundancy_percent = 101;
    struct diag_list diags;
    diag_list_init(&diags);
    assert_false(task_validate(&t, &diags));
    char buf[1024];
    assert_ptr_equal(store_msg_validation(&t, &diags, buf, sizeof(buf)), buf);
    assert_non_null(strstr(buf, "2 validation errors detected: "));
    assert_non_null(strstr(buf, "'firmwareUpdateRole'"));
    assert_non_null(strstr(buf, "; "));
    assert_non_null(strstr(buf, "'redundancyPercent'"));

    /* small buffers are cut, never overrun; size 0 leaves buf alone */
    char tiny[8];
    memset(tiny, 'x', sizeof(tiny));
    store_msg_validation(&t, &diags, tiny, sizeof(tiny));
    assert_string_equal(tiny, "2 valid");
    tiny[0] = 'Z';
    store_msg_validation(&t, &diags, tiny, 0);
    assert_int_equal(tiny[0], 'Z');
    diag_list_cleanup(&diags);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_id_boundaries),
        cmocka_unit_test(test_check_task_rules),
        cmocka_unit_test(test_validation_message_joins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
