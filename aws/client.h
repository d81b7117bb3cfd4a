#ifndef FUOTA_AWS_CLIENT_H
#define FUOTA_AWS_CLIENT_H

/*
 * The live backend: core/backend.h over HTTPS to AWS IoT Wireless (or any
 * endpoint that speaks its API, such as `fuota serve`), with libcurl.
 *
 * Every call is signed with SigV4 (core/sigv4.h, service "iotwireless", the
 * session token sent as X-Amz-Security-Token), re-signed on every attempt.
 * TLS certificates and host names are always verified; only http:// and
 * https:// are spoken and redirects are not followed. Each attempt has a
 * connect timeout and a total timeout.
 *
 * Retries. A call is attempted up to max_attempts times in all when the
 * answer is 429 (throttling), 5xx, or the exchange failed on the way
 * (connection refused or reset, closed mid-answer, timeout). Between
 * attempts it waits a random time in [0, min(cap, base * 2^(n-1))] ms (full
 * jitter, libsodium's random), n = attempts so far. The same request body is
 * sent every time: CreateFuotaTask always carries a ClientRequestToken (when
 * the request has none, one is made with task_new_token() before the
 * first attempt and reported through the trace callback), so a retried
 * create can never make two tasks. Answers that are not what the API
 * promises (not JSON, wrong member types, larger than max_response, not
 * HTTP) and TLS failures are not retried.
 *
 * Errors follow core/backend.h: service errors typed from x-amzn-ErrorType,
 * the body's __type or code (aws/wire.h); transport failures name the
 * endpoint and the cause ("cannot connect to 127.0.0.1:9: Connection
 * refused").
 *
 * Secrets. The client keeps copies of the secret key and session token and
 * wipes them (sodium_memzero) on close, as it wipes the header lists it
 * built. The trace never shows them: the Authorization header is shown with
 * its signature masked, X-Amz-Security-Token as "****".
 *
 * Threads: calls on one client are serialised by a mutex (safe from several
 * threads, one request at a time). sodium_init() must have been called.
 */

#include <stddef.h>

#include "aws/credentials.h"
#include "core/backend.h"

#define AWS_CLIENT_CONNECT_TIMEOUT_MS 10000
#define AWS_CLIENT_TIMEOUT_MS         30000
#define AWS_CLIENT_BACKOFF_BASE_MS    200
#define AWS_CLIENT_BACKOFF_CAP_MS     20000
#define AWS_CLIENT_MAX_RESPONSE       (1024u * 1024u)

struct aws_client_options {
    /* Keys, region and endpoint (required: access_key_id,
     * secret_access_key, region, endpoint_url). Copied by the call. */
    const struct aws_credentials *cred;
    long connect_timeout_ms; /* 0 = AWS_CLIENT_CONNECT_TIMEOUT_MS */
    long timeout_ms;         /* per attempt; 0 = AWS_CLIENT_TIMEOUT_MS */
    int max_attempts;        /* 0 = cred->max_attempts, else 5 */
    long backoff_base_ms;    /* 0 = AWS_CLIENT_BACKOFF_BASE_MS */
    long backoff_cap_ms;     /* 0 = AWS_CLIENT_BACKOFF_CAP_MS */
    size_t max_response;     /* 0 = AWS_CLIENT_MAX_RESPONSE */
    /*
     * Trace (--verbose): one line at a time, no newline; NULL = none. Gets
     * each attempt's request line and headers (secrets masked), bodies (cut
     * to 2000 bytes, printable characters only), the answer's status, time,
     * size and x-amzn-RequestId, and every retry with its wait and cause.
     * Called on the calling thread, with the client's mutex held.
     */
    void (*trace)(void *ctx, const char *line);
    void *trace_ctx;
};

/*
 * Opens a live backend. Checks the endpoint URL (http:// or https://, a
 * host, no user:password, query or fragment) and the options; does not
 * connect. BACKEND_VALIDATION with a message naming the problem, or
 * BACKEND_NO_MEMORY; *out is NULL on failure.
 */
enum backend_status aws_client_open(const struct aws_client_options *opt,
                                    struct backend **out,
                                    struct backend_error *err)
    __attribute__((warn_unused_result));

/* "fuota/VERSION libcurl/X.Y.Z": the User-Agent of every request. */
const char *aws_client_user_agent(void);

#endif
