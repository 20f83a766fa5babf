/* jl_compile.c - JSON Logic expression -> immutable jl_node tree.
 *
 * Grammar (a JSON value read as an expression):
 *   expr     := literal | array | operation
 *   literal  := null | true | false | number | string | {}     -> JL_CONST
 *   array    := [ expr, ... ]         -> JL_CONST if every element is constant,
 *                                        else JL_ARRAY
 *   operation:= { "op": args }        exactly one key, the operator name
 *   args     := [ expr, ... ]         a list of arguments
 *             | expr                  one argument; for "spreading" operators
 *                                     (+ - * / % min max cat substr in merge
 *                                     missing missing_some) its value, when an
 *                                     array, is the argument list
 * Everything that can be decided here is: unknown operators, argument counts
 * of literal lists, non-list arguments where a list is required, and literal
 * nulls where an array or a rule is required. Those are compile errors with a
 * JSON Pointer (and line:column when the source document is known), so a rule
 * author learns of them when loading, not at the first evaluation. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "doc.h"
#include "error.h"
#include "jl.h"
#include "json_read.h"
#include "mem.h"
#include "text.h"

/* How an operator takes its arguments. */
enum arg_shape {
    SHAPE_LIST,   /* must be a literal array */
    SHAPE_SPREAD, /* array, or one expression whose array value is spread */
    SHAPE_SINGLE, /* array, or one expression that is the single argument */
    SHAPE_RAW     /* preserve: the argument is data, not an expression */
};

typedef struct builtin {
    const char *name;
    uint8_t op;
    uint8_t shape;
    int8_t min_args, max_args; /* for literal lists; max < 0: unbounded */
    uint8_t iterates;          /* first argument is the array to walk */
} builtin;

#define PRESERVE_OP 0xFF

static const builtin builtins[] = {
    {"var", JL_VAR, SHAPE_SINGLE, 0, 2, 0},
    {"val", JL_VAL, SHAPE_SINGLE, 0, -1, 0},
    {"exists", JL_EXISTS, SHAPE_SINGLE, 0, -1, 0},
    {"missing", JL_MISSING, SHAPE_SPREAD, 0, -1, 0},
    {"missing_some", JL_MISSING_SOME, SHAPE_SPREAD, 2, 2, 0},
    {"??", JL_COALESCE, SHAPE_SINGLE, 0, -1, 0},
    {"if", JL_IF, SHAPE_LIST, 0, -1, 0},
    {"?:", JL_IF, SHAPE_LIST, 0, -1, 0},
    {"and", JL_AND, SHAPE_LIST, 0, -1, 0},
    {"or", JL_OR, SHAPE_LIST, 0, -1, 0},
    {"!", JL_NOT, SHAPE_SINGLE, 0, -1, 0},
    {"!!", JL_NOTNOT, SHAPE_SINGLE, 0, -1, 0},
    {"==", JL_EQ, SHAPE_LIST, 2, -1, 0},
    {"!=", JL_NE, SHAPE_LIST, 2, -1, 0},
    {"===", JL_SEQ, SHAPE_LIST, 2, -1, 0},
    {"!==", JL_SNE, SHAPE_LIST, 2, -1, 0},
    {"<", JL_LT, SHAPE_LIST, 2, -1, 0},
    {"<=", JL_LE, SHAPE_LIST, 2, -1, 0},
    {">", JL_GT, SHAPE_LIST, 2, -1, 0},
    {">=", JL_GE, SHAPE_LIST, 2, -1, 0},
    {"+", JL_ADD, SHAPE_SPREAD, 0, -1, 0},
    {"-", JL_SUB, SHAPE_SPREAD, 1, -1, 0},
    {"*", JL_MUL, SHAPE_SPREAD, 0, -1, 0},
    {"/", JL_DIV, SHAPE_SPREAD, 1, -1, 0},
    {"%", JL_MOD, SHAPE_SPREAD, 2, -1, 0},
    {"min", JL_MIN, SHAPE_SPREAD, 0, -1, 0},
    {"max", JL_MAX, SHAPE_SPREAD, 0, -1, 0},
    {"cat", JL_CAT, SHAPE_SPREAD, 0, -1, 0},
    {"substr", JL_SUBSTR, SHAPE_SPREAD, 1, 3, 0},
    {"in", JL_IN, SHAPE_SPREAD, 2, 2, 0},
    {"merge", JL_MERGE, SHAPE_SPREAD, 0, -1, 0},
    {"map", JL_MAP, SHAPE_LIST, 2, 2, 1},
    {"filter", JL_FILTER, SHAPE_LIST, 2, 2, 1},
    {"reduce", JL_REDUCE, SHAPE_LIST, 2, 3, 1},
    {"all", JL_ALL, SHAPE_LIST, 2, 2, 1},
    {"some", JL_SOME, SHAPE_LIST, 2, 2, 1},
    {"none", JL_NONE, SHAPE_LIST, 2, 2, 1},
    {"throw", JL_THROW, SHAPE_SINGLE, 1, 1, 0},
    {"try", JL_TRY, SHAPE_SINGLE, 1, -1, 0},
    {"preserve", PRESERVE_OP, SHAPE_RAW, 0, -1, 0},
};

