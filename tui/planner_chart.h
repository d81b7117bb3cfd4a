#ifndef FUOTA_TUI_PLANNER_CHART_H
#define FUOTA_TUI_PLANNER_CHART_H

/*
 * The pure parts of the planner's chart (tui/planner.c): where the chart,
 * its axes, the point panel and the recommendation go in the window;
 * values to dots; nice axis ticks; a canvas that rasterises curves,
 * markers, an interval band and a target line into terminal cells, as
 * braille (2 x 4 dots a cell) where the locale is UTF-8 or ASCII (1 x 2:
 * '.', '\'' and '|'); and which point the cursor is on. No curses, no
 * threads: every function is a function of its arguments
 * (tests/unit/test_planner_chart.c).
 *
 * Dots: x counts from the left, y from the bottom (0 = the lowest dot
 * row), so a higher value is a higher y. Rows of cells count from the
 * top, as the terminal does.
 *
 * Each curve (one loss level) has a marker glyph of its own at its
 * points, so the curves read apart without colour; the lines between the
 * points are dots. A cell shows, of what falls in it: a marker, else
 * line dots, else the target line, else the band, else nothing.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tui/layout.h"

/* Curves the chart draws at most (one per loss level). */
#define PL_CURVES_MAX 8
/* Bytes a cell's text takes at most, with its NUL. */
#define PL_CELL_TEXT 8

enum pl_raster { PL_BRAILLE, PL_ASCII };

/* Dots a cell holds across and down. */
int pl_dots_x(enum pl_raster m);
int pl_dots_y(enum pl_raster m);

/* The marker of curve k (distinct for k < PL_CURVES_MAX), UTF-8 or
 * ASCII; one column wide. */
const char *pl_marker(int k, enum pl_raster m);
/* Axis pieces: the vertical axis, a tick on it, the horizontal axis, a
 * tick on it, their corner, the band's shade and the target line. */
enum pl_piece {
    PL_AXIS_V,
    PL_TICK_V,
    PL_AXIS_H,
    PL_TICK_H,
    PL_CORNER,
    PL_SHADE,
    PL_TARGET_LINE,
    PL_PIECE_COUNT
};
const char *pl_piece(enum pl_piece p, enum pl_raster m);

/*
 * v in [lo, hi] to a dot 0..n-1, rounded to the nearest and clamped
 * (outside the range: the nearest end). lo == hi (one level): the
 * middle. n < 1: 0.
 */
int pl_scale(double v, double lo, double hi, int n);

/*
 * Nice ticks for an axis from lo to hi drawn over `room` cells with at
 * least `gap` cells between two ticks: the smallest step of 1, 2, 2.5, 5
 * x 10^k that keeps them apart (at least 1 for whole-number axes when
 * `whole`) and gives at most max ticks, and every multiple of it in
 * [lo, hi], ascending; returns how many. lo == hi: that one value.
 */
size_t pl_ticks(double lo, double hi, int room, int gap, bool whole,
                double *out, size_t max);

/* --- the canvas --------------------------------------------------------- */

enum pl_layer {
    PL_LAYER_EMPTY,
    PL_LAYER_BAND,
    PL_LAYER_TARGET,
    PL_LAYER_LINE,
    PL_LAYER_MARKER
};

struct pl_cell {
    uint8_t dots;  /* braille: bits of U+2800; ASCII: 1 lower, 2 upper */
    int8_t line;   /* the curve the dots are drawn for (the last one) */
    int8_t marker; /* the curve whose marker is here, or -1 */
    bool band;     /* inside the interval band */
    bool target;   /* the target line crosses it */
    bool cursor;   /* the cursor's point */
};

struct pl_canvas {
    enum pl_raster mode;
    int w, h;             /* cells */
    struct pl_cell *cell; /* w x h, row by row from the top */
};

/* A blank canvas of w x h cells (heap). False on out of memory or a
 * size below 1. */
bool pl_canvas_init(struct pl_canvas *c, enum pl_raster m, int w, int h)
    __attribute__((warn_unused_result));
/* Accepts a canvas that was never initialised successfully (zeroed). */
void pl_canvas_cleanup(struct pl_canvas *c);
/* Dots across and down. */
int pl_canvas_xdots(const struct pl_canvas *c);
int pl_canvas_ydots(const struct pl_canvas *c);

/* One dot of curve k (outside the canvas: nothing). */
void pl_canvas_dot(struct pl_canvas *c, int x, int y, int k);
/* A straight line of dots from (x0, y0) to (x1, y1), both ends in. */
void pl_canvas_line(struct pl_canvas *c, int x0, int y0, int x1, int y1, int k);
/* Curve k's marker in the cell of dot (x, y); `cursor` marks it as the
 * cursor's point. A marker already there stays unless this is the
 * cursor's. */
void pl_canvas_marker(struct pl_canvas *c, int x, int y, int k, bool cursor);
/* A curve: lines between consecutive points, then a marker at each
 * (cursor: the index of the cursor's point, or n for none). */
void pl_canvas_curve(struct pl_canvas *c, const int *xs, const int *ys,
                     size_t n, int k, size_t cursor);
/* The band between lo[i] and hi[i] at xs[i], filled between points by
 * straight lines from one point's ends to the next's. */
void pl_canvas_band(struct pl_canvas *c, const int *xs, const int *lo,
                    const int *hi, size_t n);
/* The target line across the whole canvas at dot row y. */
void pl_canvas_target(struct pl_canvas *c, int y);

/*
 * What cell (col, row) shows (row 0 at the top): its text into buf
 * (PL_CELL_TEXT bytes; "" never: a blank is " "), the layer it comes
 * from and, for a line or marker, the curve (else -1). Returns buf.
 */
const char *pl_canvas_text(const struct pl_canvas *c, int col, int row,
                           char *buf, enum pl_layer *layer, int *curve);

/* --- the cursor --------------------------------------------------------- */

/* Index of the value nearest x in v[0..n-1] (ties: the lower index);
 * 0 when n == 0. */
size_t pl_nearest(const double *v, size_t n, double x);

/* Moves an index by step within 0..n-1 (clamped; n == 0: 0). */
size_t pl_step(size_t at, long step, size_t n);

/*
 * The point whose dot column xs[i] falls nearest the middle of cell
 * column col (dots_x dots a cell); n when n == 0.
 */
size_t pl_point_at_column(const int *xs, size_t n, int col, int dots_x);

/* --- the window --------------------------------------------------------- */

/*
 * Where everything goes in a planner window of h x w cells (the box
 * included). From PL_SIDE_COLS columns on, a panel beside the chart
 * reads the cursor's point and holds the legend; narrower, two lines
 * under the chart read the point and one line holds the legend. The
 * recommendation takes the last rec_lines lines inside the box.
 * plot.h < 2 or plot.w < 8: too small to draw a chart.
 */
#define PL_SIDE_COLS    110
#define PL_SIDE_W       36
#define PL_LABEL_W      6 /* "100 %" and the axis */
#define PL_READOUT_ROWS 2

struct pl_layout {
    bool side;
    struct tui_rect plot;  /* the canvas, window coordinates */
    int label_x;           /* y labels from here, PL_LABEL_W - 1 wide */
    int axis_y;            /* the x axis row */
    int ticks_y;           /* the x tick labels row */
    int legend_y;          /* narrow: the legend row; side: -1 */
    struct tui_rect panel; /* side panel, or the readout lines */
    struct tui_rect rec;   /* the recommendation lines */
};

void pl_layout_compute(int h, int w, int rec_lines, struct pl_layout *out);

#endif
