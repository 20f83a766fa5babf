/* test_hardening.c - the library against hostile input and hostile
 * conditions, across modules (docs/security.md):
 *   - every public function tolerates NULL arguments (tests/tools/
 *     check_null_tests.py fails when a KC_API function is missing here);
 *   - a full load + parse + evaluate + render + serialise with allocation N
 *     failing, for every N, once and from then on: KC_ENOMEM, outputs NULL,
 *     nothing leaked;
 *   - a real rule file and a real scenario file truncated at every byte and
 *     with every byte flipped, through the full loaders;
 *   - the limits: documented defaults, changed per handle;
 *   - deep input on a thread with a 64 KiB stack;
 *   - every status code, produced by a real call. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "testutil.h"

/* ------------------------------------------------------------------------ */
/* Shared helpers                                                           */
/* ------------------------------------------------------------------------ */

static const char *source_dir(void)
{
    const char *s = getenv("KC_SOURCE_DIR");
    return s && *s ? s : KC_SOURCE_DIR_DEFAULT;
}

/* A file of the repository, read whole; NULL when it does not exist. */
static char *repo_file(const char *rel, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", source_dir(), rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fclose(f);
    return kc_test_read_file(path, len);
}

/* The bundled rule set's source (rules/core.json), or the test one. */
static char *real_rules(size_t *len)
{
    char *text = repo_file("rules/core.json", len);
    return text ? text : kc_test_read_file(kc_test_data_path("rules/tiny.json"), len);
}

/* A bundled example with a veto, open questions and advice to render. */
static const char example_scenario[] =
    "examples/scenarios/everyday-27-welcome-biscuits-allergies-unknown.json";

/* Stored into an output before a call that must overwrite it. */
static char sentinel_byte;
#define sentinel ((void *)&sentinel_byte)

/* ------------------------------------------------------------------------ */
/* NULL arguments                                                           */
/* ------------------------------------------------------------------------ */

/* What the custom operator below saw when handed NULLs. */
typedef struct probe {
    int calls;
    kc_status bad_string, bad_array, bad_throw;
} probe;

static kc_status probe_op(kc_call *call, void *ud, size_t argc, const kc_value *const *argv)
{
    (void)argc;
    (void)argv;
    probe *p = ud;
    p->calls++;
    p->bad_string = kc_call_return_string(call, NULL, 3);
    p->bad_array = kc_call_return_array(call, NULL, 2);
    p->bad_throw = kc_call_throw(call, NULL);
    return kc_call_return_null(call);
}

/*
 * Each public function with each pointer argument NULL in turn. The block
 * between the NULL-ARGUMENTS markers is what tests/tools/check_null_tests.py
 * reads: every KC_API function of include/kindctx.h must be called in it.
 */
