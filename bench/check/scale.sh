#!/bin/sh
# How `kref check` grows with its input (issue 19 item 4): 10k, 40k and 100k generated documents
# (gen_manifests.py, the same generator and seed for each), as a tree of 50-document files and
# as one file. Runs are interleaved (every binary, size and shape in turn, ROUNDS times) and the
# load average is printed per round; it reports the best and median wall-clock time, the ratios
# 40k/10k and 100k/10k, and whether each binary's output is identical to the first one's.
#
# Usage: bench/check/scale.sh KREF [KREF2 ...]   (env: ROUNDS=3 SIZES="10000 40000 100000")
set -eu
[ $# -ge 1 ] || { echo "usage: $0 path/to/kref [path/to/other-kref ...]" >&2; exit 2; }
DIR=${TMPDIR:-/tmp}/kref-check-scale
SIZES=${SIZES:-"10000 40000 100000"}
ROUNDS=${ROUNDS:-3}
rm -rf "$DIR"
for n in $SIZES; do
  python3 "$(dirname "$0")/gen_manifests.py" "$DIR/tree-$n" --docs "$n" --files $((n / 50)) >/dev/null
  python3 "$(dirname "$0")/gen_manifests.py" "$DIR/one-$n" --docs "$n" --files 1 >/dev/null
done
python3 - "$DIR" "$ROUNDS" "$SIZES" "$@" <<'PY'
import os, statistics, subprocess, sys, time
root, rounds, sizes, bins = sys.argv[1], int(sys.argv[2]), [int(s) for s in sys.argv[3].split()], sys.argv[4:]
shapes = ["tree", "one"]
times = {}
outputs = {}
for r in range(rounds):
    print(f"round {r + 1}: load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    for n in sizes:
        for shape in shapes:
            for b in bins:
                t = time.perf_counter()
                p = subprocess.run([b, "check", f"{root}/{shape}-{n}", "--format", "plain"],
                                   capture_output=True, text=True)
                times.setdefault((b, shape, n), []).append(time.perf_counter() - t)
                if r == 0:
                    outputs[(b, shape, n)] = (p.returncode, p.stdout.replace(root, ""))
print(f"end: load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
for b in bins:
    print(f"\n{b}")
    for shape in shapes:
        best = {n: min(times[(b, shape, n)]) for n in sizes}
        for n in sizes:
            ts = times[(b, shape, n)]
            same = outputs[(b, shape, n)] == outputs[(bins[0], shape, n)]
            lines = outputs[(b, shape, n)][1].count("\n")
            ratio = f", {best[n] / best[sizes[0]]:.2f}x the time of {sizes[0]} for {n / sizes[0]:g}x the documents" if n != sizes[0] else ""
            print(f"  {shape:4} {n:>6} docs: best {best[n]:.2f} s, median {statistics.median(ts):.2f} s{ratio}; {lines} lines out{'' if same else ', OUTPUT DIFFERS from ' + bins[0]}")
PY
rm -rf "$DIR"
