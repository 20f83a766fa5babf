/* cli.h - shared pieces of the kindctx command. Uses only the public API. */
#ifndef KINDCTX_CLI_H
#define KINDCTX_CLI_H

#include <stdio.h>

#include "kindctx.h"

/* Exit codes (documented in docs/kindctx.1 and `kindctx --help`). */
enum {
    KC_EXIT_OK = 0,      /* success */
    KC_EXIT_FAIL = 1,    /* a verdict or validation failure where it applies */
    KC_EXIT_USAGE = 2,   /* bad command line */
    KC_EXIT_IO = 3,      /* a file could not be read or written */
    KC_EXIT_INTERNAL = 4 /* out of memory or another internal failure */
};

typedef struct cli_opts {
    const char *prog;
    int color; /* stdout may use colour */
} cli_opts;

int cmd_logic(const cli_opts *o, int argc, char **argv);

/* Prints "kindctx: file:line:column: message" for err on stderr. */
void cli_report(const kc_error *err);
/* Prints "kindctx: message" on stderr. */
void cli_errorf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* Writes s as a JSON string literal. */
void cli_json_string(FILE *f, const char *s);
/* Reads one line of any length (without its newline) into *buf; returns its
 * length, or -1 at end of input. *buf is realloc'd; free it when done. */
long cli_read_line(FILE *f, char **buf, size_t *cap);

#endif
