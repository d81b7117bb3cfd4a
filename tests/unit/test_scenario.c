/*
 * sim/scenario: every directive read, every bad line refused with its file
 * and line, outages turned into dropped fragments, the scenario applied to
 * fleet parameters, finding by name and path, listing, and every shipped
 * scenario (scenarios/ of the source tree) parsing and playing the same
 * for a seed.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim/scenario.h"

static enum scenario_status parse(const char *text, struct scenario *s,
                                  char *msg, size_t size)
{
    return scenario_parse(text, strlen(text), "t.scenario", s, msg, size);
}

static void test_every_directive(void **state)
{
    (void)state;
    const char *text = "# a comment\n"
                       "\n"
                       "story First sentence. Second\r\n"
                       "  story   one more line  \n"
                       "devices 250\n"
                       "image-size 5000\n"
                       "loss 20\n"
                       "burst 3\n"
                       "spread 10.5\n"
                       "shared-loss 1\n"
                       "late-join 4\n"
                       "drop 7,3\n"
                       "outage 10min 10min\n"
                       "outage 90 1.5h\n"
                       "max-frags 1000\n"
                       "max-frag-size 48\n"
                       "max-lost 12\n"
                       "device-memory 65536\n"
                       "fault mic-error 5\n"
                       "fault wrong-descriptor 0\n";
    struct scenario s;
    scenario_init(&s);
    char msg[512];
    assert_int_equal(parse(text, &s, msg, sizeof(msg)), SCENARIO_OK);
    assert_string_equal(s.name, "t");
    assert_string_equal(s.story, "First sentence. Second one more line");
    assert_string_equal(s.summary, "First sentence.");
    assert_int_equal(s.devices, 250);
    assert_int_equal(s.image_size, 5000);
    assert_true(fabs(s.loss.loss - 0.2) < 1e-12);
    assert_true(s.loss.burst == 3.0);
    assert_true(fabs(s.loss.spread - 0.105) < 1e-12);
    assert_true(fabs(s.loss.shared_loss - 0.01) < 1e-12);
    assert_int_equal(s.loss.late_join, 4);
    assert_int_equal(s.drop_count, 2);
    assert_int_equal(s.drop[0], 7);
    assert_ptr_equal(s.loss.drop, s.drop);
    assert_int_equal(s.outage_count, 2);
    assert_true(s.outages[0].at_s == 600.0 && s.outages[0].for_s == 600.0);
    assert_true(s.outages[1].at_s == 90.0 && s.outages[1].for_s == 5400.0);
    assert_int_equal(s.limits.max_fragments, 1000);
    assert_int_equal(s.limits.max_frag_size, 48);
    assert_int_equal(s.limits.max_lost, 12);
    assert_int_equal(s.limits.memory_bytes, 65536);
    assert_true(fabs(s.faults.share[FAULT_MIC_ERROR] - 0.05) < 1e-12);
    assert_true(s.fault_given[FAULT_WRONG_DESCRIPTOR]);
    assert_false(s.fault_given[FAULT_PACKAGE_NOT_SUPPORTED]);
    assert_int_equal(s.line[SCN_STORY], 4);
    assert_int_equal(s.line[SCN_DEVICES], 5);
    for (int d = 0; d < SCN_COUNT; d++)
        assert_true(scenario_has(&s, (enum scenario_directive)d));
    scenario_cleanup(&s);
    /* Only a story: nothing else is set. */
    assert_int_equal(parse("story Alone.", &s, msg, sizeof(msg)), SCENARIO_OK);
    assert_true(scenario_has(&s, SCN_STORY));
    assert_false(scenario_has(&s, SCN_DEVICES));
    assert_false(scenario_has(&s, (enum scenario_directive)99));
    assert_string_equal(s.summary, "Alone.");
    scenario_cleanup(&s);
    assert_string_equal(scenario_directive_name(SCN_MAX_LOST), "max-lost");
    assert_string_equal(scenario_directive_name(SCN_COUNT), "unknown");
}

