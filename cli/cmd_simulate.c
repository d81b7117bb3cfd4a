/* fuota simulate: plays a FUOTA session to a virtual fleet (sim/fleet). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/datadir.h"
#include "cli/opts.h"
#include "cli/outfile.h"
#include "cli/util.h"
#include "core/fec.h"
#include "core/task.h"
#include "sim/events.h"
#include "sim/fleet.h"
#include "sim/loss.h"
#include "sim/report.h"
#include "sim/scenario.h"

#define CMD "simulate"

/* Largest fleet: results take about 20 bytes a device. */
#define DEVICES_MAX 10000000LL
/* Seeds are reported as JSON numbers: keep them exact in a double. */
#define SEED_MAX 9007199254740991LL
/* The largest image a TS004 session can carry: 16383 x 255 bytes. */
#define IMAGE_MAX (16383LL * 255)

static const char usage_text[] =
    "Usage: fuota simulate FILE (--image PATH | --image-size N) --devices N\n"
    "                      [options]\n"
    "       fuota simulate FILE --scenario NAME|FILE [options]\n"
    "\n"
    "Plays the Class C session of the request in FILE ('-' = stdin) to\n"
    "virtual devices that each run the TS004 decoder, under the loss you\n"
    "describe; reports who completed, when, and what the session cost.\n"
    "Same inputs and seed, same report.\n"
    "\n"
    "Scenario:\n"
    "  --scenario NAME|FILE a training scenario ('fuota scenarios' lists\n"
    "                       them): its fleet, link, faults and image size;\n"
    "                       the options below override what it sets\n"
    "Image and fleet:\n"
    "  --image PATH         the firmware image to send\n"
    "  --image-size N       or a pseudo-random image of N bytes (from --seed)\n"
    "  --devices N          number of devices (1..10000000)\n"
    "  --dr N               downlink data rate (default: the region's Class C\n"
    "                       default)\n"
    "Loss (percentages 0..100, composable):\n"
    "  --loss PCT           each device loses each fragment (default 0)\n"
    "  --burst LEN          losses come in bursts of LEN fragments on average\n"
    "                       (Gilbert-Elliott, same long-run loss)\n"
    "  --spread PCT         each device's own loss is drawn around --loss "
    "with\n"
    "                       this standard deviation, clamped to 0..100\n"
    "  --shared-loss PCT    fragments lost for every device (gateway missed)\n"
    "  --late-join K        every device misses fragments 1..K\n"
    "  --drop N,N,...       these fragment numbers are lost for every device\n"
    "Devices:\n"
    "  --mode full|rank     full: every device rebuilds the image, compared\n"
    "                       byte for byte with the source (default); rank:\n"
    "                       rank-only decoding with a sample that still\n"
    "                       decodes in full\n"
    "  --sample PCT         rank mode: share fully decoded (default 1)\n"
    "  --max-frags N        device limit: most fragments (NbFrag) accepted\n"
    "  --max-frag-size N    device limit: largest fragment size\n"
    "  --max-lost N         device limit: most lost fragments it can repair\n"
    "  --device-memory N    device limit: bytes for image + decoder\n"
    "  --codec C            the stream's parity rows: v1 (default), v2 or\n"
    "                       v2-lbm (the two TS004-2.0.0 row numberings, see\n"
    "                       fuota fragments --help)\n"
    "  --device-codec C     the parity rows the devices decode with (default:\n"
    "                       --codec); the other v2 numbering models devices\n"
    "                       that rebuild a wrong image and report MICError\n"
    "  --fault NAME:PCT     give PCT % of the devices a fault (repeatable):\n"
    "                       package-not-supported, frag-algo-unsupported,\n"
    "                       not-enough-memory, frag-index-unsupported,\n"
    "                       wrong-descriptor, session-cnt-replay, mic-error\n"
    "Run:\n"
    "  --seed S             random seed (0..2^53-1, default 1)\n"
    "  --threads T          worker threads (default: online cores)\n"
    "  --early-stop         stop sending redundancy once every device is\n"
    "                       done (reports the airtime saved)\n"
    "  --class-c-limit      devices leave after 2^15 s, the longest Class C\n"
    "                       session (TS005), and miss the rest\n"
    "Output:\n"
    "  --json               the whole report as JSON on stdout\n"
    "  --report FILE        also write the JSON report to FILE\n"
    "  --csv FILE           write one line per device to FILE\n"
    "  --events FILE        write the playback as JSON lines to FILE; its\n"
    "                       size is said on stderr first\n"
    "  --events-level L     milestones: fragments sent and device outcomes\n"
    "                       (default); full: also each fragment received\n"
    "                       or lost (devices x fragments lines)\n"
    "  -h, --help           this help\n"
    "\n"
    "Output files are written whole or not at all (an interrupt leaves an\n"
    "older file as it was); two outputs may not name the same file.\n"
    "\n"
    "Exit status: 0 simulated (whatever the devices did), 1 an internal\n"
    "check failed (a device's image or the rank-mode sample disagreed), 2 a\n"
    "usage or input error, or output that could not be written (one message\n"
    "with the reason; then no report is printed and no file is written).\n";

