/* scenario.c - scenario documents: strict JSON (doc.c), then the shape of the
 * known fields of docs/scenarios.md.
 *
 * The model lives in one table, `fields`: one row per known field, by dotted
 * path, with its shape, its range or closed list of values (copied from
 * schemas/scenario.schema.json) and a few extra checks. A walker visits the
 * document's members in order and looks each one up in the table, so problems
 * come out in document order without sorting. Unknown keys are custom fields,
 * unless they sit one or two edits away from a known key of the same section:
 * those are reported as probable typos, because a misspelt fact would
 * otherwise be silently unknown to every rule.
 *
 * The walker needs at most three levels (section, field, list item), so it
 * recurses only that far, whatever the document's depth. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "doc.h"
#include "error.h"
#include "mem.h"
#include "text.h"

struct kc_scenario {
    kc_doc *doc;    /* owns everything, this struct included */
    const char *id; /* borrowed from the document */
};

/* ------------------------------------------------------------------------ */
/* The model                                                                */
/* ------------------------------------------------------------------------ */

typedef enum shape {
    S_OBJECT, /* a section */
    S_STRING,
    S_NUMBER, /* from min to max, inclusive */
    S_BOOL,
    S_LIST /* an array of strings */
} shape;

/* Extra checks, beyond the shape. */
#define C_NONEMPTY 0x01u /* a string of at least one character; a list of at least one item */
#define C_TOKEN 0x02u    /* the string, or each item, is a token: [a-z][a-z0-9_]*, <= 64 */
#define C_UNIQUE 0x04u   /* no item repeats */
#define C_ID 0x08u       /* ^[a-z0-9]+(-[a-z0-9]+)*$, at most 80 characters */
#define C_ALONE 0x10u    /* "nothing" may only appear on its own */
#define C_DOTTED 0x20u   /* each item is a dotted path of keys */

#define TOKEN_MAX 64
#define ID_MAX 80

typedef struct field {
    const char *path; /* "relationship.trust"; a section is one word, "relationship" */
    shape shape;
    double min, max;            /* S_NUMBER */
    const char *const *allowed; /* closed list of the value or of each item; NULL-ended */
    unsigned checks;            /* C_* */
    const char *required;       /* S_OBJECT: a member it must have */
    const char *implies;        /* S_BOOL: sibling that may not be false when this is true */
} field;

static const char *const format_tags[] = {"scenario/1", NULL};
static const char *const categories[] = {
    "gift",     "practical_help", "advice", "self_help_resource", "emotional_support",
    "physical_contact", "contact", "money", "food", "treatment", "information", "time",
    "other",    NULL};
static const char *const needs[] = {
    "food",    "shelter", "money",       "safety", "help_with_distress", "company",
    "space",   "information", "practical_help", "celebration", "beauty", "comfort",
    "rest",    "care",    "recognition", "nothing", NULL};
static const char *const relationship_types[] = {
    "friend",    "partner",  "family",   "colleague", "manager",  "employee",
    "clinician", "patient",  "teacher",  "neighbour", "stranger", "stalker",
    "abusive_ex", "jailer",  "carer",    "volunteer", "official", "other", NULL};
static const char *const settings[] = {
    "home", "community", "workplace", "clinic", "hospital", "involuntary_care",
    "detention", "school", "online", "public", "other", NULL};
static const char *const stances[] = {"empathy", "sympathy", "neutral", NULL};
static const char *const verdicts[] = {"kind", "mixed", "dismissive", "harmful", NULL};
static const char *const factors[] = {"need",    "safety",  "relationship",
                                      "power",   "history", "process", NULL};

#define SECTION(p, req) {p, S_OBJECT, 0, 0, NULL, 0, req, NULL}
#define TEXT(p, c) {p, S_STRING, 0, 0, NULL, c, NULL, NULL}
#define ENUM(p, list) {p, S_STRING, 0, 0, list, 0, NULL, NULL}
#define NUMBER(p, lo, hi) {p, S_NUMBER, lo, hi, NULL, 0, NULL, NULL}
#define BOOL(p) {p, S_BOOL, 0, 0, NULL, 0, NULL, NULL}
#define BOOL_IMPLIES(p, sibling) {p, S_BOOL, 0, 0, NULL, 0, NULL, sibling}
#define LIST(p, list, c) {p, S_LIST, 0, 0, list, c, NULL, NULL}
#define TOKENS(p) LIST(p, NULL, C_TOKEN | C_UNIQUE)
#define NEEDS(p) LIST(p, needs, C_UNIQUE | C_ALONE)

