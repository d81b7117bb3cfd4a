#ifndef FUOTA_SIM_SWEEP_H
#define FUOTA_SIM_SWEEP_H

/*
 * What-if sweeps: the probability that a device rebuilds the image, over a
 * grid of fragment size x data rate x loss x redundancy, by Monte Carlo
 * with the TS004 decoder of core/fec (rank mode) and the loss models of
 * sim/loss, with airtime and wall time from core/plan, and the
 * recommendations a planner asks for.
 *
 * The grid. Axes, in the order points are numbered (redundancy fastest):
 *   fragment size S   (sweep_params.fragment_sizes)
 *   data rate         (sweep_params.drs)
 *   loss              (sweep_params.loss: FROM, FROM + STEP, ... <= TO)
 *   redundancy        (sweep_params.redundancy, whole percents)
 * At most SWEEP_POINTS_MAX points.
 *
 * One trial. Trial t of the row (S, loss) plays the coded stream
 * 1..M + Rmax (Rmax = R of the largest redundancy in the range that fits a
 * session) to one device: device t of `fuota simulate` with the same seed
 * and loss model (loss stream keyed by (seed, t), sim/loss.h), fed in order
 * to a rank-mode decoder. Its completion fragment n answers every
 * redundancy at once: the device completes at redundancy r iff
 * n <= M + ceil(M r / 100) (the parity rows of codec v1 do not depend on
 * R, and the loss of fragment n does not depend on what follows). The cost
 * therefore grows with fragment sizes x loss levels x trials, not with the
 * number of redundancy levels or data rates (which change only airtime and
 * wall time). Without shared loss a point's successes equal the devices
 * `fuota simulate --seed S --devices T` completes for the same request.
 *
 * Shared loss (the gateway skips a fragment for everyone) makes devices of
 * one session fail together: each trial then draws its own shared pattern,
 * from (seed, SWEEP_STREAM_SESSION, t), so p estimates the probability over
 * sessions. The expected share of N devices that complete is p whatever the
 * correlation; P(all N complete) is reported as p^N, exact for independent
 * devices and a lower bound with shared loss (devices that fail together
 * also succeed together).
 *
 * Statistics per point (struct sweep_point): p = successes / trials with a
 * 95 % Wilson score interval; P(all N) = p^N with the interval [lo^N,
 * hi^N]; the mean fragments received beyond M and sent beyond M by the
 * devices that complete; M, R, airtime and session wall time (core/plan:
 * (M + R) x slot, slot bounded by the duty cycle and FragmentIntervalMS).
 * Success never falls as redundancy rises (the counts are cumulative), and
 * with i.i.d. loss never rises with loss (common random numbers: the same
 * draws decide every loss level).
 *
 * Determinism. Results depend only on the parameters and the trial count:
 * not on the thread count, the scheduling, or whether T trials were reached
 * in one sweep_run or in several (refinement). Trials are added in stages
 * ending at fixed checkpoints (100, then +max(100, c/4): 100, 200, 300,
 * 400, 500, 625, 781, ...) or at the requested count; a stage's counts are
 * integer sums, committed together when the whole stage is done. With an
 * early-stop width a row (S, loss) stops at the first checkpoint where
 * every point of it has a 95 % interval narrower than the width; the check
 * happens only at checkpoints, never at a requested count, so stopping is
 * deterministic too.
 *
 * Threads and ownership:
 *  - sweep_new copies what it needs from the params (the caller's arrays
 *    and strings may go away after it returns). sweep_free from one thread,
 *    never while sweep_run runs.
 *  - sweep_run blocks its caller; it starts params.threads - 1 worker
 *    threads per stage and works in the calling thread too. Only one
 *    sweep_run at a time per sweep (another returns SWEEP_ERR_BUSY). Call
 *    it from a thread of your own to keep a user interface responsive.
 *  - The readers (sweep_axes, sweep_point, sweep_trials, sweep_stage,
 *    sweep_recommend_*, sweep_overhead) may be called from any thread at
 *    any time, also while sweep_run runs in another thread: each call sees
 *    the results of the last completed stage (never half a stage). Calls
 *    made while a run goes on may see different stages; read sweep_stage()
 *    before and after reading a chart's points and read again when it
 *    changed.
 *  - Cancel: sweep_run polls *cancel (may be NULL) between trials; once it
 *    is true every thread stops within one trial, the unfinished stage is
 *    dropped, and sweep_run returns SWEEP_CANCELLED. The results stay those
 *    of the last completed stage, and a later sweep_run continues from
 *    there with the same outcome as if never cancelled.
 *  - progress(ctx, done, total) is called from the worker threads, one
 *    call at a time, after every block of trials: done and total count the
 *    trials of this sweep_run (total assumes no early stop; the last call
 *    has done == total). It must return quickly; it may call the readers,
 *    not sweep_run or sweep_free.
 * Nothing here prints or does I/O.
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SWEEP_POINTS_MAX  100000u
#define SWEEP_SIZES_MAX   16u /* fragment sizes in one sweep */
#define SWEEP_DRS_MAX     16u /* data rates in one sweep */
#define SWEEP_TRIALS_MAX  100000000ull
#define SWEEP_DEVICES_MAX 1000000000ull
#define SWEEP_THREADS_MAX 256u
/* The image of one TS004 session at most: 16383 fragments of 255 bytes. */
#define SWEEP_IMAGE_MAX (16383ull * 255u)
/* Received overheads 0..SWEEP_OVERHEAD_BINS-2 are counted one by one, the
 * rest in the last bin. */
