#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "core/fec.h"
#include "core/task.h"
#include "sim/events.h"
#include "sim/fleet.h"
#include "sim/report.h"
#include "sim/store.h"

/* A session built by hand: no region needed. */
static struct fleet_session session(uint64_t image_bytes, uint32_t s, int pct)
{
    struct fleet_session x;
    memset(&x, 0, sizeof(x));
    x.image_bytes = image_bytes;
    x.fragment_size = s;
    x.redundancy_percent = pct;
    x.region = "EU868";
    x.dr = 0;
    x.interval_ms = 1000;
    x.time_on_air_us = 100000;
    char msg[256];
    if (!fleet_session_schedule(&x, msg, sizeof(msg)))
        fail_msg("schedule: %s", msg);
    return x;
}

struct sim {
    struct fleet_session s;
    uint8_t *image;
    struct fleet_params p;
    struct fleet_result r;
};

static void sim_setup(struct sim *x, uint64_t bytes, uint32_t frag, int pct,
                      size_t devices)
{
    memset(x, 0, sizeof(*x));
    x->s = session(bytes, frag, pct);
    x->image = malloc(bytes);
    assert_non_null(x->image);
    fleet_generate_image(x->image, bytes, 5);
    fleet_params_init(&x->p);
    x->p.session = &x->s;
    x->p.image = x->image;
    x->p.devices = devices;
    x->p.threads = 2;
}

static void sim_run(struct sim *x)
{
    char msg[256];
    enum fleet_status st = fleet_run(&x->p, &x->r, msg, sizeof(msg));
    if (st != FLEET_OK)
        fail_msg("fleet_run: %s", msg);
}

static void sim_free(struct sim *x)
{
    fleet_result_cleanup(&x->r);
    free(x->image);
}

/*
 * fleet_params.device_key: device d loses what the device with index
 * device_key[d] loses without keys, so a device keyed by its id keeps its
 * outcome whatever the other devices; no keys = the index (fuota simulate).
 */
static void test_device_key(void **state)
{
    (void)state;
    struct sim plain, keyed;
    sim_setup(&plain, 4000, 40, 10, 16);
    plain.p.loss.loss = 0.1;
    plain.p.seed = 21;
    plain.p.mode = FLEET_MODE_FULL;
    sim_run(&plain);
    const uint64_t keys[] = { 7, 2, 15, 2 };
    sim_setup(&keyed, 4000, 40, 10, 4);
    keyed.p.loss.loss = 0.1;
    keyed.p.seed = 21;
    keyed.p.mode = FLEET_MODE_FULL;
    keyed.p.device_key = keys;
    sim_run(&keyed);
    size_t statuses[BACKEND_DEVICE_STATUS_COUNT] = { 0 };
    for (size_t d = 0; d < 16; d++)
        statuses[plain.r.dev[d].status]++;
    /* a mix, or the comparison proves little */
    assert_true(statuses[BACKEND_DEVICE_SUCCESSFUL] > 0);
    assert_true(statuses[BACKEND_DEVICE_MISSING_FRAG] > 0);
    for (size_t d = 0; d < 4; d++) {
        const struct fleet_device_result *a = &keyed.r.dev[d];
        const struct fleet_device_result *b = &plain.r.dev[keys[d]];
        assert_int_equal(a->status, b->status);
        assert_int_equal(a->received, b->received);
        assert_int_equal(a->lost, b->lost);
        assert_int_equal(a->done_at, b->done_at);
    }
    /* explicit keys 0..n-1 are the default */
    const uint64_t ident[] = { 0, 1, 2, 3 };
    struct sim same;
    sim_setup(&same, 4000, 40, 10, 4);
    same.p.loss.loss = 0.1;
    same.p.seed = 21;
    same.p.mode = FLEET_MODE_FULL;
    same.p.device_key = ident;
    sim_run(&same);
    assert_memory_equal(same.r.dev, plain.r.dev, 4 * sizeof(*same.r.dev));
    sim_free(&plain);
    sim_free(&keyed);
    sim_free(&same);
}

static void test_schedule(void **state)
{
    (void)state;
    static const struct {
        uint32_t interval_ms;
        uint64_t toa_us;
        double duty;
        uint64_t want_spacing_us;
    } cases[] = {
        { 1000, 100000, 0, 1000000 },
        { 1499, 100000, 0, 1000000 },   /* rounds down */
        { 1500, 100000, 0, 2000000 },   /* rounds half up */
        { 499, 100000, 0, 100000 },     /* 0 s: the time on air bounds it */
        { 1000, 1500000, 0, 1500000 },  /* never faster than on air */
        { 1000, 200000, 0.1, 2000000 }, /* duty cycle 10 %: 10 x on air */
        { 5000, 200000, 0.1, 5000000 }, /* interval already slower */
        { 1000, 200000, 1.0, 1000000 }, /* 100 %: no limit */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fleet_session x;
        memset(&x, 0, sizeof(x));
        x.image_bytes = 100;
        x.fragment_size = 10;
        x.redundancy_percent = 50;
        x.interval_ms = cases[i].interval_ms;
        x.time_on_air_us = cases[i].toa_us;
        x.duty_cycle = cases[i].duty;
        assert_true(fleet_session_schedule(&x, NULL, 0));
        if (x.spacing_us != cases[i].want_spacing_us)
            fail_msg("case %zu: spacing %llu", i,
                     (unsigned long long)x.spacing_us);
        /* AWS's example: 100 B, 10 B fragments, 50 % -> 10 + 5. */
        assert_int_equal(x.m, 10);
        assert_int_equal(x.r, 5);
        assert_int_equal(x.padding, 0);
        assert_true(fleet_send_time_us(&x, 1) == 0);
        assert_true(fleet_send_time_us(&x, 3) == 2 * x.spacing_us);
        assert_true(fleet_heard_time_us(&x, 3) ==
                    2 * x.spacing_us + x.time_on_air_us);
    }
    /* Limits: S 1..255, M + R <= 16383, an image. */
    static const struct {
        uint64_t bytes;
        uint32_t s;
        int pct;
        bool ok;
    } lim[] = {
        { 100, 0, 0, false },   { 100, 1, 0, true },     { 100, 255, 0, true },
        { 100, 256, 0, false }, { 0, 10, 0, false },     { 16383, 1, 0, true },
        { 16384, 1, 0, false }, { 8192, 1, 100, false }, { 8191, 1, 100, true },
        { 101, 10, 0, true },   { 100, 10, 101, false }, { 100, 10, -1, false },
    };
    for (size_t i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
        struct fleet_session x;
        memset(&x, 0, sizeof(x));
        x.image_bytes = lim[i].bytes;
        x.fragment_size = lim[i].s;
        x.redundancy_percent = lim[i].pct;
        x.interval_ms = 1000;
        char msg[256] = "";
        if (fleet_session_schedule(&x, msg, sizeof(msg)) != lim[i].ok)
            fail_msg("limit case %zu: %s", i, msg);
        if (!lim[i].ok)
            assert_true(strlen(msg) > 10);
    }
    struct fleet_session pad = session(101, 10, 0);
    assert_int_equal(pad.m, 11);
    assert_int_equal(pad.padding, 9);
}

static void test_no_loss_all_complete_at_m(void **state)
{
    (void)state;
    struct sim x;
    sim_setup(&x, 5000, 10, 20, 40);
    sim_run(&x);
    assert_int_equal(x.r.completed, 40);
    assert_int_equal(x.r.failed, 0);
    assert_int_equal(x.r.internal_errors, 0);
    for (size_t d = 0; d < 40; d++) {
        assert_int_equal(x.r.dev[d].status, BACKEND_DEVICE_SUCCESSFUL);
        assert_int_equal(x.r.dev[d].done_at, 500);
        assert_int_equal(x.r.dev[d].received, 500);
        assert_int_equal(x.r.dev[d].lost, 0);
    }
    assert_int_equal(x.r.sent, 600);
    sim_free(&x);
}

