#include "tests/unit/http_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/backend.h"
#include "sim/http_routes.h"

void http_fixture_run(struct store *s, const char *method, const char *path,
                      const char *query, const char *body, struct http_reply *r)
{
    struct http_route_match m;
    assert_int_equal(http_routes_match(method, path, &m), HTTP_ROUTE_OK);
    http_ops_run(s, &m, query, body, body ? strlen(body) : 0, r);
}

void http_fixture_create(struct store *s, const char *body, char *id)
{
    struct http_reply r;
    http_fixture_run(s, "POST", "/fuota-tasks", NULL, body, &r);
    assert_int_equal(r.status, 201);
    assert_null(r.error_type);
    const char *p = strstr(r.body, "\"Id\":\"");
    assert_non_null(p);
    p += 6;
    size_t n = strcspn(p, "\"");
    assert_true(n <= BACKEND_ID_MAX);
    memcpy(id, p, n);
    id[n] = '\0';
    http_reply_cleanup(&r);
}
