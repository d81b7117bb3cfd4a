#include "cli/opts.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/util.h"

/* getopt_long returns a long option as OPT_BASE + its index in the table,
 * clear of the short option characters; operands come back as 1. */
enum { OPT_OPERAND = 1, OPT_BASE = 256 };

static const struct opts_spec help_spec = {
    .name = "--help",
    .short_name = 'h',
    .kind = OPTS_FLAG,
};

static const char *const status_names[] = {
#define OPTS_NAME(id, text) [id] = text,
    OPTS_STATUS(OPTS_NAME)
#undef OPTS_NAME
};

const char *opts_status_name(enum opts_status st)
{
    return (size_t)st < sizeof(status_names) / sizeof(status_names[0])
               ? status_names[st]
               : "unknown status";
}

int opts_exit_status(enum opts_status st)
{
    return st == OPTS_USAGE ? EXIT_USAGE : EXIT_OK;
}

static enum opts_status usage_error(const struct opts_cmd *c)
{
    (void)cli_usage_error(c->cmd);
    return OPTS_USAGE;
}

/* The row getopt_long's VAL stands for, or NULL. */
static const struct opts_spec *spec_of(const struct opts_spec *specs,
                                       size_t count, int val)
{
    if (val >= OPT_BASE && (size_t)(val - OPT_BASE) < count)
        return &specs[val - OPT_BASE];
    if (val == help_spec.short_name)
        return &help_spec;
    for (size_t i = 0; val > 0 && i < count; i++)
        if (specs[i].short_name == val)
            return &specs[i];
    return NULL;
}

/* getopt_long also takes an unambiguous abbreviation ("--imag"); we want
 * the name in full. ELEM is the argv element the option came from. */
static bool spelled_out(const char *elem, const char *name)
{
    if (strncmp(elem, "--", 2) != 0)
        return true; /* a short option */
    size_t n = strcspn(elem, "=");
    return strlen(name) == n && strncmp(elem, name, n) == 0;
}

/* V as a plain decimal, the way a user writes it: "1000000", "0.5", never
 * "1e+06"; the fewest decimals that read back as V. */
