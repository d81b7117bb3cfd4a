/*
 * The planner screen: opening it from the wizard, the job that computes
 * the sweep (tui/planner_job.h) polled from tick(), the snapshot the
 * chart draws from (tui/planner_view.c), the cursor, the settings asked
 * one field at a time (tui/planner_settings.h, refused with the rule),
 * and Enter, which applies the recommendation to the wizard.
 */
#include "tui/planner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/number.h"
#include "tui/dialog.h"
#include "tui/planner_view.h"
#include "tui/ui.h"

struct pl_state PL = { .wizard_red = -1, .wizard_size = -1 };

struct pl_job *planner_job(void)
{
    return PL.job;
}

uint64_t planner_stage_shown(void)
{
    return PL.snap.stage;
}

static void sync_busy(struct tui *t)
{
    bool want = PL.job && (pl_job_phase(PL.job) == PL_PHASE_BUILD ||
                           pl_job_phase(PL.job) == PL_PHASE_RUNNING);
    if (want != PL.busy) {
        tui_busy(t, want);
        PL.busy = want;
    }
}

static void drop_job(struct tui *t)
{
    pl_job_free(PL.job);
    PL.job = NULL;
    PL.snap.stage = 0;
    PL.snap.trials = 0;
    sync_busy(t);
}

/* --- the snapshot -------------------------------------------------------- */

static bool snap_read(const struct sweep *sw)
{
    struct pl_snapshot *s = &PL.snap;
    sweep_axes(sw, &s->ax);
    if (s->size_i >= s->ax.sizes)
        s->size_i = 0;
    size_t count = s->ax.losses * s->ax.redundancies;
    if (count > s->count) {
        struct sweep_point *pts = realloc(s->pts, count * sizeof(*pts));
        if (!pts)
            return false;
        s->pts = pts;
        struct pl_value *val = realloc(s->val, count * sizeof(*val));
        if (!val)
            return false;
        s->val = val;
    }
    s->count = count;
    size_t losses = s->ax.losses < PL_CURVES_MAX ? s->ax.losses : PL_CURVES_MAX;
    for (size_t l = 0; l < s->ax.losses; l++)
        for (size_t j = 0; j < s->ax.redundancies; j++) {
            size_t at = l * s->ax.redundancies + j;
            sweep_point(sw, sweep_index(sw, s->size_i, 0, l, j), &s->pts[at]);
            sweep_target_value(sw, &s->pts[at], &s->val[at].v, &s->val[at].lo,
                               &s->val[at].hi);
        }
    for (size_t l = 0; l < losses; l++) {
        sweep_recommend_redundancy(sw, s->size_i, 0, l, &s->rec[l]);
        sweep_recommend_fragment_size(sw, 0, l, &s->size_rec[l]);
    }
    s->trials = sweep_trials(sw);
    return true;
}

/* Reads the chart's points at one stage: again when a stage was
 * committed while reading. */
static void snapshot(struct tui *t)
{
    const struct sweep *sw = PL.job ? pl_job_sweep(PL.job) : NULL;
    if (!sw)
        return;
    uint64_t before, after;
    do {
        before = sweep_stage(sw);
        if (!snap_read(sw)) {
            tui_message(t, MSG_ERROR, "the planner is out of memory");
            return;
        }
        after = sweep_stage(sw);
    } while (before != after);
    PL.snap.stage = after;
    const struct sweep_axes *ax = &PL.snap.ax;
    if (!PL.placed && ax->losses && ax->redundancies) {
        /* The cursor goes where it was (by value), or to the wizard's
         * expected loss and redundancy. */
        PL.curve = pl_nearest(ax->loss, ax->losses, PL.cursor_loss);
        double red[101];
        size_t n = ax->redundancies < 101 ? ax->redundancies : 101;
        for (size_t j = 0; j < n; j++)
            red[j] = ax->redundancy[j];
        PL.point = pl_nearest(red, n, PL.cursor_red);
        PL.placed = true;
    }
    tui_want_redraw(t);
}

const struct sweep_point *planner_cursor_point(void)
{
    const struct pl_snapshot *s = &PL.snap;
    if (!s->stage || PL.curve >= s->ax.losses || PL.point >= s->ax.redundancies)
        return NULL;
    return &s->pts[PL.curve * s->ax.redundancies + PL.point];
}

