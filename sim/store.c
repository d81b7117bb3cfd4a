#include "sim/store.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "core/plan.h"

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
    X(Q_UPDATE, "UPDATE tasks SET name = ?2, description = ?3,"                \
                " rf_region = ?4, image = ?5, role = ?6, redundancy = ?7,"     \
                " frag_size = ?8, frag_interval = ?9, descriptor = ?10"        \
                " WHERE seq = ?1")                                             \
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
                         " AND device_id = ?2")                                \
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
                      " AND pos > ?2 ORDER BY pos LIMIT ?3")                   \
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

static const char schema_v1[] =
    "CREATE TABLE tasks("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " id TEXT NOT NULL UNIQUE,"
    " arn TEXT NOT NULL,"
    " name TEXT, description TEXT, rf_region TEXT,"
    " image TEXT NOT NULL, role TEXT NOT NULL,"
    " redundancy INTEGER, frag_size INTEGER, frag_interval INTEGER,"
    " descriptor TEXT,"
    " created_at INTEGER NOT NULL,"
    " client_token TEXT UNIQUE,"
    " request_json TEXT,"
    " start_time INTEGER, started_ms INTEGER,"
    " session_start_ms INTEGER, session_end_ms INTEGER,"
    " delete_at_ms INTEGER);"
    "CREATE TABLE task_tags("
    " task_seq INTEGER NOT NULL REFERENCES tasks(seq) ON DELETE CASCADE,"
    " pos INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
    " PRIMARY KEY(task_seq, pos));"
    "CREATE TABLE devices(id TEXT PRIMARY KEY, created_at INTEGER NOT NULL);"
    "CREATE TABLE multicast_groups(id TEXT PRIMARY KEY,"
    " created_at INTEGER NOT NULL);"
    "CREATE TABLE task_devices("
    " pos INTEGER PRIMARY KEY,"
    " task_seq INTEGER NOT NULL REFERENCES tasks(seq) ON DELETE CASCADE,"
    " device_id TEXT NOT NULL REFERENCES devices(id),"
    " status TEXT NOT NULL DEFAULT 'Initial',"
    " prev_status TEXT NOT NULL DEFAULT 'Initial',"
    " status_at_ms INTEGER NOT NULL DEFAULT 0,"
    " UNIQUE(task_seq, device_id));"
    "CREATE INDEX task_devices_device ON task_devices(device_id);"
    "CREATE TABLE task_groups("
    " pos INTEGER PRIMARY KEY,"
    " task_seq INTEGER NOT NULL REFERENCES tasks(seq) ON DELETE CASCADE,"
    " group_id TEXT NOT NULL REFERENCES multicast_groups(id),"
    " UNIQUE(task_seq, group_id));";

/* v2: the purge run by every write finds expired deletions by index. */
static const char schema_v2[] =
    "CREATE INDEX tasks_delete_at ON tasks(delete_at_ms)"
    " WHERE delete_at_ms IS NOT NULL;";

/* migrations[v] upgrades a schema of version v to v + 1. */
static const char *const migrations[] = {
    schema_v1,
    schema_v2,
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) ==
                   STORE_SCHEMA_VERSION,
               "one migration per schema version");

struct store {
    sqlite3 *db;
    pthread_mutex_t mu;
    sqlite3_stmt *stmts[Q_COUNT];
    char *region;
    char *account;
    char *quarantined;
    int64_t (*clock)(void *ctx);
    void *clock_ctx;
    double time_scale;
    int64_t setup_ms;
    int64_t delete_ms;
    int64_t image_bytes;
    void (*on_session_start)(void *ctx, struct store *store,
                             const struct store_session *session);
    void *hook_ctx;
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
    int64_t started_ms;
    int64_t session_start_ms;
    int64_t session_end_ms;
    bool deleting;
    int64_t delete_at_ms;
};

static const char internal_message[] =
    "We encountered an internal error. Please try again.";

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
    return backend_error_set(err, BACKEND_INTERNAL,
                             "%s (simulator database: %s)", internal_message,
                             sqlite3_errmsg(s->db));
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
        return backend_error_set(err, BACKEND_INTERNAL, "%s", internal_message);
    return BACKEND_OK;
}

/* --- validation messages in AWS's form ------------------------------------ */

enum rule_kind { R_STRING, R_INT, R_ENUM, R_LIST };

struct member_rule {
    const char *path; /* core/task diagnostics path (Tags[n] folded) */
    const char *wire; /* AWS's name in validation messages */
    enum rule_kind kind;
    bool required;
    long min, max; /* length (strings, lists) or value (ints); -1 = none */
    const char *pattern;
};

static const struct member_rule member_rules[] = {
    { "FirmwareUpdateImage", "firmwareUpdateImage", R_STRING, true, 1, 4096,
      NULL },
    { "FirmwareUpdateRole", "firmwareUpdateRole", R_STRING, true, 1, 2048,
      NULL },
    { "ClientRequestToken", "clientRequestToken", R_STRING, false, 1, 64,
      "^[a-zA-Z0-9-_]+$" },
    { "Name", "name", R_STRING, false, -1, 256, NULL },
    { "Description", "description", R_STRING, false, -1, 2048, NULL },
    { "Descriptor", "descriptor", R_STRING, false, -1, 332,
      "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$" },
    { "LoRaWAN.RfRegion", "loRaWAN.rfRegion", R_ENUM, false, -1, -1, NULL },
    { "FragmentIntervalMS", "fragmentIntervalMS", R_INT, false, 1, -1, NULL },
    { "FragmentSizeBytes", "fragmentSizeBytes", R_INT, false, 1, -1, NULL },
    { "RedundancyPercent", "redundancyPercent", R_INT, false, 0, 100, NULL },
    { "Tags", "tags", R_LIST, false, 0, 200, NULL },
    { "Tags[].Key", "key", R_STRING, true, 1, 128, NULL },
    { "Tags[].Value", "value", R_STRING, true, 0, 256, NULL },
};

