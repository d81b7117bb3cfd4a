#include "tui/theme.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

static const char *const role_names[] = {
#define X(id, name) [id] = name,
    TUI_ROLES(X)
#undef X
};

const char *theme_role_name(enum tui_role role)
{
    return (size_t)role < TUI_ROLE_COUNT ? role_names[role] : "";
}

#define D THEME_DEFAULT_COLOR
/* The default look: the one themes/default.theme spells out (a unit test
 * checks the two agree). Colours 0..7 so it works on any colour terminal. */
static const struct theme_style default_styles[TUI_ROLE_COUNT] = {
    [ROLE_NORMAL] = { D, D, 0 },
    [ROLE_DIM] = { D, D, THEME_DIM },
    [ROLE_TITLE] = { COLOR_CYAN, D, THEME_BOLD },
    [ROLE_FOCUS] = { COLOR_BLACK, COLOR_CYAN, 0 },
    [ROLE_FIELD] = { D, D, THEME_UNDERLINE },
    [ROLE_FIELD_ERROR] = { COLOR_RED, D, THEME_BOLD },
    [ROLE_FIELD_WARNING] = { COLOR_YELLOW, D, 0 },
    [ROLE_OK] = { COLOR_GREEN, D, 0 },
    [ROLE_ALARM] = { COLOR_WHITE, COLOR_RED, THEME_BOLD },
    [ROLE_LIVE_BADGE] = { COLOR_WHITE, COLOR_RED, THEME_BOLD },
    [ROLE_SIM_BADGE] = { COLOR_BLACK, COLOR_GREEN, 0 },
    [ROLE_CHART_1] = { COLOR_CYAN, D, 0 },
    [ROLE_CHART_2] = { COLOR_GREEN, D, 0 },
    [ROLE_CHART_3] = { COLOR_YELLOW, D, 0 },
    [ROLE_CHART_4] = { COLOR_MAGENTA, D, 0 },
    [ROLE_CHART_5] = { COLOR_RED, D, 0 },
    [ROLE_CHART_6] = { COLOR_BLUE, D, 0 },
    [ROLE_BAND] = { COLOR_BLUE, D, THEME_DIM },
    [ROLE_HEADER] = { COLOR_BLACK, COLOR_WHITE, 0 },
    [ROLE_BORDER] = { COLOR_BLUE, D, 0 },
    [ROLE_HINT_KEY] = { D, D, THEME_BOLD },
    [ROLE_HINT] = { COLOR_BLACK, COLOR_CYAN, 0 },
    [ROLE_SELECTED] = { COLOR_BLACK, COLOR_YELLOW, 0 },
};

/* Attributes only: bold, reverse, underline, dim (htop's monochrome). */
static const struct theme_style mono_styles[TUI_ROLE_COUNT] = {
    [ROLE_NORMAL] = { D, D, 0 },
    [ROLE_DIM] = { D, D, THEME_DIM },
    [ROLE_TITLE] = { D, D, THEME_BOLD },
    [ROLE_FOCUS] = { D, D, THEME_REVERSE },
    [ROLE_FIELD] = { D, D, THEME_UNDERLINE },
    [ROLE_FIELD_ERROR] = { D, D, THEME_BOLD },
    [ROLE_FIELD_WARNING] = { D, D, THEME_UNDERLINE },
    [ROLE_OK] = { D, D, 0 },
    [ROLE_ALARM] = { D, D, THEME_BOLD | THEME_REVERSE },
    [ROLE_LIVE_BADGE] = { D, D, THEME_BOLD | THEME_REVERSE },
    [ROLE_SIM_BADGE] = { D, D, THEME_BOLD },
    [ROLE_CHART_1] = { D, D, THEME_BOLD },
    [ROLE_CHART_2] = { D, D, 0 },
    [ROLE_CHART_3] = { D, D, THEME_UNDERLINE },
    [ROLE_CHART_4] = { D, D, THEME_DIM },
    [ROLE_CHART_5] = { D, D, THEME_BOLD | THEME_UNDERLINE },
    [ROLE_CHART_6] = { D, D, THEME_REVERSE },
    [ROLE_BAND] = { D, D, THEME_DIM },
    [ROLE_HEADER] = { D, D, THEME_REVERSE },
    [ROLE_BORDER] = { D, D, 0 },
    [ROLE_HINT_KEY] = { D, D, THEME_BOLD },
    [ROLE_HINT] = { D, D, THEME_REVERSE },
    [ROLE_SELECTED] = { D, D, THEME_REVERSE | THEME_BOLD },
};
#undef D

void theme_default(struct theme *out)
{
    memset(out, 0, sizeof(*out));
    snprintf(out->name, sizeof(out->name), "default");
    memcpy(out->role, default_styles, sizeof(out->role));
}

