/* json_write.h - kc_value -> compact JSON text (as JSON.stringify would write it). */
#ifndef KC_JSON_WRITE_H
#define KC_JSON_WRITE_H

#include "buf.h"
#include "value.h"

/* Appends v as compact JSON: numbers as kc_format_number, strings escaped
 * ("\"", "\\", control characters as \n \t ... or \u00XX; non-ASCII UTF-8
 * copied as is), members in stored order. A KC_TYPE_UNKNOWN_ value is written
 * as null. Returns 0, or -1 when the buffer ran out of memory. */
int kc_json_write(kc_buf *b, const kc_value *v);
/* Appends s as a JSON string literal. */
int kc_json_write_string(kc_buf *b, const char *s, size_t len);
/* Appends v indented by two spaces per level (for human-facing output). */
int kc_json_write_pretty(kc_buf *b, const kc_value *v, int indent);

#endif
