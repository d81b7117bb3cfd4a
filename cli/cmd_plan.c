/* fuota plan: the planning preview of a CreateFuotaTask request. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli/commands.h"
#include "cli/opts.h"
#include "cli/outfile.h"
#include "cli/util.h"
#include "core/backend.h"
#include "core/diag.h"
#include "core/json_out.h"
#include "core/limits.h"
#include "core/plan.h"
#include "core/region.h"
#include "core/task.h"

#define CMD "plan"

static const char *const usage =
    "Usage: fuota plan FILE|- (--image PATH | --image-size N) [--dr N]\n"
    "                  [--expected-loss PCT] [--start-time TIME] [--json]\n"
    "\n"
    "Previews what a CreateFuotaTask request will cost before it is sent:\n"
    "uncoded and redundant fragments, padding, PHY payload, time on air per\n"
    "fragment and in total, the fragment slot and session wall time (with\n"
    "FragmentIntervalMS rounded to the nearest second, as AWS does, and the\n"
    "duty cycle where the region has one), the device decoder RAM, and the\n"
    "TS004 redundancy guidance. The request is also validated.\n"
    "\n"
    "Options:\n"
    "  --image PATH          the firmware image ('-' = stdin); only its size\n"
    "                        is used\n"
    "  --image-size N        the image size in bytes (1..1073741824)\n"
    "  --dr N                downlink data rate (default: the region's\n"
    "                        RX2 / Class C default)\n"
    "  --expected-loss PCT   the share of fragments a device is expected to\n"
    "                        miss (0..100); checks the redundancy against\n"
    "                        the TS004 guidance\n"
    "  --start-time TIME     when the session would start (ISO-8601, e.g.\n"
    "                        2026-05-01T12:00:00Z): checked against now (at\n"
    "                        least 30 minutes ahead, within 48 hours)\n"
    "  --json                print every figure as JSON on stdout\n"
    "  -h, --help            show this help\n"
    "\n"
    "When the request leaves a member out the plan assumes: FragmentSizeBytes\n"
    "= the most the data rate carries (N - 3), RedundancyPercent = 0,\n"
    "FragmentIntervalMS = back to back. LoRaWAN.RfRegion is required.\n"
    "The field limits are checked too: AWS's 1 MB image, the Class C session\n"
    "timeout (2^TimeOut s, at most 2^15 s, with what would fit instead) and\n"
    "the 48-hour distribution window.\n"
    "Diagnostics go to stderr, one a line.\n"
    "\n"
    "Exit status: 0 plan shown (warnings allowed), 1 invalid request or a\n"
    "plan that cannot work (e.g. fragments larger than the data rate\n"
    "carries), 2 usage error (both or neither of --image/--image-size, bad\n"
    "number, a data rate the region does not have, unreadable file, a\n"
    "request larger than 1 MiB, empty image), or output that could not be\n"
    "written (one message with the reason).\n";

struct plan_args {
    const char *request_path;
    const char *image_path;
    bool has_image_size;
    uint64_t image_size;
    int dr; /* -1 = default */
    bool has_loss;
    double loss;
    bool has_start;
    int64_t start; /* --start-time, seconds since the epoch */
    bool json;
};

/* Returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, struct plan_args *a)
{
    long long size = 0, dr = -1;
    const char *start = NULL;
    const struct opts_spec specs[] = {
        { .name = "--image", .kind = OPTS_STRING, .string = &a->image_path },
        { .name = "--image-size",
          .kind = OPTS_INT,
          .integer = &size,
          .imin = 1,
          .imax = (long long)PLAN_IMAGE_MAX,
          .given = &a->has_image_size },
        /* DlDr of the service model is 0..15. */
        { .name = "--dr", .kind = OPTS_INT, .integer = &dr, .imax = 15 },
        { .name = "--expected-loss",
          .kind = OPTS_DOUBLE,
          .number = &a->loss,
          .dmax = 100.0,
          .given = &a->has_loss },
        { .name = "--start-time", .kind = OPTS_STRING, .string = &start },
        { .name = "--json", .kind = OPTS_FLAG, .flag = &a->json },
    };
    const struct opts_cmd line = {
        .cmd = CMD,
        .usage = usage,
        .operand = "FILE",
    };
    enum opts_status st = opts_parse(&line, specs, OPTS_COUNT(specs), argc,
                                     argv, &a->request_path);
    if (st != OPTS_OK)
        return opts_exit_status(st);
    a->image_size = (uint64_t)size;
    a->dr = (int)dr;
    if (start && !backend_time_parse(start, &a->start)) {
        cli_error(CMD,
                  "--start-time: '%s' is not an ISO-8601 time such as "
                  "2026-05-01T12:00:00Z",
                  start);
        return cli_usage_error(CMD);
    }
    a->has_start = start != NULL;
    if (!a->request_path) {
        cli_error(CMD, "missing FILE (the request; '-' for stdin)");
        return cli_usage_error(CMD);
    }
    if ((a->image_path != NULL) == a->has_image_size) {
        cli_error(CMD, "give exactly one of --image PATH and --image-size N");
        return cli_usage_error(CMD);
    }
    if (a->image_path && strcmp(a->image_path, "-") == 0 &&
        strcmp(a->request_path, "-") == 0) {
        cli_error(CMD, "the request and the image cannot both be stdin");
        return cli_usage_error(CMD);
    }
    return -1;
}

/* The size of the image at path: stat for a regular file, else counted. */
static bool image_size(const char *path, uint64_t *size)
{
    int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY);
    const char *name = cli_path_name(path);
    if (fd < 0) {
        cli_error(CMD, "%s: %s", name, strerror(errno));
        return false;
    }
    struct stat st;
    bool ok = fstat(fd, &st) == 0;
    if (!ok) {
        cli_error(CMD, "%s: %s", name, strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        cli_error(CMD, "%s: %s", name, strerror(EISDIR));
        ok = false;
    } else if (S_ISREG(st.st_mode)) {
        *size = (uint64_t)st.st_size;
    } else {
        char buf[65536];
        uint64_t n = 0;
        ssize_t got;
        while ((got = read(fd, buf, sizeof(buf))) != 0) {
            if (got < 0) {
                if (errno == EINTR)
                    continue;
                cli_error(CMD, "%s: %s", name, strerror(errno));
                ok = false;
                break;
            }
            n += (uint64_t)got;
            if (n > PLAN_IMAGE_MAX)
                break;
        }
        *size = n;
    }
    if (fd != STDIN_FILENO)
        close(fd);
    if (!ok)
        return false;
    if (*size == 0) {
        cli_error(CMD, "%s: the image is empty", name);
        return false;
    }
    if (*size > PLAN_IMAGE_MAX) {
        cli_error(CMD, "%s: the image is larger than 1 GiB", name);
        return false;
    }
    return true;
}

/* " (3 h 02 min)", " (3 min 42 s)", or "" under a minute. */
static const char *human_duration(double s, char *buf, size_t size)
{
    if (s >= 3600.0) {
        unsigned long long m = (unsigned long long)(s / 60.0 + 0.5);
        snprintf(buf, size, " (%llu h %02llu min)", m / 60, m % 60);
    } else if (s >= 60.0) {
        unsigned long long t = (unsigned long long)(s + 0.5);
        snprintf(buf, size, " (%llu min %02llu s)", t / 60, t % 60);
    } else {
        snprintf(buf, size, "%s", "");
    }
    return buf;
}

