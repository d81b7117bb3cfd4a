#ifndef FUOTA_SIM_SCENARIO_H
#define FUOTA_SIM_SCENARIO_H

/*
 * Training scenarios: a fleet (size, device limits), a link (loss models),
 * device faults and a short story for the trainee, in a line-based text
 * file NAME.scenario. One directive a line, its words separated by blanks;
 * '#' starts a comment line; blank lines are skipped; CRLF is accepted:
 *
 *   story TEXT            what happens, for the trainee (repeatable: the
 *                         lines are joined with a space; the first
 *                         sentence is the summary `fuota scenarios` lists)
 *   devices N             fleet size, 1..10000000
 *   image-size N          default image size in bytes, 1..4177665
 *   loss PCT              each device loses each fragment (0..100)
 *   burst LEN             mean burst length in fragments (>= 1)
 *   spread PCT            standard deviation of the devices' own loss
 *   shared-loss PCT       fragments every device loses
 *   late-join K           every device misses fragments 1..K
 *   drop N,N,...          these fragments are lost for every device
 *   outage AT FOR         a gateway outage: every fragment whose
 *                         transmission starts in [AT, AT + FOR) is lost for
 *                         every device; durations are N (seconds), Ns,
 *                         Nmin or Nh (plain decimals); up to 8 outages
 *   max-frags N, max-frag-size N, max-lost N, device-memory N
 *                         device limits (as sim/fleet.h's fleet_limits)
 *   fault NAME PCT        a device fault of sim/fault.h for PCT % of the
 *                         fleet (repeatable, one line per fault)
 *
 * The directives take the names, units and ranges of `fuota simulate`'s
 * options; each may be given once, except story, outage and fault (one
 * line per fault). A scenario needs a story. Numbers are plain decimals
 * (core/number.h). Everything is checked as the options are (the loss
 * model with loss_config_check). Errors name the file and line:
 * "scenarios/edge.scenario:3: loss: '110' is not a percentage from 0 to
 * 100".
 *
 * Finding scenarios: by name in a list of directories (the caller's: the
 * CLI looks in the install directory and the source tree, see
 * cli/datadir.h), the first directory that has NAME.scenario winning, or
 * by path (anything with a '/' or ending in .scenario).
 *
 * Ownership: a struct scenario is caller-embedded; scenario_init() before
 * use, scenario_cleanup() after (frees the drop list). Loading does file
 * I/O (sim/ may); parsing does not. Not thread-safe on one struct.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/fault.h"
#include "sim/fleet.h"
#include "sim/loss.h"

#define SCENARIO_EXT         ".scenario"
#define SCENARIO_NAME_MAX    64
#define SCENARIO_PATH_MAX    4096
#define SCENARIO_STORY_MAX   1024
#define SCENARIO_OUTAGES_MAX 8
#define SCENARIO_FILE_MAX    65536
#define SCENARIO_LINE_MAX    1024

#define SCENARIO_STATUSES(X)                                                   \
    X(SCENARIO_OK, "ok")                                                       \
    X(SCENARIO_E_SYNTAX, "the scenario has an error")                          \
    X(SCENARIO_E_IO, "the scenario file cannot be read")                       \
    X(SCENARIO_E_NOT_FOUND, "no such scenario")                                \
    X(SCENARIO_E_NOMEM, "out of memory")

enum scenario_status {
#define X(id, text) id,
    SCENARIO_STATUSES(X)
#undef X
};

const char *scenario_status_message(enum scenario_status st);

/* Directives, in the order they are listed: id, name. */
#define SCENARIO_DIRECTIVES(X)                                                 \
    X(SCN_STORY, "story")                                                      \
    X(SCN_DEVICES, "devices")                                                  \
    X(SCN_IMAGE_SIZE, "image-size")                                            \
    X(SCN_LOSS, "loss")                                                        \
    X(SCN_BURST, "burst")                                                      \
    X(SCN_SPREAD, "spread")                                                    \
    X(SCN_SHARED_LOSS, "shared-loss")                                          \
    X(SCN_LATE_JOIN, "late-join")                                              \
    X(SCN_DROP, "drop")                                                        \
    X(SCN_OUTAGE, "outage")                                                    \
    X(SCN_MAX_FRAGS, "max-frags")                                              \
    X(SCN_MAX_FRAG_SIZE, "max-frag-size")                                      \
    X(SCN_MAX_LOST, "max-lost")                                                \
    X(SCN_DEVICE_MEMORY, "device-memory")                                      \
    X(SCN_FAULT, "fault")

