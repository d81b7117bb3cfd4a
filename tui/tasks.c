/*
 * The tasks screen (F3): the tasks on the target as a table (name, id,
 * status, created, region, fragment size, redundancy), read page by page
 * as the cursor nears the end, each row's GetFuotaTask fetched for the
 * rows in view; Enter opens one task (tui/task_view.c). The actions on a
 * task, shared by both screens, are here too: each is asked about in a
 * dialog and sent off the UI thread (tui/taskset.h); failures are
 * explained with tui_error_advice_for above the raw AWS type and message.
 */
#include "tui/tasks.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui/dialog.h"
#include "tui/table.h"
#include "tui/ui.h"

struct taskset tasks_set;

/* The columns of the table, in order. */
enum column {
    COL_NAME,
    COL_ID,
    COL_STATUS,
    COL_CREATED,
    COL_REGION,
    COL_SIZE,
    COL_REDUNDANCY,
    COL_COUNT
};

static const struct table_column columns[COL_COUNT] = {
    [COL_NAME] = { "NAME", 10, 28, 0, false },
    [COL_ID] = { "ID", 13, 36, 0, false },
    [COL_STATUS] = { "STATUS", 17, 22, 0, false },
    [COL_CREATED] = { "CREATED", 11, 16, 1, false },
    [COL_REGION] = { "REGION", 7, 8, 2, false },
    [COL_SIZE] = { "FRAG", 4, 5, 3, true },
    [COL_REDUNDANCY] = { "RED%", 4, 5, 4, true },
};

static struct {
    WINDOW *win;
    size_t cursor, first;
    int view_h;
    char cursor_id[BACKEND_ID_MAX + 1]; /* the cursor follows its task */
    bool busy;                          /* tui_busy held */
} L;

/* What a dialog is about, until its answer comes. */
static struct {
    enum taskset_act kind;
    char id[BACKEND_ID_MAX + 1];
    char label[BACKEND_ID_MAX + 300]; /* "name (id)" */
    char item[BACKEND_ID_MAX + 1];
    bool has_start_time;
    int64_t start_time;
    char choices[64][BACKEND_ID_MAX + 1];
    const char *choice_ptrs[64];
    size_t choice_count;
} P;

/* The task of the action on its way, as the messages name it. */
static char sent_label[sizeof(P.label)];

/* The last action that failed. */
static struct {
    bool on;
    enum tui_op op;
    char what[BACKEND_ID_MAX + 200];
    struct backend_error err;
} F;

/* --- shared drawing -------------------------------------------------------
 */

const char *tasks_status_glyph(enum backend_task_status s, enum tui_role *role)
{
    switch (s) {
    case BACKEND_TASK_PENDING:
        *role = ROLE_NORMAL;
        return ui_glyph(GLYPH_EMPTY);
    case BACKEND_TASK_SESSION_WAITING:
        *role = ROLE_TITLE;
        return ui_glyph(GLYPH_HALF);
    case BACKEND_TASK_IN_SESSION:
        *role = ROLE_TITLE;
        return ui_glyph(GLYPH_ARROW);
    case BACKEND_TASK_DONE:
        *role = ROLE_OK;
        return ui_glyph(GLYPH_OK);
    default:
        *role = ROLE_DIM;
        return ui_glyph(GLYPH_ERROR);
    }
}

const char *tasks_device_glyph(enum backend_device_status s,
                               enum tui_role *role)
{
    switch (s) {
    case BACKEND_DEVICE_INITIAL:
        *role = ROLE_NORMAL;
        return ui_glyph(GLYPH_EMPTY);
    case BACKEND_DEVICE_SUCCESSFUL:
        *role = ROLE_OK;
        return ui_glyph(GLYPH_OK);
    case BACKEND_DEVICE_CONFLICT:
        *role = ROLE_FIELD_WARNING;
        return ui_glyph(GLYPH_WARNING);
    default:
        *role = ROLE_FIELD_ERROR;
        return ui_glyph(GLYPH_ERROR);
    }
}

