#ifndef FUOTA_CORE_INI_H
#define FUOTA_CORE_INI_H

/*
 * The INI dialect of the AWS shared config and credentials files, parsed
 * from a buffer (no I/O). It follows what botocore accepts (Python
 * configparser, strict mode, plus botocore's nested sub-sections):
 *  - "[name]" starts a section; the name is trimmed; text after ']' other
 *    than a comment is an error; a section may appear only once.
 *  - "key = value" or "key: value" (first '=' or ':'); key trimmed and
 *    lowercased, value trimmed; a key may appear once per section; a key
 *    before any section is an error.
 *  - whole-line comments start with '#' or ';' (after optional blanks);
 *    text after a value is part of the value (no inline comments).
 *  - an indented line after "key =" with an empty value is a nested
 *    "sub = value" stored as key "key.sub" (botocore's `s3 =` / `  max_
 *    concurrent_requests = 10` form); an indented line after a non-empty
 *    value continues it (joined with '\n').
 *  - CRLF line ends and a UTF-8 byte-order mark are accepted.
 *
 * Values may be secrets: ini_cleanup() wipes every stored string with
 * sodium_memzero before freeing. Errors name the 1-based line and never
 * quote the offending text (it could be a key).
 */

#include <stdbool.h>
#include <stddef.h>

#define INI_STATUSES(X)                                                        \
    X(INI_OK, "ok")                                                            \
    X(INI_E_SYNTAX, "expected '[section]' or 'name = value'")                  \
    X(INI_E_NO_SECTION, "'name = value' before any [section]")                 \
    X(INI_E_DUPLICATE_SECTION, "section appears twice")                        \
    X(INI_E_DUPLICATE_KEY, "name appears twice in its section")                \
    X(INI_E_NOMEM, "out of memory")

enum ini_status {
#define X(id, msg) id,
    INI_STATUSES(X)
#undef X
};

const char *ini_status_message(enum ini_status status);

struct ini_section {
    char *name;
    unsigned line;
};

struct ini_entry {
    size_t section; /* index into ini_doc.sections */
    char *key;
    char *value;
    unsigned line;
};

struct ini_doc {
    struct ini_section *sections;
    size_t section_count;
    size_t section_cap;
    struct ini_entry *entries;
    size_t entry_count;
    size_t entry_cap;
};

void ini_init(struct ini_doc *doc);
/* Wipes and frees; accepts a zeroed or cleaned-up doc. */
void ini_cleanup(struct ini_doc *doc);

/*
 * Parses text[0..len) into *doc (initialised by the call; clean it up in
 * every case). On error returns the status, sets *line (when not NULL) to
 * the offending line and writes "line N: reason" into err.
 */
enum ini_status ini_parse(struct ini_doc *doc, const char *text, size_t len,
                          unsigned *line, char *err, size_t errsize)
    __attribute__((warn_unused_result));

/* The section with exactly this name, or NULL. */
const struct ini_section *ini_section(const struct ini_doc *doc,
                                      const char *name);
/* Index of a section (for ini_get), or (size_t)-1 when absent. */
size_t ini_section_index(const struct ini_doc *doc, const char *name);
/* The entry `key` (lowercase) of section index `section`, or NULL. */
const struct ini_entry *ini_get(const struct ini_doc *doc, size_t section,
                                const char *key);

/* ---- AWS key pairs ------------------------------------------------------ */

/*
 * The key pair of one section, as both the credentials resolution
 * (aws/credentials) and the server's key ring (sim/keyring) read it:
 * aws_access_key_id, aws_secret_access_key and aws_session_token (or the
 * legacy aws_security_token). Empty values count as absent.
 * X(id, reason).
 */
#define INI_KEYS_STATUSES(X)                                                   \
    X(INI_KEYS_OK, "ok")                                                       \
    X(INI_KEYS_NONE, "no aws_access_key_id and no aws_secret_access_key")      \
    X(INI_KEYS_PARTIAL, "partial credentials")                                 \
    X(INI_KEYS_BAD_ID, "aws_access_key_id has blanks, '/' or control "         \
                       "characters, or is longer than 128")                    \
    X(INI_KEYS_BAD_SECRET,                                                     \
      "aws_secret_access_key has blanks or control characters")                \
    X(INI_KEYS_BAD_TOKEN, "the session token has blanks or control "           \
                          "characters")

enum ini_keys_status {
#define X(id, msg) id,
    INI_KEYS_STATUSES(X)
#undef X
};

/* The entries found (pointers into the doc; NULL = absent). */
struct ini_keys {
    const struct ini_entry *id;
    const struct ini_entry *secret;
    const struct ini_entry *token;
};

/*
 * Reads and checks the key pair of section index `section` into *out.
 * INI_KEYS_NONE when the section has neither key (a token alone does not
 * count), INI_KEYS_PARTIAL when it has one without the other, INI_KEYS_BAD_*
 * when a value breaks ini_key_id_valid / ini_secret_valid.
 */
enum ini_keys_status ini_keys(const struct ini_doc *doc, size_t section,
                              struct ini_keys *out);

/*
 * One line for a status other than INI_KEYS_OK / NONE, naming the file and
 * line and never quoting a value: "PATH:7: [prod] has aws_access_key_id but
 * no aws_secret_access_key (partial credentials)". Returns buf.
 */
const char *ini_keys_error(const struct ini_doc *doc, size_t section,
                           enum ini_keys_status status,
                           const struct ini_keys *keys, const char *path,
                           char *buf, size_t size);

/* An access key id: 1..128 printable ASCII characters, no blank, no '/'. */
bool ini_key_id_valid(const char *s);
/* A secret or session token: printable ASCII, no blank, not empty. */
bool ini_secret_valid(const char *s);
/* The profile a section names: "profile NAME" (any blanks after
 * "profile") gives NAME, anything else itself. Points into section. */
const char *ini_profile_name(const char *section);

#endif
