//! Event-loop throughput: spawn 10k tasks that each `sleep(ZERO)` (a plain yield) three times,
//! then await them all, on coro-loop and on tokio's current-thread runtime with a `LocalSet`.
//!
//! `cargo bench -p coro-bench --bench event_loop -- --warm-up-time 1 --measurement-time 3`
#![allow(missing_docs, clippy::unused_async)]

use core::time::Duration;
use criterion::{Criterion, criterion_group, criterion_main};

const TASKS: u64 = 10_000;
const YIELDS: u64 = 3;

#[coro_core::coroutine]
fn worker_coro(k: u64) -> u64 {
    for _ in 0..YIELDS {
        coro_loop::sleep(Duration::ZERO).await;
    }
    k
}

async fn worker_async(k: u64) -> u64 {
    for _ in 0..YIELDS {
        coro_loop::sleep(Duration::ZERO).await;
    }
    k
}

async fn worker_tokio(k: u64) -> u64 {
    for _ in 0..YIELDS {
        tokio::task::yield_now().await;
    }
    k
}

fn run_coro_loop<W, F>(lp: &coro_loop::EventLoop, worker: W) -> u64
where
    W: Fn(u64) -> F + 'static,
    F: core::future::Future<Output = u64> + 'static,
{
    lp.run_until_complete(async move {
        let tasks: Vec<_> = (0..TASKS)
            .map(|k| coro_loop::create_task(worker(k)))
            .collect();
        let mut total = 0;
        for task in tasks {
            total += task.await;
        }
        total
    })
}

fn run_tokio(rt: &tokio::runtime::Runtime) -> u64 {
    let local = tokio::task::LocalSet::new();
    local.block_on(rt, async {
        let handles: Vec<_> = (0..TASKS)
            .map(|k| tokio::task::spawn_local(worker_tokio(k)))
            .collect();
        let mut total = 0;
        for handle in handles {
            total += handle.await.expect("worker does not panic");
        }
        total
    })
}

fn bench_event_loop(c: &mut Criterion) {
    let expected = TASKS * (TASKS - 1) / 2;
    let lp = coro_loop::EventLoop::new();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("tokio runtime builds");
    assert_eq!(run_coro_loop(&lp, worker_coro), expected);
    assert_eq!(run_coro_loop(&lp, worker_async), expected);
    assert_eq!(run_tokio(&rt), expected);

    let mut group = c.benchmark_group("spawn_10k_x3_yields");
    group.sample_size(20);
    group.bench_function("tokio_local_set", |b| b.iter(|| run_tokio(&rt)));
    group.bench_function("coro_loop_coroutine", |b| {
        b.iter(|| run_coro_loop(&lp, worker_coro));
    });
    group.bench_function("coro_loop_async_fn", |b| {
        b.iter(|| run_coro_loop(&lp, worker_async));
    });
    group.finish();
    lp.close();
}

criterion_group!(benches, bench_event_loop);
criterion_main!(benches);
