/* cmd_examples.c - `kindctx examples`: judge every bundled scenario and check
 * each verdict against the one its file expects. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

#ifndef KINDCTX_DATADIR
#define KINDCTX_DATADIR "/usr/local/share/kindctx"
#endif

static void usage(FILE *f)
{
    fputs("usage: kindctx examples [--rules FILE]... [--dir DIR] [--quiet]\n"
          "\n"
          "Judges every scenario in DIR (by default examples/scenarios under the\n"
          "current directory, else $KINDCTX_EXAMPLES, else the installed copy) and\n"
          "prints each verdict with its one-paragraph summary, then\n"
          "  N passed, M failed\n"
          "against the verdict each file expects (\"expected\": {\"verdict\": ...}).\n"
          "\n"
          "  --quiet    only the failures and the final line\n"
          "\n"
          "Exit status: 0 all passed; 1 some failed or could not be read; 2 usage;\n"
          "3 the directory could not be read; 4 out of memory.\n",
          f);
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *default_dir(void)
{
    if (is_dir("examples/scenarios"))
        return "examples/scenarios";
    const char *env = getenv("KINDCTX_EXAMPLES");
    if (env && env[0])
        return env;
    return KINDCTX_DATADIR "/examples/scenarios";
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The scenario files of dir, sorted; NULL (and *n = 0) when unreadable. */
static char **list_scenarios(const char *dir, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    size_t cap = 64;
    char **names = malloc(cap * sizeof *names);
    struct dirent *e;
    while (names && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0 || e->d_name[0] == '.')
            continue;
        if (*n == cap) {
            char **nn = realloc(names, 2 * cap * sizeof *names);
            if (!nn)
                break;
            names = nn;
            cap *= 2;
        }
        size_t plen = strlen(dir) + len + 2;
        names[*n] = malloc(plen);
        if (!names[*n])
            break;
        snprintf(names[*n], plen, "%s/%s", dir, e->d_name);
        (*n)++;
    }
    closedir(d);
    if (names)
        qsort(names, *n, sizeof *names, by_name);
    return names;
}

int cmd_examples(const cli_opts *o, int argc, char **argv)
{
    (void)o;
    size_t nrules = 0;
    int exit_code = KC_EXIT_OK;
    char **rules = cli_collect_rules("examples", &argc, argv, &nrules, &exit_code);
    if (!rules)
        return exit_code;
    const char *dir = NULL;
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            free(rules);
            return KC_EXIT_OK;
        } else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
            dir = argv[++i];
        } else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
            quiet = 1;
        } else {
            cli_errorf("examples: unexpected argument '%s' (see kindctx examples --help)",
                       argv[i]);
            free(rules);
            return KC_EXIT_USAGE;
        }
    }
    if (!dir)
        dir = default_dir();
    size_t n = 0;
    char **files = list_scenarios(dir, &n);
    if (!files || n == 0) {
        cli_errorf("examples: no scenarios in %s (run from the source tree, or pass --dir)", dir);
        free(files);
        free(rules);
        return KC_EXIT_IO;
    }

    kc_ctx *ctx = NULL;
    kc_ruleset *rs = NULL;
    kc_result *res = NULL;
    int rc = kc_ctx_create(&ctx, NULL) ? KC_EXIT_INTERNAL : KC_EXIT_OK;
    if (rc == KC_EXIT_OK)
        rc = cli_load_rules(ctx, rules, nrules, &rs);
    if (rc == KC_EXIT_OK && kc_result_create(ctx, &res) != KC_OK)
        rc = KC_EXIT_INTERNAL;
    int color = cli_use_color(stdout);
    const char *green = color ? "\033[32m" : "", *red = color ? "\033[31m" : "",
               *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
    size_t passed = 0, failed = 0;
    for (size_t i = 0; i < n && rc == KC_EXIT_OK; i++) {
        kc_scenario *sc = NULL;
        kc_error err;
        kc_status st = kc_scenario_load_file(ctx, files[i], &sc, &err);
        if (st) {
            cli_report(&err);
            failed++;
            continue;
        }
        st = kc_evaluate(rs, kc_scenario_root(sc), res, &err);
        if (st) {
            cli_report(&err);
            rc = KC_EXIT_INTERNAL;
            kc_scenario_free(sc);
            break;
        }
        const kc_value *exp = kc_value_get(kc_scenario_root(sc), "expected", 8);
        const char *want = kc_value_string(kc_value_get(exp, "verdict", 7), NULL);
        const char *got = kc_result_verdict(res);
        int ok = want && strcmp(want, got) == 0;
        ok ? passed++ : failed++;
        if (!quiet || !ok) {
            const char *summary = kc_result_summary(res);
            printf("%s%s%s: %s%s%s", bold, kc_scenario_id(sc), reset, ok ? green : red, got,
                   reset);
            if (!ok)
                printf(" (expected %s)", want ? want : "nothing: the file has no expected verdict");
            printf("\n  %s\n\n", summary ? summary : "");
        }
        kc_scenario_free(sc);
    }
    if (rc == KC_EXIT_OK) {
        printf("%zu passed, %zu failed\n", passed, failed);
        if (failed)
            rc = KC_EXIT_FAIL;
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        rc = KC_EXIT_IO;
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
    free(rules);
    kc_result_free(res);
    kc_ruleset_free(rs);
    kc_ctx_free(ctx);
    return rc;
}
