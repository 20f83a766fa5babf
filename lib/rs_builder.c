/* rs_builder.c - rule-set documents -> one immutable kc_ruleset.
 *
 * Each added source is parsed, checked key by key and compiled right away
 * into the builder's arena, recording every problem it finds (bounded) rather
 * than stopping at the first. Composition happens in the same pass: a source
 * sees the dimensions, verdicts and rules of the sources added before it.
 * kc_builder_build() checks what only the whole can tell (a policy exists, its
 * bands are well formed) and hands the arena to the new rule set, so a build
 * either yields a complete rule set or nothing.
 *
 * Document shape (docs/rules.md, schemas/ruleset.schema.json):
 *   ruleset   := { "kindctx": "ruleset/1", "name"?, "version"?, "description"?,
 *                  "dimensions"?, "verdicts"?, "policy"?, "controls"?, "rules",
 *                  "x-..."* }
 *   dimension := { "id", "label", "scored"? }
 *   verdict   := { "id", "label" }
 *   policy    := { "bands": [ band, ... ], "override"? }
 *   band      := { "verdict", "min"? }
 *   control   := { "fact", "label", "value"? , "from"? , ... }
 *   rule      := { "id", "dimension", "weight", "when", "because", "source",
 *                  "veto"?, "advice"?, "override"?, "tags"?, "x-..."* } */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "doc.h"
#include "error.h"
#include "mem.h"
#include "ruleset.h"
#include "text.h"

/* A rule as staged in the builder (the final array is made at build). */
typedef struct staged_rule {
    rs_rule r;
    int dead; /* replaced by a later override */
} staged_rule;

struct kc_builder {
    kc_ctx *ctx;
    kc_arena arena; /* becomes the rule set's */
    kc_diag *diag;
    int spent;      /* built once; the arena is gone */
    size_t nsources;

    /* names "core 1.0.0" of sources that named themselves */
    const char *name;
    const char *version;

    rs_dim *dims;
    size_t ndims, cap_dims;
    rs_verdict *verdicts;
    size_t nverdicts, cap_verdicts;
    rs_band *bands;
    size_t nbands;
    int has_policy;
    rs_control *controls;
    size_t ncontrols, cap_controls;
    staged_rule *rules;
    size_t nrules, cap_rules;
    /* Rule ids, for overrides and duplicates: open addressing, each slot a
     * rules[] index + 1 (0 = empty). Thousands of rules load in linear time. */
    uint32_t *ids;
    size_t cap_ids;
};

/* Per-source reading state. */
typedef struct src {
    kc_builder *b;
    const kc_doc *doc;
    const char *name; /* in the arena */
    kc_jptr path; /* JSON Pointer of the node being read */
    int failed_alloc;
} src;

/* ---- problems ---- */

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static void
problem(src *s, kc_status st, const kc_value *at, int at_key, const char *fmt, ...)
{
    kc_error e;
    kc_error_init(&e, s->name);
    va_list ap;
    va_start(ap, fmt);
    kc_error_vset(&e, st, fmt, ap);
    va_end(ap);
    kc_error_set_path(&e, s->path.len ? s->path.text : "/");
    const kc_pos *pos = kc_doc_pos(s->doc, at);
    if (pos && at_key && pos->key_line)
        kc_error_set_pos(&e, pos->key_line, pos->key_col, pos->key_offset);
    else if (pos)
        kc_error_set_pos(&e, pos->line, pos->col, pos->offset);
    if (kc_diag_add(s->b->diag, &e))
        s->failed_alloc = 1;
}

static void no_memory(src *s)
{
    s->failed_alloc = 1;
}

/* Steps of the path that are names in this file (C strings). */
static size_t path_push(src *s, const char *seg)
{
    return kc_jptr_push(&s->path, seg, strlen(seg));
}

static const char *type_name(const kc_value *v)
{
    switch (kc_value_type(v)) {
    case KC_TYPE_NULL:
        return "null";
    case KC_TYPE_BOOL:
        return "a boolean";
    case KC_TYPE_NUMBER:
        return "a number";
    case KC_TYPE_STRING:
        return "a string";
    case KC_TYPE_ARRAY:
        return "an array";
    default:
        return "an object";
    }
}

/* ---- key tables ---- */

enum {
    T_STRING = 1,
    T_NUMBER = 2,
    T_BOOL = 4,
    T_ARRAY = 8,
    T_OBJECT = 16,
    T_ANY = 31,
    REQUIRED = 64
};

typedef struct key_spec {
    const char *name;
    unsigned flags;
} key_spec;

static const char *type_words(unsigned mask)
{
    switch (mask & T_ANY) {
    case T_STRING:
        return "a string";
    case T_NUMBER:
        return "a number";
    case T_BOOL:
        return "true or false";
    case T_ARRAY:
        return "an array";
    case T_OBJECT:
        return "an object";
    default:
        return "a JSON value";
    }
}

static unsigned type_bit(const kc_value *v)
{
    switch (kc_value_type(v)) {
    case KC_TYPE_STRING:
        return T_STRING;
    case KC_TYPE_NUMBER:
        return T_NUMBER;
    case KC_TYPE_BOOL:
        return T_BOOL;
    case KC_TYPE_ARRAY:
        return T_ARRAY;
    case KC_TYPE_OBJECT:
        return T_OBJECT;
    default:
        return 0;
    }
}


/* The closest of n names to s (edit distance <= 2), or NULL. */
static const char *closest(const char *s, size_t len, const char *const *names, size_t n)
{
    const char *best = NULL;
    unsigned bestd = 3;
    for (size_t i = 0; i < n; i++) {
        unsigned d = kc_edit_distance(s, len, names[i], strlen(names[i]));
        if (d < bestd) {
            bestd = d;
            best = names[i];
        }
    }
    return best;
}

/*
 * Checks the members of obj against specs: unknown keys (with a
 * did-you-mean; keys starting "x-" are annotations and always allowed),
 * types, and required keys. what names the object in messages ("rule \"x\"").
 * Returns the number of problems found.
 */
