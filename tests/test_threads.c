/* test_threads.c - one rule set, many threads (docs/security.md, Thread
 * safety). Eight threads share one kc_ctx and the bundled kc_ruleset; each
 * has its own kc_result and judges its share of 100,000 generated scenarios
 * (parse, evaluate, render for a reader, serialise). Every result must be
 * byte-identical to a sequential run. CI runs this under ThreadSanitizer and,
 * with fewer scenarios, under helgrind.
 *
 * KINDCTX_THREADS_SCENARIOS sets the number of scenarios (default 100000),
 * KINDCTX_THREADS_COUNT the number of threads (default 8). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"

/* ---- a deterministic scenario generator ---- */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

typedef struct gen {
    uint64_t seed;
    char *buf;
    size_t len, cap;
} gen;

static void put(gen *g, const char *s)
{
    const size_t n = strlen(s);
    if (g->len + n + 1 > g->cap)
        return; /* cannot happen with the buffer size used; the parse would fail */
    memcpy(g->buf + g->len, s, n + 1);
    g->len += n;
}

static unsigned pick(gen *g, unsigned n)
{
    return (unsigned)(splitmix(&g->seed) % n);
}

/* 1 in `in` chance; fields are left out (unknown) this way. */
static int chance(gen *g, unsigned in)
{
    return pick(g, in) == 0;
}

static const char *const categories[] = {"gift", "practical_help", "advice", "self_help_resource",
                                         "emotional_support", "physical_contact", "contact",
                                         "money", "food", "treatment", "information", "time"};
static const char *const needs[] = {"food", "shelter", "money", "safety", "help_with_distress",
                                    "company", "space", "information", "practical_help",
                                    "celebration", "beauty", "comfort", "rest", "care",
                                    "recognition"};
static const char *const features[] = {"nuts", "pollen", "scented", "surprise", "public",
                                       "physical_contact", "unsolicited_advice", "mindfulness",
                                       "group", "homemade", "symbolic", "alcohol", "latex",
                                       "remote", "conditional", "monitoring"};
static const char *const types[] = {"friend", "partner", "family", "colleague", "manager",
                                    "clinician", "neighbour", "stranger", "stalker",
                                    "abusive_ex", "jailer", "carer", "volunteer", "other"};
static const char *const settings[] = {"home", "community", "workplace", "clinic", "hospital",
                                       "involuntary_care", "detention", "school", "online",
                                       "public"};
static const char *const stances[] = {"empathy", "sympathy", "neutral"};

#define N_(a) (sizeof a / sizeof a[0])

/* A list of distinct items from words (unique, as scenarios require). */
static void put_list(gen *g, const char *const *words, unsigned n, unsigned max)
{
    const unsigned k = pick(g, max + 1);
    const unsigned start = pick(g, n);
    const unsigned step = n % 3 == 0 ? 1 : 3; /* coprime with n: no repeats */
    put(g, "[");
    for (unsigned i = 0; i < k && i < n; i++) {
        put(g, i ? ",\"" : "\"");
        put(g, words[(start + i * step) % n]);
        put(g, "\"");
    }
    put(g, "]");
}

static void put_bool(gen *g, const char *key, int *first)
{
    if (chance(g, 4))
        return; /* unknown */
    put(g, *first ? "\"" : ",\"");
    put(g, key);
    put(g, chance(g, 2) ? "\":true" : "\":false");
    *first = 0;
}

static void put_num(gen *g, const char *key, int lo, int *first)
{
    if (chance(g, 4))
        return;
    char num[32];
    /* tenths from lo to 1 */
    const int tenths = lo * 10 + (int)pick(g, (unsigned)(11 - lo * 10));
    snprintf(num, sizeof num, "%.1f", tenths / 10.0);
    put(g, *first ? "\"" : ",\"");
    put(g, key);
    put(g, "\":");
    put(g, num);
    *first = 0;
}

