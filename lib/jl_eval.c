/* jl_eval.c - evaluating a compiled JSON Logic tree.
 *
 * Semantics follow the community compatibility suites (tests/data/jsonlogic):
 * arithmetic and ordering coerce to numbers and raise {"type": "NaN"} when a
 * value has no number; "==" compares like types directly and others as
 * numbers; arrays and objects never compare with "==" or "<"; iterators give
 * their body two scopes, {"index": i} and the element; "try" gives its
 * fallbacks the error as their scope.
 *
 * Three-valued mode (st->tristate): a variable at the root scope that the data
 * does not have reads as *unknown* instead of null. Unknown propagates through
 * every operator except the Kleene connectives: "and" is false if any argument
 * is false, "or" is true if any is true, whatever the unknowns. Each unknown
 * read is recorded in st->missing so a caller can ask for the missing facts.
 *
 * Memory: values made here (strings, arrays, error objects) come from
 * st->arena, which the caller resets between runs; nothing else allocates. */
#include <math.h>
#include <string.h>

#include "compiler.h"
#include "error.h"
#include "jl.h"
#include "mem.h"
#include "text.h"

void kc_jl_state_init(jl_state *st, const kc_ctx *ctx, kc_arena *arena)
{
    memset(st, 0, sizeof *st);
    st->ctx = ctx;
    st->arena = arena;
    st->h_index = kc_hash("index", 5);
    st->h_current = kc_hash("current", 7);
    st->h_accumulator = kc_hash("accumulator", 11);
    st->h_type = kc_hash("type", 4);
}

void kc_jl_state_free(jl_state *st)
{
    kc_mem_free(st->ctx, st->memo);
    st->memo = NULL;
    st->cap_memo = 0;
    kc_mem_free(st->ctx, (void *)st->missing);
    st->missing = NULL;
    st->nmissing = st->cap_missing = 0;
}

static kc_status out_of_arena(jl_state *st)
{
    kc_status s = st->arena->error == KC_ELIMIT ? KC_ELIMIT : KC_ENOMEM;
    if (s == KC_ELIMIT)
        kc_error_set(st->err, s, "evaluation needed more memory than KC_LIMIT_EVAL_BYTES allows");
    else
        kc_error_set(st->err, s, "out of memory during evaluation");
    return s;
}

/* Raises {"type": type}. */
static kc_status throw_type(jl_state *st, const char *type)
{
    kc_member *m = kc_arena_alloc(st->arena, sizeof *m);
    if (!m)
        return out_of_arena(st);
    m->key = "type";
    m->klen = 4;
    m->khash = st->h_type;
    m->val = kc_v_str(type, (uint32_t)strlen(type));
    st->thrown = kc_v_obj(m, 1);
    return KC_ETHROWN;
}

static kc_status throw_nan(jl_state *st)
{
    return throw_type(st, "NaN");
}

static kc_status throw_args(jl_state *st)
{
    return throw_type(st, "Invalid Arguments");
}

static int is_unknown(const kc_value *v)
{
    return v->type == KC_TYPE_UNKNOWN_;
}

static int any_unknown(const kc_value *argv, size_t argc)
{
    for (size_t i = 0; i < argc; i++)
        if (argv[i].type == KC_TYPE_UNKNOWN_)
            return 1;
    return 0;
}

/* Each operator keeps its own stack frame: inlined into the dispatch switch
 * they would give every evaluation step the frame of the largest. */
#define OPFN static KC_NOINLINE kc_status

/* The hot path of every operator: constants and remembered subexpressions
 * are answered without a call. */
static inline kc_status ev(jl_state *st, const jl_node *n, const jl_scope *sc, kc_value *out)
{
    if (n->op == JL_CONST) {
        *out = n->u.k;
        return KC_OK;
    }
    if (n->memo && !sc->up && st->memo[n->memo].gen == st->gen) {
        *out = st->memo[n->memo].v;
        return KC_OK;
    }
    return kc_jl_eval(st, n, sc, out);
}

/* Truthiness, inline (kc_truthy without the NULL check). */
static inline int truthy(const kc_value *v)
{
    switch (v->type) {
    case KC_TYPE_BOOL:
        return v->u.boolean != 0;
    case KC_TYPE_NUMBER:
        return v->u.num == v->u.num && v->u.num != 0;
    case KC_TYPE_STRING:
    case KC_TYPE_ARRAY:
        return v->n > 0;
    case KC_TYPE_OBJECT:
        return 1;
    default:
        return 0;
    }
}

/* ---- conversions ---- */

/* The number a value stands for; -1 when it has none (NaN). */
static int to_num(const kc_value *v, double *d)
{
    switch (v->type) {
    case KC_TYPE_NULL:
        *d = 0;
        return 0;
    case KC_TYPE_BOOL:
        *d = v->u.boolean ? 1 : 0;
        return 0;
    case KC_TYPE_NUMBER:
        *d = v->u.num;
        return 0;
    case KC_TYPE_STRING:
        return kc_string_to_number(v->u.str, v->n, d);
    default:
        return -1;
    }
}

/* Writes the text of v as JavaScript's String() would (null -> "", arrays
 * joined with ","), returning its length; dst may be NULL to measure. */
static size_t write_text(const kc_value *v, char *dst)
{
    switch (v->type) {
    case KC_TYPE_BOOL: {
        const char *s = v->u.boolean ? "true" : "false";
        size_t n = strlen(s);
        if (dst)
            memcpy(dst, s, n);
        return n;
    }
    case KC_TYPE_NUMBER: {
        char buf[KC_NUM_BUF];
        size_t n = kc_format_number(v->u.num, buf);
        if (dst)
            memcpy(dst, buf, n);
        return n;
    }
    case KC_TYPE_STRING:
        if (dst && v->n)
            memcpy(dst, v->u.str, v->n);
        return v->n;
    case KC_TYPE_ARRAY: {
        size_t n = 0;
        for (uint32_t i = 0; i < v->n; i++) {
            if (i) {
                if (dst)
                    dst[n] = ',';
                n++;
            }
            n += write_text(&v->u.items[i], dst ? dst + n : NULL);
        }
        return n;
    }
    case KC_TYPE_OBJECT: {
        static const char obj[] = "[object Object]";
        if (dst)
            memcpy(dst, obj, sizeof obj - 1);
        return sizeof obj - 1;
    }
    default:
        return 0;
    }
}

/* v as a string value (itself when it already is one). */
static kc_status as_string(jl_state *st, const kc_value *v, kc_value *out)
{
    if (v->type == KC_TYPE_STRING) {
        *out = *v;
        return KC_OK;
    }
    size_t n = write_text(v, NULL);
    if (n > UINT32_MAX)
        return out_of_arena(st);
    char *s = kc_arena_alloc(st->arena, n + 1);
    if (!s)
        return out_of_arena(st);
    write_text(v, s);
    s[n] = '\0';
    *out = kc_v_str(s, (uint32_t)n);
    return KC_OK;
}

/* ---- arguments ---- */

#define LOCAL_ARGS 8

/* Evaluates every argument of n (or spreads the value of its one argument)
 * and points *argv at them. local holds LOCAL_ARGS values. */
static kc_status eval_args(jl_state *st, const jl_node *n, const jl_scope *sc, kc_value *local,
                           const kc_value **argv, size_t *argc)
{
    if (n->flags & JL_F_SPREAD) {
        kc_status s = ev(st, &n->args[0], sc, &local[0]);
        if (s)
            return s;
        if (local[0].type == KC_TYPE_ARRAY) {
            *argv = local[0].u.items;
            *argc = local[0].n;
        } else {
            *argv = local;
            *argc = 1;
        }
        return KC_OK;
    }
    kc_value *buf = local;
    if (n->nargs > LOCAL_ARGS) {
        buf = kc_arena_array(st->arena, n->nargs, sizeof *buf);
        if (!buf)
            return out_of_arena(st);
    }
    for (uint32_t i = 0; i < n->nargs; i++) {
        kc_status s = ev(st, &n->args[i], sc, &buf[i]);
        if (s)
            return s;
    }
    *argv = buf;
    *argc = n->nargs;
    return KC_OK;
}

