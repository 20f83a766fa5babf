/* cmd_logic.c - `kindctx logic`: JSON Logic over JSON Lines.
 *
 * Input, one object per line:  {"rule": R, "data": D}   ("data" may be absent)
 * Output, one object per line: {"result": V}
 *                           or {"error": {"type": T, ...}}
 * T is the raised error's type ("NaN", "Invalid Arguments", a thrown value),
 * "Unknown Operator" / "Invalid Arguments" for rules that do not compile, and
 * "parse" for a line that is not JSON. Every line gets an answer, and one bad
 * line never stops the rest. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *compile_error_type(kc_status st)
{
    switch (st) {
    case KC_EOPERATOR:
        return "Unknown Operator";
    case KC_EARGS:
        return "Invalid Arguments";
    default:
        return kc_status_name(st);
    }
}

static void print_error(const char *type, const kc_error *err, long line, const char *path_prefix)
{
    fputs("{\"error\":{\"type\":", stdout);
    cli_json_string(stdout, type);
    fputs(",\"message\":", stdout);
    cli_json_string(stdout, err->message);
    if (err->line)
        printf(",\"line\":%ld,\"column\":%u", line, err->column);
    if (err->path[0] || path_prefix) {
        char path[KC_ERROR_PATH_MAX + 16];
        snprintf(path, sizeof path, "%s%s", path_prefix ? path_prefix : "",
                 strcmp(err->path, "/") == 0 ? "" : err->path);
        fputs(",\"path\":", stdout);
        cli_json_string(stdout, path);
    }
    fputs("}}\n", stdout);
}

static int print_value(kc_ctx *ctx, const char *key, const kc_value *v)
{
    char *json = NULL;
    if (kc_value_to_json(ctx, v, &json, NULL) != KC_OK)
        return -1;
    printf("{\"%s\":%s}\n", key, json);
    kc_free(ctx, json);
    return 0;
}

/* Evaluates one input line; returns 0, or -1 on an internal failure. */
static int run_line(kc_ctx *ctx, kc_eval *ev, const char *text, size_t len, long lineno)
{
    kc_error err;
    kc_doc *doc = NULL;
    kc_status st = kc_doc_parse(ctx, text, len, "<stdin>", &doc, &err);
    if (st == KC_ENOMEM)
        return -1;
    if (st) {
        print_error("parse", &err, lineno, NULL);
        return 0;
    }
    const kc_value *root = kc_doc_root(doc);
    const kc_value *rule = kc_value_get(root, "rule", 4);
    const kc_value *data = kc_value_get(root, "data", 4);
    if (kc_value_type(root) != KC_TYPE_OBJECT || !rule) {
        memset(&err, 0, sizeof err);
        snprintf(err.message, sizeof err.message,
                 "each line must be an object {\"rule\": ..., \"data\": ...}");
        print_error("parse", &err, lineno, NULL);
        kc_doc_free(doc);
        return 0;
    }
    kc_logic *logic = NULL;
    st = kc_logic_compile_value(ctx, rule, doc, &logic, &err);
    int rc = 0;
    if (st == KC_ENOMEM) {
        rc = -1;
    } else if (st) {
        print_error(compile_error_type(st), &err, lineno, "/rule");
    } else {
        const kc_value *result = NULL;
        st = kc_logic_run(ev, logic, data, &result, &err);
        if (st == KC_OK)
            rc = print_value(ctx, "result", result);
        else if (st == KC_ETHROWN)
            rc = print_value(ctx, "error", kc_eval_thrown(ev));
        else if (st == KC_ENOMEM)
            rc = -1;
        else
            print_error(kc_status_name(st), &err, lineno, NULL);
    }
    kc_logic_free(logic);
    kc_doc_free(doc);
    return rc;
}

static void usage(FILE *f)
{
    fputs("usage: kindctx logic [--help]\n"
          "\n"
          "Evaluates JSON Logic. Reads JSON Lines on standard input, each\n"
          "  {\"rule\": RULE, \"data\": DATA}\n"
          "and writes one JSON object per input line, in order:\n"
          "  {\"result\": VALUE}  or  {\"error\": {\"type\": TYPE, ...}}\n"
          "TYPE is the error a rule raised (e.g. \"NaN\"), \"Unknown Operator\" or\n"
          "\"Invalid Arguments\" for a rule that does not compile, or \"parse\" for a\n"
          "line that is not JSON. A bad line never stops the others.\n"
          "\n"
          "Exit status: 0 when every line was answered, 3 on a read/write error,\n"
          "4 when out of memory.\n",
          f);
}

int cmd_logic(const cli_opts *o, int argc, char **argv)
{
    (void)o;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return KC_EXIT_OK;
        }
        cli_errorf("logic: unknown option '%s' (see kindctx logic --help)", argv[i]);
        return KC_EXIT_USAGE;
    }
    kc_ctx *ctx = NULL;
    kc_eval *ev = NULL;
    if (kc_ctx_create(&ctx, NULL) || kc_eval_create(ctx, &ev)) {
        cli_errorf("out of memory");
        kc_ctx_free(ctx);
        return KC_EXIT_INTERNAL;
    }
    char *line = NULL;
    size_t cap = 0;
    long len, lineno = 0;
    int rc = KC_EXIT_OK;
    while ((len = cli_read_line(stdin, &line, &cap)) >= 0) {
        lineno++;
        if (run_line(ctx, ev, line ? line : "", (size_t)len, lineno)) {
            cli_errorf("out of memory at line %ld", lineno);
            rc = KC_EXIT_INTERNAL;
            break;
        }
    }
    if (len == -2) {
        cli_errorf("out of memory reading line %ld", lineno + 1);
        rc = KC_EXIT_INTERNAL;
    }
    if (ferror(stdin)) {
        cli_errorf("error reading standard input");
        rc = KC_EXIT_IO;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_errorf("error writing standard output");
        rc = KC_EXIT_IO;
    }
    free(line);
    kc_eval_free(ev);
    kc_ctx_free(ctx);
    return rc;
}
