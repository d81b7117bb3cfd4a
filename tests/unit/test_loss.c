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
        { 0.1, 0, 1, 0, 0, LOSS_OK },
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

static void test_spread(void **state)
{
    (void)state;
    struct loss_config c = cfg_with(0.2, 0, 0.05, 0, 0);
    double sum = 0, sq = 0;
    const size_t n = 20000;
    for (size_t d = 0; d < n; d++) {
        struct loss_device dev;
        loss_device_init(&dev, &c, 9, d, -1.0);
        sum += dev.device_loss;
        sq += dev.device_loss * dev.device_loss;
    }
    double mean = sum / n, sd = sqrt(sq / n - mean * mean);
    assert_true(fabs(mean - 0.2) < 0.003);
    assert_true(fabs(sd - 0.05) < 0.003);
    /* Clamped to [0, 1]; a device given its own loss keeps it. */
    struct loss_config wide = cfg_with(0.05, 0, 0.5, 0, 0);
    size_t zeros = 0;
    for (size_t d = 0; d < 1000; d++) {
        struct loss_device dev;
        loss_device_init(&dev, &wide, 9, d, -1.0);
        assert_true(dev.device_loss >= 0.0 && dev.device_loss <= 1.0);
        zeros += dev.device_loss == 0.0;
    }
    assert_true(zeros > 300);
    struct loss_device own;
    loss_device_init(&own, &wide, 9, 3, 0.25);
    assert_true(own.device_loss == 0.25);
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
        cmocka_unit_test(test_spread),
        cmocka_unit_test(test_shared_late_drop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
