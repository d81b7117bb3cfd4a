#ifndef FUOTA_SIM_STORE_H
#define FUOTA_SIM_STORE_H

/*
 * The simulated IoT Wireless service: FUOTA tasks with AWS's semantics, kept
 * in one SQLite database. Both the in-process simulator backend
 * (sim/sim_backend.c) and `fuota serve` (sim/server.c) sit on top of it; the
 * operations mirror core/backend.h and use its result and error types.
 *
 * Semantics (see docs/guide/simulator.md for the full table and sources):
 * - Ids are lowercase UUIDs (version 4, libsodium randombytes), ARNs
 *   arn:aws:iotwireless:REGION:ACCOUNT:FuotaTask/ID, CreatedAt epoch seconds.
 * - Status is derived on every read from stored transition times and the
 *   injectable clock: Pending until started; after StartFuotaTask
 *   FuotaSession_Waiting until the session begins (LoRaWAN.StartTime if given,
 *   else now + setup delay), In_FuotaSession for the session's duration
 *   (see image_bytes below), then FuotaDone. Deleting a task that is
 *   waiting or in session shows Delete_Waiting for the delete grace period,
 *   then it is gone; deleting a Pending or FuotaDone task removes it at once.
 * - UpdateFuotaTask, Associate* and Disassociate* only while Pending,
 *   StartFuotaTask only from Pending; otherwise ConflictException (409).
 * - CreateFuotaTask with a ClientRequestToken already used: same parameters
 *   -> the same task again (BACKEND_OK, same Id and Arn); other parameters ->
 *   ConflictException. A token lives as long as its task.
 * - Every rule of core/task's task_validate() -> ValidationException whose
 *   Message follows AWS's form: "1 validation error detected: Value 'x' at
 *   'name' failed to satisfy constraint: Member must have length less than
 *   or equal to 256" (several errors joined with "; ").
 * - Unknown task ids -> ResourceNotFoundException (resource_type "FuotaTask").
 *   Unknown wireless devices and multicast groups are created on demand as
 *   virtual ones when associated (the simulator has no device registry);
 *   associating twice is a no-op; disassociating one that is not associated
 *   -> ResourceNotFoundException.
 * - A multicast group carries virtual devices: associating group G with a
 *   task associates G's group_devices devices with it too (ids from
 *   store_group_device_id(), the same for G everywhere), and
 *   disassociating G takes them away again. They play the session like
 *   any device and are listed with the task's devices with their
 *   FuotaDeviceStatus; they are not associated "directly", so
 *   DisassociateWirelessDevice does not take one away (ResourceNotFound)
 *   unless it was also associated directly, which makes it the task's own.
 * - Paging: stable creation order; opaque next tokens; see
 *   struct backend_page_req for max_results.
 *
 * Durability: every mutating call is one SQLite transaction committed
 * (WAL, synchronous=FULL unless sync_normal) before it returns BACKEND_OK,
 * so a kill -9 at any instant loses nothing acknowledged and never leaves a
 * half-made task. StartFuotaTask included: the start and the outcome of
 * every device of the session (computed beforehand by the session hook)
 * are one transaction and one fsync, whatever the number of devices; after
 * a crash a task is either still Pending with every device Initial, or
 * started with every device's outcome recorded.
 *
 * Threads: a struct store may be used from any number of threads at once
 * (calls are serialised on one connection by a mutex; other processes
 * opening the same file wait up to busy_timeout). The session hook is
 * called without that mutex held (a long play does not block other
 * clients).
 *
 * Fault injection: when throttle_rate / error_rate are set, every public
 * operation except store_open, store_close and store_report_device_status
 * first draws one number from a PRNG seeded with `seed`: below throttle_rate
 * it fails with ThrottlingException "Rate exceeded", below throttle_rate +
 * error_rate with InternalServerException; no state changes then. The
 * sequence of outcomes is a pure function of the seed.
 *
 * Parts: sim/store_db.h (the SQLite file, quarantine, schema upgrades),
 * sim/store_msg.h (AWS's error wording), sim/store_page.h (List* paging and
 * tokens), sim/session_time.h (how long a session lasts).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/backend.h"
#include "core/task.h"

struct store;

/* Schema version kept in PRAGMA user_version. */
#define STORE_SCHEMA_VERSION 3
/* PRAGMA application_id of our files ("FUOT"). */
#define STORE_APPLICATION_ID 0x46554F54

