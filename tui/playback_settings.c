#include "tui/playback_settings.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/number.h"
#include "core/region.h"
#include "sim/fault.h"
#include "sim/loss.h"
#include "sim/scenario.h"

static const struct {
    const char *group, *label;
    enum pb_kind kind;
    int width;
    const char *help;
} fields[PB_FIELD_COUNT] = {
#define X(id, group, label, kind, width, help)                                 \
    [id] = { group, label, kind, width, help },
    PB_FIELDS(X)
#undef X
};

const char *pb_field_group(enum pb_field f)
{
    return f < PB_FIELD_COUNT ? fields[f].group : "";
}

const char *pb_field_label(enum pb_field f)
{
    return f < PB_FIELD_COUNT ? fields[f].label : "";
}

enum pb_kind pb_field_kind(enum pb_field f)
{
    return f < PB_FIELD_COUNT ? fields[f].kind : PB_TEXT;
}

int pb_field_width(enum pb_field f)
{
    return f < PB_FIELD_COUNT ? fields[f].width : 0;
}

const char *pb_field_help(enum pb_field f)
{
    return f < PB_FIELD_COUNT ? fields[f].help : "";
}

size_t pb_dr_choices(const char *region, int *drs, size_t max)
{
    size_t n = 0;
    if (max == 0)
        return 0;
    drs[n++] = -1;
    const struct region *r = region ? region_find(region) : NULL;
    for (size_t i = 0; r && i < r->dr_count && n < max; i++)
        if (region_dr_carries_fragments(&r->drs[i]))
            drs[n++] = r->drs[i].dr;
    return n;
}

bool pb_settings_init(struct pb_settings *s)
{
    memset(s, 0, sizeof(*s));
    s->dr = -1;
    s->mode = FLEET_MODE_RANK;
    s->class_c_limit = true;
    static const char *const defaults[PB_FIELD_COUNT] = {
        [PBF_DEVICES] = "100", [PBF_LOSS] = "0",   [PBF_BURST] = "0",
        [PBF_SPREAD] = "0",    [PBF_SHARED] = "0", [PBF_LATE_JOIN] = "0",
        [PBF_SEED] = "1",
    };
    for (int f = 0; f < PB_FIELD_COUNT; f++) {
        s->text[f] = strdup(defaults[f] ? defaults[f] : "");
        if (!s->text[f]) {
            pb_settings_cleanup(s);
            return false;
        }
    }
    return true;
}

void pb_settings_cleanup(struct pb_settings *s)
{
    for (int f = 0; f < PB_FIELD_COUNT; f++) {
        free(s->text[f]);
        s->text[f] = NULL;
    }
}

bool pb_settings_set(struct pb_settings *s, enum pb_field f, const char *text)
{
    if (f >= PB_FIELD_COUNT || strlen(text) > PB_TEXT_MAX)
        return false;
    char *copy = strdup(text);
    if (!copy)
        return false;
    free(s->text[f]);
    s->text[f] = copy;
    return true;
}

static void field_error(struct pb_settings *s, enum pb_field f, const char *fmt,
                        ...) __attribute__((format(printf, 3, 4)));

static void field_error(struct pb_settings *s, enum pb_field f, const char *fmt,
                        ...)
{
    if (s->error[f][0])
        return; /* the first problem of a field is the one to fix */
    int n = snprintf(s->error[f], PB_ERROR_MAX, "%s: ", fields[f].label);
    if (n < 0 || n >= PB_ERROR_MAX)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->error[f] + n, PB_ERROR_MAX - (size_t)n, fmt, ap);
    va_end(ap);
}

/* A whole number in lo..hi; `optional`: empty means 0 (no limit). */
static bool whole(struct pb_settings *s, enum pb_field f, uint64_t lo,
                  uint64_t hi, bool optional, uint64_t *out)
{
    const char *t = s->text[f];
    *out = 0;
    if (optional && (!*t || strcmp(t, "0") == 0))
        return true;
    if (!*t) {
        field_error(s, f, "required: a whole number from %llu to %llu",
                    (unsigned long long)lo, (unsigned long long)hi);
        return false;
    }
    long long v;
    if (number_parse_int(t, (long long)lo, (long long)hi, &v) == NUMBER_OK) {
        *out = (uint64_t)v;
    } else {
        field_error(s, f, "'%.40s' is not a whole number from %llu to %llu%s",
                    t, (unsigned long long)lo, (unsigned long long)hi,
                    optional ? " (0 = no limit)" : "");
        return false;
    }
    return true;
}

