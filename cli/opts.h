#ifndef FUOTA_CLI_OPTS_H
#define FUOTA_CLI_OPTS_H

/*
 * The command line of a subcommand, parsed by getopt_long (glibc) against a
 * table of options, with the messages every command uses:
 *
 *   fuota CMD: unknown option '--x'
 *   fuota CMD: --dr needs a value          (missing, or empty: "--dr=")
 *   fuota CMD: --json takes no value       ("--json=yes")
 *   fuota CMD: '--image' is given twice    (options with a value only;
 *                                          OPTS_LIST options repeat)
 *   fuota CMD: --dr: 'x' is not a whole number (...)  (cli_is_decimal)
 *   fuota CMD: --dr: 16 is outside 0..15
 *   fuota CMD: one FILE only ('b' is extra) / unexpected argument 'b'
 *
 * each followed by "Try 'fuota CMD --help'.". Options and the operand may
 * come in any order ("FILE --dr 5" or "--dr=5 FILE"), whatever
 * POSIXLY_CORRECT says; "--" ends the options, so "-- -x" names a file
 * "-x"; a lone "-" is an operand (stdin). -h and --help print the usage on
 * stdout. Abbreviations ("--imag" for "--image") are refused as unknown
 * options: with --image/--image-size or --max-frags/--max-frag-size they
 * would surprise, and a new option would break scripts that used them.
 * Options are taken in order: the first error or --help ends the parse.
 */

#include <stdbool.h>
#include <stddef.h>

/* What an option takes and where it goes. */
enum opts_kind {
    OPTS_FLAG,   /* no value: *flag = true (may be repeated) */
    OPTS_STRING, /* *string = the value, borrowed from argv */
    OPTS_INT,    /* *integer = a whole number in [imin, imax]: "-"?digits */
    OPTS_DOUBLE, /* *number = a number in [dmin, dmax]: "-"?digits("."digits)?
                    (no blanks, '+', hex, exponent, nan or inf) */
    OPTS_LIST    /* repeatable: each value is appended to list[] (borrowed
                    from argv), *list_count counts them; more than list_max
                    is a usage error */
};

/* One option; build the table with designated initialisers. */
struct opts_spec {
    const char *name; /* "--image": the long name with its dashes */
    char short_name;  /* 'q' for -q; 0 = none */
    enum opts_kind kind;
    bool *flag;
    const char **string;
    long long *integer;
    long long imin, imax;
    double *number;
    double dmin, dmax;
    const char **list;
    size_t *list_count;
    size_t list_max;
    bool *given; /* optional: set to true when the option is seen */
};

/* Table rows for the common cases (a row needing .given or .short_name is
 * written out with designated initialisers). */
#define OPTS_FLAG_OPT(n, p)                                                    \
    {                                                                          \
        .name = (n), .kind = OPTS_FLAG, .flag = (p)                            \
    }
#define OPTS_STRING_OPT(n, p)                                                  \
    {                                                                          \
        .name = (n), .kind = OPTS_STRING, .string = (p)                        \
    }
#define OPTS_INT_OPT(n, p, lo, hi)                                             \
    {                                                                          \
        .name = (n), .kind = OPTS_INT, .integer = (p), .imin = (lo),           \
        .imax = (hi)                                                           \
    }
#define OPTS_LIST_OPT(n, arr, count)                                           \
    {                                                                          \
        .name = (n), .kind = OPTS_LIST, .list = (arr), .list_count = (count),  \
        .list_max = sizeof(arr) / sizeof((arr)[0])                             \
    }
#define OPTS_DOUBLE_OPT(n, p, lo, hi)                                          \
    {                                                                          \
        .name = (n), .kind = OPTS_DOUBLE, .number = (p), .dmin = (lo),         \
        .dmax = (hi)                                                           \
    }

/* Most options a table may have. */
#define OPTS_MAX 48

/* A command: its name, help text and operand. */
struct opts_cmd {
    const char *cmd;   /* "plan", for the messages */
    const char *usage; /* printed on stdout for -h/--help */
    /* "FILE" when the command takes one operand, NULL when it takes none. */
    const char *operand;
    /* Commands that take more operands ("ID DEV"): slots for those after
     * the first, filled in order (left untouched when absent); NULL / 0 =
     * one operand at most. */
    const char **more_operands;
    size_t more_count;
};

/* The number of rows of a table (an array, not a pointer). */
#define OPTS_COUNT(specs) (sizeof(specs) / sizeof((specs)[0]))

#define OPTS_STATUS(X)                                                         \
    X(OPTS_OK, "parsed")                                                       \
    X(OPTS_HELP, "help shown")                                                 \
    X(OPTS_USAGE, "usage error")

enum opts_status {
#define OPTS_ENUM(id, text) id,
    OPTS_STATUS(OPTS_ENUM)
#undef OPTS_ENUM
};

/*
 * Parses argv[1..argc) (argv[0] is the command name) against the COUNT
 * (at most OPTS_MAX) rows of SPECS, writing each value through its row's
 * pointer; *operand (operand may be NULL when c->operand is NULL) gets the
 * operand or stays untouched. Returns OPTS_OK, OPTS_HELP after printing the
 * usage, or OPTS_USAGE after printing the error and the "Try" line. Resets
 * getopt's state first (optind = 0), so it may be called again, e.g. by
 * tests; not thread-safe (getopt's globals). argv is not reordered (the
 * in-order mode of getopt_long).
 */
enum opts_status opts_parse(const struct opts_cmd *c,
                            const struct opts_spec *specs, size_t count,
                            int argc, char **argv, const char **operand)
    __attribute__((warn_unused_result));

/* The exit status for a status that is not OPTS_OK: EXIT_OK after help,
 * EXIT_USAGE after an error. */
int opts_exit_status(enum opts_status st);

/* "parsed", "help shown", "usage error". */
const char *opts_status_name(enum opts_status st);

#endif
