#ifndef FUOTA_TUI_DRAFT_H
#define FUOTA_TUI_DRAFT_H

/*
 * The wizard's draft on disk, written after every change without making
 * the operator wait for the disk.
 *
 * draft_put() writes the text to a temporary file in the draft's folder
 * and renames it over the draft, on the caller's thread: from then on a
 * kill -9 of the console cannot lose it (the bytes are the kernel's).
 * A background thread then fsyncs the draft and its folder, so it also
 * survives a power cut; puts that come faster than the disk are folded
 * into one fsync. Readers see the old draft or the new one, never a part.
 *
 * Threads: put and free from one thread (the UI's); the syncer is
 * internal. draft_free() syncs what is pending before it returns.
 */

#include <stdbool.h>
#include <stddef.h>

struct draft;

/* A writer for the draft at path (copied); NULL on out of memory or when
 * the syncer cannot start. */
struct draft *draft_new(const char *path);
void draft_free(struct draft *d);

/* Writes text as the new draft. False with "PATH: reason" in err. */
bool draft_put(struct draft *d, const char *text, size_t len, char *err,
               size_t errsize) __attribute__((warn_unused_result));

/* How many fsyncs the syncer has completed (for tests). */
unsigned long draft_synced(struct draft *d);

#endif
