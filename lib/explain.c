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

/* The rule's wording for the current reader, or its default wording. */
static const kc_tmpl *because_of(const kc_result *res, const rs_rule *r)
{
    const kc_tmpl *t = &r->because_for[res->reader];
    return res->reader != KC_READER_DEFAULT && t->text ? t : &r->because;
}

static const kc_tmpl *advice_of(const kc_result *res, const rs_rule *r)
{
    const kc_tmpl *t = &r->advice_for[res->reader];
    return res->reader != KC_READER_DEFAULT && t->text ? t : &r->advice;
}

int kc_res_render(kc_result *res, size_t i)
{
    const rs_rule *r = &res->rs->rules[res->fired[i].rule];
    if (!res->because[i]) {
        res->because[i] = render(res, because_of(res, r));
        if (!res->because[i])
            return -1;
    }
    const kc_tmpl *adv = advice_of(res, r);
    if (!res->advice[i] && adv->text) {
        res->advice[i] = render(res, adv);
        if (!res->advice[i])
            return -1;
    }
    return 0;
}

static const char *const reader_names[] = {"default", "giver", "supporter", "author"};

const char *kc_reader_name(kc_reader reader)
{
    return (unsigned)reader < 4 ? reader_names[reader] : NULL;
}

int kc_reader_from_name(const char *name)
{
    for (int i = 0; name && i < 4; i++)
        if (strcmp(name, reader_names[i]) == 0)
            return i;
    return -1;
}

kc_status kc_result_set_reader(kc_result *res, kc_reader reader)
{
    if (!res || (unsigned)reader >= 4)
        return KC_EINVAL;
    if (res->reader == reader)
        return KC_OK;
    res->reader = reader;
    /* Texts rendered for the previous reader are not reused; their memory
     * stays in the text arena until the next evaluation. */
    for (size_t i = 0; res->evaluated && i < res->nfired; i++)
        res->because[i] = res->advice[i] = NULL;
    res->summary = NULL;
    return KC_OK;
}

const char *kc_result_intent(const kc_result *res, double *score)
{
    if (score)
        *score = 0;
    if (!res || !res->evaluated || res->rs->intent_dim < 0)
        return NULL;
    double v = res->dims[res->rs->intent_dim];
    if (score)
        *score = v;
    if (v > 0)
        return "well meant";
    if (v < 0)
        return "not well meant";
    /* Nothing fired: say whether intent facts were there to read. */
    for (size_t u = 0; u < res->nundecided; u++)
        if (res->rs->rules[res->undecided[u].rule].dim == (uint32_t)res->rs->intent_dim)
            return "unknown";
    return "neutral";
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

/* For the rule author: the mechanics, with rule ids and weights. */
static const char *compose_for_author(kc_result *res)
{
    const kc_ruleset *rs = res->rs;
    kc_buf *b = &res->sum;
    kc_buf_printf(b, "Verdict %s: score %g in band %s", rs->verdicts[res->verdict].id, res->total,
                  rs->verdicts[rs->bands[res->band].verdict].id);
    if (res->worst_veto >= 0)
        kc_buf_printf(b, "; veto %s by %s", rs->verdicts[res->worst_veto].id,
                      rs->rules[res->veto_rule].id);
    kc_buf_puts(b, ".");
    if (res->nfired) {
        kc_buf_puts(b, " Fired:");
        for (size_t i = 0; i < res->nfired; i++) {
            const rs_rule *r = &rs->rules[res->fired[i].rule];
            kc_buf_printf(b, "%s %s (%+g %s)", i ? "," : "", r->id, r->weight, rs->dims[r->dim].id);
        }
        kc_buf_puts(b, ".");
    }
    if (res->nundecided) {
        kc_buf_puts(b, " Undecided:");
        for (size_t i = 0; i < res->nundecided; i++)
            kc_buf_printf(b, "%s %s", i ? "," : "", rs->rules[res->undecided[i].rule].id);
        kc_buf_puts(b, ".");
    }
    for (size_t i = 0; i < res->nproblems; i++)
        kc_buf_printf(b, " Rule %s raised %s.", rs->rules[res->problems[i].rule].id,
                      res->problems[i].type);
    const char *s = kc_buf_cstr(b);
    return s ? kc_res_strdup(res, s, b->len) : NULL;
}

static const char *compose(kc_result *res)
{
    const kc_ruleset *rs = res->rs;
    kc_res_sort_fired(res);
    kc_buf *b = &res->sum;
    kc_buf_reset(b);
    if (res->reader == KC_READER_AUTHOR)
        return compose_for_author(res);
    /* Intent and impact are read apart; the first sentence says when they
     * part ways ("Well meant, but likely to feel dismissive."). */
    const char *intent = kc_result_intent(res, NULL);
    const char *label = rs->verdicts[res->verdict].label;
    int diverge = 0;
    if (intent && strcmp(intent, "well meant") == 0 && res->verdict != 0)
        diverge = 1;
    else if (intent && strcmp(intent, "not well meant") == 0 && res->verdict == 0)
        diverge = 2;
    if (res->reader == KC_READER_SUPPORTER)
        kc_buf_printf(b, "For the person receiving it: %s%s.", diverge == 1 ? "well meant, but " : "",
                      label);
    else if (diverge == 1)
        kc_buf_printf(b, "Well meant, but %s.", label);
    else
        sentence(b, label);
    if (diverge == 2)
        kc_buf_puts(b, " It may land well even though it was not well meant.");
    int pos = leads_positive(res);
    size_t shown = 0;
    /* A veto at the verdict's level decides it even when the score agrees:
     * no better score could have lifted it. */
    int veto_decides = res->worst_veto >= 0 && (uint32_t)res->worst_veto == res->verdict;
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
    /* Readings kept apart from the score (e.g. the giver's intent), unless
     * the intent sentence above already said it. */
    for (size_t i = 0; i < res->nfired; i++) {
        if (scored(res, i))
            continue;
        if (diverge && (int32_t)rs->rules[res->fired[i].rule].dim == rs->intent_dim)
            continue;
        if (factor(res, i, b, "Apart from the score"))
            return NULL;
        break;
    }
    /* For the giver: what they could do, in the rules' own advice. */
    if (res->reader == KC_READER_GIVER && res->verdict != 0) {
        size_t given = 0;
        for (size_t i = 0; i < res->nfired && given < 2; i++) {
            if (weight_of(res, i) >= 0 || kc_res_render(res, i))
                continue;
            if (!res->advice[i])
                continue;
            kc_buf_puts(b, given ? " Also: " : " What could help: ");
            size_t mark = b->len;
            sentence(b, res->advice[i]);
            if (b->len > mark && b->data[mark] == ' ')
                memmove(b->data + mark, b->data + mark + 1, b->len - mark), b->len--;
            given++;
        }
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
