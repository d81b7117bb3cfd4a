#include "core/task.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "core/json_out.h"
#include "core/json_scan.h"

const char *const task_rf_regions[] = {
    "EU868", "US915", "AU915", "AS923-1", "AS923-2", "AS923-3", "AS923-4",
    "EU433", "CN470", "CN779", "RU864",   "KR920",   "IN865",
};
const size_t task_rf_region_count =
    sizeof(task_rf_regions) / sizeof(task_rf_regions[0]);

bool task_rf_region_valid(const char *region)
{
    if (!region)
        return false;
    for (size_t i = 0; i < task_rf_region_count; i++)
        if (strcmp(region, task_rf_regions[i]) == 0)
            return true;
    return false;
}

/* ---- struct life cycle ------------------------------------------------ */

void task_init(struct fuota_task *task)
{
    memset(task, 0, sizeof(*task));
}

void task_cleanup(struct fuota_task *task)
{
    if (!task)
        return;
    free(task->firmware_update_image);
    free(task->firmware_update_role);
    free(task->client_request_token);
    free(task->name);
    free(task->description);
    free(task->descriptor);
    free(task->rf_region);
    for (size_t i = 0; i < task->tag_count; i++) {
        free(task->tags[i].key);
        free(task->tags[i].value);
    }
    free(task->tags);
    task_init(task);
}

static bool copy_str(char **dst, const char *src)
{
    *dst = NULL;
    if (!src)
        return true;
    *dst = strdup(src);
    return *dst != NULL;
}

bool task_copy(struct fuota_task *dst, const struct fuota_task *src)
{
    task_init(dst);
    bool ok =
        copy_str(&dst->firmware_update_image, src->firmware_update_image) &&
        copy_str(&dst->firmware_update_role, src->firmware_update_role) &&
        copy_str(&dst->client_request_token, src->client_request_token) &&
        copy_str(&dst->name, src->name) &&
        copy_str(&dst->description, src->description) &&
        copy_str(&dst->descriptor, src->descriptor) &&
        copy_str(&dst->rf_region, src->rf_region);
    dst->has_fragment_interval_ms = src->has_fragment_interval_ms;
    dst->fragment_interval_ms = src->fragment_interval_ms;
    dst->has_fragment_size_bytes = src->has_fragment_size_bytes;
    dst->fragment_size_bytes = src->fragment_size_bytes;
    dst->has_redundancy_percent = src->has_redundancy_percent;
    dst->redundancy_percent = src->redundancy_percent;
    dst->has_lorawan = src->has_lorawan;
    dst->has_tags = src->has_tags;
    if (ok && src->tag_count) {
        dst->tags = calloc(src->tag_count, sizeof(*dst->tags));
        ok = dst->tags != NULL;
        for (size_t i = 0; ok && i < src->tag_count; i++) {
            dst->tag_count = i + 1;
            ok = copy_str(&dst->tags[i].key, src->tags[i].key) &&
                 copy_str(&dst->tags[i].value, src->tags[i].value);
        }
    }
    if (!ok)
        task_cleanup(dst);
    return ok;
}

static bool str_equal(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

bool task_equal(const struct fuota_task *a, const struct fuota_task *b)
{
    if (!str_equal(a->firmware_update_image, b->firmware_update_image) ||
        !str_equal(a->firmware_update_role, b->firmware_update_role) ||
        !str_equal(a->client_request_token, b->client_request_token) ||
        !str_equal(a->name, b->name) ||
        !str_equal(a->description, b->description) ||
        !str_equal(a->descriptor, b->descriptor) ||
        !str_equal(a->rf_region, b->rf_region))
        return false;
    if (a->has_fragment_interval_ms != b->has_fragment_interval_ms ||
        (a->has_fragment_interval_ms &&
         a->fragment_interval_ms != b->fragment_interval_ms))
        return false;
    if (a->has_fragment_size_bytes != b->has_fragment_size_bytes ||
        (a->has_fragment_size_bytes &&
         a->fragment_size_bytes != b->fragment_size_bytes))
        return false;
    if (a->has_redundancy_percent != b->has_redundancy_percent ||
        (a->has_redundancy_percent &&
         a->redundancy_percent != b->redundancy_percent))
        return false;
    if (a->has_lorawan != b->has_lorawan || a->has_tags != b->has_tags ||
        a->tag_count != b->tag_count)
        return false;
    for (size_t i = 0; i < a->tag_count; i++)
        if (!str_equal(a->tags[i].key, b->tags[i].key) ||
            !str_equal(a->tags[i].value, b->tags[i].value))
            return false;
    return true;
}

/* ---- UTF-8 -------------------------------------------------------------- */

/*
 * Length of the well-formed UTF-8 sequence at s (1..4), or 0 with *why set.
 * Strict (RFC 3629): no overlong forms, no surrogates, nothing above
 * U+10FFFF.
 */
static size_t utf8_seq(const unsigned char *s, size_t n, const char **why)
{
    unsigned char c = s[0];
    size_t need;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0x80)
        return 1;
    if (c >= 0x80 && c <= 0xBF) {
        *why = "a continuation byte without a lead byte";
        return 0;
    }
    if (c == 0xC0 || c == 0xC1) {
        *why = "an overlong encoding";
        return 0;
    }
    if (c >= 0xF5) {
        *why = c >= 0xF8 ? "a byte that never appears in UTF-8"
                         : "a code point above U+10FFFF";
        return 0;
    }
    if (c < 0xE0) {
        need = 1;
    } else if (c < 0xF0) {
        need = 2;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F;
    } else {
        need = 3;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    }
    for (size_t i = 1; i <= need; i++) {
        if (i >= n || (s[i] & 0xC0) != 0x80) {
            *why = "a truncated sequence";
            return 0;
        }
        if (i == 1 && (s[1] < lo || s[1] > hi)) {
            *why = c == 0xED   ? "a UTF-16 surrogate"
                   : c == 0xF4 ? "a code point above U+10FFFF"
                               : "an overlong encoding";
            return 0;
        }
    }
    return need + 1;
}

