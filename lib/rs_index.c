/* rs_index.c - indexing rules by a discriminating condition.
 *
 * Many rules apply only when one fact has one of a few values: rules about a
 * jailer's gifts start with relationship.type === "jailer", rules about a
 * stated need start with request.needs in [...]. Such a guard is found at
 * build time; rules that share the fact form a group, and evaluation reads
 * the fact once per scenario and visits only the rules whose constant
 * matches. Only strict comparisons are used as guards, so a skipped rule is
 * exactly one whose condition is false. */
#include <string.h>

#include "mem.h"
#include "ruleset.h"

static int is_fact(const jl_node *n)
{
    return n->op == JL_VAR && !(n->flags & (JL_F_DYNPATH | JL_F_DEFAULT)) && n->u.path.nsegs > 0;
}

static int is_scalar(const kc_value *v)
{
    return v->type == KC_TYPE_STRING || v->type == KC_TYPE_NUMBER || v->type == KC_TYPE_BOOL ||
           v->type == KC_TYPE_NULL;
}

/* A guard of one node: the fact and its allowed constants. */
static int guard_of(const jl_node *n, const jl_node **fact, const kc_value **vals, uint32_t *nvals)
{
    if (n->nargs != 2 || (n->flags & JL_F_SPREAD))
        return 0;
    const jl_node *a = &n->args[0], *b = &n->args[1];
    if (n->op == JL_SEQ) {
        if (is_fact(b) && a->op == JL_CONST) {
            const jl_node *t = a;
            a = b;
            b = t;
        }
        if (is_fact(a) && b->op == JL_CONST && is_scalar(&b->u.k)) {
            *fact = a;
            *vals = &b->u.k;
            *nvals = 1;
            return 1;
        }
        return 0;
    }
    if (n->op == JL_IN && is_fact(a) && b->op == JL_CONST && b->u.k.type == KC_TYPE_ARRAY &&
        b->u.k.n > 0) {
        for (uint32_t i = 0; i < b->u.k.n; i++)
            if (!is_scalar(&b->u.k.u.items[i]))
                return 0;
        *fact = a;
        *vals = b->u.k.u.items;
        *nvals = b->u.k.n;
        return 1;
    }
    return 0;
}

/* A guard of n: n itself, or the first guard among the parts of an "and"
 * (and of an "and" inside it: {"and": [{"and": [guard, ...]}, ...]} needs
 * the guard as much as the flat form does). */
static int find_guard(const jl_node *n, unsigned depth, const jl_node **fact, const kc_value **vals,
                      uint32_t *nvals)
{
    if (guard_of(n, fact, vals, nvals))
        return 1;
    if (n->op != JL_AND || depth > 8)
        return 0;
    for (uint32_t i = 0; i < n->nargs; i++)
        if (find_guard(&n->args[i], depth + 1, fact, vals, nvals))
            return 1;
    return 0;
}

static int rule_guard(const rs_rule *r, const jl_node **fact, const kc_value **vals,
                      uint32_t *nvals)
{
    return find_guard(&r->when, 0, fact, vals, nvals);
}

static int same_value(const kc_value *a, const kc_value *b)
{
    return a->type == b->type && kc_equal(a, b);
}

