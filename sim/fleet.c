#include "sim/fleet.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fec.h"
#include "core/limits.h"

/* Devices a worker takes at a time: small enough to balance two cores,
 * large enough that the shared counter is not contended. */
#define CHUNK 8

static const char *const status_messages[] = {
#define X(id, msg) [id] = msg,
    FLEET_STATUSES(X)
#undef X
};

const char *fleet_status_message(enum fleet_status status)
{
    if ((size_t)status >= sizeof(status_messages) / sizeof(*status_messages))
        return "unknown status";
    return status_messages[status];
}

static void say(char *msg, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(char *msg, size_t size, const char *fmt, ...)
{
    if (!msg || !size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, size, fmt, ap);
    va_end(ap);
}

bool fleet_session_schedule(struct fleet_session *s, char *msg, size_t size)
{
    if (s->image_bytes == 0) {
        say(msg, size, "the image is empty");
        return false;
    }
    if (s->fragment_size < 1 || s->fragment_size > FEC_FRAG_SIZE_MAX) {
        say(msg, size,
            "fragment size %u is outside 1..255 bytes (TS004 FragSize is "
            "one byte)",
            (unsigned)s->fragment_size);
        return false;
    }
    if (s->redundancy_percent < 0 || s->redundancy_percent > 100) {
        say(msg, size, "redundancy %d %% is outside 0..100",
            s->redundancy_percent);
        return false;
    }
    uint64_t m = (s->image_bytes + s->fragment_size - 1) / s->fragment_size;
    uint64_t r = (m * (uint64_t)s->redundancy_percent + 99) / 100;
    if (m + r > FEC_FRAGMENTS_MAX) {
        say(msg, size,
            "%llu uncoded + %llu redundancy fragments is more than the "
            "16383 a TS004 session can carry",
            (unsigned long long)m, (unsigned long long)r);
        return false;
    }
    s->m = (uint32_t)m;
    s->r = (uint32_t)r;
    s->padding = (uint32_t)(m * s->fragment_size - s->image_bytes);
    /* Nearest second, halves up: 1499 ms -> 1 s, 1500 ms -> 2 s. */
    s->interval_us = ((uint64_t)s->interval_ms + 500) / 1000 * 1000000;
    uint64_t spacing = s->interval_us;
    if (spacing < s->time_on_air_us)
        spacing = s->time_on_air_us;
    if (s->duty_cycle > 0.0 && s->duty_cycle < 1.0) {
        double need = ceil((double)s->time_on_air_us / s->duty_cycle);
        if ((double)spacing < need)
            spacing = (uint64_t)need;
    }
    s->spacing_us = spacing;
    return true;
}

uint64_t fleet_send_time_us(const struct fleet_session *s, uint32_t n)
{
    return n ? (uint64_t)(n - 1) * s->spacing_us : 0;
}

uint64_t fleet_heard_time_us(const struct fleet_session *s, uint32_t n)
{
    return n ? fleet_send_time_us(s, n) + s->time_on_air_us : 0;
}

uint64_t fleet_end_time_us(const struct fleet_session *s, uint32_t sent)
{
    return (uint64_t)sent * s->spacing_us;
}

uint64_t fleet_device_done_us(const struct fleet_session *s,
                              const struct fleet_device_result *x,
                              uint32_t sent)
{
    if (x->refused)
        return 0;
    if (x->done_at)
        return fleet_heard_time_us(s, x->done_at);
    return fleet_end_time_us(s, sent);
}

uint64_t fleet_device_ram(const struct fleet_session *s, uint32_t max_lost)
{
    uint64_t l = max_lost ? max_lost : (s->r < s->m ? s->r : s->m);
    return (uint64_t)s->m * s->fragment_size + ((l >> 3) + 1) * l + 2ull * s->m;
}

void fleet_params_init(struct fleet_params *p)
{
    memset(p, 0, sizeof(*p));
    loss_config_init(&p->loss);
    p->seed = 1;
    p->mode = FLEET_MODE_FULL;
    p->sample = FLEET_DEFAULT_SAMPLE;
}

unsigned fleet_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    if (n > FLEET_THREADS_MAX)
        return FLEET_THREADS_MAX;
    return (unsigned)n;
}

