/* Device faults of the fleet simulator (see sim/fault.h). */
#include "sim/fault.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/number.h"
#include "sim/loss.h"

static const struct {
    const char *name;
    enum backend_device_status status;
    const char *help;
} faults[FAULT_COUNT] = {
    [FAULT_NONE] = { "none", BACKEND_DEVICE_SUCCESSFUL, "" },
#define X(id, name, status, help) [id] = { name, status, help },
    FAULTS(X)
#undef X
};

void fault_config_init(struct fault_config *c)
{
    memset(c, 0, sizeof(*c));
}

bool fault_config_any(const struct fault_config *c)
{
    for (int f = FAULT_NONE + 1; f < FAULT_COUNT; f++)
        if (c->share[f] > 0.0)
            return true;
    return false;
}

bool fault_config_check(const struct fault_config *c, char *msg, size_t size)
{
    for (int f = FAULT_NONE + 1; f < FAULT_COUNT; f++) {
        double v = c->share[f];
        if (!(isfinite(v) && v >= 0.0 && v <= 1.0)) {
            if (msg && size)
                snprintf(msg, size,
                         "%s: %g %% is not a share of the fleet: it must be "
                         "from 0 to 100 %%",
                         faults[f].name, v * 100.0);
            return false;
        }
    }
    return true;
}

const char *fault_name(enum fault f)
{
    return (unsigned)f < FAULT_COUNT ? faults[f].name : "unknown";
}

const char *fault_help(enum fault f)
{
    return (unsigned)f < FAULT_COUNT ? faults[f].help : "";
}

enum backend_device_status fault_status(enum fault f)
{
    return (unsigned)f < FAULT_COUNT ? faults[f].status
                                     : BACKEND_DEVICE_SUCCESSFUL;
}

bool fault_refuses_setup(enum fault f)
{
    return f > FAULT_NONE && f < FAULT_MIC_ERROR;
}

enum fault fault_find(const char *name)
{
    for (int f = FAULT_NONE + 1; f < FAULT_COUNT; f++)
        if (strcmp(name, faults[f].name) == 0)
            return (enum fault)f;
    return FAULT_NONE;
}

const char *fault_list_names(char *buf, size_t size)
{
    size_t used = 0;
    if (size)
        buf[0] = '\0';
    for (int f = FAULT_NONE + 1; f < FAULT_COUNT && used < size; f++) {
        int n = snprintf(buf + used, size - used, "%s%s",
                         f > FAULT_NONE + 1 ? ", " : "", faults[f].name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return buf;
}

bool fault_parse(const char *text, struct fault_config *c, char *msg,
                 size_t size)
{
    char names[256];
    const char *colon = strchr(text, ':');
    if (!colon) {
        if (msg && size)
            snprintf(msg, size,
                     "'%s' is not NAME:PCT (e.g. mic-error:5); faults: %s",
                     text, fault_list_names(names, sizeof(names)));
        return false;
    }
    char name[32];
    size_t len = (size_t)(colon - text);
    enum fault f = FAULT_NONE;
    if (len < sizeof(name)) {
        memcpy(name, text, len);
        name[len] = '\0';
        f = fault_find(name);
    }
    if (f == FAULT_NONE) {
        if (msg && size)
            snprintf(msg, size, "'%.*s' is not a fault; faults: %s",
                     (int)(len < 40 ? len : 40), text,
                     fault_list_names(names, sizeof(names)));
        return false;
    }
    double pct;
    enum number_status st = number_parse_double(colon + 1, 0.0, 100.0, &pct);
    if (st != NUMBER_OK) {
        if (msg && size)
            snprintf(msg, size,
                     "%s: '%s' is not a percentage from 0 to 100 (a plain "
                     "decimal, as 5 or 2.5)",
                     faults[f].name, colon + 1);
        return false;
    }
    c->share[f] = pct / 100.0;
    return true;
}

enum fault fault_of_device(const struct fault_config *c, uint64_t seed,
                           uint64_t key)
{
    for (int f = FAULT_NONE + 1; f < FAULT_COUNT; f++) {
        if (!(c->share[f] > 0.0))
            continue;
        bool always;
        uint64_t t = loss_threshold(c->share[f], &always);
        if (always || loss_hash(seed, FAULT_STREAM + (uint64_t)f, key) < t)
            return (enum fault)f;
    }
    return FAULT_NONE;
}