/* NULL-ARGUMENTS BEGIN */
static void every_public_function_tolerates_null(void **state)
{
    (void)state;
    kc_ctx *ctx = NULL;
    kc_error err;

    /* version, status, errors */
    assert_non_null(kc_version());
    assert_true(kc_version_number() > 0);
    assert_string_equal(kc_status_name((kc_status)9999), "KC_UNKNOWN");
    assert_non_null(kc_strerror((kc_status)9999));
    assert_int_equal(kc_error_format(NULL, NULL, 0), strlen("(no error)"));
    memset(&err, 0, sizeof err);
    assert_true(kc_error_format(&err, NULL, 0) > 0);

    /* context */
    assert_int_equal(kc_ctx_create(NULL, NULL), KC_EINVAL);
    const kc_allocator partial = {NULL, NULL, NULL, NULL};
    ctx = sentinel;
    assert_int_equal(kc_ctx_create(&ctx, &partial), KC_EINVAL);
    assert_null(ctx);
    kc_ctx_free(NULL);
    kc_free(NULL, NULL);
    assert_int_equal(kc_ctx_set_limit(NULL, KC_LIMIT_DEPTH, 10), KC_EINVAL);
    assert_int_equal(kc_ctx_limit(NULL, KC_LIMIT_DEPTH), 0);
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    kc_free(ctx, NULL);
    assert_int_equal(kc_ctx_register_op(NULL, "op", 0, 0, probe_op, NULL), KC_EINVAL);
    assert_int_equal(kc_ctx_register_op(ctx, NULL, 0, 0, probe_op, NULL), KC_EINVAL);
    assert_int_equal(kc_ctx_register_op(ctx, "op", 0, 0, NULL, NULL), KC_EINVAL);

    /* values: NULL reads as JSON null */
    assert_int_equal(kc_value_type(NULL), KC_TYPE_NULL);
    assert_int_equal(kc_value_bool(NULL), 0);
    assert_true(kc_value_number(NULL) == 0);
    size_t len = 99;
    assert_null(kc_value_string(NULL, &len));
    assert_int_equal(len, 0);
    assert_null(kc_value_string(NULL, NULL));
    assert_int_equal(kc_value_count(NULL), 0);
    assert_null(kc_value_at(NULL, 0));
    assert_null(kc_value_key_at(NULL, 0, NULL));
    assert_null(kc_value_get(NULL, "a", 1));
    assert_int_equal(kc_value_truthy(NULL), 0);
    assert_int_equal(kc_value_equal(NULL, NULL), 1); /* null == null */
    char *json = sentinel;
    assert_int_equal(kc_value_to_json(NULL, NULL, &json, NULL), KC_EINVAL);
    assert_null(json);
    assert_int_equal(kc_value_to_json(ctx, NULL, NULL, NULL), KC_EINVAL);

    /* documents */
    kc_doc *doc = sentinel;
    assert_int_equal(kc_doc_parse(NULL, "{}", 2, NULL, &doc, &err), KC_EINVAL);
    assert_null(doc);
    assert_int_equal(err.status, KC_EINVAL);
    assert_int_equal(kc_doc_parse(ctx, NULL, 2, NULL, &doc, &err), KC_EINVAL);
    assert_int_equal(kc_doc_parse(ctx, "{}", 2, NULL, NULL, &err), KC_EINVAL);
    assert_int_equal(kc_doc_parse(ctx, "{}", 2, NULL, NULL, NULL), KC_EINVAL);
    doc = sentinel;
    assert_int_equal(kc_doc_parse_ex(NULL, "{}", 2, NULL, 0, &doc, NULL), KC_EINVAL);
    assert_null(doc);
    assert_int_equal(kc_doc_parse_ex(ctx, "{}", 2, NULL, 0, NULL, NULL), KC_EINVAL);
    doc = sentinel;
    assert_int_equal(kc_doc_load_file(NULL, "x.json", &doc, NULL), KC_EINVAL);
    assert_null(doc);
    assert_int_equal(kc_doc_load_file(ctx, NULL, &doc, NULL), KC_EINVAL);
    assert_int_equal(kc_doc_load_file(ctx, "x.json", NULL, NULL), KC_EINVAL);
    cJSON *cj = cJSON_CreateObject();
    assert_non_null(cj);
    doc = sentinel;
    assert_int_equal(kc_doc_from_cjson(NULL, cj, &doc, NULL), KC_EINVAL);
    assert_null(doc);
    assert_int_equal(kc_doc_from_cjson(ctx, NULL, &doc, NULL), KC_EINVAL);
    assert_int_equal(kc_doc_from_cjson(ctx, cj, NULL, NULL), KC_EINVAL);
    assert_null(kc_doc_root(NULL));
    unsigned line = 7, col = 7;
    assert_int_equal(kc_doc_position(NULL, NULL, &line, &col), 0);
    kc_doc_free(NULL);

    /* JSON Logic */
    kc_logic *lg = sentinel;
    assert_int_equal(kc_logic_compile(NULL, "true", 4, &lg, NULL), KC_EINVAL);
    assert_null(lg);
    assert_int_equal(kc_logic_compile(ctx, NULL, 4, &lg, NULL), KC_EINVAL);
    assert_int_equal(kc_logic_compile(ctx, "true", 4, NULL, NULL), KC_EINVAL);
    lg = sentinel;
    assert_int_equal(kc_logic_compile_value(NULL, NULL, NULL, &lg, NULL), KC_EINVAL);
    assert_null(lg);
    assert_int_equal(kc_logic_compile_value(ctx, NULL, NULL, &lg, NULL), KC_EINVAL);
    lg = sentinel;
    assert_int_equal(kc_logic_compile_cjson(NULL, cj, &lg, NULL), KC_EINVAL);
    assert_null(lg);
    assert_int_equal(kc_logic_compile_cjson(ctx, NULL, &lg, NULL), KC_EINVAL);
    assert_int_equal(kc_logic_compile_cjson(ctx, cj, NULL, NULL), KC_EINVAL);
    kc_logic_free(NULL);
    assert_int_equal(kc_eval_create(NULL, NULL), KC_EINVAL);
    kc_eval *ev = sentinel;
    assert_int_equal(kc_eval_create(NULL, &ev), KC_EINVAL);
    assert_null(ev);
    assert_int_equal(kc_eval_create(ctx, NULL), KC_EINVAL);
    kc_eval_free(NULL);
    const kc_value *result = sentinel;
    assert_int_equal(kc_logic_run(NULL, NULL, NULL, &result, &err), KC_EINVAL);
    assert_null(result);
    assert_int_equal(kc_logic_run(NULL, NULL, NULL, NULL, NULL), KC_EINVAL);
    assert_null(kc_eval_thrown(NULL));

    /* custom operators: the call handle, and NULLs inside a real call */
    assert_int_equal(kc_call_return_null(NULL), KC_EINVAL);
    assert_int_equal(kc_call_return_bool(NULL, 1), KC_EINVAL);
    assert_int_equal(kc_call_return_number(NULL, 1), KC_EINVAL);
    assert_int_equal(kc_call_return_string(NULL, "x", 1), KC_EINVAL);
    assert_int_equal(kc_call_return_value(NULL, NULL), KC_EINVAL);
    assert_int_equal(kc_call_return_array(NULL, NULL, 0), KC_EINVAL);
    assert_int_equal(kc_call_throw(NULL, "x"), KC_EINVAL);
    probe p = {0, KC_OK, KC_OK, KC_OK};
    assert_int_equal(kc_ctx_register_op(ctx, "probe", 0, 0, probe_op, &p), KC_OK);
    assert_int_equal(kc_logic_compile(ctx, "{\"probe\":[]}", 12, &lg, NULL), KC_OK);
    assert_int_equal(kc_eval_create(ctx, &ev), KC_OK);
    assert_int_equal(kc_logic_run(ev, lg, NULL, &result, NULL), KC_OK);
    assert_int_equal(kc_value_type(result), KC_TYPE_NULL);
    assert_int_equal(p.calls, 1);
    assert_int_equal(p.bad_string, KC_EINVAL);
    assert_int_equal(p.bad_array, KC_EINVAL);
    assert_int_equal(p.bad_throw, KC_EINVAL);
    kc_eval_free(ev);
    kc_logic_free(lg);

    /* diagnostics */
    assert_int_equal(kc_diag_count(NULL), 0);
    assert_null(kc_diag_get(NULL, 0));
    kc_diag_free(NULL);

    /* scenarios */
    kc_scenario *sc = sentinel;
    assert_int_equal(kc_scenario_parse(NULL, "{}", 2, NULL, &sc, &err), KC_EINVAL);
    assert_null(sc);
    assert_int_equal(kc_scenario_parse(ctx, NULL, 2, NULL, &sc, &err), KC_EINVAL);
    assert_int_equal(kc_scenario_parse(ctx, "{}", 2, NULL, NULL, &err), KC_EINVAL);
    sc = sentinel;
    assert_int_equal(kc_scenario_load_file(NULL, "x.json", &sc, NULL), KC_EINVAL);
    assert_null(sc);
    assert_int_equal(kc_scenario_load_file(ctx, NULL, &sc, NULL), KC_EINVAL);
    assert_int_equal(kc_scenario_load_file(ctx, "x.json", NULL, NULL), KC_EINVAL);
    sc = sentinel;
    assert_int_equal(kc_scenario_from_cjson(NULL, cj, &sc, NULL), KC_EINVAL);
    assert_null(sc);
    assert_int_equal(kc_scenario_from_cjson(ctx, NULL, &sc, NULL), KC_EINVAL);
    assert_int_equal(kc_scenario_from_cjson(ctx, cj, NULL, NULL), KC_EINVAL);
    kc_diag *diag = sentinel;
    assert_int_equal(kc_scenario_check(NULL, "{}", 2, NULL, &diag), KC_EINVAL);
    assert_null(diag);
    assert_int_equal(kc_scenario_check(ctx, NULL, 2, NULL, &diag), KC_EINVAL);
    assert_int_equal(kc_scenario_check(ctx, "{}", 2, NULL, NULL), KC_EINVAL);
    assert_null(kc_scenario_root(NULL));
    assert_non_null(kc_scenario_id(NULL));
    kc_scenario_free(NULL);
    cJSON_Delete(cj);

    /* rule sets */
    kc_builder *b = sentinel;
    assert_int_equal(kc_builder_create(NULL, &b), KC_EINVAL);
    assert_null(b);
    assert_int_equal(kc_builder_create(ctx, NULL), KC_EINVAL);
    assert_int_equal(kc_builder_add_file(NULL, "x.json"), KC_EINVAL);
    assert_int_equal(kc_builder_add_string(NULL, "{}", 2, NULL), KC_EINVAL);
    assert_int_equal(kc_builder_add_default(NULL), KC_EINVAL);
    kc_ruleset *rs = sentinel;
    assert_int_equal(kc_builder_build(NULL, &rs), KC_EINVAL);
    assert_null(rs);
    assert_int_equal(kc_builder_build(NULL, NULL), KC_EINVAL);
    assert_null(kc_builder_diagnostics(NULL));
    kc_builder_free(NULL);
    assert_int_equal(kc_builder_create(ctx, &b), KC_OK);
    assert_int_equal(kc_builder_add_file(b, NULL), KC_EINVAL);
    assert_int_equal(kc_builder_add_string(b, NULL, 2, NULL), KC_EINVAL);
    assert_int_equal(kc_builder_add_doc(b, NULL), KC_EINVAL);
    kc_doc *rules_doc = NULL;
    assert_int_equal(kc_doc_parse(ctx, "{}", 2, "d", &rules_doc, NULL), KC_OK);
    assert_int_equal(kc_builder_add_doc(NULL, rules_doc), KC_EINVAL);
    kc_doc_free(rules_doc);
    assert_int_equal(kc_builder_build(b, NULL), KC_EINVAL);
    kc_builder_free(b);
    rs = sentinel;
    assert_int_equal(kc_ruleset_load_file(NULL, "x.json", &rs, &err), KC_EINVAL);
    assert_null(rs);
    assert_int_equal(kc_ruleset_load_file(ctx, NULL, &rs, &err), KC_EINVAL);
    assert_int_equal(kc_ruleset_load_file(ctx, "x.json", NULL, &err), KC_EINVAL);
    rs = sentinel;
    assert_int_equal(kc_ruleset_load_string(NULL, "{}", 2, NULL, &rs, NULL), KC_EINVAL);
    assert_null(rs);
    assert_int_equal(kc_ruleset_load_string(ctx, NULL, 2, NULL, &rs, NULL), KC_EINVAL);
    assert_int_equal(kc_ruleset_load_string(ctx, "{}", 2, NULL, NULL, NULL), KC_EINVAL);
    rs = sentinel;
    assert_int_equal(kc_ruleset_load_default(NULL, &rs, NULL), KC_EINVAL);
    assert_null(rs);
    assert_int_equal(kc_ruleset_load_default(ctx, NULL, NULL), KC_EINVAL);
    kc_ruleset_free(NULL);
    assert_null(kc_ruleset_name(NULL));
    assert_null(kc_ruleset_version(NULL));
    assert_int_equal(kc_ruleset_dimension_count(NULL), 0);
    assert_null(kc_ruleset_dimension_id(NULL, 0));
    assert_null(kc_ruleset_dimension_label(NULL, 0));
    assert_int_equal(kc_ruleset_verdict_count(NULL), 0);
    assert_null(kc_ruleset_verdict_id(NULL, 0));
    assert_null(kc_ruleset_verdict_label(NULL, 0));
    assert_int_equal(kc_ruleset_rule_count(NULL), 0);
    kc_rule_info info;
    assert_int_equal(kc_ruleset_rule(NULL, 0, &info), KC_EINVAL);
    assert_int_equal(kc_ruleset_find_rule(NULL, "x", &info), KC_EINVAL);
    diag = sentinel;
    assert_int_equal(kc_ruleset_lint(NULL, NULL, 0, &diag), KC_EINVAL);
    assert_null(diag);
    assert_int_equal(kc_ruleset_load_default(ctx, &rs, NULL), KC_OK);
    assert_int_equal(kc_ruleset_rule(rs, 0, NULL), KC_EINVAL);
    assert_int_equal(kc_ruleset_lint(rs, NULL, 0, NULL), KC_EINVAL);
    diag = sentinel;
    assert_int_equal(kc_ruleset_lint(rs, NULL, 2, &diag), KC_EINVAL);
    assert_null(diag);
    const kc_value *no_scenarios[2] = {NULL, NULL};
    diag = sentinel;
    assert_int_equal(kc_ruleset_lint(rs, no_scenarios, 2, &diag), KC_EINVAL);
    assert_null(diag);
    assert_int_equal(kc_ruleset_find_rule(rs, NULL, &info), KC_EINVAL);
    assert_int_equal(kc_ruleset_find_rule(rs, "x", NULL), KC_EINVAL);

    /* results */
    kc_result *res = sentinel;
    assert_int_equal(kc_result_create(NULL, &res), KC_EINVAL);
    assert_null(res);
    assert_int_equal(kc_result_create(ctx, NULL), KC_EINVAL);
    kc_result_free(NULL);
    assert_int_equal(kc_result_create(ctx, &res), KC_OK);
    assert_int_equal(kc_doc_parse(ctx, "{\"id\":\"x\"}", 10, NULL, &doc, NULL), KC_OK);
    assert_int_equal(kc_evaluate(NULL, kc_doc_root(doc), res, &err), KC_EINVAL);
    assert_int_equal(err.status, KC_EINVAL);
    assert_int_equal(kc_evaluate(rs, NULL, res, NULL), KC_EINVAL);
    assert_int_equal(kc_evaluate(rs, kc_doc_root(doc), NULL, NULL), KC_EINVAL);
    assert_null(kc_result_verdict(NULL));
    assert_null(kc_result_verdict_label(NULL));
    assert_true(kc_result_score(NULL) == 0);
    assert_true(kc_result_dimension_score(NULL, 0) == 0);
    assert_int_equal(kc_result_fired_count(NULL), 0);
    kc_finding finding;
    assert_int_equal(kc_result_fired(NULL, 0, &finding), KC_EINVAL);
    assert_int_equal(kc_result_undecided_count(NULL), 0);
    assert_null(kc_result_undecided(NULL, 0));
    assert_int_equal(kc_result_question_count(NULL), 0);
    kc_question q;
    assert_int_equal(kc_result_question(NULL, 0, &q), KC_EINVAL);
    assert_null(kc_result_summary(NULL));
    assert_int_equal(kc_result_set_reader(NULL, KC_READER_GIVER), KC_EINVAL);
    assert_null(kc_reader_name((kc_reader)99));
    assert_int_equal(kc_reader_from_name(NULL), -1);
    assert_null(kc_result_trace(NULL, 0));
    double score = 1;
    assert_null(kc_result_intent(NULL, &score));
    assert_null(kc_result_intent(NULL, NULL));
    kc_status st = KC_OK;
    assert_int_equal(kc_result_change_count(NULL, &st), 0);
    assert_int_equal(st, KC_EINVAL);
    assert_int_equal(kc_result_change_count(NULL, NULL), 0);
    kc_change change;
    assert_int_equal(kc_result_change(NULL, 0, &change), KC_EINVAL);
    assert_null(kc_result_change_blocker(NULL));
    json = sentinel;
    size_t jlen = 99;
    assert_int_equal(kc_result_to_json(NULL, 0, &json, &jlen), KC_EINVAL);
    assert_null(json);
    assert_int_equal(jlen, 0);
    /* A result that was never evaluated has nothing to give yet. */
    assert_null(kc_result_verdict(res));
    assert_null(kc_result_summary(res));
    assert_null(kc_result_trace(res, 0));
    assert_int_equal(kc_result_fired(res, 0, &finding), KC_ENOTFOUND);
    assert_int_equal(kc_result_to_json(res, 0, &json, NULL), KC_ESTATE);
    assert_null(kc_result_json(NULL, 0, &jlen));
    assert_null(kc_result_json(res, 0, &jlen)); /* nothing evaluated yet */
    assert_int_equal(jlen, 0);
    assert_null(json);
    kc_status cst = KC_OK;
    assert_int_equal(kc_result_change_count(res, &cst), 0);
    assert_int_equal(cst, KC_ESTATE);
    assert_int_equal(kc_result_change(res, 0, &change), KC_ENOTFOUND);
    assert_null(kc_result_change_blocker(res));
    /* Evaluated: the remaining pointer arguments. */
    assert_int_equal(kc_evaluate(rs, kc_doc_root(doc), res, NULL), KC_OK);
    assert_int_equal(kc_result_fired(res, 0, NULL), KC_EINVAL);
    assert_int_equal(kc_result_question(res, 0, NULL), KC_EINVAL);
    assert_int_equal(kc_result_change(res, 0, NULL), KC_EINVAL);
    assert_int_equal(kc_result_to_json(res, 0, NULL, NULL), KC_EINVAL);
    (void)kc_result_intent(res, NULL);
    (void)kc_result_change_count(res, NULL);
    /* Past the last option: not found; the count says how many there are. */
    const size_t nch = kc_result_change_count(res, &cst);
    assert_int_equal(cst, KC_OK);
    assert_int_equal(kc_result_change(res, nch, &change), KC_ENOTFOUND);
    kc_result_free(res);
    kc_doc_free(doc);
    kc_ruleset_free(rs);
    kc_ctx_free(ctx);
}
/* NULL-ARGUMENTS END */

