/*
 * tui/playback_data and tui/playback_settings: the playback's counters
 * against sim/events (the stream they must agree with), the job off the
 * UI thread, one device's zoom, and the settings checked field by field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "sim/events.h"
#include "sim/fleet.h"
#include "tui/playback_data.h"
#include "tui/playback_settings.h"

static char *xdup(const char *s)
{
    char *r = strdup(s);
    assert_non_null(r);
    return r;
}

/* EU868, 48-byte fragments, `pct` % redundancy, 1 s interval. */
static void make_task(struct fuota_task *t, int pct)
{
    task_init(t);
    t->firmware_update_image = xdup("s3://fw/app.bin");
    t->firmware_update_role = xdup("arn:aws:iam::123456789012:role/fuota");
    t->has_lorawan = true;
    t->rf_region = xdup("EU868");
    t->has_fragment_size_bytes = true;
    t->fragment_size_bytes = 48;
    t->has_redundancy_percent = true;
    t->redundancy_percent = pct;
    t->has_fragment_interval_ms = true;
    t->fragment_interval_ms = 1000;
}

/* Settings with every text given (NULL keeps the default). */
static void set_all(struct pb_settings *s, const char *const *texts)
{
    for (int f = 0; f < PB_FIELD_COUNT; f++)
        if (texts[f])
            assert_true(pb_settings_set(s, (enum pb_field)f, texts[f]));
}

/* --- the counters against the events stream ------------------------------*/

struct scenario {
    const char *name;
    const char *texts[PB_FIELD_COUNT];
    int redundancy;
    bool early_stop;
};

