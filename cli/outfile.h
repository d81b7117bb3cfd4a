#ifndef FUOTA_CLI_OUTFILE_H
#define FUOTA_CLI_OUTFILE_H

/*
 * Output files written whole or not at all. Every file a command writes
 * (simulate --report/--csv/--events, fragments --output, and the commands
 * to come: sweep, submit, tasks, the console's save) goes through here:
 *
 *   struct outfile o;
 *   if (!outfile_open(&o, "simulate", "--csv", path))
 *       return EXIT_USAGE;                     (the message is printed)
 *   report_write_csv(o.f, ...);                (write through o.f)
 *   if (!outfile_commit(&o))
 *       return EXIT_USAGE;                     (the message is printed)
 *
 * or outfile_abort(&o) to give up. Each opened outfile ends with exactly
 * one of outfile_commit() and outfile_abort().
 *
 * The contract:
 * - PATH is written as a temporary file in its own folder,
 *   ".NAME.XXXXXX", renamed over PATH by outfile_commit() once fflush,
 *   fsync and fclose succeeded. Until then PATH is untouched: an older file
 *   stays as it was, a reader never sees half a file, and after
 *   outfile_abort(), a failed write or an interrupt nothing is left behind.
 * - A replaced file keeps its permission bits; a new one gets 0666 & ~umask,
 *   as fopen would give it. A symbolic link is followed: the file it names
 *   is replaced and the link stays.
 * - PATH that exists but is no regular file (a FIFO, a terminal, /dev/null,
 *   /dev/full) is written in place: nothing can be renamed over it, so what
 *   reached it before an error stays there.
 * - Refused at open, before anything is written: a directory ("Is a
 *   directory"), a missing folder ("No such file or directory"), a file or
 *   folder the user may not write ("Permission denied").
 * - Interrupts: while temporary files exist, SIGINT, SIGTERM, SIGHUP and
 *   SIGPIPE remove them (unlink is async-signal-safe; the registry is
 *   fixed storage) and then take their course: the previous disposition is
 *   restored and the signal raised again, so the process ends as it would
 *   have (a signal the process ignored is left alone). The handlers are
 *   installed while at least one temporary exists and the previous ones
 *   restored after. A process that exits with temporaries still open
 *   (a path that forgot to abort) removes them at exit (atexit).
 * - Messages: every failure prints one line, "fuota CMD: OPT: PATH:
 *   reason" with the system's reason ("No space left on device"), and
 *   returns false; the caller prints nothing more and exits EXIT_USAGE.
 *   The reason of a failed write is kept from the write that failed, not
 *   guessed at commit.
 * - At most OUTFILE_MAX outfiles are open at once. Not thread-safe: one
 *   thread opens, writes, commits and aborts.
 */

#include <stdbool.h>
#include <stdio.h>

/* Most outfiles open at once. */
#define OUTFILE_MAX 8

struct outfile {
    FILE *f;          /* write here */
    const char *cmd;  /* "simulate", borrowed */
    const char *opt;  /* "--csv", borrowed; NULL = no option to name */
    const char *path; /* as the user gave it, borrowed */
    int fd;           /* the file written: the temporary or PATH itself */
    int err;          /* errno of the first failed write, 0 = none */
    int slot;         /* registry slot of the temporary, -1 = in place */
    char *target;     /* where the file ends up (PATH, links resolved) */
};

/* Opens PATH for writing as above. On failure prints the message, leaves
 * *o safe to pass to outfile_abort() and returns false. */
bool outfile_open(struct outfile *o, const char *cmd, const char *opt,
                  const char *path) __attribute__((warn_unused_result));

/* Flushes and syncs what was written so far, to learn of a failed write
 * before going on (several outputs that stand or fall together are all
 * flushed, then all committed). On failure prints the message, aborts *o
 * and returns false. */
bool outfile_flush(struct outfile *o) __attribute__((warn_unused_result));

/* Flushes, syncs and closes the file and renames it over PATH. On failure
 * (a write that failed earlier or now) prints the message, removes the
 * temporary and returns false. Either way *o is closed. */
bool outfile_commit(struct outfile *o) __attribute__((warn_unused_result));

/* Closes the file and removes the temporary, silently; PATH is untouched
 * (unless it is written in place). Accepts an outfile whose open failed,
 * or one already committed or aborted. */
void outfile_abort(struct outfile *o);

/* Whether A and B name the same file: the same device and inode when both
 * exist, else the same resolved path (folder resolved, then the name).
 * Character devices (/dev/null) are never "the same": writing one twice
 * mangles nothing. */
bool outfile_same(const char *a, const char *b);

/*
 * Standard output keeps the reason of its first failed write too: main()
 * calls outfile_stdout_init() first (it puts a stream over descriptor 1 in
 * place of stdout, line-buffered on a terminal, fully buffered otherwise);
 * outfile_stdout_flush() flushes it and, on a write error now or before,
 * prints "fuota CMD: error writing standard output: REASON" (once per
 * process: a second call stays silent) and returns false. A command that
 * has more to do after printing (commit files) flushes first and gives up
 * when that fails; main() flushes last, so a command that does not check
 * still exits EXIT_USAGE with the one message.
 */
void outfile_stdout_init(void);
bool outfile_stdout_flush(const char *cmd) __attribute__((warn_unused_result));

/* One output of a command, for outfile_distinct(). */
struct outfile_name {
    const char *opt;  /* "--csv" */
    const char *path; /* NULL when the option was not given */
};

/* Prints "fuota CMD: OPT2: PATH is also the file of OPT1: give each output
 * its own file" for the first two of the COUNT outputs that name the same
 * file (outfile_same) and returns false; true when they are distinct. */
bool outfile_distinct(const char *cmd, const struct outfile_name *names,
                      size_t count);

#endif
