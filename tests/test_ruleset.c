/* test_ruleset.c - loading and composing rule sets; every load error with its
 * exact position (one data folder per case under tests/data/rule-errors). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static kc_ctx *new_ctx(void)
{
    kc_ctx *ctx = NULL;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    return ctx;
}

static int exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Each folder holds input.json (and optionally base.json, loaded first) and
 * `expected`: one line per problem, in order, "LINE COLUMN STATUS message".
 * With KC_RECORD=1 in the environment the expected files are (re)written from
 * what the loader reports, for review before committing.
 */
static void each_load_error_has_its_position_and_message(void **state)
{
    (void)state;
    const char *root = kc_test_data_path("rule-errors");
    char dirpath[4096];
    snprintf(dirpath, sizeof dirpath, "%s", root);
    DIR *dir = opendir(dirpath);
    assert_non_null(dir);
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL && n < 256)
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(dir);
    qsort(names, n, sizeof *names, by_name);
    assert_true(n >= 25);
    int record = getenv("KC_RECORD") != NULL;

    for (size_t i = 0; i < n; i++) {
        char input[4200], base[4200], expected[4200];
        snprintf(input, sizeof input, "%s/%s/input.json", dirpath, names[i]);
        snprintf(base, sizeof base, "%s/%s/base.json", dirpath, names[i]);
        snprintf(expected, sizeof expected, "%s/%s/expected", dirpath, names[i]);
        kc_ctx *ctx = new_ctx();
        kc_builder *b = NULL;
        assert_int_equal(kc_builder_create(ctx, &b), KC_OK);
        if (exists(base))
            assert_int_equal(kc_builder_add_file(b, base), KC_OK);
        kc_status added = kc_builder_add_file(b, input);
        kc_ruleset *rs = (kc_ruleset *)b;
        kc_status built = kc_builder_build(b, &rs);
        /* A failed load leaves nothing behind. */
        assert_int_not_equal(built, KC_OK);
        assert_null(rs);
        const kc_diag *d = kc_builder_diagnostics(b);
        assert_true(kc_diag_count(d) > 0);
        if (added != KC_OK)
            assert_int_equal(added, kc_diag_get(d, 0)->status);

        /* Render what we got, one line per problem. */
        char got[8192];
        size_t at = 0;
        got[0] = '\0';
        for (size_t k = 0; k < kc_diag_count(d); k++) {
            const kc_error *p = kc_diag_get(d, k);
            assert_string_equal(p->source, strstr(p->source, "base.json") ? base : input);
            at += (size_t)snprintf(got + at, sizeof got - at, "%u %u %s %s\n", p->line, p->column,
                                   kc_status_name(p->status), p->message);
        }
        /* Messages may name the other file of the case; keep them relative. */
        char prefix[4200];
        snprintf(prefix, sizeof prefix, "%s/%s/", dirpath, names[i]);
        for (char *hit; (hit = strstr(got, prefix)) != NULL;)
            memmove(hit, hit + strlen(prefix), strlen(hit + strlen(prefix)) + 1);
        if (record) {
            FILE *f = fopen(expected, "w");
            assert_non_null(f);
            fputs(got, f);
            fclose(f);
        } else {
            char *want = kc_test_read_file(expected, NULL);
            if (strcmp(want, got) != 0)
                fail_msg("%s:\n--- expected\n%s--- got\n%s", names[i], want, got);
            free(want);
        }
        kc_builder_free(b);
        kc_ctx_free(ctx);
        free(names[i]);
    }
}

static const char *tiny_path(void)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s", kc_test_data_path("rules/tiny.json"));
    return path;
}

static kc_ruleset *load_tiny(kc_ctx *ctx)
{
    kc_ruleset *rs = NULL;
    kc_error err;
    if (kc_ruleset_load_file(ctx, tiny_path(), &rs, &err) != KC_OK) {
        char msg[1024];
        kc_error_format(&err, msg, sizeof msg);
        fail_msg("%s", msg);
    }
    return rs;
}

