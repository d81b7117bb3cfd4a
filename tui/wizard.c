/*
 * The wizard: every CreateFuotaTask member as a field, grouped, each with
 * its own diagnostic beside it, and the preview of what the update costs
 * (tui/preview.c) beside the form or folded into a strip under it.
 *
 * The focused text field is edited by a one-field ncurses FORM placed
 * over its row (tui/edit.h); every other value is drawn from the model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/region.h"
#include "tui/app.h"
#include "tui/dialog.h"
#include "tui/edit.h"
#include "tui/planner.h"
#include "tui/preview.h"
#include "tui/ui.h"

/* A diagnostic gets a row of its own under its field: the whole text
 * fits there, and a field's value never has to shrink for it. */
enum row_kind { ROW_GROUP, ROW_FIELD, ROW_DIAG };

struct row {
    enum row_kind kind;
    enum model_group group;
    enum model_field field;
    int line; /* ROW_DIAG: which line of the wrapped text */
};

#define DIAG_LINES_MAX 3
#define ROWS_MAX       ((1 + DIAG_LINES_MAX) * MODEL_FIELD_COUNT + MODEL_GROUP_COUNT)

/* What each field is for and its rule, for the message line. */
static const char *const field_help[MODEL_FIELD_COUNT] = {
    [F_NAME] = "Name: up to 256 characters (the AWS console takes letters, "
               "digits, - and _)",
    [F_DESCRIPTION] = "Description: up to 2048 characters",
    [F_TOKEN] = "ClientRequestToken: 1..64 of A-Z a-z 0-9 - _; same token "
                "+ same request = same task (^T)",
    [F_IMAGE] = "FirmwareUpdateImage: the S3 URI of the image, required, "
                "up to 4096 characters",
    [F_ROLE] = "FirmwareUpdateRole: the IAM role ARN AWS reads the image "
               "with, required, up to 2048 characters",
    [F_DESCRIPTOR] = "Descriptor: base64 of the 4-byte descriptor sent to "
                     "devices, up to 332 characters (^D makes it from hex)",
    [F_FRAGMENT_SIZE] = "FragmentSizeBytes: bytes per fragment, >= 1; must "
                        "fit the data rate (see the preview)",
    [F_REDUNDANCY] = "RedundancyPercent: 0..100 % extra coded fragments",
    [F_INTERVAL] = "FragmentIntervalMS: >= 1 ms between fragments; AWS "
                   "rounds it to the nearest second",
    [F_REGION] = "RfRegion: Left/Right to change, Enter to choose from the "
                 "list",
    [F_TAGS] = "Tags: up to 200 Key=Value pairs; Enter edits them",
    [F_PLAN_IMAGE] = "Image: the local firmware file, or its size in bytes "
                     "(planning only, never sent)",
    [F_PLAN_DR] = "Data rate: the session's downlink data rate (planning "
                  "only); Left/Right or Enter",
    [F_PLAN_LOSS] = "Expected loss %: the packet loss you expect, 0..100 "
                    "(planning only)",
};

static struct {
    struct row rows[ROWS_MAX];
    int row_count;
    struct wizard_layout lay;
    WINDOW *form_win, *sub, *preview_win, *strip_win;
    int inner_h, inner_w;
    enum model_field focus;
    int first; /* first visible row */
    /* The editor over the focused text field. */
    FORM *form;
    FIELD *fields[2];
    enum model_field editing;
    int editor_y;
    unsigned long seen; /* the model version the editor shows */
    bool preview_full;  /* F4 on a narrow terminal */
} W = { .editing = MODEL_NO_FIELD };

static int diag_x(enum model_field f);
static size_t diag_text(const struct model *m, enum model_field f, char *buf,
                        size_t size);

/* The lines a field's diagnostic takes when wrapped to the box. */
static int diag_lines(const struct model *m, enum model_field f)
{
    char text[DIAG_PATH_MAX + DIAG_MESSAGE_MAX + 8];
    if (!diag_text(m, f, text, sizeof(text)))
        return 0;
    const char *starts[DIAG_LINES_MAX];
    size_t lens[DIAG_LINES_MAX];
    int n = (int)ui_wrap(text, W.inner_w - diag_x(f) + 1, starts, lens,
                         DIAG_LINES_MAX);
    return n > DIAG_LINES_MAX ? DIAG_LINES_MAX : n;
}