static const struct scenario scenarios[] = {
    { "no loss", { [PBF_DEVICES] = "12", [PBF_IMAGE] = "4800" }, 20, false },
    { "loss 30 %, bursts, spread, late join, drops",
      { [PBF_DEVICES] = "40",
        [PBF_IMAGE] = "4800",
        [PBF_LOSS] = "30",
        [PBF_BURST] = "2",
        [PBF_SPREAD] = "10",
        [PBF_LATE_JOIN] = "3",
        [PBF_DROP] = "7,50,101",
        [PBF_SEED] = "7" },
      20,
      false },
    { "max lost: MemoryError part way",
      { [PBF_DEVICES] = "30",
        [PBF_IMAGE] = "4800",
        [PBF_LOSS] = "10",
        [PBF_MAX_LOST] = "8",
        [PBF_SEED] = "3" },
      40,
      false },
    { "memory too small: everybody refused at setup",
      { [PBF_DEVICES] = "5", [PBF_IMAGE] = "4800", [PBF_MEMORY] = "1000" },
      20,
      false },
    { "device faults: wrong keys and setup refusals",
      { [PBF_DEVICES] = "60",
        [PBF_IMAGE] = "4800",
        [PBF_LOSS] = "5",
        [PBF_FAULTS] = "mic-error:10, wrong-descriptor:10,not-enough-memory:5",
        [PBF_SEED] = "5" },
      20,
      false },
    { "early stop",
      { [PBF_DEVICES] = "25", [PBF_IMAGE] = "4800", [PBF_LOSS] = "5" },
      50,
      true },
};

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static void test_replay_matches_events(void **state)
{
    (void)state;
    for (size_t sc = 0; sc < sizeof(scenarios) / sizeof(scenarios[0]); sc++) {
        const struct scenario *x = &scenarios[sc];
        struct fuota_task task;
        make_task(&task, x->redundancy);
        struct pb_settings set;
        assert_true(pb_settings_init(&set));
        set_all(&set, x->texts);
        set.early_stop = x->early_stop;
        set.mode = FLEET_MODE_FULL;
        struct pb_run run;
        if (!pb_settings_check(&set, &task, &run))
            fail_msg("%s: %s", x->name,
                     set.error[pb_settings_first_error(&set)]);
        uint8_t *image = malloc(run.image_bytes);
        assert_non_null(image);
        fleet_generate_image(image, run.image_bytes, run.params.seed);
        run.params.image = image;
        struct fleet_result r;
        char msg[256];
        assert_int_equal(fleet_run(&run.params, &r, msg, sizeof(msg)),
                         FLEET_OK);
        struct pb_counts *counts = calloc(r.sent + 1, sizeof(*counts));
        uint16_t *first_rx = calloc(r.devices, sizeof(*first_rx));
        assert_non_null(counts);
        assert_non_null(first_rx);
        size_t part = pb_replay(&run.params, &r, counts, first_rx, NULL, NULL);

        /* Every position accounts for every device. */
        for (uint32_t n = 0; n <= r.sent; n++) {
            const struct pb_counts *c = &counts[n];
            assert_int_equal(c->completed + c->failed + c->receiving +
                                 c->waiting,
                             r.devices);
            /* ... and agrees with the device states. */
            size_t st[PB_STATES] = { 0 };
            for (size_t d = 0; d < r.devices; d++)
                st[pb_state_at(&r.dev[d], first_rx[d], n, r.sent)]++;
            assert_int_equal(st[PB_COMPLETE], c->completed);
            assert_int_equal(st[PB_FAILED], c->failed);
            assert_int_equal(st[PB_RECEIVING], c->receiving);
            assert_int_equal(st[PB_WAITING], c->waiting);
        }
        /* The same totals as the events stream, frame by frame. */
        struct events_iter *it = events_new(&run.params, &r);
        assert_non_null(it);
        struct events_frame fr;
        while (events_next_frame(it, &fr)) {
            assert_true(fr.fragment <= r.sent);
            assert_int_equal(counts[fr.fragment].completed, fr.completed_total);
            assert_int_equal(counts[fr.fragment].failed, fr.failed_total);
        }
        events_free(it);
        /* The first fragment each device heard, from the events. */
        it = events_new(&run.params, &r);
        uint32_t *first = calloc(r.devices, sizeof(*first));
        assert_non_null(first);
        struct events_event ev;
        while (events_next(it, &ev))
            if (ev.type == EVENTS_RECEIVED && !first[ev.device])
                first[ev.device] = ev.fragment;
        for (size_t d = 0; d < r.devices; d++)
            assert_int_equal(first_rx[d], first[d]);
        events_free(it);
        free(first);
        /* At the end the median and the worst are those of each device's
         * fragments received (nearest rank, as sim/report). */
        uint32_t *rx = calloc(r.devices, sizeof(*rx));
        size_t k = 0;
        for (size_t d = 0; d < r.devices; d++)
            if (!pb_refused(&r.dev[d]))
                rx[k++] = r.dev[d].received;
        assert_int_equal(k, part);
        qsort(rx, k, sizeof(*rx), cmp_u32);
        const struct pb_counts *end = &counts[r.sent];
        if (k) {
            assert_int_equal(end->worst, rx[0]);
            assert_int_equal(end->median, rx[(k + 1) / 2 - 1]);
        } else {
            assert_int_equal(end->median, 0);
            assert_int_equal(end->worst, 0);
            assert_int_equal(counts[0].failed, r.devices);
        }
        /* Medians and minimums never go down. */
        for (uint32_t n = 1; n <= r.sent; n++) {
            assert_true(counts[n].median >= counts[n - 1].median);
            assert_true(counts[n].worst >= counts[n - 1].worst);
        }
        free(rx);
        free(counts);
        free(first_rx);
        fleet_result_cleanup(&r);
        free(image);
        pb_run_cleanup(&run);
        pb_settings_cleanup(&set);
        task_cleanup(&task);
    }
}

static void test_replay_cancel(void **state)
{
    (void)state;
    struct fuota_task task;
    make_task(&task, 20);
    struct pb_settings set;
    assert_true(pb_settings_init(&set));
    const char *texts[PB_FIELD_COUNT] = { [PBF_IMAGE] = "4800" };
    set_all(&set, texts);
    struct pb_run run;
    assert_true(pb_settings_check(&set, &task, &run));
    uint8_t image[4800];
    fleet_generate_image(image, sizeof(image), 1);
    run.params.image = image;
    struct fleet_result r;
    char msg[256];
    assert_int_equal(fleet_run(&run.params, &r, msg, sizeof(msg)), FLEET_OK);
    struct pb_counts counts[121];
    uint16_t first_rx[100];
    atomic_bool cancel;
    atomic_init(&cancel, true);
    atomic_size_t progress;
    atomic_init(&progress, 0);
    assert_int_equal(
        pb_replay(&run.params, &r, counts, first_rx, &cancel, &progress), 0);
    assert_int_equal(atomic_load(&progress), 0);
    atomic_store(&cancel, false);
    assert_int_equal(
        pb_replay(&run.params, &r, counts, first_rx, &cancel, &progress), 100);
    assert_int_equal(atomic_load(&progress), r.sent);
    fleet_result_cleanup(&r);
    pb_run_cleanup(&run);
    pb_settings_cleanup(&set);
    task_cleanup(&task);
}

