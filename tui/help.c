/*
 * The help overlay (F1 or ?): every key of every screen with what it
 * does, generated from the keymaps and the action table, so it cannot
 * fall out of step with the keys.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <panel.h>

#include "tui/app.h"
#include "tui/planner.h"
#include "tui/playback.h"
#include "tui/ui.h"

#define HELP_LINES_MAX 200

struct help_line {
    enum tui_role role;
    int indent; /* where a wrapped line continues (the help column) */
    char text[200];
};

/* A line as drawn: a line's text, or the part of it after a wrap. */
struct help_row {
    int line, indent;
    size_t off, len; /* bytes of the line's text */
};

#define HELP_ROWS_MAX (HELP_LINES_MAX * 4)

static struct {
    WINDOW *win;
    PANEL *panel;
    struct help_line lines[HELP_LINES_MAX];
    struct help_row rows[HELP_ROWS_MAX];
    int count, first, view_h;
    int row_count;                 /* rows for the window's width */
    const struct tui_screen *from; /* the screen help was opened on */
} H;

/* Screens whose keys the overlay lists (build() puts the one it was
 * opened on first, then the global keys, then the others). */
static const struct tui_screen *const listed[] = {
    &wizard_screen,   &review_screen,
    &tags_screen,     &playback_settings_screen,
    &playback_screen, &playback_report_screen,
    &tasks_screen,    &task_screen,
    &planner_screen,
};

static void line(enum tui_role role, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void line(enum tui_role role, const char *fmt, ...)
{
    if (H.count >= HELP_LINES_MAX)
        return;
    struct help_line *l = &H.lines[H.count++];
    l->role = role;
    l->indent = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->text, sizeof(l->text), fmt, ap);
    va_end(ap);
}

/* The widest action name: the help column after the names lines up. */
static int name_width(void)
{
    static int width;
    if (!width)
        for (int a = 0; a < TUI_ACTION_COUNT; a++) {
            int n = (int)strlen(tui_action_name((enum tui_action)a));
            if (n > width)
                width = n;
        }
    return width;
}

/* One line per action of the keymap: all its keys, its name, its help. */
static void keymap_lines(const struct tui_keymap *map)
{
    bool done[TUI_ACTION_COUNT] = { false };
    for (size_t i = 0; i < map->count; i++) {
        enum tui_action a = map->bindings[i].action;
        if (done[a] || a == ACT_NONE)
            continue;
        done[a] = true;
        char keys[64] = "";
        size_t used = 0;
        for (size_t j = i; j < map->count; j++) {
            if (map->bindings[j].action != a)
                continue;
            char kn[32];
            tui_key_name(map->bindings[j].key, kn, sizeof(kn));
            if (strstr(keys, kn))
                continue;
            used += (size_t)snprintf(keys + used, sizeof(keys) - used, "%s%s",
                                     used ? " " : "", kn);
            if (used >= sizeof(keys))
                break;
        }
        line(ROLE_NORMAL, "  %-11s %-*s %s", keys, name_width(),
             tui_action_name(a), tui_action_help(a));
        H.lines[H.count - 1].indent = 2 + 11 + 1 + name_width() + 1;
    }
}

