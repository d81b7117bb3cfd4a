/*
 * libFuzzer target for the HTTP layer of `fuota serve` without a socket:
 * request sequences through the route matcher (sim/http_routes) and the
 * operation handlers (sim/http_ops) over a fresh in-memory store.
 *
 * Input: requests separated by the line "--". Each request is a first line
 * "METHOD TARGET" (TARGET = path[?query]) and the rest is its body. "$ID"
 * in a target or body stands for the Id of the last task created, so that
 * a sequence can create a task and then act on it. The store's clock moves
 * 7 s per request, so started tasks run through their statuses.
 *
 * Checked for every reply: a status in 200..599; a body length that
 * matches the body; every body valid UTF-8; an error (>= 400) has an error
 * type and a body that is a JSON object with a "message" string; 204 has
 * no body; another success has the route's success status and a JSON
 * object body. Any violation aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/backend.h"
#include "core/task.h"
#include "sim/http_ops.h"
#include "sim/http_routes.h"
#include "sim/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Most requests read from one input. */
#define MAX_REQUESTS 24
/* Longest target or body after "$ID" is replaced. */
#define MAX_TEXT 8192

static int64_t clock_ms;

static int64_t fuzz_clock(void *ctx)
{
    (void)ctx;
    return clock_ms;
}

/* Copies src[0..n) into dst with every "$ID" replaced by id; false when it
 * does not fit. */
static bool expand(const char *src, size_t n, const char *id, char *dst,
                   size_t size, size_t *out_len)
{
    size_t o = 0, idl = strlen(id);
    for (size_t i = 0; i < n; i++) {
        if (i + 3 <= n && memcmp(src + i, "$ID", 3) == 0) {
            if (o + idl >= size)
                return false;
            memcpy(dst + o, id, idl);
            o += idl;
            i += 2;
            continue;
        }
        if (o + 1 >= size)
            return false;
        dst[o++] = src[i];
    }
    dst[o] = '\0';
    *out_len = o;
    return true;
}

static void check_reply(const struct http_route_match *m,
                        const struct http_reply *r, char *last_id)
{
    if (r->status < 200 || r->status > 599)
        abort();
    if (r->body != NULL && strlen(r->body) != r->body_len)
        abort();
    if (r->body != NULL && task_utf8_length(r->body, r->body_len) < 0)
        abort();
    if (r->status == 204) {
        if (r->body != NULL || r->error_type != NULL)
            abort();
        return;
    }
    if (r->body == NULL)
        abort();
    cJSON *root = cJSON_ParseWithLength(r->body, r->body_len);
    if (!cJSON_IsObject(root))
        abort();
    if (r->status >= 400) {
        cJSON *msg = cJSON_GetObjectItemCaseSensitive(root, "message");
        if (r->error_type == NULL || r->error_type[0] == '\0' ||
            !cJSON_IsString(msg))
            abort();
    } else {
        if (r->error_type != NULL ||
            r->status != http_routes_success_status(m->op))
            abort();
        cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "Id");
        if (m->op == HTTP_OP_CREATE_TASK && cJSON_IsString(id) &&
            strlen(id->valuestring) <= BACKEND_ID_MAX)
            snprintf(last_id, BACKEND_ID_MAX + 1, "%s", id->valuestring);
    }
    cJSON_Delete(root);
}

/* Runs one request: line "METHOD TARGET", then the body. */
static void one_request(struct store *s, const char *req, size_t n,
                        char *last_id)
{
    const char *nl = memchr(req, '\n', n);
    size_t line = nl ? (size_t)(nl - req) : n;
    const char *sp = memchr(req, ' ', line);
    if (sp == NULL)
        return;
    char method[16];
    size_t ml = (size_t)(sp - req);
    if (ml == 0 || ml >= sizeof(method))
        return;
    memcpy(method, req, ml);
    method[ml] = '\0';
    static char target[MAX_TEXT], body[MAX_TEXT];
    size_t tl, bl = 0;
    if (!expand(sp + 1, line - ml - 1, last_id, target, sizeof(target), &tl))
        return;
    if (memchr(target, '\0', tl) != NULL)
        return; /* a request target is a C string by then */
    if (nl && !expand(nl + 1, n - line - 1, last_id, body, sizeof(body), &bl))
        return;
    char *q = strchr(target, '?');
    const char *query = NULL;
    if (q != NULL) {
        *q = '\0';
        query = q + 1;
    }
    (void)http_routes_param_count(query);
    struct http_route_match m;
    enum http_route_result rr = http_routes_match(method, target, &m);
    if (rr == HTTP_ROUTE_METHOD_NOT_ALLOWED && m.allow[0] == '\0')
        abort();
    if (rr != HTTP_ROUTE_OK)
        return;
    struct http_reply r;
    http_ops_run(s, &m, query, bl ? body : NULL, bl, &r);
    check_reply(&m, &r, last_id);
    http_reply_cleanup(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    clock_ms = 1714564800000LL;
    struct store_options o = {
        .path = ":memory:",
        .clock = fuzz_clock,
        .time_scale = 1000,
    };
    struct store *s = NULL;
    struct backend_error err;
    backend_error_clear(&err);
    if (store_open(&o, &s, &err) != BACKEND_OK)
        abort();
    char last_id[BACKEND_ID_MAX + 1] = "no-task-yet";
    const char *p = (const char *)data, *end = p + size;
    for (int k = 0; k < MAX_REQUESTS && p < end; k++) {
        const char *sep = NULL;
        for (const char *x = p; x + 4 <= end; x++)
            if (memcmp(x, "\n--\n", 4) == 0) {
                sep = x;
                break;
            }
        size_t n = sep ? (size_t)(sep - p) : (size_t)(end - p);
        one_request(s, p, n, last_id);
        clock_ms += 7000;
        p += n + (sep ? 4 : 0);
    }
    store_close(s);
    return 0;
}
