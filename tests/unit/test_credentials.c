#include <limits.h>
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
#include <sodium.h>

#include "aws/credentials.h"
#include "sim/keyring.h"

static char fixtures[PATH_MAX];
/* fixtures as found; paths built from it stay well under these sizes */
static char tmpdir[PATH_MAX];

static const char *const aws_vars[] = {
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_IOT_WIRELESS",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_CONFIG_FILE",
    "AWS_MAX_ATTEMPTS",
};

static const char *fx(const char *name)
{
    static char buf[4][PATH_MAX + 64];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof(buf[k]), "%s/%s", fixtures, name);
    return buf[k];
}

/* A clean AWS environment: no variables, HOME without ~/.aws. */
static int clean_env(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(aws_vars) / sizeof(*aws_vars); i++)
        unsetenv(aws_vars[i]);
    setenv("HOME", tmpdir, 1);
    return 0;
}

/* The fixture files as the shared credentials and config files. */
static void use_fixtures(void)
{
    setenv("AWS_SHARED_CREDENTIALS_FILE", fx("credentials"), 1);
    setenv("AWS_CONFIG_FILE", fx("config"), 1);
}

static enum aws_cred_status resolve(const struct aws_resolve_options *opt,
                                    struct aws_credentials *c, char *err)
{
    enum aws_cred_status st = aws_resolve(opt, c, err, AWS_CRED_ERR_MAX);
    /* No message ever carries a secret of the fixtures. */
    assert_null(strstr(err, "Secret0"));
    assert_null(strstr(err, "TOKEN0"));
    return st;
}

static void test_default_profile(void **state)
{
    (void)state;
    use_fixtures();
    struct aws_credentials c;
    char err[AWS_CRED_ERR_MAX];
    assert_int_equal(resolve(NULL, &c, err), AWS_CRED_OK);
    assert_string_equal(c.profile, "default");
    assert_int_equal(c.profile_source, AWS_SRC_DEFAULT);
    assert_string_equal(c.access_key_id, "AKIADEFAULT000000001");
    assert_string_equal(c.secret_access_key,
                        "defaultSecretKey/000000000000000000000001");
    assert_null(c.session_token);
    assert_int_equal(c.key_source, AWS_SRC_CREDENTIALS_FILE);
    char want[PATH_MAX + 256];
    snprintf(want, sizeof(want), "%s:3 [default]", fx("credentials"));
    assert_string_equal(c.key_from, want);
    assert_string_equal(c.region, "eu-west-1");
    assert_int_equal(c.region_source, AWS_SRC_CONFIG_FILE);
    snprintf(want, sizeof(want), "%s:3 [default]", fx("config"));
    assert_string_equal(c.region_from, want);
    assert_string_equal(c.endpoint_url,
                        "https://api.iotwireless.eu-west-1.amazonaws.com");
    assert_int_equal(c.endpoint_source, AWS_SRC_DEFAULT);
    struct sigv4_credentials s = aws_credentials_sigv4(&c);
    assert_ptr_equal(s.access_key_id, c.access_key_id);
    assert_ptr_equal(s.secret_access_key, c.secret_access_key);
    aws_credentials_cleanup(&c);
    aws_credentials_cleanup(&c);
    aws_credentials_cleanup(NULL);
}

static void test_profile_selection(void **state)
{
    (void)state;
    use_fixtures();
    struct aws_credentials c;
    char err[AWS_CRED_ERR_MAX];

    setenv("AWS_DEFAULT_PROFILE", "both", 1);
    assert_int_equal(resolve(NULL, &c, err), AWS_CRED_OK);
    assert_string_equal(c.profile, "both");
    assert_string_equal(c.profile_from, "environment AWS_DEFAULT_PROFILE");
    aws_credentials_cleanup(&c);

    setenv("AWS_PROFILE", "prod", 1); /* wins over AWS_DEFAULT_PROFILE */
    assert_int_equal(resolve(NULL, &c, err), AWS_CRED_OK);
    assert_string_equal(c.profile, "prod");
    assert_int_equal(c.profile_source, AWS_SRC_ENV);
    assert_string_equal(c.profile_from, "environment AWS_PROFILE");
    assert_string_equal(c.access_key_id, "AKIAPROD00000000002");
    assert_string_equal(c.session_token, "PRODTOKEN000000000000000000002");
    assert_string_equal(c.region, "us-east-2");
    assert_string_equal(c.endpoint_url, "https://iotwireless.example.test");
    assert_int_equal(c.endpoint_source, AWS_SRC_CONFIG_FILE);
    aws_credentials_cleanup(&c);

    struct aws_resolve_options opt = { .profile = "cfgkeys" };
    assert_int_equal(resolve(&opt, &c, err), AWS_CRED_OK);
    assert_string_equal(c.profile, "cfgkeys");
    assert_int_equal(c.profile_source, AWS_SRC_OPTION);
    assert_string_equal(c.profile_from, "--profile");
    assert_string_equal(c.access_key_id, "AKIACFGKEYS00000006");
    assert_int_equal(c.key_source, AWS_SRC_CONFIG_FILE);
    assert_string_equal(c.region, "sa-east-1");
    aws_credentials_cleanup(&c);
}

