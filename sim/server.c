#include "sim/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "core/sigv4.h"
#include "sim/http_ops.h"
#include "sim/http_routes.h"
#include "sim/keyring.h"

/* Headers of one request handed to the SigV4 verifier. */
#define MAX_HEADERS 96
/* Most body memory reserved before the body arrives; it grows from there
 * as data comes in, up to max_body. */
#define BODY_PREALLOC_MAX (64u * 1024u)
/* Longest path kept for the access log (before escaping). */
#define LOG_PATH_MAX 160
/* Idle keep-alive connections: libmicrohttpd's inactivity timeout, s. */
#define IDLE_TIMEOUT_S 60u

/*
 * One TCP connection (libmicrohttpd's socket context), in the server's
 * registry so that the watchdog can bound the time a request takes to
 * arrive. `since` and `waiting` are guarded by the registry mutex.
 */
struct conn {
    struct conn *prev, *next;
    int fd;
    struct timespec since; /* ready for its current request since */
    bool waiting;          /* that request has not arrived in full */
    bool timed_out;        /* closed by the watchdog */
};

struct server {
    struct MHD_Daemon *mhd;
    int listen_fd;
    struct store *store;
    bool require_auth;
    const struct keyring *keys;
    char region[64];
    bool any_region;
    size_t max_body;
    FILE *log;
    unsigned port;
    char url[SERVER_URL_MAX];
    /* x-amzn-RequestId: a random prefix per run, a counter per request. */
    unsigned char id_prefix[10];
    atomic_uint_fast64_t request_seq;
    atomic_int in_flight;
    atomic_bool closing;
    /* Connections and the watchdog that closes those whose request takes
     * longer than request_timeout_ms to arrive. */
    unsigned request_timeout_ms;
    pthread_mutex_t conns_mu;
    pthread_cond_t watchdog_cv;
    struct conn *conns;
    bool watchdog_running;
    bool watchdog_stop;
    pthread_t watchdog;
};

/* One request, from its request line to its completion. */
struct request {
    struct server *srv;
    struct conn *conn; /* NULL if its registration failed */
    char *target;      /* raw request target; path and query point into it */
    const char *path;
    const char *query; /* NULL = none */
    char method[16];
    struct timespec t0;
    bool started;
    bool too_big;
    bool must_close; /* answered before its body was read */
    char *body;
    size_t len;
    size_t cap;
    int status;
    char error_type[HTTP_ERROR_TYPE_MAX];
};

const char *server_status_message(enum server_status status)
{
    static const char *const names[] = {
#define X(id, msg) [id] = msg,
        SERVER_STATUSES(X)
#undef X
    };
    if ((unsigned)status >= sizeof(names) / sizeof(names[0]))
        return "unknown status";
    return names[status];
}

static double elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
           (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* ---- request lifecycle -------------------------------------------------- */

/* MHD hands us the raw request target before unescaping: the wire form is
 * what SigV4 signs and what routing must split on. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
    struct server *srv = cls;
    struct request *rq = calloc(1, sizeof(*rq));
    if (rq != NULL && (rq->target = strdup(uri ? uri : "")) == NULL) {
        free(rq);
        rq = NULL;
    }
    if (rq != NULL) {
        rq->srv = srv;
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        rq->conn = ci ? ci->socket_context : NULL;
        clock_gettime(CLOCK_MONOTONIC, &rq->t0);
        char *q = strchr(rq->target, '?');
        if (q != NULL) {
            *q = '\0';
            rq->query = q + 1;
        }
        rq->path = rq->target;
        atomic_fetch_add(&srv->in_flight, 1);
    }
    /*
     * libmicrohttpd 0.9.75 parses the query string into its connection
     * memory right after this call, and a request with about 900
     * parameters exhausts that memory in a way it never recovers from (no
     * answer, the request never completes). We never use its parsed
     * parameters (routing and SigV4 read the raw target copied above), so
     * end its copy of the query string here, where its buffer is still
     * writable and not yet parsed.
     */
    char *mhd_query = uri ? strchr(uri, '?') : NULL;
    if (mhd_query != NULL && mhd_query[1] != '\0')
        mhd_query[1] = '\0';
    return rq;
}

/*
 * Copies client-controlled text into out for the access log: printable
 * ASCII as is, every other byte (control characters such as ESC and CR,
 * bytes of UTF-8 sequences) and the backslash as \xNN, cut after max input
 * bytes with "...". out must hold 4 * max + 4 bytes.
 */
