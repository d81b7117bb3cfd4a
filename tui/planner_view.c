/*
 * Drawing the planner: the heading, the chart (axes, curves, the band of
 * the cursor's curve, the target line) from the snapshot, the cursor's
 * point, the legend and the recommendation. Everything comes from the
 * snapshot and the settings; the sweep itself is never read here.
 */
#include "tui/planner_view.h"

#include <stdio.h>
#include <string.h>

#include "core/limits.h"
#include "core/region.h"
#include "core/units.h"
#include "tui/ui.h"

#define REC_LINES   3
#define PL_LINE_MAX 640
#define RED_MAX     101 /* redundancy levels: whole percents 0..100 */

static enum tui_role curve_role(int k)
{
    return (enum tui_role)(ROLE_CHART_1 + k % 6);
}

static enum pl_raster raster(void)
{
    return ui_unicode() ? PL_BRAILLE : PL_ASCII;
}

static const struct sweep_params *params(void)
{
    return &PL.plan.params;
}

static bool fleet(void)
{
    return params()->target_kind == SWEEP_TARGET_FLEET;
}

/* "99 % of devices", "all 2000 devices with 95 % probability". */
static const char *target_words(char *buf, size_t size)
{
    if (fleet())
        snprintf(buf, size, "all %llu devices with %g %% probability",
                 (unsigned long long)params()->devices, params()->target);
    else
        snprintf(buf, size, "%g %% of devices", params()->target);
    return buf;
}

/* The data rate the sweep uses, in words: "EU868 DR5 (SF7/125 kHz)". */
static const char *radio_words(char *buf, size_t size)
{
    const char *name = params()->region ? params()->region : "EU868";
    const struct region *r = region_find(name);
    const struct region_dr *d = !r              ? NULL
                                : PL.snap.stage ? region_dr(r, PL.snap.ax.dr[0])
                                : params()->dr_count
                                    ? region_dr(r, params()->drs[0])
                                    : region_default_dr(r);
    char what[48] = "";
    if (d)
        region_dr_describe(d, what, sizeof(what));
    snprintf(buf, size, "%s%s DR%d (%s)", name,
             params()->region ? "" : " (no RfRegion: assumed)", d ? d->dr : 0,
             what);
    return buf;
}

/* --- the heading --------------------------------------------------------- */

static void draw_heading(WINDOW *w, int wd)
{
    char line[PL_LINE_MAX], radio[96], size[64] = "";
    const struct pl_snapshot *s = &PL.snap;
    const char *dot = ui_glyph(GLYPH_DOT);
    if (s->stage)
        snprintf(size, sizeof(size), "%u B fragments, M = %u%s %s ",
                 (unsigned)s->ax.fragment_size[s->size_i],
                 (unsigned)s->ax.m[s->size_i],
                 s->ax.sizes > 1 ? " (f: next size)" : "", dot);
    else if (params()->fragment_size_count)
        snprintf(size, sizeof(size), "%u B fragments %s ",
                 (unsigned)params()->fragment_sizes[0], dot);
    char model[160];
    sweep_describe_model(params(), 0, model, sizeof(model));
    /* The model without its level: "i.i.d. loss, spread 5 %". */
    const char *rest = strstr(model, "% ");
    snprintf(line, sizeof(line),
             "%s (%%) by RedundancyPercent %s %s%llu B image %s %s %s %s",
             fleet() ? "P(every device completes)" : "Devices that complete",
             dot, size, (unsigned long long)params()->image_bytes, dot,
             radio_words(radio, sizeof(radio)), dot, rest ? rest + 2 : model);
    ui_put(w, 1, 2, wd - 4, ROLE_DIM, line, false);
}

/* --- axes ---------------------------------------------------------------- */

/* Dot row of a percentage / dot column of a redundancy level. */
static int y_of(const struct pl_layout *lay, double pct)
{
    return pl_scale(pct, 0, 100, lay->plot.h * pl_dots_y(raster()));
}

static int x_of(const struct pl_layout *lay, double red)
{
    const struct sweep_axes *ax = &PL.snap.ax;
    double lo = PL.snap.stage ? ax->redundancy[0] : params()->redundancy.from;
    double hi = PL.snap.stage ? ax->redundancy[ax->redundancies - 1]
                              : params()->redundancy.to;
    return pl_scale(red, lo, hi, lay->plot.w * pl_dots_x(raster()));
}

