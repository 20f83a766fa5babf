/* test_evaluate.c - judging scenarios: vetoes, bands and ties, explanations,
 * three-valued evaluation and open questions, the JSON result. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* Rules keyed on plain facts so each test can switch them on and off. */
static const char rules_text[] =
    "{\"kindctx\": \"ruleset/1\", \"name\": \"t\", \"version\": \"1\",\n"
    " \"dimensions\": [{\"id\": \"need\", \"label\": \"fit with the need\"},\n"
    "                {\"id\": \"safety\", \"label\": \"safety\"},\n"
    "                {\"id\": \"intent\", \"label\": \"intent\", \"scored\": false}],\n"
    " \"verdicts\": [{\"id\": \"kind\", \"label\": \"likely to land as kind\"},\n"
    "              {\"id\": \"mixed\", \"label\": \"could land either way\"},\n"
    "              {\"id\": \"dismissive\", \"label\": \"likely to feel dismissive\"},\n"
    "              {\"id\": \"harmful\", \"label\": \"likely to do harm\"}],\n"
    " \"policy\": {\"bands\": [{\"verdict\": \"kind\", \"min\": 3}, {\"verdict\": \"mixed\", \"min\": 0},\n"
    "                      {\"verdict\": \"dismissive\", \"min\": -4}, {\"verdict\": \"harmful\"}]},\n"
    " \"rules\": [\n"
    "  {\"id\": \"fits\", \"dimension\": \"need\", \"weight\": 3,\n"
    "   \"when\": {\"overlaps\": [{\"var\": \"act.meets\"}, {\"var\": \"request.needs\"}]},\n"
    "   \"because\": \"They asked for {{request.needs}}.\", \"source\": \"s\"},\n"
    "  {\"id\": \"misses\", \"dimension\": \"need\", \"weight\": -3,\n"
    "   \"when\": {\"and\": [{\"==\": [{\"var\": \"request.asked\"}, true]},\n"
    "                      {\"!\": {\"overlaps\": [{\"var\": \"act.meets\"}, {\"var\": \"request.needs\"}]}}]},\n"
    "   \"because\": \"It misses {{request.needs}}.\", \"advice\": \"Give {{request.needs}}.\",\n"
    "   \"source\": \"s\"},\n"
    "  {\"id\": \"allergen\", \"dimension\": \"safety\", \"weight\": -1, \"veto\": \"harmful\",\n"
    "   \"when\": {\"overlaps\": [{\"var\": \"act.features\"}, {\"var\": \"receiver.allergies\"}]},\n"
    "   \"because\": \"Allergic to {{receiver.allergies}}.\", \"source\": \"s\"},\n"
    "  {\"id\": \"bonus\", \"dimension\": \"safety\", \"weight\": {\"w\": 0},\n"
    "   \"when\": false, \"because\": \"b\", \"source\": \"s\"}\n"
    " ]}";

/* The last rule above is deliberately broken (a non-number weight) to be
 * replaced per test; these helpers build a rule set with an extra rule. */
static kc_ruleset *load_with(kc_ctx *ctx, const char *extra_rule)
{
    char text[8192];
    const char *cut = strstr(rules_text, "  {\"id\": \"bonus\"");
    assert_non_null(cut);
    int n = snprintf(text, sizeof text, "%.*s%s\n ]}", (int)(cut - rules_text), rules_text,
                     extra_rule ? extra_rule
                                : "  {\"id\": \"kindly-meant\", \"dimension\": \"intent\", "
                                  "\"weight\": 2, \"when\": {\"==\": [{\"var\": "
                                  "\"intent.benevolent\"}, true]}, \"because\": \"Meant well.\", "
                                  "\"source\": \"s\"}");
    assert_true(n > 0 && (size_t)n < sizeof text);
    kc_ruleset *rs = NULL;
    kc_error err;
    if (kc_ruleset_load_string(ctx, text, (size_t)n, "t.json", &rs, &err) != KC_OK) {
        char msg[1024];
        kc_error_format(&err, msg, sizeof msg);
        fail_msg("%s", msg);
    }
    return rs;
}

typedef struct fixture {
    kc_ctx *ctx;
    kc_ruleset *rs;
    kc_result *res;
    kc_doc *scn;
} fixture;

