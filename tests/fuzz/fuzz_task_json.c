/*
 * libFuzzer target for the CreateFuotaTask JSON reader (task_from_json and
 * its pre-scan), task_validate and task_to_json. Besides memory safety it
 * checks one property: whatever the reader accepted, written back and read
 * again, is the same task (parse -> write -> parse -> equal), in both the
 * compact and the indented form.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag.h"
#include "core/task.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct fuota_task *task, bool pretty)
{
    char *out = task_to_json(task, pretty);
    if (!out)
        abort();
    struct diag_list diags;
    struct fuota_task again;
    diag_list_init(&diags);
    if (!task_from_json(out, strlen(out), &again, &diags))
        abort();
    if (!task_equal(task, &again))
        abort();
    task_cleanup(&again);
    diag_list_cleanup(&diags);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag_list diags;
    struct fuota_task task;
    diag_list_init(&diags);
    bool ok = task_from_json((const char *)data, size, &task, &diags);
    if (ok) {
        (void)task_validate(&task, &diags);
        round_trip(&task, false);
        round_trip(&task, true);
    }
    /* Every diagnostic is a terminated string with a rule. */
    for (size_t i = 0; i < diags.count; i++)
        if (!diags.items[i].rule[0] ||
            strlen(diags.items[i].message) >= DIAG_MESSAGE_MAX)
            abort();
    task_cleanup(&task);
    diag_list_cleanup(&diags);
    return 0;
}
