/*
 * Review and submit (F9): the exact JSON that goes out and where it goes;
 * Submit sends it through core/backend.h on a thread of its own (the
 * screen keeps drawing, Esc stops waiting), then shows the Arn and Id or
 * the error in plain words with what to do next. In update mode (a task
 * edited from the tasks screen) the same screen shows the diff against
 * the task and sends only the changed members with UpdateFuotaTask.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/advice.h"
#include "tui/app.h"
#include "tui/dialog.h"
#include "tui/job.h"
#include "tui/ui.h"

enum button { BTN_SUBMIT, BTN_SAVE, BTN_BACK, BTN_COUNT };
static const char *const button_names[BTN_COUNT] = { "Submit", "Save as…",
                                                     "Back" };

enum state { ST_REVIEW, ST_SENDING, ST_DONE };

/* One submission, handed to its thread (tui/job.h). The thread owns
 * nothing of the console: it gets a copy of the request and writes only
 * here. update_id set: UpdateFuotaTask of that task with `request` as
 * the changes. */
struct submission {
    struct backend *backend;
    struct fuota_task request;
    char *update_id;
    struct backend_created created;
    struct backend_error error;
    enum backend_status status;
};

#define JSON_LINES_MAX 4096

static struct {
    WINDOW *win;
    enum state state;
    int button;
    char *json;
    const char *lines[JSON_LINES_MAX];
    size_t lens[JSON_LINES_MAX];
    enum tui_role roles[JSON_LINES_MAX];
    int line_count, first, view_h;
    char note[300];
    struct job *job; /* the submission in flight or just answered */
    /* update mode: what differs from the task */
    bool update;
    struct task_update diff;
    /* the result */
    bool ok;
    char result[8][400];
    enum tui_role result_role[8];
    int result_count;
} R;

static void submit_run(void *arg)
{
    struct submission *j = arg;
    if (j->update_id)
        j->status = backend_update_task(j->backend, j->update_id, &j->request,
                                        &j->error);
    else
        j->status = backend_create_task(j->backend, &j->request, &j->created,
                                        &j->error);
}

static void submission_free(void *arg)
{
    struct submission *j = arg;
    task_cleanup(&j->request);
    free(j->update_id);
    free(j);
}

/* Stops waiting for the job in flight: it finishes on its own. */
static void abandon(void)
{
    job_abandon(R.job);
    R.job = NULL;
}

/* Splits R.json into lines from line `from` on, in `role`. */
static void split_json(int from, enum tui_role role)
{
    R.line_count = from;
    const char *p = R.json;
    while (p && *p && R.line_count < JSON_LINES_MAX) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        R.lines[R.line_count] = p;
        R.lens[R.line_count] = n;
        R.roles[R.line_count] = role;
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
    char token[TASK_NEW_TOKEN_SIZE];
    task_new_token(token);
    if (model_set_text(&t->model, F_TOKEN, token)) {
        tui_model_changed(t);
        snprintf(R.note, sizeof(R.note),
                 "ClientRequestToken %s was added: a retry or a second "
                 "submit then gives back the same task instead of a new one",
                 token);
    }
}

/* Update mode: the diff, one line a member, then the body. */
#define DIFF_TEXT_MAX (TASK_UPDATE_LINES_MAX * 2 * TASK_UPDATE_VALUE_MAX + 512)
static char diff_text[DIFF_TEXT_MAX];

