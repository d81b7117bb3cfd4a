/* Training scenarios: parsing, loading, finding, listing (sim/scenario.h). */
#include "sim/scenario.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/number.h"

/* The largest image a TS004 session carries: 16383 x 255 bytes. */
#define IMAGE_SIZE_MAX (16383ULL * 255ULL)
/* As `fuota simulate --devices`. */
#define DEVICES_MAX 10000000ULL
/* The longest outage start or length: about 31 years. */
#define DURATION_MAX 1e9

static const char *const status_messages[] = {
#define X(id, text) [id] = text,
    SCENARIO_STATUSES(X)
#undef X
};

const char *scenario_status_message(enum scenario_status st)
{
    if ((size_t)st >= sizeof(status_messages) / sizeof(status_messages[0]))
        return "unknown status";
    return status_messages[st];
}

static const char *const directive_names[] = {
#define X(id, name) [id] = name,
    SCENARIO_DIRECTIVES(X)
#undef X
};

const char *scenario_directive_name(enum scenario_directive d)
{
    return (size_t)d < SCN_COUNT ? directive_names[d] : "unknown";
}

void scenario_init(struct scenario *s)
{
    memset(s, 0, sizeof(*s));
    loss_config_init(&s->loss);
    fault_config_init(&s->faults);
}

void scenario_cleanup(struct scenario *s)
{
    if (!s)
        return;
    free(s->drop);
    scenario_init(s);
}

bool scenario_has(const struct scenario *s, enum scenario_directive d)
{
    return (size_t)d < SCN_COUNT && s->line[d] != 0;
}

/* ---- parsing ----------------------------------------------------------- */

/* Where the parse is, for messages. */
struct at {
    const char *file;
    unsigned line;
    char *msg;
    size_t size;
};

static enum scenario_status bad(const struct at *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum scenario_status bad(const struct at *a, const char *fmt, ...)
{
    if (!a->msg || !a->size)
        return SCENARIO_E_SYNTAX;
    int n = a->line ? snprintf(a->msg, a->size, "%s:%u: ", a->file, a->line)
                    : snprintf(a->msg, a->size, "%s: ", a->file);
    if (n < 0 || (size_t)n >= a->size)
        return SCENARIO_E_SYNTAX;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->msg + n, a->size - (size_t)n, fmt, ap);
    va_end(ap);
    return SCENARIO_E_SYNTAX;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Splits ARGS (trimmed) into at most MAX words in place; returns how many,
 * or MAX + 1 when there are more. */
static size_t words(char *args, char **out, size_t max)
{
    size_t n = 0;
    char *p = args;
    while (*p) {
        while (blank(*p))
            p++;
        if (!*p)
            break;
        if (n == max)
            return max + 1;
        out[n++] = p;
        while (*p && !blank(*p))
            p++;
        if (*p)
            *p++ = '\0';
    }
    return n;
}

static enum scenario_status count_value(const struct at *a,
                                        enum scenario_directive d,
                                        const char *v, unsigned long long max,
                                        uint64_t *out)
{
    long long n;
    if (number_parse_int(v, 1, (long long)max, &n) != NUMBER_OK)
        return bad(a, "%s: '%s' is not a whole number from 1 to %llu",
                   directive_names[d], v, max);
    *out = (uint64_t)n;
    return SCENARIO_OK;
}

static enum scenario_status percent_value(const struct at *a,
                                          enum scenario_directive d,
                                          const char *v, double *out)
{
    double x;
    if (number_parse_double(v, 0.0, 100.0, &x) != NUMBER_OK)
        return bad(a,
                   "%s: '%s' is not a percentage from 0 to 100 (a plain "
                   "decimal, as 5 or 2.5)",
                   directive_names[d], v);
    *out = x / 100.0;
    return SCENARIO_OK;
}

/* "90", "90s", "10min", "1.5h" in seconds. */
static bool duration_value(const char *v, double *out)
{
    static const struct {
        const char *unit;
        double s;
    } units[] = { { "min", 60.0 }, { "h", 3600.0 }, { "s", 1.0 } };
    char num[64];
    size_t len = strlen(v);
    double scale = 1.0;
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        size_t u = strlen(units[i].unit);
        if (len > u && strcmp(v + len - u, units[i].unit) == 0) {
            len -= u;
            scale = units[i].s;
            break;
        }
    }
    if (len >= sizeof(num))
        return false;
    memcpy(num, v, len);
    num[len] = '\0';
    double x;
    if (number_parse_double(num, 0.0, DURATION_MAX, &x) != NUMBER_OK)
        return false;
    *out = x * scale;
    return true;
}

