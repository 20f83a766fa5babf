/* cmd_report.c - `kindctx report`: one self-contained HTML page.
 *
 * Per scenario: its id and title, the verdict as a badge, the summary, a
 * diverging bar chart of the fired rules' weights grouped by dimension (inline
 * SVG; one <rect class="bar" data-rule="ID"> per fired rule), the dimension
 * scores, why each rule fired, the vetoes, the open questions and the
 * undecided rules. Inline CSS only: no scripts, fonts or anything else that
 * needs the network. A viewport meta and narrow-first layout for phones, and
 * @media print for paper. The page has no timestamp, so the same input always
 * gives the same bytes.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fputs("usage: kindctx report [--rules FILE]... [-o FILE] SCENARIO...\n"
          "\n"
          "Judges the scenarios and writes one self-contained HTML page (no network,\n"
          "no scripts, no external fonts) showing, per scenario: the verdict, the\n"
          "summary, a chart of the fired rules' contributions grouped by dimension,\n"
          "the vetoes and the open questions. It reads well on a phone and prints.\n"
          "SCENARIO may be - for standard input.\n"
          "\n"
          "  -r, --rules FILE   rule file; repeat to compose (see kindctx eval --help)\n"
          "  -o, --output FILE  where to write the page (default report.html; - for\n"
          "                     standard output)\n"
          "\n"
          "Every scenario must load: if one has a problem it is printed as\n"
          "file:line:column: message and no report is written.\n"
          "\n"
          "Exit status: 0 the report was written; 1 a scenario or rule file has\n"
          "problems; 2 usage; 3 a file could not be read or written; 4 out of memory.\n",
          f);
}

/* ---- HTML text ---------------------------------------------------------- */

/* Appends s with &, <, >, " and ' escaped (valid in text and attributes);
 * invalid UTF-8 becomes U+FFFD. */
static void esc(cli_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t n = strlen((const char *)p);
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        while (run < n && p[run] < 0x80 && p[run] != '&' && p[run] != '<' && p[run] != '>' &&
               p[run] != '"' && p[run] != '\'')
            run++;
        cli_buf_add(b, (const char *)p + i, run - i);
        i = run;
        if (i >= n)
            break;
        switch (p[i]) {
        case '&':
            cli_buf_puts(b, "&amp;");
            break;
        case '<':
            cli_buf_puts(b, "&lt;");
            break;
        case '>':
            cli_buf_puts(b, "&gt;");
            break;
        case '"':
            cli_buf_puts(b, "&quot;");
            break;
        case '\'':
            cli_buf_puts(b, "&#39;");
            break;
        default: {
            size_t seq = cli_utf8_seq(p + i, n - i);
            if (seq) {
                cli_buf_add(b, (const char *)p + i, seq);
                i += seq;
            } else {
                cli_buf_puts(b, "\xEF\xBF\xBD");
                i++;
            }
            continue;
        }
        }
        i++;
    }
}

/* A number as the results show it: "%g", with a real minus sign when asked. */
static void num(cli_buf *b, double v, int sign)
{
    if (v == 0)
        v = 0; /* no "-0" */
    if (sign && v > 0)
        cli_buf_printf(b, "+%g", v);
    else if (v < 0)
        cli_buf_printf(b, "\xE2\x88\x92%g", -v); /* U+2212 */
    else
        cli_buf_printf(b, "%g", v);
}

/* ---- the page ----------------------------------------------------------- */

