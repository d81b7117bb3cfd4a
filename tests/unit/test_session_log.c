/* sim/session_log: the start and end lines of the sessions fuota serve
 * plays, driven by a test clock (no thread). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim/session_log.h"
#include "sim/store.h"

static void test_durations(void **state)
{
    (void)state;
    const struct {
        int64_t ms;
        const char *want;
    } rows[] = {
        { -5, "0 ms" },
        { 0, "0 ms" },
        { 999, "999 ms" },
        { 1000, "1.0 s" },
        { 12549, "12.5 s" },
        { 59999, "60.0 s" },
        { 60000, "1 min 00 s" },
        { 200000, "3 min 20 s" },
        { 3599999, "59 min 59 s" },
        { 3600000, "1 h 00 min 00 s" },
        { 7510000, "2 h 05 min 10 s" },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char buf[48];
        assert_string_equal(session_log_duration(rows[i].ms, buf, sizeof(buf)),
                            rows[i].want);
    }
}

static struct store_session_summary summary(const char *id, int64_t now,
                                            int64_t begin, int64_t end)
{
    struct store_session_summary s = { .task_id = id,
                                       .started_ms = now,
                                       .session_start_ms = begin,
                                       .session_end_ms = end,
                                       .simulated_ms = (end - begin) * 10 };
    return s;
}

/* The start line at once; each end line when the clock passes its end, in
 * end order, once. */
static void test_start_and_end_lines(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    struct session_log *log = session_log_new(out, NULL, NULL, 10, false);
    assert_non_null(log);
    struct store_session_summary a = summary("task-a", 1000, 11000, 191000);
    a.devices = 20;
    a.counts[BACKEND_DEVICE_SUCCESSFUL] = 16;
    a.counts[BACKEND_DEVICE_MISSING_FRAG] = 3;
    a.counts[BACKEND_DEVICE_CONFLICT] = 1;
    struct store_session_summary b = summary("task-b", 2000, 2000, 5000);
    b.devices = 1;
    b.counts[BACKEND_DEVICE_SUCCESSFUL] = 1;
    struct store_session_summary c = summary("task-c", 2000, 1000, 9000);
    session_log_started(log, &a);
    session_log_started(log, &b);
    session_log_started(log, &c);
    fflush(out);
    assert_string_equal(
        text,
        "fuota serve: task task-a started: session begins in 10.0 s, lasts "
        "30 min 00 s simulated (3 min 00 s real at time scale 10), 20 "
        "devices\n"
        "fuota serve: task task-b started: session begins now, lasts 30.0 s "
        "simulated (3.0 s real at time scale 10), 1 device\n"
        "fuota serve: task task-c started: session begins now, lasts 1 min "
        "20 s simulated (8.0 s real at time scale 10), 0 devices\n");
    size_t mark = len;
    assert_int_equal(session_log_poll(log, 4999), 5000);
    fflush(out);
    assert_int_equal(len, mark);
    assert_int_equal(session_log_poll(log, 9000), 191000);
    fflush(out);
    assert_string_equal(text + mark,
                        "fuota serve: task task-b session ended: 1 "
                        "Successful (1 device)\n"
                        "fuota serve: task task-c session ended (no "
                        "devices)\n");
    mark = len;
    assert_int_equal(session_log_poll(log, 191000), -1);
    fflush(out);
    assert_string_equal(text + mark,
                        "fuota serve: task task-a session ended: 3 "
                        "MissingFrag, 16 Successful, 1 "
                        "Device_exist_in_conflict_fuota_task (20 devices)\n");
    mark = len;
    assert_int_equal(session_log_poll(log, 999999), -1);
    fflush(out);
    assert_int_equal(len, mark);
    session_log_free(log);
    fclose(out);
    free(text);
}

/* The threaded log prints an end line by itself once its time has come. */
static int64_t test_now;

static int64_t test_clock(void *ctx)
{
    (void)ctx;
    return __atomic_load_n(&test_now, __ATOMIC_SEQ_CST);
}

static void test_thread_prints_the_end(void **state)
{
    (void)state;
    char path[] = "/tmp/test_session_log.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *out = fdopen(fd, "w+");
    assert_non_null(out);
    __atomic_store_n(&test_now, 1000, __ATOMIC_SEQ_CST);
    struct session_log *log = session_log_new(out, test_clock, NULL, 1, true);
    assert_non_null(log);
    struct store_session_summary a = summary("t", 1000, 1000, 2000);
    session_log_started(log, &a);
    __atomic_store_n(&test_now, 2000, __ATOMIC_SEQ_CST);
    /* poll the file, with a deadline of 10 s of 1 ms waits */
    bool seen = false;
    for (int i = 0; i < 10000 && !seen; i++) {
        char buf[512];
        fflush(out);
        ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
        buf[n > 0 ? n : 0] = '\0';
        seen = strstr(buf, "task t session ended") != NULL;
        if (!seen) {
            struct timespec ms = { 0, 1000000 };
            nanosleep(&ms, NULL);
        }
    }
    session_log_free(log);
    fclose(out);
    unlink(path);
    assert_true(seen);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_start_and_end_lines),
        cmocka_unit_test(test_thread_prints_the_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
