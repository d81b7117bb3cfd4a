/*
 * The fleet simulator as the store's session hook, seen through the backend
 * contract (sim/sim_backend.h): a started task plays its session over its
 * virtual devices, and backend_list_devices() shows each device's
 * FuotaDeviceStatus once the session has reached it.
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
#include "sim/sim_backend.h"
#include "sim/store.h"

/* 2024-05-01T12:00:00Z, in ms */
#define T0 1714564800000LL
/* Far beyond any session here (even unscaled). */
#define AFTER_ALL (T0 + 30LL * 24 * 3600 * 1000)

#define DEVICES 12

static int64_t fake_now;

static int64_t fake_clock(void *ctx)
{
    (void)ctx;
    return fake_now;
}

static char *xdup(const char *s)
{
    char *r = strdup(s);
    assert_non_null(r);
    return r;
}

/* Opens an in-memory simulator backend whose sessions the fleet plays with
 * cfg (NULL = the hook's no-loss default). */
static struct backend *open_fleet(struct fleet_hook_config *cfg, bool with_hook)
{
    struct store_options o = { 0 };
    o.clock = fake_clock;
    o.image_bytes = 2000;
    o.time_scale = 10;
    if (with_hook) {
        o.on_session_start = fleet_store_hook;
        o.hook_ctx = cfg;
    }
    struct backend *b = NULL;
    struct backend_error err;
    fake_now = T0;
    assert_int_equal(sim_backend_open(&o, &b, &err), BACKEND_OK);
    assert_non_null(b);
    return b;
}

/* A task (RfRegion `region`, NULL = none; `frag`-byte fragments; redundancy
 * %) with devices "dev-N" for N in 0..DEVICES-1 but `skip` (-1 = none),
 * started; writes its id. */
static void start_task_with(struct backend *b, const char *region, int frag,
                            int redundancy, int skip, char *id, size_t size)
{
    struct fuota_task t;
    struct backend_created created;
    struct backend_error err;
    task_init(&t);
    t.firmware_update_image = xdup("s3://fw/app.bin");
    t.firmware_update_role = xdup("arn:aws:iam::123456789012:role/fuota");
    if (region) {
        t.has_lorawan = true;
        t.rf_region = xdup(region);
    }
    t.has_fragment_size_bytes = true;
    t.fragment_size_bytes = frag;
    t.has_redundancy_percent = true;
    t.redundancy_percent = redundancy;
    t.has_fragment_interval_ms = true;
    t.fragment_interval_ms = 1000;
    assert_int_equal(backend_create_task(b, &t, &created, &err), BACKEND_OK);
    task_cleanup(&t);
    snprintf(id, size, "%s", created.id);
    for (int i = 0; i < DEVICES; i++) {
        char dev[32];
        if (i == skip)
            continue;
        snprintf(dev, sizeof(dev), "dev-%d", i);
        assert_int_equal(backend_associate_device(b, id, dev, &err),
                         BACKEND_OK);
    }
    assert_int_equal(backend_start_task(b, id, false, 0, &err), BACKEND_OK);
}

/* EU868, 40-byte fragments (DR0 carries 48), all DEVICES devices. */
static void start_task(struct backend *b, int redundancy, char *id, size_t size)
{
    start_task_with(b, "EU868", 40, redundancy, -1, id, size);
}

/* Every device's status, in listing order (DEVICES of them). */
static void list_statuses(struct backend *b, const char *id,
                          enum backend_device_status *out)
{
    struct backend_page_req page = { .next_token = NULL, .max_results = 250 };
    struct backend_device_page p;
    struct backend_error err;
    assert_int_equal(backend_list_devices(b, id, &page, &p, &err), BACKEND_OK);
    assert_int_equal(p.count, DEVICES);
    assert_null(p.next_token);
    for (size_t i = 0; i < p.count; i++)
        out[i] = p.items[i].status;
    backend_device_page_cleanup(&p);
}

static size_t count(const enum backend_device_status *s,
                    enum backend_device_status want)
{
    size_t n = 0;
    for (size_t i = 0; i < DEVICES; i++)
        n += s[i] == want;
    return n;
}

static enum backend_task_status task_status(struct backend *b, const char *id)
{
    struct backend_task t;
    struct backend_error err;
    assert_int_equal(backend_get_task(b, id, &t, &err), BACKEND_OK);
    enum backend_task_status st = t.status;
    backend_task_cleanup(&t);
    return st;
}

/* Table: mean loss, spread, redundancy -> how many devices end Successful
 * (-1: some but not all) and how many MissingFrag. */
struct outcome_case {
    const char *name;
    double loss;
    double spread;
    int redundancy;
    int successful; /* -1 = strictly between 0 and DEVICES */
    int missing;    /* -1 = strictly between 0 and DEVICES */
};

