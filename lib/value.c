/* value.c - the kc_value model: hashing, member lookup, truthiness, equality,
 * JavaScript-compatible number conversions, and the public kc_value_*
 * accessors.
 *
 * Number conversions never depend on the C locale: text handed to strtod()
 * carries no decimal point (an integer mantissa and an exponent), and text
 * produced by snprintf() is only read for its digits. */
#include "value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json_write.h"
#include "mem.h"

/* ------------------------------------------------------------------------ */
/* Hashing, lookup, duplicate keys                                          */
/* ------------------------------------------------------------------------ */

/* FNV-1a, 32 bits: cheap, and good enough to make a hash mismatch the usual
 * way two different keys are told apart. */
uint32_t kc_hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static int same_key(const char *a, uint32_t alen, uint32_t ahash, const kc_member *b)
{
    return b->khash == ahash && b->klen == alen && kc_bytes_equal(a, b->key, alen);
}

const kc_value *kc_obj_get(const kc_value *obj, const char *key, size_t len, uint32_t hash)
{
    if (!obj || obj->type != KC_TYPE_OBJECT || len > UINT32_MAX)
        return NULL;
    for (uint32_t i = 0; i < obj->n; i++) {
        const kc_member *m = &obj->u.members[i];
        if (same_key(key, (uint32_t)len, hash, m))
            return &m->val;
    }
    return NULL;
}

/* A member key with its index, sorted to find duplicates in O(n log n). */
typedef struct key_ref {
    const char *key;
    uint32_t klen, khash;
    size_t idx;
} key_ref;

static int key_ref_same(const key_ref *a, const key_ref *b)
{
    return a->khash == b->khash && a->klen == b->klen &&
           (a->klen == 0 || memcmp(a->key, b->key, a->klen) == 0);
}

/* Orders by (hash, length, bytes, index): equal keys end up adjacent, in
 * document order. */
static int key_ref_cmp(const void *pa, const void *pb)
{
    const key_ref *a = pa;
    const key_ref *b = pb;
    if (a->khash != b->khash)
        return a->khash < b->khash ? -1 : 1;
    if (a->klen != b->klen)
        return a->klen < b->klen ? -1 : 1;
    int c = a->klen ? memcmp(a->key, b->key, a->klen) : 0;
    if (c)
        return c;
    return (a->idx > b->idx) - (a->idx < b->idx);
}

