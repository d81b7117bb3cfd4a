#include "tui/preview.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/region.h"
#include "core/units.h"
#include "tui/app.h"
#include "tui/ui.h"

static size_t add(struct preview_line *lines, size_t n, size_t max,
                  enum tui_role role, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static size_t add(struct preview_line *lines, size_t n, size_t max,
                  enum tui_role role, const char *label, const char *fmt, ...)
{
    if (n >= max)
        return n;
    struct preview_line *l = &lines[n];
    snprintf(l->label, sizeof(l->label), "%s", label);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->value, sizeof(l->value), fmt, ap);
    va_end(ap);
    l->role = role;
    return n + 1;
}

static const struct region_dr *model_dr(const struct model *m)
{
    const struct region *r = m->region ? region_find(m->region) : NULL;
    if (!r)
        return NULL;
    return m->dr < 0 ? region_default_dr(r) : region_dr(r, m->dr);
}

const char *preview_title(const struct model *m, char *buf, size_t size)
{
    const struct region_dr *d = model_dr(m);
    if (!d) {
        snprintf(buf, size, "Preview");
        return buf;
    }
    char desc[48];
    region_dr_describe(d, desc, sizeof(desc));
    snprintf(buf, size, "Preview %s %s DR%d %s", "\xc2\xb7", m->region, d->dr,
             desc);
    return buf;
}

static size_t unplanned(const struct model *m, struct preview_line *l,
                        size_t max)
{
    size_t n = 0;
    const struct region_dr *d = model_dr(m);
    if (d && region_dr_carries_fragments(d))
        n = add(l, n, max, ROLE_NORMAL, "fragment max", "%d B at DR%d",
                d->max_fragment_bytes, d->dr);
    else if (d)
        n = add(l, n, max, ROLE_FIELD_ERROR, "fragment max",
                "DR%d cannot carry fragments", d->dr);
    else
        n = add(l, n, max, ROLE_DIM, "region",
                "not set: figures depend on "
                "it");
    if (!m->image_known) {
        n = add(l, n, max, ROLE_DIM, "image", "not given");
        n = add(l, n, max, ROLE_DIM, "",
                "Give the firmware file or its "
                "size under Planning");
        n = add(l, n, max, ROLE_DIM, "",
                "to see fragments, time on air "
                "and session time.");
        return n;
    }
    if (m->plan_status == PLAN_INVALID_REQUEST) {
        /* Name the member(s) to fix rather than the three it may be. */
        static const enum model_field members[] = { F_FRAGMENT_SIZE,
                                                    F_REDUNDANCY, F_INTERVAL };
        char which[96] = "";
        size_t used = 0;
        for (size_t i = 0; i < 3; i++) {
            const struct diag *bad = model_field_diag(m, members[i]);
            if (bad && bad->severity == DIAG_ERROR && used < sizeof(which))
                used += (size_t)snprintf(which + used, sizeof(which) - used,
                                         "%s%s", used ? ", " : "",
                                         model_field_label(members[i]));
        }
        if (used) {
            n = add(l, n, max, ROLE_FIELD_ERROR, "cannot plan",
                    "fix %s first (marked in the form)", which);
            return n;
        }
    }
    n = add(l, n, max, ROLE_FIELD_ERROR, "cannot plan", "%s",
            plan_status_message(m->plan_status));
    return n;
}

