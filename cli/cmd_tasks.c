/* fuota tasks: list, show and manage FUOTA tasks on the target. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli/commands.h"
#include "cli/opts.h"
#include "cli/service.h"
#include "cli/target.h"
#include "cli/util.h"
#include "core/diag.h"
#include "core/json_out.h"
#include "core/limits.h"
#include "core/outcome.h"
#include "core/retry.h"
#include "core/task.h"

#define CMD "tasks"

/* Most pages one listing reads before it stops (a service that never ends
 * its listing would otherwise keep fuota busy forever). */
#define PAGES_MAX 10000

static const char usage[] =
    "Usage: fuota tasks ACTION [ARGS] [TARGET OPTIONS] [--json]\n"
    "\n"
    "Actions:\n"
    "  list                    every task (all pages of ListFuotaTasks)\n"
    "  get ID                  one task: status, parameters, start time\n"
    "  update ID FILE          change a Pending task (the members FILE sets)\n"
    "  start ID [--start-time T]  start the session (T: ISO-8601, UTC)\n"
    "  delete ID               delete a task\n"
    "  devices ID              the task's devices and their status\n"
    "  add-device ID DEV       associate wireless device DEV\n"
    "  remove-device ID DEV    disassociate it\n"
    "  groups ID               the task's multicast groups\n"
    "  add-group ID GROUP      associate multicast group GROUP\n"
    "  remove-group ID GROUP   disassociate it\n"
    "  retry ID [--yes]        a follow-up task with the same parameters for\n"
    "                          the devices that did not end Successful (asks\n"
    "                          first; the same retry twice makes one task)\n"
    "\n" TARGET_USAGE "\n"
    "Options:\n"
    "  --json               data as JSON on stdout (with \"Target\")\n"
    "  --page-size N        list, devices, groups: items per request\n"
    "                       (1..250, default the service's)\n"
    "  --start-time T       start: when the session begins\n"
    "  --yes                retry: do not ask\n"
    "  -h, --help           this help\n"
    "\n"
    "Exit status: 0 done, 1 the service refused (explained on stderr) or\n"
    "could not be reached, 2 usage error or invalid input (nothing sent).\n";

/* X(id, name, operands after ID: 0 or 1, its name) */
#define TASK_ACTIONS(X)                                                        \
    X(ACT_LIST, "list", -1, NULL)                                              \
    X(ACT_GET, "get", 0, NULL)                                                 \
    X(ACT_UPDATE, "update", 1, "FILE")                                         \
    X(ACT_START, "start", 0, NULL)                                             \
    X(ACT_DELETE, "delete", 0, NULL)                                           \
    X(ACT_DEVICES, "devices", 0, NULL)                                         \
    X(ACT_ADD_DEVICE, "add-device", 1, "DEV")                                  \
    X(ACT_REMOVE_DEVICE, "remove-device", 1, "DEV")                            \
    X(ACT_GROUPS, "groups", 0, NULL)                                           \
    X(ACT_ADD_GROUP, "add-group", 1, "GROUP")                                  \
    X(ACT_REMOVE_GROUP, "remove-group", 1, "GROUP")                            \
    X(ACT_RETRY, "retry", 0, NULL)

enum action {
#define X(id, name, more, what) id,
    TASK_ACTIONS(X)
#undef X
        ACT_COUNT
};

static const struct {
    const char *name;
    int more; /* -1: no ID; 0: ID; 1: ID and one more */
    const char *what;
} actions[] = {
#define X(id, n, m, w) [id] = { n, m, w },
    TASK_ACTIONS(X)
#undef X
};

struct args {
    enum action act;
    const char *id;
    const char *more; /* FILE, DEV or GROUP */
    bool json;
    long long page_size;
    const char *start_time;
    bool yes;
    struct target_settings ts;
};

/* ---- output ------------------------------------------------------------- */

