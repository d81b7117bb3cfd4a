#include "tui/app.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <panel.h>

#include "core/units.h"
#include "tui/dialog.h"
#include "tui/draft.h"
#include "tui/files.h"
#include "tui/job.h"
#include "tui/ui.h"

/* Draft and request files are small: a request is at most 1 MiB. */
#define DRAFT_MAX (TASK_JSON_MAX + 64 * 1024)

static volatile sig_atomic_t got_signal;
static volatile sig_atomic_t curses_active;

static void on_signal(int sig)
{
    got_signal = sig;
}

/* A crash must not leave the terminal in raw mode: restore it, then die
 * of the same signal. */
static void on_fatal(int sig)
{
    if (curses_active)
        endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void restore_at_exit(void)
{
    if (curses_active) {
        curses_active = 0;
        endwin();
    }
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* Sanitizers report crashes themselves; keep their handlers. */
#if !defined(__SANITIZE_ADDRESS__)
    signal(SIGSEGV, on_fatal);
    signal(SIGBUS, on_fatal);
    signal(SIGFPE, on_fatal);
    signal(SIGABRT, on_fatal);
#else
    (void)on_fatal;
#endif
}

/* --- stack ---------------------------------------------------------------
 */

const struct tui_screen *tui_top(const struct tui *t)
{
    return t->depth ? t->stack[t->depth - 1] : NULL;
}

const struct tui_rect *tui_body(const struct tui *t)
{
    return &t->frame.body;
}

bool tui_push(struct tui *t, const struct tui_screen *s)
{
    if (t->depth == TUI_STACK_MAX)
        return false;
    t->stack[t->depth++] = s;
    if (s->enter)
        s->enter(t);
    if (s->layout && !t->frame.too_small && t->header)
        s->layout(t, &t->frame.body);
    t->redraw = true;
    return true;
}

void tui_pop(struct tui *t)
{
    if (t->depth <= 1)
        return;
    const struct tui_screen *s = t->stack[--t->depth];
    if (s->leave)
        s->leave(t);
    t->redraw = true;
}

/* --- messages ------------------------------------------------------------
 */

void tui_message(struct tui *t, enum tui_msg_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
    va_end(ap);
    t->msg_kind = kind;
    t->redraw = true;
}

void tui_message_clear(struct tui *t)
{
    t->msg[0] = '\0';
    t->redraw = true;
}

void tui_want_redraw(struct tui *t)
{
    t->redraw = true;
}

void tui_busy(struct tui *t, bool on)
{
    if (on)
        t->busy++;
    else if (t->busy > 0)
        t->busy--;
    t->redraw = true;
}

const char *tui_spinner(const struct tui *t)
{
    static const char *const braille[] = { "⠋", "⠙", "⠹", "⠸", "⠼",
                                           "⠴", "⠦", "⠧", "⠇", "⠏" };
    static const char *const ascii[] = { "|", "/", "-", "\\" };
    unsigned long n = t->tick_count / 2;
    if (ui_unicode())
        return braille[n % (sizeof(braille) / sizeof(braille[0]))];
    return ascii[n % (sizeof(ascii) / sizeof(ascii[0]))];
}

/* --- the model, drafts and files ----------------------------------------
 */

static void write_draft(struct tui *t)
{
    /* The draft is the request being created, never a task's update. */
    if (!t->draft_path[0] || t->model.update_id)
        return;
    char *json = model_to_draft(&t->model);
    char err[512];
    if (!json)
        return;
    if (!t->draft)
        t->draft = draft_new(t->draft_path);
    if (!t->draft)
        tui_message(t, MSG_WARNING, "draft not kept: out of memory");
    else if (!draft_put(t->draft, json, strlen(json), err, sizeof(err)))
        tui_message(t, MSG_WARNING, "draft not kept: %s", err);
    free(json);
}

void tui_model_changed(struct tui *t)
{
    model_refresh(&t->model);
    write_draft(t);
    t->redraw = true;
}

bool tui_save_request(struct tui *t, const char *where)
{
    /* where may be the model's own path, which model_set_path replaces. */
    char path[4096];
    snprintf(path, sizeof(path), "%s", where);
    char *json = task_to_json(&t->model.task, true);
    char err[600];
    if (!json) {
        tui_message(t, MSG_ERROR, "not saved: out of memory");
        return false;
    }
    size_t len = strlen(json);
    char *text = realloc(json, len + 2);
    if (!text) {
        free(json);
        tui_message(t, MSG_ERROR, "not saved: out of memory");
        return false;
    }
    text[len] = '\n';
    text[len + 1] = '\0';
    bool ok = files_write_atomic(path, text, len + 1, 0644, err, sizeof(err));
    free(text);
    if (!ok) {
        tui_message(t, MSG_ERROR, "not saved: %s", err);
        return false;
    }
    if (!model_set_path(&t->model, path)) {
        tui_message(t, MSG_ERROR, "out of memory");
        return false;
    }
    model_mark_saved(&t->model);
    write_draft(t);
    size_t errors = diag_count(&t->model.diags, DIAG_ERROR);
    if (errors)
        tui_message(t, MSG_WARNING,
                    "saved to %s (with %zu error%s: fuota validate will "
                    "refuse it until they are fixed)",
                    path, errors, errors == 1 ? "" : "s");
    else
        tui_message(t, MSG_OK, "saved to %s", path);
    return true;
}

static bool save_as_done(struct tui *t, const char *const *values, char *err,
                         size_t errsize)
{
    (void)err;
    (void)errsize;
    if (!values[0][0]) {
        snprintf(err, errsize, "give a file name");
        return false;
    }
    return tui_save_request(t, values[0]);
}

void tui_save(struct tui *t)
{
    if (t->model.path) {
        tui_save_request(t, t->model.path);
        return;
    }
    static const char *const labels[] = { "File" };
    const char *values[] = { "task.json" };
    dialog_input(t, "Save the request as JSON",
                 "The --cli-input-json form: what fuota validate and "
                 "aws iotwireless create-fuota-task read.",
                 1, labels, values, save_as_done);
}

static void draft_restore(struct tui *t, bool yes)
{
    if (!yes) {
        tui_message(t, MSG_INFO,
                    "started with an empty request; the old "
                    "draft is replaced as you type");
        return;
    }
    char err[600];
    size_t len;
    char *text = files_read(t->draft_path, DRAFT_MAX, &len, err, sizeof(err));
    if (!text || !model_from_draft(&t->model, text, len)) {
        tui_message(t, MSG_ERROR, "the draft could not be restored: %s",
                    text ? "not a fuota draft" : err);
        free(text);
        return;
    }
    free(text);
    t->model.dirty = true;
    tui_model_changed(t);
    tui_message(t, MSG_OK, "draft restored");
}

/* Offers the draft kept from last time, when it holds unsaved work for
 * what is being opened (nothing, or the same file). */
static void offer_draft(struct tui *t)
{
    char err[600];
    size_t len;
    if (!t->draft_path[0])
        return;
    char *text = files_read(t->draft_path, DRAFT_MAX, &len, err, sizeof(err));
    if (!text)
        return;
    struct model d;
    model_init(&d);
    bool usable = model_from_draft(&d, text, len);
    free(text);
    const char *open = t->cfg->request_path;
    bool same =
        (!open && !d.path) || (open && d.path && strcmp(open, d.path) == 0);
    if (usable && d.dirty && !model_is_empty(&d) && same) {
        model_refresh(&d);
        char q[700];
        size_t errors = diag_count(&d.diags, DIAG_ERROR);
        const char *name = model_text(&d, F_NAME);
        snprintf(q, sizeof(q),
                 "Unsaved work from last time was kept: %s%s%s, %zu "
                 "error%s.\nRestore it?",
                 *name ? "task " : "", *name ? name : "an unnamed task",
                 d.path ? " (changed since saved)" : "", errors,
                 errors == 1 ? "" : "s");
        dialog_confirm(t, "Restore the draft?", q, false, draft_restore);
    }
    model_cleanup(&d);
}

/* --- theme ---------------------------------------------------------------
 */

/* The theme named in the config file ("theme NAME"), if any. */
static bool config_theme(const char *file, char *name, size_t size)
{
    char err[256];
    size_t len;
    if (!file)
        return false;
    char *text = files_read(file, 64 * 1024, &len, err, sizeof(err));
    if (!text)
        return false;
    bool found = false;
    /* One setting a line: "theme NAME"; '#' starts a comment. */
    char *p = text;
    while (p && *p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncmp(p, "theme", 5) == 0 && (p[5] == ' ' || p[5] == '\t')) {
            char *v = p + 5;
            while (*v == ' ' || *v == '\t')
                v++;
            char *e = v;
            while (*e && *e != ' ' && *e != '\t' && *e != '#' && *e != '\r')
                e++;
            *e = '\0';
            if (*v) {
                snprintf(name, size, "%s", v);
                found = true;
            }
        }
        p = nl ? nl + 1 : NULL;
    }
    free(text);
    return found;
}

