#include "sim/store_db.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sim/store.h"
#include "sim/store_msg.h"

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

/* v3: devices a task has through a multicast group (the group's virtual
 * devices) name it; NULL for devices associated directly. */
static const char schema_v3[] =
    "ALTER TABLE task_devices ADD COLUMN via_group TEXT;"
    "CREATE INDEX task_devices_group ON task_devices(via_group)"
    " WHERE via_group IS NOT NULL;";

/* migrations[v] upgrades a schema of version v to v + 1. */
static const char *const migrations[] = {
    schema_v1,
    schema_v2,
    schema_v3,
};

enum file_kind { FILE_OURS, FILE_EMPTY, FILE_FOREIGN, FILE_CORRUPT };

/* What the bytes at a path say before SQLite opens it. */
enum path_kind {
    PATH_NEW,     /* nothing there yet: SQLite creates it */
    PATH_EMPTY,   /* a file of 0 bytes */
    PATH_OURS,    /* an SQLite header with our application_id */
    PATH_UNMARKED /* an SQLite header with application_id 0 */
};

enum backend_status store_db_error(sqlite3 *db, struct backend_error *err)
{
    return backend_error_set(err, BACKEND_INTERNAL,
                             "%s (simulator database: %s)", STORE_MSG_INTERNAL,
                             sqlite3_errmsg(db));
}

static enum backend_status no_memory(struct backend_error *err)
{
    return backend_error_set(err, BACKEND_NO_MEMORY, "out of memory");
}

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

/* PRAGMA quick_check: true when it answers "ok"; SQLite's errors in *rc. */
static bool quick_check_ok(sqlite3 *db, int *rc)
{
    sqlite3_stmt *q;
    *rc = sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &q, NULL);
    if (*rc != SQLITE_OK)
        return false;
    *rc = sqlite3_step(q);
    const unsigned char *v =
        *rc == SQLITE_ROW ? sqlite3_column_text(q, 0) : NULL;
    bool ok = v && strcmp((const char *)v, "ok") == 0;
    if (*rc == SQLITE_ROW)
        *rc = SQLITE_OK;
    sqlite3_finalize(q);
    return ok;
}

/* What is this file? Errors other than corruption are returned in *rc. */
static bool classify(sqlite3 *db, enum file_kind *kind, int *rc)
{
    int64_t app = 0, tables = 0;
    bool fine =
        pragma_int(db, "PRAGMA application_id", &app, rc) &&
        pragma_int(db, "SELECT count(*) FROM sqlite_master", &tables, rc) &&
        quick_check_ok(db, rc);
    if (*rc != SQLITE_OK) {
        if (!is_corruption(*rc))
            return false;
        *rc = SQLITE_OK;
        fine = false;
    }
    if (!fine)
        *kind = FILE_CORRUPT;
    else if (app == STORE_APPLICATION_ID)
        *kind = FILE_OURS;
    else if (app == 0 && tables == 0)
        *kind = FILE_EMPTY;
    else
        *kind = FILE_FOREIGN;
    return true;
}

/* The directory part of path ("." when there is none), into dir. */
static void dir_of(const char *path, char *dir, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(dir, size, ".");
    else if (slash == path)
        snprintf(dir, size, "/");
    else
        snprintf(dir, size, "%.*s", (int)(slash - path), path);
}

