#ifndef FUOTA_TUI_DIALOG_H
#define FUOTA_TUI_DIALOG_H

/*
 * Small windows over the current screen (panels): a yes/no question, one
 * or two text fields, a list to choose from. Each is an overlay screen on
 * the stack, so the loop keeps running (nothing blocks the keyboard) and
 * Esc always cancels. The callback runs after the dialog has left the
 * stack, so it may open another one. One dialog at a time.
 */

#include <stdbool.h>
#include <stddef.h>

struct tui;

typedef void (*dialog_confirm_fn)(struct tui *t, bool yes);
/*
 * Returns false to keep the dialog open, with the reason in err (shown
 * in the dialog).
 */
typedef bool (*dialog_input_fn)(struct tui *t, const char *const *values,
                                char *err, size_t errsize);
typedef void (*dialog_choice_fn)(struct tui *t, int index);

/*
 * A question. default_yes: what Enter answers (a LIVE submit asks y/N:
 * Enter is no). alarm draws it in the alarm role. Esc and n answer no.
 */
void dialog_confirm_ex(struct tui *t, const char *title, const char *text,
                       bool default_yes, bool alarm, dialog_confirm_fn done);
/* The same with Enter = yes. */
void dialog_confirm(struct tui *t, const char *title, const char *text,
                    bool alarm, dialog_confirm_fn done);

/* One or two text fields (labels and initial values: count entries). */
#define DIALOG_FIELDS_MAX 2
void dialog_input(struct tui *t, const char *title, const char *help,
                  size_t count, const char *const *labels,
                  const char *const *values, dialog_input_fn done);

/* A list of count items (copied), the cursor on `selected`. */
void dialog_choose(struct tui *t, const char *title, const char *const *items,
                   size_t count, int selected, dialog_choice_fn done);

/* True while a dialog is open. */
bool dialog_open(void);

#endif
