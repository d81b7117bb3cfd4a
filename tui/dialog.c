#include "tui/dialog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <panel.h>

#include "tui/app.h"
#include "tui/edit.h"
#include "tui/ui.h"

enum dialog_kind { DIALOG_CONFIRM, DIALOG_INPUT, DIALOG_CHOICE };

#define TEXT_MAX  2048
#define LINES_MAX 16
#define WIDE      72

static struct {
    bool open;
    enum dialog_kind kind;
    char title[160];
    char text[TEXT_MAX];
    bool alarm, default_yes;
    dialog_confirm_fn confirm;
    dialog_input_fn input;
    dialog_choice_fn choice;
    /* input */
    size_t count;
    char labels[DIALOG_FIELDS_MAX][48];
    char *values[DIALOG_FIELDS_MAX];
    FIELD *fields[DIALOG_FIELDS_MAX + 1];
    FORM *form;
    WINDOW *sub;
    char err[320];
    int label_w;
    /* choice */
    char **items;
    size_t item_count;
    int selected, first, list_h;
    /* window */
    WINDOW *win;
    PANEL *panel;
    int text_y; /* where the body starts inside the window */
} D;

bool dialog_open(void)
{
    return D.open;
}

static void free_windows(void)
{
    if (D.form) {
        /* Keep what was typed across a re-layout. */
        for (size_t i = 0; i < D.count; i++) {
            char *v = edit_value(D.form, D.fields[i]);
            if (v) {
                free(D.values[i]);
                D.values[i] = v;
            }
        }
        edit_form_free(D.form);
        D.form = NULL;
        memset(D.fields, 0, sizeof(D.fields));
    }
    if (D.sub) {
        delwin(D.sub);
        D.sub = NULL;
    }
    if (D.panel) {
        del_panel(D.panel);
        D.panel = NULL;
    }
    if (D.win) {
        delwin(D.win);
        D.win = NULL;
    }
}

static void reset(void)
{
    free_windows();
    for (size_t i = 0; i < DIALOG_FIELDS_MAX; i++) {
        free(D.values[i]);
        D.values[i] = NULL;
    }
    for (size_t i = 0; i < D.item_count; i++)
        free(D.items[i]);
    free(D.items);
    memset(&D, 0, sizeof(D));
}

/* A dialog replaces one still open (say, a result arriving while a
 * question is up): the old one is cancelled. */
static void close_open(struct tui *t)
{
    if (D.open && tui_top(t) == &dialog_screen)
        tui_pop(t);
    reset();
}

static void open_dialog(struct tui *t, enum dialog_kind kind, const char *title,
                        const char *text)
{
    close_open(t);
    D.open = true;
    D.kind = kind;
    snprintf(D.title, sizeof(D.title), "%s", title ? title : "");
    snprintf(D.text, sizeof(D.text), "%s", text ? text : "");
    if (!tui_push(t, &dialog_screen))
        reset();
}

void dialog_confirm_ex(struct tui *t, const char *title, const char *text,
                       bool default_yes, bool alarm, dialog_confirm_fn done)
{
    open_dialog(t, DIALOG_CONFIRM, title, text);
    D.default_yes = default_yes;
    D.alarm = alarm;
    D.confirm = done;
    tui_want_redraw(t);
}

void dialog_confirm(struct tui *t, const char *title, const char *text,
                    bool alarm, dialog_confirm_fn done)
{
    dialog_confirm_ex(t, title, text, true, alarm, done);
}

void dialog_input(struct tui *t, const char *title, const char *help,
                  size_t count, const char *const *labels,
                  const char *const *values, dialog_input_fn done)
{
    close_open(t);
    D.kind = DIALOG_INPUT;
    D.count = count > DIALOG_FIELDS_MAX ? DIALOG_FIELDS_MAX : count;
    for (size_t i = 0; i < D.count; i++) {
        snprintf(D.labels[i], sizeof(D.labels[i]), "%s", labels[i]);
        D.values[i] = strdup(values && values[i] ? values[i] : "");
    }
    D.input = done;
    /* open_dialog resets, so push by hand with the fields kept. */
    D.open = true;
    snprintf(D.title, sizeof(D.title), "%s", title ? title : "");
    snprintf(D.text, sizeof(D.text), "%s", help ? help : "");
    if (!tui_push(t, &dialog_screen))
        reset();
}

