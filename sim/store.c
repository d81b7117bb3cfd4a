#include "sim/store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "sim/session_time.h"
#include "sim/store_db.h"
#include "sim/store_msg.h"
#include "sim/store_page.h"

/*
 * Sources for the semantics below (AWS IoT Wireless Developer Guide,
 * "Monitor and troubleshoot the status of your FUOTA task and devices",
 * docs.aws.amazon.com/iot-wireless/latest/developerguide/lorawan-fuota-status.html):
 *  - Pending: "you can update your FUOTA task, and associate or disassociate
 *    devices or multicast groups with your task. After the status changes
 *    from Pending, additional devices can't be added to the task."
 *  - FuotaSession_Waiting: "you can't update or add devices".
 *  - FuotaDone: after devices report or the session times out.
 *  - Delete_Waiting: shown while a task that had a session is being deleted.
 * Inferences (not documented by AWS, chosen for the simulator and listed in
 * docs/guide/simulator.md): deleting a Pending or FuotaDone task removes it at
 * once, deleting a waiting or running one passes through Delete_Waiting;
 * deleting a task already in Delete_Waiting succeeds without change;
 * StartFuotaTask from any status but Pending is a ConflictException; a
 * StartTime in the past starts the session at once; starting a task without
 * devices or groups is allowed (the session plays to nobody).
 */

/* Every statement the store runs, prepared once per store. */
#define STORE_SQL(X)                                                           \
    X(Q_BEGIN, "BEGIN IMMEDIATE")                                              \
    X(Q_COMMIT, "COMMIT")                                                      \
    X(Q_ROLLBACK, "ROLLBACK")                                                  \
    X(Q_PURGE, "DELETE FROM tasks WHERE delete_at_ms IS NOT NULL"              \
               " AND delete_at_ms <= ?1")                                      \
    X(Q_FIND_TOKEN, "SELECT id, arn, request_json FROM tasks"                  \
                    " WHERE client_token = ?1")                                \
    X(Q_INSERT, "INSERT INTO tasks(id, arn, name, description, rf_region,"     \
                " image, role, redundancy, frag_size, frag_interval,"          \
                " descriptor, created_at, client_token, request_json)"         \
                " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"   \
                " ?13, ?14)")                                                  \
    X(Q_INSERT_TAG, "INSERT INTO task_tags(task_seq, pos, key, value)"         \
                    " VALUES(?1, ?2, ?3, ?4)")                                 \
    X(Q_LOAD, "SELECT seq, id, arn, name, description, rf_region, image,"      \
              " role, redundancy, frag_size, frag_interval, descriptor,"       \
              " created_at, start_time, started_ms, session_start_ms,"         \
              " session_end_ms, delete_at_ms FROM tasks WHERE id = ?1"         \
              " AND (delete_at_ms IS NULL OR delete_at_ms > ?2)")              \
    X(Q_UPDATE, "UPDATE tasks SET name = coalesce(?2, name),"                  \
                " description = coalesce(?3, description),"                    \
                " rf_region = coalesce(?4, rf_region),"                        \
                " image = coalesce(?5, image), role = coalesce(?6, role),"     \
                " redundancy = coalesce(?7, redundancy),"                      \
                " frag_size = coalesce(?8, frag_size),"                        \
                " frag_interval = coalesce(?9, frag_interval),"                \
                " descriptor = coalesce(?10, descriptor) WHERE seq = ?1")      \
    X(Q_DELETE, "DELETE FROM tasks WHERE seq = ?1")                            \
    X(Q_MARK_DELETE, "UPDATE tasks SET delete_at_ms = ?2 WHERE seq = ?1")      \
    X(Q_START, "UPDATE tasks SET start_time = ?2, started_ms = ?3,"            \
               " session_start_ms = ?4, session_end_ms = ?5 WHERE seq = ?1")   \
    X(Q_LIST, "SELECT seq, id, arn, name FROM tasks WHERE seq > ?1"            \
              " AND (delete_at_ms IS NULL OR delete_at_ms > ?2)"               \
              " ORDER BY seq LIMIT ?3")                                        \
    X(Q_ADD_DEVICE, "INSERT OR IGNORE INTO devices(id, created_at)"            \
                    " VALUES(?1, ?2)")                                         \
    X(Q_ASSOC_DEVICE, "INSERT OR IGNORE INTO task_devices(task_seq,"           \
                      " device_id) VALUES(?1, ?2)")                            \
    X(Q_DISASSOC_DEVICE, "DELETE FROM task_devices WHERE task_seq = ?1"        \
                         " AND device_id = ?2 AND via_group IS NULL")          \
    X(Q_CLAIM_DEVICE, "UPDATE task_devices SET via_group = NULL"               \
                      " WHERE task_seq = ?1 AND device_id = ?2")               \
    X(Q_ASSOC_GROUP_DEVICE, "INSERT OR IGNORE INTO task_devices(task_seq,"     \
                            " device_id, via_group) VALUES(?1, ?2, ?3)")       \
    X(Q_DISASSOC_GROUP_DEVICES, "DELETE FROM task_devices"                     \
                                " WHERE task_seq = ?1 AND via_group = ?2")     \
    X(Q_ADD_GROUP, "INSERT OR IGNORE INTO multicast_groups(id, created_at)"    \
                   " VALUES(?1, ?2)")                                          \
    X(Q_ASSOC_GROUP, "INSERT OR IGNORE INTO task_groups(task_seq, group_id)"   \
                     " VALUES(?1, ?2)")                                        \
    X(Q_DISASSOC_GROUP, "DELETE FROM task_groups WHERE task_seq = ?1"          \
                        " AND group_id = ?2")                                  \
    X(Q_LIST_GROUPS, "SELECT pos, group_id FROM task_groups"                   \
                     " WHERE task_seq = ?1 AND pos > ?2 ORDER BY pos"          \
                     " LIMIT ?3")                                              \
    X(Q_LIST_DEVICES, "SELECT pos, device_id, status, prev_status,"            \
                      " status_at_ms FROM task_devices WHERE task_seq = ?1"    \
                      " AND pos > ?2 AND (?4 IS NULL OR via_group = ?4)"       \
                      " ORDER BY pos LIMIT ?3")                                \
    X(Q_ALL_DEVICES, "SELECT DISTINCT d.device_id FROM task_devices d"         \
                     " JOIN tasks t ON t.seq = d.task_seq"                     \
                     " WHERE d.device_id > ?1"                                 \
                     " AND (t.delete_at_ms IS NULL OR t.delete_at_ms > ?2)"    \
                     " AND (?4 IS NULL OR d.via_group = ?4)"                   \
                     " ORDER BY d.device_id LIMIT ?3")                         \
    X(Q_TASK_DEVICES, "SELECT device_id FROM task_devices"                     \
                      " WHERE task_seq = ?1 ORDER BY pos")                     \
    X(Q_TASK_GROUPS, "SELECT group_id FROM task_groups WHERE task_seq = ?1"    \
                     " ORDER BY pos")                                          \
    X(Q_DEVICE_BUSY,                                                           \
      "SELECT 1 FROM task_devices d JOIN tasks t ON t.seq = d.task_seq"        \
      " WHERE d.device_id = ?1 AND d.task_seq <> ?2"                           \
      " AND t.started_ms IS NOT NULL AND t.session_end_ms > ?3"                \
      " AND t.delete_at_ms IS NULL LIMIT 1")                                   \
    X(Q_REPORT, "UPDATE task_devices SET prev_status = CASE WHEN"              \
                " status_at_ms <= ?3 THEN status ELSE prev_status END,"        \
                " status = ?4, status_at_ms = ?5"                              \
                " WHERE task_seq = ?1 AND device_id = ?2")