static void introspection_reports_what_was_loaded(void **state)
{
    (void)state;
    kc_ctx *ctx = new_ctx();
    kc_ruleset *rs = load_tiny(ctx);
    assert_string_equal(kc_ruleset_name(rs), "tiny");
    assert_string_equal(kc_ruleset_version(rs), "1.0.0");
    assert_int_equal(kc_ruleset_dimension_count(rs), 2);
    assert_string_equal(kc_ruleset_dimension_id(rs, 1), "safety");
    assert_null(kc_ruleset_dimension_id(rs, 2));
    assert_int_equal(kc_ruleset_verdict_count(rs), 3);
    assert_string_equal(kc_ruleset_verdict_id(rs, 0), "kind");
    assert_string_equal(kc_ruleset_verdict_label(rs, 2), "likely to do harm");
    assert_int_equal(kc_ruleset_rule_count(rs), 2);
    kc_rule_info info;
    assert_int_equal(kc_ruleset_find_rule(rs, "safety.allergen", &info), KC_OK);
    assert_string_equal(info.dimension, "safety");
    assert_true(info.weight == -5);
    assert_string_equal(info.veto, "harmful");
    assert_string_equal(info.because, "The receiver is allergic to {{receiver.allergies}}.");
    assert_string_equal(info.file, tiny_path());
    assert_true(info.line > 1);
    assert_int_equal(kc_value_type(info.when), KC_TYPE_OBJECT);
    assert_non_null(kc_value_get(info.when, "overlaps", 8));
    assert_int_equal(kc_ruleset_find_rule(rs, "nope", &info), KC_ENOTFOUND);
    assert_int_equal(kc_ruleset_rule(rs, 2, &info), KC_ENOTFOUND);
    assert_int_equal(kc_ruleset_rule(rs, 0, &info), KC_OK);
    assert_string_equal(info.id, "need.meets-stated-need");
    assert_null(info.veto);
    assert_null(info.advice);
    kc_ruleset_free(rs);
    kc_ctx_free(ctx);
}

static const char extension[] =
    "{\"kindctx\": \"ruleset/1\", \"name\": \"ext\", \"version\": \"2\",\n"
    " \"dimensions\": [{\"id\": \"history\", \"label\": \"history\"}],\n"
    " \"rules\": [\n"
    "  {\"id\": \"safety.allergen\", \"override\": true, \"dimension\": \"safety\",\n"
    "   \"weight\": -1, \"when\": false, \"because\": \"replaced\", \"source\": \"s\"},\n"
    "  {\"id\": \"history.repeat\", \"dimension\": \"history\", \"weight\": -2,\n"
    "   \"when\": {\"==\": [{\"var\": \"history.prior_harm_by_giver\"}, true]},\n"
    "   \"because\": \"b\", \"source\": \"s\"}\n"
    " ]}";

static void later_files_add_and_override_by_id(void **state)
{
    (void)state;
    kc_ctx *ctx = new_ctx();
    kc_builder *b = NULL;
    assert_int_equal(kc_builder_create(ctx, &b), KC_OK);
    assert_int_equal(kc_builder_add_file(b, tiny_path()), KC_OK);
    assert_int_equal(kc_builder_add_string(b, extension, strlen(extension), "ext.json"), KC_OK);
    kc_ruleset *rs = NULL;
    assert_int_equal(kc_builder_build(b, &rs), KC_OK);
    assert_int_equal(kc_diag_count(kc_builder_diagnostics(b)), 0);
    /* A builder builds once. */
    kc_ruleset *again = NULL;
    assert_int_equal(kc_builder_build(b, &again), KC_ESTATE);
    assert_int_equal(kc_builder_add_file(b, tiny_path()), KC_ESTATE);
    kc_builder_free(b);

    assert_string_equal(kc_ruleset_name(rs), "tiny + ext");
    assert_string_equal(kc_ruleset_version(rs), "1.0.0 + 2");
    assert_int_equal(kc_ruleset_dimension_count(rs), 3);
    assert_int_equal(kc_ruleset_rule_count(rs), 3);
    kc_rule_info info;
    assert_int_equal(kc_ruleset_find_rule(rs, "safety.allergen", &info), KC_OK);
    assert_true(info.weight == -1);
    assert_string_equal(info.file, "ext.json");
    assert_int_equal(info.line, 4);
    assert_int_equal(info.column, 3);
    assert_null(info.veto);
    kc_ruleset_free(rs);
    kc_ctx_free(ctx);
}

