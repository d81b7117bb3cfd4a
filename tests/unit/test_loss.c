#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/loss.h"

static struct loss_config cfg_with(double loss, double burst, double spread,
                                   double shared, uint32_t late)
{
    struct loss_config c;
    loss_config_init(&c);
    c.loss = loss;
    c.burst = burst;
    c.spread = spread;
    c.shared_loss = shared;
    c.late_join = late;
    return c;
}

static void test_config_boundaries(void **state)
{
    (void)state;
    static const struct {
        double loss, burst, spread, shared;
        uint32_t late;
        enum loss_status want;
    } cases[] = {
        { 0, 0, 0, 0, 0, LOSS_OK },
        { 1, 0, 0, 0, 0, LOSS_OK },
        { -0.0001, 0, 0, 0, 0, LOSS_ERR_LOSS },
        { 1.0001, 0, 0, 0, 0, LOSS_ERR_LOSS },
        { NAN, 0, 0, 0, 0, LOSS_ERR_LOSS },
        { 0.1, 1, 0, 0, 0, LOSS_OK },
        { 0.1, 0.999, 0, 0, 0, LOSS_ERR_BURST },
        { 0.1, -1, 0, 0, 0, LOSS_ERR_BURST },
        { 0.1, INFINITY, 0, 0, 0, LOSS_ERR_BURST },
        /* burst B reaches at most B/(B+1): B = 1 -> 50 %, B = 4 -> 80 % */
        { 0.5, 1, 0, 0, 0, LOSS_OK },
        { 0.51, 1, 0, 0, 0, LOSS_ERR_BURST_SHORT },
        { 0.8, 4, 0, 0, 0, LOSS_OK },
        { 0.81, 4, 0, 0, 0, LOSS_ERR_BURST_SHORT },
        { 1, 4, 0, 0, 0, LOSS_OK },
        { 0.1, 0, 0.2999, 0, 0, LOSS_OK },
        { 0.1, 0, 0.3, 0, 0, LOSS_ERR_SPREAD_WIDE },
        { 0.1, 0, 1, 0, 0, LOSS_ERR_SPREAD_WIDE },
        /* the widest spread is sqrt(p(1-p)): 21.79 % at 5 %, 50 % at 50 % */
        { 0.05, 0, 0.2179, 0, 0, LOSS_OK },
        { 0.05, 0, 0.2180, 0, 0, LOSS_ERR_SPREAD_WIDE },
        { 0.5, 0, 0.4999, 0, 0, LOSS_OK },
        { 0.5, 0, 0.5, 0, 0, LOSS_ERR_SPREAD_WIDE },
        { 0.5, 1, 0.4999, 0, 0, LOSS_OK },
        /* nothing to spread at 0 and 100 %: any spread is accepted */
        { 0, 0, 1, 0, 0, LOSS_OK },
        { 1, 0, 0.5, 0, 0, LOSS_OK },
        { 0.1, 0, -0.01, 0, 0, LOSS_ERR_SPREAD },
        { 0.1, 0, 1.01, 0, 0, LOSS_ERR_SPREAD },
        { 0.1, 0, 0, 1, 0, LOSS_OK },
        { 0.1, 0, 0, -0.01, 0, LOSS_ERR_SHARED },
        { 0.1, 0, 0, 1.01, 0, LOSS_ERR_SHARED },
        { 0.1, 0, 0, 0, 16383, LOSS_OK },
        { 0.1, 0, 0, 0, 16384, LOSS_ERR_LATE_JOIN },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct loss_config c =
            cfg_with(cases[i].loss, cases[i].burst, cases[i].spread,
                     cases[i].shared, cases[i].late);
        char msg[256];
        enum loss_status st = loss_config_check(&c, msg, sizeof(msg));
        if (st != cases[i].want)
            fail_msg("case %zu: got %d want %d (%s)", i, st, cases[i].want,
                     msg);
        if (st != LOSS_OK)
            assert_true(strlen(msg) > 10);
    }
}

static void test_config_drop(void **state)
{
    (void)state;
    static const struct {
        uint32_t n;
        enum loss_status want;
    } cases[] = {
        { 0, LOSS_ERR_DROP },
        { 1, LOSS_OK },
        { 16383, LOSS_OK },
        { 16384, LOSS_ERR_DROP },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct loss_config c = cfg_with(0, 0, 0, 0, 0);
        c.drop = &cases[i].n;
        c.drop_count = 1;
        assert_int_equal(loss_config_check(&c, NULL, 0), cases[i].want);
    }
}