static void setup_theme(struct tui *t)
{
    const struct tui_config *c = t->cfg;
    char name[THEME_NAME_MAX + 200] = "default";
    if (c->theme)
        snprintf(name, sizeof(name), "%s", c->theme);
    else
        config_theme(c->config_file, name, sizeof(name));
    struct theme th;
    char err[600];
    if (!theme_load(name, c->theme_dirs, &th, err, sizeof(err))) {
        tui_message(t, MSG_ERROR, "theme refused: %s; using the default", err);
        theme_default(&th);
    }
    theme_apply(&th, !c->no_color);
}

/* --- drawing -------------------------------------------------------------
 */

static void draw_header(struct tui *t)
{
    WINDOW *w = t->header;
    int cols = t->cols;
    ui_background(w, ROLE_HEADER);
    werase(w);
    const struct tui_screen *top = tui_top(t);
    int i = t->depth - 1;
    while (i > 0 && t->stack[i]->overlay)
        i--;
    const char *screen = t->depth ? t->stack[i]->name : "";
    char file[300];
    const char *path = t->model.path;
    const char *base = path ? strrchr(path, '/') : NULL;
    if (t->model.update_id)
        snprintf(file, sizeof(file), "update %s%s", t->model.update_id,
                 t->model.dirty ? "*" : "");
    else
        snprintf(file, sizeof(file), "%s%s",
                 base   ? base + 1
                 : path ? path
                        : "new request",
                 t->model.dirty ? "*" : "");
    (void)top;

    char badge[512];
    enum tui_role role;
    if (t->target.live) {
        snprintf(badge, sizeof(badge), " %s LIVE ", ui_glyph(GLYPH_LIVE));
        role = ROLE_LIVE_BADGE;
    } else {
        snprintf(badge, sizeof(badge), " %s SIMULATOR ", ui_glyph(GLYPH_SIM));
        role = ROLE_SIM_BADGE;
    }
    const char *detail = t->target.detail ? t->target.detail : "";
    int bw = ui_width(badge);
    int dw = ui_width(detail);
    int right = bw + (dw ? dw + 2 : 0);
    if (right > cols / 2 + 10) {
        dw = cols / 2 + 10 - bw - 2;
        right = bw + (dw > 0 ? dw + 2 : 0);
    }
    char left[600];
    snprintf(left, sizeof(left), " fuota %s %s %s %s", ui_glyph(GLYPH_DOT),
             screen, ui_glyph(GLYPH_DOT), file);
    ui_put(w, 0, 0, cols - right - 1, ROLE_HEADER, left, false);
    int x = cols - right;
    ui_put(w, 0, x, bw, role, badge, false);
    if (dw > 0)
        ui_put(w, 0, x + bw + 1, dw, ROLE_HEADER, detail, false);
    wnoutrefresh(w);
}

