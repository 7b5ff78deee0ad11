#!/usr/bin/env bash
# kref lsp and yaml-language-server, measured side by side in one run with the shared LSP bench
# client (initialize, hover and completion latency, peak RSS) on small.yaml and large.yaml, then
# a comparison table and what each answers on the same few positions. Diagnostics latency too:
# didOpen -> first publishDiagnostics and didChange -> publishDiagnostics (p50/p95).
#
#   bench/lsp/run.sh                      # 3 rounds each; yamlls only if set up
#   ROUNDS=5 SETUP=1 bench/lsp/run.sh     # install the offline yamlls first (npm + PyPI)
#
# Environment: BENCH (the shared kit, default ../shared/bench beside the repo), PEERS (yamlls
# install, default /tmp/peers), OUT (results, default target/bench-lsp), KREF (the binary, default
# target/release/kref; built first unless KREF_NO_BUILD=1), ROUNDS, CHANGES (edits per round,
# default 20), SETUP.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=${BENCH:-$ROOT/../shared/bench}
PEERS=${PEERS:-/tmp/peers}
OUT=${OUT:-$ROOT/target/bench-lsp}
ROUNDS=${ROUNDS:-3}
KREF=${KREF:-$ROOT/target/release/kref}
mkdir -p "$OUT"

if [ ! -f "$BENCH/lspbench.py" ]; then
  echo "no LSP bench kit at $BENCH (set BENCH=...)" >&2
  exit 2
fi
# Build unless told not to (a no-op when up to date).
if [ -z "${KREF_NO_BUILD:-}" ]; then
  (cd "$ROOT" && cargo build --release --quiet)
fi
if [ "${SETUP:-0}" = 1 ] && [ ! -x "$PEERS/yamlls.sh" ]; then
  PEERS=$PEERS bash "$BENCH/setup_yamlls_offline.sh"
fi

# Both servers publish diagnostics: each round measures didOpen -> first publish and CHANGES
# edits (didChange -> the publish for that version); the same waits apply to both.
CHANGES=${CHANGES:-20}
COMMON=(--rounds "$ROUNDS" --config-wait 0.5 --changes "$CHANGES")

run() { # name, server command, file, extra args...
  local name=$1 server=$2 file=$3
  shift 3
  echo "### $name $file.yaml"
  python3 "$BENCH/lspbench.py" --server "$server" --file "$BENCH/manifests/$file.yaml" \
    "${COMMON[@]}" --json "$OUT/$name-$file.json" "$@" | tail -n 1
}

# kref with an empty cache of its own, as a first start would be, plus a warm one.
export KREF_CACHE_DIR="$OUT/kref-cache"
rm -rf "$KREF_CACHE_DIR"
for f in small large; do
  run kref "$KREF lsp" "$f" --diag-timeout 1 --quiet 0.2
done

HAVE_YAMLLS=0
if [ -x "$PEERS/yamlls.sh" ]; then
  HAVE_YAMLLS=1
  for f in small large; do
    run yamlls "$PEERS/yamlls.sh" "$f" --settings "$BENCH/settings/yamlls-k8s-local-resources.json" \
      --diag-timeout 60 --quiet 1.5
  done
else
  echo "yaml-language-server is not set up under $PEERS; run with SETUP=1 to compare" >&2
fi

# What each says at the same places of small.yaml: `strategy:`, `kind: Deployment`, the value of
# `concurrencyPolicy:` and `accessModes:`.
probe() { # name, server, extra args...
  local name=$1 server=$2
  shift 2
  python3 "$BENCH/lspbench.py" probe --server "$server" --file "$BENCH/manifests/small.yaml" --brief \
    --what hover,completion --pos 36:3 --pos 22:7 --pos 134:22 --pos 154:3 "$@" > "$OUT/probe-$name.txt" 2>&1 || true
}
probe kref "$KREF lsp"
if [ "$HAVE_YAMLLS" = 1 ]; then
  probe yamlls "$PEERS/yamlls.sh" --settings "$BENCH/settings/yamlls-k8s-local-resources.json"
fi

python3 - "$OUT" <<'PY'
import json, os, sys
out = sys.argv[1]
rows = []
for name in ("kref", "yamlls"):
    for f in ("small", "large"):
        p = os.path.join(out, f"{name}-{f}.json")
        if not os.path.exists(p):
            continue
        a = json.load(open(p))["aggregate"]
        h, c, ch = a["hover_all_rounds"], a["completion_all_rounds"], a["change_all_rounds"]
        rows.append((name, f, a["initialize_ms_median"], h["p50"], h["p95"], c["p50"], c["p95"],
                     a["completion_items_median"], a["peak_hwm_tree_mb_max"], a["hover_nonempty"],
                     a["first_diagnostics_ms_median"], a["first_diagnostics_count"],
                     ch.get("p50"), ch.get("p95")))
print()
print("| server | file | initialize ms | hover p50/p95 ms | completion p50/p95 ms | items (median) | peak RSS MB | non-empty hovers per round | didOpen -> diagnostics ms (count) | didChange -> diagnostics p50/p95 ms |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r[0]} | {r[1]}.yaml | {r[2]} | {r[3]} / {r[4]} | {r[5]} / {r[6]} | {r[7]} | {r[8]} | {r[9]} | {r[10]} ({r[11][-1] if r[11] else '-'}) | {r[12]} / {r[13]} |")
print(f"\nfull results and probes in {out}")
PY
