/*
 * Playback, second step: the live view of a session played to a virtual
 * fleet (its report panel is tui/playback_report.c).
 *
 * The fleet is computed by a job off the UI thread (tui/playback_data.h);
 * until it is ready the view shows position 0 and a spinner, and the
 * keys still work. From then on every frame is a lookup: the clock
 * (tui/playback_model.h) says which fragment the playback is at, the
 * job's counters say what the fleet looks like there, and each device's
 * state comes from its outcome and the first fragment it heard. The
 * device zoom replays one device's losses and decoder (a fraction of a
 * millisecond) whenever it shows another device or position.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "core/outcome.h"
#include "core/units.h"
#include "tui/playback.h"
#include "tui/ui.h"

#define TITLE_MAX 400

static struct {
    WINDOW *win;
    struct pb_job *job;
    bool ready, failed;
    uint32_t sent;  /* positions 0..sent once ready */
    uint32_t total; /* M + R */
    struct pb_clock clock;
    bool pending_end;  /* End pressed while the fleet was computed */
    bool report_shown; /* the report opened at this end already */
    bool busy;         /* holds a tui_busy */
    char title[TITLE_MAX];
    struct pb_grid grid;
    int grid_y, grid_x, grid_h, grid_w;
    size_t cursor; /* the selected device */
    bool zoom;
    bool zoom_valid;
    size_t zoom_d;
    uint32_t zoom_n;
    struct pb_device dev;
} V;

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct pb_job *pbview_job(void)
{
    return V.job;
}

uint32_t pbview_position(void)
{
    return pb_clock_position(&V.clock);
}

const struct pb_grid *pbview_grid(void)
{
    return &V.grid;
}

static void sync_busy(struct tui *t)
{
    bool want = V.job && ((!V.ready && !V.failed) || V.clock.playing);
    if (want != V.busy) {
        tui_busy(t, want);
        V.busy = want;
    }
}

static void drop_job(void)
{
    if (!V.job)
        return;
    if (V.ready || V.failed)
        pbjob_free(V.job);
    else
        pbjob_abandon(V.job);
    V.job = NULL;
}

/* --- glyphs of this view ------------------------------------------------ */

enum pb_glyph { PG_PLAY, PG_PAUSE, PG_END, PG_COUNT };

static const char *pglyph(enum pb_glyph g)
{
    static const char *const utf8[PG_COUNT] = { "▶", "❚❚", "■" };
    static const char *const ascii[PG_COUNT] = { ">", "||", "#" };
    return ui_unicode() ? utf8[g] : ascii[g];
}

/* A state's glyph and role: glyph first, colour second. */
static const char *state_glyph(enum pb_state s)
{
    static const enum ui_glyph g[PB_STATES] = {
        [PB_WAITING] = GLYPH_EMPTY,
        [PB_RECEIVING] = GLYPH_HALF,
        [PB_COMPLETE] = GLYPH_SIM,
        [PB_FAILED] = GLYPH_ERROR,
    };
    return ui_glyph(g[s]);
}

static enum tui_role state_role(enum pb_state s)
{
    static const enum tui_role r[PB_STATES] = {
        [PB_WAITING] = ROLE_DIM,
        [PB_RECEIVING] = ROLE_CHART_1,
        [PB_COMPLETE] = ROLE_OK,
        [PB_FAILED] = ROLE_FIELD_ERROR,
    };
    return r[s];
}

static const char *const state_names[PB_STATES] = {
    [PB_WAITING] = "waiting",
    [PB_RECEIVING] = "receiving",
    [PB_COMPLETE] = "complete",
    [PB_FAILED] = "failed",
};

/* --- the state at the playback position --------------------------------- */

static uint32_t position(void)
{
    uint32_t n = pb_clock_position(&V.clock);
    return V.ready && n > V.sent ? V.sent : n;
}

static enum pb_state device_state(size_t d, uint32_t n)
{
    if (!V.ready)
        return PB_WAITING;
    return pb_state_at(&V.job->result.dev[d], V.job->first_rx[d], n, V.sent);
}