void tasks_format_created(int64_t epoch, bool wide, char *buf, size_t size)
{
    char iso[32];
    backend_time_format(epoch, iso, sizeof(iso));
    /* 2024-05-01T12:00:00Z */
    if (strlen(iso) < 16) {
        snprintf(buf, size, "%s", iso);
        return;
    }
    iso[10] = ' ';
    iso[16] = '\0';
    snprintf(buf, size, "%s", wide ? iso : iso + 5);
}

void tasks_busy_note(const struct tui *t, char *buf, size_t size)
{
    if (taskset_busy(&tasks_set))
        snprintf(buf, size, "%s %s", tui_spinner(t),
                 taskset_acting(&tasks_set) ? "sending" : "reading");
    else
        buf[0] = '\0';
}

void tasks_clear_failure(void)
{
    F.on = false;
}

/* The failure shown: the last action's, else the last read's. */
static bool failure(enum tui_op *op, const char **what,
                    const struct backend_error **err)
{
    static char read_what[64];
    if (F.on) {
        *op = F.op;
        *what = F.what;
        *err = &F.err;
        return true;
    }
    if (tasks_set.fail.status == BACKEND_OK)
        return false;
    *op = tasks_set.fail_op;
    snprintf(read_what, sizeof(read_what), "%s",
             tasks_set.fail_op == TUI_OP_LIST ? "Could not list the tasks"
                                              : "Could not read the task");
    *what = read_what;
    *err = &tasks_set.fail;
    return true;
}

#define ADVICE_LINES 2

int tasks_failure_lines(int width)
{
    enum tui_op op;
    const char *what;
    const struct backend_error *err;
    if (!failure(&op, &what, &err))
        return 0;
    const char *starts[ADVICE_LINES];
    size_t lens[ADVICE_LINES];
    size_t n = ui_wrap(tui_error_advice_for(op, err->status), width, starts,
                       lens, ADVICE_LINES);
    return 2 + (n > ADVICE_LINES ? ADVICE_LINES : (int)n);
}

void tasks_draw_failure(WINDOW *w, int y, int x, int width)
{
    enum tui_op op;
    const char *what;
    const struct backend_error *err;
    if (!failure(&op, &what, &err))
        return;
    ui_putf(w, y++, x, width, ROLE_FIELD_ERROR, "%s %s: %s",
            ui_glyph(GLYPH_ERROR), what, backend_status_help(err->status));
    const char *starts[ADVICE_LINES + 1];
    size_t lens[ADVICE_LINES + 1];
    size_t n = ui_wrap(tui_error_advice_for(op, err->status), width, starts,
                       lens, ADVICE_LINES + 1);
    for (size_t i = 0; i < n && i < ADVICE_LINES; i++) {
        if (i + 1 == ADVICE_LINES && n > ADVICE_LINES)
            ui_put(w, y++, x, width, ROLE_NORMAL, starts[i], false);
        else
            ui_put_span(w, y++, x, width, ROLE_NORMAL, starts[i], lens[i]);
    }
    char raw[BACKEND_MESSAGE_MAX + 200];
    backend_error_format(err, raw, sizeof(raw));
    ui_put(w, y, x, width, ROLE_DIM, raw, false);
}

enum tui_role tasks_row_start(WINDOW *w, int y, int x, int width, bool focus)
{
    enum tui_role base = focus ? ROLE_SELECTED : ROLE_NORMAL;
    ui_fill(w, y, x - 1, width + 1, base);
    if (focus)
        ui_put(w, y, x - 1, 1, base, ui_glyph(GLYPH_RIGHT), false);
    return base;
}

void tasks_draw_bottom(WINDOW *w, const char *pos, int x, int width)
{
    int h = getmaxy(w), wd = getmaxx(w);
    if (pos && pos[0])
        ui_put(w, h - 1, wd - 2 - ui_width(pos), ui_width(pos), ROLE_BORDER,
               pos, false);
    int fail_h = tasks_failure_lines(width);
    if (fail_h)
        tasks_draw_failure(w, h - 1 - fail_h, x, width);
}

/* --- actions ----------------------------------------------------------------
 */

static void copy_id(char *dst, const char *src)
{
    snprintf(dst, BACKEND_ID_MAX + 1, "%s", src ? src : "");
}