static bool decimal(struct pb_settings *s, enum pb_field f, double lo,
                    double hi, const char *what, double *out)
{
    const char *t = s->text[f];
    *out = 0.0;
    if (number_parse_double(t, lo, hi, out) != NUMBER_OK) {
        field_error(s, f, "'%.40s' is not %s from %g to %g%s", t, what, lo, hi,
                    *t ? "" : " (required)");
        return false;
    }
    return true;
}

/* "mic-error:5,wrong-descriptor:2" (sim/fault.h's NAME:PCT, comma
 * separated; blanks around the items allowed). */
static bool faults(struct pb_settings *s, struct fault_config *out)
{
    fault_config_init(out);
    const char *p = s->text[PBF_FAULTS];
    while (*p) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, ",");
        char item[64];
        size_t n = len;
        while (n && p[n - 1] == ' ')
            n--;
        if (n == 0) {
            field_error(s, PBF_FAULTS,
                        "an empty item: give NAME:PCT, e.g. mic-error:5");
            return false;
        }
        if (n >= sizeof(item)) {
            field_error(s, PBF_FAULTS, "'%.40s...' is not NAME:PCT", p);
            return false;
        }
        memcpy(item, p, n);
        item[n] = '\0';
        char msg[PB_ERROR_MAX];
        if (!fault_parse(item, out, msg, sizeof(msg))) {
            field_error(s, PBF_FAULTS, "%s", msg);
            return false;
        }
        p += len;
        if (*p == ',' && !p[1]) {
            field_error(s, PBF_FAULTS, "a ',' with nothing after it");
            return false;
        }
        if (*p == ',')
            p++;
    }
    return true;
}

static enum pb_field loss_field(enum loss_status st)
{
    switch (st) {
    case LOSS_ERR_LOSS:
        return PBF_LOSS;
    case LOSS_ERR_BURST:
    case LOSS_ERR_BURST_SHORT:
        return PBF_BURST;
    case LOSS_ERR_SPREAD:
    case LOSS_ERR_SPREAD_WIDE:
        return PBF_SPREAD;
    case LOSS_ERR_SHARED:
        return PBF_SHARED;
    case LOSS_ERR_LATE_JOIN:
        return PBF_LATE_JOIN;
    default:
        return PBF_DROP;
    }
}

void pb_run_cleanup(struct pb_run *r)
{
    free(r->drop);
    memset(r, 0, sizeof(*r));
}

/* The session of the request: what fleet_session_from_task says, on the
 * field it is about. */
static bool check_session(struct pb_settings *s, const struct fuota_task *req,
                          struct pb_run *out)
{
    struct diag_list diags;
    diag_list_init(&diags);
    bool ok = fleet_session_from_task(req, out->image_bytes, s->dr,
                                      &out->session, &diags);
    for (size_t i = 0; !ok && i < diags.count; i++) {
        const struct diag *d = &diags.items[i];
        if (d->severity != DIAG_ERROR)
            continue;
        char line[DIAG_PATH_MAX + DIAG_MESSAGE_MAX + 8];
        diag_format(d, line, sizeof(line));
        if (strcmp(d->path, "image") == 0 ||
            strcmp(d->rule, "too-many-fragments") == 0)
            field_error(s, PBF_IMAGE, "%s", line);
        else if (strcmp(d->path, "dr") == 0 ||
                 strcmp(d->rule, "fragment-too-large") == 0)
            field_error(s, PBF_DR, "%s", line);
        else if (!s->request_error[0])
            snprintf(s->request_error, sizeof(s->request_error), "%s", line);
    }
    if (!ok && !s->request_error[0] && !s->error[PBF_IMAGE][0] &&
        !s->error[PBF_DR][0])
        snprintf(s->request_error, sizeof(s->request_error),
                 "the request cannot be played");
    diag_list_cleanup(&diags);
    return ok;
}

/* Adds the fragments after out->class_c_heard to the drop list, each
 * fragment once (the typed ones kept). False on out of memory. */
static bool class_c_drops(struct pb_run *out)
{
    uint32_t *all;
    size_t count;
    if (!fleet_drops_after(out->drop, out->drop_count, out->class_c_heard,
                           out->session.m + out->session.r, &all, &count))
        return false;
    free(out->drop);
    out->drop = all;
    out->drop_count = count;
    return true;
}

