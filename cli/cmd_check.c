/* cmd_check.c - `kindctx check`: every problem in rule and scenario files. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fputs("usage: kindctx check FILE...\n"
          "       kindctx check --coverage RULES...\n"
          "\n"
          "Checks rule-set files and scenario files and prints every problem as\n"
          "  file:line:column: message\n"
          "A file is read as a rule set when it says \"kindctx\": \"ruleset/1\" (or has\n"
          "\"rules\"), otherwise as a scenario. Rule files compose in the order given,\n"
          "on top of the bundled rule set when the first one has no \"dimensions\".\n"
          "\n"
          "With --coverage, the rule files (composed as with --rules) are linted\n"
          "instead: a warning for every side of the act a rule set never considers\n"
          "(the receiver's request, power, the relationship, history), overall and\n"
          "for each act kind its rules single out, and for rules that never fire or\n"
          "always fire over the bundled examples and 500 generated scenarios.\n"
          "\n"
          "Exit status: 0 no problems; 1 problems found; 2 usage; 3 a file could not\n"
          "be read; 4 out of memory.\n",
          f);
}

static int is_ruleset(const kc_value *root)
{
    const kc_value *tag = kc_value_get(root, "kindctx", 7);
    const char *t = kc_value_string(tag, NULL);
    if (t)
        return strncmp(t, "ruleset/", 8) == 0;
    return kc_value_get(root, "rules", 5) != NULL;
}

int cmd_check(const cli_opts *o, int argc, char **argv)
{
    (void)o;
    int nfiles = 0, coverage = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--coverage") == 0) {
            coverage = 1;
            continue;
        }
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return KC_EXIT_OK;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            cli_errorf("check: unknown option '%s' (see kindctx check --help)", argv[i]);
            return KC_EXIT_USAGE;
        }
        argv[++nfiles] = argv[i];
    }
    if (nfiles == 0) {
        cli_errorf("check: no file given (see kindctx check --help)");
        return KC_EXIT_USAGE;
    }
    kc_ctx *ctx = NULL;
    if (kc_ctx_create(&ctx, NULL) != KC_OK) {
        cli_errorf("out of memory");
        return KC_EXIT_INTERNAL;
    }
    if (coverage) {
        int rc = cli_coverage(ctx, argv + 1, (size_t)nfiles);
        kc_ctx_free(ctx);
        return rc;
    }
    /* Rule files stay parsed from their first reading until the builder has
     * them: each is parsed once. */
    kc_doc **rules = malloc(sizeof *rules * (size_t)nfiles);
    if (!rules) {
        kc_ctx_free(ctx);
        cli_errorf("out of memory");
        return KC_EXIT_INTERNAL;
    }
    size_t nrules = 0;
    int problems = 0, rc = KC_EXIT_OK;
    for (int i = 1; i <= nfiles; i++) {
        const char *path = argv[i];
        kc_doc *doc = NULL;
        kc_error err;
        /* Read as a rule file may be (larger than a scenario may); a scenario
         * is then checked within the context's own limits. */
        const cli_limits saved = cli_rule_limits_begin(ctx);
        kc_status st = kc_doc_load_file(ctx, path, &doc, &err);
        cli_rule_limits_end(ctx, saved);
        if (st) {
            char buf[1024];
            kc_error_format(&err, buf, sizeof buf);
            printf("%s\n", buf);
            problems++;
            if (st == KC_EIO)
                rc = KC_EXIT_IO;
            continue;
        }
        if (is_ruleset(kc_doc_root(doc))) {
            rules[nrules++] = doc;
            continue;
        }
        kc_doc_free(doc);
        char *text = NULL;
        size_t len = 0;
        kc_diag *d = NULL;
        if (cli_read_file(path, &text, &len) == 0) {
            kc_scenario_check(ctx, text, len, path, &d);
            problems += cli_print_diag(d, stdout, 0);
            kc_diag_free(d);
            free(text);
        }
    }
    if (nrules > 0) {
        kc_builder *b = NULL;
        if (kc_builder_create(ctx, &b) != KC_OK) {
            rc = KC_EXIT_INTERNAL;
        } else {
            if (cli_is_extension(rules[0]))
                kc_builder_add_default(b);
            for (size_t i = 0; i < nrules; i++)
                kc_builder_add_doc(b, rules[i]);
            kc_ruleset *rs = NULL;
            if (kc_builder_build(b, &rs) == KC_OK)
                kc_ruleset_free(rs);
            problems += cli_print_diag(kc_builder_diagnostics(b), stdout, 0);
            kc_builder_free(b);
        }
    }
    for (size_t i = 0; i < nrules; i++)
        kc_doc_free(rules[i]);
    free(rules);
    kc_ctx_free(ctx);
    if (problems) {
        fprintf(stderr, "kindctx: %d problem%s in %d file%s\n", problems,
                problems == 1 ? "" : "s", nfiles, nfiles == 1 ? "" : "s");
        if (rc == KC_EXIT_OK)
            rc = KC_EXIT_FAIL;
    }
    return rc;
}
