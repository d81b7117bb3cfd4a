#ifndef FUOTA_CLI_UTIL_H
#define FUOTA_CLI_UTIL_H

/* Shared helpers for the subcommands: input files, requests, numbers,
 * diagnostics. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/task.h"

/* Exit statuses every command uses. */
enum { EXIT_OK = 0, EXIT_CHECK = 1, EXIT_USAGE = 2 };

/* Largest input file read whole (requests, images). */
#define CLI_MAX_FILE (64u * 1024u * 1024u)

/*
 * Reads PATH ("-" = stdin) whole into a NUL-terminated heap buffer (caller
 * frees) and its length into *len. On failure returns NULL and prints
 * "fuota CMD: PATH: reason" to stderr.
 */
char *cli_read_file(const char *cmd, const char *path, size_t max, size_t *len);

/*
 * Parses a whole decimal integer in [min, max] for option OPT. On error
 * prints "fuota CMD: OPT: 'TEXT' is not ..." and returns false.
 */
bool cli_parse_int(const char *cmd, const char *opt, const char *text,
                   long long min, long long max, long long *out);
/* Same for a decimal number (accepts 12.5); rejects nan/inf. */
bool cli_parse_double(const char *cmd, const char *opt, const char *text,
                      double min, double max, double *out);

/* What cli_load_task made of a request file. */
#define CLI_TASK_STATUS(X)                                                     \
    X(CLI_TASK_READ, "the request was read")                                   \
    X(CLI_TASK_UNUSABLE, "the request could not be read")                      \
    X(CLI_TASK_NO_FILE, "the file could not be read")

enum cli_task_status {
#define CLI_TASK_ENUM(id, text) id,
    CLI_TASK_STATUS(CLI_TASK_ENUM)
#undef CLI_TASK_ENUM
};

/*
 * Reads the CreateFuotaTask request at PATH ("-" = stdin; at most MAX
 * bytes, as cli_read_file) into *task, appending what the document gets
 * wrong to DIAGS (caller-initialised). Returns:
 *   CLI_TASK_READ      a JSON object was read; DIAGS may still hold errors
 *                      (members of the wrong type, unknown members, ...)
 *   CLI_TASK_UNUSABLE  nothing usable came out (not JSON, empty, too deep,
 *                      larger than TASK_JSON_MAX); DIAGS says why
 *   CLI_TASK_NO_FILE   PATH could not be read or is larger than MAX:
 *                      "fuota CMD: PATH: reason" is printed, DIAGS untouched
 * Only the document is checked: call task_validate() with the same DIAGS
 * for the rules of the service model. Whatever the result, *task is
 * initialised and the caller task_cleanup()s it.
 */
enum cli_task_status cli_load_task(const char *cmd, const char *path,
                                   size_t max, struct fuota_task *task,
                                   struct diag_list *diags)
    __attribute__((warn_unused_result));

/* "the request was read", "the request could not be read", ... */
const char *cli_task_status_message(enum cli_task_status st);

/* Prints every diagnostic of the list to stderr, one a line, with its
 * severity: "error: Tags[3].Key: length 0 is below the minimum 1". */
void cli_print_diags(const struct diag_list *list);

/* Prints "fuota CMD: message" to stderr (printf format). */
void cli_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints "Try 'fuota CMD --help'." and returns EXIT_USAGE. */
int cli_usage_error(const char *cmd);

#endif
