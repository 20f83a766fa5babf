/* lint.c - does a rule set look at the act from every side?
 *
 * A rule set that reasons only from the giver's side - what they meant, what
 * they gave - misses what the essay is about. For every act kind a rule set
 * has rules about (a constant compared with act.kind or act.category), the
 * rules that apply to it (those about it, plus the rules about no particular
 * kind) should between them read the receiver's request, the power between
 * the two, their relationship, and history. A perspective counts as read when
 * some rule reads a fact under its top-level key (request.*, power.*, ...).
 *
 * Given scenarios, the linter also evaluates them and reports rules that
 * never fired (nor were undecided) and rules that fired on every one. */
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "error.h"
#include "mem.h"
#include "result.h"

static const struct perspective {
    const char *key;  /* top-level scenario key */
    const char *what; /* in words */
} perspectives[] = {
    {"request", "what the receiver asked for or needed (request.*)"},
    {"power", "the power between giver and receiver (power.*)"},
    {"relationship", "the relationship between them (relationship.*)"},
    {"history", "their history (history.*)"},
};
#define NPERSP (sizeof perspectives / sizeof perspectives[0])

/* Which perspectives a rule reads (bit i: perspectives[i]). */
static unsigned reads(const jl_node *n)
{
    unsigned bits = 0;
    if ((n->op == JL_VAR || n->op == JL_VAL || n->op == JL_EXISTS) &&
        !(n->flags & JL_F_DYNPATH) && n->u.path.nsegs > 0) {
        const jl_seg *top = &n->u.path.segs[0];
        for (size_t p = 0; p < NPERSP; p++)
            if (strlen(perspectives[p].key) == top->len &&
                memcmp(perspectives[p].key, top->key, top->len) == 0)
                bits |= 1u << p;
    }
    for (uint32_t i = 0; i < n->nargs; i++)
        bits |= reads(&n->args[i]);
    return bits;
}

static int is_act_kind_fact(const jl_node *n)
{
    return n->op == JL_VAR && !(n->flags & JL_F_DYNPATH) &&
           (strcmp(n->u.path.text, "act.kind") == 0 || strcmp(n->u.path.text, "act.category") == 0);
}

/* Collects the act kinds a rule is about: string constants compared with
 * act.kind / act.category ("==", "===", "in", "overlaps"). */
typedef struct kinds {
    const char *name[64];
    size_t n;
} kinds;

static void add_kind(kinds *k, const char *s)
{
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->name[i], s) == 0)
            return;
    if (k->n < 64)
        k->name[k->n++] = s;
}

static void collect_kinds(const jl_node *n, kinds *k)
{
    if (n->nargs == 2 && (n->op == JL_EQ || n->op == JL_SEQ || n->op == JL_IN ||
                          (n->op == JL_CUSTOM && strcmp(n->u.custom.name, "overlaps") == 0))) {
        const jl_node *a = &n->args[0], *b = &n->args[1];
        if (is_act_kind_fact(b)) {
            const jl_node *t = a;
            a = b;
            b = t;
        }
        if (is_act_kind_fact(a) && b->op == JL_CONST) {
            const kc_value *v = &b->u.k;
            if (v->type == KC_TYPE_STRING)
                add_kind(k, v->u.str);
            for (uint32_t i = 0; v->type == KC_TYPE_ARRAY && i < v->n; i++)
                if (v->u.items[i].type == KC_TYPE_STRING)
                    add_kind(k, v->u.items[i].u.str);
        }
    }
    for (uint32_t i = 0; i < n->nargs; i++)
        collect_kinds(&n->args[i], k);
}

