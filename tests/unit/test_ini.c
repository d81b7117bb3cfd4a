#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/ini.h"

static const char *get(const struct ini_doc *d, const char *sec,
                       const char *key)
{
    size_t i = ini_section_index(d, sec);
    if (i == (size_t)-1)
        return NULL;
    const struct ini_entry *e = ini_get(d, i, key);
    return e ? e->value : NULL;
}

static void test_parse_ok(void **state)
{
    (void)state;
    static const char text[] = "\xEF\xBB\xBF# comment\r\n"
                               "; another\n"
                               "[default]\n"
                               "Region = eu-west-1 \n"
                               "output:json\n"
                               "empty =\n"
                               "\n"
                               "  [ profile  x ]  # trailing comment\n"
                               "s3 =\n"
                               "  max_concurrent_requests = 10\n"
                               "\tmultipart_threshold: 64MB\n"
                               "note = first\n"
                               "   second\n"
                               "hash = a # not a comment\n"
                               "url = http://h:1/p?a=b\n"
                               "[a]]\n"
                               "k=v=w\n"
                               "[last]";
    struct ini_doc d;
    unsigned line = 99;
    char err[64] = "x";
    assert_int_equal(
        ini_parse(&d, text, sizeof(text) - 1, &line, err, sizeof(err)), INI_OK);
    assert_int_equal(line, 0);
    assert_string_equal(err, "");
    assert_int_equal(d.section_count, 4);
    assert_string_equal(d.sections[1].name, "profile  x");
    assert_int_equal(d.sections[1].line, 8);
    assert_string_equal(get(&d, "default", "region"), "eu-west-1");
    assert_string_equal(get(&d, "default", "output"), "json");
    assert_string_equal(get(&d, "default", "empty"), "");
    assert_string_equal(get(&d, "profile  x", "s3"), "");
    assert_string_equal(get(&d, "profile  x", "s3.max_concurrent_requests"),
                        "10");
    assert_string_equal(get(&d, "profile  x", "s3.multipart_threshold"),
                        "64MB");
    assert_string_equal(get(&d, "profile  x", "note"), "first\nsecond");
    assert_string_equal(get(&d, "profile  x", "hash"), "a # not a comment");
    assert_string_equal(get(&d, "profile  x", "url"), "http://h:1/p?a=b");
    assert_string_equal(get(&d, "a]", "k"), "v=w");
    assert_non_null(ini_section(&d, "last"));
    assert_null(ini_section(&d, "nope"));
    assert_null(get(&d, "default", "nope"));
    size_t di = ini_section_index(&d, "default");
    assert_int_equal(ini_get(&d, di, "output")->line, 5);
    ini_cleanup(&d);
    ini_cleanup(&d);
    ini_cleanup(NULL);
}

static void test_parse_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        enum ini_status want;
        unsigned line;
    } cases[] = {
        { "key = v\n", INI_E_NO_SECTION, 1 },
        { "# c\n\n[s]\nnot a pair\n", INI_E_SYNTAX, 4 },
        { "[s]\n= value\n", INI_E_SYNTAX, 2 },
        { "[s\n", INI_E_SYNTAX, 1 },
        { "[]\n", INI_E_SYNTAX, 1 },
        { "[ ]\n", INI_E_SYNTAX, 1 },
        { "[s] x\n", INI_E_SYNTAX, 1 },
        { "[s]\n[t]\n[s]\n", INI_E_DUPLICATE_SECTION, 3 },
        { "[s]\na=1\nA=2\n", INI_E_DUPLICATE_KEY, 3 },
        { "[s]\nn =\n  x = 1\n  x = 2\n", INI_E_DUPLICATE_KEY, 4 },
        { "[s]\nn =\n  not nested\n", INI_E_SYNTAX, 3 },
        { "[s]\nkey\n", INI_E_SYNTAX, 2 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct ini_doc d;
        unsigned line = 0;
        char err[80];
        enum ini_status st = ini_parse(&d, cases[i].text, strlen(cases[i].text),
                                       &line, err, sizeof(err));
        if (st != cases[i].want || line != cases[i].line)
            fail_msg("case %zu: %s at %u", i, ini_status_message(st), line);
        char want[80];
        snprintf(want, sizeof(want), "line %u: %s", cases[i].line,
                 ini_status_message(cases[i].want));
        assert_string_equal(err, want);
        ini_cleanup(&d);
    }
    /* Error output is optional. */
    struct ini_doc d;
    assert_int_equal(ini_parse(&d, "x=1", 3, NULL, NULL, 0), INI_E_NO_SECTION);
    ini_cleanup(&d);
    assert_int_equal(ini_parse(&d, NULL, 5, NULL, NULL, 0), INI_OK);
    assert_int_equal(d.section_count, 0);
    ini_cleanup(&d);
    assert_string_equal(ini_status_message((enum ini_status)50),
                        "unknown status");
}