/* ---- variables ---- */

static const kc_value *step(const kc_value *cur, const char *key, size_t len, uint32_t hash,
                            int64_t idx)
{
    if (!cur)
        return NULL;
    if (cur->type == KC_TYPE_OBJECT)
        return kc_obj_get(cur, key, len, hash);
    if (cur->type == KC_TYPE_ARRAY && idx >= 0 && (uint64_t)idx < cur->n)
        return &cur->u.items[idx];
    return NULL;
}


static const kc_value *walk_segs(const kc_value *base, const jl_seg *segs, uint32_t n)
{
    const kc_value *cur = base;
    for (uint32_t i = 0; i < n && cur; i++)
        cur = step(cur, segs[i].key, segs[i].len, segs[i].hash, segs[i].idx);
    return cur;
}

/* Dotted path computed at run time: "a.b.0". */
static const kc_value *walk_dotted(const kc_value *base, const char *s, size_t len)
{
    if (len == 0)
        return base;
    const kc_value *cur = base;
    size_t start = 0;
    for (size_t i = 0; i <= len && cur; i++) {
        if (i == len || s[i] == '.') {
            const char *k = s + start;
            size_t kl = i - start;
            cur = step(cur, k, kl, kc_hash(k, kl), kc_path_index(k, kl));
            start = i + 1;
        }
    }
    return cur;
}

/* The member of the object obj at step sg if it is the one at index h. */
static inline const kc_value *at_hint(const kc_value *obj, const jl_seg *sg, uint32_t h)
{
    const kc_member *ms = obj->u.members;
    if (h < obj->n && ms[h].khash == sg->hash && ms[h].klen == sg->len &&
        kc_bytes_equal(ms[h].key, sg->key, sg->len))
        return &ms[h].val;
    return NULL;
}

/* The member of the object obj at step sg, trying index *hint first:
 * scenarios of one shape keep their keys in the same order, so the scan is
 * usually skipped. *hint is updated on a scan that finds the key. NULL when
 * absent. */
static inline const kc_value *member_hinted(const kc_value *obj, const jl_seg *sg, uint32_t *hint)
{
    const kc_value *found = at_hint(obj, sg, *hint);
    if (found)
        return found;
    const kc_member *ms = obj->u.members;
    for (uint32_t i = 0; i < obj->n; i++)
        if (ms[i].khash == sg->hash && ms[i].klen == sg->len &&
            kc_bytes_equal(ms[i].key, sg->key, sg->len)) {
            *hint = i;
            return &ms[i].val;
        }
    return NULL;
}

/* One step of a path: a member (hinted) or an array item. */
static inline const kc_value *step_hinted(const kc_value *cur, const jl_seg *sg, uint32_t *hint)
{
    if (cur->type != KC_TYPE_OBJECT)
        return step(cur, sg->key, sg->len, sg->hash, sg->idx);
    return member_hinted(cur, sg, hint);
}

/* The value at the fixed path of n (at least one step) in scope sc, or NULL
 * when it is absent. At the top scope the parent object is looked up once
 * per run for all its fields (pmemo), and the last step tries *hint first. */
static const kc_value *lookup_path(jl_state *st, const jl_node *n, const jl_scope *sc,
                                   uint32_t *hint)
{
    const jl_seg *segs = n->u.path.segs;
    const uint32_t ns = n->u.path.nsegs;
    const kc_value *base = sc->data;
    if (!base)
        return NULL;
    if (ns > 1) {
        if (n->pmemo && !sc->up) {
            jl_memo *p = &st->memo[n->pmemo];
            if (p->gen != st->gen) {
                const kc_value *parent = ns == 2 ? step_hinted(base, &segs[0], &p->hint)
                                                 : walk_segs(base, segs, ns - 1);
                p->v = parent ? *parent : kc_v_unknown();
                p->gen = st->gen;
            }
            base = p->v.type == KC_TYPE_UNKNOWN_ ? NULL : &p->v;
        } else {
            base = walk_segs(base, segs, ns - 1);
        }
        if (!base)
            return NULL;
    }
    return step_hinted(base, &segs[ns - 1], hint);
}

/* Reads a plain top-scope variable and remembers it in m for the run. NULL
 * when the fact is absent (or the path is the whole scope): the general path
 * then decides what that reads as and records the missing fact. */
static const kc_value *fetch_var(jl_state *st, const jl_node *n, const jl_scope *sc, jl_memo *m)
{
    const kc_value *found = n->u.path.nsegs ? lookup_path(st, n, sc, &m->hint) : NULL;
    if (!found)
        return NULL;
    m->v = *found;
    m->gen = st->gen;
    return &m->v;
}

/* A scope's own value as a result: iterator frames live on the C stack, so
 * they are copied before they can outlive it. */
static kc_status scope_value(jl_state *st, const kc_value *data, kc_value *out)
{
    if (!data) {
        *out = kc_v_null();
        return KC_OK;
    }
    *out = *data;
    if (data->flags & KC_VF_TRANSIENT) {
        kc_member *m = kc_arena_array(st->arena, data->n, sizeof *m);
        if (!m)
            return out_of_arena(st);
        memcpy(m, data->u.members, data->n * sizeof *m);
        out->u.members = m;
        out->flags = 0;
    }
    return KC_OK;
}

static kc_status note_missing(jl_state *st, const jl_node *n)
{
    void *items = (void *)st->missing;
    if (kc_mem_grow(st->ctx, &items, &st->cap_missing, st->nmissing + 1, sizeof *st->missing))
        return kc_error_set(st->err, KC_ENOMEM, "out of memory during evaluation");
    st->missing = items;
    st->missing[st->nmissing++] = n;
    return KC_OK;
}

/* What an absent fact reads as: unknown at the root in three-valued mode,
 * null everywhere else. */
static kc_status absent(jl_state *st, const jl_node *n, const jl_scope *sc, kc_value *out)
{
    if (st->tristate && !sc->up) {
        *out = kc_v_unknown();
        return note_missing(st, n);
    }
    *out = kc_v_null();
    return KC_OK;
}

OPFN eval_var(jl_state *st, const jl_node *n, const jl_scope *sc, kc_value *out)
{
    const kc_value *base = sc->data;
    const kc_value *found;
    const jl_node *dflt = (n->flags & JL_F_DEFAULT) ? &n->args[n->nargs - 1] : NULL;
    if (n->flags & JL_F_DYNPATH) {
        kc_value p;
        kc_status s = ev(st, &n->args[0], sc, &p);
        if (s)
            return s;
        if (is_unknown(&p)) {
            *out = p;
            return KC_OK;
        }
        if (p.type == KC_TYPE_STRING) {
            found = walk_dotted(base, p.u.str, p.n);
        } else if (p.type == KC_TYPE_NUMBER) {
            char buf[KC_NUM_BUF];
            size_t len = kc_format_number(p.u.num, buf);
            found = walk_dotted(base, buf, len);
        } else if (p.type == KC_TYPE_NULL) {
            found = base;
        } else {
            found = NULL;
        }
        if (found == base)
            return scope_value(st, base, out);
    } else {
        if (n->u.path.nsegs == 0)
            return scope_value(st, base, out);
        uint32_t scratch = 0;
        uint32_t *hint = n->memo && !sc->up ? &st->memo[n->memo].hint
                                                                       : &scratch;
        found = lookup_path(st, n, sc, hint);
    }
    if (found && found->type != KC_TYPE_NULL) {
        *out = *found;
        return KC_OK;
    }
    if (dflt)
        return ev(st, dflt, sc, out);
    if (found) {
        *out = kc_v_null();
        return KC_OK;
    }
    return absent(st, n, sc, out);
}