struct sim_args {
    const char *file;
    const char *image;
    long long image_size;
    long long devices;
    long long dr;
    double loss, burst, spread, shared, sample;
    long long late_join;
    const char *drop;
    long long seed;
    enum fleet_mode mode;
    long long threads;
    bool early_stop;
    bool class_c_limit;
    long long max_frags, max_frag_size, max_lost, device_memory;
    const char *faults[2 * FAULT_COUNT];
    size_t fault_count;
    struct fault_config fault_cfg;
    const char *scenario_name;
    struct scenario scenario; /* loaded when scenario_name is set */
    bool json;
    const char *report, *events, *csv;
    bool events_full;
    enum fec_codec codec, device_codec;
};

/* --codec and --device-codec (default: the stream's); false after saying
 * why. Devices of the other TS004 version never join the session. */
static bool parse_codecs(const char *codec, const char *device_codec,
                         struct sim_args *a)
{
    a->codec = FEC_CODEC_V1;
    if (codec && !fec_codec_parse(codec, &a->codec)) {
        cli_error(CMD, "--codec: unknown codec '%s' (v1, v2 or v2-lbm)", codec);
        return false;
    }
    a->device_codec = a->codec;
    if (device_codec && !fec_codec_parse(device_codec, &a->device_codec)) {
        cli_error(CMD, "--device-codec: unknown codec '%s' (v1, v2 or v2-lbm)",
                  device_codec);
        return false;
    }
    if (fec_codec_version(a->device_codec) != fec_codec_version(a->codec)) {
        cli_error(CMD,
                  "--device-codec: %s devices cannot take a %s session "
                  "(TS004 v%u against v%u)",
                  fec_codec_name(a->device_codec), fec_codec_name(a->codec),
                  fec_codec_version(a->device_codec),
                  fec_codec_version(a->codec));
        return false;
    }
    return true;
}

/* Loads --scenario (by name from the data directories, or a file) and
 * takes its devices, image size and faults where no option gives them. */
static bool load_scenario(struct sim_args *a)
{
    struct cli_dirs dirs;
    cli_data_dirs("scenarios", &dirs);
    char msg[SCENARIO_PATH_MAX + 256];
    if (scenario_find(dirs.list, dirs.n, a->scenario_name, &a->scenario, msg,
                      sizeof(msg)) != SCENARIO_OK) {
        cli_error(CMD, "--scenario: %s", msg);
        return false;
    }
    const struct scenario *sc = &a->scenario;
    if (a->devices < 0 && scenario_has(sc, SCN_DEVICES))
        a->devices = (long long)sc->devices;
    if (!a->image && a->image_size < 0 && scenario_has(sc, SCN_IMAGE_SIZE))
        a->image_size = (long long)sc->image_size;
    for (int f = FAULT_NONE + 1; f < FAULT_COUNT; f++)
        if (sc->fault_given[f])
            a->fault_cfg.share[f] = sc->faults.share[f];
    return true;
}

/* Returns EXIT_OK when the arguments are usable, -1 after the help, else
 * EXIT_USAGE (after saying why and pointing at --help). */
