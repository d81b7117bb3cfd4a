/* fuota sweep: what-if grid of success probability (sim/sweep). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli/commands.h"
#include "cli/opts.h"
#include "cli/util.h"
#include "core/limits.h"
#include "core/region.h"
#include "sim/sweep.h"

#define CMD "sweep"

/* Seeds are reported as JSON numbers: keep them exact in a double. */
#define SEED_MAX 9007199254740991LL

static const char usage_text[] =
    "Usage: fuota sweep (FILE | --image PATH | --image-size N) [options]\n"
    "\n"
    "What-if planning: the probability that a device rebuilds the image,\n"
    "over a grid of redundancy x loss (and fragment size x data rate), by\n"
    "Monte Carlo with the TS004 decoder, with its 95 % interval, the\n"
    "airtime and wall time of each session, and the smallest redundancy\n"
    "that reaches the target. FILE (or --image PATH) is the firmware image;\n"
    "only its size is used.\n"
    "\n"
    "Grid:\n"
    "  --image-size N           or an image size in bytes (1..4177665)\n"
    "  --fragment-size S[,S...] fragment sizes in bytes (default: the most\n"
    "                           the first data rate carries)\n"
    "  --redundancy FROM:TO:STEP  RedundancyPercent levels, whole percents\n"
    "                           (default 0:100:5; one number = one level)\n"
    "  --loss FROM:TO:STEP      mean loss levels in percent (default 0:30:5)\n"
    "  --region R               RfRegion (default EU868)\n"
    "  --dr D[,D...]            downlink data rates (default: the region's\n"
    "                           Class C default)\n"
    "  --interval MS            FragmentIntervalMS (default: back to back)\n"
    "Loss model (as fuota simulate):\n"
    "  --burst LEN              losses in bursts of LEN fragments on average\n"
    "  --spread PCT             per-device loss spread (standard deviation)\n"
    "  --shared-loss PCT        fragments lost for every device of a session\n"
    "  --late-join K            every device misses fragments 1..K\n"
    "Target:\n"
    "  --target PCT             default 99: the share of devices that\n"
    "                           complete; with --devices N, the probability\n"
    "                           that all N complete\n"
    "  --devices N              fleet size (default 1)\n"
    "Run:\n"
    "  --trials T               trials a point (default 1000)\n"
    "  --width PCT              stop a loss level early once every interval\n"
    "                           is narrower than PCT percentage points\n"
    "  --seed S                 random seed (0..2^53-1, default 1)\n"
    "  --threads T              worker threads (default: online cores)\n"
    "Output:\n"
    "  --format table|csv|json  on stdout (default table); csv and json\n"
    "                           give one record per grid point\n"
    "  --svg FILE               also write a chart: success against\n"
    "                           redundancy, one curve per loss\n"
    "  -h, --help               this help\n"
    "\n"
    "The same options and seed give the same output, byte for byte, on any\n"
    "number of threads. A progress bar goes to stderr when it is a\n"
    "terminal.\n"
    "\n"
    "Exit status: 0 done, 1 the sweep failed (out of memory), 2 a usage or\n"
    "input error (bad range, FROM > TO, a step of 0, a percentage outside\n"
    "0..100, more than 100000 grid points) or an output that could not be\n"
    "written (one message with the reason; no file is left half-written).\n";

enum format { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON };

struct sweep_args {
    const char *file, *image, *sizes, *drs, *red, *loss, *format, *svg;
    const char *region;
    long long image_size, interval, late_join, devices, trials, seed, threads;
    bool has_interval;
    double burst, spread, shared, target, width;
    enum format fmt;
};

/* ---------------------------------------------------------------------- */
/* Arguments */

/* One plain decimal number of a list or range, whole when `whole`. */
static bool number(const char *opt, const char *text, size_t len, bool whole,
                   double *out)
{
    char part[64];
    if (len == 0 || len >= sizeof(part)) {
        cli_error(CMD, "%s: '%.*s' is not a number", opt, (int)len, text);
        return false;
    }
    memcpy(part, text, len);
    part[len] = '\0';
    if (!cli_is_decimal(part, !whole)) {
        cli_error(CMD, "%s: '%s' is not %s", opt, part,
                  whole ? "a whole number (plain decimal, as 12)"
                        : "a number (plain decimal, as 12 or 2.5)");
        return false;
    }
    errno = 0;
    char *end = NULL;
    *out = strtod(part, &end);
    if (errno == ERANGE || !isfinite(*out)) {
        cli_error(CMD, "%s: '%s' is out of range", opt, part);
        return false;
    }
    return true;
}

/* "FROM:TO:STEP", or one number (a single level). */
static bool parse_range(const char *opt, const char *text,
                        struct sweep_range *r)
{
    const char *c1 = strchr(text, ':');
    if (!c1)
        return number(opt, text, strlen(text), false, &r->from) &&
               (r->to = r->from, r->step = 1, true);
    const char *c2 = strchr(c1 + 1, ':');
    if (!c2 || strchr(c2 + 1, ':')) {
        cli_error(CMD,
                  "%s: '%s' is not FROM:TO:STEP (three numbers, as 0:30:5) "
                  "or one number",
                  opt, text);
        return false;
    }
    return number(opt, text, (size_t)(c1 - text), false, &r->from) &&
           number(opt, c1 + 1, (size_t)(c2 - c1 - 1), false, &r->to) &&
           number(opt, c2 + 1, strlen(c2 + 1), false, &r->step);
}