/* Prints a cJSON document with the target added; frees it. */
static int emit_json(const struct target *t, cJSON *o)
{
    bool ok = o && cJSON_AddStringToObject(o, "Target", t->description) &&
              cJSON_AddBoolToObject(o, "Live", t->live);
    char *text = ok ? json_out_print(o, true) : NULL;
    if (text)
        printf("%s\n", text);
    free(text);
    cJSON_Delete(o);
    if (!text) {
        cli_error(CMD, "out of memory");
        return EXIT_CHECK;
    }
    return EXIT_OK;
}

static bool add_str(cJSON *o, const char *name, const char *v)
{
    return !v || cJSON_AddStringToObject(o, name, v) != NULL;
}

static bool add_int(cJSON *o, const char *name, bool has, long long v)
{
    return !has || cJSON_AddNumberToObject(o, name, (double)v) != NULL;
}

/* One "Label: value" line, value made safe; nothing when v is NULL. */
static void field(const char *label, const char *v)
{
    char safe[4200];
    if (v)
        printf("%-20s %s\n", label, service_safe(v, safe, sizeof(safe)));
}

static void field_int(const char *label, bool has, long long v)
{
    if (has)
        printf("%-20s %lld\n", label, v);
}

static int show_task(const struct args *a, const struct target *t,
                     const struct backend_task *k)
{
    char when[32], created[32];
    backend_time_format(k->start_time, when, sizeof(when));
    backend_time_format(k->created_at, created, sizeof(created));
    const char *status = backend_task_status_name(k->status);
    if (a->json) {
        cJSON *o = cJSON_CreateObject();
        bool ok = o && add_str(o, "Arn", k->arn) && add_str(o, "Id", k->id) &&
                  add_str(o, "Status", status) && add_str(o, "Name", k->name) &&
                  add_str(o, "Description", k->description);
        if (ok && (k->rf_region || k->has_start_time)) {
            cJSON *lw = cJSON_AddObjectToObject(o, "LoRaWAN");
            ok = lw && add_str(lw, "RfRegion", k->rf_region) &&
                 add_str(lw, "StartTime", k->has_start_time ? when : NULL);
        }
        ok = ok &&
             add_str(o, "FirmwareUpdateImage", k->firmware_update_image) &&
             add_str(o, "FirmwareUpdateRole", k->firmware_update_role) &&
             add_str(o, "CreatedAt", created) &&
             add_int(o, "RedundancyPercent", k->has_redundancy_percent,
                     k->redundancy_percent) &&
             add_int(o, "FragmentSizeBytes", k->has_fragment_size_bytes,
                     k->fragment_size_bytes) &&
             add_int(o, "FragmentIntervalMS", k->has_fragment_interval_ms,
                     k->fragment_interval_ms) &&
             add_str(o, "Descriptor", k->descriptor);
        if (!ok) {
            cJSON_Delete(o);
            o = NULL;
        }
        return emit_json(t, o);
    }
    printf("Target: %s\n", t->description);
    field("Id:", k->id);
    field("Arn:", k->arn);
    field("Status:", status);
    field("Name:", k->name);
    field("Description:", k->description);
    field("RfRegion:", k->rf_region);
    field("StartTime:", k->has_start_time ? when : NULL);
    field("FirmwareUpdateImage:", k->firmware_update_image);
    field("FirmwareUpdateRole:", k->firmware_update_role);
    field("CreatedAt:", created);
    field_int("RedundancyPercent:", k->has_redundancy_percent,
              k->redundancy_percent);
    field_int("FragmentSizeBytes:", k->has_fragment_size_bytes,
              k->fragment_size_bytes);
    field_int("FragmentIntervalMS:", k->has_fragment_interval_ms,
              k->fragment_interval_ms);
    field("Descriptor:", k->descriptor);
    return EXIT_OK;
}

/* ---- listings ------------------------------------------------------------ */

/* One page of whichever listing the action reads. */
union page {
    struct backend_task_page tasks;
    struct backend_device_page devices;
    struct backend_id_page groups;
};

