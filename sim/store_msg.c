#include "sim/store_msg.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum rule_kind { R_STRING, R_INT, R_ENUM, R_LIST };

struct member_rule {
    const char *path; /* core/task diagnostics path (Tags[n] folded) */
    const char *wire; /* AWS's name in validation messages */
    enum rule_kind kind;
    bool required;
    long min, max; /* length (strings, lists) or value (ints); -1 = none */
    const char *pattern;
};

static const struct member_rule member_rules[] = {
    { "FirmwareUpdateImage", "firmwareUpdateImage", R_STRING, true, 1, 4096,
      NULL },
    { "FirmwareUpdateRole", "firmwareUpdateRole", R_STRING, true, 1, 2048,
      NULL },
    { "ClientRequestToken", "clientRequestToken", R_STRING, false, 1, 64,
      "^[a-zA-Z0-9-_]+$" },
    { "Name", "name", R_STRING, false, -1, 256, NULL },
    { "Description", "description", R_STRING, false, -1, 2048, NULL },
    { "Descriptor", "descriptor", R_STRING, false, -1, 332,
      "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$" },
    { "LoRaWAN.RfRegion", "loRaWAN.rfRegion", R_ENUM, false, -1, -1, NULL },
    { "FragmentIntervalMS", "fragmentIntervalMS", R_INT, false, 1, -1, NULL },
    { "FragmentSizeBytes", "fragmentSizeBytes", R_INT, false, 1, -1, NULL },
    { "RedundancyPercent", "redundancyPercent", R_INT, false, 0, 100, NULL },
    { "Tags", "tags", R_LIST, false, 0, 200, NULL },
    { "Tags[].Key", "key", R_STRING, true, 1, 128, NULL },
    { "Tags[].Value", "value", R_STRING, true, 0, 256, NULL },
};

static bool token_chars_ok(const char *v)
{
    for (; *v; v++) {
        char c = *v;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    }
    return true;
}

static bool b64_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '+' || c == '/';
}

static bool base64_ok(const char *v)
{
    size_t n = strlen(v);
    if (n % 4)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (b64_char(v[i]))
            continue;
        /* '=' only as the last one or two characters of the last quad */
        if (v[i] != '=' || i < n - 2)
            return false;
        if (i == n - 2 && v[n - 1] != '=')
            return false;
    }
    return true;
}

/* Appends printf text to buf at *used, never overflowing. */
static void append(char *buf, size_t size, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t size, size_t *used, const char *fmt, ...)
{
    if (*used >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *used, size - *used, fmt, ap);
    va_end(ap);
    if (n > 0)
        *used = *used + (size_t)n >= size ? size - 1 : *used + (size_t)n;
}

/* The quoted value for a message, cut at 64 characters (UTF-8 safe). */
static void quote_value(const char *v, char *out, size_t size)
{
    size_t cut = 0, chars = 0, len = strlen(v);
    while (cut < len && chars < 64) {
        cut++;
        while (cut < len && ((unsigned char)v[cut] & 0xC0) == 0x80)
            cut++;
        chars++;
    }
    snprintf(out, size, "'%.*s%s'", (int)cut, v, cut < len ? "..." : "");
}

