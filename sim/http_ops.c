#include "sim/http_ops.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/backend.h"
#include "core/diag.h"
#include "core/json_scan.h"
#include "core/task.h"
#include "sim/store.h"

/* Used when even the error body cannot be allocated. */
static const char nomem_body[] = "{\"message\":\"out of memory\"}";

void http_reply_init(struct http_reply *r)
{
    memset(r, 0, sizeof(*r));
    r->status = 500;
}

void http_reply_cleanup(struct http_reply *r)
{
    if (r->body != NULL && r->body != nomem_body)
        free(r->body);
    r->body = NULL;
    r->body_len = 0;
}

static void set_body(struct http_reply *r, cJSON *root)
{
    char *text = root ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    if (text == NULL) {
        r->status = 500;
        r->error_type = "InternalServerException";
        r->body = (char *)nomem_body;
        r->body_len = sizeof(nomem_body) - 1;
        return;
    }
    r->body = text;
    r->body_len = strlen(text);
}

static void set_type(struct http_reply *r, const char *type)
{
    snprintf(r->error_type_buf, sizeof(r->error_type_buf), "%s", type);
    r->error_type = r->error_type_buf;
}

/*
 * Copies s into out (size > 0 bytes, NUL-terminated, cut at a character
 * boundary) with every byte that does not begin a well-formed UTF-8
 * sequence replaced by '?': an error body is valid UTF-8 whatever bytes a
 * client sent and a message quoted.
 */
static void utf8_clean(const char *s, char *out, size_t size)
{
    size_t n = strlen(s), o = 0;
    for (size_t i = 0; i < n;) {
        size_t k = 1;
        while (k <= 4 && i + k <= n && task_utf8_length(s + i, k) != 1)
            k++;
        bool valid = k <= 4 && i + k <= n;
        if (!valid)
            k = 1;
        if (o + k >= size)
            break;
        if (valid)
            memcpy(out + o, s + i, k);
        else
            out[o] = '?';
        o += k;
        i += k;
    }
    out[o] = '\0';
}

void http_reply_error(struct http_reply *r, int status, const char *type,
                      const char *fmt, ...)
{
    char raw[2048], msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof(raw), fmt, ap);
    va_end(ap);
    utf8_clean(raw, msg, sizeof(msg));
    http_reply_cleanup(r);
    r->status = status;
    set_type(r, type);
    cJSON *root = cJSON_CreateObject();
    if (root != NULL && cJSON_AddStringToObject(root, "message", msg) == NULL) {
        cJSON_Delete(root);
        root = NULL;
    }
    set_body(r, root);
}

/* A store failure as AWS sends it. */
static void reply_backend_error(struct http_reply *r,
                                const struct backend_error *err)
{
    int status = err->http_status;
    const char *type =
        err->type[0] ? err->type : backend_status_type(err->status);
    char msg[sizeof(err->message)], rid[sizeof(err->resource_id)];
    utf8_clean(err->message[0] ? err->message
                               : backend_status_help(err->status),
               msg, sizeof(msg));
    utf8_clean(err->resource_id, rid, sizeof(rid));
    if (status < 400 || status > 599) {
        /* No memory or an internal transport problem: still the service's
         * fault, as AWS would say. */
        status = 500;
        type = "InternalServerException";
    }
    http_reply_cleanup(r);
    r->status = status;
    set_type(r, type);
    cJSON *root = cJSON_CreateObject();
    if (root == NULL || !cJSON_AddStringToObject(root, "message", msg)) {
        cJSON_Delete(root);
        set_body(r, NULL);
        return;
    }
    if (rid[0] && !cJSON_AddStringToObject(root, "ResourceId", rid))
        goto fail;
    if (err->resource_type[0] &&
        !cJSON_AddStringToObject(root, "ResourceType", err->resource_type))
        goto fail;
    set_body(r, root);
    return;
fail:
    cJSON_Delete(root);
    set_body(r, NULL);
}

static void reply_ok(struct http_reply *r, enum http_op op, cJSON *root)
{
    r->status = http_routes_success_status(op);
    r->error_type = NULL;
    if (root == NULL)
        return; /* 204: no body */
    set_body(r, root);
}

/*
 * Answers an operation whose success carries a JSON body: root (taken), or
 * the out-of-memory error when building it failed (root NULL or !complete).
 */
