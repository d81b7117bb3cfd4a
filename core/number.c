#include "core/number.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

static bool digits(const char **p)
{
    const char *start = *p;
    while (**p >= '0' && **p <= '9')
        (*p)++;
    return *p > start;
}

bool number_is_decimal(const char *text, bool fraction)
{
    const char *p = text + (text[0] == '-');
    if (!digits(&p))
        return false;
    if (fraction && *p == '.') {
        p++;
        if (!digits(&p))
            return false;
    }
    return *p == '\0';
}

enum number_status number_parse_int(const char *text, long long min,
                                    long long max, long long *out)
{
    if (!number_is_decimal(text, false))
        return NUMBER_NOT_DECIMAL;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno == ERANGE || *end != '\0' || v < min || v > max)
        return NUMBER_OUT_OF_RANGE;
    *out = v;
    return NUMBER_OK;
}

enum number_status number_parse_double(const char *text, double min, double max,
                                       double *out)
{
    if (!number_is_decimal(text, true))
        return NUMBER_NOT_DECIMAL;
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    /* A plain decimal only underflows to a tiny finite value. */
    if (*end != '\0' || !isfinite(v) || v < min || v > max)
        return NUMBER_OUT_OF_RANGE;
    *out = v;
    return NUMBER_OK;
}