/* "A,B,C": at most `max` whole numbers in [lo, hi]. */
static bool parse_list(const char *opt, const char *text, long lo, long hi,
                       size_t max, long *out, size_t *count)
{
    *count = 0;
    for (const char *p = text;;) {
        size_t len = strcspn(p, ",");
        double v;
        if (*count == max) {
            cli_error(CMD, "%s: more than %zu values", opt, max);
            return false;
        }
        if (!number(opt, p, len, true, &v))
            return false;
        if (v < (double)lo || v > (double)hi) {
            cli_error(CMD, "%s: %.0f is outside %ld..%ld", opt, v, lo, hi);
            return false;
        }
        out[(*count)++] = (long)v;
        if (p[len] == '\0')
            return true;
        p += len + 1;
    }
}

/* Returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, struct sweep_args *a)
{
    memset(a, 0, sizeof(*a));
    a->image_size = -1;
    a->devices = 1;
    a->trials = 1000;
    a->seed = 1;
    a->target = 99;
    const struct opts_spec specs[] = {
        OPTS_STRING_OPT("--image", &a->image),
        OPTS_INT_OPT("--image-size", &a->image_size, 1,
                     (long long)SWEEP_IMAGE_MAX),
        OPTS_STRING_OPT("--fragment-size", &a->sizes),
        OPTS_STRING_OPT("--redundancy", &a->red),
        OPTS_STRING_OPT("--loss", &a->loss),
        OPTS_STRING_OPT("--region", &a->region),
        OPTS_STRING_OPT("--dr", &a->drs),
        { .name = "--interval",
          .kind = OPTS_INT,
          .integer = &a->interval,
          .imin = 1,
          .imax = INT32_MAX,
          .given = &a->has_interval },
        OPTS_DOUBLE_OPT("--burst", &a->burst, 1, 1e6),
        OPTS_DOUBLE_OPT("--spread", &a->spread, 0, 100),
        OPTS_DOUBLE_OPT("--shared-loss", &a->shared, 0, 100),
        OPTS_INT_OPT("--late-join", &a->late_join, 0, 16383),
        OPTS_DOUBLE_OPT("--target", &a->target, 0, 100),
        OPTS_INT_OPT("--devices", &a->devices, 1, (long long)SWEEP_DEVICES_MAX),
        OPTS_INT_OPT("--trials", &a->trials, 1, (long long)SWEEP_TRIALS_MAX),
        OPTS_DOUBLE_OPT("--width", &a->width, 0, 100),
        OPTS_INT_OPT("--seed", &a->seed, 0, SEED_MAX),
        OPTS_INT_OPT("--threads", &a->threads, 1, SWEEP_THREADS_MAX),
        OPTS_STRING_OPT("--format", &a->format),
        OPTS_STRING_OPT("--svg", &a->svg),
    };
    const struct opts_cmd line = {
        .cmd = CMD,
        .usage = usage_text,
        .operand = "FILE",
    };
    enum opts_status st =
        opts_parse(&line, specs, OPTS_COUNT(specs), argc, argv, &a->file);
    if (st != OPTS_OK)
        return opts_exit_status(st);
    int given = (a->file != NULL) + (a->image != NULL) + (a->image_size >= 0);
    if (given != 1) {
        cli_error(CMD, "give the image exactly once: FILE, --image PATH or "
                       "--image-size N");
        return cli_usage_error(CMD);
    }
    if (!a->format || strcmp(a->format, "table") == 0) {
        a->fmt = FORMAT_TABLE;
    } else if (strcmp(a->format, "csv") == 0) {
        a->fmt = FORMAT_CSV;
    } else if (strcmp(a->format, "json") == 0) {
        a->fmt = FORMAT_JSON;
    } else {
        cli_error(CMD,
                  "--format: '%s' is not a format: use table, csv or "
                  "json",
                  a->format);
        return cli_usage_error(CMD);
    }
    return -1;
}

/* The sweep's params from the arguments; false after a usage message. */
static bool to_params(const struct sweep_args *a, uint64_t image_bytes,
                      uint32_t *sizes, int *drs, struct sweep_params *p)
{
    sweep_params_init(p);
    p->image_bytes = image_bytes;
    p->region = a->region;
    long
        list[SWEEP_SIZES_MAX > SWEEP_DRS_MAX ? SWEEP_SIZES_MAX : SWEEP_DRS_MAX];
    size_t n = 0;
    if (a->sizes) {
        if (!parse_list("--fragment-size", a->sizes, 1, 255, SWEEP_SIZES_MAX,
                        list, &n))
            return false;
        for (size_t i = 0; i < n; i++)
            sizes[i] = (uint32_t)list[i];
        p->fragment_sizes = sizes;
        p->fragment_size_count = n;
    }
    if (a->drs) {
        if (!parse_list("--dr", a->drs, 0, 15, SWEEP_DRS_MAX, list, &n))
            return false;
        for (size_t i = 0; i < n; i++)
            drs[i] = (int)list[i];
        p->drs = drs;
        p->dr_count = n;
    }
    if ((a->red && !parse_range("--redundancy", a->red, &p->redundancy)) ||
        (a->loss && !parse_range("--loss", a->loss, &p->loss)))
        return false;
    p->has_interval = a->has_interval;
    p->interval_ms = (int32_t)a->interval;
    p->burst = a->burst;
    p->spread = a->spread;
    p->shared_loss = a->shared;
    p->late_join = (uint32_t)a->late_join;
    p->devices = (uint64_t)a->devices;
    p->target = a->target;
    p->target_kind = a->devices > 1 ? SWEEP_TARGET_FLEET : SWEEP_TARGET_SHARE;
    p->trials = (uint64_t)a->trials;
    p->seed = (uint64_t)a->seed;
    p->threads = (unsigned)a->threads;
    p->width = a->width;
    return true;
}

