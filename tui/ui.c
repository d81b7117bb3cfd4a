#include "tui/ui.h"

#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

static bool unicode;

static const char *const glyph_utf8[GLYPH_COUNT] = {
    [GLYPH_ERROR] = "✗",    [GLYPH_WARNING] = "!", [GLYPH_NOTE] = "·",
    [GLYPH_OK] = "✓",       [GLYPH_SIM] = "●",     [GLYPH_LIVE] = "▲",
    [GLYPH_ELLIPSIS] = "…", [GLYPH_DOT] = "·",     [GLYPH_LEFT] = "‹",
    [GLYPH_RIGHT] = "›",    [GLYPH_ARROW] = "→",   [GLYPH_UP] = "↑",
    [GLYPH_DOWN] = "↓",     [GLYPH_FULL] = "█",    [GLYPH_LIGHT] = "░",
    [GLYPH_MEDIUM] = "▒",   [GLYPH_HALF] = "◐",    [GLYPH_EMPTY] = "○",
    [GLYPH_VBAR] = "│",
};

static const char *const glyph_ascii[GLYPH_COUNT] = {
    [GLYPH_ERROR] = "x",    [GLYPH_WARNING] = "!", [GLYPH_NOTE] = "-",
    [GLYPH_OK] = "+",       [GLYPH_SIM] = "*",     [GLYPH_LIVE] = "^",
    [GLYPH_ELLIPSIS] = ">", [GLYPH_DOT] = "-",     [GLYPH_LEFT] = "<",
    [GLYPH_RIGHT] = ">",    [GLYPH_ARROW] = ">",   [GLYPH_UP] = "^",
    [GLYPH_DOWN] = "v",     [GLYPH_FULL] = "#",    [GLYPH_LIGHT] = ".",
    [GLYPH_MEDIUM] = ":",   [GLYPH_HALF] = "o",    [GLYPH_EMPTY] = ".",
    [GLYPH_VBAR] = "|",
};

void ui_init_glyphs(void)
{
    const char *cs = nl_langinfo(CODESET);
    unicode = cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

bool ui_unicode(void)
{
    return unicode;
}

const char *ui_glyph(enum ui_glyph g)
{
    if (g < 0 || g >= GLYPH_COUNT)
        return "?";
    return unicode ? glyph_utf8[g] : glyph_ascii[g];
}

/* The next character of s: its wide value, byte length and columns. */
static size_t next_char(const char *s, size_t len, wchar_t *wc, int *cols)
{
    mbstate_t st;
    memset(&st, 0, sizeof(st));
    size_t n = mbrtowc(wc, s, len, &st);
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
        *wc = L'?';
        *cols = 1;
        return 1;
    }
    int w = wcwidth(*wc);
    if (w < 0) {
        *wc = L'?';
        w = 1;
    }
    *cols = w;
    return n;
}

size_t ui_byte_at_column(const char *s, int col)
{
    size_t len = strlen(s), at = 0;
    for (int c = 0; at < len && c < col;) {
        wchar_t wc;
        int cols;
        at += next_char(s + at, len - at, &wc, &cols);
        c += cols;
    }
    return at;
}

int ui_width(const char *s)
{
    int total = 0;
    size_t len = strlen(s);
    while (len) {
        wchar_t wc;
        int cols;
        size_t n = next_char(s, len, &wc, &cols);
        total += cols;
        s += n;
        len -= n;
    }
    return total;
}

int ui_put(WINDOW *win, int y, int x, int w, enum tui_role role, const char *s,
           bool pad)
{
    if (w <= 0)
        return 0;
    int total = ui_width(s);
    bool cut = total > w;
    int room = cut ? w - 1 : w; /* keep a column for the ellipsis */
    wattrset(win, theme_attr(role));
    wmove(win, y, x);
    int used = 0;
    size_t len = strlen(s);
    while (len) {
        wchar_t wc;
        int cols;
        size_t n = next_char(s, len, &wc, &cols);
        if (used + cols > room)
            break;
        wchar_t one[2] = { wc, 0 };
        if (wc < 0x20 || wc == 0x7f)
            one[0] = L'?';
        waddnwstr(win, one, 1);
        used += cols;
        s += n;
        len -= n;
    }
    if (cut) {
        waddstr(win, ui_glyph(GLYPH_ELLIPSIS));
        used++;
    }
    if (pad)
        for (; used < w; used++)
            waddch(win, ' ');
    wattrset(win, A_NORMAL);
    return used;
}

int ui_putf(WINDOW *win, int y, int x, int w, enum tui_role role,
            const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return ui_put(win, y, x, w, role, buf, false);
}

void ui_fill(WINDOW *win, int y, int x, int w, enum tui_role role)
{
    if (w <= 0)
        return;
    wattrset(win, theme_attr(role));
    mvwhline(win, y, x, ' ', w);
    wattrset(win, A_NORMAL);
}

void ui_box(WINDOW *win, const char *title, const char *right)
{
    int h, w;
    getmaxyx(win, h, w);
    (void)h;
    wattrset(win, theme_attr(ROLE_BORDER));
    box(win, 0, 0);
    wattrset(win, A_NORMAL);
    int rw = 0;
    if (right && *right) {
        char r[256];
        snprintf(r, sizeof(r), " %s ", right);
        rw = ui_width(r);
        if (rw > w / 2)
            rw = w / 2;
        ui_put(win, 0, w - 1 - rw, rw, ROLE_TITLE, r, false);
    }
    if (title && *title) {
        char t[512];
        snprintf(t, sizeof(t), " %s ", title);
        ui_put(win, 0, 1, w - 3 - rw, ROLE_TITLE, t, false);
    }
}

void ui_background(WINDOW *win, enum tui_role role)
{
    wbkgdset(win, (chtype)(' ' | (unsigned)theme_attr(role)));
}

size_t ui_wrap(const char *text, int width, const char **starts, size_t *lens,
               size_t max)
{
    size_t count = 0;
    const char *p = text;
    if (width < 1)
        width = 1;
    while (*p) {
        const char *line = p;
        const char *brk = NULL; /* end of the last word that fits */
        const char *q = p;
        int cols = 0;
        while (*q && *q != '\n') {
            wchar_t wc;
            int cw;
            size_t k = next_char(q, strlen(q), &wc, &cw);
            if (cols + cw > width)
                break;
            cols += cw;
            q += k;
            if (*q == ' ' || *q == '\n' || !*q)
                brk = q;
        }
        const char *end;
        if (!*q || *q == '\n')
            end = q;
        else if (brk && brk > line)
            end = brk;
        else
            end = q; /* a word longer than the line: cut it */
        if (count < max) {
            starts[count] = line;
            lens[count] = (size_t)(end - line);
        }
        count++;
        p = end;
        if (*p == '\n')
            p++;
        else
            while (*p == ' ')
                p++;
    }
    return count;
}

void ui_put_span(WINDOW *win, int y, int x, int w, enum tui_role role,
                 const char *start, size_t len)
{
    char buf[1024];
    if (len >= sizeof(buf))
        len = sizeof(buf) - 1;
    memcpy(buf, start, len);
    buf[len] = '\0';
    ui_put(win, y, x, w, role, buf, false);
}
