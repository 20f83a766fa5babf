/* testutil.c - counting/failing allocator and file helpers for tests. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each block carries a header with its size so realloc can tell growth. */
typedef struct hdr {
    size_t size;
    size_t pad;
} hdr;

static int should_fail(kc_test_alloc *t)
{
    t->calls++;
    if (t->fail_at && (t->calls == t->fail_at || (t->persistent && t->calls > t->fail_at))) {
        t->failures++;
        return 1;
    }
    return 0;
}

static void *t_malloc(void *ud, size_t size)
{
    kc_test_alloc *t = ud;
    if (should_fail(t))
        return NULL;
    hdr *h = malloc(sizeof(hdr) + size);
    if (!h)
        return NULL;
    h->size = size;
    t->live++;
    return h + 1;
}

static void *t_realloc(void *ud, void *ptr, size_t size)
{
    kc_test_alloc *t = ud;
    if (!ptr)
        return t_malloc(ud, size);
    hdr *old = (hdr *)ptr - 1;
    if (size > old->size && should_fail(t))
        return NULL;
    hdr *h = realloc(old, sizeof(hdr) + size);
    if (!h)
        return NULL;
    h->size = size;
    return h + 1;
}

static void t_free(void *ud, void *ptr)
{
    kc_test_alloc *t = ud;
    if (!ptr)
        return;
    t->live--;
    free((hdr *)ptr - 1);
}

kc_allocator kc_test_allocator(kc_test_alloc *t)
{
    kc_allocator a = {t_malloc, t_realloc, t_free, t};
    return a;
}

int kc_test_ctx_setup(void **state)
{
    kc_test_ctx *f = test_calloc(1, sizeof *f);
    const kc_allocator a = kc_test_allocator(&f->t);
    if (kc_ctx_create(&f->ctx, &a) != KC_OK) {
        test_free(f);
        return -1;
    }
    f->base = f->t.live;
    *state = f;
    return 0;
}

int kc_test_ctx_teardown(void **state)
{
    kc_test_ctx *f = *state;
    kc_ctx_free(f->ctx);
    const size_t live = f->t.live;
    test_free(f);
    return live == 0 ? 0 : -1;
}

char *kc_test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            char *nb = realloc(buf, cap);
            assert_non_null(nb);
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

const char *kc_test_data_path(const char *rel)
{
    static char path[4096];
    const char *base = getenv("KC_TEST_DATA");
    snprintf(path, sizeof path, "%s/%s", base ? base : KC_TEST_DATA_DIR, rel);
    return path;
}