/* ------------------------------------------------------------------------ */
/* Allocation failure through the whole pipeline                            */
/* ------------------------------------------------------------------------ */

typedef struct inputs {
    const char *rules, *scenario[2];
    size_t rules_len, scenario_len[2];
} inputs;

/* A second example: one whose verdict changes can improve. */
static const char example_with_changes[] =
    "examples/scenarios/essay-05-mindfulness-cd-sent-away.json";

/* Checks that a failed call left its output NULL (out was a sentinel). */
#define FAILED_WITH_NULL(st, out)                                                           \
    do {                                                                                   \
        if ((st) != KC_OK) {                                                               \
            assert_null(out);                                                              \
            goto done;                                                                     \
        }                                                                                  \
    } while (0)

/* Judges one scenario into res and reads everything: each finding for every
 * reader (with the author's traces), the summary, the search for changes and
 * the JSON. Returns the first failing status. */
/* The JSON of every judgement, appended (plain malloc: not counted). */
typedef struct transcript {
    char *text;
    size_t len;
} transcript;

static void transcript_add(transcript *tr, const char *s, size_t n)
{
    char *p = realloc(tr->text, tr->len + n + 1);
    assert_non_null(p);
    memcpy(p + tr->len, s, n);
    tr->len += n;
    p[tr->len] = '\0';
    tr->text = p;
}