static void log_escape(const char *s, size_t max, char *out)
{
    size_t o = 0, i = 0;
    for (; s[i] != '\0' && i < max; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c > 0x20 && c < 0x7f && c != '\\') {
            out[o++] = (char)c;
        } else {
            snprintf(out + o, 5, "\\x%02X", c);
            o += 4;
        }
    }
    if (s[i] != '\0') {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

static void log_line(const struct request *rq, const char *note)
{
    FILE *log = rq->srv->log;
    if (log == NULL)
        return;
    char method[4 * sizeof(rq->method) + 4];
    char path[4 * LOG_PATH_MAX + 4];
    log_escape(rq->method[0] ? rq->method : "-", sizeof(rq->method), method);
    log_escape(rq->path, LOG_PATH_MAX, path);
    char status[16] = "-";
    if (rq->status != 0)
        snprintf(status, sizeof(status), "%d", rq->status);
    fprintf(log, "%s %s %s %.2f ms%s%s\n", method, path, status,
            elapsed_ms(&rq->t0), note[0] ? " " : "", note);
}

/* The connection's current request has arrived in full (arrived = true),
 * or it is ready for its next one from now on. */
static void conn_mark(struct server *srv, struct conn *c, bool arrived)
{
    if (c == NULL)
        return;
    pthread_mutex_lock(&srv->conns_mu);
    c->waiting = !arrived;
    if (!arrived)
        clock_gettime(CLOCK_MONOTONIC, &c->since);
    pthread_mutex_unlock(&srv->conns_mu);
}

static void on_completed(void *cls, struct MHD_Connection *con, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)con;
    struct server *srv = cls;
    struct request *rq = *req_cls;
    if (rq == NULL)
        return;
    *req_cls = NULL;
    bool timed_out = false;
    if (rq->conn != NULL) {
        pthread_mutex_lock(&srv->conns_mu);
        timed_out = rq->conn->timed_out;
        pthread_mutex_unlock(&srv->conns_mu);
    }
    char note[128];
    if (timed_out)
        snprintf(note, sizeof(note),
                 "(request not received in full within %.3g s; connection "
                 "closed)",
                 srv->request_timeout_ms / 1000.0);
    else
        snprintf(note, sizeof(note), "%s",
                 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK
                     ? rq->error_type
                     : "(connection closed before the answer was sent)");
    if (rq->status != 0 || toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
        log_line(rq, note);
    /* Keep-alive: the clock of the next request starts now. */
    conn_mark(srv, rq->conn, false);
    free(rq->body);
    free(rq->target);
    free(rq);
    atomic_fetch_sub(&srv->in_flight, 1);
}

/* x-amzn-RequestId in the UUID form AWS uses. */
static void request_id(struct server *srv, char out[37])
{
    uint64_t n = atomic_fetch_add(&srv->request_seq, 1);
    const unsigned char *p = srv->id_prefix;
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-4%01x%02x-%02x%02x-%04x%08x",
             p[0], p[1], p[2], p[3], p[4], p[5], p[6] & 0x0f, p[7],
             (p[8] & 0x3f) | 0x80, p[9], (unsigned)((n >> 32) & 0xffff),
             (unsigned)(n & 0xffffffffu));
}

static enum MHD_Result send_reply(struct request *rq,
                                  struct MHD_Connection *con,
                                  const struct http_reply *r, const char *allow)
{
    struct server *srv = rq->srv;
    char rid[37];
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        r->body ? r->body_len : 0, r->body ? r->body : (void *)"",
        MHD_RESPMEM_MUST_COPY);
    if (resp == NULL)
        return MHD_NO;
    request_id(srv, rid);
    bool ok = MHD_add_response_header(resp, "x-amzn-RequestId", rid) == MHD_YES;
    if (r->body != NULL)
        ok = ok && MHD_add_response_header(resp, "Content-Type",
                                           "application/json") == MHD_YES;
    if (r->error_type != NULL)
        ok = ok && MHD_add_response_header(resp, "x-amzn-ErrorType",
                                           r->error_type) == MHD_YES;
    if (allow != NULL)
        ok = ok && MHD_add_response_header(resp, "Allow", allow) == MHD_YES;
    if (rq->too_big || rq->must_close || atomic_load(&srv->closing))
        ok = ok &&
             MHD_add_response_header(resp, "Connection", "close") == MHD_YES;
    rq->status = r->status;
    if (r->error_type != NULL)
        snprintf(rq->error_type, sizeof(rq->error_type), "%s", r->error_type);
    enum MHD_Result res =
        ok ? MHD_queue_response(con, (unsigned)r->status, resp) : MHD_NO;
    MHD_destroy_response(resp);
    return res;
}