static void test_total_loss_none_complete(void **state)
{
    (void)state;
    struct sim x;
    sim_setup(&x, 2000, 10, 50, 20);
    x.p.loss.loss = 1.0;
    sim_run(&x);
    assert_int_equal(x.r.completed, 0);
    assert_int_equal(x.r.by_status[BACKEND_DEVICE_MISSING_FRAG], 20);
    for (size_t d = 0; d < 20; d++) {
        assert_int_equal(x.r.dev[d].received, 0);
        assert_int_equal(x.r.dev[d].done_at, 0);
    }
    /* Shared loss of 100 % is the same for everyone. */
    x.p.loss.loss = 0;
    x.p.loss.shared_loss = 1.0;
    fleet_result_cleanup(&x.r);
    sim_run(&x);
    assert_int_equal(x.r.completed, 0);
    sim_free(&x);
}

/* Rank over GF(2) of the rows of `lines` restricted to the lost columns:
 * an oracle independent of core/fec's decoder (L <= 64). */
static unsigned restricted_rank(uint32_t m, const uint32_t *lost, size_t l,
                                const uint32_t *ks, size_t nk)
{
    uint64_t basis[64] = { 0 };
    unsigned rank = 0;
    uint64_t *row = calloc((m + 63) / 64, sizeof(uint64_t));
    for (size_t i = 0; i < nk; i++) {
        fec_matrix_line(ks[i], m, FEC_CODEC_V1, row);
        uint64_t v = 0;
        for (size_t j = 0; j < l; j++)
            if ((row[lost[j] / 64] >> (lost[j] % 64)) & 1)
                v |= 1ull << j;
        for (int b = 63; b >= 0 && v; b--) {
            if (!((v >> b) & 1))
                continue;
            if (!basis[b]) {
                basis[b] = v;
                rank++;
                v = 0;
                break;
            }
            v ^= basis[b];
        }
    }
    free(row);
    return rank;
}

/* Runs one device over `drop` with M = m, R = r; returns its result. */
static struct fleet_device_result one_device(uint32_t m, uint32_t r,
                                             const uint32_t *drop, size_t nd,
                                             enum fleet_mode mode)
{
    struct sim x;
    sim_setup(&x, (uint64_t)m * 8, 8, 0, 1);
    x.s.r = r;
    x.p.loss.drop = drop;
    x.p.loss.drop_count = nd;
    x.p.mode = mode;
    sim_run(&x);
    struct fleet_device_result res = x.r.dev[0];
    assert_int_equal(x.r.internal_errors, 0);
    sim_free(&x);
    return res;
}

static void test_drop_single_loss(void **state)
{
    (void)state;
    const uint32_t m = 20, r = 20;
    for (uint32_t col = 0; col < m; col++) {
        uint32_t drop = col + 1;
        /* The first redundancy row covering that column repairs it. */
        uint32_t want = 0;
        for (uint32_t k = 1; k <= r && !want; k++)
            if (restricted_rank(m, &col, 1, &k, 1) == 1)
                want = m + k;
        struct fleet_device_result res =
            one_device(m, r, &drop, 1, FLEET_MODE_FULL);
        if (want) {
            assert_int_equal(res.status, BACKEND_DEVICE_SUCCESSFUL);
            assert_int_equal(res.done_at, want);
            assert_int_equal(res.received, want - 1);
        } else {
            assert_int_equal(res.status, BACKEND_DEVICE_MISSING_FRAG);
        }
        assert_int_equal(res.lost, 1);
    }
    /* M = 1: every redundancy row is zero, a lost fragment stays lost. */
    uint32_t one = 1;
    struct fleet_device_result res = one_device(1, 5, &one, 1, FLEET_MODE_FULL);
    assert_int_equal(res.status, BACKEND_DEVICE_MISSING_FRAG);
    assert_int_equal(res.received, 5);
}

static void test_drop_not_mds(void **state)
{
    (void)state;
    /* Find two lost columns and two redundancy rows whose restriction has
     * rank < 2: the device gets as many redundancy fragments as it lost and
     * still cannot complete. */
    const uint32_t m = 16, r = 16;
    for (uint32_t a = 0; a < m; a++)
        for (uint32_t b = a + 1; b < m; b++)
            for (uint32_t k1 = 1; k1 <= r; k1++)
                for (uint32_t k2 = k1 + 1; k2 <= r; k2++) {
                    uint32_t lost[2] = { a, b }, ks[2] = { k1, k2 };
                    if (restricted_rank(m, lost, 2, ks, 2) == 2)
                        continue;
                    uint32_t drop[2 + 16];
                    size_t nd = 0;
                    drop[nd++] = a + 1;
                    drop[nd++] = b + 1;
                    for (uint32_t k = 1; k <= r; k++)
                        if (k != k1 && k != k2)
                            drop[nd++] = m + k;
                    for (int mode = 0; mode < 2; mode++) {
                        struct fleet_device_result res =
                            one_device(m, r, drop, nd, (enum fleet_mode)mode);
                        assert_int_equal(res.status,
                                         BACKEND_DEVICE_MISSING_FRAG);
                        assert_int_equal(res.received, m);
                        assert_int_equal(res.lost, 2);
                    }
                    /* With every redundancy row it completes where the
                     * oracle says rank 2 is first reached. */
                    uint32_t want = 0;
                    for (uint32_t k = 2; k <= r && !want; k++) {
                        uint32_t all[16];
                        for (uint32_t j = 0; j < k; j++)
                            all[j] = j + 1;
                        if (restricted_rank(m, lost, 2, all, k) == 2)
                            want = m + k;
                    }
                    struct fleet_device_result res =
                        one_device(m, r, drop, 2, FLEET_MODE_FULL);
                    assert_int_equal(res.status, BACKEND_DEVICE_SUCCESSFUL);
                    assert_int_equal(res.done_at, want);
                    return;
                }
    fail_msg("no non-MDS pattern found for M = 16");
}

static char *report_of(struct sim *x)
{
    char *text = report_to_text(&x->p, &x->r, false);
    assert_non_null(text);
    return text;
}

static void test_deterministic_across_threads(void **state)
{
    (void)state;
    uint32_t drop[] = { 3, 40 };
    char *first = NULL;
    for (unsigned t = 1; t <= 3; t++) {
        struct sim x;
        sim_setup(&x, 3000, 10, 30, 53);
        x.p.loss.loss = 0.12;
        x.p.loss.burst = 3;
        x.p.loss.spread = 0.05;
        x.p.loss.shared_loss = 0.01;
        x.p.loss.late_join = 2;
        x.p.loss.drop = drop;
        x.p.loss.drop_count = 2;
        x.p.seed = 99;
        x.p.threads = t;
        x.p.early_stop = true;
        sim_run(&x);
        char *text = report_of(&x);
        if (!first)
            first = text;
        else {
            assert_string_equal(first, text);
            free(text);
        }
        sim_free(&x);
    }
    /* Another seed, another report. */
    struct sim y;
    sim_setup(&y, 3000, 10, 30, 53);
    y.p.loss.loss = 0.12;
    y.p.seed = 100;
    sim_run(&y);
    char *other = report_of(&y);
    assert_string_not_equal(first, other);
    free(other);
    free(first);
    sim_free(&y);
}

