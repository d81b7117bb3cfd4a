#include "core/backend.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/civil.h"

static const struct {
    const char *type;
    int http;
    const char *help;
} status_info[] = {
#define X(id, type, http, help) [id] = { type, http, help },
    BACKEND_STATUSES(X)
#undef X
};

#define STATUS_COUNT (sizeof(status_info) / sizeof(status_info[0]))

static const char *const task_status_names[] = {
#define X(id, name) [id] = name,
    BACKEND_TASK_STATUSES(X)
#undef X
};

static const char *const device_status_names[] = {
#define X(id, name) [id] = name,
    BACKEND_DEVICE_STATUSES(X)
#undef X
};

/* --- wrappers ------------------------------------------------------------ */

enum backend_status backend_create_task(struct backend *b,
                                        const struct fuota_task *request,
                                        struct backend_created *out,
                                        struct backend_error *err)
{
    backend_error_clear(err);
    memset(out, 0, sizeof(*out));
    return b->ops->create_task(b, request, out, err);
}

enum backend_status backend_get_task(struct backend *b, const char *id,
                                     struct backend_task *out,
                                     struct backend_error *err)
{
    backend_error_clear(err);
    backend_task_init(out);
    enum backend_status st = b->ops->get_task(b, id, out, err);
    if (st != BACKEND_OK)
        backend_task_cleanup(out);
    return st;
}

enum backend_status backend_list_tasks(struct backend *b,
                                       const struct backend_page_req *page,
                                       struct backend_task_page *out,
                                       struct backend_error *err)
{
    backend_error_clear(err);
    backend_task_page_init(out);
    enum backend_status st = b->ops->list_tasks(b, page, out, err);
    if (st != BACKEND_OK)
        backend_task_page_cleanup(out);
    return st;
}

enum backend_status backend_update_task(struct backend *b, const char *id,
                                        const struct fuota_task *changes,
                                        struct backend_error *err)
{
    backend_error_clear(err);
    return b->ops->update_task(b, id, changes, err);
}

enum backend_status backend_delete_task(struct backend *b, const char *id,
                                        struct backend_error *err)
{
    backend_error_clear(err);
    return b->ops->delete_task(b, id, err);
}

enum backend_status backend_start_task(struct backend *b, const char *id,
                                       bool has_start_time, int64_t start_time,
                                       struct backend_error *err)
{
    backend_error_clear(err);
    return b->ops->start_task(b, id, has_start_time, start_time, err);
}

enum backend_status backend_associate_device(struct backend *b, const char *id,
                                             const char *device_id,
                                             struct backend_error *err)
{
    backend_error_clear(err);
    return b->ops->associate_device(b, id, device_id, err);
}

enum backend_status backend_disassociate_device(struct backend *b,
                                                const char *id,
                                                const char *device_id,
                                                struct backend_error *err)
{
    backend_error_clear(err);
    return b->ops->disassociate_device(b, id, device_id, err);
}

enum backend_status backend_associate_group(struct backend *b, const char *id,
                                            const char *group_id,
                                            struct backend_error *err)
{
    backend_error_clear(err);
    return b->ops->associate_group(b, id, group_id, err);
}

enum backend_status backend_disassociate_group(struct backend *b,
                                               const char *id,
                                               const char *group_id,
                                               struct backend_error *err)
{
    backend_error_clear(err);
    return b->ops->disassociate_group(b, id, group_id, err);
}

enum backend_status backend_list_groups(struct backend *b, const char *id,
                                        const struct backend_page_req *page,
                                        struct backend_id_page *out,
                                        struct backend_error *err)
{
    backend_error_clear(err);
    backend_id_page_init(out);
    enum backend_status st = b->ops->list_groups(b, id, page, out, err);
    if (st != BACKEND_OK)
        backend_id_page_cleanup(out);
    return st;
}

enum backend_status backend_list_devices(struct backend *b, const char *id,
                                         const struct backend_page_req *page,
                                         struct backend_device_page *out,
                                         struct backend_error *err)
{
    backend_error_clear(err);
    backend_device_page_init(out);
    enum backend_status st = b->ops->list_devices(b, id, page, out, err);
    if (st != BACKEND_OK)
        backend_device_page_cleanup(out);
    return st;
}

void backend_close(struct backend *b)
{
    if (b)
        b->ops->close(b);
}

const char *backend_name(const struct backend *b)
{
    return b->ops->name;
}

/* --- statuses and errors ------------------------------------------------- */

const char *backend_status_type(enum backend_status status)
{
    if ((size_t)status >= STATUS_COUNT)
        return "UnknownError";
    return status_info[status].type;
}

int backend_status_http(enum backend_status status)
{
    if ((size_t)status >= STATUS_COUNT)
        return 0;
    return status_info[status].http;
}

