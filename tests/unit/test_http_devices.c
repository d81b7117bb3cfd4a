/*
 * ListWirelessDevices in fuota serve (sim/http_routes + sim/http_ops): the
 * route, its query parameters and their bounds, the WirelessDeviceStatistics
 * wire shape, paging with and without a task, and FuotaDeviceStatus as the
 * fleet hook leaves it after a session.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/backend.h"
#include "sim/fleet.h"
#include "sim/http_ops.h"
#include "sim/http_routes.h"
#include "sim/store.h"
#include "sim/store_page.h"
#include "tests/unit/http_fixture.h"

/* 2024-05-01T12:00:00Z, in ms */
#define T0        1714564800000LL
#define AFTER_ALL (T0 + 30LL * 24 * 3600 * 1000)

/* EU868 at DR0 carries 48 fragment bytes: 40 plays. */
#define TASK_BODY                                                              \
    "{\"FirmwareUpdateImage\":\"s3://fw/a.bin\",\"FirmwareUpdateRole\":"       \
    "\"arn:aws:iam::123456789012:role/r\",\"LoRaWAN\":{\"RfRegion\":"          \
    "\"EU868\"},\"FragmentSizeBytes\":40,\"RedundancyPercent\":10}"

static int64_t fake_now;

static int64_t fake_clock(void *ctx)
{
    (void)ctx;
    return fake_now;
}

struct fixture {
    struct store *store;
    struct fleet_hook_config fleet;
    char task[BACKEND_ID_MAX + 1];
    char other[BACKEND_ID_MAX + 1];
};

static struct store *open_store(struct fixture *f, double throttle)
{
    struct store_options o = { 0 };
    o.path = ":memory:";
    o.clock = fake_clock;
    o.region = "eu-west-1";
    o.account = "111122223333";
    o.image_bytes = 2000;
    o.on_session_start = fleet_store_hook;
    o.hook_ctx = &f->fleet;
    o.throttle_rate = throttle;
    o.seed = 3;
    struct store *s = NULL;
    struct backend_error err;
    fake_now = T0;
    assert_int_equal(store_open(&o, &s, &err), BACKEND_OK);
    return s;
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
    http_fixture_create(s, TASK_BODY, id);
}

static void associate(struct store *s, const char *task, const char *dev)
{
    char path[400], body[400];
    struct http_reply r;
    snprintf(path, sizeof(path), "/fuota-tasks/%s/wireless-device", task);
    snprintf(body, sizeof(body), "{\"WirelessDeviceId\":\"%s\"}", dev);
    run(s, "PUT", path, NULL, body, &r);
    assert_int_equal(r.status, 204);
    http_reply_cleanup(&r);
}

/* Task A: devices "dev-b", "00112233AABBCCDD" (a DevEui), "dev-a";
 * task B: "dev-a" again and "c-dev". */
static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return -1;
    f->store = open_store(f, 0);
    create(f->store, f->task);
    associate(f->store, f->task, "dev-b");
    associate(f->store, f->task, "00112233AABBCCDD");
    associate(f->store, f->task, "dev-a");
    create(f->store, f->other);
    associate(f->store, f->other, "dev-a");
    associate(f->store, f->other, "c-dev");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(f->store);
    free(f);
    return 0;
}

/* Replaces "TASK" in a query template with the fixture's task id. */
static void expand(const struct fixture *f, const char *tmpl, char *dst,
                   size_t size)
{
    const char *t = tmpl ? strstr(tmpl, "TASK") : NULL;
    if (tmpl != NULL && strncmp(tmpl, "nextToken=@", 11) == 0) {
        /* "@payload": a token sealed as the store seals its own */
        char *tok = store_page_seal(tmpl + 11, strlen(tmpl + 11));
        assert_non_null(tok);
        snprintf(dst, size, "nextToken=%s", tok);
        free(tok);
    } else if (tmpl == NULL)
        dst[0] = '\0';
    else if (t == NULL)
        snprintf(dst, size, "%s", tmpl);
    else
        snprintf(dst, size, "%.*s%s%s", (int)(t - tmpl), tmpl, f->task, t + 4);
}

/* --- the route ----------------------------------------------------------- */

