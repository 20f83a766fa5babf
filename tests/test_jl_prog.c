/* test_jl_prog.c - the flat step list of a condition (jl_prog) against the
 * tree evaluator it stands in for.
 *
 * The list is only a shortcut: whenever it answers true or false, kc_jl_test
 * (three-valued, as rule conditions run) must answer the same, and whatever
 * the list cannot settle it must hand back (-1). The tests therefore run
 * every expression of a table on every document of another and compare the
 * two, in separate runs and in one run in either order (the list and the
 * tree share the per-run memo of facts and truths, so one may see what the
 * other left behind). Disagreements are all collected before failing, so one
 * run names every bad case. */
#include <stdio.h>
#include <string.h>

#include "jl.h"
#include "jl_prog.h"
#include "testutil.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The tables are JSON with ' for ": they stay readable without escapes, and
 * no test string needs a quote of its own. */
static const char *dq(char *buf, size_t cap, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < cap; i++)
        buf[i] = src[i] == '\'' ? '"' : src[i];
    assert_true(src[i] == '\0'); /* the buffer was big enough */
    buf[i] = '\0';
    return buf;
}

static kc_doc *parse(kc_ctx *ctx, const char *text, unsigned flags)
{
    char buf[1024];
    const char *json = dq(buf, sizeof buf, text);
    kc_doc *doc = NULL;
    kc_error err;
    if (kc_doc_parse_ex(ctx, json, strlen(json), NULL, flags, &doc, &err) != KC_OK)
        fail_msg("cannot parse %s: %s", json, err.message);
    return doc;
}

/* A condition compiled and shared as a rule set does it (kc_jl_share marks
 * the leaf tests and numbers the facts; without it nothing would build). */
typedef struct compiled {
    kc_doc *rule;
    kc_arena code;
    jl_node root;
    uint32_t nmemo;
} compiled;

static void compile(kc_ctx *ctx, const char *text, compiled *c)
{
    c->rule = parse(ctx, text, 0);
    kc_arena_init(&c->code, ctx, 512, 0);
    kc_error err;
    if (kc_jl_compile(ctx, &c->code, kc_doc_root(c->rule), c->rule, NULL, &c->root, &err) !=
        KC_OK)
        fail_msg("cannot compile %s: %s", text, err.message);
    jl_node *roots[1] = {&c->root};
    assert_int_equal(kc_jl_share(ctx, roots, 1, &c->nmemo), KC_OK);
}

static void release(compiled *c)
{
    kc_arena_free(&c->code);
    kc_doc_free(c->rule);
}

static const char *tv_name(int t)
{
    switch (t) {
    case -1:
        return "-1 (tree decides)";
    case KC_TV_FALSE:
        return "false";
    case KC_TV_TRUE:
        return "true";
    case KC_TV_UNKNOWN:
        return "unknown";
    case KC_TV_ERROR:
        return "error";
    default:
        return "out of range";
    }
}

/* One evaluation state for a whole expression: runs with the same state
 * across documents also check that a new generation forgets the last one. */
typedef struct runner {
    jl_state st;
    kc_arena scratch;
    uint32_t nmemo;
} runner;

static void runner_init(runner *r, kc_ctx *ctx, uint32_t nmemo)
{
    kc_arena_init(&r->scratch, ctx, 512, 0);
    kc_jl_state_init(&r->st, ctx, &r->scratch);
    r->st.tristate = 1;
    r->nmemo = nmemo;
}

static void runner_free(runner *r)
{
    kc_jl_state_free(&r->st);
    kc_arena_free(&r->scratch);
}

static void fresh(runner *r)
{
    assert_int_equal(kc_jl_state_begin(&r->st, r->nmemo), KC_OK);
}

static int run_prog(runner *r, const jl_prog *p, int skip_guard, const jl_scope *sc)
{
    const int t = kc_jl_prog_run(&r->st, p, skip_guard, sc);
    if (t < -1 || t > KC_TV_TRUE)
        fail_msg("kc_jl_prog_run returned %d", t);
    return t;
}

/* kc_jl_test, or kc_jl_test_except when a part is known to hold. */
static int run_tree(runner *r, const jl_node *n, uint32_t known, const jl_scope *sc)
{
    kc_status s = KC_OK;
    const int t = known == UINT32_MAX ? kc_jl_test(&r->st, n, sc, &s)
                                      : kc_jl_test_except(&r->st, n, known, sc, &s);
    if (t < KC_TV_FALSE || t > KC_TV_ERROR)
        fail_msg("the tree returned %d", t);
    return t;
}

typedef struct tally {
    size_t runs, answered[2], handed_back;
    size_t disagreements;
    size_t tree_unstable; /* the tree itself answered differently by run order */
} tally;

static void note(tally *ty, const char *rule, const char *data, const char *how, int prog,
                 int tree)
{
    ty->runs++;
    if (prog < 0) {
        ty->handed_back++;
        return;
    }
    ty->answered[prog]++;
    if (prog != tree) {
        ty->disagreements++;
        print_message("DISAGREE %s\n  rule %s\n  data %s\n  program %s, tree %s\n", how, rule,
                      data, tv_name(prog), tv_name(tree));
    }
}

/* ---- the tables ---- */

/* Facts every document may set: s (a string mostly), n (a number mostly),
 * t (a boolean mostly), list, text, and objects a and b for dotted paths. */
typedef struct prog_case {
    const char *rule;
    uint32_t nsteps; /* 0: the shape must not build */
    int code;        /* JL_STEP_* of the first step, -1: not checked */
} prog_case;

