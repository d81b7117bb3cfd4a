#ifndef FUOTA_TUI_UI_H
#define FUOTA_TUI_UI_H

/*
 * Drawing helpers every screen shares: UTF-8 text clipped to a number of
 * terminal columns (with "…" where it is cut), boxes with titles, the
 * glyphs (with ASCII stand-ins when the terminal is not UTF-8), all in
 * theme roles (tui/theme.h), never raw colours.
 */

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "tui/theme.h"

enum ui_glyph {
    GLYPH_ERROR,    /* ✗ */
    GLYPH_WARNING,  /* ! */
    GLYPH_NOTE,     /* · */
    GLYPH_OK,       /* ✓ */
    GLYPH_SIM,      /* ● */
    GLYPH_LIVE,     /* ▲ */
    GLYPH_ELLIPSIS, /* … */
    GLYPH_DOT,      /* · separator */
    GLYPH_LEFT,     /* ‹ */
    GLYPH_RIGHT,    /* › */
    GLYPH_ARROW,    /* → */
    GLYPH_UP,       /* ↑ */
    GLYPH_DOWN,     /* ↓ */
    GLYPH_FULL,     /* █ */
    GLYPH_LIGHT,    /* ░ */
    GLYPH_MEDIUM,   /* ▒ */
    GLYPH_HALF,     /* ◐ */
    GLYPH_EMPTY,    /* ○ */
    GLYPH_VBAR,     /* │ */
    GLYPH_COUNT
};

/* Decides between Unicode and ASCII glyphs (call after setlocale). */
void ui_init_glyphs(void);
bool ui_unicode(void);
const char *ui_glyph(enum ui_glyph g);

/* Terminal columns of a UTF-8 string (invalid bytes count 1 each). */
int ui_width(const char *s);

/* The byte offset where column `col` starts in a UTF-8 string (counted as
 * ui_width counts; the string's length when it is narrower). */
size_t ui_byte_at_column(const char *s, int col);

/*
 * Writes s at (y, x) in `role`, at most `w` columns; when it does not fit
 * the last column shows "…". Pads with blanks to w when pad. Returns the
 * columns written (including padding).
 */
int ui_put(WINDOW *win, int y, int x, int w, enum tui_role role, const char *s,
           bool pad);

/* printf form of ui_put (no padding). */
int ui_putf(WINDOW *win, int y, int x, int w, enum tui_role role,
            const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Blanks w columns from (y, x) in role. */
void ui_fill(WINDOW *win, int y, int x, int w, enum tui_role role);

/* A box around the whole window in ROLE_BORDER with " title " on the top
 * edge (clipped) and, when right is not NULL, " right " at its right. */
void ui_box(WINDOW *win, const char *title, const char *right);

/*
 * Word-wraps UTF-8 text into lines of at most `width` columns ('\n'
 * breaks a line; a word longer than a line is cut). Writes up to max
 * line starts and byte lengths; returns the number of lines the whole
 * text needs (which may exceed max).
 */
size_t ui_wrap(const char *text, int width, const char **starts, size_t *lens,
               size_t max);

/* Writes one wrapped line (start, byte length) at (y, x) in role. */
void ui_put_span(WINDOW *win, int y, int x, int w, enum tui_role role,
                 const char *start, size_t len);

/* Sets the window's background to a role (blank cells in that role). */
void ui_background(WINDOW *win, enum tui_role role);

#endif
