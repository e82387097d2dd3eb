#!/usr/bin/env bash
# Rewrite the committed fixed seed set (tests/generated/) from the generator: seeds 1 to 40.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf difftest/tests/generated
cargo run --quiet -p difftest --bin difftest -- gen difftest/tests/generated 1 40
