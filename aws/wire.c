#include "aws/wire.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

static const struct {
    const char *name;
    const char *method;
    const char *path;
} ops[] = {
#define X(id, n, m, p) [id] = { n, m, p },
    AWS_WIRE_OPS(X)
#undef X
};

const char *aws_wire_op_name(enum aws_op op)
{
    return (unsigned)op < AWS_OP_COUNT ? ops[op].name : "Unknown";
}

const char *aws_wire_op_method(enum aws_op op)
{
    return (unsigned)op < AWS_OP_COUNT ? ops[op].method : "GET";
}

void aws_wire_request_init(struct aws_wire_request *r)
{
    memset(r, 0, sizeof(*r));
}

void aws_wire_request_cleanup(struct aws_wire_request *r)
{
    if (!r)
        return;
    free(r->path);
    free(r->query);
    free(r->body);
    memset(r, 0, sizeof(*r));
}

/* ---- requests ----------------------------------------------------------- */

static bool unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
           c == '~';
}

char *aws_wire_encode(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = malloc(3 * n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (unreserved(c)) {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
    return out;
}

/* A growing string for paths and queries. */
struct text {
    char *s;
    size_t len;
    bool oom;
};

static void text_add(struct text *t, const char *s, size_t n)
{
    if (t->oom)
        return;
    char *p = realloc(t->s, t->len + n + 1);
    if (!p) {
        t->oom = true;
        return;
    }
    memcpy(p + t->len, s, n);
    t->len += n;
    p[t->len] = '\0';
    t->s = p;
}

static void text_add_encoded(struct text *t, const char *s)
{
    char *e = aws_wire_encode(s);
    if (!e) {
        t->oom = true;
        return;
    }
    text_add(t, e, strlen(e));
    free(e);
}

/* "name=value" after '&' when the query already has something. */
static void query_add(struct text *t, const char *name, const char *value)
{
    if (t->len)
        text_add(t, "&", 1);
    text_add(t, name, strlen(name));
    text_add(t, "=", 1);
    text_add_encoded(t, value);
}

/* The path template with its labels filled in. */
static bool build_path(enum aws_op op, const struct aws_wire_args *a,
                       struct text *t, struct backend_error *err)
{
    const char *p = ops[op].path;
    while (*p) {
        const char *open = strchr(p, '{');
        if (!open) {
            text_add(t, p, strlen(p));
            break;
        }
        text_add(t, p, (size_t)(open - p));
        const char *close = strchr(open, '}');
        bool is_id = strncmp(open, "{Id}", 4) == 0;
        const char *v = is_id ? a->id : a->member_id;
        if (!v || !*v) {
            backend_error_set(
                err, BACKEND_VALIDATION, "%s needs %s: it is missing or empty",
                ops[op].name, is_id ? "a task id" : "a device or group id");
            return false;
        }
        text_add_encoded(t, v);
        p = close + 1;
    }
    return true;
}

static bool build_query(enum aws_op op, const struct aws_wire_args *a,
                        struct text *t, struct backend_error *err)
{
    if (op == AWS_OP_LIST_DEVICES) {
        if (!a->id || !*a->id) {
            backend_error_set(err, BACKEND_VALIDATION,
                              "ListWirelessDevices needs a task id: it is "
                              "missing or empty");
            return false;
        }
        query_add(t, "fuotaTaskId", a->id);
    }
    const struct backend_page_req *page = a->page;
    if (!page)
        return true;
    if (page->max_results < 0 || page->max_results > BACKEND_MAX_RESULTS_MAX) {
        backend_error_set(err, BACKEND_VALIDATION,
                          "maxResults %d is outside 0..%d", page->max_results,
                          BACKEND_MAX_RESULTS_MAX);
        return false;
    }
    if (page->max_results > 0) {
        char num[16];
        snprintf(num, sizeof(num), "%d", page->max_results);
        query_add(t, "maxResults", num);
    }
    if (page->next_token && *page->next_token)
        query_add(t, "nextToken", page->next_token);
    return true;
}

/* {"NAME": value} */
static char *one_member(const char *name, const char *value)
{
    cJSON *o = cJSON_CreateObject();
    char *s = NULL;
    if (o && cJSON_AddStringToObject(o, name, value))
        s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static char *start_body(bool has_start_time, int64_t start_time)
{
    if (!has_start_time)
        return strdup("{}");
    char when[32];
    backend_time_format(start_time, when, sizeof(when));
    cJSON *o = cJSON_CreateObject();
    cJSON *lw = o ? cJSON_AddObjectToObject(o, "LoRaWAN") : NULL;
    char *s = NULL;
    if (lw && cJSON_AddStringToObject(lw, "StartTime", when))
        s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

/* The UpdateFuotaTaskRequest members of changes: no token, no tags. */
static char *update_body(const struct fuota_task *changes)
{
    struct fuota_task view = *changes;
    view.client_request_token = NULL;
    view.has_tags = false;
    view.tags = NULL;
    view.tag_count = 0;
    return task_to_json(&view, false);
}

static bool build_body(enum aws_op op, const struct aws_wire_args *a,
                       char **body, struct backend_error *err)
{
    *body = NULL;
    switch (op) {
    case AWS_OP_CREATE_TASK:
    case AWS_OP_UPDATE_TASK:
        if (!a->task) {
            backend_error_set(err, BACKEND_VALIDATION, "%s needs a request",
                              ops[op].name);
            return false;
        }
        *body = op == AWS_OP_CREATE_TASK ? task_to_json(a->task, false)
                                         : update_body(a->task);
        break;
    case AWS_OP_START_TASK:
        *body = start_body(a->has_start_time, a->start_time);
        break;
    case AWS_OP_ASSOCIATE_DEVICE:
    case AWS_OP_ASSOCIATE_GROUP:
        if (!a->member_id || !*a->member_id) {
            backend_error_set(err, BACKEND_VALIDATION,
                              "%s needs a device or group id: it is missing "
                              "or empty",
                              ops[op].name);
            return false;
        }
        *body = one_member(op == AWS_OP_ASSOCIATE_DEVICE ? "WirelessDeviceId"
                                                         : "MulticastGroupId",
                           a->member_id);
        break;
    default:
        return true;
    }
    if (!*body) {
        backend_error_set(err, BACKEND_NO_MEMORY, "out of memory");
        return false;
    }
    return true;
}

enum backend_status aws_wire_build(enum aws_op op,
                                   const struct aws_wire_args *args,
                                   struct aws_wire_request *out,
                                   struct backend_error *err)
{
    aws_wire_request_init(out);
    if ((unsigned)op >= AWS_OP_COUNT)
        return backend_error_set(err, BACKEND_VALIDATION, "unknown operation");
    out->op = op;
    struct text path = { 0 }, query = { 0 };
    bool ok = build_path(op, args, &path, err) &&
              build_query(op, args, &query, err) &&
              build_body(op, args, &out->body, err);
    out->path = path.s;
    out->query = query.s;
    if (ok && (path.oom || query.oom))
        return backend_error_set(err, BACKEND_NO_MEMORY, "out of memory");
    return ok ? BACKEND_OK : err->status;
}

/* ---- answers ------------------------------------------------------------ */

const char *aws_wire_excerpt(const char *body, size_t len, size_t max,
                             char *buf, size_t size)
{
    if (size == 0)
        return buf;
    size_t o = 0;
    for (size_t i = 0; i < len && i < max && o + 1 < size; i++) {
        unsigned char c = (unsigned char)body[i];
        buf[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    if (len > max && o + 4 < size) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}

/* Reading one answer: the operation (for messages) and the error. */
struct reader {
    const char *op;
    struct backend_error *err;
};

static enum backend_status bad(const struct reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum backend_status bad(const struct reader *r, const char *fmt, ...)
{
    char detail[BACKEND_MESSAGE_MAX / 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    return backend_error_set(r->err, BACKEND_TRANSPORT,
                             "the service's answer to %s is not what the API "
                             "promises: %s",
                             r->op, detail);
}

static const char *kind(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return "true or false";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsObject(v))
        return "an object";
    return "something else";
}

/* The whole body as a JSON object, or NULL with err set. */
static cJSON *parse_root(const struct reader *r, const char *body, size_t len)
{
    if (len == 0) {
        bad(r, "the body is empty, not a JSON object");
        return NULL;
    }
    cJSON *root = cJSON_ParseWithLength(body, len);
    if (!root) {
        char ex[64];
        bad(r, "the body is not JSON: '%s'",
            aws_wire_excerpt(body, len, 40, ex, sizeof(ex)));
        return NULL;
    }
    if (!cJSON_IsObject(root)) {
        bad(r, "the body is %s, not a JSON object", kind(root));
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

/* A member of o; NULL when absent or null. */
static const cJSON *member(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNull(v) ? NULL : v;
}

/* A string member into a heap copy (NULL when absent); at most max
 * characters (bytes: the model's limits are on ASCII ids and ARNs). */
static bool get_string(const struct reader *r, const cJSON *o,
                       const char *where, const char *name, size_t max,
                       bool required, char **out)
{
    *out = NULL;
    const cJSON *v = member(o, name);
    if (!v) {
        if (required)
            bad(r, "%s%s is missing", where, name);
        return !required;
    }
    if (!cJSON_IsString(v)) {
        bad(r, "%s%s is %s, not a string", where, name, kind(v));
        return false;
    }
    if (max && strlen(v->valuestring) > max) {
        bad(r, "%s%s is longer than %zu characters", where, name, max);
        return false;
    }
    *out = strdup(v->valuestring);
    if (!*out) {
        backend_error_set(r->err, BACKEND_NO_MEMORY, "out of memory");
        return false;
    }
    return true;
}

/* A string member into a fixed buffer (size > max). */
static bool get_fixed(const struct reader *r, const cJSON *o, const char *name,
                      char *buf, size_t size)
{
    char *s = NULL;
    if (!get_string(r, o, "", name, size - 1, true, &s))
        return false;
    snprintf(buf, size, "%s", s);
    free(s);
    return true;
}

static bool get_int32(const struct reader *r, const cJSON *o, const char *name,
                      bool *has, int32_t *out)
{
    *has = false;
    const cJSON *v = member(o, name);
    if (!v)
        return true;
    double d = cJSON_IsNumber(v) ? v->valuedouble : NAN;
    if (!cJSON_IsNumber(v) || d != floor(d) || d < INT32_MIN || d > INT32_MAX) {
        bad(r, "%s is %s, not a 32-bit whole number", name,
            cJSON_IsNumber(v) ? "a number out of range or with a fraction"
                              : kind(v));
        return false;
    }
    *has = true;
    *out = (int32_t)d;
    return true;
}

/* Seconds since the epoch up to the year 9999. */
#define TIME_MAX 253402300799.0

/* A timestamp: epoch seconds (restJson1's default) or ISO-8601. */
static bool get_time(const struct reader *r, const cJSON *o, const char *where,
                     const char *name, bool *has, int64_t *out)
{
    *has = false;
    const cJSON *v = member(o, name);
    if (!v)
        return true;
    if (cJSON_IsNumber(v) && v->valuedouble >= 0 &&
        v->valuedouble <= TIME_MAX) {
        *out = (int64_t)floor(v->valuedouble);
        *has = true;
        return true;
    }
    if (cJSON_IsString(v) && backend_time_parse(v->valuestring, out)) {
        *has = true;
        return true;
    }
    bad(r, "%s%s is %s, not a timestamp", where, name,
        cJSON_IsNumber(v) ? "a number out of range" : kind(v));
    return false;
}

enum backend_status aws_wire_parse_created(const char *body, size_t len,
                                           struct backend_created *out,
                                           struct backend_error *err)
{
    const struct reader r = { "CreateFuotaTask", err };
    cJSON *root = parse_root(&r, body, len);
    if (!root)
        return err->status;
    bool ok = get_fixed(&r, root, "Arn", out->arn, sizeof(out->arn)) &&
              get_fixed(&r, root, "Id", out->id, sizeof(out->id));
    cJSON_Delete(root);
    return ok ? BACKEND_OK : err->status;
}

static bool get_status(const struct reader *r, const cJSON *o,
                       enum backend_task_status *out)
{
    const cJSON *v = member(o, "Status");
    if (!v) {
        bad(r, "Status is missing");
        return false;
    }
    if (!cJSON_IsString(v) || !backend_task_status_parse(v->valuestring, out)) {
        char ex[48];
        const char *s = cJSON_IsString(v) ? v->valuestring : "";
        if (cJSON_IsString(v))
            bad(r, "Status '%s' is not a FuotaTaskStatus",
                aws_wire_excerpt(s, strlen(s), 32, ex, sizeof(ex)));
        else
            bad(r, "Status is %s, not a string", kind(v));
        return false;
    }
    return true;
}

enum backend_status aws_wire_parse_task(const char *body, size_t len,
                                        struct backend_task *t,
                                        struct backend_error *err)
{
    const struct reader r = { "GetFuotaTask", err };
    cJSON *root = parse_root(&r, body, len);
    if (!root)
        return err->status;
    bool has_created = false;
    bool ok =
        get_string(&r, root, "", "Arn", BACKEND_ARN_MAX, false, &t->arn) &&
        get_string(&r, root, "", "Id", BACKEND_ID_MAX, true, &t->id) &&
        get_status(&r, root, &t->status) &&
        get_string(&r, root, "", "Name", 0, false, &t->name) &&
        get_string(&r, root, "", "Description", 0, false, &t->description) &&
        get_string(&r, root, "", "FirmwareUpdateImage", 0, false,
                   &t->firmware_update_image) &&
        get_string(&r, root, "", "FirmwareUpdateRole", 0, false,
                   &t->firmware_update_role) &&
        get_time(&r, root, "", "CreatedAt", &has_created, &t->created_at) &&
        get_int32(&r, root, "RedundancyPercent", &t->has_redundancy_percent,
                  &t->redundancy_percent) &&
        get_int32(&r, root, "FragmentSizeBytes", &t->has_fragment_size_bytes,
                  &t->fragment_size_bytes) &&
        get_int32(&r, root, "FragmentIntervalMS", &t->has_fragment_interval_ms,
                  &t->fragment_interval_ms) &&
        get_string(&r, root, "", "Descriptor", 0, false, &t->descriptor);
    const cJSON *lw = ok ? member(root, "LoRaWAN") : NULL;
    if (lw && !cJSON_IsObject(lw)) {
        bad(&r, "LoRaWAN is %s, not an object", kind(lw));
        ok = false;
    } else if (lw) {
        ok = get_string(&r, lw, "LoRaWAN.", "RfRegion", 0, false,
                        &t->rf_region) &&
             get_time(&r, lw, "LoRaWAN.", "StartTime", &t->has_start_time,
                      &t->start_time);
    }
    cJSON_Delete(root);
    return ok ? BACKEND_OK : err->status;
}

/* Reads list item i (an object; where = "NAME[i].") into items[i]. */
typedef bool (*item_reader)(const struct reader *r, const cJSON *e,
                            const char *where, void *items, size_t i);

/* Where one kind of page keeps its parts. */
struct page_out {
    void **items;
    size_t item_size;
    size_t *count;
    char **next_token;
};

/*
 * A List answer: {"NAME": [objects...], "NextToken": "..."}, both optional
 * (an absent list is empty). *out->count counts the items filled so far,
 * so the page's cleanup frees exactly those on failure.
 */
static enum backend_status parse_page(const char *op, const char *name,
                                      const char *body, size_t len,
                                      const struct page_out *out,
                                      item_reader read_item,
                                      struct backend_error *err)
{
    const struct reader r = { op, err };
    cJSON *root = parse_root(&r, body, len);
    if (!root)
        return err->status;
    bool ok = get_string(&r, root, "", "NextToken", BACKEND_NEXT_TOKEN_MAX,
                         false, out->next_token);
    const cJSON *list = ok ? member(root, name) : NULL;
    if (list && !cJSON_IsArray(list)) {
        bad(&r, "%s is %s, not a list", name, kind(list));
        ok = false;
    }
    size_t n = ok && list ? (size_t)cJSON_GetArraySize(list) : 0;
    if (ok) {
        *out->items = calloc(n ? n : 1, out->item_size);
        if (!*out->items) {
            backend_error_set(err, BACKEND_NO_MEMORY, "out of memory");
            ok = false;
        }
    }
    const cJSON *e = ok && list ? list->child : NULL;
    for (size_t i = 0; ok && e; i++, e = e->next) {
        char where[64];
        snprintf(where, sizeof(where), "%s[%zu].", name, i);
        *out->count = i + 1;
        if (!cJSON_IsObject(e)) {
            bad(&r, "%s[%zu] is %s, not an object", name, i, kind(e));
            ok = false;
        } else {
            ok = read_item(&r, e, where, *out->items, i);
        }
    }
    cJSON_Delete(root);
    return ok ? BACKEND_OK : err->status;
}

static bool task_item(const struct reader *r, const cJSON *e, const char *where,
                      void *items, size_t i)
{
    struct backend_task_summary *s = (struct backend_task_summary *)items + i;
    return get_string(r, e, where, "Id", BACKEND_ID_MAX, true, &s->id) &&
           get_string(r, e, where, "Arn", BACKEND_ARN_MAX, false, &s->arn) &&
           get_string(r, e, where, "Name", 0, false, &s->name);
}

static bool group_item(const struct reader *r, const cJSON *e,
                       const char *where, void *items, size_t i)
{
    char **ids = items;
    return get_string(r, e, where, "Id", BACKEND_ID_MAX, true, &ids[i]);
}

static bool device_item(const struct reader *r, const cJSON *e,
                        const char *where, void *items, size_t i)
{
    struct backend_device *d = (struct backend_device *)items + i;
    d->status = BACKEND_DEVICE_INITIAL;
    if (!get_string(r, e, where, "Id", BACKEND_ID_MAX, true, &d->id))
        return false;
    const cJSON *st = member(e, "FuotaDeviceStatus");
    if (st && (!cJSON_IsString(st) ||
               !backend_device_status_parse(st->valuestring, &d->status))) {
        bad(r, "%sFuotaDeviceStatus is not a FuotaDeviceStatus", where);
        return false;
    }
    return true;
}

enum backend_status aws_wire_parse_task_page(const char *body, size_t len,
                                             struct backend_task_page *out,
                                             struct backend_error *err)
{
    const struct page_out po = { (void **)&out->items, sizeof(*out->items),
                                 &out->count, &out->next_token };
    return parse_page("ListFuotaTasks", "FuotaTaskList", body, len, &po,
                      task_item, err);
}

enum backend_status aws_wire_parse_id_page(const char *body, size_t len,
                                           struct backend_id_page *out,
                                           struct backend_error *err)
{
    const struct page_out po = { (void **)&out->ids, sizeof(*out->ids),
                                 &out->count, &out->next_token };
    return parse_page("ListMulticastGroupsByFuotaTask", "MulticastGroupList",
                      body, len, &po, group_item, err);
}

enum backend_status aws_wire_parse_device_page(const char *body, size_t len,
                                               struct backend_device_page *out,
                                               struct backend_error *err)
{
    const struct page_out po = { (void **)&out->items, sizeof(*out->items),
                                 &out->count, &out->next_token };
    return parse_page("ListWirelessDevices", "WirelessDeviceList", body, len,
                      &po, device_item, err);
}

/* Control characters (and DEL) become '?'. */
static void printable(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
            *s = '?';
}

/* "ns#Name:url" -> "Name" into buf. */
static void bare_type(const char *type, char *buf, size_t size)
{
    const char *start = strrchr(type, '#');
    start = start ? start + 1 : type;
    size_t n = strcspn(start, ":");
    if (n >= size)
        n = size - 1;
    memcpy(buf, start, n);
    buf[n] = '\0';
    printable(buf);
}

static const char *string_member(const cJSON *o, const char *a, const char *b)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, a);
    if (!cJSON_IsString(v) && b)
        v = cJSON_GetObjectItemCaseSensitive(o, b);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

enum backend_status aws_wire_parse_error(int http_status,
                                         const char *type_header,
                                         const char *body, size_t len,
                                         struct backend_error *err)
{
    char type[BACKEND_TYPE_MAX] = "";
    cJSON *root = len ? cJSON_ParseWithLength(body, len) : NULL;
    if (root && !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        root = NULL;
    }
    const char *t = type_header && *type_header ? type_header : NULL;
    if (!t && root)
        t = string_member(root, "__type", "code");
    if (!t && root)
        t = string_member(root, "Code", NULL);
    if (t)
        bare_type(t, type, sizeof(type));
    enum backend_status st = backend_status_classify(type, http_status);
    const char *msg = root ? string_member(root, "message", "Message") : NULL;
    char ex[160];
    if (msg)
        backend_error_set(err, st, "%s", msg);
    else if (len && !root)
        backend_error_set(
            err, st, "HTTP %d with a body that is not a JSON object: '%s'",
            http_status, aws_wire_excerpt(body, len, 120, ex, sizeof(ex)));
    else
        backend_error_set(err, st, "HTTP %d with no message", http_status);
    /* What was received is what is shown (the contract keeps 0 for a
     * transport failure, such as an answer that is no error at all). */
    err->http_status = st == BACKEND_TRANSPORT ? 0 : http_status;
    snprintf(err->type, sizeof(err->type), "%s", type);
    if (root) {
        const char *rid = string_member(root, "ResourceId", NULL);
        const char *rtype = string_member(root, "ResourceType", NULL);
        if (rid || rtype)
            backend_error_set_resource(err, rtype, rid);
    }
    cJSON_Delete(root);
    /* It reaches terminals: no control characters from the service. */
    printable(err->message);
    printable(err->resource_type);
    printable(err->resource_id);
    return st;
}
