#ifndef FUOTA_CORE_JSON_SCAN_H
#define FUOTA_CORE_JSON_SCAN_H

/*
 * A lexical pre-scan of JSON text, run before cJSON parses it, for what cJSON
 * cannot tell: the nesting depth (checked without recursion, so absurd
 * nesting never reaches the recursive parser), the literal form of every
 * number (cJSON keeps only a double: 1.0 and 1 look alike), the tokens cJSON
 * tolerates but JSON forbids (leading zeros, "+1", "1.", raw control
 * characters in strings, control characters other than space, tab, CR and LF
 * between tokens), \u0000 escapes (cJSON would cut the string there), UTF-16
 * surrogate escapes that do not form a pair (\uD800-\uDBFF followed by
 * \uDC00-\uDFFF: cJSON refuses the others with no reason given; the scan
 * names the member they are in), a leading UTF-8 byte order mark (RFC 8259
 * forbids it; the AWS CLI refuses it) and text after the top-level value.
 *
 * It is a tokenizer, not a parser: it does not check the grammar (commas,
 * colons, matching brackets); cJSON does that. Numbers are recorded in
 * document order, which is the order a depth-first walk of the cJSON tree
 * meets them.
 *
 * Usage: json_scan_init(), json_scan_run(), read the fields,
 * json_scan_cleanup(). The text need not be NUL-terminated.
 */

#include <stdbool.h>
#include <stddef.h>

/*
 * Longest number literal accepted: cJSON reads at most 63 characters of a
 * number and would then stumble over the rest with a confusing error.
 */
#define JSON_SCAN_NUMBER_MAX 63

#define JSON_SCAN_STATUSES(X)                                                  \
    X(JSON_SCAN_OK, "ok")                                                      \
    X(JSON_SCAN_TOO_DEEP, "nesting is too deep")                               \
    X(JSON_SCAN_BAD_NUMBER, "malformed number")                                \
    X(JSON_SCAN_BAD_STRING, "malformed string")                                \
    X(JSON_SCAN_UNEXPECTED, "unexpected character")                            \
    X(JSON_SCAN_BAD_SURROGATE, "unpaired UTF-16 surrogate escape")             \
    X(JSON_SCAN_BOM, "UTF-8 byte order mark")                                  \
    X(JSON_SCAN_NOMEM, "out of memory")

/* Longest member path json_scan records (error_path), with its NUL. */
#define JSON_SCAN_PATH_MAX 160

enum json_scan_status {
#define X(id, text) id,
    JSON_SCAN_STATUSES(X)
#undef X
};

/* One number literal: offset and length in the text. */
struct json_scan_number {
    size_t offset;
    size_t len;
};

struct json_scan {
    enum json_scan_status status;
    /* Where the problem is (status != OK) and a short reason. */
    size_t error_offset;
    const char *error_reason;
    /* JSON_SCAN_BAD_SURROGATE: the member path of the string holding the
     * escape, as diagnostics write it ("Name", "Tags[2].Key"; "" for the
     * top-level value); for an escape in a member name, the path of the
     * object that holds that member. Member names are shown as written
     * (escapes not decoded) and the path is cut at JSON_SCAN_PATH_MAX - 1
     * bytes. The escape is the 6 bytes at error_offset. */
    bool error_in_member_name;
    char error_path[JSON_SCAN_PATH_MAX];
    /* Deepest nesting met (up to the limit + 1). */
    size_t max_depth;
    /* Offset of the first non-whitespace byte; == len when there is none. */
    size_t first_token;
    /* For some problems: where the enclosing object or array opened. */
    bool has_opener;
    size_t opener_offset;
    /* The text ended inside an object ('{') or array ('['): the innermost
     * one opened at unclosed_offset. */
    char unclosed;
    size_t unclosed_offset;
    /* Text follows the complete top-level value at trailing_offset. */
    bool has_trailing;
    size_t trailing_offset;
    /* A \u0000 escape inside a string at nul_escape_offset. */
    bool has_nul_escape;
    size_t nul_escape_offset;
    struct json_scan_number *numbers;
    size_t number_count;
    size_t number_cap;
};

void json_scan_init(struct json_scan *scan);
void json_scan_cleanup(struct json_scan *scan);

/* Deepest nesting json_scan_run can check; larger depth_max are clamped. */
#define JSON_SCAN_DEPTH_LIMIT 256

/*
 * Scans text[0..len) allowing at most depth_max levels of arrays/objects.
 * Stops at the first problem; returns scan->status. A leading UTF-8 BOM is
 * JSON_SCAN_BOM at offset 0 (cJSON would skip it silently).
 */
enum json_scan_status json_scan_run(struct json_scan *scan, const char *text,
                                    size_t len, size_t depth_max)
    __attribute__((warn_unused_result));

const char *json_scan_status_text(enum json_scan_status status);

/*
 * 1-based line and column (in characters, counting UTF-8 sequences as one)
 * of a byte offset.
 */
void json_scan_position(const char *text, size_t len, size_t offset,
                        size_t *line, size_t *column);

#endif