void fleet_generate_image(uint8_t *buf, size_t len, uint64_t seed)
{
    struct loss_rng rng;
    loss_rng_init(&rng, seed, LOSS_STREAM_IMAGE, 0);
    size_t i = 0;
    while (i < len) {
        uint64_t v = loss_rng_next(&rng);
        for (int b = 0; b < 8 && i < len; b++, i++)
            buf[i] = (uint8_t)(v >> (8 * b));
    }
}

void fleet_result_cleanup(struct fleet_result *r)
{
    if (!r)
        return;
    free(r->dev);
    memset(r, 0, sizeof(*r));
}

/* ---------------------------------------------------------------------- */

struct run {
    const struct fleet_params *p;
    const struct fleet_session *s;
    uint32_t total;
    struct fec_matrix *matrix;     /* the stream's parity rows */
    struct fec_matrix *dev_matrix; /* the devices' (== matrix unless the
                                    * device codec differs) */
    bool other_rows;               /* device_codec != codec */
    uint8_t *stream;               /* the coded fragments, S bytes each */
    struct loss_shared shared;
    bool ram_refused; /* the memory limit refuses the session */
    uint64_t sample_threshold;
    bool sample_all;
    struct fleet_device_result *dev;
    atomic_size_t next;
    atomic_int failed; /* a fleet_status other than OK */
    pthread_mutex_t lock;
    size_t done;
};

struct worker {
    struct run *run;
    pthread_t thread;
    bool started;
};

static bool sampled(const struct run *run, size_t d)
{
    if (run->p->mode == FLEET_MODE_FULL)
        return false;
    return d == 0 || run->sample_all ||
           loss_hash(run->p->seed, LOSS_STREAM_SAMPLE, d) <
               run->sample_threshold;
}

/* Plays the stream to device d through one decoder. Returns false on a
 * host failure (out of memory). */
static bool play(struct run *run, struct fec_decoder *dec, size_t d, bool full,
                 struct fleet_device_result *out)
{
    const struct fleet_params *p = run->p;
    const struct fleet_session *s = run->s;
    memset(out, 0, sizeof(*out));
    uint64_t key = p->device_key ? p->device_key[d] : (uint64_t)d;
    /* A fault decides before anything else (sim/fault.h). */
    out->fault = fault_of_device(&p->faults, p->seed, key);
    if (out->fault != FAULT_NONE) {
        out->status = fault_status(out->fault);
        out->refused = fault_refuses_setup(out->fault);
        return true;
    }
    fec_decoder_reset(dec);
    struct fec_progress pr;
    fec_decoder_progress(dec, &pr);
    if (pr.failure == FEC_ERR_DEVICE_MEMORY || run->ram_refused) {
        out->status = BACKEND_DEVICE_NOT_ENOUGH_MEMORY;
        out->refused = true;
        return true;
    }
    struct loss_device ld;
    loss_device_init(&ld, &p->loss, p->seed, key,
                     p->device_loss ? p->device_loss[d] : -1.0);
    out->status = BACKEND_DEVICE_MISSING_FRAG;
    for (uint32_t n = 1; n <= run->total; n++) {
        if (loss_device_next(&ld, &run->shared, n))
            continue;
        const uint8_t *payload =
            full ? run->stream + (size_t)(n - 1) * s->fragment_size : NULL;
        enum fec_push res = fec_decoder_push(dec, n, payload);
        if (res == FEC_PUSH_STORED || res == FEC_PUSH_NO_RANK ||
            res == FEC_PUSH_COMPLETED)
            out->received++;
        if (res == FEC_PUSH_COMPLETED) {
            out->status = BACKEND_DEVICE_SUCCESSFUL;
            out->done_at = n;
            break;
        }
        if (res == FEC_PUSH_FAILED_MEMORY) {
            out->status = BACKEND_DEVICE_NOT_ENOUGH_MEMORY;
            out->received = 0;
            out->refused = true;
            break;
        }
        if (res == FEC_PUSH_FAILED_LOST) {
            out->status = BACKEND_DEVICE_MEMORY_ERROR;
            out->done_at = n;
            break;
        }
        if (res == FEC_PUSH_FAILED_HOST)
            return false;
    }
    fec_decoder_progress(dec, &pr);
    out->lost = pr.lost;
    if (full && out->status == BACKEND_DEVICE_SUCCESSFUL) {
        /* The rebuilt image against the source, byte for byte: as strong
         * as comparing hashes, at memory speed. */
        size_t len = 0;
        const uint8_t *img = fec_decoder_image(dec, &len);
        if (!img || len != s->image_bytes || memcmp(img, p->image, len) != 0) {
            /*
             * A wrong image. A TS004-2.0.0 device checks the rebuilt block
             * against the MIC of FragSessionSetupReq and reports a MIC error
             * (FragSessionStatusAns status bit 1, FragDataBlockReceivedReq):
             * AWS's FuotaDeviceStatus MICError. That is what devices whose
             * parity rows differ from the stream's end with; with the same
             * rows a wrong image is a bug of ours.
             */
            out->status = BACKEND_DEVICE_MIC_ERROR;
            out->internal_error = !run->other_rows;
        }
    }
    return true;
}

