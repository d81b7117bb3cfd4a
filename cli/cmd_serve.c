/* fuota serve: the simulator as an AWS-compatible endpoint on loopback. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "aws/credentials.h"
#include "cli/commands.h"
#include "cli/opts.h"
#include "cli/target.h"
#include "cli/util.h"
#include "sim/fleet.h"
#include "sim/keyring.h"
#include "sim/server.h"
#include "sim/session_log.h"
#include "sim/store.h"

#define CMD "serve"

/* Mean link loss of the virtual devices when --device-loss is not given:
 * a typical urban LoRaWAN downlink. */
#define DEFAULT_DEVICE_LOSS 5.0

/* How long in-flight requests may take to finish at shutdown. */
#define GRACE_MS 10000

static const char usage_text[] =
    "Usage: fuota serve [OPTIONS]\n"
    "\n"
    "Runs the FUOTA task simulator as an AWS IoT Wireless compatible REST\n"
    "endpoint (restJson1), for the AWS CLI, the AWS SDKs and fuota itself.\n"
    "Prints 'fuota serve: listening on URL' on stdout once it accepts\n"
    "connections; stops cleanly on SIGINT / SIGTERM with the state saved.\n"
    "\n"
    "Options:\n"
    "  --port P             TCP port (default 0: any free port)\n"
    "  --bind ADDR          address to listen on (default 127.0.0.1)\n"
    "  --allow-remote       allow a non-loopback --bind (no TLS: careful)\n"
    "  --state FILE         SQLite state file (default\n"
    "                       $XDG_DATA_HOME/fuota/simulator.db, the file\n"
    "                       the console and 'fuota tasks' use; ':memory:'\n"
    "                       keeps nothing)\n"
    "  --region R           region of ARNs and of SigV4 scopes (default\n"
    "                       AWS_REGION, AWS_DEFAULT_REGION or us-east-1)\n"
    "  --account ID         12-digit account id of ARNs (default "
    "123456789012)\n"
    "  --require-auth       verify AWS SigV4 signatures on every request\n"
    "  --credentials FILE   with --require-auth: accept every key pair of\n"
    "                       this AWS credentials/config file (default: the\n"
    "                       key the AWS CLI would use here: environment,\n"
    "                       AWS_PROFILE, ~/.aws/credentials)\n"
    "  --profile NAME       with --require-auth: accept this profile's key\n"
    "  --throttle-rate X    share of requests answered 429 Throttling (0..1)\n"
    "  --error-rate X       share answered 500 InternalServer (0..1)\n"
    "  --seed S             seed of the fault injection and of the devices'\n"
    "                       links (default 1)\n"
    "  --time-scale X       run simulated session time X times faster\n"
    "  --device-loss PCT    mean downlink loss of the virtual devices that\n"
    "                       play a started task's session, 0..100\n"
    "                       (default 5)\n"
    "  --device-spread PCT  spread of the loss across devices (standard\n"
    "                       deviation, 0..100, default 0)\n"
    "  --group-devices N    virtual devices each multicast group carries\n"
    "                       into the tasks it is associated with, 0..1000\n"
    "                       (default 4)\n"
    "  --fault NAME:PCT     give PCT % of the virtual devices a fault\n"
    "                       (repeatable; the names of 'fuota simulate'):\n"
    "                       they end with its FuotaDeviceStatus\n"
    "  --max-body BYTES     largest request body (default 1048576)\n"
    "  --request-timeout S  seconds a request may take to arrive in full\n"
    "                       (request line, headers and body, counted from\n"
    "                       the connection being ready for it, however\n"
    "                       steadily bytes trickle in); then the connection\n"
    "                       is closed (default 30)\n"
    "  --client-connections N  most connections one client address may\n"
    "                       hold at a time (default 64; 1000 in all)\n"
    "  --threads N          worker threads (default 2 per CPU)\n"
    "  -q, --quiet          no access log (one line per request on stderr)\n"
    "  -h, --help           this help\n"
    "\n"
    "Exit status: 0 after a clean shutdown, 1 when the server could not\n"
    "start or the state could not be opened, 2 on usage errors.\n";

struct serve_args {
    long long port;
    const char *bind;
    bool allow_remote;
    const char *state;
    const char *region;
    const char *account;
    bool require_auth;
    const char *credentials;
    const char *profile;
    double throttle_rate;
    double error_rate;
    long long seed;
    double time_scale;
    double device_loss;
    double device_spread;
    long long group_devices;
    const char *faults[2 * FAULT_COUNT];
    size_t fault_count;
    struct fault_config fault_cfg;
    long long max_body;
    double request_timeout;
    long long client_connections;
    long long threads;
    bool quiet;
};

/* Returns EXIT_OK when the arguments are usable, -1 after the help, else
 * EXIT_USAGE (after saying why and pointing at --help). */