static void reply_body(struct http_reply *r, enum http_op op, cJSON *root,
                       bool complete)
{
    if (!complete) {
        cJSON_Delete(root);
        root = NULL;
    }
    if (root == NULL) {
        set_body(r, NULL);
        return;
    }
    reply_ok(r, op, root);
}

/* Adds a string member when s is set; false on out of memory. */
static bool add_str(cJSON *o, const char *name, const char *s)
{
    return s == NULL || cJSON_AddStringToObject(o, name, s) != NULL;
}

static bool add_int(cJSON *o, const char *name, bool has, long long v)
{
    return !has || cJSON_AddNumberToObject(o, name, (double)v) != NULL;
}

/*
 * Fills *r for query parameter NAME that could not be read (st < 0); MAX is
 * its length limit in the model. The message names the problem and never
 * quotes the value.
 */
static void param_error(struct http_reply *r, const char *name,
                        enum http_param st, size_t max)
{
    if (st == HTTP_PARAM_TOO_LONG)
        http_reply_error(r, 400, "ValidationException",
                         "1 validation error detected: Value at '%s' failed "
                         "to satisfy constraint: Member must have length "
                         "less than or equal to %zu",
                         name, max);
    else if (st == HTTP_PARAM_NOT_UTF8)
        http_reply_error(r, 400, "ValidationException",
                         "1 validation error detected: Value at '%s' is not "
                         "valid UTF-8 once %%-decoded",
                         name);
    else
        http_reply_error(r, 400, "ValidationException",
                         "1 validation error detected: Value at '%s' is not "
                         "validly %%-encoded or holds a NUL byte (%%00)",
                         name);
}

/* Parses maxResults / nextToken of a List operation. */
static bool parse_page(const char *query, struct backend_page_req *page,
                       char *token, size_t token_size, struct http_reply *r)
{
    char num[32];
    page->next_token = NULL;
    page->max_results = 0;
    enum http_param got =
        http_routes_query_param(query, "nextToken", token, token_size);
    if (got < 0) {
        param_error(r, "nextToken", got, BACKEND_NEXT_TOKEN_MAX);
        return false;
    }
    if (got > 0 && token[0] != '\0')
        page->next_token = token;
    got = http_routes_query_param(query, "maxResults", num, sizeof(num));
    if (got == HTTP_PARAM_ABSENT || (got > 0 && num[0] == '\0'))
        return true;
    char *end = NULL;
    errno = 0;
    long v = got > 0 ? strtol(num, &end, 10) : 0;
    if (got < 0 || errno != 0 || end == num || *end != '\0') {
        http_reply_error(r, 400, "SerializationException",
                         "Value for maxResults is not an integer");
        return false;
    }
    if (v < 0 || v > BACKEND_MAX_RESULTS_MAX) {
        http_reply_error(
            r, 400, "ValidationException",
            "1 validation error detected: Value '%ld' at "
            "'maxResults' failed to satisfy constraint: Member "
            "must have value %s %d",
            v, v < 0 ? "greater than or equal to" : "less than or equal to",
            v < 0 ? 0 : BACKEND_MAX_RESULTS_MAX);
        return false;
    }
    page->max_results = (int)v;
    return true;
}

/* Members AWS ignores (unknown ones) do not make a request fail. */
static bool diag_is_fatal(const struct diag *d)
{
    return d->severity == DIAG_ERROR && strstr(d->rule, "unknown") == NULL;
}

/* Parses a Create/Update body into *task; on failure fills *r. */
static bool parse_task(const char *body, size_t len, struct fuota_task *task,
                       struct http_reply *r)
{
    struct diag_list diags;
    diag_list_init(&diags);
    if (len == 0) {
        body = "{}";
        len = 2;
    }
    bool usable = task_from_json(body, len, task, &diags);
    const struct diag *first = NULL;
    for (size_t i = 0; i < diags.count && first == NULL; i++)
        if (diag_is_fatal(&diags.items[i]))
            first = &diags.items[i];
    if (!usable || first != NULL) {
        char line[DIAG_PATH_MAX + DIAG_MESSAGE_MAX + 4];
        if (first != NULL)
            diag_format(first, line, sizeof(line));
        else
            snprintf(line, sizeof(line), "request body is not a JSON object");
        http_reply_error(r, 400, "SerializationException", "%s", line);
        diag_list_cleanup(&diags);
        return false;
    }
    diag_list_cleanup(&diags);
    return true;
}