/* --- the job --------------------------------------------------------------*/

static enum pb_phase wait_job(struct pb_job *job)
{
    /* Poll with a deadline (a minute: the sanitizers are slow). */
    struct timespec nap = { 0, 2000000 };
    for (int i = 0; i < 30000; i++) {
        enum pb_phase ph = pbjob_phase(job);
        if (ph == PB_PHASE_READY || ph == PB_PHASE_FAILED)
            return ph;
        nanosleep(&nap, NULL);
    }
    fail_msg("the job did not finish in time");
    return PB_PHASE_FAILED;
}

static struct pb_job *start_job(const char *const *texts, int redundancy,
                                enum fleet_mode mode)
{
    struct fuota_task task;
    make_task(&task, redundancy);
    struct pb_settings set;
    assert_true(pb_settings_init(&set));
    set_all(&set, texts);
    set.mode = mode;
    struct pb_run run;
    assert_true(pb_settings_check(&set, &task, &run));
    char msg[256];
    struct pb_job *job = pbjob_start(&run, msg, sizeof(msg));
    assert_non_null(job);
    /* The run moved into the job. */
    assert_null(run.drop);
    assert_int_equal(run.params.devices, 0);
    pb_settings_cleanup(&set);
    task_cleanup(&task);
    return job;
}

static void test_job_and_devices(void **state)
{
    (void)state;
    const char *texts[PB_FIELD_COUNT] = {
        [PBF_DEVICES] = "30",  [PBF_IMAGE] = "4800", [PBF_LOSS] = "20",
        [PBF_MAX_LOST] = "30", [PBF_SEED] = "11",    [PBF_DROP] = "2,4",
    };
    struct pb_job *job = start_job(texts, 20, FLEET_MODE_RANK);
    assert_int_equal(wait_job(job), PB_PHASE_READY);
    const struct fleet_result *r = &job->result;
    assert_int_equal(r->devices, 30);
    assert_int_equal(r->sent, 120);
    assert_true(job->ready_ms >= 0.0);
    assert_int_equal(job->participants, 30);
    /* The job is the same as a fleet_run of its parameters. */
    size_t by_outcome[BACKEND_DEVICE_STATUS_COUNT] = { 0 };
    bool saw[BACKEND_DEVICE_STATUS_COUNT] = { false };
    for (size_t d = 0; d < r->devices; d++) {
        const struct fleet_device_result *x = &r->dev[d];
        by_outcome[x->status]++;
        /* At the end the zoom replays to the device's own outcome. */
        struct pb_device dv;
        assert_true(pbjob_device(job, d, r->sent, &dv));
        assert_int_equal(dv.status, x->status);
        assert_int_equal(dv.received, x->received);
        assert_int_equal(dv.done_at, x->done_at);
        assert_int_equal(dv.first_rx, job->first_rx[d]);
        assert_true(dv.own_loss >= 0.0 && dv.own_loss <= 1.0);
        char why[300];
        pbjob_failure(job, &dv, why, sizeof(why));
        saw[x->status] = true;
        if (x->status == BACKEND_DEVICE_SUCCESSFUL) {
            assert_int_equal(dv.state, PB_COMPLETE);
            assert_int_equal(dv.rank, job->run.session.m);
            assert_int_equal(dv.needed, 0);
            assert_string_equal(why, "");
        } else {
            assert_int_equal(dv.state, PB_FAILED);
            assert_true(dv.rank < job->run.session.m);
            assert_non_null(strstr(why, x->status == BACKEND_DEVICE_MEMORY_ERROR
                                            ? "(MemoryError)"
                                            : "(MissingFrag)"));
        }
        /* Before the session nothing is heard; fragments 2 and 4 are
         * dropped for everybody. */
        assert_true(pbjob_device(job, d, 0, &dv));
        assert_int_equal(dv.received, 0);
        assert_int_equal(dv.rank, 0);
        assert_int_equal(dv.state, PB_WAITING);
        assert_true(pbjob_device(job, d, 4, &dv));
        assert_true(dv.received <= 2);
        assert_true(dv.received + dv.lost <= 4);
        /* Half way the counters are between. */
        assert_true(pbjob_device(job, d, 60, &dv));
        assert_true(dv.received <= 60);
        assert_true(dv.rank <= 60);
    }
    assert_int_equal(by_outcome[BACKEND_DEVICE_SUCCESSFUL] +
                         by_outcome[BACKEND_DEVICE_MEMORY_ERROR] +
                         by_outcome[BACKEND_DEVICE_MISSING_FRAG],
                     30);
    /* This seed and loss give all three (so each path above ran). */
    assert_true(saw[BACKEND_DEVICE_SUCCESSFUL]);
    assert_true(saw[BACKEND_DEVICE_MISSING_FRAG] ||
                saw[BACKEND_DEVICE_MEMORY_ERROR]);
    /* A device number past the fleet is nothing. */
    struct pb_device dv;
    assert_true(pbjob_device(job, 30, 10, &dv));
    assert_int_equal(dv.received, 0);
    pbjob_free(job);
}