/*
 * Group titles, fields, and each field's diagnostic under it: wrapped
 * over up to DIAG_LINES_MAX lines when everything still fits the box,
 * else one line each (cut with "…"; the message line has it whole).
 */
static void build_rows(const struct model *m)
{
    for (int pass = 0; pass < 2; pass++) {
        int n = 0;
        int group = -1;
        for (int f = 0; f < MODEL_FIELD_COUNT; f++) {
            enum model_group g = model_field_group((enum model_field)f);
            if ((int)g != group && g != GROUP_TAGS)
                W.rows[n++] = (struct row){ ROW_GROUP, g, MODEL_NO_FIELD, 0 };
            group = (int)g;
            W.rows[n++] = (struct row){ ROW_FIELD, g, (enum model_field)f, 0 };
            int lines = m ? diag_lines(m, (enum model_field)f) : 0;
            if (pass == 1 && lines > 1)
                lines = 1;
            for (int k = 0; k < lines; k++)
                W.rows[n++] =
                    (struct row){ ROW_DIAG, g, (enum model_field)f, k };
        }
        W.row_count = n;
        if (n <= W.inner_h || W.inner_h <= 0)
            return;
    }
}

static int row_of(enum model_field f)
{
    for (int i = 0; i < W.row_count; i++)
        if (W.rows[i].kind == ROW_FIELD && W.rows[i].field == f)
            return i;
    return 0;
}

static bool is_text(enum model_field f)
{
    enum model_kind k = model_field_kind(f);
    return k == MODEL_TEXT || k == MODEL_INT;
}

/* --- the editor ----------------------------------------------------------
 */

static void editor_free(void)
{
    if (W.form) {
        edit_form_free(W.form);
        W.form = NULL;
    }
    W.fields[0] = NULL;
    W.editing = MODEL_NO_FIELD;
}

/* Puts the editor over the focused field when it is a visible text one. */
static void editor_sync(struct tui *t)
{
    int row = row_of(W.focus);
    int y = row - W.first; /* in the sub-window */
    bool visible = y >= 0 && y < W.inner_h;
    if (W.form && W.editing == W.focus && W.editor_y == y && visible)
        return;
    editor_free();
    if (!W.sub || !is_text(W.focus) || !visible || W.preview_full)
        return;
    struct form_columns c;
    layout_form_row(W.inner_w, model_field_width(W.focus), &c);
    int max = model_field_kind(W.focus) == MODEL_INT ? MODEL_INT_DIGITS
                                                     : MODEL_TEXT_MAX;
    W.form = edit_form_over(W.form_win, W.sub, W.fields, y, c.field_x,
                            c.field_w, max, model_text(&t->model, W.focus));
    if (!W.form)
        return;
    W.editing = W.focus;
    W.editor_y = y;
}

/* Takes the editor's text into the model. */
static void editor_commit(struct tui *t)
{
    if (!W.form)
        return;
    char *v = edit_value(W.form, W.fields[0]);
    if (!v) {
        tui_message(t, MSG_ERROR, "out of memory");
        return;
    }
    if (strcmp(v, model_text(&t->model, W.editing)) != 0) {
        if (model_set_text(&t->model, W.editing, v)) {
            tui_model_changed(t);
            W.seen = t->model.version;
        } else {
            tui_message(t, MSG_ERROR, "%s: %s", model_field_label(W.editing),
                        model_field_kind(W.editing) == MODEL_INT
                            ? "digits only, at most 10"
                            : "too long");
            set_field_buffer(W.fields[0], 0, model_text(&t->model, W.editing));
            form_driver(W.form, REQ_END_LINE);
        }
    }
    free(v);
}

