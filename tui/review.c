/*
 * Review and submit (F9): the exact JSON that goes out and where it goes;
 * Submit sends it through core/backend.h on a thread of its own (the
 * screen keeps drawing, Esc stops waiting), then shows the Arn and Id or
 * the error in plain words with what to do next.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/advice.h"
#include "tui/app.h"
#include "tui/dialog.h"
#include "tui/ui.h"

enum button { BTN_SUBMIT, BTN_SAVE, BTN_BACK, BTN_COUNT };
static const char *const button_names[BTN_COUNT] = { "Submit", "Save as…",
                                                     "Back" };

enum state { ST_REVIEW, ST_SENDING, ST_DONE };

/* One submission, shared with its thread. The thread owns nothing of the
 * console: it gets a copy of the request and writes only here. */
struct job {
    struct backend *backend;
    struct fuota_task request;
    struct backend_created created;
    struct backend_error error;
    enum backend_status status;
    atomic_bool done;
    pthread_t thread;
};

/* Submissions the operator stopped waiting for: joined once done, and
 * all of them before the console returns (the backend must outlive
 * them). */
#define ABANDONED_MAX 8
static struct job *abandoned[ABANDONED_MAX];

#define JSON_LINES_MAX 4096

static struct {
    WINDOW *win;
    enum state state;
    int button;
    char *json;
    const char *lines[JSON_LINES_MAX];
    size_t lens[JSON_LINES_MAX];
    int line_count, first, view_h;
    char note[300];
    struct job *job; /* the submission in flight or just answered */
    /* the result */
    bool ok;
    char result[8][400];
    enum tui_role result_role[8];
    int result_count;
} R;

static void *submit_thread(void *arg)
{
    struct job *j = arg;
    j->status =
        backend_create_task(j->backend, &j->request, &j->created, &j->error);
    atomic_store(&j->done, true);
    return NULL;
}

static void job_free(struct job *j)
{
    pthread_join(j->thread, NULL);
    task_cleanup(&j->request);
    free(j);
}

/* Stops waiting for the job in flight: it finishes on its own. */
static void abandon(void)
{
    if (!R.job)
        return;
    size_t i = 0;
    while (i < ABANDONED_MAX && abandoned[i])
        i++;
    if (i == ABANDONED_MAX) {
        job_free(abandoned[0]);
        memmove(abandoned, abandoned + 1,
                (ABANDONED_MAX - 1) * sizeof(abandoned[0]));
        i = ABANDONED_MAX - 1;
    }
    abandoned[i] = R.job;
    R.job = NULL;
}

static void reap(bool wait)
{
    for (size_t i = 0; i < ABANDONED_MAX; i++)
        if (abandoned[i] && (wait || atomic_load(&abandoned[i]->done))) {
            job_free(abandoned[i]);
            abandoned[i] = NULL;
        }
}

void review_join_all(void)
{
    if (R.job) {
        job_free(R.job);
        R.job = NULL;
    }
    reap(true);
}

static void split_json(void)
{
    R.line_count = 0;
    const char *p = R.json;
    while (p && *p && R.line_count < JSON_LINES_MAX) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        R.lines[R.line_count] = p;
        R.lens[R.line_count] = n;
        R.line_count++;
        p = nl ? nl + 1 : p + n;
    }
}

/* A request that retries cannot duplicate needs a ClientRequestToken:
 * make one now, before the first attempt, and show it. */
static void ensure_token(struct tui *t)
{
    R.note[0] = '\0';
    /* Only for a request that can go: looking must not change it. */
    if (t->model.task.client_request_token || diag_has_errors(&t->model.diags))
        return;
    unsigned char raw[9];
    char hex[sizeof(raw) * 2 + 1], token[40];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
    snprintf(token, sizeof(token), "fuota-%s", hex);
    if (model_set_text(&t->model, F_TOKEN, token)) {
        tui_model_changed(t);
        snprintf(R.note, sizeof(R.note),
                 "ClientRequestToken %s was added: a retry or a second "
                 "submit then gives back the same task instead of a new one",
                 token);
    }
}

static void refresh_json(struct tui *t)
{
    free(R.json);
    R.json = task_to_json(&t->model.task, true);
    split_json();
}