int kc_members_find_dup(const kc_ctx *ctx, const kc_member *m, size_t n, size_t *first,
                        size_t *second)
{
    /* Small objects (nearly all of them): pairwise, no allocation. */
    if (n <= 16) {
        for (size_t j = 1; j < n; j++)
            for (size_t i = 0; i < j; i++)
                if (same_key(m[j].key, m[j].klen, m[j].khash, &m[i])) {
                    *first = i;
                    *second = j;
                    return 1;
                }
        return 0;
    }
    key_ref *refs = kc_mem_calloc(ctx, n, sizeof *refs);
    if (!refs)
        return -1;
    for (size_t i = 0; i < n; i++) {
        refs[i].key = m[i].key;
        refs[i].klen = m[i].klen;
        refs[i].khash = m[i].khash;
        refs[i].idx = i;
    }
    qsort(refs, n, sizeof *refs, key_ref_cmp);
    /* In each group of equal keys the first two entries are the first
     * occurrence and the first repeat; report the earliest repeat overall, as
     * the pairwise scan above does. */
    size_t best_first = 0, best_second = SIZE_MAX, start = 0;
    for (size_t k = 1; k < n; k++) {
        if (!key_ref_same(&refs[k - 1], &refs[k])) {
            start = k;
        } else if (k - 1 == start && refs[k].idx < best_second) {
            best_first = refs[k - 1].idx;
            best_second = refs[k].idx;
        }
    }
    kc_mem_free(ctx, refs);
    if (best_second == SIZE_MAX)
        return 0;
    *first = best_first;
    *second = best_second;
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Truthiness and equality                                                  */
/* ------------------------------------------------------------------------ */

/* The type a value reads as: a NULL pointer and "unknown" read as null. */
static int read_type(const kc_value *v)
{
    if (!v || v->type == KC_TYPE_UNKNOWN_)
        return KC_TYPE_NULL;
    return v->type;
}

int kc_truthy(const kc_value *v)
{
    if (!v)
        return 0;
    switch (v->type) {
    case KC_TYPE_BOOL:
        return v->u.boolean != 0;
    case KC_TYPE_NUMBER:
        /* NaN is false in JavaScript; values never hold it, but be exact. */
        return v->u.num == v->u.num && v->u.num != 0;
    case KC_TYPE_STRING:
    case KC_TYPE_ARRAY:
        return v->n > 0;
    case KC_TYPE_OBJECT:
        return 1;
    default: /* null, unknown */
        return 0;
    }
}

static int equal_objects(const kc_value *a, const kc_value *b)
{
    for (uint32_t i = 0; i < a->n; i++) {
        const kc_member *ma = &a->u.members[i];
        const kc_value *vb;
        /* Same member order is the common case: try the same slot first. */
        if (same_key(ma->key, ma->klen, ma->khash, &b->u.members[i]))
            vb = &b->u.members[i].val;
        else
            vb = kc_obj_get(b, ma->key, ma->klen, ma->khash);
        if (!vb || !kc_equal(&ma->val, vb))
            return 0;
    }
    return 1;
}

int kc_equal(const kc_value *a, const kc_value *b)
{
    const int ta = read_type(a);
    if (ta != read_type(b))
        return 0;
    switch (ta) {
    case KC_TYPE_BOOL:
        return (a->u.boolean != 0) == (b->u.boolean != 0);
    case KC_TYPE_NUMBER:
        return a->u.num == b->u.num;
    case KC_TYPE_STRING:
        return kc_str_equal(a, b);
    case KC_TYPE_ARRAY:
        if (a->n != b->n)
            return 0;
        for (uint32_t i = 0; i < a->n; i++)
            if (!kc_equal(&a->u.items[i], &b->u.items[i]))
                return 0;
        return 1;
    case KC_TYPE_OBJECT:
        /* Keys are unique within an object, so equal counts plus every key of
         * a found in b with an equal value means the member sets are equal. */
        return a->n == b->n && equal_objects(a, b);
    default:
        return 1; /* null */
    }
}

/* ------------------------------------------------------------------------ */
/* Decimal text -> double                                                   */
/* ------------------------------------------------------------------------ */

/* A decimal number as scanned: integer digits, fraction digits, exponent. */
typedef struct decimal {
    const char *ip, *fp;
    size_t ilen, flen;
    long long exp; /* saturated at +-EXP_CAP */
    int neg;
} decimal;

#define EXP_CAP 1000000000000000LL
/* Significant digits kept for strtod. Deciding the rounding of a double never
 * needs more than 767 of them; the digits dropped past this are summarised by
 * a final nonzero "sticky" digit so a halfway case still rounds up. */
#define KEEP_DIGITS 800

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static char digit_at(const decimal *d, size_t i)
{
    return i < d->ilen ? d->ip[i] : d->fp[i - d->ilen];
}

/* Scans 1*DIGIT of an exponent into a saturated value. Returns chars used. */
static size_t scan_exp_digits(const char *s, size_t len, long long *out)
{
    size_t i = 0;
    long long e = 0;
    while (i < len && is_digit(s[i])) {
        if (e < EXP_CAP)
            e = e * 10 + (s[i] - '0');
        i++;
    }
    *out = e < EXP_CAP ? e : EXP_CAP;
    return i;
}

/* The double nearest to the decimal (ties to even), possibly infinite.
 * Fast path (Clinger): with at most 15 significant digits the mantissa D is
 * exact in a double, and so is 10^k for k <= 22, so D * 10^k or D / 10^k is a
 * single correctly rounded operation. Otherwise strtod() reads a canonical,
 * point-free copy "DDDDe-NN" so the locale cannot matter. */
static double decimal_value(const decimal *d)
{
    const size_t total = d->ilen + d->flen;
    size_t first = 0;
    while (first < total && digit_at(d, first) == '0')
        first++;
    if (first == total)
        return d->neg ? -0.0 : 0.0;
    size_t last = total - 1;
    while (digit_at(d, last) == '0')
        last--;
    const size_t nsig = last - first + 1;
    /* value = D * 10^e10, where D is the integer of digits first..last. */
    long long e10 = d->exp + (long long)d->ilen - 1 - (long long)last;
    double r;
    if (nsig <= 15 && e10 >= -22 && e10 <= 22 + (long long)(15 - nsig)) {
        uint64_t m = 0;
        for (size_t i = first; i <= last; i++)
            m = m * 10 + (uint64_t)(digit_at(d, i) - '0');
        r = (double)m;
        if (e10 > 22) {
            /* Still exact: m * 10^(e10-22) stays below 10^15. */
            r *= pow10_exact[e10 - 22];
            r *= pow10_exact[22];
        } else if (e10 >= 0) {
            r *= pow10_exact[e10];
        } else {
            r /= pow10_exact[-e10];
        }
    } else {
        char buf[KEEP_DIGITS + 2 + 24];
        size_t n = 0;
        const size_t keep = nsig > KEEP_DIGITS ? KEEP_DIGITS : nsig;
        for (size_t i = 0; i < keep; i++)
            buf[n++] = digit_at(d, first + i);
        if (nsig > keep) {
            /* The last significant digit is nonzero and was dropped. */
            buf[n++] = '1';
            e10 += (long long)(nsig - 1 - keep);
        }
        /* Beyond +-100000 the result is inf or 0 whatever the digits. */
        if (e10 > 100000)
            e10 = 100000;
        if (e10 < -100000)
            e10 = -100000;
        snprintf(buf + n, sizeof buf - n, "e%lld", e10);
        r = strtod(buf, NULL);
    }
    return d->neg ? -r : r;
}

/* number = [ "-" ] int [ frac ] [ exp ]         (RFC 8259, section 6)
 * int    = "0" / digit1-9 *DIGIT
 * frac   = "." 1*DIGIT
 * exp    = ( "e" / "E" ) [ "-" / "+" ] 1*DIGIT */
static int scan_json_number(const char *s, size_t len, decimal *d)
{
    size_t i = 0;
    memset(d, 0, sizeof *d);
    if (i < len && s[i] == '-') {
        d->neg = 1;
        i++;
    }
    d->ip = s + i;
    if (i < len && s[i] == '0') {
        i++;
    } else {
        if (!(i < len && is_digit(s[i])))
            return -1;
        while (i < len && is_digit(s[i]))
            i++;
    }
    d->ilen = (size_t)(s + i - d->ip);
    d->fp = s + i;
    if (i < len && s[i] == '.') {
        i++;
        d->fp = s + i;
        while (i < len && is_digit(s[i]))
            i++;
        d->flen = (size_t)(s + i - d->fp);
        if (d->flen == 0)
            return -1;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int eneg = 0;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        size_t used = scan_exp_digits(s + i, len - i, &d->exp);
        if (used == 0)
            return -1;
        i += used;
        if (eneg)
            d->exp = -d->exp;
    }
    return i == len ? 0 : -1;
}

int kc_parse_json_number(const char *s, size_t len, double *out)
{
    decimal d;
    if (!s || scan_json_number(s, len, &d) != 0)
        return -1;
    const double r = decimal_value(&d);
    if (isinf(r))
        return -1;
    *out = r;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* JavaScript Number(string)                                                */
/* ------------------------------------------------------------------------ */

/* Length of the JavaScript white space character (StrWhiteSpaceChar: Zs,
 * TAB VT FF, ZWNBSP, LF CR LS PS) at p[0..n), or 0. */
static size_t js_space_at(const unsigned char *p, size_t n)
{
    if (n >= 1 && (p[0] == ' ' || (p[0] >= '\t' && p[0] <= '\r')))
        return 1;
    if (n >= 2 && p[0] == 0xC2 && p[1] == 0xA0) /* U+00A0 */
        return 2;
    if (n < 3)
        return 0;
    if (p[0] == 0xE1 && p[1] == 0x9A && p[2] == 0x80) /* U+1680 */
        return 3;
    if (p[0] == 0xE2 && p[1] == 0x80 && /* U+2000-200A, U+2028, U+2029, U+202F */
        ((p[2] >= 0x80 && p[2] <= 0x8A) || p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF))
        return 3;
    if (p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0x9F) /* U+205F */
        return 3;
    if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) /* U+3000 */
        return 3;
    if (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) /* U+FEFF */
        return 3;
    return 0;
}

static void js_trim(const unsigned char **p, size_t *n)
{
    size_t k;
    while (*n && (k = js_space_at(*p, *n)) != 0) {
        *p += k;
        *n -= k;
    }
    for (;;) {
        if (*n >= 1 && js_space_at(*p + *n - 1, 1) == 1)
            *n -= 1;
        else if (*n >= 2 && js_space_at(*p + *n - 2, 2) == 2)
            *n -= 2;
        else if (*n >= 3 && js_space_at(*p + *n - 3, 3) == 3)
            *n -= 3;
        else
            break;
    }
}

static int digit_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/* "0x" HexDigits / "0o" OctalDigits / "0b" BinaryDigits, after the prefix;
 * bits = 4, 3 or 1. Keeps the top 64 significant bits plus a sticky bit for the
 * rest, so the final conversion rounds exactly once, to nearest even. */
static int radix_value(const unsigned char *s, size_t n, int bits, double *out)
{
    if (n == 0)
        return -1;
    uint64_t m = 0;
    int sticky = 0;
    long long shift = 0;
    for (size_t i = 0; i < n; i++) {
        const int v = digit_value(s[i]);
        if (v >= (1 << bits))
            return -1;
        for (int b = bits - 1; b >= 0; b--) {
            const unsigned bit = ((unsigned)v >> b) & 1u;
            if (m < ((uint64_t)1 << 63)) {
                m = (m << 1) | bit;
            } else {
                if (shift < 100000)
                    shift++;
                sticky |= (int)bit;
            }
        }
    }
    /* With bits dropped, m is full (bit 63 set), so bit 0 lies below the 53
     * bits a double keeps and only breaks ties. */
    if (sticky)
        m |= 1u;
    *out = ldexp((double)m, (int)shift);
    return 0;
}

/* StrUnsignedDecimalLiteral (ECMA-262 7.1.4.1.1):
 *   "Infinity"
 *   DecimalDigits [ "." [ DecimalDigits ] ] [ ExponentPart ]
 *   "." DecimalDigits [ ExponentPart ]
 * ExponentPart = ( "e" / "E" ) [ "+" / "-" ] DecimalDigits */
static int js_decimal_value(const char *s, size_t n, int neg, double *out)
{
    if (n == 8 && memcmp(s, "Infinity", 8) == 0) {
        *out = neg ? -HUGE_VAL : HUGE_VAL;
        return 0;
    }
    decimal d;
    memset(&d, 0, sizeof d);
    d.neg = neg;
    size_t i = 0;
    d.ip = s;
    while (i < n && is_digit(s[i]))
        i++;
    d.ilen = i;
    d.fp = s + i;
    if (i < n && s[i] == '.') {
        i++;
        d.fp = s + i;
        while (i < n && is_digit(s[i]))
            i++;
        d.flen = (size_t)(s + i - d.fp);
    }
    if (d.ilen + d.flen == 0)
        return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int eneg = 0;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        const size_t used = scan_exp_digits(s + i, n - i, &d.exp);
        if (used == 0)
            return -1;
        i += used;
        if (eneg)
            d.exp = -d.exp;
    }
    if (i != n)
        return -1;
    *out = decimal_value(&d);
    return 0;
}

