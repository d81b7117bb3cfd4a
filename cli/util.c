#include "cli/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/number.h"

void cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    /* The console has no command name: "fuota: ...". */
    if (cmd && *cmd)
        fprintf(stderr, "fuota %s: ", cmd);
    else
        fputs("fuota: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_usage_error(const char *cmd)
{
    if (cmd && *cmd)
        fprintf(stderr, "Try 'fuota %s --help'.\n", cmd);
    else
        fputs("Try 'fuota --help'.\n", stderr);
    return EXIT_USAGE;
}

/* Whether F is a directory: fopen opens one, and only the read fails. */
static bool is_directory(FILE *f)
{
    struct stat st;
    return fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode);
}

/* cli_read_file, with NOTE after the too-large message ("" or ", ..."). */
static char *read_limited(const char *cmd, const char *path, size_t max,
                          const char *note, size_t *len)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        cli_error(cmd, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (is_stdin)
        path = "<stdin>";
    size_t cap = max < 4096 ? max : 4096, n = 0;
    char *buf = NULL;
    int err = is_directory(f) ? EISDIR : 0;
    if (!err && !(buf = malloc(cap + 1)))
        err = ENOMEM;
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
                err = ENOMEM;
                break;
            }
            buf = grown;
        }
        errno = 0;
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (!err && ferror(f))
        err = errno ? errno : EIO;
    if (!is_stdin)
        fclose(f);
    if (err || too_big) {
        if (too_big)
            cli_error(cmd, "%s: too large: more than %zu bytes%s", path, max,
                      note);
        else
            cli_error(cmd, "%s: %s", path, strerror(err));
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

char *cli_read_file(const char *cmd, const char *path, size_t max, size_t *len)
{
    return read_limited(cmd, path, max, "", len);
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
                                   struct fuota_task *task,
                                   struct diag_list *diags)
{
    size_t len = 0;
    char *text = read_limited(cmd, path, TASK_JSON_MAX,
                              ", the most a request may be", &len);
    if (!text) {
        task_init(task);
        return CLI_TASK_NO_FILE;
    }
    bool read = task_from_json(text, len, task, diags);
    free(text);
    return read ? CLI_TASK_READ : CLI_TASK_UNUSABLE;
}

bool cli_is_decimal(const char *text, bool fraction)
{
    return number_is_decimal(text, fraction);
}

bool cli_parse_faults(const char *cmd, const char *const *texts, size_t n,
                      struct fault_config *c)
{
    char msg[320];
    for (size_t i = 0; i < n; i++)
        if (!fault_parse(texts[i], c, msg, sizeof(msg))) {
            cli_error(cmd, "--fault: %s", msg);
            return false;
        }
    return true;
}

void cli_print_diags_with(const struct diag_list *list,
                          bool (*own)(void *ctx, const struct diag *d),
                          void *ctx, bool errors_only)
{
    char line[DIAG_PATH_MAX + DIAG_MESSAGE_MAX + 8];
    const enum diag_severity order[] = { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };
    size_t levels = errors_only ? 1 : sizeof(order) / sizeof(order[0]);
    for (size_t k = 0; k < levels; k++)
        for (size_t i = 0; i < list->count; i++) {
            const struct diag *d = &list->items[i];
            if (d->severity != order[k] || (own && own(ctx, d)))
                continue;
            fprintf(stderr, "%s: %s\n", diag_severity_name(d->severity),
                    diag_format(d, line, sizeof(line)));
        }
    if (list->truncated)
        fprintf(stderr, "error: out of memory: further problems not listed\n");
}

void cli_print_diags(const struct diag_list *list)
{
    cli_print_diags_with(list, NULL, NULL, false);
}

const char *cli_path_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "<stdin>" : path;
}
