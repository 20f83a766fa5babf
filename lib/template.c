/* template.c - explanation templates: parsing "{{dotted.path}}" placeholders
 * once, and rendering them against a scenario when an explanation is read.
 *
 * Parsing copies the template into the arena once; literal parts and
 * placeholder paths point into that copy, so a part costs no string of its
 * own. Only path keys get their own NUL-terminated copies, because jl_seg
 * promises a NUL-terminated key (shared with the JSON Logic evaluator). */
#include "template.h"

#include <string.h>

#include "text.h"

/* A nested array inside an array renders its items' text; deeper than this
 * it reads as "(details)", so rendering needs bounded C stack whatever the
 * document's depth limit is. */
#define NEST_MAX 16

/* ------------------------------------------------------------------------ */
/* Parsing                                                                  */
/* ------------------------------------------------------------------------ */

static int is_key_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int opens(const char *s, size_t len, size_t i)
{
    return i + 1 < len && s[i] == '{' && s[i + 1] == '{';
}


/* An upper bound on the parts: each "{{" starts at most one placeholder or
 * escape, which ends the literal before it. */
static size_t max_parts(const char *s, size_t len)
{
    size_t opens_seen = 0;
    for (size_t i = 0; i < len; i++) {
        if (opens(s, len, i)) {
            opens_seen++;
            i++;
        }
    }
    return 2 * opens_seen + 1;
}

/* Scanner state for one placeholder: where it starts and the path found. */
typedef struct ph_scan {
    size_t open;       /* offset of its "{{" */
    size_t path, plen; /* the path, as written */
    size_t end;        /* offset just past its "}}" */
    uint32_t nsegs;
} ph_scan;

/*
 * Reads one placeholder whose "{{" is at s[at]:
 *   placeholder := "{{" ws* path ws* "}}"
 *   path        := key ( "." key )*        key := [A-Za-z0-9_-]+
 *   ws          := " " | TAB | CR | LF
 * Returns NULL and fills *ph, or the reason it is malformed.
 */
static const char *scan_placeholder(const char *s, size_t len, size_t at, ph_scan *ph)
{
    size_t i = at + 2;
    ph->open = at;
    while (i < len && is_ws((unsigned char)s[i]))
        i++;
    ph->path = i;
    ph->nsegs = 1;
    int after_dot = 1; /* at the start of a key */
    for (; i < len; i++) {
        const unsigned char c = (unsigned char)s[i];
        if (is_key_char(c)) {
            after_dot = 0;
        } else if (c == '.') {
            if (i == ph->path)
                return "a placeholder path cannot start with a dot";
            if (after_dot)
                return "empty key in a placeholder path (two dots in a row)";
            after_dot = 1;
            ph->nsegs++;
        } else {
            break;
        }
    }
    ph->plen = i - ph->path;
    while (i < len && is_ws((unsigned char)s[i]))
        i++;
    const int closed = i + 1 < len && s[i] == '}' && s[i + 1] == '}';
    if (ph->plen == 0 && closed)
        return "empty placeholder: write a dotted path such as {{receiver.allergies}}";
    if (i >= len)
        return "placeholder has no closing \"}}\"";
    if (s[i] != '}')
        return "unexpected character in a placeholder: it holds one dotted path of "
               "letters, digits, '_' and '-'";
    if (ph->plen > 0 && after_dot)
        return "a placeholder path cannot end with a dot";
    if (!closed)
        return "placeholder has no closing \"}}\"";
    ph->end = i + 2;
    return NULL;
}