static const struct outcome_case outcome_cases[] = {
    { "no loss", 0.0, 0.0, 10, DEVICES, 0 },
    { "no loss, no redundancy", 0.0, 0.0, 0, DEVICES, 0 },
    { "total loss", 1.0, 0.0, 50, 0, DEVICES },
    { "loss beyond the redundancy", 0.5, 0.0, 10, 0, DEVICES },
    { "a mix", 0.08, 0.05, 10, -1, -1 },
};

static void check_count(const char *name, size_t got, int want)
{
    if (want < 0 ? got == 0 || got == DEVICES : got != (size_t)want)
        fail_msg("%s: %zu devices, wanted %d", name, got, want);
}

static void test_outcomes(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof(outcome_cases) / sizeof(outcome_cases[0]);
         c++) {
        const struct outcome_case *oc = &outcome_cases[c];
        struct fleet_hook_config cfg = { .loss = oc->loss,
                                         .spread = oc->spread,
                                         .seed = 42 };
        struct backend *b = open_fleet(&cfg, true);
        char id[BACKEND_ID_MAX + 1];
        start_task(b, oc->redundancy, id, sizeof(id));
        enum backend_device_status s[DEVICES];
        /* Right after the start nothing has been played yet. */
        list_statuses(b, id, s);
        check_count(oc->name, count(s, BACKEND_DEVICE_INITIAL), DEVICES);
        fake_now = AFTER_ALL;
        assert_int_equal(task_status(b, id), BACKEND_TASK_DONE);
        list_statuses(b, id, s);
        check_count(oc->name, count(s, BACKEND_DEVICE_SUCCESSFUL),
                    oc->successful);
        check_count(oc->name, count(s, BACKEND_DEVICE_MISSING_FRAG),
                    oc->missing);
        assert_int_equal(count(s, BACKEND_DEVICE_SUCCESSFUL) +
                             count(s, BACKEND_DEVICE_MISSING_FRAG),
                         DEVICES);
        backend_close(b);
    }
}

/* A NULL hook_ctx is the hook's no-loss default: all Successful. */
static void test_null_config(void **state)
{
    (void)state;
    struct backend *b = open_fleet(NULL, true);
    char id[BACKEND_ID_MAX + 1];
    start_task(b, 0, id, sizeof(id));
    enum backend_device_status s[DEVICES];
    fake_now = AFTER_ALL;
    list_statuses(b, id, s);
    assert_int_equal(count(s, BACKEND_DEVICE_SUCCESSFUL), DEVICES);
    backend_close(b);
}

/* Statuses appear as the session reaches them: nothing before the
 * session starts, all by its end. */
static void test_timeline(void **state)
{
    (void)state;
    struct fleet_hook_config cfg = { .loss = 0.0, .spread = 0.0, .seed = 1 };
    struct backend *b = open_fleet(&cfg, true);
    char id[BACKEND_ID_MAX + 1];
    start_task(b, 10, id, sizeof(id));
    enum backend_device_status s[DEVICES];
    /* Setup delay (10 s / time_scale 10 = 1 s): still waiting. */
    fake_now = T0 + 500;
    assert_int_equal(task_status(b, id), BACKEND_TASK_SESSION_WAITING);
    list_statuses(b, id, s);
    assert_int_equal(count(s, BACKEND_DEVICE_INITIAL), DEVICES);
    /* Walk forward until FuotaDone: never fewer Successful than before. */
    size_t last = 0;
    int64_t step = 1000;
    while (task_status(b, id) != BACKEND_TASK_DONE) {
        fake_now += step;
        assert_true(fake_now < AFTER_ALL);
        list_statuses(b, id, s);
        size_t n = count(s, BACKEND_DEVICE_SUCCESSFUL);
        assert_true(n >= last);
        assert_int_equal(n + count(s, BACKEND_DEVICE_INITIAL), DEVICES);
        last = n;
    }
    list_statuses(b, id, s);
    assert_int_equal(count(s, BACKEND_DEVICE_SUCCESSFUL), DEVICES);
    backend_close(b);
}

/* Same seed -> same statuses; device outcomes follow the device id. */
static void test_deterministic(void **state)
{
    (void)state;
    enum backend_device_status a[DEVICES], b2[DEVICES];
    for (int run = 0; run < 2; run++) {
        struct fleet_hook_config cfg = { .loss = 0.08,
                                         .spread = 0.05,
                                         .seed = 99 };
        struct backend *b = open_fleet(&cfg, true);
        char id[BACKEND_ID_MAX + 1];
        start_task(b, 10, id, sizeof(id));
        fake_now = AFTER_ALL;
        list_statuses(b, id, run == 0 ? a : b2);
        backend_close(b);
    }
    assert_memory_equal(a, b2, sizeof(a));
}

