/* cmd_eval.c - `kindctx eval`: judge scenarios and explain the verdicts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fputs("usage: kindctx eval [--rules FILE]... [--for READER] [--json] [--pretty] SCENARIO...\n"
          "\n"
          "Judges each scenario file and explains the verdict. Without --rules the\n"
          "bundled rule set is used; several --rules files compose in order (a file\n"
          "without \"dimensions\" extends the bundled set). SCENARIO may be - for\n"
          "standard input.\n"
          "\n"
          "  --for READER  whose wording: giver (actionable, never shaming),\n"
          "             supporter (someone supporting the receiver; never blames them),\n"
          "             author (rule ids, weights and which conditions held), or\n"
          "             default\n"
          "  --json     one JSON result per scenario, one per line (JSON Lines), with\n"
          "             \"changes\": what would make it kind\n"
          "  --pretty   with --json: indented JSON\n"
          "\n"
          "Exit status: 0 every scenario was judged; 1 a scenario or rule file has\n"
          "problems (printed as file:line:column: message); 2 usage; 3 a file could\n"
          "not be read; 4 out of memory.\n",
          f);
}

/* Colours, used only when writing to a terminal and NO_COLOR is unset. */
typedef struct paint {
    const char *bold, *dim, *reset, *good, *warn, *bad;
} paint;

static paint make_paint(int on)
{
    paint p = {"", "", "", "", "", ""};
    if (on) {
        p.bold = "\033[1m";
        p.dim = "\033[2m";
        p.reset = "\033[0m";
        p.good = "\033[32m";
        p.warn = "\033[33m";
        p.bad = "\033[31m";
    }
    return p;
}

static const char *verdict_color(const paint *p, const kc_ruleset *rs, const char *verdict)
{
    size_t n = kc_ruleset_verdict_count(rs);
    if (n == 0 || strcmp(kc_ruleset_verdict_id(rs, 0), verdict) == 0)
        return p->good;
    if (strcmp(kc_ruleset_verdict_id(rs, n - 1), verdict) == 0)
        return p->bad;
    return p->warn;
}

/* Prints text wrapped at width, each line starting with indent. */
static void wrap(const char *text, const char *indent, size_t width)
{
    size_t col = 0;
    const char *p = text;
    fputs(indent, stdout);
    while (*p) {
        while (*p == ' ')
            p++;
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        size_t len = (size_t)(p - w);
        if (len == 0)
            break;
        if (col > 0 && col + 1 + len > width) {
            printf("\n%s", indent);
            col = 0;
        } else if (col > 0) {
            putchar(' ');
            col++;
        }
        fwrite(w, 1, len, stdout);
        col += len;
    }
    putchar('\n');
}

/* "What would make it kinder": the smallest sets of changes the giver
 * controls that reach the best verdict, or why there are none. */
static int print_changes(kc_result *res, const paint *p)
{
    const char *best = kc_result_verdict(res);
    kc_status st;
    size_t n = kc_result_change_count(res, &st);
    if (st != KC_OK)
        return -1;
    if (n == 0 && !kc_result_change_blocker(res)) {
        return 0; /* already the best verdict, or nothing within reach to say */
    }
    printf("\n  %sWhat would make it kinder%s\n", p->bold, p->reset);
    for (size_t i = 0; i < n; i++) {
        kc_change c;
        if (kc_result_change(res, i, &c) != KC_OK)
            return -1;
        char line[2048];
        size_t at = (size_t)snprintf(line, sizeof line, "%zu.", i + 1);
        for (size_t k = 0; k < c.nsteps && at < sizeof line; k++)
            at += (size_t)snprintf(line + at, sizeof line - at, "%s%s",
                                   k == 0 ? " " : k + 1 == c.nsteps ? " and " : ", ", c.steps[k]);
        if (at < sizeof line)
            snprintf(line + at, sizeof line - at, ": %s", c.verdict);
        wrap(line, "    ", 74);
    }
    if (n == 0)
        printf("    No change within the giver's control makes it kind: %s still applies.\n",
               kc_result_change_blocker(res));
    (void)best;
    return 0;
}

