#include "aws/client.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "aws/wire.h"
#include "core/sigv4.h"

/* Bodies shown in the trace are cut here. */
#define TRACE_BODY_MAX 2000

struct client {
    struct backend base; /* first: a struct backend * is a client * */
    pthread_mutex_t lock;
    CURL *curl;
    char *origin;    /* "https://host[:port]" */
    char *base_path; /* the endpoint's path without a trailing '/', or "" */
    char *host;      /* Host header value */
    char *region;
    char *access_key_id;
    char *secret; /* secret: wiped on close */
    char *token;  /* secret: wiped on close; NULL = none */
    long connect_ms, timeout_ms, base_ms, cap_ms;
    int attempts;
    size_t max_response;
    void (*trace)(void *ctx, const char *line);
    void *trace_ctx;
    char errbuf[CURL_ERROR_SIZE];
};

/* What came back from one attempt. */
struct answer {
    char *body;
    size_t len, cap, max;
    bool too_big;
    long http;
    char type[BACKEND_TYPE_MAX];
    char request_id[96];
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static bool global_ok;
static char user_agent[96];

static void global_init(void)
{
    global_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
    snprintf(user_agent, sizeof(user_agent), "fuota/%s libcurl/%s",
             FUOTA_VERSION, v && v->version ? v->version : "?");
}

const char *aws_client_user_agent(void)
{
    pthread_once(&global_once, global_init);
    return user_agent;
}

static void wipe_free(char *s)
{
    if (s) {
        sodium_memzero(s, strlen(s));
        free(s);
    }
}

static void tracef(const struct client *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void tracef(const struct client *c, const char *fmt, ...)
{
    if (!c->trace)
        return;
    char line[TRACE_BODY_MAX + 256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    c->trace(c->trace_ctx, line);
}

static void trace_body(const struct client *c, const char *dir,
                       const char *body, size_t len)
{
    if (!c->trace || !body || len == 0)
        return;
    char ex[TRACE_BODY_MAX + 8];
    tracef(c, "%s %s", dir,
           aws_wire_excerpt(body, len, TRACE_BODY_MAX, ex, sizeof(ex)));
}

/* ---- one attempt -------------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
    struct answer *a = ctx;
    size_t n = size * nmemb;
    if (n > a->max - a->len) {
        a->too_big = true;
        return 0; /* curl stops: CURLE_WRITE_ERROR */
    }
    if (a->len + n + 1 > a->cap) {
        size_t cap = a->cap ? a->cap : 4096;
        while (cap < a->len + n + 1)
            cap *= 2;
        char *p = realloc(a->body, cap);
        if (!p)
            return 0;
        a->body = p;
        a->cap = cap;
    }
    memcpy(a->body + a->len, data, n);
    a->len += n;
    a->body[a->len] = '\0';
    return n;
}

/* Value of "Name: value" when the header line is `name` (any case). */
static bool header_value(const char *line, size_t n, const char *name,
                         char *buf, size_t size)
{
    size_t k = strlen(name);
    if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
        return false;
    const char *v = line + k + 1;
    size_t m = n - k - 1;
    while (m && (*v == ' ' || *v == '\t')) {
        v++;
        m--;
    }
    while (m && (v[m - 1] == '\r' || v[m - 1] == '\n' || v[m - 1] == ' '))
        m--;
    if (m >= size)
        m = size - 1;
    for (size_t i = 0; i < m; i++) {
        unsigned char ch = (unsigned char)v[i];
        buf[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
    }
    buf[m] = '\0';
    return true;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ctx)
{
    struct answer *a = ctx;
    size_t n = size * nmemb;
    /* A new status line (after a 100 Continue) starts a new header set. */
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        a->type[0] = '\0';
        a->request_id[0] = '\0';
    }
    header_value(data, n, "x-amzn-ErrorType", a->type, sizeof(a->type));
    header_value(data, n, "x-amzn-RequestId", a->request_id,
                 sizeof(a->request_id));
    return n;
}

static void answer_reset(struct answer *a)
{
    a->len = 0;
    if (a->body)
        a->body[0] = '\0';
    a->too_big = false;
    a->http = 0;
    a->type[0] = '\0';
    a->request_id[0] = '\0';
}

static void slist_wipe_free(struct curl_slist *l)
{
    for (struct curl_slist *p = l; p; p = p->next)
        sodium_memzero(p->data, strlen(p->data));
    curl_slist_free_all(l);
}

/* Appends "name: value"; false on out of memory (the list is freed). */
static bool add_header(struct curl_slist **l, const char *name,
                       const char *value)
{
    size_t n = strlen(name) + strlen(value) + 3;
    char *line = malloc(n);
    if (!line)
        return false;
    snprintf(line, n, "%s: %s", name, value);
    struct curl_slist *p = curl_slist_append(*l, line);
    sodium_memzero(line, n);
    free(line);
    if (!p) {
        slist_wipe_free(*l);
        *l = NULL;
        return false;
    }
    *l = p;
    return true;
}

/* Signs the request and builds the header list; traces it masked. */
static enum backend_status sign(struct client *c,
                                const struct aws_wire_request *rq,
                                struct curl_slist **headers,
                                struct backend_error *err)
{
    const char *method = aws_wire_op_method(rq->op);
    size_t plen = strlen(c->base_path) + strlen(rq->path) + 1;
    char *path = malloc(plen);
    if (!path)
        return backend_error_set(err, BACKEND_NO_MEMORY, "out of memory");
    snprintf(path, plen, "%s%s", c->base_path, rq->path);
    struct sigv4_header h[2] = { { "Host", c->host },
                                 { "Content-Type", "application/json" } };
    struct sigv4_request req = {
        .method = method,
        .path = path,
        .path_form = SIGV4_PATH_WIRE,
        .query = rq->query,
        .headers = h,
        .header_count = rq->body ? 2 : 1,
        .payload = rq->body,
        .payload_len = rq->body ? strlen(rq->body) : 0,
    };
    struct sigv4_credentials cred = { c->access_key_id, c->secret, c->token };
    struct sigv4_sign_options so = { .region = c->region,
                                     .time = (int64_t)time(NULL) };
    struct sigv4_signed s;
    sigv4_signed_init(&s);
    char why[160];
    enum sigv4_status ss = sigv4_sign(&req, &cred, &so, &s, why, sizeof(why));
    if (ss != SIGV4_OK) {
        free(path);
        sigv4_signed_cleanup(&s);
        return backend_error_set(
            err, ss == SIGV4_E_NOMEM ? BACKEND_NO_MEMORY : BACKEND_VALIDATION,
            "cannot sign the request: %s", why);
    }
    tracef(c, "> %s %s%s%s%s", method, c->origin, path, rq->query ? "?" : "",
           rq->query ? rq->query : "");
    free(path);
    *headers = NULL;
    bool ok = add_header(headers, "Host", c->host) &&
              add_header(headers, "Accept", "application/json") &&
              add_header(headers, "Expect", "");
    if (ok && rq->body)
        ok = add_header(headers, "Content-Type", "application/json");
    tracef(c, "> Host: %s", c->host);
    for (size_t i = 0; ok && i < s.add_header_count; i++) {
        const struct sigv4_header *a = &s.add_headers[i];
        ok = add_header(headers, a->name, a->value);
        if (strcmp(a->name, "authorization") == 0)
            tracef(c,
                   "> Authorization: %s Credential=%s/%s, SignedHeaders=%s, "
                   "Signature=****",
                   SIGV4_ALGORITHM, c->access_key_id, s.credential_scope,
                   s.signed_headers);
        else if (strcmp(a->name, "x-amz-security-token") == 0)
            tracef(c, "> X-Amz-Security-Token: ****");
        else
            tracef(c, "> %s: %s", a->name, a->value);
    }
    sigv4_signed_cleanup(&s);
    if (!ok) {
        slist_wipe_free(*headers);
        *headers = NULL;
        return backend_error_set(err, BACKEND_NO_MEMORY, "out of memory");
    }
    trace_body(c, ">", rq->body, rq->body ? strlen(rq->body) : 0);
    return BACKEND_OK;
}

/* What a curl failure means, and whether another attempt may help. */
static enum backend_status transport_error(struct client *c, CURLcode rc,
                                           const struct answer *a,
                                           enum aws_op op, bool *retry,
                                           struct backend_error *err)
{
    const char *why = c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc);
    const char *name = aws_wire_op_name(op);
    *retry = false;
    switch (rc) {
    case CURLE_WRITE_ERROR:
    case CURLE_FILESIZE_EXCEEDED:
        if (a->too_big || rc == CURLE_FILESIZE_EXCEEDED)
            return backend_error_set(err, BACKEND_TRANSPORT,
                                     "the service's answer to %s is not what "
                                     "the API promises: it is larger than "
                                     "%zu bytes",
                                     name, a->max);
        return backend_error_set(err, BACKEND_NO_MEMORY,
                                 "out of memory reading the reply to %s", name);
    case CURLE_OPERATION_TIMEDOUT:
        *retry = true;
        return backend_error_set(
            err, BACKEND_TIMEOUT, "no reply to %s from %s within %.3g s (%s)",
            name, c->origin, (double)c->timeout_ms / 1000.0, why);
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        *retry = true;
        return backend_error_set(err, BACKEND_TRANSPORT,
                                 "cannot connect to %s: %s", c->origin, why);
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        *retry = true;
        return backend_error_set(err, BACKEND_TRANSPORT,
                                 "the connection to %s broke before the "
                                 "reply to %s was complete: %s",
                                 c->origin, name, why);
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_UNSUPPORTED_PROTOCOL:
        return backend_error_set(err, BACKEND_TRANSPORT,
                                 "the service's answer to %s is not what the "
                                 "API promises: it is not HTTP (%s)",
                                 name, why);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
        return backend_error_set(err, BACKEND_TRANSPORT,
                                 "TLS with %s failed: %s (fuota always "
                                 "verifies certificates and host names)",
                                 c->origin, why);
    case CURLE_OUT_OF_MEMORY:
        return backend_error_set(err, BACKEND_NO_MEMORY, "out of memory");
    default:
        return backend_error_set(err, BACKEND_TRANSPORT, "%s with %s: %s", name,
                                 c->origin, why);
    }
}