static enum backend_status fetch(const struct args *a, const struct target *t,
                                 const struct backend_page_req *req,
                                 union page *p, struct backend_error *err)
{
    switch (a->act) {
    case ACT_LIST:
        return backend_list_tasks(t->backend, req, &p->tasks, err);
    case ACT_DEVICES:
        return backend_list_devices(t->backend, a->id, req, &p->devices, err);
    default:
        return backend_list_groups(t->backend, a->id, req, &p->groups, err);
    }
}

static size_t page_count(enum action act, const union page *p)
{
    return act == ACT_LIST      ? p->tasks.count
           : act == ACT_DEVICES ? p->devices.count
                                : p->groups.count;
}

static const char *page_next(enum action act, const union page *p)
{
    return act == ACT_LIST      ? p->tasks.next_token
           : act == ACT_DEVICES ? p->devices.next_token
                                : p->groups.next_token;
}

static void page_cleanup(enum action act, union page *p)
{
    if (act == ACT_LIST)
        backend_task_page_cleanup(&p->tasks);
    else if (act == ACT_DEVICES)
        backend_device_page_cleanup(&p->devices);
    else
        backend_id_page_cleanup(&p->groups);
}

/* Item i as text columns (second NULL: one column) and as JSON. */
static cJSON *item(enum action act, const union page *p, size_t i,
                   const char **first, const char **second)
{
    cJSON *o = cJSON_CreateObject();
    bool ok = o != NULL;
    if (act == ACT_LIST) {
        const struct backend_task_summary *k = &p->tasks.items[i];
        *first = k->id;
        *second = k->name ? k->name : "-";
        ok = ok && add_str(o, "Id", k->id) && add_str(o, "Arn", k->arn) &&
             add_str(o, "Name", k->name);
    } else if (act == ACT_DEVICES) {
        const struct backend_device *d = &p->devices.items[i];
        *first = d->id;
        *second = backend_device_status_name(d->status);
        ok = ok && add_str(o, "Id", d->id) &&
             add_str(o, "FuotaDeviceStatus", *second);
    } else {
        *first = p->groups.ids[i];
        *second = NULL;
        ok = ok && add_str(o, "Id", *first);
    }
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* The next page's token; a service that repeats one, or never ends, is
 * not what the API promises. */
static bool next_page(char **token, const char *next, int pages,
                      struct backend_error *err)
{
    if (next && *token && strcmp(next, *token) == 0) {
        backend_error_set(err, BACKEND_TRANSPORT,
                          "the service's answer is not what the API promises: "
                          "it returned the same NextToken twice");
        return false;
    }
    if (next && pages >= PAGES_MAX) {
        backend_error_set(err, BACKEND_TRANSPORT,
                          "the service's answer is not what the API promises: "
                          "more than %d pages",
                          PAGES_MAX);
        return false;
    }
    free(*token);
    *token = next ? strdup(next) : NULL;
    if (next && !*token) {
        backend_error_set(err, BACKEND_NO_MEMORY, "out of memory");
        return false;
    }
    return true;
}

static const struct {
    const char *header; /* text: the column titles */
    const char *member; /* JSON: the list's name */
    const char *noun;   /* the summary line */
    int width;          /* of the first column */
} listings[] = {
    [ACT_LIST] = { "ID                                    NAME",
                   "FuotaTaskList", "task", 36 },
    [ACT_DEVICES] = { "DEVICE                    STATUS", "WirelessDeviceList",
                      "device", 24 },
    [ACT_GROUPS] = { "GROUP", "MulticastGroupList", "group", 0 },
};

/* The summary: "3 devices: 2 Successful, 1 MissingFrag". */
static void summary(enum action act, size_t count, const size_t *by_status)
{
    printf("%zu %s%s", count, listings[act].noun, count == 1 ? "" : "s");
    const char *sep = ": ";
    for (int s = 0; act == ACT_DEVICES && s < BACKEND_DEVICE_STATUS_COUNT; s++)
        if (by_status[s]) {
            printf("%s%zu %s", sep, by_status[s],
                   backend_device_status_name((enum backend_device_status)s));
            sep = ", ";
        }
    printf("\n");
}

/* Under a device listing: what each status that is not Successful means
 * and what to do (core/outcome, the table `fuota simulate` reads too). */
static void explain(const size_t *by_status)
{
    for (int s = 0; s < BACKEND_DEVICE_STATUS_COUNT; s++) {
        const struct outcome *o = outcome_of((enum backend_device_status)s);
        if (!by_status[s] || !o || o->success)
            continue;
        printf("\n%s (%zu): %s\n  %s\n",
               backend_device_status_name((enum backend_device_status)s),
               by_status[s], o->summary ? o->summary : "", o->meaning);
        if (o->causes[0].text)
            printf("  Likely: %s (%s)\n", o->causes[0].text,
                   o->causes[0].source);
        printf("  What to do: %s\n", o->action);
    }
}

/* list, devices, groups: every page, as a table or one JSON document. */
static int listing(const struct args *a, const struct target *t)
{
    cJSON *items = a->json ? cJSON_CreateArray() : NULL;
    size_t count = 0, by_status[BACKEND_DEVICE_STATUS_COUNT] = { 0 };
    char *token = NULL;
    struct backend_error err;
    backend_error_clear(&err);
    bool ok = !a->json || items;
    for (int pages = 1; ok; pages++) {
        struct backend_page_req req = { token, (int)a->page_size };
        union page p;
        if (fetch(a, t, &req, &p, &err) != BACKEND_OK)
            break;
        if (!a->json && pages == 1)
            printf("Target: %s\n%s\n", t->description, listings[a->act].header);
        for (size_t i = 0; ok && i < page_count(a->act, &p); i++) {
            const char *first, *second;
            cJSON *o = item(a->act, &p, i, &first, &second);
            if (a->act == ACT_DEVICES)
                by_status[p.devices.items[i].status]++;
            count++;
            if (a->json) {
                ok = o && cJSON_AddItemToArray(items, o);
                continue;
            }
            cJSON_Delete(o);
            char s1[BACKEND_ID_MAX + 1], s2[1100];
            service_safe(first, s1, sizeof(s1));
            if (second)
                printf("%-*s  %s\n", listings[a->act].width, s1,
                       service_safe(second, s2, sizeof(s2)));
            else
                printf("%s\n", s1);
        }
        const char *next = page_next(a->act, &p);
        bool more = ok && next;
        ok = ok && next_page(&token, next, pages, &err);
        page_cleanup(a->act, &p);
        if (!more)
            break;
    }
    free(token);
    if (err.status != BACKEND_OK) {
        cJSON_Delete(items);
        return service_refused(CMD, t, &err);
    }
    if (!a->json) {
        summary(a->act, count, by_status);
        if (a->act == ACT_DEVICES)
            explain(by_status);
        return EXIT_OK;
    }
    cJSON *o = ok ? cJSON_CreateObject() : NULL;
    if (!o || (a->id && !cJSON_AddStringToObject(o, "Id", a->id)) ||
        !cJSON_AddItemToObject(o, listings[a->act].member, items)) {
        cJSON_Delete(items);
        cJSON_Delete(o);
        o = NULL;
    }
    return emit_json(t, o);
}

/* ---- changes ------------------------------------------------------------- */

/* What an action that changes something did, for the output. */
static int done(const struct args *a, const struct target *t,
                const char *operation)
{
    const char *more = a->act == ACT_UPDATE ? NULL : a->more;
    if (a->json) {
        cJSON *o = cJSON_CreateObject();
        if (o && (!cJSON_AddStringToObject(o, "Operation", operation) ||
                  !cJSON_AddStringToObject(o, "Id", a->id) ||
                  (more && !add_str(o,
                                    a->act == ACT_ADD_DEVICE ||
                                            a->act == ACT_REMOVE_DEVICE
                                        ? "WirelessDeviceId"
                                        : "MulticastGroupId",
                                    more)))) {
            cJSON_Delete(o);
            o = NULL;
        }
        return emit_json(t, o);
    }
    char id[BACKEND_ID_MAX + 1], m[BACKEND_ID_MAX + 1];
    service_safe(a->id, id, sizeof(id));
    service_safe(more, m, sizeof(m));
    printf("Target: %s\n", t->description);
    switch (a->act) {
    case ACT_UPDATE:
        printf("Updated task %s.\n", id);
        break;
    case ACT_START:
        printf("Started task %s.\n", id);
        break;
    case ACT_DELETE:
        printf("Deleting task %s (Delete_Waiting, then gone).\n", id);
        break;
    case ACT_ADD_DEVICE:
        printf("Associated wireless device %s with task %s.\n", m, id);
        break;
    case ACT_REMOVE_DEVICE:
        printf("Disassociated wireless device %s from task %s.\n", m, id);
        break;
    case ACT_ADD_GROUP:
        printf("Associated multicast group %s with task %s.\n", m, id);
        break;
    default:
        printf("Disassociated multicast group %s from task %s.\n", m, id);
        break;
    }
    return EXIT_OK;
}

/* The service's required members are not required in an update. */
static bool update_needs(const struct diag *d)
{
    return d->severity == DIAG_ERROR && strcmp(d->rule, "required") == 0;
}

/* Reads an update FILE: the CreateFuotaTask members UpdateFuotaTask has. */
static int load_update(const char *path, struct fuota_task *changes)
{
    struct diag_list all, kept;
    diag_list_init(&all);
    diag_list_init(&kept);
    enum cli_task_status st = cli_load_task(CMD, path, changes, &all);
    if (st == CLI_TASK_NO_FILE) {
        diag_list_cleanup(&all);
        diag_list_cleanup(&kept);
        return EXIT_USAGE;
    }
    if (st == CLI_TASK_READ)
        (void)task_validate(changes, &all);
    for (size_t i = 0; i < all.count; i++) {
        const struct diag *d = &all.items[i];
        if (!update_needs(d))
            diag_add(&kept, d->severity, d->path, d->rule, "%s", d->message);
    }
    kept.truncated = all.truncated;
    if (changes->client_request_token)
        diag_add(&kept, DIAG_ERROR, "ClientRequestToken", "not-in-update",
                 "UpdateFuotaTask has no ClientRequestToken; remove it");
    if (changes->has_tags)
        diag_add(&kept, DIAG_ERROR, "Tags", "not-in-update",
                 "UpdateFuotaTask does not change Tags; remove them");
    cli_print_diags(&kept);
    bool valid = st == CLI_TASK_READ && !diag_has_errors(&kept);
    diag_list_cleanup(&all);
    diag_list_cleanup(&kept);
    if (!valid) {
        cli_error(CMD, "%s: invalid update: nothing was sent",
                  strcmp(path, "-") == 0 ? "<stdin>" : path);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* ---- the command --------------------------------------------------------- */

/* Every device of a task (all pages) into *out; *n its count. */
static enum backend_status all_devices(const struct target *t, const char *id,
                                       struct backend_device **out, size_t *n,
                                       struct backend_error *err)
{
    *out = NULL;
    *n = 0;
    char *token = NULL;
    enum backend_status st = BACKEND_OK;
    for (int pages = 1; pages <= PAGES_MAX; pages++) {
        struct backend_page_req req = { token, 0 };
        struct backend_device_page p;
        st = backend_list_devices(t->backend, id, &req, &p, err);
        if (st != BACKEND_OK)
            break;
        struct backend_device *grown =
            realloc(*out, (*n + p.count + 1) * sizeof(**out));
        if (!grown) {
            backend_device_page_cleanup(&p);
            st = backend_error_set(err, BACKEND_NO_MEMORY, "out of memory");
            break;
        }
        *out = grown;
        for (size_t i = 0; i < p.count; i++) {
            (*out)[*n] = p.items[i]; /* takes the id */
            p.items[i].id = NULL;
            (*n)++;
        }
        bool more = p.next_token && *p.next_token;
        free(token);
        token = more ? strdup(p.next_token) : NULL;
        backend_device_page_cleanup(&p);
        if (!more)
            break;
    }
    free(token);
    return st;
}

static void free_devices(struct backend_device *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(d[i].id);
    free(d);
}

/* A yes from the terminal (stdin), anything else is no. */
static bool ask(const char *question)
{
    fprintf(stderr, "%s [y/N] ", question);
    fflush(stderr);
    char line[16];
    if (!fgets(line, sizeof(line), stdin))
        return false;
    return line[0] == 'y' || line[0] == 'Y';
}

/* retry ID: plan the follow-up, say it, ask, create, associate. */
static int retry(const struct args *a, const struct target *t)
{
    struct backend_error err;
    struct backend_task task;
    if (backend_get_task(t->backend, a->id, &task, &err) != BACKEND_OK)
        return service_refused(CMD, t, &err);
    struct backend_device *devs = NULL;
    size_t n = 0;
    if (all_devices(t, a->id, &devs, &n, &err) != BACKEND_OK) {
        backend_task_cleanup(&task);
        return service_refused(CMD, t, &err);
    }
    struct retry_plan plan;
    enum retry_status rs = retry_plan_make(&task, devs, n, &plan);
    char id[BACKEND_ID_MAX + 1];
    service_safe(a->id, id, sizeof(id));
    int rc = EXIT_OK;
    if (rs == RETRY_NOTHING || rs == RETRY_NO_DEVICES) {
        printf("Target: %s\nNothing to retry: %s (%zu device%s).\n",
               t->description, retry_status_message(rs), n, n == 1 ? "" : "s");
        goto out;
    }
    if (rs != RETRY_OK) {
        cli_error(CMD, "retry %s: %s (status %s)", id, retry_status_message(rs),
                  backend_task_status_name(task.status));
        rc = EXIT_CHECK;
        goto out;
    }
    if (!a->yes && !isatty(STDIN_FILENO)) {
        cli_error(CMD, "retry asks before it creates a task: add --yes to "
                       "run it without a terminal");
        rc = cli_usage_error(CMD);
        goto out;
    }
    if (!a->json || !a->yes) {
        FILE *o = a->json ? stderr : stdout;
        fprintf(o,
                "Target: %s\nRetry of task %s: %zu of %zu devices did not "
                "end Successful.\nCreate task '%s' (ClientRequestToken %s, "
                "the same parameters) and associate:\n",
                t->description, id, plan.count, plan.total, plan.name,
                plan.token);
        for (size_t i = 0; i < plan.count; i++) {
            char d[BACKEND_ID_MAX + 1];
            const struct backend_device *dv = &devs[plan.devices[i]];
            fprintf(o, "  %-24s %s\n", service_safe(dv->id, d, sizeof(d)),
                    backend_device_status_name(dv->status));
        }
        fprintf(o, "No multicast group is carried over (a group would bring "
                   "back its devices that succeeded).\n");
        fflush(o);
    }
    if (!a->yes && !ask("Create it?")) {
        fprintf(stderr, "fuota tasks: not created\n");
        goto out;
    }
    struct backend_created created;
    if (backend_create_task(t->backend, &plan.request, &created, &err) !=
        BACKEND_OK) {
        rc = service_refused(CMD, t, &err);
        goto out;
    }
    size_t associated = 0;
    for (size_t i = 0; i < plan.count; i++) {
        if (backend_associate_device(t->backend, created.id,
                                     devs[plan.devices[i]].id,
                                     &err) != BACKEND_OK) {
            rc = service_refused(CMD, t, &err);
            break;
        }
        associated++;
    }
    if (a->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON *list = cJSON_CreateArray();
        for (size_t i = 0; list && i < associated; i++)
            cJSON_AddItemToArray(list,
                                 cJSON_CreateString(devs[plan.devices[i]].id));
        if (!o || !list || !cJSON_AddStringToObject(o, "RetryOf", a->id) ||
            !cJSON_AddStringToObject(o, "Id", created.id) ||
            !cJSON_AddStringToObject(o, "Arn", created.arn) ||
            !cJSON_AddStringToObject(o, "ClientRequestToken", plan.token) ||
            !cJSON_AddItemToObject(o, "WirelessDevices", list)) {
            cJSON_Delete(list);
            cJSON_Delete(o);
            o = NULL;
        }
        int jrc = emit_json(t, o);
        if (rc == EXIT_OK)
            rc = jrc;
    } else {
        printf("Created task %s (%s); associated %zu of %zu devices. Start it "
               "with 'fuota tasks start %s'.\n",
               created.id, created.arn, associated, plan.count, created.id);
    }
out:
    retry_plan_cleanup(&plan);
    free_devices(devs, n);
    backend_task_cleanup(&task);
    return rc;
}

static int run(const struct args *a, const struct target *t,
               const struct fuota_task *changes, int64_t start)
{
    struct backend_error err;
    enum backend_status st = BACKEND_OK;
    struct backend *b = t->backend;
    switch (a->act) {
    case ACT_LIST:
    case ACT_DEVICES:
    case ACT_GROUPS:
        return listing(a, t);
    case ACT_GET: {
        struct backend_task k;
        st = backend_get_task(b, a->id, &k, &err);
        int rc = st == BACKEND_OK ? show_task(a, t, &k)
                                  : service_refused(CMD, t, &err);
        backend_task_cleanup(&k);
        return rc;
    }
    case ACT_UPDATE:
        st = backend_update_task(b, a->id, changes, &err);
        break;
    case ACT_START:
        st = backend_start_task(b, a->id, a->start_time != NULL, start, &err);
        break;
    case ACT_DELETE:
        st = backend_delete_task(b, a->id, &err);
        break;
    case ACT_ADD_DEVICE:
        st = backend_associate_device(b, a->id, a->more, &err);
        break;
    case ACT_REMOVE_DEVICE:
        st = backend_disassociate_device(b, a->id, a->more, &err);
        break;
    case ACT_ADD_GROUP:
        st = backend_associate_group(b, a->id, a->more, &err);
        break;
    case ACT_REMOVE_GROUP:
        st = backend_disassociate_group(b, a->id, a->more, &err);
        break;
    case ACT_RETRY:
        return retry(a, t);
    default:
        return EXIT_USAGE;
    }
    if (st != BACKEND_OK)
        return service_refused(CMD, t, &err);
    static const char *const operation[] = {
        [ACT_UPDATE] = "UpdateFuotaTask",
        [ACT_START] = "StartFuotaTask",
        [ACT_DELETE] = "DeleteFuotaTask",
        [ACT_ADD_DEVICE] = "AssociateWirelessDeviceWithFuotaTask",
        [ACT_REMOVE_DEVICE] = "DisassociateWirelessDeviceFromFuotaTask",
        [ACT_ADD_GROUP] = "AssociateMulticastGroupWithFuotaTask",
        [ACT_REMOVE_GROUP] = "DisassociateMulticastGroupFromFuotaTask",
    };
    return done(a, t, operation[a->act]);
}

/* Parses ACTION and the rest; EXIT_OK, -1 after help, else the status. */
static int parse(int argc, char **argv, struct args *a)
{
    memset(a, 0, sizeof(*a));
    target_settings_init(&a->ts);
    if (argc < 2) {
        cli_error(CMD, "missing ACTION (list, get, update, start, delete, "
                       "devices, add-device, remove-device, groups, "
                       "add-group, remove-group, retry)");
        return cli_usage_error(CMD);
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs(usage, stdout);
        return -1;
    }
    a->act = ACT_COUNT;
    for (int i = 0; i < ACT_COUNT; i++)
        if (strcmp(argv[1], actions[i].name) == 0)
            a->act = (enum action)i;
    if (a->act == ACT_COUNT) {
        cli_error(CMD, "unknown action '%s'", argv[1]);
        return cli_usage_error(CMD);
    }
    struct opts_spec specs[TARGET_OPTION_ROWS + 4] = {
        OPTS_FLAG_OPT("--json", &a->json),
        OPTS_INT_OPT("--page-size", &a->page_size, 1, BACKEND_MAX_RESULTS_MAX),
        OPTS_STRING_OPT("--start-time", &a->start_time),
        OPTS_FLAG_OPT("--yes", &a->yes),
    };
    size_t n = 4 + target_option_rows(&a->ts, specs + 4, TARGET_OPTION_ROWS);
    int more = actions[a->act].more;
    const struct opts_cmd line = {
        .cmd = CMD,
        .usage = usage,
        .operand = more < 0 ? NULL : "ID",
        .more_operands = more > 0 ? &a->more : NULL,
        .more_count = more > 0 ? 1 : 0,
    };
    enum opts_status st =
        opts_parse(&line, specs, n, argc - 1, argv + 1, &a->id);
    if (st != OPTS_OK)
        return st == OPTS_HELP ? -1 : EXIT_USAGE;
    const char *name = actions[a->act].name;
    if (more >= 0 && !a->id) {
        cli_error(CMD, "%s: missing ID (the task's Id)", name);
        return cli_usage_error(CMD);
    }
    if (more > 0 && !a->more) {
        cli_error(CMD, "%s: missing %s", name, actions[a->act].what);
        return cli_usage_error(CMD);
    }
    if (a->yes && a->act != ACT_RETRY) {
        cli_error(CMD, "--yes goes with 'retry' only");
        return cli_usage_error(CMD);
    }
    if (a->start_time && a->act != ACT_START) {
        cli_error(CMD, "--start-time goes with 'start' only");
        return cli_usage_error(CMD);
    }
    if (a->page_size && a->act != ACT_LIST && a->act != ACT_DEVICES &&
        a->act != ACT_GROUPS) {
        cli_error(CMD, "--page-size goes with list, devices and groups only");
        return cli_usage_error(CMD);
    }
    return EXIT_OK;
}

int cmd_tasks(int argc, char **argv)
{
    struct args a;
    int rc = parse(argc, argv, &a);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    int64_t start = 0;
    if (a.start_time && !backend_time_parse(a.start_time, &start)) {
        cli_error(CMD,
                  "--start-time: '%s' is not an ISO-8601 time such as "
                  "2030-05-01T12:00:00Z",
                  a.start_time);
        return cli_usage_error(CMD);
    }
    if (a.start_time) {
        /* AWS schedules a session 30 min .. 48 h ahead (core/limits.h):
         * said, not refused; the service has the last word. */
        struct diag_list warn;
        diag_list_init(&warn);
        (void)limits_check_schedule(start, (int64_t)time(NULL), -1.0, NULL,
                                    &warn);
        cli_print_diags(&warn);
        diag_list_cleanup(&warn);
    }
    struct fuota_task changes;
    task_init(&changes);
    if (a.act == ACT_UPDATE)
        rc = load_update(a.more, &changes);
    struct target t;
    if (rc == EXIT_OK)
        rc = service_open(CMD, &a.ts, &t);
    if (rc == EXIT_OK) {
        rc = run(&a, &t, &changes, start);
        target_close(&t);
    }
    task_cleanup(&changes);
    return rc;
}