/* Section rows come before their fields; the root's required "id" is in
 * check_scenario(). Order within a section is the order of suggestions. */
static const field fields[] = {
    ENUM("kindctx", format_tags),
    TEXT("id", C_ID),
    TEXT("title", C_NONEMPTY),
    TEXT("summary", C_NONEMPTY),

    SECTION("act", NULL),
    TEXT("act.kind", C_NONEMPTY),
    ENUM("act.category", categories),
    TOKENS("act.features"),
    NEEDS("act.meets"),
    TEXT("act.words", 0),

    SECTION("request", NULL),
    BOOL("request.asked"),
    BOOL_IMPLIES("request.explicit", "asked"),
    NEEDS("request.needs"),
    NUMBER("request.urgency", 0, 1),

    SECTION("receiver", NULL),
    TOKENS("receiver.allergies"),
    TOKENS("receiver.aversions"),
    TOKENS("receiver.likes"),
    TOKENS("receiver.boundaries"),

    SECTION("relationship", NULL),
    ENUM("relationship.type", relationship_types),
    BOOL("relationship.wanted"),
    NUMBER("relationship.trust", 0, 1),
    BOOL("relationship.collaborative"),
    BOOL("relationship.threatening"),

    SECTION("power", NULL),
    NUMBER("power.differential", -1, 1),
    BOOL("power.can_refuse"),
    BOOL("power.controls_liberty_or_care"),
    ENUM("power.setting", settings),
    BOOL("power.coercive_setting"),

    SECTION("history", NULL),
    BOOL("history.prior_harm_by_giver"),
    BOOL_IMPLIES("history.harm_acknowledged", "prior_harm_by_giver"),
    TOKENS("history.bad_experiences"),

    SECTION("process", NULL),
    BOOL("process.asked_what_was_needed"),
    BOOL("process.listened"),
    BOOL("process.joint_decision"),
    BOOL("process.tried_together"),
    BOOL("process.handed_over_and_left"),
    BOOL("process.follow_up"),
    ENUM("process.stance", stances),
    BOOL("process.imposed"),

    SECTION("intent", NULL),
    BOOL("intent.benevolent"),
    TEXT("intent.aim", 0),

    SECTION("expected", "verdict"),
    ENUM("expected.verdict", verdicts),
    LIST("expected.factors", factors, C_UNIQUE | C_NONEMPTY),
    LIST("expected.questions", NULL, C_UNIQUE | C_DOTTED),
    TEXT("expected.why", C_NONEMPTY),
};

#define NFIELDS (sizeof fields / sizeof fields[0])

/* Whether f is the field key in section (section "" is the top level). */
static int field_is(const field *f, const char *section, size_t slen, const char *key,
                    size_t klen)
{
    const char *p = f->path;
    if (slen) {
        if (strncmp(p, section, slen) != 0 || p[slen] != '.')
            return 0;
        p += slen + 1;
    } else if (strchr(p, '.')) {
        return 0;
    }
    return strlen(p) == klen && memcmp(p, key, klen) == 0;
}

static const field *find_field(const char *section, size_t slen, const char *key, size_t klen)
{
    for (size_t i = 0; i < NFIELDS; i++)
        if (field_is(&fields[i], section, slen, key, klen))
            return &fields[i];
    return NULL;
}

/* The key of a field row within its section: "trust" for "relationship.trust". */
static const char *field_key(const field *f, size_t slen)
{
    return slen ? f->path + slen + 1 : f->path;
}

/* ------------------------------------------------------------------------ */
/* Near misses                                                              */
/* ------------------------------------------------------------------------ */


/* How far s may be from a known word w to count as a slip of w: two edits,
 * but one for words of four letters or fewer, where two edits reach other
 * real words ("age" is two from "act", any one-letter key two from "id"). */
