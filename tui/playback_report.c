/*
 * Playback, at the end: the report panel (the figures of `fuota simulate`
 * for the same settings and seed, from sim/report) over the live view,
 * and saving the report as JSON or one line per device as CSV (atomic
 * writes, tui/files.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <panel.h>

#include "sim/report.h"
#include "tui/dialog.h"
#include "tui/files.h"
#include "tui/playback.h"
#include "tui/ui.h"

#define REPORT_LINES_MAX 64

static struct {
    WINDOW *win;
    PANEL *panel;
    char *text; /* report_print_table's output */
    const char *lines[REPORT_LINES_MAX];
    size_t lens[REPORT_LINES_MAX];
    int count, first, left, view_h;
} R;

static void report_free_windows(void)
{
    if (R.panel) {
        del_panel(R.panel);
        R.panel = NULL;
    }
    if (R.win) {
        delwin(R.win);
        R.win = NULL;
    }
}

/* The live view's job once its figures are there, else NULL. */
static struct pb_job *ready_job(void)
{
    struct pb_job *job = pbview_job();
    return job && pbjob_phase(job) == PB_PHASE_READY ? job : NULL;
}

void pbreport_open(struct tui *t)
{
    if (ready_job())
        tui_push(t, &playback_report_screen);
}

static void report_enter(struct tui *t)
{
    free(R.text);
    R.text = NULL;
    R.count = R.first = R.left = 0;
    size_t size = 0;
    FILE *f = open_memstream(&R.text, &size);
    struct pb_job *job = ready_job();
    bool ok = f && job && report_print_table(f, &job->run.params, &job->result);
    if (f)
        fclose(f);
    if (!ok) {
        tui_message(t, MSG_ERROR,
                    "the report could not be made (out of "
                    "memory)");
        return;
    }
    for (char *p = R.text; p && *p && R.count < REPORT_LINES_MAX;) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        R.lines[R.count] = p;
        R.lens[R.count++] = len;
        p += len + (nl ? 1 : 0);
    }
}

static void report_leave(struct tui *t)
{
    (void)t;
    report_free_windows();
    free(R.text);
    R.text = NULL;
    R.count = 0;
}

static void report_layout(struct tui *t, const struct tui_rect *body)
{
    (void)t;
    report_free_windows();
    int w = body->w - 4 < 100 ? body->w - 4 : 100;
    int h = R.count + 4 < body->h - 2 ? R.count + 4 : body->h - 2;
    struct tui_rect r = layout_center(body, h, w);
    R.win = newwin(r.h, r.w, r.y, r.x);
    if (R.win)
        R.panel = new_panel(R.win);
    R.view_h = r.h - 4;
}

static void report_draw(struct tui *t)
{
    (void)t;
    if (!R.win)
        return;
    int h, w;
    getmaxyx(R.win, h, w);
    werase(R.win);
    ui_box(R.win, "Report · the figures of fuota simulate", "j JSON  c CSV");
    for (int i = 0; i < R.view_h && R.first + i < R.count; i++) {
        size_t len = R.lens[R.first + i];
        size_t skip = (size_t)R.left < len ? (size_t)R.left : len;
        ui_put_span(R.win, 1 + i, 2, w - 4, ROLE_NORMAL,
                    R.lines[R.first + i] + skip, len - skip);
    }
    char more[96];
    snprintf(more, sizeof(more),
             "Esc closes %s arrows scroll %s j saves JSON, c saves CSV",
             ui_glyph(GLYPH_DOT), ui_glyph(GLYPH_DOT));
    ui_put(R.win, h - 2, 2, w - 4, ROLE_DIM, more, false);
    touchwin(R.win);
}

static char *csv_text(size_t *len)
{
    struct pb_job *job = ready_job();
    char *text = NULL;
    size_t size = 0;
    FILE *f = job ? open_memstream(&text, &size) : NULL;
    if (!f)
        return NULL;
    bool ok = report_write_csv(f, &job->run.params, &job->result);
    if (fclose(f) != 0 || !ok) {
        free(text);
        return NULL;
    }
    *len = size;
    return text;
}

