/* error.h - filling the caller's kc_error. All functions accept err == NULL. */
#ifndef KC_ERROR_H
#define KC_ERROR_H

#include <stdarg.h>
#include <stddef.h>

#include "kindctx.h"

/* Clears err and records the source name ("<string>" for NULL). */
void kc_error_init(kc_error *err, const char *source);
/* Sets status and a printf-style message; keeps source, position and path. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
kc_status kc_error_set(kc_error *err, kc_status status, const char *fmt, ...);
#if defined(__GNUC__)
__attribute__((format(printf, 3, 0)))
#endif
kc_status kc_error_vset(kc_error *err, kc_status status, const char *fmt, va_list ap);
void kc_error_set_pos(kc_error *err, unsigned line, unsigned column, size_t offset);
void kc_error_set_path(kc_error *err, const char *path);
void kc_error_set_rule(kc_error *err, const char *rule_id);
/* Copies at most size-1 bytes of src into dst and NUL-terminates; cuts at a
 * UTF-8 character boundary so a truncated message stays valid text. */
void kc_strlcpy_utf8(char *dst, const char *src, size_t size);

#endif
