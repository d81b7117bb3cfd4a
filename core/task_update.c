#include "core/task_update.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The members of UpdateFuotaTaskRequest, in the service model's order. */
enum member_type { MEMBER_STRING, MEMBER_INT };

static const struct member {
    const char *name;
    enum member_type type;
    size_t str;      /* MEMBER_STRING: offset of the char * */
    size_t has, val; /* MEMBER_INT: offsets of the flag and the value */
} members[] = {
    { "Name", MEMBER_STRING, offsetof(struct fuota_task, name), 0, 0 },
    { "Description", MEMBER_STRING, offsetof(struct fuota_task, description), 0,
      0 },
    { "LoRaWAN.RfRegion", MEMBER_STRING, offsetof(struct fuota_task, rf_region),
      0, 0 },
    { "FirmwareUpdateImage", MEMBER_STRING,
      offsetof(struct fuota_task, firmware_update_image), 0, 0 },
    { "FirmwareUpdateRole", MEMBER_STRING,
      offsetof(struct fuota_task, firmware_update_role), 0, 0 },
    { "RedundancyPercent", MEMBER_INT, 0,
      offsetof(struct fuota_task, has_redundancy_percent),
      offsetof(struct fuota_task, redundancy_percent) },
    { "FragmentSizeBytes", MEMBER_INT, 0,
      offsetof(struct fuota_task, has_fragment_size_bytes),
      offsetof(struct fuota_task, fragment_size_bytes) },
    { "FragmentIntervalMS", MEMBER_INT, 0,
      offsetof(struct fuota_task, has_fragment_interval_ms),
      offsetof(struct fuota_task, fragment_interval_ms) },
    { "Descriptor", MEMBER_STRING, offsetof(struct fuota_task, descriptor), 0,
      0 },
};

static char *const *str_at(const struct fuota_task *t, const struct member *m)
{
    return (char *const *)(const void *)((const char *)t + m->str);
}

static const bool *has_at(const struct fuota_task *t, const struct member *m)
{
    return (const bool *)(const void *)((const char *)t + m->has);
}

static const int32_t *val_at(const struct fuota_task *t, const struct member *m)
{
    return (const int32_t *)(const void *)((const char *)t + m->val);
}

/* Copies s into buf, cut on a character boundary with "..." to fit. */
static void put_value(char *buf, size_t size, const char *s)
{
    size_t n = strlen(s);
    if (n < size) {
        memcpy(buf, s, n + 1);
        return;
    }
    size_t keep = size - 4;
    while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
        keep--;
    memcpy(buf, s, keep);
    memcpy(buf + keep, "...", 4);
}

/* The member's value as text: NULL when unset. */
static const char *value_of(const struct fuota_task *t, const struct member *m,
                            char *num, size_t size)
{
    if (m->type == MEMBER_STRING)
        return *str_at(t, m);
    if (!*has_at(t, m))
        return NULL;
    snprintf(num, size, "%d", (int)*val_at(t, m));
    return num;
}

static struct task_update_line *add_line(struct task_update *u,
                                         const char *member,
                                         enum task_update_kind kind,
                                         const char *before, const char *after)
{
    struct task_update_line *l = &u->lines[u->count++];
    l->member = member;
    l->kind = kind;
    put_value(l->before, sizeof(l->before), before ? before : "");
    put_value(l->after, sizeof(l->after), after ? after : "");
    return l;
}

/* Sets member m of the changes from the edit; false on out of memory. */
static bool take(struct fuota_task *changes, const struct fuota_task *edited,
                 const struct member *m)
{
    if (m->type == MEMBER_INT) {
        char *base = (char *)changes;
        *(bool *)(void *)(base + m->has) = true;
        *(int32_t *)(void *)(base + m->val) = *val_at(edited, m);
        return true;
    }
    char *copy = strdup(*str_at(edited, m));
    if (!copy)
        return false;
    *(char **)(void *)((char *)changes + m->str) = copy;
    if (m->str == offsetof(struct fuota_task, rf_region))
        changes->has_lorawan = true;
    return true;
}

bool task_update_diff(const struct fuota_task *current,
                      const struct fuota_task *edited, struct task_update *out)
{
    memset(out, 0, sizeof(*out));
    task_init(&out->changes);
    for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
        const struct member *m = &members[i];
        char nb[16], na[16];
        const char *before = value_of(current, m, nb, sizeof(nb));
        const char *after = value_of(edited, m, na, sizeof(na));
        if (!after) {
            if (before)
                add_line(out, m->name, TASK_UPDATE_KEPT, before, before);
            continue;
        }
        if (before && strcmp(before, after) == 0)
            continue;
        if (!take(&out->changes, edited, m)) {
            task_update_cleanup(out);
            return false;
        }
        add_line(out, m->name, TASK_UPDATE_CHANGED, before, after);
        out->changed++;
    }
    if (edited->client_request_token)
        add_line(out, "ClientRequestToken", TASK_UPDATE_NOT_SENT, NULL,
                 edited->client_request_token);
    if (edited->tag_count) {
        char n[32];
        snprintf(n, sizeof(n), "%zu tag%s", edited->tag_count,
                 edited->tag_count == 1 ? "" : "s");
        add_line(out, "Tags", TASK_UPDATE_NOT_SENT, NULL, n);
    }
    return true;
}

void task_update_cleanup(struct task_update *u)
{
    if (!u)
        return;
    task_cleanup(&u->changes);
    memset(u, 0, sizeof(*u));
    task_init(&u->changes);
}