/* The cell row (window) of dot row y. */
static int row_of(const struct pl_layout *lay, int y)
{
    return lay->plot.y + lay->plot.h - 1 - y / pl_dots_y(raster());
}

static void draw_axes(WINDOW *w, const struct pl_layout *lay)
{
    enum pl_raster m = raster();
    const struct tui_rect *p = &lay->plot;
    int ax_x = p->x - 1;
    double ticks[16];
    size_t n = pl_ticks(0, 100, p->h, 2, true, ticks, 16);
    bool tick_row[512] = { false };
    for (int y = p->y; y < p->y + p->h; y++)
        ui_put(w, y, ax_x, 1, ROLE_BORDER, pl_piece(PL_AXIS_V, m), false);
    for (size_t i = 0; i < n; i++) {
        int row = row_of(lay, y_of(lay, ticks[i]));
        char label[16];
        snprintf(label, sizeof(label), "%g %%", ticks[i]);
        int lw = ui_width(label);
        ui_put(w, row, lay->label_x + PL_LABEL_W - 1 - lw, lw, ROLE_DIM, label,
               false);
        ui_put(w, row, ax_x, 1, ROLE_BORDER, pl_piece(PL_TICK_V, m), false);
        if (row >= 0 && row < 512)
            tick_row[row] = true;
    }
    /* The target's value beside the axis when no tick label is there. */
    int trow = row_of(lay, y_of(lay, params()->target));
    if (trow >= 0 && trow < 512 && !tick_row[trow]) {
        char label[16];
        snprintf(label, sizeof(label), "%g", params()->target);
        int lw = ui_width(label);
        ui_put(w, trow, lay->label_x + PL_LABEL_W - 1 - lw, lw, ROLE_TITLE,
               label, false);
    }
    ui_put(w, lay->axis_y, ax_x, 1, ROLE_BORDER, pl_piece(PL_CORNER, m), false);
    for (int x = 0; x < p->w; x++)
        ui_put(w, lay->axis_y, p->x + x, 1, ROLE_BORDER, pl_piece(PL_AXIS_H, m),
               false);
    double lo =
        PL.snap.stage ? PL.snap.ax.redundancy[0] : params()->redundancy.from;
    double hi = PL.snap.stage
                    ? PL.snap.ax.redundancy[PL.snap.ax.redundancies - 1]
                    : params()->redundancy.to;
    n = pl_ticks(lo, hi, p->w, 6, true, ticks, 16);
    int free_from = 0;
    for (size_t i = 0; i < n; i++) {
        int col = p->x + x_of(lay, ticks[i]) / pl_dots_x(m);
        ui_put(w, lay->axis_y, col, 1, ROLE_BORDER, pl_piece(PL_TICK_H, m),
               false);
        char label[16];
        snprintf(label, sizeof(label), "%g %%", ticks[i]);
        int lw = ui_width(label);
        int at = col - lw / 2;
        if (at < free_from)
            continue;
        ui_put(w, lay->ticks_y, at, lw, ROLE_DIM, label, false);
        free_from = at + lw + 1;
    }
}

/* --- the chart ----------------------------------------------------------- */

/* The points of loss level l that have a session: 0..count-1. */
static size_t feasible(size_t l)
{
    const struct pl_snapshot *s = &PL.snap;
    size_t n = 0;
    while (n < s->ax.redundancies && n < RED_MAX &&
           s->pts[l * s->ax.redundancies + n].feasible)
        n++;
    return n;
}

static void draw_canvas(WINDOW *w, const struct pl_canvas *c,
                        const struct pl_layout *lay)
{
    for (int row = 0; row < c->h; row++)
        for (int col = 0; col < c->w; col++) {
            char text[PL_CELL_TEXT];
            enum pl_layer layer;
            int curve;
            pl_canvas_text(c, col, row, text, &layer, &curve);
            const struct pl_cell *cell = &c->cell[row * c->w + col];
            enum tui_role role = ROLE_NORMAL;
            if (layer == PL_LAYER_MARKER && cell->cursor)
                role = ROLE_SELECTED;
            else if (layer == PL_LAYER_MARKER || layer == PL_LAYER_LINE)
                role = curve_role(curve);
            else if (layer == PL_LAYER_TARGET)
                role = ROLE_TITLE;
            else if (layer == PL_LAYER_BAND)
                role = ROLE_BAND;
            ui_put(w, lay->plot.y + row, lay->plot.x + col, 1, role, text,
                   false);
        }
}

