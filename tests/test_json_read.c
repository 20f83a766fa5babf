/* test_json_read.c - the strict JSON reader: a table of malformed inputs with
 * exact positions, round trips of valid inputs, positions of values and keys,
 * limits, unterminated buffers, truncation and byte flips, and allocation
 * failure at every step. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json_read.h"
#include "json_write.h"

typedef kc_test_ctx fixture;

static const kc_json_read_opts default_opts = {(size_t)1 << 20, 64, 200000, 1};

/* Parses len bytes from an exact-size heap copy, so reading text[len] is an
 * error ASan and valgrind report. The arena is freed before returning; the
 * compact rewrite of the value is left in out (if not NULL). */
static kc_status parse(const kc_ctx *ctx, const char *text, size_t len,
                       const kc_json_read_opts *opts, kc_error *err, char *out, size_t outsize)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    if (len)
        memcpy(copy, text, len);
    kc_arena arena;
    kc_arena_init(&arena, ctx, 256, 0);
    kc_value root;
    kc_pos_table pos;
    kc_error_init(err, "t.json");
    const kc_status st = kc_json_read(&arena, copy, len, opts, &root, &pos, err);
    if (out && outsize) {
        out[0] = '\0';
        if (st == KC_OK) {
            kc_buf b;
            kc_buf_init(&b, ctx);
            assert_int_equal(kc_json_write(&b, &root), 0);
            snprintf(out, outsize, "%s", kc_buf_cstr(&b));
            kc_buf_free(&b);
        }
    }
    if (st != KC_OK) {
        assert_int_equal(root.type, KC_TYPE_NULL);
        assert_null(pos.items);
    }
    kc_arena_free(&arena);
    free(copy);
    return st;
}

typedef struct bad_case {
    const char *text;
    size_t len; /* 0: strlen(text) */
    kc_status status;
    unsigned line, col;
    const char *message; /* a substring of the message */
} bad_case;

