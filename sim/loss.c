#include "sim/loss.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GOLDEN 0x9e3779b97f4a7c15ull

static const struct {
    const char *param;
    const char *message;
} statuses[] = {
#define X(id, p, m) [id] = { p, m },
    LOSS_STATUSES(X)
#undef X
};

const char *loss_status_param(enum loss_status status)
{
    return statuses[status].param;
}

const char *loss_status_message(enum loss_status status)
{
    return statuses[status].message;
}

void loss_config_init(struct loss_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
}

static enum loss_status fail(enum loss_status st, char *msg, size_t size,
                             const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static enum loss_status fail(enum loss_status st, char *msg, size_t size,
                             const char *fmt, ...)
{
    if (msg && size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, size, fmt, ap);
        va_end(ap);
    }
    return st;
}

static bool percent_ok(double v)
{
    return isfinite(v) && v >= 0.0 && v <= 1.0;
}

enum loss_status loss_config_check(const struct loss_config *cfg, char *msg,
                                   size_t msg_size)
{
    if (msg && msg_size)
        msg[0] = '\0';
    if (!percent_ok(cfg->loss))
        return fail(LOSS_ERR_LOSS, msg, msg_size,
                    "%g %% is not a loss: it must be from 0 to 100 %%",
                    cfg->loss * 100.0);
    if (!isfinite(cfg->burst) || cfg->burst < 0.0 ||
        (cfg->burst > 0.0 && cfg->burst < 1.0))
        return fail(LOSS_ERR_BURST, msg, msg_size,
                    "%g is not a mean burst length: it must be at least 1 "
                    "fragment",
                    cfg->burst);
    if (cfg->burst > 0.0 && cfg->loss < 1.0 &&
        cfg->loss / (1.0 - cfg->loss) > cfg->burst * (1.0 + 1e-12))
        return fail(LOSS_ERR_BURST_SHORT, msg, msg_size,
                    "a mean burst of %g fragment%s cannot reach %g %% loss "
                    "(a burst of B fragments reaches at most B/(B+1)); use "
                    "at least %.4g",
                    cfg->burst, cfg->burst == 1.0 ? "" : "s", cfg->loss * 100.0,
                    cfg->loss / (1.0 - cfg->loss));
    if (!percent_ok(cfg->spread))
        return fail(LOSS_ERR_SPREAD, msg, msg_size,
                    "%g %% is not a spread: it must be from 0 to 100 %%",
                    cfg->spread * 100.0);
    double alpha, beta;
    if (loss_beta_shape(cfg->loss, cfg->spread, &alpha, &beta) != LOSS_OK)
        return fail(LOSS_ERR_SPREAD_WIDE, msg, msg_size,
                    "a spread of %g %% is too wide for %g %% mean loss: "
                    "it must be below sqrt(p(1-p)) = %.4g %%, the widest "
                    "losses from 0 to 100 %% with that mean can vary",
                    cfg->spread * 100.0, cfg->loss * 100.0,
                    sqrt(cfg->loss * (1.0 - cfg->loss)) * 100.0);
    if (!percent_ok(cfg->shared_loss))
        return fail(LOSS_ERR_SHARED, msg, msg_size,
                    "%g %% is not a loss: it must be from 0 to 100 %%",
                    cfg->shared_loss * 100.0);
    if (cfg->late_join > LOSS_FRAGMENT_MAX)
        return fail(LOSS_ERR_LATE_JOIN, msg, msg_size,
                    "%u fragments is more than a session can have (16383)",
                    (unsigned)cfg->late_join);
    if (cfg->drop_count > LOSS_DROP_MAX || (cfg->drop_count && !cfg->drop))
        return fail(LOSS_ERR_DROP, msg, msg_size,
                    "%zu fragment numbers is more than a session can have "
                    "(16383)",
                    cfg->drop_count);
    for (size_t i = 0; i < cfg->drop_count; i++)
        if (cfg->drop[i] < 1 || cfg->drop[i] > LOSS_FRAGMENT_MAX)
            return fail(LOSS_ERR_DROP, msg, msg_size,
                        "fragment %u is not a fragment number: they run "
                        "from 1 to 16383",
                        (unsigned)cfg->drop[i]);
    return LOSS_OK;
}

uint64_t loss_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t loss_stream_key(uint64_t seed, uint64_t purpose, uint64_t index)
{
    return loss_mix64(loss_mix64(seed ^ purpose) + index * GOLDEN);
}

uint64_t loss_hash(uint64_t seed, uint64_t purpose, uint64_t index)
{
    return loss_mix64(loss_stream_key(seed, purpose, index) + GOLDEN);
}

double loss_unit(uint64_t u)
{
    return (double)(u >> 11) * 0x1.0p-53;
}