static const prog_case exprs[] = {
    /* strings, strict and loose, the constant on either side */
    {"{'===': [{'var': 's'}, 'x']}", 1, JL_STEP_STR},
    {"{'==': [{'var': 's'}, '3']}", 1, JL_STEP_STR},
    {"{'!==': [{'var': 's'}, 'x']}", 1, JL_STEP_STR},
    {"{'!=': [{'var': 's'}, '3']}", 1, JL_STEP_STR},
    {"{'===': ['x', {'var': 's'}]}", 1, JL_STEP_STR},
    {"{'==': [{'var': 'n'}, '3']}", 1, JL_STEP_STR},
    /* booleans */
    {"{'==': [{'var': 't'}, true]}", 1, JL_STEP_BOOL},
    {"{'===': [{'var': 't'}, true]}", 1, JL_STEP_BOOL},
    {"{'!=': [{'var': 't'}, false]}", 1, JL_STEP_BOOL},
    {"{'!==': [{'var': 't'}, false]}", 1, JL_STEP_BOOL},
    /* numbers, every comparison, negative zero, constant on the left */
    {"{'<': [{'var': 'n'}, 3]}", 1, JL_STEP_NUM},
    {"{'<=': [{'var': 'n'}, 0]}", 1, JL_STEP_NUM},
    {"{'>': [{'var': 'n'}, -0]}", 1, JL_STEP_NUM},
    {"{'>=': [{'var': 'n'}, 2.5]}", 1, JL_STEP_NUM},
    {"{'==': [{'var': 'n'}, 3]}", 1, JL_STEP_NUM},
    {"{'===': [{'var': 'n'}, 0]}", 1, JL_STEP_NUM},
    {"{'===': [{'var': 'n'}, -0]}", 1, JL_STEP_NUM},
    {"{'!==': [{'var': 'n'}, 3]}", 1, JL_STEP_NUM},
    {"{'!=': [{'var': 'n'}, 0]}", 1, JL_STEP_NUM},
    {"{'<': [2, {'var': 'n'}]}", 1, JL_STEP_NUM},
    {"{'>=': [0, {'var': 'n'}]}", 1, JL_STEP_NUM},
    /* a string ordered against a number raises in the tree */
    {"{'<': [{'var': 's'}, 3]}", 1, JL_STEP_NUM},
    /* strings ordered by bytes: no specialised step, the leaf as the tree runs it */
    {"{'<': [{'var': 's'}, 'm']}", 1, JL_STEP_LEAF},
    /* membership both ways, arrays and substrings */
    {"{'in': [{'var': 's'}, ['x', 'y', 3]]}", 1, JL_STEP_IN},
    {"{'in': [{'var': 's'}, 'hello x world']}", 1, JL_STEP_LEAF},
    {"{'in': ['x', {'var': 'list'}]}", 1, JL_STEP_CONTAINS},
    {"{'in': [3, {'var': 'list'}]}", 1, JL_STEP_CONTAINS},
    {"{'in': ['ll', {'var': 'text'}]}", 1, JL_STEP_CONTAINS},
    {"{'in': [['x'], {'var': 'list'}]}", 1, JL_STEP_CONTAINS},
    /* fact against fact */
    {"{'===': [{'var': 'a.s'}, {'var': 'b.s'}]}", 1, JL_STEP_FACTS},
    {"{'==': [{'var': 'a.s'}, {'var': 'b.s'}]}", 1, JL_STEP_FACTS},
    {"{'!==': [{'var': 'a.s'}, {'var': 'b.s'}]}", 1, JL_STEP_FACTS},
    {"{'in': [{'var': 'a.s'}, {'var': 'b.list'}]}", 1, JL_STEP_FACTS},
    {"{'<': [{'var': 'a.n'}, {'var': 'b.n'}]}", 1, JL_STEP_FACTS},
    {"{'>=': [{'var': 'a.n'}, {'var': 'b.n'}]}", 1, JL_STEP_FACTS},
    {"{'===': [{'var': 's'}, {'var': 's'}]}", 1, JL_STEP_FACTS},
    /* paths one and two deep, and through an array index */
    {"{'===': [{'var': 'a.s'}, 'x']}", 1, JL_STEP_STR},
    {"{'===': [{'var': 'list.0'}, 'x']}", 1, JL_STEP_STR},
    {"{'<': [{'var': 'b.n'}, 3]}", 1, JL_STEP_NUM},
    /* "!" and "!!" of a leaf */
    {"{'!': {'===': [{'var': 's'}, 'x']}}", 1, JL_STEP_STR},
    {"{'!': [{'<': [{'var': 'n'}, 3]}]}", 1, JL_STEP_NUM},
    {"{'!!': [{'in': ['x', {'var': 'list'}]}]}", 1, JL_STEP_CONTAINS},
    {"{'!': [{'in': [{'var': 's'}, 'hello x world']}]}", 1, JL_STEP_LEAF},
    {"{'!': [{'<': [{'var': 'a.n'}, {'var': 'b.n'}]}]}", 1, JL_STEP_FACTS},
    /* connectives */
    {"{'or': [{'===': [{'var': 's'}, 'x']}, {'<': [{'var': 'n'}, 3]}]}", 2, -1},
    {"{'and': [{'===': [{'var': 's'}, 'x']},"
     " {'or': [{'<': [{'var': 'n'}, 3]}, {'in': [{'var': 'a.s'}, ['y', 3]]},"
     "         {'!': [{'==': [{'var': 't'}, true]}]}]},"
     " {'!': [{'===': [{'var': 'list.0'}, 'y']}]}]}",
     5, -1},
    {"{'and': [{'>': [{'var': 'n'}, 0]}, {'<=': [{'var': 'n'}, 3]}, {'!==': [{'var': 's'}, 'z']}]}",
     3, -1},
    /* an absent fact, then a part that is false */
    {"{'and': [{'==': [{'var': 'gone.x'}, 1]}, {'===': [{'var': 's'}, 'nope']}]}", 2, -1},
    /* a leaf written twice shares one memo slot and its remembered truth */
    {"{'and': [{'===': [{'var': 's'}, 'x']},"
     " {'or': [{'===': [{'var': 's'}, 'x']}, {'<': [{'var': 'n'}, 3]}]},"
     " {'!!': [{'===': [{'var': 'a.s'}, {'var': 'b.s'}]}]}]}",
     4, -1},
    {"{'and': [{'in': [{'var': 's'}, 'xyz']},"
     " {'or': [{'in': ['x', {'var': 'text'}]}, {'===': [{'var': 'b.n'}, 2]}]},"
     " {'!=': [{'var': 't'}, false]}]}",
     4, -1},
    {"{'and': [{'<': [{'var': 's'}, 3]}, {'===': [{'var': 'n'}, 3]}]}", 2, -1},
    {"{'and': [{'or': [{'!': [{'===': [{'var': 'a.n'}, 1]}]}, {'in': [{'var': 'n'}, [3, -1]]}]},"
     " {'or': [{'>': [{'var': 'a.n'}, {'var': 'b.n'}]}, {'===': [{'var': 'list.1'}, 'y']}]}]}",
     4, -1},

    /* "and", "or" and "!" nested in any order: branch code */
    {"{'or': [{'and': [{'===': [{'var': 's'}, 'x']}, {'<': [{'var': 'n'}, 3]}]},"
     " {'===': [{'var': 't'}, true]}]}",
     3, -1},
    {"{'and': [{'===': [{'var': 's'}, 'x']},"
     " {'and': [{'<': [{'var': 'n'}, 3]}, {'===': [{'var': 't'}, true]}]}]}",
     3, -1},
    {"{'!': {'and': [{'===': [{'var': 's'}, 'x']}, {'<': [{'var': 'n'}, 3]}]}}", 2, -1},
    {"{'!': [{'!': [{'===': [{'var': 's'}, 'x']}]}]}", 1, JL_STEP_STR},
    {"{'!': [{'or': [{'in': [{'var': 's'}, ['y', 3]]},"
     " {'!!': [{'and': [{'>=': [{'var': 'n'}, 2.5]}, {'!==': [{'var': 'a.s'}, {'var': 'b.s'}]}]}]}]}]}",
     3, JL_STEP_IN},
    {"{'or': [{'and': [{'or': [{'===': [{'var': 's'}, 'x']}, {'===': [{'var': 's'}, 'y']}]},"
     "                 {'!': [{'in': ['x', {'var': 'list'}]}]}]},"
     " {'and': [{'<': [{'var': 'a.n'}, {'var': 'b.n'}]}, {'==': [{'var': 't'}, true]}]},"
     " {'!': [{'!=': [{'var': 'n'}, 3]}]}]}",
     6, -1},
    {"{'and': [{'!': [{'or': [{'===': [{'var': 's'}, 'y']}, {'<': [{'var': 'n'}, 0]}]}]},"
     " {'or': [{'and': [{'in': [{'var': 's'}, 'xyz']}, {'>': [{'var': 'b.n'}, 1]}]},"
     "         {'in': [3, {'var': 'list'}]}]},"
     " {'===': [{'var': 'list.0'}, 'x']}]}",
     6, -1},

    /* shapes the list does not take */
    {"{'if': [{'===': [{'var': 's'}, 'x']}, true, false]}", 0, -1},
    {"{'===': [{'var': ['s', 1]}, 'x']}", 0, -1},
    {"{'and': []}", 0, -1},
    {"{'<': [1, {'var': 'n'}, 10]}", 0, -1},
    {"{'===': [{'+': [{'var': 'n'}, 1]}, 4]}", 0, -1},
    {"{'and': [{'===': [{'var': 's'}, 'x']}, {'var': 't'}]}", 0, -1},
    {"{'and': [{'===': [{'var': 's'}, 'x']}, {'or': []}]}", 0, -1},
    {"{'===': [1, 1]}", 0, -1},
    {"{'and': [{'<': [{'var': 's'}, 3]}, false]}", 0, -1},
    {"{'or': [{'===': [{'var': 's'}, 'x']}, {'!': {'var': 't'}}]}", 0, -1},
    {"{'and': [{'===': [{'var': 's'}, 'x']},"
     " {'!!': [{'in': [{'var': 's'}, {'cat': ['x', 'y']}]}]}]}",
     0, -1},
    {"{'!': [{'or': [{'===': [{'var': 's'}, 'x']}, {'if': [true, true, false]}]}]}", 0, -1},
};

