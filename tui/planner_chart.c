#include "tui/planner_chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pl_dots_x(enum pl_raster m)
{
    return m == PL_BRAILLE ? 2 : 1;
}

int pl_dots_y(enum pl_raster m)
{
    return m == PL_BRAILLE ? 4 : 2;
}

const char *pl_marker(int k, enum pl_raster m)
{
    static const char *const utf8[PL_CURVES_MAX] = { "●", "■", "▲", "◆",
                                                     "★", "✚", "▼", "◉" };
    static const char *const ascii[PL_CURVES_MAX] = { "o", "x", "+", "#",
                                                      "*", "@", "v", "%" };
    if (k < 0 || k >= PL_CURVES_MAX)
        return "?";
    return m == PL_BRAILLE ? utf8[k] : ascii[k];
}

const char *pl_piece(enum pl_piece p, enum pl_raster m)
{
    static const char *const utf8[PL_PIECE_COUNT] = {
        [PL_AXIS_V] = "│",      [PL_TICK_V] = "┤", [PL_AXIS_H] = "─",
        [PL_TICK_H] = "┬",      [PL_CORNER] = "└", [PL_SHADE] = "░",
        [PL_TARGET_LINE] = "╌",
    };
    static const char *const ascii[PL_PIECE_COUNT] = {
        [PL_AXIS_V] = "|",      [PL_TICK_V] = "+", [PL_AXIS_H] = "-",
        [PL_TICK_H] = "+",      [PL_CORNER] = "+", [PL_SHADE] = ":",
        [PL_TARGET_LINE] = "-",
    };
    if (p < 0 || p >= PL_PIECE_COUNT)
        return "?";
    return m == PL_BRAILLE ? utf8[p] : ascii[p];
}

int pl_scale(double v, double lo, double hi, int n)
{
    if (n < 1 || isnan(v))
        return 0;
    if (!(hi - lo > 1e-12))
        return (n - 1) / 2;
    double at = (v - lo) / (hi - lo) * (double)(n - 1);
    if (at <= 0.0)
        return 0;
    if (at >= (double)(n - 1))
        return n - 1;
    return (int)lround(at);
}

size_t pl_ticks(double lo, double hi, int room, int gap, bool whole,
                double *out, size_t max)
{
    if (max == 0 || !(hi >= lo))
        return 0;
    double span = hi - lo;
    if (span < 1e-12 || room < 2) {
        out[0] = lo;
        return 1;
    }
    static const double mant[] = { 1.0, 2.0, 2.5, 5.0 };
    double step = span;
    bool found = false;
    for (int e = -3; e <= 9 && !found; e++)
        for (size_t i = 0; i < sizeof(mant) / sizeof(mant[0]); i++) {
            double s = mant[i] * pow(10.0, e);
            if (whole && (s < 1.0 || floor(s) != s))
                continue;
            if (s / span * (double)(room - 1) >= (double)gap - 1e-9 &&
                floor(span / s + 1e-9) + 1.0 <= (double)max) {
                step = s;
                found = true;
                break;
            }
        }
    size_t n = 0;
    double first = ceil(lo / step - 1e-9);
    for (double k = first; n < max; k += 1.0) {
        double v = k * step;
        if (v > hi + step * 1e-9)
            break;
        /* Keep 0.1 * 3 as 0.3 on the labels. */
        out[n++] = round(v * 1e9) / 1e9 + 0.0; /* never "-0" */
    }
    return n;
}

/* --- the canvas ---------------------------------------------------------- */

bool pl_canvas_init(struct pl_canvas *c, enum pl_raster m, int w, int h)
{
    memset(c, 0, sizeof(*c));
    if (w < 1 || h < 1)
        return false;
    c->cell = calloc((size_t)w * (size_t)h, sizeof(*c->cell));
    if (!c->cell)
        return false;
    c->mode = m;
    c->w = w;
    c->h = h;
    for (size_t i = 0; i < (size_t)w * (size_t)h; i++) {
        c->cell[i].line = -1;
        c->cell[i].marker = -1;
    }
    return true;
}

void pl_canvas_cleanup(struct pl_canvas *c)
{
    free(c->cell);
    memset(c, 0, sizeof(*c));
}

