/* sim/http_ops: the restJson1 wire format of fuota serve, over an in-memory
 * store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/backend.h"
#include "core/task.h"
#include "sim/http_ops.h"
#include "sim/http_routes.h"
#include "sim/store.h"
#include "tests/unit/http_fixture.h"

#define VALID                                                                  \
    "{\"FirmwareUpdateImage\":\"s3://fw/a.bin\",\"FirmwareUpdateRole\":"       \
    "\"arn:aws:iam::123456789012:role/r\",\"LoRaWAN\":{\"RfRegion\":"          \
    "\"EU868\"}}"

static int setup(void **state)
{
    struct store_options o = { .path = ":memory:" };
    struct store *s = NULL;
    struct backend_error err;
    backend_error_clear(&err);
    if (store_open(&o, &s, &err) != BACKEND_OK)
        return -1;
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    store_close(*state);
    return 0;
}

/* Runs METHOD PATH?QUERY with BODY; the reply is in *r (clean it up). */
static void run(struct store *s, const char *method, const char *path,
                const char *query, const char *body, struct http_reply *r)
{
    http_fixture_run(s, method, path, query, body, r);
}

/* Creates a valid task and returns its id in id. */
static void create(struct store *s, char *id)
{
    http_fixture_create(s, VALID, id);
}

static void expect(struct store *s, const char *method, const char *path,
                   const char *query, const char *body, int status,
                   const char *type, const char *in_body)
{
    struct http_reply r;
    run(s, method, path, query, body, &r);
    if (r.status != status)
        fail_msg("%s %s ?%s: status %d, want %d (%s)", method, path,
                 query ? query : "", r.status, status, r.body ? r.body : "");
    if (type == NULL)
        assert_null(r.error_type);
    else {
        assert_non_null(r.error_type);
        assert_string_equal(r.error_type, type);
        assert_non_null(r.body);
        assert_non_null(strstr(r.body, "\"message\":\""));
    }
    if (in_body != NULL) {
        assert_non_null(r.body);
        if (strstr(r.body, in_body) == NULL)
            fail_msg("'%s' not in %s", in_body, r.body);
    }
    if (status == 204)
        assert_null(r.body);
    http_reply_cleanup(&r);
}

static void test_create_and_get(void **state)
{
    struct store *s = *state;
    char id[300], path[400];
    create(s, id);
    snprintf(path, sizeof(path), "/fuota-tasks/%s", id);
    expect(s, "GET", path, NULL, NULL, 200, NULL, "\"Status\":\"Pending\"");
    expect(s, "GET", path, NULL, NULL, 200, NULL, "\"CreatedAt\":");
    expect(s, "GET", path, NULL, NULL, 200, NULL,
           "\"LoRaWAN\":{\"RfRegion\":\"EU868\"}");
    /* CreatedAt is a number, not a string */
    struct http_reply r;
    run(s, "GET", path, NULL, NULL, &r);
    const char *c = strstr(r.body, "\"CreatedAt\":");
    assert_non_null(c);
    assert_true(c[12] >= '1' && c[12] <= '9');
    http_reply_cleanup(&r);
    expect(s, "GET", "/fuota-tasks/nope", NULL, NULL, 404,
           "ResourceNotFoundException", "\"ResourceId\":\"nope\"");
}

static void test_bodies(void **state)
{
    struct store *s = *state;
    expect(s, "POST", "/fuota-tasks", NULL, "{", 400, "SerializationException",
           NULL);
    expect(s, "POST", "/fuota-tasks", NULL, "[]", 400, "SerializationException",
           NULL);
    expect(s, "POST", "/fuota-tasks", NULL, "\"x\"", 400,
           "SerializationException", NULL);
    expect(s, "POST", "/fuota-tasks", NULL,
           "{\"FirmwareUpdateImage\":5,\"FirmwareUpdateRole\":\"r\"}", 400,
           "SerializationException", "FirmwareUpdateImage");
    /* an empty body is an empty object: the required members are missing */
    expect(s, "POST", "/fuota-tasks", NULL, "", 400, "ValidationException",
           "validation error");
    expect(s, "POST", "/fuota-tasks", NULL, "{}", 400, "ValidationException",
           NULL);
    /* unknown members are ignored, as AWS's services do */
    expect(s, "POST", "/fuota-tasks", NULL,
           "{\"FirmwareUpdateImage\":\"s3://a\",\"FirmwareUpdateRole\":"
           "\"r\",\"Unheard\":1}",
           201, NULL, "\"Arn\":\"arn:aws:iotwireless:");
}

