/*
 * The tasks screen (F3): the tasks on the target as a table (name, id,
 * status, created, region, fragment size, redundancy), read page by page
 * as the cursor nears the end, each row's GetFuotaTask fetched for the
 * rows in view; Enter opens one task (tui/task_view.c). The actions are
 * tui/task_actions.c's. Also what both screens draw alike.
 */
#include "tui/tasks.h"

#include <stdio.h>
#include <string.h>

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
    [COL_NAME] = { "NAME", 10, 20, 0, false },
    [COL_ID] = { "ID", 9, 36, 0, false },
    [COL_STATUS] = { "STATUS", 22, 22, 0, false },
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
    char retry_id[BACKEND_ID_MAX + 1];  /* R on the list: once it is read */
    bool busy;                          /* tui_busy held */
} L;

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

/* --- the list screen --------------------------------------------------------
 */

static void copy_id(char *dst, const char *src)
{
    snprintf(dst, BACKEND_ID_MAX + 1, "%s", src ? src : "");
}

void tasks_select(const char *id)
{
    copy_id(L.cursor_id, id);
}

void tasks_subject_open(struct tasks_subject *out)
{
    const struct taskset_open *o = &tasks_set.open;
    memset(out, 0, sizeof(*out));
    out->id = o->id[0] ? o->id : NULL;
    if (!o->loaded)
        return;
    out->name = o->task.name;
    out->task = &o->task;
    out->devices = o->devices;
    out->device_count = o->device_count;
    out->devices_read = true;
    out->devices_cut = o->truncated;
}

/* R on the list opens the task; the retry is asked once its devices are
 * read (or forgotten when they cannot be). */
static void retry_when_read(struct tui *t)
{
    const struct taskset_open *o = &tasks_set.open;
    if (!L.retry_id[0])
        return;
    if (strcmp(o->id, L.retry_id) != 0 ||
        (!o->loaded && tasks_set.fail.status != BACKEND_OK &&
         tasks_set.fail_op == TUI_OP_GET)) {
        L.retry_id[0] = '\0';
        return;
    }
    if (!o->loaded || o->stale)
        return;
    L.retry_id[0] = '\0';
    struct tasks_subject s;
    tasks_subject_open(&s);
    tasks_action(t, ACT_RETRY_TASK, &s);
}

/* The cursor stays on its task; one not (yet) listed keeps the place
 * (a task just created shows up with the next read). */
static void follow_cursor(void)
{
    const struct taskset *s = &tasks_set;
    size_t i = L.cursor_id[0] ? taskset_find(s, L.cursor_id) : s->count;
    if (i < s->count)
        L.cursor = i;
    if (s->count && L.cursor >= s->count)
        L.cursor = s->count - 1;
    if (!s->count)
        L.cursor = 0;
    if (s->count && !L.cursor_id[0])
        copy_id(L.cursor_id, s->rows[L.cursor].id);
}

static void tick(struct tui *t)
{
    struct taskset_result r;
    unsigned long before = tasks_set.version;
    if (taskset_tick(&tasks_set, &r)) {
        tasks_answered(t, &r);
        taskset_result_cleanup(&r);
    }
    bool busy = taskset_busy(&tasks_set);
    if (busy != L.busy) {
        tui_busy(t, busy);
        L.busy = busy;
    }
    if (tasks_set.version != before) {
        follow_cursor();
        retry_when_read(t);
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
    if (!s->backend)
        ui_put(w, y, 2, width, ROLE_DIM,
               "No target to list the tasks of (F8 chooses one).", false);
    else if (!s->listed && s->fail.status == BACKEND_OK)
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
        a = ACT_PLAY_TASK;
        break;
    case ACT_RETRY_TASK:
        /* The retry needs the task's devices: its own screen reads them. */
        if (!selected()) {
            tui_message(t, MSG_INFO, "no task selected");
            return;
        }
        copy_id(L.retry_id, selected()->id);
        taskset_open(&tasks_set, selected()->id);
        tui_push(t, &task_screen);
        return;
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
    ACT_DETAILS,    ACT_START_TASK, ACT_UPDATE,     ACT_DELETE,
    ACT_ADD_DEVICE, ACT_ADD_GROUP,  ACT_REFRESH,    ACT_PLAY_TASK,
    ACT_BACK,       ACT_HELP,       ACT_RETRY_TASK,
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
