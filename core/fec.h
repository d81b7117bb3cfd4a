#ifndef FUOTA_CORE_FEC_H
#define FUOTA_CORE_FEC_H

/*
 * LoRaWAN TS004 fragmentation FEC (FragAlgo 0): parity matrix, encoder and a
 * streaming device decoder, as specified in shared/spec/fec-ts004.md.
 *
 * Terms: an image of `len` bytes is cut into M = ceil(len / S) rows of S
 * bytes (fragment size S, 1..255); the last row is padded with 0x00 and
 * padding = M * S - len. Fragment numbers N are 1-based: N = 1..M are the
 * rows themselves (uncoded), N = M + k (k >= 1) is redundancy fragment k,
 * the XOR of the rows whose bit is set in parity row k. At most 16383
 * fragments (uncoded + redundancy) in a session.
 *
 * Codecs (the parity rows; everything else is the same):
 *  - FEC_CODEC_V1 "v1" (default): TS004-1.0.0 exactly (LoRaMac-node, LoRa
 *    Basics Modem, brocaar, mbed, AWS): row k seeded with x = 1 + 1001 * k,
 *    floor(M/2) draws *with replacement* (a repeated draw is a no-op).
 *  - FEC_CODEC_V2 "v2": TS004-2.0.0 as its text and ChirpStack
 *    (lrwn/src/applayer/fragmentation/v2.rs) read it: the seed uses the
 *    absolute fragment number, x = 1 + 1001 * N with N = M + k, and the
 *    floor(M/2) draws are *distinct* (a draw hitting a column already set
 *    is redrawn), so every row has exactly floor(M/2) ones.
 *  - FEC_CODEC_V2_LBM "v2-lbm": TS004-2.0.0 as LoRa Basics Modem (SWL2001
 *    v4.8.0, fragmentation_helper_v2.0.0.c) implements it: distinct draws
 *    like v2, but seeded with the redundancy index, x = 1 + 1001 * k
 *    (SWL2001 issue #106). A decoder of one v2 numbering fed the other's
 *    stream rebuilds wrong bytes whenever it uses a redundancy fragment.
 *
 * prbs23(x) = floor(x / 2) + (bit 0 xor bit 5 of x) * 2^22, an addition (it
 * differs from a bitwise OR once the seed reaches 2^23: n >= 8381).
 *
 * Threads: a struct fec_matrix is immutable once fec_matrix_new() returns;
 * share it read-only between any number of decoders and threads. A decoder
 * belongs to one thread at a time. No function prints or does I/O.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FEC_FRAG_SIZE_MAX     255u   /* S: one byte in FragSessionSetupReq */
#define FEC_FRAGMENTS_MAX     16383u /* N is 14 bits: uncoded + redundancy */
#define FEC_FPORT             201u   /* fragmentation package port */
#define FEC_CID_DATA_FRAGMENT 0x08u
#define FEC_FRAME_HEADER      3u /* CID + IndexAndN (uint16 LE) */
#define FEC_FRAG_INDEX_MAX    3u

#define FEC_WARN_UNUSED __attribute__((warn_unused_result))

/* Status of fallible functions; 0 = ok. Names via fec_status_message(). */
#define FEC_STATUSES(X)                                                        \
    X(FEC_OK, "ok")                                                            \
    X(FEC_ERR_NOMEM, "out of memory")                                          \
    X(FEC_ERR_ARG, "invalid argument")                                         \
    X(FEC_ERR_EMPTY_IMAGE, "image is empty")                                   \
    X(FEC_ERR_FRAG_SIZE, "fragment size must be 1..255 bytes")                 \
    X(FEC_ERR_TOO_MANY_FRAGMENTS,                                              \
      "more than 16383 fragments (uncoded + redundancy)")                      \
    X(FEC_ERR_PADDING, "padding must be below the fragment size")              \
    X(FEC_ERR_MISMATCH, "image length does not match the matrix")              \
    X(FEC_ERR_BUFFER, "output buffer too small")                               \
    X(FEC_ERR_FRAGMENT, "fragment number out of range")                        \
    X(FEC_ERR_DEVICE_MEMORY, "not enough memory")                              \
    X(FEC_ERR_TOO_MANY_LOST, "too many lost fragments")                        \
    X(FEC_ERR_INCOMPLETE, "cannot complete: not enough fragments received")

