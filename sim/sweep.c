#include "sim/sweep.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag.h"
#include "core/fec.h"
#include "core/plan.h"
#include "core/region.h"
#include "core/task.h"
#include "sim/fleet.h"
#include "sim/loss.h"

/* Trials a thread takes at a time: small enough to balance the rows (a
 * 30 % row costs many times a 0 % one), large enough to keep the shared
 * counters quiet. */
#define BLOCK 16u
/* Early-stop checkpoints: the first, and the least step between two. */
#define CHECK_FIRST 100u
/* A level within this of TO still counts (0.1 + 0.2 steps). */
#define LEVEL_EPSILON 1e-9
/* Probabilities compared with a target: counts are exact, the target is
 * a percentage in a double. */
#define TARGET_EPSILON 1e-12

static const char *const status_messages[] = {
#define X(id, msg) [id] = msg,
    SWEEP_STATUSES(X)
#undef X
};

const char *sweep_status_message(enum sweep_status status)
{
    if ((size_t)status >= sizeof(status_messages) / sizeof(*status_messages))
        return "unknown status";
    return status_messages[status];
}

/*
 * Per row (fragment size, loss) a block of counters, committed and
 * pending (the stage under way), laid out as:
 *   bins[nred + 1]   devices completing at fragment n with
 *                    R[j-1] < n - M <= R[j] (bin j), last: never
 *   sent[nred]       sum of n - M of those
 *   recv[nred]       sum of received - M of those
 *   ovh[OVERHEAD]    received - M histogram (last bin: that or more)
 */
struct layout {
    size_t bins, sent, recv, ovh, width;
};

struct row {
    uint64_t trials; /* committed */
    bool stopped;    /* early stop reached */
};

struct sweep {
    struct sweep_params params;
    char region[32];
    const struct region *reg;
    uint32_t sizes[SWEEP_SIZES_MAX];
    int drs[SWEEP_DRS_MAX];
    size_t nsize, ndr, nloss, nred;
    double *loss; /* percent, nloss */
    int *red;     /* percent, nred */
    uint32_t m[SWEEP_SIZES_MAX];
    uint32_t *r;                       /* R per (size, red) */
    size_t nfeasible[SWEEP_SIZES_MAX]; /* feasible redundancy levels */
    struct fec_matrix *matrix[SWEEP_SIZES_MAX];
    double *airtime_s; /* per (size, dr, red) */
    double *wall_s;
    bool *fits;
    struct layout lay;
    struct row *rows;  /* nsize * nloss */
    uint64_t *counts;  /* committed, rows * width */
    uint64_t *pending; /* stage under way, rows * width */
    uint64_t current;  /* trials of the rows still running */
    uint64_t stages;   /* committed */
    atomic_bool busy;
    pthread_mutex_t lock; /* counts and rows, for the readers */
};

/* A parameter problem: names it and says why. */
static enum sweep_status bad(const char **param, const char *name, char *msg,
                             size_t size, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static enum sweep_status bad(const char **param, const char *name, char *msg,
                             size_t size, const char *fmt, ...)
{
    if (param)
        *param = name;
    if (msg && size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, size, fmt, ap);
        va_end(ap);
    }
    return SWEEP_ERR_PARAM;
}

void sweep_params_init(struct sweep_params *p)
{
    memset(p, 0, sizeof(*p));
    p->redundancy = (struct sweep_range){ 0, 100, 5 };
    p->loss = (struct sweep_range){ 0, 30, 5 };
    p->devices = 1;
    p->target = 99;
    p->target_kind = SWEEP_TARGET_SHARE;
    p->trials = 1000;
    p->seed = 1;
}

/* ---------------------------------------------------------------------- */
/* Checking */

static bool whole(double v)
{
    return floor(v) == v;
}

/* Levels in a checked range (a double: a tiny step gives a huge count). */
static double range_levels(const struct sweep_range *r)
{
    return floor((r->to - r->from) / r->step + LEVEL_EPSILON) + 1.0;
}

static double range_level(const struct sweep_range *r, size_t i)
{
    double v = r->from + (double)i * r->step;
    /* 0.1 * 3 is 0.30000000000000004: keep levels as they are written. */
    v = round(v * 1e9) / 1e9;
    return v > r->to ? r->to : v;
}

static enum sweep_status check_range(const struct sweep_range *r,
                                     const char *name, bool whole_only,
                                     const char **param, char *msg, size_t size)
{
    static const char *const part[] = { "FROM", "TO", "STEP" };
    double v[3] = { r->from, r->to, r->step };
    for (int i = 0; i < 3; i++) {
        if (!isfinite(v[i]))
            return bad(param, name, msg, size, "%s is not a number", part[i]);
        if (whole_only && !whole(v[i]))
            return bad(param, name, msg, size,
                       "%s %g is not a whole percent (RedundancyPercent is "
                       "an integer)",
                       part[i], v[i]);
    }
    for (int i = 0; i < 2; i++)
        if (v[i] < 0.0 || v[i] > 100.0)
            return bad(param, name, msg, size, "%s %g %% is outside 0..100 %%",
                       part[i], v[i]);
    if (r->from > r->to)
        return bad(param, name, msg, size,
                   "FROM %g is above TO %g: give the range as FROM:TO:STEP "
                   "with FROM <= TO",
                   r->from, r->to);
    if (!(r->step > 0.0))
        return bad(param, name, msg, size,
                   "STEP %g must be above 0 (a single level is FROM:FROM:1)",
                   r->step);
    if (r->step > 100.0)
        return bad(param, name, msg, size, "STEP %g %% is above 100 %%",
                   r->step);
    return SWEEP_OK;
}

