//! `wait_for`: asyncio's `asyncio.wait_for(aw, timeout)`, an awaitable with a deadline.

use crate::event_loop::with_running_loop;
use crate::time::{Sleep, sleep};
use core::fmt;
use core::future::{Future, IntoFuture};
use core::pin::Pin;
use core::task::{Context, Poll};
use core::time::Duration;

/// Awaits `awaitable` for at most `timeout` (`asyncio.wait_for`): `Ok` with its output if it
/// finishes in time, `Err(TimeoutError)` once the timeout passes first.
///
/// On a timeout the awaitable is dropped, which cancels a coroutine at the `.await` where it
/// is suspended, as asyncio cancels it. A [`Task`](crate::Task) handle is only a handle,
/// though: dropping it leaves the task running. Call [`Task::cancel`](crate::Task::cancel) to
/// stop it, or pass `wait_for` the coroutine itself rather than a task of it.
///
/// The awaitable is polled before the clock is looked at, so one that is ready at once wins
/// even with a zero timeout (asyncio's `wait_for(coro, 0)` never starts the coroutine and
/// always times out). Needs a running coro-loop, like [`sleep`], and panics on any other
/// executor, ready or not (on tokio, use `tokio::time::timeout`).
///
/// ```
/// use std::time::Duration;
///
/// let lp = coro_loop::EventLoop::builder().virtual_clock(true).build();
/// let slow = coro_loop::sleep(Duration::from_secs(10));
/// let result = lp.run_until_complete(coro_loop::wait_for(slow, Duration::from_secs(1)));
/// assert!(result.is_err());
/// assert_eq!(lp.time(), 1.0);
/// ```
pub fn wait_for<A: IntoFuture>(awaitable: A, timeout: Duration) -> WaitFor<A::IntoFuture> {
    WaitFor {
        inner: awaitable.into_future(),
        deadline: sleep(timeout),
    }
}

pin_project_lite::pin_project! {
    /// Future returned by [`wait_for`].
    #[must_use = "futures do nothing unless awaited"]
    pub struct WaitFor<F> {
        #[pin]
        inner: F,
        deadline: Sleep,
    }
}

impl<F> fmt::Debug for WaitFor<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitFor")
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

impl<F: Future> Future for WaitFor<F> {
    type Output = Result<F::Output, TimeoutError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Checked first, so that the answer does not depend on whether the awaitable happens
        // to be ready at once.
        assert!(
            with_running_loop(|_| ()).is_some(),
            "coro_loop::wait_for was polled outside a running coro-loop event loop (on another \
             executor, or after the loop stopped); run the coroutine with coro_loop::run or \
             EventLoop::run_until_complete, or use that executor's own timeout (e.g. \
             tokio::time::timeout)"
        );
        let this = self.project();
        if let Poll::Ready(out) = this.inner.poll(cx) {
            return Poll::Ready(Ok(out));
        }
        // `Sleep` is `Unpin`: it holds only the timer's slot.
        match Pin::new(this.deadline).poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(TimeoutError(()))),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// The error of a [`wait_for`] whose timeout passed first (asyncio's `TimeoutError`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeoutError(());

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the timeout passed before the awaitable finished")
    }
}

impl std::error::Error for TimeoutError {}