static const char STYLE[] =
    ":root{--fg:#1b1b1b;--muted:#5b5b5b;--line:#d6d6d6;--bg:#fff;--card:#fafafa;"
    "--good:#1e7b34;--warn:#a35f00;--warn2:#b8460b;--bad:#b3261e}\n"
    "*{box-sizing:border-box}\n"
    "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n"
    "body{margin:0;padding:1rem;color:var(--fg);background:var(--bg);"
    "font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\",sans-serif}\n"
    "main,header,nav{max-width:46rem;margin:0 auto}\n"
    "h1{font-size:1.5rem;margin:.2rem 0}\n"
    "h2{font-size:1.25rem;margin:0 0 .3rem;overflow-wrap:anywhere}\n"
    "h3{font-size:1rem;margin:1.2rem 0 .4rem}\n"
    ".meta,.muted{color:var(--muted);font-size:.9rem}\n"
    "code{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;font-size:.9em;"
    "overflow-wrap:anywhere}\n"
    "section.scenario{background:var(--card);border:1px solid var(--line);border-radius:.5rem;"
    "padding:1rem;margin:1rem 0}\n"
    ".badge{display:inline-block;padding:.15rem .6rem;border-radius:1rem;color:#fff;"
    "font-weight:600;white-space:nowrap}\n"
    ".v-good{background:var(--good)}.v-warn{background:var(--warn)}"
    ".v-warn2{background:var(--warn2)}.v-bad{background:var(--bad)}\n"
    ".verdict{margin:.3rem 0 .6rem}.verdict .label{margin-left:.4rem}\n"
    ".summary{font-size:1.05rem}\n"
    ".story{color:var(--muted);font-style:italic}\n"
    "figure{margin:.5rem 0}\n"
    "svg.chart{display:block;width:100%;max-width:40rem;height:auto}\n"
    "svg.chart text{font-size:13px;fill:var(--fg);paint-order:stroke;stroke:var(--card);"
    "stroke-width:3px;stroke-linejoin:round}\n"
    "svg.chart .dim{font-weight:700;font-size:14px}\n"
    "svg.chart .val{font-weight:600}\n"
    "svg.chart .total{font-weight:400}\n"
    "svg.chart .axis{stroke:#888;stroke-width:1}\n"
    "svg.chart .grid{stroke:var(--line);stroke-width:1}\n"
    ".bar.pos{fill:var(--good)}.bar.neg{fill:var(--bad)}\n"
    ".bar.veto{stroke:#000;stroke-width:1.5;stroke-dasharray:4 2}\n"
    ".side{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}\n"
    ".side .main{flex:3 1 22em;min-width:0}\n"
    ".kinder{flex:1 1 14em;border-left:3px solid #2e7d32;padding:0 .8em;background:#f3f8f3}\n"
    "@media print{.kinder{background:none}}\n"
    "figcaption{font-size:.85rem;color:var(--muted)}\n"
    "table{border-collapse:collapse;width:100%;font-size:.95rem}\n"
    "td,th{text-align:left;padding:.2rem .4rem;border-bottom:1px solid var(--line);"
    "vertical-align:top}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "ul,ol{padding-left:1.2rem;margin:.3rem 0}li{margin:.25rem 0}\n"
    ".advice{color:var(--muted)}\n"
    "nav ol{padding-left:1.4rem}\n"
    "@media (max-width:30rem){body{padding:.5rem}section.scenario{padding:.7rem}}\n"
    "@media print{body{padding:0;font-size:11pt}nav{display:none}"
    "section.scenario{border:none;background:none;padding:0;margin:0 0 1.5rem;"
    "break-before:page}section.scenario:first-of-type{break-before:auto}"
    "figure,table,h3{break-inside:avoid}h3{break-after:avoid}"
    "a{color:inherit;text-decoration:none}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

/* The badge class of a verdict: good for the best, bad for the worst. */
static const char *verdict_class(const kc_ruleset *rs, const char *verdict)
{
    size_t n = kc_ruleset_verdict_count(rs), rank = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(kc_ruleset_verdict_id(rs, i), verdict) == 0)
            rank = i;
    if (rank == 0)
        return "v-good";
    if (rank + 1 >= n)
        return "v-bad";
    return 2 * rank < n ? "v-warn" : "v-warn2";
}

static const char *verdict_label(const kc_ruleset *rs, const char *id)
{
    for (size_t i = 0; i < kc_ruleset_verdict_count(rs); i++)
        if (strcmp(kc_ruleset_verdict_id(rs, i), id) == 0)
            return kc_ruleset_verdict_label(rs, i);
    return id;
}