static void draw_message(struct tui *t)
{
    WINDOW *w = t->message;
    werase(w);
    const struct tui_screen *top = tui_top(t);
    char counts[80] = "";
    if (top && top->counts) {
        size_t e = diag_count(&t->model.diags, DIAG_ERROR);
        size_t wa = diag_count(&t->model.diags, DIAG_WARNING);
        if (e || wa)
            snprintf(counts, sizeof(counts), "%zu error%s %s %zu warning%s ", e,
                     e == 1 ? "" : "s", ui_glyph(GLYPH_DOT), wa,
                     wa == 1 ? "" : "s");
        else
            snprintf(counts, sizeof(counts), "%s no problems ",
                     ui_glyph(GLYPH_OK));
    }
    int cw = ui_width(counts);
    char text[TUI_MSG_MAX];
    enum tui_msg_kind kind = t->msg_kind;
    if (t->msg[0]) {
        snprintf(text, sizeof(text), "%s", t->msg);
    } else {
        text[0] = '\0';
        kind = MSG_INFO;
        if (top && top->status)
            top->status(t, text, sizeof(text), &kind);
    }
    static const enum ui_glyph glyph[] = { [MSG_INFO] = GLYPH_COUNT,
                                           [MSG_OK] = GLYPH_OK,
                                           [MSG_WARNING] = GLYPH_WARNING,
                                           [MSG_ERROR] = GLYPH_ERROR };
    static const enum tui_role role[] = { [MSG_INFO] = ROLE_NORMAL,
                                          [MSG_OK] = ROLE_OK,
                                          [MSG_WARNING] = ROLE_FIELD_WARNING,
                                          [MSG_ERROR] = ROLE_FIELD_ERROR };
    int x = 1;
    int room = t->cols - cw - 3;
    if (text[0] && glyph[kind] != GLYPH_COUNT) {
        x += ui_put(w, 0, x, 2, role[kind], ui_glyph(glyph[kind]), false);
        x++;
    }
    if (text[0])
        ui_put(w, 0, x, room - x, kind == MSG_INFO ? ROLE_NORMAL : role[kind],
               text, false);
    if (cw) {
        size_t e = diag_count(&t->model.diags, DIAG_ERROR);
        ui_put(w, 0, t->cols - cw, cw, e ? ROLE_FIELD_ERROR : ROLE_DIM, counts,
               false);
    }
    wnoutrefresh(w);
}

