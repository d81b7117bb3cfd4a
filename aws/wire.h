#ifndef FUOTA_AWS_WIRE_H
#define FUOTA_AWS_WIRE_H

/*
 * The FUOTA task operations of AWS IoT Wireless in AWS's restJson1 wire
 * format, client side: how each core/backend.h operation becomes a method,
 * a %-encoded path, a query string and a JSON body, and how an answer
 * becomes a backend result or a typed error. Methods and paths are those of
 * the service model (shared/reference/iotwireless-service-2.json).
 *
 * No I/O: aws/client.c does the HTTP. Every parser takes the body as
 * received (any bytes, not NUL-terminated) and never trusts it: an answer
 * that is not what the API promises (not JSON, not an object, a member of
 * the wrong type, an id longer than the model allows, an unknown status) is
 * BACKEND_TRANSPORT with a message "the service's answer to OPERATION is not
 * what the API promises: ..." that names the member, never a crash.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/backend.h"

/* The operations: X(id, name, method, path template). */
#define AWS_WIRE_OPS(X)                                                        \
    X(AWS_OP_CREATE_TASK, "CreateFuotaTask", "POST", "/fuota-tasks")           \
    X(AWS_OP_GET_TASK, "GetFuotaTask", "GET", "/fuota-tasks/{Id}")             \
    X(AWS_OP_LIST_TASKS, "ListFuotaTasks", "GET", "/fuota-tasks")              \
    X(AWS_OP_UPDATE_TASK, "UpdateFuotaTask", "PATCH", "/fuota-tasks/{Id}")     \
    X(AWS_OP_DELETE_TASK, "DeleteFuotaTask", "DELETE", "/fuota-tasks/{Id}")    \
    X(AWS_OP_START_TASK, "StartFuotaTask", "PUT", "/fuota-tasks/{Id}")         \
    X(AWS_OP_ASSOCIATE_DEVICE, "AssociateWirelessDeviceWithFuotaTask", "PUT",  \
      "/fuota-tasks/{Id}/wireless-device")                                     \
    X(AWS_OP_DISASSOCIATE_DEVICE, "DisassociateWirelessDeviceFromFuotaTask",   \
      "DELETE", "/fuota-tasks/{Id}/wireless-devices/{WirelessDeviceId}")       \
    X(AWS_OP_ASSOCIATE_GROUP, "AssociateMulticastGroupWithFuotaTask", "PUT",   \
      "/fuota-tasks/{Id}/multicast-group")                                     \
    X(AWS_OP_DISASSOCIATE_GROUP, "DisassociateMulticastGroupFromFuotaTask",    \
      "DELETE", "/fuota-tasks/{Id}/multicast-groups/{MulticastGroupId}")       \
    X(AWS_OP_LIST_GROUPS, "ListMulticastGroupsByFuotaTask", "GET",             \
      "/fuota-tasks/{Id}/multicast-groups")                                    \
    X(AWS_OP_LIST_DEVICES, "ListWirelessDevices", "GET", "/wireless-devices")

enum aws_op {
#define X(id, name, method, path) id,
    AWS_WIRE_OPS(X)
#undef X
        AWS_OP_COUNT
};

const char *aws_wire_op_name(enum aws_op op);
const char *aws_wire_op_method(enum aws_op op);

/*
 * One request as it goes on the wire; heap strings owned by the struct.
 * path is %-encoded (labels with the unreserved set A-Z a-z 0-9 - _ . ~),
 * query is "name=value&..." (%-encoded) or NULL, body is JSON or NULL.
 */
struct aws_wire_request {
    enum aws_op op;
    char *path;
    char *query;
    char *body;
};

void aws_wire_request_init(struct aws_wire_request *r);
void aws_wire_request_cleanup(struct aws_wire_request *r);

/*
 * What a request needs beyond the operation: id, the task id (every
 * operation but CreateFuotaTask and ListFuotaTasks; for ListWirelessDevices
 * it is the fuotaTaskId filter); member_id, the device or group id of the
 * (dis)associations; task, the request of Create or the changes of Update;
 * StartTime of Start; page, the page of the List operations (NULL = first
 * page, default size). Unused members are ignored.
 */
struct aws_wire_args {
    const char *id;
    const char *member_id;
    const struct fuota_task *task;
    bool has_start_time;
    int64_t start_time;
    const struct backend_page_req *page;
};

/*
 * Builds *out (initialised by the call; clean it up in every case).
 * Update sends only the UpdateFuotaTaskRequest members (no
 * ClientRequestToken, no Tags). BACKEND_NO_MEMORY, or BACKEND_VALIDATION
 * when an id is missing or empty, or a page's max_results is outside
 * 0..250.
 */
enum backend_status
aws_wire_build(enum aws_op op, const struct aws_wire_args *args,
               struct aws_wire_request *out, struct backend_error *err)
    __attribute__((warn_unused_result));

/* %-encodes s with the unreserved set into a heap string (NULL on OOM). */
char *aws_wire_encode(const char *s);

/* ---- answers ------------------------------------------------------------ */

enum backend_status aws_wire_parse_created(const char *body, size_t len,
                                           struct backend_created *out,
                                           struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status aws_wire_parse_task(const char *body, size_t len,
                                        struct backend_task *out,
                                        struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status aws_wire_parse_task_page(const char *body, size_t len,
                                             struct backend_task_page *out,
                                             struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status aws_wire_parse_id_page(const char *body, size_t len,
                                           struct backend_id_page *out,
                                           struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status aws_wire_parse_device_page(const char *body, size_t len,
                                               struct backend_device_page *out,
                                               struct backend_error *err)
    __attribute__((warn_unused_result));

/*
 * An error answer (HTTP status >= 300) into *err: the type is the
 * x-amzn-ErrorType header (type_header, NULL = absent), else the body's
 * __type, code or Code member, reduced to its name ("ns#Name:url" ->
 * "Name"); the status is backend_status_classify(type, http_status); the
 * message is the body's message or Message; ResourceId / ResourceType are
 * kept. A body that is not a JSON object is described ("HTTP 502 with a
 * body that is not a JSON object: '<html>...'", printable characters
 * only, cut). Control characters in what is kept become '?'. A status
 * below 400 (a redirect) is BACKEND_TRANSPORT with http_status 0.
 * Returns err->status.
 */
enum backend_status aws_wire_parse_error(int http_status,
                                         const char *type_header,
                                         const char *body, size_t len,
                                         struct backend_error *err);

/*
 * A printable excerpt of body for messages and traces: control and
 * non-ASCII bytes become '?', at most `max` bytes then "...". Returns buf.
 */
const char *aws_wire_excerpt(const char *body, size_t len, size_t max,
                             char *buf, size_t size);

#endif
