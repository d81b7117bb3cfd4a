/* fuota validate: checks a CreateFuotaTask JSON request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
#include "core/task.h"

static const char *const usage =
    "Usage: fuota validate [--json] [--quiet] [--image-size N [--dr N]]\n"
    "                      [--start-time TIME] FILE|-\n"
    "\n"
    "Checks a CreateFuotaTask request (the request body, which is also the\n"
    "AWS CLI --cli-input-json form) against every rule of the AWS IoT\n"
    "Wireless service model, and what a JSON file can get wrong. Every\n"
    "problem is reported, one a line: 'error: PATH: MESSAGE'. Warnings name\n"
    "what AWS accepts but an operator wants to hear. '-' reads stdin.\n"
    "\n"
    "Options:\n"
    "  --image-size N also check the field limits that need the image: AWS's\n"
    "                 1 MB image, the Class C session timeout (with what\n"
    "                 fits instead), the 48-hour window (warnings)\n"
    "  --dr N         with --image-size: the session's downlink data rate\n"
    "                 (default: the region's Class C default)\n"
    "  --start-time TIME  warn when the session would start less than 30\n"
    "                 minutes or more than 48 hours from now (ISO-8601)\n"
    "  --json         print {\"valid\", \"errors\", \"warnings\"} on stdout\n"
    "  -q, --quiet    print nothing on stderr; the exit status tells\n"
    "  -h, --help     show this help\n"
    "\n"
    "Exit status: 0 valid (warnings allowed), 1 invalid, 2 usage error, a\n"
    "file that cannot be read or is larger than a request may be (1 MiB), or\n"
    "output that could not be written (one message with the reason).\n";

static cJSON *diag_array(const struct diag_list *diags,
                         enum diag_severity severity)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < diags->count; i++) {
        const struct diag *d = &diags->items[i];
        if (d->severity != severity)
            continue;
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddStringToObject(o, "path", d->path) ||
            !cJSON_AddStringToObject(o, "rule", d->rule) ||
            !cJSON_AddStringToObject(o, "message", d->message) ||
            !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

static bool print_json(const struct diag_list *diags, bool valid)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *errors = diag_array(diags, DIAG_ERROR);
    cJSON *warnings = diag_array(diags, DIAG_WARNING);
    cJSON *notes = diag_array(diags, DIAG_NOTE);
    bool ok = root && errors && warnings && notes &&
              cJSON_AddBoolToObject(root, "valid", valid);
    ok = ok && cJSON_AddItemToObject(root, "errors", errors);
    if (ok)
        errors = NULL;
    ok = ok && cJSON_AddItemToObject(root, "warnings", warnings);
    if (ok)
        warnings = NULL;
    if (ok && cJSON_GetArraySize(notes) > 0) {
        ok = cJSON_AddItemToObject(root, "notes", notes);
        if (ok)
            notes = NULL;
    }
    char *text = ok ? json_out_print(root, true) : NULL;
    if (text) {
        printf("%s\n", text);
        free(text);
    }
    cJSON_Delete(errors);
    cJSON_Delete(warnings);
    cJSON_Delete(notes);
    cJSON_Delete(root);
    return text != NULL;
}

/* What the optional limit checks need. */
struct limit_args {
    bool has_image;
    long long image_size, dr;
    const char *start;
    int64_t start_time;
};

/*
 * The field limits (core/limits.h) on top of the service model's rules:
 * with an image size, those of the plan (image, session timeout, window);
 * with a start time, the scheduling window. Only limit diagnostics are
 * added: the other planning findings are `fuota plan`'s.
 */
