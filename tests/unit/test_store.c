#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "core/plan.h"
#include "sim/store.h"
#include "sim/store_page.h"

/* --- fixtures ------------------------------------------------------------- */

/* 2024-05-01T12:00:00Z, in ms */
#define T0 1714564800000LL

static int64_t fake_now;

static int64_t fake_clock(void *ctx)
{
    (void)ctx;
    return fake_now;
}

static struct store_options base_opts(void)
{
    struct store_options o = { 0 };
    o.clock = fake_clock;
    o.region = "eu-west-1";
    o.account = "111122223333";
    o.image_bytes = 1000;
    return o;
}

static struct store *open_mem(struct store_options *o)
{
    struct backend_error err;
    struct store *s = NULL;
    fake_now = T0;
    assert_int_equal(store_open(o, &s, &err), BACKEND_OK);
    assert_non_null(s);
    return s;
}

static char *xdup(const char *s)
{
    char *r = strdup(s);
    assert_non_null(r);
    return r;
}

static void make_task(struct fuota_task *t)
{
    task_init(t);
    t->firmware_update_image = xdup("s3://fw-bucket/app-v2.bin");
    t->firmware_update_role = xdup("arn:aws:iam::111122223333:role/FuotaRole");
    t->name = xdup("update-v2");
    t->has_fragment_size_bytes = true;
    t->fragment_size_bytes = 100;
    t->has_redundancy_percent = true;
    t->redundancy_percent = 50;
    t->has_fragment_interval_ms = true;
    t->fragment_interval_ms = 2400;
}

static void create_ok(struct store *s, struct fuota_task *t,
                      struct backend_created *out)
{
    struct backend_error err;
    assert_int_equal(store_create_task(s, t, out, &err), BACKEND_OK);
}

static void new_task(struct store *s, struct backend_created *out)
{
    struct fuota_task t;
    make_task(&t);
    create_ok(s, &t, out);
    task_cleanup(&t);
}

static enum backend_task_status status_of(struct store *s, const char *id)
{
    struct backend_task t;
    struct backend_error err;
    assert_int_equal(store_get_task(s, id, &t, &err), BACKEND_OK);
    enum backend_task_status st = t.status;
    backend_task_cleanup(&t);
    return st;
}

static bool is_uuid(const char *id)
{
    if (strlen(id) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (id[i] != '-')
                return false;
        } else if (!strchr("0123456789abcdef", id[i])) {
            return false;
        }
    }
    return id[14] == '4' && strchr("89ab", id[19]);
}

/* --- create / get ----------------------------------------------------------
 */

static void test_create_and_get(void **state)
{
    (void)state;
    struct store_options o = base_opts();
    struct store *s = open_mem(&o);
    struct fuota_task t;
    make_task(&t);
    t.has_lorawan = true;
    t.rf_region = xdup("EU868");
    t.description = xdup("pilot fleet");
    t.descriptor = xdup("AAECAw==");
    struct backend_created c;
    create_ok(s, &t, &c);
    assert_true(is_uuid(c.id));
    char arn[400];
    snprintf(arn, sizeof(arn),
             "arn:aws:iotwireless:eu-west-1:111122223333:"
             "FuotaTask/%s",
             c.id);
    assert_string_equal(c.arn, arn);

    struct backend_task g;
    struct backend_error err;
    assert_int_equal(store_get_task(s, c.id, &g, &err), BACKEND_OK);
    assert_int_equal(err.status, BACKEND_OK);
    assert_string_equal(g.id, c.id);
    assert_string_equal(g.arn, c.arn);
    assert_int_equal(g.status, BACKEND_TASK_PENDING);
    assert_string_equal(g.name, "update-v2");
    assert_string_equal(g.description, "pilot fleet");
    assert_string_equal(g.rf_region, "EU868");
    assert_false(g.has_start_time);
    assert_string_equal(g.firmware_update_image, "s3://fw-bucket/app-v2.bin");
    assert_string_equal(g.firmware_update_role,
                        "arn:aws:iam::111122223333:role/FuotaRole");
    assert_int_equal(g.created_at, T0 / 1000);
    assert_true(g.has_redundancy_percent);
    assert_int_equal(g.redundancy_percent, 50);
    assert_int_equal(g.fragment_size_bytes, 100);
    assert_int_equal(g.fragment_interval_ms, 2400);
    assert_string_equal(g.descriptor, "AAECAw==");
    backend_task_cleanup(&g);

    /* unset optional members stay absent */
    struct fuota_task bare;
    task_init(&bare);
    bare.firmware_update_image = xdup("s3://b/f");
    bare.firmware_update_role = xdup("arn:aws:iam::111122223333:role/R");
    struct backend_created c2;
    create_ok(s, &bare, &c2);
    assert_string_not_equal(c2.id, c.id);
    assert_int_equal(store_get_task(s, c2.id, &g, &err), BACKEND_OK);
    assert_null(g.name);
    assert_null(g.rf_region);
    assert_null(g.descriptor);
    assert_false(g.has_fragment_size_bytes);
    assert_false(g.has_redundancy_percent);
    backend_task_cleanup(&g);
    task_cleanup(&bare);
    task_cleanup(&t);
    store_close(s);
}

/* --- statuses ------------------------------------------------------------- */

/*
 * Without an RfRegion, the simple estimate: image 1000 B / 100 B = 10
 * fragments + 50 % = 15, interval 2400 ms rounds to 2 s: a 30 s session
 * after the 10 s setup delay.
 */
static void test_status_transitions(void **state)
{
    (void)state;
    struct store_options o = base_opts();
    struct store *s = open_mem(&o);
    struct backend_error err;
    struct backend_created c;
    new_task(s, &c);
    assert_int_equal(store_associate_device(s, c.id, "dev-1", &err),
                     BACKEND_OK);
    assert_int_equal(status_of(s, c.id), BACKEND_TASK_PENDING);
    fake_now += 5000; /* time alone never leaves Pending */
    assert_int_equal(status_of(s, c.id), BACKEND_TASK_PENDING);
    int64_t started = fake_now;
    assert_int_equal(store_start_task(s, c.id, false, 0, &err), BACKEND_OK);

    static const struct {
        int64_t at; /* ms after start */
        enum backend_task_status want;
        enum backend_device_status dev;
    } steps[] = {
        { 0, BACKEND_TASK_SESSION_WAITING, BACKEND_DEVICE_INITIAL },
        { 9999, BACKEND_TASK_SESSION_WAITING, BACKEND_DEVICE_INITIAL },
        { 10000, BACKEND_TASK_IN_SESSION, BACKEND_DEVICE_INITIAL },
        { 39999, BACKEND_TASK_IN_SESSION, BACKEND_DEVICE_INITIAL },
        { 40000, BACKEND_TASK_DONE, BACKEND_DEVICE_SUCCESSFUL },
        { 4000000, BACKEND_TASK_DONE, BACKEND_DEVICE_SUCCESSFUL },
    };
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        fake_now = started + steps[i].at;
        assert_int_equal(status_of(s, c.id), steps[i].want);
        struct backend_device_page p;
        assert_int_equal(store_list_devices(s, c.id, NULL, &p, &err),
                         BACKEND_OK);
        assert_int_equal(p.count, 1);
        assert_string_equal(p.items[0].id, "dev-1");
        assert_int_equal(p.items[0].status, steps[i].dev);
        backend_device_page_cleanup(&p);
    }
    /* StartTime is reported, as ISO-8601 on the wire, from the start on */
    struct backend_task g;
    assert_int_equal(store_get_task(s, c.id, &g, &err), BACKEND_OK);
    assert_true(g.has_start_time);
    assert_int_equal(g.start_time, (started + 10000) / 1000);
    backend_task_cleanup(&g);
    store_close(s);
}

/* With an RfRegion the session lasts what core/plan says it will. */
static void test_session_duration_from_plan(void **state)
{
    (void)state;
    static const struct {
        const char *region;
        int size, redundancy, interval;
    } rows[] = {
        { "EU868", 50, 20, 1000 },  /* SF12 air time and 10 % duty rule */
        { "US915", 200, 0, 10000 }, /* the interval rules */
        { "AS923-1", 10, 100, 1 },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct store_options o = base_opts();
        struct store *s = open_mem(&o);
        struct fuota_task t;
        make_task(&t);
        t.has_lorawan = true;
        t.rf_region = xdup(rows[i].region);
        t.fragment_size_bytes = rows[i].size;
        t.redundancy_percent = rows[i].redundancy;
        t.fragment_interval_ms = rows[i].interval;
        struct plan_input in = { .task = &t, .image_bytes = 1000, .dr = -1 };
        struct plan plan;
        struct diag_list diags;
        diag_list_init(&diags);
        assert_int_equal(plan_compute(&in, &plan, &diags), PLAN_OK);
        diag_list_cleanup(&diags);
        assert_true(plan.airtime_known);
        int64_t want = (int64_t)(plan.session_wall_time_s * 1000.0 + 0.5);
        assert_true(want > 0);

        struct backend_created c;
        struct backend_error err;
        create_ok(s, &t, &c);
        int64_t begin = fake_now + STORE_DEFAULT_SETUP_MS;
        assert_int_equal(store_start_task(s, c.id, false, 0, &err), BACKEND_OK);
        fake_now = begin + want - 1;
        assert_int_equal(status_of(s, c.id), BACKEND_TASK_IN_SESSION);
        fake_now = begin + want;
        assert_int_equal(status_of(s, c.id), BACKEND_TASK_DONE);
        task_cleanup(&t);
        store_close(s);
    }
}