/* Sets a field from outside the editor (a generated token, ...). */
static void set_field(struct tui *t, enum model_field f, const char *v)
{
    if (!model_set_text(&t->model, f, v)) {
        tui_message(t, MSG_ERROR, "%s: not accepted", model_field_label(f));
        return;
    }
    if (W.form && W.editing == f) {
        set_field_buffer(W.fields[0], 0, v);
        form_driver(W.form, REQ_END_LINE);
    }
    tui_model_changed(t);
}

/* --- layout --------------------------------------------------------------
 */

static void free_windows(void)
{
    editor_free();
    WINDOW **ws[] = { &W.sub, &W.form_win, &W.preview_win, &W.strip_win };
    for (size_t i = 0; i < sizeof(ws) / sizeof(ws[0]); i++)
        if (*ws[i]) {
            delwin(*ws[i]);
            *ws[i] = NULL;
        }
}

static void scroll_to_focus(void)
{
    int row = row_of(W.focus);
    /* Show the group title with the first field of a group, and the
     * field's diagnostic with it. */
    int want = row > 0 && W.rows[row - 1].kind == ROW_GROUP ? row - 1 : row;
    int last = row;
    while (last + 1 < W.row_count && W.rows[last + 1].kind == ROW_DIAG)
        last++;
    if (want < W.first)
        W.first = want;
    W.first = layout_scroll(W.first, last, W.inner_h, W.row_count);
    W.first = layout_scroll(W.first, row, W.inner_h, W.row_count);
}

static void layout(struct tui *t, const struct tui_rect *body)
{
    free_windows();
    build_rows(&t->model);
    layout_wizard(body, &W.lay);
    struct tui_rect f = W.lay.form;
    if (W.preview_full && !W.lay.split)
        f.h = 0;
    if (W.lay.split || W.preview_full) {
        struct tui_rect p = W.lay.split ? W.lay.preview : *body;
        W.preview_win = newwin(p.h, p.w, p.y, p.x);
    }
    if (!W.preview_full || W.lay.split) {
        W.form_win = newwin(f.h, f.w, f.y, f.x);
        W.inner_h = f.h - 2;
        W.inner_w = f.w - 2;
        if (W.form_win)
            W.sub = derwin(W.form_win, W.inner_h, W.inner_w, 1, 1);
        if (!W.lay.split)
            W.strip_win = newwin(W.lay.strip.h, W.lay.strip.w, W.lay.strip.y,
                                 W.lay.strip.x);
    }
    scroll_to_focus();
    editor_sync(t);
}

/* --- drawing -------------------------------------------------------------
 */

static void choice_text(const struct tui *t, enum model_field f, char *buf,
                        size_t size)
{
    const struct model *m = &t->model;
    if (f == F_REGION) {
        snprintf(buf, size, "%s", m->region ? m->region : "(not set)");
        return;
    }
    const struct region *r = m->region ? region_find(m->region) : NULL;
    const struct region_dr *d =
        r ? (m->dr < 0 ? region_default_dr(r) : region_dr(r, m->dr)) : NULL;
    char desc[48] = "";
    if (d)
        region_dr_describe(d, desc, sizeof(desc));
    if (!r)
        snprintf(buf, size, "default (no region)");
    else if (m->dr < 0)
        snprintf(buf, size, "default (DR%d %s)", d ? d->dr : 0, desc);
    else
        snprintf(buf, size, "DR%d %s", m->dr, desc);
}

static void tags_text(const struct tui *t, char *buf, size_t size)
{
    const struct model *m = &t->model;
    size_t used = 0;
    buf[0] = '\0';
    if (!m->tag_count) {
        snprintf(buf, size, "none");
        return;
    }
    for (size_t i = 0; i < m->tag_count && used + 1 < size; i++)
        used +=
            (size_t)snprintf(buf + used, size - used, "%s%s=%s", i ? "  " : "",
                             m->tags[i].key, m->tags[i].value);
}

