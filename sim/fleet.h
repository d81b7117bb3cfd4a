#ifndef FUOTA_SIM_FLEET_H
#define FUOTA_SIM_FLEET_H

/*
 * The fleet delivery simulator: one Class C multicast FUOTA session played
 * to N virtual devices, each running the TS004 decoder of core/fec.
 *
 * Session (struct fleet_session, from fleet_session_from_task): the coded
 * stream is fragments 1..M (uncoded) then M+1..M+R (redundancy). Fragment n
 * starts at (n - 1) * spacing where
 *   spacing = max(FragmentIntervalMS rounded to the nearest second,
 *                 time on air at the session data rate,
 *                 time on air / duty cycle   (regions with a duty cycle)).
 * (the "slot" of core/plan). A fragment is heard at the end of its time
 * on air. The session's wall time is sent * spacing, as core/plan counts
 * it (the plan's session wall time when nothing stops early).
 *
 * Devices: device d (0-based) loses fragments as sim/loss.h says, from a
 * random stream keyed by (seed, key) only, where key is d, or
 * fleet_params.device_key[d] when the caller gives keys (the simulated
 * service keys each device by a hash of its id, so a device's losses do not
 * depend on which other devices take part or on its place in the list). In
 * FLEET_MODE_FULL every device runs the full decoder and, at completion, the
 * image it rebuilt is compared byte for byte with the source image. In
 * FLEET_MODE_RANK devices run the rank-only decoder, and a deterministic
 * sample (device d is sampled when loss_hash(seed, LOSS_STREAM_SAMPLE, d) <
 * sample * 2^64; device 0 always) also runs the full decoder: both must agree
 * on the outcome and on the fragment the device completed at, and the image
 * must match. Any disagreement or wrong image counts in
 * fleet_result.internal_errors (a bug, not a device outcome), except when
 * the devices decode with other parity rows than the stream's (below).
 *
 * Codecs: the stream is coded with fleet_params.codec and the devices decode
 * with fleet_params.device_codec (core/fec.h: v1, v2, v2-lbm). Both the same
 * (the default, v1) is a fleet that matches its sender. A device_codec of
 * the same TS004 version but other rows models devices that number the v2
 * parity rows the other way (LoRa Basics Modem's v2 helper seeds row k with
 * k, the TS004-2.0.0 text and ChirpStack with N = M + k; SWL2001 issue
 * #106): such a device completes as its own rows say, with wrong bytes
 * whenever a redundancy fragment went into its image, and reports
 * MICError. These fleets are fully decoded in either mode (only the bytes
 * tell a wrong image); rank mode then counts every device as sampled.
 *
 * Outcomes (AWS FuotaDeviceStatus, enum backend_device_status):
 *   Successful         the device rebuilt the image;
 *   MissingFrag        the stream ended before it could (rank < lost);
 *   Not_enough_memory  the session does not fit the device's limits (more
 *                      fragments than max_fragments, fragments larger
 *                      than max_frag_size, or fleet_device_ram() above
 *                      memory_bytes): refused at setup;
 *   MemoryError        more fragments lost than the device's max_lost (its
 *                      decoder matrix is full): fails at that fragment;
 *   MICError           the device rebuilt an image that differs from the
 *                      source (devices with other parity rows than the
 *                      stream's): a TS004-2.0.0 device checks the block's
 *                      MIC from FragSessionSetupReq and reports the MIC
 *                      error; done_at is the fragment it completed at;
 *   a device fault     (sim/fault.h, fleet_params.faults) decides the
 *                      outcome before anything else: a setup fault refuses
 *                      the session (its status, nothing received, like a
 *                      refusal for the limits); wrong keys (mic-error)
 *                      hear nothing they can use and report MICError when
 *                      the session ends. Faults draw from their own
 *                      streams: the other devices' outcomes are the same
 *                      with or without them.
 *
 * Early stop: the sender stops once every device has completed or failed
 * for good (never before fragment M), saving the rest of the redundancy.
 * A device with wrong keys never reports before the end, so it keeps the
 * sender going, as it would a real server.
 * Outcomes are the same with or without it; only the fragments sent, the
 * airtime and the wall time change.
 *
 * Determinism: the result depends only on the parameters (never on the
 * thread count, scheduling or the clock).
 *
 * Threads: fleet_run() spreads devices over `threads` POSIX threads; each
 * thread reuses one decoder (reset per device); the parity rows and the
 * coded stream are built once and shared read-only. The progress callback
 * is called from worker threads, one call at a time.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/backend.h"
#include "core/diag.h"
#include "core/fec.h"
#include "core/task.h"
#include "sim/fault.h"
#include "sim/loss.h"

/* Default share of devices that still fully decode in rank mode. */
#define FLEET_DEFAULT_SAMPLE 0.01
/* Most threads fleet_run starts. */
#define FLEET_THREADS_MAX 256

