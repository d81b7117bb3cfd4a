/*
 * sim/store: multicast groups carry virtual devices into the tasks they are
 * associated with, and a started task's status and each device's
 * FuotaDeviceStatus follow the session's simulated clock, through the
 * store and through the in-process simulator backend (sim/sim_backend).
 */
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
#include "sim/store.h"

/* 2024-05-01T12:00:00Z, in ms */
#define T0 1714564800000LL

static int64_t fake_now;

static int64_t fake_clock(void *ctx)
{
    (void)ctx;
    return fake_now;
}

/* The session hook of these tests: device i reports Successful 1 s after
 * the session begins times (i + 1), the last one MissingFrag at the end. */
static bool staggered(void *ctx, const struct store_session *s,
                      struct store_outcome *out)
{
    (void)ctx;
    for (size_t i = 0; i < s->device_count; i++) {
        bool last = i + 1 == s->device_count;
        out[i].status =
            last ? BACKEND_DEVICE_MISSING_FRAG : BACKEND_DEVICE_SUCCESSFUL;
        out[i].at_ms = last ? s->session_end_ms
                            : s->session_start_ms + 1000 * (int64_t)(i + 1);
    }
    return true;
}

static struct store_session_summary told;
static int told_calls;

static void on_started(void *ctx, const struct store_session_summary *s)
{
    (void)ctx;
    told = *s;
    told.task_id = NULL; /* valid during the call only */
    told_calls++;
}

static struct store *open_store(int group_devices)
{
    struct store_options o = {
        .path = ":memory:",
        .clock = fake_clock,
        .image_bytes = 1000,
        .group_devices = group_devices,
        .on_session_start = staggered,
        .on_session_started = on_started,
    };
    struct store *s = NULL;
    struct backend_error err;
    fake_now = T0;
    assert_int_equal(store_open(&o, &s, &err), BACKEND_OK);
    return s;
}

static void new_task(struct store *s, struct backend_created *c)
{
    struct fuota_task t;
    task_init(&t);
    t.firmware_update_image = strdup("s3://bucket/fw.bin");
    t.firmware_update_role = strdup("arn:aws:iam::123456789012:role/r");
    struct backend_error err;
    assert_int_equal(store_create_task(s, &t, c, &err), BACKEND_OK);
    task_cleanup(&t);
}

/* The ids of a task's devices, in order, joined by ' '. */
static void device_ids(struct store *s, const char *id, const char *group,
                       char *out, size_t size)
{
    struct backend_device_page p;
    struct backend_error err;
    assert_int_equal(store_list_devices_in_group(s, id, group, NULL, &p, &err),
                     BACKEND_OK);
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < p.count; i++)
        o += (size_t)snprintf(out + o, size - o, "%s%s", i ? " " : "",
                              p.items[i].id);
    backend_device_page_cleanup(&p);
}

/* The rule for group device ids: FNV-1a 64 of "G:k" in hex, as
 * documented (values computed independently). */
static void test_group_device_ids(void **state)
{
    (void)state;
    char id[17];
    store_group_device_id("", 0, id);
    /* FNV-1a 64 of ":0", "grp-1:1", "g1:3" */
    assert_string_equal(id, "081e1407b4da01c7");
    store_group_device_id("g1", 3, id);
    assert_string_equal(id, "eaf52b711897b36a");
    store_group_device_id("grp-1", 1, id);
    assert_string_equal(id, "f805f1ae614944f7");
    char again[17];
    store_group_device_id("grp-1", 1, again);
    assert_string_equal(id, again);
    store_group_device_id("grp-1", 2, again);
    assert_string_not_equal(id, again);
    store_group_device_id("grp-2", 1, again);
    assert_string_not_equal(id, again);
    assert_int_equal(strlen(id), 16);
    assert_int_equal(strspn(id, "0123456789abcdef"), 16);
}

static void test_groups_carry_devices(void **state)
{
    (void)state;
    struct store *s = open_store(3);
    struct backend_error err;
    struct backend_created c;
    new_task(s, &c);
    char g1[3][17], g2[3][17], want[256], got[256];
    for (unsigned k = 0; k < 3; k++) {
        store_group_device_id("g1", k + 1, g1[k]);
        store_group_device_id("g2", k + 1, g2[k]);
    }
    assert_int_equal(store_associate_device(s, c.id, "d1", &err), BACKEND_OK);
    assert_int_equal(store_associate_group(s, c.id, "g1", &err), BACKEND_OK);
    /* associating again adds nothing */
    assert_int_equal(store_associate_group(s, c.id, "g1", &err), BACKEND_OK);
    assert_int_equal(store_associate_group(s, c.id, "g2", &err), BACKEND_OK);
    device_ids(s, c.id, NULL, got, sizeof(got));
    snprintf(want, sizeof(want), "d1 %s %s %s %s %s %s", g1[0], g1[1], g1[2],
             g2[0], g2[1], g2[2]);
    assert_string_equal(got, want);
    device_ids(s, c.id, "g2", got, sizeof(got));
    snprintf(want, sizeof(want), "%s %s %s", g2[0], g2[1], g2[2]);
    assert_string_equal(got, want);
    device_ids(s, c.id, "nope", got, sizeof(got));
    assert_string_equal(got, "");
    /* the unfiltered listing narrowed to a group: its devices, by id */
    struct backend_id_page ip;
    assert_int_equal(store_list_all_devices_in_group(s, "g1", NULL, &ip, &err),
                     BACKEND_OK);
    assert_int_equal(ip.count, 3);
    for (size_t i = 1; i < ip.count; i++)
        assert_true(strcmp(ip.ids[i - 1], ip.ids[i]) < 0);
    backend_id_page_cleanup(&ip);
    /* a group's device is not associated directly */
    assert_int_equal(store_disassociate_device(s, c.id, g1[0], &err),
                     BACKEND_NOT_FOUND);
    /* associated directly too, it stays when its group goes */
    assert_int_equal(store_associate_device(s, c.id, g1[1], &err), BACKEND_OK);
    assert_int_equal(store_disassociate_group(s, c.id, "g1", &err), BACKEND_OK);
    device_ids(s, c.id, NULL, got, sizeof(got));
    snprintf(want, sizeof(want), "d1 %s %s %s %s", g1[1], g2[0], g2[1], g2[2]);
    assert_string_equal(got, want);
    assert_int_equal(store_disassociate_device(s, c.id, g1[1], &err),
                     BACKEND_OK);
    store_close(s);

    /* group_devices < 0: groups carry none, as before */
    s = open_store(-1);
    new_task(s, &c);
    assert_int_equal(store_associate_group(s, c.id, "g1", &err), BACKEND_OK);
    device_ids(s, c.id, NULL, got, sizeof(got));
    assert_string_equal(got, "");
    store_close(s);
    /* more than the most is refused */
    struct store_options o = { .path = ":memory:",
                               .group_devices = STORE_GROUP_DEVICES_MAX + 1 };
    struct store *none = NULL;
    assert_int_equal(store_open(&o, &none, &err), BACKEND_VALIDATION);
    assert_null(none);
}