bool pb_settings_check(struct pb_settings *s, const struct fuota_task *request,
                       struct pb_run *out)
{
    memset(s->error, 0, sizeof(s->error));
    s->request_error[0] = '\0';
    memset(out, 0, sizeof(*out));
    struct fleet_params *p = &out->params;
    fleet_params_init(p);
    uint64_t v;
    bool ok = true;

    ok &= whole(s, PBF_DEVICES, 1, PB_DEVICES_MAX, false, &v);
    p->devices = (size_t)v;
    ok &= whole(s, PBF_IMAGE, 1, PB_IMAGE_MAX, false, &out->image_bytes);
    double d;
    ok &= decimal(s, PBF_LOSS, 0, 100, "a percentage", &d);
    p->loss.loss = d / 100.0;
    ok &= decimal(s, PBF_BURST, 0, 1e6, "a mean burst length", &d);
    p->loss.burst = d;
    ok &= decimal(s, PBF_SPREAD, 0, 100, "a percentage", &d);
    p->loss.spread = d / 100.0;
    ok &= decimal(s, PBF_SHARED, 0, 100, "a percentage", &d);
    p->loss.shared_loss = d / 100.0;
    ok &= whole(s, PBF_LATE_JOIN, 0, LOSS_FRAGMENT_MAX, false, &v);
    p->loss.late_join = (uint32_t)v;
    if (s->text[PBF_DROP][0]) {
        char msg[PB_ERROR_MAX];
        if (loss_parse_drop(s->text[PBF_DROP], &out->drop, &out->drop_count,
                            msg, sizeof(msg)) != LOSS_OK) {
            field_error(s, PBF_DROP, "%s", msg);
            ok = false;
        }
    }
    p->loss.drop = out->drop;
    p->loss.drop_count = out->drop_count;
    ok &= faults(s, &p->faults);
    ok &= whole(s, PBF_MAX_FRAGS, 1, LOSS_FRAGMENT_MAX, true, &v);
    p->limits.max_fragments = (uint32_t)v;
    ok &= whole(s, PBF_MAX_FRAG_SIZE, 1, 255, true, &v);
    p->limits.max_frag_size = (uint32_t)v;
    ok &= whole(s, PBF_MAX_LOST, 1, LOSS_FRAGMENT_MAX, true, &v);
    p->limits.max_lost = (uint32_t)v;
    ok &= whole(s, PBF_MEMORY, 1, 1ull << 40, true, &p->limits.memory_bytes);
    ok &= whole(s, PBF_SEED, 0, PB_SEED_MAX, false, &p->seed);
    p->mode = s->mode;
    p->early_stop = s->early_stop;

    /* The loss models together (burst against loss, spread against
     * loss), once each value is a number. */
    bool numbers = !s->error[PBF_LOSS][0] && !s->error[PBF_BURST][0] &&
                   !s->error[PBF_SPREAD][0] && !s->error[PBF_SHARED][0] &&
                   !s->error[PBF_LATE_JOIN][0] && !s->error[PBF_DROP][0];
    if (numbers) {
        char msg[PB_ERROR_MAX];
        enum loss_status ls = loss_config_check(&p->loss, msg, sizeof(msg));
        if (ls != LOSS_OK) {
            field_error(s, loss_field(ls), "%s", msg);
            ok = false;
        }
    }
    if (!s->error[PBF_IMAGE][0]) {
        if (check_session(s, request, out)) {
            p->session = &out->session;
            uint32_t total = out->session.m + out->session.r;
            for (size_t i = 0; i < out->drop_count; i++)
                if (out->drop[i] > total) {
                    field_error(s, PBF_DROP,
                                "fragment %u is beyond the session's %u "
                                "fragments",
                                (unsigned)out->drop[i], (unsigned)total);
                    ok = false;
                    break;
                }
            out->class_c_heard = fleet_class_c_heard(&out->session);
            if (ok && s->class_c_limit && out->class_c_heard &&
                !class_c_drops(out)) {
                snprintf(s->request_error, sizeof(s->request_error),
                         "out of memory");
                ok = false;
            }
            p->loss.drop = out->drop;
            p->loss.drop_count = out->drop_count;
        } else {
            ok = false;
        }
    }
    if (!ok) {
        pb_run_cleanup(out);
        return false;
    }
    return true;
}

