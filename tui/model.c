#include "tui/model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "core/region.h"

static const struct {
    const char *label, *path;
    enum model_group group;
    enum model_kind kind;
    int width;
} fields[] = {
#define X(id, label, path, group, kind, width)                                 \
    [id] = { label, path, group, kind, width },
    MODEL_FIELDS(X)
#undef X
};

static const char *const group_titles[] = {
#define X(id, title) [id] = title,
    MODEL_GROUPS(X)
#undef X
};

#define DRAFT_FORMAT "fuota-draft-1"

static bool valid_field(enum model_field f)
{
    return f >= 0 && f < MODEL_FIELD_COUNT;
}

const char *model_field_label(enum model_field f)
{
    return valid_field(f) ? fields[f].label : "";
}

const char *model_field_path(enum model_field f)
{
    return valid_field(f) ? fields[f].path : "";
}

enum model_group model_field_group(enum model_field f)
{
    return valid_field(f) ? fields[f].group : GROUP_TASK;
}

enum model_kind model_field_kind(enum model_field f)
{
    return valid_field(f) ? fields[f].kind : MODEL_TEXT;
}

int model_field_width(enum model_field f)
{
    return valid_field(f) ? fields[f].width : 0;
}

const char *model_group_title(enum model_group g)
{
    return g >= 0 && g < MODEL_GROUP_COUNT ? group_titles[g] : "";
}

enum model_field model_field_for_path(const char *path)
{
    if (!path || !*path)
        return MODEL_NO_FIELD;
    if (strncmp(path, "Tags", 4) == 0 && (path[4] == '\0' || path[4] == '['))
        return F_TAGS;
    if (strcmp(path, "LoRaWAN") == 0 || strncmp(path, "LoRaWAN.", 8) == 0)
        return F_REGION;
    for (int f = 0; f < MODEL_FIELD_COUNT; f++)
        if (strcmp(path, fields[f].path) == 0)
            return (enum model_field)f;
    return MODEL_NO_FIELD;
}

void model_init(struct model *m)
{
    memset(m, 0, sizeof(*m));
    m->dr = -1;
    task_init(&m->task);
    diag_list_init(&m->diags);
    diag_list_init(&m->loaded);
}

static void free_tags(struct model *m)
{
    for (size_t i = 0; i < m->tag_count; i++) {
        free(m->tags[i].key);
        free(m->tags[i].value);
    }
    free(m->tags);
    m->tags = NULL;
    m->tag_count = 0;
}

void model_cleanup(struct model *m)
{
    if (!m)
        return;
    for (int f = 0; f < MODEL_FIELD_COUNT; f++)
        free(m->text[f]);
    free(m->region);
    free(m->path);
    free(m->update_id);
    task_cleanup(&m->update_base);
    free_tags(m);
    task_cleanup(&m->task);
    diag_list_cleanup(&m->diags);
    diag_list_cleanup(&m->loaded);
    memset(m, 0, sizeof(*m));
}

const char *model_text(const struct model *m, enum model_field f)
{
    if (!valid_field(f) || !m->text[f])
        return "";
    return m->text[f];
}

static void changed(struct model *m)
{
    m->dirty = true;
    m->version++;
}

