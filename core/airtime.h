#ifndef FUOTA_CORE_AIRTIME_H
#define FUOTA_CORE_AIRTIME_H

/*
 * Time on air of a LoRa or FSK frame, in microseconds.
 *
 * LoRa: Semtech AN1200.13 ("LoRa Modem Designer's Guide") / SX1276 data
 * sheet section 4.1.1.7:
 *   Tsym      = 2^SF / BW
 *   Tpreamble = (n_preamble + 4.25) * Tsym
 *   payload symbols = 8 + max(ceil((8 PL - 4 SF + 28 + 16 CRC - 20 IH)
 *                                  / (4 (SF - 2 DE))) * (CR + 4), 0)
 * with IH = 1 for an implicit header, CRC = 1 when the payload CRC is on,
 * DE = 1 with low-data-rate optimisation, CR = 1..4 for 4/5..4/8.
 * The result is computed in integer arithmetic: exact to the microsecond
 * for every bandwidth 7.8125 kHz * 2^k up to 1 MHz (125, 250, 500 kHz...),
 * otherwise rounded to the nearest microsecond.
 *
 * LoRaWAN downlinks (regions.json "downlink_phy"): explicit header, CRC off,
 * CR 4/5, preamble 8, low-data-rate optimisation when Tsym >= 16 ms
 * (SF11 and SF12 at 125 kHz), as in LoRaMac-node.
 *
 * FSK (LoRaWAN 50 kbps GFSK, LoRaMac-node SX1276 settings): preamble 5
 * bytes, sync word 3 bytes, length byte 1, CRC 2 bytes:
 *   T = 8 * (5 + 3 + 1 + PL + 2) / bitrate.
 *
 * Pure functions of their arguments; thread-safe.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/region.h"

/* Low-data-rate optimisation mode. */
enum airtime_ldro { AIRTIME_LDRO_AUTO, AIRTIME_LDRO_OFF, AIRTIME_LDRO_ON };

struct airtime_lora {
    int sf;               /* 6..12 */
    int64_t bw_hz;        /* > 0 */
    int cr;               /* 1..4 for 4/5..4/8 */
    int preamble_symbols; /* programmed preamble length, >= 0 */
    bool explicit_header;
    bool crc;
    enum airtime_ldro ldro; /* AUTO: on when Tsym >= 16 ms */
};

/* The LoRaWAN downlink parameters for SF and BW (see above). */
struct airtime_lora airtime_lora_downlink_params(int sf, int64_t bw_hz);

/* Symbol time in microseconds (rounded to nearest), 0 for bad params. */
uint64_t airtime_lora_symbol_us(int sf, int64_t bw_hz);

/* True when the auto rule turns low-data-rate optimisation on. */
bool airtime_lora_ldro_auto(int sf, int64_t bw_hz);

/*
 * Time on air of a LoRa frame with `phy_payload_bytes` (PL, the PHYPayload:
 * MHDR..MIC) in microseconds. Returns false (and leaves *us untouched) when
 * a parameter is out of range or payload > 255.
 */
bool airtime_lora_us(const struct airtime_lora *p, size_t phy_payload_bytes,
                     uint64_t *us) __attribute__((warn_unused_result));

/* LoRaWAN downlink convenience; 0 for bad parameters. */
uint64_t airtime_lora_downlink_us(int sf, int64_t bw_hz,
                                  size_t phy_payload_bytes);

/* FSK frame time on air (see above); false for bitrate <= 0 or PL > 255. */
bool airtime_fsk_us(int64_t bitrate_bps, size_t phy_payload_bytes, uint64_t *us)
    __attribute__((warn_unused_result));

/*
 * Downlink time on air of a frame with `phy_payload_bytes` at data rate
 * `d` (LoRa or FSK). False for LR-FHSS/RFU rates (no downlink model) and
 * bad sizes.
 */
bool airtime_dr_downlink_us(const struct region_dr *d, size_t phy_payload_bytes,
                            uint64_t *us) __attribute__((warn_unused_result));

#endif