static enum fleet_status make_decoder(struct run *run, enum fec_mode mode,
                                      struct fec_decoder **out)
{
    struct fec_decoder_opts o = {
        .matrix = run->dev_matrix,
        .mode = mode,
        .frag_size = run->s->fragment_size,
        .padding = run->s->padding,
        .max_fragments = run->p->limits.max_fragments,
        .max_frag_size = run->p->limits.max_frag_size,
        .max_lost = run->p->limits.max_lost,
    };
    enum fec_status st = fec_decoder_new(&o, out);
    if (st == FEC_OK)
        return FLEET_OK;
    return st == FEC_ERR_NOMEM ? FLEET_ERR_NO_MEMORY : FLEET_ERR_PARAM;
}

static void *work(void *arg)
{
    struct worker *w = arg;
    struct run *run = w->run;
    /* Only the bytes tell a wrong image: devices with other parity rows
     * than the stream's are fully decoded in either mode. */
    bool rank = run->p->mode == FLEET_MODE_RANK && !run->other_rows;
    struct fec_decoder *full = NULL, *rankdec = NULL;
    enum fleet_status st = make_decoder(run, FEC_MODE_FULL, &full);
    if (st == FLEET_OK && rank)
        st = make_decoder(run, FEC_MODE_RANK, &rankdec);
    while (st == FLEET_OK && atomic_load(&run->failed) == FLEET_OK) {
        size_t first = atomic_fetch_add(&run->next, CHUNK);
        if (first >= run->p->devices)
            break;
        size_t last = first + CHUNK;
        if (last > run->p->devices)
            last = run->p->devices;
        for (size_t d = first; d < last && st == FLEET_OK; d++) {
            struct fleet_device_result *res = &run->dev[d];
            if (!rank) {
                if (!play(run, full, d, true, res))
                    st = FLEET_ERR_NO_MEMORY;
                res->sampled = run->p->mode == FLEET_MODE_RANK;
                continue;
            }
            if (!play(run, rankdec, d, false, res)) {
                st = FLEET_ERR_NO_MEMORY;
                continue;
            }
            if (!sampled(run, d))
                continue;
            struct fleet_device_result check;
            if (!play(run, full, d, true, &check)) {
                st = FLEET_ERR_NO_MEMORY;
                continue;
            }
            check.sampled = true;
            /* Rank mode must predict exactly what the full decoder does. */
            if (check.status != res->status || check.done_at != res->done_at ||
                check.refused != res->refused ||
                check.received != res->received || check.internal_error)
                check.internal_error = true;
            *res = check;
        }
        if (run->p->progress) {
            pthread_mutex_lock(&run->lock);
            run->done += last - first;
            run->p->progress(run->p->progress_ctx, run->done, run->p->devices);
            pthread_mutex_unlock(&run->lock);
        }
    }
    if (st != FLEET_OK) {
        int expected = FLEET_OK;
        atomic_compare_exchange_strong(&run->failed, &expected, (int)st);
    }
    fec_decoder_free(full);
    fec_decoder_free(rankdec);
    return NULL;
}