static int check_keys(src *s, const kc_value *obj, const key_spec *specs, size_t nspecs,
                      const char *what)
{
    int bad = 0;
    const char *names[24];
    for (size_t k = 0; k < nspecs && k < 24; k++)
        names[k] = specs[k].name;
    for (size_t i = 0; i < kc_value_count(obj); i++) {
        size_t klen;
        const char *key = kc_value_key_at(obj, i, &klen);
        const kc_value *v = kc_value_at(obj, i);
        if (klen >= 2 && key[0] == 'x' && key[1] == '-')
            continue;
        const key_spec *spec = NULL;
        for (size_t k = 0; k < nspecs; k++)
            if (strlen(specs[k].name) == klen && memcmp(specs[k].name, key, klen) == 0)
                spec = &specs[k];
        size_t saved = path_push(s, key);
        if (!spec) {
            const char *hint = closest(key, klen, names, nspecs < 24 ? nspecs : 24);
            if (hint)
                problem(s, KC_ESCHEMA, v, 1, "unknown key \"%s\" in %s; did you mean \"%s\"?", key,
                        what, hint);
            else
                problem(s, KC_ESCHEMA, v, 1,
                        "unknown key \"%s\" in %s (annotations must start with \"x-\")", key, what);
            bad++;
        } else if (!(type_bit(v) & spec->flags)) {
            problem(s, KC_ESCHEMA, v, 0, "\"%s\" in %s must be %s, found %s", spec->name, what,
                    type_words(spec->flags), type_name(v));
            bad++;
        }
        kc_jptr_pop(&s->path, saved);
    }
    for (size_t k = 0; k < nspecs; k++) {
        if (!(specs[k].flags & REQUIRED))
            continue;
        if (!kc_value_get(obj, specs[k].name, strlen(specs[k].name))) {
            problem(s, KC_ESCHEMA, obj, 0, "%s has no \"%s\" (required)", what, specs[k].name);
            bad++;
        }
    }
    return bad;
}

/* The member if present and of the expected type, else NULL. */
static const kc_value *get_typed(const kc_value *obj, const char *key, kc_type type)
{
    const kc_value *v = kc_value_get(obj, key, strlen(key));
    return v && kc_value_type(v) == type ? v : NULL;
}

static const char *arena_str(src *s, const kc_value *v)
{
    size_t len;
    const char *text = kc_value_string(v, &len);
    char *p = kc_arena_strndup(&s->b->arena, text ? text : "", text ? len : 0);
    if (!p)
        no_memory(s);
    return p;
}

/* Ids: letters, digits and _ . : - ; 1..100 bytes. */
static int valid_id(const char *id, size_t len)
{
    if (len == 0 || len > 100)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == ':' || c == '-'))
            return 0;
    }
    return 1;
}

static int32_t find_dim(const kc_builder *b, const char *id)
{
    for (size_t i = 0; i < b->ndims; i++)
        if (strcmp(b->dims[i].id, id) == 0)
            return (int32_t)i;
    return -1;
}

static int32_t find_verdict(const kc_builder *b, const char *id)
{
    for (size_t i = 0; i < b->nverdicts; i++)
        if (strcmp(b->verdicts[i].id, id) == 0)
            return (int32_t)i;
    return -1;
}

/* "need, safety and history" of the declared ids, for messages. */
static void list_ids(char *out, size_t size, const char *const *ids, size_t n)
{
    size_t at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && at + 1 < size; i++) {
        int w = snprintf(out + at, size - at, "%s%s", i ? ", " : "", ids[i]);
        if (w < 0)
            break;
        at += (size_t)w;
    }
}

/* ---- sections ---- */

static void read_dimensions(src *s, const kc_value *arr)
{
    static const key_spec specs[] = {
        {"id", T_STRING | REQUIRED}, {"label", T_STRING | REQUIRED}, {"scored", T_BOOL}};
    kc_builder *b = s->b;
    for (size_t i = 0; i < kc_value_count(arr) && !s->failed_alloc; i++) {
        const kc_value *d = kc_value_at(arr, i);
        size_t saved = kc_jptr_push_index(&s->path, i);
        if (kc_value_type(d) != KC_TYPE_OBJECT) {
            problem(s, KC_ESCHEMA, d, 0, "a dimension must be an object {\"id\", \"label\"}, found %s",
                    type_name(d));
        } else if (check_keys(s, d, specs, 3, "a dimension") == 0) {
            size_t idlen;
            const char *id = kc_value_string(kc_value_get(d, "id", 2), &idlen);
            const char *label = kc_value_string(kc_value_get(d, "label", 5), NULL);
            const kc_value *scored = get_typed(d, "scored", KC_TYPE_BOOL);
            int32_t k = find_dim(b, id);
            if (!valid_id(id, idlen)) {
                problem(s, KC_ESCHEMA, kc_value_get(d, "id", 2), 0,
                        "dimension id \"%s\" must be 1-100 letters, digits, _ . : or -", id);
            } else if (k >= 0) {
                if (strcmp(b->dims[k].label, label) != 0 ||
                    b->dims[k].scored != (scored ? kc_value_bool(scored) : 1))
                    problem(s, KC_ECONFLICT, d, 0,
                            "dimension \"%s\" is already declared with a different label or "
                            "\"scored\"",
                            id);
            } else {
                void *items = b->dims;
                if (kc_mem_grow(b->ctx, &items, &b->cap_dims, b->ndims + 1, sizeof *b->dims)) {
                    no_memory(s);
                } else {
                    b->dims = items;
                    rs_dim *nd = &b->dims[b->ndims++];
                    nd->id = arena_str(s, kc_value_get(d, "id", 2));
                    nd->label = arena_str(s, kc_value_get(d, "label", 5));
                    nd->scored = scored ? kc_value_bool(scored) : 1;
                }
            }
        }
        kc_jptr_pop(&s->path, saved);
    }
}

static void read_verdicts(src *s, const kc_value *arr)
{
    static const key_spec specs[] = {{"id", T_STRING | REQUIRED}, {"label", T_STRING | REQUIRED}};
    kc_builder *b = s->b;
    for (size_t i = 0; i < kc_value_count(arr) && !s->failed_alloc; i++) {
        const kc_value *d = kc_value_at(arr, i);
        size_t saved = kc_jptr_push_index(&s->path, i);
        if (kc_value_type(d) != KC_TYPE_OBJECT) {
            problem(s, KC_ESCHEMA, d, 0, "a verdict must be an object {\"id\", \"label\"}, found %s",
                    type_name(d));
        } else if (check_keys(s, d, specs, 2, "a verdict") == 0) {
            size_t idlen;
            const char *id = kc_value_string(kc_value_get(d, "id", 2), &idlen);
            const char *label = kc_value_string(kc_value_get(d, "label", 5), NULL);
            int32_t k = find_verdict(b, id);
            if (!valid_id(id, idlen)) {
                problem(s, KC_ESCHEMA, kc_value_get(d, "id", 2), 0,
                        "verdict id \"%s\" must be 1-100 letters, digits, _ . : or -", id);
            } else if (k >= 0) {
                if (strcmp(b->verdicts[k].label, label) != 0)
                    problem(s, KC_ECONFLICT, d, 0,
                            "verdict \"%s\" is already declared with a different label", id);
            } else if (b->nrules > 0 || b->has_policy) {
                /* Verdicts are ordered best first; adding one after a policy or
                 * rules refer to the order would silently change meanings. */
                problem(s, KC_ECONFLICT, d, 0,
                        "verdict \"%s\" comes after rules or a policy already use the verdict "
                        "order; declare all verdicts in the first file",
                        id);
            } else {
                void *items = b->verdicts;
                if (kc_mem_grow(b->ctx, &items, &b->cap_verdicts, b->nverdicts + 1,
                                sizeof *b->verdicts)) {
                    no_memory(s);
                } else {
                    b->verdicts = items;
                    rs_verdict *nv = &b->verdicts[b->nverdicts++];
                    nv->id = arena_str(s, kc_value_get(d, "id", 2));
                    nv->label = arena_str(s, kc_value_get(d, "label", 5));
                }
            }
        }
        kc_jptr_pop(&s->path, saved);
    }
}

