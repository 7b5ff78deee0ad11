#!/usr/bin/env python3
"""kref beside its peers, interleaved in the same window: `kref index --rebuild` beside plain
tantivy indexing the same notes, and `kref search` beside `rg -i` over them.

usage: bench/search_bench.py [--kref target/release/kref] [--sizes 1000,10000,100000]
                             [--rounds 11] [--build-rounds 3] [--notes-root DIR]
                             [--tantivy target/release/examples/plain_tantivy]

Notes are generated with bench/gen_notes.py (about 1.3 KB each, 1,000 per folder) under
--notes-root (kept, so later runs reuse them) or a temporary folder. Every measurement runs each
tool in turn, round after round, so both see the same machine; the load average is printed
before and after each size, because on a shared machine it decides the figures. Times are wall
clock of whole processes (start-up included); CPU time and peak RSS come from the kernel
(wait4). Needs a release build, ripgrep (`apt-get install ripgrep`) and, for the build
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
    args = ap.parse_args()
    kref = os.path.abspath(args.kref)
    rg = shutil.which("rg")
    tantivy = os.path.abspath(args.tantivy) if os.path.exists(args.tantivy) else None
    work = tempfile.mkdtemp(prefix="kref-bench-")
    root = args.notes_root or work
    env = dict(os.environ, KREF_CACHE_DIR=os.path.join(work, "cache"), NO_COLOR="1")
    env.pop("KREF_NOTES", None)
    print(f"machine: {os.cpu_count()} cores; {load()}")
    if not rg:
        print("warning: rg not found; searches are not compared")
    if not tantivy:
        print(f"warning: {args.tantivy} not built; index builds are not compared with plain tantivy")

    builtin = []
    run([kref, "index"], env)
    for _ in range(args.rounds):
        for q in QUERIES["two words"]:
            builtin.append(run([kref, "search", q], env)[0])
    print(f"\n`kref search` on the built-in corpus, warm: median {statistics.median(builtin):.1f} ms, "
          f"p95 {pct(builtin, 0.95):.1f} ms ({len(builtin)} runs)")

    for size in [int(s) for s in args.sizes.split(",") if s]:
        notes = os.path.join(root, f"notes-{size}")
        if not os.path.isdir(notes):
            subprocess.run([sys.executable, os.path.join(HERE, "gen_notes.py"), notes, str(size)], check=True)
        mb = dir_bytes(notes) / 1e6
        print(f"\n## {size} notes ({mb:.1f} MB of Markdown); {load()}")
        builds, refs = [], []
        for _ in range(args.build_rounds):
            builds.append(run([kref, "index", "--rebuild", "--notes", notes], env))
            if tantivy:
                refs.append(run([tantivy, notes], env))
        best = min(builds, key=lambda r: r[0])
        print("| what | wall median | MB/s (median) | CPU median | MB per CPU s | peak RSS max |")
        print("|---|---|---|---|---|---|")
        for name, rows in [("`kref index --rebuild`", builds), ("plain tantivy (reference)", refs)]:
            if not rows:
                continue
            wall = statistics.median(r[0] for r in rows) / 1000
            cpu = statistics.median(r[1] for r in rows)
            rss = max(r[2] for r in rows)
            print(f"| {name} | {wall:.2f} s | {mb / wall:.1f} | {cpu:.2f} s | {mb / cpu:.1f} | {rss:.0f} MB |")
        print(f"(fastest kref build {best[0] / 1000:.2f} s = {mb / best[0] * 1000:.1f} MB/s)")

        run([kref, "search", "--notes", notes, "warm"], env)
        print(f"\n| queries | kref median | kref p95 | rg -i median | rg / kref |")
        print("|---|---|---|---|---|")
        all_k, all_r = [], []
        for kind, queries in QUERIES.items():
            ks, rs = [], []
            for _ in range(args.rounds if size < 100000 else max(3, args.rounds // 2)):
                for q in queries:
                    ks.append(run([kref, "search", "--notes", notes] + q.split(), env)[0])
                    if rg:
                        rs.append(run([rg, "-i", q, notes], env)[0])
            all_k += ks
            all_r += rs
            km = statistics.median(ks)
            rm = statistics.median(rs) if rs else float("nan")
            print(f"| {kind} ({len(queries)}) | {km:.1f} ms | {pct(ks, 0.95):.1f} ms | {rm:.1f} ms | {rm / km:.1f}x |")
        km, rm = statistics.median(all_k), (statistics.median(all_r) if all_r else float("nan"))
        print(f"| all | {km:.1f} ms | {pct(all_k, 0.95):.1f} ms | {rm:.1f} ms | **{rm / km:.1f}x** |")
        print(f"({load()})")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
