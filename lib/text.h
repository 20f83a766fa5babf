/* text.h - small text helpers shared by the loaders and the engine. */
#ifndef KC_TEXT_H
#define KC_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Edit distance counting an adjacent transposition as one edit (optimal
 * string alignment), so "mpa" is one step from "map". For names and keys:
 * strings longer than 32 bytes are reported as far apart (99). */
unsigned kc_edit_distance(const char *a, size_t la, const char *b, size_t lb);

/* The array index a path step names: "12" -> 12. Anything that is not a
 * canonical non-negative integer ("01", "-1", "1.0", "") -> -1. */
int64_t kc_path_index(const char *s, size_t len);

#endif
