/* jl.h - the JSON Logic engine: compiled form, compiler and evaluator.
 *
 * The engine knows nothing of kindness. A JSON Logic expression is compiled
 * once into a tree of jl_node (operators resolved, constants converted, paths
 * split and hashed) that lives in an arena and is never modified again, so any
 * number of threads may evaluate it at once, each with its own jl_state. */
#ifndef KC_JL_H
#define KC_JL_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "ctx.h"
#include "value.h"

typedef enum jl_op {
    JL_CONST = 0, /* u.k */
    JL_ARRAY,     /* array literal with computed elements */
    JL_VAR,       /* {"var": "a.b"} / {"var": ["a.b", default]} */
    JL_VAL,       /* {"val": ["a", "b"]} / {"val": [[up], "a"]} */
    JL_EXISTS,
    JL_MISSING,
    JL_MISSING_SOME,
    JL_COALESCE, /* ?? */
    JL_IF,       /* if, ?: */
    JL_AND,
    JL_OR,
    JL_NOT,
    JL_NOTNOT,
    JL_EQ,
    JL_NE,
    JL_SEQ,
    JL_SNE,
    JL_LT,
    JL_LE,
    JL_GT,
    JL_GE,
    JL_ADD,
    JL_SUB,
    JL_MUL,
    JL_DIV,
    JL_MOD,
    JL_MIN,
    JL_MAX,
    JL_CAT,
    JL_SUBSTR,
    JL_IN,
    JL_MERGE,
    JL_MAP,
    JL_FILTER,
    JL_REDUCE,
    JL_ALL,
    JL_SOME,
    JL_NONE,
    JL_THROW,
    JL_TRY,
    JL_CUSTOM,
    JL_OP_COUNT_
} jl_op;

/* The two-operand comparisons, ==, !=, ===, !==, <, <=, >, >= (adjacent above). */
static inline int kc_jl_is_comparison(unsigned op)
{
    return op >= JL_EQ && op <= JL_GE;
}

/* A two-operand comparison (kc_jl_is_comparison) of two numbers. */
static inline int kc_jl_num_compare(unsigned op, double x, double y)
{
    switch (op) {
    case JL_EQ:
    case JL_SEQ:
        return x == y;
    case JL_NE:
    case JL_SNE:
        return x != y;
    case JL_LT:
        return x < y;
    case JL_LE:
        return x <= y;
    case JL_GT:
        return x > y;
    default:
        return x >= y;
    }
}

/* One step of a variable path: an object key, or an array index when idx >= 0. */
typedef struct jl_seg {
    const char *key; /* NUL-terminated, in the expression's arena */
    uint32_t len;
    uint32_t hash;
    int64_t idx; /* the key read as a canonical array index, or -1 */
} jl_seg;

/* Node flags. */
#define JL_F_SPREAD 0x01u  /* args[0] is one expression whose array value gives the arguments */
#define JL_F_DYNPATH 0x02u /* var/val/exists path computed at run time from args */
#define JL_F_DEFAULT 0x04u /* var has a default: the last arg */

/* aux marks (operators other than JL_CUSTOM). */
#define JL_AUX_LEAF 0x01u /* a comparison or "in" of two operands, each a constant or a
                           * plain top-scope variable: kc_jl_test reads them in place */
#define JL_AUX_VAR0 0x02u /* with JL_AUX_LEAF: args[0] is the variable, else a constant */
#define JL_AUX_VAR1 0x04u /* with JL_AUX_LEAF: args[1] is the variable, else a constant */

typedef struct jl_node jl_node;

