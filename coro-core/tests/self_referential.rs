//! Awaiting futures that borrow their own locals across a suspension, as rustc's `async` fns
//! and blocks do (`let r = &mut v; x.await; r.push(..)`). Such a future lives in our pinned
//! state, and nothing the frame does between its polls may touch its bytes: under Miri's
//! Stacked Borrows, even a shared reference to the whole state invalidates the borrow the
//! future holds into itself (`coro_core::state::pinned_arm`). Miri runs these
//! (`scripts/miri.sh`); each failed there before the dispatch read the state in place.

#[macro_use]
mod ported_common;
use coro_core::yield_;
use ported_common::{D, assert_same_at_every_cancel, later, log, panic_message, run};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Holds `&mut v` into its own state across a suspension, and a guard that writes through a
/// second borrow when it is dropped (so a cancelled or unwinding drop uses the borrow too).
async fn keeps_a_borrow(mut v: Vec<u32>, tag: &'static str) -> usize {
    let r = &mut v;
    let _guard = WritesOnDrop(&mut 0, tag);
    later(()).await;
    r.push(1);
    later(()).await;
    r.push(2);
    v.len()
}

struct WritesOnDrop<'a>(&'a mut u32, &'static str);

impl Drop for WritesOnDrop<'_> {
    fn drop(&mut self) {
        *self.0 += 1;
        log(format!("guard {}", self.1));
    }
}

twin! {
    fn awaits_one / awaits_one_ref(tag: &'static str) -> usize {
        let d = D("local");
        let n = keeps_a_borrow(vec![7], tag).await;
        let m = keeps_a_borrow(vec![], tag).await;
        drop(d);
        n + m
    }
}

#[test]
fn awaiting_a_future_that_borrows_itself() {
    let (n, _) = run(awaits_one("a"));
    assert_eq!(n, 5);
}

#[test]
fn cancelled_at_every_poll_while_awaiting_a_future_that_borrows_itself() {
    assert_same_at_every_cancel(|| awaits_one_ref("c"), || awaits_one("c"));
}

/// Panics inside its second poll, with the borrow and the guard live.
async fn panics_while_borrowing(mut v: Vec<u32>) -> usize {
    let r = &mut v;
    let _guard = WritesOnDrop(&mut 0, "unwound");
    later(()).await;
    r.push(1);
    panic!("boom with {} items", r.len());
}

#[coro_core::coroutine]
fn awaits_a_panicking_one() -> usize {
    panics_while_borrowing(vec![1]).await
}

#[test]
fn a_panic_inside_a_future_that_borrows_itself_drops_it_once() {
    let msg = panic_message(|| run(awaits_a_panicking_one()));
    assert_eq!(msg, "boom with 2 items");
}

/// An async generator awaiting one between its items.
#[coro_core::coroutine(yield = usize)]
fn items() {
    for i in 0..2 {
        yield_!(keeps_a_borrow(vec![0; i], "g").await);
    }
}

#[test]
fn an_async_generator_awaiting_a_future_that_borrows_itself() {
    let mut s = Box::pin(items());
    let mut cx = ported_common::noop_cx();
    let mut got = Vec::new();
    loop {
        match coro_core::Stream::poll_next(s.as_mut(), &mut cx) {
            Poll::Ready(Some(n)) => got.push(n),
            Poll::Ready(None) => break,
            Poll::Pending => {}
        }
    }
    assert_eq!(got, [2, 3]);
    // Polled again after its end, a stream keeps answering `None`.
    assert_eq!(
        coro_core::Stream::poll_next(s.as_mut(), &mut cx),
        Poll::Ready(None)
    );
}

/// The same through a hand-written `!Unpin` future that checks its own address did not move.
struct AddressCheck {
    at: Option<*const Self>,
    _pin: std::marker::PhantomPinned,
}

impl Future for AddressCheck {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: nothing is moved out; only the address is recorded and compared.
        let this = unsafe { self.get_unchecked_mut() };
        let here: *const Self = this;
        match this.at {
            None => {
                this.at = Some(here);
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            Some(first) => {
                assert_eq!(first, here, "an awaited future moved after its first poll");
                Poll::Ready(())
            }
        }
    }
}

#[coro_core::coroutine]
fn awaits_address_check() -> u8 {
    AddressCheck {
        at: None,
        _pin: std::marker::PhantomPinned,
    }
    .await;
    1
}

#[test]
fn an_awaited_future_stays_where_it_was_first_polled() {
    assert_eq!(run(awaits_address_check()).0, 1);
}