/* Beside the field: what a key can do for it. */
static void draw_aside(WINDOW *w, int y, const struct form_columns *c,
                       enum model_field f)
{
    int x = 1 + c->diag_x;
    ui_fill(w, y, x, c->diag_w, ROLE_NORMAL);
    const char *hint = f == F_TOKEN        ? "^T new"
                       : f == F_DESCRIPTOR ? "^D from hex"
                                           : NULL;
    if (hint && c->diag_w > 0)
        ui_put(w, y, x, c->diag_w, ROLE_DIM, hint, false);
}

/* Where a field's diagnostic starts: under the value. */
static int diag_x(enum model_field f)
{
    struct form_columns c;
    layout_form_row(W.inner_w, model_field_width(f), &c);
    return f == F_TAGS ? 1 + c.label_x : c.field_x;
}

/* The diagnostic's text, glyph first; 0 when the field has none. */
static size_t diag_text(const struct model *m, enum model_field f, char *buf,
                        size_t size)
{
    const struct diag *d = model_field_diag(m, f);
    if (!d)
        return 0;
    enum ui_glyph g = d->severity == DIAG_ERROR     ? GLYPH_ERROR
                      : d->severity == DIAG_WARNING ? GLYPH_WARNING
                                                    : GLYPH_NOTE;
    /* Tags[3].Key: name which tag; other fields need no repeat. */
    int n = f == F_TAGS ? snprintf(buf, size, "%s %s: %s", ui_glyph(g), d->path,
                                   d->message)
                        : snprintf(buf, size, "%s %s", ui_glyph(g), d->message);
    return n > 0 ? (size_t)n : 0;
}

/* Under the field: line `line` of its worst diagnostic. */
static void draw_diag_row(struct tui *t, WINDOW *w, int y, const struct row *r)
{
    int x = diag_x(r->field);
    ui_fill(w, y, 1, W.inner_w, ROLE_NORMAL);
    const struct diag *d = model_field_diag(&t->model, r->field);
    char text[DIAG_PATH_MAX + DIAG_MESSAGE_MAX + 8];
    if (!d || !diag_text(&t->model, r->field, text, sizeof(text)))
        return;
    enum tui_role role = d->severity == DIAG_ERROR     ? ROLE_FIELD_ERROR
                         : d->severity == DIAG_WARNING ? ROLE_FIELD_WARNING
                                                       : ROLE_DIM;
    const char *starts[DIAG_LINES_MAX + 1];
    size_t lens[DIAG_LINES_MAX + 1];
    int width = W.inner_w - x + 1;
    size_t n = ui_wrap(text, width, starts, lens, DIAG_LINES_MAX + 1);
    int shown = 0;
    for (int i = 0; i < W.row_count; i++)
        shown += W.rows[i].kind == ROW_DIAG && W.rows[i].field == r->field;
    if ((size_t)shown >= n) {
        if ((size_t)r->line < n)
            ui_put_span(w, y, x, width, role, starts[r->line], lens[r->line]);
        return;
    }
    /* Fewer rows than lines: the last row runs on to the end, cut. */
    if (r->line + 1 < shown) {
        ui_put_span(w, y, x, width, role, starts[r->line], lens[r->line]);
        return;
    }
    ui_put(w, y, x, width, role, starts[r->line], false);
}

