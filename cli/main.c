/* fuota: the entry point. Dispatches to a subcommand (cli/commands.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/util.h"

struct command {
    const char *name;
    const char *usage;
    const char *help;
    int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
#define X(n, u, h) { .name = #n, .usage = u, .help = h, .run = cmd_##n },
    CLI_COMMANDS(X)
#undef X
};

/*
 * Data on stdout must not be lost silently: a full disk or a closed pipe
 * turns a success into exit status 1 with a message naming the cause.
 */
static int finish(const char *cmd, int status)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        int err = errno;
        fprintf(stderr, "fuota%s%s: error writing standard output%s%s\n",
                cmd ? " " : "", cmd ? cmd : "", err ? ": " : "",
                err ? strerror(err) : "");
        return status == EXIT_OK ? EXIT_CHECK : status;
    }
    return status;
}

static void print_help(FILE *out)
{
    fprintf(out,
            "fuota %s - LoRaWAN FUOTA operator console for AWS IoT Core "
            "for LoRaWAN\n\n",
            FUOTA_VERSION);
    fprintf(out, "Usage: fuota [COMMAND] [OPTIONS]\n\n"
                 "Without a command fuota opens the console (a terminal "
                 "is needed).\n\nCommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
    fprintf(out, "\nRun 'fuota COMMAND --help' for a command's options.\n"
                 "Exit status: 0 ok, 1 a check failed, 2 usage or input "
                 "error.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return cmd_console(argc, argv);
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        strcmp(cmd, "help") == 0) {
        print_help(stdout);
        return finish(NULL, EXIT_OK);
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("fuota %s\n", FUOTA_VERSION);
        return finish(NULL, EXIT_OK);
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return finish(cmd, commands[i].run(argc - 1, argv + 1));
    /* Options without a command are the console's (fuota --theme dark). */
    if (cmd[0] == '-' && cmd[1] == '-')
        return finish(NULL, cmd_console(argc, argv));
    if (cmd[0] == '-')
        fprintf(stderr, "fuota: unknown option '%s'\n", cmd);
    else
        fprintf(stderr, "fuota: unknown command '%s'\n", cmd);
    fprintf(stderr, "Try 'fuota --help'.\n");
    return EXIT_USAGE;
}