static void test_job_refused(void **state)
{
    (void)state;
    static const struct {
        const char *field_text[2];
        enum pb_field field;
        const char *want;
    } cases[] = {
        { { "Memory", "1000" }, PBF_MEMORY, "it needs 4.9 KiB" },
        { { "Max fragments", "99" }, PBF_MAX_FRAGS, "the session has 100" },
        { { "Max fragment size", "40" }, PBF_MAX_FRAG_SIZE, "48-byte" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *texts[PB_FIELD_COUNT] = {
            [PBF_DEVICES] = "3", [PBF_IMAGE] = "4800"
        };
        texts[cases[i].field] = cases[i].field_text[1];
        struct pb_job *job = start_job(texts, 20, FLEET_MODE_FULL);
        assert_int_equal(wait_job(job), PB_PHASE_READY);
        assert_int_equal(job->participants, 0);
        assert_int_equal(job->counts[0].failed, 3);
        struct pb_device dv;
        assert_true(pbjob_device(job, 1, 0, &dv));
        assert_true(dv.refused);
        assert_int_equal(dv.state, PB_FAILED);
        char why[300];
        pbjob_failure(job, &dv, why, sizeof(why));
        if (!strstr(why, cases[i].want) || !strstr(why, "Not_enough_memory"))
            fail_msg("%s: %s", cases[i].field_text[0], why);
        pbjob_free(job);
    }
}

static void test_job_faults(void **state)
{
    (void)state;
    const char *texts[PB_FIELD_COUNT] = {
        [PBF_DEVICES] = "80",
        [PBF_IMAGE] = "4800",
        [PBF_FAULTS] = "mic-error:20,package-not-supported:20",
    };
    struct pb_job *job = start_job(texts, 20, FLEET_MODE_RANK);
    assert_int_equal(wait_job(job), PB_PHASE_READY);
    const struct fleet_result *r = &job->result;
    size_t mic = 0, pkg = 0;
    for (size_t d = 0; d < r->devices; d++) {
        const struct fleet_device_result *x = &r->dev[d];
        struct pb_device dv;
        char why[300];
        if (x->fault == FAULT_MIC_ERROR) {
            mic++;
            /* Hears nothing it can use; fails at the end only. */
            assert_true(pbjob_device(job, d, r->sent - 1, &dv));
            assert_int_equal(dv.state, PB_WAITING);
            assert_int_equal(dv.received, 0);
            assert_int_equal(job->first_rx[d], 0);
            assert_true(pbjob_device(job, d, r->sent, &dv));
            assert_int_equal(dv.state, PB_FAILED);
            pbjob_failure(job, &dv, why, sizeof(why));
            assert_non_null(strstr(why, "wrong multicast keys"));
            assert_non_null(strstr(why, "(MICError)"));
        } else if (x->fault == FAULT_PACKAGE_NOT_SUPPORTED) {
            pkg++;
            assert_true(pbjob_device(job, d, 0, &dv));
            assert_true(dv.refused);
            assert_int_equal(dv.state, PB_FAILED);
            pbjob_failure(job, &dv, why, sizeof(why));
            assert_non_null(strstr(why, "refused at setup"));
            assert_non_null(strstr(why, "(Package_Not_Supported)"));
        }
    }
    /* 20 % each of 80: some of both, and the counters count them. */
    assert_true(mic > 0 && pkg > 0);
    assert_int_equal(job->participants, r->devices - pkg);
    assert_int_equal(job->counts[0].failed, pkg);
    assert_int_equal(job->counts[r->sent].failed, r->failed);
    pbjob_free(job);
}

static void test_job_abandon(void **state)
{
    (void)state;
    const char *texts[PB_FIELD_COUNT] = {
        [PBF_DEVICES] = "2000", [PBF_IMAGE] = "48000", [PBF_LOSS] = "10"
    };
    /* Abandoned while it runs: it frees itself (ASan checks). */
    pbjob_abandon(start_job(texts, 20, FLEET_MODE_RANK));
    /* Freed while it runs: waits for it. */
    pbjob_free(start_job(texts, 20, FLEET_MODE_RANK));
    /* Abandoned once done. */
    const char *small[PB_FIELD_COUNT] = {
        [PBF_DEVICES] = "2", [PBF_IMAGE] = "480"
    };
    struct pb_job *job = start_job(small, 20, FLEET_MODE_RANK);
    assert_int_equal(wait_job(job), PB_PHASE_READY);
    size_t done, total;
    pbjob_progress(job, &done, &total);
    assert_int_equal(done, total);
    pbjob_abandon(job);
    pbjob_abandon(NULL);
    pbjob_free(NULL);
}

/* --- the settings ---------------------------------------------------------*/

static void test_settings_defaults(void **state)
{
    (void)state;
    struct pb_settings s;
    assert_true(pb_settings_init(&s));
    struct fuota_task task;
    make_task(&task, 20);
    struct pb_run run;
    /* No image size: the one thing the defaults leave out. */
    assert_false(pb_settings_check(&s, &task, &run));
    assert_int_equal(pb_settings_first_error(&s), PBF_IMAGE);
    assert_non_null(strstr(s.error[PBF_IMAGE], "Image bytes: required"));
    assert_true(pb_settings_set(&s, PBF_IMAGE, "100000"));
    assert_true(pb_settings_check(&s, &task, &run));
    assert_int_equal(pb_settings_first_error(&s), PB_FIELD_COUNT);
    assert_int_equal(run.params.devices, 100);
    assert_int_equal(run.params.seed, 1);
    assert_int_equal(run.params.mode, FLEET_MODE_RANK);
    assert_int_equal(run.session.m, 2084);
    assert_int_equal(run.session.r, 417);
    assert_ptr_equal(run.params.session, &run.session);
    assert_true(run.params.loss.loss == 0.0);
    assert_int_equal(run.params.limits.max_lost, 0);
    pb_run_cleanup(&run);
    /* Every value given. */
    const char *texts[PB_FIELD_COUNT] = {
        [PBF_DEVICES] = "100000",
        [PBF_IMAGE] = "786384",
        [PBF_LOSS] = "12.5",
        [PBF_BURST] = "3",
        [PBF_SPREAD] = "5",
        [PBF_SHARED] = "1",
        [PBF_LATE_JOIN] = "2",
        [PBF_DROP] = "9,3",
        [PBF_MAX_FRAGS] = "16383",
        [PBF_MAX_FRAG_SIZE] = "255",
        [PBF_MAX_LOST] = "100",
        [PBF_MEMORY] = "1099511627776",
        [PBF_SEED] = "9007199254740991",
        [PBF_FAULTS] = " mic-error:2.5 ,wrong-descriptor:50",
    };
    set_all(&s, texts);
    task.redundancy_percent = 0; /* 16383 uncoded fragments of 48 bytes */
    s.dr = 5;
    assert_true(pb_settings_check(&s, &task, &run));
    assert_int_equal(run.params.devices, 100000);
    assert_true(run.params.loss.loss == 0.125);
    assert_true(run.params.loss.burst == 3.0);
    assert_true(run.params.loss.spread == 0.05);
    assert_true(run.params.loss.shared_loss == 0.01);
    assert_int_equal(run.params.loss.late_join, 2);
    assert_int_equal(run.params.loss.drop_count, 2);
    assert_int_equal(run.params.loss.drop[0], 9);
    assert_int_equal(run.params.limits.max_fragments, 16383);
    assert_int_equal(run.params.limits.max_frag_size, 255);
    assert_int_equal(run.params.limits.max_lost, 100);
    assert_int_equal(run.params.limits.memory_bytes, 1ull << 40);
    assert_int_equal(run.params.seed, 9007199254740991ull);
    assert_true(run.params.faults.share[FAULT_MIC_ERROR] == 0.025);
    assert_true(run.params.faults.share[FAULT_WRONG_DESCRIPTOR] == 0.5);
    assert_true(run.params.faults.share[FAULT_PACKAGE_NOT_SUPPORTED] == 0.0);
    assert_int_equal(run.session.m, 16383);
    assert_int_equal(run.session.dr, 5);
    pb_run_cleanup(&run);
    pb_run_cleanup(&run); /* twice is harmless */
    task_cleanup(&task);
    pb_settings_cleanup(&s);
}

static void test_settings_refused(void **state)
{
    (void)state;
    static const struct {
        enum pb_field field;
        const char *text;
        enum pb_field where; /* the field the error lands on */
        const char *want;    /* in the error */
    } cases[] = {
        { PBF_DEVICES, "0", PBF_DEVICES,
          "Devices: '0' is not a whole number "
          "from 1 to 100000" },
        { PBF_DEVICES, "100001", PBF_DEVICES, "from 1 to 100000" },
        { PBF_DEVICES, "", PBF_DEVICES, "Devices: required" },
        { PBF_DEVICES, "1e3", PBF_DEVICES, "'1e3' is not a whole number" },
        { PBF_IMAGE, "4177666", PBF_IMAGE, "from 1 to 4177665" },
        { PBF_IMAGE, "0", PBF_IMAGE, "Image bytes:" },
        /* 16383 x 48 bytes need more than 16383 fragments with 20 %. */
        { PBF_IMAGE, "786384", PBF_IMAGE, "Image bytes: FragmentSizeBytes:" },
        { PBF_LOSS, "100.5", PBF_LOSS,
          "Loss %: '100.5' is not a percentage "
          "from 0 to 100" },
        { PBF_LOSS, "-1", PBF_LOSS, "Loss %:" },
        { PBF_LOSS, "", PBF_LOSS, "(required)" },
        { PBF_BURST, "0.5", PBF_BURST,
          "Burst length: 0.5 is not a mean "
          "burst length" },
        { PBF_BURST, "1000001", PBF_BURST, "Burst length:" },
        { PBF_SPREAD, "101", PBF_SPREAD, "Spread %:" },
        { PBF_SHARED, "150", PBF_SHARED, "Shared loss %:" },
        { PBF_LATE_JOIN, "16384", PBF_LATE_JOIN, "Late join:" },
        { PBF_DROP, "0", PBF_DROP, "Drop fragments:" },
        { PBF_DROP, "3,,4", PBF_DROP, "Drop fragments:" },
        { PBF_DROP, "x", PBF_DROP, "Drop fragments:" },
        /* The session has 120 fragments. */
        { PBF_DROP, "3,121", PBF_DROP,
          "fragment 121 is beyond the "
          "session's 120 fragments" },
        { PBF_MAX_FRAGS, "16384", PBF_MAX_FRAGS,
          "Max fragments: '16384' is "
          "not a whole number from 1 "
          "to 16383 (0 = no limit)" },
        { PBF_MAX_FRAG_SIZE, "256", PBF_MAX_FRAG_SIZE, "from 1 to 255" },
        { PBF_MAX_LOST, "99999", PBF_MAX_LOST, "Max lost:" },
        { PBF_MEMORY, "1099511627777", PBF_MEMORY, "Memory bytes:" },
        { PBF_FAULTS, "bogus:5", PBF_FAULTS,
          "Faults: 'bogus' is not a "
          "fault" },
        { PBF_FAULTS, "mic-error", PBF_FAULTS, "is not NAME:PCT" },
        { PBF_FAULTS, "mic-error:101", PBF_FAULTS,
          "Faults: mic-error: '101' "
          "is not a percentage" },
        { PBF_FAULTS, "mic-error:5,,wrong-descriptor:1", PBF_FAULTS,
          "an empty item" },
        { PBF_FAULTS, "mic-error:5,", PBF_FAULTS, "nothing after it" },
        { PBF_SEED, "9007199254740992", PBF_SEED, "Seed:" },
        { PBF_SEED, "", PBF_SEED, "Seed: required" },
    };
    struct fuota_task task;
    make_task(&task, 20);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct pb_settings s;
        assert_true(pb_settings_init(&s));
        assert_true(pb_settings_set(&s, PBF_IMAGE, "4800"));
        assert_true(pb_settings_set(&s, cases[i].field, cases[i].text));
        struct pb_run run;
        assert_false(pb_settings_check(&s, &task, &run));
        assert_null(run.drop);
        assert_int_equal(pb_settings_first_error(&s), cases[i].where);
        if (!strstr(s.error[cases[i].where], cases[i].want))
            fail_msg("%s='%s': got '%s'", pb_field_label(cases[i].field),
                     cases[i].text, s.error[cases[i].where]);
        /* Only that field is marked. */
        for (int f = 0; f < PB_FIELD_COUNT; f++)
            if (f != (int)cases[i].where)
                assert_string_equal(s.error[f], "");
        assert_string_equal(s.request_error, "");
        pb_settings_cleanup(&s);
    }
    task_cleanup(&task);
}

