/* test_jl_custom.c - operators registered from C on a context. */
#include <string.h>

#include "jlutil.h"

/* {"shares": [A, B]}: do two arrays share an element? */
static kc_status op_shares(kc_call *call, void *ud, size_t argc, const kc_value *const *argv)
{
    int *calls = ud;
    (*calls)++;
    if (argc != 2)
        return kc_call_throw(call, "Invalid Arguments");
    for (size_t i = 0; i < kc_value_count(argv[0]); i++)
        for (size_t j = 0; j < kc_value_count(argv[1]); j++)
            if (kc_value_equal(kc_value_at(argv[0], i), kc_value_at(argv[1], j)))
                return kc_call_return_bool(call, 1);
    return kc_call_return_bool(call, 0);
}

static kc_status op_shout(kc_call *call, void *ud, size_t argc, const kc_value *const *argv)
{
    (void)ud;
    (void)argc;
    size_t len = 0;
    const char *s = kc_value_string(argv[0], &len);
    if (!s)
        return kc_call_throw(call, "not a string");
    char buf[64];
    if (len > sizeof buf)
        len = sizeof buf;
    for (size_t i = 0; i < len; i++)
        buf[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
    return kc_call_return_string(call, buf, len);
}

static kc_status op_pair(kc_call *call, void *ud, size_t argc, const kc_value *const *argv)
{
    (void)ud;
    return kc_call_return_array(call, argv, argc);
}

static kc_status op_half(kc_call *call, void *ud, size_t argc, const kc_value *const *argv)
{
    (void)ud;
    (void)argc;
    return kc_call_return_number(call, kc_value_number(argv[0]) / 2);
}

static kc_status op_nothing(kc_call *call, void *ud, size_t argc, const kc_value *const *argv)
{
    (void)call, (void)ud, (void)argc, (void)argv;
    return KC_OK; /* no result set: null */
}

static kc_status op_fails(kc_call *call, void *ud, size_t argc, const kc_value *const *argv)
{
    (void)call, (void)ud, (void)argc, (void)argv;
    return KC_EIO;
}

static void registered_operators_evaluate(void **state)
{
    (void)state;
    kc_ctx *ctx = NULL;
    int calls = 0;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    assert_int_equal(kc_ctx_register_op(ctx, "shares", 2, 2, op_shares, &calls), KC_OK);
    assert_int_equal(kc_ctx_register_op(ctx, "shout", 1, 1, op_shout, NULL), KC_OK);
    assert_int_equal(kc_ctx_register_op(ctx, "pair", 0, -1, op_pair, NULL), KC_OK);
    assert_int_equal(kc_ctx_register_op(ctx, "half", 1, 1, op_half, NULL), KC_OK);
    assert_int_equal(kc_ctx_register_op(ctx, "nothing", 0, 0, op_nothing, NULL), KC_OK);
    static const jl_case cases[] = {
        {"{\"shares\": [{\"var\": \"a\"}, [\"nuts\", \"pollen\"]]}", "{\"a\": [\"pollen\"]}",
         "true", NULL},
        {"{\"shares\": [{\"var\": \"a\"}, [\"nuts\"]]}", "{\"a\": [\"pollen\"]}", "false", NULL},
        {"{\"shout\": \"quiet\"}", NULL, "\"QUIET\"", NULL},
        {"{\"shout\": 3}", NULL, NULL, "not a string"},
        {"{\"pair\": [1, {\"var\": \"x\"}]}", "{\"x\": [2]}", "[1, [2]]", NULL},
        {"{\"half\": 0}", NULL, "0", NULL},
        {"{\"half\": {\"/\": [1, 0]}}", NULL, NULL, "NaN"},
        {"{\"nothing\": []}", NULL, "null", NULL},
        {"{\"try\": [{\"shout\": 3}, {\"var\": \"type\"}]}", NULL, "\"not a string\"", NULL},
        {"{\"shares\": [[1]]}", NULL, NULL, "compile:KC_EARGS"},
        {"{\"shout\": [\"a\", \"b\"]}", NULL, NULL, "compile:KC_EARGS"},
    };
    jl_check_all(ctx, cases, sizeof cases / sizeof cases[0]);
    assert_int_equal(calls, 2);
    kc_ctx_free(ctx);
}

static void registration_is_checked(void **state)
{
    (void)state;
    kc_ctx *ctx = NULL;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    assert_int_equal(kc_ctx_register_op(ctx, "==", 2, 2, op_pair, NULL), KC_ECONFLICT);
    assert_int_equal(kc_ctx_register_op(ctx, "preserve", 1, 1, op_pair, NULL), KC_ECONFLICT);
    assert_int_equal(kc_ctx_register_op(ctx, "mine", 0, -1, op_pair, NULL), KC_OK);
    assert_int_equal(kc_ctx_register_op(ctx, "mine", 0, -1, op_pair, NULL), KC_ECONFLICT);
    assert_int_equal(kc_ctx_register_op(ctx, "Mine", 0, -1, op_pair, NULL), KC_OK);
    assert_int_equal(kc_ctx_register_op(ctx, "", 0, -1, op_pair, NULL), KC_EINVAL);
    assert_int_equal(kc_ctx_register_op(ctx, NULL, 0, -1, op_pair, NULL), KC_EINVAL);
    assert_int_equal(kc_ctx_register_op(ctx, "x", 0, -1, NULL, NULL), KC_EINVAL);
    assert_int_equal(kc_ctx_register_op(ctx, "x", 2, 1, op_pair, NULL), KC_EINVAL);
    assert_int_equal(kc_ctx_register_op(ctx, "x", -1, 1, op_pair, NULL), KC_EINVAL);
    assert_int_equal(kc_ctx_register_op(ctx, "bad\nname", 0, 1, op_pair, NULL), KC_EINVAL);
    assert_int_equal(kc_ctx_register_op(NULL, "x", 0, 1, op_pair, NULL), KC_EINVAL);
    kc_ctx_free(ctx);
}

/* Operators belong to a context: another context does not see them. */
static void operator_tables_are_per_context(void **state)
{
    (void)state;
    kc_ctx *a = NULL, *b = NULL;
    assert_int_equal(kc_ctx_create(&a, NULL), KC_OK);
    assert_int_equal(kc_ctx_create(&b, NULL), KC_OK);
    assert_int_equal(kc_ctx_register_op(a, "pair", 0, -1, op_pair, NULL), KC_OK);
    kc_logic *logic = NULL;
    kc_error err;
    const char *rule = "{\"pair\": [1]}";
    assert_int_equal(kc_logic_compile(a, rule, strlen(rule), &logic, &err), KC_OK);
    kc_logic_free(logic);
    assert_int_equal(kc_logic_compile(b, rule, strlen(rule), &logic, &err), KC_EOPERATOR);
    assert_null(logic);
    kc_ctx_free(a);
    kc_ctx_free(b);
}

static void failing_callback_aborts_with_its_status(void **state)
{
    (void)state;
    kc_ctx *ctx = NULL;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    assert_int_equal(kc_ctx_register_op(ctx, "fails", 0, 0, op_fails, NULL), KC_OK);
    kc_logic *logic = NULL;
    kc_eval *ev = NULL;
    const char *rule = "{\"try\": [{\"fails\": []}, 1]}";
    assert_int_equal(kc_logic_compile(ctx, rule, strlen(rule), &logic, NULL), KC_OK);
    assert_int_equal(kc_eval_create(ctx, &ev), KC_OK);
    const kc_value *r = NULL;
    kc_error err;
    /* Not an error value: try cannot catch it. */
    assert_int_equal(kc_logic_run(ev, logic, NULL, &r, &err), KC_EIO);
    assert_null(r);
    assert_non_null(strstr(err.message, "\"fails\""));
    kc_eval_free(ev);
    kc_logic_free(logic);
    kc_ctx_free(ctx);
}

/* overlaps / intersection / subset come with every context. */
static void set_operators_are_registered_on_every_context(void **state)
{
    (void)state;
    kc_ctx *ctx = NULL;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    static const jl_case cases[] = {
        {"{\"overlaps\": [[\"a\", \"b\"], [\"c\", \"b\"]]}", NULL, "true", NULL},
        {"{\"overlaps\": [[\"a\"], []]}", NULL, "false", NULL},
        {"{\"overlaps\": [\"a\", [\"a\", \"b\"]]}", NULL, "true", NULL},
        {"{\"overlaps\": [{\"var\": \"nope\"}, [\"a\"]]}", "{}", "false", NULL},
        {"{\"overlaps\": [[1], [\"1\"]]}", NULL, "false", NULL},
        {"{\"intersection\": [[3, 1, 2, 1], [1, 3]]}", NULL, "[3, 1, 1]", NULL},
        {"{\"intersection\": [[\"x\"], null]}", NULL, "[]", NULL},
        {"{\"subset\": [[\"a\"], [\"a\", \"b\"]]}", NULL, "true", NULL},
        {"{\"subset\": [[], [\"a\"]]}", NULL, "true", NULL},
        {"{\"subset\": [[\"a\", \"z\"], [\"a\", \"b\"]]}", NULL, "false", NULL},
        {"{\"overlaps\": [[1]]}", NULL, NULL, "compile:KC_EARGS"},
    };
    jl_check_all(ctx, cases, sizeof cases / sizeof cases[0]);
    /* Each is a registered operator: registering the name again conflicts. */
    assert_int_equal(kc_ctx_register_op(ctx, "overlaps", 2, 2, op_pair, NULL), KC_ECONFLICT);
    kc_ctx_free(ctx);
}

static void call_helpers_reject_null(void **state)
{
    (void)state;
    assert_int_equal(kc_call_return_null(NULL), KC_EINVAL);
    assert_int_equal(kc_call_return_bool(NULL, 1), KC_EINVAL);
    assert_int_equal(kc_call_return_number(NULL, 1), KC_EINVAL);
    assert_int_equal(kc_call_return_string(NULL, "a", 1), KC_EINVAL);
    assert_int_equal(kc_call_return_value(NULL, NULL), KC_EINVAL);
    assert_int_equal(kc_call_return_array(NULL, NULL, 0), KC_EINVAL);
    assert_int_equal(kc_call_throw(NULL, "x"), KC_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(registered_operators_evaluate),
        cmocka_unit_test(registration_is_checked),
        cmocka_unit_test(operator_tables_are_per_context),
        cmocka_unit_test(failing_callback_aborts_with_its_status),
        cmocka_unit_test(set_operators_are_registered_on_every_context),
        cmocka_unit_test(call_helpers_reject_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
