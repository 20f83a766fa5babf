#!/usr/bin/env python3
"""Regenerates the fuzz seed corpora (fuzz/corpus/<target>/) and dictionaries
(fuzz/<target>.dict) from the repository's own data. Deterministic: running it
again on the same tree rewrites the same files. Run from anywhere:

    python3 tests/tools/make_fuzz_corpus.py

Seeds come from rules/, tests/data/rules, tests/data/rule-errors,
examples/scenarios, tests/data/scenario-errors, tests/data/json and the JSON
Logic compatibility suites in tests/data/jsonlogic. The corpus is kept small
(well under 2 MB): libFuzzer grows its own copy during a run
(.ci/stages/70-fuzz.sh never writes into fuzz/corpus).
"""
import glob
import json
import os
import shutil
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
FUZZ = os.path.join(ROOT, "fuzz")


def rel(*p):
    return os.path.join(ROOT, *p)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def compact(v):
    return json.dumps(v, ensure_ascii=False, separators=(",", ":")).encode()


class Corpus:
    def __init__(self, name):
        self.dir = os.path.join(FUZZ, "corpus", name)
        self.files = {}
        self.seen = set()

    def add(self, name, data):
        if data in self.seen:
            return
        self.seen.add(data)
        safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in name)
        assert safe not in self.files, safe
        self.files[safe] = data

    def write(self):
        if os.path.isdir(self.dir):
            shutil.rmtree(self.dir)
        os.makedirs(self.dir)
        for name, data in sorted(self.files.items()):
            with open(os.path.join(self.dir, name), "wb") as f:
                f.write(data)
        return len(self.files), sum(len(d) for d in self.files.values())


def rule_files():
    out = [("core.json", rel("rules", "core.json"))]
    out += [(os.path.basename(p), p) for p in sorted(glob.glob(rel("tests", "data", "rules", "*.json")))]
    for d in sorted(glob.glob(rel("tests", "data", "rule-errors", "*"))):
        case = os.path.basename(d)
        for f in ("base.json", "input.json"):
            if os.path.exists(os.path.join(d, f)):
                out.append(("err-%s-%s" % (case, f), os.path.join(d, f)))
    return [(n, p) for n, p in out if os.path.exists(p)]


def make_rules():
    # fuzz_rules composes with the bundled rule set when the first byte is
    # odd ('{' and '\r' are, ' ' is not) and also searches for changes when
    # bit 2 is set ('\r'): seed the real rule sets all three ways.
    c = Corpus("rules")
    for name, path in rule_files():
        data = read(path)
        c.add(name, data)
        if not name.startswith("err-"):
            c.add("alone-" + name, b" " + data)
            c.add("changes-" + name, b"\r" + data)
    return c


def make_scenario():
    c = Corpus("scenario")
    for p in sorted(glob.glob(rel("examples", "scenarios", "*.json"))):
        c.add(os.path.basename(p), read(p))
    for d in sorted(glob.glob(rel("tests", "data", "scenario-errors", "*"))):
        p = os.path.join(d, "input.json")
        if os.path.exists(p):
            c.add("err-%s.json" % os.path.basename(d), read(p))
    for p in sorted(glob.glob(rel("tests", "data", "json", "*.json"))):
        c.add("json-" + os.path.basename(p), read(p))
    return c


def jsonlogic_cases():
    for path in sorted(glob.glob(rel("tests", "data", "jsonlogic", "suites", "**", "*.json"), recursive=True)):
        try:
            cases = json.load(open(path, encoding="utf-8"))
        except ValueError:
            continue
        base = os.path.relpath(path, rel("tests", "data", "jsonlogic", "suites"))
        base = base[:-5].replace(os.sep, "-")
        for i, case in enumerate(cases):
            if isinstance(case, dict) and "rule" in case:
                yield base, i, case