struct jl_node {
    uint8_t op;    /* jl_op */
    uint8_t flags; /* JL_F_* */
    uint16_t aux;  /* JL_CUSTOM: bit i set when an empty argument i decides the
                    * result; otherwise JL_AUX_* marks from kc_jl_share */
    uint32_t nargs;
    uint32_t memo;  /* shared subexpression: index into the memo table; 0 = none */
    uint32_t pmemo; /* var a.b.c: memo index of the object at a.b, shared by every
                     * path with that prefix; 0 = none */
    jl_node *args;  /* nargs children, contiguous */
    union {
        kc_value k; /* JL_CONST */
        struct {
            const jl_seg *segs;
            uint32_t nsegs;
            uint32_t up;      /* scopes to climb first (val's [[n], ...]) */
            const char *text; /* the path as written, for messages and questions */
        } path;
        struct {
            kc_op_fn fn;
            void *ud;
            const char *name;
        } custom;
    } u;
};

/* Compiles expr into *out; every allocation goes to arena. doc (may be NULL)
 * gives line:column for errors; path_prefix (may be NULL) is prepended to the
 * JSON Pointer of errors, e.g. "/rules/3/when". */
kc_status kc_jl_compile(const kc_ctx *ctx, kc_arena *arena, const kc_value *expr,
                        const kc_doc *doc, const char *path_prefix, jl_node *out,
                        kc_error *err);

/* Finds subexpressions that occur more than once at the top scope of the
 * given trees (across all of them: a rule set shares between rules) and gives
 * each group one memo index, so evaluation computes it once per run. Every
 * plain variable (fixed path, no default) at the top scope gets an index even
 * when read once, and comparisons of such variables and constants are marked
 * JL_AUX_LEAF: kc_jl_test reads them in place. Returns the number of indices
 * used (indices are 1..n). Dotted variables also get the index of their
 * parent object (pmemo), so "act.kind" and "act.tags" look "act" up once.
 * Custom operators are taken to be pure functions of their arguments. tmp
 * allocations use ctx; on KC_ENOMEM nothing is marked and *nmemo is 0. */
kc_status kc_jl_share(const kc_ctx *ctx, jl_node *const *roots, size_t nroots, uint32_t *nmemo);

/* A fact read up front, before any condition runs (kc_jl_resolve). Rule sets
 * read the same few dozen facts for every scenario; one tight pass over them
 * costs less than finding each on first use, and the scenario's memory is
 * read in one burst. An entry is a plain top-scope variable of one step, or
 * the object a two-step variable reads from, followed by the variables read
 * from it (nchildren). */
typedef struct jl_fact {
    uint32_t memo;      /* the slot it fills */
    uint32_t nchildren; /* an object: the next nchildren entries are read from it */
    const jl_seg *seg;  /* the step from the scope (or, for a child, from the object) */
} jl_fact;

/* At most this many variables are read up front: those the most conditions
 * read. */
#define KC_JL_FACTS_MAX 64u

/* The facts of the trees (after kc_jl_share) to read up front, into arena.
 * KC_ENOMEM when out of memory (scratch allocations use ctx). */
kc_status kc_jl_facts(const kc_ctx *ctx, kc_arena *arena, jl_node *const *roots, size_t nroots,
                      uint32_t nmemo, const jl_fact **out, uint32_t *n);

/* Name of an operator (for messages and rendering), e.g. "==". */
const char *kc_jl_op_name(const jl_node *n);

/* ---- evaluation ---- */

/* A lexical scope: the value `val`/`var` read from, and the one above it. */
typedef struct jl_scope {
    const kc_value *data;
    const struct jl_scope *up;
} jl_scope;

/* One evaluation's remembered value of a shared subexpression. */
typedef struct jl_memo {
    uint32_t gen;  /* v is valid when equal to the state's gen */
    uint32_t tgen; /* truth is valid when equal to the state's gen */
    int truth;     /* its truth value (KC_TV_FALSE or KC_TV_TRUE) */
    uint32_t hint; /* a variable's last segment: the member index it was found at
                    * last time, tried first (documents of one shape agree) */
    kc_value v;
} jl_memo;

