/*
 * The actions on a task, shared by the tasks screens (tui/tasks.c,
 * tui/task_view.c): each is asked about in a dialog (tui/dialog.h), then
 * handed to tasks_set (tui/taskset.h), which runs it off the UI thread;
 * the answer comes back through tasks_answered(). Also update mode (the
 * wizard on a task of the target) and the last failure, explained with
 * tui_explain above the raw AWS type and message.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/diag.h"
#include "core/limits.h"
#include "core/retry.h"
#include "tui/dialog.h"
#include "tui/tasks.h"
#include "tui/ui.h"

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
    /* a retry: the follow-up's request and devices (owned until sent) */
    struct taskset_action create;
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

#define ADVICE_LINES 3

int tasks_failure_lines(int width)
{
    enum tui_op op;
    const char *what;
    const struct backend_error *err;
    if (!failure(&op, &what, &err))
        return 0;
    struct advice adv;
    tui_explain(op, err, &adv);
    const char *starts[ADVICE_LINES];
    size_t lens[ADVICE_LINES];
    size_t n = ui_wrap(adv.text, width, starts, lens, ADVICE_LINES);
    return 2 + (n > ADVICE_LINES ? ADVICE_LINES : (int)n);
}

void tasks_draw_failure(WINDOW *w, int y, int x, int width)
{
    enum tui_op op;
    const char *what;
    const struct backend_error *err;
    if (!failure(&op, &what, &err))
        return;
    struct advice adv;
    tui_explain(op, err, &adv);
    ui_putf(w, y++, x, width, ROLE_FIELD_ERROR, "%s %s: %s",
            ui_glyph(GLYPH_ERROR), what, adv.title);
    const char *starts[ADVICE_LINES + 1];
    size_t lens[ADVICE_LINES + 1];
    size_t n = ui_wrap(adv.text, width, starts, lens, ADVICE_LINES + 1);
    for (size_t i = 0; i < n && i < ADVICE_LINES; i++) {
        if (i + 1 == ADVICE_LINES && n > ADVICE_LINES)
            ui_put(w, y++, x, width, ROLE_NORMAL, starts[i], false);
        else
            ui_put_span(w, y++, x, width, ROLE_NORMAL, starts[i], lens[i]);
    }
    char raw[BACKEND_MESSAGE_MAX + 200];
    backend_error_format(err, raw, sizeof(raw));
    ui_putf(w, y, x, width, ROLE_DIM, "the service said: %s", raw);
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
                                .start_time = P.start_time,
                                .request = P.create.request,
                                .devices = P.create.devices,
                                .device_count = P.create.device_count };
    copy_id(a.id, P.id);
    copy_id(a.item, P.item);
    if (!taskset_act(&tasks_set, &a)) {
        tui_message(t, MSG_WARNING,
                    "another action is on its way: wait for its answer");
        taskset_action_cleanup(&P.create);
        return;
    }
    /* taken over by the set */
    memset(&P.create, 0, sizeof(P.create));
    memcpy(sent_label, P.label, sizeof(sent_label));
    tasks_clear_failure();
}

static void confirmed(struct tui *t, bool yes)
{
    if (yes) {
        send(t);
        return;
    }
    taskset_action_cleanup(&P.create);
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
    /* AWS schedules a session 30 min .. 48 h ahead (core/limits.h): the
     * dialog says so before the operator confirms; the service decides. */
    struct diag_list warn;
    diag_list_init(&warn);
    (void)limits_check_schedule(P.start_time, (int64_t)time(NULL), -1.0, NULL,
                                &warn);
    ask(t, "Start the task", "Start task %s at %s?%s%s%s%s", P.label, iso,
        warn.count ? "\n" : "", warn.count ? ui_glyph(GLYPH_WARNING) : "",
        warn.count ? " " : "", warn.count ? warn.items[0].message : "");
    diag_list_cleanup(&warn);
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

/* "r-01 (MissingFrag), r-02 (MICError) and 3 more" */
static void list_devices(const struct tasks_subject *s,
                         const struct retry_plan *plan, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < plan->count && used < size; i++) {
        const struct backend_device *d = &s->devices[plan->devices[i]];
        if (i == 4) {
            snprintf(buf + used, size - used, " and %zu more", plan->count - i);
            return;
        }
        used += (size_t)snprintf(buf + used, size - used, "%s%s (%s)",
                                 i ? ", " : "", d->id,
                                 backend_device_status_name(d->status));
    }
}