static int parse_args(int argc, char **argv, struct sim_args *a)
{
    memset(a, 0, sizeof(*a));
    scenario_init(&a->scenario);
    a->image_size = -1;
    a->devices = -1;
    /* Not given (a scenario's value or the default applies): below the
     * options' ranges. */
    a->loss = a->burst = a->spread = a->shared = -1.0;
    a->late_join = a->max_frags = a->max_frag_size = a->max_lost =
        a->device_memory = -1;
    a->dr = -1;
    a->seed = 1;
    a->sample = FLEET_DEFAULT_SAMPLE * 100.0;
    const char *mode = NULL, *level = NULL, *codec = NULL, *device_codec = NULL;
    const struct opts_spec specs[] = {
        OPTS_STRING_OPT("--image", &a->image),
        OPTS_INT_OPT("--image-size", &a->image_size, 1, IMAGE_MAX),
        OPTS_INT_OPT("--devices", &a->devices, 1, DEVICES_MAX),
        OPTS_INT_OPT("--dr", &a->dr, 0, 15),
        OPTS_DOUBLE_OPT("--loss", &a->loss, 0, 100),
        OPTS_DOUBLE_OPT("--burst", &a->burst, 1, 1e6),
        OPTS_DOUBLE_OPT("--spread", &a->spread, 0, 100),
        OPTS_DOUBLE_OPT("--shared-loss", &a->shared, 0, 100),
        OPTS_INT_OPT("--late-join", &a->late_join, 0, LOSS_FRAGMENT_MAX),
        OPTS_STRING_OPT("--drop", &a->drop),
        OPTS_STRING_OPT("--mode", &mode),
        OPTS_DOUBLE_OPT("--sample", &a->sample, 0, 100),
        OPTS_INT_OPT("--max-frags", &a->max_frags, 1, LOSS_FRAGMENT_MAX),
        OPTS_INT_OPT("--max-frag-size", &a->max_frag_size, 1, 255),
        OPTS_INT_OPT("--max-lost", &a->max_lost, 1, LOSS_FRAGMENT_MAX),
        OPTS_INT_OPT("--device-memory", &a->device_memory, 1, 1LL << 40),
        OPTS_LIST_OPT("--fault", a->faults, &a->fault_count),
        OPTS_STRING_OPT("--scenario", &a->scenario_name),
        OPTS_INT_OPT("--seed", &a->seed, 0, SEED_MAX),
        OPTS_INT_OPT("--threads", &a->threads, 1, FLEET_THREADS_MAX),
        OPTS_FLAG_OPT("--early-stop", &a->early_stop),
        OPTS_FLAG_OPT("--class-c-limit", &a->class_c_limit),
        OPTS_FLAG_OPT("--json", &a->json),
        OPTS_STRING_OPT("--report", &a->report),
        OPTS_STRING_OPT("--events", &a->events),
        OPTS_STRING_OPT("--csv", &a->csv),
        OPTS_STRING_OPT("--events-level", &level),
        OPTS_STRING_OPT("--codec", &codec),
        OPTS_STRING_OPT("--device-codec", &device_codec),
    };
    const struct opts_cmd line = {
        .cmd = CMD,
        .usage = usage_text,
        .operand = "FILE",
    };
    enum opts_status st =
        opts_parse(&line, specs, OPTS_COUNT(specs), argc, argv, &a->file);
    if (st == OPTS_HELP)
        return -1;
    if (st != OPTS_OK)
        return EXIT_USAGE;
    if (a->scenario_name && !load_scenario(a))
        return EXIT_USAGE;
    if (!cli_parse_faults(CMD, a->faults, a->fault_count, &a->fault_cfg))
        return cli_usage_error(CMD);
    if (mode && strcmp(mode, "full") == 0) {
        a->mode = FLEET_MODE_FULL;
    } else if (mode && strcmp(mode, "rank") == 0) {
        a->mode = FLEET_MODE_RANK;
    } else if (mode) {
        cli_error(CMD, "--mode: '%s' is not a mode: use full or rank", mode);
        return cli_usage_error(CMD);
    }
    if (level && strcmp(level, "full") == 0) {
        a->events_full = true;
    } else if (level && strcmp(level, "milestones") != 0) {
        cli_error(CMD,
                  "--events-level: '%s' is not a level: use milestones or "
                  "full",
                  level);
        return cli_usage_error(CMD);
    }
    if (level && !a->events) {
        cli_error(CMD, "--events-level: give --events FILE too");
        return cli_usage_error(CMD);
    }
    if (!parse_codecs(codec, device_codec, a))
        return cli_usage_error(CMD);
    if (!a->file) {
        cli_error(CMD, "no request FILE given");
        return cli_usage_error(CMD);
    }
    const struct outfile_name outputs[] = {
        { "--report", a->report },
        { "--csv", a->csv },
        { "--events", a->events },
    };
    if (!outfile_distinct(CMD, outputs, OPTS_COUNT(outputs)))
        return cli_usage_error(CMD);
    if (!a->image == (a->image_size < 0)) {
        cli_error(CMD, "give the image: exactly one of --image PATH or "
                       "--image-size N");
        return cli_usage_error(CMD);
    }
    if (a->image && strcmp(a->image, "-") == 0 && strcmp(a->file, "-") == 0) {
        cli_error(CMD, "--image: the request FILE already reads standard "
                       "input ('-'); give the image as a file");
        return cli_usage_error(CMD);
    }
    if (a->devices < 0) {
        cli_error(CMD, "--devices: the number of devices is required "
                       "(at least 1)");
        return cli_usage_error(CMD);
    }
    return EXIT_OK;
}