#define NBUILTINS (sizeof builtins / sizeof builtins[0])

static const builtin *find_builtin(const char *name, size_t len)
{
    for (size_t i = 0; i < NBUILTINS; i++)
        if (strlen(builtins[i].name) == len && memcmp(builtins[i].name, name, len) == 0)
            return &builtins[i];
    return NULL;
}

const char *kc_jl_op_name(const jl_node *n)
{
    if (n->op == JL_CUSTOM)
        return n->u.custom.name;
    if (n->op == JL_CONST)
        return "literal";
    if (n->op == JL_ARRAY)
        return "array";
    for (size_t i = 0; i < NBUILTINS; i++)
        if (builtins[i].op == n->op)
            return builtins[i].name;
    return "?";
}

/* ---- compile state ---- */

typedef struct jl_cc {
    const kc_ctx *ctx;
    kc_arena *arena;
    const kc_doc *doc;
    kc_error *err;
    kc_jptr path; /* JSON Pointer of the node being compiled */
    size_t depth, max_depth;
} jl_cc;

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static kc_status
fail_at(jl_cc *cc, const kc_value *v, kc_status st, const char *fmt, ...)
{
    if (!cc->err)
        return st;
    va_list ap;
    va_start(ap, fmt);
    kc_error_vset(cc->err, st, fmt, ap);
    va_end(ap);
    kc_error_set_path(cc->err, cc->path.len ? cc->path.text : "/");
    const kc_pos *pos = kc_doc_pos(cc->doc, v);
    if (pos)
        kc_error_set_pos(cc->err, pos->line, pos->col, pos->offset);
    return st;
}

static kc_status no_memory(jl_cc *cc)
{
    kc_status st = cc->arena->error == KC_ELIMIT ? KC_ELIMIT : KC_ENOMEM;
    if (cc->err)
        kc_error_set(cc->err, st, "%s while compiling an expression", kc_strerror(st));
    return st;
}

/* ---- constants ---- */

kc_status kc_value_copy(kc_arena *arena, const kc_value *src, kc_value *dst)
{
    *dst = *src;
    /* A copy is neither a stack frame nor laid out as one block. */
    dst->flags = (uint8_t)(src->flags & ~(KC_VF_TRANSIENT | KC_VF_SPAN));
    switch (src->type) {
    case KC_TYPE_STRING: {
        char *s = kc_arena_strndup(arena, src->u.str, src->n);
        if (!s)
            return arena->error ? arena->error : KC_ENOMEM;
        dst->u.str = s;
        return KC_OK;
    }
    case KC_TYPE_ARRAY: {
        kc_value *items = kc_arena_array(arena, src->n, sizeof *items);
        if (!items && src->n)
            return arena->error ? arena->error : KC_ENOMEM;
        for (uint32_t i = 0; i < src->n; i++) {
            kc_status st = kc_value_copy(arena, &src->u.items[i], &items[i]);
            if (st)
                return st;
        }
        dst->u.items = items;
        return KC_OK;
    }
    case KC_TYPE_OBJECT: {
        kc_member *m = kc_arena_array(arena, src->n, sizeof *m);
        if (!m && src->n)
            return arena->error ? arena->error : KC_ENOMEM;
        for (uint32_t i = 0; i < src->n; i++) {
            const kc_member *sm = &src->u.members[i];
            m[i].klen = sm->klen;
            m[i].khash = sm->khash;
            m[i].key = kc_arena_strndup(arena, sm->key, sm->klen);
            if (!m[i].key)
                return arena->error ? arena->error : KC_ENOMEM;
            kc_status st = kc_value_copy(arena, &sm->val, &m[i].val);
            if (st)
                return st;
        }
        dst->u.members = m;
        return KC_OK;
    }
    default:
        return KC_OK;
    }
}

