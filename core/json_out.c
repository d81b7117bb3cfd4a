#include "core/json_out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growing text buffer; once an allocation fails it stays failed. */
struct text {
    char *p;
    size_t len, cap;
    bool failed;
};

static void put(struct text *t, const char *s, size_t n)
{
    if (t->failed)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (t->len + n + 1 > cap)
            cap *= 2;
        char *grown = realloc(t->p, cap);
        if (!grown) {
            t->failed = true;
            return;
        }
        t->p = grown;
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static void puts_text(struct text *t, const char *s)
{
    put(t, s, strlen(s));
}

static void newline(struct text *t, int depth)
{
    put(t, "\n", 1);
    for (int i = 0; i < depth; i++)
        put(t, "  ", 2);
}

static void put_number(struct text *t, double v)
{
    char buf[64];
    if (!isfinite(v)) {
        puts_text(t, "null");
        return;
    }
    /* 2^53: every whole number up to here is exact in a double. */
    if (v == floor(v) && fabs(v) <= 9007199254740992.0) {
        snprintf(buf, sizeof(buf), "%.0f", v);
        if (strcmp(buf, "-0") == 0)
            snprintf(buf, sizeof(buf), "0");
    } else {
        /* The shortest of 15..17 significant digits that reads back. */
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(buf, sizeof(buf), "%.*g", prec, v);
            if (strtod(buf, NULL) == v)
                break;
        }
    }
    puts_text(t, buf);
}

static void put_string(struct text *t, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    put(t, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;
         p++) {
        char esc[7] = { '\\', 0 };
        size_t n = 2;
        switch (*p) {
        case '"':
            esc[1] = '"';
            break;
        case '\\':
            esc[1] = '\\';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            if (*p >= 0x20) {
                put(t, (const char *)p, 1);
                continue;
            }
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[*p >> 4];
            esc[5] = hex[*p & 15];
            n = 6;
        }
        put(t, esc, n);
    }
    put(t, "\"", 1);
}

static void put_item(struct text *t, const cJSON *item, bool pretty, int depth);

static void put_container(struct text *t, const cJSON *item, bool pretty,
                          int depth, bool object)
{
    put(t, object ? "{" : "[", 1);
    const cJSON *c = item->child;
    if (!c) {
        put(t, object ? "}" : "]", 1);
        return;
    }
    for (; c; c = c->next) {
        if (pretty)
            newline(t, depth + 1);
        if (object) {
            put_string(t, c->string);
            put(t, pretty ? ": " : ":", pretty ? 2 : 1);
        }
        put_item(t, c, pretty, depth + 1);
        if (c->next)
            put(t, ",", 1);
    }
    if (pretty)
        newline(t, depth);
    put(t, object ? "}" : "]", 1);
}

static void put_item(struct text *t, const cJSON *item, bool pretty, int depth)
{
    if (cJSON_IsObject(item) || cJSON_IsArray(item))
        put_container(t, item, pretty, depth, cJSON_IsObject(item));
    else if (cJSON_IsString(item))
        put_string(t, item->valuestring);
    else if (cJSON_IsNumber(item))
        put_number(t, item->valuedouble);
    else if (cJSON_IsTrue(item))
        puts_text(t, "true");
    else if (cJSON_IsFalse(item))
        puts_text(t, "false");
    else if (cJSON_IsRaw(item) && item->valuestring)
        puts_text(t, item->valuestring);
    else
        puts_text(t, "null");
}

char *json_out_print(const cJSON *item, bool pretty)
{
    struct text t = { 0 };
    if (!item)
        return NULL;
    put_item(&t, item, pretty, 0);
    if (t.failed) {
        free(t.p);
        return NULL;
    }
    return t.p;
}

double json_out_round(double v, int decimals)
{
    static const double scale[] = { 1e0, 1e1, 1e2, 1e3, 1e4,
                                    1e5, 1e6, 1e7, 1e8, 1e9 };
    if (decimals < 0 || decimals > 9 || !isfinite(v))
        return v;
    double s = scale[decimals];
    /* Beyond 2^52 / s a double has no such decimals left to round. */
    if (fabs(v) * s >= 4503599627370496.0)
        return v;
    double r = round(v * s) / s;
    return r == 0.0 ? 0.0 : r; /* no "-0" */
}

cJSON *json_out_add_fixed(cJSON *object, const char *key, double v,
                          int decimals)
{
    return cJSON_AddNumberToObject(object, key, json_out_round(v, decimals));
}

cJSON *json_out_add_percent(cJSON *object, const char *key, double v)
{
    return json_out_add_fixed(object, key, v, JSON_OUT_PERCENT_DECIMALS);
}

cJSON *json_out_add_ms(cJSON *object, const char *key, double v)
{
    return json_out_add_fixed(object, key, v, JSON_OUT_MS_DECIMALS);
}
