/* test_template.c - explanation templates: what parses and into which parts,
 * what is rejected and where, how scenario values read in an explanation, and
 * running out of memory while parsing or rendering. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "doc.h"
#include "template.h"

typedef struct fixture {
    kc_test_alloc t;
    kc_ctx *ctx;
    kc_doc *sample;
    size_t base; /* blocks the context and the sample document hold */
} fixture;

/* The scenario the render table reads. */
static const char sample[] =
    "{\n"
    "  \"id\": \"sample\",\n"
    "  \"act\": {\"kind\": \"mindfulness_recording\", \"features\": [\"pollen\", "
    "\"help_with_distress\"],\n"
    "          \"meets\": [], \"count\": 3, \"price\": 12.5, \"big\": 1e21, \"tiny\": 1e-7},\n"
    "  \"receiver\": {\"allergies\": [\"pollen\"], \"likes\": [\"a\", \"b\", \"c\"]},\n"
    "  \"relationship\": {\"wanted\": false, \"trust\": 0.8, \"threatening\": true},\n"
    "  \"nested\": [[\"a\", \"b\"], \"c\", [], 1, true, null, {\"k\": 1}],\n"
    "  \"obj\": {\"k\": \"v\"},\n"
    "  \"nil\": null,\n"
    "  \"empty\": \"\",\n"
    "  \"list\": [{\"name\": \"first\"}, {\"name\": \"second_one\"}]\n"
    "}";

static int setup(void **state)
{
    fixture *f = test_calloc(1, sizeof *f);
    const kc_allocator a = kc_test_allocator(&f->t);
    if (kc_ctx_create(&f->ctx, &a) != KC_OK)
        return -1;
    if (kc_doc_parse(f->ctx, sample, sizeof sample - 1, "sample", &f->sample, NULL) != KC_OK)
        return -1;
    f->base = f->t.live;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    kc_doc_free(f->sample);
    kc_ctx_free(f->ctx);
    const size_t live = f->t.live;
    test_free(f);
    return live == 0 ? 0 : -1;
}

/* ---- parsing ---- */

/* The parts as text: [literal] or <seg|seg#index>. Checks on the way what the
 * dump cannot show: each placeholder's text is its segments joined by dots,
 * and every segment's key is NUL-terminated with the right hash. */
static void dump(const kc_tmpl *t, char *out, size_t size)
{
    size_t o = 0;
    out[0] = '\0';
    for (uint32_t i = 0; i < t->nparts; i++) {
        const kc_tmpl_part *p = &t->parts[i];
        assert_true(p->len > 0);
        if (p->nsegs == 0) {
            assert_null(p->segs);
            o += (size_t)snprintf(out + o, size - o, "[%.*s]", (int)p->len, p->text);
            continue;
        }
        char joined[256];
        size_t j = 0;
        o += (size_t)snprintf(out + o, size - o, "<");
        for (uint32_t k = 0; k < p->nsegs; k++) {
            const jl_seg *s = &p->segs[k];
            assert_int_equal(strlen(s->key), s->len);
            assert_int_equal(s->hash, kc_hash(s->key, s->len));
            j += (size_t)snprintf(joined + j, sizeof joined - j, "%s%s", k ? "." : "", s->key);
            o += (size_t)snprintf(out + o, size - o, "%s%s", k ? "|" : "", s->key);
            if (s->idx >= 0)
                o += (size_t)snprintf(out + o, size - o, "#%lld", (long long)s->idx);
        }
        o += (size_t)snprintf(out + o, size - o, ">");
        assert_int_equal(p->len, j);
        assert_memory_equal(p->text, joined, j);
    }
}

typedef struct parse_case {
    const char *text;
    const char *parts; /* dump() of the result */
} parse_case;

static const parse_case valid[] = {
    {"", ""},
    {"plain text, no placeholders", "[plain text, no placeholders]"},
    {"{{a}}", "<a>"},
    {"Hi {{receiver.likes}}.", "[Hi ]<receiver|likes>[.]"},
    {"{{ act.kind }}", "<act|kind>"},
    {"{{\t act.kind \r\n}}", "<act|kind>"},
    {"{{list.0.name}}", "<list|0#0|name>"},
    {"{{list.12}} {{list.01}} {{list.-1}}", "<list|12#12>[ ]<list|01>[ ]<list|-1>"},
    {"{{Under_score-dash.X9}}", "<Under_score-dash|X9>"},
    {"{{{{literal}}", "[{{][literal}}]"},
    {"a {{{{ b", "[a {{][ b]"},
    {"{{{{{{x}}", "[{{]<x>"},
    {"{{a}}{{b}}", "<a><b>"},
    {"a}}b{c}", "[a}}b{c}]"},
    {"{ {a}} { {", "[{ {a}} { {]"},
    {"end {", "[end {]"},
};

