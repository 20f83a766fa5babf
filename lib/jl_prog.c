/* jl_prog.c - conditions made of leaf tests, run as a flat list of steps
 * (see jl_prog.h). */
#include "jl_prog.h"

/* The leaf under n: n itself, or the one a "!" or "!!" wraps (*negate set
 * for "!"). NULL when n is not one. */
static const jl_node *leaf_of(const jl_node *n, int *negate)
{
    *negate = 0;
    if ((n->op == JL_NOT || n->op == JL_NOTNOT) && n->nargs == 1 && !(n->flags & JL_F_SPREAD)) {
        *negate = n->op == JL_NOT;
        n = &n->args[0];
    }
    return (n->aux & JL_AUX_LEAF) && n->op != JL_CUSTOM ? n : NULL;
}

/* The mirror of a comparison, for a constant written on the left. */
static unsigned mirrored(unsigned op)
{
    switch (op) {
    case JL_LT:
        return JL_GT;
    case JL_LE:
        return JL_GE;
    case JL_GT:
        return JL_LT;
    case JL_GE:
        return JL_LE;
    default:
        return op; /* the equalities are symmetric */
    }
}

/* The step for a leaf: specialised when it compares one variable with a
 * constant of a type the loop knows. */
static jl_step step_of(const jl_node *leaf, int negate)
{
    jl_step s = {JL_STEP_LEAF, (uint8_t)leaf->op, (uint8_t)(negate ? JL_STEP_NOT : 0), 0, 0,
                 leaf, NULL, NULL, NULL};
    const unsigned vars = leaf->aux & (JL_AUX_VAR0 | JL_AUX_VAR1);
    if (vars == (JL_AUX_VAR0 | JL_AUX_VAR1)) {
        if (leaf->args[0].memo && leaf->args[1].memo) {
            s.code = JL_STEP_FACTS;
            s.fact = &leaf->args[0];
            s.fact2 = &leaf->args[1];
        }
        return s;
    }
    if (vars != JL_AUX_VAR0 && vars != JL_AUX_VAR1)
        return s;
    const jl_node *var = vars == JL_AUX_VAR0 ? &leaf->args[0] : &leaf->args[1];
    const jl_node *con = vars == JL_AUX_VAR0 ? &leaf->args[1] : &leaf->args[0];
    if (!var->memo || con->op != JL_CONST)
        return s;
    const kc_value *k = &con->u.k;
    if (leaf->op == JL_IN) {
        if (vars == JL_AUX_VAR0 && k->type == KC_TYPE_ARRAY)
            s.code = JL_STEP_IN; /* a string constant is a substring test: the tree's */
        else if (vars == JL_AUX_VAR1)
            s.code = JL_STEP_CONTAINS;
    } else {
        const int equality = leaf->op >= JL_EQ && leaf->op <= JL_SNE;
        if (k->type == KC_TYPE_NUMBER)
            s.code = JL_STEP_NUM;
        else if (k->type == KC_TYPE_STRING && equality)
            s.code = JL_STEP_STR;
        else if (k->type == KC_TYPE_BOOL && equality)
            s.code = JL_STEP_BOOL;
        if (vars == JL_AUX_VAR1)
            s.op = (uint8_t)mirrored(leaf->op);
    }
    if (s.code != JL_STEP_LEAF) {
        s.fact = var;
        s.k = k;
    }
    return s;
}

kc_status kc_jl_prog_build(kc_arena *arena, const jl_node *n, uint32_t guard_part, jl_prog *out)
{
    out->steps = NULL;
    out->n = 0;
    const int conj = n->op == JL_AND && !(n->flags & JL_F_SPREAD);
    const uint32_t nparts = conj ? n->nargs : 1;
    if (nparts == 0)
        return KC_OK; /* an empty "and" is false: the tree says so */
    /* First pass: the shape, and how many steps. */
    uint32_t count = 0;
    for (uint32_t p = 0; p < nparts; p++) {
        const jl_node *part = conj ? &n->args[p] : n;
        int negate;
        if (leaf_of(part, &negate)) {
            count++;
            continue;
        }
        if (part->op != JL_OR || (part->flags & JL_F_SPREAD) || part->nargs == 0)
            return KC_OK;
        for (uint32_t i = 0; i < part->nargs; i++)
            if (!leaf_of(&part->args[i], &negate))
                return KC_OK;
        count += part->nargs;
    }
    jl_step *steps = kc_arena_array(arena, count, sizeof *steps);
    if (!steps)
        return KC_ENOMEM;
    uint32_t k = 0;
    for (uint32_t p = 0; p < nparts; p++) {
        const jl_node *part = conj ? &n->args[p] : n;
        int negate;
        const jl_node *leaf = leaf_of(part, &negate);
        if (leaf) {
            steps[k] = step_of(leaf, negate);
            if (conj && p == guard_part)
                steps[k].flags |= JL_STEP_GUARD;
            k++;
            continue;
        }
        const uint32_t end = k + part->nargs;
        for (uint32_t i = 0; i < part->nargs; i++) {
            leaf = leaf_of(&part->args[i], &negate);
            steps[k] = step_of(leaf, negate);
            steps[k].flags |= JL_STEP_ANY;
            steps[k].next = end;
            k++;
        }
    }
    out->steps = steps;
    out->n = count;
    return KC_OK;
}