static enum backend_status attempt(struct client *c,
                                   const struct aws_wire_request *rq,
                                   struct answer *a, bool *retry,
                                   struct backend_error *err)
{
    *retry = false;
    struct curl_slist *headers = NULL;
    enum backend_status st = sign(c, rq, &headers, err);
    if (st != BACKEND_OK)
        return st;
    size_t ulen = strlen(c->origin) + strlen(c->base_path) + strlen(rq->path) +
                  (rq->query ? strlen(rq->query) + 1 : 0) + 1;
    char *url = malloc(ulen);
    if (!url) {
        slist_wipe_free(headers);
        return backend_error_set(err, BACKEND_NO_MEMORY, "out of memory");
    }
    snprintf(url, ulen, "%s%s%s%s%s", c->origin, c->base_path, rq->path,
             rq->query ? "?" : "", rq->query ? rq->query : "");

    CURL *h = c->curl;
    c->errbuf[0] = '\0';
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L); /* resets any body */
    if (rq->body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)strlen(rq->body));
    }
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, aws_wire_op_method(rq->op));
    curl_easy_setopt(h, CURLOPT_WRITEDATA, a);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, a);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CURLcode rc = curl_easy_perform(h);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a->http);
    /* Nothing of this request may linger in the handle. */
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
    slist_wipe_free(headers);
    free(url);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
                (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;

    if (rc != CURLE_OK) {
        st = transport_error(c, rc, a, rq->op, retry, err);
        tracef(c, "< failed after %.0f ms: %s", ms, err->message);
        return st;
    }
    tracef(c, "< HTTP %ld in %.0f ms, %zu bytes%s%s%s%s", a->http, ms, a->len,
           a->request_id[0] ? ", x-amzn-RequestId " : "", a->request_id,
           a->type[0] ? ", x-amzn-ErrorType " : "", a->type);
    trace_body(c, "<", a->body, a->len);
    if (a->http >= 200 && a->http < 300)
        return BACKEND_OK;
    if (a->http >= 300 && a->http < 400)
        return backend_error_set(err, BACKEND_TRANSPORT,
                                 "the service's answer to %s is not what the "
                                 "API promises: a redirect (HTTP %ld); give "
                                 "the final endpoint URL",
                                 aws_wire_op_name(rq->op), a->http);
    if (a->http < 200)
        return backend_error_set(err, BACKEND_TRANSPORT,
                                 "the service's answer to %s is not what the "
                                 "API promises: HTTP status %ld",
                                 aws_wire_op_name(rq->op), a->http);
    st = aws_wire_parse_error((int)a->http, a->type, a->body, a->len, err);
    *retry = st == BACKEND_THROTTLED || a->http >= 500;
    return st;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { .tv_sec = ms / 1000,
                           .tv_nsec = (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Full jitter: uniform in [0, min(cap, base * 2^(n - 1))]. */
static long backoff_ms(const struct client *c, int n)
{
    long ceiling = c->base_ms;
    for (int i = 1; i < n && ceiling < c->cap_ms; i++)
        ceiling *= 2;
    if (ceiling > c->cap_ms)
        ceiling = c->cap_ms;
    return (long)randombytes_uniform((uint32_t)ceiling + 1);
}

/*
 * Builds the request and runs it with retries; on BACKEND_OK the body is
 * in *a (the caller frees a->body).
 */
static enum backend_status call(struct client *c, enum aws_op op,
                                const struct aws_wire_args *args,
                                struct answer *a, struct backend_error *err)
{
    memset(a, 0, sizeof(*a));
    a->max = c->max_response;
    struct aws_wire_request rq;
    enum backend_status st = aws_wire_build(op, args, &rq, err);
    if (st != BACKEND_OK) {
        aws_wire_request_cleanup(&rq);
        return st;
    }
    pthread_mutex_lock(&c->lock);
    int n = 1;
    for (;; n++) {
        bool retry = false;
        answer_reset(a);
        backend_error_clear(err);
        st = attempt(c, &rq, a, &retry, err);
        if (st == BACKEND_OK || !retry || n >= c->attempts)
            break;
        long wait = backoff_ms(c, n);
        tracef(c, "attempt %d of %d failed (%s); retrying in %ld ms", n,
               c->attempts, err->type[0] ? err->type : backend_status_type(st),
               wait);
        sleep_ms(wait);
    }
    pthread_mutex_unlock(&c->lock);
    aws_wire_request_cleanup(&rq);
    if (st != BACKEND_OK && n > 1 &&
        (st == BACKEND_TRANSPORT || st == BACKEND_TIMEOUT)) {
        size_t len = strlen(err->message);
        snprintf(err->message + len, sizeof(err->message) - len,
                 " (%d attempts)", n);
    }
    return st;
}

/* ---- operations --------------------------------------------------------- */

static struct client *cl(struct backend *b)
{
    return (struct client *)b;
}

static enum backend_status live_create(struct backend *b,
                                       const struct fuota_task *request,
                                       struct backend_created *out,
                                       struct backend_error *err)
{
    struct client *c = cl(b);
    struct fuota_task copy;
    const struct fuota_task *send = request;
    char token[TASK_NEW_TOKEN_SIZE];
    task_init(&copy);
    if (!request->client_request_token || !*request->client_request_token) {
        /* Made once, before the first attempt: every retry carries it. */
        task_new_token(token);
        if (!task_copy(&copy, request))
            return backend_error_set(err, BACKEND_NO_MEMORY, "out of memory");
        free(copy.client_request_token);
        copy.client_request_token = strdup(token);
        if (!copy.client_request_token) {
            task_cleanup(&copy);
            return backend_error_set(err, BACKEND_NO_MEMORY, "out of memory");
        }
        tracef(c, "ClientRequestToken %s generated for this create", token);
        send = &copy;
    }
    const struct aws_wire_args args = { .task = send };
    struct answer a;
    enum backend_status st = call(c, AWS_OP_CREATE_TASK, &args, &a, err);
    if (st == BACKEND_OK)
        st = aws_wire_parse_created(a.body, a.len, out, err);
    free(a.body);
    task_cleanup(&copy);
    return st;
}

static enum backend_status live_get(struct backend *b, const char *id,
                                    struct backend_task *out,
                                    struct backend_error *err)
{
    const struct aws_wire_args args = { .id = id };
    struct answer a;
    enum backend_status st = call(cl(b), AWS_OP_GET_TASK, &args, &a, err);
    if (st == BACKEND_OK)
        st = aws_wire_parse_task(a.body, a.len, out, err);
    free(a.body);
    return st;
}

static enum backend_status live_list(struct backend *b,
                                     const struct backend_page_req *page,
                                     struct backend_task_page *out,
                                     struct backend_error *err)
{
    const struct aws_wire_args args = { .page = page };
    struct answer a;
    enum backend_status st = call(cl(b), AWS_OP_LIST_TASKS, &args, &a, err);
    if (st == BACKEND_OK)
        st = aws_wire_parse_task_page(a.body, a.len, out, err);
    free(a.body);
    return st;
}

/* An operation whose answer has no body worth reading. */
static enum backend_status no_answer(struct backend *b, enum aws_op op,
                                     const struct aws_wire_args *args,
                                     struct backend_error *err)
{
    struct answer a;
    enum backend_status st = call(cl(b), op, args, &a, err);
    free(a.body);
    return st;
}

static enum backend_status live_update(struct backend *b, const char *id,
                                       const struct fuota_task *changes,
                                       struct backend_error *err)
{
    const struct aws_wire_args args = { .id = id, .task = changes };
    return no_answer(b, AWS_OP_UPDATE_TASK, &args, err);
}

static enum backend_status live_delete(struct backend *b, const char *id,
                                       struct backend_error *err)
{
    const struct aws_wire_args args = { .id = id };
    return no_answer(b, AWS_OP_DELETE_TASK, &args, err);
}

static enum backend_status live_start(struct backend *b, const char *id,
                                      bool has_start_time, int64_t start_time,
                                      struct backend_error *err)
{
    const struct aws_wire_args args = { .id = id,
                                        .has_start_time = has_start_time,
                                        .start_time = start_time };
    return no_answer(b, AWS_OP_START_TASK, &args, err);
}

static enum backend_status member_op(struct backend *b, enum aws_op op,
                                     const char *id, const char *member_id,
                                     struct backend_error *err)
{
    const struct aws_wire_args args = { .id = id, .member_id = member_id };
    return no_answer(b, op, &args, err);
}

static enum backend_status live_assoc_dev(struct backend *b, const char *id,
                                          const char *device_id,
                                          struct backend_error *err)
{
    return member_op(b, AWS_OP_ASSOCIATE_DEVICE, id, device_id, err);
}

static enum backend_status live_disassoc_dev(struct backend *b, const char *id,
                                             const char *device_id,
                                             struct backend_error *err)
{
    return member_op(b, AWS_OP_DISASSOCIATE_DEVICE, id, device_id, err);
}

static enum backend_status live_assoc_grp(struct backend *b, const char *id,
                                          const char *group_id,
                                          struct backend_error *err)
{
    return member_op(b, AWS_OP_ASSOCIATE_GROUP, id, group_id, err);
}

static enum backend_status live_disassoc_grp(struct backend *b, const char *id,
                                             const char *group_id,
                                             struct backend_error *err)
{
    return member_op(b, AWS_OP_DISASSOCIATE_GROUP, id, group_id, err);
}

static enum backend_status live_list_groups(struct backend *b, const char *id,
                                            const struct backend_page_req *page,
                                            struct backend_id_page *out,
                                            struct backend_error *err)
{
    const struct aws_wire_args args = { .id = id, .page = page };
    struct answer a;
    enum backend_status st = call(cl(b), AWS_OP_LIST_GROUPS, &args, &a, err);
    if (st == BACKEND_OK)
        st = aws_wire_parse_id_page(a.body, a.len, out, err);
    free(a.body);
    return st;
}

static enum backend_status
live_list_devices(struct backend *b, const char *id,
                  const struct backend_page_req *page,
                  struct backend_device_page *out, struct backend_error *err)
{
    const struct aws_wire_args args = { .id = id, .page = page };
    struct answer a;
    enum backend_status st = call(cl(b), AWS_OP_LIST_DEVICES, &args, &a, err);
    if (st == BACKEND_OK)
        st = aws_wire_parse_device_page(a.body, a.len, out, err);
    free(a.body);
    return st;
}

static void live_close(struct backend *b)
{
    struct client *c = cl(b);
    if (c->curl)
        curl_easy_cleanup(c->curl);
    pthread_mutex_destroy(&c->lock);
    free(c->origin);
    free(c->base_path);
    free(c->host);
    free(c->region);
    free(c->access_key_id);
    wipe_free(c->secret);
    wipe_free(c->token);
    sodium_memzero(c, sizeof(*c));
    free(c);
}

static const struct backend_ops live_ops = {
    .name = "live",
    .create_task = live_create,
    .get_task = live_get,
    .list_tasks = live_list,
    .update_task = live_update,
    .delete_task = live_delete,
    .start_task = live_start,
    .associate_device = live_assoc_dev,
    .disassociate_device = live_disassoc_dev,
    .associate_group = live_assoc_grp,
    .disassociate_group = live_disassoc_grp,
    .list_groups = live_list_groups,
    .list_devices = live_list_devices,
    .close = live_close,
};

/* ---- opening ------------------------------------------------------------ */

/* "a" + "b" + "c" in a new heap string. */
static char *concat3(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

/* Splits the endpoint into origin, Host header and base path. */
static enum backend_status parse_endpoint(struct client *c, const char *url,
                                          struct backend_error *err)
{
    CURLU *u = curl_url();
    if (!u)
        return backend_error_set(err, BACKEND_NO_MEMORY, "out of memory");
    char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
    char *query = NULL, *fragment = NULL, *user = NULL;
    enum backend_status st = BACKEND_OK;
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        st = backend_error_set(err, BACKEND_VALIDATION,
                               "endpoint '%.200s' is not a URL such as "
                               "https://api.iotwireless.eu-west-1."
                               "amazonaws.com",
                               url);
        goto done;
    }
    (void)curl_url_get(u, CURLUPART_PORT, &port, 0);
    (void)curl_url_get(u, CURLUPART_PATH, &path, 0);
    (void)curl_url_get(u, CURLUPART_QUERY, &query, 0);
    (void)curl_url_get(u, CURLUPART_FRAGMENT, &fragment, 0);
    (void)curl_url_get(u, CURLUPART_USER, &user, 0);
    bool https = strcmp(scheme, "https") == 0;
    if (!https && strcmp(scheme, "http") != 0) {
        st = backend_error_set(err, BACKEND_VALIDATION,
                               "endpoint '%.200s': only http:// and https:// "
                               "are spoken",
                               url);
        goto done;
    }
    if (query || fragment || user) {
        st = backend_error_set(err, BACKEND_VALIDATION,
                               "endpoint '%.200s' has a %s; give only "
                               "scheme, host, port and path",
                               url,
                               user    ? "user name"
                               : query ? "query string"
                                       : "fragment");
        goto done;
    }
    bool default_port = !port || strcmp(port, https ? "443" : "80") == 0;
    c->host = default_port ? strdup(host) : concat3(host, ":", port);
    c->origin = concat3(scheme, "://", c->host ? c->host : "");
    size_t plen = path ? strlen(path) : 0;
    while (plen && path[plen - 1] == '/')
        plen--;
    c->base_path = malloc(plen + 1);
    if (c->base_path) {
        memcpy(c->base_path, path ? path : "", plen);
        c->base_path[plen] = '\0';
    }
    if (!c->host || !c->origin || !c->base_path)
        st = backend_error_set(err, BACKEND_NO_MEMORY, "out of memory");
done:
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_free(query);
    curl_free(fragment);
    curl_free(user);
    curl_url_cleanup(u);
    return st;
}

static bool setup_curl(struct client *c)
{
    CURL *h = c->curl;
    bool ok = true;
#define SET(opt, val) ok = ok && curl_easy_setopt(h, opt, val) == CURLE_OK
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_ERRORBUFFER, c->errbuf);
    SET(CURLOPT_USERAGENT, user_agent);
    SET(CURLOPT_CONNECTTIMEOUT_MS, c->connect_ms);
    SET(CURLOPT_TIMEOUT_MS, c->timeout_ms);
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    SET(CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
#else
    SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_response);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_HEADERFUNCTION, on_header);
#undef SET
    return ok;
}

enum backend_status aws_client_open(const struct aws_client_options *opt,
                                    struct backend **out,
                                    struct backend_error *err)
{
    *out = NULL;
    backend_error_clear(err);
    const struct aws_credentials *cr = opt ? opt->cred : NULL;
    if (!cr || !cr->access_key_id || !cr->secret_access_key || !cr->region ||
        !cr->endpoint_url)
        return backend_error_set(err, BACKEND_VALIDATION,
                                 "the live backend needs an access key, its "
                                 "secret, a region and an endpoint");
    if (opt->connect_timeout_ms < 0 || opt->timeout_ms < 0 ||
        opt->max_attempts < 0 || opt->max_attempts > AWS_MAX_ATTEMPTS_MAX ||
        opt->backoff_base_ms < 0 || opt->backoff_cap_ms < 0)
        return backend_error_set(err, BACKEND_VALIDATION,
                                 "invalid live backend options");
    pthread_once(&global_once, global_init);
    if (!global_ok)
        return backend_error_set(err, BACKEND_TRANSPORT,
                                 "libcurl failed to initialise");
    struct client *c = calloc(1, sizeof(*c));
    if (!c)
        return backend_error_set(err, BACKEND_NO_MEMORY, "out of memory");
    c->base.ops = &live_ops;
    pthread_mutex_init(&c->lock, NULL);
    c->connect_ms = opt->connect_timeout_ms ? opt->connect_timeout_ms
                                            : AWS_CLIENT_CONNECT_TIMEOUT_MS;
    c->timeout_ms = opt->timeout_ms ? opt->timeout_ms : AWS_CLIENT_TIMEOUT_MS;
    if (c->connect_ms > c->timeout_ms)
        c->connect_ms = c->timeout_ms;
    c->attempts = opt->max_attempts      ? opt->max_attempts
                  : cr->max_attempts > 0 ? cr->max_attempts
                                         : AWS_MAX_ATTEMPTS_DEFAULT;
    c->base_ms = opt->backoff_base_ms ? opt->backoff_base_ms
                                      : AWS_CLIENT_BACKOFF_BASE_MS;
    c->cap_ms =
        opt->backoff_cap_ms ? opt->backoff_cap_ms : AWS_CLIENT_BACKOFF_CAP_MS;
    if (c->base_ms == 0)
        c->base_ms = 1;
    c->max_response =
        opt->max_response ? opt->max_response : AWS_CLIENT_MAX_RESPONSE;
    c->trace = opt->trace;
    c->trace_ctx = opt->trace_ctx;
    c->region = strdup(cr->region);
    c->access_key_id = strdup(cr->access_key_id);
    c->secret = strdup(cr->secret_access_key);
    c->token = cr->session_token && *cr->session_token
                   ? strdup(cr->session_token)
                   : NULL;
    c->curl = curl_easy_init();
    enum backend_status st = BACKEND_OK;
    if (!c->region || !c->access_key_id || !c->secret || !c->curl ||
        (cr->session_token && *cr->session_token && !c->token))
        st = backend_error_set(err, BACKEND_NO_MEMORY, "out of memory");
    if (st == BACKEND_OK)
        st = parse_endpoint(c, cr->endpoint_url, err);
    if (st == BACKEND_OK && !setup_curl(c))
        st = backend_error_set(err, BACKEND_TRANSPORT,
                               "libcurl refused an option");
    if (st != BACKEND_OK) {
        live_close(&c->base);
        return st;
    }
    *out = &c->base;
    return BACKEND_OK;
}
