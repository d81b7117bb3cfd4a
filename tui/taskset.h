#ifndef FUOTA_TUI_TASKSET_H
#define FUOTA_TUI_TASKSET_H

/*
 * The tasks of a target as the tasks screens show them: the rows of
 * ListFuotaTasks, paged; each row's GetFuotaTask once fetched; and the one
 * task opened (every GetFuotaTask field, its wireless devices with their
 * FuotaDeviceStatus, its multicast groups). Everything comes from backend
 * calls (core/backend.h) made on a worker thread (tui/job.h), one call at
 * a time, started and collected by taskset_tick() on the UI thread, so
 * the screens never wait.
 *
 * What to fetch is asked for and done in this order: an action (start,
 * delete, associate, ...), a refresh of the list, the next page, the open
 * task, the details of the rows in view that have none (or stale ones),
 * and, while a task in view or the open task is between its start and
 * FuotaDone (FuotaSession_Waiting, In_FuotaSession, Delete_Waiting), its
 * status again every TASKSET_POLL_MS.
 *
 * A row whose GetFuotaTask answers ResourceNotFoundException is dropped
 * (the task is gone). Failures of the listing, the details or the open
 * task are kept in `fail` until the next call of the same kind succeeds.
 *
 * Threads: the UI thread owns a struct taskset; the worker thread touches
 * only the call it was handed.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/backend.h"
#include "tui/app.h"

/* Rows a ListFuotaTasks page asks for: about a screen's worth. */
#define TASKSET_PAGE 25
/* How often a task in a session is read again. */
#define TASKSET_POLL_MS 1000
/* How long a failed read waits before it is tried again by itself. */
#define TASKSET_RETRY_MS 3000
/* The most devices / groups of the open task that are read. */
#define TASKSET_MEMBERS_MAX 10000

enum taskset_act {
    TASKSET_START,
    TASKSET_DELETE,
    TASKSET_ASSOCIATE_DEVICE,
    TASKSET_DISASSOCIATE_DEVICE,
    TASKSET_ASSOCIATE_GROUP,
    TASKSET_DISASSOCIATE_GROUP,
    TASKSET_GET, /* a fresh GetFuotaTask (before an update) */
    /* CreateFuotaTask of `request`, then each of `devices` associated
     * with the new task, stopping at the first refusal (a retry). */
    TASKSET_CREATE,
};

/*
 * An action. For TASKSET_CREATE, request and devices[0..device_count) are
 * heap-owned: taskset_act takes them over when it accepts the action
 * (taskset_action_cleanup frees them otherwise); a result's copy of the
 * action has them NULL.
 */
struct taskset_action {
    enum taskset_act kind;
    char id[BACKEND_ID_MAX + 1];   /* the task */
    char item[BACKEND_ID_MAX + 1]; /* the device or group */
    bool has_start_time;
    int64_t start_time; /* epoch seconds */
    struct fuota_task *request;
    char **devices;
    size_t device_count;
};
void taskset_action_cleanup(struct taskset_action *a);

/* A finished action, as taskset_tick hands it over. */
struct taskset_result {
    struct taskset_action action;
    enum backend_status status;
    struct backend_error error;
    struct backend_task task;       /* TASKSET_GET on BACKEND_OK */
    struct backend_created created; /* TASKSET_CREATE: id "" = none */
    size_t associated;              /* TASKSET_CREATE: devices done */
};

struct taskset_row {
    char *id, *arn, *name; /* ListFuotaTasks (name NULL = none) */
    bool known;            /* task holds GetFuotaTask's answer */
    bool stale;            /* fetch it again */
    struct backend_task task;
};

struct taskset_open {
    char id[BACKEND_ID_MAX + 1]; /* "" = no task open */
    bool loaded, stale;
    struct backend_task task;
    struct backend_device *devices;
    size_t device_count;
    char **groups;
    size_t group_count;
    bool truncated; /* more than TASKSET_MEMBERS_MAX */
};

struct taskset {
    struct backend *backend;
    struct taskset_row *rows;
    size_t count;
    char *next_token; /* NULL: the last page is in */
    bool listed;      /* the first page came in */
    struct taskset_open open;

    /* The last failure of a listing / details / open call. */
    enum tui_op fail_op;
    struct backend_error fail;

    /* Asked for. */
    bool want_refresh, want_more;
    size_t view_first, view_count;
    bool act_pending;
    struct taskset_action act;

    struct job *job;
    bool job_is_action;
    int64_t poll_at_ms;
    int64_t hold_until_ms; /* after a failed read */
    unsigned long version; /* bumped whenever something changed */
};

void taskset_init(struct taskset *s);
/* Stops waiting for the call in flight and frees everything. */
void taskset_cleanup(struct taskset *s);

/* Uses backend b from now on; a different one forgets every row. */
void taskset_target(struct taskset *s, struct backend *b);
/* Reads the list again from the first page (as many rows as now). */
void taskset_refresh(struct taskset *s);
/* The next page, if there is one and none is on its way. */
void taskset_more(struct taskset *s);
/* Rows first..first+count-1 are on screen (their details are wanted). */
void taskset_view(struct taskset *s, size_t first, size_t count);
/* Opens task id (its details, devices and groups); "" or NULL closes. */
void taskset_open(struct taskset *s, const char *id);
/*
 * Asks for an action (taking over what it owns). False when one is
 * already waiting or running (the screen says so; *a still owns its
 * parts); the answer comes out of taskset_tick.
 */
bool taskset_act(struct taskset *s, const struct taskset_action *a);

/* True while a call is in flight / an action is waiting or running. */
bool taskset_busy(const struct taskset *s);
bool taskset_acting(const struct taskset *s);
/*
 * Stops waiting for the call in flight (it finishes on its own: an
 * action may still reach the service) and for what was asked for.
 */
void taskset_stop(struct taskset *s);

/*
 * Collects a finished call and starts the next one. Returns true when an
 * action finished: *out is then filled (taskset_result_cleanup it).
 */
bool taskset_tick(struct taskset *s, struct taskset_result *out);
void taskset_result_cleanup(struct taskset_result *r);

/* The row of task id, or s->count. */
size_t taskset_find(const struct taskset *s, const char *id);

/* True for the statuses that change on their own (a session running). */
bool taskset_status_moving(enum backend_task_status st);

#endif