static void test_route(void **state)
{
    (void)state;
    struct http_route_match m;
    assert_int_equal(http_routes_match("GET", "/wireless-devices", &m),
                     HTTP_ROUTE_OK);
    assert_int_equal(m.op, HTTP_OP_LIST_DEVICES);
    assert_int_equal(m.label_count, 0);
    assert_string_equal(http_routes_op_name(HTTP_OP_LIST_DEVICES),
                        "ListWirelessDevices");
    assert_int_equal(http_routes_success_status(HTTP_OP_LIST_DEVICES), 200);
    assert_int_equal(http_routes_match("POST", "/wireless-devices", &m),
                     HTTP_ROUTE_METHOD_NOT_ALLOWED);
    assert_string_equal(m.allow, "GET");
    assert_int_equal(http_routes_match("GET", "/wireless-devices/", &m),
                     HTTP_ROUTE_NOT_FOUND);
    assert_int_equal(http_routes_match("GET", "/wireless-devices/x", &m),
                     HTTP_ROUTE_NOT_FOUND);
    assert_int_equal(http_routes_match("GET", "/wireless-device", &m),
                     HTTP_ROUTE_NOT_FOUND);
}

/* --- queries: table ------------------------------------------------------- */

struct query_case {
    const char *query; /* "TASK" -> the fixture's task id; NULL = none */
    int status;
    const char *type;   /* x-amzn-ErrorType, NULL on success */
    const char *in;     /* must be in the body (or NULL) */
    const char *not_in; /* must not be in the body (or NULL) */
};

static const struct query_case query_cases[] = {
    /* the task's devices, in association order, with their status */
    { "fuotaTaskId=TASK", 200, NULL,
      "{\"WirelessDeviceList\":[{\"Arn\":\"arn:aws:iotwireless:eu-west-1:"
      "111122223333:WirelessDevice/dev-b\",\"Id\":\"dev-b\",\"Type\":"
      "\"LoRaWAN\",\"FuotaDeviceStatus\":\"Initial\"},",
      "NextToken" },
    { "fuotaTaskId=TASK", 200, NULL,
      "{\"Arn\":\"arn:aws:iotwireless:eu-west-1:111122223333:WirelessDevice/"
      "00112233AABBCCDD\",\"Id\":\"00112233AABBCCDD\",\"Type\":\"LoRaWAN\","
      "\"LoRaWAN\":{\"DevEui\":\"00112233AABBCCDD\"},\"FuotaDeviceStatus\":"
      "\"Initial\"}",
      NULL },
    { "fuotaTaskId=TASK", 200, NULL, "\"Id\":\"dev-a\"", "c-dev" },
    { "fuotaTaskId=TASK&maxResults=1", 200, NULL, "\"NextToken\":\"", "dev-a" },
    { "fuotaTaskId=TASK&maxResults=0", 200, NULL, "\"Id\":\"dev-a\"",
      "NextToken" },
    { "fuotaTaskId=TASK&maxResults=250", 200, NULL, "\"Id\":\"dev-a\"", NULL },
    { "fuotaTaskId=TASK&maxResults=251", 400, "ValidationException",
      "less than or equal to 250", NULL },
    { "fuotaTaskId=TASK&maxResults=-1", 400, "ValidationException",
      "greater than or equal to 0", NULL },
    { "fuotaTaskId=TASK&maxResults=x", 400, "SerializationException", NULL,
      NULL },
    { "fuotaTaskId=TASK&nextToken=garbage", 400, "ValidationException",
      "nextToken", NULL },
    { "fuotaTaskId=TASK&fuotaTaskId=other", 200, NULL, "\"Id\":\"dev-b\"",
      NULL },
    /* unknown task: the operation has no ResourceNotFoundException */
    { "fuotaTaskId=no-such-task", 200, NULL, "{\"WirelessDeviceList\":[]}",
      NULL },
    { "fuotaTaskId=%zz", 400, "ValidationException", "fuotaTaskId", NULL },
    /* filters virtual devices never match */
    { "fuotaTaskId=TASK&wirelessDeviceType=Sidewalk", 200, NULL,
      "{\"WirelessDeviceList\":[]}", NULL },
    { "fuotaTaskId=TASK&wirelessDeviceType=LoRaWAN", 200, NULL,
      "\"Id\":\"dev-b\"", NULL },
    { "fuotaTaskId=TASK&wirelessDeviceType=lorawan", 400, "ValidationException",
      "enum value set: [Sidewalk, LoRaWAN]", NULL },
    { "fuotaTaskId=TASK&wirelessDeviceType=", 200, NULL, "\"Id\":\"dev-b\"",
      NULL },
    { "fuotaTaskId=TASK&multicastGroupId=g", 200, NULL,
      "{\"WirelessDeviceList\":[]}", NULL },
    { "multicastGroupId=g", 200, NULL, "{\"WirelessDeviceList\":[]}", NULL },
    { "destinationName=d", 200, NULL, "{\"WirelessDeviceList\":[]}", NULL },
    { "deviceProfileId=p", 200, NULL, "{\"WirelessDeviceList\":[]}", NULL },
    { "serviceProfileId=p", 200, NULL, "{\"WirelessDeviceList\":[]}", NULL },
    /* without a task: every device once, by id, no FuotaDeviceStatus */
    { NULL, 200, NULL,
      "{\"WirelessDeviceList\":[{\"Arn\":\"arn:aws:iotwireless:eu-west-1:"
      "111122223333:WirelessDevice/00112233AABBCCDD\",\"Id\":"
      "\"00112233AABBCCDD\",\"Type\":\"LoRaWAN\",\"LoRaWAN\":{\"DevEui\":"
      "\"00112233AABBCCDD\"}},{\"Arn\":\"arn:aws:iotwireless:eu-west-1:"
      "111122223333:WirelessDevice/c-dev\",\"Id\":\"c-dev\",\"Type\":"
      "\"LoRaWAN\"},{\"Arn\":\"arn:aws:iotwireless:eu-west-1:111122223333:"
      "WirelessDevice/dev-a\",\"Id\":\"dev-a\",\"Type\":\"LoRaWAN\"},{\"Arn\":"
      "\"arn:aws:iotwireless:eu-west-1:111122223333:WirelessDevice/dev-b\","
      "\"Id\":\"dev-b\",\"Type\":\"LoRaWAN\"}]}",
      "FuotaDeviceStatus" },
    { "", 200, NULL, "\"Id\":\"c-dev\"", NULL },
    { "fuotaTaskId=", 200, NULL, "\"Id\":\"c-dev\"", NULL },
    { "maxResults=251", 400, "ValidationException", NULL, NULL },
    { "nextToken=garbage", 400, "ValidationException", "nextToken", NULL },
    /* "W:" alone: no last id */
    { "nextToken=@W:", 400, "ValidationException", "nextToken", NULL },
    /* "X:dev-a": not ours */
    { "nextToken=@X:dev-a", 400, "ValidationException", "nextToken", NULL },
    /* "W:dev-a" unsealed (base64url only) */
    { "nextToken=VzpkZXYtYQ", 400, "ValidationException", "nextToken", NULL },
    /* "W:dev-a": after dev-a */
    { "nextToken=@W:dev-a", 200, NULL,
      "{\"WirelessDeviceList\":[{\"Arn\":\"arn:aws:iotwireless:eu-west-1:"
      "111122223333:WirelessDevice/dev-b\"",
      "c-dev" },
    /* "W:zzz": past the end */
    { "nextToken=@W:zzz", 200, NULL, "{\"WirelessDeviceList\":[]}", NULL },
};