static void draw_hints(struct tui *t)
{
    WINDOW *w = t->hints;
    werase(w);
    const struct tui_screen *top = tui_top(t);
    int x = 0;
    for (size_t i = 0; top && i < top->hint_count; i++) {
        enum tui_action a = top->hints[i];
        int key = tui_keymap_key_for(top->keymap, a);
        if (key < 0)
            continue;
        char kn[32];
        tui_key_name(key, kn, sizeof(kn));
        const char *label = tui_action_label(a);
        bool fkey = kn[0] == 'F' && kn[1] >= '0' && kn[1] <= '9';
        int need = ui_width(kn) + (fkey ? 0 : 1) + ui_width(label) + 1;
        if (x + need > t->cols)
            break;
        x += ui_put(w, 0, x, t->cols - x, ROLE_HINT_KEY, kn, false);
        if (!fkey)
            x += ui_put(w, 0, x, 1, ROLE_HINT, " ", false);
        x += ui_put(w, 0, x, t->cols - x, ROLE_HINT, label, false);
        if (x < t->cols)
            x += ui_put(w, 0, x, 1, ROLE_NORMAL, " ", false);
    }
    wnoutrefresh(w);
}

static void draw_too_small(struct tui *t)
{
    werase(stdscr);
    char text[80];
    snprintf(text, sizeof(text), "terminal too small (needs %dx%d)",
             TUI_MIN_COLS, TUI_MIN_LINES);
    int w = (int)strlen(text);
    int y = t->lines / 2, x = (t->cols - w) / 2;
    if (x < 0)
        x = 0;
    ui_put(stdscr, y, x, t->cols - x, ROLE_ALARM, text, false);
    char now[64];
    snprintf(now, sizeof(now), "now %dx%d", t->cols, t->lines);
    int nx = (t->cols - (int)strlen(now)) / 2;
    if (y + 1 < t->lines)
        ui_put(stdscr, y + 1, nx < 0 ? 0 : nx, t->cols, ROLE_DIM, now, false);
    curs_set(0);
    wnoutrefresh(stdscr);
    doupdate();
}