static void test_rank_agrees_with_full(void **state)
{
    (void)state;
    struct sim full, rank;
    sim_setup(&full, 4000, 10, 15, 60);
    sim_setup(&rank, 4000, 10, 15, 60);
    full.p.loss.loss = rank.p.loss.loss = 0.12;
    rank.p.mode = FLEET_MODE_RANK;
    rank.p.sample = 0.2;
    sim_run(&full);
    sim_run(&rank);
    assert_int_equal(rank.r.internal_errors, 0);
    assert_true(rank.r.sampled >= 2 && rank.r.sampled < 60);
    assert_true(rank.r.dev[0].sampled);
    size_t failed = 0;
    for (size_t d = 0; d < 60; d++) {
        assert_int_equal(full.r.dev[d].status, rank.r.dev[d].status);
        assert_int_equal(full.r.dev[d].done_at, rank.r.dev[d].done_at);
        assert_int_equal(full.r.dev[d].received, rank.r.dev[d].received);
        failed += full.r.dev[d].status != BACKEND_DEVICE_SUCCESSFUL;
    }
    /* 15 % redundancy at 12 % loss: some fail, most complete. */
    assert_true(failed > 0 && failed < 30);
    sim_free(&full);
    sim_free(&rank);
}

/*
 * Devices whose v2 parity rows are numbered the other way than the stream's
 * (LoRa Basics Modem's k against the TS004-2.0.0 text's N): a device that
 * lost nothing is Successful; one that used a redundancy fragment completes
 * as its own rows say, with a wrong image, and reports MICError. That is a
 * device outcome, not an internal error, in full and in rank mode.
 */
static void test_other_v2_numbering(void **state)
{
    (void)state;
    static const struct {
        enum fec_codec stream, devices;
    } t[] = {
        { FEC_CODEC_V2, FEC_CODEC_V2_LBM },
        { FEC_CODEC_V2_LBM, FEC_CODEC_V2 },
    };
    for (size_t c = 0; c < 2; c++) {
        struct sim full, rank;
        sim_setup(&full, 1000, 10, 60, 80);
        sim_setup(&rank, 1000, 10, 60, 80);
        full.p.loss.loss = rank.p.loss.loss = 0.03;
        full.p.codec = rank.p.codec = t[c].stream;
        full.p.device_codec = rank.p.device_codec = t[c].devices;
        rank.p.mode = FLEET_MODE_RANK;
        sim_run(&full);
        sim_run(&rank);
        size_t intact = 0, wrong = 0;
        for (size_t d = 0; d < 80; d++) {
            const struct fleet_device_result *x = &full.r.dev[d];
            if (x->lost == 0) {
                assert_int_equal(x->status, BACKEND_DEVICE_SUCCESSFUL);
                intact++;
            } else {
                assert_int_equal(x->status, BACKEND_DEVICE_MIC_ERROR);
                assert_true(x->done_at > 100);
                wrong++;
            }
            assert_false(x->internal_error);
            /* rank mode decodes such a fleet in full: the same outcomes */
            assert_int_equal(rank.r.dev[d].status, x->status);
            assert_int_equal(rank.r.dev[d].done_at, x->done_at);
            assert_true(rank.r.dev[d].sampled);
        }
        assert_true(intact > 0 && wrong > 0);
        assert_int_equal(full.r.internal_errors, 0);
        assert_int_equal(full.r.by_status[BACKEND_DEVICE_MIC_ERROR], wrong);
        assert_int_equal(full.r.completed, intact);
        assert_int_equal(rank.r.sampled, 80);
        assert_int_equal(rank.r.internal_errors, 0);
        /* The same fleet with the stream's own rows rebuilds every image. */
        full.p.device_codec = t[c].stream;
        fleet_result_cleanup(&full.r);
        sim_run(&full);
        assert_int_equal(full.r.completed, 80);
        assert_int_equal(full.r.internal_errors, 0);
        sim_free(&full);
        sim_free(&rank);
    }
}

/*
 * One lost fragment, v2 stream, LBM devices: the device completes at the
 * first of its own rows (seeded by k) that covers the lost column, and the
 * byte-for-byte check of its image is what finds it wrong.
 */
static void test_other_numbering_single_loss(void **state)
{
    (void)state;
    const uint32_t m = 30;
    uint64_t row[1];
    for (uint32_t col = 0; col < m; col += 7) {
        uint32_t want = 0;
        for (uint32_t k = 1; k <= m && !want; k++) {
            fec_matrix_line(k, m, FEC_CODEC_V2_LBM, row);
            if ((row[0] >> col) & 1)
                want = m + k;
        }
        assert_true(want > 0);
        struct sim x;
        sim_setup(&x, (uint64_t)m * 8, 8, 100, 1);
        uint32_t drop = col + 1;
        x.p.loss.drop = &drop;
        x.p.loss.drop_count = 1;
        x.p.codec = FEC_CODEC_V2;
        x.p.device_codec = FEC_CODEC_V2_LBM;
        sim_run(&x);
        assert_int_equal(x.r.dev[0].status, BACKEND_DEVICE_MIC_ERROR);
        assert_int_equal(x.r.dev[0].done_at, want);
        assert_int_equal(x.r.dev[0].lost, 1);
        assert_int_equal(x.r.internal_errors, 0);
        /* The playback ends the device there with that status. */
        struct events_iter *it = events_new(&x.p, &x.r);
        assert_non_null(it);
        struct events_event ev;
        size_t failed = 0;
        while (events_next(it, &ev)) {
            assert_true(ev.type != EVENTS_COMPLETED);
            if (ev.type == EVENTS_FAILED) {
                assert_int_equal(ev.status, BACKEND_DEVICE_MIC_ERROR);
                assert_int_equal(ev.fragment, want);
                failed++;
            }
        }
        assert_int_equal(failed, 1);
        events_free(it);
        /* The report names both codecs. */
        cJSON *j = report_to_json(&x.p, &x.r);
        assert_non_null(j);
        const cJSON *sim = cJSON_GetObjectItemCaseSensitive(j, "simulation");
        assert_string_equal(
            cJSON_GetObjectItemCaseSensitive(sim, "codec")->valuestring, "v2");
        assert_string_equal(
            cJSON_GetObjectItemCaseSensitive(sim, "device_codec")->valuestring,
            "v2-lbm");
        cJSON_Delete(j);
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        assert_non_null(f);
        assert_true(report_print_table(f, &x.p, &x.r));
        fclose(f);
        assert_non_null(strstr(text, "Codec     v2 stream, v2-lbm devices"));
        assert_non_null(strstr(text, "Failed    1 MICError"));
        assert_non_null(
            strstr(text, "1 decoded with other parity rows than the stream's"));
        free(text);
        sim_free(&x);
    }
}

static void test_codec_params(void **state)
{
    (void)state;
    struct sim x;
    sim_setup(&x, 1000, 10, 10, 5);
    char msg[256];
    struct fleet_result r;
    assert_int_equal(x.p.codec, FEC_CODEC_V1);
    assert_int_equal(x.p.device_codec, FEC_CODEC_V1);
    x.p.device_codec = FEC_CODEC_V2;
    assert_int_equal(fleet_run(&x.p, &r, msg, sizeof(msg)), FLEET_ERR_PARAM);
    assert_non_null(strstr(msg, "v2 devices cannot take a v1 session"));
    x.p.codec = FEC_CODEC_V2_LBM;
    x.p.device_codec = FEC_CODEC_V1;
    assert_int_equal(fleet_run(&x.p, &r, msg, sizeof(msg)), FLEET_ERR_PARAM);
    assert_non_null(strstr(msg, "device codec"));
    x.p.device_codec = (enum fec_codec)FEC_CODEC_COUNT;
    assert_int_equal(fleet_run(&x.p, &r, msg, sizeof(msg)), FLEET_ERR_PARAM);
    assert_non_null(strstr(msg, "unknown codec"));
    x.p.codec = (enum fec_codec)FEC_CODEC_COUNT;
    x.p.device_codec = FEC_CODEC_V1;
    assert_int_equal(fleet_run(&x.p, &r, msg, sizeof(msg)), FLEET_ERR_PARAM);
    x.p.codec = x.p.device_codec = FEC_CODEC_V2_LBM;
    assert_int_equal(fleet_run(&x.p, &r, msg, sizeof(msg)), FLEET_OK);
    assert_int_equal(r.completed, 5);
    fleet_result_cleanup(&r);
    sim_free(&x);
}