/* One judged scenario, kept until the page is written. */
typedef struct judged {
    kc_scenario *sc;
    kc_result *res;
    const char *path;
} judged;

static const char *title_of(const judged *j)
{
    const char *t = kc_value_string(kc_value_get(kc_scenario_root(j->sc), "title", 5), NULL);
    return t;
}

static const char *name_of(const judged *j)
{
    const char *id = kc_scenario_id(j->sc);
    return id[0] ? id : j->path;
}

/* Chart geometry, in SVG user units (the chart scales to its box). */
enum {
    CW = 360,     /* width: about a phone's, so text keeps its size there */
    CX = 180,     /* the zero axis */
    HALF = 125,   /* the longest bar */
    GROUP_H = 26, /* a dimension's heading */
    LABEL_H = 16, /* a rule's label line */
    BAR_H = 14,
    GAP = 8
};

static void chart(cli_buf *b, const kc_ruleset *rs, kc_result *res, size_t idx, double scale)
{
    size_t nf = kc_result_fired_count(res);
    size_t nd = kc_ruleset_dimension_count(rs);
    /* Height first: a heading per dimension with fired rules, a row per rule. */
    int height = 8;
    for (size_t d = 0; d < nd; d++) {
        int any = 0;
        for (size_t i = 0; i < nf; i++) {
            kc_finding f;
            if (kc_result_fired(res, i, &f) == KC_OK &&
                strcmp(f.dimension, kc_ruleset_dimension_id(rs, d)) == 0) {
                any = 1;
                height += LABEL_H + BAR_H + GAP;
            }
        }
        if (any)
            height += GROUP_H;
    }
    height += 24; /* the scale */
    cli_buf_printf(b,
                   "<figure>\n<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" "
                   "height=\"%d\" role=\"img\" aria-labelledby=\"chart-%zu-t\" "
                   "xmlns=\"http://www.w3.org/2000/svg\">\n"
                   "<title id=\"chart-%zu-t\">Weight of each rule that fired, by dimension; "
                   "bars to the right count for kindness, to the left against</title>\n",
                   CW, height, CW, height, idx, idx);
    cli_buf_printf(b, "<line class=\"axis\" x1=\"%d\" y1=\"4\" x2=\"%d\" y2=\"%d\"/>\n", CX, CX,
                   height - 20);
    int y = 8;
    for (size_t d = 0; d < nd; d++) {
        const char *did = kc_ruleset_dimension_id(rs, d);
        int any = 0;
        for (size_t i = 0; i < nf; i++) {
            kc_finding f;
            if (kc_result_fired(res, i, &f) != KC_OK || strcmp(f.dimension, did) != 0)
                continue;
            if (!any) {
                any = 1;
                cli_buf_printf(b, "<g class=\"group\" data-dimension=\"");
                esc(b, did);
                cli_buf_printf(b, "\">\n<text class=\"dim\" x=\"0\" y=\"%d\">", y + 16);
                esc(b, kc_ruleset_dimension_label(rs, d));
                cli_buf_puts(b, " <tspan class=\"total\">(");
                num(b, kc_result_dimension_score(res, d), 1);
                cli_buf_puts(b, ")</tspan></text>\n");
                y += GROUP_H;
            }
            double len = fabs(f.weight) / scale * HALF;
            if (len < 2)
                len = 2; /* a zero-weight rule still shows */
            double x = f.weight < 0 ? CX - len : CX;
            cli_buf_printf(b, "<text x=\"4\" y=\"%d\">", y + 12);
            esc(b, f.rule);
            if (f.veto) {
                cli_buf_puts(b, " \xC2\xB7 veto: ");
                esc(b, f.veto);
            }
            cli_buf_puts(b, "</text>\n");
            y += LABEL_H;
            cli_buf_printf(b, "<rect class=\"bar %s%s\" data-rule=\"", f.weight < 0 ? "neg" : "pos",
                           f.veto ? " veto" : "");
            esc(b, f.rule);
            cli_buf_printf(b, "\" data-weight=\"%g\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
                              "height=\"%d\" rx=\"2\"><title>",
                           f.weight, x, y, len, BAR_H);
            esc(b, f.rule);
            cli_buf_puts(b, ": ");
            num(b, f.weight, 1);
            cli_buf_puts(b, ". ");
            esc(b, f.because);
            cli_buf_puts(b, "</title></rect>\n");
            if (f.weight < 0)
                cli_buf_printf(b, "<text class=\"val\" x=\"%.1f\" y=\"%d\" text-anchor=\"end\">",
                               x - 4, y + 11);
            else
                cli_buf_printf(b, "<text class=\"val\" x=\"%.1f\" y=\"%d\">", x + len + 4, y + 11);
            num(b, f.weight, 1);
            cli_buf_puts(b, "</text>\n");
            y += BAR_H + GAP;
        }
        if (any)
            cli_buf_puts(b, "</g>\n");
    }
    /* The scale: -max, 0, +max under the axis. */
    int sy = height - 6;
    cli_buf_printf(b, "<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
                   CX - HALF, height - 20, CX + HALF, height - 20);
    cli_buf_printf(b, "<text class=\"muted\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">", CX - HALF,
                   sy);
    num(b, -scale, 0);
    cli_buf_printf(b, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"middle\">0</text>", CX, sy);
    cli_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">", CX + HALF, sy);
    num(b, scale, 1);
    cli_buf_puts(b, "</text>\n</svg>\n<figcaption>Each bar is a rule that fired: to the right it "
                    "counts toward kindness, to the left against. Dashed outline: a veto. "
                    "Each dimension's total is in brackets.</figcaption>\n</figure>\n");
}

