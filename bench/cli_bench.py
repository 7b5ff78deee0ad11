#!/usr/bin/env python3
"""End-to-end CLI benchmarks: `kref explain`, `kref search` on the built-in corpus, `kref search` vs `rg -i` over
generated notes (10k and 100k files), index build throughput and peak memory.

usage: bench/cli_bench.py [--kref target/release/kref] [--sizes 10000,100000] [--runs 15]

Needs: a release build (`cargo build --release`), python3, and ripgrep (`apt-get install ripgrep`)
for the comparison. Prints a Markdown table for docs/BENCHMARKS.md. Uses a temporary cache and
notes folder; nothing outside /tmp is written.
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
QUERIES = ["restart backoff", "nightly batch", "rollout", "memory limit", "ingress traffic"]


def timed(cmd, env, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def peak_rss_mb(cmd, env):
    """Peak RSS of one run, via a child python that waits on it (getrusage of children)."""
    code = ("import resource,subprocess,sys;subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,"
            "stderr=subprocess.DEVNULL);print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code] + cmd, env=env, capture_output=True, text=True)
    return int(out.stdout.strip() or 0) / 1024


def dir_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kref", default="target/release/kref")
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    kref = os.path.abspath(args.kref)
    rg = shutil.which("rg")
    work = tempfile.mkdtemp(prefix="kref-bench-")
    env = dict(os.environ, KREF_CACHE_DIR=os.path.join(work, "cache"), NO_COLOR="1")
    env.pop("KREF_NOTES", None)
    print("| what | figure |\n|---|---|")
    subprocess.run([kref, "index"], env=env, stdout=subprocess.DEVNULL)
    explain = statistics.median(
        timed([kref, "explain", target], env, args.runs)
        for target in ["deploy.spec.strategy", "cj.spec.concurrencyPolicy", "pvc.spec.accessModes", "pod"])
    print(f"| `kref explain` end to end, median of 4 targets x {args.runs} runs | {explain:.1f} ms |")
    builtin = statistics.median(timed([kref, "search", q], env, args.runs) for q in QUERIES)
    print(f"| `kref search` on the built-in corpus, warm, median of {len(QUERIES)} queries x {args.runs} runs | {builtin:.1f} ms |")
    print(f"| peak RSS, `kref search` on the built-in corpus | {peak_rss_mb([kref, 'search', 'rollout'], env):.1f} MB |")
    for size in [int(s) for s in args.sizes.split(",") if s]:
        notes = os.path.join(work, f"notes-{size}")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_notes.py"), notes, str(size)], check=True)
        mb = dir_bytes(notes) / 1e6
        start = time.perf_counter()
        subprocess.run([kref, "index", "--notes", notes], env=env, stdout=subprocess.DEVNULL, check=True)
        build = time.perf_counter() - start
        print(f"| index build, {size} notes ({mb:.1f} MB of Markdown) | {build:.2f} s, {mb / build:.1f} MB/s |")
        print(f"| peak RSS, `kref index --rebuild` of {size} notes | {peak_rss_mb([kref, 'index', '--rebuild', '--notes', notes], env):.0f} MB |")
        k = statistics.median(timed([kref, "search", "--notes", notes, q], env, args.runs) for q in QUERIES)
        print(f"| `kref search`, {size} notes, median | {k:.1f} ms |")
        if rg:
            r = statistics.median(timed([rg, "-i", q, notes], env, max(3, args.runs // 3)) for q in QUERIES)
            print(f"| `rg -i`, same queries, {size} notes, median | {r:.1f} ms ({r / k:.1f}x slower than kref) |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