/* Each document gives every fact another type or value at once, so the
 * cross product reaches each kind of step with each kind of fact. */
static const char *const datas[] = {
    "{'s': 'x', 'n': 3, 't': true, 'list': ['x', 'y', 3], 'text': 'hello',"
    " 'a': {'s': 'x', 'n': 1}, 'b': {'s': 'x', 'n': 2, 'list': ['x', 'z']}}",
    "{'s': '3', 'n': '3', 't': 1, 'list': [1, 2, 3], 'text': 'all',"
    " 'a': {'s': 'y', 'n': 5}, 'b': {'s': 'x', 'n': 5, 'list': ['y']}}",
    "{'s': 3, 'n': -0, 't': 'true', 'list': [], 'text': '',"
    " 'a': {'s': 3, 'n': '2'}, 'b': {'s': '3', 'n': 2, 'list': [3]}}",
    "{'s': true, 'n': 0, 't': false, 'list': ['3'], 'text': 'll',"
    " 'a': {'s': true, 'n': -0}, 'b': {'s': 1, 'n': 0, 'list': [true]}}",
    "{'s': null, 'n': null, 't': null, 'list': null, 'text': null, 'a': null, 'b': null}",
    "{'s': ['x'], 'n': [3], 't': [true], 'list': 'x y', 'text': ['ll'],"
    " 'a': {'s': ['x'], 'n': [1]}, 'b': {'s': ['x'], 'n': [2], 'list': 'x'}}",
    "{}",
    "{'s': 'x'}",
    "{'s': 'y', 'n': 2.5, 't': 0, 'list': [['x'], 'x'], 'text': 'hello world',"
    " 'a': {'s': 'z', 'n': 2.5}, 'b': {'s': 'z', 'n': 2.5, 'list': ['z']}}",
    "{'s': '', 'n': -1, 't': '1', 'list': [null, false, 0], 'text': 'x',"
    " 'a': {'s': '', 'n': -1}, 'b': {'s': '', 'n': -2, 'list': ['']}}",
    "{'s': 'abc', 'n': 'abc', 't': 'yes', 'list': [true], 'text': 'abc',"
    " 'a': {'s': 'abc', 'n': 'abc'}, 'b': {'s': 'abd', 'n': 'abd', 'list': 'abc'}}",
    "{'s': {'k': 1}, 'n': {'k': 1}, 't': {}, 'list': {'0': 'x'}, 'text': {}, 'a': 'str', 'b': 5}",
    "{'s': 'X', 'n': 1e300, 't': true, 'list': ['x'], 'text': 'X',"
    " 'a': {'n': 1e300}, 'b': {'n': -1e300}}",
    "{'s': 'x', 'n': '-0', 't': '0', 'list': [3, 'x'], 'text': '3',"
    " 'a': {'s': 'x', 'n': '10'}, 'b': {'s': 'x', 'n': '9'}}",
    "{'s': 'm', 'n': 2, 't': true, 'list': ['y'], 'text': 'yyy', 'a': {}, 'b': {}}",
    "{'s': 'x', 'n': 3, 't': true, 'list': ['x', 'y'], 'text': 'x',"
    " 'a': {'s': 'x', 'n': 2}, 'b': {'s': 'x', 'n': 3, 'list': ['x']}}",
    "{'n': 10, 's': 'n', 'b': {'n': 2}}",
    "{'list': [['y']], 's': 'z', 'n': 4, 'a': {'n': 1}}",
    "{'a': {'s': 'x', 'n': 1}, 's': 'x', 'n': 1, 't': false}",
    "{'b': {'n': 0, 's': 'x'}, 'a': {'n': -1, 's': 'x'}, 'list': ['y', 'y'], 't': true,"
    " 'n': -1, 's': 'x'}",
};

