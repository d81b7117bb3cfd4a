/*
 * The regional facts table. Mirrors tests/data/reference/regions.json
 * entry by entry; tests/unit/test_region.c compares the two, so edit both
 * together. Descriptive text of the JSON (sources, notes) is not copied.
 */
#include "core/region.h"

#include <stdio.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* One line per data rate; every macro expands to designated initialisers
 * and leaves the fields the reference does not define at 0. */
#define LORA(n, s, bw, ul, dl, m, nn, f)                                       \
    {                                                                          \
        .dr = (n), .modulation = REGION_MOD_LORA, .sf = (s), .bw_hz = (bw),    \
        .uplink = (ul), .downlink = (dl), .max_mac_payload_m = (m),            \
        .max_app_payload_n = (nn), .max_fragment_bytes = (f)                   \
    }
#define LORA_DW(n, s, bw, ul, dl, m, nn, f, mdw, ndw, fdw)                     \
    {                                                                          \
        .dr = (n), .modulation = REGION_MOD_LORA, .sf = (s), .bw_hz = (bw),    \
        .uplink = (ul), .downlink = (dl), .max_mac_payload_m = (m),            \
        .max_app_payload_n = (nn), .max_fragment_bytes = (f),                  \
        .max_mac_payload_m_dwell400 = (mdw),                                   \
        .max_app_payload_n_dwell400 = (ndw),                                   \
        .max_fragment_bytes_dwell400 = (fdw)                                   \
    }
#define LORA_OLD(n, s, bw, ul, dl, m, nn, f, mo, no)                           \
    {                                                                          \
        .dr = (n), .modulation = REGION_MOD_LORA, .sf = (s), .bw_hz = (bw),    \
        .uplink = (ul), .downlink = (dl), .max_mac_payload_m = (m),            \
        .max_app_payload_n = (nn), .max_fragment_bytes = (f),                  \
        .m_rp002_1_0_0 = (mo), .n_rp002_1_0_0 = (no)                           \
    }
#define FSK(n, bps, ul, dl, m, nn, f)                                          \
    {                                                                          \
        .dr = (n), .modulation = REGION_MOD_FSK, .bitrate_bps = (bps),         \
        .uplink = (ul), .downlink = (dl), .max_mac_payload_m = (m),            \
        .max_app_payload_n = (nn), .max_fragment_bytes = (f)                   \
    }
#define FSK_DW(n, bps, ul, dl, m, nn, f, mdw, ndw, fdw)                        \
    {                                                                          \
        .dr = (n), .modulation = REGION_MOD_FSK, .bitrate_bps = (bps),         \
        .uplink = (ul), .downlink = (dl), .max_mac_payload_m = (m),            \
        .max_app_payload_n = (nn), .max_fragment_bytes = (f),                  \
        .max_mac_payload_m_dwell400 = (mdw),                                   \
        .max_app_payload_n_dwell400 = (ndw),                                   \
        .max_fragment_bytes_dwell400 = (fdw)                                   \
    }
/* LR-FHSS is uplink only in every region of the table. */
#define LR_FHSS(n, cr, width, m, nn)                                           \
    {                                                                          \
        .dr = (n), .modulation = REGION_MOD_LR_FHSS, .coding_rate = (cr),      \
        .occupied_channel_width_hz = (width), .uplink = true,                  \
        .downlink = false, .max_mac_payload_m = (m), .max_app_payload_n = (nn) \
    }
#define RFU(n)                                                                 \
    {                                                                          \
        .dr = (n), .modulation = REGION_MOD_RFU                                \
    }

static const struct region_dr eu868_drs[] = {
    LORA(0, 12, 125000, true, true, 59, 51, 48),
    LORA(1, 11, 125000, true, true, 59, 51, 48),
    LORA(2, 10, 125000, true, true, 59, 51, 48),
    LORA(3, 9, 125000, true, true, 123, 115, 112),
    LORA(4, 8, 125000, true, true, 250, 242, 239),
    LORA(5, 7, 125000, true, true, 250, 242, 239),
    LORA(6, 7, 250000, true, true, 250, 242, 239),
    FSK(7, 50000, true, true, 250, 242, 239),
    LR_FHSS(8, "1/3", 137000, 58, 50),
    LR_FHSS(9, "2/3", 137000, 123, 115),
    LR_FHSS(10, "1/3", 336000, 58, 50),
    LR_FHSS(11, "2/3", 336000, 123, 115),
};