/* Editing a field retires what its loaded document said about it. */
static void forget_loaded(struct model *m, enum model_field f)
{
    size_t keep = 0;
    for (size_t i = 0; i < m->loaded.count; i++)
        if (model_field_for_path(m->loaded.items[i].path) != f)
            m->loaded.items[keep++] = m->loaded.items[i];
    m->loaded.count = keep;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

bool model_set_text(struct model *m, enum model_field f, const char *text)
{
    if (!valid_field(f) || !text)
        return false;
    enum model_kind k = fields[f].kind;
    if (k != MODEL_TEXT && k != MODEL_INT)
        return false;
    if (k == MODEL_INT &&
        (strlen(text) > MODEL_INT_DIGITS || (*text && !all_digits(text))))
        return false;
    long chars = task_utf8_length(text, strlen(text));
    if (chars > MODEL_TEXT_MAX ||
        (chars < 0 && strlen(text) > 4 * MODEL_TEXT_MAX))
        return false;
    if (m->text[f] && strcmp(m->text[f], text) == 0)
        return true;
    char *copy = strdup(text);
    if (!copy)
        return false;
    free(m->text[f]);
    m->text[f] = copy;
    forget_loaded(m, f);
    changed(m);
    return true;
}

static bool dr_offered(const struct model *m, int dr)
{
    int drs[32];
    size_t n = model_dr_choices(m, drs, sizeof(drs) / sizeof(drs[0]));
    for (size_t i = 0; i < n; i++)
        if (drs[i] == dr)
            return true;
    return false;
}

bool model_set_region(struct model *m, const char *region)
{
    if ((!region && !m->region) ||
        (region && m->region && strcmp(region, m->region) == 0))
        return true;
    char *copy = NULL;
    if (region && !(copy = strdup(region)))
        return false;
    free(m->region);
    m->region = copy;
    if (m->dr >= 0 && !dr_offered(m, m->dr))
        m->dr = -1;
    forget_loaded(m, F_REGION);
    changed(m);
    return true;
}

void model_set_dr(struct model *m, int dr)
{
    if (dr < 0)
        dr = -1;
    if (m->dr == dr)
        return;
    m->dr = dr;
    forget_loaded(m, F_PLAN_DR);
    changed(m);
}

bool model_set_tag(struct model *m, size_t i, const char *key,
                   const char *value)
{
    if (i > m->tag_count || (i == m->tag_count && i >= TASK_TAGS_MAX))
        return false;
    char *k = strdup(key ? key : "");
    char *v = strdup(value ? value : "");
    if (!k || !v) {
        free(k);
        free(v);
        return false;
    }
    if (i == m->tag_count) {
        struct fuota_tag *t = realloc(m->tags, (m->tag_count + 1) * sizeof(*t));
        if (!t) {
            free(k);
            free(v);
            return false;
        }
        m->tags = t;
        m->tag_count++;
    } else {
        free(m->tags[i].key);
        free(m->tags[i].value);
    }
    m->tags[i].key = k;
    m->tags[i].value = v;
    m->has_tags = true;
    forget_loaded(m, F_TAGS);
    changed(m);
    return true;
}

void model_remove_tag(struct model *m, size_t i)
{
    if (i >= m->tag_count)
        return;
    free(m->tags[i].key);
    free(m->tags[i].value);
    memmove(&m->tags[i], &m->tags[i + 1],
            (m->tag_count - i - 1) * sizeof(m->tags[0]));
    m->tag_count--;
    forget_loaded(m, F_TAGS);
    changed(m);
}

static bool set_raw(struct model *m, enum model_field f, const char *s)
{
    char *copy = strdup(s ? s : "");
    if (!copy)
        return false;
    free(m->text[f]);
    m->text[f] = copy;
    return true;
}

static bool set_int_raw(struct model *m, enum model_field f, bool has,
                        int32_t v)
{
    char buf[16] = "";
    if (has)
        snprintf(buf, sizeof(buf), "%d", (int)v);
    return set_raw(m, f, buf);
}

bool model_load_task(struct model *m, const struct fuota_task *t,
                     const struct diag_list *loaded)
{
    bool ok = set_raw(m, F_NAME, t->name) &&
              set_raw(m, F_DESCRIPTION, t->description) &&
              set_raw(m, F_TOKEN, t->client_request_token) &&
              set_raw(m, F_IMAGE, t->firmware_update_image) &&
              set_raw(m, F_ROLE, t->firmware_update_role) &&
              set_raw(m, F_DESCRIPTOR, t->descriptor) &&
              set_int_raw(m, F_FRAGMENT_SIZE, t->has_fragment_size_bytes,
                          t->fragment_size_bytes) &&
              set_int_raw(m, F_REDUNDANCY, t->has_redundancy_percent,
                          t->redundancy_percent) &&
              set_int_raw(m, F_INTERVAL, t->has_fragment_interval_ms,
                          t->fragment_interval_ms);
    if (!ok)
        return false;
    char *region = t->rf_region ? strdup(t->rf_region) : NULL;
    if (t->rf_region && !region)
        return false;
    free(m->region);
    m->region = region;
    m->has_lorawan = t->has_lorawan;
    free_tags(m);
    if (t->tag_count) {
        m->tags = calloc(t->tag_count, sizeof(*m->tags));
        if (!m->tags)
            return false;
        for (size_t i = 0; i < t->tag_count; i++) {
            m->tags[i].key = strdup(t->tags[i].key ? t->tags[i].key : "");
            m->tags[i].value = strdup(t->tags[i].value ? t->tags[i].value : "");
            m->tag_count = i + 1;
            if (!m->tags[i].key || !m->tags[i].value)
                return false;
        }
    }
    m->has_tags = t->has_tags;
    diag_list_clear(&m->loaded);
    if (loaded)
        for (size_t i = 0; i < loaded->count; i++) {
            const struct diag *d = &loaded->items[i];
            diag_add(&m->loaded, d->severity, d->path, d->rule, "%s",
                     d->message);
        }
    m->version++;
    m->dirty = false;
    return true;
}

bool model_begin_update(struct model *m, const char *id,
                        const struct fuota_task *task)
{
    char *copy = strdup(id);
    struct fuota_task base;
    if (!copy || !task_copy(&base, task)) {
        free(copy);
        return false;
    }
    if (!model_load_task(m, task, NULL)) {
        free(copy);
        task_cleanup(&base);
        return false;
    }
    free(m->update_id);
    m->update_id = copy;
    task_cleanup(&m->update_base);
    m->update_base = base;
    return true;
}

bool model_update_diff(const struct model *m, struct task_update *out)
{
    if (!m->update_id) {
        memset(out, 0, sizeof(*out));
        return false;
    }
    return task_update_diff(&m->update_base, &m->task, out);
}

bool model_set_path(struct model *m, const char *path)
{
    char *copy = path ? strdup(path) : NULL;
    if (path && !copy)
        return false;
    free(m->path);
    m->path = copy;
    return true;
}

void model_mark_saved(struct model *m)
{
    m->dirty = false;
}

/* --- refresh --------------------------------------------------------------
 */

static char *dup_or_null(const char *s)
{
    return s && *s ? strdup(s) : NULL;
}

static void read_int(struct model *m, enum model_field f, bool *has,
                     int32_t *out)
{
    const char *s = model_text(m, f);
    *has = false;
    if (!*s)
        return;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v > INT32_MAX) {
        diag_add(&m->diags, DIAG_ERROR, fields[f].path, "int32",
                 "%s is outside the 32-bit integer range %d..%d", s,
                 (int)INT32_MIN, (int)INT32_MAX);
        return;
    }
    *has = true;
    *out = (int32_t)v;
}