static void test_status_names(void **state)
{
    (void)state;
    assert_string_equal(loss_status_param(LOSS_ERR_BURST_SHORT), "burst");
    assert_string_equal(loss_status_param(LOSS_ERR_SHARED), "shared-loss");
    assert_string_equal(loss_status_param(LOSS_ERR_LATE_JOIN), "late-join");
    assert_string_equal(loss_status_param(LOSS_ERR_DROP), "drop");
    assert_non_null(strstr(loss_status_message(LOSS_ERR_LOSS), "0 to 100"));
    struct loss_config c = cfg_with(0.9, 2, 0, 0, 0);
    char msg[256];
    assert_int_equal(loss_config_check(&c, msg, sizeof(msg)),
                     LOSS_ERR_BURST_SHORT);
    assert_non_null(strstr(msg, "at least 9"));
}

static void test_parse_drop(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t count;
    } good[] = { { "1", 1 }, { "3,17,200", 3 }, { "16383,1", 2 } };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        uint32_t *list = NULL;
        size_t n = 0;
        assert_int_equal(loss_parse_drop(good[i].text, &list, &n, NULL, 0),
                         LOSS_OK);
        assert_int_equal(n, good[i].count);
        free(list);
    }
    const char *bad[] = {
        "",   "1,,2", ",1",    "1,",  "a",   "0",    "-3",
        "+5", " 5",   "16384", "1.5", "1;2", "0x10", "99999999999999999999999"
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint32_t *list = (uint32_t *)1;
        size_t n = 7;
        char msg[128];
        if (loss_parse_drop(bad[i], &list, &n, msg, sizeof(msg)) !=
            LOSS_ERR_DROP)
            fail_msg("'%s' was accepted", bad[i]);
        assert_null(list);
        assert_int_equal(n, 0);
        assert_true(msg[0] != '\0');
    }
    uint32_t *list = NULL;
    size_t n = 0;
    assert_int_equal(loss_parse_drop("12,3,12", &list, &n, NULL, 0), LOSS_OK);
    assert_int_equal(n, 3);
    assert_int_equal(list[0], 12);
    assert_int_equal(list[1], 3);
    assert_int_equal(list[2], 12);
    free(list);
}

static void test_splitmix_known_answer(void **state)
{
    (void)state;
    /* splitmix64 seeded with 0: first output (Vigna's reference). */
    assert_true(loss_mix64(0x9e3779b97f4a7c15ull) == 0xe220a8397b1dcdafull);
    bool always;
    assert_true(loss_threshold(0.0, &always) == 0 && !always);
    assert_true(loss_threshold(-1.0, &always) == 0 && !always);
    loss_threshold(1.0, &always);
    assert_true(always);
    assert_true(loss_threshold(0.5, &always) == (1ull << 63) && !always);
    assert_true(loss_unit(UINT64_MAX) < 1.0);
    assert_true(loss_unit(0) == 0.0);
}

static void test_streams_independent_of_order(void **state)
{
    (void)state;
    struct loss_config c = cfg_with(0.3, 0, 0, 0, 0);
    /* Device 5's pattern is the same whether other devices ran first. */
    bool a[200], b[200];
    struct loss_device d5, d4;
    loss_device_init(&d5, &c, 42, 5, -1.0);
    for (uint32_t n = 1; n <= 200; n++)
        a[n - 1] = loss_device_next(&d5, NULL, n);
    loss_device_init(&d4, &c, 42, 4, -1.0);
    for (uint32_t n = 1; n <= 100; n++)
        (void)loss_device_next(&d4, NULL, n);
    loss_device_init(&d5, &c, 42, 5, -1.0);
    for (uint32_t n = 1; n <= 200; n++)
        b[n - 1] = loss_device_next(&d5, NULL, n);
    assert_memory_equal(a, b, sizeof(a));
    /* Another seed or device gives another pattern. */
    loss_device_init(&d5, &c, 43, 5, -1.0);
    for (uint32_t n = 1; n <= 200; n++)
        b[n - 1] = loss_device_next(&d5, NULL, n);
    assert_memory_not_equal(a, b, sizeof(a));
    loss_device_init(&d4, &c, 42, 4, -1.0);
    for (uint32_t n = 1; n <= 200; n++)
        b[n - 1] = loss_device_next(&d4, NULL, n);
    assert_memory_not_equal(a, b, sizeof(a));
}

