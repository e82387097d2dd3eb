#!/usr/bin/env python3
"""Compile time of 200 coroutines: `#[coro_core::coroutine] fn` against the same bodies as
`async fn`, each in a generated crate checked with `cargo check`.

The crates live in $CARGO_TARGET_DIR/coro-compile-bench (or target/coro-compile-bench) and depend
on this workspace's coro-core by path. Dependencies are built once first; then each crate's own
`cargo check` is timed RUNS times (touching lib.rs in between), against a baseline crate with the
same plain helper code and no coroutines. Per-coroutine cost = (median - baseline median) / N.

A fourth crate, `coro_opt`, holds the same coroutines as `coro` and adds the setting README
recommends, `[profile.dev.build-override] opt-level = 3`, which builds proc macros (ours, and syn
under it) optimised: a user's opt-in, reported beside the default, not instead of it.

Prints one JSON object. Usage: python3 scripts/bench_compile.py [--n 200] [--runs 5]
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def body(i):
    """A varied coroutine body: locals across awaits, a loop, a match, a `?`."""
    k = i % 4
    if k == 0:
        return f"""
    let a = x + {i};
    let b = ready(a).await;
    let mut t = 0u64;
    for j in 0..3u64 {{
        t += ready(j + b).await;
    }}
    Ok(t + a)"""
    if k == 1:
        return f"""
    let s = format!("{{x}}-{i}");
    let n = match x % 3 {{
        0 => ready(s.len() as u64).await,
        1 => ready(x).await + 1,
        _ => 7,
    }};
    Ok(n + s.len() as u64)"""
    if k == 2:
        return f"""
    let v: Vec<u64> = (0..x % 5).collect();
    let mut acc = 0;
    for item in v {{
        acc += ready(item).await;
        if acc > {i + 100} {{ break; }}
    }}
    let checked = helper(acc).await?;
    Ok(checked)"""
    return f"""
    let first = ready(x).await;
    let second = if first > {i} {{ ready(first - 1).await }} else {{ first + 1 }};
    let third = helper(second).await?;
    Ok(first + second + third)"""


def source(kind, n):
    out = [
        "#![allow(clippy::all, unused)]",
        "use core::future::ready;",
        "",
    ]
    if kind == "coro":
        out.append("#[coro_core::coroutine]\npub fn helper(x: u64) -> Result<u64, String> {\n"
                   "    let y = ready(x).await;\n    if y > 1_000_000 { Err(format!(\"{y}\")) } else { Ok(y) }\n}")
    elif kind == "async":
        out.append("pub async fn helper(x: u64) -> Result<u64, String> {\n"
                   "    let y = ready(x).await;\n    if y > 1_000_000 { Err(format!(\"{y}\")) } else { Ok(y) }\n}")
    if kind == "baseline":
        return "\n".join(out) + "\npub fn nothing() {}\n"
    for i in range(n):
        head = (f"#[coro_core::coroutine]\npub fn f{i}(x: u64) -> Result<u64, String> {{"
                if kind == "coro" else
                f"pub async fn f{i}(x: u64) -> Result<u64, String> {{")
        out.append(head + body(i) + "\n}\n")
    return "\n".join(out)


# The user's opt-in of README "Faster `cargo check`": proc macros and their dependencies
# built optimised.
OPT_IN = """
[profile.dev.build-override]
opt-level = 3
"""


def make_crate(base, kind, n):
    d = base / kind
    (d / "src").mkdir(parents=True, exist_ok=True)
    profile = OPT_IN if kind == "coro_opt" else ""
    (d / "Cargo.toml").write_text(f"""[package]
name = "compile-bench-{kind.replace('_', '-')}"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
coro-core = {{ path = "{ROOT / 'coro-core'}" }}

[workspace]
{profile}""")
    (d / "src" / "lib.rs").write_text(source("coro" if kind == "coro_opt" else kind, n))
    return d


def check(d, target):
    env = dict(os.environ, CARGO_TARGET_DIR=str(target))
    (d / "src" / "lib.rs").touch()
    start = time.perf_counter()
    subprocess.run(["cargo", "check", "--quiet", "--offline"], cwd=d, env=env, check=True)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    base = target / "coro-compile-bench"
    kinds = ("baseline", "coro", "async", "coro_opt")
    crates = {kind: make_crate(base, kind, args.n) for kind in kinds}
    # The lock files need the workspace's Cargo.lock versions; copy it so --offline resolves.
    for d in crates.values():
        lock = ROOT / "Cargo.lock"
        if not (d / "Cargo.lock").exists():
            (d / "Cargo.lock").write_text(lock.read_text())
    shared_target = base / "target"
    for d in crates.values():  # build dependencies (coro-macros, syn, ...) once
        check(d, shared_target)
    result = {"n": args.n, "runs": args.runs}
    for kind, d in crates.items():
        times = [check(d, shared_target) for _ in range(args.runs)]
        result[kind] = {"median_s": statistics.median(times), "runs": times}
        print(f"{kind:9} {statistics.median(times):.3f} s", file=sys.stderr)
    base_s = result["baseline"]["median_s"]
    for kind in ("coro", "async", "coro_opt"):
        result[kind]["per_fn_ms"] = (result[kind]["median_s"] - base_s) / args.n * 1e3
    print(json.dumps(result))


if __name__ == "__main__":
    main()