static void draw_chart(WINDOW *w, const struct pl_layout *lay)
{
    const struct pl_snapshot *s = &PL.snap;
    struct pl_canvas c;
    if (!pl_canvas_init(&c, raster(), lay->plot.w, lay->plot.h))
        return;
    pl_canvas_target(&c, y_of(lay, params()->target));
    size_t losses = s->ax.losses < PL_CURVES_MAX ? s->ax.losses : PL_CURVES_MAX;
    int xs[RED_MAX], ys[RED_MAX], lo[RED_MAX], hi[RED_MAX];
    /* The band of the cursor's curve, then every other curve, then the
     * cursor's on top. */
    for (size_t pass = 0; pass <= losses; pass++) {
        size_t l = pass < losses ? pass : PL.curve;
        if ((pass < losses && l == PL.curve) || l >= losses)
            continue;
        size_t n = feasible(l);
        for (size_t j = 0; j < n; j++) {
            const struct pl_value *v = &s->val[l * s->ax.redundancies + j];
            xs[j] = x_of(lay, s->ax.redundancy[j]);
            ys[j] = y_of(lay, v->v * 100.0);
            lo[j] = y_of(lay, v->lo * 100.0);
            hi[j] = y_of(lay, v->hi * 100.0);
        }
        if (pass == losses)
            pl_canvas_band(&c, xs, lo, hi, n);
        pl_canvas_curve(&c, xs, ys, n, (int)l,
                        pass == losses && PL.point < n ? PL.point : n);
    }
    draw_canvas(w, &c, lay);
    pl_canvas_cleanup(&c);
}

static void draw_waiting(struct tui *t, WINDOW *w, const struct pl_layout *lay)
{
    char line[160];
    snprintf(line, sizeof(line), "%s computing the first %u trials a point",
             tui_spinner(t), PL_FIRST_TRIALS);
    int lw = ui_width(line);
    int x = lay->plot.x + (lay->plot.w - lw) / 2;
    ui_put(w, lay->plot.y + lay->plot.h / 2, x > lay->plot.x ? x : lay->plot.x,
           lay->plot.w, ROLE_TITLE, line, false);
}

/* --- the cursor's point -------------------------------------------------- */

/* "97.30 %", "[96.10, 98.20]" of the target value. */
static void value_words(const struct pl_value *v, char *val, size_t vsize,
                        char *iv, size_t isize)
{
    snprintf(val, vsize, "%.2f %%", v->v * 100.0);
    snprintf(iv, isize, "[%.2f, %.2f]", v->lo * 100.0, v->hi * 100.0);
}

static const struct pl_value *cursor_value(void)
{
    const struct pl_snapshot *s = &PL.snap;
    return &s->val[PL.curve * s->ax.redundancies + PL.point];
}

/* The narrow layout's two lines about the cursor's point. */
static void readout_lines(const struct sweep_point *pt, char *l1, char *l2,
                          size_t size)
{
    const char *dot = ui_glyph(GLYPH_DOT);
    int n = snprintf(l1, size, "%s %g %% loss %s %d %% redundancy, R = %u",
                     pl_marker((int)PL.curve, raster()), pt->loss, dot,
                     pt->redundancy_percent, (unsigned)pt->r);
    l2[0] = '\0';
    if (!pt->feasible) {
        snprintf(l2, size, "M + R is more than 16383 fragments: no session");
        return;
    }
    char val[32], iv[48], air[UNITS_BUF], wall[UNITS_BUF];
    value_words(cursor_value(), val, sizeof(val), iv, sizeof(iv));
    if (n > 0 && (size_t)n < size)
        snprintf(l1 + n, size - (size_t)n, ": %s%s %s %s %llu trials",
                 fleet() ? "all complete " : "", val, iv, dot,
                 (unsigned long long)pt->trials);
    if (!pt->sendable) {
        snprintf(l2, size,
                 "%u fragments %s %u-byte fragments do not fit the data "
                 "rate: never recommended",
                 (unsigned)(pt->m + pt->r), dot, (unsigned)pt->fragment_size);
        return;
    }
    n = snprintf(l2, size, "%u fragments %s airtime %s %s wall time %s",
                 (unsigned)(pt->m + pt->r), dot,
                 units_duration(pt->airtime_s, air, sizeof(air)), dot,
                 units_duration(pt->wall_time_s, wall, sizeof(wall)));
    if (pt->successes && n > 0 && (size_t)n < size)
        snprintf(l2 + n, size - (size_t)n, " %s M + %.1f received on average",
                 dot, pt->extra_received);
}

