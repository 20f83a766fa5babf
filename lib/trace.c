/* trace.c - for the rule author: which parts of a fired rule's condition
 * held, with the values the scenario gave them.
 *
 * The condition is walked again, after evaluation, and only on request. Its
 * connectives become an outline (all of / any of / not); every other part is
 * a leaf, printed as readable JSON Logic with the facts it read:
 *   all of:
 *     relationship.type === "stalker"   held   [relationship.type = "stalker"]
 *     act.kind in ["flowers", "gift"]   held   [act.kind = "flowers"] */
#include <string.h>

#include "json_write.h"
#include "result.h"

/* Appends n as compact, readable JSON Logic: facts by their path, constants
 * as JSON, operators in prefix form, two-argument comparisons infix. */
static void expr(kc_buf *b, const jl_node *n)
{
    switch ((jl_op)n->op) {
    case JL_CONST:
        kc_json_write(b, &n->u.k);
        return;
    case JL_VAR:
    case JL_VAL:
        if (!(n->flags & JL_F_DYNPATH)) {
            kc_buf_puts(b, n->u.path.text[0] ? n->u.path.text : "(the data)");
            return;
        }
        break;
    case JL_EXISTS:
        if (!(n->flags & JL_F_DYNPATH)) {
            kc_buf_printf(b, "exists(%s)", n->u.path.text);
            return;
        }
        break;
    case JL_EQ:
    case JL_NE:
    case JL_SEQ:
    case JL_SNE:
    case JL_LT:
    case JL_LE:
    case JL_GT:
    case JL_GE:
    case JL_IN:
        if (n->nargs == 2 && !(n->flags & JL_F_SPREAD)) {
            expr(b, &n->args[0]);
            kc_buf_printf(b, " %s ", kc_jl_op_name(n));
            expr(b, &n->args[1]);
            return;
        }
        break;
    default:
        break;
    }
    kc_buf_printf(b, "%s(", kc_jl_op_name(n));
    for (uint32_t i = 0; i < n->nargs; i++) {
        if (i)
            kc_buf_puts(b, ", ");
        expr(b, &n->args[i]);
    }
    kc_buf_putc(b, ')');
}

/* Whether a fact with this path was already listed. */
static int listed(const jl_node *root, const jl_node *upto, const char *path)
{
    if (root == upto)
        return -1; /* reached the node being listed: not before it */
    if ((root->op == JL_VAR || root->op == JL_VAL) && !(root->flags & JL_F_DYNPATH) &&
        root->u.path.nsegs && !root->u.path.up && strcmp(root->u.path.text, path) == 0)
        return 1;
    for (uint32_t i = 0; i < root->nargs; i++) {
        int r = listed(&root->args[i], upto, path);
        if (r)
            return r;
    }
    return 0;
}

/* Appends "[path = value, ...]" for the facts n reads at the top scope, each
 * once (leaf is the subtree the list is for). */
static void facts(kc_buf *b, const jl_node *leaf, const jl_node *n, const kc_value *scenario,
                  int *first)
{
    if ((n->op == JL_VAR || n->op == JL_VAL) && !(n->flags & JL_F_DYNPATH) && n->u.path.nsegs &&
        !n->u.path.up) {
        if (listed(leaf, n, n->u.path.text) == 1)
            return;
        const kc_value *v = kc_tmpl_lookup(scenario, n->u.path.segs, n->u.path.nsegs);
        kc_buf_puts(b, *first ? "   [" : ", ");
        *first = 0;
        kc_buf_printf(b, "%s = ", n->u.path.text);
        if (v)
            kc_json_write(b, v);
        else
            kc_buf_puts(b, "(absent)");
        return;
    }
    for (uint32_t i = 0; i < n->nargs; i++)
        facts(b, leaf, &n->args[i], scenario, first);
}

static void indent(kc_buf *b, unsigned depth)
{
    for (unsigned i = 0; i < depth; i++)
        kc_buf_puts(b, "  ");
}

static void walk(kc_result *res, const jl_node *n, unsigned depth, kc_buf *b)
{
    jl_scope root = {res->scenario, NULL};
    kc_status st = KC_OK;
    int t = kc_jl_test(&res->st, n, &root, &st);
    const char *word = t == KC_TV_TRUE ? "held" : t == KC_TV_FALSE ? "did not hold"
                                        : t == KC_TV_UNKNOWN ? "unknown" : "raised an error";
    indent(b, depth);
    if ((n->op == JL_AND || n->op == JL_OR) && n->nargs > 0) {
        kc_buf_printf(b, "%s (%s):\n", n->op == JL_AND ? "all of" : "any of", word);
        for (uint32_t i = 0; i < n->nargs; i++)
            walk(res, &n->args[i], depth + 1, b);
        return;
    }
    if (n->op == JL_NOT && n->nargs == 1) {
        kc_buf_printf(b, "not (%s):\n", word);
        walk(res, &n->args[0], depth + 1, b);
        return;
    }
    expr(b, n);
    kc_buf_printf(b, "   %s", word);
    int first = 1;
    facts(b, n, n, res->scenario, &first);
    if (!first)
        kc_buf_putc(b, ']');
    kc_buf_putc(b, '\n');
}

const char *kc_res_trace(kc_result *res, size_t i)
{
    if (res->trace[i])
        return res->trace[i];
    const rs_rule *r = &res->rs->rules[res->fired[i].rule];
    kc_buf *b = &res->buf;
    kc_buf_reset(b);
    walk(res, &r->when, 0, b);
    /* Drop the final newline. */
    if (b->len > 0 && b->data[b->len - 1] == '\n')
        b->data[--b->len] = '\0';
    const char *s = kc_buf_cstr(b);
    res->trace[i] = s ? kc_res_strdup(res, s, b->len) : NULL;
    return res->trace[i];
}

const char *kc_result_trace(kc_result *res, size_t i)
{
    if (!res || !res->evaluated || i >= res->nfired)
        return NULL;
    kc_res_sort_fired(res);
    return kc_res_trace(res, i);
}