static void draw_row(struct tui *t, WINDOW *w, int y, const struct row *r)
{
    int inner = W.inner_w;
    if (r->kind == ROW_GROUP) {
        ui_put(w, y, 1, inner, ROLE_TITLE, model_group_title(r->group), true);
        return;
    }
    if (r->kind == ROW_DIAG) {
        draw_diag_row(t, w, y, r);
        return;
    }
    enum model_field f = r->field;
    bool focus = f == W.focus;
    struct form_columns c;
    layout_form_row(inner, model_field_width(f), &c);
    char label[64];
    if (f == F_TAGS)
        snprintf(label, sizeof(label), "Tags (%zu)", t->model.tag_count);
    else
        snprintf(label, sizeof(label), "%s", model_field_label(f));
    int lx = f == F_TAGS ? 1 : 1 + c.label_x;
    ui_fill(w, y, 1, lx - 1, ROLE_NORMAL);
    ui_put(w, y, lx, c.field_x - lx, focus ? ROLE_FOCUS : ROLE_NORMAL, label,
           true);
    if (focus)
        ui_put(w, y, 1 + c.label_x - 2, 1, ROLE_FOCUS, ui_glyph(GLYPH_RIGHT),
               false);
    int fx = 1 + c.field_x;
    enum model_kind k = model_field_kind(f);
    if (k == MODEL_TEXT || k == MODEL_INT) {
        ui_put(w, y, fx - 1, 1, ROLE_BORDER, "[", false);
        if (!(W.form && W.editing == f))
            ui_put(w, y, fx, c.field_w, ROLE_FIELD, model_text(&t->model, f),
                   true);
        ui_put(w, y, fx + c.field_w, 1, ROLE_BORDER, "]", false);
        ui_fill(w, y, fx + c.field_w + 1, 1, ROLE_NORMAL);
    } else if (k == MODEL_CHOICE) {
        char text[128], shown[160];
        choice_text(t, f, text, sizeof(text));
        snprintf(shown, sizeof(shown), "%s %s %s", ui_glyph(GLYPH_LEFT), text,
                 ui_glyph(GLYPH_RIGHT));
        int room = W.inner_w - c.field_x + 1;
        ui_put(w, y, fx - 1, room, focus ? ROLE_FOCUS : ROLE_FIELD, shown,
               false);
        int used = ui_width(shown);
        if (used < room)
            ui_fill(w, y, fx - 1 + used, room - used, ROLE_NORMAL);
        return;
    } else {
        char text[1024];
        tags_text(t, text, sizeof(text));
        ui_put(w, y, fx - 1, c.field_w + 3,
               t->model.tag_count ? ROLE_NORMAL : ROLE_DIM, text, true);
    }
    draw_aside(w, y, &c, f);
}

static void draw_form(struct tui *t)
{
    WINDOW *w = W.form_win;
    if (!w)
        return;
    char right[64] = "";
    if (W.row_count > W.inner_h)
        snprintf(right, sizeof(right), "field %d of %d", (int)W.focus + 1,
                 MODEL_FIELD_COUNT);
    char title[BACKEND_ID_MAX + 64];
    if (t->model.update_id)
        snprintf(title, sizeof(title), "Update %s %s", ui_glyph(GLYPH_DOT),
                 t->model.update_id);
    else
        snprintf(title, sizeof(title), "Request");
    ui_box(w, title, right);
    for (int i = 0; i < W.inner_h; i++) {
        int r = W.first + i;
        if (r >= W.row_count) {
            ui_fill(w, 1 + i, 1, W.inner_w, ROLE_NORMAL);
            continue;
        }
        draw_row(t, w, 1 + i, &W.rows[r]);
    }
    int h = W.inner_h + 2;
    if (W.first > 0) {
        char more[32];
        snprintf(more, sizeof(more), " %d more %s ", W.first,
                 ui_glyph(GLYPH_UP));
        ui_put(w, 0, W.inner_w - ui_width(more), ui_width(more), ROLE_BORDER,
               more, false);
    }
    if (W.first + W.inner_h < W.row_count) {
        char more[32];
        snprintf(more, sizeof(more), " %d more %s ",
                 W.row_count - W.first - W.inner_h, ui_glyph(GLYPH_DOWN));
        ui_put(w, h - 1, W.inner_w - ui_width(more), ui_width(more),
               ROLE_BORDER, more, false);
    }
    touchwin(w);
    wnoutrefresh(w);
}

static void draw(struct tui *t)
{
    /* The model changed under the editor (a restored draft, a value set
     * by a dialog): show the new text. */
    if (W.seen != t->model.version) {
        editor_free();
        W.seen = t->model.version;
    }
    build_rows(&t->model);
    scroll_to_focus();
    editor_sync(t);
    draw_form(t);
    if (W.preview_win) {
        preview_draw(t, W.preview_win, W.preview_full && !W.lay.split);
        wnoutrefresh(W.preview_win);
    }
    if (W.strip_win) {
        preview_draw_strip(t, W.strip_win);
        wnoutrefresh(W.strip_win);
    }
}