enum store_query {
#define X(id, sql) id,
    STORE_SQL(X)
#undef X
        Q_COUNT
};

static const char *const query_sql[] = {
#define X(id, sql) [id] = sql,
    STORE_SQL(X)
#undef X
};

struct store {
    sqlite3 *db;
    pthread_mutex_t mu;
    sqlite3_stmt *stmts[Q_COUNT];
    char *region;
    char *account;
    char *quarantined;
    int lock_fd;         /* store_db_lock(), -1 = none */
    bool held_elsewhere; /* another process had the file open at open */
    char arn_prefix[80]; /* arn:aws:iotwireless:REGION:ACCOUNT */
    int64_t (*clock)(void *ctx);
    void *clock_ctx;
    double time_scale;
    int64_t setup_ms;
    int64_t delete_ms;
    int64_t image_bytes;
    int group_devices; /* virtual devices per multicast group, >= 0 */
    bool (*on_session_start)(void *ctx, const struct store_session *session,
                             struct store_outcome *outcomes);
    void *hook_ctx;
    void (*on_session_started)(void *ctx,
                               const struct store_session_summary *summary);
    void *started_ctx;
    double throttle_rate;
    double error_rate;
    uint64_t rng;
    pthread_mutex_t rng_mu;
};

/* A task row as loaded by Q_LOAD. */
struct row {
    int64_t seq;
    struct backend_task task;
    bool started;
    int64_t session_start_ms;
    int64_t session_end_ms;
    bool deleting;
};

/* --- small helpers -------------------------------------------------------- */

