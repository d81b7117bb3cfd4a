#ifndef FUOTA_CORE_JSON_OUT_H
#define FUOTA_CORE_JSON_OUT_H

/*
 * How fuota writes JSON for people and scripts: every JSON document a
 * command prints or writes to a file (validate --json, plan --json,
 * simulate --json and --report, skeleton, and the commands to come) is
 * built as a cJSON tree and turned into text here, so they all look alike:
 *
 *   - pretty: two-space indentation, one member or element a line,
 *     "key": value with one space, empty objects and arrays as {} and [];
 *     compact: no whitespace at all;
 *   - whole numbers (|n| <= 2^53) as integers, never an exponent;
 *     other numbers in the shortest form that reads back as the same
 *     double (at most 17 significant digits); NaN and infinities as null;
 *   - strings as UTF-8 with ", \ and control characters escaped (\n, \t,
 *     ..., \u001f); other bytes are copied as they are.
 *
 * Figures are rounded to what they mean when they are added, with the
 * helpers below: a percentage to 2 decimals (51.85), a duration in
 * milliseconds to 3 (the microsecond). Counts stay whole numbers.
 *
 * Pure computation: no I/O; thread-safe for distinct trees.
 */

#include <stdbool.h>

#include <cjson/cJSON.h>

/* Decimals of a percentage and of milliseconds. */
#define JSON_OUT_PERCENT_DECIMALS 2
#define JSON_OUT_MS_DECIMALS      3

/* The text of ITEM (pretty or compact), a heap string the caller frees
 * with free(); NULL on out of memory. */
char *json_out_print(const cJSON *item, bool pretty);

/* V rounded half away from zero to DECIMALS (0..9) decimals; values too
 * large to have that many decimals in a double, NaN and infinities come
 * back unchanged. */
double json_out_round(double v, int decimals);

/* Adds KEY: V rounded to DECIMALS to OBJECT; returns the new item, NULL on
 * out of memory (as cJSON_AddNumberToObject). */
cJSON *json_out_add_fixed(cJSON *object, const char *key, double v,
                          int decimals);

/* The same with JSON_OUT_PERCENT_DECIMALS and JSON_OUT_MS_DECIMALS. */
cJSON *json_out_add_percent(cJSON *object, const char *key, double v);
cJSON *json_out_add_ms(cJSON *object, const char *key, double v);

#endif