#define FLEET_STATUSES(X)                                                      \
    X(FLEET_OK, "ok")                                                          \
    X(FLEET_ERR_PARAM, "invalid parameter")                                    \
    X(FLEET_ERR_NO_MEMORY, "out of memory")                                    \
    X(FLEET_ERR_THREAD, "could not start a thread")

enum fleet_status {
#define X(id, msg) id,
    FLEET_STATUSES(X)
#undef X
};
const char *fleet_status_message(enum fleet_status status);

enum fleet_mode { FLEET_MODE_FULL, FLEET_MODE_RANK };

/* The schedule of one session. Times in microseconds. */
struct fleet_session {
    uint64_t image_bytes;
    uint32_t fragment_size; /* S */
    uint32_t m;             /* uncoded fragments */
    uint32_t r;             /* redundancy fragments */
    uint32_t padding;       /* M * S - image_bytes */
    int redundancy_percent;
    const char *region;      /* static string, e.g. "EU868" */
    int dr;                  /* downlink data rate of the session */
    uint32_t interval_ms;    /* FragmentIntervalMS as given, 0 = not given
                              * (fragments back to back) */
    uint64_t interval_us;    /* ... rounded to the nearest second */
    uint64_t time_on_air_us; /* one fragment */
    double duty_cycle;       /* 0..1; 0 or 1 = no duty-cycle limit */
    uint64_t spacing_us;     /* between fragment starts */
};

/*
 * Fills the spacing from interval_ms, time_on_air_us and duty_cycle (the
 * rule above) and M, R, padding from image_bytes, fragment_size and
 * redundancy_percent (R = ceil(M * pct / 100)). Returns false (message in
 * msg) when the session cannot be sent: no image, fragment size outside
 * 1..255, or more than 16383 fragments.
 */
bool fleet_session_schedule(struct fleet_session *s, char *msg, size_t size)
    __attribute__((warn_unused_result));

/*
 * The Class C limit: a device keeps a Class C multicast session for at
 * most 2^15 s (TS005 McClassCSessionReq, core/limits.h), then returns to
 * Class A. Returns the fragments it hears within that time (fragment n is
 * heard at (n - 1) x spacing + time on air) when the session is longer,
 * else 0 (the session fits: nothing is missed). Pure.
 */
uint32_t fleet_class_c_heard(const struct fleet_session *s);

/*
 * A drop list with every fragment after `heard` added: the fragments of
 * `drop` (1..total; others are left out) and heard + 1..total, each once,
 * ascending, in a new heap array (*out, *out_count; free() it). False on
 * out of memory (*out untouched).
 */
bool fleet_drops_after(const uint32_t *drop, size_t count, uint32_t heard,
                       uint32_t total, uint32_t **out, size_t *out_count)
    __attribute__((warn_unused_result));

/*
 * The session of a request for an image of image_bytes at data rate dr
 * (-1 = the region's Class C default), with the figures of core/plan (the
 * same as `fuota plan`, including its assumptions for members left out,
 * e.g. back-to-back fragments without FragmentIntervalMS). Runs
 * task_validate and plan_compute (their diagnostics go to diags) and
 * fails for what the session cannot carry: a fragment larger than the
 * data rate allows (rule fragment-too-large), more than 16383 fragments
 * (too-many-fragments), a fragment size over 255, a missing region, a data
 * rate without downlink (path "dr"), an empty image (path "image").
 * Returns true when the session can be played.
 */
bool fleet_session_from_task(const struct fuota_task *task,
                             uint64_t image_bytes, int dr,
                             struct fleet_session *out, struct diag_list *diags)
    __attribute__((warn_unused_result));

