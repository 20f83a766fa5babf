/* jl_share.c - common subexpressions, found once at compile time.
 *
 * Rule sets repeat themselves: the same fact is read by many rules, the same
 * test ({"==": [{"var": "relationship.type"}, "stalker"]}) guards several of
 * them, and replicated rules share whole subtrees. Each group of structurally
 * identical subtrees at the top scope gets one memo index; the evaluator then
 * computes the group once per run and reuses the value. Trees inside iterator
 * bodies and try fallbacks are left alone: their value depends on a scope
 * that changes while they run. */
#include <stdlib.h>
#include <string.h>

#include "jl.h"
#include "mem.h"

static uint64_t mix(uint64_t h, uint64_t x)
{
    h ^= x + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h;
}

static uint64_t hash_value(const kc_value *v)
{
    uint64_t h = mix(0, v->type);
    switch (v->type) {
    case KC_TYPE_BOOL:
        return mix(h, (uint64_t)v->u.boolean);
    case KC_TYPE_NUMBER: {
        double d = v->u.num == 0 ? 0 : v->u.num; /* -0 == 0 */
        uint64_t bits;
        memcpy(&bits, &d, sizeof bits);
        return mix(h, bits);
    }
    case KC_TYPE_STRING:
        return mix(h, kc_hash(v->u.str, v->n));
    case KC_TYPE_ARRAY:
        for (uint32_t i = 0; i < v->n; i++)
            h = mix(h, hash_value(&v->u.items[i]));
        return h;
    case KC_TYPE_OBJECT:
        /* Order-independent, as kc_equal is. */
        for (uint32_t i = 0; i < v->n; i++)
            h += mix(v->u.members[i].khash, hash_value(&v->u.members[i].val));
        return h;
    default:
        return h;
    }
}

static int same_payload(const jl_node *a, const jl_node *b)
{
    switch ((jl_op)a->op) {
    case JL_CONST:
        return a->u.k.type == b->u.k.type && kc_equal(&a->u.k, &b->u.k);
    case JL_VAR:
    case JL_VAL:
    case JL_EXISTS:
        if (a->flags & JL_F_DYNPATH)
            return 1;
        return a->u.path.up == b->u.path.up && a->u.path.nsegs == b->u.path.nsegs &&
               strcmp(a->u.path.text, b->u.path.text) == 0;
    case JL_CUSTOM:
        return a->u.custom.fn == b->u.custom.fn && a->u.custom.ud == b->u.custom.ud;
    default:
        return 1;
    }
}

static int same_tree(const jl_node *a, const jl_node *b)
{
    if (a == b)
        return 1;
    if (a->op != b->op || a->flags != b->flags || a->nargs != b->nargs || !same_payload(a, b))
        return 0;
    for (uint32_t i = 0; i < a->nargs; i++)
        if (!same_tree(&a->args[i], &b->args[i]))
            return 0;
    return 1;
}

/* Whether argument i of n is evaluated in a scope other than n's own. */
static int scoped_arg(const jl_node *n, uint32_t i)
{
    switch ((jl_op)n->op) {
    case JL_MAP:
    case JL_FILTER:
    case JL_REDUCE:
    case JL_ALL:
    case JL_SOME:
    case JL_NONE:
        return i == 1;
    case JL_TRY:
        return i >= 1;
    default:
        return 0;
    }
}

/* An operand a leaf test can read in place: a constant, or a variable with
 * a fixed path, no default, and (at the top scope) a memo slot of its own. */
static int is_plain_operand(const jl_node *n)
{
    return n->op == JL_CONST || (n->op == JL_VAR && !n->flags && n->u.path.nsegs > 0);
}

/* A comparison or "in" between two plain operands, not both constant. */
static int is_leaf(const jl_node *n)
{
    return (kc_jl_is_comparison(n->op) || n->op == JL_IN) && n->nargs == 2 &&
           !(n->flags & JL_F_SPREAD) && is_plain_operand(&n->args[0]) &&
           is_plain_operand(&n->args[1]) &&
           !(n->args[0].op == JL_CONST && n->args[1].op == JL_CONST);
}

typedef struct slot {
    uint64_t hash;
    jl_node *node;
} slot;

typedef struct share {
    const kc_ctx *ctx;
    slot *table;
    size_t mask;
    uint32_t next;
    int oom;
} share;

/* Post-order: children first, so a group's members all have hashes. Only
 * nodes at the top scope (scoped == 0) join groups. */