/* Offset of the first ill-formed byte and why, or false when well formed. */
static bool utf8_problem(const char *s, size_t len, size_t *offset,
                         const char **why)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t n = utf8_seq(u + i, len - i, why);
        if (n == 0) {
            *offset = i;
            return true;
        }
        i += n;
    }
    return false;
}

long task_utf8_length(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    const char *why = "";
    size_t i = 0;
    long count = 0;
    while (i < len) {
        size_t n = utf8_seq(u + i, len - i, &why);
        if (n == 0)
            return -1;
        i += n;
        count++;
    }
    return count;
}

/*
 * A string made safe to quote in a message: at most max_chars characters,
 * control characters and ill-formed bytes as \xNN, "..." when cut.
 */
static const char *shown(const char *s, size_t len, size_t max_chars, char *buf,
                         size_t size)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t o = 0, i = 0, chars = 0;
    const char *why = "";
    buf[0] = '\0';
    while (i < len && o + 8 < size) {
        if (chars == max_chars) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        size_t n = utf8_seq(u + i, len - i, &why);
        if (n == 0 || u[i] < 0x20 || u[i] == 0x7F) {
            o += (size_t)snprintf(buf + o, size - o, "\\x%02X", u[i]);
            i++;
        } else {
            if (o + n + 1 >= size)
                break;
            memcpy(buf + o, s + i, n);
            o += n;
            i += n;
        }
        chars++;
    }
    buf[o] = '\0';
    return buf;
}

/* ---- diagnostics ----------------------------------------------------------
 */