void dialog_choose(struct tui *t, const char *title, const char *const *items,
                   size_t count, int selected, dialog_choice_fn done)
{
    close_open(t);
    D.kind = DIALOG_CHOICE;
    D.items = calloc(count ? count : 1, sizeof(*D.items));
    for (size_t i = 0; D.items && i < count; i++) {
        D.items[i] = strdup(items[i]);
        if (!D.items[i])
            break;
        D.item_count = i + 1;
    }
    D.selected =
        selected >= 0 && (size_t)selected < D.item_count ? selected : 0;
    D.choice = done;
    D.open = true;
    snprintf(D.title, sizeof(D.title), "%s", title ? title : "");
    if (!tui_push(t, &dialog_screen))
        reset();
}

/* --- screen --------------------------------------------------------------
 */

static void layout(struct tui *t, const struct tui_rect *body)
{
    (void)t;
    free_windows();
    int w = body->w - 6 < WIDE ? body->w - 6 : WIDE;
    const char *starts[LINES_MAX];
    size_t lens[LINES_MAX];
    size_t n = D.text[0] ? ui_wrap(D.text, w - 4, starts, lens, LINES_MAX) : 0;
    if (n > LINES_MAX)
        n = LINES_MAX;
    int h = 2 + (int)n + 1; /* borders, text, the answer line */
    if (D.kind == DIALOG_INPUT)
        h += (int)D.count * 2 + 1;
    if (D.kind == DIALOG_CHOICE) {
        D.list_h = (int)D.item_count;
        if (D.list_h > body->h - 4 - (int)n)
            D.list_h = body->h - 4 - (int)n;
        if (D.list_h < 1)
            D.list_h = 1;
        h = 2 + (int)n + D.list_h;
        int longest = 0;
        for (size_t i = 0; i < D.item_count; i++) {
            int iw = ui_width(D.items[i]);
            if (iw > longest)
                longest = iw;
        }
        if (longest + 6 < w)
            w = longest + 6 > 32 ? longest + 6 : 32;
    }
    struct tui_rect r = layout_center(body, h, w);
    D.win = newwin(r.h, r.w, r.y, r.x);
    if (!D.win)
        return;
    keypad(D.win, TRUE);
    D.panel = new_panel(D.win);
    D.text_y = 1 + (int)n;
    if (D.kind == DIALOG_INPUT) {
        D.label_w = 0;
        for (size_t i = 0; i < D.count; i++) {
            int lw = ui_width(D.labels[i]);
            if (lw > D.label_w)
                D.label_w = lw;
        }
        int fx = 2 + D.label_w + 2;
        int fw = r.w - fx - 3;
        D.sub = derwin(D.win, r.h - 2, r.w - 2, 1, 1);
        for (size_t i = 0; i < D.count; i++)
            D.fields[i] = edit_field_new(D.text_y + 2 * (int)i, fx - 1,
                                         fw > 4 ? fw : 4, 4096, D.values[i]);
        D.fields[D.count] = NULL;
        D.form = new_form(D.fields);
        if (D.form) {
            set_form_win(D.form, D.win);
            set_form_sub(D.form, D.sub);
            for (size_t i = 0; i < D.count; i++)
                set_field_back(D.fields[i], (chtype)theme_attr(ROLE_FOCUS));
            post_form(D.form);
            form_driver(D.form, REQ_END_LINE);
        }
    }
}