/* The directory must take new files: the database, -wal and -shm. */
static enum backend_status check_dir(const char *path, bool creating,
                                     struct backend_error *err)
{
    char dir[4096];
    struct stat sb;
    dir_of(path, dir, sizeof(dir));
    if (stat(dir, &sb) != 0)
        return backend_error_set(err, BACKEND_INTERNAL,
                                 errno == ENOENT
                                     ? "no such directory: %s"
                                     : "cannot use directory %s: %s",
                                 dir, strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return backend_error_set(err, BACKEND_INTERNAL, "%s is not a directory",
                                 dir);
    if (access(dir, W_OK | X_OK) != 0)
        return backend_error_set(err, BACKEND_INTERNAL,
                                 "cannot %s files in %s: %s (the state file "
                                 "and its -wal and -shm journals live there)",
                                 creating ? "create" : "write", dir,
                                 strerror(errno));
    return BACKEND_OK;
}

/*
 * Looks at what is at path before SQLite touches it, and refuses what fuota
 * must not open: a directory, anything but a regular file (/dev/null, a
 * pipe), a file it cannot write, a missing or read-only directory, and any
 * existing file that is not recognisably a fuota state file (an SQLite
 * header with our application_id) or blank (0 bytes, or an SQLite header
 * with application_id 0, judged by its tables once open). Reads the first
 * 100 bytes only; writes nothing.
 */
static enum backend_status check_path(const char *path, enum path_kind *kind,
                                      struct backend_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (errno != ENOENT)
            return backend_error_set(err, BACKEND_INTERNAL, "cannot use %s: %s",
                                     path, strerror(errno));
        *kind = PATH_NEW;
        return check_dir(path, true, err);
    }
    if (S_ISDIR(sb.st_mode))
        return backend_error_set(err, BACKEND_INTERNAL,
                                 "%s is a directory; the state is a file in "
                                 "it, such as %s/simulator.db",
                                 path, path);
    if (!S_ISREG(sb.st_mode))
        return backend_error_set(err, BACKEND_INTERNAL,
                                 "%s is not a regular file (a device, pipe or "
                                 "socket); the state is a file fuota writes",
                                 path);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return backend_error_set(err, BACKEND_INTERNAL, "%s %s: %s", path,
                                 errno == EACCES || errno == EROFS ||
                                         errno == EPERM
                                     ? "is read-only"
                                     : "cannot be opened",
                                 strerror(errno));
    unsigned char head[100];
    ssize_t n = read(fd, head, sizeof(head));
    int read_errno = errno;
    close(fd);
    if (n < 0)
        return backend_error_set(err, BACKEND_INTERNAL, "cannot read %s: %s",
                                 path, strerror(read_errno));
    if (n == 0) {
        *kind = PATH_EMPTY;
        return check_dir(path, false, err);
    }
    if ((size_t)n < sizeof(head) || memcmp(head, "SQLite format 3", 16) != 0)
        return backend_error_set(err, BACKEND_INTERNAL,
                                 "%s is not a fuota state file (not an SQLite "
                                 "database) and was left untouched; name a "
                                 "new file or one fuota made",
                                 path);
    uint32_t app = (uint32_t)head[68] << 24 | (uint32_t)head[69] << 16 |
                   (uint32_t)head[70] << 8 | head[71];
    if (app != 0 && app != STORE_APPLICATION_ID)
        return backend_error_set(err, BACKEND_INTERNAL,
                                 "%s is another application's SQLite "
                                 "database (application_id 0x%08X, not "
                                 "fuota's) and was left untouched; name a "
                                 "new file or one fuota made",
                                 path, (unsigned)app);
    *kind = app == 0 ? PATH_UNMARKED : PATH_OURS;
    return check_dir(path, false, err);
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

/* Moves the file at path and its journals to PATH.corrupt-STAMP[-N]. */
static enum backend_status quarantine(const char *path, int64_t now_ms,
                                      char **moved, struct backend_error *err)
{
    time_t t = (time_t)(now_ms / 1000);
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
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(from, cap, "%s%s", path, suffixes[i]);
        snprintf(side, cap + 8, "%s%s", dst, suffixes[i]);
        if (access(from, F_OK) == 0 && move_aside(from, side) != 0)
            unlink(from);
    }
    free(side);
    free(from);
    *moved = dst;
    return BACKEND_OK;
}

/* Rolls back the open transaction and returns e. */
static enum backend_status rollback(sqlite3 *db, enum backend_status e)
{
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return e;
}

/* Creates or upgrades the schema in one write transaction. */
static enum backend_status migrate(sqlite3 *db, struct backend_error *err)
{
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return store_db_error(db, err);
    int64_t version = 0, app = 0;
    int rc;
    if (!pragma_int(db, "PRAGMA user_version", &version, &rc) ||
        !pragma_int(db, "PRAGMA application_id", &app, &rc))
        return rollback(db, store_db_error(db, err));
    if (version > STORE_SCHEMA_VERSION)
        return rollback(
            db, backend_error_set(err, BACKEND_INTERNAL,
                                  "the simulator database has schema version "
                                  "%" PRId64 ", newer than this fuota "
                                  "supports (%d); it was left untouched",
                                  version, STORE_SCHEMA_VERSION));
    /* Already current: commit nothing rather than rewrite the header. */
    if (version == STORE_SCHEMA_VERSION && app == STORE_APPLICATION_ID)
        return rollback(db, BACKEND_OK);
    for (; version < STORE_SCHEMA_VERSION; version++)
        if (sqlite3_exec(db, migrations[version], NULL, NULL, NULL) !=
            SQLITE_OK)
            return rollback(db, store_db_error(db, err));
    char sql[96];
    snprintf(sql, sizeof(sql),
             "PRAGMA user_version = %d; PRAGMA application_id = %d",
             STORE_SCHEMA_VERSION, STORE_APPLICATION_ID);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return rollback(db, store_db_error(db, err));
    return BACKEND_OK;
}

