#ifndef FUOTA_CORE_BACKEND_H
#define FUOTA_CORE_BACKEND_H

/* clang-format off */
/*
 * The backend contract: the one interface through which the console and the
 * CLI talk to "the FUOTA service", whether that is AWS IoT Wireless (aws/, over
 * HTTPS) or the built-in simulator (sim/sim_backend.c, in process). Like
 * curl's TLS backends, a backend is a struct whose first member is a
 * struct backend pointing at a const ops table; callers use the backend_*()
 * wrappers below, never the table directly.
 *
 * Operations map one to one onto the IoT Wireless API (service model
 * shared/reference/iotwireless-service-2.json). Each row: the wrapper, the
 * API operation and, under it, the HTTP request (T = /fuota-tasks/{Id}).
 * The table is fenced from clang-format, which reflows long comment lines.
 *
 *   wrapper                       API operation / HTTP request
 *   ----------------------------  ---------------------------------------
 *   backend_create_task           CreateFuotaTask
 *                                 POST /fuota-tasks
 *   backend_get_task              GetFuotaTask
 *                                 GET T
 *   backend_list_tasks            ListFuotaTasks
 *                                 GET /fuota-tasks
 *   backend_update_task           UpdateFuotaTask
 *                                 PATCH T
 *   backend_delete_task           DeleteFuotaTask
 *                                 DELETE T
 *   backend_start_task            StartFuotaTask
 *                                 PUT T
 *   backend_associate_device      AssociateWirelessDeviceWithFuotaTask
 *                                 PUT T/wireless-device
 *   backend_disassociate_device   DisassociateWirelessDeviceFromFuotaTask
 *                                 DELETE T/wireless-devices/{WirelessDeviceId}
 *   backend_associate_group       AssociateMulticastGroupWithFuotaTask
 *                                 PUT T/multicast-group
 *   backend_disassociate_group    DisassociateMulticastGroupFromFuotaTask
 *                                 DELETE T/multicast-groups/{MulticastGroupId}
 *   backend_list_groups           ListMulticastGroupsByFuotaTask
 *                                 GET T/multicast-groups
 *   backend_list_devices          ListWirelessDevices
 *                                 GET /wireless-devices?fuotaTaskId={Id}
 *                                 (each device with its FuotaDeviceStatus)
 *
 * Errors. Every operation returns an enum backend_status (BACKEND_OK = 0) and
 * fills a caller-owned struct backend_error: the status, the HTTP code, the
 * service's error type name exactly as received (e.g.
 * "InvalidSignatureException" maps to BACKEND_ACCESS_DENIED but keeps its own
 * name) and the service's Message. On BACKEND_OK the error struct is cleared.
 * Transport failures (connection refused, TLS, malformed response) are
 * BACKEND_TRANSPORT, an expired deadline BACKEND_TIMEOUT, out of memory
 * BACKEND_NO_MEMORY; these carry http_status 0. Results are only valid on
 * BACKEND_OK; on failure the output struct is left initialised-empty (cleanup
 * is still safe).
 *
 * Ownership. Input pointers are borrowed for the duration of the call. Output
 * structs (struct backend_task, struct backend_task_page, ...) are owned by
 * the caller, initialised by the call, and released with their *_cleanup()
 * function (which accepts a zeroed or already-cleaned struct). Strings in them
 * are heap-allocated; NULL means "absent in the response".
 *
 * Threads. Calls block until the service answers (the live backend up to its
 * timeout). A backend may be used from several threads at once only if its
 * implementation says so (the simulator backend does). backend_close() must
 * not race any other call on the same backend.
 *
 * This module is computation only: no I/O.
 */
/* clang-format on */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/task.h"

