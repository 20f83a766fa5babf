/* test_status.c - status names and messages, version, error formatting. */
#include "testutil.h"

#include <string.h>

#include "error.h"

typedef struct status_row {
    kc_status status;
    const char *name; /* "KC_" + the X-macro name */
} status_row;

static const status_row rows[] = {
#define KC_TEST_ROW_(name, value, text) {KC_##name, "KC_" #name},
    KC_STATUS_MAP(KC_TEST_ROW_)
#undef KC_TEST_ROW_
};
#define NROWS (sizeof rows / sizeof rows[0])

static void every_status_has_a_distinct_name_and_message(void **state)
{
    (void)state;
    for (size_t i = 0; i < NROWS; i++) {
        const char *name = kc_status_name(rows[i].status);
        assert_string_equal(name, rows[i].name);
        assert_memory_equal(name, "KC_", 3);
        assert_true(strlen(kc_strerror(rows[i].status)) > 0);
        for (size_t j = 0; j < i; j++) {
            assert_int_not_equal(rows[i].status, rows[j].status);
            assert_string_not_equal(name, kc_status_name(rows[j].status));
            assert_string_not_equal(kc_strerror(rows[i].status), kc_strerror(rows[j].status));
        }
    }
    assert_int_equal(KC_OK, 0);
    assert_int_equal(rows[0].status, KC_OK);
}

static void unknown_status_has_a_fallback_name(void **state)
{
    (void)state;
    assert_string_equal(kc_status_name((kc_status)999), "KC_UNKNOWN");
    assert_string_equal(kc_status_name((kc_status)-1), "KC_UNKNOWN");
    assert_true(strlen(kc_strerror((kc_status)999)) > 0);
}

static void version_matches_the_header(void **state)
{
    (void)state;
    assert_string_equal(kc_version(), KC_VERSION_STRING);
    assert_int_equal(kc_version_number(), KC_VERSION_NUMBER);
    assert_int_equal(KC_VERSION_NUMBER,
                     KC_VERSION_MAJOR * 1000000 + KC_VERSION_MINOR * 1000 + KC_VERSION_PATCH);
}

static void error_format_with_and_without_position(void **state)
{
    (void)state;
    kc_error err;
    char buf[512];
    kc_error_init(&err, "rules.json");
    kc_error_set(&err, KC_ESYNTAX, "expected %s", "':'");
    kc_error_set_pos(&err, 3, 14, 40);
    size_t n = kc_error_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "rules.json:3:14: expected ':'");
    assert_int_equal(n, strlen(buf));

    kc_error_init(&err, NULL);
    kc_error_set(&err, KC_EDUPKEY, "duplicate key");
    kc_error_set_path(&err, "/a/dup");
    kc_error_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "<string>: at /a/dup: duplicate key");

    kc_error_init(&err, "x");
    kc_error_set(&err, KC_EIO, "cannot open");
    kc_error_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "x: cannot open");
    assert_int_equal(err.status, KC_EIO);
}

static void error_format_truncates_safely(void **state)
{
    (void)state;
    kc_error err;
    kc_error_init(&err, "file.json");
    kc_error_set(&err, KC_ESYNTAX, "a long message");
    kc_error_set_pos(&err, 1, 2, 1);
    const char *full = "file.json:1:2: a long message";
    char buf[8];
    memset(buf, 'X', sizeof buf);
    assert_int_equal(kc_error_format(&err, buf, sizeof buf), strlen(full));
    assert_string_equal(buf, "file.js");
    assert_int_equal(kc_error_format(&err, NULL, 0), strlen(full));
    char one[1] = {'X'};
    assert_int_equal(kc_error_format(&err, one, 1), strlen(full));
    assert_int_equal(one[0], '\0');
    assert_true(kc_error_format(NULL, buf, sizeof buf) > 0);
}

static void error_fields_are_cut_at_character_boundaries(void **state)
{
    (void)state;
    kc_error err;
    char longsrc[KC_ERROR_SOURCE_MAX + 40];
    /* 'a' then 2-byte characters: the byte limit falls inside a character
     * unless the copy backs off to a boundary. */
    size_t n = 0;
    longsrc[n++] = 'a';
    while (n + 2 < sizeof longsrc) {
        longsrc[n++] = '\xc3';
        longsrc[n++] = '\xa9';
    }
    longsrc[n] = '\0';
    kc_error_init(&err, longsrc);
    const size_t len = strlen(err.source);
    assert_true(len < KC_ERROR_SOURCE_MAX);
    assert_int_equal(len % 2, 1); /* 'a' + whole characters */
    assert_int_not_equal((unsigned char)err.source[len - 1], 0xc3);
    kc_error_set(&err, KC_EINVAL, "%s", longsrc);
    assert_true(strlen(err.message) < KC_ERROR_TEXT_MAX);
    assert_int_equal(strlen(err.message) % 2, 1);
    /* NULL err is accepted everywhere. */
    kc_error_init(NULL, "x");
    assert_int_equal(kc_error_set(NULL, KC_ENOMEM, "x"), KC_ENOMEM);
    kc_error_set_pos(NULL, 1, 1, 0);
    kc_error_set_path(NULL, "/a");
    kc_error_set_rule(NULL, "r");
    kc_error_set_rule(&err, "safety.allergen");
    assert_string_equal(err.rule, "safety.allergen");
}

/* The copy's own edges: no room, no source, and a text that is nothing but
 * continuation bytes (not UTF-8 at all), which is cut to nothing rather than
 * past the start. */
static void utf8_copy_edges(void **state)
{
    (void)state;
    char buf[4] = "xyz";
    kc_strlcpy_utf8(NULL, "abc", 4);
    kc_strlcpy_utf8(buf, "abc", 0);
    assert_string_equal(buf, "xyz"); /* untouched */
    kc_strlcpy_utf8(buf, NULL, sizeof buf);
    assert_string_equal(buf, "");
    kc_strlcpy_utf8(buf, "abcdef", sizeof buf);
    assert_string_equal(buf, "abc");
    kc_strlcpy_utf8(buf, "\x80\x80\x80\x80\x80", sizeof buf);
    assert_string_equal(buf, "");
    kc_strlcpy_utf8(buf, "a\xe2\x82\xac", sizeof buf); /* "a" then a 3-byte euro sign */
    assert_string_equal(buf, "a");
    kc_strlcpy_utf8(buf, "\xe2\x82\xac", sizeof buf); /* fits exactly */
    assert_string_equal(buf, "\xe2\x82\xac");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_status_has_a_distinct_name_and_message),
        cmocka_unit_test(unknown_status_has_a_fallback_name),
        cmocka_unit_test(version_matches_the_header),
        cmocka_unit_test(error_format_with_and_without_position),
        cmocka_unit_test(error_format_truncates_safely),
        cmocka_unit_test(error_fields_are_cut_at_character_boundaries),
        cmocka_unit_test(utf8_copy_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
