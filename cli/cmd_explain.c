/* cmd_explain.c - `kindctx explain`: one rule, in words.
 *
 * Prints a rule's dimension, weight, veto, where it is defined, the idea it
 * encodes, its templates as written, and its condition rendered as indented
 * text, so that an author can read a rule without reading JSON Logic:
 *
 *   {"and": [{"in": [{"var": "relationship.type"}, ["stalker", "abusive_ex"]]},
 *            {">": [{"var": "request.urgency"}, 0.7]}]}
 * reads
 *   all of:
 *     - relationship.type is one of "stalker", "abusive_ex"
 *     - request.urgency > 0.7
 *
 * Forms it does not know are shown as compact JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fputs("usage: kindctx explain [--rules FILE]... RULE-ID...\n"
          "       kindctx explain [--rules FILE]... --list\n"
          "\n"
          "Shows a rule of the rule set (the bundled one, or as composed from --rules\n"
          "files): its dimension, weight and veto, where it is defined, the idea it\n"
          "encodes, its because/advice templates as written, and its condition\n"
          "rendered as readable text.\n"
          "\n"
          "  -r, --rules FILE   rule file; repeat to compose (see kindctx eval --help)\n"
          "  --list             list every rule: id, dimension and weight\n"
          "\n"
          "Exit status: 0 shown; 1 no rule has that id (the closest ids are\n"
          "suggested) or a rule file has problems; 2 usage; 3 a file could not be\n"
          "read; 4 out of memory.\n",
          f);
}

/* ---- conditions as text ------------------------------------------------- */

typedef struct render {
    const kc_ctx *ctx;
    cli_buf *out;
    int item; /* inside some/all/none: "var" paths refer to the current item */
} render;

static int op_is(const char *op, const char *name)
{
    return strcmp(op, name) == 0;
}

/* The single operator of an operation object, and its arguments as a list
 * (a non-array argument is a list of one). NULL when v is not an operation. */
static const char *operation(const kc_value *v, const kc_value **args, size_t *nargs)
{
    if (kc_value_type(v) != KC_TYPE_OBJECT || kc_value_count(v) != 1)
        return NULL;
    const char *op = kc_value_key_at(v, 0, NULL);
    const kc_value *a = kc_value_at(v, 0);
    *args = a;
    *nargs = kc_value_type(a) == KC_TYPE_ARRAY ? kc_value_count(a) : 1;
    return op;
}

static const kc_value *arg(const kc_value *args, size_t i)
{
    return kc_value_type(args) == KC_TYPE_ARRAY ? kc_value_at(args, i) : (i == 0 ? args : NULL);
}

static void add_json(render *r, const kc_value *v)
{
    char *json = NULL;
    size_t len = 0;
    if (kc_value_to_json(r->ctx, v, &json, &len) != KC_OK) {
        r->out->oom = 1;
        return;
    }
    cli_buf_add(r->out, json, len);
    kc_free(r->ctx, json);
}

static int is_literal(const kc_value *v)
{
    kc_type t = kc_value_type(v);
    return t != KC_TYPE_OBJECT;
}

/* A variable path as written: "a.b", or "a.b" from {"val": ["a", "b"]}. */
static void add_path(render *r, const char *path, size_t len)
{
    if (r->item)
        cli_buf_add(r->out, len ? "item." : "item", len ? 5 : 4);
    else if (len == 0)
        cli_buf_puts(r->out, "(the scenario)");
    cli_buf_add(r->out, path, len);
}

/* A path given as segments ({"val": ["a", "b"]}, {"exists": ["a", "b"]}). */
static int add_segments(render *r, const kc_value *args, size_t n)
{
    if (n == 0 && !r->item)
        return 0;
    if (r->item)
        cli_buf_puts(r->out, "item");
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        const kc_value *a = kc_value_type(args) == KC_TYPE_ARRAY ? kc_value_at(args, i) : args;
        const char *seg = kc_value_string(a, &len);
        if (!seg)
            return 0;
        if (i || r->item)
            cli_buf_puts(r->out, ".");
        cli_buf_add(r->out, seg, len);
    }
    return 1;
}

