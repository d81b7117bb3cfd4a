#ifndef FUOTA_CORE_NUMBER_H
#define FUOTA_CORE_NUMBER_H

/*
 * Plain decimal numbers, the one form every number a person types into
 * fuota takes (command-line options, scenario files): an optional leading
 * '-', digits, and for fractions optionally '.' and digits. No blanks, '+',
 * hex, exponent, "nan" or "inf"; "" is not a number. Conversion is strtoll /
 * strtod with errno and end-pointer checks. Pure functions.
 */

#include <stdbool.h>

#define NUMBER_STATUSES(X)                                                     \
    X(NUMBER_OK, "ok")                                                         \
    X(NUMBER_NOT_DECIMAL, "is not a plain decimal number")                     \
    X(NUMBER_OUT_OF_RANGE, "is out of range")

enum number_status {
#define X(id, text) id,
    NUMBER_STATUSES(X)
#undef X
};

/* Whether text is a plain decimal (fraction: a '.' part is allowed). */
bool number_is_decimal(const char *text, bool fraction);

/* A plain whole number within [min, max] into *out (untouched on error). */
enum number_status number_parse_int(const char *text, long long min,
                                    long long max, long long *out)
    __attribute__((warn_unused_result));

/* A plain decimal within [min, max] into *out (untouched on error). */
enum number_status number_parse_double(const char *text, double min, double max,
                                       double *out)
    __attribute__((warn_unused_result));

#endif