static void test_start_time_and_scale(void **state)
{
    (void)state;
    struct store_options o = base_opts();
    o.time_scale = 10; /* setup 1 s, session 3 s */
    struct store *s = open_mem(&o);
    struct backend_error err;
    struct backend_created a, b, c;
    new_task(s, &a);
    new_task(s, &b);
    new_task(s, &c);

    /* scaled phases */
    assert_int_equal(store_start_task(s, a.id, false, 0, &err), BACKEND_OK);
    int64_t t = fake_now;
    fake_now = t + 999;
    assert_int_equal(status_of(s, a.id), BACKEND_TASK_SESSION_WAITING);
    fake_now = t + 1000;
    assert_int_equal(status_of(s, a.id), BACKEND_TASK_IN_SESSION);
    fake_now = t + 4000;
    assert_int_equal(status_of(s, a.id), BACKEND_TASK_DONE);

    /* a StartTime in the future is absolute: waiting until then */
    int64_t at = fake_now / 1000 + 3600;
    assert_int_equal(store_start_task(s, b.id, true, at, &err), BACKEND_OK);
    struct backend_task g;
    assert_int_equal(store_get_task(s, b.id, &g, &err), BACKEND_OK);
    assert_int_equal(g.start_time, at);
    assert_int_equal(g.status, BACKEND_TASK_SESSION_WAITING);
    backend_task_cleanup(&g);
    int64_t saved = fake_now;
    fake_now = at * 1000 - 1;
    assert_int_equal(status_of(s, b.id), BACKEND_TASK_SESSION_WAITING);
    fake_now = at * 1000;
    assert_int_equal(status_of(s, b.id), BACKEND_TASK_IN_SESSION);

    /* a StartTime in the past starts the session at once */
    fake_now = saved;
    assert_int_equal(store_start_task(s, c.id, true, 1000, &err), BACKEND_OK);
    assert_int_equal(status_of(s, c.id), BACKEND_TASK_IN_SESSION);
    store_close(s);
}

static void test_delete_transitions(void **state)
{
    (void)state;
    struct store_options o = base_opts();
    o.delete_ms = 8000;
    struct store *s = open_mem(&o);
    struct backend_error err;
    struct backend_task g;
    struct backend_created pend, run, fin;
    new_task(s, &pend);
    new_task(s, &run);
    new_task(s, &fin);

    /* Pending: gone at once */
    assert_int_equal(store_delete_task(s, pend.id, &err), BACKEND_OK);
    assert_int_equal(store_get_task(s, pend.id, &g, &err), BACKEND_NOT_FOUND);
    assert_int_equal(store_delete_task(s, pend.id, &err), BACKEND_NOT_FOUND);

    /* FuotaDone: gone at once */
    assert_int_equal(store_start_task(s, fin.id, false, 0, &err), BACKEND_OK);
    fake_now += 40000;
    assert_int_equal(status_of(s, fin.id), BACKEND_TASK_DONE);
    assert_int_equal(store_delete_task(s, fin.id, &err), BACKEND_OK);
    assert_int_equal(store_get_task(s, fin.id, &g, &err), BACKEND_NOT_FOUND);

    /* waiting / in session: Delete_Waiting for delete_ms, then gone */
    assert_int_equal(store_start_task(s, run.id, false, 0, &err), BACKEND_OK);
    fake_now += 10000;
    assert_int_equal(status_of(s, run.id), BACKEND_TASK_IN_SESSION);
    int64_t t = fake_now;
    assert_int_equal(store_delete_task(s, run.id, &err), BACKEND_OK);
    assert_int_equal(status_of(s, run.id), BACKEND_TASK_DELETE_WAITING);
    /* deleting again is accepted and changes nothing */
    fake_now = t + 4000;
    assert_int_equal(store_delete_task(s, run.id, &err), BACKEND_OK);
    fake_now = t + 7999;
    assert_int_equal(status_of(s, run.id), BACKEND_TASK_DELETE_WAITING);
    struct backend_task_page p;
    assert_int_equal(store_list_tasks(s, NULL, &p, &err), BACKEND_OK);
    assert_int_equal(p.count, 1);
    backend_task_page_cleanup(&p);
    assert_int_equal(
        store_update_task(s, run.id, &(struct fuota_task){ 0 }, &err),
        BACKEND_CONFLICT);
    fake_now = t + 8000;
    assert_int_equal(store_get_task(s, run.id, &g, &err), BACKEND_NOT_FOUND);
    assert_int_equal(store_list_tasks(s, NULL, &p, &err), BACKEND_OK);
    assert_int_equal(p.count, 0);
    backend_task_page_cleanup(&p);
    store_close(s);
}

/* --- conflicts -------------------------------------------------------------
 */

static void test_conflicts_after_start(void **state)
{
    (void)state;
    struct store_options o = base_opts();
    struct store *s = open_mem(&o);
    struct backend_error err;
    struct backend_created c;
    new_task(s, &c);
    assert_int_equal(store_associate_device(s, c.id, "dev-1", &err),
                     BACKEND_OK);
    assert_int_equal(store_associate_group(s, c.id, "grp-1", &err), BACKEND_OK);
    assert_int_equal(store_start_task(s, c.id, false, 0, &err), BACKEND_OK);
    struct fuota_task ch;
    task_init(&ch);
    ch.name = xdup("renamed");
    /* at each later status, every Pending-only operation is refused */
    int64_t at[] = { 0, 10000, 40000 };
    for (size_t i = 0; i < 3; i++) {
        fake_now += at[i];
        enum backend_status got[] = {
            store_update_task(s, c.id, &ch, &err),
            store_associate_device(s, c.id, "dev-2", &err),
            store_disassociate_device(s, c.id, "dev-1", &err),
            store_associate_group(s, c.id, "grp-2", &err),
            store_disassociate_group(s, c.id, "grp-1", &err),
            store_start_task(s, c.id, false, 0, &err),
        };
        for (size_t k = 0; k < sizeof(got) / sizeof(got[0]); k++)
            assert_int_equal(got[k], BACKEND_CONFLICT);
        assert_int_equal(err.http_status, 409);
        assert_string_equal(err.type, "ConflictException");
        assert_string_equal(err.resource_type, "FuotaTask");
        assert_string_equal(err.resource_id, c.id);
        assert_non_null(strstr(err.message, "Pending"));
    }
    struct backend_task g;
    assert_int_equal(store_get_task(s, c.id, &g, &err), BACKEND_OK);
    assert_string_equal(g.name, "update-v2");
    backend_task_cleanup(&g);
    task_cleanup(&ch);
    store_close(s);
}

static void test_update_while_pending(void **state)
{
    (void)state;
    struct store_options o = base_opts();
    struct store *s = open_mem(&o);
    struct backend_error err;
    struct backend_created c;
    new_task(s, &c);
    struct fuota_task ch;
    task_init(&ch);
    ch.name = xdup("renamed");
    ch.has_fragment_size_bytes = true;
    ch.fragment_size_bytes = 200;
    ch.rf_region = xdup("US915");
    ch.has_lorawan = true;
    ch.client_request_token = xdup("ignored"); /* not part of the update */
    assert_int_equal(store_update_task(s, c.id, &ch, &err), BACKEND_OK);
    struct backend_task g;
    assert_int_equal(store_get_task(s, c.id, &g, &err), BACKEND_OK);
    assert_string_equal(g.name, "renamed");
    assert_int_equal(g.fragment_size_bytes, 200);
    assert_string_equal(g.rf_region, "US915");
    assert_int_equal(g.redundancy_percent, 50); /* untouched */
    assert_string_equal(g.firmware_update_image, "s3://fw-bucket/app-v2.bin");
    backend_task_cleanup(&g);

    /* invalid change: 400, nothing changed; validation precedes lookup */
    ch.has_redundancy_percent = true;
    ch.redundancy_percent = 101;
    assert_int_equal(store_update_task(s, c.id, &ch, &err), BACKEND_VALIDATION);
    assert_string_equal(err.message,
                        "1 validation error detected: Value '101' at "
                        "'redundancyPercent' failed to satisfy constraint: "
                        "Member must have value less than or equal to 100");
    assert_int_equal(store_update_task(s, "no-such-id", &ch, &err),
                     BACKEND_VALIDATION);
    ch.has_redundancy_percent = false;
    assert_int_equal(store_update_task(s, "no-such-id", &ch, &err),
                     BACKEND_NOT_FOUND);
    assert_int_equal(store_get_task(s, c.id, &g, &err), BACKEND_OK);
    assert_int_equal(g.redundancy_percent, 50);
    backend_task_cleanup(&g);
    task_cleanup(&ch);
    store_close(s);
}

/* --- idempotency ------------------------------------------------------------
 */