/* Defaults for struct store_options members left zero / NULL. */
#define STORE_DEFAULT_REGION        "us-east-1"
#define STORE_DEFAULT_ACCOUNT       "123456789012"
#define STORE_DEFAULT_IMAGE_BYTES   65536
#define STORE_DEFAULT_FRAGMENT_SIZE 50   /* bytes, when the task has none */
#define STORE_DEFAULT_INTERVAL_MS   1000 /* when the task has none */
#define STORE_DEFAULT_SETUP_MS      10000
#define STORE_DEFAULT_DELETE_MS     5000
#define STORE_DEFAULT_BUSY_MS       5000
#define STORE_DEFAULT_GROUP_DEVICES 4
#define STORE_GROUP_DEVICES_MAX     1000

/*
 * A session about to be played, handed to on_session_start. All pointers are
 * valid during the call only. Times are wall-clock milliseconds since the
 * epoch as the store's clock counts them (already divided by time_scale).
 * device_ids are the wireless devices associated with the task that take
 * part, in association order (devices also in another running task are
 * excluded: they get Device_exist_in_conflict_fuota_task at once). task is
 * the task as GetFuotaTask will show it once started (status
 * FuotaSession_Waiting or In_FuotaSession, LoRaWAN.StartTime set).
 */
struct store_session {
    const char *task_id;
    const struct backend_task *task; /* as GetFuotaTask returns it */
    const char *const *device_ids;
    size_t device_count;
    const char *const *group_ids;
    size_t group_count;
    int64_t image_bytes; /* assumed image size (options.image_bytes) */
    int64_t session_start_ms;
    int64_t session_end_ms;
};

/*
 * What one participating device reports, as the session hook computes it:
 * its final FuotaDeviceStatus and the store-clock time (ms) from which it
 * shows; reads before at_ms show Initial (statuses are derived on read
 * from the clock, like the task's).
 */
struct store_outcome {
    enum backend_device_status status;
    int64_t at_ms;
};

/*
 * A session that StartFuotaTask has committed, for on_session_started.
 * Times are the store clock's ms; simulated_ms is the session's length in
 * simulated time (end - start times time_scale). counts[s] is the number
 * of the task's devices whose final FuotaDeviceStatus is s (each shows it
 * from its own time on; conflicts at once).
 */
struct store_session_summary {
    const char *task_id;
    int64_t started_ms;
    int64_t session_start_ms;
    int64_t session_end_ms;
    int64_t simulated_ms;
    size_t devices;
    size_t groups;
    size_t counts[BACKEND_DEVICE_STATUS_COUNT];
};

struct store_options {
    /* Database file, or NULL / ":memory:" for a private in-memory store. */
    const char *path;
    const char *region;  /* for ARNs; NULL = STORE_DEFAULT_REGION */
    const char *account; /* for ARNs; NULL = STORE_DEFAULT_ACCOUNT */

    /*
     * Clock: wall-clock milliseconds since the epoch. NULL = CLOCK_REALTIME.
     * Tests pass their own to drive time deterministically.
     */
    int64_t (*clock)(void *ctx);
    void *clock_ctx;
    /*
     * Simulated time runs this many times faster than the clock for the
     * phases the simulator chooses (setup delay, session duration, delete
     * grace); 0 = 1. A LoRaWAN.StartTime given by the caller is absolute and
     * is honoured as is.
     */
    double time_scale;
    int64_t setup_ms;  /* FuotaSession_Waiting without StartTime; 0 = default */
    int64_t delete_ms; /* Delete_Waiting duration; 0 = default */
    /*
     * Session duration: core/plan's session wall time for the task
     * (fragments x max(interval rounded to the second, time on air,
     * duty-cycle slot) at the region's default Class C data rate; see
     * core/plan.h for its assumptions) for an image of image_bytes. When
     * the task names no RfRegion, or the plan has no time on air, a simple
     * estimate: M = ceil(image_bytes / FragmentSizeBytes), R = ceil(M *
     * RedundancyPercent / 100), duration = (M + R) * max(1 s,
     * FragmentIntervalMS rounded to the nearest second), unset members
     * taking STORE_DEFAULT_FRAGMENT_SIZE / STORE_DEFAULT_INTERVAL_MS / 0 %.
     */
    int64_t image_bytes; /* 0 = STORE_DEFAULT_IMAGE_BYTES */

