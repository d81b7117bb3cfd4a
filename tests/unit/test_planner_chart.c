/* tui/planner_chart: value-to-dot mapping, axis ticks, the braille and
 * ASCII rasteriser, the cursor's point and the window layout. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tui/planner_chart.h"

/* --- mapping ------------------------------------------------------------- */

static void test_scale(void **state)
{
    (void)state;
    static const struct {
        double v, lo, hi;
        int n, want;
    } cases[] = {
        { 0, 0, 100, 40, 0 },     /* the low end */
        { 100, 0, 100, 40, 39 },  /* the high end */
        { 50, 0, 100, 40, 20 },   /* 19.5 rounds up */
        { 49, 0, 100, 40, 19 },   /* 19.11 */
        { 99, 0, 100, 40, 39 },   /* 38.61: the top dot */
        { 97, 0, 100, 40, 38 },   /* 37.83 */
        { -5, 0, 100, 40, 0 },    /* below: clamped */
        { 105, 0, 100, 40, 39 },  /* above: clamped */
        { 20, 20, 20, 40, 19 },   /* one level: the middle */
        { 20, 20, 20, 1, 0 },     /* one dot */
        { 7, 0, 100, 0, 0 },      /* no dots */
        { 7, 0, 100, -3, 0 },     /* nonsense size */
        { 35, 10, 60, 101, 50 },  /* an offset range */
        { 10, 10, 60, 101, 0 },   /* its low end */
        { 60, 10, 60, 101, 100 }, /* its high end */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(
            pl_scale(cases[i].v, cases[i].lo, cases[i].hi, cases[i].n),
            cases[i].want);
    assert_int_equal(pl_scale(NAN, 0, 100, 40), 0);
}

static void test_ticks(void **state)
{
    (void)state;
    static const struct {
        double lo, hi;
        int room, gap;
        bool whole;
        size_t n;
        double want[12];
    } cases[] = {
        /* y axis of 10 rows, 2 apart: step 25 (2.5 is not whole) */
        { 0, 100, 10, 2, true, 5, { 0, 25, 50, 75, 100 } },
        /* 40 rows: step 10 */
        { 0,
          100,
          40,
          2,
          true,
          11,
          { 0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 } },
        /* 5 rows: step 50 */
        { 0, 100, 5, 2, true, 3, { 0, 50, 100 } },
        /* 72 columns, labels 6 apart: 10 */
        { 0,
          100,
          72,
          6,
          true,
          11,
          { 0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 } },
        /* an offset range: the multiples inside it */
        { 5, 35, 30, 6, true, 3, { 10, 20, 30 } },
        /* a small range on a wide axis: whole steps of 1 */
        { 10, 14, 70, 6, true, 5, { 10, 11, 12, 13, 14 } },
        /* fractions allowed: 0.25 */
        { 0, 1, 10, 2, false, 5, { 0, 0.25, 0.5, 0.75, 1 } },
        /* one level */
        { 20, 20, 70, 6, true, 1, { 20 } },
        /* no room: the low end only */
        { 0, 100, 1, 2, true, 1, { 0 } },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double out[12];
        size_t n = pl_ticks(cases[i].lo, cases[i].hi, cases[i].room,
                            cases[i].gap, cases[i].whole, out, 12);
        assert_int_equal(n, cases[i].n);
        for (size_t k = 0; k < n; k++)
            assert_true(fabs(out[k] - cases[i].want[k]) < 1e-9);
    }
    /* max makes the step larger; an inverted range gives none. */
    double out[3];
    assert_int_equal(pl_ticks(0, 100, 40, 2, true, out, 3), 3);
    assert_true(out[0] == 0 && out[1] == 50 && out[2] == 100);
    double many[12];
    /* 220 rows would take step 1; 12 ticks at most: step 10, to 100. */
    assert_int_equal(pl_ticks(0, 100, 220, 2, true, many, 12), 11);
    assert_true(many[10] == 100);
    assert_int_equal(pl_ticks(0, 100, 40, 2, true, out, 0), 0);
    assert_int_equal(pl_ticks(10, 5, 40, 2, true, out, 3), 0);
    /* No "-0" at the start of an axis from 0. */
    assert_int_equal(pl_ticks(0, 100, 10, 2, true, out, 3), 3);
    assert_false(signbit(out[0]));
}

/* --- the canvas ---------------------------------------------------------- */

static const char *cell_text(const struct pl_canvas *c, int col, int row,
                             enum pl_layer *layer, int *curve)
{
    static char buf[PL_CELL_TEXT];
    return pl_canvas_text(c, col, row, buf, layer, curve);
}

static void test_braille_dots(void **state)
{
    (void)state;
    /* One cell, 2 x 4 dots: each dot is its braille bit. */
    static const struct {
        int x, y;
        const char *want;
    } cases[] = {
        { 0, 0, "⡀" }, /* bottom left: dot 7 */
        { 1, 0, "⢀" }, /* bottom right: dot 8 */
        { 0, 3, "⠁" }, /* top left: dot 1 */
        { 1, 3, "⠈" }, /* top right: dot 4 */
        { 0, 1, "⠄" }, /* dot 3 */
        { 1, 2, "⠐" }, /* dot 5 */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct pl_canvas c;
        assert_true(pl_canvas_init(&c, PL_BRAILLE, 1, 1));
        pl_canvas_dot(&c, cases[i].x, cases[i].y, 2);
        enum pl_layer layer;
        int curve;
        assert_string_equal(cell_text(&c, 0, 0, &layer, &curve), cases[i].want);
        assert_int_equal(layer, PL_LAYER_LINE);
        assert_int_equal(curve, 2);
        pl_canvas_cleanup(&c);
    }
    /* Every dot of a cell: U+28FF. */
    struct pl_canvas c;
    assert_true(pl_canvas_init(&c, PL_BRAILLE, 1, 1));
    for (int x = 0; x < 2; x++)
        for (int y = 0; y < 4; y++)
            pl_canvas_dot(&c, x, y, 0);
    enum pl_layer layer;
    int curve;
    assert_string_equal(cell_text(&c, 0, 0, &layer, &curve), "⣿");
    /* Outside the canvas: nothing, and no crash. */
    pl_canvas_dot(&c, -1, 0, 0);
    pl_canvas_dot(&c, 2, 0, 0);
    pl_canvas_dot(&c, 0, 4, 0);
    pl_canvas_dot(&c, 0, -1, 0);
    assert_string_equal(cell_text(&c, 0, 0, &layer, &curve), "⣿");
    assert_string_equal(cell_text(&c, 1, 0, &layer, &curve), " ");
    assert_int_equal(layer, PL_LAYER_EMPTY);
    pl_canvas_cleanup(&c);
}

static void test_ascii_dots(void **state)
{
    (void)state;
    struct pl_canvas c;
    assert_true(pl_canvas_init(&c, PL_ASCII, 3, 2));
    assert_int_equal(pl_canvas_xdots(&c), 3);
    assert_int_equal(pl_canvas_ydots(&c), 4);
    pl_canvas_dot(&c, 0, 0, 1); /* lower half of the bottom-left cell */
    pl_canvas_dot(&c, 1, 1, 1); /* upper half of the bottom-middle cell */
    pl_canvas_dot(&c, 2, 2, 1); /* both halves of the top-right cell */
    pl_canvas_dot(&c, 2, 3, 1);
    enum pl_layer layer;
    int curve;
    assert_string_equal(cell_text(&c, 0, 1, &layer, &curve), ".");
    assert_string_equal(cell_text(&c, 1, 1, &layer, &curve), "'");
    assert_string_equal(cell_text(&c, 2, 0, &layer, &curve), "|");
    assert_string_equal(cell_text(&c, 0, 0, &layer, &curve), " ");
    pl_canvas_cleanup(&c);
}

/* Dots set in the whole canvas. */
static int dots_set(const struct pl_canvas *c)
{
    int n = 0;
    for (int i = 0; i < c->w * c->h; i++)
        for (int b = 0; b < 8; b++)
            n += (c->cell[i].dots >> b) & 1;
    return n;
}

static void test_lines(void **state)
{
    (void)state;
    static const struct {
        int x0, y0, x1, y1, dots;
    } cases[] = {
        { 0, 0, 9, 0, 10 }, /* flat: one dot a column */
        { 0, 0, 0, 7, 8 },  /* upright: one dot a row */
        { 0, 0, 7, 7, 8 },  /* diagonal */
        { 9, 7, 0, 0, 10 }, /* backwards, shallow: a dot a column */
        { 2, 7, 3, 0, 8 },  /* steep: a dot a row, no gaps */
        { 4, 4, 4, 4, 1 },  /* a point */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct pl_canvas c;
        assert_true(pl_canvas_init(&c, PL_BRAILLE, 5, 2)); /* 10 x 8 dots */
        pl_canvas_line(&c, cases[i].x0, cases[i].y0, cases[i].x1, cases[i].y1,
                       0);
        assert_int_equal(dots_set(&c), cases[i].dots);
        pl_canvas_cleanup(&c);
    }
}

static void test_layers(void **state)
{
    (void)state;
    struct pl_canvas c;
    assert_true(pl_canvas_init(&c, PL_BRAILLE, 4, 3)); /* 8 x 12 dots */
    enum pl_layer layer;
    int curve;
    /* The target line crosses every cell of its row. */
    pl_canvas_target(&c, 11);
    for (int col = 0; col < 4; col++) {
        assert_string_equal(cell_text(&c, col, 0, &layer, &curve), "╌");
        assert_int_equal(layer, PL_LAYER_TARGET);
    }
    assert_int_equal(c.cell[4].target, false); /* the row under it */
    /* A band from dot 0 to 11 at column 0 marks the whole column. */
    int xs[] = { 0, 6 }, lo[] = { 0, 4 }, hi[] = { 11, 4 };
    pl_canvas_band(&c, xs, lo, hi, 2);
    assert_string_equal(cell_text(&c, 0, 2, &layer, &curve), "░");
    assert_int_equal(layer, PL_LAYER_BAND);
    assert_int_equal(c.cell[1 * 4 + 0].band, true);
    /* Interpolated: at dot column 6 only dot row 4 (the middle row). */
    assert_int_equal(c.cell[1 * 4 + 3].band, true);
    assert_int_equal(c.cell[2 * 4 + 3].band, false);
    assert_int_equal(c.cell[0 * 4 + 3].band, false);
    /* The target wins over the band, dots over both, markers over all. */
    assert_string_equal(cell_text(&c, 0, 0, &layer, &curve), "╌");
    pl_canvas_dot(&c, 0, 11, 3);
    cell_text(&c, 0, 0, &layer, &curve);
    assert_int_equal(layer, PL_LAYER_LINE);
    assert_int_equal(curve, 3);
    pl_canvas_marker(&c, 1, 10, 5, false);
    assert_string_equal(cell_text(&c, 0, 0, &layer, &curve), "✚");
    assert_int_equal(layer, PL_LAYER_MARKER);
    assert_int_equal(curve, 5);
    /* A later marker replaces it, but never the cursor's. */
    pl_canvas_marker(&c, 0, 11, 1, true);
    pl_canvas_marker(&c, 0, 11, 2, false);
    assert_string_equal(cell_text(&c, 0, 0, &layer, &curve), "■");
    assert_true(c.cell[0].cursor);
    pl_canvas_cleanup(&c);
}

static void test_curve(void **state)
{
    (void)state;
    struct pl_canvas c;
    assert_true(pl_canvas_init(&c, PL_ASCII, 10, 5)); /* 10 x 10 dots */
    int xs[] = { 0, 3, 9 }, ys[] = { 0, 9, 9 };
    pl_canvas_curve(&c, xs, ys, 3, 2, 1);
    enum pl_layer layer;
    int curve;
    /* Markers at the points, the cursor's point marked. */
    assert_string_equal(cell_text(&c, 0, 4, &layer, &curve), "+");
    assert_string_equal(cell_text(&c, 3, 0, &layer, &curve), "+");
    assert_true(c.cell[0 * 10 + 3].cursor);
    assert_false(c.cell[4 * 10 + 0].cursor);
    assert_string_equal(cell_text(&c, 9, 0, &layer, &curve), "+");
    /* Dots between them, none beyond the last point. */
    assert_string_equal(cell_text(&c, 6, 0, &layer, &curve), "'");
    assert_int_equal(layer, PL_LAYER_LINE);
    for (int row = 1; row < 5; row++)
        assert_string_equal(cell_text(&c, 9, row, &layer, &curve), " ");
    pl_canvas_cleanup(&c);
    /* One point: its marker. No point: nothing. */
    assert_true(pl_canvas_init(&c, PL_BRAILLE, 2, 2));
    pl_canvas_curve(&c, xs, ys, 0, 0, 0);
    assert_int_equal(dots_set(&c), 0);
    pl_canvas_curve(&c, xs, ys, 1, 0, 1);
    assert_string_equal(cell_text(&c, 0, 1, &layer, &curve), "●");
    pl_canvas_cleanup(&c);
    /* Sizes below one cell are refused. */
    assert_false(pl_canvas_init(&c, PL_BRAILLE, 0, 3));
    assert_false(pl_canvas_init(&c, PL_BRAILLE, 3, 0));
    pl_canvas_cleanup(&c);
}

static void test_glyphs_distinct(void **state)
{
    (void)state;
    enum pl_raster modes[] = { PL_BRAILLE, PL_ASCII };
    for (size_t m = 0; m < 2; m++)
        for (int a = 0; a < PL_CURVES_MAX; a++) {
            for (int b = a + 1; b < PL_CURVES_MAX; b++)
                assert_string_not_equal(pl_marker(a, modes[m]),
                                        pl_marker(b, modes[m]));
            /* Markers never look like the line, band or target. */
            const char *mk = pl_marker(a, modes[m]);
            assert_string_not_equal(mk, pl_piece(PL_SHADE, modes[m]));
            assert_string_not_equal(mk, pl_piece(PL_TARGET_LINE, modes[m]));
            assert_string_not_equal(mk, ".");
            assert_string_not_equal(mk, "'");
            assert_string_not_equal(mk, "|");
        }
    assert_string_equal(pl_marker(PL_CURVES_MAX, PL_ASCII), "?");
    assert_string_equal(pl_marker(-1, PL_BRAILLE), "?");
}

/* --- the cursor ---------------------------------------------------------- */

static void test_cursor(void **state)
{
    (void)state;
    double loss[] = { 0, 5, 10, 15, 20, 25, 30 };
    static const struct {
        double x;
        size_t want;
    } near[] = {
        { 10, 2 }, { 12, 2 }, { 12.5, 2 }, /* a tie: the lower */
        { 13, 3 }, { -4, 0 }, { 1e9, 6 },  /* beyond: the ends */
    };
    for (size_t i = 0; i < sizeof(near) / sizeof(near[0]); i++)
        assert_int_equal(pl_nearest(loss, 7, near[i].x), near[i].want);
    assert_int_equal(pl_nearest(loss, 0, 5), 0);

    static const struct {
        size_t at;
        long step;
        size_t n, want;
    } steps[] = {
        { 0, 1, 21, 1 },   { 0, -1, 21, 0 }, { 20, 1, 21, 20 },
        { 5, 21, 21, 20 }, { 5, -9, 21, 0 }, { 30, -1, 21, 19 },
        { 3, 1, 0, 0 },
    };
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
        assert_int_equal(pl_step(steps[i].at, steps[i].step, steps[i].n),
                         steps[i].want);

    /* 21 points over 140 dots (70 braille columns). */
    int xs[21];
    for (int j = 0; j < 21; j++)
        xs[j] = pl_scale(j * 5, 0, 100, 140);
    assert_int_equal(pl_point_at_column(xs, 21, 0, 2), 0);
    assert_int_equal(pl_point_at_column(xs, 21, 69, 2), 20);
    assert_int_equal(pl_point_at_column(xs, 21, 35, 2), 10);
    assert_int_equal(pl_point_at_column(xs, 21, 5, 2), 1);
    assert_int_equal(pl_point_at_column(xs, 0, 5, 2), 0);
}

/* --- the window ---------------------------------------------------------- */

static void test_layout(void **state)
{
    (void)state;
    /* 80x24: the body is 21 x 80. */
    struct pl_layout l;
    pl_layout_compute(21, 80, 3, &l);
    assert_false(l.side);
    assert_int_equal(l.rec.y, 17);
    assert_int_equal(l.rec.h, 3);
    assert_int_equal(l.legend_y, 16);
    assert_int_equal(l.panel.y, 14);
    assert_int_equal(l.panel.h, PL_READOUT_ROWS);
    assert_int_equal(l.ticks_y, 13);
    assert_int_equal(l.axis_y, 12);
    assert_int_equal(l.plot.y, 2);
    assert_int_equal(l.plot.y + l.plot.h, l.axis_y);
    assert_int_equal(l.plot.x, 7);
    assert_int_equal(l.plot.x + l.plot.w, 80 - 4);
    assert_true(l.plot.h >= 10);
    /* 120x40: the body is 37 x 120; a panel beside the chart. */
    pl_layout_compute(37, 120, 3, &l);
    assert_true(l.side);
    assert_int_equal(l.legend_y, -1);
    assert_int_equal(l.panel.x + l.panel.w, 120 - 1);
    assert_int_equal(l.panel.w, PL_SIDE_W);
    assert_true(l.plot.x + l.plot.w < l.panel.x - 2);
    assert_int_equal(l.panel.y + l.panel.h, l.rec.y - 1 + 1);
    assert_int_equal(l.plot.y + l.plot.h, l.axis_y);
    assert_int_equal(l.ticks_y, l.rec.y - 1);
    /* From PL_SIDE_COLS on, not below. */
    pl_layout_compute(30, PL_SIDE_COLS - 1, 3, &l);
    assert_false(l.side);
    pl_layout_compute(30, PL_SIDE_COLS, 3, &l);
    assert_true(l.side);
    /* Tiny: no room for a plot, never negative sizes. */
    pl_layout_compute(8, 20, 3, &l);
    assert_true(l.plot.h >= 0 && l.plot.w >= 0);
    assert_true(l.plot.h < 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scale),
        cmocka_unit_test(test_ticks),
        cmocka_unit_test(test_braille_dots),
        cmocka_unit_test(test_ascii_dots),
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_layers),
        cmocka_unit_test(test_curve),
        cmocka_unit_test(test_glyphs_distinct),
        cmocka_unit_test(test_cursor),
        cmocka_unit_test(test_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
