#include "aws/credentials.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <sodium.h>

#include "core/ini.h"

/* Largest config or credentials file read. */
#define FILE_MAX (1024u * 1024u)

static const char *const source_labels[] = {
#define X(id, label) [id] = label,
    AWS_SOURCES(X)
#undef X
};

const char *aws_source_label(enum aws_source src)
{
    if ((size_t)src >= sizeof(source_labels) / sizeof(*source_labels))
        return "unknown";
    return source_labels[src];
}

static const char *const status_messages[] = {
#define X(id, msg) [id] = msg,
    AWS_CRED_STATUSES(X)
#undef X
};

const char *aws_cred_status_message(enum aws_cred_status status)
{
    if ((size_t)status >= sizeof(status_messages) / sizeof(*status_messages))
        return "unknown status";
    return status_messages[status];
}

static enum aws_cred_status fail(enum aws_cred_status st, char *err,
                                 size_t errsize, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static enum aws_cred_status fail(enum aws_cred_status st, char *err,
                                 size_t errsize, const char *fmt, ...)
{
    if (err && errsize) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(err, errsize, fmt, ap);
        va_end(ap);
        if (n < 0)
            err[0] = '\0';
    }
    return st;
}

static void wipe_free(char *s)
{
    if (s) {
        sodium_memzero(s, strlen(s));
        free(s);
    }
}

static char *xprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static char *xprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* An environment variable, NULL when unset or empty. */
static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* ---- files ------------------------------------------------------------- */

/* One loaded AWS file; doc is empty when the file does not exist. */
struct aws_file {
    char *path;
    bool exists;
    bool shared; /* readable by group or others */
    struct ini_doc doc;
};

static void file_cleanup(struct aws_file *f)
{
    free(f->path);
    ini_cleanup(&f->doc);
    memset(f, 0, sizeof(*f));
}

/* Expands a leading "~/" with home. */
static char *expand_path(const char *path, const char *home)
{
    if (path[0] == '~' && (path[1] == '/' || path[1] == '\0')) {
        if (!home)
            return NULL;
        return xprintf("%s%s", home, path + 1);
    }
    return strdup(path);
}

/*
 * Reads and parses path. A missing file is fine unless `required`. The
 * buffer is wiped after parsing: it holds secrets.
 */
static enum aws_cred_status file_load(struct aws_file *f, const char *path,
                                      bool required, char *err, size_t errsize)
{
    memset(f, 0, sizeof(*f));
    ini_init(&f->doc);
    f->path = strdup(path);
    if (!f->path)
        return fail(AWS_CRED_E_NOMEM, err, errsize, "out of memory");
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        int e = errno;
        if (e == ENOENT && !required)
            return AWS_CRED_OK;
        return fail(AWS_CRED_E_FILE, err, errsize, "%s: %s", path, strerror(e));
    }
    struct stat st;
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(fp);
        return fail(AWS_CRED_E_FILE, err, errsize, "%s: is a directory", path);
    }
    f->shared = (st.st_mode & (S_IRGRP | S_IROTH)) != 0;
    char *buf = malloc(FILE_MAX + 1);
    if (!buf) {
        fclose(fp);
        return fail(AWS_CRED_E_NOMEM, err, errsize, "out of memory");
    }
    size_t n = fread(buf, 1, FILE_MAX + 1, fp);
    bool rerr = ferror(fp);
    fclose(fp);
    enum aws_cred_status rc = AWS_CRED_OK;
    if (rerr) {
        rc = fail(AWS_CRED_E_FILE, err, errsize, "%s: read error", path);
    } else if (n > FILE_MAX) {
        rc = fail(AWS_CRED_E_FILE, err, errsize, "%s: larger than %u bytes",
                  path, FILE_MAX);
    } else {
        unsigned line = 0;
        char why[128];
        enum ini_status is =
            ini_parse(&f->doc, buf, n, &line, why, sizeof(why));
        if (is == INI_E_NOMEM)
            rc = fail(AWS_CRED_E_NOMEM, err, errsize, "out of memory");
        else if (is != INI_OK)
            rc = fail(AWS_CRED_E_SYNTAX, err, errsize, "%s:%u: %s", path, line,
                      ini_status_message(is));
        else
            f->exists = true;
    }
    sodium_memzero(buf, n < FILE_MAX + 1 ? n : FILE_MAX + 1);
    free(buf);
    return rc;
}

