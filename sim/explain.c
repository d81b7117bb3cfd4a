/* A simulation's outcomes explained (see sim/explain.h). */
#include "sim/explain.h"

#include <stdbool.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/outcome.h"

#define WIDTH 78

void explain_wrap(FILE *out, const char *indent, const char *lead,
                  const char *text)
{
    size_t col = strlen(indent) + strlen(lead);
    fprintf(out, "%s%s", indent, lead);
    size_t start = col;
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t word = strcspn(p, " ");
        if (word == 0)
            break;
        /* A "%" stays with its number. */
        bool glued = *p == '%';
        if (col > start && col + 1 + word > WIDTH && !glued) {
            fprintf(out, "\n%s%*s", indent, (int)(start - strlen(indent)), "");
            col = start;
        } else if (col > start) {
            fputc(' ', out);
            col++;
        }
        fprintf(out, "%.*s", (int)word, p);
        col += word;
        p += word;
    }
    fputc('\n', out);
}

void explain_print_faults(FILE *out, const struct fleet_params *p)
{
    if (!fault_config_any(&p->faults))
        return;
    const char *sep = "Faults    ";
    for (int f = FAULT_NONE + 1; f < FAULT_COUNT; f++) {
        if (!(p->faults.share[f] > 0.0))
            continue;
        fprintf(out, "%s%.4g %% %s (%s)", sep, p->faults.share[f] * 100.0,
                fault_name((enum fault)f), fault_help((enum fault)f));
        sep = ",\n          ";
    }
    fputc('\n', out);
}

/* Devices with this status, by the fault that gave it (FAULT_NONE: none). */
static void by_fault(const struct fleet_result *r,
                     enum backend_device_status status,
                     size_t count[FAULT_COUNT])
{
    memset(count, 0, FAULT_COUNT * sizeof(*count));
    for (size_t d = 0; d < r->devices; d++)
        if (r->dev[d].status == status)
            count[r->dev[d].fault]++;
}

/* What caused the status without a fault, in this simulator. */
static const char *own_cause(enum backend_device_status status)
{
    switch (status) {
    case BACKEND_DEVICE_SUCCESSFUL:
        return "rebuilt the image";
    case BACKEND_DEVICE_NOT_ENOUGH_MEMORY:
        return "refused the session for the device limits";
    case BACKEND_DEVICE_MEMORY_ERROR:
        return "lost more fragments than the device limit --max-lost";
    case BACKEND_DEVICE_MISSING_FRAG:
        return "lost too many fragments on the link before the session "
               "ended";
    case BACKEND_DEVICE_MIC_ERROR:
        return "rebuilt an image that failed its check (an internal "
               "error)";
    default:
        return "decided by the simulator";
    }
}

static void print_one(FILE *out, enum backend_device_status status,
                      size_t total, const struct fleet_result *r)
{
    const struct outcome *o = outcome_of(status);
    char lead[128];
    snprintf(lead, sizeof(lead), "%s: %zu device%s, %s",
             backend_device_status_name(status), total, total == 1 ? "" : "s",
             o->summary);
    fprintf(out, "  %s\n", lead);
    explain_wrap(out, "      ", "", o->meaning);
    size_t count[FAULT_COUNT];
    by_fault(r, status, count);
    char line[256];
    for (int f = 0; f < FAULT_COUNT; f++) {
        if (!count[f])
            continue;
        if (f == FAULT_NONE)
            snprintf(line, sizeof(line), "%zu %s.", count[f],
                     own_cause(status));
        else
            snprintf(line, sizeof(line), "%zu had the fault %s (%s).", count[f],
                     fault_name((enum fault)f), fault_help((enum fault)f));
        explain_wrap(out, "      ", "In this run: ", line);
    }
    for (size_t i = 0; !o->success && i < outcome_cause_count(o); i++) {
        if (i == 0)
            fprintf(out, "      Likely causes:\n");
        char text[512];
        snprintf(text, sizeof(text), "%s [%s]", o->causes[i].text,
                 o->causes[i].source);
        explain_wrap(out, "      ", "- ", text);
    }
    explain_wrap(out, "      ", "What to do: ", o->action);
}

bool explain_print(FILE *out, const struct fleet_params *p,
                   const struct fleet_result *r)
{
    (void)p;
    fprintf(out, "\nOutcomes\n");
    for (size_t i = 0; i < BACKEND_DEVICE_STATUS_COUNT; i++)
        if (r->by_status[i])
            print_one(out, (enum backend_device_status)i, r->by_status[i], r);
    return !ferror(out);
}

cJSON *explain_faults_json(const struct fleet_params *p,
                           const struct fleet_result *r)
{
    cJSON *o = cJSON_CreateObject();
    for (int f = FAULT_NONE + 1; o && f < FAULT_COUNT; f++) {
        if (!(p->faults.share[f] > 0.0))
            continue;
        cJSON *x = cJSON_AddObjectToObject(o, fault_name((enum fault)f));
        if (!x ||
            !cJSON_AddNumberToObject(x, "percent",
                                     p->faults.share[f] * 100.0) ||
            !cJSON_AddNumberToObject(x, "devices", (double)r->by_fault[f])) {
            cJSON_Delete(o);
            return NULL;
        }
    }
    return o;
}

static cJSON *one_json(enum backend_device_status status, size_t total,
                       const struct fleet_result *r)
{
    const struct outcome *o = outcome_of(status);
    cJSON *x = cJSON_CreateObject();
    bool ok = x &&
              cJSON_AddStringToObject(x, "status",
                                      backend_device_status_name(status)) &&
              cJSON_AddNumberToObject(x, "devices", (double)total);
    size_t count[FAULT_COUNT];
    by_fault(r, status, count);
    cJSON *from = ok ? cJSON_AddObjectToObject(x, "from_faults") : NULL;
    ok = ok && from;
    for (int f = FAULT_NONE + 1; ok && f < FAULT_COUNT; f++)
        if (count[f])
            ok = cJSON_AddNumberToObject(from, fault_name((enum fault)f),
                                         (double)count[f]) != NULL;
    ok = ok &&
         cJSON_AddStringToObject(x, "phase", outcome_phase_name(o->phase)) &&
         cJSON_AddStringToObject(x, "summary", o->summary) &&
         cJSON_AddStringToObject(x, "meaning", o->meaning);
    cJSON *causes = ok ? cJSON_AddArrayToObject(x, "causes") : NULL;
    ok = ok && causes;
    for (size_t i = 0; ok && i < outcome_cause_count(o); i++) {
        cJSON *c = cJSON_CreateObject();
        ok = c && cJSON_AddStringToObject(c, "cause", o->causes[i].text) &&
             cJSON_AddStringToObject(c, "source", o->causes[i].source) &&
             cJSON_AddItemToArray(causes, c);
        if (!ok)
            cJSON_Delete(c);
    }
    ok = ok && cJSON_AddStringToObject(x, "action", o->action);
    if (!ok) {
        cJSON_Delete(x);
        return NULL;
    }
    return x;
}

cJSON *explain_outcomes_json(const struct fleet_params *p,
                             const struct fleet_result *r)
{
    (void)p;
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < BACKEND_DEVICE_STATUS_COUNT; i++) {
        if (!r->by_status[i])
            continue;
        cJSON *x = one_json((enum backend_device_status)i, r->by_status[i], r);
        if (!x || !cJSON_AddItemToArray(arr, x)) {
            cJSON_Delete(x);
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}
