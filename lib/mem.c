/* mem.c - the allocator seam. Tests route it to a failing allocator. */
#include "mem.h"

#include <stdint.h>
#include <string.h>

void *kc_mem_alloc(const kc_ctx *ctx, size_t size)
{
    /* malloc(0) may return NULL or a unique pointer; make every call unique and
     * non-NULL on success so callers can treat NULL as "no memory". */
    return ctx->alloc.malloc_fn(ctx->alloc.ud, size ? size : 1);
}

void *kc_mem_calloc(const kc_ctx *ctx, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    void *p = kc_mem_alloc(ctx, n * size);
    if (p)
        memset(p, 0, n * size > 0 ? n * size : 1);
    return p;
}

void *kc_mem_realloc(const kc_ctx *ctx, void *ptr, size_t size)
{
    return ctx->alloc.realloc_fn(ctx->alloc.ud, ptr, size ? size : 1);
}

void kc_mem_free(const kc_ctx *ctx, void *ptr)
{
    if (ptr)
        ctx->alloc.free_fn(ctx->alloc.ud, ptr);
}

char *kc_mem_strndup(const kc_ctx *ctx, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = kc_mem_alloc(ctx, len + 1);
    if (p) {
        if (len)
            memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

int kc_mem_grow(const kc_ctx *ctx, void **items, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return -1;
        ncap *= 2;
    }
    if (ncap > SIZE_MAX / elem)
        return -1;
    void *p = kc_mem_realloc(ctx, *items, ncap * elem);
    if (!p)
        return -1;
    *items = p;
    *cap = ncap;
    return 0;
}