/* Every bad line: refused, named with file and line, the struct empty. */
static void test_bad_lines(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *msg; /* the whole message, after "t.scenario:" */
    } cases[] = {
        { "story s\nlossy 5\n", "2: 'lossy' is not a directive (story, " },
        { "story s\nloss\n", "2: loss needs a value" },
        { "story s\nloss 110\n",
          "2: loss: '110' is not a percentage from 0 to 100" },
        { "story s\nloss 5%\n", "2: loss: '5%' is not a percentage" },
        { "story s\nloss -1\n", "2: loss: '-1' is not a percentage" },
        { "story s\nloss 1e1\n", "2: loss: '1e1' is not a percentage" },
        { "story s\nloss 5 6\n", "2: loss takes one value" },
        { "story s\nloss 5\nloss 6\n",
          "3: loss is given twice (first on line 2)" },
        { "story s\ndevices 0\n",
          "2: devices: '0' is not a whole number from 1 to 10000000" },
        { "story s\ndevices 10000001\n", "2: devices: '10000001' is not" },
        { "story s\ndevices 2.5\n", "2: devices: '2.5' is not" },
        { "story s\nimage-size 4177666\n", "2: image-size: '4177666' is not" },
        { "story s\nburst 0.5\n", "2: burst: '0.5' is not a mean burst" },
        { "story s\nlate-join 16384\n", "2: late-join: '16384' is not" },
        { "story s\ndrop 0\n", "2: drop: fragment 0 is not a fragment" },
        { "story s\ndrop 3,,4\n", "2: drop: an empty item" },
        { "story s\noutage 10min\n", "2: outage takes two values" },
        { "story s\noutage 10m 5min\n", "2: outage: '10m 5min' is not AT FOR" },
        { "story s\noutage -1 5\n", "2: outage: '-1 5' is not AT FOR" },
        { "story s\nfault mic-error\n", "2: fault takes two values" },
        { "story s\nfault wrong-keys 5\n",
          "2: fault: 'wrong-keys' is not a fault; faults: " },
        { "story s\nfault mic-error 101\n",
          "2: fault: mic-error: '101' is not a percentage" },
        { "story s\nfault mic-error 5\nfault mic-error 6\n",
          "3: fault mic-error is given twice" },
        { "story s\nmax-frag-size 256\n", "2: max-frag-size: '256' is not" },
        { "story s\nmax-frags 16384\n", "2: max-frags: '16384' is not" },
        { "story s\nmax-lost 0\n", "2: max-lost: '0' is not" },
        { "story s\ndevice-memory 0\n", "2: device-memory: '0' is not" },
        { "story\n", "1: story needs a value" },
        { "devices 5\n", " no story line" },
        { "", " no story line" },
        { "# only a comment\n", " no story line" },
        /* The loss model as a whole, at the directive it names. */
        { "story s\nloss 60\nburst 1\n",
          "3: burst: a mean burst of 1 fragment cannot reach 60 % loss" },
        { "story s\nspread 40\nloss 10\n",
          "2: spread: a spread of 40 % is too wide for 10 % mean loss" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct scenario s;
        scenario_init(&s);
        char msg[512];
        assert_int_equal(parse(cases[i].text, &s, msg, sizeof(msg)),
                         SCENARIO_E_SYNTAX);
        char want[600];
        snprintf(want, sizeof(want), "t.scenario:%s", cases[i].msg);
        if (strncmp(msg, want, strlen(want)) != 0)
            fail_msg("case %zu: '%s' does not start with '%s'", i, msg, want);
        assert_null(s.drop);
        assert_int_equal(s.line[SCN_STORY], 0);
        scenario_cleanup(&s);
    }
}