static const jl_scope *climb(const jl_scope *sc, double levels)
{
    levels = fabs(levels);
    for (double i = 0; i < levels && sc->up; i++)
        sc = sc->up;
    return sc;
}

/* Resolves a val/exists path. *found is NULL when absent; *where is the scope
 * the path was read in (for the root test of three-valued mode). */
static kc_status val_lookup(jl_state *st, const jl_node *n, const jl_scope *sc,
                            const kc_value **found, const jl_scope **where)
{
    if (!(n->flags & JL_F_DYNPATH)) {
        for (uint32_t i = 0; i < n->u.path.up && sc->up; i++)
            sc = sc->up;
        *where = sc;
        *found = n->u.path.nsegs ? walk_segs(sc->data, n->u.path.segs, n->u.path.nsegs)
                                 : sc->data;
        return KC_OK;
    }
    kc_value local[LOCAL_ARGS];
    const kc_value *argv;
    size_t argc;
    kc_status s = eval_args(st, n, sc, local, &argv, &argc);
    if (s)
        return s;
    size_t i = 0;
    if (argc > 0 && argv[0].type == KC_TYPE_ARRAY && argv[0].n == 1 &&
        argv[0].u.items[0].type == KC_TYPE_NUMBER) {
        sc = climb(sc, argv[0].u.items[0].u.num);
        i = 1;
    }
    *where = sc;
    const kc_value *cur = sc->data;
    for (; i < argc && cur; i++) {
        const kc_value *k = &argv[i];
        if (k->type == KC_TYPE_STRING) {
            cur = step(cur, k->u.str, k->n, kc_hash(k->u.str, k->n), kc_path_index(k->u.str, k->n));
        } else if (k->type == KC_TYPE_NUMBER) {
            char buf[KC_NUM_BUF];
            size_t len = kc_format_number(k->u.num, buf);
            cur = step(cur, buf, len, kc_hash(buf, len), kc_path_index(buf, len));
        } else {
            cur = NULL;
        }
    }
    *found = cur;
    return KC_OK;
}

OPFN eval_val(jl_state *st, const jl_node *n, const jl_scope *sc, kc_value *out)
{
    const kc_value *found;
    const jl_scope *where;
    kc_status s = val_lookup(st, n, sc, &found, &where);
    if (s)
        return s;
    if (found == where->data)
        return scope_value(st, found, out);
    if (found) {
        *out = *found;
        return KC_OK;
    }
    return absent(st, n, where, out);
}

OPFN eval_exists(jl_state *st, const jl_node *n, const jl_scope *sc, kc_value *out)
{
    const kc_value *found;
    const jl_scope *where;
    kc_status s = val_lookup(st, n, sc, &found, &where);
    if (s)
        return s;
    *out = kc_v_bool(found != NULL);
    return KC_OK;
}

/* A fact counts as missing when absent, null or "" (as json-logic-js). */
static int key_missing(const jl_scope *sc, const kc_value *key)
{
    const kc_value *found;
    if (key->type == KC_TYPE_STRING) {
        found = walk_dotted(sc->data, key->u.str, key->n);
    } else if (key->type == KC_TYPE_NUMBER) {
        char buf[KC_NUM_BUF];
        size_t len = kc_format_number(key->u.num, buf);
        found = walk_dotted(sc->data, buf, len);
    } else {
        return 1;
    }
    return !found || found->type == KC_TYPE_NULL ||
           (found->type == KC_TYPE_STRING && found->n == 0);
}

static kc_status collect_missing(jl_state *st, const jl_scope *sc, const kc_value *keys,
                                 size_t nkeys, size_t need, kc_value *out)
{
    kc_value *items = nkeys ? kc_arena_array(st->arena, nkeys, sizeof *items) : NULL;
    if (nkeys && !items)
        return out_of_arena(st);
    size_t nmiss = 0;
    for (size_t i = 0; i < nkeys; i++)
        if (key_missing(sc, &keys[i]))
            items[nmiss++] = keys[i];
    if (nkeys - nmiss >= need && need > 0)
        nmiss = 0;
    *out = kc_v_arr(items, (uint32_t)nmiss);
    return KC_OK;
}

OPFN eval_missing(jl_state *st, const jl_node *n, const jl_scope *sc, kc_value *out)
{
    kc_value local[LOCAL_ARGS];
    const kc_value *argv;
    size_t argc;
    kc_status s = eval_args(st, n, sc, local, &argv, &argc);
    if (s)
        return s;
    if (any_unknown(argv, argc)) {
        *out = kc_v_unknown();
        return KC_OK;
    }
    if (n->op == JL_MISSING) {
        /* {"missing": [["a", "b"]]} lists the keys in its first argument. */
        if (argc > 0 && argv[0].type == KC_TYPE_ARRAY)
            return collect_missing(st, sc, argv[0].u.items, argv[0].n, 0, out);
        return collect_missing(st, sc, argv, argc, 0, out);
    }
    if (argc < 2 || argv[1].type != KC_TYPE_ARRAY)
        return throw_args(st);
    double need;
    if (to_num(&argv[0], &need) || need < 0)
        return throw_args(st);
    size_t k = need > 1e9 ? (size_t)1e9 : (size_t)need;
    if (k == 0) {
        *out = kc_v_arr(NULL, 0);
        return KC_OK;
    }
    return collect_missing(st, sc, argv[1].u.items, argv[1].n, k, out);
}

/* ---- logic ---- */

OPFN eval_if(jl_state *st, const jl_node *n, const jl_scope *sc, kc_value *out)
{
    uint32_t i = 0;
    while (i + 1 < n->nargs) {
        kc_value c;
        kc_status s = ev(st, &n->args[i], sc, &c);
        if (s)
            return s;
        if (is_unknown(&c)) {
            *out = c;
            return KC_OK;
        }
        if (truthy(&c))
            return ev(st, &n->args[i + 1], sc, out);
        i += 2;
    }
    if (i < n->nargs)
        return ev(st, &n->args[i], sc, out);
    *out = kc_v_null();
    return KC_OK;
}

/* and/or with Kleene's rule for unknowns: a decisive value wins over them. */
OPFN eval_andor(jl_state *st, const jl_node *n, const jl_scope *sc, kc_value *out)
{
    const int is_and = n->op == JL_AND;
    int unknown = 0;
    *out = kc_v_bool(0);
    for (uint32_t i = 0; i < n->nargs; i++) {
        kc_status s = ev(st, &n->args[i], sc, out);
        if (s)
            return s;
        if (is_unknown(out)) {
            unknown = 1;
            continue;
        }
        if (truthy(out) != is_and)
            return KC_OK;
    }
    if (unknown)
        *out = kc_v_unknown();
    return KC_OK;
}

OPFN eval_not(jl_state *st, const jl_node *n, const jl_scope *sc, kc_value *out)
{
    kc_value v = kc_v_null();
    if (n->nargs > 0) {
        kc_status s = ev(st, &n->args[0], sc, &v);
        if (s)
            return s;
    }
    if (is_unknown(&v))
        *out = v;
    else
        *out = kc_v_bool(truthy(&v) == (n->op == JL_NOTNOT));
    return KC_OK;
}

OPFN eval_coalesce(jl_state *st, const jl_node *n, const jl_scope *sc, kc_value *out)
{
    for (uint32_t i = 0; i < n->nargs; i++) {
        kc_status s = ev(st, &n->args[i], sc, out);
        if (s)
            return s;
        if (out->type != KC_TYPE_NULL)
            return KC_OK;
    }
    *out = kc_v_null();
    return KC_OK;
}

