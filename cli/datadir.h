#ifndef FUOTA_CLI_DATADIR_H
#define FUOTA_CLI_DATADIR_H

/*
 * Where fuota finds the data files it ships (scenarios/, themes/) at run
 * time, without a path compiled in: relative to the running binary
 * (/proc/self/exe), so that both an installed fuota and one run from the
 * source tree find theirs, whatever PREFIX or DESTDIR:
 *
 *   BINDIR/../share/fuota/SUB    `make install` (PREFIX/bin/fuota)
 *   BINDIR/../SUB                the source tree (build/fuota)
 *   BINDIR/../../SUB             the source tree (build/test/fuota)
 *
 * Only directories that exist are returned, each once (by real path), in
 * that order.
 */

#include <stddef.h>

#define CLI_DATA_PATH_MAX 4096
#define CLI_DATA_DIRS_MAX 3

/* The directories found, as lists of paths (list[i] points into paths). */
struct cli_dirs {
    char paths[CLI_DATA_DIRS_MAX][CLI_DATA_PATH_MAX];
    const char *list[CLI_DATA_DIRS_MAX];
    size_t n;
};

/* Fills *d with the directories of SUB ("scenarios"); returns d->n. */
size_t cli_data_dirs(const char *sub, struct cli_dirs *d);

#endif
