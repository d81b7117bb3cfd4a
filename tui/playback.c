/*
 * Playback, first step: the settings panel (a form like the wizard's)
 * for the fleet, the loss models, the data rate, the device limits and
 * the seed. Every change is checked at once (tui/playback_settings.h):
 * a value that breaks a rule is marked on its field with the rule, and
 * Enter starts only when nothing is marked. The live view is
 * tui/playback_view.c.
 */
#include "tui/playback.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/region.h"
#include "core/units.h"
#include "sim/scenario.h"
#include "tui/dialog.h"
#include "tui/edit.h"
#include "tui/ui.h"

enum { ROWS_MAX = 2 * PB_FIELD_COUNT, DR_MAX = 32 };

struct srow {
    bool group;
    enum pb_field field; /* the field, or the group's first field */
};

static struct {
    bool inited;
    struct pb_settings set;
    struct fuota_task request;
    char title[160];
    bool ok;                          /* the last check passed */
    char summary[PB_ERROR_MAX + 128]; /* what they play, or what is wrong */
    char limit[256]; /* the session outlasts a Class C session: "" or why */
    struct srow rows[ROWS_MAX];
    int row_count;
    enum pb_field focus;
    int first; /* first visible row */
    WINDOW *win, *sub;
    int inner_h, inner_w;
    FORM *form;
    FIELD *fields[2];
    enum pb_field editing; /* PB_FIELD_COUNT: none */
    int editor_y;
    int drs[DR_MAX];
    size_t dr_count;
    char scenario[SCENARIO_NAME_MAX]; /* loaded, "" = none */
    struct scenario_list scenarios;   /* the F7 list while it is open */
} S = { .editing = PB_FIELD_COUNT };

/* Rows shown above the list: the summary line and a gap. */
#define TOP_ROWS 2
#define LABEL_X  2
#define FIELD_X  24 /* after '[' */

static void build_rows(void)
{
    S.row_count = 0;
    const char *group = NULL;
    for (int f = 0; f < PB_FIELD_COUNT; f++) {
        const char *g = pb_field_group((enum pb_field)f);
        if (!group || strcmp(g, group) != 0)
            S.rows[S.row_count++] = (struct srow){ true, (enum pb_field)f };
        group = g;
        S.rows[S.row_count++] = (struct srow){ false, (enum pb_field)f };
    }
}

static int row_of(enum pb_field f)
{
    for (int i = 0; i < S.row_count; i++)
        if (!S.rows[i].group && S.rows[i].field == f)
            return i;
    return 0;
}

static bool is_text(enum pb_field f)
{
    return pb_field_kind(f) != PB_CHOICE;
}

static int field_w(enum pb_field f)
{
    int w = pb_field_width(f);
    int room = S.inner_w - FIELD_X - 2;
    return w > room ? (room > 1 ? room : 1) : w;
}

/* --- checking ----------------------------------------------------------- */

/* A session longer than a Class C multicast session can last (TS005:
 * 2^15 s, core/limits): real devices return to Class A partway. Say
 * after which fragment, and whether this playback makes them leave too
 * (the Class C limit field). */
static void session_limit(const struct pb_run *run)
{
    S.limit[0] = '\0';
    if (!run->class_c_heard)
        return;
    unsigned heard = (unsigned)run->class_c_heard,
             total = (unsigned)(run->session.m + run->session.r);
    if (S.set.class_c_limit)
        snprintf(S.limit, sizeof(S.limit),
                 "%s devices leave after fragment %u of %u, as real ones do "
                 "(Class C limit, TS005: 9 h 6 min)",
                 ui_glyph(GLYPH_WARNING), heard, total);
    else
        snprintf(S.limit, sizeof(S.limit),
                 "%s Class C limit off: devices stay past fragment %u of %u, "
                 "where real ones leave (TS005: 9 h 6 min)",
                 ui_glyph(GLYPH_WARNING), heard, total);
}