static void valid_templates_split_into_parts(void **state)
{
    fixture *f = *state;
    kc_arena arena;
    kc_arena_init(&arena, f->ctx, 256, 0);
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        const parse_case *c = &valid[i];
        kc_tmpl t;
        size_t off = 99;
        const char *why = "set";
        const kc_status st = kc_tmpl_parse(&arena, c->text, strlen(c->text), &t, &off, &why);
        if (st != KC_OK)
            fail_msg("\"%s\": %s at %zu: %s", c->text, kc_status_name(st), off, why);
        assert_int_equal(off, 0);
        assert_null(why);
        assert_string_equal(t.text, c->text);
        char got[512];
        dump(&t, got, sizeof got);
        if (strcmp(got, c->parts) != 0)
            fail_msg("\"%s\": parts %s, expected %s", c->text, got, c->parts);
    }
    kc_arena_free(&arena);
}

typedef struct bad_case {
    const char *text;
    size_t offset; /* of the bad placeholder's "{{" */
    const char *why; /* a substring of the reason */
} bad_case;

static const bad_case invalid[] = {
    {"{{}}", 0, "empty placeholder"},
    {"x {{   }}", 2, "empty placeholder"},
    {"{{ a b }}", 0, "unexpected character"},
    {"{{a..b}}", 0, "two dots in a row"},
    {"{{a", 0, "no closing \"}}\""},
    {"{{a.}}", 0, "cannot end with a dot"},
    {"{{.a}}", 0, "cannot start with a dot"},
    {"{{a}", 0, "no closing \"}}\""},
    {"{{$x}}", 0, "unexpected character"},
    {"{{", 0, "no closing \"}}\""},
    {"{{{", 0, "unexpected character"},
    {"{{a\"}}", 0, "unexpected character"},
    {"{{a} b}}", 0, "no closing \"}}\""},
    {"{{receiver.allergies[0]}}", 0, "unexpected character"},
    {"ok {{a}} then {{b c}}", 14, "unexpected character"},
    {"{{{{ fine, then {{", 16, "no closing"},
    {"{{a}} }} {{ b.", 9, "no closing"},
    {"caf\xc3\xa9 {{caf\xc3\xa9}}", 6, "unexpected character"},
};

static void invalid_templates_point_at_the_placeholder(void **state)
{
    fixture *f = *state;
    kc_arena arena;
    kc_arena_init(&arena, f->ctx, 64, 0);
    /* Something already in the arena must survive a failed parse untouched. */
    char *before = kc_arena_strndup(&arena, "kept", 4);
    assert_non_null(before);
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        const bad_case *c = &invalid[i];
        const size_t total = arena.total;
        kc_tmpl t;
        size_t off = 99;
        const char *why = NULL;
        const kc_status st = kc_tmpl_parse(&arena, c->text, strlen(c->text), &t, &off, &why);
        if (st != KC_ESCHEMA)
            fail_msg("\"%s\": %s, expected KC_ESCHEMA", c->text, kc_status_name(st));
        if (off != c->offset)
            fail_msg("\"%s\": offset %zu, expected %zu", c->text, off, c->offset);
        assert_non_null(why);
        if (!strstr(why, c->why))
            fail_msg("\"%s\": reason \"%s\" lacks \"%s\"", c->text, why, c->why);
        assert_int_equal(t.nparts, 0);
        assert_null(t.parts);
        assert_int_equal(arena.total, total);
    }
    assert_string_equal(before, "kept");
    kc_arena_free(&arena);
}

static void parse_rejects_null_arguments(void **state)
{
    fixture *f = *state;
    kc_arena arena;
    kc_arena_init(&arena, f->ctx, 64, 0);
    kc_tmpl t;
    assert_int_equal(kc_tmpl_parse(NULL, "a", 1, &t, NULL, NULL), KC_EINVAL);
    assert_int_equal(kc_tmpl_parse(&arena, "a", 1, NULL, NULL, NULL), KC_EINVAL);
    assert_int_equal(kc_tmpl_parse(&arena, NULL, 1, &t, NULL, NULL), KC_EINVAL);
    /* No text at all is the empty template; the error outputs are optional. */
    assert_int_equal(kc_tmpl_parse(&arena, NULL, 0, &t, NULL, NULL), KC_OK);
    assert_int_equal(t.nparts, 0);
    assert_string_equal(t.text, "");
    assert_int_equal(kc_tmpl_parse(&arena, "{{", 2, &t, NULL, NULL), KC_ESCHEMA);
    /* Only len bytes are read: the "}}" past them does not close anything. */
    assert_int_equal(kc_tmpl_parse(&arena, "{{a}}", 3, &t, NULL, NULL), KC_ESCHEMA);
    kc_arena_free(&arena);
}

