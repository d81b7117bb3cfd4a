/* tui/playback_model: the playback clock, the fleet grid, the timeline,
 * device states and number parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tui/playback_model.h"

/* --- the clock ----------------------------------------------------------- */

static void test_speed_for(void **state)
{
    (void)state;
    static const struct {
        uint32_t last;
        unsigned speed;
    } cases[] = {
        { 0, 1 },        { 1, 1 },      { 60, 1 },       { 61, 2 },
        { 120, 2 },      { 121, 4 },    { 2400, 64 },    { 2501, 64 },
        { 3840, 64 },    { 3841, 128 }, { 61440, 1024 }, { 16383, 512 },
        { 61441, 1024 }, /* nothing is fast enough: the fastest */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct pb_clock c;
        pb_clock_init(&c, cases[i].last, pb_speed_for(cases[i].last));
        assert_int_equal(pb_clock_speed(&c), cases[i].speed);
    }
}

static void test_clock_plays_at_speed(void **state)
{
    (void)state;
    struct pb_clock c;
    pb_clock_init(&c, 100, 2); /* 4 fragments a second */
    assert_int_equal(pb_clock_position(&c), 0);
    assert_false(c.playing);
    /* Paused: time passes, nothing moves. */
    assert_false(pb_clock_advance(&c, 1000, 100));
    assert_false(pb_clock_advance(&c, 5000, 100));
    assert_int_equal(pb_clock_position(&c), 0);
    pb_clock_toggle(&c, 5000);
    assert_true(c.playing);
    /* 249 ms at 4/s: 0.996 fragment, still 0; one more ms: 1. */
    assert_false(pb_clock_advance(&c, 5249, 100));
    assert_int_equal(pb_clock_position(&c), 0);
    assert_true(pb_clock_advance(&c, 5250, 100));
    assert_int_equal(pb_clock_position(&c), 1);
    /* Fractions add up across frames: 30 frames of 33 ms = 3.96. */
    for (int i = 1; i <= 30; i++)
        pb_clock_advance(&c, 5250 + 33 * (uint64_t)i, 100);
    assert_int_equal(pb_clock_position(&c), 4);
    assert_int_equal(c.milli, 1000 + 3960);
    /* A clock read that goes back does not move it back. */
    assert_false(pb_clock_advance(&c, 100, 100));
    assert_int_equal(c.milli, 4960);
    /* Pause keeps the fraction. */
    pb_clock_toggle(&c, 7000);
    assert_false(c.playing);
    assert_false(pb_clock_advance(&c, 9000, 100));
    assert_int_equal(c.milli, 4960);
}

static void test_clock_limit_and_end(void **state)
{
    (void)state;
    struct pb_clock c;
    pb_clock_init(&c, 50, 10); /* 1024 a second */
    pb_clock_restart(&c, 0);
    assert_true(c.playing);
    /* While the fleet is computed only position 0 can be shown. */
    assert_false(pb_clock_advance(&c, 1000, 0));
    assert_int_equal(pb_clock_position(&c), 0);
    assert_true(c.playing);
    /* The limit caps without pausing while it is not the end. */
    assert_true(pb_clock_advance(&c, 2000, 20));
    assert_int_equal(pb_clock_position(&c), 20);
    assert_true(c.playing);
    assert_false(pb_clock_at_end(&c));
    /* A limit beyond the end is the end; reaching it pauses. */
    assert_true(pb_clock_advance(&c, 3000, 999));
    assert_int_equal(pb_clock_position(&c), 50);
    assert_true(pb_clock_at_end(&c));
    assert_false(c.playing);
    assert_true(pb_clock_seconds_left(&c) == 0.0);
    /* Space at the end plays again from the start. */
    pb_clock_toggle(&c, 4000);
    assert_true(c.playing);
    assert_int_equal(pb_clock_position(&c), 0);
    /* End jumps and pauses. */
    pb_clock_end(&c);
    assert_int_equal(pb_clock_position(&c), 50);
    assert_false(c.playing);
    /* An empty session never plays. */
    pb_clock_init(&c, 0, 0);
    pb_clock_toggle(&c, 0);
    assert_false(c.playing);
    pb_clock_restart(&c, 0);
    assert_false(c.playing);
}

