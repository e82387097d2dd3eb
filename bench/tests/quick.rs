//! The quick mode of the benchmarks: every workload of `bench/workloads` once, at tiny sizes, on
//! every runtime, checking results but not speed. It keeps the benches compiling and correct
//! under `cargo test --workspace` in well under a second of run time.

#[path = "../workloads/mod.rs"]
mod workloads;

use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};
use std::alloc::System;
use workloads::coro::CoroLoop;
use workloads::executor_peer::Executor;
use workloads::pool_peer::Pool;
use workloads::tokio_peer::Tokio;
use workloads::{Peer, QUICK, id_sum};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn run_all<P: Peer>() {
    let s = QUICK;
    let peer = P::new();
    let name = P::NAME;
    assert_eq!(peer.yields(s.tasks, s.yields), id_sum(s.tasks), "{name}");
    assert_eq!(peer.spawn_finish(s.spawns), id_sum(s.spawns), "{name}");
    assert_eq!(peer.round_trip(s.round_trips), s.round_trips, "{name}");
    if let Some(total) = peer.sleepers(s.sleepers, s.sleep) {
        assert_eq!(total, id_sum(s.sleepers), "{name}");
    }
    if let Some(pending) = peer.timers(s.timers) {
        assert_eq!(pending, s.timers, "{name}");
    }
    let mut probed = false;
    peer.pending(s.tasks, &mut || probed = true);
    assert!(probed, "{name}");
    let allocs = workloads::memory::alloc_per_task::<P>(GLOBAL, s.tasks);
    assert!(allocs.bytes > 0.0 && allocs.state > 0, "{name}: {allocs:?}");
}

#[test]
fn every_workload_runs_on_coro_loop() {
    run_all::<CoroLoop>();
}

#[test]
fn every_workload_runs_on_tokio() {
    run_all::<Tokio>();
}

#[test]
fn every_workload_runs_on_async_executor() {
    run_all::<Executor>();
}

#[test]
fn every_workload_runs_on_futures_local_pool() {
    run_all::<Pool>();
}

#[test]
fn memory_probes_read_proc() {
    let (rss, peak) = workloads::memory::rss_kib().expect("/proc/self/status is readable");
    assert!(rss > 0 && peak >= rss);
}
