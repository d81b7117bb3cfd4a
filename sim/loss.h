#ifndef FUOTA_SIM_LOSS_H
#define FUOTA_SIM_LOSS_H

/*
 * Loss models for the fleet simulator and the deterministic random streams
 * they draw from.
 *
 * Random streams. Every draw comes from a counter-based splitmix64 stream
 * whose key depends only on (seed, purpose, index): device d's loss stream
 * is loss_stream(seed, LOSS_STREAM_DEVICE, d), the shared loss of fragment n
 * is loss_hash(seed, LOSS_STREAM_SHARED, n). Nothing depends on the thread
 * that runs a device or on the order devices are run in, so a simulation is
 * reproducible to the byte whatever the thread count.
 *
 *   key(seed, purpose, index) = mix64(mix64(seed ^ purpose) + index * G)
 *   stream value i (i = 1, 2, ...) = mix64(key + i * G)
 * with G = 0x9e3779b97f4a7c15 and mix64 the splitmix64 finaliser
 * (Steele, Lea, Flood 2014). A 64-bit value u becomes the probability
 * (u >> 11) * 2^-53.
 *
 * Models (composable, all optional):
 *  - loss: each device loses each fragment with this probability (i.i.d.);
 *  - burst: with a mean burst length B >= 1, the loss follows a two-state
 *    Gilbert-Elliott chain instead (Good: nothing lost, Bad: everything
 *    lost) with P(Bad->Good) = 1/B and P(Good->Bad) = loss / ((1-loss) B),
 *    so that the long-run loss equals `loss` and bursts last B on average.
 *    This needs B >= loss / (1 - loss); the chain starts in its stationary
 *    distribution;
 *  - spread: each device's own loss is drawn from a Beta distribution
 *    with mean p = loss and standard deviation s = spread (method of
 *    moments: k = p(1-p)/s^2 - 1, alpha = p k, beta = (1-p) k), so the
 *    fleet's mean loss stays p whatever the spread and every device's loss
 *    is in [0, 1] without clamping. A spread needs s^2 < p(1-p), i.e.
 *    s < sqrt(p(1-p)) (the standard deviation of a 0-or-1 loss with mean
 *    p); a wider one is refused (LOSS_ERR_SPREAD_WIDE). With p = 0 or 1 the
 *    spread has nothing to spread: every device has p. The draw comes first
 *    in the device's stream: two Gamma draws (Marsaglia and Tsang, with the
 *    U^(1/a) boost for shapes below 1, in logarithms), each taking normals
 *    by Box-Muller (two values per normal) and uniforms from the stream;
 *  - burst and a device's own loss: a mean burst of B fragments reaches at
 *    most B/(B+1) loss. A device whose own loss q (from the spread or given
 *    by the caller) is above that is not capped: its mean burst length is
 *    raised to q/(1-q), the shortest that reaches q (its Good periods then
 *    last one fragment). Such devices are flagged (burst_raised) and
 *    counted by loss_burst_raised_count for the report;
 *  - shared_loss: each fragment is lost for every device with this
 *    probability (the gateway skipped it), drawn from (seed, fragment) only;
 *  - late_join: every device misses fragments 1..late_join;
 *  - drop: a fixed list of fragment numbers lost for every device.
 * A device's stream advances once per fragment whatever else happens to
 * that fragment, so adding a drop or shared loss changes nothing else.
 *
 * Threads: a struct loss_config is read-only once validated and may be
 * shared; a struct loss_device belongs to one thread.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* TS004: at most 16383 fragments in a session (14-bit N). */
#define LOSS_FRAGMENT_MAX 16383u
/* Longest drop list accepted. */
#define LOSS_DROP_MAX LOSS_FRAGMENT_MAX

/* Stream purposes: distinct keys for unrelated draws from one seed. */
#define LOSS_STREAM_DEVICE 0x6465766963650000ull /* per-device loss */
#define LOSS_STREAM_SHARED 0x7368617265640000ull /* shared loss per frag */
#define LOSS_STREAM_SAMPLE 0x73616d706c650000ull /* rank-mode sample */
#define LOSS_STREAM_IMAGE  0x696d616765000000ull /* generated image */

/* Validation outcomes: id, parameter the problem is about, message. */
#define LOSS_STATUSES(X)                                                       \
    X(LOSS_OK, "", "ok")                                                       \
    X(LOSS_ERR_LOSS, "loss", "must be a percentage from 0 to 100")             \
    X(LOSS_ERR_BURST, "burst",                                                 \
      "must be a mean burst length of at least 1 fragment")                    \
    X(LOSS_ERR_BURST_SHORT, "burst",                                           \
      "is too short for the loss: a mean burst of B fragments can reach at "   \
      "most B/(B+1) loss")                                                     \
    X(LOSS_ERR_SPREAD, "spread", "must be a percentage from 0 to 100")         \
    X(LOSS_ERR_SPREAD_WIDE, "spread",                                          \
      "is too wide for the loss: it must be below sqrt(p(1-p))")               \
    X(LOSS_ERR_SHARED, "shared-loss", "must be a percentage from 0 to 100")    \
    X(LOSS_ERR_LATE_JOIN, "late-join",                                         \
      "must be a fragment count from 0 to 16383")                              \
    X(LOSS_ERR_DROP, "drop",                                                   \
      "fragment numbers must be from 1 to 16383 (at most 16383 of them)")

enum loss_status {
#define X(id, param, msg) id,
    LOSS_STATUSES(X)
#undef X
};