static enum sweep_status check_scalars(const struct sweep_params *p,
                                       const char **param, char *msg,
                                       size_t size)
{
    if (p->image_bytes < 1 || p->image_bytes > SWEEP_IMAGE_MAX)
        return bad(param, "image-size", msg, size,
                   "%llu bytes is outside 1..%llu (16383 fragments of 255 "
                   "bytes, the most one TS004 session carries)",
                   (unsigned long long)p->image_bytes,
                   (unsigned long long)SWEEP_IMAGE_MAX);
    if (p->has_interval && p->interval_ms < 1)
        return bad(param, "interval", msg, size,
                   "%ld ms is below the minimum 1 ms (FragmentIntervalMS)",
                   (long)p->interval_ms);
    if (p->devices < 1 || p->devices > SWEEP_DEVICES_MAX)
        return bad(param, "devices", msg, size, "%llu is outside 1..%llu",
                   (unsigned long long)p->devices,
                   (unsigned long long)SWEEP_DEVICES_MAX);
    if (!(p->target >= 0.0 && p->target <= 100.0))
        return bad(param, "target", msg, size, "%g %% is outside 0..100 %%",
                   p->target);
    if (p->target_kind != SWEEP_TARGET_SHARE &&
        p->target_kind != SWEEP_TARGET_FLEET)
        return bad(param, "target", msg, size, "unknown target kind");
    if (p->trials < 1 || p->trials > SWEEP_TRIALS_MAX)
        return bad(param, "trials", msg, size, "%llu is outside 1..%llu",
                   (unsigned long long)p->trials,
                   (unsigned long long)SWEEP_TRIALS_MAX);
    if (p->threads > SWEEP_THREADS_MAX)
        return bad(param, "threads", msg, size, "%u is outside 1..%u",
                   p->threads, SWEEP_THREADS_MAX);
    if (!(p->width >= 0.0 && p->width <= 100.0))
        return bad(param, "width", msg, size,
                   "%g percentage points is outside 0..100", p->width);
    return SWEEP_OK;
}

/* The region and the data rates, resolved into r and drs[]. */
static enum sweep_status check_radio(const struct sweep_params *p,
                                     const struct region **reg, int *drs,
                                     size_t *ndr, const char **param, char *msg,
                                     size_t size)
{
    const char *name = p->region ? p->region : "EU868";
    *reg = region_find(name);
    if (!*reg)
        return bad(param, "region", msg, size,
                   "'%s' is not an RfRegion (EU868, US915, AU915, AS923-1, "
                   "AS923-2, AS923-3, AS923-4, EU433, CN470, CN779, RU864, "
                   "KR920, IN865)",
                   name);
    if (p->dr_count > SWEEP_DRS_MAX || (p->dr_count && !p->drs))
        return bad(param, "dr", msg, size, "at most %u data rates",
                   SWEEP_DRS_MAX);
    *ndr = p->dr_count ? p->dr_count : 1;
    for (size_t i = 0; i < *ndr; i++) {
        const struct region_dr *d =
            p->dr_count ? region_dr(*reg, p->drs[i]) : region_default_dr(*reg);
        if (!region_dr_carries_fragments(d))
            return bad(param, "dr", msg, size,
                       "%s has no downlink data rate DR%d that carries "
                       "fragments",
                       (*reg)->name, p->dr_count ? p->drs[i] : -1);
        drs[i] = d->dr;
        for (size_t k = 0; k < i; k++)
            if (drs[k] == drs[i])
                return bad(param, "dr", msg, size, "DR%d is given twice",
                           drs[i]);
    }
    return SWEEP_OK;
}

static enum sweep_status check_sizes(const struct sweep_params *p,
                                     const struct region *reg, const int *drs,
                                     uint32_t *sizes, size_t *nsize,
                                     const char **param, char *msg, size_t size)
{
    if (p->fragment_size_count > SWEEP_SIZES_MAX ||
        (p->fragment_size_count && !p->fragment_sizes))
        return bad(param, "fragment-size", msg, size,
                   "at most %u fragment sizes", SWEEP_SIZES_MAX);
    *nsize = p->fragment_size_count ? p->fragment_size_count : 1;
    for (size_t i = 0; i < *nsize; i++) {
        uint32_t s = (uint32_t)region_dr(reg, drs[0])->max_fragment_bytes;
        if (s > FEC_FRAG_SIZE_MAX)
            s = FEC_FRAG_SIZE_MAX;
        if (p->fragment_size_count)
            s = p->fragment_sizes[i];
        if (s < 1 || s > FEC_FRAG_SIZE_MAX)
            return bad(param, "fragment-size", msg, size,
                       "%u bytes is outside 1..255 (TS004 FragSize)",
                       (unsigned)s);
        sizes[i] = s;
        for (size_t k = 0; k < i; k++)
            if (sizes[k] == s)
                return bad(param, "fragment-size", msg, size,
                           "%u bytes is given twice", (unsigned)s);
    }
    return SWEEP_OK;
}

/* Every loss level with the other loss parameters, as sim/loss checks a
 * fleet's. */
static enum sweep_status check_loss(const struct sweep_params *p, size_t nloss,
                                    const char **param, char *msg, size_t size)
{
    struct loss_config cfg;
    loss_config_init(&cfg);
    cfg.burst = p->burst;
    cfg.spread = p->spread / 100.0;
    cfg.shared_loss = p->shared_loss / 100.0;
    cfg.late_join = p->late_join;
    char lmsg[320];
    for (size_t i = 0; i < nloss; i++) {
        cfg.loss = range_level(&p->loss, i) / 100.0;
        enum loss_status ls = loss_config_check(&cfg, lmsg, sizeof(lmsg));
        if (ls != LOSS_OK)
            return bad(param, loss_status_param(ls), msg, size, "%s", lmsg);
    }
    return SWEEP_OK;
}

