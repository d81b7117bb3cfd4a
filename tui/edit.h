#ifndef FUOTA_TUI_EDIT_H
#define FUOTA_TUI_EDIT_H

/*
 * Line editing with the form library (ncurses form): every text box of
 * the console is a one-line FIELD that scrolls horizontally, fed through
 * form_driver / form_driver_w, so insert, delete, cursor moves and wide
 * characters work the way the library does them.
 */

#include <stdbool.h>
#include <stddef.h>

#include <form.h>

#include "tui/action.h"
#include "tui/theme.h"

/*
 * A one-line field at (y, x) of the form's sub-window, w columns wide,
 * that takes at most max characters, holding value. NULL on failure.
 */
FIELD *edit_field_new(int y, int x, int w, int max, const char *value);

/*
 * The one-field editor the forms put over a row: a field like
 * edit_field_new's in fields[0] (fields[1] = NULL), a FORM on window win
 * with sub-window sub (where y, x count from), in the focus role, posted,
 * the cursor at the end of the text. NULL (fields[0] NULL) when out of
 * memory. Free with edit_form_free.
 */
FORM *edit_form_over(WINDOW *win, WINDOW *sub, FIELD **fields, int y, int x,
                     int w, int max, const char *value);

/* Applies an editing action (ACT_TEXT with key, cursor moves, Backspace,
 * Del, Clear) to the form's current field. False when the action is not
 * an editing one (the caller handles it). */
bool edit_apply(FORM *form, enum tui_action a, int key);

/* The field's text as typed, trailing blanks removed (heap; NULL on out
 * of memory). Syncs the form's buffer first. */
char *edit_value(FORM *form, FIELD *field);

/* Frees a form and its fields (unpost, free_form, free_field: the order
 * the library wants). Accepts NULL. */
void edit_form_free(FORM *form);

#endif
