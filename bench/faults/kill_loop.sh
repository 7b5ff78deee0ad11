#!/usr/bin/env bash
# kill -9 during `kref index` at random moments, then check that the next `kref search` works and
# finds a word from every note. The same check runs in CI as a test with the debug binary
# (tests/robustness/faults.rs, 50 trials); this script is for long runs on a release binary.
#
#   bench/faults/kill_loop.sh [TRIALS] [NOTES]      defaults: 200 trials, 3000 notes
#   KREF=path/to/kref SEED=42 bench/faults/kill_loop.sh
#
# Needs python3. Uses a temporary cache and notes folder; removes them at the end.
set -euo pipefail
trials=${1:-200}
count=${2:-3000}
root=$(cd "$(dirname "$0")/../.." && pwd)
kref=${KREF:-$root/target/release/kref}
[ -x "$kref" ] || { echo "no kref binary at $kref (cargo build --release, or set KREF)" >&2; exit 2; }
seed=${SEED:-$RANDOM}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KREF_CACHE_DIR=$work/cache HOME=$work/home XDG_CONFIG_HOME=$work/config NO_COLOR=1
unset KREF_NOTES KREF_CONFIG
notes=$work/notes
echo "seed $seed, $trials trials, $count notes, $kref"

python3 - "$notes" "$count" <<'PY'
import os, sys
notes, count = sys.argv[1], int(sys.argv[2])
def token(i):
    s, n = "", i + 26 ** 3
    while n:
        s, n = chr(97 + n % 26) + s, n // 26
    return "qz" + s
for i in range(count):
    d = os.path.join(notes, "d%02d" % (i % 50))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "n%d.md" % i), "w") as f:
        f.write("# Note %d\n\nkilroy %s was here, about a Deployment rollout.\n" % (i, token(i)))
PY

check() {
  "$kref" search kilroy --limit 10000 --json --notes "$notes" >"$work/out.json" 2>"$work/err.txt" || {
    echo "FAIL after $1: search exited $?: $(cat "$work/err.txt")"; exit 1; }
  python3 - "$work/out.json" "$count" "$1" <<'PY'
import json, sys
hits = json.load(open(sys.argv[1]))["results"]
names = {h["path"].rsplit("/", 1)[-1] for h in hits}
want = {"n%d.md" % i for i in range(int(sys.argv[2]))}
if names != want:
    print("FAIL after %s: %d of %d notes found, missing e.g. %s" % (sys.argv[3], len(names & want), len(want), sorted(want - names)[:5]))
    sys.exit(1)
PY
}

start=$(date +%s%N)
"$kref" index --rebuild --notes "$notes" >/dev/null
full_ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "the first build"
echo "full build: ${full_ms} ms"
RANDOM=$seed
interrupted=0
for t in $(seq 1 "$trials"); do
  delay_ms=$(( (RANDOM * 32768 + RANDOM) % (full_ms * 11 / 10 + 1) ))
  args=(index --notes "$notes")
  (( t % 2 )) && args+=(--rebuild)
  "$kref" "${args[@]}" >/dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  if kill -9 "$pid" 2>/dev/null; then interrupted=$((interrupted + 1)); fi
  wait "$pid" 2>/dev/null || true
  check "trial $t (${args[*]:0:1} ${args[*]:3}, killed after ${delay_ms} ms)"
done
left=$(find "$KREF_CACHE_DIR/index" -maxdepth 1 -name '.*' | wc -l)
echo "ok: $trials trials, $interrupted interrupted while running; $left build folders left beside the index"
