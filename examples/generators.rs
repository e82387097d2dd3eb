//! The generator family on the same transform as `.await`: a plain generator (PEP 255), one
//! that is sent values (PEP 342), delegation with `yield_from!` (PEP 380) and an async
//! generator consumed by a coroutine (PEP 525's `async for`).
//!
//! ```python
//! def fib():
//!     a, b = 0, 1
//!     while True:
//!         yield a
//!         a, b = b, a + b
//!
//! def averager():
//!     total, n, avg = 0.0, 0, None
//!     while True:
//!         x = yield avg
//!         if x is None:
//!             return n
//!         total += x; n += 1; avg = total / n
//!
//! def report():
//!     count = yield from averager()
//!     print(f"averaged {count} values")
//!
//! async def ticks(n):
//!     for i in range(n):
//!         await asyncio.sleep(0.01)
//!         yield i
//! ```

use coro_core::{Generator, GeneratorState, fold, for_each, yield_, yield_from};
use std::pin::pin;
use std::time::Duration;

#[coro_core::coroutine(yield = u64)]
fn fib() {
    let (mut a, mut b) = (0, 1);
    loop {
        yield_!(a);
        (a, b) = (b, a + b);
    }
}

/// Python sends `None` to stop; here the sent value is an `Option<f64>`.
#[coro_core::coroutine(yield = f64, resume = Option<f64>)]
fn averager() -> usize {
    let (mut total, mut n) = (0.0, 0_u32);
    let mut avg = 0.0;
    loop {
        let Some(x) = yield_!(avg) else {
            return n as usize;
        };
        total += x;
        n += 1;
        avg = total / f64::from(n);
    }
}

/// Delegates to `averager`: the caller's values go straight through to it.
#[coro_core::coroutine(yield = f64, resume = Option<f64>)]
fn report() -> String {
    let count = yield_from!(averager());
    format!("averaged {count} values")
}

/// An async generator: `.await` and `yield_!` in one body make a `Stream`.
#[coro_core::coroutine(yield = u32)]
fn ticks(n: u32) {
    for i in 0..n {
        coro_loop::sleep(Duration::from_millis(10)).await;
        yield_!(i);
    }
}

/// `async for` over the stream, twice: once printing, once adding up.
#[coro_core::coroutine]
fn consume() -> u32 {
    for_each(ticks(3), |i| println!("tick {i}")).await;
    fold(ticks(5), 0, |sum, i| sum + i).await
}

fn main() {
    let first: Vec<u64> = fib().take(10).collect();
    println!("fib: {first:?}");

    let mut avg = pin!(report());
    let GeneratorState::Yielded(_) = avg.as_mut().start() else {
        unreachable!("report yields before it returns")
    };
    for x in [10.0, 20.0, 60.0] {
        if let GeneratorState::Yielded(now) = avg.as_mut().resume(Some(x)) {
            println!("sent {x}, average {now}");
        }
    }
    if let GeneratorState::Complete(line) = avg.as_mut().resume(None) {
        println!("{line}");
    }

    let total = coro_loop::run(consume());
    println!("sum of ticks: {total}");
}
