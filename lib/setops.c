/* setops.c - set operators every context gets: overlaps, intersection, subset.
 *
 * They are ordinary custom operators, registered through the public
 * kc_ctx_register_op() when a context is created, so the JSON Logic engine
 * itself stays free of them. A scalar argument counts as a one-element set
 * and null as the empty set, so {"overlaps": [{"var": "act.kind"}, [...]]}
 * reads naturally. Membership is strict equality (as "in" on arrays). */
#include "setops.h"

#include "ctx.h"
#include "jl.h"
#include "value.h"

/* The elements of a "set" argument: an array's items, one scalar, or none. */
static const kc_value *set_items(const kc_value *v, size_t *n)
{
    if (kc_value_type(v) == KC_TYPE_ARRAY) {
        *n = kc_value_count(v);
        return kc_value_at(v, 0);
    }
    if (kc_value_type(v) == KC_TYPE_NULL) {
        *n = 0;
        return NULL;
    }
    *n = 1;
    return v;
}

static int member_of(const kc_value *x, const kc_value *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (x->type == items[i].type && kc_value_equal(x, &items[i]))
            return 1;
    return 0;
}

static kc_status op_overlaps(kc_call *call, void *ud, size_t argc, const kc_value *const *argv)
{
    (void)ud;
    (void)argc;
    size_t na, nb;
    const kc_value *a = set_items(argv[0], &na);
    const kc_value *b = set_items(argv[1], &nb);
    for (size_t i = 0; i < na; i++)
        if (member_of(&a[i], b, nb))
            return kc_call_return_bool(call, 1);
    return kc_call_return_bool(call, 0);
}

static kc_status op_subset(kc_call *call, void *ud, size_t argc, const kc_value *const *argv)
{
    (void)ud;
    (void)argc;
    size_t na, nb;
    const kc_value *a = set_items(argv[0], &na);
    const kc_value *b = set_items(argv[1], &nb);
    for (size_t i = 0; i < na; i++)
        if (!member_of(&a[i], b, nb))
            return kc_call_return_bool(call, 0);
    return kc_call_return_bool(call, 1);
}

static kc_status op_intersection(kc_call *call, void *ud, size_t argc,
                                 const kc_value *const *argv)
{
    (void)ud;
    (void)argc;
    size_t na, nb;
    const kc_value *a = set_items(argv[0], &na);
    const kc_value *b = set_items(argv[1], &nb);
    size_t total = 0;
    for (size_t i = 0; i < na; i++)
        total += (size_t)member_of(&a[i], b, nb);
    kc_value *out = kc_jl_call_new_array(call, total);
    if (!out && total)
        return KC_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < na && k < total; i++)
        if (member_of(&a[i], b, nb))
            out[k++] = a[i];
    return KC_OK;
}

/* Three-valued evaluation: when one set is known to be empty, the other does
 * not matter (nothing overlaps nothing; the empty set is a subset of any
 * set), so a missing fact on the other side need not leave a rule undecided. */
static kc_status add(kc_ctx *ctx, const char *name, kc_op_fn fn, unsigned empty_decides)
{
    kc_status st = kc_ctx_register_op(ctx, name, 2, 2, fn, NULL);
    if (st == KC_OK)
        ctx->ops[ctx->nops - 1].empty_decides = empty_decides;
    return st;
}

kc_status kc_setops_register(kc_ctx *ctx)
{
    kc_status st = add(ctx, "overlaps", op_overlaps, 3);
    if (!st)
        st = add(ctx, "intersection", op_intersection, 3);
    if (!st)
        st = add(ctx, "subset", op_subset, 1);
    return st;
}
