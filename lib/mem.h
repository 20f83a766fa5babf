/* mem.h - every allocation goes through the context's allocator, via these. */
#ifndef KC_MEM_H
#define KC_MEM_H

#include <stddef.h>

#include "ctx.h"

void *kc_mem_alloc(const kc_ctx *ctx, size_t size);
void *kc_mem_calloc(const kc_ctx *ctx, size_t n, size_t size); /* overflow-checked */
void *kc_mem_realloc(const kc_ctx *ctx, void *ptr, size_t size);
void kc_mem_free(const kc_ctx *ctx, void *ptr);
/* A NUL-terminated copy of len bytes of s. */
char *kc_mem_strndup(const kc_ctx *ctx, const char *s, size_t len);

/* Grows *items (each of size elem) so that it holds at least need elements;
 * doubles the capacity. Returns 0 on success, -1 on overflow or no memory
 * (then *items and *cap are unchanged). */
int kc_mem_grow(const kc_ctx *ctx, void **items, size_t *cap, size_t need, size_t elem);

#endif