int pl_canvas_xdots(const struct pl_canvas *c)
{
    return c->w * pl_dots_x(c->mode);
}

int pl_canvas_ydots(const struct pl_canvas *c)
{
    return c->h * pl_dots_y(c->mode);
}

/* The cell of dot (x, y), or NULL outside the canvas. */
static struct pl_cell *cell_of(struct pl_canvas *c, int x, int y)
{
    if (!c->cell || x < 0 || y < 0 || x >= pl_canvas_xdots(c) ||
        y >= pl_canvas_ydots(c))
        return NULL;
    int col = x / pl_dots_x(c->mode);
    int row = c->h - 1 - y / pl_dots_y(c->mode);
    return &c->cell[(size_t)row * (size_t)c->w + (size_t)col];
}

void pl_canvas_dot(struct pl_canvas *c, int x, int y, int k)
{
    struct pl_cell *cell = cell_of(c, x, y);
    if (!cell)
        return;
    int dy = pl_dots_y(c->mode);
    int top = dy - 1 - y % dy; /* dot row inside the cell, from its top */
    uint8_t bit;
    if (c->mode == PL_BRAILLE) {
        static const uint8_t left[4] = { 0x01, 0x02, 0x04, 0x40 };
        static const uint8_t right[4] = { 0x08, 0x10, 0x20, 0x80 };
        bit = x % 2 ? right[top] : left[top];
    } else {
        bit = top == 0 ? 2 : 1;
    }
    cell->dots |= bit;
    cell->line = (int8_t)k;
}

void pl_canvas_line(struct pl_canvas *c, int x0, int y0, int x1, int y1, int k)
{
    /* Bresenham, every octant. */
    int dx = abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
    int dy = -abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
    int err = dx + dy;
    for (;;) {
        pl_canvas_dot(c, x0, y0, k);
        if (x0 == x1 && y0 == y1)
            return;
        int e2 = 2 * err;
        if (e2 >= dy) {
            err += dy;
            x0 += sx;
        }
        if (e2 <= dx) {
            err += dx;
            y0 += sy;
        }
    }
}

void pl_canvas_marker(struct pl_canvas *c, int x, int y, int k, bool cursor)
{
    struct pl_cell *cell = cell_of(c, x, y);
    if (!cell || (cell->cursor && !cursor))
        return;
    cell->marker = (int8_t)k;
    cell->cursor = cursor;
}

void pl_canvas_curve(struct pl_canvas *c, const int *xs, const int *ys,
                     size_t n, int k, size_t cursor)
{
    for (size_t i = 0; i + 1 < n; i++)
        pl_canvas_line(c, xs[i], ys[i], xs[i + 1], ys[i + 1], k);
    if (n == 1)
        pl_canvas_dot(c, xs[0], ys[0], k);
    for (size_t i = 0; i < n; i++)
        pl_canvas_marker(c, xs[i], ys[i], k, i == cursor);
}

/* Marks the cells of dot column x from dot row lo to hi. */
static void band_column(struct pl_canvas *c, int x, int lo, int hi)
{
    if (lo > hi) {
        int t = lo;
        lo = hi;
        hi = t;
    }
    int dy = pl_dots_y(c->mode);
    for (int y = lo; y <= hi; y += dy) {
        struct pl_cell *cell = cell_of(c, x, y);
        if (cell)
            cell->band = true;
    }
    struct pl_cell *top = cell_of(c, x, hi);
    if (top)
        top->band = true;
}

void pl_canvas_band(struct pl_canvas *c, const int *xs, const int *lo,
                    const int *hi, size_t n)
{
    if (n == 1)
        band_column(c, xs[0], lo[0], hi[0]);
    for (size_t i = 0; i + 1 < n; i++) {
        int x0 = xs[i], x1 = xs[i + 1];
        int span = x1 - x0;
        int step = span >= 0 ? 1 : -1;
        for (int x = x0;; x += step) {
            double f = span ? (double)(x - x0) / (double)span : 0.0;
            int l = (int)lround(lo[i] + f * (lo[i + 1] - lo[i]));
            int h = (int)lround(hi[i] + f * (hi[i + 1] - hi[i]));
            band_column(c, x, l, h);
            if (x == x1)
                break;
        }
    }
}