/* The scenario's fleet parameters under the options given (those set
 * above their "not given" values), and its drop list and outages. */
static bool apply_scenario(const struct sim_args *a, struct fleet_params *p,
                           const struct fleet_session *s, uint32_t **drop,
                           size_t *drop_count)
{
    const struct scenario *sc = &a->scenario;
    scenario_apply(sc, p);
    p->devices = (size_t)a->devices; /* the scenario's unless given */
    if (a->loss >= 0)
        p->loss.loss = a->loss / 100.0;
    if (a->burst >= 0)
        p->loss.burst = a->burst;
    if (a->spread >= 0)
        p->loss.spread = a->spread / 100.0;
    if (a->shared >= 0)
        p->loss.shared_loss = a->shared / 100.0;
    if (a->late_join >= 0)
        p->loss.late_join = (uint32_t)a->late_join;
    if (a->max_frags >= 0)
        p->limits.max_fragments = (uint32_t)a->max_frags;
    if (a->max_frag_size >= 0)
        p->limits.max_frag_size = (uint32_t)a->max_frag_size;
    if (a->max_lost >= 0)
        p->limits.max_lost = (uint32_t)a->max_lost;
    if (a->device_memory >= 0)
        p->limits.memory_bytes = (uint64_t)a->device_memory;
    if (!a->scenario_name)
        return true;
    /* --drop replaces the scenario's list; its outages always apply. */
    const uint32_t *extra = a->drop ? *drop : sc->drop;
    size_t extra_count = a->drop ? *drop_count : sc->drop_count;
    uint32_t *all = NULL;
    size_t n = 0;
    if (!scenario_drops(sc, s, extra, extra_count, &all, &n)) {
        cli_error(CMD, "out of memory");
        return false;
    }
    free(*drop);
    *drop = all;
    *drop_count = n;
    return true;
}

/* Progress on stderr, redrawn when the percentage changes. */
struct progress {
    int shown;
};