static void put_enum(gen *g, const char *key, const char *const *words, unsigned n, int *first)
{
    if (chance(g, 4))
        return;
    put(g, *first ? "\"" : ",\"");
    put(g, key);
    put(g, "\":\"");
    put(g, words[pick(g, n)]);
    put(g, "\"");
    *first = 0;
}

static void put_tokens(gen *g, const char *key, const char *const *words, unsigned n,
                       int *first)
{
    if (chance(g, 3))
        return;
    put(g, *first ? "\"" : ",\"");
    put(g, key);
    put(g, "\":");
    put_list(g, words, n, 3);
    *first = 0;
}

/* Scenario i as JSON text into g->buf; every one is valid (docs/scenarios.md). */
static void generate(gen *g, size_t i)
{
    g->seed = 0x6b696e64637478u ^ (uint64_t)i * 0x100000001B3u;
    g->len = 0;
    g->buf[0] = '\0';
    char id[48];
    snprintf(id, sizeof id, "{\"id\":\"gen-%zu\"", i);
    put(g, id);
    int first;

    put(g, ",\"act\":{");
    first = 1;
    put_enum(g, "category", categories, N_(categories), &first);
    put_tokens(g, "features", features, N_(features), &first);
    put_tokens(g, "meets", needs, N_(needs), &first);
    put(g, "}");

    put(g, ",\"request\":{");
    first = 1;
    const int asked = (int)pick(g, 3); /* 0 false, 1 true, 2 unknown */
    if (asked < 2) {
        put(g, asked ? "\"asked\":true" : "\"asked\":false");
        first = 0;
        if (asked && !chance(g, 3)) /* explicit only where asked is not false */
            put(g, chance(g, 2) ? ",\"explicit\":true" : ",\"explicit\":false");
    }
    if (!chance(g, 3)) {
        put(g, first ? "\"needs\":" : ",\"needs\":");
        put_list(g, needs, N_(needs), 3);
        first = 0;
    }
    put_num(g, "urgency", 0, &first);
    put(g, "}");

    put(g, ",\"receiver\":{");
    first = 1;
    put_tokens(g, "allergies", features, 3, &first);
    put_tokens(g, "aversions", features, N_(features), &first);
    put_tokens(g, "likes", features, N_(features), &first);
    put(g, "}");

    put(g, ",\"relationship\":{");
    first = 1;
    put_enum(g, "type", types, N_(types), &first);
    put_bool(g, "wanted", &first);
    put_num(g, "trust", 0, &first);
    put_bool(g, "collaborative", &first);
    put_bool(g, "threatening", &first);
    put(g, "}");

    put(g, ",\"power\":{");
    first = 1;
    put_num(g, "differential", -1, &first);
    put_bool(g, "can_refuse", &first);
    put_bool(g, "controls_liberty_or_care", &first);
    put_enum(g, "setting", settings, N_(settings), &first);
    put_bool(g, "coercive_setting", &first);
    put(g, "}");

    put(g, ",\"history\":{");
    first = 1;
    const int harm = (int)pick(g, 3);
    if (harm < 2) {
        put(g, harm ? "\"prior_harm_by_giver\":true" : "\"prior_harm_by_giver\":false");
        first = 0;
        if (harm && !chance(g, 2))
            put(g, chance(g, 2) ? ",\"harm_acknowledged\":true" : ",\"harm_acknowledged\":false");
    }
    put_tokens(g, "bad_experiences", features, N_(features), &first);
    put(g, "}");

    put(g, ",\"process\":{");
    first = 1;
    put_bool(g, "asked_what_was_needed", &first);
    put_bool(g, "listened", &first);
    put_bool(g, "joint_decision", &first);
    put_bool(g, "tried_together", &first);
    put_bool(g, "handed_over_and_left", &first);
    put_bool(g, "follow_up", &first);
    put_enum(g, "stance", stances, N_(stances), &first);
    put_bool(g, "imposed", &first);
    put(g, "}");

    put(g, ",\"intent\":{");
    first = 1;
    put_bool(g, "benevolent", &first);
    put(g, "}}");
}

