#include "core/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void diag_list_init(struct diag_list *list)
{
    memset(list, 0, sizeof(*list));
}

void diag_list_cleanup(struct diag_list *list)
{
    if (!list)
        return;
    free(list->items);
    memset(list, 0, sizeof(*list));
}

void diag_list_clear(struct diag_list *list)
{
    list->count = 0;
    list->truncated = false;
}

static void copy_str(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

void diag_add(struct diag_list *list, enum diag_severity severity,
              const char *path, const char *rule, const char *fmt, ...)
{
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 8;
        struct diag *items = realloc(list->items, cap * sizeof(*items));
        if (!items) {
            list->truncated = true;
            return;
        }
        list->items = items;
        list->cap = cap;
    }
    struct diag *d = &list->items[list->count++];
    d->severity = severity;
    copy_str(d->path, sizeof(d->path), path);
    copy_str(d->rule, sizeof(d->rule), rule);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->message, sizeof(d->message), fmt, ap);
    va_end(ap);
}

size_t diag_count(const struct diag_list *list, enum diag_severity severity)
{
    size_t n = 0;
    for (size_t i = 0; i < list->count; i++)
        n += list->items[i].severity == severity;
    return n;
}

bool diag_has_errors(const struct diag_list *list)
{
    return diag_count(list, DIAG_ERROR) > 0 || list->truncated;
}

const struct diag *diag_find(const struct diag_list *list, const char *path,
                             const char *rule)
{
    for (size_t i = 0; i < list->count; i++) {
        const struct diag *d = &list->items[i];
        if (strcmp(d->path, path) == 0 && (!rule || strcmp(d->rule, rule) == 0))
            return d;
    }
    return NULL;
}

const char *diag_severity_name(enum diag_severity severity)
{
    static const char *const names[] = {
#define X(id, name) [id] = name,
        DIAG_SEVERITIES(X)
#undef X
    };
    if ((unsigned)severity >= sizeof(names) / sizeof(names[0]))
        return "?";
    return names[severity];
}

const char *diag_format(const struct diag *d, char *buf, size_t size)
{
    if (d->path[0])
        snprintf(buf, size, "%s: %s", d->path, d->message);
    else
        snprintf(buf, size, "%s", d->message);
    return buf;
}
