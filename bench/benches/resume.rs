//! Resume cost: the same await-heavy bodies as `#[coro_core::coroutine] fn` and as `async fn`,
//! each driven to completion by the same busy-polling driver with a no-op waker.
//!
//! `cargo bench -p coro-bench --bench resume -- --warm-up-time 1 --measurement-time 3`
#![allow(missing_docs, clippy::unused_async, clippy::many_single_char_names)]

use core::future::Future;
use core::hint::black_box;
use core::pin::pin;
use core::task::{Context, Poll, Waker};
use criterion::{Criterion, criterion_group, criterion_main};

use coro_bench::{coro_helpers, rustc_helpers};

/// Number of awaits in the loop cases.
const N: u64 = 100;

/// Polls `fut` with a no-op waker until it is ready: the same driver for both flavours.
fn drive<F: Future>(fut: F) -> F::Output {
    let mut fut = pin!(fut);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

#[path = "../workloads/resume.rs"]
mod bodies;
use bodies::{
    ready_loop_coro, ready_loop_rustc, straight_line_coro, straight_line_rustc, yield_loop_coro,
    yield_loop_rustc,
};

fn bench_resume(c: &mut Criterion) {
    assert_eq!(drive(ready_loop_coro(N)), drive(ready_loop_rustc(N)));
    assert_eq!(drive(yield_loop_coro(N)), drive(yield_loop_rustc(N)));
    assert_eq!(drive(straight_line_coro(3)), drive(straight_line_rustc(3)));
    assert_eq!(
        drive(coro_helpers::chain3(1)),
        drive(rustc_helpers::chain3(1))
    );

    let mut group = c.benchmark_group("ready_loop_100");
    group.bench_function("rustc", |b| {
        b.iter(|| drive(ready_loop_rustc(black_box(N))));
    });
    group.bench_function("coro", |b| b.iter(|| drive(ready_loop_coro(black_box(N)))));
    group.finish();

    let mut group = c.benchmark_group("yield_loop_100");
    group.bench_function("rustc", |b| {
        b.iter(|| drive(yield_loop_rustc(black_box(N))));
    });
    group.bench_function("coro", |b| b.iter(|| drive(yield_loop_coro(black_box(N)))));
    group.finish();

    let mut group = c.benchmark_group("straight_line_8");
    group.bench_function("rustc", |b| {
        b.iter(|| drive(straight_line_rustc(black_box(3))));
    });
    group.bench_function("coro", |b| {
        b.iter(|| drive(straight_line_coro(black_box(3))));
    });
    group.finish();

    // chain3 -> 2 x chain2 -> 4 x chain1 -> 8 x leaf: 15 nested calls, 8 suspensions.
    let mut group = c.benchmark_group("nested_chain_depth4");
    group.bench_function("rustc", |b| {
        b.iter(|| drive(rustc_helpers::chain3(black_box(1))));
    });
    group.bench_function("coro", |b| {
        b.iter(|| drive(coro_helpers::chain3(black_box(1))));
    });
    group.finish();
}

criterion_group!(benches, bench_resume);
criterion_main!(benches);