/* ---- rendering ---- */

typedef struct render_case {
    const char *text;
    const char *want;
} render_case;

static const render_case renders[] = {
    {"", ""},
    {"no placeholders", "no placeholders"},
    {"{{id}}", "sample"},
    {"{{act.kind}}", "mindfulness recording"},
    {"{{receiver.allergies}}", "pollen"},
    {"{{act.features}}", "pollen and help with distress"},
    {"{{receiver.likes}}", "a, b and c"},
    {"{{act.meets}}", "none"},
    {"{{act.count}} {{act.price}} {{act.big}} {{act.tiny}}", "3 12.5 1e+21 1e-7"},
    {"{{relationship.wanted}}/{{relationship.threatening}}", "no/yes"},
    {"{{relationship.trust}}", "0.8"},
    {"{{nil}}", "nothing"},
    {"{{obj}}", "(details)"},
    {"[{{empty}}]", "[]"},
    {"{{missing}} {{missing.path}}", "(unknown) (unknown)"},
    {"{{act.kind.deeper}}", "(unknown)"},
    {"{{list.1.name}}", "second one"},
    {"{{list.2.name}}", "(unknown)"},
    {"{{receiver.likes.0}}{{receiver.likes.2}}", "ac"},
    {"{{receiver.likes.00}}", "(unknown)"},
    {"{{list}}", "(details) and (details)"},
    {"{{nested}}", "a and b, c, none, 1, yes, nothing and (details)"},
    {"Allergic to {{ receiver.allergies }}; wanted: {{relationship.wanted}}.",
     "Allergic to pollen; wanted: no."},
    {"{{{{not}}}} {{id}}", "{{not}}}} sample"},
};

static void render_fills_placeholders_from_the_scenario(void **state)
{
    fixture *f = *state;
    kc_arena arena;
    kc_arena_init(&arena, f->ctx, 256, 0);
    kc_buf b;
    kc_buf_init(&b, f->ctx);
    for (size_t i = 0; i < sizeof renders / sizeof renders[0]; i++) {
        const render_case *c = &renders[i];
        kc_tmpl t;
        assert_int_equal(kc_tmpl_parse(&arena, c->text, strlen(c->text), &t, NULL, NULL), KC_OK);
        kc_buf_reset(&b);
        assert_int_equal(kc_tmpl_render(&t, kc_doc_root(f->sample), &b), 0);
        const char *got = kc_buf_cstr(&b);
        if (strcmp(got, c->want) != 0)
            fail_msg("\"%s\" rendered \"%s\", expected \"%s\"", c->text, got, c->want);
    }
    /* Without a scenario every fact is unknown. */
    kc_tmpl t;
    assert_int_equal(kc_tmpl_parse(&arena, "a {{b}} c", 9, &t, NULL, NULL), KC_OK);
    kc_buf_reset(&b);
    assert_int_equal(kc_tmpl_render(&t, NULL, &b), 0);
    assert_string_equal(kc_buf_cstr(&b), "a (unknown) c");
    kc_buf_free(&b);
    kc_arena_free(&arena);
}

static void value_text_reads_each_type(void **state)
{
    fixture *f = *state;
    kc_buf b;
    kc_buf_init(&b, f->ctx);
    const kc_value vals[] = {kc_v_null(), kc_v_bool(1), kc_v_bool(0), kc_v_num(-0.5),
                             kc_v_str("a_b_", 4), kc_v_unknown()};
    const char *want[] = {"nothing", "yes", "no", "-0.5", "a b ", "(unknown)"};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        kc_buf_reset(&b);
        assert_int_equal(kc_tmpl_value_text(&b, &vals[i]), 0);
        assert_string_equal(kc_buf_cstr(&b), want[i]);
    }
    kc_buf_reset(&b);
    assert_int_equal(kc_tmpl_value_text(&b, NULL), 0);
    assert_string_equal(kc_buf_cstr(&b), "nothing");
    const kc_value two[] = {kc_v_str("x_y", 3), kc_v_num(2)};
    const kc_value arr = kc_v_arr(two, 2);
    kc_buf_reset(&b);
    assert_int_equal(kc_tmpl_value_text(&b, &arr), 0);
    assert_string_equal(kc_buf_cstr(&b), "x y and 2");
    kc_buf_free(&b);
}

