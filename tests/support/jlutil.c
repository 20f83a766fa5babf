/* jlutil.c - table-driven JSON Logic checks. */
#include "jlutil.h"

#include <stdio.h>
#include <string.h>

static kc_doc *parse_or_fail(kc_ctx *ctx, const char *text)
{
    kc_doc *doc = NULL;
    kc_error err;
    if (kc_doc_parse(ctx, text, strlen(text), NULL, &doc, &err) != KC_OK) {
        char msg[512];
        kc_error_format(&err, msg, sizeof msg);
        fail_msg("test input does not parse: %s: %s", text, msg);
    }
    return doc;
}

void jl_check(kc_ctx *ctx, const jl_case *c)
{
    kc_error err;
    kc_logic *logic = NULL;
    kc_status st = kc_logic_compile(ctx, c->rule, strlen(c->rule), &logic, &err);
    if (c->error && strncmp(c->error, "compile:", 8) == 0) {
        if (st == KC_OK)
            fail_msg("%s: expected compile error %s, compiled fine", c->rule, c->error + 8);
        if (strcmp(kc_status_name(st), c->error + 8) != 0)
            fail_msg("%s: expected %s, got %s (%s)", c->rule, c->error + 8, kc_status_name(st),
                     err.message);
        assert_null(logic);
        return;
    }
    if (st != KC_OK)
        fail_msg("%s: compile failed: %s %s", c->rule, kc_status_name(st), err.message);

    kc_doc *data = c->data ? parse_or_fail(ctx, c->data) : NULL;
    kc_eval *ev = NULL;
    assert_int_equal(kc_eval_create(ctx, &ev), KC_OK);
    const kc_value *result = NULL;
    st = kc_logic_run(ev, logic, data ? kc_doc_root(data) : NULL, &result, &err);
    if (c->error) {
        if (st != KC_ETHROWN) {
            char *json = NULL;
            if (st == KC_OK)
                kc_value_to_json(ctx, result, &json, NULL);
            fail_msg("%s: expected error %s, got %s %s", c->rule, c->error, kc_status_name(st),
                     json ? json : "");
        }
        assert_null(result);
        const kc_value *type = kc_value_get(kc_eval_thrown(ev), "type", 4);
        const char *got = kc_value_string(type, NULL);
        if (!got || strcmp(got, c->error) != 0)
            fail_msg("%s: expected error type %s, got %s", c->rule, c->error, got ? got : "?");
    } else {
        if (st != KC_OK)
            fail_msg("%s: run failed: %s %s", c->rule, kc_status_name(st), err.message);
        kc_doc *want = parse_or_fail(ctx, c->expect);
        if (!kc_value_equal(result, kc_doc_root(want))) {
            char *json = NULL;
            kc_value_to_json(ctx, result, &json, NULL);
            kc_doc_free(want);
            fail_msg("%s with %s: expected %s, got %s", c->rule, c->data ? c->data : "null",
                     c->expect, json ? json : "?");
        }
        kc_doc_free(want);
    }
    kc_eval_free(ev);
    kc_doc_free(data);
    kc_logic_free(logic);
}

void jl_check_all(kc_ctx *ctx, const jl_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++)
        jl_check(ctx, &cases[i]);
}