static const struct fleet_session *session(void)
{
    return &V.job->run.session;
}

/* --- layout ------------------------------------------------------------- */

static void place_grid(void)
{
    int h, w;
    getmaxyx(V.win, h, w);
    V.grid_y = 5;
    V.grid_x = 2;
    V.grid_h = h - 8;
    V.grid_w = w - 4;
    size_t devices = V.job ? V.job->run.params.devices : 0;
    pb_grid_layout(devices, V.grid_w, V.grid_h, &V.grid);
}

static void layout(struct tui *t, const struct tui_rect *body)
{
    (void)t;
    if (V.win)
        delwin(V.win);
    V.win = newwin(body->h, body->w, body->y, body->x);
    if (V.win)
        place_grid();
}

/* --- drawing ------------------------------------------------------------ */

static void draw_timeline(WINDOW *w, int iw, uint32_t n)
{
    const struct fleet_session *s = session();
    char count[48];
    snprintf(count, sizeof(count), " %u / %u", (unsigned)n, (unsigned)V.total);
    int cw = ui_width(count) + 1;
    int bw = iw - 11 - cw;
    if (bw < 4)
        return;
    ui_put(w, 1, 1, 10, ROLE_TITLE, " fragments", false);
    enum pb_tl cells[512];
    if (bw > 512)
        bw = 512;
    bool ended = V.ready && n >= V.sent;
    int divider = pb_timeline(s->m, s->r, n, V.ready ? V.sent : V.total, ended,
                              bw, cells);
    for (int i = 0; i < bw; i++) {
        static const struct {
            enum ui_glyph g;
            enum tui_role role;
        } look[] = {
            [PB_TL_UNCODED_SENT] = { GLYPH_FULL, ROLE_CHART_1 },
            [PB_TL_UNCODED_TODO] = { GLYPH_LIGHT, ROLE_DIM },
            [PB_TL_DIVIDER] = { GLYPH_VBAR, ROLE_BORDER },
            [PB_TL_REDUNDANCY_SENT] = { GLYPH_MEDIUM, ROLE_CHART_3 },
            [PB_TL_REDUNDANCY_TODO] = { GLYPH_LIGHT, ROLE_DIM },
            [PB_TL_NOT_SENT] = { GLYPH_NOTE, ROLE_DIM },
        };
        ui_put(w, 1, 12 + i, 1, look[cells[i]].role, ui_glyph(look[cells[i]].g),
               false);
    }
    ui_put(w, 1, 12 + bw, cw, ROLE_NORMAL, count, false);
    /* Under the bar: which part is which, and the current fragment. */
    char left[64], right[96];
    snprintf(left, sizeof(left), "uncoded 1..%u", (unsigned)s->m);
    ui_put(w, 2, 12, divider > 0 ? divider : bw, ROLE_DIM, left, false);
    if (divider >= 0) {
        if (ended && V.sent < V.total)
            snprintf(right, sizeof(right),
                     "%s redundancy, stopped early after %u",
                     ui_glyph(GLYPH_VBAR), (unsigned)V.sent);
        else
            snprintf(right, sizeof(right), "%s redundancy %u..%u",
                     ui_glyph(GLYPH_VBAR), (unsigned)(s->m + 1),
                     (unsigned)V.total);
        /* Under the divider, or ending at the edge when it is late. */
        int rx = 12 + divider, rw = ui_width(right);
        int lx = 12 + ui_width(left) + 2;
        if (rx + rw > iw + 1)
            rx = iw + 1 - rw > lx ? iw + 1 - rw : lx;
        ui_put(w, 2, rx, iw + 1 - rx, ROLE_DIM, right, false);
    }
}

