#ifndef FUOTA_TUI_APP_H
#define FUOTA_TUI_APP_H

/*
 * Inside the console: the application state every screen shares and the
 * screen contract (style.md, "The TUI"; tig's view_driver, htop's Panel).
 *
 * One loop (app.c): read a key with a timeout -> the screen's keymap,
 * then the global one -> an action -> screen->handle(). Screens never
 * read keys or sleep. Then, when anything changed, draw from state: the
 * frame (header, message line, hints bar), the screens of the stack from
 * the lowest visible one up (an overlay is drawn over the screen below
 * it), each window with wnoutrefresh, and one doupdate.
 *
 * Threads: everything here belongs to the UI thread. Work that may take
 * time (a submit, a simulation) runs on its own thread and is polled from
 * the screen's tick(), which the loop calls on every turn (at least five
 * times a second, thirty while tui_busy() is set).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "tui/action.h"
#include "tui/keymap.h"
#include "tui/layout.h"
#include "tui/model.h"
#include "tui/theme.h"
#include "tui/tui.h"

struct tui;
struct draft;

enum tui_msg_kind { MSG_INFO, MSG_OK, MSG_WARNING, MSG_ERROR };

/* What a screen receives with an action. */
struct tui_input {
    int key;     /* the key (TUI_FN() for function keys) */
    int mouse_y; /* ACT_CLICK: screen coordinates */
    int mouse_x;
    bool mouse_double;
};

struct tui_screen {
    const char *name; /* "wizard": the header and the help overlay */
    bool overlay;     /* drawn over the screen below (dialogs, help) */
    const struct tui_keymap *keymap;
    const enum tui_action *hints; /* the hints bar, in order */
    size_t hint_count;
    /* Pushed on the stack / popped off it (may be NULL). */
    void (*enter)(struct tui *t);
    void (*leave)(struct tui *t);
    /* The body rect changed (also right after enter); make windows. */
    void (*layout)(struct tui *t, const struct tui_rect *body);
    /* Draw into the screen's windows and wnoutrefresh them. */
    void (*draw)(struct tui *t);
    /* One action. Screens change state, push/pop, or set messages. */
    void (*handle)(struct tui *t, enum tui_action a,
                   const struct tui_input *in);
    /* Whether printable keys are text right now (may be NULL = no). */
    bool (*text_focus)(struct tui *t);
    /* Places the terminal cursor last (may be NULL = hidden). */
    void (*cursor)(struct tui *t);
    /* Called every turn of the loop (may be NULL). */
    void (*tick)(struct tui *t);
    /* The message line when no message is set: e.g. the focused field's
     * diagnostic (may be NULL). */
    void (*status)(struct tui *t, char *buf, size_t size,
                   enum tui_msg_kind *kind);
    bool counts; /* show the request's error and warning counts */
};

#define TUI_STACK_MAX 8
#define TUI_MSG_MAX   512

struct tui {
    const struct tui_config *cfg;
    struct tui_target target;
    struct model model;

    const struct tui_screen *stack[TUI_STACK_MAX];
    int depth;

    int lines, cols;
    struct tui_frame_layout frame;
    WINDOW *header, *message, *hints, *input;

    char msg[TUI_MSG_MAX];
    enum tui_msg_kind msg_kind;
    bool msg_sticky; /* keep it over the focused field's diagnostic */

    char draft_path[4096];
    struct draft *draft; /* the writer, made on the first change */
    bool quit;
    bool redraw;   /* draw on the next turn */
    bool relayout; /* sizes changed: lay out every screen */
    int busy;      /* > 0: animate (a spinner, a playback) */
    unsigned long tick_count;
};

/* --- the screen stack --------------------------------------------------- */

/* Pushes a screen (enter, then layout). False when the stack is full. */
bool tui_push(struct tui *t, const struct tui_screen *s);
/* Pops the top screen (leave); the last screen is never popped. */
void tui_pop(struct tui *t);
const struct tui_screen *tui_top(const struct tui *t);
/* The body rect every full screen lays out in. */
const struct tui_rect *tui_body(const struct tui *t);

/* --- messages ----------------------------------------------------------- */

/* The message line (printf format). A sticky message stays until the
 * next action; otherwise the focused field's diagnostic replaces it. */
void tui_message(struct tui *t, enum tui_msg_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void tui_message_clear(struct tui *t);

/* Asks for a redraw / an animation frame rate while busy > 0. */
void tui_want_redraw(struct tui *t);
void tui_busy(struct tui *t, bool on);

/* A spinner frame for work in progress ("⠋", or "|/-\" in ASCII). */
const char *tui_spinner(const struct tui *t);

/* --- shared actions ----------------------------------------------------- */

/* Model changed: refresh it, write the draft, redraw. */
void tui_model_changed(struct tui *t);
/* Saves the request to path (atomically); message on the line. */
bool tui_save_request(struct tui *t, const char *path);
/* F2: save to the current file, or ask for one. */
void tui_save(struct tui *t);

/* --- screens ------------------------------------------------------------ */

extern const struct tui_screen wizard_screen;
extern const struct tui_screen review_screen;
extern const struct tui_screen tags_screen;
extern const struct tui_screen help_screen;
extern const struct tui_screen dialog_screen;

/* F8: the target panel (needs tui_config.switch_target). */
void tui_target_panel(struct tui *t);

/* Waits for every submission still in flight (before the backend goes). */
void review_join_all(void);

/*
 * What a backend error means for the operator and what to do next, in
 * plain words (one or two sentences); "" for BACKEND_OK. Every screen that
 * calls the backend explains failures with it, above the raw AWS type and
 * message (backend_error_format).
 */
const char *tui_error_advice(enum backend_status s);

/*
 * Opens the playback of a request's session to a virtual fleet (F5 from
 * the wizard, or a task's session from the tasks screen): the settings
 * panel first, then the live view. request is copied; title names it in
 * the header ("fw-2.1.0-meters", a task id). image_bytes 0 = ask.
 */
void tui_open_playback(struct tui *t, const struct fuota_task *request,
                       uint64_t image_bytes, const char *title);

#endif