static void row(const char *label, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void row(const char *label, const char *fmt, ...)
{
    char value[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(value, sizeof(value), fmt, ap);
    va_end(ap);
    printf("  %-30s %s\n", label, value);
}

static void print_duty(const struct plan *p)
{
    const struct region_duty_cycle *dc = &p->region->duty_cycle;
    if (p->duty_cycle > 0.0) {
        char band[48] = "";
        if (p->sub_band)
            snprintf(band, sizeof(band), ", sub-band %s", p->sub_band->name);
        row("duty cycle limit", "%g %% (%.3f MHz%s): %.0f s of air per hour",
            p->duty_cycle * 100.0, (double)p->frequency_hz / 1e6, band,
            p->duty_budget_s_per_hour);
    } else if (dc->kind == REGION_DUTY_LOCAL) {
        row("duty cycle limit",
            "none region-wide; local regulation applies (check the country)");
    } else {
        row("duty cycle limit", "none in the regional parameters");
    }
    if (p->airtime_known)
        row("air time share", "%.2f %% of the session",
            p->duty_cycle_used_percent);
}

/* The Class C session timeout (core/limits.h) that covers the session. */
static void print_timeout(const struct plan *p)
{
    if (!p->deliverable)
        return;
    if (p->timeout.fits)
        row("session timeout (Class C)",
            "2^%d s = %llu s (TS005 TimeOut %d; AWS SessionTimeout %llu)",
            p->timeout.exp, (unsigned long long)p->timeout.timeout_s,
            p->timeout.exp, (unsigned long long)p->timeout.timeout_s);
    else
        row("session timeout (Class C)",
            "none fits: above 2^15 s; fragment %llu of %llu is the last "
            "heard",
            (unsigned long long)p->fragments_within_timeout,
            (unsigned long long)p->total_fragments);
}

static void print_schedule(const struct limits_schedule *s)
{
    char when[32], end[32];
    backend_time_format(s->start, when, sizeof(when));
    if (s->session_known)
        row("start", "%s (%s), ends about %s", when,
            limits_start_message(s->verdict),
            backend_time_format(s->end, end, sizeof(end)));
    else
        row("start", "%s (%s)", when, limits_start_message(s->verdict));
}

static void print_table(const struct plan *p)
{
    char dr[48], dur[48];
    region_dr_describe(p->dr, dr, sizeof(dr));
    printf("Plan: %s, DR%d %s%s\n\n", p->region->name, p->dr->dr, dr,
           p->dr_is_default ? " (RX2 / Class C default)" : "");
    if (p->frequency_hz)
        row("downlink frequency", "%.3f MHz (RX2 / Class C default)",
            (double)p->frequency_hz / 1e6);
    else
        row("downlink frequency", "depends on the channel plan");
    row("image", "%" PRIu64 " bytes", p->image_bytes);
    if (p->assumed.fragment_size)
        row("fragment size", "%d bytes (assumed: the most DR%d carries)",
            p->fragment_size_bytes, p->dr->dr);
    else
        row("fragment size", "%d bytes (DR%d carries at most %d)",
            p->fragment_size_bytes, p->dr->dr, p->max_fragment_bytes);
    row("redundancy", "%d %%%s", p->redundancy_percent,
        p->assumed.redundancy ? " (assumed)" : "");
    row("uncoded fragments (M)", "%" PRIu64, p->uncoded_fragments);
    if (p->redundancy_rounded)
        row("redundant fragments (R)", "%" PRIu64 " (rounded up from %.2f)",
            p->redundancy_fragments,
            (double)p->uncoded_fragments * p->redundancy_percent / 100.0);
    else
        row("redundant fragments (R)", "%" PRIu64, p->redundancy_fragments);
    row("total fragments", "%" PRIu64 " (TS004 allows %d)", p->total_fragments,
        PLAN_MAX_FRAGMENTS);
    row("padding in last fragment", "%" PRIu64 " bytes", p->padding_bytes);
    row("PHY payload per fragment", "%" PRId64 " bytes", p->phy_payload_bytes);
    if (p->airtime_known) {
        row("time on air per fragment", "%.3f ms",
            (double)p->time_on_air_us / 1000.0);
        row("total time on air", "%.3f s%s",
            (double)p->total_time_on_air_us / 1e6,
            human_duration((double)p->total_time_on_air_us / 1e6, dur,
                           sizeof(dur)));
    } else {
        row("time on air per fragment", "n/a (frame above 255 bytes)");
    }
    if (p->has_interval)
        row("fragment interval",
            "%" PRIu64 " s (FragmentIntervalMS %d, "
            "rounded to the second)",
            p->interval_ms / 1000, (int)p->interval_requested_ms);
    else
        row("fragment interval", "not set (assumed back to back)");
    if (p->airtime_known) {
        const char *by =
            p->duty_limited ? "the duty cycle"
            : p->has_interval && p->interval_ms * 1000 >= p->time_on_air_us
                ? "the interval"
                : "the time on air";
        row("slot per fragment", "%.3f s (set by %s)", (double)p->slot_us / 1e6,
            by);
        row("session wall time", "%.3f s%s", p->session_wall_time_s,
            human_duration(p->session_wall_time_s, dur, sizeof(dur)));
    }
    print_timeout(p);
    print_duty(p);
    row("decoder RAM",
        "%" PRIu64 " bytes (matrix %" PRIu64 " + index %" PRIu64
        " + work %" PRIu64 ")",
        p->decoder_ram_bytes, p->decoder_matrix_bytes, p->decoder_index_bytes,
        p->decoder_work_bytes);
    row("image storage on device", "%" PRIu64 " bytes (M x fragment size)",
        p->image_storage_bytes);
    row("needed after a loss (TS004)",
        "%" PRIu64 " on average (M + 2), %" PRIu64 " for 99 %% (M + 7)",
        p->needed_average_fragments, p->needed_99_fragments);
    if (p->has_expected_loss) {
        row("expected loss", "%g %%: about %.1f of %" PRIu64 " arrive",
            p->expected_loss_percent, p->expected_received_fragments,
            p->total_fragments);
        if (p->recommended_redundancy_percent >= 0)
            row("redundancy for 99 %", "at least %d %%",
                p->recommended_redundancy_percent);
        else
            row("redundancy for 99 %", "not reachable with 100 %% or less");
    }
}

/* cJSON helpers that keep going after an allocation failure: the final
 * print fails instead. */
static void put_num(cJSON *o, const char *k, double v)
{
    cJSON_AddNumberToObject(o, k, v);
}

/* K: V rounded to DECIMALS (core/json_out.h), or null when it does not
 * apply. */
static void put_fixed_or_null(cJSON *o, const char *k, bool has, double v,
                              int decimals)
{
    if (has)
        json_out_add_fixed(o, k, v, decimals);
    else
        cJSON_AddNullToObject(o, k);
}

static void put_num_or_null(cJSON *o, const char *k, bool has, double v)
{
    put_fixed_or_null(o, k, has, v, 0);
}

/* Milliseconds to the microsecond, percentages to 2 decimals, what the
 * user gave as given (6 decimals: no binary noise). */
enum { MS = JSON_OUT_MS_DECIMALS, PCT = JSON_OUT_PERCENT_DECIMALS, GIVEN = 6 };

static void put_assumption(cJSON *arr, const char *member, double value,
                           const char *unit, const char *why)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return;
    cJSON_AddStringToObject(o, "member", member);
    if (value >= 0)
        cJSON_AddNumberToObject(o, "value", value);
    else
        cJSON_AddNullToObject(o, "value");
    cJSON_AddStringToObject(o, "unit", unit);
    cJSON_AddStringToObject(o, "why", why);
    if (!cJSON_AddItemToArray(arr, o))
        cJSON_Delete(o);
}

static cJSON *diags_json(const struct diag_list *diags)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < diags->count; i++) {
        const struct diag *d = &diags->items[i];
        cJSON *o = cJSON_CreateObject();
        if (!o)
            break;
        cJSON_AddStringToObject(o, "severity", diag_severity_name(d->severity));
        cJSON_AddStringToObject(o, "path", d->path);
        cJSON_AddStringToObject(o, "rule", d->rule);
        cJSON_AddStringToObject(o, "message", d->message);
        if (!cJSON_AddItemToArray(arr, o))
            cJSON_Delete(o);
    }
    return arr;
}