static enum scenario_status story_line(const struct at *a, struct scenario *s,
                                       const char *text)
{
    size_t have = strlen(s->story);
    size_t add = strlen(text);
    if (have + (have ? 1 : 0) + add >= sizeof(s->story))
        return bad(a, "story: longer than %zu characters in all",
                   sizeof(s->story) - 1);
    snprintf(s->story + have, sizeof(s->story) - have, "%s%s", have ? " " : "",
             text);
    /* The summary: the first sentence (up to ". " or the end). */
    const char *stop = strstr(s->story, ". ");
    size_t n = stop ? (size_t)(stop - s->story) + 1 : strlen(s->story);
    if (n >= sizeof(s->summary))
        n = sizeof(s->summary) - 1;
    memcpy(s->summary, s->story, n);
    s->summary[n] = '\0';
    return SCENARIO_OK;
}

/* One directive with its arguments (trimmed, non-empty unless story). */
static enum scenario_status directive(const struct at *a, struct scenario *s,
                                      enum scenario_directive d, char *args)
{
    if (d == SCN_STORY)
        return story_line(a, s, args);
    char *w[3];
    size_t n = words(args, w, 2);
    size_t want = d == SCN_OUTAGE || d == SCN_FAULT ? 2 : 1;
    if (n != want) {
        if (d == SCN_OUTAGE)
            return bad(a, "outage takes two values: AT FOR (as 10min 5min)");
        if (d == SCN_FAULT)
            return bad(a, "fault takes two values: NAME PCT (as mic-error 5)");
        return bad(a, "%s takes one value", directive_names[d]);
    }
    uint64_t u = 0;
    enum scenario_status st = SCENARIO_OK;
    char msg[320];
    switch (d) {
    case SCN_DEVICES:
        return count_value(a, d, w[0], DEVICES_MAX, &s->devices);
    case SCN_IMAGE_SIZE:
        return count_value(a, d, w[0], IMAGE_SIZE_MAX, &s->image_size);
    case SCN_LOSS:
        return percent_value(a, d, w[0], &s->loss.loss);
    case SCN_SPREAD:
        return percent_value(a, d, w[0], &s->loss.spread);
    case SCN_SHARED_LOSS:
        return percent_value(a, d, w[0], &s->loss.shared_loss);
    case SCN_BURST:
        if (number_parse_double(w[0], 1.0, 1e6, &s->loss.burst) != NUMBER_OK)
            return bad(a,
                       "burst: '%s' is not a mean burst length from 1 to "
                       "1000000 fragments",
                       w[0]);
        return SCENARIO_OK;
    case SCN_LATE_JOIN: {
        long long k;
        if (number_parse_int(w[0], 0, LOSS_FRAGMENT_MAX, &k) != NUMBER_OK)
            return bad(a,
                       "late-join: '%s' is not a fragment count from 0 to "
                       "16383",
                       w[0]);
        s->loss.late_join = (uint32_t)k;
        return SCENARIO_OK;
    }
    case SCN_DROP:
        if (loss_parse_drop(w[0], &s->drop, &s->drop_count, msg, sizeof(msg)) !=
            LOSS_OK)
            return bad(a, "drop: %s", msg);
        s->loss.drop = s->drop;
        s->loss.drop_count = s->drop_count;
        return SCENARIO_OK;
    case SCN_OUTAGE: {
        struct scenario_outage o;
        if (s->outage_count == SCENARIO_OUTAGES_MAX)
            return bad(a, "outage: more than %d outages", SCENARIO_OUTAGES_MAX);
        if (!duration_value(w[0], &o.at_s) || !duration_value(w[1], &o.for_s))
            return bad(a,
                       "outage: '%s %s' is not AT FOR, two durations as 90, "
                       "90s, 10min or 1.5h",
                       w[0], w[1]);
        s->outages[s->outage_count++] = o;
        return SCENARIO_OK;
    }
    case SCN_MAX_FRAGS:
        st = count_value(a, d, w[0], LOSS_FRAGMENT_MAX, &u);
        s->limits.max_fragments = (uint32_t)u;
        return st;
    case SCN_MAX_FRAG_SIZE:
        st = count_value(a, d, w[0], 255, &u);
        s->limits.max_frag_size = (uint32_t)u;
        return st;
    case SCN_MAX_LOST:
        st = count_value(a, d, w[0], LOSS_FRAGMENT_MAX, &u);
        s->limits.max_lost = (uint32_t)u;
        return st;
    case SCN_DEVICE_MEMORY:
        return count_value(a, d, w[0], 1ULL << 40, &s->limits.memory_bytes);
    case SCN_FAULT: {
        char spec[SCENARIO_LINE_MAX + 2];
        snprintf(spec, sizeof(spec), "%s:%s", w[0], w[1]);
        enum fault f = fault_find(w[0]);
        if (f != FAULT_NONE && s->fault_given[f])
            return bad(a, "fault %s is given twice", w[0]);
        if (!fault_parse(spec, &s->faults, msg, sizeof(msg)))
            return bad(a, "fault: %s", msg);
        s->fault_given[f] = true;
        return SCENARIO_OK;
    }
    case SCN_STORY:
    case SCN_COUNT:
        break;
    }
    return bad(a, "internal error: directive %d", (int)d);
}

