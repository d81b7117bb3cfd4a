#ifndef FUOTA_TESTS_HTTP_FIXTURE_H
#define FUOTA_TESTS_HTTP_FIXTURE_H

/*
 * Shared by the HTTP operation tests: run one request through the router
 * and the operations over a store, without a socket. Failures are cmocka
 * assertions in the calling test.
 */

#include "sim/http_ops.h"
#include "sim/store.h"

/* Runs METHOD PATH?QUERY with BODY (NULL = none); the reply is in *r, which
 * the caller cleans up with http_reply_cleanup(). The route must exist. */
void http_fixture_run(struct store *s, const char *method, const char *path,
                      const char *query, const char *body,
                      struct http_reply *r);

/* POSTs the CreateFuotaTask BODY, asserts 201 and copies the new task's Id
 * into id (room for BACKEND_ID_MAX + 1 bytes). */
void http_fixture_create(struct store *s, const char *body, char *id);

#endif