enum pb_field pb_settings_first_error(const struct pb_settings *s)
{
    for (int f = 0; f < PB_FIELD_COUNT; f++)
        if (s->error[f][0])
            return (enum pb_field)f;
    return PB_FIELD_COUNT;
}

/* --- scenarios ------------------------------------------------------------
 */

static bool set_num(struct pb_settings *s, enum pb_field f, double v)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "%.10g", v);
    return pb_settings_set(s, f, buf);
}

static bool set_u64(struct pb_settings *s, enum pb_field f, uint64_t v,
                    bool zero_empty)
{
    char buf[32] = "";
    if (v || !zero_empty)
        snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
    return pb_settings_set(s, f, buf);
}

/* "3,17,200" into a heap string (caller frees); NULL on out of memory. */
static char *join_drops(const uint32_t *d, size_t n)
{
    char *out = malloc(n * 11 + 1);
    if (!out)
        return NULL;
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(out + used, 12, "%s%u", i ? "," : "",
                                 (unsigned)d[i]);
    return out;
}

bool pb_settings_apply_scenario(struct pb_settings *s,
                                const struct scenario *sc,
                                const struct fuota_task *request, char *err,
                                size_t errsize)
{
    const struct loss_config *l = &sc->loss;
    bool ok =
        set_u64(s, PBF_DEVICES,
                scenario_has(sc, SCN_DEVICES) ? sc->devices : 100, false) &&
        (!scenario_has(sc, SCN_IMAGE_SIZE) ||
         set_u64(s, PBF_IMAGE, sc->image_size, false)) &&
        set_num(s, PBF_LOSS, l->loss * 100.0) &&
        set_num(s, PBF_BURST, l->burst) &&
        set_num(s, PBF_SPREAD, l->spread * 100.0) &&
        set_num(s, PBF_SHARED, l->shared_loss * 100.0) &&
        set_u64(s, PBF_LATE_JOIN, l->late_join, false) &&
        set_u64(s, PBF_MAX_FRAGS, sc->limits.max_fragments, true) &&
        set_u64(s, PBF_MAX_FRAG_SIZE, sc->limits.max_frag_size, true) &&
        set_u64(s, PBF_MAX_LOST, sc->limits.max_lost, true) &&
        set_u64(s, PBF_MEMORY, sc->limits.memory_bytes, true);
    char faults[512] = "";
    size_t used = 0;
    for (int f = FAULT_NONE + 1; f < FAULT_COUNT && used < sizeof(faults); f++)
        if (sc->faults.share[f] > 0.0)
            used += (size_t)snprintf(faults + used, sizeof(faults) - used,
                                     "%s%s:%.10g", used ? "," : "",
                                     fault_name((enum fault)f),
                                     sc->faults.share[f] * 100.0);
    ok = ok && pb_settings_set(s, PBF_FAULTS, faults);
    if (!ok) {
        snprintf(err, errsize, "out of memory");
        return false;
    }
    /* The drop list, with the fragments of the outages: they depend on
     * the session's spacing, so on the request, the image and the DR. */
    uint32_t *drops = NULL;
    size_t count = 0;
    if (sc->outage_count) {
        struct diag_list d;
        diag_list_init(&d);
        struct fleet_session fs;
        char *end;
        uint64_t image = strtoull(s->text[PBF_IMAGE], &end, 10);
        bool session = image > 0 && !*end &&
                       fleet_session_from_task(request, image, s->dr, &fs, &d);
        diag_list_cleanup(&d);
        if (!session) {
            snprintf(err, errsize,
                     "the scenario's gateway outages need a session to "
                     "place them: fix the request or the image size first");
            return false;
        }
        if (!scenario_drops(sc, &fs, sc->drop, sc->drop_count, &drops,
                            &count)) {
            snprintf(err, errsize, "out of memory");
            return false;
        }
    } else if (sc->drop_count) {
        drops = malloc(sc->drop_count * sizeof(*drops));
        if (!drops) {
            snprintf(err, errsize, "out of memory");
            return false;
        }
        memcpy(drops, sc->drop, sc->drop_count * sizeof(*drops));
        count = sc->drop_count;
    }
    char *text = join_drops(drops, count);
    free(drops);
    ok = text && strlen(text) <= PB_TEXT_MAX &&
         pb_settings_set(s, PBF_DROP, text);
    free(text);
    if (!ok) {
        snprintf(err, errsize,
                 "the scenario's drop list is longer than the "
                 "panel takes");
        return false;
    }
    return true;
}