static void draw(struct tui *t)
{
    t->redraw = false;
    if (t->frame.too_small) {
        draw_too_small(t);
        return;
    }
    /* stdscr is the panel library's bottom layer: left touched it would
     * be copied over everything by update_panels(). */
    wnoutrefresh(stdscr);
    draw_header(t);
    draw_message(t);
    draw_hints(t);
    int base = t->depth - 1;
    while (base > 0 && t->stack[base]->overlay)
        base--;
    for (int i = base; i < t->depth; i++)
        if (t->stack[i]->draw)
            t->stack[i]->draw(t);
    update_panels();
    const struct tui_screen *top = tui_top(t);
    if (top && top->cursor && top->text_focus && top->text_focus(t)) {
        curs_set(1);
        top->cursor(t);
    } else {
        curs_set(0);
    }
    doupdate();
}

/* --- layout --------------------------------------------------------------
 */

static void relayout(struct tui *t)
{
    t->relayout = false;
    getmaxyx(stdscr, t->lines, t->cols);
    layout_frame(t->lines, t->cols, &t->frame);
    t->redraw = true;
    if (t->frame.too_small)
        return;
    if (t->header) {
        delwin(t->header);
        delwin(t->message);
        delwin(t->hints);
    }
    const struct tui_frame_layout *f = &t->frame;
    t->header = newwin(1, f->header.w, f->header.y, f->header.x);
    t->message = newwin(1, f->message.w, f->message.y, f->message.x);
    t->hints = newwin(1, f->hints.w, f->hints.y, f->hints.x);
    for (int i = 0; i < t->depth; i++)
        if (t->stack[i]->layout)
            t->stack[i]->layout(t, &f->body);
    /* Forget what the terminal showed before: every cell is redrawn. */
    clearok(curscr, TRUE);
    t->redraw = true;
}

/* --- input ---------------------------------------------------------------
 */

static void dispatch(struct tui *t, int key)
{
    const struct tui_screen *top = tui_top(t);
    if (!top)
        return;
    if (key == TUI_FN(KEY_RESIZE)) {
        t->relayout = true;
        return;
    }
    bool text = top->text_focus && top->text_focus(t);
    enum tui_action a = tui_keymap_lookup(top->keymap, key, text);
    struct tui_input in = { .key = key };
    if (a == ACT_CLICK) {
        MEVENT ev;
        if (getmouse(&ev) != OK)
            return;
        if (ev.bstate & (BUTTON4_PRESSED)) {
            a = ACT_UP;
        } else if (ev.bstate & (BUTTON5_PRESSED)) {
            a = ACT_DOWN;
        } else if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED |
                                  BUTTON1_DOUBLE_CLICKED))) {
            return;
        }
        in.mouse_y = ev.y;
        in.mouse_x = ev.x;
        in.mouse_double = ev.bstate & BUTTON1_DOUBLE_CLICKED;
    }
    if (a == ACT_REDRAW) {
        clearok(curscr, TRUE);
        t->redraw = true;
        return;
    }
    if (a == ACT_NONE) {
        char kn[32];
        if (!tui_key_printable(key) || text)
            return;
        tui_message(t, MSG_INFO, "'%s' does nothing here (F1 lists the keys)",
                    tui_key_name(key, kn, sizeof(kn)));
        return;
    }
    t->msg[0] = '\0';
    if (t->frame.too_small && a != ACT_QUIT)
        return;
    top->handle(t, a, &in);
    t->redraw = true;
}

/* --- run -----------------------------------------------------------------
 */

static bool start_curses(void)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "fuota: the console needs a terminal (stdin and "
                        "stdout); for scripts see 'fuota --help'\n");
        return false;
    }
    if (!newterm(NULL, stdout, stdin)) {
        const char *term = getenv("TERM");
        fprintf(stderr, "fuota: cannot use the terminal '%s' (check TERM)\n",
                term ? term : "");
        return false;
    }
    curses_active = 1;
    atexit(restore_at_exit);
    cbreak();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    set_escdelay(25);
    curs_set(0);
    if (has_colors()) {
        start_color();
        use_default_colors();
    }
    mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED |
                  BUTTON5_PRESSED,
              NULL);
    mouseinterval(150);
    return true;
}