static void judge(fixture *f, const char *scenario)
{
    kc_doc_free(f->scn);
    f->scn = NULL;
    kc_error err;
    assert_int_equal(kc_doc_parse(f->ctx, scenario, strlen(scenario), "s", &f->scn, &err), KC_OK);
    assert_int_equal(kc_evaluate(f->rs, kc_doc_root(f->scn), f->res, &err), KC_OK);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_int_equal(kc_ctx_create(&f->ctx, NULL), KC_OK);
    f->rs = load_with(f->ctx, NULL);
    assert_int_equal(kc_result_create(f->ctx, &f->res), KC_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    kc_result_free(f->res);
    kc_doc_free(f->scn);
    kc_ruleset_free(f->rs);
    kc_ctx_free(f->ctx);
    free(f);
    return 0;
}

static void fitting_act_lands_kind_and_says_why(void **state)
{
    fixture *f = *state;
    judge(f, "{\"act\": {\"meets\": [\"food\"], \"features\": []},"
             " \"request\": {\"asked\": true, \"needs\": [\"food\", \"company\"]},"
             " \"receiver\": {\"allergies\": []}, \"intent\": {\"benevolent\": true}}");
    assert_string_equal(kc_result_verdict(f->res), "kind");
    assert_string_equal(kc_result_verdict_label(f->res), "likely to land as kind");
    assert_true(kc_result_score(f->res) == 3);
    assert_true(kc_result_dimension_score(f->res, 0) == 3);
    /* Unscored readings are reported but never added to the total. */
    assert_true(kc_result_dimension_score(f->res, 2) == 2);
    assert_int_equal(kc_result_fired_count(f->res), 2);
    kc_finding fd;
    assert_int_equal(kc_result_fired(f->res, 0, &fd), KC_OK);
    assert_string_equal(fd.rule, "fits");
    assert_string_equal(fd.because, "They asked for food and company.");
    assert_null(fd.advice);
    assert_null(fd.veto);
    assert_int_equal(kc_result_fired(f->res, 2, &fd), KC_ENOTFOUND);
    const char *summary = kc_result_summary(f->res);
    assert_non_null(summary);
    assert_non_null(strstr(summary, "Likely to land as kind."));
    assert_non_null(strstr(summary, "They asked for food and company."));
    assert_non_null(strstr(summary, "Meant well."));
    assert_int_equal(kc_result_question_count(f->res), 0);
    assert_int_equal(kc_result_undecided_count(f->res), 0);
}

/* A veto caps the verdict: a positive total cannot average the harm away. */
static void veto_outweighs_any_score(void **state)
{
    fixture *f = *state;
    judge(f, "{\"act\": {\"meets\": [\"beauty\"], \"features\": [\"pollen\"]},"
             " \"request\": {\"asked\": false, \"needs\": [\"beauty\"]},"
             " \"receiver\": {\"allergies\": [\"pollen\"]}}");
    assert_true(kc_result_score(f->res) == 2); /* 3 - 1 */
    assert_string_equal(kc_result_verdict(f->res), "harmful");
    kc_finding fd;
    assert_int_equal(kc_result_fired(f->res, 0, &fd), KC_OK);
    assert_string_equal(fd.rule, "fits"); /* |3| before |-1| */
    assert_int_equal(kc_result_fired(f->res, 1, &fd), KC_OK);
    assert_string_equal(fd.veto, "harmful");
    assert_string_equal(fd.because, "Allergic to pollen.");
    const char *summary = kc_result_summary(f->res);
    assert_non_null(strstr(summary, "Deciding factor (safety): Allergic to pollen."));
}

/* Bands: a total exactly at a band's min belongs to that (better) band. */
static void band_boundaries_belong_to_the_better_band(void **state)
{
    fixture *f = *state;
    static const struct {
        double weight;
        const char *verdict;
    } cases[] = {{3, "kind"},  {2.5, "mixed"},      {0, "mixed"},       {-0.5, "dismissive"},
                 {-4, "dismissive"}, {-4.01, "harmful"}, {100, "kind"}, {-100, "harmful"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char rule[512];
        snprintf(rule, sizeof rule,
                 "  {\"id\": \"w\", \"dimension\": \"need\", \"weight\": %g, \"when\": true, "
                 "\"because\": \"b\", \"source\": \"s\"}",
                 cases[i].weight);
        kc_ruleset_free(f->rs);
        f->rs = load_with(f->ctx, rule);
        judge(f, "{\"request\": {\"asked\": false}, \"act\": {\"features\": []},"
                 " \"receiver\": {\"allergies\": []}, \"x\": 1}");
        /* "fits" is undecided (no act.meets), "misses" false, allergen false. */
        if (strcmp(kc_result_verdict(f->res), cases[i].verdict) != 0)
            fail_msg("total %g: expected %s, got %s", cases[i].weight, cases[i].verdict,
                     kc_result_verdict(f->res));
    }
}

/* Absent facts make rules undecided and come back as ranked questions. */
static void missing_facts_become_open_questions(void **state)
{
    fixture *f = *state;
    judge(f, "{\"act\": {\"meets\": [\"food\"]}, \"request\": {\"asked\": true}}");
    /* fits and misses need request.needs; allergen needs two facts; the
     * intent reading needs intent.benevolent. */
    assert_int_equal(kc_result_fired_count(f->res), 0);
    assert_int_equal(kc_result_undecided_count(f->res), 4);
    assert_string_equal(kc_result_verdict(f->res), "mixed");
    assert_int_equal(kc_result_question_count(f->res), 4);
    kc_question q;
    /* The allergy facts could make it harmful: they come first. */
    assert_int_equal(kc_result_question(f->res, 0, &q), KC_OK);
    assert_string_equal(q.fact, "act.features");
    assert_string_equal(q.could_be, "harmful");
    assert_int_equal(kc_result_question(f->res, 1, &q), KC_OK);
    assert_string_equal(q.fact, "receiver.allergies");
    assert_int_equal(kc_result_question(f->res, 2, &q), KC_OK);
    assert_string_equal(q.fact, "request.needs");
    assert_int_equal(q.rules, 2);
    assert_true(q.weight == 6);
    /* It could go either way (kind via "fits", dismissive via "misses"):
     * the worse of equally distant outcomes is the one reported. */
    assert_string_equal(q.could_be, "dismissive");
    /* An unscored reading cannot change the verdict: asked last. */
    assert_int_equal(kc_result_question(f->res, 3, &q), KC_OK);
    assert_string_equal(q.fact, "intent.benevolent");
    assert_null(q.could_be);
    assert_int_equal(kc_result_question(f->res, 4, &q), KC_ENOTFOUND);
    const char *summary = kc_result_summary(f->res);
    assert_non_null(strstr(summary, "It could turn harmful depending on act.features or "
                                    "receiver.allergies."));
    assert_non_null(strstr(summary, "It could also turn dismissive depending on request.needs."));

    /* A decisive false settles a rule even with a fact missing (Kleene). */
    judge(f, "{\"act\": {\"meets\": [\"food\"], \"features\": []}, \"request\": {\"asked\": false},"
             " \"receiver\": {}}");
    /* fits and the intent reading; allergen is decided: nothing overlaps a
     * known-empty features list, whatever the allergies are. */
    assert_int_equal(kc_result_undecided_count(f->res), 2);
    assert_string_equal(kc_result_undecided(f->res, 0), "fits");
    assert_null(kc_result_undecided(f->res, 5));
}

/* A condition that raises counts as not fired and is reported. */
static void raising_conditions_are_reported_as_problems(void **state)
{
    fixture *f = *state;
    kc_ruleset_free(f->rs);
    f->rs = load_with(f->ctx, "  {\"id\": \"bad\", \"dimension\": \"need\", \"weight\": 9, "
                              "\"when\": {\">\": [{\"var\": \"x\"}, \"abc\"]}, "
                              "\"because\": \"b\", \"source\": \"s\"}");
    judge(f, "{\"x\": 1, \"act\": {\"meets\": [], \"features\": []}, \"request\": {\"asked\": false, "
             "\"needs\": []}, \"receiver\": {\"allergies\": []}}");
    assert_int_equal(kc_result_fired_count(f->res), 0);
    char *json = NULL;
    assert_int_equal(kc_result_to_json(f->res, 0, &json, NULL), KC_OK);
    assert_non_null(strstr(json, "\"problems\":[{\"rule\":\"bad\",\"error\":\"NaN\"}]"));
    kc_free(f->ctx, json);
}

/* Leaf tests (a fact against a constant or another fact) are read in place
 * by the evaluator; whatever it cannot settle that way (absent facts,
 * coercion, raising comparisons, substrings) must come out exactly as the
 * general path says. One rule per case; each scenario fires a known set. */
static const char leaf_rules[] =
    "{\"kindctx\": \"ruleset/1\", \"name\": \"leaves\", \"version\": \"1\",\n"
    " \"dimensions\": [{\"id\": \"d\", \"label\": \"d\"}],\n"
    " \"verdicts\": [{\"id\": \"kind\", \"label\": \"k\"}, {\"id\": \"harmful\", \"label\": \"h\"}],\n"
    " \"policy\": {\"bands\": [{\"verdict\": \"kind\", \"min\": 0}, {\"verdict\": \"harmful\"}]},\n"
    " \"rules\": [\n"
    "  {\"id\": \"str-eq\", \"dimension\": \"d\", \"weight\": 1, \"source\": \"s\", \"because\": \"b\",\n"
    "   \"when\": {\"===\": [{\"var\": \"a.s\"}, \"x\"]}},\n"
    "  {\"id\": \"num-gt\", \"dimension\": \"d\", \"weight\": 1, \"source\": \"s\", \"because\": \"b\",\n"
    "   \"when\": {\">\": [{\"var\": \"a.n\"}, 2]}},\n"
    "  {\"id\": \"loose-eq\", \"dimension\": \"d\", \"weight\": 1, \"source\": \"s\", \"because\": \"b\",\n"
    "   \"when\": {\"==\": [{\"var\": \"a.n\"}, \"3\"]}},\n"
    "  {\"id\": \"fact-eq-fact\", \"dimension\": \"d\", \"weight\": 1, \"source\": \"s\", \"because\": \"b\",\n"
    "   \"when\": {\"===\": [{\"var\": \"a.s\"}, {\"var\": \"b.s\"}]}},\n"
    "  {\"id\": \"in-list\", \"dimension\": \"d\", \"weight\": 1, \"source\": \"s\", \"because\": \"b\",\n"
    "   \"when\": {\"in\": [{\"var\": \"a.s\"}, [\"w\", \"x\"]]}},\n"
    "  {\"id\": \"contains\", \"dimension\": \"d\", \"weight\": 1, \"source\": \"s\", \"because\": \"b\",\n"
    "   \"when\": {\"in\": [\"t\", {\"var\": \"a.tags\"}]}},\n"
    "  {\"id\": \"null-eq\", \"dimension\": \"d\", \"weight\": 1, \"source\": \"s\", \"because\": \"b\",\n"
    "   \"when\": {\"==\": [{\"var\": \"a.z\"}, null]}},\n"
    "  {\"id\": \"lt-raises\", \"dimension\": \"d\", \"weight\": 1, \"source\": \"s\", \"because\": \"b\",\n"
    "   \"when\": {\"<\": [{\"var\": \"a.s\"}, 2]}}\n"
    " ]}";

static void leaf_tests_match_the_general_path(void **state)
{
    kc_test_ctx *t = *state;
    kc_ruleset *rs = NULL;
    kc_result *res = NULL;
    kc_error err;
    assert_int_equal(kc_ruleset_load_string(t->ctx, leaf_rules, sizeof leaf_rules - 1, "l.json",
                                             &rs, &err),
                     KC_OK);
    assert_int_equal(kc_result_create(t->ctx, &res), KC_OK);
    static const struct {
        const char *scenario;
        const char *fired;     /* rule ids, in rule order, space-separated */
        const char *undecided; /* likewise */
        const char *problem;   /* JSON fragment expected in the result, or NULL */
    } cases[] = {
        /* Everything present and of the expected types. */
        {"{\"a\": {\"s\": \"x\", \"n\": 3, \"tags\": [\"u\", \"t\"], \"z\": null}, \"b\": {\"s\": \"x\"}}",
         "str-eq num-gt loose-eq fact-eq-fact in-list contains null-eq", "",
         "{\"rule\":\"lt-raises\",\"error\":\"NaN\"}"},
        /* Coercion: ">" on a numeric string; "==" of 0 and null holds (as in
         * the compatibility suites). */
        {"{\"a\": {\"s\": \"y\", \"n\": \"5\", \"tags\": [], \"z\": 0}, \"b\": {\"s\": \"x\"}}",
         "num-gt null-eq", "", "{\"rule\":\"lt-raises\",\"error\":\"NaN\"}"},
        /* Absent facts: undecided, never false; present ones still decide. */
        {"{\"a\": {\"n\": 1}}", "", "str-eq fact-eq-fact in-list contains null-eq lt-raises", NULL},
        /* A string fact searched with "in": a substring test, not a list;
         * "==" of false and null compares them as numbers (docs/rules.md). */
        {"{\"a\": {\"s\": \"1\", \"n\": 3.5, \"tags\": \"stat\", \"z\": false}, \"b\": {}}",
         "num-gt contains null-eq lt-raises", "fact-eq-fact", NULL},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        kc_doc *doc = NULL;
        assert_int_equal(kc_doc_parse(t->ctx, cases[c].scenario, strlen(cases[c].scenario), "s",
                                      &doc, &err),
                         KC_OK);
        /* Twice: the second run reads every fact from the run's memory afresh. */
        for (int pass = 0; pass < 2; pass++) {
            assert_int_equal(kc_evaluate(rs, kc_doc_root(doc), res, &err), KC_OK);
            char got[256] = "";
            for (size_t i = 0; i < kc_result_fired_count(res); i++) {
                kc_finding fd;
                assert_int_equal(kc_result_fired(res, i, &fd), KC_OK);
                /* fired[] is by contribution; equal weights keep rule order. */
                strcat(got, i ? " " : "");
                strcat(got, fd.rule);
            }
            assert_string_equal(got, cases[c].fired);
            got[0] = '\0';
            for (size_t i = 0; i < kc_result_undecided_count(res); i++) {
                strcat(got, i ? " " : "");
                strcat(got, kc_result_undecided(res, i));
            }
            assert_string_equal(got, cases[c].undecided);
            size_t len = 0;
            const char *json = kc_result_json(res, 0, &len);
            assert_non_null(json);
            if (cases[c].problem)
                assert_non_null(strstr(json, cases[c].problem));
            else
                assert_non_null(strstr(json, "\"problems\":[]"));
        }
        kc_doc_free(doc);
    }
    kc_result_free(res);
    kc_ruleset_free(rs);
}

/* The rule index skips rules whose guard fails: equality and membership
 * guards, the best of an "and", the union over an "or". Each rule below has
 * a twin wrapped in "!!", which the index does not look into; twins must
 * always agree (fired, undecided or neither), and no rule may be judged
 * twice when several of its constants are in the array. */
#define TWIN(id, cond)                                                                        \
    "  {\"id\": \"" id "\", \"dimension\": \"d\", \"weight\": 1, \"source\": \"s\", "         \
    "\"because\": \"b\", \"when\": " cond "},\n"                                              \
    "  {\"id\": \"" id "-plain\", \"dimension\": \"d\", \"weight\": 1, \"source\": \"s\", "   \
    "\"because\": \"b\", \"when\": {\"!!\": [" cond "]}}"
static const char index_rules[] =
    "{\"kindctx\": \"ruleset/1\", \"name\": \"index\", \"version\": \"1\",\n"
    " \"dimensions\": [{\"id\": \"d\", \"label\": \"d\"}],\n"
    " \"verdicts\": [{\"id\": \"kind\", \"label\": \"k\"}, {\"id\": \"harmful\", \"label\": \"h\"}],\n"
    " \"policy\": {\"bands\": [{\"verdict\": \"kind\", \"min\": 0}, {\"verdict\": \"harmful\"}]},\n"
    " \"rules\": [\n" TWIN("or-eq", "{\"or\": [{\"in\": [{\"var\": \"r.t\"}, [\"a\", \"b\"]]}, "
                                   "{\"and\": [{\"===\": [{\"var\": \"r.t\"}, \"c\"]}, "
                                   "{\"===\": [{\"var\": \"x\"}, true]}]}]}") ",\n"
    TWIN("contains", "{\"and\": [{\"in\": [\"n\", {\"var\": \"tags\"}]}, "
                     "{\"in\": [\"n\", {\"var\": \"al\"}]}]}") ",\n"
    TWIN("or-contains", "{\"or\": [{\"and\": [{\"in\": [\"n\", {\"var\": \"tags\"}]}, "
                        "{\"in\": [\"n\", {\"var\": \"al\"}]}]}, "
                        "{\"and\": [{\"in\": [\"d\", {\"var\": \"tags\"}]}, "
                        "{\"in\": [\"d\", {\"var\": \"al\"}]}]}]}") ",\n"
    TWIN("bool-then-eq", "{\"and\": [{\"===\": [{\"var\": \"x\"}, true]}, "
                         "{\"===\": [{\"var\": \"r.t\"}, \"a\"]}]}") ",\n"
    TWIN("mixed-or", "{\"or\": [{\"===\": [{\"var\": \"r.t\"}, \"a\"]}, "
                     "{\"in\": [\"n\", {\"var\": \"tags\"}]}]}") ",\n"
    /* The guard as the whole condition, as the middle part of an "and"
     * (visited rules skip testing it), and inside a nested "and". */
    TWIN("whole", "{\"in\": [{\"var\": \"r.t\"}, [\"a\", \"c\"]]}") ",\n"
    TWIN("middle", "{\"and\": [{\">\": [{\"var\": \"n\"}, 1]}, "
                   "{\"in\": [\"d\", {\"var\": \"tags\"}]}, {\"===\": [{\"var\": \"x\"}, true]}]}") ",\n"
    TWIN("nested", "{\"and\": [{\"!==\": [{\"var\": \"x\"}, false]}, "
                   "{\"and\": [{\"===\": [{\"var\": \"r.t\"}, \"c\"]}, {\"var\": \"x\"}]}]}") ",\n"
    /* A boolean guard: its group finds booleans without hashing. */
    TWIN("boolean", "{\"===\": [{\"var\": \"x\"}, false]}") "\n"
    " ]}";
#define INDEX_RULES 18

/* Definition-order index of the rule called id (asserts it exists). */
static size_t rule_index(const kc_ruleset *rs, const char *id)
{
    for (size_t i = 0; i < kc_ruleset_rule_count(rs); i++) {
        kc_rule_info info;
        assert_int_equal(kc_ruleset_rule(rs, i, &info), KC_OK);
        if (strcmp(info.id, id) == 0)
            return i;
    }
    fail_msg("no rule %s", id);
    return SIZE_MAX;
}

static void index_skips_only_rules_that_cannot_hold(void **state)
{
    kc_test_ctx *t = *state;
    kc_ruleset *rs = NULL;
    kc_result *res = NULL;
    kc_error err;
    assert_int_equal(kc_ruleset_load_string(t->ctx, index_rules, sizeof index_rules - 1,
                                            "i.json", &rs, &err),
                     KC_OK);
    assert_int_equal(kc_result_create(t->ctx, &res), KC_OK);
    static const char *const scenarios[] = {
        "{\"r\": {\"t\": \"a\"}, \"x\": true, \"tags\": [\"n\"], \"al\": [\"n\"]}",
        "{\"r\": {\"t\": \"c\"}, \"x\": true, \"tags\": [\"d\", \"n\", \"n\"], \"al\": [\"d\", \"n\"]}",
        "{\"r\": {\"t\": \"c\"}, \"x\": false, \"tags\": [\"q\"], \"al\": [\"n\"]}",
        "{\"r\": {\"t\": \"z\"}, \"tags\": \"and\", \"al\": [\"d\"]}",
        "{\"r\": {}, \"tags\": 7, \"al\": \"n\"}",
        "{\"tags\": [\"d\"]}",
        "{\"r\": {\"t\": \"b\"}, \"x\": null, \"tags\": null, \"al\": []}",
        "{}",
        "{\"n\": 2, \"x\": true, \"tags\": [\"d\"], \"r\": {\"t\": \"d\"}}",
        "{\"n\": 2, \"x\": false, \"tags\": [\"e\", \"d\"], \"r\": {\"t\": \"c\"}}",
    };
    for (size_t c = 0; c < sizeof scenarios / sizeof scenarios[0]; c++) {
        kc_doc *doc = NULL;
        assert_int_equal(
            kc_doc_parse(t->ctx, scenarios[c], strlen(scenarios[c]), "s", &doc, &err), KC_OK);
        assert_int_equal(kc_evaluate(rs, kc_doc_root(doc), res, &err), KC_OK);
        /* 0 neither, 1 fired, 2 undecided; by rule index (twins adjacent). */
        int state_of[INDEX_RULES] = {0};
        for (size_t i = 0; i < kc_result_fired_count(res); i++) {
            kc_finding fd;
            assert_int_equal(kc_result_fired(res, i, &fd), KC_OK);
            size_t r = rule_index(rs, fd.rule);
            assert_true(r < INDEX_RULES);
            assert_int_equal(state_of[r], 0); /* judged once */
            state_of[r] = 1;
        }
        for (size_t i = 0; i < kc_result_undecided_count(res); i++) {
            size_t r = rule_index(rs, kc_result_undecided(res, i));
            assert_true(r < INDEX_RULES);
            assert_int_equal(state_of[r], 0);
            state_of[r] = 2;
        }
        for (size_t r = 0; r < INDEX_RULES; r += 2) {
            if (state_of[r] != state_of[r + 1])
                fail_msg("scenario %zu: rule %zu is %d, its unindexed twin %d", c, r, state_of[r],
                         state_of[r + 1]);
        }
        /* The first scenario fires every rule; the second the first three
         * pairs (the "or" through its second part, each constant of the
         * duplicated tags once). */
        for (size_t r = 0; r < (c == 0 ? 10u : c == 1 ? 6u : 0u); r++)
            assert_int_equal(state_of[r], 1);
        /* The rules whose guard part is skipped: each state is reached. */
        static const int whole[] = {1, 1, 1, 0, 2, 2, 0, 2, 0, 1};
        static const int middle[] = {0, 2, 0, 2, 0, 2, 0, 2, 1, 0};
        static const int nested[] = {0, 1, 0, 0, 2, 2, 0, 2, 0, 0};
        assert_int_equal(state_of[10], whole[c]);
        assert_int_equal(state_of[12], middle[c]);
        assert_int_equal(state_of[14], nested[c]);
        static const int boolean[] = {0, 0, 1, 2, 2, 2, 0, 2, 0, 1};
        assert_int_equal(state_of[16], boolean[c]);
        kc_doc_free(doc);
    }
    kc_result_free(res);
    kc_ruleset_free(rs);
}

/* A rule set whose rules 2i and 2i+1 both hold when conds[i] does: the first
 * as written, the second wrapped in {"if": [..., true, false]}, which is
 * always judged by walking the tree. */
static kc_ruleset *with_tree_twins(kc_ctx *ctx, const char *const *conds, size_t n)
{
    size_t cap = 4096, len = 0;
    for (size_t i = 0; i < n; i++)
        cap += 2 * strlen(conds[i]) + 256;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)snprintf(text + len, cap - len,
                            "{\"kindctx\": \"ruleset/1\", \"name\": \"twins\", \"version\": \"1\","
                            " \"dimensions\": [{\"id\": \"d\", \"label\": \"d\"}],"
                            " \"verdicts\": [{\"id\": \"kind\", \"label\": \"k\"},"
                            " {\"id\": \"harmful\", \"label\": \"h\"}],"
                            " \"policy\": {\"bands\": [{\"verdict\": \"kind\", \"min\": 0},"
                            " {\"verdict\": \"harmful\"}]}, \"rules\": [");
    for (size_t i = 0; i < n; i++)
        for (int twin = 0; twin < 2; twin++)
            len += (size_t)snprintf(text + len, cap - len,
                                    "%s{\"id\": \"r%zu%s\", \"dimension\": \"d\", \"weight\": 1,"
                                    " \"source\": \"s\", \"because\": \"b\", \"when\": %s%s%s}",
                                    i || twin ? ", " : "", i, twin ? "-tree" : "",
                                    twin ? "{\"if\": [" : "", conds[i],
                                    twin ? ", true, false]}" : "");
    len += (size_t)snprintf(text + len, cap - len, "]}");
    assert_true(len < cap);
    kc_ruleset *rs = NULL;
    kc_error err;
    if (kc_ruleset_load_string(ctx, text, len, "twins.json", &rs, &err) != KC_OK)
        fail_msg("%s", err.message);
    free(text);
    return rs;
}

/* Each rule's state in res (by definition order): 0 neither, 1 fired,
 * 2 undecided. No rule may be judged twice. */
static void rule_states(const kc_ruleset *rs, kc_result *res, int *state_of)
{
    for (size_t i = 0; i < kc_result_fired_count(res); i++) {
        kc_finding fd;
        assert_int_equal(kc_result_fired(res, i, &fd), KC_OK);
        const size_t r = rule_index(rs, fd.rule);
        assert_int_equal(state_of[r], 0);
        state_of[r] = 1;
    }
    for (size_t i = 0; i < kc_result_undecided_count(res); i++) {
        const size_t r = rule_index(rs, kc_result_undecided(res, i));
        assert_int_equal(state_of[r], 0);
        state_of[r] = 2;
    }
}

/* Conditions the index must read right, or leave alone: guards written
 * constant-first, null and number constants (-0 and 0 alike), a constant
 * that is an array, variables with a default or a computed path, arguments
 * given as one expression, membership with non-scalar or no constants,
 * "and"s whose boolean guard gives way to a better one, "or"s over different
 * facts or kinds of guard, with more than eight parts or a part without a
 * guard, nesting deeper than the index looks, a constant listed twice, a
 * group of many constants, and several rules in one group.
 * Each rule has a twin in {"if": [...]}, which is always judged by walking
 * the tree; every pair must agree on every scenario. */
#define EMPTY_IN "{\"in\": [{\"var\": \"r.t\"}, []]}" /* never holds */
static const char *const index_shapes[] = {
    "{\"===\": [\"a\", {\"var\": \"r.t\"}]}",
    "{\"===\": [{\"var\": \"r.t\"}, null]}",
    "{\"===\": [{\"var\": \"n\"}, 2]}",
    "{\"in\": [{\"var\": \"n\"}, [0, 2, \"2\"]]}",
    "{\"===\": [{\"var\": \"tags\"}, [\"d\"]]}",
    "{\"===\": [{\"var\": [\"r.t\", \"a\"]}, \"a\"]}",
    "{\"===\": [{\"var\": {\"cat\": [\"r.\", \"t\"]}}, \"a\"]}",
    "{\"===\": [{\"var\": \"r.t\"}, \"a\", \"a\"]}",
    "{\"in\": {\"var\": \"pair\"}}",
    "{\"in\": [{\"var\": \"r.t\"}, [\"a\", [\"b\"]]]}",
    "{\"in\": [[\"d\"], {\"var\": \"tags\"}]}",
    EMPTY_IN,
    "{\"in\": [null, {\"var\": \"tags\"}]}",
    "{\"and\": [{\"===\": [{\"var\": \"r.t\"}, \"a\"]}, {\"===\": [{\"var\": \"x\"}, true]}]}",
    "{\"and\": [{\"===\": [{\"var\": \"x\"}, true]}, {\"===\": [{\"var\": \"y\"}, false]}]}",
    "{\"or\": [{\"===\": [{\"var\": \"r.t\"}, \"a\"]}, {\"===\": [{\"var\": \"n\"}, 2]}]}",
    "{\"or\": [{\"===\": [{\"var\": \"tags\"}, \"d\"]}, {\"in\": [\"d\", {\"var\": \"tags\"}]}]}",
    "{\"or\": [{\"===\": [{\"var\": \"r.t\"}, \"a\"]}, {\">\": [{\"var\": \"n\"}, 1]}]}",
    "{\"or\": [{\"===\": [{\"var\": \"r.t\"}, \"a\"]}, {\"===\": [{\"var\": \"r.t\"}, \"b\"]},"
    " {\"===\": [{\"var\": \"r.t\"}, \"c\"]}, {\"===\": [{\"var\": \"r.t\"}, \"d\"]},"
    " {\"===\": [{\"var\": \"r.t\"}, \"e\"]}, {\"===\": [{\"var\": \"r.t\"}, \"f\"]},"
    " {\"===\": [{\"var\": \"r.t\"}, \"g\"]}, {\"===\": [{\"var\": \"r.t\"}, \"h\"]},"
    " {\"===\": [{\"var\": \"r.t\"}, \"z\"]}]}",
    "{\"or\": [{\"===\": [{\"var\": \"r.t\"}, \"a\"]}, {\"===\": [{\"var\": \"r.t\"}, \"b\"]},"
    " {\"in\": [{\"var\": \"r.t\"}, [\"c\", \"z\"]]}]}",
    "{\"and\": [true, {\"and\": [true, {\"and\": [true, {\"and\": [true, {\"and\": [true,"
    " {\"and\": [true, {\"and\": [true, {\"and\": [true, {\"and\": [true, {\"and\": [true,"
    " {\"===\": [{\"var\": \"r.t\"}, \"a\"]}]}]}]}]}]}]}]}]}]}]}",
    "{\"===\": [{\"var\": \"r.t\"}, \"a\"]}",
    "{\"in\": [{\"var\": \"r.t\"}, [\"a\", \"b\"]]}",
    "{\"===\": [{\"var\": \"x\"}, false]}",
    "{\"in\": [\"n\", {\"var\": \"tags\"}]}",
    "{\"in\": [2, {\"var\": \"tags\"}]}",
    "{\"in\": [{\"var\": \"r.t\"}, [\"b\", \"b\", \"i\"]]}",
    "{\"in\": [{\"var\": \"r.t\"}, [\"q1\", \"q2\", \"q3\", \"q4\", \"q5\", \"q6\", \"q7\", \"q8\","
    " \"q9\", \"q10\", \"q11\", \"q12\", \"q13\", \"q14\", \"q15\", \"q16\", \"q17\", \"c\", 2, null,"
    " true]]}",
};
#define NSHAPES (sizeof index_shapes / sizeof index_shapes[0])

static void index_shapes_agree_with_the_tree(void **state)
{
    kc_test_ctx *t = *state;
    kc_ruleset *rs = with_tree_twins(t->ctx, index_shapes, NSHAPES);
    kc_result *res = NULL;
    kc_error err;
    assert_int_equal(kc_result_create(t->ctx, &res), KC_OK);
    static const char *const scenarios[] = {
        "{\"r\": {\"t\": \"a\"}, \"n\": 2, \"x\": true, \"y\": false, \"tags\": [\"d\", null, 2],"
        " \"pair\": [\"a\", [\"a\", \"b\"]]}",
        "{\"r\": {\"t\": \"b\"}, \"n\": -0, \"x\": false, \"tags\": [\"n\", [\"d\"]],"
        " \"pair\": [1, 2]}",
        "{\"r\": {\"t\": \"z\"}, \"n\": 0, \"x\": true, \"y\": true, \"tags\": \"d\"}",
        "{\"r\": {\"t\": null}, \"n\": \"2\", \"tags\": [\"d\"], \"pair\": \"ab\"}",
        "{\"r\": {\"t\": \"c\"}, \"n\": 2.0, \"x\": null, \"tags\": []}",
        "{\"r\": \"a\", \"n\": 1, \"tags\": [[\"d\"]]}",
        "{\"r\": {}, \"x\": false, \"y\": false}",
        "{\"r\": {\"t\": \"i\"}, \"n\": 3, \"tags\": [\"n\", \"d\", \"n\"]}",
        "{}",
    };
    int reached[NSHAPES][3] = {{0}};
    for (size_t c = 0; c < sizeof scenarios / sizeof scenarios[0]; c++) {
        for (unsigned layout = 0; layout < 2; layout++) {
            kc_doc *doc = NULL;
            assert_int_equal(kc_doc_parse_ex(t->ctx, scenarios[c], strlen(scenarios[c]), "s",
                                             layout ? KC_PARSE_COMPACT : 0u, &doc, &err),
                             KC_OK);
            assert_int_equal(kc_evaluate(rs, kc_doc_root(doc), res, &err), KC_OK);
            int state_of[2 * NSHAPES] = {0};
            rule_states(rs, res, state_of);
            for (size_t i = 0; i < NSHAPES; i++) {
                if (state_of[2 * i] != state_of[2 * i + 1])
                    fail_msg("scenario %zu: %s is %d, its tree twin %d", c, index_shapes[i],
                             state_of[2 * i], state_of[2 * i + 1]);
                reached[i][state_of[2 * i]] = 1;
            }
            kc_doc_free(doc);
        }
    }
    /* Every shape fires on some scenario (but the one that cannot) and fails
     * on another: the pairs agreed on something. */
    for (size_t i = 0; i < NSHAPES; i++)
        if (!reached[i][0] || (!reached[i][1] && strcmp(index_shapes[i], EMPTY_IN) != 0))
            fail_msg("%s: fired %d, not fired %d", index_shapes[i], reached[i][1], reached[i][0]);
    kc_result_free(res);
    kc_ruleset_free(rs);
}

/* Subexpressions several rules share are judged once per scenario
 * (jl_share.c), so look-alikes must never be taken for each other:
 * constants of another type or value, longer or shorter paths, a default,
 * a scoped variable, a climbing "val", another custom operator, another
 * argument count, "!" and "!!". Each condition, judged among all the others,
 * must agree with itself judged alone in a rule set of its own. */
#define WHOLE_IS_X "{\"==\": [{\"var\": \"\"}, \"x\"]}" /* the scenario is no string */
static const char *const look_alikes[] = {
    "{\"==\": [{\"var\": \"a\"}, 1]}",
    "{\"==\": [{\"var\": \"a\"}, \"1\"]}",
    "{\"===\": [{\"var\": \"a\"}, 1]}",
    "{\"==\": [{\"var\": \"a\"}, true]}",
    "{\"==\": [{\"var\": \"a\"}, 2]}",
    "{\"var\": \"a\"}",
    "{\"var\": \"a.b\"}",
    "{\"var\": \"a.b.c\"}",
    "{\"var\": [\"a.b\", 5]}",
    "{\"var\": \"b\"}",
    "{\"overlaps\": [{\"var\": \"t\"}, [\"x\"]]}",
    "{\"in\": [\"x\", {\"var\": \"t\"}]}",
    "{\"some\": [{\"var\": \"t\"}, {\"==\": [{\"var\": \"\"}, \"x\"]}]}",
    WHOLE_IS_X,
    "{\"some\": [{\"var\": \"t\"}, {\"==\": [{\"val\": [[-2], \"k\"]}, \"x\"]}]}",
    "{\"==\": [{\"val\": \"k\"}, \"x\"]}",
    "{\"<\": [{\"var\": \"n\"}, 2]}",
    "{\"<\": [{\"var\": \"n\"}, 2, 3]}",
    "{\"<\": [1, {\"var\": \"n\"}, 3]}",
    "{\"!\": {\"var\": \"a\"}}",
    "{\"!!\": {\"var\": \"a\"}}",
    "{\"==\": [{\"cat\": [\"a\", {\"var\": \"s\"}]}, \"ab\"]}",
    "{\"==\": [{\"cat\": [{\"var\": \"s\"}, \"a\"]}, \"aa\"]}",
    "{\"and\": [{\"var\": \"a\"}, {\"var\": \"b\"}]}",
    "{\"or\": [{\"var\": \"a\"}, {\"var\": \"b\"}]}",
};
#define NLOOK (sizeof look_alikes / sizeof look_alikes[0])

static void look_alike_conditions_are_not_shared(void **state)
{
    kc_test_ctx *t = *state;
    kc_ruleset *all = with_tree_twins(t->ctx, look_alikes, NLOOK);
    kc_ruleset *alone[NLOOK];
    for (size_t i = 0; i < NLOOK; i++)
        alone[i] = with_tree_twins(t->ctx, &look_alikes[i], 1);
    kc_result *res = NULL;
    assert_int_equal(kc_result_create(t->ctx, &res), KC_OK);
    static const char *const scenarios[] = {
        "{\"a\": 1, \"b\": 0, \"n\": 1, \"s\": \"b\", \"t\": [\"x\"], \"k\": \"x\"}",
        "{\"a\": \"1\", \"b\": 1, \"n\": 2.5, \"s\": \"a\", \"t\": [\"y\", \"x\"], \"k\": \"y\"}",
        "{\"a\": {\"b\": {\"c\": true}}, \"n\": 0, \"t\": \"x\", \"k\": \"x\"}",
        "{\"a\": {\"b\": 0}, \"b\": true, \"n\": -1, \"s\": \"\", \"t\": [], \"k\": null}",
        "{\"a\": true, \"n\": \"1\", \"t\": [\"x\", \"x\"], \"s\": \"b\"}",
        "{\"a\": 2, \"b\": \"\"}",
        "{\"a\": 0, \"b\": 0, \"s\": \"a\", \"n\": 3, \"t\": [\"z\"], \"k\": \"z\"}",
        "{\"a\": {\"b\": {\"c\": 0}}}",
        "{}",
    };
    int reached[NLOOK][3] = {{0}};
    for (size_t c = 0; c < sizeof scenarios / sizeof scenarios[0]; c++) {
        kc_doc *doc = NULL;
        kc_error err;
        assert_int_equal(
            kc_doc_parse(t->ctx, scenarios[c], strlen(scenarios[c]), "s", &doc, &err), KC_OK);
        assert_int_equal(kc_evaluate(all, kc_doc_root(doc), res, &err), KC_OK);
        int together[2 * NLOOK] = {0};
        rule_states(all, res, together);
        for (size_t i = 0; i < NLOOK; i++) {
            assert_int_equal(kc_evaluate(alone[i], kc_doc_root(doc), res, &err), KC_OK);
            int own[2] = {0};
            rule_states(alone[i], res, own);
            if (together[2 * i] != own[0] || together[2 * i + 1] != own[1])
                fail_msg("scenario %zu: %s is %d (tree %d) among the others, %d (tree %d) alone",
                         c, look_alikes[i], together[2 * i], together[2 * i + 1], own[0], own[1]);
            reached[i][own[0]] = 1;
        }
        kc_doc_free(doc);
    }
    for (size_t i = 0; i < NLOOK; i++)
        if (!reached[i][0] || (!reached[i][1] && strcmp(look_alikes[i], WHOLE_IS_X) != 0))
            fail_msg("%s: fired %d, not fired %d", look_alikes[i], reached[i][1], reached[i][0]);
    kc_result_free(res);
    for (size_t i = 0; i < NLOOK; i++)
        kc_ruleset_free(alone[i]);
    kc_ruleset_free(all);
}

/* More facts than are read up front (KC_JL_FACTS_MAX): the most-read ones are
 * read before the rules run, the rest when first needed, and parents that are
 * absent or not objects leave their facts to the usual path. Each rule has a
 * twin wrapped in {"if": [...]}, which is always judged by walking the tree;
 * every pair must agree. */
#define MANY_FACTS 70
static void many_facts_read_up_front_or_on_demand(void **state)
{
    kc_test_ctx *t = *state;
    /* Facts read by more rules come first up front: rule i reads its own
     * fact, and every third rule also p0.f0. */
    char conds[MANY_FACTS][160];
    const char *cond_of[MANY_FACTS];
    for (int i = 0; i < MANY_FACTS; i++) {
        snprintf(conds[i], sizeof conds[i], "{\"and\": [{\"===\": [{\"var\": \"p%d.f%d\"}, %d]}%s]}",
                 i % 7, i, i, i % 3 ? "" : ", {\"!==\": [{\"var\": \"p0.f0\"}, -1]}");
        cond_of[i] = conds[i];
    }
    kc_ruleset *rs = with_tree_twins(t->ctx, cond_of, MANY_FACTS);
    kc_result *res = NULL;
    kc_error err;
    size_t cap = 64 * 1024, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    assert_int_equal(kc_result_create(t->ctx, &res), KC_OK);
    for (int c = 0; c < 4; c++) {
        /* 0: every fact present and matching; 1: p3 a number, p5 absent,
         * f4 wrong; 2: no p0 at all; 3: an empty scenario. */
        len = 0;
        len += (size_t)snprintf(text + len, cap - len, "{");
        for (int p = 0; p < 7 && c < 3; p++) {
            if ((c == 1 && p == 5) || (c == 2 && p == 0))
                continue;
            if (c == 1 && p == 3) {
                len += (size_t)snprintf(text + len, cap - len, "%s\"p3\": 3", len > 1 ? ", " : "");
                continue;
            }
            len += (size_t)snprintf(text + len, cap - len, "%s\"p%d\": {", len > 1 ? ", " : "", p);
            for (int i = p; i < MANY_FACTS; i += 7)
                len += (size_t)snprintf(text + len, cap - len, "%s\"f%d\": %d", i > p ? ", " : "",
                                        i, c == 1 && i == 4 ? -4 : i);
            len += (size_t)snprintf(text + len, cap - len, "}");
        }
        len += (size_t)snprintf(text + len, cap - len, "}");
        kc_doc *doc = NULL;
        assert_int_equal(kc_doc_parse_ex(t->ctx, text, len, "s", KC_PARSE_COMPACT, &doc, &err),
                         KC_OK);
        assert_int_equal(kc_evaluate(rs, kc_doc_root(doc), res, &err), KC_OK);
        int state_of[2 * MANY_FACTS] = {0};
        rule_states(rs, res, state_of);
        for (int i = 0; i < MANY_FACTS; i++)
            if (state_of[2 * i] != state_of[2 * i + 1])
                fail_msg("scenario %d: rule r%d is %d, its tree twin %d", c, i, state_of[2 * i],
                         state_of[2 * i + 1]);
        if (c == 0)
            assert_int_equal(kc_result_fired_count(res), 2 * MANY_FACTS);
        if (c == 1) {
            assert_int_equal(state_of[2 * 3], 2);  /* p3.f3: p3 is a number */
            assert_int_equal(state_of[2 * 5], 2);  /* p5 absent */
            assert_int_equal(state_of[2 * 4], 0);  /* f4 differs */
            assert_int_equal(state_of[2 * 69], 1); /* among the facts read on demand */
        }
        if (c == 3)
            assert_int_equal(kc_result_undecided_count(res), 2 * MANY_FACTS);
        kc_doc_free(doc);
    }
    kc_result_free(res);
    kc_ruleset_free(rs);
    free(text);
}

/* The JSON result reads back with the documented keys and the same values. */
static void json_result_round_trips(void **state)
{
    fixture *f = *state;
    judge(f, "{\"id\": \"rt\", \"act\": {\"meets\": [\"beauty\"], \"features\": [\"pollen\"]},"
             " \"request\": {\"asked\": true, \"needs\": [\"food\"]},"
             " \"receiver\": {\"allergies\": [\"pollen\"]}}");
    for (int pretty = 0; pretty <= 1; pretty++) {
        char *json = NULL;
        size_t len = 0;
        assert_int_equal(kc_result_to_json(f->res, pretty, &json, &len), KC_OK);
        assert_int_equal(strlen(json), len);
        kc_doc *doc = NULL;
        assert_int_equal(kc_doc_parse(f->ctx, json, len, "json", &doc, NULL), KC_OK);
        const kc_value *r = kc_doc_root(doc);
        static const char *const keys[] = {"scenario", "ruleset", "verdict", "label", "score",
                                           "dimensions", "fired", "vetoes", "undecided",
                                           "questions", "margin", "problems", "intent",
                                           "reader", "summary"};
        assert_int_equal(kc_value_count(r), sizeof keys / sizeof keys[0]);
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
            size_t klen;
            assert_string_equal(kc_value_key_at(r, i, &klen), keys[i]);
        }
        assert_string_equal(kc_value_string(kc_value_get(r, "scenario", 8), NULL), "rt");
        assert_string_equal(kc_value_string(kc_value_get(r, "verdict", 7), NULL), "harmful");
        assert_true(kc_value_number(kc_value_get(r, "score", 5)) == kc_result_score(f->res));
        const kc_value *dims = kc_value_get(r, "dimensions", 10);
        assert_true(kc_value_number(kc_value_get(dims, "need", 4)) == -3);
        assert_true(kc_value_number(kc_value_get(dims, "safety", 6)) == -1);
        const kc_value *fired = kc_value_get(r, "fired", 5);
        assert_int_equal(kc_value_count(fired), kc_result_fired_count(f->res));
        for (size_t i = 0; i < kc_value_count(fired); i++) {
            kc_finding fd;
            assert_int_equal(kc_result_fired(f->res, i, &fd), KC_OK);
            const kc_value *o = kc_value_at(fired, i);
            assert_string_equal(kc_value_string(kc_value_get(o, "rule", 4), NULL), fd.rule);
            assert_string_equal(kc_value_string(kc_value_get(o, "because", 7), NULL), fd.because);
            assert_true(kc_value_number(kc_value_get(o, "weight", 6)) == fd.weight);
        }
        const kc_value *misses = kc_value_at(fired, 0);
        assert_string_equal(kc_value_string(kc_value_get(misses, "advice", 6), NULL),
                            "Give food.");
        const kc_value *vetoes = kc_value_get(r, "vetoes", 6);
        assert_int_equal(kc_value_count(vetoes), 1);
        const kc_value *margin = kc_value_get(r, "margin", 6);
        assert_string_equal(kc_value_string(kc_value_get(margin, "veto", 4), NULL), "allergen");
        const kc_value *up = kc_value_get(margin, "up", 2);
        assert_string_equal(kc_value_string(kc_value_get(up, "verdict", 7), NULL), "mixed");
        assert_true(kc_value_number(kc_value_get(up, "points", 6)) == 4);
        assert_string_equal(kc_value_string(kc_value_get(r, "summary", 7), NULL),
                            kc_result_summary(f->res));
        kc_doc_free(doc);
        kc_free(f->ctx, json);
    }
}

