//! Runs one row of `benches/resume.rs` a given number of times, for counting instructions:
//! `valgrind --tool=cachegrind target/release/examples/resume_calls straight_line_8 coro 1000000`
//! and the same with 0 calls; the difference over the count is the cost of one call.
#![allow(clippy::unused_async, clippy::many_single_char_names)]

use core::future::Future;
use core::hint::black_box;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

use coro_bench::{coro_helpers, rustc_helpers};

/// Polls `fut` with a no-op waker until it is ready, as the bench's driver does. Never inlined,
/// so that one call of it is one whole coroutine, as in the bench's `straight_line_8` (where
/// LLVM does not inline it either) and unlike its `ready_loop_100`, where it folds into the
/// measuring loop.
#[inline(never)]
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

fn main() {
    let mut args = std::env::args().skip(1);
    let row = args.next().unwrap_or_default();
    let flavour = args.next().unwrap_or_default();
    let calls: u64 = args
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    match (row.as_str(), flavour.as_str()) {
        ("ready_loop_100", "rustc") => repeat(calls, || drive(ready_loop_rustc(black_box(100)))),
        ("ready_loop_100", "coro") => repeat(calls, || drive(ready_loop_coro(black_box(100)))),
        ("yield_loop_100", "rustc") => repeat(calls, || drive(yield_loop_rustc(black_box(100)))),
        ("yield_loop_100", "coro") => repeat(calls, || drive(yield_loop_coro(black_box(100)))),
        ("straight_line_8", "rustc") => repeat(calls, || drive(straight_line_rustc(black_box(3)))),
        ("straight_line_8", "coro") => repeat(calls, || drive(straight_line_coro(black_box(3)))),
        ("nested_chain_depth4", "rustc") => {
            repeat(calls, || drive(rustc_helpers::chain3(black_box(1))));
        }
        ("nested_chain_depth4", "coro") => {
            repeat(calls, || drive(coro_helpers::chain3(black_box(1))));
        }
        _ => panic!("usage: resume_calls ROW rustc|coro [CALLS]"),
    }
}

/// Calls `f` `calls` times, as criterion's measuring loop does.
#[inline(never)]
fn repeat<O>(calls: u64, mut f: impl FnMut() -> O) {
    for _ in 0..calls {
        black_box(f());
    }
}