static enum scenario_directive find_directive(const char *word)
{
    for (int d = 0; d < SCN_COUNT; d++)
        if (strcmp(word, directive_names[d]) == 0)
            return (enum scenario_directive)d;
    return SCN_COUNT;
}

static const char *directive_list(char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int d = 0; d < SCN_COUNT && used < size; d++) {
        int n = snprintf(buf + used, size - used, "%s%s", d ? ", " : "",
                         directive_names[d]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return buf;
}

/* One line (no line end); blank and comment lines are skipped. */
static enum scenario_status parse_line(struct at *a, struct scenario *s,
                                       char *line)
{
    while (blank(*line))
        line++;
    size_t len = strlen(line);
    while (len && blank(line[len - 1]))
        line[--len] = '\0';
    if (len == 0 || line[0] == '#')
        return SCENARIO_OK;
    char *args = line + strcspn(line, " \t");
    if (*args)
        *args++ = '\0';
    while (blank(*args))
        args++;
    enum scenario_directive d = find_directive(line);
    if (d == SCN_COUNT) {
        char list[256];
        return bad(a, "'%.40s' is not a directive (%s)", line,
                   directive_list(list, sizeof(list)));
    }
    bool repeatable = d == SCN_STORY || d == SCN_OUTAGE || d == SCN_FAULT;
    if (!repeatable && s->line[d])
        return bad(a, "%s is given twice (first on line %u)",
                   directive_names[d], s->line[d]);
    if (*args == '\0')
        return bad(a, "%s needs a value", directive_names[d]);
    s->line[d] = a->line;
    return directive(a, s, d, args);
}

/* The checks across directives: a story, and the loss model as a whole. */
static enum scenario_status check_whole(struct at *a, struct scenario *s)
{
    a->line = 0;
    if (!s->line[SCN_STORY])
        return bad(a, "no story line: a scenario tells the trainee what "
                      "happens (story TEXT)");
    char msg[320];
    enum loss_status ls = loss_config_check(&s->loss, msg, sizeof(msg));
    if (ls != LOSS_OK) {
        enum scenario_directive d = find_directive(loss_status_param(ls));
        a->line = d < SCN_COUNT ? s->line[d] : 0;
        return bad(a, "%s: %s", loss_status_param(ls), msg);
    }
    return SCENARIO_OK;
}

/* The file name without directories and the extension. */
static void name_of(const char *file, char *out, size_t size)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t len = strlen(base);
    size_t ext = strlen(SCENARIO_EXT);
    if (len > ext && strcmp(base + len - ext, SCENARIO_EXT) == 0)
        len -= ext;
    if (len >= size)
        len = size - 1;
    memcpy(out, base, len);
    out[len] = '\0';
}

enum scenario_status scenario_parse(const char *text, size_t len,
                                    const char *file, struct scenario *out,
                                    char *msg, size_t size)
{
    scenario_cleanup(out);
    if (msg && size)
        msg[0] = '\0';
    struct at a = { .file = file, .line = 0, .msg = msg, .size = size };
    enum scenario_status st = SCENARIO_OK;
    if (len > SCENARIO_FILE_MAX)
        st = bad(&a, "larger than %d bytes", SCENARIO_FILE_MAX);
    size_t pos = 0;
    while (st == SCENARIO_OK && pos < len) {
        a.line++;
        const char *end = memchr(text + pos, '\n', len - pos);
        size_t stop = end ? (size_t)(end - text) : len;
        size_t next = end ? stop + 1 : len;
        size_t n = stop - pos;
        if (n && text[pos + n - 1] == '\r')
            n--;
        char line[SCENARIO_LINE_MAX + 1];
        if (n > SCENARIO_LINE_MAX) {
            st = bad(&a, "longer than %d characters", SCENARIO_LINE_MAX);
            break;
        }
        memcpy(line, text + pos, n);
        line[n] = '\0';
        if (strlen(line) != n) {
            st = bad(&a, "a NUL byte: not a text file");
            break;
        }
        st = parse_line(&a, out, line);
        pos = next;
    }
    if (st == SCENARIO_OK)
        st = check_whole(&a, out);
    if (st != SCENARIO_OK) {
        scenario_cleanup(out);
        return st;
    }
    name_of(file, out->name, sizeof(out->name));
    return SCENARIO_OK;
}