static void test_bad_text(void **state)
{
    (void)state;
    struct scenario s;
    scenario_init(&s);
    char msg[512];
    char line[SCENARIO_LINE_MAX + 40];
    memset(line, 'x', sizeof(line));
    memcpy(line, "story ", 6);
    line[sizeof(line) - 1] = '\0';
    assert_int_equal(parse(line, &s, msg, sizeof(msg)), SCENARIO_E_SYNTAX);
    assert_string_equal(msg, "t.scenario:1: longer than 1024 characters");
    const char nul[] = "story a\nloss 5\0\n";
    assert_int_equal(scenario_parse(nul, sizeof(nul) - 1, "t.scenario", &s, msg,
                                    sizeof(msg)),
                     SCENARIO_E_SYNTAX);
    assert_string_equal(msg, "t.scenario:2: a NUL byte: not a text file");
    /* A story longer than the room for it. */
    char *big = malloc(3000);
    assert_non_null(big);
    size_t used = 0;
    for (int i = 0; i < 30; i++)
        used += (size_t)snprintf(
            big + used, 3000 - used,
            "story a line of a story that goes on and on and on\n");
    assert_int_equal(parse(big, &s, msg, sizeof(msg)), SCENARIO_E_SYNTAX);
    assert_non_null(strstr(msg, "story: longer than 1023 characters"));
    free(big);
    /* Larger than a scenario may be. */
    assert_int_equal(scenario_parse("story a", SCENARIO_FILE_MAX + 1,
                                    "t.scenario", &s, msg, sizeof(msg)),
                     SCENARIO_E_SYNTAX);
    assert_string_equal(msg, "t.scenario: larger than 65536 bytes");
    /* A parse error leaves the struct empty, even after a good one. */
    assert_int_equal(parse("story a\ndrop 1,2\n", &s, msg, sizeof(msg)),
                     SCENARIO_OK);
    assert_int_equal(parse("story a\ndrop 1,2\nloss x\n", &s, msg, sizeof(msg)),
                     SCENARIO_E_SYNTAX);
    assert_null(s.drop);
    scenario_cleanup(&s);
    assert_string_equal(scenario_status_message(SCENARIO_E_NOT_FOUND),
                        "no such scenario");
    assert_string_equal(scenario_status_message((enum scenario_status)42),
                        "unknown status");
}

static struct fleet_session session_of(uint32_t m, uint32_t r,
                                       uint64_t spacing_us)
{
    struct fleet_session s;
    memset(&s, 0, sizeof(s));
    s.m = m;
    s.r = r;
    s.spacing_us = spacing_us;
    return s;
}

/* An outage loses the fragments whose transmission starts in it. */
static void test_drops(void **state)
{
    (void)state;
    struct scenario s;
    scenario_init(&s);
    char msg[256];
    assert_int_equal(
        parse("story o\noutage 10min 10min\n", &s, msg, sizeof(msg)),
        SCENARIO_OK);
    /* 30 s apart: fragment n starts at (n - 1) * 30 s; 600 s <= start <
     * 1200 s is n = 21..40. */
    struct fleet_session fs = session_of(100, 20, 30000000);
    uint32_t *d = NULL;
    size_t n = 0;
    const uint32_t extra[] = { 50, 21, 3, 50 };
    assert_true(scenario_drops(&s, &fs, extra, 4, &d, &n));
    assert_int_equal(n, 22);
    assert_int_equal(d[0], 3);
    assert_int_equal(d[1], 21);
    assert_int_equal(d[20], 40);
    assert_int_equal(d[21], 50);
    free(d);
    /* Beyond the session's end nothing is added. */
    fs = session_of(10, 0, 30000000);
    assert_true(scenario_drops(&s, &fs, NULL, 0, &d, &n));
    assert_int_equal(n, 0);
    assert_null(d);
    scenario_cleanup(&s);
}

static void test_apply(void **state)
{
    (void)state;
    struct scenario s;
    scenario_init(&s);
    char msg[256];
    assert_int_equal(parse("story a\ndevices 9\nloss 7\nmax-lost 3\n"
                           "fault mic-error 5\nfault not-enough-memory 0\n",
                           &s, msg, sizeof(msg)),
                     SCENARIO_OK);
    struct fleet_params p;
    fleet_params_init(&p);
    p.loss.burst = 2.0;
    p.limits.max_fragments = 50;
    p.faults.share[FAULT_NOT_ENOUGH_MEMORY] = 0.5;
    p.faults.share[FAULT_WRONG_DESCRIPTOR] = 0.25;
    scenario_apply(&s, &p);
    assert_int_equal(p.devices, 9);
    assert_true(fabs(p.loss.loss - 0.07) < 1e-12);
    assert_true(p.loss.burst == 2.0);             /* not in the scenario */
    assert_int_equal(p.limits.max_fragments, 50); /* idem */
    assert_int_equal(p.limits.max_lost, 3);
    assert_true(fabs(p.faults.share[FAULT_MIC_ERROR] - 0.05) < 1e-12);
    assert_true(p.faults.share[FAULT_NOT_ENOUGH_MEMORY] == 0.0); /* given 0 */
    assert_true(p.faults.share[FAULT_WRONG_DESCRIPTOR] == 0.25);
    scenario_cleanup(&s);
}

