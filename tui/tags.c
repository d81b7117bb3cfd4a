/*
 * The Tags editor: the request's Key=Value tags as a list, with add, edit
 * and delete (asked first), each tag's diagnostic beside it.
 */
#include <stdio.h>
#include <string.h>

#include "tui/app.h"
#include "tui/dialog.h"
#include "tui/ui.h"

static struct {
    WINDOW *win;
    int selected, first, view_h;
    size_t editing; /* tag index the dialog edits; count = a new one */
} G;

static const struct diag *tag_diag(const struct tui *t, size_t i)
{
    char prefix[32];
    int n = snprintf(prefix, sizeof(prefix), "Tags[%zu]", i);
    const struct diag *best = NULL;
    for (size_t k = 0; k < t->model.diags.count; k++) {
        const struct diag *d = &t->model.diags.items[k];
        if (strncmp(d->path, prefix, (size_t)n) == 0 &&
            (d->path[n] == '\0' || d->path[n] == '.') &&
            (!best || d->severity < best->severity))
            best = d;
    }
    return best;
}

static void layout(struct tui *t, const struct tui_rect *body)
{
    (void)t;
    if (G.win)
        delwin(G.win);
    G.win = newwin(body->h, body->w, body->y, body->x);
    G.view_h = body->h - 3;
}

static void draw(struct tui *t)
{
    if (!G.win)
        return;
    int w = getmaxx(G.win);
    werase(G.win);
    const struct model *m = &t->model;
    char title[64];
    snprintf(title, sizeof(title), "Tags %s %zu of %d", ui_glyph(GLYPH_DOT),
             m->tag_count, TASK_TAGS_MAX);
    ui_box(G.win, title, NULL);
    int kw = (w - 12) / 3;
    if (kw > 40)
        kw = 40;
    int vw = kw;
    ui_putf(G.win, 1, 2, w - 4, ROLE_DIM, "%-4s %-*s %-*s %s", "#", kw, "KEY",
            vw, "VALUE", "PROBLEM");
    if (!m->tag_count) {
        ui_put(G.win, 3, 4, w - 8, ROLE_DIM,
               "No tags. Press a to add one (Key 1..128 characters, Value "
               "0..256).",
               false);
    }
    G.first = layout_scroll(G.first, G.selected, G.view_h, (int)m->tag_count);
    for (int i = 0; i < G.view_h; i++) {
        size_t idx = (size_t)(G.first + i);
        if (idx >= m->tag_count)
            break;
        int y = 2 + i;
        bool sel = (int)idx == G.selected;
        enum tui_role r = sel ? ROLE_SELECTED : ROLE_NORMAL;
        ui_fill(G.win, y, 1, w - 2, r);
        ui_putf(G.win, y, 2, 5, r, "%-4zu", idx + 1);
        ui_put(G.win, y, 7, kw, r, m->tags[idx].key, false);
        ui_put(G.win, y, 8 + kw, vw, r, m->tags[idx].value, false);
        const struct diag *d = tag_diag(t, idx);
        if (d) {
            char text[DIAG_MESSAGE_MAX + 8];
            snprintf(text, sizeof(text), "%s %s",
                     ui_glyph(d->severity == DIAG_ERROR ? GLYPH_ERROR
                                                        : GLYPH_WARNING),
                     d->message);
            ui_put(G.win, y, 9 + kw + vw, w - 11 - kw - vw,
                   d->severity == DIAG_ERROR ? ROLE_FIELD_ERROR
                                             : ROLE_FIELD_WARNING,
                   text, false);
        }
    }
    wnoutrefresh(G.win);
}

static bool tag_done(struct tui *t, const char *const *values, char *err,
                     size_t errsize)
{
    if (!model_set_tag(&t->model, G.editing, values[0], values[1])) {
        snprintf(err, errsize, "not added: at most %d tags", TASK_TAGS_MAX);
        return false;
    }
    G.selected = (int)G.editing;
    tui_model_changed(t);
    return true;
}

