/*
 * fuota (no command) and fuota open FILE: the operator console. Resolves
 * where things live (themes, config, drafts, the simulator's state),
 * opens the target backend and hands over to tui_run().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/commands.h"
#include "cli/opts.h"
#include "cli/util.h"
#include "sim/fleet.h"
#include "sim/sim_backend.h"
#include "sim/store.h"
#include "tui/tui.h"

#ifndef FUOTA_DATADIR
#define FUOTA_DATADIR "/usr/local/share/fuota"
#endif
#ifndef FUOTA_SRCDIR
#define FUOTA_SRCDIR "."
#endif

static const char *const console_usage =
    "Usage: fuota [--theme NAME] [--state FILE] [--time-scale X]\n"
    "       fuota open FILE [--image PATH] [--theme NAME] [--state FILE]\n"
    "                  [--time-scale X]\n"
    "\n"
    "The operator console: a wizard that builds a CreateFuotaTask request,\n"
    "checks every field as you type, previews what the update costs and\n"
    "submits it to the built-in simulator. 'open' starts with a saved\n"
    "request (the --cli-input-json form); a file with errors is opened and\n"
    "the errors are shown on their fields; a file that is not JSON is\n"
    "refused and nothing is changed. F1 in the console lists every key.\n"
    "\n"
    "Options:\n"
    "  --image PATH   the firmware file to plan with (never sent)\n"
    "  --theme NAME   default, dark, light, high-contrast, monochrome, or a\n"
    "                 theme file's path (else the config file's 'theme')\n"
    "  --state FILE   the simulator's state (default\n"
    "                 $XDG_DATA_HOME/fuota/simulator.db)\n"
    "  --time-scale X the simulator's sessions run X times faster (as\n"
    "                 'fuota serve --time-scale'; default 1)\n"
    "  -h, --help     show this help\n"
    "\n"
    "Files: themes in $XDG_CONFIG_HOME/fuota/themes and " FUOTA_DATADIR
    "/themes;\n"
    "the config file $XDG_CONFIG_HOME/fuota/config ('theme NAME'); the\n"
    "draft in $XDG_STATE_HOME/fuota/draft.json, written on every change\n"
    "and offered back at the next start. NO_COLOR set: no colours.\n"
    "\n"
    "Exit status: 0 after quitting, 1 when the terminal or the state cannot\n"
    "be set up, 2 usage or a file that is not a request.\n";

static const char *env_nonempty(const char *name)
{
    const char *v = getenv(name);
    return v && v[0] ? v : NULL;
}

/* $VAR/fuota, or $HOME/FALLBACK/fuota; "" when neither is set. */
static void xdg_dir(const char *var, const char *fallback, char *out,
                    size_t size)
{
    const char *x = env_nonempty(var);
    const char *home = env_nonempty("HOME");
    if (x)
        snprintf(out, size, "%s/fuota", x);
    else if (home)
        snprintf(out, size, "%s/%s/fuota", home, fallback);
    else
        out[0] = '\0';
}

static bool mkdirs(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s", dir);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        (void)mkdir(path, 0700);
        *p = '/';
    }
    (void)mkdir(path, 0700);
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

struct console_args {
    const char *image;
    const char *theme;
    const char *state;
    double time_scale;
};

static int parse(const char *cmd, const char *operand_name, int argc,
                 char **argv, struct console_args *a, const char **operand)
{
    memset(a, 0, sizeof(*a));
    const struct opts_cmd c = { .cmd = cmd,
                                .usage = console_usage,
                                .operand = operand_name };
    const struct opts_spec specs[] = {
        OPTS_STRING_OPT("--image", &a->image),
        OPTS_STRING_OPT("--theme", &a->theme),
        OPTS_STRING_OPT("--state", &a->state),
        OPTS_DOUBLE_OPT("--time-scale", &a->time_scale, 0.001, 1e6),
    };
    enum opts_status st =
        opts_parse(&c, specs, OPTS_COUNT(specs), argc, argv, operand);
    if (st != OPTS_OK)
        return opts_exit_status(st) == EXIT_OK ? -1 : EXIT_USAGE;
    if (operand_name && !*operand) {
        cli_error(cmd, "which request? give its FILE");
        return cli_usage_error(cmd);
    }
    if (!operand_name && a->image) {
        cli_error(cmd, "--image goes with 'fuota open FILE'");
        return cli_usage_error(cmd);
    }
    return EXIT_OK;
}