/* The largest R of the range for M uncoded fragments, and whether the
 * lowest redundancy fits a session at all. */
static enum sweep_status check_fit(const struct sweep_params *p,
                                   const uint32_t *sizes, size_t nsize,
                                   const char **param, char *msg, size_t size)
{
    for (size_t i = 0; i < nsize; i++) {
        uint64_t m = fec_uncoded_fragments(p->image_bytes, sizes[i]);
        uint32_t low = (uint32_t)p->redundancy.from;
        uint64_t total = m + fec_redundancy_ceil(m, low);
        if (total > FEC_FRAGMENTS_MAX)
            return bad(param, "fragment-size", msg, size,
                       "%u-byte fragments cut the %llu-byte image into "
                       "M = %llu; with %u %% redundancy (the least asked) "
                       "that is %llu fragments, more than the 16383 a TS004 "
                       "session carries",
                       (unsigned)sizes[i], (unsigned long long)p->image_bytes,
                       (unsigned long long)m, (unsigned)low,
                       (unsigned long long)total);
    }
    return SWEEP_OK;
}

/* Whether some fragment size fits some data rate (N - 3 bytes). */
static enum sweep_status check_carry(const struct region *reg, const int *drs,
                                     size_t ndr, const uint32_t *sizes,
                                     size_t nsize, const char **param,
                                     char *msg, size_t size)
{
    int most = 0;
    for (size_t d = 0; d < ndr; d++) {
        int cap = region_dr(reg, drs[d])->max_fragment_bytes;
        if (cap > most)
            most = cap;
        for (size_t i = 0; i < nsize; i++)
            if (sizes[i] <= (uint32_t)cap)
                return SWEEP_OK;
    }
    return bad(param, "fragment-size", msg, size,
               "no fragment size fits a data rate asked: %s carries at most "
               "%d fragment bytes there",
               reg->name, most);
}

/* Everything sweep_new needs resolved; shared by sweep_check. */
struct resolved {
    const struct region *reg;
    int drs[SWEEP_DRS_MAX];
    uint32_t sizes[SWEEP_SIZES_MAX];
    size_t ndr, nsize, nloss, nred;
};

static enum sweep_status resolve(const struct sweep_params *p,
                                 struct resolved *rv, const char **param,
                                 char *msg, size_t size)
{
    if (param)
        *param = "";
    if (msg && size)
        msg[0] = '\0';
    memset(rv, 0, sizeof(*rv));
    enum sweep_status st = check_scalars(p, param, msg, size);
    if (st == SWEEP_OK)
        st = check_range(&p->redundancy, "redundancy", true, param, msg, size);
    if (st == SWEEP_OK)
        st = check_range(&p->loss, "loss", false, param, msg, size);
    if (st == SWEEP_OK)
        st = check_radio(p, &rv->reg, rv->drs, &rv->ndr, param, msg, size);
    if (st == SWEEP_OK)
        st = check_sizes(p, rv->reg, rv->drs, rv->sizes, &rv->nsize, param, msg,
                         size);
    if (st != SWEEP_OK)
        return st;
    double nloss = range_levels(&p->loss), nred = range_levels(&p->redundancy);
    if (nloss > SWEEP_POINTS_MAX)
        return bad(param, "loss", msg, size,
                   "STEP %g gives more than %u levels from %g to %g",
                   p->loss.step, SWEEP_POINTS_MAX, p->loss.from, p->loss.to);
    double points = (double)rv->nsize * (double)rv->ndr * nloss * nred;
    if (!(points <= SWEEP_POINTS_MAX))
        return bad(param, "grid", msg, size,
                   "%zu fragment size%s x %zu data rate%s x %.0f loss "
                   "level%s x %.0f redundancy level%s = %.0f points, more "
                   "than %u: use a larger step",
                   rv->nsize, rv->nsize == 1 ? "" : "s", rv->ndr,
                   rv->ndr == 1 ? "" : "s", nloss, nloss == 1 ? "" : "s", nred,
                   nred == 1 ? "" : "s", points, SWEEP_POINTS_MAX);
    rv->nloss = (size_t)nloss;
    rv->nred = (size_t)nred;
    st = check_loss(p, rv->nloss, param, msg, size);
    if (st == SWEEP_OK)
        st = check_fit(p, rv->sizes, rv->nsize, param, msg, size);
    if (st == SWEEP_OK)
        st = check_carry(rv->reg, rv->drs, rv->ndr, rv->sizes, rv->nsize, param,
                         msg, size);
    return st;
}

enum sweep_status sweep_check(const struct sweep_params *p, const char **param,
                              char *msg, size_t size)
{
    struct resolved rv;
    return resolve(p, &rv, param, msg, size);
}

/* ---------------------------------------------------------------------- */
/* Building */

void sweep_free(struct sweep *sw)
{
    if (!sw)
        return;
    for (size_t i = 0; i < SWEEP_SIZES_MAX; i++)
        fec_matrix_free(sw->matrix[i]);
    free(sw->loss);
    free(sw->red);
    free(sw->r);
    free(sw->airtime_s);
    free(sw->wall_s);
    free(sw->fits);
    free(sw->rows);
    free(sw->counts);
    free(sw->pending);
    pthread_mutex_destroy(&sw->lock);
    free(sw);
}

