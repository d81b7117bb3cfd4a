#include "tui/action.h"

#include <stddef.h>

static const struct {
    const char *name, *label, *help;
} actions[] = {
#define X(id, name, label, help) [id] = { name, label, help },
    TUI_ACTIONS(X)
#undef X
};

const char *tui_action_name(enum tui_action a)
{
    return (size_t)a < TUI_ACTION_COUNT ? actions[a].name : "";
}

const char *tui_action_label(enum tui_action a)
{
    return (size_t)a < TUI_ACTION_COUNT ? actions[a].label : "";
}

const char *tui_action_help(enum tui_action a)
{
    return (size_t)a < TUI_ACTION_COUNT ? actions[a].help : "";
}