static const bad_case bad_cases[] = {
    {"", 0, KC_ESYNTAX, 1, 1, "empty input"},
    {"   \n  ", 0, KC_ESYNTAX, 2, 3, "empty input"},
    {"{", 0, KC_ESYNTAX, 1, 2, "unterminated object"},
    {"[1, 2", 0, KC_ESYNTAX, 1, 6, "unterminated array"},
    {"{\"a\"", 0, KC_ESYNTAX, 1, 5, "unterminated object"},
    {"{\"a\":", 0, KC_ESYNTAX, 1, 6, "unterminated object"},
    {"[1,]", 0, KC_ESYNTAX, 1, 4, "trailing commas are not allowed"},
    {"{\"a\":1,}", 0, KC_ESYNTAX, 1, 8, "trailing commas are not allowed"},
    {"{\"a\" 1}", 0, KC_ESYNTAX, 1, 6, "expected ':' after an object key, found '1'"},
    {"{\"a\":1,\"b\"}", 0, KC_ESYNTAX, 1, 11, "expected ':' after an object key, found '}'"},
    {"{\"a\":1 \"b\":2}", 0, KC_ESYNTAX, 1, 8, "expected ',' or '}' after an object member"},
    {"{\"a\":1]", 0, KC_ESYNTAX, 1, 7, "expected ',' or '}' after an object member, found ']'"},
    {"[1 2]", 0, KC_ESYNTAX, 1, 4, "expected ',' or ']' after an array element, found '2'"},
    {"[1}", 0, KC_ESYNTAX, 1, 3, "expected ',' or ']' after an array element, found '}'"},
    {"{a:1}", 0, KC_ESYNTAX, 1, 2, "expected a string key or '}' after '{', found 'a'"},
    {"['a']", 0, KC_ESYNTAX, 1, 2, "JSON strings use double quotes"},
    {"[01]", 0, KC_ESYNTAX, 1, 2, "leading zeros are not allowed"},
    {"[-01]", 0, KC_ESYNTAX, 1, 2, "leading zeros are not allowed"},
    {"[1.]", 0, KC_ESYNTAX, 1, 4, "expected a digit after the decimal point, found ']'"},
    {"[.5]", 0, KC_ESYNTAX, 1, 2, "found '.'"},
    {"[+1]", 0, KC_ESYNTAX, 1, 2, "cannot start with '+'"},
    {"[-]", 0, KC_ESYNTAX, 1, 3, "expected a digit after '-', found ']'"},
    {"[1e]", 0, KC_ESYNTAX, 1, 4, "expected a digit in the exponent"},
    {"[1e+]", 0, KC_ESYNTAX, 1, 5, "expected a digit in the exponent"},
    {"[0x1F]", 0, KC_ESYNTAX, 1, 2, "hexadecimal"},
    {"[NaN]", 0, KC_ESYNTAX, 1, 2, "NaN and Infinity are not JSON numbers"},
    {"[-Infinity]", 0, KC_ESYNTAX, 1, 2, "-Infinity is not a JSON number"},
    {"[True]", 0, KC_ESYNTAX, 1, 2, "lowercase"},
    {"[nul]", 0, KC_ESYNTAX, 1, 2, "found 'nul'"},
    {"[truex]", 0, KC_ESYNTAX, 1, 2, "found 'truex'"},
    {"// c\n{}", 0, KC_ESYNTAX, 1, 1, "JSON has no comments"},
    {"{} x", 0, KC_ESYNTAX, 1, 4, "trailing content after the JSON value"},
    {"[1]]", 0, KC_ESYNTAX, 1, 4, "trailing content after the JSON value"},
    {"\"abc", 0, KC_ESYNTAX, 1, 5, "unterminated string"},
    {"[\"\\", 0, KC_ESYNTAX, 1, 4, "unterminated string"},
    {"[\"\\u12", 0, KC_ESYNTAX, 1, 7, "unterminated string"},
    {"[\"\\x\"]", 0, KC_ESYNTAX, 1, 3, "invalid escape"},
    {"[\"\\u12G4\"]", 0, KC_ESYNTAX, 1, 3, "four hex digits"},
    {"[\"a\nb\"]", 0, KC_EENCODING, 1, 4, "control character U+000A in a string must be escaped as \\n"},
    {"[\"a\x01\"]", 0, KC_EENCODING, 1, 4, "control character U+0001 in a string must be escaped as \\u0001"},
    {"[\"\\u0000\"]", 0, KC_EENCODING, 1, 3, "\"\\u0000\" is not allowed in strings"},
    {"[\"\\uD800\"]", 0, KC_EENCODING, 1, 3, "lone high surrogate"},
    {"[\"\\uD800\\u0041\"]", 0, KC_EENCODING, 1, 3, "lone high surrogate"},
    {"[\"\\uDC00\\uD800\"]", 0, KC_EENCODING, 1, 3, "lone low surrogate"},
    {"[\"\\uDBFF\\uDFFF\", \"\\ud83d\"]", 0, KC_EENCODING, 1, 19, "lone high surrogate"},
    {"[\"\xff\"]", 0, KC_EENCODING, 1, 3, "invalid UTF-8 byte 0xff"},
    {"[\"\xc0\xaf\"]", 0, KC_EENCODING, 1, 3, "invalid UTF-8 byte 0xc0"},
    {"[\"\xe0\x80\xaf\"]", 0, KC_EENCODING, 1, 3, "invalid UTF-8 sequence starting with byte 0xe0"},
    {"[\"\xed\xa0\x80\"]", 0, KC_EENCODING, 1, 3, "invalid UTF-8 sequence starting with byte 0xed"},
    {"[\"\xf4\x90\x80\x80\"]", 0, KC_EENCODING, 1, 3, "byte 0xf4"},
    {"[\"\xc3\"]", 0, KC_EENCODING, 1, 3, "byte 0xc3"},
    {"[\"ok\", \xff]", 0, KC_EENCODING, 1, 8, "invalid UTF-8 byte 0xff"},
    {"{\"a\xff\":1}", 0, KC_EENCODING, 1, 4, "invalid UTF-8 byte 0xff"},
    {"[\xc3\xa9]", 0, KC_ESYNTAX, 1, 2, "U+00E9"},
    {"[1,\x0b 2]", 0, KC_EENCODING, 1, 4, "white space U+000B is not allowed; use space, tab, CR or LF"},
    {"[1,\x0c 2]", 0, KC_EENCODING, 1, 4, "white space U+000C is not allowed"},
    {"[1,\x01 2]", 0, KC_EENCODING, 1, 4, "control character U+0001"},
    {"[\xc2\xa0 1]", 0, KC_EENCODING, 1, 2, "white space U+00A0 is not allowed"},
    {"\xef\xbb\xbf{}", 0, KC_EENCODING, 1, 1, "byte order mark"},
    {"[1]\0", 4, KC_EENCODING, 1, 4, "NUL byte"},
    {"{}\0x", 4, KC_EENCODING, 1, 3, "NUL byte"},
    {"[\"a\0b\"]", 7, KC_EENCODING, 1, 4, "NUL byte"},
    {"{\n  \"a\": 1,\n  \"a\": 2\n}", 0, KC_EDUPKEY, 3, 3, "duplicate key \"a\" (first at line 2, column 3)"},
    {"{\"a\":1,\"\\u0061\":2}", 0, KC_EDUPKEY, 1, 8, "duplicate key \"a\" (first at line 1, column 2)"},
    {"[{\"x\":[{\"q\\\"\":1,\"q\\\"\":2}]}]", 0, KC_EDUPKEY, 1, 17, "duplicate key \"q\\\"\""},
    {"[1e400]", 0, KC_ENUMBER, 1, 2, "number 1e400 is too large"},
    {"[-1e400]", 0, KC_ENUMBER, 1, 2, "number -1e400 is too large"},
    {"[\r\n1,\r2,\n x]", 0, KC_ESYNTAX, 4, 2, "found 'x'"},
    {"[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\", x]", 0, KC_ESYNTAX, 1, 9, "found 'x'"},
    {"[\t\tx]", 0, KC_ESYNTAX, 1, 4, "found 'x'"},
    {"\r\r\n\n[x]", 0, KC_ESYNTAX, 4, 2, "found 'x'"},
};