/* ---- comparison ---- */

static int is_container(const kc_value *v)
{
    return v->type == KC_TYPE_ARRAY || v->type == KC_TYPE_OBJECT;
}

/* a == b as the suites define it; -1 means NaN (no comparison possible). */
static int loose_equal(const kc_value *a, const kc_value *b)
{
    if (is_container(a) || is_container(b))
        return -1;
    if (a->type == b->type) {
        switch (a->type) {
        case KC_TYPE_NULL:
            return 1;
        case KC_TYPE_BOOL:
            return a->u.boolean == b->u.boolean;
        case KC_TYPE_NUMBER:
            return a->u.num == b->u.num;
        default:
            return kc_str_equal(a, b);
        }
    }
    double x, y;
    if (to_num(a, &x) || to_num(b, &y))
        return -1;
    return x == y;
}

static int strict_equal(const kc_value *a, const kc_value *b)
{
    return kc_same(a, b);
}

/* Sign of a - b for ordering; 2 means NaN. Strings order by bytes. */
static int order(const kc_value *a, const kc_value *b)
{
    if (a->type == KC_TYPE_STRING && b->type == KC_TYPE_STRING) {
        size_t n = a->n < b->n ? a->n : b->n;
        int c = memcmp(a->u.str, b->u.str, n);
        if (c)
            return c < 0 ? -1 : 1;
        return a->n == b->n ? 0 : (a->n < b->n ? -1 : 1);
    }
    double x, y;
    if (is_container(a) || is_container(b) || to_num(a, &x) || to_num(b, &y))
        return 2;
    return x < y ? -1 : (x > y ? 1 : 0);
}

/* One link of a comparison chain: 1 holds, 0 fails, -1 NaN. */
static KC_NOINLINE int compare_general(jl_op op, const kc_value *a, const kc_value *b);

static inline int compare(jl_op op, const kc_value *a, const kc_value *b)
{
    /* The common cases inline, without the conversions of compare_general. */
    if (a->type == KC_TYPE_NUMBER && b->type == KC_TYPE_NUMBER)
        return kc_jl_num_compare(op, a->u.num, b->u.num);
    if (a->type == b->type && (a->type == KC_TYPE_STRING || a->type == KC_TYPE_BOOL) &&
        op >= JL_EQ && op <= JL_SNE) {
        /* Equality of two strings or two booleans, loose or strict alike. */
        const int eq = a->type == KC_TYPE_STRING ? kc_str_equal(a, b)
                                                 : a->u.boolean == b->u.boolean;
        return (op == JL_EQ || op == JL_SEQ) ? eq : !eq;
    }
    return compare_general(op, a, b);
}

/* compare() for every other pair of types. */
static KC_NOINLINE int compare_general(jl_op op, const kc_value *a, const kc_value *b)
{
    int r;
    switch (op) {
    case JL_EQ:
        return loose_equal(a, b);
    case JL_NE:
        r = loose_equal(a, b);
        return r < 0 ? r : !r;
    case JL_SEQ:
        return strict_equal(a, b);
    case JL_SNE:
        return !strict_equal(a, b);
    default:
        break;
    }
    r = order(a, b);
    if (r == 2)
        return -1;
    switch (op) {
    case JL_LT:
        return r < 0;
    case JL_LE:
        return r <= 0;
    case JL_GT:
        return r > 0;
    default:
        return r >= 0;
    }
}

/* a OP b OP c ...: each link evaluated only while the chain still holds. */
OPFN eval_compare(jl_state *st, const jl_node *n, const jl_scope *sc, kc_value *out)
{
    kc_value a, b;
    kc_status s = ev(st, &n->args[0], sc, &a);
    if (s)
        return s;
    for (uint32_t i = 1; i < n->nargs; i++) {
        s = ev(st, &n->args[i], sc, &b);
        if (s)
            return s;
        if (is_unknown(&a) || is_unknown(&b)) {
            *out = kc_v_unknown();
            return KC_OK;
        }
        int r = compare((jl_op)n->op, &a, &b);
        if (r < 0)
            return throw_nan(st);
        if (!r) {
            *out = kc_v_bool(0);
            return KC_OK;
        }
        a = b;
    }
    *out = kc_v_bool(1);
    return KC_OK;
}

/* ---- strict operators ---- */

typedef kc_status (*strict_fn)(jl_state *st, const jl_node *n, const kc_value *argv, size_t argc,
                               kc_value *out);

/* Operators that need every argument: evaluates them (or spreads one), and
 * answers unknown when any is unknown, before the operator itself runs. */
OPFN eval_strict(jl_state *st, const jl_node *n, const jl_scope *sc, strict_fn fn, kc_value *out)
{
    kc_value local[LOCAL_ARGS];
    const kc_value *argv;
    size_t argc;
    kc_status s = eval_args(st, n, sc, local, &argv, &argc);
    if (s)
        return s;
    if (any_unknown(argv, argc)) {
        *out = kc_v_unknown();
        return KC_OK;
    }
    return fn(st, n, argv, argc, out);
}

/* ---- arithmetic ---- */

static kc_status number_result(jl_state *st, double d, kc_value *out)
{
    if (!isfinite(d))
        return throw_nan(st);
    *out = kc_v_num(d);
    return KC_OK;
}

/* Strict: arguments already evaluated and known (see eval_strict). */
static kc_status op_arith(jl_state *st, const jl_node *n, const kc_value *argv, size_t argc,
                  kc_value *out)
{
    const jl_op op = (jl_op)n->op;
    if ((op == JL_MIN || op == JL_MAX) && argc == 0) {
        *out = kc_v_null();
        return KC_OK;
    }
    if ((op == JL_SUB || op == JL_DIV) && argc == 0)
        return throw_args(st);
    if (op == JL_MOD && argc < 2)
        return throw_args(st);
    double acc;
    if (argc == 0) {
        acc = op == JL_MUL ? 1 : 0;
        return number_result(st, acc, out);
    }
    if (to_num(&argv[0], &acc))
        return throw_nan(st);
    if (argc == 1) {
        if (op == JL_SUB)
            acc = -acc;
        else if (op == JL_DIV)
            acc = acc == 0 ? (double)NAN : 1 / acc;
        return number_result(st, acc, out);
    }
    for (size_t i = 1; i < argc; i++) {
        double x;
        if (to_num(&argv[i], &x))
            return throw_nan(st);
        switch (op) {
        case JL_ADD:
            acc += x;
            break;
        case JL_SUB:
            acc -= x;
            break;
        case JL_MUL:
            acc *= x;
            break;
        case JL_DIV:
            acc = x == 0 ? (double)NAN : acc / x;
            break;
        case JL_MOD:
            acc = x == 0 ? (double)NAN : fmod(acc, x);
            break;
        case JL_MIN:
            acc = x < acc ? x : acc;
            break;
        default:
            acc = x > acc ? x : acc;
            break;
        }
    }
    return number_result(st, acc, out);
}

/* ---- strings and arrays ---- */

/* Strict: arguments already evaluated and known (see eval_strict). */
static kc_status op_cat(jl_state *st, const jl_node *n, const kc_value *argv, size_t argc,
                  kc_value *out)
{
    (void)n;
    size_t total = 0;
    for (size_t i = 0; i < argc; i++)
        total += write_text(&argv[i], NULL);
    if (total > UINT32_MAX)
        return out_of_arena(st);
    char *buf = kc_arena_alloc(st->arena, total + 1);
    if (!buf)
        return out_of_arena(st);
    size_t at = 0;
    for (size_t i = 0; i < argc; i++)
        at += write_text(&argv[i], buf + at);
    buf[at] = '\0';
    *out = kc_v_str(buf, (uint32_t)at);
    return KC_OK;
}