/* The cursor's point: two lines under the chart, or one figure a line in
 * the side panel. Returns the row after what it drew. */
static int draw_readout(WINDOW *w, const struct pl_layout *lay)
{
    const struct sweep_point *pt = planner_cursor_point();
    const struct tui_rect *r = &lay->panel;
    if (!pt)
        return r->y;
    if (!lay->side) {
        char l1[PL_LINE_MAX], l2[PL_LINE_MAX];
        readout_lines(pt, l1, l2, sizeof(l1));
        ui_put(w, r->y, r->x, r->w, ROLE_NORMAL, l1, false);
        ui_put(w, r->y + 1, r->x, r->w, ROLE_DIM, l2, false);
        return r->y + 2;
    }
    int y = r->y;
    ui_put(w, y++, r->x, r->w, ROLE_TITLE, "Cursor (arrows)", false);
    ui_putf(w, y++, r->x, r->w, curve_role((int)PL.curve), "%s %g %% loss",
            pl_marker((int)PL.curve, raster()), pt->loss);
    ui_putf(w, y++, r->x, r->w, ROLE_NORMAL, "%d %% redundancy, R = %u",
            pt->redundancy_percent, (unsigned)pt->r);
    if (!pt->feasible) {
        ui_put(w, y++, r->x, r->w, ROLE_FIELD_WARNING,
               "over 16383 fragments: no session", false);
        return y;
    }
    char val[32], iv[48], air[UNITS_BUF], wall[UNITS_BUF];
    value_words(cursor_value(), val, sizeof(val), iv, sizeof(iv));
    ui_putf(w, y++, r->x, r->w, ROLE_NORMAL, "%-13s %u", "fragments",
            (unsigned)(pt->m + pt->r));
    ui_putf(w, y++, r->x, r->w, ROLE_NORMAL, "%-13s %s",
            fleet() ? "all complete" : "complete", val);
    ui_putf(w, y++, r->x, r->w, ROLE_NORMAL, "%-13s %s", "95 % interval", iv);
    if (fleet())
        ui_putf(w, y++, r->x, r->w, ROLE_NORMAL, "%-13s %.2f %%", "each device",
                pt->p * 100.0);
    ui_putf(w, y++, r->x, r->w, ROLE_NORMAL, "%-13s %llu", "trials",
            (unsigned long long)pt->trials);
    if (pt->successes)
        ui_putf(w, y++, r->x, r->w, ROLE_NORMAL, "%-13s M + %.1f on average",
                "received", pt->extra_received);
    if (!pt->sendable) {
        ui_put(w, y++, r->x, r->w, ROLE_FIELD_WARNING,
               "does not fit the data rate", false);
        return y;
    }
    ui_putf(w, y++, r->x, r->w, ROLE_NORMAL, "%-13s %s", "airtime",
            units_duration(pt->airtime_s, air, sizeof(air)));
    ui_putf(w, y++, r->x, r->w, ROLE_NORMAL, "%-13s %s", "wall time",
            units_duration(pt->wall_time_s, wall, sizeof(wall)));
    return y;
}

/* --- the legend ---------------------------------------------------------- */

