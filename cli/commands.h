#ifndef FUOTA_CLI_COMMANDS_H
#define FUOTA_CLI_COMMANDS_H

/*
 * The subcommands: one X-macro feeds the dispatch table, `fuota --help` and
 * the prototypes. Each command lives in cli/cmd_NAME.c as
 * `int cmd_NAME(int argc, char **argv)` where argv[0] is the command name;
 * it returns the process exit status (0 ok, 1 failed check, 2 usage).
 */
#define CLI_COMMANDS(X)                                                        \
    X(validate, "validate FILE|-", "check a CreateFuotaTask JSON request")     \
    X(plan, "plan FILE --image PATH|--image-size N",                           \
      "fragments, time on air, session time, warnings")                        \
    X(skeleton, "skeleton", "print a CreateFuotaTask JSON to fill in")         \
    X(fragments, "fragments --image FILE --fragment-size S ...",               \
      "write the TS004 coded fragment stream of an image")                     \
    X(simulate, "simulate FILE --image PATH|--image-size N --devices N",       \
      "play fragment delivery to a virtual fleet")                             \
    X(sweep, "sweep FILE|--image-size N", "what-if: success vs redundancy")    \
    X(submit, "submit FILE [--sim|--profile P|--endpoint URL]",                \
      "validate a request, then create the task (simulator or AWS)")           \
    X(tasks, "tasks list|get|update|start|delete|devices|... ",                \
      "list, show and manage FUOTA tasks (simulator or AWS)")                  \
    X(serve, "serve [--port P]",                                               \
      "run the simulator as an AWS-compatible endpoint on loopback")           \
    X(scenarios, "scenarios [NAME]",                                           \
      "list the training scenarios, or show one")                              \
    X(open, "open FILE [--image PATH]",                                        \
      "the console with a saved request loaded")

#define X(name, usage, help) int cmd_##name(int argc, char **argv);
CLI_COMMANDS(X)
#undef X

/* `fuota` with no command (or only console options): the console. */
int cmd_console(int argc, char **argv);

#endif
