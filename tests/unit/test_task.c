/* core/task: reading, validating, writing and comparing CreateFuotaTask. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/diag.h"
#include "core/task.h"

/* ---- helpers ---------------------------------------------------------- */

struct buf {
    char *s;
    size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        assert_non_null(b->s);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* A JSON string literal of unit repeated n times. */
static char *jstr(const char *unit, size_t n)
{
    struct buf b = { 0 };
    puts_(&b, "\"");
    for (size_t i = 0; i < n; i++)
        puts_(&b, unit);
    puts_(&b, "\"");
    return b.s;
}

/* Plain repetition. */
static char *rep(const char *unit, size_t n)
{
    struct buf b = { 0 };
    puts_(&b, "");
    for (size_t i = 0; i < n; i++)
        puts_(&b, unit);
    return b.s;
}

static const char *const base_names[] = { "FirmwareUpdateImage",
                                          "FirmwareUpdateRole", "LoRaWAN" };
static const char *const base_values[] = {
    "\"s3://example-bucket/fw/app.bin\"",
    "\"arn:aws:iam::123456789012:role/FuotaRole\"",
    "{\"RfRegion\":\"EU868\"}",
};

/*
 * A valid request with member NAME set to the JSON text VALUE (NULL: the
 * member left out). NAME NULL: the base request.
 */
static char *doc(const char *name, const char *value)
{
    struct buf b = { 0 };
    bool first = true, done = false;
    puts_(&b, "{");
    for (size_t i = 0; i < 3; i++) {
        const char *v = base_values[i];
        if (name && strcmp(name, base_names[i]) == 0) {
            v = value;
            done = true;
        }
        if (!v)
            continue;
        if (!first)
            puts_(&b, ",");
        first = false;
        puts_(&b, "\"");
        puts_(&b, base_names[i]);
        puts_(&b, "\":");
        puts_(&b, v);
    }
    if (name && !done && value) {
        if (!first)
            puts_(&b, ",");
        puts_(&b, "\"");
        puts_(&b, name);
        puts_(&b, "\":");
        puts_(&b, value);
    }
    puts_(&b, "}");
    return b.s;
}

static void dump(const struct diag_list *d)
{
    char line[600];
    for (size_t i = 0; i < d->count; i++)
        print_message(
            "#   %s [%s] %s\n", diag_severity_name(d->items[i].severity),
            d->items[i].rule, diag_format(&d->items[i], line, sizeof(line)));
}

/* Reads and validates text[0..len); returns task_from_json's result. */
static bool run_len(const char *text, size_t len, struct diag_list *d,
                    struct fuota_task *t)
{
    diag_list_init(d);
    bool ok = task_from_json(text, len, t, d);
    if (ok)
        (void)task_validate(t, d);
    return ok;
}

static bool run(const char *text, struct diag_list *d, struct fuota_task *t)
{
    return run_len(text, strlen(text), d, t);
}

static const struct diag *find_sev(const struct diag_list *d,
                                   enum diag_severity sev, const char *path,
                                   const char *rule)
{
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].severity == sev &&
            strcmp(d->items[i].path, path) == 0 &&
            (!rule || strcmp(d->items[i].rule, rule) == 0))
            return &d->items[i];
    return NULL;
}

static const struct diag *expect(const struct diag_list *d,
                                 enum diag_severity sev, const char *path,
                                 const char *rule, const char *what)
{
    const struct diag *x = find_sev(d, sev, path, rule);
    if (!x) {
        print_message("# %s: expected %s '%s' at '%s'; got:\n", what,
                      diag_severity_name(sev), rule ? rule : "(any)", path);
        dump(d);
        fail();
    }
    return x;
}

static void expect_no(const struct diag_list *d, enum diag_severity sev,
                      const char *path, const char *what)
{
    if (find_sev(d, sev, path, NULL)) {
        print_message("# %s: unexpected %s at '%s':\n", what,
                      diag_severity_name(sev), path);
        dump(d);
        fail();
    }
}

static void expect_clean(const struct diag_list *d, const char *what)
{
    if (d->count) {
        print_message("# %s: expected no diagnostics, got:\n", what);
        dump(d);
        fail();
    }
}

static void done(struct diag_list *d, struct fuota_task *t, char *s)
{
    diag_list_cleanup(d);
    task_cleanup(t);
    free(s);
}

/* ---- the valid base and the skeleton-like full request ------------------ */

static const char *const full_request =
    "{\"Name\":\"sensor-fw-2-4-1\","
    "\"Description\":\"Firmware 2.4.1 \\u00e9t\\u00e9 \\ud83d\\ude00\","
    "\"ClientRequestToken\":\"tok-1_A\","
    "\"LoRaWAN\":{\"RfRegion\":\"US915\"},"
    "\"FirmwareUpdateImage\":\"s3://example-bucket/fw/app.bin\","
    "\"FirmwareUpdateRole\":\"arn:aws:iam::123456789012:role/FuotaRole\","
    "\"Tags\":[{\"Key\":\"project\",\"Value\":\"sensors\"},"
    "{\"Key\":\"empty\",\"Value\":\"\"}],"
    "\"RedundancyPercent\":20,\"FragmentSizeBytes\":50,"
    "\"FragmentIntervalMS\":1000,\"Descriptor\":\"AAIEAQ==\"}";

static void test_base_and_full_are_clean(void **state)
{
    (void)state;
    struct diag_list d;
    struct fuota_task t;
    char *s = doc(NULL, NULL);
    assert_true(run(s, &d, &t));
    expect_clean(&d, "base");
    done(&d, &t, s);

    assert_true(run(full_request, &d, &t));
    expect_clean(&d, "full");
    assert_string_equal(t.name, "sensor-fw-2-4-1");
    assert_string_equal(t.rf_region, "US915");
    assert_true(t.has_lorawan && t.has_tags);
    assert_int_equal(t.tag_count, 2);
    assert_string_equal(t.tags[1].value, "");
    assert_true(t.has_redundancy_percent && t.redundancy_percent == 20);
    assert_true(t.has_fragment_size_bytes && t.fragment_size_bytes == 50);
    assert_true(t.has_fragment_interval_ms && t.fragment_interval_ms == 1000);
    assert_string_equal(t.description,
                        "Firmware 2.4.1 \xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80");
    done(&d, &t, NULL);
}

/* ---- string lengths, both sides of every bound, in characters ---------- */

struct len_case {
    const char *member; /* top-level member, or "Key"/"Value" of a tag */
    const char *unit;   /* repeated to make the value */
    size_t count;
    const char *rule; /* NULL: no error at the path */
};

static const struct len_case len_cases[] = {
    { "Name", "a", 256, NULL },
    { "Name", "a", 257, "max-length" },
    { "Name", "\xC3\xA9", 256, NULL }, /* 2-byte characters */
    { "Name", "\xC3\xA9", 257, "max-length" },
    { "Name", "\xF0\x9F\x98\x80", 256, NULL }, /* 4-byte */
    { "Name", "\xF0\x9F\x98\x80", 257, "max-length" },
    { "Name", "", 0, NULL },
    { "Description", "a", 2048, NULL },
    { "Description", "a", 2049, "max-length" },
    { "Description", "\xE2\x82\xAC", 2048, NULL }, /* 3-byte */
    { "Description", "\xE2\x82\xAC", 2049, "max-length" },
    { "Description", "", 0, NULL },
    { "FirmwareUpdateImage", "", 0, "min-length" },
    { "FirmwareUpdateImage", "a", 1, NULL },
    { "FirmwareUpdateImage", "a", 4096, NULL },
    { "FirmwareUpdateImage", "a", 4097, "max-length" },
    { "FirmwareUpdateImage", "\xC3\xA9", 4096, NULL },
    { "FirmwareUpdateRole", "", 0, "min-length" },
    { "FirmwareUpdateRole", "a", 1, NULL },
    { "FirmwareUpdateRole", "a", 2048, NULL },
    { "FirmwareUpdateRole", "a", 2049, "max-length" },
    { "ClientRequestToken", "", 0, "min-length" },
    { "ClientRequestToken", "a", 1, NULL },
    { "ClientRequestToken", "a", 64, NULL },
    { "ClientRequestToken", "a", 65, "max-length" },
    { "Descriptor", "", 0, NULL },
    { "Descriptor", "A", 332, NULL },
    { "Descriptor", "A", 333, "max-length" },
    { "Key", "", 0, "min-length" },
    { "Key", "k", 1, NULL },
    { "Key", "k", 128, NULL },
    { "Key", "k", 129, "max-length" },
    { "Key", "\xC3\xA9", 128, NULL },
    { "Key", "\xC3\xA9", 129, "max-length" },
    { "Value", "", 0, NULL },
    { "Value", "v", 256, NULL },
    { "Value", "v", 257, "max-length" },
    { "Value", "\xF0\x9F\x98\x80", 256, NULL },
};