/* ---- the cross product ---- */

/* Runs the list and the tree on one document in the three orders. */
static void compare_on(runner *r, const jl_prog *p, const jl_node *root, const char *rule,
                       const char *data, const jl_scope *sc, tally *ty)
{
    fresh(r);
    const int p1 = run_prog(r, p, 0, sc);
    fresh(r);
    const int t1 = run_tree(r, root, UINT32_MAX, sc);
    note(ty, rule, data, "(separate runs)", p1, t1);

    fresh(r);
    const int p2 = run_prog(r, p, 0, sc);
    const int t2 = run_tree(r, root, UINT32_MAX, sc);
    note(ty, rule, data, "(one run, program first)", p2, t2);

    fresh(r);
    const int t3 = run_tree(r, root, UINT32_MAX, sc);
    const int p3 = run_prog(r, p, 0, sc);
    note(ty, rule, data, "(one run, tree first)", p3, t3);

    if (t1 != t2 || t1 != t3) {
        ty->tree_unstable++;
        print_message("TREE UNSTABLE\n  rule %s\n  data %s\n  %s / %s / %s\n", rule, data,
                      tv_name(t1), tv_name(t2), tv_name(t3));
    }
    kc_arena_reset(&r->scratch);
}

/* Part k of the "and" known to hold (the rule index matched it): the list
 * built with that part as its guard, told to skip it, against the tree told
 * the same. Only documents where part k really holds count. */
static void compare_guarded(runner *r, const jl_prog *guarded, const jl_node *root, uint32_t k,
                            const char *rule, const char *data, const jl_scope *sc, tally *ty)
{
    fresh(r);
    if (run_tree(r, &root->args[k], UINT32_MAX, sc) != KC_TV_TRUE)
        return;
    char how[64];
    snprintf(how, sizeof how, "(part %u known to hold)", (unsigned)k);
    fresh(r);
    const int p = run_prog(r, guarded, 1, sc);
    fresh(r);
    const int t = run_tree(r, root, k, sc);
    note(ty, rule, data, how, p, t);
    /* Not told to skip, the guarded list is the plain one. */
    fresh(r);
    const int pw = run_prog(r, guarded, 0, sc);
    fresh(r);
    const int tw = run_tree(r, root, UINT32_MAX, sc);
    note(ty, rule, data, "(guarded list, guard not skipped)", pw, tw);
    kc_arena_reset(&r->scratch);
}