/* Splits the (already checked) path of ph into segments in the arena. */
static kc_status split_path(kc_arena *arena, const char *s, const ph_scan *ph, kc_tmpl_part *part)
{
    jl_seg *segs = kc_arena_array(arena, ph->nsegs, sizeof *segs);
    if (!segs)
        return KC_ENOMEM;
    const char *p = s + ph->path;
    size_t start = 0;
    uint32_t k = 0;
    for (size_t i = 0; i <= ph->plen; i++) {
        if (i < ph->plen && p[i] != '.')
            continue;
        const size_t klen = i - start;
        char *key = kc_arena_strndup(arena, p + start, klen);
        if (!key)
            return KC_ENOMEM;
        segs[k].key = key;
        segs[k].len = (uint32_t)klen;
        segs[k].hash = kc_hash(key, klen);
        segs[k].idx = kc_path_index(key, klen);
        k++;
        start = i + 1;
    }
    part->text = p;
    part->len = (uint32_t)ph->plen;
    part->nsegs = ph->nsegs;
    part->segs = segs;
    return KC_OK;
}

kc_status kc_tmpl_parse_path(kc_arena *arena, const char *text, size_t len, const jl_seg **segs,
                             uint32_t *nsegs)
{
    /* A bare path is a placeholder without its braces: check it with the
     * same scanner over "{{path}}". */
    char buf[300];
    if (len == 0 || len > sizeof buf - 5)
        return KC_ESCHEMA;
    memcpy(buf, "{{", 2);
    memcpy(buf + 2, text, len);
    memcpy(buf + 2 + len, "}}", 2);
    ph_scan ph;
    if (scan_placeholder(buf, len + 4, 0, &ph) || ph.end != len + 4 || ph.path != 2 ||
        ph.plen != len)
        return KC_ESCHEMA;
    kc_tmpl_part part;
    const char *copy = kc_arena_strndup(arena, buf, len + 4);
    if (!copy)
        return KC_ENOMEM;
    kc_status st = split_path(arena, copy, &ph, &part);
    if (st)
        return st;
    *segs = part.segs;
    *nsegs = part.nsegs;
    return KC_OK;
}

static void add_literal(kc_tmpl_part *parts, uint32_t *n, const char *s, size_t from, size_t to)
{
    if (to == from)
        return;
    kc_tmpl_part *p = &parts[(*n)++];
    p->text = s + from;
    p->len = (uint32_t)(to - from);
    p->nsegs = 0;
    p->segs = NULL;
}

/*
 *   template := ( literal | "{{{{" | placeholder )*
 * A literal runs up to the next "{{". "{{{{" adds "{{" to the literal before
 * it: the first two braces are already in place in the copy, so the literal
 * simply ends after them and the next one starts after all four.
 */
kc_status kc_tmpl_parse(kc_arena *arena, const char *text, size_t len, kc_tmpl *out,
                        size_t *bad_offset, const char **why)
{
    if (bad_offset)
        *bad_offset = 0;
    if (why)
        *why = NULL;
    if (!arena || !out || (!text && len))
        return KC_EINVAL;
    memset(out, 0, sizeof *out);
    if (len > UINT32_MAX) {
        if (why)
            *why = "template longer than 4 GiB";
        return KC_ESCHEMA;
    }
    const kc_arena_mark mark = kc_arena_get_mark(arena);
    char *s = kc_arena_strndup(arena, len ? text : "", len);
    kc_tmpl_part *parts = s ? kc_arena_array(arena, max_parts(s, len), sizeof *parts) : NULL;
    kc_status st = KC_ENOMEM;
    if (!parts)
        goto fail;
    uint32_t n = 0;
    size_t lit = 0; /* start of the literal being gathered */
    size_t i = 0;
    while (i < len) {
        if (!opens(s, len, i)) {
            i++;
            continue;
        }
        if (i + 3 < len && s[i + 2] == '{' && s[i + 3] == '{') {
            add_literal(parts, &n, s, lit, i + 2);
            i += 4;
            lit = i;
            continue;
        }
        ph_scan ph;
        const char *bad = scan_placeholder(s, len, i, &ph);
        if (bad) {
            st = KC_ESCHEMA;
            if (bad_offset)
                *bad_offset = i;
            if (why)
                *why = bad;
            goto fail;
        }
        add_literal(parts, &n, s, lit, i);
        st = split_path(arena, s, &ph, &parts[n]);
        if (st != KC_OK)
            goto fail;
        n++;
        i = lit = ph.end;
    }
    add_literal(parts, &n, s, lit, len);
    out->parts = parts;
    out->nparts = n;
    out->text = s;
    return KC_OK;
fail:
    /* Nothing of a failed template stays in the caller's arena. */
    kc_arena_rewind(arena, mark);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Rendering                                                                */
/* ------------------------------------------------------------------------ */

const kc_value *kc_tmpl_lookup(const kc_value *root, const jl_seg *segs, uint32_t nsegs)
{
    const kc_value *cur = root;
    for (uint32_t i = 0; i < nsegs && cur; i++) {
        const jl_seg *sg = &segs[i];
        if (cur->type == KC_TYPE_OBJECT)
            cur = kc_obj_get(cur, sg->key, sg->len, sg->hash);
        else if (cur->type == KC_TYPE_ARRAY && sg->idx >= 0 && (uint64_t)sg->idx < cur->n)
            cur = &cur->u.items[sg->idx];
        else
            cur = NULL;
    }
    /* An unknown fact (three-valued evaluation) is as absent as a missing one. */
    return cur && cur->type == KC_TYPE_UNKNOWN_ ? NULL : cur;
}

/* Vocabulary tokens are written with underscores ("help_with_distress");
 * an explanation reads them as words. */
static void put_words(kc_buf *b, const char *s, size_t len)
{
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '_')
            continue;
        kc_buf_append(b, s + from, i - from);
        kc_buf_putc(b, ' ');
        from = i + 1;
    }
    kc_buf_append(b, s + from, len - from);
}