static unsigned near_distance(const char *s, size_t len, const char *w)
{
    const size_t wl = strlen(w);
    const unsigned most = wl <= 4 ? 1u : 2u;
    if ((len > wl ? len - wl : wl - len) > most)
        return 99;
    const unsigned d = kc_edit_distance(s, len, w, wl);
    return d <= most ? d : 99;
}

/* The known key of section nearest to key, or NULL when none is near. */
static const char *suggest_key(const char *section, size_t slen, const char *key, size_t klen)
{
    const char *best = NULL;
    unsigned bestd = 99;
    for (size_t i = 0; i < NFIELDS; i++) {
        const field *f = &fields[i];
        const int in_section = slen ? strncmp(f->path, section, slen) == 0 &&
                                          f->path[slen] == '.'
                                    : strchr(f->path, '.') == NULL;
        if (!in_section)
            continue;
        const char *k = field_key(f, slen);
        const unsigned d = near_distance(key, klen, k);
        if (d < bestd) {
            bestd = d;
            best = k;
        }
    }
    return best;
}

static const char *suggest_value(const char *const *allowed, const char *s, size_t len)
{
    const char *best = NULL;
    unsigned bestd = 99;
    for (size_t i = 0; allowed[i]; i++) {
        const unsigned d = near_distance(s, len, allowed[i]);
        if (d < bestd) {
            bestd = d;
            best = allowed[i];
        }
    }
    return best;
}

/* ------------------------------------------------------------------------ */
/* Reporting                                                                */
/* ------------------------------------------------------------------------ */

typedef struct checker {
    const kc_doc *doc;
    kc_diag *diag;    /* collect every problem here; NULL: stop at the first */
    kc_error *first;  /* gets the first problem (may be NULL) */
    kc_status status; /* status of the first problem, KC_OK while there is none */
    int nomem;        /* ran out of memory: the checks stopped */
    int stop;
    kc_jptr ptr; /* JSON Pointer of the node being checked */
} checker;

/* Records a problem at value v, or at its member key when at_key is set. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void report(checker *ck, const kc_value *v, int at_key, const char *fmt, ...)
{
    if (ck->stop)
        return;
    kc_error e;
    kc_error_init(&e, ck->doc->source);
    va_list ap;
    va_start(ap, fmt);
    kc_error_vset(&e, KC_ESCHEMA, fmt, ap);
    va_end(ap);
    kc_error_set_path(&e, ck->ptr.text);
    const kc_pos *p = kc_doc_pos(ck->doc, v);
    if (p && at_key && p->key_line)
        kc_error_set_pos(&e, p->key_line, p->key_col, p->key_offset);
    else if (p)
        kc_error_set_pos(&e, p->line, p->col, p->offset);
    if (ck->status == KC_OK) {
        ck->status = KC_ESCHEMA;
        if (ck->first)
            *ck->first = e;
    }
    if (!ck->diag)
        ck->stop = 1;
    else if (kc_diag_add(ck->diag, &e) != 0)
        ck->nomem = ck->stop = 1;
}

/* s[0..len) in double quotes for a message: quotes, backslashes and control
 * characters escaped as in JSON, cut (at a character boundary) with "..."
 * when long. */
static const char *quote(const char *s, size_t len, char *buf, size_t size)
{
    static const char hex[] = "0123456789abcdef";
    const size_t room = size - 6; /* for `..."` and the NUL */
    size_t o = 0;
    buf[o++] = '"';
    for (size_t i = 0; i < len; i++) {
        const unsigned char c = (unsigned char)s[i];
        /* A character starts here: stop if its longest form might not fit. */
        if ((c & 0xC0) != 0x80 && o + 6 > room) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        if (c == '"' || c == '\\') {
            buf[o++] = '\\';
            buf[o++] = (char)c;
        } else if (c < 0x20) {
            memcpy(buf + o, "\\u00", 4);
            buf[o + 4] = hex[c >> 4];
            buf[o + 5] = hex[c & 15];
            o += 6;
        } else {
            buf[o++] = (char)c;
        }
    }
    buf[o++] = '"';
    buf[o] = '\0';
    return buf;
}

#define QUOTE_BUF 72

