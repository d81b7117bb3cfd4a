#ifndef FUOTA_TUI_MODEL_H
#define FUOTA_TUI_MODEL_H

/*
 * The wizard's model: what the operator has typed, field by field, and
 * what core/ makes of it. The fields hold text exactly as typed; after
 * every change model_refresh() builds the CreateFuotaTask request from
 * them, checks it with task_validate(), and plans it with plan_compute(),
 * so every rule and figure comes from core/ (the console adds none).
 *
 * Fields (MODEL_FIELDS): X(id, label, path, group, kind, width)
 *   label  what the form shows
 *   path   the diagnostic path the field answers for (core/diag.h paths;
 *          "image", "dr" and "loss" for the planning inputs)
 *   kind   MODEL_TEXT (free text), MODEL_INT (digits only), MODEL_CHOICE
 *          (RfRegion, data rate), MODEL_TAGS (the Tags list)
 *   width  the widest the field is drawn (0 = as wide as there is room)
 *
 * Planning inputs are never sent: the image (a local file, or a size in
 * bytes), the downlink data rate (-1 = the region's Class C default) and
 * the expected loss in percent.
 *
 * Ownership: a struct model is embedded by the caller; model_init() /
 * model_cleanup(). Every string it returns lives until the next change.
 * Not thread-safe: the UI thread owns it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/plan.h"
#include "core/task.h"
#include "core/task_update.h"

#define MODEL_GROUPS(X)                                                        \
    X(GROUP_TASK, "Task")                                                      \
    X(GROUP_FIRMWARE, "Firmware")                                              \
    X(GROUP_FRAGMENTATION, "Fragmentation")                                    \
    X(GROUP_LORAWAN, "LoRaWAN")                                                \
    X(GROUP_TAGS, "Tags")                                                      \
    X(GROUP_PLANNING, "Planning · not sent")

enum model_group {
#define X(id, title) id,
    MODEL_GROUPS(X)
#undef X
        MODEL_GROUP_COUNT
};

enum model_kind { MODEL_TEXT, MODEL_INT, MODEL_CHOICE, MODEL_TAGS };

#define MODEL_FIELDS(X)                                                        \
    X(F_NAME, "Name", "Name", GROUP_TASK, MODEL_TEXT, 0)                       \
    X(F_DESCRIPTION, "Description", "Description", GROUP_TASK, MODEL_TEXT, 0)  \
    X(F_TOKEN, "ClientRequestToken", "ClientRequestToken", GROUP_TASK,         \
      MODEL_TEXT, 0)                                                           \
    X(F_IMAGE, "FirmwareUpdateImage", "FirmwareUpdateImage", GROUP_FIRMWARE,   \
      MODEL_TEXT, 0)                                                           \
    X(F_ROLE, "FirmwareUpdateRole", "FirmwareUpdateRole", GROUP_FIRMWARE,      \
      MODEL_TEXT, 0)                                                           \
    X(F_DESCRIPTOR, "Descriptor", "Descriptor", GROUP_FIRMWARE, MODEL_TEXT, 0) \
    X(F_FRAGMENT_SIZE, "FragmentSizeBytes", "FragmentSizeBytes",               \
      GROUP_FRAGMENTATION, MODEL_INT, 7)                                       \
    X(F_REDUNDANCY, "RedundancyPercent", "RedundancyPercent",                  \
      GROUP_FRAGMENTATION, MODEL_INT, 7)                                       \
    X(F_INTERVAL, "FragmentIntervalMS", "FragmentIntervalMS",                  \
      GROUP_FRAGMENTATION, MODEL_INT, 10)                                      \
    X(F_REGION, "RfRegion", "LoRaWAN.RfRegion", GROUP_LORAWAN, MODEL_CHOICE,   \
      0)                                                                       \
    X(F_TAGS, "Tags", "Tags", GROUP_TAGS, MODEL_TAGS, 0)                       \
    X(F_PLAN_IMAGE, "Image", "image", GROUP_PLANNING, MODEL_TEXT, 0)           \
    X(F_PLAN_DR, "Data rate", "dr", GROUP_PLANNING, MODEL_CHOICE, 0)           \
    X(F_PLAN_LOSS, "Expected loss %", "loss", GROUP_PLANNING, MODEL_INT, 5)

enum model_field {
#define X(id, label, path, group, kind, width) id,
    MODEL_FIELDS(X)
#undef X
        MODEL_FIELD_COUNT,
    MODEL_NO_FIELD = -1
};

/* Most characters a text field takes (beyond every service limit, so an
 * over-long value can be typed and shown as an error). */
#define MODEL_TEXT_MAX 8192
/* Most digits an integer field takes. */
#define MODEL_INT_DIGITS 10

struct model {
    char *text[MODEL_FIELD_COUNT]; /* TEXT and INT fields; never NULL */
    char *region;                  /* RfRegion as given; NULL = unset */
    bool has_lorawan;              /* keep an empty LoRaWAN object */
    int dr;                        /* planning data rate; -1 = default */
    bool has_tags;
    struct fuota_tag *tags;
    size_t tag_count;

