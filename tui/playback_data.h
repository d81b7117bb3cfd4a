#ifndef FUOTA_TUI_PLAYBACK_DATA_H
#define FUOTA_TUI_PLAYBACK_DATA_H

/*
 * What the playback view shows, computed off the UI thread: one job runs
 * fleet_run for the settings (sim/fleet), then replays the session's
 * losses fragment by fragment (the same deterministic streams as
 * sim/events) to get, for every position n = 0..sent, the fleet's
 * counters (completed, failed, receiving, waiting, and the median and
 * the worst device's fragments received), and for every device the
 * first fragment it heard. With those and the fleet result, the state of
 * any device at any position is a lookup (pb_state_at), so the screen
 * can jump anywhere at once.
 *
 * Memory: the fleet result (about 20 bytes a device), 2 bytes a device
 * for the first fragment heard, 24 bytes a position, the parity matrix
 * (for the device zoom's rank) and the coded image while it runs. The
 * replay holds one loss state a device (about 80 bytes) while it runs.
 *
 * Threads: pbjob_start() starts the thread; the UI thread polls
 * pbjob_phase() and reads the outputs only once it is PB_PHASE_READY
 * (they are written before the phase, with release/acquire ordering).
 * pbjob_abandon() lets a running job finish and free itself; pbjob_free()
 * joins and frees one that is done (or waits for it).
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/fec.h"
#include "sim/fleet.h"
#include "tui/playback_model.h"
#include "tui/playback_settings.h"

enum pb_phase {
    PB_PHASE_FLEET,  /* fleet_run: progress in devices */
    PB_PHASE_REPLAY, /* the counters: progress in fragments */
    PB_PHASE_READY,
    PB_PHASE_FAILED /* message in msg */
};

/* The fleet at one position. */
struct pb_counts {
    uint32_t completed, failed, receiving, waiting;
    uint16_t median, worst; /* fragments received, over the devices not
                             * refused at setup (0 when none) */
};

struct pb_job {
    struct pb_run run; /* the settings' session and parameters */
    uint8_t *image;    /* generated from the seed; freed when done */
    /* Outputs (valid once PB_PHASE_READY). */
    struct fleet_result result;
    struct pb_counts *counts; /* result.sent + 1 positions */
    uint16_t *first_rx;       /* per device; 0 = never heard one */
    size_t participants;      /* devices not refused at setup */
    struct fec_matrix *matrix;
    char msg[400];
    /* Timing, for the benchmark: ms from start to ready, and of it the
     * fleet_run. */
    double ready_ms, fleet_ms;
    /* Shared with the thread. */
    atomic_int phase;
    atomic_size_t done, total;
    atomic_bool cancel;
    atomic_bool abandoned;
    pthread_t thread;
    bool started;
};

/*
 * Takes the run (moved: *run is zeroed) and starts the thread. NULL with
 * a message when out of memory or no thread could start.
 */
struct pb_job *pbjob_start(struct pb_run *run, char *msg, size_t size);
enum pb_phase pbjob_phase(struct pb_job *job);
/* Progress of the current phase: done of total. */
void pbjob_progress(struct pb_job *job, size_t *done, size_t *total);
/* The job is no longer wanted: it stops as soon as it can and frees
 * itself (the UI thread must not touch it after this). */
void pbjob_abandon(struct pb_job *job);
/* Waits for the job and frees it; accepts NULL. */
void pbjob_free(struct pb_job *job);

/*
 * The counters, once run: compute them from a fleet result on the
 * calling thread (what the job does after fleet_run; tests call it
 * directly). counts has r->sent + 1 entries, first_rx r->devices.
 * Returns the number of participants; stops early (returning 0) when
 * *cancel becomes true (cancel may be NULL).
 */
size_t pb_replay(const struct fleet_params *p, const struct fleet_result *r,
                 struct pb_counts *counts, uint16_t *first_rx,
                 atomic_bool *cancel, atomic_size_t *progress);

/* One device at one position, for the zoom. */
struct pb_device {
    enum pb_state state;
    enum backend_device_status status; /* the outcome at the end */
    uint32_t received; /* fragments received up to the position */
    uint32_t rank;     /* the decoder's rank: uncoded received + what the
                        * redundancy has repaired, of M */
    uint32_t lost;     /* uncoded fragments lost so far */
    uint32_t needed;   /* at least this many more fragments to finish */
    uint32_t first_rx; /* first fragment heard (0 = none yet) */
    uint32_t done_at;  /* completed / failed at (0 = not yet or never) */
    enum fault fault;  /* its device fault (sim/fault.h), or none */
    double own_loss;   /* the device's mean loss, 0..1 */
    bool refused;      /* refused at setup */
};

/*
 * Replays device d's losses and its rank-only decoder (the job's matrix
 * and device limits) up to position n. The job must be ready. False on
 * out of memory.
 */
bool pbjob_device(const struct pb_job *job, size_t d, uint32_t n,
                  struct pb_device *out);

/*
 * Why device d failed, in words ("" when it has not): its fault, the
 * setup limit it is under, the lost fragments over its limit, or the
 * rank the session ended at, with its FuotaDeviceStatus.
 */
void pbjob_failure(const struct pb_job *job, const struct pb_device *dev,
                   char *buf, size_t size);

#endif