/* How a value reads in a message: "high", 1.5, true, null, an array, an object. */
static const char *describe(const kc_value *v, char *buf)
{
    switch (v->type) {
    case KC_TYPE_STRING:
        return quote(v->u.str, v->n, buf, QUOTE_BUF);
    case KC_TYPE_NUMBER:
        kc_format_number(v->u.num, buf);
        return buf;
    case KC_TYPE_BOOL:
        return v->u.boolean ? "true" : "false";
    case KC_TYPE_NULL:
        return "null";
    case KC_TYPE_ARRAY:
        return v->n ? "an array" : "an empty array";
    default:
        return "an object";
    }
}

/* "friend, partner, family" into buf, cut with "..." if it does not fit. */
static const char *join(const char *const *list, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; list[i]; i++) {
        const int n = snprintf(buf + o, size - o, "%s%s", i ? ", " : "", list[i]);
        if (n < 0 || (size_t)n >= size - o) {
            snprintf(buf + (o < size - 4 ? o : size - 4), 4, "...");
            break;
        }
        o += (size_t)n;
    }
    return buf;
}

/* ------------------------------------------------------------------------ */
/* Checking values                                                          */
/* ------------------------------------------------------------------------ */

/*   token := [a-z] [a-z0-9_]*        at most 64 bytes */
static int is_token(const char *s, size_t len)
{
    if (len == 0 || len > TOKEN_MAX || s[0] < 'a' || s[0] > 'z')
        return 0;
    for (size_t i = 1; i < len; i++) {
        const char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return 0;
    }
    return 1;
}