static kc_status judge_all(kc_ctx *ctx, const kc_ruleset *rs, const kc_value *scenario,
                           kc_result *res, transcript *tr)
{
    kc_error err;
    kc_status st = kc_evaluate(rs, scenario, res, &err);
    if (st != KC_OK)
        return st;
    for (int reader = KC_READER_DEFAULT; reader <= KC_READER_AUTHOR; reader++) {
        st = kc_result_set_reader(res, (kc_reader)reader);
        if (st != KC_OK)
            return st;
        for (size_t i = 0; i < kc_result_fired_count(res); i++) {
            kc_finding f;
            st = kc_result_fired(res, i, &f);
            if (st != KC_OK)
                return st;
            if (reader == KC_READER_AUTHOR && !kc_result_trace(res, i))
                return KC_ENOMEM;
        }
        if (!kc_result_summary(res))
            return KC_ENOMEM;
    }
    (void)kc_result_change_count(res, &st);
    if (st != KC_OK)
        return st;
    char *json = sentinel;
    st = kc_result_to_json(res, KC_JSON_PRETTY | KC_JSON_CHANGES, &json, NULL);
    if (st != KC_OK) {
        assert_null(json);
        return st;
    }
    transcript_add(tr, json, strlen(json));
    kc_free(ctx, json);
    return KC_OK;
}

/*
 * Context, rule set, two scenarios judged into one result (the second reuses
 * the first one's memory), everything read: returns the first failing
 * status. Frees everything it made, so afterwards t->live is 0.
 */
static kc_status pipeline(kc_test_alloc *t, const inputs *in, transcript *tr)
{
    const kc_allocator a = kc_test_allocator(t);
    kc_ctx *ctx = sentinel;
    kc_ruleset *rs = sentinel;
    kc_scenario *sc[2] = {sentinel, sentinel};
    kc_result *res = sentinel;
    kc_error err;
    kc_status st = kc_ctx_create(&ctx, &a);
    if (st != KC_OK) {
        assert_null(ctx);
        return st;
    }
    st = kc_ruleset_load_string(ctx, in->rules, in->rules_len, "rules.json", &rs, &err);
    if (st != KC_OK && err.status != st)
        fail_msg("kc_ruleset_load_string returned %s but its error says %s: %s (%s:%u:%u)",
                 kc_status_name(st), kc_status_name(err.status), err.message, err.source,
                 err.line, err.column);
    FAILED_WITH_NULL(st, rs);
    for (int k = 0; k < 2; k++) {
        st = kc_scenario_parse(ctx, in->scenario[k], in->scenario_len[k], "scenario.json", &sc[k],
                               &err);
        if (st != KC_OK)
            assert_int_equal(err.status, st);
        FAILED_WITH_NULL(st, sc[k]);
    }
    st = kc_result_create(ctx, &res);
    FAILED_WITH_NULL(st, res);
    for (int k = 0; k < 2 && st == KC_OK; k++)
        st = judge_all(ctx, rs, kc_scenario_root(sc[k]), res, tr);
    if (st == KC_OK) {
        const kc_value *roots[2] = {kc_scenario_root(sc[0]), kc_scenario_root(sc[1])};
        kc_diag *lint = sentinel;
        st = kc_ruleset_lint(rs, roots, 2, &lint);
        if (st != KC_OK) {
            assert_null(lint);
            goto done;
        }
        for (size_t i = 0; i < kc_diag_count(lint); i++) {
            const kc_error *e = kc_diag_get(lint, i);
            transcript_add(tr, e->message, strlen(e->message));
        }
        kc_diag_free(lint);
    }
done:
    if (res != sentinel)
        kc_result_free(res);
    for (int k = 0; k < 2; k++)
        if (sc[k] != sentinel)
            kc_scenario_free(sc[k]);
    if (rs != sentinel)
        kc_ruleset_free(rs);
    kc_ctx_free(ctx);
    return st;
}

