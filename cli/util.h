#ifndef FUOTA_CLI_UTIL_H
#define FUOTA_CLI_UTIL_H

/* Shared helpers for the subcommands: input files, requests, numbers,
 * diagnostics. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/task.h"
#include "sim/fault.h"

/* Exit statuses every command uses. */
enum { EXIT_OK = 0, EXIT_CHECK = 1, EXIT_USAGE = 2 };

/* Largest input file read whole (images; a request is at most
 * TASK_JSON_MAX bytes, see cli_load_task). */
#define CLI_MAX_FILE (64u * 1024u * 1024u)

/*
 * Reads PATH ("-" = stdin) whole into a NUL-terminated heap buffer (caller
 * frees) and its length into *len. Reads at most MAX + 1 bytes, so an
 * endless stream (/dev/zero) ends too. On failure returns NULL and prints
 * "fuota CMD: PATH: reason" to stderr: the errno text when PATH cannot be
 * opened or read ("No such file or directory", "Is a directory"), or
 * "too large: more than MAX bytes".
 */
char *cli_read_file(const char *cmd, const char *path, size_t max, size_t *len);

/*
 * Whether TEXT is a plain decimal number: an optional leading '-', then
 * digits, then (FRACTION only) optionally '.' and digits. Nothing else: no
 * blanks, '+', hex, exponent, "nan" or "inf"; "" is not one. Every numeric
 * option is checked with it before its value is converted.
 */
bool cli_is_decimal(const char *text, bool fraction);

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
 * Reads the CreateFuotaTask request at PATH ("-" = stdin) into *task,
 * appending what the document gets wrong to DIAGS (caller-initialised).
 * Every command reads its request through here, with the same limit:
 * TASK_JSON_MAX bytes. Returns:
 *   CLI_TASK_READ      a JSON object was read; DIAGS may still hold errors
 *                      (members of the wrong type, unknown members, ...)
 *   CLI_TASK_UNUSABLE  nothing usable came out (not JSON, empty, too
 *                      deep); DIAGS says why
 *   CLI_TASK_NO_FILE   PATH could not be read, or holds more than
 *                      TASK_JSON_MAX bytes: "fuota CMD: PATH: reason" is
 *                      printed ("too large: more than 1048576 bytes, the
 *                      most a request may be"), DIAGS untouched; the
 *                      caller exits EXIT_USAGE
 * Only the document is checked: call task_validate() with the same DIAGS
 * for the rules of the service model. Whatever the result, *task is
 * initialised and the caller task_cleanup()s it.
 */
enum cli_task_status cli_load_task(const char *cmd, const char *path,
                                   struct fuota_task *task,
                                   struct diag_list *diags)
    __attribute__((warn_unused_result));

/* "the request was read", "the request could not be read", ... */
const char *cli_task_status_message(enum cli_task_status st);

/* Prints every diagnostic of the list to stderr, one a line, with its
 * severity: "error: Tags[3].Key: length 0 is below the minimum 1", and
 * "further problems not listed" when the list was truncated. Errors come
 * first, then warnings, then notes (each in the list's order): what stops
 * the command is never below what only informs. */
void cli_print_diags(const struct diag_list *list);

/* The same, but OWN is asked first about each diagnostic: when it returns
 * true it has printed that one itself (e.g. naming a command-line option).
 * ERRORS_ONLY: only the errors (a command that fails says why and nothing
 * else). */
void cli_print_diags_with(const struct diag_list *list,
                          bool (*own)(void *ctx, const struct diag *d),
                          void *ctx, bool errors_only);

/* How PATH is named in messages: "<stdin>" for "-", else PATH. */
const char *cli_path_name(const char *path);

/*
 * Adds the device faults of repeated --fault NAME:PCT options (sim/fault.h)
 * to *c; a later value for the same fault replaces an earlier one. On the
 * first bad one prints "fuota CMD: --fault: why" and returns false.
 */
bool cli_parse_faults(const char *cmd, const char *const *texts, size_t n,
                      struct fault_config *c)
    __attribute__((warn_unused_result));

/* Prints "fuota CMD: message" to stderr (printf format). */
void cli_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints "Try 'fuota CMD --help'." and returns EXIT_USAGE. */
int cli_usage_error(const char *cmd);

#endif
