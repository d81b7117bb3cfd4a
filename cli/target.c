#include "cli/target.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aws/client.h"
#include "aws/credentials.h"
#include "sim/fleet.h"
#include "sim/sim_backend.h"
#include "sim/store.h"

/*
 * The virtual devices of the in-process simulator: `fuota serve`'s defaults
 * (5 % mean loss, no spread, seed 1), so a task started here ends as it
 * would there. Read only; the store hands it to the hook.
 */
static struct fleet_hook_config sim_fleet = {
    .loss = 0.05,
    .spread = 0.0,
    .seed = 1,
};

static const char *const status_messages[] = {
#define X(id, msg) [id] = msg,
    TARGET_STATUSES(X)
#undef X
};

const char *target_status_message(enum target_status st)
{
    if ((size_t)st >= sizeof(status_messages) / sizeof(*status_messages))
        return "unknown status";
    return status_messages[st];
}

void target_settings_init(struct target_settings *s)
{
    memset(s, 0, sizeof(*s));
}

size_t target_option_rows(struct target_settings *s, struct opts_spec *rows,
                          size_t room)
{
    const struct opts_spec mine[TARGET_OPTION_ROWS] = {
        OPTS_FLAG_OPT("--sim", &s->sim),
        OPTS_FLAG_OPT("--live", &s->live),
        OPTS_STRING_OPT("--profile", &s->profile),
        OPTS_STRING_OPT("--endpoint", &s->endpoint),
        OPTS_STRING_OPT("--region", &s->region),
        OPTS_STRING_OPT("--state", &s->state),
        OPTS_DOUBLE_OPT("--time-scale", &s->time_scale, 0.001, 1e6),
        OPTS_INT_OPT("--timeout", &s->timeout_s, 1, TARGET_TIMEOUT_MAX),
        OPTS_FLAG_OPT("--verbose", &s->verbose),
    };
    size_t n = room < TARGET_OPTION_ROWS ? room : TARGET_OPTION_ROWS;
    memcpy(rows, mine, n * sizeof(*rows));
    return n;
}

bool target_is_live(const struct target_settings *s)
{
    return s->live || s->profile || s->endpoint;
}

static enum target_status say(enum target_status st, char *err, size_t size,
                              const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static enum target_status say(enum target_status st, char *err, size_t size,
                              const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && size && vsnprintf(err, size, fmt, ap) < 0)
        err[0] = '\0';
    va_end(ap);
    return st;
}

static void trace(const struct target_settings *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void trace(const struct target_settings *s, const char *fmt, ...)
{
    if (!s->verbose || !s->trace)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    s->trace(s->trace_ctx, line);
}

/* mkdir -p of the directories of dir (a copy is changed in place). */
static bool make_dirs(char *dir, char *err, size_t errsize)
{
    for (char *p = dir + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            int e = errno;
            say(TARGET_E_OPEN, err, errsize, "cannot create %s: %s", dir,
                strerror(e));
            *p = c;
            return false;
        }
        *p = c;
        if (c == '\0')
            return true;
    }
}

char *target_default_state_path(char *err, size_t errsize)
{
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    const char *base, *sub;
    /* The XDG spec: a relative XDG_DATA_HOME is invalid and ignored. */
    if (xdg && xdg[0] == '/') {
        base = xdg;
        sub = "/fuota";
    } else if (home && home[0] != '\0') {
        base = home;
        sub = "/.local/share/fuota";
    } else {
        say(TARGET_E_OPEN, err, errsize,
            "no place for the simulator's state: set HOME or XDG_DATA_HOME, "
            "or give --state FILE");
        return NULL;
    }
    size_t n = strlen(base) + strlen(sub) + sizeof("/simulator.db");
    char *path = malloc(n);
    if (!path) {
        say(TARGET_E_OPEN, err, errsize, "out of memory");
        return NULL;
    }
    snprintf(path, n, "%s%s", base, sub);
    if (!make_dirs(path, err, errsize)) {
        free(path);
        return NULL;
    }
    snprintf(path, n, "%s%s/simulator.db", base, sub);
    return path;
}