static void test_settings_together(void **state)
{
    (void)state;
    /* The loss models together: a burst too short for the loss, a spread
     * too wide for it (sim/loss's rules, on the field to change). */
    static const struct {
        const char *loss, *burst, *spread;
        enum pb_field where;
        const char *want;
    } cases[] = {
        { "60", "1", "0", PBF_BURST, "cannot reach 60 % loss" },
        { "5", "0", "25", PBF_SPREAD, "too wide for 5 % mean loss" },
        { "50", "1", "0", PB_FIELD_COUNT, "" },
        { "5", "0", "21", PB_FIELD_COUNT, "" },
    };
    struct fuota_task task;
    make_task(&task, 20);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct pb_settings s;
        assert_true(pb_settings_init(&s));
        const char *texts[PB_FIELD_COUNT] = {
            [PBF_IMAGE] = "4800",
            [PBF_LOSS] = cases[i].loss,
            [PBF_BURST] = cases[i].burst,
            [PBF_SPREAD] = cases[i].spread,
        };
        set_all(&s, texts);
        struct pb_run run;
        bool ok = pb_settings_check(&s, &task, &run);
        assert_int_equal(ok, cases[i].where == PB_FIELD_COUNT);
        assert_int_equal(pb_settings_first_error(&s), cases[i].where);
        if (!ok)
            assert_non_null(strstr(s.error[cases[i].where], cases[i].want));
        pb_run_cleanup(&run);
        pb_settings_cleanup(&s);
    }
    /* A data rate that cannot carry the fragments: on Data rate. */
    task.fragment_size_bytes = 100;
    struct pb_settings s;
    assert_true(pb_settings_init(&s));
    assert_true(pb_settings_set(&s, PBF_IMAGE, "4800"));
    struct pb_run run;
    assert_false(pb_settings_check(&s, &task, &run));
    assert_int_equal(pb_settings_first_error(&s), PBF_DR);
    assert_non_null(strstr(s.error[PBF_DR], "Data rate: FragmentSizeBytes"));
    /* A faster one carries them. */
    s.dr = 5;
    assert_true(pb_settings_check(&s, &task, &run));
    pb_run_cleanup(&run);
    /* A request that cannot be played at all: not a settings field. */
    free(task.rf_region);
    task.rf_region = NULL;
    assert_false(pb_settings_check(&s, &task, &run));
    assert_int_equal(pb_settings_first_error(&s), PB_FIELD_COUNT);
    assert_non_null(strstr(s.request_error, "RfRegion"));
    pb_settings_cleanup(&s);
    task_cleanup(&task);
}

