/* evaluate.c - judging a scenario with a rule set.
 *
 * Every rule's condition runs in three-valued mode against the scenario:
 *   true    -> the rule fires: its weight goes to its dimension (and to the
 *              total when the dimension is scored); a veto caps the verdict;
 *   false   -> nothing;
 *   unknown -> the rule is undecided: the facts it read and could not find
 *              become open questions;
 *   raises  -> counted as not fired and reported as a problem of the rule.
 * The verdict is the worst of the band the total falls in and every veto.
 * Nothing here allocates once the result has grown to fit: arrays are kept
 * between evaluations and the arenas are reset, not freed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "error.h"
#include "mem.h"
#include "result.h"

kc_status kc_result_create(const kc_ctx *ctx, kc_result **out)
{
    if (!out)
        return KC_EINVAL;
    *out = NULL;
    if (!ctx)
        return KC_EINVAL;
    kc_result *res = kc_mem_alloc(ctx, sizeof *res);
    if (!res)
        return KC_ENOMEM;
    memset(res, 0, sizeof *res);
    res->ctx = ctx;
    kc_arena_init(&res->scratch, ctx, 8192, kc_ctx_limit(ctx, KC_LIMIT_EVAL_BYTES));
    kc_arena_init(&res->text, ctx, 4096, 0);
    kc_jl_state_init(&res->st, ctx, &res->scratch);
    res->st.tristate = 1;
    kc_buf_init(&res->buf, ctx);
    kc_buf_init(&res->sum, ctx);
    kc_buf_init(&res->json, ctx);
    *out = res;
    return KC_OK;
}

void kc_result_free(kc_result *res)
{
    if (!res)
        return;
    const kc_ctx *ctx = res->ctx;
    kc_jl_state_free(&res->st);
    kc_arena_free(&res->scratch);
    kc_arena_free(&res->text);
    kc_buf_free(&res->buf);
    kc_buf_free(&res->sum);
    kc_buf_free(&res->json);
    kc_mem_free(ctx, res->dims);
    kc_mem_free(ctx, res->seen);
    kc_mem_free(ctx, res->fired);
    kc_mem_free(ctx, res->undecided);
    kc_mem_free(ctx, (void *)res->missing);
    kc_mem_free(ctx, res->problems);
    kc_mem_free(ctx, res->questions);
    kc_mem_free(ctx, (void *)res->because);
    kc_mem_free(ctx, (void *)res->advice);
    kc_mem_free(ctx, (void *)res->trace);
    kc_result_free(res->probe);
    kc_mem_free(ctx, res);
}

const char *kc_res_strdup(kc_result *res, const char *s, size_t len)
{
    return kc_arena_strndup(&res->text, s, len);
}

/* Grows an array member; returns 0 or -1. */
#define GROW(res, arr, cap, need) \
    kc_mem_grow((res)->ctx, (void **)&(arr), &(cap), (need), sizeof *(arr))

static kc_status note_undecided(kc_result *res, uint32_t rule, size_t mark)
{
    const jl_state *st = &res->st;
    size_t count = st->nmissing - mark;
    if (GROW(res, res->undecided, res->cap_undecided, res->nundecided + 1) ||
        GROW(res, res->missing, res->cap_missing, res->nmissing + count))
        return KC_ENOMEM;
    res_undecided *u = &res->undecided[res->nundecided++];
    u->rule = rule;
    u->first = (uint32_t)res->nmissing;
    u->count = (uint32_t)count;
    memcpy((void *)(res->missing + res->nmissing), st->missing + mark, count * sizeof *res->missing);
    res->nmissing += count;
    return KC_OK;
}

static kc_status note_problem(kc_result *res, uint32_t rule)
{
    if (GROW(res, res->problems, res->cap_problems, res->nproblems + 1))
        return KC_ENOMEM;
    const kc_value *t = kc_obj_get(&res->st.thrown, "type", 4, res->st.h_type);
    const char *type = "error";
    size_t len = 5;
    if (t && t->type == KC_TYPE_STRING) {
        type = t->u.str;
        len = t->n;
    }
    const char *copy = kc_res_strdup(res, type, len);
    if (!copy)
        return KC_ENOMEM;
    res->problems[res->nproblems].rule = rule;
    res->problems[res->nproblems].type = copy;
    res->nproblems++;
    return KC_OK;
}