/* The image size from FILE or --image (only its size is used). */
static bool image_bytes(const struct sweep_args *a, uint64_t *out)
{
    if (a->image_size >= 0) {
        *out = (uint64_t)a->image_size;
        return true;
    }
    const char *path = a->file ? a->file : a->image;
    size_t len = 0;
    char *data = cli_read_file(CMD, path, SWEEP_IMAGE_MAX, &len);
    if (!data)
        return false;
    free(data);
    if (len == 0) {
        cli_error(CMD, "%s: the image is empty", path);
        return false;
    }
    *out = len;
    return true;
}

/* ---------------------------------------------------------------------- */
/* The chart file: written beside its final name, renamed when complete */

struct outfile {
    const char *path;
    char *tmp;
    FILE *f;
};

static bool outfile_open(struct outfile *o, const char *opt, const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path + 1) : 0;
    size_t size = strlen(path) + 16;
    o->path = path;
    o->tmp = malloc(size);
    if (!o->tmp) {
        cli_error(CMD, "%s: out of memory", opt);
        return false;
    }
    snprintf(o->tmp, size, "%.*s.%s.XXXXXX", (int)dir, path, path + dir);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        cli_error(CMD, "%s: %s: %s", opt, path, strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        return false;
    }
    /* mkstemp makes it 0600; the chart gets the usual permissions. */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0 || !(o->f = fdopen(fd, "w"))) {
        cli_error(CMD, "%s: %s: %s", opt, path, strerror(errno));
        close(fd);
        unlink(o->tmp);
        free(o->tmp);
        o->tmp = NULL;
        return false;
    }
    return true;
}

/* Closes and renames the file into place (ok), or removes it. */
static bool outfile_close(struct outfile *o, const char *opt, bool ok)
{
    if (!o->tmp)
        return true;
    int err = 0;
    if (ok && (fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f))))
        err = errno ? errno : EIO;
    if (fclose(o->f) != 0 && !err)
        err = errno ? errno : EIO;
    if (ok && !err && rename(o->tmp, o->path) != 0)
        err = errno;
    if (!ok || err)
        unlink(o->tmp);
    if (ok && err)
        cli_error(CMD, "%s: %s: %s", opt, o->path, strerror(err));
    free(o->tmp);
    o->tmp = NULL;
    return ok && !err;
}

/* ---------------------------------------------------------------------- */
/* Running: progress bar and interruption */

static atomic_bool interrupted;
static volatile sig_atomic_t interrupt_signal;

/* Ctrl-C cancels the sweep; the chart's temporary file is removed and the
 * signal then ends the process as it would have. */
static void on_signal(int sig)
{
    interrupt_signal = sig;
    atomic_store(&interrupted, true);
}

struct bar {
    int shown;
};

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
    struct bar *b = ctx;
    int pct = total ? (int)(done * 100 / total) : 100;
    if (pct == b->shown)
        return;
    b->shown = pct;
    char fill[41];
    for (int i = 0; i < 40; i++)
        fill[i] = i < pct * 40 / 100 ? '#' : '.';
    fill[40] = '\0';
    fprintf(stderr, "\r[%s] %3d %% %" PRIu64 "/%" PRIu64 " trials", fill, pct,
            done, total);
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

/* ---------------------------------------------------------------------- */
/* Text */

/* "1 h 56 min", "2 min 05 s", "45.3 s". */
static const char *duration(double s, char *buf, size_t size)
{
    uint64_t whole = (uint64_t)llround(s);
    if (s < 60.0)
        snprintf(buf, size, "%.1f s", s);
    else if (whole < 3600)
        snprintf(buf, size, "%" PRIu64 " min %02" PRIu64 " s", whole / 60,
                 whole % 60);
    else
        snprintf(buf, size, "%" PRIu64 " h %02" PRIu64 " min",
                 (whole + 30) / 3600, (whole + 30) / 60 % 60);
    return buf;
}

static const char *dr_name(const struct sweep *sw, int dr, char *buf,
                           size_t size)
{
    const struct region *r = region_find(sweep_params(sw)->region);
    char what[48];
    region_dr_describe(region_dr(r, dr), what, sizeof(what));
    snprintf(buf, size, "DR%d (%s)", dr, what);
    return buf;
}

/* What the target is about, in words. */
static const char *target_words(const struct sweep_params *p, char *buf,
                                size_t size)
{
    if (p->target_kind == SWEEP_TARGET_FLEET)
        snprintf(buf, size,
                 "all %" PRIu64 " devices complete with %g %% "
                 "probability",
                 p->devices, p->target);
    else
        snprintf(buf, size, "%g %% of devices complete", p->target);
    return buf;
}

/* best: the row's point with the most redundancy, for when none reaches
 * the target. */