static void add(struct diag_list *diags, enum diag_severity sev,
                const char *path, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void add(struct diag_list *diags, enum diag_severity sev,
                const char *path, const char *rule, const char *fmt, ...)
{
    if (diags->count >= TASK_DIAGS_MAX) {
        if (diags->count == TASK_DIAGS_MAX)
            diag_add(diags, DIAG_NOTE, "", "too-many",
                     "more than %d problems; the rest are not listed",
                     TASK_DIAGS_MAX);
        return;
    }
    char msg[DIAG_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    diag_add(diags, sev, path, rule, "%s", msg);
}

/* True when an error is already listed for path or one of its parents. */
static bool reported(const struct diag_list *diags, const char *path)
{
    size_t plen = strlen(path);
    for (size_t i = 0; i < diags->count; i++) {
        const struct diag *d = &diags->items[i];
        size_t dlen = strlen(d->path);
        /* Too many items says nothing about one item. */
        if (d->severity != DIAG_ERROR || dlen > plen || dlen == 0 ||
            strcmp(d->rule, "max-items") == 0)
            continue;
        if (memcmp(d->path, path, dlen) == 0 &&
            (path[dlen] == '\0' || path[dlen] == '.' || path[dlen] == '['))
            return true;
    }
    return false;
}

/* ---- reading JSON ----------------------------------------------------------
 */

#define TASK_MEMBERS(X)                                                        \
    X(M_NAME, "Name")                                                          \
    X(M_DESCRIPTION, "Description")                                            \
    X(M_TOKEN, "ClientRequestToken")                                           \
    X(M_LORAWAN, "LoRaWAN")                                                    \
    X(M_IMAGE, "FirmwareUpdateImage")                                          \
    X(M_ROLE, "FirmwareUpdateRole")                                            \
    X(M_TAGS, "Tags")                                                          \
    X(M_REDUNDANCY, "RedundancyPercent")                                       \
    X(M_SIZE, "FragmentSizeBytes")                                             \
    X(M_INTERVAL, "FragmentIntervalMS")                                        \
    X(M_DESCRIPTOR, "Descriptor")

enum task_member {
#define X(id, name) id,
    TASK_MEMBERS(X)
#undef X
        M_COUNT
};

static const char *const member_names[] = {
#define X(id, name) [id] = name,
    TASK_MEMBERS(X)
#undef X
};

#define SHOWN_MAX 40
#define SHOWN_BUF (SHOWN_MAX * 4 + 16)

struct reader {
    const char *text;
    size_t len;
    const struct json_scan *scan;
    size_t cursor; /* index of the next number literal in scan->numbers */
    bool nomem;
    struct diag_list *diags;
};

/* Numbers inside v: the literals a skipped value consumes. */
static size_t count_numbers(const cJSON *v)
{
    if (cJSON_IsNumber(v))
        return 1;
    size_t n = 0;
    if (cJSON_IsArray(v) || cJSON_IsObject(v))
        for (const cJSON *c = v->child; c; c = c->next)
            n += count_numbers(c);
    return n;
}

static void skip(struct reader *rd, const cJSON *v)
{
    rd->cursor += count_numbers(v);
}

/*
 * The literal of number item v, which must be the next number in document
 * order; NULL when the scan and the tree disagree (then the double is used).
 */
static const struct json_scan_number *number_literal(struct reader *rd,
                                                     const cJSON *v)
{
    if (rd->cursor >= rd->scan->number_count)
        return NULL;
    const struct json_scan_number *n = &rd->scan->numbers[rd->cursor];
    char tmp[JSON_SCAN_NUMBER_MAX + 1];
    if (n->len > JSON_SCAN_NUMBER_MAX)
        return NULL;
    memcpy(tmp, rd->text + n->offset, n->len);
    tmp[n->len] = '\0';
    if (strtod(tmp, NULL) != v->valuedouble)
        return NULL;
    return n;
}

/* "a string 'abc'", "a number 5", "an array", ... for type errors. */
static const char *describe(struct reader *rd, const cJSON *v, char *buf,
                            size_t size)
{
    char tmp[SHOWN_BUF];
    if (cJSON_IsString(v)) {
        snprintf(buf, size, "a string '%s'",
                 shown(v->valuestring, strlen(v->valuestring), SHOWN_MAX, tmp,
                       sizeof(tmp)));
    } else if (cJSON_IsNumber(v)) {
        const struct json_scan_number *n = number_literal(rd, v);
        if (n)
            snprintf(buf, size, "a number %s",
                     shown(rd->text + n->offset, n->len, SHOWN_MAX, tmp,
                           sizeof(tmp)));
        else
            snprintf(buf, size, "a number %g", v->valuedouble);
    } else if (cJSON_IsBool(v)) {
        snprintf(buf, size, "a boolean %s", cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsArray(v)) {
        snprintf(buf, size, "an array");
    } else if (cJSON_IsObject(v)) {
        snprintf(buf, size, "an object");
    } else {
        snprintf(buf, size, "null");
    }
    return buf;
}

static void type_error(struct reader *rd, const cJSON *v, const char *path,
                       const char *expected)
{
    char what[SHOWN_BUF + 32];
    if (cJSON_IsNull(v)) {
        add(rd->diags, DIAG_ERROR, path, "null",
            "null is not allowed; leave the member out to leave it unset");
        return;
    }
    add(rd->diags, DIAG_ERROR, path, "type", "expected %s, got %s", expected,
        describe(rd, v, what, sizeof(what)));
    skip(rd, v);
}

static void read_string(struct reader *rd, const cJSON *v, const char *path,
                        char **dst)
{
    if (!cJSON_IsString(v)) {
        type_error(rd, v, path, "a string");
        return;
    }
    char *s = strdup(v->valuestring);
    if (!s) {
        rd->nomem = true;
        return;
    }
    free(*dst);
    *dst = s;
}

static void read_int(struct reader *rd, const cJSON *v, const char *path,
                     bool *has, int32_t *dst)
{
    if (!cJSON_IsNumber(v)) {
        type_error(rd, v, path, "an integer");
        return;
    }
    const struct json_scan_number *n = number_literal(rd, v);
    rd->cursor++;
    char lit[SHOWN_BUF];
    long long value;
    bool integral;
    if (n) {
        const char *s = rd->text + n->offset;
        char tmp[JSON_SCAN_NUMBER_MAX + 1];
        shown(s, n->len, SHOWN_MAX, lit, sizeof(lit));
        integral = !memchr(s, '.', n->len) && !memchr(s, 'e', n->len) &&
                   !memchr(s, 'E', n->len);
        memcpy(tmp, s, n->len);
        tmp[n->len] = '\0';
        errno = 0;
        value = integral ? strtoll(tmp, NULL, 10) : 0;
        if (integral && errno == ERANGE)
            value = tmp[0] == '-' ? INT64_MIN : INT64_MAX;
    } else {
        double d = v->valuedouble;
        snprintf(lit, sizeof(lit), "%.17g", d);
        integral = floor(d) == d;
        value = !integral     ? 0
                : d < -9.2e18 ? INT64_MIN
                : d > 9.2e18  ? INT64_MAX
                              : (long long)d;
    }
    if (!integral) {
        add(rd->diags, DIAG_ERROR, path, "integer",
            "%s is not an integer: write it without a fraction or exponent "
            "(the AWS CLI refuses a number with a fraction or exponent for an "
            "integer parameter)",
            lit);
        return;
    }
    if (value < INT32_MIN || value > INT32_MAX) {
        add(rd->diags, DIAG_ERROR, path, "int32",
            "%s is outside the 32-bit integer range %d..%d", lit,
            (int)INT32_MIN, (int)INT32_MAX);
        return;
    }
    *has = true;
    *dst = (int32_t)value;
}

/* dst = a sep b, cut to fit (paths are at most DIAG_PATH_MAX anyway). */
static void join(char *dst, size_t size, const char *a, const char *sep,
                 const char *b)
{
    const char *parts[3] = { a, sep, b };
    size_t o = 0;
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(parts[i]);
        if (n > size - 1 - o)
            n = size - 1 - o;
        memcpy(dst + o, parts[i], n);
        o += n;
    }
    dst[o] = '\0';
}

static const char *key_shown(const cJSON *c, char *buf, size_t size)
{
    const char *k = c->string ? c->string : "";
    return shown(k, strlen(k), SHOWN_MAX, buf, size);
}

static void unknown_member(struct reader *rd, const char *parent,
                           const cJSON *c, const char *hint)
{
    char key[SHOWN_BUF], path[DIAG_PATH_MAX];
    key_shown(c, key, sizeof(key));
    join(path, sizeof(path), parent, parent[0] ? "." : "", key);
    add(rd->diags, DIAG_ERROR, path, "unknown-member",
        "unknown member '%s' (the AWS CLI refuses it); %s", key, hint);
    skip(rd, c);
}

static void duplicate_member(struct reader *rd, const char *path)
{
    add(rd->diags, DIAG_ERROR, path, "duplicate-member",
        "the member appears more than once; JSON readers disagree on which "
        "one counts (fuota, like the AWS CLI, reads the last)");
}

static void read_lorawan(struct reader *rd, const cJSON *v,
                         struct fuota_task *task)
{
    if (!cJSON_IsObject(v)) {
        type_error(rd, v, "LoRaWAN", "an object");
        return;
    }
    task->has_lorawan = true;
    bool seen = false;
    for (const cJSON *c = v->child; c; c = c->next) {
        if (c->string && strcmp(c->string, "RfRegion") == 0) {
            if (seen)
                duplicate_member(rd, "LoRaWAN.RfRegion");
            seen = true;
            read_string(rd, c, "LoRaWAN.RfRegion", &task->rf_region);
        } else {
            unknown_member(rd, "LoRaWAN", c,
                           c->string && strcasecmp(c->string, "RfRegion") == 0
                               ? "did you mean 'RfRegion'?"
                               : "LoRaWAN has only RfRegion");
        }
    }
}

static void read_tag(struct reader *rd, const cJSON *v, const char *path,
                     struct fuota_tag *tag)
{
    if (!cJSON_IsObject(v)) {
        type_error(rd, v, path, "an object {\"Key\": ..., \"Value\": ...}");
        return;
    }
    bool seen_key = false, seen_value = false;
    char sub[DIAG_PATH_MAX];
    for (const cJSON *c = v->child; c; c = c->next) {
        const char *k = c->string ? c->string : "";
        if (strcmp(k, "Key") == 0 || strcmp(k, "Value") == 0) {
            bool is_key = k[0] == 'K';
            bool *seen = is_key ? &seen_key : &seen_value;
            join(sub, sizeof(sub), path, ".", k);
            if (*seen)
                duplicate_member(rd, sub);
            *seen = true;
            read_string(rd, c, sub, is_key ? &tag->key : &tag->value);
        } else {
            unknown_member(rd, path, c,
                           strcasecmp(k, "Key") == 0 ? "did you mean 'Key'?"
                           : strcasecmp(k, "Value") == 0
                               ? "did you mean 'Value'?"
                               : "a tag has only Key "
                                 "and Value");
        }
    }
}

static void read_tags(struct reader *rd, const cJSON *v,
                      struct fuota_task *task)
{
    if (!cJSON_IsArray(v)) {
        type_error(rd, v, "Tags",
                   "an array of {\"Key\": ..., \"Value\": ...} objects");
        return;
    }
    /* A repeated Tags member replaces the earlier list. */
    for (size_t i = 0; i < task->tag_count; i++) {
        free(task->tags[i].key);
        free(task->tags[i].value);
    }
    free(task->tags);
    task->tags = NULL;
    task->tag_count = 0;
    task->has_tags = true;
    size_t n = 0;
    for (const cJSON *c = v->child; c; c = c->next)
        n++;
    if (n) {
        task->tags = calloc(n, sizeof(*task->tags));
        if (!task->tags) {
            rd->nomem = true;
            skip(rd, v);
            return;
        }
    }
    char path[DIAG_PATH_MAX];
    for (const cJSON *c = v->child; c; c = c->next) {
        snprintf(path, sizeof(path), "Tags[%zu]", task->tag_count);
        read_tag(rd, c, path, &task->tags[task->tag_count]);
        task->tag_count++;
    }
}

static const char *member_hint(const char *key, char *buf, size_t size)
{
    for (size_t m = 0; m < M_COUNT; m++)
        if (strcasecmp(key, member_names[m]) == 0) {
            snprintf(buf, size, "did you mean '%s'?", member_names[m]);
            return buf;
        }
    if (strcasecmp(key, "RfRegion") == 0)
        return "did you mean LoRaWAN.RfRegion, {\"LoRaWAN\": {\"RfRegion\": "
               "...}}?";
    size_t o = (size_t)snprintf(buf, size, "the members are");
    for (size_t m = 0; m < M_COUNT && o < size; m++)
        o += (size_t)snprintf(buf + o, size - o, "%s %s", m ? "," : "",
                              member_names[m]);
    return buf;
}

static void read_members(struct reader *rd, const cJSON *root,
                         struct fuota_task *task)
{
    bool seen[M_COUNT] = { false };
    char hint[256];
    for (const cJSON *c = root->child; c; c = c->next) {
        const char *k = c->string ? c->string : "";
        size_t m = 0;
        while (m < M_COUNT && strcmp(k, member_names[m]) != 0)
            m++;
        if (m == M_COUNT) {
            unknown_member(rd, "", c, member_hint(k, hint, sizeof(hint)));
            continue;
        }
        const char *path = member_names[m];
        if (seen[m])
            duplicate_member(rd, path);
        seen[m] = true;
        switch ((enum task_member)m) {
        case M_NAME:
            read_string(rd, c, path, &task->name);
            break;
        case M_DESCRIPTION:
            read_string(rd, c, path, &task->description);
            break;
        case M_TOKEN:
            read_string(rd, c, path, &task->client_request_token);
            break;
        case M_LORAWAN:
            read_lorawan(rd, c, task);
            break;
        case M_IMAGE:
            read_string(rd, c, path, &task->firmware_update_image);
            break;
        case M_ROLE:
            read_string(rd, c, path, &task->firmware_update_role);
            break;
        case M_TAGS:
            read_tags(rd, c, task);
            break;
        case M_REDUNDANCY:
            read_int(rd, c, path, &task->has_redundancy_percent,
                     &task->redundancy_percent);
            break;
        case M_SIZE:
            read_int(rd, c, path, &task->has_fragment_size_bytes,
                     &task->fragment_size_bytes);
            break;
        case M_INTERVAL:
            read_int(rd, c, path, &task->has_fragment_interval_ms,
                     &task->fragment_interval_ms);
            break;
        case M_DESCRIPTOR:
            read_string(rd, c, path, &task->descriptor);
            break;
        case M_COUNT:
            break;
        }
    }
}

/* "line L, column C (byte B)" of an offset. */
static const char *where(const char *text, size_t len, size_t offset, char *buf,
                         size_t size)
{
    size_t line, col;
    json_scan_position(text, len, offset, &line, &col);
    snprintf(buf, size, "line %zu, column %zu (byte %zu)", line, col, offset);
    return buf;
}

static void syntax_error(struct diag_list *diags, const char *text, size_t len,
                         size_t offset, const char *reason)
{
    char at[96], near[SHOWN_BUF];
    size_t n = len - offset < SHOWN_MAX ? len - offset : SHOWN_MAX;
    shown(text + offset, n, 16, near, sizeof(near));
    add(diags, DIAG_ERROR, "", "syntax", "%s at %s, near '%s'", reason,
        where(text, len, offset, at, sizeof(at)), near);
}

/*
 * Whether the failure at q looks like a forgotten comma: a value starts
 * right after one ended.
 */
static bool missing_comma(const char *text, size_t q)
{
    unsigned char c = (unsigned char)text[q];
    if (!(c == '"' || c == '{' || c == '[' || c == '-' ||
          (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n'))
        return false;
    size_t p = q;
    while (p > 0 && strchr(" \t\r\n", text[p - 1]))
        p--;
    if (p == 0 || p == q)
        return false;
    unsigned char b = (unsigned char)text[p - 1];
    return b == '"' || b == '}' || b == ']' || (b >= '0' && b <= '9') ||
           b == 'e' || b == 'l';
}

/* A failure cJSON reported at offset q. */
static void cjson_error(struct diag_list *diags, const char *text, size_t len,
                        const struct json_scan *scan, size_t q)
{
    char at[96], at2[96];
    if (scan->has_trailing && q >= scan->trailing_offset)
        syntax_error(diags, text, len, scan->trailing_offset,
                     "unexpected text after the JSON value");
    else if (q >= len && scan->unclosed)
        add(diags, DIAG_ERROR, "", "syntax",
            "unexpected end of the document at %s: the %s opened at %s is "
            "not closed",
            where(text, len, len, at, sizeof(at)),
            scan->unclosed == '{' ? "object" : "array",
            where(text, len, scan->unclosed_offset, at2, sizeof(at2)));
    else if (q >= len)
        add(diags, DIAG_ERROR, "", "syntax",
            "unexpected end of the document at %s: a value is missing",
            where(text, len, len, at, sizeof(at)));
    else
        syntax_error(diags, text, len, q,
                     missing_comma(text, q) ? "invalid JSON: a ',' is "
                                              "missing before this value"
                                            : "invalid JSON");
}

/*
 * An unpaired surrogate escape decodes to no character: the string has no
 * UTF-8 form to send. Named by member, like every value problem.
 */
static void surrogate_error(struct diag_list *diags, const char *text,
                            size_t len, const struct json_scan *scan)
{
    char at[96];
    size_t n = len - scan->error_offset < 6 ? len - scan->error_offset : 6;
    add(diags, DIAG_ERROR, scan->error_path, "surrogate",
        "'%.*s' at %s%s: %s; alone it encodes no character, so the string "
        "has no UTF-8 form",
        (int)n, text + scan->error_offset,
        where(text, len, scan->error_offset, at, sizeof(at)),
        scan->error_in_member_name ? ", in a member name" : "",
        scan->error_reason);
}

static const char *json_type_name(const cJSON *v)
{
    return cJSON_IsArray(v)    ? "an array"
           : cJSON_IsString(v) ? "a string"
           : cJSON_IsNumber(v) ? "a number"
           : cJSON_IsBool(v)   ? "a boolean"
                               : "null";
}

bool task_from_json(const char *json, size_t len, struct fuota_task *task,
                    struct diag_list *diags)
{
    char at[96];
    task_init(task);
    if (len > TASK_JSON_MAX) {
        add(diags, DIAG_ERROR, "", "too-large",
            "the document is %zu bytes, above the maximum %u", len,
            TASK_JSON_MAX);
        return false;
    }
    if (len == 0 || !json) {
        add(diags, DIAG_ERROR, "", "empty", "the document is empty");
        return false;
    }
    const char *nul = memchr(json, '\0', len);
    if (nul) {
        add(diags, DIAG_ERROR, "", "syntax",
            "NUL byte at %s: a JSON document is text and cannot contain NUL "
            "bytes",
            where(json, len, (size_t)(nul - json), at, sizeof(at)));
        return false;
    }
    struct json_scan scan;
    json_scan_init(&scan);
    enum json_scan_status st =
        json_scan_run(&scan, json, len, TASK_JSON_DEPTH_MAX);
    if (st == JSON_SCAN_BOM) {
        add(diags, DIAG_ERROR, "", "bom",
            "the document starts with a UTF-8 byte order mark (bytes EF BB "
            "BF): JSON text must not (RFC 8259 section 8.1) and the AWS CLI "
            "refuses it (\"Unexpected UTF-8 BOM\"); save the file as UTF-8 "
            "without a BOM");
        json_scan_cleanup(&scan);
        return false;
    }
    if (st == JSON_SCAN_TOO_DEEP || st == JSON_SCAN_NOMEM) {
        if (st == JSON_SCAN_TOO_DEEP)
            add(diags, DIAG_ERROR, "", "too-deep",
                "nesting deeper than %d levels at %s", TASK_JSON_DEPTH_MAX,
                where(json, len, scan.error_offset, at, sizeof(at)));
        else
            add(diags, DIAG_ERROR, "", "syntax", "out of memory");
        json_scan_cleanup(&scan);
        return false;
    }
    if (st == JSON_SCAN_OK && scan.first_token >= len) {
        add(diags, DIAG_ERROR, "", "empty",
            "the document contains only whitespace");
        json_scan_cleanup(&scan);
        return false;
    }
    /* cJSON with require_null_terminated wants the NUL inside the length. */
    char *copy = malloc(len + 1);
    if (!copy) {
        add(diags, DIAG_ERROR, "", "syntax", "out of memory");
        json_scan_cleanup(&scan);
        return false;
    }
    memcpy(copy, json, len);
    copy[len] = '\0';
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(copy, len + 1, &end, true);
    size_t q = root || !end ? len : (size_t)(end - copy);
    bool ok = false;
    if (st != JSON_SCAN_OK) {
        /* Report whichever problem comes first in the text. */
        if (!root && q < scan.error_offset)
            cjson_error(diags, json, len, &scan, q);
        else if (st == JSON_SCAN_BAD_SURROGATE)
            surrogate_error(diags, json, len, &scan);
        else if (scan.has_opener) {
            char at2[96];
            add(diags, DIAG_ERROR, "", "syntax",
                "%s at %s (the %s opened at %s)", scan.error_reason,
                where(json, len, scan.error_offset, at, sizeof(at)),
                json[scan.opener_offset] == '{' ? "object" : "array",
                where(json, len, scan.opener_offset, at2, sizeof(at2)));
        } else
            syntax_error(diags, json, len, scan.error_offset,
                         scan.error_reason);
    } else if (!root) {
        cjson_error(diags, json, len, &scan, q);
    } else if (!cJSON_IsObject(root)) {
        add(diags, DIAG_ERROR, "", "type",
            "the document must be a JSON object {...} of request members, "
            "not %s",
            json_type_name(root));
    } else {
        if (scan.has_nul_escape)
            add(diags, DIAG_ERROR, "", "nul",
                "the escape \\u0000 at %s would put a NUL character in a "
                "string; fuota cannot carry it",
                where(json, len, scan.nul_escape_offset, at, sizeof(at)));
        struct reader rd = {
            .text = copy, .len = len, .scan = &scan, .diags = diags
        };
        read_members(&rd, root, task);
        ok = !rd.nomem;
        if (rd.nomem)
            add(diags, DIAG_ERROR, "", "syntax",
                "out of memory while reading the document");
    }
    cJSON_Delete(root);
    free(copy);
    json_scan_cleanup(&scan);
    return ok;
}

/* ---- validation ------------------------------------------------------------
 */

/*
 * Length in characters, or -1 after reporting ill-formed UTF-8. Checks the
 * bounds (max < 0: none).
 */
static long check_length(struct diag_list *diags, const char *path,
                         const char *s, long min, long max)
{
    size_t len = strlen(s), off = 0;
    const char *why = "";
    if (utf8_problem(s, len, &off, &why)) {
        add(diags, DIAG_ERROR, path, "utf8",
            "not valid UTF-8: byte %zu (0x%02X) starts %s", off,
            (unsigned char)s[off], why);
        return -1;
    }
    long n = task_utf8_length(s, len);
    if (n < min)
        add(diags, DIAG_ERROR, path, "min-length",
            "length %ld is below the minimum %ld", n, min);
    if (max >= 0 && n > max)
        add(diags, DIAG_ERROR, path, "max-length",
            "length %ld is above the maximum %ld", n, max);
    return n;
}

static bool required(struct diag_list *diags, const char *path, const char *s)
{
    if (s)
        return true;
    if (!reported(diags, path))
        add(diags, DIAG_ERROR, path, "required", "required member is missing");
    return false;
}

static bool is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

static bool is_base64(unsigned char c)
{
    return is_alnum(c) || c == '+' || c == '/';
}

/* Character position (1-based) of byte offset off in a valid UTF-8 s. */
static long char_pos(const char *s, size_t off)
{
    return task_utf8_length(s, off) + 1;
}

static void char_at(const char *s, size_t off, char *buf, size_t size)
{
    const char *why = "";
    size_t n = utf8_seq((const unsigned char *)s + off, strlen(s + off), &why);
    shown(s + off, n ? n : 1, 1, buf, size);
}

/* ClientRequestToken: ^[a-zA-Z0-9-_]+$ */
static void check_token(struct diag_list *diags, const char *s)
{
    char ch[16];
    for (size_t i = 0; s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_alnum(c) || c == '-' || c == '_')
            continue;
        char_at(s, i, ch, sizeof(ch));
        add(diags, DIAG_ERROR, "ClientRequestToken", "pattern",
            "character '%s' at position %ld is not allowed: only letters, "
            "digits, '-' and '_' (pattern ^[a-zA-Z0-9-_]+$)",
            ch, char_pos(s, i));
        return;
    }
}

/*
 * Descriptor: ^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$
 * i.e. groups of 4 base64 characters, the last group padded with at most two
 * '='.
 */
static void check_descriptor(struct diag_list *diags, const char *s)
{
    size_t n = strlen(s), pad = 0;
    char ch[16];
    while (pad < n && s[n - 1 - pad] == '=')
        pad++;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_base64(c))
            continue;
        if (c == '=' && i >= n - pad)
            continue;
        if (c == '=') {
            add(diags, DIAG_ERROR, "Descriptor", "pattern",
                "'=' at position %ld: base64 padding may only end the value",
                char_pos(s, i));
            return;
        }
        char_at(s, i, ch, sizeof(ch));
        add(diags, DIAG_ERROR, "Descriptor", "pattern",
            "character '%s' at position %ld is not base64 (A-Z, a-z, 0-9, "
            "'+', '/', '=' padding)",
            ch, char_pos(s, i));
        return;
    }
    if (pad > 2) {
        add(diags, DIAG_ERROR, "Descriptor", "pattern",
            "%zu '=' at the end: base64 pads with at most two", pad);
        return;
    }
    if (n % 4 != 0)
        add(diags, DIAG_ERROR, "Descriptor", "pattern",
            "length %zu is not a multiple of 4: base64 comes in groups of 4 "
            "characters, the last one padded with '='",
            n);
}

/* Bucket naming rules of S3 (general purpose buckets), briefly. */
static const char *bucket_problem(const char *b, size_t n)
{
    if (n < 3 || n > 63)
        return "must be 3 to 63 characters long";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)b[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '-'))
            return "may hold only lowercase letters, digits, '.' and '-'";
    }
    if (!is_alnum((unsigned char)b[0]) || !is_alnum((unsigned char)b[n - 1]))
        return "must begin and end with a letter or digit";
    for (size_t i = 0; i + 1 < n; i++)
        if (b[i] == '.' && b[i + 1] == '.')
            return "may not contain two adjacent periods";
    unsigned a, b2, c, d;
    char tail;
    char tmp[64];
    memcpy(tmp, b, n);
    tmp[n] = '\0';
    if (sscanf(tmp, "%u.%u.%u.%u%c", &a, &b2, &c, &d, &tail) == 4)
        return "may not look like an IP address";
    if (n >= 4 && memcmp(b, "xn--", 4) == 0)
        return "may not start with 'xn--'";
    if (n >= 8 && memcmp(b + n - 8, "-s3alias", 8) == 0)
        return "may not end with '-s3alias'";
    return NULL;
}

