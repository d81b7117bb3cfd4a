#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/wire.h"

/* ---- requests ----------------------------------------------------------- */

static void test_build(void **state)
{
    (void)state;
    char image[] = "s3://b/f.bin", role[] = "arn:aws:iam::1:role/r";
    char token[] = "tok-1", name[] = "n", key[] = "k", value[] = "v";
    struct fuota_task req;
    task_init(&req);
    req.firmware_update_image = image;
    req.firmware_update_role = role;
    req.client_request_token = token;
    req.name = name;
    req.has_tags = true;
    struct fuota_tag tag = { key, value };
    req.tags = &tag;
    req.tag_count = 1;
    struct backend_page_req page = { "a b/c+", 25 };
    struct backend_page_req first = { NULL, 0 };
    static const struct {
        enum aws_op op;
        const char *id, *member;
        int args; /* 1 task, 2 page, 3 first page, 4 start time */
        const char *method, *path, *query, *body;
    } cases[] = {
        { AWS_OP_CREATE_TASK, NULL, NULL, 1, "POST", "/fuota-tasks", NULL,
          "\"ClientRequestToken\":\"tok-1\"" },
        { AWS_OP_UPDATE_TASK, "t/1 x", NULL, 1, "PATCH",
          "/fuota-tasks/t%2F1%20x", NULL, "\"Name\":\"n\"" },
        { AWS_OP_GET_TASK, "t~1.-_", NULL, 0, "GET", "/fuota-tasks/t~1.-_",
          NULL, NULL },
        { AWS_OP_DELETE_TASK, "t1", NULL, 0, "DELETE", "/fuota-tasks/t1", NULL,
          NULL },
        { AWS_OP_START_TASK, "t1", NULL, 0, "PUT", "/fuota-tasks/t1", NULL,
          "{}" },
        { AWS_OP_START_TASK, "t1", NULL, 4, "PUT", "/fuota-tasks/t1", NULL,
          "{\"LoRaWAN\":{\"StartTime\":\"2030-05-01T12:00:00Z\"}}" },
        { AWS_OP_LIST_TASKS, NULL, NULL, 2, "GET", "/fuota-tasks",
          "maxResults=25&nextToken=a%20b%2Fc%2B", NULL },
        { AWS_OP_LIST_TASKS, NULL, NULL, 3, "GET", "/fuota-tasks", NULL, NULL },
        { AWS_OP_ASSOCIATE_DEVICE, "t1", "d 1", 0, "PUT",
          "/fuota-tasks/t1/wireless-device", NULL,
          "{\"WirelessDeviceId\":\"d 1\"}" },
        { AWS_OP_DISASSOCIATE_DEVICE, "t1", "d 1", 0, "DELETE",
          "/fuota-tasks/t1/wireless-devices/d%201", NULL, NULL },
        { AWS_OP_ASSOCIATE_GROUP, "t1", "g", 0, "PUT",
          "/fuota-tasks/t1/multicast-group", NULL,
          "{\"MulticastGroupId\":\"g\"}" },
        { AWS_OP_DISASSOCIATE_GROUP, "t1", "g/2", 0, "DELETE",
          "/fuota-tasks/t1/multicast-groups/g%2F2", NULL, NULL },
        { AWS_OP_LIST_GROUPS, "t1", NULL, 2, "GET",
          "/fuota-tasks/t1/multicast-groups",
          "maxResults=25&nextToken=a%20b%2Fc%2B", NULL },
        { AWS_OP_LIST_DEVICES, "t 1", NULL, 3, "GET", "/wireless-devices",
          "fuotaTaskId=t%201", NULL },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct aws_wire_args a = { .id = cases[i].id,
                                   .member_id = cases[i].member };
        if (cases[i].args == 1)
            a.task = &req;
        if (cases[i].args == 2)
            a.page = &page;
        if (cases[i].args == 3)
            a.page = &first;
        if (cases[i].args == 4) {
            a.has_start_time = true;
            a.start_time = 1903867200; /* 2030-05-01T12:00:00Z */
        }
        struct aws_wire_request r;
        struct backend_error err;
        backend_error_clear(&err);
        if (aws_wire_build(cases[i].op, &a, &r, &err) != BACKEND_OK)
            fail_msg("case %zu: %s", i, err.message);
        assert_string_equal(aws_wire_op_method(r.op), cases[i].method);
        assert_string_equal(r.path, cases[i].path);
        if (cases[i].query)
            assert_string_equal(r.query, cases[i].query);
        else
            assert_null(r.query);
        if (cases[i].body) {
            assert_non_null(r.body);
            if (!strstr(r.body, cases[i].body))
                fail_msg("case %zu: body %s", i, r.body);
        } else {
            assert_null(r.body);
        }
        /* Update sends no token and no tags; create sends both. */
        if (cases[i].op == AWS_OP_UPDATE_TASK) {
            assert_null(strstr(r.body, "ClientRequestToken"));
            assert_null(strstr(r.body, "Tags"));
        }
        if (cases[i].op == AWS_OP_CREATE_TASK)
            assert_non_null(strstr(r.body, "\"Tags\""));
        aws_wire_request_cleanup(&r);
    }
    aws_wire_request_cleanup(NULL);
}

