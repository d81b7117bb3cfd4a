/*
 * sim/fault: names, NAME:PCT parsing (every bad form refused with the
 * config untouched), the per-device draws (deterministic, keyed, each
 * fault near its share, the first of several faults wins), and the checks.
 * How faults play out in a fleet is in test_fleet.c.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sim/fault.h"

static void test_names(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        enum backend_device_status status;
        bool setup;
    } cases[] = {
        { "package-not-supported", BACKEND_DEVICE_PACKAGE_NOT_SUPPORTED, true },
        { "frag-algo-unsupported", BACKEND_DEVICE_FRAG_ALGO_UNSUPPORTED, true },
        { "not-enough-memory", BACKEND_DEVICE_NOT_ENOUGH_MEMORY, true },
        { "frag-index-unsupported", BACKEND_DEVICE_FRAG_INDEX_UNSUPPORTED,
          true },
        { "wrong-descriptor", BACKEND_DEVICE_WRONG_DESCRIPTOR, true },
        { "session-cnt-replay", BACKEND_DEVICE_SESSION_CNT_REPLAY, true },
        { "mic-error", BACKEND_DEVICE_MIC_ERROR, false },
    };
    assert_int_equal(sizeof(cases) / sizeof(cases[0]), FAULT_COUNT - 1);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum fault f = fault_find(cases[i].name);
        assert_int_equal(f, (enum fault)(i + 1));
        assert_string_equal(fault_name(f), cases[i].name);
        assert_int_equal(fault_status(f), cases[i].status);
        assert_int_equal(fault_refuses_setup(f), cases[i].setup);
        assert_true(strlen(fault_help(f)) > 0);
    }
    assert_int_equal(fault_find("MIC-error"), FAULT_NONE);
    assert_int_equal(fault_find(""), FAULT_NONE);
    assert_int_equal(fault_find("none"), FAULT_NONE);
    assert_string_equal(fault_name(FAULT_NONE), "none");
    assert_string_equal(fault_name((enum fault)99), "unknown");
    assert_string_equal(fault_help((enum fault)99), "");
    assert_int_equal(fault_status(FAULT_NONE), BACKEND_DEVICE_SUCCESSFUL);
    assert_false(fault_refuses_setup(FAULT_NONE));
    char buf[256];
    assert_string_equal(fault_list_names(buf, sizeof(buf)),
                        "package-not-supported, frag-algo-unsupported, "
                        "not-enough-memory, frag-index-unsupported, "
                        "wrong-descriptor, session-cnt-replay, mic-error");
    /* A short buffer is cut, not overrun. */
    char small[8];
    assert_int_equal(strlen(fault_list_names(small, sizeof(small))), 7);
}

