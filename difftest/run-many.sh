#!/usr/bin/env bash
# Generate, compile and compare N more programs under both lowerings, in batches.
#   difftest/run-many.sh N [--start S] [--batch B] [--dir D] [--all]
# Writes a report (counts, mismatches grouped by symptom, smallest program each) to
# $TMPDIR/difftest-many/report.md (or D/report.md) and exits non-zero if anything differed.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
    echo "usage: $0 N [--start S] [--batch B] [--dir D] [--all]" >&2
    exit 2
fi
cargo build --quiet -p difftest --bin difftest
bin="${CARGO_TARGET_DIR:-target}/debug/difftest"
exec "$bin" many "$@"
