/* layout.c - breadth-first copy of a tree into one block (see layout.h).
 *
 * Neither pass recurses: trees may be as deep as the parser allows, and the
 * parser itself never spends C stack on nesting. */
#include "layout.h"

#include <string.h>

#include "mem.h"

static int is_container(const kc_value *v)
{
    return (v->type == KC_TYPE_ARRAY || v->type == KC_TYPE_OBJECT) && v->n > 0;
}

/* Child i of the container v. */
static const kc_value *child(const kc_value *v, uint32_t i)
{
    return v->type == KC_TYPE_ARRAY ? &v->u.items[i] : &v->u.members[i].val;
}

kc_status kc_layout_measure(const kc_ctx *ctx, const kc_value *v, kc_layout_size *out)
{
    kc_layout_size sz = {0, 0, 0};
    *out = sz;
    if (v->type == KC_TYPE_STRING)
        out->text = (size_t)v->n + 1;
    if (!is_container(v))
        return KC_OK;
    /* Depth-first with a stack of containers whose arrays are still to count. */
    const kc_value **stack = NULL;
    size_t depth = 0, cap = 0;
    if (kc_mem_grow(ctx, (void **)&stack, &cap, 16, sizeof *stack))
        return KC_ENOMEM;
    stack[depth++] = v;
    while (depth > 0) {
        const kc_value *c = stack[--depth];
        const int obj = c->type == KC_TYPE_OBJECT;
        sz.containers += (size_t)c->n * (obj ? sizeof(kc_member) : sizeof(kc_value));
        for (uint32_t i = 0; i < c->n; i++) {
            const kc_value *e = child(c, i);
            if (obj)
                sz.text += (size_t)c->u.members[i].klen + 1;
            if (e->type == KC_TYPE_STRING) {
                sz.text += (size_t)e->n + 1;
            } else if (is_container(e)) {
                if (kc_mem_grow(ctx, (void **)&stack, &cap, depth + 1, sizeof *stack)) {
                    kc_mem_free(ctx, (void *)stack);
                    return KC_ENOMEM;
                }
                stack[depth++] = e;
                sz.nested++;
            }
        }
    }
    kc_mem_free(ctx, (void *)stack);
    *out = sz;
    return KC_OK;
}

/* Copies n bytes of text (and its NUL) to *at, advancing it. */
static const char *put_text(char **at, const char *s, size_t n)
{
    char *d = *at;
    memcpy(d, s, n);
    d[n] = '\0';
    *at = d + n + 1;
    return d;
}

/* A value just copied into the block: its text is copied too, and a
 * container joins the queue to have its array copied in turn. */
static void visit(kc_value *e, char **text, kc_value **queue, size_t *tail)
{
    e->flags = (uint8_t)(e->flags & ~KC_VF_SPAN);
    if (e->type == KC_TYPE_STRING)
        e->u.str = put_text(text, e->u.str, e->n);
    else if (is_container(e))
        queue[(*tail)++] = e;
}

kc_status kc_layout_copy(kc_arena *arena, const kc_layout_size *sz, const kc_value *src,
                         kc_value *dst)
{
    *dst = *src;
    dst->flags = (uint8_t)(src->flags & ~(KC_VF_TRANSIENT | KC_VF_SPAN));
    const size_t total = sz->containers + sz->text;
    if (total == 0)
        return KC_OK;
    char *block = kc_arena_alloc(arena, total);
    if (!block)
        return arena->error ? arena->error : KC_ENOMEM;
    char *arrays = block, *text = block + sz->containers;
    if (src->type == KC_TYPE_STRING) {
        dst->u.str = put_text(&text, src->u.str, src->n);
        return KC_OK;
    }
    /* The work list is a queue of copied containers whose arrays still point
     * into the source: each is given its copy at the end of the arrays
     * written so far, so the arrays come out level by level. */
    kc_value **queue = kc_mem_calloc(arena->ctx, sz->nested + 1, sizeof *queue);
    if (!queue)
        return KC_ENOMEM;
    size_t head = 0, tail = 0;
    queue[tail++] = dst;
    while (head < tail) {
        kc_value *c = queue[head++];
        const uint32_t n = c->n;
        if (c->type == KC_TYPE_ARRAY) {
            kc_value *items = (kc_value *)(void *)arrays;
            arrays += (size_t)n * sizeof *items;
            memcpy(items, c->u.items, (size_t)n * sizeof *items);
            c->u.items = items;
            for (uint32_t i = 0; i < n; i++)
                visit(&items[i], &text, queue, &tail);
        } else {
            kc_member *ms = (kc_member *)(void *)arrays;
            arrays += (size_t)n * sizeof *ms;
            memcpy(ms, c->u.members, (size_t)n * sizeof *ms);
            c->u.members = ms;
            for (uint32_t i = 0; i < n; i++) {
                ms[i].key = put_text(&text, ms[i].key, ms[i].klen);
                visit(&ms[i].val, &text, queue, &tail);
            }
        }
    }
    kc_mem_free(arena->ctx, queue);
    /* The root's arrays open the block: a reader that has the root can fetch
     * the whole tree from there. */
    if (is_container(dst)) {
        const size_t lines = (total + 63) / 64;
        dst->flags |= KC_VF_SPAN;
        dst->spare = (uint16_t)(lines < 0xFFFFu ? lines : 0xFFFFu);
    }
    return KC_OK;
}