static void test_queries(void **state)
{
    struct fixture *f = *state;
    for (size_t i = 0; i < sizeof(query_cases) / sizeof(query_cases[0]); i++) {
        const struct query_case *c = &query_cases[i];
        char query[1024];
        struct http_reply r;
        expand(f, c->query, query, sizeof(query));
        run(f->store, "GET", "/wireless-devices", c->query ? query : NULL, NULL,
            &r);
        if (r.status != c->status)
            fail_msg("?%s: status %d, want %d (%s)", query, r.status, c->status,
                     r.body ? r.body : "");
        if (c->type == NULL) {
            assert_null(r.error_type);
        } else {
            assert_non_null(r.error_type);
            assert_string_equal(r.error_type, c->type);
            assert_non_null(strstr(r.body, "\"message\":\""));
        }
        assert_non_null(r.body);
        if (c->in != NULL && strstr(r.body, c->in) == NULL)
            fail_msg("?%s: '%s' not in %s", query, c->in, r.body);
        if (c->not_in != NULL && strstr(r.body, c->not_in) != NULL)
            fail_msg("?%s: '%s' in %s", query, c->not_in, r.body);
        http_reply_cleanup(&r);
    }
}

/* Id lengths on both sides of the model's 256. */
static void test_id_bounds(void **state)
{
    struct fixture *f = *state;
    char query[400];
    char id[300];
    for (size_t len = 255; len <= 257; len++) {
        memset(id, 'a', len);
        id[len] = '\0';
        const char *names[] = { "fuotaTaskId", "multicastGroupId",
                                "deviceProfileId", "serviceProfileId" };
        for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
            struct http_reply r;
            snprintf(query, sizeof(query), "%s=%s", names[k], id);
            run(f->store, "GET", "/wireless-devices", query, NULL, &r);
            assert_int_equal(r.status, len <= 256 ? 200 : 400);
            http_reply_cleanup(&r);
        }
    }
    /* destinationName: 128 */
    for (size_t len = 128; len <= 129; len++) {
        struct http_reply r;
        memset(id, 'd', len);
        id[len] = '\0';
        snprintf(query, sizeof(query), "destinationName=%s", id);
        run(f->store, "GET", "/wireless-devices", query, NULL, &r);
        assert_int_equal(r.status, len <= 128 ? 200 : 400);
        http_reply_cleanup(&r);
    }
}