static void limit_checks(const struct fuota_task *task,
                         const struct limit_args *l, struct diag_list *diags)
{
    double session_s = -1.0;
    if (l->has_image) {
        struct diag_list scratch;
        diag_list_init(&scratch);
        struct plan_input in = { .task = task,
                                 .image_bytes = (uint64_t)l->image_size,
                                 .dr = (int)l->dr };
        struct plan p;
        if (plan_compute(&in, &p, &scratch) == PLAN_OK) {
            plan_limit_diags(&p, diags);
            if (p.deliverable)
                session_s = p.session_wall_time_s;
        } else {
            (void)limits_check_image((uint64_t)l->image_size, diags);
        }
        diag_list_cleanup(&scratch);
    }
    if (l->start)
        (void)limits_check_schedule(l->start_time, (int64_t)time(NULL),
                                    session_s, NULL, diags);
}

int cmd_validate(int argc, char **argv)
{
    bool json = false, quiet = false;
    const char *path = NULL;
    struct limit_args l = { .image_size = 0, .dr = -1 };
    const struct opts_spec specs[] = {
        OPTS_FLAG_OPT("--json", &json),
        { .name = "--image-size",
          .kind = OPTS_INT,
          .integer = &l.image_size,
          .imin = 1,
          .imax = (long long)PLAN_IMAGE_MAX,
          .given = &l.has_image },
        OPTS_INT_OPT("--dr", &l.dr, 0, 15),
        OPTS_STRING_OPT("--start-time", &l.start),
        { .name = "--quiet",
          .short_name = 'q',
          .kind = OPTS_FLAG,
          .flag = &quiet },
    };
    const struct opts_cmd line = {
        .cmd = "validate",
        .usage = usage,
        .operand = "FILE",
    };
    enum opts_status st =
        opts_parse(&line, specs, OPTS_COUNT(specs), argc, argv, &path);
    if (st != OPTS_OK)
        return opts_exit_status(st);
    if (!path) {
        cli_error("validate", "missing FILE (use '-' for stdin)");
        return cli_usage_error("validate");
    }
    if (l.dr >= 0 && !l.has_image) {
        cli_error("validate", "--dr needs --image-size (it only sets the "
                              "session the limits are checked for)");
        return cli_usage_error("validate");
    }
    if (l.start && !backend_time_parse(l.start, &l.start_time)) {
        cli_error("validate",
                  "--start-time: '%s' is not an ISO-8601 time such as "
                  "2026-05-01T12:00:00Z",
                  l.start);
        return cli_usage_error("validate");
    }
    struct diag_list diags;
    diag_list_init(&diags);
    struct fuota_task task;
    enum cli_task_status ts = cli_load_task("validate", path, &task, &diags);
    if (ts == CLI_TASK_READ) {
        (void)task_validate(&task, &diags);
        limit_checks(&task, &l, &diags);
    }
    task_cleanup(&task);
    if (ts == CLI_TASK_NO_FILE) {
        diag_list_cleanup(&diags);
        return EXIT_USAGE;
    }

    bool valid = !diag_has_errors(&diags);
    size_t nerr = diag_count(&diags, DIAG_ERROR);
    size_t nwarn = diag_count(&diags, DIAG_WARNING);
    const char *shown = cli_path_name(path);
    int rc = valid ? EXIT_OK : EXIT_CHECK;
    if (json && !print_json(&diags, valid)) {
        cli_error("validate", "out of memory");
        rc = EXIT_USAGE;
    }
    /* JSON that could not be written is the one message. */
    if (json && !outfile_stdout_flush("validate")) {
        diag_list_cleanup(&diags);
        return EXIT_USAGE;
    }
    if (!quiet) {
        cli_print_diags(&diags);
        if (valid && !json)
            printf("%s: valid CreateFuotaTask request (%zu warning%s)\n", shown,
                   nwarn, nwarn == 1 ? "" : "s");
        else if (!valid)
            fprintf(stderr, "%s: invalid: %zu error%s, %zu warning%s\n", shown,
                    nerr, nerr == 1 ? "" : "s", nwarn, nwarn == 1 ? "" : "s");
    }
    diag_list_cleanup(&diags);
    return rc;
}
