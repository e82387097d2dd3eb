//! Run-pass behaviour of `.await`, ported from ideas in rust-lang/rust `tests/ui/async-await/`
//! (`async-await.rs`: every kind of async item yields once and returns; the resume-after-
//! completion and resume-after-panic issues; `await-into-future.rs`; let-else; conditional
//! initialisation; awaits in every expression position) and rewritten for this crate.
//!
//! Most bodies are compiled twice by `twin!`, as an `async fn` and as a
//! `#[coro_core::coroutine] fn`, and must log the same events when dropped after any number of
//! polls.
// The bodies mirror upstream tests and are written to exercise the lowering (unused and
// single-letter bindings, `let x = ..; x` tails, values passed only to be dropped).
#![allow(
    // `assert!` cannot take an awaited message; `if .. { panic!(..) }` is the coroutine form.
    clippy::manual_assert,
    clippy::unused_async,
    clippy::many_single_char_names,
    clippy::needless_pass_by_value,
    clippy::ignored_unit_patterns,
    clippy::let_and_return,
    clippy::identity_op,
    clippy::never_loop,
    clippy::needless_late_init
)]

#[macro_use]
mod ported_common;

use coro_core::{Coroutine, CoroutineState, block_on};
use ported_common::{
    D, assert_same_at_every_cancel, later, later_n, log, noop_cx, panic_message, run, run_for,
};
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

/// A waker that counts how often it is woken.
struct WakeCounter(AtomicUsize);

impl Wake for WakeCounter {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Wakes its task and is pending on the first poll, ready on the second.
struct WakeOnce(bool);

impl Future for WakeOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

fn wake_once() -> WakeOnce {
    WakeOnce(false)
}

/// Upstream's harness: the future must be pending after one poll, having woken its waker once,
/// and ready with 9 on the second poll.
fn yields_once_then_returns_9<F: Future<Output = u8>>(fut: F) {
    let mut fut = Box::pin(fut);
    let counter = Arc::new(WakeCounter(AtomicUsize::new(0)));
    let waker = Waker::from(Arc::clone(&counter));
    let mut cx = Context::from_waker(&waker);
    assert_eq!(counter.0.load(Ordering::SeqCst), 0);
    assert_eq!(fut.as_mut().poll(&mut cx), Poll::Pending);
    assert_eq!(counter.0.load(Ordering::SeqCst), 1);
    assert_eq!(fut.as_mut().poll(&mut cx), Poll::Ready(9));
}

// --- Every kind of coroutine item yields once and returns -----------------------------------

#[coro_core::coroutine]
fn plain(x: u8) -> u8 {
    wake_once().await;
    x
}

#[coro_core::coroutine]
fn generic<T>(x: T) -> T {
    wake_once().await;
    x
}

#[coro_core::coroutine]
fn by_ref(x: &u8) -> u8 {
    wake_once().await;
    *x
}

// The lifetime is named on purpose: the port checks that a named one is accepted.
#[allow(clippy::needless_lifetimes)]
#[coro_core::coroutine]
fn named_lifetime<'a>(x: &'a u8) -> u8 {
    wake_once().await;
    *x
}

#[coro_core::coroutine]
fn several_refs<'a>(x: &'a u8, _y: &'a u8) -> u8 {
    wake_once().await;
    *x
}

#[coro_core::coroutine]
fn awaits_inner_block(x: u8) -> u8 {
    let inner = async move {
        wake_once().await;
        x
    };
    inner.await
}

#[coro_core::coroutine]
fn awaits_inner_coroutine(x: u8) -> u8 {
    plain(x).await
}

struct Assoc;

impl Assoc {
    #[coro_core::coroutine]
    fn assoc(x: u8) -> u8 {
        plain(x).await
    }
}

struct Holder(u8);

impl Holder {
    #[coro_core::coroutine]
    fn get(&self) -> u8 {
        wake_once().await;
        self.0
    }

    #[coro_core::coroutine]
    fn take(self) -> u8 {
        wake_once().await;
        self.0
    }
}

trait Source {
    fn value(&self) -> impl Future<Output = u8>;
}

impl Source for Holder {
    #[coro_core::coroutine]
    fn value(&self) -> u8 {
        wake_once().await;
        self.0
    }
}