static enum backend_status open_file(const char *path, bool memory, int busy,
                                     sqlite3 **db, struct backend_error *err)
{
    int flags =
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(memory ? ":memory:" : path, db, flags, NULL) !=
        SQLITE_OK) {
        enum backend_status e =
            *db ? backend_error_set(err, BACKEND_INTERNAL, "cannot open %s: %s",
                                    path, sqlite3_errmsg(*db))
                : no_memory(err);
        sqlite3_close(*db);
        *db = NULL;
        return e;
    }
    sqlite3_busy_timeout(*db, busy);
    return BACKEND_OK;
}

/* WAL: a commit is one append to the log, readers never block the writer. */
static enum backend_status use_wal(sqlite3 *db, const char *path,
                                   struct backend_error *err)
{
    bool wal = false;
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &q, NULL) ==
        SQLITE_OK) {
        if (sqlite3_step(q) == SQLITE_ROW) {
            const unsigned char *mode = sqlite3_column_text(q, 0);
            wal = mode && strcmp((const char *)mode, "wal") == 0;
        }
        sqlite3_finalize(q);
    }
    if (!wal)
        return backend_error_set(err, BACKEND_INTERNAL,
                                 "cannot switch %s to WAL mode: %s", path,
                                 sqlite3_errmsg(db));
    return BACKEND_OK;
}

enum backend_status store_db_open(const struct store_db_options *o,
                                  sqlite3 **out, char **quarantined,
                                  struct backend_error *err)
{
    *out = NULL;
    *quarantined = NULL;
    const char *path = o->path;
    bool memory = !path || strcmp(path, ":memory:") == 0;
    sqlite3 *db = NULL;
    char *moved = NULL;
    enum path_kind pk = PATH_NEW;
    enum backend_status st = memory ? BACKEND_OK : check_path(path, &pk, err);
    if (st == BACKEND_OK)
        st = open_file(path, memory, o->busy_timeout_ms, &db, err);
    /* SQLite quietly opens a file it cannot write read-only. */
    if (st == BACKEND_OK && !memory && sqlite3_db_readonly(db, "main") == 1)
        st = backend_error_set(err, BACKEND_INTERNAL,
                               "%s is read-only: fuota could not write it",
                               path);
    if (st == BACKEND_OK && !memory && pk != PATH_NEW) {
        enum file_kind kind;
        int rc;
        if (!classify(db, &kind, &rc)) {
            st = backend_error_set(err, BACKEND_INTERNAL, "cannot read %s: %s",
                                   path, sqlite3_errstr(rc));
        } else if (kind == FILE_CORRUPT && pk == PATH_OURS) {
            /* Only what is recognisably ours is moved aside. */
            sqlite3_close(db);
            db = NULL;
            st = quarantine(path, o->clock(o->clock_ctx), &moved, err);
            if (st == BACKEND_OK)
                st = open_file(path, false, o->busy_timeout_ms, &db, err);
        } else if (kind == FILE_CORRUPT || kind == FILE_FOREIGN) {
            st = backend_error_set(
                err, BACKEND_INTERNAL,
                "%s is an SQLite database fuota did not "
                "make (%s, no fuota schema marker) and was "
                "left untouched; name a new file or one "
                "fuota made",
                path, kind == FILE_CORRUPT ? "damaged" : "tables of its own");
        }
    }
    if (st == BACKEND_OK && !memory)
        st = use_wal(db, path, err);
    /* FULL: a commit is on disk before we answer (see store_options). */
    if (st == BACKEND_OK &&
        sqlite3_exec(
            db,
            o->sync_normal
                ? "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON"
                : "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON",
            NULL, NULL, NULL) != SQLITE_OK)
        st = store_db_error(db, err);
    if (st == BACKEND_OK)
        st = migrate(db, err);
    if (st != BACKEND_OK) {
        sqlite3_close(db);
        free(moved);
        return st;
    }
    *out = db;
    *quarantined = moved;
    return BACKEND_OK;
}

int store_db_lock(const char *path, bool *held_elsewhere)
{
    *held_elsewhere = false;
    if (!path || strcmp(path, ":memory:") == 0)
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        *held_elsewhere = errno == EWOULDBLOCK;
        (void)flock(fd, LOCK_SH | LOCK_NB);
    } else {
        (void)flock(fd, LOCK_SH | LOCK_NB); /* let later openers share */
    }
    return fd;
}
