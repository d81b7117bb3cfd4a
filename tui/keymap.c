#include "tui/keymap.h"

#include <stdio.h>
#include <wchar.h>

#include <curses.h>

static const struct tui_binding global_bindings[] = {
    { TUI_FN(KEY_F(1)), ACT_HELP },
    { '?', ACT_HELP },
    { TUI_FN(KEY_F(2)), ACT_SAVE },
    { TUI_FN(KEY_F(3)), ACT_TASKS },
    { TUI_FN(KEY_F(4)), ACT_PREVIEW },
    { TUI_FN(KEY_F(5)), ACT_SIMULATE },
    { TUI_FN(KEY_F(6)), ACT_PLANNER },
    { TUI_FN(KEY_F(8)), ACT_TARGET },
    { TUI_FN(KEY_F(9)), ACT_SUBMIT },
    { TUI_FN(KEY_F(10)), ACT_QUIT },
    { 'q', ACT_QUIT },
    { TUI_ESC, ACT_BACK },
    { '\t', ACT_NEXT },
    { TUI_FN(KEY_BTAB), ACT_PREV },
    { TUI_FN(KEY_UP), ACT_UP },
    { TUI_FN(KEY_DOWN), ACT_DOWN },
    { TUI_FN(KEY_LEFT), ACT_LEFT },
    { TUI_FN(KEY_RIGHT), ACT_RIGHT },
    { TUI_FN(KEY_PPAGE), ACT_PAGE_UP },
    { TUI_FN(KEY_NPAGE), ACT_PAGE_DOWN },
    { TUI_FN(KEY_HOME), ACT_HOME },
    { TUI_FN(KEY_END), ACT_END },
    { '\n', ACT_ENTER },
    { '\r', ACT_ENTER },
    { TUI_FN(KEY_ENTER), ACT_ENTER },
    { TUI_FN(KEY_BACKSPACE), ACT_BACKSPACE },
    { 127, ACT_BACKSPACE },
    { TUI_CTRL('H'), ACT_BACKSPACE },
    { TUI_FN(KEY_DC), ACT_DELETE_CHAR },
    { TUI_CTRL('U'), ACT_CLEAR },
    { TUI_CTRL('L'), ACT_REDRAW },
    { TUI_FN(KEY_MOUSE), ACT_CLICK },
};

const struct tui_keymap tui_global_keymap =
    TUI_KEYMAP("global", global_bindings);

bool tui_key_printable(int key)
{
    return key >= 0x20 && key != 0x7f && !(key >= 0x80 && key < 0xa0) &&
           key < TUI_FN_BASE;
}

static enum tui_action find(const struct tui_keymap *map, int key)
{
    if (!map)
        return ACT_NONE;
    for (size_t i = 0; i < map->count; i++)
        if (map->bindings[i].key == key)
            return map->bindings[i].action;
    return ACT_NONE;
}

enum tui_action tui_keymap_lookup(const struct tui_keymap *screen, int key,
                                  bool text_focus)
{
    if (text_focus && tui_key_printable(key))
        return ACT_TEXT;
    enum tui_action a = find(screen, key);
    return a != ACT_NONE ? a : find(&tui_global_keymap, key);
}

int tui_keymap_key_for(const struct tui_keymap *screen, enum tui_action a)
{
    const struct tui_keymap *maps[] = { screen, &tui_global_keymap };
    for (size_t m = 0; m < 2; m++) {
        if (!maps[m])
            continue;
        for (size_t i = 0; i < maps[m]->count; i++)
            if (maps[m]->bindings[i].action == a)
                return maps[m]->bindings[i].key;
    }
    return -1;
}

const char *tui_key_name(int key, char *buf, size_t size)
{
    static const struct {
        int key;
        const char *name;
    } names[] = {
        { '\t', "Tab" },
        { '\n', "Enter" },
        { '\r', "Enter" },
        { ' ', "Space" },
        { TUI_ESC, "Esc" },
        { 127, "Bksp" },
        { TUI_FN(KEY_BTAB), "S-Tab" },
        { TUI_FN(KEY_UP), "Up" },
        { TUI_FN(KEY_DOWN), "Down" },
        { TUI_FN(KEY_LEFT), "Left" },
        { TUI_FN(KEY_RIGHT), "Right" },
        { TUI_FN(KEY_PPAGE), "PgUp" },
        { TUI_FN(KEY_NPAGE), "PgDn" },
        { TUI_FN(KEY_HOME), "Home" },
        { TUI_FN(KEY_END), "End" },
        { TUI_FN(KEY_ENTER), "Enter" },
        { TUI_FN(KEY_BACKSPACE), "Bksp" },
        { TUI_FN(KEY_DC), "Del" },
        { TUI_FN(KEY_IC), "Ins" },
        { TUI_FN(KEY_MOUSE), "Mouse" },
        { TUI_FN(KEY_RESIZE), "Resize" },
    };
    if (size == 0)
        return buf;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].key == key) {
            snprintf(buf, size, "%s", names[i].name);
            return buf;
        }
    if (key >= TUI_FN(KEY_F(1)) && key <= TUI_FN(KEY_F(63))) {
        snprintf(buf, size, "F%d", key - TUI_FN(KEY_F(0)));
    } else if (key >= 0 && key < 0x20) {
        snprintf(buf, size, "^%c", key + '@');
    } else if (tui_key_printable(key)) {
        char mb[8] = "";
        mbstate_t st = { 0 };
        size_t n = wcrtomb(mb, (wchar_t)key, &st);
        if (n == (size_t)-1)
            snprintf(buf, size, "U+%04X", (unsigned)key);
        else
            snprintf(buf, size, "%.*s", (int)n, mb);
    } else if (key >= TUI_FN_BASE) {
        snprintf(buf, size, "key %d", key - TUI_FN_BASE);
    } else {
        snprintf(buf, size, "U+%04X", (unsigned)key);
    }
    return buf;
}