const struct sweep_recommendation *planner_applicable(void)
{
    const struct pl_snapshot *s = &PL.snap;
    if (!s->stage || PL.curve >= s->ax.losses || PL.curve >= PL_CURVES_MAX)
        return NULL;
    return s->ax.sizes > 1 ? &s->size_rec[PL.curve] : &s->rec[PL.curve];
}

/* --- starting ------------------------------------------------------------ */

static void remember_cursor(void)
{
    const struct sweep_point *pt = planner_cursor_point();
    if (pt) {
        PL.cursor_loss = pt->loss;
        PL.cursor_red = pt->redundancy_percent;
    }
}

/* Checks the settings and starts a sweep for them (the old one goes). */
static void start(struct tui *t)
{
    remember_cursor();
    drop_job(t);
    PL.placed = false;
    PL.ok = pl_settings_check(&PL.set, &PL.req, &PL.plan, &PL.bad, PL.problem,
                              sizeof(PL.problem));
    if (!PL.ok)
        return;
    char msg[128];
    PL.job = pl_job_start(&PL.plan, msg, sizeof(msg));
    if (!PL.job) {
        PL.ok = false;
        PL.bad = PL_FIELD_COUNT;
        snprintf(PL.problem, sizeof(PL.problem), "not started: %s", msg);
    }
    sync_busy(t);
}

static void edit_field(struct tui *t, enum pl_field f);

/* A field's dialog answered: the value is taken when the settings check
 * with it, else refused with the rule (the dialog stays open). */
static bool field_done(struct tui *t, const char *const *values, char *err,
                       size_t errsize)
{
    enum pl_field f = PL.editing;
    struct pl_settings next = PL.set;
    if (!pl_settings_set(&next, f, values[0])) {
        snprintf(err, errsize, "%s: at most %d characters", pl_field_label(f),
                 PL_TEXT_MAX);
        return false;
    }
    struct pl_plan plan;
    enum pl_field bad;
    char why[PL_ERROR_MAX];
    bool ok = pl_settings_check(&next, &PL.req, &plan, &bad, why, sizeof(why));
    /* Refused when it breaks a rule itself, or breaks settings that
     * held; a problem elsewhere that was there before is the next to
     * fix, not a reason to refuse this value. */
    if (!ok && bad != PL_FIELD_COUNT && (bad == f || PL.ok)) {
        snprintf(err, errsize, "%s", why);
        return false;
    }
    PL.set = next;
    PL.edited[f] = true;
    start(t);
    if (PL.ok)
        tui_message(t, MSG_OK, "%s %s: computing", pl_field_label(f),
                    values[0][0] ? values[0] : "(empty)");
    else if (PL.bad != PL_FIELD_COUNT && PL.bad != f)
        edit_field(t, PL.bad);
    return true;
}

static void edit_field(struct tui *t, enum pl_field f)
{
    const char *labels[] = { pl_field_label(f) };
    const char *values[] = { PL.set.text[f] };
    char title[80], help[PL_ERROR_MAX + 300];
    PL.editing = f;
    snprintf(title, sizeof(title), "Planner %s %s", ui_glyph(GLYPH_DOT),
             pl_field_label(f));
    /* The rule that brought us here first, when there is one. */
    if (!PL.ok && PL.bad == f)
        snprintf(help, sizeof(help), "%s %s\n%s", ui_glyph(GLYPH_ERROR),
                 PL.problem, pl_field_help(f));
    else
        snprintf(help, sizeof(help), "%s", pl_field_help(f));
    dialog_input(t, title, help, 1, labels, values, field_done);
}

static void field_chosen(struct tui *t, int index)
{
    if (index < 0 || index >= PL_FIELD_COUNT)
        return;
    PL.last_choice = index;
    edit_field(t, (enum pl_field)index);
}

static void choose_field(struct tui *t)
{
    static char lines[PL_FIELD_COUNT][PL_TEXT_MAX + 40];
    const char *items[PL_FIELD_COUNT];
    for (int f = 0; f < PL_FIELD_COUNT; f++) {
        snprintf(lines[f], sizeof(lines[f]), "%-15s %s",
                 pl_field_label((enum pl_field)f),
                 PL.set.text[f][0] ? PL.set.text[f] : "(empty)");
        items[f] = lines[f];
    }
    dialog_choose(t, "Planner settings", items, PL_FIELD_COUNT, PL.last_choice,
                  field_chosen);
}

