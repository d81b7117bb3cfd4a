#ifndef FUOTA_SIM_SIM_BACKEND_H
#define FUOTA_SIM_SIM_BACKEND_H

/*
 * The simulator as a core/backend.h implementation, in process: each
 * operation is the matching store_*() call on a sim/store.h store.
 * The returned backend may be used from several threads at once (the store
 * serialises). backend_close() closes the store too when the backend owns it.
 */

#include "core/backend.h"
#include "sim/store.h"

/*
 * Opens a store with `opts` (NULL = in-memory defaults) and wraps it; the
 * backend owns the store. Errors as store_open(); *out is NULL on failure.
 */
enum backend_status sim_backend_open(const struct store_options *opts,
                                     struct backend **out,
                                     struct backend_error *err)
    __attribute__((warn_unused_result));

/*
 * Wraps an already open store; if takes_ownership, backend_close() closes
 * it. Returns NULL on out of memory.
 */
struct backend *sim_backend_new(struct store *store, bool takes_ownership);

/* The store behind a simulator backend, or NULL for any other backend. */
struct store *sim_backend_store(struct backend *b);

#endif