static int64_t real_clock(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t store_now_ms(const struct store *store)
{
    return store->clock(store->clock_ctx);
}

static int64_t scaled(const struct store *s, int64_t ms)
{
    return (int64_t)((double)ms / s->time_scale + 0.5);
}

static enum backend_status db_error(struct store *s, struct backend_error *err)
{
    return store_db_error(s->db, err);
}

static enum backend_status no_memory(struct backend_error *err)
{
    return backend_error_set(err, BACKEND_NO_MEMORY, "out of memory");
}

static sqlite3_stmt *stmt(struct store *s, enum store_query q)
{
    if (!s->stmts[q] &&
        sqlite3_prepare_v3(s->db, query_sql[q], -1, SQLITE_PREPARE_PERSISTENT,
                           &s->stmts[q], NULL) != SQLITE_OK)
        return NULL;
    return s->stmts[q];
}

static void done(sqlite3_stmt *st)
{
    if (st) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static void bind_opt_int(sqlite3_stmt *st, int i, bool has, int32_t v)
{
    if (has)
        sqlite3_bind_int(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

/*
 * Binds a request's stored members, in the column order of Q_INSERT and
 * Q_UPDATE (name, description, rf_region, image, role, redundancy,
 * frag_size, frag_interval, descriptor), from parameter `first` on; members
 * not given are NULL.
 */
static void bind_members(sqlite3_stmt *st, int first,
                         const struct fuota_task *t)
{
    bind_text(st, first, t->name);
    bind_text(st, first + 1, t->description);
    bind_text(st, first + 2, t->rf_region);
    bind_text(st, first + 3, t->firmware_update_image);
    bind_text(st, first + 4, t->firmware_update_role);
    bind_opt_int(st, first + 5, t->has_redundancy_percent,
                 t->redundancy_percent);
    bind_opt_int(st, first + 6, t->has_fragment_size_bytes,
                 t->fragment_size_bytes);
    bind_opt_int(st, first + 7, t->has_fragment_interval_ms,
                 t->fragment_interval_ms);
    bind_text(st, first + 8, t->descriptor);
}

/* Runs a statement that returns no rows; true on success. */
static bool run(struct store *s, enum store_query q)
{
    sqlite3_stmt *st = stmt(s, q);
    bool ok = st && sqlite3_step(st) == SQLITE_DONE;
    done(st);
    return ok;
}

static char *col_strdup(sqlite3_stmt *st, int i, bool *oom)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    if (!t)
        return NULL;
    char *r = strdup((const char *)t);
    if (!r)
        *oom = true;
    return r;
}

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Fault injection: one draw per public operation. */
static enum backend_status inject(struct store *s, struct backend_error *err)
{
    backend_error_clear(err);
    if (s->throttle_rate <= 0 && s->error_rate <= 0)
        return BACKEND_OK;
    pthread_mutex_lock(&s->rng_mu);
    double u = (double)(splitmix64(&s->rng) >> 11) * 0x1.0p-53;
    pthread_mutex_unlock(&s->rng_mu);
    if (u < s->throttle_rate)
        return backend_error_set(err, BACKEND_THROTTLED, "Rate exceeded");
    if (u < s->throttle_rate + s->error_rate)
        return backend_error_set(err, BACKEND_INTERNAL, "%s",
                                 STORE_MSG_INTERNAL);
    return BACKEND_OK;
}

/* --- rows and statuses ---------------------------------------------------- */

static enum backend_task_status derive_status(const struct row *r, int64_t now)
{
    if (r->deleting)
        return BACKEND_TASK_DELETE_WAITING;
    if (!r->started)
        return BACKEND_TASK_PENDING;
    if (now < r->session_start_ms)
        return BACKEND_TASK_SESSION_WAITING;
    if (now < r->session_end_ms)
        return BACKEND_TASK_IN_SESSION;
    return BACKEND_TASK_DONE;
}

/*
 * Loads a live task by id into *r: seq and status always, the rest of
 * r->task only when `full` (else r->task owns no memory; the calls that only
 * need the state skip copying the strings). BACKEND_NOT_FOUND when there is
 * none (err filled), BACKEND_INTERNAL / NO_MEMORY on failure.
 */
static enum backend_status load(struct store *s, const char *id, int64_t now,
                                bool full, struct row *r,
                                struct backend_error *err)
{
    memset(r, 0, sizeof(*r));
    sqlite3_stmt *st = stmt(s, Q_LOAD);
    if (!st)
        return db_error(s, err);
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        done(st);
        backend_error_set(err, BACKEND_NOT_FOUND,
                          "FuotaTask with id %s does not exist.", id);
        backend_error_set_resource(err, "FuotaTask", id);
        return BACKEND_NOT_FOUND;
    }
    if (rc != SQLITE_ROW) {
        enum backend_status e = db_error(s, err);
        done(st);
        return e;
    }
    bool oom = false;
    struct backend_task *t = &r->task;
    r->seq = sqlite3_column_int64(st, 0);
    if ((r->started = sqlite3_column_type(st, 14) != SQLITE_NULL)) {
        r->session_start_ms = sqlite3_column_int64(st, 15);
        r->session_end_ms = sqlite3_column_int64(st, 16);
    }
    r->deleting = sqlite3_column_type(st, 17) != SQLITE_NULL;
    t->status = derive_status(r, now);
    if (!full) {
        done(st);
        return BACKEND_OK;
    }
    t->id = col_strdup(st, 1, &oom);
    t->arn = col_strdup(st, 2, &oom);
    t->name = col_strdup(st, 3, &oom);
    t->description = col_strdup(st, 4, &oom);
    t->rf_region = col_strdup(st, 5, &oom);
    t->firmware_update_image = col_strdup(st, 6, &oom);
    t->firmware_update_role = col_strdup(st, 7, &oom);
    if ((t->has_redundancy_percent = sqlite3_column_type(st, 8) != SQLITE_NULL))
        t->redundancy_percent = sqlite3_column_int(st, 8);
    if ((t->has_fragment_size_bytes =
             sqlite3_column_type(st, 9) != SQLITE_NULL))
        t->fragment_size_bytes = sqlite3_column_int(st, 9);
    if ((t->has_fragment_interval_ms =
             sqlite3_column_type(st, 10) != SQLITE_NULL))
        t->fragment_interval_ms = sqlite3_column_int(st, 10);
    t->descriptor = col_strdup(st, 11, &oom);
    t->created_at = sqlite3_column_int64(st, 12);
    if ((t->has_start_time = sqlite3_column_type(st, 13) != SQLITE_NULL))
        t->start_time = sqlite3_column_int64(st, 13);
    done(st);
    if (oom) {
        backend_task_cleanup(t);
        return no_memory(err);
    }
    return BACKEND_OK;
}

/* Locks and opens a write transaction that has purged expired deletions. */
static enum backend_status begin(struct store *s, int64_t now,
                                 struct backend_error *err)
{
    pthread_mutex_lock(&s->mu);
    if (!run(s, Q_BEGIN)) {
        enum backend_status e = db_error(s, err);
        pthread_mutex_unlock(&s->mu);
        return e;
    }
    sqlite3_stmt *st = stmt(s, Q_PURGE);
    bool ok = st != NULL;
    if (ok) {
        sqlite3_bind_int64(st, 1, now);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    done(st);
    if (!ok) {
        enum backend_status e = db_error(s, err);
        run(s, Q_ROLLBACK);
        pthread_mutex_unlock(&s->mu);
        return e;
    }
    return BACKEND_OK;
}

/* Commits when st is OK (else rolls back) and unlocks; returns the outcome. */
static enum backend_status finish(struct store *s, enum backend_status st,
                                  struct backend_error *err)
{
    if (st == BACKEND_OK && !run(s, Q_COMMIT)) {
        st = db_error(s, err);
        run(s, Q_ROLLBACK);
    } else if (st != BACKEND_OK) {
        run(s, Q_ROLLBACK);
    }
    pthread_mutex_unlock(&s->mu);
    return st;
}

/*
 * The checks every call naming a task makes before touching the database:
 * one fault-injection draw, then the task id.
 */
static enum backend_status admit(struct store *s, const char *id,
                                 struct backend_error *err)
{
    enum backend_status st = inject(s, err);
    if (st == BACKEND_OK)
        st = store_msg_check_id(id, "id", err);
    return st;
}

/*
 * begin() and load() for a call that changes task `id`. On failure nothing
 * is left open: the transaction is rolled back and the mutex released.
 */
static enum backend_status begin_task(struct store *s, const char *id,
                                      int64_t now, bool full, struct row *r,
                                      struct backend_error *err)
{
    memset(r, 0, sizeof(*r));
    enum backend_status st = begin(s, now, err);
    if (st == BACKEND_OK && (st = load(s, id, now, full, r, err)) != BACKEND_OK)
        finish(s, st, err);
    return st;
}

static enum backend_status conflict(struct backend_error *err, const char *id,
                                    enum backend_task_status status,
                                    const char *what)
{
    backend_error_set(err, BACKEND_CONFLICT,
                      "FuotaTask %s is in status %s: %s is only possible "
                      "while it is Pending.",
                      id, backend_task_status_name(status), what);
    backend_error_set_resource(err, "FuotaTask", id);
    return BACKEND_CONFLICT;
}

/* --- ids ------------------------------------------------------------------ */

static void new_uuid(char out[37])
{
    unsigned char b[16];
    randombytes_buf(b, sizeof(b));
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* RFC 4122 variant */
    snprintf(out, 37,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
             b[11], b[12], b[13], b[14], b[15]);
}

/* --- create --------------------------------------------------------------- */

/* Same token seen before: BACKEND_OK (same task) or CONFLICT; NOT_FOUND = new.
 */
static enum backend_status replay(struct store *s, const struct fuota_task *req,
                                  struct backend_created *out,
                                  struct backend_error *err)
{
    sqlite3_stmt *st = stmt(s, Q_FIND_TOKEN);
    if (!st)
        return db_error(s, err);
    sqlite3_bind_text(st, 1, req->client_request_token, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        done(st);
        return BACKEND_NOT_FOUND;
    }
    if (rc != SQLITE_ROW) {
        enum backend_status e = db_error(s, err);
        done(st);
        return e;
    }
    const char *json = (const char *)sqlite3_column_text(st, 2);
    struct fuota_task prev;
    struct diag_list diags;
    diag_list_init(&diags);
    bool same = json && task_from_json(json, strlen(json), &prev, &diags) &&
                task_equal(&prev, req);
    task_cleanup(&prev);
    diag_list_cleanup(&diags);
    if (same) {
        snprintf(out->id, sizeof(out->id), "%s", sqlite3_column_text(st, 0));
        snprintf(out->arn, sizeof(out->arn), "%s", sqlite3_column_text(st, 1));
        done(st);
        return BACKEND_OK;
    }
    char id[BACKEND_ID_MAX + 1];
    snprintf(id, sizeof(id), "%s", sqlite3_column_text(st, 0));
    done(st);
    backend_error_set(err, BACKEND_CONFLICT,
                      "ClientRequestToken %s was already used to create "
                      "FuotaTask %s with different parameters.",
                      req->client_request_token, id);
    backend_error_set_resource(err, "FuotaTask", id);
    return BACKEND_CONFLICT;
}

static enum backend_status insert(struct store *s, const struct fuota_task *req,
                                  int64_t now, struct backend_created *out,
                                  struct backend_error *err)
{
    char *json = task_to_json(req, false);
    if (!json)
        return no_memory(err);
    new_uuid(out->id);
    snprintf(out->arn, sizeof(out->arn),
             "arn:aws:iotwireless:%.32s:%.12s:FuotaTask/%.36s", s->region,
             s->account, out->id);
    sqlite3_stmt *st = stmt(s, Q_INSERT);
    if (!st) {
        free(json);
        return db_error(s, err);
    }
    bind_text(st, 1, out->id);
    bind_text(st, 2, out->arn);
    bind_members(st, 3, req);
    sqlite3_bind_int64(st, 12, now / 1000);
    bind_text(st, 13, req->client_request_token);
    bind_text(st, 14, json);
    bool ok = sqlite3_step(st) == SQLITE_DONE;
    done(st);
    free(json);
    if (!ok)
        return db_error(s, err);
    int64_t seq = sqlite3_last_insert_rowid(s->db);
    for (size_t i = 0; i < req->tag_count; i++) {
        st = stmt(s, Q_INSERT_TAG);
        if (!st)
            return db_error(s, err);
        sqlite3_bind_int64(st, 1, seq);
        sqlite3_bind_int64(st, 2, (int64_t)i);
        bind_text(st, 3, req->tags[i].key);
        bind_text(st, 4, req->tags[i].value ? req->tags[i].value : "");
        ok = sqlite3_step(st) == SQLITE_DONE;
        done(st);
        if (!ok)
            return db_error(s, err);
    }
    return BACKEND_OK;
}

enum backend_status store_create_task(struct store *s,
                                      const struct fuota_task *req,
                                      struct backend_created *out,
                                      struct backend_error *err)
{
    memset(out, 0, sizeof(*out));
    enum backend_status st = inject(s, err);
    if (st == BACKEND_OK)
        st = store_msg_check_task(req, err);
    if (st != BACKEND_OK)
        return st;
    int64_t now = store_now_ms(s);
    st = begin(s, now, err);
    if (st != BACKEND_OK)
        return st;
    if (req->client_request_token) {
        st = replay(s, req, out, err);
        if (st != BACKEND_NOT_FOUND)
            return finish(s, st, err);
        st = BACKEND_OK;
    }
    st = insert(s, req, now, out, err);
    if (st != BACKEND_OK)
        memset(out, 0, sizeof(*out));
    return finish(s, st, err);
}

/* --- get / list ----------------------------------------------------------- */

enum backend_status store_get_task(struct store *s, const char *id,
                                   struct backend_task *out,
                                   struct backend_error *err)
{
    backend_task_init(out);
    enum backend_status st = admit(s, id, err);
    if (st != BACKEND_OK)
        return st;
    int64_t now = store_now_ms(s);
    struct row r;
    pthread_mutex_lock(&s->mu);
    st = load(s, id, now, true, &r, err);
    pthread_mutex_unlock(&s->mu);
    if (st == BACKEND_OK)
        *out = r.task;
    return st;
}

enum backend_status store_list_tasks(struct store *s,
                                     const struct backend_page_req *page,
                                     struct backend_task_page *out,
                                     struct backend_error *err)
{
    backend_task_page_init(out);
    int64_t after;
    int limit;
    enum backend_status st = inject(s, err);
    if (st == BACKEND_OK)
        st = store_page_args(page, 'T', 0, &after, &limit, err);
    if (st != BACKEND_OK)
        return st;
    int64_t now = store_now_ms(s);
    out->items = calloc((size_t)limit, sizeof(*out->items));
    if (!out->items)
        return no_memory(err);
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *q = stmt(s, Q_LIST);
    if (!q) {
        st = db_error(s, err);
        goto out;
    }
    sqlite3_bind_int64(q, 1, after);
    sqlite3_bind_int64(q, 2, now);
    sqlite3_bind_int(q, 3, limit + 1);
    bool oom = false, more = false;
    int64_t last = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (out->count == (size_t)limit) {
            more = true;
            break;
        }
        struct backend_task_summary *it = &out->items[out->count++];
        last = sqlite3_column_int64(q, 0);
        it->id = col_strdup(q, 1, &oom);
        it->arn = col_strdup(q, 2, &oom);
        it->name = col_strdup(q, 3, &oom);
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        st = db_error(s, err);
    done(q);
    if (st == BACKEND_OK && more &&
        !(out->next_token = store_page_token('T', 0, last)))
        oom = true;
    if (st == BACKEND_OK && oom)
        st = no_memory(err);
out:
    pthread_mutex_unlock(&s->mu);
    if (st != BACKEND_OK)
        backend_task_page_cleanup(out);
    return st;
}

/* Lists ids (groups) or devices of a task; kind 'G' or 'D'. */
static enum backend_status list_members(struct store *s, const char *id,
                                        const char *group,
                                        const struct backend_page_req *page,
                                        char kind, struct backend_id_page *ids,
                                        struct backend_device_page *devs,
                                        struct backend_error *err)
{
    enum backend_status st = admit(s, id, err);
    if (st != BACKEND_OK)
        return st;
    int64_t now = store_now_ms(s);
    pthread_mutex_lock(&s->mu);
    struct row r;
    st = load(s, id, now, false, &r, err);
    if (st != BACKEND_OK) {
        pthread_mutex_unlock(&s->mu);
        return st;
    }
    int64_t after;
    int limit;
    st = store_page_args(page, kind, r.seq, &after, &limit, err);
    if (st != BACKEND_OK) {
        pthread_mutex_unlock(&s->mu);
        return st;
    }
    bool oom = false, more = false;
    if (kind == 'G')
        oom = !(ids->ids = calloc((size_t)limit, sizeof(*ids->ids)));
    else
        oom = !(devs->items = calloc((size_t)limit, sizeof(*devs->items)));
    sqlite3_stmt *q =
        oom ? NULL : stmt(s, kind == 'G' ? Q_LIST_GROUPS : Q_LIST_DEVICES);
    if (!q) {
        st = oom ? no_memory(err) : db_error(s, err);
        pthread_mutex_unlock(&s->mu);
        return st;
    }
    sqlite3_bind_int64(q, 1, r.seq);
    sqlite3_bind_int64(q, 2, after);
    sqlite3_bind_int(q, 3, limit + 1);
    if (kind == 'D' && group != NULL)
        sqlite3_bind_text(q, 4, group, -1, SQLITE_STATIC);
    int64_t last = 0;
    size_t count = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (count == (size_t)limit) {
            more = true;
            break;
        }
        last = sqlite3_column_int64(q, 0);
        if (kind == 'G') {
            ids->ids[ids->count++] = col_strdup(q, 1, &oom);
        } else {
            struct backend_device *d = &devs->items[devs->count++];
            d->id = col_strdup(q, 1, &oom);
            int col = sqlite3_column_int64(q, 4) <= now ? 2 : 3;
            if (!backend_device_status_parse(
                    (const char *)sqlite3_column_text(q, col), &d->status))
                d->status = BACKEND_DEVICE_INITIAL;
        }
        count++;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        st = db_error(s, err);
    done(q);
    pthread_mutex_unlock(&s->mu);
    char **next = kind == 'G' ? &ids->next_token : &devs->next_token;
    if (st == BACKEND_OK && more &&
        !(*next = store_page_token(kind, r.seq, last)))
        oom = true;
    if (st == BACKEND_OK && oom)
        st = no_memory(err);
    return st;
}

enum backend_status store_list_groups(struct store *s, const char *id,
                                      const struct backend_page_req *page,
                                      struct backend_id_page *out,
                                      struct backend_error *err)
{
    backend_id_page_init(out);
    enum backend_status st =
        list_members(s, id, NULL, page, 'G', out, NULL, err);
    if (st != BACKEND_OK)
        backend_id_page_cleanup(out);
    return st;
}

enum backend_status store_list_devices(struct store *s, const char *id,
                                       const struct backend_page_req *page,
                                       struct backend_device_page *out,
                                       struct backend_error *err)
{
    return store_list_devices_in_group(s, id, NULL, page, out, err);
}

enum backend_status
store_list_devices_in_group(struct store *s, const char *id, const char *group,
                            const struct backend_page_req *page,
                            struct backend_device_page *out,
                            struct backend_error *err)
{
    backend_device_page_init(out);
    enum backend_status st =
        list_members(s, id, group, page, 'D', NULL, out, err);
    if (st != BACKEND_OK)
        backend_device_page_cleanup(out);
    return st;
}

enum backend_status store_list_all_devices(struct store *s,
                                           const struct backend_page_req *page,
                                           struct backend_id_page *out,
                                           struct backend_error *err)
{
    return store_list_all_devices_in_group(s, NULL, page, out, err);
}

enum backend_status store_list_all_devices_in_group(
    struct store *s, const char *group, const struct backend_page_req *page,
    struct backend_id_page *out, struct backend_error *err)
{
    backend_id_page_init(out);
    char after[BACKEND_ID_MAX + 1];
    int limit;
    enum backend_status st = inject(s, err);
    if (st == BACKEND_OK)
        st = store_page_key_args(page, 'W', after, sizeof(after), &limit, err);
    if (st != BACKEND_OK)
        return st;
    int64_t now = store_now_ms(s);
    out->ids = calloc((size_t)limit, sizeof(*out->ids));
    if (!out->ids)
        return no_memory(err);
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *q = stmt(s, Q_ALL_DEVICES);
    bool oom = false, more = false;
    if (!q) {
        st = db_error(s, err);
    } else {
        sqlite3_bind_text(q, 1, after, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 2, now);
        sqlite3_bind_int(q, 3, limit + 1);
        if (group != NULL)
            sqlite3_bind_text(q, 4, group, -1, SQLITE_STATIC);
        int rc;
        while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
            if (out->count == (size_t)limit) {
                more = true;
                break;
            }
            out->ids[out->count++] = col_strdup(q, 0, &oom);
        }
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            st = db_error(s, err);
        done(q);
    }
    pthread_mutex_unlock(&s->mu);
    if (st == BACKEND_OK && !oom && more &&
        !(out->next_token =
              store_page_key_token('W', out->ids[out->count - 1])))
        oom = true;
    if (st == BACKEND_OK && oom)
        st = no_memory(err);
    if (st != BACKEND_OK)
        backend_id_page_cleanup(out);
    return st;
}

/* --- update --------------------------------------------------------------- */

enum backend_status store_update_task(struct store *s, const char *id,
                                      const struct fuota_task *changes,
                                      struct backend_error *err)
{
    enum backend_status st = admit(s, id, err);
    if (st != BACKEND_OK)
        return st;
    /*
     * Validate the members given before looking the task up, as AWS checks
     * input before state: a probe with the required members filled in.
     */
    struct fuota_task probe;
    task_init(&probe);
    probe.name = changes->name;
    probe.description = changes->description;
    probe.descriptor = changes->descriptor;
    probe.rf_region = changes->rf_region;
    probe.has_lorawan = changes->rf_region != NULL;
    probe.firmware_update_image = changes->firmware_update_image
                                      ? changes->firmware_update_image
                                      : (char *)"s3://probe/probe";
    probe.firmware_update_role = changes->firmware_update_role
                                     ? changes->firmware_update_role
                                     : (char *)"arn:aws:iam::0:role/probe";
    probe.has_fragment_interval_ms = changes->has_fragment_interval_ms;
    probe.fragment_interval_ms = changes->fragment_interval_ms;
    probe.has_fragment_size_bytes = changes->has_fragment_size_bytes;
    probe.fragment_size_bytes = changes->fragment_size_bytes;
    probe.has_redundancy_percent = changes->has_redundancy_percent;
    probe.redundancy_percent = changes->redundancy_percent;
    st = store_msg_check_task(&probe, err); /* probe borrows: no task_cleanup */
    if (st != BACKEND_OK)
        return st;

    int64_t now = store_now_ms(s);
    struct row r;
    st = begin_task(s, id, now, false, &r, err);
    if (st != BACKEND_OK)
        return st;
    if (r.task.status != BACKEND_TASK_PENDING)
        return finish(s, conflict(err, id, r.task.status, "UpdateFuotaTask"),
                      err);
    /* Members not given keep their value (coalesce in Q_UPDATE). */
    sqlite3_stmt *q = stmt(s, Q_UPDATE);
    if (!q)
        return finish(s, db_error(s, err), err);
    sqlite3_bind_int64(q, 1, r.seq);
    bind_members(q, 2, changes);
    if (sqlite3_step(q) != SQLITE_DONE)
        st = db_error(s, err);
    done(q);
    return finish(s, st, err);
}

/* --- delete --------------------------------------------------------------- */

enum backend_status store_delete_task(struct store *s, const char *id,
                                      struct backend_error *err)
{
    enum backend_status st = admit(s, id, err);
    if (st != BACKEND_OK)
        return st;
    int64_t now = store_now_ms(s);
    struct row r;
    st = begin_task(s, id, now, false, &r, err);
    if (st != BACKEND_OK)
        return st;
    enum backend_task_status status = r.task.status;
    if (status == BACKEND_TASK_DELETE_WAITING)
        return finish(s, BACKEND_OK, err);
    bool immediate =
        status == BACKEND_TASK_PENDING || status == BACKEND_TASK_DONE;
    sqlite3_stmt *q = stmt(s, immediate ? Q_DELETE : Q_MARK_DELETE);
    if (!q)
        return finish(s, db_error(s, err), err);
    sqlite3_bind_int64(q, 1, r.seq);
    if (!immediate)
        sqlite3_bind_int64(q, 2, now + scaled(s, s->delete_ms));
    if (sqlite3_step(q) != SQLITE_DONE)
        st = db_error(s, err);
    done(q);
    return finish(s, st, err);
}

/* --- start ---------------------------------------------------------------- */

/* Fetches one text column of every row of q (bound to seq) into *out. */
static bool collect(struct store *s, enum store_query which, int64_t seq,
                    char ***out, size_t *count)
{
    *out = NULL;
    *count = 0;
    sqlite3_stmt *q = stmt(s, which);
    if (!q)
        return false;
    sqlite3_bind_int64(q, 1, seq);
    size_t cap = 0;
    bool ok = true;
    int rc;
    while (ok && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (*count == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = realloc(*out, cap * sizeof(**out));
            if (!grown) {
                ok = false;
                break;
            }
            *out = grown;
        }
        bool oom = false;
        (*out)[(*count)++] = col_strdup(q, 0, &oom);
        ok = !oom;
    }
    if (ok && rc != SQLITE_DONE)
        ok = false;
    done(q);
    return ok;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

/* Sets a device's status from at_ms on (inside a transaction). */
static bool report(struct store *s, int64_t seq, const char *device,
                   enum backend_device_status status, int64_t now,
                   int64_t at_ms)
{
    sqlite3_stmt *q = stmt(s, Q_REPORT);
    if (!q)
        return false;
    sqlite3_bind_int64(q, 1, seq);
    sqlite3_bind_text(q, 2, device, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, now);
    sqlite3_bind_text(q, 4, backend_device_status_name(status), -1,
                      SQLITE_STATIC);
    sqlite3_bind_int64(q, 5, at_ms);
    bool ok = sqlite3_step(q) == SQLITE_DONE;
    done(q);
    return ok;
}

/* What a start reads before it writes: the task and its members. */
struct start_snap {
    struct row r;
    char **devices;
    size_t ndev;
    bool *busy; /* devices[i] is in another running task */
    char **groups;
    size_t ngrp;
};

static void snap_free(struct start_snap *p)
{
    backend_task_cleanup(&p->r.task);
    free_list(p->devices, p->ndev);
    free_list(p->groups, p->ngrp);
    free(p->busy);
    memset(p, 0, sizeof(*p));
}

/*
 * Reads the task's members into *p (transaction open, task loaded into
 * p->r). Devices already in another running task cannot join this session.
 */
static bool snap_members(struct store *s, int64_t now, struct start_snap *p)
{
    if (!collect(s, Q_TASK_DEVICES, p->r.seq, &p->devices, &p->ndev) ||
        !collect(s, Q_TASK_GROUPS, p->r.seq, &p->groups, &p->ngrp))
        return false;
    p->busy = calloc(p->ndev ? p->ndev : 1, sizeof(*p->busy));
    if (!p->busy)
        return false;
    for (size_t i = 0; i < p->ndev; i++) {
        sqlite3_stmt *q = stmt(s, Q_DEVICE_BUSY);
        if (!q)
            return false;
        sqlite3_bind_text(q, 1, p->devices[i], -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 2, p->r.seq);
        sqlite3_bind_int64(q, 3, now);
        int rc = sqlite3_step(q);
        done(q);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return false;
        p->busy[i] = rc == SQLITE_ROW;
    }
    return true;
}

static bool str_same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* The request members of two loads of a task are the same. */
static bool task_same(const struct backend_task *a,
                      const struct backend_task *b)
{
    return str_same(a->name, b->name) &&
           str_same(a->description, b->description) &&
           str_same(a->rf_region, b->rf_region) &&
           str_same(a->firmware_update_image, b->firmware_update_image) &&
           str_same(a->firmware_update_role, b->firmware_update_role) &&
           str_same(a->descriptor, b->descriptor) &&
           a->has_redundancy_percent == b->has_redundancy_percent &&
           a->redundancy_percent == b->redundancy_percent &&
           a->has_fragment_size_bytes == b->has_fragment_size_bytes &&
           a->fragment_size_bytes == b->fragment_size_bytes &&
           a->has_fragment_interval_ms == b->has_fragment_interval_ms &&
           a->fragment_interval_ms == b->fragment_interval_ms;
}

/* Nothing the session depends on changed between two snapshots. */
static bool snap_same(const struct start_snap *a, const struct start_snap *b)
{
    if (a->r.seq != b->r.seq || !task_same(&a->r.task, &b->r.task) ||
        a->ndev != b->ndev || a->ngrp != b->ngrp)
        return false;
    for (size_t i = 0; i < a->ndev; i++)
        if (strcmp(a->devices[i], b->devices[i]) != 0 ||
            a->busy[i] != b->busy[i])
            return false;
    for (size_t i = 0; i < a->ngrp; i++)
        if (strcmp(a->groups[i], b->groups[i]) != 0)
            return false;
    return true;
}

/*
 * Opens the start's transaction and reads the task (full) and its members
 * into *p. On BACKEND_OK the transaction is open (mutex held); otherwise it
 * is closed and *p empty.
 */
static enum backend_status snap_take(struct store *s, const char *id,
                                     int64_t now, struct start_snap *p,
                                     struct backend_error *err)
{
    memset(p, 0, sizeof(*p));
    enum backend_status st = begin_task(s, id, now, true, &p->r, err);
    if (st != BACKEND_OK)
        return st;
    if (p->r.task.status != BACKEND_TASK_PENDING) {
        conflict(err, id, p->r.task.status, "StartFuotaTask");
        snap_free(p);
        return finish(s, BACKEND_CONFLICT, err);
    }
    if (!snap_members(s, now, p)) {
        st = db_error(s, err);
        snap_free(p);
        return finish(s, st, err);
    }
    return BACKEND_OK;
}

/* The hook has played this many times without a stable task: give up. */
#define START_ATTEMPTS 4

/* Closes a transaction that wrote nothing and unlocks. */
static void release(struct store *s)
{
    run(s, Q_ROLLBACK);
    pthread_mutex_unlock(&s->mu);
}

/* When a session started at `now` runs; shown = LoRaWAN.StartTime. */
struct start_times {
    int64_t begin_ms;
    int64_t end_ms;
    int64_t shown;
};

static struct start_times start_times(const struct store *s,
                                      const struct backend_task *t, int64_t now,
                                      bool has_start_time, int64_t start_time)
{
    struct start_times x;
    x.begin_ms = now + scaled(s, s->setup_ms);
    if (has_start_time)
        x.begin_ms = start_time * 1000 > now ? start_time * 1000 : now;
    x.end_ms = x.begin_ms + scaled(s, session_time_ms(t, s->image_bytes));
    x.shown = has_start_time ? start_time : (x.begin_ms + 999) / 1000;
    return x;
}

/* Plays the session (no lock held): outcomes[] for the play list. */
static bool play_session(struct store *s, const struct start_snap *p,
                         int64_t now, const struct start_times *x,
                         struct store_outcome *out)
{
    int64_t begin_ms = x->begin_ms, end_ms = x->end_ms;
    const char **play = calloc(p->ndev ? p->ndev : 1, sizeof(*play));
    struct backend_task t;
    if (!play || !backend_task_copy(&t, &p->r.task)) {
        free(play);
        return false;
    }
    size_t nplay = 0;
    for (size_t i = 0; i < p->ndev; i++)
        if (!p->busy[i])
            play[nplay++] = p->devices[i];
    for (size_t i = 0; i < nplay; i++)
        out[i] = (struct store_outcome){ BACKEND_DEVICE_MISSING_FRAG, end_ms };
    t.has_start_time = true;
    t.start_time = x->shown;
    t.status =
        begin_ms > now ? BACKEND_TASK_SESSION_WAITING : BACKEND_TASK_IN_SESSION;
    struct store_session session = {
        .task_id = t.id,
        .task = &t,
        .device_ids = play,
        .device_count = nplay,
        .group_ids = (const char *const *)p->groups,
        .group_count = p->ngrp,
        .image_bytes = s->image_bytes,
        .session_start_ms = begin_ms,
        .session_end_ms = end_ms,
    };
    bool ok = s->on_session_start(s->hook_ctx, &session, out);
    for (size_t i = 0; ok && i < nplay; i++)
        if ((unsigned)out[i].status >= BACKEND_DEVICE_STATUS_COUNT ||
            out[i].status == BACKEND_DEVICE_INITIAL)
            out[i] =
                (struct store_outcome){ BACKEND_DEVICE_MISSING_FRAG, end_ms };
    free(play);
    backend_task_cleanup(&t);
    return ok;
}

/* Writes the start and every device's outcome (transaction open). */
static bool write_start(struct store *s, const struct start_snap *p,
                        const struct store_outcome *out, int64_t now,
                        const struct start_times *x,
                        struct store_session_summary *sum)
{
    bool ok = true;
    size_t k = 0; /* index in the play list */
    for (size_t i = 0; ok && i < p->ndev; i++) {
        enum backend_device_status status = BACKEND_DEVICE_SUCCESSFUL;
        int64_t at = x->end_ms;
        if (p->busy[i]) {
            status = BACKEND_DEVICE_CONFLICT;
            at = now;
        } else if (out) {
            status = out[k].status;
            at = out[k].at_ms;
            k++;
        }
        ok = report(s, p->r.seq, p->devices[i], status, now, at);
        sum->counts[status]++;
    }
    sqlite3_stmt *q = ok ? stmt(s, Q_START) : NULL;
    if (!q)
        return false;
    sqlite3_bind_int64(q, 1, p->r.seq);
    sqlite3_bind_int64(q, 2, x->shown);
    sqlite3_bind_int64(q, 3, now);
    sqlite3_bind_int64(q, 4, x->begin_ms);
    sqlite3_bind_int64(q, 5, x->end_ms);
    ok = sqlite3_step(q) == SQLITE_DONE;
    done(q);
    return ok;
}

/*
 * StartFuotaTask: read the task (transaction 1, rolled back: nothing
 * written), play the session without the lock (the hook computes), then in
 * ONE write transaction check that nothing the session depends on changed
 * and write the start and every outcome (the store writes).
 */
enum backend_status store_start_task(struct store *s, const char *id,
                                     bool has_start_time, int64_t start_time,
                                     struct backend_error *err)
{
    enum backend_status st = admit(s, id, err);
    if (st != BACKEND_OK)
        return st;
    int64_t now = store_now_ms(s);
    struct start_snap snap;
    struct store_outcome *out = NULL;
    st = snap_take(s, id, now, &snap, err);
    for (int attempt = 1; st == BACKEND_OK && s->on_session_start; attempt++) {
        /* Nothing written yet: let go of the lock while the session plays. */
        release(s);
        struct start_times x =
            start_times(s, &snap.r.task, now, has_start_time, start_time);
        free(out);
        out = calloc(snap.ndev ? snap.ndev : 1, sizeof(*out));
        if (!out || !play_session(s, &snap, now, &x, out)) {
            snap_free(&snap);
            st = out ? backend_error_set(err, BACKEND_INTERNAL, "%s",
                                         STORE_MSG_INTERNAL)
                     : no_memory(err);
            break;
        }
        struct start_snap again;
        st = snap_take(s, id, now, &again, err);
        bool same = st == BACKEND_OK && snap_same(&snap, &again);
        snap_free(&snap);
        if (st != BACKEND_OK)
            break;
        snap = again;
        if (same)
            break;
        if (attempt == START_ATTEMPTS) {
            snap_free(&snap);
            release(s);
            st = backend_error_set(err, BACKEND_CONFLICT,
                                   "FuotaTask %s kept changing while it was "
                                   "being started; try again.",
                                   id);
            backend_error_set_resource(err, "FuotaTask", id);
            break;
        }
    }
    if (st == BACKEND_OK) {
        /* One transaction: the start and every device's outcome. */
        struct start_times x =
            start_times(s, &snap.r.task, now, has_start_time, start_time);
        struct store_session_summary sum = {
            .task_id = id,
            .started_ms = now,
            .session_start_ms = x.begin_ms,
            .session_end_ms = x.end_ms,
            .simulated_ms =
                (int64_t)((double)(x.end_ms - x.begin_ms) * s->time_scale),
            .devices = snap.ndev,
            .groups = snap.ngrp,
        };
        bool ok = write_start(s, &snap, s->on_session_start ? out : NULL, now,
                              &x, &sum);
        st = finish(s, ok ? BACKEND_OK : db_error(s, err), err);
        snap_free(&snap);
        if (st == BACKEND_OK && s->on_session_started)
            s->on_session_started(s->started_ctx, &sum);
    }
    free(out);
    return st;
}

/* --- associations --------------------------------------------------------- */

/* ResourceNotFoundException for a member `type` not associated with task. */
static enum backend_status not_associated(struct backend_error *err,
                                          const char *type, const char *member,
                                          const char *task)
{
    backend_error_set(err, BACKEND_NOT_FOUND,
                      "%s %s is not associated with FuotaTask %s.", type,
                      member, task);
    backend_error_set_resource(err, type, member);
    return BACKEND_NOT_FOUND;
}

void store_group_device_id(const char *group_id, unsigned k, char out[17])
{
    uint64_t h = 0xcbf29ce484222325ull;
    char num[16];
    snprintf(num, sizeof(num), ":%u", k);
    for (int part = 0; part < 2; part++)
        for (const unsigned char *p =
                 (const unsigned char *)(part ? num : group_id);
             *p; p++)
            h = (h ^ *p) * 0x100000001b3ull;
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* Runs an INSERT OR IGNORE of a device or group id (inside a transaction). */
static bool add_member(struct store *s, enum store_query which, const char *id,
                       int64_t now)
{
    sqlite3_stmt *q = stmt(s, which);
    if (!q)
        return false;
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, now / 1000);
    bool ok = sqlite3_step(q) == SQLITE_DONE;
    done(q);
    return ok;
}

/* Runs a statement bound to (task seq, text) (inside a transaction). */
static bool run_pair(struct store *s, enum store_query which, int64_t seq,
                     const char *text)
{
    sqlite3_stmt *q = stmt(s, which);
    if (!q)
        return false;
    sqlite3_bind_int64(q, 1, seq);
    sqlite3_bind_text(q, 2, text, -1, SQLITE_STATIC);
    bool ok = sqlite3_step(q) == SQLITE_DONE;
    done(q);
    return ok;
}

/* Associates group's virtual devices with task seq (inside the
 * transaction that associated the group). */
static bool add_group_devices(struct store *s, int64_t seq, const char *group,
                              int64_t now)
{
    for (int k = 1; k <= s->group_devices; k++) {
        char dev[17];
        store_group_device_id(group, (unsigned)k, dev);
        sqlite3_stmt *q = add_member(s, Q_ADD_DEVICE, dev, now)
                              ? stmt(s, Q_ASSOC_GROUP_DEVICE)
                              : NULL;
        if (!q)
            return false;
        sqlite3_bind_int64(q, 1, seq);
        sqlite3_bind_text(q, 2, dev, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 3, group, -1, SQLITE_STATIC);
        bool ok = sqlite3_step(q) == SQLITE_DONE;
        done(q);
        if (!ok)
            return false;
    }
    return true;
}

static enum backend_status associate(struct store *s, const char *id,
                                     const char *member, bool device, bool add,
                                     struct backend_error *err)
{
    const char *wire = device ? "wirelessDeviceId" : "multicastGroupId";
    enum backend_status st = admit(s, id, err);
    if (st == BACKEND_OK)
        st = store_msg_check_id(member, wire, err);
    if (st != BACKEND_OK)
        return st;
    int64_t now = store_now_ms(s);
    struct row r;
    st = begin_task(s, id, now, false, &r, err);
    if (st != BACKEND_OK)
        return st;
    enum backend_task_status status = r.task.status;
    if (status != BACKEND_TASK_PENDING) {
        char what[64];
        snprintf(what, sizeof(what), "%s a %s",
                 add ? "associating" : "disassociating",
                 device ? "wireless device" : "multicast group");
        return finish(s, conflict(err, id, status, what), err);
    }
    bool ok =
        !add || add_member(s, device ? Q_ADD_DEVICE : Q_ADD_GROUP, member, now);
    sqlite3_stmt *q =
        ok ? stmt(s, add ? (device ? Q_ASSOC_DEVICE : Q_ASSOC_GROUP)
                         : (device ? Q_DISASSOC_DEVICE : Q_DISASSOC_GROUP))
           : NULL;
    if (!q)
        return finish(s, db_error(s, err), err);
    sqlite3_bind_int64(q, 1, r.seq);
    sqlite3_bind_text(q, 2, member, -1, SQLITE_STATIC);
    ok = sqlite3_step(q) == SQLITE_DONE;
    done(q);
    if (!ok)
        return finish(s, db_error(s, err), err);
    const char *type = device ? "WirelessDevice" : "MulticastGroup";
    bool changed = sqlite3_changes(s->db) > 0;
    if (!add && !changed)
        return finish(s, not_associated(err, type, member, id), err);
    if (device && add)
        ok = run_pair(s, Q_CLAIM_DEVICE, r.seq, member); /* now its own */
    else if (!device && add && changed)
        ok = add_group_devices(s, r.seq, member, now);
    else if (!device && !add)
        ok = run_pair(s, Q_DISASSOC_GROUP_DEVICES, r.seq, member);
    return finish(s, ok ? BACKEND_OK : db_error(s, err), err);
}

enum backend_status store_associate_device(struct store *s, const char *id,
                                           const char *device_id,
                                           struct backend_error *err)
{
    return associate(s, id, device_id, true, true, err);
}

enum backend_status store_disassociate_device(struct store *s, const char *id,
                                              const char *device_id,
                                              struct backend_error *err)
{
    return associate(s, id, device_id, true, false, err);
}

enum backend_status store_associate_group(struct store *s, const char *id,
                                          const char *group_id,
                                          struct backend_error *err)
{
    return associate(s, id, group_id, false, true, err);
}

enum backend_status store_disassociate_group(struct store *s, const char *id,
                                             const char *group_id,
                                             struct backend_error *err)
{
    return associate(s, id, group_id, false, false, err);
}

enum backend_status store_report_device_status(
    struct store *s, const char *id, const char *device_id,
    enum backend_device_status status, int64_t at_ms, struct backend_error *err)
{
    backend_error_clear(err);
    enum backend_status st = store_msg_check_id(id, "id", err);
    if (st == BACKEND_OK)
        st = store_msg_check_id(device_id, "wirelessDeviceId", err);
    if (st != BACKEND_OK)
        return st;
    if ((unsigned)status >= BACKEND_DEVICE_STATUS_COUNT)
        return backend_error_set(err, BACKEND_VALIDATION,
                                 "unknown device status %d", (int)status);
    int64_t now = store_now_ms(s);
    struct row r;
    st = begin_task(s, id, now, false, &r, err);
    if (st != BACKEND_OK)
        return st;
    if (!report(s, r.seq, device_id, status, now, at_ms))
        return finish(s, db_error(s, err), err);
    if (sqlite3_changes(s->db) == 0)
        return finish(s, not_associated(err, "WirelessDevice", device_id, id),
                      err);
    return finish(s, BACKEND_OK, err);
}

/* --- open / close --------------------------------------------------------- */

static bool region_ok(const char *r)
{
    if (!r)
        return true;
    size_t n = strlen(r);
    if (n == 0 || n > 32)
        return false;
    for (; *r; r++)
        if (!((*r >= 'a' && *r <= 'z') || (*r >= '0' && *r <= '9') ||
              *r == '-'))
            return false;
    return true;
}

static bool account_ok(const char *a)
{
    if (!a)
        return true;
    size_t n = strlen(a);
    if (n != 12)
        return false;
    for (; *a; a++)
        if (*a < '0' || *a > '9')
            return false;
    return true;
}

enum backend_status store_open(const struct store_options *opts,
                               struct store **out, struct backend_error *err)
{
    static const struct store_options defaults = { 0 };
    if (!opts)
        opts = &defaults;
    backend_error_clear(err);
    *out = NULL;
    if (opts->throttle_rate < 0 || opts->error_rate < 0 ||
        opts->throttle_rate + opts->error_rate > 1 || opts->time_scale < 0 ||
        opts->image_bytes < 0 || opts->setup_ms < 0 || opts->delete_ms < 0 ||
        opts->group_devices > STORE_GROUP_DEVICES_MAX)
        return backend_error_set(err, BACKEND_VALIDATION,
                                 "invalid simulator options: rates must be in "
                                 "0..1 with a sum <= 1, times and sizes >= 0");
    if (opts->path && !opts->path[0])
        return backend_error_set(err, BACKEND_VALIDATION,
                                 "invalid simulator options: empty state "
                                 "file name");
    if (!region_ok(opts->region) || !account_ok(opts->account))
        return backend_error_set(err, BACKEND_VALIDATION,
                                 "invalid simulator options: the region must "
                                 "be 1..32 of [a-z0-9-] (e.g. eu-west-1), the "
                                 "account 12 digits");
    if (sodium_init() < 0)
        return backend_error_set(err, BACKEND_INTERNAL,
                                 "libsodium failed to initialise");
    struct store *s = calloc(1, sizeof(*s));
    if (!s)
        return no_memory(err);
    s->lock_fd = -1;
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_init(&s->rng_mu, NULL);
    s->region = strdup(opts->region ? opts->region : STORE_DEFAULT_REGION);
    s->account = strdup(opts->account ? opts->account : STORE_DEFAULT_ACCOUNT);
    s->clock = opts->clock ? opts->clock : real_clock;
    s->clock_ctx = opts->clock_ctx;
    s->time_scale = opts->time_scale > 0 ? opts->time_scale : 1.0;
    s->setup_ms = opts->setup_ms ? opts->setup_ms : STORE_DEFAULT_SETUP_MS;
    s->delete_ms = opts->delete_ms ? opts->delete_ms : STORE_DEFAULT_DELETE_MS;
    s->image_bytes =
        opts->image_bytes ? opts->image_bytes : STORE_DEFAULT_IMAGE_BYTES;
    s->group_devices = opts->group_devices == 0  ? STORE_DEFAULT_GROUP_DEVICES
                       : opts->group_devices < 0 ? 0
                                                 : opts->group_devices;
    s->on_session_start = opts->on_session_start;
    s->hook_ctx = opts->hook_ctx;
    s->on_session_started = opts->on_session_started;
    s->started_ctx = opts->started_ctx;
    s->throttle_rate = opts->throttle_rate;
    s->error_rate = opts->error_rate;
    s->rng = opts->seed;
    if (!s->region || !s->account) {
        store_close(s);
        return no_memory(err);
    }
    snprintf(s->arn_prefix, sizeof(s->arn_prefix),
             "arn:aws:iotwireless:%.32s:%.12s", s->region, s->account);

    struct store_db_options dbo = {
        .path = opts->path,
        .busy_timeout_ms = opts->busy_timeout_ms > 0 ? opts->busy_timeout_ms
                                                     : STORE_DEFAULT_BUSY_MS,
        .sync_normal = opts->sync_normal,
        .clock = s->clock,
        .clock_ctx = s->clock_ctx,
    };
    enum backend_status st = store_db_open(&dbo, &s->db, &s->quarantined, err);
    if (st != BACKEND_OK) {
        store_close(s);
        return st;
    }
    s->lock_fd = store_db_lock(opts->path, &s->held_elsewhere);
    *out = s;
    return BACKEND_OK;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(s->stmts[i]);
    if (s->db)
        sqlite3_close(s->db);
    if (s->lock_fd >= 0)
        close(s->lock_fd); /* after SQLite: see store_db_lock() */
    pthread_mutex_destroy(&s->mu);
    pthread_mutex_destroy(&s->rng_mu);
    free(s->region);
    free(s->account);
    free(s->quarantined);
    free(s);
}

const char *store_arn_prefix(const struct store *s)
{
    return s->arn_prefix;
}

bool store_held_elsewhere(const struct store *s)
{
    return s->held_elsewhere;
}

const char *store_quarantined(const struct store *s)
{
    return s->quarantined;
}

const char *store_validation_message(const struct fuota_task *task,
                                     const struct diag_list *diags, char *buf,
                                     size_t size)
{
    return store_msg_validation(task, diags, buf, size);
}
