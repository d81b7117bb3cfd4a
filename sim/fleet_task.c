/* The fleet simulator's link to requests and regions: the session of a
 * CreateFuotaTask request, and the one-call API for the simulated service.
 * Kept apart from fleet.c so that the runner links without the region
 * tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/plan.h"
#include "core/region.h"
#include "sim/fleet.h"

bool fleet_session_from_task(const struct fuota_task *task,
                             uint64_t image_bytes, int dr,
                             struct fleet_session *out, struct diag_list *diags)
{
    memset(out, 0, sizeof(*out));
    if (!task_validate(task, diags))
        return false;
    /* The same figures as `fuota plan`: core/plan decides the fragment
     * size, the redundancy, the slot and the assumptions. */
    struct plan_input in = { .task = task,
                             .image_bytes = image_bytes,
                             .dr = dr };
    struct plan pl;
    enum plan_status ps = plan_compute(&in, &pl, diags);
    if (ps != PLAN_OK) {
        const char *path =
            ps == PLAN_BAD_DR                                      ? "dr"
            : ps == PLAN_EMPTY_IMAGE || ps == PLAN_IMAGE_TOO_LARGE ? "image"
                                                                   : "";
        if (ps == PLAN_BAD_DR)
            diag_add(diags, DIAG_ERROR, path, "downlink-dr",
                     "DR%d of %s cannot carry fragments downlink", dr,
                     task->rf_region ? task->rf_region : "?");
        else if (!diag_has_errors(diags))
            diag_add(diags, DIAG_ERROR, path, "plan", "%s",
                     plan_status_message(ps));
        return false;
    }
    if (diag_has_errors(diags))
        return false;
    if (!pl.airtime_known || !region_dr_carries_fragments(pl.dr)) {
        diag_add(diags, DIAG_ERROR, "dr", "downlink-dr",
                 "DR%d of %s cannot carry fragments downlink", pl.dr->dr,
                 pl.region->name);
        return false;
    }
    out->region = pl.region->name;
    out->dr = pl.dr->dr;
    out->image_bytes = image_bytes;
    out->fragment_size = (uint32_t)pl.fragment_size_bytes;
    out->redundancy_percent = pl.redundancy_percent;
    out->interval_ms = pl.has_interval ? (uint32_t)pl.interval_requested_ms : 0;
    out->time_on_air_us = pl.time_on_air_us;
    out->duty_cycle = pl.duty_cycle;
    char msg[DIAG_MESSAGE_MAX];
    if (!fleet_session_schedule(out, msg, sizeof(msg))) {
        diag_add(diags, DIAG_ERROR, "image", "session",
                 "%llu bytes in %u-byte fragments: %s",
                 (unsigned long long)image_bytes, (unsigned)out->fragment_size,
                 msg);
        return false;
    }
    /* The planner's slot is the reference (identical by construction). */
    out->spacing_us = pl.slot_us;
    return true;
}

bool fleet_play_task(const struct fuota_task *task, uint64_t image_bytes,
                     uint64_t seed, size_t devices, const double *link_loss,
                     const uint64_t *device_key,
                     const struct fault_config *faults,
                     enum backend_device_status *status, int64_t *done_ms,
                     int64_t *session_ms, char *msg, size_t size)
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
    p.device_key = device_key;
    if (faults)
        p.faults = *faults;
    p.mode = FLEET_MODE_RANK;
    struct fleet_result r;
    ok = fleet_run(&p, &r, msg, size) == FLEET_OK;
    if (ok) {
        if (session_ms)
            *session_ms = (int64_t)(fleet_end_time_us(&s, r.sent) / 1000);
        for (size_t i = 0; i < devices; i++) {
            status[i] = r.dev[i].status;
            if (!done_ms)
                continue;
            uint64_t us = fleet_device_done_us(&s, &r.dev[i], r.sent);
            done_ms[i] = (int64_t)(us / 1000);
        }
        fleet_result_cleanup(&r);
    }
    free(image);
    free(zero);
    return ok;
}

bool fleet_play_backend_task(
    const struct backend_task *task, uint64_t image_bytes, uint64_t seed,
    size_t devices, const double *link_loss, const uint64_t *device_key,
    const struct fault_config *faults, enum backend_device_status *status,
    int64_t *done_ms, int64_t *session_ms, char *msg, size_t size)
{
    /* A request view over the backend task's strings: borrowed, read only,
     * never cleaned up. */
    struct fuota_task t;
    backend_task_as_request(task, &t);
    return fleet_play_task(&t, image_bytes, seed, devices, link_loss,
                           device_key, faults, status, done_ms, session_ms, msg,
                           size);
}
