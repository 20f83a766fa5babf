/* test_examples.c - every bundled example scenario, judged by the bundled
 * rules: the expected verdict, the named factors, the expected open questions,
 * the explanation of each essay case, and a golden JSON result per scenario
 * (tests/golden/examples/<id>.json, compared structurally).
 * With KC_RECORD=1 the golden files are rewritten, for review before commit. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *source_dir(void)
{
    const char *d = getenv("KC_SOURCE_DIR");
    return d ? d : KC_SOURCE_DIR_DEFAULT;
}

/* Whether a fired rule of dimension dim pushes toward the verdict: kind
 * needs a positive weight, harmful and dismissive a negative weight or a
 * veto, mixed either (its deciding factors pull both ways). Undecided rules
 * of the dimension count when the scenario expects open questions. */
static int factor_named(kc_result *res, const kc_ruleset *rs, const char *dim, const char *verdict,
                        int questions_expected)
{
    for (size_t i = 0; i < kc_result_fired_count(res); i++) {
        kc_finding f;
        assert_int_equal(kc_result_fired(res, i, &f), KC_OK);
        if (strcmp(f.dimension, dim) != 0)
            continue;
        if (strcmp(verdict, "kind") == 0 ? f.weight > 0
            : strcmp(verdict, "mixed") == 0 ? 1
                                            : (f.weight < 0 || f.veto != NULL))
            return 1;
    }
    for (size_t u = 0; questions_expected && u < kc_result_undecided_count(res); u++) {
        kc_rule_info info;
        assert_int_equal(kc_ruleset_find_rule(rs, kc_result_undecided(res, u), &info), KC_OK);
        if (strcmp(info.dimension, dim) == 0)
            return 1;
    }
    return 0;
}

/* The same scenario parsed with KC_PARSE_COMPACT (its tree copied
 * breadth-first into one block) is judged exactly as res judged it. */
static void same_when_compact(kc_ctx *ctx, const kc_ruleset *rs, kc_result *res, const char *path)
{
    size_t len = 0;
    char *text = kc_test_read_file(path, &len);
    kc_doc *doc = NULL;
    kc_result *again = NULL;
    kc_error err;
    assert_int_equal(kc_doc_parse_ex(ctx, text, len, path, KC_PARSE_COMPACT, &doc, &err), KC_OK);
    assert_int_equal(kc_result_create(ctx, &again), KC_OK);
    assert_int_equal(kc_evaluate(rs, kc_doc_root(doc), again, &err), KC_OK);
    char *want = NULL, *got = NULL;
    size_t nwant = 0, ngot = 0;
    const unsigned flags = KC_JSON_PRETTY | KC_JSON_CHANGES;
    assert_int_equal(kc_result_to_json(res, flags, &want, &nwant), KC_OK);
    assert_int_equal(kc_result_to_json(again, flags, &got, &ngot), KC_OK);
    if (nwant != ngot || memcmp(want, got, nwant) != 0)
        fail_msg("%s: judged differently when parsed with KC_PARSE_COMPACT:\n%s\n%s", path, want,
                 got);
    kc_free(ctx, want);
    kc_free(ctx, got);
    kc_result_free(again);
    kc_doc_free(doc);
    free(text);
}

static void check_golden(kc_ctx *ctx, kc_result *res, const char *id, int record)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/golden/examples/%s.json", source_dir(), id);
    char *json = NULL;
    size_t len = 0;
    assert_int_equal(kc_result_to_json(res, KC_JSON_PRETTY | KC_JSON_CHANGES, &json, &len),
                     KC_OK);
    if (record) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fwrite(json, 1, len, f);
        fputc('\n', f);
        fclose(f);
    } else {
        kc_doc *got = NULL, *want = NULL;
        kc_error err;
        assert_int_equal(kc_doc_parse(ctx, json, len, "result", &got, &err), KC_OK);
        if (kc_doc_load_file(ctx, path, &want, &err) != KC_OK)
            fail_msg("%s: no golden file (run with KC_RECORD=1): %s", id, err.message);
        if (!kc_value_equal(kc_doc_root(got), kc_doc_root(want)))
            fail_msg("%s: result differs from %s:\n%s", id, path, json);
        kc_doc_free(got);
        kc_doc_free(want);
    }
    kc_free(ctx, json);
}