/* ---- judging ---- */

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3u;
    }
    return h;
}

/* Judges scenario i into res; returns a hash of everything the caller can
 * read (the JSON has verdict, scores, findings, questions, summary), or 0
 * with *why set when a step failed. */
static uint64_t judge(kc_ctx *ctx, const kc_ruleset *rs, kc_result *res, gen *g, size_t i,
                      const char **why)
{
    generate(g, i);
    kc_scenario *sc = NULL;
    kc_error err;
    if (kc_scenario_parse(ctx, g->buf, g->len, NULL, &sc, &err) != KC_OK) {
        *why = "scenario did not parse";
        return 0;
    }
    uint64_t h = 0;
    char *json = NULL;
    size_t len = 0;
    if (kc_evaluate(rs, kc_scenario_root(sc), res, &err) != KC_OK)
        *why = "evaluate failed";
    else if (kc_result_set_reader(res, (kc_reader)(i % 4)) != KC_OK)
        *why = "set_reader failed";
    else if (kc_result_to_json(res, 0, &json, &len) != KC_OK)
        *why = "to_json failed";
    else
        h = fnv1a(json, len) | 1u;
    kc_free(ctx, json);
    kc_scenario_free(sc);
    return h;
}

typedef struct shared {
    kc_ctx *ctx;
    const kc_ruleset *rs;
    const uint64_t *expected;
    size_t n, nthreads;
} shared;

typedef struct worker {
    const shared *sh;
    size_t index;
    size_t done, mismatches, first_mismatch;
    const char *why;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    const shared *sh = w->sh;
    kc_result *res = NULL;
    gen g = {0, malloc(8192), 0, 8192};
    if (!g.buf || kc_result_create(sh->ctx, &res) != KC_OK) {
        w->why = "setup failed";
        free(g.buf);
        return NULL;
    }
    /* Interleaved shares, so all threads run the same kinds of scenarios at
     * the same time. */
    for (size_t i = w->index; i < sh->n; i += sh->nthreads) {
        const char *why = NULL;
        const uint64_t h = judge(sh->ctx, sh->rs, res, &g, i, &why);
        if (h != sh->expected[i]) {
            if (w->mismatches++ == 0) {
                w->first_mismatch = i;
                w->why = why ? why : "result differs from the sequential run";
            }
        }
        w->done++;
    }
    kc_result_free(res);
    free(g.buf);
    return NULL;
}