/* "What would make it kinder", beside the chart: the smallest sets of changes
 * the giver controls that reach the best verdict, or the veto none lifts. */
static int kinder(cli_buf *b, kc_result *res)
{
    kc_status st;
    size_t n = kc_result_change_count(res, &st);
    if (st != KC_OK)
        return -1;
    const char *blocker = kc_result_change_blocker(res);
    if (n == 0 && !blocker)
        return 0;
    cli_buf_puts(b, "<aside class=\"kinder\">\n<h3>What would make it kinder</h3>\n");
    if (n == 0) {
        cli_buf_puts(b, "<p>No change within the giver's control makes it kind: <code>");
        esc(b, blocker);
        cli_buf_puts(b, "</code> still applies.</p>\n");
    } else {
        cli_buf_puts(b, "<ol class=\"changes\">\n");
        for (size_t i = 0; i < n; i++) {
            kc_change c;
            if (kc_result_change(res, i, &c) != KC_OK)
                return -1;
            cli_buf_puts(b, "<li>");
            for (size_t k = 0; k < c.nsteps; k++) {
                cli_buf_puts(b, k == 0 ? "" : k + 1 == c.nsteps ? " and " : ", ");
                esc(b, c.steps[k]);
            }
            cli_buf_puts(b, " <span class=\"muted\">&rarr; ");
            esc(b, c.verdict);
            cli_buf_printf(b, " (%zu rule%s change)</span></li>\n", c.nflipped,
                           c.nflipped == 1 ? "" : "s");
        }
        cli_buf_puts(b, "</ol>\n");
    }
    cli_buf_puts(b, "</aside>\n");
    return 0;
}