static int inline_expr(render *r, const kc_value *v);

/* Writes a list of inline expressions "a, b, c"; 0 if one is not inline. */
static int inline_list(render *r, const kc_value *args, size_t from, size_t n, const char *sep)
{
    for (size_t i = from; i < n; i++) {
        if (i > from)
            cli_buf_puts(r->out, sep);
        if (!inline_expr(r, arg(args, i)))
            return 0;
    }
    return 1;
}

/* A literal list of values: "\"a\", \"b\"" (arrays of literals only). */
static int literal_items(render *r, const kc_value *list)
{
    size_t n = kc_value_count(list);
    for (size_t i = 0; i < n; i++)
        if (!is_literal(kc_value_at(list, i)))
            return 0;
    if (n == 0) {
        cli_buf_puts(r->out, "(nothing)");
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        if (i)
            cli_buf_puts(r->out, ", ");
        add_json(r, kc_value_at(list, i));
    }
    return 1;
}

static const char *compare_word(const char *op)
{
    static const char *const map[][2] = {
        {"==", "is"}, {"===", "is"}, {"!=", "is not"}, {"!==", "is not"},
        {"<", "<"},   {"<=", "<="},  {">", ">"},       {">=", ">="},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(op, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

/* Renders v on one line into r->out. Returns 0 (and leaves garbage that the
 * caller discards) when v needs a block or is not understood. */
static int inline_expr(render *r, const kc_value *v)
{
    const kc_value *args;
    size_t n;
    const char *op = operation(v, &args, &n);
    if (!op) {
        if (kc_value_type(v) == KC_TYPE_OBJECT)
            return 0;
        if (kc_value_type(v) == KC_TYPE_ARRAY && kc_value_count(v) > 0) {
            cli_buf_puts(r->out, "[");
            if (!literal_items(r, v))
                return 0;
            cli_buf_puts(r->out, "]");
            return 1;
        }
        add_json(r, v);
        return 1;
    }
    if (op_is(op, "var")) {
        const kc_value *p = arg(args, 0);
        size_t len = 0;
        const char *path = kc_value_string(p, &len);
        if (!path && kc_value_type(p) == KC_TYPE_NUMBER) {
            add_json(r, p);
            return 1;
        }
        if (!path && kc_value_type(p) != KC_TYPE_NULL)
            return 0;
        add_path(r, path ? path : "", path ? len : 0);
        if (n >= 2) {
            cli_buf_puts(r->out, " (or ");
            if (!inline_expr(r, arg(args, 1)))
                return 0;
            cli_buf_puts(r->out, " when absent)");
        }
        return 1;
    }
    if (op_is(op, "val"))
        return add_segments(r, args, n);
    const char *word = compare_word(op);
    if (word && n == 2) {
        const kc_value *b = arg(args, 1);
        if (!inline_expr(r, arg(args, 0)))
            return 0;
        if ((op_is(op, "==") || op_is(op, "===") || op_is(op, "!=") || op_is(op, "!==")) &&
            kc_value_type(b) != KC_TYPE_OBJECT) {
            cli_buf_printf(r->out, " %s ", word);
            add_json(r, b);
            return 1;
        }
        cli_buf_printf(r->out, " %s ", word[0] == 'i' ? op : word);
        return inline_expr(r, b);
    }
    if ((op_is(op, "<") || op_is(op, "<=")) && n == 3) {
        /* between: a < b < c */
        return inline_list(r, args, 0, 3, op_is(op, "<") ? " < " : " <= ");
    }
    if (op_is(op, "in") && n == 2) {
        const kc_value *hay = arg(args, 1);
        const kc_value *needle = arg(args, 0);
        if (kc_value_type(hay) == KC_TYPE_ARRAY) {
            if (!inline_expr(r, needle))
                return 0;
            cli_buf_puts(r->out, " is one of ");
            return literal_items(r, hay);
        }
        if (is_literal(needle) && !is_literal(hay)) {
            if (!inline_expr(r, hay))
                return 0;
            cli_buf_puts(r->out, " contains ");
            add_json(r, needle);
            return 1;
        }
        if (!inline_expr(r, needle))
            return 0;
        cli_buf_puts(r->out, " is in ");
        return inline_expr(r, hay);
    }
    if (op_is(op, "overlaps") && n == 2) {
        const kc_value *a = arg(args, 0), *b = arg(args, 1);
        if (kc_value_type(a) == KC_TYPE_ARRAY && kc_value_type(b) != KC_TYPE_ARRAY) {
            const kc_value *t = a; /* the list of words last: "X includes any of ..." */
            a = b;
            b = t;
        }
        if (!inline_expr(r, a))
            return 0;
        if (kc_value_type(b) == KC_TYPE_ARRAY && kc_value_count(b) > 0) {
            cli_buf_puts(r->out, kc_value_count(b) == 1 ? " includes " : " includes any of ");
            return literal_items(r, b);
        }
        cli_buf_puts(r->out, " shares an element with ");
        return inline_expr(r, b);
    }
    if (op_is(op, "merge") && n >= 1) {
        cli_buf_puts(r->out, "[");
        if (!inline_list(r, args, 0, n, ", "))
            return 0;
        cli_buf_puts(r->out, "]");
        return 1;
    }
    if (op_is(op, "subset") && n == 2) {
        cli_buf_puts(r->out, "every element of ");
        if (!inline_expr(r, arg(args, 0)))
            return 0;
        cli_buf_puts(r->out, " is in ");
        return inline_expr(r, arg(args, 1));
    }
    if (op_is(op, "intersection") && n == 2) {
        cli_buf_puts(r->out, "(the elements of ");
        if (!inline_expr(r, arg(args, 0)))
            return 0;
        cli_buf_puts(r->out, " also in ");
        if (!inline_expr(r, arg(args, 1)))
            return 0;
        cli_buf_puts(r->out, ")");
        return 1;
    }
    if (op_is(op, "!!") && n == 1) {
        if (!inline_expr(r, arg(args, 0)))
            return 0;
        cli_buf_puts(r->out, " is truthy");
        return 1;
    }
    if (op_is(op, "exists") && n >= 1) {
        if (!add_segments(r, args, n))
            return 0;
        cli_buf_puts(r->out, " is present");
        return 1;
    }
    if (op_is(op, "missing") && n >= 1) {
        /* {"missing": ["a", "b"]} or {"missing": [["a", "b"]]} */
        const kc_value *list = n == 1 && kc_value_type(arg(args, 0)) == KC_TYPE_ARRAY
                                   ? arg(args, 0)
                                   : args;
        size_t m = kc_value_type(list) == KC_TYPE_ARRAY ? kc_value_count(list) : 1;
        if (m > 1)
            cli_buf_puts(r->out, "any of ");
        for (size_t i = 0; i < m; i++) {
            size_t len = 0;
            const char *path = kc_value_string(arg(list, i), &len);
            if (!path)
                return 0;
            if (i)
                cli_buf_puts(r->out, ", ");
            add_path(r, path, len);
        }
        cli_buf_puts(r->out, " is missing");
        return 1;
    }
    if (op_is(op, "missing_some") && n == 2 &&
        kc_value_type(arg(args, 1)) == KC_TYPE_ARRAY &&
        kc_value_type(arg(args, 0)) == KC_TYPE_NUMBER) {
        cli_buf_puts(r->out, "fewer than ");
        add_json(r, arg(args, 0));
        cli_buf_puts(r->out, " of ");
        const kc_value *list = arg(args, 1);
        for (size_t i = 0; i < kc_value_count(list); i++) {
            size_t len = 0;
            const char *p = kc_value_string(kc_value_at(list, i), &len);
            if (!p)
                return 0;
            if (i)
                cli_buf_puts(r->out, ", ");
            add_path(r, p, len);
        }
        cli_buf_puts(r->out, " are present");
        return 1;
    }
    static const char *const arith[] = {"+", "-", "*", "/", "%"};
    for (size_t i = 0; i < sizeof arith / sizeof arith[0]; i++) {
        if (op_is(op, arith[i]) && n >= 1) {
            char sep[4] = {' ', arith[i][0], ' ', '\0'};
            if (n == 1 && op_is(op, "-")) {
                cli_buf_puts(r->out, "-");
                return inline_expr(r, arg(args, 0));
            }
            cli_buf_puts(r->out, "(");
            if (!inline_list(r, args, 0, n, sep))
                return 0;
            cli_buf_puts(r->out, ")");
            return 1;
        }
    }
    if ((op_is(op, "min") || op_is(op, "max")) && n >= 1) {
        cli_buf_printf(r->out, "%s(", op);
        if (!inline_list(r, args, 0, n, ", "))
            return 0;
        cli_buf_puts(r->out, ")");
        return 1;
    }
    if (op_is(op, "??") && n == 2) {
        if (!inline_expr(r, arg(args, 0)))
            return 0;
        cli_buf_puts(r->out, " (or ");
        if (!inline_expr(r, arg(args, 1)))
            return 0;
        cli_buf_puts(r->out, " when absent)");
        return 1;
    }
    if (op_is(op, "and") || op_is(op, "or") || op_is(op, "!") || op_is(op, "not") ||
        op_is(op, "if") || op_is(op, "?:") || op_is(op, "some") || op_is(op, "all") ||
        op_is(op, "none"))
        return 0; /* blocks */
    /* Anything else reads best as the JSON itself. */
    add_json(r, v);
    return 1;
}

static void indent_to(cli_buf *out, int indent)
{
    for (int i = 0; i < indent; i++)
        cli_buf_add(out, " ", 1);
}

/* Writes v as lines at indent; lead ("- " or "") starts the first line. */
static void block(render *r, const kc_value *v, int indent, const char *lead)
{
    indent_to(r->out, indent);
    cli_buf_puts(r->out, lead);
    size_t start = r->out->len;
    if (inline_expr(r, v)) {
        cli_buf_puts(r->out, "\n");
        return;
    }
    r->out->len = start;
    int inner = indent + (int)strlen(lead) + 2;
    const kc_value *args;
    size_t n;
    const char *op = operation(v, &args, &n);
    if (op && (op_is(op, "and") || op_is(op, "or"))) {
        cli_buf_puts(r->out, op_is(op, "and") ? "all of:\n" : "any of:\n");
        for (size_t i = 0; i < n; i++)
            block(r, arg(args, i), inner, "- ");
        return;
    }
    if (op && (op_is(op, "!") || op_is(op, "not")) && n == 1) {
        cli_buf_puts(r->out, "not:\n");
        block(r, arg(args, 0), inner, "");
        return;
    }
    if (op && (op_is(op, "if") || op_is(op, "?:")) && n >= 1) {
        size_t i = 0;
        for (; i + 1 < n; i += 2) {
            if (i) {
                indent_to(r->out, indent + (int)strlen(lead));
                cli_buf_puts(r->out, "else if:\n");
            } else {
                cli_buf_puts(r->out, "if:\n");
            }
            block(r, arg(args, i), inner, "");
            indent_to(r->out, indent + (int)strlen(lead));
            cli_buf_puts(r->out, "then:\n");
            block(r, arg(args, i + 1), inner, "");
        }
        if (i < n) {
            if (i) {
                indent_to(r->out, indent + (int)strlen(lead));
                cli_buf_puts(r->out, "else:\n");
            }
            block(r, arg(args, i), inner, "");
        }
        return;
    }
    if (op && (op_is(op, "some") || op_is(op, "all") || op_is(op, "none")) && n == 2) {
        const char *what = op_is(op, "some") ? "some" : op_is(op, "all") ? "every" : "no";
        cli_buf_printf(r->out, "%s item of ", what);
        size_t before = r->out->len;
        if (!inline_expr(r, arg(args, 0))) {
            r->out->len = before;
            add_json(r, arg(args, 0));
        }
        cli_buf_puts(r->out, " satisfies:\n");
        int saved = r->item;
        r->item = 1;
        block(r, arg(args, 1), inner, "");
        r->item = saved;
        return;
    }
    /* A form with a block inside that is not a block itself: plain JSON. */
    r->out->len = start;
    add_json(r, v);
    cli_buf_puts(r->out, "\n");
}

/* ---- the command -------------------------------------------------------- */

typedef struct paint {
    const char *bold, *dim, *reset;
} paint;

static const char *dimension_label(const kc_ruleset *rs, const char *id)
{
    for (size_t i = 0; i < kc_ruleset_dimension_count(rs); i++)
        if (strcmp(kc_ruleset_dimension_id(rs, i), id) == 0)
            return kc_ruleset_dimension_label(rs, i);
    return NULL;
}

static const char *verdict_label(const kc_ruleset *rs, const char *id)
{
    for (size_t i = 0; i < kc_ruleset_verdict_count(rs); i++)
        if (strcmp(kc_ruleset_verdict_id(rs, i), id) == 0)
            return kc_ruleset_verdict_label(rs, i);
    return NULL;
}

/* Prints "  key:" padded to column 14, then value wrapped at 78 columns with
 * its continuation lines under the first. */
static void field(const paint *p, const char *key, const char *value)
{
    enum { COL = 14, WIDTH = 78 };
    printf("  %s%s:%s%*s", p->dim, key, p->reset, (int)(COL - 3 - strlen(key)), "");
    size_t col = COL;
    const char *s = value;
    int first = 1;
    while (*s) {
        while (*s == ' ')
            s++;
        const char *w = s;
        while (*s && *s != ' ')
            s++;
        size_t len = (size_t)(s - w);
        if (len == 0)
            break;
        if (!first && col + 1 + len > WIDTH) {
            printf("\n%*s", COL, "");
            col = COL;
        } else if (!first) {
            putchar(' ');
            col++;
        }
        fwrite(w, 1, len, stdout);
        col += len;
        first = 0;
    }
    putchar('\n');
}

static int show_rule(const kc_ctx *ctx, const kc_ruleset *rs, const kc_rule_info *ri,
                     const paint *p)
{
    char line[1024];
    printf("%s%s%s\n", p->bold, ri->id, p->reset);
    const char *dl = dimension_label(rs, ri->dimension);
    if (dl && strcmp(dl, ri->dimension) != 0)
        snprintf(line, sizeof line, "%s (%s)", ri->dimension, dl);
    else
        snprintf(line, sizeof line, "%s", ri->dimension);
    field(p, "dimension", line);
    snprintf(line, sizeof line, "%+g", ri->weight);
    field(p, "weight", line);
    if (ri->veto) {
        const char *vl = verdict_label(rs, ri->veto);
        if (vl && strcmp(vl, ri->veto) != 0)
            snprintf(line, sizeof line, "%s: when it fires, the verdict is at best \"%s\"",
                     ri->veto, vl);
        else
            snprintf(line, sizeof line, "%s: when it fires, the verdict is at best %s", ri->veto,
                     ri->veto);
        field(p, "veto", line);
    }
    if (ri->file) {
        if (ri->line)
            snprintf(line, sizeof line, "%s:%u:%u", ri->file, ri->line, ri->column);
        else
            snprintf(line, sizeof line, "%s", ri->file);
        field(p, "defined at", line);
    }
    if (ri->source)
        field(p, "source", ri->source);
    if (ri->because)
        field(p, "because", ri->because);
    if (ri->advice)
        field(p, "advice", ri->advice);
    printf("  %sfires when:%s\n", p->dim, p->reset);
    cli_buf out = {0};
    render r = {ctx, &out, 0};
    block(&r, ri->when, 4, "");
    if (out.oom) {
        cli_buf_free(&out);
        return -1;
    }
    fwrite(out.data, 1, out.len, stdout);
    cli_buf_free(&out);
    return 0;
}

/* The rule ids closest to id (by edit distance, or containing it), "a", "b"
 * or "a" joined for a message; empty when none is close. */
static void suggest(const kc_ruleset *rs, const char *id, char *buf, size_t size)
{
    buf[0] = '\0';
    size_t n = kc_ruleset_rule_count(rs);
    size_t best = (size_t)-1;
    size_t limit = strlen(id) / 3;
    if (limit < 2)
        limit = 2;
    for (size_t pass = 0; pass < 2; pass++) {
        size_t used = 0;
        for (size_t i = 0; i < n; i++) {
            kc_rule_info ri;
            if (kc_ruleset_rule(rs, i, &ri) != KC_OK)
                continue;
            size_t d = cli_edit_distance(id, ri.id);
            if (d > 1 && strlen(id) >= 3 && strstr(ri.id, id))
                d = 1; /* a part of an id is as close as a typo */
            if (pass == 0) {
                if (d < best)
                    best = d;
            } else if (d == best && best <= limit && used < 3) {
                size_t len = strlen(buf);
                snprintf(buf + len, size - len, "%s\"%s\"", used ? " or " : "", ri.id);
                used++;
            }
        }
    }
}

int cmd_explain(const cli_opts *o, int argc, char **argv)
{
    (void)o;
    size_t nrules = 0;
    int exit_code = KC_EXIT_OK;
    char **rules = cli_collect_rules("explain", &argc, argv, &nrules, &exit_code);
    if (!rules)
        return exit_code;
    int list = 0, nids = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            free(rules);
            return KC_EXIT_OK;
        } else if (strcmp(argv[i], "--list") == 0 || strcmp(argv[i], "-l") == 0) {
            list = 1;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            cli_errorf("explain: unknown option '%s' (see kindctx explain --help)", argv[i]);
            free(rules);
            return KC_EXIT_USAGE;
        } else {
            argv[++nids] = argv[i];
        }
    }
    if (nids == 0 && !list) {
        cli_errorf("explain: no rule id given (see kindctx explain --help; --list shows them)");
        free(rules);
        return KC_EXIT_USAGE;
    }
    kc_ctx *ctx = NULL;
    kc_ruleset *rs = NULL;
    if (kc_ctx_create(&ctx, NULL) != KC_OK) {
        cli_errorf("out of memory");
        free(rules);
        return KC_EXIT_INTERNAL;
    }
    int rc = cli_load_rules(ctx, rules, nrules, &rs);
    free(rules);
    int color = cli_use_color(stdout);
    paint p = {color ? "\033[1m" : "", color ? "\033[2m" : "", color ? "\033[0m" : ""};
    if (rc == KC_EXIT_OK && list) {
        for (size_t i = 0; i < kc_ruleset_rule_count(rs); i++) {
            kc_rule_info ri;
            if (kc_ruleset_rule(rs, i, &ri) == KC_OK)
                printf("%-40s %-14s %+6g%s%s\n", ri.id, ri.dimension, ri.weight,
                       ri.veto ? "  veto: " : "", ri.veto ? ri.veto : "");
        }
    }
    for (int i = 1; i <= nids && rc == KC_EXIT_OK; i++) {
        kc_rule_info ri;
        kc_status st = kc_ruleset_find_rule(rs, argv[i], &ri);
        if (st == KC_ENOTFOUND) {
            char near[512];
            suggest(rs, argv[i], near, sizeof near);
            if (near[0])
                cli_errorf("no rule \"%s\" in %s; did you mean %s?", argv[i],
                           kc_ruleset_name(rs), near);
            else
                cli_errorf("no rule \"%s\" in %s (kindctx explain --list shows them)", argv[i],
                           kc_ruleset_name(rs));
            rc = KC_EXIT_FAIL;
            break;
        }
        if (st) {
            cli_errorf("explain: %s", kc_strerror(st));
            rc = KC_EXIT_INTERNAL;
            break;
        }
        if (i > 1)
            putchar('\n');
        if (show_rule(ctx, rs, &ri, &p)) {
            cli_errorf("out of memory");
            rc = KC_EXIT_INTERNAL;
        }
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_errorf("error writing standard output");
        rc = KC_EXIT_IO;
    }
    kc_ruleset_free(rs);
    kc_ctx_free(ctx);
    return rc;
}