/* StringNumericLiteral (ECMA-262 7.1.4.1.1):
 *   [ StrWhiteSpace ] [ StrNumericLiteral [ StrWhiteSpace ] ]
 *   StrNumericLiteral = NonDecimalIntegerLiteral / [ "+" / "-" ] StrUnsignedDecimalLiteral
 *   NonDecimalIntegerLiteral = "0" ( "x" / "X" ) HexDigits
 *                            / "0" ( "o" / "O" ) OctalDigits
 *                            / "0" ( "b" / "B" ) BinaryDigits
 * Numeric separators ("1_000") are not part of this grammar. */
int kc_string_to_number(const char *s, size_t len, double *out)
{
    if (!s && len)
        return -1;
    const unsigned char *p = (const unsigned char *)s;
    size_t n = len;
    if (n)
        js_trim(&p, &n);
    if (n == 0) {
        *out = 0;
        return 0;
    }
    if (n >= 2 && p[0] == '0') {
        const int c = p[1] | 0x20;
        const int bits = c == 'x' ? 4 : c == 'o' ? 3 : c == 'b' ? 1 : 0;
        if (bits)
            return radix_value(p + 2, n - 2, bits, out);
    }
    int neg = 0;
    if (p[0] == '+' || p[0] == '-') {
        neg = p[0] == '-';
        p++;
        n--;
    }
    return js_decimal_value((const char *)p, n, neg, out);
}

