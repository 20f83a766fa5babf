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

/* Whether some finding's message is exactly text. */
static int has_message(const kc_diag *d, const char *text)
{
    for (size_t i = 0; i < kc_diag_count(d); i++)
        if (strcmp(kc_diag_get(d, i)->message, text) == 0)
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

/* Every way a rule names act kinds and reads a side: a constant before the
 * fact, act.category, membership with repeated and non-string constants,
 * "overlaps", a fact compared with a fact, computed paths and the whole
 * scenario (which name no side), "val" and "exists". Kinds past the 64th
 * are not told apart. */
static void kinds_and_sides_read_every_way(void **state)
{
    (void)state;
    char text[8192];
    size_t n = (size_t)snprintf(
        text, sizeof text,
        "{\"kindctx\": \"ruleset/1\", \"name\": \"k\", \"version\": \"1\","
        " \"dimensions\": [{\"id\": \"d\", \"label\": \"d\"}],"
        " \"verdicts\": [{\"id\": \"ok\", \"label\": \"ok\"}, {\"id\": \"bad\", \"label\": \"bad\"}],"
        " \"policy\": {\"bands\": [{\"verdict\": \"ok\", \"min\": 0}, {\"verdict\": \"bad\"}]},"
        " \"rules\": ["
        "{\"id\": \"tea\", \"dimension\": \"d\", \"weight\": 1, \"because\": \"b\", \"source\": \"s\","
        " \"when\": {\"and\": [{\"===\": [\"tea\", {\"var\": \"act.kind\"}]},"
        " {\"val\": [\"relationship\", \"trust\"]}, {\"exists\": [\"history\", \"x\"]}]}},"
        "{\"id\": \"gift\", \"dimension\": \"d\", \"weight\": 1, \"because\": \"b\", \"source\": \"s\","
        " \"when\": {\"in\": [{\"var\": \"act.category\"}, [\"gift\", 3, \"gift\"]]}},"
        "{\"id\": \"soup\", \"dimension\": \"d\", \"weight\": 1, \"because\": \"b\", \"source\": \"s\","
        " \"when\": {\"overlaps\": [{\"var\": \"act.kind\"}, [\"soup\"]]}},"
        "{\"id\": \"asked\", \"dimension\": \"d\", \"weight\": 1, \"because\": \"b\", \"source\": \"s\","
        " \"when\": {\"==\": [{\"var\": \"act.kind\"}, {\"var\": \"request.need\"}]}},"
        "{\"id\": \"computed\", \"dimension\": \"d\", \"weight\": 1, \"because\": \"b\", \"source\": \"s\","
        " \"when\": {\"and\": [{\"var\": {\"cat\": [\"power.\", \"x\"]}}, {\"var\": \"\"},"
        " {\"===\": [{\"var\": {\"cat\": [\"act.\", \"kind\"]}}, \"cake\"]}]}},"
        "{\"id\": \"many\", \"dimension\": \"d\", \"weight\": 1, \"because\": \"b\", \"source\": \"s\","
        " \"when\": {\"in\": [{\"var\": \"act.kind\"}, [");
    for (int k = 0; k < 70; k++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s\"k%d\"", k ? ", " : "", k);
    n += (size_t)snprintf(text + n, sizeof text - n, "]]}}]}");
    assert_true(n < sizeof text);
    kc_ctx *ctx = NULL;
    kc_ruleset *rs = NULL;
    kc_diag *d = NULL;
    kc_error err;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    /* Two findings per kind: more than the default 50 are kept. */
    assert_int_equal(kc_ctx_set_limit(ctx, KC_LIMIT_ERRORS, 1000), KC_OK);
    if (kc_ruleset_load_string(ctx, text, n, "k.json", &rs, &err) != KC_OK)
        fail_msg("%s", err.message);
    assert_int_equal(kc_ruleset_lint(rs, NULL, 0, &d), KC_OK);
    /* power.* is read only through a computed path, which names no side. */
    assert_true(has_message(d, "no rule considers the power between giver and receiver (power.*)"));
    assert_false(has_message(d, "no rule considers the relationship between them (relationship.*)"));
    assert_false(has_message(d, "no rule considers their history (history.*)"));
    /* The kinds found, each once: the relationship and history are read by
     * the tea rule alone, so every other kind lacks them. */
    assert_false(has_finding(d, "for act kind \"tea\""));
    assert_true(has_finding(d, "for act kind \"gift\", no rule considers their history"));
    assert_true(has_finding(d, "for act kind \"soup\", no rule considers their history"));
    assert_true(has_finding(d, "for act kind \"k60\", no rule considers their history"));
    assert_false(has_finding(d, "for act kind \"k61\"")); /* past the 64th kind */
    assert_false(has_finding(d, "for act kind \"cake\"")); /* computed path */
    size_t gift = 0;
    for (size_t i = 0; i < kc_diag_count(d); i++)
        gift += strstr(kc_diag_get(d, i)->message, "act kind \"gift\", no rule considers their "
                                                   "history") != NULL;
    assert_int_equal(gift, 1);
    kc_diag_free(d);
    kc_ruleset_free(rs);
    kc_ctx_free(ctx);
}

/* Linting allocates (the findings, the counts, a result): each allocation
 * failing in turn gives KC_ENOMEM and leaves nothing behind. */
static void allocation_failures_during_lint(void **state)
{
    (void)state;
    kc_test_alloc t = {0};
    kc_allocator a = kc_test_allocator(&t);
    kc_ctx *ctx = NULL;
    kc_ruleset *rs = NULL;
    assert_int_equal(kc_ctx_create(&ctx, &a), KC_OK);
    assert_int_equal(kc_ruleset_load_string(ctx, tiny_rules, sizeof tiny_rules - 1, "t", &rs, NULL),
                     KC_OK);
    const char *text = "{\"request\": {\"urgency\": 0.2}, \"act\": {\"kind\": \"flowers\"}}";
    kc_doc *doc = NULL;
    assert_int_equal(kc_doc_parse(ctx, text, strlen(text), NULL, &doc, NULL), KC_OK);
    const kc_value *root = kc_doc_root(doc);
    const size_t live = t.live, before = t.calls;
    kc_diag *d = NULL;
    assert_int_equal(kc_ruleset_lint(rs, &root, 1, &d), KC_OK);
    const size_t total = t.calls - before;
    kc_diag_free(d);
    assert_int_equal(t.live, live);
    assert_true(total > 2);
    for (size_t k = 1; k <= total; k++) {
        t.fail_at = t.calls + k;
        d = (kc_diag *)&t;
        assert_int_equal(kc_ruleset_lint(rs, &root, 1, &d), KC_ENOMEM);
        assert_null(d);
        assert_int_equal(t.live, live);
    }
    t.fail_at = 0;
    kc_doc_free(doc);
    kc_ruleset_free(rs);
    kc_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bundled_rules_see_every_side),
        cmocka_unit_test(a_rule_set_without_power_is_flagged),
        cmocka_unit_test(firing_extremes_and_per_kind_gaps),
        cmocka_unit_test(kinds_and_sides_read_every_way),
        cmocka_unit_test(allocation_failures_during_lint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