/* Long-run loss and mean burst length of one device's process. */
static void measure(const struct loss_config *c, uint64_t index, uint32_t len,
                    double *loss, double *burst)
{
    struct loss_device d;
    loss_device_init(&d, c, 7, index, -1.0);
    size_t lost = 0, bursts = 0;
    bool prev = false;
    for (uint32_t i = 0; i < len; i++) {
        /* Fragment numbers beyond 16383 are fine without a shared table. */
        bool l = loss_device_next(&d, NULL, i + 1);
        lost += l;
        if (l && !prev)
            bursts++;
        prev = l;
    }
    *loss = (double)lost / len;
    *burst = bursts ? (double)lost / (double)bursts : 0.0;
}

static void test_iid_and_burst_means(void **state)
{
    (void)state;
    static const struct {
        double loss, burst;
    } cases[] = {
        { 0.1, 0 }, { 0.1, 5 }, { 0.3, 3 }, { 0.5, 1 }, { 0.05, 10 }
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct loss_config c = cfg_with(cases[i].loss, cases[i].burst, 0, 0, 0);
        double loss, burst;
        measure(&c, i, 400000, &loss, &burst);
        if (fabs(loss - cases[i].loss) > 0.01)
            fail_msg("case %zu: loss %f", i, loss);
        /* i.i.d. bursts average 1/(1-p); Gilbert-Elliott ones B. */
        double want =
            cases[i].burst > 0 ? cases[i].burst : 1.0 / (1.0 - cases[i].loss);
        if (fabs(burst - want) > 0.05 * want)
            fail_msg("case %zu: burst %f want %f", i, burst, want);
    }
    /* 0 and 1 are exact. */
    struct loss_config none = cfg_with(0, 0, 0, 0, 0);
    struct loss_config all = cfg_with(1, 3, 0, 0, 0);
    double loss, burst;
    measure(&none, 1, 10000, &loss, &burst);
    assert_true(loss == 0.0);
    measure(&all, 1, 10000, &loss, &burst);
    assert_true(loss == 1.0);
}

/* Mean and standard deviation of the drawn per-device loss. */
static void spread_stats(const struct loss_config *c, uint64_t seed, size_t n,
                         double *mean, double *sd, double *lo, double *hi)
{
    double sum = 0, sq = 0;
    *lo = 1.0;
    *hi = 0.0;
    for (size_t d = 0; d < n; d++) {
        struct loss_device dev;
        loss_device_init(&dev, c, seed, d, -1.0);
        double q = dev.device_loss;
        sum += q;
        sq += q * q;
        if (q < *lo)
            *lo = q;
        if (q > *hi)
            *hi = q;
    }
    *mean = sum / (double)n;
    *sd = sqrt(sq / (double)n - *mean * *mean);
}

static void test_spread_keeps_mean(void **state)
{
    (void)state;
    /* The mean of n draws is within 4 standard errors (s / sqrt(n)) of p:
     * the draws are seeded, so this is a fixed answer, not a flaky one. A
     * normal clamped to [0, 1] (the old model) gave 6.98 % for 5 %/10 %. */
    static const struct {
        double p, s;
    } cases[] = {
        { 0.2, 0.05 },  { 0.05, 0.10 }, { 0.5, 0.30 }, { 0.01, 0.05 },
        { 0.95, 0.10 }, { 0.3, 0.20 },  { 0.5, 0.49 }, { 0.001, 0.03 },
    };
    const size_t n = 200000;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct loss_config c = cfg_with(cases[i].p, 0, cases[i].s, 0, 0);
        assert_int_equal(loss_config_check(&c, NULL, 0), LOSS_OK);
        double mean, sd, lo, hi;
        spread_stats(&c, 9 + i, n, &mean, &sd, &lo, &hi);
        double se = cases[i].s / sqrt((double)n);
        if (fabs(mean - cases[i].p) > 4 * se)
            fail_msg("case %zu: mean %.5f want %.5f +- %.5f", i, mean,
                     cases[i].p, 4 * se);
        if (fabs(sd - cases[i].s) > 0.02 * cases[i].s)
            fail_msg("case %zu: sd %.5f want %.5f", i, sd, cases[i].s);
        assert_true(lo >= 0.0 && hi <= 1.0);
    }
}

