/*
 * sim/sweep: parameter rules, the shape of the success curves, agreement
 * with the fleet simulator's full decoder, the TS004 figures,
 * determinism (threads, refinement, cancel, early stop) and the
 * recommendations.
 */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/diag.h"
#include "core/plan.h"
#include "core/task.h"
#include "sim/fleet.h"
#include "sim/loss.h"
#include "sim/sweep.h"

static const uint32_t size50 = 50;
static const int dr5 = 5;

/* M = image / 50 fragments of 50 bytes, EU868 DR5, one loss level. */
static struct sweep_params params_m(uint32_t m, double loss)
{
    struct sweep_params p;
    sweep_params_init(&p);
    p.image_bytes = (uint64_t)m * 50;
    p.fragment_sizes = &size50;
    p.fragment_size_count = 1;
    p.drs = &dr5;
    p.dr_count = 1;
    p.loss = (struct sweep_range){ loss, loss, 1 };
    p.threads = 1;
    return p;
}

static struct sweep *make(const struct sweep_params *p)
{
    struct sweep *sw = NULL;
    char msg[400];
    const char *param = NULL;
    enum sweep_status st = sweep_new(p, &sw, &param, msg, sizeof(msg));
    if (st != SWEEP_OK)
        fail_msg("sweep_new: %s: %s", param, msg);
    return sw;
}

static struct sweep *run(const struct sweep_params *p, uint64_t trials)
{
    struct sweep *sw = make(p);
    assert_int_equal(sweep_run(sw, trials, NULL), SWEEP_OK);
    return sw;
}

/* The point at (size 0, dr 0, loss i, redundancy j). */
static struct sweep_point at(const struct sweep *sw, size_t loss_i,
                             size_t red_i)
{
    struct sweep_point pt;
    assert_true(sweep_point(sw, sweep_index(sw, 0, 0, loss_i, red_i), &pt));
    return pt;
}

/* The index of a redundancy percent on the axis. */
static size_t red_index(const struct sweep *sw, int percent)
{
    struct sweep_axes ax;
    sweep_axes(sw, &ax);
    for (size_t j = 0; j < ax.redundancies; j++)
        if (ax.redundancy[j] == percent)
            return j;
    fail_msg("no redundancy level %d", percent);
    return 0;
}

/* Every point's successes and trials, for comparing two sweeps. */
static void assert_same(const struct sweep *a, const struct sweep *b)
{
    struct sweep_axes x, y;
    sweep_axes(a, &x);
    sweep_axes(b, &y);
    assert_int_equal(x.points, y.points);
    for (size_t i = 0; i < x.points; i++) {
        struct sweep_point p, q;
        sweep_point(a, i, &p);
        sweep_point(b, i, &q);
        assert_int_equal(p.trials, q.trials);
        assert_int_equal(p.successes, q.successes);
        assert_true(p.extra_sent == q.extra_sent);
        assert_true(p.extra_received == q.extra_received);
    }
}

/* ---------------------------------------------------------------------- */

enum field {
    F_NONE,
    F_RED,
    F_LOSS,
    F_IMAGE,
    F_SIZE,
    F_DR,
    F_REGION,
    F_BURST,
    F_SPREAD,
    F_SHARED,
    F_LATE,
    F_DEVICES,
    F_TARGET,
    F_TRIALS,
    F_THREADS,
    F_WIDTH,
    F_INTERVAL
};

