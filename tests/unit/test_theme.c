/* tui/theme: parsing theme files, the shipped themes, errors with file and
 * line, loading by name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tui/theme.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[65536];
    *len = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[*len] = '\0';
    return buf;
}

static const char *root(void)
{
    const char *r = getenv("FUOTA_ROOT");
    return r ? r : ".";
}

static void test_default_file_matches_builtin(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof(path), "%s/themes/default.theme", root());
    size_t len;
    char *text = slurp(path, &len);
    struct theme parsed, builtin;
    char err[256];
    /* Parse over an empty base: every role must be in the file. */
    assert_true(
        theme_parse(text, len, "default", path, &parsed, err, sizeof(err)));
    theme_default(&builtin);
    for (int r = 0; r < TUI_ROLE_COUNT; r++) {
        assert_int_equal(parsed.role[r].fg, builtin.role[r].fg);
        assert_int_equal(parsed.role[r].bg, builtin.role[r].bg);
        assert_int_equal(parsed.role[r].attrs, builtin.role[r].attrs);
        /* The file names the role (not just inherits it). */
        char needle[64];
        snprintf(needle, sizeof(needle), "color %s ",
                 theme_role_name((enum tui_role)r));
        assert_non_null(strstr(text, needle));
    }
}

static void test_shipped_themes_parse(void **state)
{
    (void)state;
    static const char *const names[] = { "default", "dark", "light",
                                         "high-contrast", "monochrome" };
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/themes", root());
    const char *dirs[] = { dir, NULL };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        struct theme t;
        char err[512];
        if (!theme_load(names[i], dirs, &t, err, sizeof(err)))
            fail_msg("%s: %s", names[i], err);
        assert_string_equal(t.name, names[i]);
        /* Every role of every shipped theme is spelled out. */
        char path[4200];
        snprintf(path, sizeof(path), "%s/%s.theme", dir, names[i]);
        size_t len;
        char *text = slurp(path, &len);
        for (int r = 0; r < TUI_ROLE_COUNT; r++) {
            char needle[64];
            snprintf(needle, sizeof(needle), "color %s ",
                     theme_role_name((enum tui_role)r));
            if (!strstr(text, needle))
                fail_msg("%s lacks role %s", names[i], needle);
        }
    }
    struct theme mono;
    char err[256];
    assert_true(theme_load("monochrome", dirs, &mono, err, sizeof(err)));
    assert_true(mono.monochrome);
}

static void test_parse_values(void **state)
{
    (void)state;
    const char *text = "# comment\n"
                       "\n"
                       "  color title bright-red 236 bold underline # x\n"
                       "colour ok default green reverse\r\n";
    struct theme t;
    char err[256];
    assert_true(
        theme_parse(text, strlen(text), "x", "x.theme", &t, err, sizeof(err)));
    assert_int_equal(t.role[ROLE_TITLE].fg, 9);
    assert_int_equal(t.role[ROLE_TITLE].bg, 236);
    assert_int_equal(t.role[ROLE_TITLE].attrs, THEME_BOLD | THEME_UNDERLINE);
    assert_int_equal(t.role[ROLE_OK].fg, THEME_DEFAULT_COLOR);
    assert_int_equal(t.role[ROLE_OK].bg, 2);
    assert_int_equal(t.role[ROLE_OK].attrs, THEME_REVERSE);
    /* A role the file leaves out keeps the default look. */
    struct theme d;
    theme_default(&d);
    assert_int_equal(t.role[ROLE_FOCUS].bg, d.role[ROLE_FOCUS].bg);
}

static void test_bad_lines(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *err;
    } cases[] = {
        { "color normal white black\ncolor bogus red black\n",
          "t.theme:2: unknown role 'bogus'" },
        { "color title purple black\n",
          "t.theme:1: unknown colour 'purple' for title" },
        { "color title red black\ncolor ok red 256\n",
          "t.theme:2: unknown colour '256' for ok" },
        { "color ok red -1\n", "t.theme:1: unknown colour '-1' for ok" },
        { "color ok bright-default red\n",
          "t.theme:1: unknown colour 'bright-default' for ok" },
        { "color ok red black sparkle\n",
          "t.theme:1: unknown attribute 'sparkle' for ok" },
        { "color ok red\n",
          "t.theme:1: expected 'color ROLE FG BG [ATTR...]'" },
        { "\n\nfont ok\n",
          "t.theme:3: unknown command 'font' (expected 'color')" },
        { "color ok red black bold bold bold bold bold bold bold bold bold\n",
          "t.theme:1: too many words" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct theme t;
        char err[256] = "";
        assert_false(theme_parse(cases[i].text, strlen(cases[i].text), "t",
                                 "t.theme", &t, err, sizeof(err)));
        assert_string_equal(err, cases[i].err);
    }
    /* A NUL byte and an over-long line. */
    struct theme t;
    char err[256];
    assert_false(theme_parse("color ok\0red black\n", 19, "t", "t.theme", &t,
                             err, sizeof(err)));
    assert_string_equal(err, "t.theme:1: NUL byte");
    char longline[700];
    memset(longline, 'a', sizeof(longline));
    assert_false(theme_parse(longline, sizeof(longline), "t", "t.theme", &t,
                             err, sizeof(err)));
    assert_string_equal(err, "t.theme:1: line too long");
}

static void test_load_errors(void **state)
{
    (void)state;
    const char *dirs[] = { "/nonexistent-a", "/nonexistent-b", NULL };
    struct theme t;
    char err[512];
    assert_false(theme_load("nosuch", dirs, &t, err, sizeof(err)));
    assert_string_equal(err, "no theme 'nosuch' (looked in /nonexistent-a, "
                             "/nonexistent-b)");
    assert_false(
        theme_load("/nonexistent-c/x.theme", dirs, &t, err, sizeof(err)));
    assert_string_equal(err,
                        "/nonexistent-c/x.theme: No such file or directory");
    assert_false(theme_load("", dirs, &t, err, sizeof(err)));
    /* Built in even without files. */
    assert_true(theme_load("default", dirs, &t, err, sizeof(err)));
    assert_true(theme_load("monochrome", dirs, &t, err, sizeof(err)));
    assert_true(t.monochrome);
    assert_string_equal(theme_role_name(ROLE_FIELD_ERROR), "field_error");
    assert_string_equal(theme_role_name(TUI_ROLE_COUNT), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_file_matches_builtin),
        cmocka_unit_test(test_shipped_themes_parse),
        cmocka_unit_test(test_parse_values),
        cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_load_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