/* A verdict reference: returns its index, or -1 after recording a problem. */
static int32_t verdict_ref(src *s, const kc_value *v, const char *what)
{
    const char *id = kc_value_string(v, NULL);
    int32_t k = find_verdict(s->b, id);
    if (k >= 0)
        return k;
    const char *ids[32] = {0};
    size_t n = s->b->nverdicts < 32 ? s->b->nverdicts : 32;
    for (size_t i = 0; i < n; i++)
        ids[i] = s->b->verdicts[i].id;
    const char *hint = closest(id, strlen(id), ids, n);
    char list[256];
    list_ids(list, sizeof list, ids, n);
    if (hint)
        problem(s, KC_ESCHEMA, v, 0, "%s names verdict \"%s\", which is not declared; did you mean \"%s\"?",
                what, id, hint);
    else
        problem(s, KC_ESCHEMA, v, 0, "%s names verdict \"%s\", which is not declared (declared: %s)",
                what, id, n ? list : "none");
    return -1;
}

static void read_policy(src *s, const kc_value *pol)
{
    static const key_spec specs[] = {{"bands", T_ARRAY | REQUIRED}, {"override", T_BOOL}};
    static const key_spec band_specs[] = {{"verdict", T_STRING | REQUIRED}, {"min", T_NUMBER}};
    kc_builder *b = s->b;
    if (check_keys(s, pol, specs, 2, "the policy"))
        return;
    const kc_value *ov = get_typed(pol, "override", KC_TYPE_BOOL);
    if (b->has_policy && !(ov && kc_value_bool(ov))) {
        problem(s, KC_ECONFLICT, pol, 0,
                "a policy is already defined by an earlier file; add \"override\": true to "
                "replace it");
        return;
    }
    const kc_value *bands = kc_value_get(pol, "bands", 5);
    size_t n = kc_value_count(bands);
    size_t saved = path_push(s, "bands");
    rs_band *nb = n ? kc_arena_array(&b->arena, n, sizeof *nb) : NULL;
    int bad = 0;
    if (n == 0) {
        problem(s, KC_ESCHEMA, bands, 0, "the policy needs at least one band");
        bad = 1;
    } else if (!nb) {
        no_memory(s);
        bad = 1;
    } else {
        memset(nb, 0, n * sizeof *nb); /* a bad band is compared with the next */
    }
    for (size_t i = 0; i < n && nb; i++) {
        const kc_value *band = kc_value_at(bands, i);
        size_t s2 = kc_jptr_push_index(&s->path, i);
        if (kc_value_type(band) != KC_TYPE_OBJECT) {
            problem(s, KC_ESCHEMA, band, 0, "a band must be an object {\"verdict\", \"min\"}, found %s",
                    type_name(band));
            bad = 1;
        } else if (check_keys(s, band, band_specs, 2, "a band")) {
            bad = 1;
        } else {
            const kc_value *min = get_typed(band, "min", KC_TYPE_NUMBER);
            int32_t v = verdict_ref(s, kc_value_get(band, "verdict", 7), "a band");
            nb[i].verdict = v < 0 ? 0 : (uint32_t)v;
            nb[i].has_min = min != NULL;
            nb[i].min = min ? kc_value_number(min) : 0;
            if (v < 0)
                bad = 1;
            if (i + 1 < n && !min) {
                problem(s, KC_ESCHEMA, band, 0,
                        "only the last band may omit \"min\" (it catches every lower score)");
                bad = 1;
            }
            if (i + 1 == n && min) {
                problem(s, KC_ESCHEMA, min, 0,
                        "the last band must not have \"min\": it catches every score below the "
                        "band above");
                bad = 1;
            }
            if (i > 0 && min && nb[i - 1].has_min && !(nb[i].min < nb[i - 1].min)) {
                problem(s, KC_ESCHEMA, min, 0,
                        "band mins must decrease strictly (best band first): %g is not below %g",
                        nb[i].min, nb[i - 1].min);
                bad = 1;
            }
        }
        kc_jptr_pop(&s->path, s2);
    }
    kc_jptr_pop(&s->path, saved);
    if (!bad) {
        b->bands = nb;
        b->nbands = n;
        b->has_policy = 1;
    }
}

/* A dotted fact path of a control: split now, so applying it costs nothing. */
static int control_path(src *s, const kc_value *v, const char *key, const jl_seg **segs,
                        uint32_t *nsegs)
{
    size_t len;
    const char *text = kc_value_string(v, &len);
    kc_status st = kc_tmpl_parse_path(&s->b->arena, text, len, segs, nsegs);
    if (st == KC_ENOMEM) {
        no_memory(s);
        return -1;
    }
    if (st) {
        size_t saved = path_push(s, key);
        problem(s, KC_ESCHEMA, v, 0,
                "\"%s\" of a control must be a dotted path such as \"process.joint_decision\", "
                "found \"%s\"",
                key, text);
        kc_jptr_pop(&s->path, saved);
        return -1;
    }
    return 0;
}