static void test_check_rules(void **state)
{
    (void)state;
    static const uint32_t sizes_dup[] = { 50, 50 };
    static const uint32_t size0 = 0, size256 = 256, size1 = 1;
    static const int dr_bad = 7, dr_none = 16, drs_dup[] = { 5, 5 };
    static const struct {
        const char *name;
        enum field f;
        double a, b, c; /* the value(s) set */
        const char *param;
        const char *needle; /* in the message */
    } cases[] = {
        { "defaults", F_NONE, 0, 0, 0, NULL, NULL },
        { "redundancy FROM > TO", F_RED, 30, 20, 5, "redundancy",
          "FROM 30 is above TO 20" },
        { "redundancy step 0", F_RED, 0, 100, 0, "redundancy",
          "STEP 0 must be above 0" },
        { "redundancy step < 0", F_RED, 0, 100, -5, "redundancy",
          "STEP -5 must be above 0" },
        { "redundancy TO 101", F_RED, 0, 101, 5, "redundancy",
          "TO 101 % is outside 0..100 %" },
        { "redundancy FROM -1", F_RED, -1, 100, 5, "redundancy",
          "FROM -1 % is outside" },
        { "redundancy 2.5 %", F_RED, 0, 100, 2.5, "redundancy",
          "not a whole percent" },
        { "redundancy 100:100:1", F_RED, 100, 100, 1, NULL, NULL },
        { "loss FROM > TO", F_LOSS, 10, 5, 1, "loss", "FROM 10 is above TO 5" },
        { "loss step 0", F_LOSS, 0, 30, 0, "loss", "STEP 0" },
        { "loss TO 100.5", F_LOSS, 0, 100.5, 5, "loss",
          "TO 100.5 % is outside 0..100 %" },
        { "loss NaN", F_LOSS, NAN, 10, 1, "loss", "FROM is not a number" },
        { "loss 0:100:0.5", F_LOSS, 0, 100, 0.5, NULL, NULL },
        { "loss 2.5 steps", F_LOSS, 0, 30, 2.5, NULL, NULL },
        /* 100,000 points is the most: 1 size x 1 DR x 1000 x 100 */
        { "grid 100000", F_LOSS, 0, 99.9, 0.1, NULL, NULL },
        { "grid 100100", F_LOSS, 0, 100, 0.1, "grid",
          "= 100100 points, more than 100000" },
        { "loss tiny step", F_LOSS, 0, 100, 1e-300, "loss",
          "gives more than 100000 levels" },
        { "loss 100001 levels", F_LOSS, 0, 100, 0.001, "loss",
          "STEP 0.001 gives more than 100000 levels" },
        { "image 0", F_IMAGE, 0, 0, 0, "image-size", "0 bytes is outside" },
        { "image too big", F_IMAGE, 16383.0 * 255 + 1, 0, 0, "image-size",
          "4177666 bytes is outside 1..4177665" },
        { "region", F_REGION, 0, 0, 0, "region", "'EU999' is not" },
        { "dr 7 (FSK) is fine", F_DR, 7, 0, 0, NULL, NULL },
        { "dr 16", F_DR, 16, 0, 0, "dr", "no downlink data rate DR16" },
        { "dr twice", F_DR, -2, 0, 0, "dr", "DR5 is given twice" },
        { "size 0", F_SIZE, 0, 0, 0, "fragment-size", "0 bytes is outside" },
        { "size 256", F_SIZE, 256, 0, 0, "fragment-size",
          "256 bytes is outside 1..255" },
        { "size twice", F_SIZE, -2, 0, 0, "fragment-size",
          "50 bytes is given twice" },
        { "size 1: too many fragments", F_SIZE, 1, 0, 0, "fragment-size",
          "more than the 16383" },
        { "burst 0.5", F_BURST, 0.5, 0, 0, "burst", "at least 1 fragment" },
        { "burst too short for 30 %", F_BURST, 0.4, 0, 0, "burst",
          "at least 1" },
        { "burst 1 for 60 %", F_BURST, 1, 60, 0, "burst",
          "cannot reach 60 % loss" },
        { "spread too wide at 5 %", F_SPREAD, 25, 0, 0, "spread",
          "too wide for 5 % mean loss" },
        { "spread 101", F_SPREAD, 101, 0, 0, "spread", "" },
        { "shared 101", F_SHARED, 101, 0, 0, "shared-loss", "" },
        { "late join 16384", F_LATE, 16384, 0, 0, "late-join", "" },
        { "devices 0", F_DEVICES, 0, 0, 0, "devices", "0 is outside" },
        { "target 100.1", F_TARGET, 100.1, 0, 0, "target",
          "100.1 % is outside 0..100 %" },
        { "target -1", F_TARGET, -1, 0, 0, "target", "" },
        { "target 100", F_TARGET, 100, 0, 0, NULL, NULL },
        { "trials 0", F_TRIALS, 0, 0, 0, "trials", "0 is outside" },
        { "threads 257", F_THREADS, 257, 0, 0, "threads", "" },
        { "width -1", F_WIDTH, -1, 0, 0, "width", "" },
        { "width 101", F_WIDTH, 101, 0, 0, "width", "" },
        { "interval 0", F_INTERVAL, 0, 0, 0, "interval", "below the minimum" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sweep_params p = params_m(1000, 0);
        p.loss = (struct sweep_range){ 0, 30, 5 };
        double a = cases[i].a, b = cases[i].b, c = cases[i].c;
        switch (cases[i].f) {
        case F_NONE:
            break;
        case F_RED:
            p.redundancy = (struct sweep_range){ a, b, c };
            break;
        case F_LOSS:
            p.loss = (struct sweep_range){ a, b, c };
            p.redundancy = (struct sweep_range){ 0, 99, 1 };
            break;
        case F_IMAGE:
            p.image_bytes = (uint64_t)a;
            break;
        case F_REGION:
            p.region = "EU999";
            break;
        case F_DR:
            p.drs = a == -2 ? drs_dup : a == 7 ? &dr_bad : &dr_none;
            p.dr_count = a == -2 ? 2 : 1;
            break;
        case F_SIZE:
            p.fragment_sizes = a == -2    ? sizes_dup
                               : a == 0   ? &size0
                               : a == 256 ? &size256
                                          : &size1;
            p.fragment_size_count = a == -2 ? 2 : 1;
            break;
        case F_BURST:
            p.burst = a;
            if (b > 0)
                p.loss = (struct sweep_range){ 0, b, 10 };
            break;
        case F_SPREAD:
            p.spread = a;
            break;
        case F_SHARED:
            p.shared_loss = a;
            break;
        case F_LATE:
            p.late_join = (uint32_t)a;
            break;
        case F_DEVICES:
            p.devices = (uint64_t)a;
            break;
        case F_TARGET:
            p.target = a;
            break;
        case F_TRIALS:
            p.trials = (uint64_t)a;
            break;
        case F_THREADS:
            p.threads = (unsigned)a;
            break;
        case F_WIDTH:
            p.width = a;
            break;
        case F_INTERVAL:
            p.has_interval = true;
            p.interval_ms = (int32_t)a;
            break;
        }
        const char *param = "unset";
        char msg[400] = "unset";
        enum sweep_status st = sweep_check(&p, &param, msg, sizeof(msg));
        if (!cases[i].param) {
            if (st != SWEEP_OK)
                fail_msg("%s: refused: %s: %s", cases[i].name, param, msg);
            continue;
        }
        if (st != SWEEP_ERR_PARAM || strcmp(param, cases[i].param) != 0 ||
            !strstr(msg, cases[i].needle))
            fail_msg("%s: got %d %s: '%s'", cases[i].name, (int)st, param, msg);
        /* sweep_new refuses it with the same words. */
        struct sweep *sw = (struct sweep *)&p;
        char msg2[400];
        const char *param2 = NULL;
        assert_int_equal(sweep_new(&p, &sw, &param2, msg2, sizeof(msg2)),
                         SWEEP_ERR_PARAM);
        assert_null(sw);
        assert_string_equal(param2, param);
        assert_string_equal(msg2, msg);
    }
}

/* A size TS004 allows but no data rate asked can carry. */
static void test_check_carry(void **state)
{
    (void)state;
    static const uint32_t size100 = 100;
    static const int dr0 = 0;
    struct sweep_params p = params_m(1000, 0);
    p.fragment_sizes = &size100;
    p.drs = &dr0;
    const char *param = NULL;
    char msg[400];
    assert_int_equal(sweep_check(&p, &param, msg, sizeof(msg)),
                     SWEEP_ERR_PARAM);
    assert_string_equal(param, "fragment-size");
    assert_non_null(strstr(msg, "EU868 carries at most 48 fragment bytes"));
}

/* ---------------------------------------------------------------------- */
/* Shape */

static void test_monotone_in_redundancy(void **state)
{
    (void)state;
    static const double bursts[] = { 0, 4 };
    for (size_t b = 0; b < 2; b++) {
        struct sweep_params p = params_m(200, 0);
        p.loss = (struct sweep_range){ 0, 30, 5 };
        p.burst = bursts[b];
        p.spread = 3;
        p.redundancy = (struct sweep_range){ 0, 100, 2 };
        struct sweep *sw = run(&p, 300);
        struct sweep_axes ax;
        sweep_axes(sw, &ax);
        for (size_t l = 0; l < ax.losses; l++) {
            uint64_t prev = 0;
            for (size_t j = 0; j < ax.redundancies; j++) {
                struct sweep_point pt = at(sw, l, j);
                assert_int_equal(pt.trials, 300);
                assert_true(pt.successes >= prev);
                prev = pt.successes;
            }
        }
        sweep_free(sw);
    }
}

/* With i.i.d. loss the same draws decide every level: more loss never
 * helps. */
static void test_monotone_in_loss(void **state)
{
    (void)state;
    struct sweep_params p = params_m(300, 0);
    p.loss = (struct sweep_range){ 0, 40, 2.5 };
    struct sweep *sw = run(&p, 200);
    struct sweep_axes ax;
    sweep_axes(sw, &ax);
    for (size_t j = 0; j < ax.redundancies; j++)
        for (size_t l = 1; l < ax.losses; l++)
            assert_true(at(sw, l, j).successes <= at(sw, l - 1, j).successes);
    sweep_free(sw);
}

static void test_no_loss(void **state)
{
    (void)state;
    struct sweep_params p = params_m(1000, 0);
    struct sweep *sw = run(&p, 100);
    struct sweep_axes ax;
    sweep_axes(sw, &ax);
    for (size_t j = 0; j < ax.redundancies; j++) {
        struct sweep_point pt = at(sw, 0, j);
        assert_true(pt.p == 1.0);
        assert_true(pt.p_hi == 1.0);
        assert_true(pt.p_all == 1.0);
        assert_true(pt.extra_sent == 0.0 && pt.extra_received == 0.0);
    }
    struct sweep_overhead o;
    assert_true(sweep_overhead(sw, 0, 0, &o));
    assert_int_equal(o.completed, 100);
    assert_int_equal(o.bins[0], 100);
    /* No redundancy is needed: 0 % is the recommendation, but 100 of 100
     * trials only show p >= 96.3 %: not confirmed for 99 %. */
    struct sweep_recommendation r;
    assert_true(sweep_recommend_redundancy(sw, 0, 0, 0, &r));
    assert_true(r.found && !r.confirmed);
    assert_int_equal(r.confirmed_redundancy, -1);
    assert_int_equal(r.point.redundancy_percent, 0);
    assert_true(r.lo < 0.99 && r.value == 1.0);
    /* 1000 trials confirm it (lower bound 99.6 %). */
    assert_int_equal(sweep_run(sw, 1000, NULL), SWEEP_OK);
    assert_true(sweep_recommend_redundancy(sw, 0, 0, 0, &r));
    assert_true(r.found && r.confirmed);
    assert_int_equal(r.confirmed_redundancy, 0);
    sweep_free(sw);
}

static void test_m1000_10_percent(void **state)
{
    (void)state;
    struct sweep_params p = params_m(1000, 10);
    struct sweep *sw = run(&p, 1000);
    struct sweep_point p5 = at(sw, 0, red_index(sw, 5));
    struct sweep_point p20 = at(sw, 0, red_index(sw, 20));
    assert_int_equal(p5.m, 1000);
    assert_int_equal(p20.r, 200);
    /* 1050 sent, about 945 received: nobody; 1200 sent: everybody. */
    assert_true(p5.p_hi < 0.01);
    assert_true(p20.p_lo > 0.99);
    sweep_free(sw);
}

/* Bursts of the same mean need more redundancy than i.i.d. loss. */
static void test_bursts_need_more(void **state)
{
    (void)state;
    struct sweep_params p = params_m(500, 10);
    p.redundancy = (struct sweep_range){ 0, 100, 1 };
    struct sweep *iid = run(&p, 1000);
    p.burst = 8;
    struct sweep *bursty = run(&p, 1000);
    struct sweep_recommendation a, b;
    assert_true(sweep_recommend_redundancy(iid, 0, 0, 0, &a));
    assert_true(sweep_recommend_redundancy(bursty, 0, 0, 0, &b));
    assert_true(a.found && b.found);
    assert_true(b.point.redundancy_percent > a.point.redundancy_percent + 2);
    /* And at the i.i.d. recommendation bursts fall clearly short. */
    struct sweep_point pb =
        at(bursty, 0, red_index(bursty, a.point.redundancy_percent));
    assert_true(pb.p_hi < a.lo);
    sweep_free(iid);
    sweep_free(bursty);
}

/* ---------------------------------------------------------------------- */
/* Agreement with the fleet simulator (full decoder, image hash) */

/* Devices the fleet completes in full mode for the sweep's point. */
static size_t fleet_completed(const struct sweep_params *sp, double loss,
                              int redundancy, uint64_t seed, size_t devices)
{
    struct fleet_session s;
    memset(&s, 0, sizeof(s));
    s.image_bytes = sp->image_bytes;
    s.fragment_size = sp->fragment_sizes[0];
    s.redundancy_percent = redundancy;
    s.region = "EU868";
    s.dr = sp->drs[0];
    s.time_on_air_us = 100000;
    char msg[256];
    assert_true(fleet_session_schedule(&s, msg, sizeof(msg)));
    uint8_t *image = malloc(s.image_bytes);
    assert_non_null(image);
    fleet_generate_image(image, s.image_bytes, seed);
    struct fleet_params p;
    fleet_params_init(&p);
    p.session = &s;
    p.image = image;
    p.seed = seed;
    p.devices = devices;
    p.loss.loss = loss / 100.0;
    p.loss.burst = sp->burst;
    p.loss.spread = sp->spread / 100.0;
    p.loss.shared_loss = sp->shared_loss / 100.0;
    p.loss.late_join = sp->late_join;
    p.mode = FLEET_MODE_FULL;
    p.threads = 2;
    struct fleet_result r;
    assert_int_equal(fleet_run(&p, &r, msg, sizeof(msg)), FLEET_OK);
    assert_int_equal(r.internal_errors, 0);
    size_t done = r.completed;
    fleet_result_cleanup(&r);
    free(image);
    return done;
}

static void test_agrees_with_fleet(void **state)
{
    (void)state;
    static const struct {
        double burst, spread;
        uint32_t late;
        double loss;
        int red;
    } cases[] = {
        { 0, 0, 0, 10, 15 },   { 0, 0, 0, 10, 20 }, { 0, 0, 0, 20, 30 },
        { 4, 0, 0, 10, 25 },   { 2, 0, 0, 20, 40 }, { 0, 5, 0, 10, 20 },
        { 3, 5, 0, 15, 35 },   { 0, 0, 9, 5, 15 },  { 0, 0, 0, 0, 0 },
        { 0, 0, 0, 100, 100 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sweep_params p = params_m(80, cases[i].loss);
        p.burst = cases[i].burst;
        p.spread = cases[i].spread;
        p.late_join = cases[i].late;
        p.seed = 41 + i;
        p.redundancy = (struct sweep_range){ cases[i].red, cases[i].red, 1 };
        struct sweep *sw = run(&p, 300);
        struct sweep_point pt = at(sw, 0, 0);
        /* The same seed: the same devices, one by one. */
        size_t same =
            fleet_completed(&p, cases[i].loss, cases[i].red, p.seed, 300);
        if (pt.successes != same)
            fail_msg("case %zu: sweep %llu, fleet %zu of 300", i,
                     (unsigned long long)pt.successes, same);
        /* Other devices (another seed): both estimates have their own
         * sampling error, so their intervals must overlap. */
        size_t other = fleet_completed(&p, cases[i].loss, cases[i].red,
                                       p.seed + 1000, 300);
        double lo, hi;
        sweep_wilson(other, 300, SWEEP_Z95, &lo, &hi);
        if (hi < pt.p_lo || lo > pt.p_hi)
            fail_msg("case %zu: fleet [%.3f, %.3f] vs sweep [%.3f, %.3f]", i,
                     lo, hi, pt.p_lo, pt.p_hi);
        sweep_free(sw);
    }
}

/* Shared loss: each trial is its own session; one device in each of 300
 * simulated sessions agrees within the interval. */
static void test_shared_loss_sessions(void **state)
{
    (void)state;
    struct sweep_params p = params_m(60, 5);
    p.shared_loss = 5;
    p.redundancy = (struct sweep_range){ 25, 25, 1 };
    struct sweep *sw = run(&p, 2000);
    struct sweep_point pt = at(sw, 0, 0);
    assert_true(pt.p > 0.2 && pt.p < 0.98);
    size_t done = 0;
    for (uint64_t s = 0; s < 300; s++)
        done += fleet_completed(&p, 5, 25, 7000 + s, 1);
    double share = (double)done / 300.0;
    /* The fleet's 300 sessions have their own sampling error: compare
     * their interval with the sweep's. */
    double lo, hi;
    sweep_wilson(done, 300, SWEEP_Z95, &lo, &hi);
    if (hi < pt.p_lo || lo > pt.p_hi)
        fail_msg("fleet %.3f [%.3f, %.3f] vs sweep %.3f [%.3f, %.3f]", share,
                 lo, hi, pt.p, pt.p_lo, pt.p_hi);
    /* Without shared loss the same mean loss does better. */
    p.shared_loss = 0;
    struct sweep *iid = run(&p, 2000);
    p.loss = (struct sweep_range){ 9.75, 9.75, 1 }; /* 1 - 0.95^2 */
    struct sweep *iid2 = run(&p, 2000);
    assert_true(at(iid, 0, 0).p > pt.p);
    /* Shared + own loss at 5 % each is about 9.75 % i.i.d. for one
     * device. */
    struct sweep_point q = at(iid2, 0, 0);
    assert_true(fabs(q.p - pt.p) < 0.06);
    sweep_free(iid);
    sweep_free(iid2);
    sweep_free(sw);
}

/* ---------------------------------------------------------------------- */
/* TS004: M = 500, 10 % loss: about 27-30 % complete with exactly M, about
 * M + 1.6 on average, 99 % within M + 7 (received fragments). */
static void test_ts004_figures(void **state)
{
    (void)state;
    struct sweep_params p = params_m(500, 10);
    p.redundancy = (struct sweep_range){ 100, 100, 1 };
    p.threads = 2;
    struct sweep *sw = run(&p, 20000);
    struct sweep_overhead o;
    assert_true(sweep_overhead(sw, 0, 0, &o));
    assert_int_equal(o.trials, 20000);
    assert_int_equal(o.completed, 20000);
    double lo, hi;
    sweep_wilson(o.bins[0], o.completed, SWEEP_Z95, &lo, &hi);
    if (hi < 0.27 || lo > 0.30)
        fail_msg("exactly M: %.4f [%.4f, %.4f]",
                 (double)o.bins[0] / (double)o.completed, lo, hi);
    /* The mean: 1.6 within three standard errors. */
    double sum2 = 0;
    for (size_t k = 0; k < SWEEP_OVERHEAD_BINS; k++)
        sum2 += (double)o.bins[k] * (double)k * (double)k;
    double var = sum2 / (double)o.completed - o.mean * o.mean;
    double se = sqrt(var / (double)o.completed);
    if (fabs(o.mean - 1.6) > 3 * se + 0.05)
        fail_msg("mean %.3f (se %.3f)", o.mean, se);
    uint64_t within7 = 0;
    for (size_t k = 0; k <= 7; k++)
        within7 += o.bins[k];
    sweep_wilson(within7, o.completed, SWEEP_Z95, &lo, &hi);
    if (hi < 0.99)
        fail_msg("within M + 7: %.4f [%.4f, %.4f]",
                 (double)within7 / (double)o.completed, lo, hi);
    /* The received overhead of the point agrees with the histogram. */
    struct sweep_point pt = at(sw, 0, 0);
    assert_true(fabs(pt.extra_received - o.mean) < 1e-12);
    sweep_free(sw);
}

/* ---------------------------------------------------------------------- */
/* Determinism */

static struct sweep_params mixed(void)
{
    static const uint32_t sizes[] = { 40, 100 };
    static const int drs[] = { 5, 3 };
    struct sweep_params p;
    sweep_params_init(&p);
    p.image_bytes = 12345;
    p.fragment_sizes = sizes;
    p.fragment_size_count = 2;
    p.drs = drs;
    p.dr_count = 2;
    p.loss = (struct sweep_range){ 0, 20, 5 };
    p.redundancy = (struct sweep_range){ 0, 60, 10 };
    p.burst = 2;
    p.spread = 3;
    p.shared_loss = 1;
    p.late_join = 2;
    p.seed = 99;
    return p;
}

static void test_threads_identical(void **state)
{
    (void)state;
    struct sweep_params p = mixed();
    p.threads = 1;
    struct sweep *one = run(&p, 450);
    for (unsigned t = 2; t <= 3; t++) {
        p.threads = t;
        struct sweep *other = run(&p, 450);
        assert_same(one, other);
        sweep_free(other);
    }
    sweep_free(one);
}

static void test_refinement_identical(void **state)
{
    (void)state;
    struct sweep_params p = mixed();
    p.threads = 2;
    struct sweep *go = run(&p, 700);
    struct sweep *steps = make(&p);
    static const uint64_t plan[] = { 1, 37, 100, 350, 300, 699, 700, 700 };
    for (size_t i = 0; i < sizeof(plan) / sizeof(plan[0]); i++) {
        assert_int_equal(sweep_run(steps, plan[i], NULL), SWEEP_OK);
        uint64_t want = plan[i];
        for (size_t k = 0; k < i; k++)
            if (plan[k] > want)
                want = plan[k];
        assert_int_equal(sweep_trials(steps), want);
    }
    assert_same(go, steps);
    sweep_free(go);
    sweep_free(steps);
}

struct cancel_ctx {
    atomic_bool cancel;
    struct sweep *sw;
    uint64_t calls, last_done, last_total;
    enum sweep_status nested;
    uint64_t cancel_after;
};

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
    struct cancel_ctx *c = ctx;
    c->calls++;
    assert_true(done <= total);
    assert_true(done >= c->last_done);
    c->last_done = done;
    c->last_total = total;
    /* A nested run is refused, not run. */
    c->nested = sweep_run(c->sw, 5, NULL);
    if (c->cancel_after && done >= c->cancel_after)
        atomic_store(&c->cancel, true);
}

static void test_cancel_and_continue(void **state)
{
    (void)state;
    struct sweep_params p = mixed();
    p.threads = 2;
    struct sweep *go = run(&p, 900);
    struct sweep *sw = make(&p);
    struct cancel_ctx c = { .sw = sw, .cancel_after = 3000 };
    atomic_init(&c.cancel, false);
    struct sweep_control ctl = { .cancel = &c.cancel,
                                 .progress = on_progress,
                                 .progress_ctx = &c };
    assert_int_equal(sweep_run(sw, 900, &ctl), SWEEP_CANCELLED);
    assert_int_equal(c.nested, SWEEP_ERR_BUSY);
    /* The results are those of the last whole stage: a checkpoint. */
    uint64_t t = sweep_trials(sw);
    assert_true(t == 0 || t == 100 || t == 200 || t == 300);
    for (size_t i = 0; i < 10; i++) {
        struct sweep_point pt;
        sweep_point(sw, i * 13, &pt);
        assert_true(pt.trials == t || !pt.feasible);
    }
    /* Continue: the same as one go. */
    c.cancel_after = 0;
    c.last_done = 0;
    atomic_store(&c.cancel, false);
    assert_int_equal(sweep_run(sw, 900, &ctl), SWEEP_OK);
    assert_int_equal(c.last_done, c.last_total);
    assert_same(go, sw);
    /* A cancel set before the run: nothing changes. */
    atomic_store(&c.cancel, true);
    assert_int_equal(sweep_run(sw, 1000, &ctl), SWEEP_CANCELLED);
    assert_int_equal(sweep_trials(sw), 900);
    /* More trials than allowed. */
    assert_int_equal(sweep_run(sw, SWEEP_TRIALS_MAX + 1, NULL),
                     SWEEP_ERR_PARAM);
    sweep_free(go);
    sweep_free(sw);
}

/* A reader thread (the planner's UI) sees whole stages only: every row has
 * the same trial count, a checkpoint or the end, while the run goes on. */
struct reader {
    struct sweep *sw;
    atomic_bool stop;
    size_t reads, bad;
};

static void *read_while_running(void *arg)
{
    struct reader *r = arg;
    struct sweep_axes ax;
    sweep_axes(r->sw, &ax);
    while (!atomic_load(&r->stop)) {
        uint64_t stage = sweep_stage(r->sw);
        uint64_t t = sweep_trials(r->sw);
        bool whole = t == 0 || t == 1200 || t == 100 || t == 200 || t == 300 ||
                     t == 400 || t == 500 || t == 625 || t == 781 || t == 976;
        r->bad += !whole;
        /* One stage throughout: every point has exactly t trials. */
        size_t mixed = 0;
        for (size_t i = 0; i < ax.points; i++) {
            struct sweep_point pt;
            sweep_point(r->sw, i, &pt);
            mixed += pt.feasible && pt.trials != t;
        }
        if (stage == sweep_stage(r->sw)) /* else read again */
            r->bad += mixed;
        r->reads++;
    }
    return NULL;
}

static void test_readers_during_run(void **state)
{
    (void)state;
    struct sweep_params p = mixed();
    p.threads = 2;
    struct reader r = { .sw = make(&p) };
    atomic_init(&r.stop, false);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, read_while_running, &r), 0);
    assert_int_equal(sweep_run(r.sw, 1200, NULL), SWEEP_OK);
    atomic_store(&r.stop, true);
    pthread_join(th, NULL);
    assert_true(r.reads > 0);
    assert_int_equal(r.bad, 0);
    assert_int_equal(sweep_trials(r.sw), 1200);
    /* Stages 100, 200, 300, 400, 500, 625, 781, 976, 1200. */
    assert_int_equal(sweep_stage(r.sw), 9);
    sweep_free(r.sw);
}