static const char *env_nonempty(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static enum target_status open_sim(const struct target_settings *s,
                                   struct target *out, char *err,
                                   size_t errsize)
{
    char *path = NULL;
    if (s->state && !*s->state)
        return say(TARGET_E_USAGE, err, errsize, "--state: empty file name");
    path =
        s->state ? strdup(s->state) : target_default_state_path(err, errsize);
    if (!path)
        return s->state ? say(TARGET_E_OPEN, err, errsize, "out of memory")
                        : TARGET_E_OPEN;
    /* The region of ARNs, as `fuota serve` picks it. */
    const char *region = s->region;
    if (!region)
        region = env_nonempty("AWS_REGION");
    if (!region)
        region = env_nonempty("AWS_DEFAULT_REGION");
    struct store_options so = {
        .path = path,
        .region = region,
        .time_scale = s->time_scale,
        .on_session_start = fleet_store_hook,
        .hook_ctx = &sim_fleet,
    };
    struct backend_error berr;
    backend_error_clear(&berr);
    enum backend_status bs = sim_backend_open(&so, &out->backend, &berr);
    if (bs != BACKEND_OK) {
        const char *why =
            berr.message[0] ? berr.message : backend_status_help(bs);
        enum target_status ts =
            bs == BACKEND_VALIDATION ? TARGET_E_USAGE : TARGET_E_OPEN;
        /* The store's refusals name the file already. */
        enum target_status st =
            strstr(why, path)
                ? say(ts, err, errsize, "simulator state: %s", why)
                : say(ts, err, errsize, "simulator state %s: %s", path, why);
        free(path);
        return st;
    }
    const char *moved = store_quarantined(sim_backend_store(out->backend));
    if (moved)
        snprintf(out->warning, sizeof(out->warning),
                 "%s is a damaged fuota state file; kept as %s, starting "
                 "empty",
                 path, moved);
    snprintf(out->description, sizeof(out->description), "simulator (%s)",
             path);
    snprintf(out->state, sizeof(out->state), "%s", path);
    trace(s, "target: simulator, state %s, region %s", path,
          region ? region : STORE_DEFAULT_REGION);
    free(path);
    return TARGET_OK;
}

static enum target_status open_live(const struct target_settings *s,
                                    struct target *out, char *err,
                                    size_t errsize)
{
    if (s->profile && !*s->profile)
        return say(TARGET_E_USAGE, err, errsize, "--profile: empty name");
    if (s->endpoint && !*s->endpoint)
        return say(TARGET_E_USAGE, err, errsize, "--endpoint: empty URL");
    struct aws_resolve_options ro = { .profile = s->profile,
                                      .region = s->region,
                                      .endpoint_url = s->endpoint };
    struct aws_credentials c;
    char why[AWS_CRED_ERR_MAX];
    enum aws_cred_status cs = aws_resolve(&ro, &c, why, sizeof(why));
    if (cs != AWS_CRED_OK) {
        aws_credentials_cleanup(&c);
        return say(cs == AWS_CRED_E_NOMEM ? TARGET_E_OPEN : TARGET_E_SETTINGS,
                   err, errsize, "%s",
                   why[0] ? why : aws_cred_status_message(cs));
    }
    if (c.warning)
        snprintf(out->warning, sizeof(out->warning), "%s", c.warning);
    char line[1024];
    trace(s, "settings: %s", aws_credentials_describe(&c, line, sizeof(line)));
    trace(s, "settings: %d attempts at most (%s), User-Agent %s",
          c.max_attempts, c.max_attempts_from, aws_client_user_agent());
    if (c.key_source == AWS_SRC_ENV)
        snprintf(out->description, sizeof(out->description),
                 "LIVE %s via environment keys %s, %s", c.region,
                 c.access_key_id, c.endpoint_url);
    else
        snprintf(out->description, sizeof(out->description),
                 "LIVE %s via profile %s, %s", c.region, c.profile,
                 c.endpoint_url);
    snprintf(out->region, sizeof(out->region), "%s", c.region);
    snprintf(out->profile, sizeof(out->profile), "%s",
             c.key_source == AWS_SRC_ENV ? "environment keys"
             : c.profile                 ? c.profile
                                         : "default");
    snprintf(out->endpoint, sizeof(out->endpoint), "%s", c.endpoint_url);
    struct aws_client_options co = {
        .cred = &c,
        .timeout_ms = (long)s->timeout_s * 1000,
        .trace = s->verbose ? s->trace : NULL,
        .trace_ctx = s->trace_ctx,
    };
    struct backend_error berr;
    enum backend_status bs = aws_client_open(&co, &out->backend, &berr);
    aws_credentials_cleanup(&c);
    if (bs != BACKEND_OK)
        return say(bs == BACKEND_VALIDATION ? TARGET_E_SETTINGS : TARGET_E_OPEN,
                   err, errsize, "%s", berr.message);
    out->live = true;
    return TARGET_OK;
}

enum target_status target_open(const struct target_settings *s,
                               struct target *out, char *err, size_t errsize)
{
    memset(out, 0, sizeof(*out));
    if (err && errsize)
        err[0] = '\0';
    bool live = target_is_live(s);
    if (s->sim && live)
        return say(TARGET_E_USAGE, err, errsize, "--sim does not go with %s",
                   s->profile    ? "--profile"
                   : s->endpoint ? "--endpoint"
                                 : "--live");
    if (live && (s->state || s->time_scale))
        return say(TARGET_E_USAGE, err, errsize,
                   "%s is the simulator's; it does not go with %s",
                   s->state ? "--state" : "--time-scale",
                   s->profile    ? "--profile"
                   : s->endpoint ? "--endpoint"
                                 : "--live");
    if (!live && s->timeout_s)
        return say(TARGET_E_USAGE, err, errsize,
                   "--timeout is for a live target (--profile, --endpoint or "
                   "--live); the simulator answers at once");
    if (s->timeout_s < 0 || s->timeout_s > TARGET_TIMEOUT_MAX)
        return say(TARGET_E_USAGE, err, errsize,
                   "--timeout: %lld is outside 1..%d", s->timeout_s,
                   TARGET_TIMEOUT_MAX);
    enum target_status st =
        live ? open_live(s, out, err, errsize) : open_sim(s, out, err, errsize);
    if (st != TARGET_OK) {
        backend_close(out->backend);
        memset(out, 0, sizeof(*out));
    }
    return st;
}

void target_close(struct target *t)
{
    if (!t)
        return;
    backend_close(t->backend);
    memset(t, 0, sizeof(*t));
}