static void malformed_inputs_are_rejected_with_positions(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const bad_case *c = &bad_cases[i];
        const size_t len = c->len ? c->len : strlen(c->text);
        kc_error err;
        const kc_status st = parse(f->ctx, c->text, len, &default_opts, &err, NULL, 0);
        if (st != c->status || err.line != c->line || err.column != c->col ||
            !strstr(err.message, c->message))
            fail_msg("case %zu: got %s %u:%u \"%s\", want %s %u:%u \"%s\"", i,
                     kc_status_name(st), err.line, err.column, err.message,
                     kc_status_name(c->status), c->line, c->col, c->message);
        assert_int_equal(err.status, st);
        assert_string_equal(err.source, "t.json");
        assert_true(err.offset <= len);
    }
    assert_true(sizeof bad_cases / sizeof bad_cases[0] >= 40);
    assert_int_equal(f->t.live, f->base);
}

static void error_paths_name_the_offending_node(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *text, *path;
    } cases[] = {
        {"{\"x\":[1,{\"k\":tru}]}", "/x/1/k"},
        {"{\"a\":{\"dup\":1,\"dup\":2}}", "/a/dup"},
        {"{\"a/b\":{\"m~n\":[1e999]}}", "/a~1b/m~0n/0"},
        {"[[1,2,3],[4,5,[6,7,\"\\q\"]]]", "/1/2/2"},
        {"[1 2]", ""},
        {"{\"a\":[1 2]}", "/a"},
        {"xyz", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kc_error err;
        assert_int_not_equal(parse(f->ctx, cases[i].text, strlen(cases[i].text), &default_opts,
                                   &err, NULL, 0),
                             KC_OK);
        if (strcmp(err.path, cases[i].path) != 0)
            fail_msg("%s: path \"%s\", want \"%s\"", cases[i].text, err.path, cases[i].path);
    }
}

static void valid_inputs_round_trip(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"0", "0"},
        {"-0", "0"},
        {" [ ] ", "[]"},
        {"{}", "{}"},
        {"\t\r\n{\"\":\"\"}\r\n", "{\"\":\"\"}"},
        {"[1, 2.5, -3e2, 1E-2, 0.1, 1e+2]", "[1,2.5,-300,0.01,0.1,100]"},
        {"{\"a\" : {\"b\" : [true, false, null]}}", "{\"a\":{\"b\":[true,false,null]}}"},
        {"\"\\u00e9\\u20ac\\ud83d\\ude00\"", "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\""},
        {"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\\"\\\\/\\b\\f\\n\\r\\t\""},
        {"\"\\u001f\\u0041\"", "\"\\u001fA\""},
        {"\"\x7f \xf4\x8f\xbf\xbf\"", "\"\x7f \xf4\x8f\xbf\xbf\""},
        {"1e-400", "0"},
        {"123456789012345678901234567890", "1.2345678901234568e+29"},
        {"{\"a\":1,\"A\":2}", "{\"a\":1,\"A\":2}"},
        {"[[[[[]]]]]", "[[[[[]]]]]"},
        {"[{}, {\"a\": []}]", "[{},{\"a\":[]}]"},
        {"\"caf\xc3\xa9\"", "\"caf\xc3\xa9\""},
        {"true", "true"},
        {"null", "null"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kc_error err;
        char out[256];
        const kc_status st =
            parse(f->ctx, cases[i].in, strlen(cases[i].in), &default_opts, &err, out, sizeof out);
        if (st != KC_OK)
            fail_msg("%s: %s %s", cases[i].in, kc_status_name(st), err.message);
        assert_string_equal(out, cases[i].out);
    }
}