/* A rule set added as a parsed document is the same as its text added: the
 * same rules, positions and problems, and the document may go right after. */
static void a_parsed_document_adds_like_its_text(void **state)
{
    (void)state;
    kc_ctx *ctx = new_ctx();
    kc_builder *b = NULL;
    assert_int_equal(kc_builder_create(ctx, &b), KC_OK);
    assert_int_equal(kc_builder_add_file(b, tiny_path()), KC_OK);
    kc_doc *doc = NULL;
    assert_int_equal(kc_doc_parse(ctx, extension, strlen(extension), "ext.json", &doc, NULL),
                     KC_OK);
    assert_int_equal(kc_builder_add_doc(b, doc), KC_OK);
    kc_doc_free(doc); /* only read */
    kc_ruleset *rs = NULL;
    assert_int_equal(kc_builder_build(b, &rs), KC_OK);
    /* A builder builds once. */
    assert_int_equal(kc_doc_parse(ctx, extension, strlen(extension), "ext.json", &doc, NULL),
                     KC_OK);
    assert_int_equal(kc_builder_add_doc(b, doc), KC_ESTATE);
    assert_int_equal(kc_builder_add_doc(b, NULL), KC_EINVAL);
    kc_doc_free(doc);
    kc_builder_free(b);
    assert_string_equal(kc_ruleset_name(rs), "tiny + ext");
    assert_int_equal(kc_ruleset_rule_count(rs), 3);
    kc_rule_info info;
    assert_int_equal(kc_ruleset_find_rule(rs, "history.repeat", &info), KC_OK);
    assert_string_equal(info.file, "ext.json");
    assert_int_equal(info.line, 6);
    assert_int_equal(info.column, 3);
    kc_ruleset_free(rs);

    /* A problem: reported where add_string reports it; without positions,
     * with its path only. */
    static const char bad[] = "{\"kindctx\": \"ruleset/1\",\n \"rules\": [{\"id\": \"x.y\", \"wieght\": 1}]}";
    kc_builder *t = NULL, *d = NULL, *p = NULL;
    assert_int_equal(kc_builder_create(ctx, &t), KC_OK);
    assert_int_equal(kc_builder_create(ctx, &d), KC_OK);
    assert_int_equal(kc_builder_create(ctx, &p), KC_OK);
    const kc_status want = kc_builder_add_string(t, bad, strlen(bad), "bad.json");
    assert_int_not_equal(want, KC_OK);
    kc_doc *with = NULL, *without = NULL;
    assert_int_equal(kc_doc_parse(ctx, bad, strlen(bad), "bad.json", &with, NULL), KC_OK);
    assert_int_equal(kc_doc_parse_ex(ctx, bad, strlen(bad), "bad.json", 0, &without, NULL), KC_OK);
    assert_int_equal(kc_builder_add_doc(d, with), want);
    assert_int_equal(kc_builder_add_doc(p, without), want);
    kc_doc_free(with);
    kc_doc_free(without);
    const kc_diag *dt = kc_builder_diagnostics(t), *dd = kc_builder_diagnostics(d),
                  *dp = kc_builder_diagnostics(p);
    assert_true(kc_diag_count(dt) > 0);
    assert_int_equal(kc_diag_count(dd), kc_diag_count(dt));
    assert_int_equal(kc_diag_count(dp), kc_diag_count(dt));
    for (size_t i = 0; i < kc_diag_count(dt); i++) {
        const kc_error *et = kc_diag_get(dt, i), *ed = kc_diag_get(dd, i);
        assert_int_equal(ed->status, et->status);
        assert_string_equal(ed->source, "bad.json");
        assert_string_equal(ed->message, et->message);
        assert_string_equal(ed->path, et->path);
        assert_int_equal(ed->line, et->line);
        assert_int_equal(ed->column, et->column);
        assert_true(et->line > 0);
        /* Without positions the problems come in the order they were found
         * (not sorted by position): each is there once, without a line. */
        int found = 0;
        for (size_t k = 0; k < kc_diag_count(dp); k++) {
            const kc_error *ep = kc_diag_get(dp, k);
            if (ep->status == et->status && strcmp(ep->path, et->path) == 0 &&
                strcmp(ep->message, et->message) == 0) {
                found++;
                assert_int_equal(ep->line, 0);
            }
        }
        assert_int_equal(found, 1);
    }
    kc_builder_free(t);
    kc_builder_free(d);
    kc_builder_free(p);
    kc_ctx_free(ctx);
}

