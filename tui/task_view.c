/*
 * One task (Enter on the tasks screen): every GetFuotaTask field, its
 * wireless devices with each one's FuotaDeviceStatus, and its multicast
 * groups, as one scrolled list whose cursor walks the devices and groups
 * (A and G act on the one under it). The data comes from tasks_set's open
 * task, read off the UI thread and again every second while the task is
 * in a session; the actions are tui/tasks.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/outcome.h"
#include "tui/tasks.h"
#include "tui/ui.h"

enum line_kind { LINE_FIELD, LINE_HEAD, LINE_DEVICE, LINE_GROUP, LINE_BLANK };

struct line {
    enum line_kind kind;
    size_t index; /* the field, device or group */
};

/* The GetFuotaTask fields, in the service model's order. */
enum field {
    FLD_ARN,
    FLD_ID,
    FLD_STATUS,
    FLD_NAME,
    FLD_DESCRIPTION,
    FLD_REGION,
    FLD_START,
    FLD_IMAGE,
    FLD_ROLE,
    FLD_CREATED,
    FLD_REDUNDANCY,
    FLD_SIZE,
    FLD_INTERVAL,
    FLD_DESCRIPTOR,
    FLD_COUNT
};

static const char *const field_labels[FLD_COUNT] = {
    [FLD_ARN] = "Arn",
    [FLD_ID] = "Id",
    [FLD_STATUS] = "Status",
    [FLD_NAME] = "Name",
    [FLD_DESCRIPTION] = "Description",
    [FLD_REGION] = "LoRaWAN.RfRegion",
    [FLD_START] = "LoRaWAN.StartTime",
    [FLD_IMAGE] = "FirmwareUpdateImage",
    [FLD_ROLE] = "FirmwareUpdateRole",
    [FLD_CREATED] = "CreatedAt",
    [FLD_REDUNDANCY] = "RedundancyPercent",
    [FLD_SIZE] = "FragmentSizeBytes",
    [FLD_INTERVAL] = "FragmentIntervalMS",
    [FLD_DESCRIPTOR] = "Descriptor",
};

#define LABEL_W 21

static struct {
    WINDOW *win;
    struct line *lines;
    size_t count, cap;
    size_t cursor; /* a device or group line; count = none */
    size_t first;
    int view_h;
    /* the device or group under the cursor, followed across reads */
    enum line_kind sel_kind;
    char sel_id[BACKEND_ID_MAX + 1];
} V;

static bool add_line(enum line_kind kind, size_t index)
{
    if (V.count == V.cap) {
        size_t cap = V.cap ? V.cap * 2 : 64;
        struct line *l = realloc(V.lines, cap * sizeof(*l));
        if (!l)
            return false;
        V.lines = l;
        V.cap = cap;
    }
    V.lines[V.count++] = (struct line){ kind, index };
    return true;
}

static const char *line_id(const struct line *l)
{
    const struct taskset_open *o = &tasks_set.open;
    if (l->kind == LINE_DEVICE)
        return o->devices[l->index].id;
    if (l->kind == LINE_GROUP)
        return o->groups[l->index];
    return NULL;
}

static bool selectable(const struct line *l)
{
    return l->kind == LINE_DEVICE || l->kind == LINE_GROUP;
}

/* Lines from the open task; the cursor stays on its device or group. */
static void build(void)
{
    const struct taskset_open *o = &tasks_set.open;
    V.count = 0;
    if (!o->loaded)
        return;
    bool ok = true;
    for (size_t f = 0; f < FLD_COUNT; f++)
        ok = ok && add_line(LINE_FIELD, f);
    ok = ok && add_line(LINE_BLANK, 0) && add_line(LINE_HEAD, 0);
    for (size_t i = 0; i < o->device_count; i++)
        ok = ok && add_line(LINE_DEVICE, i);
    ok = ok && add_line(LINE_BLANK, 0) && add_line(LINE_HEAD, 1);
    for (size_t i = 0; i < o->group_count; i++)
        ok = ok && add_line(LINE_GROUP, i);
    size_t cursor = V.count, first_sel = V.count;
    for (size_t i = 0; i < V.count; i++) {
        if (!selectable(&V.lines[i]))
            continue;
        if (first_sel == V.count)
            first_sel = i;
        if (V.sel_id[0] && V.lines[i].kind == V.sel_kind &&
            strcmp(line_id(&V.lines[i]), V.sel_id) == 0)
            cursor = i;
    }
    V.cursor = cursor < V.count ? cursor : first_sel;
}

