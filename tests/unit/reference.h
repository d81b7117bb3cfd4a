#ifndef FUOTA_TESTS_REFERENCE_H
#define FUOTA_TESTS_REFERENCE_H

/*
 * Shared by the tests that check a table against the reference data in
 * tests/data/reference/ ($FUOTA_REF, set by tests/run.sh; the relative path
 * when unset). Failures are cmocka failures in the calling test.
 */

#include <cjson/cJSON.h>

/* The whole file at path, NUL-terminated (caller frees), or NULL. */
char *reference_read(const char *path);

/* The reference file parsed as JSON (caller cJSON_Delete()s); fails the
 * test when it cannot be read or parsed. */
cJSON *reference_load(const char *file);

#endif