/* What GetFuotaTask and ListWirelessDevices show at time `at`, through
 * the backend contract. */
static void expect_at(struct backend *b, const char *id, int64_t at,
                      enum backend_task_status task,
                      const enum backend_device_status *devs, size_t n)
{
    fake_now = at;
    struct backend_task t;
    struct backend_error err;
    assert_int_equal(backend_get_task(b, id, &t, &err), BACKEND_OK);
    if (t.status != task)
        fail_msg("at +%lld ms: task %s, want %s", (long long)(at - T0),
                 backend_task_status_name(t.status),
                 backend_task_status_name(task));
    backend_task_cleanup(&t);
    struct backend_device_page p;
    assert_int_equal(backend_list_devices(b, id, NULL, &p, &err), BACKEND_OK);
    assert_int_equal(p.count, n);
    for (size_t i = 0; i < n; i++)
        if (p.items[i].status != devs[i])
            fail_msg("at +%lld ms: device %zu (%s) %s, want %s",
                     (long long)(at - T0), i, p.items[i].id,
                     backend_device_status_name(p.items[i].status),
                     backend_device_status_name(devs[i]));
    backend_device_page_cleanup(&p);
}

/*
 * A started task runs FuotaSession_Waiting -> In_FuotaSession -> FuotaDone
 * on the store's clock, and every device -- the direct one and the
 * group's -- shows Initial until its own outcome's time, then its
 * outcome; the same through the in-process backend. The committed session
 * is told once, with its times and the outcome of every device.
 */
static void test_statuses_follow_the_clock(void **state)
{
    (void)state;
    struct store *s = open_store(2);
    struct backend *b = sim_backend_new(s, true);
    assert_non_null(b);
    struct backend_error err;
    struct backend_created c;
    new_task(s, &c);
    assert_int_equal(backend_associate_device(b, c.id, "d1", &err), BACKEND_OK);
    assert_int_equal(backend_associate_group(b, c.id, "g", &err), BACKEND_OK);
    told_calls = 0;
    assert_int_equal(backend_start_task(b, c.id, false, 0, &err), BACKEND_OK);
    assert_int_equal(told_calls, 1);
    int64_t begin = told.session_start_ms, end = told.session_end_ms;
    assert_int_equal(told.started_ms, T0);
    assert_true(begin > T0 && end > begin + 3000);
    assert_int_equal(told.simulated_ms, end - begin);
    assert_int_equal(told.devices, 3);
    assert_int_equal(told.groups, 1);
    assert_int_equal(told.counts[BACKEND_DEVICE_SUCCESSFUL], 2);
    assert_int_equal(told.counts[BACKEND_DEVICE_MISSING_FRAG], 1);

    const enum backend_device_status I = BACKEND_DEVICE_INITIAL,
                                     S = BACKEND_DEVICE_SUCCESSFUL,
                                     M = BACKEND_DEVICE_MISSING_FRAG;
    const struct {
        int64_t at;
        enum backend_task_status task;
        enum backend_device_status devs[3];
    } rows[] = {
        { T0, BACKEND_TASK_SESSION_WAITING, { I, I, I } },
        { begin - 1, BACKEND_TASK_SESSION_WAITING, { I, I, I } },
        { begin, BACKEND_TASK_IN_SESSION, { I, I, I } },
        { begin + 999, BACKEND_TASK_IN_SESSION, { I, I, I } },
        { begin + 1000, BACKEND_TASK_IN_SESSION, { S, I, I } },
        { begin + 2000, BACKEND_TASK_IN_SESSION, { S, S, I } },
        { end - 1, BACKEND_TASK_IN_SESSION, { S, S, I } },
        { end, BACKEND_TASK_DONE, { S, S, M } },
        { end + 86400000, BACKEND_TASK_DONE, { S, S, M } },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        expect_at(b, c.id, rows[i].at, rows[i].task, rows[i].devs, 3);
    backend_close(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_device_ids),
        cmocka_unit_test(test_groups_carry_devices),
        cmocka_unit_test(test_statuses_follow_the_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