    /*
     * The session hook: the hook computes, the store writes. Called by
     * StartFuotaTask BEFORE anything is written, on the calling thread,
     * store mutex not held, with the session the start will commit. It
     * fills outcomes[i] for session->device_ids[i] (i < device_count; the
     * store pre-fills every entry with MissingFrag at session_end_ms) and
     * returns true; it must not call the store. The store then writes the
     * start and every outcome in ONE transaction (one commit, one fsync);
     * an outcome whose status is Initial or not a FuotaDeviceStatus is
     * written as MissingFrag at session_end_ms. Returning false (a host
     * failure such as out of memory) fails the StartFuotaTask with
     * InternalServerException and writes nothing: the task stays Pending.
     * If the task, its devices or its groups change while the hook runs
     * (another client), the store plays again with the new state; a task
     * that left Pending meanwhile gets the usual ConflictException.
     * A session the hook cannot play must still give every device a final
     * status (fleet_store_hook: MissingFrag at session_end_ms).
     * NULL = every participating device reports Successful at
     * session_end_ms. The fleet simulator's hook is fleet_store_hook
     * (sim/fleet.h).
     */
    bool (*on_session_start)(void *ctx, const struct store_session *session,
                             struct store_outcome *outcomes);
    void *hook_ctx;
    /*
     * Told after a StartFuotaTask is committed (never for one that failed),
     * on the calling thread, store mutex not held; must not call the store.
     * The summary is valid during the call only. NULL = nobody is told.
     */
    void (*on_session_started)(void *ctx,
                               const struct store_session_summary *summary);
    void *started_ctx;

    /* Virtual devices of each multicast group (see above): 0 =
     * STORE_DEFAULT_GROUP_DEVICES, negative = none, at most
     * STORE_GROUP_DEVICES_MAX. */
    int group_devices;

    /* Fault injection (see above); rates in 0..1, their sum <= 1. */
    double throttle_rate;
    double error_rate;
    uint64_t seed;

    int busy_timeout_ms; /* 0 = STORE_DEFAULT_BUSY_MS */
    /*
     * false (default): synchronous=FULL, every commit is fsynced before the
     * call returns: nothing acknowledged is lost to kill -9, an OS crash or
     * a power cut (a few hundred creates per second on a disk).
     * true: synchronous=NORMAL (WAL): still nothing lost to kill -9 of the
     * process, but an OS crash or power cut may lose the last commits; far
     * faster writes.
     */
    bool sync_normal;
};

/*
 * Opens (creating if needed) the store. Refuses, leaving the file as it
 * was, whatever is not a fuota state file or cannot be written: a
 * directory, /dev/null or another non-regular file, a missing or read-only
 * directory, a read-only file, a file that is not SQLite, another
 * application's SQLite database (see store_db_open() in sim/store_db.h
 * for the exact rules and wording). A file that carries fuota's schema
 * marker (PRAGMA application_id STORE_APPLICATION_ID) but is damaged is
 * renamed to PATH.corrupt-YYYYMMDDTHHMMSSZ (with -wal / -shm alongside, a
 * numeric suffix if that name is taken; never overwritten), a fresh store
 * is created at PATH and store_quarantined() names the moved file. A schema
 * older than ours is upgraded in place; a newer one is refused
 * (BACKEND_INTERNAL, file untouched). Errors: BACKEND_VALIDATION for bad
 * options, BACKEND_INTERNAL for the refusals, I/O or SQLite failures,
 * BACKEND_NO_MEMORY. On failure *out is NULL.
 */
enum backend_status store_open(const struct store_options *opts,
                               struct store **out, struct backend_error *err)
    __attribute__((warn_unused_result));
/* Closes the database (WAL checkpointed); accepts NULL. */
void store_close(struct store *store);
/* Path the damaged state file was moved to at open, or NULL. */
const char *store_quarantined(const struct store *store);
/* Another process (a second `fuota serve`, a console) had the state file
 * open when this store opened it. Both may go on: SQLite serialises their
 * writes; this is for saying so. */
bool store_held_elsewhere(const struct store *store);
/* The clock's "now" in ms (what the store uses for statuses). */
int64_t store_now_ms(const struct store *store);

/*
 * --- the API (semantics in the header comment and core/backend.h) -------
 * Each call clears *err first, fills it on failure, and initialises its
 * output struct (left empty on failure; cleanup is always safe).
 */