static uint64_t visit(share *sh, jl_node *n, int scoped)
{
    uint64_t h = mix(mix(mix(n->op, n->flags), n->nargs), 0);
    switch ((jl_op)n->op) {
    case JL_CONST:
        h = mix(h, hash_value(&n->u.k));
        break;
    case JL_VAR:
    case JL_VAL:
    case JL_EXISTS:
        if (!(n->flags & JL_F_DYNPATH))
            h = mix(mix(h, kc_hash(n->u.path.text, strlen(n->u.path.text))), n->u.path.up);
        break;
    case JL_CUSTOM:
        h = mix(h, (uint64_t)(uintptr_t)n->u.custom.ud);
        break;
    default:
        break;
    }
    for (uint32_t i = 0; i < n->nargs; i++)
        h = mix(h, visit(sh, &n->args[i], scoped || scoped_arg(n, i)));
    /* Constants cost nothing to evaluate; nothing to share. */
    if (scoped || n->op == JL_CONST || !sh->table)
        return h;
    if (is_leaf(n))
        n->aux |= (uint16_t)(JL_AUX_LEAF | (n->args[0].op == JL_VAR ? JL_AUX_VAR0 : 0u) |
                             (n->args[1].op == JL_VAR ? JL_AUX_VAR1 : 0u));
    size_t i = (size_t)h & sh->mask;
    while (sh->table[i].node) {
        if (sh->table[i].hash == h && same_tree(sh->table[i].node, n)) {
            jl_node *first = sh->table[i].node;
            if (!first->memo)
                first->memo = ++sh->next;
            n->memo = first->memo;
            return h;
        }
        i = (i + 1) & sh->mask;
    }
    sh->table[i].hash = h;
    sh->table[i].node = n;
    /* A plain variable gets a slot even when read once: leaf tests read it
     * in place from there (kc_jl_test). */
    if (n->op == JL_VAR && !n->flags)
        n->memo = ++sh->next;
    return h;
}

/* Prefix of a dotted path ("act.kind" -> "act"), or 0 length if none. */
static size_t prefix_len(const jl_node *n)
{
    const char *t = n->u.path.text;
    size_t len = strlen(t);
    while (len > 0 && t[len - 1] != '.')
        len--;
    return len ? len - 1 : 0;
}

typedef struct pslot {
    const char *text;
    size_t len;
    uint32_t id;
} pslot;

/* Gives every top-scope dotted variable the memo index of its parent object. */
static void prefixes(share *sh, pslot *table, size_t mask, jl_node *n, int scoped)
{
    for (uint32_t i = 0; i < n->nargs; i++)
        prefixes(sh, table, mask, &n->args[i], scoped || scoped_arg(n, i));
    if (scoped || n->op != JL_VAR || (n->flags & JL_F_DYNPATH) || n->u.path.nsegs < 2)
        return;
    size_t len = prefix_len(n);
    if (len == 0)
        return;
    size_t i = (size_t)kc_hash(n->u.path.text, len) & mask;
    while (table[i].text) {
        if (table[i].len == len && memcmp(table[i].text, n->u.path.text, len) == 0) {
            n->pmemo = table[i].id;
            return;
        }
        i = (i + 1) & mask;
    }
    table[i].text = n->u.path.text;
    table[i].len = len;
    table[i].id = ++sh->next;
    n->pmemo = table[i].id;
}

static size_t count_nodes(const jl_node *n)
{
    size_t c = 1;
    for (uint32_t i = 0; i < n->nargs; i++)
        c += count_nodes(&n->args[i]);
    return c;
}

static void clear(jl_node *n)
{
    n->memo = 0;
    n->pmemo = 0;
    if (n->op != JL_CUSTOM)
        n->aux = 0;
    for (uint32_t i = 0; i < n->nargs; i++)
        clear(&n->args[i]);
}