static void enter(struct tui *t)
{
    R.state = ST_REVIEW;
    R.first = 0;
    R.result_count = 0;
    ensure_token(t);
    refresh_json(t);
    R.button = diag_has_errors(&t->model.diags) ? BTN_BACK : BTN_SUBMIT;
}

static void leave(struct tui *t)
{
    if (R.win) {
        delwin(R.win);
        R.win = NULL;
    }
    if (R.state == ST_SENDING) {
        abandon();
        tui_busy(t, false);
    } else if (R.job) {
        job_free(R.job);
        R.job = NULL;
    }
    free(R.json);
    R.json = NULL;
    R.line_count = 0;
}

static void layout(struct tui *t, const struct tui_rect *body)
{
    (void)t;
    if (R.win)
        delwin(R.win);
    R.win = newwin(body->h, body->w, body->y, body->x);
}

/* --- the result ----------------------------------------------------------
 */

static void result(enum tui_role role, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void result(enum tui_role role, const char *fmt, ...)
{
    if (R.result_count >= 8)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(R.result[R.result_count], sizeof(R.result[0]), fmt, ap);
    va_end(ap);
    R.result_role[R.result_count++] = role;
}

const char *tui_error_advice(enum backend_status s)
{
    /* The explanation table is core/advice's; this asks it for a status
     * alone (the UI thread's buffer, valid until the next call). */
    static struct advice adv;
    struct backend_error err;
    backend_error_clear(&err);
    err.status = s;
    err.http_status = backend_status_http(s);
    advice_explain(&err, &adv);
    return s == BACKEND_OK ? "" : adv.text;
}

static void collect(struct tui *t)
{
    struct job *j = R.job;
    R.state = ST_DONE;
    R.result_count = 0;
    tui_busy(t, false);
    const char *where = t->target.live ? "AWS" : "the simulator";
    if (j->status == BACKEND_OK) {
        R.ok = true;
        result(ROLE_OK, "%s Created on %s", ui_glyph(GLYPH_OK), where);
        result(ROLE_NORMAL, "Arn  %s", j->created.arn);
        result(ROLE_NORMAL, "Id   %s", j->created.id);
        result(ROLE_DIM, "Submitting again with the same token returns this "
                         "task. F3 shows the tasks.");
        tui_message(t, MSG_OK, "task %s created on %s", j->created.id, where);
    } else {
        R.ok = false;
        char line[BACKEND_MESSAGE_MAX + 200];
        struct advice adv;
        advice_explain(&j->error, &adv);
        result(ROLE_FIELD_ERROR, "%s Not created: %s", ui_glyph(GLYPH_ERROR),
               adv.title);
        result(ROLE_NORMAL, "%s", adv.text);
        backend_error_format(&j->error, line, sizeof(line));
        result(ROLE_DIM, "the service said: %s", line);
        tui_message(t, MSG_ERROR, "not created: %s",
                    backend_status_help(j->status));
    }
    R.button = BTN_BACK;
}

static void tick(struct tui *t)
{
    reap(false);
    if (R.state == ST_SENDING && R.job && atomic_load(&R.job->done))
        collect(t);
}

static void start_submit(struct tui *t)
{
    if (R.job) {
        job_free(R.job);
        R.job = NULL;
    }
    struct job *j = calloc(1, sizeof(*j));
    if (!j) {
        tui_message(t, MSG_ERROR, "out of memory");
        return;
    }
    atomic_init(&j->done, false);
    j->backend = t->target.backend;
    if (!task_copy(&j->request, &t->model.task)) {
        free(j);
        tui_message(t, MSG_ERROR, "out of memory");
        return;
    }
    if (pthread_create(&j->thread, NULL, submit_thread, j) != 0) {
        task_cleanup(&j->request);
        free(j);
        tui_message(t, MSG_ERROR, "could not start the submission");
        return;
    }
    R.job = j;
    R.state = ST_SENDING;
    tui_busy(t, true);
}

static void live_answer(struct tui *t, bool yes)
{
    if (yes)
        start_submit(t);
    else
        tui_message(t, MSG_INFO, "not submitted");
}

static void submit(struct tui *t)
{
    size_t errors = diag_count(&t->model.diags, DIAG_ERROR);
    if (errors) {
        tui_message(t, MSG_ERROR,
                    "not submitted: %zu error%s in the request (Esc, then "
                    "fix the fields marked %s)",
                    errors, errors == 1 ? "" : "s", ui_glyph(GLYPH_ERROR));
        return;
    }
    if (!t->target.backend) {
        tui_message(t, MSG_ERROR, "no target to submit to");
        return;
    }
    if (t->target.live) {
        char q[512];
        snprintf(q, sizeof(q),
                 "Create this task on AWS (%s%s%s)?\nThis is the live "
                 "service, not the simulator.",
                 t->target.region ? t->target.region : "region unknown",
                 t->target.profile ? ", profile " : "",
                 t->target.profile ? t->target.profile : "");
        dialog_confirm_ex(t, "Submit to AWS", q, false, true, live_answer);
        return;
    }
    start_submit(t);
}

/* --- drawing -------------------------------------------------------------
 */

static void draw(struct tui *t)
{
    WINDOW *w = R.win;
    if (!w)
        return;
    int h, wd;
    getmaxyx(w, h, wd);
    werase(w);
    char title[160];
    snprintf(title, sizeof(title), "Review %s CreateFuotaTask %s %s %s",
             ui_glyph(GLYPH_DOT), ui_glyph(GLYPH_ARROW),
             ui_glyph(t->target.live ? GLYPH_LIVE : GLYPH_SIM),
             t->target.live ? "LIVE" : "SIMULATOR");
    ui_box(w, title, NULL);
    char post[300];
    snprintf(post, sizeof(post), "POST /fuota-tasks   %s %s",
             ui_glyph(GLYPH_ARROW), t->target.detail ? t->target.detail : "");
    ui_put(w, 1, 2, wd - 4, ROLE_TITLE, post, false);

    /* Bottom block (note, problems, progress or result), wrapped, then
     * the buttons. */
    struct {
        enum tui_role role;
        char text[sizeof(R.result[0])];
    } blk[10];
    int nblk = 0;
    size_t errors = diag_count(&t->model.diags, DIAG_ERROR);
    if (R.state == ST_REVIEW) {
        if (R.note[0]) {
            blk[nblk].role = ROLE_FIELD_WARNING;
            snprintf(blk[nblk++].text, sizeof(blk[0].text), "%s", R.note);
        }
        if (errors) {
            blk[nblk].role = ROLE_FIELD_ERROR;
            snprintf(blk[nblk++].text, sizeof(blk[0].text),
                     "%s %zu error%s: submitting is refused until they are "
                     "fixed (Esc goes back to the fields)",
                     ui_glyph(GLYPH_ERROR), errors, errors == 1 ? "" : "s");
        }
    } else if (R.state == ST_SENDING) {
        blk[nblk].role = ROLE_TITLE;
        snprintf(blk[nblk++].text, sizeof(blk[0].text),
                 "%s Submitting to %s... (Esc stops waiting)", tui_spinner(t),
                 t->target.live ? "AWS" : "the simulator");
    } else {
        for (int i = 0; i < R.result_count && nblk < 10; i++) {
            blk[nblk].role = R.result_role[i];
            snprintf(blk[nblk++].text, sizeof(blk[0].text), "%s", R.result[i]);
        }
    }
    int extra = 0;
    for (int i = 0; i < nblk; i++) {
        const char *st[4];
        size_t ln[4];
        size_t n = ui_wrap(blk[i].text, wd - 4, st, ln, 4);
        extra += n > 4 ? 4 : (int)n;
    }
    int bottom = 2;
    int json_top = 2;
    R.view_h = h - 2 - json_top - extra - bottom;
    if (R.view_h < 1)
        R.view_h = 1;
    int max_first = R.line_count > R.view_h ? R.line_count - R.view_h : 0;
    if (R.first > max_first)
        R.first = max_first;
    for (int i = 0; i < R.view_h && R.first + i < R.line_count; i++)
        ui_put_span(w, json_top + i, 2, wd - 4, ROLE_NORMAL,
                    R.lines[R.first + i], R.lens[R.first + i]);
    if (R.line_count > R.view_h) {
        char pos[48];
        snprintf(pos, sizeof(pos), " lines %d-%d of %d ", R.first + 1,
                 R.first + R.view_h, R.line_count);
        ui_put(w, json_top + R.view_h, wd - 2 - ui_width(pos), ui_width(pos),
               ROLE_DIM, pos, false);
    }
    int y = h - 2 - bottom - extra + 1;
    for (int i = 0; i < nblk; i++) {
        const char *st[4];
        size_t ln[4];
        size_t n = ui_wrap(blk[i].text, wd - 4, st, ln, 4);
        for (size_t k = 0; k < n && k < 4; k++)
            ui_put_span(w, y++, 2, wd - 4, blk[i].role, st[k], ln[k]);
    }
    /* Buttons, right-aligned. */
    int bx = wd - 2;
    for (int b = BTN_COUNT - 1; b >= 0; b--) {
        if (R.state == ST_DONE && b == BTN_SUBMIT && R.ok)
            continue;
        char label[40];
        snprintf(label, sizeof(label), "[ %s ]", button_names[b]);
        int lw = ui_width(label);
        bx -= lw + 2;
        bool disabled = (b == BTN_SUBMIT && errors) || R.state == ST_SENDING;
        enum tui_role role = b == R.button && R.state != ST_SENDING ? ROLE_FOCUS
                             : disabled                             ? ROLE_DIM
                                        : ROLE_NORMAL;
        ui_put(w, h - 2, bx, lw, role, label, false);
    }
    wnoutrefresh(w);
}

static void activate(struct tui *t)
{
    switch (R.button) {
    case BTN_SUBMIT:
        if (R.state == ST_DONE && R.ok)
            return;
        submit(t);
        return;
    case BTN_SAVE:
        tui_save(t);
        return;
    default:
        tui_pop(t);
        return;
    }
}

static void handle(struct tui *t, enum tui_action a, const struct tui_input *in)
{
    (void)in;
    if (R.state == ST_SENDING) {
        if (a == ACT_BACK) {
            abandon();
            R.state = ST_REVIEW;
            tui_busy(t, false);
            tui_message(t, MSG_WARNING,
                        "stopped waiting: the request may still reach the "
                        "service; submitting again with the same "
                        "ClientRequestToken cannot create a second task");
        } else if (a == ACT_QUIT) {
            tui_message(t, MSG_INFO,
                        "a submission is in flight: Esc stops "
                        "waiting first");
        }
        return;
    }
    switch (a) {
    case ACT_BACK:
        tui_pop(t);
        return;
    case ACT_NEXT:
    case ACT_RIGHT:
        R.button = (R.button + 1) % BTN_COUNT;
        return;
    case ACT_PREV:
    case ACT_LEFT:
        R.button = (R.button + BTN_COUNT - 1) % BTN_COUNT;
        return;
    case ACT_ENTER:
        activate(t);
        return;
    case ACT_SUBMIT:
        R.button = BTN_SUBMIT;
        submit(t);
        return;
    case ACT_SAVE:
        tui_save(t);
        return;
    case ACT_UP:
        R.first = R.first > 0 ? R.first - 1 : 0;
        return;
    case ACT_DOWN:
        R.first++;
        return;
    case ACT_PAGE_UP:
        R.first = R.first > R.view_h ? R.first - R.view_h : 0;
        return;
    case ACT_PAGE_DOWN:
        R.first += R.view_h;
        return;
    case ACT_HOME:
        R.first = 0;
        return;
    case ACT_END:
        R.first = R.line_count;
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
}

static void status(struct tui *t, char *buf, size_t size,
                   enum tui_msg_kind *kind)
{
    (void)t;
    *kind = MSG_INFO;
    snprintf(buf, size,
             "exactly what will be sent: Enter on Submit sends "
             "it, Esc goes back to edit");
}

static const struct tui_keymap keymap = { .name = "review" };
static const enum tui_action hints[] = { ACT_HELP,  ACT_SAVE, ACT_SUBMIT,
                                         ACT_ENTER, ACT_BACK, ACT_QUIT };

const struct tui_screen review_screen = {
    .name = "review",
    .keymap = &keymap,
    .hints = hints,
    .hint_count = sizeof(hints) / sizeof(hints[0]),
    .enter = enter,
    .leave = leave,
    .layout = layout,
    .draw = draw,
    .handle = handle,
    .tick = tick,
    .status = status,
    .counts = true,
};