/* Byte offset of code point number cp in s (or len when past the end). */
static size_t cp_offset(const char *s, size_t len, size_t cp)
{
    size_t i = 0;
    while (i < len && cp > 0) {
        i++;
        while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        cp--;
    }
    return i;
}

static size_t cp_count(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* An integer argument as JavaScript's ToIntegerOrInfinity (NaN -> 0). */
static double int_arg(const kc_value *v)
{
    double d;
    if (to_num(v, &d) || isnan(d))
        return 0;
    return trunc(d);
}

/* substr(source, start[, length]) in code points; negative start counts from
 * the end, negative length leaves that many off the end. */
/* Strict: arguments already evaluated and known (see eval_strict). */
static kc_status op_substr(jl_state *st, const jl_node *n, const kc_value *argv, size_t argc,
                  kc_value *out)
{
    (void)n;
    kc_status s = KC_OK;
    kc_value str = kc_v_str("", 0);
    if (argc > 0) {
        s = as_string(st, &argv[0], &str);
        if (s)
            return s;
    }
    double len = (double)cp_count(str.u.str, str.n);
    double start = argc > 1 ? int_arg(&argv[1]) : 0;
    start = start < 0 ? fmax(len + start, 0) : fmin(start, len);
    double end = len;
    if (argc > 2 && argv[2].type != KC_TYPE_NULL) {
        double l = int_arg(&argv[2]);
        end = l < 0 ? fmax(start, len + l) : fmin(len, start + l);
    }
    size_t b0 = cp_offset(str.u.str, str.n, (size_t)start);
    size_t b1 = cp_offset(str.u.str, str.n, (size_t)end);
    char *p = kc_arena_strndup(st->arena, str.u.str + b0, b1 - b0);
    if (!p)
        return out_of_arena(st);
    *out = kc_v_str(p, (uint32_t)(b1 - b0));
    return KC_OK;
}

static int contains_bytes(const char *hay, size_t hn, const char *needle, size_t nn)
{
    if (nn == 0)
        return 1;
    for (size_t i = 0; i + nn <= hn; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, nn) == 0)
            return 1;
    return 0;
}


/* a in b: an element of the array b, or a substring of the string b. */
static kc_status in_test(jl_state *st, const kc_value *a, const kc_value *b, int *found)
{
    *found = 0;
    if (b->type == KC_TYPE_ARRAY) {
        *found = kc_array_has(b, a);
    } else if (b->type == KC_TYPE_STRING) {
        kc_value needle;
        kc_status s = as_string(st, a, &needle);
        if (s)
            return s;
        *found = contains_bytes(b->u.str, b->n, needle.u.str, needle.n);
    }
    return KC_OK;
}

/* Strict: arguments already evaluated and known (see eval_strict). */
static kc_status op_in(jl_state *st, const jl_node *n, const kc_value *argv, size_t argc,
                  kc_value *out)
{
    (void)n;
    kc_status s = KC_OK;
    int found = 0;
    if (argc >= 2) {
        s = in_test(st, &argv[0], &argv[1], &found);
        if (s)
            return s;
    }
    *out = kc_v_bool(found);
    return KC_OK;
}

/* Strict: arguments already evaluated and known (see eval_strict). */
static kc_status op_merge(jl_state *st, const jl_node *n, const kc_value *argv, size_t argc,
                  kc_value *out)
{
    (void)n;
    size_t total = 0;
    for (size_t i = 0; i < argc; i++)
        total += argv[i].type == KC_TYPE_ARRAY ? argv[i].n : 1;
    if (total > UINT32_MAX)
        return out_of_arena(st);
    kc_value *items = total ? kc_arena_array(st->arena, total, sizeof *items) : NULL;
    if (total && !items)
        return out_of_arena(st);
    size_t k = 0;
    for (size_t i = 0; i < argc; i++) {
        if (argv[i].type == KC_TYPE_ARRAY) {
            if (argv[i].n)
                memcpy(items + k, argv[i].u.items, argv[i].n * sizeof *items);
            k += argv[i].n;
        } else {
            items[k++] = argv[i];
        }
    }
    *out = kc_v_arr(items, (uint32_t)k);
    return KC_OK;
}

/* ---- iterators ---- */

/* The two scopes an iterator body sees: {"index": i} above the element. */
typedef struct iter_frame {
    kc_member meta_member;
    kc_value meta;
    jl_scope meta_scope;
    jl_scope item_scope;
} iter_frame;

static void frame_init(jl_state *st, iter_frame *f, const jl_scope *sc)
{
    f->meta_member.key = "index";
    f->meta_member.klen = 5;
    f->meta_member.khash = st->h_index;
    f->meta = kc_v_obj(&f->meta_member, 1);
    f->meta.flags = KC_VF_TRANSIENT;
    f->meta_scope.data = &f->meta;
    f->meta_scope.up = sc;
    f->item_scope.up = &f->meta_scope;
}

static void frame_at(iter_frame *f, const kc_value *item, uint32_t i)
{
    f->meta_member.val = kc_v_num(i);
    f->item_scope.data = item;
}

OPFN eval_iter(jl_state *st, const jl_node *n, const jl_scope *sc, kc_value *out)
{
    const jl_op op = (jl_op)n->op;
    kc_value src;
    kc_status s = ev(st, &n->args[0], sc, &src);
    if (s)
        return s;
    if (is_unknown(&src)) {
        *out = src;
        return KC_OK;
    }
    if (src.type != KC_TYPE_ARRAY) {
        if (op == JL_ALL || op == JL_SOME || op == JL_NONE)
            return throw_args(st);
        if (op == JL_REDUCE) {
            if (n->nargs > 2)
                return ev(st, &n->args[2], sc, out);
            *out = kc_v_null();
            return KC_OK;
        }
        *out = kc_v_arr(NULL, 0);
        return KC_OK;
    }
    iter_frame f;
    frame_init(st, &f, sc);
    const jl_node *body = &n->args[1];

    if (op == JL_MAP || op == JL_FILTER) {
        kc_value *items = src.n ? kc_arena_array(st->arena, src.n, sizeof *items) : NULL;
        if (src.n && !items)
            return out_of_arena(st);
        uint32_t k = 0;
        for (uint32_t i = 0; i < src.n; i++) {
            kc_value r;
            frame_at(&f, &src.u.items[i], i);
            s = ev(st, body, &f.item_scope, &r);
            if (s)
                return s;
            if (is_unknown(&r)) {
                *out = r;
                return KC_OK;
            }
            if (op == JL_MAP)
                items[k++] = r;
            else if (truthy(&r))
                items[k++] = src.u.items[i];
        }
        *out = kc_v_arr(items, k);
        return KC_OK;
    }

    if (op == JL_REDUCE) {
        kc_value acc = kc_v_null();
        if (n->nargs > 2) {
            s = ev(st, &n->args[2], sc, &acc);
            if (s)
                return s;
        }
        kc_member m[2];
        m[0].key = "current";
        m[0].klen = 7;
        m[0].khash = st->h_current;
        m[1].key = "accumulator";
        m[1].klen = 11;
        m[1].khash = st->h_accumulator;
        kc_value ctxv = kc_v_obj(m, 2);
        ctxv.flags = KC_VF_TRANSIENT;
        for (uint32_t i = 0; i < src.n; i++) {
            m[0].val = src.u.items[i];
            m[1].val = acc;
            frame_at(&f, &ctxv, i);
            s = ev(st, body, &f.item_scope, &acc);
            if (s)
                return s;
            if (is_unknown(&acc))
                break;
        }
        *out = acc;
        return KC_OK;
    }

    /* all / some / none */
    if (src.n == 0) {
        *out = kc_v_bool(op != JL_ALL && op != JL_SOME);
        return KC_OK;
    }
    int unknown = 0;
    for (uint32_t i = 0; i < src.n; i++) {
        kc_value r;
        frame_at(&f, &src.u.items[i], i);
        s = ev(st, body, &f.item_scope, &r);
        if (s)
            return s;
        if (is_unknown(&r)) {
            unknown = 1;
            continue;
        }
        int t = truthy(&r);
        if (op == JL_ALL && !t) {
            *out = kc_v_bool(0);
            return KC_OK;
        }
        if (op != JL_ALL && t) {
            *out = kc_v_bool(op == JL_SOME);
            return KC_OK;
        }
    }
    *out = unknown ? kc_v_unknown() : kc_v_bool(op != JL_SOME);
    return KC_OK;
}

