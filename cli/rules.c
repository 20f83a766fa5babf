/* rules.c - loading the rule set a command works with, and reporting its
 * problems. Uses only the public API. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

cli_limits cli_rule_limits_begin(kc_ctx *ctx)
{
    cli_limits saved = {kc_ctx_limit(ctx, KC_LIMIT_INPUT_BYTES), kc_ctx_limit(ctx, KC_LIMIT_NODES)};
    if (saved.bytes < CLI_RULES_MAX_BYTES)
        kc_ctx_set_limit(ctx, KC_LIMIT_INPUT_BYTES, CLI_RULES_MAX_BYTES);
    if (saved.nodes < CLI_RULES_MAX_NODES)
        kc_ctx_set_limit(ctx, KC_LIMIT_NODES, CLI_RULES_MAX_NODES);
    return saved;
}

void cli_rule_limits_end(kc_ctx *ctx, cli_limits saved)
{
    kc_ctx_set_limit(ctx, KC_LIMIT_INPUT_BYTES, saved.bytes);
    kc_ctx_set_limit(ctx, KC_LIMIT_NODES, saved.nodes);
}

int cli_is_extension(const kc_doc *doc)
{
    return kc_value_get(kc_doc_root(doc), "dimensions", 10) == NULL;
}

int cli_print_diag(const kc_diag *d, FILE *f, int prefixed)
{
    size_t n = kc_diag_count(d);
    for (size_t i = 0; i < n; i++) {
        char buf[1024];
        kc_error_format(kc_diag_get(d, i), buf, sizeof buf);
        fprintf(f, "%s%s\n", prefixed ? "kindctx: " : "", buf);
    }
    return (int)n;
}

int cli_load_rules(kc_ctx *ctx, char *const *files, size_t nfiles, kc_ruleset **out)
{
    kc_builder *b = NULL;
    if (kc_builder_create(ctx, &b) != KC_OK) {
        cli_errorf("out of memory");
        return KC_EXIT_INTERNAL;
    }
    kc_status st = KC_OK;
    const cli_limits saved = cli_rule_limits_begin(ctx);
    /* The first file is parsed once: to see whether it is an extension, and
     * then for the builder. One that does not parse is added by name, so the
     * builder reports why. */
    kc_doc *first = NULL;
    if (nfiles > 0 && kc_doc_load_file(ctx, files[0], &first, NULL) != KC_OK)
        first = NULL;
    if (nfiles == 0 || (first && cli_is_extension(first)))
        st = kc_builder_add_default(b);
    for (size_t i = 0; i < nfiles && st != KC_ENOMEM; i++) {
        kc_status s = i == 0 && first ? kc_builder_add_doc(b, first)
                                      : kc_builder_add_file(b, files[i]);
        if (s && !st)
            st = s;
    }
    kc_doc_free(first);
    if (st == KC_OK)
        st = kc_builder_build(b, out);
    cli_rule_limits_end(ctx, saved);
    int rc = KC_EXIT_OK;
    if (st) {
        cli_print_diag(kc_builder_diagnostics(b), stderr, 1);
        if (st == KC_ENOMEM)
            rc = KC_EXIT_INTERNAL;
        else if (st == KC_EIO)
            rc = KC_EXIT_IO;
        else
            rc = KC_EXIT_FAIL;
        if (kc_diag_count(kc_builder_diagnostics(b)) == 0)
            cli_errorf("cannot load the rules: %s", kc_strerror(st));
    }
    kc_builder_free(b);
    return rc;
}

char **cli_collect_rules(const char *cmd, int *argc, char **argv, size_t *nfiles, int *exit_code)
{
    /* Moves every "--rules FILE" out of argv, in order, into a new array
     * (free() it); the remaining arguments close up. On a --rules with no
     * file, or no memory, it says so (naming cmd), sets *exit_code and
     * returns NULL, so every command reports these the same way. */
    *nfiles = 0;
    char **files = malloc(sizeof *files * (size_t)(*argc + 1));
    if (!files) {
        cli_errorf("out of memory");
        *exit_code = KC_EXIT_INTERNAL;
        return NULL;
    }
    int w = 1;
    size_t n = 0;
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], "--rules") == 0 || strcmp(argv[i], "-r") == 0) {
            if (i + 1 >= *argc) {
                free(files);
                cli_errorf("%s: --rules needs a file (see kindctx %s --help)", cmd, cmd);
                *exit_code = KC_EXIT_USAGE;
                return NULL;
            }
            files[n++] = argv[++i];
        } else if (strncmp(argv[i], "--rules=", 8) == 0) {
            files[n++] = argv[i] + 8;
        } else {
            argv[w++] = argv[i];
        }
    }
    *argc = w;
    *nfiles = n;
    return files;
}
