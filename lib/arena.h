/* arena.h - bump allocation for documents, compiled expressions and evaluations.
 *
 * Everything an immutable object owns lives in one arena and is freed at once;
 * an evaluation's scratch arena is reset between runs and keeps its memory, so
 * steady-state evaluation does not call the allocator. */
#ifndef KC_ARENA_H
#define KC_ARENA_H

#include <stddef.h>

#include "ctx.h"

typedef struct kc_arena_chunk kc_arena_chunk;

typedef struct kc_arena {
    const kc_ctx *ctx;
    kc_arena_chunk *head;  /* chunk being filled; older chunks follow via ->next */
    size_t next_size;      /* size of the next chunk to allocate */
    size_t total;          /* bytes held in all chunks */
    size_t limit;          /* most bytes the arena may hold (0: no limit) */
    kc_status error;       /* KC_ENOMEM or KC_ELIMIT after a failed allocation */
} kc_arena;

/* A position to rewind to (see kc_arena_rewind). */
typedef struct kc_arena_mark {
    kc_arena_chunk *chunk;
    size_t used;
    size_t next_size;
} kc_arena_mark;

void kc_arena_init(kc_arena *a, const kc_ctx *ctx, size_t first_chunk, size_t limit);
/* Like kc_arena_init, with the caller's buf (size bytes, aligned to 16) as
 * the first chunk: an arena whose contents fit in it takes nothing from the
 * allocator. buf must outlive the arena; kc_arena_free never frees it. */
void kc_arena_init_with(kc_arena *a, const kc_ctx *ctx, void *buf, size_t size, size_t limit);
/* size bytes aligned for any scalar or pointer; NULL (and a->error set) on failure. */
void *kc_arena_alloc(kc_arena *a, size_t size);
/* n elements of size bytes, overflow-checked. */
void *kc_arena_array(kc_arena *a, size_t n, size_t size);
/* A NUL-terminated copy of len bytes. */
char *kc_arena_strndup(kc_arena *a, const char *s, size_t len);
/* Forgets every allocation but keeps the memory: if it grew past one chunk, the
 * chunks are replaced by a single one big enough for all of it. */
void kc_arena_reset(kc_arena *a);
kc_arena_mark kc_arena_get_mark(const kc_arena *a);
/* Frees every allocation made after the mark was taken; chunks added since
 * then go back to the allocator. */
void kc_arena_rewind(kc_arena *a, kc_arena_mark m);
/* Releases all memory. The arena may be initialised again. */
void kc_arena_free(kc_arena *a);

#endif