/* Airtime and wall time of every (size, dr, redundancy) from core/plan. */
static bool plan_points(struct sweep *sw)
{
    struct fuota_task task;
    task_init(&task);
    task.has_lorawan = true;
    task.rf_region = sw->region;
    task.has_fragment_size_bytes = true;
    task.has_redundancy_percent = true;
    task.has_fragment_interval_ms = sw->params.has_interval;
    task.fragment_interval_ms = sw->params.interval_ms;
    struct diag_list diags;
    diag_list_init(&diags);
    bool ok = true;
    for (size_t s = 0; s < sw->nsize; s++)
        for (size_t d = 0; d < sw->ndr; d++)
            for (size_t j = 0; j < sw->nred; j++) {
                size_t at = (s * sw->ndr + d) * sw->nred + j;
                task.fragment_size_bytes = (int32_t)sw->sizes[s];
                task.redundancy_percent = sw->red[j];
                struct plan_input in = {
                    .task = &task,
                    .image_bytes = sw->params.image_bytes,
                    .dr = sw->drs[d],
                };
                struct plan pl;
                diag_list_clear(&diags);
                if (plan_compute(&in, &pl, &diags) != PLAN_OK) {
                    ok = false;
                    continue;
                }
                bool feasible = j < sw->nfeasible[s];
                sw->fits[at] = feasible && pl.airtime_known &&
                               sw->sizes[s] <= (uint32_t)pl.max_fragment_bytes;
                if (!feasible)
                    continue;
                sw->airtime_s[at] = (double)pl.total_time_on_air_us / 1e6;
                sw->wall_s[at] = pl.session_wall_time_s;
            }
    diag_list_cleanup(&diags);
    /* The region string is the sweep's own, not the task's to free. */
    task.rf_region = NULL;
    task_cleanup(&task);
    return ok;
}

static bool build_levels(struct sweep *sw)
{
    sw->loss = calloc(sw->nloss, sizeof(*sw->loss));
    sw->red = calloc(sw->nred, sizeof(*sw->red));
    sw->r = calloc(sw->nsize * sw->nred, sizeof(*sw->r));
    if (!sw->loss || !sw->red || !sw->r)
        return false;
    for (size_t i = 0; i < sw->nloss; i++)
        sw->loss[i] = range_level(&sw->params.loss, i);
    for (size_t j = 0; j < sw->nred; j++)
        sw->red[j] = (int)range_level(&sw->params.redundancy, j);
    for (size_t s = 0; s < sw->nsize; s++) {
        sw->m[s] = (uint32_t)fec_uncoded_fragments(sw->params.image_bytes,
                                                   sw->sizes[s]);
        for (size_t j = 0; j < sw->nred; j++) {
            uint64_t r = fec_redundancy_ceil(sw->m[s], (uint32_t)sw->red[j]);
            sw->r[s * sw->nred + j] = (uint32_t)r;
            if (sw->m[s] + r <= FEC_FRAGMENTS_MAX)
                sw->nfeasible[s] = j + 1;
        }
    }
    return true;
}

enum sweep_status sweep_new(const struct sweep_params *p, struct sweep **out,
                            const char **param, char *msg, size_t size)
{
    *out = NULL;
    struct resolved rv;
    enum sweep_status st = resolve(p, &rv, param, msg, size);
    if (st != SWEEP_OK)
        return st;
    struct sweep *sw = calloc(1, sizeof(*sw));
    if (!sw) {
        if (msg && size)
            snprintf(msg, size, "out of memory");
        return SWEEP_ERR_NO_MEMORY;
    }
    pthread_mutex_init(&sw->lock, NULL);
    atomic_init(&sw->busy, false);
    sw->params = *p;
    snprintf(sw->region, sizeof(sw->region), "%s", rv.reg->name);
    sw->reg = rv.reg;
    sw->params.region = sw->region;
    memcpy(sw->sizes, rv.sizes, sizeof(sw->sizes));
    memcpy(sw->drs, rv.drs, sizeof(sw->drs));
    sw->nsize = rv.nsize;
    sw->ndr = rv.ndr;
    sw->nloss = rv.nloss;
    sw->nred = rv.nred;
    sw->params.fragment_sizes = sw->sizes;
    sw->params.fragment_size_count = sw->nsize;
    sw->params.drs = sw->drs;
    sw->params.dr_count = sw->ndr;
    if (sw->params.threads == 0)
        sw->params.threads = fleet_default_threads();

    struct layout *l = &sw->lay;
    l->bins = 0;
    l->sent = sw->nred + 1;
    l->recv = l->sent + sw->nred;
    l->ovh = l->recv + sw->nred;
    l->width = l->ovh + SWEEP_OVERHEAD_BINS;
    size_t nrows = sw->nsize * sw->nloss;
    size_t cells = sw->nsize * sw->ndr * sw->nred;
    st = SWEEP_ERR_NO_MEMORY;
    if (!build_levels(sw))
        goto fail;
    sw->airtime_s = calloc(cells, sizeof(*sw->airtime_s));
    sw->wall_s = calloc(cells, sizeof(*sw->wall_s));
    sw->fits = calloc(cells, sizeof(*sw->fits));
    sw->rows = calloc(nrows, sizeof(*sw->rows));
    sw->counts = calloc(nrows * l->width, sizeof(*sw->counts));
    sw->pending = calloc(nrows * l->width, sizeof(*sw->pending));
    if (!sw->airtime_s || !sw->wall_s || !sw->fits || !sw->rows ||
        !sw->counts || !sw->pending)
        goto fail;
    for (size_t s = 0; s < sw->nsize; s++) {
        uint32_t rmax = sw->r[s * sw->nred + sw->nfeasible[s] - 1];
        enum fec_status fs =
            fec_matrix_new(sw->m[s], rmax, FEC_CODEC_V1, &sw->matrix[s]);
        if (fs != FEC_OK)
            goto fail;
    }
    if (!plan_points(sw)) {
        st = bad(param, "region", msg, size,
                 "core/plan cannot plan this session");
        goto fail;
    }
    *out = sw;
    return SWEEP_OK;
fail:
    if (st == SWEEP_ERR_NO_MEMORY && msg && size)
        snprintf(msg, size, "out of memory");
    sweep_free(sw);
    return st;
}

