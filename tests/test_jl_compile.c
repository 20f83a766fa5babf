/* test_jl_compile.c - compiling JSON Logic: what is rejected, where, and why. */
#include <stdio.h>
#include <string.h>

#include "jl.h"
#include "jlutil.h"

typedef struct compile_error_case {
    const char *rule;
    kc_status status;
    const char *path;    /* JSON Pointer of the offending node */
    unsigned line, col;  /* position of the offending node in the text */
    const char *message; /* a substring of the message */
} compile_error_case;

static const compile_error_case errors[] = {
    {"{\"frobnicate\": [1]}", KC_EOPERATOR, "/", 1, 1, "unknown operator \"frobnicate\""},
    {"{\"mpa\": [[1], 1]}", KC_EOPERATOR, "/", 1, 1, "did you mean \"map\"?"},
    {"{\"and\": [true, {\"iff\": [1, 2, 3]}]}", KC_EOPERATOR, "/and/1", 1, 16,
     "did you mean \"if\"?"},
    {"{\"if\": \"apple\"}", KC_EARGS, "/if", 1, 1, "needs its arguments in an array"},
    {"{\"==\": [1]}", KC_EARGS, "/==", 1, 1, "at least 2 arguments, got 1"},
    {"{\"<\": []}", KC_EARGS, "/<", 1, 1, "at least 2 arguments, got 0"},
    {"{\"%\": [1]}", KC_EARGS, "/%", 1, 1, "at least 2 arguments"},
    {"{\"%\": 1}", KC_EARGS, "/%", 1, 1, "at least 2 arguments, got 1"},
    {"{\"-\": []}", KC_EARGS, "/-", 1, 1, "at least 1 argument, got 0"},
    {"{\"map\": [null, {\"var\": \"\"}]}", KC_EARGS, "/map", 1, 10, "needs an array"},
    {"{\"map\": [[1], null]}", KC_EARGS, "/map", 1, 15, "not null"},
    {"{\"in\": [1]}", KC_EARGS, "/in", 1, 1, "takes 2 arguments, got 1"},
    {"{\"var\": [\"a\", 1, 2]}", KC_EARGS, "/var", 1, 1, "takes 0 to 2 arguments"},
    {"{\"a\": 1, \"b\": 2}", KC_EARGS, "/", 1, 1, "exactly one key"},
    {"[1,\n  {\"nope\": []}]", KC_EOPERATOR, "/1", 2, 3, "unknown operator \"nope\""},
    {"{\"if\": [true,\n {\"some\": [[1], {\"~/x\": 1}]}]}", KC_EOPERATOR, "/if/1/some/1", 2, 17,
     "unknown operator \"~/x\""},
};

static void compile_errors_name_path_position_and_cause(void **state)
{
    (void)state;
    kc_ctx *ctx = NULL;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        const compile_error_case *c = &errors[i];
        kc_logic *logic = (kc_logic *)&ctx; /* must be reset to NULL */
        kc_error err;
        kc_status st = kc_logic_compile(ctx, c->rule, strlen(c->rule), &logic, &err);
        if (st != c->status)
            fail_msg("%s: expected %s, got %s (%s)", c->rule, kc_status_name(c->status),
                     kc_status_name(st), err.message);
        assert_null(logic);
        assert_int_equal(err.status, c->status);
        if (strcmp(err.path, c->path) != 0)
            fail_msg("%s: path %s, expected %s", c->rule, err.path, c->path);
        if (err.line != c->line || err.column != c->col)
            fail_msg("%s: at %u:%u, expected %u:%u", c->rule, err.line, err.column, c->line,
                     c->col);
        if (!strstr(err.message, c->message))
            fail_msg("%s: message \"%s\" lacks \"%s\"", c->rule, err.message, c->message);
    }
    kc_ctx_free(ctx);
}

static kc_status op_first(kc_call *call, void *ud, size_t argc, const kc_value *const *argv)
{
    (void)ud;
    return kc_call_return_value(call, argc ? argv[0] : NULL);
}

static void json_pointer_escapes_tilde_and_slash(void **state)
{
    (void)state;
    kc_ctx *ctx = NULL;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    assert_int_equal(kc_ctx_register_op(ctx, "a/b~c", 1, 1, op_first, NULL), KC_OK);
    const char *rule = "{\"if\": [true, {\"a/b~c\": [{\"nope\": 1}]}]}";
    kc_logic *logic = NULL;
    kc_error err;
    assert_int_equal(kc_logic_compile(ctx, rule, strlen(rule), &logic, &err), KC_EOPERATOR);
    assert_string_equal(err.path, "/if/1/a~1b~0c/0");
    kc_ctx_free(ctx);
}

static void syntax_errors_come_from_the_reader(void **state)
{
    (void)state;
    kc_ctx *ctx = NULL;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    kc_logic *logic = NULL;
    kc_error err;
    const char *rule = "{\"==\": [1, 1]";
    assert_int_equal(kc_logic_compile(ctx, rule, strlen(rule), &logic, &err), KC_ESYNTAX);
    assert_null(logic);
    assert_int_equal(err.line, 1);
    assert_string_equal(err.source, "<string>");
    kc_ctx_free(ctx);
}

static void null_arguments_are_einval(void **state)
{
    (void)state;
    kc_ctx *ctx = NULL;
    kc_logic *logic = NULL;
    kc_error err;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    assert_int_equal(kc_logic_compile(NULL, "1", 1, &logic, &err), KC_EINVAL);
    assert_int_equal(kc_logic_compile(ctx, NULL, 1, &logic, &err), KC_EINVAL);
    assert_int_equal(kc_logic_compile(ctx, "1", 1, NULL, &err), KC_EINVAL);
    assert_int_equal(kc_logic_compile_value(ctx, NULL, NULL, &logic, &err), KC_EINVAL);
    assert_int_equal(kc_logic_compile_cjson(ctx, NULL, &logic, &err), KC_EINVAL);
    assert_int_equal(kc_logic_compile(ctx, "1", 1, &logic, NULL), KC_OK); /* err optional */
    kc_logic_free(logic);
    kc_logic_free(NULL);
    kc_ctx_free(ctx);
}

