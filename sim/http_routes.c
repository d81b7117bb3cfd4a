#include "sim/http_routes.h"

#include <string.h>

#include "core/task.h"

struct route {
    const char *name;
    const char *method;
    const char *path;
    int status;
};

static const struct route routes[HTTP_OP_COUNT] = {
#define X(id, n, m, p, s)                                                      \
    [id] = { .name = n, .method = m, .path = p, .status = s },
    HTTP_ROUTES(X)
#undef X
};

const char *http_routes_op_name(enum http_op op)
{
    return (unsigned)op < HTTP_OP_COUNT ? routes[op].name : "Unknown";
}

int http_routes_success_status(enum http_op op)
{
    return (unsigned)op < HTTP_OP_COUNT ? routes[op].status : 500;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool http_routes_decode(const char *src, size_t len, char *dst, size_t dstsize)
{
    size_t o = 0;
    if (dstsize == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)src[i];
        if (c == '%') {
            if (i + 2 >= len)
                return false;
            int hi = hex_value(src[i + 1]);
            int lo = hex_value(src[i + 2]);
            if (hi < 0 || lo < 0)
                return false;
            c = hi * 16 + lo;
            i += 2;
        }
        if (c == 0 || o + 1 >= dstsize)
            return false;
        dst[o++] = (char)c;
    }
    dst[o] = '\0';
    return true;
}

/* Does SRC[0..len) %-decode without error to text without a NUL byte? */
static bool decodable(const char *src, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (src[i] == '\0')
            return false;
        if (src[i] != '%')
            continue;
        if (i + 2 >= len)
            return false;
        int hi = hex_value(src[i + 1]), lo = hex_value(src[i + 2]);
        if (hi < 0 || lo < 0 || hi * 16 + lo == 0)
            return false;
        i += 2;
    }
    return true;
}

/* A parameter value: decoded, fitting, UTF-8. */
static enum http_param decode_value(const char *v, size_t vlen, char *dst,
                                    size_t dstsize)
{
    if (!decodable(v, vlen))
        return HTTP_PARAM_BAD_ESCAPE;
    if (!http_routes_decode(v, vlen, dst, dstsize)) {
        if (dstsize > 0)
            dst[0] = '\0';
        return HTTP_PARAM_TOO_LONG;
    }
    if (task_utf8_length(dst, strlen(dst)) < 0) {
        dst[0] = '\0';
        return HTTP_PARAM_NOT_UTF8;
    }
    return HTTP_PARAM_FOUND;
}

/* The next segment of a path after the '/' at *p: [start, end). */
static bool next_segment(const char **p, const char **start, size_t *len)
{
    if (**p != '/')
        return false;
    const char *s = *p + 1;
    const char *e = strchr(s, '/');
    if (e == NULL)
        e = s + strlen(s);
    *start = s;
    *len = (size_t)(e - s);
    *p = e;
    return true;
}

/* Does the raw PATH have the shape of template T? Labels are decoded into
 * m->labels when decode is true; *bad is set for an undecodable label. */
static bool path_matches(const char *t, const char *path,
                         struct http_route_match *m, bool decode, bool *bad)
{
    const char *p = path;
    size_t nlabel = 0;
    while (*t != '\0') {
        const char *ts, *ps;
        size_t tl, pl;
        if (!next_segment(&t, &ts, &tl) || !next_segment(&p, &ps, &pl))
            return false;
        if (tl > 2 && ts[0] == '{' && ts[tl - 1] == '}') {
            if (pl == 0)
                return false;
            if (decode && nlabel < HTTP_LABELS_MAX) {
                if (!http_routes_decode(ps, pl, m->labels[nlabel],
                                        sizeof(m->labels[nlabel])))
                    *bad = true;
            }
            nlabel++;
        } else if (tl != pl || memcmp(ts, ps, tl) != 0) {
            return false;
        }
    }
    if (*p != '\0')
        return false;
    if (decode)
        m->label_count = nlabel;
    return true;
}

enum http_route_result http_routes_match(const char *method, const char *path,
                                         struct http_route_match *m)
{
    memset(m, 0, sizeof(*m));
    m->op = HTTP_OP_COUNT;
    bool path_known = false;
    size_t allow_len = 0;
    for (size_t i = 0; i < HTTP_OP_COUNT; i++) {
        bool bad = false;
        if (!path_matches(routes[i].path, path, m, false, &bad))
            continue;
        path_known = true;
        if (strcmp(routes[i].method, method) == 0) {
            m->op = (enum http_op)i;
            path_matches(routes[i].path, path, m, true, &bad);
            return bad ? HTTP_ROUTE_BAD_LABEL : HTTP_ROUTE_OK;
        }
        /* Allow list in table order, each method once. */
        const char *meth = routes[i].method;
        size_t ml = strlen(meth);
        bool seen = false;
        for (const char *a = m->allow; *a != '\0';) {
            const char *e = strchr(a, ',');
            size_t al = e ? (size_t)(e - a) : strlen(a);
            if (al == ml && memcmp(a, meth, ml) == 0)
                seen = true;
            a += al;
            while (*a == ',' || *a == ' ')
                a++;
        }
        if (!seen && allow_len + ml + 3 < sizeof(m->allow)) {
            if (allow_len > 0) {
                memcpy(m->allow + allow_len, ", ", 2);
                allow_len += 2;
            }
            memcpy(m->allow + allow_len, meth, ml + 1);
            allow_len += ml;
        }
    }
    return path_known ? HTTP_ROUTE_METHOD_NOT_ALLOWED : HTTP_ROUTE_NOT_FOUND;
}

enum http_param http_routes_query_param(const char *query, const char *name,
                                        char *dst, size_t dstsize)
{
    if (dstsize > 0)
        dst[0] = '\0';
    if (query == NULL)
        return HTTP_PARAM_ABSENT;
    size_t nl = strlen(name);
    const char *p = query;
    while (*p != '\0') {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t klen = eq ? (size_t)(eq - p) : len;
        char key[128];
        if (klen < sizeof(key) &&
            http_routes_decode(p, klen, key, sizeof(key)) &&
            strlen(key) == nl && memcmp(key, name, nl) == 0) {
            const char *v = eq ? eq + 1 : p + len;
            size_t vlen = eq ? len - klen - 1 : 0;
            return decode_value(v, vlen, dst, dstsize);
        }
        p += len;
        if (*p == '&')
            p++;
    }
    return HTTP_PARAM_ABSENT;
}

size_t http_routes_param_count(const char *query)
{
    if (query == NULL || *query == '\0')
        return 0;
    size_t n = 1;
    for (const char *p = query; *p != '\0'; p++)
        n += *p == '&';
    return n;
}