static void print_recommendation(FILE *out, const struct sweep *sw,
                                 const struct sweep_recommendation *r,
                                 const struct sweep_point *best, double loss)
{
    const struct sweep_params *p = sweep_params(sw);
    const struct sweep_point *pt = &r->point;
    char model[160], air[32], wall[32];
    sweep_describe_model(p, loss, model, sizeof(model));
    if (!r->found) {
        fprintf(out,
                "  loss %g %%: no redundancy in the grid reaches the "
                "target",
                loss);
        if (best->sendable) {
            double v, lo, hi;
            sweep_target_value(sw, best, &v, &lo, &hi);
            fprintf(out, " (%d %% gives %.2f %% [%.2f, %.2f])",
                    best->redundancy_percent, v * 100, lo * 100, hi * 100);
        }
        fputc('\n', out);
        return;
    }
    fprintf(out,
            "  loss %g %%: %d %% redundancy (R = %u, %u fragments): %.2f %% "
            "[%.2f, %.2f], airtime %s, wall time %s; %" PRIu64 " trials, %s\n",
            loss, pt->redundancy_percent, (unsigned)pt->r,
            (unsigned)(pt->m + pt->r), r->value * 100, r->lo * 100, r->hi * 100,
            duration(pt->airtime_s, air, sizeof(air)),
            duration(pt->wall_time_s, wall, sizeof(wall)), pt->trials, model);
    struct limits_timeout lt;
    if (!limits_class_c_timeout(pt->wall_time_s, &lt))
        fprintf(out,
                "    a session of %s outlasts a Class C multicast session "
                "(TS005: at most 2^15 s = 9 h 6 min): devices return to "
                "Class A before it ends; fuota plan says what fits\n",
                wall);
    if (r->confirmed)
        return;
    if (r->confirmed_redundancy >= 0)
        fprintf(out,
                "    the interval's lower end is below the target: %d %% "
                "is the least it confirms\n",
                r->confirmed_redundancy);
    else
        fprintf(out, "    the interval's lower end is below the target "
                     "everywhere: more --trials or more redundancy\n");
}

/* One block: a fragment size at a data rate, redundancy down, loss across. */
static void print_block(FILE *out, const struct sweep *sw, size_t s, size_t d)
{
    struct sweep_axes ax;
    sweep_axes(sw, &ax);
    const struct sweep_params *p = sweep_params(sw);
    char name[80], air[32], wall[32];
    fprintf(out, "\nFragments of %u B (M = %u) at %s\n",
            (unsigned)ax.fragment_size[s], (unsigned)ax.m[s],
            dr_name(sw, ax.dr[d], name, sizeof(name)));
    fprintf(out, "%10s %6s %12s %12s   loss:", "redundancy", "R", "airtime",
            "wall time");
    for (size_t l = 0; l < ax.losses; l++)
        fprintf(out, " %6g%%", ax.loss[l]);
    fputc('\n', out);
    for (size_t j = 0; j < ax.redundancies; j++) {
        struct sweep_point pt;
        sweep_point(sw, sweep_index(sw, s, d, 0, j), &pt);
        fprintf(out, "%8d %% %6u", pt.redundancy_percent, (unsigned)pt.r);
        if (!pt.feasible) {
            fprintf(out, "   more than 16383 fragments: no session\n");
            continue;
        }
        fprintf(out, " %12s %12s        ",
                pt.sendable ? duration(pt.airtime_s, air, sizeof(air)) : "-",
                duration(pt.wall_time_s, wall, sizeof(wall)));
        for (size_t l = 0; l < ax.losses; l++) {
            double v, lo, hi;
            sweep_point(sw, sweep_index(sw, s, d, l, j), &pt);
            sweep_target_value(sw, &pt, &v, &lo, &hi);
            bool hit = pt.trials && v >= p->target / 100.0 - 1e-12;
            char cell[16];
            snprintf(cell, sizeof(cell), "%s%.2f", hit ? "*" : "", v * 100);
            fprintf(out, " %7s", cell);
        }
        fputc('\n', out);
    }
    struct sweep_point first;
    sweep_point(sw, sweep_index(sw, s, d, 0, 0), &first);
    if (first.feasible && !first.sendable)
        fprintf(out,
                "(%u-byte fragments do not fit this data rate: no "
                "recommendation)\n",
                (unsigned)ax.fragment_size[s]);
    fprintf(out, "Smallest redundancy for the target:\n");
    for (size_t l = 0; l < ax.losses; l++) {
        struct sweep_recommendation r;
        struct sweep_point best;
        sweep_recommend_redundancy(sw, s, d, l, &r);
        size_t j = ax.redundancies;
        do
            sweep_point(sw, sweep_index(sw, s, d, l, --j), &best);
        while (j > 0 && !best.feasible);
        print_recommendation(out, sw, &r, &best, ax.loss[l]);
    }
}