static kc_status make_const(jl_cc *cc, const kc_value *v, jl_node *out)
{
    memset(out, 0, sizeof *out);
    out->op = JL_CONST;
    kc_status st = kc_value_copy(cc->arena, v, &out->u.k);
    return st ? no_memory(cc) : KC_OK;
}

/* ---- paths ---- */


static int make_seg(kc_arena *a, const char *key, size_t len, jl_seg *seg)
{
    char *k = kc_arena_strndup(a, key, len);
    if (!k)
        return -1;
    seg->key = k;
    seg->len = (uint32_t)len;
    seg->hash = kc_hash(k, len);
    seg->idx = kc_path_index(k, len);
    return 0;
}

/* A number used as a path step: integers become their decimal text. */
static int number_key(double d, char *buf)
{
    size_t n = kc_format_number(d, buf);
    return (int)n;
}

/* var path: "a.b.0" split on dots; "" or null is the whole scope. */
static kc_status compile_dotted(jl_cc *cc, const kc_value *v, jl_node *n)
{
    char numbuf[KC_NUM_BUF];
    const char *s;
    size_t len;
    if (v->type == KC_TYPE_STRING) {
        s = v->u.str;
        len = v->n;
    } else if (v->type == KC_TYPE_NUMBER) {
        len = (size_t)number_key(v->u.num, numbuf);
        s = numbuf;
    } else {
        s = "";
        len = 0;
    }
    n->u.path.text = kc_arena_strndup(cc->arena, s, len);
    if (!n->u.path.text)
        return no_memory(cc);
    if (len == 0)
        return KC_OK; /* no segments: the scope itself */
    size_t nsegs = 1;
    for (size_t i = 0; i < len; i++)
        nsegs += s[i] == '.';
    jl_seg *segs = kc_arena_array(cc->arena, nsegs, sizeof *segs);
    if (!segs)
        return no_memory(cc);
    size_t start = 0, k = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == '.') {
            if (make_seg(cc->arena, s + start, i - start, &segs[k++]))
                return no_memory(cc);
            start = i + 1;
        }
    }
    n->u.path.segs = segs;
    n->u.path.nsegs = (uint32_t)nsegs;
    return KC_OK;
}

static int is_const_key(const kc_value *v)
{
    return v->type == KC_TYPE_STRING || v->type == KC_TYPE_NUMBER;
}

/* val path: each element one key; a leading [n] climbs n scopes. Returns
 * 1 when the path is constant and has been stored in n, 0 when it must be
 * computed at run time. */
static kc_status compile_val_path(jl_cc *cc, const kc_value *items, size_t count, jl_node *n,
                                  int *is_static)
{
    size_t first = 0;
    uint32_t up = 0;
    *is_static = 0;
    if (count > 0 && items[0].type == KC_TYPE_ARRAY) {
        const kc_value *lvl = &items[0];
        if (lvl->n != 1 || lvl->u.items[0].type != KC_TYPE_NUMBER)
            return KC_OK; /* not a scope step; leave it to run time */
        double d = fabs(lvl->u.items[0].u.num);
        up = d > 1e6 ? 1000000u : (uint32_t)d;
        first = 1;
    }
    for (size_t i = first; i < count; i++)
        if (!is_const_key(&items[i]))
            return KC_OK;
    size_t nsegs = count - first;
    jl_seg *segs = nsegs ? kc_arena_array(cc->arena, nsegs, sizeof *segs) : NULL;
    if (nsegs && !segs)
        return no_memory(cc);
    char text[KC_ERROR_PATH_MAX];
    size_t tlen = 0;
    text[0] = '\0';
    for (size_t i = 0; i < nsegs; i++) {
        const kc_value *e = &items[first + i];
        char numbuf[KC_NUM_BUF];
        const char *s = e->u.str;
        size_t len = e->n;
        if (e->type == KC_TYPE_NUMBER) {
            len = (size_t)number_key(e->u.num, numbuf);
            s = numbuf;
        }
        if (make_seg(cc->arena, s, len, &segs[i]))
            return no_memory(cc);
        int w = snprintf(text + tlen, sizeof text - tlen, "%s%.*s", i ? "." : "", (int)len, s);
        if (w > 0)
            tlen = tlen + (size_t)w < sizeof text ? tlen + (size_t)w : sizeof text - 1;
    }
    n->u.path.segs = segs;
    n->u.path.nsegs = (uint32_t)nsegs;
    n->u.path.up = up;
    n->u.path.text = kc_arena_strndup(cc->arena, text, tlen);
    if (!n->u.path.text)
        return no_memory(cc);
    *is_static = 1;
    return KC_OK;
}