const struct sweep_params *sweep_params(const struct sweep *sw)
{
    return &sw->params;
}

/* ---------------------------------------------------------------------- */
/* Running */

/* The checkpoint after `cur`: 100, then steps of max(100, c / 4). */
static uint64_t next_checkpoint(uint64_t cur)
{
    uint64_t c = CHECK_FIRST;
    while (c <= cur) {
        uint64_t step = c / 4;
        c += step > CHECK_FIRST ? step : CHECK_FIRST;
    }
    return c;
}

struct stage {
    struct sweep *sw;
    const struct sweep_control *ctl;
    size_t *active; /* row numbers */
    size_t nactive;
    uint64_t from, to; /* trials [from, to) of every active row */
    size_t units;
    atomic_size_t next_unit;
    atomic_int failed;    /* a sweep_status other than OK */
    pthread_mutex_t lock; /* pending counts and progress */
    uint64_t *done;
    uint64_t total;
};

struct worker {
    struct stage *stage;
    pthread_t thread;
    bool started;
    struct fec_decoder *dec[SWEEP_SIZES_MAX];
    uint64_t *acc; /* one row's counters */
    struct loss_shared shared;
};

static bool cancelled(const struct sweep_control *ctl)
{
    return ctl && ctl->cancel &&
           atomic_load_explicit(ctl->cancel, memory_order_relaxed);
}

/* Bin of a completion n - M = k: the first redundancy level with R >= k. */
static size_t bin_of(const uint32_t *r, size_t nfeasible, uint32_t k)
{
    size_t lo = 0, hi = nfeasible;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r[mid] >= k)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/*
 * Plays trial t of row (s, loss level) and counts it into acc. Returns
 * false on a host failure (the decoder could not grow).
 */
static bool trial(struct sweep *sw, struct worker *w, size_t s,
                  const struct loss_config *cfg, uint64_t t, uint64_t *acc)
{
    const struct layout *l = &sw->lay;
    const uint32_t *r = sw->r + s * sw->nred;
    uint32_t m = sw->m[s];
    uint32_t total = m + r[sw->nfeasible[s] - 1];
    const struct loss_shared *shared = NULL;
    if (cfg->shared_loss > 0.0) {
        loss_shared_build(&w->shared, cfg,
                          loss_hash(sw->params.seed, SWEEP_STREAM_SESSION, t),
                          total);
        shared = &w->shared;
    }
    struct loss_device ld;
    loss_device_init(&ld, cfg, sw->params.seed, t, -1.0);
    struct fec_decoder *dec = w->dec[s];
    fec_decoder_reset(dec);
    for (uint32_t n = 1; n <= total; n++) {
        if (loss_device_next(&ld, shared, n))
            continue;
        enum fec_push res = fec_decoder_push(dec, n, NULL);
        if (res == FEC_PUSH_COMPLETED) {
            struct fec_progress pr;
            fec_decoder_progress(dec, &pr);
            uint32_t k = n - m;
            uint32_t extra = pr.received - m;
            size_t j = bin_of(r, sw->nfeasible[s], k);
            acc[l->bins + j]++;
            acc[l->sent + j] += k;
            acc[l->recv + j] += extra;
            acc[l->ovh + (extra < SWEEP_OVERHEAD_BINS - 1
                              ? extra
                              : SWEEP_OVERHEAD_BINS - 1)]++;
            return true;
        }
        if (res == FEC_PUSH_FAILED_HOST || res == FEC_PUSH_FAILED_MEMORY ||
            res == FEC_PUSH_FAILED_LOST)
            return false;
    }
    acc[l->bins + sw->nred]++;
    return true;
}

static enum sweep_status worker_decoder(struct worker *w, size_t s)
{
    if (w->dec[s])
        return SWEEP_OK;
    struct sweep *sw = w->stage->sw;
    struct fec_decoder_opts o = {
        .matrix = sw->matrix[s],
        .mode = FEC_MODE_RANK,
        .frag_size = sw->sizes[s],
        .padding = (uint32_t)((uint64_t)sw->m[s] * sw->sizes[s] -
                              sw->params.image_bytes),
    };
    enum fec_status fs = fec_decoder_new(&o, &w->dec[s]);
    if (fs == FEC_OK)
        return SWEEP_OK;
    return fs == FEC_ERR_NOMEM ? SWEEP_ERR_NO_MEMORY : SWEEP_ERR_PARAM;
}