static void send(struct tui *t)
{
    struct taskset_action a = { .kind = P.kind,
                                .has_start_time = P.has_start_time,
                                .start_time = P.start_time };
    copy_id(a.id, P.id);
    copy_id(a.item, P.item);
    if (!taskset_act(&tasks_set, &a)) {
        tui_message(t, MSG_WARNING,
                    "another action is on its way: wait for its answer");
        return;
    }
    memcpy(sent_label, P.label, sizeof(sent_label));
    tasks_clear_failure();
}

static void confirmed(struct tui *t, bool yes)
{
    if (yes)
        send(t);
    else
        tui_message(t, MSG_INFO, "cancelled: nothing was sent");
}

/* Every action asks first; on the live service Enter answers no. */
static void ask(struct tui *t, const char *title, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void ask(struct tui *t, const char *title, const char *fmt, ...)
{
    char q[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(q, sizeof(q), fmt, ap);
    va_end(ap);
    if (t->target.live && n >= 0 && (size_t)n < sizeof(q))
        snprintf(q + n, sizeof(q) - (size_t)n,
                 "\nThis is the live service (AWS), not the simulator.");
    bool destructive = P.kind == TASKSET_DELETE;
    dialog_confirm_ex(t, title, q, !t->target.live && !destructive,
                      t->target.live || destructive, confirmed);
}

static const char *trimmed(const char *s, char *buf, size_t size)
{
    while (*s == ' ' || *s == '\t')
        s++;
    snprintf(buf, size, "%s", s);
    size_t n = strlen(buf);
    while (n && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
        buf[--n] = '\0';
    return buf;
}

static bool start_time_done(struct tui *t, const char *const *values, char *err,
                            size_t errsize)
{
    char v[128];
    trimmed(values[0], v, sizeof(v));
    P.has_start_time = false;
    if (v[0]) {
        int64_t when;
        if (!backend_time_parse(v, &when)) {
            char example[32];
            backend_time_format((int64_t)time(NULL) + 3600, example,
                                sizeof(example));
            snprintf(err, errsize,
                     "StartTime: '%.60s' is not an ISO-8601 time such as "
                     "%s; leave it empty to start as soon as the service "
                     "can",
                     v, example);
            return false;
        }
        P.has_start_time = true;
        P.start_time = when;
    }
    if (!P.has_start_time) {
        ask(t, "Start the task",
            "Start task %s now?\nThe service schedules the session "
            "(FuotaSession_Waiting, then In_FuotaSession).",
            P.label);
        return true;
    }
    char iso[32];
    backend_time_format(P.start_time, iso, sizeof(iso));
    ask(t, "Start the task", "Start task %s at %s?%s", P.label, iso,
        P.start_time < (int64_t)time(NULL)
            ? "\nThat time has passed: the session begins at once."
            : "");
    return true;
}

static bool item_done(struct tui *t, const char *const *values, char *err,
                      size_t errsize)
{
    char v[BACKEND_ID_MAX + 8];
    trimmed(values[0], v, sizeof(v));
    bool device = P.kind == TASKSET_ASSOCIATE_DEVICE ||
                  P.kind == TASKSET_DISASSOCIATE_DEVICE;
    const char *field = device ? "WirelessDeviceId" : "MulticastGroupId";
    if (!v[0]) {
        snprintf(err, errsize, "%s: give the id (1..%d characters)", field,
                 BACKEND_ID_MAX);
        return false;
    }
    if (strlen(v) > BACKEND_ID_MAX) {
        snprintf(err, errsize, "%s: at most %d characters", field,
                 BACKEND_ID_MAX);
        return false;
    }
    copy_id(P.item, v);
    bool add =
        P.kind == TASKSET_ASSOCIATE_DEVICE || P.kind == TASKSET_ASSOCIATE_GROUP;
    ask(t, add ? "Associate" : "Disassociate", "%s %s %s %s task %s?",
        add ? "Associate" : "Disassociate",
        device ? "wireless device" : "multicast group", P.item,
        add ? "with" : "from", P.label);
    return true;
}

static void item_chosen(struct tui *t, int index)
{
    if (index < 0 || (size_t)index >= P.choice_count)
        return;
    const char *v[] = { P.choices[index] };
    char err[200];
    (void)item_done(t, v, err, sizeof(err));
}

static void ask_item(struct tui *t, const struct tasks_subject *s)
{
    bool device = P.kind == TASKSET_ASSOCIATE_DEVICE ||
                  P.kind == TASKSET_DISASSOCIATE_DEVICE;
    bool add =
        P.kind == TASKSET_ASSOCIATE_DEVICE || P.kind == TASKSET_ASSOCIATE_GROUP;
    const char *field = device ? "WirelessDeviceId" : "MulticastGroupId";
    if (!add && s->item && s->item[0]) {
        const char *v[] = { s->item };
        char err[200];
        (void)item_done(t, v, err, sizeof(err));
        return;
    }
    if (!add && s->choices) {
        if (!s->choice_count) {
            tui_message(t, MSG_INFO, "task %s has no %s to remove", P.label,
                        device ? "wireless device" : "multicast group");
            return;
        }
        P.choice_count = s->choice_count < 64 ? s->choice_count : 64;
        for (size_t i = 0; i < P.choice_count; i++) {
            copy_id(P.choices[i], s->choices[i]);
            P.choice_ptrs[i] = P.choices[i];
        }
        dialog_choose(t,
                      device ? "Disassociate which device?"
                             : "Disassociate which group?",
                      P.choice_ptrs, P.choice_count, 0, item_chosen);
        return;
    }
    char help[sizeof(P.label) + 200];
    snprintf(help, sizeof(help), "The id of the %s to %s task %s.",
             device ? "wireless device" : "multicast group",
             add ? "associate with" : "disassociate from", P.label);
    const char *labels[] = { field };
    const char *values[] = { "" };
    dialog_input(t, add ? "Associate" : "Disassociate", help, 1, labels, values,
                 item_done);
}

static void play(struct tui *t, const struct tasks_subject *s)
{
    if (!s->task) {
        tui_message(t, MSG_INFO,
                    "task %s: its details are still being read; p again "
                    "in a moment",
                    P.label);
        return;
    }
    struct fuota_task request;
    backend_task_as_request(s->task, &request);
    tui_open_playback(t, &request, 0, s->name ? s->name : s->id);
}

bool tasks_action(struct tui *t, enum tui_action a,
                  const struct tasks_subject *s)
{
    if (a == ACT_REFRESH) {
        taskset_refresh(&tasks_set);
        tasks_clear_failure();
        tui_message(t, MSG_INFO, "reading the tasks again");
        return true;
    }
    static const struct {
        enum tui_action action;
        enum taskset_act kind;
    } kinds[] = {
        { ACT_START, TASKSET_START },
        { ACT_UPDATE, TASKSET_GET },
        { ACT_DELETE, TASKSET_DELETE },
        { ACT_ADD_DEVICE, TASKSET_ASSOCIATE_DEVICE },
        { ACT_REMOVE_DEVICE, TASKSET_DISASSOCIATE_DEVICE },
        { ACT_ADD_GROUP, TASKSET_ASSOCIATE_GROUP },
        { ACT_REMOVE_GROUP, TASKSET_DISASSOCIATE_GROUP },
        { ACT_PLAY, TASKSET_GET },
    };
    size_t k = 0;
    while (k < sizeof(kinds) / sizeof(kinds[0]) && kinds[k].action != a)
        k++;
    if (k == sizeof(kinds) / sizeof(kinds[0]))
        return false;
    if (!s || !s->id) {
        tui_message(t, MSG_INFO, "no task selected");
        return true;
    }
    if (taskset_acting(&tasks_set)) {
        tui_message(t, MSG_WARNING,
                    "another action is on its way: wait for its answer");
        return true;
    }
    memset(&P, 0, sizeof(P));
    P.kind = kinds[k].kind;
    copy_id(P.id, s->id);
    if (s->name && s->name[0])
        snprintf(P.label, sizeof(P.label), "%s (%s)", s->name, s->id);
    else
        snprintf(P.label, sizeof(P.label), "%s", s->id);
    switch (a) {
    case ACT_START: {
        static const char *const labels[] = { "StartTime" };
        const char *values[] = { "" };
        char help[sizeof(P.label) + 200];
        snprintf(help, sizeof(help),
                 "Start task %s. StartTime (optional, ISO-8601 such as "
                 "2025-06-01T12:00:00Z): when the session begins; empty = "
                 "as soon as the service can.",
                 P.label);
        dialog_input(t, "Start the task", help, 1, labels, values,
                     start_time_done);
        return true;
    }
    case ACT_UPDATE:
        send(t);
        tui_message(t, MSG_INFO, "reading task %s to edit it", P.label);
        return true;
    case ACT_DELETE:
        ask(t, "Delete the task",
            "Delete task %s?\nThis cannot be undone. A task in a session "
            "shows Delete_Waiting, then is gone.",
            P.label);
        return true;
    case ACT_PLAY:
        play(t, s);
        return true;
    default:
        ask_item(t, s);
        return true;
    }
}

/* --- update mode ------------------------------------------------------------
 */

static void begin_update(struct tui *t, const struct backend_task *task)
{
    struct fuota_task request;
    backend_task_as_request(task, &request);
    struct model m;
    model_init(&m);
    /* The planning inputs carry over: the preview keeps its image. */
    bool ok =
        model_begin_update(&m, task->id, &request) &&
        model_set_text(&m, F_PLAN_IMAGE, model_text(&t->model, F_PLAN_IMAGE)) &&
        model_set_text(&m, F_PLAN_LOSS, model_text(&t->model, F_PLAN_LOSS));
    if (!ok) {
        model_cleanup(&m);
        tui_message(t, MSG_ERROR, "out of memory");
        return;
    }
    m.dirty = false;
    m.version = t->model.version + 1;
    model_refresh(&m);
    model_cleanup(&t->aside);
    t->aside = t->model;
    t->model = m;
    while (t->depth > 1 && tui_top(t) != &wizard_screen)
        tui_pop(t);
    tui_message(t, MSG_INFO,
                "editing task %s: change fields, F9 shows what changed and "
                "sends it, Esc cancels",
                task->id);
}

void tui_end_update(struct tui *t, const char *updated)
{
    if (!t->model.update_id)
        return;
    char id[BACKEND_ID_MAX + 1];
    copy_id(id, t->model.update_id);
    unsigned long version = t->model.version;
    model_cleanup(&t->model);
    t->model = t->aside;
    model_init(&t->aside);
    t->model.version = version + 1;
    while (t->depth > 1 && tui_top(t) != &wizard_screen)
        tui_pop(t);
    copy_id(L.cursor_id, id);
    tui_push(t, &tasks_screen);
    if (updated)
        tui_message(t, MSG_OK, "%s", updated);
    else
        tui_message(t, MSG_INFO, "update of task %s cancelled: nothing sent",
                    id);
}

static void discard_answer(struct tui *t, bool yes)
{
    if (yes)
        tui_end_update(t, NULL);
}

void tui_cancel_update(struct tui *t)
{
    if (!t->model.update_id)
        return;
    struct task_update diff;
    if (model_update_diff(&t->model, &diff) && diff.changed) {
        char q[600];
        snprintf(q, sizeof(q),
                 "Leave the update of task %s?\n%zu changed member%s will "
                 "not be sent.",
                 t->model.update_id, diff.changed,
                 diff.changed == 1 ? "" : "s");
        task_update_cleanup(&diff);
        dialog_confirm_ex(t, "Discard the changes?", q, false, false,
                          discard_answer);
        return;
    }
    task_update_cleanup(&diff);
    tui_end_update(t, NULL);
}

/* --- answers ----------------------------------------------------------------
 */

static const struct {
    enum tui_op op;
    const char *done, *failed;
} act_words[] = {
    [TASKSET_START] = { TUI_OP_START, "started", "Not started" },
    [TASKSET_DELETE] = { TUI_OP_DELETE, "deleted", "Not deleted" },
    [TASKSET_ASSOCIATE_DEVICE] = { TUI_OP_ASSOCIATE, "associated",
                                   "Not associated" },
    [TASKSET_DISASSOCIATE_DEVICE] = { TUI_OP_DISASSOCIATE, "disassociated",
                                      "Not disassociated" },
    [TASKSET_ASSOCIATE_GROUP] = { TUI_OP_ASSOCIATE, "associated",
                                  "Not associated" },
    [TASKSET_DISASSOCIATE_GROUP] = { TUI_OP_DISASSOCIATE, "disassociated",
                                     "Not disassociated" },
    [TASKSET_GET] = { TUI_OP_GET, "read", "Could not read the task to edit" },
};

static void answered(struct tui *t, const struct taskset_result *r)
{
    const struct taskset_action *a = &r->action;
    if (r->status != BACKEND_OK) {
        F.on = true;
        F.op = act_words[a->kind].op;
        F.err = r->error;
        snprintf(F.what, sizeof(F.what), "%s", act_words[a->kind].failed);
        tui_message(t, MSG_ERROR, "task %s: %s (%s)", sent_label,
                    backend_status_help(r->status),
                    backend_status_type(r->status));
        return;
    }
    switch (a->kind) {
    case TASKSET_GET:
        begin_update(t, &r->task);
        return;
    case TASKSET_START:
        if (a->has_start_time) {
            char iso[32];
            tui_message(t, MSG_OK, "task %s started: its session begins at %s",
                        sent_label,
                        backend_time_format(a->start_time, iso, sizeof(iso)));
        } else {
            tui_message(t, MSG_OK, "task %s started%s", sent_label,
                        t->target.live ? ""
                                       : " (p plays its session on a fleet)");
        }
        return;
    case TASKSET_DELETE:
        /* The task's own screen has nothing left to show. */
        if (tui_top(t) == &task_screen &&
            strcmp(tasks_set.open.id, a->id) == 0) {
            taskset_open(&tasks_set, NULL);
            tui_pop(t);
        }
        tui_message(t, MSG_OK, "task %s deleted", sent_label);
        return;
    default: {
        bool device = a->kind == TASKSET_ASSOCIATE_DEVICE ||
                      a->kind == TASKSET_DISASSOCIATE_DEVICE;
        bool add = a->kind == TASKSET_ASSOCIATE_DEVICE ||
                   a->kind == TASKSET_ASSOCIATE_GROUP;
        tui_message(t, MSG_OK, "%s %s %s %s task %s",
                    device ? "wireless device" : "multicast group", a->item,
                    act_words[a->kind].done, add ? "with" : "from", sent_label);
        return;
    }
    }
}

/* --- the list screen --------------------------------------------------------
 */

static void follow_cursor(void)
{
    const struct taskset *s = &tasks_set;
    if (L.cursor_id[0]) {
        size_t i = taskset_find(s, L.cursor_id);
        if (i < s->count)
            L.cursor = i;
    }
    if (s->count && L.cursor >= s->count)
        L.cursor = s->count - 1;
    if (!s->count)
        L.cursor = 0;
    if (s->count)
        copy_id(L.cursor_id, s->rows[L.cursor].id);
}

static void tick(struct tui *t)
{
    struct taskset_result r;
    unsigned long before = tasks_set.version;
    if (taskset_tick(&tasks_set, &r)) {
        answered(t, &r);
        taskset_result_cleanup(&r);
    }
    bool busy = taskset_busy(&tasks_set);
    if (busy != L.busy) {
        tui_busy(t, busy);
        L.busy = busy;
    }
    if (tasks_set.version != before) {
        follow_cursor();
        tui_want_redraw(t);
    }
}

static void enter(struct tui *t)
{
    taskset_target(&tasks_set, t->target.backend);
    taskset_refresh(&tasks_set);
    tasks_clear_failure();
}

static void leave(struct tui *t)
{
    if (L.win) {
        delwin(L.win);
        L.win = NULL;
    }
    taskset_stop(&tasks_set);
    if (L.busy) {
        tui_busy(t, false);
        L.busy = false;
    }
}

static void layout(struct tui *t, const struct tui_rect *body)
{
    (void)t;
    if (L.win)
        delwin(L.win);
    L.win = newwin(body->h, body->w, body->y, body->x);
}

static const struct taskset_row *selected(void)
{
    return L.cursor < tasks_set.count ? &tasks_set.rows[L.cursor] : NULL;
}

static void cell(WINDOW *w, int y, int left, const struct table_place *p,
                 enum column c, enum tui_role role, const char *text)
{
    if (!p[c].shown)
        return;
    int x = left + p[c].x;
    if (columns[c].right) {
        int tw = ui_width(text);
        if (tw < p[c].w)
            x += p[c].w - tw;
    }
    ui_put(w, y, x, p[c].w - (x - left - p[c].x), role, text, false);
}

static void draw_row(WINDOW *w, int y, int left, int width,
                     const struct table_place *p, const struct taskset_row *r,
                     bool focus)
{
    enum tui_role base = tasks_row_start(w, y, left, width, focus);
    cell(w, y, left, p, COL_NAME, base, r->name ? r->name : "");
    cell(w, y, left, p, COL_ID, focus ? base : ROLE_DIM, r->id);
    if (!r->known) {
        cell(w, y, left, p, COL_STATUS, focus ? base : ROLE_DIM,
             ui_glyph(GLYPH_ELLIPSIS));
        return;
    }
    const struct backend_task *k = &r->task;
    enum tui_role role;
    const char *g = tasks_status_glyph(k->status, &role);
    char text[64];
    snprintf(text, sizeof(text), "%s %s", g,
             backend_task_status_name(k->status));
    cell(w, y, left, p, COL_STATUS, focus ? base : role, text);
    tasks_format_created(k->created_at, p[COL_CREATED].w >= 16, text,
                         sizeof(text));
    cell(w, y, left, p, COL_CREATED, base, text);
    cell(w, y, left, p, COL_REGION, base, k->rf_region ? k->rf_region : "");
    snprintf(text, sizeof(text), "%d", (int)k->fragment_size_bytes);
    cell(w, y, left, p, COL_SIZE, base, k->has_fragment_size_bytes ? text : "");
    snprintf(text, sizeof(text), "%d", (int)k->redundancy_percent);
    cell(w, y, left, p, COL_REDUNDANCY, base,
         k->has_redundancy_percent ? text : "");
}

static void draw_empty(struct tui *t, WINDOW *w, int y, int width)
{
    const struct taskset *s = &tasks_set;
    if (!s->listed && s->fail.status == BACKEND_OK)
        ui_putf(w, y, 2, width, ROLE_DIM, "%s Reading the tasks%s",
                tui_spinner(t), ui_glyph(GLYPH_ELLIPSIS));
    else if (s->listed)
        ui_putf(w, y, 2, width, ROLE_DIM,
                "No tasks on %s yet. F9 in the wizard submits one; r reads "
                "the list again.",
                t->target.live ? "AWS" : "the simulator");
}

static void draw(struct tui *t)
{
    WINDOW *w = L.win;
    if (!w)
        return;
    int h, wd;
    getmaxyx(w, h, wd);
    werase(w);
    const struct taskset *s = &tasks_set;
    char title[160], right[80];
    snprintf(title, sizeof(title), "Tasks %s %s %s %s %zu%s",
             ui_glyph(GLYPH_DOT),
             ui_glyph(t->target.live ? GLYPH_LIVE : GLYPH_SIM),
             t->target.live ? "LIVE" : "SIMULATOR", ui_glyph(GLYPH_DOT),
             s->count, s->next_token ? "+" : "");
    tasks_busy_note(t, right, sizeof(right));
    ui_box(w, title, right[0] ? right : NULL);

    int inner = wd - 4, left = 2;
    struct table_place p[COL_COUNT];
    table_layout(columns, COL_COUNT, inner, 2, p);
    for (int c = 0; c < COL_COUNT; c++)
        cell(w, 1, left, p, (enum column)c, ROLE_TITLE, columns[c].title);

    int fail_h = tasks_failure_lines(inner);
    L.view_h = h - 3 - (fail_h ? fail_h + 1 : 0);
    if (L.view_h < 1)
        L.view_h = 1;
    L.first = (size_t)layout_scroll((int)L.first, (int)L.cursor, L.view_h,
                                    (int)s->count);
    taskset_view(&tasks_set, L.first, (size_t)L.view_h);
    if (!s->count)
        draw_empty(t, w, 2, inner);
    for (int i = 0; i < L.view_h && L.first + (size_t)i < s->count; i++)
        draw_row(w, 2 + i, left, inner, p, &s->rows[L.first + (size_t)i],
                 L.first + (size_t)i == L.cursor);
    char pos[64] = "";
    if (s->count)
        snprintf(pos, sizeof(pos), " %zu of %zu%s ", L.cursor + 1, s->count,
                 s->next_token ? "+" : "");
    tasks_draw_bottom(w, pos, left, inner);
    wnoutrefresh(w);
}

static void move_cursor(long step)
{
    const struct taskset *s = &tasks_set;
    if (!s->count)
        return;
    long c = (long)L.cursor + step;
    if (c < 0)
        c = 0;
    if (c >= (long)s->count)
        c = (long)s->count - 1;
    L.cursor = (size_t)c;
    copy_id(L.cursor_id, s->rows[L.cursor].id);
    /* Near the end of what is read: the next page. */
    if (L.cursor + (size_t)(L.view_h > 0 ? L.view_h : 1) >= s->count)
        taskset_more(&tasks_set);
}

static void subject_of(const struct taskset_row *r, struct tasks_subject *out)
{
    memset(out, 0, sizeof(*out));
    if (!r)
        return;
    out->id = r->id;
    out->name = r->name;
    out->task = r->known ? &r->task : NULL;
}

static void handle(struct tui *t, enum tui_action a, const struct tui_input *in)
{
    (void)in;
    switch (a) {
    case ACT_BACK:
    case ACT_TASKS:
        if (taskset_acting(&tasks_set))
            tui_message(t, MSG_WARNING,
                        "stopped waiting: the action may still reach the "
                        "service (F3 and r show the tasks as they are)");
        tui_pop(t);
        return;
    case ACT_UP:
        move_cursor(-1);
        return;
    case ACT_DOWN:
        move_cursor(1);
        return;
    case ACT_PAGE_UP:
        move_cursor(-(long)(L.view_h > 1 ? L.view_h - 1 : 1));
        return;
    case ACT_PAGE_DOWN:
        move_cursor(L.view_h > 1 ? L.view_h - 1 : 1);
        return;
    case ACT_HOME:
        move_cursor(-(long)tasks_set.count);
        return;
    case ACT_END:
        move_cursor((long)tasks_set.count);
        return;
    case ACT_DETAILS:
    case ACT_ENTER:
        if (!selected()) {
            tui_message(t, MSG_INFO, "no task selected");
            return;
        }
        taskset_open(&tasks_set, selected()->id);
        tui_push(t, &task_screen);
        return;
    case ACT_HELP:
        tui_push(t, &help_screen);
        return;
    case ACT_QUIT:
        t->quit = true;
        return;
    case ACT_SIMULATE:
        a = ACT_PLAY;
        break;
    default:
        break;
    }
    struct tasks_subject subject;
    subject_of(selected(), &subject);
    if (!tasks_action(t, a, &subject))
        tui_message(t, MSG_INFO, "not on the tasks screen (F1 lists the keys)");
}

static void status(struct tui *t, char *buf, size_t size,
                   enum tui_msg_kind *kind)
{
    *kind = MSG_INFO;
    const struct taskset_row *r = selected();
    if (!r) {
        snprintf(buf, size, "the tasks on %s; r reads them again",
                 t->target.live ? "AWS" : "the simulator");
        return;
    }
    snprintf(buf, size, "%s%s%s: Enter opens it, s starts, u edits, d deletes",
             r->name ? r->name : "", r->name ? " " : "", r->id);
}

static const struct tui_binding bindings[] = {
    { '\n', ACT_DETAILS },
    { '\r', ACT_DETAILS },
    { TUI_FN(KEY_ENTER), ACT_DETAILS },
    TASKS_BINDINGS,
};
static const struct tui_keymap keymap = TUI_KEYMAP("tasks", bindings);
static const enum tui_action hints[] = {
    ACT_DETAILS,   ACT_START,   ACT_UPDATE, ACT_DELETE, ACT_ADD_DEVICE,
    ACT_ADD_GROUP, ACT_REFRESH, ACT_PLAY,   ACT_BACK,   ACT_HELP,
};

const struct tui_screen tasks_screen = {
    .name = "tasks",
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
};