static void test_parse(void **state)
{
    (void)state;
    struct fault_config c;
    fault_config_init(&c);
    assert_false(fault_config_any(&c));
    char msg[256];
    assert_true(fault_parse("mic-error:5", &c, msg, sizeof(msg)));
    assert_true(fabs(c.share[FAULT_MIC_ERROR] - 0.05) < 1e-12);
    assert_true(fault_config_any(&c));
    assert_true(fault_parse("wrong-descriptor:2.5", &c, msg, sizeof(msg)));
    assert_true(fabs(c.share[FAULT_WRONG_DESCRIPTOR] - 0.025) < 1e-12);
    assert_true(fault_parse("mic-error:0", &c, msg, sizeof(msg)));
    assert_true(c.share[FAULT_MIC_ERROR] == 0.0);
    assert_true(fault_parse("not-enough-memory:100", &c, msg, sizeof(msg)));
    assert_true(c.share[FAULT_NOT_ENOUGH_MEMORY] == 1.0);
    static const struct {
        const char *text;
        const char *needle;
    } bad[] = {
        { "mic-error", "is not NAME:PCT" },
        { "", "is not NAME:PCT" },
        { "wrong-keys:5", "'wrong-keys' is not a fault" },
        { ":5", "'' is not a fault" },
        { "a-name-that-is-far-too-long-for-any-fault:5", "is not a fault" },
        { "mic-error:", "not a percentage" },
        { "mic-error:101", "not a percentage" },
        { "mic-error:-1", "not a percentage" },
        { "mic-error:5%", "not a percentage" },
        { "mic-error:+5", "not a percentage" },
        { "mic-error: 5", "not a percentage" },
        { "mic-error:1e1", "not a percentage" },
        { "mic-error:nan", "not a percentage" },
        { "mic-error:5:5", "not a percentage" },
        { "mic-error:0x5", "not a percentage" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct fault_config before = c;
        msg[0] = '\0';
        assert_false(fault_parse(bad[i].text, &c, msg, sizeof(msg)));
        if (!strstr(msg, bad[i].needle))
            fail_msg("'%s': '%s' lacks '%s'", bad[i].text, msg, bad[i].needle);
        assert_memory_equal(&before, &c, sizeof(c));
    }
    /* The list of faults comes with an unknown name. */
    assert_false(fault_parse("x:1", &c, msg, sizeof(msg)));
    assert_non_null(strstr(msg, "mic-error"));
    /* NULL msg is allowed. */
    assert_false(fault_parse("x:1", &c, NULL, 0));
}

static void test_check(void **state)
{
    (void)state;
    struct fault_config c;
    fault_config_init(&c);
    char msg[256];
    assert_true(fault_config_check(&c, msg, sizeof(msg)));
    c.share[FAULT_MIC_ERROR] = 1.0;
    assert_true(fault_config_check(&c, msg, sizeof(msg)));
    c.share[FAULT_WRONG_DESCRIPTOR] = 1.5;
    assert_false(fault_config_check(&c, msg, sizeof(msg)));
    assert_non_null(strstr(msg, "wrong-descriptor: 150 %"));
    c.share[FAULT_WRONG_DESCRIPTOR] = -0.1;
    assert_false(fault_config_check(&c, NULL, 0));
    c.share[FAULT_WRONG_DESCRIPTOR] = NAN;
    assert_false(fault_config_check(&c, msg, sizeof(msg)));
}

/* Each fault alone lands near its share (within 4.5 binomial standard
 * deviations), the same keys give the same faults, and keys, not
 * positions, decide. */
static void test_draws(void **state)
{
    (void)state;
    const size_t n = 20000;
    const double share = 0.07;
    for (int f = FAULT_NONE + 1; f < FAULT_COUNT; f++) {
        struct fault_config c;
        fault_config_init(&c);
        c.share[f] = share;
        size_t k = 0;
        for (size_t d = 0; d < n; d++) {
            enum fault got = fault_of_device(&c, 42, d);
            assert_true(got == FAULT_NONE || got == (enum fault)f);
            k += got == (enum fault)f;
            assert_int_equal(got, fault_of_device(&c, 42, d));
        }
        double mean = share * (double)n;
        double sd = sqrt(mean * (1.0 - share));
        if (fabs((double)k - mean) > 4.5 * sd)
            fail_msg("%s: %zu of %zu, expected about %.0f", fault_name(f), k, n,
                     mean);
    }
    /* Another seed draws other devices. */
    struct fault_config c;
    fault_config_init(&c);
    c.share[FAULT_MIC_ERROR] = 0.5;
    size_t differ = 0;
    for (size_t d = 0; d < 1000; d++)
        differ += fault_of_device(&c, 1, d) != fault_of_device(&c, 2, d);
    assert_true(differ > 300 && differ < 700);
    /* No share, no fault; a share of 1, every device. */
    fault_config_init(&c);
    for (size_t d = 0; d < 100; d++)
        assert_int_equal(fault_of_device(&c, 1, d), FAULT_NONE);
    c.share[FAULT_SESSION_CNT_REPLAY] = 1.0;
    for (size_t d = 0; d < 100; d++)
        assert_int_equal(fault_of_device(&c, 1, d), FAULT_SESSION_CNT_REPLAY);
}

/* A device drawn for several faults meets the first in the exchange; a
 * fault's draw does not depend on the other faults' shares. */
static void test_precedence(void **state)
{
    (void)state;
    struct fault_config both, mic_only;
    fault_config_init(&both);
    fault_config_init(&mic_only);
    both.share[FAULT_PACKAGE_NOT_SUPPORTED] = 1.0;
    both.share[FAULT_MIC_ERROR] = 1.0;
    assert_int_equal(fault_of_device(&both, 3, 9), FAULT_PACKAGE_NOT_SUPPORTED);
    both.share[FAULT_PACKAGE_NOT_SUPPORTED] = 0.3;
    both.share[FAULT_MIC_ERROR] = 0.3;
    mic_only.share[FAULT_MIC_ERROR] = 0.3;
    for (uint64_t key = 0; key < 2000; key++) {
        enum fault a = fault_of_device(&both, 3, key);
        enum fault b = fault_of_device(&mic_only, 3, key);
        /* Wherever the package fault is not drawn, the mic draw is the
         * same as without it. */
        if (a != FAULT_PACKAGE_NOT_SUPPORTED)
            assert_int_equal(a, b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),      cmocka_unit_test(test_parse),
        cmocka_unit_test(test_check),      cmocka_unit_test(test_draws),
        cmocka_unit_test(test_precedence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
