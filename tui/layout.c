#include "tui/layout.h"

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

void layout_frame(int lines, int cols, struct tui_frame_layout *out)
{
    *out = (struct tui_frame_layout){ 0 };
    out->too_small = lines < TUI_MIN_LINES || cols < TUI_MIN_COLS;
    if (out->too_small)
        return;
    out->header = (struct tui_rect){ 0, 0, 1, cols };
    out->body = (struct tui_rect){ 1, 0, lines - 3, cols };
    out->message = (struct tui_rect){ lines - 2, 0, 1, cols };
    out->hints = (struct tui_rect){ lines - 1, 0, 1, cols };
}

void layout_wizard(const struct tui_rect *body, struct wizard_layout *out)
{
    *out = (struct wizard_layout){ 0 };
    out->split = body->w >= TUI_SPLIT_COLS;
    if (out->split) {
        /* The preview's figures need about 48 columns; the form gets the
         * rest, for long values such as S3 URIs. */
        int pw = clamp(body->w * 2 / 5, 48, 64);
        out->form =
            (struct tui_rect){ body->y, body->x, body->h, body->w - pw };
        out->preview =
            (struct tui_rect){ body->y, body->x + body->w - pw, body->h, pw };
        return;
    }
    out->form = (struct tui_rect){ body->y, body->x, body->h - 2, body->w };
    out->strip =
        (struct tui_rect){ body->y + body->h - 2, body->x, 2, body->w };
}

#define FORM_INDENT  3
#define FORM_LABEL_W 20

void layout_form_row(int inner_w, int want, struct form_columns *out)
{
    int diag_min = 12;
    out->label_x = FORM_INDENT;
    out->label_w = FORM_LABEL_W;
    out->field_x = FORM_INDENT + FORM_LABEL_W + 1; /* after '[' */
    int room = inner_w - out->field_x - 1 /* ']' */ - 1 /* gap */;
    int w = want > 0 ? want : room - diag_min;
    if (want <= 0 && w > 48)
        w = 48 + (w - 48) / 3; /* wide screens: give the rest to messages */
    out->field_w = clamp(w, 1, room > 1 ? room : 1);
    out->diag_x = out->field_x + out->field_w + 2;
    out->diag_w = inner_w - out->diag_x;
    if (out->diag_w < 0)
        out->diag_w = 0;
}

int layout_scroll(int first, int focus, int visible, int total)
{
    if (visible <= 0 || total <= visible)
        return 0;
    if (focus < first)
        first = focus;
    else if (focus >= first + visible)
        first = focus - visible + 1;
    return clamp(first, 0, total - visible);
}

struct tui_rect layout_center(const struct tui_rect *area, int h, int w)
{
    if (h > area->h)
        h = area->h;
    if (w > area->w)
        w = area->w;
    return (struct tui_rect){ area->y + (area->h - h) / 2,
                              area->x + (area->w - w) / 2, h, w };
}
