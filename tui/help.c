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
    char text[200];
};

static struct {
    WINDOW *win;
    PANEL *panel;
    struct help_line lines[HELP_LINES_MAX];
    int count, first, view_h;
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
}

static void enter(struct tui *t)
{
    H.first = 0;
    build(t);
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
             H.first + H.view_h < H.count ? H.first + H.view_h : H.count,
             H.count);
    ui_box(H.win, "Help: every key", right);
    for (int i = 0; i < H.view_h && H.first + i < H.count; i++) {
        const struct help_line *l = &H.lines[H.first + i];
        ui_put(H.win, 1 + i, 2, w - 4, l->role, l->text, false);
    }
    (void)h;
    touchwin(H.win);
}

static void handle(struct tui *t, enum tui_action a, const struct tui_input *in)
{
    (void)in;
    int max_first = H.count > H.view_h ? H.count - H.view_h : 0;
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
