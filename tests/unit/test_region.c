/*
 * core/region: the C table against tests/data/reference/regions.json, entry
 * by entry and field by field (a key the test does not know fails, so a
 * new fact in the JSON cannot be silently ignored), plus the lookups.
 */
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
#include "core/region.h"
#include "tests/unit/reference.h"

static int setup(void **state)
{
    *state = reference_load("regions.json");
    return 0;
}

static int teardown(void **state)
{
    cJSON_Delete(*state);
    return 0;
}

/* Fails on any member of obj not listed in `known` (NULL-terminated). */
static void check_known_keys(const cJSON *obj, const char *where,
                             const char *const *known)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, obj)
    {
        bool ok = false;
        for (size_t i = 0; known[i] != NULL; i++)
            if (strcmp(it->string, known[i]) == 0)
                ok = true;
        if (!ok)
            fail_msg("%s: member \"%s\" is not modelled by core/region", where,
                     it->string);
    }
}

/* A JSON number member as int64, 0 when absent or null. */
static int64_t num_or_0(const cJSON *obj, const char *key, const char *where)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsNumber(v))
        fail_msg("%s.%s: not a number", where, key);
    return (int64_t)v->valuedouble;
}

static double dbl_or_0(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0.0;
}

static const char *str_or_null(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool bool_member(const cJSON *obj, const char *key, const char *where)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsBool(v))
        fail_msg("%s.%s: not a boolean", where, key);
    return cJSON_IsTrue(v);
}

static void assert_str_eq_or_null(const char *want, const char *got,
                                  const char *where)
{
    if (want == NULL && got == NULL)
        return;
    if (want == NULL || got == NULL || strcmp(want, got) != 0)
        fail_msg("%s: JSON \"%s\" vs table \"%s\"", where,
                 want ? want : "(null)", got ? got : "(null)");
}

#define EQ(where, field, want, got)                                            \
    do {                                                                       \
        if ((int64_t)(want) != (int64_t)(got))                                 \
            fail_msg("%s.%s: JSON %lld vs table %lld", where, field,           \
                     (long long)(want), (long long)(got));                     \
    } while (0)

static void compare_dr(const cJSON *j, const struct region_dr *c,
                       const char *where)
{
    static const char *const known[] = { "dr",
                                         "modulation",
                                         "sf",
                                         "bw_hz",
                                         "bitrate_bps",
                                         "coding_rate",
                                         "occupied_channel_width_hz",
                                         "uplink",
                                         "downlink",
                                         "max_mac_payload_M",
                                         "max_app_payload_N",
                                         "max_fragment_bytes",
                                         "max_mac_payload_M_dwell400",
                                         "max_app_payload_N_dwell400",
                                         "max_fragment_bytes_dwell400",
                                         "M_rp002_1_0_0",
                                         "N_rp002_1_0_0",
                                         "note", /* documentary text */
                                         NULL };
    check_known_keys(j, where, known);
    EQ(where, "dr", num_or_0(j, "dr", where), c->dr);
    assert_str_eq_or_null(str_or_null(j, "modulation"),
                          region_modulation_name(c->modulation), where);
    EQ(where, "sf", num_or_0(j, "sf", where), c->sf);
    EQ(where, "bw_hz", num_or_0(j, "bw_hz", where), c->bw_hz);
    EQ(where, "bitrate_bps", num_or_0(j, "bitrate_bps", where), c->bitrate_bps);
    assert_str_eq_or_null(str_or_null(j, "coding_rate"), c->coding_rate, where);
    EQ(where, "occupied_channel_width_hz",
       num_or_0(j, "occupied_channel_width_hz", where),
       c->occupied_channel_width_hz);
    EQ(where, "uplink", bool_member(j, "uplink", where), c->uplink);
    EQ(where, "downlink", bool_member(j, "downlink", where), c->downlink);
    EQ(where, "M", num_or_0(j, "max_mac_payload_M", where),
       c->max_mac_payload_m);
    EQ(where, "N", num_or_0(j, "max_app_payload_N", where),
       c->max_app_payload_n);
    EQ(where, "max_fragment_bytes", num_or_0(j, "max_fragment_bytes", where),
       c->max_fragment_bytes);
    EQ(where, "M_dwell400", num_or_0(j, "max_mac_payload_M_dwell400", where),
       c->max_mac_payload_m_dwell400);
    EQ(where, "N_dwell400", num_or_0(j, "max_app_payload_N_dwell400", where),
       c->max_app_payload_n_dwell400);
    EQ(where, "max_fragment_bytes_dwell400",
       num_or_0(j, "max_fragment_bytes_dwell400", where),
       c->max_fragment_bytes_dwell400);
    EQ(where, "M_rp002_1_0_0", num_or_0(j, "M_rp002_1_0_0", where),
       c->m_rp002_1_0_0);
    EQ(where, "N_rp002_1_0_0", num_or_0(j, "N_rp002_1_0_0", where),
       c->n_rp002_1_0_0);

    /* The conventions: N = M - 8, max_fragment_bytes = N - 3 exactly when
     * the rate is a downlink one with a defined N, and never above 255. */
    if (c->max_mac_payload_m != 0)
        EQ(where, "N = M - 8", c->max_mac_payload_m - 8, c->max_app_payload_n);
    if (c->max_mac_payload_m_dwell400 != 0)
        EQ(where, "N400 = M400 - 8", c->max_mac_payload_m_dwell400 - 8,
           c->max_app_payload_n_dwell400);
    if (c->downlink && c->max_app_payload_n != 0)
        EQ(where, "fragment = N - 3",
           c->max_app_payload_n - REGION_FRAGMENT_HEADER_BYTES,
           c->max_fragment_bytes);
    if (!c->downlink)
        EQ(where, "uplink-only has no fragment size", 0, c->max_fragment_bytes);
    assert_true(c->max_fragment_bytes <= (int)FEC_FRAG_SIZE_MAX);
}