static void remember(void);

static void remember(void)
{
    V.sel_id[0] = '\0';
    if (V.cursor < V.count) {
        V.sel_kind = V.lines[V.cursor].kind;
        snprintf(V.sel_id, sizeof(V.sel_id), "%s", line_id(&V.lines[V.cursor]));
    }
}

static void field_text(const struct backend_task *k, enum field f, char *buf,
                       size_t size)
{
    const char *s = NULL;
    buf[0] = '\0';
    switch (f) {
    case FLD_ARN:
        s = k->arn;
        break;
    case FLD_ID:
        s = k->id;
        break;
    case FLD_STATUS: {
        enum tui_role role;
        snprintf(buf, size, "%s %s", tasks_status_glyph(k->status, &role),
                 backend_task_status_name(k->status));
        return;
    }
    case FLD_NAME:
        s = k->name;
        break;
    case FLD_DESCRIPTION:
        s = k->description;
        break;
    case FLD_REGION:
        s = k->rf_region;
        break;
    case FLD_START:
        if (k->has_start_time)
            backend_time_format(k->start_time, buf, size);
        return;
    case FLD_IMAGE:
        s = k->firmware_update_image;
        break;
    case FLD_ROLE:
        s = k->firmware_update_role;
        break;
    case FLD_CREATED:
        backend_time_format(k->created_at, buf, size);
        return;
    case FLD_REDUNDANCY:
        if (k->has_redundancy_percent)
            snprintf(buf, size, "%d", (int)k->redundancy_percent);
        return;
    case FLD_SIZE:
        if (k->has_fragment_size_bytes)
            snprintf(buf, size, "%d", (int)k->fragment_size_bytes);
        return;
    case FLD_INTERVAL:
        if (k->has_fragment_interval_ms)
            snprintf(buf, size, "%d", (int)k->fragment_interval_ms);
        return;
    case FLD_DESCRIPTOR:
        s = k->descriptor;
        break;
    default:
        return;
    }
    snprintf(buf, size, "%s", s ? s : "");
}

/* "Wireless devices (3)  ✓ 2 Successful · ○ 1 Initial" */
static void devices_head(char *buf, size_t size)
{
    const struct taskset_open *o = &tasks_set.open;
    size_t counts[BACKEND_DEVICE_STATUS_COUNT] = { 0 };
    for (size_t i = 0; i < o->device_count; i++)
        if ((unsigned)o->devices[i].status < BACKEND_DEVICE_STATUS_COUNT)
            counts[o->devices[i].status]++;
    size_t used = (size_t)snprintf(buf, size, "Wireless devices (%zu%s)",
                                   o->device_count, o->truncated ? "+" : "");
    bool first = true;
    for (int s = 0; s < BACKEND_DEVICE_STATUS_COUNT && used < size; s++) {
        if (!counts[s])
            continue;
        enum tui_role role;
        used += (size_t)snprintf(
            buf + used, size - used, "%s%s %zu %s", first ? "  " : " · ",
            tasks_device_glyph((enum backend_device_status)s, &role), counts[s],
            backend_device_status_name((enum backend_device_status)s));
        first = false;
    }
    if (!o->device_count && used < size)
        snprintf(buf + used, size - used, "  none: a associates one");
}

