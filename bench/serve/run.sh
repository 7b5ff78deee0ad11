#!/usr/bin/env bash
# kref serve under load: wrk (Debian's `wrk`) against a release `kref serve` on the built-in
# corpus, at 16 and 64 concurrent connections, cycling through the 353 questions of the relevance
# suite (tests/relevance/blind.tsv), so no two consecutive requests of a connection repeat a query.
# Prints searches/s and the latency percentiles wrk measures, with the load average around each
# run (the machine is shared; figures go to docs/BENCHMARKS.md).
#
#   bench/serve/run.sh                       # 20 s per run; pages (/search) and JSON (/api/search)
#   DURATION=30s CONNECTIONS="16 64" bench/serve/run.sh
#
# Environment: KREF (binary, default target/release/kref; built first unless KREF_NO_BUILD=1),
# DURATION, CONNECTIONS, THREADS (wrk threads, default 2), PATHS ("/search /api/search"), CACHE
# (`--search-cache`: 0 computes every search, as when no two people ask the same thing).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KREF=${KREF:-$ROOT/target/release/kref}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-16 64}
THREADS=${THREADS:-2}
PATHS=${PATHS:-/search /api/search}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
if [ -z "${KREF_NO_BUILD:-}" ]; then
  (cd "$ROOT" && cargo build --release --quiet)
fi
WORK=$(mktemp -d)
export KREF_CACHE_DIR="$WORK/cache" HOME="$WORK" XDG_CONFIG_HOME="$WORK/config"
unset KREF_NOTES KREF_CONFIG
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
setsid "$KREF" serve --addr "127.0.0.1:$PORT" --search-cache "${CACHE:-4096}" >"$WORK/serve.out" 2>"$WORK/serve.err" &
PID=$!
stop() { kill -s TERM -- "-$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap stop EXIT
for _ in $(seq 100); do grep -q "reference is at" "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done

# The questions, percent-encoded, as a Lua table; each wrk connection walks it from its own offset.
python3 - "$ROOT/tests/relevance/blind.tsv" >"$WORK/queries.lua" <<'PY'
import sys, urllib.parse
qs = [l.split("\t")[2] for l in open(sys.argv[1], encoding="utf-8") if l.strip() and not l.startswith("#")]
print("queries = {" + ",".join('"%s"' % urllib.parse.quote_plus(q) for q in qs) + "}")
PY
cat >>"$WORK/queries.lua" <<'LUA'
local n = 0
setup = function(thread) thread:set("offset", math.random(#queries)) end
request = function()
  n = n + 1
  local q = queries[(offset + n) % #queries + 1]
  return wrk.format("GET", base .. "?q=" .. q)
end
LUA

# CPU time the server has used, in milliseconds (utime + stime of /proc/PID/stat): divided by the
# requests of a run, the cost of one search whatever else the machine is doing.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) * 1000 / hz}' "/proc/$PID/stat"; }
echo "kref serve on 127.0.0.1:$PORT ($($KREF --version)); $(nproc) cores"
for path in $PATHS; do
  # Warm up: every query once.
  (echo "base = '$path'"; cat "$WORK/queries.lua") >"$WORK/run.lua"
  wrk -t1 -c4 -d5s -s "$WORK/run.lua" "http://127.0.0.1:$PORT" >/dev/null
  for c in $CONNECTIONS; do
    echo "== $path, $c connections, $DURATION (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
    before=$(cpu_ms)
    wrk -t"$THREADS" -c"$c" -d"$DURATION" --latency -s "$WORK/run.lua" "http://127.0.0.1:$PORT" >"$WORK/wrk.out"
    after=$(cpu_ms)
    grep -E "Requests/sec|Latency|50%|75%|90%|99%|requests in|Non-2xx|Socket errors" "$WORK/wrk.out"
    requests=$(awk '/requests in/ {print $1}' "$WORK/wrk.out")
    awk -v a="$after" -v b="$before" -v n="$requests" 'BEGIN { printf "   server CPU per request: %.3f ms\n", (a - b) / n }'
    echo "   (load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
  done
done
