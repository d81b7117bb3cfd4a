#include "tui/taskset.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui/job.h"

enum call_kind { CALL_LIST, CALL_MORE, CALL_DETAILS, CALL_OPEN, CALL_ACTION };

/* One call, handed to the worker thread: its inputs, then its answers. */
struct call {
    enum call_kind kind;
    struct backend *backend;
    enum backend_status status;
    struct backend_error error;
    /* LIST (want rows from the first page) and MORE (one page from token) */
    size_t want;
    char *token;
    struct backend_task_summary *items;
    size_t count;
    char *next_token;
    /* DETAILS */
    char **ids;
    size_t nids;
    struct backend_task *tasks;
    enum backend_status *statuses;
    /* OPEN */
    char id[BACKEND_ID_MAX + 1];
    struct backend_task task;
    struct backend_created created;
    struct backend_device *devices;
    size_t device_count;
    char **groups;
    size_t group_count;
    bool truncated;
    /* ACTION */
    struct taskset_action act;
    size_t associated;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void free_summaries(struct backend_task_summary *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(items[i].id);
        free(items[i].arn);
        free(items[i].name);
    }
    free(items);
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void free_devices(struct backend_device *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(d[i].id);
    free(d);
}

static void call_free(void *arg)
{
    struct call *c = arg;
    if (!c)
        return;
    free(c->token);
    free_summaries(c->items, c->count);
    free(c->next_token);
    free_strings(c->ids, c->nids);
    for (size_t i = 0; c->tasks && i < c->nids; i++)
        backend_task_cleanup(&c->tasks[i]);
    free(c->tasks);
    free(c->statuses);
    backend_task_cleanup(&c->task);
    free_devices(c->devices, c->device_count);
    free_strings(c->groups, c->group_count);
    taskset_action_cleanup(&c->act);
    free(c);
}

void taskset_action_cleanup(struct taskset_action *a)
{
    if (a->request) {
        task_cleanup(a->request);
        free(a->request);
        a->request = NULL;
    }
    free_strings(a->devices, a->device_count);
    a->devices = NULL;
    a->device_count = 0;
}

/* --- on the worker thread ------------------------------------------------
 */

static enum backend_status no_memory(struct call *c)
{
    return backend_error_set(&c->error, BACKEND_NO_MEMORY, "out of memory");
}

/* Moves a page's rows onto the end of c->items. */
static bool take_page(struct call *c, struct backend_task_page *p)
{
    struct backend_task_summary *items =
        realloc(c->items, (c->count + p->count + 1) * sizeof(*items));
    if (!items)
        return false;
    c->items = items;
    memcpy(items + c->count, p->items, p->count * sizeof(*items));
    c->count += p->count;
    free(p->items);
    p->items = NULL;
    p->count = 0;
    free(c->next_token);
    c->next_token = p->next_token;
    p->next_token = NULL;
    return true;
}

static enum backend_status run_list(struct call *c)
{
    do {
        struct backend_page_req req = {
            .next_token = c->kind == CALL_MORE ? c->token : c->next_token,
            .max_results = TASKSET_PAGE,
        };
        struct backend_task_page page;
        enum backend_status st =
            backend_list_tasks(c->backend, &req, &page, &c->error);
        if (st != BACKEND_OK)
            return st;
        bool ok = take_page(c, &page);
        backend_task_page_cleanup(&page);
        if (!ok)
            return no_memory(c);
    } while (c->kind == CALL_LIST && c->next_token && c->count < c->want);
    return BACKEND_OK;
}

static enum backend_status run_details(struct call *c)
{
    c->tasks = calloc(c->nids ? c->nids : 1, sizeof(*c->tasks));
    c->statuses = calloc(c->nids ? c->nids : 1, sizeof(*c->statuses));
    if (!c->tasks || !c->statuses)
        return no_memory(c);
    enum backend_status worst = BACKEND_OK;
    for (size_t i = 0; i < c->nids; i++) {
        struct backend_error err;
        c->statuses[i] =
            backend_get_task(c->backend, c->ids[i], &c->tasks[i], &err);
        /* A task gone is news for its row, not a failure of the call. */
        if (c->statuses[i] != BACKEND_OK &&
            c->statuses[i] != BACKEND_NOT_FOUND && worst == BACKEND_OK) {
            worst = c->statuses[i];
            c->error = err;
        }
    }
    return worst;
}

static enum backend_status run_open(struct call *c)
{
    enum backend_status st =
        backend_get_task(c->backend, c->id, &c->task, &c->error);
    if (st != BACKEND_OK)
        return st;
    char *token = NULL;
    do {
        struct backend_page_req req = { token, BACKEND_MAX_RESULTS_MAX };
        struct backend_device_page page;
        st = backend_list_devices(c->backend, c->id, &req, &page, &c->error);
        free(token);
        token = NULL;
        if (st != BACKEND_OK)
            return st;
        struct backend_device *d = realloc(
            c->devices, (c->device_count + page.count + 1) * sizeof(*d));
        if (!d) {
            backend_device_page_cleanup(&page);
            return no_memory(c);
        }
        c->devices = d;
        memcpy(d + c->device_count, page.items, page.count * sizeof(*d));
        c->device_count += page.count;
        page.count = 0;
        token = page.next_token;
        page.next_token = NULL;
        backend_device_page_cleanup(&page);
    } while (token && c->device_count < TASKSET_MEMBERS_MAX);
    c->truncated = token != NULL;
    free(token);
    token = NULL;
    do {
        struct backend_page_req req = { token, BACKEND_MAX_RESULTS_MAX };
        struct backend_id_page page;
        st = backend_list_groups(c->backend, c->id, &req, &page, &c->error);
        free(token);
        token = NULL;
        if (st != BACKEND_OK)
            return st;
        char **g =
            realloc(c->groups, (c->group_count + page.count + 1) * sizeof(*g));
        if (!g) {
            backend_id_page_cleanup(&page);
            return no_memory(c);
        }
        c->groups = g;
        memcpy(g + c->group_count, page.ids, page.count * sizeof(*g));
        c->group_count += page.count;
        page.count = 0;
        token = page.next_token;
        page.next_token = NULL;
        backend_id_page_cleanup(&page);
    } while (token && c->group_count < TASKSET_MEMBERS_MAX);
    c->truncated |= token != NULL;
    free(token);
    return BACKEND_OK;
}

static enum backend_status run_action(struct call *c)
{
    const struct taskset_action *a = &c->act;
    struct backend *b = c->backend;
    struct backend_error *e = &c->error;
    switch (a->kind) {
    case TASKSET_START:
        return backend_start_task(b, a->id, a->has_start_time, a->start_time,
                                  e);
    case TASKSET_DELETE:
        return backend_delete_task(b, a->id, e);
    case TASKSET_ASSOCIATE_DEVICE:
        return backend_associate_device(b, a->id, a->item, e);
    case TASKSET_DISASSOCIATE_DEVICE:
        return backend_disassociate_device(b, a->id, a->item, e);
    case TASKSET_ASSOCIATE_GROUP:
        return backend_associate_group(b, a->id, a->item, e);
    case TASKSET_DISASSOCIATE_GROUP:
        return backend_disassociate_group(b, a->id, a->item, e);
    case TASKSET_GET:
        return backend_get_task(b, a->id, &c->task, e);
    case TASKSET_CREATE: {
        struct backend_created *out = &c->created;
        enum backend_status st = backend_create_task(b, a->request, out, e);
        for (size_t i = 0; st == BACKEND_OK && i < a->device_count; i++)
            if ((st = backend_associate_device(b, out->id, a->devices[i], e)) ==
                BACKEND_OK)
                c->associated++;
        return st;
    }
    }
    return backend_error_set(e, BACKEND_VALIDATION, "unknown action");
}

static void run(void *arg)
{
    struct call *c = arg;
    switch (c->kind) {
    case CALL_LIST:
    case CALL_MORE:
        c->status = run_list(c);
        break;
    case CALL_DETAILS:
        c->status = run_details(c);
        break;
    case CALL_OPEN:
        c->status = run_open(c);
        break;
    case CALL_ACTION:
        c->status = run_action(c);
        break;
    }
}

/* --- rows -----------------------------------------------------------------
 */

static void row_cleanup(struct taskset_row *r)
{
    free(r->id);
    free(r->arn);
    free(r->name);
    backend_task_cleanup(&r->task);
    memset(r, 0, sizeof(*r));
}

static void clear_rows(struct taskset *s)
{
    for (size_t i = 0; i < s->count; i++)
        row_cleanup(&s->rows[i]);
    free(s->rows);
    s->rows = NULL;
    s->count = 0;
    free(s->next_token);
    s->next_token = NULL;
    s->listed = false;
}

static void clear_open(struct taskset_open *o)
{
    backend_task_cleanup(&o->task);
    free_devices(o->devices, o->device_count);
    free_strings(o->groups, o->group_count);
    memset(o, 0, sizeof(*o));
}

static void remove_row(struct taskset *s, size_t i)
{
    row_cleanup(&s->rows[i]);
    memmove(&s->rows[i], &s->rows[i + 1],
            (s->count - i - 1) * sizeof(s->rows[0]));
    s->count--;
}

size_t taskset_find(const struct taskset *s, const char *id)
{
    for (size_t i = 0; id && i < s->count; i++)
        if (strcmp(s->rows[i].id, id) == 0)
            return i;
    return s->count;
}

bool taskset_status_moving(enum backend_task_status st)
{
    return st == BACKEND_TASK_SESSION_WAITING ||
           st == BACKEND_TASK_IN_SESSION || st == BACKEND_TASK_DELETE_WAITING;
}

/* --- the UI side ----------------------------------------------------------
 */

void taskset_init(struct taskset *s)
{
    memset(s, 0, sizeof(*s));
    backend_error_clear(&s->fail);
}

void taskset_stop(struct taskset *s)
{
    job_abandon(s->job);
    s->job = NULL;
    s->job_is_action = false;
    if (s->act_pending)
        taskset_action_cleanup(&s->act);
    s->act_pending = false;
    s->want_more = false;
}

void taskset_cleanup(struct taskset *s)
{
    taskset_stop(s);
    clear_rows(s);
    clear_open(&s->open);
    taskset_init(s);
}

void taskset_target(struct taskset *s, struct backend *b)
{
    if (s->backend == b)
        return;
    taskset_cleanup(s);
    s->backend = b;
    s->want_refresh = true;
}

void taskset_refresh(struct taskset *s)
{
    s->want_refresh = true;
    s->hold_until_ms = 0;
    if (s->open.id[0])
        s->open.stale = true;
}

void taskset_more(struct taskset *s)
{
    if (s->listed && s->next_token)
        s->want_more = true;
}

void taskset_view(struct taskset *s, size_t first, size_t count)
{
    s->view_first = first;
    s->view_count = count;
}

void taskset_open(struct taskset *s, const char *id)
{
    if (id && *id && strcmp(id, s->open.id) == 0) {
        s->open.stale = true;
        return;
    }
    clear_open(&s->open);
    if (id && *id) {
        size_t n = strlen(id);
        if (n > BACKEND_ID_MAX)
            n = BACKEND_ID_MAX;
        memcpy(s->open.id, id, n);
        s->open.id[n] = '\0';
        s->open.stale = true;
    }
    s->version++;
}

bool taskset_act(struct taskset *s, const struct taskset_action *a)
{
    if (s->act_pending || s->job_is_action)
        return false;
    s->act = *a;
    s->act_pending = true;
    return true;
}

bool taskset_busy(const struct taskset *s)
{
    return s->job != NULL;
}

bool taskset_acting(const struct taskset *s)
{
    return s->act_pending || s->job_is_action;
}

void taskset_result_cleanup(struct taskset_result *r)
{
    backend_task_cleanup(&r->task);
}

static void failed(struct taskset *s, enum tui_op op, const struct call *c)
{
    s->fail_op = op;
    s->fail = c->error;
}

static void succeeded(struct taskset *s, enum tui_op op)
{
    if (s->fail.status != BACKEND_OK && s->fail_op == op)
        backend_error_clear(&s->fail);
}

/* The new list, keeping the details already known of the same tasks. */
static void collect_list(struct taskset *s, struct call *c)
{
    size_t n = c->count;
    struct taskset_row *rows = calloc(n + 1, sizeof(*rows));
    if (!rows) {
        backend_error_set(&c->error, BACKEND_NO_MEMORY, "out of memory");
        failed(s, TUI_OP_LIST, c);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        rows[i].id = c->items[i].id;
        rows[i].arn = c->items[i].arn;
        rows[i].name = c->items[i].name;
        size_t old = taskset_find(s, rows[i].id);
        if (old < s->count && s->rows[old].known) {
            rows[i].task = s->rows[old].task;
            backend_task_init(&s->rows[old].task);
            rows[i].known = true;
        }
        rows[i].stale = true;
    }
    free(c->items);
    c->items = NULL;
    c->count = 0;
    char *token = c->next_token;
    c->next_token = NULL;
    clear_rows(s);
    s->rows = rows;
    s->count = n;
    s->next_token = token;
    s->listed = true;
}

static void collect_more(struct taskset *s, struct call *c)
{
    struct taskset_row *rows =
        realloc(s->rows, (s->count + c->count + 1) * sizeof(*rows));
    if (!rows) {
        backend_error_set(&c->error, BACKEND_NO_MEMORY, "out of memory");
        failed(s, TUI_OP_LIST, c);
        return;
    }
    s->rows = rows;
    for (size_t i = 0; i < c->count; i++) {
        /* A task already listed (created between pages) stays once. */
        if (taskset_find(s, c->items[i].id) < s->count) {
            free(c->items[i].id);
            free(c->items[i].arn);
            free(c->items[i].name);
            continue;
        }
        struct taskset_row *r = &rows[s->count++];
        memset(r, 0, sizeof(*r));
        r->id = c->items[i].id;
        r->arn = c->items[i].arn;
        r->name = c->items[i].name;
    }
    free(c->items);
    c->items = NULL;
    c->count = 0;
    free(s->next_token);
    s->next_token = c->next_token;
    c->next_token = NULL;
}

static void collect_details(struct taskset *s, struct call *c)
{
    for (size_t i = 0; i < c->nids; i++) {
        size_t r = taskset_find(s, c->ids[i]);
        if (r == s->count)
            continue;
        if (c->statuses[i] == BACKEND_NOT_FOUND) {
            remove_row(s, r);
            continue;
        }
        if (c->statuses[i] != BACKEND_OK)
            continue;
        backend_task_cleanup(&s->rows[r].task);
        s->rows[r].task = c->tasks[i];
        backend_task_init(&c->tasks[i]);
        s->rows[r].known = true;
        s->rows[r].stale = false;
    }
}

static void collect_open(struct taskset *s, struct call *c)
{
    if (strcmp(c->id, s->open.id) != 0)
        return; /* another task was opened meanwhile */
    struct taskset_open *o = &s->open;
    if (c->status != BACKEND_OK)
        return;
    backend_task_cleanup(&o->task);
    free_devices(o->devices, o->device_count);
    free_strings(o->groups, o->group_count);
    o->task = c->task;
    backend_task_init(&c->task);
    o->devices = c->devices;
    o->device_count = c->device_count;
    o->groups = c->groups;
    o->group_count = c->group_count;
    c->devices = NULL;
    c->device_count = 0;
    c->groups = NULL;
    c->group_count = 0;
    o->truncated = c->truncated;
    o->loaded = true;
    /* The row of the list shows the same answer. */
    size_t r = taskset_find(s, o->id);
    if (r < s->count) {
        backend_task_cleanup(&s->rows[r].task);
        s->rows[r].known = backend_task_copy(&s->rows[r].task, &o->task);
        s->rows[r].stale = !s->rows[r].known;
    }
}

/* Whatever is on screen is moving: read it again in a while. */
static bool anything_moving(const struct taskset *s)
{
    if (s->open.loaded && taskset_status_moving(s->open.task.status))
        return true;
    size_t end = s->view_first + s->view_count;
    for (size_t i = s->view_first; i < end && i < s->count; i++)
        if (s->rows[i].known && taskset_status_moving(s->rows[i].task.status))
            return true;
    return false;
}

static bool collect(struct taskset *s, struct taskset_result *out)
{
    struct call *c = job_arg(s->job);
    bool action = false;
    switch (c->kind) {
    case CALL_LIST:
        if (c->status == BACKEND_OK) {
            collect_list(s, c);
            succeeded(s, TUI_OP_LIST);
        } else {
            failed(s, TUI_OP_LIST, c);
        }
        break;
    case CALL_MORE:
        if (c->status == BACKEND_OK) {
            collect_more(s, c);
            succeeded(s, TUI_OP_LIST);
        } else {
            failed(s, TUI_OP_LIST, c);
        }
        break;
    case CALL_DETAILS:
        collect_details(s, c);
        if (c->status == BACKEND_OK)
            succeeded(s, TUI_OP_GET);
        else
            failed(s, TUI_OP_GET, c);
        break;
    case CALL_OPEN:
        collect_open(s, c);
        if (c->status == BACKEND_OK)
            succeeded(s, TUI_OP_GET);
        else if (strcmp(c->id, s->open.id) == 0)
            failed(s, TUI_OP_GET, c);
        break;
    case CALL_ACTION:
        action = true;
        memset(out, 0, sizeof(*out));
        out->action = c->act;
        out->status = c->status;
        out->error = c->error;
        out->action.request = NULL;
        out->action.devices = NULL;
        out->task = c->task;
        backend_task_init(&c->task);
        out->created = c->created;
        out->associated = c->associated;
        /* Whatever the answer, the list and the open task may have
         * changed (a timeout may still have done it). */
        if (c->act.kind != TASKSET_GET)
            taskset_refresh(s);
        break;
    }
    /* Failed reads wait a while before they are tried again by
     * themselves (r asks at once). */
    if (!action && c->status != BACKEND_OK)
        s->hold_until_ms = now_ms() + TASKSET_RETRY_MS;
    job_free(s->job);
    s->job = NULL;
    s->job_is_action = false;
    s->poll_at_ms = now_ms() + TASKSET_POLL_MS;
    s->version++;
    return action;
}

static struct call *new_call(struct taskset *s, enum call_kind kind)
{
    struct call *c = calloc(1, sizeof(*c));
    if (c) {
        c->kind = kind;
        c->backend = s->backend;
        backend_task_init(&c->task);
    }
    return c;
}

/* The rows in view that need their details, as a DETAILS call. */
static struct call *details_call(struct taskset *s, bool poll)
{
    size_t end = s->view_first + s->view_count;
    if (end > s->count)
        end = s->count;
    size_t n = 0;
    for (size_t i = s->view_first; i < end; i++) {
        const struct taskset_row *r = &s->rows[i];
        if (!r->known || r->stale ||
            (poll && taskset_status_moving(r->task.status)))
            n++;
    }
    if (!n)
        return NULL;
    struct call *c = new_call(s, CALL_DETAILS);
    if (!c || !(c->ids = calloc(n, sizeof(*c->ids)))) {
        call_free(c);
        return NULL;
    }
    for (size_t i = s->view_first; i < end; i++) {
        const struct taskset_row *r = &s->rows[i];
        if (!(!r->known || r->stale ||
              (poll && taskset_status_moving(r->task.status))))
            continue;
        if (!(c->ids[c->nids] = strdup(r->id))) {
            call_free(c);
            return NULL;
        }
        c->nids++;
    }
    return c;
}

/* The next call to make, by priority; NULL when there is nothing to do. */
static struct call *next_call(struct taskset *s, bool *is_action)
{
    struct call *c = NULL;
    *is_action = false;
    if (s->act_pending) {
        if ((c = new_call(s, CALL_ACTION))) {
            c->act = s->act; /* the call owns its parts now */
            memset(&s->act, 0, sizeof(s->act));
            s->act.kind = c->act.kind;
            memcpy(s->act.id, c->act.id, sizeof(s->act.id));
            s->act_pending = false;
            *is_action = true;
        }
        return c;
    }
    if (s->want_refresh) {
        if ((c = new_call(s, CALL_LIST))) {
            c->want = s->count > TASKSET_PAGE ? s->count : TASKSET_PAGE;
            s->want_refresh = false;
            s->want_more = false;
        }
        return c;
    }
    if (s->want_more && s->next_token) {
        if ((c = new_call(s, CALL_MORE)) &&
            !(c->token = strdup(s->next_token))) {
            call_free(c);
            return NULL;
        }
        s->want_more = false;
        return c;
    }
    s->want_more = false;
    int64_t now = now_ms();
    if (now < s->hold_until_ms)
        return NULL;
    bool poll = now >= s->poll_at_ms && anything_moving(s);
    if (s->open.id[0] &&
        (s->open.stale || (poll && s->open.loaded &&
                           taskset_status_moving(s->open.task.status)))) {
        if ((c = new_call(s, CALL_OPEN))) {
            memcpy(c->id, s->open.id, sizeof(c->id));
            s->open.stale = false;
        }
        return c;
    }
    return details_call(s, poll);
}

bool taskset_tick(struct taskset *s, struct taskset_result *out)
{
    bool action = false;
    if (s->job) {
        if (!job_done(s->job))
            return false;
        action = collect(s, out);
    }
    if (!s->backend)
        return action;
    bool is_action;
    struct call *c = next_call(s, &is_action);
    if (!c)
        return action;
    s->job = job_start(run, c, call_free);
    s->job_is_action = s->job && is_action;
    if (!s->job && is_action && !action) {
        /* No thread: answer the action at once. */
        memset(out, 0, sizeof(*out));
        out->action = s->act;
        out->status = backend_error_set(&out->error, BACKEND_NO_MEMORY,
                                        "could not start a thread");
        return true;
    }
    return action;
}