static void test_blank_line_ends_value(void **state)
{
    (void)state;
    /* An indented line after a blank line is a key of its own. */
    static const char text[] = "[s]\na = 1\n\n  b = 2\n";
    struct ini_doc d;
    assert_int_equal(ini_parse(&d, text, sizeof(text) - 1, NULL, NULL, 0),
                     INI_OK);
    assert_string_equal(get(&d, "s", "a"), "1");
    assert_string_equal(get(&d, "s", "b"), "2");
    ini_cleanup(&d);
}

static void test_many_entries(void **state)
{
    (void)state;
    char text[20000];
    size_t n = 0;
    for (int s = 0; s < 30; s++) {
        n += (size_t)snprintf(text + n, sizeof(text) - n, "[s%d]\n", s);
        for (int k = 0; k < 20; k++)
            n += (size_t)snprintf(text + n, sizeof(text) - n, "k%d = %d\n", k,
                                  s * 100 + k);
    }
    struct ini_doc d;
    assert_int_equal(ini_parse(&d, text, n, NULL, NULL, 0), INI_OK);
    assert_int_equal(d.section_count, 30);
    assert_int_equal(d.entry_count, 600);
    assert_string_equal(get(&d, "s29", "k19"), "2919");
    ini_cleanup(&d);
}

/* Key pairs of a section: every status, with the line it names. */
static void test_keys(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        enum ini_keys_status want;
        const char *msg; /* ini_keys_error, NULL for OK / NONE */
    } cases[] = {
        { "[a]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n",
          INI_KEYS_OK, NULL },
        { "[a]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n"
          "aws_session_token = t\n",
          INI_KEYS_OK, NULL },
        { "[a]\nregion = eu-west-1\n", INI_KEYS_NONE, NULL },
        { "[a]\naws_session_token = t\n", INI_KEYS_NONE, NULL },
        { "[a]\naws_access_key_id =\naws_secret_access_key =\n", INI_KEYS_NONE,
          NULL },
        { "[a]\n\naws_access_key_id = AKIA1\n", INI_KEYS_PARTIAL,
          "f:3: [a] has aws_access_key_id but no aws_secret_access_key "
          "(partial credentials)" },
        { "[a]\naws_secret_access_key = s\n", INI_KEYS_PARTIAL,
          "f:2: [a] has aws_secret_access_key but no aws_access_key_id" },
        { "[a]\naws_access_key_id = AK/IA\naws_secret_access_key = s\n",
          INI_KEYS_BAD_ID, "f:2: aws_access_key_id has blanks, '/'" },
        { "[a]\naws_access_key_id = AKIA1\naws_secret_access_key = s e\n",
          INI_KEYS_BAD_SECRET,
          "f:3: aws_secret_access_key has blanks or control characters" },
        { "[a]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n"
          "aws_security_token = t \x01\n",
          INI_KEYS_BAD_TOKEN,
          "f:4: aws_security_token has blanks or control characters" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct ini_doc doc;
        assert_int_equal(ini_parse(&doc, cases[i].text, strlen(cases[i].text),
                                   NULL, NULL, 0),
                         INI_OK);
        struct ini_keys k;
        enum ini_keys_status st = ini_keys(&doc, 0, &k);
        if (st != cases[i].want)
            fail_msg("case %zu: status %d", i, (int)st);
        if (cases[i].msg) {
            char buf[256];
            ini_keys_error(&doc, 0, st, &k, "f", buf, sizeof(buf));
            if (!strstr(buf, cases[i].msg))
                fail_msg("case %zu: '%s'", i, buf);
            /* never a value */
            assert_null(strstr(buf, "AK/IA"));
            assert_null(strstr(buf, "s e"));
        }
        ini_cleanup(&doc);
    }
}

static void test_key_values_and_profiles(void **state)
{
    (void)state;
    char id128[130], id129[131];
    memset(id128, 'A', 128);
    id128[128] = '\0';
    memset(id129, 'A', 129);
    id129[129] = '\0';
    assert_true(ini_key_id_valid("AKIA0"));
    assert_true(ini_key_id_valid(id128));
    assert_false(ini_key_id_valid(id129));
    assert_false(ini_key_id_valid(""));
    assert_false(ini_key_id_valid(NULL));
    assert_false(ini_key_id_valid("AK IA"));
    assert_false(ini_key_id_valid("AK/IA"));
    assert_true(ini_secret_valid("a/b+c="));
    assert_false(ini_secret_valid("a\tb"));
    assert_false(ini_secret_valid("\x7f"));
    assert_false(ini_secret_valid("caf\xc3\xa9"));
    assert_string_equal(ini_profile_name("profile prod"), "prod");
    assert_string_equal(ini_profile_name("profile \t prod"), "prod");
    assert_string_equal(ini_profile_name("profileprod"), "profileprod");
    assert_string_equal(ini_profile_name("default"), "default");
    assert_string_equal(ini_profile_name("profile"), "profile");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ok),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_blank_line_ends_value),
        cmocka_unit_test(test_many_entries),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_key_values_and_profiles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