static int diff_lines(void)
{
    size_t used = 0;
    int n = 0;
    const struct task_update *u = &R.diff;
    diff_text[0] = '\0';
    R.lines[n] = diff_text;
    used += (size_t)snprintf(
        diff_text, sizeof(diff_text), "%zu member%s changed%s", u->changed,
        u->changed == 1 ? "" : "s",
        u->changed ? " (only these are sent)" : ": nothing to send");
    R.lens[n] = used;
    R.roles[n++] = ROLE_TITLE;
    for (size_t i = 0; i < u->count && used + 1 < sizeof(diff_text); i++) {
        const struct task_update_line *l = &u->lines[i];
        const char *start = diff_text + used + 1;
        int w = 0;
        if (l->kind == TASK_UPDATE_CHANGED)
            w = snprintf(diff_text + used + 1, sizeof(diff_text) - used - 1,
                         "  %s %-20s %s %s %s", ui_glyph(GLYPH_RIGHT),
                         l->member, l->before[0] ? l->before : "(not set)",
                         ui_glyph(GLYPH_ARROW), l->after);
        else if (l->kind == TASK_UPDATE_KEPT)
            w = snprintf(diff_text + used + 1, sizeof(diff_text) - used - 1,
                         "  %s %-20s kept as %s: UpdateFuotaTask cannot "
                         "remove a member",
                         ui_glyph(GLYPH_WARNING), l->member, l->before);
        else
            w = snprintf(diff_text + used + 1, sizeof(diff_text) - used - 1,
                         "  %s %-20s not sent (%s): UpdateFuotaTask has no "
                         "such member",
                         ui_glyph(GLYPH_WARNING), l->member, l->after);
        if (w < 0)
            break;
        size_t room = sizeof(diff_text) - used - 2;
        size_t len = (size_t)w < room ? (size_t)w : room;
        R.lines[n] = start;
        R.lens[n] = len;
        R.roles[n++] =
            l->kind == TASK_UPDATE_CHANGED ? ROLE_NORMAL : ROLE_FIELD_WARNING;
        used += len + 1;
    }
    R.lines[n] = "";
    R.lens[n] = 0;
    R.roles[n++] = ROLE_NORMAL;
    return n;
}

static void refresh_json(struct tui *t)
{
    free(R.json);
    task_update_cleanup(&R.diff);
    R.update = t->model.update_id != NULL;
    if (R.update && !model_update_diff(&t->model, &R.diff)) {
        R.json = NULL;
        R.line_count = 0;
        tui_message(t, MSG_ERROR, "out of memory");
        return;
    }
    R.json = task_to_json(R.update ? &R.diff.changes : &t->model.task, true);
    split_json(R.update ? diff_lines() : 0, ROLE_NORMAL);
}

static void enter(struct tui *t)
{
    R.state = ST_REVIEW;
    R.first = 0;
    R.result_count = 0;
    R.note[0] = '\0';
    /* An update has no ClientRequestToken to add. */
    if (!t->model.update_id)
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
    task_update_cleanup(&R.diff);
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

/* An update went through: back to the tasks screen, naming the change. */
static void updated(struct tui *t, const struct submission *j)
{
    char text[TUI_MSG_MAX];
    size_t used =
        (size_t)snprintf(text, sizeof(text), "task %s updated:", j->update_id);
    for (size_t i = 0; i < R.diff.count && used < sizeof(text); i++)
        if (R.diff.lines[i].kind == TASK_UPDATE_CHANGED)
            used += (size_t)snprintf(text + used, sizeof(text) - used, " %s",
                                     R.diff.lines[i].member);
    tui_pop(t);
    tui_end_update(t, text);
}

static void collect(struct tui *t)
{
    struct submission *j = job_arg(R.job);
    R.state = ST_DONE;
    R.result_count = 0;
    tui_busy(t, false);
    const char *where = t->target.live ? "AWS" : "the simulator";
    if (j->status == BACKEND_OK && j->update_id) {
        updated(t, j);
        return;
    }
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
        const char *what = j->update_id ? "updated" : "created";
        char line[BACKEND_MESSAGE_MAX + 200];
        struct advice adv;
        tui_explain(j->update_id ? TUI_OP_UPDATE : TUI_OP_CREATE, &j->error,
                    &adv);
        result(ROLE_FIELD_ERROR, "%s Not %s: %s", ui_glyph(GLYPH_ERROR), what,
               adv.title);
        result(ROLE_NORMAL, "%s", adv.text);
        backend_error_format(&j->error, line, sizeof(line));
        result(ROLE_DIM, "the service said: %s", line);
        tui_message(t, MSG_ERROR, "not %s: %s", what,
                    backend_status_help(j->status));
    }
    R.button = BTN_BACK;
}