static void check_image(struct diag_list *diags, const char *s)
{
    const char *path = "FirmwareUpdateImage";
    char v[SHOWN_BUF];
    shown(s, strlen(s), SHOWN_MAX, v, sizeof(v));
    if (strncasecmp(s, "https://", 8) == 0 ||
        strncasecmp(s, "http://", 7) == 0) {
        add(diags, DIAG_WARNING, path, "s3-uri",
            "'%s' is an HTTP URL; AWS expects an S3 URI, s3://BUCKET/KEY", v);
        return;
    }
    if (strncmp(s, "s3://", 5) != 0) {
        add(diags, DIAG_WARNING, path, "s3-uri",
            "'%s' is not an S3 URI (s3://BUCKET/KEY)", v);
        return;
    }
    const char *bucket = s + 5, *slash = strchr(bucket, '/');
    size_t blen = slash ? (size_t)(slash - bucket) : strlen(bucket);
    const char *why = bucket_problem(bucket, blen);
    if (why) {
        char b[SHOWN_BUF];
        shown(bucket, blen, SHOWN_MAX, b, sizeof(b));
        add(diags, DIAG_WARNING, path, "s3-uri",
            "bucket name '%s' %s (S3 bucket naming rules)", b, why);
        return;
    }
    if (!slash || slash[1] == '\0')
        add(diags, DIAG_WARNING, path, "s3-uri",
            "'%s' names a bucket but no object key (s3://BUCKET/KEY)", v);
}

