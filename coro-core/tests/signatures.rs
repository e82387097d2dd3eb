//! Signatures and objects the attribute accepts beyond the common forms: `-> !`, and the
//! boxed trait objects' `Debug`.

use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// Pending on its first poll, ready on the second.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            Poll::Ready(())
        } else {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// A server loop: never returns, so its output is `!`.
#[coro_core::coroutine]
fn serve(ticks: Rc<Cell<u32>>) -> ! {
    loop {
        YieldOnce(false).await;
        ticks.set(ticks.get() + 1);
    }
}

#[coro_core::coroutine]
fn fail_later() -> ! {
    YieldOnce(false).await;
    panic!("gave up")
}

#[test]
fn never_returning_coroutine_runs_forever() {
    let ticks = Rc::new(Cell::new(0));
    let mut coro = pin!(serve(ticks.clone()));
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..10 {
        assert!(coro.as_mut().poll(&mut cx).is_pending());
    }
    assert_eq!(ticks.get(), 9);
    output_is_never(&*coro);
}

/// Compiles only for a coroutine whose output is `!`.
fn output_is_never<C: coro_core::Coroutine<Output = <fn() -> ! as Never>::Output>>(_: &C) {}

/// `<fn() -> ! as Never>::Output` is `!`, as in the expansion.
trait Never {
    type Output;
}
impl<T> Never for fn() -> T {
    type Output = T;
}

#[coro_core::coroutine]
fn caller() -> u32 {
    if false {
        // Awaiting a `-> !` coroutine has type `!`, which coerces to `u32`.
        return fail_later().await;
    }
    7
}

#[test]
fn never_returning_coroutine_panics_with_its_message() {
    assert_eq!(coro_core::block_on(caller()), 7);
    let err = std::panic::catch_unwind(|| coro_core::block_on(fail_later())).unwrap_err();
    assert_eq!(err.downcast_ref::<&str>(), Some(&"gave up"));
}
