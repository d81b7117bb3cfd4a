/* tui/draft: the draft is replaced whole on every put, fsynced in the
 * background, and a failed put leaves the old draft and no temporary. */
#include <dirent.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tui/draft.h"
#include "tui/files.h"

static char dir[] = "/tmp/fuota-draft-XXXXXX";

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *read_all(const char *path)
{
    char err[256];
    size_t len;
    return files_read(path, 1 << 20, &len, err, sizeof(err));
}

static size_t entries(const char *d)
{
    DIR *dp = opendir(d);
    size_t n = 0;
    struct dirent *e;
    while (dp && (e = readdir(dp)))
        n += e->d_name[0] != '.';
    if (dp)
        closedir(dp);
    return n;
}

static void test_put_replaces_and_syncs(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof(path), "%s/draft.json", dir);
    struct draft *d = draft_new(path);
    assert_non_null(d);
    char err[256];
    for (int i = 0; i < 50; i++) {
        char text[64];
        int n = snprintf(text, sizeof(text), "{\"n\":%d}", i);
        assert_true(draft_put(d, text, (size_t)n, err, sizeof(err)));
        /* Readable whole right after the put (a kill -9 now keeps it). */
        char *got = read_all(path);
        assert_non_null(got);
        assert_string_equal(got, text);
        free(got);
    }
    /* The syncer catches up: at least one fsync, at most one per put.
     * Poll with a deadline; never a fixed sleep. */
    time_t deadline = time(NULL) + 20;
    while (draft_synced(d) == 0 && time(NULL) < deadline)
        sched_yield();
    assert_true(draft_synced(d) >= 1);
    assert_true(draft_synced(d) <= 50);
    draft_free(d);
    /* No temporary left behind: just the draft. */
    assert_int_equal(entries(dir), 1);
    draft_free(NULL);
}

static void test_put_fails_cleanly(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof(path), "%s/missing/draft.json", dir);
    struct draft *d = draft_new(path);
    assert_non_null(d);
    char err[512];
    assert_false(draft_put(d, "x", 1, err, sizeof(err)));
    assert_non_null(strstr(err, "missing/draft.json: No such file or "
                                "directory"));
    draft_free(d);
    /* A folder where the draft should be: refused, nothing left. */
    char sub[256];
    snprintf(sub, sizeof(sub), "%s/adir", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    d = draft_new(sub);
    assert_false(draft_put(d, "x", 1, err, sizeof(err)));
    assert_non_null(strstr(err, "adir"));
    draft_free(d);
    struct stat st;
    assert_int_equal(stat(sub, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_replaces_and_syncs),
        cmocka_unit_test(test_put_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