/* ---- expressions ---- */

static kc_status compile_expr(jl_cc *cc, const kc_value *v, jl_node *out);

/* Compiles count expressions into a new contiguous child array. */
static kc_status compile_list(jl_cc *cc, const kc_value *items, size_t count, jl_node *n)
{
    n->nargs = (uint32_t)count;
    if (count == 0)
        return KC_OK;
    jl_node *args = kc_arena_array(cc->arena, count, sizeof *args);
    if (!args)
        return no_memory(cc);
    for (size_t i = 0; i < count; i++) {
        size_t saved;
        saved = kc_jptr_push_index(&cc->path, i);
        kc_status st = compile_expr(cc, &items[i], &args[i]);
        if (st)
            return st;
        kc_jptr_pop(&cc->path, saved);
    }
    n->args = args;
    return KC_OK;
}


static const char *suggest_op(const kc_ctx *ctx, const char *name, size_t len)
{
    const char *best = NULL;
    unsigned bestd = 3;
    for (size_t i = 0; i < NBUILTINS; i++) {
        unsigned d = kc_edit_distance(name, len, builtins[i].name, strlen(builtins[i].name));
        if (d < bestd) {
            bestd = d;
            best = builtins[i].name;
        }
    }
    for (size_t i = 0; i < ctx->nops; i++) {
        unsigned d = kc_edit_distance(name, len, ctx->ops[i].name, ctx->ops[i].name_len);
        if (d < bestd) {
            bestd = d;
            best = ctx->ops[i].name;
        }
    }
    /* A one-letter name is too short for a distance to mean anything. */
    return len > 1 ? best : NULL;
}

static kc_status check_count(jl_cc *cc, const kc_value *at, const char *name, size_t count,
                             int min_args, int max_args)
{
    if ((int)count >= min_args && (max_args < 0 || (int)count <= max_args))
        return KC_OK;
    if (max_args < 0)
        return fail_at(cc, at, KC_EARGS, "\"%s\" needs at least %d argument%s, got %zu", name,
                       min_args, min_args == 1 ? "" : "s", count);
    if (min_args == max_args)
        return fail_at(cc, at, KC_EARGS, "\"%s\" takes %d argument%s, got %zu", name, min_args,
                       min_args == 1 ? "" : "s", count);
    return fail_at(cc, at, KC_EARGS, "\"%s\" takes %d to %d arguments, got %zu", name, min_args,
                   max_args, count);
}

/* Literal checks that the compat suites require to fail: iterators over a
 * literal that is not an array, and map/filter/reduce with a null rule. */
static kc_status check_iterator(jl_cc *cc, const builtin *b, const kc_value *items,
                                size_t count)
{
    const kc_value *src = &items[0];
    if (src->type != KC_TYPE_ARRAY && !(src->type == KC_TYPE_OBJECT && src->n == 1))
        return fail_at(cc, src, KC_EARGS,
                       "\"%s\" needs an array (or an expression giving one) as its first "
                       "argument",
                       b->name);
    if (count > 1 && items[1].type == KC_TYPE_NULL &&
        (b->op == JL_MAP || b->op == JL_FILTER || b->op == JL_REDUCE))
        return fail_at(cc, &items[1], KC_EARGS,
                       "\"%s\" needs a rule as its second argument, not null", b->name);
    return KC_OK;
}