/* arn:aws[-partition]:iam::<12 digits>:role/[path/]name */
static const char *role_problem(const char *s)
{
    if (strncmp(s, "arn:", 4) != 0)
        return "does not start with 'arn:'";
    const char *p = s + 4, *colon = strchr(p, ':');
    if (!colon)
        return "is not an ARN";
    size_t plen = (size_t)(colon - p);
    bool partition = plen >= 3 && memcmp(p, "aws", 3) == 0;
    for (size_t i = 3; partition && i < plen; i++)
        partition = (p[i] >= 'a' && p[i] <= 'z') || p[i] == '-';
    if (!partition || (plen > 3 && p[3] != '-'))
        return "has an unknown partition (aws, aws-cn, aws-us-gov, ...)";
    p = colon + 1;
    if (strncmp(p, "iam::", 5) != 0)
        return "is not an IAM ARN (arn:aws:iam::ACCOUNT:role/NAME)";
    p += 5;
    for (int i = 0; i < 12; i++)
        if (p[i] < '0' || p[i] > '9')
            return "has an account id that is not 12 digits";
    if (p[12] != ':')
        return "has an account id that is not 12 digits";
    p += 13;
    if (strncmp(p, "role/", 5) != 0)
        return "names no role (the resource must be role/NAME)";
    p += 5;
    const char *name = strrchr(p, '/');
    name = name ? name + 1 : p;
    size_t nlen = strlen(name);
    if (nlen == 0 || nlen > 64)
        return "has a role name that is not 1 to 64 characters";
    for (const char *c = p; *c; c++)
        if (!is_alnum((unsigned char)*c) && !strchr("+=,.@_-/", *c))
            return "has a character a role name cannot hold";
    return NULL;
}

