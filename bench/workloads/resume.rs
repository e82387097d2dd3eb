//! The bodies of the resume-cost rows, once as `async fn` and once as
//! `#[coro_core::coroutine] fn`: included by `benches/resume.rs` and by
//! `examples/resume_calls.rs` (`#[path]`), so that each crate compiles its own copy, as a
//! bench's own functions are compiled (a body in the library crate could not be inlined into
//! the bench for one flavour and could for the other).

use core::future::ready;

use coro_bench::yield_now;

pub(crate) async fn ready_loop_rustc(n: u64) -> u64 {
    let mut total = 0;
    for i in 0..n {
        total += ready(i).await;
    }
    total
}

#[coro_core::coroutine]
pub(crate) fn ready_loop_coro(n: u64) -> u64 {
    let mut total = 0;
    for i in 0..n {
        total += ready(i).await;
    }
    total
}

pub(crate) async fn yield_loop_rustc(n: u64) -> u64 {
    let mut total = 0;
    for i in 0..n {
        yield_now().await;
        total += i;
    }
    total
}

#[coro_core::coroutine]
pub(crate) fn yield_loop_coro(n: u64) -> u64 {
    let mut total = 0;
    for i in 0..n {
        yield_now().await;
        total += i;
    }
    total
}

pub(crate) async fn straight_line_rustc(x: u64) -> u64 {
    let a = ready(x).await;
    let b = ready(a + 1).await;
    let c = ready(b * 2).await;
    let d = ready(c + a).await;
    let e = ready(d ^ b).await;
    let f = ready(e + c).await;
    let g = ready(f * 3).await;
    let h = ready(g + d).await;
    a + b + c + d + e + f + g + h
}

#[coro_core::coroutine]
pub(crate) fn straight_line_coro(x: u64) -> u64 {
    let a = ready(x).await;
    let b = ready(a + 1).await;
    let c = ready(b * 2).await;
    let d = ready(c + a).await;
    let e = ready(d ^ b).await;
    let f = ready(e + c).await;
    let g = ready(f * 3).await;
    let h = ready(g + d).await;
    a + b + c + d + e + f + g + h
}