static kc_status compile_var(jl_cc *cc, const kc_value *args, jl_node *n)
{
    /* {"var": P} or {"var": [P]} or {"var": [P, default]} */
    const kc_value *p = args;
    const kc_value *dflt = NULL;
    kc_value nullv = kc_v_null();
    if (args->type == KC_TYPE_ARRAY) {
        p = args->n > 0 ? &args->u.items[0] : &nullv;
        dflt = args->n > 1 ? &args->u.items[1] : NULL;
    }
    int static_path = p->type == KC_TYPE_STRING || p->type == KC_TYPE_NUMBER ||
                      p->type == KC_TYPE_NULL ||
                      (p->type == KC_TYPE_ARRAY && p->n == 0);
    size_t nargs = (static_path ? 0u : 1u) + (dflt ? 1u : 0u);
    jl_node *kids = nargs ? kc_arena_array(cc->arena, nargs, sizeof *kids) : NULL;
    if (nargs && !kids)
        return no_memory(cc);
    size_t k = 0, saved = 0;
    if (static_path) {
        kc_status st = compile_dotted(cc, p, n);
        if (st)
            return st;
    } else {
        n->flags |= JL_F_DYNPATH;
        if (args->type == KC_TYPE_ARRAY)
            saved = kc_jptr_push_index(&cc->path, 0);
        kc_status st = compile_expr(cc, p, &kids[k++]);
        if (st)
            return st;
        if (args->type == KC_TYPE_ARRAY)
            kc_jptr_pop(&cc->path, saved);
    }
    if (dflt) {
        n->flags |= JL_F_DEFAULT;
        saved = kc_jptr_push_index(&cc->path, 1);
        kc_status st = compile_expr(cc, dflt, &kids[k++]);
        if (st)
            return st;
        kc_jptr_pop(&cc->path, saved);
    }
    n->nargs = (uint32_t)nargs;
    n->args = kids;
    return KC_OK;
}

static kc_status compile_val(jl_cc *cc, const kc_value *args, jl_node *n)
{
    /* {"val": K} is {"val": [K]}; {"val": null} and {"val": []} read the scope. */
    const kc_value *items = args;
    size_t count = 1;
    if (args->type == KC_TYPE_ARRAY) {
        items = args->u.items;
        count = args->n;
    } else if (args->type == KC_TYPE_NULL) {
        count = 0;
    }
    int is_static;
    kc_status st = compile_val_path(cc, items, count, n, &is_static);
    if (st || is_static)
        return st;
    n->flags |= JL_F_DYNPATH;
    if (args->type == KC_TYPE_ARRAY)
        return compile_list(cc, items, count, n);
    /* One computed key: {"val": {"cat": [...]}} */
    jl_node *kid = kc_arena_alloc(cc->arena, sizeof *kid);
    if (!kid)
        return no_memory(cc);
    st = compile_expr(cc, args, kid);
    if (st)
        return st;
    n->nargs = 1;
    n->args = kid;
    n->flags |= JL_F_SPREAD; /* its value may be a whole path (an array) */
    return KC_OK;
}