#[test]
fn every_kind_of_item_yields_once_and_returns() {
    yields_once_then_returns_9(plain(9));
    yields_once_then_returns_9(generic(9u8));
    yields_once_then_returns_9(by_ref(&9));
    yields_once_then_returns_9(named_lifetime(&9));
    yields_once_then_returns_9(several_refs(&9, &0));
    yields_once_then_returns_9(awaits_inner_block(9));
    yields_once_then_returns_9(awaits_inner_coroutine(9));
    yields_once_then_returns_9(Assoc::assoc(9));
    let h = Holder(9);
    yields_once_then_returns_9(h.get());
    yields_once_then_returns_9(h.value());
    yields_once_then_returns_9(Holder(9).take());
    // An async block awaiting a coroutine that borrows from the block's own state.
    yields_once_then_returns_9(async move {
        let x = 9;
        by_ref(&x).await
    });
}

// --- Life cycle: polling after the end ------------------------------------------------------

#[test]
fn polling_after_completion_panics() {
    let mut ours = Box::pin(plain(1));
    let mut cx = noop_cx();
    while ours.as_mut().poll(&mut cx).is_pending() {}
    assert_eq!(ours.state(), CoroutineState::Done);
    let msg = panic_message(|| ours.as_mut().poll(&mut cx));
    assert_eq!(msg, "coroutine resumed after completion");
    // rustc says "`async fn` resumed after completion".
    let mut reference = Box::pin(async { 1 });
    while reference.as_mut().poll(&mut cx).is_pending() {}
    assert!(panic_message(|| reference.as_mut().poll(&mut cx)).contains("after completion"));
}

#[coro_core::coroutine]
fn panics_on_second_poll(t: D) -> u8 {
    let local = D("local");
    wake_once().await;
    panic!("inner panic")
}

#[test]
fn polling_after_a_panic_panics_and_runs_nothing() {
    let (_, _) = run_for(async {}, 0);
    let mut c = Box::pin(panics_on_second_poll(D("arg")));
    let mut cx = noop_cx();
    assert!(c.as_mut().poll(&mut cx).is_pending());
    assert_eq!(c.state(), CoroutineState::Suspended);
    assert_eq!(panic_message(|| c.as_mut().poll(&mut cx)), "inner panic");
    assert_eq!(c.state(), CoroutineState::Done);
    assert_eq!(
        ported_common::take_log(),
        ["drop local", "drop arg"],
        "the panic drops what the coroutine held"
    );
    assert_eq!(
        panic_message(|| c.as_mut().poll(&mut cx)),
        "coroutine resumed after panicking"
    );
    drop(c);
    assert!(
        ported_common::take_log().is_empty(),
        "nothing dropped twice"
    );
}

// --- IntoFuture -----------------------------------------------------------------------------

/// Not a future itself: `.await` must call `into_future`.
struct Request(u32);

impl IntoFuture for Request {
    type Output = u32;
    type IntoFuture = ported_common::Later<u32>;
    fn into_future(self) -> Self::IntoFuture {
        log(format!("into_future {}", self.0));
        later(self.0 * 2)
    }
}

twin! {
    fn awaits_into_future / awaits_into_future_ref (n: u32) -> u32 {
        let a = Request(n).await;
        let b = Request(a).await + Request(1).await;
        b
    }
}

#[test]
fn await_calls_into_future() {
    assert_same_at_every_cancel(|| awaits_into_future_ref(3), || awaits_into_future(3));
    assert_eq!(run(awaits_into_future(3)).0, 14);
}

// --- Awaits in every expression position ----------------------------------------------------

#[derive(Debug, PartialEq)]
struct Point {
    x: u32,
    y: u32,
}

fn add3(a: u32, b: u32, c: u32) -> u32 {
    log(format!("add3 {a} {b} {c}"));
    a + b + c
}

twin! {
    fn positions / positions_ref (n: u32) -> (u32, Point, Vec<u32>, String) {
        let arith = later(n).await + later(2).await * later(3).await;
        let call = add3(later(1).await, n, later(n).await);
        let arr = [later(10).await, later(20).await, 30];
        let idx = arr[later(1usize).await];
        let p = Point { x: later(n).await, y: add3(idx, later(0).await, 0) };
        let t = (later(1).await, later(2).await);
        let chained = later(Some(n)).await.map(|v| v + 1).unwrap_or_default();
        let neg = -i64::from(later(n).await);
        let cond = if later(n).await > 2 { later("big").await } else { "small" };
        let m = match later(n % 3).await {
            0 => later(100).await,
            1 => 101,
            _ => later(102).await + 0,
        };
        let mut w = 0;
        while later(w).await < 3 {
            w += 1;
        }
        let v = vec![later(arith).await, call, t.0 + t.1, chained, m, w];
        let s = format!("{}-{}-{neg}", cond, later(n).await);
        (idx, p, v, s)
    }
}

