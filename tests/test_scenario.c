/* test_scenario.c - scenario documents: the bundled examples load cleanly;
 * every case folder under tests/data/scenario-errors/ fails where and how its
 * `expected` file says; checking reports every problem in order; cJSON trees,
 * NULL arguments and running out of memory. */
#define _POSIX_C_SOURCE 200809L

#include "testutil.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

typedef kc_test_ctx fixture;

/* ---- helpers ---- */

static const char *source_dir(void)
{
    const char *dir = getenv("KC_SOURCE_DIR");
    return dir && *dir ? dir : KC_SOURCE_DIR_DEFAULT;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of dir (without "." and ".."), sorted so failures repeat in the
 * same order; those ending in suffix when suffix is not NULL. Free with
 * free_names(). */
static char **list_dir(const char *dir, const char *suffix, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("cannot open %s", dir);
    char **names = NULL;
    size_t cap = 0;
    *n = 0;
    for (const struct dirent *e; (e = readdir(d)) != NULL;) {
        const size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.')
            continue;
        if (suffix && (len < strlen(suffix) || strcmp(e->d_name + len - strlen(suffix), suffix)))
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            char **grown = realloc(names, cap * sizeof *names);
            assert_non_null(grown);
            names = grown;
        }
        names[*n] = malloc(len + 1);
        assert_non_null(names[*n]);
        memcpy(names[(*n)++], e->d_name, len + 1);
    }
    closedir(d);
    if (*n)
        qsort(names, *n, sizeof *names, by_name);
    return names;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Fails the test unless e is status at line:col with want in its message. */
static void expect_problem(const char *what, const kc_error *e, kc_status status, unsigned line,
                           unsigned col, const char *want)
{
    if (e->status != status)
        fail_msg("%s: %s (%s), expected %s", what, kc_status_name(e->status), e->message,
                 kc_status_name(status));
    if (e->line != line || e->column != col)
        fail_msg("%s: at %u:%u, expected %u:%u (%s)", what, e->line, e->column, line, col,
                 e->message);
    if (!strstr(e->message, want))
        fail_msg("%s: message \"%s\" lacks \"%s\"", what, e->message, want);
}

/* ---- the bundled examples ---- */

static void bundled_examples_load_and_check_clean(void **state)
{
    fixture *f = *state;
    char dir[2048];
    snprintf(dir, sizeof dir, "%s/examples/scenarios", source_dir());
    size_t n;
    char **names = list_dir(dir, ".json", &n);
    assert_true(n >= 30);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        kc_scenario *s;
        kc_error err;
        if (kc_scenario_load_file(f->ctx, path, &s, &err) != KC_OK)
            fail_msg("%s:%u:%u: %s", names[i], err.line, err.column, err.message);
        assert_int_equal(err.status, KC_OK);
        /* The id is the file name without ".json". */
        const size_t stem = strlen(names[i]) - 5;
        assert_int_equal(strlen(kc_scenario_id(s)), stem);
        assert_memory_equal(kc_scenario_id(s), names[i], stem);
        assert_int_equal(kc_value_type(kc_scenario_root(s)), KC_TYPE_OBJECT);
        kc_scenario_free(s);

        size_t len;
        char *text = kc_test_read_file(path, &len);
        kc_diag *d;
        assert_int_equal(kc_scenario_check(f->ctx, text, len, names[i], &d), KC_OK);
        assert_int_equal(kc_diag_count(d), 0);
        kc_diag_free(d);
        free(text);
    }
    free_names(names, n);
    assert_int_equal(f->t.live, f->base);
}

/* ---- data-driven error cases ---- */

/* One case folder: its input must fail with the status, line, column and
 * message substring of its `expected` file, through every entry point that
 * reads text. */