/*   id    := group ( "-" group )*    group := [a-z0-9]+ */
static int is_id(const char *s, size_t len)
{
    if (len == 0 || s[0] == '-' || s[len - 1] == '-')
        return 0;
    for (size_t i = 0; i < len; i++) {
        const char c = s[i];
        if (c == '-' ? s[i + 1] == '-' : !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return 0;
    }
    return 1;
}

/*   dotted := key ( "." key )*       key := [A-Za-z_] [A-Za-z0-9_-]* */
static int is_dotted(const char *s, size_t len)
{
    int at_start = 1;
    for (size_t i = 0; i < len; i++) {
        const char c = s[i];
        const int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        if (c == '.' && !at_start)
            at_start = 1;
        else if (alpha || (!at_start && ((c >= '0' && c <= '9') || c == '-')))
            at_start = 0;
        else
            return 0;
    }
    return !at_start;
}

static int in_list(const char *const *list, const char *s, size_t len)
{
    for (size_t i = 0; list[i]; i++)
        if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
            return 1;
    return 0;
}

static void bad_choice(checker *ck, const char *const *allowed, const char *name,
                       const kc_value *v)
{
    char found[QUOTE_BUF], list[200];
    const char *hint = v->type == KC_TYPE_STRING ? suggest_value(allowed, v->u.str, v->n) : NULL;
    if (!allowed[1])
        report(ck, v, 0, "%s must be \"%s\", found %s", name, allowed[0], describe(v, found));
    else if (hint)
        report(ck, v, 0, "%s cannot be %s; did you mean \"%s\"?", name, describe(v, found), hint);
    else
        report(ck, v, 0, "%s must be one of: %s; found %s", name,
               join(allowed, list, sizeof list), describe(v, found));
}

/* A string field, or an item of a list (then checks holds the item checks). */
static void check_string(checker *ck, const char *name, const kc_value *v,
                         const char *const *allowed, unsigned checks)
{
    char found[QUOTE_BUF];
    if (allowed && (v->type != KC_TYPE_STRING || !in_list(allowed, v->u.str, v->n))) {
        bad_choice(ck, allowed, name, v);
    } else if (v->type != KC_TYPE_STRING) {
        report(ck, v, 0, "%s must be a string, found %s", name, describe(v, found));
    } else if ((checks & C_NONEMPTY) && v->n == 0) {
        report(ck, v, 0, "%s must not be empty; leave it out if there is nothing to say", name);
    } else if ((checks & C_TOKEN) && !is_token(v->u.str, v->n)) {
        report(ck, v, 0,
               "%s must be a token (lowercase letters, digits and \"_\", starting with a "
               "letter, at most %d characters), found %s",
               name, TOKEN_MAX, describe(v, found));
    } else if ((checks & C_DOTTED) && !is_dotted(v->u.str, v->n)) {
        report(ck, v, 0, "%s must be a dotted path such as \"relationship.wanted\", found %s",
               name, describe(v, found));
    } else if ((checks & C_ID) && !is_id(v->u.str, v->n)) {
        report(ck, v, 0,
               "%s must be lowercase letters and digits in groups joined by single hyphens "
               "(e.g. \"flowers-for-a-friend\"), found %s",
               name, describe(v, found));
    } else if ((checks & C_ID) && v->n > ID_MAX) {
        report(ck, v, 0, "%s is %u characters long; at most %d are allowed", name, v->n, ID_MAX);
    }
}

static void check_number(checker *ck, const field *f, const kc_value *v)
{
    if (v->type == KC_TYPE_NUMBER && v->u.num >= f->min && v->u.num <= f->max)
        return;
    char lo[KC_NUM_BUF], hi[KC_NUM_BUF], found[QUOTE_BUF];
    kc_format_number(f->min, lo);
    kc_format_number(f->max, hi);
    report(ck, v, 0, "%s must be a number from %s to %s, found %s", f->path, lo, hi,
           describe(v, found));
}

static void check_bool(checker *ck, const field *f, const kc_value *parent, const kc_value *v)
{
    char found[QUOTE_BUF];
    if (v->type != KC_TYPE_BOOL) {
        report(ck, v, 0, "%s must be true or false, found %s", f->path, describe(v, found));
        return;
    }
    if (!f->implies || !v->u.boolean)
        return;
    const size_t len = strlen(f->implies);
    const kc_value *other = kc_obj_get(parent, f->implies, len, kc_hash(f->implies, len));
    if (other && other->type == KC_TYPE_BOOL && !other->u.boolean) {
        const char *dot = strchr(f->path, '.');
        report(ck, v, 0, "%s is true, so %.*s.%s cannot be false (make it true or leave it out)",
               f->path, (int)(dot - f->path), f->path, f->implies);
    }
}

/* Finds the earliest item of a list of strings that repeats an earlier one.
 * Returns 1 (setting *first and *second), 0, or -1 when out of memory. */
static int find_repeat(const kc_ctx *ctx, const kc_value *arr, size_t *first, size_t *second)
{
    kc_member small[16];
    const size_t n = arr->n;
    kc_member *m = n <= 16 ? small : kc_mem_calloc(ctx, n, sizeof *m);
    if (!m)
        return -1;
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        const kc_value *it = &arr->u.items[i];
        if (it->type != KC_TYPE_STRING)
            goto done; /* already a problem of its own; repeats are moot */
        m[i].key = it->u.str;
        m[i].klen = it->n;
        m[i].khash = kc_hash(it->u.str, it->n);
    }
    found = kc_members_find_dup(ctx, m, n, first, second);
done:
    if (m != small)
        kc_mem_free(ctx, m);
    return found;
}

static void check_list(checker *ck, const field *f, const kc_value *v)
{
    char found[QUOTE_BUF], name[96];
    if (v->type != KC_TYPE_ARRAY) {
        if (v->type == KC_TYPE_STRING)
            report(ck, v, 0, "%s must be a list, found %s; write [%s] for a single item", f->path,
                   describe(v, found), found);
        else
            report(ck, v, 0, "%s must be a list of strings, found %s", f->path,
                   describe(v, found));
        return;
    }
    if ((f->checks & C_NONEMPTY) && v->n == 0) {
        report(ck, v, 0, "%s must name at least one item", f->path);
        return;
    }
    size_t first = 0, second = SIZE_MAX;
    if (f->checks & C_UNIQUE) {
        const int r = find_repeat(ck->doc->ctx, v, &first, &second);
        if (r < 0) {
            ck->nomem = ck->stop = 1;
            return;
        }
        if (r == 0)
            second = SIZE_MAX;
    }
    for (size_t i = 0; i < v->n && !ck->stop; i++) {
        const kc_value *it = &v->u.items[i];
        const size_t saved = kc_jptr_push_index(&ck->ptr, i);
        snprintf(name, sizeof name, "%s[%zu]", f->path, i);
        if (i == second)
            report(ck, it, 0, "%s repeats %s (already item %zu); list each item once", name,
                   describe(it, found), first);
        else if ((f->checks & C_ALONE) && v->n > 1 && it->type == KC_TYPE_STRING &&
                 it->n == 7 && memcmp(it->u.str, "nothing", 7) == 0)
            report(ck, it, 0, "%s is \"nothing\", which cannot be combined with other items",
                   name);
        else
            check_string(ck, name, it, f->allowed, f->checks & (C_TOKEN | C_DOTTED));
        kc_jptr_pop(&ck->ptr, saved);
    }
}