/* A whole number typed into a wizard field, or -1. */
static long wizard_number(const struct tui *t, enum model_field f)
{
    long long v;
    if (number_parse_int(model_text(&t->model, f), 0, 1000000, &v) != NUMBER_OK)
        return -1;
    return (long)v;
}

void tui_open_planner(struct tui *t)
{
    for (int i = 0; i < t->depth; i++)
        if (t->stack[i] == &planner_screen) {
            tui_message(t, MSG_INFO, "the planner is already open");
            return;
        }
    const struct model *m = &t->model;
    struct pl_wizard w = {
        .image_bytes = m->image_known ? m->image_bytes : 0,
        .fragment_size = model_text(m, F_FRAGMENT_SIZE),
        .loss = model_text(m, F_PLAN_LOSS),
    };
    struct pl_settings fresh;
    pl_settings_init(&fresh, &w);
    for (int f = 0; f < PL_FIELD_COUNT; f++)
        if (!PL.inited || !PL.edited[f])
            memcpy(PL.set.text[f], fresh.text[f], sizeof(fresh.text[f]));
    if (!PL.inited)
        PL.last_choice = 0;
    PL.inited = true;
    snprintf(PL.region, sizeof(PL.region), "%s", m->region ? m->region : "");
    PL.req = (struct pl_request){
        .region = m->region ? PL.region : NULL,
        .dr = m->dr,
        .has_interval = m->task.has_fragment_interval_ms,
        .interval_ms = m->task.fragment_interval_ms,
    };
    const char *name = model_text(m, F_NAME);
    snprintf(PL.name, sizeof(PL.name), "%s", *name ? name : "unnamed request");
    PL.wizard_red = (int)wizard_number(t, F_REDUNDANCY);
    PL.wizard_size = wizard_number(t, F_FRAGMENT_SIZE);
    long loss = wizard_number(t, F_PLAN_LOSS);
    /* No expected loss: the cursor starts on the worst level. */
    PL.cursor_loss = loss >= 0 ? (double)loss : 1e9;
    PL.cursor_red = PL.wizard_red >= 0 ? PL.wizard_red : 0;
    PL.snap.size_i = 0;
    if (!tui_push(t, &planner_screen)) {
        tui_message(t, MSG_ERROR, "too many screens open");
        return;
    }
    start(t);
    if (!PL.ok && PL.bad != PL_FIELD_COUNT)
        edit_field(t, PL.bad);
}

/* --- the screen ---------------------------------------------------------- */

static void tick(struct tui *t)
{
    if (!PL.job)
        return;
    enum pl_phase ph = pl_job_phase(PL.job);
    const struct sweep *sw = pl_job_sweep(PL.job);
    if (sw && sweep_stage(sw) != PL.snap.stage)
        snapshot(t);
    if (ph == PL_PHASE_FAILED && PL.busy)
        tui_message(t, MSG_ERROR, "the planner stopped: %s", PL.job->msg);
    sync_busy(t);
}

static void layout(struct tui *t, const struct tui_rect *body)
{
    (void)t;
    if (PL.win)
        delwin(PL.win);
    PL.win = newwin(body->h, body->w, body->y, body->x);
}

static void leave(struct tui *t)
{
    remember_cursor();
    drop_job(t);
    free(PL.snap.pts);
    free(PL.snap.val);
    PL.snap.pts = NULL;
    PL.snap.val = NULL;
    PL.snap.count = 0;
    if (PL.win) {
        delwin(PL.win);
        PL.win = NULL;
    }
}

/* "RedundancyPercent 20 → 35" appended at `at` of what; returns the
 * new length. old < 0: the field was empty or not a number. */
static size_t change(char *what, size_t size, size_t at, const char *name,
                     long old, const char *now)
{
    char was[24] = "(empty)";
    if (old >= 0)
        snprintf(was, sizeof(was), "%ld", old);
    if (at >= size)
        return at;
    int n = snprintf(what + at, size - at, "%s%s %s %s %s", at ? ", " : "",
                     name, was, ui_glyph(GLYPH_ARROW), now);
    return n > 0 ? at + (size_t)n : at;
}

