#!/usr/bin/env python3
"""Tests of the kindctx command, driving the built binary (Python 3 stdlib only).

    cli_test.py KINDCTX TEST       run one test (CTest runs each as its own test)
    cli_test.py KINDCTX all        run every test
    cli_test.py KINDCTX --record   rewrite the golden files in golden/
    cli_test.py --generate N FILE  write N generated scenario lines (the batch
                                   test's input; for benchmarks)

Commands run with this directory as the working directory, so the paths in
messages and golden files are short and stable ("data/rules.json"). The golden
tests use data/rules.json, a rule set of our own, never the bundled one (which
changes); the bundled rules are only smoke-tested.

Environment: KINDCTX_SANITIZED=1 makes the large batch test use fewer lines.
"""
import json
import os
import pty
import random
import re
import select
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
GOLDEN = os.path.join(HERE, "golden")
ROOT = os.path.dirname(os.path.dirname(HERE))  # the source tree
RULES = ["--rules", "data/rules.json"]
SCENARIOS = ["data/gift-allergic.json", "data/stalker-flowers.json", "data/soup-unknowns.json"]
COMMANDS = ["examples", "eval", "batch", "report", "explain", "check", "logic"]
KINDCTX = None


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def run(args, stdin=None, env=None, cwd=HERE, timeout=600):
    """Runs kindctx with args; returns (exit code, stdout, stderr) as text."""
    full_env = dict(os.environ)
    full_env.pop("NO_COLOR", None)
    if env:
        full_env.update(env)
    p = subprocess.run([KINDCTX] + args, input=stdin, capture_output=True, cwd=cwd,
                       env=full_env, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def run_pty(args, env=None, stdout_tty=True, stderr_tty=False, timeout=60):
    """Runs kindctx with stdout and/or stderr on a pseudo-terminal; returns
    (exit code, what the terminal got, the bytes of the stream that is a pipe)."""
    master, slave = pty.openpty()
    full_env = dict(os.environ)
    full_env.pop("NO_COLOR", None)
    full_env.update(env or {})
    p = subprocess.Popen([KINDCTX] + args, cwd=HERE, env=full_env, stdin=subprocess.DEVNULL,
                         stdout=slave if stdout_tty else subprocess.PIPE,
                         stderr=slave if stderr_tty else subprocess.PIPE)
    os.close(slave)
    pipe = p.stderr if stdout_tty else p.stdout
    pipe_fd = pipe.fileno()
    got = {master: b"", pipe_fd: b""}
    open_fds = set(got)
    while open_fds:  # read both at once, so that neither side blocks
        ready, _, _ = select.select(list(open_fds), [], [], timeout)
        if not ready:
            p.kill()
            raise Fail("timed out waiting for kindctx")
        for fd in ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the terminal's other side is closed
                chunk = b""
            if chunk:
                got[fd] += chunk
            else:
                open_fds.discard(fd)
    os.close(master)
    pipe.close()
    p.wait(timeout)
    return p.returncode, got[master].decode("utf-8", "replace"), got[pipe_fd]


def expect(args, code, stdin=None, env=None, out=None, err=None):
    rc, so, se = run(args, stdin=stdin, env=env)
    where = "kindctx " + " ".join(args)
    check(rc == code, f"{where}: exit {rc}, expected {code}\nstdout: {so[:2000]}\nstderr: {se}")
    if out is not None:
        check(re.search(out, so, re.M), f"{where}: stdout does not match {out!r}:\n{so[:2000]}")
    if err is not None:
        check(re.search(err, se, re.M), f"{where}: stderr does not match {err!r}:\n{se}")
    return so, se


# ---- usage, options, exit codes -------------------------------------------

def test_help():
    so, _ = expect(["--help"], 0, out=r"^usage: kindctx ")
    for cmd in COMMANDS:
        check(re.search(rf"^  {cmd} ", so, re.M), f"kindctx --help does not list {cmd}")
        sub, se = expect([cmd, "--help"], 0, out=rf"^usage: kindctx {cmd}")
        check(se == "", f"kindctx {cmd} --help wrote to stderr: {se}")
        check("Exit status" in sub, f"kindctx {cmd} --help does not document its exit status")
        via_help, _ = expect(["help", cmd], 0)
        check(via_help == sub, f"kindctx help {cmd} differs from kindctx {cmd} --help")
    # Every option a --help names is accepted (spot checks of the new ones).
    so, _ = expect(["batch", "--help"], 0)
    for opt in ["--rules", "--jobs", "--input", "--lax", "--no-progress", "exactly one JSON line"]:
        check(opt in so, f"kindctx batch --help does not mention {opt}")


def test_version():
    so, _ = expect(["--version"], 0, out=r"^kindctx \d+\.\d+\.\d+\n\Z")
    so2, _ = expect(["-V"], 0)
    check(so == so2, "-V and --version differ")


def test_usage_errors():
    expect([], 2, err=r"^usage: kindctx")
    expect(["frobnicate"], 2, err=r"^kindctx: unknown command 'frobnicate'")
    expect(["evl"], 2, err=r"^kindctx: unknown command 'evl'; did you mean 'eval'\?")
    expect(["--frobnicate"], 2, err=r"^kindctx: unknown option '--frobnicate'")
    expect(["help", "nope"], 2, err=r"^kindctx: ")
    for cmd in COMMANDS:
        expect([cmd, "--no-such-option"], 2, err=r"^kindctx: .*--no-such-option")
    expect(["eval"], 2, err=r"^kindctx: eval: no scenario given")
    expect(["eval", "--rules"], 2, err=r"^kindctx: eval: --rules needs a file")
    expect(["report"], 2, err=r"^kindctx: report: no scenario given")
    expect(["report", "-o"], 2, err=r"^kindctx: report: -o needs a file")
    expect(["explain"], 2, err=r"^kindctx: explain: no rule id given")
    expect(["check"], 2, err=r"^kindctx: check: no file given")
    expect(["batch", "-j", "0"], 2, err=r"^kindctx: batch: -j needs a number")
    expect(["batch", "-j", "x"], 2, err=r"^kindctx: batch: -j needs a number")
    expect(["batch", "-j", "257"], 2, err=r"^kindctx: batch: -j needs a number")
    expect(["batch", "-j"], 2, err=r"^kindctx: batch: -j needs a value")
    expect(["batch", "--input"], 2, err=r"^kindctx: batch: --input needs a value")
    expect(["batch", "stray.jsonl"], 2, err=r"^kindctx: batch: unexpected argument 'stray.jsonl'")


def test_missing_files():
    expect(["eval", "data/no-such.json"], 3, err=r"^kindctx: data/no-such\.json: ")
    expect(["eval"] + ["--rules", "data/no-such-rules.json", "data/gift-allergic.json"], 3,
           err=r"^kindctx: data/no-such-rules\.json: ")
    expect(["batch", "--input", "data/no-such.jsonl"], 3,
           err=r"^kindctx: data/no-such\.jsonl: cannot open: ")
    expect(["report", "-o", "/nonexistent-dir/r.html"] + RULES + SCENARIOS[:1], 3,
           err=r"^kindctx: /nonexistent-dir/r\.html: cannot open for writing: ")
    expect(["report", "-o", "-"] + RULES + ["data/no-such.json"], 3,
           err=r"^kindctx: data/no-such\.json: ")
    expect(["explain", "--rules", "data/no-such-rules.json", "x"], 3,
           err=r"^kindctx: data/no-such-rules\.json: ")
    expect(["check", "data/no-such.json"], 3, out=r"^data/no-such\.json: ")
    expect(["examples", "--dir", "data/no-such-dir"], 3, err=r"^kindctx: examples: no scenarios")


def test_write_errors():
    # A full disk (/dev/full) is an I/O error, exit 3, never a silent success.
    if not os.path.exists("/dev/full"):
        return
    cases = [["batch"] + RULES + ["--input", "data/gift-allergic.json"],
             ["eval", "--json"] + RULES + SCENARIOS,
             ["explain"] + RULES + ["process.imposed"]]
    for args in cases:
        with open("/dev/full", "wb") as full:
            p = subprocess.run([KINDCTX] + args, cwd=HERE, stdout=full, stderr=subprocess.PIPE)
        se = p.stderr.decode()
        check(p.returncode == 3 and re.search(r"^kindctx: .*(writ|No space)", se, re.M),
              f"kindctx {' '.join(args)} > /dev/full: exit {p.returncode}: {se}")
    expect(["report", "-o", "/dev/full"] + RULES + SCENARIOS, 3,
           err=r"^kindctx: /dev/full: cannot write: ")
    expect(["batch", "--input", "data"] + RULES, 3, err=r"^kindctx: data: read error")


def test_scenario_errors():
    # Exact file:line:column of each problem.
    expect(["eval"] + RULES + ["data/bad-type.json"], 1,
           err=r'\Akindctx: data/bad-type\.json:5:16: request\.urgency must be a number '
               r'from 0 to 1, found "high"\n\Z')
    expect(["eval"] + RULES + ["data/bad-syntax.json"], 1,
           err=r"\Akindctx: data/bad-syntax\.json:3:29: ")
    expect(["eval"] + RULES + ["data/typo-key.json"], 1,
           err=r'\Akindctx: data/typo-key\.json:1:33: unknown key "alergies" in receiver; '
               r'did you mean "allergies"\?')
    # Good scenarios are still judged when another fails.
    so, _ = expect(["eval", "--json"] + RULES + ["data/gift-allergic.json", "data/bad-type.json"],
                   1)
    check(json.loads(so.splitlines()[0])["scenario"] == "gift-allergic",
          "eval skipped a good scenario after a bad one")
    # From standard input the source is <stdin>.
    with open(os.path.join(DATA, "bad-type.json"), encoding="utf-8") as f:
        expect(["eval"] + RULES + ["-"], 1, stdin=f.read().encode(),
               err=r"^kindctx: <stdin>:5:16: ")
    expect(["check", "data/bad-type.json"], 1,
           out=r'^data/bad-type\.json:5:16: request\.urgency must be')
    expect(["report", "-o", "-"] + RULES + ["data/gift-allergic.json", "data/bad-type.json"], 1,
           err=r"^kindctx: data/bad-type\.json:5:16: ")


def test_rule_file_errors():
    with tempfile.TemporaryDirectory() as tmp:
        bad = os.path.join(tmp, "bad-rules.json")
        with open(bad, "w", encoding="utf-8") as f:
            f.write('{\n  "kindctx": "ruleset/1",\n  "rules": [\n    {"id": "x.y", "wieght": 1}\n'
                    '  ]\n}\n')
        for cmd in (["eval", "data/gift-allergic.json"], ["explain", "x.y"],
                    ["report", "-o", "-", "data/gift-allergic.json"]):
            expect([cmd[0], "--rules", bad] + cmd[1:], 1,
                   err=rf"^kindctx: {re.escape(bad)}:4:\d+: ")
        rc, so, se = run(["batch", "--rules", bad], stdin=b"{}\n")
        check(rc == 1 and so == "", f"batch with a bad rule file: exit {rc}, stdout {so!r}")


def test_large_rule_file():
    # Rule files are trusted configuration: one over the 1 MiB and 200,000-value
    # limits meant for scenarios still loads in every command, while a scenario
    # that large is still refused.
    with open(os.path.join(DATA, "rules.json"), encoding="utf-8") as f:
        base = json.load(f)
    copies = 500
    big = dict(base)
    big["rules"] = [dict(r, id=f"{r['id']}.c{k}") for k in range(copies) for r in base["rules"]]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "big-rules.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(big, f, indent=1)
        size = os.path.getsize(path)
        check(size > (1 << 20), f"the rule file is only {size} bytes")
        expect(["check", path], 0)
        scen = SCENARIOS[0]
        want = json.loads(expect(["eval", "--json"] + RULES + [scen], 0)[0])
        got = json.loads(expect(["eval", "--json", "--rules", path, scen], 0)[0])
        check(len(got["fired"]) == copies * len(want["fired"]),
              f"{len(got['fired'])} rules fired from the large file, "
              f"{len(want['fired'])} from the small one")
        with open(os.path.join(HERE, scen), encoding="utf-8") as f:
            line = json.dumps(json.load(f)).encode() + b"\n"
        for j in ("1", "2"):
            so, _ = expect(["batch", "-j", j, "--brief", "--rules", path], 0, stdin=line * 3)
            out = [json.loads(x) for x in so.splitlines()]
            check(len(out) == 3 and all(len(o["fired"]) == len(got["fired"]) for o in out),
                  f"batch -j {j} with the large file: {so[:300]}")
        # A scenario over 1 MiB is refused as before, by eval and by check.
        huge = os.path.join(tmp, "huge.json")
        with open(huge, "w", encoding="utf-8") as f:
            f.write('{"id": "huge", "note": "' + "x" * (1 << 21) + '"}')
        expect(["eval"] + RULES + [huge], 1, err=r"than the limit of 1048576")
        expect(["check", huge], 1, out=r"than the limit of 1048576")


def test_no_color():
    args = ["eval"] + RULES + SCENARIOS[:2]
    # Not a terminal: plain.
    _, so, se = run(args)
    check("\x1b" not in so + se, "escape codes written to a pipe")
    # A terminal: coloured; with NO_COLOR: plain.
    for cmd in (args, ["explain"] + RULES + ["safety.allergen"]):
        rc, tty, _ = run_pty(cmd)
        check(rc == 0 and "\x1b[" in tty, f"kindctx {' '.join(cmd)}: no colour on a terminal")
        rc, tty, _ = run_pty(cmd, env={"NO_COLOR": "1"})
        check(rc == 0 and "\x1b" not in tty,
              f"kindctx {' '.join(cmd)}: escape codes on a terminal with NO_COLOR set")
    # Other commands never colour a pipe.
    for cmd in (["explain"] + RULES + ["--list"], ["check", "data/bad-type.json"],
                ["report", "-o", "-"] + RULES + SCENARIOS, ["batch"] + RULES,
                ["examples", "--dir", "data"]):
        _, so, se = run(cmd, stdin=b'{"id": "a"}\n', env={"NO_COLOR": "1"})
        check("\x1b" not in so + se, f"kindctx {' '.join(cmd)}: escape codes with NO_COLOR")


# ---- golden outputs ---------------------------------------------------------

def golden_cases():
    """(golden file name, arguments, kind) of every golden output."""
    cases = []
    for path in SCENARIOS[:2]:
        name = os.path.basename(path)[:-5]
        cases.append((f"eval-{name}.json", ["eval", "--json", "--pretty"] + RULES + [path],
                      "json"))
    for rule in ["relationship.unwanted-giver", "need.urgent-need-missed", "process.imposed"]:
        cases.append((f"explain-{rule}.txt", ["explain"] + RULES + [rule], "text"))
    cases.append(("explain-list.txt", ["explain"] + RULES + ["--list"], "text"))
    return cases


def record():
    os.makedirs(GOLDEN, exist_ok=True)
    for name, args, _ in golden_cases():
        rc, so, se = run(args)
        check(rc == 0, f"kindctx {' '.join(args)}: exit {rc}: {se}")
        with open(os.path.join(GOLDEN, name), "w", encoding="utf-8") as f:
            f.write(so)
        print(f"recorded golden/{name}")


def compare_golden(kind_wanted):
    for name, args, kind in golden_cases():
        if kind != kind_wanted:
            continue
        rc, so, se = run(args)
        check(rc == 0, f"kindctx {' '.join(args)}: exit {rc}: {se}")
        path = os.path.join(GOLDEN, name)
        check(os.path.exists(path), f"golden/{name} is missing (run with --record)")
        with open(path, encoding="utf-8") as f:
            want = f.read()
        if kind == "json":
            got_v, want_v = json.loads(so), json.loads(want)
            check(got_v == want_v,
                  f"kindctx {' '.join(args)} differs from golden/{name}:\n"
                  + diff(json.dumps(want_v, indent=2), json.dumps(got_v, indent=2)))
        else:
            check(so == want, f"kindctx {' '.join(args)} differs from golden/{name}:\n"
                  + diff(want, so))


def diff(a, b):
    import difflib
    return "".join(difflib.unified_diff(a.splitlines(True), b.splitlines(True), "golden",
                                        "output"))


def test_golden_eval():
    compare_golden("json")


def test_golden_explain():
    compare_golden("text")


def test_explain():
    expect(["explain"] + RULES + ["relationship.unwanted"], 1,
           err=r'^kindctx: no rule "relationship\.unwanted" in cli-test; did you mean '
               r'"relationship\.unwanted-giver"\?')
    expect(["explain"] + RULES + ["zzzzzz"], 1, err=r'^kindctx: no rule "zzzzzz" in cli-test '
           r'\(kindctx explain --list shows them\)')
    # Several ids, separated by a blank line.
    so, _ = expect(["explain"] + RULES + ["safety.allergen", "process.asked-first"], 0)
    check("\n\nprocess.asked-first\n" in so, "two rules are not separated by a blank line")
    check("receiver.allergies shares an element with act.features" in so,
          "overlaps is not rendered in words")
    check("process.asked_what_was_needed is true" in so, "== true is not rendered in words")


def test_default_rules_smoke():
    so, _ = expect(["explain", "--list"], 0)
    ids = [line.split()[0] for line in so.splitlines() if line.strip()]
    check(len(ids) > 0, "the bundled rule set lists no rules")
    for rid in ids:
        expect(["explain", rid], 0, out=rf"^{re.escape(rid)}\n  dimension: ")
    so, _ = expect(["eval", "--json", "data/gift-allergic.json"], 0)
    check(json.loads(so)["verdict"], "eval with the bundled rules gave no verdict")


def test_coverage():
    # The bundled rules consider every side and every rule fires somewhere.
    examples = {"KINDCTX_EXAMPLES": os.path.join(ROOT, "examples", "scenarios")}
    so, se = expect(["check", "--coverage", os.path.join(ROOT, "rules", "core.json")], 0,
                    env=examples)
    check(so == "", "the bundled rules have coverage findings:\n" + so)
    check("(42 examples, 500 generated)" in se, "examples not used: " + se)
    check("0 findings" in se, "no coverage summary on stderr: " + se)
    # The bundled rules minus everything that reads power.*: flagged.
    core = json.load(open(os.path.join(ROOT, "rules", "core.json")))
    core["name"] = "no-power"
    core["rules"] = [r for r in core["rules"] if "power." not in json.dumps(r["when"])]
    core["controls"] = [c for c in core.get("controls", []) if "power." not in json.dumps(c)]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "no-power.json")
        with open(path, "w") as f:
            json.dump(core, f)
        so, _ = expect(["check", "--coverage", path], 1, env=examples)
        check("no-power: warning: no rule considers the power between giver and receiver"
              in so, "a rule set without power.* is not flagged:\n" + so)
        check("considers the relationship" not in so, "false finding:\n" + so)