static void test_clock_step(void **state)
{
    (void)state;
    struct pb_clock c;
    pb_clock_init(&c, 3, 0);
    pb_clock_restart(&c, 0);
    pb_clock_advance(&c, 500, 3); /* half a fragment */
    assert_int_equal(c.milli, 500);
    /* A step pauses and lands on the next whole fragment. */
    assert_true(pb_clock_step(&c, 3));
    assert_false(c.playing);
    assert_int_equal(c.milli, 1000);
    assert_true(pb_clock_step(&c, 3));
    assert_int_equal(pb_clock_position(&c), 2);
    /* Not beyond the limit (what has been computed), nor the end. */
    assert_false(pb_clock_step(&c, 2));
    assert_int_equal(pb_clock_position(&c), 2);
    assert_true(pb_clock_step(&c, 3));
    assert_false(pb_clock_step(&c, 3));
    assert_int_equal(pb_clock_position(&c), 3);
}

static void test_clock_speeds(void **state)
{
    (void)state;
    struct pb_clock c;
    pb_clock_init(&c, 10, -5);
    assert_int_equal(pb_clock_speed(&c), 1);
    assert_false(pb_clock_slower(&c));
    unsigned want = 1;
    while (pb_clock_faster(&c)) {
        want *= 2;
        assert_int_equal(pb_clock_speed(&c), want);
    }
    assert_int_equal(pb_clock_speed(&c), PB_SPEED_MAX);
    assert_true(pb_clock_slower(&c));
    assert_int_equal(pb_clock_speed(&c), PB_SPEED_MAX / 2);
    pb_clock_init(&c, 10, 99);
    assert_int_equal(pb_clock_speed(&c), PB_SPEED_MAX);
    /* Seconds left at 512 a second from fragment 0 of 10. */
    pb_clock_slower(&c);
    assert_true(pb_clock_seconds_left(&c) > 10.0 / 512 - 1e-9);
    assert_true(pb_clock_seconds_left(&c) < 10.0 / 512 + 1e-9);
}

/* --- the grid -------------------------------------------------------------*/