static void full_pipeline_fails_cleanly_at_every_allocation(void **state)
{
    (void)state;
    inputs in;
    char *rules = real_rules(&in.rules_len);
    char *s0 = repo_file(example_scenario, &in.scenario_len[0]);
    char *s1 = repo_file(example_with_changes, &in.scenario_len[1]);
    assert_non_null(s0);
    assert_non_null(s1);
    in.rules = rules;
    in.scenario[0] = s0;
    in.scenario[1] = s1;

    kc_test_alloc t = {0};
    transcript want = {NULL, 0};
    const kc_status clean = pipeline(&t, &in, &want);
    if (clean != KC_OK)
        fail_msg("the pipeline fails without any allocation failure: %s", kc_status_name(clean));
    assert_int_equal(t.live, 0);
    const size_t total = t.calls;
    assert_true(total > 20);
    /* KC_HARDENING_OOM_STRIDE=k tries every k-th allocation only (for slow
     * runs, e.g. under valgrind); the default tries them all. */
    const char *env = getenv("KC_HARDENING_OOM_STRIDE");
    const size_t stride = env && atoi(env) > 0 ? (size_t)atoi(env) : 1;
    size_t runs = 0, absorbed = 0;
    for (int persistent = 0; persistent <= 1; persistent++) {
        for (size_t n = 1; n <= total; n += stride) {
            kc_test_alloc f = {0};
            f.fail_at = n;
            f.persistent = persistent;
            transcript got = {NULL, 0};
            const kc_status st = pipeline(&f, &in, &got);
            assert_true(f.failures >= 1);
            if (st == KC_OK && !persistent && got.len == want.len &&
                memcmp(got.text, want.text, want.len) == 0) {
                /* An allocation that is only an optimisation (the result's
                 * arena merging its chunks for the next run) may fail
                 * without consequence: then the outcome must be exactly
                 * that of the run without failures. */
                absorbed++;
            } else if (st != KC_ENOMEM) {
                fail_msg("allocation %zu of %zu failing %s: got %s", n, total,
                         persistent ? "from then on" : "once", kc_status_name(st));
            }
            free(got.text);
            if (f.live != 0)
                fail_msg("allocation %zu of %zu failing %s: %zu blocks leaked", n, total,
                         persistent ? "from then on" : "once", f.live);
            runs++;
        }
    }
    printf("pipeline: %zu allocations; %zu failing runs, %zu KC_ENOMEM, %zu absorbed "
           "without effect; no leaks\n",
           total, runs, runs - absorbed, absorbed);
    assert_true(absorbed <= 4);
    free(want.text);
    free(rules);
    free(s0);
    free(s1);
}

/* The cJSON bridges under allocation failure: the tree is the caller's (made
 * with cJSON's own allocator); everything kindctx makes from it is counted. */
static void cjson_bridges_fail_cleanly_at_every_allocation(void **state)
{
    (void)state;
    size_t len;
    char *text = repo_file(example_scenario, &len);
    assert_non_null(text);
    cJSON *tree = cJSON_ParseWithLength(text, len);
    assert_non_null(tree);
    cJSON *logic = cJSON_Parse("{\"and\":[{\"var\":\"a\"},{\"overlaps\":[[1,2],[2]]}]}");
    assert_non_null(logic);
    for (size_t n = 0;; n++) {
        kc_test_alloc t = {0};
        t.fail_at = n; /* 0: no failure, to count */
        const kc_allocator a = kc_test_allocator(&t);
        kc_ctx *ctx = NULL;
        kc_status st = kc_ctx_create(&ctx, &a);
        kc_scenario *sc = sentinel;
        kc_logic *lg = sentinel;
        if (st == KC_OK) {
            st = kc_scenario_from_cjson(ctx, tree, &sc, NULL);
            if (st != KC_OK)
                assert_null(sc);
            else
                kc_scenario_free(sc);
        }
        if (st == KC_OK) {
            st = kc_logic_compile_cjson(ctx, logic, &lg, NULL);
            if (st != KC_OK)
                assert_null(lg);
            else
                kc_logic_free(lg);
        }
        kc_ctx_free(ctx);
        assert_int_equal(t.live, 0);
        if (n == 0) {
            assert_int_equal(st, KC_OK);
            continue;
        }
        if (t.failures == 0) {
            assert_int_equal(st, KC_OK); /* past the last allocation */
            break;
        }
        assert_int_equal(st, KC_ENOMEM);
    }
    cJSON_Delete(logic);
    cJSON_Delete(tree);
    free(text);
}

/* ------------------------------------------------------------------------ */
/* Truncation and byte flips through the full loaders                       */
/* ------------------------------------------------------------------------ */

typedef struct mangler {
    kc_test_alloc t;
    kc_ctx *ctx;
    size_t base; /* blocks the context itself holds */
    kc_ruleset *bundled;
    kc_result *res;
    size_t accepted, rejected;
} mangler;

static void mangler_init(mangler *m)
{
    memset(m, 0, sizeof *m);
    const kc_allocator a = kc_test_allocator(&m->t);
    assert_int_equal(kc_ctx_create(&m->ctx, &a), KC_OK);
    m->base = m->t.live;
    assert_int_equal(kc_ruleset_load_default(m->ctx, &m->bundled, NULL), KC_OK);
    assert_int_equal(kc_result_create(m->ctx, &m->res), KC_OK);
}

static void mangler_free(mangler *m)
{
    kc_result_free(m->res);
    kc_ruleset_free(m->bundled);
    kc_ctx_free(m->ctx);
    assert_int_equal(m->t.live, 0);
}

/* Evaluates, renders and serialises whatever loaded. */
static void judge(mangler *m, const kc_ruleset *rs, const kc_value *scenario)
{
    assert_int_equal(kc_evaluate(rs, scenario, m->res, NULL), KC_OK);
    assert_non_null(kc_result_summary(m->res));
    char *json = NULL;
    assert_int_equal(kc_result_to_json(m->res, 0, &json, NULL), KC_OK);
    kc_free(m->ctx, json);
}

static void check_rejection(const kc_error *err, kc_status st, size_t len)
{
    assert_int_equal(err->status, st);
    assert_true(err->message[0] != '\0');
    /* A syntax-level problem has a position inside the input; a semantic one
     * a JSON path (or a position too). */
    if (st == KC_ESYNTAX || st == KC_EENCODING || st == KC_EDUPKEY || st == KC_ENUMBER) {
        assert_true(err->line >= 1);
        assert_true(err->offset <= len);
    } else {
        assert_true(err->line >= 1 || err->path[0] != '\0');
    }
}