static void build(struct tui *t)
{
    H.count = 0;
    H.from = t->depth >= 2 ? t->stack[t->depth - 2] : NULL;
    line(ROLE_DIM, "Esc, F1 or q closes this help. Up/Down/PgUp/PgDn "
                   "scroll.");
    line(ROLE_DIM, "In a text field letters, q and ? are typed: use the "
                   "F-keys there.");
    line(ROLE_NORMAL, "%s", "");
    /* This screen's keys first, then the keys of every screen, then the
     * other screens. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t s = 0; s < sizeof(listed) / sizeof(listed[0]); s++) {
            const struct tui_screen *sc = listed[s];
            if (!sc->keymap || !sc->keymap->count ||
                (sc == H.from) != (pass == 0))
                continue;
            line(ROLE_TITLE, "%s%s", sc->name,
                 sc == H.from ? "  (this screen)" : "");
            keymap_lines(sc->keymap);
            line(ROLE_NORMAL, "%s", "");
        }
        if (pass == 0) {
            line(ROLE_TITLE, "everywhere");
            keymap_lines(&tui_global_keymap);
            line(ROLE_NORMAL, "%s", "");
        }
    }
    line(ROLE_TITLE, "marks");
    line(ROLE_NORMAL, "  %s error: the request cannot be sent as it is",
         ui_glyph(GLYPH_ERROR));
    line(ROLE_NORMAL, "  %s warning: it can be sent, but check it",
         ui_glyph(GLYPH_WARNING));
    line(ROLE_NORMAL,
         "  %s SIMULATOR / %s LIVE: where a submit goes (top "
         "right)",
         ui_glyph(GLYPH_SIM), ui_glyph(GLYPH_LIVE));
}

/* The rows of every line for text `width` columns wide: a line longer
 * than that wraps at words, its continuations under its help column. */
static void reflow(int width)
{
    H.row_count = 0;
    for (int i = 0; i < H.count && H.row_count < HELP_ROWS_MAX; i++) {
        const struct help_line *l = &H.lines[i];
        size_t len = strlen(l->text);
        int indent = l->indent < width / 2 ? l->indent : 0;
        if (ui_width(l->text) <= width || width <= indent + 8) {
            H.rows[H.row_count++] = (struct help_row){ i, 0, 0, len };
            continue;
        }
        size_t head = ui_byte_at_column(l->text, indent);
        const char *starts[8];
        size_t lens[8];
        size_t n = ui_wrap(l->text + head, width - indent, starts, lens, 8);
        if (n > 8)
            n = 8;
        for (size_t k = 0; k < n && H.row_count < HELP_ROWS_MAX; k++) {
            size_t off = (size_t)(starts[k] - l->text);
            if (k == 0)
                H.rows[H.row_count++] =
                    (struct help_row){ i, 0, 0, off + lens[k] };
            else
                H.rows[H.row_count++] =
                    (struct help_row){ i, indent, off, lens[k] };
        }
    }
}

static void free_windows(void)
{
    if (H.panel) {
        del_panel(H.panel);
        H.panel = NULL;
    }
    if (H.win) {
        delwin(H.win);
        H.win = NULL;
    }
}

static void layout(struct tui *t, const struct tui_rect *body)
{
    (void)t;
    free_windows();
    int w = body->w < 100 ? body->w : 100;
    struct tui_rect r = layout_center(body, body->h, w);
    H.win = newwin(r.h, r.w, r.y, r.x);
    if (H.win)
        H.panel = new_panel(H.win);
    H.view_h = r.h - 2;
    reflow(r.w - 4);
}

static void enter(struct tui *t)
{
    H.first = 0;
    build(t);
    if (H.win)
        reflow(getmaxx(H.win) - 4);
}

static void draw(struct tui *t)
{
    (void)t;
    if (!H.win)
        return;
    int h, w;
    getmaxyx(H.win, h, w);
    werase(H.win);
    char right[32];
    snprintf(right, sizeof(right), "%d-%d of %d", H.first + 1,
             H.first + H.view_h < H.row_count ? H.first + H.view_h
                                              : H.row_count,
             H.row_count);
    ui_box(H.win, "Help: every key", right);
    for (int i = 0; i < H.view_h && H.first + i < H.row_count; i++) {
        const struct help_row *r = &H.rows[H.first + i];
        const struct help_line *l = &H.lines[r->line];
        ui_put_span(H.win, 1 + i, 2 + r->indent, w - 4 - r->indent, l->role,
                    l->text + r->off, r->len);
    }
    (void)h;
    touchwin(H.win);
}

static void handle(struct tui *t, enum tui_action a, const struct tui_input *in)
{
    (void)in;
    int max_first = H.row_count > H.view_h ? H.row_count - H.view_h : 0;
    switch (a) {
    case ACT_BACK:
    case ACT_HELP:
    case ACT_QUIT:
    case ACT_ENTER:
        tui_pop(t);
        return;
    case ACT_UP:
        H.first--;
        break;
    case ACT_DOWN:
        H.first++;
        break;
    case ACT_PAGE_UP:
        H.first -= H.view_h;
        break;
    case ACT_PAGE_DOWN:
    case ACT_NEXT:
        H.first += H.view_h;
        break;
    case ACT_HOME:
        H.first = 0;
        break;
    case ACT_END:
        H.first = max_first;
        break;
    default:
        return;
    }
    if (H.first > max_first)
        H.first = max_first;
    if (H.first < 0)
        H.first = 0;
}

static void leave(struct tui *t)
{
    (void)t;
    free_windows();
}

static const struct tui_binding bindings[] = {
    { ' ', ACT_PAGE_DOWN },
};
static const struct tui_keymap keymap = TUI_KEYMAP("help", bindings);
static const enum tui_action hints[] = { ACT_BACK, ACT_PAGE_DOWN, ACT_PAGE_UP };

const struct tui_screen help_screen = {
    .name = "help",
    .overlay = true,
    .keymap = &keymap,
    .hints = hints,
    .hint_count = sizeof(hints) / sizeof(hints[0]),
    .enter = enter,
    .leave = leave,
    .layout = layout,
    .draw = draw,
    .handle = handle,
};
