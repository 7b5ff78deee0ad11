#!/bin/sh
# Times `kref check` over 10,000 generated documents (200 files) and over one 10,000-document
# file; best of 5 wall-clock runs each. Usage: bench/check/run.sh [path/to/kref]
set -eu
KREF=${1:-target/release/kref}
DIR=${TMPDIR:-/tmp}/kref-check-bench
rm -rf "$DIR"
python3 "$(dirname "$0")/gen_manifests.py" "$DIR/tree" --docs 10000 --files 200
python3 "$(dirname "$0")/gen_manifests.py" "$DIR/one" --docs 10000 --files 1
best() {
  python3 - "$@" <<'PY'
import subprocess, sys, time
cmd = sys.argv[1:]
times = []
for _ in range(5):
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    times.append(time.perf_counter() - t)
print(f"best {min(times)*1000:.0f} ms, median {sorted(times)[2]*1000:.0f} ms, exit {r.returncode}: {r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ''}")
PY
}
echo "200 files, 10,000 documents, plain output:"; best "$KREF" check "$DIR/tree" --format plain
echo "200 files, 10,000 documents, json output:";  best "$KREF" check "$DIR/tree" --format json
echo "1 file, 10,000 documents, plain output:";    best "$KREF" check "$DIR/one" --format plain
echo "1 file, 10,000 documents, strict profile:";  best "$KREF" check "$DIR/one" --format plain --profile strict
