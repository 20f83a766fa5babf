/* error.c - the kc_error struct: plain data filled without allocating, so it
 * can report KC_ENOMEM too. */
#include "error.h"

#include <stdio.h>
#include <string.h>

void kc_strlcpy_utf8(char *dst, const char *src, size_t size)
{
    if (!dst || size == 0)
        return;
    size_t n = src ? strlen(src) : 0;
    if (n >= size) {
        n = size - 1;
        /* Back off over continuation bytes so we never cut a character. */
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

void kc_error_init(kc_error *err, const char *source)
{
    if (!err)
        return;
    /* Every field reads as empty; the text buffers need only their first
     * byte cleared (kc_evaluate calls this once per scenario). */
    err->status = KC_OK;
    err->line = err->column = 0;
    err->offset = 0;
    err->path[0] = err->rule[0] = err->message[0] = '\0';
    kc_strlcpy_utf8(err->source, source ? source : "<string>", sizeof err->source);
}

kc_status kc_error_vset(kc_error *err, kc_status status, const char *fmt, va_list ap)
{
    if (!err)
        return status;
    err->status = status;
    char tmp[KC_ERROR_TEXT_MAX * 2];
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    kc_strlcpy_utf8(err->message, tmp, sizeof err->message);
    return status;
}

kc_status kc_error_set(kc_error *err, kc_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kc_error_vset(err, status, fmt, ap);
    va_end(ap);
    return status;
}

void kc_error_set_pos(kc_error *err, unsigned line, unsigned column, size_t offset)
{
    if (!err)
        return;
    err->line = line;
    err->column = column;
    err->offset = offset;
}

void kc_error_set_path(kc_error *err, const char *path)
{
    if (err)
        kc_strlcpy_utf8(err->path, path, sizeof err->path);
}

void kc_error_set_rule(kc_error *err, const char *rule_id)
{
    if (err)
        kc_strlcpy_utf8(err->rule, rule_id, sizeof err->rule);
}

size_t kc_error_format(const kc_error *err, char *buf, size_t size)
{
    int n;
    if (!err)
        n = snprintf(buf, size, "(no error)");
    else if (err->line)
        n = snprintf(buf, size, "%s:%u:%u: %s", err->source, err->line, err->column,
                     err->message);
    else if (err->path[0])
        n = snprintf(buf, size, "%s: at %s: %s", err->source, err->path, err->message);
    else
        n = snprintf(buf, size, "%s: %s", err->source, err->message);
    return n < 0 ? 0 : (size_t)n;
}