enum fec_status {
#define X(id, msg) id,
    FEC_STATUSES(X)
#undef X
};

/* Result of one fec_decoder_push(). Messages via fec_push_message(). */
#define FEC_PUSH_RESULTS(X)                                                    \
    X(FEC_PUSH_STORED, "stored")                                               \
    X(FEC_PUSH_DUPLICATE, "ignored: duplicate")                                \
    X(FEC_PUSH_OUT_OF_RANGE, "ignored: fragment number out of range")          \
    X(FEC_PUSH_NO_RANK, "redundancy without new rank")                         \
    X(FEC_PUSH_COMPLETED, "completed")                                         \
    X(FEC_PUSH_FINISHED, "ignored: session already finished")                  \
    X(FEC_PUSH_FAILED_MEMORY, "failed: not enough memory")                     \
    X(FEC_PUSH_FAILED_LOST, "failed: too many lost fragments")                 \
    X(FEC_PUSH_FAILED_HOST, "failed: out of host memory")

enum fec_push {
#define X(id, msg) id,
    FEC_PUSH_RESULTS(X)
#undef X
};

/* X(id, name): the parity-row codecs (see the top of this file). */
#define FEC_CODECS(X)                                                          \
    X(FEC_CODEC_V1, "v1")                                                      \
    X(FEC_CODEC_V2, "v2")                                                      \
    X(FEC_CODEC_V2_LBM, "v2-lbm")

enum fec_codec {
#define X(id, name) id,
    FEC_CODECS(X)
#undef X
        FEC_CODEC_COUNT
};

/* Full: reconstruct the image. Rank: same completion, no payload work. */
enum fec_mode { FEC_MODE_FULL = 0, FEC_MODE_RANK = 1 };

/* Never NULL; "unknown status" for values outside the enum. */
const char *fec_status_message(enum fec_status status);
const char *fec_push_message(enum fec_push result);
/* "v1", "v2", "v2-lbm" ("unknown codec" outside the enum);
 * fec_codec_parse accepts exactly those names. */
const char *fec_codec_name(enum fec_codec codec);
bool fec_codec_parse(const char *text, enum fec_codec *out) FEC_WARN_UNUSED;
/* The TS004 version a codec implements: 1 for v1, 2 for v2 and v2-lbm. */
unsigned fec_codec_version(enum fec_codec codec);

/* ---------------------------------------------------------------------- */
/* Session figures (FragSessionSetupReq) */

struct fec_session {
    uint32_t nb_frag;    /* M, uncoded fragments */
    uint32_t frag_size;  /* S */
    uint32_t padding;    /* M * S - len, 0..S-1 */
    uint32_t redundancy; /* R, redundancy fragments */
};

/*
 * Fills *out for an image of len bytes, fragment size S and R redundancy
 * fragments. Errors: FEC_ERR_EMPTY_IMAGE (len 0), FEC_ERR_FRAG_SIZE (S 0 or
 * > 255), FEC_ERR_TOO_MANY_FRAGMENTS (M + R > 16383). *out is untouched on
 * error.
 */
enum fec_status fec_session_plan(size_t len, uint32_t frag_size,
                                 uint32_t redundancy,
                                 struct fec_session *out) FEC_WARN_UNUSED;

/* M = ceil(len / frag_size) in 64 bits, whatever the limits; frag_size
 * >= 1. The one definition of the uncoded count (fec_session_plan and
 * core/plan use it). */
uint64_t fec_uncoded_fragments(uint64_t len, uint32_t frag_size);

/* R = ceil(m * percent / 100) in 64 bits, for any m up to 2^57 and percent
 * up to 100: the AWS RedundancyPercent rule (AWS states no rounding; we
 * round up: 10 fragments at 50 % give 5, 11 at 10 % give 2). The one
 * definition of that rule (core/plan and cli use it). */
uint64_t fec_redundancy_ceil(uint64_t m, uint32_t percent);

/* fec_redundancy_ceil for an M within one session (m <= 16383). */
uint32_t fec_redundancy_from_percent(uint32_t m, uint32_t percent);

/* Writes the 3-byte DataFragment header: 0x08, IndexAndN little-endian
 * (bits 13..0 = n, bits 15..14 = frag_index). n <= 16383, frag_index <= 3. */
