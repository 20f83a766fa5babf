/* jl_prog.h - conditions made of leaf tests, run as a flat list of steps.
 *
 * Most conditions in a rule set are an "and" of a few comparisons between a
 * fact and a constant, now and then with an "or" of such comparisons or a
 * "!" around one. Walking the tree for them spends more on the walk than on
 * the comparisons; such a condition is also compiled into a list of steps,
 * each one comparison specialised by the constant's type, which a loop runs
 * with no recursion. The list only ever answers true or false: whatever it
 * cannot settle on its own (an absent fact, a comparison that coerces or
 * raises, a substring test) makes it give up, and the tree answers instead,
 * so both always agree. */
#ifndef KC_JL_PROG_H
#define KC_JL_PROG_H

#include <stdint.h>

#include "arena.h"
#include "jl.h"

/* What a step compares (the fact is a plain top-scope variable). */
enum {
    JL_STEP_LEAF = 0, /* any other leaf test: run as the tree runs it */
    JL_STEP_STR,      /* fact ==, ===, != or !== a constant string */
    JL_STEP_BOOL,     /* fact ==, ===, != or !== a constant boolean */
    JL_STEP_NUM,      /* fact against a constant number, any comparison */
    JL_STEP_IN,       /* fact in a constant array */
    JL_STEP_CONTAINS, /* constant in the fact (an array) */
    JL_STEP_FACTS     /* fact against fact: equal strings or numbers, or "in" an array */
};

/* Step flags. */
#define JL_STEP_NOT 0x01u   /* the truth is inverted (a "!" around the leaf) */
#define JL_STEP_GUARD 0x02u /* the part the rule index matched: skipped when told */
#define JL_STEP_ANY 0x04u   /* one of a run of steps of which one must hold (an "or") */

typedef struct jl_step {
    uint8_t code;  /* JL_STEP_* */
    uint8_t op;    /* the comparison (jl_op), the constant on the right */
    uint8_t flags; /* JL_STEP_* flags */
    uint8_t spare;
    uint32_t next;        /* JL_STEP_ANY: index of the first step after the run */
    const jl_node *leaf;  /* the leaf test itself */
    const jl_node *fact;  /* its variable, the left one of JL_STEP_FACTS (NULL for JL_STEP_LEAF) */
    const kc_value *k;    /* its constant (NULL for JL_STEP_LEAF and JL_STEP_FACTS) */
    const jl_node *fact2; /* JL_STEP_FACTS: the right variable */
} jl_step;

typedef struct jl_prog {
    const jl_step *steps;
    uint32_t n; /* 0: the condition has another shape; use the tree */
} jl_prog;

/* Compiles n (after kc_jl_share, which marks the leaf tests) into *out in
 * arena when it has a supported shape: a leaf, "!" of a leaf, or an "and" of
 * parts that are each one of those or an "or" of them. Part guard_part of
 * the "and" (UINT32_MAX: none) is flagged JL_STEP_GUARD when it is a single
 * leaf. Any other shape leaves out->n at 0. Returns KC_OK or KC_ENOMEM. */
kc_status kc_jl_prog_build(kc_arena *arena, const jl_node *n, uint32_t guard_part, jl_prog *out);

/* Runs p at the top scope sc: KC_TV_FALSE or KC_TV_TRUE, or -1 when the tree
 * must decide (kc_jl_test). skip_guard: steps flagged JL_STEP_GUARD are known
 * to hold and are not run. */
int kc_jl_prog_run(jl_state *st, const jl_prog *p, int skip_guard, const jl_scope *sc);

#endif