static enum MHD_Result send_error(struct request *rq,
                                  struct MHD_Connection *con, int status,
                                  const char *type, const char *message)
{
    struct http_reply r;
    http_reply_init(&r);
    http_reply_error(&r, status, type, "%s", message);
    enum MHD_Result res = send_reply(rq, con, &r, NULL);
    http_reply_cleanup(&r);
    return res;
}

static enum MHD_Result send_too_big(struct request *rq,
                                    struct MHD_Connection *con)
{
    char msg[128];
    rq->too_big = true;
    snprintf(msg, sizeof(msg),
             "Request body is larger than the limit of %zu bytes",
             rq->srv->max_body);
    return send_error(rq, con, 413, "RequestEntityTooLargeException", msg);
}

struct header_list {
    struct sigv4_header items[MAX_HEADERS];
    size_t count;
};

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind,
                                      const char *key, const char *value)
{
    (void)kind;
    struct header_list *h = cls;
    if (h->count == MAX_HEADERS)
        return MHD_NO;
    h->items[h->count].name = key;
    h->items[h->count].value = value ? value : "";
    h->count++;
    return MHD_YES;
}

/* Key lookup for the header pre-check: records whether the key is known,
 * then says "unknown" so that the verifier stops before the signature,
 * which needs the body. */
struct precheck_lookup {
    const struct keyring *keys;
    bool asked;
    bool known;
};

static bool precheck_lookup(void *ctx, const char *access_key_id,
                            struct sigv4_key *key)
{
    struct precheck_lookup *pl = ctx;
    pl->asked = true;
    pl->known = keyring_lookup((void *)pl->keys, access_key_id, key);
    return false;
}

/*
 * SigV4 check of a request. With precheck (before the body is read) only
 * what the headers decide is checked -- an Authorization header is there,
 * well formed, scoped to us, in the clock window and naming a known access
 * key -- and the signature itself is left for the complete request. True
 * when it may proceed; otherwise the error is queued in *res.
 */
static bool authorised(struct request *rq, struct MHD_Connection *con,
                       bool precheck, enum MHD_Result *res)
{
    struct server *srv = rq->srv;
    struct header_list h;
    h.count = 0;
    MHD_get_connection_values(con, MHD_HEADER_KIND, collect_header, &h);
    struct sigv4_request req = {
        .method = rq->method,
        .path = rq->path,
        .path_form = SIGV4_PATH_WIRE,
        .query = rq->query,
        .headers = h.items,
        .header_count = h.count,
        .payload = precheck ? NULL : rq->body,
        .payload_len = precheck ? 0 : rq->len,
    };
    struct precheck_lookup pl = { .keys = srv->keys };
    struct sigv4_verify_options opt = {
        .region = srv->any_region ? NULL : srv->region,
        .service = SIGV4_DEFAULT_SERVICE,
        .now = (int64_t)time(NULL),
        .max_skew = SIGV4_DEFAULT_SKEW,
        .lookup = precheck ? precheck_lookup : keyring_lookup,
        .lookup_ctx = precheck ? (void *)&pl : (void *)srv->keys,
    };
    struct sigv4_verify_result vr;
    enum sigv4_verdict v = sigv4_verify(&req, &opt, &vr);
    if (v == SIGV4_V_OK || (precheck && pl.asked && pl.known))
        return true;
    if (precheck)
        rq->must_close = true; /* the body stays unread */
    *res = send_error(rq, con, sigv4_verdict_http_status(vr.verdict),
                      sigv4_verdict_error_type(vr.verdict),
                      vr.message[0] ? vr.message : "Access denied");
    return false;
}

/* Media type of Content-Type without parameters, compared loosely. */
static bool json_content_type(const char *ct)
{
    while (*ct == ' ' || *ct == '\t')
        ct++;
    size_t n = strcspn(ct, "; \t");
    return n == 16 && strncasecmp(ct, "application/json", 16) == 0;
}

