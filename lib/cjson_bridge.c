/* cjson_bridge.c - a cJSON tree -> kc_doc, with the checks kc_doc_parse()
 * applies to text.
 *
 * cJSON accepts (or lets callers build) what our reader refuses: duplicate
 * keys, inf from "1e400", strings with control characters or invalid UTF-8,
 * raw items. Every node is checked here, and problems are reported with the
 * JSON Pointer of the node, since a tree has no line numbers.
 *
 * Only ->child/->next/->string/->valuestring/->valuedouble are read: no
 * case-insensitive getters (they would merge "A" and "a"), no valueint (it
 * saturates), no global cJSON state. This recurses, but only after checking
 * the depth limit, so the C stack used is bounded by KC_LIMIT_DEPTH. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "doc.h"
#include "error.h"
#include "mem.h"

typedef struct bridge {
    kc_arena *arena;
    const kc_ctx *ctx;
    kc_error *err;
    size_t max_depth, max_nodes, nodes;
    kc_jptr path; /* JSON Pointer of the node being converted */
} bridge;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static kc_status fail(bridge *b, kc_status st, const char *fmt, ...)
{
    if (b->err) {
        va_list ap;
        va_start(ap, fmt);
        kc_error_vset(b->err, st, fmt, ap);
        va_end(ap);
        kc_error_set_path(b->err, b->path.text);
    }
    return st;
}

static kc_status fail_alloc(bridge *b)
{
    if (b->arena->error == KC_ELIMIT)
        return fail(b, KC_ELIMIT, "the document needs more memory than the arena limit");
    return fail(b, KC_ENOMEM, "out of memory while copying a cJSON tree");
}

/* Copies a string (a value or a key) into the arena after checking that a
 * document may hold it. */
static kc_status copy_text(bridge *b, const char *s, const char *what, const char **out,
                           uint32_t *out_len)
{
    if (!s)
        return fail(b, KC_EINVAL, "%s is NULL in the cJSON tree", what);
    const size_t len = strlen(s);
    if (len > UINT32_MAX)
        return fail(b, KC_ELIMIT, "%s longer than 4 GiB", what);
    size_t bad;
    if (kc_json_check_text(s, len, &bad) != KC_OK) {
        const unsigned c = (unsigned char)s[bad];
        if (c < 0x20)
            return fail(b, KC_EENCODING,
                        "%s holds control character U+%04X at byte %zu; strings may not "
                        "contain U+0000-U+001F",
                        what, c, bad);
        return fail(b, KC_EENCODING, "%s is not valid UTF-8 (byte 0x%02x at offset %zu)", what,
                    c, bad);
    }
    char *p = kc_arena_strndup(b->arena, s, len);
    if (!p)
        return fail_alloc(b);
    *out = p;
    *out_len = (uint32_t)len;
    return KC_OK;
}

static kc_status convert(bridge *b, const cJSON *item, kc_value *dst, size_t depth);

static kc_status convert_members(bridge *b, const cJSON *first, kc_member *m, size_t depth)
{
    size_t i = 0;
    for (const cJSON *c = first; c; c = c->next, i++) {
        if (!c->string)
            return fail(b, KC_EINVAL, "member %zu of the object has no key", i);
        const char *key;
        uint32_t klen;
        kc_status st = copy_text(b, c->string, "key", &key, &klen);
        if (st != KC_OK)
            return st;
        m[i].key = key;
        m[i].klen = klen;
        m[i].khash = kc_hash(key, klen);
        const size_t saved = kc_jptr_push(&b->path, key, klen);
        st = convert(b, c, &m[i].val, depth);
        if (st != KC_OK)
            return st;
        kc_jptr_pop(&b->path, saved);
    }
    return KC_OK;
}

static kc_status check_duplicates(bridge *b, const kc_member *m, size_t n)
{
    size_t first = 0, second = 0;
    const int dup = kc_members_find_dup(b->ctx, m, n, &first, &second);
    if (dup < 0)
        return fail(b, KC_ENOMEM, "out of memory while copying a cJSON tree");
    if (dup == 0)
        return KC_OK;
    kc_jptr_push(&b->path, m[second].key, m[second].klen);
    return fail(b, KC_EDUPKEY,
                "duplicate key \"%.60s\" (members %zu and %zu of the object; cJSON keeps both)",
                m[second].key, first, second);
}

