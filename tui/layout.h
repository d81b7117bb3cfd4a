#ifndef FUOTA_TUI_LAYOUT_H
#define FUOTA_TUI_LAYOUT_H

/*
 * Layout arithmetic, kept apart from drawing so it can be tested: where
 * the frame's lines go, how the wizard splits the body, how a list
 * scrolls to keep its focus in view. Pure functions of sizes.
 */

#include <stdbool.h>

/* The smallest terminal the console draws on. */
#define TUI_MIN_COLS  80
#define TUI_MIN_LINES 24
/* From this width on the wizard puts the preview beside the form. */
#define TUI_SPLIT_COLS 110

struct tui_rect {
    int y, x, h, w;
};

/* Every screen: header (line 1), body, message line, key hints bar. */
struct tui_frame_layout {
    bool too_small;
    struct tui_rect header, body, message, hints;
};

void layout_frame(int lines, int cols, struct tui_frame_layout *out);

/*
 * The wizard's body: split (form left, preview right) from TUI_SPLIT_COLS
 * columns on; below that the form takes the width and the preview folds
 * into a two-line strip under it (strip.h == 0 when split).
 */
struct wizard_layout {
    bool split;
    struct tui_rect form, preview, strip;
};

void layout_wizard(const struct tui_rect *body, struct wizard_layout *out);

/*
 * Columns of a form row inside a box of inner width `inner_w`: the label
 * column, the field (between brackets) and what is left for the
 * diagnostic beside it. `want` is the field's own width (0 = as wide as
 * fits, leaving at least `diag_min` columns for the diagnostic).
 */
struct form_columns {
    int label_x, label_w; /* label */
    int field_x, field_w; /* field text (the brackets sit around it) */
    int diag_x, diag_w;   /* glyph + message; diag_w may be 0 */
};

void layout_form_row(int inner_w, int want, struct form_columns *out);

/*
 * The first visible row of a list of `total` rows shown `visible` at a
 * time, given the current first row, so that row `focus` is in view,
 * moving as little as possible; always within 0..max(0, total - visible).
 */
int layout_scroll(int first, int focus, int visible, int total);

/* A rect of h x w centred in area (clipped to it). */
struct tui_rect layout_center(const struct tui_rect *area, int h, int w);

#endif