static char *json_text(size_t *len)
{
    struct pb_job *job = ready_job();
    char *text =
        job ? report_to_text(&job->run.params, &job->result, true) : NULL;
    if (!text)
        return NULL;
    size_t n = strlen(text);
    char *out = realloc(text, n + 2);
    if (!out) {
        free(text);
        return NULL;
    }
    out[n] = '\n';
    out[n + 1] = '\0';
    *len = n + 1;
    return out;
}

static bool save_with(struct tui *t, const char *path, bool json, char *err,
                      size_t errsize)
{
    if (!path[0]) {
        snprintf(err, errsize, "give a file name");
        return false;
    }
    if (!ready_job()) {
        snprintf(err, errsize, "the playback has ended");
        return false;
    }
    size_t len = 0;
    char *text = json ? json_text(&len) : csv_text(&len);
    if (!text) {
        snprintf(err, errsize, "out of memory");
        return false;
    }
    bool ok = files_write_atomic(path, text, len, 0644, err, errsize);
    free(text);
    if (ok)
        tui_message(t, MSG_OK, "%s saved to %s",
                    json ? "report" : "per-device CSV", path);
    return ok;
}

static bool save_json_done(struct tui *t, const char *const *values, char *err,
                           size_t errsize)
{
    return save_with(t, values[0], true, err, errsize);
}

static bool save_csv_done(struct tui *t, const char *const *values, char *err,
                          size_t errsize)
{
    return save_with(t, values[0], false, err, errsize);
}

void pbreport_ask_save(struct tui *t, bool json)
{
    static const char *const labels[] = { "File" };
    const char *values[] = { json ? "playback-report.json"
                                  : "playback-devices.csv" };
    dialog_input(t,
                 json ? "Save the report as JSON" : "Save the devices as CSV",
                 json ? "The report of fuota simulate --json for these "
                        "settings and seed."
                      : "One line per device: status, own loss, fragments "
                        "received, lost, when it finished.",
                 1, labels, values, json ? save_json_done : save_csv_done);
}

static void report_handle(struct tui *t, enum tui_action a,
                          const struct tui_input *in)
{
    (void)in;
    int max_first = R.count > R.view_h ? R.count - R.view_h : 0;
    switch (a) {
    case ACT_BACK:
    case ACT_ENTER:
    case ACT_REPORT:
        tui_pop(t);
        return;
    case ACT_SAVE_JSON:
    case ACT_SAVE_CSV:
        pbreport_ask_save(t, a == ACT_SAVE_JSON);
        return;
    case ACT_UP:
        R.first--;
        break;
    case ACT_DOWN:
        R.first++;
        break;
    case ACT_PAGE_UP:
        R.first -= R.view_h;
        break;
    case ACT_PAGE_DOWN:
        R.first += R.view_h;
        break;
    case ACT_LEFT:
        R.left = R.left > 8 ? R.left - 8 : 0;
        return;
    case ACT_RIGHT:
        R.left = R.left < 120 ? R.left + 8 : R.left;
        return;
    case ACT_RESTART:
        tui_pop(t);
        playback_screen.handle(t, ACT_RESTART, in);
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
    if (R.first > max_first)
        R.first = max_first;
    if (R.first < 0)
        R.first = 0;
}

static const struct tui_binding report_bindings[] = {
    { 'j', ACT_SAVE_JSON },
    { 'c', ACT_SAVE_CSV },
    { 'v', ACT_REPORT },
    { 'r', ACT_RESTART },
};
static const struct tui_keymap report_keymap =
    TUI_KEYMAP("playback report", report_bindings);
static const enum tui_action report_hints[] = { ACT_SAVE_JSON, ACT_SAVE_CSV,
                                                ACT_RESTART, ACT_BACK,
                                                ACT_HELP };

const struct tui_screen playback_report_screen = {
    .name = "playback report",
    .overlay = true,
    .keymap = &report_keymap,
    .hints = report_hints,
    .hint_count = sizeof(report_hints) / sizeof(report_hints[0]),
    .enter = report_enter,
    .leave = report_leave,
    .layout = report_layout,
    .draw = report_draw,
    .handle = report_handle,
};