static kc_status compile_operation(jl_cc *cc, const kc_value *v, jl_node *n)
{
    const kc_member *m = &v->u.members[0];
    const kc_value *args = &m->val;
    const builtin *b = find_builtin(m->key, m->klen);
    const kc_custom_op *custom = b ? NULL : kc_ctx_find_op(cc->ctx, m->key, m->klen);
    size_t saved;

    if (!b && !custom) {
        const char *hint = suggest_op(cc->ctx, m->key, m->klen);
        if (hint)
            return fail_at(cc, v, KC_EOPERATOR, "unknown operator \"%s\"; did you mean \"%s\"?",
                           m->key, hint);
        return fail_at(cc, v, KC_EOPERATOR,
                       "unknown operator \"%s\" (an object in a rule must be an operation "
                       "with one operator as its key; wrap literal data in "
                       "{\"preserve\": ...})",
                       m->key);
    }

    saved = kc_jptr_push(&cc->path, m->key, m->klen);
    kc_status st = KC_OK;
    if (custom) {
        n->op = JL_CUSTOM;
        n->u.custom.fn = custom->fn;
        n->u.custom.ud = custom->ud;
        n->aux = (uint16_t)custom->empty_decides;
        n->u.custom.name = kc_arena_strndup(cc->arena, custom->name, custom->name_len);
        if (!n->u.custom.name) {
            st = no_memory(cc);
        } else if (args->type == KC_TYPE_ARRAY) {
            st = check_count(cc, v, custom->name, args->n, custom->min_args, custom->max_args);
            if (!st)
                st = compile_list(cc, args->u.items, args->n, n);
        } else {
            st = check_count(cc, v, custom->name, 1, custom->min_args, custom->max_args);
            if (!st)
                st = compile_list(cc, args, 1, n);
        }
        kc_jptr_pop(&cc->path, saved);
        return st;
    }

    n->op = b->op;
    if (b->op == PRESERVE_OP) {
        st = make_const(cc, args, n);
        kc_jptr_pop(&cc->path, saved);
        return st;
    }
    if (b->op == JL_VAR) {
        if (args->type == KC_TYPE_ARRAY)
            st = check_count(cc, v, b->name, args->n, b->min_args, b->max_args);
        if (!st)
            st = compile_var(cc, args, n);
        kc_jptr_pop(&cc->path, saved);
        return st;
    }
    if (b->op == JL_VAL || b->op == JL_EXISTS) {
        st = compile_val(cc, args, n);
        kc_jptr_pop(&cc->path, saved);
        return st;
    }

    if (args->type == KC_TYPE_ARRAY) {
        st = check_count(cc, v, b->name, args->n, b->min_args, b->max_args);
        if (!st && b->iterates)
            st = check_iterator(cc, b, args->u.items, args->n);
        if (!st)
            st = compile_list(cc, args->u.items, args->n, n);
    } else if (b->shape == SHAPE_LIST) {
        st = fail_at(cc, v, KC_EARGS, "\"%s\" needs its arguments in an array, e.g. {\"%s\": [...]}",
                     b->name, b->name);
    } else {
        /* One expression. Spreading operators whose argument is a literal
         * (not an array) get it as their only argument; otherwise its value
         * is looked at during evaluation. */
        int literal = args->type != KC_TYPE_OBJECT || args->n == 0;
        if (b->shape == SHAPE_SPREAD && !literal)
            n->flags |= JL_F_SPREAD;
        else
            st = check_count(cc, v, b->name, 1, b->min_args, b->max_args);
        if (!st)
            st = compile_list(cc, args, 1, n);
    }
    kc_jptr_pop(&cc->path, saved);
    return st;
}

static kc_status compile_expr(jl_cc *cc, const kc_value *v, jl_node *out)
{
    memset(out, 0, sizeof *out);
    if (v->type == KC_TYPE_OBJECT && v->n > 1)
        return fail_at(cc, v, KC_EARGS,
                       "an operation must have exactly one key (the operator), this object "
                       "has %u; wrap literal data in {\"preserve\": ...}",
                       v->n);
    if (v->type != KC_TYPE_ARRAY && !(v->type == KC_TYPE_OBJECT && v->n == 1))
        return make_const(cc, v, out);
    if (++cc->depth > cc->max_depth) {
        cc->depth--;
        return fail_at(cc, v, KC_ELIMIT, "expression nested deeper than %zu levels (KC_LIMIT_DEPTH)",
                       cc->max_depth);
    }
    kc_status st;
    if (v->type == KC_TYPE_ARRAY) {
        out->op = JL_ARRAY;
        st = compile_list(cc, v->u.items, v->n, out);
        if (!st) {
            /* Fold an array of constants into one constant. */
            int all_const = 1;
            for (uint32_t i = 0; i < out->nargs; i++)
                all_const &= out->args[i].op == JL_CONST;
            if (all_const) {
                kc_value *items = out->nargs ? kc_arena_array(cc->arena, out->nargs, sizeof *items)
                                             : NULL;
                if (out->nargs && !items) {
                    st = no_memory(cc);
                } else {
                    for (uint32_t i = 0; i < out->nargs; i++)
                        items[i] = out->args[i].u.k;
                    uint32_t count = out->nargs;
                    memset(out, 0, sizeof *out);
                    out->op = JL_CONST;
                    out->u.k = kc_v_arr(items, count);
                }
            }
        }
    } else {
        st = compile_operation(cc, v, out);
    }
    cc->depth--;
    return st;
}

kc_status kc_jl_compile(const kc_ctx *ctx, kc_arena *arena, const kc_value *expr,
                        const kc_doc *doc, const char *path_prefix, jl_node *out, kc_error *err)
{
    jl_cc cc;
    memset(&cc, 0, sizeof cc);
    cc.ctx = ctx;
    cc.arena = arena;
    cc.doc = doc;
    cc.err = err;
    cc.max_depth = kc_ctx_limit(ctx, KC_LIMIT_DEPTH);
    kc_jptr_init(&cc.path, path_prefix);
    return compile_expr(&cc, expr, out);
}

/* ---- public: kc_logic ---- */

