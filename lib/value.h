/* value.h - the in-memory JSON value shared by documents, rules and evaluation.
 *
 * A value is 16 bytes and immutable once built. Containers point at arrays of
 * values (or members) that live in an arena owned by a document, a compiled
 * expression or an evaluation. Object keys carry a precomputed hash so member
 * lookup compares a 32-bit hash and a length before touching bytes. */
#ifndef KC_VALUE_H
#define KC_VALUE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kindctx.h"

/* Internal type tags beyond the public kc_type. KC_TYPE_UNKNOWN_ is the third
 * truth value of three-valued evaluation: a fact the data does not have. It
 * never appears in a document or in a result returned to the user. */
#define KC_TYPE_UNKNOWN_ 6

typedef struct kc_member kc_member;

struct kc_value {
    uint8_t type;  /* kc_type or KC_TYPE_UNKNOWN_ */
    uint8_t flags; /* KC_VF_* */
    uint16_t spare;
    uint32_t n; /* string byte length, or array/object count */
    union {
        double num;
        int boolean;
        const char *str; /* NUL-terminated, n bytes before the NUL */
        const kc_value *items;
        const kc_member *members;
    } u;
};

/* The value is a scope frame that lives on the C stack (an iterator's
 * {"index": i}); copy it before it can outlive the frame. */
#define KC_VF_TRANSIENT 0x01u
/* A string whose 16-bit hash is in `spare`: two hashed strings with
 * different hashes differ, so most unequal strings compare without memcmp. */
#define KC_VF_HASHED 0x02u
/* A non-empty array or object whose whole tree is one block that starts
 * with its items or members and is `spare` 64-byte lines long (the root of a
 * document laid out by layout.c). See kc_value_prefetch. */
#define KC_VF_SPAN 0x04u
/* The most lines kc_value_prefetch asks for: breadth-first, they hold the
 * top of the tree, which is what a reader walks first. */
#define KC_PREFETCH_MAX_LINES 64u

struct kc_member {
    const char *key; /* NUL-terminated */
    uint32_t klen;
    uint32_t khash;
    kc_value val;
};

typedef kc_value kc_val;

uint32_t kc_hash(const char *s, size_t len);

static inline kc_value kc_v_null(void)
{
    kc_value v = {KC_TYPE_NULL, 0, 0, 0, {0}};
    return v;
}
static inline kc_value kc_v_bool(int b)
{
    kc_value v = {KC_TYPE_BOOL, 0, 0, 0, {0}};
    v.u.boolean = b ? 1 : 0;
    return v;
}
static inline kc_value kc_v_num(double d)
{
    kc_value v = {KC_TYPE_NUMBER, 0, 0, 0, {0}};
    v.u.num = d;
    return v;
}
static inline kc_value kc_v_str(const char *s, uint32_t len)
{
    kc_value v = {KC_TYPE_STRING, 0, 0, len, {0}};
    v.u.str = s;
    return v;
}
static inline kc_value kc_v_arr(const kc_value *items, uint32_t n)
{
    kc_value v = {KC_TYPE_ARRAY, 0, 0, n, {0}};
    v.u.items = items;
    return v;
}
static inline kc_value kc_v_obj(const kc_member *m, uint32_t n)
{
    kc_value v = {KC_TYPE_OBJECT, 0, 0, n, {0}};
    v.u.members = m;
    return v;
}
static inline kc_value kc_v_unknown(void)
{
    kc_value v = {KC_TYPE_UNKNOWN_, 0, 0, 0, {0}};
    return v;
}

static inline uint16_t kc_hash16(uint32_t h)
{
    return (uint16_t)(h ^ (h >> 16));
}

/* A string value carrying its hash (for strings that will be compared). */
static inline kc_value kc_v_str_hashed(const char *s, uint32_t len)
{
    kc_value v = kc_v_str(s, len);
    v.flags = KC_VF_HASHED;
    v.spare = kc_hash16(kc_hash(s, len));
    return v;
}

/* Asks the memory system for the tree of v at once when it is one block
 * (KC_VF_SPAN); otherwise does nothing. Reading a tree is a chain of
 * dependent loads (members, then a value's members, then its text): when the
 * tree is not in cache each link would wait on memory in turn, while the
 * prefetches are independent and overlap. */
static inline void kc_value_prefetch(const kc_value *v)
{
#if defined(__GNUC__) || defined(__clang__)
    if (!(v->flags & KC_VF_SPAN))
        return;
    const char *block = (const char *)v->u.items;
    const unsigned lines = v->spare < KC_PREFETCH_MAX_LINES ? v->spare : KC_PREFETCH_MAX_LINES;
    for (unsigned k = 0; k < lines; k++)
        __builtin_prefetch(block + (size_t)k * 64u);
#else
    (void)v;
#endif
}

/* A hash of a scalar that agrees with kc_same: equal scalars hash alike
 * (0 and -0 included). Arrays and objects hash to 0. */