/*
 * Checks a body as task_from_json() does before cJSON reads it: no NUL
 * byte, no \u0000 escape (cJSON would cut the string there), no unpaired
 * surrogate escape (a string with no UTF-8 form), no byte order mark. False
 * with *r filled otherwise.
 */
static bool body_text_ok(const char *body, size_t len, struct http_reply *r)
{
    const char *why = NULL;
    struct json_scan scan;
    json_scan_init(&scan);
    if (memchr(body, '\0', len) != NULL)
        why = "holds a NUL byte; JSON text cannot";
    else if (json_scan_run(&scan, body, len, JSON_SCAN_DEPTH_LIMIT) ==
             JSON_SCAN_NOMEM)
        why = "could not be read (out of memory)";
    else if (scan.status == JSON_SCAN_BOM)
        why = "starts with a UTF-8 byte order mark";
    else if (scan.status == JSON_SCAN_BAD_SURROGATE)
        why = "holds an unpaired UTF-16 surrogate escape";
    else if (scan.has_nul_escape)
        why = "holds the escape \\u0000, a NUL character, in a string";
    json_scan_cleanup(&scan);
    if (why != NULL)
        http_reply_error(r, 400, "SerializationException", "request body %s",
                         why);
    return why == NULL;
}

/* Parses a small JSON object body (Start, Associate); NULL + *r on error.
 * An empty body is an empty object. */
static cJSON *parse_object(const char *body, size_t len, struct http_reply *r)
{
    if (len > 0 && !body_text_ok(body, len, r))
        return NULL;
    cJSON *root =
        len == 0 ? cJSON_CreateObject() : cJSON_ParseWithLength(body, len);
    if (root == NULL || !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        http_reply_error(r, 400, "SerializationException",
                         "request body is not a JSON object");
        return NULL;
    }
    return root;
}

/* Reads a required string member NAME (wire name) for label LABEL. */
static const char *required_id(cJSON *root, const char *name, const char *label,
                               struct http_reply *r)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);
    if (v == NULL || cJSON_IsNull(v)) {
        http_reply_error(r, 400, "ValidationException",
                         "1 validation error detected: Value null at '%s' "
                         "failed to satisfy constraint: Member must not be "
                         "null",
                         label);
        return NULL;
    }
    if (!cJSON_IsString(v)) {
        http_reply_error(r, 400, "SerializationException",
                         "%s: expected a string", name);
        return NULL;
    }
    return v->valuestring;
}

static bool id_ok(const char *id, const char *label, struct http_reply *r)
{
    long n = task_utf8_length(id, strlen(id));
    if (n < 0) {
        http_reply_error(r, 400, "ValidationException",
                         "1 validation error detected: Value at '%s' is not "
                         "valid UTF-8",
                         label);
        return false;
    }
    if (n <= BACKEND_ID_MAX)
        return true;
    http_reply_error(r, 400, "ValidationException",
                     "1 validation error detected: Value at '%s' failed to "
                     "satisfy constraint: Member must have length less than "
                     "or equal to %d",
                     label, BACKEND_ID_MAX);
    return false;
}