/* The field limits of core/limits.h: timeout, image, window, fixes. */
static void limits_json(cJSON *o, const struct plan *p)
{
    bool t = p->deliverable;
    put_num(o, "aws_image_max_bytes", (double)LIMITS_AWS_IMAGE_MAX_BYTES);
    cJSON_AddBoolToObject(o, "image_above_aws_limit", p->image_above_aws_limit);
    put_num(o, "class_c_timeout_max_s", (double)LIMITS_CLASS_C_TIMEOUT_MAX_S);
    put_num_or_null(o, "session_timeout_exp", t && p->timeout.fits,
                    p->timeout.exp);
    put_num_or_null(o, "session_timeout_s", t && p->timeout.fits,
                    (double)p->timeout.timeout_s);
    if (t)
        cJSON_AddBoolToObject(o, "session_fits_timeout", p->timeout.fits);
    else
        cJSON_AddNullToObject(o, "session_fits_timeout");
    put_num_or_null(o, "fragments_within_timeout", t,
                    (double)p->fragments_within_timeout);
    cJSON_AddBoolToObject(o, "beyond_distribution_window",
                          p->beyond_distribution_window);
    cJSON *fixes = cJSON_AddArrayToObject(o, "session_fixes");
    for (size_t i = 0; fixes && i < p->fix_count; i++) {
        const struct plan_fix *f = &p->fixes[i];
        cJSON *x = cJSON_CreateObject();
        if (!x)
            break;
        cJSON_AddStringToObject(x, "change", plan_fix_kind_name(f->kind));
        put_num(x, "data_rate", f->dr);
        put_num(x, "fragment_size_bytes", f->fragment_size_bytes);
        put_num(x, "redundancy_percent", f->redundancy_percent);
        put_num_or_null(x, "interval_ms", f->has_interval, f->interval_ms);
        put_num(x, "total_fragments", (double)f->total_fragments);
        put_num(x, "session_wall_time_s", f->session_wall_time_s);
        put_num(x, "session_timeout_s", (double)f->timeout.timeout_s);
        if (!cJSON_AddItemToArray(fixes, x))
            cJSON_Delete(x);
    }
}