/* Arrays nested n deep around "x". */
static kc_doc *nested(fixture *f, int n)
{
    char text[256];
    int o = 0;
    for (int i = 0; i < n; i++)
        text[o++] = '[';
    o += snprintf(text + o, sizeof text - (size_t)o, "\"x\"");
    for (int i = 0; i < n; i++)
        text[o++] = ']';
    kc_doc *doc;
    assert_int_equal(kc_doc_parse(f->ctx, text, (size_t)o, NULL, &doc, NULL), KC_OK);
    return doc;
}

static void deep_nesting_renders_as_details(void **state)
{
    fixture *f = *state;
    kc_buf b;
    kc_buf_init(&b, f->ctx);
    kc_doc *doc = nested(f, 16);
    assert_int_equal(kc_tmpl_value_text(&b, kc_doc_root(doc)), 0);
    assert_string_equal(kc_buf_cstr(&b), "x");
    kc_doc_free(doc);
    doc = nested(f, 17);
    kc_buf_reset(&b);
    assert_int_equal(kc_tmpl_value_text(&b, kc_doc_root(doc)), 0);
    assert_string_equal(kc_buf_cstr(&b), "(details)");
    kc_doc_free(doc);
    kc_buf_free(&b);
}

/* ---- running out of memory ---- */

/* A template long enough for several arena chunks and buffer growths. */
static char *long_template(size_t *len)
{
    static const char piece[] = "{{receiver.likes}} then {{{{ {{act.features}} and "
                                "{{list.1.name}}; ";
    const size_t n = 40;
    char *s = test_malloc(n * (sizeof piece - 1) + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * (sizeof piece - 1), piece, sizeof piece - 1);
    *len = n * (sizeof piece - 1);
    s[*len] = '\0';
    return s;
}

/* Parses into a fresh arena with small chunks, then renders. Returns the
 * status of the first step that failed; on KC_OK *out is the rendered text
 * (test_malloc'd). Frees everything it made either way. */
static kc_status parse_and_render(fixture *f, const char *text, size_t len, char **out)
{
    kc_arena arena;
    kc_arena_init(&arena, f->ctx, 64, 0);
    kc_tmpl t;
    kc_status st = kc_tmpl_parse(&arena, text, len, &t, NULL, NULL);
    *out = NULL;
    if (st == KC_OK) {
        kc_buf b;
        kc_buf_init(&b, f->ctx);
        if (kc_tmpl_render(&t, kc_doc_root(f->sample), &b) != 0) {
            st = KC_ENOMEM;
            assert_null(kc_buf_cstr(&b));
        } else {
            const char *s = kc_buf_cstr(&b);
            *out = test_malloc(strlen(s) + 1);
            memcpy(*out, s, strlen(s) + 1);
        }
        kc_buf_free(&b);
    }
    kc_arena_free(&arena);
    return st;
}

static void allocation_failures_return_enomem(void **state)
{
    fixture *f = *state;
    size_t len;
    char *text = long_template(&len);
    char *want;
    f->t.calls = 0;
    assert_int_equal(parse_and_render(f, text, len, &want), KC_OK);
    const size_t total = f->t.calls;
    assert_true(total >= 6);
    assert_int_equal(f->t.live, f->base);
    for (int persistent = 0; persistent <= 1; persistent++) {
        for (size_t n = 1; n <= total; n++) {
            f->t.calls = 0;
            f->t.fail_at = n;
            f->t.persistent = persistent;
            char *got;
            const kc_status st = parse_and_render(f, text, len, &got);
            f->t.fail_at = 0;
            if (st != KC_ENOMEM)
                fail_msg("allocation %zu of %zu failing%s: %s", n, total,
                         persistent ? " persistently" : "", kc_status_name(st));
            assert_null(got);
            assert_int_equal(f->t.live, f->base);
        }
    }
    /* And with memory back, the same text again. */
    char *again;
    assert_int_equal(parse_and_render(f, text, len, &again), KC_OK);
    assert_string_equal(again, want);
    test_free(again);
    test_free(want);
    test_free(text);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(valid_templates_split_into_parts),
        T(invalid_templates_point_at_the_placeholder),
        T(parse_rejects_null_arguments),
        T(render_fills_placeholders_from_the_scenario),
        T(value_text_reads_each_type),
        T(deep_nesting_renders_as_details),
        T(allocation_failures_return_enomem),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