static bool token_chars_ok(const char *v)
{
    for (; *v; v++) {
        char c = *v;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    }
    return true;
}

static bool b64_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '+' || c == '/';
}

static bool base64_ok(const char *v)
{
    size_t n = strlen(v);
    if (n % 4)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (b64_char(v[i]))
            continue;
        /* '=' only as the last one or two characters of the last quad */
        if (v[i] != '=' || i < n - 2)
            return false;
        if (i == n - 2 && v[n - 1] != '=')
            return false;
    }
    return true;
}

/* Appends printf text to buf at *used, never overflowing. */
static void append(char *buf, size_t size, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t size, size_t *used, const char *fmt, ...)
{
    if (*used >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *used, size - *used, fmt, ap);
    va_end(ap);
    if (n > 0)
        *used = *used + (size_t)n >= size ? size - 1 : *used + (size_t)n;
}

/* The quoted value for a message, cut at 64 characters (UTF-8 safe). */
static void quote_value(const char *v, char *out, size_t size)
{
    size_t cut = 0, chars = 0, len = strlen(v);
    while (cut < len && chars < 64) {
        cut++;
        while (cut < len && ((unsigned char)v[cut] & 0xC0) == 0x80)
            cut++;
        chars++;
    }
    snprintf(out, size, "'%.*s%s'", (int)cut, v, cut < len ? "..." : "");
}

/* Finds the rule and value for a diagnostics path like "Tags[3].Key". */
static const struct member_rule *lookup(const struct fuota_task *t,
                                        const char *path, char *wire,
                                        size_t wire_size, const char **str,
                                        bool *has_int, long *ival,
                                        size_t *list_len)
{
    *str = NULL;
    *has_int = false;
    *list_len = 0;
    unsigned long idx = 0;
    const char *member = path;
    char folded[64];
    if (strncmp(path, "Tags[", 5) == 0) {
        char *end;
        idx = strtoul(path + 5, &end, 10);
        if (*end != ']')
            return NULL;
        snprintf(folded, sizeof(folded), "Tags[]%s", end + 1);
        member = folded;
    }
    for (size_t i = 0; i < sizeof(member_rules) / sizeof(member_rules[0]);
         i++) {
        const struct member_rule *r = &member_rules[i];
        if (strcmp(r->path, member) != 0)
            continue;
        if (member == folded)
            snprintf(wire, wire_size, "tags.%lu.member.%s", idx + 1, r->wire);
        else
            snprintf(wire, wire_size, "%s", r->wire);
        if (strcmp(r->path, "FirmwareUpdateImage") == 0)
            *str = t->firmware_update_image;
        else if (strcmp(r->path, "FirmwareUpdateRole") == 0)
            *str = t->firmware_update_role;
        else if (strcmp(r->path, "ClientRequestToken") == 0)
            *str = t->client_request_token;
        else if (strcmp(r->path, "Name") == 0)
            *str = t->name;
        else if (strcmp(r->path, "Description") == 0)
            *str = t->description;
        else if (strcmp(r->path, "Descriptor") == 0)
            *str = t->descriptor;
        else if (strcmp(r->path, "LoRaWAN.RfRegion") == 0)
            *str = t->rf_region;
        else if (strcmp(r->path, "FragmentIntervalMS") == 0) {
            *has_int = t->has_fragment_interval_ms;
            *ival = t->fragment_interval_ms;
        } else if (strcmp(r->path, "FragmentSizeBytes") == 0) {
            *has_int = t->has_fragment_size_bytes;
            *ival = t->fragment_size_bytes;
        } else if (strcmp(r->path, "RedundancyPercent") == 0) {
            *has_int = t->has_redundancy_percent;
            *ival = t->redundancy_percent;
        } else if (strcmp(r->path, "Tags") == 0) {
            *list_len = t->tag_count;
        } else if (idx < t->tag_count) {
            *str = strcmp(r->path, "Tags[].Key") == 0 ? t->tags[idx].key
                                                      : t->tags[idx].value;
        }
        return r;
    }
    return NULL;
}

/*
 * One "Value ... at '...' failed to satisfy constraint: ..." clause; false
 * when the value breaks none of the rules we know (caller words it from the
 * diagnostic instead).
 */