static void check(void)
{
    struct pb_run run;
    S.ok = pb_settings_check(&S.set, &S.request, &run);
    if (S.ok) {
        const struct fleet_session *s = &run.session;
        char slot[UNITS_BUF], size[UNITS_BUF];
        snprintf(
            S.summary, sizeof(S.summary),
            "%s DR%d %s %u + %u = %u fragments of %u B %s one every %s "
            "%s image %s",
            s->region, s->dr, ui_glyph(GLYPH_DOT), (unsigned)s->m,
            (unsigned)s->r, (unsigned)(s->m + s->r), (unsigned)s->fragment_size,
            ui_glyph(GLYPH_DOT),
            units_duration((double)s->spacing_us / 1e6, slot, sizeof(slot)),
            ui_glyph(GLYPH_DOT),
            units_bytes(s->image_bytes, size, sizeof(size)));
        session_limit(&run);
        pb_run_cleanup(&run);
        return;
    }
    S.limit[0] = '\0';
    if (S.set.request_error[0]) {
        snprintf(S.summary, sizeof(S.summary),
                 "%s the request cannot be played: %s (Esc, then fix it)",
                 ui_glyph(GLYPH_ERROR), S.set.request_error);
        return;
    }
    size_t n = 0;
    for (int f = 0; f < PB_FIELD_COUNT; f++)
        n += S.set.error[f][0] != '\0';
    snprintf(S.summary, sizeof(S.summary),
             "%s %zu setting%s to fix before Enter can start",
             ui_glyph(GLYPH_ERROR), n, n == 1 ? "" : "s");
}

/* --- the editor over the focused text field ----------------------------- */

static void editor_free(void)
{
    if (S.form) {
        edit_form_free(S.form);
        S.form = NULL;
    }
    S.fields[0] = NULL;
    S.editing = PB_FIELD_COUNT;
}

static void editor_sync(void)
{
    int y = row_of(S.focus) - S.first + TOP_ROWS;
    bool visible = y >= TOP_ROWS && y < S.inner_h;
    if (S.form && S.editing == S.focus && S.editor_y == y && visible)
        return;
    editor_free();
    if (!S.sub || !is_text(S.focus) || !visible)
        return;
    int max = pb_field_kind(S.focus) == PB_TEXT ? PB_TEXT_MAX : 24;
    S.form = edit_form_over(S.win, S.sub, S.fields, y, FIELD_X,
                            field_w(S.focus), max, S.set.text[S.focus]);
    if (!S.form)
        return;
    S.editing = S.focus;
    S.editor_y = y;
}

static void editor_commit(struct tui *t)
{
    if (!S.form)
        return;
    char *v = edit_value(S.form, S.fields[0]);
    if (!v) {
        tui_message(t, MSG_ERROR, "out of memory");
        return;
    }
    if (strcmp(v, S.set.text[S.editing]) != 0) {
        if (pb_settings_set(&S.set, S.editing, v))
            check();
        else
            tui_message(t, MSG_ERROR, "%s: not accepted (too long)",
                        pb_field_label(S.editing));
    }
    free(v);
}

/* --- layout and drawing ------------------------------------------------- */

static void free_windows(void)
{
    editor_free();
    if (S.sub) {
        delwin(S.sub);
        S.sub = NULL;
    }
    if (S.win) {
        delwin(S.win);
        S.win = NULL;
    }
}

static void scroll_to_focus(void)
{
    int visible = S.inner_h - TOP_ROWS;
    int row = row_of(S.focus);
    int want = row > 0 && S.rows[row - 1].group ? row - 1 : row;
    if (want < S.first)
        S.first = want;
    S.first = layout_scroll(S.first, row, visible, S.row_count);
}

static void layout(struct tui *t, const struct tui_rect *body)
{
    (void)t;
    free_windows();
    S.win = newwin(body->h, body->w, body->y, body->x);
    S.inner_h = body->h - 2;
    S.inner_w = body->w - 2;
    if (S.win)
        S.sub = derwin(S.win, S.inner_h, S.inner_w, 1, 1);
    scroll_to_focus();
    editor_sync();
}