/* ---- errors ---- */

OPFN eval_throw(jl_state *st, const jl_node *n, const jl_scope *sc, kc_value *out)
{
    kc_value v;
    kc_status s = ev(st, &n->args[0], sc, &v);
    if (s)
        return s;
    if (is_unknown(&v)) {
        *out = v;
        return KC_OK;
    }
    if (v.type == KC_TYPE_OBJECT) {
        st->thrown = v;
        return KC_ETHROWN;
    }
    kc_member *m = kc_arena_alloc(st->arena, sizeof *m);
    if (!m)
        return out_of_arena(st);
    m->key = "type";
    m->klen = 4;
    m->khash = st->h_type;
    m->val = v;
    st->thrown = kc_v_obj(m, 1);
    return KC_ETHROWN;
}

/* try(a, b, c): the first that does not raise; b and c see the previous
 * error as their scope. The last error propagates. */
OPFN eval_try(jl_state *st, const jl_node *n, const jl_scope *sc, kc_value *out)
{
    kc_value err;
    jl_scope err_scope = {&err, sc};
    kc_status s = KC_OK;
    for (uint32_t i = 0; i < n->nargs; i++) {
        s = ev(st, &n->args[i], i ? &err_scope : sc, out);
        if (s != KC_ETHROWN)
            return s;
        err = st->thrown;
    }
    return s;
}

/* ---- custom operators ---- */

struct kc_call {
    jl_state *st;
    kc_value *out;
};

OPFN eval_custom(jl_state *st, const jl_node *n, const jl_scope *sc, kc_value *out)
{
    kc_value local[LOCAL_ARGS];
    const kc_value *argv;
    size_t argc;
    kc_status s = eval_args(st, n, sc, local, &argv, &argc);
    if (s)
        return s;
    kc_value nullv = kc_v_null();
    int decided = 0;
    if (any_unknown(argv, argc)) {
        /* A set operator whose other argument is known to be empty is decided
         * anyway: call it with the unknown read as empty. */
        for (size_t i = 0; i < argc && i < 16; i++)
            if ((n->aux >> i & 1u) && argv[i].type != KC_TYPE_UNKNOWN_ &&
                (argv[i].type == KC_TYPE_NULL ||
                 (argv[i].type == KC_TYPE_ARRAY && argv[i].n == 0)))
                decided = 1;
        if (!decided) {
            *out = kc_v_unknown();
            return KC_OK;
        }
    }
    const kc_value *ptrs_local[LOCAL_ARGS];
    const kc_value **ptrs = ptrs_local;
    if (argc > LOCAL_ARGS) {
        ptrs = kc_arena_array(st->arena, argc, sizeof *ptrs);
        if (!ptrs)
            return out_of_arena(st);
    }
    for (size_t i = 0; i < argc; i++)
        ptrs[i] = argv[i].type == KC_TYPE_UNKNOWN_ ? &nullv : &argv[i];
    kc_call call = {st, out};
    *out = kc_v_null();
    s = n->u.custom.fn(&call, n->u.custom.ud, argc, ptrs);
    if (s == KC_OK || s == KC_ETHROWN)
        return s;
    kc_error_set(st->err, s, "operator \"%s\" failed: %s", n->u.custom.name, kc_strerror(s));
    return s;
}

kc_status kc_call_return_null(kc_call *call)
{
    if (!call)
        return KC_EINVAL;
    *call->out = kc_v_null();
    return KC_OK;
}

kc_status kc_call_return_bool(kc_call *call, int b)
{
    if (!call)
        return KC_EINVAL;
    *call->out = kc_v_bool(b);
    return KC_OK;
}

kc_status kc_call_return_number(kc_call *call, double d)
{
    if (!call)
        return KC_EINVAL;
    if (!isfinite(d))
        return throw_nan(call->st);
    *call->out = kc_v_num(d);
    return KC_OK;
}

kc_status kc_call_return_string(kc_call *call, const char *s, size_t len)
{
    if (!call || (!s && len))
        return KC_EINVAL;
    if (len > UINT32_MAX)
        return KC_ELIMIT;
    char *p = kc_arena_strndup(call->st->arena, s ? s : "", len);
    if (!p)
        return out_of_arena(call->st);
    *call->out = kc_v_str(p, (uint32_t)len);
    return KC_OK;
}

kc_status kc_call_return_value(kc_call *call, const kc_value *v)
{
    if (!call)
        return KC_EINVAL;
    *call->out = v ? *v : kc_v_null();
    return KC_OK;
}

kc_status kc_call_return_array(kc_call *call, const kc_value *const *items, size_t n)
{
    if (!call || (!items && n))
        return KC_EINVAL;
    if (n > UINT32_MAX)
        return KC_ELIMIT;
    kc_value *arr = n ? kc_arena_array(call->st->arena, n, sizeof *arr) : NULL;
    if (n && !arr)
        return out_of_arena(call->st);
    for (size_t i = 0; i < n; i++)
        arr[i] = items[i] ? *items[i] : kc_v_null();
    *call->out = kc_v_arr(arr, (uint32_t)n);
    return KC_OK;
}

kc_value *kc_jl_call_new_array(kc_call *call, size_t n)
{
    if (n > UINT32_MAX)
        return NULL;
    kc_value *arr = n ? kc_arena_array(call->st->arena, n, sizeof *arr) : NULL;
    if (n && !arr)
        return NULL;
    *call->out = kc_v_arr(arr, (uint32_t)n);
    return arr;
}

kc_status kc_call_throw(kc_call *call, const char *type)
{
    if (!call || !type)
        return KC_EINVAL;
    char *t = kc_arena_strndup(call->st->arena, type, strlen(type));
    if (!t)
        return out_of_arena(call->st);
    return throw_type(call->st, t);
}

/* ---- dispatch ---- */

OPFN eval_array(jl_state *st, const jl_node *n, const jl_scope *sc, kc_value *out)
{
    kc_value *items = kc_arena_array(st->arena, n->nargs, sizeof *items);
    if (!items)
        return out_of_arena(st);
    for (uint32_t i = 0; i < n->nargs; i++) {
        kc_status s = ev(st, &n->args[i], sc, &items[i]);
        if (s)
            return s;
        if (is_unknown(&items[i])) {
            *out = items[i];
            return KC_OK;
        }
    }
    *out = kc_v_arr(items, n->nargs);
    return KC_OK;
}

kc_status kc_jl_state_begin(jl_state *st, uint32_t nmemo)
{
    if (nmemo >= st->cap_memo) {
        jl_memo *m = kc_mem_calloc(st->ctx, (size_t)nmemo + 1, sizeof *m);
        if (!m)
            return KC_ENOMEM;
        kc_mem_free(st->ctx, st->memo);
        st->memo = m;
        st->cap_memo = nmemo + 1;
    }
    if (++st->gen == 0) {
        /* After 2^32 runs the stamps wrap: start the table afresh. */
        memset(st->memo, 0, st->cap_memo * sizeof *st->memo);
        st->gen = 1;
    }
    return KC_OK;
}