enum scenario_directive {
#define X(id, name) id,
    SCENARIO_DIRECTIVES(X)
#undef X
        SCN_COUNT
};

const char *scenario_directive_name(enum scenario_directive d);

/* A gateway outage, in seconds from the session start. */
struct scenario_outage {
    double at_s;
    double for_s;
};

struct scenario {
    char name[SCENARIO_NAME_MAX]; /* the file name without .scenario */
    char path[SCENARIO_PATH_MAX]; /* where it was read ("" if parsed) */
    char story[SCENARIO_STORY_MAX];
    char summary[SCENARIO_LINE_MAX]; /* the story's first sentence */
    /* Line of each directive given (0 = not given; the last for the
     * repeatable ones). */
    unsigned line[SCN_COUNT];
    uint64_t devices;
    uint64_t image_size;
    struct loss_config loss; /* fractions; drop points into drop below */
    uint32_t *drop;          /* heap, owned */
    size_t drop_count;
    struct scenario_outage outages[SCENARIO_OUTAGES_MAX];
    size_t outage_count;
    struct fleet_limits limits;
    struct fault_config faults;
    bool fault_given[FAULT_COUNT];
};

void scenario_init(struct scenario *s);
void scenario_cleanup(struct scenario *s);

/* Whether the scenario gives directive d. */
bool scenario_has(const struct scenario *s, enum scenario_directive d);

/*
 * Parses len bytes of text (not NUL-terminated necessarily) named `file`
 * in messages into *out (scenario_init()ed; cleaned and refilled). On
 * SCENARIO_E_SYNTAX msg holds "FILE:LINE: why" (or "FILE: why" for the
 * whole file); *out is then empty.
 */
enum scenario_status scenario_parse(const char *text, size_t len,
                                    const char *file, struct scenario *out,
                                    char *msg, size_t size)
    __attribute__((warn_unused_result));

/* Reads and parses the file at path (at most SCENARIO_FILE_MAX bytes); the
 * name is the file name without the extension. */
enum scenario_status scenario_load(const char *path, struct scenario *out,
                                   char *msg, size_t size)
    __attribute__((warn_unused_result));

/* True when `what` is a path (it has a '/' or ends in .scenario), not a
 * name. */
bool scenario_is_path(const char *what);

/*
 * Loads a scenario by name (NAME.scenario in the first of dirs[0..n) that
 * has it) or by path. SCENARIO_E_NOT_FOUND names the directories searched.
 */
enum scenario_status scenario_find(const char *const *dirs, size_t n,
                                   const char *what, struct scenario *out,
                                   char *msg, size_t size)
    __attribute__((warn_unused_result));

/* One scenario of a listing. */
struct scenario_entry {
    char name[SCENARIO_NAME_MAX];
    char path[SCENARIO_PATH_MAX];
    bool ok;                             /* parsed; else error holds why */
    char summary[SCENARIO_LINE_MAX];     /* when ok */
    char error[SCENARIO_LINE_MAX + 128]; /* when not */
};

struct scenario_list {
    struct scenario_entry *items; /* sorted by name */
    size_t count;
};

/*
 * Every NAME.scenario of dirs[0..n) (directories that do not exist are
 * skipped; a name found in an earlier directory hides later ones), each
 * parsed for its summary. *out is the caller's (initialised by the call;
 * scenario_list_cleanup() it). SCENARIO_E_NOMEM or SCENARIO_E_IO (a
 * directory that exists but cannot be read; msg says which) on failure.
 */
enum scenario_status scenario_list(const char *const *dirs, size_t n,
                                   struct scenario_list *out, char *msg,
                                   size_t size)
    __attribute__((warn_unused_result));
void scenario_list_cleanup(struct scenario_list *l);

/*
 * Sets the fleet parameters the scenario gives (devices, loss model,
 * limits, faults; not the drop list and outages, see scenario_drops) on
 * *p, leaving the others as they are. p->loss.drop is untouched.
 */
void scenario_apply(const struct scenario *s, struct fleet_params *p);

/*
 * The fragments lost for every device in a session: the union of `extra`
 * (e.g. the scenario's drop list or the command line's), and the fragments
 * of s's outages (n with (n - 1) * spacing in [AT, AT + FOR), up to the
 * session's M + R), sorted, each once. *out is heap (caller frees; NULL
 * with *count 0 when empty). False on out of memory.
 */
bool scenario_drops(const struct scenario *s, const struct fleet_session *fs,
                    const uint32_t *extra, size_t extra_count, uint32_t **out,
                    size_t *count) __attribute__((warn_unused_result));

#endif
