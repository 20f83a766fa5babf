/* fuzz_scenario.c - the scenario parser on untrusted bytes (no NUL
 * terminator): kc_scenario_parse and kc_scenario_check must agree on the
 * first problem, the strict reader must accept the same inputs with and
 * without positions, and whatever it accepts must survive a round trip
 * through kc_value_to_json. A scenario that parses is judged with the
 * bundled rule set; one input in four (by length) also runs the search for
 * changes. */
#include "fuzz_common.h"

/* The bundled rule set, compiled once and then only read (a kc_ruleset is
 * immutable), so every input is judged without paying for the load. */
static kc_ctx *rules_ctx;
static kc_ruleset *rules;

static void free_bundled_rules(void)
{
    kc_ruleset_free(rules);
    kc_ctx_free(rules_ctx);
    rules = NULL;
    rules_ctx = NULL;
}

static const kc_ruleset *bundled_rules(void)
{
    if (!rules) {
        if (kc_ctx_create(&rules_ctx, NULL) != KC_OK ||
            kc_ruleset_load_default(rules_ctx, &rules, NULL) != KC_OK)
            __builtin_trap();
        atexit(free_bundled_rules); /* so valgrind sees nothing left over */
    }
    return rules;
}

static void round_trip(kc_ctx *ctx, const kc_value *root)
{
    char *json = NULL;
    size_t len = 0;
    FUZZ_CHECK(kc_value_to_json(ctx, root, &json, &len) == KC_OK && strlen(json) == len);
    kc_doc *again = NULL;
    const kc_status st = kc_doc_parse(ctx, json, len, "<again>", &again, NULL);
    /* Compact output is never larger than its input, but numbers may be
     * written out longer (1e5 as 100000), so the size limit may bite. */
    FUZZ_CHECK(st == KC_OK || st == KC_ELIMIT);
    if (st == KC_OK)
        FUZZ_CHECK(kc_value_equal(root, kc_doc_root(again)));
    kc_doc_free(again);
    kc_free(ctx, json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kc_ctx *ctx = NULL;
    if (kc_ctx_create(&ctx, NULL) != KC_OK)
        return 0;
    char *text = fuzz_copy(data, size);
    if (!text)
        goto done;

    /* The strict reader alone, with and without positions. */
    kc_doc *doc = NULL, *fast = NULL;
    kc_error e1, e2;
    const kc_status d1 = kc_doc_parse(ctx, text, size, "fuzz.json", &doc, &e1);
    const kc_status d2 = kc_doc_parse_ex(ctx, text, size, "fuzz.json", 0, &fast, &e2);
    FUZZ_CHECK(d1 == d2 && e1.status == d1);
    FUZZ_CHECK((d1 == KC_OK) == (doc != NULL) && (d2 == KC_OK) == (fast != NULL));
    if (d1 != KC_OK)
        FUZZ_CHECK(e1.line == e2.line && e1.column == e2.column && e1.offset <= size &&
                   e1.line >= 1 && strcmp(e1.message, e2.message) == 0);
    if (doc) {
        FUZZ_CHECK(kc_value_equal(kc_doc_root(doc), kc_doc_root(fast)));
        round_trip(ctx, kc_doc_root(doc));
    }
    kc_doc_free(fast);
    kc_doc_free(doc);

    /* The scenario parser, and the checker that reports every problem. */
    kc_scenario *sc = (kc_scenario *)ctx; /* must be overwritten */
    kc_error err;
    const kc_status st = kc_scenario_parse(ctx, text, size, "fuzz.json", &sc, &err);
    FUZZ_CHECK((st == KC_OK) == (sc != NULL) && err.status == st);
    kc_diag *diag = NULL;
    const kc_status cs = kc_scenario_check(ctx, text, size, "fuzz.json", &diag);
    FUZZ_CHECK(cs == st && diag != NULL);
    FUZZ_CHECK((st == KC_OK) == (kc_diag_count(diag) == 0));
    if (st != KC_OK) {
        const kc_error *first = kc_diag_get(diag, 0);
        FUZZ_CHECK(first && first->status == err.status && first->line == err.line &&
                   first->column == err.column);
    }
    for (size_t i = 0; i < kc_diag_count(diag); i++) {
        char line[1024];
        FUZZ_CHECK(kc_error_format(kc_diag_get(diag, i), line, sizeof line) > 0);
    }
    kc_diag_free(diag);

    if (sc) {
        FUZZ_CHECK(kc_scenario_id(sc) != NULL && kc_scenario_root(sc) != NULL);
        kc_result *res = NULL;
        FUZZ_CHECK(kc_result_create(ctx, &res) == KC_OK);
        const kc_status es = kc_evaluate(bundled_rules(), kc_scenario_root(sc), res, NULL);
        FUZZ_CHECK(es == KC_OK || es == KC_ELIMIT);
        if (es == KC_OK)
            fuzz_read_result(ctx, res, (size & 3u) == 0);
        kc_result_free(res);
        kc_scenario_free(sc);
    }
done:
    free(text);
    kc_ctx_free(ctx);
    return 0;
}