    /*
     * Update mode: the id of the task being edited and its members as the
     * service holds them (GetFuotaTask); update_id NULL = a new task.
     */
    char *update_id;
    struct fuota_task update_base;

    char *path;            /* the file the request came from / was saved */
    bool dirty;            /* changed since loaded or saved */
    unsigned long version; /* bumped on every change */

    /*
     * Problems of the document a request was loaded from (wrong types,
     * unknown members): they stay on their field until it is edited.
     */
    struct diag_list loaded;

    /* Derived by model_refresh(). */
    struct fuota_task task; /* the request as it would be sent */
    struct diag_list diags; /* validation + planning (+ loaded) */
    bool image_known;
    uint64_t image_bytes;
    char image_name[256]; /* file name (no folders) or "" for a size */
    bool planned;         /* plan_status == PLAN_OK */
    enum plan_status plan_status;
    struct plan plan;
};

void model_init(struct model *m);
void model_cleanup(struct model *m);

const char *model_field_label(enum model_field f);
const char *model_field_path(enum model_field f);
enum model_group model_field_group(enum model_field f);
enum model_kind model_field_kind(enum model_field f);
int model_field_width(enum model_field f);
const char *model_group_title(enum model_group g);

/* The field a diagnostic path belongs to ("Tags[3].Key" -> F_TAGS,
 * "LoRaWAN" -> F_REGION), or MODEL_NO_FIELD ("" and unknown paths). */
enum model_field model_field_for_path(const char *path);

/* The text of a TEXT or INT field ("" for the others). */
const char *model_text(const struct model *m, enum model_field f);

/*
 * Sets a TEXT or INT field's text (copied; trailing blanks kept). An INT
 * field takes digits only: false (nothing changed) for anything else or
 * more than MODEL_INT_DIGITS digits, and for a text over MODEL_TEXT_MAX
 * characters. Marks the model changed when the text differs.
 */
bool model_set_text(struct model *m, enum model_field f, const char *text)
    __attribute__((warn_unused_result));

/* RfRegion: NULL = unset. Resets the data rate when the new region has no
 * such downlink data rate. Returns false on out of memory. */
bool model_set_region(struct model *m, const char *region)
    __attribute__((warn_unused_result));
/* The planning data rate: -1 = default. */
void model_set_dr(struct model *m, int dr);

/* Tags: replaces tag i (key and value copied), appends at i == count,
 * removes with model_remove_tag. False when out of memory or over
 * TASK_TAGS_MAX tags. */
bool model_set_tag(struct model *m, size_t i, const char *key,
                   const char *value) __attribute__((warn_unused_result));
void model_remove_tag(struct model *m, size_t i);

/* Takes a request's members (a copy) into the fields; the loaded document
 * diagnostics (may be NULL) are kept on their fields. Clears the dirty
 * flag. False on out of memory. */
bool model_load_task(struct model *m, const struct fuota_task *task,
                     const struct diag_list *loaded)
    __attribute__((warn_unused_result));

/*
 * Update mode: the fields take the members of `task` (copied, as
 * GetFuotaTask gave them: no token, no tags), which become the base the
 * edit is compared with; id is the task's. Clears the dirty flag. False
 * on out of memory.
 */
bool model_begin_update(struct model *m, const char *id,
                        const struct fuota_task *task)
    __attribute__((warn_unused_result));

/*
 * The UpdateFuotaTask of update mode: the request as edited (m->task)
 * against the base (core/task_update.h). False outside update mode or
 * on out of memory (*out is then empty).
 */
bool model_update_diff(const struct model *m, struct task_update *out)
    __attribute__((warn_unused_result));

/* Remembers the file the request belongs to (NULL = none). */
bool model_set_path(struct model *m, const char *path)
    __attribute__((warn_unused_result));
void model_mark_saved(struct model *m);

/*
 * Rebuilds m->task, m->diags and the plan from the fields. Reads the
 * planning image's size from the file system when it names a file.
 */
void model_refresh(struct model *m);

/* The worst diagnostic of a field (error, then warning, then note), or
 * NULL. */
const struct diag *model_field_diag(const struct model *m, enum model_field f);

/*
 * The data rates the planning choice offers for the current region: the
 * region's downlink data rates that can carry fragments, ascending, into
 * drs (at most max); returns how many. None without a (known) region.
 */
size_t model_dr_choices(const struct model *m, int *drs, size_t max);

/*
 * The draft: every field as typed, the tags, the planning inputs and the
 * file name, as a JSON document (heap string, caller frees; NULL on out
 * of memory), and back. model_from_draft returns false (model unchanged)
 * when the text is not a draft this version wrote.
 */
char *model_to_draft(const struct model *m);
bool model_from_draft(struct model *m, const char *json, size_t len)
    __attribute__((warn_unused_result));

/* True when nothing has been typed (every field empty, no tags). */
bool model_is_empty(const struct model *m);

#endif