/*
 * A session the simulator cannot play still ends: every device reports
 * MissingFrag (nothing it could rebuild the image from reached it) when the
 * session times out, Initial before. Without the fix the devices stayed
 * Initial after FuotaDone.
 */
static void test_unplayable(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        const char *region;
        int frag;
    } cases[] = {
        { "no LoRaWAN.RfRegion", NULL, 40 },
        { "200-byte fragments on EU868 (DR0 carries 48)", "EU868", 200 },
        { "48-byte fragments on EU868: the largest that plays", "EU868", 48 },
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        struct fleet_hook_config cfg = { .seed = 5 };
        struct backend *b = open_fleet(&cfg, true);
        char id[BACKEND_ID_MAX + 1];
        start_task_with(b, cases[c].region, cases[c].frag, 10, -1, id,
                        sizeof(id));
        enum backend_device_status s[DEVICES];
        list_statuses(b, id, s);
        if (count(s, BACKEND_DEVICE_INITIAL) != DEVICES)
            fail_msg("%s: not all Initial after the start", cases[c].name);
        fake_now = AFTER_ALL;
        assert_int_equal(task_status(b, id), BACKEND_TASK_DONE);
        list_statuses(b, id, s);
        enum backend_device_status want =
            c == 2 ? BACKEND_DEVICE_SUCCESSFUL : BACKEND_DEVICE_MISSING_FRAG;
        if (count(s, want) != DEVICES)
            fail_msg("%s: %zu of %d devices %s", cases[c].name, count(s, want),
                     DEVICES, backend_device_status_name(want));
        backend_close(b);
    }
}

/* Statuses by device id: out[N] for "dev-N" (Initial when not listed). */
static void statuses_by_id(struct backend *b, const char *id,
                           enum backend_device_status *out)
{
    struct backend_page_req page = { .next_token = NULL, .max_results = 250 };
    struct backend_device_page p;
    struct backend_error err;
    for (size_t i = 0; i < DEVICES; i++)
        out[i] = BACKEND_DEVICE_INITIAL;
    assert_int_equal(backend_list_devices(b, id, &page, &p, &err), BACKEND_OK);
    for (size_t i = 0; i < p.count; i++) {
        int n = -1;
        assert_int_equal(sscanf(p.items[i].id, "dev-%d", &n), 1);
        assert_true(n >= 0 && n < DEVICES);
        out[n] = p.items[i].status;
    }
    backend_device_page_cleanup(&p);
}

/*
 * A device's outcome follows its id, not its place in the task's list:
 * disassociating one device leaves every other device's outcome as it was.
 */
static void test_removal_keeps_outcomes(void **state)
{
    (void)state;
    enum backend_device_status all[DEVICES], less[DEVICES];
    const int skip = 3;
    for (int run = 0; run < 2; run++) {
        struct fleet_hook_config cfg = { .loss = 0.08,
                                         .spread = 0.05,
                                         .seed = 99 };
        struct backend *b = open_fleet(&cfg, true);
        char id[BACKEND_ID_MAX + 1];
        start_task_with(b, "EU868", 40, 10, run ? skip : -1, id, sizeof(id));
        fake_now = AFTER_ALL;
        statuses_by_id(b, id, run ? less : all);
        backend_close(b);
    }
    /* a mix, or the comparison proves nothing */
    assert_true(count(all, BACKEND_DEVICE_SUCCESSFUL) > 0);
    assert_true(count(all, BACKEND_DEVICE_MISSING_FRAG) > 0);
    assert_int_equal(less[skip], BACKEND_DEVICE_INITIAL);
    for (int i = 0; i < DEVICES; i++)
        if (i != skip && all[i] != less[i])
            fail_msg("dev-%d: %s with dev-%d, %s without", i,
                     backend_device_status_name(all[i]), skip,
                     backend_device_status_name(less[i]));
}

/* Without the hook the store's default: every device Successful. */
static void test_no_hook(void **state)
{
    (void)state;
    struct backend *b = open_fleet(NULL, false);
    char id[BACKEND_ID_MAX + 1];
    start_task(b, 0, id, sizeof(id));
    enum backend_device_status s[DEVICES];
    fake_now = AFTER_ALL;
    list_statuses(b, id, s);
    assert_int_equal(count(s, BACKEND_DEVICE_SUCCESSFUL), DEVICES);
    backend_close(b);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outcomes),
        cmocka_unit_test(test_null_config),
        cmocka_unit_test(test_timeline),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_no_hook),
        cmocka_unit_test(test_unplayable),
        cmocka_unit_test(test_removal_keeps_outcomes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
