/* jl_prog.c - conditions made of leaf tests, run as a flat list of steps
 * (see jl_prog.h). */
#include "jl_prog.h"

/* Whether n is a leaf test (kc_jl_share marks them). */
static int is_leaf(const jl_node *n)
{
    return (n->aux & JL_AUX_LEAF) && n->op != JL_CUSTOM;
}

/* The number of steps n compiles to, or 0 when it has another shape. */
static uint32_t size_of(const jl_node *n, unsigned depth)
{
    if (is_leaf(n))
        return 1;
    if (depth > 64 || (n->flags & JL_F_SPREAD) || n->nargs == 0)
        return 0;
    if (n->op == JL_NOT || n->op == JL_NOTNOT)
        return n->nargs == 1 ? size_of(&n->args[0], depth + 1) : 0;
    if (n->op != JL_AND && n->op != JL_OR)
        return 0;
    uint32_t total = 0;
    for (uint32_t i = 0; i < n->nargs; i++) {
        const uint32_t k = size_of(&n->args[i], depth + 1);
        if (k == 0 || total + k > JL_PROG_MAX_STEPS)
            return 0;
        total += k;
    }
    return total;
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

/* One bit per string of the array arr, by its 16-bit hash: a hashed string
 * whose bit is clear equals none of them. All bits when one has no hash. */
static uint64_t string_mask(const kc_value *arr)
{
    uint64_t mask = 0;
    for (uint32_t i = 0; i < arr->n; i++) {
        const kc_value *e = &arr->u.items[i];
        if (e->type != KC_TYPE_STRING)
            continue;
        if (!(e->flags & KC_VF_HASHED))
            return ~(uint64_t)0;
        mask |= (uint64_t)1 << (e->spare & 63u);
    }
    return mask;
}

/* The step for a leaf (and its cold part): specialised when it compares one
 * variable with a constant of a type the loop knows, or two variables. */
static void step_of(const jl_node *leaf, uint32_t on_true, uint32_t on_false, jl_step *s,
                    jl_step_cold *c)
{
    *s = (jl_step){JL_STEP_LEAF, (uint8_t)leaf->op, 0, 0, (uint16_t)on_true, (uint16_t)on_false,
                   leaf->memo, 0, {{0, 0, 0, 0, {0}}}};
    *c = (jl_step_cold){leaf, NULL, NULL, 0};
    const unsigned vars = leaf->aux & (JL_AUX_VAR0 | JL_AUX_VAR1);
    if (vars == (JL_AUX_VAR0 | JL_AUX_VAR1)) {
        if (leaf->args[0].memo && leaf->args[1].memo) {
            s->code = JL_STEP_FACTS;
            s->fact = leaf->args[0].memo;
            s->u.fact2 = leaf->args[1].memo;
            c->fact = &leaf->args[0];
            c->fact2 = &leaf->args[1];
        }
        return;
    }
    if (vars != JL_AUX_VAR0 && vars != JL_AUX_VAR1)
        return;
    const jl_node *var = vars == JL_AUX_VAR0 ? &leaf->args[0] : &leaf->args[1];
    const jl_node *con = vars == JL_AUX_VAR0 ? &leaf->args[1] : &leaf->args[0];
    if (!var->memo || con->op != JL_CONST)
        return;
    const kc_value *k = &con->u.k;
    if (leaf->op == JL_IN) {
        if (vars == JL_AUX_VAR0 && k->type == KC_TYPE_ARRAY) {
            s->code = JL_STEP_IN; /* a string constant is a substring test: the tree's */
            c->mask = string_mask(k);
        } else if (vars == JL_AUX_VAR1) {
            s->code = JL_STEP_CONTAINS;
        }
    } else {
        const int equality = leaf->op >= JL_EQ && leaf->op <= JL_SNE;
        if (k->type == KC_TYPE_NUMBER)
            s->code = JL_STEP_NUM;
        else if (k->type == KC_TYPE_STRING && equality)
            s->code = JL_STEP_STR;
        else if (k->type == KC_TYPE_BOOL && equality)
            s->code = JL_STEP_BOOL;
        if (vars == JL_AUX_VAR1)
            s->op = (uint8_t)mirrored(leaf->op);
    }
    if (s->code != JL_STEP_LEAF) {
        s->fact = var->memo;
        s->u.k = *k;
        c->fact = var;
    }
}

/* Emits the steps of n (size_of(n) of them) from steps[at]: when n holds,
 * control goes to t, when it does not, to f. The parts of an "and" pass
 * control on to the next part when they hold, those of an "or" when they do
 * not; "!" swaps the two targets. */
static void emit(jl_step *steps, jl_step_cold *cold, const jl_node *n, uint32_t at, uint32_t t,
                 uint32_t f)
{
    if (is_leaf(n)) {
        step_of(n, t, f, &steps[at], &cold[at]);
        return;
    }
    if (n->op == JL_NOT || n->op == JL_NOTNOT) {
        emit(steps, cold, &n->args[0], at, n->op == JL_NOT ? f : t, n->op == JL_NOT ? t : f);
        return;
    }
    const int conj = n->op == JL_AND;
    for (uint32_t i = 0; i < n->nargs; i++) {
        const uint32_t next = at + size_of(&n->args[i], 0);
        const int last = i + 1 == n->nargs;
        emit(steps, cold, &n->args[i], at, conj && !last ? next : t, !conj && !last ? next : f);
        at = next;
    }
}

kc_status kc_jl_prog_build(kc_arena *arena, const jl_node *n, uint32_t guard_part, jl_prog *out)
{
    out->steps = NULL;
    out->cold = NULL;
    out->n = 0;
    const uint32_t count = size_of(n, 0);
    if (count == 0)
        return KC_OK;
    jl_step *steps = kc_arena_array(arena, count, sizeof *steps);
    jl_step_cold *cold = steps ? kc_arena_array(arena, count, sizeof *cold) : NULL;
    if (!cold)
        return KC_ENOMEM;
    emit(steps, cold, n, 0, JL_PROG_TRUE, JL_PROG_FALSE);
    if (n->op == JL_AND && guard_part < n->nargs && is_leaf(&n->args[guard_part])) {
        uint32_t at = 0;
        for (uint32_t i = 0; i < guard_part; i++)
            at += size_of(&n->args[i], 0);
        steps[at].flags |= JL_STEP_GUARD;
    }
    out->steps = steps;
    out->cold = cold;
    out->n = count;
    return KC_OK;
}

/* Two facts: equal strings or numbers (loose or strict alike), ordered
 * numbers, or the first in the second (an array); the tree does the rest. */
static int run_facts(jl_state *st, const jl_step *s, const jl_step_cold *c, const jl_scope *sc)
{
    const kc_value *a = kc_jl_slot_fact(st, s->fact, c->fact, sc);
    const kc_value *b = kc_jl_slot_fact(st, s->u.fact2, c->fact2, sc);
    if (!a || !b)
        return -1;
    if (s->op == JL_IN)
        return b->type == KC_TYPE_ARRAY ? kc_array_has(b, a) : kc_jl_test_leaf(st, c->leaf, sc);
    if (a->type == KC_TYPE_NUMBER && b->type == KC_TYPE_NUMBER)
        return kc_jl_num_compare(s->op, a->u.num, b->u.num);
    if (a->type == KC_TYPE_STRING && b->type == KC_TYPE_STRING && s->op >= JL_EQ &&
        s->op <= JL_SNE) {
        const int eq = kc_str_equal(a, b);
        return (s->op == JL_EQ || s->op == JL_SEQ) ? eq : !eq;
    }
    return kc_jl_test_leaf(st, c->leaf, sc);
}

/* Whether the array arr holds the string k (hashed): elements that are not
 * strings, or whose length or hash differ, are passed over without a call. */
static inline int has_string(const kc_value *arr, const kc_value *k)
{
    for (uint32_t i = 0; i < arr->n; i++) {
        const kc_value *e = &arr->u.items[i];
        if (e->type == KC_TYPE_STRING && e->n == k->n &&
            (!(e->flags & KC_VF_HASHED) || e->spare == k->spare) &&
            kc_bytes_equal(e->u.str, k->u.str, k->n))
            return 1;
    }
    return 0;
}

/* The truth of one step: 0 or 1, or -1 when the tree must decide. */
static inline int run_step(jl_state *st, const jl_step *s, const jl_step_cold *c,
                           const jl_scope *sc)
{
    if (s->code == JL_STEP_LEAF)
        return kc_jl_test_leaf(st, c->leaf, sc);
    if (s->code == JL_STEP_FACTS)
        return run_facts(st, s, c, sc);
    const kc_value *a = kc_jl_slot_fact(st, s->fact, c->fact, sc);
    if (!a)
        return -1; /* absent: the tree records it as an open question */
    const kc_value *k = &s->u.k;
    const int strict = s->op == JL_SEQ || s->op == JL_SNE;
    int eq;
    switch (s->code) {
    case JL_STEP_STR:
        if (a->type == KC_TYPE_STRING)
            eq = kc_str_equal(a, k);
        else if (strict)
            eq = 0;
        else
            return kc_jl_test_leaf(st, c->leaf, sc); /* == coerces */
        return (s->op == JL_EQ || s->op == JL_SEQ) ? eq : !eq;
    case JL_STEP_BOOL:
        if (a->type == KC_TYPE_BOOL)
            eq = a->u.boolean == k->u.boolean;
        else if (strict)
            eq = 0;
        else
            return kc_jl_test_leaf(st, c->leaf, sc);
        return (s->op == JL_EQ || s->op == JL_SEQ) ? eq : !eq;
    case JL_STEP_NUM:
        if (a->type != KC_TYPE_NUMBER)
            return kc_jl_test_leaf(st, c->leaf, sc);
        return kc_jl_num_compare(s->op, a->u.num, k->u.num);
    case JL_STEP_IN:
        if (a->type == KC_TYPE_STRING && (a->flags & KC_VF_HASHED) &&
            !((c->mask >> (a->spare & 63u)) & 1u))
            return 0; /* no constant string has its hash */
        return kc_array_has(k, a);
    default: /* JL_STEP_CONTAINS */
        if (a->type != KC_TYPE_ARRAY)
            return kc_jl_test_leaf(st, c->leaf, sc); /* a string: substring */
        if (k->type == KC_TYPE_STRING && (k->flags & KC_VF_HASHED))
            return has_string(a, k);
        return kc_array_has(a, k);
    }
}

int kc_jl_prog_run(jl_state *st, const jl_prog *p, int skip_guard, const jl_scope *sc)
{
    if (sc->up || p->n == 0)
        return -1;
    const jl_step *steps = p->steps;
    uint32_t i = 0;
    for (;;) {
        const jl_step *s = &steps[i];
        int t = 1;
        if (!skip_guard || !(s->flags & JL_STEP_GUARD)) {
            /* A leaf several conditions share is decided once per run, as
             * the tree decides it (its truth lives in its memo slot). */
            jl_memo *m = &st->memo[s->memo];
            if (s->memo && m->tgen == st->gen) {
                t = m->truth;
            } else {
                t = run_step(st, s, &p->cold[i], sc);
                if (t < 0)
                    return -1;
                if (s->memo) {
                    m->tgen = st->gen;
                    m->truth = t;
                }
            }
        }
        i = t ? s->on_true : s->on_false;
        if (i >= JL_PROG_FALSE)
            return i == JL_PROG_TRUE ? KC_TV_TRUE : KC_TV_FALSE;
    }
}
