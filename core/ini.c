#include "core/ini.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

static const char *const status_messages[] = {
#define X(id, msg) [id] = msg,
    INI_STATUSES(X)
#undef X
};

const char *ini_status_message(enum ini_status status)
{
    if ((size_t)status >= sizeof(status_messages) / sizeof(*status_messages))
        return "unknown status";
    return status_messages[status];
}

void ini_init(struct ini_doc *doc)
{
    memset(doc, 0, sizeof(*doc));
}

static void wipe_free(char *s)
{
    if (s) {
        sodium_memzero(s, strlen(s));
        free(s);
    }
}

void ini_cleanup(struct ini_doc *doc)
{
    if (!doc)
        return;
    for (size_t i = 0; i < doc->section_count; i++)
        free(doc->sections[i].name);
    for (size_t i = 0; i < doc->entry_count; i++) {
        free(doc->entries[i].key);
        wipe_free(doc->entries[i].value);
    }
    free(doc->sections);
    free(doc->entries);
    memset(doc, 0, sizeof(*doc));
}

size_t ini_section_index(const struct ini_doc *doc, const char *name)
{
    for (size_t i = 0; i < doc->section_count; i++)
        if (strcmp(doc->sections[i].name, name) == 0)
            return i;
    return (size_t)-1;
}

const struct ini_section *ini_section(const struct ini_doc *doc,
                                      const char *name)
{
    size_t i = ini_section_index(doc, name);
    return i == (size_t)-1 ? NULL : &doc->sections[i];
}

