/* fuota skeleton: a CreateFuotaTask request to fill in. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/commands.h"
#include "cli/opts.h"
#include "cli/util.h"
#include "core/task.h"

static const char *const usage =
    "Usage: fuota skeleton [--compact]\n"
    "\n"
    "Prints a CreateFuotaTask request with every member, like\n"
    "'aws iotwireless create-fuota-task --generate-cli-skeleton', but with\n"
    "example values that pass 'fuota validate'. Replace them with yours;\n"
    "delete the optional members you do not need. The output is also the\n"
    "AWS CLI --cli-input-json form.\n"
    "\n"
    "Options:\n"
    "  --compact   one line instead of indented (two spaces)\n"
    "  -h, --help  show this help\n"
    "\n"
    "Exit status: 0 ok, 2 usage error or output that could not be written\n"
    "(one message with the reason).\n";

int cmd_skeleton(int argc, char **argv)
{
    bool compact = false;
    const struct opts_spec specs[] = {
        OPTS_FLAG_OPT("--compact", &compact),
    };
    const struct opts_cmd line = {
        .cmd = "skeleton",
        .usage = usage,
    };
    enum opts_status st =
        opts_parse(&line, specs, OPTS_COUNT(specs), argc, argv, NULL);
    if (st != OPTS_OK)
        return opts_exit_status(st);

    /*
     * Example values that pass 'fuota plan' with no warning at EU868's
     * default downlink, DR0 (SF12/125 kHz, RX2 869.525 MHz, 10 % duty
     * cycle): DR0 carries at most 51 - 3 = 48 fragment bytes; a 48-byte
     * fragment is a 64-byte PHYPayload, 2793.472 ms on air, so the duty
     * cycle allows one every 27.935 s: 28000 ms is the shortest whole-second
     * interval that keeps it (the service rounds to seconds). 20 % of a
     * 100 kB image (2084 fragments) stays far below 16383; but at DR0 such a
     * session lasts 19 h 27 min, beyond the 2^15 s a Class C session can
     * (core/limits.h): `fuota plan` says so, and what fits (a faster DR).
     * Images up to 46,800 bytes (975 + 195 fragments in 9 h 6 min) fit.
     */
    struct fuota_tag tags[] = {
        { .key = (char *)"project", .value = (char *)"field-sensors" },
    };
    const struct fuota_task example = {
        .name = (char *)"sensor-fw-2-4-1",
        .description = (char *)"Firmware 2.4.1 for the field sensors",
        .client_request_token = (char *)"sensor-fw-2-4-1-rollout-1",
        .has_lorawan = true,
        .rf_region = (char *)"EU868",
        .firmware_update_image =
            (char *)"s3://example-firmware-bucket/sensor/fw-2.4.1.bin",
        .firmware_update_role =
            (char *)"arn:aws:iam::123456789012:role/IoTWirelessFuotaRole",
        .has_tags = true,
        .tags = tags,
        .tag_count = sizeof(tags) / sizeof(tags[0]),
        .has_redundancy_percent = true,
        .redundancy_percent = 20,
        .has_fragment_size_bytes = true,
        .fragment_size_bytes = 48,
        .has_fragment_interval_ms = true,
        .fragment_interval_ms = 28000,
        .descriptor = (char *)"AAIEAQ==",
    };
    char *json = task_to_json(&example, !compact);
    if (!json) {
        cli_error("skeleton", "out of memory");
        return EXIT_USAGE;
    }
    printf("%s\n", json);
    free(json);
    return EXIT_OK;
}