/* The parameter a status is about ("burst"), and the rule it states. */
const char *loss_status_param(enum loss_status status);
const char *loss_status_message(enum loss_status status);

struct loss_config {
    double loss;          /* mean per-device loss, 0..1 */
    double burst;         /* mean burst length in fragments; 0 = i.i.d. */
    double spread;        /* standard deviation of per-device loss, 0..1 */
    double shared_loss;   /* 0..1 */
    uint32_t late_join;   /* fragments 1..late_join missed by every device */
    const uint32_t *drop; /* borrowed; fragment numbers, any order */
    size_t drop_count;
};

/* A zeroed config: no loss at all. */
void loss_config_init(struct loss_config *cfg);

/*
 * Checks every parameter; on error writes a sentence naming the value and
 * the limit into msg (may be NULL) and returns the first problem found.
 */
enum loss_status loss_config_check(const struct loss_config *cfg, char *msg,
                                   size_t msg_size)
    __attribute__((warn_unused_result));

/* The splitmix64 finaliser. */
uint64_t loss_mix64(uint64_t z);
/* key(seed, purpose, index) (see above). */
uint64_t loss_stream_key(uint64_t seed, uint64_t purpose, uint64_t index);
/* A single draw tied to (seed, purpose, index): value 1 of that stream. */
uint64_t loss_hash(uint64_t seed, uint64_t purpose, uint64_t index);
/* u as a probability in [0, 1). */
double loss_unit(uint64_t u);

/* A counter-based stream. */
struct loss_rng {
    uint64_t key;
    uint64_t counter;
};
void loss_rng_init(struct loss_rng *rng, uint64_t seed, uint64_t purpose,
                   uint64_t index);
uint64_t loss_rng_next(struct loss_rng *rng);

/* Threshold t such that (u < t) has probability p for a uniform 64-bit u;
 * p >= 1 is reported through *always. */
uint64_t loss_threshold(double p, bool *always);

/* True when fragment n (1-based) is lost by every device, whatever their
 * own loss: drop list, shared loss or (for devices that join late) late
 * join. `shared` answers for drop + shared loss only; use a loss_shared. */
struct loss_shared {
    uint8_t lost[(LOSS_FRAGMENT_MAX + 1 + 7) / 8]; /* bit n: fragment n */
};
/* Fills the shared pattern for fragments 1..total (total <= 16383). */
void loss_shared_build(struct loss_shared *shared,
                       const struct loss_config *cfg, uint64_t seed,
                       uint32_t total);
bool loss_shared_lost(const struct loss_shared *shared, uint32_t n);

/* One device's loss process. */
struct loss_device {
    struct loss_rng rng;
    double device_loss; /* this device's own mean loss after spread */
    double burst;       /* this device's mean burst length (0 = i.i.d.) */
    bool burst_raised;  /* burst raised above the config's to reach loss */
    bool iid;
    bool always;     /* device loses everything */
    bool bad;        /* Gilbert-Elliott state */
    uint64_t p_loss; /* i.i.d. threshold */
    bool p_gb_always;
    uint64_t p_gb; /* Good -> Bad */
    uint64_t p_bg; /* Bad -> Good */
    uint32_t late_join;
};

/*
 * Starts device `index`'s process. `device_loss` < 0 means "draw from the
 * config" (loss + spread); otherwise it is the device's own mean loss
 * (0..1; used by callers that give each device a link quality) and spread
 * is not applied. cfg must have passed loss_config_check.
 */
void loss_device_init(struct loss_device *dev, const struct loss_config *cfg,
                      uint64_t seed, uint64_t index, double device_loss);

/*
 * Beta shape for a per-device loss with this mean and standard deviation:
 * LOSS_OK with alpha = beta = 0 when there is no spread (sd <= 0, or mean
 * 0 or 1), LOSS_OK with alpha, beta > 0 when sd^2 < mean(1-mean),
 * LOSS_ERR_SPREAD_WIDE otherwise.
 */
enum loss_status loss_beta_shape(double mean, double sd, double *alpha,
                                 double *beta)
    __attribute__((warn_unused_result));
/* A Beta(alpha, beta) draw in [0, 1] from the stream (alpha, beta > 0). */
double loss_beta_draw(struct loss_rng *rng, double alpha, double beta);
/* The shortest mean burst length that reaches loss p: p/(1-p) (0 for
 * p <= 0, infinity for p >= 1). */
double loss_burst_needed(double p);

/* How many of devices 0..devices-1 (device_loss as for loss_device_init,
 * NULL = draw from the config) get a longer burst than cfg->burst to reach
 * their own loss. 0 without bursts. */
size_t loss_burst_raised_count(const struct loss_config *cfg, uint64_t seed,
                               size_t devices, const double *device_loss);

/* Whether the device misses fragment n, the next one in order (call for
 * n = 1, 2, ... without gaps). Includes the shared pattern and late join. */
bool loss_device_next(struct loss_device *dev, const struct loss_shared *shared,
                      uint32_t n);

/*
 * Parses "3,17,200" into a heap array (caller frees) of *count numbers.
 * Returns LOSS_OK or LOSS_ERR_DROP (message in msg) for an empty item, a
 * non-number, a number outside 1..16383 or too many items.
 */
enum loss_status loss_parse_drop(const char *text, uint32_t **out,
                                 size_t *count, char *msg, size_t msg_size)
    __attribute__((warn_unused_result));

#endif