void theme_monochrome(struct theme *out)
{
    memset(out, 0, sizeof(*out));
    snprintf(out->name, sizeof(out->name), "monochrome");
    out->monochrome = true;
    memcpy(out->role, mono_styles, sizeof(out->role));
}

static const struct {
    const char *name;
    short value;
} colour_names[] = {
    { "default", THEME_DEFAULT_COLOR },
    { "black", COLOR_BLACK },
    { "red", COLOR_RED },
    { "green", COLOR_GREEN },
    { "yellow", COLOR_YELLOW },
    { "blue", COLOR_BLUE },
    { "magenta", COLOR_MAGENTA },
    { "cyan", COLOR_CYAN },
    { "white", COLOR_WHITE },
};

static const struct {
    const char *name;
    unsigned flag;
} attr_names[] = {
    { "normal", 0 },
    { "bold", THEME_BOLD },
    { "dim", THEME_DIM },
    { "reverse", THEME_REVERSE },
    { "underline", THEME_UNDERLINE },
    { "standout", THEME_STANDOUT },
    { "blink", THEME_BLINK },
};

static bool parse_colour(const char *word, short *out)
{
    const char *name = word;
    short bright = 0;
    if (strncmp(word, "bright-", 7) == 0) {
        name = word + 7;
        bright = 8;
    }
    for (size_t i = 0; i < sizeof(colour_names) / sizeof(colour_names[0]); i++)
        if (strcmp(name, colour_names[i].name) == 0) {
            if (bright && colour_names[i].value < 0)
                return false;
            *out = (short)(colour_names[i].value + bright);
            return true;
        }
    if (bright || word[0] < '0' || word[0] > '9')
        return false;
    char *end;
    errno = 0;
    long v = strtol(word, &end, 10);
    if (errno || *end || v < 0 || v > 255)
        return false;
    *out = (short)v;
    return true;
}

static bool parse_role(const char *word, enum tui_role *out)
{
    for (size_t i = 0; i < TUI_ROLE_COUNT; i++)
        if (strcmp(word, role_names[i]) == 0) {
            *out = (enum tui_role)i;
            return true;
        }
    return false;
}

static bool parse_attr(const char *word, unsigned *flags)
{
    for (size_t i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++)
        if (strcmp(word, attr_names[i].name) == 0) {
            *flags |= attr_names[i].flag;
            return true;
        }
    return false;
}

#define WORDS_MAX 12

/* Splits a line (cut at '#') into blank-separated words, in place. */
static size_t split(char *line, char **words)
{
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    size_t n = 0;
    char *p = line;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (!*p)
            break;
        if (n == WORDS_MAX)
            return n + 1;
        words[n++] = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r')
            p++;
        if (*p)
            *p++ = '\0';
    }
    return n;
}

static bool parse_line(char *line, struct theme *out, char *why, size_t size)
{
    char *w[WORDS_MAX];
    size_t n = split(line, w);
    if (n == 0)
        return true;
    if (strcmp(w[0], "color") != 0 && strcmp(w[0], "colour") != 0) {
        snprintf(why, size, "unknown command '%.40s' (expected 'color')", w[0]);
        return false;
    }
    if (n < 4) {
        snprintf(why, size, "expected 'color ROLE FG BG [ATTR...]'");
        return false;
    }
    if (n > WORDS_MAX) {
        snprintf(why, size, "too many words");
        return false;
    }
    enum tui_role role;
    if (!parse_role(w[1], &role)) {
        snprintf(why, size, "unknown role '%.40s'", w[1]);
        return false;
    }
    struct theme_style st = { 0, 0, 0 };
    if (!parse_colour(w[2], &st.fg)) {
        snprintf(why, size, "unknown colour '%.40s' for %s", w[2], w[1]);
        return false;
    }
    if (!parse_colour(w[3], &st.bg)) {
        snprintf(why, size, "unknown colour '%.40s' for %s", w[3], w[1]);
        return false;
    }
    for (size_t i = 4; i < n; i++)
        if (!parse_attr(w[i], &st.attrs)) {
            snprintf(why, size, "unknown attribute '%.40s' for %s", w[i], w[1]);
            return false;
        }
    out->role[role] = st;
    return true;
}

bool theme_parse(const char *text, size_t len, const char *name,
                 const char *file, struct theme *out, char *err, size_t errsize)
{
    theme_default(out);
    snprintf(out->name, sizeof(out->name), "%s", name ? name : "");
    out->monochrome = name && strcmp(name, "monochrome") == 0;
    size_t lineno = 0, pos = 0;
    while (pos < len) {
        lineno++;
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        char line[512];
        char why[160];
        size_t n = end - pos;
        if (n >= sizeof(line)) {
            snprintf(err, errsize, "%s:%zu: line too long", file, lineno);
            return false;
        }
        memcpy(line, text + pos, n);
        line[n] = '\0';
        if (memchr(line, '\0', n)) {
            snprintf(err, errsize, "%s:%zu: NUL byte", file, lineno);
            return false;
        }
        if (!parse_line(line, out, why, sizeof(why))) {
            snprintf(err, errsize, "%s:%zu: %s", file, lineno, why);
            return false;
        }
        pos = end + 1;
    }
    return true;
}

