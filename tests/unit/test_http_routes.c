/* sim/http_routes: the REST routes of the FUOTA task operations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim/http_routes.h"

struct route_case {
    const char *method;
    const char *path;
    enum http_route_result result;
    enum http_op op;
    const char *label0;
    const char *label1;
    const char *allow;
};

static const struct route_case cases[] = {
    /* every operation of the service model */
    { "POST", "/fuota-tasks", HTTP_ROUTE_OK, HTTP_OP_CREATE_TASK, "", "", "" },
    { "GET", "/fuota-tasks", HTTP_ROUTE_OK, HTTP_OP_LIST_TASKS, "", "", "" },
    { "GET", "/fuota-tasks/abc", HTTP_ROUTE_OK, HTTP_OP_GET_TASK, "abc", "",
      "" },
    { "PATCH", "/fuota-tasks/abc", HTTP_ROUTE_OK, HTTP_OP_UPDATE_TASK, "abc",
      "", "" },
    { "PUT", "/fuota-tasks/abc", HTTP_ROUTE_OK, HTTP_OP_START_TASK, "abc", "",
      "" },
    { "DELETE", "/fuota-tasks/abc", HTTP_ROUTE_OK, HTTP_OP_DELETE_TASK, "abc",
      "", "" },
    { "PUT", "/fuota-tasks/abc/wireless-device", HTTP_ROUTE_OK,
      HTTP_OP_ASSOCIATE_DEVICE, "abc", "", "" },
    { "DELETE", "/fuota-tasks/abc/wireless-devices/d1", HTTP_ROUTE_OK,
      HTTP_OP_DISASSOCIATE_DEVICE, "abc", "d1", "" },
    { "PUT", "/fuota-tasks/abc/multicast-group", HTTP_ROUTE_OK,
      HTTP_OP_ASSOCIATE_GROUP, "abc", "", "" },
    { "DELETE", "/fuota-tasks/abc/multicast-groups/g1", HTTP_ROUTE_OK,
      HTTP_OP_DISASSOCIATE_GROUP, "abc", "g1", "" },
    { "GET", "/fuota-tasks/abc/multicast-groups", HTTP_ROUTE_OK,
      HTTP_OP_LIST_GROUPS, "abc", "", "" },
    /* labels are decoded after splitting: %2F stays inside the id */
    { "GET", "/fuota-tasks/a%2Fb", HTTP_ROUTE_OK, HTTP_OP_GET_TASK, "a/b", "",
      "" },
    { "GET", "/fuota-tasks/a%20b+c", HTTP_ROUTE_OK, HTTP_OP_GET_TASK, "a b+c",
      "", "" },
    { "GET", "/fuota-tasks/a%zz", HTTP_ROUTE_BAD_LABEL, HTTP_OP_GET_TASK, "",
      "", "" },
    { "GET", "/fuota-tasks/a%2", HTTP_ROUTE_BAD_LABEL, HTTP_OP_GET_TASK, "", "",
      "" },
    { "GET", "/fuota-tasks/a%00", HTTP_ROUTE_BAD_LABEL, HTTP_OP_GET_TASK, "",
      "", "" },
    /* wrong methods: 405 with the path's methods */
    { "DELETE", "/fuota-tasks", HTTP_ROUTE_METHOD_NOT_ALLOWED, HTTP_OP_COUNT,
      "", "", "POST, GET" },
    { "POST", "/fuota-tasks/abc", HTTP_ROUTE_METHOD_NOT_ALLOWED, HTTP_OP_COUNT,
      "", "", "GET, PATCH, PUT, DELETE" },
    { "GET", "/fuota-tasks/abc/wireless-device", HTTP_ROUTE_METHOD_NOT_ALLOWED,
      HTTP_OP_COUNT, "", "", "PUT" },
    { "HEAD", "/fuota-tasks", HTTP_ROUTE_METHOD_NOT_ALLOWED, HTTP_OP_COUNT, "",
      "", "POST, GET" },
    { "get", "/fuota-tasks", HTTP_ROUTE_METHOD_NOT_ALLOWED, HTTP_OP_COUNT, "",
      "", "POST, GET" },
    /* unknown paths: 404 */
    { "GET", "/", HTTP_ROUTE_NOT_FOUND, HTTP_OP_COUNT, "", "", "" },
    { "GET", "", HTTP_ROUTE_NOT_FOUND, HTTP_OP_COUNT, "", "", "" },
    { "GET", "/fuota-tasks/", HTTP_ROUTE_NOT_FOUND, HTTP_OP_COUNT, "", "", "" },
    { "GET", "/fuota-taskss", HTTP_ROUTE_NOT_FOUND, HTTP_OP_COUNT, "", "", "" },
    { "GET", "/fuota-tasks/abc/", HTTP_ROUTE_NOT_FOUND, HTTP_OP_COUNT, "", "",
      "" },
    { "GET", "//fuota-tasks", HTTP_ROUTE_NOT_FOUND, HTTP_OP_COUNT, "", "", "" },
    { "PUT", "/fuota-tasks/abc/wireless-devices", HTTP_ROUTE_NOT_FOUND,
      HTTP_OP_COUNT, "", "", "" },
    { "DELETE", "/fuota-tasks/abc/wireless-device/d1", HTTP_ROUTE_NOT_FOUND,
      HTTP_OP_COUNT, "", "", "" },
    { "DELETE", "/fuota-tasks/abc/multicast-groups/", HTTP_ROUTE_NOT_FOUND,
      HTTP_OP_COUNT, "", "", "" },
    { "GET", "/fuota-tasks/abc/multicast-groups/g1/x", HTTP_ROUTE_NOT_FOUND,
      HTTP_OP_COUNT, "", "", "" },
};