/* The fact an unknown read stands for, in plain dotted form. */
static const char *fact_of(const jl_node *n)
{
    if ((n->op == JL_VAR || n->op == JL_VAL) && !(n->flags & JL_F_DYNPATH) && n->u.path.text)
        return n->u.path.text;
    return "(a computed path)";
}

static int question_order(const void *pa, const void *pb)
{
    const res_question *a = pa, *b = pb;
    if ((a->could_be >= 0) != (b->could_be >= 0))
        return a->could_be >= 0 ? -1 : 1;
    if (a->shift != b->shift)
        return a->shift > b->shift ? -1 : 1;
    if (a->weight != b->weight)
        return a->weight > b->weight ? -1 : 1;
    if (a->rules != b->rules)
        return a->rules > b->rules ? -1 : 1;
    return strcmp(a->fact, b->fact);
}

/* The verdict reached if undecided rule u turned out to fire. */
static uint32_t verdict_if_fired(const kc_result *res, const rs_rule *r)
{
    double total = res->total + (res->rs->dims[r->dim].scored ? r->weight : 0);
    int32_t veto = res->worst_veto;
    if (r->veto > veto)
        veto = r->veto;
    return kc_rs_decide(res->rs, total, veto, NULL);
}

/* Open questions: each missing fact, the undecided rules that need it, and a
 * verdict answering it could lead to. */
static kc_status build_questions(kc_result *res)
{
    res->nquestions = 0;
    for (size_t u = 0; u < res->nundecided; u++) {
        const res_undecided *ud = &res->undecided[u];
        const rs_rule *r = &res->rs->rules[ud->rule];
        uint32_t alt = verdict_if_fired(res, r);
        for (uint32_t m = 0; m < ud->count; m++) {
            const char *fact = fact_of(res->missing[ud->first + m]);
            /* A rule may read the same fact twice: count it once per rule. */
            int seen = 0;
            for (uint32_t k = 0; k < m && !seen; k++)
                seen = strcmp(fact_of(res->missing[ud->first + k]), fact) == 0;
            if (seen)
                continue;
            res_question *q = NULL;
            for (size_t k = 0; k < res->nquestions && !q; k++)
                if (strcmp(res->questions[k].fact, fact) == 0)
                    q = &res->questions[k];
            if (!q) {
                if (GROW(res, res->questions, res->cap_questions, res->nquestions + 1))
                    return KC_ENOMEM;
                q = &res->questions[res->nquestions++];
                q->fact = fact;
                q->rules = 0;
                q->weight = 0;
                q->could_be = -1;
                q->shift = 0;
            }
            q->rules++;
            q->weight += fabs(r->weight);
            if (alt != res->verdict) {
                /* Keep the verdict furthest from the current one; the worse on a tie. */
                int32_t cur = q->could_be;
                long dnew = labs((long)alt - (long)res->verdict);
                long dcur = cur < 0 ? -1 : labs((long)cur - (long)res->verdict);
                if (dnew > dcur || (dnew == dcur && (int32_t)alt > cur)) {
                    q->could_be = (int32_t)alt;
                    q->shift = (uint32_t)dnew;
                }
            }
        }
    }
    if (res->nquestions > 1)
        qsort(res->questions, res->nquestions, sizeof *res->questions, question_order);
    return KC_OK;
}

static int by_rule_u(const void *a, const void *b)
{
    uint32_t x = ((const res_undecided *)a)->rule, y = ((const res_undecided *)b)->rule;
    return x < y ? -1 : x > y;
}

static int by_rule_p(const void *a, const void *b)
{
    uint32_t x = ((const res_problem *)a)->rule, y = ((const res_problem *)b)->rule;
    return x < y ? -1 : x > y;
}

