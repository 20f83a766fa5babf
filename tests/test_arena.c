/* test_arena.c - the bump allocator: alignment, growth, reset, rewind,
 * limits and allocation failure. */
#include "testutil.h"

#include <stdint.h>
#include <string.h>

#include "arena.h"

typedef kc_test_ctx fixture;

static void allocations_are_aligned(void **state)
{
    fixture *f = *state;
    kc_arena a;
    kc_arena_init(&a, f->ctx, 256, 0);
    static const size_t sizes[] = {1, 3, 7, 8, 9, 15, 16, 17, 31, 100, 1, 2, 500, 1};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        unsigned char *p = kc_arena_alloc(&a, sizes[i]);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
        assert_int_equal((uintptr_t)p % 16, 0);
        memset(p, 0xAB, sizes[i]);
    }
    assert_non_null(kc_arena_alloc(&a, 0));
    kc_arena_free(&a);
}

/* Strings are packed byte by byte; whatever follows them is aligned again,
 * and nothing overlaps. */
static void strings_pack_and_alignment_survives_them(void **state)
{
    fixture *f = *state;
    kc_arena a;
    kc_arena_init(&a, f->ctx, 256, 0);
    char *prev = NULL;
    for (size_t i = 0; i < 200; i++) {
        char *s = kc_arena_strndup(&a, "abcdefghijklmnopq", i % 17);
        assert_non_null(s);
        assert_int_equal(strlen(s), i % 17);
        if (prev && s > prev && (size_t)(s - prev) < 64)
            assert_true((size_t)(s - prev) >= strlen(prev) + 1); /* after prev's NUL */
        prev = s;
        unsigned char *p = kc_arena_alloc(&a, 1 + i % 5);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        memset(p, 0xCD, 1 + i % 5);
        assert_int_equal(strlen(s), i % 17); /* the block did not overwrite the string */
    }
    /* Two strings in a row take exactly their bytes. */
    char *x = kc_arena_strndup(&a, "ab", 2), *y = kc_arena_strndup(&a, "cd", 2);
    if (y > x && y - x < 64)
        assert_int_equal(y - x, 3);
    kc_arena_free(&a);
}

static void arena_grows_past_its_first_chunk(void **state)
{
    fixture *f = *state;
    kc_arena a;
    kc_arena_init(&a, f->ctx, 256, 0);
    unsigned char *ptrs[64];
    for (int i = 0; i < 64; i++) {
        ptrs[i] = kc_arena_alloc(&a, 100);
        assert_non_null(ptrs[i]);
        memset(ptrs[i], i, 100);
    }
    for (int i = 0; i < 64; i++)
        for (int k = 0; k < 100; k++)
            assert_int_equal(ptrs[i][k], i);
    assert_true(a.total >= 64 * 100);
    assert_true(f->t.live > f->base + 1); /* several chunks */
    /* A block larger than any chunk so far still fits. */
    void *big = kc_arena_alloc(&a, 100000);
    assert_non_null(big);
    memset(big, 1, 100000);
    kc_arena_free(&a);
    assert_int_equal(f->t.live, f->base); /* the context */
    assert_int_equal(a.total, 0);
}

static void workload(kc_arena *a)
{
    for (int i = 0; i < 50; i++)
        assert_non_null(kc_arena_alloc(a, 200 + (size_t)i));
    assert_non_null(kc_arena_strndup(a, "hello", 5));
}

static void reset_keeps_one_chunk_for_the_next_run(void **state)
{
    fixture *f = *state;
    kc_arena a;
    kc_arena_init(&a, f->ctx, 256, 0);
    workload(&a);
    assert_true(f->t.live > f->base + 1);
    kc_arena_reset(&a);
    assert_int_equal(f->t.live, f->base + 1); /* one chunk */
    const size_t calls = f->t.calls;
    workload(&a);
    assert_int_equal(f->t.calls, calls); /* the second run allocates nothing */
    kc_arena_reset(&a);
    workload(&a);
    assert_int_equal(f->t.calls, calls);
    kc_arena_free(&a);
}

static void rewind_returns_to_the_mark(void **state)
{
    fixture *f = *state;
    kc_arena a;
    kc_arena_init(&a, f->ctx, 256, 0);
    assert_non_null(kc_arena_alloc(&a, 64));
    const kc_arena_mark m = kc_arena_get_mark(&a);
    const size_t live = f->t.live, total = a.total;
    void *first = kc_arena_alloc(&a, 32);
    workload(&a);
    kc_arena_rewind(&a, m);
    assert_int_equal(f->t.live, live);
    assert_int_equal(a.total, total);
    assert_ptr_equal(kc_arena_alloc(&a, 32), first);
    /* A mark taken on an empty arena rewinds to nothing. */
    kc_arena b;
    kc_arena_init(&b, f->ctx, 256, 0);
    const kc_arena_mark empty = kc_arena_get_mark(&b);
    workload(&b);
    kc_arena_rewind(&b, empty);
    assert_null(b.head);
    kc_arena_free(&b);
    kc_arena_free(&a);
}

