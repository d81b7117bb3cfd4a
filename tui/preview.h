#ifndef FUOTA_TUI_PREVIEW_H
#define FUOTA_TUI_PREVIEW_H

/*
 * The preview: what the update costs, from core/plan's figures for the
 * wizard's model (fragments, padding, time on air, slot, session wall
 * time, duty cycle, decoder RAM, the redundancy the expected loss calls
 * for), then every problem. preview_lines() composes the text (tested
 * without a terminal); the draw functions lay it out.
 */

#include <stddef.h>

#include <curses.h>

#include "tui/model.h"
#include "tui/theme.h"

struct tui;

struct preview_line {
    char label[24];
    char value[200];
    enum tui_role role;
};

#define PREVIEW_LINES_MAX 24

/* The title ("Preview · EU868 DR0 SF12/125 kHz") into buf. */
const char *preview_title(const struct model *m, char *buf, size_t size);

/* The figure lines for the model; returns how many (<= max). */
size_t preview_lines(const struct model *m, struct preview_line *lines,
                     size_t max);

/*
 * The strip of a narrow terminal, two lines: the headline figures
 * ("2084 + 417 = 2501 · 1 h 56 min on air · session 20 h 51 min") and
 * the problem counts.
 */
void preview_strip(const struct model *m, char *line1, size_t size1,
                   char *line2, size_t size2);

/* Draws the preview box into win (the whole window). */
void preview_draw(struct tui *t, WINDOW *win, bool full);
/* Draws the two-line strip into win. */
void preview_draw_strip(struct tui *t, WINDOW *win);

#endif
