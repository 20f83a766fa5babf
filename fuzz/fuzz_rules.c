/* fuzz_rules.c - the rule-set loader: kc_builder_add_string + kc_builder_build
 * on untrusted bytes (no NUL terminator), composed after the bundled rule set
 * when the first byte is odd. A rule set that builds is introspected, linted
 * and judged against a fixed scenario, and the result read in full, so fuzzed
 * conditions and templates run too; when the first byte has bit 2 set ('\r'
 * does, '{' does not), so does the search for changes, which is slow. Text
 * that parses is also added as a parsed document, which must build alike. */
#include "fuzz_common.h"

static void use_ruleset(kc_ctx *ctx, const kc_ruleset *rs, int deep)
{
    const size_t n = kc_ruleset_rule_count(rs);
    for (size_t i = 0; i < n; i++) {
        kc_rule_info info;
        FUZZ_CHECK(kc_ruleset_rule(rs, i, &info) == KC_OK);
        FUZZ_CHECK(info.id && info.dimension && info.because && info.file);
        kc_rule_info again;
        FUZZ_CHECK(kc_ruleset_find_rule(rs, info.id, &again) == KC_OK);
    }
    for (size_t i = 0; i < kc_ruleset_dimension_count(rs); i++)
        FUZZ_CHECK(kc_ruleset_dimension_id(rs, i) && kc_ruleset_dimension_label(rs, i));
    for (size_t i = 0; i < kc_ruleset_verdict_count(rs); i++)
        FUZZ_CHECK(kc_ruleset_verdict_id(rs, i) && kc_ruleset_verdict_label(rs, i));
    FUZZ_CHECK(kc_ruleset_name(rs) && kc_ruleset_version(rs));

    /* Judge the fixed scenario, then a bare one (everything unknown), into
     * the same result: the second run reuses the first one's memory. */
    kc_scenario *sc = NULL;
    kc_result *res = NULL;
    if (kc_scenario_parse(ctx, fuzz_scenario_text, sizeof fuzz_scenario_text - 1, "<fixed>", &sc,
                          NULL) != KC_OK ||
        kc_result_create(ctx, &res) != KC_OK)
        __builtin_trap();
    static const char bare[] = "{\"id\":\"bare\"}";
    kc_doc *bare_doc = NULL;
    FUZZ_CHECK(kc_doc_parse(ctx, bare, sizeof bare - 1, NULL, &bare_doc, NULL) == KC_OK);
    const kc_value *roots[2] = {kc_scenario_root(sc), kc_doc_root(bare_doc)};
    kc_diag *lint = NULL;
    FUZZ_CHECK(kc_ruleset_lint(rs, roots, 2, &lint) == KC_OK && lint != NULL);
    for (size_t i = 0; i < kc_diag_count(lint); i++)
        FUZZ_CHECK(kc_diag_get(lint, i)->message[0] != '\0');
    kc_diag_free(lint);
    for (int k = 0; k < 2; k++) {
        kc_error err;
        const kc_status st = kc_evaluate(rs, roots[k], res, &err);
        FUZZ_CHECK(st == KC_OK || st == KC_ELIMIT);
        if (st == KC_OK)
            fuzz_read_result(ctx, res, deep && k == 0);
    }
    kc_result_free(res);
    kc_doc_free(bare_doc);
    kc_scenario_free(sc);
}

/* The same text parsed first and added as a document (kc_builder_add_doc)
 * builds or fails alike, with the same problems in the same order. */
static void same_from_a_document(kc_ctx *ctx, const char *text, size_t size, int with_default,
                                 kc_status built, const kc_diag *want)
{
    kc_doc *doc = NULL;
    if (kc_doc_parse(ctx, text, size, "fuzz.json", &doc, NULL) != KC_OK)
        return; /* a parse error is the text's alone */
    kc_builder *b = NULL;
    FUZZ_CHECK(kc_builder_create(ctx, &b) == KC_OK);
    if (with_default)
        FUZZ_CHECK(kc_builder_add_default(b) == KC_OK);
    kc_builder_add_doc(b, doc);
    kc_doc_free(doc); /* only read */
    kc_ruleset *rs = NULL;
    FUZZ_CHECK(kc_builder_build(b, &rs) == built);
    const kc_diag *got = kc_builder_diagnostics(b);
    FUZZ_CHECK(kc_diag_count(got) == kc_diag_count(want));
    for (size_t i = 0; i < kc_diag_count(got); i++) {
        const kc_error *x = kc_diag_get(got, i), *y = kc_diag_get(want, i);
        FUZZ_CHECK(x->status == y->status && x->line == y->line && x->column == y->column);
        FUZZ_CHECK(strcmp(x->path, y->path) == 0 && strcmp(x->message, y->message) == 0);
    }
    kc_ruleset_free(rs);
    kc_builder_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kc_ctx *ctx = NULL;
    if (kc_ctx_create(&ctx, NULL) != KC_OK)
        return 0;
    char *text = fuzz_copy(data, size);
    kc_builder *b = NULL;
    if (!text || kc_builder_create(ctx, &b) != KC_OK)
        goto done;
    if (size > 0 && (data[0] & 1u))
        FUZZ_CHECK(kc_builder_add_default(b) == KC_OK);
    const kc_status added = kc_builder_add_string(b, text, size, "fuzz.json");
    kc_ruleset *rs = (kc_ruleset *)b; /* must be overwritten */
    const kc_status built = kc_builder_build(b, &rs);
    const kc_diag *d = kc_builder_diagnostics(b);
    if (built == KC_OK) {
        FUZZ_CHECK(rs != NULL && added == KC_OK && kc_diag_count(d) == 0);
    } else {
        /* Nothing half-built; every failure is explained, with a position or a path. */
        FUZZ_CHECK(rs == NULL && kc_diag_count(d) > 0);
        FUZZ_CHECK(added == KC_OK || added == kc_diag_get(d, 0)->status);
    }
    for (size_t i = 0; i < kc_diag_count(d); i++) {
        const kc_error *e = kc_diag_get(d, i);
        FUZZ_CHECK(e && e->status != KC_OK && e->message[0] != '\0');
        char line[1024];
        const size_t need = kc_error_format(e, line, sizeof line);
        FUZZ_CHECK(need > 0 && strlen(line) == (need < sizeof line ? need : sizeof line - 1));
    }
    same_from_a_document(ctx, text, size, size > 0 && (data[0] & 1u), built, d);
    if (rs) {
        use_ruleset(ctx, rs, size > 0 && (data[0] & 4u));
        kc_ruleset_free(rs);
    }
    kc_builder_free(b);
done:
    free(text);
    kc_ctx_free(ctx);
    return 0;
}
