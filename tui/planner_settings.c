#include "tui/planner_settings.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/number.h"

static const struct {
    const char *label, *help;
} fields[PL_FIELD_COUNT] = {
#define X(id, label, help) [id] = { label, help },
    PL_FIELDS(X)
#undef X
};

const char *pl_field_label(enum pl_field f)
{
    return f < PL_FIELD_COUNT ? fields[f].label : "";
}

const char *pl_field_help(enum pl_field f)
{
    return f < PL_FIELD_COUNT ? fields[f].help : "";
}

void pl_loss_range(double expected, char *buf, size_t size)
{
    if (expected >= 0.0 && expected <= 30.0 && fmod(expected, 5.0) == 0.0) {
        snprintf(buf, size, "0:30:5");
        return;
    }
    double from = expected - 15.0, to = expected + 15.0;
    if (from < 0.0)
        from = fmod(expected, 5.0);
    if (to > 100.0)
        to = 100.0;
    snprintf(buf, size, "%g:%g:5", from, to);
}

void pl_settings_init(struct pl_settings *s, const struct pl_wizard *w)
{
    memset(s, 0, sizeof(*s));
    static const char *const defaults[PL_FIELD_COUNT] = {
        [PLF_REDUNDANCY] = "0:100:5",
        [PLF_LOSS] = "0:30:5",
        [PLF_BURST] = "0",
        [PLF_SPREAD] = "0",
        [PLF_SHARED] = "0",
        [PLF_LATE_JOIN] = "0",
        [PLF_DEVICES] = "1",
        [PLF_TARGET] = "99",
        [PLF_TRIALS] = "1000",
        [PLF_SEED] = "1",
    };
    for (int f = 0; f < PL_FIELD_COUNT; f++)
        snprintf(s->text[f], sizeof(s->text[f]), "%s",
                 defaults[f] ? defaults[f] : "");
    double loss;
    if (w->loss && number_parse_double(w->loss, 0, 100, &loss) == NUMBER_OK)
        pl_loss_range(loss, s->text[PLF_LOSS], sizeof(s->text[PLF_LOSS]));
    long long size;
    if (w->fragment_size &&
        number_parse_int(w->fragment_size, 1, 255, &size) == NUMBER_OK)
        snprintf(s->text[PLF_SIZES], sizeof(s->text[PLF_SIZES]), "%lld", size);
    if (w->image_bytes)
        snprintf(s->text[PLF_IMAGE], sizeof(s->text[PLF_IMAGE]), "%llu",
                 (unsigned long long)w->image_bytes);
}

bool pl_settings_set(struct pl_settings *s, enum pl_field f, const char *text)
{
    if (f >= PL_FIELD_COUNT || strlen(text) > PL_TEXT_MAX)
        return false;
    snprintf(s->text[f], sizeof(s->text[f]), "%s", text);
    return true;
}

/* --- checking ------------------------------------------------------------ */

struct check {
    const struct pl_settings *s;
    enum pl_field *field;
    char *err;
    size_t size;
};