static void strings_keep_their_decoded_length(void **state)
{
    fixture *f = *state;
    kc_arena arena;
    kc_arena_init(&arena, f->ctx, 256, 0);
    kc_value root;
    static const char text[] = "{\"k\\u00e9y\":\"a\\nb\",\"\":\"\"}";
    assert_int_equal(kc_json_read(&arena, text, sizeof text - 1, NULL, &root, NULL, NULL), KC_OK);
    assert_int_equal(root.type, KC_TYPE_OBJECT);
    assert_int_equal(root.n, 2);
    const kc_member *m = root.u.members;
    assert_int_equal(m[0].klen, 4);
    assert_string_equal(m[0].key, "k\xc3\xa9y");
    assert_int_equal(m[0].khash, kc_hash("k\xc3\xa9y", 4));
    assert_int_equal(m[0].val.n, 3);
    assert_memory_equal(m[0].val.u.str, "a\nb", 4);
    assert_int_equal(m[1].klen, 0);
    assert_string_equal(m[1].key, "");
    assert_int_equal(m[1].val.n, 0);
    assert_ptr_equal(kc_obj_get(&root, "k\xc3\xa9y", 4, kc_hash("k\xc3\xa9y", 4)), &m[0].val);
    kc_arena_free(&arena);
}

/* The position table is in address order whether the document fits one
 * arena chunk (records arrive in order) or spreads over many (sorted), and
 * every value's position is found. */
