#ifndef FUOTA_TUI_PLANNER_VIEW_H
#define FUOTA_TUI_PLANNER_VIEW_H

/*
 * Inside the planner screen: the state tui/planner.c keeps and
 * tui/planner_view.c draws. A snapshot holds what the chart shows, read
 * from the sweep whole at one stage (never half a stage), so drawing
 * never touches the running sweep.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "sim/sweep.h"
#include "tui/app.h"
#include "tui/planner_chart.h"
#include "tui/planner_job.h"
#include "tui/planner_settings.h"

struct pl_value {
    double v, lo, hi; /* the target's value (p or P(all N)), interval */
};

struct pl_snapshot {
    uint64_t stage;  /* 0: nothing yet */
    uint64_t trials; /* the fewest of any row */
    struct sweep_axes ax;
    size_t size_i; /* the fragment size the chart shows */
    /* losses x redundancies points of size_i at the data rate */
    struct sweep_point *pts;
    struct pl_value *val;
    size_t count;
    /* Per loss level: the smallest redundancy for the target at size_i,
     * and over the sizes, the one with the shortest wall time. */
    struct sweep_recommendation rec[PL_CURVES_MAX];
    struct sweep_recommendation size_rec[PL_CURVES_MAX];
};

struct pl_state {
    bool inited;
    struct pl_settings set;
    bool edited[PL_FIELD_COUNT]; /* set in the planner: kept on F6 */
    struct pl_request req;
    char region[32];
    char name[160];
    int wizard_red;     /* RedundancyPercent in the wizard, or -1 */
    long wizard_size;   /* FragmentSizeBytes in the wizard, or -1 */
    double cursor_loss; /* what the cursor is on, by value */
    double cursor_red;
    /* The running plan. */
    bool ok;
    enum pl_field bad; /* when !ok: the field, or PL_FIELD_COUNT */
    char problem[PL_ERROR_MAX];
    struct pl_plan plan;
    struct pl_job *job;
    bool busy;
    struct pl_snapshot snap;
    size_t curve, point; /* the cursor: loss level, redundancy level */
    bool placed;         /* the cursor was placed for this job */
    enum pl_field editing;
    int last_choice;
    WINDOW *win;
};

extern struct pl_state PL;

/* Draws the planner into PL.win and wnoutrefreshes it. */
void planner_draw(struct tui *t);

/* The point under the cursor (NULL when none). */
const struct sweep_point *planner_cursor_point(void);
/* The recommendation Enter applies for the cursor's loss level: over the
 * sizes when there are several, else at the size shown (NULL: none). */
const struct sweep_recommendation *planner_applicable(void);

#endif