static cJSON *task_json(const struct backend_task *t)
{
    cJSON *o = cJSON_CreateObject();
    char when[40];
    if (o == NULL)
        return NULL;
    bool ok = add_str(o, "Arn", t->arn) && add_str(o, "Id", t->id) &&
              add_str(o, "Status", backend_task_status_name(t->status)) &&
              add_str(o, "Name", t->name) &&
              add_str(o, "Description", t->description);
    if (ok && (t->rf_region != NULL || t->has_start_time)) {
        cJSON *lw = cJSON_AddObjectToObject(o, "LoRaWAN");
        ok = lw != NULL && add_str(lw, "RfRegion", t->rf_region);
        if (ok && t->has_start_time)
            ok =
                add_str(lw, "StartTime",
                        backend_time_format(t->start_time, when, sizeof(when)));
    }
    ok = ok && add_str(o, "FirmwareUpdateImage", t->firmware_update_image) &&
         add_str(o, "FirmwareUpdateRole", t->firmware_update_role) &&
         cJSON_AddNumberToObject(o, "CreatedAt", (double)t->created_at) &&
         add_int(o, "RedundancyPercent", t->has_redundancy_percent,
                 t->redundancy_percent) &&
         add_int(o, "FragmentSizeBytes", t->has_fragment_size_bytes,
                 t->fragment_size_bytes) &&
         add_int(o, "FragmentIntervalMS", t->has_fragment_interval_ms,
                 t->fragment_interval_ms) &&
         add_str(o, "Descriptor", t->descriptor);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static void op_create(struct store *s, const struct http_route_match *m,
                      const char *body, size_t len, struct http_reply *r)
{
    struct fuota_task task;
    struct backend_created created;
    struct backend_error err;
    if (!parse_task(body, len, &task, r)) {
        task_cleanup(&task);
        return;
    }
    memset(&created, 0, sizeof(created));
    backend_error_clear(&err);
    enum backend_status st = store_create_task(s, &task, &created, &err);
    task_cleanup(&task);
    if (st != BACKEND_OK) {
        reply_backend_error(r, &err);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    reply_body(r, m->op, o,
               o != NULL && add_str(o, "Arn", created.arn) &&
                   add_str(o, "Id", created.id));
}

static void op_get(struct store *s, const struct http_route_match *m,
                   struct http_reply *r)
{
    struct backend_task t;
    struct backend_error err;
    backend_task_init(&t);
    backend_error_clear(&err);
    if (store_get_task(s, m->labels[0], &t, &err) != BACKEND_OK) {
        reply_backend_error(r, &err);
    } else {
        cJSON *o = task_json(&t);
        reply_body(r, m->op, o, true);
    }
    backend_task_cleanup(&t);
}

static void op_list(struct store *s, const struct http_route_match *m,
                    const char *query, struct http_reply *r)
{
    struct backend_page_req page;
    char token[BACKEND_NEXT_TOKEN_MAX + 1];
    if (!parse_page(query, &page, token, sizeof(token), r))
        return;
    struct backend_task_page p;
    struct backend_error err;
    backend_task_page_init(&p);
    backend_error_clear(&err);
    if (store_list_tasks(s, &page, &p, &err) != BACKEND_OK) {
        reply_backend_error(r, &err);
        backend_task_page_cleanup(&p);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON *list = o ? cJSON_AddArrayToObject(o, "FuotaTaskList") : NULL;
    bool ok = list != NULL;
    for (size_t i = 0; ok && i < p.count; i++) {
        cJSON *e = cJSON_CreateObject();
        ok = e != NULL && cJSON_AddItemToArray(list, e) &&
             add_str(e, "Id", p.items[i].id) &&
             add_str(e, "Arn", p.items[i].arn) &&
             add_str(e, "Name", p.items[i].name);
    }
    ok = ok && add_str(o, "NextToken", p.next_token);
    backend_task_page_cleanup(&p);
    reply_body(r, m->op, o, ok);
}

static void op_list_groups(struct store *s, const struct http_route_match *m,
                           const char *query, struct http_reply *r)
{
    struct backend_page_req page;
    char token[BACKEND_NEXT_TOKEN_MAX + 1];
    if (!parse_page(query, &page, token, sizeof(token), r))
        return;
    struct backend_id_page p;
    struct backend_error err;
    backend_id_page_init(&p);
    backend_error_clear(&err);
    if (store_list_groups(s, m->labels[0], &page, &p, &err) != BACKEND_OK) {
        reply_backend_error(r, &err);
        backend_id_page_cleanup(&p);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON *list = o ? cJSON_AddArrayToObject(o, "MulticastGroupList") : NULL;
    bool ok = list != NULL;
    for (size_t i = 0; ok && i < p.count; i++) {
        cJSON *e = cJSON_CreateObject();
        ok = e != NULL && cJSON_AddItemToArray(list, e) &&
             add_str(e, "Id", p.ids[i]);
    }
    ok = ok && add_str(o, "NextToken", p.next_token);
    backend_id_page_cleanup(&p);
    reply_body(r, m->op, o, ok);
}

/* A ListWirelessDevices filter the simulator's virtual devices never match
 * when given (they have no destination or profiles). */
struct device_filter {
    const char *name; /* query locationName */
    size_t max;       /* the model's length limit */
};

static const struct device_filter never_matching[] = {
    { .name = "destinationName", .max = 128 },
    { .name = "deviceProfileId", .max = 256 },
    { .name = "serviceProfileId", .max = 256 },
};

/* Reads query parameter NAME (at most MAX characters) into dst; 1 present
 * and non-empty, 0 absent or empty, -1 with *r filled. */
static int device_filter_param(const char *query, const char *name, size_t max,
                               char *dst, size_t size, struct http_reply *r)
{
    enum http_param got = http_routes_query_param(query, name, dst, size);
    if (got > 0 && (size_t)task_utf8_length(dst, strlen(dst)) > max)
        got = HTTP_PARAM_TOO_LONG;
    if (got < 0) {
        param_error(r, name, got, max);
        return -1;
    }
    return got > 0 && dst[0] != '\0';
}

/* A DevEui (16 hex digits), as the id of a virtual device may be one. */
static bool is_dev_eui(const char *id)
{
    size_t n = 0;
    for (; id[n] != '\0'; n++) {
        char c = id[n];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
              (c >= 'A' && c <= 'F')))
            return false;
    }
    return n == 16;
}

/* One WirelessDeviceStatistics; arn_prefix is
 * "arn:aws:iotwireless:REGION:ACCOUNT" (no trailing ':'). status NULL: no
 * FuotaDeviceStatus (a listing not filtered by task). */
static bool device_json(cJSON *list, const char *arn_prefix, const char *id,
                        const char *status)
{
    cJSON *e = cJSON_CreateObject();
    if (e == NULL || !cJSON_AddItemToArray(list, e))
        return false;
    size_t n = strlen(arn_prefix) + strlen(id) + sizeof(":WirelessDevice/");
    char *arn = malloc(n);
    if (arn == NULL)
        return false;
    snprintf(arn, n, "%s:WirelessDevice/%s", arn_prefix, id);
    bool ok = add_str(e, "Arn", arn) && add_str(e, "Id", id) &&
              add_str(e, "Type", "LoRaWAN");
    free(arn);
    if (ok && is_dev_eui(id)) {
        cJSON *lw = cJSON_AddObjectToObject(e, "LoRaWAN");
        ok = lw != NULL && add_str(lw, "DevEui", id);
    }
    return ok && add_str(e, "FuotaDeviceStatus", status);
}

/* The response body: WirelessDeviceList (maybe empty) and NextToken. */
static cJSON *devices_json(const char *arn_prefix,
                           const struct backend_device_page *p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *list = o ? cJSON_AddArrayToObject(o, "WirelessDeviceList") : NULL;
    bool ok = list != NULL;
    for (size_t i = 0; ok && p != NULL && i < p->count; i++)
        ok = device_json(list, arn_prefix, p->items[i].id,
                         backend_device_status_name(p->items[i].status));
    ok = ok && (p == NULL || add_str(o, "NextToken", p->next_token));
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static void reply_devices(struct http_reply *r,
                          const struct http_route_match *m,
                          const char *arn_prefix,
                          const struct backend_device_page *p)
{
    cJSON *o = devices_json(arn_prefix, p);
    reply_body(r, m->op, o, true);
}

/* ListWirelessDevices without a task: every virtual device, by id, one page
 * from one store call (one fault draw, one query). */
static void list_all_devices(struct store *s, const struct http_route_match *m,
                             const char *group,
                             const struct backend_page_req *page,
                             struct http_reply *r)
{
    struct backend_id_page p;
    struct backend_error err;
    backend_error_clear(&err);
    if (store_list_all_devices_in_group(s, group, page, &p, &err) !=
        BACKEND_OK) {
        reply_backend_error(r, &err);
        return;
    }
    const char *prefix = store_arn_prefix(s);
    cJSON *o = cJSON_CreateObject();
    cJSON *list = o ? cJSON_AddArrayToObject(o, "WirelessDeviceList") : NULL;
    bool ok = list != NULL;
    for (size_t i = 0; ok && i < p.count; i++)
        ok = device_json(list, prefix, p.ids[i], NULL);
    ok = ok && add_str(o, "NextToken", p.next_token);
    backend_id_page_cleanup(&p);
    reply_body(r, m->op, o, ok);
}

static void op_list_devices(struct store *s, const struct http_route_match *m,
                            const char *query, struct http_reply *r)
{
    /* Input first, as AWS checks it before any state. */
    struct backend_page_req page;
    char token[BACKEND_NEXT_TOKEN_MAX + 1];
    if (!parse_page(query, &page, token, sizeof(token), r))
        return;
    char task_id[HTTP_LABEL_MAX + 1];
    char value[HTTP_LABEL_MAX + 1];
    int has_task = device_filter_param(query, "fuotaTaskId", BACKEND_ID_MAX,
                                       task_id, sizeof(task_id), r);
    if (has_task < 0)
        return;
    char group[HTTP_LABEL_MAX + 1];
    int has_group = device_filter_param(
        query, "multicastGroupId", BACKEND_ID_MAX, group, sizeof(group), r);
    if (has_group < 0)
        return;
    bool matches_none = false;
    for (size_t i = 0; i < sizeof(never_matching) / sizeof(never_matching[0]);
         i++) {
        int got =
            device_filter_param(query, never_matching[i].name,
                                never_matching[i].max, value, sizeof(value), r);
        if (got < 0)
            return;
        matches_none = matches_none || got > 0;
    }
    int got = device_filter_param(query, "wirelessDeviceType", 64, value,
                                  sizeof(value), r);
    if (got < 0)
        return;
    if (got > 0 && strcmp(value, "LoRaWAN") != 0) {
        if (strcmp(value, "Sidewalk") != 0) {
            http_reply_error(r, 400, "ValidationException",
                             "1 validation error detected: Value '%.64s' at "
                             "'wirelessDeviceType' failed to satisfy "
                             "constraint: Member must satisfy enum value set: "
                             "[Sidewalk, LoRaWAN]",
                             value);
            return;
        }
        matches_none = true; /* every virtual device is a LoRaWAN one */
    }
    if (matches_none) {
        reply_devices(r, m, "", NULL);
        return;
    }
    if (!has_task) {
        list_all_devices(s, m, has_group ? group : NULL, &page, r);
        return;
    }

    /* One store call, one fault draw; device ARNs name the store's region
     * and account, as its task ARNs do. */
    struct backend_error err;
    backend_error_clear(&err);
    const char *prefix = store_arn_prefix(s);
    struct backend_device_page p;
    enum backend_status st = store_list_devices_in_group(
        s, task_id, has_group ? group : NULL, &page, &p, &err);
    if (st == BACKEND_NOT_FOUND) {
        /* ListWirelessDevices has no ResourceNotFoundException: a filter
         * on a task that does not exist matches no device. */
        reply_devices(r, m, "", NULL);
    } else if (st != BACKEND_OK) {
        reply_backend_error(r, &err);
    } else {
        reply_devices(r, m, prefix, &p);
    }
    backend_device_page_cleanup(&p);
}

static void op_update(struct store *s, const struct http_route_match *m,
                      const char *body, size_t len, struct http_reply *r)
{
    struct fuota_task changes;
    struct backend_error err;
    if (!parse_task(body, len, &changes, r)) {
        task_cleanup(&changes);
        return;
    }
    backend_error_clear(&err);
    if (store_update_task(s, m->labels[0], &changes, &err) != BACKEND_OK)
        reply_backend_error(r, &err);
    else
        reply_ok(r, m->op, NULL);
    task_cleanup(&changes);
}

static void op_start(struct store *s, const struct http_route_match *m,
                     const char *body, size_t len, struct http_reply *r)
{
    cJSON *root = parse_object(body, len, r);
    if (root == NULL)
        return;
    bool has_start = false;
    int64_t start = 0;
    cJSON *lw = cJSON_GetObjectItemCaseSensitive(root, "LoRaWAN");
    if (lw != NULL && !cJSON_IsNull(lw)) {
        if (!cJSON_IsObject(lw)) {
            http_reply_error(r, 400, "SerializationException",
                             "LoRaWAN: expected an object");
            cJSON_Delete(root);
            return;
        }
        cJSON *st = cJSON_GetObjectItemCaseSensitive(lw, "StartTime");
        if (st != NULL && !cJSON_IsNull(st)) {
            if (!cJSON_IsString(st) ||
                !backend_time_parse(st->valuestring, &start)) {
                http_reply_error(r, 400, "SerializationException",
                                 "LoRaWAN.StartTime: expected an ISO-8601 "
                                 "timestamp such as 2024-05-01T12:00:00Z");
                cJSON_Delete(root);
                return;
            }
            has_start = true;
        }
    }
    cJSON_Delete(root);
    struct backend_error err;
    backend_error_clear(&err);
    if (store_start_task(s, m->labels[0], has_start, start, &err) != BACKEND_OK)
        reply_backend_error(r, &err);
    else
        reply_ok(r, m->op, NULL);
}

static void op_simple(struct store *s, const struct http_route_match *m,
                      const char *body, size_t len, struct http_reply *r)
{
    struct backend_error err;
    enum backend_status st = BACKEND_OK;
    const char *id = m->labels[0];
    const char *other = m->labels[1];
    cJSON *root = NULL;
    backend_error_clear(&err);
    if (m->op == HTTP_OP_ASSOCIATE_DEVICE || m->op == HTTP_OP_ASSOCIATE_GROUP) {
        bool dev = m->op == HTTP_OP_ASSOCIATE_DEVICE;
        root = parse_object(body, len, r);
        if (root == NULL)
            return;
        other = required_id(root, dev ? "WirelessDeviceId" : "MulticastGroupId",
                            dev ? "wirelessDeviceId" : "multicastGroupId", r);
        if (other == NULL ||
            !id_ok(other, dev ? "wirelessDeviceId" : "multicastGroupId", r)) {
            cJSON_Delete(root);
            return;
        }
    }
    switch (m->op) {
    case HTTP_OP_DELETE_TASK:
        st = store_delete_task(s, id, &err);
        break;
    case HTTP_OP_ASSOCIATE_DEVICE:
        st = store_associate_device(s, id, other, &err);
        break;
    case HTTP_OP_DISASSOCIATE_DEVICE:
        st = store_disassociate_device(s, id, other, &err);
        break;
    case HTTP_OP_ASSOCIATE_GROUP:
        st = store_associate_group(s, id, other, &err);
        break;
    case HTTP_OP_DISASSOCIATE_GROUP:
        st = store_disassociate_group(s, id, other, &err);
        break;
    default:
        st = backend_error_set(&err, BACKEND_INTERNAL, "unrouted operation");
        break;
    }
    cJSON_Delete(root);
    if (st != BACKEND_OK)
        reply_backend_error(r, &err);
    else
        reply_ok(r, m->op, NULL);
}

void http_ops_run(struct store *store, const struct http_route_match *m,
                  const char *query, const char *body, size_t len,
                  struct http_reply *r)
{
    http_reply_init(r);
    if (body == NULL)
        len = 0;
    if (!id_ok(m->labels[0], "id", r))
        return;
    if (m->label_count > 1 &&
        !id_ok(m->labels[1],
               m->op == HTTP_OP_DISASSOCIATE_DEVICE ? "wirelessDeviceId"
                                                    : "multicastGroupId",
               r))
        return;
    switch (m->op) {
    case HTTP_OP_CREATE_TASK:
        op_create(store, m, body, len, r);
        break;
    case HTTP_OP_LIST_TASKS:
        op_list(store, m, query, r);
        break;
    case HTTP_OP_GET_TASK:
        op_get(store, m, r);
        break;
    case HTTP_OP_UPDATE_TASK:
        op_update(store, m, body, len, r);
        break;
    case HTTP_OP_START_TASK:
        op_start(store, m, body, len, r);
        break;
    case HTTP_OP_LIST_GROUPS:
        op_list_groups(store, m, query, r);
        break;
    case HTTP_OP_LIST_DEVICES:
        op_list_devices(store, m, query, r);
        break;
    case HTTP_OP_DELETE_TASK:
    case HTTP_OP_ASSOCIATE_DEVICE:
    case HTTP_OP_DISASSOCIATE_DEVICE:
    case HTTP_OP_ASSOCIATE_GROUP:
    case HTTP_OP_DISASSOCIATE_GROUP:
        op_simple(store, m, body, len, r);
        break;
    default:
        http_reply_error(r, 404, "UnknownOperationException",
                         "Unknown operation");
        break;
    }
}
