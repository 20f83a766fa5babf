/* test_lint.c - the perspective-coverage linter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static kc_ruleset *core_without(kc_ctx *ctx, const char *dimension)
{
    /* The bundled rules with every rule of one dimension dropped: a rule set
     * that never looks at that side. */
    char path[4096];
    const char *src = getenv("KC_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/rules/core.json", src ? src : KC_SOURCE_DIR_DEFAULT);
    kc_doc *doc = NULL;
    assert_int_equal(kc_doc_load_file(ctx, path, &doc, NULL), KC_OK);
    const kc_value *root = kc_doc_root(doc);
    char *out = malloc(1 << 20);
    size_t at = 0;
    at += (size_t)sprintf(out + at, "{\"kindctx\": \"ruleset/1\", \"name\": \"partial\", \"version\": \"1\",");
    static const char *const keys[] = {"dimensions", "verdicts", "policy"};
    for (size_t k = 0; k < 3; k++) {
        char *part = NULL;
        assert_int_equal(kc_value_to_json(ctx, kc_value_get(root, keys[k], strlen(keys[k])), &part,
                                          NULL),
                         KC_OK);
        at += (size_t)sprintf(out + at, "\"%s\": %s,", keys[k], part);
        kc_free(ctx, part);
    }
    at += (size_t)sprintf(out + at, "\"rules\": [");
    const kc_value *rules = kc_value_get(root, "rules", 5);
    int first = 1;
    for (size_t i = 0; i < kc_value_count(rules); i++) {
        const kc_value *r = kc_value_at(rules, i);
        const char *dim = kc_value_string(kc_value_get(r, "dimension", 9), NULL);
        if (strcmp(dim, dimension) == 0)
            continue;
        /* Drop rules of other dimensions that still read that side too. */
        char *rj = NULL;
        assert_int_equal(kc_value_to_json(ctx, r, &rj, NULL), KC_OK);
        char needle[64];
        snprintf(needle, sizeof needle, "\"%s.", dimension);
        if (!strstr(rj, needle)) {
            at += (size_t)sprintf(out + at, "%s%s", first ? "" : ",", rj);
            first = 0;
        }
        kc_free(ctx, rj);
    }
    at += (size_t)sprintf(out + at, "]}");
    kc_doc_free(doc);
    kc_ruleset *rs = NULL;
    kc_error err;
    if (kc_ruleset_load_string(ctx, out, at, "partial.json", &rs, &err) != KC_OK)
        fail_msg("%s", err.message);
    free(out);
    return rs;
}

static int has_finding(const kc_diag *d, const char *text)
{
    for (size_t i = 0; i < kc_diag_count(d); i++)
        if (strstr(kc_diag_get(d, i)->message, text))
            return 1;
    return 0;
}

static void bundled_rules_see_every_side(void **state)
{
    (void)state;
    kc_ctx *ctx = NULL;
    kc_ruleset *rs = NULL;
    kc_diag *d = NULL;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    assert_int_equal(kc_ruleset_load_default(ctx, &rs, NULL), KC_OK);
    assert_int_equal(kc_ruleset_lint(rs, NULL, 0, &d), KC_OK);
    for (size_t i = 0; i < kc_diag_count(d); i++)
        print_message("finding: %s\n", kc_diag_get(d, i)->message);
    assert_false(has_finding(d, "no rule considers"));
    kc_diag_free(d);
    kc_ruleset_free(rs);
    kc_ctx_free(ctx);
}

static void a_rule_set_without_power_is_flagged(void **state)
{
    (void)state;
    kc_ctx *ctx = NULL;
    kc_diag *d = NULL;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    kc_ruleset *rs = core_without(ctx, "power");
    assert_int_equal(kc_ruleset_lint(rs, NULL, 0, &d), KC_OK);
    assert_true(has_finding(d, "no rule considers the power between giver and receiver"));
    assert_false(has_finding(d, "no rule considers their history"));
    kc_diag_free(d);
    kc_ruleset_free(rs);
    kc_ctx_free(ctx);
}