static enum MHD_Result finish(struct request *rq, struct MHD_Connection *con)
{
    struct server *srv = rq->srv;
    enum MHD_Result res = MHD_NO;
    if (rq->too_big)
        return send_too_big(rq, con);
    if (srv->require_auth && !authorised(rq, con, false, &res))
        return res;

    struct http_route_match m;
    switch (http_routes_match(rq->method, rq->path, &m)) {
    case HTTP_ROUTE_OK:
        break;
    case HTTP_ROUTE_NOT_FOUND:
        return send_error(rq, con, 404, "UnknownOperationException",
                          "No operation matches this path");
    case HTTP_ROUTE_METHOD_NOT_ALLOWED: {
        char msg[160];
        struct http_reply r;
        snprintf(msg, sizeof(msg), "Method %s is not allowed here; use %s",
                 rq->method, m.allow);
        http_reply_init(&r);
        http_reply_error(&r, 405, "MethodNotAllowedException", "%s", msg);
        res = send_reply(rq, con, &r, m.allow);
        http_reply_cleanup(&r);
        return res;
    }
    case HTTP_ROUTE_BAD_LABEL:
    default:
        return send_error(rq, con, 400, "ValidationException",
                          "A path parameter is not validly %-encoded or is "
                          "too long");
    }

    if (rq->len > 0) {
        const char *ct =
            MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Type");
        if (ct != NULL && !json_content_type(ct))
            return send_error(rq, con, 415, "UnsupportedMediaTypeException",
                              "Content-Type must be application/json");
    }

    struct http_reply r;
    http_ops_run(srv->store, &m, rq->query, rq->body, rq->len, &r);
    res = send_reply(rq, con, &r, NULL);
    http_reply_cleanup(&r);
    return res;
}

static bool append_body(struct request *rq, const char *data, size_t n)
{
    if (rq->too_big || rq->must_close)
        return true; /* answered already: whatever still comes is dropped */
    if (n > rq->srv->max_body - rq->len) {
        rq->too_big = true;
        free(rq->body);
        rq->body = NULL;
        rq->len = rq->cap = 0;
        return true;
    }
    if (rq->len + n + 1 > rq->cap) {
        size_t cap = rq->cap ? rq->cap : 1024;
        while (cap < rq->len + n + 1)
            cap *= 2;
        if (cap > rq->srv->max_body + 1)
            cap = rq->srv->max_body + 1; /* still >= len + n + 1 */
        char *b = realloc(rq->body, cap);
        if (b == NULL)
            return false;
        rq->body = b;
        rq->cap = cap;
    }
    memcpy(rq->body + rq->len, data, n);
    rq->len += n;
    rq->body[rq->len] = '\0';
    return true;
}

/* How often the headers that frame a request were given. */
struct framing_headers {
    unsigned content_length;
    unsigned transfer_encoding;
    unsigned host;
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind,
                                     const char *key, const char *value)
{
    (void)kind;
    (void)value;
    struct framing_headers *h = cls;
    if (strcasecmp(key, "Content-Length") == 0)
        h->content_length++;
    else if (strcasecmp(key, "Transfer-Encoding") == 0)
        h->transfer_encoding++;
    else if (strcasecmp(key, "Host") == 0)
        h->host++;
    return MHD_YES;
}

/*
 * Framing that two HTTP parsers could read differently (a proxy in front
 * and us: request smuggling) or that we cannot read. 0 when the request is
 * framed soundly; else the status to answer, its error type and message.
 * libmicrohttpd itself answers a Content-Length that is not a number.
 */
static int framing_problem(struct MHD_Connection *con, const char *version,
                           const char **type, char *msg, size_t size)
{
    struct framing_headers h = { 0 };
    MHD_get_connection_values(con, MHD_HEADER_KIND, count_framing, &h);
    const char *te =
        MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Transfer-Encoding");
    *type = "BadRequestException";
    if (h.content_length > 1)
        snprintf(msg, size,
                 "Content-Length is given %u times; a request has at most "
                 "one",
                 h.content_length);
    else if (h.transfer_encoding > 1)
        snprintf(msg, size,
                 "Transfer-Encoding is given %u times; a request has at most "
                 "one",
                 h.transfer_encoding);
    else if (h.content_length > 0 && h.transfer_encoding > 0)
        snprintf(msg, size,
                 "Content-Length and Transfer-Encoding are both given; a "
                 "request is framed by one of them");
    else if (h.host > 1)
        snprintf(msg, size, "Host is given %u times; a request has one",
                 h.host);
    else if (h.host == 0 && version != NULL && strcmp(version, "HTTP/1.1") == 0)
        snprintf(msg, size, "an HTTP/1.1 request must have a Host header");
    else if (te != NULL && strcasecmp(te, "chunked") != 0) {
        *type = "NotImplementedException";
        snprintf(msg, size,
                 "Transfer-Encoding '%.64s' is not supported; send the body "
                 "with Content-Length or Transfer-Encoding: chunked",
                 te);
        return 501;
    } else
        return 0;
    return 400;
}