static void check_members(checker *ck, const kc_value *obj, const char *section,
                          const char *required);

static void check_field(checker *ck, const field *f, const kc_value *parent, const kc_value *v)
{
    char found[QUOTE_BUF];
    if (v->type == KC_TYPE_NULL) {
        report(ck, v, 0,
               "%s is null; omit the field when the fact is not known; null is not allowed",
               f->path);
        return;
    }
    switch (f->shape) {
    case S_OBJECT:
        if (v->type == KC_TYPE_OBJECT)
            check_members(ck, v, f->path, f->required);
        else
            report(ck, v, 0, "%s must be an object, found %s", f->path, describe(v, found));
        break;
    case S_STRING:
        check_string(ck, f->path, v, f->allowed, f->checks);
        break;
    case S_NUMBER:
        check_number(ck, f, v);
        break;
    case S_BOOL:
        check_bool(ck, f, parent, v);
        break;
    case S_LIST:
        check_list(ck, f, v);
        break;
    }
}

static void check_unknown_key(checker *ck, const char *section, const kc_member *m)
{
    const size_t slen = strlen(section);
    const char *hint = suggest_key(section, slen, m->key, m->klen);
    if (!hint)
        return; /* a custom field */
    char key[QUOTE_BUF];
    quote(m->key, m->klen, key, sizeof key);
    if (slen)
        report(ck, &m->val, 1,
               "unknown key %s in %s; did you mean \"%s\"? (custom fields are allowed, but "
               "this one looks like a typo)",
               key, section, hint);
    else
        report(ck, &m->val, 1,
               "unknown key %s at the top level; did you mean \"%s\"? (custom fields are "
               "allowed, but this one looks like a typo)",
               key, hint);
}

/* The members of a known section, in document order (section "": the root). */
static void check_members(checker *ck, const kc_value *obj, const char *section,
                          const char *required)
{
    if (required && !kc_value_get(obj, required, strlen(required))) {
        if (section[0])
            report(ck, obj, 0, "%s has no \"%s\"; it is required when %s is given", section,
                   required, section);
        else
            report(ck, obj, 0,
                   "the scenario has no \"%s\"; it is required (lowercase letters and digits "
                   "joined by hyphens, e.g. \"flowers-for-a-friend\")",
                   required);
    }
    const size_t slen = strlen(section);
    for (uint32_t i = 0; i < obj->n && !ck->stop; i++) {
        const kc_member *m = &obj->u.members[i];
        const size_t saved = kc_jptr_push(&ck->ptr, m->key, m->klen);
        const field *f = find_field(section, slen, m->key, m->klen);
        if (f)
            check_field(ck, f, obj, &m->val);
        else
            check_unknown_key(ck, section, m);
        kc_jptr_pop(&ck->ptr, saved);
    }
}

/* Checks doc against the model. With diag, every problem is added to it;
 * without, checking stops at the first. first (may be NULL) gets the first
 * problem. Returns KC_OK, KC_ESCHEMA or KC_ENOMEM. */
static kc_status check_scenario(const kc_doc *doc, kc_diag *diag, kc_error *first)
{
    checker ck;
    memset(&ck, 0, sizeof ck);
    ck.doc = doc;
    ck.diag = diag;
    ck.first = first;
    char found[QUOTE_BUF];
    if (doc->root.type != KC_TYPE_OBJECT)
        report(&ck, &doc->root, 0, "a scenario must be a JSON object, found %s",
               describe(&doc->root, found));
    else
        check_members(&ck, &doc->root, "", "id");
    if (ck.nomem) {
        if (first) {
            kc_error_init(first, doc->source);
            kc_error_set(first, KC_ENOMEM, "out of memory while checking the scenario");
        }
        return KC_ENOMEM;
    }
    return ck.status;
}