static const char tiny_rules[] =
    "{\"kindctx\": \"ruleset/1\", \"name\": \"t\", \"version\": \"1\","
    " \"dimensions\": [{\"id\": \"d\", \"label\": \"d\"}],"
    " \"verdicts\": [{\"id\": \"ok\", \"label\": \"ok\"}, {\"id\": \"bad\", \"label\": \"bad\"}],"
    " \"policy\": {\"bands\": [{\"verdict\": \"ok\", \"min\": 0}, {\"verdict\": \"bad\"}]},"
    " \"rules\": ["
    "  {\"id\": \"always\", \"dimension\": \"d\", \"weight\": 1, \"when\": {\">=\": [{\"var\": \"request.urgency\"}, 0]},"
    "   \"because\": \"b\", \"source\": \"s\"},"
    "  {\"id\": \"never\", \"dimension\": \"d\", \"weight\": 1, \"when\": {\"==\": [{\"var\": \"power.setting\"}, \"moon\"]},"
    "   \"because\": \"b\", \"source\": \"s\"},"
    "  {\"id\": \"flowers\", \"dimension\": \"d\", \"weight\": 1, \"when\": {\"and\": [{\"==\": [{\"var\": \"act.kind\"}, \"flowers\"]},"
    "   {\"==\": [{\"var\": \"relationship.type\"}, \"friend\"]}, {\"var\": \"history.x\"}]},"
    "   \"because\": \"b\", \"source\": \"s\"}"
    " ]}";

static void firing_extremes_and_per_kind_gaps(void **state)
{
    (void)state;
    kc_ctx *ctx = NULL;
    kc_ruleset *rs = NULL;
    kc_diag *d = NULL;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    assert_int_equal(kc_ruleset_load_string(ctx, tiny_rules, sizeof tiny_rules - 1, "t", &rs, NULL),
                     KC_OK);
    const char *texts[] = {"{\"request\": {\"urgency\": 0.2}, \"power\": {\"setting\": \"home\"}, \"act\": {\"kind\": \"book\"}}",
                           "{\"request\": {\"urgency\": 0.9}, \"power\": {\"setting\": \"work\"}, \"act\": {\"kind\": \"tea\"}}"};
    kc_doc *docs[2];
    const kc_value *roots[2];
    for (int i = 0; i < 2; i++) {
        assert_int_equal(kc_doc_parse(ctx, texts[i], strlen(texts[i]), NULL, &docs[i], NULL), KC_OK);
        roots[i] = kc_doc_root(docs[i]);
    }
    assert_int_equal(kc_ruleset_lint(rs, roots, 2, &d), KC_OK);
    assert_true(has_finding(d, "rule \"always\" fired on all 2 scenarios"));
    assert_true(has_finding(d, "rule \"never\" never fired on 2 scenarios"));
    /* Rules about no act kind in particular apply to flowers too: with them
     * (request.*, power.*) and its own (relationship.*, history.*) the
     * flowers rules see every side. */
    assert_false(has_finding(d, "for act kind \"flowers\""));
    /* The rule positions are reported. */
    for (size_t i = 0; i < kc_diag_count(d); i++)
        if (strstr(kc_diag_get(d, i)->message, "\"never\""))
            assert_true(kc_diag_get(d, i)->line > 0);
    kc_diag_free(d);
    assert_int_equal(kc_ruleset_lint(NULL, NULL, 0, &d), KC_EINVAL);
    assert_int_equal(kc_ruleset_lint(rs, NULL, 1, &d), KC_EINVAL);
    for (int i = 0; i < 2; i++)
        kc_doc_free(docs[i]);
    kc_ruleset_free(rs);
    kc_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bundled_rules_see_every_side),
        cmocka_unit_test(a_rule_set_without_power_is_flagged),
        cmocka_unit_test(firing_extremes_and_per_kind_gaps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