static void test_paging_bounds(void **state)
{
    struct store *s = *state;
    char id[300];
    create(s, id);
    create(s, id);
    expect(s, "GET", "/fuota-tasks", NULL, NULL, 200, NULL,
           "\"FuotaTaskList\":[");
    expect(s, "GET", "/fuota-tasks", "maxResults=0", NULL, 200, NULL, NULL);
    expect(s, "GET", "/fuota-tasks", "maxResults=250", NULL, 200, NULL, NULL);
    expect(s, "GET", "/fuota-tasks", "maxResults=251", NULL, 400,
           "ValidationException", "less than or equal to 250");
    expect(s, "GET", "/fuota-tasks", "maxResults=-1", NULL, 400,
           "ValidationException", "greater than or equal to 0");
    expect(s, "GET", "/fuota-tasks", "maxResults=1x", NULL, 400,
           "SerializationException", NULL);
    expect(s, "GET", "/fuota-tasks", "maxResults=", NULL, 200, NULL, NULL);
    expect(s, "GET", "/fuota-tasks", "maxResults=1", NULL, 200, NULL,
           "\"NextToken\":\"");
    expect(s, "GET", "/fuota-tasks", "nextToken=bogus", NULL, 400,
           "ValidationException", NULL);
    expect(s, "GET", "/fuota-tasks", "nextToken=%zz", NULL, 400,
           "ValidationException", NULL);
}

static void test_id_lengths(void **state)
{
    struct store *s = *state;
    char path[600];
    int n = snprintf(path, sizeof(path), "/fuota-tasks/");
    memset(path + n, 'a', 256);
    path[n + 256] = '\0';
    /* 256 characters is a valid id (unknown here), 257 is too long */
    expect(s, "GET", path, NULL, NULL, 404, "ResourceNotFoundException", NULL);
    path[n + 256] = 'a';
    path[n + 257] = '\0';
    expect(s, "GET", path, NULL, NULL, 400, "ValidationException",
           "length less than or equal to 256");
}

static void test_associations(void **state)
{
    struct store *s = *state;
    char id[300], p[400], dev[700];
    create(s, id);
    snprintf(p, sizeof(p), "/fuota-tasks/%s/wireless-device", id);
    expect(s, "PUT", p, NULL, "{\"WirelessDeviceId\":\"d1\"}", 204, NULL, NULL);
    expect(s, "PUT", p, NULL, "{}", 400, "ValidationException",
           "wirelessDeviceId");
    expect(s, "PUT", p, NULL, "{\"WirelessDeviceId\":null}", 400,
           "ValidationException", NULL);
    expect(s, "PUT", p, NULL, "{\"WirelessDeviceId\":7}", 400,
           "SerializationException", NULL);
    int k = snprintf(dev, sizeof(dev), "{\"WirelessDeviceId\":\"");
    memset(dev + k, 'd', 257);
    snprintf(dev + k + 257, sizeof(dev) - (size_t)k - 257, "\"}");
    expect(s, "PUT", p, NULL, dev, 400, "ValidationException", NULL);
    snprintf(p, sizeof(p), "/fuota-tasks/%s/wireless-devices/d1", id);
    expect(s, "DELETE", p, NULL, NULL, 204, NULL, NULL);
    expect(s, "DELETE", p, NULL, NULL, 404, "ResourceNotFoundException", NULL);
    snprintf(p, sizeof(p), "/fuota-tasks/%s/multicast-group", id);
    expect(s, "PUT", p, NULL, "{\"MulticastGroupId\":\"g1\"}", 204, NULL, NULL);
    expect(s, "PUT", p, NULL, "{\"WirelessDeviceId\":\"g1\"}", 400,
           "ValidationException", "multicastGroupId");
    snprintf(p, sizeof(p), "/fuota-tasks/%s/multicast-groups", id);
    expect(s, "GET", p, NULL, NULL, 200, NULL,
           "\"MulticastGroupList\":[{\"Id\":\"g1\"}]");
    snprintf(p, sizeof(p), "/fuota-tasks/%s/multicast-groups/g1", id);
    expect(s, "DELETE", p, NULL, NULL, 204, NULL, NULL);
}

