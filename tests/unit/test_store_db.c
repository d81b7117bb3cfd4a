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

/* Not SQLite: moved aside under a dated name, never over an existing one. */
static void test_garbage_is_quarantined(void **state)
{
    (void)state;
    char path[128], want[192];
    snprintf(path, sizeof(path), "%s/junk.db", tmpdir);
    for (int round = 0; round < 2; round++) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        for (int i = 0; i < 64; i++)
            fputs("this is not a database. ", f);
        assert_int_equal(fclose(f), 0);
        struct store_db_options o = opts_for(path);
        struct backend_error err;
        sqlite3 *db;
        char *moved;
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
    }
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
        sqlite3_exec(db, "PRAGMA user_version = 3", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(store_db_open(&o, &db, &moved, &err), BACKEND_INTERNAL);
    assert_null(db);
    assert_null(moved);
    assert_non_null(strstr(err.message, "schema version 3, newer"));
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(one_int(db, "PRAGMA user_version"), 3);
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
        cmocka_unit_test(test_garbage_is_quarantined),
        cmocka_unit_test(test_newer_schema_refused),
        cmocka_unit_test(test_memory_and_error_wording),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