static void read_controls(src *s, const kc_value *arr)
{
    static const key_spec specs[] = {{"fact", T_STRING | REQUIRED},
                                     {"label", T_STRING | REQUIRED},
                                     {"prefer", T_STRING | T_NUMBER | T_BOOL | T_ARRAY | T_OBJECT},
                                     {"from", T_STRING},
                                     {"withdraw", T_BOOL},
                                     {"when", T_ANY}};
    kc_builder *b = s->b;
    for (size_t i = 0; i < kc_value_count(arr) && !s->failed_alloc; i++) {
        const kc_value *c = kc_value_at(arr, i);
        size_t saved = kc_jptr_push_index(&s->path, i);
        if (kc_value_type(c) != KC_TYPE_OBJECT) {
            problem(s, KC_ESCHEMA, c, 0, "a control must be an object {\"fact\", \"label\", ...}, found %s",
                    type_name(c));
            kc_jptr_pop(&s->path, saved);
            continue;
        }
        if (check_keys(s, c, specs, 6, "a control")) {
            kc_jptr_pop(&s->path, saved);
            continue;
        }
        rs_control nc;
        memset(&nc, 0, sizeof nc);
        const kc_value *val = kc_value_get(c, "prefer", 6);
        const kc_value *from = get_typed(c, "from", KC_TYPE_STRING);
        const kc_value *wd = get_typed(c, "withdraw", KC_TYPE_BOOL);
        const kc_value *when = kc_value_get(c, "when", 4);
        int bad = 0;
        if ((val != NULL) + (from != NULL) + (wd != NULL) != 1 || (wd && !kc_value_bool(wd))) {
            problem(s, KC_ESCHEMA, c, 0,
                    "a control needs exactly one of \"prefer\" (the value the giver could "
                    "choose), \"from\" (a fact to copy it from) or \"withdraw\": true (not to "
                    "act at all)");
            bad = 1;
        }
        bad |= control_path(s, kc_value_get(c, "fact", 4), "fact", &nc.segs, &nc.nsegs) != 0;
        if (from)
            bad |= control_path(s, from, "from", &nc.from_segs, &nc.nfrom) != 0;
        if (when && !bad) {
            size_t s2 = path_push(s, "when");
            kc_error e;
            kc_error_init(&e, s->name);
            kc_status st = kc_jl_compile(b->ctx, &b->arena, when, s->doc, s->path.text, &nc.when, &e);
            if (st == KC_ENOMEM) {
                no_memory(s);
                bad = 1;
            } else if (st) {
                if (kc_diag_add(b->diag, &e))
                    no_memory(s);
                bad = 1;
            }
            nc.has_when = 1;
            kc_jptr_pop(&s->path, s2);
        }
        if (!bad) {
            nc.fact = arena_str(s, kc_value_get(c, "fact", 4));
            nc.label = arena_str(s, kc_value_get(c, "label", 5));
            nc.from = from ? arena_str(s, from) : NULL;
            nc.withdraw = wd != NULL;
            nc.value = kc_v_null();
            if (val && kc_value_copy(&b->arena, val, &nc.value))
                no_memory(s);
            /* A control is known by its fact: a later file may restate it,
             * but not give it another meaning. */
            rs_control *old = NULL;
            for (size_t k = 0; k < b->ncontrols && !old; k++)
                if (nc.fact && strcmp(b->controls[k].fact, nc.fact) == 0)
                    old = &b->controls[k];
            if (old && nc.label && strcmp(old->label, nc.label) != 0) {
                problem(s, KC_ECONFLICT, c, 0,
                        "a control for \"%s\" is already declared with the label \"%s\"",
                        nc.fact, old->label);
            } else if (old) {
                *old = nc;
            } else {
                void *items = b->controls;
                if (kc_mem_grow(b->ctx, &items, &b->cap_controls, b->ncontrols + 1,
                                sizeof *b->controls)) {
                    no_memory(s);
                } else {
                    b->controls = items;
                    b->controls[b->ncontrols++] = nc;
                }
            }
        }
        kc_jptr_pop(&s->path, saved);
    }
}

/* Parses a template member; records a problem pointing into the string. */
static int read_template(src *s, const kc_value *v, kc_tmpl *out, const char *key,
                         const char *rule_id)
{
    size_t len;
    const char *text = kc_value_string(v, &len);
    size_t bad_off = 0;
    const char *why = NULL;
    kc_status st = kc_tmpl_parse(&s->b->arena, text, len, out, &bad_off, &why);
    if (st == KC_ENOMEM) {
        no_memory(s);
        return -1;
    }
    if (st) {
        kc_error e;
        kc_error_init(&e, s->name);
        kc_error_set(&e, KC_ESCHEMA, "\"%s\" of rule \"%s\": %s", key, rule_id, why ? why : "bad template");
        kc_error_set_path(&e, s->path.text);
        const kc_pos *pos = kc_doc_pos(s->doc, v);
        if (pos) {
            /* Column of the "{{" inside the string: the opening quote, then
             * one column per code point before it (exact unless the string
             * uses escapes before that point). */
            unsigned col = pos->col + 1;
            for (size_t i = 0; i < bad_off; i++)
                col += (((unsigned char)text[i]) & 0xC0) != 0x80;
            kc_error_set_pos(&e, pos->line, col, pos->offset + 1 + bad_off);
        }
        if (kc_diag_add(s->b->diag, &e))
            no_memory(s);
        return -1;
    }
    return 0;
}

/* "readers": {"giver": {"because": ..., "advice": ...}, "supporter": ..., "author": ...} */
static int read_readers(src *s, const kc_value *readers, rs_rule *r, const char *what,
                        const char *id)
{
    static const key_spec names[] = {{"giver", T_OBJECT}, {"supporter", T_OBJECT}, {"author", T_OBJECT}};
    static const key_spec texts[] = {{"because", T_STRING}, {"advice", T_STRING}};
    int bad = check_keys(s, readers, names, 3, "\"readers\"");
    for (int k = 1; k <= 3; k++) {
        const kc_value *o = get_typed(readers, names[k - 1].name, KC_TYPE_OBJECT);
        if (!o)
            continue;
        size_t saved = path_push(s, names[k - 1].name);
        char w2[200];
        snprintf(w2, sizeof w2, "the %s wording of %s", names[k - 1].name, what);
        if (check_keys(s, o, texts, 2, w2)) {
            bad++;
        } else {
            const kc_value *bec = get_typed(o, "because", KC_TYPE_STRING);
            const kc_value *adv = get_typed(o, "advice", KC_TYPE_STRING);
            size_t s2;
            if (bec) {
                s2 = path_push(s, "because");
                if (read_template(s, bec, &r->because_for[k], "because", id))
                    bad++;
                kc_jptr_pop(&s->path, s2);
            }
            if (adv) {
                s2 = path_push(s, "advice");
                if (read_template(s, adv, &r->advice_for[k], "advice", id))
                    bad++;
                kc_jptr_pop(&s->path, s2);
            }
        }
        kc_jptr_pop(&s->path, saved);
    }
    return bad;
}

/* The slot of id in the table: its entry, or the empty slot where it goes. */
static size_t id_slot(const kc_builder *b, const char *id)
{
    size_t mask = b->cap_ids - 1;
    size_t i = kc_hash(id, strlen(id)) & mask;
    while (b->ids[i] && strcmp(b->rules[b->ids[i] - 1].r.id, id) != 0)
        i = (i + 1) & mask;
    return i;
}

static staged_rule *find_rule(kc_builder *b, const char *id)
{
    if (!b->cap_ids)
        return NULL;
    uint32_t e = b->ids[id_slot(b, id)];
    return e ? &b->rules[e - 1] : NULL;
}