/* Enter: the recommendation for the cursor's loss level into the wizard,
 * then back to it. */
static void apply(struct tui *t)
{
    const struct sweep_recommendation *r = planner_applicable();
    if (!PL.ok) {
        tui_message(t, MSG_ERROR, "nothing to apply: %s", PL.problem);
        return;
    }
    if (!r) {
        tui_message(t, MSG_INFO,
                    "nothing to apply yet: the first trials are "
                    "still running");
        return;
    }
    const struct sweep_axes *ax = &PL.snap.ax;
    if (!r->found) {
        tui_message(t, MSG_ERROR,
                    "nothing to apply: no redundancy from %d to %d %% "
                    "reaches the target at %g %% loss (s widens the range)",
                    ax->redundancy[0], ax->redundancy[ax->redundancies - 1],
                    ax->loss[PL.curve]);
        return;
    }
    const struct sweep_point *pt = &r->point;
    char red[16], size[16], what[160] = "";
    snprintf(red, sizeof(red), "%d", pt->redundancy_percent);
    snprintf(size, sizeof(size), "%u", (unsigned)pt->fragment_size);
    size_t n = 0;
    if (PL.wizard_red != pt->redundancy_percent) {
        if (!model_set_text(&t->model, F_REDUNDANCY, red)) {
            tui_message(t, MSG_ERROR, "out of memory");
            return;
        }
        n = change(what, sizeof(what), 0, "RedundancyPercent", PL.wizard_red,
                   red);
    }
    if (PL.wizard_size != (long)pt->fragment_size) {
        if (!model_set_text(&t->model, F_FRAGMENT_SIZE, size)) {
            tui_message(t, MSG_ERROR, "out of memory");
            return;
        }
        change(what, sizeof(what), n, "FragmentSizeBytes", PL.wizard_size,
               size);
    }
    char because[200];
    snprintf(because, sizeof(because), "%.2f %% at %g %% loss, %llu trials",
             r->value * 100.0, pt->loss, (unsigned long long)pt->trials);
    bool changed = what[0] != '\0';
    if (changed)
        tui_model_changed(t);
    tui_pop(t);
    if (changed)
        tui_message(t, MSG_OK, "applied from the planner: %s (%s)", what,
                    because);
    else
        tui_message(t, MSG_INFO,
                    "the wizard already has RedundancyPercent %s and "
                    "FragmentSizeBytes %s (%s)",
                    red, size, because);
}

static void back(struct tui *t)
{
    bool running = PL.job && pl_job_phase(PL.job) != PL_PHASE_DONE &&
                   pl_job_phase(PL.job) != PL_PHASE_FAILED;
    uint64_t trials = PL.snap.trials;
    uint64_t want = PL.plan.params.trials;
    tui_pop(t);
    if (running)
        tui_message(t, MSG_INFO,
                    "planner closed: its run stopped at %llu of %llu trials "
                    "a point",
                    (unsigned long long)trials, (unsigned long long)want);
}

static void click(const struct tui_input *in)
{
    const struct pl_snapshot *s = &PL.snap;
    if (!PL.win || !s->stage)
        return;
    int wy, wx, h, w;
    getbegyx(PL.win, wy, wx);
    getmaxyx(PL.win, h, w);
    struct pl_layout lay;
    pl_layout_compute(h, w, 3, &lay);
    int col = in->mouse_x - wx - lay.plot.x;
    int row = in->mouse_y - wy - lay.plot.y;
    if (col < 0 || col >= lay.plot.w || row < 0 || row >= lay.plot.h)
        return;
    enum pl_raster m = ui_unicode() ? PL_BRAILLE : PL_ASCII;
    int xdots = lay.plot.w * pl_dots_x(m);
    int xs[101];
    size_t n = s->ax.redundancies < 101 ? s->ax.redundancies : 101;
    for (size_t j = 0; j < n; j++)
        xs[j] = pl_scale(s->ax.redundancy[j], s->ax.redundancy[0],
                         s->ax.redundancy[s->ax.redundancies - 1], xdots);
    PL.point = pl_point_at_column(xs, n, col, pl_dots_x(m));
}