const struct ini_entry *ini_get(const struct ini_doc *doc, size_t section,
                                const char *key)
{
    for (size_t i = 0; i < doc->entry_count; i++)
        if (doc->entries[i].section == section &&
            strcmp(doc->entries[i].key, key) == 0)
            return &doc->entries[i];
    return NULL;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

/* Copy of s[0..n) trimmed of blanks; lowercased when asked. */
static char *dup_trim(const char *s, size_t n, bool lower)
{
    while (n && blank(*s)) {
        s++;
        n--;
    }
    while (n && blank(s[n - 1]))
        n--;
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    for (size_t i = 0; i < n; i++)
        d[i] = (lower && s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
    d[n] = '\0';
    return d;
}

static enum ini_status fail(enum ini_status st, unsigned lineno, unsigned *line,
                            char *err, size_t errsize)
{
    if (line)
        *line = lineno;
    if (err && errsize)
        snprintf(err, errsize, "line %u: %s", lineno, ini_status_message(st));
    return st;
}

static bool add_section(struct ini_doc *doc, char *name, unsigned line)
{
    if (doc->section_count == doc->section_cap) {
        size_t cap = doc->section_cap ? doc->section_cap * 2 : 8;
        void *p = realloc(doc->sections, cap * sizeof(*doc->sections));
        if (!p)
            return false;
        doc->sections = p;
        doc->section_cap = cap;
    }
    doc->sections[doc->section_count].name = name;
    doc->sections[doc->section_count].line = line;
    doc->section_count++;
    return true;
}

static bool add_entry(struct ini_doc *doc, size_t section, char *key,
                      char *value, unsigned line)
{
    if (doc->entry_count == doc->entry_cap) {
        size_t cap = doc->entry_cap ? doc->entry_cap * 2 : 16;
        void *p = realloc(doc->entries, cap * sizeof(*doc->entries));
        if (!p)
            return false;
        doc->entries = p;
        doc->entry_cap = cap;
    }
    struct ini_entry *e = &doc->entries[doc->entry_count++];
    e->section = section;
    e->key = key;
    e->value = value;
    e->line = line;
    return true;
}

/* Splits "key = value" / "key: value"; false when no delimiter or no key. */
static bool split_pair(const char *s, size_t n, char **key, char **value)
{
    size_t d = 0;
    while (d < n && s[d] != '=' && s[d] != ':')
        d++;
    if (d == n)
        return false;
    *key = dup_trim(s, d, true);
    *value = dup_trim(s + d + 1, n - d - 1, false);
    if (!*key || !*value) {
        free(*key);
        wipe_free(*value);
        *key = *value = NULL;
        return true; /* caller sees NULL: out of memory */
    }
    if (!**key) {
        free(*key);
        wipe_free(*value);
        *key = *value = NULL;
        return false;
    }
    return true;
}

enum ini_status ini_parse(struct ini_doc *doc, const char *text, size_t len,
                          unsigned *line, char *err, size_t errsize)
{
    ini_init(doc);
    if (line)
        *line = 0;
    if (err && errsize)
        err[0] = '\0';
    if (!text)
        len = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    size_t cur = (size_t)-1;  /* current section */
    size_t last = (size_t)-1; /* last top-level entry, for continuations */
    bool nested = false;      /* last entry had an empty value */
    unsigned lineno = 0;
    size_t pos = 0;
    while (pos < len) {
        lineno++;
        const char *s = text + pos;
        const char *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        pos += n + (nl ? 1 : 0);
        if (n && s[n - 1] == '\r')
            n--;
        size_t i = 0;
        while (i < n && blank(s[i]))
            i++;
        if (i == n) { /* blank line ends a value */
            last = (size_t)-1;
            continue;
        }
        if (s[i] == '#' || s[i] == ';')
            continue;
        bool indented = i > 0;
        if (indented && last != (size_t)-1) {
            struct ini_entry *parent = &doc->entries[last];
            if (nested) {
                char *k, *v;
                if (!split_pair(s + i, n - i, &k, &v))
                    return fail(INI_E_SYNTAX, lineno, line, err, errsize);
                if (!k)
                    return fail(INI_E_NOMEM, lineno, line, err, errsize);
                size_t pl = strlen(parent->key), kl = strlen(k);
                char *full = malloc(pl + 1 + kl + 1);
                if (!full) {
                    free(k);
                    wipe_free(v);
                    return fail(INI_E_NOMEM, lineno, line, err, errsize);
                }
                memcpy(full, parent->key, pl);
                full[pl] = '.';
                memcpy(full + pl + 1, k, kl + 1);
                free(k);
                size_t sec = parent->section;
                if (ini_get(doc, sec, full)) {
                    free(full);
                    wipe_free(v);
                    return fail(INI_E_DUPLICATE_KEY, lineno, line, err,
                                errsize);
                }
                if (!add_entry(doc, sec, full, v, lineno)) {
                    free(full);
                    wipe_free(v);
                    return fail(INI_E_NOMEM, lineno, line, err, errsize);
                }
            } else {
                char *more = dup_trim(s + i, n - i, false);
                if (!more)
                    return fail(INI_E_NOMEM, lineno, line, err, errsize);
                size_t ol = strlen(parent->value), ml = strlen(more);
                char *v = malloc(ol + 1 + ml + 1);
                if (!v) {
                    wipe_free(more);
                    return fail(INI_E_NOMEM, lineno, line, err, errsize);
                }
                memcpy(v, parent->value, ol);
                v[ol] = '\n';
                memcpy(v + ol + 1, more, ml + 1);
                wipe_free(more);
                wipe_free(parent->value);
                parent->value = v;
            }
            continue;
        }
        if (s[i] == '[') {
            const char *close = NULL;
            for (size_t k = n; k > i + 1; k--)
                if (s[k - 1] == ']') {
                    close = s + k - 1;
                    break;
                }
            if (!close)
                return fail(INI_E_SYNTAX, lineno, line, err, errsize);
            /* Only blanks or a comment may follow the ']'. */
            const char *after = close + 1, *end = s + n;
            while (after < end && blank(*after))
                after++;
            if (after < end && *after != '#' && *after != ';')
                return fail(INI_E_SYNTAX, lineno, line, err, errsize);
            char *name =
                dup_trim(s + i + 1, (size_t)(close - (s + i + 1)), false);
            if (!name)
                return fail(INI_E_NOMEM, lineno, line, err, errsize);
            if (!*name) {
                free(name);
                return fail(INI_E_SYNTAX, lineno, line, err, errsize);
            }
            if (ini_section(doc, name)) {
                free(name);
                return fail(INI_E_DUPLICATE_SECTION, lineno, line, err,
                            errsize);
            }
            if (!add_section(doc, name, lineno)) {
                free(name);
                return fail(INI_E_NOMEM, lineno, line, err, errsize);
            }
            cur = doc->section_count - 1;
            last = (size_t)-1;
            continue;
        }
        char *k, *v;
        if (!split_pair(s + i, n - i, &k, &v))
            return fail(INI_E_SYNTAX, lineno, line, err, errsize);
        if (!k)
            return fail(INI_E_NOMEM, lineno, line, err, errsize);
        if (cur == (size_t)-1) {
            free(k);
            wipe_free(v);
            return fail(INI_E_NO_SECTION, lineno, line, err, errsize);
        }
        if (ini_get(doc, cur, k)) {
            free(k);
            wipe_free(v);
            return fail(INI_E_DUPLICATE_KEY, lineno, line, err, errsize);
        }
        if (!add_entry(doc, cur, k, v, lineno)) {
            free(k);
            wipe_free(v);
            return fail(INI_E_NOMEM, lineno, line, err, errsize);
        }
        last = doc->entry_count - 1;
        nested = v[0] == '\0';
    }
    return INI_OK;
}

/* ---- AWS key pairs ------------------------------------------------------ */

bool ini_secret_valid(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= 32 || c >= 127)
            return false;
    }
    return true;
}

