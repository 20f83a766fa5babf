/* test_jl_eval.c - evaluation, one table per operator family, plus scopes,
 * three-valued mode, memory reuse and limits. */
#include <string.h>

#include "jl.h"
#include "jlutil.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static kc_ctx *new_ctx(void)
{
    kc_ctx *ctx = NULL;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    return ctx;
}

static void variables(void **state)
{
    (void)state;
    static const jl_case cases[] = {
        {"{\"var\": \"a\"}", "{\"a\": 1}", "1", NULL},
        {"{\"var\": \"a.b.1\"}", "{\"a\": {\"b\": [5, 6]}}", "6", NULL},
        {"{\"var\": [\"x\", 7]}", "{}", "7", NULL},
        {"{\"var\": [\"x\", 7]}", "{\"x\": null}", "7", NULL},
        {"{\"var\": [\"x\", 7]}", "{\"x\": false}", "false", NULL},
        {"{\"var\": \"\"}", "[1, 2]", "[1, 2]", NULL},
        {"{\"var\": 1}", "[\"a\", \"b\"]", "\"b\"", NULL},
        {"{\"var\": \"01\"}", "[\"a\", \"b\"]", "null", NULL},
        {"{\"var\": {\"cat\": [\"a\", \".\", \"b\"]}}", "{\"a\": {\"b\": 3}}", "3", NULL},
        {"{\"val\": [\"a.b\"]}", "{\"a.b\": 1, \"a\": {\"b\": 2}}", "1", NULL},
        {"{\"val\": [\"a\", \"b\"]}", "{\"a\": {\"b\": 2}}", "2", NULL},
        {"{\"val\": \"A\"}", "{\"a\": 1, \"A\": 2}", "2", NULL},
        {"{\"exists\": [\"a\", \"b\"]}", "{\"a\": {\"b\": null}}", "true", NULL},
        {"{\"exists\": \"z\"}", "{\"a\": 1}", "false", NULL},
        {"{\"missing\": [\"a\", \"b.c\", \"d\"]}", "{\"a\": \"\", \"b\": {\"c\": 0}}",
         "[\"a\", \"d\"]", NULL},
        {"{\"missing_some\": [1, [\"a\", \"b\"]]}", "{\"b\": 1}", "[]", NULL},
        {"{\"missing_some\": [2, [\"a\", \"b\", \"c\"]]}", "{\"b\": 1}", "[\"a\", \"c\"]", NULL},
    };
    kc_ctx *ctx = new_ctx();
    jl_check_all(ctx, cases, N(cases));
    kc_ctx_free(ctx);
}

static void logic_and_truthiness(void **state)
{
    (void)state;
    static const jl_case cases[] = {
        {"{\"and\": [1, \"\", {\"throw\": \"lazy\"}]}", NULL, "\"\"", NULL},
        {"{\"or\": [0, [], \"x\"]}", NULL, "\"x\"", NULL},
        {"{\"or\": [0, []]}", NULL, "[]", NULL},
        {"{\"!\": [[]]}", NULL, "true", NULL},
        {"{\"!!\": [{}]}", NULL, "true", NULL},
        {"{\"!!\": \"0\"}", NULL, "true", NULL},
        {"{\"if\": [false, 1, null, 2, 3]}", NULL, "3", NULL},
        {"{\"?:\": [true, 1, 2]}", NULL, "1", NULL},
        {"{\"??\": [null, {\"var\": \"x\"}, 0, 1]}", "{}", "0", NULL},
    };
    kc_ctx *ctx = new_ctx();
    jl_check_all(ctx, cases, N(cases));
    kc_ctx_free(ctx);
}