/* A temporary directory with scenario files. */
static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_find_and_list(void **state)
{
    (void)state;
    char a[] = "/tmp/fuota-scn-a.XXXXXX", b[] = "/tmp/fuota-scn-b.XXXXXX";
    assert_non_null(mkdtemp(a));
    assert_non_null(mkdtemp(b));
    write_file(a, "one.scenario", "story One in a. More.\ndevices 1\n");
    write_file(a, "broken.scenario", "story b\nloss x\n");
    write_file(a, "notes.txt", "not a scenario\n");
    write_file(b, "one.scenario", "story One in b.\ndevices 2\n");
    write_file(b, "two.scenario", "story Two.\n");
    char sub[600];
    snprintf(sub, sizeof(sub), "%s/dir.scenario", b);
    assert_int_equal(mkdir(sub, 0700), 0);
    const char *dirs[] = { a, b, "/nonexistent/fuota" };
    struct scenario s;
    scenario_init(&s);
    char msg[1024];
    /* By name: the first directory wins. */
    assert_int_equal(scenario_find(dirs, 3, "one", &s, msg, sizeof(msg)),
                     SCENARIO_OK);
    assert_int_equal(s.devices, 1);
    assert_non_null(strstr(s.path, a));
    assert_int_equal(scenario_find(dirs, 3, "two", &s, msg, sizeof(msg)),
                     SCENARIO_OK);
    assert_string_equal(s.name, "two");
    /* A broken file names itself and its line. */
    assert_int_equal(scenario_find(dirs, 3, "broken", &s, msg, sizeof(msg)),
                     SCENARIO_E_SYNTAX);
    assert_non_null(strstr(msg, "broken.scenario:2: loss: 'x'"));
    /* Not there: the directories searched are named. */
    assert_int_equal(scenario_find(dirs, 2, "three", &s, msg, sizeof(msg)),
                     SCENARIO_E_NOT_FOUND);
    assert_non_null(strstr(msg, "no scenario 'three' (searched "));
    assert_non_null(strstr(msg, b));
    assert_int_equal(scenario_find(dirs, 0, "three", &s, msg, sizeof(msg)),
                     SCENARIO_E_NOT_FOUND);
    assert_non_null(strstr(msg, "no scenario directory found"));
    assert_int_equal(scenario_find(dirs, 3, "", &s, msg, sizeof(msg)),
                     SCENARIO_E_NOT_FOUND);
    /* By path, and what cannot be read. */
    char path[600];
    snprintf(path, sizeof(path), "%s/one.scenario", b);
    assert_true(scenario_is_path(path));
    assert_true(scenario_is_path("x.scenario"));
    assert_false(scenario_is_path("one"));
    assert_int_equal(scenario_find(dirs, 3, path, &s, msg, sizeof(msg)),
                     SCENARIO_OK);
    assert_int_equal(s.devices, 2);
    assert_int_equal(
        scenario_find(dirs, 3, "missing.scenario", &s, msg, sizeof(msg)),
        SCENARIO_E_IO);
    assert_non_null(strstr(msg, "missing.scenario: No such file"));
    assert_int_equal(scenario_load(sub, &s, msg, sizeof(msg)), SCENARIO_E_IO);
    assert_non_null(strstr(msg, "Is a directory"));
    scenario_cleanup(&s);
    /* The listing: sorted, first directory wins, broken ones flagged,
     * other files and directories ignored. */
    struct scenario_list l;
    assert_int_equal(scenario_list(dirs, 3, &l, msg, sizeof(msg)), SCENARIO_OK);
    assert_int_equal(l.count, 3);
    assert_string_equal(l.items[0].name, "broken");
    assert_false(l.items[0].ok);
    assert_non_null(strstr(l.items[0].error, ":2: loss"));
    assert_string_equal(l.items[1].name, "one");
    assert_true(l.items[1].ok);
    assert_string_equal(l.items[1].summary, "One in a.");
    assert_string_equal(l.items[2].name, "two");
    scenario_list_cleanup(&l);
    scenario_list_cleanup(&l); /* twice is fine */
    /* Clean up the directories. */
    const char *files[] = { "one.scenario", "broken.scenario", "notes.txt" };
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/%s", a, files[i]);
        unlink(path);
    }
    snprintf(path, sizeof(path), "%s/one.scenario", b);
    unlink(path);
    snprintf(path, sizeof(path), "%s/two.scenario", b);
    unlink(path);
    rmdir(sub);
    rmdir(a);
    rmdir(b);
}

