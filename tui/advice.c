/*
 * What a backend error means for the operator: core/advice's table, and
 * where the console knows which operation failed, what that failure means
 * for it (a 404 on a start is a task deleted meanwhile, a 409 a task that
 * is no longer Pending), in the console's terms (r reads again).
 */
#include <stdio.h>

#include "tui/app.h"

/* The operation's own meaning of a status; NULL = core/advice's. */
static const char *for_operation(enum tui_op op, enum backend_status s)
{
    if (op == TUI_OP_CREATE || op == TUI_OP_LIST)
        return NULL;
    switch (s) {
    case BACKEND_NOT_FOUND:
        if (op == TUI_OP_DISASSOCIATE)
            return "The device or group is not associated with this task, "
                   "or the task was deleted meanwhile. r reads the list and "
                   "the task's devices and groups again.";
        if (op == TUI_OP_ASSOCIATE)
            return "The task does not exist any more (deleted meanwhile, "
                   "by another client?), or the service does not know the "
                   "device or group. r reads the list again; check the id.";
        return "The task does not exist any more: it was deleted meanwhile "
               "(by another client, or its delete grace ended). r reads the "
               "list again.";
    case BACKEND_CONFLICT:
        if (op == TUI_OP_START)
            return "The task is not Pending: it was started already, and a "
                   "task starts once. r shows its status; for another "
                   "session make a new task.";
        if (op == TUI_OP_DELETE)
            return "The task's state does not allow deleting it now (it may "
                   "be deleting already). r shows its status.";
        return "The task is no longer Pending: its settings, devices and "
               "groups can change only before it starts. r shows its "
               "status; make a new task for the change.";
    case BACKEND_VALIDATION:
        if (op == TUI_OP_START)
            return "Check the StartTime (named above), or leave it empty to "
                   "let the service schedule the session.";
        if (op == TUI_OP_ASSOCIATE || op == TUI_OP_DISASSOCIATE)
            return "Check the device or group id (named above): 1..256 "
                   "characters.";
        return NULL;
    default:
        return NULL;
    }
}

void tui_explain(enum tui_op op, const struct backend_error *err,
                 struct advice *out)
{
    advice_explain(err, out);
    const char *own = for_operation(op, err->status);
    if (own)
        snprintf(out->text, sizeof(out->text), "%s", own);
}

const char *tui_error_advice(enum backend_status s)
{
    static struct advice adv;
    struct backend_error err;
    backend_error_clear(&err);
    err.status = s;
    err.http_status = backend_status_http(s);
    tui_explain(TUI_OP_CREATE, &err, &adv);
    return s == BACKEND_OK ? "" : adv.text;
}