static void draw(struct tui *t)
{
    (void)t;
    if (!D.win)
        return;
    int h, w;
    getmaxyx(D.win, h, w);
    ui_background(D.win, D.alarm ? ROLE_ALARM : ROLE_NORMAL);
    /* Blank everything but the form's fields (the form draws those). */
    for (int y = 1; y < h - 1; y++)
        if (D.kind != DIALOG_INPUT || y < D.text_y)
            ui_fill(D.win, y, 1, w - 2, D.alarm ? ROLE_ALARM : ROLE_NORMAL);
    ui_box(D.win, D.title, NULL);
    const char *starts[LINES_MAX];
    size_t lens[LINES_MAX];
    size_t n = D.text[0] ? ui_wrap(D.text, w - 4, starts, lens, LINES_MAX) : 0;
    for (size_t i = 0; i < n && i < LINES_MAX && 1 + (int)i < h - 1; i++)
        ui_put_span(D.win, 1 + (int)i, 2, w - 4,
                    D.alarm ? ROLE_ALARM : ROLE_NORMAL, starts[i], lens[i]);
    if (D.kind == DIALOG_CONFIRM) {
        const char *ans =
            D.default_yes ? "Enter/y yes   Esc/n no" : "y yes   Enter/Esc/n no";
        ui_put(D.win, h - 2, w - 2 - ui_width(ans), ui_width(ans), ROLE_TITLE,
               ans, false);
    } else if (D.kind == DIALOG_INPUT) {
        for (size_t i = 0; i < D.count; i++)
            ui_put(D.win, D.text_y + 1 + 2 * (int)i, 2, D.label_w + 1,
                   ROLE_NORMAL, D.labels[i], true);
        int ey = h - 2;
        ui_fill(D.win, ey, 1, w - 2, ROLE_NORMAL);
        if (D.err[0]) {
            char line[400];
            snprintf(line, sizeof(line), "%s %s", ui_glyph(GLYPH_ERROR), D.err);
            ui_put(D.win, ey, 2, w - 4, ROLE_FIELD_ERROR, line, false);
        } else {
            const char *ans = D.count > 1 ? "Tab next   Enter OK   Esc cancel"
                                          : "Enter OK   Esc cancel";
            ui_put(D.win, ey, w - 2 - ui_width(ans), ui_width(ans), ROLE_DIM,
                   ans, false);
        }
        for (int y = D.text_y; y < h - 2; y++)
            if ((y - D.text_y) % 2 == 0)
                ui_fill(D.win, y, 1, w - 2, ROLE_NORMAL);
    } else {
        D.first =
            layout_scroll(D.first, D.selected, D.list_h, (int)D.item_count);
        for (int i = 0; i < D.list_h; i++) {
            int idx = D.first + i;
            int y = D.text_y + i;
            if ((size_t)idx >= D.item_count) {
                ui_fill(D.win, y, 1, w - 2, ROLE_NORMAL);
                continue;
            }
            bool sel = idx == D.selected;
            char line[300];
            snprintf(line, sizeof(line), "%s %s", sel ? ">" : " ",
                     D.items[idx]);
            ui_put(D.win, y, 1, w - 2, sel ? ROLE_SELECTED : ROLE_NORMAL, line,
                   true);
        }
        if (D.first > 0)
            ui_put(D.win, 0, w - 4, 2, ROLE_BORDER, ui_glyph(GLYPH_UP), false);
        if ((size_t)(D.first + D.list_h) < D.item_count)
            ui_put(D.win, h - 1, w - 4, 2, ROLE_BORDER, ui_glyph(GLYPH_DOWN),
                   false);
    }
    touchwin(D.win);
}

static void finish_confirm(struct tui *t, bool yes)
{
    dialog_confirm_fn done = D.confirm;
    tui_pop(t);
    if (done)
        done(t, yes);
}

static void finish_input(struct tui *t)
{
    char *vals[DIALOG_FIELDS_MAX] = { NULL, NULL };
    const char *cv[DIALOG_FIELDS_MAX] = { "", "" };
    const char *lv[DIALOG_FIELDS_MAX] = { "", "" };
    char labels[DIALOG_FIELDS_MAX][48];
    char title[sizeof(D.title)], help[TEXT_MAX];
    size_t count = D.count;
    for (size_t i = 0; i < count; i++) {
        vals[i] = edit_value(D.form, D.fields[i]);
        cv[i] = vals[i] ? vals[i] : "";
        snprintf(labels[i], sizeof(labels[i]), "%s", D.labels[i]);
        lv[i] = labels[i];
    }
    snprintf(title, sizeof(title), "%s", D.title);
    snprintf(help, sizeof(help), "%s", D.text);
    dialog_input_fn done = D.input;
    /* Off the stack first, so the callback may open another dialog. */
    tui_pop(t);
    char err[320] = "";
    bool ok = done ? done(t, cv, err, sizeof(err)) : true;
    if (!ok && !D.open) {
        dialog_input(t, title, help, count, lv, cv, done);
        snprintf(D.err, sizeof(D.err), "%s", err[0] ? err : "not accepted");
    }
    for (size_t i = 0; i < count; i++)
        free(vals[i]);
}

