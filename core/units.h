#ifndef FUOTA_CORE_UNITS_H
#define FUOTA_CORE_UNITS_H

/*
 * Figures for people: durations in words and sizes with units, as the
 * console and the CLI tables show them (../shared/spec/console.md,
 * "Numbers"). The exact figures stay one step away (`fuota plan --json`).
 *
 * Every function writes into a caller-owned buffer (always NUL-terminated,
 * cut to fit) and returns it. No state; safe from any thread.
 */

#include <stddef.h>
#include <stdint.h>

/* Buffer size that holds any result of this module. */
#define UNITS_BUF 32

/*
 * A duration in words, rounded to what matters at its scale:
 *   below 1 s          "850 ms"          (whole milliseconds)
 *   below 10 s         "2.8 s"           (one decimal)
 *   below 1 min        "41 s"
 *   below 1 h          "3 min 42 s"      ("3 min" when the seconds are 0)
 *   below 100 h        "20 h 51 min"     ("2 h" when the minutes are 0)
 *   from 100 h on      "5 d 3 h"         ("5 d" when the hours are 0)
 * Negative or not-a-number input gives "n/a"; +infinity gives "forever".
 */
const char *units_duration(double seconds, char *buf, size_t size);

/*
 * A size in IEC units: "512 B" below 1 KiB, then "97.7 KiB", "1.2 MiB",
 * "3.0 GiB" (one decimal, 1 KiB = 1024 B).
 */
const char *units_bytes(uint64_t bytes, char *buf, size_t size);

#endif