/* Once grown, evaluating into the same result allocates nothing, explanations
 * and kc_result_json() included. */
static void brief_json_names_verdict_score_and_rules(void **state)
{
    fixture *f = *state;
    judge(f, "{\"id\": \"b1\", \"act\": {\"meets\": [\"beauty\"], \"features\": [\"pollen\"]},"
             " \"request\": {\"asked\": true, \"needs\": [\"food\"]},"
             " \"receiver\": {\"allergies\": [\"pollen\"]}}");
    size_t len = 0;
    const char *json = kc_result_json(f->res, KC_JSON_BRIEF, &len);
    assert_string_equal(json, "{\"scenario\":\"b1\",\"verdict\":\"harmful\",\"score\":-4,"
                              "\"fired\":[\"misses\",\"allergen\"]}");
    assert_int_equal(len, strlen(json));
}

static void steady_state_evaluation_allocates_nothing(void **state)
{
    (void)state;
    kc_test_alloc t = {0};
    kc_allocator a = kc_test_allocator(&t);
    kc_ctx *ctx = NULL;
    assert_int_equal(kc_ctx_create(&ctx, &a), KC_OK);
    kc_ruleset *rs = load_with(ctx, NULL);
    const char *s1 = "{\"act\": {\"meets\": [\"beauty\"], \"features\": [\"pollen\"]},"
                     " \"request\": {\"asked\": true, \"needs\": [\"food\"]},"
                     " \"receiver\": {\"allergies\": [\"pollen\"]}}";
    const char *s2 = "{\"act\": {\"meets\": [\"food\"]}, \"request\": {\"asked\": true}}";
    kc_doc *d1 = NULL, *d2 = NULL;
    assert_int_equal(kc_doc_parse(ctx, s1, strlen(s1), NULL, &d1, NULL), KC_OK);
    assert_int_equal(kc_doc_parse(ctx, s2, strlen(s2), NULL, &d2, NULL), KC_OK);
    kc_result *res = NULL;
    assert_int_equal(kc_result_create(ctx, &res), KC_OK);
    size_t before = 0;
    for (int round = 0; round < 4; round++) {
        if (round == 2)
            before = t.calls; /* rounds 0-1 warm up */
        for (int k = 0; k < 50; k++) {
            const kc_doc *d = (k & 1) ? d2 : d1;
            assert_int_equal(kc_evaluate(rs, kc_doc_root(d), res, NULL), KC_OK);
            assert_non_null(kc_result_summary(res));
            assert_non_null(kc_result_json(res, 0, NULL));
            size_t blen = 0;
            const char *brief = kc_result_json(res, KC_JSON_BRIEF, &blen);
            assert_non_null(brief);
            assert_int_equal(brief[0], '{');
            assert_int_equal(strlen(brief), blen);
            for (size_t i = 0; i < kc_result_fired_count(res); i++) {
                kc_finding fd;
                assert_int_equal(kc_result_fired(res, i, &fd), KC_OK);
            }
        }
    }
    assert_int_equal(t.calls, before);
    kc_result_free(res);
    kc_doc_free(d1);
    kc_doc_free(d2);
    kc_ruleset_free(rs);
    kc_ctx_free(ctx);
    assert_int_equal(t.live, 0);
}