static void draw_line(WINDOW *w, int y, int x, int width, const struct line *l,
                      bool focus)
{
    const struct taskset_open *o = &tasks_set.open;
    char text[4096];
    enum tui_role role = ROLE_NORMAL;
    switch (l->kind) {
    case LINE_BLANK:
        return;
    case LINE_HEAD:
        if (l->index == 0)
            devices_head(text, sizeof(text));
        else if (o->group_count)
            snprintf(text, sizeof(text), "Multicast groups (%zu)",
                     o->group_count);
        else
            snprintf(text, sizeof(text),
                     "Multicast groups (0)  none: g associates one");
        ui_put(w, y, x, width, ROLE_TITLE, text, false);
        return;
    case LINE_FIELD:
        ui_put(w, y, x, LABEL_W, ROLE_DIM, field_labels[l->index], true);
        field_text(&o->task, (enum field)l->index, text, sizeof(text));
        if (l->index == FLD_STATUS)
            tasks_status_glyph(o->task.status, &role);
        ui_put(w, y, x + LABEL_W, width - LABEL_W, role, text, false);
        return;
    case LINE_DEVICE: {
        const struct backend_device *d = &o->devices[l->index];
        enum tui_role base = tasks_row_start(w, y, x, width, focus);
        ui_put(w, y, x + 1, LABEL_W + 16, base, d->id, false);
        const char *g = tasks_device_glyph(d->status, &role);
        snprintf(text, sizeof(text), "%s %s", g,
                 backend_device_status_name(d->status));
        int dx = x + 1 + LABEL_W + 17;
        if (dx < x + width)
            ui_put(w, y, dx, x + width - dx, focus ? base : role, text, false);
        return;
    }
    case LINE_GROUP: {
        enum tui_role base = tasks_row_start(w, y, x, width, focus);
        ui_put(w, y, x + 1, width - 1, base, o->groups[l->index], false);
        return;
    }
    }
}

/* The device under the cursor, or NULL. */
static const struct backend_device *cursor_device(void)
{
    if (V.cursor >= V.count || V.lines[V.cursor].kind != LINE_DEVICE)
        return NULL;
    return &tasks_set.open.devices[V.lines[V.cursor].index];
}

/* What the status of the device under the cursor means and what to do
 * (core/outcome), for a device that has an outcome; NULL otherwise. */
static const struct outcome *cursor_outcome(void)
{
    const struct backend_device *d = cursor_device();
    if (!d || d->status == BACKEND_DEVICE_INITIAL)
        return NULL;
    return outcome_of(d->status);
}

#define EXPLAIN_MAX 3 /* lines of the meaning, then as many of the action */

/* "MissingFrag · delivery: <meaning>" and "to do: <action>", wrapped; the
 * number of lines drawn (or needed, when w is NULL). */
static int draw_outcome(WINDOW *w, int y, int x, int width,
                        const struct outcome *o)
{
    char head[640];
    enum tui_role role;
    const char *g = tasks_device_glyph(o->status, &role);
    snprintf(head, sizeof(head), "%s %s %s %s: %s", g,
             backend_device_status_name(o->status), ui_glyph(GLYPH_DOT),
             outcome_phase_name(o->phase), o->meaning);
    char todo[640];
    snprintf(todo, sizeof(todo), "to do: %s", o->action ? o->action : "");
    const char *texts[2] = { head, todo };
    enum tui_role roles[2] = { role, ROLE_NORMAL };
    int used = 0;
    for (int k = 0; k < 2; k++) {
        if (k == 1 && (o->success || !o->action))
            break;
        const char *starts[EXPLAIN_MAX];
        size_t lens[EXPLAIN_MAX];
        size_t n = ui_wrap(texts[k], width, starts, lens, EXPLAIN_MAX);
        if (n > EXPLAIN_MAX)
            n = EXPLAIN_MAX;
        for (size_t i = 0; i < n; i++, used++) {
            if (!w)
                continue;
            if (i + 1 == EXPLAIN_MAX && lens[i] &&
                starts[i] + lens[i] < texts[k] + strlen(texts[k]))
                ui_put(w, y + used, x, width, roles[k], starts[i], false);
            else
                ui_put_span(w, y + used, x, width, roles[k], starts[i],
                            lens[i]);
        }
    }
    return used;
}

