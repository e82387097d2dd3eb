#!/usr/bin/env bash
# Prints the generator size table of BENCHMARKS.md: our generators against rustc's nightly
# coroutines. Needs the nightly toolchain (`rustup toolchain install nightly`).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/src"
cp "$root/bench/nightly/generator_sizes.rs" "$dir/src/main.rs"
cat > "$dir/Cargo.toml" <<TOML
[package]
name = "generator-sizes"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
coro-core = { path = "$root/coro-core" }

[workspace]
TOML
cd "$dir"
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/generator-sizes}" cargo +nightly run -q 2>/dev/null
