/* doc.c - kc_doc: a parsed JSON document that owns its arena, and reading
 * files for it.
 *
 * The document struct is itself allocated in its arena: the arena is set up
 * on the stack, the parse fills it, and only on success is the arena handle
 * moved into the document. A failure at any point frees the one arena. */
#include "doc.h"

#include <errno.h>
#include <stdalign.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "layout.h"
#include "mem.h"

/* Stack bytes a compact parse starts in (a scenario of 500 bytes of text
 * needs about 1.6 KiB); larger trees continue on the heap. */
#define KC_COMPACT_SCRATCH 4096

/* A typical document's tree takes about three times its text (a 16-byte
 * value per token, 32 per member, the strings once more): sized so, it
 * fits in the first chunk, and many small documents (scenarios) sit next
 * to each other in memory instead of one per page. Larger trees get a
 * second chunk; the arena doubles from there. */
static size_t first_chunk(size_t len)
{
    const size_t cap = (size_t)1 << 24;
    return 512 + 3 * (len < cap ? len : cap);
}

/* A copy of doc (which has no positions) in a new arena of one chunk: the
 * document struct, its source name, then its tree laid out by layout.c. */
static kc_status compact(const kc_ctx *ctx, const kc_doc *doc, const char *name, kc_doc **out)
{
    kc_layout_size sz;
    kc_status st = kc_layout_measure(ctx, &doc->root, &sz);
    if (st != KC_OK)
        return st;
    const size_t name_len = strlen(name);
    /* Each allocation may be padded to 16 bytes. */
    const size_t need = sizeof(kc_doc) + name_len + sz.containers + sz.text + 3 * 16;
    if (need < sz.containers || need < sz.text)
        return KC_ENOMEM;
    kc_arena arena;
    kc_arena_init(&arena, ctx, need, 0);
    kc_doc *copy = kc_arena_alloc(&arena, sizeof *copy);
    char *src = copy ? kc_arena_strndup(&arena, name, name_len) : NULL;
    if (!src) {
        kc_arena_free(&arena);
        return KC_ENOMEM;
    }
    memset(copy, 0, sizeof *copy);
    copy->ctx = ctx;
    copy->source = src;
    st = kc_layout_copy(&arena, &sz, &doc->root, &copy->root);
    if (st != KC_OK) {
        kc_arena_free(&arena);
        return st;
    }
    copy->arena = arena;
    *out = copy;
    return KC_OK;
}

kc_status kc_doc_parse_ex(kc_ctx *ctx, const char *text, size_t len, const char *source,
                          unsigned flags, kc_doc **out, kc_error *err)
{
    kc_error_init(err, source);
    if (out)
        *out = NULL;
    if (!ctx || !out || (!text && len))
        return kc_error_set(err, KC_EINVAL, "ctx, out and text are required");
    const char *name = source ? source : "<string>";
    kc_arena arena;
    /* A compact document's parse tree is thrown away once copied: parsed on
     * the stack, the document costs one heap allocation, and documents parsed
     * one after another lie one after another in memory. (Parsed on the heap,
     * the freed trees, each sized by its text, left holes the next blocks
     * partly filled: the benchmark's scenarios were 2.5-3.5 KiB apart for
     * 1.5 KiB each, a fifth of them going backwards, and took 17.5 MiB
     * instead of 16.9.) */
    alignas(16) unsigned char scratch[KC_COMPACT_SCRATCH];
    const int compacting = (flags & KC_PARSE_COMPACT) && !(flags & KC_PARSE_POSITIONS);
    if (compacting)
        kc_arena_init_with(&arena, ctx, scratch, sizeof scratch, 0);
    else
        kc_arena_init(&arena, ctx, first_chunk(len), 0);
    kc_status st = KC_ENOMEM;
    kc_doc *doc = kc_arena_alloc(&arena, sizeof *doc);
    char *src = doc ? kc_arena_strndup(&arena, name, strlen(name)) : NULL;
    if (!src) {
        kc_error_set(err, st, "out of memory while parsing JSON");
        goto fail;
    }
    memset(doc, 0, sizeof *doc);
    doc->ctx = ctx;
    doc->source = src;
    const kc_json_read_opts opts = {
        kc_ctx_limit(ctx, KC_LIMIT_INPUT_BYTES),
        kc_ctx_limit(ctx, KC_LIMIT_DEPTH),
        kc_ctx_limit(ctx, KC_LIMIT_NODES),
        (flags & KC_PARSE_POSITIONS) != 0,
    };
    st = kc_json_read(&arena, text, len, &opts, &doc->root, &doc->pos, err);
    if (st != KC_OK)
        goto fail;
    if (compacting) {
        /* Positions are keyed by the values' addresses, so only a document
         * without them can be moved. */
        kc_doc *moved = NULL;
        st = compact(ctx, doc, name, &moved);
        if (st != KC_OK) {
            kc_error_set(err, st, "out of memory while parsing JSON");
            goto fail;
        }
        kc_arena_free(&arena);
        *out = moved;
        return KC_OK;
    }
    doc->arena = arena;
    *out = doc;
    return KC_OK;
fail:
    kc_arena_free(&arena);
    return st;
}