#[test]
fn awaits_in_every_expression_position() {
    for n in [1, 3] {
        assert_same_at_every_cancel(|| positions_ref(n), || positions(n));
    }
    let (out, _) = run(positions(3));
    assert_eq!(
        out,
        (
            20,
            Point { x: 3, y: 20 },
            vec![9, 7, 3, 4, 100, 3],
            "big-3--3".to_string()
        )
    );
}

twin! {
    fn labelled_blocks / labelled_blocks_ref (n: u32) -> u32 {
        let a = 'found: {
            for i in 0..n {
                if later(i).await == 2 {
                    break 'found i * 100;
                }
            }
            let _d = D("not found");
            later(7).await
        };
        let b = 'outer: loop {
            let _o = D("outer");
            loop {
                let _i = D("inner");
                if later(a).await > 0 {
                    break 'outer a + 1;
                }
                break;
            }
            break 0;
        };
        b
    }
}

#[test]
fn labelled_breaks_with_values() {
    for n in [0, 2, 5] {
        assert_same_at_every_cancel(|| labelled_blocks_ref(n), || labelled_blocks(n));
    }
}

twin! {
    // An await in an `assert!` message is a compile error (the message only runs on failure,
    // so it cannot be hoisted); this is the form the error suggests.
    fn assert_message / assert_message_ref (n: u32) -> u32 {
        let v = later(n).await;
        if v != n {
            panic!("message {}", later(0).await);
        }
        if n == 0 {
            panic!("message {}", later(1).await);
        }
        n
    }
}

#[test]
fn awaits_in_an_assert_message_run_only_on_failure() {
    assert_same_at_every_cancel(|| assert_message_ref(2), || assert_message(2));
}

// --- let-else and shadowing -----------------------------------------------------------------

fn never() -> impl Future<Output = std::convert::Infallible> {
    std::future::pending()
}

twin! {
    fn let_else / let_else_ref (x: Option<u32>, y: Option<u32>) -> u32 {
        let _g = D("guard");
        let Some(a) = later(x).await else {
            let _e = D("else");
            later(()).await;
            return 0;
        };
        let Some(b) = y else {
            let _e = D("else2");
            return later(a).await;
        };
        if b == 99 {
            let Some(_) = None::<u32> else {
                match never().await {}
            };
        }
        a + b
    }
}

#[test]
fn let_else_with_awaits_in_the_initialiser_and_the_else_block() {
    for (x, y) in [(None, None), (Some(1), None), (Some(1), Some(2))] {
        assert_same_at_every_cancel(|| let_else_ref(x, y), || let_else(x, y));
    }
    // `else` that never finishes: dropped while pending in the diverging block.
    let (out, log) = run_for(let_else(Some(1), Some(99)), 5);
    assert_eq!(out, None);
    assert_eq!(log, run_for(let_else_ref(Some(1), Some(99)), 5).1);
}

twin! {
    fn shadowing / shadowing_ref (x: u32) -> u32 {
        let x = later(x + 1).await;
        let _d = D("d1");
        let x = {
            let _d = D("d2");
            let x = later(x * 2).await;
            x + 1
        };
        let _d = D("d3");
        let x = later(x).await + later(x).await;
        x
    }
}

#[test]
fn shadowed_names_across_awaits() {
    assert_same_at_every_cancel(|| shadowing_ref(1), || shadowing(1));
    assert_eq!(run(shadowing(1)).0, 10);
}

// --- Borrowed arguments, loops, recursion ---------------------------------------------------

twin! {
    fn fill / fill_ref (v: &mut Vec<u32>, n: u32) -> usize {
        for i in 0..n {
            v.push(later(i).await);
        }
        v.retain(|&x| x % 2 == 0);
        let len = later(v.len()).await;
        v.push(99);
        len
    }
}

#[test]
fn mutable_borrowed_argument_updated_across_awaits() {
    let mut v = vec![7];
    assert_eq!(block_on(fill(&mut v, 5)), 3);
    assert_eq!(v, [0, 2, 4, 99]);
    assert_same_at_every_cancel(
        || async {
            let mut v = Vec::new();
            let n = fill_ref(&mut v, 4).await;
            (n, v)
        },
        || async {
            let mut v = Vec::new();
            let n = fill(&mut v, 4).await;
            (n, v)
        },
    );
}

twin! {
    fn long_loop / long_loop_ref (n: u32) -> u64 {
        let mut sum = 0u64;
        for i in 0..n {
            sum += u64::from(later_n(i % 2, i).await);
        }
        sum
    }
}

