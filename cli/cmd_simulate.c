/* fuota simulate: placeholder until its issue lands. */
#include <stdio.h>

#include "cli/commands.h"
#include "cli/util.h"

int cmd_simulate(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("simulate", "not implemented yet");
    return EXIT_USAGE;
}