static void test_route_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct route_case *c = &cases[i];
        struct http_route_match m;
        enum http_route_result r = http_routes_match(c->method, c->path, &m);
        if (r != c->result)
            fail_msg("%s %s: result %d, want %d", c->method, c->path, r,
                     c->result);
        if (c->result == HTTP_ROUTE_OK) {
            assert_int_equal(m.op, c->op);
            assert_string_equal(m.labels[0], c->label0);
            assert_string_equal(m.labels[1], c->label1);
        }
        if (c->result == HTTP_ROUTE_METHOD_NOT_ALLOWED)
            assert_string_equal(m.allow, c->allow);
    }
}

static void test_label_length_limit(void **state)
{
    (void)state;
    char path[HTTP_LABEL_MAX + 32];
    struct http_route_match m;
    memcpy(path, "/fuota-tasks/", 13);
    memset(path + 13, 'a', HTTP_LABEL_MAX);
    path[13 + HTTP_LABEL_MAX] = '\0';
    assert_int_equal(http_routes_match("GET", path, &m), HTTP_ROUTE_OK);
    assert_int_equal(strlen(m.labels[0]), HTTP_LABEL_MAX);
    path[13 + HTTP_LABEL_MAX] = 'a';
    path[14 + HTTP_LABEL_MAX] = '\0';
    assert_int_equal(http_routes_match("GET", path, &m), HTTP_ROUTE_BAD_LABEL);
}

static void test_names_and_statuses(void **state)
{
    (void)state;
    assert_string_equal(http_routes_op_name(HTTP_OP_CREATE_TASK),
                        "CreateFuotaTask");
    assert_int_equal(http_routes_success_status(HTTP_OP_CREATE_TASK), 201);
    assert_int_equal(http_routes_success_status(HTTP_OP_GET_TASK), 200);
    assert_int_equal(http_routes_success_status(HTTP_OP_START_TASK), 204);
    assert_int_equal(http_routes_success_status(HTTP_OP_DELETE_TASK), 204);
    assert_int_equal(http_routes_success_status(HTTP_OP_LIST_GROUPS), 200);
    assert_string_equal(http_routes_op_name(HTTP_OP_COUNT), "Unknown");
}