#define SWEEP_OVERHEAD_BINS 16u
/* Stream purpose of each trial's shared-loss pattern (sim/loss.h). */
#define SWEEP_STREAM_SESSION 0x73657373696f6e00ull
/* Two-sided 95 % normal quantile for the Wilson interval. */
#define SWEEP_Z95 1.959963984540054

#define SWEEP_STATUSES(X)                                                      \
    X(SWEEP_OK, "ok")                                                          \
    X(SWEEP_ERR_PARAM, "invalid parameter")                                    \
    X(SWEEP_ERR_NO_MEMORY, "out of memory")                                    \
    X(SWEEP_ERR_THREAD, "could not start a thread")                            \
    X(SWEEP_ERR_BUSY, "a sweep_run is already running on this sweep")          \
    X(SWEEP_CANCELLED, "cancelled")

enum sweep_status {
#define X(id, msg) id,
    SWEEP_STATUSES(X)
#undef X
};
const char *sweep_status_message(enum sweep_status status);

/* FROM, FROM + STEP, ... up to TO (a level within 1e-9 of TO counts). */
struct sweep_range {
    double from, to, step;
};

/* What a target is about. */
enum sweep_target {
    SWEEP_TARGET_SHARE, /* the share of devices that complete: p */
    SWEEP_TARGET_FLEET  /* every one of `devices` completes: p^N */
};

struct sweep_params {
    uint64_t image_bytes; /* 1..SWEEP_IMAGE_MAX */
    const char *region;   /* AWS RfRegion, e.g. "EU868"; NULL = EU868 */
    /* 1..SWEEP_SIZES_MAX distinct sizes, 1..255 bytes; count 0 = one size:
     * the most the first data rate carries (N - 3). */
    const uint32_t *fragment_sizes;
    size_t fragment_size_count;
    /* Downlink data rates that carry fragments, distinct; count 0 = the
     * region's Class C default. At most SWEEP_DRS_MAX. */
    const int *drs;
    size_t dr_count;
    bool has_interval;   /* FragmentIntervalMS given; else back to back */
    int32_t interval_ms; /* >= 1 */
    struct sweep_range redundancy; /* whole percents, 0..100 */
    struct sweep_range loss;       /* percents, 0..100 */
    double burst;       /* mean burst length in fragments, 0 = i.i.d. */
    double spread;      /* per-device loss standard deviation, percent */
    double shared_loss; /* percent */
    uint32_t late_join; /* fragments 1..late_join missed by everyone */
    uint64_t devices;   /* N, fleet size for the fleet figures, >= 1 */
    double target;      /* percent 0..100 */
    enum sweep_target target_kind;
    uint64_t trials; /* per point, 1..SWEEP_TRIALS_MAX: sweep_run's default */
    uint64_t seed;
    unsigned threads; /* 1..SWEEP_THREADS_MAX; 0 = online cores */
    double width;     /* early stop: 95 % interval width in percentage
                       * points (0 = never stop early), 0..100 */
};