static void test_idempotency(void **state)
{
    (void)state;
    struct store_options o = base_opts();
    struct store *s = open_mem(&o);
    struct backend_error err;
    struct fuota_task t;
    make_task(&t);
    t.client_request_token = xdup("tok-1");
    struct backend_created a, b;
    create_ok(s, &t, &a);
    fake_now += 60000;
    /* same token, same parameters: the same task again */
    create_ok(s, &t, &b);
    assert_string_equal(a.id, b.id);
    assert_string_equal(a.arn, b.arn);
    struct backend_task_page p;
    assert_int_equal(store_list_tasks(s, NULL, &p, &err), BACKEND_OK);
    assert_int_equal(p.count, 1);
    backend_task_page_cleanup(&p);

    /* same token, other parameters: 409, nothing created */
    free(t.name);
    t.name = xdup("something else");
    assert_int_equal(store_create_task(s, &t, &b, &err), BACKEND_CONFLICT);
    assert_int_equal(err.http_status, 409);
    assert_non_null(strstr(err.message, "tok-1"));
    assert_string_equal(b.id, "");
    assert_int_equal(store_list_tasks(s, NULL, &p, &err), BACKEND_OK);
    assert_int_equal(p.count, 1);
    backend_task_page_cleanup(&p);

    /* another token, or none: new tasks */
    free(t.client_request_token);
    t.client_request_token = xdup("tok-2");
    create_ok(s, &t, &b);
    assert_string_not_equal(a.id, b.id);
    free(t.client_request_token);
    t.client_request_token = NULL;
    struct backend_created c1, c2;
    create_ok(s, &t, &c1);
    create_ok(s, &t, &c2);
    assert_string_not_equal(c1.id, c2.id);

    /* a token lives as long as its task */
    assert_int_equal(store_delete_task(s, a.id, &err), BACKEND_OK);
    free(t.name);
    t.name = xdup("update-v2");
    t.client_request_token = xdup("tok-1");
    create_ok(s, &t, &b);
    assert_string_not_equal(a.id, b.id);
    task_cleanup(&t);
    store_close(s);
}

/* --- validation
 * --------------------------------------------------------------- */

static char *repeat(char c, size_t n)
{
    char *r = malloc(n + 1);
    assert_non_null(r);
    memset(r, c, n);
    r[n] = '\0';
    return r;
}

enum field {
    F_NONE,
    F_NAME,
    F_DESCRIPTION,
    F_IMAGE,
    F_ROLE,
    F_TOKEN,
    F_DESCRIPTOR,
    F_REGION,
    F_REDUNDANCY,
    F_SIZE,
    F_INTERVAL,
    F_TAG_KEY,
    F_NO_IMAGE,
    F_TAG_COUNT,
};

static const struct vcase {
    enum field field;
    const char *text; /* string value, or NULL to use len */
    char fill;
    size_t len;
    int number;
    const char *message; /* NULL = valid */
} vcases[] = {
    { F_NAME, NULL, 'n', 256, 0, NULL },
    { F_NAME, NULL, 'n', 257, 0,
      "1 validation error detected: Value "
      "'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn...' "
      "at 'name' failed to satisfy constraint: Member must have length less "
      "than or equal to 256" },
    { F_NAME, "\xc3\xa9\xc3\xa9", 0, 0, 0, NULL }, /* characters, not bytes */
    { F_DESCRIPTION, NULL, 'd', 2048, 0, NULL },
    { F_DESCRIPTION, NULL, 'd', 2049, 0,
      "1 validation error detected: Value "
      "'dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd...' "
      "at 'description' failed to satisfy constraint: Member must have "
      "length less than or equal to 2048" },
    { F_IMAGE, NULL, 'i', 4096, 0, NULL },
    { F_IMAGE, "", 0, 0, 0,
      "1 validation error detected: Value '' at 'firmwareUpdateImage' failed "
      "to satisfy constraint: Member must have length greater than or equal "
      "to 1" },
    { F_NO_IMAGE, NULL, 0, 0, 0,
      "1 validation error detected: Value null at 'firmwareUpdateImage' "
      "failed to satisfy constraint: Member must not be null" },
    { F_ROLE, NULL, 'r', 2049, 0,
      "1 validation error detected: Value "
      "'rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr...' "
      "at 'firmwareUpdateRole' failed to satisfy constraint: Member must have "
      "length less than or equal to 2048" },
    { F_TOKEN, NULL, 't', 64, 0, NULL },
    { F_TOKEN, "a b", 0, 0, 0,
      "1 validation error detected: Value 'a b' at 'clientRequestToken' "
      "failed to satisfy constraint: Member must satisfy regular expression "
      "pattern: ^[a-zA-Z0-9-_]+$" },
    { F_TOKEN, "", 0, 0, 0,
      "1 validation error detected: Value '' at 'clientRequestToken' failed "
      "to satisfy constraint: Member must have length greater than or equal "
      "to 1" },
    { F_DESCRIPTOR, "AAECAw==", 0, 0, 0, NULL },
    { F_DESCRIPTOR, "abc", 0, 0, 0,
      "1 validation error detected: Value 'abc' at 'descriptor' failed to "
      "satisfy constraint: Member must satisfy regular expression pattern: "
      "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$" },
    { F_REGION, "AS923-4", 0, 0, 0, NULL },
    { F_REGION, "EU999", 0, 0, 0,
      "1 validation error detected: Value 'EU999' at 'loRaWAN.rfRegion' "
      "failed to satisfy constraint: Member must satisfy enum value set: "
      "[EU868, US915, AU915, AS923-1, AS923-2, AS923-3, AS923-4, EU433, "
      "CN470, CN779, RU864, KR920, IN865]" },
    { F_REDUNDANCY, NULL, 0, 0, 0, NULL },
    { F_REDUNDANCY, NULL, 0, 0, 100, NULL },
    { F_REDUNDANCY, NULL, 0, 0, -1,
      "1 validation error detected: Value '-1' at 'redundancyPercent' failed "
      "to satisfy constraint: Member must have value greater than or equal "
      "to 0" },
    { F_SIZE, NULL, 0, 0, 1, NULL },
    { F_SIZE, NULL, 0, 0, 0,
      "1 validation error detected: Value '0' at 'fragmentSizeBytes' failed "
      "to satisfy constraint: Member must have value greater than or equal "
      "to 1" },
    { F_INTERVAL, NULL, 0, 0, 1, NULL },
    { F_INTERVAL, NULL, 0, 0, 0,
      "1 validation error detected: Value '0' at 'fragmentIntervalMS' failed "
      "to satisfy constraint: Member must have value greater than or equal "
      "to 1" },
    { F_TAG_COUNT, NULL, 0, 0, 200, NULL },
    { F_TAG_COUNT, NULL, 0, 0, 201,
      "1 validation error detected: Value '[201 tags]' at 'tags' failed to "
      "satisfy constraint: Member must have length less than or equal to "
      "200" },
    { F_TAG_KEY, NULL, 'k', 128, 0, NULL },
    { F_TAG_KEY, NULL, 'k', 129, 0,
      "1 validation error detected: Value "
      "'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...' "
      "at 'tags.2.member.key' failed to satisfy constraint: Member must have "
      "length less than or equal to 128" },
};

static void set_field(struct fuota_task *t, const struct vcase *v)
{
    char *text = v->text ? xdup(v->text) : repeat(v->fill, v->len);
    char **slot = NULL;
    switch (v->field) {
    case F_NAME:
        slot = &t->name;
        break;
    case F_DESCRIPTION:
        slot = &t->description;
        break;
    case F_IMAGE:
        slot = &t->firmware_update_image;
        break;
    case F_ROLE:
        slot = &t->firmware_update_role;
        break;
    case F_TOKEN:
        slot = &t->client_request_token;
        break;
    case F_DESCRIPTOR:
        slot = &t->descriptor;
        break;
    case F_REGION:
        slot = &t->rf_region;
        break;
    case F_TAG_KEY:
        t->has_tags = true;
        t->tags = calloc(2, sizeof(*t->tags));
        assert_non_null(t->tags);
        t->tag_count = 2;
        t->tags[0].key = xdup("team");
        t->tags[0].value = xdup("ops");
        t->tags[1].key = text;
        t->tags[1].value = xdup("");
        return;
    case F_REDUNDANCY:
        t->redundancy_percent = v->number;
        break;
    case F_SIZE:
        t->fragment_size_bytes = v->number;
        break;
    case F_INTERVAL:
        t->fragment_interval_ms = v->number;
        break;
    case F_TAG_COUNT:
        t->has_tags = true;
        t->tags = calloc((size_t)v->number, sizeof(*t->tags));
        assert_non_null(t->tags);
        t->tag_count = (size_t)v->number;
        for (int i = 0; i < v->number; i++) {
            char k[16];
            snprintf(k, sizeof(k), "k%d", i);
            t->tags[i].key = xdup(k);
            t->tags[i].value = xdup("v");
        }
        break;
    case F_NO_IMAGE:
        free(t->firmware_update_image);
        t->firmware_update_image = NULL;
        break;
    case F_NONE:
        break;
    }
    if (slot) {
        free(*slot);
        *slot = text;
    } else {
        free(text);
    }
}

