#!/usr/bin/env bash
# Feeds many generated function bodies (awaits, yields, loops, matches, shadowing, `?`,
# macros, borrowed arguments) to the macro's library code under four attributes and fails if
# it ever panics instead of returning tokens or a `compile_error!`. `cargo test` runs 250 bodies
# per attribute; this runs more.
#
#   scripts/fuzz.sh [ITERATIONS_PER_ATTRIBUTE] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
CORO_FUZZ_ITERS="${1:-20000}" CORO_FUZZ_SEED="${2:-$RANDOM}" \
  cargo test --release -p coro-macros never_panics_on_generated_bodies -- --nocapture