/* LoRaWAN.DevEui only for ids of exactly 16 hex digits. */
static void test_dev_eui(void **state)
{
    (void)state;
    struct fixture f = { .fleet = { 0 } };
    struct store *s = open_store(&f, 0);
    char task[BACKEND_ID_MAX + 1], query[400];
    create(s, task);
    static const struct {
        const char *id;
        bool dev_eui;
    } cases[] = {
        { "0123456789abcdef", true },  { "0123456789ABCDEF", true },
        { "0123456789abcde", false },  { "0123456789abcdef0", false },
        { "0123456789abcdeg", false }, { "dev-1", false },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        associate(s, task, cases[i].id);
    struct http_reply r;
    snprintf(query, sizeof(query), "fuotaTaskId=%s", task);
    run(s, "GET", "/wireless-devices", query, NULL, &r);
    assert_int_equal(r.status, 200);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char want[128];
        snprintf(want, sizeof(want),
                 "\"Id\":\"%s\",\"Type\":\"LoRaWAN\",\"LoRaWAN\":{\"DevEui\":"
                 "\"%s\"}",
                 cases[i].id, cases[i].id);
        bool found = strstr(r.body, want) != NULL;
        if (found != cases[i].dev_eui)
            fail_msg("%s: DevEui %s in %s", cases[i].id,
                     found ? "unexpectedly" : "not", r.body);
    }
    http_reply_cleanup(&r);
    store_close(s);
}

/* Pages of one walk the listing (of `task`, or of the simulator): page i
 * holds want[i]; every page but the last has a NextToken. */
static void walk(struct store *s, const char *task, const char *const *want,
                 size_t n)
{
    char token[BACKEND_NEXT_TOKEN_MAX + 1] = "";
    char query[BACKEND_NEXT_TOKEN_MAX + 400];
    for (size_t i = 0; i < n; i++) {
        struct http_reply r;
        int len = snprintf(query, sizeof(query), "maxResults=1");
        if (task != NULL)
            len += snprintf(query + len, sizeof(query) - (size_t)len,
                            "&fuotaTaskId=%s", task);
        if (token[0] != '\0')
            snprintf(query + len, sizeof(query) - (size_t)len, "&nextToken=%s",
                     token);
        run(s, "GET", "/wireless-devices", query, NULL, &r);
        assert_int_equal(r.status, 200);
        char id[64];
        snprintf(id, sizeof(id), "\"Id\":\"%s\"", want[i]);
        if (strstr(r.body, id) == NULL)
            fail_msg("page %zu: %s not in %s", i, want[i], r.body);
        const char *t = strstr(r.body, "\"NextToken\":\"");
        if (i + 1 == n) {
            assert_null(t);
        } else {
            assert_non_null(t);
            t += 13;
            size_t tl = strcspn(t, "\"");
            memcpy(token, t, tl);
            token[tl] = '\0';
        }
        http_reply_cleanup(&r);
    }
}

static void test_paging(void **state)
{
    struct fixture *f = *state;
    const char *task_devs[] = { "dev-b", "00112233AABBCCDD", "dev-a" };
    walk(f->store, f->task, task_devs, 3);
    const char *all[] = { "00112233AABBCCDD", "c-dev", "dev-a", "dev-b" };
    walk(f->store, NULL, all, 4);
}

/* After the session the fleet's outcome is on the wire; a deleted task's
 * devices leave the unfiltered listing. */
