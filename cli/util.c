/* util.c - small helpers for the command: messages, JSON strings, line input. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

void cli_report(const kc_error *err)
{
    char buf[1024];
    kc_error_format(err, buf, sizeof buf);
    fprintf(stderr, "kindctx: %s\n", buf);
}

void cli_errorf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("kindctx: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void cli_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

long cli_read_line(FILE *f, char **buf, size_t *cap)
{
    size_t len = 0;
    int c;
    while ((c = getc(f)) != EOF) {
        if (len + 1 >= *cap) {
            size_t ncap = *cap ? *cap * 2 : 4096;
            char *nb = realloc(*buf, ncap);
            if (!nb)
                return -2;
            *buf = nb;
            *cap = ncap;
        }
        if (c == '\n')
            break;
        (*buf)[len++] = (char)c;
    }
    if (c == EOF && len == 0)
        return -1;
    if (len > 0 && (*buf)[len - 1] == '\r')
        len--;
    if (*buf)
        (*buf)[len] = '\0';
    return (long)len;
}

int cli_use_color(FILE *f)
{
    const char *no = getenv("NO_COLOR");
    if (no && no[0])
        return 0;
    return isatty(fileno(f));
}

int cli_read_file(const char *path, char **text, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        cli_errorf("%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 65536 + 1 > cap) {
            size_t ncap = cap ? cap * 2 : 65536 * 2;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                if (f != stdin)
                    fclose(f);
                cli_errorf("%s: out of memory", path);
                return -1;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    if (f != stdin)
        fclose(f);
    if (bad) {
        free(buf);
        cli_errorf("%s: read error", path);
        return -1;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}

kc_status cli_load_scenario(kc_ctx *ctx, const char *path, kc_scenario **out, kc_error *err)
{
    if (strcmp(path, "-") != 0)
        return kc_scenario_load_file(ctx, path, out, err);
    char *text = NULL;
    size_t len = 0;
    if (cli_read_file(path, &text, &len)) {
        *out = NULL;
        memset(err, 0, sizeof *err);
        snprintf(err->source, sizeof err->source, "<stdin>");
        snprintf(err->message, sizeof err->message, "cannot read standard input");
        err->status = KC_EIO;
        return KC_EIO;
    }
    kc_status st = kc_scenario_parse(ctx, text, len, "<stdin>", out, err);
    free(text);
    return st;
}

int cli_buf_reserve(cli_buf *b, size_t extra)
{
    if (b->oom)
        return -1;
    if (extra <= b->cap - b->len)
        return 0;
    size_t need = b->len + extra;
    if (need < b->len) {
        b->oom = 1;
        return -1;
    }
    size_t ncap = b->cap ? b->cap : 256;
    while (ncap < need)
        ncap = ncap > (size_t)-1 / 2 ? need : ncap * 2;
    char *nd = realloc(b->data, ncap);
    if (!nd) {
        b->oom = 1;
        return -1;
    }
    b->data = nd;
    b->cap = ncap;
    return 0;
}

void cli_buf_add(cli_buf *b, const char *s, size_t n)
{
    if (n == 0 || cli_buf_reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

void cli_buf_puts(cli_buf *b, const char *s)
{
    cli_buf_add(b, s, strlen(s));
}

void cli_buf_printf(cli_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        cli_buf_add(b, small, (size_t)n);
        return;
    }
    if (cli_buf_reserve(b, (size_t)n + 1))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

size_t cli_utf8_seq(const unsigned char *s, size_t n)
{
    /* RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF. */
    if (n == 0)
        return 0;
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

void cli_buf_json_string(cli_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    if (cli_buf_reserve(b, n + 2))
        return;
    b->data[b->len++] = '"';
    size_t i = 0;
    while (i < n) {
        /* Copy the longest run that needs no escaping in one go. */
        size_t run = i;
        while (run < n && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' && p[run] != '\\')
            run++;
        cli_buf_add(b, s + i, run - i);
        i = run;
        if (i >= n)
            break;
        unsigned char c = p[i];
        char esc[8] = {'\\', 0};
        size_t elen = 2;
        switch (c) {
        case '"':
            esc[1] = '"';
            break;
        case '\\':
            esc[1] = '\\';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            if (c < 0x20) {
                memcpy(esc, "\\u00", 4);
                esc[4] = hex[c >> 4];
                esc[5] = hex[c & 15];
                elen = 6;
            } else {
                size_t seq = cli_utf8_seq(p + i, n - i);
                if (seq) {
                    cli_buf_add(b, s + i, seq);
                    i += seq;
                } else {
                    cli_buf_add(b, "\xEF\xBF\xBD", 3); /* U+FFFD */
                    i++;
                }
                continue;
            }
        }
        cli_buf_add(b, esc, elen);
        i++;
    }
    cli_buf_add(b, "\"", 1);
}

const char *cli_buf_cstr(cli_buf *b)
{
    if (cli_buf_reserve(b, 1))
        return "";
    b->data[b->len] = '\0';
    return b->data;
}

void cli_buf_free(cli_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}

size_t cli_edit_distance(const char *a, const char *b)
{
    /* Optimal string alignment distance over three rolling rows. */
    size_t la = strlen(a), lb = strlen(b);
    if (la > 255 || lb > 255)
        return la > lb ? la : lb;
    size_t rows[3][256];
    size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (prev[j - 1] + cost < best)
                best = prev[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                pp[j - 2] + 1 < best)
                best = pp[j - 2] + 1;
            cur[j] = best;
        }
        size_t *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}
