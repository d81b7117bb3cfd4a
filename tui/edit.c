#include "tui/edit.h"

#include <stdlib.h>
#include <string.h>

#include "tui/keymap.h"

FIELD *edit_field_new(int y, int x, int w, int max, const char *value)
{
    FIELD *f = new_field(1, w, y, x, 0, 0);
    if (!f)
        return NULL;
    field_opts_off(f, O_AUTOSKIP | O_BLANK | O_STATIC | O_WRAP);
    field_opts_on(f, O_NULLOK);
    set_max_field(f, max);
    set_field_buffer(f, 0, value ? value : "");
    return f;
}

FORM *edit_form_over(WINDOW *win, WINDOW *sub, FIELD **fields, int y, int x,
                     int w, int max, const char *value)
{
    fields[0] = edit_field_new(y, x, w, max, value);
    fields[1] = NULL;
    if (!fields[0])
        return NULL;
    FORM *form = new_form(fields);
    if (!form) {
        free_field(fields[0]);
        fields[0] = NULL;
        return NULL;
    }
    set_form_win(form, win);
    set_form_sub(form, sub);
    set_field_back(fields[0], (chtype)theme_attr(ROLE_FOCUS));
    post_form(form);
    form_driver(form, REQ_END_LINE);
    return form;
}

bool edit_apply(FORM *form, enum tui_action a, int key)
{
    int req;
    switch (a) {
    case ACT_TEXT:
        form_driver_w(form, OK, (wchar_t)key);
        return true;
    case ACT_LEFT:
        req = REQ_PREV_CHAR;
        break;
    case ACT_RIGHT:
        req = REQ_NEXT_CHAR;
        break;
    case ACT_HOME:
        req = REQ_BEG_LINE;
        break;
    case ACT_END:
        req = REQ_END_LINE;
        break;
    case ACT_BACKSPACE:
        req = REQ_DEL_PREV;
        break;
    case ACT_DELETE_CHAR:
        req = REQ_DEL_CHAR;
        break;
    case ACT_CLEAR:
        req = REQ_CLR_FIELD;
        break;
    default:
        return false;
    }
    form_driver(form, req);
    return true;
}

char *edit_value(FORM *form, FIELD *field)
{
    form_driver(form, REQ_VALIDATION);
    const char *buf = field_buffer(field, 0);
    if (!buf)
        return strdup("");
    size_t n = strlen(buf);
    while (n && buf[n - 1] == ' ')
        n--;
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    memcpy(out, buf, n);
    out[n] = '\0';
    return out;
}

void edit_form_free(FORM *form)
{
    if (!form)
        return;
    FIELD **fields = form_fields(form);
    int count = field_count(form);
    unpost_form(form);
    free_form(form);
    for (int i = 0; i < count; i++)
        free_field(fields[i]);
}
