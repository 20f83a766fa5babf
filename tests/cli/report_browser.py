#!/usr/bin/env python3
"""Opens a `kindctx report` page in a real headless browser (Debian's chromium).

    report_browser.py KINDCTX ARTIFACT_DIR

Writes a report for three scenarios with the test rule set, then has chromium
(1) render it and dump the DOM, and (2) take a phone-width screenshot. Checks:
the page rendered, it has exactly one rect.bar per fired rule of each scenario
(compared with `kindctx eval --json`), chromium reported no console errors, and
the screenshot is a non-empty PNG. The page, the DOM and the screenshot are kept
in ARTIFACT_DIR (report.html, report.dom.html, report.png).

chromium missing is a failure, not a skip: this test is only registered when
the build is configured with -DKINDCTX_BROWSER_TESTS=ON, which says the browser
is there (.ci/stages/60-cli-browser.sh installs it).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = ["data/gift-allergic.json", "data/stalker-flowers.json", "data/soup-unknowns.json"]
RULES = ["--rules", "data/rules.json"]
BROWSERS = ["chromium", "chromium-browser"]
CONSOLE_ERRORS = ("Uncaught", "ERROR:CONSOLE", "CONSOLE(", "Refused to", "net::ERR_")


class Bars(HTMLParser):
    def __init__(self):
        super().__init__()
        self.section = None
        self.bars = {}
        self.sections = 0
        self.svgs = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and "data-scenario" in a:
            self.section = a["data-scenario"]
            self.bars.setdefault(self.section, [])
            self.sections += 1
        elif tag == "svg":
            self.svgs += 1
        elif tag == "rect" and "bar" in (a.get("class") or "").split():
            self.bars.setdefault(self.section, []).append(a.get("data-rule"))


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def chromium_args(browser, profile):
    return [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0"]


def console_errors(stderr):
    return [line for line in stderr.splitlines() if any(m in line for m in CONSOLE_ERRORS)]


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    kindctx, artifacts = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    browser = next((b for b in (shutil.which(n) for n in BROWSERS) if b), None)
    if not browser:
        fail("chromium is not installed (apt-get install -y --no-install-recommends chromium "
             "fonts-dejavu-core); this test does not skip")
    os.makedirs(artifacts, exist_ok=True)
    page = os.path.join(artifacts, "report.html")
    dom_path = os.path.join(artifacts, "report.dom.html")
    shot = os.path.join(artifacts, "report.png")
    for path in (page, dom_path, shot):
        if os.path.exists(path):
            os.remove(path)

    p = subprocess.run([kindctx, "report", "-o", page] + RULES + SCENARIOS, cwd=HERE,
                       capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"kindctx report: exit {p.returncode}: {p.stderr}")
    p = subprocess.run([kindctx, "eval", "--json"] + RULES + SCENARIOS, cwd=HERE,
                       capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"kindctx eval --json: exit {p.returncode}: {p.stderr}")
    fired = {}
    for line in p.stdout.splitlines():
        r = json.loads(line)
        fired[r["scenario"]] = sorted(f["rule"] for f in r["fired"])

    url = "file://" + page
    with tempfile.TemporaryDirectory() as profile:
        # 1. Render and dump the DOM as the browser built it.
        d = subprocess.run(chromium_args(browser, profile) + ["--dump-dom", url],
                           capture_output=True, text=True, timeout=180)
        if d.returncode != 0 or "<html" not in d.stdout:
            fail(f"chromium --dump-dom: exit {d.returncode}\n{d.stderr[-3000:]}")
        with open(dom_path, "w", encoding="utf-8") as f:
            f.write(d.stdout)
        errors = console_errors(d.stderr)
        # 2. A screenshot at a phone's width.
        s = subprocess.run(chromium_args(browser, profile) +
                           [f"--screenshot={shot}", "--window-size=412,2000", url],
                           capture_output=True, text=True, timeout=180, cwd=artifacts)
        errors += console_errors(s.stderr)
        if s.returncode != 0:
            fail(f"chromium --screenshot: exit {s.returncode}\n{s.stderr[-3000:]}")

    if errors:
        fail("console errors:\n" + "\n".join(errors))
    dom = Bars()
    dom.feed(d.stdout)
    if dom.sections != len(SCENARIOS):
        fail(f"the rendered page has {dom.sections} scenario sections, expected {len(SCENARIOS)}")
    got = {k: sorted(v) for k, v in dom.bars.items()}
    if got != fired:
        fail(f"bars in the rendered page {got}\n!= fired rules {fired}")
    total = sum(len(v) for v in fired.values())
    if not os.path.exists(shot) or os.path.getsize(shot) == 0:
        fail(f"no screenshot at {shot}")
    with open(shot, "rb") as f:
        if f.read(8) != b"\x89PNG\r\n\x1a\n":
            fail(f"{shot} is not a PNG")
    print(f"ok: {dom.sections} scenarios, {total} bars = {total} fired rules, "
          f"no console errors")
    print(f"screenshot: {shot}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