/* One unit: a block of trials of one row. */
static enum sweep_status unit(struct worker *w, size_t u)
{
    struct stage *st = w->stage;
    struct sweep *sw = st->sw;
    size_t row = st->active[u % st->nactive];
    uint64_t first = st->from + (uint64_t)(u / st->nactive) * BLOCK;
    uint64_t last = first + BLOCK < st->to ? first + BLOCK : st->to;
    size_t s = row / sw->nloss;
    enum sweep_status status = worker_decoder(w, s);
    if (status != SWEEP_OK)
        return status;
    struct loss_config cfg;
    loss_config_init(&cfg);
    cfg.loss = sw->loss[row % sw->nloss] / 100.0;
    cfg.burst = sw->params.burst;
    cfg.spread = sw->params.spread / 100.0;
    cfg.shared_loss = sw->params.shared_loss / 100.0;
    cfg.late_join = sw->params.late_join;
    memset(w->acc, 0, sw->lay.width * sizeof(*w->acc));
    for (uint64_t t = first; t < last; t++) {
        if (cancelled(st->ctl))
            return SWEEP_CANCELLED;
        if (!trial(sw, w, s, &cfg, t, w->acc))
            return SWEEP_ERR_NO_MEMORY;
    }
    pthread_mutex_lock(&st->lock);
    uint64_t *pend = sw->pending + row * sw->lay.width;
    for (size_t i = 0; i < sw->lay.width; i++)
        pend[i] += w->acc[i];
    *st->done += last - first;
    if (st->ctl && st->ctl->progress)
        st->ctl->progress(st->ctl->progress_ctx, *st->done, st->total);
    pthread_mutex_unlock(&st->lock);
    return SWEEP_OK;
}

static void *work(void *arg)
{
    struct worker *w = arg;
    struct stage *st = w->stage;
    while (atomic_load(&st->failed) == SWEEP_OK) {
        size_t u = atomic_fetch_add(&st->next_unit, 1);
        if (u >= st->units)
            break;
        enum sweep_status status = unit(w, u);
        if (status != SWEEP_OK) {
            int expected = SWEEP_OK;
            atomic_compare_exchange_strong(&st->failed, &expected, (int)status);
        }
    }
    return NULL;
}

/* Runs the stage on `nworkers` workers, workers[0] in this thread. */
static enum sweep_status run_stage(struct stage *st, struct worker *workers,
                                   unsigned nworkers)
{
    size_t blocks = (size_t)((st->to - st->from + BLOCK - 1) / BLOCK);
    st->units = blocks * st->nactive;
    atomic_store(&st->next_unit, 0);
    atomic_store(&st->failed, SWEEP_OK);
    if (nworkers > st->units)
        nworkers = (unsigned)st->units;
    for (unsigned i = 1; i < nworkers; i++) {
        workers[i].started =
            pthread_create(&workers[i].thread, NULL, work, &workers[i]) == 0;
        if (!workers[i].started) {
            int expected = SWEEP_OK;
            atomic_compare_exchange_strong(&st->failed, &expected,
                                           SWEEP_ERR_THREAD);
            break;
        }
    }
    work(&workers[0]);
    for (unsigned i = 1; i < nworkers; i++)
        if (workers[i].started) {
            pthread_join(workers[i].thread, NULL);
            workers[i].started = false;
        }
    return (enum sweep_status)atomic_load(&st->failed);
}

/* The widest 95 % interval of a row's feasible points, in probability. */
static double row_width(const struct sweep *sw, size_t row)
{
    const uint64_t *c = sw->counts + row * sw->lay.width;
    size_t s = row / sw->nloss;
    uint64_t n = sw->rows[row].trials, k = 0;
    double widest = 0.0;
    for (size_t j = 0; j < sw->nfeasible[s]; j++) {
        k += c[sw->lay.bins + j];
        double lo, hi;
        sweep_wilson(k, n, SWEEP_Z95, &lo, &hi);
        if (hi - lo > widest)
            widest = hi - lo;
    }
    return widest;
}

/* Adds the stage's pending counts to the committed ones (or drops them). */
static void finish_stage(struct sweep *sw, const struct stage *st, bool keep)
{
    size_t width = sw->lay.width;
    pthread_mutex_lock(&sw->lock);
    for (size_t a = 0; a < st->nactive; a++) {
        size_t row = st->active[a];
        uint64_t *c = sw->counts + row * width;
        uint64_t *pend = sw->pending + row * width;
        for (size_t i = 0; keep && i < width; i++)
            c[i] += pend[i];
        memset(pend, 0, width * sizeof(*pend));
        if (keep)
            sw->rows[row].trials = st->to;
    }
    if (keep) {
        sw->current = st->to;
        sw->stages++;
    }
    pthread_mutex_unlock(&sw->lock);
}

static void free_workers(struct worker *workers, unsigned n)
{
    for (unsigned i = 0; workers && i < n; i++) {
        for (size_t s = 0; s < SWEEP_SIZES_MAX; s++)
            fec_decoder_free(workers[i].dec[s]);
        free(workers[i].acc);
    }
    free(workers);
}

