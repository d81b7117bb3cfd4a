#ifndef FUOTA_TUI_TASKS_H
#define FUOTA_TUI_TASKS_H

/*
 * What the two tasks screens share (tui/tasks.c: the list, tui/task_view.c:
 * one task): the set of tasks they show, the actions on a task
 * (tui/task_actions.c: each asked about in a dialog, then sent through the
 * set off the UI thread), the last failure with its explanation, and how
 * statuses are drawn. UI thread only.
 */

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "core/backend.h"
#include "tui/app.h"
#include "tui/taskset.h"

/* The tasks of the current target (both screens show this one set). */
extern struct taskset tasks_set;

/* The task an action is for. */
struct tasks_subject {
    const char *id;
    const char *name;                /* NULL = none */
    const struct backend_task *task; /* its details, NULL = not known */
    const char *item;                /* the selected device or group */
    /* What A / G choose from (the open task's devices or groups). */
    const char *const *choices;
    size_t choice_count;
    /* Its devices with their FuotaDeviceStatus (R). */
    bool devices_read;
    const struct backend_device *devices;
    size_t device_count;
    bool devices_cut; /* more than were read */
};

/* The open task (tasks_set.open) as a subject, its devices included. */
void tasks_subject_open(struct tasks_subject *out);

/*
 * ACT_START_TASK, ACT_UPDATE, ACT_DELETE, ACT_ADD_DEVICE, ACT_REMOVE_DEVICE,
 * ACT_ADD_GROUP, ACT_REMOVE_GROUP, ACT_PLAY_TASK, ACT_RETRY_TASK,
 * ACT_REFRESH on a task: asks (dialogs), then sends it. ACT_RETRY_TASK
 * needs the subject's devices (core/retry.h plans the follow-up). Returns
 * false for any other action.
 */
bool tasks_action(struct tui *t, enum tui_action a,
                  const struct tasks_subject *subject);

/* Hands a finished action to the screens (messages, update mode). */
void tasks_answered(struct tui *t, const struct taskset_result *r);

/* Puts the list's cursor on task id (when it is listed). */
void tasks_select(const char *id);

/* A task status's glyph (and its role), as the table and details show. */
const char *tasks_status_glyph(enum backend_task_status s, enum tui_role *role);
const char *tasks_device_glyph(enum backend_device_status s,
                               enum tui_role *role);

/* Epoch seconds as "2024-05-01 12:00" (wide) or "05-01 12:00", UTC. */
void tasks_format_created(int64_t epoch, bool wide, char *buf, size_t size);

/*
 * The failure to show (the last action's, else the last read's): the
 * lines it takes at `width` columns (0 = none), and drawing it from row y
 * of w. At most TASKS_FAILURE_LINES.
 */
#define TASKS_FAILURE_LINES 4
int tasks_failure_lines(int width);
void tasks_draw_failure(WINDOW *w, int y, int x, int width);
/* Forgets the last action's failure. */
void tasks_clear_failure(void);

/*
 * A row with the cursor on it or not: blanks x-1 .. x+width-1 in the
 * selected or the normal role, the cursor's glyph in column x-1; returns
 * the role to write the row's text in.
 */
enum tui_role tasks_row_start(WINDOW *w, int y, int x, int width, bool focus);

/*
 * The bottom of a tasks box of size h x wd: `pos` on the border at the
 * right (may be NULL), and the failure above it when there is one.
 */
void tasks_draw_bottom(WINDOW *w, const char *pos, int x, int width);

/* Keys both tasks screens share (each keymap adds its own). */
/* clang-format off */
#define TASKS_BINDINGS                                                         \
    { 's', ACT_START_TASK }, { 'u', ACT_UPDATE }, { 'd', ACT_DELETE },         \
    { TUI_FN(KEY_DC), ACT_DELETE }, { 'a', ACT_ADD_DEVICE },                   \
    { 'A', ACT_REMOVE_DEVICE }, { 'g', ACT_ADD_GROUP },                        \
    { 'G', ACT_REMOVE_GROUP }, { 'r', ACT_REFRESH },                           \
    { 'p', ACT_PLAY_TASK }, { 'R', ACT_RETRY_TASK }
/* clang-format on */

/* A title's right part: a spinner while a call is in flight. */
void tasks_busy_note(const struct tui *t, char *buf, size_t size);

#endif