static void test_spread_deterministic(void **state)
{
    (void)state;
    struct loss_config c = cfg_with(0.05, 0, 0.1, 0, 0);
    double a[64];
    for (size_t d = 0; d < 64; d++) {
        struct loss_device dev;
        loss_device_init(&dev, &c, 5, d, -1.0);
        a[d] = dev.device_loss;
    }
    /* Same seed and device, in any order: the same draw. Another seed: not. */
    size_t same = 0;
    for (size_t k = 64; k-- > 0;) {
        struct loss_device dev;
        loss_device_init(&dev, &c, 5, k, -1.0);
        assert_true(dev.device_loss == a[k]);
        loss_device_init(&dev, &c, 6, k, -1.0);
        same += dev.device_loss == a[k];
    }
    assert_true(same < 4);
    /* No spread, or nothing to spread (p = 0 or 1): the mean exactly. */
    static const double flat[][2] = { { 0.2, 0 }, { 0, 0.5 }, { 1, 0.5 } };
    for (size_t i = 0; i < 3; i++) {
        struct loss_config f = cfg_with(flat[i][0], 0, flat[i][1], 0, 0);
        assert_int_equal(loss_config_check(&f, NULL, 0), LOSS_OK);
        for (size_t d = 0; d < 100; d++) {
            struct loss_device dev;
            loss_device_init(&dev, &f, 5, d, -1.0);
            assert_true(dev.device_loss == flat[i][0]);
        }
    }
    /* A device given its own loss keeps it. */
    struct loss_device own;
    loss_device_init(&own, &c, 9, 3, 0.25);
    assert_true(own.device_loss == 0.25);
}

static void test_spread_refusal_message(void **state)
{
    (void)state;
    struct loss_config c = cfg_with(0.05, 0, 0.5, 0, 0);
    char msg[320];
    assert_int_equal(loss_config_check(&c, msg, sizeof(msg)),
                     LOSS_ERR_SPREAD_WIDE);
    assert_string_equal(loss_status_param(LOSS_ERR_SPREAD_WIDE), "spread");
    assert_non_null(strstr(msg, "sqrt(p(1-p)) = 21.79 %"));
    assert_non_null(strstr(msg, "50 %"));
    double a, b;
    assert_int_equal(loss_beta_shape(0.2, 0.1, &a, &b), LOSS_OK);
    /* k = 0.16 / 0.01 - 1 = 15 */
    assert_true(fabs(a - 3.0) < 1e-9 && fabs(b - 12.0) < 1e-9);
    assert_int_equal(loss_beta_shape(0.2, 0.4, &a, &b), LOSS_ERR_SPREAD_WIDE);
    assert_int_equal(loss_beta_shape(0.2, 0, &a, &b), LOSS_OK);
    assert_true(a == 0.0 && b == 0.0);
}