static void test_validation_messages(void **state)
{
    (void)state;
    struct store_options o = base_opts();
    struct store *s = open_mem(&o);
    size_t created = 0;
    for (size_t i = 0; i < sizeof(vcases) / sizeof(vcases[0]); i++) {
        const struct vcase *v = &vcases[i];
        struct fuota_task t;
        make_task(&t);
        set_field(&t, v);
        struct backend_created c;
        struct backend_error err;
        enum backend_status st = store_create_task(s, &t, &c, &err);
        if (!v->message) {
            if (st != BACKEND_OK)
                fail_msg("case %zu: unexpected %s", i, err.message);
            created++;
        } else {
            if (st != BACKEND_VALIDATION)
                fail_msg("case %zu: expected a ValidationException", i);
            assert_int_equal(err.http_status, 400);
            assert_string_equal(err.type, "ValidationException");
            assert_string_equal(err.message, v->message);
        }
        task_cleanup(&t);
    }
    /* nothing invalid was stored */
    struct backend_task_page p;
    struct backend_error err;
    struct backend_page_req all = { NULL, 250 };
    assert_int_equal(store_list_tasks(s, &all, &p, &err), BACKEND_OK);
    assert_int_equal(p.count, created);
    backend_task_page_cleanup(&p);

    /* several errors: counted and joined */
    struct fuota_task t;
    make_task(&t);
    t.redundancy_percent = 101;
    t.fragment_size_bytes = 0;
    struct backend_created c;
    assert_int_equal(store_create_task(s, &t, &c, &err), BACKEND_VALIDATION);
    assert_non_null(strstr(err.message, "2 validation errors detected: "));
    assert_non_null(strstr(err.message, "'redundancyPercent'"));
    assert_non_null(strstr(err.message, "; "));
    assert_non_null(strstr(err.message, "'fragmentSizeBytes'"));
    task_cleanup(&t);

    /* both required members missing */
    task_init(&t);
    assert_int_equal(store_create_task(s, &t, &c, &err), BACKEND_VALIDATION);
    assert_string_equal(
        err.message,
        "2 validation errors detected: Value null at 'firmwareUpdateImage' "
        "failed to satisfy constraint: Member must not be null; Value null at "
        "'firmwareUpdateRole' failed to satisfy constraint: Member must not "
        "be null");
    task_cleanup(&t);

    /* a rule without an AWS wording keeps core/task's message */
    make_task(&t);
    free(t.name);
    t.name = xdup("bad \xff utf-8");
    assert_int_equal(store_create_task(s, &t, &c, &err), BACKEND_VALIDATION);
    assert_non_null(strstr(err.message, "1 validation error detected: Value "
                                        "at 'name' failed to satisfy "
                                        "constraint: "));
    task_cleanup(&t);

    /* ids from the URI */
    char *long_id = repeat('x', 257);
    struct backend_task g;
    assert_int_equal(store_get_task(s, long_id, &g, &err), BACKEND_VALIDATION);
    assert_non_null(strstr(err.message, "Member must have length less than "
                                        "or equal to 256"));
    long_id[256] = '\0';
    assert_int_equal(store_get_task(s, long_id, &g, &err), BACKEND_NOT_FOUND);
    assert_int_equal(store_get_task(s, "", &g, &err), BACKEND_VALIDATION);
    assert_int_equal(store_get_task(s, NULL, &g, &err), BACKEND_VALIDATION);
    free(long_id);
    store_close(s);
}

/* --- 404s ------------------------------------------------------------------
 */

static void test_not_found(void **state)
{
    (void)state;
    struct store_options o = base_opts();
    struct store *s = open_mem(&o);
    struct backend_error err;
    struct backend_task g;
    struct backend_id_page ip;
    struct backend_device_page dp;
    struct fuota_task ch;
    task_init(&ch);
    const char *id = "6f1b2c3d-0000-4000-8000-000000000000";
    enum backend_status got[] = {
        store_get_task(s, id, &g, &err),
        store_update_task(s, id, &ch, &err),
        store_delete_task(s, id, &err),
        store_start_task(s, id, false, 0, &err),
        store_associate_device(s, id, "d", &err),
        store_disassociate_device(s, id, "d", &err),
        store_associate_group(s, id, "g", &err),
        store_disassociate_group(s, id, "g", &err),
        store_list_groups(s, id, NULL, &ip, &err),
        store_list_devices(s, id, NULL, &dp, &err),
        store_report_device_status(s, id, "d", BACKEND_DEVICE_SUCCESSFUL, 0,
                                   &err),
    };
    for (size_t i = 0; i < sizeof(got) / sizeof(got[0]); i++)
        assert_int_equal(got[i], BACKEND_NOT_FOUND);
    assert_int_equal(err.http_status, 404);
    assert_string_equal(err.type, "ResourceNotFoundException");
    assert_string_equal(err.resource_type, "FuotaTask");
    assert_string_equal(err.resource_id, id);
    assert_null(ip.ids);
    assert_null(dp.items);
    store_close(s);
}

/* --- associations ------------------------------------------------------------
 */

static void test_associations(void **state)
{
    (void)state;
    struct store_options o = base_opts();
    struct store *s = open_mem(&o);
    struct backend_error err;
    struct backend_created c;
    new_task(s, &c);
    /* created on demand; twice is a no-op */
    assert_int_equal(store_associate_device(s, c.id, "dev-a", &err),
                     BACKEND_OK);
    assert_int_equal(store_associate_device(s, c.id, "dev-a", &err),
                     BACKEND_OK);
    assert_int_equal(store_associate_device(s, c.id, "dev-b", &err),
                     BACKEND_OK);
    for (int i = 0; i < 5; i++) {
        char g[16];
        snprintf(g, sizeof(g), "grp-%d", i);
        assert_int_equal(store_associate_group(s, c.id, g, &err), BACKEND_OK);
    }
    assert_int_equal(store_associate_group(s, c.id, "grp-0", &err), BACKEND_OK);
    struct backend_device_page dp;
    assert_int_equal(store_list_devices(s, c.id, NULL, &dp, &err), BACKEND_OK);
    /* the two devices, then each group's virtual devices */
    assert_int_equal(dp.count, 2 + 5 * STORE_DEFAULT_GROUP_DEVICES);
    assert_string_equal(dp.items[0].id, "dev-a");
    assert_string_equal(dp.items[1].id, "dev-b");
    char first[17];
    store_group_device_id("grp-0", 1, first);
    assert_string_equal(dp.items[2].id, first);
    assert_null(dp.next_token);
    backend_device_page_cleanup(&dp);

    /* group listing pages in association order */
    struct backend_page_req pr = { NULL, 2 };
    struct backend_id_page ip;
    const char *want[] = { "grp-0", "grp-1", "grp-2", "grp-3", "grp-4" };
    size_t seen = 0;
    char *token = NULL;
    do {
        pr.next_token = token;
        assert_int_equal(store_list_groups(s, c.id, &pr, &ip, &err),
                         BACKEND_OK);
        for (size_t i = 0; i < ip.count; i++)
            assert_string_equal(ip.ids[i], want[seen++]);
        free(token);
        token = ip.next_token ? xdup(ip.next_token) : NULL;
        backend_id_page_cleanup(&ip);
    } while (token);
    assert_int_equal(seen, 5);

    /* disassociate: known -> ok, unknown -> 404 naming the member */
    assert_int_equal(store_disassociate_device(s, c.id, "dev-a", &err),
                     BACKEND_OK);
    assert_int_equal(store_disassociate_device(s, c.id, "dev-a", &err),
                     BACKEND_NOT_FOUND);
    assert_string_equal(err.resource_type, "WirelessDevice");
    assert_string_equal(err.resource_id, "dev-a");
    assert_int_equal(store_disassociate_group(s, c.id, "grp-9", &err),
                     BACKEND_NOT_FOUND);
    assert_string_equal(err.resource_type, "MulticastGroup");
    /* member ids are checked like the service model says */
    char *long_id = repeat('d', 257);
    assert_int_equal(store_associate_device(s, c.id, long_id, &err),
                     BACKEND_VALIDATION);
    assert_non_null(strstr(err.message, "'wirelessDeviceId'"));
    assert_int_equal(store_associate_group(s, c.id, "", &err),
                     BACKEND_VALIDATION);
    assert_non_null(strstr(err.message, "'multicastGroupId'"));
    free(long_id);
    store_close(s);
}

/* --- the session hook and device statuses ----------------------------------
 */

struct hook_log {
    int calls;
    size_t devices;
    size_t groups;
    char first_device[32];
    int64_t start_ms, end_ms;
    enum backend_task_status status;
};

static bool hook(void *ctx, const struct store_session *ss,
                 struct store_outcome *out)
{
    struct hook_log *log = ctx;
    log->calls++;
    log->devices = ss->device_count;
    log->groups = ss->group_count;
    log->start_ms = ss->session_start_ms;
    log->end_ms = ss->session_end_ms;
    log->status = ss->task->status;
    if (ss->device_count)
        snprintf(log->first_device, sizeof(log->first_device), "%s",
                 ss->device_ids[0]);
    /* the hook computes, the store writes */
    for (size_t i = 0; i < ss->device_count; i++) {
        /* the store pre-fills MissingFrag at the end of the session */
        assert_int_equal(out[i].status, BACKEND_DEVICE_MISSING_FRAG);
        assert_int_equal(out[i].at_ms, ss->session_end_ms);
        out[i].status =
            i == 0 ? BACKEND_DEVICE_MISSING_FRAG : BACKEND_DEVICE_SUCCESSFUL;
        out[i].at_ms = ss->session_end_ms;
    }
    return true;
}