static void tick(struct tui *t)
{
    if (R.state == ST_SENDING && R.job && job_done(R.job))
        collect(t);
}

static void start_submit(struct tui *t)
{
    job_free(R.job);
    R.job = NULL;
    struct submission *j = calloc(1, sizeof(*j));
    if (!j) {
        tui_message(t, MSG_ERROR, "out of memory");
        return;
    }
    j->backend = t->target.backend;
    const struct fuota_task *body = R.update ? &R.diff.changes : &t->model.task;
    if (!task_copy(&j->request, body) ||
        (R.update && !(j->update_id = strdup(t->model.update_id)))) {
        submission_free(j);
        tui_message(t, MSG_ERROR, "out of memory");
        return;
    }
    R.job = job_start(submit_run, j, submission_free);
    if (!R.job) {
        tui_message(t, MSG_ERROR, "could not start the submission");
        return;
    }
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

/* An update is always asked about: it changes a task that exists. */
static void ask_update(struct tui *t)
{
    if (!R.diff.changed) {
        tui_message(t, MSG_WARNING,
                    "nothing to send: no member differs from task %s (Esc "
                    "goes back to edit)",
                    t->model.update_id);
        return;
    }
    char members[400] = "";
    size_t used = 0;
    for (size_t i = 0; i < R.diff.count && used < sizeof(members); i++)
        if (R.diff.lines[i].kind == TASK_UPDATE_CHANGED)
            used +=
                (size_t)snprintf(members + used, sizeof(members) - used, "%s%s",
                                 used ? ", " : "", R.diff.lines[i].member);
    char q[1024];
    snprintf(q, sizeof(q), "Update task %s on %s?\nSends %zu member%s: %s.",
             t->model.update_id,
             t->target.live ? "AWS (the live service)" : "the simulator",
             R.diff.changed, R.diff.changed == 1 ? "" : "s", members);
    dialog_confirm_ex(t, "Update the task", q, !t->target.live, t->target.live,
                      live_answer);
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
    if (R.update) {
        ask_update(t);
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
    snprintf(title, sizeof(title), "Review %s %s %s %s %s", ui_glyph(GLYPH_DOT),
             R.update ? "UpdateFuotaTask" : "CreateFuotaTask",
             ui_glyph(GLYPH_ARROW),
             ui_glyph(t->target.live ? GLYPH_LIVE : GLYPH_SIM),
             t->target.live ? "LIVE" : "SIMULATOR");
    ui_box(w, title, NULL);
    char post[BACKEND_ID_MAX + 400];
    if (R.update)
        snprintf(post, sizeof(post), "PATCH /fuota-tasks/%s   %s %s",
                 t->model.update_id, ui_glyph(GLYPH_ARROW),
                 t->target.detail ? t->target.detail : "");
    else
        snprintf(post, sizeof(post), "POST /fuota-tasks   %s %s",
                 ui_glyph(GLYPH_ARROW),
                 t->target.detail ? t->target.detail : "");
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
                 "%s %s to %s... (Esc stops waiting)", tui_spinner(t),
                 R.update ? "Updating" : "Submitting",
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
        ui_put_span(w, json_top + i, 2, wd - 4, R.roles[R.first + i],
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
            if (R.update)
                tui_message(t, MSG_WARNING,
                            "stopped waiting: the update may still reach the "
                            "service (the tasks screen shows the task as it "
                            "is)");
            else
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
    case ACT_TASKS:
        /* After a submit the new task is one key away. */
        if (!R.update) {
            tui_pop(t);
            tui_push(t, &tasks_screen);
        }
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