static void schedule_json(cJSON *root, const struct limits_schedule *s)
{
    char buf[32];
    cJSON *o = cJSON_AddObjectToObject(root, "schedule");
    if (!o)
        return;
    cJSON_AddStringToObject(o, "start",
                            backend_time_format(s->start, buf, sizeof(buf)));
    cJSON_AddStringToObject(o, "earliest",
                            backend_time_format(s->earliest, buf, sizeof(buf)));
    cJSON_AddStringToObject(o, "latest",
                            backend_time_format(s->latest, buf, sizeof(buf)));
    cJSON_AddBoolToObject(o, "start_ok", s->verdict == LIMITS_START_OK);
    if (s->session_known)
        cJSON_AddStringToObject(o, "end",
                                backend_time_format(s->end, buf, sizeof(buf)));
    else
        cJSON_AddNullToObject(o, "end");
    cJSON_AddBoolToObject(o, "within_distribution_window", s->window_ok);
}

static void plan_json(cJSON *o, const struct plan *p)
{
    char dr[48];
    bool t = p->airtime_known;
    cJSON_AddStringToObject(o, "region", p->region->name);
    put_num(o, "data_rate", p->dr->dr);
    cJSON_AddStringToObject(o, "data_rate_description",
                            region_dr_describe(p->dr, dr, sizeof(dr)));
    cJSON_AddStringToObject(o, "modulation",
                            region_modulation_name(p->dr->modulation));
    put_num_or_null(o, "spreading_factor", p->dr->sf > 0, p->dr->sf);
    put_num_or_null(o, "bandwidth_hz", p->dr->bw_hz > 0, (double)p->dr->bw_hz);
    put_num_or_null(o, "bitrate_bps", p->dr->bitrate_bps > 0,
                    (double)p->dr->bitrate_bps);
    cJSON_AddBoolToObject(o, "data_rate_is_default", p->dr_is_default);
    put_num_or_null(o, "frequency_hz", p->frequency_hz > 0,
                    (double)p->frequency_hz);
    put_num(o, "image_bytes", (double)p->image_bytes);
    put_num(o, "fragment_size_bytes", p->fragment_size_bytes);
    put_num(o, "max_fragment_bytes", p->max_fragment_bytes);
    put_num(o, "redundancy_percent", p->redundancy_percent);
    put_num(o, "uncoded_fragments", (double)p->uncoded_fragments);
    put_num(o, "redundancy_fragments", (double)p->redundancy_fragments);
    cJSON_AddBoolToObject(o, "redundancy_rounded_up", p->redundancy_rounded);
    put_num(o, "total_fragments", (double)p->total_fragments);
    put_num(o, "max_total_fragments", PLAN_MAX_FRAGMENTS);
    put_num(o, "padding_bytes", (double)p->padding_bytes);
    put_num(o, "phy_payload_bytes", p->phy_payload_bytes);
    put_fixed_or_null(o, "time_on_air_ms", t, (double)p->time_on_air_us / 1e3,
                      MS);
    put_fixed_or_null(o, "total_time_on_air_ms", t,
                      (double)p->total_time_on_air_us / 1e3, MS);
    put_num_or_null(o, "interval_requested_ms", p->has_interval,
                    p->interval_requested_ms);
    put_num_or_null(o, "interval_ms", p->has_interval, (double)p->interval_ms);
    put_fixed_or_null(o, "slot_ms", t, (double)p->slot_us / 1e3, MS);
    put_fixed_or_null(o, "session_wall_time_s", t, p->session_wall_time_s, MS);
    put_fixed_or_null(o, "duty_cycle_percent", p->duty_cycle > 0.0,
                      p->duty_cycle * 100.0, PCT);
    cJSON_AddStringToObject(o, "duty_cycle_kind",
                            region_duty_kind_name(p->region->duty_cycle.kind));
    if (p->sub_band)
        cJSON_AddStringToObject(o, "duty_cycle_sub_band", p->sub_band->name);
    else
        cJSON_AddNullToObject(o, "duty_cycle_sub_band");
    put_fixed_or_null(o, "duty_cycle_min_slot_ms", t && p->duty_cycle > 0.0,
                      (double)p->duty_min_slot_us / 1e3, MS);
    put_fixed_or_null(o, "duty_cycle_budget_s_per_hour", p->duty_cycle > 0.0,
                      p->duty_budget_s_per_hour, MS);
    cJSON_AddBoolToObject(o, "duty_cycle_limited", p->duty_limited);
    put_fixed_or_null(o, "airtime_share_percent", t, p->duty_cycle_used_percent,
                      PCT);
    put_num(o, "decoder_ram_bytes", (double)p->decoder_ram_bytes);
    put_num(o, "decoder_matrix_bytes", (double)p->decoder_matrix_bytes);
    put_num(o, "decoder_index_bytes", (double)p->decoder_index_bytes);
    put_num(o, "decoder_work_bytes", (double)p->decoder_work_bytes);
    put_num(o, "image_storage_bytes", (double)p->image_storage_bytes);
    put_num(o, "needed_fragments_average", (double)p->needed_average_fragments);
    put_num(o, "needed_fragments_99_percent", (double)p->needed_99_fragments);
    put_fixed_or_null(o, "expected_loss_percent", p->has_expected_loss,
                      p->expected_loss_percent, GIVEN);
    put_fixed_or_null(o, "expected_received_fragments", p->has_expected_loss,
                      p->expected_received_fragments, 2);
    put_num_or_null(o, "recommended_redundancy_percent",
                    p->recommended_redundancy_percent >= 0,
                    p->recommended_redundancy_percent);
    limits_json(o, p);

    cJSON *as = cJSON_AddArrayToObject(o, "assumptions");
    if (as && p->assumed.fragment_size)
        put_assumption(as, "FragmentSizeBytes", p->fragment_size_bytes, "bytes",
                       "the most the data rate carries (N - 3)");
    if (as && p->assumed.redundancy)
        put_assumption(as, "RedundancyPercent", 0, "percent",
                       "not set: no redundant fragments");
    if (as && p->assumed.interval)
        put_assumption(as, "FragmentIntervalMS", -1, "ms",
                       "not set: fragments back to back (air time and duty "
                       "cycle bound the slot); the wall time is a lower bound");
    if (as && p->redundancy_rounded)
        put_assumption(as, "RedundancyPercent", (double)p->redundancy_fragments,
                       "fragments",
                       "M * percent / 100 is not whole: rounded up");
}

