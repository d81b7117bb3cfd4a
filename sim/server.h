#ifndef FUOTA_SIM_SERVER_H
#define FUOTA_SIM_SERVER_H

/*
 * `fuota serve`: the simulated FUOTA task store (sim/store.h) as an
 * AWS-compatible REST endpoint (restJson1, the routes of sim/http_routes.h),
 * on libmicrohttpd.
 *
 * Request handling, in this order:
 *  0. framing, as soon as the headers are in: Content-Length,
 *     Transfer-Encoding or Host given twice, Content-Length together with
 *     Transfer-Encoding, HTTP/1.1 without Host -> 400 BadRequestException;
 *     a Transfer-Encoding other than chunked -> 501 NotImplementedException;
 *     more than HTTP_QUERY_PARAMS_MAX query parameters -> 400
 *     ValidationException. Each answered before the body is read, with
 *     "Connection: close" (a body then never passes for a next request).
 *     libmicrohttpd answers a Content-Length that is not a number itself;
 *  1. a Content-Length above max_body: 413 at once, body not read (the
 *     connection is closed); a chunked body that grows past it is discarded
 *     and answered 413 too;
 *  2. with require_auth: SigV4 verification (core/sigv4.h) against the key
 *     ring, over the raw request target, the headers and the body; failures
 *     answer 400/403 with AWS's error types (MissingAuthenticationToken-,
 *     IncompleteSignature-, UnrecognizedClient-, InvalidSignatureException).
 *     When a body is announced (Content-Length > 0 or Transfer-Encoding),
 *     everything the headers decide is checked first, before any of the
 *     body is read: an Authorization header is there, well formed, scoped
 *     to this service and region, within the clock window, and names a
 *     known access key. A request failing that is answered at once (with
 *     "Connection: close"; a client that sent "Expect: 100-continue" never
 *     sends its body) and whatever body still arrives is dropped unread.
 *     The signature, which covers the body, is checked once it is complete;
 *  Bodies: at most 64 KiB is reserved when a request starts, whatever its
 *  Content-Length; the buffer grows as data arrives, never past max_body.
 *  Connections: at most SERVER_CONNECTIONS_MAX at a time and
 *  client_connections from one client address (more are closed as they
 *  come); each closed after 60 s without traffic (libmicrohttpd's limits
 *  and timeout), and -- by the server's watchdog thread -- when its
 *  current request has not arrived in full request_timeout_ms after the
 *  connection was ready for it (opened, or its previous answer sent),
 *  however steadily its bytes trickle in.
 *  3. routing: unknown path -> 404 UnknownOperationException; a known path
 *     with another method -> 405 MethodNotAllowedException with an Allow
 *     header;
 *  4. a non-empty body whose Content-Type is not application/json -> 415
 *     UnsupportedMediaTypeException (no Content-Type is accepted);
 *  5. the operation (sim/http_ops.h).
 * Every response has x-amzn-RequestId; errors have x-amzn-ErrorType and a
 * {"message": ...} body.
 *
 * Threads: a pool of libmicrohttpd worker threads (epoll), each serving many
 * keep-alive connections; the store serialises itself. The key ring must not
 * change while the server runs.
 *
 * The access log (when set) gets one line per request:
 * "METHOD PATH STATUS MS ms [ErrorType]" -- the path without its query
 * string, never a header, a body, a key or a signature; in METHOD and PATH
 * every byte that is not printable ASCII, and the backslash, is written
 * \xNN. A request cut off by the watchdog: "METHOD PATH - MS ms (request
 * not received in full within S s; connection closed)".
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct store;
struct keyring;
struct server;

/* Default largest request body, bytes. */
#define SERVER_MAX_BODY_DEFAULT (1024u * 1024u)
/* Default time a request may take to arrive in full, ms. */
#define SERVER_REQUEST_TIMEOUT_DEFAULT_MS 30000u
/* Most connections at a time, and by default from one client address. */
#define SERVER_CONNECTIONS_MAX            1000u
#define SERVER_CLIENT_CONNECTIONS_DEFAULT 64u
#define SERVER_URL_MAX                    80

#define SERVER_STATUSES(X)                                                     \
    X(SERVER_OK, "ok")                                                         \
    X(SERVER_E_ARGUMENT, "invalid argument")                                   \
    X(SERVER_E_ADDRESS, "cannot resolve the bind address")                     \
    X(SERVER_E_NOT_LOOPBACK, "refusing to listen on a non-loopback address")   \
    X(SERVER_E_LISTEN, "cannot listen")                                        \
    X(SERVER_E_START, "cannot start the HTTP server")                          \
    X(SERVER_E_NOMEM, "out of memory")

enum server_status {
#define X(id, msg) id,
    SERVER_STATUSES(X)
#undef X
};

const char *server_status_message(enum server_status status);

struct server_options {
    struct store *store; /* required; borrowed until server_stop() */
    /* Address to listen on: numeric IPv4/IPv6 or a host name; NULL =
     * "127.0.0.1". Anything but a loopback address is refused unless
     * allow_remote (the simulator has no TLS and, without require_auth, no
     * access control). */
    const char *bind;
    bool allow_remote;
    unsigned port; /* 0 = a free port (see server_port()) */
    /* SigV4 verification against keys (borrowed, required then). */
    bool require_auth;
    const struct keyring *keys;
    /* Region a request's credential scope must name; NULL = any. */
    const char *region;
    size_t max_body; /* 0 = SERVER_MAX_BODY_DEFAULT */
    /* Time from a connection being ready for a request (opened, or its
     * previous answer sent) until the request -- line, headers and body --
     * has arrived in full; then the connection is closed. 0 =
     * SERVER_REQUEST_TIMEOUT_DEFAULT_MS. */
    unsigned request_timeout_ms;
    /* Most connections one client address may hold; more are closed at
     * once. 0 = SERVER_CLIENT_CONNECTIONS_DEFAULT. */
    unsigned client_connections;
    unsigned threads; /* worker threads; 0 = 2 per CPU, 2..16 */
    FILE *access_log; /* NULL = no access log */
};

/*
 * Opens the listening socket and starts the worker threads. On success
 * *out is the running server and SERVER_OK is returned; otherwise a status
 * and a one-line reason in err. Call with SIGINT / SIGTERM blocked if the
 * caller waits for them with sigwait() (the threads inherit the mask).
 */
enum server_status server_start(const struct server_options *opt,
                                struct server **out, char *err, size_t errsize)
    __attribute__((warn_unused_result));

/* The port actually bound. */
unsigned server_port(const struct server *srv);
/* "http://127.0.0.1:PORT" (IPv6: "http://[::1]:PORT"). */
const char *server_url(const struct server *srv);
/* Requests answered so far (any status). */
uint64_t server_request_count(const struct server *srv);

/*
 * Graceful stop: closes the listening socket (no new connections), lets the
 * requests in progress finish (up to grace_ms; responses then carry
 * "Connection: close"), stops the threads and frees the server. The store
 * is not closed. Accepts NULL.
 */
void server_stop(struct server *srv, unsigned grace_ms);

#endif
