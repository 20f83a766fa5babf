/* test_mem.c - the allocator seam: zero sizes, overflow, growth, and what a
 * failed allocation leaves behind. */
#include "testutil.h"

#include <stdint.h>
#include <string.h>

#include "mem.h"

typedef kc_test_ctx fixture;

/* Zero bytes is still a block of its own, so NULL always means "no memory". */
static void zero_sizes_give_distinct_blocks(void **state)
{
    fixture *f = *state;
    void *a = kc_mem_alloc(f->ctx, 0), *b = kc_mem_alloc(f->ctx, 0);
    void *c = kc_mem_calloc(f->ctx, 0, 8), *d = kc_mem_calloc(f->ctx, 8, 0);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_non_null(d);
    assert_ptr_not_equal(a, b);
    assert_int_equal(f->t.live, f->base + 4);
    a = kc_mem_realloc(f->ctx, a, 0);
    assert_non_null(a);
    kc_mem_free(f->ctx, a);
    kc_mem_free(f->ctx, b);
    kc_mem_free(f->ctx, c);
    kc_mem_free(f->ctx, d);
    kc_mem_free(f->ctx, NULL); /* harmless */
    assert_int_equal(f->t.live, f->base);
}

static void calloc_clears_and_refuses_overflow(void **state)
{
    fixture *f = *state;
    unsigned char *p = kc_mem_calloc(f->ctx, 7, 9);
    assert_non_null(p);
    for (size_t i = 0; i < 63; i++)
        assert_int_equal(p[i], 0);
    kc_mem_free(f->ctx, p);
    const size_t calls = f->t.calls;
    assert_null(kc_mem_calloc(f->ctx, SIZE_MAX / 2, 3));
    assert_int_equal(f->t.calls, calls); /* refused before asking */
}

static void strndup_copies_terminates_and_refuses_overflow(void **state)
{
    fixture *f = *state;
    char *s = kc_mem_strndup(f->ctx, "abcdef", 4);
    assert_string_equal(s, "abcd");
    kc_mem_free(f->ctx, s);
    s = kc_mem_strndup(f->ctx, NULL, 0);
    assert_string_equal(s, "");
    kc_mem_free(f->ctx, s);
    assert_null(kc_mem_strndup(f->ctx, "x", SIZE_MAX));
    f->t.fail_at = f->t.calls + 1;
    assert_null(kc_mem_strndup(f->ctx, "abc", 3));
    f->t.fail_at = 0;
}

/* Capacity starts at 8 and doubles past what is needed; asking for what
 * fits already allocates nothing. */
static void grow_doubles_from_eight(void **state)
{
    fixture *f = *state;
    void *items = NULL;
    size_t cap = 0;
    assert_int_equal(kc_mem_grow(f->ctx, &items, &cap, 1, sizeof(int)), 0);
    assert_int_equal(cap, 8);
    const size_t calls = f->t.calls;
    assert_int_equal(kc_mem_grow(f->ctx, &items, &cap, 8, sizeof(int)), 0);
    assert_int_equal(f->t.calls, calls);
    assert_int_equal(kc_mem_grow(f->ctx, &items, &cap, 9, sizeof(int)), 0);
    assert_int_equal(cap, 16);
    assert_int_equal(kc_mem_grow(f->ctx, &items, &cap, 100, sizeof(int)), 0);
    assert_int_equal(cap, 128);
    memset(items, 0x5A, cap * sizeof(int)); /* all of it is usable */
    kc_mem_free(f->ctx, items);
}

/* Overflow of the element count or of the byte size, and a failed
 * allocation: -1, with the array and its capacity as they were. */
static void grow_failures_leave_the_array_alone(void **state)
{
    fixture *f = *state;
    void *items = NULL;
    size_t cap = 0;
    assert_int_equal(kc_mem_grow(f->ctx, &items, &cap, 4, 16), 0);
    void *const before = items;
    assert_int_equal(kc_mem_grow(f->ctx, &items, &cap, SIZE_MAX, 1), -1);
    assert_int_equal(kc_mem_grow(f->ctx, &items, &cap, SIZE_MAX / 4, 16), -1);
    f->t.fail_at = f->t.calls + 1;
    assert_int_equal(kc_mem_grow(f->ctx, &items, &cap, 9, 16), -1);
    f->t.fail_at = 0;
    assert_ptr_equal(items, before);
    assert_int_equal(cap, 8);
    kc_mem_free(f->ctx, items);
}

#define T(name) cmocka_unit_test_setup_teardown(name, kc_test_ctx_setup, kc_test_ctx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(zero_sizes_give_distinct_blocks),
        T(calloc_clears_and_refuses_overflow),
        T(strndup_copies_terminates_and_refuses_overflow),
        T(grow_doubles_from_eight),
        T(grow_failures_leave_the_array_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