void loss_rng_init(struct loss_rng *rng, uint64_t seed, uint64_t purpose,
                   uint64_t index)
{
    rng->key = loss_stream_key(seed, purpose, index);
    rng->counter = 0;
}

uint64_t loss_rng_next(struct loss_rng *rng)
{
    rng->counter++;
    return loss_mix64(rng->key + rng->counter * GOLDEN);
}

uint64_t loss_threshold(double p, bool *always)
{
    *always = false;
    if (!(p > 0.0))
        return 0;
    if (p >= 1.0) {
        *always = true;
        return UINT64_MAX;
    }
    /* p * 2^64, computed in long double-free steps: exact for p < 1. */
    double t = ldexp(p, 64);
    if (t >= 18446744073709549568.0) /* largest double below 2^64 */
        return UINT64_MAX;
    return (uint64_t)t;
}

static bool draw(uint64_t u, uint64_t threshold, bool always)
{
    return always || u < threshold;
}

void loss_shared_build(struct loss_shared *shared,
                       const struct loss_config *cfg, uint64_t seed,
                       uint32_t total)
{
    memset(shared->lost, 0, sizeof(shared->lost));
    if (total > LOSS_FRAGMENT_MAX)
        total = LOSS_FRAGMENT_MAX;
    bool always;
    uint64_t t = loss_threshold(cfg->shared_loss, &always);
    if (t || always)
        for (uint32_t n = 1; n <= total; n++)
            if (draw(loss_hash(seed, LOSS_STREAM_SHARED, n), t, always))
                shared->lost[n >> 3] |= (uint8_t)(1u << (n & 7));
    for (size_t i = 0; i < cfg->drop_count; i++) {
        uint32_t n = cfg->drop[i];
        if (n >= 1 && n <= LOSS_FRAGMENT_MAX)
            shared->lost[n >> 3] |= (uint8_t)(1u << (n & 7));
    }
}

bool loss_shared_lost(const struct loss_shared *shared, uint32_t n)
{
    return n <= LOSS_FRAGMENT_MAX && (shared->lost[n >> 3] >> (n & 7)) & 1u;
}

/* A uniform in (0, 1): never 0, so its logarithm is finite. */
static double open_unit(struct loss_rng *rng)
{
    return ((double)(loss_rng_next(rng) >> 11) + 0.5) * 0x1.0p-53;
}

/* A standard normal from two draws (Box-Muller, cosine branch only). */
static double normal(struct loss_rng *rng)
{
    double u1 = open_unit(rng);
    double u2 = open_unit(rng);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * 3.14159265358979323846 * u2);
}

/*
 * log of a Gamma(a, 1) draw, a > 0 (Marsaglia and Tsang 2000; for a < 1 the
 * boost Gamma(a) = Gamma(a + 1) * U^(1/a), kept in logarithms so that tiny
 * shapes do not underflow to 0).
 */
