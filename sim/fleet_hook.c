/* The fleet simulator as sim/store's session hook (see sim/fleet.h): the
 * hook computes every device's outcome, the store writes them with the
 * start in one transaction. */
#include <stdlib.h>
#include <string.h>

#include "core/diag.h"
#include "sim/fleet.h"
#include "sim/store.h"

/* Salt of the fragment-loss stream key, apart from the link-quality key. */
#define STREAM_SALT 0x73747265616d0000ull /* "stream" */

/* FNV-1a over the device id, then mixed: the device's place in the loss
 * streams, independent of its position in the session's list. */
static uint64_t id_key(const char *id)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        h = (h ^ *p) * 0x100000001b3ull;
    return loss_mix64(h);
}

/* Whether the session of the task can be played at all (region known,
 * fragments the session data rate carries, a schedule TS004 allows). */
static bool playable(const struct store_session *session)
{
    if (!session->task || session->image_bytes <= 0)
        return false;
    struct fuota_task req;
    backend_task_as_request(session->task, &req); /* borrowed: no cleanup */
    struct diag_list diags;
    diag_list_init(&diags);
    struct fleet_session fs;
    bool ok = fleet_session_from_task(&req, (uint64_t)session->image_bytes, -1,
                                      &fs, &diags);
    diag_list_cleanup(&diags);
    return ok;
}

bool fleet_store_hook(void *ctx, const struct store_session *session,
                      struct store_outcome *out)
{
    const struct fleet_hook_config *cfg = ctx;
    struct fleet_hook_config none = { 0 };
    if (!cfg)
        cfg = &none;
    size_t n = session->device_count;
    if (n == 0)
        return true;
    struct loss_config lc;
    loss_config_init(&lc);
    lc.loss = cfg->loss;
    lc.spread = cfg->spread;
    if (loss_config_check(&lc, NULL, 0) != LOSS_OK || !playable(session)) {
        /* Nothing the devices could rebuild the image from reaches them:
         * each reports MissingFrag when the session times out. */
        for (size_t i = 0; i < n; i++)
            out[i] = (struct store_outcome){ BACKEND_DEVICE_MISSING_FRAG,
                                             session->session_end_ms };
        return true;
    }
    bool ok = false;
    double *link = calloc(n, sizeof(*link));
    uint64_t *key = calloc(n, sizeof(*key));
    enum backend_device_status *status = calloc(n, sizeof(*status));
    int64_t *done_ms = calloc(n, sizeof(*done_ms));
    if (!link || !key || !status || !done_ms)
        goto out;
    for (size_t i = 0; i < n; i++) {
        uint64_t k = id_key(session->device_ids[i]);
        struct loss_device ld;
        loss_device_init(&ld, &lc, cfg->seed, k, -1.0);
        link[i] = ld.device_loss;
        key[i] = loss_mix64(k ^ STREAM_SALT);
    }
    char msg[256];
    int64_t sim_end = 0;
    /* Playable: a failure here is the host's (out of memory). */
    if (!fleet_play_backend_task(session->task, (uint64_t)session->image_bytes,
                                 cfg->seed, n, link, key, &cfg->faults, status,
                                 done_ms, &sim_end, msg, sizeof(msg)))
        goto out;
    /* Map the simulated timeline onto the store's session. */
    if (sim_end < 1)
        sim_end = 1;
    int64_t span = session->session_end_ms - session->session_start_ms;
    if (span < 0)
        span = 0;
    for (size_t i = 0; i < n; i++) {
        out[i].status = status[i];
        out[i].at_ms =
            session->session_start_ms +
            (int64_t)((double)done_ms[i] * (double)span / (double)sim_end);
    }
    ok = true;
out:
    free(link);
    free(key);
    free(status);
    free(done_ms);
    return ok;
}
