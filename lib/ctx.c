/* ctx.c - creating and configuring a context. */
#include "ctx.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "setops.h"

static void *default_malloc(void *ud, size_t size)
{
    (void)ud;
    return malloc(size);
}

static void *default_realloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    return realloc(ptr, size);
}

static void default_free(void *ud, void *ptr)
{
    (void)ud;
    free(ptr);
}

/* Defaults; docs/security.md explains each. */
static const size_t default_limits[KC_LIMIT_COUNT_] = {
    [KC_LIMIT_INPUT_BYTES] = (size_t)1 << 20,
    [KC_LIMIT_DEPTH] = 64,
    [KC_LIMIT_NODES] = 200000,
    [KC_LIMIT_EVAL_BYTES] = (size_t)64 << 20,
    [KC_LIMIT_ERRORS] = 50,
};

kc_status kc_ctx_create(kc_ctx **out, const kc_allocator *alloc)
{
    if (!out)
        return KC_EINVAL;
    *out = NULL;
    kc_allocator a = {default_malloc, default_realloc, default_free, NULL};
    if (alloc) {
        if (!alloc->malloc_fn || !alloc->realloc_fn || !alloc->free_fn)
            return KC_EINVAL;
        a = *alloc;
    }
    kc_ctx *ctx = a.malloc_fn(a.ud, sizeof *ctx);
    if (!ctx)
        return KC_ENOMEM;
    memset(ctx, 0, sizeof *ctx);
    ctx->alloc = a;
    memcpy(ctx->limits, default_limits, sizeof default_limits);
    kc_status st = kc_setops_register(ctx);
    if (st) {
        kc_ctx_free(ctx);
        return st;
    }
    *out = ctx;
    return KC_OK;
}

void kc_ctx_free(kc_ctx *ctx)
{
    if (!ctx)
        return;
    for (size_t i = 0; i < ctx->nops; i++)
        kc_mem_free(ctx, ctx->ops[i].name);
    kc_mem_free(ctx, ctx->ops);
    kc_allocator a = ctx->alloc;
    a.free_fn(a.ud, ctx);
}

void kc_free(const kc_ctx *ctx, void *ptr)
{
    if (ctx && ptr)
        kc_mem_free(ctx, ptr);
}

kc_status kc_ctx_set_limit(kc_ctx *ctx, kc_limit limit, size_t value)
{
    if (!ctx || (unsigned)limit >= KC_LIMIT_COUNT_ || value == 0)
        return KC_EINVAL;
    ctx->limits[limit] = value;
    return KC_OK;
}

size_t kc_ctx_limit(const kc_ctx *ctx, kc_limit limit)
{
    if (!ctx || (unsigned)limit >= KC_LIMIT_COUNT_)
        return 0;
    return ctx->limits[limit];
}

const kc_custom_op *kc_ctx_find_op(const kc_ctx *ctx, const char *name, size_t len)
{
    for (size_t i = 0; i < ctx->nops; i++)
        if (ctx->ops[i].name_len == len && memcmp(ctx->ops[i].name, name, len) == 0)
            return &ctx->ops[i];
    return NULL;
}
