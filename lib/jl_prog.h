/* jl_prog.h - conditions made of leaf tests, run as a flat list of steps.
 *
 * Most conditions in a rule set combine a few comparisons between a fact and
 * a constant with "and", "or" and "!". Walking the tree for them spends more
 * on the walk than on the comparisons; such a condition is also compiled
 * into branch code: a list of steps, each one comparison specialised by the
 * constant's type, that says which step comes next when it holds and when it
 * does not, with "the condition holds" and "it does not" as the two ends. A
 * loop runs it with no recursion. The list only ever answers true or false:
 * whatever it cannot settle on its own (an absent fact, a comparison that
 * coerces or raises, a substring test) makes it give up, and the tree
 * answers instead. It visits the leaves in the order the tree does and stops
 * where the tree stops, so when it answers, the tree agrees. */
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
#define JL_STEP_GUARD 0x01u /* the part the rule index matched: taken as holding when told */

/* The two ends of a program, as jump targets. */
#define JL_PROG_TRUE 0xFFFFu
#define JL_PROG_FALSE 0xFFFEu
/* The longest program built; longer conditions stay with the tree. */
#define JL_PROG_MAX_STEPS 4096u

/* A step, as the loop reads it: everything the usual case needs, in 32
 * bytes and without a pointer into the tree, so a large rule set's steps
 * stay few cache lines. */
typedef struct jl_step {
    uint8_t code;      /* JL_STEP_* */
    uint8_t op;        /* the comparison (jl_op), the constant on the right */
    uint8_t flags;     /* JL_STEP_* flags */
    uint8_t spare;
    uint16_t on_true;  /* the next step when the leaf holds, or an end */
    uint16_t on_false; /* the next step when it does not */
    uint32_t memo;     /* the leaf's memo slot when conditions share it (its truth is
                        * remembered there), else 0 */
    uint32_t fact;     /* memo slot of its variable (the left one of JL_STEP_FACTS) */
    union {
        kc_value k;     /* its constant */
        uint32_t fact2; /* JL_STEP_FACTS: memo slot of the right variable */
    } u;
} jl_step;

/* What the rare paths of a step need, beside it (same index). */
typedef struct jl_step_cold {
    const jl_node *leaf;  /* the leaf test itself */
    const jl_node *fact;  /* its variable (NULL for JL_STEP_LEAF) */
    const jl_node *fact2; /* JL_STEP_FACTS: the right variable */
    uint64_t mask;        /* JL_STEP_IN: a bit per constant string, by hash */
} jl_step_cold;

typedef struct jl_prog {
    const jl_step *steps;
    const jl_step_cold *cold;
    uint32_t n; /* 0: the condition has another shape; use the tree */
} jl_prog;

/* Compiles n (after kc_jl_share, which marks the leaf tests) into *out in
 * arena when it is made of leaf tests joined by non-empty "and"s and "or"s
 * and by "!" and "!!". When n is an "and" whose part guard_part (UINT32_MAX:
 * none) is a single leaf, that step is flagged JL_STEP_GUARD. Any other
 * shape leaves out->n at 0. Returns KC_OK or KC_ENOMEM. */
kc_status kc_jl_prog_build(kc_arena *arena, const jl_node *n, uint32_t guard_part, jl_prog *out);

/* Runs p at the top scope sc: KC_TV_FALSE or KC_TV_TRUE, or -1 when the tree
 * must decide (kc_jl_test). skip_guard: steps flagged JL_STEP_GUARD are known
 * to hold and are not run. */
int kc_jl_prog_run(jl_state *st, const jl_prog *p, int skip_guard, const jl_scope *sc);

#endif