static void print_table(FILE *out, const struct sweep *sw)
{
    struct sweep_axes ax;
    sweep_axes(sw, &ax);
    const struct sweep_params *p = sweep_params(sw);
    char target[96];
    fprintf(out,
            "Sweep: %" PRIu64 "-byte image, %s, %" PRIu64
            " trials a point (seed %" PRIu64 ")\n",
            p->image_bytes, p->region, sweep_trials(sw), p->seed);
    fprintf(out, "Target: %s\n", target_words(p, target, sizeof(target)));
    fprintf(out, "Cells: %s in %%, * = reaches the target\n",
            p->target_kind == SWEEP_TARGET_FLEET
                ? "probability that every device completes"
                : "share of devices that complete");
    for (size_t s = 0; s < ax.sizes; s++)
        for (size_t d = 0; d < ax.drs; d++)
            print_block(out, sw, s, d);
    if (ax.sizes < 2)
        return;
    fprintf(out, "\nFragment size with the shortest wall time:\n");
    for (size_t d = 0; d < ax.drs; d++)
        for (size_t l = 0; l < ax.losses; l++) {
            struct sweep_recommendation r;
            char name[80], air[32], wall[32];
            sweep_recommend_fragment_size(sw, d, l, &r);
            dr_name(sw, ax.dr[d], name, sizeof(name));
            if (!r.found) {
                fprintf(out, "  %s, loss %g %%: no size reaches the target\n",
                        name, ax.loss[l]);
                continue;
            }
            fprintf(out,
                    "  %s, loss %g %%: %u B with %d %% redundancy: wall time "
                    "%s, airtime %s (%.2f %%, %" PRIu64 " trials)\n",
                    name, ax.loss[l], (unsigned)r.point.fragment_size,
                    r.point.redundancy_percent,
                    duration(r.point.wall_time_s, wall, sizeof(wall)),
                    duration(r.point.airtime_s, air, sizeof(air)),
                    r.value * 100, r.point.trials);
        }
}

/* ---------------------------------------------------------------------- */
/* CSV and JSON: one record per grid point */

static void print_csv(FILE *out, const struct sweep *sw)
{
    struct sweep_axes ax;
    sweep_axes(sw, &ax);
    fputs("fragment_size,dr,loss_percent,redundancy_percent,"
          "uncoded_fragments,redundancy_fragments,feasible,sendable,trials,"
          "successes,p_success,p_low,p_high,extra_received,extra_sent,"
          "share_complete,devices,p_all,p_all_low,p_all_high,airtime_s,"
          "wall_time_s\n",
          out);
    uint64_t devices = sweep_params(sw)->devices;
    for (size_t i = 0; i < ax.points; i++) {
        struct sweep_point pt;
        sweep_point(sw, i, &pt);
        fprintf(out, "%u,%d,%g,%d,%u,%u,%d,%d,", (unsigned)pt.fragment_size,
                pt.dr, pt.loss, pt.redundancy_percent, (unsigned)pt.m,
                (unsigned)pt.r, pt.feasible, pt.sendable);
        if (!pt.feasible) {
            fprintf(out, ",,,,,,,,%" PRIu64 ",,,,,\n", devices);
            continue;
        }
        fprintf(out,
                "%" PRIu64 ",%" PRIu64 ",%.6f,%.6f,%.6f,%.4f,%.4f,%.6f,"
                "%" PRIu64 ",%.6g,%.6g,%.6g,%.3f,%.3f\n",
                pt.trials, pt.successes, pt.p, pt.p_lo, pt.p_hi,
                pt.extra_received, pt.extra_sent, pt.share, devices, pt.p_all,
                pt.p_all_lo, pt.p_all_hi, pt.airtime_s, pt.wall_time_s);
    }
}

/* Rounded for stable, readable JSON. */
static double rounded(double v, double scale)
{
    return round(v * scale) / scale;
}

static cJSON *point_json(const struct sweep_point *pt)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "fragment_size", pt->fragment_size);
    cJSON_AddNumberToObject(o, "dr", pt->dr);
    cJSON_AddNumberToObject(o, "loss_percent", pt->loss);
    cJSON_AddNumberToObject(o, "redundancy_percent", pt->redundancy_percent);
    cJSON_AddNumberToObject(o, "uncoded_fragments", pt->m);
    cJSON_AddNumberToObject(o, "redundancy_fragments", pt->r);
    cJSON_AddBoolToObject(o, "feasible", pt->feasible);
    cJSON_AddBoolToObject(o, "sendable", pt->sendable);
    if (!pt->feasible)
        return o;
    cJSON_AddNumberToObject(o, "trials", (double)pt->trials);
    cJSON_AddNumberToObject(o, "successes", (double)pt->successes);
    cJSON_AddNumberToObject(o, "p_success", rounded(pt->p, 1e6));
    cJSON_AddNumberToObject(o, "p_low", rounded(pt->p_lo, 1e6));
    cJSON_AddNumberToObject(o, "p_high", rounded(pt->p_hi, 1e6));
    cJSON_AddNumberToObject(o, "extra_received",
                            rounded(pt->extra_received, 1e4));
    cJSON_AddNumberToObject(o, "extra_sent", rounded(pt->extra_sent, 1e4));
    cJSON_AddNumberToObject(o, "share_complete", rounded(pt->share, 1e6));
    cJSON_AddNumberToObject(o, "p_all", pt->p_all);
    cJSON_AddNumberToObject(o, "p_all_low", pt->p_all_lo);
    cJSON_AddNumberToObject(o, "p_all_high", pt->p_all_hi);
    cJSON_AddNumberToObject(o, "airtime_s", rounded(pt->airtime_s, 1e3));
    cJSON_AddNumberToObject(o, "wall_time_s", rounded(pt->wall_time_s, 1e3));
    return o;
}

