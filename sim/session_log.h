#ifndef FUOTA_SIM_SESSION_LOG_H
#define FUOTA_SIM_SESSION_LOG_H

/*
 * What `fuota serve` says about the sessions it plays: one line when a
 * task's session is started (when it begins, how long it lasts in simulated
 * and in real time, how many devices) and one when it ends (how the devices
 * came out), so that someone watching the server sees the simulated service
 * at work. Fed by the store's on_session_started (sim/store.h).
 *
 *   fuota serve: task ID started: session begins in 10.0 s, lasts 2 min 11 s
 *     simulated (13.1 s real at time scale 10), 20 devices
 *   fuota serve: task ID session ended: 16 Successful, 4 MissingFrag
 *     (20 devices)
 * (each one line).
 *
 * Usage: session_log_new(), then session_log_started() from any thread for
 * every started session; the end lines are printed by a thread of the log
 * (threaded) or by session_log_poll() (not threaded: tests drive the
 * clock). session_log_free() prints nothing more. Thread-safe.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct session_log;
struct store_session_summary;

/*
 * Lines go to out (borrowed; NULL = nowhere, the log still keeps time).
 * clock: ms since the epoch on the store's clock (NULL = CLOCK_REALTIME);
 * time_scale: the store's, for the real-time figure (0 = 1). NULL when out
 * of memory or the thread cannot start.
 */
struct session_log *session_log_new(FILE *out, int64_t (*clock)(void *ctx),
                                    void *clock_ctx, double time_scale,
                                    bool threaded);
void session_log_free(struct session_log *log);

/* A store on_session_started hook: ctx is the struct session_log. Prints
 * the start line now and keeps the end line for the session's end. */
void session_log_started(void *ctx, const struct store_session_summary *s);

/*
 * Prints the end lines due at now_ms (in end order); returns the end time
 * of the next session still running, or -1 when none is.
 */
int64_t session_log_poll(struct session_log *log, int64_t now_ms);

/* "850 ms", "12.5 s", "3 min 20 s", "2 h 05 min 10 s", into buf. */
const char *session_log_duration(int64_t ms, char *buf, size_t size);

#endif
