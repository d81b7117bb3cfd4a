#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "sim/store.h"
#include "sim/store_db.h"

/* 2024-05-01T12:00:00Z, in ms */
#define T0 1714564800000LL

static char tmpdir[64];

static int64_t fixed_clock(void *ctx)
{
    (void)ctx;
    return T0;
}

static int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_store_db.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static struct store_db_options opts_for(const char *path)
{
    struct store_db_options o = { .path = path,
                                  .busy_timeout_ms = 1000,
                                  .clock = fixed_clock };
    return o;
}

static int64_t one_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *q;
    int64_t v = -1;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    if (sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

static off_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? sb.st_size : -1;
}

/* A new file gets our schema; reopening it writes nothing at all. */
static void test_create_then_reopen_writes_nothing(void **state)
{
    (void)state;
    char path[128], wal[160];
    snprintf(path, sizeof(path), "%s/fresh.db", tmpdir);
    snprintf(wal, sizeof(wal), "%s-wal", path);
    struct store_db_options o = opts_for(path);
    struct backend_error err;
    sqlite3 *db;
    char *moved;
    assert_int_equal(store_db_open(&o, &db, &moved, &err), BACKEND_OK);
    assert_null(moved);
    assert_int_equal(one_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    assert_int_equal(one_int(db, "PRAGMA application_id"),
                     STORE_APPLICATION_ID);
    assert_int_equal(one_int(db, "PRAGMA foreign_keys"), 1);
    assert_int_equal(one_int(db, "PRAGMA synchronous"), 2); /* FULL */
    assert_int_equal(one_int(db, "SELECT count(*) FROM sqlite_master"
                                 " WHERE name = 'tasks'"),
                     1);
    sqlite3_close(db);

    o.sync_normal = true;
    assert_int_equal(store_db_open(&o, &db, &moved, &err), BACKEND_OK);
    assert_null(moved);
    assert_int_equal(one_int(db, "PRAGMA synchronous"), 1); /* NORMAL */
    /* the schema is current: no transaction was committed to the log */
    assert_int_equal(file_size(wal), 0);
    sqlite3_close(db);
}

/* Reads a whole file into a heap buffer (*n bytes); NULL if unreadable. */
static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 16);
    assert_non_null(buf);
    *n = fread(buf, 1, 1 << 16, f);
    fclose(f);
    return buf;
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* An SQLite database that another application made. */
static void make_sqlite(const char *path, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* No file of the directory is named like a quarantined one. */
static void assert_nothing_moved(void)
{
    char cmd[160];
    snprintf(cmd, sizeof(cmd), "ls '%s' | grep -q corrupt", tmpdir);
    assert_int_not_equal(system(cmd), 0);
}

/*
 * What is not recognisably a fuota state file is refused with a message
 * naming the reason, and left byte for byte as it was: a firmware image,
 * text, a short file, another application's SQLite file (its own
 * application_id, or none and tables of its own), a directory, a device,
 * a path in a directory that does not exist.
 */
static void test_not_ours_is_refused_untouched(void **state)
{
    (void)state;
    char fw[128], text[128], tiny[128], app[128], plain[128], dir[128],
        nodir[160];
    snprintf(fw, sizeof(fw), "%s/fw.bin", tmpdir);
    snprintf(text, sizeof(text), "%s/notes.txt", tmpdir);
    snprintf(tiny, sizeof(tiny), "%s/tiny", tmpdir);
    snprintf(app, sizeof(app), "%s/app.sqlite", tmpdir);
    snprintf(plain, sizeof(plain), "%s/plain.sqlite", tmpdir);
    snprintf(dir, sizeof(dir), "%s/adir", tmpdir);
    snprintf(nodir, sizeof(nodir), "%s/missing/state.db", tmpdir);
    unsigned char image[4096];
    for (size_t i = 0; i < sizeof(image); i++)
        image[i] = (unsigned char)(i * 131 + 7);
    write_file(fw, image, sizeof(image));
    static const char words[] = "this is not a database. this is not one.\n"
                                "this is not a database, not at all, no.\n"
                                "and a third line to pass 100 bytes.\n";
    write_file(text, words, sizeof(words) - 1);
    write_file(tiny, "SQLite format 3", 16);
    make_sqlite(app, "PRAGMA application_id = 305419896;"
                     "CREATE TABLE notes(x); INSERT INTO notes VALUES(1)");
    make_sqlite(plain, "CREATE TABLE contacts(x)");
    assert_int_equal(mkdir(dir, 0700), 0);
    const struct {
        const char *path;
        const char *says;
        bool file;
    } rows[] = {
        { fw,
          "is not a fuota state file (not an SQLite database) and was "
          "left untouched",
          true },
        { text, "is not a fuota state file", true },
        { tiny, "is not a fuota state file", true },
        { app,
          "another application's SQLite database (application_id "
          "0x12345678, not fuota's) and was left untouched",
          true },
        { plain,
          "is an SQLite database fuota did not make (tables of its "
          "own, no fuota schema marker) and was left untouched",
          true },
        { dir, "is a directory; the state is a file in it", false },
        { "/dev/null", "/dev/null is not a regular file", false },
        { nodir, "no such directory: ", false },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        size_t n0 = 0, n1 = 0;
        char *before = rows[i].file ? slurp(rows[i].path, &n0) : NULL;
        struct store_db_options o = opts_for(rows[i].path);
        struct backend_error err;
        backend_error_clear(&err);
        sqlite3 *db = (sqlite3 *)&err;
        char *moved = (char *)&err;
        assert_int_equal(store_db_open(&o, &db, &moved, &err),
                         BACKEND_INTERNAL);
        assert_null(db);
        assert_null(moved);
        if (strstr(err.message, rows[i].says) == NULL)
            fail_msg("%s: %s", rows[i].path, err.message);
        if (rows[i].file) {
            char *after = slurp(rows[i].path, &n1);
            assert_non_null(after);
            assert_int_equal(n1, n0);
            assert_memory_equal(after, before, n0);
            free(after);
        }
        free(before);
    }
    assert_nothing_moved();
    /* nothing was made in the missing directory either */
    assert_int_equal(file_size(nodir), -1);
}

/*
 * Only fuota's own state file, recognised by its schema marker, is moved
 * aside when damaged -- under a dated name, never over an existing one --
 * and a fresh one made; an empty file is taken as a new one.
 */
static void test_damaged_ours_is_quarantined(void **state)
{
    (void)state;
    char path[128], want[192];
    snprintf(path, sizeof(path), "%s/ours.db", tmpdir);
    for (int round = 0; round < 2; round++) {
        struct store_db_options o = opts_for(path);
        struct backend_error err;
        sqlite3 *db;
        char *moved;
        assert_int_equal(store_db_open(&o, &db, &moved, &err), BACKEND_OK);
        sqlite3_close(db);
        /* keep the 100-byte header (magic, application_id), spoil the
         * schema page behind it */
        size_t n = 0;
        char *bytes = slurp(path, &n);
        assert_non_null(bytes);
        assert_true(n > 600);
        memset(bytes + 100, 0xA5, 400);
        write_file(path, bytes, n);
        free(bytes);
        assert_int_equal(store_db_open(&o, &db, &moved, &err), BACKEND_OK);
        assert_non_null(moved);
        if (round == 0)
            snprintf(want, sizeof(want), "%s.corrupt-20240501T120000Z", path);
        else
            snprintf(want, sizeof(want), "%s.corrupt-20240501T120000Z-1", path);
        assert_string_equal(moved, want);
        assert_true(file_size(moved) > 0);
        assert_int_equal(one_int(db, "PRAGMA user_version"),
                         STORE_SCHEMA_VERSION);
        sqlite3_close(db);
        free(moved);
        unlink(path);
    }
    char empty[128];
    snprintf(empty, sizeof(empty), "%s/empty.db", tmpdir);
    write_file(empty, "", 0);
    struct store_db_options o = opts_for(empty);
    struct backend_error err;
    sqlite3 *db;
    char *moved;
    assert_int_equal(store_db_open(&o, &db, &moved, &err), BACKEND_OK);
    assert_null(moved);
    assert_int_equal(one_int(db, "PRAGMA application_id"),
                     STORE_APPLICATION_ID);
    sqlite3_close(db);
}

/* The in-use mark: the first holder is alone, a second one is told, and
 * once both let go the next one is alone again. */
static void test_in_use_mark(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof(path), "%s/shared.db", tmpdir);
    write_file(path, "", 0);
    bool held = true;
    int a = store_db_lock(path, &held);
    assert_true(a >= 0);
    assert_false(held);
    int b = store_db_lock(path, &held);
    assert_true(b >= 0);
    assert_true(held);
    close(a);
    close(b);
    int c = store_db_lock(path, &held);
    assert_false(held);
    close(c);
    assert_int_equal(store_db_lock(":memory:", &held), -1);
    assert_false(held);
}