static void cursor(struct tui *t)
{
    (void)t;
    if (W.form) {
        pos_form_cursor(W.form);
        wnoutrefresh(W.form_win);
    }
}

static bool text_focus(struct tui *t)
{
    (void)t;
    return W.form != NULL;
}

static void status(struct tui *t, char *buf, size_t size,
                   enum tui_msg_kind *kind)
{
    if (W.preview_full && !W.lay.split) {
        snprintf(buf, size, "the preview full width: F4 or Esc goes back");
        *kind = MSG_INFO;
        return;
    }
    const struct diag *d = model_field_diag(&t->model, W.focus);
    if (d) {
        char line[DIAG_PATH_MAX + DIAG_MESSAGE_MAX + 4];
        diag_format(d, line, sizeof(line));
        snprintf(buf, size, "%s", line);
        *kind = d->severity == DIAG_ERROR     ? MSG_ERROR
                : d->severity == DIAG_WARNING ? MSG_WARNING
                                              : MSG_INFO;
        return;
    }
    snprintf(buf, size, "%s", field_help[W.focus] ? field_help[W.focus] : "");
    *kind = MSG_INFO;
}

/* --- actions -------------------------------------------------------------
 */

static void focus_field(struct tui *t, enum model_field f)
{
    if (f < 0 || f >= MODEL_FIELD_COUNT || f == W.focus)
        return;
    editor_commit(t);
    W.focus = f;
    scroll_to_focus();
    editor_sync(t);
}

static void generate_token(struct tui *t)
{
    char token[TASK_NEW_TOKEN_SIZE];
    task_new_token(token);
    set_field(t, F_TOKEN, token);
    tui_message(t, MSG_OK, "new ClientRequestToken %s", token);
}

static bool descriptor_done(struct tui *t, const char *const *values, char *err,
                            size_t errsize)
{
    /* Blanks, ':' and 0x prefixes are allowed between the bytes. */
    char hex[128];
    size_t n = 0;
    for (const char *s = values[0]; *s && n + 1 < sizeof(hex); s++) {
        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
            s++;
            continue;
        }
        hex[n++] = *s;
    }
    hex[n] = '\0';
    unsigned char bytes[4];
    size_t got = 0;
    const char *end = NULL;
    if (sodium_hex2bin(bytes, sizeof(bytes), hex, n, " :", &got, &end) != 0 ||
        got != sizeof(bytes) || (end && *end)) {
        snprintf(err, errsize,
                 "give exactly 4 bytes as 8 hex digits, e.g. 00020401");
        return false;
    }
    char b64[sodium_base64_ENCODED_LEN(4, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64, sizeof(b64), bytes, sizeof(bytes),
                      sodium_base64_VARIANT_ORIGINAL);
    set_field(t, F_DESCRIPTOR, b64);
    tui_message(t, MSG_OK, "Descriptor %s (bytes %02x %02x %02x %02x)", b64,
                bytes[0], bytes[1], bytes[2], bytes[3]);
    return true;
}

static void descriptor_helper(struct tui *t)
{
    static const char *const labels[] = { "Hex" };
    const char *values[] = { "" };
    dialog_input(t, "Descriptor from hex",
                 "The 4-byte FUOTA descriptor as 8 hex digits (spaces and "
                 "0x allowed). It becomes the base64 the API wants.",
                 1, labels, values, descriptor_done);
}

static const char *region_items[32];

static void region_chosen(struct tui *t, int index)
{
    const char *r = index == 0 ? NULL : task_rf_regions[index - 1];
    if (!model_set_region(&t->model, r))
        tui_message(t, MSG_ERROR, "out of memory");
    tui_model_changed(t);
}

static int dr_list[32];
static size_t dr_count;

static void dr_chosen(struct tui *t, int index)
{
    model_set_dr(&t->model, index == 0 ? -1 : dr_list[index - 1]);
    tui_model_changed(t);
}

static int region_index(const struct tui *t)
{
    for (size_t i = 0; t->model.region && i < task_rf_region_count; i++)
        if (strcmp(t->model.region, task_rf_regions[i]) == 0)
            return (int)i + 1;
    return 0;
}