static void draw_legend(WINDOW *w, const struct pl_layout *lay, int from)
{
    const struct pl_snapshot *s = &PL.snap;
    enum pl_raster m = raster();
    size_t losses = s->ax.losses < PL_CURVES_MAX ? s->ax.losses : PL_CURVES_MAX;
    char item[64];
    /* The cursor's curve in the selected role (reverse in monochrome). */
    if (!lay->side) {
        int x = lay->panel.x, end = lay->panel.x + lay->panel.w;
        for (size_t l = 0; l < losses && x < end; l++) {
            snprintf(item, sizeof(item), "%s %g %%", pl_marker((int)l, m),
                     s->ax.loss[l]);
            x += ui_put(w, lay->legend_y, x, end - x,
                        l == PL.curve ? ROLE_SELECTED : curve_role((int)l),
                        item, false) +
                 2;
        }
        snprintf(item, sizeof(item), "%s target %g %%  %s interval",
                 pl_piece(PL_TARGET_LINE, m), params()->target,
                 pl_piece(PL_SHADE, m));
        if (x < end)
            ui_put(w, lay->legend_y, x, end - x, ROLE_DIM, item, false);
        return;
    }
    int y = from + 1, x = lay->panel.x, pw = lay->panel.w;
    int end = lay->panel.y + lay->panel.h;
    if (y >= end)
        return;
    ui_put(w, y++, x, pw, ROLE_TITLE, "Loss levels", false);
    for (size_t l = 0; l < losses && y < end; l++) {
        snprintf(item, sizeof(item), "%s %s %g %%",
                 l == PL.curve ? ui_glyph(GLYPH_RIGHT) : " ",
                 pl_marker((int)l, m), s->ax.loss[l]);
        ui_put(w, y++, x, pw,
               l == PL.curve ? ROLE_SELECTED : curve_role((int)l), item, false);
    }
    if (y + 2 >= end)
        return;
    y++;
    ui_putf(w, y++, x, pw, ROLE_TITLE, "%s target %g %%",
            pl_piece(PL_TARGET_LINE, m), params()->target);
    ui_putf(w, y++, x, pw, ROLE_BAND, "%s 95 %% interval, cursor's curve",
            pl_piece(PL_SHADE, m));
}

/* --- the recommendation -------------------------------------------------- */

static enum tui_role rec_text(char *buf, size_t size)
{
    const struct pl_snapshot *s = &PL.snap;
    const struct sweep_recommendation *r = planner_applicable();
    char target[96], model[160], air[UNITS_BUF], wall[UNITS_BUF];
    if (!r) {
        snprintf(buf, size,
                 "The recommendation follows once the first "
                 "trials are in.");
        return ROLE_DIM;
    }
    double loss = s->ax.loss[PL.curve];
    target_words(target, sizeof(target));
    sweep_describe_model(params(), loss, model, sizeof(model));
    if (!r->found) {
        size_t nf = feasible(PL.curve);
        const struct pl_value *v =
            &s->val[PL.curve * s->ax.redundancies + (nf ? nf - 1 : 0)];
        snprintf(buf, size,
                 "At %s no redundancy from %d to %d %% reaches %s (the most "
                 "gives %.2f %%): s widens the range or lowers the target.",
                 model, s->ax.redundancy[0],
                 s->ax.redundancy[s->ax.redundancies - 1], target,
                 nf ? v->v * 100.0 : 0.0);
        return ROLE_FIELD_ERROR;
    }
    const struct sweep_point *pt = &r->point;
    int n;
    if (s->ax.sizes > 1)
        n = snprintf(buf, size,
                     "At %s, %u B fragments with %d %% redundancy are the "
                     "shortest session that reaches %s: %.2f %% [%.2f, "
                     "%.2f] in %llu trials; wall time %s, airtime %s.",
                     model, (unsigned)pt->fragment_size, pt->redundancy_percent,
                     target, r->value * 100.0, r->lo * 100.0, r->hi * 100.0,
                     (unsigned long long)pt->trials,
                     units_duration(pt->wall_time_s, wall, sizeof(wall)),
                     units_duration(pt->airtime_s, air, sizeof(air)));
    else
        n = snprintf(buf, size,
                     "At %s, %d %% redundancy is the least that reaches %s: "
                     "%.2f %% [%.2f, %.2f] in %llu trials; R = %u (%u "
                     "fragments), airtime %s, wall time %s.",
                     model, pt->redundancy_percent, target, r->value * 100.0,
                     r->lo * 100.0, r->hi * 100.0,
                     (unsigned long long)pt->trials, (unsigned)pt->r,
                     (unsigned)(pt->m + pt->r),
                     units_duration(pt->airtime_s, air, sizeof(air)),
                     units_duration(pt->wall_time_s, wall, sizeof(wall)));
    size_t at = n > 0 ? (size_t)n : 0;
    struct limits_timeout lt;
    bool outlasts = !limits_class_c_timeout(pt->wall_time_s, &lt);
    if (outlasts && at < size) {
        n = snprintf(buf + at, size - at,
                     " %s The session outlasts a Class C multicast session "
                     "(TS005: 9 h 6 min at most): devices return to Class A "
                     "before it ends.",
                     ui_glyph(GLYPH_WARNING));
        at += n > 0 ? (size_t)n : 0;
    }
    if (!r->confirmed && at < size && r->confirmed_redundancy >= 0)
        snprintf(buf + at, size - at,
                 " Its interval reaches below the target: %d %% is the "
                 "least it confirms.",
                 r->confirmed_redundancy);
    else if (!r->confirmed && at < size)
        snprintf(buf + at, size - at,
                 " Its interval reaches below the target everywhere: more "
                 "trials or more redundancy.");
    return r->confirmed && !outlasts ? ROLE_OK : ROLE_FIELD_WARNING;
}

