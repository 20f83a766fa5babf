/* coverage.c - `kindctx check --coverage RULES...`: does a rule set look at
 * the act from every side, and does each rule ever fire?
 *
 * The rule files compose as with --rules (on top of the bundled set when the
 * first one has no "dimensions"). The firing check runs the bundled example
 * scenarios and COVERAGE_GENERATED generated ones, made deterministically
 * from the scenario model's vocabulary so the same rules give the same
 * findings every run. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

#ifndef KINDCTX_DATADIR
#define KINDCTX_DATADIR "/usr/local/share/kindctx"
#endif

#define COVERAGE_GENERATED 500

static const char *const needs[] = {"food", "shelter", "money", "safety", "help_with_distress",
                                    "company", "space", "information", "practical_help",
                                    "celebration", "beauty", "comfort", "rest", "care",
                                    "recognition"};
static const char *const features[] = {"pollen", "nuts", "scented", "symbolic", "practical",
                                       "self_guided", "physical_contact", "expensive", "reversible",
                                       "monitoring", "unsolicited_advice", "public", "surprise",
                                       "mindfulness", "food", "alcohol"};
static const char *const categories[] = {"gift", "practical_help", "advice", "self_help_resource",
                                         "emotional_support", "physical_contact", "contact",
                                         "money", "food", "treatment", "information", "time"};
static const char *const rel_types[] = {"friend", "partner", "family", "colleague", "manager",
                                        "clinician", "teacher", "neighbour", "stranger", "stalker",
                                        "abusive_ex", "jailer", "carer", "official"};
static const char *const settings[] = {"home", "community", "workplace", "clinic", "hospital",
                                       "involuntary_care", "detention", "school", "online", "public"};
static const char *const boundaries[] = {"no_contact", "no_touch", "no_advice", "no_gifts",
                                         "leave_me_alone"};
static const char *const stances[] = {"empathy", "sympathy", "neutral"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static uint32_t next(uint64_t *s)
{
    /* xorshift64*: small, fast, and the same everywhere. */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return (uint32_t)((*s * 0x2545F4914F6CDD1DULL) >> 32);
}

static const char *pick(uint64_t *s, const char *const *from, size_t n)
{
    return from[next(s) % n];
}

static const char *yes(uint64_t *s)
{
    return next(s) & 1 ? "true" : "false";
}

static void list(cli_buf *b, uint64_t *s, const char *const *from, size_t n, unsigned most)
{
    unsigned k = next(s) % (most + 1);
    cli_buf_puts(b, "[");
    for (unsigned i = 0; i < k; i++)
        cli_buf_printf(b, "%s\"%s\"", i ? "," : "", pick(s, from, n));
    cli_buf_puts(b, "]");
}

/* One generated scenario as JSON text (duplicates in lists are harmless). */
static void generate(cli_buf *b, uint64_t *s, unsigned i)
{
    cli_buf_printf(b, "{\"id\":\"generated-%u\",\"act\":{\"kind\":\"thing\",\"category\":\"%s\","
                      "\"features\":",
                   i, pick(s, categories, N(categories)));
    list(b, s, features, N(features), 3);
    cli_buf_puts(b, ",\"meets\":");
    list(b, s, needs, N(needs), 2);
    cli_buf_printf(b, "},\"request\":{\"asked\":%s,\"explicit\":%s,\"needs\":", yes(s), yes(s));
    list(b, s, needs, N(needs), 2);
    cli_buf_printf(b, ",\"urgency\":%.2f},\"receiver\":{\"allergies\":", (next(s) % 101) / 100.0);
    list(b, s, features, 4, 1);
    cli_buf_puts(b, ",\"aversions\":");
    list(b, s, features, N(features), 1);
    cli_buf_puts(b, ",\"likes\":");
    list(b, s, features, N(features), 1);
    cli_buf_puts(b, ",\"boundaries\":");
    list(b, s, boundaries, N(boundaries), 1);
    cli_buf_printf(b, "},\"relationship\":{\"type\":\"%s\",\"wanted\":%s,\"trust\":%.2f,"
                      "\"collaborative\":%s,\"threatening\":%s}",
                   pick(s, rel_types, N(rel_types)), yes(s), (next(s) % 101) / 100.0, yes(s),
                   next(s) % 8 == 0 ? "true" : "false");
    cli_buf_printf(b, ",\"power\":{\"differential\":%.2f,\"can_refuse\":%s,"
                      "\"controls_liberty_or_care\":%s,\"setting\":\"%s\",\"coercive_setting\":%s}",
                   ((int)(next(s) % 201) - 100) / 100.0, yes(s), next(s) % 4 == 0 ? "true" : "false",
                   pick(s, settings, N(settings)), next(s) % 5 == 0 ? "true" : "false");
    cli_buf_printf(b, ",\"history\":{\"prior_harm_by_giver\":%s,\"harm_acknowledged\":%s,"
                      "\"bad_experiences\":",
                   next(s) % 5 == 0 ? "true" : "false", yes(s));
    list(b, s, features, N(features), 1);
    cli_buf_printf(b, "},\"process\":{\"asked_what_was_needed\":%s,\"listened\":%s,"
                      "\"joint_decision\":%s,\"tried_together\":%s,\"handed_over_and_left\":%s,"
                      "\"follow_up\":%s,\"stance\":\"%s\",\"imposed\":%s}",
                   yes(s), yes(s), yes(s), yes(s), yes(s), yes(s), pick(s, stances, N(stances)),
                   next(s) % 4 == 0 ? "true" : "false");
    cli_buf_printf(b, ",\"intent\":{\"benevolent\":%s}}", next(s) % 6 ? "true" : "false");
}

