/* arena.c - chunked bump allocator on top of the context allocator. */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include "mem.h"

#define KC_ARENA_ALIGN 16u

struct kc_arena_chunk {
    kc_arena_chunk *next;
    size_t size; /* usable bytes in data */
    size_t used;
    int borrowed; /* the caller's buffer (kc_arena_init_with): never freed */
    alignas(KC_ARENA_ALIGN) unsigned char data[];
};

void kc_arena_init(kc_arena *a, const kc_ctx *ctx, size_t first_chunk, size_t limit)
{
    a->ctx = ctx;
    a->head = NULL;
    a->next_size = first_chunk < 256 ? 256 : first_chunk;
    a->total = 0;
    a->limit = limit;
    a->error = KC_OK;
}

void kc_arena_init_with(kc_arena *a, const kc_ctx *ctx, void *buf, size_t size, size_t limit)
{
    kc_arena_init(a, ctx, size, limit);
    if (!buf || size <= sizeof(kc_arena_chunk))
        return;
    kc_arena_chunk *c = buf;
    c->next = NULL;
    c->size = size - sizeof(kc_arena_chunk);
    c->used = 0;
    c->borrowed = 1;
    a->head = c;
    a->total = c->size;
}

static kc_arena_chunk *chunk_new(kc_arena *a, size_t need)
{
    size_t size = a->next_size;
    while (size < need) {
        if (size > SIZE_MAX / 2)
            return NULL;
        size *= 2;
    }
    if (a->limit && (size > a->limit || a->total > a->limit - size)) {
        /* Fall back to an exact fit before declaring the limit reached. */
        size = need;
        if (size > a->limit || a->total > a->limit - size) {
            a->error = KC_ELIMIT;
            return NULL;
        }
    }
    if (size > SIZE_MAX - sizeof(kc_arena_chunk)) {
        a->error = KC_ENOMEM;
        return NULL;
    }
    kc_arena_chunk *c = kc_mem_alloc(a->ctx, sizeof(kc_arena_chunk) + size);
    if (!c) {
        a->error = KC_ENOMEM;
        return NULL;
    }
    c->size = size;
    c->used = 0;
    c->borrowed = 0;
    a->total += size;
    /* Double up to 1 MiB per chunk; beyond that, grow by what is asked. */
    if (a->next_size < ((size_t)1 << 20))
        a->next_size *= 2;
    return c;
}

/* size bytes at an offset that is a multiple of align (a power of two, at
 * most KC_ARENA_ALIGN). */
static void *arena_take(kc_arena *a, size_t size, size_t align)
{
    if (size > SIZE_MAX - KC_ARENA_ALIGN)
        return NULL;
    if (size == 0)
        size = 1;
    kc_arena_chunk *c = a->head;
    if (c) {
        const size_t off = (c->used + (align - 1)) & ~(align - 1);
        if (off <= c->size && c->size - off >= size) {
            c->used = off + size;
            return c->data + off;
        }
    }
    /* A chunk after head may be free again after a rewind. */
    kc_arena_chunk *n = chunk_new(a, size);
    if (!n)
        return NULL;
    n->next = a->head;
    a->head = n;
    n->used = size;
    return n->data;
}

void *kc_arena_alloc(kc_arena *a, size_t size)
{
    return arena_take(a, size, KC_ARENA_ALIGN);
}

void *kc_arena_array(kc_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        a->error = KC_ELIMIT;
        return NULL;
    }
    return kc_arena_alloc(a, n * size);
}

char *kc_arena_strndup(kc_arena *a, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    /* Text needs no alignment: packing it keeps a document's bytes close. */
    char *p = arena_take(a, len + 1, 1);
    if (p) {
        if (len)
            memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

void kc_arena_reset(kc_arena *a)
{
    a->error = KC_OK;
    if (!a->head)
        return;
    if (!a->head->next) {
        a->head->used = 0;
        return;
    }
    /* Several chunks: replace them by one that holds everything, so the next
     * run of similar size fits without allocating. */
    size_t total = a->total;
    kc_arena_free(a);
    a->next_size = total;
    kc_arena_chunk *c = chunk_new(a, total);
    if (c) {
        c->next = NULL;
        a->head = c;
    }
    a->error = KC_OK;
}

kc_arena_mark kc_arena_get_mark(const kc_arena *a)
{
    kc_arena_mark m = {a->head, a->head ? a->head->used : 0, a->next_size};
    return m;
}

void kc_arena_rewind(kc_arena *a, kc_arena_mark m)
{
    /* Chunks made after the mark are freed: they are the ones above it. */
    while (a->head && a->head != m.chunk) {
        kc_arena_chunk *c = a->head;
        a->head = c->next;
        a->total -= c->size;
        if (!c->borrowed)
            kc_mem_free(a->ctx, c);
    }
    if (a->head)
        a->head->used = m.used;
    /* Chunk sizes double as an arena grows; a rewind undoes that growth too,
     * or repeated grow-and-rewind cycles would ask for ever larger chunks. */
    a->next_size = m.next_size;
}

void kc_arena_free(kc_arena *a)
{
    kc_arena_chunk *c = a->head;
    while (c) {
        kc_arena_chunk *next = c->next;
        if (!c->borrowed)
            kc_mem_free(a->ctx, c);
        c = next;
    }
    a->head = NULL;
    a->total = 0;
}