static void check_role(struct diag_list *diags, const char *s)
{
    const char *why = role_problem(s);
    if (!why)
        return;
    char v[SHOWN_BUF];
    add(diags, DIAG_WARNING, "FirmwareUpdateRole", "role-arn",
        "'%s' %s: expected an IAM role ARN, "
        "arn:aws:iam::123456789012:role/NAME",
        shown(s, strlen(s), SHOWN_MAX, v, sizeof(v)), why);
}

/*
 * Assumption: the AWS IoT console's FUOTA task form accepts a name of
 * letters, digits, hyphens and underscores only (no spaces), while the API
 * takes any string up to 256 characters. So anything else is a warning.
 */
static void check_console_name(struct diag_list *diags, const char *s)
{
    char ch[16];
    if (!s[0]) {
        add(diags, DIAG_WARNING, "Name", "console-name",
            "an empty name: the AWS console shows the task without one; set a "
            "name or leave the member out");
        return;
    }
    for (size_t i = 0; s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_alnum(c) || c == '-' || c == '_')
            continue;
        char_at(s, i, ch, sizeof(ch));
        add(diags, DIAG_WARNING, "Name", "console-name",
            "character '%s' at position %ld: the AWS console accepts only "
            "letters, digits, '-' and '_' in a task name (the API accepts it)",
            ch, char_pos(s, i));
        return;
    }
}

