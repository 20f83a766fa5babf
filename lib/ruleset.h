/* ruleset.h - the compiled, immutable rule set.
 *
 * Built by rs_builder.c from one or more rule-set documents; everything it
 * points to lives in its arena. Nothing here changes after the build, which
 * is what lets any number of threads evaluate with one rule set. */
#ifndef KC_RULESET_H
#define KC_RULESET_H

#include <stdint.h>

#include "arena.h"
#include "jl.h"
#include "jl_prog.h"
#include "template.h"

typedef struct rs_dim {
    const char *id;
    const char *label;
    int scored; /* adds to the total; unscored dimensions are separate readings */
} rs_dim;

typedef struct rs_verdict {
    const char *id;
    const char *label;
} rs_verdict;

/* Bands, best first: the first whose min the total reaches. */
typedef struct rs_band {
    uint32_t verdict; /* index into verdicts */
    int has_min;      /* the last band has none */
    double min;
} rs_band;

/* A fact the giver controls (for counterfactual advice). */
typedef struct rs_control {
    const char *fact;  /* dotted path */
    const jl_seg *segs;
    uint32_t nsegs;
    const char *label; /* what the giver would do, in plain words */
    kc_value value;    /* the value the giver could choose */
    const char *from;  /* or: a fact whose value to copy ("request.needs"), or NULL */
    const jl_seg *from_segs;
    uint32_t nfrom;
    int withdraw;      /* the change is not to act at all */
    int has_when;
    jl_node when;      /* the control applies only where this holds */
} rs_control;

typedef struct rs_rule {
    /* What judging the rule reads, first: one cache line per rule visited. */
    const char *id;
    uint32_t dim;   /* index into dims */
    int32_t veto;   /* index into verdicts, or -1 */
    double weight;
    jl_prog prog;   /* the condition as a flat list of steps, when it has that shape */
    jl_node when;   /* compiled condition */
    kc_value when_json; /* the condition as written */
    kc_tmpl because;
    kc_tmpl advice; /* nparts == 0 and text == NULL when absent */
    /* Per-reader wording (index kc_reader; [0] unused): text == NULL when
     * the rule has none for that reader. */
    kc_tmpl because_for[4];
    kc_tmpl advice_for[4];
    const char *source;
    const char *file;
    unsigned line, col;
} rs_rule;

/* Rules whose condition requires one fact to equal one of a few constants
 * ({"===": [{"var": P}, C]} or {"in": [{"var": P}, [C1, C2]]}: RS_GUARD_EQ)
 * or to be an array holding one ({"in": [C, {"var": P}]}: RS_GUARD_CONTAINS),
 * alone, as a part of an "and", or in every part of an "or"; grouped by that
 * fact and kind: evaluation reads the fact once and visits only the rules
 * whose constants match it. */
#define RS_GUARD_EQ 0u
#define RS_GUARD_CONTAINS 1u
/* Where a rule's guard sits in its condition (kc_ruleset.guard_part): a rule
 * visited because its guard matched need not test that part again. */
#define RS_PART_NONE UINT32_MAX         /* unknown or nested: test everything */
#define RS_PART_WHOLE (UINT32_MAX - 1u) /* the guard is the whole condition */
typedef struct rs_group {
    const jl_node *fact;    /* the var node of P */
    unsigned kind;          /* RS_GUARD_* */
    uint32_t nvalues;
    const kc_value *values; /* distinct constants */
    const uint32_t *slots;  /* open addressing by kc_scalar_hash: k + 1, 0 empty */
    uint32_t mask;          /* slots has mask + 1 entries, at least twice nvalues */
    int32_t boolean[2];     /* the index k of false and of true, or -1: booleans, the
                             * most common guard constants, are found without hashing */
    const uint32_t *start;  /* rules of values[k]: rules[start[k] .. start[k+1]) */
    const uint32_t *rules;  /* rule indices, by value */
    uint32_t nall;
    const uint32_t *all;    /* every rule of the group, in rule order */
} rs_group;

struct kc_ruleset {
    const kc_ctx *ctx;
    kc_arena arena;
    const char *name;
    const char *version;
    const rs_dim *dims;
    uint32_t ndims;
    const rs_verdict *verdicts;
    uint32_t nverdicts;
    const rs_band *bands;
    uint32_t nbands;
    const rs_control *controls;
    uint32_t ncontrols;
    const rs_rule *rules;
    uint32_t nrules;
    uint32_t nmemo; /* shared subexpressions across all rules (jl_share.c) */
    const jl_fact *facts; /* read up front by every evaluation (kc_jl_facts) */
    uint32_t nfacts;
    int32_t intent_dim; /* the "intent" dimension, or -1 */
    const uint32_t *plain; /* rules without a guard, in rule order */
    uint32_t nplain;
    const rs_group *groups;
    uint32_t ngroups;
    /* Per rule: RS_PART_* or the index of the part of its top-level "and"
     * that is its guard. */
    const uint32_t *guard_part;
};

/* Builds the guard index (rs_index.c) into rs's arena. */
kc_status kc_rs_index(kc_ruleset *rs, kc_arena *arena);

/* The index k of the constant of g equal to v (kc_same), or -1. */
static inline int32_t kc_rs_group_find(const rs_group *g, const kc_value *v)
{
    if (v->type == KC_TYPE_BOOL)
        return g->boolean[v->u.boolean != 0];
    uint32_t h = kc_scalar_hash(v) & g->mask;
    for (uint32_t s; (s = g->slots[h]) != 0; h = (h + 1) & g->mask)
        if (kc_same(&g->values[s - 1], v))
            return (int32_t)(s - 1);
    return -1;
}

/* Index of the dimension/verdict with this id, or -1. */
int32_t kc_rs_find_dim(const kc_ruleset *rs, const char *id);
int32_t kc_rs_find_verdict(const kc_ruleset *rs, const char *id);

/* The verdict (index) a total and a worst veto (-1: none) lead to; *band gets
 * the band index. */
uint32_t kc_rs_decide(const kc_ruleset *rs, double total, int32_t worst_veto, uint32_t *band);

/* The bundled rule set's text, generated at build time from rules/core.json. */
extern const unsigned char kc_default_rules_data[];
extern const size_t kc_default_rules_len;
extern const char kc_default_rules_name[];

#endif