/* Every scenario that ships parses, applies and plays the same twice. */
static void test_shipped(void **state)
{
    (void)state;
    const char *root = getenv("FUOTA_ROOT");
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/scenarios", root ? root : ".");
    const char *dirs[] = { dir };
    struct scenario_list l;
    char msg[1024];
    assert_int_equal(scenario_list(dirs, 1, &l, msg, sizeof(msg)), SCENARIO_OK);
    assert_true(l.count >= 5);
    static const char *const required[] = { "clean-run", "noisy-edge",
                                            "gateway-outage", "old-devices",
                                            "wrong-keys" };
    for (size_t k = 0; k < sizeof(required) / sizeof(required[0]); k++) {
        bool found = false;
        for (size_t i = 0; i < l.count; i++)
            found = found || strcmp(l.items[i].name, required[k]) == 0;
        if (!found)
            fail_msg("no shipped scenario %s", required[k]);
    }
    for (size_t i = 0; i < l.count; i++) {
        if (!l.items[i].ok)
            fail_msg("%s", l.items[i].error);
        struct scenario s;
        scenario_init(&s);
        assert_int_equal(scenario_load(l.items[i].path, &s, msg, sizeof(msg)),
                         SCENARIO_OK);
        assert_true(scenario_has(&s, SCN_DEVICES));
        assert_true(scenario_has(&s, SCN_IMAGE_SIZE));
        /* A 48-byte, 20 %, 30 s session of the scenario's image. */
        struct fleet_session fs;
        memset(&fs, 0, sizeof(fs));
        fs.image_bytes = s.image_size;
        fs.fragment_size = 48;
        fs.redundancy_percent = 20;
        fs.interval_ms = 30000;
        fs.time_on_air_us = 2793472;
        fs.duty_cycle = 0.1;
        assert_true(fleet_session_schedule(&fs, msg, sizeof(msg)));
        uint8_t *image = malloc(s.image_size);
        assert_non_null(image);
        fleet_generate_image(image, s.image_size, 3);
        struct fleet_result r[2];
        for (int run = 0; run < 2; run++) {
            struct fleet_params p;
            fleet_params_init(&p);
            p.session = &fs;
            p.image = image;
            p.seed = 3;
            p.mode = FLEET_MODE_RANK;
            p.threads = run + 1;
            scenario_apply(&s, &p);
            uint32_t *drop = NULL;
            size_t n = 0;
            assert_true(
                scenario_drops(&s, &fs, s.drop, s.drop_count, &drop, &n));
            p.loss.drop = drop;
            p.loss.drop_count = n;
            assert_int_equal(fleet_run(&p, &r[run], msg, sizeof(msg)),
                             FLEET_OK);
            free(drop);
            assert_int_equal(r[run].devices, s.devices);
            assert_int_equal(r[run].internal_errors, 0);
        }
        assert_memory_equal(r[0].dev, r[1].dev, s.devices * sizeof(*r[0].dev));
        for (int f = FAULT_NONE + 1; f < FAULT_COUNT; f++)
            if (s.faults.share[f] > 0.0)
                assert_true(r[0].by_fault[f] > 0);
        fleet_result_cleanup(&r[0]);
        fleet_result_cleanup(&r[1]);
        free(image);
        scenario_cleanup(&s);
    }
    scenario_list_cleanup(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_directive),
        cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_bad_text),
        cmocka_unit_test(test_drops),
        cmocka_unit_test(test_apply),
        cmocka_unit_test(test_find_and_list),
        cmocka_unit_test(test_shipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
