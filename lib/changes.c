/* changes.c - what would make it land as kind: a bounded search over the
 * changes the giver controls.
 *
 * The rule set declares the facts a giver controls ("controls": asking first,
 * deciding together, choosing an act that meets the stated need, ...). The
 * receiver's facts - allergies, history, what they asked for - are never
 * changed. The search:
 *   1. keeps the controls that apply: their "when" holds for the scenario,
 *      and their value differs from the scenario's (nothing to suggest
 *      otherwise); "withdraw" controls (not acting at all) are reported apart,
 *      since no verdict of an act that does not happen can be computed;
 *   2. tries every set of 1, then 2, ... up to MAX_SET of them, in declaration order,
 *      skipping sets that contain a set already found, and evaluates the
 *      scenario with those facts changed;
 *   3. keeps the sets that reach the best verdict, with the rules whose
 *      firing they flip, up to MAX_OPTIONS, within MAX_EVALS evaluations.
 * When none is found and a veto still stands with every applicable change
 * made, that veto's rule is reported as the blocker. The search is
 * deterministic: same rule set and scenario, same answer. */
#include <string.h>

#include "mem.h"
#include "result.h"

#define MAX_SET 5
#define MAX_EVALS 2048
#define MAX_OPTIONS 3
#define MAX_CONTROLS 64

/* Returns a copy of root with the value at segs[0..n) replaced by v, sharing
 * every untouched part; NULL when out of memory. Missing objects on the way
 * are created. */
static const kc_value *with_fact(kc_arena *a, const kc_value *root, const jl_seg *segs,
                                 uint32_t n, const kc_value *v)
{
    kc_value *out = kc_arena_alloc(a, sizeof *out);
    if (!out)
        return NULL;
    if (n == 0) {
        *out = *v;
        return out;
    }
    uint32_t count = root && root->type == KC_TYPE_OBJECT ? root->n : 0;
    kc_member *m = kc_arena_array(a, (size_t)count + 1, sizeof *m);
    if (!m)
        return NULL;
    if (count)
        memcpy(m, root->u.members, count * sizeof *m);
    uint32_t at = count;
    for (uint32_t i = 0; i < count; i++)
        if (m[i].khash == segs[0].hash && m[i].klen == segs[0].len &&
            memcmp(m[i].key, segs[0].key, segs[0].len) == 0)
            at = i;
    const kc_value *child = at < count ? &m[at].val : NULL;
    const kc_value *nv = with_fact(a, child, segs + 1, n - 1, v);
    if (!nv)
        return NULL;
    if (at == count) {
        m[at].key = segs[0].key;
        m[at].klen = segs[0].len;
        m[at].khash = segs[0].hash;
        count++;
    }
    m[at].val = *nv;
    *out = kc_v_obj(m, count);
    return out;
}

/* The value control c would set, or NULL when it has none to offer here. */
static const kc_value *proposed(const rs_control *c, const kc_value *scenario)
{
    const kc_value *v = c->from ? kc_tmpl_lookup(scenario, c->from_segs, c->nfrom) : &c->value;
    if (!v)
        return NULL;
    const kc_value *now = kc_tmpl_lookup(scenario, c->segs, c->nsegs);
    if (now && now->type == v->type && kc_equal(now, v))
        return NULL; /* already so */
    return v;
}

typedef struct search {
    kc_result *res;
    const kc_ruleset *rs;
    uint32_t applicable[MAX_CONTROLS];
    const kc_value *values[MAX_CONTROLS];
    uint32_t napplicable;
    unsigned char *fired0; /* per rule: fired in the original result */
    uint32_t found[MAX_OPTIONS][MAX_SET];
    uint32_t found_size[MAX_OPTIONS];
    size_t evals;
} search;

/* Whether the set (indices into applicable) contains an option already found. */
static int covers_found(const search *sr, const uint32_t *set, uint32_t k)
{
    for (size_t f = 0; f < sr->res->nchanges; f++) {
        uint32_t hits = 0;
        for (uint32_t i = 0; i < sr->found_size[f]; i++)
            for (uint32_t j = 0; j < k; j++)
                hits += sr->found[f][i] == set[j];
        if (hits == sr->found_size[f])
            return 1;
    }
    return 0;
}

/* Two controls of one set must not set the same fact. */
static int conflicting(const search *sr, const uint32_t *set, uint32_t k)
{
    for (uint32_t i = 0; i < k; i++)
        for (uint32_t j = i + 1; j < k; j++)
            if (strcmp(sr->rs->controls[sr->applicable[set[i]]].fact,
                       sr->rs->controls[sr->applicable[set[j]]].fact) == 0)
                return 1;
    return 0;
}