/* ------------------------------------------------------------------------ */
/* double -> JavaScript Number#toString                                     */
/* ------------------------------------------------------------------------ */

/* Shortest digits: digits[0..k) with value 0.d1d2... * 10^(exp10+1), i.e.
 * d1.d2d3... * 10^exp10. */
typedef struct digits {
    char d[24];
    int k;
    int exp10;
} digits;

static int digits_round_trip(const digits *g, double v)
{
    decimal d;
    memset(&d, 0, sizeof d);
    d.ip = g->d;
    d.ilen = (size_t)g->k;
    d.fp = g->d + g->k;
    d.exp = (long long)g->exp10 - (g->k - 1);
    return decimal_value(&d) == v;
}

/* The correctly rounded p-digit form of v (> 0) from "%.*e". Only the digits
 * and the exponent are read, so the locale's decimal point does not matter. */
static void digits_rounded(double v, int p, digits *g)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*e", p - 1, v);
    g->k = 0;
    const char *c = tmp;
    for (; *c && *c != 'e' && *c != 'E'; c++)
        if (is_digit(*c) && g->k < (int)sizeof g->d)
            g->d[g->k++] = *c;
    int e = 0, eneg = 0;
    if (*c) {
        c++;
        if (*c == '-' || *c == '+')
            eneg = *c++ == '-';
        while (is_digit(*c))
            e = e * 10 + (*c++ - '0');
    }
    g->exp10 = eneg ? -e : e;
}

