#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/backend.h"
#include "sim/sim_backend.h"

/* --- tables in core/backend.c ------------------------------------------- */

static void test_status_table(void **state)
{
    (void)state;
    static const struct {
        enum backend_status st;
        const char *type;
        int http;
        bool retry;
    } rows[] = {
        { BACKEND_OK, "OK", 200, false },
        { BACKEND_VALIDATION, "ValidationException", 400, false },
        { BACKEND_ACCESS_DENIED, "AccessDeniedException", 403, false },
        { BACKEND_NOT_FOUND, "ResourceNotFoundException", 404, false },
        { BACKEND_CONFLICT, "ConflictException", 409, false },
        { BACKEND_THROTTLED, "ThrottlingException", 429, true },
        { BACKEND_INTERNAL, "InternalServerException", 500, true },
        { BACKEND_TRANSPORT, "TransportError", 0, true },
        { BACKEND_TIMEOUT, "Timeout", 0, true },
        { BACKEND_NO_MEMORY, "OutOfMemory", 0, false },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        assert_string_equal(backend_status_type(rows[i].st), rows[i].type);
        assert_int_equal(backend_status_http(rows[i].st), rows[i].http);
        assert_int_equal(backend_status_retryable(rows[i].st), rows[i].retry);
        assert_true(strlen(backend_status_help(rows[i].st)) > 0);
    }
    assert_string_equal(backend_status_type((enum backend_status)99),
                        "UnknownError");
    assert_int_equal(backend_status_http((enum backend_status)99), 0);
}