struct kc_logic {
    const kc_ctx *ctx;
    kc_arena arena;
    jl_node root;
    uint32_t nmemo;
};

kc_status kc_logic_compile_value(kc_ctx *ctx, const kc_value *expr, const kc_doc *doc,
                                 kc_logic **out, kc_error *err)
{
    if (out)
        *out = NULL;
    if (!ctx || !expr || !out)
        return kc_error_set(err, KC_EINVAL, "kc_logic_compile_value: NULL argument");
    kc_arena arena;
    kc_arena_init(&arena, ctx, 1024, 0);
    kc_logic *lg = kc_arena_alloc(&arena, sizeof *lg);
    if (!lg) {
        kc_arena_free(&arena);
        return kc_error_set(err, KC_ENOMEM, "out of memory while compiling an expression");
    }
    kc_status st = kc_jl_compile(ctx, &arena, expr, doc, NULL, &lg->root, err);
    if (st == KC_OK) {
        jl_node *root = &lg->root;
        st = kc_jl_share(ctx, &root, 1, &lg->nmemo);
        if (st)
            kc_error_set(err, st, "out of memory while compiling an expression");
    }
    if (st) {
        kc_arena_free(&arena);
        return st;
    }
    lg->ctx = ctx;
    lg->arena = arena; /* the arena now lives inside its own first allocation */
    *out = lg;
    return KC_OK;
}

kc_status kc_logic_compile(kc_ctx *ctx, const char *text, size_t len, kc_logic **out,
                           kc_error *err)
{
    if (out)
        *out = NULL;
    kc_error_init(err, "<string>");
    if (!ctx || !text || !out)
        return kc_error_set(err, KC_EINVAL, "kc_logic_compile: NULL argument");
    kc_doc *doc = NULL;
    kc_status st = kc_doc_parse(ctx, text, len, NULL, &doc, err);
    if (st)
        return st;
    st = kc_logic_compile_value(ctx, kc_doc_root(doc), doc, out, err);
    kc_doc_free(doc);
    return st;
}

kc_status kc_logic_compile_cjson(kc_ctx *ctx, const struct cJSON *expr, kc_logic **out,
                                 kc_error *err)
{
    if (out)
        *out = NULL;
    kc_error_init(err, "<cJSON>");
    if (!ctx || !expr || !out)
        return kc_error_set(err, KC_EINVAL, "kc_logic_compile_cjson: NULL argument");
    kc_doc *doc = NULL;
    kc_status st = kc_doc_from_cjson(ctx, expr, &doc, err);
    if (st)
        return st;
    st = kc_logic_compile_value(ctx, kc_doc_root(doc), NULL, out, err);
    kc_doc_free(doc);
    return st;
}

void kc_logic_free(kc_logic *logic)
{
    if (!logic)
        return;
    kc_arena arena = logic->arena;
    kc_arena_free(&arena);
}

const jl_node *kc_logic_root_(const kc_logic *logic, uint32_t *nmemo);
const jl_node *kc_logic_root_(const kc_logic *logic, uint32_t *nmemo)
{
    *nmemo = logic->nmemo;
    return &logic->root;
}

/* ---- custom operator registration ---- */

kc_status kc_ctx_register_op(kc_ctx *ctx, const char *name, int min_args, int max_args,
                             kc_op_fn fn, void *ud)
{
    if (!ctx || !name || !fn || min_args < 0 || (max_args >= 0 && max_args < min_args))
        return KC_EINVAL;
    size_t len = strlen(name);
    if (len == 0 || len > 64)
        return KC_EINVAL;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)name[i] < 0x20)
            return KC_EINVAL;
    if (find_builtin(name, len) || kc_ctx_find_op(ctx, name, len))
        return KC_ECONFLICT;
    void *ops = ctx->ops;
    if (kc_mem_grow(ctx, &ops, &ctx->cap_ops, ctx->nops + 1, sizeof *ctx->ops))
        return KC_ENOMEM;
    ctx->ops = ops;
    char *copy = kc_mem_strndup(ctx, name, len);
    if (!copy)
        return KC_ENOMEM;
    kc_custom_op *op = &ctx->ops[ctx->nops++];
    op->name = copy;
    op->name_len = len;
    op->min_args = min_args;
    op->max_args = max_args;
    op->fn = fn;
    op->ud = ud;
    return KC_OK;
}