static void stop_curses(void)
{
    if (curses_active) {
        curses_active = 0;
        endwin();
    }
}

static void load_initial(struct tui *t)
{
    const struct tui_config *c = t->cfg;
    if (c->request) {
        if (!model_load_task(&t->model, c->request, c->request_diags) ||
            !model_set_path(&t->model, c->request_path))
            tui_message(t, MSG_ERROR, "out of memory");
    }
    if (c->image_path &&
        !model_set_text(&t->model, F_PLAN_IMAGE, c->image_path))
        tui_message(t, MSG_ERROR, "the image path is too long");
    if (c->request)
        t->model.dirty = false; /* the image is not part of the file */
    model_refresh(&t->model);
    if (c->request) {
        size_t e = diag_count(&t->model.diags, DIAG_ERROR);
        size_t w = diag_count(&t->model.diags, DIAG_WARNING);
        if (e)
            tui_message(t, MSG_WARNING,
                        "opened %s: %zu error%s, %zu warning%s (each is on "
                        "its field)",
                        c->request_path, e, e == 1 ? "" : "s", w,
                        w == 1 ? "" : "s");
        else
            tui_message(t, MSG_OK, "opened %s", c->request_path);
    }
}

int tui_run(const struct tui_config *cfg)
{
    struct tui *t = calloc(1, sizeof(*t));
    if (!t) {
        fprintf(stderr, "fuota: out of memory\n");
        return 1;
    }
    t->cfg = cfg;
    t->target = cfg->target;
    model_init(&t->model);
    model_init(&t->aside);
    if (cfg->state_dir) {
        char err[600];
        int n = snprintf(t->draft_path, sizeof(t->draft_path), "%s/draft.json",
                         cfg->state_dir);
        if (n < 0 || (size_t)n >= sizeof(t->draft_path) ||
            !files_mkdirs(cfg->state_dir, err, sizeof(err)))
            t->draft_path[0] = '\0';
    }
    setlocale(LC_ALL, "");
    ui_init_glyphs();
    install_signals();
    if (!start_curses()) {
        model_cleanup(&t->model);
        free(t);
        return 1;
    }
    t->input = newwin(1, 1, 0, 0);
    keypad(t->input, TRUE);
    wnoutrefresh(t->input);
    setup_theme(t);
    load_initial(t);
    relayout(t);
    tui_push(t, &wizard_screen);
    offer_draft(t);
    t->redraw = true;

    while (!t->quit && !got_signal) {
        if (t->relayout)
            relayout(t);
        if (t->redraw || t->busy)
            draw(t);
        wtimeout(t->input, t->busy ? 33 : 200);
        wint_t ch;
        int r = wget_wch(t->input, &ch);
        t->tick_count++;
        if (r == KEY_CODE_YES)
            dispatch(t, TUI_FN((int)ch));
        else if (r == OK)
            dispatch(t, (int)ch);
        for (int i = t->depth - 1; i >= 0; i--)
            if (t->stack[i]->tick)
                t->stack[i]->tick(t);
        job_reap();
    }
    while (t->depth > 0) {
        const struct tui_screen *s = t->stack[--t->depth];
        if (s->leave)
            s->leave(t);
    }
    if (t->header) {
        delwin(t->header);
        delwin(t->message);
        delwin(t->hints);
    }
    delwin(t->input);
    stop_curses();
    job_join_all();
    draft_free(t->draft);
    int sig = got_signal;
    if (sig)
        fprintf(stderr, "fuota: stopped by signal %d%s\n", sig,
                t->draft_path[0] && t->model.dirty ? "; the draft is kept"
                                                   : "");
    model_cleanup(&t->model);
    model_cleanup(&t->aside);
    free(t);
    return 0;
}
