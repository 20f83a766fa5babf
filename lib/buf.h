/* buf.h - a growable byte buffer (for JSON text, messages, rendered templates). */
#ifndef KC_BUF_H
#define KC_BUF_H

#include <stddef.h>

#include "ctx.h"

typedef struct kc_buf {
    const kc_ctx *ctx;
    char *data; /* NUL-terminated whenever len > 0 or after kc_buf_cstr() */
    size_t len, cap;
    int failed; /* an append ran out of memory; later appends do nothing */
} kc_buf;

void kc_buf_init(kc_buf *b, const kc_ctx *ctx);
/* Appends; return 0, or -1 (and sets failed) when out of memory. */
int kc_buf_append(kc_buf *b, const char *s, size_t n);
int kc_buf_puts(kc_buf *b, const char *s);
int kc_buf_putc(kc_buf *b, char c);
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
int kc_buf_printf(kc_buf *b, const char *fmt, ...);
/* The text so far, NUL-terminated ("" when empty); NULL if failed. */
const char *kc_buf_cstr(kc_buf *b);
/* Hands the NUL-terminated text to the caller (free with kc_mem_free) and
 * leaves the buffer empty. NULL if an append failed or memory runs out. */
char *kc_buf_detach(kc_buf *b, size_t *len);
void kc_buf_reset(kc_buf *b); /* empties, keeps memory */
void kc_buf_free(kc_buf *b);

#endif