static void comparison(void **state)
{
    (void)state;
    static const jl_case cases[] = {
        {"{\"==\": [1, \"1\"]}", NULL, "true", NULL},
        {"{\"==\": [null, 0]}", NULL, "true", NULL},
        {"{\"==\": [\"a\", \"a\"]}", NULL, "true", NULL},
        {"{\"==\": [1, \"x\"]}", NULL, NULL, "NaN"},
        {"{\"==\": [[1], [1]]}", NULL, NULL, "NaN"},
        {"{\"===\": [{\"preserve\": [1, {\"a\": 2}]}, {\"preserve\": [1, {\"a\": 2}]}]}", NULL, "true", NULL},
        {"{\"!==\": [1, \"1\"]}", NULL, "true", NULL},
        {"{\"<\": [1, 2, 3]}", NULL, "true", NULL},
        {"{\"<\": [1, 3, 2]}", NULL, "false", NULL},
        {"{\"<=\": [\"abc\", \"abd\"]}", NULL, "true", NULL},
        {"{\">\": [\"b\", \"a\"]}", NULL, "true", NULL},
        {"{\">=\": [2, \"x\"]}", NULL, NULL, "NaN"},
        {"{\"<\": [1, 0, {\"throw\": \"lazy\"}]}", NULL, "false", NULL},
    };
    kc_ctx *ctx = new_ctx();
    jl_check_all(ctx, cases, N(cases));
    kc_ctx_free(ctx);
}

static void arithmetic(void **state)
{
    (void)state;
    static const jl_case cases[] = {
        {"{\"+\": [1, \"2\", true, null]}", NULL, "4", NULL},
        {"{\"+\": \"0x10\"}", NULL, "16", NULL},
        {"{\"-\": [10, 2, 3]}", NULL, "5", NULL},
        {"{\"-\": 4}", NULL, "-4", NULL},
        {"{\"*\": [2, 3, 4]}", NULL, "24", NULL},
        {"{\"/\": [1, 8]}", NULL, "0.125", NULL},
        {"{\"/\": [1, 0]}", NULL, NULL, "NaN"},
        {"{\"%\": [-7, 3]}", NULL, "-1", NULL},
        {"{\"%\": [7, 0]}", NULL, NULL, "NaN"},
        {"{\"*\": [1e308, 10]}", NULL, NULL, "NaN"},
        {"{\"min\": [3, 1, 2]}", NULL, "1", NULL},
        {"{\"max\": []}", NULL, "null", NULL},
        {"{\"max\": [1, \"x\"]}", NULL, NULL, "NaN"},
        {"{\"+\": {\"var\": \"xs\"}}", "{\"xs\": [1, 2, 3]}", "6", NULL},
        {"{\"-\": {\"var\": \"xs\"}}", "{\"xs\": []}", NULL, "Invalid Arguments"},
        {"{\"%\": {\"var\": \"xs\"}}", "{\"xs\": [1]}", NULL, "Invalid Arguments"},
    };
    kc_ctx *ctx = new_ctx();
    jl_check_all(ctx, cases, N(cases));
    kc_ctx_free(ctx);
}

static void strings_and_arrays(void **state)
{
    (void)state;
    static const jl_case cases[] = {
        {"{\"cat\": [\"a\", 1, 2.5, true, null, [1, [2, 3]]]}", NULL, "\"a12.5true1,2,3\"", NULL},
        {"{\"cat\": [0.1, 1e21, -0]}", NULL, "\"0.11e+210\"", NULL},
        {"{\"substr\": [\"h\\u00e9llo\", 1, 2]}", NULL, "\"\\u00e9l\"", NULL},
        {"{\"substr\": [\"hello\", -3]}", NULL, "\"llo\"", NULL},
        {"{\"substr\": [\"hello\", 1, -1]}", NULL, "\"ell\"", NULL},
        {"{\"in\": [\"ell\", \"hello\"]}", NULL, "true", NULL},
        {"{\"in\": [2, [1, 2]]}", NULL, "true", NULL},
        {"{\"in\": [\"2\", [1, 2]]}", NULL, "false", NULL},
        {"{\"in\": [1, 5]}", NULL, "false", NULL},
        {"{\"merge\": [1, [2, [3]], null]}", NULL, "[1, 2, [3], null]", NULL},
        {"[1, {\"var\": \"a\"}, [2]]", "{\"a\": \"x\"}", "[1, \"x\", [2]]", NULL},
        {"{\"preserve\": {\"a\": 1, \"b\": [2]}}", NULL, "{\"a\": 1, \"b\": [2]}", NULL},
    };
    kc_ctx *ctx = new_ctx();
    jl_check_all(ctx, cases, N(cases));
    kc_ctx_free(ctx);
}