/* Finds the rule and value for a diagnostics path like "Tags[3].Key". */
static const struct member_rule *lookup(const struct fuota_task *t,
                                        const char *path, char *wire,
                                        size_t wire_size, const char **str,
                                        bool *has_int, long *ival,
                                        size_t *list_len)
{
    *str = NULL;
    *has_int = false;
    *list_len = 0;
    unsigned long idx = 0;
    const char *member = path;
    char folded[64];
    if (strncmp(path, "Tags[", 5) == 0) {
        char *end;
        idx = strtoul(path + 5, &end, 10);
        if (*end != ']')
            return NULL;
        snprintf(folded, sizeof(folded), "Tags[]%s", end + 1);
        member = folded;
    }
    for (size_t i = 0; i < sizeof(member_rules) / sizeof(member_rules[0]);
         i++) {
        const struct member_rule *r = &member_rules[i];
        if (strcmp(r->path, member) != 0)
            continue;
        if (member == folded)
            snprintf(wire, wire_size, "tags.%lu.member.%s", idx + 1, r->wire);
        else
            snprintf(wire, wire_size, "%s", r->wire);
        if (strcmp(r->path, "FirmwareUpdateImage") == 0)
            *str = t->firmware_update_image;
        else if (strcmp(r->path, "FirmwareUpdateRole") == 0)
            *str = t->firmware_update_role;
        else if (strcmp(r->path, "ClientRequestToken") == 0)
            *str = t->client_request_token;
        else if (strcmp(r->path, "Name") == 0)
            *str = t->name;
        else if (strcmp(r->path, "Description") == 0)
            *str = t->description;
        else if (strcmp(r->path, "Descriptor") == 0)
            *str = t->descriptor;
        else if (strcmp(r->path, "LoRaWAN.RfRegion") == 0)
            *str = t->rf_region;
        else if (strcmp(r->path, "FragmentIntervalMS") == 0) {
            *has_int = t->has_fragment_interval_ms;
            *ival = t->fragment_interval_ms;
        } else if (strcmp(r->path, "FragmentSizeBytes") == 0) {
            *has_int = t->has_fragment_size_bytes;
            *ival = t->fragment_size_bytes;
        } else if (strcmp(r->path, "RedundancyPercent") == 0) {
            *has_int = t->has_redundancy_percent;
            *ival = t->redundancy_percent;
        } else if (strcmp(r->path, "Tags") == 0) {
            *list_len = t->tag_count;
        } else if (idx < t->tag_count) {
            *str = strcmp(r->path, "Tags[].Key") == 0 ? t->tags[idx].key
                                                      : t->tags[idx].value;
        }
        return r;
    }
    return NULL;
}

/* Room for AWS's name of any diagnostics path. */
#define WIRE_MAX (DIAG_PATH_MAX + 32)

/*
 * One "Value ... at '...' failed to satisfy constraint: ..." clause; false
 * when the value breaks none of the rules we know (caller words it from the
 * diagnostic instead). Either way wire[WIRE_MAX] gets the member's AWS name
 * (the diagnostics path itself when it has none).
 */
static bool clause(const struct fuota_task *t, const struct diag *d, char *wire,
                   char *out, size_t size)
{
    char q[96];
    const char *str;
    bool has_int;
    long ival = 0;
    size_t list_len;
    const struct member_rule *r =
        lookup(t, d->path, wire, WIRE_MAX, &str, &has_int, &ival, &list_len);
    if (!r) {
        snprintf(wire, WIRE_MAX, "%s", d->path);
        return false;
    }
    const char *pre = "failed to satisfy constraint: Member must";
    if (r->kind == R_INT) {
        if (!has_int)
            return false;
        if (r->min >= 0 && ival < r->min)
            snprintf(out, size,
                     "Value '%ld' at '%s' %s have value greater than or "
                     "equal to %ld",
                     ival, wire, pre, r->min);
        else if (r->max >= 0 && ival > r->max)
            snprintf(out, size,
                     "Value '%ld' at '%s' %s have value less than or equal "
                     "to %ld",
                     ival, wire, pre, r->max);
        else
            return false;
        return true;
    }
    if (r->kind == R_LIST) {
        if ((long)list_len <= r->max)
            return false;
        snprintf(out, size,
                 "Value '[%zu tags]' at '%s' %s have length less than or "
                 "equal to %ld",
                 list_len, wire, pre, r->max);
        return true;
    }
    if (!str) {
        if (!r->required)
            return false;
        snprintf(out, size, "Value null at '%s' %s not be null", wire, pre);
        return true;
    }
    quote_value(str, q, sizeof(q));
    if (r->kind == R_ENUM) {
        if (task_rf_region_valid(str))
            return false;
        size_t used = 0;
        append(out, size, &used,
               "Value %s at '%s' %s satisfy enum value set: [", q, wire, pre);
        for (size_t i = 0; i < task_rf_region_count; i++)
            append(out, size, &used, "%s%s", i ? ", " : "", task_rf_regions[i]);
        append(out, size, &used, "]");
        return true;
    }
    long len = task_utf8_length(str, strlen(str));
    if (len >= 0 && r->min > 0 && len < r->min) {
        snprintf(out, size,
                 "Value %s at '%s' %s have length greater than or equal to "
                 "%ld",
                 q, wire, pre, r->min);
        return true;
    }
    if (len >= 0 && r->max >= 0 && len > r->max) {
        snprintf(out, size,
                 "Value %s at '%s' %s have length less than or equal to %ld", q,
                 wire, pre, r->max);
        return true;
    }
    if (r->pattern) {
        bool ok = strcmp(r->path, "Descriptor") == 0 ? base64_ok(str)
                                                     : token_chars_ok(str);
        if (!ok) {
            snprintf(out, size,
                     "Value %s at '%s' %s satisfy regular expression "
                     "pattern: %s",
                     q, wire, pre, r->pattern);
            return true;
        }
    }
    return false;
}