static void choose(struct tui *t, enum model_field f)
{
    if (f == F_REGION) {
        region_items[0] = "(not set)";
        for (size_t i = 0; i < task_rf_region_count; i++)
            region_items[i + 1] = task_rf_regions[i];
        dialog_choose(t, "RfRegion", region_items, task_rf_region_count + 1,
                      region_index(t), region_chosen);
        return;
    }
    dr_count = model_dr_choices(&t->model, dr_list, 31);
    if (!t->model.region) {
        tui_message(t, MSG_WARNING,
                    "choose an RfRegion first: the data "
                    "rates depend on it");
        return;
    }
    static char names[32][80];
    static const char *items[32];
    snprintf(names[0], sizeof(names[0]), "default (RX2 / Class C)");
    items[0] = names[0];
    int sel = 0;
    const struct region *r = region_find(t->model.region);
    for (size_t i = 0; i < dr_count && r; i++) {
        char desc[48];
        const struct region_dr *d = region_dr(r, dr_list[i]);
        region_dr_describe(d, desc, sizeof(desc));
        snprintf(names[i + 1], sizeof(names[i + 1]),
                 "DR%d  %s  (%d B a "
                 "fragment)",
                 dr_list[i], desc, d ? d->max_fragment_bytes : 0);
        items[i + 1] = names[i + 1];
        if (dr_list[i] == t->model.dr)
            sel = (int)i + 1;
    }
    dialog_choose(t, "Downlink data rate (planning)", items, dr_count + 1, sel,
                  dr_chosen);
}

/* Left/Right on a choice: the previous or next value, in place. */
static void cycle(struct tui *t, enum model_field f, int step)
{
    if (f == F_REGION) {
        int n = (int)task_rf_region_count + 1;
        int i = (region_index(t) + step + n) % n;
        region_chosen(t, i);
        return;
    }
    dr_count = model_dr_choices(&t->model, dr_list, 31);
    int n = (int)dr_count + 1;
    int cur = 0;
    for (size_t i = 0; i < dr_count; i++)
        if (dr_list[i] == t->model.dr)
            cur = (int)i + 1;
    dr_chosen(t, (cur + step + n) % n);
}

static void click(struct tui *t, const struct tui_input *in)
{
    if (!W.form_win)
        return;
    int wy, wx;
    getbegyx(W.form_win, wy, wx);
    int y = in->mouse_y - wy - 1;
    int x = in->mouse_x - wx - 1;
    if (y < 0 || y >= W.inner_h || x < 0 || x >= W.inner_w)
        return;
    int r = W.first + y;
    if (r >= W.row_count || W.rows[r].kind == ROW_GROUP)
        return;
    enum model_field f = W.rows[r].field;
    bool again = f == W.focus;
    focus_field(t, f);
    if (again && model_field_kind(f) == MODEL_CHOICE)
        choose(t, f);
    else if (again && f == F_TAGS)
        tui_push(t, &tags_screen);
}

static void move_focus(struct tui *t, int step, bool wrap)
{
    int f = (int)W.focus + step;
    if (wrap)
        f = (f + MODEL_FIELD_COUNT) % MODEL_FIELD_COUNT;
    else if (f < 0)
        f = 0;
    else if (f >= MODEL_FIELD_COUNT)
        f = MODEL_FIELD_COUNT - 1;
    focus_field(t, (enum model_field)f);
}

