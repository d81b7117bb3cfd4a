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
#include "cli/target.h"
#include "cli/util.h"
#include "tui/tui.h"

#ifndef FUOTA_DATADIR
#define FUOTA_DATADIR "/usr/local/share/fuota"
#endif
#ifndef FUOTA_SRCDIR
#define FUOTA_SRCDIR "."
#endif

static const char *const console_usage =
    "Usage: fuota [--theme NAME] [TARGET]\n"
    "       fuota open FILE [--image PATH] [--theme NAME] [TARGET]\n"
    "\n"
    "The operator console: a wizard that builds a CreateFuotaTask request,\n"
    "checks every field as you type, previews what the update costs and\n"
    "submits it to the built-in simulator or to AWS. 'open' starts with a "
    "saved\n"
    "request (the --cli-input-json form); a file with errors is opened and\n"
    "the errors are shown on their fields; a file that is not JSON is\n"
    "refused and nothing is changed. F1 in the console lists every key.\n"
    "\n"
    "Options:\n"
    "  --image PATH   the firmware file to plan with (never sent)\n"
    "  --theme NAME   default, dark, light, high-contrast, monochrome, or a\n"
    "                 theme file's path (else the config file's 'theme')\n"
    "  -h, --help     show this help\n"
    "\n" TARGET_USAGE "F8 in the console switches the target.\n"
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

struct console_args {
    const char *image;
    const char *theme;
    struct target_settings target;
};

static int parse(const char *cmd, const char *operand_name, int argc,
                 char **argv, struct console_args *a, const char **operand)
{
    memset(a, 0, sizeof(*a));
    target_settings_init(&a->target);
    const struct opts_cmd c = { .cmd = cmd,
                                .usage = console_usage,
                                .operand = operand_name };
    struct opts_spec specs[2 + TARGET_OPTION_ROWS] = {
        OPTS_STRING_OPT("--image", &a->image),
        OPTS_STRING_OPT("--theme", &a->theme),
    };
    size_t n =
        2 + target_option_rows(&a->target, specs + 2, TARGET_OPTION_ROWS);
    enum opts_status st = opts_parse(&c, specs, n, argc, argv, operand);
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

/*
 * The targets the console opens (F8): kept open until it ends, since work
 * started on one (a submission in flight) may still use it.
 */
#define TARGETS_MAX 16
struct switcher {
    struct target_settings base; /* the command line's other settings */
    struct target open[TARGETS_MAX];
    char detail[TARGETS_MAX][TARGET_DESCRIPTION_MAX];
    size_t count;
};

/* The header's words for a target: "simulator.db", or "ops · eu-west-1 ·
 * api.iotwireless.eu-west-1.amazonaws.com". */
static void describe(const struct target *t, struct tui_target *out,
                     char *detail, size_t size)
{
    if (t->live) {
        const char *host = strstr(t->endpoint, "://");
        host = host ? host + 3 : t->endpoint;
        snprintf(detail, size, "%.100s \xc2\xb7 %.40s \xc2\xb7 %.200s",
                 t->profile, t->region, host);
    } else {
        const char *slash = strrchr(t->state, '/');
        snprintf(detail, size, "%s", slash ? slash + 1 : t->state);
    }
    *out = (struct tui_target){ .backend = t->backend,
                                .live = t->live,
                                .detail = detail,
                                .region = t->live ? t->region : NULL,
                                .profile = t->live ? t->profile : NULL };
}

static bool switch_target(void *ctx, const struct tui_target_choice *choice,
                          struct tui_target *out, char *err, size_t errsize)
{
    struct switcher *sw = ctx;
    if (sw->count == TARGETS_MAX) {
        snprintf(err, errsize,
                 "too many target switches in one session "
                 "(%d); restart the console",
                 TARGETS_MAX);
        return false;
    }
    struct target_settings s = sw->base;
    s.sim = !choice->live;
    s.live = choice->live && !*choice->profile && !*choice->endpoint;
    s.profile = choice->live && *choice->profile ? choice->profile : NULL;
    s.endpoint = choice->live && *choice->endpoint ? choice->endpoint : NULL;
    s.region = *choice->region ? choice->region : sw->base.region;
    if (choice->live) {
        s.state = NULL;
        s.time_scale = 0;
    } else {
        s.timeout_s = 0;
    }
    struct target *t = &sw->open[sw->count];
    if (target_open(&s, t, err, errsize) != TARGET_OK)
        return false;
    describe(t, out, sw->detail[sw->count], sizeof(sw->detail[0]));
    sw->count++;
    return true;
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
    char state_dir[4096], config_dir[4096];
    xdg_dir("XDG_STATE_HOME", ".local/state", state_dir, sizeof(state_dir));
    xdg_dir("XDG_CONFIG_HOME", ".config", config_dir, sizeof(config_dir));

    struct switcher sw = { .base = a->target };
    char err[TARGET_ERR_MAX];
    enum target_status st =
        target_open(&a->target, &sw.open[0], err, sizeof(err));
    if (st != TARGET_OK) {
        cli_error(cmd, "%s", err);
        return st == TARGET_E_USAGE ? cli_usage_error(cmd) : EXIT_CHECK;
    }
    sw.count = 1;
    if (sw.open[0].warning[0])
        fprintf(stderr, "fuota: warning: %s\n", sw.open[0].warning);

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

    struct tui_config cfg = {
        .switch_target = switch_target,
        .switch_ctx = &sw,
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
    describe(&sw.open[0], &cfg.target, sw.detail[0], sizeof(sw.detail[0]));
    int rc = tui_run(&cfg);
    /* Every target the console opened: a submission may have used an
     * earlier one until the console ended. */
    for (size_t i = 0; i < sw.count; i++)
        target_close(&sw.open[i]);
    return rc;
}

int cmd_console(int argc, char **argv)
{
    struct console_args a;
    int rc = parse("", NULL, argc, argv, &a, NULL);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    return run_console("", &a, NULL, NULL, NULL);
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