/* Points id at rules[k] (adding it, or replacing what it pointed at). */
static int index_rule(kc_builder *b, size_t k)
{
    if ((b->nrules + 1) * 2 > b->cap_ids) {
        size_t cap = b->cap_ids ? b->cap_ids * 2 : 64;
        uint32_t *t = kc_mem_calloc(b->ctx, cap, sizeof *t);
        if (!t)
            return -1;
        uint32_t *old = b->ids;
        size_t oldcap = b->cap_ids;
        b->ids = t;
        b->cap_ids = cap;
        for (size_t i = 0; i < oldcap; i++)
            if (old[i])
                b->ids[id_slot(b, b->rules[old[i] - 1].r.id)] = old[i];
        kc_mem_free(b->ctx, old);
    }
    b->ids[id_slot(b, b->rules[k].r.id)] = (uint32_t)k + 1;
    return 0;
}

static void read_rule(src *s, const kc_value *ro)
{
    static const key_spec specs[] = {
        {"id", T_STRING | REQUIRED},        {"dimension", T_STRING | REQUIRED},
        {"weight", T_NUMBER | REQUIRED},    {"when", T_ANY | REQUIRED},
        {"because", T_STRING | REQUIRED},   {"source", T_STRING | REQUIRED},
        {"veto", T_STRING},                 {"advice", T_STRING},
        {"override", T_BOOL},               {"tags", T_ARRAY},
        {"readers", T_OBJECT},
    };
    kc_builder *b = s->b;
    char what[160];
    const kc_value *idv = get_typed(ro, "id", KC_TYPE_STRING);
    size_t idlen = 0;
    const char *id = idv ? kc_value_string(idv, &idlen) : "";
    snprintf(what, sizeof what, idv ? "rule \"%s\"" : "a rule without an id", id);
    int bad = check_keys(s, ro, specs, sizeof specs / sizeof specs[0], what);
    if (idv && !valid_id(id, idlen)) {
        problem(s, KC_ESCHEMA, idv, 0, "rule id \"%s\" must be 1-100 letters, digits, _ . : or -",
                id);
        bad++;
    }

    rs_rule r;
    memset(&r, 0, sizeof r);
    r.veto = -1;
    const kc_value *dimv = get_typed(ro, "dimension", KC_TYPE_STRING);
    if (dimv) {
        const char *dim = kc_value_string(dimv, NULL);
        int32_t k = find_dim(b, dim);
        if (k < 0) {
            const char *ids[32] = {0};
            size_t n = b->ndims < 32 ? b->ndims : 32;
            for (size_t i = 0; i < n; i++)
                ids[i] = b->dims[i].id;
            const char *hint = closest(dim, strlen(dim), ids, n);
            char list[256];
            list_ids(list, sizeof list, ids, n);
            size_t saved = path_push(s, "dimension");
            if (hint)
                problem(s, KC_ESCHEMA, dimv, 0,
                        "\"dimension\" of %s names \"%s\", which is not declared; did you mean "
                        "\"%s\"?",
                        what, dim, hint);
            else
                problem(s, KC_ESCHEMA, dimv, 0,
                        "\"dimension\" of %s names \"%s\", which is not declared (declared: %s)",
                        what, dim, n ? list : "none");
            kc_jptr_pop(&s->path, saved);
            bad++;
        } else {
            r.dim = (uint32_t)k;
        }
    }
    const kc_value *wv = get_typed(ro, "weight", KC_TYPE_NUMBER);
    if (wv) {
        r.weight = kc_value_number(wv);
        if (!(r.weight >= -100 && r.weight <= 100)) {
            size_t saved = path_push(s, "weight");
            problem(s, KC_ESCHEMA, wv, 0, "\"weight\" of %s must be between -100 and 100, found %g",
                    what, r.weight);
            kc_jptr_pop(&s->path, saved);
            bad++;
        }
    }
    const kc_value *vetov = get_typed(ro, "veto", KC_TYPE_STRING);
    if (vetov) {
        size_t saved = path_push(s, "veto");
        char w2[200];
        snprintf(w2, sizeof w2, "\"veto\" of %s", what);
        r.veto = verdict_ref(s, vetov, w2);
        if (r.veto < 0)
            bad++;
        kc_jptr_pop(&s->path, saved);
    }
    const kc_value *tags = get_typed(ro, "tags", KC_TYPE_ARRAY);
    for (size_t i = 0; tags && i < kc_value_count(tags); i++)
        if (kc_value_type(kc_value_at(tags, i)) != KC_TYPE_STRING) {
            size_t saved = path_push(s, "tags");
            problem(s, KC_ESCHEMA, kc_value_at(tags, i), 0, "\"tags\" of %s must be strings", what);
            kc_jptr_pop(&s->path, saved);
            bad++;
            break;
        }

    /* The condition: compiled here, so its errors carry this file's positions. */
    const kc_value *when = kc_value_get(ro, "when", 4);
    if (when) {
        size_t saved = path_push(s, "when");
        kc_error e;
        kc_error_init(&e, s->name);
        kc_status st = kc_jl_compile(b->ctx, &b->arena, when, s->doc, s->path.text, &r.when, &e);
        if (st == KC_ENOMEM) {
            no_memory(s);
            bad++;
        } else if (st) {
            char msg[KC_ERROR_TEXT_MAX + 200];
            int w = snprintf(msg, sizeof msg, "condition of %s: %s", what, e.message);
            if (w > 0)
                kc_strlcpy_utf8(e.message, msg, sizeof e.message);
            kc_error_set_rule(&e, id);
            if (kc_diag_add(b->diag, &e))
                no_memory(s);
            bad++;
        } else if (kc_value_copy(&b->arena, when, &r.when_json)) {
            no_memory(s);
            bad++;
        }
        kc_jptr_pop(&s->path, saved);
    }
    const kc_value *bec = get_typed(ro, "because", KC_TYPE_STRING);
    if (bec) {
        size_t saved = path_push(s, "because");
        if (read_template(s, bec, &r.because, "because", id))
            bad++;
        kc_jptr_pop(&s->path, saved);
    }
    const kc_value *adv = get_typed(ro, "advice", KC_TYPE_STRING);
    if (adv) {
        size_t saved = path_push(s, "advice");
        if (read_template(s, adv, &r.advice, "advice", id))
            bad++;
        kc_jptr_pop(&s->path, saved);
    }
    const kc_value *readers = get_typed(ro, "readers", KC_TYPE_OBJECT);
    if (readers) {
        size_t saved = path_push(s, "readers");
        bad += read_readers(s, readers, &r, what, id);
        kc_jptr_pop(&s->path, saved);
    }
    if (bad || !idv)
        return;

    r.id = arena_str(s, idv);
    r.source = arena_str(s, kc_value_get(ro, "source", 6));
    r.file = s->name;
    const kc_pos *pos = kc_doc_pos(s->doc, ro);
    if (pos) {
        r.line = pos->line;
        r.col = pos->col;
    }

    const kc_value *ov = get_typed(ro, "override", KC_TYPE_BOOL);
    int override = ov && kc_value_bool(ov);
    staged_rule *old = find_rule(b, id);
    if (old && !override) {
        if (old->r.file == s->name)
            problem(s, KC_ECONFLICT, idv, 0, "duplicate rule id \"%s\" (first defined at line %u, column %u)",
                    id, old->r.line, old->r.col);
        else
            problem(s, KC_ECONFLICT, idv, 0,
                    "rule \"%s\" is already defined at %s:%u:%u; add \"override\": true to "
                    "replace it",
                    id, old->r.file, old->r.line, old->r.col);
        return;
    }
    if (!old && override) {
        problem(s, KC_ECONFLICT, ov, 0,
                "rule \"%s\" says \"override\": true, but no earlier file defines it; remove "
                "\"override\" to add it as a new rule",
                id);
        return;
    }
    if (old && old->r.file == s->name) {
        problem(s, KC_ECONFLICT, ov, 0,
                "rule \"%s\" overrides a rule of the same file (line %u); a file may not "
                "override itself",
                id, old->r.line);
        return;
    }
    if (old)
        old->dead = 1;
    void *items = b->rules;
    if (kc_mem_grow(b->ctx, &items, &b->cap_rules, b->nrules + 1, sizeof *b->rules)) {
        no_memory(s);
        return;
    }
    b->rules = items;
    b->rules[b->nrules].r = r;
    b->rules[b->nrules].dead = 0;
    if (index_rule(b, b->nrules)) {
        no_memory(s);
        return;
    }
    b->nrules++;
}