static void test_session_hook_and_conflicting_devices(void **state)
{
    (void)state;
    struct hook_log log = { 0 };
    struct store_options o = base_opts();
    o.on_session_start = hook;
    o.hook_ctx = &log;
    struct store *s = open_mem(&o);
    struct backend_error err;
    struct backend_created a, b;
    new_task(s, &a);
    new_task(s, &b);
    assert_int_equal(store_associate_device(s, a.id, "shared", &err),
                     BACKEND_OK);
    assert_int_equal(store_associate_device(s, b.id, "shared", &err),
                     BACKEND_OK);
    assert_int_equal(store_associate_device(s, b.id, "own-1", &err),
                     BACKEND_OK);
    assert_int_equal(store_associate_device(s, b.id, "own-2", &err),
                     BACKEND_OK);
    assert_int_equal(store_associate_group(s, b.id, "grp", &err), BACKEND_OK);
    int64_t t = fake_now;
    assert_int_equal(store_start_task(s, a.id, false, 0, &err), BACKEND_OK);
    assert_int_equal(log.calls, 1);
    assert_int_equal(log.devices, 1);
    assert_int_equal(log.start_ms, t + 10000);
    assert_int_equal(log.end_ms, t + 40000);
    assert_int_equal(log.status, BACKEND_TASK_SESSION_WAITING);

    /* "shared" is busy in task a: it cannot join b's session */
    fake_now += 1000;
    assert_int_equal(store_start_task(s, b.id, false, 0, &err), BACKEND_OK);
    assert_int_equal(log.calls, 2);
    /* own-1, own-2 and the virtual devices of grp */
    assert_int_equal(log.devices, 2 + STORE_DEFAULT_GROUP_DEVICES);
    assert_int_equal(log.groups, 1);
    assert_string_equal(log.first_device, "own-1");
    struct backend_device_page dp;
    assert_int_equal(store_list_devices(s, b.id, NULL, &dp, &err), BACKEND_OK);
    assert_int_equal(dp.count, 3 + STORE_DEFAULT_GROUP_DEVICES);
    assert_int_equal(dp.items[0].status, BACKEND_DEVICE_CONFLICT);
    assert_int_equal(dp.items[1].status, BACKEND_DEVICE_INITIAL);
    assert_int_equal(dp.items[2].status, BACKEND_DEVICE_INITIAL);
    backend_device_page_cleanup(&dp);
    /* reported outcomes show from their time on */
    fake_now = log.end_ms;
    assert_int_equal(store_list_devices(s, b.id, NULL, &dp, &err), BACKEND_OK);
    assert_int_equal(dp.items[1].status, BACKEND_DEVICE_MISSING_FRAG);
    assert_int_equal(dp.items[2].status, BACKEND_DEVICE_SUCCESSFUL);
    backend_device_page_cleanup(&dp);
    /* a later report keeps the earlier one visible until its own time */
    assert_int_equal(store_report_device_status(s, b.id, "own-1",
                                                BACKEND_DEVICE_MIC_ERROR,
                                                fake_now + 500, &err),
                     BACKEND_OK);
    assert_int_equal(store_list_devices(s, b.id, NULL, &dp, &err), BACKEND_OK);
    assert_int_equal(dp.items[1].status, BACKEND_DEVICE_MISSING_FRAG);
    backend_device_page_cleanup(&dp);
    fake_now += 500;
    assert_int_equal(store_list_devices(s, b.id, NULL, &dp, &err), BACKEND_OK);
    assert_int_equal(dp.items[1].status, BACKEND_DEVICE_MIC_ERROR);
    backend_device_page_cleanup(&dp);
    assert_int_equal(store_report_device_status(s, b.id, "stranger",
                                                BACKEND_DEVICE_SUCCESSFUL, 0,
                                                &err),
                     BACKEND_NOT_FOUND);
    store_close(s);
}

/* --- paging ------------------------------------------------------------------
 */

static void test_paging(void **state)
{
    (void)state;
    struct store_options o = base_opts();
    struct store *s = open_mem(&o);
    struct backend_error err;
    char ids[251][40];
    for (int i = 0; i < 251; i++) {
        struct backend_created c;
        new_task(s, &c);
        snprintf(ids[i], sizeof(ids[i]), "%.39s", c.id);
    }
    static const struct {
        int max;
        size_t count;
        bool more;
    } sizes[] = {
        { 0, BACKEND_MAX_RESULTS_DEFAULT, true },
        { 1, 1, true },
        { 250, 250, true },
    };
    struct backend_task_page p;
    for (size_t i = 0; i < 3; i++) {
        struct backend_page_req pr = { NULL, sizes[i].max };
        assert_int_equal(store_list_tasks(s, &pr, &p, &err), BACKEND_OK);
        assert_int_equal(p.count, sizes[i].count);
        assert_int_equal(p.next_token != NULL, sizes[i].more);
        assert_string_equal(p.items[0].id, ids[0]);
        assert_string_equal(p.items[0].name, "update-v2");
        if (sizes[i].max == 250) {
            pr.next_token = p.next_token;
            struct backend_task_page q;
            assert_int_equal(store_list_tasks(s, &pr, &q, &err), BACKEND_OK);
            assert_int_equal(q.count, 1);
            assert_string_equal(q.items[0].id, ids[250]);
            assert_null(q.next_token);
            backend_task_page_cleanup(&q);
        }
        backend_task_page_cleanup(&p);
    }
    /* out of range */
    int bad[] = { 251, -1 };
    for (size_t i = 0; i < 2; i++) {
        struct backend_page_req pr = { NULL, bad[i] };
        assert_int_equal(store_list_tasks(s, &pr, &p, &err),
                         BACKEND_VALIDATION);
        assert_non_null(strstr(err.message, "'maxResults'"));
    }
    /* walk everything in small pages: stable creation order, no repeats */
    struct backend_page_req pr = { NULL, 7 };
    char *token = NULL;
    size_t n = 0;
    do {
        pr.next_token = token;
        assert_int_equal(store_list_tasks(s, &pr, &p, &err), BACKEND_OK);
        for (size_t i = 0; i < p.count; i++)
            assert_string_equal(p.items[i].id, ids[n++]);
        free(token);
        token = p.next_token ? xdup(p.next_token) : NULL;
        backend_task_page_cleanup(&p);
    } while (token);
    assert_int_equal(n, 251);

    /* tokens that are not ours, or from another listing, are rejected */
    struct backend_created c;
    new_task(s, &c);
    for (int i = 0; i < 3; i++)
        assert_int_equal(store_associate_group(s, c.id,
                                               i == 0   ? "g0"
                                               : i == 1 ? "g1"
                                                        : "g2",
                                               &err),
                         BACKEND_OK);
    struct backend_page_req gp = { NULL, 1 };
    struct backend_id_page ip;
    assert_int_equal(store_list_groups(s, c.id, &gp, &ip, &err), BACKEND_OK);
    assert_non_null(ip.next_token);
    char *long_token = repeat('A', 4097);
    const char *tokens[] = { "zzz", "!!", "", ip.next_token, long_token };
    for (size_t i = 0; i < 5; i++) {
        pr.next_token = tokens[i];
        enum backend_status st = store_list_tasks(s, &pr, &p, &err);
        if (tokens[i][0] == '\0') {
            assert_int_equal(st, BACKEND_OK); /* "" = first page */
            backend_task_page_cleanup(&p);
            continue;
        }
        assert_int_equal(st, BACKEND_VALIDATION);
        assert_int_equal(err.http_status, 400);
    }
    /* sealed as ours are, but not a position of this listing */
    static const struct {
        const char *raw;
        bool ok;
    } forged[] = {
        { "T:0:5", true },   { "T:0:-5", false },
        { "T:0:5x", false }, { "T:1:5", false },
        { "G:0:5", false },  { "T:0:", false },
        { "T::5", false },   { "T:0:99999999999999999999", false },
    };
    for (size_t i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
        char *b64 = store_page_seal(forged[i].raw, strlen(forged[i].raw));
        assert_non_null(b64);
        pr.next_token = b64;
        enum backend_status st = store_list_tasks(s, &pr, &p, &err);
        if (st != (forged[i].ok ? BACKEND_OK : BACKEND_VALIDATION))
            fail_msg("forged token %s: %s", forged[i].raw, err.message);
        if (st == BACKEND_OK) {
            assert_string_equal(p.items[0].id, ids[5]);
            backend_task_page_cleanup(&p);
        } else {
            assert_string_equal(err.message, "The nextToken is invalid.");
        }
        free(b64);
    }
    /* a group token of one task does not page another task's groups */
    gp.next_token = ip.next_token;
    struct backend_id_page other;
    assert_int_equal(store_list_groups(s, ids[0], &gp, &other, &err),
                     BACKEND_VALIDATION);
    backend_id_page_cleanup(&ip);
    free(long_token);
    store_close(s);
}

/* --- files: persistence, corruption, foreign files ---------------------------
 */

static char tmpdir[64];

static int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/fuota-store-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void path_in_tmp(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 16);
    assert_non_null(buf);
    *len = fread(buf, 1, 1 << 16, f);
    fclose(f);
    return buf;
}

