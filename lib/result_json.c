/* result_json.c - a result as JSON, in the documented, stable shape
 * (docs/results.md). The result is first built as a kc_value tree in the
 * result's text arena, then written by json_write, so compact and indented
 * output share one definition of the shape. */
#include <math.h>
#include <string.h>

#include "json_write.h"
#include "mem.h"
#include "result.h"

typedef struct jb {
    kc_arena *a;
    int oom;
} jb;

/* Strings from the rule set and the result outlive the JSON text we write,
 * so they are referenced, not copied. */
static kc_value jstr(jb *j, const char *s)
{
    (void)j;
    return s ? kc_v_str(s, (uint32_t)strlen(s)) : kc_v_null();
}

/* An object under construction with room for cap members. */
typedef struct jobj {
    kc_member *m;
    uint32_t n, cap;
} jobj;

static jobj obj_new(jb *j, uint32_t cap)
{
    jobj o = {NULL, 0, cap};
    if (cap) {
        o.m = kc_arena_array(j->a, cap, sizeof *o.m);
        if (!o.m)
            j->oom = 1;
    }
    return o;
}

static void put(jobj *o, const char *key, kc_value v)
{
    if (!o->m || o->n >= o->cap)
        return;
    kc_member *m = &o->m[o->n++];
    m->key = key;
    m->klen = (uint32_t)strlen(key);
    m->khash = 0; /* written, never looked up */
    m->val = v;
}

static kc_value obj_value(jobj *o)
{
    return kc_v_obj(o->m, o->n);
}

static kc_value *arr_new(jb *j, size_t n)
{
    if (n == 0)
        return NULL;
    kc_value *items = kc_arena_array(j->a, n, sizeof *items);
    if (!items)
        j->oom = 1;
    return items;
}

static kc_value num(double d)
{
    /* Scores are sums of weights; keep -0 out of the output. */
    return kc_v_num(d == 0 ? 0 : d);
}

static kc_value margin(jb *j, const kc_result *res)
{
    const kc_ruleset *rs = res->rs;
    jobj m = obj_new(j, 3);
    const rs_band *band = &rs->bands[res->band];
    if (res->band > 0) {
        jobj up = obj_new(j, 2);
        put(&up, "verdict", jstr(j, rs->verdicts[rs->bands[res->band - 1].verdict].id));
        put(&up, "points", num(rs->bands[res->band - 1].min - res->total));
        put(&m, "up", obj_value(&up));
    } else {
        put(&m, "up", kc_v_null());
    }
    if (band->has_min && res->band + 1 < rs->nbands) {
        jobj down = obj_new(j, 2);
        put(&down, "verdict", jstr(j, rs->verdicts[rs->bands[res->band + 1].verdict].id));
        put(&down, "points", num(res->total - band->min));
        put(&m, "down", obj_value(&down));
    } else {
        put(&m, "down", kc_v_null());
    }
    int veto_decides = res->worst_veto >= 0 && (uint32_t)res->worst_veto == res->verdict &&
                       band->verdict != res->verdict;
    put(&m, "veto", veto_decides ? jstr(j, rs->rules[res->veto_rule].id) : kc_v_null());
    return obj_value(&m);
}

const char *kc_res_withdraw(kc_result *res);

static kc_value strings(jb *j, const char *const *items, size_t n)
{
    kc_value *arr = arr_new(j, n);
    for (size_t i = 0; i < n && arr; i++)
        arr[i] = jstr(j, items[i]);
    return kc_v_arr(arr, (uint32_t)n);
}

static kc_value changes(jb *j, kc_result *res)
{
    jobj o = obj_new(j, 3);
    kc_value *opts = arr_new(j, res->nchanges);
    for (size_t i = 0; i < res->nchanges && opts; i++) {
        const res_change *ch = &res->changes[i];
        jobj c = obj_new(j, 4);
        put(&c, "steps", strings(j, ch->steps, ch->nsteps));
        put(&c, "facts", strings(j, ch->facts, ch->nsteps));
        put(&c, "verdict", jstr(j, res->rs->verdicts[ch->verdict].id));
        put(&c, "flips", strings(j, ch->flipped, ch->nflipped));
        opts[i] = obj_value(&c);
    }
    put(&o, "options", kc_v_arr(opts, (uint32_t)res->nchanges));
    put(&o, "blocked_by", jstr(j, res->change_blocker));
    put(&o, "withdraw", jstr(j, kc_res_withdraw(res)));
    return obj_value(&o);
}