static void position_table_is_ordered_across_chunks(void **state)
{
    fixture *f = *state;
    char text[16384];
    size_t len = 0;
    len += (size_t)snprintf(text + len, sizeof text - len, "[");
    for (int i = 0; i < 300; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%s{\"k%d\": [%d, \"s%d\"]}",
                                i ? "," : "", i, i, i);
    len += (size_t)snprintf(text + len, sizeof text - len, "]");
    assert_true(len < sizeof text);
    static const size_t firsts[] = {256, 1 << 20};
    for (size_t c = 0; c < 2; c++) {
        kc_arena arena;
        kc_arena_init(&arena, f->ctx, firsts[c], 0);
        kc_value root;
        kc_pos_table pos;
        assert_int_equal(kc_json_read(&arena, text, len, &default_opts, &root, &pos, NULL), KC_OK);
        assert_int_equal(pos.n, 1 + 300 * 4);
        for (size_t i = 1; i < pos.n; i++)
            assert_true((uintptr_t)pos.items[i - 1].v < (uintptr_t)pos.items[i].v);
        assert_non_null(kc_pos_find(&pos, &root));
        for (uint32_t i = 0; i < root.n; i++) {
            const kc_value *obj = &root.u.items[i];
            const kc_pos *p = kc_pos_find(&pos, obj);
            assert_non_null(p);
            assert_int_equal(text[p->offset], '{');
            const kc_value *arr = &obj->u.members[0].val;
            p = kc_pos_find(&pos, &arr->u.items[1]);
            assert_non_null(p);
            assert_int_equal(text[p->offset], '"');
        }
        kc_arena_free(&arena);
    }
}

static void positions_of_nested_values_and_keys(void **state)
{
    fixture *f = *state;
    static const char text[] = "{\n"
                               "  \"name\": \"x\",\n"
                               "  \"list\": [1, {\"deep\": true}],\n"
                               "  \"\xc3\xa9\": null\n"
                               "}\n";
    kc_arena arena;
    kc_arena_init(&arena, f->ctx, 256, 0);
    kc_value root;
    kc_pos_table pos;
    assert_int_equal(kc_json_read(&arena, text, sizeof text - 1, &default_opts, &root, &pos, NULL),
                     KC_OK);
    assert_int_equal(pos.n, 7);
    for (size_t i = 1; i < pos.n; i++)
        assert_true((uintptr_t)pos.items[i - 1].v < (uintptr_t)pos.items[i].v);

    const kc_pos *p = kc_pos_find(&pos, &root);
    assert_non_null(p);
    assert_int_equal(p->line, 1);
    assert_int_equal(p->col, 1);
    assert_int_equal(p->offset, 0);
    assert_int_equal(p->key_line, 0);

    const kc_value *name = kc_value_get(&root, "name", 4);
    p = kc_pos_find(&pos, name);
    assert_non_null(p);
    assert_int_equal(p->line, 2);
    assert_int_equal(p->col, 11);
    assert_int_equal(p->offset, 12);
    assert_int_equal(p->key_line, 2);
    assert_int_equal(p->key_col, 3);
    assert_int_equal(p->key_offset, 4);

    const kc_value *list = kc_value_get(&root, "list", 4);
    p = kc_pos_find(&pos, list);
    assert_int_equal(p->line, 3);
    assert_int_equal(p->col, 11);
    p = kc_pos_find(&pos, kc_value_at(list, 0));
    assert_int_equal(p->line, 3);
    assert_int_equal(p->col, 12);
    assert_int_equal(p->key_line, 0);
    const kc_value *obj = kc_value_at(list, 1);
    p = kc_pos_find(&pos, obj);
    assert_int_equal(p->col, 15);
    p = kc_pos_find(&pos, kc_value_get(obj, "deep", 4));
    assert_int_equal(p->line, 3);
    assert_int_equal(p->col, 24);
    assert_int_equal(p->key_col, 16);

    /* Columns count code points: the key is 3 of them but 4 bytes. */
    p = kc_pos_find(&pos, kc_value_get(&root, "\xc3\xa9", 2));
    assert_int_equal(p->line, 4);
    assert_int_equal(p->col, 8);
    assert_int_equal(p->key_col, 3);
    assert_int_equal(p->offset, sizeof "{\n  \"name\": \"x\",\n  \"list\": [1, {\"deep\": true}],\n  \"\xc3\xa9\": " - 1);

    const kc_value other = kc_v_null();
    assert_null(kc_pos_find(&pos, &other));
    assert_null(kc_pos_find(NULL, &root));
    assert_null(kc_pos_find(&pos, NULL));
    kc_arena_free(&arena);
}

static char *nested(size_t depth, int closed, size_t *len)
{
    char *s = malloc(2 * depth + 1);
    assert_non_null(s);
    memset(s, '[', depth);
    size_t n = depth;
    if (closed) {
        memset(s + depth, ']', depth);
        n += depth;
    }
    s[n] = '\0';
    *len = n;
    return s;
}

static void depth_limit_counts_containers(void **state)
{
    fixture *f = *state;
    kc_error err;
    size_t len;
    char *s = nested(64, 1, &len);
    assert_int_equal(parse(f->ctx, s, len, &default_opts, &err, NULL, 0), KC_OK);
    free(s);
    s = nested(65, 1, &len);
    assert_int_equal(parse(f->ctx, s, len, &default_opts, &err, NULL, 0), KC_ELIMIT);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 65);
    assert_non_null(strstr(err.message, "nesting deeper than 64 levels (KC_LIMIT_DEPTH)"));
    free(s);
    /* An object counts as a level too: {"a":[[1]]} is depth 3. */
    kc_json_read_opts opts = default_opts;
    opts.max_depth = 2;
    assert_int_equal(parse(f->ctx, "{\"a\":[[1]]}", 11, &opts, &err, NULL, 0), KC_ELIMIT);
    assert_int_equal(err.column, 7);
    assert_int_equal(parse(f->ctx, "{\"a\":[1]}", 9, &opts, &err, NULL, 0), KC_OK);
}

static void very_deep_input_is_rejected_quickly(void **state)
{
    fixture *f = *state;
    kc_error err;
    size_t len;
    char *s = nested(100000, 0, &len);
    assert_int_equal(parse(f->ctx, s, len, &default_opts, &err, NULL, 0), KC_ELIMIT);
    assert_int_equal(err.column, 65);
    free(s);
    /* With the limit raised, the same depth parses: no recursion anywhere. */
    s = nested(100000, 1, &len);
    kc_json_read_opts opts = default_opts;
    opts.max_depth = 100000;
    assert_int_equal(parse(f->ctx, s, len, &opts, &err, NULL, 0), KC_OK);
    opts.max_depth = 99999;
    assert_int_equal(parse(f->ctx, s, len, &opts, &err, NULL, 0), KC_ELIMIT);
    free(s);
}