static const char *examples_dir(void)
{
    struct stat st;
    if (stat("examples/scenarios", &st) == 0 && S_ISDIR(st.st_mode))
        return "examples/scenarios";
    const char *env = getenv("KINDCTX_EXAMPLES");
    return env && env[0] ? env : KINDCTX_DATADIR "/examples/scenarios";
}

int cli_coverage(kc_ctx *ctx, char *const *files, size_t nfiles)
{
    kc_ruleset *rs = NULL;
    int rc = cli_load_rules(ctx, files, nfiles, &rs);
    if (rc)
        return rc;
    size_t cap = COVERAGE_GENERATED + 256, n = 0;
    kc_doc **docs = calloc(cap, sizeof *docs);
    const kc_value **roots = calloc(cap, sizeof *roots);
    if (!docs || !roots) {
        rc = KC_EXIT_INTERNAL;
        goto done;
    }
    /* The bundled examples, when they can be found. */
    const char *dir = examples_dir();
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL && n < 256) {
        if (!strstr(e->d_name, ".json"))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (kc_doc_load_file(ctx, path, &docs[n], NULL) == KC_OK)
            roots[n] = kc_doc_root(docs[n]), n++;
    }
    if (d)
        closedir(d);
    size_t nexamples = n;
    uint64_t seed = 0x6b696e64637478ULL; /* "kindctx" */
    cli_buf b = {NULL, 0, 0, 0};
    for (unsigned i = 0; i < COVERAGE_GENERATED; i++) {
        b.len = 0;
        generate(&b, &seed, i);
        if (b.oom || kc_doc_parse_ex(ctx, b.data, b.len, "<generated>", 0, &docs[n], NULL) != KC_OK) {
            rc = KC_EXIT_INTERNAL;
            break;
        }
        roots[n] = kc_doc_root(docs[n]);
        n++;
    }
    cli_buf_free(&b);
    kc_diag *diag = NULL;
    if (rc == KC_EXIT_OK && kc_ruleset_lint(rs, roots, n, &diag) != KC_OK)
        rc = KC_EXIT_INTERNAL;
    if (rc == KC_EXIT_OK) {
        for (size_t i = 0; i < kc_diag_count(diag); i++) {
            const kc_error *w = kc_diag_get(diag, i);
            if (w->line)
                printf("%s:%u:%u: warning: %s\n", w->source, w->line, w->column, w->message);
            else
                printf("%s: warning: %s\n", kc_ruleset_name(rs), w->message);
        }
        fprintf(stderr, "kindctx: coverage of %s over %zu scenarios (%zu examples, %u generated): "
                        "%zu finding%s\n",
                kc_ruleset_name(rs), n, nexamples, COVERAGE_GENERATED, kc_diag_count(diag),
                kc_diag_count(diag) == 1 ? "" : "s");
        if (kc_diag_count(diag))
            rc = KC_EXIT_FAIL;
    }
    kc_diag_free(diag);
done:
    for (size_t i = 0; i < n; i++)
        kc_doc_free(docs[i]);
    free(docs);
    free(roots);
    kc_ruleset_free(rs);
    return rc;
}