size_t preview_lines(const struct model *m, struct preview_line *l, size_t max)
{
    if (!m->planned)
        return unplanned(m, l, max);
    const struct plan *p = &m->plan;
    char a[UNITS_BUF], b[UNITS_BUF];
    size_t n = 0;
    if (m->image_name[0])
        n = add(l, n, max, ROLE_NORMAL, "image", "%" PRIu64 " B  %s",
                p->image_bytes, m->image_name);
    else
        n = add(l, n, max, ROLE_NORMAL, "image", "%" PRIu64 " B (%s)",
                p->image_bytes, units_bytes(p->image_bytes, a, sizeof(a)));
    bool over = p->total_fragments > PLAN_MAX_FRAGMENTS;
    n = add(l, n, max, over ? ROLE_FIELD_ERROR : ROLE_NORMAL, "fragments",
            "%" PRIu64 " + %" PRIu64 " = %" PRIu64 "   %s %d",
            p->uncoded_fragments, p->redundancy_fragments, p->total_fragments,
            over ? ">" : "\xe2\x89\xa4", PLAN_MAX_FRAGMENTS);
    bool too_big = p->fragment_size_bytes > p->max_fragment_bytes;
    n = add(l, n, max, too_big ? ROLE_FIELD_ERROR : ROLE_NORMAL, "fragment",
            "%d B%s  (DR%d carries %d)", p->fragment_size_bytes,
            p->assumed.fragment_size ? " assumed" : "", p->dr->dr,
            p->max_fragment_bytes);
    n = add(l, n, max, ROLE_NORMAL, "padding",
            "%" PRIu64 " B in the last fragment", p->padding_bytes);
    if (p->airtime_known) {
        n = add(l, n, max, ROLE_NORMAL, "time on air", "%.3f ms each, %s",
                (double)p->time_on_air_us / 1000.0,
                units_duration((double)p->total_time_on_air_us / 1e6, a,
                               sizeof(a)));
        const char *by =
            p->duty_limited ? "set by the duty cycle"
            : p->has_interval && p->interval_ms * 1000 >= p->time_on_air_us
                ? NULL
                : "back to back";
        if (by)
            n = add(l, n, max, ROLE_NORMAL, "slot", "%s  (%s)",
                    units_duration((double)p->slot_us / 1e6, a, sizeof(a)), by);
        else
            n = add(l, n, max, ROLE_NORMAL, "slot", "%s  (interval %d ms)",
                    units_duration((double)p->slot_us / 1e6, a, sizeof(a)),
                    (int)p->interval_requested_ms);
        n = add(l, n, max, ROLE_TITLE, "session", "%s",
                units_duration(p->session_wall_time_s, a, sizeof(a)));
        /* TS005: a Class C session lasts at most 2^15 s (core/limits). */
        if (p->timeout.fits)
            n = add(l, n, max, ROLE_NORMAL, "session limit",
                    "2^%d s (%s) covers it", p->timeout.exp,
                    units_duration((double)p->timeout.timeout_s, b, sizeof(b)));
        else
            n = add(l, n, max, ROLE_FIELD_WARNING, "session limit",
                    "none covers it: devices leave after fragment %llu",
                    (unsigned long long)p->fragments_within_timeout);
    } else {
        n = add(l, n, max, ROLE_FIELD_ERROR, "time on air",
                "none: a frame above 255 bytes cannot be sent");
    }
    if (p->duty_cycle > 0.0) {
        char band[16] = "";
        if (p->sub_band)
            snprintf(band, sizeof(band), " (%s)", p->sub_band->name);
        n = add(l, n, max, p->duty_limited ? ROLE_FIELD_WARNING : ROLE_NORMAL,
                "duty cycle", "%g %%%s, uses %.2f %%", p->duty_cycle * 100.0,
                band, p->duty_cycle_used_percent);
    } else if (p->region->duty_cycle.kind == REGION_DUTY_LOCAL) {
        n = add(l, n, max, ROLE_NORMAL, "duty cycle",
                "local rules (check the country)");
    } else {
        n = add(l, n, max, ROLE_NORMAL, "duty cycle", "no limit");
    }
    n = add(l, n, max, ROLE_NORMAL, "device RAM", "%s + %s image",
            units_bytes(p->decoder_ram_bytes, a, sizeof(a)),
            units_bytes(p->image_storage_bytes, b, sizeof(b)));
    if (p->has_expected_loss) {
        char label[24];
        snprintf(label, sizeof(label), "at %g %% loss",
                 p->expected_loss_percent);
        n = add(l, n, max, ROLE_NORMAL, label, "%.0f of %" PRIu64 " arrive",
                p->expected_received_fragments, p->total_fragments);
        n = add(l, n, max, ROLE_NORMAL, "TS004 needs",
                "%" PRIu64 " avg, %" PRIu64 " for 99 %%",
                p->needed_average_fragments, p->needed_99_fragments);
        if (p->recommended_redundancy_percent < 0)
            n = add(l, n, max, ROLE_FIELD_ERROR, "suggested",
                    "no redundancy up to 100 %% is enough");
        else if (p->recommended_redundancy_percent > p->redundancy_percent)
            n = add(l, n, max, ROLE_FIELD_WARNING, "suggested",
                    "\xe2\x89\xa5 %d %% redundancy",
                    p->recommended_redundancy_percent);
        else
            n = add(l, n, max, ROLE_OK, "suggested",
                    "%d %% is enough (needs %d %%)", p->redundancy_percent,
                    p->recommended_redundancy_percent);
    } else {
        n = add(l, n, max, ROLE_DIM, "loss", "set Expected loss %% for advice");
    }
    return n;
}

void preview_strip(const struct model *m, char *line1, size_t size1,
                   char *line2, size_t size2)
{
    const struct plan *p = &m->plan;
    char a[UNITS_BUF], b[UNITS_BUF];
    if (!m->planned) {
        snprintf(line1, size1, "%s",
                 m->image_known ? plan_status_message(m->plan_status)
                                : "Give the image (Planning) to see what "
                                  "the update costs");
    } else if (p->airtime_known) {
        snprintf(
            line1, size1,
            "%" PRIu64 " + %" PRIu64 " = %" PRIu64
            " fragments %s %s on air %s session %s",
            p->uncoded_fragments, p->redundancy_fragments, p->total_fragments,
            "\xc2\xb7",
            units_duration((double)p->total_time_on_air_us / 1e6, a, sizeof(a)),
            "\xc2\xb7", units_duration(p->session_wall_time_s, b, sizeof(b)));
    } else {
        snprintf(line1, size1,
                 "%" PRIu64 " + %" PRIu64 " = %" PRIu64
                 " fragments %s no time on air (frame too long)",
                 p->uncoded_fragments, p->redundancy_fragments,
                 p->total_fragments, "\xc2\xb7");
    }
    size_t e = diag_count(&m->diags, DIAG_ERROR);
    size_t w = diag_count(&m->diags, DIAG_WARNING);
    snprintf(line2, size2,
             "%zu error%s %s %zu warning%s %s F4 the full "
             "preview",
             e, e == 1 ? "" : "s", "\xc2\xb7", w, w == 1 ? "" : "s",
             "\xc2\xb7");
}