static void list_agrees_with_tree(void **state)
{
    kc_test_ctx *f = *state;
    kc_ctx *ctx = f->ctx;
    /* Every document twice: as parsed, and laid out compact as the rule
     * sets read scenarios (member order and hints then differ in memory). */
    kc_doc *docs[2 * N(datas)];
    for (size_t d = 0; d < N(datas); d++) {
        docs[2 * d] = parse(ctx, datas[d], 0);
        docs[2 * d + 1] = parse(ctx, datas[d], KC_PARSE_COMPACT);
    }
    tally ty = {0};
    tally guard = {0};
    size_t built = 0;
    for (size_t e = 0; e < N(exprs); e++) {
        const prog_case *c = &exprs[e];
        char rule[1024];
        dq(rule, sizeof rule, c->rule);
        compiled cp;
        compile(ctx, c->rule, &cp);
        jl_prog prog = {NULL, NULL, 12345};
        assert_int_equal(kc_jl_prog_build(&cp.code, &cp.root, UINT32_MAX, &prog), KC_OK);
        if (prog.n != c->nsteps)
            fail_msg("%s: %u steps, expected %u", rule, (unsigned)prog.n, (unsigned)c->nsteps);
        if (c->nsteps == 0) {
            release(&cp);
            continue;
        }
        built++;
        assert_non_null(prog.steps);
        if (c->code >= 0 && prog.steps[0].code != c->code)
            fail_msg("%s: step code %u, expected %d", rule, (unsigned)prog.steps[0].code, c->code);

        /* A guarded list for each part of a top-level "and". */
        const int conj = cp.root.op == JL_AND;
        const uint32_t nparts = conj ? cp.root.nargs : 0;
        jl_prog guarded[4];
        assert_true(nparts <= N(guarded));
        for (uint32_t k = 0; k < nparts; k++) {
            assert_int_equal(kc_jl_prog_build(&cp.code, &cp.root, k, &guarded[k]), KC_OK);
            assert_int_equal(guarded[k].n, prog.n);
        }

        runner r;
        runner_init(&r, ctx, cp.nmemo);
        for (size_t d = 0; d < N(docs); d++) {
            const jl_scope sc = {kc_doc_root(docs[d]), NULL};
            char data[1024];
            dq(data, sizeof data, datas[d / 2]);
            compare_on(&r, &prog, &cp.root, rule, data, &sc, &ty);
            for (uint32_t k = 0; k < nparts; k++)
                compare_guarded(&r, &guarded[k], &cp.root, k, rule, data, &sc, &guard);
        }
        runner_free(&r);
        release(&cp);
    }
    for (size_t d = 0; d < N(docs); d++)
        kc_doc_free(docs[d]);

    print_message("%zu lists built; %zu runs: %zu false, %zu true, %zu handed to the tree\n",
                  built, ty.runs, ty.answered[0], ty.answered[1], ty.handed_back);
    print_message("guarded: %zu runs: %zu false, %zu true, %zu handed to the tree\n", guard.runs,
                  guard.answered[0], guard.answered[1], guard.handed_back);
    assert_true(built >= 40);
    /* The list must really decide, both ways, or the test proves nothing. */
    assert_true(ty.answered[0] > 100);
    assert_true(ty.answered[1] > 100);
    assert_true(guard.answered[0] > 0);
    assert_true(guard.answered[1] > 0);
    assert_int_equal(ty.tree_unstable + guard.tree_unstable, 0);
    assert_int_equal(ty.disagreements + guard.disagreements, 0);
}

/* ---- single cases with their answers written out ---- */

#define ALLOW_HAND_BACK 0x1u /* -1 */
#define ALLOW_FALSE 0x2u
#define ALLOW_TRUE 0x4u

typedef struct pinned {
    const char *rule, *data;
    int tree;        /* what kc_jl_test says */
    unsigned allow;  /* what the list may say (ALLOW_*) */
} pinned;