static bool refuse(struct check *c, enum pl_field f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool refuse(struct check *c, enum pl_field f, const char *fmt, ...)
{
    *c->field = f;
    int n = f < PL_FIELD_COUNT
                ? snprintf(c->err, c->size, "%s: ", fields[f].label)
                : 0;
    if (n < 0 || (size_t)n >= c->size)
        return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err + n, c->size - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

static bool whole(struct check *c, enum pl_field f, unsigned long long lo,
                  unsigned long long hi, uint64_t *out)
{
    const char *t = c->s->text[f];
    long long v;
    if (!*t)
        return refuse(c, f, "required: a whole number from %llu to %llu", lo,
                      hi);
    if (number_parse_int(t, (long long)lo, (long long)hi, &v) != NUMBER_OK)
        return refuse(c, f, "'%s' is not a whole number from %llu to %llu", t,
                      lo, hi);
    *out = (uint64_t)v;
    return true;
}

static bool decimal(struct check *c, enum pl_field f, double lo, double hi,
                    double *out)
{
    const char *t = c->s->text[f];
    if (!*t)
        return refuse(c, f, "required: a number from %.15g to %.15g", lo, hi);
    if (number_parse_double(t, lo, hi, out) != NUMBER_OK)
        return refuse(c, f, "'%s' is not a number from %.15g to %.15g", t, lo,
                      hi);
    return true;
}

/* One number of a range: a plain decimal of any size (the sweep says
 * which are out of range, naming FROM, TO or STEP). */
static bool range_part(const char *text, size_t len, double *out)
{
    char part[PL_TEXT_MAX + 1];
    if (len == 0 || len >= sizeof(part))
        return false;
    memcpy(part, text, len);
    part[len] = '\0';
    return number_parse_double(part, -1e9, 1e9, out) == NUMBER_OK;
}

/* "FROM:TO:STEP", or one number (a single level). */
static bool range(struct check *c, enum pl_field f, struct sweep_range *r)
{
    const char *t = c->s->text[f];
    const char *c1 = strchr(t, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    bool ok;
    if (!c1) {
        ok = range_part(t, strlen(t), &r->from);
        r->to = r->from;
        r->step = 1;
    } else {
        ok = c2 && !strchr(c2 + 1, ':') &&
             range_part(t, (size_t)(c1 - t), &r->from) &&
             range_part(c1 + 1, (size_t)(c2 - c1 - 1), &r->to) &&
             range_part(c2 + 1, strlen(c2 + 1), &r->step);
    }
    if (!ok)
        return refuse(c, f,
                      "'%s' is not FROM:TO:STEP (three numbers, as 0:30:5) "
                      "or one number",
                      t);
    return true;
}

/* "48,100,200": whole numbers 1..255 (the sweep refuses a repeat). */
static bool sizes(struct check *c, uint32_t *out, size_t *count)
{
    const char *t = c->s->text[PLF_SIZES];
    *count = 0;
    if (!*t)
        return true;
    for (const char *p = t;;) {
        size_t len = strcspn(p, ",");
        char item[PL_TEXT_MAX + 1];
        long long v;
        if (*count == SWEEP_SIZES_MAX)
            return refuse(c, PLF_SIZES, "more than %u sizes", SWEEP_SIZES_MAX);
        memcpy(item, p, len);
        item[len] = '\0';
        if (number_parse_int(item, 1, 255, &v) != NUMBER_OK)
            return refuse(c, PLF_SIZES,
                          "'%s' is not a whole number of bytes from 1 to 255",
                          item);
        out[(*count)++] = (uint32_t)v;
        if (p[len] == '\0')
            return true;
        p += len + 1;
    }
}

/* The sweep's parameter names (sweep_check) and the fields they are. */
static enum pl_field field_of(const char *param)
{
    static const struct {
        const char *param;
        enum pl_field field;
    } map[] = {
        { "redundancy", PLF_REDUNDANCY },
        { "loss", PLF_LOSS },
        { "grid", PLF_LOSS },
        { "fragment-size", PLF_SIZES },
        { "image-size", PLF_IMAGE },
        { "burst", PLF_BURST },
        { "spread", PLF_SPREAD },
        { "shared-loss", PLF_SHARED },
        { "late-join", PLF_LATE_JOIN },
        { "devices", PLF_DEVICES },
        { "target", PLF_TARGET },
        { "trials", PLF_TRIALS },
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i].param, param) == 0)
            return map[i].field;
    return PL_FIELD_COUNT;
}

bool pl_settings_check(const struct pl_settings *s,
                       const struct pl_request *req, struct pl_plan *out,
                       enum pl_field *field, char *err, size_t size)
{
    struct check c = { s, field, err, size };
    *field = PL_FIELD_COUNT;
    if (size)
        err[0] = '\0';
    memset(out, 0, sizeof(*out));
    struct sweep_params *p = &out->params;
    sweep_params_init(p);
    uint64_t v;
    if (!range(&c, PLF_REDUNDANCY, &p->redundancy) ||
        !range(&c, PLF_LOSS, &p->loss) ||
        !sizes(&c, out->sizes, &p->fragment_size_count) ||
        !whole(&c, PLF_IMAGE, 1, SWEEP_IMAGE_MAX, &p->image_bytes) ||
        !decimal(&c, PLF_BURST, 0, 1e6, &p->burst) ||
        !decimal(&c, PLF_SPREAD, 0, 100, &p->spread) ||
        !decimal(&c, PLF_SHARED, 0, 100, &p->shared_loss) ||
        !whole(&c, PLF_LATE_JOIN, 0, 16383, &v))
        return false;
    p->late_join = (uint32_t)v;
    if (!whole(&c, PLF_DEVICES, 1, SWEEP_DEVICES_MAX, &p->devices) ||
        !decimal(&c, PLF_TARGET, 0, 100, &p->target) ||
        !whole(&c, PLF_TRIALS, 1, SWEEP_TRIALS_MAX, &p->trials) ||
        !whole(&c, PLF_SEED, 0, PL_SEED_MAX, &p->seed))
        return false;
    p->fragment_sizes = p->fragment_size_count ? out->sizes : NULL;
    p->target_kind = p->devices > 1 ? SWEEP_TARGET_FLEET : SWEEP_TARGET_SHARE;
    if (req->region)
        snprintf(out->region, sizeof(out->region), "%s", req->region);
    p->region = req->region ? out->region : NULL;
    out->dr = req->dr;
    p->drs = req->dr >= 0 ? &out->dr : NULL;
    p->dr_count = req->dr >= 0 ? 1 : 0;
    p->has_interval = req->has_interval;
    p->interval_ms = req->interval_ms;

    const char *param = "";
    char msg[PL_ERROR_MAX];
    if (sweep_check(p, &param, msg, sizeof(msg)) != SWEEP_OK) {
        enum pl_field f = field_of(param);
        if (f == PL_FIELD_COUNT)
            return refuse(&c, f, "the request cannot be planned: %s: %s",
                          strcmp(param, "dr") == 0       ? "data rate"
                          : strcmp(param, "region") == 0 ? "RfRegion"
                          : strcmp(param, "interval") == 0
                              ? "FragmentIntervalMS"
                              : param,
                          msg);
        return refuse(&c, f, "%s", msg);
    }
    double levels =
        floor((p->loss.to - p->loss.from) / p->loss.step + 1e-9) + 1;
    if (levels > PL_CURVES_MAX)
        return refuse(&c, PLF_LOSS,
                      "%s gives %.0f loss levels; the chart draws at most %d "
                      "curves: use a larger STEP or a narrower range",
                      s->text[PLF_LOSS], levels, PL_CURVES_MAX);
    return true;
}