/* X(id, AWS error type name, HTTP status, short human description) */
#define BACKEND_STATUSES(X)                                                    \
    X(BACKEND_OK, "OK", 200, "success")                                        \
    X(BACKEND_VALIDATION, "ValidationException", 400,                          \
      "the request does not meet the service's constraints")                   \
    X(BACKEND_ACCESS_DENIED, "AccessDeniedException", 403,                     \
      "access denied (credentials or permissions)")                            \
    X(BACKEND_NOT_FOUND, "ResourceNotFoundException", 404, "no such resource") \
    X(BACKEND_CONFLICT, "ConflictException", 409,                              \
      "the resource's current state does not allow this")                      \
    X(BACKEND_THROTTLED, "ThrottlingException", 429,                           \
      "request rate exceeded; retry later")                                    \
    X(BACKEND_INTERNAL, "InternalServerException", 500,                        \
      "the service failed internally; retry later")                            \
    X(BACKEND_TRANSPORT, "TransportError", 0,                                  \
      "the service could not be reached or answered nonsense")                 \
    X(BACKEND_TIMEOUT, "Timeout", 0, "the service did not answer in time")     \
    X(BACKEND_NO_MEMORY, "OutOfMemory", 0, "out of memory")

enum backend_status {
#define X(id, type, http, help) id,
    BACKEND_STATUSES(X)
#undef X
};

/* The FuotaTaskStatus enum of the service model. */
#define BACKEND_TASK_STATUSES(X)                                               \
    X(BACKEND_TASK_PENDING, "Pending")                                         \
    X(BACKEND_TASK_SESSION_WAITING, "FuotaSession_Waiting")                    \
    X(BACKEND_TASK_IN_SESSION, "In_FuotaSession")                              \
    X(BACKEND_TASK_DONE, "FuotaDone")                                          \
    X(BACKEND_TASK_DELETE_WAITING, "Delete_Waiting")

enum backend_task_status {
#define X(id, name) id,
    BACKEND_TASK_STATUSES(X)
#undef X
        BACKEND_TASK_STATUS_COUNT
};

/* The FuotaDeviceStatus enum of the service model. */
#define BACKEND_DEVICE_STATUSES(X)                                             \
    X(BACKEND_DEVICE_INITIAL, "Initial")                                       \
    X(BACKEND_DEVICE_PACKAGE_NOT_SUPPORTED, "Package_Not_Supported")           \
    X(BACKEND_DEVICE_FRAG_ALGO_UNSUPPORTED, "FragAlgo_unsupported")            \
    X(BACKEND_DEVICE_NOT_ENOUGH_MEMORY, "Not_enough_memory")                   \
    X(BACKEND_DEVICE_FRAG_INDEX_UNSUPPORTED, "FragIndex_unsupported")          \
    X(BACKEND_DEVICE_WRONG_DESCRIPTOR, "Wrong_descriptor")                     \
    X(BACKEND_DEVICE_SESSION_CNT_REPLAY, "SessionCnt_replay")                  \
    X(BACKEND_DEVICE_MISSING_FRAG, "MissingFrag")                              \
    X(BACKEND_DEVICE_MEMORY_ERROR, "MemoryError")                              \
    X(BACKEND_DEVICE_MIC_ERROR, "MICError")                                    \
    X(BACKEND_DEVICE_SUCCESSFUL, "Successful")                                 \
    X(BACKEND_DEVICE_CONFLICT, "Device_exist_in_conflict_fuota_task")

enum backend_device_status {
#define X(id, name) id,
    BACKEND_DEVICE_STATUSES(X)
#undef X
        BACKEND_DEVICE_STATUS_COUNT
};

/* Limits from the service model. */
#define BACKEND_ID_MAX          256 /* FuotaTaskId, WirelessDeviceId, ... */
#define BACKEND_ARN_MAX         128 /* FuotaTaskArn */
#define BACKEND_NEXT_TOKEN_MAX  4096
#define BACKEND_MAX_RESULTS_MAX 250
/* Page size used when max_results is 0 (see struct backend_page_req). */
#define BACKEND_MAX_RESULTS_DEFAULT 100

#define BACKEND_TYPE_MAX    64
#define BACKEND_MESSAGE_MAX 1024