/* R: the follow-up of a finished task for the devices that failed. */
static void ask_retry(struct tui *t, const struct tasks_subject *s)
{
    if (!s->task || !s->devices_read) {
        tui_message(t, MSG_INFO,
                    "task %s: its devices are still being read; R again in "
                    "a moment",
                    P.label);
        return;
    }
    if (s->devices_cut) {
        tui_message(t, MSG_WARNING,
                    "task %s has more devices than the console reads (%d): "
                    "use 'fuota tasks retry %s'",
                    P.label, TASKSET_MEMBERS_MAX, P.id);
        return;
    }
    struct retry_plan plan;
    enum retry_status rs =
        retry_plan_make(s->task, s->devices, s->device_count, &plan);
    if (rs != RETRY_OK) {
        tui_message(t, rs == RETRY_NOT_FINISHED ? MSG_WARNING : MSG_INFO,
                    "nothing to retry for task %s: %s (status %s)", P.label,
                    retry_status_message(rs),
                    backend_task_status_name(s->task->status));
        retry_plan_cleanup(&plan);
        return;
    }
    struct taskset_action *c = &P.create;
    bool ok = (c->request = calloc(1, sizeof(*c->request))) &&
              task_copy(c->request, &plan.request) &&
              (c->devices = calloc(plan.count, sizeof(*c->devices)));
    for (size_t i = 0; ok && i < plan.count; i++) {
        ok = (c->devices[i] = strdup(s->devices[plan.devices[i]].id)) != NULL;
        c->device_count += ok;
    }
    if (!ok) {
        taskset_action_cleanup(c);
        retry_plan_cleanup(&plan);
        tui_message(t, MSG_ERROR, "out of memory");
        return;
    }
    char devices[1024];
    list_devices(s, &plan, devices, sizeof(devices));
    ask(t, "Retry the failures",
        "Create task '%s' with the parameters of %s for the %zu of %zu "
        "devices that did not end Successful: %s?\nClientRequestToken %s: "
        "the same retry twice gives back the same task. No multicast group "
        "is carried over (a group would bring back its devices that "
        "succeeded).",
        plan.name, P.label, plan.count, plan.total, devices, plan.token);
    retry_plan_cleanup(&plan);
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
        { ACT_START_TASK, TASKSET_START },
        { ACT_UPDATE, TASKSET_GET },
        { ACT_DELETE, TASKSET_DELETE },
        { ACT_ADD_DEVICE, TASKSET_ASSOCIATE_DEVICE },
        { ACT_REMOVE_DEVICE, TASKSET_DISASSOCIATE_DEVICE },
        { ACT_ADD_GROUP, TASKSET_ASSOCIATE_GROUP },
        { ACT_REMOVE_GROUP, TASKSET_DISASSOCIATE_GROUP },
        { ACT_PLAY_TASK, TASKSET_GET },
        { ACT_RETRY_TASK, TASKSET_CREATE },
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
    taskset_action_cleanup(&P.create);
    memset(&P, 0, sizeof(P));
    P.kind = kinds[k].kind;
    copy_id(P.id, s->id);
    if (s->name && s->name[0])
        snprintf(P.label, sizeof(P.label), "%s (%s)", s->name, s->id);
    else
        snprintf(P.label, sizeof(P.label), "%s", s->id);
    switch (a) {
    case ACT_START_TASK: {
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
    case ACT_PLAY_TASK:
        play(t, s);
        return true;
    case ACT_RETRY_TASK:
        ask_retry(t, s);
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
    tasks_select(id);
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
    [TASKSET_CREATE] = { TUI_OP_CREATE, "created", "Retry not created" },
};

void tasks_answered(struct tui *t, const struct taskset_result *r)
{
    const struct taskset_action *a = &r->action;
    if (r->status != BACKEND_OK && a->kind == TASKSET_CREATE &&
        r->created.id[0]) {
        /* The follow-up exists; a device could not join it. */
        F.on = true;
        F.op = TUI_OP_ASSOCIATE;
        F.err = r->error;
        snprintf(F.what, sizeof(F.what),
                 "Task %s created, %zu of %zu devices associated",
                 r->created.id, r->associated, a->device_count);
        tasks_select(r->created.id);
        tui_message(t, MSG_ERROR,
                    "retry of %s: task %s created, but a device was refused "
                    "(R again completes it)",
                    sent_label, r->created.id);
        return;
    }
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
    case TASKSET_CREATE:
        tasks_select(r->created.id);
        tui_message(t, MSG_OK,
                    "task %s created with %zu device%s: the retry of %s (s "
                    "starts it)",
                    r->created.id, r->associated, r->associated == 1 ? "" : "s",
                    sent_label);
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
