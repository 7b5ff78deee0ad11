#!/usr/bin/env python3
"""The fixed cost of one `kref search` process: two kref binaries (before and after a change)
run in turn, round after round, on the same queries, so both see the same machine.

usage: bench/search_startup.py BEFORE AFTER [--rounds 40] [--notes DIR] [QUERY...]

Without --notes it searches the built-in corpus (the README's command); with --notes, a folder of
notes (bench/gen_notes.py makes 100k of them), indexed once by each binary before timing. Each
binary has a cache of its own (`before/` and `after/` under --cache, default a temporary folder):
an index last checked by another binary gets a full freshness check, which is not the cost being
measured. Copy one cache to the other to skip the second build. Prints, per binary,
the median and p90 wall time, and the median CPU time (user + system, from wait4: the part that
does not depend on how busy the machine is), with the load average before and after.
"""
import argparse
import os
import statistics
import subprocess
import tempfile
import time


def run(cmd, env):
    start = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = (time.perf_counter() - start) * 1000
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{cmd} failed")
    return wall, (usage.ru_utime + usage.ru_stime) * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--notes")
    ap.add_argument("--cache")
    ap.add_argument("--after-env", action="append", default=[], metavar="NAME=VALUE",
                    help="set for the second binary only (allocator options, say)")
    ap.add_argument("queries", nargs="*")
    args = ap.parse_args()
    queries = args.queries or (["memory limit"] if args.notes else ["pod keeps restarting"])
    cache = args.cache or tempfile.mkdtemp(prefix="kref-startup-")
    extra = ["--notes", os.path.abspath(args.notes)] if args.notes else []
    bins = {"before": args.before, "after": args.after}
    envs = {name: dict(os.environ, XDG_CACHE_HOME=os.path.join(cache, name)) for name in bins}
    envs["after"].update(kv.split("=", 1) for kv in args.after_env)
    # Warm: the index built (the same cache: both binaries read the same index format) and the
    # files in the page cache.
    for name, b in bins.items():
        for q in queries:
            for _ in range(3):
                run([b, "search", *extra, q], envs[name])
    samples = {name: ([], []) for name in bins}
    print("load average %.2f %.2f %.2f" % os.getloadavg())
    for _ in range(args.rounds):
        for name, b in bins.items():
            for q in queries:
                wall, cpu = run([b, "search", *extra, q], envs[name])
                samples[name][0].append(wall)
                samples[name][1].append(cpu)
    print("load average %.2f %.2f %.2f" % os.getloadavg())
    print("| binary | runs | wall p50 ms | wall p90 ms | CPU p50 ms |")
    print("|---|---|---|---|---|")
    for name, (walls, cpus) in samples.items():
        walls.sort()
        p90 = walls[int(len(walls) * 0.9) - 1]
        print(f"| {name} | {len(walls)} | {statistics.median(walls):.1f} | {p90:.1f} | "
              f"{statistics.median(cpus):.1f} |")


if __name__ == "__main__":
    main()