/* Loads one mangled rule text; judges the example scenario if it loads. */
static void mangled_rules(mangler *m, const char *text, size_t len, const kc_value *scenario)
{
    char *copy = malloc(len ? len : 1); /* exact size: no terminator to lean on */
    assert_non_null(copy);
    if (len)
        memcpy(copy, text, len);
    kc_ruleset *rs = sentinel;
    kc_error err;
    const kc_status st = kc_ruleset_load_string(m->ctx, copy, len, "mangled.json", &rs, &err);
    if (st == KC_OK) {
        m->accepted++;
        judge(m, rs, scenario);
        kc_ruleset_free(rs);
    } else {
        m->rejected++;
        assert_null(rs);
        assert_int_not_equal(st, KC_ENOMEM);
        check_rejection(&err, st, len);
    }
    free(copy);
    /* Only the context, the bundled rule set and the result remain. */
    kc_result_free(m->res);
    m->res = NULL;
    assert_int_equal(kc_result_create(m->ctx, &m->res), KC_OK);
}

/* Parses and checks one mangled scenario text; judges it if it parses. */
static void mangled_scenario(mangler *m, const char *text, size_t len)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    if (len)
        memcpy(copy, text, len);
    kc_scenario *sc = sentinel;
    kc_error err;
    const kc_status st = kc_scenario_parse(m->ctx, copy, len, "mangled.json", &sc, &err);
    kc_diag *d = NULL;
    assert_int_equal(kc_scenario_check(m->ctx, copy, len, "mangled.json", &d), st);
    if (st == KC_OK) {
        m->accepted++;
        assert_int_equal(kc_diag_count(d), 0);
        judge(m, m->bundled, kc_scenario_root(sc));
        kc_scenario_free(sc);
    } else {
        m->rejected++;
        assert_null(sc);
        assert_int_not_equal(st, KC_ENOMEM);
        check_rejection(&err, st, len);
        /* The checker reports the same first problem. */
        const kc_error *first = kc_diag_get(d, 0);
        assert_non_null(first);
        assert_int_equal(first->status, st);
        assert_int_equal(first->line, err.line);
        assert_int_equal(first->column, err.column);
    }
    kc_diag_free(d);
    free(copy);
    kc_result_free(m->res);
    m->res = NULL;
    assert_int_equal(kc_result_create(m->ctx, &m->res), KC_OK);
}

/* Substitutes for each byte: the byte with every bit inverted, then bytes
 * that matter to JSON, UTF-8 and the formats. */
static const unsigned char flips[] = {0x00, 0x0b, ' ', '"', '\\', '{', '}', ']',
                                      ',',  ':',  '0', 'e', 0x7f, 0x80, 0xc3, 0xff};
#define NFLIPS (sizeof flips / sizeof flips[0] + 1)

static unsigned char flipped(unsigned char orig, size_t k)
{
    return k < sizeof flips ? flips[k] : (unsigned char)~orig;
}

/* The test rule file (a real one, small enough to mangle every byte of). */
static void rule_file_truncated_and_flipped(void **state)
{
    (void)state;
    mangler m;
    mangler_init(&m);
    size_t len, slen;
    char *text = kc_test_read_file(kc_test_data_path("rules/tiny.json"), &len);
    char *stext = repo_file(example_scenario, &slen);
    assert_non_null(stext);
    kc_scenario *sc = NULL;
    assert_int_equal(kc_scenario_parse(m.ctx, stext, slen, NULL, &sc, NULL), KC_OK);
    const size_t live = m.t.live;

    for (size_t n = 0; n <= len; n++) {
        mangled_rules(&m, text, n, kc_scenario_root(sc));
        assert_int_equal(m.t.live, live);
    }
    /* Every prefix that cuts the closing brace is rejected; only trailing
     * white space may go. */
    assert_int_equal(m.accepted, len - (size_t)(strrchr(text, '}') - text));
    char *buf = malloc(len);
    assert_non_null(buf);
    for (size_t i = 0; i < len; i++) {
        for (size_t k = 0; k < NFLIPS; k++) {
            memcpy(buf, text, len);
            buf[i] = (char)flipped((unsigned char)text[i], k);
            if (buf[i] == text[i])
                continue;
            mangled_rules(&m, buf, len, kc_scenario_root(sc));
            assert_int_equal(m.t.live, live);
        }
    }
    printf("rule file: %zu bytes; %zu mangled copies accepted, %zu rejected\n", len, m.accepted,
           m.rejected);
    assert_true(m.accepted > 1); /* some flips stay valid, e.g. inside strings */
    free(buf);
    kc_scenario_free(sc);
    free(stext);
    free(text);
    mangler_free(&m);
}

static void scenario_file_truncated_and_flipped(void **state)
{
    (void)state;
    mangler m;
    mangler_init(&m);
    size_t len;
    char *text = repo_file(example_scenario, &len);
    assert_non_null(text);
    const size_t live = m.t.live;
    for (size_t n = 0; n <= len; n++) {
        mangled_scenario(&m, text, n);
        assert_int_equal(m.t.live, live);
    }
    /* A prefix that stops before the last brace does not parse. */
    assert_int_equal(m.accepted, len - (size_t)(strrchr(text, '}') - text));
    char *buf = malloc(len);
    assert_non_null(buf);
    for (size_t i = 0; i < len; i++) {
        for (size_t k = 0; k < NFLIPS; k++) {
            memcpy(buf, text, len);
            buf[i] = (char)flipped((unsigned char)text[i], k);
            if (buf[i] == text[i])
                continue;
            mangled_scenario(&m, buf, len);
            assert_int_equal(m.t.live, live);
        }
    }
    printf("scenario file: %zu bytes; %zu mangled copies accepted, %zu rejected\n", len,
           m.accepted, m.rejected);
    assert_true(m.accepted > 1);
    free(buf);
    free(text);
    mangler_free(&m);
}

/* ------------------------------------------------------------------------ */
/* Limits                                                                   */
/* ------------------------------------------------------------------------ */

/* The defaults docs/security.md documents; a change there must change this. */
static void limits_have_documented_defaults(void **state)
{
    (void)state;
    kc_ctx *ctx = NULL;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    assert_int_equal(kc_ctx_limit(ctx, KC_LIMIT_INPUT_BYTES), (size_t)1 << 20);
    assert_int_equal(kc_ctx_limit(ctx, KC_LIMIT_DEPTH), 64);
    assert_int_equal(kc_ctx_limit(ctx, KC_LIMIT_NODES), 200000);
    assert_int_equal(kc_ctx_limit(ctx, KC_LIMIT_EVAL_BYTES), (size_t)64 << 20);
    assert_int_equal(kc_ctx_limit(ctx, KC_LIMIT_ERRORS), 50);
    assert_int_equal(kc_ctx_limit(ctx, KC_LIMIT_COUNT_), 0);
    assert_int_equal(kc_ctx_set_limit(ctx, KC_LIMIT_COUNT_, 1), KC_EINVAL);
    assert_int_equal(kc_ctx_set_limit(ctx, KC_LIMIT_DEPTH, 0), KC_EINVAL);
    kc_ctx_free(ctx);
}