/* The caller's buffer serves first and is never given to the allocator:
 * what fits takes no allocation; what does not continues on the heap; free,
 * rewind and reset leave the buffer alone (a free() of it would crash or be
 * reported by the sanitizers and valgrind). */
static void borrowed_buffer_is_used_first_and_never_freed(void **state)
{
    fixture *f = *state;
    _Alignas(16) unsigned char buf[1024];
    kc_arena a;
    kc_arena_init_with(&a, f->ctx, buf, sizeof buf, 0);
    const size_t calls = f->t.calls;
    unsigned char *p = kc_arena_alloc(&a, 100);
    char *s = kc_arena_strndup(&a, "abc", 3);
    assert_true(p >= buf && p + 100 <= buf + sizeof buf);
    assert_true((unsigned char *)s >= buf && (unsigned char *)s + 4 <= buf + sizeof buf);
    assert_int_equal((uintptr_t)p % 16, 0);
    assert_int_equal(f->t.calls, calls); /* no allocation */
    /* A mark in the buffer; then past it, onto the heap; rewind frees only
     * the heap chunk and the buffer's next block comes back. */
    const kc_arena_mark m = kc_arena_get_mark(&a);
    void *next = kc_arena_alloc(&a, 16);
    assert_true((unsigned char *)next >= buf && (unsigned char *)next < buf + sizeof buf);
    unsigned char *big = kc_arena_alloc(&a, 4000);
    assert_non_null(big);
    assert_true(big < buf || big >= buf + sizeof buf);
    assert_true(f->t.live > f->base);
    kc_arena_rewind(&a, m);
    assert_int_equal(f->t.live, f->base);
    assert_ptr_equal(kc_arena_alloc(&a, 16), next);
    assert_string_equal(s, "abc");
    /* Several chunks, reset: one heap chunk replaces them all. */
    workload(&a);
    kc_arena_reset(&a);
    assert_int_equal(f->t.live, f->base + 1);
    kc_arena_free(&a);
    assert_int_equal(f->t.live, f->base);
    /* Free with only the buffer: nothing to give back. */
    kc_arena_init_with(&a, f->ctx, buf, sizeof buf, 0);
    workload(&a);
    kc_arena_free(&a);
    assert_int_equal(f->t.live, f->base);
    /* A buffer too small for a chunk's header is ignored. */
    kc_arena_init_with(&a, f->ctx, buf, 8, 0);
    assert_null(a.head);
    assert_non_null(kc_arena_alloc(&a, 8));
    kc_arena_free(&a);
    assert_int_equal(f->t.live, f->base);
}

static void limit_is_reported_as_elimit(void **state)
{
    fixture *f = *state;
    kc_arena a;
    kc_arena_init(&a, f->ctx, 256, 1024);
    assert_non_null(kc_arena_alloc(&a, 512));
    assert_null(kc_arena_alloc(&a, 2048));
    assert_int_equal(a.error, KC_ELIMIT);
    assert_true(a.total <= 1024);
    /* Overflowing sizes are refused, not wrapped. */
    assert_null(kc_arena_array(&a, SIZE_MAX / 2, 4));
    assert_null(kc_arena_alloc(&a, SIZE_MAX));
    assert_null(kc_arena_strndup(&a, "x", SIZE_MAX));
    kc_arena_free(&a);
}

static void failing_allocator_is_reported_as_enomem(void **state)
{
    fixture *f = *state;
    kc_arena a;
    kc_arena_init(&a, f->ctx, 256, 0);
    f->t.fail_at = f->t.calls + 1;
    assert_null(kc_arena_alloc(&a, 10));
    assert_int_equal(a.error, KC_ENOMEM);
    /* A failure once does not poison later allocations. */
    assert_non_null(kc_arena_alloc(&a, 10));
    f->t.fail_at = 0;
    kc_arena_free(&a);
}

static void strndup_copies_and_terminates(void **state)
{
    fixture *f = *state;
    kc_arena a;
    kc_arena_init(&a, f->ctx, 0, 0);
    char *s = kc_arena_strndup(&a, "abcdef", 3);
    assert_string_equal(s, "abc");
    s = kc_arena_strndup(&a, NULL, 0);
    assert_string_equal(s, "");
    kc_arena_free(&a);
    kc_arena_free(&a); /* twice is harmless */
}

#define T(name) cmocka_unit_test_setup_teardown(name, kc_test_ctx_setup, kc_test_ctx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(allocations_are_aligned),
        T(strings_pack_and_alignment_survives_them),
        T(arena_grows_past_its_first_chunk),
        T(reset_keeps_one_chunk_for_the_next_run),
        T(rewind_returns_to_the_mark),
        T(borrowed_buffer_is_used_first_and_never_freed),
        T(limit_is_reported_as_elimit),
        T(failing_allocator_is_reported_as_enomem),
        T(strndup_copies_and_terminates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
