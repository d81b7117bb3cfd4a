#include "core/units.h"

#include <math.h>
#include <stdio.h>

const char *units_duration(double seconds, char *buf, size_t size)
{
    if (size == 0)
        return buf;
    if (isnan(seconds) || seconds < 0.0) {
        snprintf(buf, size, "n/a");
        return buf;
    }
    if (isinf(seconds)) {
        snprintf(buf, size, "forever");
        return buf;
    }
    if (seconds < 0.9995) {
        snprintf(buf, size, "%.0f ms", seconds * 1000.0);
    } else if (seconds < 9.95) {
        snprintf(buf, size, "%.1f s", seconds);
    } else if (seconds < 59.5) {
        snprintf(buf, size, "%.0f s", seconds);
    } else if (seconds < 3600.0 - 0.5) {
        unsigned long long t = (unsigned long long)(seconds + 0.5);
        if (t % 60)
            snprintf(buf, size, "%llu min %llu s", t / 60, t % 60);
        else
            snprintf(buf, size, "%llu min", t / 60);
    } else if (seconds < 100.0 * 3600.0 - 30.0) {
        unsigned long long m = (unsigned long long)(seconds / 60.0 + 0.5);
        if (m % 60)
            snprintf(buf, size, "%llu h %llu min", m / 60, m % 60);
        else
            snprintf(buf, size, "%llu h", m / 60);
    } else {
        unsigned long long h = (unsigned long long)(seconds / 3600.0 + 0.5);
        if (h % 24)
            snprintf(buf, size, "%llu d %llu h", h / 24, h % 24);
        else
            snprintf(buf, size, "%llu d", h / 24);
    }
    return buf;
}

const char *units_bytes(uint64_t bytes, char *buf, size_t size)
{
    static const char *const unit[] = {
        "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"
    };
    if (size == 0)
        return buf;
    if (bytes < 1024) {
        snprintf(buf, size, "%llu B", (unsigned long long)bytes);
        return buf;
    }
    double v = (double)bytes / 1024.0;
    size_t u = 0;
    /* Move up a unit when one decimal would print 1024.0. */
    while (v >= 1023.95 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
        v /= 1024.0;
        u++;
    }
    snprintf(buf, size, "%.1f %s", v, unit[u]);
    return buf;
}