static void nothing_is_built_from_an_empty_builder(void **state)
{
    (void)state;
    kc_ctx *ctx = new_ctx();
    kc_builder *b = NULL;
    assert_int_equal(kc_builder_create(ctx, &b), KC_OK);
    kc_ruleset *rs = NULL;
    assert_int_equal(kc_builder_build(b, &rs), KC_ESCHEMA);
    assert_null(rs);
    assert_int_equal(kc_diag_count(kc_builder_diagnostics(b)), 1);
    kc_builder_free(b);
    kc_ctx_free(ctx);
}

static void missing_file_is_an_io_error(void **state)
{
    (void)state;
    kc_ctx *ctx = new_ctx();
    kc_ruleset *rs = NULL;
    kc_error err;
    assert_int_equal(kc_ruleset_load_file(ctx, "/nonexistent/rules.json", &rs, &err), KC_EIO);
    assert_null(rs);
    assert_string_equal(err.source, "/nonexistent/rules.json");
    assert_non_null(strstr(err.message, "/nonexistent/rules.json"));
    kc_ctx_free(ctx);
}

static void null_arguments(void **state)
{
    (void)state;
    kc_ctx *ctx = new_ctx();
    kc_ruleset *rs = NULL;
    kc_builder *b = NULL;
    assert_int_equal(kc_builder_create(NULL, &b), KC_EINVAL);
    assert_int_equal(kc_builder_create(ctx, NULL), KC_EINVAL);
    assert_int_equal(kc_builder_add_file(NULL, "x"), KC_EINVAL);
    assert_int_equal(kc_builder_add_string(NULL, "x", 1, NULL), KC_EINVAL);
    assert_int_equal(kc_builder_add_doc(NULL, NULL), KC_EINVAL);
    assert_int_equal(kc_builder_add_default(NULL), KC_EINVAL);
    assert_int_equal(kc_builder_build(NULL, &rs), KC_EINVAL);
    assert_null(kc_builder_diagnostics(NULL));
    assert_int_equal(kc_ruleset_load_file(NULL, "x", &rs, NULL), KC_EINVAL);
    assert_int_equal(kc_ruleset_load_file(ctx, NULL, &rs, NULL), KC_EINVAL);
    assert_int_equal(kc_ruleset_load_string(ctx, NULL, 0, NULL, &rs, NULL), KC_EINVAL);
    assert_int_equal(kc_ruleset_load_default(ctx, NULL, NULL), KC_EINVAL);
    assert_int_equal(kc_ruleset_load_default(NULL, &rs, NULL), KC_EINVAL);
    assert_null(kc_ruleset_name(NULL));
    assert_int_equal(kc_ruleset_rule_count(NULL), 0);
    assert_int_equal(kc_diag_count(NULL), 0);
    assert_null(kc_diag_get(NULL, 0));
    kc_rule_info info;
    assert_int_equal(kc_ruleset_rule(NULL, 0, &info), KC_EINVAL);
    assert_int_equal(kc_ruleset_find_rule(NULL, "x", &info), KC_EINVAL);
    kc_builder_free(NULL);
    kc_ruleset_free(NULL);
    kc_diag_free(NULL);
    kc_ctx_free(ctx);
}

