#!/usr/bin/env node
'use strict';
// The Node.js baseline for end-to-end batch throughput (bench/README.md):
// JSON Lines text in -> for each line JSON.parse, every rule evaluated with
// json-logic-engine's compiled functions (engine.build, as the peer bench's
// engines/json-logic-engine.js does), verdict by the neutral policy,
// JSON.stringify of {id, score, verdict, fired} -> JSON Lines text out.
//
// usage: node bench/node_batch.js --peer DIR --input FILE [--output FILE] [--mult N]
//   DIR is a writable copy of the peer bench with node_modules installed
//   (json-logic-engine 5.0.7); rules come from DIR/workload/rules.json,
//   replicated as the peer bench does with --mult.
// Output goes to FILE (default: standard output). One JSON line of timings
// goes to standard error: startup_ms (process start to first line of main
// code, as far as Node reports it), load_ms (rules translated and compiled),
// run_ms (read + parse + evaluate + stringify + write), lines.
// bench/run.py measures the wall time of the whole process, as it does for
// `kindctx batch`.
const t0 = process.hrtime.bigint();
const fs = require('fs');
const path = require('path');

function args(argv) {
  const a = { peer: null, input: null, output: null, mult: 1 };
  for (let i = 2; i < argv.length; i++) {
    const k = argv[i], v = argv[i + 1];
    if (k === '--peer') a.peer = v;
    else if (k === '--input') a.input = v;
    else if (k === '--output') a.output = v;
    else if (k === '--mult') a.mult = parseInt(v, 10);
    else throw new Error('unknown argument ' + k);
    i++;
  }
  if (!a.peer || !a.input) throw new Error('usage: node_batch.js --peer DIR --input FILE [--output FILE] [--mult N]');
  return a;
}

const a = args(process.argv);
const { LogicEngine } = require(path.join(path.resolve(a.peer), 'node_modules', 'json-logic-engine'));
const { loadRuleSet, verdictOf } = require(path.join(path.resolve(a.peer), 'lib', 'common'));
const { translate } = require(path.join(path.resolve(a.peer), 'translate', 'jsonlogic'));

const t1 = process.hrtime.bigint();
const { spec, rules } = loadRuleSet(a.mult);
const engine = new LogicEngine();
const compiled = translate(rules).map((r) => ({ id: r.id, weight: r.weight, fn: engine.build(r.logic) }));
const t2 = process.hrtime.bigint();

const text = fs.readFileSync(a.input, 'utf8');
const fd = a.output ? fs.openSync(a.output, 'w') : 1;
let chunk = [], size = 0, lines = 0;
function flush() {
  if (chunk.length) fs.writeSync(fd, chunk.join(''));
  chunk = []; size = 0;
}
let pos = 0;
while (pos < text.length) {
  let nl = text.indexOf('\n', pos);
  if (nl < 0) nl = text.length;
  if (nl > pos) {
    const s = JSON.parse(text.slice(pos, nl));
    const fired = []; let score = 0;
    for (const r of compiled) {
      const v = r.fn(s);
      if (v && !(Array.isArray(v) && v.length === 0)) { fired.push(r.id); score += r.weight; }
    }
    const line = JSON.stringify({ id: s.id, score, verdict: verdictOf(spec, score), fired }) + '\n';
    chunk.push(line); size += line.length; lines++;
    if (size >= 1 << 20) flush();
  }
  pos = nl + 1;
}
flush();
if (a.output) fs.closeSync(fd);
const t3 = process.hrtime.bigint();
const ms = (x) => +(Number(x) / 1e6).toFixed(2);
process.stderr.write(JSON.stringify({
  engine: 'node-batch:json-logic-engine@' + require(path.join(path.resolve(a.peer), 'node_modules', 'json-logic-engine', 'package.json')).version + ':compiled',
  rules: rules.length, lines,
  startup_ms: +(performance.now() - Number(t3 - t0) / 1e6).toFixed(2),
  require_ms: ms(t1 - t0), load_ms: ms(t2 - t1), run_ms: ms(t3 - t2),
  peak_rss_kb: process.resourceUsage().maxRSS,
}) + '\n');