static int scenario_section(cli_buf *b, const kc_ruleset *rs, const judged *j, size_t idx,
                            double scale)
{
    kc_result *res = j->res;
    const char *verdict = kc_result_verdict(res);
    const char *summary = kc_result_summary(res);
    if (!summary)
        return -1;
    const char *title = title_of(j);
    cli_buf_printf(b, "<section class=\"scenario\" id=\"s%zu\" data-scenario=\"", idx + 1);
    esc(b, name_of(j));
    cli_buf_printf(b, "\" data-verdict=\"");
    esc(b, verdict);
    cli_buf_puts(b, "\">\n<h2>");
    esc(b, title ? title : name_of(j));
    cli_buf_puts(b, "</h2>\n");
    if (title) {
        cli_buf_puts(b, "<p class=\"meta\"><code>");
        esc(b, name_of(j));
        cli_buf_puts(b, "</code></p>\n");
    }
    cli_buf_printf(b, "<p class=\"verdict\"><span class=\"badge %s\">",
                   verdict_class(rs, verdict));
    esc(b, verdict);
    cli_buf_puts(b, "</span><span class=\"label\">");
    esc(b, kc_result_verdict_label(res));
    cli_buf_puts(b, "</span> <span class=\"muted\">score ");
    num(b, kc_result_score(res), 1);
    cli_buf_puts(b, "</span></p>\n<p class=\"summary\">");
    esc(b, summary);
    cli_buf_puts(b, "</p>\n");
    const char *story =
        kc_value_string(kc_value_get(kc_scenario_root(j->sc), "summary", 7), NULL);
    if (story) {
        cli_buf_puts(b, "<p class=\"story\">");
        esc(b, story);
        cli_buf_puts(b, "</p>\n");
    }

    size_t nf = kc_result_fired_count(res);
    cli_buf_puts(b, "<div class=\"side\"><div class=\"main\">\n<h3>Contributions</h3>\n");
    if (nf == 0)
        cli_buf_puts(b, "<p class=\"muted\">No rule fired.</p>\n");
    else
        chart(b, rs, res, idx + 1, scale);
    cli_buf_puts(b, "</div>\n");
    if (kinder(b, res))
        return -1;
    cli_buf_puts(b, "</div>\n");

    cli_buf_puts(b, "<table class=\"dims\"><thead><tr><th>Dimension</th><th class=\"n\">"
                    "Score</th></tr></thead><tbody>\n");
    for (size_t d = 0; d < kc_ruleset_dimension_count(rs); d++) {
        cli_buf_puts(b, "<tr><td>");
        esc(b, kc_ruleset_dimension_label(rs, d));
        cli_buf_puts(b, " <code>");
        esc(b, kc_ruleset_dimension_id(rs, d));
        cli_buf_puts(b, "</code></td><td class=\"n\">");
        num(b, kc_result_dimension_score(res, d), 1);
        cli_buf_puts(b, "</td></tr>\n");
    }
    cli_buf_puts(b, "</tbody></table>\n");

    if (nf) {
        cli_buf_puts(b, "<h3>Why</h3>\n<ol class=\"why\">\n");
        for (size_t i = 0; i < nf; i++) {
            kc_finding f;
            if (kc_result_fired(res, i, &f) != KC_OK)
                return -1;
            cli_buf_puts(b, "<li><code>");
            esc(b, f.rule);
            cli_buf_puts(b, "</code> ");
            num(b, f.weight, 1);
            cli_buf_puts(b, " <span class=\"muted\">(");
            esc(b, f.dimension);
            cli_buf_puts(b, ")</span>: ");
            esc(b, f.because);
            if (f.advice && f.weight < 0) {
                cli_buf_puts(b, " <span class=\"advice\">Kinder: ");
                esc(b, f.advice);
                cli_buf_puts(b, "</span>");
            }
            cli_buf_puts(b, "</li>\n");
        }
        cli_buf_puts(b, "</ol>\n");
    }

    cli_buf_puts(b, "<h3>Vetoes</h3>\n");
    int nveto = 0;
    for (size_t i = 0; i < nf; i++) {
        kc_finding f;
        if (kc_result_fired(res, i, &f) != KC_OK)
            return -1;
        if (!f.veto)
            continue;
        cli_buf_puts(b, nveto++ ? "<li><code>" : "<ul class=\"vetoes\">\n<li><code>");
        esc(b, f.rule);
        cli_buf_puts(b, "</code> caps the verdict at <strong>");
        esc(b, f.veto);
        cli_buf_puts(b, "</strong> (");
        esc(b, verdict_label(rs, f.veto));
        cli_buf_puts(b, "), whatever the score.</li>\n");
    }
    cli_buf_puts(b, nveto ? "</ul>\n" : "<p class=\"muted\">None.</p>\n");

    size_t nq = kc_result_question_count(res);
    cli_buf_puts(b, "<h3>Open questions</h3>\n");
    if (nq == 0)
        cli_buf_puts(b, "<p class=\"muted\">None: every rule could be decided.</p>\n");
    else
        cli_buf_puts(b, "<ul class=\"questions\">\n");
    for (size_t i = 0; i < nq; i++) {
        kc_question q;
        if (kc_result_question(res, i, &q) != KC_OK)
            continue;
        cli_buf_puts(b, "<li><code>");
        esc(b, q.fact);
        cli_buf_puts(b, "</code>: ");
        if (q.could_be) {
            cli_buf_puts(b, "answering it could make it <strong>");
            esc(b, q.could_be);
            cli_buf_puts(b, "</strong>");
        } else {
            cli_buf_puts(b, "would not change the verdict");
        }
        cli_buf_printf(b, " <span class=\"muted\">(%zu undecided rule%s, weight %g)</span></li>\n",
                       q.rules, q.rules == 1 ? "" : "s", q.weight);
    }
    if (nq)
        cli_buf_puts(b, "</ul>\n");
    size_t nu = kc_result_undecided_count(res);
    if (nu) {
        cli_buf_puts(b, "<p class=\"muted\">Undecided rules: ");
        for (size_t i = 0; i < nu; i++) {
            cli_buf_puts(b, i ? ", <code>" : "<code>");
            esc(b, kc_result_undecided(res, i));
            cli_buf_puts(b, "</code>");
        }
        cli_buf_puts(b, ".</p>\n");
    }
    cli_buf_puts(b, "</section>\n");
    return 0;
}