const char *store_msg_validation(const struct fuota_task *task,
                                 const struct diag_list *diags, char *buf,
                                 size_t size)
{
    char clauses[16][640];
    size_t n = 0, errors = 0;
    if (size == 0)
        return buf;
    for (size_t i = 0; i < diags->count; i++) {
        const struct diag *d = &diags->items[i];
        if (d->severity != DIAG_ERROR)
            continue;
        char one[640], wire[WIRE_MAX];
        if (!clause(task, d, wire, one, sizeof(one))) {
            /* A rule we cannot word as AWS does: its own message. */
            if (wire[0])
                snprintf(one, sizeof(one),
                         "Value at '%s' failed to satisfy constraint: %s", wire,
                         d->message);
            else
                snprintf(one, sizeof(one), "%s", d->message);
        }
        bool dup = false;
        for (size_t j = 0; j < n && !dup; j++)
            dup = strcmp(clauses[j], one) == 0;
        if (dup)
            continue;
        errors++;
        if (n < sizeof(clauses) / sizeof(clauses[0]))
            memcpy(clauses[n++], one, sizeof(one));
    }
    size_t used = 0;
    buf[0] = '\0';
    append(buf, size, &used, "%zu validation error%s detected: ", errors,
           errors == 1 ? "" : "s");
    for (size_t j = 0; j < n; j++)
        append(buf, size, &used, "%s%s", j ? "; " : "", clauses[j]);
    return buf;
}

enum backend_status store_msg_check_task(const struct fuota_task *t,
                                         struct backend_error *err)
{
    struct diag_list diags;
    diag_list_init(&diags);
    enum backend_status st = BACKEND_OK;
    if (!task_validate(t, &diags)) {
        backend_error_set(err, BACKEND_VALIDATION, "%s", "");
        store_msg_validation(t, &diags, err->message, sizeof(err->message));
        st = BACKEND_VALIDATION;
    }
    diag_list_cleanup(&diags);
    return st;
}

enum backend_status store_msg_check_id(const char *v, const char *wire,
                                       struct backend_error *err)
{
    if (!v)
        return backend_error_set(err, BACKEND_VALIDATION,
                                 "1 validation error detected: Value null at "
                                 "'%s' failed to satisfy constraint: Member "
                                 "must not be null",
                                 wire);
    long len = task_utf8_length(v, strlen(v));
    if (len < 0)
        return backend_error_set(err, BACKEND_VALIDATION,
                                 "1 validation error detected: Value at '%s' "
                                 "is not valid UTF-8",
                                 wire);
    if (len > BACKEND_ID_MAX) {
        char q[96];
        quote_value(v, q, sizeof(q));
        return backend_error_set(
            err, BACKEND_VALIDATION,
            "1 validation error detected: Value %s at '%s' failed to "
            "satisfy constraint: Member must have length less than or "
            "equal to %d",
            q, wire, BACKEND_ID_MAX);
    }
    if (len == 0)
        return backend_error_set(err, BACKEND_VALIDATION,
                                 "1 validation error detected: Value '' at "
                                 "'%s' failed to satisfy constraint: Member "
                                 "must have length greater than or equal to 1",
                                 wire);
    return BACKEND_OK;
}