static void put_value(kc_buf *b, const kc_value *v, unsigned depth);

/* "a", "a and b", "a, b and c"; "none" when empty. */
static void put_list(kc_buf *b, const kc_value *arr, unsigned depth)
{
    const uint32_t n = arr->n;
    if (n == 0) {
        kc_buf_puts(b, "none");
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (i > 0)
            kc_buf_puts(b, i + 1 == n ? " and " : ", ");
        put_value(b, &arr->u.items[i], depth + 1);
    }
}

static void put_value(kc_buf *b, const kc_value *v, unsigned depth)
{
    char num[KC_NUM_BUF];
    if (!v) {
        kc_buf_puts(b, "nothing"); /* a NULL value reads as null, as in the API */
        return;
    }
    switch (v->type) {
    case KC_TYPE_NULL:
        kc_buf_puts(b, "nothing");
        break;
    case KC_TYPE_BOOL:
        kc_buf_puts(b, v->u.boolean ? "yes" : "no");
        break;
    case KC_TYPE_NUMBER:
        kc_buf_append(b, num, kc_format_number(v->u.num, num));
        break;
    case KC_TYPE_STRING:
        put_words(b, v->u.str, v->n);
        break;
    case KC_TYPE_ARRAY:
        if (depth < NEST_MAX)
            put_list(b, v, depth);
        else
            kc_buf_puts(b, "(details)");
        break;
    case KC_TYPE_OBJECT:
        kc_buf_puts(b, "(details)");
        break;
    default:
        kc_buf_puts(b, "(unknown)");
        break;
    }
}

int kc_tmpl_value_text(kc_buf *b, const kc_value *v)
{
    put_value(b, v, 0);
    return b->failed ? -1 : 0;
}

int kc_tmpl_render(const kc_tmpl *t, const kc_value *root, kc_buf *b)
{
    for (uint32_t i = 0; i < t->nparts; i++) {
        const kc_tmpl_part *p = &t->parts[i];
        if (p->nsegs == 0) {
            kc_buf_append(b, p->text, p->len);
            continue;
        }
        const kc_value *v = kc_tmpl_lookup(root, p->segs, p->nsegs);
        if (v)
            put_value(b, v, 0);
        else
            kc_buf_puts(b, "(unknown)");
    }
    /* kc_buf makes every append after a failure a no-op: check once. */
    return b->failed ? -1 : 0;
}