/* A variable's value, read this run already or now; NULL when absent. */
static inline const kc_value *fact(jl_state *st, const jl_node *var, const jl_scope *sc)
{
    const jl_memo *m = &st->memo[var->memo];
    return m->gen == st->gen ? &m->v : kc_jl_fact(st, var, sc);
}

/* Two facts: equal strings or numbers (loose or strict alike), ordered
 * numbers, or the first in the second (an array); the tree does the rest. */
static int run_facts(jl_state *st, const jl_step *s, const jl_scope *sc)
{
    const kc_value *a = fact(st, s->fact, sc), *b = fact(st, s->fact2, sc);
    if (!a || !b)
        return -1;
    if (s->op == JL_IN)
        return b->type == KC_TYPE_ARRAY ? kc_array_has(b, a) : kc_jl_test_leaf(st, s->leaf, sc);
    if (a->type == KC_TYPE_NUMBER && b->type == KC_TYPE_NUMBER)
        return kc_jl_num_compare(s->op, a->u.num, b->u.num);
    if (a->type == KC_TYPE_STRING && b->type == KC_TYPE_STRING && s->op >= JL_EQ &&
        s->op <= JL_SNE) {
        const int eq = kc_str_equal(a, b);
        return (s->op == JL_EQ || s->op == JL_SEQ) ? eq : !eq;
    }
    return kc_jl_test_leaf(st, s->leaf, sc);
}

/* The truth of one step: 0 or 1, or -1 when the tree must decide. */
static inline int run_step(jl_state *st, const jl_step *s, const jl_scope *sc)
{
    if (s->code == JL_STEP_LEAF)
        return kc_jl_test_leaf(st, s->leaf, sc);
    if (s->code == JL_STEP_FACTS)
        return run_facts(st, s, sc);
    const kc_value *a = fact(st, s->fact, sc);
    if (!a)
        return -1; /* absent: the tree records it as an open question */
    const kc_value *k = s->k;
    const int strict = s->op == JL_SEQ || s->op == JL_SNE;
    int eq;
    switch (s->code) {
    case JL_STEP_STR:
        if (a->type == KC_TYPE_STRING)
            eq = kc_str_equal(a, k);
        else if (strict)
            eq = 0;
        else
            return kc_jl_test_leaf(st, s->leaf, sc); /* == coerces */
        return (s->op == JL_EQ || s->op == JL_SEQ) ? eq : !eq;
    case JL_STEP_BOOL:
        if (a->type == KC_TYPE_BOOL)
            eq = a->u.boolean == k->u.boolean;
        else if (strict)
            eq = 0;
        else
            return kc_jl_test_leaf(st, s->leaf, sc);
        return (s->op == JL_EQ || s->op == JL_SEQ) ? eq : !eq;
    case JL_STEP_NUM:
        if (a->type != KC_TYPE_NUMBER)
            return kc_jl_test_leaf(st, s->leaf, sc);
        return kc_jl_num_compare(s->op, a->u.num, k->u.num);
    case JL_STEP_IN:
        return kc_array_has(k, a);
    default: /* JL_STEP_CONTAINS */
        if (a->type != KC_TYPE_ARRAY)
            return kc_jl_test_leaf(st, s->leaf, sc); /* a string: substring */
        return kc_array_has(a, k);
    }
}

int kc_jl_prog_run(jl_state *st, const jl_prog *p, int skip_guard, const jl_scope *sc)
{
    if (sc->up)
        return -1;
    const jl_step *steps = p->steps;
    uint32_t i = 0;
    while (i < p->n) {
        const jl_step *s = &steps[i];
        if (!(s->flags & JL_STEP_ANY)) {
            i++;
            if (skip_guard && (s->flags & JL_STEP_GUARD))
                continue;
            const int t = run_step(st, s, sc);
            if (t < 0)
                return -1;
            if (!(t ^ (s->flags & JL_STEP_NOT)))
                return KC_TV_FALSE;
            continue;
        }
        /* A run of which one step must hold. */
        const uint32_t end = s->next;
        int held = 0;
        for (; i < end && !held; i++) {
            const int t = run_step(st, &steps[i], sc);
            if (t < 0)
                return -1;
            held = t ^ (steps[i].flags & JL_STEP_NOT);
        }
        if (!held)
            return KC_TV_FALSE;
        i = end;
    }
    return KC_TV_TRUE;
}