static void check_tags(struct diag_list *diags, const struct fuota_task *task)
{
    if (task->tag_count > TASK_TAGS_MAX)
        add(diags, DIAG_ERROR, "Tags", "max-items",
            "%zu tags are above the maximum %d", task->tag_count,
            TASK_TAGS_MAX);
    char path[DIAG_PATH_MAX];
    for (size_t i = 0; i < task->tag_count && diags->count <= TASK_DIAGS_MAX;
         i++) {
        const struct fuota_tag *t = &task->tags[i];
        snprintf(path, sizeof(path), "Tags[%zu].Key", i);
        if (required(diags, path, t->key) &&
            check_length(diags, path, t->key, 1, TASK_TAG_KEY_MAX) > 0 &&
            strncasecmp(t->key, "aws:", 4) == 0)
            add(diags, DIAG_WARNING, path, "reserved-tag-key",
                "keys beginning with 'aws:' are reserved for AWS; tagging "
                "refuses them");
        snprintf(path, sizeof(path), "Tags[%zu].Value", i);
        if (required(diags, path, t->value))
            check_length(diags, path, t->value, 0, TASK_TAG_VALUE_MAX);
    }
    /* Pairwise, so only for a list of allowed size. */
    if (task->tag_count > TASK_TAGS_MAX)
        return;
    for (size_t i = 1; i < task->tag_count; i++) {
        if (!task->tags[i].key)
            continue;
        for (size_t j = 0; j < i; j++) {
            if (!str_equal(task->tags[i].key, task->tags[j].key))
                continue;
            char v[SHOWN_BUF];
            snprintf(path, sizeof(path), "Tags[%zu].Key", i);
            add(diags, DIAG_WARNING, path, "duplicate-tag-key",
                "key '%s' repeats Tags[%zu].Key; a resource holds one value "
                "per key, AWS may refuse the request",
                shown(task->tags[i].key, strlen(task->tags[i].key), SHOWN_MAX,
                      v, sizeof(v)),
                j);
            break;
        }
    }
}

static void check_region(struct diag_list *diags, const struct fuota_task *task)
{
    const char *path = "LoRaWAN.RfRegion";
    if (!task->rf_region) {
        if (!reported(diags, path))
            add(diags, DIAG_WARNING, path, "no-region",
                "no RF region: set the region of your devices "
                "(fuota plan needs it to compute air time)");
        return;
    }
    if (task_rf_region_valid(task->rf_region))
        return;
    char v[SHOWN_BUF], list[256];
    size_t o = 0;
    const char *suggest = NULL;
    for (size_t i = 0; i < task_rf_region_count; i++) {
        o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? " " : "",
                              task_rf_regions[i]);
        if (strcasecmp(task->rf_region, task_rf_regions[i]) == 0)
            suggest = task_rf_regions[i];
    }
    shown(task->rf_region, strlen(task->rf_region), SHOWN_MAX, v, sizeof(v));
    if (suggest)
        add(diags, DIAG_ERROR, path, "enum",
            "'%s' is not a supported region; did you mean '%s'? (one of %s)", v,
            suggest, list);
    else
        add(diags, DIAG_ERROR, path, "enum",
            "'%s' is not a supported region (one of %s)", v, list);
}

