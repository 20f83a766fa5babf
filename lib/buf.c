/* buf.c - a growable byte buffer on the context allocator. After the first
 * failed append the buffer is "failed": later appends do nothing, so callers
 * may append a whole text and check once at the end. */
#include "buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mem.h"

void kc_buf_init(kc_buf *b, const kc_ctx *ctx)
{
    b->ctx = ctx;
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = 0;
}

/* Makes room for n more bytes plus the NUL. */
static int reserve(kc_buf *b, size_t n)
{
    if (b->failed)
        return -1;
    void *p = b->data;
    if (n > SIZE_MAX - b->len - 1 || kc_mem_grow(b->ctx, &p, &b->cap, b->len + n + 1, 1) != 0) {
        b->failed = 1;
        return -1;
    }
    b->data = p;
    return 0;
}

int kc_buf_append(kc_buf *b, const char *s, size_t n)
{
    if (reserve(b, n) != 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int kc_buf_puts(kc_buf *b, const char *s)
{
    return kc_buf_append(b, s, strlen(s));
}

int kc_buf_putc(kc_buf *b, char c)
{
    /* The common case, room left, without the general path. */
    if (!b->failed && b->len + 1 < b->cap) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return 0;
    }
    return kc_buf_append(b, &c, 1);
}

int kc_buf_printf(kc_buf *b, const char *fmt, ...)
{
    if (b->failed)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n) != 0) {
        b->failed = 1;
        return -1;
    }
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

const char *kc_buf_cstr(kc_buf *b)
{
    if (b->failed)
        return NULL;
    return b->data ? b->data : "";
}

char *kc_buf_detach(kc_buf *b, size_t *len)
{
    char *text = NULL;
    if (!b->failed) {
        /* An empty buffer may own no memory yet; the caller still gets "". */
        if (!b->data && reserve(b, 0) == 0)
            b->data[0] = '\0';
        if (!b->failed) {
            text = b->data;
            if (len)
                *len = b->len;
            b->data = NULL;
        }
    }
    if (!text && len)
        *len = 0;
    /* Either way the buffer is left empty and owns nothing. */
    kc_buf_free(b);
    return text;
}

void kc_buf_reset(kc_buf *b)
{
    b->len = 0;
    b->failed = 0;
    if (b->data)
        b->data[0] = '\0';
}

void kc_buf_free(kc_buf *b)
{
    kc_mem_free(b->ctx, b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = 0;
}
