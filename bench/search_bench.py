#!/usr/bin/env python3
"""kref beside its peers, interleaved in the same window: `kref index --rebuild` beside plain
tantivy indexing the same notes, and `kref search` beside `rg -i` over them.

usage: bench/search_bench.py [--kref target/release/kref] [--sizes 1000,10000,100000]
                             [--rounds 11] [--build-rounds 3] [--notes-root DIR]
                             [--tantivy target/release/examples/plain_tantivy]
                             [--before OLD_KREF]

Notes are generated with bench/gen_notes.py (about 1.3 KB each, 1,000 per folder) under
--notes-root (kept, so later runs reuse them) or a temporary folder. Every measurement runs each
tool in turn, round after round, so both see the same machine; the load average is printed
before and after each size, because on a shared machine it decides the figures. Times are wall
clock of whole processes (start-up included); CPU time (user + system, the part of the wall time
that does not depend on how busy the machine is) and peak RSS come from the kernel
(wait4). `--before` runs an older kref binary beside the new one (its own cache), in the same
rounds, for before/after figures of a change. Needs a release build, ripgrep (`apt-get install ripgrep`) and, for the build
reference, `cargo build --release -p kref-index --example plain_tantivy`.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# One word, two words (the p50 target), three words and an identifier.
QUERIES = {
    "one word": ["rollout", "kubelet", "canary"],
    "two words": ["memory limit", "restart backoff", "nightly batch", "ingress traffic", "node drain"],
    "three words": ["rollback after outage", "priority eviction node"],
    "identifier": ["maxSurge", "concurrencyPolicy"],
}


def run(cmd, env):
    """Runs `cmd`; returns (wall ms, cpu s, peak RSS MB, exit code)."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = (time.perf_counter() - start) * 1000
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def load():
    return "load average %.2f %.2f %.2f" % os.getloadavg()


def dir_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def pct(samples, q):
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kref", default="target/release/kref")
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--rounds", type=int, default=11)
    ap.add_argument("--build-rounds", type=int, default=3)
    ap.add_argument("--notes-root", default=None)
    ap.add_argument("--tantivy", default="target/release/examples/plain_tantivy")
    ap.add_argument("--before", default=None, help="an older kref binary, measured alongside")
    args = ap.parse_args()
    kref = os.path.abspath(args.kref)
    rg = shutil.which("rg")
    tantivy = os.path.abspath(args.tantivy) if os.path.exists(args.tantivy) else None
    work = tempfile.mkdtemp(prefix="kref-bench-")
    root = args.notes_root or work
    env = dict(os.environ, KREF_CACHE_DIR=os.path.join(work, "cache"), NO_COLOR="1")
    env.pop("KREF_NOTES", None)
    krefs = [("kref", kref, env)]
    if args.before:
        env_b = dict(env, KREF_CACHE_DIR=os.path.join(work, "cache-before"))
        krefs.append(("kref before", os.path.abspath(args.before), env_b))
    print(f"machine: {os.cpu_count()} cores; {load()}")
    if not rg:
        print("warning: rg not found; searches are not compared")
    if not tantivy:
        print(f"warning: {args.tantivy} not built; index builds are not compared with plain tantivy")

    builtin = {name: [] for name, _, _ in krefs}
    for _, exe, e in krefs:
        run([exe, "index"], e)
    for _ in range(args.rounds):
        for q in QUERIES["two words"]:
            for name, exe, e in krefs:
                builtin[name].append(run([exe, "search", q], e))
    for name, rows in builtin.items():
        times = [r[0] for r in rows]
        cpu = statistics.median(r[1] for r in rows) * 1000
        print(f"\n`{name} search` on the built-in corpus, warm: median {statistics.median(times):.1f} ms, "
              f"p95 {pct(times, 0.95):.1f} ms, CPU median {cpu:.1f} ms ({len(times)} runs)")

    for size in [int(s) for s in args.sizes.split(",") if s]:
        notes = os.path.join(root, f"notes-{size}")
        if not os.path.isdir(notes):
            subprocess.run([sys.executable, os.path.join(HERE, "gen_notes.py"), notes, str(size)], check=True)
        mb = dir_bytes(notes) / 1e6
        print(f"\n## {size} notes ({mb:.1f} MB of Markdown); {load()}")
        builds = {name: [] for name, _, _ in krefs}
        refs = []
        for _ in range(args.build_rounds):
            for name, exe, e in krefs:
                builds[name].append(run([exe, "index", "--rebuild", "--notes", notes], e))
            if tantivy:
                refs.append(run([tantivy, notes], env))
        best = min(builds["kref"], key=lambda r: r[0])
        print("| what | wall median | MB/s (median) | CPU median | MB per CPU s | peak RSS max |")
        print("|---|---|---|---|---|---|")
        rows_by_tool = [(f"`{name} index --rebuild`", rows) for name, rows in builds.items()]
        for name, rows in rows_by_tool + [("plain tantivy (reference)", refs)]:
            if not rows:
                continue
            wall = statistics.median(r[0] for r in rows) / 1000
            cpu = statistics.median(r[1] for r in rows)
            rss = max(r[2] for r in rows)
            print(f"| {name} | {wall:.2f} s | {mb / wall:.1f} | {cpu:.2f} s | {mb / cpu:.1f} | {rss:.0f} MB |")
        print(f"(fastest kref build {best[0] / 1000:.2f} s = {mb / best[0] * 1000:.1f} MB/s)")

        for _, exe, e in krefs:
            run([exe, "search", "--notes", notes, "warm"], e)
        before = len(krefs) > 1
        extra_head = " | before median | rg / before" if before else ""
        print(f"\n| queries | kref median | kref p95 | kref CPU median | rg -i median | rg / kref{extra_head} |")
        print("|---|---|---|---|---|---|" + ("---|---|" if before else ""))
        all_k, all_r, all_b, all_c = [], [], [], []
        for kind, queries in QUERIES.items():
            ks, rs, bs, cs = [], [], [], []
            for _ in range(args.rounds if size < 100000 else max(3, args.rounds // 2)):
                for q in queries:
                    wall, cpu, _, _ = run([kref, "search", "--notes", notes] + q.split(), env)
                    ks.append(wall)
                    cs.append(cpu * 1000)
                    if before:
                        _, exe, e = krefs[1]
                        bs.append(run([exe, "search", "--notes", notes] + q.split(), e)[0])
                    if rg:
                        rs.append(run([rg, "-i", q, notes], env)[0])
            all_k += ks
            all_r += rs
            all_b += bs
            all_c += cs
            km, cm = statistics.median(ks), statistics.median(cs)
            rm = statistics.median(rs) if rs else float("nan")
            extra = f" | {statistics.median(bs):.1f} ms | {rm / statistics.median(bs):.1f}x" if before else ""
            print(f"| {kind} ({len(queries)}) | {km:.1f} ms | {pct(ks, 0.95):.1f} ms | {cm:.1f} ms | {rm:.1f} ms | {rm / km:.1f}x{extra} |")
        km, rm = statistics.median(all_k), (statistics.median(all_r) if all_r else float("nan"))
        extra = f" | {statistics.median(all_b):.1f} ms | {rm / statistics.median(all_b):.1f}x" if before else ""
        cm = statistics.median(all_c)
        print(f"| all | {km:.1f} ms | {pct(all_k, 0.95):.1f} ms | {cm:.1f} ms | {rm:.1f} ms | **{rm / km:.1f}x**{extra} |")
        print(f"({load()})")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
