//! Memory (issue #6): bytes allocated per spawned task, counted by a global allocator, and peak
//! RSS with 1M pending tasks, each runtime in a fresh child process (the peak never goes down).
//!
//! `cargo bench -p coro-bench --bench memory` prints a table and, last, one line
//! `memory-json: {...}` that `scripts/bench_report.py` reads.
// Byte and KiB counts here are far below 2^52, so `as f64` is exact.
#![allow(missing_docs, clippy::cast_precision_loss)]

#[path = "../workloads/mod.rs"]
mod workloads;

use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};
use std::alloc::System;
use std::process::Command;
use workloads::Peer;
use workloads::coro::CoroLoop;
use workloads::executor_peer::Executor;
use workloads::memory::{AllocPerTask, alloc_per_task, peak_rss};
use workloads::pool_peer::Pool;
use workloads::tokio_peer::Tokio;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Tasks spawned when counting allocations.
const ALLOC_TASKS: u32 = 10_000;
/// Pending tasks for the peak-RSS measurement.
const RSS_TASKS: u32 = 1_000_000;

/// In a child process: measures the peak RSS of one runtime and prints `before peak` (KiB).
fn child(peer: &str, tasks: u32) {
    let (before, peak) = match peer {
        CoroLoop::NAME => peak_rss::<CoroLoop>(tasks),
        Tokio::NAME => peak_rss::<Tokio>(tasks),
        Executor::NAME => peak_rss::<Executor>(tasks),
        Pool::NAME => peak_rss::<Pool>(tasks),
        other => panic!("unknown runtime {other}"),
    };
    println!("{before} {peak}");
    // The runtime's tasks are never finished; exiting now spares dropping a million of them.
    std::process::exit(0);
}

/// Runs `child` for `peer` in a fresh process.
fn rss_of(peer: &str, tasks: u32) -> (u64, u64) {
    let exe = std::env::current_exe().expect("own path");
    let out = Command::new(exe)
        .args(["--rss", peer, &tasks.to_string()])
        .output()
        .expect("child runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text
        .split_whitespace()
        .map(|v| v.parse().expect("a number"));
    (it.next().unwrap_or(0), it.next().unwrap_or(0))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--rss") {
        child(&args[i + 1], args[i + 2].parse().expect("a task count"));
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let rss_tasks = if quick { RSS_TASKS / 10 } else { RSS_TASKS };
    let allocs: [(&str, AllocPerTask); 4] = [
        (
            CoroLoop::NAME,
            alloc_per_task::<CoroLoop>(GLOBAL, ALLOC_TASKS),
        ),
        (Tokio::NAME, alloc_per_task::<Tokio>(GLOBAL, ALLOC_TASKS)),
        (
            Executor::NAME,
            alloc_per_task::<Executor>(GLOBAL, ALLOC_TASKS),
        ),
        (Pool::NAME, alloc_per_task::<Pool>(GLOBAL, ALLOC_TASKS)),
    ];
    println!(
        "| runtime | bytes/task | allocator calls/task | task state | beyond state | peak RSS, {rss_tasks} pending | RSS/task |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut json = Vec::new();
    for (name, a) in allocs {
        let (before, peak) = rss_of(name, rss_tasks);
        let per_task = (peak.saturating_sub(before) * 1024) as f64 / f64::from(rss_tasks);
        let beyond = a.bytes - a.state as f64;
        println!(
            "| {name} | {:.1} | {:.2} | {} | {beyond:.1} | {:.1} MiB | {per_task:.0} B |",
            a.bytes,
            a.calls,
            a.state,
            peak as f64 / 1024.0
        );
        json.push(format!(
            "\"{name}\": {{\"alloc_tasks\": {}, \"bytes_per_task\": {:.2}, \"calls_per_task\": {:.3}, \
             \"state\": {}, \"rss_tasks\": {rss_tasks}, \"rss_before_kib\": {before}, \"rss_peak_kib\": {peak}}}",
            a.tasks, a.bytes, a.calls, a.state
        ));
    }
    println!("memory-json: {{{}}}", json.join(", "));
}
