/* fuzz_template.c - explanation templates. The input is the text of a rule's
 * "because" and "advice" (escaped into a one-rule rule set, so the template
 * is exactly the input bytes); the rule always fires, and its explanation is
 * rendered against a scenario with a value of every type, then against one
 * where every placeholder is unknown, through kc_result_fired,
 * kc_result_summary and kc_result_to_json. */
#include "fuzz_common.h"

/* Appends s[0..n) as the inside of a JSON string. Returns the new end. */
static char *put_escaped(char *o, const uint8_t *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        const uint8_t c = s[i];
        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        } else if (c < 0x20) {
            memcpy(o, "\\u00", 4);
            o[4] = hex[c >> 4];
            o[5] = hex[c & 15];
            o += 6;
        } else {
            *o++ = (char)c;
        }
    }
    return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char head[] =
        "{\"kindctx\":\"ruleset/1\",\"name\":\"t\",\"version\":\"1\","
        "\"dimensions\":[{\"id\":\"d\",\"label\":\"d\"}],"
        "\"verdicts\":[{\"id\":\"good\",\"label\":\"good\"},{\"id\":\"bad\",\"label\":\"bad\"}],"
        "\"policy\":{\"bands\":[{\"verdict\":\"good\",\"min\":1},{\"verdict\":\"bad\"}]},"
        "\"rules\":[{\"id\":\"t\",\"dimension\":\"d\",\"weight\":2,\"when\":true,"
        "\"source\":\"fuzz\",\"because\":\"";
    static const char mid[] = "\",\"advice\":\"";
    static const char tail[] = "\"}]}";
    if (size > 4096) /* templates are sentences; keep executions fast */
        return 0;
    const size_t cap = sizeof head + sizeof mid + sizeof tail + 12 * size;
    char *text = malloc(cap);
    if (!text)
        return 0;
    char *o = text;
    memcpy(o, head, sizeof head - 1);
    o = put_escaped(o + sizeof head - 1, data, size);
    memcpy(o, mid, sizeof mid - 1);
    o = put_escaped(o + sizeof mid - 1, data, size);
    memcpy(o, tail, sizeof tail - 1);
    o += sizeof tail - 1;
    const size_t len = (size_t)(o - text);

    kc_ctx *ctx = NULL;
    kc_ruleset *rs = NULL;
    kc_scenario *sc = NULL;
    kc_doc *bare = NULL;
    kc_result *res = NULL;
    if (kc_ctx_create(&ctx, NULL) != KC_OK)
        goto done;
    kc_error err;
    const kc_status st = kc_ruleset_load_string(ctx, text, len, "<template>", &rs, &err);
    if (st != KC_OK) {
        /* A bad placeholder, or bytes that are not UTF-8. */
        FUZZ_CHECK(rs == NULL && (st == KC_ESCHEMA || st == KC_EENCODING || st == KC_ELIMIT));
        FUZZ_CHECK(err.status == st && err.line >= 1 && err.message[0] != '\0');
        goto done;
    }
    FUZZ_CHECK(kc_scenario_parse(ctx, fuzz_scenario_text, sizeof fuzz_scenario_text - 1, NULL,
                                 &sc, NULL) == KC_OK);
    FUZZ_CHECK(kc_doc_parse(ctx, "{\"id\":\"bare\"}", 13, NULL, &bare, NULL) == KC_OK);
    FUZZ_CHECK(kc_result_create(ctx, &res) == KC_OK);
    const kc_value *roots[2] = {kc_scenario_root(sc), kc_doc_root(bare)};
    for (int k = 0; k < 2; k++) {
        FUZZ_CHECK(kc_evaluate(rs, roots[k], res, NULL) == KC_OK);
        FUZZ_CHECK(kc_result_fired_count(res) == 1);
        kc_finding f;
        FUZZ_CHECK(kc_result_fired(res, 0, &f) == KC_OK && f.because && f.advice);
        fuzz_read_result(ctx, res, 1);
    }
done:
    kc_result_free(res);
    kc_doc_free(bare);
    kc_scenario_free(sc);
    kc_ruleset_free(rs);
    kc_ctx_free(ctx);
    free(text);
    return 0;
}
