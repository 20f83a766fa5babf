/* ctx.h - the context handle: allocator, limits and the custom operator table. */
#ifndef KC_CTX_H
#define KC_CTX_H

#include <stddef.h>

#include "kindctx.h"

/* One custom operator registered with kc_ctx_register_op(). */
typedef struct kc_custom_op {
    char *name;
    size_t name_len;
    int min_args, max_args; /* max_args < 0: unbounded */
    kc_op_fn fn;
    void *ud;
    /* Set operators only (setops.c): an argument known to be empty decides
     * the result even when another is unknown. Bit i: argument i. */
    unsigned empty_decides;
} kc_custom_op;

struct kc_ctx {
    kc_allocator alloc;
    size_t limits[KC_LIMIT_COUNT_];
    kc_custom_op *ops; /* registration order; looked up at compile time only */
    size_t nops, cap_ops;
};

/* The custom operator called name, or NULL. */
const kc_custom_op *kc_ctx_find_op(const kc_ctx *ctx, const char *name, size_t len);

#endif