static void iterators_and_scopes(void **state)
{
    (void)state;
    static const jl_case cases[] = {
        {"{\"map\": [[1, 2], {\"*\": [{\"val\": []}, {\"val\": [[2], \"k\"]}]}]}", "{\"k\": 3}",
         "[3, 6]", NULL},
        {"{\"map\": [[5, 6], {\"val\": [[1], \"index\"]}]}", NULL, "[0, 1]", NULL},
        {"{\"map\": [[5], {\"val\": [[1]]}]}", NULL, "[{\"index\": 0}]", NULL},
        {"{\"filter\": [[1, 2, 3, 4], {\"%\": [{\"var\": \"\"}, 2]}]}", NULL, "[1, 3]", NULL},
        {"{\"reduce\": [[1, 2, 3], {\"+\": [{\"var\": \"current\"}, {\"var\": \"accumulator\"}]}, 10]}",
         NULL, "16", NULL},
        {"{\"reduce\": [[1, 2], {\"val\": []}, 0]}", NULL,
         "{\"current\": 2, \"accumulator\": {\"current\": 1, \"accumulator\": 0}}", NULL},
        {"{\"all\": [[1, 2], {\">\": [{\"var\": \"\"}, 0]}]}", NULL, "true", NULL},
        {"{\"all\": [[], true]}", NULL, "false", NULL},
        {"{\"some\": [[0, 0, 1], {\"var\": \"\"}]}", NULL, "true", NULL},
        {"{\"none\": [[], true]}", NULL, "true", NULL},
        {"{\"all\": [{\"var\": \"x\"}, true]}", "{}", NULL, "Invalid Arguments"},
        {"{\"map\": [{\"var\": \"x\"}, true]}", "{}", "[]", NULL},
        {"{\"map\": [[[1, 2], [3]], {\"map\": [{\"var\": \"\"}, {\"val\": [[3], \"index\"]}]}]}",
         NULL, "[[0, 0], [1]]", NULL},
    };
    kc_ctx *ctx = new_ctx();
    jl_check_all(ctx, cases, N(cases));
    kc_ctx_free(ctx);
}

static void errors_and_try(void **state)
{
    (void)state;
    static const jl_case cases[] = {
        {"{\"throw\": \"boom\"}", NULL, NULL, "boom"},
        {"{\"throw\": {\"preserve\": {\"type\": \"obj\", \"why\": 1}}}", NULL, NULL, "obj"},
        {"{\"try\": [{\"throw\": \"a\"}, {\"cat\": [\"caught \", {\"var\": \"type\"}]}]}", NULL,
         "\"caught a\"", NULL},
        {"{\"try\": [{\"/\": [1, 0]}, {\"throw\": \"b\"}]}", NULL, NULL, "b"},
        {"{\"try\": [{\"throw\": \"x\"}, {\"val\": [[1], \"k\"]}]}", "{\"k\": 9}", "9", NULL},
        {"{\"map\": [[1], {\"try\": [{\"throw\": \"in\"}]}]}", NULL, NULL, "in"},
    };
    kc_ctx *ctx = new_ctx();
    jl_check_all(ctx, cases, N(cases));
    kc_ctx_free(ctx);
}

/* ---- three-valued mode (the engine feature rule sets build on) ---- */

typedef struct tri_case {
    const char *rule;
    const char *data;
    int expect; /* 1 true, 0 false, -1 unknown */
    size_t nmissing;
    const char *first_missing; /* path text of the first missing read */
} tri_case;