static int print_json(const struct plan *p, enum plan_status st,
                      const char *error, const struct limits_schedule *sched,
                      const struct diag_list *diags)
{
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return EXIT_USAGE;
    cJSON_AddBoolToObject(root, "valid", !diag_has_errors(diags));
    if (st == PLAN_OK) {
        cJSON *plan = cJSON_AddObjectToObject(root, "plan");
        if (plan)
            plan_json(plan, p);
    } else {
        cJSON_AddNullToObject(root, "plan");
        cJSON_AddStringToObject(root, "error", error);
    }
    if (sched)
        schedule_json(root, sched);
    cJSON *d = diags_json(diags);
    if (d && !cJSON_AddItemToObject(root, "diagnostics", d))
        cJSON_Delete(d);
    char *text = json_out_print(root, true);
    cJSON_Delete(root);
    if (!text) {
        cli_error(CMD, "out of memory");
        return EXIT_USAGE;
    }
    printf("%s\n", text);
    free(text);
    return EXIT_OK;
}

/* The downlink DRs that carry fragments, "0-5, 7" style list. */
static void downlink_drs(const struct region *r, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < r->dr_count && o < size; i++) {
        if (!region_dr_carries_fragments(&r->drs[i]))
            continue;
        int n =
            snprintf(buf + o, size - o, "%s%d", o ? ", " : "", r->drs[i].dr);
        if (n < 0)
            break;
        o += (size_t)n;
    }
}