static const struct region_dr us915_drs[] = {
    LORA(0, 10, 125000, true, false, 19, 11, 0),
    LORA(1, 9, 125000, true, false, 61, 53, 0),
    LORA(2, 8, 125000, true, false, 133, 125, 0),
    LORA(3, 7, 125000, true, false, 250, 242, 0),
    LORA(4, 8, 500000, true, false, 250, 242, 0),
    LR_FHSS(5, "1/3", 1523000, 58, 50),
    LR_FHSS(6, "2/3", 1523000, 133, 125),
    LORA(8, 12, 500000, false, true, 61, 53, 50),
    LORA(9, 11, 500000, false, true, 137, 129, 126),
    LORA(10, 10, 500000, false, true, 250, 242, 239),
    LORA(11, 9, 500000, false, true, 250, 242, 239),
    LORA(12, 8, 500000, false, true, 250, 242, 239),
    LORA(13, 7, 500000, false, true, 250, 242, 239),
};

static const struct region_dr au915_drs[] = {
    LORA(0, 12, 125000, true, false, 59, 51, 0),
    LORA(1, 11, 125000, true, false, 59, 51, 0),
    LORA_DW(2, 10, 125000, true, false, 59, 51, 0, 19, 11, 0),
    LORA_DW(3, 9, 125000, true, false, 123, 115, 0, 61, 53, 0),
    LORA_DW(4, 8, 125000, true, false, 250, 242, 0, 133, 125, 0),
    LORA_DW(5, 7, 125000, true, false, 250, 242, 0, 250, 242, 0),
    LORA_DW(6, 8, 500000, true, false, 250, 242, 0, 250, 242, 0),
    LR_FHSS(7, "1/3", 1523000, 58, 50),
    LORA(8, 12, 500000, false, true, 61, 53, 50),
    LORA(9, 11, 500000, false, true, 137, 129, 126),
    LORA(10, 10, 500000, false, true, 250, 242, 239),
    LORA(11, 9, 500000, false, true, 250, 242, 239),
    LORA(12, 8, 500000, false, true, 250, 242, 239),
    LORA(13, 7, 500000, false, true, 250, 242, 239),
};

static const struct region_dr as923_drs[] = {
    LORA(0, 12, 125000, true, true, 59, 51, 48),
    LORA(1, 11, 125000, true, true, 59, 51, 48),
    LORA_DW(2, 10, 125000, true, true, 123, 115, 112, 19, 11, 8),
    LORA_DW(3, 9, 125000, true, true, 123, 115, 112, 61, 53, 50),
    LORA_DW(4, 8, 125000, true, true, 250, 242, 239, 133, 125, 122),
    LORA_DW(5, 7, 125000, true, true, 250, 242, 239, 250, 242, 239),
    LORA_DW(6, 7, 250000, true, true, 250, 242, 239, 250, 242, 239),
    FSK_DW(7, 50000, true, true, 250, 242, 239, 250, 242, 239),
};

static const struct region_dr eu433_drs[] = {
    LORA(0, 12, 125000, true, true, 59, 51, 48),
    LORA(1, 11, 125000, true, true, 59, 51, 48),
    LORA(2, 10, 125000, true, true, 59, 51, 48),
    LORA(3, 9, 125000, true, true, 123, 115, 112),
    LORA(4, 8, 125000, true, true, 250, 242, 239),
    LORA(5, 7, 125000, true, true, 250, 242, 239),
    LORA(6, 7, 250000, true, true, 250, 242, 239),
    FSK(7, 50000, true, true, 250, 242, 239),
};

static const struct region_dr cn470_drs[] = {
    LORA(0, 12, 125000, true, true, 0, 0, 0),
    LORA_OLD(1, 11, 125000, true, true, 31, 23, 20, 59, 51),
    LORA_OLD(2, 10, 125000, true, true, 94, 86, 83, 59, 51),
    LORA_OLD(3, 9, 125000, true, true, 192, 184, 181, 123, 115),
    LORA(4, 8, 125000, true, true, 250, 242, 239),
    LORA(5, 7, 125000, true, true, 250, 242, 239),
    LORA(6, 7, 500000, true, true, 250, 242, 239),
    FSK(7, 50000, true, true, 250, 242, 239),
};

static const struct region_dr kr920_drs[] = {
    LORA(0, 12, 125000, true, true, 59, 51, 48),
    LORA(1, 11, 125000, true, true, 59, 51, 48),
    LORA(2, 10, 125000, true, true, 59, 51, 48),
    LORA(3, 9, 125000, true, true, 123, 115, 112),
    LORA(4, 8, 125000, true, true, 250, 242, 239),
    LORA(5, 7, 125000, true, true, 250, 242, 239),
};

