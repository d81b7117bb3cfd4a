#ifndef FUOTA_TUI_ACTION_H
#define FUOTA_TUI_ACTION_H

/*
 * Every key of the console is an action with a name and a help line (tig's
 * request table). This one X-macro feeds the enum, the key hints bar and
 * the help overlay, so a key cannot exist without its help text.
 *
 * X(id, name, label, help): `name` is the stable identifier (help overlay,
 * tests), `label` the one word of the hints bar, `help` one line.
 */
#define TUI_ACTIONS(X)                                                         \
    X(ACT_NONE, "none", "", "")                                                \
    X(ACT_HELP, "help", "Help", "show every key and what it does")             \
    X(ACT_SAVE, "save", "Save",                                                \
      "save the request as JSON (F2 again: same "                              \
      "file)")                                                                 \
    X(ACT_TASKS, "tasks", "Tasks",                                             \
      "the tasks on the target and their "                                     \
      "lifecycle")                                                             \
    X(ACT_PREVIEW, "preview", "Preview",                                       \
      "the preview full width (narrow "                                        \
      "terminals)")                                                            \
    X(ACT_SIMULATE, "simulate", "Simulate",                                    \
      "play the session to a virtual fleet")                                   \
    X(ACT_PLANNER, "planner", "Plan",                                          \
      "what-if: success against redundancy and loss")                          \
    X(ACT_TARGET, "target", "Target",                                          \
      "choose the target: the simulator or AWS")                               \
    X(ACT_SUBMIT, "submit", "Submit", "review the exact request, then submit") \
    X(ACT_QUIT, "quit", "Quit", "leave fuota (the draft is kept)")             \
    X(ACT_BACK, "back", "Back", "go back one step, or cancel")                 \
    X(ACT_NEXT, "next", "Next", "next field or button")                        \
    X(ACT_PREV, "prev", "Prev", "previous field or button")                    \
    X(ACT_UP, "up", "Up", "move up")                                           \
    X(ACT_DOWN, "down", "Down", "move down")                                   \
    X(ACT_LEFT, "left", "Left", "previous choice, or cursor left")             \
    X(ACT_RIGHT, "right", "Right", "next choice, or cursor right")             \
    X(ACT_PAGE_UP, "page-up", "Page up", "scroll a page up")                   \
    X(ACT_PAGE_DOWN, "page-down", "Page down", "scroll a page down")           \
    X(ACT_HOME, "home", "Home", "to the start")                                \
    X(ACT_END, "end", "End", "to the end")                                     \
    X(ACT_ENTER, "enter", "OK", "edit, choose or confirm")                     \
    X(ACT_BACKSPACE, "backspace", "Bksp",                                      \
      "delete the character before "                                           \
      "the cursor")                                                            \
    X(ACT_DELETE_CHAR, "delete-char", "Del",                                   \
      "delete the character under the cursor")                                 \
    X(ACT_CLEAR, "clear", "Clear", "clear the field")                          \
    X(ACT_TOKEN, "token", "Token", "generate a random ClientRequestToken")     \
    X(ACT_DESCRIPTOR, "descriptor", "Descriptor",                              \
      "make the Descriptor from 4 bytes of hex")                               \
    X(ACT_TAGS, "tags", "Tags", "edit the tags")                               \
    X(ACT_ADD, "add", "Add", "add an item")                                    \
    X(ACT_EDIT, "edit", "Edit", "edit the selected item")                      \
    X(ACT_DELETE, "delete", "Delete",                                          \
      "delete the selected item (asks "                                        \
      "first)")                                                                \
    X(ACT_DETAILS, "details", "Open",                                          \
      "the selected task: every field, its devices and groups")                \
    X(ACT_START_TASK, "start-task", "Start",                                   \
      "start the task's session (asks; an optional start time)")               \
    X(ACT_UPDATE, "update", "Update",                                          \
      "edit the task in the wizard; F9 sends only what changed")               \
    X(ACT_ADD_DEVICE, "add-device", "Device+",                                 \
      "associate a wireless device with the task (asks)")                      \
    X(ACT_REMOVE_DEVICE, "remove-device", "Device-",                           \
      "disassociate a wireless device from the task (asks)")                   \
    X(ACT_ADD_GROUP, "add-group", "Group+",                                    \
      "associate a multicast group with the task (asks)")                      \
    X(ACT_REMOVE_GROUP, "remove-group", "Group-",                              \
      "disassociate a multicast group from the task (asks)")                   \
    X(ACT_RETRY_TASK, "retry-task", "Retry",                                   \
      "a new task for the devices that did not end Successful (asks)")         \
    X(ACT_REFRESH, "refresh", "Refresh", "read the tasks again")               \
    X(ACT_PLAY_TASK, "play-task", "Play",                                      \
      "play the task's session to a virtual fleet")                            \
    X(ACT_YES, "yes", "Yes", "answer yes")                                     \
    X(ACT_NO, "no", "No", "answer no")                                         \
    X(ACT_REDRAW, "redraw", "Redraw", "redraw the whole screen")               \
    X(ACT_CLICK, "click", "Click", "select what is under the mouse")           \
    X(ACT_SCENARIO, "scenario", "Scenario",                                    \
      "load a training scenario: fleet, link, faults and story")               \
    X(ACT_TEXT, "text", "Type", "type into the focused field")                 \
    X(ACT_START, "start", "Start", "start the playback with these settings")   \
    X(ACT_PLAY, "play", "Play", "play or pause the playback")                  \
    X(ACT_STEP, "step", "Step", "one fragment on (pauses)")                    \
    X(ACT_FASTER, "faster", "Faster",                                          \
      "play faster, up to 1024 fragments a second")                            \
    X(ACT_SLOWER, "slower", "Slower",                                          \
      "play slower, down to 1 fragment a second")                              \
    X(ACT_JUMP_END, "jump-end", "To end", "jump to the end of the session")    \
    X(ACT_RESTART, "restart", "Restart",                                       \
      "play again from the start (same seed, same session)")                   \
    X(ACT_ZOOM, "zoom", "Device",                                              \
      "the selected device: received, decoder rank, outcome")                  \
    X(ACT_REPORT, "report", "Report",                                          \
      "the report: the figures of fuota simulate")                             \
    X(ACT_SAVE_JSON, "save-json", "JSON", "save the report as JSON")           \
    X(ACT_SAVE_CSV, "save-csv", "CSV", "save one line per device as CSV")      \
    X(ACT_APPLY, "apply", "Apply",                                             \
      "apply the recommended redundancy (and fragment size) to the wizard")    \
    X(ACT_RANGES, "ranges", "Settings",                                        \
      "the planner's axes, ranges, loss model, target and trials")             \
    X(ACT_SIZE, "size", "Size", "chart the next fragment size")

enum tui_action {
#define X(id, name, label, help) id,
    TUI_ACTIONS(X)
#undef X
        TUI_ACTION_COUNT
};

/* "help", "save", ...; "" for an out-of-range value. */
const char *tui_action_name(enum tui_action a);
/* The hints bar word: "Help", "Save", ... */
const char *tui_action_label(enum tui_action a);
/* One line of help text. */
const char *tui_action_help(enum tui_action a);

#endif