/* Start time of fragment n (1-based). */
uint64_t fleet_send_time_us(const struct fleet_session *s, uint32_t n);
/* When fragment n has been heard (start + time on air). */
uint64_t fleet_heard_time_us(const struct fleet_session *s, uint32_t n);
/* The end of a session that sent `sent` fragments: sent * spacing. */
uint64_t fleet_end_time_us(const struct fleet_session *s, uint32_t sent);

/* A device build's limits; 0 = no limit. */
struct fleet_limits {
    uint32_t max_fragments; /* largest NbFrag (M) the device accepts */
    uint32_t max_frag_size; /* largest fragment size S */
    uint32_t max_lost;      /* FRAG_MAX_REDUNDANCY: most lost fragments */
    uint64_t memory_bytes;  /* RAM for image + decoder */
};

/* RAM a device needs for this session with at most max_lost losses
 * (0 = R): M*S + ((L >> 3) + 1) * L + 2M bytes (fec-ts004.md). */
uint64_t fleet_device_ram(const struct fleet_session *s, uint32_t max_lost);

struct fleet_params {
    const struct fleet_session *session;
    const uint8_t *image; /* session->image_bytes bytes, borrowed */
    struct loss_config loss;
    uint64_t seed;
    size_t devices;
    /* NULL, or each device's own mean loss (0..1) instead of loss+spread. */
    const double *device_loss;
    /*
     * NULL (init), or device d's loss-stream key instead of d: device d
     * loses what a device with index device_key[d] would. Keys need not be
     * distinct or small; `fuota simulate` leaves this NULL.
     */
    const uint64_t *device_key;
    enum fleet_mode mode;
    double sample;    /* rank mode: share fully decoded, 0..1; 0 = only
                       * device 0 (init: FLEET_DEFAULT_SAMPLE) */
    unsigned threads; /* 0 = online cores */
    bool early_stop;
    /* The stream's parity rows and the devices' (see Codecs above); init:
     * both FEC_CODEC_V1. Of one TS004 version, else FLEET_ERR_PARAM. */
    enum fec_codec codec;
    enum fec_codec device_codec;
    struct fleet_limits limits;
    struct fault_config faults; /* init: none */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
};

/* Sets defaults: no loss, full mode, 0 threads (= cores), seed 1, sample
 * FLEET_DEFAULT_SAMPLE, codec and device codec v1. */
void fleet_params_init(struct fleet_params *p);

struct fleet_device_result {
    enum backend_device_status status;
    uint32_t received; /* fragments received until completion / the end */
    uint32_t lost;     /* uncoded fragments lost (L), when known */
    uint32_t done_at;  /* fragment completed / failed at; 0 = never / setup */
    bool sampled;      /* rank mode: also fully decoded */
    bool internal_error;
    bool refused;     /* refused the session at setup (no fragment) */
    enum fault fault; /* the device's fault, FAULT_NONE without */
};

/*
 * When the device reached its outcome, in us since the session start: 0
 * for a refusal at setup, the fragment it completed or failed at, else
 * (MissingFrag, wrong keys) the end of a session that sent `sent`
 * fragments.
 */
uint64_t fleet_device_done_us(const struct fleet_session *s,
                              const struct fleet_device_result *x,
                              uint32_t sent);

struct fleet_result {
    size_t devices;
    struct fleet_device_result *dev; /* devices entries */
    uint32_t total;                  /* M + R */
    uint32_t sent;    /* fragments sent (< total with early stop) */
    uint32_t stop_at; /* early stop: last fragment sent; 0 = none */
    size_t completed; /* Successful */
    size_t failed;    /* every other outcome */
    size_t by_status[BACKEND_DEVICE_STATUS_COUNT];
    size_t by_fault[FAULT_COUNT]; /* devices with each fault */
    size_t sampled;               /* devices fully decoded in rank mode */
    size_t internal_errors;
    unsigned threads; /* threads used (not part of any report) */
};

/*
 * Runs the simulation. On FLEET_OK *out holds the result (release with
 * fleet_result_cleanup). FLEET_ERR_PARAM (message in msg) for a bad loss
 * model, zero devices, a drop list naming a fragment beyond M + R, a
 * missing image, a device_loss outside 0..1, or codecs of two TS004
 * versions.
 */