static void test_m1000_mean_overhead(void **state)
{
    (void)state;
    struct sim x;
    sim_setup(&x, 1000 * 10, 10, 20, 300);
    x.p.loss.loss = 0.10;
    x.p.mode = FLEET_MODE_RANK;
    x.p.seed = 2024;
    sim_run(&x);
    assert_int_equal(x.r.completed, 300);
    assert_int_equal(x.r.internal_errors, 0);
    uint64_t sum = 0;
    for (size_t d = 0; d < 300; d++)
        sum += x.r.dev[d].received;
    double over = (double)sum / 300.0 - 1000.0;
    /* TS004: about M + 1.6 on average (sd of the mean ~0.1 here). */
    if (over < 1.2 || over > 2.0)
        fail_msg("mean overhead %.3f fragments", over);
    sim_free(&x);
}

static void test_early_stop(void **state)
{
    (void)state;
    for (int loss = 0; loss <= 10; loss += 5) {
        struct sim a, b;
        sim_setup(&a, 3000, 10, 40, 40);
        sim_setup(&b, 3000, 10, 40, 40);
        a.p.loss.loss = b.p.loss.loss = loss / 100.0;
        b.p.early_stop = true;
        sim_run(&a);
        sim_run(&b);
        assert_int_equal(a.r.completed, 40);
        uint32_t last = 0;
        for (size_t d = 0; d < 40; d++) {
            assert_int_equal(a.r.dev[d].status, b.r.dev[d].status);
            assert_int_equal(a.r.dev[d].done_at, b.r.dev[d].done_at);
            if (b.r.dev[d].done_at > last)
                last = b.r.dev[d].done_at;
        }
        assert_int_equal(a.r.sent, 420);
        assert_int_equal(a.r.stop_at, 0);
        /* Never before the last device completes, never before M. */
        assert_int_equal(b.r.stop_at, last < 300 ? 300 : last);
        assert_int_equal(b.r.sent, b.r.stop_at);
        char *ta = report_of(&a), *tb = report_of(&b);
        assert_non_null(strstr(tb, "\"fragments_saved\":"));
        assert_string_not_equal(ta, tb);
        free(ta);
        free(tb);
        sim_free(&a);
        sim_free(&b);
    }
    /* A device that cannot complete: no early stop. */
    struct sim c;
    sim_setup(&c, 3000, 10, 5, 10);
    c.p.loss.loss = 0.3;
    c.p.early_stop = true;
    sim_run(&c);
    assert_true(c.r.failed > 0);
    assert_int_equal(c.r.stop_at, 0);
    assert_int_equal(c.r.sent, c.r.total);
    sim_free(&c);
}

static size_t completed_with(double burst, uint64_t *p99)
{
    struct sim x;
    sim_setup(&x, 500 * 10, 10, 18, 300);
    x.p.loss.loss = 0.10;
    x.p.loss.burst = burst;
    x.p.mode = FLEET_MODE_RANK;
    x.p.seed = 31;
    sim_run(&x);
    size_t done = x.r.completed;
    uint64_t *v = malloc(300 * sizeof(*v));
    for (size_t d = 0; d < 300; d++)
        v[d] = x.r.dev[d].status == BACKEND_DEVICE_SUCCESSFUL
                   ? x.r.dev[d].done_at
                   : UINT32_MAX;
    struct report_stats st;
    report_stats(v, 300, &st);
    *p99 = st.p99;
    free(v);
    sim_free(&x);
    return done;
}

static void test_bursts_need_more_redundancy(void **state)
{
    (void)state;
    uint64_t p99_iid, p99_burst;
    size_t iid = completed_with(0, &p99_iid);
    size_t burst = completed_with(10, &p99_burst);
    /* Same 10 % mean loss, 18 % redundancy: i.i.d. loss is covered, long
     * bursts make the lost count vary and leave devices short. */
    assert_int_equal(iid, 300);
    assert_true(burst < iid);
    assert_true(p99_burst > p99_iid);
}

static void test_device_limits(void **state)
{
    (void)state;
    static const struct {
        struct fleet_limits lim;
        enum backend_device_status want;
    } cases[] = {
        { { .max_fragments = 299 }, BACKEND_DEVICE_NOT_ENOUGH_MEMORY },
        { { .max_fragments = 300 }, BACKEND_DEVICE_SUCCESSFUL },
        { { .max_frag_size = 9 }, BACKEND_DEVICE_NOT_ENOUGH_MEMORY },
        { { .max_frag_size = 10 }, BACKEND_DEVICE_SUCCESSFUL },
        { { .max_lost = 2 }, BACKEND_DEVICE_MEMORY_ERROR },
        { { .max_lost = 300 }, BACKEND_DEVICE_SUCCESSFUL },
        /* 3000 + ((60 >> 3) + 1) * 60 + 600 = 4080 bytes */
        { { .memory_bytes = 4079 }, BACKEND_DEVICE_NOT_ENOUGH_MEMORY },
        { { .memory_bytes = 4080 }, BACKEND_DEVICE_SUCCESSFUL },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sim x;
        sim_setup(&x, 3000, 10, 20, 8);
        x.p.loss.loss = 0.05;
        x.p.seed = 3;
        x.p.limits = cases[i].lim;
        assert_int_equal(fleet_device_ram(&x.s, 0), 4080);
        sim_run(&x);
        if (x.r.by_status[cases[i].want] == 0)
            fail_msg("case %zu: no device reports %d", i, cases[i].want);
        for (size_t d = 0; d < 8; d++) {
            const struct fleet_device_result *r = &x.r.dev[d];
            if (cases[i].want == BACKEND_DEVICE_NOT_ENOUGH_MEMORY) {
                assert_int_equal(r->status, cases[i].want);
                assert_int_equal(r->done_at, 0);
                assert_int_equal(r->received, 0);
            }
            if (r->status == BACKEND_DEVICE_MEMORY_ERROR) {
                assert_true(r->lost > 2);
                assert_true(r->done_at > 0);
            }
        }
        if (cases[i].want == BACKEND_DEVICE_NOT_ENOUGH_MEMORY) {
            /* Refused at setup: the first frame says so, nobody listens. */
            struct events_iter *it = events_new(&x.p, &x.r);
            struct events_frame fr;
            assert_true(events_next_frame(it, &fr));
            assert_int_equal(fr.fragment, 1);
            assert_int_equal(fr.failed, 8);
            assert_int_equal(fr.received + fr.lost, 0);
            while (events_next_frame(it, &fr))
                assert_int_equal(fr.received + fr.lost + fr.failed, 0);
            assert_int_equal(fr.failed_total, 8);
            events_free(it);
        }
        sim_free(&x);
    }
}

