/* testutil.h - helpers shared by the unit tests. */
#ifndef KC_TESTUTIL_H
#define KC_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kindctx.h"

/* A counting allocator that can fail the Nth allocation, once or from then on.
 * Every live block is tracked so tests can assert that nothing leaked. */
typedef struct kc_test_alloc {
    size_t calls;      /* allocations attempted (malloc and growing realloc) */
    size_t live;       /* blocks currently allocated */
    size_t fail_at;    /* 1-based call number to fail; 0 = never */
    int persistent;    /* fail every call from fail_at on */
    size_t failures;   /* how many calls were failed */
} kc_test_alloc;

/* An allocator routed to the counters in *t (all zeroed by the caller). */
kc_allocator kc_test_allocator(kc_test_alloc *t);

/* The fixture most module tests share: a context on a counting allocator.
 * Use with cmocka_unit_test_setup_teardown(test, kc_test_ctx_setup,
 * kc_test_ctx_teardown); the teardown fails the test if any block is still
 * allocated once the context is freed. */
typedef struct kc_test_ctx {
    kc_test_alloc t;
    kc_ctx *ctx;
    size_t base; /* blocks the context itself holds */
} kc_test_ctx;

int kc_test_ctx_setup(void **state);
int kc_test_ctx_teardown(void **state);

/* Reads a whole file into a malloc'd buffer (NUL added); aborts the test on error. */
char *kc_test_read_file(const char *path, size_t *len);
/* Path of a file under tests/data (KC_TEST_DATA); static buffer, test-only. */
const char *kc_test_data_path(const char *rel);

#endif
