#ifndef FUOTA_TESTS_REFERENCE_H
#define FUOTA_TESTS_REFERENCE_H

/*
 * Shared by the tests that check a table against the reference data in
 * tests/data/reference/ ($FUOTA_REF, set by tests/run.sh; the relative path
 * when unset). Failures are cmocka failures in the calling test.
 */

#include <stddef.h>

#include <cjson/cJSON.h>

/* $FUOTA_REF, or "tests/data/reference" when it is unset or empty. */
const char *reference_dir(void);

/* The whole file at path, NUL-terminated (caller frees), its length in
 * *len (len may be NULL); NULL when it cannot be read. */
char *reference_read(const char *path, size_t *len);

/* The reference file parsed as JSON (caller cJSON_Delete()s); fails the
 * test when it cannot be read or parsed. */
cJSON *reference_load(const char *file);

#endif