/*
 * What went wrong, caller-owned (embed it; no init needed beyond
 * backend_error_clear(), which every wrapper calls first).
 * resource_type / resource_id are filled for ResourceNotFoundException and
 * ConflictException when the service names them ("" otherwise).
 */
struct backend_error {
    enum backend_status status;
    int http_status;                      /* 0 for transport / timeout */
    char type[BACKEND_TYPE_MAX];          /* AWS error type as received */
    char message[BACKEND_MESSAGE_MAX];    /* the service's Message */
    char resource_type[BACKEND_TYPE_MAX]; /* e.g. "FuotaTask" */
    char resource_id[BACKEND_ID_MAX + 1];
};

/* CreateFuotaTask response. Fixed buffers: nothing to clean up. */
struct backend_created {
    char arn[BACKEND_ARN_MAX + 1];
    char id[BACKEND_ID_MAX + 1];
};

/*
 * GetFuotaTask response. Strings are heap-owned (NULL = absent), times are
 * seconds since the epoch (UTC). start_time is LoRaWAN.StartTime (ISO-8601 on
 * the wire), present once the task has been started.
 */
struct backend_task {
    char *arn;
    char *id;
    enum backend_task_status status;
    char *name;
    char *description;
    char *rf_region; /* LoRaWAN.RfRegion */
    bool has_start_time;
    int64_t start_time; /* LoRaWAN.StartTime */
    char *firmware_update_image;
    char *firmware_update_role;
    int64_t created_at; /* CreatedAt (a JSON number on the wire) */
    bool has_redundancy_percent;
    int32_t redundancy_percent;
    bool has_fragment_size_bytes;
    int32_t fragment_size_bytes;
    bool has_fragment_interval_ms;
    int32_t fragment_interval_ms;
    char *descriptor;
};

/*
 * Paging input of every List operation. next_token NULL (or "") asks for the
 * first page; otherwise it must be a token returned by the previous page of
 * the same listing (anything else is a ValidationException). max_results is
 * 0..250 (MaxResults); 0 means "not given": the service default,
 * BACKEND_MAX_RESULTS_DEFAULT. Outside 0..250 is a ValidationException.
 */
struct backend_page_req {
    const char *next_token;
    int max_results;
};

/* One FuotaTaskList entry. */
struct backend_task_summary {
    char *id;
    char *arn;
    char *name; /* NULL when the task has no name */
};

/* ListFuotaTasks response; next_token NULL on the last page. */
struct backend_task_page {
    struct backend_task_summary *items;
    size_t count;
    char *next_token;
};

/* ListMulticastGroupsByFuotaTask response (group ids). */
struct backend_id_page {
    char **ids;
    size_t count;
    char *next_token;
};

/* A wireless device of a task and its FuotaDeviceStatus. */
struct backend_device {
    char *id;
    enum backend_device_status status;
};

struct backend_device_page {
    struct backend_device *items;
    size_t count;
    char *next_token;
};

struct backend;

/*
 * The ops table an implementation provides (all members non-NULL). Each
 * operation gets an error struct already cleared by the wrapper and must,
 * on failure, fill it (backend_error_set() does) and return its status; on
 * success return BACKEND_OK with the output filled. Outputs arrive
 * initialised (zeroed) by the wrapper.
 *
 * update_task: UpdateFuotaTask. `changes` uses the CreateFuotaTask struct;
 * only the members UpdateFuotaTaskRequest has are used (Name, Description,
 * LoRaWAN.RfRegion, FirmwareUpdateImage, FirmwareUpdateRole,
 * RedundancyPercent, FragmentSizeBytes, FragmentIntervalMS, Descriptor); a
 * member that is unset (NULL / has_* false) is left unchanged;
 * ClientRequestToken and Tags are ignored.
 *
 * start_task: StartFuotaTask; when has_start_time is false no LoRaWAN.StartTime
 * is sent and the service schedules the session itself.
 *
 * close: releases the backend and everything it owns (also the struct itself).
 */