/* Compiled form: constants folded, paths split once, operators resolved. */
static void compiled_form_is_resolved_once(void **state)
{
    (void)state;
    kc_ctx *ctx = NULL;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    kc_arena arena;
    kc_arena_init(&arena, ctx, 1024, 0);
    kc_doc *doc = NULL;
    const char *rule = "{\"and\": [{\"var\": \"a.b.0\"}, [1, \"x\", [true]], {\"val\": [[2], \"k\", 3]}]}";
    assert_int_equal(kc_doc_parse(ctx, rule, strlen(rule), NULL, &doc, NULL), KC_OK);
    jl_node root;
    assert_int_equal(kc_jl_compile(ctx, &arena, kc_doc_root(doc), doc, NULL, &root, NULL), KC_OK);
    kc_doc_free(doc); /* the compiled form owns everything it needs */
    assert_int_equal(root.op, JL_AND);
    assert_int_equal(root.nargs, 3);
    const jl_node *var = &root.args[0];
    assert_int_equal(var->op, JL_VAR);
    assert_int_equal(var->u.path.nsegs, 3);
    assert_string_equal(var->u.path.segs[0].key, "a");
    assert_int_equal(var->u.path.segs[0].idx, -1);
    assert_string_equal(var->u.path.segs[2].key, "0");
    assert_int_equal(var->u.path.segs[2].idx, 0);
    assert_string_equal(var->u.path.text, "a.b.0");
    const jl_node *arr = &root.args[1];
    assert_int_equal(arr->op, JL_CONST);
    assert_int_equal(arr->u.k.type, KC_TYPE_ARRAY);
    assert_int_equal(arr->u.k.n, 3);
    const jl_node *val = &root.args[2];
    assert_int_equal(val->op, JL_VAL);
    assert_int_equal(val->u.path.up, 2);
    assert_int_equal(val->u.path.nsegs, 2);
    assert_int_equal(val->u.path.segs[1].idx, 3);
    kc_arena_free(&arena);
    kc_ctx_free(ctx);
}

static void depth_limit_applies_to_expressions(void **state)
{
    (void)state;
    kc_ctx *ctx = NULL;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    assert_int_equal(kc_ctx_set_limit(ctx, KC_LIMIT_DEPTH, 200), KC_OK);
    /* 60 nested "!" operations: 120 JSON levels, within the reader's limit,
     * deeper than an expression limit of 50. */
    char rule[1024];
    size_t n = 0;
    for (int i = 0; i < 60; i++)
        n += (size_t)sprintf(rule + n, "{\"!\":[");
    n += (size_t)sprintf(rule + n, "true");
    for (int i = 0; i < 60; i++)
        n += (size_t)sprintf(rule + n, "]}");
    kc_logic *logic = NULL;
    kc_error err;
    assert_int_equal(kc_logic_compile(ctx, rule, n, &logic, &err), KC_OK);
    kc_logic_free(logic);
    assert_int_equal(kc_ctx_set_limit(ctx, KC_LIMIT_DEPTH, 100), KC_OK);
    assert_int_equal(kc_logic_compile(ctx, rule, n, &logic, &err), KC_ELIMIT);
    assert_null(logic);
    kc_ctx_free(ctx);
}

/* Fail allocation N for N = 1..T, once and from then on: KC_ENOMEM, no leak. */
static void allocation_failures_leak_nothing(void **state)
{
    (void)state;
    const char *rule = "{\"map\": [{\"var\": \"xs\"}, {\"cat\": [\"#\", {\"val\": []}, "
                       "{\"val\": [[1], \"index\"]}]}]}";
    kc_test_alloc probe = {0};
    kc_allocator a = kc_test_allocator(&probe);
    kc_ctx *ctx = NULL;
    assert_int_equal(kc_ctx_create(&ctx, &a), KC_OK);
    size_t before = probe.calls;
    kc_logic *logic = NULL;
    assert_int_equal(kc_logic_compile(ctx, rule, strlen(rule), &logic, NULL), KC_OK);
    size_t total = probe.calls - before;
    kc_logic_free(logic);
    kc_ctx_free(ctx);
    assert_int_equal(probe.live, 0);
    assert_true(total > 0);
    for (int persistent = 0; persistent <= 1; persistent++) {
        for (size_t n = 1; n <= total; n++) {
            kc_test_alloc t = {0};
            kc_allocator ta = kc_test_allocator(&t);
            assert_int_equal(kc_ctx_create(&ctx, &ta), KC_OK);
            t.fail_at = t.calls + n;
            t.persistent = persistent;
            logic = (kc_logic *)&t;
            kc_error err;
            kc_status st = kc_logic_compile(ctx, rule, strlen(rule), &logic, &err);
            assert_int_equal(st, KC_ENOMEM);
            assert_int_equal(err.status, KC_ENOMEM);
            assert_null(logic);
            kc_ctx_free(ctx);
            assert_int_equal(t.live, 0);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(compile_errors_name_path_position_and_cause),
        cmocka_unit_test(json_pointer_escapes_tilde_and_slash),
        cmocka_unit_test(syntax_errors_come_from_the_reader),
        cmocka_unit_test(null_arguments_are_einval),
        cmocka_unit_test(compiled_form_is_resolved_once),
        cmocka_unit_test(depth_limit_applies_to_expressions),
        cmocka_unit_test(allocation_failures_leak_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
