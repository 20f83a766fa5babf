#!/usr/bin/env python3
"""Runs kindctx and the peer engines side by side and prints the ratios.

usage: python3 bench/run.py [--runs N] [--min-seconds S] [--batch-reps N]
                            [--peer-bench DIR] [--build-dir DIR] [--save DIR]
                            [--keep] [--no-clips] [--no-batch]

One command, one machine, one run (bench/README.md explains every number):
  1. builds kindctx (Release, no tests) in a temporary build directory,
     unless --build-dir points at an existing build;
  2. copies the peer bench (read-only in shared/) to a temporary directory,
     installs its node_modules (json-logic-engine 5.0.7) and builds its CLIPS
     driver (installs Debian's clips/libclips-dev when missing and root);
  3. translates the neutral workload with bench/translate.py (x1, x10, x100);
  4. runs N interleaved rounds of: kindctx_bench at 41 / 410 / 4,100 rules,
     json-logic-engine compiled and CLIPS 6.30 at 41 / 4,100 rules, and the
     end-to-end batch programs (Node baseline, kindctx batch -j 1 and -j 2)
     over the 10,000-line JSON Lines file;
  5. runs the peer bench's oracle (node check.js 1 / 10 / 100) over every
     output, kindctx's included;
  6. prints the results table (median, min-max) and the issue 7 target ratios
     with PASS/FAIL; --save DIR also writes summary.md and raw.jsonl there.
The temporary directory is removed at the end unless --keep is given.
Not run by CTest or CI.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NPROC = os.cpu_count() or 1


def log(msg):
    print(f"[run.py {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def sh(cmd, cwd=None, capture=False, check=True, env=None):
    r = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, text=True,
                       stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                       stderr=subprocess.PIPE if capture else None)
    if check and r.returncode != 0:
        sys.exit(f"run.py: failed ({r.returncode}): {' '.join(map(str, cmd))}\n"
                 f"{r.stdout or ''}{r.stderr or ''}")
    return r


def last_json_line(text):
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("no JSON line in output:\n" + text)


TIME = "/usr/bin/time"  # GNU time: a small parent, so the child's peak RSS is its own


def run_measured(cmd, stdout_path, stderr_path, cwd=None, pin=None):
    """Runs cmd as a child, stdout to a file; returns (wall s, peak RSS KiB,
    exit code). Wall time covers the whole process, start-up included.

    Linux keeps the high-water RSS of the image a process replaces at exec, so
    a child forked from this (large) Python process would report Python's peak
    as its own. The command therefore runs under GNU time, whose own image is
    about 2 MiB; the peak RSS is what time reports (%M)."""
    rss_file = Path(str(stderr_path) + ".rss")
    full = list(cmd)
    if Path(TIME).exists():
        full = [TIME, "-f", "%M", "-o", rss_file] + full
    if pin is not None and shutil.which("taskset"):
        full = ["taskset", "-c", str(pin)] + full
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        t0 = time.perf_counter()
        p = subprocess.Popen([str(c) for c in full], cwd=cwd, stdout=out, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
    rss = ru.ru_maxrss  # an upper bound (see above) when GNU time is missing
    if rss_file.exists():
        try:
            rss = int(rss_file.read_text().split()[-1])
        except (ValueError, IndexError):
            pass
        rss_file.unlink()
    return wall, rss, p.returncode


def run_eval(cmd, work, cwd):
    """Runs one evaluation benchmark; returns its JSON result line."""
    out, err = work / "eval.out", work / "eval.err"
    wall, rss, rc = run_measured(cmd, out, err, cwd=cwd)
    if rc != 0:
        sys.exit(f"run.py: failed ({rc}): {' '.join(map(str, cmd))}\n{err.read_text()[-3000:]}")
    rec = last_json_line(out.read_text())
    rec["process_wall_s"] = wall
    rec["process_peak_rss_kb"] = rss
    return rec


def find_peer_bench(arg):
    cands = [Path(arg)] if arg else [ROOT.parent / "shared" / "peer-bench",
                                     ROOT / ".." / ".." / "shared" / "peer-bench"]
    for c in cands:
        if (c / "check.js").exists():
            return c.resolve()
    sys.exit("run.py: peer bench not found (use --peer-bench DIR); looked in "
             + ", ".join(map(str, cands)))


def build(build_dir):
    log(f"building kindctx (Release) in {build_dir}")
    sh(["cmake", "-S", ROOT, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
        "-DKINDCTX_BUILD_TESTS=OFF", "-DKINDCTX_BUILD_FUZZ=OFF", "-DKINDCTX_BUILD_BENCH=ON"],
       capture=True)
    sh(["cmake", "--build", build_dir, "-j", str(NPROC)], capture=True)


def has_batch(kindctx):
    if not kindctx.exists():
        return False
    r = subprocess.run([str(kindctx), "batch", "--help"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    return r.returncode == 0


def setup_peers(pb, want_clips):
    log("installing the peer bench's node_modules")
    if sh(["npm", "ci", "--no-audit", "--no-fund"], cwd=pb, capture=True, check=False).returncode:
        # its lock file lacks some optional platform packages; install instead
        sh(["npm", "install", "--no-audit", "--no-fund", "--no-save"], cwd=pb, capture=True)
    if not (pb / "node_modules" / "json-logic-engine").exists():
        sh(["npm", "install", "--no-audit", "--no-fund", "--no-save", "json-logic-engine@5.0.7"],
           cwd=pb, capture=True)
    if not want_clips:
        return False
    if not Path("/usr/lib/libclips.a").exists() and os.geteuid() == 0 and shutil.which("apt-get"):
        log("installing clips libclips-dev")
        sh(["apt-get", "install", "-y", "-qq", "clips", "libclips-dev"], capture=True, check=False)
    if not Path("/usr/lib/libclips.a").exists():
        log("CLIPS (libclips-dev) is not installed: CLIPS rows and ratios are skipped")
        return False
    sh(["make", "-s", "-C", "clips"], cwd=pb, capture=True)
    sh(["node", "translate/clips.js", "1", "10000"], cwd=pb, capture=True)
    sh(["node", "translate/clips.js", "100", "1000"], cwd=pb, capture=True)
    return True


def batch_to_neutral(src, dst):
    """kindctx batch result lines -> the oracle's {"id","score","verdict","fired"}."""
    n = errors = 0
    with open(src) as f, open(dst, "w") as g:
        for line in f:
            if not line.strip():
                continue
            o = json.loads(line)
            if "verdict" not in o:
                errors += 1
                continue
            fired = [x["rule"] if isinstance(x, dict) else x for x in o.get("fired", [])]
            g.write(json.dumps({"id": o.get("scenario", o.get("id")), "score": o["score"],
                                "verdict": o["verdict"], "fired": fired}) + "\n")
            n += 1
    return n, errors