static void test_update_start_delete(void **state)
{
    struct store *s = *state;
    char id[300], p[400];
    create(s, id);
    snprintf(p, sizeof(p), "/fuota-tasks/%s", id);
    expect(s, "PATCH", p, NULL, "{\"Name\":\"n2\"}", 204, NULL, NULL);
    expect(s, "GET", p, NULL, NULL, 200, NULL, "\"Name\":\"n2\"");
    expect(s, "PATCH", p, NULL, "{\"Name\":", 400, "SerializationException",
           NULL);
    expect(s, "PUT", p, NULL, "{\"LoRaWAN\":5}", 400, "SerializationException",
           NULL);
    expect(s, "PUT", p, NULL, "{\"LoRaWAN\":{\"StartTime\":12}}", 400,
           "SerializationException", NULL);
    expect(s, "PUT", p, NULL, "{\"LoRaWAN\":{\"StartTime\":\"2099-13-01\"}}",
           400, "SerializationException", NULL);
    expect(s, "PUT", p, NULL,
           "{\"LoRaWAN\":{\"StartTime\":\"2099-01-01T00:00:00Z\"}}", 204, NULL,
           NULL);
    expect(s, "GET", p, NULL, NULL, 200, NULL,
           "\"StartTime\":\"2099-01-01T00:00:00Z\"");
    expect(s, "PUT", p, NULL, "", 409, "ConflictException", NULL);
    expect(s, "PATCH", p, NULL, "{\"Name\":\"late\"}", 409, "ConflictException",
           NULL);
    expect(s, "DELETE", p, NULL, NULL, 204, NULL, NULL);
    /* a Pending task started without a body: the service picks the time */
    create(s, id);
    snprintf(p, sizeof(p), "/fuota-tasks/%s", id);
    expect(s, "PUT", p, NULL, NULL, 204, NULL, NULL);
    expect(s, "DELETE", "/fuota-tasks/nope", NULL, NULL, 404,
           "ResourceNotFoundException", NULL);
}

/* Runs a request whose body may hold NUL bytes (len given). */
static void run_raw(struct store *s, const char *method, const char *path,
                    const char *body, size_t len, struct http_reply *r)
{
    struct http_route_match m;
    assert_int_equal(http_routes_match(method, path, &m), HTTP_ROUTE_OK);
    http_ops_run(s, &m, NULL, body, len, r);
}

/* Every string the server reads from a body, a path or a query is checked
 * as CreateFuotaTask checks its members: length as decoded, no NUL, valid
 * UTF-8; and no answer ever carries bytes that are not UTF-8. */