/* Judges one rule: fired, not fired, undecided, or a problem. matched: the
 * rule is visited because its guard matched (rs_index.c), so the part of its
 * condition that is the guard holds and is not tested again. It runs for
 * every rule a scenario visits: inlined into its callers' loops, it saves its
 * entry and exit (about 20 instructions a call, 5% of an evaluation on the
 * benchmark). */
static KC_ALWAYS_INLINE kc_status eval_rule(kc_result *res, uint32_t i, const jl_scope *root,
                                         int matched)
{
    const kc_ruleset *rs = res->rs;
    const rs_rule *r = &rs->rules[i];
    size_t mark = res->st.nmissing;
    kc_status s = KC_OK;
    const uint32_t part = matched ? rs->guard_part[i] : RS_PART_NONE;
    int t = part == RS_PART_WHOLE ? KC_TV_TRUE
            : r->prog.n           ? kc_jl_prog_run(&res->st, &r->prog, matched, root)
                                  : -1;
    if (t < 0)
        t = kc_jl_test_except(&res->st, &r->when, part, root, &s);
    if (t == KC_TV_ERROR && s == KC_ETHROWN) {
        s = note_problem(res, i);
    } else if (t == KC_TV_UNKNOWN) {
        s = note_undecided(res, i, mark);
    } else if (t == KC_TV_TRUE) {
        if (res->nfired == res->cap_fired &&
            GROW(res, res->fired, res->cap_fired, res->nfired + 1)) {
            s = KC_ENOMEM;
        } else {
            res->fired[res->nfired].rule = i;
            res->fired[res->nfired].absw = fabs(r->weight);
            res->nfired++;
            res->dims[r->dim] += r->weight;
            if (rs->dims[r->dim].scored)
                res->total += r->weight;
            if (r->veto > res->worst_veto) {
                res->worst_veto = r->veto;
                res->veto_rule = (int32_t)i;
            }
        }
    }
    /* Reads of absent facts only matter for undecided rules. */
    res->st.nmissing = mark;
    return s;
}

/* The rules of a group guarded by membership ({"in": [C, fact]}): those of
 * every constant the array v holds, each once. A string searched with "in"
 * is a substring test, so every rule of the group is judged; any other
 * value holds nothing and every guard is false. */
static kc_status eval_contains(kc_result *res, const rs_group *grp, const kc_value *v,
                               const jl_scope *root)
{
    kc_status s = KC_OK;
    if (v->type == KC_TYPE_STRING) {
        for (uint32_t k = 0; k < grp->nall && s == KC_OK; k++)
            s = eval_rule(res, grp->all[k], root, 0);
        return s;
    }
    if (v->type != KC_TYPE_ARRAY)
        return KC_OK;
    if (++res->seen_gen == 0) {
        memset(res->seen, 0, res->rs->nrules * sizeof *res->seen);
        res->seen_gen = 1;
    }
    for (uint32_t i = 0; i < v->n && s == KC_OK; i++) {
        const int32_t d = kc_rs_group_find(grp, &v->u.items[i]);
        if (d < 0)
            continue;
        for (uint32_t k = grp->start[d]; k < grp->start[d + 1] && s == KC_OK; k++) {
            const uint32_t r = grp->rules[k];
            if (res->seen[r] != res->seen_gen) {
                res->seen[r] = res->seen_gen;
                s = eval_rule(res, r, root, 1);
            }
        }
    }
    return s;
}

static void reset(kc_result *res)
{
    kc_arena_reset(&res->scratch);
    kc_arena_reset(&res->text);
    res->st.nmissing = 0;
    res->evaluated = 0;
    res->total = 0;
    res->nfired = res->nundecided = res->nmissing = res->nproblems = res->nquestions = 0;
    res->fired_sorted = 0;
    res->worst_veto = -1;
    res->veto_rule = -1;
    res->summary = NULL;
    res->changes_done = 0;
    res->nchanges = 0;
    res->change_blocker = NULL;
}