static void on_progress(void *ctx, size_t done, size_t total)
{
    struct progress *pr = ctx;
    int pct = (int)(done * 100 / (total ? total : 1));
    if (pct == pr->shown)
        return;
    pr->shown = pct;
    char bar[41];
    int fill = pct * 40 / 100;
    for (int i = 0; i < 40; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[40] = '\0';
    fprintf(stderr, "\r[%s] %3d %% %zu/%zu devices", bar, pct, done, total);
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

/* What print_own needs to name the option behind a diagnostic. */
struct diag_names {
    const char *image_opt;
    size_t image_len;
};

/* The diagnostics about the image or the data rate name the command-line
 * option; cli_print_diags_with prints the others. */
static bool print_own(void *ctx, const struct diag *d)
{
    const struct diag_names *n = ctx;
    char line[DIAG_PATH_MAX + DIAG_MESSAGE_MAX + 8];
    if (strcmp(d->path, "image") == 0)
        cli_error(CMD, "%s: %s", n->image_opt, d->message);
    else if (strcmp(d->path, "dr") == 0)
        cli_error(CMD, "--dr: %s", d->message);
    else if (strcmp(d->rule, "too-many-fragments") == 0)
        cli_error(CMD,
                  "%s: an image of %zu bytes is too large for this "
                  "request: %s",
                  n->image_opt, n->image_len,
                  diag_format(d, line, sizeof(line)));
    else
        return false;
    return true;
}

/* Whether an event belongs to the level written: milestones are each
 * fragment sent and each device's outcome. */
static bool milestone(const struct events_event *ev)
{
    return ev->type != EVENTS_RECEIVED && ev->type != EVENTS_LOST;
}

/* "154.1 MB": decimal units, as file managers show them. */
static const char *human_bytes(uint64_t n, char *buf, size_t size)
{
    static const char *const units[] = { "kB", "MB", "GB", "TB" };
    if (n < 1000) {
        snprintf(buf, size, "%" PRIu64 " bytes", n);
        return buf;
    }
    double v = (double)n / 1000.0;
    size_t u = 0;
    while (v >= 1000.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
        v /= 1000.0;
        u++;
    }
    snprintf(buf, size, "%.1f %s", v, units[u]);
    return buf;
}

/* Counts the events and bytes of both levels (the stream is regenerated,
 * not stored) and says on stderr what --events is about to write. */
static bool announce_events(const struct sim_args *a,
                            const struct fleet_params *p,
                            const struct fleet_result *r)
{
    struct events_iter *it = events_new(p, r);
    if (!it)
        return false;
    uint64_t count[2] = { 0 }, bytes[2] = { 0 }; /* milestones, full */
    struct events_event ev;
    char line[256];
    while (events_next(it, &ev)) {
        uint64_t n = events_format_json(&ev, line, sizeof(line)) + 1;
        count[1]++;
        bytes[1] += n;
        if (milestone(&ev)) {
            count[0]++;
            bytes[0] += n;
        }
    }
    events_free(it);
    char size[32], full[32];
    int k = a->events_full ? 1 : 0;
    if (a->events_full)
        cli_error(CMD,
                  "--events: writing %" PRIu64 " events, %s, to %s (every "
                  "fragment of every device)",
                  count[k], human_bytes(bytes[k], size, sizeof(size)),
                  a->events);
    else
        cli_error(CMD,
                  "--events: writing %" PRIu64 " events, %s, to %s "
                  "(milestones; --events-level full: %" PRIu64 " events, %s)",
                  count[k], human_bytes(bytes[k], size, sizeof(size)),
                  a->events, count[1],
                  human_bytes(bytes[1], full, sizeof(full)));
    return true;
}

/* Writes the events of the chosen level; false only when memory ran out
 * (a failed write is for outfile_flush to report, with its reason). */
static bool write_events(FILE *f, const struct sim_args *a,
                         const struct fleet_params *p,
                         const struct fleet_result *r)
{
    struct events_iter *it = events_new(p, r);
    if (!it)
        return false;
    struct events_event ev;
    char line[256];
    while (!ferror(f) && events_next(it, &ev)) {
        if (!a->events_full && !milestone(&ev))
            continue;
        size_t n = events_format_json(&ev, line, sizeof(line) - 1);
        line[n++] = '\n';
        fwrite(line, 1, n, f);
    }
    events_free(it);
    return true;
}

/* The outputs of a run, in the order they are written and committed. */
enum { OUT_REPORT, OUT_CSV, OUT_EVENTS, OUT_COUNT };

/* Writes each requested output to its temporary file and flushes it;
 * false after the first failure, its message printed (the write's reason,
 * or out of memory). */
static bool write_outputs(const struct sim_args *a, struct outfile *out,
                          const struct fleet_params *p,
                          const struct fleet_result *r)
{
    if (out[OUT_REPORT].f) {
        char *text = report_to_text(p, r, true);
        if (!text) {
            cli_error(CMD, "--report: out of memory");
            return false;
        }
        fprintf(out[OUT_REPORT].f, "%s\n", text);
        free(text);
    }
    /* A failed write is reported by outfile_flush, with its reason. */
    if (out[OUT_CSV].f && !report_write_csv(out[OUT_CSV].f, p, r) &&
        !outfile_flush(&out[OUT_CSV]))
        return false;
    if (out[OUT_EVENTS].f && (!announce_events(a, p, r) ||
                              !write_events(out[OUT_EVENTS].f, a, p, r))) {
        cli_error(CMD, "--events: out of memory");
        return false;
    }
    for (size_t i = 0; i < OUT_COUNT; i++)
        if (out[i].f && !outfile_flush(&out[i]))
            return false;
    return true;
}

static int run(const struct sim_args *a, struct fuota_task *task)
{
    const char *image_opt = a->image ? "--image" : "--image-size";
    uint8_t *image = NULL;
    size_t image_len = 0;
    if (a->image) {
        image =
            (uint8_t *)cli_read_file(CMD, a->image, CLI_MAX_FILE, &image_len);
        if (!image)
            return EXIT_USAGE;
        if (image_len == 0) {
            cli_error(CMD, "--image: %s is empty", cli_path_name(a->image));
            free(image);
            return EXIT_USAGE;
        }
    } else {
        image_len = (size_t)a->image_size;
        image = malloc(image_len);
        if (!image) {
            cli_error(CMD, "out of memory");
            return EXIT_USAGE;
        }
        fleet_generate_image(image, image_len, (uint64_t)a->seed);
    }

    int rc = EXIT_USAGE;
    uint32_t *drop = NULL;
    size_t drop_count = 0;
    struct fleet_result r = { 0 };
    struct outfile out[OUT_COUNT];
    for (size_t i = 0; i < OUT_COUNT; i++)
        out[i] = (struct outfile){ .fd = -1, .slot = -1 };
    struct diag_list diags;
    diag_list_init(&diags);
    struct fleet_session s;
    bool ok = fleet_session_from_task(task, image_len, (int)a->dr, &s, &diags);
    struct diag_names names = { .image_opt = image_opt,
                                .image_len = image_len };
    /* The command fails: its errors, and no notes or warnings. */
    if (!ok) {
        cli_print_diags_with(&diags, print_own, &names, true);
        goto out;
    }
    char msg[320];
    if (a->drop && loss_parse_drop(a->drop, &drop, &drop_count, msg,
                                   sizeof(msg)) != LOSS_OK) {
        cli_error(CMD, "--drop: %s", msg);
        goto out;
    }

    struct fleet_params p;
    fleet_params_init(&p);
    p.session = &s;
    p.image = image;
    p.seed = (uint64_t)a->seed;
    p.devices = (size_t)a->devices;
    if (!apply_scenario(a, &p, &s, &drop, &drop_count))
        goto out;
    p.loss.drop = drop;
    p.loss.drop_count = drop_count;
    p.mode = a->mode;
    p.sample = a->sample / 100.0;
    p.threads = (unsigned)a->threads;
    p.early_stop = a->early_stop;
    p.codec = a->codec;
    p.device_codec = a->device_codec;
    p.faults = a->fault_cfg;
    struct progress pr = { .shown = -1 };
    if (isatty(STDERR_FILENO)) {
        p.progress = on_progress;
        p.progress_ctx = &pr;
    }
    for (size_t i = 0; i < drop_count; i++)
        if (drop[i] > s.m + s.r) {
            cli_error(CMD,
                      "--drop: fragment %u is beyond the session's %u "
                      "fragments",
                      (unsigned)drop[i], (unsigned)(s.m + s.r));
            goto out;
        }
    char lmsg[320];
    enum loss_status ls = loss_config_check(&p.loss, lmsg, sizeof(lmsg));
    if (ls != LOSS_OK) {
        cli_error(CMD, "--%s: %s", loss_status_param(ls), lmsg);
        goto out;
    }
    /* --class-c-limit: past 2^15 s every device is back in Class A and
     * hears nothing more, as if the rest were dropped for all. */
    uint32_t heard = a->class_c_limit ? fleet_class_c_heard(&s) : 0;
    if (heard) {
        uint32_t *all;
        size_t n;
        if (!fleet_drops_after(drop, drop_count, heard, s.m + s.r, &all, &n)) {
            cli_error(CMD, "out of memory");
            goto out;
        }
        free(drop);
        drop = all;
        drop_count = n;
        p.loss.drop = drop;
        p.loss.drop_count = drop_count;
    }
    /* Open every output first: a path that cannot be written is a usage
     * error, found before the simulation runs. */
    const char *paths[OUT_COUNT] = { a->report, a->csv, a->events };
    const char *opts[OUT_COUNT] = { "--report", "--csv", "--events" };
    for (size_t i = 0; i < OUT_COUNT; i++)
        if (paths[i] && !outfile_open(&out[i], CMD, opts[i], paths[i]))
            goto out;
    /* Every check passed: now what the request's figures deserve. */
    cli_print_diags_with(&diags, print_own, &names, false);
    if (heard)
        fprintf(stderr,
                "note: --class-c-limit: every device leaves after fragment "
                "%u of %u (2^15 s, TS005) and misses the rest\n",
                (unsigned)heard, (unsigned)(s.m + s.r));
    enum fleet_status fs = fleet_run(&p, &r, msg, sizeof(msg));
    if (fs != FLEET_OK) {
        cli_error(CMD, "%s", msg);
        rc = fs == FLEET_ERR_PARAM ? EXIT_USAGE : EXIT_CHECK;
        goto out;
    }

    /* All or nothing: the files are written, then the report printed, then
     * the files put in place. A failure anywhere is the one message. */
    if (!write_outputs(a, out, &p, &r))
        goto out;
    if (a->json) {
        char *text = report_to_text(&p, &r, true);
        if (!text) {
            cli_error(CMD, "out of memory");
            goto out;
        }
        printf("%s\n", text);
        free(text);
    } else {
        if (a->scenario_name)
            printf("Scenario  %s: %s\n", a->scenario.name, a->scenario.summary);
        if (!report_print_table(stdout, &p, &r) && !ferror(stdout)) {
            cli_error(CMD, "out of memory");
            goto out;
        }
    }
    if (!outfile_stdout_flush(CMD))
        goto out;
    for (size_t i = 0; i < OUT_COUNT; i++)
        if (out[i].f && !outfile_commit(&out[i]))
            goto out;
    rc = EXIT_OK;
    if (r.internal_errors) {
        cli_error(CMD,
                  "internal error: %zu devices disagree with the full "
                  "decoder or rebuilt a wrong image",
                  r.internal_errors);
        rc = EXIT_CHECK;
    }
out:
    for (size_t i = 0; i < OUT_COUNT; i++)
        outfile_abort(&out[i]);
    fleet_result_cleanup(&r);
    diag_list_cleanup(&diags);
    free(drop);
    free(image);
    return rc;
}

int cmd_simulate(int argc, char **argv)
{
    struct sim_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc != EXIT_OK) {
        scenario_cleanup(&a.scenario);
        return rc < 0 ? EXIT_OK : rc;
    }
    struct fuota_task task;
    struct diag_list diags;
    diag_list_init(&diags);
    enum cli_task_status ts = cli_load_task(CMD, a.file, &task, &diags);
    if (ts == CLI_TASK_NO_FILE) {
        rc = EXIT_USAGE;
    } else if (ts != CLI_TASK_READ || diag_has_errors(&diags)) {
        cli_print_diags_with(&diags, NULL, NULL, true);
        cli_error(CMD, "%s: not a usable CreateFuotaTask request",
                  cli_path_name(a.file));
        rc = EXIT_USAGE;
    } else {
        rc = run(&a, &task);
    }
    task_cleanup(&task);
    diag_list_cleanup(&diags);
    scenario_cleanup(&a.scenario);
    return rc;
}