/* Moves the last digit one unit up (dir > 0) or down. Returns 0 when that
 * changes the digit count (then the candidate is not of this length). */
static int digits_step(digits *g, int dir)
{
    int i = g->k - 1;
    if (dir > 0) {
        while (i >= 0 && g->d[i] == '9')
            g->d[i--] = '0';
        if (i < 0) {
            g->d[0] = '1'; /* 99..9 + 1 = 100..0: same length, next decade */
            g->exp10++;
            return 1;
        }
        g->d[i]++;
        return 1;
    }
    while (i >= 0 && g->d[i] == '0')
        g->d[i--] = '9';
    if (i < 0)
        return 0;
    g->d[i]--;
    return g->d[0] != '0';
}

/* The fewest digits that read back as v (v finite, > 0). Among candidates of
 * that length the closest to v wins (ECMA-262 Number::toString): that is the
 * correctly rounded one when it reads back, and otherwise (only next to a
 * power of two, where the gap below is narrower) its upper or lower neighbour. */
static void shortest_digits(double v, digits *g)
{
    for (int p = 1; p <= 17; p++) {
        digits_rounded(v, p, g);
        if (digits_round_trip(g, v))
            break;
        digits up = *g, down = *g;
        if (digits_step(&up, 1) && digits_round_trip(&up, v)) {
            *g = up;
            break;
        }
        if (digits_step(&down, -1) && digits_round_trip(&down, v)) {
            *g = down;
            break;
        }
    }
    while (g->k > 1 && g->d[g->k - 1] == '0')
        g->k--;
}

static size_t put_chars(char *buf, size_t n, char c, int count)
{
    for (int i = 0; i < count; i++)
        buf[n++] = c;
    return n;
}

/* Lays out digits as Number::toString does, with n = exp10 + 1 (ECMA-262
 * 6.1.6.1.20): plain for -6 < n <= 21, exponent form otherwise. */
static size_t js_layout(const digits *g, char *buf, size_t at)
{
    const int k = g->k, n = g->exp10 + 1;
    size_t o = at;
    if (k <= n && n <= 21) {
        memcpy(buf + o, g->d, (size_t)k);
        o = put_chars(buf, o + (size_t)k, '0', n - k);
    } else if (0 < n && n <= 21) {
        memcpy(buf + o, g->d, (size_t)n);
        o += (size_t)n;
        buf[o++] = '.';
        memcpy(buf + o, g->d + n, (size_t)(k - n));
        o += (size_t)(k - n);
    } else if (-6 < n && n <= 0) {
        buf[o++] = '0';
        buf[o++] = '.';
        o = put_chars(buf, o, '0', -n);
        memcpy(buf + o, g->d, (size_t)k);
        o += (size_t)k;
    } else {
        buf[o++] = g->d[0];
        if (k > 1) {
            buf[o++] = '.';
            memcpy(buf + o, g->d + 1, (size_t)(k - 1));
            o += (size_t)(k - 1);
        }
        const int e = n - 1;
        o += (size_t)snprintf(buf + o, KC_NUM_BUF - o, "e%c%d", e < 0 ? '-' : '+',
                              e < 0 ? -e : e);
    }
    buf[o] = '\0';
    return o;
}