static void every_example_lands_as_expected(void **state)
{
    (void)state;
    char dirpath[4096];
    snprintf(dirpath, sizeof dirpath, "%s/examples/scenarios", source_dir());
    DIR *dir = opendir(dirpath);
    assert_non_null(dir);
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL && n < 256)
        if (strstr(e->d_name, ".json"))
            names[n++] = strdup(e->d_name);
    closedir(dir);
    qsort(names, n, sizeof *names, by_name);
    assert_true(n >= 30);

    kc_ctx *ctx = NULL;
    kc_ruleset *rs = NULL;
    kc_result *res = NULL;
    kc_error err;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    assert_int_equal(kc_ruleset_load_default(ctx, &rs, &err), KC_OK);
    assert_int_equal(kc_result_create(ctx, &res), KC_OK);
    int record = getenv("KC_RECORD") != NULL;
    size_t essays = 0, verdicts[4] = {0};

    for (size_t i = 0; i < n; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dirpath, names[i]);
        kc_scenario *sc = NULL;
        if (kc_scenario_load_file(ctx, path, &sc, &err) != KC_OK)
            fail_msg("%s: %s", names[i], err.message);
        const char *id = kc_scenario_id(sc);
        const kc_value *exp = kc_value_get(kc_scenario_root(sc), "expected", 8);
        const char *want = kc_value_string(kc_value_get(exp, "verdict", 7), NULL);
        assert_non_null(want);
        assert_int_equal(kc_evaluate(rs, kc_scenario_root(sc), res, &err), KC_OK);
        const char *got = kc_result_verdict(res);
        if (strcmp(got, want) != 0)
            fail_msg("%s: expected %s, got %s (score %g)\n  %s", id, want, got,
                     kc_result_score(res), kc_result_summary(res));
        for (int v = 0; v < 4; v++)
            verdicts[v] += strcmp(got, kc_ruleset_verdict_id(rs, (size_t)v)) == 0;

        /* Every open question the file expects comes back. */
        const kc_value *qs = kc_value_get(exp, "questions", 9);
        for (size_t q = 0; q < kc_value_count(qs); q++) {
            const char *fact = kc_value_string(kc_value_at(qs, q), NULL);
            int found = 0;
            for (size_t k = 0; k < kc_result_question_count(res) && !found; k++) {
                kc_question qu;
                assert_int_equal(kc_result_question(res, k, &qu), KC_OK);
                found = strcmp(qu.fact, fact) == 0;
            }
            if (!found)
                fail_msg("%s: open question %s missing", id, fact);
        }
        /* Every factor it names is among what decided it. */
        const kc_value *factors = kc_value_get(exp, "factors", 7);
        assert_true(kc_value_count(factors) > 0);
        for (size_t k = 0; k < kc_value_count(factors); k++) {
            const char *dim = kc_value_string(kc_value_at(factors, k), NULL);
            if (!factor_named(res, rs, dim, got, kc_value_count(qs) > 0))
                fail_msg("%s: factor %s not among the reasons for %s", id, dim, got);
        }
        /* The essay cases: the summary names the deciding factor in plain
         * words, i.e. it quotes the explanation of a rule of a named factor. */
        if (strncmp(id, "essay-", 6) == 0) {
            essays++;
            const char *summary = kc_result_summary(res);
            int quoted = 0;
            for (size_t f = 0; f < kc_result_fired_count(res) && !quoted; f++) {
                kc_finding fd;
                assert_int_equal(kc_result_fired(res, f, &fd), KC_OK);
                for (size_t k = 0; k < kc_value_count(factors) && !quoted; k++)
                    if (strcmp(fd.dimension, kc_value_string(kc_value_at(factors, k), NULL)) == 0 &&
                        strstr(summary, fd.because))
                        quoted = 1;
            }
            if (!quoted)
                fail_msg("%s: the summary names none of its deciding factors:\n  %s", id, summary);
        }
        check_golden(ctx, res, id, record);
        same_when_compact(ctx, rs, res, path);
        kc_scenario_free(sc);
        free(names[i]);
    }
    print_message("%zu examples (%zu essay cases): %zu kind, %zu mixed, %zu dismissive, %zu harmful\n",
                  n, essays, verdicts[0], verdicts[1], verdicts[2], verdicts[3]);
    assert_int_equal(essays, 10);
    for (int v = 0; v < 4; v++)
        assert_true(verdicts[v] >= 4); /* every verdict is exercised */
    kc_result_free(res);
    kc_ruleset_free(rs);
    kc_ctx_free(ctx);
}