/* The config-file section name of a profile: "profile NAME" (any run of
 * blanks after "profile", as botocore splits on whitespace), or "default"
 * for the default profile. Returns the index or (size_t)-1. */
static size_t config_profile_index(const struct ini_doc *doc,
                                   const char *profile)
{
    size_t fallback = (size_t)-1;
    for (size_t i = 0; i < doc->section_count; i++) {
        const char *n = doc->sections[i].name;
        const char *p = ini_profile_name(n);
        if (p != n) {
            if (strcmp(p, profile) == 0)
                return i;
        } else if (strcmp(profile, "default") == 0 &&
                   strcmp(n, "default") == 0) {
            fallback = i;
        }
    }
    return fallback;
}

/* Section-qualified origin "PATH:LINE [SECTION]". */
static char *origin(const struct aws_file *f, size_t sec, unsigned line)
{
    return xprintf("%s:%u [%s]", f->path, line, f->doc.sections[sec].name);
}

/* ---- value checks ------------------------------------------------------ */

static bool valid_region(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64 || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '-'))
            return false;
    return true;
}

static bool valid_url(const char *s)
{
    const char *rest;
    if (strncmp(s, "http://", 7) == 0)
        rest = s + 7;
    else if (strncmp(s, "https://", 8) == 0)
        rest = s + 8;
    else
        return false;
    if (!*rest || *rest == '/' || *rest == ':')
        return false;
    return ini_secret_valid(s);
}

static bool valid_profile(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 32 || c == 127 || c == '[' || c == ']')
            return false;
    }
    return true;
}

static bool is_true(const char *s)
{
    return s && strcasecmp(s, "true") == 0;
}

/* ---- resolution -------------------------------------------------------- */

void aws_credentials_init(struct aws_credentials *c)
{
    memset(c, 0, sizeof(*c));
}

void aws_credentials_cleanup(struct aws_credentials *c)
{
    if (!c)
        return;
    free(c->profile);
    free(c->profile_from);
    free(c->access_key_id);
    wipe_free(c->secret_access_key);
    wipe_free(c->session_token);
    free(c->key_from);
    free(c->region);
    free(c->region_from);
    free(c->endpoint_url);
    free(c->endpoint_from);
    free(c->max_attempts_from);
    free(c->warning);
    memset(c, 0, sizeof(*c));
}

struct sigv4_credentials aws_credentials_sigv4(const struct aws_credentials *c)
{
    struct sigv4_credentials s = { c->access_key_id, c->secret_access_key,
                                   c->session_token };
    return s;
}

/* A profile's place in one file. */
struct where {
    const struct aws_file *file;
    size_t sec; /* (size_t)-1 = not there */
};

static const struct ini_entry *where_get(const struct where *w, const char *key)
{
    if (w->sec == (size_t)-1)
        return NULL;
    return ini_get(&w->file->doc, w->sec, key);
}

/* Keys of one profile section into out; AWS_CRED_OK with no keys when the
 * section has none. */
