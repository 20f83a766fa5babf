#!/usr/bin/env python3
"""Validate kindctx data files against their JSON Schemas.

Usage: schema_check.py [REPO_ROOT]

REPO_ROOT defaults to the parent of the directory holding this script.

For every (schema, glob) pair in VALIDATE below, each matching file must:
  - be UTF-8 strict JSON (no duplicate keys, no NaN/Infinity, no BOM);
  - validate against the schema (JSON Schema draft 2020-12).
Scenario files are also checked for:
  - an id that matches the file name stem (NAME.json or NAME.scenario.json);
  - ids that are unique across every scenario file checked;
  - expected.verdict in kind/mixed/dismissive/harmful;
  - expected.questions naming only paths that are absent from the scenario.
Bundled examples (examples/scenarios/*.json) must also carry an expected
block and be named essay-NN-name.json or everyday-NN-name.json.

Prints one line per problem as "path: message" on stdout and exits 1 if there
was any problem, 2 if the checker itself cannot run, 0 otherwise.
Needs python3 and python3-jsonschema (>= 4.0, for Draft202012Validator).
"""

import glob
import json
import os
import re
import sys

# ---------------------------------------------------------------------------
# Files to validate: (schema, glob) pairs, both relative to the repo root.
# Add rule files (or any other data) here once their schema exists, e.g.
#     ("schemas/rules.schema.json", "rules/*.json"),
# A glob listed in REQUIRED_GLOBS must match at least one file.
# ---------------------------------------------------------------------------
SCENARIO_SCHEMA = "schemas/scenario.schema.json"
RULESET_SCHEMA = "schemas/ruleset.schema.json"
BUNDLED_SCENARIOS = "examples/scenarios/*.json"

VALIDATE = [
    (SCENARIO_SCHEMA, BUNDLED_SCENARIOS),
    (SCENARIO_SCHEMA, "examples/custom/*.scenario.json"),
    # --- rule files go here ---
    (RULESET_SCHEMA, "rules/*.json"),
    (RULESET_SCHEMA, "examples/custom/*.rules.json"),
]

REQUIRED_GLOBS = {BUNDLED_SCENARIOS}

VERDICTS = ("kind", "mixed", "dismissive", "harmful")
BUNDLED_NAME = re.compile(r"^(essay|everyday)-[0-9]{2}-[a-z0-9]+(-[a-z0-9]+)*$")


class DuplicateKey(ValueError):
    pass


def _reject_duplicates(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise DuplicateKey("duplicate key %s" % json.dumps(key))
        obj[key] = value
    return obj


def _reject_constant(name):
    raise ValueError("%s is not valid JSON" % name)


def load_strict(path):
    """Parse a file as strict JSON. Returns (value, None) or (None, message)."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        return None, "cannot read: %s" % e.strerror
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, "starts with a UTF-8 byte order mark"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, "not UTF-8 (byte offset %d)" % e.start
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicates,
                          parse_constant=_reject_constant), None
    except json.JSONDecodeError as e:
        return None, "line %d column %d: %s" % (e.lineno, e.colno, e.msg)
    except ValueError as e:  # DuplicateKey, NaN/Infinity
        return None, str(e)


def json_pointer(parts):
    out = ""
    for p in parts:
        out += "/" + str(p).replace("~", "~0").replace("/", "~1")
    return out or "/"


def has_path(doc, dotted):
    node = doc
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def scenario_stem(path):
    name = os.path.basename(path)
    for suffix in (".scenario.json", ".json"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def check_scenario(path, doc, bundled, problem):
    if not isinstance(doc, dict):
        return None
    sid = doc.get("id")
    stem = scenario_stem(path)
    if isinstance(sid, str) and sid != stem:
        problem("id %s does not match the file name stem %s"
                % (json.dumps(sid), json.dumps(stem)))
    if bundled and not BUNDLED_NAME.match(stem):
        problem("bundled scenario files must be named "
                "essay-NN-short-name.json or everyday-NN-short-name.json")

    expected = doc.get("expected")
    if expected is None:
        if bundled:
            problem("bundled scenario has no expected block")
    elif isinstance(expected, dict):
        verdict = expected.get("verdict")
        if verdict not in VERDICTS:
            problem("expected.verdict must be one of %s, got %s"
                    % ("/".join(VERDICTS), json.dumps(verdict)))
        if bundled:
            for field in ("factors", "why"):
                if field not in expected:
                    problem("bundled scenario has no expected.%s" % field)
        questions = expected.get("questions", [])
        if isinstance(questions, list):
            for q in questions:
                if isinstance(q, str) and has_path(doc, q):
                    problem("expected.questions names %s, but the scenario "
                            "gives that fact" % q)
    return sid if isinstance(sid, str) else None


def main(argv):
    try:
        import jsonschema
        validator_cls = jsonschema.Draft202012Validator
    except (ImportError, AttributeError):
        print("schema_check: needs python3-jsonschema >= 4.0 "
              "(Draft202012Validator)", file=sys.stderr)
        return 2

    if len(argv) > 2:
        print("usage: schema_check.py [REPO_ROOT]", file=sys.stderr)
        return 2
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(argv[1] if len(argv) > 1 else os.path.dirname(here))

    problems = []
    files_checked = 0

    def report(path, message):
        rel = os.path.relpath(path, root)
        problems.append("%s: %s" % (rel, message))
        print("%s: %s" % (rel, message))

    validators = {}
    ids = {}

    for schema_rel, pattern in VALIDATE:
        schema_path = os.path.join(root, schema_rel)
        if schema_rel not in validators:
            schema, err = load_strict(schema_path)
            if err is None:
                try:
                    validator_cls.check_schema(schema)
                except jsonschema.exceptions.SchemaError as e:
                    err = "not a valid draft 2020-12 schema: %s" % e.message
            if err is not None:
                report(schema_path, err)
                validators[schema_rel] = None
            else:
                validators[schema_rel] = validator_cls(schema)
        validator = validators[schema_rel]

        paths = sorted(glob.glob(os.path.join(root, pattern)))
        if not paths and pattern in REQUIRED_GLOBS:
            report(os.path.join(root, os.path.dirname(pattern)),
                   "no files match %s" % os.path.basename(pattern))
        for path in paths:
            files_checked += 1

            def problem(message, _path=path):
                report(_path, message)

            doc, err = load_strict(path)
            if err is not None:
                problem(err)
                continue
            if validator is not None:
                errors = sorted(validator.iter_errors(doc),
                                key=lambda e: (list(map(str, e.absolute_path)),
                                               e.message))
                for e in errors:
                    problem("%s: %s" % (json_pointer(e.absolute_path), e.message))
            if schema_rel == SCENARIO_SCHEMA:
                sid = check_scenario(path, doc, pattern == BUNDLED_SCENARIOS,
                                     problem)
                if sid is not None:
                    if sid in ids:
                        problem("id %s is also used by %s"
                                % (json.dumps(sid), os.path.relpath(ids[sid], root)))
                    else:
                        ids[sid] = path

    print("schema_check: %d file(s), %d problem(s)"
          % (files_checked, len(problems)), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