struct backend_ops {
    const char *name; /* "simulator", "live" */
    enum backend_status (*create_task)(struct backend *b,
                                       const struct fuota_task *request,
                                       struct backend_created *out,
                                       struct backend_error *err);
    enum backend_status (*get_task)(struct backend *b, const char *id,
                                    struct backend_task *out,
                                    struct backend_error *err);
    enum backend_status (*list_tasks)(struct backend *b,
                                      const struct backend_page_req *page,
                                      struct backend_task_page *out,
                                      struct backend_error *err);
    enum backend_status (*update_task)(struct backend *b, const char *id,
                                       const struct fuota_task *changes,
                                       struct backend_error *err);
    enum backend_status (*delete_task)(struct backend *b, const char *id,
                                       struct backend_error *err);
    enum backend_status (*start_task)(struct backend *b, const char *id,
                                      bool has_start_time, int64_t start_time,
                                      struct backend_error *err);
    enum backend_status (*associate_device)(struct backend *b, const char *id,
                                            const char *device_id,
                                            struct backend_error *err);
    enum backend_status (*disassociate_device)(struct backend *b,
                                               const char *id,
                                               const char *device_id,
                                               struct backend_error *err);
    enum backend_status (*associate_group)(struct backend *b, const char *id,
                                           const char *group_id,
                                           struct backend_error *err);
    enum backend_status (*disassociate_group)(struct backend *b, const char *id,
                                              const char *group_id,
                                              struct backend_error *err);
    enum backend_status (*list_groups)(struct backend *b, const char *id,
                                       const struct backend_page_req *page,
                                       struct backend_id_page *out,
                                       struct backend_error *err);
    enum backend_status (*list_devices)(struct backend *b, const char *id,
                                        const struct backend_page_req *page,
                                        struct backend_device_page *out,
                                        struct backend_error *err);
    void (*close)(struct backend *b);
};

/* Embedded as the first member of every implementation's struct. */
struct backend {
    const struct backend_ops *ops;
};

/* --- calling a backend (each clears *err first, see the contract above) -- */

