#ifndef FUOTA_TUI_PLANNER_H
#define FUOTA_TUI_PLANNER_H

/*
 * The planner (F6 from the wizard): success probability against
 * redundancy, one curve per loss level, computed by sim/sweep off the UI
 * thread (tui/planner_job.h) and sharpened stage by stage; a cursor that
 * reads a point; the recommendation for the target; Enter applies it to
 * the wizard. The settings (axes, ranges, loss model, trials) are
 * tui/planner_settings.h, the chart's pure parts tui/planner_chart.h.
 *
 * All of it belongs to the UI thread; one planner at a time.
 */

#include <stdint.h>

#include "tui/app.h"
#include "tui/planner_job.h"

extern const struct tui_screen planner_screen;

/*
 * Opens the planner for the wizard's request: its image size (planning
 * image), fragment size, RfRegion, planning data rate, FragmentIntervalMS
 * and expected loss are the first guess; ranges the operator set in the
 * planner before are kept. Starts computing at once; when a setting is
 * missing or wrong (say, no image size) asks for it.
 */
void tui_open_planner(struct tui *t);

/* For tests and the benchmark: the job (NULL when none) and the sweep
 * stage the chart shows (0: no chart yet). */
struct pl_job *planner_job(void);
uint64_t planner_stage_shown(void);

#endif
