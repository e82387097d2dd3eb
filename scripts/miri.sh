#!/usr/bin/env bash
# Runs coro-core's tests (the lowering's run-pass tests, which await !Unpin async blocks and
# cancel mid-await) and coro-loop's tests under Miri. Needs the nightly toolchain; takes
# several minutes on 2 cores, so it is not part of `.ci/run`.
set -euo pipefail
cd "$(dirname "$0")/.."
rustup component add miri rust-src --toolchain nightly >/dev/null
cargo +nightly miri setup >/dev/null
MIRIFLAGS="${MIRIFLAGS:--Zmiri-strict-provenance}" cargo +nightly miri test -p coro-core "$@"
if [[ -d coro-loop/tests ]]; then
  MIRIFLAGS="${MIRIFLAGS:--Zmiri-strict-provenance}" cargo +nightly miri test -p coro-loop --lib "$@"
fi