/* Defaults: EU868, its Class C data rate and largest fragment, back to
 * back, redundancy 0:100:5, loss 0:30:5, i.i.d., 1 device, target 99 %
 * share, 1000 trials, seed 1, threads = cores, no early stop. image_bytes
 * is left 0: set it. */
void sweep_params_init(struct sweep_params *p);

/*
 * Checks every parameter without allocating. On error returns
 * SWEEP_ERR_PARAM, sets *param (may be NULL) to the name of the parameter
 * as the command line spells it without dashes ("redundancy", "loss",
 * "fragment-size", "dr", "region", "image-size", "interval", "burst",
 * "spread", "shared-loss", "late-join", "devices", "target", "trials",
 * "threads", "width", or "grid" for too many points) and writes a sentence
 * naming the value and the rule into msg (may be NULL).
 */
enum sweep_status sweep_check(const struct sweep_params *p, const char **param,
                              char *msg, size_t size)
    __attribute__((warn_unused_result));

struct sweep; /* opaque */

/*
 * Checks the params (as sweep_check, same messages) and builds the grid,
 * the airtime and wall time of every point and the parity rows of every
 * fragment size. No trial is run yet. On SWEEP_OK *out owns a new sweep
 * (sweep_free); otherwise *out = NULL and msg/param say why
 * (SWEEP_ERR_PARAM) or SWEEP_ERR_NO_MEMORY.
 */
enum sweep_status sweep_new(const struct sweep_params *p, struct sweep **out,
                            const char **param, char *msg, size_t size)
    __attribute__((warn_unused_result));
/* Accepts NULL. */
void sweep_free(struct sweep *sw);

/* The params as given to sweep_new (arrays and region point into the
 * sweep's own copies). */
const struct sweep_params *sweep_params(const struct sweep *sw);

struct sweep_control {
    const atomic_bool *cancel; /* NULL = never */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *progress_ctx;
};

/*
 * Brings every row to `trials` trials a point (0 = params.trials; at most
 * SWEEP_TRIALS_MAX), or to its early stop. Rows already there are left
 * alone (asking for fewer trials than done changes nothing). ctl may be
 * NULL. Returns SWEEP_OK, SWEEP_CANCELLED, SWEEP_ERR_BUSY, SWEEP_ERR_PARAM
 * (too many trials), SWEEP_ERR_NO_MEMORY or SWEEP_ERR_THREAD (the results
 * then stay those of the last completed stage).
 */
enum sweep_status sweep_run(struct sweep *sw, uint64_t trials,
                            const struct sweep_control *ctl)
    __attribute__((warn_unused_result));

/* The axes; the arrays live as long as the sweep. */
struct sweep_axes {
    size_t sizes, drs, losses, redundancies;
    const uint32_t *fragment_size; /* bytes */
    const int *dr;                 /* data rate numbers (resolved) */
    const double *loss;            /* percent */
    const int *redundancy;         /* percent */
    const uint32_t *m;             /* M per fragment size */
    size_t points;                 /* the product */
};
void sweep_axes(const struct sweep *sw, struct sweep_axes *out);

/* The point number of (size, dr, loss, redundancy) indexes. */
size_t sweep_index(const struct sweep *sw, size_t size_i, size_t dr_i,
                   size_t loss_i, size_t red_i);