static int mentions(const jl_node *when, const char *kind)
{
    kinds k = {{0}, 0};
    collect_kinds(when, &k);
    for (size_t i = 0; i < k.n; i++)
        if (strcmp(k.name[i], kind) == 0)
            return 1;
    return 0;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int warn(kc_diag *d, const rs_rule *at, const char *fmt, ...)
{
    kc_error e;
    kc_error_init(&e, at ? at->file : "<rules>");
    va_list ap;
    va_start(ap, fmt);
    kc_error_vset(&e, KC_ESCHEMA, fmt, ap);
    va_end(ap);
    if (at) {
        kc_error_set_pos(&e, at->line, at->col, 0);
        kc_error_set_rule(&e, at->id);
    }
    return kc_diag_add(d, &e);
}

static int perspectives_of(const kc_ruleset *rs, kc_diag *d)
{
    kinds all = {{0}, 0};
    unsigned whole = 0;
    for (uint32_t i = 0; i < rs->nrules; i++) {
        collect_kinds(&rs->rules[i].when, &all);
        whole |= reads(&rs->rules[i].when);
    }
    for (size_t p = 0; p < NPERSP; p++)
        if (!(whole & (1u << p)) && warn(d, NULL, "no rule considers %s", perspectives[p].what))
            return -1;
    /* Each act kind the rules single out: the rules about it and the rules
     * about no kind in particular must still see every side. */
    for (size_t k = 0; k < all.n; k++) {
        unsigned bits = 0;
        for (uint32_t i = 0; i < rs->nrules; i++) {
            const jl_node *w = &rs->rules[i].when;
            kinds own = {{0}, 0};
            collect_kinds(w, &own);
            if (own.n == 0 || mentions(w, all.name[k]))
                bits |= reads(w);
        }
        for (size_t p = 0; p < NPERSP; p++)
            if ((whole & (1u << p)) && !(bits & (1u << p)) &&
                warn(d, NULL, "for act kind \"%s\", no rule considers %s", all.name[k],
                     perspectives[p].what))
                return -1;
    }
    return 0;
}

kc_status kc_ruleset_lint(const kc_ruleset *rs, const kc_value *const *scenarios, size_t n,
                          kc_diag **out)
{
    if (out)
        *out = NULL;
    if (!rs || !out || (n && !scenarios))
        return KC_EINVAL;
    kc_diag *d = kc_diag_new(rs->ctx);
    if (!d)
        return KC_ENOMEM;
    kc_status st = perspectives_of(rs, d) ? KC_ENOMEM : KC_OK;
    size_t *fired = NULL, *undecided = NULL;
    kc_result *res = NULL;
    if (st == KC_OK && n > 0) {
        fired = kc_mem_calloc(rs->ctx, rs->nrules ? rs->nrules : 1, sizeof *fired);
        undecided = kc_mem_calloc(rs->ctx, rs->nrules ? rs->nrules : 1, sizeof *undecided);
        if (!fired || !undecided)
            st = KC_ENOMEM;
        if (st == KC_OK)
            st = kc_result_create(rs->ctx, &res);
        for (size_t s = 0; s < n && st == KC_OK; s++) {
            st = kc_evaluate(rs, scenarios[s], res, NULL);
            for (size_t i = 0; st == KC_OK && i < res->nfired; i++)
                fired[res->fired[i].rule]++;
            for (size_t i = 0; st == KC_OK && i < res->nundecided; i++)
                undecided[res->undecided[i].rule]++;
        }
        for (uint32_t i = 0; i < rs->nrules && st == KC_OK; i++) {
            const rs_rule *r = &rs->rules[i];
            int bad = 0;
            if (fired[i] == 0 && undecided[i] == 0)
                bad = warn(d, r, "rule \"%s\" never fired on %zu scenarios; can it ever?", r->id, n);
            else if (fired[i] == n)
                bad = warn(d, r, "rule \"%s\" fired on all %zu scenarios; does it tell them apart?",
                           r->id, n);
            if (bad)
                st = KC_ENOMEM;
        }
    }
    kc_result_free(res);
    kc_mem_free(rs->ctx, fired);
    kc_mem_free(rs->ctx, undecided);
    if (st) {
        kc_diag_free(d);
        return st;
    }
    *out = d;
    return KC_OK;
}
