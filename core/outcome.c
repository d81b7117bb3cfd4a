/* The device outcome table (see core/outcome.h). The prose is ours; the
 * facts come from the sources each cause names. */
#include "core/outcome.h"

/* Sources, as cited. */
#define AWS_MONITOR                                                            \
    "AWS IoT Wireless developer guide, \"Monitor and troubleshoot your FUOTA " \
    "task and devices\""
#define AWS_OVERVIEW                                                           \
    "AWS IoT Wireless developer guide, \"FUOTA for LoRaWAN\" (TS005-1.0.0, "   \
    "TS004-1.0.0, TS003-1.0.0)"
#define AWS_MODEL     "IoT Wireless service model, FuotaDeviceStatus"
#define TS004_VERSION "TS004-2.0.0, PackageVersionReq/Ans (CID 0x00, Table 2)"
#define TS005_VERSION "TS005-2.0.0, PackageVersionReq/Ans (CID 0x00)"
#define TS004_SETUP_ANS                                                        \
    "TS004-2.0.0 §3.3, FragSessionSetupAns StatusBitMask (Table 14)"
#define TS004_SETUP_REQ "TS004-2.0.0 §3.3, FragSessionSetupReq"
#define TS004_STATUS_ANS                                                       \
    "TS004-2.0.0 §3.2, FragSessionStatusAns Status (Table 7)"
#define TS004_BLOCK_REQ                                                        \
    "TS004-2.0.0 §3.5, FragDataBlockReceivedReq MICError (Table 20)"
#define TS004_GUIDANCE                                                         \
    "TS004-1.0.0 appendix on the erasure code: M + 2 fragments on average, "   \
    "M + 7 for 99 %"
#define TS005_CLASS_C                                                          \
    "TS005-1.0.0 §4.5, McClassCSessionReq SessionTimeOut (Table 17)"
#define TS005_KEYS                                                             \
    "TS005-2.0.0 §4.3, McGroupSetupReq: McKey_encrypted, decrypted with "     \
    "McKEKey (derived from GenAppKey on LoRaWAN 1.0.x, AppKey on 1.1)"
#define LORAMAC_LIMITS                                                         \
    "LoRaMac-node FragDecoder.h: FRAG_MAX_NB, FRAG_MAX_SIZE, "                 \
    "FRAG_MAX_REDUNDANCY build limits"