static void handle(struct tui *t, enum tui_action a, const struct tui_input *in)
{
    enum model_kind kind = model_field_kind(W.focus);
    if (W.preview_full && !W.lay.split && (a == ACT_BACK || a == ACT_PREVIEW)) {
        W.preview_full = false;
        layout(t, tui_body(t));
        return;
    }
    switch (a) {
    case ACT_NEXT:
        move_focus(t, 1, true);
        return;
    case ACT_PREV:
        move_focus(t, -1, true);
        return;
    case ACT_DOWN:
        move_focus(t, 1, false);
        return;
    case ACT_UP:
        move_focus(t, -1, false);
        return;
    case ACT_PAGE_DOWN:
        move_focus(t, W.inner_h > 2 ? W.inner_h - 2 : 1, false);
        return;
    case ACT_PAGE_UP:
        move_focus(t, W.inner_h > 2 ? -(W.inner_h - 2) : -1, false);
        return;
    case ACT_ENTER:
        if (kind == MODEL_CHOICE)
            choose(t, W.focus);
        else if (kind == MODEL_TAGS)
            tui_push(t, &tags_screen);
        else
            move_focus(t, 1, false);
        return;
    case ACT_LEFT:
    case ACT_RIGHT:
        if (kind == MODEL_CHOICE) {
            cycle(t, W.focus, a == ACT_LEFT ? -1 : 1);
            return;
        }
        break;
    case ACT_TEXT:
        if (kind == MODEL_INT && (in->key < '0' || in->key > '9')) {
            tui_message(t, MSG_ERROR, "%s takes digits only",
                        model_field_label(W.focus));
            return;
        }
        break;
    case ACT_TOKEN:
        generate_token(t);
        return;
    case ACT_DESCRIPTOR:
        descriptor_helper(t);
        return;
    case ACT_TAGS:
        tui_push(t, &tags_screen);
        return;
    case ACT_SAVE:
        editor_commit(t);
        tui_save(t);
        return;
    case ACT_SUBMIT:
        editor_commit(t);
        tui_push(t, &review_screen);
        return;
    case ACT_HELP:
        tui_push(t, &help_screen);
        return;
    case ACT_QUIT:
        editor_commit(t);
        t->quit = true;
        return;
    case ACT_PREVIEW:
        if (W.lay.split) {
            tui_message(t, MSG_INFO, "the preview is beside the form");
        } else {
            W.preview_full = true;
            layout(t, tui_body(t));
        }
        return;
    case ACT_TASKS:
        editor_commit(t);
        if (t->model.update_id)
            tui_cancel_update(t);
        else
            tui_push(t, &tasks_screen);
        return;
    case ACT_SIMULATE:
        editor_commit(t);
        tui_open_playback(t, &t->model.task,
                          t->model.image_known ? t->model.image_bytes : 0,
                          model_text(&t->model, F_NAME));
        return;
    case ACT_PLANNER:
        editor_commit(t);
        tui_open_planner(t);
        return;
    case ACT_TARGET:
        editor_commit(t);
        tui_target_panel(t);
        return;
    case ACT_CLICK:
        click(t, in);
        return;
    case ACT_BACK:
        if (t->model.update_id) {
            editor_commit(t);
            tui_cancel_update(t);
            return;
        }
        tui_message(t, MSG_INFO,
                    "nothing to go back to: F10 or q quits "
                    "(the draft is kept)");
        return;
    default:
        break;
    }
    if (W.form && edit_apply(W.form, a, in->key))
        editor_commit(t);
}

static void enter(struct tui *t)
{
    build_rows(&t->model);
}

static void leave(struct tui *t)
{
    (void)t;
    free_windows();
}

static const struct tui_binding bindings[] = {
    { TUI_CTRL('T'), ACT_TOKEN },
    { TUI_CTRL('D'), ACT_DESCRIPTOR },
    { TUI_CTRL('G'), ACT_TAGS },
};
static const struct tui_keymap keymap = TUI_KEYMAP("wizard", bindings);
static const enum tui_action hints[] = {
    ACT_HELP,    ACT_SAVE,   ACT_TASKS,  ACT_PREVIEW, ACT_SIMULATE,
    ACT_PLANNER, ACT_TARGET, ACT_SUBMIT, ACT_QUIT,
};

const struct tui_screen wizard_screen = {
    .name = "wizard",
    .keymap = &keymap,
    .hints = hints,
    .hint_count = sizeof(hints) / sizeof(hints[0]),
    .enter = enter,
    .leave = leave,
    .layout = layout,
    .draw = draw,
    .handle = handle,
    .text_focus = text_focus,
    .cursor = cursor,
    .status = status,
    .counts = true,
};