kc_status kc_evaluate(const kc_ruleset *rs, const kc_value *scenario, kc_result *res,
                      kc_error *err)
{
    kc_error_init(err, "<evaluate>");
    if (!rs || !scenario || !res)
        return kc_error_set(err, KC_EINVAL, "kc_evaluate: NULL argument");
    kc_value_prefetch(scenario);
    reset(res);
    res->rs = rs;
    res->scenario = scenario;
    if (res->cap_dims < rs->ndims) {
        double *d = kc_mem_realloc(res->ctx, res->dims, rs->ndims * sizeof *d);
        if (!d)
            return kc_error_set(err, KC_ENOMEM, "out of memory while evaluating");
        res->dims = d;
        res->cap_dims = rs->ndims;
    }
    for (uint32_t i = 0; i < rs->ndims; i++)
        res->dims[i] = 0;
    if (res->cap_seen < rs->nrules) {
        uint32_t *seen = kc_mem_calloc(res->ctx, rs->nrules, sizeof *seen);
        if (!seen)
            return kc_error_set(err, KC_ENOMEM, "out of memory while evaluating");
        kc_mem_free(res->ctx, res->seen);
        res->seen = seen;
        res->cap_seen = rs->nrules;
        res->seen_gen = 0;
    }
    if (kc_jl_state_begin(&res->st, rs->nmemo))
        return kc_error_set(err, KC_ENOMEM, "out of memory while evaluating");

    kc_jl_resolve(&res->st, rs->facts, rs->nfacts, scenario);
    jl_scope root = {scenario, NULL};
    res->st.err = err;
    kc_status s = KC_OK;
    for (uint32_t i = 0; i < rs->nplain && s == KC_OK; i++)
        s = eval_rule(res, rs->plain[i], &root, 0);
    for (uint32_t g = 0; g < rs->ngroups && s == KC_OK; g++) {
        const rs_group *grp = &rs->groups[g];
        size_t mark = res->st.nmissing;
        kc_value v;
        /* Usually read up front already (kc_jl_resolve). */
        const kc_value *fv = kc_jl_slot_fact(&res->st, grp->fact->memo, grp->fact, &root);
        if (fv)
            v = *fv;
        else
            s = kc_jl_eval(&res->st, grp->fact, &root, &v);
        /* This read belongs to no rule; each rule reads it again. */
        res->st.nmissing = mark;
        if (s == KC_ETHROWN) {
            s = KC_OK; /* cannot happen for a plain fact; judge the rules one by one */
            v = kc_v_unknown();
        }
        if (s)
            break;
        if (v.type == KC_TYPE_UNKNOWN_) {
            /* The fact is missing: every rule of the group is undecided or
             * decided by its other parts; evaluate them all. */
            for (uint32_t k = 0; k < grp->nall && s == KC_OK; k++)
                s = eval_rule(res, grp->all[k], &root, 0);
            continue;
        }
        if (grp->kind == RS_GUARD_CONTAINS) {
            s = eval_contains(res, grp, &v, &root);
            continue;
        }
        const int32_t d = kc_rs_group_find(grp, &v);
        if (d < 0)
            continue;
        for (uint32_t k = grp->start[d], end = grp->start[d + 1]; k < end && s == KC_OK; k++)
            s = eval_rule(res, grp->rules[k], &root, 1);
    }
    /* Groups visit rules out of order; lists are reported in rule order. */
    if (res->nundecided > 1)
        qsort(res->undecided, res->nundecided, sizeof *res->undecided, by_rule_u);
    if (res->nproblems > 1)
        qsort(res->problems, res->nproblems, sizeof *res->problems, by_rule_p);
    res->st.err = NULL;
    if (s == KC_OK)
        res->verdict = kc_rs_decide(rs, res->total, res->worst_veto, &res->band);
    if (s == KC_OK)
        s = build_questions(res);
    if (s == KC_OK && res->nfired > res->cap_render) {
        /* Rendered texts, parallel to fired[]: grown together, kept. */
        size_t cap = res->nfired < 16 ? 16 : res->nfired * 2;
        const char **bec = kc_mem_realloc(res->ctx, (void *)res->because, cap * sizeof *bec);
        if (bec)
            res->because = bec;
        const char **adv = kc_mem_realloc(res->ctx, (void *)res->advice, cap * sizeof *adv);
        if (adv)
            res->advice = adv;
        const char **trc = kc_mem_realloc(res->ctx, (void *)res->trace, cap * sizeof *trc);
        if (trc)
            res->trace = trc;
        if (bec && adv && trc)
            res->cap_render = cap;
        else
            s = KC_ENOMEM;
    }
    if (s) {
        if (err && !err->message[0])
            kc_error_set(err, s, "%s while evaluating", kc_strerror(s));
        reset(res);
        return s;
    }
    for (size_t i = 0; i < res->nfired; i++)
        res->because[i] = res->advice[i] = res->trace[i] = NULL;
    res->evaluated = 1;
    return KC_OK;
}