enum backend_status
store_create_task(struct store *store, const struct fuota_task *request,
                  struct backend_created *out, struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status store_get_task(struct store *store, const char *id,
                                   struct backend_task *out,
                                   struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status
store_list_tasks(struct store *store, const struct backend_page_req *page,
                 struct backend_task_page *out, struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status store_update_task(struct store *store, const char *id,
                                      const struct fuota_task *changes,
                                      struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status store_delete_task(struct store *store, const char *id,
                                      struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status store_start_task(struct store *store, const char *id,
                                     bool has_start_time, int64_t start_time,
                                     struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status store_associate_device(struct store *store, const char *id,
                                           const char *device_id,
                                           struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status
store_disassociate_device(struct store *store, const char *id,
                          const char *device_id, struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status store_associate_group(struct store *store, const char *id,
                                          const char *group_id,
                                          struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status
store_disassociate_group(struct store *store, const char *id,
                         const char *group_id, struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status store_list_groups(struct store *store, const char *id,
                                      const struct backend_page_req *page,
                                      struct backend_id_page *out,
                                      struct backend_error *err)
    __attribute__((warn_unused_result));
enum backend_status store_list_devices(struct store *store, const char *id,
                                       const struct backend_page_req *page,
                                       struct backend_device_page *out,
                                       struct backend_error *err)
    __attribute__((warn_unused_result));

/*
 * ListWirelessDevices without a task filter: the ids of every wireless
 * device associated with a live task (not deleted, not past its delete
 * grace), each once, in byte order of the id (strcmp), one page per call
 * (one fault-injection draw, one SQL query: keyset paging on the id, so a
 * page costs its own rows, not the fleet's). Paging as
 * store_page_args: max_results 0..BACKEND_MAX_RESULTS_MAX (0 = default);
 * the NextToken carries the last id of the page (a token of another
 * listing is a ValidationException). Devices associated or removed between
 * pages are seen or not according to their id, never twice.
 */
enum backend_status
store_list_all_devices(struct store *store, const struct backend_page_req *page,
                       struct backend_id_page *out, struct backend_error *err)
    __attribute__((warn_unused_result));
/*
 * The same listings narrowed to the virtual devices of multicast group
 * group_id (NULL = no narrowing): of task `id` with their status, or of
 * every live task (each device once, by id). Paging and errors as the
 * unnarrowed calls.
 */
enum backend_status store_list_devices_in_group(
    struct store *store, const char *id, const char *group_id,
    const struct backend_page_req *page, struct backend_device_page *out,
    struct backend_error *err) __attribute__((warn_unused_result));
enum backend_status store_list_all_devices_in_group(
    struct store *store, const char *group_id,
    const struct backend_page_req *page, struct backend_id_page *out,
    struct backend_error *err) __attribute__((warn_unused_result));

/*
 * The id of the k-th (1-based) virtual device of multicast group G: the
 * FNV-1a 64-bit hash of the bytes of G, ':' and k in decimal ("grp-1:3"),
 * as 16 lowercase hex digits -- a DevEui-shaped id, the same for G in every
 * store and every run. out must hold 17 bytes.
 */
void store_group_device_id(const char *group_id, unsigned k, char out[17]);

/* "arn:aws:iotwireless:REGION:ACCOUNT" of this store's ARNs. */
const char *store_arn_prefix(const struct store *store);

/*
 * For tools and tests (the session hook does not need it): records that
 * `device_id` of task `id` reports `status` from time at_ms on (reads
 * before at_ms still show the previous status, Initial at first). One
 * transaction per call. Not subject to fault injection. Errors: NOT_FOUND
 * (task or association), INTERNAL.
 */
enum backend_status store_report_device_status(
    struct store *store, const char *id, const char *device_id,
    enum backend_device_status status, int64_t at_ms, struct backend_error *err)
    __attribute__((warn_unused_result));

/*
 * Formats task_validate()'s errors in AWS's ValidationException form into
 * buf ("N validation error(s) detected: ..."); returns buf. Quoted values
 * longer than 64 characters are cut with "...". Exposed for sim/server.c,
 * which must word errors found while parsing the same way; the same as
 * store_msg_validation() in sim/store_msg.h, where the wording lives.
 */
const char *store_validation_message(const struct fuota_task *task,
                                     const struct diag_list *diags, char *buf,
                                     size_t size);

#endif