#[test]
fn many_suspensions_in_a_loop() {
    let n = if cfg!(miri) { 50 } else { 10_000 };
    let (out, _) = run(long_loop(n));
    assert_eq!(out, u64::from(n) * u64::from(n - 1) / 2);
    let (want, _) = run(long_loop_ref(n));
    assert_eq!(out, want);
}

#[coro_core::coroutine(boxed)]
fn depth(n: u32, t: D) -> u32 {
    if n == 0 {
        return later(0).await;
    }
    let _here = D("level");
    depth(n - 1, D("arg")).await + 1
}

#[test]
fn boxed_recursion_cancelled_at_every_depth() {
    assert_eq!(run(depth(5, D("top"))).0, 5);
    for polls in 0..=2 {
        let (_, log) = run_for(depth(3, D("top")), polls);
        let drops = log.iter().filter(|e| e.starts_with("drop")).count();
        // Each level owns one `arg` and one `level` tracer; the top owns `top`.
        let made = if polls == 0 { 1 } else { 7 };
        assert_eq!(drops, made, "{polls} polls: {log:?}");
    }
}

// --- Send and the waker ---------------------------------------------------------------------

fn assert_send<T: Send>(t: T) -> T {
    t
}

#[coro_core::coroutine]
fn rc_scoped_before_await() -> u32 {
    let n = {
        let rc = std::rc::Rc::new(5);
        *rc
    };
    later(n).await
}

#[coro_core::coroutine]
fn rc_dropped_before_await() -> u32 {
    let rc = std::rc::Rc::new(5);
    let n = *rc;
    drop(rc);
    later(n).await
}

#[test]
fn coroutine_without_non_send_state_is_send() {
    let c = assert_send(rc_scoped_before_await());
    assert_eq!(block_on(c), 5);
    // A moved-away `Rc` is not held across the await either.
    assert_eq!(block_on(assert_send(rc_dropped_before_await())), 5);
    // And it can run on another thread.
    let handle = std::thread::spawn(|| block_on(plain(4)));
    assert_eq!(handle.join().unwrap(), 4);
}

/// Wakes the waker it is polled with, keeps a clone, and on the second poll wakes the clone: the
/// test's counting waker sees both only if it is what reached this future.
struct WakesTwice(Option<Waker>);

impl Future for WakesTwice {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.0.take() {
            None => {
                self.0 = Some(cx.waker().clone());
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            Some(first) => {
                first.wake();
                Poll::Ready(())
            }
        }
    }
}

#[coro_core::coroutine]
fn passes_waker_down() -> u8 {
    WakesTwice(None).await;
    async { WakesTwice(None).await }.await;
    plain(9).await
}

#[test]
fn the_callers_waker_reaches_the_innermost_future() {
    let counter = Arc::new(WakeCounter(AtomicUsize::new(0)));
    let waker = Waker::from(Arc::clone(&counter));
    let mut cx = Context::from_waker(&waker);
    let mut c = Box::pin(passes_waker_down());
    let mut polls = 1;
    while c.as_mut().poll(&mut cx).is_pending() {
        polls += 1;
    }
    assert_eq!(polls, 4);
    // Two wakes from each `WakesTwice`, one from `plain`'s `WakeOnce`.
    assert_eq!(counter.0.load(Ordering::SeqCst), 5);
}

// Macro bug (finding 13, a compile error): `if let` whose body awaits. Delete the `cfg` when
// fixed.
mod if_let_body_awaits {
    use super::*;

    twin! {
        fn if_let_await / if_let_await_ref (v: Option<u32>) -> u32 {
            let _d = D("d");
            if let Some(k) = v {
                return later(k).await;
            }
            0
        }
    }

    #[test]
    fn if_let_with_an_await_in_its_body() {
        for v in [None, Some(4)] {
            assert_same_at_every_cancel(|| if_let_await_ref(v), || if_let_await(v));
        }
    }
}

// --- Late initialisation (macro bug: finding 1) ---------------------------------------------

// Upstream `conditional-and-guaranteed-initialization.rs`. Delete the `cfg` when fixed.
mod late_init {
    use super::*;

    twin! {
        fn conditional_init / conditional_init_ref (x: usize) -> usize {
            let y;
            if x > 5 {
                y = later(10).await;
            } else {
                y = later(x).await;
            }
            y
        }
    }

    #[test]
    fn local_initialised_in_both_branches_after_awaits() {
        for x in [1, 9] {
            assert_same_at_every_cancel(|| conditional_init_ref(x), || conditional_init(x));
        }
    }
}