void fec_frame_header(uint32_t n, uint32_t frag_index, uint8_t out[3]);

/* ---------------------------------------------------------------------- */
/* Parity matrix */

struct fec_matrix; /* opaque, immutable after creation */

/*
 * Computes parity rows k = 1..rows for M = m uncoded fragments. m >= 1,
 * m + rows <= 16383 (FEC_ERR_TOO_MANY_FRAGMENTS), codec one of
 * enum fec_codec (FEC_ERR_ARG); FEC_ERR_NOMEM. Memory: rows * ceil(m / 64) * 8
 * bytes. On success *out owns a new matrix (fec_matrix_free); on error *out =
 * NULL.
 */
enum fec_status fec_matrix_new(uint32_t m, uint32_t rows, enum fec_codec codec,
                               struct fec_matrix **out) FEC_WARN_UNUSED;
/* Accepts NULL. */
void fec_matrix_free(struct fec_matrix *matrix);

uint32_t fec_matrix_m(const struct fec_matrix *matrix);
uint32_t fec_matrix_rows(const struct fec_matrix *matrix);
enum fec_codec fec_matrix_codec(const struct fec_matrix *matrix);
/* Words per row: ceil(M / 64). */
size_t fec_matrix_words(const struct fec_matrix *matrix);
/*
 * Parity row k (1..rows), fec_matrix_words() words: column i (0-based row of
 * the image) is bit (i % 64) of word i / 64; bits >= M are zero. NULL when k
 * is out of range. Valid as long as the matrix.
 */
const uint64_t *fec_matrix_row(const struct fec_matrix *matrix, uint32_t k);

/*
 * One parity row without a matrix: writes ceil(m / 64) words to out. The
 * same rows fec_matrix_new() stores; m >= 1, k >= 1.
 */
void fec_matrix_line(uint32_t k, uint32_t m, enum fec_codec codec,
                     uint64_t *out);

/* ---------------------------------------------------------------------- */
/* Encoder */

/*
 * Writes the whole coded stream, fragments N = 1..M + rows, S bytes each,
 * back to back, into out (out_size >= (M + rows) * S, else FEC_ERR_BUFFER).
 * ceil(len / S) must equal the matrix's M (FEC_ERR_MISMATCH); S 1..255
 * (FEC_ERR_FRAG_SIZE); len 0 is FEC_ERR_EMPTY_IMAGE; FEC_ERR_NOMEM (a
 * word-aligned copy of the image is made).
 */
enum fec_status fec_encode(const struct fec_matrix *matrix,
                           const uint8_t *image, size_t len, uint32_t frag_size,
                           uint8_t *out, size_t out_size) FEC_WARN_UNUSED;

/* Writes fragment n (1..M + rows, else FEC_ERR_FRAGMENT) into out (S bytes).
 * Other errors as fec_encode(). */
enum fec_status fec_encode_fragment(const struct fec_matrix *matrix,
                                    const uint8_t *image, size_t len,
                                    uint32_t frag_size, uint32_t n,
                                    uint8_t *out) FEC_WARN_UNUSED;

/* ---------------------------------------------------------------------- */
/* Device decoder */

struct fec_decoder_opts {
    /* Borrowed: must outlive the decoder. Gives M, the redundancy rows that
     * can be decoded (fragments beyond M + rows are out of range) and the
     * codec. */
    const struct fec_matrix *matrix;
    enum fec_mode mode;
    uint32_t frag_size; /* S, 1..255 (also in rank mode, for the limits) */
    uint32_t padding;   /* 0..S-1; the image is M * S - padding bytes */
    /* Device build limits, 0 = none. M > max_fragments or S > max_frag_size
     * fails the session from the start with "not enough memory" (the
     * FragSessionSetupAns bit); more than max_lost lost uncoded fragments
     * fails it with "too many lost fragments" (FRAG_MAX_REDUNDANCY). */
    uint32_t max_fragments;
    uint32_t max_frag_size;
    uint32_t max_lost;
};