def med(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return None, None, None
    return statistics.median(xs), min(xs), max(xs)


def fmt_num(x):
    if x is None:
        return "-"
    ax = abs(x)
    if ax >= 1000:
        return f"{x:,.0f}"
    if ax >= 100:
        return f"{x:.0f}"
    if ax >= 10:
        return f"{x:.1f}"
    if ax >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def fmt(xs):
    m, lo, hi = med(xs)
    if m is None:
        return "-"
    if len([x for x in xs if x is not None]) == 1:
        return fmt_num(m)
    return f"{fmt_num(m)} ({fmt_num(lo)}–{fmt_num(hi)})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="interleaved rounds (default 5)")
    ap.add_argument("--min-seconds", type=float, default=2.0,
                    help="timed seconds per evaluation run, as the peer bench (default 2)")
    ap.add_argument("--batch-reps", type=int, default=3,
                    help="batch runs of each program per round (default 3)")
    ap.add_argument("--peer-bench", help="the peer bench (default: ../shared/peer-bench)")
    ap.add_argument("--build-dir", help="use this existing kindctx build instead of building")
    ap.add_argument("--save", help="write summary.md and raw.jsonl into this directory")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--no-clips", action="store_true", help="skip CLIPS")
    ap.add_argument("--no-batch", action="store_true", help="skip the batch measurements")
    a = ap.parse_args()
    t_start = time.time()

    peer_src = find_peer_bench(a.peer_bench)
    for tool in ("node", "npm", "cmake"):
        if not shutil.which(tool):
            sys.exit(f"run.py: {tool} not found")
    if not Path(TIME).exists() and os.geteuid() == 0 and shutil.which("apt-get"):
        sh(["apt-get", "install", "-y", "-qq", "time"], capture=True, check=False)
    if not Path(TIME).exists():
        log(f"{TIME} (Debian package 'time') is missing: peak RSS figures are upper bounds")
    work = Path(tempfile.mkdtemp(prefix="kindctx-bench-"))
    log(f"work directory {work}")
    try:
        return run(a, peer_src, work, t_start)
    finally:
        if a.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def run(a, peer_src, work, t_start):
    if a.build_dir:
        bdir = Path(a.build_dir).resolve()
        sh(["cmake", "--build", bdir, "-j", str(NPROC)], capture=True)
    else:
        bdir = work / "build"
        build(bdir)
    bench = bdir / "bench" / "kindctx_bench"
    kindctx = bdir / "kindctx"
    if not bench.exists():
        sys.exit(f"run.py: {bench} was not built")

    pb = work / "peer-bench"
    shutil.copytree(peer_src, pb, ignore=shutil.ignore_patterns("node_modules", "out", "build"))
    for d, _, files in os.walk(pb):
        os.chmod(d, 0o755)
        for f in files:
            os.chmod(os.path.join(d, f), 0o644)
    (pb / "out").mkdir(exist_ok=True)
    clips = setup_peers(pb, not a.no_clips)
    spec = pb / "workload" / "rules.json"
    data = pb / "workload" / "scenarios-10k.jsonl"
    rules = {}
    for m in (1, 10, 100):
        rules[m] = work / f"kindctx-rules-x{m}.json"
        with open(rules[m], "w") as f:
            subprocess.run([sys.executable, str(ROOT / "bench" / "translate.py"), str(spec),
                            "--mult", str(m)], stdout=f, check=True)
    # The 10k file repeated 10 times: batch throughput with start-up amortised.
    data100k = work / "scenarios-100k.jsonl"
    blob = data.read_bytes()
    data100k.write_bytes(blob * 10)

    batch = (not a.no_batch) and has_batch(kindctx)
    if not a.no_batch and not batch:
        log(f"{kindctx} has no 'batch' command yet: batch rows are not measured")

    S = str(a.min_seconds)
    configs = []  # (key, kind, cmd-builder)

    def kc(mult, n, findings=False):
        key = f"kindctx{':findings' if findings else ''} x{mult}"

        def cmd(first):
            c = [bench, "--rules", rules[mult], "--data", data, "--scenarios", n,
                 "--min-seconds", S]
            if findings:
                c.append("--findings")
            elif mult == 1:
                c += ["--pipeline-seconds", "1.5"]
            if first and not findings:
                c += ["--out", pb / "out" / f"kindctx-x{mult}.jsonl"]
            return c
        configs.append((key, "eval", cmd, None))

    def jle(mult, n):
        def cmd(first):
            c = ["node", "engines/json-logic-engine.js", "--variant", "compiled", "--mult", mult,
                 "--scenarios", n, "--min-seconds", S]
            if first:
                c += ["--out", f"out/jle-x{mult}.jsonl"]
            return c
        configs.append((f"json-logic-engine x{mult}", "eval", cmd, None))

    def clp(mult, n):
        def cmd(first):
            c = ["./build/bench_clips", f"build/clips/rules-x{mult}.clp",
                 f"build/clips/facts-{n}.txt", S, "clips-6.30", "3", "-3"]
            if first:
                c.append(f"out/clips-x{mult}.jsonl")
            return c
        configs.append((f"CLIPS x{mult}", "eval", cmd, None))

    # Each pair a target compares runs back to back, so that a slow spell of
    # the machine tends to hit both sides of a round's ratio.
    kc(1, 10000)
    jle(1, 10000)
    kc(100, 1000)
    if clips:
        clp(100, 1000)
    jle(100, 1000)
    kc(10, 1000)
    kc(1, 10000, findings=True)
    if clips:
        clp(1, 10000)

    def nodebatch(inp, tag, pin):
        key = f"node batch{' 1core' if pin is not None else ''} {tag}"

        def cmd(first):
            out = (pb / "out" / "nodebatch-x1.jsonl" if first and tag == "10k" and pin is not None
                   else work / "nodebatch.out")
            return ["node", ROOT / "bench" / "node_batch.js", "--peer", pb, "--input", inp,
                    "--output", out]
        configs.append((key, "batch", cmd, pin))

    def kcbatch(inp, tag, j, pin, brief=False):
        key = (f"kindctx batch{' --brief' if brief else ''} -j {j}"
               f"{' 1core' if pin is not None else ''} {tag}")

        def cmd(first):
            return [kindctx, "batch", "--rules", rules[1], "-j", j, "--input", inp, "--lax",
                    "--no-progress"] + (["--brief"] if brief else [])
        configs.append((key, "batch", cmd, pin))

    for inp, tag in ((data, "10k"), (data100k, "100k")):
        nodebatch(inp, tag, 0)
        nodebatch(inp, tag, None)
        if batch:
            kcbatch(inp, tag, 1, 0)
            kcbatch(inp, tag, 1, None)
            kcbatch(inp, tag, 2, None)
            # --brief writes what Node's baseline writes: id, score, verdict, fired.
            kcbatch(inp, tag, 1, 0, True)
            kcbatch(inp, tag, 1, None, True)
            kcbatch(inp, tag, 2, None, True)
    if a.no_batch:
        configs = [c for c in configs if c[1] != "batch"]

    raw = []
    loads = [os.getloadavg()[0]]
    for rnd in range(a.runs):
        log(f"round {rnd + 1}/{a.runs}")
        for key, kind, cmd, pin in configs:
            first = rnd == 0
            if kind == "eval":
                rec = run_eval(cmd(first), work, pb)
            else:
                reps = a.batch_reps
                for rep in range(reps):
                    out = work / "batch.out"
                    err = work / "batch.err"
                    c = cmd(first and rep == 0)
                    wall, rss, rc = run_measured(c, out, err, cwd=pb, pin=pin)
                    if rc != 0:
                        sys.exit(f"run.py: {key} failed ({rc}):\n{err.read_text()[-2000:]}")
                    lines = None
                    rec = {"wall_s": wall, "peak_rss_kb": rss}
                    etext = err.read_text()
                    if key.startswith("node"):
                        st = last_json_line(etext)
                        lines = st["lines"]
                        rec.update({"node_" + k: v for k, v in st.items()
                                    if k in ("startup_ms", "require_ms", "load_ms", "run_ms")})
                    else:
                        with open(out, "rb") as f:
                            lines = sum(1 for _ in f)
                        if first and rep == 0 and "10k" in key and "1core" not in key:
                            j = key.split("-j ")[1].split()[0]
                            b = "-brief" if "--brief" in key else ""
                            n, bad = batch_to_neutral(out, pb / "out" / f"kindctx-batch{b}-j{j}-x1.jsonl")
                            rec["converted"] = n
                            rec["error_lines"] = bad
                    rec["lines"] = lines
                    rec["lines_per_s"] = lines / wall
                    rec.update({"key": key, "round": rnd, "rep": rep})
                    raw.append(rec)
                log(f"  {key}: {rec['lines_per_s']:.0f} lines/s, peak {rec['peak_rss_kb']} KiB")
                continue
            rec.update({"key": key, "round": rnd})
            raw.append(rec)
            log(f"  {key}: {rec['us_per_scen']} us/scenario, load {rec['load_ms']} ms")

    loads.append(os.getloadavg()[0])
    a.loads = loads
    log("checking every output against the oracle")
    checks = {}
    for m in (1, 10, 100):
        r = sh(["node", "check.js", m], cwd=pb, capture=True, check=False)
        checks[m] = (r.returncode, r.stdout.strip())

    md = summarise(a, raw, checks, batch, clips, t_start)
    print(md)
    if a.save:
        d = Path(a.save)
        d.mkdir(parents=True, exist_ok=True)
        (d / "summary.md").write_text(md + "\n")
        with open(d / "raw.jsonl", "w") as f:
            for rec in raw:
                f.write(json.dumps(rec) + "\n")
        log(f"wrote {d / 'summary.md'} and {d / 'raw.jsonl'}")
    bad = any(rc for rc, _ in checks.values())
    return 1 if bad else 0


def summarise(a, raw, checks, batch, clips, t_start):
    by = {}
    for r in raw:
        by.setdefault(r["key"], []).append(r)

    def col(key, field):
        return [r.get(field) for r in by.get(key, [])]

    def m(key, field):
        return med(col(key, field))[0]

    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    node_v = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    L = []
    L.append(f"## Results ({time.strftime('%Y-%m-%d %H:%M')}, {NPROC} CPUs {cpu}, "
             f"{platform.system()} {platform.release()}, node {node_v}; "
             f"{a.runs} interleaved rounds, median (min–max))")
    L.append("")
    L.append("### Evaluation only (scenarios parsed beforehand; peer-bench timing method)")
    L.append("")
    L.append("| engine | rules | scenarios | µs/scenario | scenarios/s | load ms | peak RSS MiB |")
    L.append("|---|---:|---:|---:|---:|---:|---:|")
    rows = [("kindctx x1", "kindctx 0.1.0 (kc_evaluate)", 41, 10000),
            ("kindctx:findings x1", "kindctx 0.1.0 + kc_result_fired() (explanations rendered)", 41, 10000),
            ("json-logic-engine x1", "json-logic-engine 5.0.7 compiled", 41, 10000),
            ("CLIPS x1", "CLIPS 6.30", 41, 10000),
            ("kindctx x10", "kindctx 0.1.0", 410, 1000),
            ("kindctx x100", "kindctx 0.1.0", 4100, 1000),
            ("json-logic-engine x100", "json-logic-engine 5.0.7 compiled", 4100, 1000),
            ("CLIPS x100", "CLIPS 6.30", 4100, 1000)]
    for key, name, nr, ns in rows:
        if key not in by:
            continue
        L.append(f"| {name} | {nr:,} | {ns:,} | {fmt(col(key, 'us_per_scen'))} | "
                 f"{fmt(col(key, 'scen_per_s'))} | {fmt(col(key, 'load_ms'))} | "
                 f"{fmt([x / 1024 for x in col(key, 'process_peak_rss_kb')])} |")
    L.append("")
    L.append("### Load / compile of the rule file (kindctx, in-process medians; cJSON = "
             "cJSON_ParseWithLength + cJSON_Delete of the same text)")
    L.append("")
    L.append("| rules | file bytes | kc_ruleset_load_file ms | kc_ruleset_load_string ms | "
             "kc_doc_parse (positions) ms | cJSON parse ms | load_file / cJSON |")
    L.append("|---:|---:|---:|---:|---:|---:|---:|")
    for mult, nr in ((1, 41), (10, 410), (100, 4100)):
        key = f"kindctx x{mult}"
        if key not in by:
            continue
        lf = [r["load_file_ms"][0] for r in by[key]]
        ls = [r["load_string_ms"][0] for r in by[key]]
        kp = [r["kc_parse_ms"][0] for r in by[key]]
        cj = [r["cjson_parse_ms"][0] for r in by[key]]
        ratio = [x / y for x, y in zip(lf, cj)]
        L.append(f"| {nr:,} | {by[key][0]['rule_bytes']:,} | {fmt(lf)} | {fmt(ls)} | {fmt(kp)} | "
                 f"{fmt(cj)} | {fmt(ratio)} |")
    L.append("")
    L.append(f"Scenario parse (kc_doc_parse_ex, KC_PARSE_COMPACT, no positions), untimed setup of the "
             f"evaluation runs: {fmt(col('kindctx x1', 'scen_parse_us'))} µs/scenario.")
    if any(k.startswith("node batch") or k.startswith("kindctx batch") for k in by):
        L.append("")
        L.append("### End-to-end batch (JSON Lines in, one JSON result per line out; wall time "
                 "of the whole process, start-up and rule load included; "
                 f"{a.batch_reps} runs per round)")
        L.append("")
        L.append("| program | lines | wall ms | lines/s | peak RSS MiB |")
        L.append("|---|---:|---:|---:|---:|")
        for key, name in (
                ("node batch 1core 10k", "Node: JSON.parse + json-logic-engine compiled + "
                 "JSON.stringify, taskset 1 core"),
                ("kindctx batch -j 1 1core 10k", "kindctx batch -j 1, taskset 1 core"),
                ("node batch 10k", "Node, as above, unpinned"),
                ("kindctx batch -j 1 10k", "kindctx batch -j 1, unpinned"),
                ("kindctx batch -j 2 10k", "kindctx batch -j 2"),
                ("node batch 1core 100k", "Node, taskset 1 core"),
                ("kindctx batch -j 1 1core 100k", "kindctx batch -j 1, taskset 1 core"),
                ("node batch 100k", "Node, unpinned"),
                ("kindctx batch -j 1 100k", "kindctx batch -j 1, unpinned"),
                ("kindctx batch -j 2 100k", "kindctx batch -j 2"),
                ("kindctx batch --brief -j 1 1core 10k",
                 "kindctx batch --brief -j 1, taskset 1 core (Node's four fields)"),
                ("kindctx batch --brief -j 1 10k", "kindctx batch --brief -j 1, unpinned"),
                ("kindctx batch --brief -j 2 10k", "kindctx batch --brief -j 2"),
                ("kindctx batch --brief -j 1 1core 100k", "kindctx batch --brief -j 1, taskset 1 core"),
                ("kindctx batch --brief -j 1 100k", "kindctx batch --brief -j 1, unpinned"),
                ("kindctx batch --brief -j 2 100k", "kindctx batch --brief -j 2")):
            if key not in by:
                continue
            L.append(f"| {name} | {by[key][0]['lines']:,} | "
                     f"{fmt([x * 1e3 for x in col(key, 'wall_s')])} | "
                     f"{fmt(col(key, 'lines_per_s'))} | "
                     f"{fmt([x / 1024 for x in col(key, 'peak_rss_kb')])} |")
        nk = "node batch 1core 10k"
        if nk in by:
            L.append("")
            L.append("Node's own split of the 10k run on 1 core (ms): start-up before main code "
                     f"{fmt(col(nk, 'node_startup_ms'))}, require "
                     f"{fmt(col(nk, 'node_require_ms'))}, rule load "
                     f"{fmt(col(nk, 'node_load_ms'))}, read+parse+evaluate+"
                     f"stringify+write {fmt(col(nk, 'node_run_ms'))}.")
        if "kindctx x1" in by and "pipeline_us" in by["kindctx x1"][0]:
            L.append("")
            L.append("kindctx's library share per line, in process (kindctx_bench "
                     "--pipeline-seconds): kc_doc_parse_ex "
                     f"{fmt(col('kindctx x1', 'pipe_parse_us'))} µs, kc_evaluate + "
                     f"kc_result_to_json {fmt(col('kindctx x1', 'pipe_eval_json_us'))} µs, "
                     f"all three {fmt(col('kindctx x1', 'pipeline_us'))} µs; "
                     f"{fmt(col('kindctx x1', 'pipe_out_bytes'))} bytes of JSON per result "
                     "(Node's result line: about 120 bytes). Parse + evaluate + a compact "
                     "{id, score, verdict, fired} line like Node's instead: "
                     f"{fmt(col('kindctx x1', 'pipe_brief_us'))} µs.")
        if not batch:
            L.append("")
            L.append("`kindctx batch` is not in this build: its rows were not measured.")

    # Targets: the ratio of medians decides PASS/FAIL; the ratio of the best
    # runs (fastest of each side) is shown as a cross-check against noise.
    T = []

    def best(key, field, higher_is_better):
        xs = [x for x in col(key, field) if x is not None]
        if not xs:
            return None
        return max(xs) if higher_is_better else min(xs)

    def per_round(key, field):
        """{round: median of that round's values of field}."""
        rounds = {}
        for r in by.get(key, []):
            if r.get(field) is not None:
                rounds.setdefault(r["round"], []).append(r[field])
        return {k: med(v)[0] for k, v in rounds.items()}

    def paired(num, den, field):
        """The ratio num / den within each round, as median (min-max) text."""
        a_, b_ = per_round(num, field), per_round(den, field)
        rs = [a_[k] / b_[k] for k in a_ if k in b_ and b_[k]]
        return fmt(rs) if rs else "–"

    def ratio_row(name, num, den, field, higher, goal, at_least, unit, fmt_r="{:.2f}×",
                  note=""):
        """ratio = num / den of medians of field; PASS when it is >= goal
        (at_least) or <= goal."""
        a_, b_ = m(num, field), m(den, field)
        if not a_ or not b_:
            T.append(f"| {name} | not measured | – | – | – | {note} |")
            return
        r = a_ / b_
        ba, bb = best(num, field, higher), best(den, field, higher)
        rb = ba / bb if ba and bb else None
        ok = r >= goal if at_least else r <= goal
        T.append(f"| {name} | {fmt_r.format(r)} | {'PASS' if ok else 'FAIL'} | "
                 f"{fmt_r.format(rb) if rb else '–'} | {paired(num, den, field)} | "
                 f"{fmt_num(a_)} / {fmt_num(b_)} {unit}{'; ' + note if note else ''} |")

    ratio_row("Evaluation only, 41 rules: ≥ 3× faster per scenario than json-logic-engine "
              "compiled", "json-logic-engine x1", "kindctx x1", "us_per_scen", False, 3, True,
              "µs/scenario (json-logic-engine / kindctx)")
    ratio_row("4,100 rules: ≥ 10× faster than CLIPS", "CLIPS x100", "kindctx x100",
              "us_per_scen", False, 10, True, "µs/scenario (CLIPS / kindctx)", "{:.1f}×")
    ratio_row("kindctx's own cost 41 → 4,100 rules grows ≤ 100×", "kindctx x100", "kindctx x1",
              "us_per_scen", False, 100, False, "µs/scenario", "{:.1f}×")
    ratio_row("End-to-end batch, one core: ≥ 5× Node's throughput (10k lines, whole process; "
              "--brief: the same four fields Node writes)",
              "kindctx batch --brief -j 1 1core 10k", "node batch 1core 10k", "lines_per_s", True,
              5, True, "lines/s (kindctx --brief / Node), both taskset to 1 core")
    ratio_row("(info) the same with kindctx's full result lines (about 1,150 bytes each, "
              "explanations rendered)",
              "kindctx batch -j 1 1core 10k", "node batch 1core 10k", "lines_per_s", True, 5,
              True, "lines/s (kindctx / Node), both taskset to 1 core")
    ratio_row("(info) the same over 100k lines (start-up amortised)",
              "kindctx batch -j 1 1core 100k", "node batch 1core 100k", "lines_per_s", True, 5,
              True, "lines/s")
    if "kindctx x100" in by:
        lf = [x["load_file_ms"][0] / x["cjson_parse_ms"][0] for x in by["kindctx x100"]]
        lbest = (min(x["load_file_ms"][0] for x in by["kindctx x100"]) /
                 min(x["cjson_parse_ms"][0] for x in by["kindctx x100"]))
        r = med(lf)[0]
        T.append(f"| Load of the 4,100-rule file ≤ 3× cJSON's parse of it | {r:.2f}× | "
                 f"{'PASS' if r <= 3 else 'FAIL'} | {lbest:.2f}× | {fmt(lf)} | "
                 f"kc_ruleset_load_file {fmt_num(m('kindctx x100', 'load_ms'))} ms / cJSON "
                 f"{fmt_num(med([x['cjson_parse_ms'][0] for x in by['kindctx x100']])[0])} ms "
                 f"(median of the per-round ratios {fmt(lf)}) |")
    kbr, kbr2 = m("kindctx batch -j 1 1core 10k", "peak_rss_kb"), m("kindctx batch -j 2 10k",
                                                                      "peak_rss_kb")
    cr = m("CLIPS x1", "process_peak_rss_kb")
    if kbr and cr:
        T.append(f"| Peak RSS of the batch run over the 10,000 scenarios below CLIPS's "
                 f"(-j 1) | {kbr / 1024:.2f} MiB | {'PASS' if kbr < cr else 'FAIL'} | – | – | "
                 f"CLIPS 6.30 at 41 rules: {cr / 1024:.2f} MiB (both under GNU time, %M) |")
        if kbr2:
            T.append(f"| (info) the same with -j 2 | {kbr2 / 1024:.2f} MiB | "
                     f"{'PASS' if kbr2 < cr else 'FAIL'} | – | – | one more worker and its chunk "
                     "buffers |")
    else:
        T.append("| Peak RSS of the batch run below CLIPS's | not measured | – | – | – | |")
    ratio_row("-j 2 batch throughput ≥ 1.8× -j 1 (10k lines)", "kindctx batch -j 2 10k",
              "kindctx batch -j 1 10k", "lines_per_s", True, 1.8, True,
              "lines/s, both unpinned")
    ratio_row("(info) the same over 100k lines", "kindctx batch -j 2 100k",
              "kindctx batch -j 1 100k", "lines_per_s", True, 1.8, True, "lines/s")
    ratio_row("(info) -j 2 vs -j 1 with --brief (10k lines)", "kindctx batch --brief -j 2 10k",
              "kindctx batch --brief -j 1 10k", "lines_per_s", True, 1.8, True, "lines/s")
    L.append("")
    L.append("### Targets (issue 7)")
    L.append("")
    L.append("PASS/FAIL uses the ratio of the medians; \"best runs\" is the ratio of each "
             "side's fastest run, and \"per round\" the ratio within each round (the two "
             "sides run back to back), median (min–max): cross-checks when the machine is "
             "noisy.")
    L.append("")
    L.append("| target | measured (medians) | | best runs | per round | from |")
    L.append("|---|---:|---|---:|---:|---|")
    L.extend(T)
    L.append("")
    L.append("### Correctness (peer bench oracle, check.js)")
    L.append("")
    L.append("```")
    for mult in (1, 10, 100):
        rc, out = checks[mult]
        L.append(f"$ node check.js {mult}   # exit {rc}")
        L.append(out)
    L.append("```")
    L.append("")
    L.append(f"Wall time of the whole run: {(time.time() - t_start) / 60:.1f} min. "
             f"1-minute load average before / after the rounds: "
             f"{a.loads[0]:.2f} / {a.loads[1]:.2f} on {NPROC} CPUs "
             "(above ~1 means something else was running: expect noise).")
    return "\n".join(L)


if __name__ == "__main__":
    sys.exit(main())