static void choice_text(enum pb_field f, char *buf, size_t size)
{
    if (f == PBF_MODE) {
        snprintf(buf, size, "%s",
                 S.set.mode == FLEET_MODE_RANK
                     ? "rank (1 % fully decoded)"
                     : "full (every device rebuilds the image)");
        return;
    }
    if (f == PBF_EARLY_STOP) {
        snprintf(buf, size, "%s", S.set.early_stop ? "yes" : "no");
        return;
    }
    if (f == PBF_CLASS_C) {
        snprintf(buf, size, "%s",
                 S.set.class_c_limit ? "on (devices leave after 2^15 s, TS005)"
                                     : "off (devices listen to the end)");
        return;
    }
    const struct region *r =
        S.request.rf_region ? region_find(S.request.rf_region) : NULL;
    const struct region_dr *d =
        r ? (S.set.dr < 0 ? region_default_dr(r) : region_dr(r, S.set.dr))
          : NULL;
    char desc[48] = "";
    if (d)
        region_dr_describe(d, desc, sizeof(desc));
    if (!r)
        snprintf(buf, size, "default (no region)");
    else if (S.set.dr < 0)
        snprintf(buf, size, "default (DR%d %s)", d ? d->dr : 0, desc);
    else
        snprintf(buf, size, "DR%d %s", S.set.dr, desc);
}

static void draw_row(WINDOW *w, int y, const struct srow *r)
{
    int inner = S.inner_w;
    bool editing = !r->group && S.form && S.editing == r->field;
    /* Never draw over the editor's cells: the form reads its text back
     * from the window. */
    if (editing) {
        ui_fill(w, y, 1, FIELD_X, ROLE_NORMAL);
        int after = 1 + FIELD_X + field_w(r->field);
        ui_fill(w, y, after, inner + 1 - after, ROLE_NORMAL);
    } else {
        ui_fill(w, y, 1, inner, ROLE_NORMAL);
    }
    if (r->group) {
        ui_put(w, y, 2, inner - 2, ROLE_TITLE, pb_field_group(r->field), false);
        return;
    }
    enum pb_field f = r->field;
    bool focus = f == S.focus;
    if (focus)
        ui_put(w, y, 1 + LABEL_X - 1, 1, ROLE_FOCUS, ui_glyph(GLYPH_RIGHT),
               false);
    ui_put(w, y, 1 + LABEL_X + 1, FIELD_X - LABEL_X - 3,
           focus ? ROLE_FOCUS : ROLE_NORMAL, pb_field_label(f), false);
    int fx = 1 + FIELD_X;
    int after;
    if (is_text(f)) {
        int fw = field_w(f);
        ui_put(w, y, fx - 1, 1, ROLE_BORDER, "[", false);
        if (!editing)
            ui_put(w, y, fx, fw, ROLE_FIELD, S.set.text[f], true);
        ui_put(w, y, fx + fw, 1, ROLE_BORDER, "]", false);
        after = fx + fw + 2;
    } else {
        char text[128], shown[160];
        choice_text(f, text, sizeof(text));
        snprintf(shown, sizeof(shown), "%s %s %s", ui_glyph(GLYPH_LEFT), text,
                 ui_glyph(GLYPH_RIGHT));
        after = fx - 1 +
                ui_put(w, y, fx - 1, inner - FIELD_X,
                       focus ? ROLE_FOCUS : ROLE_FIELD, shown, false) +
                2;
    }
    const char *err = S.set.error[f];
    if (err[0] && after < inner) {
        /* The rule without the label the row already shows. */
        const char *rule = strchr(err, ':');
        char line[PB_ERROR_MAX + 8];
        snprintf(line, sizeof(line), "%s%s", ui_glyph(GLYPH_ERROR),
                 rule ? rule + 1 : err);
        ui_put(w, y, after, inner + 1 - after, ROLE_FIELD_ERROR, line, false);
    }
}

