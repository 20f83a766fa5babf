/* diag.h - a bounded list of problems (kc_error), for one-pass reporting. */
#ifndef KC_DIAG_H
#define KC_DIAG_H

#include <stddef.h>

#include "ctx.h"

struct kc_diag {
    const kc_ctx *ctx;
    kc_error *items;
    size_t n, cap;
    size_t limit;   /* most problems kept (KC_LIMIT_ERRORS) */
    size_t dropped; /* problems found beyond the limit */
};

/* A new empty list, or NULL when out of memory. */
kc_diag *kc_diag_new(const kc_ctx *ctx);
/* Appends a copy of err. Returns 0, or -1 when out of memory. Beyond the
 * limit, problems are counted in dropped but not stored. */
int kc_diag_add(kc_diag *d, const kc_error *err);
/* Empties the list (keeps its memory). */
void kc_diag_clear(kc_diag *d);

#endif