def make_logic():
    # First line: the rule; the rest: the data (absent: null).
    c = Corpus("logic")
    for base, i, case in jsonlogic_cases():
        data = compact(case["rule"])
        if "data" in case:
            data += b"\n" + compact(case["data"])
        c.add("%s-%03d" % (base, i), data)
    core = json.load(open(rel("rules", "core.json"), encoding="utf-8"))
    scenarios = sorted(glob.glob(rel("examples", "scenarios", "*.json")))
    for i, rule in enumerate(core.get("rules", [])):
        sc = json.load(open(scenarios[i % len(scenarios)], encoding="utf-8")) if scenarios else {}
        c.add("core-%s" % rule["id"], compact(rule["when"]) + b"\n" + compact(sc))
    return c


def templates_of(rules):
    for r in rules:
        for key in ("because", "advice"):
            v = r.get(key)
            if isinstance(v, str):
                yield r["id"], key, v
        for reader, texts in sorted((r.get("readers") or {}).items()):
            for key in ("because", "advice"):
                v = texts.get(key) if isinstance(texts, dict) else None
                if isinstance(v, str):
                    yield r["id"], "%s-%s" % (reader, key), v


def make_template():
    c = Corpus("template")
    for path in [rel("rules", "core.json")] + sorted(glob.glob(rel("tests", "data", "rules", "*.json"))):
        if not os.path.exists(path):
            continue
        doc = json.load(open(path, encoding="utf-8"))
        stem = os.path.basename(path)[:-5]
        for rid, key, text in templates_of(doc.get("rules", [])):
            c.add("%s-%s-%s" % (stem, rid, key), text.encode())
    # The edges of the template syntax (docs/rules.md, Templates).
    edges = {
        "empty": "",
        "literal-braces": "A literal {{{{ and }} here.",
        "list": "Allergic to {{receiver.allergies}}.",
        "index": "First: {{act.features.0}}, last: {{act.features.2}}.",
        "missing": "Unknown: {{request.needs}} and {{no.such.path}}.",
        "types": "{{x.n}} {{x.t}} {{x.empty}} {{x.deep}} {{relationship.trust}} {{title}}",
        "whitespace": "{{ receiver.likes }}",
        "unterminated": "Oops {{receiver.allergies",
        "empty-placeholder": "{{}}",
        "not-a-path": "{{a..b}}",
        "big-index": "{{act.features.99999999999999999999}}",
        "unicode": "Caf\u00e9 \u20ac {{act.words}} \U0001f338",
    }
    for name, text in edges.items():
        c.add("edge-" + name, text.encode())
    return c


# ---------------------------------------------------------------- dictionaries

JSON_TOKENS = [b"{", b"}", b"[", b"]", b":", b",", b'"', b'\\"', b"\\\\", b"\\/", b"\\b", b"\\f",
               b"\\n", b"\\r", b"\\t", b"\\u0000", b"\\u0041", b"\\u00e9", b"\\ud83d\\ude00",
               b"\\ud800", b"\\udc00", b"true", b"false", b"null", b"0", b"-0", b"1e400",
               b"-1e400", b"1e-400", b"0.5", b"1E+2", b"9007199254740993", b"-", b".", b"e",
               b"E", b"+", b" ", b"\t", b"\n", b"\r", b"\x0b", b"\x0c", b"\x00",
               "\u00e9".encode(), "\u20ac".encode(), "\U0001f600".encode(), b"\xed\xa0\x80",
               b"\xc0\xaf", b"\xff", b"\xef\xbb\xbf", "\u2028".encode(), "\u00a0".encode()]
OPS = ("var val exists missing missing_some ?? if ?: and or ! !! == != === !== < <= > >= + - "
       "* / % min max cat substr in merge map filter reduce all some none throw try preserve "
       "overlaps intersection subset").split()
RULE_KEYS = ("kindctx ruleset/1 name version description dimensions verdicts policy bands min "
             "verdict override controls rules id label scored dimension weight veto when because "
             "advice source tags readers giver supporter author intent fact prefer from withdraw "
             "x-note").split()
SECTIONS = ("kindctx scenario/1 id title summary act request receiver relationship power history "
            "process intent expected").split()