/* Per-call evaluation state (the inside of a kc_eval). */
typedef struct jl_state {
    const kc_ctx *ctx;
    kc_arena *arena;  /* scratch for values made during evaluation */
    kc_value thrown;  /* valid after KC_ETHROWN */
    unsigned tristate; /* absent facts at the root read as unknown, not null */
    /* Variable nodes that read an absent fact (tristate only), in order. */
    const jl_node **missing;
    size_t nmissing, cap_missing;
    kc_error *err; /* may be NULL */
    uint32_t h_index, h_current, h_accumulator, h_type;
    /* memo[1..nmemo] for the program being run. Every node evaluated with
     * this state belongs to that program (kc_jl_state_begin sized the table
     * for it), so its memo indices are in range and are not checked again;
     * nodes compiled outside kc_jl_share have none. */
    jl_memo *memo;
    uint32_t cap_memo;
    uint32_t gen;
} jl_state;

void kc_jl_state_init(jl_state *st, const kc_ctx *ctx, kc_arena *arena);
void kc_jl_state_free(jl_state *st);

/* Readies st for one run of a program with nmemo shared subexpressions: the
 * memo table is sized (allocating only when it must grow) and invalidated.
 * Returns KC_OK or KC_ENOMEM. */
kc_status kc_jl_state_begin(jl_state *st, uint32_t nmemo);

/* Evaluates n in scope sc into *out. KC_ETHROWN leaves st->thrown set. */
kc_status kc_jl_eval(jl_state *st, const jl_node *n, const jl_scope *sc, kc_value *out);

/* For operators implemented inside the library: makes the call's result a new
 * array of n values (uninitialised) in the evaluation's memory and returns
 * it for the caller to fill; NULL when out of memory (or n is 0). */
kc_value *kc_jl_call_new_array(kc_call *call, size_t n);

/* Truth of n where only its truth matters (a rule's condition): no values are
 * built for and/or/!/comparisons. Returns KC_TV_FALSE, KC_TV_TRUE,
 * KC_TV_UNKNOWN, or KC_TV_ERROR with *status set (KC_ETHROWN: st->thrown). */
#define KC_TV_FALSE 0
#define KC_TV_TRUE 1
#define KC_TV_UNKNOWN 2
#define KC_TV_ERROR 3
int kc_jl_test(jl_state *st, const jl_node *n, const jl_scope *sc, kc_status *status);

/* A leaf test (JL_AUX_LEAF) at the top scope read in place: KC_TV_FALSE or
 * KC_TV_TRUE, or -1 when the general path must decide (kc_jl_test). */
int kc_jl_test_leaf(jl_state *st, const jl_node *n, const jl_scope *sc);

/* kc_jl_test of an "and" whose part args[part] is already known to hold:
 * only the other parts are tested. Any other n, or a part out of range
 * (UINT32_MAX: none is known), is tested whole. */
int kc_jl_test_except(jl_state *st, const jl_node *n, uint32_t part, const jl_scope *sc,
                      kc_status *status);

/* Reads the facts of kc_jl_facts from the top-scope object root into their
 * slots, after kc_jl_state_begin. A fact it does not find stays unread: the
 * first condition that needs it reads it the usual way (and records it as
 * missing). */
void kc_jl_resolve(jl_state *st, const jl_fact *facts, uint32_t n, const kc_value *root);

/* The value of a plain top-scope variable (or a constant) read in place, and
 * remembered for the rest of the run; NULL when n is anything else or the
 * fact is absent: kc_jl_eval then gives the answer. */
const kc_value *kc_jl_fact(jl_state *st, const jl_node *n, const jl_scope *sc);

/* kc_jl_fact of the plain variable var whose memo slot is slot, answered
 * from the slot without a call when this run has read it already (up front,
 * or by an earlier condition). */
static inline const kc_value *kc_jl_slot_fact(jl_state *st, uint32_t slot, const jl_node *var,
                                              const jl_scope *sc)
{
    const jl_memo *m = &st->memo[slot];
    return slot && m->gen == st->gen ? &m->v : kc_jl_fact(st, var, sc);
}

/* Deep-copies src into arena (strings, arrays, objects). */
kc_status kc_value_copy(kc_arena *arena, const kc_value *src, kc_value *dst);

#endif