kc_status kc_jl_share(const kc_ctx *ctx, jl_node *const *roots, size_t nroots, uint32_t *nmemo)
{
    *nmemo = 0;
    size_t nodes = 0;
    for (size_t r = 0; r < nroots; r++)
        nodes += count_nodes(roots[r]);
    size_t size = 16;
    while (size < nodes * 2)
        size *= 2;
    share sh = {ctx, kc_mem_calloc(ctx, size, sizeof(slot)), size - 1, 0, 0};
    if (!sh.table)
        return KC_ENOMEM;
    for (size_t r = 0; r < nroots; r++)
        clear(roots[r]);
    for (size_t r = 0; r < nroots; r++)
        visit(&sh, roots[r], 0);
    kc_mem_free(ctx, sh.table);
    pslot *pt = kc_mem_calloc(ctx, size, sizeof *pt);
    if (!pt) {
        for (size_t r = 0; r < nroots; r++)
            clear(roots[r]);
        return KC_ENOMEM;
    }
    for (size_t r = 0; r < nroots; r++)
        prefixes(&sh, pt, size - 1, roots[r], 0);
    kc_mem_free(ctx, pt);
    *nmemo = sh.next;
    return KC_OK;
}

/* ---- facts read up front ---- */

typedef struct fact_use {
    const jl_node *var; /* the first variable seen with this slot */
    uint32_t reads;
} fact_use;

/* Counts the reads of each plain top-scope variable of one or two object
 * steps (array indices are left to the usual path). */
static void count_reads(fact_use *uses, uint32_t nmemo, const jl_node *n, int scoped)
{
    for (uint32_t i = 0; i < n->nargs; i++)
        count_reads(uses, nmemo, &n->args[i], scoped || scoped_arg(n, i));
    if (scoped || n->op != JL_VAR || n->flags || n->u.path.up || n->memo == 0 || n->memo > nmemo)
        return;
    const uint32_t ns = n->u.path.nsegs;
    if (ns == 0 || ns > 2 || (ns == 2 && (n->pmemo == 0 || n->pmemo > nmemo)))
        return;
    for (uint32_t k = 0; k < ns; k++)
        if (n->u.path.segs[k].idx >= 0)
            return;
    fact_use *u = &uses[n->memo];
    if (!u->var)
        u->var = n;
    u->reads++;
}

static int more_reads(const void *pa, const void *pb)
{
    const fact_use *a = pa, *b = pb;
    if (a->reads != b->reads)
        return a->reads > b->reads ? -1 : 1;
    return a->var->memo < b->var->memo ? -1 : (a->var->memo > b->var->memo);
}

kc_status kc_jl_facts(const kc_ctx *ctx, kc_arena *arena, jl_node *const *roots, size_t nroots,
                      uint32_t nmemo, const jl_fact **out, uint32_t *n)
{
    *out = NULL;
    *n = 0;
    if (nmemo == 0)
        return KC_OK;
    fact_use *uses = kc_mem_calloc(ctx, (size_t)nmemo + 1, sizeof *uses);
    if (!uses)
        return KC_ENOMEM;
    for (size_t r = 0; r < nroots; r++)
        count_reads(uses, nmemo, roots[r], 0);
    /* The variables, most read first; the rest are read when first needed. */
    uint32_t nvars = 0;
    for (uint32_t m = 1; m <= nmemo; m++)
        if (uses[m].var)
            uses[nvars++] = uses[m];
    if (nvars > 1)
        qsort(uses, nvars, sizeof *uses, more_reads);
    if (nvars > KC_JL_FACTS_MAX)
        nvars = KC_JL_FACTS_MAX;
    /* Entries: each parent object with its children after it, then the
     * one-step variables. At most two entries per variable. */
    jl_fact *facts = nvars ? kc_arena_array(arena, (size_t)nvars * 2, sizeof *facts) : NULL;
    if (nvars && !facts) {
        kc_mem_free(ctx, uses);
        return KC_ENOMEM;
    }
    uint32_t k = 0;
    for (uint32_t i = 0; i < nvars; i++) {
        const jl_node *v = uses[i].var;
        if (!v || v->u.path.nsegs != 2) /* taken by its parent, or one step */
            continue;
        const uint32_t parent = v->pmemo;
        const uint32_t at = k;
        facts[k++] = (jl_fact){parent, 0, &v->u.path.segs[0]};
        for (uint32_t j = i; j < nvars; j++) {
            const jl_node *c = uses[j].var;
            if (c && c->u.path.nsegs == 2 && c->pmemo == parent) {
                facts[k++] = (jl_fact){c->memo, 0, &c->u.path.segs[1]};
                facts[at].nchildren++;
                uses[j].var = NULL; /* taken */
            }
        }
    }
    for (uint32_t i = 0; i < nvars; i++)
        if (uses[i].var)
            facts[k++] = (jl_fact){uses[i].var->memo, 0, &uses[i].var->u.path.segs[0]};
    kc_mem_free(ctx, uses);
    *out = facts;
    *n = k;
    return KC_OK;
}