static int page(cli_buf *b, const kc_ruleset *rs, const judged *js, size_t n)
{
    /* One scale for every chart, so bars compare across scenarios. */
    double scale = 1;
    for (size_t s = 0; s < n; s++)
        for (size_t i = 0; i < kc_result_fired_count(js[s].res); i++) {
            kc_finding f;
            if (kc_result_fired(js[s].res, i, &f) == KC_OK && fabs(f.weight) > scale)
                scale = fabs(f.weight);
        }
    cli_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<meta name=\"generator\" content=\"kindctx ");
    esc(b, kc_version());
    cli_buf_puts(b, "\">\n<title>kindctx report");
    if (n == 1) {
        cli_buf_puts(b, ": ");
        esc(b, name_of(&js[0]));
    }
    cli_buf_printf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n"
                      "<h1>kindctx report</h1>\n<p class=\"meta\">",
                   STYLE);
    cli_buf_printf(b, "%zu scenario%s judged with the rule set ", n, n == 1 ? "" : "s");
    esc(b, kc_ruleset_name(rs));
    cli_buf_puts(b, " ");
    esc(b, kc_ruleset_version(rs));
    cli_buf_puts(b, " by kindctx ");
    esc(b, kc_version());
    cli_buf_puts(b, ".</p>\n</header>\n");
    if (n > 1) {
        cli_buf_puts(b, "<nav aria-label=\"Scenarios\">\n<ol>\n");
        for (size_t s = 0; s < n; s++) {
            const char *v = kc_result_verdict(js[s].res);
            cli_buf_printf(b, "<li><a href=\"#s%zu\">", s + 1);
            esc(b, name_of(&js[s]));
            cli_buf_printf(b, "</a> <span class=\"badge %s\">", verdict_class(rs, v));
            esc(b, v);
            cli_buf_puts(b, "</span></li>\n");
        }
        cli_buf_puts(b, "</ol>\n</nav>\n");
    }
    cli_buf_puts(b, "<main>\n");
    for (size_t s = 0; s < n; s++)
        if (scenario_section(b, rs, &js[s], s, scale))
            return -1;
    cli_buf_puts(b, "</main>\n</body>\n</html>\n");
    return b->oom ? -1 : 0;
}