def test_readers():
    # The same result for the giver, a supporter and the rule author.
    scen = os.path.join(ROOT, "examples", "scenarios", "essay-04-flowers-starving-asked-food.json")
    giver, _ = expect(["eval", "--for", "giver", scen], 0)
    check("What could help:" in giver, "the giver's summary offers no help:\n" + giver)
    supporter, _ = expect(["eval", "--for", "supporter", scen], 0)
    check("For the person receiving it" in supporter, "no supporter wording:\n" + supporter)
    author, _ = expect(["eval", "--for", "author", scen], 0)
    check("Verdict dismissive: score" in author and "held" in author,
          "no author summary or trace:\n" + author)
    so, _ = expect(["eval", "--json", "--for", "author", scen], 0)
    res = json.loads(so)
    check(res["reader"] == "author" and all("trace" in f for f in res["fired"]),
          "author JSON lacks traces")
    check(res["intent"]["reading"] == "well meant", "intent not read apart")
    check(res["changes"]["options"] and res["changes"]["options"][0]["verdict"] == "kind",
          "no change reaches kind for essay-04")
    expect(["eval", "--for", "nobody", scen], 2, err=r"^kindctx: eval: --for takes")


# ---- report ------------------------------------------------------------------

class Page(HTMLParser):
    """Collects what the report tests look at."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bars = {}  # scenario id -> [rule ids of its bars]
        self.section = None
        self.tags = []
        self.text = []
        self.viewport = False
        self.style = ""
        self.in_style = False
        self.external = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "section" and "data-scenario" in a:
            self.section = a["data-scenario"]
            self.bars[self.section] = []
        if tag == "rect" and "bar" in (a.get("class") or "").split():
            self.bars.setdefault(self.section, []).append(a.get("data-rule"))
        if tag == "meta" and a.get("name") == "viewport":
            self.viewport = True
        if tag == "style":
            self.in_style = True
        for key in ("src", "href"):
            v = a.get(key)
            if v is not None and not v.startswith("#"):
                self.external.append(f"{tag} {key}={v}")

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.style += data
        else:
            self.text.append(data)


def fired_by_scenario(paths):
    rc, so, se = run(["eval", "--json"] + RULES + paths)
    check(rc == 0, f"eval --json failed: {se}")
    results = [json.loads(line) for line in so.splitlines()]
    return {r["scenario"]: [f["rule"] for f in r["fired"]] for r in results}


def test_report():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r.html")
        expect(["report", "-o", out] + RULES + SCENARIOS, 0)
        with open(out, encoding="utf-8") as f:
            html = f.read()
        page = Page()
        page.feed(html)
        want = fired_by_scenario(SCENARIOS)
        # One bar per fired rule (bars are grouped by dimension, so compare as sets).
        check({k: sorted(v) for k, v in page.bars.items()} ==
              {k: sorted(v) for k, v in want.items()},
              f"bars per scenario {page.bars} != fired rules {want}")
        check(page.viewport, "no viewport meta")
        check("@media print" in page.style, "no print styles")
        check("<script" not in html.lower(), "the report has a script")
        check(not page.external, f"the report loads or links outside itself: {page.external}")
        check(not re.search(r"url\(|@import|https?://(?!www\.w3\.org/2000/svg)", html),
              "the report refers to something outside itself")
        check(html.startswith("<!DOCTYPE html>"), "not an HTML5 document")
        # Text is escaped: the title has <, & and quotes.
        check("with &lt;little&gt; known &amp; &quot;quoted&quot;" in html,
              "the title is not escaped")
        text = "".join(page.text)
        for needle in ("harmful", "Vetoes", "Open questions", "relationship.wanted",
                       "could make it", "They are allergic to pollen."):
            check(needle in text, f"the report does not show {needle!r}")
        # Same input, same bytes; stdout is the same page.
        so, _ = expect(["report", "-o", "-"] + RULES + SCENARIOS, 0)
        check(so == html, "report -o - differs from the file")
        # Default output name.
        rc, _, se = run(["report", "--rules", os.path.join(DATA, "rules.json"),
                         os.path.join(HERE, SCENARIOS[0])], cwd=tmp)
        check(rc == 0 and os.path.exists(os.path.join(tmp, "report.html")),
              f"no report.html in the working directory by default: {se}")
        # A bad scenario: nothing written.
        bad_out = os.path.join(tmp, "bad.html")
        expect(["report", "-o", bad_out] + RULES + ["data/bad-type.json"], 1)
        check(not os.path.exists(bad_out), "a report was written despite a bad scenario")


# ---- batch --------------------------------------------------------------------

def test_batch_small():
    lines = []
    for path in SCENARIOS:
        with open(os.path.join(HERE, path), encoding="utf-8") as f:
            lines.append(json.dumps(json.load(f)))
    text = "\r\n".join(lines[:2]) + "\r\n\n{oops\n" + lines[2]  # CRLF, blank, bad, no final \n
    rc, so, se = run(["batch"] + RULES, stdin=text.encode())
    check(rc == 1, f"batch exit {rc}, expected 1: {se}")
    check(re.search(r"^kindctx: batch: 2 of 5 lines could not be judged$", se, re.M),
          f"batch stderr: {se}")
    out = so.splitlines()
    check(len(out) == 5, f"{len(out)} output lines for 5 input lines")
    rc2, so2, _ = run(["eval", "--json"] + RULES + SCENARIOS)
    want = [json.loads(x) for x in so2.splitlines()]
    for w in want:  # batch leaves out the (costly) "what would make it kind" search
        w.pop("changes", None)
    got = [json.loads(x) for x in out]
    check(got[0] == want[0] and got[1] == want[1] and got[4] == want[2],
          "batch results differ from eval --json")
    check(got[2] == {"line": 3, "error": {"status": "KC_ESYNTAX",
                                          "message": got[2]["error"]["message"],
                                          "line": 3, "column": 1}}, f"blank line: {got[2]}")
    check(got[3]["line"] == 4 and got[3]["error"]["status"] == "KC_ESYNTAX" and
          got[3]["error"]["column"] == 2, f"bad line: {got[3]}")
    # Wrong types and a non-object, with the column inside the line.
    rc, so, _ = run(["batch"] + RULES,
                    stdin=b'{"id": "a", "request": {"urgency": "high"}}\n[1]\n')
    e = [json.loads(x) for x in so.splitlines()]
    check(e[0]["error"]["status"] == "KC_ESCHEMA" and e[0]["error"]["column"] == 36 and
          e[0]["error"]["path"] == "/request/urgency", f"wrong type: {e[0]}")
    check(e[1]["line"] == 2 and e[1]["error"]["status"] == "KC_ESCHEMA", f"array: {e[1]}")
    # All good: exit 0. Empty input: no output, exit 0.
    expect(["batch"] + RULES, 0, stdin=(lines[0] + "\n").encode())
    so, _ = expect(["batch"] + RULES, 0, stdin=b"")
    check(so == "", "output for empty input")
    # --input - is standard input; -j4, -j 4 and --jobs=4 are the same.
    for args in (["--input", "-"], ["-j4"], ["-j", "4"], ["--jobs=4"]):
        rc, so3, _ = run(["batch"] + RULES + args, stdin=text.encode())
        check(rc == 1 and so3 == so_all(text), f"batch {args} differs")


def so_all(text):
    return run(["batch"] + RULES, stdin=text.encode())[1]


def test_batch_lax():
    # The peer benchmark's shape: "request.need" (singular) looks like a typo of
    # "needs" to the scenario check; --lax judges it anyway.
    line = b'{"id": "peer-1", "request": {"need": "food"}, "act": {"meets": ["food"]}}\n'
    rc, so, _ = run(["batch"] + RULES, stdin=line)
    check(rc == 1 and json.loads(so)["error"]["status"] == "KC_ESCHEMA",
          f"default mode accepted a foreign shape: {so}")
    rc, so, _ = run(["batch", "--lax"] + RULES, stdin=line + b"[1]\n")
    out = [json.loads(x) for x in so.splitlines()]
    check(out[0].get("scenario") == "peer-1", f"--lax did not judge it: {out[0]}")
    check(out[1]["error"]["status"] == "KC_ESCHEMA" and out[1]["line"] == 2,
          f"--lax accepted a non-object: {out[1]}")


def test_batch_long_line():
    # A line over the 1 MiB input limit is one error; the lines around it are fine.
    good = b'{"id": "a"}'
    long_line = b'{"id": "b", "x": "' + b"y" * (1 << 21) + b'"}'
    rc, so, _ = run(["batch", "-j", "2"] + RULES, stdin=good + b"\n" + long_line + b"\n" + good)
    out = [json.loads(x) for x in so.splitlines()]
    check(len(out) == 3 and out[0]["scenario"] == "a" and out[2]["scenario"] == "a",
          f"lines around a long one: {so[:500]}")
    check(out[1]["line"] == 2 and out[1]["error"]["status"] == "KC_ELIMIT", f"long: {out[1]}")


def test_batch_progress():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "in.jsonl")
        generate(path, 3000, seed=7)
        for env in ({}, {"NO_COLOR": "1"}):
            rc, tty, out = run_pty(["batch"] + RULES + ["--input", path], env=env,
                                   stdout_tty=False, stderr_tty=True)
            check(rc == 1, f"exit {rc}")
            check(re.search(r"\[[#.]{24}\] +\d+%  \d+ scenarios/s  ETA ", tty),
                  f"no progress bar on a terminal: {tty!r}")
            check("\x1b" not in tty, "the progress bar uses escape codes")
            check(len(out.splitlines()) == 3000, "progress bar changed the output")
        rc, tty, _ = run_pty(["batch", "--no-progress"] + RULES + ["--input", path],
                             stdout_tty=False, stderr_tty=True)
        check("scenarios/s" not in tty, "--no-progress drew a bar")
        # Not a regular file: no bar.
        rc, tty, _ = run_pty(["batch"] + RULES + ["--input", "/dev/null"], stdout_tty=False,
                             stderr_tty=True)
        check(tty == "", f"a bar for a non-file input: {tty!r}")


# A scenario generator: deterministic, with ~1% malformed lines of three kinds.
WORDS = {
    "features": ["pollen", "scented", "nuts", "food", "symbolic", "in_person", "latex"],
    "needs": ["food", "comfort", "rest", "safety", "company", "beauty", "money"],
    "categories": ["gift", "advice", "food", "practical_help", "contact"],
    "types": ["friend", "partner", "stalker", "abusive_ex", "colleague", "stranger", "family"],
}


def scenario(rng, i):
    s = {"kindctx": "scenario/1", "id": f"gen-{i}"}
    act = {"kind": "thing", "category": rng.choice(WORDS["categories"])}
    if rng.random() < 0.9:
        act["features"] = rng.sample(WORDS["features"], rng.randint(0, 3))
    act["meets"] = rng.sample(WORDS["needs"], rng.randint(1, 2))
    s["act"] = act
    req = {"asked": rng.random() < 0.5, "needs": rng.sample(WORDS["needs"], rng.randint(1, 2))}
    if rng.random() < 0.7:
        req["urgency"] = round(rng.random(), 2)
    s["request"] = req
    if rng.random() < 0.8:
        s["receiver"] = {"allergies": rng.sample(["pollen", "nuts", "latex"], rng.randint(0, 1))}
    if rng.random() < 0.85:
        s["relationship"] = {"type": rng.choice(WORDS["types"]), "wanted": rng.random() < 0.8,
                             "trust": round(rng.random(), 2)}
    proc = {}
    for k in ("asked_what_was_needed", "imposed", "joint_decision"):
        if rng.random() < 0.7:
            proc[k] = rng.random() < 0.4
    s["process"] = proc
    s["summary"] = "Generated scenario number %d: ünïcödé text, \"quotes\" and \\ too." % i
    return s


def generate(path, n, seed=20251125):
    """Writes n lines; returns the set of line numbers that must fail."""
    rng = random.Random(seed)
    bad = set()
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for i in range(1, n + 1):
            r = rng.random()
            if r < 0.004:
                line = json.dumps(scenario(rng, i))[:-7]  # truncated JSON
                bad.add(i)
            elif r < 0.007:
                s = scenario(rng, i)
                s["request"]["urgency"] = "very"  # wrong type
                line = json.dumps(s)
                bad.add(i)
            elif r < 0.01:
                line = ""  # blank
                bad.add(i)
            else:
                line = json.dumps(scenario(rng, i), ensure_ascii=rng.random() < 0.5)
            f.write(line + "\n")
    return bad


def test_batch_large():
    n = 100000
    if os.environ.get("KINDCTX_SANITIZED"):
        n = 10000
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "in.jsonl")
        bad = generate(path, n)
        outs = {}
        for jobs in ("1", "4"):
            out_path = os.path.join(tmp, f"out-{jobs}.jsonl")
            with open(out_path, "wb") as out:
                p = subprocess.run([KINDCTX, "batch", "-j", jobs, "--input", path] + RULES,
                                   cwd=HERE, stdout=out, stderr=subprocess.PIPE, timeout=900)
            se = p.stderr.decode()
            check(p.returncode == 1, f"-j {jobs}: exit {p.returncode}, expected 1: {se}")
            check(f"{len(bad)} of {n} lines could not be judged" in se, f"-j {jobs}: {se}")
            with open(out_path, "rb") as f:
                outs[jobs] = f.read()
        check(outs["1"] == outs["4"], "-j 1 and -j 4 give different output")
        lines = outs["1"].decode("utf-8").split("\n")
        check(lines[-1] == "", "output does not end with a newline")
        lines.pop()
        check(len(lines) == n, f"{len(lines)} output lines for {n} input lines")
        errors = set()
        for i, line in enumerate(lines, 1):
            v = json.loads(line)
            if "error" in v:
                check(v["line"] == i and v["error"]["line"] == i, f"line {i}: {line}")
                errors.add(i)
            else:
                check(v["scenario"] == f"gen-{i}", f"line {i} is the result of {v['scenario']}")
        check(errors == bad, f"error lines differ: missing {sorted(bad - errors)[:10]}, "
                             f"extra {sorted(errors - bad)[:10]}")
        print(f"{n} lines, {len(bad)} malformed: -j 1 and -j 4 identical")


# ---- valgrind (registered when the build has KINDCTX_VALGRIND_TESTS) -------------

def valgrind_batch(tool_args):
    vg = os.environ.get("KINDCTX_VALGRIND") or shutil.which("valgrind")
    check(vg, "valgrind is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "in.jsonl")
        bad = generate(path, 3000, seed=11)  # three chunks and a bit, ~1% malformed
        with open(path, "ab") as f:  # a last line without a newline
            f.write(b'{"id": "last"}')
        cmd = [vg, "-q", "--error-exitcode=99"] + tool_args + [
            KINDCTX, "batch", "-j", "4", "--input", path] + RULES
        p = subprocess.run(cmd, cwd=HERE, capture_output=True, timeout=1800)
        se = p.stderr.decode("utf-8", "replace")
        check(p.returncode == 1, f"exit {p.returncode} (99: valgrind found errors):\n{se[-6000:]}")
        check(se.strip() == f"kindctx: batch: {len(bad)} of 3001 lines could not be judged",
              f"valgrind reported something:\n{se[-6000:]}")
        check(len(p.stdout.splitlines()) == 3001, "lines lost under valgrind")


def test_valgrind_memcheck():
    memcheck = ["--leak-check=full", "--errors-for-leak-kinds=definite,indirect,possible"]
    valgrind_batch(memcheck)
    vg = os.environ.get("KINDCTX_VALGRIND") or shutil.which("valgrind")
    with tempfile.TemporaryDirectory() as tmp:
        for args, code in ((["report", "-o", os.path.join(tmp, "r.html")] + RULES + SCENARIOS, 0),
                           (["explain"] + RULES + ["need.urgent-need-missed", "process.imposed"],
                            0),
                           (["explain"] + RULES + ["nope"], 1),
                           (["eval"] + RULES + SCENARIOS + ["data/bad-type.json"], 1)):
            p = subprocess.run([vg, "-q", "--error-exitcode=99"] + memcheck + [KINDCTX] + args,
                               cwd=HERE, capture_output=True, timeout=600)
            se = p.stderr.decode("utf-8", "replace")
            check(p.returncode == code and "==" not in se,
                  f"kindctx {' '.join(args)} under memcheck: exit {p.returncode}\n{se[-6000:]}")


def test_valgrind_helgrind():
    valgrind_batch(["--tool=helgrind"])


# ---- manual page -------------------------------------------------------------

def test_man_page():
    groff = shutil.which("groff")
    check(groff, "groff is not installed")
    page = os.path.join(HERE, "..", "..", "docs", "kindctx.1")
    p = subprocess.run([groff, "-man", "-Tutf8", "-ww", "-z", page], capture_output=True)
    check(p.returncode == 0 and p.stderr == b"", f"groff warnings: {p.stderr.decode()}")
    p = subprocess.run([groff, "-man", "-Tutf8", page], capture_output=True,
                       env=dict(os.environ, MANWIDTH="80"))
    text = re.sub(r".\x08", "", p.stdout.decode("utf-8", "replace"))
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "OPTIONS", "EXIT STATUS",
                    "ENVIRONMENT", "FILES", "EXAMPLES", "SEE ALSO"):
        check(re.search(rf"^{section}$", text, re.M), f"the manual has no {section} section")
    for cmd in COMMANDS:
        check(re.search(rf"^       {cmd}\b", text, re.M),
              f"the manual's COMMANDS does not describe {cmd}")
    for var in ("NO_COLOR", "KINDCTX_EXAMPLES"):
        check(var in text, f"the manual does not mention {var}")


TESTS = {name[5:]: fn for name, fn in sorted(globals().items())
         if name.startswith("test_") and callable(fn)}


def main(argv):
    global KINDCTX
    if len(argv) >= 2 and argv[1] == "--generate":
        bad = generate(argv[3], int(argv[2]))
        print(f"wrote {argv[2]} lines to {argv[3]}, {len(bad)} malformed")
        return 0
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    KINDCTX = os.path.abspath(argv[1])
    if argv[2] == "--record":
        record()
        return 0
    names = [t for t in TESTS if not t.startswith("valgrind_")] if argv[2] == "all" \
        else [argv[2]]
    failed = 0
    for name in names:
        if name not in TESTS:
            print(f"no test {name!r}; tests: {', '.join(TESTS)}", file=sys.stderr)
            return 2
        try:
            TESTS[name]()
            print(f"ok {name}")
        except Fail as e:
            print(f"FAIL {name}: {e}")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