static void test_after_session(void **state)
{
    (void)state;
    static const struct {
        double loss;
        const char *status;
    } cases[] = {
        { 0.0, "\"FuotaDeviceStatus\":\"Successful\"" },
        { 1.0, "\"FuotaDeviceStatus\":\"MissingFrag\"" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fixture f = { .fleet = { .loss = cases[i].loss, .seed = 5 } };
        struct store *s = open_store(&f, 0);
        char task[BACKEND_ID_MAX + 1], path[400], query[400];
        create(s, task);
        associate(s, task, "d1");
        associate(s, task, "d2");
        struct http_reply r;
        snprintf(path, sizeof(path), "/fuota-tasks/%s", task);
        run(s, "PUT", path, NULL, "{}", &r);
        assert_int_equal(r.status, 204);
        http_reply_cleanup(&r);
        snprintf(query, sizeof(query), "fuotaTaskId=%s", task);
        run(s, "GET", "/wireless-devices", query, NULL, &r);
        assert_null(strstr(r.body, cases[i].status));
        http_reply_cleanup(&r);
        fake_now = AFTER_ALL;
        run(s, "GET", path, NULL, NULL, &r);
        assert_non_null(strstr(r.body, "\"Status\":\"FuotaDone\""));
        http_reply_cleanup(&r);
        run(s, "GET", "/wireless-devices", query, NULL, &r);
        assert_int_equal(r.status, 200);
        const char *a = strstr(r.body, cases[i].status);
        assert_non_null(a);
        assert_non_null(strstr(a + 1, cases[i].status)); /* both devices */
        http_reply_cleanup(&r);
        run(s, "DELETE", path, NULL, NULL, &r);
        assert_int_equal(r.status, 204);
        http_reply_cleanup(&r);
        run(s, "GET", "/wireless-devices", NULL, NULL, &r);
        assert_string_equal(r.body, "{\"WirelessDeviceList\":[]}");
        http_reply_cleanup(&r);
        store_close(s);
    }
}

/* Fault injection reaches the listing, with and without a task. */
static void test_throttled(void **state)
{
    (void)state;
    struct fixture f = { .fleet = { 0 } };
    struct store *s = open_store(&f, 1.0);
    const char *queries[] = { NULL, "fuotaTaskId=x" };
    for (size_t i = 0; i < 2; i++) {
        struct http_reply r;
        run(s, "GET", "/wireless-devices", queries[i], NULL, &r);
        assert_int_equal(r.status, 429);
        assert_string_equal(r.error_type, "ThrottlingException");
        http_reply_cleanup(&r);
    }
    store_close(s);
}

/*
 * One fault draw per ListWirelessDevices, however many tasks there are:
 * with a 10 % throttle rate and 20 tasks about 10 % of the unfiltered
 * listings are throttled (one draw per task made ~93 % of them fail).
 */
static void test_fault_rate_unfiltered(void **state)
{
    (void)state;
    struct fixture f = { .fleet = { 0 } };
    struct store *s = open_store(&f, 0.1);
    for (int i = 0; i < 20; i++) {
        char task[BACKEND_ID_MAX + 1], path[400], body[64];
        struct http_reply r;
        int code;
        do {
            run(s, "POST", "/fuota-tasks", NULL, TASK_BODY, &r);
            code = r.status;
            if (code == 201) {
                const char *p = strstr(r.body, "\"Id\":\"") + 6;
                size_t n = strcspn(p, "\"");
                memcpy(task, p, n);
                task[n] = '\0';
            }
            http_reply_cleanup(&r);
        } while (code != 201);
        snprintf(path, sizeof(path), "/fuota-tasks/%s/wireless-device", task);
        snprintf(body, sizeof(body), "{\"WirelessDeviceId\":\"d%02d\"}", i);
        do {
            run(s, "PUT", path, NULL, body, &r);
            code = r.status;
            http_reply_cleanup(&r);
        } while (code != 204);
    }
    int throttled = 0, ok = 0;
    for (int i = 0; i < 400; i++) {
        struct http_reply r;
        run(s, "GET", "/wireless-devices", "maxResults=5", NULL, &r);
        if (r.status == 429)
            throttled++;
        else if (r.status == 200 && strstr(r.body, "\"NextToken\""))
            ok++;
        http_reply_cleanup(&r);
    }
    assert_int_equal(throttled + ok, 400);
    /* binomial(400, 0.1): mean 40, sd 6; allow 5 sd */
    assert_in_range(throttled, 40 - 30, 40 + 30);
    store_close(s);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route),
        cmocka_unit_test_setup_teardown(test_queries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_bounds, setup, teardown),
        cmocka_unit_test(test_dev_eui),
        cmocka_unit_test_setup_teardown(test_paging, setup, teardown),
        cmocka_unit_test(test_after_session),
        cmocka_unit_test(test_throttled),
        cmocka_unit_test(test_fault_rate_unfiltered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