static bool clause(const struct fuota_task *t, const struct diag *d, char *out,
                   size_t size)
{
    char wire[96], q[96];
    const char *str;
    bool has_int;
    long ival = 0;
    size_t list_len;
    const struct member_rule *r = lookup(t, d->path, wire, sizeof(wire), &str,
                                         &has_int, &ival, &list_len);
    if (!r)
        return false;
    const char *pre = "failed to satisfy constraint: Member must";
    if (r->kind == R_INT) {
        if (!has_int)
            return false;
        if (r->min >= 0 && ival < r->min)
            snprintf(out, size,
                     "Value '%ld' at '%s' %s have value greater than or "
                     "equal to %ld",
                     ival, wire, pre, r->min);
        else if (r->max >= 0 && ival > r->max)
            snprintf(out, size,
                     "Value '%ld' at '%s' %s have value less than or equal "
                     "to %ld",
                     ival, wire, pre, r->max);
        else
            return false;
        return true;
    }
    if (r->kind == R_LIST) {
        if ((long)list_len <= r->max)
            return false;
        snprintf(out, size,
                 "Value '[%zu tags]' at '%s' %s have length less than or "
                 "equal to %ld",
                 list_len, wire, pre, r->max);
        return true;
    }
    if (!str) {
        if (!r->required)
            return false;
        snprintf(out, size, "Value null at '%s' %s not be null", wire, pre);
        return true;
    }
    quote_value(str, q, sizeof(q));
    if (r->kind == R_ENUM) {
        if (task_rf_region_valid(str))
            return false;
        size_t used = 0;
        append(out, size, &used,
               "Value %s at '%s' %s satisfy enum value set: [", q, wire, pre);
        for (size_t i = 0; i < task_rf_region_count; i++)
            append(out, size, &used, "%s%s", i ? ", " : "", task_rf_regions[i]);
        append(out, size, &used, "]");
        return true;
    }
    long len = task_utf8_length(str, strlen(str));
    if (len >= 0 && r->min > 0 && len < r->min) {
        snprintf(out, size,
                 "Value %s at '%s' %s have length greater than or equal to "
                 "%ld",
                 q, wire, pre, r->min);
        return true;
    }
    if (len >= 0 && r->max >= 0 && len > r->max) {
        snprintf(out, size,
                 "Value %s at '%s' %s have length less than or equal to %ld", q,
                 wire, pre, r->max);
        return true;
    }
    if (r->pattern) {
        bool ok = strcmp(r->path, "Descriptor") == 0 ? base64_ok(str)
                                                     : token_chars_ok(str);
        if (!ok) {
            snprintf(out, size,
                     "Value %s at '%s' %s satisfy regular expression "
                     "pattern: %s",
                     q, wire, pre, r->pattern);
            return true;
        }
    }
    return false;
}

const char *store_validation_message(const struct fuota_task *task,
                                     const struct diag_list *diags, char *buf,
                                     size_t size)
{
    char clauses[16][640];
    size_t n = 0, errors = 0;
    if (size == 0)
        return buf;
    for (size_t i = 0; i < diags->count; i++) {
        const struct diag *d = &diags->items[i];
        if (d->severity != DIAG_ERROR)
            continue;
        char one[640];
        if (!clause(task, d, one, sizeof(one))) {
            /* A rule we cannot word as AWS does: its own message. */
            char wire[DIAG_PATH_MAX + 32];
            const char *str;
            bool has_int;
            long ival;
            size_t list_len;
            if (!lookup(task, d->path, wire, sizeof(wire), &str, &has_int,
                        &ival, &list_len))
                snprintf(wire, sizeof(wire), "%s", d->path);
            if (wire[0])
                snprintf(one, sizeof(one),
                         "Value at '%s' failed to satisfy constraint: %s", wire,
                         d->message);
            else
                snprintf(one, sizeof(one), "%s", d->message);
        }
        bool dup = false;
        for (size_t j = 0; j < n && !dup; j++)
            dup = strcmp(clauses[j], one) == 0;
        if (dup)
            continue;
        errors++;
        if (n < sizeof(clauses) / sizeof(clauses[0]))
            memcpy(clauses[n++], one, sizeof(one));
    }
    size_t used = 0;
    buf[0] = '\0';
    append(buf, size, &used, "%zu validation error%s detected: ", errors,
           errors == 1 ? "" : "s");
    for (size_t j = 0; j < n; j++)
        append(buf, size, &used, "%s%s", j ? "; " : "", clauses[j]);
    return buf;
}

/* ValidationException from task_validate(); BACKEND_OK when valid. */
static enum backend_status validate(const struct fuota_task *t,
                                    struct backend_error *err)
{
    struct diag_list diags;
    diag_list_init(&diags);
    enum backend_status st = BACKEND_OK;
    if (!task_validate(t, &diags)) {
        backend_error_set(err, BACKEND_VALIDATION, "%s", "");
        store_validation_message(t, &diags, err->message, sizeof(err->message));
        st = BACKEND_VALIDATION;
    }
    diag_list_cleanup(&diags);
    return st;
}

/* Checks an id from the URI (FuotaTaskId, WirelessDeviceId, ...). */
static enum backend_status check_id(const char *v, const char *wire,
                                    struct backend_error *err)
{
    if (!v)
        return backend_error_set(err, BACKEND_VALIDATION,
                                 "1 validation error detected: Value null at "
                                 "'%s' failed to satisfy constraint: Member "
                                 "must not be null",
                                 wire);
    long len = task_utf8_length(v, strlen(v));
    if (len < 0 || len > BACKEND_ID_MAX) {
        char q[96];
        quote_value(v, q, sizeof(q));
        return backend_error_set(
            err, BACKEND_VALIDATION,
            "1 validation error detected: Value %s at '%s' failed to "
            "satisfy constraint: Member must have length less than or "
            "equal to %d",
            q, wire, BACKEND_ID_MAX);
    }
    if (len == 0)
        return backend_error_set(err, BACKEND_VALIDATION,
                                 "1 validation error detected: Value '' at "
                                 "'%s' failed to satisfy constraint: Member "
                                 "must have length greater than or equal to 1",
                                 wire);
    return BACKEND_OK;
}

/* --- paging tokens ----------------------------------------------------------
 */

