#ifndef FUOTA_SIM_EVENTS_H
#define FUOTA_SIM_EVENTS_H

/*
 * Playback of a simulated session as a stream of events, for the console
 * (step through with events_next) and for `fuota simulate --events`
 * (one JSON object a line, events_format_json).
 *
 * The stream is regenerated from the parameters and the result of
 * fleet_run (same seed -> the same loss pattern), never stored: memory is
 * one small loss state per device (about 80 bytes), however many fragments
 * and events there are.
 *
 * Order, for each fragment n = 1 .. sent:
 *   SENT n at its start time;
 *   for each device d = 0 .. N-1 still listening: RECEIVED or LOST at the
 *   end of n's time on air, then COMPLETED (Successful) or FAILED
 *   (MemoryError) when the device reached that outcome at n.
 * Devices refused at setup (Not_enough_memory for their limits, or a setup
 * fault of sim/fault.h) get FAILED with fragment 0 at time 0 before
 * fragment 1; devices that never completed get FAILED (MissingFrag, or
 * MICError for wrong keys) after the last fragment, at the end of the
 * session (fleet_end_time_us). A device with wrong keys loses every
 * fragment (none passes its check). A device stops listening once it has
 * completed or failed.
 *
 * The iterator borrows params and result (they must outlive it).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/backend.h"
#include "sim/fleet.h"

#define EVENTS_TYPES(X)                                                        \
    X(EVENTS_SENT, "sent")                                                     \
    X(EVENTS_RECEIVED, "received")                                             \
    X(EVENTS_LOST, "lost")                                                     \
    X(EVENTS_COMPLETED, "completed")                                           \
    X(EVENTS_FAILED, "failed")

enum events_type {
#define X(id, name) id,
    EVENTS_TYPES(X)
#undef X
};
const char *events_type_name(enum events_type type);

struct events_event {
    enum events_type type;
    uint32_t fragment; /* 1-based; 0 = before the session (setup) */
    uint64_t time_us;  /* since the session start */
    size_t device;     /* not meaningful for SENT */
    enum backend_device_status status; /* COMPLETED / FAILED */
};

struct events_iter;

/* NULL on out of memory. */
struct events_iter *events_new(const struct fleet_params *p,
                               const struct fleet_result *r);
void events_free(struct events_iter *it);

/* The next event; false at the end of the stream. */
bool events_next(struct events_iter *it, struct events_event *ev);

/*
 * Fragment-by-fragment playback (what a console shows per step): the
 * events of one fragment summed up. A frame starts at the SENT event of
 * its fragment and takes every event up to the next SENT; the first frame
 * also takes the setup failures before fragment 1 (a frame with fragment 0
 * when nothing is sent at all), the last one the MissingFrag failures at
 * the end. Mixing events_next and events_next_frame on one iterator is
 * allowed: a frame starts wherever the stream is.
 */
struct events_frame {
    uint32_t fragment;                        /* 0 = before the session */
    uint64_t time_us;                         /* when it was sent */
    size_t received, lost, completed, failed; /* in this frame */
    size_t completed_total, failed_total;     /* up to and including it */
};

/* The next frame; false at the end of the stream. */
bool events_next_frame(struct events_iter *it, struct events_frame *frame);

/*
 * One event as a JSON object without newline, e.g.
 * {"t_ms":12000.000,"event":"received","fragment":13,"device":4}
 * {"t_ms":0.000,"event":"sent","fragment":1}
 * {"t_ms":..,"event":"failed","fragment":2400,"device":7,"status":"MissingFrag"}
 * Returns the length written (truncated output is still NUL-terminated).
 */
size_t events_format_json(const struct events_event *ev, char *buf,
                          size_t size);

#endif
