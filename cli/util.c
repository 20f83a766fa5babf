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
