#include "cli/util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "fuota %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_usage_error(const char *cmd)
{
    fprintf(stderr, "Try 'fuota %s --help'.\n", cmd);
    return EXIT_USAGE;
}

char *cli_read_file(const char *cmd, const char *path, size_t max, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        cli_error(cmd, "%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = max < 4096 ? max : 4096, n = 0;
    char *buf = malloc(cap + 1);
    bool too_big = false;
    while (buf) {
        if (n == cap) {
            if (cap >= max) {
                /* Full: a file of exactly MAX bytes ends here. */
                too_big = fgetc(f) != EOF;
                break;
            }
            cap = cap * 2 > max ? max : cap * 2;
            char *grown = realloc(buf, cap + 1);
            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int read_error = ferror(f);
    if (f != stdin)
        fclose(f);
    if (!buf) {
        cli_error(cmd, "%s: out of memory", path);
        return NULL;
    }
    if (too_big || read_error) {
        if (too_big)
            cli_error(cmd, "%s: larger than the limit of %zu bytes", path, max);
        else
            cli_error(cmd, "%s: read error", path);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static const char *const task_status_messages[] = {
#define CLI_TASK_MESSAGE(id, text) [id] = text,
    CLI_TASK_STATUS(CLI_TASK_MESSAGE)
#undef CLI_TASK_MESSAGE
};

const char *cli_task_status_message(enum cli_task_status st)
{
    return (size_t)st < sizeof(task_status_messages) /
                            sizeof(task_status_messages[0])
               ? task_status_messages[st]
               : "unknown status";
}

enum cli_task_status cli_load_task(const char *cmd, const char *path,
                                   size_t max, struct fuota_task *task,
                                   struct diag_list *diags)
{
    size_t len = 0;
    char *text = cli_read_file(cmd, path, max, &len);
    if (!text) {
        task_init(task);
        return CLI_TASK_NO_FILE;
    }
    bool read = task_from_json(text, len, task, diags);
    free(text);
    return read ? CLI_TASK_READ : CLI_TASK_UNUSABLE;
}

bool cli_parse_int(const char *cmd, const char *opt, const char *text,
                   long long min, long long max, long long *out)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (!text[0] || *end || errno == ERANGE) {
        cli_error(cmd, "%s: '%s' is not a whole number", opt, text);
        return false;
    }
    if (v < min || v > max) {
        cli_error(cmd, "%s: %lld is outside %lld..%lld", opt, v, min, max);
        return false;
    }
    *out = v;
    return true;
}

bool cli_parse_double(const char *cmd, const char *opt, const char *text,
                      double min, double max, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (!text[0] || *end || errno == ERANGE || !isfinite(v)) {
        cli_error(cmd, "%s: '%s' is not a number", opt, text);
        return false;
    }
    if (v < min || v > max) {
        cli_error(cmd, "%s: %g is outside %g..%g", opt, v, min, max);
        return false;
    }
    *out = v;
    return true;
}

void cli_print_diags(const struct diag_list *list)
{
    char line[DIAG_PATH_MAX + DIAG_MESSAGE_MAX + 8];
    for (size_t i = 0; i < list->count; i++) {
        const struct diag *d = &list->items[i];
        fprintf(stderr, "%s: %s\n", diag_severity_name(d->severity),
                diag_format(d, line, sizeof(line)));
    }
    if (list->truncated)
        fprintf(stderr, "error: out of memory: further problems not listed\n");
}
