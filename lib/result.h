/* result.h - the inside of a kc_result: what evaluation found, and the
 * explanation text rendered from it on demand. */
#ifndef KC_RESULT_H
#define KC_RESULT_H

#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "jl.h"
#include "ruleset.h"

/* A rule whose condition could not be decided, and the facts it lacked
 * (a range of res->missing). */
typedef struct res_undecided {
    uint32_t rule;
    uint32_t first, count;
} res_undecided;

/* A rule whose condition raised an error: counted as not fired. */
typedef struct res_problem {
    uint32_t rule;
    const char *type; /* the error's "type", in res->text */
} res_problem;

typedef struct res_question {
    const char *fact;
    uint32_t rules;
    double weight;
    int32_t could_be; /* verdict index, or -1 */
    uint32_t shift;   /* how many verdicts away could_be is */
} res_question;

/* One option of "what would make it kind" (strings in res->text). */
typedef struct res_change {
    const char **steps;
    const char **facts;
    size_t nsteps;
    uint32_t verdict;
    const char **flipped;
    size_t nflipped;
} res_change;

/* A fired rule and its order key. */
typedef struct res_fired {
    uint32_t rule;
    double absw;
} res_fired;

struct kc_result {
    const kc_ctx *ctx;
    kc_arena scratch; /* values made while evaluating conditions */
    kc_arena text;    /* rendered explanations, questions' strings */
    jl_state st;

    /* Filled by kc_evaluate. */
    const kc_ruleset *rs;
    const kc_value *scenario;
    int evaluated;
    double total;
    double *dims;
    uint32_t cap_dims;
    uint32_t band, verdict;
    int32_t worst_veto; /* verdict index, or -1 */
    int32_t veto_rule;  /* the rule that set worst_veto, or -1 */

    uint32_t *seen;  /* per rule: seen_gen when judged in this run (eval_contains) */
    uint32_t cap_seen, seen_gen;

    res_fired *fired;
    size_t nfired, cap_fired;
    int fired_sorted;
    res_undecided *undecided;
    size_t nundecided, cap_undecided;
    const jl_node **missing; /* facts lacked by undecided rules, by range */
    size_t nmissing, cap_missing;
    res_problem *problems;
    size_t nproblems, cap_problems;
    res_question *questions;
    size_t nquestions, cap_questions;

    /* Rendered on demand, parallel to fired[]; reset by each evaluation. */
    const char **because;
    const char **advice;
    size_t cap_render;
    const char *summary;
    const char **trace; /* author traces, parallel to fired[] */
    kc_reader reader;

    /* "What would make it kind", searched on demand. */
    int changes_done;
    kc_status changes_status;
    res_change *changes;
    size_t nchanges;
    const char *change_blocker;
    kc_result *probe; /* evaluates the changed scenarios */

    kc_buf buf; /* scratch for rendering one template */
    kc_buf sum; /* scratch for composing the summary */
    kc_buf json; /* kc_result_json()'s text */
};

/* Sorts fired[] by contribution (|weight| desc, then rule order) once. */
void kc_res_sort_fired(kc_result *res);
/* Renders because/advice of fired[i] if not done yet. Returns 0 or -1. */
int kc_res_render(kc_result *res, size_t i);
/* Runs the "what would make it kind" search if not done (changes.c). */
kc_status kc_res_changes(kc_result *res);
/* Renders the author trace of fired[i] if not done (trace.c). */
const char *kc_res_trace(kc_result *res, size_t i);

/* Copies a NUL-terminated string into res->text. */
const char *kc_res_strdup(kc_result *res, const char *s, size_t len);

#endif