static void pinned_answers(void **state)
{
    kc_test_ctx *f = *state;
    static const pinned cases[] = {
        /* the tree raises: the list must not answer */
        {"{'<': [{'var': 's'}, 3]}", "{'s': 'abc'}", KC_TV_ERROR, ALLOW_HAND_BACK},
        {"{'==': [{'var': 'list'}, 'x']}", "{'list': ['x']}", KC_TV_ERROR, ALLOW_HAND_BACK},
        /* absent: unknown, the tree's to record as an open question */
        {"{'===': [{'var': 's'}, 'x']}", "{}", KC_TV_UNKNOWN, ALLOW_HAND_BACK},
        {"{'===': [{'var': 'a.s'}, 'x']}", "{'a': 5}", KC_TV_UNKNOWN, ALLOW_HAND_BACK},
        {"{'in': [{'var': 'a.s'}, {'var': 'b.list'}]}", "{'a': {'s': 1}}", KC_TV_UNKNOWN,
         ALLOW_HAND_BACK},
        /* an absent fact before a false part: false, and never true */
        {"{'and': [{'==': [{'var': 'gone.x'}, 1]}, {'===': [{'var': 's'}, 'nope']}]}",
         "{'s': 'x'}", KC_TV_FALSE, ALLOW_HAND_BACK | ALLOW_FALSE},
        /* the specialised steps decide */
        {"{'===': [{'var': 's'}, 'x']}", "{'s': 'x'}", KC_TV_TRUE, ALLOW_TRUE},
        {"{'===': [{'var': 's'}, 'x']}", "{'s': 3}", KC_TV_FALSE, ALLOW_FALSE},
        {"{'!==': [{'var': 's'}, 'x']}", "{'s': null}", KC_TV_TRUE, ALLOW_TRUE},
        {"{'===': ['x', {'var': 's'}]}", "{'s': 'y'}", KC_TV_FALSE, ALLOW_FALSE},
        {"{'===': [{'var': 't'}, true]}", "{'t': 1}", KC_TV_FALSE, ALLOW_FALSE},
        {"{'==': [{'var': 't'}, false]}", "{'t': false}", KC_TV_TRUE, ALLOW_TRUE},
        {"{'===': [{'var': 'n'}, 0]}", "{'n': -0}", KC_TV_TRUE, ALLOW_TRUE},
        {"{'===': [{'var': 'n'}, -0]}", "{'n': 0}", KC_TV_TRUE, ALLOW_TRUE},
        {"{'<': [{'var': 'n'}, 0]}", "{'n': -0}", KC_TV_FALSE, ALLOW_FALSE},
        {"{'<': [2, {'var': 'n'}]}", "{'n': 3}", KC_TV_TRUE, ALLOW_TRUE},
        {"{'<': [2, {'var': 'n'}]}", "{'n': 2}", KC_TV_FALSE, ALLOW_FALSE},
        {"{'>=': [2, {'var': 'n'}]}", "{'n': 2}", KC_TV_TRUE, ALLOW_TRUE},
        {"{'in': [{'var': 's'}, ['x', 'y']]}", "{'s': 'y'}", KC_TV_TRUE, ALLOW_TRUE},
        {"{'in': [{'var': 's'}, ['x', 3]]}", "{'s': '3'}", KC_TV_FALSE, ALLOW_FALSE},
        {"{'in': ['x', {'var': 'list'}]}", "{'list': ['y', 'x']}", KC_TV_TRUE, ALLOW_TRUE},
        {"{'===': [{'var': 'a.s'}, {'var': 'b.s'}]}", "{'a': {'s': 'q'}, 'b': {'s': 'q'}}",
         KC_TV_TRUE, ALLOW_TRUE},
        {"{'in': [{'var': 'a.s'}, {'var': 'b.list'}]}",
         "{'a': {'s': 'q'}, 'b': {'list': ['p', 'q']}}", KC_TV_TRUE, ALLOW_TRUE},
        {"{'<': [{'var': 'a.n'}, {'var': 'b.n'}]}", "{'a': {'n': 1}, 'b': {'n': 2}}",
         KC_TV_TRUE, ALLOW_TRUE},
        {"{'===': [{'var': 'list.0'}, 'x']}", "{'list': ['x']}", KC_TV_TRUE, ALLOW_TRUE},
        {"{'!': [{'===': [{'var': 's'}, 'x']}]}", "{'s': 'x'}", KC_TV_FALSE, ALLOW_FALSE},
        {"{'!!': [{'<': [{'var': 'n'}, 3]}]}", "{'n': 1}", KC_TV_TRUE, ALLOW_TRUE},
        /* coercions and substrings: the tree's answer, given by the leaf or
         * handed back */
        {"{'==': [{'var': 's'}, '3']}", "{'s': 3}", KC_TV_TRUE, ALLOW_HAND_BACK | ALLOW_TRUE},
        {"{'==': [{'var': 't'}, true]}", "{'t': 1}", KC_TV_TRUE, ALLOW_HAND_BACK | ALLOW_TRUE},
        {"{'in': [{'var': 's'}, 'hello x world']}", "{'s': 'lo x'}", KC_TV_TRUE,
         ALLOW_HAND_BACK | ALLOW_TRUE},
        {"{'in': ['ll', {'var': 'text'}]}", "{'text': 'hello'}", KC_TV_TRUE,
         ALLOW_HAND_BACK | ALLOW_TRUE},
        {"{'<': [{'var': 's'}, 'm']}", "{'s': 'abc'}", KC_TV_TRUE, ALLOW_HAND_BACK | ALLOW_TRUE},
        /* connectives */
        {"{'and': [{'===': [{'var': 's'}, 'x']},"
         " {'or': [{'<': [{'var': 'n'}, 3]}, {'in': [{'var': 'a.s'}, ['y', 3]]},"
         "         {'!': [{'==': [{'var': 't'}, true]}]}]},"
         " {'!': [{'===': [{'var': 'list.0'}, 'y']}]}]}",
         "{'s': 'x', 'n': 9, 't': true, 'a': {'s': 3}, 'list': ['x']}", KC_TV_TRUE, ALLOW_TRUE},
        {"{'and': [{'===': [{'var': 's'}, 'x']},"
         " {'or': [{'<': [{'var': 'n'}, 3]}, {'in': [{'var': 'a.s'}, ['y', 3]]},"
         "         {'!': [{'==': [{'var': 't'}, true]}]}]},"
         " {'!': [{'===': [{'var': 'list.0'}, 'y']}]}]}",
         "{'s': 'x', 'n': 9, 't': true, 'a': {'s': 4}, 'list': ['x']}", KC_TV_FALSE, ALLOW_FALSE},
        {"{'or': [{'===': [{'var': 's'}, 'x']}, {'<': [{'var': 'n'}, 3]}]}", "{'s': 'y', 'n': 1}",
         KC_TV_TRUE, ALLOW_TRUE},
        {"{'or': [{'===': [{'var': 's'}, 'x']}, {'<': [{'var': 'n'}, 3]}]}", "{'s': 'y', 'n': 4}",
         KC_TV_FALSE, ALLOW_FALSE},
        /* an absent fact in an "or" that another part settles: the tree says
         * true, the list may not know */
        {"{'or': [{'===': [{'var': 'gone'}, 'x']}, {'<': [{'var': 'n'}, 3]}]}", "{'n': 1}",
         KC_TV_TRUE, ALLOW_HAND_BACK | ALLOW_TRUE},
    };
    for (size_t i = 0; i < N(cases); i++) {
        const pinned *c = &cases[i];
        char rule[1024], data[1024];
        dq(rule, sizeof rule, c->rule);
        dq(data, sizeof data, c->data);
        compiled cp;
        compile(f->ctx, c->rule, &cp);
        kc_doc *doc = parse(f->ctx, c->data, 0);
        jl_prog prog;
        assert_int_equal(kc_jl_prog_build(&cp.code, &cp.root, UINT32_MAX, &prog), KC_OK);
        if (prog.n == 0)
            fail_msg("%s: no list built", rule);
        runner r;
        runner_init(&r, f->ctx, cp.nmemo);
        const jl_scope sc = {kc_doc_root(doc), NULL};
        fresh(&r);
        const int t = run_tree(&r, &cp.root, UINT32_MAX, &sc);
        fresh(&r);
        const int p = run_prog(&r, &prog, 0, &sc);
        if (t != c->tree)
            fail_msg("%s on %s: tree %s, expected %s", rule, data, tv_name(t), tv_name(c->tree));
        if (!(c->allow & (1u << (p + 1))))
            fail_msg("%s on %s: the list says %s (tree %s)", rule, data, tv_name(p), tv_name(t));
        runner_free(&r);
        kc_doc_free(doc);
        release(&cp);
    }
}

