#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for a bounded time and prints libFuzzer's figures.
#
#   fuzz/run.sh [SECONDS] [TARGET...]      SECONDS defaults to 240; targets default to all
#   FUZZ_SANITIZER=address fuzz/run.sh 60  with AddressSanitizer (about 4x slower)
#   FUZZ_TIMEOUT=3 (seconds)                an input slower than this is a finding (a hang)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly toolchain (`cargo +nightly`); with only
# a stable one, set RUSTC_BOOTSTRAP=1 and FUZZ_TOOLCHAIN= (empty) to use it for -Z flags.
# New inputs go to fuzz/corpus/<target>/ (git-ignored), seeds are read from fuzz/seeds/<target>/,
# crashes land in fuzz/artifacts/<target>/ and logs in fuzz/logs/. One job, one core.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-240}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(yaml_model notes schema_import schema_store lsp)
toolchain=${FUZZ_TOOLCHAIN-+nightly}
sanitizer=${FUZZ_SANITIZER:-none}
timeout=${FUZZ_TIMEOUT:-3}
declare -A dict=([yaml_model]=yaml [notes]=markdown [schema_import]=schema [schema_store]=schema [lsp]=yaml)
mkdir -p logs
for t in "${targets[@]}"; do
  if ! grep -q "name = \"$t\"" Cargo.toml; then echo "== $t: no such target, skipped"; continue; fi
  mkdir -p "corpus/$t" "seeds/$t"
  log="logs/$t.log"
  echo "== $t: ${secs}s, sanitizer $sanitizer"
  # shellcheck disable=SC2086
  cargo $toolchain fuzz run -s "$sanitizer" "$t" "corpus/$t" "seeds/$t" -- \
    -dict="dicts/${dict[$t]}.dict" -max_total_time="$secs" -timeout="$timeout" -rss_limit_mb=2048 \
    -print_final_stats=1 >"$log" 2>&1 && status=ok || status="FAILED (see fuzz/$log and fuzz/artifacts/$t/)"
  grep -E '^#[0-9]+\s+(DONE|pulse|NEW|REDUCE)' "$log" | tail -1 || true
  grep -E 'stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" || true
  echo "   corpus: $(find "corpus/$t" -type f | wc -l) inputs; result: $status"
done