static void test_env_keys_win_without_explicit_profile(void **state)
{
    (void)state;
    use_fixtures();
    setenv("AWS_PROFILE", "prod", 1);
    setenv("AWS_ACCESS_KEY_ID", "AKIAENV0000000000001", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "envSecret0000000000000000000000001", 1);
    setenv("AWS_SESSION_TOKEN", "ENVTOKEN0000000000001", 1);
    struct aws_credentials c;
    char err[AWS_CRED_ERR_MAX];
    assert_int_equal(resolve(NULL, &c, err), AWS_CRED_OK);
    assert_string_equal(c.access_key_id, "AKIAENV0000000000001");
    assert_string_equal(c.session_token, "ENVTOKEN0000000000001");
    assert_int_equal(c.key_source, AWS_SRC_ENV);
    assert_string_equal(c.key_from, "environment AWS_ACCESS_KEY_ID");
    /* region still comes from the profile */
    assert_string_equal(c.region, "us-east-2");
    aws_credentials_cleanup(&c);

    /* An explicit profile negates the environment keys (botocore). */
    struct aws_resolve_options opt = { .profile = "prod" };
    assert_int_equal(resolve(&opt, &c, err), AWS_CRED_OK);
    assert_string_equal(c.access_key_id, "AKIAPROD00000000002");
    assert_string_equal(c.session_token, "PRODTOKEN000000000000000000002");
    aws_credentials_cleanup(&c);

    /* legacy AWS_SECURITY_TOKEN */
    unsetenv("AWS_SESSION_TOKEN");
    setenv("AWS_SECURITY_TOKEN", "LEGACYTOKEN1", 1);
    assert_int_equal(resolve(NULL, &c, err), AWS_CRED_OK);
    assert_string_equal(c.session_token, "LEGACYTOKEN1");
    aws_credentials_cleanup(&c);
    unsetenv("AWS_SECURITY_TOKEN");
    assert_int_equal(resolve(NULL, &c, err), AWS_CRED_OK);
    assert_null(c.session_token);
    aws_credentials_cleanup(&c);
}

static void test_env_only_without_files(void **state)
{
    (void)state;
    /* No files at all: the default profile may be absent. */
    setenv("AWS_ACCESS_KEY_ID", "AKIAENV0000000000001", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "envSecret0000000000000000000000001", 1);
    setenv("AWS_DEFAULT_REGION", "ca-central-1", 1);
    struct aws_credentials c;
    char err[AWS_CRED_ERR_MAX];
    assert_int_equal(resolve(NULL, &c, err), AWS_CRED_OK);
    assert_string_equal(c.region, "ca-central-1");
    assert_string_equal(c.region_from, "environment AWS_DEFAULT_REGION");
    setenv("AWS_REGION", "us-west-2", 1);
    aws_credentials_cleanup(&c);
    assert_int_equal(resolve(NULL, &c, err), AWS_CRED_OK);
    assert_string_equal(c.region, "us-west-2");
    assert_string_equal(c.region_from, "environment AWS_REGION");
    aws_credentials_cleanup(&c);
    /* Empty variables count as unset. */
    setenv("AWS_REGION", "", 1);
    setenv("AWS_DEFAULT_REGION", "", 1);
    assert_int_equal(resolve(NULL, &c, err), AWS_CRED_E_NO_REGION);
    assert_non_null(strstr(err, "you must specify a region"));
    aws_credentials_cleanup(&c);
}

static void test_credentials_file_wins_over_config(void **state)
{
    (void)state;
    use_fixtures();
    struct aws_resolve_options opt = { .profile = "both" };
    struct aws_credentials c;
    char err[AWS_CRED_ERR_MAX];
    assert_int_equal(resolve(&opt, &c, err), AWS_CRED_OK);
    assert_string_equal(c.access_key_id, "AKIABOTHCRED0000003");
    assert_int_equal(c.key_source, AWS_SRC_CREDENTIALS_FILE);
    /* a region in the credentials file overrides the config one */
    assert_string_equal(c.region, "ap-south-1");
    assert_int_equal(c.region_source, AWS_SRC_CREDENTIALS_FILE);
    aws_credentials_cleanup(&c);

    /* case-insensitive keys and ':' as the delimiter */
    opt.profile = "withregion";
    assert_int_equal(resolve(&opt, &c, err), AWS_CRED_E_NO_REGION);
    aws_credentials_cleanup(&c);
    opt.region_optional = true;
    assert_int_equal(resolve(&opt, &c, err), AWS_CRED_OK);
    assert_string_equal(c.access_key_id, "AKIAWITHREGION00004");
    assert_string_equal(c.secret_access_key,
                        "withRegionSecret00000000000000000000004");
    assert_null(c.region);
    assert_null(c.endpoint_url);
    assert_int_equal(c.endpoint_source, AWS_SRC_NONE);
    aws_credentials_cleanup(&c);
}