static int parse_args(int argc, char **argv, struct serve_args *a)
{
    memset(a, 0, sizeof(*a));
    a->seed = 1;
    a->device_loss = DEFAULT_DEVICE_LOSS;
    a->request_timeout = SERVER_REQUEST_TIMEOUT_DEFAULT_MS / 1000.0;
    a->group_devices = STORE_DEFAULT_GROUP_DEVICES;
    a->client_connections = SERVER_CLIENT_CONNECTIONS_DEFAULT;
    const struct opts_spec specs[] = {
        OPTS_INT_OPT("--port", &a->port, 0, 65535),
        OPTS_STRING_OPT("--bind", &a->bind),
        OPTS_FLAG_OPT("--allow-remote", &a->allow_remote),
        OPTS_STRING_OPT("--state", &a->state),
        OPTS_STRING_OPT("--region", &a->region),
        OPTS_STRING_OPT("--account", &a->account),
        OPTS_FLAG_OPT("--require-auth", &a->require_auth),
        OPTS_STRING_OPT("--credentials", &a->credentials),
        OPTS_STRING_OPT("--profile", &a->profile),
        OPTS_DOUBLE_OPT("--throttle-rate", &a->throttle_rate, 0, 1),
        OPTS_DOUBLE_OPT("--error-rate", &a->error_rate, 0, 1),
        OPTS_INT_OPT("--seed", &a->seed, 0, INT64_MAX),
        OPTS_DOUBLE_OPT("--time-scale", &a->time_scale, 0.001, 1e6),
        OPTS_DOUBLE_OPT("--device-loss", &a->device_loss, 0, 100),
        OPTS_DOUBLE_OPT("--device-spread", &a->device_spread, 0, 100),
        OPTS_INT_OPT("--group-devices", &a->group_devices, 0,
                     STORE_GROUP_DEVICES_MAX),
        OPTS_LIST_OPT("--fault", a->faults, &a->fault_count),
        OPTS_INT_OPT("--max-body", &a->max_body, 1, 64LL * 1024 * 1024),
        OPTS_DOUBLE_OPT("--request-timeout", &a->request_timeout, 0.05, 3600),
        OPTS_INT_OPT("--client-connections", &a->client_connections, 1,
                     SERVER_CONNECTIONS_MAX),
        OPTS_INT_OPT("--threads", &a->threads, 1, 256),
        { .name = "--quiet",
          .short_name = 'q',
          .kind = OPTS_FLAG,
          .flag = &a->quiet },
    };
    const struct opts_cmd line = {
        .cmd = CMD,
        .usage = usage_text,
        .operand = NULL,
    };
    enum opts_status st =
        opts_parse(&line, specs, OPTS_COUNT(specs), argc, argv, NULL);
    if (st == OPTS_HELP)
        return -1;
    if (st != OPTS_OK)
        return EXIT_USAGE;
    if (!cli_parse_faults(CMD, a->faults, a->fault_count, &a->fault_cfg))
        return cli_usage_error(CMD);
    if (a->throttle_rate + a->error_rate > 1.0) {
        cli_error(CMD, "--throttle-rate plus --error-rate must not exceed 1");
        return cli_usage_error(CMD);
    }
    /* The fleet hook's loss model: a spread too wide for the mean loss
     * (sim/loss.h) is refused here rather than leaving devices unplayed. */
    struct loss_config lc;
    loss_config_init(&lc);
    lc.loss = a->device_loss / 100.0;
    lc.spread = a->device_spread / 100.0;
    char lmsg[320];
    if (loss_config_check(&lc, lmsg, sizeof(lmsg)) != LOSS_OK) {
        cli_error(CMD, "--device-spread: %s", lmsg);
        return cli_usage_error(CMD);
    }
    if ((a->credentials || a->profile) && !a->require_auth) {
        cli_error(CMD, "--credentials and --profile need --require-auth");
        return cli_usage_error(CMD);
    }
    if (a->credentials && a->profile) {
        cli_error(CMD, "give --credentials or --profile, not both");
        return cli_usage_error(CMD);
    }
    if (a->account) {
        size_t n = strlen(a->account);
        bool digits = n == 12;
        for (size_t k = 0; digits && k < n; k++)
            digits = a->account[k] >= '0' && a->account[k] <= '9';
        if (!digits) {
            cli_error(CMD, "--account: '%s' is not a 12-digit account id",
                      a->account);
            return cli_usage_error(CMD);
        }
    }
    if (a->region) {
        size_t n = strlen(a->region);
        bool ok = n > 0 && n < 32;
        for (size_t k = 0; ok && k < n; k++)
            ok = (a->region[k] >= 'a' && a->region[k] <= 'z') ||
                 (a->region[k] >= '0' && a->region[k] <= '9') ||
                 a->region[k] == '-';
        if (!ok) {
            cli_error(CMD,
                      "--region: '%s' is not a region name such as "
                      "eu-west-1",
                      a->region);
            return cli_usage_error(CMD);
        }
    }
    return EXIT_OK;
}