FIELDS = ("kind category features meets words asked explicit needs urgency allergies aversions "
          "likes boundaries type wanted trust collaborative threatening differential can_refuse "
          "controls_liberty_or_care setting coercive_setting prior_harm_by_giver "
          "harm_acknowledged bad_experiences asked_what_was_needed listened joint_decision "
          "tried_together handed_over_and_left follow_up stance imposed benevolent aim verdict "
          "factors questions why").split()
VALUES = ("gift practical_help advice self_help_resource emotional_support physical_contact "
          "contact money food treatment information time other shelter safety help_with_distress "
          "company space celebration beauty comfort rest care recognition nothing friend partner "
          "family colleague manager employee clinician patient teacher neighbour stranger stalker "
          "abusive_ex jailer carer volunteer official home community workplace clinic hospital "
          "involuntary_care detention school online public empathy sympathy neutral kind mixed "
          "dismissive harmful pollen nuts surprise no_touch").split()
PATHS = ("act.features act.meets act.kind act.category request.needs request.asked "
         "receiver.allergies receiver.aversions receiver.likes receiver.boundaries "
         "relationship.wanted relationship.type relationship.trust power.differential "
         "power.can_refuse history.bad_experiences history.prior_harm_by_giver process.stance "
         "process.imposed intent.benevolent x.n.0 x.deep.0.0").split()


def dict_entry(b):
    out = ""
    for c in b:
        if c == 0x5C:
            out += "\\\\"
        elif c == 0x22:
            out += '\\"'
        elif 0x20 <= c < 0x7F:
            out += chr(c)
        else:
            out += "\\x%02X" % c
    return '"%s"' % out


def write_dict(name, groups):
    seen = set()
    lines = ["# libFuzzer dictionary for fuzz_%s (docs/security.md); generated by" % name,
             "# tests/tools/make_fuzz_corpus.py. In an entry, \\\\ is a backslash, \\\" a quote",
             "# and \\xAB any byte."]
    for title, toks in groups:
        lines.append("# " + title)
        for t in toks:
            t = t.encode() if isinstance(t, str) else t
            if t not in seen:
                seen.add(t)
                lines.append(dict_entry(t))
    with open(os.path.join(FUZZ, name + ".dict"), "w") as f:
        f.write("\n".join(lines) + "\n")


def quoted(words):
    return ['"%s"' % w for w in words]


def make_dicts():
    write_dict("rules", [("JSON", JSON_TOKENS), ("rule-set keys", quoted(RULE_KEYS)),
                         ("operators", quoted(OPS)), ("facts", quoted(PATHS)),
                         ("templates", ["{{", "}}", "{{{{", "{{receiver.allergies}}"]),
                         ("scenario values", quoted(VALUES[:30]))])
    write_dict("scenario", [("JSON", JSON_TOKENS), ("sections", quoted(SECTIONS)),
                            ("fields", quoted(FIELDS)), ("values", quoted(VALUES))])
    write_dict("logic", [("JSON", JSON_TOKENS), ("operators", quoted(OPS)),
                         ("operator calls", ['{"%s":' % o for o in OPS]),
                         ("var paths", quoted(PATHS + ["", "a", "a.b", "0", "current",
                                                       "accumulator", "index", "type"])),
                         ("the line between rule and data", [b"\n"])])
    write_dict("template", [("placeholders", ["{{", "}}", "{{{{", "}}}}", "{{ ", " }}", ".", "..",
                                              "0", "99999999999"]),
                            ("paths", PATHS + ["title", "id", "x", "x.n", "x.deep", "x.empty",
                                               "x.t", "act.words", "intent.aim"]),
                            ("text", ["\u00e9".encode(), "\u20ac".encode(),
                                      "\U0001f338".encode(), b"\xff", b"\x00", b"\n", b'"',
                                      b"\\"])])


def main():
    total = 0
    for make in (make_rules, make_scenario, make_logic, make_template):
        c = make()
        n, size = c.write()
        total += size
        print("fuzz/corpus/%s: %d files, %d bytes" % (os.path.basename(c.dir), n, size))
    make_dicts()
    print("total: %d bytes; dictionaries: fuzz/*.dict" % total)
    if total > 2 * 1024 * 1024:
        print("corpus is over 2 MB: trim it", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