static cJSON *recommendation_json(const struct sweep *sw,
                                  const struct sweep_recommendation *r,
                                  size_t s_or_none, int dr, double loss)
{
    cJSON *o = cJSON_CreateObject();
    char model[160];
    if (s_or_none != SIZE_MAX)
        cJSON_AddNumberToObject(o, "fragment_size", (double)s_or_none);
    cJSON_AddNumberToObject(o, "dr", dr);
    cJSON_AddNumberToObject(o, "loss_percent", loss);
    cJSON_AddStringToObject(
        o, "model",
        sweep_describe_model(sweep_params(sw), loss, model, sizeof(model)));
    cJSON_AddBoolToObject(o, "found", r->found);
    if (!r->found)
        return o;
    cJSON_AddItemToObject(o, "point", point_json(&r->point));
    cJSON_AddNumberToObject(o, "value", rounded(r->value, 1e6));
    cJSON_AddNumberToObject(o, "low", rounded(r->lo, 1e6));
    cJSON_AddNumberToObject(o, "high", rounded(r->hi, 1e6));
    cJSON_AddBoolToObject(o, "confirmed", r->confirmed);
    if (r->confirmed_redundancy >= 0)
        cJSON_AddNumberToObject(o, "confirmed_redundancy_percent",
                                r->confirmed_redundancy);
    else
        cJSON_AddNullToObject(o, "confirmed_redundancy_percent");
    struct limits_timeout lt;
    cJSON_AddBoolToObject(o, "fits_class_c_session",
                          limits_class_c_timeout(r->point.wall_time_s, &lt));
    return o;
}

static cJSON *header_json(const struct sweep *sw)
{
    const struct sweep_params *p = sweep_params(sw);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "image_bytes", (double)p->image_bytes);
    cJSON_AddStringToObject(o, "region", p->region);
    if (p->has_interval)
        cJSON_AddNumberToObject(o, "fragment_interval_ms", p->interval_ms);
    else
        cJSON_AddNullToObject(o, "fragment_interval_ms");
    cJSON_AddNumberToObject(o, "burst_fragments", p->burst);
    cJSON_AddNumberToObject(o, "spread_percent", p->spread);
    cJSON_AddNumberToObject(o, "shared_loss_percent", p->shared_loss);
    cJSON_AddNumberToObject(o, "late_join_fragments", p->late_join);
    cJSON_AddNumberToObject(o, "devices", (double)p->devices);
    cJSON_AddNumberToObject(o, "target_percent", p->target);
    cJSON_AddStringToObject(o, "target_kind",
                            p->target_kind == SWEEP_TARGET_FLEET ? "all_devices"
                                                                 : "share");
    cJSON_AddNumberToObject(o, "trials", (double)p->trials);
    cJSON_AddNumberToObject(o, "trials_done", (double)sweep_trials(sw));
    cJSON_AddNumberToObject(o, "early_stop_width_percent", p->width);
    cJSON_AddNumberToObject(o, "seed", (double)p->seed);
    return o;
}

/* Prints a cJSON item compactly and frees it; false on out of memory. */
static bool emit(FILE *out, cJSON *item)
{
    char *text = item ? cJSON_PrintUnformatted(item) : NULL;
    cJSON_Delete(item);
    if (!text)
        return false;
    fputs(text, out);
    free(text);
    return true;
}

/* Streamed: a grid of 100,000 points is never one tree in memory. */
static bool print_json(FILE *out, const struct sweep *sw)
{
    struct sweep_axes ax;
    sweep_axes(sw, &ax);
    bool ok = true;
    fputs("{\"sweep\":", out);
    ok = ok && emit(out, header_json(sw));
    fputs(",\n\"points\":[\n", out);
    for (size_t i = 0; ok && i < ax.points; i++) {
        struct sweep_point pt;
        sweep_point(sw, i, &pt);
        ok = emit(out, point_json(&pt));
        fputs(i + 1 < ax.points ? ",\n" : "\n", out);
    }
    fputs("],\n\"recommendations\":[\n", out);
    const char *sep = "";
    for (size_t s = 0; s < ax.sizes; s++)
        for (size_t d = 0; d < ax.drs; d++)
            for (size_t l = 0; ok && l < ax.losses; l++) {
                struct sweep_recommendation r;
                sweep_recommend_redundancy(sw, s, d, l, &r);
                fputs(sep, out);
                sep = ",\n";
                ok = emit(out, recommendation_json(sw, &r, ax.fragment_size[s],
                                                   ax.dr[d], ax.loss[l]));
            }
    fputs("\n],\n\"fragment_size_recommendations\":[\n", out);
    sep = "";
    for (size_t d = 0; d < ax.drs; d++)
        for (size_t l = 0; ok && l < ax.losses; l++) {
            struct sweep_recommendation r;
            sweep_recommend_fragment_size(sw, d, l, &r);
            fputs(sep, out);
            sep = ",\n";
            ok = emit(out, recommendation_json(sw, &r, SIZE_MAX, ax.dr[d],
                                               ax.loss[l]));
        }
    fputs("\n]}\n", out);
    return ok;
}

/* ---------------------------------------------------------------------- */
/* SVG: one panel per fragment size, success against redundancy */

#define SVG_W       760
#define SVG_PANEL_H 456
#define SVG_LEFT    70
#define SVG_RIGHT   190
#define SVG_TOP     72
#define SVG_BOTTOM  56

static const char *const palette[] = { "#1f77b4", "#d62728", "#2ca02c",
                                       "#9467bd", "#ff7f0e", "#17becf",
                                       "#8c564b", "#e377c2" };
#define PALETTE_N (sizeof(palette) / sizeof(palette[0]))