static double log_gamma_draw(struct loss_rng *rng, double a)
{
    double boost = 0.0;
    if (a < 1.0) {
        boost = log(open_unit(rng)) / a;
        a += 1.0;
    }
    double d = a - 1.0 / 3.0;
    double c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x, v;
        do {
            x = normal(rng);
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        double u = open_unit(rng);
        if (u < 1.0 - 0.0331 * x * x * x * x ||
            log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
            return log(d * v) + boost;
    }
}

enum loss_status loss_beta_shape(double mean, double sd, double *alpha,
                                 double *beta)
{
    *alpha = 0.0;
    *beta = 0.0;
    if (!(mean > 0.0 && mean < 1.0) || !(sd > 0.0))
        return LOSS_OK; /* no spread: every device has the mean */
    double var = mean * (1.0 - mean);
    /* The limit itself is refused even when rounding puts sd^2 a hair
     * below p(1-p) (0.3^2 < 0.1 * 0.9 in doubles). */
    if (!(sd * sd < var * (1.0 - 1e-9)))
        return LOSS_ERR_SPREAD_WIDE;
    double k = var / (sd * sd) - 1.0;
    *alpha = mean * k;
    *beta = (1.0 - mean) * k;
    return LOSS_OK;
}

double loss_beta_draw(struct loss_rng *rng, double alpha, double beta)
{
    /* X / (X + Y) = 1 / (1 + Y / X), from the logarithms of X and Y. */
    double lx = log_gamma_draw(rng, alpha);
    double ly = log_gamma_draw(rng, beta);
    return 1.0 / (1.0 + exp(ly - lx));
}

double loss_burst_needed(double p)
{
    if (!(p > 0.0))
        return 0.0;
    if (p >= 1.0)
        return INFINITY;
    return p / (1.0 - p);
}

void loss_device_init(struct loss_device *dev, const struct loss_config *cfg,
                      uint64_t seed, uint64_t index, double device_loss)
{
    memset(dev, 0, sizeof(*dev));
    loss_rng_init(&dev->rng, seed, LOSS_STREAM_DEVICE, index);
    double p = device_loss;
    if (p < 0.0) {
        double a, b;
        p = cfg->loss;
        if (loss_beta_shape(cfg->loss, cfg->spread, &a, &b) == LOSS_OK &&
            a > 0.0)
            p = loss_beta_draw(&dev->rng, a, b);
    }
    if (!(p > 0.0))
        p = 0.0;
    if (p > 1.0)
        p = 1.0;
    dev->device_loss = p;
    dev->late_join = cfg->late_join;
    dev->iid = !(cfg->burst > 0.0);
    dev->p_loss = loss_threshold(p, &dev->always);
    if (!dev->iid && !dev->always && p > 0.0) {
        bool never;
        double b = cfg->burst;
        /* A mean burst of B reaches at most B/(B+1): a device whose own
         * loss is higher gets the shortest burst that reaches it. */
        double need = loss_burst_needed(p);
        if (need > b) {
            b = need;
            dev->burst_raised = true;
        }
        dev->burst = b;
        dev->p_bg = loss_threshold(1.0 / b, &never);
        if (never)
            dev->p_bg = UINT64_MAX;
        dev->p_gb = loss_threshold(p / ((1.0 - p) * b), &dev->p_gb_always);
        dev->bad = loss_rng_next(&dev->rng) < dev->p_loss;
    }
}

size_t loss_burst_raised_count(const struct loss_config *cfg, uint64_t seed,
                               size_t devices, const double *device_loss)
{
    size_t n = 0;
    if (!(cfg->burst > 0.0))
        return 0;
    for (size_t d = 0; d < devices; d++) {
        struct loss_device dev;
        loss_device_init(&dev, cfg, seed, d,
                         device_loss ? device_loss[d] : -1.0);
        n += dev.burst_raised;
    }
    return n;
}

bool loss_device_next(struct loss_device *dev, const struct loss_shared *shared,
                      uint32_t n)
{
    uint64_t u = loss_rng_next(&dev->rng);
    bool lost;
    if (dev->always) {
        lost = true;
    } else if (dev->iid) {
        lost = u < dev->p_loss;
    } else if (dev->p_loss == 0) {
        lost = false;
    } else {
        /* The state for this fragment, then the transition to the next. */
        lost = dev->bad;
        if (dev->bad)
            dev->bad = !(u < dev->p_bg);
        else
            dev->bad = draw(u, dev->p_gb, dev->p_gb_always);
    }
    if (n <= dev->late_join)
        lost = true;
    if (shared && loss_shared_lost(shared, n))
        lost = true;
    return lost;
}

enum loss_status loss_parse_drop(const char *text, uint32_t **out,
                                 size_t *count, char *msg, size_t msg_size)
{
    *out = NULL;
    *count = 0;
    size_t items = 1;
    for (const char *p = text; *p; p++)
        items += *p == ',';
    if (items > LOSS_DROP_MAX)
        return fail(LOSS_ERR_DROP, msg, msg_size,
                    "%zu fragment numbers is more than a session can have "
                    "(16383)",
                    items);
    uint32_t *list = malloc(items * sizeof(*list));
    if (!list)
        return fail(LOSS_ERR_DROP, msg, msg_size, "out of memory");
    const char *p = text;
    size_t n = 0;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char item[24];
        if (len == 0) {
            free(list);
            return fail(LOSS_ERR_DROP, msg, msg_size,
                        "an empty item in the list (write N,N,...)");
        }
        if (len >= sizeof(item)) {
            free(list);
            return fail(LOSS_ERR_DROP, msg, msg_size,
                        "'%.20s...' is not a fragment number", p);
        }
        memcpy(item, p, len);
        item[len] = '\0';
        char *stop = NULL;
        errno = 0;
        long long v = strtoll(item, &stop, 10);
        if (*stop || errno || item[0] == '+' || item[0] == ' ') {
            free(list);
            return fail(LOSS_ERR_DROP, msg, msg_size,
                        "'%s' is not a fragment number", item);
        }
        if (v < 1 || v > (long long)LOSS_FRAGMENT_MAX) {
            free(list);
            return fail(LOSS_ERR_DROP, msg, msg_size,
                        "fragment %lld is not a fragment number: they run "
                        "from 1 to 16383",
                        v);
        }
        list[n++] = (uint32_t)v;
        if (!end)
            break;
        p = end + 1;
    }
    *out = list;
    *count = n;
    return LOSS_OK;
}
