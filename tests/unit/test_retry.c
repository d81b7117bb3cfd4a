/* core/retry: which devices a follow-up task takes, its token and name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/retry.h"

static struct backend_task task(enum backend_task_status st, char *name)
{
    struct backend_task t;
    backend_task_init(&t);
    t.id = (char *)"f5be17b7-f441-42df-ac50-f174e08356e0";
    t.arn = (char *)"arn:aws:iotwireless:eu-west-1:123456789012:FuotaTask/x";
    t.status = st;
    t.name = name;
    t.rf_region = (char *)"EU868";
    t.firmware_update_image = (char *)"s3://bucket-1/fw.bin";
    t.firmware_update_role = (char *)"arn:aws:iam::123456789012:role/r";
    t.has_fragment_size_bytes = true;
    t.fragment_size_bytes = 48;
    t.has_redundancy_percent = true;
    t.redundancy_percent = 5;
    return t;
}

static void test_only_failures(void **state)
{
    (void)state;
    struct backend_task t = task(BACKEND_TASK_DONE, (char *)"fw-2");
    struct backend_device d[] = {
        { (char *)"a", BACKEND_DEVICE_SUCCESSFUL },
        { (char *)"b", BACKEND_DEVICE_MISSING_FRAG },
        { (char *)"c", BACKEND_DEVICE_MIC_ERROR },
        { (char *)"d", BACKEND_DEVICE_SUCCESSFUL },
        { (char *)"e", BACKEND_DEVICE_CONFLICT },
        { (char *)"f", BACKEND_DEVICE_INITIAL },
    };
    struct retry_plan p;
    assert_int_equal(retry_plan_make(&t, d, 6, &p), RETRY_OK);
    assert_int_equal(p.count, 4);
    assert_int_equal(p.total, 6);
    assert_int_equal(p.successful, 2);
    static const size_t want[] = { 1, 2, 4, 5 };
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(p.devices[i], want[i]);
    /* The same parameters, the plan's token, name and description. */
    assert_string_equal(p.request.firmware_update_image,
                        "s3://bucket-1/fw.bin");
    assert_true(p.request.has_fragment_size_bytes);
    assert_int_equal(p.request.fragment_size_bytes, 48);
    assert_int_equal(p.request.redundancy_percent, 5);
    assert_string_equal(p.request.rf_region, "EU868");
    assert_string_equal(p.request.name, "fw-2-retry");
    assert_ptr_equal(p.request.client_request_token, p.token);
    assert_non_null(strstr(p.request.description, "4 of 6 devices"));
    /* A valid request: the token has the service's pattern and length. */
    struct diag_list dl;
    diag_list_init(&dl);
    assert_true(task_validate(&p.request, &dl));
    diag_list_cleanup(&dl);
    retry_plan_cleanup(&p);
    retry_plan_cleanup(NULL);
}

static void test_token_is_derived(void **state)
{
    (void)state;
    char a[TASK_TOKEN_MAX + 1], b[TASK_TOKEN_MAX + 1], c[TASK_TOKEN_MAX + 1];
    retry_token("task-1", a, sizeof(a));
    retry_token("task-1", b, sizeof(b));
    retry_token("task-2", c, sizeof(c));
    assert_string_equal(a, b); /* twice: the same request, one task */
    assert_string_not_equal(a, c);
    assert_int_equal(strlen(a), strlen(RETRY_TOKEN_PREFIX) + 40);
    assert_true(strlen(a) <= TASK_TOKEN_MAX);
    /* SHA-256("task-1"), first 40 hex digits. */
    unsigned char h[32];
    char hex[65];
    crypto_hash_sha256(h, (const unsigned char *)"task-1", 6);
    sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
    assert_memory_equal(a + 6, hex, 40);
}

static void test_nothing_to_do(void **state)
{
    (void)state;
    struct backend_device ok[] = { { (char *)"a", BACKEND_DEVICE_SUCCESSFUL },
                                   { (char *)"b", BACKEND_DEVICE_SUCCESSFUL } };
    struct backend_task t = task(BACKEND_TASK_DONE, NULL);
    struct retry_plan p;
    assert_int_equal(retry_plan_make(&t, ok, 2, &p), RETRY_NOTHING);
    assert_int_equal(p.count, 0);
    assert_int_equal(p.successful, 2);
    assert_null(p.devices);
    assert_int_equal(retry_plan_make(&t, ok, 0, &p), RETRY_NO_DEVICES);
    static const enum backend_task_status running[] = {
        BACKEND_TASK_PENDING, BACKEND_TASK_SESSION_WAITING,
        BACKEND_TASK_IN_SESSION, BACKEND_TASK_DELETE_WAITING
    };
    struct backend_device bad[] = { { (char *)"a",
                                      BACKEND_DEVICE_MISSING_FRAG } };
    for (size_t i = 0; i < 4; i++) {
        t.status = running[i];
        assert_int_equal(retry_plan_make(&t, bad, 1, &p), RETRY_NOT_FINISHED);
    }
    assert_string_equal(retry_status_message(RETRY_NOT_FINISHED),
                        "the task has not finished: its devices have no "
                        "final status yet");
}

static void test_names(void **state)
{
    (void)state;
    struct backend_device d[] = { { (char *)"a",
                                    BACKEND_DEVICE_MISSING_FRAG } };
    struct retry_plan p;
    /* No name: from the id. */
    struct backend_task t = task(BACKEND_TASK_DONE, NULL);
    assert_int_equal(retry_plan_make(&t, d, 1, &p), RETRY_OK);
    assert_string_equal(p.name, "retry-f5be17b7");
    retry_plan_cleanup(&p);
    /* 256 characters of "é": cut so that "-retry" fits 256 characters. */
    char name[600] = "";
    for (int i = 0; i < 256; i++)
        memcpy(name + 2 * i, "\xc3\xa9", 2);
    t = task(BACKEND_TASK_DONE, name);
    assert_int_equal(retry_plan_make(&t, d, 1, &p), RETRY_OK);
    assert_int_equal(task_utf8_length(p.name, strlen(p.name)), 256);
    assert_non_null(strstr(p.name, "-retry"));
    retry_plan_cleanup(&p);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_only_failures),
        cmocka_unit_test(test_token_is_derived),
        cmocka_unit_test(test_nothing_to_do),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