static void run_error_case(fixture *f, const char *dir, const char *name)
{
    char path[4096], input[4096];
    snprintf(path, sizeof path, "%s/%s/expected", dir, name);
    snprintf(input, sizeof input, "%s/%s/input.json", dir, name);
    char *exp = kc_test_read_file(path, NULL);
    unsigned line, col;
    char status_name[32];
    int used = 0;
    if (sscanf(exp, "%u %u %31s %n", &line, &col, status_name, &used) != 3 || used == 0)
        fail_msg("%s: expected file is not \"LINE COLUMN STATUS message\"", path);
    char *want = exp + used;
    want[strcspn(want, "\r\n")] = '\0';

    kc_status status = KC_OK;
    while (strcmp(kc_status_name(status), status_name) != 0)
        if (strcmp(kc_status_name(++status), "KC_UNKNOWN") == 0)
            fail_msg("%s: no status called %s", path, status_name);

    kc_scenario *s = (kc_scenario *)&s; /* must come back NULL */
    kc_error err;
    const kc_status st = kc_scenario_load_file(f->ctx, input, &s, &err);
    assert_int_equal(st, err.status);
    assert_null(s);
    assert_string_equal(err.source, input);
    expect_problem(name, &err, status, line, col, want);

    /* The same first problem from text, and first in the full check. */
    size_t len;
    char *text = kc_test_read_file(input, &len);
    assert_int_equal(kc_scenario_parse(f->ctx, text, len, name, &s, &err), status);
    assert_null(s);
    assert_string_equal(err.source, name);
    expect_problem(name, &err, status, line, col, want);
    kc_diag *d;
    assert_int_equal(kc_scenario_check(f->ctx, text, len, name, &d), status);
    assert_true(kc_diag_count(d) >= 1);
    expect_problem(name, kc_diag_get(d, 0), status, line, col, want);
    kc_diag_free(d);
    free(text);
    free(exp);
    assert_int_equal(f->t.live, f->base);
}

static void error_cases_fail_where_expected(void **state)
{
    fixture *f = *state;
    const char *dir = kc_test_data_path("scenario-errors");
    char dirbuf[2048];
    snprintf(dirbuf, sizeof dirbuf, "%s", dir);
    size_t n;
    char **names = list_dir(dirbuf, NULL, &n);
    assert_true(n >= 25);
    for (size_t i = 0; i < n; i++)
        run_error_case(f, dirbuf, names[i]);
    free_names(names, n);
}

/* ---- checking everything at once ---- */

static const char three_problems[] = "{\n"
                                     "  \"id\": \"three\",\n"
                                     "  \"relationship\": {\"trust\": \"high\", \"type\": "
                                     "\"freind\"},\n"
                                     "  \"receiver\": {\"alergies\": []}\n"
                                     "}\n";

static void check_reports_every_problem_in_order(void **state)
{
    fixture *f = *state;
    kc_diag *d;
    const size_t len = sizeof three_problems - 1;
    assert_int_equal(kc_scenario_check(f->ctx, three_problems, len, "three.json", &d),
                     KC_ESCHEMA);
    assert_int_equal(kc_diag_count(d), 3);
    expect_problem("1", kc_diag_get(d, 0), KC_ESCHEMA, 3, 29, "relationship.trust must be a");
    expect_problem("2", kc_diag_get(d, 1), KC_ESCHEMA, 3, 45, "did you mean \"friend\"?");
    expect_problem("3", kc_diag_get(d, 2), KC_ESCHEMA, 4, 16, "unknown key \"alergies\"");
    assert_string_equal(kc_diag_get(d, 0)->path, "/relationship/trust");
    assert_string_equal(kc_diag_get(d, 1)->path, "/relationship/type");
    assert_string_equal(kc_diag_get(d, 2)->path, "/receiver/alergies");
    assert_string_equal(kc_diag_get(d, 2)->source, "three.json");
    assert_null(kc_diag_get(d, 3));
    kc_diag_free(d);

    /* Parsing stops at the first. */
    kc_scenario *s;
    kc_error err;
    assert_int_equal(kc_scenario_parse(f->ctx, three_problems, len, NULL, &s, &err), KC_ESCHEMA);
    expect_problem("parse", &err, KC_ESCHEMA, 3, 29, "found \"high\"");
    assert_string_equal(err.source, "<string>");
    char line[512];
    kc_error_format(&err, line, sizeof line);
    assert_non_null(strstr(line, "<string>:3:29: relationship.trust"));

    /* A missing id is at the start of the document, so it comes first. */
    static const char no_id[] = "{\"title\": \"\", \"act\": {\"kind\": 1}}";
    assert_int_equal(kc_scenario_check(f->ctx, no_id, sizeof no_id - 1, NULL, &d), KC_ESCHEMA);
    assert_int_equal(kc_diag_count(d), 3);
    expect_problem("no id", kc_diag_get(d, 0), KC_ESCHEMA, 1, 1, "has no \"id\"");
    assert_string_equal(kc_diag_get(d, 0)->path, "");
    expect_problem("title", kc_diag_get(d, 1), KC_ESCHEMA, 1, 11, "title must not be empty");
    expect_problem("kind", kc_diag_get(d, 2), KC_ESCHEMA, 1, 31, "act.kind must be a string");
    kc_diag_free(d);
    assert_int_equal(f->t.live, f->base);
}