static const struct region_dr in865_drs[] = {
    LORA(0, 12, 125000, true, true, 59, 51, 48),
    LORA(1, 11, 125000, true, true, 59, 51, 48),
    LORA(2, 10, 125000, true, true, 59, 51, 48),
    LORA(3, 9, 125000, true, true, 123, 115, 112),
    LORA(4, 8, 125000, true, true, 250, 242, 239),
    LORA(5, 7, 125000, true, true, 250, 242, 239),
    RFU(6),
    FSK(7, 50000, true, true, 250, 242, 239),
};

static const struct region_sub_band eu868_sub_bands[] = {
    { .name = "K",
      .lo_hz = 863000000,
      .hi_hz = 865000000,
      .duty_cycle = 0.001 },
    { .name = "L", .lo_hz = 865000000, .hi_hz = 868000000, .duty_cycle = 0.01 },
    { .name = "M", .lo_hz = 868000000, .hi_hz = 868600000, .duty_cycle = 0.01 },
    { .name = "N",
      .lo_hz = 868700000,
      .hi_hz = 869200000,
      .duty_cycle = 0.001 },
    { .name = "P",
      .lo_hz = 869400000,
      .hi_hz = 869650000,
      .duty_cycle = 0.1,
      .max_erp_mw = 500 },
    { .name = "Q", .lo_hz = 869700000, .hi_hz = 870000000, .duty_cycle = 0.01 },
};

static const int64_t cn470_20mhz_plana_otaa[] = { 485300000, 486900000,
                                                  488500000, 490100000,
                                                  491700000, 493300000,
                                                  494000000, 496500000 };
static const int64_t cn470_20mhz_planb_otaa[] = { 478300000, 498300000 };
static const struct region_rx2_plan cn470_rx2_plans[] = {
    { .name = "20MHz_planA",
      .abp_hz = 486900000,
      .otaa_hz = cn470_20mhz_plana_otaa,
      .otaa_count = COUNT(cn470_20mhz_plana_otaa) },
    { .name = "20MHz_planB",
      .abp_hz = 498300000,
      .otaa_hz = cn470_20mhz_planb_otaa,
      .otaa_count = COUNT(cn470_20mhz_planb_otaa) },
    { .name = "26MHz_planA", .hz = 492500000 },
    { .name = "26MHz_planB", .hz = 502500000 },
};