/* Tokens are base64url("<kind>:<scope>:<after>"), opaque to clients. */
static char *token_encode(char kind, int64_t scope, int64_t after)
{
    char raw[64];
    int n = snprintf(raw, sizeof(raw), "%c:%" PRId64 ":%" PRId64, kind, scope,
                     after);
    size_t cap = sodium_base64_ENCODED_LEN(
        (size_t)n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = malloc(cap);
    if (out)
        sodium_bin2base64(out, cap, (const unsigned char *)raw, (size_t)n,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

/* A decimal >= 0 ending at `end`; strtoll with its checks. */
static bool parse_i64(const char *p, char end, int64_t *out)
{
    if (*p < '0' || *p > '9')
        return false;
    char *stop;
    errno = 0;
    long long v = strtoll(p, &stop, 10);
    if (errno || *stop != end)
        return false;
    *out = v;
    return true;
}

static enum backend_status page_args(const struct backend_page_req *page,
                                     char kind, int64_t scope, int64_t *after,
                                     int *limit, struct backend_error *err)
{
    int max = page ? page->max_results : 0;
    const char *token = page ? page->next_token : NULL;
    *after = 0;
    if (max < 0 || max > BACKEND_MAX_RESULTS_MAX)
        return backend_error_set(
            err, BACKEND_VALIDATION,
            "1 validation error detected: Value '%d' at 'maxResults' failed "
            "to satisfy constraint: Member must have value %s %d",
            max, max < 0 ? "greater than or equal to" : "less than or equal to",
            max < 0 ? 0 : BACKEND_MAX_RESULTS_MAX);
    *limit = max ? max : BACKEND_MAX_RESULTS_DEFAULT;
    if (!token || !*token)
        return BACKEND_OK;
    size_t tlen = strlen(token);
    unsigned char raw[64];
    size_t raw_len = 0;
    bool ok =
        tlen <= BACKEND_NEXT_TOKEN_MAX &&
        sodium_base642bin(raw, sizeof(raw) - 1, token, tlen, NULL, &raw_len,
                          NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0;
    if (ok) {
        raw[raw_len] = '\0';
        const char *p = (const char *)raw;
        int64_t sc, af;
        ok = raw_len > 2 && p[0] == kind && p[1] == ':' &&
             parse_i64(p + 2, ':', &sc) && sc == scope &&
             parse_i64(strchr(p + 2, ':') + 1, '\0', &af);
        if (ok)
            *after = af;
    }
    if (!ok)
        return backend_error_set(err, BACKEND_VALIDATION,
                                 "The nextToken is invalid.");
    return BACKEND_OK;
}

/* --- rows and statuses
 * -------------------------------------------------------- */

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
 * Loads a live task by id into *r. BACKEND_NOT_FOUND when there is none
 * (err filled), BACKEND_INTERNAL / NO_MEMORY on failure.
 */
static enum backend_status load(struct store *s, const char *id, int64_t now,
                                struct row *r, struct backend_error *err)
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
    if ((r->started = sqlite3_column_type(st, 14) != SQLITE_NULL)) {
        r->started_ms = sqlite3_column_int64(st, 14);
        r->session_start_ms = sqlite3_column_int64(st, 15);
        r->session_end_ms = sqlite3_column_int64(st, 16);
    }
    if ((r->deleting = sqlite3_column_type(st, 17) != SQLITE_NULL))
        r->delete_at_ms = sqlite3_column_int64(st, 17);
    done(st);
    if (oom) {
        backend_task_cleanup(t);
        return no_memory(err);
    }
    t->status = derive_status(r, now);
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

/* --- ids -------------------------------------------------------------------
 */

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

/* --- create ------------------------------------------------------------------
 */

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
    bind_text(st, 3, req->name);
    bind_text(st, 4, req->description);
    bind_text(st, 5, req->rf_region);
    bind_text(st, 6, req->firmware_update_image);
    bind_text(st, 7, req->firmware_update_role);
    bind_opt_int(st, 8, req->has_redundancy_percent, req->redundancy_percent);
    bind_opt_int(st, 9, req->has_fragment_size_bytes, req->fragment_size_bytes);
    bind_opt_int(st, 10, req->has_fragment_interval_ms,
                 req->fragment_interval_ms);
    bind_text(st, 11, req->descriptor);
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
        st = validate(req, err);
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

/* --- get / list
 * ---------------------------------------------------------------- */

enum backend_status store_get_task(struct store *s, const char *id,
                                   struct backend_task *out,
                                   struct backend_error *err)
{
    backend_task_init(out);
    enum backend_status st = inject(s, err);
    if (st == BACKEND_OK)
        st = check_id(id, "id", err);
    if (st != BACKEND_OK)
        return st;
    int64_t now = store_now_ms(s);
    struct row r;
    pthread_mutex_lock(&s->mu);
    st = load(s, id, now, &r, err);
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
        st = page_args(page, 'T', 0, &after, &limit, err);
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
        !(out->next_token = token_encode('T', 0, last)))
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
                                        const struct backend_page_req *page,
                                        char kind, struct backend_id_page *ids,
                                        struct backend_device_page *devs,
                                        struct backend_error *err)
{
    enum backend_status st = inject(s, err);
    if (st == BACKEND_OK)
        st = check_id(id, "id", err);
    if (st != BACKEND_OK)
        return st;
    int64_t now = store_now_ms(s);
    pthread_mutex_lock(&s->mu);
    struct row r;
    st = load(s, id, now, &r, err);
    if (st != BACKEND_OK) {
        pthread_mutex_unlock(&s->mu);
        return st;
    }
    backend_task_cleanup(&r.task);
    int64_t after;
    int limit;
    st = page_args(page, kind, r.seq, &after, &limit, err);
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
    if (st == BACKEND_OK && more && !(*next = token_encode(kind, r.seq, last)))
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
    enum backend_status st = list_members(s, id, page, 'G', out, NULL, err);
    if (st != BACKEND_OK)
        backend_id_page_cleanup(out);
    return st;
}

enum backend_status store_list_devices(struct store *s, const char *id,
                                       const struct backend_page_req *page,
                                       struct backend_device_page *out,
                                       struct backend_error *err)
{
    backend_device_page_init(out);
    enum backend_status st = list_members(s, id, page, 'D', NULL, out, err);
    if (st != BACKEND_OK)
        backend_device_page_cleanup(out);
    return st;
}

/* --- update
 * ------------------------------------------------------------------- */

static bool set_str(char **dst, const char *src)
{
    if (!src)
        return true;
    char *c = strdup(src);
    if (!c)
        return false;
    free(*dst);
    *dst = c;
    return true;
}

enum backend_status store_update_task(struct store *s, const char *id,
                                      const struct fuota_task *changes,
                                      struct backend_error *err)
{
    enum backend_status st = inject(s, err);
    if (st == BACKEND_OK)
        st = check_id(id, "id", err);
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
    st = validate(&probe, err); /* probe borrows: no task_cleanup */
    if (st != BACKEND_OK)
        return st;

    int64_t now = store_now_ms(s);
    st = begin(s, now, err);
    if (st != BACKEND_OK)
        return st;
    struct row r;
    st = load(s, id, now, &r, err);
    if (st != BACKEND_OK)
        return finish(s, st, err);
    struct backend_task *t = &r.task;
    if (t->status != BACKEND_TASK_PENDING) {
        conflict(err, id, t->status, "UpdateFuotaTask");
        backend_task_cleanup(t);
        return finish(s, BACKEND_CONFLICT, err);
    }
    bool ok =
        set_str(&t->name, changes->name) &&
        set_str(&t->description, changes->description) &&
        set_str(&t->rf_region, changes->rf_region) &&
        set_str(&t->firmware_update_image, changes->firmware_update_image) &&
        set_str(&t->firmware_update_role, changes->firmware_update_role) &&
        set_str(&t->descriptor, changes->descriptor);
    if (changes->has_redundancy_percent) {
        t->has_redundancy_percent = true;
        t->redundancy_percent = changes->redundancy_percent;
    }
    if (changes->has_fragment_size_bytes) {
        t->has_fragment_size_bytes = true;
        t->fragment_size_bytes = changes->fragment_size_bytes;
    }
    if (changes->has_fragment_interval_ms) {
        t->has_fragment_interval_ms = true;
        t->fragment_interval_ms = changes->fragment_interval_ms;
    }
    sqlite3_stmt *q = ok ? stmt(s, Q_UPDATE) : NULL;
    if (!ok) {
        st = no_memory(err);
    } else if (!q) {
        st = db_error(s, err);
    } else {
        sqlite3_bind_int64(q, 1, r.seq);
        bind_text(q, 2, t->name);
        bind_text(q, 3, t->description);
        bind_text(q, 4, t->rf_region);
        bind_text(q, 5, t->firmware_update_image);
        bind_text(q, 6, t->firmware_update_role);
        bind_opt_int(q, 7, t->has_redundancy_percent, t->redundancy_percent);
        bind_opt_int(q, 8, t->has_fragment_size_bytes, t->fragment_size_bytes);
        bind_opt_int(q, 9, t->has_fragment_interval_ms,
                     t->fragment_interval_ms);
        bind_text(q, 10, t->descriptor);
        if (sqlite3_step(q) != SQLITE_DONE)
            st = db_error(s, err);
        done(q);
    }
    backend_task_cleanup(t);
    return finish(s, st, err);
}

/* --- delete ----------------------------------------------------------------
 */

enum backend_status store_delete_task(struct store *s, const char *id,
                                      struct backend_error *err)
{
    enum backend_status st = inject(s, err);
    if (st == BACKEND_OK)
        st = check_id(id, "id", err);
    if (st != BACKEND_OK)
        return st;
    int64_t now = store_now_ms(s);
    st = begin(s, now, err);
    if (st != BACKEND_OK)
        return st;
    struct row r;
    st = load(s, id, now, &r, err);
    if (st != BACKEND_OK)
        return finish(s, st, err);
    enum backend_task_status status = r.task.status;
    backend_task_cleanup(&r.task);
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

/* --- start -----------------------------------------------------------------
 */

static int64_t ceil_div(int64_t a, int64_t b)
{
    return (a + b - 1) / b;
}

/* The simple estimate, for tasks core/plan cannot plan (no region). */
static int64_t estimate_ms(const struct store *s, const struct backend_task *t)
{
    int64_t size = t->has_fragment_size_bytes && t->fragment_size_bytes > 0
                       ? t->fragment_size_bytes
                       : STORE_DEFAULT_FRAGMENT_SIZE;
    int64_t interval = t->has_fragment_interval_ms ? t->fragment_interval_ms
                                                   : STORE_DEFAULT_INTERVAL_MS;
    int64_t red = t->has_redundancy_percent ? t->redundancy_percent : 0;
    int64_t m = ceil_div(s->image_bytes, size);
    int64_t r = ceil_div(m * red, 100);
    /* "rounded to the nearest second" (FragmentIntervalMS, service model) */
    int64_t step = (interval + 500) / 1000 * 1000;
    if (step < 1000)
        step = 1000;
    return (m + r) * step;
}

/*
 * Session duration in ms: core/plan's session wall time (fragments x
 * max(rounded interval, time on air, duty-cycle slot) at the region's
 * default Class C data rate) when it can plan the task, else the estimate.
 */
static int64_t session_ms(const struct store *s, const struct backend_task *t)
{
    if (!t->rf_region)
        return estimate_ms(s, t);
    struct fuota_task req;
    task_init(&req);
    req.firmware_update_image = t->firmware_update_image;
    req.firmware_update_role = t->firmware_update_role;
    req.has_lorawan = true;
    req.rf_region = t->rf_region;
    req.has_fragment_size_bytes = t->has_fragment_size_bytes;
    req.fragment_size_bytes = t->fragment_size_bytes;
    req.has_redundancy_percent = t->has_redundancy_percent;
    req.redundancy_percent = t->redundancy_percent;
    req.has_fragment_interval_ms = t->has_fragment_interval_ms;
    req.fragment_interval_ms = t->fragment_interval_ms;
    struct plan_input in = { .task = &req,
                             .image_bytes = (uint64_t)s->image_bytes,
                             .dr = -1 };
    struct plan plan;
    struct diag_list diags;
    diag_list_init(&diags);
    enum plan_status ps = plan_compute(&in, &plan, &diags);
    diag_list_cleanup(&diags); /* req borrows: no task_cleanup */
    if (ps != PLAN_OK || !plan.airtime_known || plan.session_wall_time_s <= 0)
        return estimate_ms(s, t);
    return (int64_t)(plan.session_wall_time_s * 1000.0 + 0.5);
}

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

enum backend_status store_start_task(struct store *s, const char *id,
                                     bool has_start_time, int64_t start_time,
                                     struct backend_error *err)
{
    enum backend_status st = inject(s, err);
    if (st == BACKEND_OK)
        st = check_id(id, "id", err);
    if (st != BACKEND_OK)
        return st;
    int64_t now = store_now_ms(s);
    st = begin(s, now, err);
    if (st != BACKEND_OK)
        return st;
    struct row r;
    st = load(s, id, now, &r, err);
    if (st != BACKEND_OK)
        return finish(s, st, err);
    struct backend_task *t = &r.task;
    if (t->status != BACKEND_TASK_PENDING) {
        conflict(err, id, t->status, "StartFuotaTask");
        backend_task_cleanup(t);
        return finish(s, BACKEND_CONFLICT, err);
    }
    int64_t begin_ms = now + scaled(s, s->setup_ms);
    if (has_start_time)
        begin_ms = start_time * 1000 > now ? start_time * 1000 : now;
    int64_t end_ms = begin_ms + scaled(s, session_ms(s, t));
    int64_t shown = has_start_time ? start_time : ceil_div(begin_ms, 1000);

    char **devices = NULL, **groups = NULL;
    size_t ndev = 0, ngrp = 0, nplay = 0;
    bool ok = collect(s, Q_TASK_DEVICES, r.seq, &devices, &ndev) &&
              collect(s, Q_TASK_GROUPS, r.seq, &groups, &ngrp);
    const char **play = ok && ndev ? calloc(ndev, sizeof(*play)) : NULL;
    if (ndev && !play)
        ok = false;
    /* Devices already in another running task cannot join this session. */
    for (size_t i = 0; ok && i < ndev; i++) {
        sqlite3_stmt *q = stmt(s, Q_DEVICE_BUSY);
        if (!q) {
            ok = false;
            break;
        }
        sqlite3_bind_text(q, 1, devices[i], -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 2, r.seq);
        sqlite3_bind_int64(q, 3, now);
        int rc = sqlite3_step(q);
        done(q);
        if (rc == SQLITE_ROW) {
            ok =
                report(s, r.seq, devices[i], BACKEND_DEVICE_CONFLICT, now, now);
        } else if (rc == SQLITE_DONE) {
            play[nplay++] = devices[i];
            if (!s->on_session_start)
                ok = report(s, r.seq, devices[i], BACKEND_DEVICE_SUCCESSFUL,
                            now, end_ms);
        } else {
            ok = false;
        }
    }
    if (ok) {
        sqlite3_stmt *q = stmt(s, Q_START);
        ok = q != NULL;
        if (ok) {
            sqlite3_bind_int64(q, 1, r.seq);
            sqlite3_bind_int64(q, 2, shown);
            sqlite3_bind_int64(q, 3, now);
            sqlite3_bind_int64(q, 4, begin_ms);
            sqlite3_bind_int64(q, 5, end_ms);
            ok = sqlite3_step(q) == SQLITE_DONE;
            done(q);
        }
    }
    st = finish(s, ok ? BACKEND_OK : db_error(s, err), err);
    if (st == BACKEND_OK && s->on_session_start) {
        t->has_start_time = true;
        t->start_time = shown;
        t->status = begin_ms > now ? BACKEND_TASK_SESSION_WAITING
                                   : BACKEND_TASK_IN_SESSION;
        struct store_session session = {
            .task_id = t->id,
            .task = t,
            .device_ids = play,
            .device_count = nplay,
            .group_ids = (const char *const *)groups,
            .group_count = ngrp,
            .image_bytes = s->image_bytes,
            .session_start_ms = begin_ms,
            .session_end_ms = end_ms,
        };
        s->on_session_start(s->hook_ctx, s, &session);
    }
    free(play);
    free_list(devices, ndev);
    free_list(groups, ngrp);
    backend_task_cleanup(t);
    return st;
}

/* --- associations ------------------------------------------------------------
 */

static enum backend_status associate(struct store *s, const char *id,
                                     const char *member, bool device, bool add,
                                     struct backend_error *err)
{
    const char *wire = device ? "wirelessDeviceId" : "multicastGroupId";
    enum backend_status st = inject(s, err);
    if (st == BACKEND_OK)
        st = check_id(id, "id", err);
    if (st == BACKEND_OK)
        st = check_id(member, wire, err);
    if (st != BACKEND_OK)
        return st;
    int64_t now = store_now_ms(s);
    st = begin(s, now, err);
    if (st != BACKEND_OK)
        return st;
    struct row r;
    st = load(s, id, now, &r, err);
    if (st != BACKEND_OK)
        return finish(s, st, err);
    enum backend_task_status status = r.task.status;
    backend_task_cleanup(&r.task);
    if (status != BACKEND_TASK_PENDING) {
        char what[64];
        snprintf(what, sizeof(what), "%s a %s",
                 add ? "associating" : "disassociating",
                 device ? "wireless device" : "multicast group");
        return finish(s, conflict(err, id, status, what), err);
    }
    bool ok = true;
    if (add) {
        sqlite3_stmt *q = stmt(s, device ? Q_ADD_DEVICE : Q_ADD_GROUP);
        ok = q != NULL;
        if (ok) {
            sqlite3_bind_text(q, 1, member, -1, SQLITE_STATIC);
            sqlite3_bind_int64(q, 2, now / 1000);
            ok = sqlite3_step(q) == SQLITE_DONE;
            done(q);
        }
    }
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
    if (!add && sqlite3_changes(s->db) == 0) {
        backend_error_set(err, BACKEND_NOT_FOUND,
                          "%s %s is not associated with FuotaTask %s.",
                          device ? "WirelessDevice" : "MulticastGroup", member,
                          id);
        backend_error_set_resource(
            err, device ? "WirelessDevice" : "MulticastGroup", member);
        return finish(s, BACKEND_NOT_FOUND, err);
    }
    return finish(s, BACKEND_OK, err);
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
    enum backend_status st = check_id(id, "id", err);
    if (st == BACKEND_OK)
        st = check_id(device_id, "wirelessDeviceId", err);
    if (st != BACKEND_OK)
        return st;
    if ((unsigned)status >= BACKEND_DEVICE_STATUS_COUNT)
        return backend_error_set(err, BACKEND_VALIDATION,
                                 "unknown device status %d", (int)status);
    int64_t now = store_now_ms(s);
    st = begin(s, now, err);
    if (st != BACKEND_OK)
        return st;
    struct row r;
    st = load(s, id, now, &r, err);
    if (st != BACKEND_OK)
        return finish(s, st, err);
    backend_task_cleanup(&r.task);
    if (!report(s, r.seq, device_id, status, now, at_ms))
        return finish(s, db_error(s, err), err);
    if (sqlite3_changes(s->db) == 0) {
        backend_error_set(err, BACKEND_NOT_FOUND,
                          "WirelessDevice %s is not associated with FuotaTask "
                          "%s.",
                          device_id, id);
        backend_error_set_resource(err, "WirelessDevice", device_id);
        return finish(s, BACKEND_NOT_FOUND, err);
    }
    return finish(s, BACKEND_OK, err);
}

/* --- open / close / quarantine
 * ------------------------------------------------ */

enum file_kind { FILE_OURS, FILE_EMPTY, FILE_FOREIGN, FILE_CORRUPT };

static bool pragma_int(sqlite3 *db, const char *sql, int64_t *out, int *rc)
{
    sqlite3_stmt *q;
    *rc = sqlite3_prepare_v2(db, sql, -1, &q, NULL);
    if (*rc != SQLITE_OK)
        return false;
    *rc = sqlite3_step(q);
    bool ok = *rc == SQLITE_ROW;
    if (ok) {
        *out = sqlite3_column_int64(q, 0);
        *rc = SQLITE_OK;
    }
    sqlite3_finalize(q);
    return ok;
}

static bool is_corruption(int rc)
{
    rc &= 0xFF;
    return rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT;
}

/* What is this file? Errors other than corruption are returned in *rc. */
static bool classify(sqlite3 *db, enum file_kind *kind, int64_t *version,
                     int *rc)
{
    int64_t app = 0, tables = 0;
    if (!pragma_int(db, "PRAGMA application_id", &app, rc) ||
        !pragma_int(db, "PRAGMA user_version", version, rc) ||
        !pragma_int(db, "SELECT count(*) FROM sqlite_master", &tables, rc)) {
        if (is_corruption(*rc)) {
            *kind = FILE_CORRUPT;
            *rc = SQLITE_OK;
            return true;
        }
        return false;
    }
    sqlite3_stmt *q;
    *rc = sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &q, NULL);
    if (*rc == SQLITE_OK) {
        *rc = sqlite3_step(q);
        bool fine = *rc == SQLITE_ROW &&
                    strcmp((const char *)sqlite3_column_text(q, 0), "ok") == 0;
        if (*rc == SQLITE_ROW)
            *rc = SQLITE_OK;
        sqlite3_finalize(q);
        if (*rc == SQLITE_OK && !fine) {
            *kind = FILE_CORRUPT;
            return true;
        }
    }
    if (*rc != SQLITE_OK) {
        if (is_corruption(*rc)) {
            *kind = FILE_CORRUPT;
            *rc = SQLITE_OK;
            return true;
        }
        return false;
    }
    if (app == STORE_APPLICATION_ID)
        *kind = FILE_OURS;
    else if (app == 0 && tables == 0)
        *kind = FILE_EMPTY;
    else
        *kind = FILE_FOREIGN;
    return true;
}

/* Moves src to dst without ever replacing an existing dst. */
static int move_aside(const char *src, const char *dst)
{
    if (link(src, dst) == 0)
        return unlink(src) == 0 ? 0 : -1;
    if (errno == EEXIST)
        return -1;
    /* No hard links here (some filesystems): check, then rename. */
    struct stat sb;
    if (stat(dst, &sb) == 0) {
        errno = EEXIST;
        return -1;
    }
    return rename(src, dst);
}

static enum backend_status quarantine(struct store *s, const char *path,
                                      struct backend_error *err)
{
    int64_t now = store_now_ms(s);
    time_t t = (time_t)(now / 1000);
    struct tm tm;
    char stamp[32];
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
    size_t cap = strlen(path) + 64;
    char *dst = malloc(cap), *side = malloc(cap + 8), *from = malloc(cap);
    if (!dst || !side || !from) {
        free(dst);
        free(side);
        free(from);
        return no_memory(err);
    }
    int rc = -1;
    for (int n = 0; n < 1000; n++) {
        if (n == 0)
            snprintf(dst, cap, "%s.corrupt-%s", path, stamp);
        else
            snprintf(dst, cap, "%s.corrupt-%s-%d", path, stamp, n);
        rc = move_aside(path, dst);
        if (rc == 0 || errno != EEXIST)
            break;
    }
    if (rc != 0) {
        backend_error_set(err, BACKEND_INTERNAL,
                          "%s is not a fuota simulator database and could "
                          "not be moved aside: %s",
                          path, strerror(errno));
        free(dst);
        free(side);
        free(from);
        return BACKEND_INTERNAL;
    }
    /* The journal files belong to the old file: keep them with it. */
    static const char *const suffixes[] = { "-wal", "-shm", "-journal" };
    for (size_t i = 0; i < 3; i++) {
        snprintf(from, cap, "%s%s", path, suffixes[i]);
        snprintf(side, cap + 8, "%s%s", dst, suffixes[i]);
        if (access(from, F_OK) == 0 && move_aside(from, side) != 0)
            unlink(from);
    }
    free(side);
    free(from);
    s->quarantined = dst;
    return BACKEND_OK;
}

static enum backend_status migrate(struct store *s, struct backend_error *err)
{
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return db_error(s, err);
    int64_t version = 0;
    int rc;
    if (!pragma_int(s->db, "PRAGMA user_version", &version, &rc)) {
        enum backend_status e = db_error(s, err);
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return e;
    }
    if (version > STORE_SCHEMA_VERSION) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return backend_error_set(err, BACKEND_INTERNAL,
                                 "the simulator database has schema version "
                                 "%" PRId64 ", newer than this fuota "
                                 "supports (%d); it was left untouched",
                                 version, STORE_SCHEMA_VERSION);
    }
    for (; version < STORE_SCHEMA_VERSION; version++) {
        if (sqlite3_exec(s->db, migrations[version], NULL, NULL, NULL) !=
            SQLITE_OK) {
            enum backend_status e = db_error(s, err);
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return e;
        }
    }
    char sql[96];
    snprintf(sql, sizeof(sql),
             "PRAGMA user_version = %d; PRAGMA application_id = %d",
             STORE_SCHEMA_VERSION, STORE_APPLICATION_ID);
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        enum backend_status e = db_error(s, err);
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return e;
    }
    return BACKEND_OK;
}

static enum backend_status open_db(struct store *s, const char *path,
                                   bool memory, struct backend_error *err)
{
    int flags =
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(memory ? ":memory:" : path, &s->db, flags, NULL) !=
        SQLITE_OK) {
        enum backend_status e =
            s->db
                ? backend_error_set(err, BACKEND_INTERNAL, "cannot open %s: %s",
                                    path, sqlite3_errmsg(s->db))
                : no_memory(err);
        sqlite3_close(s->db);
        s->db = NULL;
        return e;
    }
    return BACKEND_OK;
}

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
        opts->image_bytes < 0 || opts->setup_ms < 0 || opts->delete_ms < 0)
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
    s->on_session_start = opts->on_session_start;
    s->hook_ctx = opts->hook_ctx;
    s->throttle_rate = opts->throttle_rate;
    s->error_rate = opts->error_rate;
    s->rng = opts->seed;
    if (!s->region || !s->account) {
        store_close(s);
        return no_memory(err);
    }

    const char *path = opts->path;
    bool memory = !path || strcmp(path, ":memory:") == 0;
    enum backend_status st = open_db(s, path, memory, err);
    int busy = opts->busy_timeout_ms > 0 ? opts->busy_timeout_ms
                                         : STORE_DEFAULT_BUSY_MS;
    if (st == BACKEND_OK)
        sqlite3_busy_timeout(s->db, busy);
    if (st == BACKEND_OK && !memory) {
        enum file_kind kind;
        int64_t version = 0;
        int rc;
        if (!classify(s->db, &kind, &version, &rc)) {
            st = backend_error_set(err, BACKEND_INTERNAL, "cannot read %s: %s",
                                   path, sqlite3_errstr(rc));
        } else if (kind == FILE_CORRUPT || kind == FILE_FOREIGN) {
            sqlite3_close(s->db);
            s->db = NULL;
            st = quarantine(s, path, err);
            if (st == BACKEND_OK)
                st = open_db(s, path, false, err);
            if (st == BACKEND_OK)
                sqlite3_busy_timeout(s->db, busy);
        }
    }
    if (st == BACKEND_OK && !memory) {
        /* WAL + FULL: a commit is on disk before we answer. */
        char *mode = NULL;
        sqlite3_stmt *q;
        if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &q,
                               NULL) == SQLITE_OK) {
            if (sqlite3_step(q) == SQLITE_ROW)
                mode = strdup((const char *)sqlite3_column_text(q, 0));
            sqlite3_finalize(q);
        }
        if (!mode || strcmp(mode, "wal") != 0)
            st = backend_error_set(err, BACKEND_INTERNAL,
                                   "cannot switch %s to WAL mode: %s", path,
                                   sqlite3_errmsg(s->db));
        free(mode);
    }
    if (st == BACKEND_OK &&
        sqlite3_exec(
            s->db,
            opts->sync_normal
                ? "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON"
                : "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON",
            NULL, NULL, NULL) != SQLITE_OK)
        st = db_error(s, err);
    if (st == BACKEND_OK)
        st = migrate(s, err);
    if (st != BACKEND_OK) {
        store_close(s);
        return st;
    }
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
    pthread_mutex_destroy(&s->mu);
    pthread_mutex_destroy(&s->rng_mu);
    free(s->region);
    free(s->account);
    free(s->quarantined);
    free(s);
}

const char *store_quarantined(const struct store *s)
{
    return s->quarantined;
}