static enum fleet_status check_params(const struct fleet_params *p, char *msg,
                                      size_t size)
{
    if (!p->session) {
        say(msg, size, "no session");
        return FLEET_ERR_PARAM;
    }
    if (p->devices == 0) {
        say(msg, size, "devices: at least one device is needed");
        return FLEET_ERR_PARAM;
    }
    if (!p->image) {
        say(msg, size, "no image");
        return FLEET_ERR_PARAM;
    }
    if (p->mode != FLEET_MODE_FULL && p->mode != FLEET_MODE_RANK) {
        say(msg, size, "mode: must be full or rank");
        return FLEET_ERR_PARAM;
    }
    if ((size_t)p->codec >= FEC_CODEC_COUNT ||
        (size_t)p->device_codec >= FEC_CODEC_COUNT) {
        say(msg, size, "codec: unknown codec");
        return FLEET_ERR_PARAM;
    }
    if (fec_codec_version(p->codec) != fec_codec_version(p->device_codec)) {
        /* A device answers PackageVersionReq with its version: a session
         * of the other version is never set up with it. */
        say(msg, size,
            "device codec: %s devices cannot take a %s session (TS004 "
            "v%u against v%u)",
            fec_codec_name(p->device_codec), fec_codec_name(p->codec),
            fec_codec_version(p->device_codec), fec_codec_version(p->codec));
        return FLEET_ERR_PARAM;
    }
    if (!isfinite(p->sample) || p->sample < 0.0 || p->sample > 1.0) {
        say(msg, size, "sample: %g is outside 0..1", p->sample);
        return FLEET_ERR_PARAM;
    }
    char lmsg[256];
    if (!fault_config_check(&p->faults, lmsg, sizeof(lmsg))) {
        say(msg, size, "fault %s", lmsg);
        return FLEET_ERR_PARAM;
    }
    enum loss_status ls = loss_config_check(&p->loss, lmsg, sizeof(lmsg));
    if (ls != LOSS_OK) {
        say(msg, size, "%s: %s", loss_status_param(ls), lmsg);
        return FLEET_ERR_PARAM;
    }
    uint32_t total = p->session->m + p->session->r;
    for (size_t i = 0; i < p->loss.drop_count; i++)
        if (p->loss.drop[i] > total) {
            say(msg, size,
                "drop: fragment %u is beyond the session's %u fragments",
                (unsigned)p->loss.drop[i], (unsigned)total);
            return FLEET_ERR_PARAM;
        }
    if (p->device_loss)
        for (size_t d = 0; d < p->devices; d++)
            if (!(p->device_loss[d] >= 0.0 && p->device_loss[d] <= 1.0)) {
                say(msg, size, "device %zu: link loss %g is outside 0..1", d,
                    p->device_loss[d]);
                return FLEET_ERR_PARAM;
            }
    return FLEET_OK;
}

static void tally(const struct run *run, struct fleet_result *out)
{
    const struct fleet_session *s = run->s;
    bool all_final = true;
    uint32_t last = s->m;
    for (size_t d = 0; d < out->devices; d++) {
        const struct fleet_device_result *x = &out->dev[d];
        out->by_status[x->status]++;
        out->by_fault[x->fault]++;
        if (x->status == BACKEND_DEVICE_SUCCESSFUL)
            out->completed++;
        else
            out->failed++;
        if (x->sampled)
            out->sampled++;
        if (x->internal_error)
            out->internal_errors++;
        /* Neither a device still missing fragments nor one with wrong
         * keys has told the sender it is done. */
        if (x->status == BACKEND_DEVICE_MISSING_FRAG ||
            x->fault == FAULT_MIC_ERROR)
            all_final = false;
        if (x->done_at > last)
            last = x->done_at;
    }
    out->sent = out->total;
    if (run->p->early_stop && all_final && last < out->total) {
        out->sent = last;
        out->stop_at = last;
    }
}

enum fleet_status fleet_run(const struct fleet_params *p,
                            struct fleet_result *out, char *msg, size_t size)
{
    memset(out, 0, sizeof(*out));
    if (msg && size)
        msg[0] = '\0';
    enum fleet_status st = check_params(p, msg, size);
    if (st != FLEET_OK)
        return st;
    const struct fleet_session *s = p->session;
    struct run *run = calloc(1, sizeof(*run));
    if (!run) {
        say(msg, size, "out of memory");
        return FLEET_ERR_NO_MEMORY;
    }
    run->p = p;
    run->s = s;
    run->total = s->m + s->r;
    atomic_init(&run->next, 0);
    atomic_init(&run->failed, FLEET_OK);
    pthread_mutex_init(&run->lock, NULL);
    loss_shared_build(&run->shared, &p->loss, p->seed, run->total);
    run->sample_threshold = loss_threshold(p->sample, &run->sample_all);
    run->ram_refused =
        p->limits.memory_bytes &&
        fleet_device_ram(s, p->limits.max_lost) > p->limits.memory_bytes;
    run->other_rows = p->device_codec != p->codec;