static void test_bad_params(void **state)
{
    (void)state;
    struct sim x;
    sim_setup(&x, 1000, 10, 10, 5);
    char msg[256];
    struct fleet_result r;
    x.p.devices = 0;
    assert_int_equal(fleet_run(&x.p, &r, msg, sizeof(msg)), FLEET_ERR_PARAM);
    assert_non_null(strstr(msg, "devices"));
    x.p.devices = 5;
    uint32_t drop[] = { 111 };
    x.p.loss.drop = drop;
    x.p.loss.drop_count = 1;
    assert_int_equal(fleet_run(&x.p, &r, msg, sizeof(msg)), FLEET_ERR_PARAM);
    assert_non_null(strstr(msg, "beyond the session's 110"));
    drop[0] = 110;
    assert_int_equal(fleet_run(&x.p, &r, msg, sizeof(msg)), FLEET_OK);
    fleet_result_cleanup(&r);
    x.p.loss.loss = 1.5;
    assert_int_equal(fleet_run(&x.p, &r, msg, sizeof(msg)), FLEET_ERR_PARAM);
    assert_non_null(strstr(msg, "loss:"));
    x.p.loss.loss = 0.1;
    double own[5] = { 0, 0.5, 1, 1.01, 0 };
    x.p.device_loss = own;
    assert_int_equal(fleet_run(&x.p, &r, msg, sizeof(msg)), FLEET_ERR_PARAM);
    assert_non_null(strstr(msg, "device 3"));
    own[3] = 1.0;
    assert_int_equal(fleet_run(&x.p, &r, msg, sizeof(msg)), FLEET_OK);
    /* Own losses: 0 completes, 1 never does. */
    assert_int_equal(r.dev[0].status, BACKEND_DEVICE_SUCCESSFUL);
    assert_int_equal(r.dev[2].status, BACKEND_DEVICE_MISSING_FRAG);
    fleet_result_cleanup(&r);
    x.p.image = NULL;
    assert_int_equal(fleet_run(&x.p, &r, msg, sizeof(msg)), FLEET_ERR_PARAM);
    assert_string_equal(fleet_status_message(FLEET_ERR_PARAM),
                        "invalid parameter");
    sim_free(&x);
}

static void test_stats(void **state)
{
    (void)state;
    uint64_t v[] = { 5, 1, 4, 2, 3, 10, 9, 8, 7, 6 };
    struct report_stats s;
    report_stats(v, 10, &s);
    assert_int_equal(s.count, 10);
    assert_int_equal(s.min, 1);
    assert_int_equal(s.median, 5); /* nearest rank: ceil(0.5 * 10) = 5th */
    assert_int_equal(s.p90, 9);
    assert_int_equal(s.p99, 10);
    assert_int_equal(s.max, 10);
    assert_true(s.mean == 5.5);
    uint64_t one = 7;
    report_stats(&one, 1, &s);
    assert_true(s.min == 7 && s.median == 7 && s.p99 == 7 && s.max == 7);
    report_stats(NULL, 0, &s);
    assert_true(s.count == 0 && s.max == 0 && s.mean == 0.0);
}

static void test_events_stream(void **state)
{
    (void)state;
    struct sim x;
    sim_setup(&x, 400, 10, 50, 6);
    x.p.loss.loss = 0.2;
    x.p.seed = 8;
    x.p.limits.max_lost = 12; /* some devices fail with MemoryError */
    sim_run(&x);
    struct events_iter *it = events_new(&x.p, &x.r);
    assert_non_null(it);
    struct events_event ev;
    size_t sent = 0, recv[6] = { 0 }, outcome[6] = { 0 };
    uint64_t last_t = 0;
    uint32_t frag = 0;
    char line[256];
    while (events_next(it, &ev)) {
        assert_true(ev.time_us >= last_t);
        last_t = ev.time_us;
        assert_true(events_format_json(&ev, line, sizeof(line)) > 10);
        assert_int_equal(line[0], '{');
        switch (ev.type) {
        case EVENTS_SENT:
            assert_int_equal(ev.fragment, ++frag);
            sent++;
            break;
        case EVENTS_RECEIVED:
            recv[ev.device]++;
            /* fallthrough */
        case EVENTS_LOST:
            assert_int_equal(ev.fragment, frag);
            assert_int_equal(outcome[ev.device], 0);
            break;
        case EVENTS_COMPLETED:
        case EVENTS_FAILED:
            outcome[ev.device]++;
            assert_int_equal(ev.status, x.r.dev[ev.device].status);
            if (x.r.dev[ev.device].done_at)
                assert_int_equal(ev.fragment, x.r.dev[ev.device].done_at);
            break;
        }
    }
    assert_false(events_next(it, &ev));
    events_free(it);
    assert_int_equal(sent, x.r.sent);
    for (size_t d = 0; d < 6; d++) {
        assert_int_equal(outcome[d], 1);
        assert_int_equal(recv[d], x.r.dev[d].received);
    }
    /* Frames: one per fragment sent, adding up to the same totals. */
    it = events_new(&x.p, &x.r);
    assert_non_null(it);
    struct events_frame fr;
    size_t frames = 0, rx = 0, done = 0;
    uint32_t want = 1;
    while (events_next_frame(it, &fr)) {
        assert_int_equal(fr.fragment, want++);
        assert_true(fr.time_us == fleet_send_time_us(&x.s, fr.fragment));
        frames++;
        rx += fr.received;
        done += fr.completed + fr.failed;
        assert_int_equal(fr.completed_total + fr.failed_total, done);
    }
    assert_int_equal(frames, x.r.sent);
    assert_int_equal(done, 6);
    size_t sum_rx = 0;
    for (size_t d = 0; d < 6; d++)
        sum_rx += x.r.dev[d].received;
    assert_int_equal(rx, sum_rx);
    events_free(it);

    struct events_event s = { .type = EVENTS_SENT,
                              .fragment = 3,
                              .time_us = 2001500 };
    events_format_json(&s, line, sizeof(line));
    assert_string_equal(
        line, "{\"t_ms\":2001.500,\"event\":\"sent\",\"fragment\":3}");
    struct events_event f = { .type = EVENTS_FAILED,
                              .fragment = 60,
                              .device = 4,
                              .status = BACKEND_DEVICE_MISSING_FRAG };
    events_format_json(&f, line, sizeof(line));
    assert_string_equal(line, "{\"t_ms\":0.000,\"event\":\"failed\","
                              "\"fragment\":60,\"device\":4,"
                              "\"status\":\"MissingFrag\"}");
    assert_string_equal(events_type_name(EVENTS_LOST), "lost");
    sim_free(&x);
}

static void test_report_and_csv(void **state)
{
    (void)state;
    struct sim x;
    sim_setup(&x, 1000, 10, 10, 4);
    x.p.loss.loss = 0.5;
    x.p.seed = 4;
    sim_run(&x);
    char *text = report_to_text(&x.p, &x.r, true);
    assert_non_null(text);
    static const char *members[] = {
        "\"simulation\"",
        "\"session\"",
        "\"fragments_received_to_complete\"",
        "\"completion_time_ms\"",
        "\"completion_fragment\"",
        "\"completions_by_fragment\"",
        "\"airtime\"",
        "\"session_wall_time_ms\"",
        "\"by_status\"",
        "\"MissingFrag\"",
        "\"time_on_air_ms\": 100",
        "\"total_fragments\": 110",
    };
    for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++)
        if (!strstr(text, members[i]))
            fail_msg("report lacks %s:\n%s", members[i], text);
    assert_null(strstr(text, "thread"));
    free(text);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_true(report_write_csv(f, &x.p, &x.r));
    assert_true(report_print_table(f, &x.p, &x.r));
    fclose(f);
    assert_non_null(strstr(buf, "device,status,own_loss_percent,"));
    assert_non_null(strstr(buf, "\n3,MissingFrag,50.0000,"));
    assert_non_null(strstr(buf, "Completed 0 of 4"));
    free(buf);
    sim_free(&x);
}

static bool task_of(const char *json, struct fuota_task *t)
{
    struct diag_list d;
    diag_list_init(&d);
    bool ok = task_from_json(json, strlen(json), t, &d) && !diag_has_errors(&d);
    diag_list_cleanup(&d);
    return ok;
}