static void test_burst_raised_for_lossy_devices(void **state)
{
    (void)state;
    assert_true(loss_burst_needed(0.5) == 1.0);
    assert_true(fabs(loss_burst_needed(0.8) - 4.0) < 1e-12);
    assert_true(loss_burst_needed(0) == 0.0);
    assert_true(isinf(loss_burst_needed(1)));
    /* A device given 80 % loss with bursts of 1 (at most 50 %) gets bursts
     * of 4 and really loses 80 %; one at 40 % keeps bursts of 1. */
    struct loss_config c = cfg_with(0.3, 1, 0, 0, 0);
    struct loss_device dev;
    loss_device_init(&dev, &c, 3, 0, 0.8);
    assert_true(dev.burst_raised);
    assert_true(fabs(dev.burst - 4.0) < 1e-12);
    size_t lost = 0;
    for (uint32_t n = 1; n <= 200000; n++)
        lost += loss_device_next(&dev, NULL, n);
    assert_true(fabs((double)lost / 200000 - 0.8) < 0.01);
    loss_device_init(&dev, &c, 3, 0, 0.4);
    assert_false(dev.burst_raised);
    assert_true(dev.burst == 1.0);
    loss_device_init(&dev, &c, 3, 0, 0.5);
    assert_false(dev.burst_raised);
    /* Bursts + spread: over many devices the measured loss is the drawn
     * loss (nothing capped) and the drawn loss has mean p. With the old
     * cap, 30 %/bursts of 1/20 % measured 28.5 %. */
    struct loss_config s = cfg_with(0.3, 1, 0.2, 0, 0);
    assert_int_equal(loss_config_check(&s, NULL, 0), LOSS_OK);
    const size_t devices = 2000;
    const uint32_t frags = 4000;
    double drawn = 0, measured = 0;
    size_t raised = 0;
    for (size_t d = 0; d < devices; d++) {
        loss_device_init(&dev, &s, 21, d, -1.0);
        drawn += dev.device_loss;
        raised += dev.burst_raised;
        assert_int_equal(dev.burst_raised,
                         dev.device_loss > 0.5 && dev.device_loss < 1.0);
        size_t l = 0;
        for (uint32_t n = 1; n <= frags; n++)
            l += loss_device_next(&dev, NULL, n);
        measured += (double)l / frags;
    }
    drawn /= devices;
    measured /= devices;
    if (fabs(measured - drawn) > 0.004)
        fail_msg("measured %.5f drawn %.5f", measured, drawn);
    if (fabs(drawn - 0.3) > 4 * 0.2 / sqrt((double)devices))
        fail_msg("drawn %.5f", drawn);
    assert_int_equal(loss_burst_raised_count(&s, 21, devices, NULL), raised);
    assert_true(raised > 100 && raised < 400);
    /* Without bursts, or without devices above B/(B+1): none. */
    struct loss_config iid = cfg_with(0.3, 0, 0.2, 0, 0);
    assert_int_equal(loss_burst_raised_count(&iid, 21, devices, NULL), 0);
    struct loss_config flat = cfg_with(0.3, 1, 0, 0, 0);
    assert_int_equal(loss_burst_raised_count(&flat, 21, devices, NULL), 0);
    double own[3] = { 0.2, 0.9, 1.0 };
    assert_int_equal(loss_burst_raised_count(&flat, 21, 3, own), 1);
}

static void test_shared_late_drop(void **state)
{
    (void)state;
    uint32_t drop[] = { 7, 9, 7 };
    struct loss_config c = cfg_with(0, 0, 0, 0.25, 3);
    c.drop = drop;
    c.drop_count = 3;
    static struct loss_shared sh, sh2;
    loss_shared_build(&sh, &c, 11, 10000);
    loss_shared_build(&sh2, &c, 11, 10000);
    assert_memory_equal(&sh, &sh2, sizeof(sh));
    size_t lost = 0;
    for (uint32_t n = 1; n <= 10000; n++)
        lost += loss_shared_lost(&sh, n);
    assert_true(lost > 2300 && lost < 2700);
    assert_true(loss_shared_lost(&sh, 7) && loss_shared_lost(&sh, 9));
    assert_false(loss_shared_lost(&sh, 10001));
    /* Every device sees the shared pattern and misses 1..3. */
    for (uint64_t d = 0; d < 5; d++) {
        struct loss_device dev;
        loss_device_init(&dev, &c, 11, d, -1.0);
        for (uint32_t n = 1; n <= 100; n++) {
            bool want = n <= 3 || loss_shared_lost(&sh, n);
            assert_int_equal(loss_device_next(&dev, &sh, n), want);
        }
    }
    /* Shared loss 100 %: everything; 0 % with no drop: nothing. */
    struct loss_config full = cfg_with(0, 0, 0, 1, 0);
    loss_shared_build(&sh, &full, 1, 100);
    for (uint32_t n = 1; n <= 100; n++)
        assert_true(loss_shared_lost(&sh, n));
    assert_false(loss_shared_lost(&sh, 101));
    struct loss_config none = cfg_with(0, 0, 0, 0, 0);
    loss_shared_build(&sh, &none, 1, 100);
    for (uint32_t n = 0; n <= 16383; n++)
        assert_false(loss_shared_lost(&sh, n));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_boundaries),
        cmocka_unit_test(test_config_drop),
        cmocka_unit_test(test_status_names),
        cmocka_unit_test(test_parse_drop),
        cmocka_unit_test(test_splitmix_known_answer),
        cmocka_unit_test(test_streams_independent_of_order),
        cmocka_unit_test(test_iid_and_burst_means),
        cmocka_unit_test(test_spread_keeps_mean),
        cmocka_unit_test(test_spread_deterministic),
        cmocka_unit_test(test_spread_refusal_message),
        cmocka_unit_test(test_burst_raised_for_lossy_devices),
        cmocka_unit_test(test_shared_late_drop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