static void draw(struct tui *t)
{
    WINDOW *w = V.win;
    if (!w)
        return;
    int h, wd;
    getmaxyx(w, h, wd);
    werase(w);
    const struct taskset_open *o = &tasks_set.open;
    build();
    remember();
    char title[BACKEND_ID_MAX + 300], right[80];
    const char *name = o->loaded && o->task.name ? o->task.name : NULL;
    snprintf(title, sizeof(title), "Task %s %s%s%s", ui_glyph(GLYPH_DOT),
             name ? name : o->id, name ? " " : "",
             name ? ui_glyph(GLYPH_DOT) : "");
    if (name) {
        size_t n = strlen(title);
        snprintf(title + n, sizeof(title) - n, " %s", o->id);
    }
    tasks_busy_note(t, right, sizeof(right));
    ui_box(w, title, right[0] ? right : NULL);
    int inner = wd - 4, x = 2;
    int fail_h = tasks_failure_lines(inner);
    V.view_h = h - 2 - (fail_h ? fail_h + 1 : 0);
    /* The outcome of the device under the cursor, under the list, when
     * the window has room for both and no failure is shown. */
    const struct outcome *oc = fail_h ? NULL : cursor_outcome();
    int oc_h = oc ? draw_outcome(NULL, 0, 0, inner, oc) : 0;
    if (oc && V.view_h - oc_h - 1 >= 6)
        V.view_h -= oc_h + 1;
    else
        oc = NULL;
    if (V.view_h < 1)
        V.view_h = 1;
    char pos[64] = "";
    if (!o->loaded) {
        if (tasks_set.fail.status == BACKEND_OK)
            ui_putf(w, 1, x, inner, ROLE_DIM, "%s Reading task %s%s",
                    tui_spinner(t), o->id, ui_glyph(GLYPH_ELLIPSIS));
    } else {
        size_t focus = V.cursor < V.count ? V.cursor : V.first;
        V.first = (size_t)layout_scroll((int)V.first, (int)focus, V.view_h,
                                        (int)V.count);
        /* Keep a few lines beyond the cursor in view (the next devices),
         * as far as the list goes. */
        size_t off = V.view_h >= 10 ? 3 : 0;
        size_t max_first =
            V.count > (size_t)V.view_h ? V.count - (size_t)V.view_h : 0;
        if (focus + off + 1 > V.first + (size_t)V.view_h)
            V.first = focus + off + 1 - (size_t)V.view_h;
        if (V.first > max_first)
            V.first = max_first;
        for (int i = 0; i < V.view_h && V.first + (size_t)i < V.count; i++)
            draw_line(w, 1 + i, x, inner, &V.lines[V.first + (size_t)i],
                      V.first + (size_t)i == V.cursor);
        size_t last = V.first + (size_t)V.view_h;
        if (V.count > (size_t)V.view_h)
            snprintf(pos, sizeof(pos), " lines %zu-%zu of %zu ", V.first + 1,
                     last < V.count ? last : V.count, V.count);
    }
    if (oc) {
        draw_outcome(w, 2 + V.view_h, x, inner, oc);
    }
    tasks_draw_bottom(w, pos, x, inner);
    wnoutrefresh(w);
}

/* Up/Down walk the devices and groups; with none they scroll. */
static void move_cursor(int step)
{
    bool any = false;
    for (size_t i = 0; i < V.count && !any; i++)
        any = selectable(&V.lines[i]);
    if (!any) {
        long f = (long)V.first + step;
        long max = (long)V.count - V.view_h;
        V.first = (size_t)(f < 0 ? 0 : f > max ? (max > 0 ? max : 0) : f);
        return;
    }
    size_t c = V.cursor < V.count ? V.cursor : 0;
    int dir = step < 0 ? -1 : 1;
    for (int n = step < 0 ? -step : step; n > 0; n--) {
        size_t i = c;
        do {
            if ((dir < 0 && i == 0) || (dir > 0 && i + 1 >= V.count)) {
                i = c;
                break;
            }
            i += (size_t)(long)dir;
        } while (!selectable(&V.lines[i]));
        if (i == c)
            break;
        c = i;
    }
    /* Up at the first device: the fields above come back into view. */
    if (dir < 0 && c == V.cursor)
        V.first = 0;
    V.cursor = c;
    remember();
}

/* The ids of the open task's devices or groups, for A / G. */
static const char **choices(bool devices, size_t *n)
{
    const struct taskset_open *o = &tasks_set.open;
    *n = devices ? o->device_count : o->group_count;
    const char **v = calloc(*n ? *n : 1, sizeof(*v));
    for (size_t i = 0; v && i < *n; i++)
        v[i] = devices ? o->devices[i].id : o->groups[i];
    return v;
}

