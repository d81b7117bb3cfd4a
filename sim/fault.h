#ifndef FUOTA_SIM_FAULT_H
#define FUOTA_SIM_FAULT_H

/*
 * Device faults of the fleet simulator: the setup and key errors of real
 * deployments, each given to a share of the fleet and ending in its
 * FuotaDeviceStatus (core/outcome.h explains them):
 *
 *   package-not-supported  firmware without the FUOTA packages: the device
 *                          does not answer PackageVersionReq
 *   frag-algo-unsupported  its decoder does not know the coding algorithm
 *   not-enough-memory      its buffers are too small for the session
 *   frag-index-unsupported it does not support the session index
 *   wrong-descriptor       it refuses the task's Descriptor
 *   session-cnt-replay     its session counter is ahead of the server's
 *   mic-error              wrong multicast keys (a LoRaWAN 1.0.x device set
 *                          up with its AppKey instead of its GenAppKey)
 *
 * The setup faults refuse the session before any fragment (TS004
 * FragSessionSetupAns bits, package check first); a device with wrong keys
 * hears every fragment but cannot authenticate any, never completes, and
 * reports MICError when the session ends.
 *
 * Draws. Device d has fault f when loss_hash(seed, FAULT_STREAM + f, key) <
 * share(f) * 2^64, key being the device's loss-stream key (d, or
 * fleet_params.device_key[d]). Each fault has its own stream, keyed per
 * device like sim/loss.h's: whether a device has a fault depends only on
 * (seed, fault, key), never on the other devices or the other faults, and
 * no loss stream is touched, so adding a fault changes nothing for the
 * devices without it. A device drawn for several faults meets the first in
 * the order above (the order of the exchange).
 *
 * Static tables, no allocation; a fault_config is plain data (copy it).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/backend.h"

/* Stream purpose of the fault draws (apart from sim/loss.h's). */
#define FAULT_STREAM 0x6661756c74000000ull /* "fault" */

/* X(id, name, FuotaDeviceStatus, help), in the order of the exchange. */
#define FAULTS(X)                                                              \
    X(FAULT_PACKAGE_NOT_SUPPORTED, "package-not-supported",                    \
      BACKEND_DEVICE_PACKAGE_NOT_SUPPORTED,                                    \
      "firmware without the FUOTA packages")                                   \
    X(FAULT_FRAG_ALGO_UNSUPPORTED, "frag-algo-unsupported",                    \
      BACKEND_DEVICE_FRAG_ALGO_UNSUPPORTED,                                    \
      "decoder without the coding algorithm")                                  \
    X(FAULT_NOT_ENOUGH_MEMORY, "not-enough-memory",                            \
      BACKEND_DEVICE_NOT_ENOUGH_MEMORY, "buffers too small for the session")   \
    X(FAULT_FRAG_INDEX_UNSUPPORTED, "frag-index-unsupported",                  \
      BACKEND_DEVICE_FRAG_INDEX_UNSUPPORTED, "session index not supported")    \
    X(FAULT_WRONG_DESCRIPTOR, "wrong-descriptor",                              \
      BACKEND_DEVICE_WRONG_DESCRIPTOR, "Descriptor refused")                   \
    X(FAULT_SESSION_CNT_REPLAY, "session-cnt-replay",                          \
      BACKEND_DEVICE_SESSION_CNT_REPLAY,                                       \
      "session counter ahead of the server's")                                 \
    X(FAULT_MIC_ERROR, "mic-error", BACKEND_DEVICE_MIC_ERROR,                  \
      "wrong multicast keys: AppKey where the GenAppKey belongs")

enum fault {
    FAULT_NONE,
#define X(id, name, status, help) id,
    FAULTS(X)
#undef X
        FAULT_COUNT
};

/* Each fault's share of the fleet, 0..1 (index FAULT_NONE unused). */
struct fault_config {
    double share[FAULT_COUNT];
};

/* No faults. */
void fault_config_init(struct fault_config *c);
/* True when some fault has a share above 0. */
bool fault_config_any(const struct fault_config *c);
/*
 * Checks every share is within 0..1; on error names the fault and the
 * value in msg (may be NULL) and returns false.
 */
bool fault_config_check(const struct fault_config *c, char *msg, size_t size)
    __attribute__((warn_unused_result));

/* "mic-error", ...; "none" for FAULT_NONE, "unknown" outside the enum. */
const char *fault_name(enum fault f);
/* A short description ("" for FAULT_NONE). */
const char *fault_help(enum fault f);
/* The FuotaDeviceStatus a device with the fault ends with
 * (BACKEND_DEVICE_SUCCESSFUL for FAULT_NONE). */
enum backend_device_status fault_status(enum fault f);
/* True for the faults that refuse the session before any fragment. */
bool fault_refuses_setup(enum fault f);
/* The fault named exactly `name`, or FAULT_NONE. */
enum fault fault_find(const char *name);
/* "package-not-supported, ..., mic-error" into buf; returns buf. */
const char *fault_list_names(char *buf, size_t size);

/*
 * Sets one fault's share from "NAME:PCT" (PCT a plain decimal percentage
 * 0..100, e.g. "mic-error:5" or "mic-error:2.5"). On error writes a
 * sentence naming the problem and what is allowed into msg and returns
 * false, leaving c unchanged.
 */
bool fault_parse(const char *text, struct fault_config *c, char *msg,
                 size_t size) __attribute__((warn_unused_result));

/* The fault of the device with loss-stream key `key` (see above), or
 * FAULT_NONE. */
enum fault fault_of_device(const struct fault_config *c, uint64_t seed,
                           uint64_t key);

#endif