static void compare_rx2(const cJSON *j, const struct region *c,
                        const char *where)
{
    static const char *const known[] = { "frequency_hz", "dr",
                                         "by_channel_plan",
                                         "legacy_pre_rp002_1_0_1", NULL };
    check_known_keys(j, where, known);
    EQ(where, "dr", num_or_0(j, "dr", where), c->rx2_dr);
    EQ(where, "frequency_hz", num_or_0(j, "frequency_hz", where),
       c->rx2_frequency_hz);
    EQ(where, "default frequency", c->rx2_frequency_hz,
       region_default_frequency_hz(c));

    const cJSON *plans = cJSON_GetObjectItemCaseSensitive(j, "by_channel_plan");
    EQ(where, "by_channel_plan count", cJSON_GetArraySize(plans),
       c->rx2_plan_count);
    size_t i = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, plans)
    {
        static const char *const pk[] = { "abp_hz", "hz",
                                          "otaa_hz_by_join_channel_group",
                                          NULL };
        const struct region_rx2_plan *cp = &c->rx2_plans[i++];
        check_known_keys(p, where, pk);
        assert_str_eq_or_null(p->string, cp->name, where);
        EQ(where, "abp_hz", num_or_0(p, "abp_hz", where), cp->abp_hz);
        EQ(where, "hz", num_or_0(p, "hz", where), cp->hz);
        const cJSON *otaa = cJSON_GetObjectItemCaseSensitive(
            p, "otaa_hz_by_join_channel_group");
        EQ(where, "otaa count", cJSON_GetArraySize(otaa), cp->otaa_count);
        for (size_t k = 0; k < cp->otaa_count; k++)
            EQ(where, "otaa_hz",
               (int64_t)cJSON_GetArrayItem(otaa, (int)k)->valuedouble,
               cp->otaa_hz[k]);
    }

    const cJSON *lg =
        cJSON_GetObjectItemCaseSensitive(j, "legacy_pre_rp002_1_0_1");
    EQ(where, "has legacy", lg != NULL, c->has_rx2_legacy);
    if (lg != NULL) {
        static const char *const lk[] = { "frequency_hz", "dr", "note", NULL };
        check_known_keys(lg, where, lk);
        EQ(where, "legacy dr", num_or_0(lg, "dr", where), c->rx2_legacy_dr);
        EQ(where, "legacy frequency", num_or_0(lg, "frequency_hz", where),
           c->rx2_legacy_frequency_hz);
    }
}

