#ifndef FUOTA_CORE_DIAG_H
#define FUOTA_CORE_DIAG_H

/*
 * Diagnostics: what validation and planning say about a request.
 * Each diagnostic names the member it is about (a path such as
 * "Tags[3].Key" or "LoRaWAN.RfRegion", or "" for the whole document), the
 * rule it breaks (a short stable identifier such as "min-length") and a
 * human message that names the value and the limit.
 *
 * A diag_list is embedded by the caller: diag_list_init() before use,
 * diag_list_cleanup() after. Adding never fails visibly: when memory runs
 * out the list stops growing and sets `truncated`.
 */

#include <stdbool.h>
#include <stddef.h>

#define DIAG_SEVERITIES(X)                                                     \
    X(DIAG_ERROR, "error")                                                     \
    X(DIAG_WARNING, "warning")                                                 \
    X(DIAG_NOTE, "note")

enum diag_severity {
#define X(id, name) id,
    DIAG_SEVERITIES(X)
#undef X
};

#define DIAG_PATH_MAX    160
#define DIAG_RULE_MAX    40
#define DIAG_MESSAGE_MAX 320

struct diag {
    enum diag_severity severity;
    char path[DIAG_PATH_MAX];
    char rule[DIAG_RULE_MAX];
    char message[DIAG_MESSAGE_MAX];
};

struct diag_list {
    struct diag *items;
    size_t count;
    size_t cap;
    bool truncated;
};

void diag_list_init(struct diag_list *list);
void diag_list_cleanup(struct diag_list *list);
/* Empties the list, keeping its storage. */
void diag_list_clear(struct diag_list *list);

/* Appends one diagnostic; message is printf-formatted. */
void diag_add(struct diag_list *list, enum diag_severity severity,
              const char *path, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

size_t diag_count(const struct diag_list *list, enum diag_severity severity);
bool diag_has_errors(const struct diag_list *list);
/* The first diagnostic with this path and rule, or NULL. */
const struct diag *diag_find(const struct diag_list *list, const char *path,
                             const char *rule);

const char *diag_severity_name(enum diag_severity severity);

/*
 * Formats one diagnostic as one line, "PATH: MESSAGE" (or "MESSAGE" when the
 * path is empty), into buf; returns buf.
 */
const char *diag_format(const struct diag *d, char *buf, size_t size);

#endif