kc_status kc_doc_parse(kc_ctx *ctx, const char *text, size_t len, const char *source,
                       kc_doc **out, kc_error *err)
{
    return kc_doc_parse_ex(ctx, text, len, source, KC_PARSE_POSITIONS, out, err);
}

kc_status kc_read_file(const kc_ctx *ctx, const char *path, char **data, size_t *len,
                       kc_error *err)
{
    kc_error_init(err, path);
    if (data)
        *data = NULL;
    if (len)
        *len = 0;
    if (!ctx || !path || !data || !len)
        return kc_error_set(err, KC_EINVAL, "ctx, path, data and len are required");
    FILE *f = fopen(path, "rb");
    if (!f)
        return kc_error_set(err, KC_EIO, "cannot open %s: %s", path, strerror(errno));
    const size_t limit = kc_ctx_limit(ctx, KC_LIMIT_INPUT_BYTES);
    void *buf = NULL;
    size_t n = 0, cap = 0;
    kc_status st = KC_OK;
    /* Read in pieces rather than trusting a size from the file system (pipes,
     * files that grow), and never more than one byte past the limit. */
    for (;;) {
        if (n > limit) {
            st = KC_ELIMIT;
            break;
        }
        if (kc_mem_grow(ctx, &buf, &cap, n + 65536 + 1, 1) != 0) {
            st = KC_ENOMEM;
            break;
        }
        size_t room = cap - n - 1;
        const size_t left = limit - n;
        if (room > left)
            room = left + 1;
        const size_t got = fread((char *)buf + n, 1, room, f);
        n += got;
        if (got < room) {
            if (ferror(f))
                st = KC_EIO;
            break;
        }
    }
    const int read_errno = errno;
    fclose(f);
    if (st == KC_OK) {
        ((char *)buf)[n] = '\0';
        *data = buf;
        *len = n;
        return KC_OK;
    }
    kc_mem_free(ctx, buf);
    if (st == KC_ELIMIT) {
        kc_error_set_pos(err, 1, 1, 0);
        return kc_error_set(err, st,
                            "%s is larger than the limit of %zu bytes (KC_LIMIT_INPUT_BYTES); "
                            "raise the limit with kc_ctx_set_limit() to accept it",
                            path, limit);
    }
    if (st == KC_EIO)
        return kc_error_set(err, st, "cannot read %s: %s", path, strerror(read_errno));
    return kc_error_set(err, st, "out of memory while reading %s", path);
}

kc_status kc_doc_load_file(kc_ctx *ctx, const char *path, kc_doc **out, kc_error *err)
{
    kc_error_init(err, path);
    if (out)
        *out = NULL;
    if (!ctx || !path || !out)
        return kc_error_set(err, KC_EINVAL, "ctx, path and out are required");
    char *data;
    size_t len;
    kc_status st = kc_read_file(ctx, path, &data, &len, err);
    if (st != KC_OK)
        return st;
    st = kc_doc_parse_ex(ctx, data, len, path, KC_PARSE_POSITIONS, out, err);
    kc_mem_free(ctx, data);
    return st;
}

const kc_value *kc_doc_root(const kc_doc *doc)
{
    return doc ? &doc->root : NULL;
}

const kc_pos *kc_doc_pos(const kc_doc *doc, const kc_value *v)
{
    return doc ? kc_pos_find(&doc->pos, v) : NULL;
}

int kc_doc_position(const kc_doc *doc, const kc_value *v, unsigned *line, unsigned *column)
{
    const kc_pos *p = kc_doc_pos(doc, v);
    if (!p)
        return 0;
    if (line)
        *line = p->line;
    if (column)
        *column = p->col;
    return 1;
}

void kc_doc_free(kc_doc *doc)
{
    if (!doc)
        return;
    /* The struct lives in its own arena: copy the handle out before freeing. */
    kc_arena arena = doc->arena;
    kc_arena_free(&arena);
}