static kc_status dispatch(jl_state *st, const jl_node *n, const jl_scope *sc, kc_value *out);

kc_status kc_jl_eval(jl_state *st, const jl_node *n, const jl_scope *sc, kc_value *out)
{
    /* Shared subexpressions at the top scope are computed once per run.
     * Unknown values are not kept: recomputing them records which facts
     * were missing for the rule that reads them now. */
    if (n->memo && !sc->up) {
        jl_memo *m = &st->memo[n->memo];
        if (m->gen == st->gen) {
            *out = m->v;
            return KC_OK;
        }
        kc_status s = dispatch(st, n, sc, out);
        if (s == KC_OK && out->type != KC_TYPE_UNKNOWN_) {
            m->gen = st->gen;
            m->v = *out;
        }
        return s;
    }
    return dispatch(st, n, sc, out);
}

static kc_status dispatch(jl_state *st, const jl_node *n, const jl_scope *sc, kc_value *out)
{
    switch ((jl_op)n->op) {
    case JL_CONST:
        *out = n->u.k;
        return KC_OK;
    case JL_ARRAY:
        return eval_array(st, n, sc, out);
    case JL_VAR:
        return eval_var(st, n, sc, out);
    case JL_VAL:
        return eval_val(st, n, sc, out);
    case JL_EXISTS:
        return eval_exists(st, n, sc, out);
    case JL_MISSING:
    case JL_MISSING_SOME:
        return eval_missing(st, n, sc, out);
    case JL_COALESCE:
        return eval_coalesce(st, n, sc, out);
    case JL_IF:
        return eval_if(st, n, sc, out);
    case JL_AND:
    case JL_OR:
        return eval_andor(st, n, sc, out);
    case JL_NOT:
    case JL_NOTNOT:
        return eval_not(st, n, sc, out);
    case JL_EQ:
    case JL_NE:
    case JL_SEQ:
    case JL_SNE:
    case JL_LT:
    case JL_LE:
    case JL_GT:
    case JL_GE:
        return eval_compare(st, n, sc, out);
    case JL_ADD:
    case JL_SUB:
    case JL_MUL:
    case JL_DIV:
    case JL_MOD:
    case JL_MIN:
    case JL_MAX:
        return eval_strict(st, n, sc, op_arith, out);
    case JL_CAT:
        return eval_strict(st, n, sc, op_cat, out);
    case JL_SUBSTR:
        return eval_strict(st, n, sc, op_substr, out);
    case JL_IN:
        return eval_strict(st, n, sc, op_in, out);
    case JL_MERGE:
        return eval_strict(st, n, sc, op_merge, out);
    case JL_MAP:
    case JL_FILTER:
    case JL_REDUCE:
    case JL_ALL:
    case JL_SOME:
    case JL_NONE:
        return eval_iter(st, n, sc, out);
    case JL_THROW:
        return eval_throw(st, n, sc, out);
    case JL_TRY:
        return eval_try(st, n, sc, out);
    case JL_CUSTOM:
        return eval_custom(st, n, sc, out);
    case JL_OP_COUNT_:
        break;
    }
    return kc_error_set(st->err, KC_EINVAL, "corrupt expression (opcode %u)", n->op);
}

/* ---- boolean context ---- */

/* Remembers the truth of a shared subexpression for the rest of the run. */
static int remember_truth(jl_state *st, const jl_node *n, const jl_scope *sc, int t)
{
    if (n->memo && !sc->up && t <= KC_TV_TRUE) {
        st->memo[n->memo].tgen = st->gen;
        st->memo[n->memo].truth = t;
    }
    return t;
}

/* A plain top-scope variable read in place, from its memo slot (kc_jl_share
 * gives each one a slot); NULL sends the caller down the general path. */
static inline const kc_value *leaf_fact(jl_state *st, const jl_node *v, const jl_scope *sc)
{
    if (!v->memo)
        return NULL;
    jl_memo *m = &st->memo[v->memo];
    if (m->gen == st->gen)
        return &m->v;
    return fetch_var(st, v, sc, m);
}

/* An operand read in place without the general evaluator: a constant, or a
 * plain top-scope variable. NULL sends the caller down the general path. */
static inline const kc_value *leaf_arg(jl_state *st, const jl_node *n, const jl_scope *sc)
{
    if (n->op == JL_CONST)
        return &n->u.k;
    if (n->op != JL_VAR || n->flags || sc->up)
        return NULL;
    return leaf_fact(st, n, sc);
}

/* The general path of kc_jl_test: operands that need evaluating, unknown
 * facts, errors, and every other operator. */
static KC_NOINLINE int test_slow(jl_state *st, const jl_node *n, const jl_scope *sc,
                              kc_status *status)
{
    kc_value a, b;
    kc_status s;
    switch ((jl_op)n->op) {
    case JL_EQ:
    case JL_NE:
    case JL_SEQ:
    case JL_SNE:
    case JL_LT:
    case JL_LE:
    case JL_GT:
    case JL_GE:
        if (n->nargs != 2)
            break;
        if ((s = ev(st, &n->args[0], sc, &a)) != KC_OK || (s = ev(st, &n->args[1], sc, &b)) != KC_OK) {
            *status = s;
            return KC_TV_ERROR;
        }
        if (is_unknown(&a) || is_unknown(&b))
            return KC_TV_UNKNOWN;
        {
            int r = compare((jl_op)n->op, &a, &b);
            if (r < 0) {
                *status = throw_nan(st);
                return KC_TV_ERROR;
            }
            return remember_truth(st, n, sc, r);
        }
    case JL_IN:
        if (n->nargs != 2 || (n->flags & JL_F_SPREAD))
            break;
        if ((s = ev(st, &n->args[0], sc, &a)) != KC_OK || (s = ev(st, &n->args[1], sc, &b)) != KC_OK) {
            *status = s;
            return KC_TV_ERROR;
        }
        if (is_unknown(&a) || is_unknown(&b))
            return KC_TV_UNKNOWN;
        {
            int found;
            if ((s = in_test(st, &a, &b, &found)) != KC_OK) {
                *status = s;
                return KC_TV_ERROR;
            }
            return remember_truth(st, n, sc, found);
        }
    default:
        break;
    }
    s = kc_jl_eval(st, n, sc, &a);
    if (s) {
        *status = s;
        return KC_TV_ERROR;
    }
    return is_unknown(&a) ? KC_TV_UNKNOWN : remember_truth(st, n, sc, truthy(&a));
}

static int test_inner(jl_state *st, const jl_node *n, const jl_scope *sc, kc_status *status);

/* A leaf comparing facts and constants read in place (JL_AUX_LEAF). Returns
 * -1 when the general path must decide (an absent fact, a comparison that
 * needs coercion or raises). */
static inline int test_leaf(jl_state *st, const jl_node *n, const jl_scope *sc)
{
    if (sc->up)
        return -1;
    const jl_node *x = &n->args[0], *y = &n->args[1];
    const kc_value *a = (n->aux & JL_AUX_VAR0) ? leaf_fact(st, x, sc) : &x->u.k;
    if (!a)
        return -1;
    const kc_value *b = (n->aux & JL_AUX_VAR1) ? leaf_fact(st, y, sc) : &y->u.k;
    if (!b)
        return -1;
    int r;
    if (n->op == JL_IN) {
        /* A string searched with "in" (a substring test) is the general
         * path's. */
        if (b->type != KC_TYPE_ARRAY)
            return -1;
        r = kc_array_has(b, a);
    } else if ((r = compare((jl_op)n->op, a, b)) < 0) {
        return -1;
    }
    return remember_truth(st, n, sc, r);
}