static void three_valued_mode_reports_unknown_facts(void **state)
{
    (void)state;
    static const tri_case cases[] = {
        {"{\"==\": [{\"var\": \"a\"}, 1]}", "{}", -1, 1, "a"},
        {"{\"==\": [{\"var\": \"a\"}, 1]}", "{\"a\": null}", 0, 0, NULL},
        {"{\"and\": [{\"var\": \"a\"}, false]}", "{}", 0, 1, "a"},
        {"{\"and\": [{\"var\": \"a\"}, true]}", "{}", -1, 1, "a"},
        {"{\"or\": [{\"var\": \"a.b\"}, true]}", "{\"a\": {}}", 1, 1, "a.b"},
        {"{\"or\": [{\"var\": \"a\"}, {\"var\": \"b\"}]}", "{}", -1, 2, "a"},
        {"{\"!\": {\"var\": \"a\"}}", "{}", -1, 1, "a"},
        {"{\"var\": [\"a\", false]}", "{}", 0, 0, NULL},
        {"{\"missing\": [\"a\"]}", "{}", 1, 0, NULL},
        {"{\"exists\": \"a\"}", "{}", 0, 0, NULL},
        {"{\"some\": [[1, 2], {\"==\": [{\"var\": \"\"}, {\"val\": [[2], \"x\"]}]}]}", "{}", -1, 2,
         "x"},
        {"{\"some\": [[1, 2], {\"==\": [{\"var\": \"nope\"}, 1]}]}", "{}", 0, 0, NULL},
        {"{\"in\": [\"nuts\", {\"var\": \"allergies\"}]}", "{\"allergies\": []}", 0, 0, NULL},
    };
    kc_ctx *ctx = new_ctx();
    for (size_t i = 0; i < N(cases); i++) {
        const tri_case *c = &cases[i];
        kc_doc *rule = NULL, *data = NULL;
        assert_int_equal(kc_doc_parse(ctx, c->rule, strlen(c->rule), NULL, &rule, NULL), KC_OK);
        assert_int_equal(kc_doc_parse(ctx, c->data, strlen(c->data), NULL, &data, NULL), KC_OK);
        kc_arena code, scratch;
        kc_arena_init(&code, ctx, 512, 0);
        kc_arena_init(&scratch, ctx, 512, 0);
        jl_node root;
        assert_int_equal(kc_jl_compile(ctx, &code, kc_doc_root(rule), rule, NULL, &root, NULL),
                         KC_OK);
        jl_state st;
        kc_jl_state_init(&st, ctx, &scratch);
        st.tristate = 1;
        jl_scope sc = {kc_doc_root(data), NULL};
        kc_value out;
        assert_int_equal(kc_jl_eval(&st, &root, &sc, &out), KC_OK);
        int got = out.type == KC_TYPE_UNKNOWN_ ? -1 : kc_truthy(&out);
        if (got != c->expect)
            fail_msg("%s on %s: expected %d, got %d", c->rule, c->data, c->expect, got);
        if (st.nmissing != c->nmissing)
            fail_msg("%s on %s: %zu missing reads, expected %zu", c->rule, c->data, st.nmissing,
                     c->nmissing);
        if (c->first_missing)
            assert_string_equal(st.missing[0]->u.path.text, c->first_missing);
        kc_jl_state_free(&st);
        kc_arena_free(&scratch);
        kc_arena_free(&code);
        kc_doc_free(rule);
        kc_doc_free(data);
    }
    kc_ctx_free(ctx);
}

/* Once its scratch memory has grown, a kc_eval runs without allocating. */
static void steady_state_evaluation_allocates_nothing(void **state)
{
    (void)state;
    kc_test_alloc t = {0};
    kc_allocator a = kc_test_allocator(&t);
    kc_ctx *ctx = NULL;
    assert_int_equal(kc_ctx_create(&ctx, &a), KC_OK);
    const char *rule = "{\"map\": [{\"var\": \"xs\"}, {\"cat\": [\"item \", {\"var\": \"\"}, "
                       "{\"merge\": [[1], [2]]}]}]}";
    const char *data = "{\"xs\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]}";
    kc_logic *logic = NULL;
    kc_doc *doc = NULL;
    kc_eval *ev = NULL;
    assert_int_equal(kc_logic_compile(ctx, rule, strlen(rule), &logic, NULL), KC_OK);
    assert_int_equal(kc_doc_parse(ctx, data, strlen(data), NULL, &doc, NULL), KC_OK);
    assert_int_equal(kc_eval_create(ctx, &ev), KC_OK);
    const kc_value *r = NULL;
    for (int i = 0; i < 3; i++) /* warm up */
        assert_int_equal(kc_logic_run(ev, logic, kc_doc_root(doc), &r, NULL), KC_OK);
    size_t before = t.calls;
    for (int i = 0; i < 1000; i++)
        assert_int_equal(kc_logic_run(ev, logic, kc_doc_root(doc), &r, NULL), KC_OK);
    assert_int_equal(t.calls, before);
    assert_int_equal(kc_value_count(r), 12);
    kc_eval_free(ev);
    kc_doc_free(doc);
    kc_logic_free(logic);
    kc_ctx_free(ctx);
    assert_int_equal(t.live, 0);
}