/* ---- files --------------------------------------------------------------- */

static enum scenario_status io_error(const char *path, int err, char *msg,
                                     size_t size)
{
    if (msg && size)
        snprintf(msg, size, "%s: %s", path, strerror(err));
    return SCENARIO_E_IO;
}

enum scenario_status scenario_load(const char *path, struct scenario *out,
                                   char *msg, size_t size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return io_error(path, errno, msg, size);
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return io_error(path, EISDIR, msg, size);
    }
    char *buf = malloc(SCENARIO_FILE_MAX + 1);
    if (!buf) {
        fclose(f);
        return io_error(path, ENOMEM, msg, size);
    }
    size_t len = fread(buf, 1, SCENARIO_FILE_MAX + 1, f);
    int err = ferror(f) ? (errno ? errno : EIO) : 0;
    fclose(f);
    enum scenario_status rc;
    if (err)
        rc = io_error(path, err, msg, size);
    else
        rc = scenario_parse(buf, len, path, out, msg, size);
    free(buf);
    if (rc == SCENARIO_OK)
        snprintf(out->path, sizeof(out->path), "%s", path);
    return rc;
}

bool scenario_is_path(const char *what)
{
    size_t len = strlen(what), ext = strlen(SCENARIO_EXT);
    return strchr(what, '/') != NULL ||
           (len >= ext && strcmp(what + len - ext, SCENARIO_EXT) == 0);
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

enum scenario_status scenario_find(const char *const *dirs, size_t n,
                                   const char *what, struct scenario *out,
                                   char *msg, size_t size)
{
    if (scenario_is_path(what))
        return scenario_load(what, out, msg, size);
    char path[SCENARIO_PATH_MAX];
    for (size_t i = 0; what[0] && i < n; i++) {
        int len = snprintf(path, sizeof(path), "%s/%s%s", dirs[i], what,
                           SCENARIO_EXT);
        if (len > 0 && (size_t)len < sizeof(path) && file_exists(path))
            return scenario_load(path, out, msg, size);
    }
    if (msg && size) {
        int used = snprintf(msg, size, "no scenario '%s' (", what);
        for (size_t i = 0; used > 0 && (size_t)used < size && i < n; i++)
            used += snprintf(msg + used, size - (size_t)used, "%s%s",
                             i ? ", " : "searched ", dirs[i]);
        if (used > 0 && (size_t)used < size)
            snprintf(msg + used, size - (size_t)used, "%s",
                     n ? "); 'fuota scenarios' lists them"
                       : "no scenario directory found)");
    }
    return SCENARIO_E_NOT_FOUND;
}

void scenario_list_cleanup(struct scenario_list *l)
{
    if (!l)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct scenario_entry *)a)->name,
                  ((const struct scenario_entry *)b)->name);
}

static bool listed(const struct scenario_list *l, const char *name)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i].name, name) == 0)
            return true;
    return false;
}

/* Adds dir/file (a NAME.scenario) to the list unless its name is there. */
static enum scenario_status add_entry(struct scenario_list *l, size_t *cap,
                                      const char *dir, const char *file)
{
    size_t len = strlen(file), ext = strlen(SCENARIO_EXT);
    if (len <= ext || strcmp(file + len - ext, SCENARIO_EXT) != 0)
        return SCENARIO_OK;
    struct scenario_entry e;
    memset(&e, 0, sizeof(e));
    int n = snprintf(e.path, sizeof(e.path), "%s/%s", dir, file);
    if (n < 0 || (size_t)n >= sizeof(e.path) || !file_exists(e.path))
        return SCENARIO_OK;
    name_of(file, e.name, sizeof(e.name));
    if (listed(l, e.name))
        return SCENARIO_OK;
    struct scenario s;
    scenario_init(&s);
    enum scenario_status st =
        scenario_load(e.path, &s, e.error, sizeof(e.error));
    e.ok = st == SCENARIO_OK;
    if (e.ok)
        snprintf(e.summary, sizeof(e.summary), "%s", s.summary);
    scenario_cleanup(&s);
    if (st == SCENARIO_E_NOMEM)
        return st;
    if (l->count == *cap) {
        size_t grown = *cap ? *cap * 2 : 8;
        struct scenario_entry *items =
            realloc(l->items, grown * sizeof(*items));
        if (!items)
            return SCENARIO_E_NOMEM;
        l->items = items;
        *cap = grown;
    }
    l->items[l->count++] = e;
    return SCENARIO_OK;
}