static enum aws_cred_status keys_from(const struct where *w,
                                      enum aws_source src,
                                      struct aws_credentials *out, char *err,
                                      size_t errsize)
{
    if (w->sec == (size_t)-1)
        return AWS_CRED_OK;
    struct ini_keys k;
    enum ini_keys_status ks = ini_keys(&w->file->doc, w->sec, &k);
    if (ks == INI_KEYS_NONE)
        return AWS_CRED_OK;
    if (ks != INI_KEYS_OK) {
        char why[AWS_CRED_ERR_MAX];
        ini_keys_error(&w->file->doc, w->sec, ks, &k, w->file->path, why,
                       sizeof(why));
        return fail(ks == INI_KEYS_PARTIAL ? AWS_CRED_E_PARTIAL
                                           : AWS_CRED_E_INVALID,
                    err, errsize, "%s", why);
    }
    out->access_key_id = strdup(k.id->value);
    out->secret_access_key = strdup(k.secret->value);
    out->session_token = k.token ? strdup(k.token->value) : NULL;
    out->key_from = origin(w->file, w->sec, k.id->line);
    out->key_source = src;
    if (!out->access_key_id || !out->secret_access_key || !out->key_from ||
        (k.token && !out->session_token))
        return fail(AWS_CRED_E_NOMEM, err, errsize, "out of memory");
    return AWS_CRED_OK;
}

/* A profile that gets its keys some way fuota does not implement. */
static const char *unsupported_provider(const struct where *w)
{
    static const char *const keys[] = {
        "credential_process",
        "role_arn",
        "sso_session",
        "sso_start_url",
        "web_identity_token_file",
        "credential_source",
    };
    for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++)
        if (where_get(w, keys[i]))
            return keys[i];
    return NULL;
}

/* A per-profile setting: the credentials file entry wins over the config
 * file one (botocore merges the credentials file over the config). */
static const struct ini_entry *profile_get(const struct where *cred,
                                           const struct where *conf,
                                           const char *key,
                                           const struct where **from)
{
    const struct ini_entry *e = where_get(cred, key);
    if (e && *e->value) {
        *from = cred;
        return e;
    }
    e = where_get(conf, key);
    if (e && *e->value) {
        *from = conf;
        return e;
    }
    return NULL;
}

static enum aws_cred_status set_value(char **val, char **from,
                                      enum aws_source *src, const char *v,
                                      enum aws_source s, char *fromtext,
                                      char *err, size_t errsize)
{
    *val = strdup(v);
    *from = fromtext;
    *src = s;
    if (!*val || !*from)
        return fail(AWS_CRED_E_NOMEM, err, errsize, "out of memory");
    return AWS_CRED_OK;
}

static enum aws_cred_status
resolve_endpoint(const struct where *cred, const struct where *conf,
                 const struct aws_file *config,
                 const struct aws_resolve_options *opt,
                 struct aws_credentials *out, char *err, size_t errsize)
{
    const char *v = NULL;
    char *from = NULL;
    enum aws_source src = AWS_SRC_NONE;
    const struct where *w = NULL;
    const struct ini_entry *e;