static void test_lengths(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(len_cases) / sizeof(len_cases[0]); i++) {
        const struct len_case *c = &len_cases[i];
        char what[96];
        snprintf(what, sizeof(what), "%s x%zu of %zu-byte unit", c->member,
                 c->count, strlen(c->unit));
        char *v = jstr(c->unit, c->count), *s, path[32];
        bool tag =
            strcmp(c->member, "Key") == 0 || strcmp(c->member, "Value") == 0;
        if (tag) {
            char *tags = malloc(strlen(v) + 64);
            assert_non_null(tags);
            if (c->member[0] == 'K')
                snprintf(tags, strlen(v) + 64,
                         "[{\"Key\":\"a\",\"Value\":\"b\"},{\"Key\":%s,"
                         "\"Value\":\"x\"}]",
                         v);
            else
                snprintf(tags, strlen(v) + 64,
                         "[{\"Key\":\"a\",\"Value\":\"b\"},{\"Key\":\"x\","
                         "\"Value\":%s}]",
                         v);
            s = doc("Tags", tags);
            free(tags);
            snprintf(path, sizeof(path), "Tags[1].%s", c->member);
        } else {
            s = doc(c->member, v);
            snprintf(path, sizeof(path), "%s", c->member);
        }
        free(v);
        struct diag_list d;
        struct fuota_task t;
        assert_true(run(s, &d, &t));
        if (c->rule) {
            const struct diag *x = expect(&d, DIAG_ERROR, path, c->rule, what);
            char msg[96];
            if (strcmp(c->rule, "min-length") == 0)
                snprintf(msg, sizeof(msg), "length 0 is below the minimum 1");
            else
                snprintf(msg, sizeof(msg),
                         "length %zu is above the maximum %zu", c->count,
                         c->count - 1);
            assert_string_equal(x->message, msg);
        } else {
            expect_no(&d, DIAG_ERROR, path, what);
        }
        done(&d, &t, s);
    }
}

/* ---- UTF-8 -------------------------------------------------------------- */

struct utf8_case {
    const char *bytes;
    long length; /* -1: ill-formed */
    const char *why;
};

static const struct utf8_case utf8_cases[] = {
    { "", 0, NULL },
    { "abc", 3, NULL },
    { "\xC3\xA9", 1, NULL },
    { "\xE2\x82\xAC", 1, NULL },
    { "\xF0\x9F\x98\x80", 1, NULL },
    { "\xEF\xBF\xBF", 1, NULL },
    { "\xF4\x8F\xBF\xBF", 1, NULL }, /* U+10FFFF */
    { "\xED\x9F\xBF", 1, NULL },     /* U+D7FF, just below surrogates */
    { "\xEE\x80\x80", 1, NULL },     /* U+E000, just above */
    { "\xC2\x80", 1, NULL },         /* smallest 2-byte */
    { "\xE0\xA0\x80", 1, NULL },     /* smallest 3-byte */
    { "\xF0\x90\x80\x80", 1, NULL }, /* smallest 4-byte */
    { "\xC0\xAF", -1, "overlong" },
    { "\xC1\xBF", -1, "overlong" },
    { "\xE0\x9F\xBF", -1, "overlong" },
    { "\xF0\x8F\xBF\xBF", -1, "overlong" },
    { "\xED\xA0\x80", -1, "surrogate" },
    { "\xED\xBF\xBF", -1, "surrogate" },
    { "\xF4\x90\x80\x80", -1, "above U+10FFFF" },
    { "\xF5\x80\x80\x80", -1, "above U+10FFFF" },
    { "\xFF", -1, "never appears" },
    { "\x80", -1, "continuation" },
    { "a\xBF", -1, "continuation" },
    { "\xC3", -1, "truncated" },
    { "\xE2\x82", -1, "truncated" },
    { "\xF0\x9F\x98", -1, "truncated" },
    { "\xE2\x82"
      "a",
      -1, "truncated" },
};

static void test_utf8(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(utf8_cases) / sizeof(utf8_cases[0]); i++) {
        const struct utf8_case *c = &utf8_cases[i];
        assert_int_equal(task_utf8_length(c->bytes, strlen(c->bytes)),
                         c->length);
        /* The same bytes as a Name: an error naming the problem. */
        char *v = jstr(c->bytes, 1), *s = doc("Name", v);
        struct diag_list d;
        struct fuota_task t;
        assert_true(run(s, &d, &t));
        if (c->length < 0) {
            const struct diag *x =
                expect(&d, DIAG_ERROR, "Name", "utf8", c->bytes);
            assert_non_null(strstr(x->message, c->why));
        } else {
            expect_no(&d, DIAG_ERROR, "Name", "valid utf-8");
        }
        done(&d, &t, s);
        free(v);
    }
    /* The length argument is honoured: a NUL-free prefix. */
    assert_int_equal(task_utf8_length("\xC3\xA9\xC3\xA9", 2), 1);
    assert_int_equal(task_utf8_length("\xC3\xA9\xC3\xA9", 3), -1);
}

static void test_json_escapes_count_as_characters(void **state)
{
    (void)state;
    struct diag_list d;
    struct fuota_task t;
    /* 256 escaped U+1F600 (a surrogate pair each): 256 characters. */
    char *v = jstr("\\ud83d\\ude00", 256), *s = doc("Name", v);
    assert_true(run(s, &d, &t));
    expect_no(&d, DIAG_ERROR, "Name", "256 escaped pairs");
    assert_int_equal(strlen(t.name), 256 * 4);
    done(&d, &t, s);
    free(v);
    v = jstr("\\u00e9", 257);
    s = doc("Name", v);
    assert_true(run(s, &d, &t));
    expect(&d, DIAG_ERROR, "Name", "max-length", "257 escaped");
    done(&d, &t, s);
    free(v);
    /* A lone surrogate escape is no character: named by member. */
    s = doc("Name", "\"\\ud83d\"");
    assert_false(run(s, &d, &t));
    expect(&d, DIAG_ERROR, "Name", "surrogate", "lone surrogate");
    done(&d, &t, s);
}

/* Surrogate escapes: a high one (D800-DBFF) must be followed by a low one
 * (DC00-DFFF); either alone is refused with the member's path and the
 * escape's position. Boundaries on both sides of both ranges. */
static bool has_rule(const struct diag_list *d, const char *rule)
{
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->items[i].rule, rule) == 0)
            return true;
    return false;
}

struct surrogate_case {
    const char *text;
    const char *path; /* NULL: accepted */
    const char *in_message;
};

