/* test_json_write.c - compact and pretty JSON output, string escaping,
 * numbers, deep nesting and out-of-memory behaviour. */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json_write.h"

static kc_member member(const char *key, kc_value v)
{
    kc_member m;
    m.key = key;
    m.klen = (uint32_t)strlen(key);
    m.khash = kc_hash(key, m.klen);
    m.val = v;
    return m;
}

static int setup(void **state)
{
    kc_ctx *ctx;
    if (kc_ctx_create(&ctx, NULL) != KC_OK)
        return -1;
    *state = ctx;
    return 0;
}

static int teardown(void **state)
{
    kc_ctx_free(*state);
    return 0;
}

static void strings_are_escaped_like_json_stringify(void **state)
{
    const kc_ctx *ctx = *state;
    static const struct {
        const char *in;
        size_t len;
        const char *out;
    } cases[] = {
        {"", 0, "\"\""},
        {"plain", 5, "\"plain\""},
        {"a\"b", 3, "\"a\\\"b\""},
        {"back\\slash", 10, "\"back\\\\slash\""},
        {"/", 1, "\"/\""},
        {"\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\""},
        {"\x01\x1f", 2, "\"\\u0001\\u001f\""},
        {"\x7f", 1, "\"\x7f\""},
        {"\0x", 2, "\"\\u0000x\""},
        {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14, "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""},
        {"\xe2\x80\xa8", 3, "\"\xe2\x80\xa8\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kc_buf b;
        kc_buf_init(&b, ctx);
        assert_int_equal(kc_json_write_string(&b, cases[i].in, cases[i].len), 0);
        assert_string_equal(kc_buf_cstr(&b), cases[i].out);
        kc_buf_free(&b);
    }
}

static void numbers_are_written_as_javascript_does(void **state)
{
    const kc_ctx *ctx = *state;
    static const struct {
        double d;
        const char *out;
    } cases[] = {
        {0, "0"},       {-0.0, "0"},          {42, "42"},       {-1.5, "-1.5"},
        {1e21, "1e+21"}, {1e-7, "1e-7"},      {0.1, "0.1"},     {1e300, "1e+300"},
        {HUGE_VAL, "null"}, {-HUGE_VAL, "null"}, {(double)NAN, "null"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kc_buf b;
        kc_buf_init(&b, ctx);
        const kc_value v = kc_v_num(cases[i].d);
        assert_int_equal(kc_json_write(&b, &v), 0);
        assert_string_equal(kc_buf_cstr(&b), cases[i].out);
        kc_buf_free(&b);
    }
}

static void compact_output_has_no_spaces(void **state)
{
    const kc_ctx *ctx = *state;
    const kc_value inner[] = {kc_v_num(1), kc_v_bool(1), kc_v_null(), kc_v_unknown()};
    const kc_member m[] = {member("a", kc_v_arr(inner, 4)), member("b", kc_v_obj(NULL, 0)),
                           member("c", kc_v_arr(NULL, 0)), member("k\"", kc_v_str("v", 1))};
    const kc_value obj = kc_v_obj(m, 4);
    kc_buf b;
    kc_buf_init(&b, ctx);
    assert_int_equal(kc_json_write(&b, &obj), 0);
    assert_string_equal(kc_buf_cstr(&b),
                        "{\"a\":[1,true,null,null],\"b\":{},\"c\":[],\"k\\\"\":\"v\"}");
    /* Appends rather than replaces. */
    assert_int_equal(kc_json_write(&b, NULL), 0);
    assert_string_equal(kc_buf_cstr(&b) + b.len - 4, "null");
    kc_buf_free(&b);
}

static void pretty_output_indents_two_spaces(void **state)
{
    const kc_ctx *ctx = *state;
    const kc_value inner[] = {kc_v_num(1), kc_v_str("x", 1)};
    const kc_member deep[] = {member("d", kc_v_bool(0))};
    const kc_member m[] = {member("a", kc_v_arr(inner, 2)), member("b", kc_v_obj(NULL, 0)),
                           member("c", kc_v_arr(NULL, 0)), member("e", kc_v_obj(deep, 1))};
    const kc_value obj = kc_v_obj(m, 4);
    kc_buf b;
    kc_buf_init(&b, ctx);
    assert_int_equal(kc_json_write_pretty(&b, &obj, 0), 0);
    assert_string_equal(kc_buf_cstr(&b), "{\n"
                                         "  \"a\": [\n"
                                         "    1,\n"
                                         "    \"x\"\n"
                                         "  ],\n"
                                         "  \"b\": {},\n"
                                         "  \"c\": [],\n"
                                         "  \"e\": {\n"
                                         "    \"d\": false\n"
                                         "  }\n"
                                         "}");
    kc_buf_reset(&b);
    const kc_value arr = kc_v_arr(inner, 1);
    assert_int_equal(kc_json_write_pretty(&b, &arr, 1), 0);
    assert_string_equal(kc_buf_cstr(&b), "[\n    1\n  ]");
    kc_buf_reset(&b);
    const kc_value s = kc_v_str("x", 1);
    assert_int_equal(kc_json_write_pretty(&b, &s, 3), 0);
    assert_string_equal(kc_buf_cstr(&b), "\"x\"");
    kc_buf_free(&b);
}

/* Nesting far beyond the writer's inline stack spills onto the heap. */
static void deep_nesting_is_written_without_recursion(void **state)
{
    const kc_ctx *ctx = *state;
    enum { DEPTH = 10000 };
    kc_value *levels = calloc(DEPTH + 1, sizeof *levels);
    assert_non_null(levels);
    levels[DEPTH] = kc_v_num(7);
    for (int i = DEPTH - 1; i >= 0; i--)
        levels[i] = kc_v_arr(&levels[i + 1], 1);
    kc_buf b;
    kc_buf_init(&b, ctx);
    assert_int_equal(kc_json_write(&b, &levels[0]), 0);
    assert_int_equal(b.len, 2 * DEPTH + 1);
    assert_int_equal(b.data[DEPTH], '7');
    assert_int_equal(b.data[0], '[');
    assert_int_equal(b.data[b.len - 1], ']');
    kc_buf_reset(&b);
    assert_int_equal(kc_json_write_pretty(&b, &levels[0], 0), 0);
    kc_buf_free(&b);
    free(levels);
}

static void out_of_memory_fails_the_buffer(void **state)
{
    (void)state;
    kc_test_alloc t = {0};
    const kc_allocator a = kc_test_allocator(&t);
    kc_ctx *ctx;
    assert_int_equal(kc_ctx_create(&ctx, &a), KC_OK);
    const size_t base = t.live;
    enum { DEPTH = 100 };
    kc_value levels[DEPTH + 1];
    levels[DEPTH] = kc_v_str("leaf", 4);
    for (int i = DEPTH - 1; i >= 0; i--)
        levels[i] = kc_v_arr(&levels[i + 1], 1);
    /* Fail each allocation in turn: the result is -1 with the buffer failed,
     * or success; never a crash or a leak. */
    for (size_t n = 1; n < 40; n++) {
        kc_buf b;
        kc_buf_init(&b, ctx);
        t.calls = 0;
        t.fail_at = n;
        t.persistent = 1;
        const int rc = kc_json_write(&b, &levels[0]);
        if (rc != 0) {
            assert_true(b.failed);
            assert_null(kc_buf_cstr(&b));
            assert_null(kc_buf_detach(&b, NULL));
        } else {
            assert_int_equal(b.len, 2 * DEPTH + 6);
        }
        kc_buf_free(&b);
        assert_int_equal(t.live, base);
    }
    t.fail_at = 0;
    kc_ctx_free(ctx);
    assert_int_equal(t.live, 0);
}

static void buffer_printf_detach_and_reset(void **state)
{
    const kc_ctx *ctx = *state;
    kc_buf b;
    kc_buf_init(&b, ctx);
    assert_string_equal(kc_buf_cstr(&b), "");
    size_t len = 99;
    char *s = kc_buf_detach(&b, &len);
    assert_string_equal(s, "");
    assert_int_equal(len, 0);
    kc_free(ctx, s);
    assert_int_equal(kc_buf_printf(&b, "%d-%s", 42, "x"), 0);
    assert_int_equal(kc_buf_putc(&b, '!'), 0);
    assert_int_equal(kc_buf_puts(&b, "?"), 0);
    assert_string_equal(kc_buf_cstr(&b), "42-x!?");
    kc_buf_reset(&b);
    assert_string_equal(kc_buf_cstr(&b), "");
    for (int i = 0; i < 1000; i++)
        kc_buf_printf(&b, "%04d", i);
    assert_int_equal(b.len, 4000);
    s = kc_buf_detach(&b, &len);
    assert_int_equal(len, 4000);
    assert_memory_equal(s + 3996, "0999", 4);
    assert_null(b.data);
    kc_free(ctx, s);
    kc_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(strings_are_escaped_like_json_stringify, setup, teardown),
        cmocka_unit_test_setup_teardown(numbers_are_written_as_javascript_does, setup, teardown),
        cmocka_unit_test_setup_teardown(compact_output_has_no_spaces, setup, teardown),
        cmocka_unit_test_setup_teardown(pretty_output_indents_two_spaces, setup, teardown),
        cmocka_unit_test_setup_teardown(deep_nesting_is_written_without_recursion, setup,
                                        teardown),
        cmocka_unit_test(out_of_memory_fails_the_buffer),
        cmocka_unit_test_setup_teardown(buffer_printf_detach_and_reset, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