    if (opt->endpoint_url) {
        v = opt->endpoint_url;
        src = AWS_SRC_OPTION;
        from = strdup("--endpoint");
    } else {
        bool ignore = is_true(env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"));
        if (!ignore && !env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) {
            e = profile_get(cred, conf, "ignore_configured_endpoint_urls", &w);
            ignore = e && is_true(e->value);
        }
        if (ignore) {
            /* fall through to the default */
        } else if ((v = env("AWS_ENDPOINT_URL_IOT_WIRELESS"))) {
            src = AWS_SRC_ENV;
            from = strdup("environment AWS_ENDPOINT_URL_IOT_WIRELESS");
        } else if ((v = env("AWS_ENDPOINT_URL"))) {
            src = AWS_SRC_ENV;
            from = strdup("environment AWS_ENDPOINT_URL");
        } else {
            /* [services NAME] with iot_wireless = / endpoint_url = URL */
            e = profile_get(cred, conf, "services", &w);
            if (e) {
                char *sname = xprintf("services %s", e->value);
                if (!sname)
                    return fail(AWS_CRED_E_NOMEM, err, errsize,
                                "out of memory");
                size_t si = ini_section_index(&config->doc, sname);
                free(sname);
                if (si == (size_t)-1)
                    return fail(AWS_CRED_E_NO_PROFILE, err, errsize,
                                "%s:%u: services section [services %s] "
                                "not found in %s",
                                w->file->path, e->line, e->value, config->path);
                const struct ini_entry *u =
                    ini_get(&config->doc, si, "iot_wireless.endpoint_url");
                if (u && *u->value) {
                    v = u->value;
                    src = AWS_SRC_CONFIG_FILE;
                    from = origin(config, si, u->line);
                }
            }
            if (!v) {
                e = profile_get(cred, conf, "endpoint_url", &w);
                if (e) {
                    v = e->value;
                    src = w == cred ? AWS_SRC_CREDENTIALS_FILE
                                    : AWS_SRC_CONFIG_FILE;
                    from = origin(w->file, w->sec, e->line);
                }
            }
        }
    }
    if (v) {
        if (!from)
            return fail(AWS_CRED_E_NOMEM, err, errsize, "out of memory");
        if (!valid_url(v)) {
            enum aws_cred_status st = fail(
                AWS_CRED_E_INVALID, err, errsize,
                "endpoint URL from %s is not an http:// or https:// URL", from);
            free(from);
            return st;
        }
        return set_value(&out->endpoint_url, &out->endpoint_from,
                         &out->endpoint_source, v, src, from, err, errsize);
    }
    if (!out->region)
        return AWS_CRED_OK;
    /* Partition DNS suffix: China regions use amazonaws.com.cn. */
    const char *suffix = strncmp(out->region, "cn-", 3) == 0
                             ? "amazonaws.com.cn"
                             : "amazonaws.com";
    char *url = xprintf("https://api.iotwireless.%s.%s", out->region, suffix);
    if (!url)
        return fail(AWS_CRED_E_NOMEM, err, errsize, "out of memory");
    out->endpoint_url = url;
    out->endpoint_source = AWS_SRC_DEFAULT;
    out->endpoint_from = strdup("default for the region");
    if (!out->endpoint_from)
        return fail(AWS_CRED_E_NOMEM, err, errsize, "out of memory");
    return AWS_CRED_OK;
}

/* AWS_MAX_ATTEMPTS > the profile's max_attempts > the default. */
static enum aws_cred_status resolve_attempts(const struct where *cred,
                                             const struct where *conf,
                                             struct aws_credentials *out,
                                             char *err, size_t errsize)
{
    const char *v = env("AWS_MAX_ATTEMPTS");
    const struct where *w = NULL;
    const struct ini_entry *e =
        v ? NULL : profile_get(cred, conf, "max_attempts", &w);
    if (e)
        v = e->value;
    out->max_attempts = AWS_MAX_ATTEMPTS_DEFAULT;
    out->max_attempts_from =
        e ? origin(w->file, w->sec, e->line)
          : strdup(v ? "environment AWS_MAX_ATTEMPTS" : "default");
    if (!out->max_attempts_from)
        return fail(AWS_CRED_E_NOMEM, err, errsize, "out of memory");
    if (!v)
        return AWS_CRED_OK;
    char *end = NULL;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || v[0] == '+' || v[0] == ' ' ||
        n < 1 || n > AWS_MAX_ATTEMPTS_MAX)
        return fail(AWS_CRED_E_INVALID, err, errsize,
                    "max_attempts from %s is not a whole number 1..%d",
                    out->max_attempts_from, AWS_MAX_ATTEMPTS_MAX);
    out->max_attempts = (int)n;
    return AWS_CRED_OK;
}

/* The warning when the file the keys came from is readable by others. */
static enum aws_cred_status check_shared(const struct aws_file *cred,
                                         const struct aws_file *config,
                                         struct aws_credentials *out, char *err,
                                         size_t errsize)
{
    const struct aws_file *f = out->key_source == AWS_SRC_CREDENTIALS_FILE
                                   ? cred
                               : out->key_source == AWS_SRC_CONFIG_FILE ? config
                                                                        : NULL;
    if (!f || !f->shared)
        return AWS_CRED_OK;
    out->warning = xprintf("%s holds secret keys and other users may read "
                           "it; run: chmod 600 %s",
                           f->path, f->path);
    if (!out->warning)
        return fail(AWS_CRED_E_NOMEM, err, errsize, "out of memory");
    return AWS_CRED_OK;
}

