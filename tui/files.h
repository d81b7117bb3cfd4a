#ifndef FUOTA_TUI_FILES_H
#define FUOTA_TUI_FILES_H

/*
 * The console's files: requests the operator saves and the draft it keeps.
 * A file is never half-written: the bytes go to a temporary file in the
 * same folder, are flushed to disk (fsync), and only then renamed over
 * the target (then the folder is synced), so a crash or kill -9 leaves
 * either the old file or the new one.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Writes len bytes to path atomically with permissions `mode` (e.g.
 * 0600). False with "PATH: reason" in err; path is then unchanged and no
 * temporary file is left.
 */
bool files_write_atomic(const char *path, const char *data, size_t len,
                        mode_t mode, char *err, size_t errsize)
    __attribute__((warn_unused_result));

/*
 * Reads a whole file of at most max bytes into a NUL-terminated heap
 * buffer (caller frees). NULL with "PATH: reason" in err ("No such file
 * or directory", "is a directory", "larger than N bytes").
 */
char *files_read(const char *path, size_t max, size_t *len, char *err,
                 size_t errsize);

/* Creates a folder and its parents (mode 0700 for new ones). False with
 * the reason in err. */
bool files_mkdirs(const char *dir, char *err, size_t errsize)
    __attribute__((warn_unused_result));

#endif