static void read_rules(src *s, const kc_value *arr)
{
    for (size_t i = 0; i < kc_value_count(arr) && !s->failed_alloc; i++) {
        const kc_value *ro = kc_value_at(arr, i);
        size_t saved = kc_jptr_push_index(&s->path, i);
        if (kc_value_type(ro) != KC_TYPE_OBJECT)
            problem(s, KC_ESCHEMA, ro, 0, "a rule must be an object, found %s", type_name(ro));
        else
            read_rule(s, ro);
        kc_jptr_pop(&s->path, saved);
    }
}

static void read_source(src *s, const kc_value *root)
{
    static const key_spec specs[] = {
        {"kindctx", T_STRING | REQUIRED}, {"name", T_STRING},      {"version", T_STRING},
        {"description", T_STRING},        {"dimensions", T_ARRAY}, {"verdicts", T_ARRAY},
        {"policy", T_OBJECT},             {"controls", T_ARRAY},   {"rules", T_ARRAY | REQUIRED},
    };
    kc_builder *b = s->b;
    if (kc_value_type(root) != KC_TYPE_OBJECT) {
        problem(s, KC_ESCHEMA, root, 0, "a rule set must be a JSON object, found %s",
                type_name(root));
        return;
    }
    check_keys(s, root, specs, sizeof specs / sizeof specs[0], "the rule set");
    const kc_value *tag = get_typed(root, "kindctx", KC_TYPE_STRING);
    if (tag && strcmp(kc_value_string(tag, NULL), "ruleset/1") != 0) {
        size_t saved = path_push(s, "kindctx");
        problem(s, KC_ESCHEMA, tag, 0,
                "\"kindctx\" is \"%s\"; this library reads \"ruleset/1\"%s",
                kc_value_string(tag, NULL),
                strncmp(kc_value_string(tag, NULL), "scenario/", 9) == 0
                    ? " (this looks like a scenario: pass it as a scenario, not with --rules)"
                    : "");
        kc_jptr_pop(&s->path, saved);
    }
    const kc_value *name = get_typed(root, "name", KC_TYPE_STRING);
    const kc_value *version = get_typed(root, "version", KC_TYPE_STRING);
    if (b->nsources == 0 && (!name || !version))
        problem(s, KC_ESCHEMA, root, 0,
                "the first rule-set file must have a \"name\" and a \"version\"");
    if (name) {
        const char *n = kc_value_string(name, NULL);
        const char *v = version ? kc_value_string(version, NULL) : "";
        if (!b->name) {
            b->name = arena_str(s, name);
            b->version = version ? arena_str(s, version) : "";
        } else {
            size_t ln = strlen(b->name) + strlen(n) + 4, lv = strlen(b->version) + strlen(v) + 4;
            char *nn = kc_arena_alloc(&b->arena, ln), *nv = kc_arena_alloc(&b->arena, lv);
            if (!nn || !nv) {
                no_memory(s);
            } else {
                snprintf(nn, ln, "%s + %s", b->name, n);
                snprintf(nv, lv, "%s + %s", b->version, v);
                b->name = nn;
                b->version = nv;
            }
        }
    }
#define SECTION(key, type, fn)                                     \
    do {                                                           \
        const kc_value *sec_ = get_typed(root, key, type);         \
        if (sec_ && !s->failed_alloc) {                            \
            size_t saved_ = path_push(s, key);                     \
            fn(s, sec_);                                           \
            kc_jptr_pop(&s->path, saved_);                                   \
        }                                                          \
    } while (0)
    SECTION("dimensions", KC_TYPE_ARRAY, read_dimensions);
    SECTION("verdicts", KC_TYPE_ARRAY, read_verdicts);
    SECTION("policy", KC_TYPE_OBJECT, read_policy);
    SECTION("controls", KC_TYPE_ARRAY, read_controls);
    SECTION("rules", KC_TYPE_ARRAY, read_rules);
#undef SECTION
}

/* ---- public: builder ---- */

kc_status kc_builder_create(kc_ctx *ctx, kc_builder **out)
{
    if (!out)
        return KC_EINVAL;
    *out = NULL;
    if (!ctx)
        return KC_EINVAL;
    kc_builder *b = kc_mem_alloc(ctx, sizeof *b);
    if (!b)
        return KC_ENOMEM;
    memset(b, 0, sizeof *b);
    b->ctx = ctx;
    b->diag = kc_diag_new(ctx);
    if (!b->diag) {
        kc_mem_free(ctx, b);
        return KC_ENOMEM;
    }
    kc_arena_init(&b->arena, ctx, 16384, 0);
    *out = b;
    return KC_OK;
}

void kc_builder_free(kc_builder *b)
{
    if (!b)
        return;
    if (!b->spent)
        kc_arena_free(&b->arena);
    kc_mem_free(b->ctx, b->dims);
    kc_mem_free(b->ctx, b->verdicts);
    kc_mem_free(b->ctx, b->controls);
    kc_mem_free(b->ctx, b->rules);
    kc_mem_free(b->ctx, b->ids);
    kc_diag_free(b->diag);
    kc_mem_free(b->ctx, b);
}

const kc_diag *kc_builder_diagnostics(const kc_builder *b)
{
    return b ? b->diag : NULL;
}

