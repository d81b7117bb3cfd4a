/* fuota scenarios: the training scenarios (sim/scenario.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/commands.h"
#include "cli/datadir.h"
#include "cli/opts.h"
#include "cli/util.h"
#include "core/json_out.h"
#include "core/units.h"
#include "sim/explain.h"
#include "sim/report.h"
#include "sim/scenario.h"

#define CMD "scenarios"

static const char usage_text[] =
    "Usage: fuota scenarios [--json] [NAME|FILE]\n"
    "\n"
    "Lists the training scenarios (a fleet, a link, device faults and a\n"
    "short story for the trainee), one a line: NAME and the first line of\n"
    "its story. With NAME (or a FILE path) shows that scenario in full.\n"
    "Play one with 'fuota simulate TASK --scenario NAME'.\n"
    "\n"
    "Scenarios are NAME.scenario files in the scenarios directory of the\n"
    "installation (PREFIX/share/fuota/scenarios) or of the source tree.\n"
    "\n"
    "Options:\n"
    "  --json         the list (or the scenario) as JSON on stdout\n"
    "  -h, --help     this help\n"
    "\n"
    "Exit status: 0 listed, 1 no scenario found or a scenario file has an\n"
    "error (named with its file and line), 2 usage error, no such\n"
    "scenario, or output that could not be written.\n";

static bool print_json(cJSON *root)
{
    char *text = root ? json_out_print(root, true) : NULL;
    cJSON_Delete(root);
    if (!text) {
        cli_error(CMD, "out of memory");
        return false;
    }
    printf("%s\n", text);
    free(text);
    return true;
}

static int list(const struct cli_dirs *d, bool json)
{
    struct scenario_list l;
    char msg[SCENARIO_PATH_MAX + 128];
    if (scenario_list(d->list, d->n, &l, msg, sizeof(msg)) != SCENARIO_OK) {
        cli_error(CMD, "%s", msg);
        return EXIT_CHECK;
    }
    int rc = EXIT_OK;
    size_t width = 0;
    for (size_t i = 0; i < l.count; i++)
        if (strlen(l.items[i].name) > width)
            width = strlen(l.items[i].name);
    cJSON *arr = json ? cJSON_CreateArray() : NULL;
    for (size_t i = 0; i < l.count; i++) {
        const struct scenario_entry *e = &l.items[i];
        if (!e->ok) {
            cli_error(CMD, "%s", e->error);
            rc = EXIT_CHECK;
        }
        if (!json) {
            if (e->ok)
                printf("%-*s  %s\n", (int)width, e->name, e->summary);
            continue;
        }
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            continue;
        }
        cJSON_AddStringToObject(o, "name", e->name);
        cJSON_AddStringToObject(o, "path", e->path);
        if (e->ok)
            cJSON_AddStringToObject(o, "summary", e->summary);
        else
            cJSON_AddStringToObject(o, "error", e->error);
    }
    if (json && !print_json(arr))
        rc = EXIT_CHECK;
    if (l.count == 0) {
        if (d->n == 0)
            cli_error(CMD, "no scenarios directory found (looked beside "
                           "the fuota binary: ../share/fuota/scenarios, "
                           "../scenarios)");
        else
            cli_error(CMD, "no scenarios in %s", d->list[0]);
        rc = EXIT_CHECK;
    }
    scenario_list_cleanup(&l);
    return rc;
}

static void print_outage(const struct scenario_outage *o)
{
    char at[48], len[48];
    printf("  %-14s at %s, for %s\n", "outage",
           units_duration(o->at_s, at, sizeof(at)),
           units_duration(o->for_s, len, sizeof(len)));
}

static void print_details(const struct scenario *s)
{
    printf("%s (%s)\n\n", s->name, s->path);
    explain_wrap(stdout, "", "", s->story);
    printf("\n");
    const struct {
        enum scenario_directive d;
        double value;
        const char *unit;
    } rows[] = {
        { SCN_DEVICES, (double)s->devices, "" },
        { SCN_IMAGE_SIZE, (double)s->image_size, " bytes" },
        { SCN_LOSS, s->loss.loss * 100.0, " %" },
        { SCN_BURST, s->loss.burst, " fragments" },
        { SCN_SPREAD, s->loss.spread * 100.0, " %" },
        { SCN_SHARED_LOSS, s->loss.shared_loss * 100.0, " %" },
        { SCN_LATE_JOIN, s->loss.late_join, " fragments" },
        { SCN_MAX_FRAGS, s->limits.max_fragments, "" },
        { SCN_MAX_FRAG_SIZE, s->limits.max_frag_size, " bytes" },
        { SCN_MAX_LOST, s->limits.max_lost, "" },
        { SCN_DEVICE_MEMORY, (double)s->limits.memory_bytes, " bytes" },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        if (scenario_has(s, rows[i].d))
            printf("  %-14s %.10g%s\n", scenario_directive_name(rows[i].d),
                   rows[i].value, rows[i].unit);
    if (s->drop_count) {
        printf("  %-14s", "drop");
        for (size_t i = 0; i < s->drop_count; i++)
            printf("%s%u", i ? "," : " ", (unsigned)s->drop[i]);
        printf("\n");
    }
    for (size_t i = 0; i < s->outage_count; i++)
        print_outage(&s->outages[i]);
    for (int f = FAULT_NONE + 1; f < FAULT_COUNT; f++)
        if (s->fault_given[f])
            printf("  %-14s %s %g %% (%s)\n", "fault",
                   fault_name((enum fault)f), s->faults.share[f] * 100.0,
                   fault_help((enum fault)f));
}

static cJSON *details_json(const struct scenario *s)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "name", s->name);
    cJSON_AddStringToObject(o, "path", s->path);
    cJSON_AddStringToObject(o, "summary", s->summary);
    cJSON_AddStringToObject(o, "story", s->story);
    if (scenario_has(s, SCN_DEVICES))
        cJSON_AddNumberToObject(o, "devices", (double)s->devices);
    if (scenario_has(s, SCN_IMAGE_SIZE))
        cJSON_AddNumberToObject(o, "image_size_bytes", (double)s->image_size);
    cJSON *link = cJSON_AddObjectToObject(o, "link");
    if (link) {
        report_loss_json(link, &s->loss);
        cJSON *drop = cJSON_AddArrayToObject(link, "drop");
        for (size_t i = 0; drop && i < s->drop_count; i++)
            cJSON_AddItemToArray(drop, cJSON_CreateNumber(s->drop[i]));
        cJSON *out = cJSON_AddArrayToObject(link, "outages");
        for (size_t i = 0; out && i < s->outage_count; i++) {
            cJSON *x = cJSON_CreateObject();
            if (!x || !cJSON_AddItemToArray(out, x)) {
                cJSON_Delete(x);
                continue;
            }
            cJSON_AddNumberToObject(x, "at_s", s->outages[i].at_s);
            cJSON_AddNumberToObject(x, "for_s", s->outages[i].for_s);
        }
    }
    cJSON *lim = cJSON_AddObjectToObject(o, "device_limits");
    if (lim) {
        cJSON_AddNumberToObject(lim, "max_fragments", s->limits.max_fragments);
        cJSON_AddNumberToObject(lim, "max_frag_size", s->limits.max_frag_size);
        cJSON_AddNumberToObject(lim, "max_lost", s->limits.max_lost);
        cJSON_AddNumberToObject(lim, "memory_bytes",
                                (double)s->limits.memory_bytes);
    }
    cJSON *faults = cJSON_AddObjectToObject(o, "faults");
    for (int f = FAULT_NONE + 1; faults && f < FAULT_COUNT; f++)
        if (s->fault_given[f])
            cJSON_AddNumberToObject(faults, fault_name((enum fault)f),
                                    s->faults.share[f] * 100.0);
    return o;
}

static int show(const struct cli_dirs *d, const char *what, bool json)
{
    struct scenario s;
    scenario_init(&s);
    char msg[SCENARIO_PATH_MAX + 256];
    enum scenario_status st =
        scenario_find(d->list, d->n, what, &s, msg, sizeof(msg));
    if (st != SCENARIO_OK) {
        cli_error(CMD, "%s", msg);
        return st == SCENARIO_E_SYNTAX ? EXIT_CHECK : EXIT_USAGE;
    }
    int rc = EXIT_OK;
    if (json) {
        if (!print_json(details_json(&s)))
            rc = EXIT_CHECK;
    } else {
        print_details(&s);
    }
    scenario_cleanup(&s);
    return rc;
}

int cmd_scenarios(int argc, char **argv)
{
    bool json = false;
    const char *what = NULL;
    const struct opts_spec specs[] = {
        OPTS_FLAG_OPT("--json", &json),
    };
    const struct opts_cmd line = {
        .cmd = CMD,
        .usage = usage_text,
        .operand = "NAME",
    };
    enum opts_status st =
        opts_parse(&line, specs, OPTS_COUNT(specs), argc, argv, &what);
    if (st != OPTS_OK)
        return opts_exit_status(st);
    struct cli_dirs d;
    cli_data_dirs("scenarios", &d);
    return what ? show(&d, what, json) : list(&d, json);
}
