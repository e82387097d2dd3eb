use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};
use coro_core::{Coroutine, CoroutineState};
use std::panic::{AssertUnwindSafe, catch_unwind};

#[coro_core::coroutine]
fn work() -> u32 {
    core::future::ready(7).await
}

fn main() {
    let mut cx = Context::from_waker(Waker::noop());
    let mut coro = pin!(work());
    assert_eq!(coro.state(), CoroutineState::Created);
    assert_eq!(coro.as_mut().poll(&mut cx), Poll::Ready(7));
    assert_eq!(coro.state(), CoroutineState::Done);
    std::panic::set_hook(Box::new(|_| {}));
    let again = catch_unwind(AssertUnwindSafe(|| coro.as_mut().poll(&mut cx)));
    let msg = again.expect_err("polling a finished coroutine must panic");
    let msg = msg
        .downcast_ref::<&str>()
        .map(ToString::to_string)
        .or_else(|| msg.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    assert!(
        msg.contains("after completion"),
        "unexpected panic message: {msg}"
    );
}
