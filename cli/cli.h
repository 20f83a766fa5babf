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
int cmd_eval(const cli_opts *o, int argc, char **argv);
int cmd_check(const cli_opts *o, int argc, char **argv);
int cmd_examples(const cli_opts *o, int argc, char **argv);
int cmd_batch(const cli_opts *o, int argc, char **argv);
int cmd_report(const cli_opts *o, int argc, char **argv);
int cmd_explain(const cli_opts *o, int argc, char **argv);

/* `kindctx check --coverage`: lints the rule set files compose to (coverage.c). */
int cli_coverage(kc_ctx *ctx, char *const *files, size_t nfiles);

/* Moves "--rules FILE" options out of argv (see rules.c). NULL after printing
 * the problem, with the exit code in *exit_code. */
char **cli_collect_rules(const char *cmd, int *argc, char **argv, size_t *nfiles, int *exit_code);
/* Builds the rule set from files (the bundled set first when there are none,
 * or when the first is an extension); prints problems; returns an exit code. */
int cli_load_rules(kc_ctx *ctx, char *const *files, size_t nfiles, kc_ruleset **out);
/* Whether a parsed rule file declares no dimensions of its own: an extension,
 * which the commands compose on top of the bundled rule set. */
int cli_is_extension(const kc_doc *doc);

/* Rule files are configuration the user names on the command line, and a rule
 * set of thousands of rules is several MiB (4,100 rules: 3.5 MB, about 400,000
 * values): more than the context's defaults, which are sized for scenarios,
 * allow. The commands load rule files with at least these limits and
 * everything else with the context's own: begin raises them (never lowers),
 * end puts back what begin returned. Both run before any thread shares ctx. */
#define CLI_RULES_MAX_BYTES ((size_t)256 << 20)
#define CLI_RULES_MAX_NODES ((size_t)32 << 20)
typedef struct cli_limits {
    size_t bytes, nodes;
} cli_limits;
cli_limits cli_rule_limits_begin(kc_ctx *ctx);
void cli_rule_limits_end(kc_ctx *ctx, cli_limits saved);
/* Prints every problem of d, one per line; returns how many. */
int cli_print_diag(const kc_diag *d, FILE *f, int prefixed);
/* Reads a whole file ("-" is standard input) into a malloc'd, NUL-terminated
 * buffer; returns 0, or -1 after printing why. */
int cli_read_file(const char *path, char **text, size_t *len);
/* Loads and checks a scenario file ("-" reads standard input). */
kc_status cli_load_scenario(kc_ctx *ctx, const char *path, kc_scenario **out, kc_error *err);

/* Whether to colour output written to f (a terminal, and NO_COLOR unset). */
int cli_use_color(FILE *f);

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
/* A growable byte buffer. Appending never fails loudly: on out of memory
 * the buffer stops growing and sets oom, which the caller checks once. */
typedef struct cli_buf {
    char *data; /* not NUL-terminated unless cli_buf_cstr() was called */
    size_t len, cap;
    int oom;
} cli_buf;

/* Makes room for extra more bytes; 0 on success, -1 (and oom) otherwise. */
int cli_buf_reserve(cli_buf *b, size_t extra);
void cli_buf_add(cli_buf *b, const char *s, size_t n);
void cli_buf_puts(cli_buf *b, const char *s);
void cli_buf_printf(cli_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Appends n bytes of s as a JSON string literal; invalid UTF-8 becomes U+FFFD. */
void cli_buf_json_string(cli_buf *b, const char *s, size_t n);
/* NUL-terminates the content (not counted in len) and returns it; "" on oom. */
const char *cli_buf_cstr(cli_buf *b);
void cli_buf_free(cli_buf *b);

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 if invalid. */
size_t cli_utf8_seq(const unsigned char *s, size_t n);
/* Levenshtein distance of a and b, counting a swap of neighbours as one edit. */
size_t cli_edit_distance(const char *a, const char *b);

/* Reads one line of any length (without its newline) into *buf; returns its
 * length, or -1 at end of input. *buf is realloc'd; free it when done. */
long cli_read_line(FILE *f, char **buf, size_t *cap);

#endif