static const struct surrogate_case surrogate_cases[] = {
    { "{\"Name\":\"\\ud7ff\"}", NULL, NULL },
    { "{\"Name\":\"\\ue000\"}", NULL, NULL },
    { "{\"Name\":\"\\ud800\\udc00\"}", NULL, NULL },
    { "{\"Name\":\"\\udbff\\udfff\"}", NULL, NULL },
    { "{\"Name\":\"\\uD83D\\uDE00\"}", NULL, NULL },
    { "{\"Name\":\"\\ud800\"}", "Name", "'\\ud800' at line 1, column 10" },
    { "{\"Name\":\"\\udbff\"}", "Name", "high surrogate" },
    { "{\"Name\":\"\\udc00\"}", "Name", "low surrogate" },
    { "{\"Name\":\"\\udfff\"}", "Name", "low surrogate" },
    { "{\"Name\":\"\\ud800\\ud800\"}", "Name", "high surrogate" },
    { "{\"Name\":\"\\ud800\\ue000\"}", "Name", "high surrogate" },
    { "{\"Name\":\"\\ud800\\u0041\"}", "Name", "high surrogate" },
    { "{\"Name\":\"\\ud800x\"}", "Name", "high surrogate" },
    { "{\"Name\":\"\\ud800\\n\"}", "Name", "high surrogate" },
    { "{\"Name\":\"\\udc00\\ud800\"}", "Name", "low surrogate" },
    { "{\"Name\":\"ok\",\"Description\":\"a\\udfffb\"}", "Description",
      "column 30" },
    { "{\"LoRaWAN\":{\"RfRegion\":\"EU\\ud800\"}}", "LoRaWAN.RfRegion", NULL },
    { "{\"Tags\":[{\"Key\":\"a\",\"Value\":\"b\"},{\"Key\":\"a\","
      "\"Value\":\"\\udc00\"}]}",
      "Tags[1].Value", NULL },
    { "{\"Tags\":[{\"K\\ud800\":\"a\"}]}", "Tags[0]", "in a member name" },
    { "{\"N\\udc00\":1}", "", "in a member name" },
    { "{\"a\":[1,[2,\"\\ud800\"]]}", "a[1][1]", NULL },
};

static void test_surrogate_escapes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(surrogate_cases) / sizeof(surrogate_cases[0]);
         i++) {
        const struct surrogate_case *c = &surrogate_cases[i];
        struct diag_list d;
        struct fuota_task t;
        (void)run(c->text, &d, &t);
        if (c->path == NULL) {
            if (diag_find(&d, "", "syntax") || has_rule(&d, "surrogate")) {
                print_message("# %s: refused\n", c->text);
                dump(&d);
                fail();
            }
        } else {
            const struct diag *x =
                expect(&d, DIAG_ERROR, c->path, "surrogate", c->text);
            if (c->in_message && !strstr(x->message, c->in_message)) {
                print_message("# %s: '%s' not in '%s'\n", c->text,
                              c->in_message, x->message);
                fail();
            }
            /* One diagnostic for one problem, not also "invalid JSON". */
            assert_null(diag_find(&d, "", "syntax"));
        }
        task_cleanup(&t);
        diag_list_cleanup(&d);
    }
}

/* A UTF-8 byte order mark is refused, as the AWS CLI does, whatever
 * follows it; the same bytes later in a string are just a character. */
static void test_byte_order_mark(void **state)
{
    (void)state;
    static const char *const refused[] = {
        "\xEF\xBB\xBF",
        "\xEF\xBB\xBF{}",
        "\xEF\xBB\xBF{\"Name\":\"a\"}",
        "\xEF\xBB\xBF \n{}",
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        struct diag_list d;
        struct fuota_task t;
        assert_false(run(refused[i], &d, &t));
        const struct diag *x = expect(&d, DIAG_ERROR, "", "bom", refused[i]);
        assert_non_null(strstr(x->message, "byte order mark"));
        assert_int_equal(d.count, 1);
        task_cleanup(&t);
        diag_list_cleanup(&d);
    }
    /* Not a BOM: two of its three bytes, a BOM after whitespace, U+FEFF
     * inside a string. */
    struct diag_list d;
    struct fuota_task t;
    assert_false(run("\xEF\xBB{}", &d, &t));
    assert_null(diag_find(&d, "", "bom"));
    task_cleanup(&t);
    diag_list_cleanup(&d);
    assert_false(run(" \xEF\xBB\xBF{}", &d, &t));
    assert_null(diag_find(&d, "", "bom"));
    task_cleanup(&t);
    diag_list_cleanup(&d);
    assert_true(run("{\"Description\":\"\xEF\xBB\xBFx\"}", &d, &t));
    assert_null(diag_find(&d, "", "bom"));
    expect_no(&d, DIAG_ERROR, "Description", "U+FEFF in a string");
    task_cleanup(&t);
    diag_list_cleanup(&d);
}

/* ---- integers ------------------------------------------------------------ */

struct int_case {
    const char *member;
    const char *literal;
    const char *rule;    /* NULL: accepted */
    const char *message; /* NULL: not checked */
    int32_t value;       /* when accepted */
};

static const struct int_case int_cases[] = {
    { "FragmentIntervalMS", "1", NULL, NULL, 1 },
    { "FragmentIntervalMS", "0", "min", "0 is below the minimum 1", 0 },
    { "FragmentIntervalMS", "-1", "min", "-1 is below the minimum 1", 0 },
    { "FragmentIntervalMS", "2147483647", NULL, NULL, 2147483647 },
    { "FragmentIntervalMS", "2147483648", "int32", NULL, 0 },
    { "FragmentIntervalMS", "-2147483648", "min", NULL, 0 },
    { "FragmentIntervalMS", "-2147483649", "int32", NULL, 0 },
    { "FragmentIntervalMS", "99999999999999999999", "int32", NULL, 0 },
    { "FragmentIntervalMS", "1.5", "integer", NULL, 0 },
    { "FragmentIntervalMS", "1.0", "integer", NULL, 0 },
    { "FragmentIntervalMS", "1e3", "integer", NULL, 0 },
    { "FragmentIntervalMS", "1E3", "integer", NULL, 0 },
    { "FragmentIntervalMS", "1e30", "integer", NULL, 0 },
    { "FragmentIntervalMS", "-0.0", "integer", NULL, 0 },
    { "FragmentIntervalMS", "\"1000\"", "type",
      "expected an integer, got a string '1000'", 0 },
    { "FragmentIntervalMS", "true", "type", NULL, 0 },
    { "FragmentIntervalMS", "[1]", "type", NULL, 0 },
    { "FragmentIntervalMS", "{}", "type", NULL, 0 },
    { "FragmentIntervalMS", "null", "null", NULL, 0 },
    { "FragmentSizeBytes", "1", NULL, NULL, 1 },
    { "FragmentSizeBytes", "0", "min", "0 is below the minimum 1", 0 },
    { "FragmentSizeBytes", "-5", "min", NULL, 0 },
    { "FragmentSizeBytes", "50", NULL, NULL, 50 },
    { "FragmentSizeBytes", "50.0", "integer", NULL, 0 },
    { "FragmentSizeBytes", "\"50\"", "type", NULL, 0 },
    { "RedundancyPercent", "0", NULL, NULL, 0 },
    { "RedundancyPercent", "-0", NULL, NULL, 0 },
    { "RedundancyPercent", "-1", "min", "-1 is below the minimum 0", 0 },
    { "RedundancyPercent", "100", NULL, NULL, 100 },
    { "RedundancyPercent", "101", "max", "101 is above the maximum 100", 0 },
    { "RedundancyPercent", "2147483647", "max", NULL, 0 },
    { "RedundancyPercent", "12.5", "integer", NULL, 0 },
    { "RedundancyPercent", "false", "type", NULL, 0 },
};

static void test_integers(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(int_cases) / sizeof(int_cases[0]); i++) {
        const struct int_case *c = &int_cases[i];
        char what[96];
        snprintf(what, sizeof(what), "%s = %s", c->member, c->literal);
        char *s = doc(c->member, c->literal);
        struct diag_list d;
        struct fuota_task t;
        assert_true(run(s, &d, &t));
        bool has;
        int32_t v;
        if (c->member[8] == 'I') {
            has = t.has_fragment_interval_ms;
            v = t.fragment_interval_ms;
        } else if (c->member[8] == 'S') {
            has = t.has_fragment_size_bytes;
            v = t.fragment_size_bytes;
        } else {
            has = t.has_redundancy_percent;
            v = t.redundancy_percent;
        }
        if (c->rule) {
            const struct diag *x =
                expect(&d, DIAG_ERROR, c->member, c->rule, what);
            if (c->message)
                assert_string_equal(x->message, c->message);
            /* The literal is quoted as written. */
            if (c->literal[0] != '"' && c->literal[0] != '[' &&
                c->literal[0] != '{' && strcmp(c->literal, "null") != 0)
                assert_non_null(strstr(x->message, c->literal));
        } else {
            expect_no(&d, DIAG_ERROR, c->member, what);
            assert_true(has);
            assert_int_equal(v, c->value);
        }
        done(&d, &t, s);
    }
}