static void draw_rec(WINDOW *w, const struct pl_layout *lay)
{
    char text[1024];
    enum tui_role role = rec_text(text, sizeof(text));
    const char *starts[REC_LINES];
    size_t lens[REC_LINES];
    size_t n = ui_wrap(text, lay->rec.w, starts, lens, REC_LINES);
    for (size_t i = 0; i < n && i < REC_LINES; i++) {
        if (i + 1 == REC_LINES && n > REC_LINES)
            ui_put(w, lay->rec.y + (int)i, lay->rec.x, lay->rec.w, role,
                   starts[i], false);
        else
            ui_put_span(w, lay->rec.y + (int)i, lay->rec.x, lay->rec.w, role,
                        starts[i], lens[i]);
    }
}

/* --- the problem --------------------------------------------------------- */

static void draw_problem(WINDOW *w, int h, int wd)
{
    char text[PL_ERROR_MAX + 160];
    snprintf(text, sizeof(text), "%s %s\n\n%s", ui_glyph(GLYPH_ERROR),
             PL.problem,
             PL.bad == PL_FIELD_COUNT
                 ? "Esc goes back to the wizard to fix the request."
                 : "s changes the planner's settings; Esc goes back.");
    const char *starts[12];
    size_t lens[12];
    size_t n = ui_wrap(text, wd - 6, starts, lens, 12);
    for (size_t i = 0; i < n && i < 12 && 3 + (int)i < h - 1; i++)
        ui_put_span(w, 3 + (int)i, 3, wd - 6,
                    i == 0 ? ROLE_FIELD_ERROR : ROLE_NORMAL, starts[i],
                    lens[i]);
}

void planner_draw(struct tui *t)
{
    WINDOW *w = PL.win;
    if (!w)
        return;
    int h, wd;
    getmaxyx(w, h, wd);
    ui_background(w, ROLE_NORMAL);
    werase(w);
    char title[256], right[96];
    snprintf(title, sizeof(title), "Planner %s %s", ui_glyph(GLYPH_DOT),
             PL.name);
    enum pl_phase ph = PL.job ? pl_job_phase(PL.job) : PL_PHASE_FAILED;
    if (!PL.ok)
        snprintf(right, sizeof(right), "%s not computed",
                 ui_glyph(GLYPH_ERROR));
    else if (ph == PL_PHASE_DONE)
        snprintf(right, sizeof(right), "%s %llu trials a point",
                 ui_glyph(GLYPH_OK), (unsigned long long)PL.snap.trials);
    else if (ph == PL_PHASE_FAILED)
        snprintf(right, sizeof(right), "%s stopped", ui_glyph(GLYPH_ERROR));
    else
        snprintf(right, sizeof(right), "%s %llu of %llu trials", tui_spinner(t),
                 (unsigned long long)PL.snap.trials,
                 (unsigned long long)params()->trials);
    ui_box(w, title, right);
    if (!PL.ok) {
        draw_problem(w, h, wd);
        wnoutrefresh(w);
        return;
    }
    draw_heading(w, wd);
    struct pl_layout lay;
    pl_layout_compute(h, wd, REC_LINES, &lay);
    if (lay.plot.h >= 2 && lay.plot.w >= 8) {
        draw_axes(w, &lay);
        if (PL.snap.stage)
            draw_chart(w, &lay);
        else
            draw_waiting(t, w, &lay);
    }
    if (lay.side)
        for (int y = 2; y < lay.rec.y - 1; y++)
            ui_put(w, y, lay.panel.x - 2, 1, ROLE_BORDER,
                   pl_piece(PL_AXIS_V, raster()), false);
    if (PL.snap.stage) {
        int next = draw_readout(w, &lay);
        draw_legend(w, &lay, next);
    }
    draw_rec(w, &lay);
    wnoutrefresh(w);
}
