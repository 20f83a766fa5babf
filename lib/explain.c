/* explain.c - turning what evaluation found into words, only when asked.
 *
 * Explanations are rendered lazily: a batch that only wants verdicts never
 * pays for text. Everything rendered lives in the result's text arena and is
 * valid until the next evaluation into the same result. */
#include <string.h>

#include "error.h"
#include "mem.h"
#include "result.h"

/* Renders t against the scenario into res->text. */
static const char *render(kc_result *res, const kc_tmpl *t)
{
    kc_buf_reset(&res->buf);
    if (kc_tmpl_render(t, res->scenario, &res->buf))
        return NULL;
    const char *s = kc_buf_cstr(&res->buf);
    if (!s)
        return NULL;
    return kc_res_strdup(res, s, res->buf.len);
}

int kc_res_render(kc_result *res, size_t i)
{
    const rs_rule *r = &res->rs->rules[res->fired[i].rule];
    if (!res->because[i]) {
        res->because[i] = render(res, &r->because);
        if (!res->because[i])
            return -1;
    }
    if (!res->advice[i] && r->advice.text) {
        res->advice[i] = render(res, &r->advice);
        if (!res->advice[i])
            return -1;
    }
    return 0;
}

/* Appends a sentence, upper-casing its first letter (ASCII) and making sure
 * it ends with a full stop. */
static void sentence(kc_buf *b, const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n'))
        n--;
    if (n == 0)
        return;
    if (b->len > 0)
        kc_buf_putc(b, ' ');
    char first = s[0];
    if (first >= 'a' && first <= 'z')
        first = (char)(first - 'a' + 'A');
    kc_buf_putc(b, first);
    kc_buf_append(b, s + 1, n - 1);
    char last = s[n - 1];
    if (last != '.' && last != '!' && last != '?')
        kc_buf_putc(b, '.');
}

/* Appends "<label>: <because>" for fired rule i (rendered first). */
static int factor(kc_result *res, size_t i, kc_buf *b, const char *lead)
{
    if (kc_res_render(res, i))
        return -1;
    const rs_rule *r = &res->rs->rules[res->fired[i].rule];
    if (b->len > 0)
        kc_buf_putc(b, ' ');
    kc_buf_printf(b, "%s (%s): ", lead, res->rs->dims[r->dim].label);
    size_t mark = b->len;
    sentence(b, res->because[i]);
    /* sentence() put a space first when the buffer was not empty; drop it. */
    if (b->len > mark && b->data[mark] == ' ')
        memmove(b->data + mark, b->data + mark + 1, b->len - mark), b->len--;
    return 0;
}

/* The verdict's side of the scale: the best verdict leads with what speaks
 * for the act, every other verdict with what speaks against it. */
static int leads_positive(const kc_result *res)
{
    return res->verdict == 0;
}

static int scored(const kc_result *res, size_t i)
{
    return res->rs->dims[res->rs->rules[res->fired[i].rule].dim].scored;
}

static double weight_of(const kc_result *res, size_t i)
{
    return res->rs->rules[res->fired[i].rule].weight;
}

static const char *compose(kc_result *res)
{
    const kc_ruleset *rs = res->rs;
    kc_res_sort_fired(res);
    kc_buf *b = &res->sum;
    kc_buf_reset(b);
    sentence(b, rs->verdicts[res->verdict].label);

    int pos = leads_positive(res);
    size_t shown = 0;
    int veto_decides = res->worst_veto >= 0 && (uint32_t)res->worst_veto == res->verdict &&
                       rs->bands[res->band].verdict != res->verdict;
    if (veto_decides) {
        for (size_t i = 0; i < res->nfired; i++)
            if (res->fired[i].rule == (uint32_t)res->veto_rule) {
                if (factor(res, i, b, "Deciding factor"))
                    return NULL;
                shown++;
            }
    }
    /* The strongest one or two rules on the verdict's side. */
    for (size_t i = 0; i < res->nfired && shown < 2; i++) {
        if (!scored(res, i) || res->fired[i].rule == (uint32_t)res->veto_rule)
            continue;
        double w = weight_of(res, i);
        if ((pos && w > 0) || (!pos && w < 0)) {
            if (factor(res, i, b, shown ? "Also" : "Deciding factor"))
                return NULL;
            shown++;
        }
    }
    /* The strongest rule on the other side, if any. */
    for (size_t i = 0; i < res->nfired; i++) {
        if (!scored(res, i))
            continue;
        double w = weight_of(res, i);
        if ((pos && w < 0) || (!pos && w > 0)) {
            if (factor(res, i, b, "On the other side"))
                return NULL;
            break;
        }
    }
    /* Readings kept apart from the score (e.g. the giver's intent). */
    for (size_t i = 0; i < res->nfired; i++) {
        if (scored(res, i))
            continue;
        if (factor(res, i, b, "Apart from the score"))
            return NULL;
        break;
    }
    if (res->nfired == 0)
        sentence(b, "No rule found anything that bears on it either way");
    /* What could still change it: the facts grouped by the verdict they
     * could lead to, most decisive first (questions are already ranked). */
    size_t groups = 0;
    for (size_t q = 0; q < res->nquestions && groups < 3; q++) {
        int32_t v = res->questions[q].could_be;
        int done = v < 0;
        for (size_t k = 0; k < q && !done; k++)
            done = res->questions[k].could_be == v;
        if (done)
            continue;
        kc_buf_printf(b, "%s%s %s depending on ", b->len ? " " : "",
                      groups ? "It could also turn" : "It could turn", rs->verdicts[v].id);
        size_t listed = 0, total = 0;
        for (size_t k = q; k < res->nquestions; k++)
            total += res->questions[k].could_be == v;
        for (size_t k = q; k < res->nquestions && listed < 3; k++) {
            if (res->questions[k].could_be != v)
                continue;
            const char *sep = listed == 0 ? "" : (listed + 1 == total || listed == 2) ? " or " : ", ";
            kc_buf_printf(b, "%s%s", sep, res->questions[k].fact);
            listed++;
        }
        kc_buf_puts(b, total > listed ? " (and more)." : ".");
        groups++;
    }
    if (groups == 0 && res->nquestions > 0)
        kc_buf_printf(b, "%sStill unknown, though it would not change the verdict: %s%s.",
                      b->len ? " " : "", res->questions[0].fact,
                      res->nquestions > 1 ? " and more" : "");
    const char *s = kc_buf_cstr(b);
    return s ? kc_res_strdup(res, s, b->len) : NULL;
}

const char *kc_result_summary(kc_result *res)
{
    if (!res || !res->evaluated)
        return NULL;
    if (!res->summary)
        res->summary = compose(res);
    return res->summary;
}