static void test_early_stop(void **state)
{
    (void)state;
    struct sweep_params p = params_m(200, 0);
    p.loss = (struct sweep_range){ 0, 20, 10 };
    p.redundancy = (struct sweep_range){ 0, 60, 5 };
    p.width = 12;
    p.threads = 3;
    struct sweep *a = run(&p, 5000);
    p.threads = 1;
    struct sweep *b = make(&p);
    assert_int_equal(sweep_run(b, 250, NULL), SWEEP_OK);
    assert_int_equal(sweep_run(b, 5000, NULL), SWEEP_OK);
    assert_same(a, b);
    struct sweep_axes ax;
    sweep_axes(a, &ax);
    /* No loss: every interval is narrow at the first checkpoint. */
    assert_int_equal(at(a, 0, 0).trials, 100);
    for (size_t l = 0; l < ax.losses; l++) {
        struct sweep_point pt = at(a, l, 0);
        assert_true(pt.trials < 5000);
        for (size_t j = 0; j < ax.redundancies; j++) {
            struct sweep_point q = at(a, l, j);
            assert_true(q.p_hi - q.p_lo < 0.12);
        }
    }
    assert_int_equal(sweep_trials(a), at(a, 0, 0).trials);
    /* Without the width every row runs to the end. */
    p.width = 0;
    struct sweep *c = run(&p, 600);
    assert_int_equal(sweep_trials(c), 600);
    sweep_free(a);
    sweep_free(b);
    sweep_free(c);
}

