#ifndef FUOTA_TUI_THEME_H
#define FUOTA_TUI_THEME_H

/*
 * Colour themes: text files of lines
 *
 *     color ROLE FG BG [ATTR...]      # a comment
 *
 * (tig's tigrc colour lines). ROLE is one of TUI_ROLES below; FG and BG
 * are `default`, a colour name (black red green yellow blue magenta cyan
 * white, and bright-NAME) or a number 0..255; ATTRs are bold, dim,
 * reverse, underline, standout, blink and normal. Roles a file
 * leaves out keep the built-in default theme's look. Screens ask for a
 * role, never a colour (../shared/spec/console.md, "Conventions").
 *
 * Monochrome (NO_COLOR set, a terminal without colours, or the theme
 * "monochrome") uses attributes only, so meaning never rides on colour.
 *
 * Parsing is pure (theme_parse); only theme_apply touches curses.
 */

#include <stdbool.h>
#include <stddef.h>

#define TUI_ROLES(X)                                                           \
    X(ROLE_NORMAL, "normal")                                                   \
    X(ROLE_DIM, "dim")                                                         \
    X(ROLE_TITLE, "title")                                                     \
    X(ROLE_FOCUS, "focus")                                                     \
    X(ROLE_FIELD, "field")                                                     \
    X(ROLE_FIELD_ERROR, "field_error")                                         \
    X(ROLE_FIELD_WARNING, "field_warning")                                     \
    X(ROLE_OK, "ok")                                                           \
    X(ROLE_ALARM, "alarm")                                                     \
    X(ROLE_LIVE_BADGE, "live_badge")                                           \
    X(ROLE_SIM_BADGE, "sim_badge")                                             \
    X(ROLE_CHART_1, "chart_1")                                                 \
    X(ROLE_CHART_2, "chart_2")                                                 \
    X(ROLE_CHART_3, "chart_3")                                                 \
    X(ROLE_CHART_4, "chart_4")                                                 \
    X(ROLE_CHART_5, "chart_5")                                                 \
    X(ROLE_CHART_6, "chart_6")                                                 \
    X(ROLE_BAND, "band")                                                       \
    X(ROLE_HEADER, "header")                                                   \
    X(ROLE_BORDER, "border")                                                   \
    X(ROLE_HINT_KEY, "hint_key")                                               \
    X(ROLE_HINT, "hint")                                                       \
    X(ROLE_SELECTED, "selected")

enum tui_role {
#define X(id, name) id,
    TUI_ROLES(X)
#undef X
        TUI_ROLE_COUNT
};

/* Attribute flags of a role (mapped onto curses A_* by theme_apply). */
enum {
    THEME_BOLD = 1u << 0,
    THEME_DIM = 1u << 1,
    THEME_REVERSE = 1u << 2,
    THEME_UNDERLINE = 1u << 3,
    THEME_STANDOUT = 1u << 4,
    THEME_BLINK = 1u << 5,
};

#define THEME_DEFAULT_COLOR (-1)

struct theme_style {
    short fg, bg; /* THEME_DEFAULT_COLOR or 0..255 */
    unsigned attrs;
};

#define THEME_NAME_MAX 64

struct theme {
    char name[THEME_NAME_MAX];
    bool monochrome; /* attributes only */
    struct theme_style role[TUI_ROLE_COUNT];
};

/* "normal", "field_error", ...; "" out of range. */
const char *theme_role_name(enum tui_role role);

/* The built-in themes (always available, no file needed). */
void theme_default(struct theme *out);
void theme_monochrome(struct theme *out);

/*
 * Parses a theme file's text over the default theme into *out, named
 * `name`. On the first bad line returns false with "FILE:LINE: reason"
 * in err (file as given) and *out unspecified.
 */
bool theme_parse(const char *text, size_t len, const char *name,
                 const char *file, struct theme *out, char *err, size_t errsize)
    __attribute__((warn_unused_result));

/*
 * Loads theme NAME: "default" and "monochrome" are built in (a file of
 * that name in a search directory wins); a NAME with a '/' is a path;
 * otherwise NAME.theme is looked for in each of the NULL-terminated
 * `dirs` in turn. False with the reason in err ("no theme 'x' (looked in
 * ...)", or the parse error with file and line).
 */
bool theme_load(const char *name, const char *const *dirs, struct theme *out,
                char *err, size_t errsize) __attribute__((warn_unused_result));

/*
 * Makes *t the colours of the running curses screen (after initscr /
 * start_color). With use_color false (or a theme marked monochrome, or a
 * terminal without colours) the monochrome attributes are used.
 */
void theme_apply(const struct theme *t, bool use_color);

/* The curses attributes (with the colour pair) of a role under the
 * applied theme, for wattrset / set_field_back. */
int theme_attr(enum tui_role role);

/* The name of the applied theme ("default", "monochrome", ...). */
const char *theme_applied_name(void);

#endif