const char *backend_status_help(enum backend_status status)
{
    if ((size_t)status >= STATUS_COUNT)
        return "unknown error";
    return status_info[status].help;
}

enum backend_status backend_status_classify(const char *type, int http_status)
{
    static const char *const denied[] = {
        "InvalidSignatureException",
        "UnrecognizedClientException",
        "ExpiredTokenException",
        "IncompleteSignatureException",
        "MissingAuthenticationToken",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "AccessDenied",
        "MissingAuthenticationTokenException",
    };
    if (type && *type) {
        /* x-amzn-ErrorType may be "Name:http://..." or "ns#Name". */
        const char *start = strrchr(type, '#');
        start = start ? start + 1 : type;
        size_t len = strcspn(start, ":");
        for (size_t i = 1; i < STATUS_COUNT; i++) {
            const char *t = status_info[i].type;
            if (status_info[i].http && strlen(t) == len &&
                strncmp(t, start, len) == 0)
                return (enum backend_status)i;
        }
        for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
            if (strlen(denied[i]) == len && strncmp(denied[i], start, len) == 0)
                return BACKEND_ACCESS_DENIED;
        if (len == strlen("TooManyRequestsException") &&
            strncmp(start, "TooManyRequestsException", len) == 0)
            return BACKEND_THROTTLED;
    }
    switch (http_status) {
    case 400:
        return BACKEND_VALIDATION;
    case 401:
    case 403:
        return BACKEND_ACCESS_DENIED;
    case 404:
        return BACKEND_NOT_FOUND;
    case 409:
        return BACKEND_CONFLICT;
    case 429:
        return BACKEND_THROTTLED;
    default:
        break;
    }
    if (http_status >= 400 && http_status < 500)
        return BACKEND_VALIDATION;
    if (http_status >= 500 && http_status < 600)
        return BACKEND_INTERNAL;
    return BACKEND_TRANSPORT;
}

bool backend_status_retryable(enum backend_status status)
{
    return status == BACKEND_THROTTLED || status == BACKEND_INTERNAL ||
           status == BACKEND_TRANSPORT || status == BACKEND_TIMEOUT;
}

void backend_error_clear(struct backend_error *err)
{
    memset(err, 0, sizeof(*err));
    err->status = BACKEND_OK;
}

enum backend_status backend_error_set(struct backend_error *err,
                                      enum backend_status status,
                                      const char *fmt, ...)
{
    err->status = status;
    err->http_status = backend_status_http(status);
    snprintf(err->type, sizeof(err->type), "%s", backend_status_type(status));
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return status;
}

void backend_error_set_resource(struct backend_error *err, const char *type,
                                const char *id)
{
    snprintf(err->resource_type, sizeof(err->resource_type), "%s",
             type ? type : "");
    snprintf(err->resource_id, sizeof(err->resource_id), "%s", id ? id : "");
}

const char *backend_error_format(const struct backend_error *err, char *buf,
                                 size_t size)
{
    const char *type =
        err->type[0] ? err->type : backend_status_type(err->status);
    const char *msg =
        err->message[0] ? err->message : backend_status_help(err->status);
    if (err->http_status)
        snprintf(buf, size, "%s (%d): %s", type, err->http_status, msg);
    else
        snprintf(buf, size, "%s: %s", type, msg);
    return buf;
}

/* --- enums <-> names ----------------------------------------------------- */

const char *backend_task_status_name(enum backend_task_status status)
{
    if ((unsigned)status >= BACKEND_TASK_STATUS_COUNT)
        return "Unknown";
    return task_status_names[status];
}

bool backend_task_status_parse(const char *name, enum backend_task_status *out)
{
    for (int i = 0; name && i < BACKEND_TASK_STATUS_COUNT; i++)
        if (strcmp(name, task_status_names[i]) == 0) {
            *out = (enum backend_task_status)i;
            return true;
        }
    return false;
}

const char *backend_device_status_name(enum backend_device_status status)
{
    if ((unsigned)status >= BACKEND_DEVICE_STATUS_COUNT)
        return "Unknown";
    return device_status_names[status];
}

bool backend_device_status_parse(const char *name,
                                 enum backend_device_status *out)
{
    for (int i = 0; name && i < BACKEND_DEVICE_STATUS_COUNT; i++)
        if (strcmp(name, device_status_names[i]) == 0) {
            *out = (enum backend_device_status)i;
            return true;
        }
    return false;
}

/* --- times --------------------------------------------------------------- */

