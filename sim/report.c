#include "sim/report.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/json_out.h"
#include "sim/explain.h"

static const char *const device_status_names[] = {
#define X(id, name) [id] = name,
    BACKEND_DEVICE_STATUSES(X)
#undef X
};

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static uint64_t nearest_rank(const uint64_t *sorted, size_t n, unsigned pct)
{
    /* rank = ceil(pct / 100 * n), computed in integers */
    size_t rank = (size_t)(((uint64_t)pct * n + 99) / 100);
    if (rank < 1)
        rank = 1;
    return sorted[rank - 1];
}

void report_stats(uint64_t *values, size_t n, struct report_stats *out)
{
    memset(out, 0, sizeof(*out));
    out->count = n;
    if (n == 0)
        return;
    qsort(values, n, sizeof(*values), cmp_u64);
    /* Integer sum, then one division: the same bits whatever the order. */
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += values[i];
    out->min = values[0];
    out->max = values[n - 1];
    out->median = nearest_rank(values, n, 50);
    out->p90 = nearest_rank(values, n, 90);
    out->p99 = nearest_rank(values, n, 99);
    out->mean = (double)sum / (double)n;
}

static double us_to_ms(uint64_t us)
{
    return (double)us / 1000.0;
}

static uint64_t wall_time_us(const struct fleet_session *s, uint32_t sent)
{
    return fleet_end_time_us(s, sent);
}

struct collected {
    struct report_stats received, fragment, time_ms;
    uint32_t *hist; /* completions per fragment, index n */
};

static bool collect(const struct fleet_params *p, const struct fleet_result *r,
                    struct collected *c)
{
    memset(c, 0, sizeof(*c));
    size_t n = r->completed;
    uint64_t *v = malloc((n ? n : 1) * sizeof(*v));
    c->hist = calloc((size_t)r->total + 1, sizeof(*c->hist));
    if (!v || !c->hist) {
        free(v);
        free(c->hist);
        c->hist = NULL;
        return false;
    }
    size_t k = 0;
    for (size_t d = 0; d < r->devices; d++)
        if (r->dev[d].status == BACKEND_DEVICE_SUCCESSFUL)
            v[k++] = r->dev[d].received;
    report_stats(v, k, &c->received);
    k = 0;
    for (size_t d = 0; d < r->devices; d++)
        if (r->dev[d].status == BACKEND_DEVICE_SUCCESSFUL) {
            v[k++] = r->dev[d].done_at;
            if (r->dev[d].done_at <= r->total)
                c->hist[r->dev[d].done_at]++;
        }
    report_stats(v, k, &c->fragment);
    /* Completion time in whole ms is exact: convert the fragment stats. */
    k = 0;
    for (size_t d = 0; d < r->devices; d++)
        if (r->dev[d].status == BACKEND_DEVICE_SUCCESSFUL)
            v[k++] = fleet_heard_time_us(p->session, r->dev[d].done_at);
    report_stats(v, k, &c->time_ms);
    free(v);
    return true;
}

/* Statistics of fragment counts (US false) or of microseconds shown as
 * milliseconds (US true): figures to 2 decimals (a mean of fragments) or to
 * the microsecond; null when no device completed. */
static cJSON *stats_json(const struct report_stats *s, bool us)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    double f = us ? 1000.0 : 1.0;
    int decimals = us ? JSON_OUT_MS_DECIMALS : 2;
    const struct {
        const char *name;
        double v;
    } figures[] = {
        { "min", (double)s->min }, { "median", (double)s->median },
        { "p90", (double)s->p90 }, { "p99", (double)s->p99 },
        { "max", (double)s->max }, { "mean", s->mean },
    };
    cJSON_AddNumberToObject(o, "count", (double)s->count);
    for (size_t i = 0; i < sizeof(figures) / sizeof(figures[0]); i++)
        if (s->count)
            json_out_add_fixed(o, figures[i].name, figures[i].v / f, decimals);
        else
            cJSON_AddNullToObject(o, figures[i].name);
    return o;
}

/* What the user gave, echoed without binary noise (0.07 x 100). */
static void add_given(cJSON *o, const char *key, double v)
{
    json_out_add_fixed(o, key, v, 6);
}

void report_loss_json(cJSON *o, const struct loss_config *l)
{
    if (!o)
        return;
    add_given(o, "loss_percent", l->loss * 100.0);
    add_given(o, "burst_fragments", l->burst);
    add_given(o, "spread_percent", l->spread * 100.0);
    add_given(o, "shared_loss_percent", l->shared_loss * 100.0);
    cJSON_AddNumberToObject(o, "late_join_fragments", l->late_join);
}