static void compare_duty(const cJSON *j, const struct region *c,
                         const char *where)
{
    const struct region_duty_cycle *d = &c->duty_cycle;
    if (j == NULL || cJSON_IsNull(j)) {
        EQ(where, "kind none", REGION_DUTY_NONE, d->kind);
        return;
    }
    static const char *const known[] = { "regulation", "sub_bands",
                                         "applies_to", "value",
                                         "band_hz",    "note",
                                         NULL };
    check_known_keys(j, where, known);
    const cJSON *bands = cJSON_GetObjectItemCaseSensitive(j, "sub_bands");
    if (bands != NULL) {
        EQ(where, "kind sub-bands", REGION_DUTY_SUB_BANDS, d->kind);
        EQ(where, "sub_band count", cJSON_GetArraySize(bands),
           d->sub_band_count);
        size_t i = 0;
        const cJSON *b;
        cJSON_ArrayForEach(b, bands)
        {
            static const char *const bk[] = { "name",       "lo_hz",
                                              "hi_hz",      "duty_cycle",
                                              "max_erp_mw", "note",
                                              NULL };
            const struct region_sub_band *cb = &d->sub_bands[i++];
            check_known_keys(b, where, bk);
            assert_str_eq_or_null(str_or_null(b, "name"), cb->name, where);
            EQ(where, "lo_hz", num_or_0(b, "lo_hz", where), cb->lo_hz);
            EQ(where, "hi_hz", num_or_0(b, "hi_hz", where), cb->hi_hz);
            assert_true(dbl_or_0(b, "duty_cycle") == cb->duty_cycle);
            EQ(where, "max_erp_mw", num_or_0(b, "max_erp_mw", where),
               cb->max_erp_mw);
        }
        return;
    }
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(j, "value");
    if (cJSON_IsNull(value)) {
        EQ(where, "kind local", REGION_DUTY_LOCAL, d->kind);
        return;
    }
    EQ(where, "kind single", REGION_DUTY_SINGLE, d->kind);
    assert_true(value->valuedouble == d->value);
    const cJSON *band = cJSON_GetObjectItemCaseSensitive(j, "band_hz");
    EQ(where, "band lo",
       band ? (int64_t)cJSON_GetArrayItem(band, 0)->valuedouble : 0,
       d->band_lo_hz);
    EQ(where, "band hi",
       band ? (int64_t)cJSON_GetArrayItem(band, 1)->valuedouble : 0,
       d->band_hi_hz);
}

