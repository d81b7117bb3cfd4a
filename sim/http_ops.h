#ifndef FUOTA_SIM_HTTP_OPS_H
#define FUOTA_SIM_HTTP_OPS_H

/*
 * The FUOTA task operations of `fuota serve` in AWS's restJson1 wire format:
 * a matched route (sim/http_routes.h), its query string and request body in,
 * a store call (sim/store.h), an HTTP status + JSON body out.
 *
 * Wire rules (AWS restJson1, service model iotwireless 2020-11-22):
 *  - success bodies are the operation's output shape as JSON (no body for
 *    the 204 operations); CreatedAt is a JSON number (epoch seconds),
 *    LoRaWAN.StartTime an ISO-8601 string;
 *  - errors carry the type in the x-amzn-ErrorType header (reply.error_type)
 *    and {"message": "..."} in the body (plus ResourceId / ResourceType for
 *    ResourceNotFoundException and ConflictException);
 *  - a body that is not a JSON object, or a member of the wrong JSON type,
 *    is 400 SerializationException; a member that breaks a rule of the
 *    model is 400 ValidationException worded as AWS does.
 *
 * ListWirelessDevices (GET /wireless-devices) lists the devices of a FUOTA
 * task (?fuotaTaskId=ID) with each device's FuotaDeviceStatus, paged like
 * the store (maxResults, nextToken). Each entry is a
 * WirelessDeviceStatistics: Arn (arn:aws:iotwireless:REGION:ACCOUNT:
 * WirelessDevice/ID, region and account those of the task's ARN), Id,
 * Type "LoRaWAN", LoRaWAN.DevEui when the id is 16 hex digits, and
 * FuotaDeviceStatus at the top level, as the model has it. The operation
 * declares no ResourceNotFoundException, so an unknown task matches no
 * device (200, empty list). Without fuotaTaskId it lists, as AWS lists
 * every device of the account, every virtual device the simulator knows
 * (associated with a task that still exists), each once, ordered by id,
 * without FuotaDeviceStatus (it belongs to a task); its next tokens are its
 * own. multicastGroupId narrows either listing to the virtual devices of
 * that multicast group (sim/store.h: a group carries group_devices of
 * them; a group never associated has none). Filters virtual devices never
 * match (destinationName, deviceProfileId, serviceProfileId;
 * wirelessDeviceType=Sidewalk) give an empty list; an unknown
 * wirelessDeviceType or an over-long filter is a
 * ValidationException.
 *
 * Threads: http_ops_run() may run on many threads at once (the store
 * serialises itself). No I/O besides the store; never prints.
 */

#include <stdbool.h>
#include <stddef.h>

#include "sim/http_routes.h"

struct store;

/* The answer to one request. body is heap-owned (free()), NUL-terminated
 * JSON, or NULL for an empty body. error_type points to a static string or
 * into the reply; NULL on success. */
#define HTTP_ERROR_TYPE_MAX 64
struct http_reply {
    int status;
    const char *error_type;
    char error_type_buf[HTTP_ERROR_TYPE_MAX];
    char *body;
    size_t body_len;
};

void http_reply_init(struct http_reply *r);
void http_reply_cleanup(struct http_reply *r);

/*
 * Makes *r an error reply: STATUS, x-amzn-ErrorType TYPE (copied) and body
 * {"message": MESSAGE} (printf format). Replaces what r held.
 */
void http_reply_error(struct http_reply *r, int status, const char *type,
                      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Runs operation m->op against STORE. query is the raw query string (no
 * '?', NULL = none), body/len the request body (need not be
 * NUL-terminated; NULL with 0 = empty). Fills *r (initialised by the call).
 */
void http_ops_run(struct store *store, const struct http_route_match *m,
                  const char *query, const char *body, size_t len,
                  struct http_reply *r);

#endif