/* Text for an XML text node or attribute. */
static void xml_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

struct frame {
    double x0, y0, w, h; /* plot area */
    double rmin, rmax;   /* redundancy axis */
};

static double fx(const struct frame *f, double red)
{
    double span = f->rmax > f->rmin ? f->rmax - f->rmin : 1.0;
    double at = f->rmax > f->rmin ? (red - f->rmin) / span : 0.5;
    return f->x0 + at * f->w;
}

static double fy(const struct frame *f, double p)
{
    return f->y0 + (1.0 - p) * f->h;
}

static void svg_axes(FILE *out, const struct frame *f, double target)
{
    fprintf(out,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
            "fill=\"none\" stroke=\"#444\"/>\n",
            f->x0, f->y0, f->w, f->h);
    for (int k = 0; k <= 10; k += 2) {
        double y = fy(f, k / 10.0);
        fprintf(out,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%.1f\" "
                "text-anchor=\"end\">%d %%</text>\n",
                f->x0, y, f->x0 + f->w, y, f->x0 - 6, y + 4, k * 10);
    }
    double span = f->rmax - f->rmin;
    double step = span <= 10 ? 1 : span <= 25 ? 5 : span <= 50 ? 10 : 20;
    for (double r = ceil(f->rmin / step) * step; r <= f->rmax + 1e-9;
         r += step) {
        double x = fx(f, r);
        fprintf(out,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"#444\"/><text x=\"%.1f\" y=\"%.1f\" "
                "text-anchor=\"middle\">%g %%</text>\n",
                x, f->y0 + f->h, x, f->y0 + f->h + 5, x, f->y0 + f->h + 20, r);
    }
    fprintf(out,
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">redundancy "
            "(RedundancyPercent)</text>\n",
            f->x0 + f->w / 2, f->y0 + f->h + 40);
    double y = fy(f, target / 100.0);
    fprintf(out,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
            "stroke=\"#000\" stroke-dasharray=\"6 4\"/><text x=\"%.1f\" "
            "y=\"%.1f\">target %g %%</text>\n",
            f->x0, y, f->x0 + f->w, y, f->x0 + f->w + 6, y + 4, target);
}

/* The band (interval) and the curve of one loss level. */
static void svg_curve(FILE *out, const struct sweep *sw, const struct frame *f,
                      size_t s, size_t l, const char *colour)
{
    struct sweep_axes ax;
    sweep_axes(sw, &ax);
    size_t n = 0;
    struct sweep_point pt;
    double v, lo, hi;
    fprintf(out,
            "<polygon fill=\"%s\" fill-opacity=\"0.15\" stroke=\"none\" "
            "points=\"",
            colour);
    for (size_t j = 0; j < ax.redundancies; j++) {
        sweep_point(sw, sweep_index(sw, s, 0, l, j), &pt);
        if (!pt.feasible)
            break;
        sweep_target_value(sw, &pt, &v, &lo, &hi);
        fprintf(out, "%s%.1f,%.1f", n++ ? " " : "",
                fx(f, pt.redundancy_percent), fy(f, hi));
    }
    for (size_t j = n; j-- > 0;) {
        sweep_point(sw, sweep_index(sw, s, 0, l, j), &pt);
        sweep_target_value(sw, &pt, &v, &lo, &hi);
        fprintf(out, " %.1f,%.1f", fx(f, pt.redundancy_percent), fy(f, lo));
    }
    fprintf(out,
            "\"/>\n<polyline fill=\"none\" stroke=\"%s\" "
            "stroke-width=\"2\" points=\"",
            colour);
    for (size_t j = 0; j < n; j++) {
        sweep_point(sw, sweep_index(sw, s, 0, l, j), &pt);
        sweep_target_value(sw, &pt, &v, &lo, &hi);
        fprintf(out, "%s%.1f,%.1f", j ? " " : "", fx(f, pt.redundancy_percent),
                fy(f, v));
    }
    fputs("\"/>\n", out);
}

static void svg_panel(FILE *out, const struct sweep *sw, size_t s, double top)
{
    struct sweep_axes ax;
    sweep_axes(sw, &ax);
    const struct sweep_params *p = sweep_params(sw);
    struct frame f = {
        .x0 = SVG_LEFT,
        .y0 = top + SVG_TOP,
        .w = SVG_W - SVG_LEFT - SVG_RIGHT,
        .h = SVG_PANEL_H - SVG_TOP - SVG_BOTTOM,
        .rmin = ax.redundancy[0],
        .rmax = ax.redundancy[ax.redundancies - 1],
    };
    char line[256], model[160];
    fprintf(out,
            "<text x=\"%d\" y=\"%.1f\" font-weight=\"bold\">%s by "
            "redundancy, 95 %% interval as a band</text>\n",
            SVG_LEFT, top + 22,
            p->target_kind == SWEEP_TARGET_FLEET
                ? "Probability that every device completes"
                : "Devices that complete");
    sweep_describe_model(p, ax.loss[0], model, sizeof(model));
    /* The model without its first level: "i.i.d. loss, spread 5 %". */
    const char *rest = strstr(model, "% ");
    snprintf(line, sizeof(line),
             "%" PRIu64 "-byte image, %u-byte fragments (M = %u), %" PRIu64
             " trials a point, seed %" PRIu64,
             p->image_bytes, (unsigned)ax.fragment_size[s], (unsigned)ax.m[s],
             sweep_trials(sw), p->seed);
    fprintf(out, "<text x=\"%d\" y=\"%.1f\">", SVG_LEFT, top + 40);
    xml_text(out, line);
    fprintf(out, "</text>\n<text x=\"%d\" y=\"%.1f\">", SVG_LEFT, top + 56);
    xml_text(out, rest ? rest + 2 : model);
    fputs("</text>\n", out);
    svg_axes(out, &f, p->target);
    size_t room = (size_t)((f.h - 30) / 18);
    for (size_t l = 0; l < ax.losses; l++) {
        const char *colour = palette[l % PALETTE_N];
        svg_curve(out, sw, &f, s, l, colour);
        if (l >= room)
            continue;
        double y = f.y0 + 30 + 18.0 * (double)l;
        fprintf(out,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"%s\" stroke-width=\"3\"/><text x=\"%.1f\" "
                "y=\"%.1f\">loss %g %%</text>\n",
                f.x0 + f.w + 10, y, f.x0 + f.w + 34, y, colour, f.x0 + f.w + 40,
                y + 4, ax.loss[l]);
    }
    if (ax.losses > room)
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">(+%zu more)</text>\n",
                f.x0 + f.w + 10, f.y0 + 30 + 18.0 * (double)room + 4,
                ax.losses - room);
}

