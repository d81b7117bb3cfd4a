#ifndef FUOTA_TUI_KEYMAP_H
#define FUOTA_TUI_KEYMAP_H

/*
 * Keys to actions. A key is an int: a Unicode code point as get_wch gives
 * it, or a curses function key (KEY_F(1), KEY_UP, ...) moved past Unicode
 * with TUI_FN(), so the two ranges never meet. Bindings are const tables
 * (nnn's bindings[]): each screen has its own keymap, looked up before the
 * global one (tig's keys.c).
 *
 * While a text field has the focus, printable characters are text
 * (ACT_TEXT) and never looked up: typing "q" or "?" into a Name types it.
 * Everything else (function keys, control keys, arrows, Enter, Esc) is
 * looked up as usual.
 */

#include <stdbool.h>
#include <stddef.h>

#include "tui/action.h"

#define TUI_FN_BASE 0x110000
#define TUI_FN(k)   (TUI_FN_BASE + (k))
#define TUI_CTRL(c) ((c)&0x1f)
#define TUI_ESC     27

struct tui_binding {
    int key;
    enum tui_action action;
};

struct tui_keymap {
    const char *name; /* "global", "wizard", ... */
    const struct tui_binding *bindings;
    size_t count;
};

#define TUI_KEYMAP(n, table)                                                   \
    {                                                                          \
        .name = (n), .bindings = (table),                                      \
        .count = sizeof(table) / sizeof((table)[0])                            \
    }

/* The keys every screen shares (F-keys, arrows, Esc, ...). */
extern const struct tui_keymap tui_global_keymap;

/* True for a key that types a character (not a control or function key). */
bool tui_key_printable(int key);

/*
 * The action of `key`: ACT_TEXT for a printable key when text_focus,
 * else the screen's binding (screen may be NULL), else the global one,
 * else ACT_NONE.
 */
enum tui_action tui_keymap_lookup(const struct tui_keymap *screen, int key,
                                  bool text_focus);

/*
 * The first key bound to `a`, the screen's keymap first; -1 when none.
 * For the hints bar and the help overlay.
 */
int tui_keymap_key_for(const struct tui_keymap *screen, enum tui_action a);

/*
 * A key's name as the hints bar and help print it: "F1", "^T", "Tab",
 * "S-Tab", "Enter", "Esc", "Space", "Up", "PgDn", "?", "q", "é". Returns buf.
 */
const char *tui_key_name(int key, char *buf, size_t size);

#endif