/* Each limit is per handle: lowering it on one context changes nothing on
 * another, and input over it is KC_ELIMIT with a position. */
static void limits_apply_per_handle(void **state)
{
    (void)state;
    kc_ctx *strict = NULL, *loose = NULL;
    assert_int_equal(kc_ctx_create(&strict, NULL), KC_OK);
    assert_int_equal(kc_ctx_create(&loose, NULL), KC_OK);
    size_t len;
    char *text = repo_file(example_scenario, &len);
    assert_non_null(text);
    const struct {
        kc_limit limit;
        size_t value;
        const char *name;
    } cases[] = {
        {KC_LIMIT_INPUT_BYTES, 100, "KC_LIMIT_INPUT_BYTES"},
        {KC_LIMIT_DEPTH, 1, "KC_LIMIT_DEPTH"},
        {KC_LIMIT_NODES, 10, "KC_LIMIT_NODES"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kc_ctx *ctx = NULL;
        assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
        assert_int_equal(kc_ctx_set_limit(ctx, cases[i].limit, cases[i].value), KC_OK);
        assert_int_equal(kc_ctx_limit(ctx, cases[i].limit), cases[i].value);
        kc_scenario *sc = sentinel;
        kc_error err;
        assert_int_equal(kc_scenario_parse(ctx, text, len, NULL, &sc, &err), KC_ELIMIT);
        assert_null(sc);
        assert_true(err.line >= 1);
        if (!strstr(err.message, cases[i].name))
            fail_msg("message does not name %s: %s", cases[i].name, err.message);
        kc_ruleset *rs = sentinel;
        assert_int_equal(kc_ruleset_load_string(ctx, text, len, NULL, &rs, &err), KC_ELIMIT);
        assert_null(rs);
        kc_ctx_free(ctx);
        /* Other contexts keep their defaults. */
        assert_int_equal(kc_scenario_parse(loose, text, len, NULL, &sc, NULL), KC_OK);
        kc_scenario_free(sc);
    }
    /* KC_LIMIT_ERRORS caps the problems reported per file. */
    assert_int_equal(kc_ctx_set_limit(strict, KC_LIMIT_ERRORS, 2), KC_OK);
    static const char bad[] = "{\"id\":\"x\",\"title\":1,\"summary\":2,\"act\":3,\"request\":4}";
    kc_diag *d = NULL;
    assert_int_equal(kc_scenario_check(strict, bad, sizeof bad - 1, NULL, &d), KC_ESCHEMA);
    assert_int_equal(kc_diag_count(d), 2);
    kc_diag_free(d);
    assert_int_equal(kc_scenario_check(loose, bad, sizeof bad - 1, NULL, &d), KC_ESCHEMA);
    assert_int_equal(kc_diag_count(d), 4);
    kc_diag_free(d);
    /* KC_LIMIT_EVAL_BYTES bounds the memory of one evaluation. */
    assert_int_equal(kc_ctx_set_limit(strict, KC_LIMIT_EVAL_BYTES, 4096), KC_OK);
    kc_logic *lg = NULL;
    static const char big[] = "{\"map\":[{\"merge\":[{\"var\":\"\"},{\"var\":\"\"},{\"var\":\"\"},"
                              "{\"var\":\"\"}]},{\"cat\":[{\"var\":\"\"},\"abcdefghij\"]}]}";
    assert_int_equal(kc_logic_compile(strict, big, sizeof big - 1, &lg, NULL), KC_OK);
    kc_eval *ev = NULL;
    assert_int_equal(kc_eval_create(strict, &ev), KC_OK);
    kc_doc *data = NULL;
    char arr[8192];
    size_t at = 0;
    arr[at++] = '[';
    for (int i = 0; i < 1000; i++)
        at += (size_t)snprintf(arr + at, sizeof arr - at, "%s%d", i ? "," : "", i);
    arr[at++] = ']';
    assert_int_equal(kc_doc_parse(strict, arr, at, NULL, &data, NULL), KC_OK);
    const kc_value *result = sentinel;
    kc_error err;
    assert_int_equal(kc_logic_run(ev, lg, kc_doc_root(data), &result, &err), KC_ELIMIT);
    assert_null(result);
    kc_doc_free(data);
    kc_eval_free(ev);
    kc_logic_free(lg);
    free(text);
    kc_ctx_free(loose);
    kc_ctx_free(strict);
}

/* ------------------------------------------------------------------------ */
/* Deep input on a small stack                                              */
/* ------------------------------------------------------------------------ */

typedef struct deep_job {
    const char *text;
    size_t len;
    kc_status doc, scenario, check, rules, logic;
    kc_status logic_ok; /* a 60-deep expression at the default limit */
} deep_job;

static void *deep_work(void *arg)
{
    deep_job *j = arg;
    kc_ctx *ctx = NULL;
    if (kc_ctx_create(&ctx, NULL) != KC_OK)
        return NULL;
    kc_doc *doc = NULL;
    j->doc = kc_doc_parse(ctx, j->text, j->len, NULL, &doc, NULL);
    kc_doc_free(doc);
    kc_scenario *sc = NULL;
    j->scenario = kc_scenario_parse(ctx, j->text, j->len, NULL, &sc, NULL);
    kc_scenario_free(sc);
    kc_diag *d = NULL;
    j->check = kc_scenario_check(ctx, j->text, j->len, NULL, &d);
    kc_diag_free(d);
    kc_ruleset *rs = NULL;
    j->rules = kc_ruleset_load_string(ctx, j->text, j->len, NULL, &rs, NULL);
    kc_ruleset_free(rs);
    kc_logic *lg = NULL;
    j->logic = kc_logic_compile(ctx, j->text, j->len, &lg, NULL);
    kc_logic_free(lg);
    /* {"!":{"!":...true...}} nested 60 deep compiles and runs. */
    char expr[2048];
    size_t at = 0;
    for (int i = 0; i < 30; i++)
        at += (size_t)snprintf(expr + at, sizeof expr - at, "{\"!\":");
    at += (size_t)snprintf(expr + at, sizeof expr - at, "true");
    for (int i = 0; i < 30; i++)
        expr[at++] = '}';
    j->logic_ok = kc_logic_compile(ctx, expr, at, &lg, NULL);
    if (j->logic_ok == KC_OK) {
        kc_eval *ev = NULL;
        const kc_value *v = NULL;
        j->logic_ok = kc_eval_create(ctx, &ev);
        if (j->logic_ok == KC_OK)
            j->logic_ok = kc_logic_run(ev, lg, NULL, &v, NULL);
        if (j->logic_ok == KC_OK && !kc_value_bool(v))
            j->logic_ok = KC_ESTATE;
        kc_eval_free(ev);
        kc_logic_free(lg);
    }
    kc_ctx_free(ctx);
    return NULL;
}

/* 100,000 nested arrays through every loader, on a thread with a 64 KiB
 * stack (a sanitizer build needs more for its own bookkeeping). */
static void deep_input_is_safe_on_a_small_stack(void **state)
{
    (void)state;
    const size_t depth = 100000;
    char *text = malloc(2 * depth);
    assert_non_null(text);
    memset(text, '[', depth);
    memset(text + depth, ']', depth);
    deep_job j = {text, 2 * depth, KC_OK, KC_OK, KC_OK, KC_OK, KC_OK, KC_EINVAL};
    pthread_attr_t attr;
    assert_int_equal(pthread_attr_init(&attr), 0);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    const size_t stack = 1024 * 1024;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
    const size_t stack = 1024 * 1024;
#else
    const size_t stack = 64 * 1024;
#endif
#else
    const size_t stack = 64 * 1024;
#endif
    assert_int_equal(pthread_attr_setstacksize(&attr, stack), 0);
    pthread_t tid;
    assert_int_equal(pthread_create(&tid, &attr, deep_work, &j), 0);
    assert_int_equal(pthread_join(tid, NULL), 0);
    pthread_attr_destroy(&attr);
    assert_int_equal(j.doc, KC_ELIMIT);
    assert_int_equal(j.scenario, KC_ELIMIT);
    assert_int_equal(j.check, KC_ELIMIT);
    assert_int_equal(j.rules, KC_ELIMIT);
    assert_int_equal(j.logic, KC_ELIMIT);
    assert_int_equal(j.logic_ok, KC_OK);
    free(text);
}

/* ------------------------------------------------------------------------ */
/* Every status code, produced                                              */
/* ------------------------------------------------------------------------ */

static kc_status doc_status(kc_ctx *ctx, const char *text)
{
    kc_doc *doc = NULL;
    const kc_status st = kc_doc_parse(ctx, text, strlen(text), NULL, &doc, NULL);
    kc_doc_free(doc);
    return st;
}

static kc_status logic_status(kc_ctx *ctx, const char *text)
{
    kc_logic *lg = NULL;
    kc_status st = kc_logic_compile(ctx, text, strlen(text), &lg, NULL);
    if (st == KC_OK) {
        kc_eval *ev = NULL;
        st = kc_eval_create(ctx, &ev);
        const kc_value *v = NULL;
        if (st == KC_OK)
            st = kc_logic_run(ev, lg, NULL, &v, NULL);
        kc_eval_free(ev);
    }
    kc_logic_free(lg);
    return st;
}

static kc_status dummy_op(kc_call *call, void *ud, size_t argc, const kc_value *const *argv)
{
    (void)ud;
    (void)argc;
    (void)argv;
    return kc_call_return_null(call);
}

/* One real call per status code of KC_STATUS_MAP; the table must grow when
 * the map does (checked against the map itself). */
static void every_status_code_is_produced(void **state)
{
    (void)state;
    kc_ctx *ctx = NULL;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    kc_ruleset *rs = NULL;
    assert_int_equal(kc_ruleset_load_default(ctx, &rs, NULL), KC_OK);
    kc_result *res = NULL;
    assert_int_equal(kc_result_create(ctx, &res), KC_OK);
    kc_builder *b = NULL;
    kc_ruleset *built = NULL;
    kc_rule_info info;
    kc_scenario *sc = NULL;

    int seen[64] = {0};
#define SAW(expected, call)                                                                 \
    do {                                                                                   \
        const kc_status got_ = (call);                                                     \
        if (got_ != (expected))                                                            \
            fail_msg("%s: expected %s, got %s", #call, kc_status_name(expected),           \
                     kc_status_name(got_));                                                \
        seen[expected] = 1;                                                                \
    } while (0)

    SAW(KC_OK, doc_status(ctx, "{\"a\":[1,true,null]}"));
    SAW(KC_EINVAL, kc_ctx_set_limit(ctx, KC_LIMIT_DEPTH, 0));
    {
        kc_test_alloc t = {0};
        t.fail_at = 1;
        const kc_allocator a = kc_test_allocator(&t);
        kc_ctx *none = NULL;
        SAW(KC_ENOMEM, kc_ctx_create(&none, &a));
    }
    SAW(KC_EIO, kc_scenario_load_file(ctx, "/nonexistent/kindctx/x.json", &sc, NULL));
    SAW(KC_ESYNTAX, doc_status(ctx, "{\"a\" 1}"));
    SAW(KC_EENCODING, doc_status(ctx, "[\"\\u0000\"]"));
    SAW(KC_EDUPKEY, doc_status(ctx, "{\"a\":1,\"\\u0061\":2}"));
    SAW(KC_ENUMBER, doc_status(ctx, "[1e400]"));
    SAW(KC_ELIMIT, doc_status(ctx, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                                   "[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
                                   "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"));
    SAW(KC_EOPERATOR, logic_status(ctx, "{\"no_such_op\":[1]}"));
    SAW(KC_EARGS, logic_status(ctx, "{\"%\":[1]}"));
    SAW(KC_ETHROWN, logic_status(ctx, "{\"throw\":\"boom\"}"));
    SAW(KC_ESCHEMA, kc_scenario_parse(ctx, "{\"id\":1}", 8, NULL, &sc, NULL));
    SAW(KC_ECONFLICT, kc_ctx_register_op(ctx, "overlaps", 2, 2, dummy_op, NULL));
    SAW(KC_ENOTFOUND, kc_ruleset_rule(rs, kc_ruleset_rule_count(rs), &info));
    assert_int_equal(kc_builder_create(ctx, &b), KC_OK);
    assert_int_equal(kc_builder_add_default(b), KC_OK);
    assert_int_equal(kc_builder_build(b, &built), KC_OK);
    SAW(KC_ESTATE, kc_builder_add_default(b));
    kc_builder_free(b);
    kc_ruleset_free(built);

    size_t nstatus = 0;
#define COUNT_STATUS_(name, value, text) nstatus++;
    KC_STATUS_MAP(COUNT_STATUS_)
#undef COUNT_STATUS_
    assert_true(nstatus <= 64);
    for (size_t i = 0; i < nstatus; i++)
        if (!seen[i])
            fail_msg("no call in this test produces %s: add one", kc_status_name((kc_status)i));
#undef SAW
    kc_result_free(res);
    kc_ruleset_free(rs);
    kc_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_public_function_tolerates_null),
        cmocka_unit_test(full_pipeline_fails_cleanly_at_every_allocation),
        cmocka_unit_test(cjson_bridges_fail_cleanly_at_every_allocation),
        cmocka_unit_test(rule_file_truncated_and_flipped),
        cmocka_unit_test(scenario_file_truncated_and_flipped),
        cmocka_unit_test(limits_have_documented_defaults),
        cmocka_unit_test(limits_apply_per_handle),
        cmocka_unit_test(deep_input_is_safe_on_a_small_stack),
        cmocka_unit_test(every_status_code_is_produced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
