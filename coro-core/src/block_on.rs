//! A minimal single-future executor, for doc tests and for driving one coroutine to completion
//! without an event loop; and the one hook an event loop sets so that `block_on` refuses to
//! run inside it.

use core::cell::Cell;
use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll};
use std::sync::Arc;
use std::task::Wake;
use std::thread::{self, Thread};

struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

thread_local! {
    /// The name of the event loop running on this thread, if one is (see [`enter_event_loop`]).
    static EVENT_LOOP: Cell<Option<&'static str>> = const { Cell::new(None) };
}

/// Polls `future` on the current thread until it completes, parking between wake-ups.
///
/// ```
/// assert_eq!(coro_core::block_on(async { 7 }), 7);
/// ```
///
/// # Panics
///
/// Inside a running event loop (in a `coro_loop` task, say), whatever the future: blocking the
/// loop's thread stops every other task, and a future that needs the loop (a `sleep`, another
/// task) would wait forever. `.await` the future there instead. Tokio's `block_on` and
/// asyncio's `run_until_complete` refuse the same way.
pub fn block_on<F: Future>(future: F) -> F::Output {
    if let Some(name) = EVENT_LOOP.with(Cell::get) {
        panic!(
            "coro_core::block_on called inside a running {name} event loop (from one of its \
             tasks?): it would block the loop's thread, and a future that needs the loop would \
             wait forever; `.await` the future instead (or spawn it as a task of the loop)"
        );
    }
    let mut future = pin!(future);
    let waker = Arc::new(ThreadWaker(thread::current())).into();
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        thread::park();
    }
}

/// For event loops, not for programs: marks an event loop, called `name` in messages, as
/// running on this thread until the returned guard is dropped, so that [`block_on`] panics
/// there instead of blocking the loop. `coro_loop` calls it for each run of a loop.
#[doc(hidden)]
pub fn enter_event_loop(name: &'static str) -> EventLoopGuard {
    EventLoopGuard {
        previous: EVENT_LOOP.with(|l| l.replace(Some(name))),
    }
}

/// Returned by [`enter_event_loop`]; dropping it (also by a panic) restores what was there.
#[doc(hidden)]
#[derive(Debug)]
#[must_use = "the event loop counts as running only while the guard lives"]
pub struct EventLoopGuard {
    previous: Option<&'static str>,
}

impl Drop for EventLoopGuard {
    fn drop(&mut self) {
        // `try_with`: the guard may drop while the thread's locals are being destroyed.
        let _ = EVENT_LOOP.try_with(|l| l.set(self.previous));
    }
}
