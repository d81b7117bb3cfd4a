/* fuota plan: placeholder until its issue lands. */
#include <stdio.h>

#include "cli/commands.h"
#include "cli/util.h"

int cmd_plan(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("plan", "not implemented yet");
    return EXIT_USAGE;
}
