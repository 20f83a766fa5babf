/* test_jl_compat.c - every case of the JSON Logic compatibility suites.
 *
 * The suites (tests/data/jsonlogic, Apache-2.0, see LICENSE there) are read
 * with kindctx's own JSON reader; each case's rule is compiled and run against
 * its data in one long-lived kc_eval, and compared with the expected result or
 * error type. A rule that fails to compile counts as the error type its
 * status maps to ("Invalid Arguments", "Unknown Operator"). Prints per-suite
 * pass counts and fails on any mismatch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

typedef struct totals {
    size_t passed, total;
} totals;

static const char *compile_error_type(kc_status st)
{
    return st == KC_EOPERATOR ? "Unknown Operator" : st == KC_EARGS ? "Invalid Arguments" : "?";
}

static int same_type_string(const kc_value *err, const kc_value *expected)
{
    const kc_value *a = kc_value_get(err, "type", 4);
    const kc_value *b = kc_value_get(expected, "type", 4);
    return a && b && kc_value_equal(a, b);
}

static void describe(kc_ctx *ctx, const char *suite, const kc_value *c, const char *got)
{
    char *json = NULL;
    kc_value_to_json(ctx, c, &json, NULL);
    print_message("MISMATCH %s: %s\n    got %s\n", suite, json ? json : "?", got);
    kc_free(ctx, json);
}

static void run_case(kc_ctx *ctx, kc_eval *ev, const char *suite, const kc_value *c,
                     totals *t)
{
    const kc_value *rule = kc_value_get(c, "rule", 4);
    const kc_value *data = kc_value_get(c, "data", 4);
    const kc_value *want = kc_value_get(c, "result", 6);
    const kc_value *want_err = kc_value_get(c, "error", 5);
    assert_non_null(rule);
    assert_true(want || want_err);
    t->total++;

    kc_logic *logic = NULL;
    kc_error err;
    kc_status st = kc_logic_compile_value(ctx, rule, NULL, &logic, &err);
    if (st) {
        assert_null(logic);
        const kc_value *type = want_err ? kc_value_get(want_err, "type", 4) : NULL;
        const char *got = compile_error_type(st);
        if (type && strcmp(kc_value_string(type, NULL), got) == 0) {
            t->passed++;
        } else {
            char msg[600];
            snprintf(msg, sizeof msg, "compile error %s: %s", kc_status_name(st), err.message);
            describe(ctx, suite, c, msg);
        }
        return;
    }
    const kc_value *result = NULL;
    st = kc_logic_run(ev, logic, data, &result, &err);
    if (st == KC_OK && want && kc_value_equal(result, want)) {
        t->passed++;
    } else if (st == KC_ETHROWN && want_err && same_type_string(kc_eval_thrown(ev), want_err)) {
        assert_null(result);
        t->passed++;
    } else {
        char *json = NULL;
        if (st == KC_OK)
            kc_value_to_json(ctx, result, &json, NULL);
        else if (st == KC_ETHROWN)
            kc_value_to_json(ctx, kc_eval_thrown(ev), &json, NULL);
        char msg[600];
        snprintf(msg, sizeof msg, "%s %s", kc_status_name(st), json ? json : err.message);
        kc_free(ctx, json);
        describe(ctx, suite, c, msg);
    }
    kc_logic_free(logic);
}

static void all_suites_pass(void **state)
{
    (void)state;
    kc_ctx *ctx = NULL;
    kc_eval *ev = NULL;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    assert_int_equal(kc_eval_create(ctx, &ev), KC_OK);

    kc_doc *index = NULL;
    kc_error err;
    assert_int_equal(kc_doc_load_file(ctx, kc_test_data_path("jsonlogic/suites/index.json"),
                                      &index, &err),
                     KC_OK);
    totals all = {0, 0};
    const kc_value *names = kc_doc_root(index);
    for (size_t i = 0; i < kc_value_count(names); i++) {
        const char *name = kc_value_string(kc_value_at(names, i), NULL);
        char rel[256];
        snprintf(rel, sizeof rel, "jsonlogic/suites/%s", name);
        kc_doc *suite = NULL;
        kc_status st = kc_doc_load_file(ctx, kc_test_data_path(rel), &suite, &err);
        if (st) {
            char msg[1024];
            kc_error_format(&err, msg, sizeof msg);
            fail_msg("%s", msg);
        }
        totals t = {0, 0};
        const kc_value *cases = kc_doc_root(suite);
        for (size_t k = 0; k < kc_value_count(cases); k++) {
            const kc_value *c = kc_value_at(cases, k);
            if (kc_value_type(c) == KC_TYPE_OBJECT)
                run_case(ctx, ev, name, c, &t);
        }
        print_message("%-32s %4zu / %zu\n", name, t.passed, t.total);
        all.passed += t.passed;
        all.total += t.total;
        kc_doc_free(suite);
    }
    print_message("%-32s %4zu / %zu\n", "all suites", all.passed, all.total);
    kc_doc_free(index);
    kc_eval_free(ev);
    kc_ctx_free(ctx);
    assert_int_equal(all.total, 1138);
    assert_int_equal(all.passed, all.total);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(all_suites_pass),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