static void test_build_refuses(void **state)
{
    (void)state;
    struct backend_page_req big = { NULL, 251 }, neg = { NULL, -1 };
    static const char *const ids[] = { NULL, "" };
    for (size_t k = 0; k < 2; k++) {
        const struct {
            enum aws_op op;
            struct aws_wire_args a;
        } cases[] = {
            { AWS_OP_GET_TASK, { .id = ids[k] } },
            { AWS_OP_LIST_DEVICES, { .id = ids[k] } },
            { AWS_OP_DISASSOCIATE_DEVICE, { .id = "t", .member_id = ids[k] } },
            { AWS_OP_ASSOCIATE_GROUP, { .id = "t", .member_id = ids[k] } },
            { AWS_OP_CREATE_TASK, { .task = NULL } },
            { AWS_OP_LIST_TASKS, { .page = k ? &big : &neg } },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
            struct aws_wire_request r;
            struct backend_error err;
            backend_error_clear(&err);
            assert_int_equal(aws_wire_build(cases[i].op, &cases[i].a, &r, &err),
                             BACKEND_VALIDATION);
            assert_true(strlen(err.message) > 0);
            aws_wire_request_cleanup(&r);
        }
    }
    char *e = aws_wire_encode("\xc3\xa9 ~");
    assert_string_equal(e, "%C3%A9%20~");
    free(e);
}

/* ---- answers ------------------------------------------------------------ */

/* The answers a parser takes, and what it must say about each. */
enum parser { P_CREATED, P_TASK, P_TASKS, P_GROUPS, P_DEVICES };

static enum backend_status run_parser(enum parser p, const char *body,
                                      size_t len, struct backend_error *err,
                                      struct backend_task *task)
{
    struct backend_created c;
    struct backend_task_page tp;
    struct backend_id_page ip;
    struct backend_device_page dp;
    enum backend_status st;
    memset(&c, 0, sizeof(c));
    backend_task_page_init(&tp);
    backend_id_page_init(&ip);
    backend_device_page_init(&dp);
    switch (p) {
    case P_CREATED:
        st = aws_wire_parse_created(body, len, &c, err);
        break;
    case P_TASK:
        st = aws_wire_parse_task(body, len, task, err);
        break;
    case P_TASKS:
        st = aws_wire_parse_task_page(body, len, &tp, err);
        break;
    case P_GROUPS:
        st = aws_wire_parse_id_page(body, len, &ip, err);
        break;
    default:
        st = aws_wire_parse_device_page(body, len, &dp, err);
        break;
    }
    backend_task_page_cleanup(&tp);
    backend_id_page_cleanup(&ip);
    backend_device_page_cleanup(&dp);
    return st;
}