static void compare_region(const cJSON *j, const struct region *c)
{
    char where[96];
    snprintf(where, sizeof(where), "regions.%s", j->string);
    static const char *const known[] = { "rp002_band",
                                         "channel_plan",
                                         "as923_freq_offset_hz",
                                         "source",
                                         "data_rates",
                                         "rx2_default",
                                         "downlink_channels",
                                         "class_b",
                                         "duty_cycle",
                                         "dwell_time",
                                         "lbt",
                                         "max_eirp_dbm_default",
                                         "notes",
                                         "aws_rf_region",
                                         NULL };
    check_known_keys(j, where, known);
    assert_str_eq_or_null(j->string, c->name, where);
    assert_str_eq_or_null(str_or_null(j, "aws_rf_region"), c->name, where);
    assert_str_eq_or_null(str_or_null(j, "rp002_band"), c->rp002_band, where);
    assert_str_eq_or_null(str_or_null(j, "channel_plan"), c->channel_plan,
                          where);
    EQ(where, "as923_freq_offset_hz",
       num_or_0(j, "as923_freq_offset_hz", where), c->as923_freq_offset_hz);

    const cJSON *drs = cJSON_GetObjectItemCaseSensitive(j, "data_rates");
    EQ(where, "data_rates count", cJSON_GetArraySize(drs), c->dr_count);
    size_t i = 0;
    const cJSON *dr;
    cJSON_ArrayForEach(dr, drs)
    {
        char w[128];
        snprintf(w, sizeof(w), "%s.data_rates[%zu]", where, i);
        compare_dr(dr, &c->drs[i], w);
        if (i > 0)
            assert_true(c->drs[i].dr > c->drs[i - 1].dr);
        i++;
    }

    char w[128];
    snprintf(w, sizeof(w), "%s.rx2_default", where);
    compare_rx2(cJSON_GetObjectItemCaseSensitive(j, "rx2_default"), c, w);
    /* The default DR exists and can carry fragments downlink. */
    assert_non_null(region_default_dr(c));
    assert_true(region_dr_carries_fragments(region_default_dr(c)));

    const cJSON *cb = cJSON_GetObjectItemCaseSensitive(j, "class_b");
    snprintf(w, sizeof(w), "%s.class_b", where);
    EQ(w, "present", cb != NULL, c->has_class_b);
    if (cb != NULL) {
        static const char *const ck[] = { "beacon_frequency_hz",
                                          "ping_slot_frequency_hz", "beacon_dr",
                                          NULL };
        check_known_keys(cb, w, ck);
        const cJSON *bf =
            cJSON_GetObjectItemCaseSensitive(cb, "beacon_frequency_hz");
        /* A string ("hopping: ...") means no single frequency. */
        EQ(w, "beacon_frequency_hz",
           cJSON_IsNumber(bf) ? (int64_t)bf->valuedouble : 0,
           c->beacon_frequency_hz);
        EQ(w, "ping_slot_frequency_hz",
           num_or_0(cb, "ping_slot_frequency_hz", w),
           c->ping_slot_frequency_hz);
        EQ(w, "beacon_dr", num_or_0(cb, "beacon_dr", w), c->beacon_dr);
    }

    snprintf(w, sizeof(w), "%s.duty_cycle", where);
    compare_duty(cJSON_GetObjectItemCaseSensitive(j, "duty_cycle"), c, w);

    const cJSON *dw = cJSON_GetObjectItemCaseSensitive(j, "dwell_time");
    snprintf(w, sizeof(w), "%s.dwell_time", where);
    if (dw != NULL && !cJSON_IsNull(dw)) {
        static const char *const dk[] = { "uplink_ms", "downlink_ms",
                                          "downlink",  "uplink_default",
                                          "applies",   "note",
                                          NULL };
        check_known_keys(dw, w, dk);
        /* "downlink": null is the only form of that member. */
        const cJSON *dl = cJSON_GetObjectItemCaseSensitive(dw, "downlink");
        assert_true(dl == NULL || cJSON_IsNull(dl));
    }
    EQ(w, "uplink_ms", dw ? num_or_0(dw, "uplink_ms", w) : 0,
       c->dwell_uplink_ms);
    EQ(w, "downlink_ms", dw ? num_or_0(dw, "downlink_ms", w) : 0,
       c->dwell_downlink_ms);

    const cJSON *ch = cJSON_GetObjectItemCaseSensitive(j, "downlink_channels");
    snprintf(w, sizeof(w), "%s.downlink_channels", where);
    if (ch != NULL) {
        static const char *const hk[] = { "first_hz", "step_hz", "count",
                                          "note", NULL };
        check_known_keys(ch, w, hk);
    }
    EQ(w, "first_hz", ch ? num_or_0(ch, "first_hz", w) : 0,
       c->downlink_first_hz);
    EQ(w, "step_hz", ch ? num_or_0(ch, "step_hz", w) : 0, c->downlink_step_hz);
    EQ(w, "count", ch ? num_or_0(ch, "count", w) : 0, c->downlink_count);

    const cJSON *lbt = cJSON_GetObjectItemCaseSensitive(j, "lbt");
    snprintf(w, sizeof(w), "%s.lbt", where);
    if (lbt != NULL) {
        static const char *const lk[] = { "required", "note", NULL };
        check_known_keys(lbt, w, lk);
    }
    EQ(w, "required", lbt ? bool_member(lbt, "required", w) : false,
       c->lbt_required);
    assert_true(dbl_or_0(j, "max_eirp_dbm_default") == c->max_eirp_dbm_default);
}

