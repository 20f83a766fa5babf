/* rs_index.c - indexing rules by a discriminating condition.
 *
 * Many rules apply only when one fact has one of a few values: rules about a
 * jailer's gifts start with relationship.type === "jailer", rules about a
 * stated need start with request.needs in [...], rules about an allergen
 * need "nuts" in act.tags. Such a guard is found at build time; rules that
 * share the fact (and the kind of guard) form a group, and evaluation reads
 * the fact once per scenario and visits only the rules whose constants match
 * it. Only strict comparisons and array membership are used as guards, so a
 * skipped rule is exactly one whose condition is false. */
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

/* What a rule needs of one fact: that it equals one of vals (RS_GUARD_EQ),
 * or that it is an array holding one of them (RS_GUARD_CONTAINS). */
typedef struct guard {
    const jl_node *fact;
    unsigned kind;
    const kc_value *vals;
    uint32_t nvals;
} guard;

/* A guard of one node: {"===": [fact, C]}, {"in": [fact, [C...]]} or
 * {"in": [C, fact]}. */
static int guard_of(const jl_node *n, guard *g)
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
            *g = (guard){a, RS_GUARD_EQ, &b->u.k, 1};
            return 1;
        }
        return 0;
    }
    if (n->op != JL_IN)
        return 0;
    if (is_fact(a) && b->op == JL_CONST && b->u.k.type == KC_TYPE_ARRAY && b->u.k.n > 0) {
        for (uint32_t i = 0; i < b->u.k.n; i++)
            if (!is_scalar(&b->u.k.u.items[i]))
                return 0;
        *g = (guard){a, RS_GUARD_EQ, b->u.k.u.items, b->u.k.n};
        return 1;
    }
    if (is_fact(b) && a->op == JL_CONST && is_scalar(&a->u.k)) {
        *g = (guard){b, RS_GUARD_CONTAINS, &a->u.k, 1};
        return 1;
    }
    return 0;
}

/* A guard that only admits booleans halves the rules at best: any other
 * guard of the same rule is the better index. */
static int weak(const guard *g)
{
    for (uint32_t i = 0; i < g->nvals; i++)
        if (g->vals[i].type != KC_TYPE_BOOL)
            return 0;
    return 1;
}

/* A guard of n:
 *   - n itself;
 *   - for an "and", the best guard among its parts (nested "and" included):
 *     the rule needs every part;
 *   - for an "or", one guard on the same fact found in every part, with the
 *     union of their constants: the rule needs one of the parts.
 * Unions are made in arena. Returns 1 found, 0 none, -1 out of memory. */
static int find_guard(const jl_node *n, unsigned depth, kc_arena *arena, guard *g,
                      uint32_t *part)
{
    *part = RS_PART_NONE;
    if (guard_of(n, g)) {
        *part = RS_PART_WHOLE;
        return 1;
    }
    if (depth > 8 || n->nargs == 0)
        return 0;
    if (n->op == JL_AND) {
        int found = 0;
        for (uint32_t i = 0; i < n->nargs; i++) {
            guard c;
            uint32_t sub;
            int r = find_guard(&n->args[i], depth + 1, arena, &c, &sub);
            if (r < 0)
                return r;
            if (r && (!found || (weak(g) && !weak(&c)))) {
                *g = c;
                /* Only a part that is the guard itself is known to hold. */
                *part = sub == RS_PART_WHOLE ? i : RS_PART_NONE;
                found = 1;
            }
        }
        return found;
    }
    if (n->op != JL_OR)
        return 0;
    guard parts[8];
    uint32_t total = 0;
    if (n->nargs > sizeof parts / sizeof parts[0])
        return 0;
    for (uint32_t i = 0; i < n->nargs; i++) {
        uint32_t sub;
        int r = find_guard(&n->args[i], depth + 1, arena, &parts[i], &sub);
        if (r <= 0)
            return r;
        if (parts[i].kind != parts[0].kind ||
            strcmp(parts[i].fact->u.path.text, parts[0].fact->u.path.text) != 0)
            return 0;
        total += parts[i].nvals;
    }
    kc_value *u = kc_arena_array(arena, total, sizeof *u);
    if (!u)
        return -1;
    uint32_t k = 0;
    for (uint32_t i = 0; i < n->nargs; i++)
        for (uint32_t v = 0; v < parts[i].nvals; v++)
            u[k++] = parts[i].vals[v];
    *g = (guard){parts[0].fact, parts[0].kind, u, total};
    return 1; /* *part stays RS_PART_NONE: no one part is known to hold */
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
    unsigned *kinds = kc_mem_calloc(ctx, n ? n : 1, sizeof *kinds);      /* per group */
    uint32_t *part = kc_arena_array(arena, n ? n : 1, sizeof *part);
    kc_status st = KC_ENOMEM;
    if (!group || !vals || !nvals || !facts || !kinds || !part)
        goto done;
    uint32_t ngroups = 0, nplain = 0;
    for (uint32_t i = 0; i < n; i++) {
        guard gd = {NULL, 0, NULL, 0};
        group[i] = UINT32_MAX;
        int r = find_guard(&rs->rules[i].when, 0, arena, &gd, &part[i]);
        if (r < 0)
            goto done;
        if (r == 0) {
            nplain++;
            continue;
        }
        vals[i] = gd.vals;
        nvals[i] = gd.nvals;
        uint32_t g = 0;
        while (g < ngroups && (kinds[g] != gd.kind ||
                               strcmp(facts[g]->u.path.text, gd.fact->u.path.text) != 0))
            g++;
        if (g == ngroups) {
            kinds[ngroups] = gd.kind;
            facts[ngroups++] = gd.fact;
        }
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
        uint32_t size = 4;
        while (size < 2 * nd)
            size *= 2;
        uint32_t *slots = kc_arena_array(arena, size, sizeof *slots);
        if (!slots)
            goto done;
        memset(slots, 0, size * sizeof *slots);
        for (uint32_t d = 0; d < nd; d++) {
            uint32_t h = kc_scalar_hash(&dv[d]) & (size - 1);
            while (slots[h])
                h = (h + 1) & (size - 1);
            slots[h] = d + 1;
        }
        groups[g].boolean[0] = groups[g].boolean[1] = -1;
        for (uint32_t d = 0; d < nd; d++)
            if (dv[d].type == KC_TYPE_BOOL)
                groups[g].boolean[dv[d].u.boolean != 0] = (int32_t)d;
        groups[g].slots = slots;
        groups[g].mask = size - 1;
        groups[g].fact = facts[g];
        groups[g].kind = kinds[g];
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
    rs->guard_part = part;
    st = KC_OK;
done:
    kc_mem_free(ctx, group);
    kc_mem_free(ctx, (void *)vals);
    kc_mem_free(ctx, nvals);
    kc_mem_free(ctx, (void *)facts);
    kc_mem_free(ctx, kinds);
    return st;
}