#define REQ(members)                                                           \
    "{\"FirmwareUpdateImage\":\"s3://bucket-name/fw.bin\","                    \
    "\"FirmwareUpdateRole\":\"arn:aws:iam::123456789012:role/fuota\"" members  \
    "}"

static void test_session_from_task(void **state)
{
    (void)state;
    static const struct {
        const char *json;
        uint64_t bytes;
        int dr;
        bool ok;
        const char *path, *rule; /* expected error */
    } cases[] = {
        { REQ(",\"FragmentSizeBytes\":10,\"RedundancyPercent\":100,"
              "\"FragmentIntervalMS\":2000,\"LoRaWAN\":{\"RfRegion\":"
              "\"EU868\"}"),
          160, -1, true, NULL, NULL },
        { REQ(",\"FragmentSizeBytes\":48,\"LoRaWAN\":{\"RfRegion\":"
              "\"EU868\"}"),
          1000, -1, true, NULL, NULL },
        { REQ(",\"FragmentSizeBytes\":49,\"LoRaWAN\":{\"RfRegion\":"
              "\"EU868\"}"),
          1000, -1, false, "FragmentSizeBytes", "fragment-too-large" },
        { REQ(",\"FragmentSizeBytes\":49,\"LoRaWAN\":{\"RfRegion\":"
              "\"EU868\"}"),
          1000, 5, true, NULL, NULL },
        { REQ(",\"FragmentSizeBytes\":10,\"LoRaWAN\":{\"RfRegion\":"
              "\"EU868\"}"),
          163830, -1, true, NULL, NULL },
        { REQ(",\"FragmentSizeBytes\":10,\"LoRaWAN\":{\"RfRegion\":"
              "\"EU868\"}"),
          163831, -1, false, "FragmentSizeBytes", "too-many-fragments" },
        { REQ(",\"FragmentSizeBytes\":10,\"LoRaWAN\":{\"RfRegion\":"
              "\"EU868\"}"),
          160, 8, false, "dr", NULL },
        { REQ(",\"FragmentSizeBytes\":10,\"LoRaWAN\":{\"RfRegion\":"
              "\"EU868\"}"),
          0, -1, false, "image", NULL },
        { REQ(",\"FragmentSizeBytes\":10"), 160, -1, false, "LoRaWAN.RfRegion",
          NULL },
        { REQ(",\"RedundancyPercent\":101,\"LoRaWAN\":{\"RfRegion\":"
              "\"EU868\"}"),
          160, -1, false, "RedundancyPercent", NULL },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fuota_task t;
        assert_true(task_of(cases[i].json, &t));
        struct diag_list d;
        diag_list_init(&d);
        struct fleet_session s;
        bool ok =
            fleet_session_from_task(&t, cases[i].bytes, cases[i].dr, &s, &d);
        if (ok != cases[i].ok)
            fail_msg("case %zu: ok %d (%zu diags: %s)", i, ok, d.count,
                     d.count ? d.items[0].message : "");
        if (!ok) {
            bool found = false;
            for (size_t k = 0; k < d.count; k++)
                if (d.items[k].severity == DIAG_ERROR &&
                    strcmp(d.items[k].path, cases[i].path) == 0 &&
                    (!cases[i].rule ||
                     strcmp(d.items[k].rule, cases[i].rule) == 0))
                    found = true;
            if (!found)
                fail_msg("case %zu: no error at %s", i, cases[i].path);
        }
        diag_list_cleanup(&d);
        task_cleanup(&t);
    }
    /* The first case in detail: EU868 DR0 (SF12), 10 % duty cycle. */
    struct fuota_task t;
    assert_true(task_of(cases[0].json, &t));
    struct diag_list d;
    diag_list_init(&d);
    struct fleet_session s;
    assert_true(fleet_session_from_task(&t, 160, -1, &s, &d));
    assert_string_equal(s.region, "EU868");
    assert_int_equal(s.dr, 0);
    assert_int_equal(s.m, 16);
    assert_int_equal(s.r, 16);
    assert_int_equal(s.fragment_size, 10);
    assert_int_equal(s.interval_ms, 2000);
    assert_true(s.time_on_air_us == 1482752); /* SF12/125, 26-byte PHY */
    assert_true(fabs(s.duty_cycle - 0.1) < 1e-9);
    /* The duty cycle, not the 2 s interval, sets the slot. */
    assert_true(s.spacing_us >= 14827520 && s.spacing_us <= 14828000);
    diag_list_cleanup(&d);
    task_cleanup(&t);
}

static void test_play_task(void **state)
{
    (void)state;
    struct fuota_task t;
    assert_true(task_of(REQ(",\"FragmentSizeBytes\":40,\"RedundancyPercent\":"
                            "30,\"FragmentIntervalMS\":1000,\"LoRaWAN\":{"
                            "\"RfRegion\":\"US915\"}"),
                        &t));
    double link[6] = { 0, 0.05, 1, 0.1, 0, 0.2 };
    enum backend_device_status st[6], st2[6];
    int64_t ms[6], ms2[6];
    char msg[256];
    assert_true(fleet_play_task(&t, 4000, 7, 6, link, NULL, NULL, st, ms, NULL,
                                msg, sizeof(msg)));
    int64_t session_ms = 0;
    assert_true(fleet_play_task(&t, 4000, 7, 6, link, NULL, NULL, st2, ms2,
                                &session_ms, msg, sizeof(msg)));
    assert_memory_equal(st, st2, sizeof(st));
    assert_memory_equal(ms, ms2, sizeof(ms));
    assert_int_equal(st[0], BACKEND_DEVICE_SUCCESSFUL);
    assert_int_equal(st[1], BACKEND_DEVICE_SUCCESSFUL);
    assert_int_equal(st[2], BACKEND_DEVICE_MISSING_FRAG);
    assert_int_equal(st[4], BACKEND_DEVICE_SUCCESSFUL);
    /* No loss: done when fragment M = 100 has been heard; MissingFrag at
     * the end of the session, after everything else. */
    assert_true(ms[0] == ms[4] && ms[0] > 0);
    for (size_t i = 0; i < 6; i++)
        assert_true(ms[i] <= ms[2]);
    assert_true(ms[2] == session_ms); /* MissingFrag: at the very end */
    /* Without link qualities: nobody loses anything. */
    assert_true(fleet_play_task(&t, 4000, 7, 3, NULL, NULL, NULL, st, NULL,
                                NULL, msg, sizeof(msg)));
    assert_int_equal(st[2], BACKEND_DEVICE_SUCCESSFUL);
    /* The backend's view of the same task plays the same session. */
    struct backend_task bt;
    memset(&bt, 0, sizeof(bt));
    bt.firmware_update_image = t.firmware_update_image;
    bt.firmware_update_role = t.firmware_update_role;
    bt.rf_region = t.rf_region;
    bt.has_fragment_size_bytes = true;
    bt.fragment_size_bytes = 40;
    bt.has_redundancy_percent = true;
    bt.redundancy_percent = 30;
    bt.has_fragment_interval_ms = true;
    bt.fragment_interval_ms = 1000;
    assert_true(fleet_play_backend_task(&bt, 4000, 7, 6, link, NULL, NULL, st2,
                                        ms2, NULL, msg, sizeof(msg)));
    assert_true(fleet_play_task(&t, 4000, 7, 6, link, NULL, NULL, st, ms, NULL,
                                msg, sizeof(msg)));
    assert_memory_equal(st, st2, sizeof(st));
    assert_memory_equal(ms, ms2, sizeof(ms));
    bt.rf_region = NULL;
    assert_false(fleet_play_backend_task(&bt, 4000, 7, 6, link, NULL, NULL, st2,
                                         ms2, NULL, msg, sizeof(msg)));
    task_cleanup(&t);
    /* A request that cannot be played says why. */
    assert_true(task_of(REQ(",\"FragmentSizeBytes\":10"), &t));
    assert_false(fleet_play_task(&t, 4000, 7, 3, NULL, NULL, NULL, st, NULL,
                                 NULL, msg, sizeof(msg)));
    assert_non_null(strstr(msg, "RfRegion"));
    task_cleanup(&t);
}