static void test_table_matches_reference(void **state)
{
    const cJSON *root = *state;
    static const char *const top[] = { "description", "documents",
                                       "conventions", "aws_constraints",
                                       "regions",     NULL };
    check_known_keys(root, "regions.json", top);
    const cJSON *regions = cJSON_GetObjectItemCaseSensitive(root, "regions");
    assert_int_equal(cJSON_GetArraySize(regions), region_count);
    size_t i = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, regions)
    {
        /* Same order as the JSON (the order of the service's enum). */
        assert_string_equal(r->string, region_table[i].name);
        assert_ptr_equal(region_find(r->string), &region_table[i]);
        compare_region(r, &region_table[i]);
        i++;
    }
}

/* The table covers exactly the SupportedRfRegion enum of the service
 * model. */
static void test_table_covers_service_enum(void **state)
{
    (void)state;
    cJSON *model = reference_load("iotwireless-service-2.json");
    const cJSON *shapes = cJSON_GetObjectItemCaseSensitive(model, "shapes");
    const cJSON *shape =
        cJSON_GetObjectItemCaseSensitive(shapes, "SupportedRfRegion");
    const cJSON *values = cJSON_GetObjectItemCaseSensitive(shape, "enum");
    assert_non_null(values);
    assert_int_equal(cJSON_GetArraySize(values), region_count);
    size_t i = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, values)
    {
        assert_non_null(region_find(v->valuestring));
        assert_string_equal(region_table[i].name, v->valuestring);
        i++;
    }
    cJSON_Delete(model);
}

static void test_find(void **state)
{
    (void)state;
    assert_non_null(region_find("EU868"));
    assert_non_null(region_find("AS923-4"));
    assert_null(region_find("eu868")); /* the AWS spelling is exact */
    assert_null(region_find("AS923"));
    assert_null(region_find(""));
    assert_null(region_find(NULL));
}

static void test_dr_lookup(void **state)
{
    (void)state;
    const struct region *eu = region_find("EU868");
    const struct region *us = region_find("US915");
    assert_int_equal(region_dr(eu, 0)->sf, 12);
    assert_int_equal(region_dr(eu, 11)->dr, 11);
    assert_null(region_dr(eu, 12));
    assert_null(region_dr(eu, -1));
    assert_null(region_dr(us, 7)); /* RFU gap in US915 */
    assert_non_null(region_dr(us, 8));
    assert_null(region_dr(NULL, 0));

    struct {
        const char *region;
        int dr;
        int sf;
        int bw_hz;
        int max_fragment;
        int64_t freq;
    } defaults[] = {
        { "EU868", 0, 12, 125000, 48, 869525000 },
        { "US915", 8, 12, 500000, 50, 923300000 },
        { "AU915", 8, 12, 500000, 50, 923300000 },
        { "AS923-1", 2, 10, 125000, 112, 923200000 },
        { "AS923-2", 2, 10, 125000, 112, 921400000 },
        { "AS923-3", 2, 10, 125000, 112, 916600000 },
        { "AS923-4", 2, 10, 125000, 112, 917300000 },
        { "EU433", 0, 12, 125000, 48, 434665000 },
        { "CN470", 1, 11, 125000, 20, 0 },
        { "CN779", 0, 12, 125000, 48, 786000000 },
        { "RU864", 0, 12, 125000, 48, 869100000 },
        { "KR920", 0, 12, 125000, 48, 921900000 },
        { "IN865", 2, 10, 125000, 48, 866550000 },
    };
    for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
        const struct region *r = region_find(defaults[i].region);
        const struct region_dr *d = region_default_dr(r);
        assert_non_null(d);
        assert_int_equal(d->dr, defaults[i].dr);
        assert_int_equal(d->sf, defaults[i].sf);
        assert_int_equal(d->bw_hz, defaults[i].bw_hz);
        assert_int_equal(d->max_fragment_bytes, defaults[i].max_fragment);
        assert_int_equal(region_default_frequency_hz(r), defaults[i].freq);
    }
    assert_null(region_default_dr(NULL));
}