static void test_classify(void **state)
{
    (void)state;
    static const struct {
        const char *type;
        int http;
        enum backend_status want;
    } rows[] = {
        { "ValidationException", 400, BACKEND_VALIDATION },
        { "ConflictException:http://internal.amazon.com/coral/", 409,
          BACKEND_CONFLICT },
        { "aws.iotwireless#ResourceNotFoundException", 404, BACKEND_NOT_FOUND },
        { "ThrottlingException", 400, BACKEND_THROTTLED },
        { "InvalidSignatureException", 403, BACKEND_ACCESS_DENIED },
        { "UnrecognizedClientException", 403, BACKEND_ACCESS_DENIED },
        { "ExpiredTokenException", 400, BACKEND_ACCESS_DENIED },
        { "TooManyRequestsException", 429, BACKEND_THROTTLED },
        { "InternalServerException", 500, BACKEND_INTERNAL },
        { "SomethingNew", 413, BACKEND_VALIDATION },
        { NULL, 401, BACKEND_ACCESS_DENIED },
        { "", 404, BACKEND_NOT_FOUND },
        { NULL, 409, BACKEND_CONFLICT },
        { NULL, 429, BACKEND_THROTTLED },
        { NULL, 503, BACKEND_INTERNAL },
        { NULL, 302, BACKEND_TRANSPORT },
        { NULL, 0, BACKEND_TRANSPORT },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        assert_int_equal(backend_status_classify(rows[i].type, rows[i].http),
                         rows[i].want);
}

static void test_error_helpers(void **state)
{
    (void)state;
    struct backend_error err;
    backend_error_clear(&err);
    assert_int_equal(err.status, BACKEND_OK);
    assert_string_equal(err.message, "");
    assert_int_equal(backend_error_set(&err, BACKEND_CONFLICT, "busy %d", 7),
                     BACKEND_CONFLICT);
    assert_int_equal(err.http_status, 409);
    assert_string_equal(err.type, "ConflictException");
    assert_string_equal(err.message, "busy 7");
    backend_error_set_resource(&err, "FuotaTask", "abc");
    assert_string_equal(err.resource_type, "FuotaTask");
    assert_string_equal(err.resource_id, "abc");
    char buf[128];
    assert_string_equal(backend_error_format(&err, buf, sizeof(buf)),
                        "ConflictException (409): busy 7");
    backend_error_set(&err, BACKEND_TIMEOUT, "%s", "");
    assert_string_equal(backend_error_format(&err, buf, sizeof(buf)),
                        "Timeout: the service did not answer in time");
    /* long messages are cut, never overflow */
    char big[3000];
    memset(big, 'm', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    backend_error_set(&err, BACKEND_INTERNAL, "%s", big);
    assert_int_equal(strlen(err.message), BACKEND_MESSAGE_MAX - 1);
    backend_error_set_resource(&err, NULL, NULL);
    assert_string_equal(err.resource_id, "");
}

static void test_enum_names(void **state)
{
    (void)state;
    static const char *const tasks[] = { "Pending", "FuotaSession_Waiting",
                                         "In_FuotaSession", "FuotaDone",
                                         "Delete_Waiting" };
    for (int i = 0; i < BACKEND_TASK_STATUS_COUNT; i++) {
        enum backend_task_status st;
        assert_string_equal(backend_task_status_name(i), tasks[i]);
        assert_true(backend_task_status_parse(tasks[i], &st));
        assert_int_equal(st, i);
    }
    enum backend_task_status ts;
    assert_false(backend_task_status_parse("pending", &ts));
    assert_false(backend_task_status_parse(NULL, &ts));
    assert_string_equal(backend_task_status_name(BACKEND_TASK_STATUS_COUNT),
                        "Unknown");
    /* FuotaDeviceStatus, every value of the service model */
    static const char *const devs[] = {
        "Initial",
        "Package_Not_Supported",
        "FragAlgo_unsupported",
        "Not_enough_memory",
        "FragIndex_unsupported",
        "Wrong_descriptor",
        "SessionCnt_replay",
        "MissingFrag",
        "MemoryError",
        "MICError",
        "Successful",
        "Device_exist_in_conflict_fuota_task",
    };
    assert_int_equal(sizeof(devs) / sizeof(devs[0]),
                     BACKEND_DEVICE_STATUS_COUNT);
    for (int i = 0; i < BACKEND_DEVICE_STATUS_COUNT; i++) {
        enum backend_device_status st;
        assert_string_equal(backend_device_status_name(i), devs[i]);
        assert_true(backend_device_status_parse(devs[i], &st));
        assert_int_equal(st, i);
    }
    enum backend_device_status ds;
    assert_false(backend_device_status_parse("Success", &ds));
}

static void test_times(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        bool ok;
        int64_t want;
    } rows[] = {
        { "2024-05-01T12:00:00Z", true, 1714564800 },
        { "2024-05-01T12:00:00.123Z", true, 1714564800 },
        { "2024-05-01t12:00:00z", true, 1714564800 },
        { "2024-05-01 12:00:00Z", true, 1714564800 },
        { "2024-05-01T14:00:00+02:00", true, 1714564800 },
        { "2024-05-01T07:30:00-04:30", true, 1714564800 },
        { "1970-01-01T00:00:00Z", true, 0 },
        { "2024-02-29T00:00:00Z", true, 1709164800 },
        { "2023-02-29T00:00:00Z", false, 0 },
        { "2024-13-01T00:00:00Z", false, 0 },
        { "2024-04-31T00:00:00Z", false, 0 },
        { "2024-05-01T24:00:00Z", false, 0 },
        { "2024-05-01T12:00:00", false, 0 },
        { "2024-05-01T12:00:00Zjunk", false, 0 },
        { "2024-05-01T12:00:00.Z", false, 0 },
        { "2024-5-01T12:00:00Z", false, 0 },
        { "1714564800", false, 0 },
        { "", false, 0 },
        { NULL, false, 0 },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        int64_t t = -1;
        bool ok = backend_time_parse(rows[i].text, &t);
        if (ok != rows[i].ok)
            fail_msg("row %zu (%s): parse gave %d", i,
                     rows[i].text ? rows[i].text : "NULL", ok);
        if (ok)
            assert_int_equal(t, rows[i].want);
    }
    char buf[32];
    assert_string_equal(backend_time_format(1714564800, buf, sizeof(buf)),
                        "2024-05-01T12:00:00Z");
    assert_string_equal(backend_time_format(0, buf, sizeof(buf)),
                        "1970-01-01T00:00:00Z");
    int64_t back;
    assert_true(backend_time_parse(
        backend_time_format(1709164799, buf, sizeof(buf)), &back));
    assert_int_equal(back, 1709164799);
}

static void test_task_copy(void **state)
{
    (void)state;
    struct backend_task a, b;
    backend_task_init(&a);
    a.id = strdup("id");
    a.name = strdup("n");
    a.has_start_time = true;
    a.start_time = 5;
    assert_true(backend_task_copy(&b, &a));
    assert_string_equal(b.id, "id");
    assert_ptr_not_equal(b.id, a.id);
    assert_null(b.arn);
    assert_int_equal(b.start_time, 5);
    backend_task_cleanup(&a);
    backend_task_cleanup(&b);
    backend_task_cleanup(&b); /* twice is fine */
    backend_task_cleanup(NULL);
    backend_task_page_cleanup(NULL);
    backend_id_page_cleanup(NULL);
    backend_device_page_cleanup(NULL);
}

/* backend_task_as_request: a borrowed request view of a task. */
static void test_task_as_request(void **state)
{
    (void)state;
    struct backend_task a;
    backend_task_init(&a);
    a.id = strdup("id");
    a.arn = strdup("arn");
    a.name = strdup("n");
    a.description = strdup("d");
    a.descriptor = strdup("Zm9v");
    a.firmware_update_image = strdup("s3://b/f");
    a.firmware_update_role = strdup("arn:aws:iam::1:role/r");
    a.has_fragment_interval_ms = true;
    a.fragment_interval_ms = 1500;
    a.has_fragment_size_bytes = true;
    a.fragment_size_bytes = 40;
    a.has_redundancy_percent = true;
    a.redundancy_percent = 25;
    struct fuota_task t;
    backend_task_as_request(&a, &t);
    assert_ptr_equal(t.firmware_update_image, a.firmware_update_image);
    assert_ptr_equal(t.firmware_update_role, a.firmware_update_role);
    assert_ptr_equal(t.name, a.name);
    assert_ptr_equal(t.description, a.description);
    assert_ptr_equal(t.descriptor, a.descriptor);
    assert_true(t.has_fragment_interval_ms && t.fragment_interval_ms == 1500);
    assert_true(t.has_fragment_size_bytes && t.fragment_size_bytes == 40);
    assert_true(t.has_redundancy_percent && t.redundancy_percent == 25);
    assert_false(t.has_lorawan); /* no RfRegion */
    assert_null(t.rf_region);
    assert_null(t.client_request_token);
    assert_int_equal(t.tag_count, 0);
    a.rf_region = strdup("EU868");
    a.has_redundancy_percent = false;
    backend_task_as_request(&a, &t);
    assert_true(t.has_lorawan);
    assert_ptr_equal(t.rf_region, a.rf_region);
    assert_false(t.has_redundancy_percent);
    backend_task_cleanup(&a); /* t borrowed: nothing else to free */
}

/* --- the contract, through the simulator -------------------------------- */

static int64_t now_ms = 1714564800000LL;

static int64_t clock_cb(void *ctx)
{
    (void)ctx;
    return now_ms;
}

static struct backend *open_sim(void)
{
    struct store_options o = { 0 };
    o.clock = clock_cb;
    o.image_bytes = 1000;
    struct backend *b;
    struct backend_error err;
    assert_int_equal(sim_backend_open(&o, &b, &err), BACKEND_OK);
    assert_non_null(b);
    return b;
}

static void request(struct fuota_task *t, const char *name)
{
    task_init(t);
    t->firmware_update_image = strdup("s3://bucket/fw.bin");
    t->firmware_update_role = strdup("arn:aws:iam::123456789012:role/R");
    t->name = strdup(name);
}

static void test_lifecycle_through_contract(void **state)
{
    (void)state;
    struct backend *b = open_sim();
    assert_string_equal(backend_name(b), "simulator");
    assert_non_null(sim_backend_store(b));
    struct backend_error err;
    struct fuota_task t;
    request(&t, "one");
    struct backend_created c;
    assert_int_equal(backend_create_task(b, &t, &c, &err), BACKEND_OK);
    assert_non_null(strstr(c.arn, ":FuotaTask/"));
    task_cleanup(&t);

    struct backend_task g;
    assert_int_equal(backend_get_task(b, c.id, &g, &err), BACKEND_OK);
    assert_int_equal(g.status, BACKEND_TASK_PENDING);
    assert_string_equal(g.name, "one");
    backend_task_cleanup(&g);

    struct fuota_task ch;
    task_init(&ch);
    ch.description = strdup("changed");
    assert_int_equal(backend_update_task(b, c.id, &ch, &err), BACKEND_OK);
    task_cleanup(&ch);

    assert_int_equal(backend_associate_device(b, c.id, "d1", &err), BACKEND_OK);
    assert_int_equal(backend_associate_group(b, c.id, "g1", &err), BACKEND_OK);
    assert_int_equal(backend_associate_group(b, c.id, "g2", &err), BACKEND_OK);
    assert_int_equal(backend_disassociate_group(b, c.id, "g2", &err),
                     BACKEND_OK);
    struct backend_id_page ip;
    assert_int_equal(backend_list_groups(b, c.id, NULL, &ip, &err), BACKEND_OK);
    assert_int_equal(ip.count, 1);
    assert_string_equal(ip.ids[0], "g1");
    backend_id_page_cleanup(&ip);

    struct backend_task_page tp;
    struct backend_page_req one = { NULL, 1 };
    assert_int_equal(backend_list_tasks(b, &one, &tp, &err), BACKEND_OK);
    assert_int_equal(tp.count, 1);
    assert_null(tp.next_token);
    backend_task_page_cleanup(&tp);

    assert_int_equal(backend_start_task(b, c.id, false, 0, &err), BACKEND_OK);
    assert_int_equal(backend_get_task(b, c.id, &g, &err), BACKEND_OK);
    assert_int_equal(g.status, BACKEND_TASK_SESSION_WAITING);
    assert_string_equal(g.description, "changed");
    backend_task_cleanup(&g);
    /* conflicts come back typed, with the service's message */
    assert_int_equal(backend_start_task(b, c.id, false, 0, &err),
                     BACKEND_CONFLICT);
    assert_int_equal(err.status, BACKEND_CONFLICT);
    assert_int_equal(err.http_status, 409);
    assert_true(strlen(err.message) > 0);
    assert_int_equal(backend_disassociate_device(b, c.id, "d1", &err),
                     BACKEND_CONFLICT);

    now_ms += 3600 * 1000;
    struct backend_device_page dp;
    assert_int_equal(backend_list_devices(b, c.id, NULL, &dp, &err),
                     BACKEND_OK);
    /* d1 and the virtual devices of g1 (g2's went with it) */
    assert_int_equal(dp.count, 1 + STORE_DEFAULT_GROUP_DEVICES);
    for (size_t i = 0; i < dp.count; i++)
        assert_int_equal(dp.items[i].status, BACKEND_DEVICE_SUCCESSFUL);
    backend_device_page_cleanup(&dp);

    assert_int_equal(backend_delete_task(b, c.id, &err), BACKEND_OK);
    /* errors leave the outputs empty and the error filled */
    assert_int_equal(backend_get_task(b, c.id, &g, &err), BACKEND_NOT_FOUND);
    assert_null(g.id);
    assert_string_equal(err.type, "ResourceNotFoundException");
    assert_int_equal(backend_list_groups(b, c.id, NULL, &ip, &err),
                     BACKEND_NOT_FOUND);
    assert_null(ip.ids);
    assert_int_equal(backend_list_devices(b, c.id, NULL, &dp, &err),
                     BACKEND_NOT_FOUND);
    struct backend_page_req bad = { "not-a-token", 0 };
    assert_int_equal(backend_list_tasks(b, &bad, &tp, &err),
                     BACKEND_VALIDATION);
    assert_null(tp.items);
    /* a success clears a previous error */
    assert_int_equal(backend_list_tasks(b, NULL, &tp, &err), BACKEND_OK);
    assert_int_equal(err.status, BACKEND_OK);
    assert_string_equal(err.message, "");
    backend_task_page_cleanup(&tp);

    request(&t, "");
    free(t.firmware_update_role);
    t.firmware_update_role = NULL;
    assert_int_equal(backend_create_task(b, &t, &c, &err), BACKEND_VALIDATION);
    assert_string_equal(c.id, "");
    assert_non_null(strstr(err.message, "'firmwareUpdateRole'"));
    task_cleanup(&t);
    backend_close(b);
    backend_close(NULL);
}

static void test_wrapping_a_store(void **state)
{
    (void)state;
    struct store *s;
    struct backend_error err;
    assert_int_equal(store_open(NULL, &s, &err), BACKEND_OK);
    struct backend *b = sim_backend_new(s, false);
    assert_non_null(b);
    assert_ptr_equal(sim_backend_store(b), s);
    backend_close(b); /* does not own the store */
    struct backend_task_page p;
    assert_int_equal(store_list_tasks(s, NULL, &p, &err), BACKEND_OK);
    backend_task_page_cleanup(&p);
    b = sim_backend_new(s, true);
    backend_close(b); /* closes the store too (ASan would see a leak) */
    assert_null(sim_backend_store(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_table),
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_error_helpers),
        cmocka_unit_test(test_enum_names),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_task_copy),
        cmocka_unit_test(test_task_as_request),
        cmocka_unit_test(test_lifecycle_through_contract),
        cmocka_unit_test(test_wrapping_a_store),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