/* Answers before the body is read: the connection is closed after it, so
 * whatever body still comes is never taken for a next request. */
static enum MHD_Result answer_early(struct request *rq,
                                    struct MHD_Connection *con, int status,
                                    const char *type, const char *msg)
{
    rq->must_close = true;
    return send_error(rq, con, status, type, msg);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    (void)cls;
    (void)url;
    struct request *rq = *req_cls;
    if (rq == NULL)
        return MHD_NO; /* out of memory in on_uri: drop the connection */
    if (!rq->started) {
        rq->started = true;
        snprintf(rq->method, sizeof(rq->method), "%s", method);
        char msg[256];
        const char *type = NULL;
        int bad = framing_problem(con, version, &type, msg, sizeof(msg));
        if (bad != 0)
            return answer_early(rq, con, bad, type, msg);
        size_t params = http_routes_param_count(rq->query);
        if (params > HTTP_QUERY_PARAMS_MAX) {
            snprintf(msg, sizeof(msg),
                     "The query string has %zu parameters; at most %d are "
                     "accepted",
                     params, HTTP_QUERY_PARAMS_MAX);
            return answer_early(rq, con, 400, "ValidationException", msg);
        }
        const char *cl =
            MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Length");
        const char *te = MHD_lookup_connection_value(con, MHD_HEADER_KIND,
                                                     "Transfer-Encoding");
        unsigned long long n = 0;
        if (cl != NULL) {
            char *end = NULL;
            errno = 0;
            n = strtoull(cl, &end, 10);
            if (errno != 0 || end == cl)
                n = 0;
            if (n > rq->srv->max_body)
                return send_too_big(rq, con);
        }
        /* A body is coming: refuse a request that cannot be authorised
         * before holding any of it (the body is never read then). */
        enum MHD_Result res = MHD_NO;
        if (rq->srv->require_auth && (n > 0 || te != NULL) &&
            !authorised(rq, con, true, &res))
            return res;
        /* Reserve a little; the rest grows as it arrives. */
        if (n > 0) {
            size_t cap = n < BODY_PREALLOC_MAX ? (size_t)n : BODY_PREALLOC_MAX;
            rq->body = malloc(cap + 1);
            if (rq->body == NULL)
                return MHD_NO;
            rq->cap = cap + 1;
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (!append_body(rq, upload_data, *upload_data_size))
            return MHD_NO;
        *upload_data_size = 0;
        return MHD_YES;
    }
    conn_mark(rq->srv, rq->conn, true);
    return finish(rq, con);
}

/* ---- connections and the watchdog ------------------------------------- */

static void on_connection(void *cls, struct MHD_Connection *con,
                          void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    struct server *srv = cls;
    struct conn *c = *socket_context;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
        c = ci ? calloc(1, sizeof(*c)) : NULL;
        *socket_context = c;
        if (c == NULL)
            return; /* unwatched: still bounded by the idle timeout */
        c->fd = ci->connect_fd;
        c->waiting = true;
        clock_gettime(CLOCK_MONOTONIC, &c->since);
        pthread_mutex_lock(&srv->conns_mu);
        c->next = srv->conns;
        if (srv->conns != NULL)
            srv->conns->prev = c;
        srv->conns = c;
        pthread_mutex_unlock(&srv->conns_mu);
        return;
    }
    if (c == NULL)
        return;
    /* libmicrohttpd calls this before it closes the socket: once c is out
     * of the registry the watchdog can no longer touch the descriptor,
     * whose number may then be reused. */
    pthread_mutex_lock(&srv->conns_mu);
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        srv->conns = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    pthread_mutex_unlock(&srv->conns_mu);
    free(c);
    *socket_context = NULL;
}