static void test_region_precedence(void **state)
{
    (void)state;
    use_fixtures();
    struct aws_resolve_options opt = { .profile = "prod" };
    struct aws_credentials c;
    char err[AWS_CRED_ERR_MAX];
    static const struct {
        const char *option, *aws_region, *default_region, *want, *from;
    } cases[] = {
        { NULL, NULL, NULL, "us-east-2", NULL },
        { NULL, NULL, "eu-north-1", "eu-north-1",
          "environment AWS_DEFAULT_REGION" },
        { NULL, "eu-south-1", "eu-north-1", "eu-south-1",
          "environment AWS_REGION" },
        { "me-south-1", "eu-south-1", "eu-north-1", "me-south-1", "--region" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        opt.region = cases[i].option;
        if (cases[i].aws_region)
            setenv("AWS_REGION", cases[i].aws_region, 1);
        if (cases[i].default_region)
            setenv("AWS_DEFAULT_REGION", cases[i].default_region, 1);
        assert_int_equal(resolve(&opt, &c, err), AWS_CRED_OK);
        assert_string_equal(c.region, cases[i].want);
        if (cases[i].from)
            assert_string_equal(c.region_from, cases[i].from);
        aws_credentials_cleanup(&c);
    }
}

static void test_endpoint_precedence(void **state)
{
    (void)state;
    use_fixtures();
    struct aws_resolve_options opt = { .profile = "svc" };
    struct aws_credentials c;
    char err[AWS_CRED_ERR_MAX];

    /* [services local] iot_wireless.endpoint_url beats endpoint_url */
    assert_int_equal(resolve(&opt, &c, err), AWS_CRED_OK);
    assert_string_equal(c.endpoint_url, "http://127.0.0.1:8765");
    assert_int_equal(c.endpoint_source, AWS_SRC_CONFIG_FILE);
    assert_non_null(strstr(c.endpoint_from, "[services local]"));
    aws_credentials_cleanup(&c);

    setenv("AWS_ENDPOINT_URL", "http://localhost:1111", 1);
    assert_int_equal(resolve(&opt, &c, err), AWS_CRED_OK);
    assert_string_equal(c.endpoint_url, "http://localhost:1111");
    assert_string_equal(c.endpoint_from, "environment AWS_ENDPOINT_URL");
    aws_credentials_cleanup(&c);

    setenv("AWS_ENDPOINT_URL_IOT_WIRELESS", "http://localhost:2222", 1);
    assert_int_equal(resolve(&opt, &c, err), AWS_CRED_OK);
    assert_string_equal(c.endpoint_url, "http://localhost:2222");
    assert_int_equal(c.endpoint_source, AWS_SRC_ENV);
    aws_credentials_cleanup(&c);

    opt.endpoint_url = "http://127.0.0.1:3333";
    assert_int_equal(resolve(&opt, &c, err), AWS_CRED_OK);
    assert_string_equal(c.endpoint_url, "http://127.0.0.1:3333");
    assert_int_equal(c.endpoint_source, AWS_SRC_OPTION);
    assert_string_equal(c.endpoint_from, "--endpoint");
    aws_credentials_cleanup(&c);
    opt.endpoint_url = NULL;

    /* AWS_IGNORE_CONFIGURED_ENDPOINT_URLS drops env and file endpoints */
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE", 1);
    assert_int_equal(resolve(&opt, &c, err), AWS_CRED_OK);
    assert_string_equal(c.endpoint_url,
                        "https://api.iotwireless.us-west-1.amazonaws.com");
    assert_int_equal(c.endpoint_source, AWS_SRC_DEFAULT);
    aws_credentials_cleanup(&c);
    unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_ENDPOINT_URL_IOT_WIRELESS");

    /* ... and so does the profile setting */
    opt.profile = "ignoring";
    assert_int_equal(resolve(&opt, &c, err), AWS_CRED_OK);
    assert_string_equal(c.endpoint_url,
                        "https://api.iotwireless.us-west-1.amazonaws.com");
    aws_credentials_cleanup(&c);
    /* an explicit false in the environment overrides the profile */
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false", 1);
    assert_int_equal(resolve(&opt, &c, err), AWS_CRED_OK);
    assert_string_equal(c.endpoint_url, "https://ignored.example.test");
    aws_credentials_cleanup(&c);

    /* China partition */
    opt.profile = "china";
    assert_int_equal(resolve(&opt, &c, err), AWS_CRED_OK);
    assert_string_equal(c.endpoint_url,
                        "https://api.iotwireless.cn-north-1.amazonaws.com.cn");
    aws_credentials_cleanup(&c);
}

static void test_errors(void **state)
{
    (void)state;
    use_fixtures();
    static const struct {
        const char *profile;
        enum aws_cred_status want;
        const char *msg;
    } cases[] = {
        { "nope", AWS_CRED_E_NO_PROFILE,
          "the config profile (nope) from --profile could not be found" },
        { "sso", AWS_CRED_E_NO_CREDENTIALS, "through 'sso_session'" },
        { "noregion", AWS_CRED_E_NO_REGION, "you must specify a region" },
        { "badregion", AWS_CRED_E_INVALID, "region 'EU West 1' from " },
        { "badurl", AWS_CRED_E_INVALID, "is not an http:// or https:// URL" },
        { "missingsvc", AWS_CRED_E_NO_PROFILE,
          "services section [services nowhere] not found" },
        { "bad]name", AWS_CRED_E_INVALID, "profile name from --profile" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct aws_resolve_options opt = { .profile = cases[i].profile };
        struct aws_credentials c;
        char err[AWS_CRED_ERR_MAX];
        enum aws_cred_status st = resolve(&opt, &c, err);
        if (st != cases[i].want || !strstr(err, cases[i].msg))
            fail_msg("%s: %s: %s", cases[i].profile,
                     aws_cred_status_message(st), err);
        aws_credentials_cleanup(&c);
    }
    /* The unknown-profile message names both files. */
    struct aws_resolve_options opt = { .profile = "nope" };
    struct aws_credentials c;
    char err[AWS_CRED_ERR_MAX];
    assert_int_equal(resolve(&opt, &c, err), AWS_CRED_E_NO_PROFILE);
    assert_non_null(strstr(err, fx("credentials")));
    assert_non_null(strstr(err, fx("config")));
    aws_credentials_cleanup(&c);
    /* From AWS_PROFILE too, even with keys in the environment. */
    setenv("AWS_PROFILE", "nope", 1);
    setenv("AWS_ACCESS_KEY_ID", "AKIAENV0000000000001", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "envSecret0000000000000000000000001", 1);
    assert_int_equal(resolve(NULL, &c, err), AWS_CRED_E_NO_PROFILE);
    assert_non_null(strstr(err, "environment AWS_PROFILE"));
    aws_credentials_cleanup(&c);
    /* keys_optional: the sso profile resolves its region. */
    opt.profile = "sso";
    opt.keys_optional = true;
    assert_int_equal(resolve(&opt, &c, err), AWS_CRED_OK);
    assert_null(c.access_key_id);
    assert_int_equal(c.key_source, AWS_SRC_NONE);
    assert_string_equal(c.region, "us-west-2");
    aws_credentials_cleanup(&c);
}

static void test_no_credentials_anywhere(void **state)
{
    (void)state;
    struct aws_credentials c;
    char err[AWS_CRED_ERR_MAX];
    assert_int_equal(resolve(NULL, &c, err), AWS_CRED_E_NO_CREDENTIALS);
    assert_non_null(strstr(err, "unable to locate credentials"));
    aws_credentials_cleanup(&c);
    /* HOME unset: no default files, still a clean error */
    unsetenv("HOME");
    assert_int_equal(resolve(NULL, &c, err), AWS_CRED_E_NO_CREDENTIALS);
    aws_credentials_cleanup(&c);
}

static void test_partial_credentials(void **state)
{
    (void)state;
    struct aws_credentials c;
    char err[AWS_CRED_ERR_MAX];
    setenv("AWS_ACCESS_KEY_ID", "AKIAENV0000000000001", 1);
    assert_int_equal(resolve(NULL, &c, err), AWS_CRED_E_PARTIAL);
    assert_non_null(strstr(err, "missing: AWS_SECRET_ACCESS_KEY"));
    aws_credentials_cleanup(&c);
    unsetenv("AWS_ACCESS_KEY_ID");
    setenv("AWS_SECRET_ACCESS_KEY", "envSecret0000000000000000000000001", 1);
    assert_int_equal(resolve(NULL, &c, err), AWS_CRED_E_PARTIAL);
    assert_non_null(strstr(err, "missing: AWS_ACCESS_KEY_ID"));
    aws_credentials_cleanup(&c);
    unsetenv("AWS_SECRET_ACCESS_KEY");

    setenv("AWS_ACCESS_KEY_ID", "AKIA ENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "envSecret0000000000000000000000001", 1);
    assert_int_equal(resolve(NULL, &c, err), AWS_CRED_E_INVALID);
    aws_credentials_cleanup(&c);
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");

    setenv("AWS_SHARED_CREDENTIALS_FILE", fx("partial-id"), 1);
    assert_int_equal(resolve(NULL, &c, err), AWS_CRED_E_PARTIAL);
    char want[PATH_MAX + 256];
    snprintf(want, sizeof(want),
             "%s:2: [default] has aws_access_key_id but no "
             "aws_secret_access_key",
             fx("partial-id"));
    assert_non_null(strstr(err, want));
    aws_credentials_cleanup(&c);

    struct aws_resolve_options opt = { .profile = "other" };
    setenv("AWS_SHARED_CREDENTIALS_FILE", fx("partial"), 1);
    assert_int_equal(resolve(&opt, &c, err), AWS_CRED_E_PARTIAL);
    snprintf(want, sizeof(want),
             "%s:5: [other] has aws_secret_access_key but no "
             "aws_access_key_id",
             fx("partial"));
    assert_non_null(strstr(err, want));
    aws_credentials_cleanup(&c);
}

static void test_malformed_files(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        unsigned line;
        const char *reason;
    } cases[] = {
        { "bad-syntax", 3, "expected '[section]' or 'name = value'" },
        { "no-section", 2, "'name = value' before any [section]" },
        { "duplicate-section", 4, "section appears twice" },
        { "duplicate-key", 3, "name appears twice in its section" },
        { "empty-section", 1, "expected '[section]'" },
        { "section-trailing", 1, "expected '[section]'" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        for (int as_config = 0; as_config < 2; as_config++) {
            clean_env(NULL);
            setenv(as_config ? "AWS_CONFIG_FILE"
                             : "AWS_SHARED_CREDENTIALS_FILE",
                   fx(cases[i].file), 1);
            struct aws_credentials c;
            char err[AWS_CRED_ERR_MAX], want[PATH_MAX + 256];
            assert_int_equal(resolve(NULL, &c, err), AWS_CRED_E_SYNTAX);
            snprintf(want, sizeof(want), "%s:%u: %s", fx(cases[i].file),
                     cases[i].line, cases[i].reason);
            if (strncmp(err, want, strlen(want)) != 0)
                fail_msg("got '%s' want '%s'", err, want);
            /* the bad line itself is never quoted */
            assert_null(strstr(err, "AKIAX"));
            assert_null(strstr(err, "this line"));
            aws_credentials_cleanup(&c);
        }
    }
    /* A directory instead of a file. */
    setenv("AWS_SHARED_CREDENTIALS_FILE", fixtures, 1);
    struct aws_credentials c;
    char err[AWS_CRED_ERR_MAX];
    assert_int_equal(resolve(NULL, &c, err), AWS_CRED_E_FILE);
    assert_non_null(strstr(err, fixtures));
    aws_credentials_cleanup(&c);
}

static void test_crlf_bom_and_home(void **state)
{
    (void)state;
    /* ~ expansion with opt->home */
    char home[PATH_MAX];
    snprintf(home, sizeof(home), "%s", fixtures);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "~/crlf-bom", 1);
    struct aws_resolve_options opt = { .profile = "crlf",
                                       .home = home,
                                       .region = "eu-west-1" };
    struct aws_credentials c;
    char err[AWS_CRED_ERR_MAX];
    assert_int_equal(resolve(&opt, &c, err), AWS_CRED_OK);
    assert_string_equal(c.access_key_id, "AKIACRLF000000000001");
    assert_string_equal(c.secret_access_key,
                        "crlfSecret000000000000000000000001");
    aws_credentials_cleanup(&c);

    /* Default locations under $HOME/.aws */
    unsetenv("AWS_SHARED_CREDENTIALS_FILE");
    char dir[PATH_MAX + 16], path[PATH_MAX + 32];
    snprintf(dir, sizeof(dir), "%s/.aws", tmpdir);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(path, sizeof(path), "%s/credentials", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("[default]\naws_access_key_id=AKIAHOME000000000001\n"
          "aws_secret_access_key=homeSecret0000000000000001\n",
          f);
    fclose(f);
    snprintf(path, sizeof(path), "%s/config", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("[default]\nregion=ap-northeast-1\n", f);
    fclose(f);
    assert_int_equal(resolve(NULL, &c, err), AWS_CRED_OK);
    assert_string_equal(c.access_key_id, "AKIAHOME000000000001");
    assert_string_equal(c.region, "ap-northeast-1");
    assert_non_null(strstr(c.key_from, "/.aws/credentials:2 [default]"));
    aws_credentials_cleanup(&c);
    snprintf(path, sizeof(path), "%s/credentials", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/config", dir);
    unlink(path);
    rmdir(dir);
}

static void test_describe_and_mask(void **state)
{
    (void)state;
    use_fixtures();
    setenv("AWS_PROFILE", "prod", 1);
    struct aws_credentials c;
    char err[AWS_CRED_ERR_MAX];
    assert_int_equal(resolve(NULL, &c, err), AWS_CRED_OK);
    char line[2048];
    aws_credentials_describe(&c, line, sizeof(line));
    assert_non_null(strstr(line, "profile prod (environment AWS_PROFILE)"));
    assert_non_null(strstr(line, "key AKIAPROD00000000002 ("));
    assert_non_null(strstr(line, ", session token set"));
    assert_non_null(strstr(line, "region us-east-2 ("));
    assert_non_null(strstr(line, "endpoint https://iotwireless.example.test"));
    assert_null(strstr(line, c.secret_access_key));
    assert_null(strstr(line, c.session_token));
    char small[16];
    aws_credentials_describe(&c, small, sizeof(small));
    assert_int_equal(strlen(small), 15);
    aws_credentials_cleanup(&c);
    struct aws_credentials empty;
    aws_credentials_init(&empty);
    aws_credentials_describe(&empty, line, sizeof(line));
    assert_non_null(strstr(line, "key <none> (not set)"));

    static const struct {
        const char *in, *out;
    } masks[] = {
        { NULL, "<not set>" }, { "", "<not set>" },
        { "abc", "***" },      { "abcd", "****" },
        { "abcde", "*bcde" },  { "AKIAPROD00000000002", "***************0002" },
    };
    for (size_t i = 0; i < sizeof(masks) / sizeof(*masks); i++) {
        char buf[64];
        assert_string_equal(aws_mask(masks[i].in, buf, sizeof(buf)),
                            masks[i].out);
    }
    char tiny[4];
    assert_string_equal(aws_mask("abcdefgh", tiny, sizeof(tiny)), "***");
    assert_string_equal(aws_source_label(AWS_SRC_CONFIG_FILE), "config file");
    assert_string_equal(aws_source_label((enum aws_source)42), "unknown");
    assert_string_equal(aws_cred_status_message(AWS_CRED_E_PARTIAL),
                        "partial credentials");
    assert_string_equal(aws_cred_status_message((enum aws_cred_status)99),
                        "unknown status");
}

/* ---- the whole resolution as a table ----------------------------------- */

/* Sets "NAME=value" pairs separated by ';' (value "" = set but empty). */
static void set_env_list(const char *list)
{
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", list ? list : "");
    char *p = buf;
    while (*p) {
        char *semi = strchr(p, ';');
        if (semi)
            *semi = '\0';
        char *eq = strchr(p, '=');
        assert_non_null(eq);
        *eq = '\0';
        setenv(p, eq + 1, 1);
        if (!semi)
            break;
        p = semi + 1;
    }
}

/*
 * Options over environment over files, for every value, with the missing
 * pieces and session tokens: each row starts from a clean environment with
 * the fixture files, sets its variables and resolves.
 */
static void test_resolution_table(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        const char *env;
        const char *profile, *region, *endpoint; /* options */
        enum aws_cred_status want;
        const char *key, *token, *want_region, *want_endpoint;
        int attempts;
        const char *msg; /* in err (failure) or in the *_from texts */
    } rows[] = {
        { "files only: default profile", NULL, NULL, NULL, NULL, AWS_CRED_OK,
          "AKIADEFAULT000000001", NULL, "eu-west-1",
          "https://api.iotwireless.eu-west-1.amazonaws.com", 5, NULL },
        { "env keys beat the default profile's keys",
          "AWS_ACCESS_KEY_ID=AKIAENV0000000000001;AWS_SECRET_ACCESS_KEY=s1",
          NULL, NULL, NULL, AWS_CRED_OK, "AKIAENV0000000000001", NULL,
          "eu-west-1", NULL, 5, NULL },
        { "--profile beats env keys",
          "AWS_ACCESS_KEY_ID=AKIAENV0000000000001;AWS_SECRET_ACCESS_KEY=s1",
          "prod", NULL, NULL, AWS_CRED_OK, "AKIAPROD00000000002",
          "PRODTOKEN000000000000000000002", "us-east-2",
          "https://iotwireless.example.test", 5, NULL },
        { "env session token travels with env keys",
          "AWS_ACCESS_KEY_ID=AKIAENV0000000000001;AWS_SECRET_ACCESS_KEY=s1;"
          "AWS_SESSION_TOKEN=T1",
          NULL, NULL, NULL, AWS_CRED_OK, "AKIAENV0000000000001", "T1",
          "eu-west-1", NULL, 5, NULL },
        { "AWS_PROFILE picks the profile, its token too", "AWS_PROFILE=prod",
          NULL, NULL, NULL, AWS_CRED_OK, "AKIAPROD00000000002",
          "PRODTOKEN000000000000000000002", "us-east-2", NULL, 5, NULL },
        { "--region beats AWS_REGION beats the profile",
          "AWS_REGION=eu-south-1;AWS_DEFAULT_REGION=eu-north-1", "prod",
          "me-south-1", NULL, AWS_CRED_OK, "AKIAPROD00000000002",
          "PRODTOKEN000000000000000000002", "me-south-1", NULL, 5, NULL },
        { "AWS_REGION beats AWS_DEFAULT_REGION",
          "AWS_REGION=eu-south-1;AWS_DEFAULT_REGION=eu-north-1", "prod", NULL,
          NULL, AWS_CRED_OK, NULL, NULL, "eu-south-1",
          "https://iotwireless.example.test", 5, NULL },
        { "--endpoint beats AWS_ENDPOINT_URL_IOT_WIRELESS",
          "AWS_ENDPOINT_URL_IOT_WIRELESS=http://127.0.0.1:2;"
          "AWS_ENDPOINT_URL=http://127.0.0.1:3",
          "prod", NULL, "http://127.0.0.1:1", AWS_CRED_OK, NULL, NULL, NULL,
          "http://127.0.0.1:1", 5, NULL },
        { "AWS_ENDPOINT_URL_IOT_WIRELESS beats AWS_ENDPOINT_URL",
          "AWS_ENDPOINT_URL_IOT_WIRELESS=http://127.0.0.1:2;"
          "AWS_ENDPOINT_URL=http://127.0.0.1:3",
          "prod", NULL, NULL, AWS_CRED_OK, NULL, NULL, NULL,
          "http://127.0.0.1:2", 5, NULL },
        { "AWS_ENDPOINT_URL beats the profile's endpoint_url",
          "AWS_ENDPOINT_URL=http://127.0.0.1:3", "prod", NULL, NULL,
          AWS_CRED_OK, NULL, NULL, NULL, "http://127.0.0.1:3", 5, NULL },
        { "AWS_MAX_ATTEMPTS", "AWS_MAX_ATTEMPTS=2", NULL, NULL, NULL,
          AWS_CRED_OK, NULL, NULL, NULL, NULL, 2, NULL },
        { "AWS_MAX_ATTEMPTS 20 is the most", "AWS_MAX_ATTEMPTS=20", NULL, NULL,
          NULL, AWS_CRED_OK, NULL, NULL, NULL, NULL, 20, NULL },
        { "AWS_MAX_ATTEMPTS 21 is too many", "AWS_MAX_ATTEMPTS=21", NULL, NULL,
          NULL, AWS_CRED_E_INVALID, NULL, NULL, NULL, NULL, 0,
          "max_attempts from environment AWS_MAX_ATTEMPTS is not a whole "
          "number 1..20" },
        { "AWS_MAX_ATTEMPTS 0", "AWS_MAX_ATTEMPTS=0", NULL, NULL, NULL,
          AWS_CRED_E_INVALID, NULL, NULL, NULL, NULL, 0, "1..20" },
        { "AWS_MAX_ATTEMPTS not a number", "AWS_MAX_ATTEMPTS=3x", NULL, NULL,
          NULL, AWS_CRED_E_INVALID, NULL, NULL, NULL, NULL, 0, "1..20" },
        { "missing: no keys anywhere",
          "AWS_SHARED_CREDENTIALS_FILE=/nonexistent/c;"
          "AWS_CONFIG_FILE=/nonexistent/f",
          NULL, "eu-west-1", NULL, AWS_CRED_E_NO_CREDENTIALS, NULL, NULL, NULL,
          NULL, 0,
          "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add "
          "aws_access_key_id" },
        { "missing: no region anywhere",
          "AWS_ACCESS_KEY_ID=AKIAENV0000000000001;AWS_SECRET_ACCESS_KEY=s1;"
          "AWS_CONFIG_FILE=/nonexistent/f",
          NULL, NULL, NULL, AWS_CRED_E_NO_REGION, NULL, NULL, NULL, NULL, 0,
          "use --region, set AWS_REGION or AWS_DEFAULT_REGION" },
        { "missing: the secret of env keys",
          "AWS_ACCESS_KEY_ID=AKIAENV0000000000001", NULL, NULL, NULL,
          AWS_CRED_E_PARTIAL, NULL, NULL, NULL, NULL, 0,
          "missing: AWS_SECRET_ACCESS_KEY" },
        { "missing: the profile", NULL, "nobody", NULL, NULL,
          AWS_CRED_E_NO_PROFILE, NULL, NULL, NULL, NULL, 0,
          "the config profile (nobody) from --profile could not be found" },
        { "an empty variable counts as unset",
          "AWS_REGION=;AWS_PROFILE=;AWS_ACCESS_KEY_ID=", NULL, NULL, NULL,
          AWS_CRED_OK, "AKIADEFAULT000000001", NULL, "eu-west-1", NULL, 5,
          NULL },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
        clean_env(NULL);
        use_fixtures();
        set_env_list(rows[i].env);
        struct aws_resolve_options opt = { .profile = rows[i].profile,
                                           .region = rows[i].region,
                                           .endpoint_url = rows[i].endpoint };
        struct aws_credentials c;
        char err[AWS_CRED_ERR_MAX];
        enum aws_cred_status st = resolve(&opt, &c, err);
        if (st != rows[i].want)
            fail_msg("%s: got %s (%s)", rows[i].name,
                     aws_cred_status_message(st), err);
        if (st != AWS_CRED_OK) {
            if (!strstr(err, rows[i].msg))
                fail_msg("%s: '%s' lacks '%s'", rows[i].name, err, rows[i].msg);
            aws_credentials_cleanup(&c);
            continue;
        }
        if (rows[i].key)
            assert_string_equal(c.access_key_id, rows[i].key);
        if (rows[i].token)
            assert_string_equal(c.session_token, rows[i].token);
        else if (rows[i].key)
            assert_null(c.session_token);
        if (rows[i].want_region)
            assert_string_equal(c.region, rows[i].want_region);
        if (rows[i].want_endpoint)
            assert_string_equal(c.endpoint_url, rows[i].want_endpoint);
        if (c.max_attempts != rows[i].attempts)
            fail_msg("%s: %d attempts", rows[i].name, c.max_attempts);
        assert_non_null(c.max_attempts_from);
        aws_credentials_cleanup(&c);
    }
}

/* max_attempts from the profile, and where it came from. */
static void test_attempts_from_profile(void **state)
{
    (void)state;
    char path[PATH_MAX + 32];
    snprintf(path, sizeof(path), "%s/attempts-config", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("[default]\nregion = eu-west-1\nmax_attempts = 3\n", f);
    fclose(f);
    setenv("AWS_CONFIG_FILE", path, 1);
    setenv("AWS_ACCESS_KEY_ID", "AKIAENV0000000000001", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "s1", 1);
    struct aws_credentials c;
    char err[AWS_CRED_ERR_MAX];
    assert_int_equal(resolve(NULL, &c, err), AWS_CRED_OK);
    assert_int_equal(c.max_attempts, 3);
    assert_non_null(strstr(c.max_attempts_from, "attempts-config:3"));
    aws_credentials_cleanup(&c);
    setenv("AWS_MAX_ATTEMPTS", "7", 1); /* the environment wins */
    assert_int_equal(resolve(NULL, &c, err), AWS_CRED_OK);
    assert_int_equal(c.max_attempts, 7);
    assert_string_equal(c.max_attempts_from, "environment AWS_MAX_ATTEMPTS");
    aws_credentials_cleanup(&c);
    unlink(path);
}

/* A key file others may read gives a warning naming it (not the keys). */
static void test_shared_file_warning(void **state)
{
    (void)state;
    char path[PATH_MAX + 32];
    snprintf(path, sizeof(path), "%s/open-credentials", tmpdir);
    static const mode_t modes[] = { 0600, 0640, 0604, 0644, 0400 };
    static const bool warns[] = { false, true, true, true, false };
    for (size_t i = 0; i < sizeof(modes) / sizeof(*modes); i++) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs("[default]\naws_access_key_id = AKIAOPEN000000000001\n"
              "aws_secret_access_key = openSecret0000000001\n"
              "region = eu-west-1\n",
              f);
        fclose(f);
        assert_int_equal(chmod(path, modes[i]), 0);
        setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
        struct aws_credentials c;
        char err[AWS_CRED_ERR_MAX];
        assert_int_equal(resolve(NULL, &c, err), AWS_CRED_OK);
        if (warns[i]) {
            assert_non_null(c.warning);
            assert_non_null(strstr(c.warning, path));
            assert_non_null(strstr(c.warning, "chmod 600"));
            assert_null(strstr(c.warning, "openSecret"));
        } else {
            assert_null(c.warning);
        }
        aws_credentials_cleanup(&c);
        /* keys from the environment: the file's mode does not matter */
        setenv("AWS_ACCESS_KEY_ID", "AKIAENV0000000000001", 1);
        setenv("AWS_SECRET_ACCESS_KEY", "s1", 1);
        assert_int_equal(resolve(NULL, &c, err), AWS_CRED_OK);
        assert_null(c.warning);
        aws_credentials_cleanup(&c);
        unsetenv("AWS_ACCESS_KEY_ID");
        unsetenv("AWS_SECRET_ACCESS_KEY");

        bool shared = !warns[i];
        struct ini_doc doc;
        assert_int_equal(aws_file_read(path, &doc, &shared, err, sizeof(err)),
                         AWS_CRED_OK);
        assert_true(shared == warns[i]);
        ini_cleanup(&doc);
    }
    unlink(path);
}

/* ---- key ring ---------------------------------------------------------- */

/* A file into a key ring the way `fuota serve --credentials FILE` loads it:
 * aws_file_read, then keyring_add_doc. Returns the failure as text:
 * "" when both succeeded. */
static const char *load_ring(struct keyring *kr, const char *path, char *err,
                             size_t errsize)
{
    struct ini_doc doc;
    enum aws_cred_status st = aws_file_read(path, &doc, NULL, err, errsize);
    enum keyring_status ks = KEYRING_OK;
    if (st == AWS_CRED_OK)
        ks = keyring_add_doc(kr, &doc, path, err, errsize);
    ini_cleanup(&doc);
    if (st != AWS_CRED_OK)
        return aws_cred_status_message(st);
    return ks == KEYRING_OK ? "" : keyring_status_message(ks);
}

static void test_keyring_load(void **state)
{
    (void)state;
    struct keyring kr;
    keyring_init(&kr);
    char err[AWS_CRED_ERR_MAX];
    assert_string_equal(load_ring(&kr, fx("serve-keys"), err, sizeof(err)), "");
    assert_int_equal(kr.count, 2);
    const struct keyring_pair *a = keyring_find(&kr, "AKIAALICE0000000001");
    assert_non_null(a);
    assert_string_equal(a->profile, "alice");
    assert_null(a->session_token);
    const struct keyring_pair *b = keyring_find(&kr, "AKIABOB000000000002");
    assert_non_null(b);
    assert_string_equal(b->profile, "bob");
    assert_string_equal(b->session_token, "BOBTOKEN0000000000000000000002");
    assert_null(keyring_find(&kr, "AKIAALICE000000000"));
    assert_null(keyring_find(&kr, NULL));
    struct sigv4_key k = { 0 };
    assert_true(keyring_lookup(&kr, "AKIABOB000000000002", &k));
    assert_string_equal(k.secret_access_key,
                        "bobSecret0000000000000000000000000002");
    assert_false(keyring_lookup(&kr, "AKIANOBODY", &k));

    /* Appending another file, and pairs added by hand. */
    assert_string_equal(load_ring(&kr, fx("credentials"), err, sizeof(err)),
                        "");
    assert_int_equal(kr.count, 6);
    assert_int_equal(keyring_add(&kr, "AKIAALICE0000000001",
                                 "aliceSecret000000000000000000000000001", "",
                                 "again", err, sizeof(err)),
                     KEYRING_OK);
    assert_int_equal(keyring_add(&kr, "AKIAALICE0000000001", "other", NULL, "x",
                                 err, sizeof(err)),
                     KEYRING_E_DUPLICATE);
    assert_null(strstr(err, "other"));
    assert_int_equal(keyring_add(&kr, "AKIAALICE0000000001",
                                 "aliceSecret000000000000000000000000001",
                                 "tok", "x", err, sizeof(err)),
                     KEYRING_E_DUPLICATE);
    assert_int_equal(keyring_add(&kr, "", "s", NULL, NULL, err, sizeof(err)),
                     KEYRING_E_INVALID);
    assert_int_equal(
        keyring_add(&kr, "AKIA/X", "s", NULL, NULL, err, sizeof(err)),
        KEYRING_E_INVALID);
    assert_int_equal(
        keyring_add(&kr, "AKIAX", "", NULL, NULL, err, sizeof(err)),
        KEYRING_E_INVALID);
    assert_int_equal(
        keyring_add(&kr, "AKIAX", "s e", NULL, NULL, err, sizeof(err)),
        KEYRING_E_INVALID);
    for (int i = 0; i < 20; i++) {
        char id[32];
        snprintf(id, sizeof(id), "AKIAGROW%04d", i);
        assert_int_equal(
            keyring_add(&kr, id, "growSecret", NULL, NULL, err, sizeof(err)),
            KEYRING_OK);
    }
    assert_int_equal(kr.count, 26);
    assert_non_null(keyring_find(&kr, "AKIAGROW0019"));
    keyring_cleanup(&kr);
    keyring_cleanup(&kr);
    keyring_cleanup(NULL);
}

static void test_keyring_errors(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        const char *status; /* what failed: reading or the ring */
        const char *msg;
    } cases[] = {
        { "duplicate-akid", "duplicate access key id",
          "duplicate-akid:5: access key id AKIADUPLICATE0000001 appears "
          "twice with different secrets (profiles a and b)" },
        { "no-keys", "no key pair",
          "no-keys: no profile has aws_access_key_id" },
        { "partial", "partial credentials",
          "partial:2: [default] has aws_access_key_id but no" },
        { "bad-syntax", "malformed file", "bad-syntax:3: expected" },
        { "does-not-exist", "cannot read file",
          "does-not-exist: No such file or directory" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct keyring kr;
        keyring_init(&kr);
        char err[AWS_CRED_ERR_MAX];
        const char *st = load_ring(&kr, fx(cases[i].file), err, sizeof(err));
        if (strcmp(st, cases[i].status) != 0 || !strstr(err, cases[i].msg))
            fail_msg("%s: %s: %s", cases[i].file, st, err);
        assert_null(strstr(err, "secretOne"));
        assert_null(strstr(err, "secretTwo"));
        keyring_cleanup(&kr);
    }
    assert_string_equal(keyring_status_message((enum keyring_status)99),
                        "unknown status");
}

/* A request signed with resolved credentials verifies against a key ring
 * loaded from the same file: the path `fuota serve --require-auth` takes. */
static void test_keyring_verifies_signed_request(void **state)
{
    (void)state;
    setenv("AWS_SHARED_CREDENTIALS_FILE", fx("serve-keys"), 1);
    struct aws_resolve_options opt = { .profile = "bob",
                                       .region = "eu-west-1" };
    struct aws_credentials c;
    char err[AWS_CRED_ERR_MAX];
    /* [profile bob] is a config-style section: only found as config */
    assert_int_equal(resolve(&opt, &c, err), AWS_CRED_E_NO_PROFILE);
    aws_credentials_cleanup(&c);
    setenv("AWS_CONFIG_FILE", fx("serve-keys"), 1);
    assert_int_equal(resolve(&opt, &c, err), AWS_CRED_OK);
    assert_int_equal(c.key_source, AWS_SRC_CONFIG_FILE);

    struct sigv4_header h[8] = {
        { "Host", "127.0.0.1:8080" },
        { "Content-Type", "application/json" },
    };
    struct sigv4_request req = {
        .method = "GET", .path = "/fuota-tasks", .headers = h, .header_count = 2
    };
    struct sigv4_credentials sc = aws_credentials_sigv4(&c);
    struct sigv4_sign_options so = { .region = c.region, .time = 1764158400 };
    struct sigv4_signed s;
    sigv4_signed_init(&s);
    assert_int_equal(sigv4_sign(&req, &sc, &so, &s, NULL, 0), SIGV4_OK);
    for (size_t i = 0; i < s.add_header_count; i++)
        h[req.header_count++] = s.add_headers[i];

    struct keyring kr;
    keyring_init(&kr);
    assert_string_equal(load_ring(&kr, fx("serve-keys"), err, sizeof(err)), "");
    struct sigv4_verify_options vo = { .region = "eu-west-1",
                                       .now = 1764158400,
                                       .lookup = keyring_lookup,
                                       .lookup_ctx = &kr };
    struct sigv4_verify_result res;
    assert_int_equal(sigv4_verify(&req, &vo, &res), SIGV4_V_OK);
    assert_string_equal(res.access_key_id, "AKIABOB000000000002");
    keyring_cleanup(&kr);
    sigv4_signed_cleanup(&s);
    aws_credentials_cleanup(&c);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const char *root = getenv("FUOTA_ROOT");
    char rel[PATH_MAX];
    snprintf(rel, sizeof(rel), "%s/tests/data/credentials", root ? root : ".");
    if (!realpath(rel, fixtures)) {
        fprintf(stderr, "cannot find %s\n", rel);
        return 1;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(tmpdir, sizeof(tmpdir), "%s/fuota-cred-XXXXXX",
             tmp ? tmp : "/tmp");
    if (!mkdtemp(tmpdir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_default_profile, clean_env),
        cmocka_unit_test_setup(test_profile_selection, clean_env),
        cmocka_unit_test_setup(test_env_keys_win_without_explicit_profile,
                               clean_env),
        cmocka_unit_test_setup(test_env_only_without_files, clean_env),
        cmocka_unit_test_setup(test_credentials_file_wins_over_config,
                               clean_env),
        cmocka_unit_test_setup(test_region_precedence, clean_env),
        cmocka_unit_test_setup(test_endpoint_precedence, clean_env),
        cmocka_unit_test_setup(test_errors, clean_env),
        cmocka_unit_test_setup(test_no_credentials_anywhere, clean_env),
        cmocka_unit_test_setup(test_partial_credentials, clean_env),
        cmocka_unit_test_setup(test_malformed_files, clean_env),
        cmocka_unit_test_setup(test_crlf_bom_and_home, clean_env),
        cmocka_unit_test_setup(test_describe_and_mask, clean_env),
        cmocka_unit_test_setup(test_resolution_table, clean_env),
        cmocka_unit_test_setup(test_attempts_from_profile, clean_env),
        cmocka_unit_test_setup(test_shared_file_warning, clean_env),
        cmocka_unit_test_setup(test_keyring_load, clean_env),
        cmocka_unit_test_setup(test_keyring_errors, clean_env),
        cmocka_unit_test_setup(test_keyring_verifies_signed_request, clean_env),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rmdir(tmpdir);
    return rc;
}