    size_t stream_size = (size_t)run->total * s->fragment_size;
    run->stream = malloc(stream_size ? stream_size : 1);
    out->dev = calloc(p->devices, sizeof(*out->dev));
    run->dev = out->dev;
    enum fec_status fs = FEC_ERR_NOMEM;
    if (run->stream && out->dev)
        fs = fec_matrix_new(s->m, s->r, p->codec, &run->matrix);
    run->dev_matrix = run->matrix;
    if (fs == FEC_OK && run->other_rows)
        fs = fec_matrix_new(s->m, s->r, p->device_codec, &run->dev_matrix);
    if (fs == FEC_OK)
        fs = fec_encode(run->matrix, p->image, s->image_bytes, s->fragment_size,
                        run->stream, stream_size);
    if (fs != FEC_OK) {
        say(msg, size, "cannot encode the session: %s", fec_status_message(fs));
        st = fs == FEC_ERR_NOMEM ? FLEET_ERR_NO_MEMORY : FLEET_ERR_PARAM;
        goto done;
    }

    unsigned threads = p->threads ? p->threads : fleet_default_threads();
    if (threads > FLEET_THREADS_MAX)
        threads = FLEET_THREADS_MAX;
    if (threads > (p->devices + CHUNK - 1) / CHUNK)
        threads = (unsigned)((p->devices + CHUNK - 1) / CHUNK);
    struct worker workers[FLEET_THREADS_MAX];
    memset(workers, 0, sizeof(workers));
    for (unsigned i = 0; i < threads; i++) {
        workers[i].run = run;
        if (pthread_create(&workers[i].thread, NULL, work, &workers[i]) != 0) {
            int expected = FLEET_OK;
            atomic_compare_exchange_strong(&run->failed, &expected,
                                           FLEET_ERR_THREAD);
            break;
        }
        workers[i].started = true;
    }
    for (unsigned i = 0; i < threads; i++)
        if (workers[i].started)
            pthread_join(workers[i].thread, NULL);
    st = (enum fleet_status)atomic_load(&run->failed);
    if (st != FLEET_OK) {
        say(msg, size, "%s", fleet_status_message(st));
        goto done;
    }
    out->devices = p->devices;
    out->total = run->total;
    out->threads = threads;
    tally(run, out);

done:
    if (st != FLEET_OK)
        fleet_result_cleanup(out);
    if (run->dev_matrix != run->matrix)
        fec_matrix_free(run->dev_matrix);
    fec_matrix_free(run->matrix);
    free(run->stream);
    pthread_mutex_destroy(&run->lock);
    free(run);
    return st;
}

uint32_t fleet_class_c_heard(const struct fleet_session *s)
{
    uint32_t n = s->m + s->r;
    if (!n || !s->spacing_us)
        return 0;
    double wall_s =
        ((double)(n - 1) * (double)s->spacing_us + (double)s->time_on_air_us) /
        1e6;
    struct limits_timeout lt;
    if (limits_class_c_timeout(wall_s, &lt))
        return 0;
    uint64_t heard = limits_class_c_heard(s->spacing_us, s->time_on_air_us);
    return heard < n ? (uint32_t)heard : 0;
}

bool fleet_drops_after(const uint32_t *drop, size_t count, uint32_t heard,
                       uint32_t total, uint32_t **out, size_t *out_count)
{
    bool *lost = calloc((size_t)total + 1, sizeof(*lost));
    uint32_t *all = malloc(((size_t)total + 1) * sizeof(*all));
    if (!lost || !all) {
        free(lost);
        free(all);
        return false;
    }
    for (size_t i = 0; i < count; i++)
        if (drop[i] >= 1 && drop[i] <= total)
            lost[drop[i]] = true;
    for (uint32_t n = heard + 1; n <= total; n++)
        lost[n] = true;
    size_t k = 0;
    for (uint32_t n = 1; n <= total; n++)
        if (lost[n])
            all[k++] = n;
    free(lost);
    *out = all;
    *out_count = k;
    return true;
}