const char *backend_time_format(int64_t epoch_seconds, char *buf, size_t size)
{
    time_t t = (time_t)epoch_seconds;
    struct tm tm;
    if (size == 0)
        return buf;
    if (!gmtime_r(&t, &tm) ||
        strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        buf[0] = '\0';
    return buf;
}

/* Reads exactly n digits and advances *p past them. */
static bool digits(const char **p, size_t n, unsigned *out)
{
    if (!civil_digits(*p, n, out))
        return false;
    *p += n;
    return true;
}

bool backend_time_parse(const char *text, int64_t *epoch_seconds)
{
    const char *p = text;
    unsigned y, mo, d, h, mi, s;
    if (!p || !digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) ||
        *p++ != '-' || !digits(&p, 2, &d))
        return false;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return false;
    p++;
    if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi) ||
        *p++ != ':' || !digits(&p, 2, &s))
        return false;
    if (!civil_date_valid(y, mo, d) || h > 23 || mi > 59 || s > 60)
        return false;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    int64_t offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1;
        unsigned oh, om;
        p++;
        if (!digits(&p, 2, &oh) || *p++ != ':' || !digits(&p, 2, &om) ||
            oh > 23 || om > 59)
            return false;
        offset = sign * (int64_t)(oh * 3600 + om * 60);
    } else {
        return false;
    }
    if (*p != '\0')
        return false;
    *epoch_seconds = civil_days_from_date(y, mo, d) * 86400 + h * 3600 +
                     mi * 60 + s - offset;
    return true;
}

/* --- results ------------------------------------------------------------- */

void backend_task_init(struct backend_task *task)
{
    memset(task, 0, sizeof(*task));
}

void backend_task_cleanup(struct backend_task *task)
{
    if (!task)
        return;
    free(task->arn);
    free(task->id);
    free(task->name);
    free(task->description);
    free(task->rf_region);
    free(task->firmware_update_image);
    free(task->firmware_update_role);
    free(task->descriptor);
    memset(task, 0, sizeof(*task));
}

static bool dup_into(char **dst, const char *src)
{
    *dst = NULL;
    if (!src)
        return true;
    *dst = strdup(src);
    return *dst != NULL;
}

void backend_task_as_request(const struct backend_task *task,
                             struct fuota_task *out)
{
    task_init(out);
    out->firmware_update_image = task->firmware_update_image;
    out->firmware_update_role = task->firmware_update_role;
    out->name = task->name;
    out->description = task->description;
    out->descriptor = task->descriptor;
    out->has_fragment_interval_ms = task->has_fragment_interval_ms;
    out->fragment_interval_ms = task->fragment_interval_ms;
    out->has_fragment_size_bytes = task->has_fragment_size_bytes;
    out->fragment_size_bytes = task->fragment_size_bytes;
    out->has_redundancy_percent = task->has_redundancy_percent;
    out->redundancy_percent = task->redundancy_percent;
    out->has_lorawan = task->rf_region != NULL;
    out->rf_region = task->rf_region;
}

bool backend_task_copy(struct backend_task *dst, const struct backend_task *src)
{
    *dst = *src;
    bool ok = true;
    ok &= dup_into(&dst->arn, src->arn);
    ok &= dup_into(&dst->id, src->id);
    ok &= dup_into(&dst->name, src->name);
    ok &= dup_into(&dst->description, src->description);
    ok &= dup_into(&dst->rf_region, src->rf_region);
    ok &= dup_into(&dst->firmware_update_image, src->firmware_update_image);
    ok &= dup_into(&dst->firmware_update_role, src->firmware_update_role);
    ok &= dup_into(&dst->descriptor, src->descriptor);
    if (!ok)
        backend_task_cleanup(dst);
    return ok;
}

void backend_task_page_init(struct backend_task_page *page)
{
    memset(page, 0, sizeof(*page));
}

void backend_task_page_cleanup(struct backend_task_page *page)
{
    if (!page)
        return;
    for (size_t i = 0; i < page->count; i++) {
        free(page->items[i].id);
        free(page->items[i].arn);
        free(page->items[i].name);
    }
    free(page->items);
    free(page->next_token);
    memset(page, 0, sizeof(*page));
}

void backend_id_page_init(struct backend_id_page *page)
{
    memset(page, 0, sizeof(*page));
}

void backend_id_page_cleanup(struct backend_id_page *page)
{
    if (!page)
        return;
    for (size_t i = 0; i < page->count; i++)
        free(page->ids[i]);
    free(page->ids);
    free(page->next_token);
    memset(page, 0, sizeof(*page));
}

void backend_device_page_init(struct backend_device_page *page)
{
    memset(page, 0, sizeof(*page));
}

void backend_device_page_cleanup(struct backend_device_page *page)
{
    if (!page)
        return;
    for (size_t i = 0; i < page->count; i++)
        free(page->items[i].id);
    free(page->items);
    free(page->next_token);
    memset(page, 0, sizeof(*page));
}