static const struct outcome outcomes[BACKEND_DEVICE_STATUS_COUNT] = {
    [BACKEND_DEVICE_INITIAL] = {
        .status = BACKEND_DEVICE_INITIAL,
        .phase = OUTCOME_PHASE_PENDING,
        .summary = "no report yet",
        .meaning = "The device belongs to the task but has reported no "
                   "outcome: the session has not started or is still "
                   "running, or the device never answered.",
        .causes = {
            { "the task has not been started, or its session is still "
              "under way (Pending, FuotaSession_Waiting, In_FuotaSession)",
              AWS_MONITOR },
            { "the device did not answer the session setup: offline, out "
              "of range, or sending no uplink to fetch its Class A "
              "downlinks (the task then ends FuotaDone all the same)",
              AWS_MONITOR },
            { "the image could not be read from S3 (wrong link, or a role "
              "without access), so no session was set up",
              AWS_MONITOR },
        },
        .action = "Wait for the task to end. If it is FuotaDone and the "
                  "device is still Initial, check that the device is "
                  "online and sends uplinks, and that FirmwareUpdateRole "
                  "can read FirmwareUpdateImage; then update it in a new "
                  "task.",
    },
    [BACKEND_DEVICE_PACKAGE_NOT_SUPPORTED] = {
        .status = BACKEND_DEVICE_PACKAGE_NOT_SUPPORTED,
        .phase = OUTCOME_PHASE_SETUP,
        .summary = "no FUOTA package",
        .meaning = "The device does not run the application-layer package "
                   "the update needs, or not in a version the service "
                   "speaks.",
        .causes = {
            { "its firmware has no fragmented data block transport "
              "package (it does not answer PackageVersionReq on its port, "
              "or names another package)",
              TS004_VERSION },
            { "its firmware has no remote multicast setup package",
              TS005_VERSION },
            { "it implements another version of a package than the one "
              "AWS uses",
              AWS_OVERVIEW },
        },
        .action = "FUOTA cannot reach this device: update it by another "
                  "path (unicast, local) to a firmware with the TS004 and "
                  "TS005 packages, then include it in later tasks.",
    },
    [BACKEND_DEVICE_FRAG_ALGO_UNSUPPORTED] = {
        .status = BACKEND_DEVICE_FRAG_ALGO_UNSUPPORTED,
        .phase = OUTCOME_PHASE_SETUP,
        .summary = "refused: coding algorithm",
        .meaning = "The device refused the fragmentation session: it does "
                   "not implement the erasure code the session announced.",
        .causes = {
            { "its fragmentation decoder does not support the announced "
              "FragAlgo (the StatusBitMask's FragAlgo unsupported bit)",
              TS004_SETUP_ANS },
        },
        .action = "The device needs a firmware with the TS004 decoder; "
                  "update it by another path. Nothing in the task can "
                  "change this.",
    },
    [BACKEND_DEVICE_NOT_ENOUGH_MEMORY] = {
        .status = BACKEND_DEVICE_NOT_ENOUGH_MEMORY,
        .phase = OUTCOME_PHASE_SETUP,
        .summary = "refused: not enough memory",
        .meaning = "The device refused the session at setup: it cannot "
                   "hold this many fragments of this size, or the decoder "
                   "they need.",
        .causes = {
            { "the fragment count or size is above what its "
              "FragSessionSetup accepts (the Not enough Memory bit)",
              TS004_SETUP_ANS },
            { "its firmware was built for fewer or smaller fragments, or "
              "less redundancy, than the session uses",
              LORAMAC_LIMITS },
            { "the image (fragments x size, with padding) is larger than "
              "the space the device keeps for it",
              TS004_SETUP_REQ },
        },
        .action = "Plan within the device's limits: `fuota plan` shows the "
                  "image storage and decoder RAM. Use fragment sizes and "
                  "counts the device accepts, less redundancy, or a smaller "
                  "(delta) image; ask the vendor for its FRAG_MAX_* values.",
    },
    [BACKEND_DEVICE_FRAG_INDEX_UNSUPPORTED] = {
        .status = BACKEND_DEVICE_FRAG_INDEX_UNSUPPORTED,
        .phase = OUTCOME_PHASE_SETUP,
        .summary = "refused: session index",
        .meaning = "The device refused the session: it does not support "
                   "the fragmentation session index (FragIndex 0..3) the "
                   "server chose.",
        .causes = {
            { "the device supports fewer simultaneous fragmentation "
              "sessions than the index used (the FragIndex unsupported "
              "bit)",
              TS004_SETUP_ANS },
        },
        .action = "The service chooses the index: check with the device "
                  "vendor which FragIndex values its firmware supports, "
                  "and whether another session occupies it.",
    },
    [BACKEND_DEVICE_WRONG_DESCRIPTOR] = {
        .status = BACKEND_DEVICE_WRONG_DESCRIPTOR,
        .phase = OUTCOME_PHASE_SETUP,
        .summary = "refused: descriptor",
        .meaning = "The device refused the session because of its "
                   "Descriptor, the field that tells the device what the "
                   "file is (for example its firmware type and version).",
        .causes = {
            { "the task's Descriptor is not one this device accepts: an "
              "image for another hardware model or firmware line, or a "
              "version it cannot take (the Wrong Descriptor bit)",
              TS004_SETUP_ANS },
            { "the Descriptor is missing or not encoded the way the "
              "device's application reads it",
              TS004_SETUP_REQ },
        },
        .action = "Check the Descriptor against the vendor's scheme. Put "
                  "devices of one model and firmware line in one task, with "
                  "the Descriptor they expect.",
    },
    [BACKEND_DEVICE_SESSION_CNT_REPLAY] = {
        .status = BACKEND_DEVICE_SESSION_CNT_REPLAY,
        .phase = OUTCOME_PHASE_SETUP,
        .summary = "refused: session counter replay",
        .meaning = "The device refused the session as a replay: its "
                   "session counter was not above the last one the device "
                   "accepted for that session index.",
        .causes = {
            { "the device already accepted a fragmentation session with "
              "this SessionCnt or a higher one (the SessionCnt replay bit)",
              TS004_SETUP_ANS },
            { "the device kept its counter across a re-provisioning or a "
              "move between network servers, while the server's count "
              "started again",
              TS004_SETUP_REQ },
        },
        .action = "Reset the device's fragmentation session state (the "
                  "vendor's procedure, or a re-provisioning) so the "
                  "counters agree, then update it in a new task.",
    },
    [BACKEND_DEVICE_MISSING_FRAG] = {
        .status = BACKEND_DEVICE_MISSING_FRAG,
        .phase = OUTCOME_PHASE_DELIVERY,
        .summary = "session ended, fragments missing",
        .meaning = "The session ended before the device had enough "
                   "fragments to rebuild the image.",
        .causes = {
            { "too little redundancy for the link: once it has lost "
              "fragments a device needs about M + 2 on average and M + 7 "
              "for 99 %",
              TS004_GUIDANCE },
            { "the session ended early: the Class C session timeout "
              "(2^TimeOut s) ran out before the last fragment, and the "
              "device went back to Class A",
              TS005_CLASS_C },
            { "fragments stopped reaching the device for a while (a "
              "gateway outage, long fades, the cell edge) and the session "
              "timed out",
              AWS_MONITOR },
        },
        .action = "Plan with the loss you expect (`fuota plan "
                  "--expected-loss`) and raise RedundancyPercent; check "
                  "that the session fits its timeout; then update the "
                  "failed devices in a new task.",
    },
    [BACKEND_DEVICE_MEMORY_ERROR] = {
        .status = BACKEND_DEVICE_MEMORY_ERROR,
        .phase = OUTCOME_PHASE_DELIVERY,
        .summary = "decoder ran out of memory",
        .meaning = "The device aborted decoding during the session: it "
                   "lost more fragments than its decoder can repair, so "
                   "the memory for defragmentation was exceeded.",
        .causes = {
            { "more lost fragments than the decoder was built for "
              "(the MemoryError bit: the allocated memory for "
              "defragmentation was exceeded)",
              TS004_STATUS_ANS },
            { "a device build with a small FRAG_MAX_REDUNDANCY on a lossy "
              "link",
              LORAMAC_LIMITS },
        },
        .action = "Improve the link or the session's data rate, send "
                  "fewer fragments (larger ones), or use a device build "
                  "that can repair more; then update it in a new task.",
    },
    [BACKEND_DEVICE_MIC_ERROR] = {
        .status = BACKEND_DEVICE_MIC_ERROR,
        .phase = OUTCOME_PHASE_CHECK,
        .summary = "integrity check failed (keys)",
        .meaning = "The device could not verify what it received: the "
                   "multicast frames or the rebuilt data block failed their "
                   "integrity check (MIC). The keys on the two sides do not "
                   "match.",
        .causes = {
            { "the multicast keys: the group key is sent encrypted with a "
              "key derived from the device's root key, so a LoRaWAN 1.0.x "
              "device set up with its AppKey where its GenAppKey belongs "
              "derives another key",
              TS005_KEYS },
            { "the MIC computed over the rebuilt data block does not match "
              "the one sent at setup; the block is not processed",
              TS004_STATUS_ANS },
            { "the same check reported when the device signals the block "
              "as received",
              TS004_BLOCK_REQ },
        },
        .action = "Check the device's keys in AWS (LoRaWAN 1.0.x: the "
                  "GenAppKey; 1.1: the AppKey) against the device; fix the "
                  "provisioning, then update it in a new task.",
    },
    [BACKEND_DEVICE_SUCCESSFUL] = {
        .status = BACKEND_DEVICE_SUCCESSFUL,
        .phase = OUTCOME_PHASE_DONE,
        .success = true,
        .summary = "updated",
        .meaning = "The device rebuilt the image and reported it to the "
                   "service.",
        .causes = {
            { "it received enough fragments, rebuilt the image and its "
              "check passed",
              TS004_BLOCK_REQ },
        },
        .action = "Nothing for the transfer. Confirm that the device runs "
                  "the new firmware (its version in later uplinks): AWS "
                  "reports the transfer, not the firmware applied.",
    },
    [BACKEND_DEVICE_CONFLICT] = {
        .status = BACKEND_DEVICE_CONFLICT,
        .phase = OUTCOME_PHASE_ADMISSION,
        .summary = "in another FUOTA task",
        .meaning = "The service did not put the device in this session: "
                   "it takes part in another FUOTA task that conflicts "
                   "with this one.",
        .causes = {
            { "the device is also associated with another FUOTA task "
              "whose session is scheduled or running",
              AWS_MODEL },
        },
        .action = "Let the other task finish (or disassociate the device "
                  "from it), then update the device in a new task.",
    },
};

const struct outcome *outcome_of(enum backend_device_status status)
{
    if ((size_t)status >= BACKEND_DEVICE_STATUS_COUNT)
        return NULL;
    return &outcomes[status];
}

size_t outcome_cause_count(const struct outcome *o)
{
    size_t n = 0;
    while (n < OUTCOME_CAUSES_MAX && o->causes[n].text != NULL)
        n++;
    return n;
}

static const struct {
    const char *name;
    const char *help;
} phases[] = {
#define X(id, name, help) [id] = { name, help },
    OUTCOME_PHASES(X)
#undef X
};

const char *outcome_phase_name(enum outcome_phase phase)
{
    if ((size_t)phase >= sizeof(phases) / sizeof(phases[0]))
        return "unknown";
    return phases[phase].name;
}

const char *outcome_phase_help(enum outcome_phase phase)
{
    if ((size_t)phase >= sizeof(phases) / sizeof(phases[0]))
        return "unknown";
    return phases[phase].help;
}