/* Fail allocation N during evaluate + summary + JSON, once and persistently. */
static void allocation_failures_during_evaluation(void **state)
{
    (void)state;
    const char *s1 = "{\"act\": {\"meets\": [\"beauty\"], \"features\": [\"pollen\"]},"
                     " \"request\": {\"asked\": true, \"needs\": [\"food\"]},"
                     " \"receiver\": {\"allergies\": [\"pollen\"]}}";
    for (int persistent = 0; persistent <= 1; persistent++) {
        for (size_t n = 1;; n++) {
            kc_test_alloc t = {0};
            kc_allocator a = kc_test_allocator(&t);
            kc_ctx *ctx = NULL;
            assert_int_equal(kc_ctx_create(&ctx, &a), KC_OK);
            kc_ruleset *rs = load_with(ctx, NULL);
            kc_doc *d = NULL;
            assert_int_equal(kc_doc_parse(ctx, s1, strlen(s1), NULL, &d, NULL), KC_OK);
            t.fail_at = t.calls + n;
            t.persistent = persistent;
            kc_result *res = NULL;
            char *json = NULL;
            kc_status st = kc_result_create(ctx, &res);
            if (st == KC_OK)
                st = kc_evaluate(rs, kc_doc_root(d), res, NULL);
            if (st == KC_OK)
                st = kc_result_to_json(res, 0, &json, NULL);
            int done = t.failures == 0;
            if (!done) {
                assert_int_equal(st, KC_ENOMEM);
                assert_null(json);
            } else {
                assert_int_equal(st, KC_OK);
            }
            kc_free(ctx, json);
            kc_result_free(res);
            kc_doc_free(d);
            kc_ruleset_free(rs);
            kc_ctx_free(ctx);
            assert_int_equal(t.live, 0);
            if (done)
                break;
        }
    }
}