static const char *plain(double v, char *buf, size_t size)
{
    for (int d = 0; d <= 17; d++) {
        snprintf(buf, size, "%.*f", d, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
}

/* A numeric option's value: a plain decimal (cli_is_decimal), then its
 * range. One path for whole numbers and fractions alike. */
static bool parse_number(const char *cmd, const struct opts_spec *s,
                         const char *v)
{
    bool whole = s->kind == OPTS_INT;
    if (!cli_is_decimal(v, !whole)) {
        cli_error(cmd, "%s: '%s' is not %s", s->name, v,
                  whole ? "a whole number (plain decimal, as 12 or -3)"
                        : "a number (plain decimal, as 12 or -0.5)");
        return false;
    }
    char *end = NULL;
    bool in_range;
    errno = 0;
    if (whole) {
        long long n = strtoll(v, &end, 10);
        in_range = errno != ERANGE && n >= s->imin && n <= s->imax;
        if (in_range)
            *s->integer = n;
        else
            cli_error(cmd, "%s: %s is outside %lld..%lld", s->name, v, s->imin,
                      s->imax);
    } else {
        /* A plain decimal only underflows to a tiny finite value. */
        double d = strtod(v, &end);
        in_range = isfinite(d) && d >= s->dmin && d <= s->dmax;
        if (in_range)
            *s->number = d;
        else {
            char lo[64], hi[64];
            cli_error(cmd, "%s: %s is outside %s..%s", s->name, v,
                      plain(s->dmin, lo, sizeof(lo)),
                      plain(s->dmax, hi, sizeof(hi)));
        }
    }
    return in_range;
}

static bool store(const char *cmd, const struct opts_spec *s, const char *v)
{
    switch (s->kind) {
    case OPTS_FLAG:
        *s->flag = true;
        return true;
    case OPTS_STRING:
        *s->string = v;
        return true;
    case OPTS_INT:
    case OPTS_DOUBLE:
        return parse_number(cmd, s, v);
    case OPTS_LIST:
        if (*s->list_count >= s->list_max) {
            cli_error(cmd, "%s: given more than %zu times", s->name,
                      s->list_max);
            return false;
        }
        s->list[(*s->list_count)++] = v;
        return true;
    }
    return false;
}

static bool take_operand(const struct opts_cmd *c, const char *arg,
                         const char **found, size_t *more)
{
    if (!c->operand) {
        cli_error(c->cmd, "unexpected argument '%s'", arg);
        return false;
    }
    if (!*found) {
        *found = arg;
        return true;
    }
    if (*more < c->more_count) {
        c->more_operands[(*more)++] = arg;
        return true;
    }
    if (c->more_count)
        cli_error(c->cmd, "too many arguments ('%s' is extra)", arg);
    else
        cli_error(c->cmd, "one %s only ('%s' is extra)", c->operand, arg);
    return false;
}

/* One option from ELEM: checks it, then stores its value. */
static enum opts_status take_option(const struct opts_cmd *c,
                                    const struct opts_spec *specs, size_t count,
                                    int ch, const char *elem, const char *value,
                                    bool *seen)
{
    const struct opts_spec *s =
        spec_of(specs, count, ch == '?' || ch == ':' ? optopt : ch);
    if (!s || !spelled_out(elem, s->name)) {
        cli_error(c->cmd, "unknown option '%s'", elem);
        return usage_error(c);
    }
    if (ch == '?') { /* the only '?' left: "--json=yes" */
        cli_error(c->cmd, "%s takes no value", s->name);
        return usage_error(c);
    }
    if (ch == ':') {
        cli_error(c->cmd, "%s needs a value", s->name);
        return usage_error(c);
    }
    if (s == &help_spec) {
        fputs(c->usage, stdout);
        return OPTS_HELP;
    }
    if (s->kind != OPTS_FLAG && value[0] == '\0') {
        cli_error(c->cmd, "%s needs a value (an empty one was given)", s->name);
        return usage_error(c);
    }
    /* A value given twice is a slip (which one is meant?); a flag is not. */
    size_t k = (size_t)(s - specs);
    if (s->kind != OPTS_FLAG && s->kind != OPTS_LIST && seen[k]) {
        cli_error(c->cmd, "'%s' is given twice", s->name);
        return usage_error(c);
    }
    seen[k] = true;
    if (s->given)
        *s->given = true;
    return store(c->cmd, s, value) ? OPTS_OK : usage_error(c);
}

enum opts_status opts_parse(const struct opts_cmd *c,
                            const struct opts_spec *specs, size_t count,
                            int argc, char **argv, const char **operand)
{
    struct option longopts[OPTS_MAX + 2];
    /* "-": operands in order, whatever POSIXLY_CORRECT says; ":": a
     * missing value comes back as ':'. Then "h" and each "x" or "x:". */
    char shorts[3 + 2 * OPTS_MAX + 1] = "-:h";
    size_t ns = strlen(shorts);
    bool seen[OPTS_MAX] = { false };
    if (count > OPTS_MAX) {
        cli_error(c->cmd, "internal error: more than %d options", OPTS_MAX);
        return usage_error(c);
    }
    for (size_t i = 0; i < count; i++) {
        const struct opts_spec *s = &specs[i];
        bool valued = s->kind != OPTS_FLAG;
        longopts[i] = (struct option){
            .name = s->name + 2,
            .has_arg = valued ? required_argument : no_argument,
            .flag = NULL,
            .val = OPT_BASE + (int)i,
        };
        if (s->short_name) {
            shorts[ns++] = s->short_name;
            if (valued)
                shorts[ns++] = ':';
        }
    }
    shorts[ns] = '\0';
    longopts[count] = (struct option){ .name = "help", .val = 'h' };
    longopts[count + 1] = (struct option){ 0 };

    const char *found = NULL;
    size_t more = 0;
    opterr = 0;
    optind = 0; /* a full reset of GNU getopt, for callers that parse again */
    for (;;) {
        /* In order mode getopt_long never skips or permutes: the element it
         * reads next is argv[optind] (1 on the first call). */
        int at = optind > 0 ? optind : 1;
        int ch = getopt_long(argc, argv, shorts, longopts, NULL);
        if (ch == -1)
            break;
        if (ch == OPT_OPERAND) {
            if (!take_operand(c, optarg, &found, &more))
                return usage_error(c);
            continue;
        }
        enum opts_status st =
            take_option(c, specs, count, ch, argv[at], optarg, seen);
        if (st != OPTS_OK)
            return st;
    }
    /* What follows "--" is operands, even "-x". */
    for (int i = optind; i < argc; i++)
        if (!take_operand(c, argv[i], &found, &more))
            return usage_error(c);
    if (found && operand)
        *operand = found;
    return OPTS_OK;
}