static kc_status record(search *sr, const uint32_t *set, uint32_t k)
{
    kc_result *res = sr->res, *probe = res->probe;
    const kc_ruleset *rs = sr->rs;
    kc_arena *a = &res->text;
    res_change *ch = &res->changes[res->nchanges];
    ch->nsteps = k;
    ch->steps = kc_arena_array(a, k, sizeof *ch->steps);
    ch->facts = kc_arena_array(a, k, sizeof *ch->facts);
    if (!ch->steps || !ch->facts)
        return KC_ENOMEM;
    for (uint32_t i = 0; i < k; i++) {
        const rs_control *c = &rs->controls[sr->applicable[set[i]]];
        ch->steps[i] = c->label;
        ch->facts[i] = c->fact;
    }
    ch->verdict = probe->verdict;
    /* The rules whose firing differs: fired now but not before, or before
     * but not now. */
    unsigned char *now = kc_arena_alloc(a, rs->nrules ? rs->nrules : 1);
    if (!now)
        return KC_ENOMEM;
    memset(now, 0, rs->nrules);
    for (size_t i = 0; i < probe->nfired; i++)
        now[probe->fired[i].rule] = 1;
    size_t n = 0;
    for (uint32_t r = 0; r < rs->nrules; r++)
        n += now[r] != sr->fired0[r];
    ch->flipped = n ? kc_arena_array(a, n, sizeof *ch->flipped) : NULL;
    if (n && !ch->flipped)
        return KC_ENOMEM;
    ch->nflipped = 0;
    for (uint32_t r = 0; r < rs->nrules; r++)
        if (now[r] != sr->fired0[r])
            ch->flipped[ch->nflipped++] = rs->rules[r].id;
    memcpy(sr->found[res->nchanges], set, k * sizeof *set);
    sr->found_size[res->nchanges] = k;
    res->nchanges++;
    return KC_OK;
}

/* Evaluates the scenario with the controls of set applied. */
static kc_status try_set(search *sr, const uint32_t *set, uint32_t k, int *reached)
{
    kc_result *res = sr->res;
    kc_arena_mark mark = kc_arena_get_mark(&res->text);
    const kc_value *scn = res->scenario;
    for (uint32_t i = 0; i < k && scn; i++) {
        const rs_control *c = &sr->rs->controls[sr->applicable[set[i]]];
        scn = with_fact(&res->text, scn, c->segs, c->nsegs, sr->values[set[i]]);
    }
    if (!scn)
        return KC_ENOMEM;
    sr->evals++;
    kc_status st = kc_evaluate(sr->rs, scn, res->probe, NULL);
    *reached = st == KC_OK && res->probe->verdict == 0;
    if (st == KC_OK && *reached)
        st = record(sr, set, k);
    else
        kc_arena_rewind(&res->text, mark); /* the changed scenario is not kept */
    return st;
}

/* Sets of size k in lexicographic order, starting from set[0..k). */
static kc_status sets_of(search *sr, uint32_t k)
{
    uint32_t set[MAX_SET];
    uint32_t n = sr->napplicable;
    if (k > n)
        return KC_OK;
    for (uint32_t i = 0; i < k; i++)
        set[i] = i;
    for (;;) {
        if (sr->res->nchanges >= MAX_OPTIONS || sr->evals >= MAX_EVALS)
            return KC_OK;
        if (!covers_found(sr, set, k) && !conflicting(sr, set, k)) {
            int reached;
            kc_status st = try_set(sr, set, k, &reached);
            if (st)
                return st;
        }
        /* Next combination. */
        int i = (int)k - 1;
        while (i >= 0 && set[i] == n - k + (uint32_t)i)
            i--;
        if (i < 0)
            return KC_OK;
        set[i]++;
        for (uint32_t j = (uint32_t)i + 1; j < k; j++)
            set[j] = set[j - 1] + 1;
    }
}