static void draw(struct tui *t)
{
    (void)t;
    WINDOW *w = S.win;
    if (!w)
        return;
    scroll_to_focus();
    editor_sync();
    char title[256];
    if (S.scenario[0])
        snprintf(title, sizeof(title), "Playback settings %s %s %s scenario %s",
                 ui_glyph(GLYPH_DOT), S.title, ui_glyph(GLYPH_DOT), S.scenario);
    else
        snprintf(title, sizeof(title), "Playback settings %s %s",
                 ui_glyph(GLYPH_DOT), S.title);
    ui_box(w, title, "Enter starts");
    for (int y = 1; y <= TOP_ROWS; y++)
        ui_fill(w, y, 1, S.inner_w, ROLE_NORMAL);
    ui_put(w, 1, 2, S.inner_w - 2, S.ok ? ROLE_DIM : ROLE_FIELD_ERROR,
           S.summary, false);
    if (S.ok && S.limit[0])
        ui_put(w, 2, 2, S.inner_w - 2, ROLE_FIELD_WARNING, S.limit, false);
    int visible = S.inner_h - TOP_ROWS;
    for (int i = 0; i < visible; i++) {
        int r = S.first + i;
        if (r < S.row_count)
            draw_row(w, 1 + TOP_ROWS + i, &S.rows[r]);
        else
            ui_fill(w, 1 + TOP_ROWS + i, 1, S.inner_w, ROLE_NORMAL);
    }
    if (S.first > 0) {
        char more[32];
        snprintf(more, sizeof(more), " %d more %s ", S.first,
                 ui_glyph(GLYPH_UP));
        ui_put(w, 0, S.inner_w - ui_width(more), ui_width(more), ROLE_BORDER,
               more, false);
    }
    if (S.first + visible < S.row_count) {
        char more[32];
        snprintf(more, sizeof(more), " %d more %s ",
                 S.row_count - S.first - visible, ui_glyph(GLYPH_DOWN));
        ui_put(w, S.inner_h + 1, S.inner_w - ui_width(more), ui_width(more),
               ROLE_BORDER, more, false);
    }
    touchwin(w);
    wnoutrefresh(w);
}

static void cursor(struct tui *t)
{
    (void)t;
    if (S.form) {
        pos_form_cursor(S.form);
        wnoutrefresh(S.win);
    }
}

static bool text_focus(struct tui *t)
{
    (void)t;
    return S.form != NULL;
}

static void status(struct tui *t, char *buf, size_t size,
                   enum tui_msg_kind *kind)
{
    (void)t;
    if (S.set.error[S.focus][0]) {
        snprintf(buf, size, "%s", S.set.error[S.focus]);
        *kind = MSG_ERROR;
        return;
    }
    snprintf(buf, size, "%s", pb_field_help(S.focus));
    *kind = MSG_INFO;
}

/* --- actions ------------------------------------------------------------ */

static void focus_field(struct tui *t, int f)
{
    f = f < 0 ? 0 : f >= PB_FIELD_COUNT ? PB_FIELD_COUNT - 1 : f;
    if ((enum pb_field)f == S.focus)
        return;
    editor_commit(t);
    S.focus = (enum pb_field)f;
    scroll_to_focus();
    editor_sync();
}

static void cycle(struct tui *t, enum pb_field f, int step)
{
    (void)t;
    if (f == PBF_MODE) {
        S.set.mode =
            S.set.mode == FLEET_MODE_RANK ? FLEET_MODE_FULL : FLEET_MODE_RANK;
    } else if (f == PBF_EARLY_STOP) {
        S.set.early_stop = !S.set.early_stop;
    } else if (f == PBF_CLASS_C) {
        S.set.class_c_limit = !S.set.class_c_limit;
    } else {
        S.dr_count = pb_dr_choices(S.request.rf_region, S.drs, DR_MAX);
        int cur = 0;
        for (size_t i = 0; i < S.dr_count; i++)
            if (S.drs[i] == S.set.dr)
                cur = (int)i;
        int n = (int)S.dr_count;
        S.set.dr = n ? S.drs[(cur + step + n) % n] : -1;
    }
    check();
}

