#ifndef FUOTA_CORE_REGION_H
#define FUOTA_CORE_REGION_H

/*
 * LoRaWAN regional facts for the AWS IoT Wireless SupportedRfRegion enum,
 * as a static C table that mirrors tests/data/reference/regions.json
 * (LoRa Alliance RP002-1.0.x, LoRaMac-node, brocaar/lorawan). The unit test
 * tests/unit/test_region.c reads that JSON and compares every entry and
 * every fact field to this table, so the two cannot drift apart.
 *
 * Conventions (from regions.json):
 *   M  max MACPayload bytes (not repeater compatible)
 *   N  max FRMPayload bytes with empty FOpts, N = M - 8 (exact for
 *      multicast, which never carries FOpts)
 *   max_fragment_bytes = N - 3: a TS004 DataFragment puts CID (1 byte) and
 *      IndexAndN (2 bytes) before the fragment data on FPort 201. Only
 *      defined for downlink data rates that can carry fragments.
 *   A DataFragment frame with F fragment bytes has PHYPayload = F + 16.
 *
 * A number the reference leaves undefined ("null" or absent) is 0 in the
 * table (no defined size, frequency or limit is 0; data rate numbers are
 * always defined, and rx2_legacy_dr has its own flag).
 *
 * Everything here is const static data: no initialisation, no ownership,
 * safe from any thread. Returned pointers live for the whole program.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes a DataFragment adds in front of the fragment data (CID + IndexAndN).
 */
#define REGION_FRAGMENT_HEADER_BYTES 3
/* PHYPayload overhead of a DataFragment frame: MHDR 1 + FHDR 7 + FPort 1 +
 * MIC 4 + CID 1 + IndexAndN 2. PHYPayload = fragment bytes + 16. */
#define REGION_FRAGMENT_PHY_OVERHEAD 16
/* The TS004 fragment size limit (FragSize is one byte) is FEC_FRAG_SIZE_MAX
 * in core/fec.h. */

#define REGION_MODULATIONS(X)                                                  \
    X(REGION_MOD_LORA, "LoRa")                                                 \
    X(REGION_MOD_FSK, "FSK")                                                   \
    X(REGION_MOD_LR_FHSS, "LR-FHSS")                                           \
    X(REGION_MOD_RFU, "RFU")

enum region_modulation {
#define X(id, name) id,
    REGION_MODULATIONS(X)
#undef X
};

/* One data rate of a region's table. */
struct region_dr {
    int dr;
    enum region_modulation modulation;
    int sf;                            /* LoRa: 7..12; else 0 */
    int32_t bw_hz;                     /* LoRa bandwidth; else 0 */
    int32_t bitrate_bps;               /* FSK; else 0 */
    const char *coding_rate;           /* LR-FHSS "1/3", "2/3"; else NULL */
    int32_t occupied_channel_width_hz; /* LR-FHSS; else 0 */
    bool uplink;
    bool downlink;
    int max_mac_payload_m;  /* M or 0 */
    int max_app_payload_n;  /* N or 0 */
    int max_fragment_bytes; /* N - 3, 0 if unusable */
    /* Sizes where a 400 ms dwell time is enforced (AU915 uplink, AS923);
     * 0 when the reference gives null or nothing. */
    int max_mac_payload_m_dwell400;
    int max_app_payload_n_dwell400;
    int max_fragment_bytes_dwell400;
    /* CN470: sizes of the pre-RP002-1.0.1 single plan, else 0. */
    int m_rp002_1_0_0;
    int n_rp002_1_0_0;
};

/* An ETSI-style sub-band with its own duty-cycle limit (EU868). */
struct region_sub_band {
    const char *name;
    int64_t lo_hz;
    int64_t hi_hz;
    double duty_cycle; /* fraction: 0.1 = 10 % */
    int max_erp_mw;    /* 0 when not stated */
};

#define REGION_DUTY_KINDS(X)                                                   \
    X(REGION_DUTY_NONE, "none")                                                \
    X(REGION_DUTY_LOCAL, "local regulation")                                   \
    X(REGION_DUTY_SINGLE, "single limit")                                      \
    X(REGION_DUTY_SUB_BANDS, "sub-bands")

/*
 * REGION_DUTY_NONE: no LoRaWAN duty cycle ("duty_cycle": null).
 * REGION_DUTY_LOCAL: none LoRaWAN-wide, country rules apply ("value": null,
 *     AS923): the planner cannot bound the session by it.
 * REGION_DUTY_SINGLE: one limit `value` for the whole band, or for
 *     [band_lo_hz, band_hi_hz] when those are non-zero (EU433).
 * REGION_DUTY_SUB_BANDS: per sub-band limits (EU868).
 */
