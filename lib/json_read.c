/* json_read.c - strict RFC 8259 JSON text -> kc_value tree in an arena.
 *
 * How it works
 *   One pass over the bytes with an explicit stack, so nesting costs no C
 *   stack. Every value being built has a "slot" on a scratch stack: a
 *   container's slot is followed by the slots of its finished children. When
 *   the container closes, its children are copied into one arena array (their
 *   final address), checked for duplicate keys, their positions recorded, and
 *   their slots popped; the container's own value then sits in its slot until
 *   its parent closes in turn. The scratch stacks come from the context
 *   allocator and are freed before returning; everything that survives is in
 *   the arena.
 *
 *   Positions of values are tracked incrementally (only when asked for).
 *   Error positions are found by rescanning the text from the start: errors
 *   happen once, so the hot path carries no bookkeeping for them. */
#include "json_read.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "mem.h"

/* Library defaults, used when the caller passes no options. */
#define DEFAULT_MAX_BYTES ((size_t)1 << 20)
#define DEFAULT_MAX_DEPTH 64
#define DEFAULT_MAX_NODES 200000

/* ------------------------------------------------------------------------ */
/* UTF-8                                                                    */
/* ------------------------------------------------------------------------ */

/* Length of the well-formed UTF-8 sequence at s[0..n) (n >= 1), with its code
 * point in *cp; 0 when ill-formed (Unicode 15, table 3-7: no overlong forms,
 * no surrogates, nothing above U+10FFFF). */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    const unsigned c = s[0];
    unsigned lo = 0x80, hi = 0xBF;
    size_t len;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c < 0xC2) {
        return 0;
    } else if (c < 0xE0) {
        len = 2;
        v = c & 0x1Fu;
    } else if (c < 0xF0) {
        len = 3;
        v = c & 0x0Fu;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c < 0xF5) {
        len = 4;
        v = c & 0x07u;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    v = (v << 6) | (s[1] & 0x3Fu);
    for (size_t i = 2; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    *cp = v;
    return len;
}

static size_t utf8_put(char *dst, uint32_t cp)
{
    if (cp < 0x80) {
        dst[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        dst[0] = (char)(0xC0 | (cp >> 6));
        dst[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        dst[0] = (char)(0xE0 | (cp >> 12));
        dst[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        dst[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    dst[0] = (char)(0xF0 | (cp >> 18));
    dst[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    dst[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    dst[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

kc_status kc_json_check_text(const char *s, size_t len, size_t *bad)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        const size_t n = p[i] < 0x20 ? 0 : utf8_seq(p + i, len - i, &cp);
        if (n == 0) {
            if (bad)
                *bad = i;
            return KC_EENCODING;
        }
        i += n;
    }
    return KC_OK;
}

/* White space in Unicode (Zs, NEL, LS, PS) that JSON does not accept. */
static int is_unicode_space(uint32_t cp)
{
    return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* ------------------------------------------------------------------------ */
/* JSON Pointer                                                             */
/* ------------------------------------------------------------------------ */

size_t kc_json_pointer_push(char *buf, size_t size, size_t len, const char *tok, size_t toklen)
{
    if (!buf || size == 0 || len >= size)
        return len;
    size_t o = len;
    if (o + 1 < size) {
        buf[o++] = '/';
        size_t i = 0;
        for (; i < toklen; i++) {
            const char c = tok[i];
            const size_t need = (c == '~' || c == '/') ? 2 : 1;
            if (o + need >= size)
                break;
            if (need == 2) {
                buf[o++] = '~';
                buf[o++] = c == '~' ? '0' : '1';
            } else {
                buf[o++] = c;
            }
        }
        /* Cut short inside a character: drop its partial bytes. */
        if (i < toklen && ((unsigned char)tok[i] & 0xC0) == 0x80) {
            while (o > len + 1 && ((unsigned char)buf[o - 1] & 0xC0) == 0x80)
                o--;
            if (o > len + 1 && (unsigned char)buf[o - 1] >= 0xC0)
                o--;
        }
    }
    buf[o] = '\0';
    return o;
}

void kc_jptr_init(kc_jptr *p, const char *prefix)
{
    p->text[0] = '\0';
    if (prefix)
        kc_strlcpy_utf8(p->text, prefix, sizeof p->text);
    p->len = strlen(p->text);
}

size_t kc_jptr_push(kc_jptr *p, const char *tok, size_t len)
{
    const size_t saved = p->len;
    p->len = kc_json_pointer_push(p->text, sizeof p->text, p->len, tok, len);
    return saved;
}

size_t kc_jptr_push_index(kc_jptr *p, size_t i)
{
    /* Compiling a rule set pushes an index for every array element it
     * walks: digits by hand, not through snprintf. */
    char idx[24];
    size_t n = sizeof idx;
    do {
        idx[--n] = (char)('0' + i % 10);
        i /= 10;
    } while (i);
    return kc_jptr_push(p, idx + n, sizeof idx - n);
}

void kc_jptr_pop(kc_jptr *p, size_t saved)
{
    p->len = saved;
    p->text[saved] = '\0';
}

/* ------------------------------------------------------------------------ */
/* The reader                                                               */
/* ------------------------------------------------------------------------ */

/* A value under construction (see the comment at the top). */
typedef struct slot {
    kc_member m; /* key fields only for object members */
    size_t off, key_off;
    uint32_t line, col, key_line, key_col; /* only with positions */
} slot;

/* An open container: the index of its own slot. */
typedef struct frame {
    size_t slot;
    int is_obj;
} frame;

typedef struct reader {
    kc_arena *arena;
    const kc_ctx *ctx;
    const unsigned char *s;
    size_t len, i;
    size_t max_depth, max_nodes, nodes;
    int want_pos;
    kc_error *err;
    size_t at; /* slot that errors are reported against (JSON Pointer); SIZE_MAX: none */
    /* incremental line/column, for positions */
    size_t line, line_start, col_off;
    uint32_t col;
    slot *slots;
    size_t nslots, cap_slots;
    frame *frames;
    size_t nframes, cap_frames;
    kc_pos *pos;
    size_t npos, cap_pos;
} reader;

enum { ST_VALUE, ST_AFTER, ST_DONE };

/* Line and column (1-based, in code points) of byte off. A CR LF pair is one
 * line break, and so is a lone CR. */
static void locate(const unsigned char *s, size_t len, size_t off, unsigned *line, unsigned *col)
{
    unsigned l = 1, c = 1;
    for (size_t k = 0; k < off && k < len; k++) {
        const unsigned char b = s[k];
        if (b == '\n' || (b == '\r' && !(k + 1 < len && s[k + 1] == '\n'))) {
            l++;
            c = 1;
        } else if (b != '\r' && (b & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

/* The JSON Pointer of slot k: its ancestors are the open frames whose slot
 * comes before it, and each step is a key or an index among the finished
 * siblings (which are exactly the slots between a frame and its next child). */
static void slot_pointer(const reader *r, size_t k, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t f = 0; f < r->nframes && r->frames[f].slot < k; f++) {
        const frame *fr = &r->frames[f];
        const size_t child =
            (f + 1 < r->nframes && r->frames[f + 1].slot <= k) ? r->frames[f + 1].slot : k;
        if (fr->is_obj) {
            const kc_member *m = &r->slots[child].m;
            len = kc_json_pointer_push(buf, size, len, m->key, m->klen);
        } else {
            char idx[24];
            const int n = snprintf(idx, sizeof idx, "%zu", child - fr->slot - 1);
            len = kc_json_pointer_push(buf, size, len, idx, n > 0 ? (size_t)n : 0);
        }
    }
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static kc_status fail(reader *r, kc_status st, size_t off, const char *fmt, ...)
{
    if (r->err) {
        va_list ap;
        va_start(ap, fmt);
        kc_error_vset(r->err, st, fmt, ap);
        va_end(ap);
        unsigned line, col;
        locate(r->s, r->len, off, &line, &col);
        kc_error_set_pos(r->err, line, col, off);
        char path[KC_ERROR_PATH_MAX];
        path[0] = '\0';
        if (r->at < r->nslots)
            slot_pointer(r, r->at, path, sizeof path);
        kc_error_set_path(r->err, path);
    }
    return st;
}

/* Out of memory, or the arena's own limit: no position applies. */
static kc_status fail_alloc(reader *r)
{
    const kc_status st = r->arena->error == KC_ELIMIT ? KC_ELIMIT : KC_ENOMEM;
    return kc_error_set(r->err, st, "%s",
                        st == KC_ELIMIT ? "the document needs more memory than the arena limit"
                                        : "out of memory while parsing JSON");
}

static int is_digit(unsigned c)
{
    return c >= '0' && c <= '9';
}

static int is_word(unsigned c)
{
    return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_';
}

static size_t word_len(const reader *r, size_t off)
{
    size_t n = 0;
    while (off + n < r->len && is_word(r->s[off + n]))
        n++;
    return n;
}

static int word_is(const reader *r, size_t off, const char *w, int fold_case)
{
    const size_t n = strlen(w);
    if (word_len(r, off) != n)
        return 0;
    for (size_t k = 0; k < n; k++) {
        unsigned a = r->s[off + k], b = (unsigned char)w[k];
        if (fold_case) {
            a |= 0x20;
            b |= 0x20;
        }
        if (a != b)
            return 0;
    }
    return 1;
}

/* What is at off, for "found ..." in messages. */
static const char *describe(const reader *r, size_t off, char *buf, size_t size)
{
    if (off >= r->len)
        return "end of input";
    const unsigned char c = r->s[off];
    const char *p = (const char *)r->s + off;
    uint32_t cp;
    size_t n;
    if (is_word(c)) {
        n = word_len(r, off);
        snprintf(buf, size, "'%.*s%s'", n > 24 ? 24 : (int)n, p, n > 24 ? "..." : "");
    } else if (c == '\'') {
        return "a single quote";
    } else if (c == ' ') {
        return "a space";
    } else if (c == '\t') {
        return "a tab";
    } else if (c == '\n' || c == '\r') {
        return "a line break";
    } else if (c > 0x20 && c < 0x7F) {
        snprintf(buf, size, "'%c'", c);
    } else if (c < 0x80) {
        snprintf(buf, size, "control character U+%04X", (unsigned)c);
    } else if ((n = utf8_seq(r->s + off, r->len - off, &cp)) != 0) {
        snprintf(buf, size, "'%.*s' (U+%04X)", (int)n, p, (unsigned)cp);
    } else {
        snprintf(buf, size, "byte 0x%02x", (unsigned)c);
    }
    return buf;
}

/* A hint for a token found where a value (or key) should start. */
static const char *value_hint(const reader *r, size_t off)
{
    if (off >= r->len)
        return "";
    const unsigned char c = r->s[off];
    if (is_word(c)) {
        if (word_is(r, off, "true", 1) || word_is(r, off, "false", 1) ||
            word_is(r, off, "null", 1))
            return " (JSON literals are lowercase: true, false, null)";
        if (word_is(r, off, "nan", 1) || word_is(r, off, "infinity", 1))
            return " (NaN and Infinity are not JSON numbers)";
        return " (strings must be in double quotes)";
    }
    switch (c) {
    case '\'':
        return " (JSON strings use double quotes)";
    case '.':
        return " (write 0.5, not .5)";
    case '+':
        return " (a number cannot start with '+')";
    case '/':
    case '#':
        return " (JSON has no comments)";
    default:
        return "";
    }
}

static kc_status bad_utf8(reader *r, size_t off)
{
    const unsigned c = r->s[off];
    if (c < 0xC2 || c > 0xF4)
        return fail(r, KC_EENCODING, off, "invalid UTF-8 byte 0x%02x; the text must be UTF-8", c);
    return fail(r, KC_EENCODING, off,
                "invalid UTF-8 sequence starting with byte 0x%02x (truncated, overlong or a "
                "surrogate); the text must be UTF-8",
                c);
}

/* Reports what is at off where the grammar wanted `expected`. Bytes that are
 * wrong in any context (NUL, control characters, stray white space, invalid
 * UTF-8) get their own encoding error instead of a syntax error. */
static kc_status unexpected(reader *r, size_t off, const char *expected, const char *hint)
{
    if (off < r->len) {
        const unsigned char c = r->s[off];
        uint32_t cp = c;
        if (c == 0)
            return fail(r, KC_EENCODING, off,
                        "NUL byte is not allowed in JSON text (was a C string terminator "
                        "counted in the length?)");
        if (c == 0x0B || c == 0x0C)
            return fail(r, KC_EENCODING, off,
                        "white space U+%04X is not allowed; use space, tab, CR or LF",
                        (unsigned)c);
        if (c < 0x20)
            return fail(r, KC_EENCODING, off,
                        "control character U+%04X is not allowed in JSON text", (unsigned)c);
        if (c >= 0x80) {
            if (utf8_seq(r->s + off, r->len - off, &cp) == 0)
                return bad_utf8(r, off);
            if (cp == 0xFEFF)
                return fail(r, KC_EENCODING, off,
                            "byte order mark (U+FEFF) is not allowed; save the file as UTF-8 "
                            "without a BOM");
            if (is_unicode_space(cp))
                return fail(r, KC_EENCODING, off,
                            "white space U+%04X is not allowed; use space, tab, CR or LF",
                            (unsigned)cp);
        }
    }
    char what[80];
    return fail(r, KC_ESYNTAX, off, "%s, found %s%s", expected,
                describe(r, off, what, sizeof what), hint);
}

/* The input ended inside the innermost open container. */
static kc_status unterminated(reader *r)
{
    const frame *f = &r->frames[r->nframes - 1];
    unsigned line, col;
    locate(r->s, r->len, r->slots[f->slot].off, &line, &col);
    return fail(r, KC_ESYNTAX, r->len,
                "unterminated %s: the input ends before its closing '%c' (it opens at line "
                "%u, column %u)",
                f->is_obj ? "object" : "array", f->is_obj ? '}' : ']', line, col);
}

static kc_status unterminated_string(reader *r, size_t start)
{
    unsigned line, col;
    locate(r->s, r->len, start, &line, &col);
    return fail(r, KC_ESYNTAX, r->len,
                "unterminated string: the input ends before its closing '\"' (it opens at "
                "line %u, column %u)",
                line, col);
}

/* ws = *( %x20 / %x09 / %x0A / %x0D ), counting lines as it goes. */
static void skip_ws(reader *r)
{
    while (r->i < r->len) {
        const unsigned char c = r->s[r->i];
        if (c == ' ' || c == '\t') {
            r->i++;
        } else if (c == '\n' || c == '\r') {
            r->i++;
            if (c == '\r' && r->i < r->len && r->s[r->i] == '\n')
                r->i++;
            r->line++;
            r->line_start = r->i;
        } else {
            break;
        }
    }
}

/* Line and column of off, which is on the current line at or after every
 * offset asked for before: values are visited in text order, so counting code
 * points from the last mark keeps this linear overall. */
static void mark(reader *r, size_t off, uint32_t *line, uint32_t *col)
{
    if (r->col_off < r->line_start) {
        r->col_off = r->line_start;
        r->col = 1;
    }
    for (size_t k = r->col_off; k < off; k++)
        r->col += (r->s[k] & 0xC0) != 0x80;
    r->col_off = off;
    *line = r->line > UINT32_MAX ? UINT32_MAX : (uint32_t)r->line;
    *col = r->col;
}

static kc_status push_slot(reader *r)
{
    void *p = r->slots;
    if (kc_mem_grow(r->ctx, &p, &r->cap_slots, r->nslots + 1, sizeof *r->slots) != 0)
        return kc_error_set(r->err, KC_ENOMEM, "out of memory while parsing JSON");
    r->slots = p;
    memset(&r->slots[r->nslots], 0, sizeof *r->slots);
    r->nslots++;
    return KC_OK;
}

/* ------------------------------------------------------------------------ */
/* Strings                                                                  */
/* ------------------------------------------------------------------------ */

static int hex_value(unsigned c)
{
    if (is_digit(c))
        return (int)c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? (int)c - 'a' + 10 : -1;
}

/* Four hex digits at off: 1 and *u set; 0 when one is not a hex digit; -1 when
 * the input ends first. */
static int hex4(const reader *r, size_t off, uint32_t *u)
{
    uint32_t v = 0;
    for (size_t k = 0; k < 4; k++) {
        if (off + k >= r->len)
            return -1;
        const int h = hex_value(r->s[off + k]);
        if (h < 0)
            return 0;
        v = v * 16 + (uint32_t)h;
    }
    *u = v;
    return 1;
}

/* escape = "\" ( %x22 / %x5C / %x2F / %x62 / %x66 / %x6E / %x72 / %x74 / %x75 4HEXDIG )
 * A \u escape of a high surrogate must be followed by one of a low surrogate;
 * "\u0000" is refused (a NUL would cut the key or string short in C). Moves
 * *j past the escape (both halves of a pair). */
static kc_status check_escape(reader *r, size_t start, size_t *j)
{
    const size_t bs = *j;
    if (bs + 1 >= r->len)
        return unterminated_string(r, start);
    const unsigned char e = r->s[bs + 1];
    if (strchr("\"\\/bfnrt", e) && e != '\0') {
        *j = bs + 2;
        return KC_OK;
    }
    if (e != 'u') {
        char what[80];
        return fail(r, KC_ESYNTAX, bs,
                    "invalid escape: a backslash followed by %s; use \\\" \\\\ \\/ \\b \\f \\n "
                    "\\r \\t or \\uXXXX",
                    describe(r, bs + 1, what, sizeof what));
    }
    uint32_t u, lo = 0;
    const int h = hex4(r, bs + 2, &u);
    if (h < 0)
        return unterminated_string(r, start);
    if (h == 0)
        return fail(r, KC_ESYNTAX, bs, "invalid escape: \\u must be followed by four hex digits");
    if (u == 0)
        return fail(r, KC_EENCODING, bs, "\"\\u0000\" is not allowed in strings");
    if (u >= 0xDC00 && u <= 0xDFFF)
        return fail(r, KC_EENCODING, bs,
                    "lone low surrogate \\u%04X: it must follow a high surrogate "
                    "(\\uD800-\\uDBFF)",
                    (unsigned)u);
    if (u < 0xD800 || u > 0xDBFF) {
        *j = bs + 6;
        return KC_OK;
    }
    int hl = 0;
    if (bs + 6 >= r->len)
        return unterminated_string(r, start);
    if (r->s[bs + 6] == '\\') {
        if (bs + 7 >= r->len)
            return unterminated_string(r, start);
        if (r->s[bs + 7] == 'u')
            hl = hex4(r, bs + 8, &lo);
    }
    if (hl < 0)
        return unterminated_string(r, start);
    if (hl == 0 || lo < 0xDC00 || lo > 0xDFFF)
        return fail(r, KC_EENCODING, bs,
                    "lone high surrogate \\u%04X: it must be followed by a low surrogate "
                    "(\\uDC00-\\uDFFF)",
                    (unsigned)u);
    *j = bs + 12;
    return KC_OK;
}

static kc_status control_in_string(reader *r, size_t off, unsigned c)
{
    if (c == 0)
        return fail(r, KC_EENCODING, off, "NUL byte (U+0000) is not allowed in strings");
    const char *esc = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
    if (c == '\n' || c == '\r')
        return fail(r, KC_EENCODING, off,
                    "control character U+%04X in a string must be escaped as %s (is a closing "
                    "'\"' missing?)",
                    c, esc);
    if (esc)
        return fail(r, KC_EENCODING, off,
                    "control character U+%04X in a string must be escaped as %s", c, esc);
    return fail(r, KC_EENCODING, off,
                "control character U+%04X in a string must be escaped as \\u%04X", c, c);
}

/* Pass 1 over a string: finds the closing quote and checks everything
 * (escapes, UTF-8, control characters), so pass 2 can decode blindly. */
static kc_status scan_string(reader *r, size_t *end, int *has_esc)
{
    const size_t start = r->i;
    size_t j = start + 1;
    *has_esc = 0;
    for (;;) {
        if (j >= r->len)
            return unterminated_string(r, start);
        const unsigned char c = r->s[j];
        if (c == '"')
            break;
        if (c == '\\') {
            const kc_status st = check_escape(r, start, &j);
            if (st != KC_OK)
                return st;
            *has_esc = 1;
        } else if (c < 0x20) {
            return control_in_string(r, j, c);
        } else if (c < 0x80) {
            j++;
        } else {
            uint32_t cp;
            const size_t n = utf8_seq(r->s + j, r->len - j, &cp);
            if (n == 0)
                return bad_utf8(r, j);
            j += n;
        }
    }
    *end = j;
    return KC_OK;
}

static uint32_t hex4_known(const unsigned char *p)
{
    uint32_t v = 0;
    for (int k = 0; k < 4; k++)
        v = v * 16 + (uint32_t)hex_value(p[k]);
    return v;
}

/* Pass 2: decodes the checked bytes from..to (exclusive) into dst; returns
 * the decoded length, which is never more than to - from. */
static size_t decode_string(const unsigned char *s, size_t from, size_t to, char *dst)
{
    size_t o = 0, j = from;
    while (j < to) {
        const unsigned char *bs = memchr(s + j, '\\', to - j);
        const size_t stop = bs ? (size_t)(bs - s) : to;
        memcpy(dst + o, s + j, stop - j);
        o += stop - j;
        j = stop;
        if (j >= to)
            break;
        const unsigned char e = s[j + 1];
        uint32_t u;
        switch (e) {
        case 'b':
            dst[o++] = '\b';
            break;
        case 'f':
            dst[o++] = '\f';
            break;
        case 'n':
            dst[o++] = '\n';
            break;
        case 'r':
            dst[o++] = '\r';
            break;
        case 't':
            dst[o++] = '\t';
            break;
        case 'u':
            u = hex4_known(s + j + 2);
            if (u >= 0xD800 && u <= 0xDBFF) {
                const uint32_t lo = hex4_known(s + j + 8);
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                j += 6;
            }
            o += utf8_put(dst + o, u);
            j += 4;
            break;
        default: /* " \ / */
            dst[o++] = (char)e;
            break;
        }
        j += 2;
    }
    dst[o] = '\0';
    return o;
}

/* string = quotation-mark *char quotation-mark          (RFC 8259, section 7)
 * char   = unescaped / escape
 * unescaped = %x20-21 / %x23-5B / %x5D-10FFFF            (as well-formed UTF-8)
 * Decodes into the arena (NUL-terminated) and moves past the closing quote. */
static kc_status read_string(reader *r, const char **out, uint32_t *out_len)
{
    size_t end = 0;
    int has_esc = 0;
    kc_status st = scan_string(r, &end, &has_esc);
    if (st != KC_OK)
        return st;
    const size_t from = r->i + 1, raw = end - from;
    if (raw > UINT32_MAX)
        return fail(r, KC_ELIMIT, r->i, "string longer than 4 GiB");
    char *dst = kc_arena_alloc(r->arena, raw + 1);
    if (!dst)
        return fail_alloc(r);
    size_t n = raw;
    if (has_esc) {
        n = decode_string(r->s, from, end, dst);
    } else {
        memcpy(dst, r->s + from, raw);
        dst[raw] = '\0';
    }
    *out = dst;
    *out_len = (uint32_t)n;
    r->i = end + 1;
    return KC_OK;
}

/* ------------------------------------------------------------------------ */
/* Numbers and literals                                                     */
/* ------------------------------------------------------------------------ */

/* number = [ "-" ] int [ frac ] [ exp ]                   (RFC 8259, section 6)
 * int    = "0" / digit1-9 *DIGIT
 * frac   = "." 1*DIGIT
 * exp    = ( "e" / "E" ) [ "-" / "+" ] 1*DIGIT
 * No leading zeros, no "1.", no ".5", no "+1", no NaN or Infinity. */
static kc_status read_number(reader *r, kc_value *v)
{
    const unsigned char *s = r->s;
    const size_t len = r->len, start = r->i;
    size_t j = start;
    char what[80];
    if (s[j] == '-') {
        j++;
        if (j >= len || !is_digit(s[j])) {
            if (word_is(r, j, "Infinity", 1))
                return fail(r, KC_ESYNTAX, start, "-Infinity is not a JSON number");
            return fail(r, KC_ESYNTAX, j, "expected a digit after '-', found %s",
                        describe(r, j, what, sizeof what));
        }
    }
    if (s[j] == '0') {
        j++;
        if (j < len && is_digit(s[j]))
            return fail(r, KC_ESYNTAX, start, "leading zeros are not allowed in numbers");
        if (j < len && (s[j] | 0x20) == 'x')
            return fail(r, KC_ESYNTAX, start, "hexadecimal numbers are not allowed in JSON");
    } else {
        while (j < len && is_digit(s[j]))
            j++;
    }
    if (j < len && s[j] == '.') {
        j++;
        if (j >= len || !is_digit(s[j]))
            return fail(r, KC_ESYNTAX, j, "expected a digit after the decimal point, found %s",
                        describe(r, j, what, sizeof what));
        while (j < len && is_digit(s[j]))
            j++;
    }
    if (j < len && (s[j] | 0x20) == 'e') {
        j++;
        if (j < len && (s[j] == '+' || s[j] == '-'))
            j++;
        if (j >= len || !is_digit(s[j]))
            return fail(r, KC_ESYNTAX, j, "expected a digit in the exponent, found %s",
                        describe(r, j, what, sizeof what));
        while (j < len && is_digit(s[j]))
            j++;
    }
    double d;
    if (kc_parse_json_number((const char *)s + start, j - start, &d) != 0) {
        const size_t n = j - start;
        return fail(r, KC_ENUMBER, start,
                    "number %.*s%s is too large for a double (the largest is about 1.8e308)",
                    n > 40 ? 40 : (int)n, (const char *)s + start, n > 40 ? "..." : "");
    }
    *v = kc_v_num(d);
    r->i = j;
    return KC_OK;
}

/* false = %x66.61.6c.73.65 / null = %x6e.75.6c.6c / true = %x74.72.75.65,
 * taken as whole words so "truex" is reported as one unknown word. */
static kc_status read_word(reader *r, kc_value *v)
{
    const size_t n = word_len(r, r->i);
    if (word_is(r, r->i, "true", 0))
        *v = kc_v_bool(1);
    else if (word_is(r, r->i, "false", 0))
        *v = kc_v_bool(0);
    else if (word_is(r, r->i, "null", 0))
        *v = kc_v_null();
    else
        return unexpected(r, r->i, "expected a value", value_hint(r, r->i));
    r->i += n;
    return KC_OK;
}

/* ------------------------------------------------------------------------ */
/* Containers                                                               */
/* ------------------------------------------------------------------------ */

static kc_status record_pos(reader *r, const kc_value *v, const slot *s, int member)
{
    void *p = r->pos;
    if (kc_mem_grow(r->ctx, &p, &r->cap_pos, r->npos + 1, sizeof *r->pos) != 0)
        return kc_error_set(r->err, KC_ENOMEM, "out of memory while parsing JSON");
    r->pos = p;
    kc_pos *e = &r->pos[r->npos++];
    memset(e, 0, sizeof *e);
    e->v = v;
    e->offset = s->off;
    e->line = s->line;
    e->col = s->col;
    if (member) {
        e->key_offset = s->key_off;
        e->key_line = s->key_line;
        e->key_col = s->key_col;
    }
    return KC_OK;
}

/* Writes key for a message: escaped like a JSON string body, cut after 60
 * bytes (at a character boundary). */
static void quote_key(const char *key, size_t klen, char *buf, size_t size)
{
    size_t o = 0, k = 0;
    for (; k < klen && o + 8 < size && k < 60; k++) {
        const unsigned char c = (unsigned char)key[k];
        if (c < 0x20)
            o += (size_t)snprintf(buf + o, size - o, "\\u%04x", (unsigned)c);
        else if (c == '"' || c == '\\')
            o += (size_t)snprintf(buf + o, size - o, "\\%c", c);
        else
            buf[o++] = (char)c;
    }
    if (k < klen) {
        while (o > 0 && ((unsigned char)buf[o - 1] & 0xC0) == 0x80)
            o--;
        if (o > 0 && (unsigned char)buf[o - 1] >= 0xC0)
            o--;
        memcpy(buf + o, "...", 4);
    } else {
        buf[o] = '\0';
    }
}

static kc_status duplicate_key(reader *r, size_t first, size_t second)
{
    const slot *a = &r->slots[first];
    const slot *b = &r->slots[second];
    char key[80];
    unsigned line, col;
    quote_key(b->m.key, b->m.klen, key, sizeof key);
    locate(r->s, r->len, a->key_off, &line, &col);
    r->at = second;
    return fail(r, KC_EDUPKEY, b->key_off, "duplicate key \"%s\" (first at line %u, column %u)",
                key, line, col);
}

/* Moves the finished children of the innermost container into the arena and
 * makes the container's value. */
static kc_status close_container(reader *r)
{
    const frame f = r->frames[r->nframes - 1];
    const size_t base = f.slot + 1, n = r->nslots - base;
    kc_status st = KC_OK;
    kc_value v;
    r->at = f.slot;
    if (n > UINT32_MAX)
        return fail(r, KC_ELIMIT, r->slots[f.slot].off, "container with more than 2^32 items");
    if (f.is_obj) {
        kc_member *m = NULL;
        if (n) {
            m = kc_arena_array(r->arena, n, sizeof *m);
            if (!m)
                return fail_alloc(r);
            for (size_t k = 0; k < n; k++)
                m[k] = r->slots[base + k].m;
        }
        size_t first = 0, second = 0;
        const int dup = kc_members_find_dup(r->ctx, m, n, &first, &second);
        if (dup < 0)
            return kc_error_set(r->err, KC_ENOMEM, "out of memory while parsing JSON");
        if (dup > 0)
            return duplicate_key(r, base + first, base + second);
        for (size_t k = 0; k < n && r->want_pos && st == KC_OK; k++)
            st = record_pos(r, &m[k].val, &r->slots[base + k], 1);
        v = kc_v_obj(m, (uint32_t)n);
    } else {
        kc_value *items = NULL;
        if (n) {
            items = kc_arena_array(r->arena, n, sizeof *items);
            if (!items)
                return fail_alloc(r);
            for (size_t k = 0; k < n; k++)
                items[k] = r->slots[base + k].m.val;
        }
        for (size_t k = 0; k < n && r->want_pos && st == KC_OK; k++)
            st = record_pos(r, &items[k], &r->slots[base + k], 0);
        v = kc_v_arr(items, (uint32_t)n);
    }
    if (st != KC_OK)
        return st;
    r->nslots = base;
    r->slots[f.slot].m.val = v;
    r->nframes--;
    return KC_OK;
}

/* member = string name-separator value; reads the key and the ':' into a new
 * slot, leaving the reader at the value. */
static kc_status read_key(reader *r)
{
    const size_t key_off = r->i;
    uint32_t kl = 0, kc = 0;
    const char *key;
    uint32_t klen;
    if (r->want_pos)
        mark(r, key_off, &kl, &kc);
    kc_status st = read_string(r, &key, &klen);
    if (st == KC_OK)
        st = push_slot(r);
    if (st != KC_OK)
        return st;
    slot *s = &r->slots[r->nslots - 1];
    s->m.key = key;
    s->m.klen = klen;
    s->m.khash = kc_hash(key, klen);
    s->key_off = key_off;
    s->key_line = kl;
    s->key_col = kc;
    skip_ws(r);
    if (r->i >= r->len)
        return unterminated(r);
    if (r->s[r->i] != ':')
        return unexpected(r, r->i, "expected ':' after an object key", "");
    r->i++;
    skip_ws(r);
    return KC_OK;
}

static const char *key_hint(const reader *r, size_t off)
{
    if (off < r->len && (is_word(r->s[off]) || r->s[off] == '\''))
        return " (keys must be strings in double quotes)";
    return "";
}

/* array  = begin-array [ value *( value-separator value ) ] end-array
 * object = begin-object [ member *( value-separator member ) ] end-object */
static kc_status open_container(reader *r, int is_obj, int *state)
{
    if (r->nframes >= r->max_depth)
        return fail(r, KC_ELIMIT, r->i,
                    "nesting deeper than %zu levels (KC_LIMIT_DEPTH); flatten the document or "
                    "raise the limit with kc_ctx_set_limit()",
                    r->max_depth);
    void *p = r->frames;
    if (kc_mem_grow(r->ctx, &p, &r->cap_frames, r->nframes + 1, sizeof *r->frames) != 0)
        return kc_error_set(r->err, KC_ENOMEM, "out of memory while parsing JSON");
    r->frames = p;
    r->frames[r->nframes].slot = r->nslots - 1;
    r->frames[r->nframes].is_obj = is_obj;
    r->nframes++;
    r->i++;
    skip_ws(r);
    if (r->i >= r->len)
        return unterminated(r);
    if (r->s[r->i] == (is_obj ? '}' : ']')) {
        r->i++;
        *state = ST_AFTER;
        return close_container(r);
    }
    *state = ST_VALUE;
    if (!is_obj)
        return push_slot(r);
    if (r->s[r->i] != '"')
        return unexpected(r, r->i, "expected a string key or '}' after '{'", key_hint(r, r->i));
    return read_key(r);
}

/* value = false / null / true / object / array / number / string
 * The value goes into the last slot. */
static kc_status step_value(reader *r, int *state)
{
    const size_t k = r->nslots - 1;
    r->at = k;
    if (r->i >= r->len)
        return r->nframes ? unterminated(r) : unexpected(r, r->i, "expected a value", "");
    slot *s = &r->slots[k];
    s->off = r->i;
    if (r->want_pos)
        mark(r, r->i, &s->line, &s->col);
    if (++r->nodes > r->max_nodes)
        return fail(r, KC_ELIMIT, r->i,
                    "more than %zu values in the document (KC_LIMIT_NODES); raise the limit "
                    "with kc_ctx_set_limit() to accept it",
                    r->max_nodes);
    const unsigned char c = r->s[r->i];
    kc_status st;
    *state = ST_AFTER;
    if (c == '[' || c == '{')
        return open_container(r, c == '{', state);
    if (c == '"') {
        const char *str;
        uint32_t n;
        st = read_string(r, &str, &n);
        if (st == KC_OK)
            r->slots[k].m.val = kc_v_str_hashed(str, n);
        return st;
    }
    if (c == '-' || is_digit(c))
        return read_number(r, &s->m.val);
    if (is_word(c))
        return read_word(r, &s->m.val);
    return unexpected(r, r->i, "expected a value", value_hint(r, r->i));
}

static const char *comma_hint(const reader *r, size_t off)
{
    const unsigned char c = r->s[off];
    if (c == '"' || c == '{' || c == '[' || c == '-' || is_word(c))
        return " (is a ',' missing?)";
    return "";
}

/* After a value: a separator, the end of its container, or the end of input. */
static kc_status step_after(reader *r, int *state)
{
    skip_ws(r);
    if (r->nframes == 0) {
        if (r->i < r->len)
            return unexpected(r, r->i, "trailing content after the JSON value", "");
        *state = ST_DONE;
        return KC_OK;
    }
    const frame *f = &r->frames[r->nframes - 1];
    const int is_obj = f->is_obj;
    r->at = f->slot;
    if (r->i >= r->len)
        return unterminated(r);
    const unsigned char c = r->s[r->i];
    if (c == (is_obj ? '}' : ']')) {
        r->i++;
        return close_container(r);
    }
    if (c != ',')
        return unexpected(r, r->i,
                          is_obj ? "expected ',' or '}' after an object member"
                                 : "expected ',' or ']' after an array element",
                          comma_hint(r, r->i));
    r->i++;
    skip_ws(r);
    if (r->i >= r->len)
        return unterminated(r);
    const unsigned char n = r->s[r->i];
    *state = ST_VALUE;
    if (!is_obj) {
        if (n == ']')
            return unexpected(r, r->i, "expected a value after ','",
                              " (trailing commas are not allowed)");
        return push_slot(r);
    }
    if (n != '"')
        return unexpected(r, r->i, "expected a string key after ','",
                          n == '}' ? " (trailing commas are not allowed)" : key_hint(r, r->i));
    return read_key(r);
}

/* JSON-text = ws value ws */
static kc_status parse(reader *r)
{
    skip_ws(r);
    if (r->i >= r->len)
        return fail(r, KC_ESYNTAX, r->i,
                    r->len ? "empty input: only white space, no JSON value"
                           : "empty input: no JSON value");
    kc_status st = push_slot(r);
    int state = ST_VALUE;
    while (st == KC_OK && state != ST_DONE)
        st = state == ST_VALUE ? step_value(r, &state) : step_after(r, &state);
    return st;
}

static int pos_cmp(const void *pa, const void *pb)
{
    const uintptr_t a = (uintptr_t)((const kc_pos *)pa)->v;
    const uintptr_t b = (uintptr_t)((const kc_pos *)pb)->v;
    return (a > b) - (a < b);
}

/* Whether items[0..n) are in address order already. */
static int pos_sorted(const kc_pos *items, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if ((uintptr_t)items[i - 1].v > (uintptr_t)items[i].v)
            return 0;
    return 1;
}

/* Adds the root, moves the table into the arena and sorts it by address.
 * Containers record their children as they close, each right after its
 * array was allocated, so within one arena chunk the records arrive in
 * address order: then only the root needs placing, and qsort is for
 * documents that spread over several chunks. */
static kc_status finish_positions(reader *r, const kc_value *root, kc_pos_table *out)
{
    const size_t n = r->npos;
    kc_status st = record_pos(r, root, &r->slots[0], 0);
    if (st != KC_OK)
        return st;
    kc_pos *items = kc_arena_array(r->arena, r->npos, sizeof *items);
    if (!items)
        return fail_alloc(r);
    if (pos_sorted(r->pos, n)) {
        size_t lo = 0, hi = n; /* where the root goes */
        while (lo < hi) {
            const size_t mid = lo + (hi - lo) / 2;
            if ((uintptr_t)r->pos[mid].v < (uintptr_t)root)
                lo = mid + 1;
            else
                hi = mid;
        }
        memcpy(items, r->pos, lo * sizeof *items);
        items[lo] = r->pos[n];
        memcpy(items + lo + 1, r->pos + lo, (n - lo) * sizeof *items);
    } else {
        memcpy(items, r->pos, r->npos * sizeof *items);
        qsort(items, r->npos, sizeof *items, pos_cmp);
    }
    out->items = items;
    out->n = r->npos;
    return KC_OK;
}

kc_status kc_json_read(kc_arena *arena, const char *text, size_t len,
                       const kc_json_read_opts *opts, kc_value *root,
                       kc_pos_table *positions, kc_error *err)
{
    if (positions) {
        positions->items = NULL;
        positions->n = 0;
    }
    if (root)
        *root = kc_v_null();
    if (!arena || !root || (!text && len))
        return kc_error_set(err, KC_EINVAL, "kc_json_read: missing arena, root or text");
    reader r;
    memset(&r, 0, sizeof r);
    r.arena = arena;
    r.ctx = arena->ctx;
    r.s = (const unsigned char *)text;
    r.len = len;
    r.err = err;
    r.at = SIZE_MAX;
    r.line = 1;
    r.col = 1;
    size_t max_bytes = DEFAULT_MAX_BYTES;
    r.max_depth = DEFAULT_MAX_DEPTH;
    r.max_nodes = DEFAULT_MAX_NODES;
    if (opts) {
        /* 0 means "no limit" for callers that have already bounded the input. */
        max_bytes = opts->max_bytes ? opts->max_bytes : SIZE_MAX;
        r.max_depth = opts->max_depth ? opts->max_depth : SIZE_MAX;
        r.max_nodes = opts->max_nodes ? opts->max_nodes : SIZE_MAX;
        r.want_pos = opts->want_positions && positions;
    }
    /* Room for the pending values of a typical document (a scenario has about
     * sixteen at its widest) from the start: a stack that grew while parsing
     * would be moved by realloc, and the move leaves a hole in the heap
     * between the documents a caller keeps (see doc.c). */
    void *p = NULL;
    const int room = kc_mem_grow(r.ctx, &p, &r.cap_slots, 32, sizeof *r.slots) == 0;
    r.slots = p;
    kc_status st;
    if (!room)
        st = kc_error_set(err, KC_ENOMEM, "out of memory while parsing JSON");
    else if (len > max_bytes)
        st = fail(&r, KC_ELIMIT, 0,
                  "input is %zu bytes, more than the limit of %zu (KC_LIMIT_INPUT_BYTES); raise "
                  "the limit with kc_ctx_set_limit() to accept it",
                  len, max_bytes);
    else
        st = parse(&r);
    if (st == KC_OK) {
        *root = r.slots[0].m.val;
        if (r.want_pos)
            st = finish_positions(&r, root, positions);
    }
    kc_mem_free(r.ctx, r.slots);
    kc_mem_free(r.ctx, r.frames);
    kc_mem_free(r.ctx, r.pos);
    if (st != KC_OK) {
        *root = kc_v_null();
        if (positions) {
            positions->items = NULL;
            positions->n = 0;
        }
    }
    return st;
}

const kc_pos *kc_pos_find(const kc_pos_table *t, const kc_value *v)
{
    if (!t || !v || !t->items)
        return NULL;
    const uintptr_t key = (uintptr_t)v;
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        const uintptr_t at = (uintptr_t)t->items[mid].v;
        if (at == key)
            return &t->items[mid];
        if (at < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
