#ifndef FUOTA_CLI_UTIL_H
#define FUOTA_CLI_UTIL_H

/* Shared helpers for the subcommands: input files, numbers, diagnostics. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"

/* Exit statuses every command uses. */
enum { EXIT_OK = 0, EXIT_CHECK = 1, EXIT_USAGE = 2 };

/* Largest input file read whole (requests, images). */
#define CLI_MAX_FILE (64u * 1024u * 1024u)

/*
 * Reads PATH ("-" = stdin) whole into a NUL-terminated heap buffer (caller
 * frees) and its length into *len. On failure returns NULL and prints
 * "fuota CMD: PATH: reason" to stderr.
 */
char *cli_read_file(const char *cmd, const char *path, size_t max,
                    size_t *len);

/*
 * Parses a whole decimal integer in [min, max] for option OPT. On error
 * prints "fuota CMD: OPT: 'TEXT' is not ..." and returns false.
 */
bool cli_parse_int(const char *cmd, const char *opt, const char *text,
                   long long min, long long max, long long *out);
/* Same for a decimal number (accepts 12.5); rejects nan/inf. */
bool cli_parse_double(const char *cmd, const char *opt, const char *text,
                      double min, double max, double *out);

/* Prints every diagnostic of the list to stderr, one a line, with its
 * severity: "error: Tags[3].Key: length 0 is below the minimum 1". */
void cli_print_diags(const struct diag_list *list);

/* Prints "fuota CMD: message" to stderr (printf format). */
void cli_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints "Try 'fuota CMD --help'." and returns EXIT_USAGE. */
int cli_usage_error(const char *cmd);

#endif