int cmd_plan(int argc, char **argv)
{
    struct plan_args a = { 0 };
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;

    uint64_t image = a.image_size;
    if (a.image_path && !image_size(a.image_path, &image))
        return EXIT_USAGE;

    struct diag_list diags;
    diag_list_init(&diags);
    struct fuota_task task;
    enum cli_task_status ts = cli_load_task(CMD, a.request_path, &task, &diags);
    if (ts == CLI_TASK_NO_FILE) {
        task_cleanup(&task);
        diag_list_cleanup(&diags);
        return EXIT_USAGE;
    }
    bool readable = ts == CLI_TASK_READ;
    if (readable)
        (void)task_validate(&task, &diags);

    struct plan p;
    enum plan_status st = PLAN_INVALID_REQUEST;
    if (readable) {
        struct plan_input in = {
            .task = &task,
            .image_bytes = image,
            .dr = a.dr,
            .has_expected_loss = a.has_loss,
            .expected_loss_percent = a.loss,
        };
        st = plan_compute(&in, &p, &diags);
    }
    /* The start is checked against now, with the session when known. */
    struct limits_schedule sched;
    if (a.has_start)
        (void)limits_check_schedule(
            a.start, (int64_t)time(NULL),
            st == PLAN_OK && p.deliverable ? p.session_wall_time_s : -1.0,
            &sched, &diags);

    if (st == PLAN_BAD_DR) {
        const struct region *r = region_find(task.rf_region);
        char list[128];
        downlink_drs(r, list, sizeof(list));
        const struct region_dr *d = region_dr(r, a.dr);
        if (d)
            cli_error(CMD,
                      "--dr %d: %s DR%d cannot carry fragments downlink "
                      "(%s%s); downlink data rates: %s",
                      a.dr, r->name, a.dr,
                      region_modulation_name(d->modulation),
                      d->downlink ? "" : ", uplink only", list);
        else
            cli_error(CMD, "--dr %d: %s has no DR%d; downlink data rates: %s",
                      a.dr, r->name, a.dr, list);
        rc = cli_usage_error(CMD);
    } else if (st == PLAN_EMPTY_IMAGE || st == PLAN_IMAGE_TOO_LARGE ||
               st == PLAN_BAD_LOSS) {
        /* parse_args and image_size catch these first. */
        cli_error(CMD, "%s", plan_status_message(st));
        rc = cli_usage_error(CMD);
    } else {
        const char *error =
            readable ? plan_status_message(st) : cli_task_status_message(ts);
        if (a.json)
            rc = print_json(&p, st, error, a.has_start ? &sched : NULL, &diags);
        else if (st == PLAN_OK)
            print_table(&p);
        if (!a.json && a.has_start)
            print_schedule(&sched);
        /* The figures first, then what is wrong with them; when the figures
         * could not be written, that is the one message. */
        if (!outfile_stdout_flush(CMD)) {
            rc = EXIT_USAGE;
        } else {
            cli_print_diags(&diags);
            if (st != PLAN_OK)
                cli_error(CMD, "cannot plan: %s", error);
        }
        if (rc != EXIT_USAGE)
            rc = st == PLAN_OK && !diag_has_errors(&diags) ? EXIT_OK
                                                           : EXIT_CHECK;
    }
    task_cleanup(&task);
    diag_list_cleanup(&diags);
    return rc;
}