enum scenario_status scenario_list(const char *const *dirs, size_t n,
                                   struct scenario_list *out, char *msg,
                                   size_t size)
{
    memset(out, 0, sizeof(*out));
    size_t cap = 0;
    for (size_t i = 0; i < n; i++) {
        DIR *dir = opendir(dirs[i]);
        if (!dir) {
            if (errno == ENOENT || errno == ENOTDIR)
                continue;
            scenario_list_cleanup(out);
            return io_error(dirs[i], errno, msg, size);
        }
        struct dirent *de;
        enum scenario_status st = SCENARIO_OK;
        while (st == SCENARIO_OK && (de = readdir(dir)) != NULL)
            st = add_entry(out, &cap, dirs[i], de->d_name);
        closedir(dir);
        if (st != SCENARIO_OK) {
            scenario_list_cleanup(out);
            if (msg && size)
                snprintf(msg, size, "%s", scenario_status_message(st));
            return st;
        }
    }
    if (out->count)
        qsort(out->items, out->count, sizeof(*out->items), by_name);
    return SCENARIO_OK;
}

/* ---- use ----------------------------------------------------------------- */

void scenario_apply(const struct scenario *s, struct fleet_params *p)
{
    if (scenario_has(s, SCN_DEVICES))
        p->devices = (size_t)s->devices;
    if (scenario_has(s, SCN_LOSS))
        p->loss.loss = s->loss.loss;
    if (scenario_has(s, SCN_BURST))
        p->loss.burst = s->loss.burst;
    if (scenario_has(s, SCN_SPREAD))
        p->loss.spread = s->loss.spread;
    if (scenario_has(s, SCN_SHARED_LOSS))
        p->loss.shared_loss = s->loss.shared_loss;
    if (scenario_has(s, SCN_LATE_JOIN))
        p->loss.late_join = s->loss.late_join;
    if (scenario_has(s, SCN_MAX_FRAGS))
        p->limits.max_fragments = s->limits.max_fragments;
    if (scenario_has(s, SCN_MAX_FRAG_SIZE))
        p->limits.max_frag_size = s->limits.max_frag_size;
    if (scenario_has(s, SCN_MAX_LOST))
        p->limits.max_lost = s->limits.max_lost;
    if (scenario_has(s, SCN_DEVICE_MEMORY))
        p->limits.memory_bytes = s->limits.memory_bytes;
    for (int f = FAULT_NONE + 1; f < FAULT_COUNT; f++)
        if (s->fault_given[f])
            p->faults.share[f] = s->faults.share[f];
}

bool scenario_drops(const struct scenario *s, const struct fleet_session *fs,
                    const uint32_t *extra, size_t extra_count, uint32_t **out,
                    size_t *count)
{
    *out = NULL;
    *count = 0;
    uint8_t *lost = calloc(LOSS_FRAGMENT_MAX + 1, 1);
    if (!lost)
        return false;
    for (size_t i = 0; i < extra_count; i++)
        if (extra[i] >= 1 && extra[i] <= LOSS_FRAGMENT_MAX)
            lost[extra[i]] = 1;
    uint32_t total = fs->m + fs->r;
    for (size_t k = 0; k < s->outage_count; k++) {
        double from = s->outages[k].at_s * 1e6;
        double to = from + s->outages[k].for_s * 1e6;
        for (uint32_t n = 1; n <= total && n <= LOSS_FRAGMENT_MAX; n++) {
            double start = (double)fleet_send_time_us(fs, n);
            if (start >= from && start < to)
                lost[n] = 1;
        }
    }
    size_t n = 0;
    for (uint32_t i = 1; i <= LOSS_FRAGMENT_MAX; i++)
        n += lost[i];
    if (n) {
        *out = malloc(n * sizeof(**out));
        if (!*out) {
            free(lost);
            return false;
        }
        for (uint32_t i = 1; i <= LOSS_FRAGMENT_MAX; i++)
            if (lost[i])
                (*out)[(*count)++] = i;
    }
    free(lost);
    return true;
}