static void draw_counts(WINDOW *w, int iw, uint32_t n)
{
    size_t c[PB_STATES] = { 0 };
    if (V.ready) {
        const struct pb_counts *k = &V.job->counts[n];
        c[PB_COMPLETE] = k->completed;
        c[PB_RECEIVING] = k->receiving;
        c[PB_FAILED] = k->failed;
        c[PB_WAITING] = k->waiting;
    } else {
        c[PB_WAITING] = V.job->run.params.devices;
    }
    static const enum pb_state order[] = { PB_COMPLETE, PB_RECEIVING, PB_FAILED,
                                           PB_WAITING };
    int x = 1;
    x += ui_put(w, 3, x, 10, ROLE_TITLE, " devices", false) + 3;
    for (size_t i = 0; i < 4 && x < iw; i++) {
        enum pb_state s = order[i];
        char text[64];
        snprintf(text, sizeof(text), "%s %zu %s", state_glyph(s), c[s],
                 state_names[s]);
        x += ui_put(w, 3, x, iw + 1 - x, state_role(s), text, false) + 3;
    }
}

static void draw_grid(WINDOW *w, uint32_t n)
{
    const struct pb_grid *g = &V.grid;
    wchar_t glyph[PB_STATES][2];
    int attr[PB_STATES];
    for (int s = 0; s < PB_STATES; s++) {
        mbstate_t st;
        memset(&st, 0, sizeof(st));
        const char *u = state_glyph((enum pb_state)s);
        if (mbrtowc(&glyph[s][0], u, strlen(u), &st) > 4)
            glyph[s][0] = L'?';
        glyph[s][1] = 0;
        attr[s] = theme_attr(state_role((enum pb_state)s));
    }
    int sel = theme_attr(ROLE_SELECTED);
    for (int row = 0; row < g->rows && row < V.grid_h; row++) {
        int y = V.grid_y + row;
        for (int col = 0; col < g->cols; col++) {
            size_t d = pb_grid_device_at(g, row, col);
            if (d == SIZE_MAX)
                break;
            enum pb_state s = device_state(d, n);
            wattrset(w, d == V.cursor ? sel : attr[s]);
            mvwaddnwstr(w, y, V.grid_x + col * g->cell_w, glyph[s], 1);
        }
    }
    wattrset(w, A_NORMAL);
}

