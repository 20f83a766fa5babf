#!/usr/bin/env python3
"""Pipes every JSON Logic compatibility case through ONE `kindctx logic` process.

usage: logic_stream.py SUITES_DIR CMD [ARG...]

Checks that the long-lived process answers every line, in order, with the
expected result or error type, and exits 0. Also feeds a few malformed lines
in the middle to check they get {"error": {"type": "parse"}} without
disturbing the answers after them. Exit 0 when everything matches."""
import json
import math
import os
import subprocess
import sys


def same(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def main():
    suites, cmd = sys.argv[1], sys.argv[2:]
    cases = []
    for name in json.load(open(os.path.join(suites, 'index.json'))):
        for item in json.load(open(os.path.join(suites, name))):
            if isinstance(item, dict):
                cases.append((name, item))
    lines, expect = [], []
    bad_lines = ['{"rule": ', 'not json', '', '{"data": 1}', '{"rule": {"if": [1,2,3]}} x']
    for k, (name, c) in enumerate(cases):
        lines.append(json.dumps({'rule': c['rule'], 'data': c.get('data')}))
        expect.append((name, c))
        if k % 250 == 0:  # sprinkle malformed lines through the stream
            for b in bad_lines:
                lines.append(b)
                expect.append(('<malformed>', {'error': {'type': 'parse'}}))
    out = subprocess.run(cmd, input='\n'.join(lines) + '\n', capture_output=True,
                         text=True, timeout=600)
    got = out.stdout.splitlines()
    failures = 0
    if out.returncode != 0:
        print(f'exit status {out.returncode}; stderr: {out.stderr[:2000]}')
        failures += 1
    if len(got) != len(expect):
        print(f'expected {len(expect)} output lines, got {len(got)}')
        failures += 1
    passed = 0
    cases_total = 0
    for k, (name, c) in enumerate(expect):
        if name != '<malformed>':
            cases_total += 1
        line = got[k] if k < len(got) else None
        try:
            g = json.loads(line) if line is not None else None
        except ValueError:
            g = None
        if 'error' in c:
            ok = isinstance(g, dict) and isinstance(g.get('error'), dict) and \
                g['error'].get('type') == c['error']['type']
        else:
            ok = isinstance(g, dict) and 'result' in g and same(g['result'], c['result'])
        if ok:
            passed += name != '<malformed>'
        else:
            failures += 1
            if failures < 20:
                print(f'MISMATCH {name}: {json.dumps(c)[:200]} -> {line!r:.200}')
    print(f'passed {passed}/{cases_total} cases in one process; '
          f'{len(expect) - cases_total} malformed lines answered')
    sys.exit(1 if failures else 0)


main()
