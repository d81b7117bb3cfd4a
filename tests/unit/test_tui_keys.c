/* tui/keymap, tui/action and tui/layout: pure logic of the console. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <curses.h>

#include "tui/action.h"
#include "tui/keymap.h"
#include "tui/layout.h"

static const struct tui_binding screen_bindings[] = {
    { 'q', ACT_ADD }, /* shadows the global q = quit */
    { TUI_CTRL('T'), ACT_TOKEN },
};
static const struct tui_keymap screen_map = TUI_KEYMAP("test", screen_bindings);

static void test_lookup_order(void **state)
{
    (void)state;
    /* The screen's keymap first, then the global one. */
    assert_int_equal(tui_keymap_lookup(&screen_map, 'q', false), ACT_ADD);
    assert_int_equal(tui_keymap_lookup(NULL, 'q', false), ACT_QUIT);
    assert_int_equal(tui_keymap_lookup(&screen_map, TUI_FN(KEY_F(9)), false),
                     ACT_SUBMIT);
    assert_int_equal(tui_keymap_lookup(&screen_map, TUI_CTRL('T'), false),
                     ACT_TOKEN);
    assert_int_equal(tui_keymap_lookup(&screen_map, 'z', false), ACT_NONE);
    assert_int_equal(tui_keymap_lookup(NULL, TUI_FN(KEY_BTAB), false),
                     ACT_PREV);
    assert_int_equal(tui_keymap_lookup(NULL, 127, false), ACT_BACKSPACE);
    assert_int_equal(tui_keymap_lookup(NULL, TUI_FN(KEY_BACKSPACE), false),
                     ACT_BACKSPACE);
}

static void test_text_focus(void **state)
{
    (void)state;
    /* In a text field printable keys are text, even q and ?. */
    static const int printable[] = { 'q', '?', 'a', ' ', 0xe9, 0x1f600 };
    for (size_t i = 0; i < sizeof(printable) / sizeof(printable[0]); i++)
        assert_int_equal(tui_keymap_lookup(&screen_map, printable[i], true),
                         ACT_TEXT);
    /* Function keys, control keys, Enter and Esc still act. */
    assert_int_equal(tui_keymap_lookup(&screen_map, TUI_FN(KEY_F(10)), true),
                     ACT_QUIT);
    assert_int_equal(tui_keymap_lookup(&screen_map, TUI_CTRL('T'), true),
                     ACT_TOKEN);
    assert_int_equal(tui_keymap_lookup(&screen_map, '\r', true), ACT_ENTER);
    assert_int_equal(tui_keymap_lookup(&screen_map, TUI_ESC, true), ACT_BACK);
    assert_int_equal(tui_keymap_lookup(&screen_map, '\t', true), ACT_NEXT);
    /* C1 controls and DEL are not text. */
    assert_false(tui_key_printable(0x7f));
    assert_false(tui_key_printable(0x85));
    assert_false(tui_key_printable(TUI_FN(KEY_F(1))));
    assert_true(tui_key_printable(0xa0));
}

static void test_key_names(void **state)
{
    (void)state;
    static const struct {
        int key;
        const char *name;
    } cases[] = {
        { TUI_FN(KEY_F(1)), "F1" },
        { TUI_FN(KEY_F(10)), "F10" },
        { TUI_CTRL('T'), "^T" },
        { '\t', "Tab" },
        { TUI_FN(KEY_BTAB), "S-Tab" },
        { '\r', "Enter" },
        { TUI_ESC, "Esc" },
        { ' ', "Space" },
        { 'q', "q" },
        { '?', "?" },
        { TUI_FN(KEY_NPAGE), "PgDn" },
        { TUI_FN(KEY_DC), "Del" },
    };
    char buf[32];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_string_equal(tui_key_name(cases[i].key, buf, sizeof(buf)),
                            cases[i].name);
}

static void test_key_for_action(void **state)
{
    (void)state;
    assert_int_equal(tui_keymap_key_for(&screen_map, ACT_TOKEN), TUI_CTRL('T'));
    assert_int_equal(tui_keymap_key_for(&screen_map, ACT_HELP),
                     TUI_FN(KEY_F(1)));
    assert_int_equal(tui_keymap_key_for(NULL, ACT_NONE), -1);
}