/* --- drawing ------------------------------------------------------------ */

/* Problems: the counts, then those that belong to no field (the fields
 * show their own). */
static void draw_problems(WINDOW *win, int y, int h, int w,
                          const struct model *m)
{
    size_t e = diag_count(&m->diags, DIAG_ERROR);
    size_t wa = diag_count(&m->diags, DIAG_WARNING);
    if (y >= h - 1)
        return;
    if (!e && !wa) {
        char ok[64];
        snprintf(ok, sizeof(ok), "%s no errors, no warnings",
                 ui_glyph(GLYPH_OK));
        ui_put(win, y, 2, w - 4, ROLE_OK, ok, false);
        return;
    }
    char head[128];
    snprintf(head, sizeof(head),
             "%zu error%s %s %zu warning%s, each under "
             "its field",
             e, e == 1 ? "" : "s", ui_glyph(GLYPH_DOT), wa, wa == 1 ? "" : "s");
    ui_put(win, y++, 2, w - 4, e ? ROLE_FIELD_ERROR : ROLE_FIELD_WARNING, head,
           false);
    for (int sev = DIAG_ERROR; sev <= DIAG_NOTE; sev++) {
        for (size_t i = 0; i < m->diags.count; i++) {
            const struct diag *d = &m->diags.items[i];
            if (d->severity != (enum diag_severity)sev ||
                model_field_for_path(d->path) != MODEL_NO_FIELD)
                continue;
            char text[DIAG_PATH_MAX + DIAG_MESSAGE_MAX + 16];
            char line[DIAG_PATH_MAX + DIAG_MESSAGE_MAX + 4];
            enum ui_glyph g = sev == DIAG_ERROR     ? GLYPH_ERROR
                              : sev == DIAG_WARNING ? GLYPH_WARNING
                                                    : GLYPH_NOTE;
            snprintf(text, sizeof(text), "%s %s", ui_glyph(g),
                     diag_format(d, line, sizeof(line)));
            enum tui_role role = sev == DIAG_ERROR     ? ROLE_FIELD_ERROR
                                 : sev == DIAG_WARNING ? ROLE_FIELD_WARNING
                                                       : ROLE_DIM;
            const char *starts[6];
            size_t lens[6];
            size_t n = ui_wrap(text, w - 4, starts, lens, 6);
            for (size_t k = 0; k < n && k < 6 && y < h - 1; k++)
                ui_put_span(win, y++, 2, w - 4, role, starts[k], lens[k]);
        }
    }
}

void preview_draw(struct tui *t, WINDOW *win, bool full)
{
    const struct model *m = &t->model;
    int h, w;
    getmaxyx(win, h, w);
    werase(win);
    char title[128];
    preview_title(m, title, sizeof(title));
    ui_box(win, title, full ? "F4 back" : NULL);
    struct preview_line lines[PREVIEW_LINES_MAX];
    size_t n = preview_lines(m, lines, PREVIEW_LINES_MAX);
    int y = 1;
    for (size_t i = 0; i < n && y < h - 1; i++) {
        ui_put(win, y, 2, 14, ROLE_DIM, lines[i].label, false);
        const char *starts[4];
        size_t lens[4];
        size_t k = ui_wrap(lines[i].value, w - 19, starts, lens, 4);
        for (size_t j = 0; j < k && j < 4 && y < h - 1; j++)
            ui_put_span(win, y++, 17, w - 19, lines[i].role, starts[j],
                        lens[j]);
        if (k == 0)
            y++;
    }
    if (y < h - 2)
        y++;
    draw_problems(win, y, h, w, m);
}

void preview_draw_strip(struct tui *t, WINDOW *win)
{
    int w = getmaxx(win);
    werase(win);
    char l1[256], l2[256];
    preview_strip(&t->model, l1, sizeof(l1), l2, sizeof(l2));
    ui_put(win, 0, 1, w - 2, t->model.planned ? ROLE_TITLE : ROLE_DIM, l1,
           false);
    ui_put(win, 1, 1, w - 2,
           diag_has_errors(&t->model.diags) ? ROLE_FIELD_ERROR : ROLE_DIM, l2,
           false);
}