enum backend_status
backend_create_task(struct backend *b, const struct fuota_task *request,
                    struct backend_created *out, struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status backend_get_task(struct backend *b, const char *id,
                                     struct backend_task *out,
                                     struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status
backend_list_tasks(struct backend *b, const struct backend_page_req *page,
                   struct backend_task_page *out, struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status backend_update_task(struct backend *b, const char *id,
                                        const struct fuota_task *changes,
                                        struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status backend_delete_task(struct backend *b, const char *id,
                                        struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status backend_start_task(struct backend *b, const char *id,
                                       bool has_start_time, int64_t start_time,
                                       struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status backend_associate_device(struct backend *b, const char *id,
                                             const char *device_id,
                                             struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status
backend_disassociate_device(struct backend *b, const char *id,
                            const char *device_id, struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status backend_associate_group(struct backend *b, const char *id,
                                            const char *group_id,
                                            struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status
backend_disassociate_group(struct backend *b, const char *id,
                           const char *group_id, struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status backend_list_groups(struct backend *b, const char *id,
                                        const struct backend_page_req *page,
                                        struct backend_id_page *out,
                                        struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status backend_list_devices(struct backend *b, const char *id,
                                         const struct backend_page_req *page,
                                         struct backend_device_page *out,
                                         struct backend_error *err)
    __attribute__((warn_unused_result));
/* Releases the backend; accepts NULL. */
void backend_close(struct backend *b);
/* The implementation's name ("simulator", "live"). */
const char *backend_name(const struct backend *b);

/* --- statuses and errors ------------------------------------------------ */

/* AWS error type name ("ValidationException"; "OK" for BACKEND_OK). */
const char *backend_status_type(enum backend_status status);
/* HTTP status code (0 for transport / timeout / no memory). */
int backend_status_http(enum backend_status status);
/* Short human description. */
const char *backend_status_help(enum backend_status status);
/*
 * Classifies an error type received from the service (the x-amzn-ErrorType
 * header or __type member; anything after ':' and any "prefix#" is ignored)
 * and its HTTP status. Unknown types fall back on the HTTP status class:
 * 400 -> VALIDATION, 401/403 -> ACCESS_DENIED, 404 -> NOT_FOUND,
 * 409 -> CONFLICT, 429 -> THROTTLED, other 4xx -> VALIDATION, 5xx -> INTERNAL,
 * anything else -> TRANSPORT. "InvalidSignatureException",
 * "UnrecognizedClientException", "ExpiredTokenException" map to ACCESS_DENIED.
 */
enum backend_status backend_status_classify(const char *type, int http_status);
/* True for the statuses a caller may retry with backoff. */
bool backend_status_retryable(enum backend_status status);

/* Resets *err to BACKEND_OK with empty strings. */
void backend_error_clear(struct backend_error *err);
/*
 * Sets status, http_status and type from the table and the message from
 * the printf format (cut to fit); resource fields untouched. Returns status,
 * so `return backend_error_set(err, BACKEND_NOT_FOUND, "...")` reads well.
 */
enum backend_status backend_error_set(struct backend_error *err,
                                      enum backend_status status,
                                      const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets resource_type / resource_id (NULL = ""). */
void backend_error_set_resource(struct backend_error *err, const char *type,
                                const char *id);
/*
 * One line for humans: "ConflictException (409): MESSAGE" (or the help text
 * when the message is empty) into buf; returns buf.
 */
const char *backend_error_format(const struct backend_error *err, char *buf,
                                 size_t size);

/* --- enums <-> wire names ----------------------------------------------- */

const char *backend_task_status_name(enum backend_task_status status);
/* Returns false for an unknown name. */
bool backend_task_status_parse(const char *name, enum backend_task_status *out);
const char *backend_device_status_name(enum backend_device_status status);
bool backend_device_status_parse(const char *name,
                                 enum backend_device_status *out);

/* --- times --------------------------------------------------------------- */

/* "2024-05-01T12:00:00Z" into buf (>= 21 bytes); returns buf. */
const char *backend_time_format(int64_t epoch_seconds, char *buf, size_t size);
/*
 * Parses an ISO-8601 timestamp as AWS sends and accepts it:
 * YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM) (also a lowercase 't'/'z'
 * and a space for 'T'). The fraction is dropped. Returns false when the text
 * is not such a timestamp.
 */
bool backend_time_parse(const char *text, int64_t *epoch_seconds)
    __attribute__((warn_unused_result));

/* --- results ------------------------------------------------------------- */

void backend_task_init(struct backend_task *task);
void backend_task_cleanup(struct backend_task *task);
/* Deep copy; false on out of memory (dst is then cleaned up). */
bool backend_task_copy(struct backend_task *dst, const struct backend_task *src)
    __attribute__((warn_unused_result));
/*
 * A request view of a task as GetFuotaTask returns it: *out (initialised by
 * the call) borrows task's strings (read only; never task_cleanup() it) and
 * carries its request members: FirmwareUpdateImage / Role, Name,
 * Description, Descriptor, FragmentIntervalMS, FragmentSizeBytes,
 * RedundancyPercent, and LoRaWAN.RfRegion (has_lorawan when it is set). No
 * ClientRequestToken and no Tags. Valid while task is.
 */
void backend_task_as_request(const struct backend_task *task,
                             struct fuota_task *out);
void backend_task_page_init(struct backend_task_page *page);
void backend_task_page_cleanup(struct backend_task_page *page);
void backend_id_page_init(struct backend_id_page *page);
void backend_id_page_cleanup(struct backend_id_page *page);
void backend_device_page_init(struct backend_device_page *page);
void backend_device_page_cleanup(struct backend_device_page *page);

#endif
