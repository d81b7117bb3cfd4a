#include "core/json_scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void json_scan_init(struct json_scan *scan)
{
    memset(scan, 0, sizeof(*scan));
    scan->error_reason = "";
}

void json_scan_cleanup(struct json_scan *scan)
{
    if (!scan)
        return;
    free(scan->numbers);
    json_scan_init(scan);
}

const char *json_scan_status_text(enum json_scan_status status)
{
    static const char *const texts[] = {
#define X(id, text) [id] = text,
        JSON_SCAN_STATUSES(X)
#undef X
    };
    if ((unsigned)status >= sizeof(texts) / sizeof(texts[0]))
        return "?";
    return texts[status];
}

static bool is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int hex_value(unsigned char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The characters cJSON takes into a number before handing it to strtod. */
static bool is_number_char(unsigned char c)
{
    return is_digit(c) || c == '+' || c == '-' || c == '.' || c == 'e' ||
           c == 'E';
}

/* RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool number_ok(const char *s, size_t n, const char **reason)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i < n && s[i] == '0') {
        i++;
        if (i < n && is_digit((unsigned char)s[i])) {
            *reason = "leading zeros are not allowed";
            return false;
        }
    } else if (i < n && is_digit((unsigned char)s[i])) {
        while (i < n && is_digit((unsigned char)s[i]))
            i++;
    } else {
        *reason = "a number must start with a digit or '-' and a digit";
        return false;
    }
    if (i < n && s[i] == '.') {
        i++;
        if (i >= n || !is_digit((unsigned char)s[i])) {
            *reason = "a digit must follow the decimal point";
            return false;
        }
        while (i < n && is_digit((unsigned char)s[i]))
            i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= n || !is_digit((unsigned char)s[i])) {
            *reason = "a digit must follow the exponent";
            return false;
        }
        while (i < n && is_digit((unsigned char)s[i]))
            i++;
    }
    if (i != n) {
        *reason = "unexpected character in a number";
        return false;
    }
    return true;
}

static enum json_scan_status fail(struct json_scan *scan,
                                  enum json_scan_status status, size_t offset,
                                  const char *reason)
{
    scan->status = status;
    scan->error_offset = offset;
    scan->error_reason = reason;
    return status;
}

static bool add_number(struct json_scan *scan, size_t offset, size_t len)
{
    if (scan->number_count == scan->number_cap) {
        size_t cap = scan->number_cap ? scan->number_cap * 2 : 16;
        struct json_scan_number *n =
            realloc(scan->numbers, cap * sizeof(*scan->numbers));
        if (!n)
            return false;
        scan->numbers = n;
        scan->number_cap = cap;
    }
    scan->numbers[scan->number_count].offset = offset;
    scan->numbers[scan->number_count].len = len;
    scan->number_count++;
    return true;
}

/* One open object or array: what the path names at that level. */
struct level {
    char kind;      /* '{' or '[' */
    size_t index;   /* '[': the element being scanned */
    bool has_key;   /* '{': a member name has been seen */
    size_t key_off; /* '{': the latest member name, raw */
    size_t key_len;
};

/* Where scan_string is: the open levels, and whether it reads a name. */
struct where {
    const struct level *levels;
    size_t depth;
    bool is_key;
};

static void append(char *buf, size_t size, size_t *used, const char *s,
                   size_t n)
{
    if (*used + 1 >= size)
        return;
    if (n > size - 1 - *used)
        n = size - 1 - *used;
    memcpy(buf + *used, s, n);
    *used += n;
    buf[*used] = '\0';
}

/* Writes the member path of the string being scanned into scan. */
static void record_path(struct json_scan *scan, const char *text,
                        const struct where *w)
{
    char *buf = scan->error_path;
    size_t used = 0;
    buf[0] = '\0';
    /* A member name belongs to its object: the path stops before it. */
    size_t levels = w->depth;
    for (size_t i = 0; i < levels; i++) {
        const struct level *l = &w->levels[i];
        if (l->kind == '[') {
            char idx[32];
            int n = snprintf(idx, sizeof(idx), "[%zu]", l->index);
            append(buf, sizeof(scan->error_path), &used, idx, (size_t)n);
        } else if (l->has_key && !(w->is_key && i + 1 == levels)) {
            if (used > 0)
                append(buf, sizeof(scan->error_path), &used, ".", 1);
            append(buf, sizeof(scan->error_path), &used, text + l->key_off,
                   l->key_len);
        }
    }
    scan->error_in_member_name = w->is_key;
}

/* The value of the four hex digits at text[at], or -1. */
static long hex4(const char *text, size_t len, size_t at)
{
    long v = 0;
    for (size_t k = 0; k < 4; k++) {
        int h = at + k < len ? hex_value((unsigned char)text[at + k]) : -1;
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/*
 * Scans the string starting at text[*pos] == '"'; leaves *pos after it.
 * w says where the string is, for the path of a surrogate problem.
 */
static enum json_scan_status scan_string(struct json_scan *scan,
                                         const char *text, size_t len,
                                         size_t *pos, const struct where *w)
{
    size_t start = *pos, i = *pos + 1;
    while (i < len) {
        unsigned char c = (unsigned char)text[i];
        if (c == '"') {
            *pos = i + 1;
            return JSON_SCAN_OK;
        }
        if (c < 0x20)
            return fail(scan, JSON_SCAN_BAD_STRING, i,
                        "control character inside a string (write it as an "
                        "escape such as \\n or \\u0009)");
        if (c != '\\') {
            i++;
            continue;
        }
        if (i + 1 >= len)
            break;
        unsigned char e = (unsigned char)text[i + 1];
        if (e == 'u') {
            long v = hex4(text, len, i + 2);
            if (v < 0)
                return fail(scan, JSON_SCAN_BAD_STRING, i,
                            "\\u must be followed by four hex digits");
            if (v == 0 && !scan->has_nul_escape) {
                scan->has_nul_escape = true;
                scan->nul_escape_offset = i;
            }
            if (v >= 0xDC00 && v <= 0xDFFF) {
                record_path(scan, text, w);
                return fail(scan, JSON_SCAN_BAD_SURROGATE, i,
                            "a low surrogate escape (\\uDC00-\\uDFFF) "
                            "without the high one (\\uD800-\\uDBFF) "
                            "that must come right before it");
            }
            if (v >= 0xD800 && v <= 0xDBFF) {
                long low =
                    i + 7 < len && text[i + 6] == '\\' && text[i + 7] == 'u'
                        ? hex4(text, len, i + 8)
                        : -1;
                if (low < 0xDC00 || low > 0xDFFF) {
                    record_path(scan, text, w);
                    return fail(scan, JSON_SCAN_BAD_SURROGATE, i,
                                "a high surrogate escape (\\uD800-\\uDBFF) "
                                "not followed by a low one "
                                "(\\uDC00-\\uDFFF)");
                }
                i += 6;
            }
            i += 6;
        } else if (e != '\0' && strchr("\"\\/bfnrt", e)) {
            i += 2;
        } else {
            return fail(scan, JSON_SCAN_BAD_STRING, i,
                        "unknown escape sequence");
        }
    }
    return fail(scan, JSON_SCAN_BAD_STRING, start, "string is not terminated");
}

enum json_scan_status json_scan_run(struct json_scan *scan, const char *text,
                                    size_t len, size_t depth_max)
{
    size_t pos = 0, depth = 0;
    size_t openers[JSON_SCAN_DEPTH_LIMIT];
    struct level levels[JSON_SCAN_DEPTH_LIMIT];
    char prev = '\0'; /* the previous punctuation token, or 'v' a value */
    size_t prev_offset = 0;
    bool top_done = false, first = true;
    if (depth_max > JSON_SCAN_DEPTH_LIMIT)
        depth_max = JSON_SCAN_DEPTH_LIMIT;
    scan->first_token = len;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        return fail(scan, JSON_SCAN_BOM, 0,
                    "the text starts with a UTF-8 byte order mark (EF BB "
                    "BF), which JSON text must not (RFC 8259 section 8.1)");
    for (;;) {
        while (pos < len && is_ws((unsigned char)text[pos]))
            pos++;
        if (pos >= len)
            break;
        if (first) {
            scan->first_token = pos;
            first = false;
        }
        if (top_done && depth == 0) {
            scan->has_trailing = true;
            scan->trailing_offset = pos;
            break;
        }
        unsigned char c = (unsigned char)text[pos];
        switch (c) {
        case '{':
        case '[':
            if (depth + 1 > depth_max) {
                scan->max_depth = depth + 1;
                return fail(scan, JSON_SCAN_TOO_DEEP, pos,
                            "nesting is too deep");
            }
            levels[depth] = (struct level){ .kind = (char)c };
            openers[depth++] = pos;
            if (depth > scan->max_depth)
                scan->max_depth = depth;
            prev = (char)c;
            pos++;
            continue;
        case '}':
        case ']':
            if (prev == ',')
                return fail(scan, JSON_SCAN_UNEXPECTED, prev_offset,
                            "a trailing comma (JSON allows none before '}' "
                            "or ']')");
            if (depth == 0)
                return fail(scan, JSON_SCAN_UNEXPECTED, pos,
                            "a closing bracket without an opening one");
            depth--;
            if (text[openers[depth]] != (c == '}' ? '{' : '[')) {
                scan->has_opener = true;
                scan->opener_offset = openers[depth];
                return fail(scan, JSON_SCAN_UNEXPECTED, pos,
                            c == '}' ? "'}' closes an array"
                                     : "']' closes an object");
            }
            pos++;
            prev = 'v';
            if (depth == 0)
                top_done = true;
            continue;
        case ',':
        case ':':
            if (prev != 'v')
                return fail(scan, JSON_SCAN_UNEXPECTED, pos,
                            c == ',' ? "a comma where a value belongs"
                                     : "a colon where a member name "
                                       "belongs");
            if (c == ',' && depth > 0 && levels[depth - 1].kind == '[')
                levels[depth - 1].index++;
            prev = (char)c;
            prev_offset = pos;
            pos++;
            continue;
        case '"': {
            struct where w = { .levels = levels,
                               .depth = depth,
                               .is_key = depth > 0 &&
                                         levels[depth - 1].kind == '{' &&
                                         (prev == '{' || prev == ',') };
            size_t from = pos;
            if (scan_string(scan, text, len, &pos, &w) != JSON_SCAN_OK)
                return scan->status;
            if (w.is_key) {
                levels[depth - 1].has_key = true;
                levels[depth - 1].key_off = from + 1;
                levels[depth - 1].key_len = pos - from - 2;
            }
            if (depth == 0)
                top_done = true;
            break;
        }
        case 't':
        case 'f':
        case 'n': {
            const char *word = c == 't' ? "true" : c == 'f' ? "false" : "null";
            size_t n = strlen(word);
            if (len - pos < n || memcmp(text + pos, word, n) != 0)
                return fail(scan, JSON_SCAN_UNEXPECTED, pos,
                            "unexpected character");
            pos += n;
            if (depth == 0)
                top_done = true;
            break;
        }
        default:
            if (is_number_char(c)) {
                size_t start = pos;
                const char *reason = "";
                while (pos < len && is_number_char((unsigned char)text[pos]))
                    pos++;
                if (!number_ok(text + start, pos - start, &reason))
                    return fail(scan, JSON_SCAN_BAD_NUMBER, start, reason);
                if (pos - start > JSON_SCAN_NUMBER_MAX)
                    return fail(scan, JSON_SCAN_BAD_NUMBER, start,
                                "number is longer than 63 characters");
                if (!add_number(scan, start, pos - start))
                    return fail(scan, JSON_SCAN_NOMEM, start, "out of memory");
                if (depth == 0)
                    top_done = true;
                break;
            }
            return fail(scan, JSON_SCAN_UNEXPECTED, pos,
                        "unexpected character");
        }
        prev = 'v';
    }
    if (depth > 0) {
        scan->unclosed = text[openers[depth - 1]];
        scan->unclosed_offset = openers[depth - 1];
    }
    scan->status = JSON_SCAN_OK;
    return JSON_SCAN_OK;
}

void json_scan_position(const char *text, size_t len, size_t offset,
                        size_t *line, size_t *column)
{
    size_t l = 1, col = 1;
    if (offset > len)
        offset = len;
    for (size_t i = 0; i < offset; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n') {
            l++;
            col = 1;
        } else if ((c & 0xC0) != 0x80) {
            col++;
        }
    }
    *line = l;
    *column = col;
}