const struct region region_table[] = {
    {
        .name = "EU868",
        .rp002_band = "EU863-870",
        .drs = eu868_drs,
        .dr_count = COUNT(eu868_drs),
        .rx2_dr = 0,
        .rx2_frequency_hz = 869525000,
        .has_class_b = true,
        .beacon_frequency_hz = 869525000,
        .ping_slot_frequency_hz = 869525000,
        .beacon_dr = 3,
        .duty_cycle = { .kind = REGION_DUTY_SUB_BANDS,
                        .sub_bands = eu868_sub_bands,
                        .sub_band_count = COUNT(eu868_sub_bands) },
        .max_eirp_dbm_default = 16,
    },
    {
        .name = "US915",
        .rp002_band = "US902-928",
        .drs = us915_drs,
        .dr_count = COUNT(us915_drs),
        .rx2_dr = 8,
        .rx2_frequency_hz = 923300000,
        .has_class_b = true,
        .beacon_dr = 8,
        .duty_cycle = { .kind = REGION_DUTY_NONE },
        .dwell_uplink_ms = 400,
        .downlink_first_hz = 923300000,
        .downlink_step_hz = 600000,
        .downlink_count = 8,
    },
    {
        .name = "AU915",
        .rp002_band = "AU915-928",
        .drs = au915_drs,
        .dr_count = COUNT(au915_drs),
        .rx2_dr = 8,
        .rx2_frequency_hz = 923300000,
        .has_class_b = true,
        .beacon_dr = 8,
        .duty_cycle = { .kind = REGION_DUTY_NONE },
        .dwell_uplink_ms = 400,
        .downlink_first_hz = 923300000,
        .downlink_step_hz = 600000,
        .downlink_count = 8,
    },
    {
        .name = "AS923-1",
        .rp002_band = "AS923",
        .channel_plan = "AS923-1",
        .drs = as923_drs,
        .dr_count = COUNT(as923_drs),
        .rx2_dr = 2,
        .rx2_frequency_hz = 923200000,
        .has_class_b = true,
        .beacon_frequency_hz = 923400000,
        .ping_slot_frequency_hz = 923400000,
        .beacon_dr = 3,
        .duty_cycle = { .kind = REGION_DUTY_LOCAL },
        .dwell_uplink_ms = 400,
        .dwell_downlink_ms = 400,
    },
    {
        .name = "AS923-2",
        .rp002_band = "AS923",
        .channel_plan = "AS923-2",
        .as923_freq_offset_hz = -1800000,
        .drs = as923_drs,
        .dr_count = COUNT(as923_drs),
        .rx2_dr = 2,
        .rx2_frequency_hz = 921400000,
        .has_class_b = true,
        .beacon_frequency_hz = 921600000,
        .ping_slot_frequency_hz = 921600000,
        .beacon_dr = 3,
        .duty_cycle = { .kind = REGION_DUTY_LOCAL },
        .dwell_uplink_ms = 400,
        .dwell_downlink_ms = 400,
    },
    {
        .name = "AS923-3",
        .rp002_band = "AS923",
        .channel_plan = "AS923-3",
        .as923_freq_offset_hz = -6600000,
        .drs = as923_drs,
        .dr_count = COUNT(as923_drs),
        .rx2_dr = 2,
        .rx2_frequency_hz = 916600000,
        .has_class_b = true,
        .beacon_frequency_hz = 916800000,
        .ping_slot_frequency_hz = 916800000,
        .beacon_dr = 3,
        .duty_cycle = { .kind = REGION_DUTY_LOCAL },
        .dwell_uplink_ms = 400,
        .dwell_downlink_ms = 400,
    },
    {
        .name = "AS923-4",
        .rp002_band = "AS923",
        .channel_plan = "AS923-4",
        .as923_freq_offset_hz = -5900000,
        .drs = as923_drs,
        .dr_count = COUNT(as923_drs),
        .rx2_dr = 2,
        .rx2_frequency_hz = 917300000,
        .has_class_b = true,
        .beacon_frequency_hz = 917500000,
        .ping_slot_frequency_hz = 917500000,
        .beacon_dr = 3,
        .duty_cycle = { .kind = REGION_DUTY_LOCAL },
        .dwell_uplink_ms = 400,
        .dwell_downlink_ms = 400,
    },
    {
        .name = "EU433",
        .rp002_band = "EU433",
        .drs = eu433_drs,
        .dr_count = COUNT(eu433_drs),
        .rx2_dr = 0,
        .rx2_frequency_hz = 434665000,
        .has_class_b = true,
        .beacon_frequency_hz = 434665000,
        .ping_slot_frequency_hz = 434665000,
        .beacon_dr = 3,
        .duty_cycle = { .kind = REGION_DUTY_SINGLE,
                        .value = 0.01,
                        .band_lo_hz = 433050000,
                        .band_hi_hz = 434790000 },
        .max_eirp_dbm_default = 12.15,
    },
    {
        .name = "CN470",
        .rp002_band = "CN470-510",
        .drs = cn470_drs,
        .dr_count = COUNT(cn470_drs),
        .rx2_dr = 1,
        .rx2_plans = cn470_rx2_plans,
        .rx2_plan_count = COUNT(cn470_rx2_plans),
        .has_rx2_legacy = true,
        .rx2_legacy_dr = 0,
        .rx2_legacy_frequency_hz = 505300000,
        .duty_cycle = { .kind = REGION_DUTY_NONE },
        .max_eirp_dbm_default = 19.15,
    },
    {
        .name = "CN779",
        .rp002_band = "CN779-787",
        .drs = eu433_drs,
        .dr_count = COUNT(eu433_drs),
        .rx2_dr = 0,
        .rx2_frequency_hz = 786000000,
        .has_class_b = true,
        .beacon_frequency_hz = 785000000,
        .ping_slot_frequency_hz = 785000000,
        .beacon_dr = 3,
        .duty_cycle = { .kind = REGION_DUTY_SINGLE, .value = 0.01 },
        .max_eirp_dbm_default = 12.15,
    },
    {
        .name = "RU864",
        .rp002_band = "RU864-870",
        .drs = eu433_drs,
        .dr_count = COUNT(eu433_drs),
        .rx2_dr = 0,
        .rx2_frequency_hz = 869100000,
        .has_class_b = true,
        .beacon_frequency_hz = 869100000,
        .ping_slot_frequency_hz = 868900000,
        .beacon_dr = 3,
        .duty_cycle = { .kind = REGION_DUTY_SINGLE, .value = 0.01 },
        .max_eirp_dbm_default = 16,
    },
    {
        .name = "KR920",
        .rp002_band = "KR920-923",
        .drs = kr920_drs,
        .dr_count = COUNT(kr920_drs),
        .rx2_dr = 0,
        .rx2_frequency_hz = 921900000,
        .has_class_b = true,
        .beacon_frequency_hz = 923100000,
        .ping_slot_frequency_hz = 923100000,
        .beacon_dr = 3,
        .duty_cycle = { .kind = REGION_DUTY_NONE },
        .lbt_required = true,
        .max_eirp_dbm_default = 14,
    },
    {
        .name = "IN865",
        .rp002_band = "IN865-867",
        .drs = in865_drs,
        .dr_count = COUNT(in865_drs),
        .rx2_dr = 2,
        .rx2_frequency_hz = 866550000,
        .has_class_b = true,
        .beacon_frequency_hz = 866550000,
        .ping_slot_frequency_hz = 866550000,
        .beacon_dr = 4,
        .duty_cycle = { .kind = REGION_DUTY_NONE },
        .max_eirp_dbm_default = 30,
    },
};