struct fec_progress {
    uint32_t received;            /* distinct fragments accepted */
    uint32_t received_uncoded;    /* of which N <= M */
    uint32_t received_redundancy; /* of which N > M */
    /* Lost uncoded fragments. Before the first redundancy fragment: those
     * skipped below the highest uncoded N received so far. From the first
     * redundancy fragment on: L = M - received uncoded, fixed. */
    uint32_t lost;
    bool lost_fixed;
    uint32_t rank;   /* rank over the lost columns (0 before lost_fixed) */
    uint32_t needed; /* at least this many more fragments are needed */
    bool completed;
    uint32_t completed_at_fragment; /* N of the completing fragment, or 0 */
    enum fec_status failure;        /* FEC_OK, or why the session failed */
};

struct fec_decoder; /* opaque */

/*
 * Creates a decoder for one device session. Errors: FEC_ERR_ARG (no matrix,
 * unknown mode), FEC_ERR_FRAG_SIZE, FEC_ERR_PADDING (padding >= S or image
 * empty), FEC_ERR_NOMEM. Device limits are not errors here: a decoder whose
 * limits the session exceeds is created failed (progress.failure =
 * FEC_ERR_DEVICE_MEMORY) and its first push says so. On error *out = NULL.
 *
 * Memory (fec_decoder_footprint): O(M) bits of bookkeeping + 2 * M bytes
 * of column index; full mode adds the M * S image (rows padded to 8 bytes).
 * On the first redundancy fragment the decoder grows to hold L x L bits of
 * equations (L lost; full mode: twice that, plus L * S bytes of payloads),
 * and keeps the room across resets: the only allocation after new().
 *
 * Cost: a push is O(1) for an uncoded fragment and O(M / 64 + popcount * L
 * / 64) word operations for a redundancy one; the payload work (about
 * L * 0.39 M row XORs, word-wide) happens once, in the push that completes.
 */
enum fec_status fec_decoder_new(const struct fec_decoder_opts *opts,
                                struct fec_decoder **out) FEC_WARN_UNUSED;
/* Accepts NULL. */
void fec_decoder_free(struct fec_decoder *dec);

/* Heap bytes this decoder holds now (not counting the shared matrix). */
size_t fec_decoder_footprint(const struct fec_decoder *dec);

/* Starts a new session with the same options: O(M / 64), no allocation,
 * keeps grown buffers. Invalidates the image pointer. */
void fec_decoder_reset(struct fec_decoder *dec);

/*
 * Feeds fragment n (any order). payload: S bytes in full mode (NULL there
 * is ignored like an out-of-range number), ignored (may be NULL) in rank
 * mode; it is copied, not kept.
 *  STORED       new uncoded fragment, or a redundancy fragment (or an
 *               uncoded one arriving after the lost set was fixed) that
 *               added rank;
 *  DUPLICATE    n already accepted; OUT_OF_RANGE: n == 0 or n > M + rows;
 *  NO_RANK      accepted (counts as received) but added no rank;
 *  COMPLETED    this fragment completed the image (reported once; the image
 *               is then available);
 *  FINISHED     the session already completed or failed: ignored;
 *  FAILED_*     this fragment made the session fail (or the limits failed
 *               it at setup); reported once, later pushes say FINISHED.
 * Completion semantics are those of a device: the lost set is fixed at the
 * first redundancy fragment, and the image completes when the received
 * equations restricted to the lost columns reach rank L. An uncoded
 * fragment arriving after that is one more equation (a unit row); the
 * reference devices drop such late fragments, so feed fragments in order
 * to model them exactly. Rank and full mode complete at the same fragment.
 */
enum fec_push fec_decoder_push(struct fec_decoder *dec, uint32_t n,
                               const uint8_t *payload);

void fec_decoder_progress(const struct fec_decoder *dec,
                          struct fec_progress *out);
bool fec_decoder_completed(const struct fec_decoder *dec);

/*
 * The stream has ended: FEC_OK when complete, FEC_ERR_INCOMPLETE when it
 * cannot complete with what was received (progress.needed says how many
 * more fragments at least), or the failure (FEC_ERR_DEVICE_MEMORY,
 * FEC_ERR_TOO_MANY_LOST, FEC_ERR_NOMEM).
 */
enum fec_status
fec_decoder_finish(const struct fec_decoder *dec) FEC_WARN_UNUSED;

/*
 * The reconstructed image (M * S - padding bytes, *len set) once completed
 * in full mode; NULL otherwise (and *len = 0). Valid until the next reset
 * or free.
 */
const uint8_t *fec_decoder_image(const struct fec_decoder *dec, size_t *len);

#endif