void pl_canvas_target(struct pl_canvas *c, int y)
{
    for (int x = 0; x < pl_canvas_xdots(c); x += pl_dots_x(c->mode)) {
        struct pl_cell *cell = cell_of(c, x, y);
        if (cell)
            cell->target = true;
    }
}

const char *pl_canvas_text(const struct pl_canvas *c, int col, int row,
                           char *buf, enum pl_layer *layer, int *curve)
{
    *layer = PL_LAYER_EMPTY;
    *curve = -1;
    snprintf(buf, PL_CELL_TEXT, " ");
    if (!c->cell || col < 0 || row < 0 || col >= c->w || row >= c->h)
        return buf;
    const struct pl_cell *cell = &c->cell[(size_t)row * (size_t)c->w + col];
    if (cell->marker >= 0) {
        *layer = PL_LAYER_MARKER;
        *curve = cell->marker;
        snprintf(buf, PL_CELL_TEXT, "%s", pl_marker(cell->marker, c->mode));
    } else if (cell->dots) {
        *layer = PL_LAYER_LINE;
        *curve = cell->line;
        if (c->mode == PL_BRAILLE) {
            /* U+2800 + dots, in UTF-8. */
            buf[0] = (char)0xE2;
            buf[1] = (char)(0xA0 | (cell->dots >> 6));
            buf[2] = (char)(0x80 | (cell->dots & 0x3F));
            buf[3] = '\0';
        } else {
            static const char *const ascii[4] = { " ", ".", "'", "|" };
            snprintf(buf, PL_CELL_TEXT, "%s", ascii[cell->dots & 3]);
        }
    } else if (cell->target) {
        *layer = PL_LAYER_TARGET;
        snprintf(buf, PL_CELL_TEXT, "%s", pl_piece(PL_TARGET_LINE, c->mode));
    } else if (cell->band) {
        *layer = PL_LAYER_BAND;
        snprintf(buf, PL_CELL_TEXT, "%s", pl_piece(PL_SHADE, c->mode));
    }
    return buf;
}

/* --- the cursor ---------------------------------------------------------- */

size_t pl_nearest(const double *v, size_t n, double x)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (fabs(v[i] - x) < fabs(v[best] - x))
            best = i;
    return best;
}

size_t pl_step(size_t at, long step, size_t n)
{
    if (n == 0)
        return 0;
    long v = (long)(at < n ? at : n - 1) + step;
    if (v < 0)
        return 0;
    if ((size_t)v >= n)
        return n - 1;
    return (size_t)v;
}

size_t pl_point_at_column(const int *xs, size_t n, int col, int dots_x)
{
    if (n == 0)
        return 0;
    double mid = (double)col * dots_x + (dots_x - 1) / 2.0;
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (fabs(xs[i] - mid) < fabs(xs[best] - mid))
            best = i;
    return best;
}

/* --- the window ---------------------------------------------------------- */

void pl_layout_compute(int h, int w, int rec_lines, struct pl_layout *out)
{
    memset(out, 0, sizeof(*out));
    out->side = w >= PL_SIDE_COLS;
    out->legend_y = -1;
    int bottom = h - 2; /* the last row inside the box */
    out->rec = (struct tui_rect){ bottom - rec_lines + 1, 2, rec_lines, w - 4 };
    int below = out->rec.y - 1; /* the last row above the recommendation */
    int right = w - 2;          /* the last column inside the box */
    if (out->side) {
        out->panel =
            (struct tui_rect){ 2, w - 1 - PL_SIDE_W, below - 1, PL_SIDE_W };
        right = out->panel.x - 2;
    } else {
        out->legend_y = below;
        out->panel = (struct tui_rect){ below - PL_READOUT_ROWS, 2,
                                        PL_READOUT_ROWS, w - 4 };
        below = out->panel.y - 1;
    }
    out->ticks_y = below;
    out->axis_y = below - 1;
    out->label_x = 1;
    /* Row 1 says what the y axis is; the plot starts under it. Three
     * columns stay free on the right for the last tick's label. */
    int x = out->label_x + PL_LABEL_W;
    out->plot = (struct tui_rect){ 2, x, out->axis_y - 2, right - 2 - x };
    if (out->plot.h < 0)
        out->plot.h = 0;
    if (out->plot.w < 0)
        out->plot.w = 0;
}