kc_status kc_res_changes(kc_result *res)
{
    if (res->changes_done)
        return res->changes_status;
    const kc_ruleset *rs = res->rs;
    res->nchanges = 0;
    res->change_blocker = NULL;
    kc_status st = KC_OK;
    search sr;
    memset(&sr, 0, sizeof sr);
    sr.res = res;
    sr.rs = rs;
    if (!res->probe)
        st = kc_result_create(res->ctx, &res->probe);
    if (st == KC_OK) {
        res->changes = kc_arena_array(&res->text, MAX_OPTIONS, sizeof *res->changes);
        sr.fired0 = kc_arena_alloc(&res->text, rs->nrules ? rs->nrules : 1);
        if (!res->changes || !sr.fired0)
            st = KC_ENOMEM;
    }
    if (st == KC_OK && res->verdict != 0) {
        memset(sr.fired0, 0, rs->nrules);
        for (size_t i = 0; i < res->nfired; i++)
            sr.fired0[res->fired[i].rule] = 1;
        jl_scope root = {res->scenario, NULL};
        for (uint32_t c = 0; c < rs->ncontrols && sr.napplicable < MAX_CONTROLS; c++) {
            const rs_control *ctl = &rs->controls[c];
            if (ctl->withdraw)
                continue;
            if (ctl->has_when) {
                kc_status ws = KC_OK;
                int t = kc_jl_test(&res->st, &ctl->when, &root, &ws);
                if (t == KC_TV_ERROR && ws != KC_ETHROWN) {
                    st = ws;
                    break;
                }
                if (t != KC_TV_TRUE)
                    continue;
            }
            const kc_value *v = proposed(ctl, res->scenario);
            if (!v)
                continue;
            sr.applicable[sr.napplicable] = c;
            sr.values[sr.napplicable] = v;
            sr.napplicable++;
        }
        for (uint32_t k = 1; k <= MAX_SET && st == KC_OK; k++)
            st = sets_of(&sr, k);
        if (st == KC_OK && res->nchanges == 0 && sr.napplicable > 0) {
            /* With every applicable change made, does a veto still stand? */
            uint32_t all[MAX_CONTROLS];
            uint32_t k = 0;
            const kc_value *scn = res->scenario;
            kc_arena_mark mark = kc_arena_get_mark(&res->text);
            for (uint32_t i = 0; i < sr.napplicable && scn; i++) {
                const rs_control *c = &rs->controls[sr.applicable[i]];
                int dup = 0;
                for (uint32_t j = 0; j < k; j++)
                    dup |= strcmp(rs->controls[sr.applicable[all[j]]].fact, c->fact) == 0;
                if (dup)
                    continue;
                all[k++] = i;
                scn = with_fact(&res->text, scn, c->segs, c->nsegs, sr.values[i]);
            }
            if (!scn)
                st = KC_ENOMEM;
            else
                st = kc_evaluate(rs, scn, res->probe, NULL);
            if (st == KC_OK && res->probe->veto_rule >= 0)
                res->change_blocker = rs->rules[res->probe->veto_rule].id;
            kc_arena_rewind(&res->text, mark);
        } else if (st == KC_OK && res->nchanges == 0 && res->veto_rule >= 0) {
            /* Nothing the giver controls applies, and a veto stands. */
            res->change_blocker = rs->rules[res->veto_rule].id;
        }
    }
    if (st)
        res->nchanges = 0;
    res->changes_done = 1;
    res->changes_status = st;
    return st;
}

/* The label of an applicable "withdraw" control (not acting at all), or NULL. */
const char *kc_res_withdraw(kc_result *res);
const char *kc_res_withdraw(kc_result *res)
{
    const kc_ruleset *rs = res->rs;
    jl_scope root = {res->scenario, NULL};
    for (uint32_t c = 0; c < rs->ncontrols; c++) {
        const rs_control *ctl = &rs->controls[c];
        if (!ctl->withdraw)
            continue;
        if (ctl->has_when) {
            kc_status ws = KC_OK;
            if (kc_jl_test(&res->st, &ctl->when, &root, &ws) != KC_TV_TRUE)
                continue;
        }
        return ctl->label;
    }
    return NULL;
}

size_t kc_result_change_count(kc_result *res, kc_status *status)
{
    if (status)
        *status = KC_OK;
    if (!res || !res->evaluated) {
        if (status)
            *status = res ? KC_ESTATE : KC_EINVAL;
        return 0;
    }
    kc_status st = kc_res_changes(res);
    if (status)
        *status = st;
    return res->nchanges;
}

kc_status kc_result_change(const kc_result *res, size_t i, kc_change *out)
{
    if (!res || !out)
        return KC_EINVAL;
    if (!res->evaluated || !res->changes_done || i >= res->nchanges)
        return KC_ENOTFOUND;
    const res_change *ch = &res->changes[i];
    out->nsteps = ch->nsteps;
    out->steps = ch->steps;
    out->facts = ch->facts;
    out->verdict = res->rs->verdicts[ch->verdict].id;
    out->nflipped = ch->nflipped;
    out->flipped = ch->flipped;
    return KC_OK;
}

const char *kc_result_change_blocker(const kc_result *res)
{
    return res && res->evaluated && res->changes_done ? res->change_blocker : NULL;
}
