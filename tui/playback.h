#ifndef FUOTA_TUI_PLAYBACK_H
#define FUOTA_TUI_PLAYBACK_H

/*
 * The playback of a session to a virtual fleet (F5; tui_open_playback in
 * tui/app.h opens it): the settings panel (tui/playback.c), then the
 * live view and its report panel (tui/playback_view.c). The pure parts
 * are in tui/playback_model.h and tui/playback_settings.h, the work off
 * the UI thread in tui/playback_data.h.
 *
 * All of it belongs to the UI thread; one playback at a time.
 */

#include <stdbool.h>
#include <stdint.h>

#include "tui/app.h"
#include "tui/playback_data.h"
#include "tui/playback_settings.h"

extern const struct tui_screen playback_settings_screen;
extern const struct tui_screen playback_screen;
extern const struct tui_screen playback_report_screen;

/*
 * Starts the live view on a checked run (moved: *run is zeroed): the
 * fleet is computed off the UI thread while the view shows position 0
 * and a spinner. `title` heads the view (copied).
 */
void pbview_start(struct tui *t, struct pb_run *run, const char *title);

/* The report panel over the live view, once the fleet is computed. */
void pbreport_open(struct tui *t);
/* Asks for a file name and saves the report as JSON (json) or the
 * devices as CSV. */
void pbreport_ask_save(struct tui *t, bool json);

/* For tests and the benchmark: the live view's job (NULL when none) and
 * the position it shows. */
struct pb_job *pbview_job(void);
uint32_t pbview_position(void);
const struct pb_grid *pbview_grid(void);

#endif