/* The cheap cases of a test, inline wherever a truth value is needed: a
 * constant, a truth remembered this run, or a leaf (test_leaf). The rest
 * goes to test_inner. */
static inline int test_node(jl_state *st, const jl_node *n, const jl_scope *sc, kc_status *status)
{
    if (n->op == JL_CONST)
        return truthy(&n->u.k);
    if (n->memo && !sc->up) {
        const jl_memo *m = &st->memo[n->memo];
        if (m->tgen == st->gen)
            return m->truth;
        if (m->gen == st->gen)
            return truthy(&m->v);
    }
    if (n->aux & JL_AUX_LEAF) {
        int t = test_leaf(st, n, sc);
        if (t >= 0)
            return t;
    }
    return test_inner(st, n, sc, status);
}

/* "and" / "or" with Kleene logic: a decisive part wins over unknown parts.
 * Part `skip` (UINT32_MAX: none) is taken to hold without testing it. */
static int test_andor(jl_state *st, const jl_node *n, uint32_t skip, const jl_scope *sc,
                      kc_status *status)
{
    const int want = n->op == JL_OR; /* the decisive truth value */
    int unknown = 0;
    for (uint32_t i = 0; i < n->nargs; i++) {
        if (i == skip) {
            if (want)
                return remember_truth(st, n, sc, want);
            continue;
        }
        int t = test_node(st, &n->args[i], sc, status);
        if (t == KC_TV_ERROR)
            return t;
        if (t == KC_TV_UNKNOWN)
            unknown = 1;
        else if (t == want)
            return remember_truth(st, n, sc, want);
    }
    if (unknown)
        return KC_TV_UNKNOWN;
    return remember_truth(st, n, sc, n->nargs ? !want : 0);
}

/* Connectives, and everything test_node could not answer. */
static KC_NOINLINE int test_inner(jl_state *st, const jl_node *n, const jl_scope *sc,
                               kc_status *status)
{
    switch ((jl_op)n->op) {
    case JL_AND:
    case JL_OR:
        return test_andor(st, n, UINT32_MAX, sc, status);
    case JL_NOT:
    case JL_NOTNOT: {
        int t = n->nargs ? test_node(st, &n->args[0], sc, status) : 0;
        if (t == KC_TV_ERROR || t == KC_TV_UNKNOWN)
            return t;
        return remember_truth(st, n, sc, n->op == JL_NOT ? !t : t);
    }
    default:
        return test_slow(st, n, sc, status);
    }
}

int kc_jl_test_leaf(jl_state *st, const jl_node *n, const jl_scope *sc)
{
    return (n->aux & JL_AUX_LEAF) ? test_leaf(st, n, sc) : -1;
}

int kc_jl_test(jl_state *st, const jl_node *n, const jl_scope *sc, kc_status *status)
{
    return test_node(st, n, sc, status);
}

int kc_jl_test_except(jl_state *st, const jl_node *n, uint32_t part, const jl_scope *sc,
                      kc_status *status)
{
    /* An "and" goes straight to its parts, unless it is shared (then its
     * truth may be remembered already) and nothing is to be skipped. */
    if (n->op != JL_AND || (n->memo && part >= n->nargs))
        return test_node(st, n, sc, status);
    return test_andor(st, n, part, sc, status);
}

void kc_jl_resolve(jl_state *st, const jl_fact *facts, uint32_t n, const kc_value *root)
{
    if (!root || root->type != KC_TYPE_OBJECT)
        return;
    const uint32_t gen = st->gen;
    jl_memo *memo = st->memo;
    for (uint32_t i = 0; i < n;) {
        const jl_fact *f = &facts[i++];
        jl_memo *m = &memo[f->memo];
        const kc_value *v = member_hinted(root, f->seg, &m->hint);
        if (f->nchildren == 0) {
            if (v) {
                m->v = *v;
                m->gen = gen;
            }
            continue;
        }
        /* An object slot is remembered even when absent, as lookup_path
         * remembers it; its variables are read only from an object. */
        m->v = v ? *v : kc_v_unknown();
        m->gen = gen;
        const uint32_t end = i + f->nchildren;
        if (v && v->type == KC_TYPE_OBJECT) {
            for (; i < end; i++) {
                jl_memo *c = &memo[facts[i].memo];
                const kc_value *w = member_hinted(v, facts[i].seg, &c->hint);
                if (w) {
                    c->v = *w;
                    c->gen = gen;
                }
            }
        }
        i = end;
    }
}

const kc_value *kc_jl_fact(jl_state *st, const jl_node *n, const jl_scope *sc)
{
    return leaf_arg(st, n, sc);
}

/* ---- public: kc_eval ---- */

struct kc_eval {
    const kc_ctx *ctx;
    kc_arena arena;
    jl_state st;
    kc_value result;
    int has_thrown;
};

const jl_node *kc_logic_root_(const kc_logic *logic, uint32_t *nmemo);

kc_status kc_eval_create(kc_ctx *ctx, kc_eval **out)
{
    if (!out)
        return KC_EINVAL;
    *out = NULL;
    if (!ctx)
        return KC_EINVAL;
    kc_eval *ev = kc_mem_alloc(ctx, sizeof *ev);
    if (!ev)
        return KC_ENOMEM;
    memset(ev, 0, sizeof *ev);
    ev->ctx = ctx;
    kc_arena_init(&ev->arena, ctx, 4096, kc_ctx_limit(ctx, KC_LIMIT_EVAL_BYTES));
    kc_jl_state_init(&ev->st, ctx, &ev->arena);
    *out = ev;
    return KC_OK;
}

void kc_eval_free(kc_eval *ev)
{
    if (!ev)
        return;
    kc_jl_state_free(&ev->st);
    kc_arena_free(&ev->arena);
    kc_mem_free(ev->ctx, ev);
}

kc_status kc_logic_run(kc_eval *ev, const kc_logic *logic, const kc_value *data,
                       const kc_value **result, kc_error *err)
{
    if (result)
        *result = NULL;
    if (ev)
        ev->has_thrown = 0;
    if (err)
        kc_error_init(err, "<eval>");
    if (!ev || !logic || !result)
        return kc_error_set(err, KC_EINVAL, "kc_logic_run: NULL argument");
    kc_arena_reset(&ev->arena);
    ev->st.nmissing = 0;
    uint32_t nmemo;
    const jl_node *program = kc_logic_root_(logic, &nmemo);
    if (kc_jl_state_begin(&ev->st, nmemo))
        return kc_error_set(err, KC_ENOMEM, "out of memory during evaluation");
    ev->st.err = err;
    kc_value nullv = kc_v_null();
    jl_scope root = {data ? data : &nullv, NULL};
    kc_value v;
    kc_status s = kc_jl_eval(&ev->st, program, &root, &v);
    ev->st.err = NULL;
    if (s == KC_ETHROWN) {
        ev->has_thrown = 1;
        kc_value type_text;
        const kc_value *t = kc_obj_get(&ev->st.thrown, "type", 4, ev->st.h_type);
        if (t && t->type == KC_TYPE_STRING)
            type_text = *t;
        else
            type_text = kc_v_str("error", 5);
        kc_error_set(err, s, "evaluation raised {\"type\": \"%.*s\"}", (int)type_text.n,
                     type_text.u.str);
        return s;
    }
    if (s)
        return s;
    ev->result = v; /* scalars by value; anything else lives in data, logic or arena */
    *result = &ev->result;
    return KC_OK;
}

const kc_value *kc_eval_thrown(const kc_eval *ev)
{
    return ev && ev->has_thrown ? &ev->st.thrown : NULL;
}
