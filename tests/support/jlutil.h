/* jlutil.h - run a JSON Logic rule from text and compare with expected text. */
#ifndef KC_JLUTIL_H
#define KC_JLUTIL_H

#include "testutil.h"

typedef struct jl_case {
    const char *rule;
    const char *data;   /* NULL: JSON null */
    const char *expect; /* expected result as JSON, or NULL when an error is expected */
    const char *error;  /* expected thrown "type" (or "compile:KC_EARGS" style) */
} jl_case;

/* Runs one case on ctx; fails the test with a readable message on mismatch. */
void jl_check(kc_ctx *ctx, const jl_case *c);
/* Runs a table of cases. */
void jl_check_all(kc_ctx *ctx, const jl_case *cases, size_t n);

#endif
