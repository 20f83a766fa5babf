/* json_write.c - kc_value -> JSON text, compact or indented.
 *
 * The tree is walked with an explicit stack (on the C stack for the first 32
 * levels, then on the heap) so a value nested as deep as the limits allow
 * costs no C stack. */
#include "json_write.h"

#include <math.h>
#include <string.h>

#include "mem.h"

/* Bytes that JSON.stringify escapes with a short form; 0 means \u00XX. */
static char short_escape(unsigned char c)
{
    switch (c) {
    case '"':
        return '"';
    case '\\':
        return '\\';
    case '\b':
        return 'b';
    case '\f':
        return 'f';
    case '\n':
        return 'n';
    case '\r':
        return 'r';
    case '\t':
        return 't';
    default:
        return 0;
    }
}

/* string = quotation-mark *char quotation-mark, with '"', '\' and U+0000-001F
 * escaped and everything else (including non-ASCII UTF-8) copied as is. */
int kc_json_write_string(kc_buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    if (!s)
        s = ""; /* only with len 0; keeps the pointer arithmetic below defined */
    kc_buf_putc(b, '"');
    size_t run = 0; /* start of the pending run of bytes copied verbatim */
    for (size_t i = 0; i < len; i++) {
        const unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        kc_buf_append(b, s + run, i - run);
        run = i + 1;
        const char e = short_escape(c);
        if (e) {
            const char esc[2] = {'\\', e};
            kc_buf_append(b, esc, 2);
        } else {
            const char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            kc_buf_append(b, esc, 6);
        }
    }
    kc_buf_append(b, s + run, len - run);
    kc_buf_putc(b, '"');
    return b->failed ? -1 : 0;
}

static void write_indent(kc_buf *b, size_t level)
{
    static const char spaces[] = "                                ";
    size_t n = level * 2;
    kc_buf_putc(b, '\n');
    while (n > 0) {
        const size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        kc_buf_append(b, spaces, k);
        n -= k;
    }
}

/* A container being written and the index of its next child. */
typedef struct wframe {
    const kc_value *v;
    uint32_t i;
} wframe;

#define INLINE_FRAMES 32

typedef struct writer {
    kc_buf *b;
    int pretty;
    size_t base; /* indent level of the top value */
    wframe inline_frames[INLINE_FRAMES];
    wframe *frames;
    size_t n, cap;
} writer;

static int push_frame(writer *w, const kc_value *v)
{
    if (w->n == w->cap) {
        if (w->frames == w->inline_frames) {
            wframe *heap = kc_mem_calloc(w->b->ctx, w->cap * 2, sizeof *heap);
            if (!heap)
                return -1;
            memcpy(heap, w->frames, w->n * sizeof *heap);
            w->frames = heap;
            w->cap *= 2;
        } else {
            void *p = w->frames;
            if (kc_mem_grow(w->b->ctx, &p, &w->cap, w->n + 1, sizeof *w->frames) != 0)
                return -1;
            w->frames = p;
        }
    }
    w->frames[w->n].v = v;
    w->frames[w->n].i = 0;
    w->n++;
    return 0;
}

/* Writes a scalar or an empty container whole, or the opening bracket of a
 * non-empty container (which is then pushed). */
static void open_value(writer *w, const kc_value *v)
{
    kc_buf *b = w->b;
    switch (v->type) {
    case KC_TYPE_BOOL:
        kc_buf_puts(b, v->u.boolean ? "true" : "false");
        break;
    case KC_TYPE_NUMBER:
        if (isfinite(v->u.num)) {
            char num[KC_NUM_BUF];
            kc_buf_append(b, num, kc_format_number(v->u.num, num));
        } else {
            kc_buf_puts(b, "null"); /* as JSON.stringify does */
        }
        break;
    case KC_TYPE_STRING:
        kc_json_write_string(b, v->n ? v->u.str : "", v->n);
        break;
    case KC_TYPE_ARRAY:
    case KC_TYPE_OBJECT: {
        const int obj = v->type == KC_TYPE_OBJECT;
        if (v->n == 0) {
            kc_buf_puts(b, obj ? "{}" : "[]");
        } else if (push_frame(w, v) != 0) {
            b->failed = 1;
        } else {
            kc_buf_putc(b, obj ? '{' : '[');
        }
        break;
    }
    default: /* null, unknown */
        kc_buf_puts(b, "null");
        break;
    }
}

static int write_tree(kc_buf *b, const kc_value *v, int pretty, size_t base)
{
    writer w;
    w.b = b;
    w.pretty = pretty;
    w.base = base;
    w.frames = w.inline_frames;
    w.n = 0;
    w.cap = INLINE_FRAMES;
    const kc_value null_value = kc_v_null();
    open_value(&w, v ? v : &null_value);
    while (w.n > 0 && !b->failed) {
        wframe *f = &w.frames[w.n - 1];
        const kc_value *c = f->v;
        const int obj = c->type == KC_TYPE_OBJECT;
        if (f->i == c->n) {
            w.n--;
            if (pretty)
                write_indent(b, base + w.n);
            kc_buf_putc(b, obj ? '}' : ']');
            continue;
        }
        if (f->i > 0)
            kc_buf_putc(b, ',');
        if (pretty)
            write_indent(b, base + w.n);
        const kc_value *child;
        if (obj) {
            const kc_member *m = &c->u.members[f->i];
            kc_json_write_string(b, m->key, m->klen);
            kc_buf_puts(b, pretty ? ": " : ":");
            child = &m->val;
        } else {
            child = &c->u.items[f->i];
        }
        f->i++;
        open_value(&w, child); /* may move w.frames; f is not used after */
    }
    if (w.frames != w.inline_frames)
        kc_mem_free(b->ctx, w.frames);
    return b->failed ? -1 : 0;
}

int kc_json_write(kc_buf *b, const kc_value *v)
{
    return write_tree(b, v, 0, 0);
}

int kc_json_write_pretty(kc_buf *b, const kc_value *v, int indent)
{
    return write_tree(b, v, 1, indent > 0 ? (size_t)indent : 0);
}