static void node_limit_counts_every_value(void **state)
{
    fixture *f = *state;
    kc_error err;
    kc_json_read_opts opts = default_opts;
    opts.max_nodes = 5;
    assert_int_equal(parse(f->ctx, "[1,2,3,4]", 9, &opts, &err, NULL, 0), KC_OK);
    assert_int_equal(parse(f->ctx, "{\"a\":{\"b\":[1,2]}}", 17, &opts, &err, NULL, 0), KC_OK);
    assert_int_equal(parse(f->ctx, "[1,2,3,4,5]", 11, &opts, &err, NULL, 0), KC_ELIMIT);
    assert_int_equal(err.column, 10);
    assert_non_null(strstr(err.message, "KC_LIMIT_NODES"));
    assert_int_equal(parse(f->ctx, "[[],[],[],[],[]]", 16, &opts, &err, NULL, 0), KC_ELIMIT);
}

static void size_limit_is_checked_before_parsing(void **state)
{
    fixture *f = *state;
    kc_error err;
    kc_json_read_opts opts = default_opts;
    opts.max_bytes = 10;
    assert_int_equal(parse(f->ctx, "[1,2,3,45]", 10, &opts, &err, NULL, 0), KC_OK);
    /* Over the limit, even garbage is refused for its size, at 1:1. */
    assert_int_equal(parse(f->ctx, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11, &opts,
                           &err, NULL, 0),
                     KC_ELIMIT);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 1);
    assert_int_equal(err.offset, 0);
    assert_non_null(strstr(err.message, "KC_LIMIT_INPUT_BYTES"));
}

static void large_objects_detect_duplicates(void **state)
{
    fixture *f = *state;
    kc_buf b;
    kc_buf_init(&b, f->ctx);
    kc_buf_putc(&b, '{');
    for (int i = 0; i < 20000; i++)
        kc_buf_printf(&b, "%s\"k%d\":%d", i ? "," : "", i, i);
    const size_t unique_len = b.len;
    kc_buf_puts(&b, "}");
    kc_error err;
    kc_json_read_opts opts = default_opts;
    opts.max_bytes = 0;
    assert_int_equal(parse(f->ctx, b.data, b.len, &opts, &err, NULL, 0), KC_OK);
    b.len = unique_len;
    kc_buf_puts(&b, ",\"k777\":0,\"k5\":1}");
    assert_int_equal(parse(f->ctx, b.data, b.len, &opts, &err, NULL, 0), KC_EDUPKEY);
    assert_non_null(strstr(err.message, "duplicate key \"k777\" (first at line 1, column "));
    assert_int_equal(err.column, unique_len + 2);
    assert_string_equal(err.path, "/k777");
    kc_buf_free(&b);
}

static void input_needs_no_terminator(void **state)
{
    fixture *f = *state;
    /* parse() copies each text into a buffer of exactly len bytes. */
    static const char *const ok[] = {"[1,2]", "123", "-0.5e-3", "true", "\"x\"", "{}"};
    static const char *const bad[] = {"[1,2",  "12e",    "-",   "tru", "\"abc", "\"\\u12",
                                      "\"\\",  "{\"a\"", "[1,", "\"\xc3", "\"\xe2\x82", "1."};
    kc_error err;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        assert_int_equal(parse(f->ctx, ok[i], strlen(ok[i]), &default_opts, &err, NULL, 0),
                         KC_OK);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_not_equal(parse(f->ctx, bad[i], strlen(bad[i]), &default_opts, &err, NULL, 0),
                             KC_OK);
        assert_true(err.offset <= strlen(bad[i]));
    }
    /* Only len bytes count, whatever follows them. */
    assert_int_equal(parse(f->ctx, "[1]garbage", 3, &default_opts, &err, NULL, 0), KC_OK);
}

static const char sample[] = "{\n"
                             "  \"id\": \"r-1\",\n"
                             "  \"weights\": [0.5, -2, 1e3, 0],\n"
                             "  \"flags\": {\"on\": true, \"off\": false, \"none\": null},\n"
                             "  \"text\": \"caf\xc3\xa9 \\u20ac \\ud83d\\ude00 \\\"q\\\"\\n\",\n"
                             "  \"nested\": [[], {}, [{\"k\": [1, [2, [3]]]}]],\n"
                             "  \"a1\": 1, \"a2\": 2, \"a3\": 3, \"a4\": 4, \"a5\": 5, \"a6\": 6,\n"
                             "  \"a7\": 7, \"a8\": 8, \"a9\": 9, \"a10\": 10, \"a11\": 11, \"a12\": 12\n"
                             "}\n";

