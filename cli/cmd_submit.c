/* fuota submit: validates a CreateFuotaTask request, then creates it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "aws/client.h"
#include "cli/commands.h"
#include "cli/opts.h"
#include "cli/service.h"
#include "cli/target.h"
#include "cli/util.h"
#include "core/diag.h"
#include "core/json_out.h"
#include "core/task.h"

#define CMD "submit"

static const char usage[] =
    "Usage: fuota submit FILE|- [--sim | --profile P | --endpoint URL |\n"
    "                            --live] [--region R] [--json]\n"
    "\n"
    "Creates the FUOTA task of a CreateFuotaTask request (the AWS CLI\n"
    "--cli-input-json form). The request is validated first: when it breaks\n"
    "a rule nothing is sent. Without a ClientRequestToken one is made and\n"
    "shown; the same token is sent on every retry, and submitting the same\n"
    "request with it again returns the same task instead of a second one.\n"
    "Prints the target, the task's Arn and Id, and the token.\n"
    "\n" TARGET_USAGE "\n"
    "Options:\n"
    "  --json               print {Target, Live, Arn, Id, ClientRequestToken}\n"
    "  -q, --quiet          no warnings on stderr\n"
    "  -h, --help           this help\n"
    "\n"
    "Exit status: 0 created, 1 the service refused (explained on stderr) or\n"
    "could not be reached, 2 usage error or an invalid request (nothing\n"
    "sent).\n";

static bool print_json(const struct target *t, const struct backend_created *c,
                       const char *token)
{
    cJSON *o = cJSON_CreateObject();
    bool ok = o && cJSON_AddStringToObject(o, "Target", t->description) &&
              cJSON_AddBoolToObject(o, "Live", t->live) &&
              cJSON_AddStringToObject(o, "Arn", c->arn) &&
              cJSON_AddStringToObject(o, "Id", c->id) &&
              cJSON_AddStringToObject(o, "ClientRequestToken", token);
    char *text = ok ? json_out_print(o, true) : NULL;
    if (text)
        printf("%s\n", text);
    free(text);
    cJSON_Delete(o);
    return text != NULL;
}

/* Reads and validates; EXIT_OK when the request may be sent. */
static int load(const char *path, bool quiet, struct fuota_task *task)
{
    struct diag_list diags;
    diag_list_init(&diags);
    enum cli_task_status ts = cli_load_task(CMD, path, task, &diags);
    if (ts == CLI_TASK_NO_FILE) {
        diag_list_cleanup(&diags);
        return EXIT_USAGE;
    }
    if (ts == CLI_TASK_READ)
        (void)task_validate(task, &diags);
    bool valid = ts == CLI_TASK_READ && !diag_has_errors(&diags);
    if (!valid || !quiet)
        cli_print_diags(&diags);
    diag_list_cleanup(&diags);
    if (!valid) {
        cli_error(CMD, "%s: invalid request: nothing was sent",
                  strcmp(path, "-") == 0 ? "<stdin>" : path);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

int cmd_submit(int argc, char **argv)
{
    bool json = false, quiet = false;
    const char *path = NULL;
    struct target_settings ts;
    target_settings_init(&ts);
    struct opts_spec specs[TARGET_OPTION_ROWS + 2] = {
        OPTS_FLAG_OPT("--json", &json),
        { .name = "--quiet",
          .short_name = 'q',
          .kind = OPTS_FLAG,
          .flag = &quiet },
    };
    size_t n = 2 + target_option_rows(&ts, specs + 2, TARGET_OPTION_ROWS);
    const struct opts_cmd line = { .cmd = CMD,
                                   .usage = usage,
                                   .operand = "FILE" };
    enum opts_status st = opts_parse(&line, specs, n, argc, argv, &path);
    if (st != OPTS_OK)
        return opts_exit_status(st);
    if (!path) {
        cli_error(CMD, "missing FILE (use '-' for stdin)");
        return cli_usage_error(CMD);
    }

    struct fuota_task task;
    int rc = load(path, quiet, &task);
    struct target t;
    if (rc == EXIT_OK)
        rc = service_open(CMD, &ts, &t);
    if (rc != EXIT_OK) {
        task_cleanup(&task);
        return rc;
    }
    if (!task.client_request_token) {
        char token[TASK_NEW_TOKEN_SIZE];
        task_new_token(token);
        task.client_request_token = strdup(token);
        if (!task.client_request_token) {
            cli_error(CMD, "out of memory");
            target_close(&t);
            task_cleanup(&task);
            return EXIT_CHECK;
        }
        if (!quiet)
            fprintf(stderr,
                    "fuota submit: ClientRequestToken %s generated; to retry "
                    "safely, add it to the request\n",
                    token);
    }
    struct backend_created created;
    struct backend_error err;
    if (backend_create_task(t.backend, &task, &created, &err) != BACKEND_OK) {
        rc = service_refused(CMD, &t, &err);
        fprintf(stderr, "  ClientRequestToken: %s\n",
                task.client_request_token);
    } else if (json) {
        if (!print_json(&t, &created, task.client_request_token)) {
            cli_error(CMD, "out of memory");
            rc = EXIT_CHECK;
        }
    } else {
        char arn[BACKEND_ARN_MAX + 1], id[BACKEND_ID_MAX + 1];
        printf("Created on %s\n", t.description);
        printf("Arn: %s\n", service_safe(created.arn, arn, sizeof(arn)));
        printf("Id: %s\n", service_safe(created.id, id, sizeof(id)));
        printf("ClientRequestToken: %s\n", task.client_request_token);
    }
    target_close(&t);
    task_cleanup(&task);
    return rc;
}