static const char *mode_name(enum fleet_mode m)
{
    return m == FLEET_MODE_RANK ? "rank" : "full";
}

cJSON *report_to_json(const struct fleet_params *p,
                      const struct fleet_result *r)
{
    const struct fleet_session *s = p->session;
    struct collected c;
    if (!collect(p, r, &c))
        return NULL;
    cJSON *root = cJSON_CreateObject();
    cJSON *sim = cJSON_AddObjectToObject(root, "simulation");
    cJSON_AddNumberToObject(sim, "devices", (double)p->devices);
    cJSON_AddNumberToObject(sim, "seed", (double)p->seed);
    cJSON_AddStringToObject(sim, "mode", mode_name(p->mode));
    add_given(sim, "full_decode_sample_percent",
              p->mode == FLEET_MODE_RANK ? p->sample * 100.0 : 100.0);
    cJSON_AddBoolToObject(sim, "early_stop", p->early_stop);
    cJSON_AddBoolToObject(sim, "per_device_link_loss", p->device_loss != NULL);
    cJSON *loss = cJSON_AddObjectToObject(sim, "loss");
    report_loss_json(loss, &p->loss);
    cJSON_AddNumberToObject(loss, "burst_raised_devices",
                            (double)loss_burst_raised_count(
                                &p->loss, p->seed, p->devices, p->device_loss));
    cJSON *drop = cJSON_AddArrayToObject(loss, "drop");
    for (size_t i = 0; drop && i < p->loss.drop_count; i++)
        cJSON_AddItemToArray(drop, cJSON_CreateNumber(p->loss.drop[i]));
    cJSON *lim = cJSON_AddObjectToObject(sim, "device_limits");
    cJSON_AddNumberToObject(lim, "max_fragments", p->limits.max_fragments);
    cJSON_AddNumberToObject(lim, "max_lost", p->limits.max_lost);
    cJSON_AddNumberToObject(lim, "memory_bytes",
                            (double)p->limits.memory_bytes);
    cJSON *faults = explain_faults_json(p, r);
    if (faults && !cJSON_AddItemToObject(sim, "faults", faults)) {
        cJSON_Delete(faults);
        faults = NULL;
    }

    cJSON *ses = cJSON_AddObjectToObject(root, "session");
    cJSON_AddStringToObject(ses, "region", s->region ? s->region : "");
    cJSON_AddNumberToObject(ses, "data_rate", s->dr);
    cJSON_AddNumberToObject(ses, "image_bytes", (double)s->image_bytes);
    cJSON_AddNumberToObject(ses, "fragment_size_bytes", s->fragment_size);
    cJSON_AddNumberToObject(ses, "uncoded_fragments", s->m);
    cJSON_AddNumberToObject(ses, "redundancy_fragments", s->r);
    cJSON_AddNumberToObject(ses, "total_fragments", (double)s->m + s->r);
    cJSON_AddNumberToObject(ses, "padding_bytes", s->padding);
    cJSON_AddNumberToObject(ses, "redundancy_percent", s->redundancy_percent);
    cJSON_AddNumberToObject(ses, "fragment_interval_ms", s->interval_ms);
    json_out_add_ms(ses, "fragment_spacing_ms", us_to_ms(s->spacing_us));
    json_out_add_ms(ses, "time_on_air_ms", us_to_ms(s->time_on_air_us));
    json_out_add_percent(ses, "duty_cycle_percent", s->duty_cycle * 100.0);

    cJSON *dev = cJSON_AddObjectToObject(root, "devices");
    cJSON_AddNumberToObject(dev, "total", (double)r->devices);
    cJSON_AddNumberToObject(dev, "completed", (double)r->completed);
    cJSON_AddNumberToObject(dev, "failed", (double)r->failed);
    json_out_add_percent(
        dev, "completed_percent",
        r->devices ? 100.0 * (double)r->completed / (double)r->devices : 0.0);
    cJSON *by = cJSON_AddObjectToObject(dev, "by_status");
    for (size_t i = 0; by && i < BACKEND_DEVICE_STATUS_COUNT; i++)
        if (r->by_status[i])
            cJSON_AddNumberToObject(by, device_status_names[i],
                                    (double)r->by_status[i]);
    cJSON_AddNumberToObject(
        dev, "fully_decoded",
        (double)(p->mode == FLEET_MODE_RANK ? r->sampled : r->devices));
    cJSON_AddNumberToObject(dev, "internal_errors", (double)r->internal_errors);

    cJSON_AddItemToObject(root, "fragments_received_to_complete",
                          stats_json(&c.received, false));
    cJSON_AddItemToObject(root, "completion_fragment",
                          stats_json(&c.fragment, false));
    cJSON_AddItemToObject(root, "completion_time_ms",
                          stats_json(&c.time_ms, true));
    cJSON *hist = cJSON_AddArrayToObject(root, "completions_by_fragment");
    for (uint32_t n = 0; hist && n <= r->total; n++)
        if (c.hist[n]) {
            cJSON *pair = cJSON_CreateArray();
            cJSON_AddItemToArray(pair, cJSON_CreateNumber(n));
            cJSON_AddItemToArray(pair, cJSON_CreateNumber(c.hist[n]));
            cJSON_AddItemToArray(hist, pair);
        }

    cJSON *air = cJSON_AddObjectToObject(root, "airtime");
    cJSON_AddNumberToObject(air, "fragments_sent", r->sent);
    cJSON_AddNumberToObject(air, "fragments_saved", r->total - r->sent);
    json_out_add_ms(air, "used_ms", us_to_ms(s->time_on_air_us * r->sent));
    json_out_add_ms(air, "saved_ms",
                    us_to_ms(s->time_on_air_us * (r->total - r->sent)));
    cJSON_AddNumberToObject(air, "early_stop_at_fragment", r->stop_at);
    json_out_add_ms(air, "session_time_saved_ms",
                    us_to_ms(fleet_end_time_us(s, r->total) -
                             fleet_end_time_us(s, r->sent)));
    json_out_add_ms(root, "session_wall_time_ms",
                    us_to_ms(wall_time_us(s, r->sent)));
    cJSON *outcomes = explain_outcomes_json(p, r);
    if (outcomes && !cJSON_AddItemToObject(root, "outcomes", outcomes)) {
        cJSON_Delete(outcomes);
        outcomes = NULL;
    }
    free(c.hist);
    /* Any failed allocation above leaves a member out: report it. */
    if (!sim || !loss || !drop || !lim || !faults || !ses || !dev || !by ||
        !hist || !air || !outcomes ||
        !cJSON_GetObjectItemCaseSensitive(root, "session_wall_time_ms")) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

char *report_to_text(const struct fleet_params *p, const struct fleet_result *r,
                     bool pretty)
{
    cJSON *j = report_to_json(p, r);
    if (!j)
        return NULL;
    char *text = json_out_print(j, pretty);
    cJSON_Delete(j);
    return text;
}

static void fmt_duration(char *buf, size_t size, uint64_t us)
{
    uint64_t s = (us + 500000) / 1000000;
    if (s >= 3600)
        snprintf(buf, size, "%" PRIu64 " h %02" PRIu64 " min", s / 3600,
                 (s / 60) % 60);
    else if (s >= 60)
        snprintf(buf, size, "%" PRIu64 " min %02" PRIu64 " s", s / 60, s % 60);
    else
        snprintf(buf, size, "%.3f s", (double)us / 1e6);
}

/* The statistics of the devices that completed, or "none completed". */
static void print_completion(FILE *out, const struct collected *c)
{
    static const char *const names[] = {
        "fragments received until completion",
        "completed at fragment",
        "completion time (s)",
    };
    if (c->received.count == 0) {
        fprintf(out, "\n");
        for (size_t i = 0; i < 3; i++)
            fprintf(out, "%-36s %s\n", names[i], "none completed");
        return;
    }
    fprintf(out, "\n%-36s %7s %7s %7s %7s %7s %9s\n", "", "min", "median",
            "p90", "p99", "max", "mean");
    const struct report_stats *rows[] = { &c->received, &c->fragment };
    for (size_t i = 0; i < 2; i++)
        fprintf(out,
                "%-36s %7" PRIu64 " %7" PRIu64 " %7" PRIu64 " %7" PRIu64
                " %7" PRIu64 " %9.2f\n",
                names[i], rows[i]->min, rows[i]->median, rows[i]->p90,
                rows[i]->p99, rows[i]->max, rows[i]->mean);
    const struct report_stats *t = &c->time_ms;
    fprintf(out, "%-36s %7.0f %7.0f %7.0f %7.0f %7.0f %9.1f\n", names[2],
            (double)t->min / 1e6, (double)t->median / 1e6, (double)t->p90 / 1e6,
            (double)t->p99 / 1e6, (double)t->max / 1e6, t->mean / 1e6);
}

bool report_print_table(FILE *out, const struct fleet_params *p,
                        const struct fleet_result *r)
{
    const struct fleet_session *s = p->session;
    struct collected c;
    if (!collect(p, r, &c))
        return false;
    char a[64], b[64];
    fprintf(out,
            "Session   %s DR%d, %" PRIu64 " B image, %u x %u B "
            "fragments: %u uncoded + %u redundancy (%d %%)\n",
            s->region ? s->region : "?", s->dr, s->image_bytes, s->m,
            s->fragment_size, s->m, s->r, s->redundancy_percent);
    fmt_duration(a, sizeof(a), s->spacing_us);
    fprintf(out, "          one fragment every %s, %.3f ms on air\n", a,
            us_to_ms(s->time_on_air_us));
    fprintf(out, "Fleet     %zu devices, %s decode", r->devices,
            p->mode == FLEET_MODE_RANK ? "rank-only" : "full");
    if (p->mode == FLEET_MODE_RANK)
        fprintf(out, " (%zu fully decoded)", r->sampled);
    fprintf(out, ", seed %" PRIu64 "\n", p->seed);
    fprintf(out, "Loss      %.4g %% per device", p->loss.loss * 100.0);
    if (p->loss.burst > 0.0)
        fprintf(out, ", bursts of %.4g", p->loss.burst);
    if (p->loss.spread > 0.0)
        fprintf(out, ", spread %.4g %%", p->loss.spread * 100.0);
    if (p->loss.shared_loss > 0.0)
        fprintf(out, ", shared %.4g %%", p->loss.shared_loss * 100.0);
    if (p->loss.late_join)
        fprintf(out, ", late join %u", (unsigned)p->loss.late_join);
    if (p->loss.drop_count)
        fprintf(out, ", %zu dropped", p->loss.drop_count);
    size_t raised =
        loss_burst_raised_count(&p->loss, p->seed, p->devices, p->device_loss);
    if (raised)
        fprintf(out,
                "\n          %zu device(s) lose more than bursts of %.4g "
                "can reach: their bursts were lengthened to reach it",
                raised, p->loss.burst);
    fprintf(out, "\n");
    explain_print_faults(out, p);
    fprintf(out, "\n");
    fprintf(out, "Completed %zu of %zu (%.2f %%)\n", r->completed, r->devices,
            r->devices ? 100.0 * (double)r->completed / (double)r->devices
                       : 0.0);
    for (size_t i = 0; i < BACKEND_DEVICE_STATUS_COUNT; i++)
        if (r->by_status[i] && i != BACKEND_DEVICE_SUCCESSFUL)
            fprintf(out, "Failed    %zu %s\n", r->by_status[i],
                    device_status_names[i]);
    if (r->internal_errors)
        fprintf(out,
                "INTERNAL  %zu devices disagree with the full decoder "
                "or the image hash\n",
                r->internal_errors);
    print_completion(out, &c);
    fmt_duration(a, sizeof(a), wall_time_us(s, r->sent));
    fprintf(out, "\nSent      %u of %u fragments", r->sent, r->total);
    if (r->stop_at) {
        fmt_duration(b, sizeof(b),
                     fleet_end_time_us(s, r->total) -
                         fleet_end_time_us(s, r->sent));
        fprintf(out, " (early stop after fragment %u, %s sooner)", r->stop_at,
                b);
    }
    fprintf(out, "\nAirtime   %.1f s used",
            us_to_ms(s->time_on_air_us * r->sent) / 1000.0);
    fmt_duration(b, sizeof(b), s->time_on_air_us * (r->total - r->sent));
    if (r->total > r->sent)
        fprintf(out, ", %s saved", b);
    fprintf(out, "\nWall time %s\n", a);
    free(c.hist);
    return explain_print(out, p, r);
}

bool report_write_csv(FILE *out, const struct fleet_params *p,
                      const struct fleet_result *r)
{
    fprintf(out, "device,status,own_loss_percent,fragments_received,"
                 "uncoded_lost,done_at_fragment,done_time_ms,full_decode\n");
    for (size_t d = 0; d < r->devices; d++) {
        const struct fleet_device_result *x = &r->dev[d];
        struct loss_device ld;
        loss_device_init(&ld, &p->loss, p->seed, d,
                         p->device_loss ? p->device_loss[d] : -1.0);
        uint64_t t = fleet_device_done_us(p->session, x, r->sent);
        fprintf(out, "%zu,%s,%.4f,%u,%u,%u,%.3f,%s\n", d,
                device_status_names[x->status], ld.device_loss * 100.0,
                x->received, x->lost, x->done_at, us_to_ms(t),
                p->mode == FLEET_MODE_FULL || x->sampled ? "yes" : "no");
        if (ferror(out))
            return false;
    }
    return !ferror(out);
}
