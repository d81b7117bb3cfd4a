#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/diag.h"

static void test_add_and_find(void **state)
{
    (void)state;
    struct diag_list l;
    diag_list_init(&l);
    assert_false(diag_has_errors(&l));
    diag_add(&l, DIAG_WARNING, "Name", "console-name", "w %d", 1);
    assert_false(diag_has_errors(&l));
    for (int i = 0; i < 20; i++)
        diag_add(&l, DIAG_ERROR, "Tags[3].Key", "min-length",
                 "length %d is below the minimum 1", 0);
    assert_true(diag_has_errors(&l));
    assert_int_equal(l.count, 21);
    assert_int_equal(diag_count(&l, DIAG_ERROR), 20);
    assert_int_equal(diag_count(&l, DIAG_WARNING), 1);
    const struct diag *d = diag_find(&l, "Tags[3].Key", "min-length");
    assert_non_null(d);
    char buf[512];
    assert_string_equal(diag_format(d, buf, sizeof(buf)),
                        "Tags[3].Key: length 0 is below the minimum 1");
    assert_null(diag_find(&l, "Tags[3].Key", "max-length"));
    assert_string_equal(diag_severity_name(DIAG_WARNING), "warning");
    diag_list_clear(&l);
    assert_int_equal(l.count, 0);
    diag_list_cleanup(&l);
    diag_list_cleanup(NULL);
}

static void test_long_message_is_cut_not_overflowed(void **state)
{
    (void)state;
    struct diag_list l;
    diag_list_init(&l);
    char big[2000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    diag_add(&l, DIAG_ERROR, big, big, "%s", big);
    assert_int_equal(strlen(l.items[0].message), DIAG_MESSAGE_MAX - 1);
    assert_int_equal(strlen(l.items[0].path), DIAG_PATH_MAX - 1);
    char buf[64];
    assert_int_equal(strlen(diag_format(&l.items[0], buf, sizeof(buf))), 63);
    diag_list_cleanup(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_and_find),
        cmocka_unit_test(test_long_message_is_cut_not_overflowed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
