/* tui/table (column layout) and tui/advice (errors explained per
 * operation): pure logic of the tasks screens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tui/app.h"
#include "tui/table.h"

/* name 10..20 rank 0, id 8..36 rank 0, status 6..10 rank 1,
 * size 4..5 rank 2 (right), note 4..12 rank 2 */
static const struct table_column cols[] = {
    { "NAME", 10, 20, 0, false },  { "ID", 8, 36, 0, false },
    { "STATUS", 6, 10, 1, false }, { "SIZE", 4, 5, 2, true },
    { "NOTE", 4, 12, 2, false },
};
#define N (sizeof(cols) / sizeof(cols[0]))
/* minimums 10 + 8 + 6 + 4 + 4 = 32, gaps 4 x 2 = 8: 40 */

struct want {
    int width;
    bool shown[N];
    int w[N];
};

static void test_layout_table(void **state)
{
    (void)state;
    static const struct want cases[] = {
        /* everything at its wanted width: 83 + 8 gaps = 91 */
        { 200, { 1, 1, 1, 1, 1 }, { 20, 36, 10, 5, 12 } },
        { 91, { 1, 1, 1, 1, 1 }, { 20, 36, 10, 5, 12 } },
        /* one column less room: the last of the highest rank is short */
        { 90, { 1, 1, 1, 1, 1 }, { 20, 36, 10, 5, 11 } },
        /* exactly the minimums */
        { 40, { 1, 1, 1, 1, 1 }, { 10, 8, 6, 4, 4 } },
        /* one short: NOTE (rank 2, rightmost) goes, its room widens the
         * rest from rank 0 on */
        { 39, { 1, 1, 1, 1, 0 }, { 15, 8, 6, 4, 0 } },
        /* then SIZE (the other rank 2), then STATUS */
        { 33, { 1, 1, 1, 0, 0 }, { 15, 8, 6, 0, 0 } },
        { 29, { 1, 1, 1, 0, 0 }, { 11, 8, 6, 0, 0 } },
        { 28, { 1, 1, 1, 0, 0 }, { 10, 8, 6, 0, 0 } },
        { 27, { 1, 1, 0, 0, 0 }, { 17, 8, 0, 0, 0 } },
        /* rank 0 stays, cut from the right to fit */
        { 20, { 1, 1, 0, 0, 0 }, { 10, 8, 0, 0, 0 } },
        { 15, { 1, 1, 0, 0, 0 }, { 10, 3, 0, 0, 0 } },
        { 4, { 1, 1, 0, 0, 0 }, { 1, 1, 0, 0, 0 } },
        { 0, { 1, 1, 0, 0, 0 }, { 1, 1, 0, 0, 0 } },
        { -5, { 1, 1, 0, 0, 0 }, { 1, 1, 0, 0, 0 } },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct table_place p[N];
        size_t shown = table_layout(cols, N, cases[i].width, 2, p);
        size_t expect_shown = 0;
        int x = 0;
        for (size_t c = 0; c < N; c++) {
            assert_int_equal(p[c].shown, cases[i].shown[c]);
            assert_int_equal(p[c].w, cases[i].w[c]);
            if (!p[c].shown)
                continue;
            expect_shown++;
            assert_int_equal(p[c].x, x);
            x += p[c].w + 2;
        }
        assert_int_equal(shown, expect_shown);
        /* What is shown fits whenever the rank-0 minimum cut allows. */
        if (cases[i].width >= 4)
            assert_true(x - 2 <= cases[i].width);
    }
}

static void test_layout_no_gap(void **state)
{
    (void)state;
    struct table_place p[N];
    assert_int_equal(table_layout(cols, N, 32, 0, p), N);
    assert_int_equal(p[4].x, 28);
    assert_int_equal(table_layout(cols, N, 32, -3, p), N);
    assert_int_equal(table_layout(cols, 0, 80, 2, p), 0);
}

/* An error as the backend reports it. */
static struct backend_error error_of(enum backend_status s, const char *msg)
{
    struct backend_error e;
    backend_error_clear(&e);
    e.status = s;
    e.http_status = backend_status_http(s);
    snprintf(e.type, sizeof(e.type), "%s", backend_status_type(s));
    snprintf(e.message, sizeof(e.message), "%s", msg);
    return e;
}