static void the_bundled_rule_set_loads_without_files(void **state)
{
    (void)state;
    kc_ctx *ctx = new_ctx();
    kc_ruleset *rs = NULL;
    kc_error err;
    assert_int_equal(kc_ruleset_load_default(ctx, &rs, &err), KC_OK);
    assert_true(kc_ruleset_rule_count(rs) > 0);
    assert_true(kc_ruleset_verdict_count(rs) >= 2);
    kc_ruleset_free(rs);
    kc_ctx_free(ctx);
}

/* Fail allocation N for N = 1..T (T: a full load), once and from then on:
 * KC_ENOMEM, no rule set, nothing leaked. */
/* Loads text once to count its allocations, then again failing each one in
 * turn (once, and from then on): KC_ENOMEM, no rule set, nothing left. */
static void load_fails_cleanly_at_every_allocation(const char *text, size_t len)
{
    kc_test_alloc probe = {0};
    kc_allocator a = kc_test_allocator(&probe);
    kc_ctx *ctx = NULL;
    assert_int_equal(kc_ctx_create(&ctx, &a), KC_OK);
    size_t before = probe.calls;
    kc_ruleset *rs = NULL;
    assert_int_equal(kc_ruleset_load_string(ctx, text, len, "tiny", &rs, NULL), KC_OK);
    size_t total = probe.calls - before;
    kc_ruleset_free(rs);
    kc_ctx_free(ctx);
    assert_int_equal(probe.live, 0);
    for (int persistent = 0; persistent <= 1; persistent++) {
        for (size_t n = 1; n <= total; n++) {
            kc_test_alloc t = {0};
            kc_allocator ta = kc_test_allocator(&t);
            assert_int_equal(kc_ctx_create(&ctx, &ta), KC_OK);
            t.fail_at = t.calls + n;
            t.persistent = persistent;
            rs = (kc_ruleset *)&t;
            kc_error err;
            kc_status st = kc_ruleset_load_string(ctx, text, len, "tiny", &rs, &err);
            if (st != KC_ENOMEM)
                fail_msg("allocation %zu (%s): %s %s", n, persistent ? "from then on" : "once",
                         kc_status_name(st), err.message);
            assert_null(rs);
            kc_ctx_free(ctx);
            assert_int_equal(t.live, 0);
        }
    }
}

/* Rules the index groups every way: equality with a constant listed twice
 * and many constants, a union over an "or", membership in a fact array, a
 * boolean, and rules it leaves plain. */
static const char indexed[] =
    "{\"kindctx\": \"ruleset/1\", \"name\": \"ix\", \"version\": \"1\",\n"
    " \"dimensions\": [{\"id\": \"d\", \"label\": \"d\"}],\n"
    " \"verdicts\": [{\"id\": \"kind\", \"label\": \"k\"}, {\"id\": \"harmful\", \"label\": \"h\"}],\n"
    " \"policy\": {\"bands\": [{\"verdict\": \"kind\", \"min\": 0}, {\"verdict\": \"harmful\"}]},\n"
    " \"rules\": [\n"
    "  {\"id\": \"a\", \"dimension\": \"d\", \"weight\": 1, \"source\": \"s\", \"because\": \"b\",\n"
    "   \"when\": {\"in\": [{\"var\": \"t\"}, [\"x\", \"x\", \"y\", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]}},\n"
    "  {\"id\": \"b\", \"dimension\": \"d\", \"weight\": 1, \"source\": \"s\", \"because\": \"b\",\n"
    "   \"when\": {\"or\": [{\"===\": [{\"var\": \"t\"}, \"z\"]}, {\"===\": [{\"var\": \"t\"}, \"x\"]}]}},\n"
    "  {\"id\": \"c\", \"dimension\": \"d\", \"weight\": 1, \"source\": \"s\", \"because\": \"b\",\n"
    "   \"when\": {\"and\": [{\"in\": [\"n\", {\"var\": \"tags\"}]}, {\">\": [{\"var\": \"k\"}, 1]}]}},\n"
    "  {\"id\": \"e\", \"dimension\": \"d\", \"weight\": 1, \"source\": \"s\", \"because\": \"b\",\n"
    "   \"when\": {\"===\": [{\"var\": \"f\"}, true]}},\n"
    "  {\"id\": \"g\", \"dimension\": \"d\", \"weight\": 1, \"source\": \"s\", \"because\": \"b\",\n"
    "   \"when\": {\">\": [{\"var\": \"k\"}, 1]}}\n"
    " ]}";