bool ini_key_id_valid(const char *s)
{
    return ini_secret_valid(s) && !strchr(s, '/') && strlen(s) <= 128;
}

const char *ini_profile_name(const char *section)
{
    if (strncmp(section, "profile", 7) == 0 &&
        (section[7] == ' ' || section[7] == '\t')) {
        const char *p = section + 7;
        while (*p == ' ' || *p == '\t')
            p++;
        return p;
    }
    return section;
}

/* The entry, or NULL when it is absent or empty. */
static const struct ini_entry *nonempty(const struct ini_doc *doc,
                                        size_t section, const char *key)
{
    const struct ini_entry *e = ini_get(doc, section, key);
    return e && *e->value ? e : NULL;
}

enum ini_keys_status ini_keys(const struct ini_doc *doc, size_t section,
                              struct ini_keys *out)
{
    out->id = nonempty(doc, section, "aws_access_key_id");
    out->secret = nonempty(doc, section, "aws_secret_access_key");
    out->token = nonempty(doc, section, "aws_session_token");
    if (!out->token)
        out->token = nonempty(doc, section, "aws_security_token");
    if (!out->id && !out->secret)
        return INI_KEYS_NONE;
    if (!out->id || !out->secret)
        return INI_KEYS_PARTIAL;
    if (!ini_key_id_valid(out->id->value))
        return INI_KEYS_BAD_ID;
    if (!ini_secret_valid(out->secret->value))
        return INI_KEYS_BAD_SECRET;
    if (out->token && !ini_secret_valid(out->token->value))
        return INI_KEYS_BAD_TOKEN;
    return INI_KEYS_OK;
}

static const char *const keys_messages[] = {
#define X(id, msg) [id] = msg,
    INI_KEYS_STATUSES(X)
#undef X
};

const char *ini_keys_error(const struct ini_doc *doc, size_t section,
                           enum ini_keys_status status,
                           const struct ini_keys *keys, const char *path,
                           char *buf, size_t size)
{
    const char *sname = doc->sections[section].name;
    unsigned line = doc->sections[section].line;
    if (!buf || size == 0)
        return buf;
    switch (status) {
    case INI_KEYS_PARTIAL: {
        const struct ini_entry *have = keys->id ? keys->id : keys->secret;
        snprintf(buf, size,
                 "%s:%u: [%s] has %s but no %s (partial credentials)", path,
                 have->line, sname,
                 keys->id ? "aws_access_key_id" : "aws_secret_access_key",
                 keys->id ? "aws_secret_access_key" : "aws_access_key_id");
        return buf;
    }
    case INI_KEYS_BAD_ID:
        line = keys->id->line;
        break;
    case INI_KEYS_BAD_SECRET:
        line = keys->secret->line;
        break;
    case INI_KEYS_BAD_TOKEN:
        snprintf(buf, size, "%s:%u: %s has blanks or control characters", path,
                 keys->token->line, keys->token->key);
        return buf;
    default:
        break;
    }
    if ((size_t)status >= sizeof(keys_messages) / sizeof(*keys_messages))
        snprintf(buf, size, "%s:%u: [%s]: unknown key problem", path, line,
                 sname);
    else
        snprintf(buf, size, "%s:%u: %s", path, line, keys_messages[status]);
    return buf;
}