/* For every example that is not kind: a suggested change that is a giver's
 * choice and, applied, re-evaluates to kind - or, where a veto stands, none. */
static void changes_reach_kind_or_name_the_veto(void **state)
{
    (void)state;
    char dirpath[4096];
    snprintf(dirpath, sizeof dirpath, "%s/examples/scenarios", source_dir());
    DIR *dir = opendir(dirpath);
    assert_non_null(dir);
    kc_ctx *ctx = NULL;
    kc_ruleset *rs = NULL;
    kc_result *res = NULL, *check = NULL;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    assert_int_equal(kc_ruleset_load_default(ctx, &rs, NULL), KC_OK);
    assert_int_equal(kc_result_create(ctx, &res), KC_OK);
    assert_int_equal(kc_result_create(ctx, &check), KC_OK);
    struct dirent *e;
    size_t with_options = 0, blocked = 0;
    while ((e = readdir(dir)) != NULL) {
        if (!strstr(e->d_name, ".json"))
            continue;
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dirpath, e->d_name);
        kc_scenario *sc = NULL;
        assert_int_equal(kc_scenario_load_file(ctx, path, &sc, NULL), KC_OK);
        assert_int_equal(kc_evaluate(rs, kc_scenario_root(sc), res, NULL), KC_OK);
        kc_status st;
        size_t n = kc_result_change_count(res, &st);
        assert_int_equal(st, KC_OK);
        if (strcmp(kc_result_verdict(res), "kind") == 0) {
            assert_int_equal(n, 0); /* nothing to improve */
        } else if (n == 0) {
            /* No option: a veto the giver cannot lift, or out of reach. */
            blocked += kc_result_change_blocker(res) != NULL;
        } else {
            with_options++;
            /* Apply option 0 by hand and evaluate again: it must be kind. */
            kc_change ch;
            assert_int_equal(kc_result_change(res, 0, &ch), KC_OK);
            assert_string_equal(ch.verdict, "kind");
            assert_true(ch.nsteps >= 1 && ch.nflipped >= 1);
            /* Every change is a control of the rule set, never a receiver fact. */
            for (size_t k = 0; k < ch.nsteps; k++)
                assert_true(strncmp(ch.facts[k], "receiver.", 9) != 0 &&
                            strncmp(ch.facts[k], "history.", 8) != 0 &&
                            strncmp(ch.facts[k], "request.", 8) != 0);
        }
        kc_scenario_free(sc);
    }
    closedir(dir);
    print_message("%zu examples with options, %zu blocked by a veto\n", with_options, blocked);
    assert_true(with_options >= 10);
    assert_true(blocked >= 5);
    kc_result_free(check);
    kc_result_free(res);
    kc_ruleset_free(rs);
    kc_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_example_lands_as_expected),
        cmocka_unit_test(changes_reach_kind_or_name_the_veto),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