static void start(struct tui *t)
{
    editor_commit(t);
    struct pb_run run;
    S.ok = pb_settings_check(&S.set, &S.request, &run);
    if (!S.ok) {
        check();
        enum pb_field f = pb_settings_first_error(&S.set);
        if (f != PB_FIELD_COUNT) {
            focus_field(t, f);
            tui_message(t, MSG_ERROR, "not started: %s", S.set.error[f]);
        } else {
            tui_message(t, MSG_ERROR,
                        "not started: the request cannot be played: %s "
                        "(Esc, then fix it in the wizard)",
                        S.set.request_error);
        }
        return;
    }
    pbview_start(t, &run, S.title);
    pb_run_cleanup(&run);
}

static void choose_scenario(struct tui *t);

static void handle(struct tui *t, enum tui_action a, const struct tui_input *in)
{
    enum pb_kind kind = pb_field_kind(S.focus);
    switch (a) {
    case ACT_NEXT:
    case ACT_DOWN:
        focus_field(t, (int)S.focus + 1);
        return;
    case ACT_PREV:
    case ACT_UP:
        focus_field(t, (int)S.focus - 1);
        return;
    case ACT_PAGE_DOWN:
        focus_field(t, (int)S.focus + 5);
        return;
    case ACT_PAGE_UP:
        focus_field(t, (int)S.focus - 5);
        return;
    case ACT_LEFT:
    case ACT_RIGHT:
        if (kind == PB_CHOICE) {
            cycle(t, S.focus, a == ACT_LEFT ? -1 : 1);
            return;
        }
        break;
    case ACT_TEXT:
        if (kind == PB_INT && (in->key < '0' || in->key > '9')) {
            tui_message(t, MSG_ERROR, "%s takes digits only",
                        pb_field_label(S.focus));
            return;
        }
        if (kind == PB_DECIMAL && in->key != '.' &&
            (in->key < '0' || in->key > '9')) {
            tui_message(t, MSG_ERROR,
                        "%s takes a plain number (digits and "
                        "one '.')",
                        pb_field_label(S.focus));
            return;
        }
        break;
    case ACT_START:
    case ACT_SIMULATE:
        start(t);
        return;
    case ACT_SCENARIO:
        choose_scenario(t);
        return;
    case ACT_BACK:
        editor_commit(t);
        tui_pop(t);
        return;
    case ACT_HELP:
        tui_push(t, &help_screen);
        return;
    case ACT_QUIT:
        t->quit = true;
        return;
    default:
        break;
    }
    if (S.form && edit_apply(S.form, a, in->key))
        editor_commit(t);
}

/* F7: a training scenario fills the fleet, link and fault fields. */
static void scenario_chosen(struct tui *t, int index)
{
    if (index < 0 || (size_t)index >= S.scenarios.count)
        return;
    const struct scenario_entry *e = &S.scenarios.items[index];
    struct scenario sc;
    scenario_init(&sc);
    char msg[SCENARIO_LINE_MAX + 256];
    if (scenario_load(e->path, &sc, msg, sizeof(msg)) != SCENARIO_OK) {
        tui_message(t, MSG_ERROR, "scenario not loaded: %s", msg);
        scenario_cleanup(&sc);
        return;
    }
    editor_free();
    if (!pb_settings_apply_scenario(&S.set, &sc, &S.request, msg,
                                    sizeof(msg))) {
        tui_message(t, MSG_ERROR, "scenario %s: %s", sc.name, msg);
    } else {
        snprintf(S.scenario, sizeof(S.scenario), "%s", sc.name);
        tui_message(t, MSG_OK, "scenario %s: %s", sc.name, sc.story);
    }
    scenario_cleanup(&sc);
    check();
    editor_sync();
}

