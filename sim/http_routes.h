#ifndef FUOTA_SIM_HTTP_ROUTES_H
#define FUOTA_SIM_HTTP_ROUTES_H

/*
 * The REST routes of the FUOTA task operations of AWS IoT Wireless, exactly
 * as the service model (shared/reference/iotwireless-service-2.json,
 * operations *FuotaTask*, plus ListWirelessDevices for the devices of a
 * task and their FuotaDeviceStatus) declares them, and matching of a request
 * target against them. Pure computation: no I/O, no globals that change; safe
 * from any number of threads.
 *
 * Paths are matched as they arrive on the wire (still %-encoded), one
 * segment at a time, so an encoded '/' ("%2F") inside an id stays inside
 * its segment. Labels ({Id}, {WirelessDeviceId}, {MulticastGroupId}) are
 * then %-decoded into the match.
 */

#include <stdbool.h>
#include <stddef.h>

/* X(id, operation name, method, path template, success status) */
#define HTTP_ROUTES(X)                                                         \
    X(HTTP_OP_CREATE_TASK, "CreateFuotaTask", "POST", "/fuota-tasks", 201)     \
    X(HTTP_OP_LIST_TASKS, "ListFuotaTasks", "GET", "/fuota-tasks", 200)        \
    X(HTTP_OP_GET_TASK, "GetFuotaTask", "GET", "/fuota-tasks/{Id}", 200)       \
    X(HTTP_OP_UPDATE_TASK, "UpdateFuotaTask", "PATCH", "/fuota-tasks/{Id}",    \
      204)                                                                     \
    X(HTTP_OP_START_TASK, "StartFuotaTask", "PUT", "/fuota-tasks/{Id}", 204)   \
    X(HTTP_OP_DELETE_TASK, "DeleteFuotaTask", "DELETE", "/fuota-tasks/{Id}",   \
      204)                                                                     \
    X(HTTP_OP_ASSOCIATE_DEVICE, "AssociateWirelessDeviceWithFuotaTask", "PUT", \
      "/fuota-tasks/{Id}/wireless-device", 204)                                \
    X(HTTP_OP_DISASSOCIATE_DEVICE, "DisassociateWirelessDeviceFromFuotaTask",  \
      "DELETE", "/fuota-tasks/{Id}/wireless-devices/{WirelessDeviceId}", 204)  \
    X(HTTP_OP_ASSOCIATE_GROUP, "AssociateMulticastGroupWithFuotaTask", "PUT",  \
      "/fuota-tasks/{Id}/multicast-group", 204)                                \
    X(HTTP_OP_DISASSOCIATE_GROUP, "DisassociateMulticastGroupFromFuotaTask",   \
      "DELETE", "/fuota-tasks/{Id}/multicast-groups/{MulticastGroupId}", 204)  \
    X(HTTP_OP_LIST_GROUPS, "ListMulticastGroupsByFuotaTask", "GET",            \
      "/fuota-tasks/{Id}/multicast-groups", 200)                               \
    X(HTTP_OP_LIST_DEVICES, "ListWirelessDevices", "GET", "/wireless-devices", \
      200)

enum http_op {
#define X(id, name, method, path, status) id,
    HTTP_ROUTES(X)
#undef X
        HTTP_OP_COUNT
};

/* Longest decoded label kept (the service model's ids are <= 256). */
#define HTTP_LABEL_MAX 1024
/* Most labels a route has. */
#define HTTP_LABELS_MAX 2
/* Size of the Allow buffer: every method of one path, comma-separated. */
#define HTTP_ALLOW_MAX 64

enum http_route_result {
    HTTP_ROUTE_OK = 0,
    HTTP_ROUTE_NOT_FOUND,          /* no route has this path */
    HTTP_ROUTE_METHOD_NOT_ALLOWED, /* the path exists, not with this method */
    HTTP_ROUTE_BAD_LABEL,          /* a label is not valid %-encoding, holds
                                      a NUL byte or is too long */
};

struct http_route_match {
    enum http_op op;
    /* Decoded labels in template order: labels[0] is {Id}, labels[1] the
     * device or group id. Empty when the route has fewer labels. */
    char labels[HTTP_LABELS_MAX][HTTP_LABEL_MAX + 1];
    size_t label_count;
    /* On HTTP_ROUTE_METHOD_NOT_ALLOWED: the methods the path takes, as an
     * Allow header value ("GET, PATCH, PUT, DELETE"). */
    char allow[HTTP_ALLOW_MAX];
};

/*
 * Matches METHOD and the raw (still %-encoded) PATH, without the query
 * string, against the table. Fills *m (always: allow and labels are set
 * as far as they could be). The method compares exactly (HTTP methods are
 * case-sensitive); HEAD is not served.
 */
enum http_route_result http_routes_match(const char *method, const char *path,
                                         struct http_route_match *m);

const char *http_routes_op_name(enum http_op op);
int http_routes_success_status(enum http_op op);

/*
 * %-decodes SRC[0..len) into DST (dstsize bytes, NUL-terminated). '+' is
 * kept as a literal plus (AWS's query rules). Returns false when an escape
 * is malformed ("%4", "%zz"), the result holds a NUL byte or does not fit.
 */
bool http_routes_decode(const char *src, size_t len, char *dst, size_t dstsize);

/* What http_routes_query_param() found. */
enum http_param {
    HTTP_PARAM_ABSENT = 0,
    HTTP_PARAM_FOUND = 1,       /* value in dst, possibly "" */
    HTTP_PARAM_BAD_ESCAPE = -1, /* a malformed %-escape or a NUL byte */
    HTTP_PARAM_TOO_LONG = -2,   /* longer than dstsize - 1 bytes decoded */
    HTTP_PARAM_NOT_UTF8 = -3,   /* decodes to bytes that are not UTF-8 */
};

/*
 * Finds parameter NAME in a raw query string ("a=1&b=%20x") and %-decodes
 * its value into dst (always NUL-terminated; "" unless FOUND). The first
 * occurrence counts.
 */
enum http_param http_routes_query_param(const char *query, const char *name,
                                        char *dst, size_t dstsize)
    __attribute__((warn_unused_result));

/* Most query parameters a request may carry (the List operations take at
 * most 8); a request with more is refused before any is read. */
#define HTTP_QUERY_PARAMS_MAX 32

/* Number of '&'-separated parameters in a raw query string (NULL or "": 0;
 * empty ones between "&&" count too). */
size_t http_routes_param_count(const char *query);

#endif
