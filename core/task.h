#ifndef FUOTA_CORE_TASK_H
#define FUOTA_CORE_TASK_H

/*
 * The CreateFuotaTask request (shape CreateFuotaTaskRequest of the AWS IoT
 * Wireless service model, shared/reference/iotwireless-service-2.json).
 *
 * Reading: task_from_json() parses a request body (also the AWS CLI
 * --cli-input-json form) into a struct fuota_task and reports everything the
 * *document* gets wrong (not JSON, wrong types, unknown or duplicate members,
 * non-integral or out-of-int32 numbers) as diagnostics. Members whose value is
 * unusable are left unset. task_validate() then checks every rule of the
 * service model on the struct (and adds operator warnings). Both append to a
 * caller-owned diag_list; all problems are reported, not only the first.
 *
 * Ownership: every string in a struct fuota_task is heap-owned by the struct;
 * task_cleanup() frees them (and accepts a zeroed or cleaned-up struct).
 *
 * Diagnostic rules (struct diag.rule), stable identifiers:
 *   document: too-large, empty (also whitespace only), syntax (also NUL
 *   bytes and trailing text; the message says where, "line L, column C
 *   (byte B)"), too-deep,
 *   type (wrong JSON type; also a non-object document), null, integer
 *   (fraction or exponent: 1.5, 1.0, 1e3), int32 (beyond the 32-bit range),
 *   unknown-member, duplicate-member, nul (a \u0000 escape).
 *   model: required, min-length, max-length (in Unicode characters), utf8,
 *   pattern, min, max, enum, max-items.
 *   warnings: s3-uri, role-arn, console-name, no-redundancy,
 *   interval-rounding, no-region, reserved-tag-key, duplicate-tag-key.
 *   too-many (a note): more than TASK_DIAGS_MAX diagnostics in the list; the
 *   rest are dropped.
 * Paths: "Name", "LoRaWAN.RfRegion", "Tags[3].Key", "" for the document.
 *
 * Threads: the functions keep no state of their own and may run on several
 * threads at once, except that cJSON records the position of its last parse
 * failure in a global (a benign race: fuota never reads it).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"

/* Limits from the service model (CreateFuotaTaskRequest and its shapes). */
#define TASK_IMAGE_MAX       4096
#define TASK_ROLE_MAX        2048
#define TASK_TOKEN_MAX       64
#define TASK_NAME_MAX        256
#define TASK_DESCRIPTION_MAX 2048
#define TASK_DESCRIPTOR_MAX  332
#define TASK_TAGS_MAX        200
#define TASK_TAG_KEY_MAX     128
#define TASK_TAG_VALUE_MAX   256
#define TASK_REDUNDANCY_MAX  100

/* Size of a buffer for task_new_token's token (with its NUL). */
#define TASK_NEW_TOKEN_SIZE 39

/* Largest request document task_from_json accepts. */
#define TASK_JSON_MAX (1024u * 1024u)
/* Deepest JSON nesting task_from_json accepts. */
#define TASK_JSON_DEPTH_MAX 32
/* A diag_list stops taking task diagnostics at this size (note too-many). */
#define TASK_DIAGS_MAX 1000

struct fuota_tag {
    char *key;
    char *value;
};

struct fuota_task {
    char *firmware_update_image; /* required */
    char *firmware_update_role;  /* required */
    char *client_request_token;  /* NULL = unset */
    char *name;
    char *description;
    char *descriptor;
    bool has_fragment_interval_ms;
    int32_t fragment_interval_ms;
    bool has_fragment_size_bytes;
    int32_t fragment_size_bytes;
    bool has_redundancy_percent;
    int32_t redundancy_percent;
    bool has_lorawan; /* the LoRaWAN object was present */
    char *rf_region;  /* LoRaWAN.RfRegion as given; NULL = unset */
    bool has_tags;    /* the Tags list was present (possibly empty) */
    struct fuota_tag *tags;
    size_t tag_count;
};

void task_init(struct fuota_task *task);
void task_cleanup(struct fuota_task *task);
/* Deep copy; returns false on out of memory (dst is then cleaned up). */
bool task_copy(struct fuota_task *dst, const struct fuota_task *src)
    __attribute__((warn_unused_result));

/*
 * Parses JSON text (need not be NUL-terminated) into *task (initialised by
 * the call). Returns true when the document was a JSON object whose members
 * could be read (possibly with some members rejected: see diags), false when
 * nothing usable came out (empty, not JSON, not an object, too deep, too
 * big, a leading UTF-8 byte order mark: rule "bom", an unpaired UTF-16
 * surrogate escape: rule "surrogate" on the member's path). Either way
 * *task must be cleaned up.
 */
bool task_from_json(const char *json, size_t len, struct fuota_task *task,
                    struct diag_list *diags)
    __attribute__((warn_unused_result));

/*
 * Checks every rule of the service model and adds operator warnings.
 * Returns true when no error was added. A missing required member is not
 * reported again when diags already holds a diagnostic for it or its parent
 * (e.g. "FirmwareUpdateImage: expected a string" from task_from_json), so
 * pass the same list to both calls.
 */
bool task_validate(const struct fuota_task *task, struct diag_list *diags);

/*
 * The exact wire JSON (unset optional members omitted; members in the order
 * of the service model), compact or indented by 2 spaces (core/json_out.h).
 * Writes what the struct holds, valid or not: parsing the result gives an
 * equal task. Heap string, caller frees; NULL on out of memory.
 */
char *task_to_json(const struct fuota_task *task, bool pretty);

/*
 * True when both requests carry the same parameters (idempotency check):
 * every member, set or unset, compared exactly (Tags in order; an absent
 * LoRaWAN or Tags differs from an empty one, as on the wire).
 */
bool task_equal(const struct fuota_task *a, const struct fuota_task *b);

/* Number of Unicode characters in a UTF-8 string, or -1 if not valid UTF-8. */
long task_utf8_length(const char *s, size_t len);

/* The RfRegion enum of the service model. */
extern const char *const task_rf_regions[];
extern const size_t task_rf_region_count;
bool task_rf_region_valid(const char *region);

/* A fresh ClientRequestToken from libsodium's random: "fuota-" and 32
 * lowercase hex digits (matches ^[a-zA-Z0-9-_]+$, 38 characters). The CLI,
 * the live client and the console make theirs with it. */
void task_new_token(char out[TASK_NEW_TOKEN_SIZE]);

#endif