/* Records a problem that has no document position. */
static kc_status record(kc_builder *b, kc_status st, const char *source, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static kc_status record(kc_builder *b, kc_status st, const char *source, const char *fmt, ...)
{
    kc_error e;
    kc_error_init(&e, source);
    va_list ap;
    va_start(ap, fmt);
    kc_error_vset(&e, st, fmt, ap);
    va_end(ap);
    if (kc_diag_add(b->diag, &e))
        return KC_ENOMEM;
    return st;
}

/* Problems are found section by section; report them in document order
 * (a stable insertion sort: lists are short and mostly ordered). */
static void sort_by_position(kc_diag *d, size_t from)
{
    for (size_t i = from + 1; i < d->n; i++) {
        kc_error e = d->items[i];
        size_t j = i;
        while (j > from && (d->items[j - 1].line > e.line ||
                            (d->items[j - 1].line == e.line && d->items[j - 1].column > e.column))) {
            d->items[j] = d->items[j - 1];
            j--;
        }
        d->items[j] = e;
    }
}

static kc_status add_doc(kc_builder *b, const kc_doc *doc, const char *source)
{
    size_t before = kc_diag_count(b->diag);
    src s;
    memset(&s, 0, sizeof s);
    s.b = b;
    s.doc = doc;
    s.name = kc_arena_strndup(&b->arena, source, strlen(source));
    if (!s.name)
        return KC_ENOMEM;
    const size_t dropped = b->diag->dropped;
    read_source(&s, kc_doc_root(doc));
    sort_by_position(b->diag, before);
    b->nsources++;
    if (s.failed_alloc) {
        /* What was found after (or because) memory ran out is not a
         * problem of the source: report only KC_ENOMEM. */
        b->diag->n = before;
        b->diag->dropped = dropped;
        return KC_ENOMEM;
    }
    if (kc_diag_count(b->diag) > before)
        return kc_diag_get(b->diag, before)->status;
    return b->diag->dropped ? KC_ESCHEMA : KC_OK;
}

/* Parses text and adds it; parse errors are recorded as the source's problem. */
static kc_status add_text(kc_builder *b, const char *text, size_t len, const char *source)
{
    kc_doc *doc = NULL;
    kc_error err;
    kc_status st = kc_doc_parse(b->ctx, text, len, source, &doc, &err);
    if (st) {
        if (st == KC_ENOMEM)
            return st;
        return kc_diag_add(b->diag, &err) ? KC_ENOMEM : st;
    }
    st = add_doc(b, doc, source);
    kc_doc_free(doc);
    return st;
}

kc_status kc_builder_add_string(kc_builder *b, const char *text, size_t len, const char *source)
{
    if (!b || !text)
        return KC_EINVAL;
    if (b->spent)
        return KC_ESTATE;
    return add_text(b, text, len, source ? source : "<string>");
}

kc_status kc_builder_add_doc(kc_builder *b, const kc_doc *doc)
{
    if (!b || !doc)
        return KC_EINVAL;
    if (b->spent)
        return KC_ESTATE;
    return add_doc(b, doc, doc->source);
}

kc_status kc_builder_add_file(kc_builder *b, const char *path)
{
    if (!b || !path)
        return KC_EINVAL;
    if (b->spent)
        return KC_ESTATE;
    char *data = NULL;
    size_t len = 0;
    kc_error err;
    kc_error_init(&err, path);
    kc_status st = kc_read_file(b->ctx, path, &data, &len, &err);
    if (st) {
        if (st == KC_ENOMEM)
            return st;
        return kc_diag_add(b->diag, &err) ? KC_ENOMEM : st;
    }
    st = add_text(b, data, len, path);
    kc_mem_free(b->ctx, data);
    return st;
}

kc_status kc_builder_add_default(kc_builder *b)
{
    if (!b)
        return KC_EINVAL;
    if (b->spent)
        return KC_ESTATE;
    return add_text(b, (const char *)kc_default_rules_data, kc_default_rules_len,
                    kc_default_rules_name);
}

kc_status kc_builder_build(kc_builder *b, kc_ruleset **out)
{
    if (out)
        *out = NULL;
    if (!b || !out)
        return KC_EINVAL;
    if (b->spent)
        return KC_ESTATE;
    if (kc_diag_count(b->diag) > 0)
        return kc_diag_get(b->diag, 0)->status;
    if (b->nsources == 0)
        return record(b, KC_ESCHEMA, "<rules>", "no rule-set source was added");
    if (b->ndims == 0)
        return record(b, KC_ESCHEMA, "<rules>", "the rule set declares no dimensions");
    if (b->nverdicts == 0)
        return record(b, KC_ESCHEMA, "<rules>", "the rule set declares no verdicts");
    if (!b->has_policy)
        return record(b, KC_ESCHEMA, "<rules>", "the rule set has no \"policy\"");

    kc_ruleset *rs = kc_arena_alloc(&b->arena, sizeof *rs);
    rs_dim *dims = kc_arena_array(&b->arena, b->ndims, sizeof *dims);
    rs_verdict *verdicts = kc_arena_array(&b->arena, b->nverdicts, sizeof *verdicts);
    rs_control *controls =
        b->ncontrols ? kc_arena_array(&b->arena, b->ncontrols, sizeof *controls) : NULL;
    size_t live = 0;
    for (size_t i = 0; i < b->nrules; i++)
        live += !b->rules[i].dead;
    rs_rule *rules = live ? kc_arena_array(&b->arena, live, sizeof *rules) : NULL;
    if (!rs || !dims || !verdicts || (b->ncontrols && !controls) || (live && !rules))
        return KC_ENOMEM;
    memcpy(dims, b->dims, b->ndims * sizeof *dims);
    memcpy(verdicts, b->verdicts, b->nverdicts * sizeof *verdicts);
    if (b->ncontrols)
        memcpy(controls, b->controls, b->ncontrols * sizeof *controls);
    size_t k = 0;
    for (size_t i = 0; i < b->nrules; i++)
        if (!b->rules[i].dead)
            rules[k++] = b->rules[i].r;

    /* Subexpressions repeated across rules are computed once per scenario. */
    jl_node **roots = live ? kc_mem_calloc(b->ctx, live, sizeof *roots) : NULL;
    if (live && !roots)
        return KC_ENOMEM;
    for (size_t i = 0; i < live; i++)
        roots[i] = &rules[i].when;
    kc_status st = kc_jl_share(b->ctx, roots, live, &rs->nmemo);
    if (st == KC_OK)
        st = kc_jl_facts(b->ctx, &b->arena, roots, live, rs->nmemo, &rs->facts, &rs->nfacts);
    kc_mem_free(b->ctx, roots);
    if (st)
        return st;

    rs->ctx = b->ctx;
    rs->name = b->name ? b->name : "";
    rs->version = b->version ? b->version : "";
    rs->dims = dims;
    rs->ndims = (uint32_t)b->ndims;
    rs->verdicts = verdicts;
    rs->nverdicts = (uint32_t)b->nverdicts;
    rs->bands = b->bands;
    rs->nbands = (uint32_t)b->nbands;
    rs->controls = controls;
    rs->ncontrols = (uint32_t)b->ncontrols;
    rs->rules = rules;
    rs->nrules = (uint32_t)live;
    st = kc_rs_index(rs, &b->arena);
    for (size_t i = 0; i < live && st == KC_OK; i++)
        st = kc_jl_prog_build(&b->arena, &rules[i].when, rs->guard_part[i], &rules[i].prog);
    if (st)
        return st;
    rs->intent_dim = kc_rs_find_dim(rs, "intent");
    rs->arena = b->arena; /* the rule set now owns everything */
    b->spent = 1;
    *out = rs;
    return KC_OK;
}

/* ---- public: one-shot loading ---- */

static kc_status load_one(kc_ctx *ctx, const char *path, const char *text, size_t len,
                          const char *source, int use_default, kc_ruleset **out, kc_error *err)
{
    if (out)
        *out = NULL;
    kc_error_init(err, path ? path : source ? source : "<string>");
    if (!ctx || !out || (!path && !text && !use_default))
        return kc_error_set(err, KC_EINVAL, "NULL argument");
    kc_builder *b = NULL;
    kc_status st = kc_builder_create(ctx, &b);
    if (st)
        return kc_error_set(err, st, "%s", kc_strerror(st));
    if (use_default)
        st = kc_builder_add_default(b);
    else if (path)
        st = kc_builder_add_file(b, path);
    else
        st = kc_builder_add_string(b, text, len, source);
    if (st == KC_OK)
        st = kc_builder_build(b, out);
    if (st) {
        const kc_error *first = kc_diag_get(b->diag, 0);
        if (first && err && st != KC_ENOMEM)
            *err = *first;
        else
            kc_error_set(err, st, "%s", kc_strerror(st));
    }
    kc_builder_free(b);
    return st;
}

kc_status kc_ruleset_load_file(kc_ctx *ctx, const char *path, kc_ruleset **out, kc_error *err)
{
    if (!path) {
        if (out)
            *out = NULL;
        return kc_error_set(err, KC_EINVAL, "NULL path");
    }
    return load_one(ctx, path, NULL, 0, NULL, 0, out, err);
}

kc_status kc_ruleset_load_string(kc_ctx *ctx, const char *text, size_t len, const char *source,
                                 kc_ruleset **out, kc_error *err)
{
    if (!text) {
        if (out)
            *out = NULL;
        return kc_error_set(err, KC_EINVAL, "NULL text");
    }
    return load_one(ctx, NULL, text, len, source ? source : "<string>", 0, out, err);
}

kc_status kc_ruleset_load_default(kc_ctx *ctx, kc_ruleset **out, kc_error *err)
{
    return load_one(ctx, NULL, NULL, 0, kc_default_rules_name, 1, out, err);
}

void kc_ruleset_free(kc_ruleset *rs)
{
    if (!rs)
        return;
    kc_arena arena = rs->arena;
    kc_arena_free(&arena);
}

/* ---- public: introspection ---- */

int32_t kc_rs_find_dim(const kc_ruleset *rs, const char *id)
{
    for (uint32_t i = 0; i < rs->ndims; i++)
        if (strcmp(rs->dims[i].id, id) == 0)
            return (int32_t)i;
    return -1;
}

int32_t kc_rs_find_verdict(const kc_ruleset *rs, const char *id)
{
    for (uint32_t i = 0; i < rs->nverdicts; i++)
        if (strcmp(rs->verdicts[i].id, id) == 0)
            return (int32_t)i;
    return -1;
}

uint32_t kc_rs_decide(const kc_ruleset *rs, double total, int32_t worst_veto, uint32_t *band)
{
    uint32_t bi = rs->nbands - 1;
    for (uint32_t i = 0; i < rs->nbands; i++) {
        if (!rs->bands[i].has_min || total >= rs->bands[i].min) {
            bi = i;
            break;
        }
    }
    if (band)
        *band = bi;
    uint32_t v = rs->bands[bi].verdict;
    if (worst_veto >= 0 && (uint32_t)worst_veto > v)
        v = (uint32_t)worst_veto;
    return v;
}

const char *kc_ruleset_name(const kc_ruleset *rs)
{
    return rs ? rs->name : NULL;
}

const char *kc_ruleset_version(const kc_ruleset *rs)
{
    return rs ? rs->version : NULL;
}

size_t kc_ruleset_dimension_count(const kc_ruleset *rs)
{
    return rs ? rs->ndims : 0;
}

const char *kc_ruleset_dimension_id(const kc_ruleset *rs, size_t i)
{
    return rs && i < rs->ndims ? rs->dims[i].id : NULL;
}

const char *kc_ruleset_dimension_label(const kc_ruleset *rs, size_t i)
{
    return rs && i < rs->ndims ? rs->dims[i].label : NULL;
}

size_t kc_ruleset_verdict_count(const kc_ruleset *rs)
{
    return rs ? rs->nverdicts : 0;
}

const char *kc_ruleset_verdict_id(const kc_ruleset *rs, size_t i)
{
    return rs && i < rs->nverdicts ? rs->verdicts[i].id : NULL;
}

const char *kc_ruleset_verdict_label(const kc_ruleset *rs, size_t i)
{
    return rs && i < rs->nverdicts ? rs->verdicts[i].label : NULL;
}

size_t kc_ruleset_rule_count(const kc_ruleset *rs)
{
    return rs ? rs->nrules : 0;
}

static void fill_info(const kc_ruleset *rs, const rs_rule *r, kc_rule_info *out)
{
    out->id = r->id;
    out->dimension = rs->dims[r->dim].id;
    out->weight = r->weight;
    out->veto = r->veto >= 0 ? rs->verdicts[r->veto].id : NULL;
    out->because = r->because.text;
    out->advice = r->advice.text;
    out->source = r->source;
    out->when = &r->when_json;
    out->file = r->file;
    out->line = r->line;
    out->column = r->col;
}

kc_status kc_ruleset_rule(const kc_ruleset *rs, size_t i, kc_rule_info *out)
{
    if (!rs || !out)
        return KC_EINVAL;
    if (i >= rs->nrules)
        return KC_ENOTFOUND;
    fill_info(rs, &rs->rules[i], out);
    return KC_OK;
}

kc_status kc_ruleset_find_rule(const kc_ruleset *rs, const char *id, kc_rule_info *out)
{
    if (!rs || !id || !out)
        return KC_EINVAL;
    for (uint32_t i = 0; i < rs->nrules; i++)
        if (strcmp(rs->rules[i].id, id) == 0) {
            fill_info(rs, &rs->rules[i], out);
            return KC_OK;
        }
    return KC_ENOTFOUND;
}