/* ---------------------------------------------------------------------- */
/* Figures and recommendations */

static void test_wilson(void **state)
{
    (void)state;
    static const struct {
        uint64_t k, n;
        double lo, hi;
    } cases[] = {
        { 0, 0, 0, 1 },
        { 0, 10, 0, 0.2775 },
        { 10, 10, 0.7225, 1 },
        { 5, 10, 0.2366, 0.7634 },
        { 990, 1000, 0.98168, 0.99457 },
        { 1000, 1000, 0.99617, 1 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double lo, hi;
        sweep_wilson(cases[i].k, cases[i].n, SWEEP_Z95, &lo, &hi);
        assert_true(fabs(lo - cases[i].lo) < 1e-4);
        assert_true(fabs(hi - cases[i].hi) < 1e-4);
    }
}

/* Airtime and wall time are core/plan's for the same request. */
static void test_plan_figures(void **state)
{
    (void)state;
    struct sweep_params p = params_m(1000, 10);
    p.has_interval = true;
    p.interval_ms = 1400;
    struct sweep *sw = make(&p);
    struct sweep_point pt = at(sw, 0, red_index(sw, 15));
    struct fuota_task t;
    task_init(&t);
    t.has_fragment_size_bytes = true;
    t.fragment_size_bytes = 50;
    t.has_redundancy_percent = true;
    t.redundancy_percent = 15;
    t.has_fragment_interval_ms = true;
    t.fragment_interval_ms = 1400;
    t.has_lorawan = true;
    t.rf_region = strdup("EU868");
    struct plan_input in = { .task = &t, .image_bytes = 50000, .dr = 5 };
    struct plan pl;
    struct diag_list d;
    diag_list_init(&d);
    assert_int_equal(plan_compute(&in, &pl, &d), PLAN_OK);
    assert_true(pt.sendable);
    assert_int_equal(pt.m + pt.r, pl.total_fragments);
    assert_true(pt.wall_time_s == pl.session_wall_time_s);
    assert_true(pt.airtime_s == (double)pl.total_time_on_air_us / 1e6);
    diag_list_cleanup(&d);
    task_cleanup(&t);
    sweep_free(sw);
}

static void test_fleet_target(void **state)
{
    (void)state;
    struct sweep_params p = params_m(300, 10);
    p.redundancy = (struct sweep_range){ 0, 60, 1 };
    p.target = 95;
    struct sweep *share = run(&p, 2000);
    p.devices = 100;
    p.target_kind = SWEEP_TARGET_FLEET;
    struct sweep *fleet = run(&p, 2000);
    struct sweep_recommendation a, b;
    assert_true(sweep_recommend_redundancy(share, 0, 0, 0, &a));
    assert_true(sweep_recommend_redundancy(fleet, 0, 0, 0, &b));
    assert_true(a.found && b.found);
    /* All of 100 devices at 95 % needs each at about 99.95 %. */
    assert_true(b.point.redundancy_percent > a.point.redundancy_percent);
    assert_true(b.value >= 0.95);
    assert_true(fabs(b.point.p_all - pow(b.point.p, 100)) < 1e-12);
    assert_true(b.point.p_all_lo <= b.point.p_all &&
                b.point.p_all <= b.point.p_all_hi);
    /* The share's point: the estimate reaches 95 %, the one below does
     * not; confirmed means its lower bound does too. */
    assert_true(a.value >= 0.95);
    struct sweep_point below =
        at(share, 0, red_index(share, a.point.redundancy_percent - 1));
    assert_true(below.p < 0.95);
    if (a.confirmed)
        assert_true(a.lo >= 0.95);
    else
        assert_true(a.confirmed_redundancy == -1 ||
                    a.confirmed_redundancy > a.point.redundancy_percent);
    /* Out of range indexes. */
    assert_false(sweep_recommend_redundancy(share, 1, 0, 0, &a));
    assert_false(sweep_recommend_redundancy(share, 0, 1, 0, &a));
    assert_false(sweep_recommend_redundancy(share, 0, 0, 1, &a));
    struct sweep_point pt;
    struct sweep_axes ax;
    sweep_axes(share, &ax);
    assert_false(sweep_point(share, ax.points, &pt));
    sweep_free(share);
    sweep_free(fleet);
}

/* The fragment size with the shortest wall time wins; sizes the data rate
 * cannot carry are never picked. */
static void test_fragment_size(void **state)
{
    (void)state;
    static const uint32_t sizes[] = { 20, 50, 100 };
    static const int drs[] = { 3, 0 };
    struct sweep_params p;
    sweep_params_init(&p);
    p.image_bytes = 10000;
    p.fragment_sizes = sizes;
    p.fragment_size_count = 3;
    p.drs = drs;
    p.dr_count = 2;
    p.loss = (struct sweep_range){ 10, 10, 1 };
    p.redundancy = (struct sweep_range){ 0, 100, 5 };
    p.threads = 2;
    struct sweep *sw = run(&p, 500);
    struct sweep_recommendation r;
    /* DR3 (115 bytes): 100-byte fragments, fewest frames. */
    assert_true(sweep_recommend_fragment_size(sw, 0, 0, &r));
    assert_true(r.found);
    assert_int_equal(r.point.fragment_size, 100);
    assert_int_equal(r.point.dr, 3);
    for (size_t s = 0; s < 3; s++) {
        struct sweep_recommendation q;
        assert_true(sweep_recommend_redundancy(sw, s, 0, 0, &q));
        assert_true(q.found);
        assert_true(q.point.wall_time_s >= r.point.wall_time_s);
    }
    /* DR0 (48 bytes): 100 does not fit, 50 neither: 20 it is. */
    assert_true(sweep_recommend_fragment_size(sw, 1, 0, &r));
    assert_true(r.found);
    assert_int_equal(r.point.fragment_size, 20);
    struct sweep_point pt;
    sweep_point(sw, sweep_index(sw, 2, 1, 0, 0), &pt);
    assert_true(pt.feasible && !pt.sendable);
    assert_true(pt.airtime_s == 0.0);
    assert_false(sweep_recommend_fragment_size(sw, 2, 0, &r));
    sweep_free(sw);
}

/* Redundancy levels beyond 16383 fragments are not sessions. */
static void test_infeasible_levels(void **state)
{
    (void)state;
    static const uint32_t size = 100;
    struct sweep_params p = params_m(1000, 20);
    p.image_bytes = 1000000; /* M = 10000 */
    p.fragment_sizes = &size;
    p.redundancy = (struct sweep_range){ 0, 100, 20 };
    struct sweep *sw = run(&p, 20);
    struct sweep_point pt = at(sw, 0, red_index(sw, 60));
    assert_true(pt.feasible && pt.sendable);
    pt = at(sw, 0, red_index(sw, 80));
    assert_false(pt.feasible);
    assert_false(pt.sendable);
    assert_int_equal(pt.successes, 0);
    assert_int_equal(pt.r, 8000);
    struct sweep_recommendation r;
    assert_true(sweep_recommend_redundancy(sw, 0, 0, 0, &r));
    assert_true(r.found);
    assert_true(r.point.redundancy_percent <= 60);
    sweep_free(sw);
}

static void test_describe(void **state)
{
    (void)state;
    struct sweep_params p;
    sweep_params_init(&p);
    char buf[160];
    assert_string_equal(sweep_describe_model(&p, 10, buf, sizeof(buf)),
                        "10 % i.i.d. loss");
    p.burst = 4;
    p.spread = 5;
    p.shared_loss = 1;
    p.late_join = 3;
    assert_string_equal(sweep_describe_model(&p, 12.5, buf, sizeof(buf)),
                        "12.5 % loss in bursts of 4 fragments, spread 5 %, "
                        "1 % shared loss, late join 3");
    /* Truncated, still a string. */
    assert_int_equal(strlen(sweep_describe_model(&p, 12.5, buf, 20)), 19);
    assert_string_equal(sweep_status_message(SWEEP_CANCELLED), "cancelled");
    assert_string_equal(sweep_status_message((enum sweep_status)99),
                        "unknown status");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_rules),
        cmocka_unit_test(test_check_carry),
        cmocka_unit_test(test_monotone_in_redundancy),
        cmocka_unit_test(test_monotone_in_loss),
        cmocka_unit_test(test_no_loss),
        cmocka_unit_test(test_m1000_10_percent),
        cmocka_unit_test(test_bursts_need_more),
        cmocka_unit_test(test_agrees_with_fleet),
        cmocka_unit_test(test_shared_loss_sessions),
        cmocka_unit_test(test_ts004_figures),
        cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_refinement_identical),
        cmocka_unit_test(test_cancel_and_continue),
        cmocka_unit_test(test_readers_during_run),
        cmocka_unit_test(test_early_stop),
        cmocka_unit_test(test_wilson),
        cmocka_unit_test(test_plan_figures),
        cmocka_unit_test(test_fleet_target),
        cmocka_unit_test(test_fragment_size),
        cmocka_unit_test(test_infeasible_levels),
        cmocka_unit_test(test_describe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
