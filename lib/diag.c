/* diag.c - the problem list behind kc_diag. */
#include "diag.h"

#include <string.h>

#include "mem.h"

kc_diag *kc_diag_new(const kc_ctx *ctx)
{
    kc_diag *d = kc_mem_alloc(ctx, sizeof *d);
    if (!d)
        return NULL;
    memset(d, 0, sizeof *d);
    d->ctx = ctx;
    d->limit = kc_ctx_limit(ctx, KC_LIMIT_ERRORS);
    return d;
}

int kc_diag_add(kc_diag *d, const kc_error *err)
{
    if (d->n >= d->limit) {
        d->dropped++;
        return 0;
    }
    void *items = d->items;
    if (kc_mem_grow(d->ctx, &items, &d->cap, d->n + 1, sizeof *d->items))
        return -1;
    d->items = items;
    d->items[d->n++] = *err;
    return 0;
}

void kc_diag_clear(kc_diag *d)
{
    d->n = 0;
    d->dropped = 0;
}

size_t kc_diag_count(const kc_diag *d)
{
    return d ? d->n : 0;
}

const kc_error *kc_diag_get(const kc_diag *d, size_t i)
{
    return d && i < d->n ? &d->items[i] : NULL;
}

void kc_diag_free(kc_diag *d)
{
    if (!d)
        return;
    kc_mem_free(d->ctx, d->items);
    kc_mem_free(d->ctx, d);
}
