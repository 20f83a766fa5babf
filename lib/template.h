/* template.h - explanation templates: text with {{dotted.path}} placeholders.
 *
 * Parsed once when a rule set loads (a bad placeholder is a load error that
 * points at it) and rendered only when an explanation is asked for. */
#ifndef KC_TEMPLATE_H
#define KC_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "jl.h"

/* One piece: literal text, or a placeholder (nsegs > 0). */
typedef struct kc_tmpl_part {
    const char *text; /* literal bytes, or the placeholder's path as written */
    uint32_t len;
    uint32_t nsegs;
    const jl_seg *segs; /* the path split at dots (array indices allowed) */
} kc_tmpl_part;

typedef struct kc_tmpl {
    const kc_tmpl_part *parts;
    uint32_t nparts;
    const char *text; /* the whole template as written (NUL-terminated) */
} kc_tmpl;

/*
 * Parses text[0..len) into *out, all memory in arena.
 *   template    := ( literal | "{{{{" | placeholder )*
 *   placeholder := "{{" ws* path ws* "}}"
 *   path        := key ( "." key )*      key := [A-Za-z0-9_-]+
 * "{{{{" stands for a literal "{{". On a bad placeholder (empty, a character
 * outside a path, no closing "}}") returns KC_ESCHEMA with *bad_offset = byte
 * offset of its "{{" and *why = a static message. KC_ENOMEM on no memory.
 */
kc_status kc_tmpl_parse(kc_arena *arena, const char *text, size_t len, kc_tmpl *out,
                        size_t *bad_offset, const char **why);

/* Appends the template rendered against the scenario root: each placeholder
 * replaced by the text of the value at its path (kc_tmpl_value_text), or
 * "(unknown)" when the scenario has no such value. Returns 0, -1 on no memory. */
int kc_tmpl_render(const kc_tmpl *t, const kc_value *root, kc_buf *b);

/* The text of a value in an explanation: strings as they are with "_"
 * read as a space; numbers as JavaScript prints them; true/false as "yes"/"no";
 * null as "nothing"; arrays as "a", "a and b", "a, b and c" ("none" when
 * empty); objects as "(details)". Returns 0, -1 on no memory. */
int kc_tmpl_value_text(kc_buf *b, const kc_value *v);

/* Splits a bare dotted path ("receiver.allergies", grammar as a placeholder's
 * path) into segments in arena. KC_ESCHEMA when it is not such a path. */
kc_status kc_tmpl_parse_path(kc_arena *arena, const char *text, size_t len, const jl_seg **segs,
                             uint32_t *nsegs);

/* The value at a split path under root, or NULL when absent. */
const kc_value *kc_tmpl_lookup(const kc_value *root, const jl_seg *segs, uint32_t nsegs);

#endif