static int64_t test_now_ms;
static int64_t test_clock(void *ctx)
{
    (void)ctx;
    return test_now_ms;
}

/* Device statuses of task id, in association order. */
static size_t statuses_of(struct store *st, const char *id,
                          enum backend_device_status *out, size_t max)
{
    struct backend_page_req page = { 0 };
    struct backend_device_page devs;
    struct backend_error err;
    assert_int_equal(store_list_devices(st, id, &page, &devs, &err),
                     BACKEND_OK);
    size_t n = devs.count < max ? devs.count : max;
    for (size_t i = 0; i < n; i++)
        out[i] = devs.items[i].status;
    backend_device_page_cleanup(&devs);
    return n;
}

static void test_store_hook(void **state)
{
    (void)state;
    static const struct {
        double loss;
        enum backend_device_status want;
    } cases[] = { { 0.0, BACKEND_DEVICE_SUCCESSFUL },
                  { 1.0, BACKEND_DEVICE_MISSING_FRAG } };
    for (size_t c = 0; c < 2; c++) {
        struct fleet_hook_config cfg = { .loss = cases[c].loss, .seed = 3 };
        struct store_options o;
        memset(&o, 0, sizeof(o));
        o.clock = test_clock;
        o.image_bytes = 2000;
        o.on_session_start = fleet_store_hook;
        o.hook_ctx = &cfg;
        test_now_ms = 1700000000000;
        struct store *st = NULL;
        struct backend_error err;
        assert_int_equal(store_open(&o, &st, &err), BACKEND_OK);
        struct fuota_task t;
        assert_true(task_of(REQ(",\"FragmentSizeBytes\":40,"
                                "\"RedundancyPercent\":30,"
                                "\"LoRaWAN\":{\"RfRegion\":\"US915\"}"),
                            &t));
        struct backend_created made;
        assert_int_equal(store_create_task(st, &t, &made, &err), BACKEND_OK);
        const char *devs[] = { "dev-a", "dev-b", "dev-c" };
        for (size_t i = 0; i < 3; i++)
            assert_int_equal(store_associate_device(st, made.id, devs[i], &err),
                             BACKEND_OK);
        assert_int_equal(store_start_task(st, made.id, false, 0, &err),
                         BACKEND_OK);
        enum backend_device_status s[3];
        assert_int_equal(statuses_of(st, made.id, s, 3), 3);
        for (size_t i = 0; i < 3; i++)
            assert_int_equal(s[i], BACKEND_DEVICE_INITIAL);
        test_now_ms += 1000LL * 86400 * 30; /* long after the session */
        assert_int_equal(statuses_of(st, made.id, s, 3), 3);
        for (size_t i = 0; i < 3; i++)
            assert_int_equal(s[i], cases[c].want);
        task_cleanup(&t);
        store_close(st);
    }
}

/* Runs a fleet with and without faults (same seed and loss). */
static void fault_pair(struct sim *base, struct sim *with, size_t devices,
                       enum fleet_mode mode, const struct fault_config *faults)
{
    struct sim *both[2] = { base, with };
    for (int i = 0; i < 2; i++) {
        sim_setup(both[i], 2000, 50, 25, devices);
        both[i]->p.loss.loss = 0.1;
        both[i]->p.seed = 11;
        both[i]->p.mode = mode;
        if (i == 1)
            both[i]->p.faults = *faults;
        sim_run(both[i]);
    }
}

/*
 * Each fault gives its status to about its share of the fleet (within 4.5
 * binomial standard deviations) and changes nothing else: every device
 * without it ends exactly as in a run without the fault.
 */
static void test_fault_share_and_isolation(void **state)
{
    (void)state;
    const size_t n = 3000;
    const double share = 0.1;
    for (int f = FAULT_NONE + 1; f < FAULT_COUNT; f++) {
        struct fault_config c;
        fault_config_init(&c);
        c.share[f] = share;
        struct sim base, with;
        fault_pair(&base, &with, n, f % 2 ? FLEET_MODE_FULL : FLEET_MODE_RANK,
                   &c);
        size_t k = 0;
        size_t want[BACKEND_DEVICE_STATUS_COUNT] = { 0 };
        for (size_t d = 0; d < n; d++) {
            const struct fleet_device_result *a = &with.r.dev[d];
            const struct fleet_device_result *b = &base.r.dev[d];
            assert_int_equal(b->fault, FAULT_NONE);
            want[a->status]++;
            if (a->fault == FAULT_NONE) {
                assert_int_equal(a->status, b->status);
                assert_int_equal(a->received, b->received);
                assert_int_equal(a->lost, b->lost);
                assert_int_equal(a->done_at, b->done_at);
                assert_int_equal(a->refused, b->refused);
                continue;
            }
            assert_int_equal(a->fault, f);
            assert_int_equal(a->status, fault_status((enum fault)f));
            assert_int_equal(a->received, 0);
            assert_int_equal(a->done_at, 0);
            assert_int_equal(a->refused, fault_refuses_setup((enum fault)f));
            k++;
        }
        double mean = share * (double)n;
        if (fabs((double)k - mean) > 4.5 * sqrt(mean * (1.0 - share)))
            fail_msg("%s: %zu of %zu devices", fault_name((enum fault)f), k, n);
        assert_int_equal(with.r.by_fault[f], k);
        assert_int_equal(with.r.by_fault[FAULT_NONE], n - k);
        assert_memory_equal(with.r.by_status, want, sizeof(want));
        assert_int_equal(with.r.internal_errors, 0);
        assert_int_equal(with.r.completed, want[BACKEND_DEVICE_SUCCESSFUL]);
        sim_free(&base);
        sim_free(&with);
    }
}

/* Refusals at setup are final for the sender; a device with wrong keys
 * never reports before the end and keeps it sending. */
static void test_fault_early_stop(void **state)
{
    (void)state;
    struct fault_config setup_fault, keys;
    fault_config_init(&setup_fault);
    setup_fault.share[FAULT_WRONG_DESCRIPTOR] = 0.5;
    fault_config_init(&keys);
    keys.share[FAULT_MIC_ERROR] = 0.5;
    const struct fault_config *cases[] = { &setup_fault, &keys };
    for (size_t i = 0; i < 2; i++) {
        struct sim x;
        sim_setup(&x, 4000, 40, 50, 40);
        x.p.early_stop = true;
        x.p.faults = *cases[i];
        sim_run(&x);
        assert_true(
            x.r.by_fault[i == 0 ? FAULT_WRONG_DESCRIPTOR : FAULT_MIC_ERROR] >
            0);
        if (i == 0) {
            assert_int_equal(x.r.stop_at, 100); /* no loss: done at M */
            assert_int_equal(x.r.sent, 100);
        } else {
            assert_int_equal(x.r.stop_at, 0);
            assert_int_equal(x.r.sent, x.r.total);
        }
        sim_free(&x);
    }
}

/* The events of faulty devices: a refusal fails before fragment 1; wrong
 * keys lose every fragment and fail with MICError at the end. */
