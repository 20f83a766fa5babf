/* layout.h - laying a parsed tree out for reading: breadth-first, in one block.
 *
 * The parser builds a container after everything inside it, so a document's
 * root comes last in memory and each step down a path jumps backwards. Read
 * many times after it is parsed (scenarios parsed ahead, evaluated later),
 * a tree is better copied once into the order a reader walks it: the root's
 * members first, then the next level, and so on, then all the text. The copy
 * is one block, sized to fit, so it is also smaller, and the root records
 * the block's length (KC_VF_SPAN) so a reader can fetch all of it from
 * memory at once (kc_value_prefetch). */
#ifndef KC_LAYOUT_H
#define KC_LAYOUT_H

#include <stddef.h>

#include "arena.h"
#include "value.h"

/* The sizes of a breadth-first copy of a tree. */
typedef struct kc_layout_size {
    size_t containers; /* bytes of item and member arrays */
    size_t text;       /* bytes of strings and keys, with their NULs */
    size_t nested;     /* non-empty containers below the root */
} kc_layout_size;

/* Measures the copy of v's tree. KC_ENOMEM when the work list could not be
 * allocated (with ctx). */
kc_status kc_layout_measure(const kc_ctx *ctx, const kc_value *v, kc_layout_size *out);

/* Copies the tree of src into one block of sz->containers + sz->text bytes
 * allocated from arena (sz from kc_layout_measure of src), breadth-first:
 * arrays and members level by level, then every string in the same order.
 * *dst becomes the copy of src; a non-empty container is marked KC_VF_SPAN.
 * Returns KC_OK, KC_ENOMEM (the work list, allocated with the arena's ctx),
 * or the arena's error. */
kc_status kc_layout_copy(kc_arena *arena, const kc_layout_size *sz, const kc_value *src,
                         kc_value *dst);

#endif