static kc_value build(jb *j, kc_result *res, unsigned flags)
{
    const kc_ruleset *rs = res->rs;
    kc_res_sort_fired(res);
    jobj root = obj_new(j, 16);

    const kc_value *id = kc_value_get(res->scenario, "id", 2);
    put(&root, "scenario", kc_value_type(id) == KC_TYPE_STRING ? *id : kc_v_null());
    jobj rsobj = obj_new(j, 2);
    put(&rsobj, "name", jstr(j, rs->name));
    put(&rsobj, "version", jstr(j, rs->version));
    put(&root, "ruleset", obj_value(&rsobj));
    put(&root, "verdict", jstr(j, rs->verdicts[res->verdict].id));
    put(&root, "label", jstr(j, rs->verdicts[res->verdict].label));
    put(&root, "score", num(res->total));

    jobj dims = obj_new(j, rs->ndims);
    for (uint32_t i = 0; i < rs->ndims; i++)
        put(&dims, rs->dims[i].id, num(res->dims[i]));
    put(&root, "dimensions", obj_value(&dims));

    kc_value *fired = arr_new(j, res->nfired);
    size_t nvetoes = 0;
    for (size_t i = 0; i < res->nfired && fired; i++) {
        const rs_rule *r = &rs->rules[res->fired[i].rule];
        if (kc_res_render(res, i)) {
            j->oom = 1;
            break;
        }
        jobj f = obj_new(j, 7);
        put(&f, "rule", jstr(j, r->id));
        put(&f, "dimension", jstr(j, rs->dims[r->dim].id));
        put(&f, "weight", num(r->weight));
        put(&f, "veto", r->veto >= 0 ? jstr(j, rs->verdicts[r->veto].id) : kc_v_null());
        put(&f, "because", jstr(j, res->because[i]));
        put(&f, "advice", jstr(j, res->advice[i]));
        if (res->reader == KC_READER_AUTHOR)
            put(&f, "trace", jstr(j, res->trace[i]));
        fired[i] = obj_value(&f);
        nvetoes += r->veto >= 0;
    }
    put(&root, "fired", kc_v_arr(fired, (uint32_t)res->nfired));

    kc_value *vetoes = arr_new(j, nvetoes);
    size_t k = 0;
    for (size_t i = 0; i < res->nfired && vetoes; i++) {
        const rs_rule *r = &rs->rules[res->fired[i].rule];
        if (r->veto < 0)
            continue;
        jobj v = obj_new(j, 2);
        put(&v, "rule", jstr(j, r->id));
        put(&v, "verdict", jstr(j, rs->verdicts[r->veto].id));
        vetoes[k++] = obj_value(&v);
    }
    put(&root, "vetoes", kc_v_arr(vetoes, (uint32_t)k));

    kc_value *und = arr_new(j, res->nundecided);
    for (size_t i = 0; i < res->nundecided && und; i++) {
        const res_undecided *u = &res->undecided[i];
        const rs_rule *r = &rs->rules[u->rule];
        kc_value *needs = arr_new(j, u->count);
        uint32_t nn = 0;
        for (uint32_t m = 0; m < u->count && needs; m++) {
            const jl_node *node = res->missing[u->first + m];
            const char *fact = node->u.path.text && !(node->flags & JL_F_DYNPATH)
                                   ? node->u.path.text
                                   : "(a computed path)";
            int seen = 0;
            for (uint32_t q = 0; q < nn && !seen; q++)
                seen = strcmp(needs[q].u.str, fact) == 0;
            if (!seen)
                needs[nn++] = jstr(j, fact);
        }
        jobj o = obj_new(j, 4);
        put(&o, "rule", jstr(j, r->id));
        put(&o, "dimension", jstr(j, rs->dims[r->dim].id));
        put(&o, "weight", num(r->weight));
        put(&o, "needs", kc_v_arr(needs, nn));
        und[i] = obj_value(&o);
    }
    put(&root, "undecided", kc_v_arr(und, (uint32_t)res->nundecided));

    kc_value *qs = arr_new(j, res->nquestions);
    for (size_t i = 0; i < res->nquestions && qs; i++) {
        const res_question *q = &res->questions[i];
        jobj o = obj_new(j, 4);
        put(&o, "fact", jstr(j, q->fact));
        put(&o, "rules", num(q->rules));
        put(&o, "weight", num(q->weight));
        put(&o, "could_be", q->could_be >= 0 ? jstr(j, rs->verdicts[q->could_be].id) : kc_v_null());
        qs[i] = obj_value(&o);
    }
    put(&root, "questions", kc_v_arr(qs, (uint32_t)res->nquestions));

    put(&root, "margin", margin(j, res));

    kc_value *probs = arr_new(j, res->nproblems);
    for (size_t i = 0; i < res->nproblems && probs; i++) {
        jobj o = obj_new(j, 2);
        put(&o, "rule", jstr(j, rs->rules[res->problems[i].rule].id));
        put(&o, "error", jstr(j, res->problems[i].type));
        probs[i] = obj_value(&o);
    }
    put(&root, "problems", kc_v_arr(probs, (uint32_t)res->nproblems));

    double iscore;
    const char *reading = kc_result_intent(res, &iscore);
    if (reading) {
        jobj in = obj_new(j, 2);
        put(&in, "reading", jstr(j, reading));
        put(&in, "score", num(iscore));
        put(&root, "intent", obj_value(&in));
    } else {
        put(&root, "intent", kc_v_null());
    }
    put(&root, "reader", jstr(j, kc_reader_name(res->reader)));
    if (flags & KC_JSON_CHANGES)
        put(&root, "changes", changes(j, res));

    const char *summary = kc_result_summary(res);
    if (!summary)
        j->oom = 1;
    put(&root, "summary", jstr(j, summary));
    return obj_value(&root);
}