static enum sweep_status run_locked(struct sweep *sw, uint64_t trials,
                                    const struct sweep_control *ctl)
{
    size_t nrows = sw->nsize * sw->nloss;
    unsigned nworkers = sw->params.threads;
    struct stage st = { .sw = sw, .ctl = ctl };
    uint64_t done = 0;
    st.done = &done;
    st.active = calloc(nrows, sizeof(*st.active));
    struct worker *workers = calloc(nworkers, sizeof(*workers));
    enum sweep_status status = SWEEP_ERR_NO_MEMORY;
    if (!st.active || !workers)
        goto out;
    for (unsigned i = 0; i < nworkers; i++) {
        workers[i].stage = &st;
        workers[i].acc = calloc(sw->lay.width, sizeof(*workers[i].acc));
        if (!workers[i].acc)
            goto out;
    }
    pthread_mutex_init(&st.lock, NULL);
    size_t running = 0;
    for (size_t row = 0; row < nrows; row++)
        running += !sw->rows[row].stopped;
    st.total = sw->current < trials ? (trials - sw->current) * running : 0;
    status = SWEEP_OK;
    while (status == SWEEP_OK && sw->current < trials) {
        st.nactive = 0;
        for (size_t row = 0; row < nrows; row++)
            if (!sw->rows[row].stopped)
                st.active[st.nactive++] = row;
        if (st.nactive == 0)
            break;
        uint64_t checkpoint = next_checkpoint(sw->current);
        st.from = sw->current;
        st.to = checkpoint < trials ? checkpoint : trials;
        status = run_stage(&st, workers, nworkers);
        if (status == SWEEP_OK && cancelled(ctl))
            status = SWEEP_CANCELLED;
        finish_stage(sw, &st, status == SWEEP_OK);
        if (status != SWEEP_OK || st.to != checkpoint ||
            !(sw->params.width > 0.0))
            continue;
        /* Only the runner writes `stopped`; readers take the lock. */
        pthread_mutex_lock(&sw->lock);
        for (size_t a = 0; a < st.nactive; a++)
            if (row_width(sw, st.active[a]) < sw->params.width / 100.0)
                sw->rows[st.active[a]].stopped = true;
        pthread_mutex_unlock(&sw->lock);
    }
    if (status == SWEEP_OK && ctl && ctl->progress && done != st.total)
        ctl->progress(ctl->progress_ctx, st.total, st.total);
    pthread_mutex_destroy(&st.lock);
out:
    free_workers(workers, nworkers);
    free(st.active);
    return status;
}

enum sweep_status sweep_run(struct sweep *sw, uint64_t trials,
                            const struct sweep_control *ctl)
{
    if (trials == 0)
        trials = sw->params.trials;
    if (trials > SWEEP_TRIALS_MAX)
        return SWEEP_ERR_PARAM;
    bool idle = false;
    if (!atomic_compare_exchange_strong(&sw->busy, &idle, true))
        return SWEEP_ERR_BUSY;
    enum sweep_status st = run_locked(sw, trials, ctl);
    atomic_store(&sw->busy, false);
    return st;
}

/* ---------------------------------------------------------------------- */
/* Reading */

void sweep_wilson(uint64_t k, uint64_t n, double z, double *lo, double *hi)
{
    if (n == 0) {
        *lo = 0.0;
        *hi = 1.0;
        return;
    }
    double nn = (double)n, ph = (double)k / nn, z2 = z * z;
    double denom = 1.0 + z2 / nn;
    double centre = (ph + z2 / (2.0 * nn)) / denom;
    double half = z * sqrt(ph * (1.0 - ph) / nn + z2 / (4.0 * nn * nn)) / denom;
    *lo = k == 0 ? 0.0 : fmax(0.0, centre - half);
    *hi = k >= n ? 1.0 : fmin(1.0, centre + half);
}

void sweep_axes(const struct sweep *sw, struct sweep_axes *out)
{
    out->sizes = sw->nsize;
    out->drs = sw->ndr;
    out->losses = sw->nloss;
    out->redundancies = sw->nred;
    out->fragment_size = sw->sizes;
    out->dr = sw->drs;
    out->loss = sw->loss;
    out->redundancy = sw->red;
    out->m = sw->m;
    out->points = sw->nsize * sw->ndr * sw->nloss * sw->nred;
}

size_t sweep_index(const struct sweep *sw, size_t size_i, size_t dr_i,
                   size_t loss_i, size_t red_i)
{
    return ((size_i * sw->ndr + dr_i) * sw->nloss + loss_i) * sw->nred + red_i;
}

static void lock(const struct sweep *sw)
{
    pthread_mutex_lock((pthread_mutex_t *)&sw->lock);
}

static void unlock(const struct sweep *sw)
{
    pthread_mutex_unlock((pthread_mutex_t *)&sw->lock);
}

bool sweep_point(const struct sweep *sw, size_t index, struct sweep_point *out)
{
    memset(out, 0, sizeof(*out));
    size_t points = sw->nsize * sw->ndr * sw->nloss * sw->nred;
    if (index >= points)
        return false;
    size_t j = index % sw->nred;
    size_t li = index / sw->nred % sw->nloss;
    size_t d = index / (sw->nred * sw->nloss) % sw->ndr;
    size_t s = index / (sw->nred * sw->nloss * sw->ndr);
    size_t cell = (s * sw->ndr + d) * sw->nred + j;
    size_t row = s * sw->nloss + li;
    out->index = index;
    out->fragment_size = sw->sizes[s];
    out->dr = sw->drs[d];
    out->loss = sw->loss[li];
    out->redundancy_percent = sw->red[j];
    out->m = sw->m[s];
    out->r = sw->r[s * sw->nred + j];
    out->feasible = j < sw->nfeasible[s];
    out->sendable = sw->fits[cell];
    out->p_hi = out->p_all_hi = 1.0;
    if (!out->feasible)
        return true;
    out->airtime_s = out->sendable ? sw->airtime_s[cell] : 0.0;
    out->wall_time_s = sw->wall_s[cell];
    const struct layout *l = &sw->lay;
    uint64_t k = 0, sent = 0, recv = 0;
    lock(sw);
    const uint64_t *c = sw->counts + row * l->width;
    out->trials = sw->rows[row].trials;
    for (size_t i = 0; i <= j; i++) {
        k += c[l->bins + i];
        sent += c[l->sent + i];
        recv += c[l->recv + i];
    }
    unlock(sw);
    out->successes = k;
    if (out->trials)
        out->p = (double)k / (double)out->trials;
    sweep_wilson(k, out->trials, SWEEP_Z95, &out->p_lo, &out->p_hi);
    if (k) {
        out->extra_sent = (double)sent / (double)k;
        out->extra_received = (double)recv / (double)k;
    }
    double n = (double)sw->params.devices;
    out->share = out->p;
    out->p_all = pow(out->p, n);
    out->p_all_lo = pow(out->p_lo, n);
    out->p_all_hi = pow(out->p_hi, n);
    return true;
}