static int digits(size_t v)
{
    int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

static void draw_bars(WINDOW *w, uint32_t n)
{
    const struct pb_grid *g = &V.grid;
    size_t devices = g->devices;
    int dw = digits(devices ? devices - 1 : 0);
    if (dw > 20)
        dw = 20;
    int lw = 2 + 2 * dw + 1;
    size_t first0, end0;
    pb_grid_group(g, 0, &first0, &end0);
    int cw_each = digits(end0 - first0 + 1) + 3;
    int cw = 4 * cw_each;
    int bw = V.grid_w - lw - 2 - cw;
    int cur = pb_grid_group_of(g, V.cursor);
    static const enum pb_state order[] = { PB_COMPLETE, PB_RECEIVING,
                                           PB_WAITING, PB_FAILED };
    for (int k = 0; k < g->groups && k < V.grid_h; k++) {
        int y = V.grid_y + k;
        size_t first, end;
        pb_grid_group(g, k, &first, &end);
        size_t c[PB_STATES] = { 0 };
        for (size_t d = first; d < end; d++)
            c[device_state(d, n)]++;
        char label[64];
        snprintf(label, sizeof(label), "%s%*zu-%-*zu",
                 k == cur ? ui_glyph(GLYPH_RIGHT) : " ", dw, first, dw,
                 end ? end - 1 : 0);
        ui_put(w, y, V.grid_x, lw, k == cur ? ROLE_SELECTED : ROLE_NORMAL,
               label, true);
        int x = V.grid_x + lw + 1;
        if (bw >= 4) {
            size_t counts[4];
            int widths[4];
            for (int i = 0; i < 4; i++)
                counts[i] = c[order[i]];
            pb_bar_split(counts, 4, bw, widths);
            for (int i = 0; i < 4; i++) {
                const char *gl = state_glyph(order[i]);
                for (int j = 0; j < widths[i]; j++)
                    ui_put(w, y, x++, 1, state_role(order[i]), gl, false);
            }
            x = V.grid_x + lw + 1 + bw + 1;
        }
        for (int i = 0; i < 4; i++) {
            char text[32];
            snprintf(text, sizeof(text), "%*zu %s", cw_each - 3, c[order[i]],
                     state_glyph(order[i]));
            ui_put(w, y, x, cw_each, state_role(order[i]), text, false);
            x += cw_each;
        }
    }
}

static void device_line(char *buf, size_t size, uint32_t n)
{
    enum pb_state s = device_state(V.cursor, n);
    if (V.grid.bars) {
        size_t first, end;
        pb_grid_group(&V.grid, pb_grid_group_of(&V.grid, V.cursor), &first,
                      &end);
        snprintf(buf, size,
                 "device %zu %s %s %s a bar a group of devices %zu-%zu; "
                 "arrows select, Enter: details",
                 V.cursor, state_glyph(s), state_names[s], ui_glyph(GLYPH_DOT),
                 first, end - 1);
        return;
    }
    snprintf(buf, size, "device %zu %s %s; arrows select, Enter: details",
             V.cursor, state_glyph(s), state_names[s]);
}

static void draw_footer(struct tui *t, WINDOW *w, int h, int iw, uint32_t n)
{
    const struct fleet_session *s = session();
    char line[400];
    if (V.ready && V.job->participants) {
        const struct pb_counts *k = &V.job->counts[n];
        snprintf(line, sizeof(line),
                 " median device %u / %u %s worst %u / %u fragments received "
                 "of M",
                 (unsigned)k->median, (unsigned)s->m, ui_glyph(GLYPH_DOT),
                 (unsigned)k->worst, (unsigned)s->m);
    } else if (V.ready) {
        snprintf(line, sizeof(line), " no device took part");
    } else {
        snprintf(line, sizeof(line), " median device 0 / %u %s worst 0 / %u",
                 (unsigned)s->m, ui_glyph(GLYPH_DOT), (unsigned)s->m);
    }
    ui_put(w, h - 3, 1, iw, ROLE_NORMAL, line, false);
    uint64_t sim_us = n == 0                   ? 0
                      : V.ready && n >= V.sent ? fleet_end_time_us(s, n)
                                               : fleet_heard_time_us(s, n);
    char sim[UNITS_BUF], air[UNITS_BUF], left[UNITS_BUF];
    units_duration((double)sim_us / 1e6, sim, sizeof(sim));
    units_duration((double)(s->time_on_air_us * n) / 1e6, air, sizeof(air));
    char speed[96] = "";
    if (!V.ready && !V.failed) {
        snprintf(speed, sizeof(speed), " %s %s", ui_glyph(GLYPH_DOT),
                 tui_spinner(t));
    } else if (V.ready && !pb_clock_at_end(&V.clock) && V.clock.playing) {
        units_duration(pb_clock_seconds_left(&V.clock), left, sizeof(left));
        snprintf(speed, sizeof(speed), " %s %s left at this speed",
                 ui_glyph(GLYPH_DOT), left);
    }
    snprintf(line, sizeof(line), " sent %u / %u %s simulated %s %s air %s%s",
             (unsigned)n, (unsigned)(V.ready ? V.sent : V.total),
             ui_glyph(GLYPH_DOT), sim, ui_glyph(GLYPH_DOT), air, speed);
    ui_put(w, h - 2, 1, iw, ROLE_NORMAL, line, false);
}

static void draw_zoom(WINDOW *w, int iw, uint32_t n)
{
    if (!V.zoom || !V.ready)
        return;
    if (!V.zoom_valid || V.zoom_d != V.cursor || V.zoom_n != n) {
        if (!pbjob_device(V.job, V.cursor, n, &V.dev))
            return;
        V.zoom_valid = true;
        V.zoom_d = V.cursor;
        V.zoom_n = n;
    }
    const struct pb_device *dv = &V.dev;
    const struct fleet_session *s = session();
    /* Borders, four lines, the outcome's second line; a failed device
     * also gets what to do about it (core/outcome, two lines). */
    int zh = dv->state == PB_FAILED ? 9 : 7;
    int zw = iw - 2 < 76 ? iw - 2 : 76;
    /* Keep the selected cell in sight: the zoom goes where it is not. */
    int row = 0, col = 0;
    if (!V.grid.bars)
        pb_grid_cell_of(&V.grid, V.cursor, &row, &col);
    else
        row = pb_grid_group_of(&V.grid, V.cursor);
    int zy = row < V.grid_h / 2 ? V.grid_y + V.grid_h - zh : V.grid_y;
    if (zy < 1)
        zy = 1;
    int zx = 1 + (iw - zw) / 2;
    WINDOW *z = derwin(w, zh, zw, zy, zx);
    if (!z)
        return;
    werase(z);
    char title[160];
    snprintf(title, sizeof(title), "Device %zu %s %s %s", V.cursor,
             ui_glyph(GLYPH_DOT), state_glyph(dv->state),
             state_names[dv->state]);
    ui_box(z, title, "Enter/Esc closes");
    char line[400], pct[32];
    if (dv->first_rx && dv->done_at)
        snprintf(line, sizeof(line),
                 "heard     %u fragments until it stopped at %u %s the first "
                 "was %u",
                 (unsigned)dv->received, (unsigned)dv->done_at,
                 ui_glyph(GLYPH_DOT), (unsigned)dv->first_rx);
    else if (dv->first_rx && dv->first_rx <= n)
        snprintf(line, sizeof(line),
                 "heard     %u of %u fragments sent %s the first was %u",
                 (unsigned)dv->received, (unsigned)n, ui_glyph(GLYPH_DOT),
                 (unsigned)dv->first_rx);
    else
        snprintf(line, sizeof(line), "heard     nothing yet (%u sent)",
                 (unsigned)n);
    ui_put(z, 1, 2, zw - 4, ROLE_NORMAL, line, false);
    snprintf(line, sizeof(line),
             "decoder   rank %u of %u %s %u uncoded lost %s needs %u more",
             (unsigned)dv->rank, (unsigned)s->m, ui_glyph(GLYPH_DOT),
             (unsigned)dv->lost, ui_glyph(GLYPH_DOT), (unsigned)dv->needed);
    ui_put(z, 2, 2, zw - 4, ROLE_NORMAL, line, false);
    snprintf(pct, sizeof(pct), "%.1f %%", dv->own_loss * 100.0);
    snprintf(line, sizeof(line), "own loss  %s", pct);
    ui_put(z, 3, 2, zw - 4, ROLE_NORMAL, line, false);
    enum tui_role role = ROLE_NORMAL;
    if (dv->state == PB_COMPLETE) {
        char when[UNITS_BUF];
        units_duration((double)fleet_heard_time_us(s, dv->done_at) / 1e6, when,
                       sizeof(when));
        snprintf(line, sizeof(line),
                 "outcome   %s completed at fragment %u, %s into the session",
                 ui_glyph(GLYPH_OK), (unsigned)dv->done_at, when);
        role = ROLE_OK;
    } else if (dv->state == PB_FAILED) {
        char why[300];
        pbjob_failure(V.job, dv, why, sizeof(why));
        snprintf(line, sizeof(line), "outcome   %s %s", ui_glyph(GLYPH_ERROR),
                 why);
        role = ROLE_FIELD_ERROR;
    } else {
        snprintf(line, sizeof(line), "outcome   not yet: %s",
                 dv->state == PB_WAITING ? "waiting for its first fragment"
                                         : "still receiving");
    }
    /* The outcome may take two lines, under its label. */
    const char *starts[2];
    size_t lens[2];
    size_t lines = ui_wrap(line + 10, zw - 14, starts, lens, 2);
    ui_put_span(z, 4, 2, 10, ROLE_NORMAL, line, 10);
    for (size_t i = 0; i < lines && i < 2; i++) {
        if (i == 1 && lines > 2)
            ui_put(z, 5, 12, zw - 14, role, starts[1], false);
        else
            ui_put_span(z, 4 + (int)i, 12, zw - 14, role, starts[i], lens[i]);
    }
    const struct outcome *o = outcome_of(dv->status);
    if (dv->state == PB_FAILED && o && o->action) {
        ui_put(z, 6, 2, 10, ROLE_NORMAL, "to do", false);
        lines = ui_wrap(o->action, zw - 14, starts, lens, 2);
        for (size_t i = 0; i < lines && i < 2; i++) {
            if (i == 1 && lines > 2)
                ui_put(z, 7, 12, zw - 14, ROLE_NORMAL, starts[1], false);
            else
                ui_put_span(z, 6 + (int)i, 12, zw - 14, ROLE_NORMAL, starts[i],
                            lens[i]);
        }
    }
    delwin(z);
}

static void draw(struct tui *t)
{
    WINDOW *w = V.win;
    if (!w || !V.job)
        return;
    int h, wd;
    getmaxyx(w, h, wd);
    int iw = wd - 2;
    uint32_t n = position();
    werase(w);
    char right[64];
    if (V.ready && pb_clock_at_end(&V.clock))
        snprintf(right, sizeof(right), "%s end", pglyph(PG_END));
    else if (V.clock.playing)
        snprintf(right, sizeof(right), "%s %s%u/s", pglyph(PG_PLAY),
                 ui_unicode() ? "×" : "x", pb_clock_speed(&V.clock));
    else
        snprintf(right, sizeof(right), "%s paused %s%u/s", pglyph(PG_PAUSE),
                 ui_unicode() ? "×" : "x", pb_clock_speed(&V.clock));
    ui_box(w, V.title, right);
    draw_timeline(w, iw, n);
    draw_counts(w, iw, n);
    char line[480];
    if (V.failed) {
        snprintf(line, sizeof(line), "%s %s", ui_glyph(GLYPH_ERROR),
                 V.job->msg);
        ui_put(w, 4, 2, iw - 2, ROLE_FIELD_ERROR, line, false);
    } else if (!V.ready) {
        size_t done, total;
        pbjob_progress(V.job, &done, &total);
        enum pb_phase ph = pbjob_phase(V.job);
        snprintf(line, sizeof(line),
                 ph == PB_PHASE_FLEET
                     ? "%s computing the fleet: %zu of %zu devices decoded"
                     : "%s computing the fleet: replaying fragment %zu of %zu",
                 tui_spinner(t), done, total);
        ui_put(w, 4, 2, iw - 2, ROLE_TITLE, line, false);
    } else {
        device_line(line, sizeof(line), n);
        ui_put(w, 4, 2, iw - 2, ROLE_DIM, line, false);
    }
    if (V.grid.bars)
        draw_bars(w, n);
    else
        draw_grid(w, n);
    draw_footer(t, w, h, iw, n);
    draw_zoom(w, iw, n);
    wnoutrefresh(w);
}

/* --- the clock and the job ---------------------------------------------- */

static void tick(struct tui *t)
{
    if (!V.job)
        return;
    if (!V.ready && !V.failed) {
        enum pb_phase ph = pbjob_phase(V.job);
        if (ph == PB_PHASE_READY) {
            V.ready = true;
            V.sent = V.job->result.sent;
            V.clock.last = V.sent;
            if (V.clock.milli > (uint64_t)V.sent * 1000)
                V.clock.milli = (uint64_t)V.sent * 1000;
            if (V.pending_end)
                pb_clock_end(&V.clock);
            V.pending_end = false;
        } else if (ph == PB_PHASE_FAILED) {
            V.failed = true;
            V.clock.playing = false;
            tui_message(t, MSG_ERROR, "%s", V.job->msg);
        }
        tui_want_redraw(t);
    }
    if (pb_clock_advance(&V.clock, mono_ms(), V.ready ? V.sent : 0))
        tui_want_redraw(t);
    if (V.ready && pb_clock_at_end(&V.clock) && !V.report_shown &&
        tui_top(t) == &playback_screen) {
        V.report_shown = true;
        pbreport_open(t);
    }
    sync_busy(t);
}

static void title_for(const char *name)
{
    const struct fleet_params *p = &V.job->run.params;
    char loss[160];
    int n = snprintf(loss, sizeof(loss), "%g %% loss", p->loss.loss * 100.0);
    if (p->loss.burst > 0 && n > 0 && (size_t)n < sizeof(loss))
        n += snprintf(loss + n, sizeof(loss) - (size_t)n, ", bursts of %g",
                      p->loss.burst);
    if (p->loss.spread > 0 && n > 0 && (size_t)n < sizeof(loss))
        n += snprintf(loss + n, sizeof(loss) - (size_t)n, ", spread %g %%",
                      p->loss.spread * 100.0);
    if (p->loss.shared_loss > 0 && n > 0 && (size_t)n < sizeof(loss))
        snprintf(loss + n, sizeof(loss) - (size_t)n, ", shared %g %%",
                 p->loss.shared_loss * 100.0);
    snprintf(V.title, sizeof(V.title), "Playback %s %s %s %zu device%s %s %s",
             ui_glyph(GLYPH_DOT), name, ui_glyph(GLYPH_DOT), p->devices,
             p->devices == 1 ? "" : "s", ui_glyph(GLYPH_DOT), loss);
}

void pbview_start(struct tui *t, struct pb_run *run, const char *title)
{
    drop_job();
    char msg[320];
    uint32_t total = run->session.m + run->session.r;
    struct pb_job *job = pbjob_start(run, msg, sizeof(msg));
    if (!job) {
        tui_message(t, MSG_ERROR, "not started: %s", msg);
        return;
    }
    V.job = job;
    V.ready = V.failed = false;
    V.sent = 0;
    V.total = total;
    V.pending_end = false;
    V.report_shown = false;
    V.cursor = 0;
    V.zoom = false;
    V.zoom_valid = false;
    pb_clock_init(&V.clock, total, pb_speed_for(total));
    pb_clock_restart(&V.clock, mono_ms());
    title_for(title);
    if (!tui_push(t, &playback_screen)) {
        drop_job();
        tui_message(t, MSG_ERROR, "not started: too many screens open");
        return;
    }
    sync_busy(t);
}

static void leave(struct tui *t)
{
    drop_job();
    V.ready = V.failed = false;
    V.zoom = false;
    sync_busy(t);
    if (V.win) {
        delwin(V.win);
        V.win = NULL;
    }
}

/* --- actions ------------------------------------------------------------ */

static bool need_ready(struct tui *t)
{
    if (V.ready)
        return true;
    tui_message(t, MSG_INFO,
                V.failed ? "the fleet could not be computed (Esc goes back)"
                         : "the fleet is still being computed");
    return false;
}

static void move_cursor(int dy, int dx)
{
    V.cursor = pb_grid_move(&V.grid, V.cursor, dy, dx);
}

static void click(const struct tui_input *in)
{
    if (!V.win || V.grid.bars)
        return;
    int wy, wx;
    getbegyx(V.win, wy, wx);
    int row = in->mouse_y - wy - V.grid_y;
    int col = (in->mouse_x - wx - V.grid_x) / V.grid.cell_w;
    size_t d = pb_grid_device_at(&V.grid, row, col);
    if (d != SIZE_MAX)
        V.cursor = d;
}

static void handle(struct tui *t, enum tui_action a, const struct tui_input *in)
{
    uint64_t now = mono_ms();
    switch (a) {
    case ACT_PLAY:
        if (V.ready && pb_clock_at_end(&V.clock))
            V.report_shown = false;
        pb_clock_toggle(&V.clock, now);
        break;
    case ACT_STEP:
        if (need_ready(t) && !pb_clock_step(&V.clock, V.sent))
            tui_message(t, MSG_INFO, "at the end: r plays it again");
        break;
    case ACT_FASTER:
    case ACT_SLOWER:
        if (!(a == ACT_FASTER ? pb_clock_faster(&V.clock)
                              : pb_clock_slower(&V.clock)))
            tui_message(t, MSG_INFO, "already the %s: %u fragment%s a second",
                        a == ACT_FASTER ? "fastest" : "slowest",
                        pb_clock_speed(&V.clock),
                        pb_clock_speed(&V.clock) == 1 ? "" : "s");
        else
            tui_message(t, MSG_INFO, "%u fragment%s a second",
                        pb_clock_speed(&V.clock),
                        pb_clock_speed(&V.clock) == 1 ? "" : "s");
        break;
    case ACT_JUMP_END:
        if (V.ready) {
            pb_clock_end(&V.clock);
        } else if (!V.failed) {
            V.pending_end = true;
            tui_message(t, MSG_INFO,
                        "to the end as soon as the fleet is computed");
        }
        break;
    case ACT_RESTART:
        V.report_shown = false;
        pb_clock_restart(&V.clock, now);
        break;
    case ACT_ZOOM:
    case ACT_ENTER:
        if (need_ready(t)) {
            V.zoom = !V.zoom;
            V.zoom_valid = false;
        }
        break;
    case ACT_UP:
        move_cursor(-1, 0);
        break;
    case ACT_DOWN:
        move_cursor(1, 0);
        break;
    case ACT_LEFT:
        move_cursor(0, -1);
        break;
    case ACT_RIGHT:
        move_cursor(0, 1);
        break;
    case ACT_PAGE_UP:
        move_cursor(V.grid.bars ? -1 : -V.grid_h, 0);
        break;
    case ACT_PAGE_DOWN:
        move_cursor(V.grid.bars ? 1 : V.grid_h, 0);
        break;
    case ACT_HOME:
        V.cursor = 0;
        break;
    case ACT_CLICK:
        click(in);
        break;
    case ACT_REPORT:
        if (need_ready(t))
            pbreport_open(t);
        break;
    case ACT_SAVE_JSON:
    case ACT_SAVE_CSV:
        if (need_ready(t))
            pbreport_ask_save(t, a == ACT_SAVE_JSON);
        break;
    case ACT_BACK:
        if (V.zoom) {
            V.zoom = false;
            break;
        }
        tui_pop(t);
        return;
    case ACT_HELP:
        tui_push(t, &help_screen);
        return;
    case ACT_QUIT:
        t->quit = true;
        return;
    default:
        return;
    }
    sync_busy(t);
    tui_want_redraw(t);
}

static void status(struct tui *t, char *buf, size_t size,
                   enum tui_msg_kind *kind)
{
    (void)t;
    *kind = MSG_INFO;
    if (!V.ready)
        snprintf(buf, size,
                 "the fleet is computed off the screen: the keys work "
                 "meanwhile, Esc goes back");
    else if (pb_clock_at_end(&V.clock))
        snprintf(buf, size,
                 "the end: v shows the report, r plays it again, Enter "
                 "details a device");
    else
        snprintf(buf, size,
                 "Space plays or pauses, . steps, + and - change the speed, "
                 "End jumps to the end");
}

static const struct tui_binding bindings[] = {
    { ' ', ACT_PLAY },     { '.', ACT_STEP },
    { '+', ACT_FASTER },   { '=', ACT_FASTER },
    { '-', ACT_SLOWER },   { TUI_FN(KEY_END), ACT_JUMP_END },
    { 'r', ACT_RESTART },  { '\r', ACT_ZOOM },
    { '\n', ACT_ZOOM },    { TUI_FN(KEY_ENTER), ACT_ZOOM },
    { 'v', ACT_REPORT },   { 'j', ACT_SAVE_JSON },
    { 'c', ACT_SAVE_CSV },
};
static const struct tui_keymap keymap = TUI_KEYMAP("playback", bindings);
static const enum tui_action hints[] = {
    ACT_PLAY,    ACT_STEP, ACT_FASTER, ACT_SLOWER, ACT_JUMP_END,
    ACT_RESTART, ACT_ZOOM, ACT_BACK,   ACT_REPORT, ACT_HELP,
};

const struct tui_screen playback_screen = {
    .name = "playback",
    .keymap = &keymap,
    .hints = hints,
    .hint_count = sizeof(hints) / sizeof(hints[0]),
    .leave = leave,
    .layout = layout,
    .draw = draw,
    .handle = handle,
    .tick = tick,
    .status = status,
};