static enum aws_cred_status resolve_files(const struct aws_resolve_options *opt,
                                          struct aws_file *cred,
                                          struct aws_file *config, char *err,
                                          size_t errsize)
{
    const char *home = opt->home ? opt->home : env("HOME");
    const char *cpath = env("AWS_SHARED_CREDENTIALS_FILE");
    const char *fpath = env("AWS_CONFIG_FILE");
    char *p1 = cpath ? expand_path(cpath, home)
                     : (home ? xprintf("%s/.aws/credentials", home) : NULL);
    char *p2 = fpath ? expand_path(fpath, home)
                     : (home ? xprintf("%s/.aws/config", home) : NULL);
    enum aws_cred_status st = AWS_CRED_OK;
    memset(cred, 0, sizeof(*cred));
    memset(config, 0, sizeof(*config));
    /* Without a home directory the default files simply do not exist. */
    if (p1)
        st = file_load(cred, p1, false, err, errsize);
    else if (cpath)
        st = fail(AWS_CRED_E_FILE, err, errsize,
                  "AWS_SHARED_CREDENTIALS_FILE starts with '~' but HOME is "
                  "not set");
    if (st == AWS_CRED_OK && p2)
        st = file_load(config, p2, false, err, errsize);
    else if (st == AWS_CRED_OK && fpath)
        st = fail(AWS_CRED_E_FILE, err, errsize,
                  "AWS_CONFIG_FILE starts with '~' but HOME is not set");
    if (st == AWS_CRED_OK && !cred->path)
        cred->path = strdup("~/.aws/credentials");
    if (st == AWS_CRED_OK && !config->path)
        config->path = strdup("~/.aws/config");
    if (st == AWS_CRED_OK && (!cred->path || !config->path))
        st = fail(AWS_CRED_E_NOMEM, err, errsize, "out of memory");
    free(p1);
    free(p2);
    return st;
}