static void test_answers_refused(void **state)
{
    (void)state;
    char longarn[200] = "{\"Arn\":\"";
    memset(longarn + 8, 'a', 129);
    memcpy(longarn + 137, "\",\"Id\":\"x\"}", 12);
    static char long_token[4200];
    memcpy(long_token, "{\"NextToken\":\"", 14);
    memset(long_token + 14, 't', 4097);
    memcpy(long_token + 14 + 4097, "\"}", 3);
    const struct {
        enum parser p;
        const char *body;
        const char *msg;
    } cases[] = {
        { P_CREATED, "", "the body is empty" },
        { P_CREATED, "<html>", "the body is not JSON: '<html>'" },
        { P_CREATED, "[1]", "the body is an array, not a JSON object" },
        { P_CREATED, "\"x\"", "the body is a string" },
        { P_CREATED, "{\"Arn\":\"a\"", "not JSON" },
        { P_CREATED, "{\"Arn\":\"a\"}", "Id is missing" },
        { P_CREATED, "{\"Arn\":5,\"Id\":\"x\"}",
          "Arn is a number, not a string" },
        { P_CREATED, "{\"Arn\":\"a\",\"Id\":[]}", "Id is an array" },
        { P_CREATED, longarn, "Arn is longer than 128 characters" },
        { P_TASK, "{\"Id\":\"t\"}", "Status is missing" },
        { P_TASK, "{\"Id\":\"t\",\"Status\":\"Nope\"}",
          "Status 'Nope' is not a FuotaTaskStatus" },
        { P_TASK, "{\"Id\":\"t\",\"Status\":7}", "Status is a number" },
        { P_TASK, "{\"Id\":\"t\",\"Status\":\"Pending\",\"LoRaWAN\":[]}",
          "LoRaWAN is an array, not an object" },
        { P_TASK,
          "{\"Id\":\"t\",\"Status\":\"Pending\",\"LoRaWAN\":{\"RfRegion\":1}}",
          "LoRaWAN.RfRegion is a number" },
        { P_TASK,
          "{\"Id\":\"t\",\"Status\":\"Pending\",\"LoRaWAN\":{\"StartTime\":"
          "\"soon\"}}",
          "LoRaWAN.StartTime is a string, not a timestamp" },
        { P_TASK, "{\"Id\":\"t\",\"Status\":\"Pending\",\"CreatedAt\":-1}",
          "CreatedAt is a number out of range" },
        { P_TASK,
          "{\"Id\":\"t\",\"Status\":\"Pending\",\"RedundancyPercent\":1.5}",
          "RedundancyPercent is a number out of range or with a fraction" },
        { P_TASK,
          "{\"Id\":\"t\",\"Status\":\"Pending\",\"FragmentSizeBytes\":"
          "3000000000}",
          "FragmentSizeBytes is a number out of range" },
        { P_TASK,
          "{\"Id\":\"t\",\"Status\":\"Pending\",\"FragmentIntervalMS\":\"5\"}",
          "FragmentIntervalMS is a string, not a 32-bit whole number" },
        { P_TASK, "{\"Id\":\"t\",\"Status\":\"Pending\",\"Name\":{}}",
          "Name is an object" },
        { P_TASKS, "{\"FuotaTaskList\":{}}",
          "FuotaTaskList is an object, not a list" },
        { P_TASKS, "{\"FuotaTaskList\":[{\"Id\":\"a\"},7]}",
          "FuotaTaskList[1] is a number, not an object" },
        { P_TASKS, "{\"FuotaTaskList\":[{\"Arn\":\"a\"}]}",
          "FuotaTaskList[0].Id is missing" },
        { P_TASKS, "{\"NextToken\":5}", "NextToken is a number" },
        { P_TASKS, long_token, "NextToken is longer than 4096" },
        { P_GROUPS, "{\"MulticastGroupList\":[{\"Id\":1}]}",
          "MulticastGroupList[0].Id is a number" },
        { P_DEVICES,
          "{\"WirelessDeviceList\":[{\"Id\":\"d\",\"FuotaDeviceStatus\":"
          "\"Great\"}]}",
          "WirelessDeviceList[0].FuotaDeviceStatus is not a "
          "FuotaDeviceStatus" },
        { P_DEVICES, "{\"WirelessDeviceList\":[true]}",
          "WirelessDeviceList[0] is true or false" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct backend_error err;
        backend_error_clear(&err);
        struct backend_task t;
        backend_task_init(&t);
        enum backend_status st = run_parser(cases[i].p, cases[i].body,
                                            strlen(cases[i].body), &err, &t);
        backend_task_cleanup(&t);
        if (st != BACKEND_TRANSPORT || !strstr(err.message, cases[i].msg) ||
            !strstr(err.message, "is not what the API promises"))
            fail_msg("case %zu: %d '%s'", i, (int)st, err.message);
        assert_int_equal(err.http_status, 0);
    }
}

static void test_answers_read(void **state)
{
    (void)state;
    struct backend_error err;
    backend_error_clear(&err);
    struct backend_task t;
    backend_task_init(&t);
    static const char task[] =
        "{\"Arn\":\"arn:aws:iotwireless:eu-west-1:1:FuotaTask/t1\",\"Id\":"
        "\"t1\",\"Status\":\"In_FuotaSession\",\"Name\":null,\"LoRaWAN\":{"
        "\"RfRegion\":\"EU868\",\"StartTime\":\"2030-05-01T12:00:00.250Z\"},"
        "\"CreatedAt\":1.7e9,\"RedundancyPercent\":20,\"FragmentSizeBytes\":"
        "50,\"FragmentIntervalMS\":1000,\"Extra\":{\"deep\":[1,2]}}";
    assert_int_equal(aws_wire_parse_task(task, strlen(task), &t, &err),
                     BACKEND_OK);
    assert_string_equal(t.id, "t1");
    assert_int_equal(t.status, BACKEND_TASK_IN_SESSION);
    assert_null(t.name);
    assert_string_equal(t.rf_region, "EU868");
    assert_true(t.has_start_time);
    assert_int_equal(t.start_time, 1903867200);
    assert_int_equal(t.created_at, 1700000000);
    assert_true(t.has_redundancy_percent && t.redundancy_percent == 20);
    assert_true(t.has_fragment_interval_ms);
    assert_false(t.description != NULL);
    backend_task_cleanup(&t);

    /* CreatedAt as ISO-8601 is read too. */
    static const char iso[] = "{\"Id\":\"t\",\"Status\":\"Pending\","
                              "\"CreatedAt\":\"2024-05-01T00:00:00Z\"}";
    assert_int_equal(aws_wire_parse_task(iso, strlen(iso), &t, &err),
                     BACKEND_OK);
    assert_int_equal(t.created_at, 1714521600);
    backend_task_cleanup(&t);

    struct backend_device_page dp;
    backend_device_page_init(&dp);
    static const char devs[] =
        "{\"WirelessDeviceList\":[{\"Id\":\"a\",\"FuotaDeviceStatus\":"
        "\"Successful\"},{\"Id\":\"b\"}],\"NextToken\":\"n2\"}";
    assert_int_equal(aws_wire_parse_device_page(devs, strlen(devs), &dp, &err),
                     BACKEND_OK);
    assert_int_equal(dp.count, 2);
    assert_int_equal(dp.items[0].status, BACKEND_DEVICE_SUCCESSFUL);
    assert_int_equal(dp.items[1].status, BACKEND_DEVICE_INITIAL);
    assert_string_equal(dp.next_token, "n2");
    backend_device_page_cleanup(&dp);

    struct backend_task_page tp;
    backend_task_page_init(&tp);
    assert_int_equal(aws_wire_parse_task_page("{}", 2, &tp, &err), BACKEND_OK);
    assert_int_equal(tp.count, 0);
    assert_null(tp.next_token);
    backend_task_page_cleanup(&tp);

    struct backend_id_page ip;
    backend_id_page_init(&ip);
    static const char groups[] =
        "{\"MulticastGroupList\":[{\"Id\":\"g1\"},{\"Id\":\"g2\"}]}";
    assert_int_equal(aws_wire_parse_id_page(groups, strlen(groups), &ip, &err),
                     BACKEND_OK);
    assert_int_equal(ip.count, 2);
    assert_string_equal(ip.ids[1], "g2");
    backend_id_page_cleanup(&ip);

    /* Not NUL-terminated: only len bytes are read. */
    struct backend_created c;
    char buf[64];
    const char *created = "{\"Arn\":\"a\",\"Id\":\"i\"}";
    memcpy(buf, created, strlen(created));
    memset(buf + strlen(created), 'x', sizeof(buf) - strlen(created));
    assert_int_equal(aws_wire_parse_created(buf, strlen(created), &c, &err),
                     BACKEND_OK);
    assert_string_equal(c.id, "i");
}

static void test_errors(void **state)
{
    (void)state;
    static const struct {
        int http;
        const char *header, *body;
        enum backend_status st;
        int want_http;
        const char *type, *msg, *rid;
    } cases[] = {
        { 404, "ResourceNotFoundException:http://internal.amazon.com/x",
          "{\"message\":\"gone\",\"ResourceId\":\"t1\",\"ResourceType\":"
          "\"FuotaTask\"}",
          BACKEND_NOT_FOUND, 404, "ResourceNotFoundException", "gone", "t1" },
        { 400, NULL,
          "{\"__type\":\"com.amazonaws.iotwireless#ValidationException\","
          "\"Message\":\"bad\"}",
          BACKEND_VALIDATION, 400, "ValidationException", "bad", "" },
        { 409, NULL, "{\"code\":\"ConflictException\",\"message\":\"c\"}",
          BACKEND_CONFLICT, 409, "ConflictException", "c", "" },
        { 403, NULL, "{\"Code\":\"InvalidSignatureException\"}",
          BACKEND_ACCESS_DENIED, 403, "InvalidSignatureException",
          "HTTP 403 with no message", "" },
        { 429, "", "", BACKEND_THROTTLED, 429, "", "HTTP 429 with no message",
          "" },
        { 503, NULL, "<html>Service \x1b[2J Unavailable</html>",
          BACKEND_INTERNAL, 503, "",
          "HTTP 503 with a body that is not a JSON object: '<html>Service ?[2J",
          "" },
        { 400, "Serialization\nException", "{\"message\":\"a\\u0007b\"}",
          BACKEND_VALIDATION, 400, "Serialization?Exception", "a?b", "" },
        { 418, NULL, "[1,2]", BACKEND_VALIDATION, 418, "",
          "HTTP 418 with a body that is not a JSON object: '[1,2]'", "" },
        { 302, NULL, "", BACKEND_TRANSPORT, 0, "", "HTTP 302", "" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct backend_error err;
        backend_error_clear(&err);
        enum backend_status st =
            aws_wire_parse_error(cases[i].http, cases[i].header, cases[i].body,
                                 strlen(cases[i].body), &err);
        if (st != cases[i].st || err.status != st ||
            err.http_status != cases[i].want_http ||
            (cases[i].type[0] && strcmp(err.type, cases[i].type) != 0) ||
            !strstr(err.message, cases[i].msg) ||
            strcmp(err.resource_id, cases[i].rid) != 0)
            fail_msg("case %zu: %d %d '%s' '%s' '%s'", i, (int)st,
                     err.http_status, err.type, err.message, err.resource_id);
    }
    char buf[16];
    assert_string_equal(aws_wire_excerpt("ab\x01\xff", 4, 10, buf, sizeof(buf)),
                        "ab??");
    assert_string_equal(aws_wire_excerpt("abcdef", 6, 3, buf, sizeof(buf)),
                        "abc...");
    assert_string_equal(aws_wire_op_name((enum aws_op)99), "Unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build),
        cmocka_unit_test(test_build_refuses),
        cmocka_unit_test(test_answers_refused),
        cmocka_unit_test(test_answers_read),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