/* A rule set may have no rules: every scenario gets the verdict of a score
 * of 0, and nothing fires or is undecided. */
static const char no_rules[] =
    "{\"kindctx\": \"ruleset/1\", \"name\": \"none\", \"version\": \"1\",\n"
    " \"dimensions\": [{\"id\": \"d\", \"label\": \"d\"}],\n"
    " \"verdicts\": [{\"id\": \"kind\", \"label\": \"k\"}, {\"id\": \"harmful\", \"label\": \"h\"}],\n"
    " \"policy\": {\"bands\": [{\"verdict\": \"kind\", \"min\": 1}, {\"verdict\": \"harmful\"}]},\n"
    " \"rules\": []}";

static void a_rule_set_without_rules_judges_nothing(void **state)
{
    (void)state;
    kc_ctx *ctx = new_ctx();
    kc_ruleset *rs = NULL;
    kc_error err;
    assert_int_equal(kc_ruleset_load_string(ctx, no_rules, sizeof no_rules - 1, "none", &rs, &err),
                     KC_OK);
    assert_int_equal(kc_ruleset_rule_count(rs), 0);
    kc_result *res = NULL;
    assert_int_equal(kc_result_create(ctx, &res), KC_OK);
    kc_doc *doc = NULL;
    assert_int_equal(kc_doc_parse(ctx, "{\"a\": 1}", 8, "s", &doc, NULL), KC_OK);
    assert_int_equal(kc_evaluate(rs, kc_doc_root(doc), res, &err), KC_OK);
    assert_string_equal(kc_result_verdict(res), "harmful");
    assert_true(kc_result_score(res) == 0);
    assert_int_equal(kc_result_fired_count(res), 0);
    assert_int_equal(kc_result_undecided_count(res), 0);
    kc_doc_free(doc);
    kc_result_free(res);
    kc_ruleset_free(rs);
    kc_ctx_free(ctx);
}

static void allocation_failures_leave_nothing_behind(void **state)
{
    (void)state;
    size_t len = 0;
    char *tiny = kc_test_read_file(tiny_path(), &len);
    load_fails_cleanly_at_every_allocation(tiny, len);
    load_fails_cleanly_at_every_allocation(indexed, sizeof indexed - 1);
    load_fails_cleanly_at_every_allocation(no_rules, sizeof no_rules - 1);
    free(tiny);
}


int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_load_error_has_its_position_and_message),
        cmocka_unit_test(introspection_reports_what_was_loaded),
        cmocka_unit_test(later_files_add_and_override_by_id),
        cmocka_unit_test(a_parsed_document_adds_like_its_text),
        cmocka_unit_test(a_rule_set_without_rules_judges_nothing),
        cmocka_unit_test(nothing_is_built_from_an_empty_builder),
        cmocka_unit_test(missing_file_is_an_io_error),
        cmocka_unit_test(null_arguments),
        cmocka_unit_test(the_bundled_rule_set_loads_without_files),
        cmocka_unit_test(allocation_failures_leave_nothing_behind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