/* A newer schema of ours is refused and left as it was. */
static void test_newer_schema_refused(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof(path), "%s/newer.db", tmpdir);
    struct store_db_options o = opts_for(path);
    struct backend_error err;
    sqlite3 *db;
    char *moved;
    assert_int_equal(store_db_open(&o, &db, &moved, &err), BACKEND_OK);
    assert_int_equal(
        sqlite3_exec(db, "PRAGMA user_version = 4", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(store_db_open(&o, &db, &moved, &err), BACKEND_INTERNAL);
    assert_null(db);
    assert_null(moved);
    assert_non_null(strstr(err.message, "schema version 4, newer"));
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(one_int(db, "PRAGMA user_version"), 4);
    sqlite3_close(db);
}

/* In memory: the schema, no file, no quarantine; errors name SQLite's. */
static void test_memory_and_error_wording(void **state)
{
    (void)state;
    struct store_db_options o = opts_for(NULL);
    struct backend_error err;
    sqlite3 *db;
    char *moved;
    assert_int_equal(store_db_open(&o, &db, &moved, &err), BACKEND_OK);
    assert_null(moved);
    assert_int_equal(one_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    assert_int_not_equal(
        sqlite3_exec(db, "SELECT * FROM no_such_table", NULL, NULL, NULL),
        SQLITE_OK);
    backend_error_clear(&err);
    assert_int_equal(store_db_error(db, &err), BACKEND_INTERNAL);
    assert_string_equal(err.message,
                        "We encountered an internal error. Please try again."
                        " (simulator database: no such table: no_such_table)");
    sqlite3_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_then_reopen_writes_nothing),
        cmocka_unit_test(test_not_ours_is_refused_untouched),
        cmocka_unit_test(test_damaged_ours_is_quarantined),
        cmocka_unit_test(test_in_use_mark),
        cmocka_unit_test(test_newer_schema_refused),
        cmocka_unit_test(test_memory_and_error_wording),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