/* ------------------------------------------------------------------------ */
/* Public API                                                               */
/* ------------------------------------------------------------------------ */

/* Checks a freshly made document and, when it passes, wraps it as the
 * caller's scenario. The document is consumed either way. */
static kc_status adopt(kc_doc *doc, kc_scenario **out, kc_error *err)
{
    kc_status st = check_scenario(doc, NULL, err);
    if (st != KC_OK)
        goto fail;
    /* The handle lives in the document's own arena: one free releases both. */
    kc_scenario *s = kc_arena_alloc(&doc->arena, sizeof *s);
    if (!s) {
        kc_error_init(err, doc->source);
        st = kc_error_set(err, KC_ENOMEM, "out of memory while loading the scenario");
        goto fail;
    }
    s->doc = doc;
    s->id = kc_value_string(kc_value_get(&doc->root, "id", 2), NULL);
    *out = s;
    return KC_OK;
fail:
    kc_doc_free(doc);
    return st;
}

kc_status kc_scenario_parse(kc_ctx *ctx, const char *text, size_t len, const char *source,
                            kc_scenario **out, kc_error *err)
{
    kc_error_init(err, source);
    if (out)
        *out = NULL;
    if (!ctx || !out || (!text && len))
        return kc_error_set(err, KC_EINVAL, "ctx, out and text are required");
    kc_doc *doc;
    const kc_status st = kc_doc_parse(ctx, text, len, source, &doc, err);
    return st == KC_OK ? adopt(doc, out, err) : st;
}

kc_status kc_scenario_load_file(kc_ctx *ctx, const char *path, kc_scenario **out, kc_error *err)
{
    kc_error_init(err, path);
    if (out)
        *out = NULL;
    if (!ctx || !path || !out)
        return kc_error_set(err, KC_EINVAL, "ctx, path and out are required");
    kc_doc *doc;
    const kc_status st = kc_doc_load_file(ctx, path, &doc, err);
    return st == KC_OK ? adopt(doc, out, err) : st;
}

kc_status kc_scenario_from_cjson(kc_ctx *ctx, const struct cJSON *json, kc_scenario **out,
                                 kc_error *err)
{
    kc_error_init(err, "<cJSON>");
    if (out)
        *out = NULL;
    if (!ctx || !json || !out)
        return kc_error_set(err, KC_EINVAL, "ctx, json and out are required");
    kc_doc *doc;
    const kc_status st = kc_doc_from_cjson(ctx, json, &doc, err);
    return st == KC_OK ? adopt(doc, out, err) : st;
}

kc_status kc_scenario_check(kc_ctx *ctx, const char *text, size_t len, const char *source,
                            kc_diag **out)
{
    if (out)
        *out = NULL;
    if (!ctx || !out || (!text && len))
        return KC_EINVAL;
    kc_diag *d = kc_diag_new(ctx);
    if (!d)
        return KC_ENOMEM;
    kc_error err;
    kc_doc *doc;
    kc_status st = kc_doc_parse(ctx, text, len, source, &doc, &err);
    if (st == KC_OK) {
        st = check_scenario(doc, d, NULL);
        kc_doc_free(doc);
    } else if (st != KC_ENOMEM && kc_diag_add(d, &err) != 0) {
        /* The reader stops at the first problem: it is the only one. */
        st = KC_ENOMEM;
    }
    if (st == KC_ENOMEM)
        goto fail;
    *out = d;
    return st;
fail:
    kc_diag_free(d);
    return st;
}

const kc_value *kc_scenario_root(const kc_scenario *s)
{
    return s ? &s->doc->root : NULL;
}

const char *kc_scenario_id(const kc_scenario *s)
{
    return s && s->id ? s->id : "";
}

void kc_scenario_free(kc_scenario *s)
{
    if (s)
        kc_doc_free(s->doc);
}