static int run_console(const char *cmd, const struct console_args *a,
                       const char *path, const struct fuota_task *request,
                       const struct diag_list *diags)
{
    /* Before anything is opened or created: without a terminal there is
     * no console to run. */
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        cli_error(cmd, "the console needs a terminal (stdin and stdout); "
                       "for scripts see 'fuota --help'");
        return EXIT_CHECK;
    }
    if (sodium_init() < 0) {
        cli_error(cmd, "libsodium failed to initialise");
        return EXIT_CHECK;
    }
    char data[4096], state_dir[4096], config_dir[4096];
    xdg_dir("XDG_DATA_HOME", ".local/share", data, sizeof(data));
    xdg_dir("XDG_STATE_HOME", ".local/state", state_dir, sizeof(state_dir));
    xdg_dir("XDG_CONFIG_HOME", ".config", config_dir, sizeof(config_dir));

    char state[4200];
    if (a->state)
        snprintf(state, sizeof(state), "%s", a->state);
    else if (data[0] && mkdirs(data))
        snprintf(state, sizeof(state), "%s/simulator.db", data);
    else
        snprintf(state, sizeof(state), ":memory:");

    /* The same fleet the simulated service plays (fuota serve's defaults):
     * lives until the store is closed. */
    struct fleet_hook_config fleet = { .loss = 0.0, .spread = 0.0, .seed = 1 };
    struct store_options so = {
        .path = state,
        .on_session_start = fleet_store_hook,
        .hook_ctx = &fleet,
        .time_scale = a->time_scale,
    };
    struct backend *backend = NULL;
    struct backend_error err;
    backend_error_clear(&err);
    if (sim_backend_open(&so, &backend, &err) != BACKEND_OK) {
        cli_error(cmd, "%s: %s", state,
                  err.message[0] ? err.message
                                 : backend_status_help(err.status));
        return EXIT_CHECK;
    }

    char user_themes[4200], config_file[4200], src_themes[4200];
    snprintf(user_themes, sizeof(user_themes), "%s/themes", config_dir);
    snprintf(config_file, sizeof(config_file), "%s/config", config_dir);
    snprintf(src_themes, sizeof(src_themes), "%s/themes", FUOTA_SRCDIR);
    const char *theme_dirs[] = {
        env_nonempty("FUOTA_THEME_DIR"),
        config_dir[0] ? user_themes : NULL,
        FUOTA_DATADIR "/themes",
        src_themes,
        NULL,
    };
    /* Drop the empty slots so the list stays NULL-terminated. */
    const char *dirs[5];
    size_t nd = 0;
    for (size_t i = 0; i < 4; i++)
        if (theme_dirs[i])
            dirs[nd++] = theme_dirs[i];
    dirs[nd] = NULL;

    const char *slash = strrchr(state, '/');
    struct tui_config cfg = {
        .target = { .backend = backend,
                    .live = false,
                    .detail = slash ? slash + 1 : state },
        .request_path = path,
        .request = request,
        .request_diags = diags,
        .image_path = a->image,
        .theme = a->theme,
        .theme_dirs = dirs,
        .config_file = config_dir[0] ? config_file : NULL,
        .state_dir = state_dir[0] ? state_dir : NULL,
        .no_color = env_nonempty("NO_COLOR") != NULL,
    };
    int rc = tui_run(&cfg);
    backend_close(backend);
    return rc;
}

int cmd_console(int argc, char **argv)
{
    struct console_args a;
    int rc = parse("fuota", NULL, argc, argv, &a, NULL);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    return run_console("fuota", &a, NULL, NULL, NULL);
}

int cmd_open(int argc, char **argv)
{
    struct console_args a;
    const char *path = NULL;
    int rc = parse("open", "FILE", argc, argv, &a, &path);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    if (strcmp(path, "-") == 0) {
        cli_error("open", "give a file: the console needs the terminal, so "
                          "it cannot read the request from <stdin>");
        return cli_usage_error("open");
    }
    struct fuota_task task;
    struct diag_list diags;
    diag_list_init(&diags);
    enum cli_task_status st = cli_load_task("open", path, &task, &diags);
    if (st == CLI_TASK_NO_FILE) {
        task_cleanup(&task);
        diag_list_cleanup(&diags);
        return EXIT_USAGE;
    }
    if (st == CLI_TASK_UNUSABLE) {
        cli_print_diags(&diags);
        cli_error("open",
                  "%s is not a CreateFuotaTask request; nothing was "
                  "opened or changed",
                  path);
        task_cleanup(&task);
        diag_list_cleanup(&diags);
        return EXIT_USAGE;
    }
    rc = run_console("open", &a, path, &task, &diags);
    task_cleanup(&task);
    diag_list_cleanup(&diags);
    return rc;
}