/* A container at nesting level depth (the root container is level 1). */
static kc_status convert_container(bridge *b, const cJSON *item, kc_value *dst, size_t depth)
{
    if (depth > b->max_depth)
        return fail(b, KC_ELIMIT,
                    "nesting deeper than %zu levels (KC_LIMIT_DEPTH); flatten the document or "
                    "raise the limit with kc_ctx_set_limit()",
                    b->max_depth);
    /* Counting stops at the node limit, so a corrupt, cyclic ->next list
     * ends here rather than looping. */
    size_t n = 0;
    for (const cJSON *c = item->child; c; c = c->next)
        if (++n > b->max_nodes || n > UINT32_MAX)
            return fail(b, KC_ELIMIT,
                        "more than %zu values in the document (KC_LIMIT_NODES); raise the "
                        "limit with kc_ctx_set_limit() to accept it",
                        b->max_nodes);
    const int is_obj = (item->type & 0xFF) == cJSON_Object;
    if (is_obj) {
        kc_member *m = NULL;
        if (n && !(m = kc_arena_array(b->arena, n, sizeof *m)))
            return fail_alloc(b);
        kc_status st = convert_members(b, item->child, m, depth);
        if (st == KC_OK)
            st = check_duplicates(b, m, n);
        if (st == KC_OK)
            *dst = kc_v_obj(m, (uint32_t)n);
        return st;
    }
    kc_value *items = NULL;
    if (n && !(items = kc_arena_array(b->arena, n, sizeof *items)))
        return fail_alloc(b);
    size_t i = 0;
    for (const cJSON *c = item->child; c; c = c->next, i++) {
        const size_t saved = kc_jptr_push_index(&b->path, i);
        const kc_status st = convert(b, c, &items[i], depth);
        if (st != KC_OK)
            return st;
        kc_jptr_pop(&b->path, saved);
    }
    *dst = kc_v_arr(items, (uint32_t)n);
    return KC_OK;
}

static kc_status convert(bridge *b, const cJSON *item, kc_value *dst, size_t depth)
{
    if (++b->nodes > b->max_nodes)
        return fail(b, KC_ELIMIT,
                    "more than %zu values in the document (KC_LIMIT_NODES); raise the limit "
                    "with kc_ctx_set_limit() to accept it",
                    b->max_nodes);
    const char *s;
    uint32_t n;
    kc_status st;
    /* The low byte is the type; higher bits are cJSON's own flags. */
    switch (item->type & 0xFF) {
    case cJSON_False:
        *dst = kc_v_bool(0);
        return KC_OK;
    case cJSON_True:
        *dst = kc_v_bool(1);
        return KC_OK;
    case cJSON_NULL:
        *dst = kc_v_null();
        return KC_OK;
    case cJSON_Number:
        /* valuedouble only: valueint saturates and says nothing about inf. */
        if (!isfinite(item->valuedouble))
            return fail(b, KC_ENUMBER, "number is %s; JSON numbers must be finite",
                        isnan(item->valuedouble) ? "NaN" : "infinite");
        *dst = kc_v_num(item->valuedouble);
        return KC_OK;
    case cJSON_String:
        st = copy_text(b, item->valuestring, "string", &s, &n);
        if (st == KC_OK)
            *dst = kc_v_str_hashed(s, n);
        return st;
    case cJSON_Array:
    case cJSON_Object:
        return convert_container(b, item, dst, depth + 1);
    case cJSON_Raw:
        return fail(b, KC_EINVAL,
                    "cJSON_Raw item: raw JSON text cannot be checked; build the value with "
                    "the cJSON_Create* functions instead");
    default:
        return fail(b, KC_EINVAL, "invalid cJSON item (type %d)", item->type);
    }
}

kc_status kc_doc_from_cjson(kc_ctx *ctx, const struct cJSON *json, kc_doc **out, kc_error *err)
{
    static const char source[] = "<cJSON>";
    kc_error_init(err, source);
    if (out)
        *out = NULL;
    if (!ctx || !json || !out)
        return kc_error_set(err, KC_EINVAL, "ctx, json and out are required");
    kc_arena arena;
    kc_arena_init(&arena, ctx, 4096, 0);
    kc_status st = KC_ENOMEM;
    kc_doc *doc = kc_arena_alloc(&arena, sizeof *doc);
    char *src = doc ? kc_arena_strndup(&arena, source, sizeof source - 1) : NULL;
    if (!src) {
        kc_error_set(err, st, "out of memory while copying a cJSON tree");
        goto fail;
    }
    memset(doc, 0, sizeof *doc);
    doc->ctx = ctx;
    doc->source = src;
    bridge b;
    memset(&b, 0, sizeof b);
    b.arena = &arena;
    b.ctx = ctx;
    b.err = err;
    b.max_depth = kc_ctx_limit(ctx, KC_LIMIT_DEPTH);
    b.max_nodes = kc_ctx_limit(ctx, KC_LIMIT_NODES);
    st = convert(&b, json, &doc->root, 0);
    if (st != KC_OK)
        goto fail;
    doc->arena = arena;
    *out = doc;
    return KC_OK;
fail:
    kc_arena_free(&arena);
    return st;
}
