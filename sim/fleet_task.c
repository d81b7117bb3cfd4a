/* The fleet simulator's link to requests and regions: the session of a
 * CreateFuotaTask request, and the one-call API for the simulated service.
 * Kept apart from fleet.c so that the runner links without the region
 * tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/airtime.h"
#include "core/region.h"
#include "sim/fleet.h"

/* What the simulation assumes for members a request may leave out. */
#define ASSUMED_INTERVAL_MS 1000

bool fleet_session_from_task(const struct fuota_task *task,
                             uint64_t image_bytes, int dr,
                             struct fleet_session *out, struct diag_list *diags)
{
    memset(out, 0, sizeof(*out));
    if (!task_validate(task, diags))
        return false;
    const struct region *reg =
        task->rf_region ? region_find(task->rf_region) : NULL;
    if (!reg) {
        diag_add(diags, DIAG_ERROR, "LoRaWAN.RfRegion", "required",
                 "the session needs a region (LoRaWAN.RfRegion) to know its "
                 "data rate and time on air");
        return false;
    }
    const struct region_dr *d =
        dr < 0 ? region_default_dr(reg) : region_dr(reg, dr);
    if (!d || !region_dr_carries_fragments(d)) {
        diag_add(diags, DIAG_ERROR, "dr", "downlink-dr",
                 "DR%d of %s cannot carry fragments downlink", dr, reg->name);
        return false;
    }
    out->region = reg->name;
    out->dr = d->dr;
    out->image_bytes = image_bytes;
    if (task->has_fragment_size_bytes) {
        out->fragment_size = (uint32_t)task->fragment_size_bytes;
    } else {
        int s = d->max_fragment_bytes;
        if (s > REGION_TS004_MAX_FRAGMENT)
            s = REGION_TS004_MAX_FRAGMENT;
        out->fragment_size = (uint32_t)s;
        diag_add(diags, DIAG_NOTE, "FragmentSizeBytes", "assumed",
                 "not set: the simulation assumes %d bytes, the most DR%d of "
                 "%s carries",
                 s, d->dr, reg->name);
    }
    if (out->fragment_size > REGION_TS004_MAX_FRAGMENT) {
        diag_add(diags, DIAG_ERROR, "FragmentSizeBytes", "ts004-max",
                 "%u bytes is more than TS004 allows (255: FragSize is one "
                 "byte)",
                 (unsigned)out->fragment_size);
        return false;
    }
    if (out->fragment_size > (uint32_t)d->max_fragment_bytes) {
        diag_add(diags, DIAG_ERROR, "FragmentSizeBytes", "dr-payload",
                 "%u bytes does not fit DR%d of %s, which carries at most "
                 "%d fragment bytes",
                 (unsigned)out->fragment_size, d->dr, reg->name,
                 d->max_fragment_bytes);
        return false;
    }
    out->redundancy_percent =
        task->has_redundancy_percent ? task->redundancy_percent : 0;
    if (task->has_fragment_interval_ms) {
        out->interval_ms = (uint32_t)task->fragment_interval_ms;
    } else {
        out->interval_ms = ASSUMED_INTERVAL_MS;
        diag_add(diags, DIAG_NOTE, "FragmentIntervalMS", "assumed",
                 "not set: the simulation assumes %d ms", ASSUMED_INTERVAL_MS);
    }
    if (!airtime_dr_downlink_us(
            d, out->fragment_size + REGION_FRAGMENT_PHY_OVERHEAD,
            &out->time_on_air_us)) {
        diag_add(diags, DIAG_ERROR, "dr", "airtime",
                 "no time-on-air model for DR%d of %s", d->dr, reg->name);
        return false;
    }
    out->duty_cycle =
        region_duty_cycle_at(reg, region_default_frequency_hz(reg));
    char msg[DIAG_MESSAGE_MAX];
    if (!fleet_session_schedule(out, msg, sizeof(msg))) {
        diag_add(diags, DIAG_ERROR, "image", "session",
                 "%llu bytes in %u-byte fragments: %s",
                 (unsigned long long)image_bytes, (unsigned)out->fragment_size,
                 msg);
        return false;
    }
    return true;
}

bool fleet_play_task(const struct fuota_task *task, uint64_t image_bytes,
                     uint64_t seed, size_t devices, const double *link_loss,
                     enum backend_device_status *status, int64_t *done_ms,
                     char *msg, size_t size)
{
    struct diag_list diags;
    diag_list_init(&diags);
    struct fleet_session s;
    bool ok = fleet_session_from_task(task, image_bytes, -1, &s, &diags);
    if (!ok) {
        const char *first = "the request cannot be played";
        char line[DIAG_PATH_MAX + DIAG_MESSAGE_MAX + 8];
        for (size_t i = 0; i < diags.count; i++)
            if (diags.items[i].severity == DIAG_ERROR) {
                first = diag_format(&diags.items[i], line, sizeof(line));
                break;
            }
        if (msg && size)
            snprintf(msg, size, "%s", first);
        diag_list_cleanup(&diags);
        return false;
    }
    diag_list_cleanup(&diags);
    uint8_t *image = malloc(image_bytes ? image_bytes : 1);
    double *zero = NULL;
    if (!link_loss)
        link_loss = zero = calloc(devices ? devices : 1, sizeof(*zero));
    if (!image || !link_loss) {
        free(image);
        free(zero);
        if (msg && size)
            snprintf(msg, size, "out of memory");
        return false;
    }
    fleet_generate_image(image, image_bytes, seed);
    struct fleet_params p;
    fleet_params_init(&p);
    p.session = &s;
    p.image = image;
    p.seed = seed;
    p.devices = devices;
    p.device_loss = link_loss;
    p.mode = FLEET_MODE_RANK;
    struct fleet_result r;
    ok = fleet_run(&p, &r, msg, size) == FLEET_OK;
    if (ok) {
        for (size_t i = 0; i < devices; i++) {
            status[i] = r.dev[i].status;
            if (!done_ms)
                continue;
            uint32_t n = r.dev[i].done_at;
            if (r.dev[i].status == BACKEND_DEVICE_MISSING_FRAG)
                n = r.sent;
            done_ms[i] = (int64_t)(fleet_heard_time_us(&s, n) / 1000);
        }
        fleet_result_cleanup(&r);
    }
    free(image);
    free(zero);
    return ok;
}
