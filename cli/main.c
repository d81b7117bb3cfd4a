/* fuota: the entry point. Dispatches to a subcommand (cli/commands.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/outfile.h"
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
 * is one message naming the cause and exit status 2, whatever the command
 * would have said (cli/outfile.h).
 */
static int finish(const char *cmd, int status)
{
    return outfile_stdout_flush(cmd) ? status : EXIT_USAGE;
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
    fprintf(out,
            "\nRun 'fuota COMMAND --help' (or 'fuota help COMMAND') for a "
            "command's options.\n"
            "Exit status: 0 ok, 1 a check failed, 2 a usage or input error, "
            "or output\nthat could not be written (one message with the "
            "reason; no output file is\nleft half-written).\n");
}

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(name, commands[i].name) == 0)
            return &commands[i];
    return NULL;
}

/* "fuota help [COMMAND]": the general help, or what COMMAND --help says. */
static int help(int argc, char **argv)
{
    if (argc < 3) {
        print_help(stdout);
        return finish(NULL, EXIT_OK);
    }
    const struct command *c = find_command(argv[2]);
    if (!c || argc > 3) {
        if (!c)
            fprintf(stderr, "fuota help: unknown command '%s'\n", argv[2]);
        else
            fprintf(stderr, "fuota help: one COMMAND only ('%s' is extra)\n",
                    argv[3]);
        fprintf(stderr, "Try 'fuota --help'.\n");
        return EXIT_USAGE;
    }
    char *args[] = { argv[2], (char *)"--help", NULL };
    return finish(c->name, c->run(2, args));
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return cmd_console(argc, argv);
    const char *cmd = argv[1];
    bool is_help = strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0;
    bool is_version = strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0;
    const struct command *c = find_command(cmd);
    /* Options without a command are the console's (fuota --theme dark). */
    bool console = c ? c->run == cmd_open
                     : !is_help && !is_version && strncmp(cmd, "--", 2) == 0;
    /* The console draws with ncurses on stdout's descriptor and keeps the C
     * library's stream; the rest write through one that keeps the reason
     * of a failed write (cli/outfile.h). */
    if (!console)
        outfile_stdout_init();
    if (is_help) {
        print_help(stdout);
        return finish(NULL, EXIT_OK);
    }
    if (strcmp(cmd, "help") == 0)
        return help(argc, argv);
    if (is_version) {
        printf("fuota %s\n", FUOTA_VERSION);
        return finish(NULL, EXIT_OK);
    }
    if (c)
        return finish(cmd, c->run(argc - 1, argv + 1));
    if (console)
        return finish(NULL, cmd_console(argc, argv));
    if (cmd[0] == '-')
        fprintf(stderr, "fuota: unknown option '%s'\n", cmd);
    else
        fprintf(stderr, "fuota: unknown command '%s'\n", cmd);
    fprintf(stderr, "Try 'fuota --help'.\n");
    return EXIT_USAGE;
}