static void test_settings_table(void **state)
{
    (void)state;
    /* Every field has a label, a group and a rule that names it. */
    for (int f = 0; f < PB_FIELD_COUNT; f++) {
        const char *label = pb_field_label((enum pb_field)f);
        assert_true(strlen(label) > 0);
        assert_true(strlen(pb_field_group((enum pb_field)f)) > 0);
        assert_true(strncmp(pb_field_help((enum pb_field)f), label,
                            strlen(label)) == 0);
    }
    assert_string_equal(pb_field_label(PB_FIELD_COUNT), "");
    /* Data rates: the default, then EU868's DR0..DR7 that carry. */
    int drs[32];
    size_t n = pb_dr_choices("EU868", drs, 32);
    assert_true(n >= 7);
    assert_int_equal(drs[0], -1);
    assert_int_equal(drs[1], 0);
    assert_int_equal(pb_dr_choices(NULL, drs, 32), 1);
    assert_int_equal(pb_dr_choices("nowhere", drs, 32), 1);
    assert_int_equal(pb_dr_choices("EU868", drs, 0), 0);
    /* A text too long is refused, the old one kept. */
    struct pb_settings s;
    assert_true(pb_settings_init(&s));
    char *big = malloc(PB_TEXT_MAX + 2);
    assert_non_null(big);
    memset(big, '1', PB_TEXT_MAX + 1);
    big[PB_TEXT_MAX + 1] = '\0';
    assert_false(pb_settings_set(&s, PBF_DROP, big));
    assert_string_equal(s.text[PBF_DROP], "");
    free(big);
    pb_settings_cleanup(&s);
}