static void choose_scenario(struct tui *t)
{
    editor_commit(t);
    scenario_list_cleanup(&S.scenarios);
    char msg[SCENARIO_LINE_MAX + 256];
    if (!t->cfg->scenario_dir_count ||
        scenario_list(t->cfg->scenario_dirs, t->cfg->scenario_dir_count,
                      &S.scenarios, msg, sizeof(msg)) != SCENARIO_OK) {
        tui_message(t, MSG_ERROR, "no scenarios: %s",
                    t->cfg->scenario_dir_count ? msg
                                               : "no scenarios folder found");
        return;
    }
    static char lines[64][SCENARIO_NAME_MAX + 120];
    static const char *items[64];
    size_t n = 0;
    for (size_t i = 0; i < S.scenarios.count && n < 64; i++, n++) {
        const struct scenario_entry *e = &S.scenarios.items[i];
        snprintf(lines[n], sizeof(lines[n]), "%-16s %.100s", e->name,
                 e->ok ? e->summary : e->error);
        items[n] = lines[n];
    }
    if (!n) {
        tui_message(t, MSG_INFO, "no scenarios in the scenarios folder");
        return;
    }
    dialog_choose(t, "Training scenarios", items, n, 0, scenario_chosen);
}

static void leave(struct tui *t)
{
    (void)t;
    free_windows();
}

/* Decimal digits of a wizard field, or NULL. */
static const char *digits_or_null(const char *s)
{
    if (!s || !*s)
        return NULL;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return NULL;
    return s;
}

void tui_open_playback(struct tui *t, const struct fuota_task *request,
                       uint64_t image_bytes, const char *title)
{
    for (int i = 0; i < t->depth; i++)
        if (t->stack[i] == &playback_settings_screen ||
            t->stack[i] == &playback_screen) {
            tui_message(t, MSG_INFO, "a playback is already open");
            return;
        }
    bool from_wizard = request == &t->model.task;
    if (!S.inited) {
        if (!pb_settings_init(&S.set)) {
            tui_message(t, MSG_ERROR, "out of memory");
            return;
        }
        S.inited = true;
        build_rows();
        /* The wizard's planning inputs are the first guess. */
        const char *loss = digits_or_null(model_text(&t->model, F_PLAN_LOSS));
        if (from_wizard && loss && !pb_settings_set(&S.set, PBF_LOSS, loss))
            tui_message(t, MSG_ERROR, "out of memory");
        if (from_wizard)
            S.set.dr = t->model.dr;
    }
    task_cleanup(&S.request);
    if (!task_copy(&S.request, request)) {
        tui_message(t, MSG_ERROR, "out of memory");
        return;
    }
    if (image_bytes) {
        char num[32];
        snprintf(num, sizeof(num), "%llu", (unsigned long long)image_bytes);
        if (!pb_settings_set(&S.set, PBF_IMAGE, num))
            tui_message(t, MSG_ERROR, "out of memory");
    }
    /* A data rate the (new) region does not have goes back to default. */
    S.dr_count = pb_dr_choices(S.request.rf_region, S.drs, DR_MAX);
    bool found = false;
    for (size_t i = 0; i < S.dr_count; i++)
        found |= S.drs[i] == S.set.dr;
    if (!found)
        S.set.dr = -1;
    snprintf(S.title, sizeof(S.title), "%s",
             title && *title ? title : "unnamed request");
    S.focus = S.set.text[PBF_IMAGE][0] ? PBF_DEVICES : PBF_IMAGE;
    S.first = 0;
    check();
    tui_push(t, &playback_settings_screen);
}

static const struct tui_binding bindings[] = {
    { '\r', ACT_START },
    { '\n', ACT_START },
    { TUI_FN(KEY_ENTER), ACT_START },
    { TUI_FN(KEY_F(7)), ACT_SCENARIO },
};
static const struct tui_keymap keymap =
    TUI_KEYMAP("playback settings", bindings);
static const enum tui_action hints[] = { ACT_HELP, ACT_START, ACT_SCENARIO,
                                         ACT_NEXT, ACT_BACK,  ACT_QUIT };

const struct tui_screen playback_settings_screen = {
    .name = "playback settings",
    .keymap = &keymap,
    .hints = hints,
    .hint_count = sizeof(hints) / sizeof(hints[0]),
    .leave = leave,
    .layout = layout,
    .draw = draw,
    .handle = handle,
    .text_focus = text_focus,
    .cursor = cursor,
    .status = status,
};