enum aws_cred_status aws_resolve(const struct aws_resolve_options *opt,
                                 struct aws_credentials *out, char *err,
                                 size_t errsize)
{
    static const struct aws_resolve_options none = { 0 };
    struct aws_file cred, config;
    enum aws_cred_status st;
    aws_credentials_init(out);
    if (err && errsize)
        err[0] = '\0';
    if (!opt)
        opt = &none;
    memset(&cred, 0, sizeof(cred));
    memset(&config, 0, sizeof(config));

    /* Profile. */
    const char *profile;
    if (opt->profile && *opt->profile) {
        profile = opt->profile;
        st = set_value(&out->profile, &out->profile_from, &out->profile_source,
                       profile, AWS_SRC_OPTION, strdup("--profile"), err,
                       errsize);
    } else if ((profile = env("AWS_PROFILE"))) {
        st = set_value(&out->profile, &out->profile_from, &out->profile_source,
                       profile, AWS_SRC_ENV, strdup("environment AWS_PROFILE"),
                       err, errsize);
    } else if ((profile = env("AWS_DEFAULT_PROFILE"))) {
        st = set_value(&out->profile, &out->profile_from, &out->profile_source,
                       profile, AWS_SRC_ENV,
                       strdup("environment AWS_DEFAULT_PROFILE"), err, errsize);
    } else {
        profile = "default";
        st = set_value(&out->profile, &out->profile_from, &out->profile_source,
                       profile, AWS_SRC_DEFAULT, strdup("default"), err,
                       errsize);
    }
    if (st != AWS_CRED_OK)
        goto done;
    if (!valid_profile(profile)) {
        st = fail(AWS_CRED_E_INVALID, err, errsize,
                  "profile name from %s has '[', ']' or control characters",
                  out->profile_from);
        goto done;
    }

    st = resolve_files(opt, &cred, &config, err, errsize);
    if (st != AWS_CRED_OK)
        goto done;
    struct where wc = { &cred, ini_section_index(&cred.doc, profile) };
    struct where wf = { &config, config_profile_index(&config.doc, profile) };
    if (wc.sec == (size_t)-1 && wf.sec == (size_t)-1 &&
        (out->profile_source != AWS_SRC_DEFAULT ||
         strcmp(profile, "default") != 0)) {
        st = fail(AWS_CRED_E_NO_PROFILE, err, errsize,
                  "the config profile (%s) from %s could not be found: no "
                  "[%s] in %s%s and no [profile %s] in %s%s",
                  profile, out->profile_from, profile, cred.path,
                  cred.exists ? "" : " (missing)", profile, config.path,
                  config.exists ? "" : " (missing)");
        goto done;
    }

    /* Keys. */
    const char *eid = env("AWS_ACCESS_KEY_ID");
    const char *esecret = env("AWS_SECRET_ACCESS_KEY");
    if (out->profile_source != AWS_SRC_OPTION && (eid || esecret)) {
        if (!eid || !esecret) {
            st = fail(AWS_CRED_E_PARTIAL, err, errsize,
                      "partial credentials found in the environment, "
                      "missing: %s",
                      eid ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
            goto done;
        }
        if (!ini_key_id_valid(eid) || !ini_secret_valid(esecret)) {
            st = fail(AWS_CRED_E_INVALID, err, errsize,
                      "%s has blanks or control characters",
                      ini_key_id_valid(eid) ? "AWS_SECRET_ACCESS_KEY"
                                            : "AWS_ACCESS_KEY_ID");
            goto done;
        }
        const char *etok = env("AWS_SESSION_TOKEN");
        if (!etok)
            etok = env("AWS_SECURITY_TOKEN");
        if (etok && !ini_secret_valid(etok)) {
            st = fail(AWS_CRED_E_INVALID, err, errsize,
                      "AWS_SESSION_TOKEN has blanks or control characters");
            goto done;
        }
        out->access_key_id = strdup(eid);
        out->secret_access_key = strdup(esecret);
        out->session_token = etok ? strdup(etok) : NULL;
        out->key_from = strdup("environment AWS_ACCESS_KEY_ID");
        out->key_source = AWS_SRC_ENV;
        if (!out->access_key_id || !out->secret_access_key || !out->key_from ||
            (etok && !out->session_token)) {
            st = fail(AWS_CRED_E_NOMEM, err, errsize, "out of memory");
            goto done;
        }
    }
    if (!out->access_key_id) {
        st = keys_from(&wc, AWS_SRC_CREDENTIALS_FILE, out, err, errsize);
        if (st != AWS_CRED_OK)
            goto done;
    }
    if (!out->access_key_id) {
        st = keys_from(&wf, AWS_SRC_CONFIG_FILE, out, err, errsize);
        if (st != AWS_CRED_OK)
            goto done;
    }
    if (!out->access_key_id && !opt->keys_optional) {
        const char *how = unsupported_provider(&wc);
        const struct where *hw = &wc;
        if (!how) {
            how = unsupported_provider(&wf);
            hw = &wf;
        }
        if (how)
            st = fail(AWS_CRED_E_NO_CREDENTIALS, err, errsize,
                      "profile %s gets its keys through '%s' (in %s), "
                      "which fuota does not support; export static keys "
                      "instead (aws configure export-credentials --profile "
                      "%s --format env)",
                      profile, how, hw->file->path, profile);
        else
            st = fail(AWS_CRED_E_NO_CREDENTIALS, err, errsize,
                      "unable to locate credentials for profile %s: set "
                      "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add "
                      "aws_access_key_id and aws_secret_access_key to [%s] "
                      "in %s",
                      profile, profile, cred.path);
        goto done;
    }

    /* Region. */
    const char *r;
    const struct where *w = NULL;
    const struct ini_entry *e;
    if (opt->region && *opt->region) {
        st = set_value(&out->region, &out->region_from, &out->region_source,
                       opt->region, AWS_SRC_OPTION, strdup("--region"), err,
                       errsize);
    } else if ((r = env("AWS_REGION"))) {
        st = set_value(&out->region, &out->region_from, &out->region_source, r,
                       AWS_SRC_ENV, strdup("environment AWS_REGION"), err,
                       errsize);
    } else if ((r = env("AWS_DEFAULT_REGION"))) {
        st = set_value(&out->region, &out->region_from, &out->region_source, r,
                       AWS_SRC_ENV, strdup("environment AWS_DEFAULT_REGION"),
                       err, errsize);
    } else if ((e = profile_get(&wc, &wf, "region", &w))) {
        st = set_value(
            &out->region, &out->region_from, &out->region_source, e->value,
            w == &wc ? AWS_SRC_CREDENTIALS_FILE : AWS_SRC_CONFIG_FILE,
            origin(w->file, w->sec, e->line), err, errsize);
    } else if (!opt->region_optional) {
        st = fail(AWS_CRED_E_NO_REGION, err, errsize,
                  "you must specify a region: use --region, set AWS_REGION "
                  "or AWS_DEFAULT_REGION, or add 'region = ...' to the "
                  "profile %s in %s",
                  profile, config.path);
        goto done;
    }
    if (st != AWS_CRED_OK)
        goto done;
    if (out->region && !valid_region(out->region)) {
        st = fail(AWS_CRED_E_INVALID, err, errsize,
                  "region '%.64s' from %s is not a region name (lowercase "
                  "letters, digits and '-', e.g. eu-west-1)",
                  out->region, out->region_from);
        goto done;
    }

    st = resolve_endpoint(&wc, &wf, &config, opt, out, err, errsize);
    if (st == AWS_CRED_OK)
        st = resolve_attempts(&wc, &wf, out, err, errsize);
    if (st == AWS_CRED_OK)
        st = check_shared(&cred, &config, out, err, errsize);

done:
    file_cleanup(&cred);
    file_cleanup(&config);
    return st;
}

/* ---- display ----------------------------------------------------------- */

const char *aws_mask(const char *value, char *buf, size_t size)
{
    if (!buf || size == 0)
        return buf;
    if (!value || !*value) {
        snprintf(buf, size, "<not set>");
        return buf;
    }
    size_t n = strlen(value), keep = n > 4 ? 4 : 0, i = 0;
    for (; i + 1 < size && i < n - keep; i++)
        buf[i] = '*';
    for (size_t k = n - keep; i + 1 < size && k < n; k++)
        buf[i++] = value[k];
    buf[i] = '\0';
    return buf;
}

const char *aws_credentials_describe(const struct aws_credentials *c, char *buf,
                                     size_t size)
{
    if (!buf || size == 0)
        return buf;
    snprintf(buf, size,
             "profile %s (%s), key %s (%s)%s, region %s (%s), endpoint %s "
             "(%s)",
             c->profile ? c->profile : "<none>",
             c->profile_from ? c->profile_from : "not set",
             c->access_key_id ? c->access_key_id : "<none>",
             c->key_from ? c->key_from : "not set",
             c->session_token ? ", session token set" : "",
             c->region ? c->region : "<none>",
             c->region_from ? c->region_from : "not set",
             c->endpoint_url ? c->endpoint_url : "<none>",
             c->endpoint_from ? c->endpoint_from : "not set");
    return buf;
}

enum aws_cred_status aws_file_read(const char *path, struct ini_doc *doc,
                                   bool *shared, char *err, size_t errsize)
{
    struct aws_file f;
    if (err && errsize)
        err[0] = '\0';
    enum aws_cred_status st = file_load(&f, path, true, err, errsize);
    *doc = f.doc;
    ini_init(&f.doc);
    if (shared)
        *shared = f.shared;
    file_cleanup(&f);
    return st;
}