static void test_actions_have_help(void **state)
{
    (void)state;
    /* Every action but "none" has a name, a label and a help line, and
     * names are unique (the help overlay and tests use them). */
    for (int a = 1; a < TUI_ACTION_COUNT; a++) {
        assert_true(strlen(tui_action_name((enum tui_action)a)) > 0);
        assert_true(strlen(tui_action_label((enum tui_action)a)) > 0);
        assert_true(strlen(tui_action_help((enum tui_action)a)) > 0);
        for (int b = a + 1; b < TUI_ACTION_COUNT; b++)
            assert_string_not_equal(tui_action_name((enum tui_action)a),
                                    tui_action_name((enum tui_action)b));
    }
    assert_string_equal(tui_action_name(TUI_ACTION_COUNT), "");
    /* Every global binding names a real action. */
    for (size_t i = 0; i < tui_global_keymap.count; i++)
        assert_true(tui_global_keymap.bindings[i].action < TUI_ACTION_COUNT);
}

static void test_frame_layout(void **state)
{
    (void)state;
    struct tui_frame_layout f;
    layout_frame(24, 80, &f);
    assert_false(f.too_small);
    assert_int_equal(f.header.y, 0);
    assert_int_equal(f.body.y, 1);
    assert_int_equal(f.body.h, 21);
    assert_int_equal(f.message.y, 22);
    assert_int_equal(f.hints.y, 23);
    assert_int_equal(f.body.w, 80);
    layout_frame(24, 79, &f);
    assert_true(f.too_small);
    layout_frame(23, 80, &f);
    assert_true(f.too_small);
    layout_frame(20, 60, &f);
    assert_true(f.too_small);
    layout_frame(200, 400, &f);
    assert_false(f.too_small);
    assert_int_equal(f.body.h, 197);
}

static void test_wizard_layout(void **state)
{
    (void)state;
    struct wizard_layout w;
    struct tui_rect body = { 1, 0, 21, 80 };
    layout_wizard(&body, &w);
    assert_false(w.split);
    assert_int_equal(w.form.h, 19);
    assert_int_equal(w.strip.h, 2);
    assert_int_equal(w.strip.y, 20);
    body.w = TUI_SPLIT_COLS - 1;
    layout_wizard(&body, &w);
    assert_false(w.split);
    body.w = TUI_SPLIT_COLS;
    layout_wizard(&body, &w);
    assert_true(w.split);
    assert_int_equal(w.form.w + w.preview.w, TUI_SPLIT_COLS);
    assert_int_equal(w.preview.w, 48); /* the minimum */
    assert_int_equal(w.preview.x, w.form.w);
    body.w = 300;
    layout_wizard(&body, &w);
    assert_int_equal(w.preview.w, 64); /* the maximum */
    assert_int_equal(w.strip.h, 0);
}

static void test_form_row(void **state)
{
    (void)state;
    struct form_columns c;
    layout_form_row(78, 7, &c);
    assert_int_equal(c.field_w, 7);
    assert_int_equal(c.field_x, c.label_x + c.label_w + 1);
    assert_int_equal(c.diag_x, c.field_x + 7 + 2);
    layout_form_row(78, 0, &c);
    assert_true(c.field_w >= 20);
    assert_true(c.diag_w >= 12); /* room for "^D from hex" */
    layout_form_row(10, 0, &c);  /* absurdly narrow: no negative widths */
    assert_true(c.field_w >= 1);
    assert_true(c.diag_w >= 0);
}

static void test_scroll(void **state)
{
    (void)state;
    /* Fits: never scrolls. */
    assert_int_equal(layout_scroll(5, 3, 10, 8), 0);
    /* Focus below the view: the least move that shows it. */
    assert_int_equal(layout_scroll(0, 12, 10, 30), 3);
    /* Focus above: it becomes the first row. */
    assert_int_equal(layout_scroll(10, 4, 10, 30), 4);
    /* In view: unchanged. */
    assert_int_equal(layout_scroll(10, 15, 10, 30), 10);
    /* Clamped to the end. */
    assert_int_equal(layout_scroll(25, 29, 10, 30), 20);
    assert_int_equal(layout_scroll(0, 0, 0, 30), 0);
}

static void test_center(void **state)
{
    (void)state;
    struct tui_rect area = { 1, 0, 21, 80 };
    struct tui_rect r = layout_center(&area, 7, 40);
    assert_int_equal(r.y, 8);
    assert_int_equal(r.x, 20);
    r = layout_center(&area, 50, 100); /* clipped */
    assert_int_equal(r.h, 21);
    assert_int_equal(r.w, 80);
    assert_int_equal(r.y, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup_order),
        cmocka_unit_test(test_text_focus),
        cmocka_unit_test(test_key_names),
        cmocka_unit_test(test_key_for_action),
        cmocka_unit_test(test_actions_have_help),
        cmocka_unit_test(test_frame_layout),
        cmocka_unit_test(test_wizard_layout),
        cmocka_unit_test(test_form_row),
        cmocka_unit_test(test_scroll),
        cmocka_unit_test(test_center),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
