/* fuzz_logic.c - JSON Logic compile + evaluate. The input's first line is the
 * rule, the rest the data (none: data is null). The compiled rule runs twice
 * on one kc_eval (the second run reuses the first one's memory and must give
 * the same answer), then once more as the condition of a one-rule rule set
 * judged with kc_evaluate, where missing facts make it undecided instead of
 * false. */
#include "fuzz_common.h"

/* The outcome of one run as text: "R" + the result as JSON, "T" + the thrown
 * value as JSON, or "L" for a limit. Caller frees with free(). */
static char *outcome(kc_ctx *ctx, kc_eval *ev, const kc_logic *lg, const kc_value *data)
{
    const kc_value *result = (const kc_value *)ev; /* must be overwritten */
    kc_error err;
    const kc_status st = kc_logic_run(ev, lg, data, &result, &err);
    FUZZ_CHECK(st == KC_OK || st == KC_ETHROWN || st == KC_ELIMIT);
    FUZZ_CHECK((st == KC_OK) == (result != NULL));
    FUZZ_CHECK((st == KC_ETHROWN) == (kc_eval_thrown(ev) != NULL));
    char *json = NULL;
    size_t len = 0;
    if (st == KC_OK)
        FUZZ_CHECK(kc_value_to_json(ctx, result, &json, &len) == KC_OK);
    else if (st == KC_ETHROWN)
        FUZZ_CHECK(kc_value_to_json(ctx, kc_eval_thrown(ev), &json, &len) == KC_OK);
    char *out = malloc(len + 2);
    FUZZ_CHECK(out != NULL);
    out[0] = st == KC_OK ? 'R' : st == KC_ETHROWN ? 'T' : 'L';
    if (json)
        memcpy(out + 1, json, len);
    out[len + 1] = '\0';
    kc_free(ctx, json);
    return out;
}

/* The rule as the condition of a minimal rule set, judged against data:
 * whether the rule fired (2), stayed undecided (1) or neither (0); -1 when it
 * did not load. wrap: the condition is {"if": [rule, true, false]}, which
 * means the same but is always judged by walking the tree, while a condition
 * made of comparisons alone is judged by its step list (lib/jl_prog.c): the
 * two must agree. */
static int judged(kc_ctx *ctx, const char *rule, size_t rule_len, const kc_value *data, int wrap)
{
    static const char head[] =
        "{\"kindctx\":\"ruleset/1\",\"name\":\"f\",\"version\":\"1\","
        "\"dimensions\":[{\"id\":\"d\",\"label\":\"d\"}],"
        "\"verdicts\":[{\"id\":\"good\",\"label\":\"good\"},{\"id\":\"bad\",\"label\":\"bad\"}],"
        "\"policy\":{\"bands\":[{\"verdict\":\"good\",\"min\":1},{\"verdict\":\"bad\"}]},"
        "\"rules\":[{\"id\":\"r\",\"dimension\":\"d\",\"weight\":1,\"veto\":\"bad\","
        "\"because\":\"because\",\"source\":\"fuzz\",\"when\":";
    static const char tail[] = "}]}";
    static const char if_head[] = "{\"if\":[";
    static const char if_tail[] = ",true,false]}";
    const size_t extra = wrap ? sizeof if_head - 1 + sizeof if_tail - 1 : 0;
    const size_t len = sizeof head - 1 + rule_len + extra + sizeof tail - 1;
    char *text = malloc(len);
    if (!text)
        return -1;
    size_t at = 0;
    memcpy(text + at, head, sizeof head - 1);
    at += sizeof head - 1;
    if (wrap) {
        memcpy(text + at, if_head, sizeof if_head - 1);
        at += sizeof if_head - 1;
    }
    memcpy(text + at, rule, rule_len);
    at += rule_len;
    if (wrap) {
        memcpy(text + at, if_tail, sizeof if_tail - 1);
        at += sizeof if_tail - 1;
    }
    memcpy(text + at, tail, sizeof tail - 1);
    kc_ruleset *rs = NULL;
    kc_error err;
    int outcome = -1;
    if (kc_ruleset_load_string(ctx, text, len, "<wrapped>", &rs, &err) == KC_OK) {
        kc_result *res = NULL;
        FUZZ_CHECK(kc_result_create(ctx, &res) == KC_OK);
        const kc_status st = kc_evaluate(rs, data, res, &err);
        FUZZ_CHECK(st == KC_OK || st == KC_ELIMIT);
        if (st == KC_OK) {
            /* The one rule fired, stayed undecided, or did neither. */
            FUZZ_CHECK(kc_result_fired_count(res) + kc_result_undecided_count(res) <= 1);
            fuzz_read_result(ctx, res, 1);
            outcome = kc_result_fired_count(res) ? 2 : kc_result_undecided_count(res) ? 1 : 0;
        }
        kc_result_free(res);
        kc_ruleset_free(rs);
    } else {
        FUZZ_CHECK(rs == NULL && err.status != KC_OK);
    }
    free(text);
    return outcome;
}

static void as_condition(kc_ctx *ctx, const char *rule, size_t rule_len, const kc_value *data)
{
    const int plain = judged(ctx, rule, rule_len, data, 0);
    if (plain < 0)
        return;
    const int tree = judged(ctx, rule, rule_len, data, 1);
    /* The wrapped rule set can fail to load only on a limit it alone
     * reaches (one level deeper). */
    FUZZ_CHECK(tree < 0 || tree == plain);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = size ? memchr(data, '\n', size) : NULL;
    const size_t rule_len = nl ? (size_t)(nl - data) : size;
    const size_t data_len = nl ? size - rule_len - 1 : 0;
    kc_ctx *ctx = NULL;
    if (kc_ctx_create(&ctx, NULL) != KC_OK)
        return 0;
    /* Keep the memory of one evaluation well below libFuzzer's RSS limit. */
    kc_ctx_set_limit(ctx, KC_LIMIT_EVAL_BYTES, (size_t)16 << 20);
    char *rule = fuzz_copy(data, rule_len);
    char *dtext = nl ? fuzz_copy(nl + 1, data_len) : NULL;
    kc_doc *doc = NULL;
    kc_logic *lg = NULL;
    kc_eval *ev = NULL;
    if (!rule || (nl && !dtext))
        goto done;
    if (nl && kc_doc_parse(ctx, dtext, data_len, "data", &doc, NULL) != KC_OK)
        goto done;
    const kc_value *root = doc ? kc_doc_root(doc) : NULL;

    kc_error err;
    const kc_status cs = kc_logic_compile(ctx, rule, rule_len, &lg, &err);
    FUZZ_CHECK((cs == KC_OK) == (lg != NULL) && err.status == cs);
    if (cs != KC_OK)
        goto done;
    FUZZ_CHECK(kc_eval_create(ctx, &ev) == KC_OK);
    char *first = outcome(ctx, ev, lg, root);
    char *second = outcome(ctx, ev, lg, root);
    FUZZ_CHECK(strcmp(first, second) == 0);
    free(first);
    free(second);
    if (root) {
        as_condition(ctx, rule, rule_len, root);
    } else {
        kc_doc *empty = NULL;
        FUZZ_CHECK(kc_doc_parse(ctx, "{}", 2, NULL, &empty, NULL) == KC_OK);
        as_condition(ctx, rule, rule_len, kc_doc_root(empty));
        kc_doc_free(empty);
    }
done:
    kc_eval_free(ev);
    kc_logic_free(lg);
    kc_doc_free(doc);
    free(dtext);
    free(rule);
    kc_ctx_free(ctx);
    return 0;
}