static void every_truncation_fails_cleanly(void **state)
{
    fixture *f = *state;
    const size_t len = sizeof sample - 1;
    kc_error err;
    assert_int_equal(parse(f->ctx, sample, len, &default_opts, &err, NULL, 0), KC_OK);
    for (size_t n = 0; n < len - 1; n++) {
        /* Every prefix that stops before the closing brace is invalid. */
        const kc_status st = parse(f->ctx, sample, n, &default_opts, &err, NULL, 0);
        if (st == KC_OK)
            fail_msg("prefix of %zu bytes was accepted", n);
        assert_true(err.offset <= n);
        assert_true(err.line >= 1);
        assert_int_equal(f->t.live, f->base);
    }
}

static void every_byte_flip_is_handled(void **state)
{
    fixture *f = *state;
    static const unsigned char subst[] = {0x00, 0x01, 0x0b, '\n', ' ', '"', '\\', '{', '}',
                                          '[',  ']',  ',',  ':',  '0', '-', 'e',  'u', 0x7f,
                                          0x80, 0xbf, 0xc3, 0xed, 0xf4, 0xff};
    const size_t len = sizeof sample - 1;
    char *buf = malloc(len);
    assert_non_null(buf);
    size_t accepted = 0;
    for (size_t i = 0; i < len; i++) {
        for (size_t k = 0; k <= sizeof subst; k++) {
            memcpy(buf, sample, len);
            /* the listed bytes, then the byte with every bit inverted */
            buf[i] = (char)(k < sizeof subst ? subst[k] : ~(unsigned char)sample[i]);
            kc_error err;
            char out[1024];
            const kc_status st = parse(f->ctx, buf, len, &default_opts, &err, out, sizeof out);
            assert_int_equal(f->t.live, f->base);
            if (st == KC_OK) {
                accepted++;
                /* What was accepted is valid JSON: it parses again. */
                assert_int_equal(parse(f->ctx, out, strlen(out), &default_opts, &err, NULL, 0),
                                 KC_OK);
            } else {
                assert_true(st == KC_ESYNTAX || st == KC_EENCODING || st == KC_EDUPKEY ||
                            st == KC_ENUMBER || st == KC_ELIMIT);
                assert_true(err.offset <= len);
                assert_true(err.line >= 1 && err.line <= 20);
                assert_true(err.message[0] != '\0');
            }
        }
    }
    assert_true(accepted > 0); /* e.g. digits changed inside numbers */
    free(buf);
}

/* Fails allocation n (once, or from n on) in a parse that needs `total`. */
static void allocation_failures_leave_nothing_behind(void **state)
{
    fixture *f = *state;
    const size_t len = sizeof sample - 1;
    const size_t base_live = f->t.live;
    kc_arena arena;
    kc_value root;
    kc_pos_table pos;
    kc_error err;
    f->t.calls = 0;
    kc_arena_init(&arena, f->ctx, 256, 0);
    assert_int_equal(kc_json_read(&arena, sample, len, &default_opts, &root, &pos, &err), KC_OK);
    kc_arena_free(&arena);
    const size_t total = f->t.calls;
    assert_true(total > 5);
    for (int persistent = 0; persistent <= 1; persistent++) {
        for (size_t n = 1; n <= total; n++) {
            f->t.calls = 0;
            f->t.failures = 0;
            f->t.fail_at = n;
            f->t.persistent = persistent;
            kc_error_init(&err, NULL);
            kc_arena_init(&arena, f->ctx, 256, 0);
            const kc_status st =
                kc_json_read(&arena, sample, len, &default_opts, &root, &pos, &err);
            kc_arena_free(&arena);
            if (st != KC_ENOMEM)
                fail_msg("failing allocation %zu of %zu (%s): got %s", n, total,
                         persistent ? "persistently" : "once", kc_status_name(st));
            assert_int_equal(f->t.failures >= 1, 1);
            assert_int_equal(err.status, KC_ENOMEM);
            assert_int_equal(root.type, KC_TYPE_NULL);
            assert_null(pos.items);
            assert_int_equal(pos.n, 0);
            assert_int_equal(f->t.live, base_live);
        }
    }
    f->t.fail_at = 0;
}

static void positions_are_optional(void **state)
{
    fixture *f = *state;
    kc_arena arena;
    kc_arena_init(&arena, f->ctx, 256, 0);
    kc_value root;
    kc_pos_table pos = {NULL, 42};
    kc_json_read_opts opts = default_opts;
    opts.want_positions = 0;
    assert_int_equal(kc_json_read(&arena, "[1]", 3, &opts, &root, &pos, NULL), KC_OK);
    assert_null(pos.items);
    assert_int_equal(pos.n, 0);
    assert_int_equal(kc_json_read(&arena, "[1]", 3, &default_opts, &root, NULL, NULL), KC_OK);
    assert_int_equal(kc_json_read(NULL, "[1]", 3, &opts, &root, NULL, NULL), KC_EINVAL);
    assert_int_equal(kc_json_read(&arena, NULL, 3, &opts, &root, NULL, NULL), KC_EINVAL);
    assert_int_equal(kc_json_read(&arena, "[1]", 3, &opts, NULL, NULL, NULL), KC_EINVAL);
    assert_int_equal(kc_json_read(&arena, NULL, 0, &opts, &root, NULL, NULL), KC_ESYNTAX);
    kc_arena_free(&arena);
}