/* Literals line up with members even when other numbers come first. */
static void test_number_literals_follow_document_order(void **state)
{
    (void)state;
    struct diag_list d;
    struct fuota_task t;
    const char *s =
        "{\"x\":[1,2.5,{\"y\":3e2}],\"FragmentSizeBytes\":1.0,"
        "\"Tags\":[{\"Key\":7,\"Value\":8.5}],\"z\":-4,"
        "\"Name\":2.0,\"RedundancyPercent\":5,\"FragmentIntervalMS\":1e0,"
        "\"FirmwareUpdateImage\":\"s3://example-bucket/k\","
        "\"FirmwareUpdateRole\":\"arn:aws:iam::123456789012:role/R\"}";
    assert_true(run(s, &d, &t));
    expect(&d, DIAG_ERROR, "FragmentSizeBytes", "integer", "1.0");
    expect(&d, DIAG_ERROR, "FragmentIntervalMS", "integer", "1e0");
    const struct diag *x = expect(&d, DIAG_ERROR, "Tags[0].Key", "type", "7");
    assert_string_equal(x->message, "expected a string, got a number 7");
    x = expect(&d, DIAG_ERROR, "Name", "type", "2.0");
    assert_string_equal(x->message, "expected a string, got a number 2.0");
    expect_no(&d, DIAG_ERROR, "RedundancyPercent", "5 accepted");
    assert_true(t.has_redundancy_percent);
    assert_int_equal(t.redundancy_percent, 5);
    assert_false(t.has_fragment_size_bytes);
    assert_false(t.has_fragment_interval_ms);
    done(&d, &t, NULL);
}

/* ---- patterns and enum -------------------------------------------------- */

struct pattern_case {
    const char *member;
    const char *value; /* JSON string contents */
    bool ok;
};

static const struct pattern_case pattern_cases[] = {
    { "ClientRequestToken", "abcXYZ019-_", true },
    { "ClientRequestToken", "-", true },
    { "ClientRequestToken", "_", true },
    { "ClientRequestToken", "a b", false },
    { "ClientRequestToken", "a.b", false },
    { "ClientRequestToken", "a/b", false },
    { "ClientRequestToken", "token=", false },
    { "ClientRequestToken", "\xC3\xA9", false },
    { "Descriptor", "", true },
    { "Descriptor", "AAAA", true },
    { "Descriptor", "AA==", true },
    { "Descriptor", "AAA=", true },
    { "Descriptor", "ab+/AB09", true },
    { "Descriptor", "AAAAAA==", true },
    { "Descriptor", "A", false },
    { "Descriptor", "AAA", false },
    { "Descriptor", "AAAAA", false },
    { "Descriptor", "A===", false },
    { "Descriptor", "====", false },
    { "Descriptor", "AA=A", false },
    { "Descriptor", "AA==AAAA", false },
    { "Descriptor", "AA!A", false },
    { "Descriptor", "AA-_", false }, /* base64url is not base64 */
    { "Descriptor", "AA A", false },
    { "Descriptor", "AAAA\\n", false },
};

static void test_patterns(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(pattern_cases) / sizeof(pattern_cases[0]);
         i++) {
        const struct pattern_case *c = &pattern_cases[i];
        char *v = jstr(c->value, 1), *s = doc(c->member, v);
        char what[96];
        snprintf(what, sizeof(what), "%s '%s'", c->member, c->value);
        struct diag_list d;
        struct fuota_task t;
        assert_true(run(s, &d, &t));
        if (c->ok)
            expect_no(&d, DIAG_ERROR, c->member, what);
        else
            expect(&d, DIAG_ERROR, c->member, "pattern", what);
        done(&d, &t, s);
        free(v);
    }
}

static void test_rf_region(void **state)
{
    (void)state;
    struct diag_list d;
    struct fuota_task t;
    assert_int_equal(task_rf_region_count, 13);
    for (size_t i = 0; i < task_rf_region_count; i++) {
        char v[64];
        snprintf(v, sizeof(v), "{\"RfRegion\":\"%s\"}", task_rf_regions[i]);
        char *s = doc("LoRaWAN", v);
        assert_true(task_rf_region_valid(task_rf_regions[i]));
        assert_true(run(s, &d, &t));
        expect_clean(&d, task_rf_regions[i]);
        done(&d, &t, s);
    }
    static const char *const bad[] = { "eu868", "EU869",  "",
                                       "AS923", "EU868 ", "US915\\u0000" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char v[64];
        snprintf(v, sizeof(v), "{\"RfRegion\":\"%s\"}", bad[i]);
        char *s = doc("LoRaWAN", v);
        run(s, &d, &t);
        expect(&d, DIAG_ERROR, i == 5 ? "" : "LoRaWAN.RfRegion",
               i == 5 ? "nul" : "enum", bad[i]);
        done(&d, &t, s);
    }
    assert_false(task_rf_region_valid(NULL));
    /* A case slip gets a suggestion. */
    char *s = doc("LoRaWAN", "{\"RfRegion\":\"as923-1\"}");
    run(s, &d, &t);
    const struct diag *x =
        expect(&d, DIAG_ERROR, "LoRaWAN.RfRegion", "enum", "as923-1");
    assert_non_null(strstr(x->message, "did you mean 'AS923-1'"));
    done(&d, &t, s);
}

