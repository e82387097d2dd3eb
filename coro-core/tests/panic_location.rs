//! The panic of a coroutine polled after it finished (or after it panicked) names the user's
//! coroutine as its location, not a file of coro-core.

use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};

/// The location of each panic, as the panic hook sees it.
static LOCATIONS: Mutex<Vec<(String, u32)>> = Mutex::new(Vec::new());

#[coro_core::coroutine]
fn finishes() -> u32 {
    core::future::ready(1).await
}

#[coro_core::coroutine]
fn panics() -> u32 {
    core::future::ready(()).await;
    panic!("the body's own panic")
}

/// Polls `fut` once inside `catch_unwind`, and returns the panic's message and location.
fn panic_of<F: Future + Unpin>(fut: &mut F) -> (String, String, u32) {
    let mut cx = Context::from_waker(Waker::noop());
    LOCATIONS.lock().unwrap().clear();
    let err = panic::catch_unwind(AssertUnwindSafe(|| {
        let _ = std::pin::Pin::new(fut).poll(&mut cx);
    }))
    .expect_err("the poll panics");
    let message = (*err.downcast_ref::<&str>().expect("a literal message")).to_string();
    let (file, line) = LOCATIONS.lock().unwrap().pop().expect("the hook ran");
    (message, file, line)
}

#[test]
fn resuming_a_finished_or_poisoned_coroutine_panics_at_the_coroutine() {
    panic::set_hook(Box::new(|info| {
        if let Some(loc) = info.location() {
            LOCATIONS
                .lock()
                .unwrap()
                .push((loc.file().to_string(), loc.line()));
        }
    }));

    let mut done = Box::pin(finishes());
    let mut cx = Context::from_waker(Waker::noop());
    assert_eq!(done.as_mut().poll(&mut cx), Poll::Ready(1));
    let (message, file, line) = panic_of(&mut done);
    assert_eq!(message, "coroutine resumed after completion");
    assert!(
        file.ends_with("panic_location.rs"),
        "reported at {file}:{line}"
    );
    // The `#[coro_core::coroutine]` line of `finishes`.
    assert_eq!(line, 12, "reported at {file}:{line}");

    let mut poisoned = Box::pin(panics());
    let mut cx = Context::from_waker(Waker::noop());
    let _ = panic::catch_unwind(AssertUnwindSafe(|| poisoned.as_mut().poll(&mut cx)));
    let (message, file, line) = panic_of(&mut poisoned);
    assert_eq!(message, "coroutine resumed after panicking");
    assert!(
        file.ends_with("panic_location.rs"),
        "reported at {file}:{line}"
    );
    assert_eq!(line, 17, "reported at {file}:{line}");

    let _ = panic::take_hook();
}
