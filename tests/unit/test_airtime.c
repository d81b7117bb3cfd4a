/*
 * core/airtime: LoRa time on air against published values (Semtech
 * AN1200.13 / LoRa calculators) to the microsecond, the low-data-rate
 * optimisation boundary, parameter checks, FSK, and data-rate dispatch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/airtime.h"
#include "core/region.h"

/* Downlink (explicit header, CRC off, CR 4/5, preamble 8, LDRO auto). */
static void test_downlink_published(void **state)
{
    (void)state;
    struct {
        int sf;
        int64_t bw;
        size_t pl;
        uint64_t us;
    } cases[] = {
        { 7, 125000, 13, 41216 },     /* 41.216 ms */
        { 12, 125000, 64, 2793472 },  /* 2793.472 ms (LDRO on) */
        { 8, 500000, 64, 51328 },     /* 51.328 ms */
        { 10, 125000, 255, 2254848 }, /* 2254.848 ms */
        /* Hand-computed: SF7/125 PL 0: 8 payload symbols + 12.25. */
        { 7, 125000, 0, 20736 },
        /* SF12/125 PL 16 (empty-fragment frame): ceil(108/40)=3 -> 23
         * symbols + 12.25 = 35.25 * 32.768 ms. */
        { 12, 125000, 16, 1155072 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint64_t got =
            airtime_lora_downlink_us(cases[i].sf, cases[i].bw, cases[i].pl);
        if (got != cases[i].us)
            fail_msg("SF%d/%lld %zu B: %llu us, want %llu", cases[i].sf,
                     (long long)cases[i].bw, cases[i].pl,
                     (unsigned long long)got, (unsigned long long)cases[i].us);
    }
}

/* The generic formula: uplink-style CRC on and implicit header. */
static void test_generic_parameters(void **state)
{
    (void)state;
    struct airtime_lora p = airtime_lora_downlink_params(7, 125000);
    uint64_t us = 0;
    p.crc = true; /* uplink: the well-known 46.336 ms for 13 B at SF7 */
    assert_true(airtime_lora_us(&p, 13, &us));
    assert_int_equal(us, 46336);
    p.explicit_header = false; /* num = 104-28+28+16-20 = 100 -> 4 * 5 */
    assert_true(airtime_lora_us(&p, 13, &us));
    assert_int_equal(us, (uint64_t)((8 + 20) * 4 + 49) * 1024 / 4);
    p.explicit_header = true;
    p.crc = false;
    p.cr = 4; /* 4/8: 4 blocks * 8 + 8 = 40 symbols + 12.25 */
    assert_true(airtime_lora_us(&p, 13, &us));
    assert_int_equal(us, 53504);
    p.cr = 1;
    p.preamble_symbols = 12; /* +4 symbols of 1.024 ms */
    assert_true(airtime_lora_us(&p, 13, &us));
    assert_int_equal(us, 41216 + 4096);

    /* LDRO forced on/off at SF12/125, 64 B: ceil(492/48)=11 -> 63. */
    p = airtime_lora_downlink_params(12, 125000);
    p.ldro = AIRTIME_LDRO_OFF;
    assert_true(airtime_lora_us(&p, 64, &us));
    assert_int_equal(us, (uint64_t)(4 * 63 + 49) * 32768 / 4);
    p.ldro = AIRTIME_LDRO_ON;
    assert_true(airtime_lora_us(&p, 64, &us));
    assert_int_equal(us, 2793472);
}

static void test_ldro_boundary(void **state)
{
    (void)state;
    assert_true(airtime_lora_ldro_auto(11, 125000));  /* 16.384 ms */
    assert_false(airtime_lora_ldro_auto(10, 125000)); /* 8.192 ms */
    assert_true(airtime_lora_ldro_auto(12, 250000));  /* 16.384 ms */
    assert_false(airtime_lora_ldro_auto(12, 500000)); /* 8.192 ms */
    assert_true(airtime_lora_ldro_auto(11, 128000));  /* exactly 16 ms */
    assert_false(airtime_lora_ldro_auto(11, 128001)); /* just below */
    assert_false(airtime_lora_ldro_auto(13, 125000));
}

static void test_symbol_time(void **state)
{
    (void)state;
    assert_int_equal(airtime_lora_symbol_us(7, 125000), 1024);
    assert_int_equal(airtime_lora_symbol_us(12, 125000), 32768);
    assert_int_equal(airtime_lora_symbol_us(8, 500000), 512);
    assert_int_equal(airtime_lora_symbol_us(7, 41700), 3070); /* rounded */
    assert_int_equal(airtime_lora_symbol_us(5, 125000), 0);
    assert_int_equal(airtime_lora_symbol_us(7, 0), 0);
}

static void test_rejects_bad_parameters(void **state)
{
    (void)state;
    uint64_t us = 77;
    struct airtime_lora good = airtime_lora_downlink_params(7, 125000);
    struct airtime_lora p;
    assert_true(airtime_lora_us(&good, 255, &us));
    assert_false(airtime_lora_us(&good, 256, &us));
    p = good;
    p.sf = 5;
    assert_false(airtime_lora_us(&p, 10, &us));
    p.sf = 6;
    assert_true(airtime_lora_us(&p, 10, &us));
    p.sf = 13;
    assert_false(airtime_lora_us(&p, 10, &us));
    p = good;
    p.bw_hz = 0;
    assert_false(airtime_lora_us(&p, 10, &us));
    p = good;
    p.cr = 0;
    assert_false(airtime_lora_us(&p, 10, &us));
    p.cr = 5;
    assert_false(airtime_lora_us(&p, 10, &us));
    p = good;
    p.preamble_symbols = -1;
    assert_false(airtime_lora_us(&p, 10, &us));
    assert_false(airtime_lora_us(NULL, 10, &us));
    assert_false(airtime_lora_us(&good, 10, NULL));
    assert_int_equal(airtime_lora_downlink_us(13, 125000, 10), 0);
}

static void test_fsk(void **state)
{
    (void)state;
    uint64_t us = 0;
    /* 8 * (5 + 3 + 1 + 64 + 2) bits at 50 kbps = 600 bits = 12 ms. */
    assert_true(airtime_fsk_us(50000, 64, &us));
    assert_int_equal(us, 12000);
    assert_true(airtime_fsk_us(50000, 255, &us));
    assert_int_equal(us, 42560);
    assert_false(airtime_fsk_us(50000, 256, &us));
    assert_false(airtime_fsk_us(0, 10, &us));
    assert_false(airtime_fsk_us(50000, 10, NULL));
}

static void test_data_rate_dispatch(void **state)
{
    (void)state;
    const struct region *eu = region_find("EU868");
    uint64_t us = 0;
    assert_true(airtime_dr_downlink_us(region_dr(eu, 0), 64, &us));
    assert_int_equal(us, 2793472);
    assert_true(airtime_dr_downlink_us(region_dr(eu, 5), 13, &us));
    assert_int_equal(us, 41216);
    assert_true(airtime_dr_downlink_us(region_dr(eu, 7), 64, &us));
    assert_int_equal(us, 12000);
    assert_false(airtime_dr_downlink_us(region_dr(eu, 8), 64, &us));
    assert_false(
        airtime_dr_downlink_us(region_dr(region_find("IN865"), 6), 10, &us));
    assert_false(airtime_dr_downlink_us(NULL, 10, &us));
    /* US915 DR12 = SF8/500 kHz. */
    assert_true(
        airtime_dr_downlink_us(region_dr(region_find("US915"), 12), 64, &us));
    assert_int_equal(us, 51328);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_downlink_published),
        cmocka_unit_test(test_generic_parameters),
        cmocka_unit_test(test_ldro_boundary),
        cmocka_unit_test(test_symbol_time),
        cmocka_unit_test(test_rejects_bad_parameters),
        cmocka_unit_test(test_fsk),
        cmocka_unit_test(test_data_rate_dispatch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
