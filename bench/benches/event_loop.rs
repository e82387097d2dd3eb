//! Event-loop throughput (issue #6): the workloads of `bench/workloads/mod.rs` on coro-loop and
//! its peers, in one run. Criterion groups are workloads, functions within a group are runtimes:
//! `target/criterion/<workload>/<runtime>/new/estimates.json`.
//!
//! `cargo bench -p coro-bench --bench event_loop` (add `-- --quick` while developing).
#![allow(missing_docs, clippy::unused_async)]

#[path = "../workloads/mod.rs"]
mod workloads;

use core::time::Duration;
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use workloads::coro::CoroLoop;
use workloads::executor_peer::Executor;
use workloads::pool_peer::Pool;
use workloads::tokio_peer::Tokio;
use workloads::{FULL, Peer, id_sum};

/// The runtimes, each built once and reused by every iteration.
struct Peers {
    coro: CoroLoop,
    tokio: Tokio,
    executor: Executor,
    pool: Pool,
}

/// Adds `P` to `group` if it can run the workload; checks the output once first.
fn add<P: Peer>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    peer: &P,
    expected: u64,
    run: impl Fn(&P) -> Option<u64>,
) {
    let Some(first) = run(peer) else { return };
    assert_eq!(first, expected, "{} computed the wrong result", P::NAME);
    group.bench_function(P::NAME, |b| b.iter(|| run(peer)));
}

/// Adds every runtime to `group`.
fn add_all(
    group: &mut BenchmarkGroup<'_, WallTime>,
    peers: &Peers,
    expected: u64,
    workload: fn(&dyn Runner) -> Option<u64>,
) {
    add(group, &peers.coro, expected, |p| workload(p));
    add(group, &peers.tokio, expected, |p| workload(p));
    add(group, &peers.executor, expected, |p| workload(p));
    add(group, &peers.pool, expected, |p| workload(p));
}

/// Object-safe view of [`Peer`]'s workloads, so one function pointer serves every runtime.
trait Runner {
    fn yields(&self, tasks: u32, yields: u32) -> u64;
    fn spawn_finish(&self, n: u32) -> u64;
    fn round_trip(&self, n: u32) -> u32;
    fn sleepers(&self, n: u32, d: Duration) -> Option<u64>;
    fn timers(&self, n: u32) -> Option<u32>;
}

impl<P: Peer> Runner for P {
    fn yields(&self, tasks: u32, yields: u32) -> u64 {
        Peer::yields(self, tasks, yields)
    }
    fn spawn_finish(&self, n: u32) -> u64 {
        Peer::spawn_finish(self, n)
    }
    fn round_trip(&self, n: u32) -> u32 {
        Peer::round_trip(self, n)
    }
    fn sleepers(&self, n: u32, d: Duration) -> Option<u64> {
        Peer::sleepers(self, n, d)
    }
    fn timers(&self, n: u32) -> Option<u32> {
        Peer::timers(self, n)
    }
}

async fn yielder_async(id: u32, yields: u32) -> u64 {
    for _ in 0..yields {
        coro_loop::sleep(Duration::ZERO).await;
    }
    u64::from(id)
}

fn bench_loops(c: &mut Criterion) {
    let peers = Peers {
        coro: CoroLoop::new(),
        tokio: Tokio::new(),
        executor: Executor::new(),
        pool: Pool::new(),
    };
    let s = FULL;

    let mut group = c.benchmark_group("yield_100k_x10");
    add_all(&mut group, &peers, id_sum(s.tasks), |p| {
        Some(p.yields(FULL.tasks, FULL.yields))
    });
    // The same loop with `async fn` workers: how much of coro-loop's time is the coroutines'.
    let lp = &peers.coro.0;
    group.bench_function("coro-loop-async-fn", |b| {
        b.iter(|| {
            lp.run_until_complete(async {
                let handles: Vec<_> = (0..FULL.tasks)
                    .map(|i| coro_loop::create_task(yielder_async(i, FULL.yields)))
                    .collect();
                let mut total = 0;
                for handle in handles {
                    total += handle.await;
                }
                total
            })
        });
    });
    group.finish();

    let mut group = c.benchmark_group("spawn_finish_100k");
    add_all(&mut group, &peers, id_sum(s.spawns), |p| {
        Some(p.spawn_finish(FULL.spawns))
    });
    group.finish();

    let mut group = c.benchmark_group("round_trip_100k");
    add_all(&mut group, &peers, u64::from(s.round_trips), |p| {
        Some(u64::from(p.round_trip(FULL.round_trips)))
    });
    group.finish();

    let mut group = c.benchmark_group("sleep_100k_10ms");
    add_all(&mut group, &peers, id_sum(s.sleepers), |p| {
        p.sleepers(FULL.sleepers, FULL.sleep)
    });
    group.finish();

    let mut group = c.benchmark_group("timers_1m_register_drop");
    add_all(&mut group, &peers, u64::from(s.timers), |p| {
        p.timers(FULL.timers).map(u64::from)
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = bench_loops
}
criterion_main!(benches);
