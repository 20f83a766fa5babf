/* json_read.h - strict JSON text -> kc_value tree in an arena, with positions.
 *
 * This is the one place untrusted bytes are parsed. It accepts exactly RFC 8259
 * (I-JSON-like extras below) and rejects, with a typed status and line:column:
 *   KC_ESYNTAX    malformed JSON, trailing content, empty or whitespace-only input
 *   KC_EENCODING  invalid/overlong UTF-8, raw control bytes (< 0x20) in strings,
 *                 NUL bytes anywhere, "\u0000", lone or reversed surrogates,
 *                 white space other than space, tab, CR, LF
 *   KC_EDUPKEY    two members of one object with byte-identical decoded keys
 *   KC_ENUMBER    numbers that overflow a double (e.g. 1e400)
 *   KC_ELIMIT     more than max_bytes of input, nesting deeper than max_depth,
 *                 more than max_nodes values
 *   KC_ENOMEM
 * It does not recurse (an explicit stack), so depth costs no C stack, and it
 * needs no NUL terminator and never reads text[len]. */
#ifndef KC_JSON_READ_H
#define KC_JSON_READ_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "value.h"

/* Where a value (and, for an object member, its key) starts in the text. */
typedef struct kc_pos {
    const kc_value *v; /* the value as stored in the tree (root: &doc root) */
    size_t offset;     /* byte offset */
    uint32_t line, col; /* 1-based; col counts code points */
    size_t key_offset; /* member key; all zero when v is not a member value */
    uint32_t key_line, key_col;
} kc_pos;

typedef struct kc_json_read_opts {
    size_t max_bytes, max_depth, max_nodes;
    int want_positions; /* fill *positions */
} kc_json_read_opts;

/* Positions sorted by v (pointer order) for binary search; memory in the arena. */
typedef struct kc_pos_table {
    kc_pos *items;
    size_t n;
} kc_pos_table;

/*
 * Parses text[0..len) into *root. Every allocation (values, strings, the
 * position table) is made in arena, so the caller frees it all at once; on
 * failure the caller rewinds or frees the arena and nothing else leaks.
 * root must point at its final location (the position of the root value is
 * recorded by address). err gets status, message, line, column and offset.
 */
kc_status kc_json_read(kc_arena *arena, const char *text, size_t len,
                       const kc_json_read_opts *opts, kc_value *root,
                       kc_pos_table *positions, kc_error *err);

/* The position record of v, or NULL. */
const kc_pos *kc_pos_find(const kc_pos_table *t, const kc_value *v);

/* Checks that s[0..len) is what a string in a document may hold: well-formed
 * UTF-8 (no overlong forms, no surrogates) without control characters
 * U+0000-U+001F. Returns KC_OK, or KC_EENCODING with *bad (if not NULL) at the
 * first offending byte. For text that did not come through kc_json_read(). */
kc_status kc_json_check_text(const char *s, size_t len, size_t *bad);

/* Appends "/" and tok, escaped as a JSON Pointer reference token (RFC 6901:
 * "~" as "~0", "/" as "~1"), to the NUL-terminated path in buf (size bytes,
 * currently len long). Output that does not fit is cut at a character
 * boundary. Returns the new length. */
size_t kc_json_pointer_push(char *buf, size_t size, size_t len, const char *tok, size_t toklen);

/* The JSON Pointer of the node a walk over a document is at, kept for the
 * path of its problems: push a step on the way down, pop it on the way back
 * with what the push returned. Long paths are cut, never overflowed. */
typedef struct kc_jptr {
    size_t len;
    char text[KC_ERROR_PATH_MAX];
} kc_jptr;

/* Starts at prefix (a JSON Pointer, cut to fit), or at "" when NULL. */
void kc_jptr_init(kc_jptr *p, const char *prefix);
/* Appends the step tok[0..len) (escaped); returns the length to pop back to. */
size_t kc_jptr_push(kc_jptr *p, const char *tok, size_t len);
/* Appends an array index step. */
size_t kc_jptr_push_index(kc_jptr *p, size_t i);
/* Returns to the length a push returned. */
void kc_jptr_pop(kc_jptr *p, size_t saved);

#endif