static void check_stops_at_the_error_limit(void **state)
{
    fixture *f = *state;
    assert_int_equal(kc_ctx_set_limit(f->ctx, KC_LIMIT_ERRORS, 2), KC_OK);
    kc_diag *d;
    assert_int_equal(
        kc_scenario_check(f->ctx, three_problems, sizeof three_problems - 1, NULL, &d),
        KC_ESCHEMA);
    assert_int_equal(kc_diag_count(d), 2);
    assert_int_equal(d->dropped, 1);
    kc_diag_free(d);
}

static void check_passes_on_malformed_json_as_one_problem(void **state)
{
    fixture *f = *state;
    static const char bad[] = "{\"id\": \"x\",\n \"trust\": 1,, }";
    kc_diag *d;
    assert_int_equal(kc_scenario_check(f->ctx, bad, sizeof bad - 1, "bad.json", &d), KC_ESYNTAX);
    assert_int_equal(kc_diag_count(d), 1);
    assert_int_equal(kc_diag_get(d, 0)->status, KC_ESYNTAX);
    assert_int_equal(kc_diag_get(d, 0)->line, 2);
    assert_string_equal(kc_diag_get(d, 0)->source, "bad.json");
    kc_diag_free(d);

    static const char good[] = "{\"id\": \"fine\"}";
    assert_int_equal(kc_scenario_check(f->ctx, good, sizeof good - 1, NULL, &d), KC_OK);
    assert_non_null(d);
    assert_int_equal(kc_diag_count(d), 0);
    kc_diag_free(d);
    assert_int_equal(f->t.live, f->base);
}

/* ---- what is allowed ---- */

static void custom_fields_and_minimal_scenarios_are_accepted(void **state)
{
    fixture *f = *state;
    static const char *const ok[] = {
        "{\"id\": \"a\"}",
        "{\"id\": \"a-1-b2\", \"kindctx\": \"scenario/1\"}",
        /* Custom fields anywhere, including ones close to short known keys
         * that are words of their own. */
        "{\"id\": \"c\", \"x\": null, \"age\": 3, \"notes\": {\"alergies\": 1},"
        " \"relationship\": {\"role\": \"landlord\", \"type\": \"other\"},"
        " \"power\": {\"place\": \"flat\"}, \"receiver\": {\"pets\": [\"dog\"]},"
        " \"act\": {\"size\": \"large\", \"cost\": 3}, \"intent\": {\"goal\": \"x\"}}",
        /* Ranges are inclusive; empty lists are a known "none". */
        "{\"id\": \"r\", \"relationship\": {\"trust\": 0}, \"power\": {\"differential\": -1},"
        " \"request\": {\"urgency\": 1, \"needs\": [\"nothing\"], \"explicit\": false,"
        " \"asked\": false}, \"receiver\": {\"allergies\": []}}",
        "{\"id\": \"h\", \"history\": {\"harm_acknowledged\": true,"
        " \"prior_harm_by_giver\": true}, \"request\": {\"explicit\": true}}",
        "{\"id\": \"e\", \"expected\": {\"verdict\": \"mixed\", \"questions\":"
        " [\"relationship.wanted\", \"_x.Y-1\"], \"extra\": true}}",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        kc_scenario *s;
        kc_error err;
        if (kc_scenario_parse(f->ctx, ok[i], strlen(ok[i]), NULL, &s, &err) != KC_OK)
            fail_msg("%s: %u:%u: %s", ok[i], err.line, err.column, err.message);
        kc_scenario_free(s);
    }
    assert_int_equal(f->t.live, f->base);
}

static void id_and_root_are_borrowed_from_the_scenario(void **state)
{
    fixture *f = *state;
    static const char text[] = "{\"title\": \"t\", \"id\": \"named-one\"}";
    kc_scenario *s;
    assert_int_equal(kc_scenario_parse(f->ctx, text, sizeof text - 1, NULL, &s, NULL), KC_OK);
    assert_string_equal(kc_scenario_id(s), "named-one");
    const kc_value *root = kc_scenario_root(s);
    assert_ptr_equal(kc_value_string(kc_value_get(root, "id", 2), NULL), kc_scenario_id(s));
    assert_string_equal(kc_value_string(kc_value_get(root, "title", 5), NULL), "t");
    kc_scenario_free(s);
    assert_string_equal(kc_scenario_id(NULL), "");
    assert_null(kc_scenario_root(NULL));
}

/* ---- cJSON trees ---- */