static void test_lorawan_shape(void **state)
{
    (void)state;
    struct {
        const char *value;
        const char *path;
        const char *rule;
    } cases[] = {
        { "{}", NULL, NULL },
        { "\"EU868\"", "LoRaWAN", "type" },
        { "null", "LoRaWAN", "null" },
        { "[]", "LoRaWAN", "type" },
        { "{\"RfRegion\":\"EU868\",\"Foo\":1}", "LoRaWAN.Foo",
          "unknown-member" },
        { "{\"rfregion\":\"EU868\"}", "LoRaWAN.rfregion", "unknown-member" },
        { "{\"RfRegion\":\"EU868\",\"RfRegion\":\"US915\"}", "LoRaWAN.RfRegion",
          "duplicate-member" },
        { "{\"RfRegion\":868}", "LoRaWAN.RfRegion", "type" },
        { "{\"RfRegion\":null}", "LoRaWAN.RfRegion", "null" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *s = doc("LoRaWAN", cases[i].value);
        struct diag_list d;
        struct fuota_task t;
        assert_true(run(s, &d, &t));
        if (cases[i].rule)
            expect(&d, DIAG_ERROR, cases[i].path, cases[i].rule,
                   cases[i].value);
        else
            assert_false(diag_has_errors(&d));
        /* A broken LoRaWAN is not also "no region". */
        if (cases[i].rule && strcmp(cases[i].path, "LoRaWAN") == 0)
            expect_no(&d, DIAG_WARNING, "LoRaWAN.RfRegion", cases[i].value);
        done(&d, &t, s);
    }
    /* The last duplicate counts, as in the AWS CLI. */
    char *s = doc("LoRaWAN", "{\"RfRegion\":\"EU868\",\"RfRegion\":\"US915\"}");
    struct diag_list d;
    struct fuota_task t;
    run(s, &d, &t);
    assert_string_equal(t.rf_region, "US915");
    done(&d, &t, s);
}

/* ---- Tags ---------------------------------------------------------------- */

static char *tags_json(size_t n)
{
    struct buf b = { 0 };
    puts_(&b, "[");
    for (size_t i = 0; i < n; i++) {
        char one[64];
        snprintf(one, sizeof(one), "%s{\"Key\":\"k%zu\",\"Value\":\"v\"}",
                 i ? "," : "", i);
        puts_(&b, one);
    }
    puts_(&b, "]");
    return b.s;
}

static void test_tags(void **state)
{
    (void)state;
    struct diag_list d;
    struct fuota_task t;
    size_t counts[] = { 0, 1, 199, 200, 201, 300 };
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        char *tj = tags_json(counts[i]), *s = doc("Tags", tj);
        assert_true(run(s, &d, &t));
        assert_true(t.has_tags);
        assert_int_equal(t.tag_count, counts[i]);
        if (counts[i] > 200) {
            const struct diag *x =
                expect(&d, DIAG_ERROR, "Tags", "max-items", "too many tags");
            char msg[64];
            snprintf(msg, sizeof(msg), "%zu tags are above the maximum 200",
                     counts[i]);
            assert_string_equal(x->message, msg);
        } else {
            expect_clean(&d, "tag count");
        }
        done(&d, &t, s);
        free(tj);
    }

    struct {
        const char *tags;
        const char *path;
        const char *rule;
        enum diag_severity sev;
    } cases[] = {
        { "[{\"Value\":\"v\"}]", "Tags[0].Key", "required", DIAG_ERROR },
        { "[{\"Key\":\"k\"}]", "Tags[0].Value", "required", DIAG_ERROR },
        { "[{}]", "Tags[0].Value", "required", DIAG_ERROR },
        { "[{\"Key\":\"a\",\"Value\":\"\"},{\"Key\":\"b\",\"Value\":\"\"},"
          "{\"Key\":\"c\",\"Value\":\"\"},{\"Key\":\"\",\"Value\":\"\"}]",
          "Tags[3].Key", "min-length", DIAG_ERROR },
        { "[{\"Key\":\"k\",\"Value\":\"v\",\"Extra\":1}]", "Tags[0].Extra",
          "unknown-member", DIAG_ERROR },
        { "[{\"key\":\"k\",\"Value\":\"v\"}]", "Tags[0].key", "unknown-member",
          DIAG_ERROR },
        { "[{\"Key\":\"k\",\"Key\":\"j\",\"Value\":\"v\"}]", "Tags[0].Key",
          "duplicate-member", DIAG_ERROR },
        { "[{\"Key\":\"k\",\"Value\":1}]", "Tags[0].Value", "type",
          DIAG_ERROR },
        { "[{\"Key\":null,\"Value\":\"v\"}]", "Tags[0].Key", "null",
          DIAG_ERROR },
        { "[\"k=v\"]", "Tags[0]", "type", DIAG_ERROR },
        { "[null]", "Tags[0]", "null", DIAG_ERROR },
        { "{\"Key\":\"k\",\"Value\":\"v\"}", "Tags", "type", DIAG_ERROR },
        { "null", "Tags", "null", DIAG_ERROR },
        { "[{\"Key\":\"env\",\"Value\":\"a\"},{\"Key\":\"env\",\"Value\":"
          "\"b\"}]",
          "Tags[1].Key", "duplicate-tag-key", DIAG_WARNING },
        { "[{\"Key\":\"aws:owner\",\"Value\":\"a\"}]", "Tags[0].Key",
          "reserved-tag-key", DIAG_WARNING },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *s = doc("Tags", cases[i].tags);
        assert_true(run(s, &d, &t));
        const struct diag *x = expect(&d, cases[i].sev, cases[i].path,
                                      cases[i].rule, cases[i].tags);
        if (strcmp(cases[i].rule, "min-length") == 0) {
            char line[256];
            assert_string_equal(diag_format(x, line, sizeof(line)),
                                "Tags[3].Key: length 0 is below the minimum 1");
        }
        done(&d, &t, s);
    }
    /* Too many tags does not hide what is wrong inside them. */
    char *many = tags_json(201);
    many[strlen(many) - 1] = '\0';
    struct buf mb = { 0 };
    puts_(&mb, many);
    puts_(&mb, ",{}]");
    free(many);
    char *ms = doc("Tags", mb.s);
    assert_true(run(ms, &d, &t));
    expect(&d, DIAG_ERROR, "Tags", "max-items", "202 tags");
    expect(&d, DIAG_ERROR, "Tags[201].Key", "required", "202 tags");
    expect(&d, DIAG_ERROR, "Tags[201].Value", "required", "202 tags");
    done(&d, &t, ms);
    free(mb.s);

    /* A non-object tag is one error, not three. */
    char *s = doc("Tags", "[3]");
    run(s, &d, &t);
    assert_int_equal(diag_count(&d, DIAG_ERROR), 1);
    assert_int_equal(t.tag_count, 1);
    done(&d, &t, s);
}

/* ---- required members, unknown and duplicate members, null ------------- */

static void test_required_and_members(void **state)
{
    (void)state;
    struct diag_list d;
    struct fuota_task t;
    const char *req[] = { "FirmwareUpdateImage", "FirmwareUpdateRole" };
    for (size_t i = 0; i < 2; i++) {
        char *s = doc(req[i], NULL);
        run(s, &d, &t);
        const struct diag *x = expect(&d, DIAG_ERROR, req[i], "required", "");
        assert_string_equal(x->message, "required member is missing");
        assert_int_equal(diag_count(&d, DIAG_ERROR), 1);
        done(&d, &t, s);
        /* Present but of the wrong type: one diagnostic, not two. */
        s = doc(req[i], "42");
        run(s, &d, &t);
        expect(&d, DIAG_ERROR, req[i], "type", "");
        assert_int_equal(diag_count(&d, DIAG_ERROR), 1);
        done(&d, &t, s);
        s = doc(req[i], "null");
        run(s, &d, &t);
        expect(&d, DIAG_ERROR, req[i], "null", "");
        assert_int_equal(diag_count(&d, DIAG_ERROR), 1);
        done(&d, &t, s);
    }
    /* Strings given other JSON types. */
    const char *str_members[] = { "Name", "Description", "ClientRequestToken",
                                  "Descriptor" };
    const char *non_strings[] = { "1", "true", "[]", "{}", "null" };
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 5; j++) {
            char *s = doc(str_members[i], non_strings[j]);
            run(s, &d, &t);
            expect(&d, DIAG_ERROR, str_members[i], j == 4 ? "null" : "type",
                   non_strings[j]);
            done(&d, &t, s);
        }

    struct {
        const char *name;
        const char *hint;
    } unknown[] = {
        { "Foo", "the members are Name" },
        { "name", "did you mean 'Name'?" },
        { "fragmentsizebytes", "did you mean 'FragmentSizeBytes'?" },
        { "RfRegion", "LoRaWAN.RfRegion" },
    };
    for (size_t i = 0; i < 4; i++) {
        char *s = doc(unknown[i].name, "1");
        run(s, &d, &t);
        const struct diag *x =
            expect(&d, DIAG_ERROR, unknown[i].name, "unknown-member", "");
        assert_non_null(strstr(x->message, unknown[i].hint));
        done(&d, &t, s);
    }

    const char *dup = "{\"Name\":\"first\",\"Name\":\"second\","
                      "\"FirmwareUpdateImage\":\"s3://example-bucket/k\","
                      "\"FirmwareUpdateRole\":"
                      "\"arn:aws:iam::123456789012:role/R\","
                      "\"LoRaWAN\":{\"RfRegion\":\"EU868\"},"
                      "\"FragmentSizeBytes\":10,\"FragmentSizeBytes\":20}";
    assert_true(run(dup, &d, &t));
    expect(&d, DIAG_ERROR, "Name", "duplicate-member", "Name twice");
    expect(&d, DIAG_ERROR, "FragmentSizeBytes", "duplicate-member", "twice");
    assert_string_equal(t.name, "second");
    assert_int_equal(t.fragment_size_bytes, 20);
    done(&d, &t, NULL);
}