static void test_query_params(void **state)
{
    (void)state;
    char v[16];
    assert_int_equal(http_routes_query_param(NULL, "a", v, sizeof(v)), 0);
    assert_int_equal(http_routes_query_param("", "a", v, sizeof(v)), 0);
    assert_int_equal(http_routes_query_param("maxResults=5&nextToken=a%2Bb",
                                             "nextToken", v, sizeof(v)),
                     1);
    assert_string_equal(v, "a+b");
    assert_int_equal(
        http_routes_query_param("maxResults=5", "maxResults", v, sizeof(v)), 1);
    assert_string_equal(v, "5");
    assert_int_equal(http_routes_query_param("flag&x=1", "flag", v, sizeof(v)),
                     1);
    assert_string_equal(v, "");
    assert_int_equal(
        http_routes_query_param("maxResultsX=5", "maxResults", v, sizeof(v)),
        0);
    assert_int_equal(
        http_routes_query_param("nextToken=%zz", "nextToken", v, sizeof(v)),
        -1);
    /* 15 characters fit a 16-byte buffer, 16 do not */
    assert_int_equal(
        http_routes_query_param("t=aaaaaaaaaaaaaaa", "t", v, sizeof(v)), 1);
    assert_int_equal(
        http_routes_query_param("t=aaaaaaaaaaaaaaaa", "t", v, sizeof(v)),
        HTTP_PARAM_TOO_LONG);
}

/* Each way a value can be unreadable is told apart, so that the answer
 * names the real problem; nothing undecodable is left in dst. */
static void test_query_param_problems(void **state)
{
    (void)state;
    const struct {
        const char *query;
        enum http_param want;
        const char *value;
    } rows[] = {
        { "t=%ff", HTTP_PARAM_NOT_UTF8, "" },
        { "t=%ff%fe", HTTP_PARAM_NOT_UTF8, "" },
        { "t=ok%c3", HTTP_PARAM_NOT_UTF8, "" },
        { "t=%ed%a0%80", HTTP_PARAM_NOT_UTF8, "" }, /* a surrogate */
        { "t=%c3%a9", HTTP_PARAM_FOUND, "\xc3\xa9" },
        { "t=%f0%9f%98%80", HTTP_PARAM_FOUND, "\xf0\x9f\x98\x80" },
        { "t=a%00b", HTTP_PARAM_BAD_ESCAPE, "" },
        { "t=%4", HTTP_PARAM_BAD_ESCAPE, "" },
        { "t=%zz", HTTP_PARAM_BAD_ESCAPE, "" },
        /* malformed beats too long: the value is wrong whatever the room */
        { "t=aaaaaaaaaaaaaaaaaaaa%zz", HTTP_PARAM_BAD_ESCAPE, "" },
        { "t=aaaaaaaaaaaaaaaaaaaa", HTTP_PARAM_TOO_LONG, "" },
        { "u=1&t=2&t=3", HTTP_PARAM_FOUND, "2" },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char v[16] = "junk";
        assert_int_equal(
            http_routes_query_param(rows[i].query, "t", v, sizeof(v)),
            rows[i].want);
        assert_string_equal(v, rows[i].value);
    }
}

static void test_param_count(void **state)
{
    (void)state;
    const struct {
        const char *query;
        size_t want;
    } rows[] = {
        { NULL, 0 }, { "", 0 },    { "a", 1 },       { "a=1&b=2", 2 },
        { "&", 2 },  { "a&&", 3 }, { "a=%26&b", 2 },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        assert_int_equal(http_routes_param_count(rows[i].query), rows[i].want);
}

static void test_decode(void **state)
{
    (void)state;
    char out[8];
    assert_true(http_routes_decode("%41%62c", 7, out, sizeof(out)));
    assert_string_equal(out, "Abc");
    assert_true(http_routes_decode("", 0, out, sizeof(out)));
    assert_string_equal(out, "");
    assert_false(http_routes_decode("%4", 2, out, sizeof(out)));
    assert_false(http_routes_decode("%g1", 3, out, sizeof(out)));
    assert_false(http_routes_decode("%00", 3, out, sizeof(out)));
    assert_true(http_routes_decode("1234567", 7, out, sizeof(out)));
    assert_false(http_routes_decode("12345678", 8, out, sizeof(out)));
    assert_false(http_routes_decode("a", 1, out, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_table),
        cmocka_unit_test(test_label_length_limit),
        cmocka_unit_test(test_names_and_statuses),
        cmocka_unit_test(test_query_params),
        cmocka_unit_test(test_query_param_problems),
        cmocka_unit_test(test_param_count),
        cmocka_unit_test(test_decode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