static void edit(struct tui *t, size_t i)
{
    static const char *const labels[] = { "Key", "Value" };
    const char *values[2] = { "", "" };
    if (i < t->model.tag_count) {
        values[0] = t->model.tags[i].key;
        values[1] = t->model.tags[i].value;
    } else if (t->model.tag_count >= TASK_TAGS_MAX) {
        tui_message(t, MSG_ERROR,
                    "Tags: at most %d tags (the service's "
                    "limit)",
                    TASK_TAGS_MAX);
        return;
    }
    G.editing = i;
    dialog_input(t, i < t->model.tag_count ? "Edit the tag" : "Add a tag",
                 "Key: 1..128 characters. Value: 0..256 characters. Keys "
                 "starting with aws: are reserved by AWS.",
                 2, labels, values, tag_done);
}

static void delete_done(struct tui *t, bool yes)
{
    if (!yes)
        return;
    model_remove_tag(&t->model, (size_t)G.selected);
    if (G.selected > 0 && (size_t)G.selected >= t->model.tag_count)
        G.selected--;
    tui_model_changed(t);
    tui_message(t, MSG_OK, "tag deleted");
}

static void handle(struct tui *t, enum tui_action a, const struct tui_input *in)
{
    int n = (int)t->model.tag_count;
    switch (a) {
    case ACT_BACK:
        tui_pop(t);
        return;
    case ACT_UP:
    case ACT_PREV:
        if (G.selected > 0)
            G.selected--;
        return;
    case ACT_DOWN:
    case ACT_NEXT:
        if (G.selected + 1 < n)
            G.selected++;
        return;
    case ACT_HOME:
        G.selected = 0;
        return;
    case ACT_END:
        G.selected = n ? n - 1 : 0;
        return;
    case ACT_ADD:
        edit(t, t->model.tag_count);
        return;
    case ACT_ENTER:
    case ACT_EDIT:
        if (n)
            edit(t, (size_t)G.selected);
        else
            edit(t, 0);
        return;
    case ACT_DELETE:
    case ACT_DELETE_CHAR:
        if (n) {
            char q[600];
            snprintf(q, sizeof(q), "Delete the tag %s=%s?",
                     t->model.tags[G.selected].key,
                     t->model.tags[G.selected].value);
            dialog_confirm(t, "Delete a tag", q, false, delete_done);
        }
        return;
    case ACT_HELP:
        tui_push(t, &help_screen);
        return;
    case ACT_SAVE:
        tui_save(t);
        return;
    case ACT_QUIT:
        t->quit = true;
        return;
    case ACT_CLICK:
        if (G.win) {
            int idx = G.first + in->mouse_y - getbegy(G.win) - 2;
            if (idx >= 0 && idx < n)
                G.selected = idx;
        }
        return;
    default:
        tui_message(t, MSG_INFO,
                    "on the tags: a adds, Enter edits, d "
                    "deletes, Esc goes back");
        return;
    }
}

static void enter(struct tui *t)
{
    (void)t;
    G.selected = 0;
    G.first = 0;
}

static void leave(struct tui *t)
{
    (void)t;
    if (G.win) {
        delwin(G.win);
        G.win = NULL;
    }
}

static void status(struct tui *t, char *buf, size_t size,
                   enum tui_msg_kind *kind)
{
    const struct diag *d =
        t->model.tag_count ? tag_diag(t, (size_t)G.selected) : NULL;
    if (d) {
        char line[DIAG_PATH_MAX + DIAG_MESSAGE_MAX + 4];
        snprintf(buf, size, "%s", diag_format(d, line, sizeof(line)));
        *kind = d->severity == DIAG_ERROR ? MSG_ERROR : MSG_WARNING;
    } else {
        snprintf(buf, size,
                 "Tags go with the task; AWS allows 200, each "
                 "Key 1..128 and Value 0..256 characters");
        *kind = MSG_INFO;
    }
}

static const struct tui_binding bindings[] = {
    { 'a', ACT_ADD },
    { 'e', ACT_EDIT },
    { 'd', ACT_DELETE },
    { TUI_FN(KEY_IC), ACT_ADD },
};
static const struct tui_keymap keymap = TUI_KEYMAP("tags", bindings);
static const enum tui_action hints[] = { ACT_HELP, ACT_SAVE,   ACT_ADD,
                                         ACT_EDIT, ACT_DELETE, ACT_BACK };

const struct tui_screen tags_screen = {
    .name = "tags",
    .keymap = &keymap,
    .hints = hints,
    .hint_count = sizeof(hints) / sizeof(hints[0]),
    .enter = enter,
    .leave = leave,
    .layout = layout,
    .draw = draw,
    .handle = handle,
    .status = status,
    .counts = true,
};
