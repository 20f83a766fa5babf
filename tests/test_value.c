/* test_value.c - the value model: truthiness, equality, hashing, lookup, and
 * the JavaScript number conversions (expected texts checked against node). */
#include "testutil.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "value.h"

static kc_member member(const char *key, kc_value v)
{
    kc_member m;
    m.key = key;
    m.klen = (uint32_t)strlen(key);
    m.khash = kc_hash(key, m.klen);
    m.val = v;
    return m;
}

static void truthiness_follows_json_logic(void **state)
{
    (void)state;
    static const kc_value items[1] = {{KC_TYPE_NUMBER, 0, 0, 0, {0}}};
    const kc_member m[1] = {member("a", kc_v_null())};
    const struct {
        kc_value v;
        int truthy;
    } cases[] = {
        {kc_v_null(), 0},
        {kc_v_bool(0), 0},
        {kc_v_bool(1), 1},
        {kc_v_num(0), 0},
        {kc_v_num(-0.0), 0},
        {kc_v_num(1), 1},
        {kc_v_num(-0.5), 1},
        {kc_v_str("", 0), 0},
        {kc_v_str("0", 1), 1},
        {kc_v_str("false", 5), 1},
        {kc_v_arr(NULL, 0), 0},
        {kc_v_arr(items, 1), 1},
        {kc_v_obj(NULL, 0), 1},
        {kc_v_obj(m, 1), 1},
        {kc_v_unknown(), 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(kc_truthy(&cases[i].v), cases[i].truthy);
        assert_int_equal(kc_value_truthy(&cases[i].v), cases[i].truthy);
    }
    assert_int_equal(kc_truthy(NULL), 0);
    assert_int_equal(kc_value_truthy(NULL), 0);
}

static void equality_is_deep_and_ignores_member_order(void **state)
{
    (void)state;
    const kc_value a_items[] = {kc_v_num(1), kc_v_str("x", 1), kc_v_null()};
    const kc_value b_items[] = {kc_v_num(1.0), kc_v_str("x", 1), kc_v_null()};
    const kc_value c_items[] = {kc_v_num(1), kc_v_str("y", 1), kc_v_null()};
    const kc_value arr_a = kc_v_arr(a_items, 3), arr_b = kc_v_arr(b_items, 3);
    const kc_value arr_c = kc_v_arr(c_items, 3), arr_short = kc_v_arr(a_items, 2);
    const kc_member o1[] = {member("a", kc_v_num(1)), member("b", arr_a)};
    const kc_member o2[] = {member("b", arr_b), member("a", kc_v_num(1))};
    const kc_member o3[] = {member("b", arr_c), member("a", kc_v_num(1))};
    const kc_member o4[] = {member("a", kc_v_num(1)), member("c", arr_a)};
    const kc_value obj1 = kc_v_obj(o1, 2), obj2 = kc_v_obj(o2, 2), obj3 = kc_v_obj(o3, 2);
    const kc_value obj4 = kc_v_obj(o4, 2), obj_short = kc_v_obj(o1, 1);
    const kc_value zero = kc_v_num(0), negzero = kc_v_num(-0.0), null_v = kc_v_null();
    const kc_value unknown = kc_v_unknown(), f = kc_v_bool(0), s0 = kc_v_str("", 0);
    const kc_value s0b = kc_v_str(NULL, 0), one_str = kc_v_str("1", 1), one = kc_v_num(1);

    assert_true(kc_equal(&arr_a, &arr_b));
    assert_false(kc_equal(&arr_a, &arr_c));
    assert_false(kc_equal(&arr_a, &arr_short));
    assert_true(kc_equal(&obj1, &obj2));
    assert_true(kc_equal(&obj2, &obj1));
    assert_false(kc_equal(&obj1, &obj3));
    assert_false(kc_equal(&obj1, &obj4));
    assert_false(kc_equal(&obj1, &obj_short));
    assert_true(kc_equal(&zero, &negzero));
    assert_true(kc_equal(&s0, &s0b));
    /* No type coercion: this is structural equality, not JSON Logic "==". */
    assert_false(kc_equal(&one, &one_str));
    assert_false(kc_equal(&zero, &f));
    assert_false(kc_equal(&null_v, &f));
    /* NULL and unknown read as null. */
    assert_true(kc_value_equal(NULL, NULL));
    assert_true(kc_value_equal(NULL, &null_v));
    assert_true(kc_value_equal(&unknown, &null_v));
    assert_false(kc_value_equal(NULL, &zero));
}

static void hash_is_fnv1a(void **state)
{
    (void)state;
    assert_int_equal(kc_hash("", 0), 0x811c9dc5u);
    assert_int_equal(kc_hash("a", 1), 0xe40c292cu);
    assert_int_equal(kc_hash("foobar", 6), 0xbf9cf968u);
}

/* kc_bytes_equal reads words that overlap: every length and every position
 * of a difference must still be told apart, and nothing past n is read
 * (ASan checks the exact-size copies). */
static void byte_equality_at_every_length(void **state)
{
    (void)state;
    char base[41];
    for (size_t i = 0; i < sizeof base; i++)
        base[i] = (char)('a' + i % 26);
    for (size_t n = 0; n <= 40; n++) {
        char *a = malloc(n ? n : 1), *b = malloc(n ? n : 1);
        assert_non_null(a);
        assert_non_null(b);
        memcpy(a, base, n);
        memcpy(b, base, n);
        assert_true(kc_bytes_equal(a, b, n));
        for (size_t k = 0; k < n; k++) {
            b[k] ^= 0x20;
            assert_false(kc_bytes_equal(a, b, n));
            b[k] ^= 0x20;
        }
        free(a);
        free(b);
    }
}

static void object_lookup_is_exact(void **state)
{
    (void)state;
    const kc_member m[] = {member("a", kc_v_num(1)), member("A", kc_v_num(2)),
                           member("", kc_v_num(3))};
    const kc_value obj = kc_v_obj(m, 3);
    assert_ptr_equal(kc_value_get(&obj, "a", 1), &m[0].val);
    assert_ptr_equal(kc_value_get(&obj, "A", 1), &m[1].val);
    assert_ptr_equal(kc_value_get(&obj, "", 0), &m[2].val);
    assert_ptr_equal(kc_value_get(&obj, NULL, 0), &m[2].val);
    assert_null(kc_value_get(&obj, NULL, 1));
    assert_null(kc_value_get(&obj, "ab", 2));
    assert_ptr_equal(kc_value_get(&obj, "ab", 1), &m[0].val); /* the length ends the key */
    assert_ptr_equal(kc_obj_get(&obj, "A", 1, kc_hash("A", 1)), &m[1].val);
    const kc_value arr = kc_v_arr(NULL, 0);
    assert_null(kc_obj_get(&arr, "a", 1, kc_hash("a", 1)));
}

static void duplicate_keys_found_small_and_large(void **state)
{
    (void)state;
    kc_ctx *ctx;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    static char keys[100][8];
    kc_member m[100];
    for (int i = 0; i < 100; i++) {
        snprintf(keys[i], sizeof keys[i], "k%d", i);
        m[i] = member(keys[i], kc_v_null());
    }
    size_t first = 99, second = 99;
    for (size_t n = 0; n <= 100; n += 4)
        assert_int_equal(kc_members_find_dup(ctx, m, n, &first, &second), 0);
    /* Repeats at 70 (of 3) and 80 (of 5): the earliest repeat is reported. */
    m[80] = member("k5", kc_v_null());
    m[70] = member("k3", kc_v_null());
    assert_int_equal(kc_members_find_dup(ctx, m, 100, &first, &second), 1);
    assert_int_equal(first, 3);
    assert_int_equal(second, 70);
    assert_int_equal(kc_members_find_dup(ctx, m, 16, &first, &second), 0);
    m[9] = member("k2", kc_v_null());
    assert_int_equal(kc_members_find_dup(ctx, m, 16, &first, &second), 1);
    assert_int_equal(first, 2);
    assert_int_equal(second, 9);
    kc_ctx_free(ctx);
}

static void string_to_number_follows_javascript(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int ok;
        double out;
    } cases[] = {
        {" 12 ", 0, 12},
        {"1e2", 0, 100},
        {"1E+2", 0, 100},
        {"0x1A", 0, 26},
        {"0X1f", 0, 31},
        {"0o17", 0, 15},
        {"0b101", 0, 5},
        {"", 0, 0},
        {" \t\n\v\f\r", 0, 0},
        {"abc", -1, 0},
        {"1.", 0, 1},
        {".5", 0, 0.5},
        {"+.5", 0, 0.5},
        {"-.5e1", 0, -5},
        {"00.5", 0, 0.5},
        {"01", 0, 1},
        {"-", -1, 0},
        {"+", -1, 0},
        {".", -1, 0},
        {"1e", -1, 0},
        {"e5", -1, 0},
        {"--1", -1, 0},
        {"+-1", -1, 0},
        {"-0x1", -1, 0},
        {"0x", -1, 0},
        {"0b2", -1, 0},
        {"1_000", -1, 0},
        {"12abc", -1, 0},
        {"infinity", -1, 0},
        {"Infinity", 0, HUGE_VAL},
        {"+Infinity", 0, HUGE_VAL},
        {"-Infinity", 0, -HUGE_VAL},
        {"Infinity ", 0, HUGE_VAL},
        {"1e1000", 0, HUGE_VAL},
        {"1.5e-7", 0, 1.5e-7},
        {"0.0000001", 0, 1e-7},
        {"\xc2\xa0" "12\xe3\x80\x80", 0, 12},  /* NBSP, ideographic space */
        {"\xef\xbb\xbf" "5", 0, 5},            /* BOM is JS white space */
        {"\xe2\x80\x8b" "1", -1, 0},           /* zero width space is not */
        {"0x1fffffffffffff", 0, 9007199254740991.0},
        {"0x20000000000001", 0, 9007199254740992.0}, /* tie: to even */
        {"0x20000000000003", 0, 9007199254740996.0}, /* tie: to even (up) */
        {"0x1FFFFFFFFFFFFFFFF", 0, 36893488147419103232.0},
        {"9007199254740993", 0, 9007199254740992.0},
        {"9007199254740993.0000000000001", 0, 9007199254740994.0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double d = -12345;
        const int rc = kc_string_to_number(cases[i].in, strlen(cases[i].in), &d);
        if (rc != cases[i].ok)
            fail_msg("Number(\"%s\"): rc %d, want %d", cases[i].in, rc, cases[i].ok);
        if (rc == 0 && d != cases[i].out)
            fail_msg("Number(\"%s\") = %.17g, want %.17g", cases[i].in, d, cases[i].out);
    }
    double d = 1;
    assert_int_equal(kc_string_to_number("-0", 2, &d), 0);
    assert_true(d == 0 && signbit(d));
    /* Length, not NUL, ends the text. */
    assert_int_equal(kc_string_to_number("12x", 2, &d), 0);
    assert_true(d == 12);
    assert_int_equal(kc_string_to_number(NULL, 0, &d), 0);
    assert_true(d == 0);
}

/* strtod in the C locale is the reference for correctly rounded decimals. */
static void json_numbers_parse_exactly(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "0", "-0", "1", "-1", "0.1", "0.2", "0.3", "123.456", "1e22", "1e23", "1e-22",
        "123456789012345", "1234567890123456", "12345678901234567890", "9007199254740993",
        "2.2250738585072011e-308", "2.2250738585072014e-308", "4.9406564584124654e-324",
        "2.4703282292062327e-324", "2.4703282292062328e-324", "1.7976931348623157e308",
        "1.7976931348623158e308", "0.000001", "1E5", "1e+5", "1e-5", "5e-324", "1e-400",
        "123456789012345678901234567890e-30", "100000000000000000000000000000000",
        "0.1000000000000000055511151231257827021181583404541015625",
        "0.1000000000000000055511151231257827021181583404541015626",
        "3.14159265358979323846264338327950288", "1e00000000000000000000000000022",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double d = -1;
        assert_int_equal(kc_parse_json_number(cases[i], strlen(cases[i]), &d), 0);
        const double want = strtod(cases[i], NULL);
        if (memcmp(&d, &want, sizeof d) != 0)
            fail_msg("%s -> %.17g, want %.17g", cases[i], d, want);
    }
    double d;
    static const char *const bad[] = {"1e400", "-1e400", "1.8e308", "01", "1.", ".5",
                                      "+1", "", "-", "1e", "NaN", "0x1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(kc_parse_json_number(bad[i], strlen(bad[i]), &d), -1);
}

static void long_numbers_round_correctly(void **state)
{
    (void)state;
    /* 1 + 2^-53 is the midpoint between 1 and the next double: it must round
     * to even (1), but any nonzero digit past it, however far, rounds up. */
    static char buf[2100];
    const char *mid = "1.00000000000000011102230246251565404236316680908203125";
    strcpy(buf, mid);
    double d;
    assert_int_equal(kc_parse_json_number(buf, strlen(buf), &d), 0);
    assert_true(d == 1.0);
    size_t n = strlen(buf);
    while (n < 2000)
        buf[n++] = '0';
    buf[n++] = '1';
    buf[n] = '\0';
    assert_int_equal(kc_parse_json_number(buf, n, &d), 0);
    assert_true(d == nextafter(1.0, 2.0));
    /* Many leading zeros in the fraction. */
    memset(buf, '0', sizeof buf);
    memcpy(buf, "0.", 2);
    buf[1500] = '7';
    assert_int_equal(kc_parse_json_number(buf, 1501, &d), 0);
    assert_true(d == 0.0);
    memcpy(buf + 1501, "e1498", 6);
    assert_int_equal(kc_parse_json_number(buf, strlen(buf), &d), 0);
    assert_true(d == 0.7);
}

static void format_number_matches_javascript(void **state)
{
    (void)state;
    static const struct {
        double d;
        const char *text;
    } cases[] = {
        {0, "0"},
        {-0.0, "0"},
        {1, "1"},
        {-1.5, "-1.5"},
        {0.1, "0.1"},
        {1e21, "1e+21"},
        {1e20, "100000000000000000000"},
        {1e-7, "1e-7"},
        {-1e-7, "-1e-7"},
        {1.5e-7, "1.5e-7"},
        {1e-6, "0.000001"},
        {2.5e-5, "0.000025"},
        {123456789012345680000.0, "123456789012345680000"},
        {5e-324, "5e-324"},
        {1.5e-323, "1.5e-323"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
        {0.1 + 0.2, "0.30000000000000004"},
        {123.456, "123.456"},
        {1.0 / 3, "0.3333333333333333"},
        {9007199254740992.0, "9007199254740992"},
        {9007199254740994.0, "9007199254740994"},
        {-9223372036854775808.0, "-9223372036854776000"},
        {1e100, "1e+100"},
        {1.2e21, "1.2e+21"},
        {8.41e21, "8.41e+21"},
        {4.35, "4.35"},
        {5.684341886080802e-14, "5.684341886080802e-14"},
        {2.2250738585072014e-308, "2.2250738585072014e-308"},
        {8.98846567431158e+307, "8.98846567431158e+307"},
        {1e23, "1e+23"},
        {5e-310, "5e-310"},
        {HUGE_VAL, "Infinity"},
        {-HUGE_VAL, "-Infinity"},
        {(double)NAN, "NaN"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[KC_NUM_BUF];
        const size_t n = kc_format_number(cases[i].d, buf);
        assert_int_equal(n, strlen(buf));
        if (strcmp(buf, cases[i].text) != 0)
            fail_msg("%.17g printed as %s, want %s", cases[i].d, buf, cases[i].text);
    }
}

static uint64_t next_random(uint64_t *s)
{
    /* xorshift64*: deterministic, so a failure can be replayed. */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

static void formatted_numbers_read_back_exactly(void **state)
{
    (void)state;
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 20000; i++) {
        const uint64_t bits = next_random(&seed);
        double d;
        memcpy(&d, &bits, sizeof d);
        if (!isfinite(d))
            continue;
        char buf[KC_NUM_BUF];
        const size_t n = kc_format_number(d, buf);
        assert_true(n > 0 && n < KC_NUM_BUF);
        double back;
        if (kc_string_to_number(buf, n, &back) != 0 || (back != d && !(d == 0)))
            fail_msg("%.17g printed as %s does not read back", d, buf);
        /* JSON can hold every printed form (no "1." or ".5"). */
        if (d != 0)
            assert_int_equal(kc_parse_json_number(buf, n, &back), 0);
    }
}

static void numbers_ignore_the_locale(void **state)
{
    (void)state;
    /* Any locale with a comma decimal point will do; skip quietly if none is
     * installed (the conversions still never print or read a point). */
    static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                        "fr_FR.utf8", "nl_NL.UTF-8"};
    const char *set = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !set; i++)
        set = setlocale(LC_NUMERIC, names[i]);
    char buf[KC_NUM_BUF];
    double d = 0;
    kc_format_number(1234.5, buf);
    assert_string_equal(buf, "1234.5");
    assert_int_equal(kc_parse_json_number("1234.5", 6, &d), 0);
    assert_true(d == 1234.5);
    assert_int_equal(kc_parse_json_number("0.1000000000000000055511151231257827", 36, &d), 0);
    assert_true(d == 0.1);
    assert_int_equal(kc_string_to_number("2.5", 3, &d), 0);
    assert_true(d == 2.5);
    setlocale(LC_NUMERIC, "C");
}

static void accessors_accept_null_and_unknown(void **state)
{
    (void)state;
    const kc_value unknown = kc_v_unknown();
    const kc_value *const vs[] = {NULL, &unknown};
    for (size_t i = 0; i < 2; i++) {
        const kc_value *v = vs[i];
        size_t len = 99;
        assert_int_equal(kc_value_type(v), KC_TYPE_NULL);
        assert_int_equal(kc_value_bool(v), 0);
        assert_true(kc_value_number(v) == 0);
        assert_null(kc_value_string(v, &len));
        assert_int_equal(len, 0);
        assert_null(kc_value_string(v, NULL));
        assert_int_equal(kc_value_count(v), 0);
        assert_null(kc_value_at(v, 0));
        len = 99;
        assert_null(kc_value_key_at(v, 0, &len));
        assert_int_equal(len, 0);
        assert_null(kc_value_get(v, "a", 1));
        assert_int_equal(kc_value_truthy(v), 0);
    }
}

static void accessors_read_each_type(void **state)
{
    (void)state;
    const kc_value items[] = {kc_v_num(2.5), kc_v_str("hi", 2)};
    const kc_member m[] = {member("k", kc_v_bool(1)), member("arr", kc_v_arr(items, 2))};
    const kc_value obj = kc_v_obj(m, 2);
    assert_int_equal(kc_value_type(&obj), KC_TYPE_OBJECT);
    assert_int_equal(kc_value_count(&obj), 2);
    size_t len;
    assert_string_equal(kc_value_key_at(&obj, 1, &len), "arr");
    assert_int_equal(len, 3);
    assert_null(kc_value_key_at(&obj, 2, &len));
    assert_ptr_equal(kc_value_at(&obj, 0), &m[0].val);
    assert_null(kc_value_at(&obj, 2));
    assert_int_equal(kc_value_bool(kc_value_at(&obj, 0)), 1);
    const kc_value *arr = kc_value_get(&obj, "arr", 3);
    assert_int_equal(kc_value_type(arr), KC_TYPE_ARRAY);
    assert_int_equal(kc_value_count(arr), 2);
    assert_true(kc_value_number(kc_value_at(arr, 0)) == 2.5);
    assert_true(kc_value_number(kc_value_at(arr, 1)) == 0);
    assert_string_equal(kc_value_string(kc_value_at(arr, 1), &len), "hi");
    assert_int_equal(len, 2);
    assert_null(kc_value_string(kc_value_at(arr, 0), NULL));
    assert_null(kc_value_key_at(arr, 0, NULL));
    assert_null(kc_value_get(arr, "arr", 3));
    assert_int_equal(kc_value_bool(kc_value_at(arr, 0)), 0);
}

static void value_to_json_writes_compact_text(void **state)
{
    (void)state;
    kc_ctx *ctx;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    const kc_value items[] = {kc_v_num(1e21), kc_v_str("a\"b", 3), kc_v_null(), kc_v_bool(0)};
    const kc_member m[] = {member("x", kc_v_arr(items, 4)), member("y", kc_v_obj(NULL, 0))};
    const kc_value obj = kc_v_obj(m, 2);
    static char sentinel[] = "untouched";
    char *out;
    size_t len;
    assert_int_equal(kc_value_to_json(ctx, &obj, &out, &len), KC_OK);
    assert_string_equal(out, "{\"x\":[1e+21,\"a\\\"b\",null,false],\"y\":{}}");
    assert_int_equal(len, strlen(out));
    kc_free(ctx, out);
    assert_int_equal(kc_value_to_json(ctx, NULL, &out, NULL), KC_OK);
    assert_string_equal(out, "null");
    kc_free(ctx, out);
    out = sentinel;
    assert_int_equal(kc_value_to_json(NULL, &obj, &out, &len), KC_EINVAL);
    assert_null(out);
    assert_int_equal(kc_value_to_json(ctx, &obj, NULL, &len), KC_EINVAL);
    kc_ctx_free(ctx);
}

static void value_to_json_reports_out_of_memory(void **state)
{
    (void)state;
    kc_test_alloc t = {0};
    const kc_allocator a = kc_test_allocator(&t);
    kc_ctx *ctx;
    assert_int_equal(kc_ctx_create(&ctx, &a), KC_OK);
    const size_t base = t.live;
    const kc_value v = kc_v_str("hello", 5);
    t.fail_at = t.calls + 1;
    t.persistent = 1;
    static char sentinel[] = "untouched";
    char *out = sentinel;
    size_t len = 7;
    assert_int_equal(kc_value_to_json(ctx, &v, &out, &len), KC_ENOMEM);
    assert_null(out);
    assert_int_equal(len, 0);
    assert_int_equal(t.live, base);
    t.fail_at = 0;
    kc_ctx_free(ctx);
    assert_int_equal(t.live, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(truthiness_follows_json_logic),
        cmocka_unit_test(equality_is_deep_and_ignores_member_order),
        cmocka_unit_test(hash_is_fnv1a),
        cmocka_unit_test(byte_equality_at_every_length),
        cmocka_unit_test(object_lookup_is_exact),
        cmocka_unit_test(duplicate_keys_found_small_and_large),
        cmocka_unit_test(string_to_number_follows_javascript),
        cmocka_unit_test(json_numbers_parse_exactly),
        cmocka_unit_test(long_numbers_round_correctly),
        cmocka_unit_test(format_number_matches_javascript),
        cmocka_unit_test(formatted_numbers_read_back_exactly),
        cmocka_unit_test(numbers_ignore_the_locale),
        cmocka_unit_test(accessors_accept_null_and_unknown),
        cmocka_unit_test(accessors_read_each_type),
        cmocka_unit_test(value_to_json_writes_compact_text),
        cmocka_unit_test(value_to_json_reports_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
