/* The fleet simulator as sim/store's session hook (see sim/fleet.h). */
#include <stdlib.h>
#include <string.h>

#include "sim/fleet.h"
#include "sim/store.h"

/* FNV-1a over the device id, then mixed: the device's place in the loss
 * streams, independent of its position in the session's list. */
static uint64_t id_key(const char *id)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        h = (h ^ *p) * 0x100000001b3ull;
    return loss_mix64(h);
}

void fleet_store_hook(void *ctx, struct store *store,
                      const struct store_session *session)
{
    const struct fleet_hook_config *cfg = ctx;
    struct fleet_hook_config none = { 0 };
    if (!cfg)
        cfg = &none;
    size_t n = session->device_count;
    if (n == 0 || !session->task || session->image_bytes <= 0)
        return;
    double *link = calloc(n, sizeof(*link));
    enum backend_device_status *status = calloc(n, sizeof(*status));
    int64_t *done_ms = calloc(n, sizeof(*done_ms));
    if (!link || !status || !done_ms)
        goto out;
    struct loss_config lc;
    loss_config_init(&lc);
    lc.loss = cfg->loss;
    lc.spread = cfg->spread;
    if (loss_config_check(&lc, NULL, 0) != LOSS_OK)
        goto out;
    for (size_t i = 0; i < n; i++) {
        struct loss_device ld;
        loss_device_init(&ld, &lc, cfg->seed, id_key(session->device_ids[i]),
                         -1.0);
        link[i] = ld.device_loss;
    }
    char msg[256];
    int64_t sim_end = 0;
    if (!fleet_play_backend_task(session->task, (uint64_t)session->image_bytes,
                                 cfg->seed, n, link, status, done_ms, &sim_end,
                                 msg, sizeof(msg)))
        goto out;
    /* Map the simulated timeline onto the store's session. */
    if (sim_end < 1)
        sim_end = 1;
    int64_t span = session->session_end_ms - session->session_start_ms;
    if (span < 0)
        span = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t at =
            session->session_start_ms +
            (int64_t)((double)done_ms[i] * (double)span / (double)sim_end);
        struct backend_error err;
        if (store_report_device_status(store, session->task_id,
                                       session->device_ids[i], status[i], at,
                                       &err) != BACKEND_OK)
            break;
    }
out:
    free(link);
    free(status);
    free(done_ms);
}