static void test_grid_layout(void **state)
{
    (void)state;
    static const struct {
        size_t devices;
        int w, h;
        bool bars;
        int cell_w, cols, rows;
    } cases[] = {
        /* Few devices: two columns a cell, one row. */
        { 20, 76, 13, false, 2, 20, 1 },
        { 38, 76, 13, false, 2, 38, 1 },
        { 39, 76, 13, false, 2, 38, 2 },
        /* 38 x 13 = 494 fit two columns a cell, 495 do not. */
        { 494, 76, 13, false, 2, 38, 13 },
        { 495, 76, 13, false, 1, 76, 7 },
        /* 76 x 13 = 988 fit one a cell, 989 are bars. */
        { 988, 76, 13, false, 1, 76, 13 },
        { 989, 76, 13, true, 1, 0, 10 },
        { 10000, 76, 13, true, 1, 0, 10 },
        /* Fewer rows than deciles: as many groups as rows. */
        { 10000, 76, 4, true, 1, 0, 4 },
        /* 10,000 devices on a large terminal: one cell each. */
        { 10000, 216, 47, false, 1, 216, 47 },
        { 1, 1, 1, false, 1, 1, 1 },
        { 3, 1, 2, true, 1, 0, 2 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct pb_grid g;
        pb_grid_layout(cases[i].devices, cases[i].w, cases[i].h, &g);
        assert_int_equal(g.bars, cases[i].bars);
        assert_int_equal(g.cell_w, cases[i].cell_w);
        assert_int_equal(g.cols, cases[i].cols);
        assert_int_equal(g.rows, cases[i].rows);
        if (g.bars)
            assert_int_equal(g.groups, g.rows);
        else
            assert_true((size_t)g.cols * (size_t)g.rows >= cases[i].devices);
    }
    /* No room, or no devices: nothing to draw. */
    struct pb_grid g;
    pb_grid_layout(10, 0, 5, &g);
    assert_int_equal(g.rows, 0);
    pb_grid_layout(0, 80, 5, &g);
    assert_int_equal(g.rows, 0);
    assert_int_equal(pb_grid_move(&g, 5, 1, 1), 0);
}

static void test_grid_cells(void **state)
{
    (void)state;
    struct pb_grid g;
    pb_grid_layout(23, 10, 5, &g); /* 2 columns a cell: 5 a row */
    assert_int_equal(g.cols, 5);
    assert_int_equal(g.rows, 5);
    for (size_t d = 0; d < 23; d++) {
        int row, col;
        pb_grid_cell_of(&g, d, &row, &col);
        assert_int_equal(pb_grid_device_at(&g, row, col), d);
    }
    assert_int_equal(pb_grid_device_at(&g, 4, 2), 22);
    assert_int_equal(pb_grid_device_at(&g, 4, 3), SIZE_MAX);
    assert_int_equal(pb_grid_device_at(&g, 5, 0), SIZE_MAX);
    assert_int_equal(pb_grid_device_at(&g, -1, 0), SIZE_MAX);
    assert_int_equal(pb_grid_device_at(&g, 0, 5), SIZE_MAX);
    /* Moves stay in the grid and in the fleet. */
    assert_int_equal(pb_grid_move(&g, 0, 0, -1), 0);
    assert_int_equal(pb_grid_move(&g, 0, -1, 0), 0);
    assert_int_equal(pb_grid_move(&g, 0, 0, 1), 1);
    assert_int_equal(pb_grid_move(&g, 4, 0, 1), 4); /* end of the row */
    assert_int_equal(pb_grid_move(&g, 2, 1, 0), 7);
    assert_int_equal(pb_grid_move(&g, 19, 1, 0), 22); /* last row is short */
    assert_int_equal(pb_grid_move(&g, 2, 99, 0), 22);
    assert_int_equal(pb_grid_move(&g, 22, -2, 0), 12);
    assert_int_equal(pb_grid_move(&g, 99, 0, 0), 22);
}

static void test_grid_groups(void **state)
{
    (void)state;
    struct pb_grid g;
    pb_grid_layout(10000, 76, 13, &g);
    assert_true(g.bars);
    size_t prev_end = 0;
    for (int k = 0; k < g.groups; k++) {
        size_t first, end;
        pb_grid_group(&g, k, &first, &end);
        assert_int_equal(first, prev_end);
        assert_int_equal(end - first, 1000);
        assert_int_equal(pb_grid_group_of(&g, first), k);
        assert_int_equal(pb_grid_group_of(&g, end - 1), k);
        prev_end = end;
    }
    assert_int_equal(prev_end, 10000);
    /* Uneven groups still cover every device once. */
    pb_grid_layout(1003, 10, 13, &g);
    prev_end = 0;
    for (int k = 0; k < g.groups; k++) {
        size_t first, end;
        pb_grid_group(&g, k, &first, &end);
        assert_int_equal(first, prev_end);
        assert_true(end - first == 100 || end - first == 101);
        for (size_t d = first; d < end; d++)
            assert_int_equal(pb_grid_group_of(&g, d), k);
        prev_end = end;
    }
    assert_int_equal(prev_end, 1003);
    size_t first, end;
    pb_grid_group(&g, 10, &first, &end);
    assert_int_equal(end - first, 0);
    /* Up/Down: the same place in the next group; Left/Right: a device. */
    pb_grid_layout(10000, 76, 13, &g);
    assert_int_equal(pb_grid_move(&g, 1234, 1, 0), 2234);
    assert_int_equal(pb_grid_move(&g, 1234, -1, 0), 234);
    assert_int_equal(pb_grid_move(&g, 234, -1, 0), 234);
    assert_int_equal(pb_grid_move(&g, 9234, 1, 0), 9234);
    assert_int_equal(pb_grid_move(&g, 1234, 0, 1), 1235);
    assert_int_equal(pb_grid_move(&g, 0, 0, -1), 0);
    assert_int_equal(pb_grid_move(&g, 9999, 0, 1), 9999);
    assert_int_equal(pb_grid_move(&g, 9999, 5, 0), 9999);
}

/* --- states ---------------------------------------------------------------*/

static void test_states(void **state)
{
    (void)state;
    const uint32_t sent = 120;
    static const struct {
        enum backend_device_status status;
        uint32_t done_at, first_rx, n;
        enum pb_state want;
        bool refused;
    } cases[] = {
        /* Completed at 105, heard first at 3. */
        { BACKEND_DEVICE_SUCCESSFUL, 105, 3, 0, PB_WAITING, false },
        { BACKEND_DEVICE_SUCCESSFUL, 105, 3, 2, PB_WAITING, false },
        { BACKEND_DEVICE_SUCCESSFUL, 105, 3, 3, PB_RECEIVING, false },
        { BACKEND_DEVICE_SUCCESSFUL, 105, 3, 104, PB_RECEIVING, false },
        { BACKEND_DEVICE_SUCCESSFUL, 105, 3, 105, PB_COMPLETE, false },
        { BACKEND_DEVICE_SUCCESSFUL, 105, 3, 120, PB_COMPLETE, false },
        /* Failed (too many lost) at 40. */
        { BACKEND_DEVICE_MEMORY_ERROR, 40, 1, 39, PB_RECEIVING, false },
        { BACKEND_DEVICE_MEMORY_ERROR, 40, 1, 40, PB_FAILED, false },
        /* The session ended without it: failed at the end only. */
        { BACKEND_DEVICE_MISSING_FRAG, 0, 5, 119, PB_RECEIVING, false },
        { BACKEND_DEVICE_MISSING_FRAG, 0, 5, 120, PB_FAILED, false },
        { BACKEND_DEVICE_MISSING_FRAG, 0, 0, 119, PB_WAITING, false },
        { BACKEND_DEVICE_MISSING_FRAG, 0, 0, 120, PB_FAILED, false },
        /* Refused at setup (limits, a setup fault): failed from the
         * start. */
        { BACKEND_DEVICE_NOT_ENOUGH_MEMORY, 0, 0, 0, PB_FAILED, true },
        { BACKEND_DEVICE_NOT_ENOUGH_MEMORY, 0, 0, 60, PB_FAILED, true },
        { BACKEND_DEVICE_WRONG_DESCRIPTOR, 0, 0, 1, PB_FAILED, true },
        /* Wrong keys: hears nothing it can use, fails at the end. */
        { BACKEND_DEVICE_MIC_ERROR, 0, 0, 119, PB_WAITING, false },
        { BACKEND_DEVICE_MIC_ERROR, 0, 0, 120, PB_FAILED, false },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fleet_device_result x = { .status = cases[i].status,
                                         .done_at = cases[i].done_at,
                                         .refused = cases[i].refused };
        assert_int_equal(pb_state_at(&x, cases[i].first_rx, cases[i].n, sent),
                         cases[i].want);
    }
    struct fleet_device_result refused = { .status =
                                               BACKEND_DEVICE_NOT_ENOUGH_MEMORY,
                                           .refused = true };
    struct fleet_device_result ok = { .status = BACKEND_DEVICE_SUCCESSFUL,
                                      .done_at = 5 };
    assert_true(pb_refused(&refused));
    assert_false(pb_refused(&ok));
}

static void test_bar_split(void **state)
{
    (void)state;
    static const struct {
        size_t counts[4];
        int width;
        int want[4];
    } cases[] = {
        { { 1000, 0, 0, 0 }, 40, { 40, 0, 0, 0 } },
        { { 500, 500, 0, 0 }, 40, { 20, 20, 0, 0 } },
        /* A lone failed device keeps a cell. */
        { { 999, 0, 0, 1 }, 40, { 39, 0, 0, 1 } },
        /* Largest remainder: 1/3 each of 10 = 3.33 -> 4, 3, 3. */
        { { 1, 1, 1, 0 }, 10, { 4, 3, 3, 0 } },
        { { 812, 171, 17, 0 }, 50, { 41, 8, 1, 0 } },
        { { 999, 1, 0, 0 }, 3, { 2, 1, 0, 0 } },
        /* Narrower than the states present: proportion only. */
        { { 10, 1, 1, 1 }, 2, { 2, 0, 0, 0 } },
        { { 0, 0, 0, 0 }, 40, { 0, 0, 0, 0 } },
        { { 5, 5, 0, 0 }, 0, { 0, 0, 0, 0 } },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int widths[4];
        pb_bar_split(cases[i].counts, 4, cases[i].width, widths);
        int sum = 0;
        for (int k = 0; k < 4; k++) {
            assert_int_equal(widths[k], cases[i].want[k]);
            sum += widths[k];
        }
        bool any = cases[i].counts[0] || cases[i].counts[1] ||
                   cases[i].counts[2] || cases[i].counts[3];
        assert_int_equal(sum, any ? cases[i].width : 0);
    }
}

/* --- the timeline ---------------------------------------------------------*/

static void count_cells(const enum pb_tl *cells, int width, int *counts)
{
    memset(counts, 0, 6 * sizeof(*counts));
    for (int i = 0; i < width; i++)
        counts[cells[i]]++;
}

static void test_timeline(void **state)
{
    (void)state;
    enum pb_tl cells[64];
    int c[6];
    /* M = 100, R = 20 in 25 cells: divider at 20, 4 redundancy cells. */
    int div = pb_timeline(100, 20, 0, 120, false, 25, cells);
    assert_int_equal(div, 20);
    count_cells(cells, 25, c);
    assert_int_equal(c[PB_TL_UNCODED_TODO], 20);
    assert_int_equal(c[PB_TL_DIVIDER], 1);
    assert_int_equal(c[PB_TL_REDUNDANCY_TODO], 4);
    /* A cell is sent once its last fragment is: 5 per cell. */
    pb_timeline(100, 20, 4, 120, false, 25, cells);
    assert_int_equal(cells[0], PB_TL_UNCODED_TODO);
    pb_timeline(100, 20, 5, 120, false, 25, cells);
    assert_int_equal(cells[0], PB_TL_UNCODED_SENT);
    assert_int_equal(cells[1], PB_TL_UNCODED_TODO);
    pb_timeline(100, 20, 100, 120, false, 25, cells);
    count_cells(cells, 25, c);
    assert_int_equal(c[PB_TL_UNCODED_SENT], 20);
    assert_int_equal(c[PB_TL_REDUNDANCY_SENT], 0);
    pb_timeline(100, 20, 120, 120, true, 25, cells);
    count_cells(cells, 25, c);
    assert_int_equal(c[PB_TL_REDUNDANCY_SENT], 4);
    /* An early stop after 110: the rest was never sent. */
    pb_timeline(100, 20, 110, 110, true, 25, cells);
    count_cells(cells, 25, c);
    assert_int_equal(c[PB_TL_REDUNDANCY_SENT], 2);
    assert_int_equal(c[PB_TL_NOT_SENT], 2);
    /* Before the end the same cells are still to come. */
    pb_timeline(100, 20, 110, 110, false, 25, cells);
    count_cells(cells, 25, c);
    assert_int_equal(c[PB_TL_REDUNDANCY_TODO], 2);
    /* No redundancy: no divider. */
    assert_int_equal(pb_timeline(100, 0, 50, 100, false, 10, cells), -1);
    count_cells(cells, 10, c);
    assert_int_equal(c[PB_TL_UNCODED_SENT], 5);
    assert_int_equal(c[PB_TL_UNCODED_TODO], 5);
    /* Tiny R still gets a cell; tiny width has no divider. */
    assert_int_equal(pb_timeline(2000, 1, 0, 2001, false, 10, cells), 8);
    assert_int_equal(cells[9], PB_TL_REDUNDANCY_TODO);
    assert_int_equal(pb_timeline(10, 10, 10, 20, false, 2, cells), -1);
    assert_int_equal(cells[0], PB_TL_UNCODED_SENT);
    assert_int_equal(cells[1], PB_TL_REDUNDANCY_TODO);
    assert_int_equal(pb_timeline(10, 10, 0, 20, false, 0, cells), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_speed_for),
        cmocka_unit_test(test_clock_plays_at_speed),
        cmocka_unit_test(test_clock_limit_and_end),
        cmocka_unit_test(test_clock_step),
        cmocka_unit_test(test_clock_speeds),
        cmocka_unit_test(test_grid_layout),
        cmocka_unit_test(test_grid_cells),
        cmocka_unit_test(test_grid_groups),
        cmocka_unit_test(test_states),
        cmocka_unit_test(test_bar_split),
        cmocka_unit_test(test_timeline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
