/* main.c - the kindctx command: dispatch to subcommands. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fputs("usage: kindctx [--version] [--help] COMMAND [ARGS]\n"
          "\n"
          "Judges how an offered act may land - kind, mixed, dismissive or harmful -\n"
          "from its context, and explains why.\n"
          "\n"
          "Commands:\n"
          "  examples   judge the bundled example scenarios (the main demo)\n"
          "  eval       judge scenario files and explain the verdicts\n"
          "  check      check rule and scenario files; print every problem\n"
          "  logic      evaluate JSON Logic over JSON Lines (stdin -> stdout)\n"
          "\n"
          "Run 'kindctx COMMAND --help' for a command's options.\n"
          "\n"
          "Exit status: 0 success; 1 a verdict or validation failure where the\n"
          "command says so; 2 usage error; 3 a file could not be read or written;\n"
          "4 out of memory or an internal failure.\n",
          f);
}

int main(int argc, char **argv)
{
    cli_opts o = {"kindctx", 0};
    if (argc < 2) {
        usage(stderr);
        return KC_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("kindctx %s\n", kc_version());
        return KC_EXIT_OK;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return KC_EXIT_OK;
    }
    if (strcmp(cmd, "logic") == 0)
        return cmd_logic(&o, argc - 1, argv + 1);
    if (strcmp(cmd, "eval") == 0)
        return cmd_eval(&o, argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(&o, argc - 1, argv + 1);
    if (strcmp(cmd, "examples") == 0)
        return cmd_examples(&o, argc - 1, argv + 1);
    cli_errorf("unknown command '%s' (see kindctx --help)", cmd);
    return KC_EXIT_USAGE;
}