static const char *env_nonempty(const char *name)
{
    const char *v = getenv(name);
    return v != NULL && v[0] != '\0' ? v : NULL;
}

static bool load_keys(const struct serve_args *a, struct keyring *kr)
{
    char err[AWS_CRED_ERR_MAX];
    if (a->credentials != NULL) {
        struct ini_doc doc;
        bool shared = false;
        enum aws_cred_status st =
            aws_file_read(a->credentials, &doc, &shared, err, sizeof(err));
        enum keyring_status ks = KEYRING_OK;
        if (st == AWS_CRED_OK)
            ks = keyring_add_doc(kr, &doc, a->credentials, err, sizeof(err));
        ini_cleanup(&doc);
        if (st != AWS_CRED_OK || ks != KEYRING_OK) {
            cli_error(CMD, "%s",
                      err[0]              ? err
                      : st != AWS_CRED_OK ? aws_cred_status_message(st)
                                          : keyring_status_message(ks));
            return false;
        }
        if (shared)
            fprintf(stderr,
                    "fuota serve: warning: %s holds secret keys and other "
                    "users may read it; run: chmod 600 %s\n",
                    a->credentials, a->credentials);
        fprintf(stderr,
                "fuota serve: SigV4 required; %zu key pair(s) from %s\n",
                kr->count, a->credentials);
        return true;
    }
    struct aws_resolve_options ro = { .profile = a->profile,
                                      .region_optional = true };
    struct aws_credentials c;
    enum aws_cred_status st = aws_resolve(&ro, &c, err, sizeof(err));
    if (st != AWS_CRED_OK) {
        cli_error(CMD, "--require-auth: %s",
                  err[0] ? err : aws_cred_status_message(st));
        aws_credentials_cleanup(&c);
        return false;
    }
    enum keyring_status ks =
        keyring_add(kr, c.access_key_id, c.secret_access_key, c.session_token,
                    c.profile, err, sizeof(err));
    if (ks != KEYRING_OK) {
        cli_error(CMD, "--require-auth: %s",
                  err[0] ? err : keyring_status_message(ks));
        aws_credentials_cleanup(&c);
        return false;
    }
    if (c.warning)
        fprintf(stderr, "fuota serve: warning: %s\n", c.warning);
    fprintf(stderr, "fuota serve: SigV4 required; key %s from %s\n",
            c.access_key_id, c.key_from ? c.key_from : "environment");
    aws_credentials_cleanup(&c);
    return true;
}

/* Start-up lines for what makes this server behave unlike AWS on purpose:
 * injected faults and a faster clock. */
static void say_simulation(const struct serve_args *a)
{
    if (a->throttle_rate > 0 || a->error_rate > 0) {
        char parts[256] = "";
        size_t o = 0;
        if (a->throttle_rate > 0)
            o += (size_t)snprintf(parts + o, sizeof(parts) - o,
                                  "%g %% of requests answered 429 "
                                  "ThrottlingException (--throttle-rate %g)",
                                  a->throttle_rate * 100, a->throttle_rate);
        if (a->error_rate > 0 && o < sizeof(parts))
            snprintf(parts + o, sizeof(parts) - o,
                     "%s%g %% answered 500 InternalServerException "
                     "(--error-rate %g)",
                     o ? ", " : "", a->error_rate * 100, a->error_rate);
        fprintf(stderr, "fuota serve: fault injection on: %s, seed %lld\n",
                parts, a->seed);
    }
    if (a->time_scale > 0 && a->time_scale != 1)
        fprintf(stderr,
                "fuota serve: simulated time runs %g times as fast as real "
                "time (--time-scale %g)\n",
                a->time_scale, a->time_scale);
}