static void build_task(struct model *m)
{
    struct fuota_task *t = &m->task;
    task_cleanup(t);
    t->name = dup_or_null(model_text(m, F_NAME));
    t->description = dup_or_null(model_text(m, F_DESCRIPTION));
    t->client_request_token = dup_or_null(model_text(m, F_TOKEN));
    t->firmware_update_image = dup_or_null(model_text(m, F_IMAGE));
    t->firmware_update_role = dup_or_null(model_text(m, F_ROLE));
    t->descriptor = dup_or_null(model_text(m, F_DESCRIPTOR));
    read_int(m, F_FRAGMENT_SIZE, &t->has_fragment_size_bytes,
             &t->fragment_size_bytes);
    read_int(m, F_REDUNDANCY, &t->has_redundancy_percent,
             &t->redundancy_percent);
    read_int(m, F_INTERVAL, &t->has_fragment_interval_ms,
             &t->fragment_interval_ms);
    t->rf_region = m->region ? strdup(m->region) : NULL;
    t->has_lorawan = m->has_lorawan || m->region;
    t->has_tags = m->has_tags || m->tag_count;
    if (m->tag_count) {
        t->tags = calloc(m->tag_count, sizeof(*t->tags));
        if (t->tags) {
            for (size_t i = 0; i < m->tag_count; i++) {
                t->tags[i].key = strdup(m->tags[i].key);
                t->tags[i].value = strdup(m->tags[i].value);
            }
            t->tag_count = m->tag_count;
        }
    }
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The planning image: a size in bytes, or a file whose size is read. */
static void read_image(struct model *m)
{
    const char *s = model_text(m, F_PLAN_IMAGE);
    m->image_known = false;
    m->image_bytes = 0;
    m->image_name[0] = '\0';
    if (!*s)
        return;
    if (all_digits(s)) {
        errno = 0;
        unsigned long long v = strtoull(s, NULL, 10);
        if (errno || v == 0 || v > PLAN_IMAGE_MAX) {
            diag_add(&m->diags, DIAG_ERROR, "image", "image-size",
                     "an image size is 1..%llu bytes (1 GiB)",
                     (unsigned long long)PLAN_IMAGE_MAX);
            return;
        }
        m->image_known = true;
        m->image_bytes = v;
        return;
    }
    struct stat st;
    if (stat(s, &st) != 0) {
        diag_add(&m->diags, DIAG_ERROR, "image", "image-file",
                 "%s: %s (give a file or a size in bytes)", base_name(s),
                 strerror(errno));
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        diag_add(&m->diags, DIAG_ERROR, "image", "image-file",
                 "%s: is a directory", base_name(s));
        return;
    }
    if (!S_ISREG(st.st_mode)) {
        diag_add(&m->diags, DIAG_ERROR, "image", "image-file",
                 "%s: not a regular file", base_name(s));
        return;
    }
    if (st.st_size <= 0 || (uint64_t)st.st_size > PLAN_IMAGE_MAX) {
        diag_add(&m->diags, DIAG_ERROR, "image", "image-size",
                 "%s: %s (an image is 1..%llu bytes)", base_name(s),
                 st.st_size <= 0 ? "empty" : "larger than 1 GiB",
                 (unsigned long long)PLAN_IMAGE_MAX);
        return;
    }
    m->image_known = true;
    m->image_bytes = (uint64_t)st.st_size;
    snprintf(m->image_name, sizeof(m->image_name), "%s", base_name(s));
}

void model_refresh(struct model *m)
{
    diag_list_clear(&m->diags);
    for (size_t i = 0; i < m->loaded.count; i++) {
        const struct diag *d = &m->loaded.items[i];
        diag_add(&m->diags, d->severity, d->path, d->rule, "%s", d->message);
    }
    build_task(m);
    task_validate(&m->task, &m->diags);
    read_image(m);

    bool has_loss = false;
    int32_t loss = 0;
    read_int(m, F_PLAN_LOSS, &has_loss, &loss);
    if (has_loss && loss > 100) {
        diag_add(&m->diags, DIAG_ERROR, "loss", "max",
                 "%d %% is above the maximum 100 %%", (int)loss);
        has_loss = false;
    }

    m->planned = false;
    memset(&m->plan, 0, sizeof(m->plan));
    m->plan_status = PLAN_OK;
    if (!m->image_known)
        return;
    struct plan_input in = {
        .task = &m->task,
        .image_bytes = m->image_bytes,
        .dr = m->dr,
        .has_expected_loss = has_loss,
        .expected_loss_percent = loss,
    };
    m->plan_status = plan_compute(&in, &m->plan, &m->diags);
    m->planned = m->plan_status == PLAN_OK;
    if (m->plan_status == PLAN_BAD_DR)
        diag_add(&m->diags, DIAG_ERROR, "dr", "dr",
                 "the region has no downlink DR%d", m->dr);
}

const struct diag *model_field_diag(const struct model *m, enum model_field f)
{
    const struct diag *best = NULL;
    for (size_t i = 0; i < m->diags.count; i++) {
        const struct diag *d = &m->diags.items[i];
        if (model_field_for_path(d->path) != f)
            continue;
        if (!best || d->severity < best->severity)
            best = d;
    }
    return best;
}

size_t model_dr_choices(const struct model *m, int *drs, size_t max)
{
    const struct region *r = m->region ? region_find(m->region) : NULL;
    size_t n = 0;
    if (!r)
        return 0;
    for (size_t i = 0; i < r->dr_count && n < max; i++)
        if (region_dr_carries_fragments(&r->drs[i]))
            drs[n++] = r->drs[i].dr;
    return n;
}

bool model_is_empty(const struct model *m)
{
    for (int f = 0; f < MODEL_FIELD_COUNT; f++)
        if (m->text[f] && m->text[f][0])
            return false;
    return !m->region && !m->tag_count && m->dr < 0;
}

/* --- draft ------------------------------------------------------------- */

char *model_to_draft(const struct model *m)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *flds = cJSON_AddObjectToObject(root, "fields");
    cJSON_AddStringToObject(root, "format", DRAFT_FORMAT);
    for (int f = 0; f < MODEL_FIELD_COUNT; f++)
        if (m->text[f] && m->text[f][0])
            cJSON_AddStringToObject(flds, fields[f].path, m->text[f]);
    if (m->region)
        cJSON_AddStringToObject(root, "region", m->region);
    cJSON_AddBoolToObject(root, "lorawan", m->has_lorawan);
    cJSON_AddNumberToObject(root, "dr", m->dr);
    cJSON *tags = cJSON_AddArrayToObject(root, "tags");
    for (size_t i = 0; i < m->tag_count; i++) {
        cJSON *t = cJSON_CreateArray();
        cJSON_AddItemToArray(t, cJSON_CreateString(m->tags[i].key));
        cJSON_AddItemToArray(t, cJSON_CreateString(m->tags[i].value));
        cJSON_AddItemToArray(tags, t);
    }
    cJSON_AddBoolToObject(root, "has_tags", m->has_tags);
    if (m->path)
        cJSON_AddStringToObject(root, "file", m->path);
    cJSON_AddBoolToObject(root, "dirty", m->dirty);
    char *out = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return out;
}

