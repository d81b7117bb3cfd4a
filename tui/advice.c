/*
 * What a backend error means for the operator, per operation: a 409 on a
 * submit is a reused ClientRequestToken, on a start a task that is no
 * longer Pending; a 404 on an action is a task deleted meanwhile.
 */
#include "tui/app.h"

static const char *not_found(enum tui_op op)
{
    switch (op) {
    case TUI_OP_CREATE:
    case TUI_OP_LIST:
        return "Something the request names does not exist on the "
               "service. Check the names and the region.";
    case TUI_OP_ASSOCIATE:
        return "The task does not exist any more (deleted meanwhile, by "
               "another client?), or the device or group is unknown to the "
               "service. r refreshes the list; check the id.";
    case TUI_OP_DISASSOCIATE:
        return "The device or group is not associated with this task, or "
               "the task was deleted meanwhile. r refreshes the list and "
               "the task's devices and groups.";
    default:
        return "The task does not exist any more: it was deleted meanwhile "
               "(by another client, or its delete grace ended). r "
               "refreshes the list.";
    }
}

static const char *conflict(enum tui_op op)
{
    switch (op) {
    case TUI_OP_CREATE:
        return "This ClientRequestToken was already used with other "
               "parameters. Make a new token (^T in the wizard) for a new "
               "task, or put the earlier parameters back to get that task.";
    case TUI_OP_START:
        return "The task is not Pending: it was started already, and a task "
               "starts once. r shows its status; for another session make a "
               "new task.";
    case TUI_OP_DELETE:
        return "The task's state does not allow deleting it now (it may be "
               "deleting already). r shows its status.";
    default:
        return "The task is no longer Pending: its settings, devices and "
               "groups can change only before it starts. r shows its "
               "status; make a new task for the change.";
    }
}

static const char *validation(enum tui_op op)
{
    switch (op) {
    case TUI_OP_CREATE:
    case TUI_OP_UPDATE:
        return "The service refused a member of the request (named above). "
               "Fix it in the wizard (Esc) and submit again.";
    case TUI_OP_START:
        return "The service refused the start (named above): check the "
               "StartTime, or leave it empty to let the service schedule "
               "the session.";
    case TUI_OP_ASSOCIATE:
    case TUI_OP_DISASSOCIATE:
        return "The service refused the id (named above): check the device "
               "or group id.";
    default:
        return "The service refused the request (named above). r tries "
               "again from the first page.";
    }
}

const char *tui_error_advice_for(enum tui_op op, enum backend_status s)
{
    bool create = op == TUI_OP_CREATE;
    switch (s) {
    case BACKEND_OK:
        return "";
    case BACKEND_VALIDATION:
        return validation(op);
    case BACKEND_ACCESS_DENIED:
        return create ? "The credentials were refused, or they may not create "
                        "FUOTA tasks (iotwireless:CreateFuotaTask, and "
                        "iam:PassRole for the FirmwareUpdateRole). Check the "
                        "profile and its policy."
                      : "The credentials were refused, or their policy does "
                        "not allow this FUOTA operation (iotwireless:...). "
                        "Check the profile and its policy.";
    case BACKEND_NOT_FOUND:
        return not_found(op);
    case BACKEND_CONFLICT:
        return conflict(op);
    case BACKEND_THROTTLED:
        return create ? "The service is slowing requests down. Wait a moment "
                        "and submit again: the same token cannot create a "
                        "second task."
                      : "The service is slowing requests down. Wait a moment "
                        "and try again.";
    case BACKEND_INTERNAL:
        return create ? "The service failed. Submit again in a moment: the "
                        "same ClientRequestToken cannot create a second task."
                      : "The service failed. Try again in a moment; r shows "
                        "whether the change was made.";
    case BACKEND_TRANSPORT:
        return create ? "The service could not be reached or answered "
                        "nonsense. Check the endpoint, the network and TLS, "
                        "then submit again."
                      : "The service could not be reached or answered "
                        "nonsense. Check the endpoint, the network and TLS, "
                        "then try again.";
    case BACKEND_TIMEOUT:
        return create ? "No answer in time: the task may or may not exist. "
                        "Submit again: with the same token that is safe."
                      : "No answer in time: the change may or may not have "
                        "been made. r shows the task as it is now.";
    case BACKEND_NO_MEMORY:
        return "Out of memory.";
    }
    return "";
}

const char *tui_error_advice(enum backend_status s)
{
    return tui_error_advice_for(TUI_OP_CREATE, s);
}
