#!/usr/bin/env bash
# Generate, compile and compare N more programs (rustc coroutine vs ours), in batches.
#   gentest/run-many.sh N [--start S] [--batch B] [--dir D] [--all]
# Writes a report (counts, mismatches grouped by symptom, smallest program each) to
# $TMPDIR/gentest-many/report.md (or D/report.md) and exits non-zero if anything differed.
# Needs nightly.
set -euo pipefail
cd "$(dirname "$0")"
if [ $# -lt 1 ]; then
    echo "usage: $0 N [--start S] [--batch B] [--dir D] [--all]" >&2
    exit 2
fi
cargo +nightly build --quiet --bin gentest
bin="${CARGO_TARGET_DIR:-target}/debug/gentest"
exec "$bin" many "$@"