/* KC_JSON_BRIEF: the verdict and the ids of the fired rules, written
 * directly - no explanation is rendered, no tree is built. */
static kc_status write_brief(kc_result *res, kc_buf *b)
{
    const kc_ruleset *rs = res->rs;
    kc_res_sort_fired(res);
    const kc_value *id = kc_value_get(res->scenario, "id", 2);
    kc_buf_puts(b, "{\"scenario\":");
    if (kc_value_type(id) == KC_TYPE_STRING)
        kc_json_write_string(b, id->u.str, id->n);
    else
        kc_buf_puts(b, "null");
    kc_buf_puts(b, ",\"verdict\":");
    kc_json_write_string(b, rs->verdicts[res->verdict].id, strlen(rs->verdicts[res->verdict].id));
    char num[KC_NUM_BUF];
    kc_buf_puts(b, ",\"score\":");
    kc_buf_append(b, num, kc_format_number(res->total == 0 ? 0 : res->total, num));
    kc_buf_puts(b, ",\"fired\":[");
    for (size_t i = 0; i < res->nfired; i++) {
        const char *rid = rs->rules[res->fired[i].rule].id;
        if (i)
            kc_buf_putc(b, ',');
        kc_json_write_string(b, rid, strlen(rid));
    }
    kc_buf_puts(b, "]}");
    return b->failed ? KC_ENOMEM : KC_OK;
}

/* Writes the result as JSON into b (appending). */
static kc_status write_json(kc_result *res, unsigned flags, kc_buf *b)
{
    if (flags & KC_JSON_BRIEF)
        return write_brief(res, b);
    /* Render every text first: they must outlive the rewind below. */
    kc_res_sort_fired(res);
    for (size_t i = 0; i < res->nfired; i++)
        if (kc_res_render(res, i) || (res->reader == KC_READER_AUTHOR && !kc_res_trace(res, i)))
            return KC_ENOMEM;
    if (!kc_result_summary(res))
        return KC_ENOMEM;
    if ((flags & KC_JSON_CHANGES) && kc_res_changes(res) == KC_ENOMEM)
        return KC_ENOMEM;
    jb j = {&res->text, 0};
    kc_arena_mark mark = kc_arena_get_mark(&res->text);
    kc_value v = build(&j, res, flags);
    if (j.oom) {
        kc_arena_rewind(&res->text, mark);
        return KC_ENOMEM;
    }
    int bad = (flags & KC_JSON_PRETTY) ? kc_json_write_pretty(b, &v, 0) : kc_json_write(b, &v);
    /* The tree itself is not needed any more; the rendered texts it points
     * to were made before the mark and stay. */
    kc_arena_rewind(&res->text, mark);
    return bad ? KC_ENOMEM : KC_OK;
}

kc_status kc_result_to_json(kc_result *res, unsigned flags, char **out, size_t *len)
{
    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    if (!res || !out)
        return KC_EINVAL;
    if (!res->evaluated)
        return KC_ESTATE;
    kc_buf b;
    kc_buf_init(&b, res->ctx);
    kc_status st = write_json(res, flags, &b);
    if (st == KC_OK) {
        *out = kc_buf_detach(&b, len);
        if (!*out)
            st = KC_ENOMEM;
    }
    kc_buf_free(&b);
    return st;
}

const char *kc_result_json(kc_result *res, unsigned flags, size_t *len)
{
    if (len)
        *len = 0;
    if (!res || !res->evaluated)
        return NULL;
    /* The result's own buffer: kept between evaluations, so a batch writes
     * its lines without allocating once it has grown to fit. */
    kc_buf_reset(&res->json);
    if (write_json(res, flags, &res->json) != KC_OK)
        return NULL;
    if (len)
        *len = res->json.len;
    return kc_buf_cstr(&res->json);
}