/* The Class C limit: a session longer than 2^15 s makes every device
 * miss the fragments after those heard within it (the same figure as
 * core/plan's), typed drops kept once; off, or a short session, changes
 * nothing. */
static void test_settings_class_c_limit(void **state)
{
    (void)state;
    struct fuota_task task;
    make_task(&task, 20);
    struct pb_settings set;
    assert_true(pb_settings_init(&set));
    assert_true(set.class_c_limit); /* on by default */
    /* 100000 B in 48-byte fragments at DR0: 2084 + 417 fragments, one
     * every 27.9 s (the duty cycle): about 19 h 24 min. */
    const char *texts[PB_FIELD_COUNT] = {
        [PBF_IMAGE] = "100000", [PBF_DROP] = "5,2000,2500"
    };
    set_all(&set, texts);
    struct pb_run run;
    assert_true(pb_settings_check(&set, &task, &run));
    uint32_t total = run.session.m + run.session.r;
    assert_int_equal(total, 2501);
    assert_int_equal(run.class_c_heard, 1173); /* as fuota plan says */
    /* 5 typed, then 1174..2501 once each (2000 and 2500 among them). */
    assert_int_equal(run.drop_count, 1 + (total - 1173));
    assert_int_equal(run.drop[0], 5);
    assert_int_equal(run.drop[1], 1174);
    assert_int_equal(run.drop[run.drop_count - 1], total);
    assert_ptr_equal(run.params.loss.drop, run.drop);
    assert_int_equal(run.params.loss.drop_count, run.drop_count);
    pb_run_cleanup(&run);

    set.class_c_limit = false;
    assert_true(pb_settings_check(&set, &task, &run));
    assert_int_equal(run.class_c_heard, 1173); /* still said */
    assert_int_equal(run.drop_count, 3);       /* only the typed ones */
    pb_run_cleanup(&run);

    set.class_c_limit = true;
    assert_true(pb_settings_set(&set, PBF_IMAGE, "4800"));
    assert_true(pb_settings_set(&set, PBF_DROP, ""));
    assert_true(pb_settings_check(&set, &task, &run));
    assert_int_equal(run.class_c_heard, 0); /* 120 fragments, under 1 h */
    assert_int_equal(run.drop_count, 0);
    pb_run_cleanup(&run);
    pb_settings_cleanup(&set);
    task_cleanup(&task);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_matches_events),
        cmocka_unit_test(test_replay_cancel),
        cmocka_unit_test(test_job_and_devices),
        cmocka_unit_test(test_job_refused),
        cmocka_unit_test(test_job_faults),
        cmocka_unit_test(test_job_abandon),
        cmocka_unit_test(test_settings_defaults),
        cmocka_unit_test(test_settings_refused),
        cmocka_unit_test(test_settings_together),
        cmocka_unit_test(test_settings_table),
        cmocka_unit_test(test_settings_class_c_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