static void test_all_problems_reported(void **state)
{
    (void)state;
    struct diag_list d;
    struct fuota_task t;
    const char *s = "{\"Name\":5,\"Tags\":[{\"Key\":\"\",\"Value\":\"v\"}],"
                    "\"RedundancyPercent\":101,\"FragmentSizeBytes\":0,"
                    "\"LoRaWAN\":{\"RfRegion\":\"XX\"},\"Bogus\":true,"
                    "\"ClientRequestToken\":\"a b\",\"Descriptor\":\"A\"}";
    run(s, &d, &t);
    const char *paths[] = { "Name",
                            "Tags[0].Key",
                            "RedundancyPercent",
                            "FragmentSizeBytes",
                            "LoRaWAN.RfRegion",
                            "Bogus",
                            "ClientRequestToken",
                            "Descriptor",
                            "FirmwareUpdateImage",
                            "FirmwareUpdateRole" };
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
        expect(&d, DIAG_ERROR, paths[i], NULL, paths[i]);
    assert_int_equal(diag_count(&d, DIAG_ERROR), 10);
    done(&d, &t, NULL);
}

static void test_diagnostics_are_capped(void **state)
{
    (void)state;
    struct buf b = { 0 };
    puts_(&b, "{");
    for (int i = 0; i < 3000; i++) {
        char m[32];
        snprintf(m, sizeof(m), "%s\"u%d\":1", i ? "," : "", i);
        puts_(&b, m);
    }
    puts_(&b, "}");
    struct diag_list d;
    struct fuota_task t;
    assert_true(run(b.s, &d, &t));
    assert_int_equal(d.count, TASK_DIAGS_MAX + 1);
    assert_string_equal(d.items[TASK_DIAGS_MAX].rule, "too-many");
    assert_int_equal(d.items[TASK_DIAGS_MAX].severity, DIAG_NOTE);
    done(&d, &t, b.s);
}

/* ---- what a file can get wrong ------------------------------------------ */

struct doc_case {
    const char *text;
    const char *rule;
    const char *in_message; /* NULL: not checked */
};

static const struct doc_case doc_cases[] = {
    { "", "empty", "empty" },
    { " \n\t\r ", "empty", "only whitespace" },
    { "\xEF\xBB\xBF", "bom", "byte order mark" },
    { "[]", "type", "not an array" },
    { "[{\"Name\":\"x\"}]", "type", "not an array" },
    { "1", "type", "not a number" },
    { "\"x\"", "type", "not a string" },
    { "null", "type", "not null" },
    { "true", "type", "not a boolean" },
    { "{} x", "syntax", "after the JSON value at line 1, column 4" },
    { "{}}", "syntax", "after the JSON value" },
    { "{}{}", "syntax", "after the JSON value" },
    { "{\"Name\":\"a\"}\n\n  garbage", "syntax", "line 3, column 3" },
    { "{", "syntax",
      "the object opened at line 1, column 1 (byte 0) is not closed" },
    { "{\"Tags\":[", "syntax", "array opened at line 1, column 9" },
    { "{\"Name\":", "syntax", "the object opened at line 1, column 1" },
    { "\"abc", "syntax", "not terminated" },
    { "{\"Name\":\"x\"", "syntax", "is not closed" },
    { "{\"Name\" \"x\"}", "syntax", "line 1, column 9" },
    { "{\"Name\":\"x\" \"Description\":\"y\"}", "syntax", "line 1, column 13" },
    { "{\"a\":1,}", "syntax", "trailing comma" },
    { "{\"a\":[1,]}", "syntax", "trailing comma" },
    { "{,}", "syntax", "a comma where a value belongs" },
    { "{\"a\":[1}", "syntax", "the array opened at line 1, column 6" },
    { "]", "syntax", "without an opening" },
    { "{\"a\":01}", "syntax", "leading zeros" },
    { "{\"a\":+1}", "syntax", NULL },
    { "{\"a\":1.}", "syntax", "decimal point" },
    { "{\"a\":.5}", "syntax", NULL },
    { "{\"a\":-}", "syntax", NULL },
    { "{\"a\":1e}", "syntax", "exponent" },
    { "{\"a\":0x10}", "syntax", NULL },
    { "{\"a\":NaN}", "syntax", NULL },
    { "{\"a\":Infinity}", "syntax", NULL },
    { "{\"a\":tru}", "syntax", NULL },
    { "{\"a\":nul}", "syntax", NULL },
    { "{'a':1}", "syntax", NULL },
    { "{a:1}", "syntax", NULL },
    { "{\"a\":\"x\ny\"}", "syntax", "control character" },
    { "{\"a\":\"x\ty\"}", "syntax", "control character" },
    { "{\"a\":\"\\x41\"}", "syntax", "escape" },
    { "{\"a\":\"\\u12G4\"}", "syntax", "four hex digits" },
    { "{\"a\":\"abc}", "syntax", "not terminated" },
    { "{\f}", "syntax", NULL },
    { "{\v\"a\":1}", "syntax", NULL },
    { "{\"Name\":\"a\\u0000b\"}", "nul", "\\u0000" },
    { "{\"a\":1234567890123456789012345678901234567890123456789012345678901234"
      "5}",
      "syntax", "longer than 63" },
    { "/* comment */ {}", "syntax", NULL },
};

static void test_malformed_documents(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(doc_cases) / sizeof(doc_cases[0]); i++) {
        const struct doc_case *c = &doc_cases[i];
        struct diag_list d;
        struct fuota_task t;
        run(c->text, &d, &t);
        const struct diag *x = expect(&d, DIAG_ERROR, "", c->rule, c->text);
        if (c->in_message && !strstr(x->message, c->in_message)) {
            print_message("# '%s': message '%s' lacks '%s'\n", c->text,
                          x->message, c->in_message);
            fail();
        }
        done(&d, &t, NULL);
    }
}

static void test_nul_bytes_and_sizes(void **state)
{
    (void)state;
    struct diag_list d;
    struct fuota_task t;
    /* A NUL byte inside the text, found by length, not by strlen. */
    const char with_nul[] = "{\"Name\":\"a\0b\"}";
    assert_false(run_len(with_nul, sizeof(with_nul) - 1, &d, &t));
    const struct diag *x = expect(&d, DIAG_ERROR, "", "syntax", "NUL");
    assert_non_null(strstr(x->message, "NUL byte at line 1, column 11"));
    done(&d, &t, NULL);
    const char nul_after[] = "{}\0";
    assert_false(run_len(nul_after, sizeof(nul_after) - 1, &d, &t));
    expect(&d, DIAG_ERROR, "", "syntax", "NUL after");
    done(&d, &t, NULL);

    /* The text need not be NUL-terminated. */
    char *s = doc(NULL, NULL);
    size_t n = strlen(s);
    char *exact = malloc(n);
    assert_non_null(exact);
    memcpy(exact, s, n);
    assert_true(run_len(exact, n, &d, &t));
    expect_clean(&d, "unterminated buffer");
    done(&d, &t, exact);

    /* Exactly TASK_JSON_MAX bytes is fine, one more is too large. */
    char *big = malloc(TASK_JSON_MAX + 1);
    assert_non_null(big);
    memset(big, ' ', TASK_JSON_MAX + 1);
    memcpy(big, s, n);
    assert_true(run_len(big, TASK_JSON_MAX, &d, &t));
    expect_clean(&d, "TASK_JSON_MAX bytes");
    done(&d, &t, NULL);
    assert_false(run_len(big, TASK_JSON_MAX + 1, &d, &t));
    x = expect(&d, DIAG_ERROR, "", "too-large", "one byte over");
    assert_non_null(strstr(x->message, "1048577 bytes"));
    done(&d, &t, big);
    free(s);

    assert_false(run_len(NULL, 0, &d, &t));
    expect(&d, DIAG_ERROR, "", "empty", "NULL");
    done(&d, &t, NULL);
}