static int64_t sql_int(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    int64_t v = -1;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    if (sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

static void test_persistence_across_reopen(void **state)
{
    (void)state;
    char path[128];
    path_in_tmp(path, sizeof(path), "persist.db");
    struct store_options o = base_opts();
    o.path = path;
    struct store *s = open_mem(&o);
    assert_null(store_quarantined(s));
    struct backend_error err;
    struct fuota_task t;
    make_task(&t);
    t.client_request_token = xdup("persist-token");
    struct backend_created a, b;
    create_ok(s, &t, &a);
    new_task(s, &b);
    assert_int_equal(store_associate_device(s, a.id, "dev-1", &err),
                     BACKEND_OK);
    assert_int_equal(store_associate_group(s, a.id, "grp-1", &err), BACKEND_OK);
    assert_int_equal(store_start_task(s, a.id, false, 0, &err), BACKEND_OK);
    store_close(s);

    /* what an operator sees with the sqlite3 shell */
    assert_int_equal(sql_int(path, "PRAGMA user_version"),
                     STORE_SCHEMA_VERSION);
    assert_int_equal(sql_int(path, "PRAGMA application_id"),
                     STORE_APPLICATION_ID);
    assert_int_equal(sql_int(path, "SELECT count(*) FROM tasks"), 2);

    fake_now = T0 + 10000;
    assert_int_equal(store_open(&o, &s, &err), BACKEND_OK);
    assert_null(store_quarantined(s));
    struct backend_task g;
    assert_int_equal(store_get_task(s, a.id, &g, &err), BACKEND_OK);
    assert_int_equal(g.status, BACKEND_TASK_IN_SESSION);
    assert_string_equal(g.name, "update-v2");
    assert_int_equal(g.created_at, T0 / 1000);
    backend_task_cleanup(&g);
    assert_int_equal(status_of(s, b.id), BACKEND_TASK_PENDING);
    struct backend_id_page ip;
    assert_int_equal(store_list_groups(s, a.id, NULL, &ip, &err), BACKEND_OK);
    assert_int_equal(ip.count, 1);
    backend_id_page_cleanup(&ip);
    /* the idempotency token survived too */
    struct backend_created again;
    create_ok(s, &t, &again);
    assert_string_equal(again.id, a.id);
    fake_now = T0 + 40000;
    assert_int_equal(status_of(s, a.id), BACKEND_TASK_DONE);
    task_cleanup(&t);
    store_close(s);
}

/* A file that is not fuota's state is refused and left as it was; only
 * fuota's own damaged state is kept aside and replaced. */
static void test_corrupt_file_is_kept_aside(void **state)
{
    (void)state;
    char path[128];
    path_in_tmp(path, sizeof(path), "corrupt.db");
    char junk[3000];
    for (size_t i = 0; i < sizeof(junk); i++)
        junk[i] = (char)('a' + i % 26);
    write_file(path, junk, sizeof(junk));
    struct store_options o = base_opts();
    o.path = path;
    struct store *s = NULL;
    struct backend_error err;
    assert_int_equal(store_open(&o, &s, &err), BACKEND_INTERNAL);
    assert_null(s);
    assert_non_null(strstr(err.message, "is not a fuota state file"));
    size_t len;
    char *kept = read_all(path, &len);
    assert_non_null(kept);
    assert_int_equal(len, sizeof(junk));
    assert_memory_equal(kept, junk, len);
    free(kept);
    struct backend_created c;

    /* fuota's own database whose pages are damaged */
    char dbpath[128];
    path_in_tmp(dbpath, sizeof(dbpath), "damaged.db");
    o.path = dbpath;
    s = open_mem(&o);
    for (int i = 0; i < 50; i++)
        new_task(s, &c);
    store_close(s);
    size_t dlen;
    char *db = read_all(dbpath, &dlen);
    assert_non_null(db);
    assert_true(dlen > 8192);
    memset(db + 4096, 0xA5, dlen - 4096); /* smash every page after the 1st */
    write_file(dbpath, db, dlen);
    free(db);
    s = open_mem(&o);
    assert_non_null(store_quarantined(s));
    struct backend_task_page p;
    assert_int_equal(store_list_tasks(s, NULL, &p, &err), BACKEND_OK);
    assert_int_equal(p.count, 0);
    backend_task_page_cleanup(&p);
    store_close(s);
}

static void test_foreign_and_empty_files(void **state)
{
    (void)state;
    char path[128];
    path_in_tmp(path, sizeof(path), "foreign.db");
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TABLE photos(id INTEGER);"
                                  "INSERT INTO photos VALUES(42);",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    struct store_options o = base_opts();
    o.path = path;
    struct store *s = NULL;
    struct backend_error ferr;
    assert_int_equal(store_open(&o, &s, &ferr), BACKEND_INTERNAL);
    assert_null(s);
    assert_non_null(strstr(ferr.message, "left untouched"));
    assert_int_equal(sql_int(path, "SELECT id FROM photos"), 42);

    /* an empty file (an empty SQLite database) is simply adopted */
    char empty[128];
    path_in_tmp(empty, sizeof(empty), "empty.db");
    write_file(empty, "", 0);
    o.path = empty;
    s = open_mem(&o);
    assert_null(store_quarantined(s));
    store_close(s);

    /* a newer schema of ours is refused and left untouched */
    char newer[128];
    path_in_tmp(newer, sizeof(newer), "newer.db");
    o.path = newer;
    s = open_mem(&o);
    store_close(s);
    assert_int_equal(sqlite3_open(newer, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    struct backend_error err;
    assert_int_equal(store_open(&o, &s, &err), BACKEND_INTERNAL);
    assert_null(s);
    assert_non_null(strstr(err.message, "newer"));
    assert_int_equal(sql_int(newer, "PRAGMA user_version"), 99);

    /* an older schema of ours is upgraded in place, data kept */
    char older[128];
    path_in_tmp(older, sizeof(older), "older.db");
    o.path = older;
    s = open_mem(&o);
    struct backend_created c;
    new_task(s, &c);
    store_close(s);
    assert_int_equal(sqlite3_open(older, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "DROP INDEX tasks_delete_at;"
                                  "DROP INDEX task_devices_group;"
                                  "ALTER TABLE task_devices"
                                  " DROP COLUMN via_group;"
                                  "PRAGMA user_version = 1",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    s = open_mem(&o);
    assert_null(store_quarantined(s));
    assert_int_equal(status_of(s, c.id), BACKEND_TASK_PENDING);
    store_close(s);
    assert_int_equal(sql_int(older, "PRAGMA user_version"),
                     STORE_SCHEMA_VERSION);
    assert_int_equal(sql_int(older, "SELECT count(*) FROM sqlite_master"
                                    " WHERE name = 'tasks_delete_at'"),
                     1);
    assert_int_equal(sql_int(older, "SELECT count(*) FROM"
                                    " pragma_table_info('task_devices')"
                                    " WHERE name = 'via_group'"),
                     1);

    /* bad options */
    o = base_opts();
    o.throttle_rate = 0.7;
    o.error_rate = 0.5;
    assert_int_equal(store_open(&o, &s, &err), BACKEND_VALIDATION);
    o = base_opts();
    o.path = "";
    assert_int_equal(store_open(&o, &s, &err), BACKEND_VALIDATION);
    o = base_opts();
    o.account = "12";
    assert_int_equal(store_open(&o, &s, &err), BACKEND_VALIDATION);
    o = base_opts();
    o.region = "EU West";
    assert_int_equal(store_open(&o, &s, &err), BACKEND_VALIDATION);
    assert_null(s);
}

/* --- concurrency
 * ----------------------------------------------------------------- */

#define THREADS    4
#define PER_THREAD 40

struct worker {
    struct store *store;
    int index;
    int ok;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    for (int i = 0; i < PER_THREAD; i++) {
        struct fuota_task t;
        make_task(&t);
        char tok[32];
        snprintf(tok, sizeof(tok), "w%d-%d", w->index, i);
        t.client_request_token = strdup(tok);
        struct backend_created c;
        struct backend_error err;
        if (store_create_task(w->store, &t, &c, &err) == BACKEND_OK &&
            store_associate_device(w->store, c.id, tok, &err) == BACKEND_OK)
            w->ok++;
        task_cleanup(&t);
    }
    return NULL;
}

static void test_concurrent_creates(void **state)
{
    (void)state;
    char path[128];
    path_in_tmp(path, sizeof(path), "concurrent.db");
    struct store_options o = base_opts();
    o.path = path;
    struct store *shared = open_mem(&o);
    struct store *second; /* another connection to the same file */
    struct backend_error err;
    assert_int_equal(store_open(&o, &second, &err), BACKEND_OK);
    pthread_t th[THREADS];
    struct worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){ i % 2 ? second : shared, i, 0 };
        assert_int_equal(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(w[i].ok, PER_THREAD);
    }
    store_close(second);
    struct backend_page_req pr = { NULL, 250 };
    struct backend_task_page p;
    assert_int_equal(store_list_tasks(shared, &pr, &p, &err), BACKEND_OK);
    assert_int_equal(p.count, THREADS * PER_THREAD);
    for (size_t i = 0; i < p.count; i++)
        for (size_t j = i + 1; j < p.count; j++)
            assert_string_not_equal(p.items[i].id, p.items[j].id);
    backend_task_page_cleanup(&p);
    store_close(shared);
}

/* --- kill -9 while writing --- */

/*
 * A child creates tasks as fast as it can and tells us each id once the
 * store has acknowledged it; we kill -9 it mid-stream. Every acknowledged
 * task must be there afterwards, whole, and the file must be intact.
 */
static void kill_run(bool sync_normal)
{
    char path[128];
    path_in_tmp(path, sizeof(path),
                sync_normal ? "killed-normal.db" : "killed-full.db");
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        struct store_options o = base_opts();
        o.path = path;
        o.sync_normal = sync_normal;
        struct store *s;
        struct backend_error err;
        if (store_open(&o, &s, &err) != BACKEND_OK)
            _exit(3);
        for (unsigned i = 0;; i++) {
            struct fuota_task t;
            make_task(&t);
            char tok[32];
            snprintf(tok, sizeof(tok), "kill-%u", i);
            t.client_request_token = strdup(tok);
            struct backend_created c;
            if (store_create_task(s, &t, &c, &err) != BACKEND_OK ||
                store_associate_device(s, c.id, tok, &err) != BACKEND_OK)
                _exit(4);
            task_cleanup(&t);
            char line[40];
            snprintf(line, sizeof(line), "%.36s\n", c.id);
            if (write(fds[1], line, 37) != 37)
                _exit(5);
        }
    }
    close(fds[1]);
    FILE *in = fdopen(fds[0], "r");
    assert_non_null(in);
    static char acked[4096][40];
    size_t n = 0;
    while (n < 25 && fgets(acked[n], sizeof(acked[n]), in))
        n++;
    assert_int_equal(n, 25);
    assert_int_equal(kill(pid, SIGKILL), 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    /* ids already in the pipe were acknowledged too */
    while (n < 4096 && fgets(acked[n], sizeof(acked[n]), in))
        n++;
    fclose(in);

    struct store_options o = base_opts();
    o.path = path;
    struct store *s = open_mem(&o);
    assert_null(store_quarantined(s));
    struct backend_error err;
    for (size_t i = 0; i < n; i++) {
        acked[i][36] = '\0';
        struct backend_task g;
        assert_int_equal(store_get_task(s, acked[i], &g, &err), BACKEND_OK);
        assert_string_equal(g.name, "update-v2");
        backend_task_cleanup(&g);
    }
    /* no half-made task: every task listed is whole, with its device */
    struct backend_page_req pr = { NULL, 250 };
    size_t listed = 0, with_device = 0;
    char *token = NULL;
    do {
        struct backend_task_page p;
        pr.next_token = token;
        assert_int_equal(store_list_tasks(s, &pr, &p, &err), BACKEND_OK);
        for (size_t i = 0; i < p.count; i++) {
            struct backend_device_page dp;
            assert_int_equal(
                store_list_devices(s, p.items[i].id, NULL, &dp, &err),
                BACKEND_OK);
            with_device += dp.count == 1;
            backend_device_page_cleanup(&dp);
        }
        listed += p.count;
        free(token);
        token = p.next_token ? xdup(p.next_token) : NULL;
        backend_task_page_cleanup(&p);
    } while (token);
    assert_true(listed >= n);
    assert_true(with_device + 1 >= listed); /* the last may lack its device */
    store_close(s);
    assert_int_equal(sql_int(path, "SELECT count(*) FROM pragma_quick_check"
                                   " WHERE quick_check = 'ok'"),
                     1);
}

/* Both durability modes survive the death of the process. */
static void test_kill_9_loses_nothing_acknowledged(void **state)
{
    (void)state;
    kill_run(false);
    kill_run(true);
}

/* --- fault injection
 * --------------------------------------------------------------- */

static void fault_run(uint64_t seed, char *out, size_t n, int *throttled,
                      int *failed)
{
    struct store_options o = base_opts();
    o.throttle_rate = 0.2;
    o.error_rate = 0.1;
    o.seed = seed;
    struct store *s = open_mem(&o);
    *throttled = *failed = 0;
    for (size_t i = 0; i < n; i++) {
        struct backend_task g;
        struct backend_error err;
        enum backend_status st = store_get_task(s, "nope", &g, &err);
        if (st == BACKEND_THROTTLED) {
            assert_int_equal(err.http_status, 429);
            assert_string_equal(err.message, "Rate exceeded");
            (*throttled)++;
            out[i] = 'T';
        } else if (st == BACKEND_INTERNAL) {
            assert_int_equal(err.http_status, 500);
            (*failed)++;
            out[i] = 'E';
        } else {
            assert_int_equal(st, BACKEND_NOT_FOUND);
            out[i] = '.';
        }
    }
    store_close(s);
}

static void test_fault_injection(void **state)
{
    (void)state;
    enum { N = 4000 };
    static char a[N], b[N], c[N];
    int ta, ea, tb, eb, tc, ec;
    fault_run(42, a, N, &ta, &ea);
    fault_run(42, b, N, &tb, &eb);
    fault_run(43, c, N, &tc, &ec);
    assert_memory_equal(a, b, N); /* same seed, same outcomes */
    assert_memory_not_equal(a, c, N);
    /* binomial: sd ~ 25 (20 %) and ~ 19 (10 %); allow 5 sd */
    assert_in_range(ta, 800 - 125, 800 + 125);
    assert_in_range(ea, 400 - 95, 400 + 95);

    /* an injected fault changes nothing */
    struct store_options o = base_opts();
    o.throttle_rate = 1.0;
    struct store *s = open_mem(&o);
    struct backend_created cr;
    struct backend_error err;
    struct fuota_task t;
    make_task(&t);
    assert_int_equal(store_create_task(s, &t, &cr, &err), BACKEND_THROTTLED);
    task_cleanup(&t);
    store_close(s);
}

/* --- StartFuotaTask: one transaction, the hook computes ------------------
 */

/* Big-endian 32-bit word. */
static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

/*
 * Transactions committed to the WAL file of `db` since it was last reset:
 * frames of the current salt whose header carries a database size (the
 * last frame of each commit). The store must be open (its WAL kept).
 */
static size_t wal_commits(const char *db)
{
    char wal[PATH_MAX];
    snprintf(wal, sizeof(wal), "%s-wal", db);
    FILE *f = fopen(wal, "rb");
    if (!f)
        return 0;
    unsigned char hdr[32], fh[24];
    size_t commits = 0;
    if (fread(hdr, 1, sizeof(hdr), f) == sizeof(hdr)) {
        uint32_t page = be32(hdr + 8);
        if (page == 1)
            page = 65536;
        while (fread(fh, 1, sizeof(fh), f) == sizeof(fh) &&
               memcmp(fh + 8, hdr + 16, 8) == 0 &&
               fseek(f, (long)page, SEEK_CUR) == 0)
            commits += be32(fh + 4) != 0;
    }
    fclose(f);
    return commits;
}

/* Checkpoints and empties the WAL of `db` from another connection. */
static void wal_reset(const char *db)
{
    sqlite3 *c;
    assert_int_equal(sqlite3_open(db, &c), SQLITE_OK);
    /* a first read puts the connection in WAL mode */
    assert_int_equal(
        sqlite3_exec(c, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL),
        SQLITE_OK);
    int log = -1, done = -1;
    assert_int_equal(sqlite3_wal_checkpoint_v2(
                         c, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done),
                     SQLITE_OK);
    assert_int_equal(done, log);
    sqlite3_close(c);
    assert_int_equal(wal_commits(db), 0);
}

enum race { RACE_NONE, RACE_ASSOCIATE, RACE_START, RACE_FAIL };

struct race_hook {
    const char *path;
    enum race race;
    int calls;
    size_t devices;    /* in the last call */
    long pending_seen; /* started tasks / non-Initial devices while playing */
    char task[BACKEND_ID_MAX + 1];
};

/* A hook that checks nothing is written while it plays, and plays the
 * part of another client changing the task meanwhile. */
static bool race_hook(void *ctx, const struct store_session *ss,
                      struct store_outcome *out)
{
    struct race_hook *h = ctx;
    h->calls++;
    h->devices = ss->device_count;
    h->pending_seen += sql_int(h->path, "SELECT count(*) FROM tasks"
                                        " WHERE started_ms IS NOT NULL") +
                       sql_int(h->path, "SELECT count(*) FROM task_devices"
                                        " WHERE status <> 'Initial'");
    for (size_t i = 0; i < ss->device_count; i++)
        out[i] = (struct store_outcome){ BACKEND_DEVICE_SUCCESSFUL,
                                         ss->session_start_ms + (int64_t)i };
    if (h->race == RACE_FAIL)
        return false;
    if (h->calls == 1 && h->race != RACE_NONE) {
        struct store_options o = base_opts();
        o.path = h->path;
        struct store *other = NULL;
        struct backend_error err;
        assert_int_equal(store_open(&o, &other, &err), BACKEND_OK);
        if (h->race == RACE_ASSOCIATE)
            assert_int_equal(
                store_associate_device(other, h->task, "late", &err),
                BACKEND_OK);
        else
            assert_int_equal(store_start_task(other, h->task, false, 0, &err),
                             BACKEND_OK);
        store_close(other);
    }
    return true;
}

#define MANY 300

/*
 * A start with MANY devices is ONE transaction (one commit in the WAL;
 * without the fix one per device), nothing is written while the hook plays,
 * and afterwards every device's outcome is recorded (Initial on read until
 * its time).
 */
static void test_start_is_one_transaction(void **state)
{
    (void)state;
    char path[PATH_MAX];
    path_in_tmp(path, sizeof(path), "one-txn.db");
    struct race_hook h = { .path = path };
    struct store_options o = base_opts();
    o.path = path;
    o.on_session_start = race_hook;
    o.hook_ctx = &h;
    struct store *s = open_mem(&o);
    struct backend_created t;
    struct backend_error err;
    new_task(s, &t);
    snprintf(h.task, sizeof(h.task), "%s", t.id);
    for (int i = 0; i < MANY; i++) {
        char dev[32];
        snprintf(dev, sizeof(dev), "dev-%04d", i);
        assert_int_equal(store_associate_device(s, t.id, dev, &err),
                         BACKEND_OK);
    }
    wal_reset(path);
    assert_int_equal(store_start_task(s, t.id, false, 0, &err), BACKEND_OK);
    assert_int_equal(wal_commits(path), 1);
    /* the counter counts commits: three more writes, three more */
    struct backend_created other;
    new_task(s, &other);
    assert_int_equal(store_associate_device(s, other.id, "o1", &err),
                     BACKEND_OK);
    assert_int_equal(store_associate_device(s, other.id, "o2", &err),
                     BACKEND_OK);
    assert_int_equal(wal_commits(path), 4);
    assert_int_equal(h.calls, 1);
    assert_int_equal(h.devices, MANY);
    assert_int_equal(h.pending_seen, 0);
    assert_int_equal(sql_int(path, "SELECT count(*) FROM task_devices"
                                   " WHERE status = 'Successful'"),
                     MANY);
    /* reported at session start + i: Initial before, Successful from then */
    struct backend_page_req page = { .max_results = 250 };
    struct backend_device_page dp;
    assert_int_equal(store_list_devices(s, t.id, &page, &dp, &err), BACKEND_OK);
    assert_int_equal(dp.items[0].status, BACKEND_DEVICE_INITIAL);
    backend_device_page_cleanup(&dp);
    fake_now = T0 + 10000 + 1; /* setup delay, then devices 0 and 1 */
    assert_int_equal(store_list_devices(s, t.id, &page, &dp, &err), BACKEND_OK);
    assert_int_equal(dp.items[0].status, BACKEND_DEVICE_SUCCESSFUL);
    assert_int_equal(dp.items[1].status, BACKEND_DEVICE_SUCCESSFUL);
    assert_int_equal(dp.items[2].status, BACKEND_DEVICE_INITIAL);
    backend_device_page_cleanup(&dp);
    store_close(s);
}

/*
 * Another client changes the task while the hook plays: an association
 * makes the store play again with the new device list; a start makes this
 * one a ConflictException. A hook that fails (host failure) fails the start
 * with InternalServerException and writes nothing.
 */
static void test_start_races_and_hook_failure(void **state)
{
    (void)state;
    static const struct {
        enum race race;
        enum backend_status want;
        int calls;
        size_t devices;
    } cases[] = {
        { RACE_ASSOCIATE, BACKEND_OK, 2, 3 },
        { RACE_START, BACKEND_CONFLICT, 1, 2 },
        { RACE_FAIL, BACKEND_INTERNAL, 1, 2 },
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        char path[PATH_MAX], name[32];
        snprintf(name, sizeof(name), "race-%zu.db", c);
        path_in_tmp(path, sizeof(path), name);
        struct race_hook h = { .path = path, .race = cases[c].race };
        struct store_options o = base_opts();
        o.path = path;
        o.on_session_start = race_hook;
        o.hook_ctx = &h;
        struct store *s = open_mem(&o);
        struct backend_created t;
        struct backend_error err;
        new_task(s, &t);
        snprintf(h.task, sizeof(h.task), "%s", t.id);
        assert_int_equal(store_associate_device(s, t.id, "a", &err),
                         BACKEND_OK);
        assert_int_equal(store_associate_device(s, t.id, "b", &err),
                         BACKEND_OK);
        assert_int_equal(store_start_task(s, t.id, false, 0, &err),
                         cases[c].want);
        assert_int_equal(h.calls, cases[c].calls);
        assert_int_equal(h.devices, cases[c].devices);
        assert_int_equal(h.pending_seen, 0);
        int64_t recorded = sql_int(path, "SELECT count(*) FROM task_devices"
                                         " WHERE status <> 'Initial'");
        if (cases[c].race == RACE_FAIL) {
            assert_int_equal(status_of(s, t.id), BACKEND_TASK_PENDING);
            assert_int_equal(recorded, 0);
            assert_int_equal(err.http_status, 500);
        } else if (cases[c].race == RACE_ASSOCIATE) {
            assert_int_equal(recorded, 3); /* "late" played too */
        } else {
            assert_int_equal(status_of(s, t.id), BACKEND_TASK_SESSION_WAITING);
            assert_non_null(strstr(err.message, "StartFuotaTask"));
        }
        store_close(s);
    }
}

/* --- ListWirelessDevices without a task ------------------------------------
 */

/* Walks the unfiltered listing in pages of `size`; returns the ids joined
 * by ' ' and the number of pages. */
static size_t walk_all(struct store *s, int size, char *ids, size_t cap)
{
    char *token = NULL;
    size_t pages = 0;
    ids[0] = '\0';
    do {
        struct backend_page_req page = { .next_token = token,
                                         .max_results = size };
        struct backend_id_page p;
        struct backend_error err;
        assert_int_equal(store_list_all_devices(s, &page, &p, &err),
                         BACKEND_OK);
        free(token);
        token = p.next_token;
        p.next_token = NULL;
        pages++;
        assert_true(p.count <= (size_t)(size ? size : 100));
        if (token)
            assert_int_equal(p.count, size ? size : 100);
        for (size_t i = 0; i < p.count; i++) {
            size_t n = strlen(ids);
            snprintf(ids + n, cap - n, "%s%s", n ? " " : "", p.ids[i]);
        }
        backend_id_page_cleanup(&p);
    } while (token);
    return pages;
}

static void test_list_all_devices(void **state)
{
    (void)state;
    struct store_options o = base_opts();
    struct store *s = open_mem(&o);
    struct backend_error err;
    char ids[4096];
    /* nothing associated: one empty page, no token */
    assert_int_equal(walk_all(s, 0, ids, sizeof(ids)), 1);
    assert_string_equal(ids, "");
    struct backend_created a, b, gone;
    new_task(s, &a);
    new_task(s, &b);
    new_task(s, &gone);
    const char *in_a[] = { "m", "b", "Z", "b-2" };
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(store_associate_device(s, a.id, in_a[i], &err),
                         BACKEND_OK);
    /* "m" in two tasks is listed once; a deleted task's device is not */
    assert_int_equal(store_associate_device(s, b.id, "m", &err), BACKEND_OK);
    assert_int_equal(store_associate_device(s, b.id, "x", &err), BACKEND_OK);
    assert_int_equal(store_associate_device(s, gone.id, "only-gone", &err),
                     BACKEND_OK);
    assert_int_equal(store_delete_task(s, gone.id, &err), BACKEND_OK);
    const char *want = "Z b b-2 m x"; /* byte order */
    static const struct {
        int size;
        size_t pages;
    } sizes[] = { { 0, 1 }, { 1, 5 }, { 2, 3 },  { 4, 2 },
                  { 5, 1 }, { 6, 1 }, { 250, 1 } };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        size_t pages = walk_all(s, sizes[i].size, ids, sizeof(ids));
        if (strcmp(ids, want) != 0 || pages != sizes[i].pages)
            fail_msg("pages of %d: %zu pages \"%s\"", sizes[i].size, pages,
                     ids);
    }
    /* bad page requests */
    struct backend_id_page p;
    struct backend_page_req bad[] = {
        { .max_results = -1 },
        { .max_results = 251 },
        { .next_token = (char *)"garbage!" },
        { .next_token = (char *)"RDoxOjE" }, /* "D:1:1", a task listing's */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(store_list_all_devices(s, &bad[i], &p, &err),
                         BACKEND_VALIDATION);
        assert_int_equal(p.count, 0);
    }
    /* a page after the last id is empty; after "b" starts at "b-2" */
    char *tok = store_page_key_token('W', "x");
    struct backend_page_req after = { .next_token = tok };
    assert_int_equal(store_list_all_devices(s, &after, &p, &err), BACKEND_OK);
    assert_int_equal(p.count, 0);
    assert_null(p.next_token);
    backend_id_page_cleanup(&p);
    free(tok);
    tok = store_page_key_token('W', "b");
    after.next_token = tok;
    after.max_results = 1;
    assert_int_equal(store_list_all_devices(s, &after, &p, &err), BACKEND_OK);
    assert_int_equal(p.count, 1);
    assert_string_equal(p.ids[0], "b-2");
    assert_non_null(p.next_token);
    backend_id_page_cleanup(&p);
    free(tok);
    assert_string_equal(store_arn_prefix(s),
                        "arn:aws:iotwireless:eu-west-1:111122223333");
    store_close(s);
}

/* One fault draw per listing, whatever the number of tasks: with a 10 %
 * throttle rate about 10 % of the listings fail (without the fix one draw
 * per task made nearly every listing fail). */
static void test_list_all_devices_fault_rate(void **state)
{
    (void)state;
    struct store_options o = base_opts();
    o.throttle_rate = 0.1;
    o.seed = 11;
    struct store *s = open_mem(&o);
    struct backend_error err;
    for (int i = 0; i < 20; i++) {
        /* the set-up calls draw too: retry the throttled ones */
        struct backend_created t;
        char dev[16];
        snprintf(dev, sizeof(dev), "d%02d", i);
        struct fuota_task req;
        make_task(&req);
        while (store_create_task(s, &req, &t, &err) != BACKEND_OK)
            assert_int_equal(err.status, BACKEND_THROTTLED);
        task_cleanup(&req);
        while (store_associate_device(s, t.id, dev, &err) != BACKEND_OK)
            assert_int_equal(err.status, BACKEND_THROTTLED);
    }
    int throttled = 0;
    const int n = 1000;
    for (int i = 0; i < n; i++) {
        struct backend_id_page p;
        enum backend_status st = store_list_all_devices(s, NULL, &p, &err);
        if (st == BACKEND_THROTTLED)
            throttled++;
        else
            assert_int_equal(p.count, 20);
        backend_id_page_cleanup(&p);
    }
    /* binomial(1000, 0.1): sd ~ 9.5; allow 5 sd */
    assert_in_range(throttled, 100 - 48, 100 + 48);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_and_get),
        cmocka_unit_test(test_status_transitions),
        cmocka_unit_test(test_session_duration_from_plan),
        cmocka_unit_test(test_start_time_and_scale),
        cmocka_unit_test(test_delete_transitions),
        cmocka_unit_test(test_conflicts_after_start),
        cmocka_unit_test(test_update_while_pending),
        cmocka_unit_test(test_idempotency),
        cmocka_unit_test(test_validation_messages),
        cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_associations),
        cmocka_unit_test(test_session_hook_and_conflicting_devices),
        cmocka_unit_test(test_paging),
        cmocka_unit_test(test_persistence_across_reopen),
        cmocka_unit_test(test_corrupt_file_is_kept_aside),
        cmocka_unit_test(test_foreign_and_empty_files),
        cmocka_unit_test(test_concurrent_creates),
        cmocka_unit_test(test_kill_9_loses_nothing_acknowledged),
        cmocka_unit_test(test_fault_injection),
        cmocka_unit_test(test_start_is_one_transaction),
        cmocka_unit_test(test_start_races_and_hook_failure),
        cmocka_unit_test(test_list_all_devices),
        cmocka_unit_test(test_list_all_devices_fault_rate),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