static int print_text(kc_result *res, const kc_ruleset *rs, const char *name, const paint *p,
                      kc_reader reader)
{
    const char *verdict = kc_result_verdict(res);
    printf("%s%s%s: %s%s%s%s (%s), score %g\n", p->bold, name, p->reset,
           verdict_color(p, rs, verdict), p->bold, verdict, p->reset,
           kc_result_verdict_label(res), kc_result_score(res));
    const char *summary = kc_result_summary(res);
    if (!summary)
        return -1;
    wrap(summary, "  ", 76);

    printf("\n  %sDimensions%s\n", p->bold, p->reset);
    for (size_t i = 0; i < kc_ruleset_dimension_count(rs); i++)
        printf("    %-14s %+6g  %s%s%s\n", kc_ruleset_dimension_id(rs, i),
               kc_result_dimension_score(res, i), p->dim, kc_ruleset_dimension_label(rs, i),
               p->reset);

    double iscore;
    const char *intent = kc_result_intent(res, &iscore);
    if (intent)
        printf("\n  %sIntent%s   %s (%+g), read apart from how it lands: %s\n", p->bold, p->reset,
               intent, iscore, verdict);

    size_t nf = kc_result_fired_count(res);
    if (nf) {
        printf("\n  %sWhy%s\n", p->bold, p->reset);
        for (size_t i = 0; i < nf; i++) {
            kc_finding f;
            if (kc_result_fired(res, i, &f) != KC_OK)
                return -1;
            printf("    %s%+g%s %s [%s]%s%s%s\n", f.weight < 0 ? p->bad : p->good, f.weight,
                   p->reset, f.rule, f.dimension, f.veto ? " veto: " : "",
                   f.veto ? f.veto : "", "");
            wrap(f.because, "        ", 70);
            if (f.advice && f.weight < 0) {
                size_t len = strlen(f.advice) + 9;
                char *line = malloc(len);
                if (!line)
                    return -1;
                snprintf(line, len, "kinder: %s", f.advice);
                wrap(line, "        ", 70);
                free(line);
            }
            if (reader == KC_READER_AUTHOR) {
                const char *trace = kc_result_trace(res, i);
                if (!trace)
                    return -1;
                /* One line per part of the condition, indented under the rule. */
                for (const char *line = trace; *line;) {
                    const char *end = strchr(line, '\n');
                    size_t len = end ? (size_t)(end - line) : strlen(line);
                    printf("        %s%.*s%s\n", p->dim, (int)len, line, p->reset);
                    line += len + (end ? 1 : 0);
                }
            }
        }
    }
    if (print_changes(res, p))
        return -1;
    size_t nq = kc_result_question_count(res);
    if (nq) {
        printf("\n  %sOpen questions%s\n", p->bold, p->reset);
        for (size_t i = 0; i < nq; i++) {
            kc_question q;
            kc_result_question(res, i, &q);
            if (q.could_be)
                printf("    %s - answering it could make it %s\n", q.fact, q.could_be);
            else
                printf("    %s - would not change the verdict\n", q.fact);
        }
    }
    putchar('\n');
    return 0;
}

int cmd_eval(const cli_opts *o, int argc, char **argv)
{
    (void)o;
    size_t nrules = 0;
    int exit_code = KC_EXIT_OK;
    char **rules = cli_collect_rules("eval", &argc, argv, &nrules, &exit_code);
    if (!rules)
        return exit_code;
    int json = 0, pretty = 0, nscen = 0;
    kc_reader reader = KC_READER_DEFAULT;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            free(rules);
            return KC_EXIT_OK;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--pretty") == 0) {
            pretty = 1;
        } else if (strcmp(argv[i], "--for") == 0 || strncmp(argv[i], "--for=", 6) == 0) {
            const char *name = argv[i][5] == '=' ? argv[i] + 6 : (i + 1 < argc ? argv[++i] : NULL);
            int r = kc_reader_from_name(name);
            if (r < 0) {
                cli_errorf("eval: --for takes giver, supporter, author or default%s%s%s",
                           name ? " (not '" : "", name ? name : "", name ? "')" : "");
                free(rules);
                return KC_EXIT_USAGE;
            }
            reader = (kc_reader)r;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            cli_errorf("eval: unknown option '%s' (see kindctx eval --help)", argv[i]);
            free(rules);
            return KC_EXIT_USAGE;
        } else {
            argv[++nscen] = argv[i];
        }
    }
    if (nscen == 0) {
        cli_errorf("eval: no scenario given (see kindctx eval --help)");
        free(rules);
        return KC_EXIT_USAGE;
    }
    kc_ctx *ctx = NULL;
    kc_ruleset *rs = NULL;
    kc_result *res = NULL;
    if (kc_ctx_create(&ctx, NULL) != KC_OK) {
        cli_errorf("out of memory");
        free(rules);
        return KC_EXIT_INTERNAL;
    }
    int rc = cli_load_rules(ctx, rules, nrules, &rs);
    free(rules);
    if (rc == KC_EXIT_OK && kc_result_create(ctx, &res) != KC_OK)
        rc = KC_EXIT_INTERNAL;
    paint p = make_paint(!json && cli_use_color(stdout));
    for (int i = 1; i <= nscen && rc != KC_EXIT_INTERNAL && rs; i++) {
        const char *path = argv[i];
        kc_scenario *sc = NULL;
        kc_error err;
        kc_status st = cli_load_scenario(ctx, path, &sc, &err);
        if (st) {
            cli_report(&err);
            int code = st == KC_EIO ? KC_EXIT_IO : st == KC_ENOMEM ? KC_EXIT_INTERNAL : KC_EXIT_FAIL;
            if (rc == KC_EXIT_OK || code > rc)
                rc = code;
            continue;
        }
        st = kc_evaluate(rs, kc_scenario_root(sc), res, &err);
        if (st == KC_OK)
            st = kc_result_set_reader(res, reader);
        if (st) {
            cli_report(&err);
            rc = KC_EXIT_INTERNAL;
        } else if (json) {
            char *text = NULL;
            unsigned flags = KC_JSON_CHANGES | (pretty ? KC_JSON_PRETTY : 0u);
            if (kc_result_to_json(res, flags, &text, NULL) != KC_OK) {
                rc = KC_EXIT_INTERNAL;
            } else {
                puts(text);
                kc_free(ctx, text);
            }
        } else {
            const char *id = kc_scenario_id(sc);
            if (print_text(res, rs, id[0] ? id : path, &p, reader))
                rc = KC_EXIT_INTERNAL;
        }
        kc_scenario_free(sc);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_errorf("error writing standard output");
        rc = KC_EXIT_IO;
    }
    if (rc == KC_EXIT_INTERNAL)
        cli_errorf("out of memory");
    kc_result_free(res);
    kc_ruleset_free(rs);
    kc_ctx_free(ctx);
    return rc;
}