int cmd_serve(int argc, char **argv)
{
    struct serve_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    if (sodium_init() < 0) {
        cli_error(CMD, "libsodium failed to initialise");
        return EXIT_CHECK;
    }
    const char *region = a.region;
    if (region == NULL)
        region = env_nonempty("AWS_REGION");
    if (region == NULL)
        region = env_nonempty("AWS_DEFAULT_REGION");
    if (region == NULL)
        region = STORE_DEFAULT_REGION;

    struct keyring keys;
    keyring_init(&keys);
    if (a.require_auth && !load_keys(&a, &keys)) {
        keyring_cleanup(&keys);
        return EXIT_CHECK;
    }

    char serr[TARGET_ERR_MAX] = "out of memory";
    char *state = a.state ? strdup(a.state)
                          : target_default_state_path(serr, sizeof(serr));
    if (state == NULL) {
        cli_error(CMD, "%s", serr);
        keyring_cleanup(&keys);
        return EXIT_CHECK;
    }
    /* Lives until store_close(): the store calls the hook with it. */
    struct fleet_hook_config fleet = {
        .loss = a.device_loss / 100.0,
        .spread = a.device_spread / 100.0,
        .seed = (uint64_t)a.seed,
        .faults = a.fault_cfg,
    };
    /* Every thread started from here on (the session log's, the server's
     * workers) inherits this mask, so the signals reach sigwait and none
     * can end the process on its own. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* Start and end lines of the sessions (kept with --quiet). */
    struct session_log *slog =
        session_log_new(stderr, NULL, NULL, a.time_scale, true);
    if (slog == NULL) {
        cli_error(CMD, "cannot start the session log: out of memory");
        free(state);
        keyring_cleanup(&keys);
        return EXIT_CHECK;
    }
    struct store_options so = {
        .path = state,
        .region = region,
        .account = a.account,
        .time_scale = a.time_scale,
        .throttle_rate = a.throttle_rate,
        .error_rate = a.error_rate,
        .seed = (uint64_t)a.seed,
        .group_devices = a.group_devices > 0 ? (int)a.group_devices : -1,
        .on_session_start = fleet_store_hook,
        .hook_ctx = &fleet,
        .on_session_started = session_log_started,
        .started_ctx = slog,
    };
    struct store *store = NULL;
    struct backend_error berr;
    backend_error_clear(&berr);
    if (store_open(&so, &store, &berr) != BACKEND_OK) {
        cli_error(CMD, "--state: %s",
                  berr.message[0] ? berr.message
                                  : backend_status_help(berr.status));
        session_log_free(slog);
        free(state);
        keyring_cleanup(&keys);
        return EXIT_CHECK;
    }
    if (store_quarantined(store) != NULL)
        fprintf(stderr,
                "fuota serve: warning: %s is a damaged fuota state file; "
                "kept as %s, starting empty\n",
                state, store_quarantined(store));
    if (store_held_elsewhere(store))
        fprintf(stderr,
                "fuota serve: warning: another process holds %s (a second "
                "fuota serve?); both use it, SQLite keeps their writes "
                "apart\n",
                state);

    struct server_options opt = {
        .store = store,
        .bind = a.bind,
        .allow_remote = a.allow_remote,
        .port = (unsigned)a.port,
        .require_auth = a.require_auth,
        .keys = &keys,
        .region = region,
        .max_body = (size_t)a.max_body,
        .request_timeout_ms = (unsigned)(a.request_timeout * 1000.0 + 0.5),
        .client_connections = (unsigned)a.client_connections,
        .threads = (unsigned)a.threads,
        .access_log = a.quiet ? NULL : stderr,
    };
    struct server *srv = NULL;
    char err[512];
    enum server_status st = server_start(&opt, &srv, err, sizeof(err));
    if (st != SERVER_OK) {
        cli_error(CMD, "%s: %s", server_status_message(st), err);
        store_close(store);
        session_log_free(slog);
        free(state);
        keyring_cleanup(&keys);
        return st == SERVER_E_NOT_LOOPBACK ? EXIT_USAGE : EXIT_CHECK;
    }
    if (a.allow_remote && a.bind != NULL)
        fprintf(stderr,
                "fuota serve: warning: listening beyond loopback "
                "without TLS%s\n",
                a.require_auth ? "" : " and without authentication");
    fprintf(stderr, "fuota serve: state %s, region %s%s\n", state, region,
            a.require_auth ? ", SigV4 on" : ", no authentication");
    fprintf(stderr,
            "fuota serve: virtual devices: %g %% mean loss, %g %% spread, "
            "seed %lld; %lld per multicast group\n",
            a.device_loss, a.device_spread, a.seed, a.group_devices);
    say_simulation(&a);
    for (int f = FAULT_NONE + 1; f < FAULT_COUNT; f++)
        if (a.fault_cfg.share[f] > 0.0)
            fprintf(stderr, "fuota serve: fault %s on %g %% of the devices\n",
                    fault_name((enum fault)f), a.fault_cfg.share[f] * 100.0);
    printf("fuota serve: listening on %s\n", server_url(srv));
    fflush(stdout);

    int sig = 0;
    while (sigwait(&sigs, &sig) != 0 || sig == SIGHUP) {
        /* SIGHUP: nothing to reload; keep serving. */
    }
    fprintf(stderr, "fuota serve: %s received, finishing requests\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    server_stop(srv, GRACE_MS);
    store_close(store);
    session_log_free(slog);
    if (strcmp(state, ":memory:") == 0)
        fprintf(stderr, "fuota serve: stopped (in-memory state discarded)\n");
    else
        fprintf(stderr, "fuota serve: state saved to %s\n", state);
    free(state);
    keyring_cleanup(&keys);
    return EXIT_OK;
}