/* ---- building ---- */

/* A guard marks the step of its part when that part is a single leaf, and
 * nothing else: any other part is run whole even when it is known to hold. */
static void guard_marks_only_its_part(void **state)
{
    kc_test_ctx *f = *state;
    compiled cp;
    /* steps: 0 | 1 2 (the "or") | 3 (the "!") | 4 */
    compile(f->ctx,
            "{'and': [{'===': [{'var': 's'}, 'x']}, {'or': [{'<': [{'var': 'n'}, 3]},"
            " {'===': [{'var': 't'}, true]}]}, {'!': [{'in': [{'var': 's'}, ['y']]}]},"
            " {'>': [{'var': 'a.n'}, 1]}]}",
            &cp);
    jl_prog p;
    for (uint32_t k = 0; k <= 5; k++) {
        const uint32_t guard = k == 5 ? UINT32_MAX : k;
        assert_int_equal(kc_jl_prog_build(&cp.code, &cp.root, guard, &p), KC_OK);
        assert_int_equal(p.n, 5);
        unsigned guards = 0, at = 0;
        for (uint32_t i = 0; i < p.n; i++)
            if (p.steps[i].flags & JL_STEP_GUARD) {
                guards++;
                at = i;
            }
        if (k == 0 || k == 3) {
            assert_int_equal(guards, 1);
            assert_int_equal(at, k == 0 ? 0 : 4);
        } else if (k == 2) {
            /* a "!" of a leaf may or may not count as one; if it does, its step */
            assert_true(guards == 0 || (guards == 1 && at == 3));
        } else {
            assert_int_equal(guards, 0); /* an "or", no such part, or none asked */
        }
    }
    release(&cp);

    /* A single leaf is the whole condition, not a part: no guard. */
    compile(f->ctx, "{'===': [{'var': 's'}, 'x']}", &cp);
    assert_int_equal(kc_jl_prog_build(&cp.code, &cp.root, 0, &p), KC_OK);
    assert_int_equal(p.n, 1);
    assert_int_equal(p.steps[0].flags & JL_STEP_GUARD, 0);
    release(&cp);
}

/* Appends to a fixed buffer, failing the test rather than overrunning it. */
typedef struct text_buf {
    char *p;
    size_t len, cap;
} text_buf;

static void put(text_buf *b, const char *s)
{
    const size_t n = strlen(s);
    assert_true(b->len + n < b->cap);
    memcpy(b->p + b->len, s, n + 1);
    b->len += n;
}

/* Nesting deeper than the builder walks, and conditions longer than it
 * builds, stay with the tree; just inside both limits they build, and
 * agree with the tree. */