static bool write_svg(FILE *out, const struct sweep *sw)
{
    struct sweep_axes ax;
    sweep_axes(sw, &ax);
    int height = SVG_PANEL_H * (int)ax.sizes;
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" "
            "font-size=\"12\">\n<title>fuota sweep</title>\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n",
            SVG_W, height, SVG_W, height);
    for (size_t s = 0; s < ax.sizes; s++)
        svg_panel(out, sw, s, (double)SVG_PANEL_H * (double)s);
    fputs("</svg>\n", out);
    return !ferror(out);
}

/* ---------------------------------------------------------------------- */

/* A sweep_new refusal, naming the option. */
static int refused(const struct sweep_args *a, const char *param,
                   const char *msg)
{
    if (strcmp(param, "grid") == 0)
        cli_error(CMD,
                  "the grid (--fragment-size x --dr x --loss x "
                  "--redundancy) is too large: %s",
                  msg);
    else if (strcmp(param, "image-size") == 0 && a->image_size < 0)
        cli_error(CMD, "%s: the image is too large: %s",
                  a->file ? a->file : a->image, msg);
    else
        cli_error(CMD, "--%s: %s", param, msg);
    return cli_usage_error(CMD);
}

/* Ends the process by the signal that interrupted it, as it would have
 * without a handler (after the chart's temporary file is gone). */
static void reraise(void)
{
    fflush(stdout);
    signal(interrupt_signal, SIG_DFL);
    raise(interrupt_signal);
}

static int run(const struct sweep_args *a, struct sweep *sw)
{
    /* Handlers first: a signal from here on removes the temporary file. */
    struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    int rc = EXIT_CHECK;
    struct outfile svg = { 0 };
    struct bar bar = { .shown = -1 };
    struct sweep_control ctl = { .cancel = &interrupted };
    if (isatty(STDERR_FILENO)) {
        ctl.progress = on_progress;
        ctl.progress_ctx = &bar;
    }
    enum sweep_status st = SWEEP_OK;
    if (a->svg && !outfile_open(&svg, "--svg", a->svg))
        rc = EXIT_USAGE;
    else
        st = sweep_run(sw, 0, &ctl);
    bool ok = rc != EXIT_USAGE && st == SWEEP_OK;
    if (ok && a->fmt == FORMAT_CSV)
        print_csv(stdout, sw);
    else if (ok && a->fmt == FORMAT_JSON && !print_json(stdout, sw))
        ok = false, cli_error(CMD, "out of memory");
    else if (ok && a->fmt == FORMAT_TABLE)
        print_table(stdout, sw);
    bool drawn = ok && svg.tmp && write_svg(svg.f, sw);
    /* A chart that could not be written is the rule of every command: one
     * message with the reason, exit 2. */
    if (svg.tmp &&
        !outfile_close(&svg, "--svg", drawn && !atomic_load(&interrupted)) &&
        drawn)
        rc = EXIT_USAGE;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (atomic_load(&interrupted))
        reraise();
    if (st != SWEEP_OK)
        cli_error(CMD, "%s", sweep_status_message(st));
    if (rc == EXIT_USAGE)
        return rc;
    return ok ? EXIT_OK : EXIT_CHECK;
}

int cmd_sweep(int argc, char **argv)
{
    struct sweep_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    uint64_t bytes = 0;
    if (!image_bytes(&a, &bytes))
        return EXIT_USAGE;
    uint32_t sizes[SWEEP_SIZES_MAX];
    int drs[SWEEP_DRS_MAX];
    struct sweep_params p;
    if (!to_params(&a, bytes, sizes, drs, &p))
        return cli_usage_error(CMD);
    struct sweep *sw = NULL;
    const char *param = "";
    char msg[400];
    enum sweep_status st = sweep_new(&p, &sw, &param, msg, sizeof(msg));
    if (st == SWEEP_ERR_PARAM)
        return refused(&a, param, msg);
    if (st != SWEEP_OK) {
        cli_error(CMD, "%s", msg);
        return EXIT_CHECK;
    }
    rc = run(&a, sw);
    sweep_free(sw);
    return rc;
}