/*
 * Closes every connection whose current request has not arrived in full
 * within request_timeout_ms of the connection being ready for it (opened,
 * or its previous answer sent), however steadily its bytes trickle in:
 * shutdown() wakes libmicrohttpd, which then sees the connection end and
 * frees it. An idle keep-alive connection is closed the same way.
 */
static void *watchdog_main(void *arg)
{
    struct server *srv = arg;
    unsigned period_ms = srv->request_timeout_ms / 4;
    if (period_ms < 10)
        period_ms = 10;
    if (period_ms > 1000)
        period_ms = 1000;
    pthread_mutex_lock(&srv->conns_mu);
    while (!srv->watchdog_stop) {
        for (struct conn *c = srv->conns; c != NULL; c = c->next)
            if (c->waiting && !c->timed_out &&
                elapsed_ms(&c->since) >= (double)srv->request_timeout_ms) {
                c->timed_out = true;
                shutdown(c->fd, SHUT_RDWR);
            }
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += (long)(period_ms % 1000) * 1000000L;
        until.tv_sec += period_ms / 1000 + until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&srv->watchdog_cv, &srv->conns_mu, &until);
    }
    pthread_mutex_unlock(&srv->conns_mu);
    return NULL;
}

/* Sets up the registry and starts the watchdog; false when it cannot. */
static bool watchdog_start(struct server *srv)
{
    pthread_condattr_t ca;
    if (pthread_mutex_init(&srv->conns_mu, NULL) != 0)
        return false;
    if (pthread_condattr_init(&ca) != 0 ||
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
        pthread_cond_init(&srv->watchdog_cv, &ca) != 0) {
        pthread_mutex_destroy(&srv->conns_mu);
        return false;
    }
    pthread_condattr_destroy(&ca);
    if (pthread_create(&srv->watchdog, NULL, watchdog_main, srv) != 0) {
        pthread_cond_destroy(&srv->watchdog_cv);
        pthread_mutex_destroy(&srv->conns_mu);
        return false;
    }
    srv->watchdog_running = true;
    return true;
}

/* Stops the watchdog (the daemon is stopped: no connection is left). */
static void watchdog_stop(struct server *srv)
{
    if (!srv->watchdog_running)
        return;
    pthread_mutex_lock(&srv->conns_mu);
    srv->watchdog_stop = true;
    pthread_cond_signal(&srv->watchdog_cv);
    pthread_mutex_unlock(&srv->conns_mu);
    pthread_join(srv->watchdog, NULL);
    pthread_cond_destroy(&srv->watchdog_cv);
    pthread_mutex_destroy(&srv->conns_mu);
    srv->watchdog_running = false;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char line[512];
    vsnprintf(line, sizeof(line), fmt, ap);
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    fprintf(stderr, "fuota serve: microhttpd: %s\n", line);
}

/* ---- listening socket --------------------------------------------------- */

static bool is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
            return true;
        return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) &&
               in6->sin6_addr.s6_addr[12] == 127;
    }
    return false;
}

static enum server_status open_listener(struct server *srv,
                                        const struct server_options *opt,
                                        char *err, size_t errsize)
{
    const char *host = opt->bind ? opt->bind : "127.0.0.1";
    char port[16];
    snprintf(port, sizeof(port), "%u", opt->port);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0 || res == NULL) {
        snprintf(err, errsize, "%s: %s", host, gai_strerror(rc));
        return SERVER_E_ADDRESS;
    }
    if (!opt->allow_remote && !is_loopback(res->ai_addr)) {
        snprintf(err, errsize,
                 "%s is not a loopback address; the simulator has no TLS, "
                 "so it listens on loopback only unless asked with "
                 "--allow-remote",
                 host);
        freeaddrinfo(res);
        return SERVER_E_NOT_LOOPBACK;
    }
    int fd =
        socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        snprintf(err, errsize, "socket: %s", strerror(errno));
        freeaddrinfo(res);
        return SERVER_E_LISTEN;
    }
    int one = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 1024) != 0) {
        snprintf(err, errsize, "%s port %u: %s", host, opt->port,
                 strerror(errno));
        close(fd);
        freeaddrinfo(res);
        return SERVER_E_LISTEN;
    }
    freeaddrinfo(res);

    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char num[INET6_ADDRSTRLEN];
    char serv[16];
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0 ||
        getnameinfo((struct sockaddr *)&ss, sl, num, sizeof(num), serv,
                    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        snprintf(err, errsize, "getsockname: %s", strerror(errno));
        close(fd);
        return SERVER_E_LISTEN;
    }
    srv->listen_fd = fd;
    srv->port = (unsigned)strtoul(serv, NULL, 10);
    if (ss.ss_family == AF_INET6)
        snprintf(srv->url, sizeof(srv->url), "http://[%s]:%u", num, srv->port);
    else
        snprintf(srv->url, sizeof(srv->url), "http://%s:%u", num, srv->port);
    return SERVER_OK;
}