size_t kc_format_number(double d, char *buf)
{
    const char *special = NULL;
    if (isnan(d))
        special = "NaN";
    else if (isinf(d))
        special = d < 0 ? "-Infinity" : "Infinity";
    else if (d == 0)
        special = "0"; /* also -0, as in JavaScript */
    if (special) {
        const size_t n = strlen(special);
        memcpy(buf, special, n + 1);
        return n;
    }
    /* Integers below 2^53 are exact in a double and print digit for digit. */
    if (fabs(d) < 9007199254740992.0 && d == (double)(long long)d) {
        /* Digits by hand: scores and counts are small integers, written
         * for every result, and snprintf is needlessly slow for them. */
        unsigned long long u = d < 0 ? (unsigned long long)(-(long long)d) : (unsigned long long)d;
        char tmp[24];
        size_t k = 0, o = 0;
        do {
            tmp[k++] = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (d < 0)
            buf[o++] = '-';
        while (k)
            buf[o++] = tmp[--k];
        buf[o] = '\0';
        return o;
    }
    size_t o = 0;
    if (d < 0) {
        buf[o++] = '-';
        d = -d;
    }
    digits g;
    shortest_digits(d, &g);
    return js_layout(&g, buf, o);
}

/* ------------------------------------------------------------------------ */
/* Public accessors                                                         */
/* ------------------------------------------------------------------------ */

kc_type kc_value_type(const kc_value *v)
{
    return (kc_type)read_type(v);
}

int kc_value_bool(const kc_value *v)
{
    return read_type(v) == KC_TYPE_BOOL && v->u.boolean != 0;
}

double kc_value_number(const kc_value *v)
{
    return read_type(v) == KC_TYPE_NUMBER ? v->u.num : 0.0;
}

const char *kc_value_string(const kc_value *v, size_t *len)
{
    const int is_str = read_type(v) == KC_TYPE_STRING;
    if (len)
        *len = is_str ? v->n : 0;
    if (!is_str)
        return NULL;
    return v->u.str ? v->u.str : "";
}

size_t kc_value_count(const kc_value *v)
{
    const int t = read_type(v);
    return t == KC_TYPE_ARRAY || t == KC_TYPE_OBJECT ? v->n : 0;
}

const kc_value *kc_value_at(const kc_value *v, size_t i)
{
    const int t = read_type(v);
    if ((t != KC_TYPE_ARRAY && t != KC_TYPE_OBJECT) || i >= v->n)
        return NULL;
    return t == KC_TYPE_ARRAY ? &v->u.items[i] : &v->u.members[i].val;
}

const char *kc_value_key_at(const kc_value *v, size_t i, size_t *len)
{
    const int ok = read_type(v) == KC_TYPE_OBJECT && i < v->n;
    if (len)
        *len = ok ? v->u.members[i].klen : 0;
    return ok ? v->u.members[i].key : NULL;
}

const kc_value *kc_value_get(const kc_value *v, const char *key, size_t key_len)
{
    if (!key && key_len)
        return NULL;
    if (!key)
        key = "";
    return kc_obj_get(v, key, key_len, kc_hash(key, key_len));
}

int kc_value_truthy(const kc_value *v)
{
    return kc_truthy(v);
}

int kc_value_equal(const kc_value *a, const kc_value *b)
{
    return kc_equal(a, b);
}

kc_status kc_value_to_json(const kc_ctx *ctx, const kc_value *v, char **out, size_t *len)
{
    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    if (!ctx || !out)
        return KC_EINVAL;
    kc_buf b;
    kc_buf_init(&b, ctx);
    const kc_value null_value = kc_v_null();
    kc_json_write(&b, v ? v : &null_value);
    char *text = kc_buf_detach(&b, len);
    kc_buf_free(&b);
    if (!text)
        return KC_ENOMEM;
    *out = text;
    return KC_OK;
}