static void check_int_min(struct diag_list *diags, const char *path, bool has,
                          int32_t v, int32_t min)
{
    if (has && v < min)
        add(diags, DIAG_ERROR, path, "min", "%d is below the minimum %d",
            (int)v, (int)min);
}

bool task_validate(const struct fuota_task *task, struct diag_list *diags)
{
    size_t errors_before = diag_count(diags, DIAG_ERROR);
    const char *s;

    s = task->firmware_update_image;
    if (required(diags, "FirmwareUpdateImage", s) &&
        check_length(diags, "FirmwareUpdateImage", s, 1, TASK_IMAGE_MAX) > 0 &&
        !reported(diags, "FirmwareUpdateImage"))
        check_image(diags, s);

    s = task->firmware_update_role;
    if (required(diags, "FirmwareUpdateRole", s) &&
        check_length(diags, "FirmwareUpdateRole", s, 1, TASK_ROLE_MAX) > 0 &&
        !reported(diags, "FirmwareUpdateRole"))
        check_role(diags, s);

    s = task->client_request_token;
    if (s &&
        check_length(diags, "ClientRequestToken", s, 1, TASK_TOKEN_MAX) > 0)
        check_token(diags, s);

    s = task->name;
    if (s && check_length(diags, "Name", s, 0, TASK_NAME_MAX) >= 0)
        check_console_name(diags, s);

    if (task->description)
        (void)check_length(diags, "Description", task->description, 0,
                           TASK_DESCRIPTION_MAX);

    s = task->descriptor;
    if (s && check_length(diags, "Descriptor", s, 0, TASK_DESCRIPTOR_MAX) >= 0)
        check_descriptor(diags, s);

    check_int_min(diags, "FragmentIntervalMS", task->has_fragment_interval_ms,
                  task->fragment_interval_ms, 1);
    if (task->has_fragment_interval_ms && task->fragment_interval_ms >= 1 &&
        task->fragment_interval_ms % 1000 != 0) {
        long secs = ((long)task->fragment_interval_ms + 500) / 1000;
        add(diags, DIAG_WARNING, "FragmentIntervalMS", "interval-rounding",
            "AWS rounds the interval to the nearest second: %d ms is sent as "
            "%ld s%s",
            (int)task->fragment_interval_ms, secs,
            secs == 0 ? ", i.e. no pause between fragments" : "");
    }
    check_int_min(diags, "FragmentSizeBytes", task->has_fragment_size_bytes,
                  task->fragment_size_bytes, 1);
    check_int_min(diags, "RedundancyPercent", task->has_redundancy_percent,
                  task->redundancy_percent, 0);
    if (task->has_redundancy_percent) {
        if (task->redundancy_percent > TASK_REDUNDANCY_MAX)
            add(diags, DIAG_ERROR, "RedundancyPercent", "max",
                "%d is above the maximum %d", (int)task->redundancy_percent,
                TASK_REDUNDANCY_MAX);
        else if (task->redundancy_percent == 0)
            add(diags, DIAG_WARNING, "RedundancyPercent", "no-redundancy",
                "0 sends no redundant fragments: a device that misses a "
                "single fragment cannot rebuild the image");
    }

    check_region(diags, task);
    check_tags(diags, task);
    return diag_count(diags, DIAG_ERROR) == errors_before;
}

/* ---- writing JSON ----------------------------------------------------------
 */

static bool put_str(cJSON *obj, const char *name, const char *s)
{
    return !s || cJSON_AddStringToObject(obj, name, s) != NULL;
}

static bool put_int(cJSON *obj, const char *name, bool has, int32_t v)
{
    return !has || cJSON_AddNumberToObject(obj, name, (double)v) != NULL;
}

char *task_to_json(const struct fuota_task *task, bool pretty)
{
    cJSON *root = cJSON_CreateObject();
    bool ok = root != NULL;
    ok = ok && put_str(root, "Name", task->name);
    ok = ok && put_str(root, "Description", task->description);
    ok = ok && put_str(root, "ClientRequestToken", task->client_request_token);
    if (ok && (task->has_lorawan || task->rf_region)) {
        cJSON *lw = cJSON_AddObjectToObject(root, "LoRaWAN");
        ok = lw && put_str(lw, "RfRegion", task->rf_region);
    }
    ok =
        ok && put_str(root, "FirmwareUpdateImage", task->firmware_update_image);
    ok = ok && put_str(root, "FirmwareUpdateRole", task->firmware_update_role);
    if (ok && (task->has_tags || task->tag_count)) {
        cJSON *tags = cJSON_AddArrayToObject(root, "Tags");
        ok = tags != NULL;
        for (size_t i = 0; ok && i < task->tag_count; i++) {
            cJSON *t = cJSON_CreateObject();
            ok = t && put_str(t, "Key", task->tags[i].key) &&
                 put_str(t, "Value", task->tags[i].value) &&
                 cJSON_AddItemToArray(tags, t);
            if (!ok)
                cJSON_Delete(t);
        }
    }
    ok = ok && put_int(root, "RedundancyPercent", task->has_redundancy_percent,
                       task->redundancy_percent);
    ok = ok && put_int(root, "FragmentSizeBytes", task->has_fragment_size_bytes,
                       task->fragment_size_bytes);
    ok = ok &&
         put_int(root, "FragmentIntervalMS", task->has_fragment_interval_ms,
                 task->fragment_interval_ms);
    ok = ok && put_str(root, "Descriptor", task->descriptor);
    char *out = ok ? json_out_print(root, pretty) : NULL;
    cJSON_Delete(root);
    return out;
}

void task_new_token(char out[TASK_NEW_TOKEN_SIZE])
{
    unsigned char raw[16];
    randombytes_buf(raw, sizeof(raw));
    memcpy(out, "fuota-", 6);
    sodium_bin2hex(out + 6, TASK_NEW_TOKEN_SIZE - 6, raw, sizeof(raw));
}