static void finish_choice(struct tui *t, int index)
{
    dialog_choice_fn done = D.choice;
    tui_pop(t);
    if (done && index >= 0)
        done(t, index);
}

static void handle(struct tui *t, enum tui_action a, const struct tui_input *in)
{
    switch (D.kind) {
    case DIALOG_CONFIRM:
        if (a == ACT_YES || (a == ACT_ENTER && D.default_yes))
            finish_confirm(t, true);
        else if (a == ACT_NO || a == ACT_BACK || a == ACT_ENTER)
            finish_confirm(t, false);
        else if (a == ACT_QUIT)
            finish_confirm(t, false);
        return;
    case DIALOG_INPUT:
        if (a == ACT_BACK) {
            tui_pop(t);
            return;
        }
        if (a == ACT_ENTER) {
            finish_input(t);
            return;
        }
        if ((a == ACT_NEXT || a == ACT_DOWN) && D.form) {
            form_driver(D.form, REQ_NEXT_FIELD);
            form_driver(D.form, REQ_END_LINE);
            return;
        }
        if ((a == ACT_PREV || a == ACT_UP) && D.form) {
            form_driver(D.form, REQ_PREV_FIELD);
            form_driver(D.form, REQ_END_LINE);
            return;
        }
        if (D.form && edit_apply(D.form, a, in->key))
            D.err[0] = '\0';
        return;
    case DIALOG_CHOICE: {
        int n = (int)D.item_count;
        if (a == ACT_BACK || a == ACT_QUIT) {
            finish_choice(t, -1);
        } else if (a == ACT_ENTER) {
            finish_choice(t, D.selected);
        } else if (a == ACT_UP || a == ACT_PREV || a == ACT_LEFT) {
            D.selected = D.selected > 0 ? D.selected - 1 : 0;
        } else if (a == ACT_DOWN || a == ACT_NEXT || a == ACT_RIGHT) {
            D.selected = D.selected + 1 < n ? D.selected + 1 : n - 1;
        } else if (a == ACT_PAGE_UP) {
            D.selected = D.selected > D.list_h ? D.selected - D.list_h : 0;
        } else if (a == ACT_PAGE_DOWN) {
            D.selected =
                D.selected + D.list_h < n ? D.selected + D.list_h : n - 1;
        } else if (a == ACT_HOME) {
            D.selected = 0;
        } else if (a == ACT_END) {
            D.selected = n - 1;
        } else if (a == ACT_CLICK && D.win) {
            int wy, wx;
            getbegyx(D.win, wy, wx);
            (void)wx;
            int idx = D.first + in->mouse_y - wy - D.text_y;
            if (idx >= 0 && idx < n) {
                D.selected = idx;
                if (in->mouse_double)
                    finish_choice(t, idx);
            }
        }
        return;
    }
    }
}

static bool text_focus(struct tui *t)
{
    (void)t;
    return D.kind == DIALOG_INPUT && D.form;
}

static void cursor(struct tui *t)
{
    (void)t;
    if (D.form) {
        pos_form_cursor(D.form);
        wnoutrefresh(D.win);
    }
}

static void leave(struct tui *t)
{
    (void)t;
    reset();
}

static const struct tui_binding bindings[] = {
    { 'y', ACT_YES },
    { 'Y', ACT_YES },
    { 'n', ACT_NO },
    { 'N', ACT_NO },
};
static const struct tui_keymap keymap = TUI_KEYMAP("dialog", bindings);
static const enum tui_action hints[] = { ACT_ENTER, ACT_BACK, ACT_HELP };

const struct tui_screen dialog_screen = {
    .name = "dialog",
    .overlay = true,
    .keymap = &keymap,
    .hints = hints,
    .hint_count = sizeof(hints) / sizeof(hints[0]),
    .layout = layout,
    .draw = draw,
    .handle = handle,
    .text_focus = text_focus,
    .cursor = cursor,
    .leave = leave,
};