static int write_out(const char *path, const cli_buf *b)
{
    int to_stdout = strcmp(path, "-") == 0;
    FILE *f = to_stdout ? stdout : fopen(path, "wb");
    if (!f) {
        cli_errorf("%s: cannot open for writing: %s", path, strerror(errno));
        return KC_EXIT_IO;
    }
    int bad = fwrite(b->data, 1, b->len, f) != b->len;
    bad |= fflush(f) != 0 || ferror(f);
    int e = errno;
    if (!to_stdout)
        bad |= fclose(f) != 0;
    if (bad) {
        cli_errorf("%s: cannot write: %s", to_stdout ? "<stdout>" : path, strerror(e));
        return KC_EXIT_IO;
    }
    return KC_EXIT_OK;
}

int cmd_report(const cli_opts *o, int argc, char **argv)
{
    (void)o;
    size_t nrules = 0;
    int exit_code = KC_EXIT_OK;
    char **rules = cli_collect_rules("report", &argc, argv, &nrules, &exit_code);
    if (!rules)
        return exit_code;
    const char *output = "report.html";
    int nscen = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            free(rules);
            return KC_EXIT_OK;
        } else if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) {
            if (i + 1 >= argc) {
                cli_errorf("report: %s needs a file (see kindctx report --help)", argv[i]);
                free(rules);
                return KC_EXIT_USAGE;
            }
            output = argv[++i];
        } else if (strncmp(argv[i], "--output=", 9) == 0) {
            output = argv[i] + 9;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            cli_errorf("report: unknown option '%s' (see kindctx report --help)", argv[i]);
            free(rules);
            return KC_EXIT_USAGE;
        } else {
            argv[++nscen] = argv[i];
        }
    }
    if (nscen == 0) {
        cli_errorf("report: no scenario given (see kindctx report --help)");
        free(rules);
        return KC_EXIT_USAGE;
    }
    if (output[0] == '\0') {
        cli_errorf("report: -o needs a file name");
        free(rules);
        return KC_EXIT_USAGE;
    }
    kc_ctx *ctx = NULL;
    kc_ruleset *rs = NULL;
    judged *js = calloc((size_t)nscen, sizeof *js);
    if (!js || kc_ctx_create(&ctx, NULL) != KC_OK) {
        cli_errorf("out of memory");
        free(js);
        free(rules);
        return KC_EXIT_INTERNAL;
    }
    int rc = cli_load_rules(ctx, rules, nrules, &rs);
    free(rules);
    for (int i = 0; i < nscen && rc != KC_EXIT_INTERNAL && rs; i++) {
        judged *j = &js[i];
        j->path = argv[i + 1];
        kc_error err;
        kc_status st = cli_load_scenario(ctx, j->path, &j->sc, &err);
        if (st == KC_OK && kc_result_create(ctx, &j->res) != KC_OK)
            st = KC_ENOMEM;
        if (st == KC_OK)
            st = kc_evaluate(rs, kc_scenario_root(j->sc), j->res, &err);
        if (st) {
            if (st == KC_ENOMEM)
                cli_errorf("out of memory");
            else
                cli_report(&err);
            int code = st == KC_EIO      ? KC_EXIT_IO
                       : st == KC_ENOMEM ? KC_EXIT_INTERNAL
                                         : KC_EXIT_FAIL;
            if (code > rc)
                rc = code;
        }
    }
    if (rc == KC_EXIT_OK) {
        cli_buf b = {0};
        if (page(&b, rs, js, (size_t)nscen)) {
            cli_errorf("out of memory");
            rc = KC_EXIT_INTERNAL;
        } else {
            rc = write_out(output, &b);
        }
        cli_buf_free(&b);
    } else if (rs) {
        cli_errorf("report: not written: fix the problems above first");
    }
    for (int i = 0; i < nscen; i++) {
        kc_result_free(js[i].res);
        kc_scenario_free(js[i].sc);
    }
    free(js);
    kc_ruleset_free(rs);
    kc_ctx_free(ctx);
    return rc;
}
