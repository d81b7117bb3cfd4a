#ifndef FUOTA_CORE_CIVIL_H
#define FUOTA_CORE_CIVIL_H

/*
 * Calendar arithmetic in UTC for the timestamps AWS uses (SigV4's
 * X-Amz-Date, ISO-8601 StartTime): proleptic Gregorian dates to and from
 * days since 1970-01-01, without the C library's time zone state.
 * The day-count formulas are H. Hinnant's "chrono-compatible low-level date
 * algorithms" (public domain, howardhinnant.github.io/date_algorithms.html).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Days since 1970-01-01 of year y, month m (1..12), day d (1..31). */
int64_t civil_days_from_date(int64_t y, unsigned m, unsigned d);

/* The date of day z since 1970-01-01. */
void civil_date_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* True when y-m-d exists (month 1..12, day within the month, 29 February
 * only in leap years). */
bool civil_date_valid(int64_t y, unsigned m, unsigned d);

/* Reads exactly n decimal digits of s into *v; false if any is not a digit.
 * n is at most 9. */
bool civil_digits(const char *s, size_t n, unsigned *v);

#endif
