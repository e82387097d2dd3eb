#!/usr/bin/env bash
# Runs every benchmark of issue #6 (Rust and Python) and regenerates BENCHMARKS.md and
# bench/chart.png from what it measured. Takes ~10 minutes on 2 cores; --quick runs the same
# pipeline with criterion's --quick, one Python run per workload and 100k pending tasks for RSS.
#
#   scripts/bench.sh [--quick]
#
# Results (criterion JSON, logs, the inputs of the report) stay in
# $CARGO_TARGET_DIR/coro-bench-results.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
quick=""
if [[ "${1:-}" == "--quick" ]]; then
  quick=1
fi
out="$CARGO_TARGET_DIR/coro-bench-results"
mkdir -p "$out"

# The chart needs matplotlib; uvloop is an extra peer. Both are optional.
python3 -c 'import matplotlib' 2>/dev/null || pip install --quiet matplotlib \
  || echo "matplotlib did not install: BENCHMARKS.md is written without a new chart"
python3 -c 'import uvloop' 2>/dev/null || pip install --quiet uvloop \
  || echo "uvloop did not install: its rows are left out"

criterion=()
if [[ -n "$quick" ]]; then
  criterion=(--quick)
fi

echo "== building"
cargo bench -p coro-bench --no-run
cargo build -q -p coro-bench --example sizes

echo "== state sizes"
cargo run -q -p coro-bench --example sizes > "$out/sizes.md"

echo "== event loop"
cargo bench -p coro-bench --bench event_loop -- "${criterion[@]}" 2>&1 | tee "$out/event_loop.log"

echo "== resume"
cargo bench -p coro-bench --bench resume -- "${criterion[@]}" 2>&1 | tee "$out/resume.log"

echo "== generators"
cargo bench -p coro-bench --bench generators -- "${criterion[@]}" 2>&1 | tee "$out/generators.log"
scripts/generator_sizes.sh > "$out/generator_sizes.md" \
  || echo "(nightly is not installed: no generator size table)" > "$out/generator_sizes.md"

echo "== memory"
cargo bench -p coro-bench --bench memory -- ${quick:+--quick} 2>&1 | tee "$out/memory.log"
grep '^memory-json: ' "$out/memory.log" | sed 's/^memory-json: //' > "$out/memory.json"

echo "== asyncio / uvloop"
python3 scripts/bench_asyncio.py ${quick:+--quick} > "$out/asyncio.json"

echo "== compile time"
python3 scripts/bench_compile.py ${quick:+--runs 2} > "$out/compile.json"

cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
echo "$cpu, $(nproc) cores, $(uname -sr), $(rustc --version | cut -d' ' -f1-2)" > "$out/machine.txt"

echo "== report"
python3 scripts/bench_report.py \
  --criterion "$CARGO_TARGET_DIR/criterion" \
  --sizes "$out/sizes.md" \
  --memory "$out/memory.json" \
  --asyncio "$out/asyncio.json" \
  --compile "$out/compile.json" \
  --generator-sizes "$out/generator_sizes.md" \
  --machine "$out/machine.txt"
echo "wrote BENCHMARKS.md and bench/chart.png"
