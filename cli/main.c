/* main.c - the kindctx command: dispatch to subcommands. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct command {
    const char *name;
    int (*run)(const cli_opts *o, int argc, char **argv);
    const char *what;
} command;

static const command COMMANDS[] = {
    {"examples", cmd_examples, "judge the bundled example scenarios (the main demo)"},
    {"eval", cmd_eval, "judge scenario files and explain the verdicts"},
    {"batch", cmd_batch, "judge JSON Lines of scenarios, on several threads"},
    {"report", cmd_report, "write an HTML report with charts for scenarios"},
    {"explain", cmd_explain, "show what a rule means, its condition in words"},
    {"check", cmd_check, "check rule and scenario files; print every problem"},
    {"logic", cmd_logic, "evaluate JSON Logic over JSON Lines (stdin -> stdout)"},
};
#define NCOMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static void usage(FILE *f)
{
    fputs("usage: kindctx [--version] [--help] COMMAND [ARGS]\n"
          "\n"
          "Judges how an offered act may land - kind, mixed, dismissive or harmful -\n"
          "from its context, and explains why.\n"
          "\n"
          "Commands:\n",
          f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-10s %s\n", COMMANDS[i].name, COMMANDS[i].what);
    fputs("\n"
          "Run 'kindctx COMMAND --help' (or 'kindctx help COMMAND') for a command's\n"
          "options, and 'man kindctx' for the manual.\n"
          "\n"
          "Exit status: 0 success; 1 a verdict or validation failure where the\n"
          "command says so; 2 usage error; 3 a file could not be read or written;\n"
          "4 out of memory or an internal failure.\n"
          "\n"
          "Colour is used on terminals only, never when NO_COLOR is set.\n",
          f);
}

static const command *find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(COMMANDS[i].name, name) == 0)
            return &COMMANDS[i];
    return NULL;
}

/* The command closest to a mistyped name, or NULL. */
static const char *closest(const char *name)
{
    const char *best = NULL;
    size_t bd = 3;
    for (size_t i = 0; i < NCOMMANDS; i++) {
        size_t d = cli_edit_distance(name, COMMANDS[i].name);
        if (d < bd) {
            bd = d;
            best = COMMANDS[i].name;
        }
    }
    return best;
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
        return fflush(stdout) == 0 ? KC_EXIT_OK : KC_EXIT_IO;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        (strcmp(cmd, "help") == 0 && argc == 2)) {
        usage(stdout);
        return KC_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0) {
        const command *c = find(argv[2]);
        if (!c) {
            cli_errorf("help: unknown command '%s' (see kindctx --help)", argv[2]);
            return KC_EXIT_USAGE;
        }
        static char help_flag[] = "--help";
        char *args[] = {argv[2], help_flag, NULL};
        return c->run(&o, 2, args);
    }
    const command *c = find(cmd);
    if (c)
        return c->run(&o, argc - 1, argv + 1);
    const char *near = cmd[0] == '-' ? NULL : closest(cmd);
    if (cmd[0] == '-')
        cli_errorf("unknown option '%s' (see kindctx --help)", cmd);
    else if (near)
        cli_errorf("unknown command '%s'; did you mean '%s'? (see kindctx --help)", cmd, near);
    else
        cli_errorf("unknown command '%s' (see kindctx --help)", cmd);
    return KC_EXIT_USAGE;
}