static inline uint32_t kc_scalar_hash(const kc_value *v)
{
    switch (v->type) {
    case KC_TYPE_STRING:
        return (v->flags & KC_VF_HASHED) ? v->spare : kc_hash16(kc_hash(v->u.str, v->n));
    case KC_TYPE_NUMBER: {
        const double d = v->u.num == 0 ? 0 : v->u.num;
        uint64_t x;
        memcpy(&x, &d, sizeof x);
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdull;
        x ^= x >> 33;
        return (uint32_t)x;
    }
    case KC_TYPE_BOOL:
        return 0x9e37u + (uint32_t)(v->u.boolean != 0);
    case KC_TYPE_NULL:
        return 0x7f4au;
    default:
        return 0;
    }
}

/* Equality of n bytes. Keys and tokens are short: compare them in words
 * inline rather than through a call to memcmp, the tail as one word that
 * overlaps the last full one (or, under 8 bytes, as two overlapping halves),
 * never reading outside [0, n). */
static inline int kc_bytes_equal(const char *a, const char *b, size_t n)
{
    uint64_t x, y;
    if (n >= 8) {
        const size_t last = n - 8;
        for (size_t i = 0; i < last; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                return 0;
        }
        memcpy(&x, a + last, 8);
        memcpy(&y, b + last, 8);
        return x == y;
    }
    if (n >= 4) {
        uint32_t p, q, r, t;
        memcpy(&p, a, 4);
        memcpy(&q, b, 4);
        memcpy(&r, a + n - 4, 4);
        memcpy(&t, b + n - 4, 4);
        return p == q && r == t;
    }
    if (n == 0)
        return 1;
    /* 1 to 3 bytes: the first, the middle and the last (some the same). */
    return a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1];
}

/* Byte equality of two string values, rejecting on the hashes when both
 * have one. */
static inline int kc_str_equal(const kc_value *a, const kc_value *b)
{
    if (a->n != b->n)
        return 0;
    if ((a->flags & b->flags & KC_VF_HASHED) && a->spare != b->spare)
        return 0;
    return kc_bytes_equal(a->u.str, b->u.str, a->n);
}

/* Strict (===) equality, inline for scalars. */
int kc_equal(const kc_value *a, const kc_value *b);
static inline int kc_same(const kc_value *a, const kc_value *b)
{
    if (a->type != b->type)
        return 0;
    switch (a->type) {
    case KC_TYPE_STRING:
        return kc_str_equal(a, b);
    case KC_TYPE_NUMBER:
        return a->u.num == b->u.num;
    case KC_TYPE_BOOL:
        return a->u.boolean == b->u.boolean;
    case KC_TYPE_NULL:
        return 1;
    default:
        return kc_equal(a, b);
    }
}

/* Whether the array arr holds an element kc_same as v. */
static inline int kc_array_has(const kc_value *arr, const kc_value *v)
{
    for (uint32_t i = 0; i < arr->n; i++)
        if (kc_same(v, &arr->u.items[i]))
            return 1;
    return 0;
}

/* Member lookup by key bytes and their kc_hash(). */
const kc_value *kc_obj_get(const kc_value *obj, const char *key, size_t len, uint32_t hash);

/* JSON Logic truthiness (see kc_value_truthy). Unknown counts as false here;
 * three-valued callers test for it first. */
int kc_truthy(const kc_value *v);

/* Deep structural equality; numbers compare by value. A NULL pointer and an
 * unknown value read as null, as in the public accessors. */
int kc_equal(const kc_value *a, const kc_value *b);

/* Finds members of m[0..n) with byte-identical keys (compared by hash, length
 * and bytes). Returns 1 and sets *second to the earliest member whose key
 * appeared before and *first to that earlier member; 0 when all keys differ;
 * -1 when out of memory (objects over 16 members sort a scratch index
 * allocated from ctx, so the check is O(n log n), not quadratic). */
int kc_members_find_dup(const kc_ctx *ctx, const kc_member *m, size_t n, size_t *first,
                        size_t *second);

/* Parses a JSON number token (already validated by the caller's grammar) into
 * a double, independent of the C locale. Returns 0, or -1 if it overflows
 * (or is not an RFC 8259 number). */
int kc_parse_json_number(const char *s, size_t len, double *out);

/* Converts a string as JavaScript's Number() does: surrounding white space is
 * ignored, "" is 0, decimal, 0x/0o/0b integers and "Infinity" are accepted.
 * Returns 0 and sets *out, or -1 when the text is not a number (NaN). */
int kc_string_to_number(const char *s, size_t len, double *out);

/* Formats a finite double as JavaScript's Number#toString does (shortest text
 * that reads back as the same double; integers without a fraction; exponent
 * form below 1e-6 and from 1e21). buf needs KC_NUM_BUF bytes. Returns length. */
#define KC_NUM_BUF 32
size_t kc_format_number(double d, char *buf);

#endif