#define THEME_FILE_MAX (64 * 1024)

static bool load_file(const char *path, const char *name, struct theme *out,
                      char *err, size_t errsize)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errsize, "%s: %s", path, strerror(errno));
        return false;
    }
    char *buf = malloc(THEME_FILE_MAX + 1);
    if (!buf) {
        fclose(f);
        snprintf(err, errsize, "%s: out of memory", path);
        return false;
    }
    size_t n = fread(buf, 1, THEME_FILE_MAX + 1, f);
    bool failed = ferror(f);
    int e = errno;
    fclose(f);
    bool ok = false;
    if (failed)
        snprintf(err, errsize, "%s: %s", path, strerror(e));
    else if (n > THEME_FILE_MAX)
        snprintf(err, errsize, "%s: larger than %d bytes", path,
                 THEME_FILE_MAX);
    else
        ok = theme_parse(buf, n, name, path, out, err, errsize);
    free(buf);
    return ok;
}

bool theme_load(const char *name, const char *const *dirs, struct theme *out,
                char *err, size_t errsize)
{
    if (strchr(name, '/')) {
        const char *base = strrchr(name, '/') + 1;
        char stem[THEME_NAME_MAX];
        snprintf(stem, sizeof(stem), "%s", base);
        char *dot = strrchr(stem, '.');
        if (dot && strcmp(dot, ".theme") == 0)
            *dot = '\0';
        return load_file(name, stem, out, err, errsize);
    }
    if (name[0] == '\0' || strlen(name) >= THEME_NAME_MAX) {
        snprintf(err, errsize, "'%.80s' is not a theme name", name);
        return false;
    }
    for (size_t i = 0; dirs && dirs[i]; i++) {
        char path[4096];
        int n = snprintf(path, sizeof(path), "%s/%s.theme", dirs[i], name);
        if (n < 0 || (size_t)n >= sizeof(path))
            continue;
        FILE *probe = fopen(path, "rb");
        if (!probe)
            continue;
        fclose(probe);
        return load_file(path, name, out, err, errsize);
    }
    if (strcmp(name, "default") == 0) {
        theme_default(out);
        return true;
    }
    if (strcmp(name, "monochrome") == 0) {
        theme_monochrome(out);
        return true;
    }
    size_t used =
        (size_t)snprintf(err, errsize, "no theme '%s' (looked in", name);
    for (size_t i = 0; dirs && dirs[i] && used < errsize; i++)
        used += (size_t)snprintf(err + used, errsize - used, "%s %s",
                                 i ? "," : "", dirs[i]);
    if (used < errsize)
        snprintf(err + used, errsize - used, ")");
    return false;
}

/* --- curses ------------------------------------------------------------- */

static int applied[TUI_ROLE_COUNT];
static char applied_name[THEME_NAME_MAX] = "default";

static int curses_attrs(unsigned flags)
{
    int a = A_NORMAL;
    if (flags & THEME_BOLD)
        a |= A_BOLD;
    if (flags & THEME_DIM)
        a |= A_DIM;
    if (flags & THEME_REVERSE)
        a |= A_REVERSE;
    if (flags & THEME_UNDERLINE)
        a |= A_UNDERLINE;
    if (flags & THEME_STANDOUT)
        a |= A_STANDOUT;
    if (flags & THEME_BLINK)
        a |= A_BLINK;
    return a;
}

/* A colour the terminal has: bright colours fold onto 0..7 on an
 * 8-colour terminal (the role's attributes still tell them apart). */
static short fit(short c)
{
    if (c < 0 || c < COLORS)
        return c;
    return (short)(c % 8);
}

void theme_apply(const struct theme *t, bool use_color)
{
    struct theme mono;
    bool colour = use_color && !t->monochrome && has_colors();
    if (!colour)
        theme_monochrome(&mono);
    const struct theme *src = colour ? t : &mono;
    snprintf(applied_name, sizeof(applied_name), "%s",
             colour ? t->name : "monochrome");
    for (size_t i = 0; i < TUI_ROLE_COUNT; i++) {
        const struct theme_style *st = &src->role[i];
        int a = curses_attrs(st->attrs);
        if (colour && (st->fg >= 0 || st->bg >= 0) &&
            (int)i + 1 < COLOR_PAIRS) {
            init_pair((short)(i + 1), fit(st->fg), fit(st->bg));
            a |= COLOR_PAIR((int)i + 1);
        }
        applied[i] = a;
    }
}

int theme_attr(enum tui_role role)
{
    return (size_t)role < TUI_ROLE_COUNT ? applied[role] : (int)A_NORMAL;
}

const char *theme_applied_name(void)
{
    return applied_name;
}