static void test_hostile_strings(void **state)
{
    struct store *s = *state;
    char id[300], dev[400], grp[400], devices[400], start[400];
    create(s, id);
    snprintf(dev, sizeof(dev), "/fuota-tasks/%s/wireless-device", id);
    snprintf(grp, sizeof(grp), "/fuota-tasks/%s/multicast-group", id);
    snprintf(devices, sizeof(devices), "fuotaTaskId=%s", id);
    snprintf(start, sizeof(start), "/fuota-tasks/%s", id);
    const struct {
        const char *path;
        const char *method;
        const char *body;
        size_t len; /* 0: strlen */
        const char *type;
        const char *says;
    } rows[] = {
        { dev, "PUT", "{\"WirelessDeviceId\":\"victim\\u0000-suffix\"}", 0,
          "SerializationException", "\\\\u0000" },
        { grp, "PUT", "{\"MulticastGroupId\":\"victim\\u0000-suffix\"}", 0,
          "SerializationException", "NUL character" },
        { dev, "PUT", "{\"WirelessDeviceId\":\"victim\0-suffix\"}", 37,
          "SerializationException", "NUL byte" },
        { grp, "PUT", "{\"MulticastGroupId\":\"victim\0-suffix\"}", 37,
          "SerializationException", "NUL byte" },
        { dev, "PUT", "{\"WirelessDeviceId\":\"\\ud800x\"}", 0,
          "SerializationException", "surrogate" },
        { dev, "PUT", "\xef\xbb\xbf{\"WirelessDeviceId\":\"a\"}", 0,
          "SerializationException", "byte order mark" },
        { dev, "PUT", "{\"WirelessDeviceId\":\"bad\xff\"}", 0,
          "ValidationException", "'wirelessDeviceId' is not valid UTF-8" },
        { grp, "PUT", "{\"MulticastGroupId\":\"\xc3\"}", 0,
          "ValidationException", "'multicastGroupId' is not valid UTF-8" },
        { start, "PUT",
          "{\"LoRaWAN\":{\"StartTime\":\"2030-01-01T00:00:00Z\\u0000\"}}", 0,
          "SerializationException", "NUL character" },
        { "/fuota-tasks/%ff%fe", "GET", NULL, 0, "ValidationException",
          "'id' is not valid UTF-8" },
        { "/fuota-tasks/ok%c3", "DELETE", NULL, 0, "ValidationException",
          "'id' is not valid UTF-8" },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct http_reply r;
        size_t len = rows[i].body == NULL ? 0
                     : rows[i].len        ? rows[i].len
                                          : strlen(rows[i].body);
        run_raw(s, rows[i].method, rows[i].path, rows[i].body, len, &r);
        if (r.status != 400 || r.error_type == NULL ||
            strcmp(r.error_type, rows[i].type) != 0 ||
            strstr(r.body, rows[i].says) == NULL)
            fail_msg("row %zu: %d %s %s", i, r.status,
                     r.error_type ? r.error_type : "-", r.body);
        assert_int_not_equal(task_utf8_length(r.body, r.body_len), -1);
        http_reply_cleanup(&r);
    }
    /* nothing was associated: no device or group cut at its NUL */
    expect(s, "GET", "/wireless-devices", devices, NULL, 200, NULL,
           "\"WirelessDeviceList\":[]");
    snprintf(grp, sizeof(grp), "/fuota-tasks/%s/multicast-groups", id);
    expect(s, "GET", grp, NULL, NULL, 200, NULL, "\"MulticastGroupList\":[]");
    /* query parameters: the real problem, never the bytes */
    const char *queries[] = { "wirelessDeviceType=%ff", "nextToken=%ff%fe",
                              "fuotaTaskId=%c3", "multicastGroupId=%ff" };
    for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        struct http_reply r;
        run(s, "GET", "/wireless-devices", queries[i], NULL, &r);
        assert_int_equal(r.status, 400);
        assert_string_equal(r.error_type, "ValidationException");
        assert_non_null(strstr(r.body, "is not valid UTF-8 once %-decoded"));
        assert_int_not_equal(task_utf8_length(r.body, r.body_len), -1);
        http_reply_cleanup(&r);
    }
}

/* An error message or ResourceId quoting bytes that are not UTF-8 still
 * makes a valid UTF-8 body: each bad byte becomes '?'. */
static void test_error_body_is_utf8(void **state)
{
    (void)state;
    struct http_reply r;
    http_reply_init(&r);
    http_reply_error(&r, 400, "ValidationException", "id '%s' x",
                     "a\xff\xc3"
                     "b");
    assert_string_equal(r.body, "{\"message\":\"id 'a??b' x\"}");
    http_reply_error(&r, 400, "ValidationException", "%s",
                     "\xc3\xa9\xf0\x9f\x98\x80\xed\xa0\x80");
    assert_string_equal(r.body,
                        "{\"message\":\"\xc3\xa9\xf0\x9f\x98\x80???\"}");
    http_reply_cleanup(&r);
}

static void test_error_reply(void **state)
{
    (void)state;
    struct http_reply r;
    http_reply_init(&r);
    http_reply_error(&r, 418, "TeapotException", "quote \" and %s", "\\");
    assert_int_equal(r.status, 418);
    assert_string_equal(r.error_type, "TeapotException");
    assert_string_equal(r.body, "{\"message\":\"quote \\\" and \\\\\"}");
    assert_int_equal(r.body_len, strlen(r.body));
    http_reply_cleanup(&r);
    http_reply_cleanup(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_and_get, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bodies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paging_bounds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_lengths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_associations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_start_delete, setup,
                                        teardown),
        cmocka_unit_test(test_error_reply),
        cmocka_unit_test_setup_teardown(test_hostile_strings, setup, teardown),
        cmocka_unit_test(test_error_body_is_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