kc_status kc_rs_index(kc_ruleset *rs, kc_arena *arena)
{
    const kc_ctx *ctx = rs->ctx;
    uint32_t n = rs->nrules;
    /* Per rule: its group (or UINT32_MAX) and its constants. */
    uint32_t *group = kc_mem_calloc(ctx, n ? n : 1, sizeof *group);
    const kc_value **vals = kc_mem_calloc(ctx, n ? n : 1, sizeof *vals);
    uint32_t *nvals = kc_mem_calloc(ctx, n ? n : 1, sizeof *nvals);
    const jl_node **facts = kc_mem_calloc(ctx, n ? n : 1, sizeof *facts); /* per group */
    kc_status st = KC_ENOMEM;
    if (!group || !vals || !nvals || !facts)
        goto done;
    uint32_t ngroups = 0, nplain = 0;
    for (uint32_t i = 0; i < n; i++) {
        const jl_node *fact;
        group[i] = UINT32_MAX;
        if (!rule_guard(&rs->rules[i], &fact, &vals[i], &nvals[i])) {
            nplain++;
            continue;
        }
        uint32_t g = 0;
        while (g < ngroups && strcmp(facts[g]->u.path.text, fact->u.path.text) != 0)
            g++;
        if (g == ngroups)
            facts[ngroups++] = fact;
        group[i] = g;
    }

    uint32_t *plain = kc_arena_array(arena, nplain ? nplain : 1, sizeof *plain);
    rs_group *groups = kc_arena_array(arena, ngroups ? ngroups : 1, sizeof *groups);
    if (!plain || !groups)
        goto done;
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        if (group[i] == UINT32_MAX)
            plain[k++] = i;

    for (uint32_t g = 0; g < ngroups; g++) {
        /* Distinct constants of the group, then each constant's rules. */
        uint32_t nall = 0, nref = 0;
        for (uint32_t i = 0; i < n; i++)
            if (group[i] == g) {
                nall++;
                nref += nvals[i];
            }
        kc_value *dv = kc_arena_array(arena, nref, sizeof *dv);
        uint32_t *count = kc_mem_calloc(ctx, nref, sizeof *count);
        uint32_t *all = kc_arena_array(arena, nall, sizeof *all);
        uint32_t *start = kc_arena_array(arena, nref + 1, sizeof *start);
        uint32_t *rules = kc_arena_array(arena, nref, sizeof *rules);
        if (!dv || !count || !all || !start || !rules) {
            kc_mem_free(ctx, count);
            goto done;
        }
        uint32_t nd = 0, na = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (group[i] != g)
                continue;
            all[na++] = i;
            for (uint32_t v = 0; v < nvals[i]; v++) {
                uint32_t d = 0;
                while (d < nd && !same_value(&dv[d], &vals[i][v]))
                    d++;
                if (d == nd)
                    dv[nd++] = vals[i][v];
                count[d]++;
            }
        }
        start[0] = 0;
        for (uint32_t d = 0; d < nd; d++)
            start[d + 1] = start[d] + count[d];
        memset(count, 0, nref * sizeof *count);
        for (uint32_t i = 0; i < n; i++) {
            if (group[i] != g)
                continue;
            for (uint32_t v = 0; v < nvals[i]; v++) {
                uint32_t d = 0;
                while (!same_value(&dv[d], &vals[i][v]))
                    d++;
                /* A rule listing a constant twice is visited once. */
                int dup = 0;
                for (uint32_t q = start[d]; q < start[d] + count[d]; q++)
                    dup |= rules[q] == i;
                if (!dup)
                    rules[start[d] + count[d]++] = i;
            }
        }
        /* Close the gaps left by duplicates. */
        uint32_t w = 0;
        for (uint32_t d = 0; d < nd; d++) {
            uint32_t from = start[d];
            start[d] = w;
            for (uint32_t q = 0; q < count[d]; q++)
                rules[w++] = rules[from + q];
        }
        start[nd] = w;
        kc_mem_free(ctx, count);
        groups[g].fact = facts[g];
        groups[g].nvalues = nd;
        groups[g].values = dv;
        groups[g].start = start;
        groups[g].rules = rules;
        groups[g].nall = nall;
        groups[g].all = all;
    }
    rs->plain = plain;
    rs->nplain = nplain;
    rs->groups = groups;
    rs->ngroups = ngroups;
    st = KC_OK;
done:
    kc_mem_free(ctx, group);
    kc_mem_free(ctx, (void *)vals);
    kc_mem_free(ctx, nvals);
    kc_mem_free(ctx, (void *)facts);
    return st;
}
