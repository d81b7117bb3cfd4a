#ifndef FUOTA_CLI_TARGET_H
#define FUOTA_CLI_TARGET_H

/*
 * Where fuota sends its task operations: THE one place that turns the
 * target options into a backend (core/backend.h), for every command and the
 * console.
 *
 *   (none) or --sim     the built-in simulator, in process, on the state file
 *                       --state FILE or target_default_state_path(); started
 *                       tasks play their sessions over virtual devices as
 *                       `fuota serve` plays them (sim/fleet.h's store hook,
 *                       the same defaults), so statuses and device outcomes
 *                       are the same whichever way the file is reached
 *   --profile P         AWS (aws/client.h) with the credentials, region and
 *   --endpoint URL      endpoint resolved as the AWS CLI resolves them
 *   --live              (aws/credentials.h); --profile picks the profile,
 *                       --endpoint the URL (e.g. a `fuota serve`), --live
 *                       neither: the AWS CLI's defaults
 *   --region R          the region (live: signing scope and default endpoint;
 *                       simulator: the region of its ARNs)
 *   --time-scale X      simulator: session time runs X times faster (as
 *                       `fuota serve --time-scale`; training, demos, tests)
 *   --timeout S         seconds one live attempt may take (default 30)
 *   --verbose           a trace of the resolution and of every HTTP exchange
 *                       (secrets masked) through settings.trace
 *
 * A description names the target in one line: "simulator (/home/u/.local/
 * share/fuota/simulator.db)" or "LIVE eu-west-1 via profile ops,
 * https://api.iotwireless.eu-west-1.amazonaws.com".
 *
 * Nothing here prints: errors go into the caller's buffer, warnings (a key
 * file others may read, a state file that was not usable and was moved
 * aside) into struct target.warning, the trace through the callback.
 */

#include <stdbool.h>
#include <stddef.h>

#include "cli/opts.h"
#include "core/backend.h"

#define TARGET_DESCRIPTION_MAX 512
#define TARGET_WARNING_MAX     512
#define TARGET_ERR_MAX         640
/* Largest --timeout, seconds. */
#define TARGET_TIMEOUT_MAX 3600

struct target_settings {
    bool sim;
    bool live;
    const char *profile;
    const char *endpoint;
    const char *region;
    const char *state; /* simulator state file; NULL = the default */
    bool verbose;
    long long timeout_s; /* 0 = the live client's default */
    double time_scale;   /* simulator: session time runs X times faster;
                            0 = real time */
    /* Where --verbose lines go (one line, no newline); NULL = nowhere.
     * The live backend keeps both: trace_ctx must stay valid until
     * target_close(). Called on the thread making the call. */
    void (*trace)(void *ctx, const char *line);
    void *trace_ctx;
};

void target_settings_init(struct target_settings *s);

/*
 * The option rows for opts_parse (cli/opts.h) writing into *s: --sim,
 * --live, --profile, --endpoint, --region, --state, --time-scale,
 * --timeout, --verbose.
 * Copies at most `room` rows into rows; returns how many it copied
 * (TARGET_OPTION_ROWS when room allows).
 */
#define TARGET_OPTION_ROWS 9
size_t target_option_rows(struct target_settings *s, struct opts_spec *rows,
                          size_t room);

/* The help lines of those options, for a command's usage text. */
#define TARGET_USAGE                                                           \
    "Target (default: the built-in simulator):\n"                              \
    "  --sim                the built-in simulator (state: --state FILE, or\n" \
    "                       $XDG_DATA_HOME/fuota/simulator.db)\n"              \
    "  --profile P          AWS with the profile P of ~/.aws/config\n"         \
    "  --endpoint URL       an IoT Wireless endpoint, e.g. a 'fuota serve'\n"  \
    "  --live               AWS with the AWS CLI's default credentials\n"      \
    "  --region R           region (AWS_REGION, AWS_DEFAULT_REGION, "          \
    "profile)\n"                                                               \
    "  --state FILE         the simulator's state file\n"                      \
    "  --time-scale X       simulator: sessions run X times faster\n"          \
    "  --timeout S          seconds one live attempt may take (default 30)\n"  \
    "  --verbose            trace settings and HTTP exchanges on stderr\n"     \
    "                       (secrets masked)\n"

/* True when the settings name a live target. */
bool target_is_live(const struct target_settings *s);

#define TARGET_STATUSES(X)                                                     \
    X(TARGET_OK, "ok")                                                         \
    X(TARGET_E_USAGE, "options that do not go together")                       \
    X(TARGET_E_SETTINGS, "the live settings are incomplete or invalid")        \
    X(TARGET_E_OPEN, "the target could not be opened")

enum target_status {
#define X(id, msg) id,
    TARGET_STATUSES(X)
#undef X
};

const char *target_status_message(enum target_status st);

/* An open target. */
struct target {
    struct backend *backend;
    bool live;
    char description[TARGET_DESCRIPTION_MAX];
    char warning[TARGET_WARNING_MAX]; /* "" = none */
    /* The resolved pieces, for badges and confirmations ("" = none):
     * live: region, profile (or "environment keys"), endpoint URL;
     * simulator: the state file. */
    char region[64];
    char profile[128];
    char endpoint[TARGET_DESCRIPTION_MAX];
    char state[TARGET_DESCRIPTION_MAX];
};

/*
 * Checks the settings, resolves them and opens the backend into *out
 * (zeroed first). Returns TARGET_OK, or a status with a one-line reason in
 * err (never a secret): TARGET_E_USAGE for options that contradict each
 * other (--sim with a live option, --state, --time-scale or --timeout
 * with the wrong target, a --timeout outside 1..TARGET_TIMEOUT_MAX),
 * TARGET_E_SETTINGS when credentials, region or endpoint are missing or invalid
 * (the message says what and where to set it), TARGET_E_OPEN when the state
 * file or libcurl fails. Requires sodium_init().
 */
enum target_status target_open(const struct target_settings *s,
                               struct target *out, char *err, size_t errsize)
    __attribute__((warn_unused_result));

/* Closes the backend; accepts a zeroed or closed target. */
void target_close(struct target *t);

/*
 * The default simulator state file: $XDG_DATA_HOME/fuota/simulator.db
 * (XDG_DATA_HOME only when absolute), else $HOME/.local/share/fuota/
 * simulator.db. Creates the missing directories (mode 0700). Heap string;
 * NULL with a reason in err when neither variable is usable or a directory
 * cannot be created.
 */
char *target_default_state_path(char *err, size_t errsize);

#endif