static unsigned default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    n *= 2;
    if (n < 2)
        n = 2;
    if (n > 16)
        n = 16;
    return (unsigned)n;
}

enum server_status server_start(const struct server_options *opt,
                                struct server **out, char *err, size_t errsize)
{
    *out = NULL;
    if (errsize > 0)
        err[0] = '\0';
    if (opt == NULL || opt->store == NULL || opt->port > 65535 ||
        (opt->require_auth && opt->keys == NULL)) {
        snprintf(err, errsize, "missing store, bad port or no keys");
        return SERVER_E_ARGUMENT;
    }
    struct server *srv = calloc(1, sizeof(*srv));
    if (srv == NULL) {
        snprintf(err, errsize, "out of memory");
        return SERVER_E_NOMEM;
    }
    srv->listen_fd = -1;
    srv->store = opt->store;
    srv->require_auth = opt->require_auth;
    srv->keys = opt->keys;
    srv->any_region = opt->region == NULL;
    snprintf(srv->region, sizeof(srv->region), "%s",
             opt->region ? opt->region : "");
    srv->max_body = opt->max_body ? opt->max_body : SERVER_MAX_BODY_DEFAULT;
    srv->request_timeout_ms = opt->request_timeout_ms
                                  ? opt->request_timeout_ms
                                  : SERVER_REQUEST_TIMEOUT_DEFAULT_MS;
    unsigned per_client = opt->client_connections
                              ? opt->client_connections
                              : SERVER_CLIENT_CONNECTIONS_DEFAULT;
    srv->log = opt->access_log;
    randombytes_buf(srv->id_prefix, sizeof(srv->id_prefix));
    atomic_init(&srv->request_seq, 0);
    atomic_init(&srv->in_flight, 0);
    atomic_init(&srv->closing, false);

    if (!watchdog_start(srv)) {
        snprintf(err, errsize, "cannot start the request watchdog thread");
        free(srv);
        return SERVER_E_START;
    }
    enum server_status st = open_listener(srv, opt, err, errsize);
    if (st != SERVER_OK) {
        watchdog_stop(srv);
        free(srv);
        return st;
    }
    unsigned idle_s = (srv->request_timeout_ms + 999) / 1000;
    if (idle_s < IDLE_TIMEOUT_S)
        idle_s = IDLE_TIMEOUT_S;
    unsigned threads = opt->threads ? opt->threads : default_threads();
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                     MHD_USE_ITC | MHD_USE_TURBO;
    srv->mhd = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_LISTEN_SOCKET,
        srv->listen_fd, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, srv, MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
        MHD_OPTION_CONNECTION_TIMEOUT, idle_s, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)SERVER_CONNECTIONS_MAX, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        per_client, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv, MHD_OPTION_END);
    if (srv->mhd == NULL) {
        snprintf(err, errsize, "libmicrohttpd refused to start on %s",
                 srv->url);
        close(srv->listen_fd);
        watchdog_stop(srv);
        free(srv);
        return SERVER_E_START;
    }
    *out = srv;
    return SERVER_OK;
}

unsigned server_port(const struct server *srv)
{
    return srv->port;
}

const char *server_url(const struct server *srv)
{
    return srv->url;
}

uint64_t server_request_count(const struct server *srv)
{
    return atomic_load(&((struct server *)srv)->request_seq);
}

void server_stop(struct server *srv, unsigned grace_ms)
{
    if (srv == NULL)
        return;
    atomic_store(&srv->closing, true);
    MHD_socket fd = MHD_quiesce_daemon(srv->mhd);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    struct timespec t0, pause = { .tv_sec = 0, .tv_nsec = 5 * 1000 * 1000 };
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (atomic_load(&srv->in_flight) > 0 &&
           elapsed_ms(&t0) < (double)grace_ms)
        nanosleep(&pause, NULL);
    MHD_stop_daemon(srv->mhd);
    watchdog_stop(srv);
    free(srv);
}