static void null_arguments(void **state)
{
    fixture *f = *state;
    kc_result *res = NULL;
    assert_int_equal(kc_result_create(NULL, &res), KC_EINVAL);
    assert_int_equal(kc_result_create(f->ctx, NULL), KC_EINVAL);
    kc_doc *d = NULL;
    assert_int_equal(kc_doc_parse(f->ctx, "{}", 2, NULL, &d, NULL), KC_OK);
    assert_int_equal(kc_evaluate(NULL, kc_doc_root(d), f->res, NULL), KC_EINVAL);
    assert_int_equal(kc_evaluate(f->rs, NULL, f->res, NULL), KC_EINVAL);
    assert_int_equal(kc_evaluate(f->rs, kc_doc_root(d), NULL, NULL), KC_EINVAL);
    kc_doc_free(d);
    assert_null(kc_result_verdict(NULL));
    assert_null(kc_result_summary(NULL));
    assert_int_equal(kc_result_fired_count(NULL), 0);
    kc_finding fd;
    assert_int_equal(kc_result_fired(NULL, 0, &fd), KC_EINVAL);
    kc_question q;
    assert_int_equal(kc_result_question(NULL, 0, &q), KC_EINVAL);
    char *json = NULL;
    assert_int_equal(kc_result_to_json(NULL, 0, &json, NULL), KC_EINVAL);
    /* A fresh result has nothing to show yet. */
    kc_result *fresh = NULL;
    assert_int_equal(kc_result_create(f->ctx, &fresh), KC_OK);
    assert_null(kc_result_verdict(fresh));
    assert_int_equal(kc_result_to_json(fresh, 0, &json, NULL), KC_ESTATE);
    assert_null(json);
    kc_result_free(fresh);
    kc_result_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(fitting_act_lands_kind_and_says_why, setup, teardown),
        cmocka_unit_test_setup_teardown(veto_outweighs_any_score, setup, teardown),
        cmocka_unit_test_setup_teardown(band_boundaries_belong_to_the_better_band, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_facts_become_open_questions, setup, teardown),
        cmocka_unit_test_setup_teardown(raising_conditions_are_reported_as_problems, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(leaf_tests_match_the_general_path, kc_test_ctx_setup,
                                        kc_test_ctx_teardown),
        cmocka_unit_test_setup_teardown(index_skips_only_rules_that_cannot_hold,
                                        kc_test_ctx_setup, kc_test_ctx_teardown),
        cmocka_unit_test_setup_teardown(index_shapes_agree_with_the_tree, kc_test_ctx_setup,
                                        kc_test_ctx_teardown),
        cmocka_unit_test_setup_teardown(look_alike_conditions_are_not_shared, kc_test_ctx_setup,
                                        kc_test_ctx_teardown),
        cmocka_unit_test_setup_teardown(many_facts_read_up_front_or_on_demand, kc_test_ctx_setup,
                                        kc_test_ctx_teardown),
        cmocka_unit_test_setup_teardown(json_result_round_trips, setup, teardown),
        cmocka_unit_test_setup_teardown(brief_json_names_verdict_score_and_rules, setup, teardown),
        cmocka_unit_test(steady_state_evaluation_allocates_nothing),
        cmocka_unit_test(allocation_failures_during_evaluation),
        cmocka_unit_test_setup_teardown(null_arguments, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