static size_t env_size(const char *name, size_t def)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return def;
    char *end;
    const unsigned long long v = strtoull(s, &end, 10);
    return *end || v == 0 ? def : (size_t)v;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void threads_agree_with_a_sequential_run(void **state)
{
    (void)state;
    const size_t n = env_size("KINDCTX_THREADS_SCENARIOS", 100000);
    const size_t nthreads = env_size("KINDCTX_THREADS_COUNT", 8);
    assert_true(nthreads <= 64);
    kc_ctx *ctx = NULL;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    kc_ruleset *rs = NULL;
    kc_error err;
    assert_int_equal(kc_ruleset_load_default(ctx, &rs, &err), KC_OK);
    assert_true(kc_ruleset_rule_count(rs) >= 2);

    /* The sequential run, one result reused throughout. */
    uint64_t *expected = malloc(n * sizeof *expected);
    assert_non_null(expected);
    kc_result *res = NULL;
    assert_int_equal(kc_result_create(ctx, &res), KC_OK);
    gen g = {0, malloc(8192), 0, 8192};
    assert_non_null(g.buf);
    size_t questions = 0, verdicts[8] = {0};
    double t0 = now();
    for (size_t i = 0; i < n; i++) {
        const char *why = NULL;
        expected[i] = judge(ctx, rs, res, &g, i, &why);
        if (!expected[i])
            fail_msg("scenario %zu: %s\n%s", i, why, g.buf);
        questions += kc_result_question_count(res) > 0;
        for (size_t v = 0; v < kc_ruleset_verdict_count(rs) && v < 8; v++)
            if (strcmp(kc_result_verdict(res), kc_ruleset_verdict_id(rs, v)) == 0)
                verdicts[v]++;
    }
    const double sequential = now() - t0;
    kc_result_free(res);
    free(g.buf);
    /* The generator leaves facts out, so rules stay undecided and questions
     * appear; and it reaches more than one verdict. */
    assert_true(questions > n / 4);
    size_t reached = 0;
    for (size_t v = 0; v < 8; v++)
        reached += verdicts[v] > 0;
    assert_true(reached >= (n >= 1000 ? 2u : 1u));

    /* The same scenarios, shared out over the threads. */
    shared sh = {ctx, rs, expected, n, nthreads};
    worker w[64];
    pthread_t tid[64];
    memset(w, 0, sizeof w);
    t0 = now();
    for (size_t t = 0; t < nthreads; t++) {
        w[t].sh = &sh;
        w[t].index = t;
        assert_int_equal(pthread_create(&tid[t], NULL, work, &w[t]), 0);
    }
    for (size_t t = 0; t < nthreads; t++)
        assert_int_equal(pthread_join(tid[t], NULL), 0);
    const double parallel = now() - t0;
    size_t done = 0;
    for (size_t t = 0; t < nthreads; t++) {
        if (w[t].mismatches)
            fail_msg("thread %zu: %zu mismatches, first at scenario %zu: %s", t, w[t].mismatches,
                     w[t].first_mismatch, w[t].why);
        if (w[t].why)
            fail_msg("thread %zu: %s", t, w[t].why);
        done += w[t].done;
    }
    assert_int_equal(done, n);
    printf("%zu scenarios: sequential %.2f s; %zu threads %.2f s; %zu with open questions\n", n,
           sequential, nthreads, parallel, questions);
    free(expected);
    kc_ruleset_free(rs);
    kc_ctx_free(ctx);
}

/* Loading is thread-safe too: rule sets and scenarios parsed on several
 * threads at once (no global parser state, unlike cJSON's error pointer). */
typedef struct loader {
    kc_ctx *ctx;
    size_t ok;
} loader;

static void *load_many(void *arg)
{
    loader *l = arg;
    gen g = {0, malloc(8192), 0, 8192};
    if (!g.buf)
        return NULL;
    for (size_t i = 0; i < 20; i++) {
        kc_ruleset *rs = NULL;
        if (kc_ruleset_load_default(l->ctx, &rs, NULL) == KC_OK)
            l->ok++;
        kc_ruleset_free(rs);
        generate(&g, i);
        kc_scenario *sc = NULL;
        if (kc_scenario_parse(l->ctx, g.buf, g.len, NULL, &sc, NULL) == KC_OK)
            l->ok++;
        kc_scenario_free(sc);
        /* and a failing parse, which fills an error */
        kc_error err;
        if (kc_scenario_parse(l->ctx, "{\"id\":1}", 8, NULL, &sc, &err) == KC_ESCHEMA &&
            err.line == 1)
            l->ok++;
    }
    free(g.buf);
    return NULL;
}

static void concurrent_loads_are_independent(void **state)
{
    (void)state;
    kc_ctx *ctx = NULL;
    assert_int_equal(kc_ctx_create(&ctx, NULL), KC_OK);
    loader l[4];
    pthread_t tid[4];
    for (size_t t = 0; t < 4; t++) {
        l[t].ctx = ctx;
        l[t].ok = 0;
        assert_int_equal(pthread_create(&tid[t], NULL, load_many, &l[t]), 0);
    }
    for (size_t t = 0; t < 4; t++) {
        assert_int_equal(pthread_join(tid[t], NULL), 0);
        assert_int_equal(l[t].ok, 60);
    }
    kc_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(threads_agree_with_a_sequential_run),
        cmocka_unit_test(concurrent_loads_are_independent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