static const enum tui_op ops[] = {
    TUI_OP_CREATE, TUI_OP_LIST,  TUI_OP_GET,       TUI_OP_UPDATE,
    TUI_OP_DELETE, TUI_OP_START, TUI_OP_ASSOCIATE, TUI_OP_DISASSOCIATE,
};

static void test_advice_every_status(void **state)
{
    (void)state;
    for (size_t o = 0; o < sizeof(ops) / sizeof(ops[0]); o++)
        for (int s = BACKEND_VALIDATION; s <= BACKEND_NO_MEMORY; s++) {
            struct backend_error e = error_of((enum backend_status)s, "x");
            struct advice a;
            tui_explain(ops[o], &e, &a);
            assert_true(strlen(a.title) > 5);
            assert_true(strlen(a.text) > 10);
            /* The title keeps the service's error type. */
            assert_non_null(strstr(a.title, e.type));
        }
    assert_string_equal(tui_error_advice(BACKEND_OK), "");
    /* A submit's explanation is core/advice's, word for word. */
    for (int s = BACKEND_VALIDATION; s <= BACKEND_NO_MEMORY; s++) {
        struct backend_error e = error_of((enum backend_status)s, "");
        e.type[0] = '\0';
        struct advice core;
        advice_explain(&e, &core);
        assert_string_equal(tui_error_advice((enum backend_status)s),
                            core.text);
    }
}

/* The same status means different things per operation. */
static void test_advice_per_operation(void **state)
{
    (void)state;
    static const struct {
        enum tui_op op;
        enum backend_status status;
        const char *message;
        const char *says;
    } cases[] = {
        { TUI_OP_CREATE, BACKEND_CONFLICT,
          "ClientRequestToken t was already used", "A token names one task" },
        { TUI_OP_START, BACKEND_CONFLICT, "in status FuotaDone",
          "not Pending" },
        { TUI_OP_UPDATE, BACKEND_CONFLICT, "", "no longer Pending" },
        { TUI_OP_ASSOCIATE, BACKEND_CONFLICT, "", "no longer Pending" },
        { TUI_OP_DISASSOCIATE, BACKEND_CONFLICT, "", "no longer Pending" },
        { TUI_OP_DELETE, BACKEND_CONFLICT, "", "deleting already" },
        { TUI_OP_START, BACKEND_NOT_FOUND, "", "deleted meanwhile" },
        { TUI_OP_DELETE, BACKEND_NOT_FOUND, "", "deleted meanwhile" },
        { TUI_OP_GET, BACKEND_NOT_FOUND, "", "deleted meanwhile" },
        { TUI_OP_UPDATE, BACKEND_NOT_FOUND, "", "deleted meanwhile" },
        { TUI_OP_ASSOCIATE, BACKEND_NOT_FOUND, "", "deleted meanwhile" },
        { TUI_OP_DISASSOCIATE, BACKEND_NOT_FOUND, "", "not associated" },
        { TUI_OP_LIST, BACKEND_NOT_FOUND, "", "Check the id" },
        { TUI_OP_CREATE, BACKEND_NOT_FOUND, "", "Check the id" },
        { TUI_OP_START, BACKEND_VALIDATION, "", "StartTime" },
        { TUI_OP_ASSOCIATE, BACKEND_VALIDATION, "", "device or group id" },
        { TUI_OP_UPDATE, BACKEND_VALIDATION,
          "Value 'x' at 'name' failed to satisfy constraint",
          "The member is 'name'" },
        { TUI_OP_START, BACKEND_THROTTLED, "", "throttl" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct backend_error e = error_of(cases[i].status, cases[i].message);
        struct advice a;
        tui_explain(cases[i].op, &e, &a);
        if (!strstr(a.text, cases[i].says) && !strstr(a.title, cases[i].says))
            fail_msg("case %zu: '%s' / '%s' lacks '%s'", i, a.title, a.text,
                     cases[i].says);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_table),
        cmocka_unit_test(test_layout_no_gap),
        cmocka_unit_test(test_advice_every_status),
        cmocka_unit_test(test_advice_per_operation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
