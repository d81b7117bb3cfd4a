#ifndef FUOTA_TUI_TUI_H
#define FUOTA_TUI_TUI_H

/*
 * The operator console. cli/ wires a backend in and calls tui_run(); the
 * console reaches the service (AWS or the simulator) only through that
 * backend (core/backend.h).
 *
 * tui_run() owns the terminal from start to return: it restores it on
 * every way out (F10, q, SIGINT, SIGTERM, SIGHUP, a fatal error).
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/backend.h"
#include "core/diag.h"
#include "core/task.h"

/* Where requests go, as the header badge shows it. */
struct tui_target {
    struct backend *backend; /* borrowed; NULL = none (submit refused) */
    bool live;               /* AWS: alarm badge, confirm before submit */
    const char *detail;      /* "simulator.db", "ops · eu-west-1 · URL" */
    const char *region;      /* LIVE: AWS region (for the confirmation) */
    const char *profile;     /* LIVE: profile name or NULL */
};

/*
 * Switches the target (the target panel, F8): cli/ resolves and opens
 * the backend the operator chose. `live` false = the built-in simulator;
 * otherwise profile / region / endpoint as typed ("" = not given). On
 * success *out describes the new target, whose strings and backend stay
 * valid until the next call or the end of tui_run (the callback owns
 * them); on failure err says why and the old target stays.
 */
struct tui_target_choice {
    bool live;
    const char *profile, *region, *endpoint;
};
typedef bool (*tui_switch_target_fn)(void *ctx,
                                     const struct tui_target_choice *choice,
                                     struct tui_target *out, char *err,
                                     size_t errsize);

struct tui_config {
    struct tui_target target;
    tui_switch_target_fn switch_target; /* NULL: no target panel */
    void *switch_ctx;

    /* A request to open (NULL = start empty or offer the draft): the
     * file's path, what was read, and what its document got wrong. */
    const char *request_path;
    const struct fuota_task *request;
    const struct diag_list *request_diags;
    const char *image_path; /* planning image, may be NULL */

    const char *theme;             /* NULL = config file, else default */
    const char *const *theme_dirs; /* NULL-terminated search list */
    const char *config_file;       /* may be NULL */
    const char *state_dir;         /* drafts; NULL = no drafts */
    /* Where the training scenarios are (sim/scenario.h), n of them. */
    const char *const *scenario_dirs;
    size_t scenario_dir_count;
    bool no_color; /* NO_COLOR was set */
};

/* Runs the console until the operator quits. Returns the process exit
 * status: 0, or 1 when the terminal could not be set up (message on
 * stderr). */
int tui_run(const struct tui_config *cfg);

#endif