/* ---- accessors ---- */

static int fired_order(const void *pa, const void *pb)
{
    const res_fired *a = pa, *b = pb;
    if (a->absw != b->absw)
        return a->absw > b->absw ? -1 : 1;
    return a->rule < b->rule ? -1 : (a->rule > b->rule);
}

void kc_res_sort_fired(kc_result *res)
{
    if (res->fired_sorted)
        return;
    if (res->nfired > 1)
        qsort(res->fired, res->nfired, sizeof *res->fired, fired_order);
    res->fired_sorted = 1;
}

const char *kc_result_verdict(const kc_result *res)
{
    return res && res->evaluated ? res->rs->verdicts[res->verdict].id : NULL;
}

const char *kc_result_verdict_label(const kc_result *res)
{
    return res && res->evaluated ? res->rs->verdicts[res->verdict].label : NULL;
}

double kc_result_score(const kc_result *res)
{
    return res && res->evaluated ? res->total : 0;
}

double kc_result_dimension_score(const kc_result *res, size_t i)
{
    return res && res->evaluated && i < res->rs->ndims ? res->dims[i] : 0;
}

size_t kc_result_fired_count(const kc_result *res)
{
    return res && res->evaluated ? res->nfired : 0;
}

kc_status kc_result_fired(kc_result *res, size_t i, kc_finding *out)
{
    if (!res || !out)
        return KC_EINVAL;
    if (!res->evaluated || i >= res->nfired)
        return KC_ENOTFOUND;
    kc_res_sort_fired(res);
    if (kc_res_render(res, i))
        return KC_ENOMEM;
    const rs_rule *r = &res->rs->rules[res->fired[i].rule];
    out->rule = r->id;
    out->dimension = res->rs->dims[r->dim].id;
    out->weight = r->weight;
    out->veto = r->veto >= 0 ? res->rs->verdicts[r->veto].id : NULL;
    out->because = res->because[i];
    out->advice = res->advice[i];
    return KC_OK;
}

size_t kc_result_undecided_count(const kc_result *res)
{
    return res && res->evaluated ? res->nundecided : 0;
}

const char *kc_result_undecided(const kc_result *res, size_t i)
{
    if (!res || !res->evaluated || i >= res->nundecided)
        return NULL;
    return res->rs->rules[res->undecided[i].rule].id;
}

size_t kc_result_question_count(const kc_result *res)
{
    return res && res->evaluated ? res->nquestions : 0;
}

kc_status kc_result_question(const kc_result *res, size_t i, kc_question *out)
{
    if (!res || !out)
        return KC_EINVAL;
    if (!res->evaluated || i >= res->nquestions)
        return KC_ENOTFOUND;
    const res_question *q = &res->questions[i];
    out->fact = q->fact;
    out->rules = q->rules;
    out->weight = q->weight;
    out->could_be = q->could_be >= 0 ? res->rs->verdicts[q->could_be].id : NULL;
    return KC_OK;
}