struct sweep_point {
    size_t index;
    uint32_t fragment_size;
    int dr;
    double loss;            /* percent */
    int redundancy_percent; /* percent */
    uint32_t m, r;          /* uncoded and redundancy fragments */
    /* M + R <= 16383: the session exists (else nothing below is set). */
    bool feasible;
    /* feasible, and the fragment fits the data rate (N - 3): the session
     * can be sent. Recommendations only pick sendable points. */
    bool sendable;
    uint64_t trials;
    uint64_t successes;
    double p, p_lo, p_hi; /* success probability and 95 % Wilson interval */
    /* Mean fragments beyond M received / sent (fragment n - M) by the
     * devices that complete at this point; 0 when none does. */
    double extra_received, extra_sent;
    double share;                     /* expected share of N that complete: p */
    double p_all, p_all_lo, p_all_hi; /* P(all N complete): p^N, interval */
    double airtime_s;   /* (M + R) x time on air; 0 when not sendable */
    double wall_time_s; /* (M + R) x slot (core/plan) */
};

/* Fills *out for point `index` (< axes.points); false when out of range. */
bool sweep_point(const struct sweep *sw, size_t index, struct sweep_point *out);

/* Trials done in the row with the fewest (what every point has at least). */
uint64_t sweep_trials(const struct sweep *sw);

/* Stages completed so far (0 before the first): changes whenever the
 * results do. */
uint64_t sweep_stage(const struct sweep *sw);

/* The value a target is about at a point (p or p_all) and its interval. */
void sweep_target_value(const struct sweep *sw, const struct sweep_point *pt,
                        double *value, double *lo, double *hi);

struct sweep_recommendation {
    bool found; /* a sendable point reaches the target (estimate) */
    struct sweep_point point; /* the recommended point when found */
    double value, lo, hi;     /* its target value (p or p_all), interval */
    /* Its lower 95 % bound reaches the target too. When not, the smallest
     * redundancy of the row whose lower bound does (-1: none in the grid:
     * more trials or more redundancy). */
    bool confirmed;
    int confirmed_redundancy;
};

/*
 * The smallest redundancy at (size, dr, loss) whose estimate reaches the
 * target (params.target, params.target_kind). false when an index is out
 * of range; out->found = false when no sendable point of the row reaches
 * it.
 */
bool sweep_recommend_redundancy(const struct sweep *sw, size_t size_i,
                                size_t dr_i, size_t loss_i,
                                struct sweep_recommendation *out);

/*
 * At data rate dr_i and loss loss_i, over the fragment sizes: each size's
 * recommended redundancy, and of those the one with the shortest session
 * wall time (ties: less airtime, then the smaller fragment). false when an
 * index is out of range; out->found = false when no size reaches the
 * target.
 */
bool sweep_recommend_fragment_size(const struct sweep *sw, size_t dr_i,
                                   size_t loss_i,
                                   struct sweep_recommendation *out);

/* What a device needs beyond M, over the trials of row (size, loss)
 * (TS004's figures: about 29 % complete with exactly M, M + 1.6 on
 * average, 99 % within M + 7). */
struct sweep_overhead {
    uint64_t trials;
    uint64_t completed; /* within M + Rmax */
    /* bins[k]: devices that completed with M + k fragments received
     * (k < SWEEP_OVERHEAD_BINS - 1), last bin: M + k or more */
    uint64_t bins[SWEEP_OVERHEAD_BINS];
    double mean; /* mean fragments received beyond M (completed devices) */
};
bool sweep_overhead(const struct sweep *sw, size_t size_i, size_t loss_i,
                    struct sweep_overhead *out);

/* Wilson score interval of k successes in n trials at z (n = 0: 0..1). */
void sweep_wilson(uint64_t k, uint64_t n, double z, double *lo, double *hi);

/*
 * The loss model of the sweep at one loss level, in words: "10 % i.i.d.
 * loss", "10 % loss in bursts of 4 fragments, spread 5 %, 1 % shared loss,
 * late join 3". Returns buf.
 */
const char *sweep_describe_model(const struct sweep_params *p, double loss,
                                 char *buf, size_t size);

#endif