static void test_nesting(void **state)
{
    (void)state;
    struct diag_list d;
    struct fuota_task t;
    /* Depth 32 (the object plus 31 arrays) is read; 33 is refused. */
    for (size_t depth = 31; depth <= 33; depth++) {
        char *open = rep("[", depth - 1), *close = rep("]", depth - 1);
        struct buf b = { 0 };
        puts_(&b, "{\"Deep\":");
        puts_(&b, open);
        puts_(&b, close);
        puts_(&b, "}");
        bool ok = run(b.s, &d, &t);
        if (depth <= TASK_JSON_DEPTH_MAX) {
            assert_true(ok);
            expect(&d, DIAG_ERROR, "Deep", "unknown-member", "depth ok");
        } else {
            assert_false(ok);
            expect(&d, DIAG_ERROR, "", "too-deep", "depth 33");
        }
        done(&d, &t, b.s);
        free(open);
        free(close);
    }
    /* Absurd nesting: a megabyte of brackets, no recursion. */
    char *deep = rep("[", TASK_JSON_MAX);
    assert_false(run_len(deep, TASK_JSON_MAX, &d, &t));
    const struct diag *x = expect(&d, DIAG_ERROR, "", "too-deep", "absurd");
    assert_non_null(strstr(x->message, "column 33"));
    done(&d, &t, deep);
    deep = rep("{\"a\":", 100000);
    assert_false(run(deep, &d, &t));
    expect(&d, DIAG_ERROR, "", "too-deep", "objects");
    done(&d, &t, deep);
}

/* ---- warnings -------------------------------------------------------------
 */

struct warn_case {
    const char *member;
    const char *value; /* JSON */
    const char *rule;  /* NULL: no warning at the path */
};

static const struct warn_case warn_cases[] = {
    { "FirmwareUpdateImage", "\"s3://my-bucket/fw.bin\"", NULL },
    { "FirmwareUpdateImage", "\"s3://my.bucket-2/a/b/c\"", NULL },
    { "FirmwareUpdateImage", "\"https://my-bucket.s3.amazonaws.com/fw\"",
      "s3-uri" },
    { "FirmwareUpdateImage", "\"my-bucket/fw.bin\"", "s3-uri" },
    { "FirmwareUpdateImage", "\"S3://my-bucket/fw.bin\"", "s3-uri" },
    { "FirmwareUpdateImage", "\"s3://My_Bucket/fw.bin\"", "s3-uri" },
    { "FirmwareUpdateImage", "\"s3://ab/fw.bin\"", "s3-uri" },
    { "FirmwareUpdateImage", "\"s3://abc/fw.bin\"", NULL },
    { "FirmwareUpdateImage",
      "\"s3://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/"
      "k\"",
      NULL }, /* 63 */
    { "FirmwareUpdateImage",
      "\"s3://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/"
      "k\"",
      "s3-uri" }, /* 64 */
    { "FirmwareUpdateImage", "\"s3://my-bucket\"", "s3-uri" },
    { "FirmwareUpdateImage", "\"s3://my-bucket/\"", "s3-uri" },
    { "FirmwareUpdateImage", "\"s3://192.168.1.10/fw\"", "s3-uri" },
    { "FirmwareUpdateImage", "\"s3://my..bucket/fw\"", "s3-uri" },
    { "FirmwareUpdateImage", "\"s3://-bucket/fw\"", "s3-uri" },
    { "FirmwareUpdateImage", "\"s3://bucket-/fw\"", "s3-uri" },
    { "FirmwareUpdateImage", "\"s3://xn--bucket/fw\"", "s3-uri" },
    { "FirmwareUpdateRole", "\"arn:aws:iam::123456789012:role/R\"", NULL },
    { "FirmwareUpdateRole",
      "\"arn:aws-cn:iam::123456789012:role/service-role/R_1+=,.@-\"", NULL },
    { "FirmwareUpdateRole", "\"arn:aws-us-gov:iam::123456789012:role/R\"",
      NULL },
    { "FirmwareUpdateRole", "\"arn:aws:iam::12345678901:role/R\"", "role-arn" },
    { "FirmwareUpdateRole", "\"arn:aws:iam::1234567890123:role/R\"",
      "role-arn" },
    { "FirmwareUpdateRole", "\"arn:aws:iam::123456789012:user/R\"",
      "role-arn" },
    { "FirmwareUpdateRole", "\"arn:aws:s3:::bucket\"", "role-arn" },
    { "FirmwareUpdateRole", "\"arn:azure:iam::123456789012:role/R\"",
      "role-arn" },
    { "FirmwareUpdateRole", "\"arn:aws:iam:eu-west-1:123456789012:role/R\"",
      "role-arn" },
    { "FirmwareUpdateRole", "\"arn:aws:iam::123456789012:role/\"", "role-arn" },
    { "FirmwareUpdateRole", "\"FuotaRole\"", "role-arn" },
    { "FirmwareUpdateRole",
      "\"arn:aws:iam::123456789012:role/"
      "RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR\"",
      NULL }, /* 64-character name */
    { "FirmwareUpdateRole",
      "\"arn:aws:iam::123456789012:role/"
      "RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR\"",
      "role-arn" }, /* 65 */
    { "FirmwareUpdateRole", "\"arn:aws:iam::123456789012:role/a b\"",
      "role-arn" },
    { "Name", "\"fw-update_1\"", NULL },
    { "Name", "\"fw update\"", "console-name" },
    { "Name", "\"fw.update\"", "console-name" },
    { "Name", "\"\"", "console-name" },
    { "Name", "\"caf\\u00e9\"", "console-name" },
    { "RedundancyPercent", "0", "no-redundancy" },
    { "RedundancyPercent", "1", NULL },
    { "FragmentIntervalMS", "1000", NULL },
    { "FragmentIntervalMS", "3000", NULL },
    { "FragmentIntervalMS", "1500", "interval-rounding" },
    { "FragmentIntervalMS", "499", "interval-rounding" },
    { "LoRaWAN", NULL, "no-region" },
    { "LoRaWAN", "{}", "no-region" },
};

static void test_warnings(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(warn_cases) / sizeof(warn_cases[0]); i++) {
        const struct warn_case *c = &warn_cases[i];
        char *s = doc(c->member, c->value);
        const char *path =
            strcmp(c->member, "LoRaWAN") == 0 ? "LoRaWAN.RfRegion" : c->member;
        char what[200];
        snprintf(what, sizeof(what), "%s = %s", c->member,
                 c->value ? c->value : "(absent)");
        struct diag_list d;
        struct fuota_task t;
        assert_true(run(s, &d, &t));
        /* Warnings never make a request invalid. */
        expect_no(&d, DIAG_ERROR, path, what);
        if (c->rule)
            expect(&d, DIAG_WARNING, path, c->rule, what);
        else
            expect_no(&d, DIAG_WARNING, path, what);
        done(&d, &t, s);
    }
    /* The rounding warning says what AWS will use. */
    char *s = doc("FragmentIntervalMS", "499");
    struct diag_list d;
    struct fuota_task t;
    run(s, &d, &t);
    const struct diag *x = expect(&d, DIAG_WARNING, "FragmentIntervalMS",
                                  "interval-rounding", "499");
    assert_non_null(strstr(x->message, "499 ms is sent as 0 s"));
    done(&d, &t, s);
}

/* ---- writing, round trips, equality, copies ------------------------------ */

