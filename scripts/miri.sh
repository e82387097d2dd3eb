#!/usr/bin/env bash
# Runs coro-core's tests (the lowering's run-pass tests, the ported rust-lang/rust tests, which
# await !Unpin async blocks, cancel mid-await and unwind at every step, and the generators) and
# coro-loop's tests under Miri. Extra arguments go to both `cargo miri test` runs.
#
# Needs a nightly toolchain with the `miri` and `rust-src` components; installs them if they
# are missing and fails loudly if it cannot. `CORO_NIGHTLY` picks the toolchain (default
# `nightly`). Measured on the 2-core development machine, from a fresh target directory and
# Miri sysroot: about 8 minutes (sysroot ~40 s, build ~30 s, coro-core tests ~2 min, and ~4.5 min
# again as a release build, coro-loop tests ~50 s), plus the nightly download on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
toolchain="${CORO_NIGHTLY:-nightly}"

fail() {
  echo "error: scripts/miri.sh: $*" >&2
  echo "error: Miri did NOT run; this is a failure, not a pass." >&2
  exit 1
}

if ! rustup run "$toolchain" rustc --version >/dev/null 2>&1; then
  echo "== installing $toolchain (minimal, with miri and rust-src)"
  rustup toolchain install "$toolchain" --profile minimal --component miri,rust-src \
    || fail "cannot install the $toolchain toolchain"
fi
rustup component add miri rust-src --toolchain "$toolchain" >/dev/null \
  || fail "cannot add the miri and rust-src components to $toolchain"
cargo "+$toolchain" miri setup >/dev/null || fail "cargo miri setup failed"

export MIRIFLAGS="${MIRIFLAGS:--Zmiri-strict-provenance}"
echo "== miri: coro-core"
cargo "+$toolchain" miri test -p coro-core "$@"
# Once more without debug assertions: there, an arm's check that it found its own variant
# (coro-core/src/state.rs `other_variant`) is `unreachable_unchecked`, which Miri reports as
# undefined behaviour if any test reaches it.
echo "== miri: coro-core, release"
cargo "+$toolchain" miri test -p coro-core --release "$@"
echo "== miri: coro-loop"
cargo "+$toolchain" miri test -p coro-loop "$@"