enum region_duty_kind {
#define X(id, name) id,
    REGION_DUTY_KINDS(X)
#undef X
};

struct region_duty_cycle {
    enum region_duty_kind kind;
    double value;       /* REGION_DUTY_SINGLE: fraction */
    int64_t band_lo_hz; /* REGION_DUTY_SINGLE: 0 = whole region */
    int64_t band_hi_hz;
    const struct region_sub_band *sub_bands; /* REGION_DUTY_SUB_BANDS */
    size_t sub_band_count;
};

/* CN470 RX2 frequency per channel plan (RP002-1.0.1+). */
struct region_rx2_plan {
    const char *name;       /* "20MHz_planA", "26MHz_planB", ... */
    int64_t abp_hz;         /* 20 MHz plans; 0 when not given */
    int64_t hz;             /* 26 MHz plans; 0 when not given */
    const int64_t *otaa_hz; /* by join channel group; may be NULL */
    size_t otaa_count;
};

struct region {
    const char *name;         /* the AWS RfRegion: "EU868", "AS923-1", ... */
    const char *rp002_band;   /* "EU863-870", "AS923", ... */
    const char *channel_plan; /* AS923-n, else NULL */
    int64_t as923_freq_offset_hz; /* AS923-n; 0 otherwise */
    const struct region_dr *drs;  /* in ascending DR order */
    size_t dr_count;
    /* RX2 and Class C default: data rate and frequency (0 = depends on the
     * channel plan, see rx2_plans). */
    int rx2_dr;
    int64_t rx2_frequency_hz;
    const struct region_rx2_plan *rx2_plans; /* CN470 only */
    size_t rx2_plan_count;
    bool has_rx2_legacy; /* CN470: pre-RP002-1.0.1 single-plan RX2 */
    int rx2_legacy_dr;
    int64_t rx2_legacy_frequency_hz;
    /* Class B beacon; 0 frequency = hopping (US915/AU915) or not given. */
    bool has_class_b;
    int64_t beacon_frequency_hz;
    int64_t ping_slot_frequency_hz;
    int beacon_dr;
    struct region_duty_cycle duty_cycle;
    /* Dwell time limits in ms, 0 when none. */
    int dwell_uplink_ms;
    int dwell_downlink_ms;
    /* RX1 downlink channel raster (US915/AU915), count 0 when none. */
    int64_t downlink_first_hz;
    int64_t downlink_step_hz;
    int downlink_count;
    bool lbt_required;           /* listen-before-talk (KR920) */
    double max_eirp_dbm_default; /* 0 when not given */
};

/* The table, in the order of the SupportedRfRegion enum. */
extern const struct region region_table[];
extern const size_t region_count;

/* The region named exactly `name` (AWS spelling), or NULL. */
const struct region *region_find(const char *name);

/* Data rate `dr` of the region, or NULL when the region has none. */
const struct region_dr *region_dr(const struct region *r, int dr);

/* The RX2 / Class C default data rate (never NULL for the table's
 * regions). */
const struct region_dr *region_default_dr(const struct region *r);

/* RX2 / Class C default frequency in Hz, 0 when it depends on the channel
 * plan (CN470). */
int64_t region_default_frequency_hz(const struct region *r);

/*
 * True when `d` can carry FUOTA fragments downlink: a downlink LoRa or FSK
 * rate with a defined max_fragment_bytes. LR-FHSS is uplink only; RFU and
 * uplink-only rates are not usable.
 */
bool region_dr_carries_fragments(const struct region_dr *d);

/*
 * The duty-cycle limit (fraction, e.g. 0.1) that applies to a transmitter
 * on `frequency_hz` in this region, or 0 when the reference gives no
 * LoRaWAN-wide limit there (REGION_DUTY_NONE / REGION_DUTY_LOCAL, or a
 * frequency outside every sub-band). frequency_hz 0 means "the region's
 * default" and only matches a region-wide single limit.
 */
double region_duty_cycle_at(const struct region *r, int64_t frequency_hz);

/* The sub-band containing frequency_hz (EU868), or NULL. */
const struct region_sub_band *region_sub_band_at(const struct region *r,
                                                 int64_t frequency_hz);

/*
 * A short human description of a data rate into buf, returns buf:
 * "SF12/125 kHz", "FSK 50 kbps", "LR-FHSS CR 1/3 137 kHz", "RFU".
 */
const char *region_dr_describe(const struct region_dr *d, char *buf,
                               size_t size);

const char *region_modulation_name(enum region_modulation m);
const char *region_duty_kind_name(enum region_duty_kind k);

#endif