static void act(struct tui *t, enum tui_action a)
{
    struct tasks_subject s;
    tasks_subject_open(&s);
    const char **list = NULL;
    if (a == ACT_REMOVE_DEVICE || a == ACT_REMOVE_GROUP) {
        bool devices = a == ACT_REMOVE_DEVICE;
        enum line_kind want = devices ? LINE_DEVICE : LINE_GROUP;
        if (V.cursor < V.count && V.lines[V.cursor].kind == want)
            s.item = line_id(&V.lines[V.cursor]);
        list = choices(devices, &s.choice_count);
        if (!list) {
            tui_message(t, MSG_ERROR, "out of memory");
            return;
        }
        s.choices = list;
    }
    if (!tasks_action(t, a, &s))
        tui_message(t, MSG_INFO, "not on this screen (F1 lists the keys)");
    free(list);
}

static void handle(struct tui *t, enum tui_action a, const struct tui_input *in)
{
    (void)in;
    switch (a) {
    case ACT_BACK:
        taskset_open(&tasks_set, NULL);
        tui_pop(t);
        return;
    case ACT_TASKS:
        taskset_open(&tasks_set, NULL);
        tui_pop(t);
        tui_pop(t);
        return;
    case ACT_UP:
        move_cursor(-1);
        return;
    case ACT_DOWN:
        move_cursor(1);
        return;
    case ACT_PAGE_UP:
        move_cursor(-(V.view_h > 1 ? V.view_h - 1 : 1));
        return;
    case ACT_PAGE_DOWN:
        move_cursor(V.view_h > 1 ? V.view_h - 1 : 1);
        return;
    case ACT_HOME:
        V.first = 0;
        move_cursor(-(int)V.count);
        V.first = 0;
        return;
    case ACT_END:
        move_cursor((int)V.count);
        return;
    case ACT_HELP:
        tui_push(t, &help_screen);
        return;
    case ACT_QUIT:
        t->quit = true;
        return;
    case ACT_SIMULATE:
        act(t, ACT_PLAY_TASK);
        return;
    default:
        act(t, a);
        return;
    }
}

static void enter(struct tui *t)
{
    (void)t;
    V.first = 0;
    V.cursor = 0;
    V.count = 0;
    V.sel_id[0] = '\0';
    tasks_clear_failure();
}

static void leave(struct tui *t)
{
    (void)t;
    if (V.win) {
        delwin(V.win);
        V.win = NULL;
    }
    free(V.lines);
    V.lines = NULL;
    V.count = V.cap = 0;
}

static void layout(struct tui *t, const struct tui_rect *body)
{
    (void)t;
    if (V.win)
        delwin(V.win);
    V.win = newwin(body->h, body->w, body->y, body->x);
}

static void status(struct tui *t, char *buf, size_t size,
                   enum tui_msg_kind *kind)
{
    (void)t;
    *kind = MSG_INFO;
    build(); /* the cursor as the next frame draws it */
    remember();
    const struct backend_device *d = cursor_device();
    const struct outcome *o = d ? outcome_of(d->status) : NULL;
    if (d && o && d->status != BACKEND_DEVICE_INITIAL)
        snprintf(buf, size, "device %s: %s (%s); A disassociates it", d->id,
                 backend_device_status_name(d->status), o->summary);
    else if (d)
        snprintf(buf, size, "device %s: A disassociates it", d->id);
    else if (V.cursor < V.count && V.lines[V.cursor].kind == LINE_GROUP)
        snprintf(buf, size, "group %s: G disassociates it", V.sel_id);
    else
        snprintf(buf, size,
                 "s starts, u edits, d deletes, a / g add a device / group");
}

static const struct tui_binding bindings[] = { TASKS_BINDINGS };
static const struct tui_keymap keymap = TUI_KEYMAP("task", bindings);
static const enum tui_action hints[] = {
    ACT_START_TASK,    ACT_UPDATE,    ACT_DELETE,       ACT_ADD_DEVICE,
    ACT_REMOVE_DEVICE, ACT_ADD_GROUP, ACT_REMOVE_GROUP, ACT_BACK,
    ACT_REFRESH,       ACT_PLAY_TASK, ACT_RETRY_TASK,   ACT_HELP,
};

const struct tui_screen task_screen = {
    .name = "task",
    .keymap = &keymap,
    .hints = hints,
    .hint_count = sizeof(hints) / sizeof(hints[0]),
    .enter = enter,
    .leave = leave,
    .layout = layout,
    .draw = draw,
    .handle = handle,
    .status = status,
};