uint64_t sweep_trials(const struct sweep *sw)
{
    uint64_t least = UINT64_MAX;
    lock(sw);
    for (size_t row = 0; row < sw->nsize * sw->nloss; row++)
        if (sw->rows[row].trials < least)
            least = sw->rows[row].trials;
    unlock(sw);
    return least;
}

uint64_t sweep_stage(const struct sweep *sw)
{
    lock(sw);
    uint64_t n = sw->stages;
    unlock(sw);
    return n;
}

void sweep_target_value(const struct sweep *sw, const struct sweep_point *pt,
                        double *value, double *lo, double *hi)
{
    bool fleet = sw->params.target_kind == SWEEP_TARGET_FLEET;
    *value = fleet ? pt->p_all : pt->p;
    *lo = fleet ? pt->p_all_lo : pt->p_lo;
    *hi = fleet ? pt->p_all_hi : pt->p_hi;
}

static bool reaches(const struct sweep *sw, double v)
{
    return v >= sw->params.target / 100.0 - TARGET_EPSILON;
}

bool sweep_recommend_redundancy(const struct sweep *sw, size_t size_i,
                                size_t dr_i, size_t loss_i,
                                struct sweep_recommendation *out)
{
    memset(out, 0, sizeof(*out));
    out->confirmed_redundancy = -1;
    if (size_i >= sw->nsize || dr_i >= sw->ndr || loss_i >= sw->nloss)
        return false;
    for (size_t j = 0; j < sw->nred; j++) {
        struct sweep_point pt;
        double v, lo, hi;
        sweep_point(sw, sweep_index(sw, size_i, dr_i, loss_i, j), &pt);
        if (!pt.sendable || pt.trials == 0)
            continue;
        sweep_target_value(sw, &pt, &v, &lo, &hi);
        if (!out->found && reaches(sw, v)) {
            out->found = true;
            out->point = pt;
            out->value = v;
            out->lo = lo;
            out->hi = hi;
        }
        if (reaches(sw, lo)) {
            out->confirmed_redundancy = pt.redundancy_percent;
            break;
        }
    }
    out->confirmed = out->found &&
                     out->confirmed_redundancy == out->point.redundancy_percent;
    return true;
}

bool sweep_recommend_fragment_size(const struct sweep *sw, size_t dr_i,
                                   size_t loss_i,
                                   struct sweep_recommendation *out)
{
    memset(out, 0, sizeof(*out));
    out->confirmed_redundancy = -1;
    if (dr_i >= sw->ndr || loss_i >= sw->nloss)
        return false;
    for (size_t s = 0; s < sw->nsize; s++) {
        struct sweep_recommendation r;
        sweep_recommend_redundancy(sw, s, dr_i, loss_i, &r);
        if (!r.found)
            continue;
        const struct sweep_point *a = &r.point, *b = &out->point;
        bool better = !out->found || a->wall_time_s < b->wall_time_s ||
                      (a->wall_time_s == b->wall_time_s &&
                       (a->airtime_s < b->airtime_s ||
                        (a->airtime_s == b->airtime_s &&
                         a->fragment_size < b->fragment_size)));
        if (better)
            *out = r;
    }
    return true;
}

bool sweep_overhead(const struct sweep *sw, size_t size_i, size_t loss_i,
                    struct sweep_overhead *out)
{
    memset(out, 0, sizeof(*out));
    if (size_i >= sw->nsize || loss_i >= sw->nloss)
        return false;
    size_t row = size_i * sw->nloss + loss_i;
    const struct layout *l = &sw->lay;
    uint64_t recv = 0;
    lock(sw);
    const uint64_t *c = sw->counts + row * l->width;
    out->trials = sw->rows[row].trials;
    for (size_t j = 0; j < sw->nred; j++) {
        out->completed += c[l->bins + j];
        recv += c[l->recv + j];
    }
    memcpy(out->bins, c + l->ovh, sizeof(out->bins));
    unlock(sw);
    if (out->completed)
        out->mean = (double)recv / (double)out->completed;
    return true;
}

const char *sweep_describe_model(const struct sweep_params *p, double loss,
                                 char *buf, size_t size)
{
    size_t at = 0;
    int n;
    if (p->burst > 0.0)
        n = snprintf(buf, size, "%g %% loss in bursts of %g fragments", loss,
                     p->burst);
    else
        n = snprintf(buf, size, "%g %% i.i.d. loss", loss);
    at = n > 0 ? (size_t)n : 0;
    if (p->spread > 0.0 && at < size) {
        n = snprintf(buf + at, size - at, ", spread %g %%", p->spread);
        at += n > 0 ? (size_t)n : 0;
    }
    if (p->shared_loss > 0.0 && at < size) {
        n = snprintf(buf + at, size - at, ", %g %% shared loss",
                     p->shared_loss);
        at += n > 0 ? (size_t)n : 0;
    }
    if (p->late_join > 0 && at < size)
        snprintf(buf + at, size - at, ", late join %u", (unsigned)p->late_join);
    return buf;
}