static void depth_and_length_limits(void **state)
{
    kc_test_ctx *f = *state;
    static char storage[1u << 20];
    struct {
        unsigned wrappers, leaves;
        int builds;
    } shapes[] = {
        {8, 1, 1}, {64, 1, 1}, {200, 1, 0}, {0, 4096, 1}, {0, 4097, 0}, {0, 20000, 0},
    };
    /* Two JSON levels a wrapper: past the default nesting limit. */
    assert_int_equal(kc_ctx_set_limit(f->ctx, KC_LIMIT_DEPTH, 1000), KC_OK);
    kc_doc *doc = parse(f->ctx, "{'n': 4095}", 0);
    const jl_scope sc = {kc_doc_root(doc), NULL};
    for (size_t i = 0; i < N(shapes); i++) {
        text_buf tb = {storage, 0, sizeof storage};
        storage[0] = '\0';
        for (unsigned w = 0; w < shapes[i].wrappers; w++)
            put(&tb, "{'!!': [");
        if (shapes[i].leaves > 1)
            put(&tb, "{'or': [");
        for (unsigned l = 0; l < shapes[i].leaves; l++) {
            char leaf[64];
            snprintf(leaf, sizeof leaf, "%s{'===': [{'var': 'n'}, %u]}", l ? ", " : "", l);
            put(&tb, leaf);
        }
        if (shapes[i].leaves > 1)
            put(&tb, "]}");
        for (unsigned w = 0; w < shapes[i].wrappers; w++)
            put(&tb, "]}");
        char *text = storage;
        const size_t len = tb.len;
        for (char *c = text; *c; c++)
            if (*c == '\'')
                *c = '"';
        kc_doc *rule = NULL;
        assert_int_equal(kc_doc_parse(f->ctx, text, len, NULL, &rule, NULL), KC_OK);
        kc_arena code;
        kc_arena_init(&code, f->ctx, 4096, 0);
        jl_node root;
        assert_int_equal(kc_jl_compile(f->ctx, &code, kc_doc_root(rule), rule, NULL, &root, NULL),
                         KC_OK);
        jl_node *roots[1] = {&root};
        uint32_t nmemo = 0;
        assert_int_equal(kc_jl_share(f->ctx, roots, 1, &nmemo), KC_OK);
        jl_prog p;
        assert_int_equal(kc_jl_prog_build(&code, &root, UINT32_MAX, &p), KC_OK);
        if (!shapes[i].builds) {
            if (p.n != 0)
                fail_msg("%u wrappers, %u leaves: %u steps built", shapes[i].wrappers,
                         shapes[i].leaves, (unsigned)p.n);
        } else {
            assert_int_equal(p.n, shapes[i].leaves);
            runner r;
            runner_init(&r, f->ctx, nmemo);
            fresh(&r);
            const int got = run_prog(&r, &p, 0, &sc);
            fresh(&r);
            const int want = run_tree(&r, &root, UINT32_MAX, &sc);
            if (got != want)
                fail_msg("%u wrappers, %u leaves: list %s, tree %s", shapes[i].wrappers,
                         shapes[i].leaves, tv_name(got), tv_name(want));
            runner_free(&r);
        }
        kc_arena_free(&code);
        kc_doc_free(rule);
    }
    kc_doc_free(doc);
}

/* Out of memory: KC_ENOMEM, no list, nothing held (the fixture checks
 * leaks), and the same arena builds it once memory is back. */
static void build_fails_cleanly_without_memory(void **state)
{
    kc_test_ctx *f = *state;
    compiled cp;
    compile(f->ctx,
            "{'and': [{'===': [{'var': 's'}, 'x']}, {'or': [{'<': [{'var': 'n'}, 3]},"
            " {'===': [{'var': 't'}, true]}]}]}",
            &cp);
    kc_arena arena;
    kc_arena_init(&arena, f->ctx, 256, 0);
    const size_t live = f->t.live;
    static const jl_step stale[1];
    static const jl_step_cold stale_cold[1];
    jl_prog p = {stale, stale_cold, 7}; /* stale contents, to see them cleared */
    f->t.fail_at = f->t.calls + 1;
    assert_int_equal(kc_jl_prog_build(&arena, &cp.root, 0, &p), KC_ENOMEM);
    f->t.fail_at = 0;
    assert_true(f->t.failures > 0);
    assert_int_equal(p.n, 0);
    assert_null(p.steps);
    assert_null(p.cold);
    assert_int_equal(f->t.live, live);

    /* Failing from then on, not just once: still clean. */
    f->t.fail_at = f->t.calls + 1;
    f->t.persistent = 1;
    p.n = 9;
    assert_int_equal(kc_jl_prog_build(&arena, &cp.root, UINT32_MAX, &p), KC_ENOMEM);
    f->t.persistent = 0;
    f->t.fail_at = 0;
    assert_int_equal(p.n, 0);
    assert_int_equal(f->t.live, live);

    assert_int_equal(kc_jl_prog_build(&arena, &cp.root, 0, &p), KC_OK);
    assert_int_equal(p.n, 3);
    kc_arena_free(&arena);
    release(&cp);
}

/* A shape that does not build allocates nothing. */
static void other_shapes_allocate_nothing(void **state)
{
    kc_test_ctx *f = *state;
    for (size_t e = 0; e < N(exprs); e++) {
        if (exprs[e].nsteps)
            continue;
        compiled cp;
        compile(f->ctx, exprs[e].rule, &cp);
        kc_arena arena;
        kc_arena_init(&arena, f->ctx, 256, 0);
        const size_t calls = f->t.calls;
        jl_prog p = {NULL, NULL, 5};
        assert_int_equal(kc_jl_prog_build(&arena, &cp.root, 0, &p), KC_OK);
        assert_int_equal(p.n, 0);
        assert_int_equal(f->t.calls, calls);
        kc_arena_free(&arena);
        release(&cp);
    }
}

#define T(name) cmocka_unit_test_setup_teardown(name, kc_test_ctx_setup, kc_test_ctx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(list_agrees_with_tree),
        T(pinned_answers),
        T(guard_marks_only_its_part),
        T(depth_and_length_limits),
        T(build_fails_cleanly_without_memory),
        T(other_shapes_allocate_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