static void test_wire_json(void **state)
{
    (void)state;
    struct diag_list d;
    struct fuota_task t;
    assert_true(run(full_request, &d, &t));
    char *out = task_to_json(&t, false);
    assert_non_null(out);
    assert_string_equal(
        out, "{\"Name\":\"sensor-fw-2-4-1\","
             "\"Description\":\"Firmware 2.4.1 \xC3\xA9t\xC3\xA9 "
             "\xF0\x9F\x98\x80\","
             "\"ClientRequestToken\":\"tok-1_A\","
             "\"LoRaWAN\":{\"RfRegion\":\"US915\"},"
             "\"FirmwareUpdateImage\":\"s3://example-bucket/fw/app.bin\","
             "\"FirmwareUpdateRole\":"
             "\"arn:aws:iam::123456789012:role/FuotaRole\","
             "\"Tags\":[{\"Key\":\"project\",\"Value\":\"sensors\"},"
             "{\"Key\":\"empty\",\"Value\":\"\"}],"
             "\"RedundancyPercent\":20,\"FragmentSizeBytes\":50,"
             "\"FragmentIntervalMS\":1000,\"Descriptor\":\"AAIEAQ==\"}");
    free(out);
    done(&d, &t, NULL);

    /* Unset optional members are left out. */
    task_init(&t);
    t.firmware_update_image = strdup("s3://b-1/k");
    t.firmware_update_role = strdup("r");
    out = task_to_json(&t, false);
    assert_string_equal(out, "{\"FirmwareUpdateImage\":\"s3://b-1/k\","
                             "\"FirmwareUpdateRole\":\"r\"}");
    free(out);
    /* RfRegion set goes under LoRaWAN; an empty Tags list stays. */
    t.rf_region = strdup("EU868");
    t.has_tags = true;
    t.has_redundancy_percent = true;
    t.redundancy_percent = 0;
    out = task_to_json(&t, false);
    assert_string_equal(out, "{\"LoRaWAN\":{\"RfRegion\":\"EU868\"},"
                             "\"FirmwareUpdateImage\":\"s3://b-1/k\","
                             "\"FirmwareUpdateRole\":\"r\",\"Tags\":[],"
                             "\"RedundancyPercent\":0}");
    free(out);
    out = task_to_json(&t, true);
    assert_string_equal(out, "{\n"
                             "  \"LoRaWAN\": {\n"
                             "    \"RfRegion\": \"EU868\"\n"
                             "  },\n"
                             "  \"FirmwareUpdateImage\": \"s3://b-1/k\",\n"
                             "  \"FirmwareUpdateRole\": \"r\",\n"
                             "  \"Tags\": [],\n"
                             "  \"RedundancyPercent\": 0\n"
                             "}");
    free(out);
    task_cleanup(&t);
    /* Extreme integers are written exactly. */
    task_init(&t);
    t.has_fragment_interval_ms = true;
    t.fragment_interval_ms = INT32_MAX;
    t.has_fragment_size_bytes = true;
    t.fragment_size_bytes = INT32_MIN;
    out = task_to_json(&t, false);
    assert_string_equal(out, "{\"FragmentSizeBytes\":-2147483648,"
                             "\"FragmentIntervalMS\":2147483647}");
    free(out);
    task_cleanup(&t);
}

static void round_trip(const char *text, bool pretty)
{
    struct diag_list d;
    struct fuota_task a, b;
    diag_list_init(&d);
    assert_true(task_from_json(text, strlen(text), &a, &d));
    char *out = task_to_json(&a, pretty);
    assert_non_null(out);
    diag_list_clear(&d);
    assert_true(task_from_json(out, strlen(out), &b, &d));
    if (!task_equal(&a, &b)) {
        print_message("# round trip differs:\n#  in:  %s\n#  out: %s\n", text,
                      out);
        fail();
    }
    /* Writing again gives the same text. */
    char *again = task_to_json(&b, pretty);
    assert_string_equal(out, again);
    free(again);
    free(out);
    task_cleanup(&a);
    task_cleanup(&b);
    diag_list_cleanup(&d);
}

static void test_round_trips(void **state)
{
    (void)state;
    const char *texts[] = {
        full_request,
        "{}",
        "{\"LoRaWAN\":{},\"Tags\":[]}",
        "{\"Name\":\"tab\\there \\\"quoted\\\" back\\\\slash \\/ \\b\\f\\n\\r"
        "\\u0001\"}",
        "{\"Name\":\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"}",
        "{\"Name\":\"bad \xC0\xAF utf-8 survives\"}",
        "{\"Tags\":[{\"Key\":\"only-key\"},{\"Value\":\"only-value\"},{}]}",
        "{\"RedundancyPercent\":-7,\"FragmentSizeBytes\":2147483647,"
        "\"FragmentIntervalMS\":-2147483648}",
        "{\"Name\":1,\"Tags\":[5,null],\"FragmentSizeBytes\":1.5}",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        round_trip(texts[i], false);
        round_trip(texts[i], true);
    }
    /* The 200-tag request too. */
    char *tj = tags_json(200), *s = doc("Tags", tj);
    round_trip(s, false);
    round_trip(s, true);
    free(tj);
    free(s);
}

static void mutate(struct fuota_task *t, int which)
{
    switch (which) {
    case 0:
        free(t->name);
        t->name = strdup("other");
        break;
    case 1:
        free(t->description);
        t->description = NULL;
        break;
    case 2:
        t->client_request_token[0] = 'X';
        break;
    case 3:
        t->rf_region[0] = 'A';
        break;
    case 4:
        t->firmware_update_image[5] = 'X';
        break;
    case 5:
        t->firmware_update_role[0] = 'X';
        break;
    case 6:
        t->tags[1].value[0] = 'X';
        break;
    case 7:
        t->tag_count = 1;
        break;
    case 8:
        t->redundancy_percent++;
        break;
    case 9:
        t->has_fragment_size_bytes = false;
        break;
    case 10:
        t->fragment_interval_ms = 2000;
        break;
    case 11:
        t->descriptor[0] = 'B';
        break;
    case 12:
        t->has_lorawan = false;
        free(t->rf_region);
        t->rf_region = NULL;
        break;
    case 13:
        t->tags[0].key[0] = 'P';
        break;
    }
}

static void test_equal_and_copy(void **state)
{
    (void)state;
    struct diag_list d;
    struct fuota_task a, b;
    diag_list_init(&d);
    assert_true(task_from_json(full_request, strlen(full_request), &a, &d));
    assert_true(task_copy(&b, &a));
    assert_true(task_equal(&a, &b));
    assert_true(task_equal(&b, &a));
    /* The copy is deep. */
    assert_ptr_not_equal(a.name, b.name);
    assert_ptr_not_equal(a.tags, b.tags);
    for (int which = 0; which < 14; which++) {
        struct fuota_task c;
        assert_true(task_copy(&c, &a));
        size_t count = c.tag_count;
        mutate(&c, which);
        if (task_equal(&a, &c) || task_equal(&c, &a)) {
            print_message("# change %d not seen\n", which);
            fail();
        }
        c.tag_count = count;
        task_cleanup(&c);
    }
    /* Unset and empty are different parameters. */
    struct fuota_task e1, e2;
    task_init(&e1);
    task_init(&e2);
    assert_true(task_equal(&e1, &e2));
    e2.has_tags = true;
    assert_false(task_equal(&e1, &e2));
    e2.has_tags = false;
    e2.name = strdup("");
    assert_false(task_equal(&e1, &e2));
    assert_false(task_equal(&e2, &e1));
    task_cleanup(&e2);
    /* A value of a member that is not set does not count. */
    e1.fragment_size_bytes = 7;
    assert_true(task_equal(&e1, &e2));
    /* Copies of empty tasks; cleanup twice is safe. */
    assert_true(task_copy(&e2, &e1));
    assert_true(task_equal(&e1, &e2));
    task_cleanup(&e2);
    task_cleanup(&e2);
    task_cleanup(&a);
    task_cleanup(&b);
    diag_list_cleanup(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_and_full_are_clean),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_json_escapes_count_as_characters),
        cmocka_unit_test(test_surrogate_escapes),
        cmocka_unit_test(test_byte_order_mark),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_number_literals_follow_document_order),
        cmocka_unit_test(test_patterns),
        cmocka_unit_test(test_rf_region),
        cmocka_unit_test(test_lorawan_shape),
        cmocka_unit_test(test_tags),
        cmocka_unit_test(test_required_and_members),
        cmocka_unit_test(test_all_problems_reported),
        cmocka_unit_test(test_diagnostics_are_capped),
        cmocka_unit_test(test_malformed_documents),
        cmocka_unit_test(test_nul_bytes_and_sizes),
        cmocka_unit_test(test_nesting),
        cmocka_unit_test(test_warnings),
        cmocka_unit_test(test_wire_json),
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_equal_and_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