enum fleet_status fleet_run(const struct fleet_params *p,
                            struct fleet_result *out, char *msg, size_t size)
    __attribute__((warn_unused_result));
void fleet_result_cleanup(struct fleet_result *r);

/* Number of online cores (at least 1). */
unsigned fleet_default_threads(void);

/*
 * Fills buf with a deterministic pseudo-random image of `len` bytes drawn
 * from (seed, LOSS_STREAM_IMAGE).
 */
void fleet_generate_image(uint8_t *buf, size_t len, uint64_t seed);

/*
 * For the simulated service (sim/store's on_session_start hook): plays the
 * session of `task` for an image of image_bytes (generated from seed) over
 * `devices` devices, device i with mean loss link_loss[i] (0..1; NULL = no
 * loss) and loss-stream key device_key[i] (NULL = i; see
 * fleet_params.device_key), with the device faults of `faults` (NULL =
 * none), in rank mode with the default sample. Writes each
 * device's FuotaDeviceStatus to status[i] and, when done_ms is not NULL, the
 * time since the session start at which it reached it (completion, failure, or
 * the end of the session for MissingFrag) in ms, and when session_ms is
 * not NULL the session's wall time in ms. Returns false (message in
 * msg) when the task cannot be played (invalid request, session the
 * region cannot carry, out of memory).
 */
bool fleet_play_task(const struct fuota_task *task, uint64_t image_bytes,
                     uint64_t seed, size_t devices, const double *link_loss,
                     const uint64_t *device_key,
                     const struct fault_config *faults,
                     enum backend_device_status *status, int64_t *done_ms,
                     int64_t *session_ms, char *msg, size_t size)
    __attribute__((warn_unused_result));

/*
 * The same for a task as the backend returns it (GetFuotaTask, and what
 * sim/store hands its on_session_start hook as store_session.task): its
 * request members are read (borrowed, not kept) and played as above.
 */
bool fleet_play_backend_task(const struct backend_task *task,
                             uint64_t image_bytes, uint64_t seed,
                             size_t devices, const double *link_loss,
                             const uint64_t *device_key,
                             const struct fault_config *faults,
                             enum backend_device_status *status,
                             int64_t *done_ms, int64_t *session_ms, char *msg,
                             size_t size) __attribute__((warn_unused_result));

/*
 * A ready-made sim/store on_session_start hook (the signature of
 * store_options.on_session_start; hook_ctx = a struct fleet_hook_config, or
 * NULL for no loss). It computes, the store writes: it plays the started
 * task's session over its participating wireless devices with
 * fleet_play_backend_task and fills outcomes[i] with device i's
 * FuotaDeviceStatus and the time the device reaches it, mapped linearly
 * onto [session_start_ms, session_end_ms] (so the store's time_scale and
 * its own duration estimate are honoured); the store writes them with the
 * start in one transaction. Device `id`'s link loss is drawn once from
 * (seed, a hash of id): loss + spread * N(0,1), clamped to 0..1, so a device
 * keeps its link quality from session to session; its fragment losses come
 * from a stream keyed by another hash of its id (fleet_params.device_key),
 * so they do not depend on which other devices take part; its fault
 * (config.faults) is drawn with the same key.
 *
 * A session that cannot be played (no LoRaWAN.RfRegion, a FragmentSizeBytes
 * the region's Class C default data rate cannot carry, more fragments than
 * TS004 allows, ...) sends nothing any device could rebuild the image
 * from: every participating device reports MissingFrag at session_end_ms,
 * the FuotaDeviceStatus a device gives when the session ends before it has
 * the image (the setup answers Package_Not_Supported, FragAlgo_unsupported,
 * Not_enough_memory, FragIndex_unsupported and Wrong_descriptor would blame
 * the device, which is not at fault). Returns false only on a host failure
 * (out of memory): the start then fails and writes nothing. Multicast
 * groups carry no device ids in the simulator and are not played.
 */
struct fleet_hook_config {
    double loss;   /* mean link loss, 0..1 */
    double spread; /* standard deviation across devices, 0..1 */
    uint64_t seed;
    struct fault_config faults; /* device faults, keyed like the losses */
};
struct store_session;
struct store_outcome;
bool fleet_store_hook(void *ctx, const struct store_session *session,
                      struct store_outcome *outcomes)
    __attribute__((warn_unused_result));

#endif