static void pointer_tokens_are_escaped_and_cut_safely(void **state)
{
    (void)state;
    char buf[16];
    size_t n = kc_json_pointer_push(buf, sizeof buf, 0, "a/b", 3);
    n = kc_json_pointer_push(buf, sizeof buf, n, "~x", 2);
    assert_string_equal(buf, "/a~1b/~0x");
    assert_int_equal(n, 9);
    n = kc_json_pointer_push(buf, sizeof buf, n, "\xc3\xa9\xc3\xa9\xc3\xa9", 6);
    assert_string_equal(buf, "/a~1b/~0x/\xc3\xa9\xc3\xa9");
    assert_int_equal(n, strlen(buf));
    n = kc_json_pointer_push(buf, sizeof buf, n, "zz", 2);
    assert_int_equal(n, strlen(buf));
    assert_true(n < sizeof buf);
    size_t bad = 99;
    assert_int_equal(kc_json_check_text("ok \xc3\xa9", 5, &bad), KC_OK);
    assert_int_equal(kc_json_check_text("ab\tc", 4, &bad), KC_EENCODING);
    assert_int_equal(bad, 2);
    assert_int_equal(kc_json_check_text("ab\xed\xa0\x80", 5, &bad), KC_EENCODING);
    assert_int_equal(bad, 2);
}

/* The walker every loader uses for error paths: steps go on and come off
 * in order, indexes are written in decimal, a long path is cut, not
 * overflowed, and popping restores it exactly. */
static void pointer_walker_pushes_and_pops(void **state)
{
    (void)state;
    kc_jptr p;
    kc_jptr_init(&p, "/rules");
    size_t a = kc_jptr_push_index(&p, 0);
    size_t b = kc_jptr_push(&p, "when", 4);
    size_t c = kc_jptr_push_index(&p, 1234567890);
    assert_string_equal(p.text, "/rules/0/when/1234567890");
    kc_jptr_pop(&p, c);
    assert_string_equal(p.text, "/rules/0/when");
    kc_jptr_pop(&p, b);
    kc_jptr_pop(&p, a);
    assert_string_equal(p.text, "/rules");
    assert_int_equal(p.len, 6);
    kc_jptr_push_index(&p, 10);
    assert_string_equal(p.text, "/rules/10");
    kc_jptr_init(&p, NULL);
    assert_string_equal(p.text, "");
    char max[32];
    snprintf(max, sizeof max, "/%zu", (size_t)-1);
    kc_jptr_push_index(&p, (size_t)-1);
    assert_string_equal(p.text, max);
    /* Far more steps than fit: the text stays terminated and in bounds. */
    kc_jptr_init(&p, NULL);
    size_t marks[600];
    for (size_t i = 0; i < 600; i++)
        marks[i] = kc_jptr_push_index(&p, i);
    assert_true(p.len < sizeof p.text);
    assert_int_equal(strlen(p.text), p.len);
    for (size_t i = 600; i-- > 0;)
        kc_jptr_pop(&p, marks[i]);
    assert_string_equal(p.text, "");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, kc_test_ctx_setup, kc_test_ctx_teardown)
    const struct CMUnitTest tests[] = {
        T(malformed_inputs_are_rejected_with_positions),
        T(error_paths_name_the_offending_node),
        T(valid_inputs_round_trip),
        T(strings_keep_their_decoded_length),
        T(positions_of_nested_values_and_keys),
        T(position_table_is_ordered_across_chunks),
        T(depth_limit_counts_containers),
        T(very_deep_input_is_rejected_quickly),
        T(node_limit_counts_every_value),
        T(size_limit_is_checked_before_parsing),
        T(large_objects_detect_duplicates),
        T(input_needs_no_terminator),
        T(every_truncation_fails_cleanly),
        T(every_byte_flip_is_handled),
        T(allocation_failures_leave_nothing_behind),
        T(pointer_walker_pushes_and_pops),
        T(positions_are_optional),
        T(pointer_tokens_are_escaped_and_cut_safely),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
