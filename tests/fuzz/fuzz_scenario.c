/* libFuzzer target: the training scenario parser (sim/scenario.h). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "sim/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct scenario s;
    scenario_init(&s);
    char msg[512];
    if (scenario_parse((const char *)data, size, "fuzz.scenario", &s, msg,
                       sizeof(msg)) == SCENARIO_OK) {
        struct fleet_params p;
        fleet_params_init(&p);
        scenario_apply(&s, &p);
        struct fleet_session fs = { .m = 100, .r = 20, .spacing_us = 30000000 };
        uint32_t *drop = NULL;
        size_t n = 0;
        if (scenario_drops(&s, &fs, s.drop, s.drop_count, &drop, &n))
            free(drop);
    }
    scenario_cleanup(&s);
    return 0;
}