static void handle(struct tui *t, enum tui_action a, const struct tui_input *in)
{
    const struct pl_snapshot *s = &PL.snap;
    switch (a) {
    case ACT_LEFT:
    case ACT_RIGHT:
        PL.point =
            pl_step(PL.point, a == ACT_LEFT ? -1 : 1, s->ax.redundancies);
        return;
    case ACT_UP:
    case ACT_DOWN:
        PL.curve = pl_step(PL.curve, a == ACT_UP ? -1 : 1, s->ax.losses);
        return;
    case ACT_HOME:
        PL.point = 0;
        return;
    case ACT_END:
        PL.point = pl_step(0, (long)s->ax.redundancies, s->ax.redundancies);
        return;
    case ACT_APPLY:
        apply(t);
        return;
    case ACT_RANGES:
        choose_field(t);
        return;
    case ACT_SIZE:
        if (!s->stage || s->ax.sizes < 2) {
            tui_message(t, MSG_INFO,
                        "one fragment size: s, then Fragment sizes, "
                        "compares several (e.g. 48,100,200)");
            return;
        }
        PL.snap.size_i = (s->size_i + 1) % s->ax.sizes;
        snapshot(t);
        return;
    case ACT_CLICK:
        click(in);
        return;
    case ACT_BACK:
        back(t);
        return;
    case ACT_PLANNER:
        tui_message(t, MSG_INFO, "this is the planner: Esc goes back");
        return;
    case ACT_HELP:
        tui_push(t, &help_screen);
        return;
    case ACT_QUIT:
        t->quit = true;
        return;
    default:
        tui_message(t, MSG_INFO, "not here: F1 lists the planner's keys");
        return;
    }
}

static void status(struct tui *t, char *buf, size_t size,
                   enum tui_msg_kind *kind)
{
    (void)t;
    *kind = PL.ok ? MSG_INFO : MSG_ERROR;
    if (!PL.ok) {
        snprintf(buf, size, "%s", PL.problem);
        return;
    }
    const struct sweep_recommendation *r = planner_applicable();
    size_t n = 0;
    if (r && r->found) {
        const struct sweep_point *pt = &r->point;
        char was[24] = "empty";
        if (PL.wizard_red >= 0)
            snprintf(was, sizeof(was), "now %d", PL.wizard_red);
        int k = snprintf(buf, size, "Enter applies RedundancyPercent %d (%s)",
                         pt->redundancy_percent, was);
        n = k > 0 ? (size_t)k : 0;
        if (PL.wizard_size != (long)pt->fragment_size && n < size) {
            snprintf(was, sizeof(was), "empty");
            if (PL.wizard_size >= 0)
                snprintf(was, sizeof(was), "now %ld", PL.wizard_size);
            k = snprintf(buf + n, size - n, " and FragmentSizeBytes %u (%s)",
                         (unsigned)pt->fragment_size, was);
            n += k > 0 ? (size_t)k : 0;
        }
        if (n < size)
            n += (size_t)snprintf(buf + n, size - n, " %s ",
                                  ui_glyph(GLYPH_DOT));
    }
    if (n < size)
        snprintf(buf + n, size - n,
                 "Left/Right redundancy, Up/Down loss level, s settings");
}

static const struct tui_binding bindings[] = {
    { '\r', ACT_APPLY }, { '\n', ACT_APPLY }, { TUI_FN(KEY_ENTER), ACT_APPLY },
    { 's', ACT_RANGES }, { 'f', ACT_SIZE },
};
static const struct tui_keymap keymap = TUI_KEYMAP("planner", bindings);
static const enum tui_action hints[] = { ACT_HELP, ACT_APPLY, ACT_RANGES,
                                         ACT_SIZE, ACT_BACK,  ACT_QUIT };

const struct tui_screen planner_screen = {
    .name = "planner",
    .keymap = &keymap,
    .hints = hints,
    .hint_count = sizeof(hints) / sizeof(hints[0]),
    .leave = leave,
    .layout = layout,
    .draw = planner_draw,
    .handle = handle,
    .tick = tick,
    .status = status,
};