static const char *str_member(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

bool model_from_draft(struct model *m, const char *json, size_t len)
{
    cJSON *root = cJSON_ParseWithLength(json, len);
    const char *format = str_member(root, "format");
    if (!root || !format || strcmp(format, DRAFT_FORMAT) != 0) {
        cJSON_Delete(root);
        return false;
    }
    struct model n;
    model_init(&n);
    bool ok = true;
    const cJSON *flds = cJSON_GetObjectItemCaseSensitive(root, "fields");
    for (int f = 0; f < MODEL_FIELD_COUNT && ok; f++) {
        const char *s = str_member(flds, fields[f].path);
        if (s && (fields[f].kind == MODEL_TEXT || fields[f].kind == MODEL_INT))
            ok = model_set_text(&n, (enum model_field)f, s);
    }
    const char *region = str_member(root, "region");
    if (ok && region)
        ok = model_set_region(&n, region);
    n.has_lorawan =
        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "lorawan"));
    const cJSON *tags = cJSON_GetObjectItemCaseSensitive(root, "tags");
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        if (!ok)
            break;
        const cJSON *k = cJSON_GetArrayItem(t, 0);
        const cJSON *v = cJSON_GetArrayItem(t, 1);
        ok = cJSON_IsString(k) && cJSON_IsString(v) &&
             model_set_tag(&n, n.tag_count, k->valuestring, v->valuestring);
    }
    n.has_tags =
        n.tag_count ||
        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "has_tags"));
    const cJSON *dr = cJSON_GetObjectItemCaseSensitive(root, "dr");
    if (cJSON_IsNumber(dr) && dr->valuedouble >= 0 && dr->valuedouble < 64)
        n.dr = (int)dr->valuedouble;
    const char *file = str_member(root, "file");
    if (ok && file)
        ok = model_set_path(&n, file);
    n.dirty = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "dirty"));
    cJSON_Delete(root);
    if (!ok) {
        model_cleanup(&n);
        return false;
    }
    model_cleanup(m);
    *m = n;
    m->version++;
    return true;
}