static void test_carries_fragments(void **state)
{
    (void)state;
    struct {
        const char *region;
        int dr;
        bool ok;
    } cases[] = {
        { "EU868", 0, true },  { "EU868", 6, true },
        { "EU868", 7, true },  /* FSK 50 kbps downlink */
        { "EU868", 8, false }, /* LR-FHSS: uplink only */
        { "US915", 0, false }, /* uplink-only LoRa */
        { "US915", 4, false }, { "US915", 8, true },
        { "US915", 13, true }, { "CN470", 0, false }, /* N undefined */
        { "CN470", 1, true },  { "IN865", 6, false }, /* RFU */
        { "IN865", 7, true },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct region_dr *d =
            region_dr(region_find(cases[i].region), cases[i].dr);
        assert_non_null(d);
        if (region_dr_carries_fragments(d) != cases[i].ok)
            fail_msg("%s DR%d", cases[i].region, cases[i].dr);
    }
    assert_false(region_dr_carries_fragments(NULL));
}

static void test_duty_cycle(void **state)
{
    (void)state;
    struct {
        const char *region;
        int64_t hz;
        double want;
    } cases[] = {
        { "EU868", 869525000, 0.1 }, /* RX2: sub-band P */
        { "EU868", 869400000, 0.1 }, /* P lower edge */
        { "EU868", 869399999, 0.0 }, /* gap between N and P */
        { "EU868", 869650000, 0.1 }, /* P upper edge */
        { "EU868", 869650001, 0.0 },   { "EU868", 869700000, 0.01 }, /* Q */
        { "EU868", 868100000, 0.01 },                                /* M */
        { "EU868", 863000000, 0.001 },                               /* K */
        { "EU868", 862999999, 0.0 },   { "EU868", 0, 0.0 },
        { "EU433", 434665000, 0.01 },  { "EU433", 434790000, 0.01 },
        { "EU433", 434790001, 0.0 },   { "EU433", 433049999, 0.0 },
        { "CN779", 786000000, 0.01 }, /* region-wide limit */
        { "CN779", 0, 0.01 },          { "RU864", 869100000, 0.01 },
        { "AS923-1", 923200000, 0.0 }, /* local regulation only */
        { "US915", 923300000, 0.0 },   { "KR920", 921900000, 0.0 },
        { "CN470", 0, 0.0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double got =
            region_duty_cycle_at(region_find(cases[i].region), cases[i].hz);
        if (got != cases[i].want)
            fail_msg("%s %lld Hz: %g, want %g", cases[i].region,
                     (long long)cases[i].hz, got, cases[i].want);
    }
    assert_string_equal(
        region_sub_band_at(region_find("EU868"), 869525000)->name, "P");
    assert_null(region_sub_band_at(region_find("EU433"), 434665000));
    assert_true(region_duty_cycle_at(NULL, 0) == 0.0);
    assert_string_equal(region_duty_kind_name(REGION_DUTY_LOCAL),
                        "local regulation");
}

static void test_describe(void **state)
{
    (void)state;
    char buf[64];
    const struct region *eu = region_find("EU868");
    assert_string_equal(region_dr_describe(region_dr(eu, 0), buf, sizeof(buf)),
                        "SF12/125 kHz");
    assert_string_equal(region_dr_describe(region_dr(eu, 7), buf, sizeof(buf)),
                        "FSK 50 kbps");
    assert_string_equal(region_dr_describe(region_dr(eu, 8), buf, sizeof(buf)),
                        "LR-FHSS CR 1/3 137 kHz");
    assert_string_equal(region_dr_describe(region_dr(region_find("IN865"), 6),
                                           buf, sizeof(buf)),
                        "RFU");
    assert_string_equal(region_dr_describe(NULL, buf, sizeof(buf)), "?");
    /* Truncates, never overflows. */
    char small[4];
    assert_string_equal(
        region_dr_describe(region_dr(eu, 0), small, sizeof(small)), "SF1");
    assert_string_equal(region_modulation_name(REGION_MOD_LR_FHSS), "LR-FHSS");
    assert_string_equal(region_modulation_name((enum region_modulation)99),
                        "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_table_matches_reference, setup,
                                        teardown),
        cmocka_unit_test(test_table_covers_service_enum),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_dr_lookup),
        cmocka_unit_test(test_carries_fragments),
        cmocka_unit_test(test_duty_cycle),
        cmocka_unit_test(test_describe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
