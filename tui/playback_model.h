#ifndef FUOTA_TUI_PLAYBACK_MODEL_H
#define FUOTA_TUI_PLAYBACK_MODEL_H

/*
 * The pure parts of the playback view (tui/playback*.c): the playback
 * clock, the fleet-to-grid layout, the fragment timeline, the split of a
 * bar between device states, and what state a device is in at a given
 * fragment. No curses, no clock reads, no threads: every function is a
 * function of its arguments (tests/unit/test_playback_model.c).
 *
 * Positions: the playback walks positions 0..last where 0 is before the
 * session (only devices refused at setup have an outcome) and n >= 1 is
 * "fragment n has been heard"; last = the fragments the session sent
 * (fleet_result.sent), where the session is over.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/fleet.h"

/* --- the clock ---------------------------------------------------------- */

/* Speeds in fragments per second: 1, 2, 4, ... PB_SPEED_MAX. Above the
 * frame rate (about 30 a second) a frame moves on several fragments. */
#define PB_SPEED_COUNT 11
#define PB_SPEED_MAX   1024u
/* The default speed plays a whole session in at most this long. */
#define PB_DEFAULT_SECONDS 60u

struct pb_clock {
    uint32_t last;  /* the end position */
    uint64_t milli; /* position x 1000 (fractions of a fragment) */
    bool playing;
    int speed;     /* index: fragments per second = 1 << speed */
    uint64_t then; /* wall-clock ms of the last advance */
};

/* Position 0, paused, at speed index `speed` (clamped). */
void pb_clock_init(struct pb_clock *c, uint32_t last, int speed);
/* The smallest speed index that plays `last` fragments in at most
 * PB_DEFAULT_SECONDS (the fastest when none does). */
int pb_speed_for(uint32_t last);
/* Fragments per second at the clock's speed. */
unsigned pb_clock_speed(const struct pb_clock *c);
/* The whole fragment the clock is at (0..last). */
uint32_t pb_clock_position(const struct pb_clock *c);
bool pb_clock_at_end(const struct pb_clock *c);

/*
 * Moves the clock to wall-clock time now_ms: while playing, speed
 * fragments a second, never beyond `limit` (the positions that can be
 * shown: the end, or 0 while the fleet is being computed). Reaching the
 * end pauses. Returns true when the whole position changed.
 */
bool pb_clock_advance(struct pb_clock *c, uint64_t now_ms, uint32_t limit);
/* Space: play or pause; at the end, play again from the start. */
void pb_clock_toggle(struct pb_clock *c, uint64_t now_ms);
/* Pauses and moves one whole fragment on (not beyond limit). False when
 * it could not move. */
bool pb_clock_step(struct pb_clock *c, uint32_t limit);
/* Faster / slower by one step; false at the fastest / slowest. */
bool pb_clock_faster(struct pb_clock *c);
bool pb_clock_slower(struct pb_clock *c);
/* To the end (pauses there). */
void pb_clock_end(struct pb_clock *c);
/* Back to position 0, playing. */
void pb_clock_restart(struct pb_clock *c, uint64_t now_ms);
/* Wall-clock seconds left to the end at this speed (0 at the end). */
double pb_clock_seconds_left(const struct pb_clock *c);

/* --- the fleet grid ----------------------------------------------------- */

/*
 * A fleet drawn in an area of w x h cells: one cell a device, row by row,
 * two columns a cell (a glyph and a gap) when the fleet fits that way,
 * else one; a fleet that does not fit one a cell is drawn as `groups`
 * bars (deciles of the fleet by device number: 10, or fewer when the
 * area or the fleet is smaller), one a row.
 */
struct pb_grid {
    size_t devices;
    int w, h;
    bool bars;
    int cell_w; /* grid: 1 or 2 columns a cell */
    int cols;   /* grid: cells a row */
    int rows;   /* grid: rows used; bars: groups */
    int groups; /* bars: number of groups (= rows) */
};

void pb_grid_layout(size_t devices, int w, int h, struct pb_grid *out);
/* Grid: the device in cell (row, col), or SIZE_MAX for an empty cell. */
size_t pb_grid_device_at(const struct pb_grid *g, int row, int col);
/* Grid: where device d is drawn (cell coordinates, not columns). */
void pb_grid_cell_of(const struct pb_grid *g, size_t d, int *row, int *col);
/* Bars: group k holds devices [*first, *end). */
void pb_grid_group(const struct pb_grid *g, int k, size_t *first, size_t *end);
/* Bars: the group device d is in. */
int pb_grid_group_of(const struct pb_grid *g, size_t d);
/*
 * The cursor moved from device d by dy rows and dx cells (grid), or dy
 * groups (the same place in the next group) and dx devices (bars);
 * clamped to the fleet.
 */
size_t pb_grid_move(const struct pb_grid *g, size_t d, int dy, int dx);

/* --- states --------------------------------------------------------------*/

enum pb_state { PB_WAITING, PB_RECEIVING, PB_COMPLETE, PB_FAILED, PB_STATES };

/* Refused the session at setup (its limits, or a setup fault): it never
 * listens. */
bool pb_refused(const struct fleet_device_result *x);

/*
 * Device state at position n of a session that sent `sent` fragments:
 * failed from the start when refused at setup; complete / failed from
 * the fragment it completed or failed at (done_at); a device the session
 * ended without (MissingFrag) fails at the end; before that receiving
 * once it heard its first fragment (first_rx, 0 = none yet), else
 * waiting.
 */
enum pb_state pb_state_at(const struct fleet_device_result *x,
                          uint32_t first_rx, uint32_t n, uint32_t sent);

/*
 * Splits `width` cells between counts[0..k) (k <= PB_BAR_MAX) in
 * proportion (largest remainder), then gives every non-zero count at
 * least one cell (from the widest) when width allows. widths[] sums to
 * width (all 0 when every count is 0).
 */
#define PB_BAR_MAX 8
void pb_bar_split(const size_t *counts, size_t k, int width, int *widths);

/* --- the timeline --------------------------------------------------------*/

enum pb_tl {
    PB_TL_UNCODED_SENT,
    PB_TL_UNCODED_TODO,
    PB_TL_DIVIDER,
    PB_TL_REDUNDANCY_SENT,
    PB_TL_REDUNDANCY_TODO,
    PB_TL_NOT_SENT /* after an early stop */
};

/*
 * The fragment timeline in `width` cells: uncoded 1..m, a divider (when
 * r > 0 and width allows), redundancy m+1..m+r, each cell sent once its
 * last fragment is (n = fragments heard); cells after `sent` at the end
 * (an early stop) are PB_TL_NOT_SENT when ended. Returns the divider's
 * cell, or -1.
 */
int pb_timeline(uint32_t m, uint32_t r, uint32_t n, uint32_t sent, bool ended,
                int width, enum pb_tl *cells);

#endif
