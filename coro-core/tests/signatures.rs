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

#[coro_core::coroutine(boxed)]
fn countdown(n: u32) -> u32 {
    if n == 0 {
        0
    } else {
        countdown(n - 1).await + 1
    }
}

#[coro_core::coroutine(boxed, send)]
fn countdown_send(n: u32) -> u32 {
    if n == 0 {
        0
    } else {
        countdown_send(n - 1).await + 1
    }
}

#[coro_core::coroutine]
fn unboxed() -> u32 {
    core::future::ready(1).await
}

#[test]
fn boxed_coroutines_print_like_unboxed_ones() {
    let plain = unboxed();
    let boxed = countdown(3);
    let sent = countdown_send(3);
    let (plain_text, boxed_text, sent_text) = (
        format!("{plain:?}"),
        format!("{boxed:?}"),
        format!("{sent:?}"),
    );
    assert!(
        plain_text.starts_with("<coroutine object unboxed at 0x"),
        "{plain_text}"
    );
    assert!(
        boxed_text.starts_with("<coroutine object countdown at 0x"),
        "{boxed_text}"
    );
    assert!(
        sent_text.starts_with("<coroutine object countdown_send at 0x"),
        "{sent_text}"
    );
    // The address is the coroutine's own, inside the box.
    let inner: *const dyn coro_core::Coroutine<Output = u32> = &*boxed;
    let inner = inner.cast::<()>();
    assert!(
        boxed_text.ends_with(&format!("at {inner:p}>")),
        "{boxed_text}"
    );
    assert_eq!(coro_core::block_on(boxed), 3);
    assert_eq!(coro_core::block_on(sent), 3);
}
