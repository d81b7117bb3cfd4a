#ifndef FUOTA_SIM_STORE_DB_H
#define FUOTA_SIM_STORE_DB_H

/*
 * The store's SQLite file: opening it, moving aside a file that is corrupt
 * or not ours, WAL and synchronous pragmas, creating the schema and
 * upgrading an older one in place (PRAGMA user_version =
 * STORE_SCHEMA_VERSION, application_id = STORE_APPLICATION_ID, both in
 * sim/store.h). sim/store.c runs its queries on the connection this returns.
 *
 * Threads: store_db_open() may run in any thread; the connection it returns
 * is opened SQLITE_OPEN_NOMUTEX, so its user serialises every use of it.
 */

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "core/backend.h"

struct store_db_options {
    /* Database file, or NULL / ":memory:" for a private in-memory one. */
    const char *path;
    int busy_timeout_ms; /* wait for other processes' locks (> 0) */
    /* synchronous=NORMAL instead of FULL (see store_options.sync_normal). */
    bool sync_normal;
    /* Wall-clock ms since the epoch, read only to name a quarantined file. */
    int64_t (*clock)(void *ctx);
    void *clock_ctx;
};

/*
 * Opens (creating if needed) the database at opts->path with the contract of
 * store_open() in sim/store.h: a file that is not an SQLite database, fails
 * PRAGMA quick_check, or is another application's SQLite database is renamed
 * to PATH.corrupt-YYYYMMDDTHHMMSSZ[-N] (journal files alongside; nothing is
 * overwritten) and a fresh database is made at PATH; *quarantined then gets
 * that name (heap, the caller frees it), else NULL. The file is in WAL mode
 * with foreign keys on; an older schema is upgraded in one transaction, a
 * newer one refused with the file untouched.
 * On success *db is the open connection (close with sqlite3_close()).
 * Errors: BACKEND_INTERNAL (I/O, SQLite, newer schema), BACKEND_NO_MEMORY;
 * *db and *quarantined are NULL then.
 */
enum backend_status store_db_open(const struct store_db_options *opts,
                                  sqlite3 **db, char **quarantined,
                                  struct backend_error *err)
    __attribute__((warn_unused_result));

/*
 * Fills *err with InternalServerException's message plus SQLite's last error
 * on db ("... (simulator database: ...)"); returns BACKEND_INTERNAL.
 */
enum backend_status store_db_error(sqlite3 *db, struct backend_error *err);

#endif