static void eval_memory_limit_is_enforced(void **state)
{
    (void)state;
    kc_ctx *ctx = new_ctx();
    assert_int_equal(kc_ctx_set_limit(ctx, KC_LIMIT_EVAL_BYTES, 64 * 1024), KC_OK);
    /* Each step doubles the accumulator: 2^20 elements after 20 steps. */
    const char *rule = "{\"reduce\": [{\"var\": \"steps\"}, {\"merge\": [{\"var\": \"accumulator\"}, "
                       "{\"var\": \"accumulator\"}]}, [1]]}";
    const char *data = "{\"steps\": [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}";
    kc_logic *logic = NULL;
    kc_doc *doc = NULL;
    kc_eval *ev = NULL;
    kc_error err;
    assert_int_equal(kc_logic_compile(ctx, rule, strlen(rule), &logic, NULL), KC_OK);
    assert_int_equal(kc_doc_parse(ctx, data, strlen(data), NULL, &doc, NULL), KC_OK);
    assert_int_equal(kc_eval_create(ctx, &ev), KC_OK);
    const kc_value *r = (const kc_value *)ev;
    assert_int_equal(kc_logic_run(ev, logic, kc_doc_root(doc), &r, &err), KC_ELIMIT);
    assert_null(r);
    assert_non_null(strstr(err.message, "KC_LIMIT_EVAL_BYTES"));
    /* The same kc_eval still works afterwards. */
    kc_logic *small = NULL;
    assert_int_equal(kc_logic_compile(ctx, "[1]", 3, &small, NULL), KC_OK);
    assert_int_equal(kc_logic_run(ev, small, NULL, &r, NULL), KC_OK);
    kc_logic_free(small);
    kc_eval_free(ev);
    kc_doc_free(doc);
    kc_logic_free(logic);
    kc_ctx_free(ctx);
}

static void run_rejects_null_arguments(void **state)
{
    (void)state;
    kc_ctx *ctx = new_ctx();
    kc_logic *logic = NULL;
    kc_eval *ev = NULL;
    const kc_value *r = NULL;
    assert_int_equal(kc_logic_compile(ctx, "1", 1, &logic, NULL), KC_OK);
    assert_int_equal(kc_eval_create(NULL, &ev), KC_EINVAL);
    assert_null(ev);
    assert_int_equal(kc_eval_create(ctx, NULL), KC_EINVAL);
    assert_int_equal(kc_eval_create(ctx, &ev), KC_OK);
    kc_eval *ev2 = ev;
    assert_int_equal(kc_logic_run(NULL, logic, NULL, &r, NULL), KC_EINVAL);
    assert_int_equal(kc_logic_run(ev2, NULL, NULL, &r, NULL), KC_EINVAL);
    assert_int_equal(kc_logic_run(ev2, logic, NULL, NULL, NULL), KC_EINVAL);
    assert_null(kc_eval_thrown(NULL));
    assert_null(kc_eval_thrown(ev2));
    assert_int_equal(kc_logic_run(ev2, logic, NULL, &r, NULL), KC_OK);
    assert_int_equal(kc_value_number(r), 1);
    kc_eval_free(ev2);
    kc_eval_free(NULL);
    kc_logic_free(logic);
    kc_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(variables),
        cmocka_unit_test(logic_and_truthiness),
        cmocka_unit_test(comparison),
        cmocka_unit_test(arithmetic),
        cmocka_unit_test(strings_and_arrays),
        cmocka_unit_test(iterators_and_scopes),
        cmocka_unit_test(errors_and_try),
        cmocka_unit_test(three_valued_mode_reports_unknown_facts),
        cmocka_unit_test(steady_state_evaluation_allocates_nothing),
        cmocka_unit_test(eval_memory_limit_is_enforced),
        cmocka_unit_test(run_rejects_null_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
