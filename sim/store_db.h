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
 * store_open() in sim/store.h. Refused with BACKEND_INTERNAL, the file left
 * as it was, and a message naming the path and the reason: a directory;
 * anything but a regular file (/dev/null, a pipe); a missing directory or
 * one where no file can be created; a file fuota cannot write ("is
 * read-only"); a file that is not an SQLite database; another application's
 * SQLite database (another application_id, or application_id 0 with tables
 * of its own); a newer schema of ours. Only a file that carries our schema
 * marker (application_id STORE_APPLICATION_ID in its header) and fails to
 * open or PRAGMA quick_check is moved aside, to
 * PATH.corrupt-YYYYMMDDTHHMMSSZ[-N] (journal files alongside; nothing is
 * overwritten), and a fresh database is made at PATH; *quarantined then gets
 * that name (heap, the caller frees it), else NULL. An empty file (0 bytes)
 * is taken as a new one. The file is in WAL mode with foreign keys on; an
 * older schema is upgraded in one transaction.
 * On success *db is the open connection (close with sqlite3_close()).
 * Errors: BACKEND_INTERNAL (the refusals above, I/O, SQLite),
 * BACKEND_NO_MEMORY; *db and *quarantined are NULL then.
 *
 * One process should hold one store per file: the checks open and close
 * the file, which drops POSIX locks another connection of the same process
 * holds on it (SQLite's own connections are kept apart from that).
 */
enum backend_status store_db_open(const struct store_db_options *opts,
                                  sqlite3 **db, char **quarantined,
                                  struct backend_error *err)
    __attribute__((warn_unused_result));

/*
 * Marks path as in use by this process (a shared flock(2), which SQLite's
 * POSIX locks ignore) and tells whether another process had it marked
 * already (*held_elsewhere). Returns the descriptor that holds the mark --
 * close it after the database connection, never before -- or -1 (":memory:",
 * NULL, or the file cannot be opened; *held_elsewhere false then).
 */
int store_db_lock(const char *path, bool *held_elsewhere);

/*
 * Fills *err with InternalServerException's message plus SQLite's last error
 * on db ("... (simulator database: ...)"); returns BACKEND_INTERNAL.
 */
enum backend_status store_db_error(sqlite3 *db, struct backend_error *err);

#endif