static void cjson_problems_carry_a_path_and_no_line(void **state)
{
    fixture *f = *state;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "id", "from-cjson");
    cJSON *rel = cJSON_AddObjectToObject(root, "relationship");
    cJSON_AddNumberToObject(rel, "trust", 0.5);

    kc_scenario *s;
    kc_error err;
    assert_int_equal(kc_scenario_from_cjson(f->ctx, root, &s, &err), KC_OK);
    assert_string_equal(kc_scenario_id(s), "from-cjson");
    kc_scenario_free(s);

    cJSON_ReplaceItemInObject(rel, "trust", cJSON_CreateString("high"));
    s = (kc_scenario *)&s;
    assert_int_equal(kc_scenario_from_cjson(f->ctx, root, &s, &err), KC_ESCHEMA);
    assert_null(s);
    assert_int_equal(err.line, 0);
    assert_int_equal(err.column, 0);
    assert_string_equal(err.path, "/relationship/trust");
    assert_string_equal(err.source, "<cJSON>");
    assert_non_null(strstr(err.message, "relationship.trust must be a number from 0 to 1"));
    char text[512];
    kc_error_format(&err, text, sizeof text);
    assert_non_null(strstr(text, "at /relationship/trust"));

    cJSON_DeleteItemFromObject(rel, "trust");
    cJSON_AddItemToObject(rel, "trsut", cJSON_CreateNumber(1));
    assert_int_equal(kc_scenario_from_cjson(f->ctx, root, &s, &err), KC_ESCHEMA);
    assert_string_equal(err.path, "/relationship/trsut");
    assert_non_null(strstr(err.message, "did you mean \"trust\"?"));

    /* The bridge's own checks come first, as they are. */
    cJSON_AddStringToObject(root, "id", "twice");
    assert_int_equal(kc_scenario_from_cjson(f->ctx, root, &s, &err), KC_EDUPKEY);
    cJSON_Delete(root);
    assert_int_equal(f->t.live, f->base);
}

/* ---- arguments ---- */

static void null_arguments_are_einval(void **state)
{
    fixture *f = *state;
    kc_scenario *s = (kc_scenario *)&s;
    kc_error err;
    assert_int_equal(kc_scenario_parse(NULL, "{}", 2, NULL, &s, &err), KC_EINVAL);
    assert_null(s);
    assert_int_equal(err.status, KC_EINVAL);
    assert_int_equal(kc_scenario_parse(f->ctx, "{}", 2, NULL, NULL, &err), KC_EINVAL);
    s = (kc_scenario *)&s;
    assert_int_equal(kc_scenario_parse(f->ctx, NULL, 2, NULL, &s, NULL), KC_EINVAL);
    assert_null(s);
    s = (kc_scenario *)&s;
    assert_int_equal(kc_scenario_load_file(f->ctx, NULL, &s, &err), KC_EINVAL);
    assert_null(s);
    assert_int_equal(kc_scenario_load_file(NULL, "x.json", &s, &err), KC_EINVAL);
    assert_int_equal(kc_scenario_load_file(f->ctx, "x.json", NULL, &err), KC_EINVAL);
    s = (kc_scenario *)&s;
    assert_int_equal(kc_scenario_from_cjson(f->ctx, NULL, &s, &err), KC_EINVAL);
    assert_null(s);
    cJSON *obj = cJSON_CreateObject();
    assert_int_equal(kc_scenario_from_cjson(NULL, obj, &s, &err), KC_EINVAL);
    assert_int_equal(kc_scenario_from_cjson(f->ctx, obj, NULL, &err), KC_EINVAL);
    cJSON_Delete(obj);
    kc_diag *d = (kc_diag *)&d;
    assert_int_equal(kc_scenario_check(NULL, "{}", 2, NULL, &d), KC_EINVAL);
    assert_null(d);
    d = (kc_diag *)&d;
    assert_int_equal(kc_scenario_check(f->ctx, NULL, 2, NULL, &d), KC_EINVAL);
    assert_null(d);
    assert_int_equal(kc_scenario_check(f->ctx, "{}", 2, NULL, NULL), KC_EINVAL);
    /* No text at all is empty input: malformed JSON, not a bad argument. */
    assert_int_equal(kc_scenario_parse(f->ctx, NULL, 0, NULL, &s, &err), KC_ESYNTAX);
    kc_scenario_free(NULL);
    kc_diag_free(NULL);
    assert_int_equal(f->t.live, f->base);
}

