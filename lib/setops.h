/* setops.h - the set operators registered on every context. */
#ifndef KC_SETOPS_H
#define KC_SETOPS_H

#include "kindctx.h"

/* Registers overlaps, intersection and subset on ctx. */
kc_status kc_setops_register(kc_ctx *ctx);

#endif
