/* Time on air; formulas and sources in core/airtime.h. */
#include "core/airtime.h"

/* FSK frame overhead in bytes: preamble 5, sync word 3, length 1, CRC 2. */
#define FSK_OVERHEAD_BYTES 11
#define MAX_PHY_PAYLOAD    255

static bool lora_params_ok(int sf, int64_t bw_hz)
{
    return sf >= 6 && sf <= 12 && bw_hz > 0 && bw_hz <= 10000000;
}

/* Rounded a / b for b > 0. */
static uint64_t div_round(uint64_t a, uint64_t b)
{
    return (a + b / 2) / b;
}

uint64_t airtime_lora_symbol_us(int sf, int64_t bw_hz)
{
    if (!lora_params_ok(sf, bw_hz))
        return 0;
    return div_round((UINT64_C(1) << sf) * UINT64_C(1000000), (uint64_t)bw_hz);
}

bool airtime_lora_ldro_auto(int sf, int64_t bw_hz)
{
    if (!lora_params_ok(sf, bw_hz))
        return false;
    /* Tsym = 2^SF / BW >= 16 ms, in integers: 2^SF * 1000 >= 16 * BW. */
    return (UINT64_C(1) << sf) * 1000u >= 16u * (uint64_t)bw_hz;
}

struct airtime_lora airtime_lora_downlink_params(int sf, int64_t bw_hz)
{
    struct airtime_lora p = {
        .sf = sf,
        .bw_hz = bw_hz,
        .cr = 1,
        .preamble_symbols = 8,
        .explicit_header = true,
        .crc = false,
        .ldro = AIRTIME_LDRO_AUTO,
    };
    return p;
}

bool airtime_lora_us(const struct airtime_lora *p, size_t phy_payload_bytes,
                     uint64_t *us)
{
    if (p == NULL || us == NULL || !lora_params_ok(p->sf, p->bw_hz) ||
        p->cr < 1 || p->cr > 4 || p->preamble_symbols < 0 ||
        p->preamble_symbols > 65535 || phy_payload_bytes > MAX_PHY_PAYLOAD)
        return false;
    int de;
    switch (p->ldro) {
    case AIRTIME_LDRO_ON:
        de = 1;
        break;
    case AIRTIME_LDRO_OFF:
        de = 0;
        break;
    default:
        de = airtime_lora_ldro_auto(p->sf, p->bw_hz) ? 1 : 0;
        break;
    }
    int64_t num = 8 * (int64_t)phy_payload_bytes - 4 * p->sf + 28 +
                  (p->crc ? 16 : 0) - (p->explicit_header ? 0 : 20);
    int64_t den = 4 * (p->sf - 2 * de);
    int64_t payload_symbols = 8;
    if (num > 0)
        payload_symbols += ((num + den - 1) / den) * (p->cr + 4);
    /* Work in quarter symbols so that the preamble's 4.25 stays exact. */
    uint64_t quarter_symbols =
        4 * (uint64_t)p->preamble_symbols + 17 + 4 * (uint64_t)payload_symbols;
    *us = div_round(quarter_symbols * (UINT64_C(1) << p->sf) * 1000000u,
                    4 * (uint64_t)p->bw_hz);
    return true;
}

uint64_t airtime_lora_downlink_us(int sf, int64_t bw_hz,
                                  size_t phy_payload_bytes)
{
    struct airtime_lora p = airtime_lora_downlink_params(sf, bw_hz);
    uint64_t us;
    if (!airtime_lora_us(&p, phy_payload_bytes, &us))
        return 0;
    return us;
}

bool airtime_fsk_us(int64_t bitrate_bps, size_t phy_payload_bytes, uint64_t *us)
{
    if (us == NULL || bitrate_bps <= 0 || phy_payload_bytes > MAX_PHY_PAYLOAD)
        return false;
    uint64_t bits = 8u * (FSK_OVERHEAD_BYTES + (uint64_t)phy_payload_bytes);
    *us = div_round(bits * 1000000u, (uint64_t)bitrate_bps);
    return true;
}

bool airtime_dr_downlink_us(const struct region_dr *d, size_t phy_payload_bytes,
                            uint64_t *us)
{
    if (d == NULL)
        return false;
    switch (d->modulation) {
    case REGION_MOD_LORA: {
        struct airtime_lora p = airtime_lora_downlink_params(d->sf, d->bw_hz);
        return airtime_lora_us(&p, phy_payload_bytes, us);
    }
    case REGION_MOD_FSK:
        return airtime_fsk_us(d->bitrate_bps, phy_payload_bytes, us);
    case REGION_MOD_LR_FHSS:
    case REGION_MOD_RFU:
        break;
    }
    return false;
}