static void test_fault_events(void **state)
{
    (void)state;
    struct sim x;
    sim_setup(&x, 400, 40, 20, 30);
    x.p.faults.share[FAULT_SESSION_CNT_REPLAY] = 0.2;
    x.p.faults.share[FAULT_MIC_ERROR] = 0.2;
    sim_run(&x);
    assert_true(x.r.by_fault[FAULT_SESSION_CNT_REPLAY] > 0);
    assert_true(x.r.by_fault[FAULT_MIC_ERROR] > 0);
    struct events_iter *it = events_new(&x.p, &x.r);
    assert_non_null(it);
    struct events_event ev;
    size_t refused = 0, mic_failed = 0, mic_received = 0, mic_lost = 0;
    bool sent_any = false;
    while (events_next(it, &ev)) {
        if (ev.type == EVENTS_SENT) {
            sent_any = true;
            continue;
        }
        enum fault f = x.r.dev[ev.device].fault;
        if (f == FAULT_SESSION_CNT_REPLAY) {
            assert_int_equal(ev.type, EVENTS_FAILED);
            assert_false(sent_any);
            assert_int_equal(ev.fragment, 0);
            assert_int_equal(ev.status, BACKEND_DEVICE_SESSION_CNT_REPLAY);
            refused++;
        } else if (f == FAULT_MIC_ERROR) {
            mic_received += ev.type == EVENTS_RECEIVED;
            mic_lost += ev.type == EVENTS_LOST;
            if (ev.type == EVENTS_FAILED) {
                assert_int_equal(ev.status, BACKEND_DEVICE_MIC_ERROR);
                assert_int_equal(ev.fragment, x.r.sent);
                assert_int_equal(ev.time_us, fleet_end_time_us(&x.s, x.r.sent));
                mic_failed++;
            }
        }
    }
    events_free(it);
    assert_int_equal(refused, x.r.by_fault[FAULT_SESSION_CNT_REPLAY]);
    assert_int_equal(mic_failed, x.r.by_fault[FAULT_MIC_ERROR]);
    assert_int_equal(mic_received, 0);
    assert_int_equal(mic_lost, x.r.by_fault[FAULT_MIC_ERROR] * x.r.sent);
    /* When each reached its outcome. */
    for (size_t d = 0; d < x.r.devices; d++) {
        const struct fleet_device_result *r = &x.r.dev[d];
        uint64_t t = fleet_device_done_us(&x.s, r, x.r.sent);
        if (r->refused)
            assert_int_equal(t, 0);
        else if (r->fault == FAULT_MIC_ERROR)
            assert_int_equal(t, fleet_end_time_us(&x.s, x.r.sent));
        else
            assert_int_equal(t, fleet_heard_time_us(&x.s, r->done_at));
    }
    sim_free(&x);
}

/* A share outside 0..1 is a parameter error naming the fault. */
static void test_fault_bad_share(void **state)
{
    (void)state;
    struct sim x;
    sim_setup(&x, 400, 40, 20, 3);
    x.p.faults.share[FAULT_MIC_ERROR] = 1.5;
    char msg[256];
    assert_int_equal(fleet_run(&x.p, &x.r, msg, sizeof(msg)), FLEET_ERR_PARAM);
    assert_non_null(strstr(msg, "mic-error"));
    sim_free(&x);
}

/* The simulated service's player: faults by key, setup refusals at the
 * start, wrong keys at the end of the session. */
static void test_play_task_faults(void **state)
{
    (void)state;
    struct fuota_task t;
    assert_true(task_of(REQ(",\"FragmentSizeBytes\":40,\"RedundancyPercent\":"
                            "30,\"FragmentIntervalMS\":1000,\"LoRaWAN\":{"
                            "\"RfRegion\":\"US915\"}"),
                        &t));
    struct fault_config c;
    fault_config_init(&c);
    c.share[FAULT_NOT_ENOUGH_MEMORY] = 0.3;
    c.share[FAULT_MIC_ERROR] = 0.3;
    enum { N = 40 };
    uint64_t key[N];
    for (size_t i = 0; i < N; i++)
        key[i] = 1000 + i * 7;
    enum backend_device_status st[N], plain[N];
    int64_t ms[N], session_ms = 0;
    char msg[256];
    assert_true(fleet_play_task(&t, 4000, 7, N, NULL, key, &c, st, ms,
                                &session_ms, msg, sizeof(msg)));
    assert_true(fleet_play_task(&t, 4000, 7, N, NULL, key, NULL, plain, NULL,
                                NULL, msg, sizeof(msg)));
    size_t refused = 0, mic = 0;
    for (size_t i = 0; i < N; i++) {
        enum fault f = fault_of_device(&c, 7, key[i]);
        assert_int_equal(st[i], f == FAULT_NONE ? plain[i] : fault_status(f));
        if (f == FAULT_NOT_ENOUGH_MEMORY) {
            assert_int_equal(ms[i], 0);
            refused++;
        } else if (f == FAULT_MIC_ERROR) {
            assert_int_equal(ms[i], session_ms);
            mic++;
        }
    }
    assert_true(refused > 0 && mic > 0);
    task_cleanup(&t);
}

/* The Class C limit's fragment count and drop list (sim/fleet). */
static void test_class_c_limit(void **state)
{
    (void)state;
    /* 2400 fragments one every 14 s, 1 s on air: 33.6 ks > 2^15 s;
     * fragment n is heard at (n - 1) x 14 + 1 s: 2341 fit in 32768 s. */
    struct fleet_session s = {
        .m = 2000, .r = 400, .spacing_us = 14000000, .time_on_air_us = 1000000
    };
    assert_int_equal(fleet_class_c_heard(&s), 2341);
    s.spacing_us = 13000000; /* 31.2 ks: fits, nothing missed */
    assert_int_equal(fleet_class_c_heard(&s), 0);
    s.spacing_us = 0;
    assert_int_equal(fleet_class_c_heard(&s), 0);

    const uint32_t typed[] = { 7, 2399, 7, 0, 5000, 3 };
    uint32_t *all = NULL;
    size_t n = 0;
    assert_true(fleet_drops_after(typed, 6, 2395, 2400, &all, &n));
    /* 3 and 7 once, 0 and 5000 left out, 2396..2400 with 2399 once. */
    const uint32_t want[] = { 3, 7, 2396, 2397, 2398, 2399, 2400 };
    assert_int_equal(n, 7);
    for (size_t k = 0; k < n; k++)
        assert_int_equal(all[k], want[k]);
    free(all);
    assert_true(fleet_drops_after(NULL, 0, 2400, 2400, &all, &n));
    assert_int_equal(n, 0);
    free(all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schedule),
        cmocka_unit_test(test_no_loss_all_complete_at_m),
        cmocka_unit_test(test_total_loss_none_complete),
        cmocka_unit_test(test_drop_single_loss),
        cmocka_unit_test(test_drop_not_mds),
        cmocka_unit_test(test_deterministic_across_threads),
        cmocka_unit_test(test_rank_agrees_with_full),
        cmocka_unit_test(test_m1000_mean_overhead),
        cmocka_unit_test(test_early_stop),
        cmocka_unit_test(test_bursts_need_more_redundancy),
        cmocka_unit_test(test_device_limits),
        cmocka_unit_test(test_bad_params),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_events_stream),
        cmocka_unit_test(test_report_and_csv),
        cmocka_unit_test(test_session_from_task),
        cmocka_unit_test(test_play_task),
        cmocka_unit_test(test_store_hook),
        cmocka_unit_test(test_device_key),
        cmocka_unit_test(test_other_v2_numbering),
        cmocka_unit_test(test_other_numbering_single_loss),
        cmocka_unit_test(test_codec_params),
        cmocka_unit_test(test_fault_share_and_isolation),
        cmocka_unit_test(test_fault_early_stop),
        cmocka_unit_test(test_fault_events),
        cmocka_unit_test(test_fault_bad_share),
        cmocka_unit_test(test_play_task_faults),
        cmocka_unit_test(test_class_c_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