const size_t region_count = COUNT(region_table);

static const char *const modulation_names[] = {
#define X(id, name) [id] = name,
    REGION_MODULATIONS(X)
#undef X
};

static const char *const duty_kind_names[] = {
#define X(id, name) [id] = name,
    REGION_DUTY_KINDS(X)
#undef X
};

const struct region *region_find(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < region_count; i++)
        if (strcmp(region_table[i].name, name) == 0)
            return &region_table[i];
    return NULL;
}

const struct region_dr *region_dr(const struct region *r, int dr)
{
    if (r == NULL)
        return NULL;
    for (size_t i = 0; i < r->dr_count; i++)
        if (r->drs[i].dr == dr)
            return &r->drs[i];
    return NULL;
}

const struct region_dr *region_default_dr(const struct region *r)
{
    return r == NULL ? NULL : region_dr(r, r->rx2_dr);
}

int64_t region_default_frequency_hz(const struct region *r)
{
    return r == NULL ? 0 : r->rx2_frequency_hz;
}

bool region_dr_carries_fragments(const struct region_dr *d)
{
    if (d == NULL || !d->downlink || d->max_fragment_bytes <= 0)
        return false;
    return d->modulation == REGION_MOD_LORA || d->modulation == REGION_MOD_FSK;
}

const struct region_sub_band *region_sub_band_at(const struct region *r,
                                                 int64_t frequency_hz)
{
    if (r == NULL || r->duty_cycle.kind != REGION_DUTY_SUB_BANDS)
        return NULL;
    for (size_t i = 0; i < r->duty_cycle.sub_band_count; i++) {
        const struct region_sub_band *b = &r->duty_cycle.sub_bands[i];
        if (frequency_hz >= b->lo_hz && frequency_hz <= b->hi_hz)
            return b;
    }
    return NULL;
}

double region_duty_cycle_at(const struct region *r, int64_t frequency_hz)
{
    if (r == NULL)
        return 0.0;
    const struct region_duty_cycle *dc = &r->duty_cycle;
    switch (dc->kind) {
    case REGION_DUTY_SUB_BANDS: {
        const struct region_sub_band *b = region_sub_band_at(r, frequency_hz);
        return b == NULL ? 0.0 : b->duty_cycle;
    }
    case REGION_DUTY_SINGLE:
        if (dc->band_lo_hz == 0 && dc->band_hi_hz == 0)
            return dc->value;
        if (frequency_hz >= dc->band_lo_hz && frequency_hz <= dc->band_hi_hz)
            return dc->value;
        return 0.0;
    case REGION_DUTY_NONE:
    case REGION_DUTY_LOCAL:
        break;
    }
    return 0.0;
}

const char *region_dr_describe(const struct region_dr *d, char *buf,
                               size_t size)
{
    if (buf == NULL || size == 0)
        return buf;
    if (d == NULL) {
        snprintf(buf, size, "?");
        return buf;
    }
    switch (d->modulation) {
    case REGION_MOD_LORA:
        snprintf(buf, size, "SF%d/%d kHz", d->sf, (int)(d->bw_hz / 1000));
        break;
    case REGION_MOD_FSK:
        snprintf(buf, size, "FSK %d kbps", (int)(d->bitrate_bps / 1000));
        break;
    case REGION_MOD_LR_FHSS:
        snprintf(buf, size, "LR-FHSS CR %s %d kHz",
                 d->coding_rate ? d->coding_rate : "?",
                 (int)(d->occupied_channel_width_hz / 1000));
        break;
    case REGION_MOD_RFU:
        snprintf(buf, size, "RFU");
        break;
    }
    return buf;
}

const char *region_modulation_name(enum region_modulation m)
{
    if ((size_t)m >= COUNT(modulation_names))
        return "?";
    return modulation_names[m];
}

const char *region_duty_kind_name(enum region_duty_kind k)
{
    if ((size_t)k >= COUNT(duty_kind_names))
        return "?";
    return duty_kind_names[k];
}