static void missing_file_is_eio_with_the_path(void **state)
{
    fixture *f = *state;
    kc_scenario *s = (kc_scenario *)&s;
    kc_error err;
    assert_int_equal(kc_scenario_load_file(f->ctx, "/nonexistent/s.json", &s, &err), KC_EIO);
    assert_null(s);
    assert_string_equal(err.source, "/nonexistent/s.json");
    assert_int_equal(f->t.live, f->base);
}

/* ---- running out of memory ---- */

typedef kc_status (*scenario_op)(fixture *f, const char *text, size_t len, void **out);

static kc_status op_parse(fixture *f, const char *text, size_t len, void **out)
{
    kc_scenario *s;
    kc_error err;
    const kc_status st = kc_scenario_parse(f->ctx, text, len, "example", &s, &err);
    assert_int_equal(err.status, st);
    *out = s;
    return st;
}

static kc_status op_check(fixture *f, const char *text, size_t len, void **out)
{
    kc_diag *d;
    const kc_status st = kc_scenario_check(f->ctx, text, len, "example", &d);
    *out = d;
    return st;
}

static void release(void *obj, scenario_op op)
{
    if (op == op_parse)
        kc_scenario_free(obj);
    else
        kc_diag_free(obj);
}

/* Runs op with allocation n failing (once, then persistently) for every n up
 * to the number a successful run needs: each must fail with KC_ENOMEM,
 * return nothing and leave nothing allocated. */
static void fail_every_allocation(fixture *f, scenario_op op, const char *text, size_t len,
                                  kc_status want)
{
    void *obj;
    f->t.calls = 0;
    assert_int_equal(op(f, text, len, &obj), want);
    const size_t total = f->t.calls;
    release(obj, op);
    assert_int_equal(f->t.live, f->base);
    assert_true(total >= 2);
    for (int persistent = 0; persistent <= 1; persistent++) {
        for (size_t n = 1; n <= total; n++) {
            f->t.calls = 0;
            f->t.fail_at = n;
            f->t.persistent = persistent;
            obj = &obj;
            const kc_status st = op(f, text, len, &obj);
            f->t.fail_at = 0;
            if (st != KC_ENOMEM)
                fail_msg("allocation %zu of %zu failing%s: %s", n, total,
                         persistent ? " persistently" : "", kc_status_name(st));
            assert_null(obj);
            assert_int_equal(f->t.live, f->base);
        }
    }
}

static void allocation_failures_return_enomem(void **state)
{
    fixture *f = *state;
    char path[4096];
    snprintf(path, sizeof path, "%s/examples/scenarios/essay-02-flowers-allergic.json",
             source_dir());
    size_t len;
    char *text = kc_test_read_file(path, &len);
    fail_every_allocation(f, op_parse, text, len, KC_OK);
    fail_every_allocation(f, op_check, text, len, KC_OK);
    free(text);

    /* Several problems (the list grows) and a list long enough that finding
     * repeats needs memory of its own. */
    char big[2048];
    int o = snprintf(big, sizeof big, "{\"id\": \"Bad\", \"act\": {\"features\": [");
    for (int i = 0; i < 24; i++)
        o += snprintf(big + o, sizeof big - (size_t)o, "%s\"f%d\"", i ? ", " : "", i % 20);
    o += snprintf(big + o, sizeof big - (size_t)o,
                  "]}, \"relationship\": {\"trust\": 2, \"type\": \"boss\"}, \"power\": null}");
    fail_every_allocation(f, op_check, big, (size_t)o, KC_ESCHEMA);
    kc_diag *d;
    assert_int_equal(kc_scenario_check(f->ctx, big, (size_t)o, NULL, &d), KC_ESCHEMA);
    assert_int_equal(kc_diag_count(d), 5);
    assert_string_equal(kc_diag_get(d, 1)->path, "/act/features/20");
    kc_diag_free(d);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, kc_test_ctx_setup, kc_test_ctx_teardown)
    const struct CMUnitTest tests[] = {
        T(bundled_examples_load_and_check_clean),
        T(error_cases_fail_where_expected),
        T(check_reports_every_problem_in_order),
        T(check_stops_at_the_error_limit),
        T(check_passes_on_malformed_json_as_one_problem),
        T(custom_fields_and_minimal_scenarios_are_accepted),
        T(id_and_root_are_borrowed_from_the_scenario),
        T(cjson_problems_carry_a_path_and_no_line),
        T(null_arguments_are_einval),
        T(missing_file_is_eio_with_the_path),
        T(allocation_failures_return_enomem),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
