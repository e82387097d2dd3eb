//! Generator iteration: `fib().take(N)` as a `#[coro_core::coroutine(yield = u64)]` generator
//! against the same sequence as a hand-written `Iterator`, summed by the same consumer.
//! Issue #5's goal: within 1.2x of the hand-written iterator.
//!
//! `cargo bench -p coro-bench --bench generators -- --warm-up-time 1 --measurement-time 3`
#![allow(missing_docs)]

use core::hint::black_box;
use coro_core::yield_;
use criterion::{Criterion, criterion_group, criterion_main};

const N: usize = 1000;

#[coro_core::coroutine(yield = u64)]
fn fib_gen() {
    let (mut a, mut b) = (0_u64, 1_u64);
    loop {
        yield_!(a);
        (a, b) = (b, a.wrapping_add(b));
    }
}

/// The same sequence, written by hand.
struct FibIter {
    a: u64,
    b: u64,
}

impl Iterator for FibIter {
    type Item = u64;
    #[inline]
    fn next(&mut self) -> Option<u64> {
        let a = self.a;
        (self.a, self.b) = (self.b, self.a.wrapping_add(self.b));
        Some(a)
    }
}

#[coro_core::coroutine(yield = u64)]
fn squares(n: u64) {
    for i in 0..n {
        if i % 3 == 0 {
            continue;
        }
        yield_!(i * i);
    }
}

fn squares_iter(n: u64) -> impl Iterator<Item = u64> {
    (0..n).filter(|i| i % 3 != 0).map(|i| i * i)
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("gen_fib_take_1000");
    g.bench_function("coro", |b| {
        b.iter(|| black_box(fib_gen()).take(N).fold(0_u64, u64::wrapping_add));
    });
    g.bench_function("iterator", |b| {
        b.iter(|| {
            black_box(FibIter { a: 0, b: 1 })
                .take(N)
                .fold(0_u64, u64::wrapping_add)
        });
    });
    g.finish();
    let mut g = c.benchmark_group("gen_squares_1000");
    g.bench_function("coro", |b| {
        b.iter(|| squares(black_box(1000)).fold(0_u64, u64::wrapping_add));
    });
    g.bench_function("iterator", |b| {
        b.iter(|| squares_iter(black_box(1000)).fold(0_u64, u64::wrapping_add));
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
