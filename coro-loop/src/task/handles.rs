//! The handles users hold: [`Task`] (awaits the output), [`Join`] (the same as a `Result`),
//! and their untyped forms [`AnyTask`] and [`AnyJoin`].

use super::{Awaiter, State, TaskError, cancel, fmt_task, poll_task};
use crate::raw::{JoinRef, TaskRef};
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::panic::resume_unwind;

/// A coroutine scheduled on an event loop: asyncio's `Task`.
///
/// Awaiting a `Task<T>` yields the coroutine's `T`; if the coroutine panicked, the panic is
/// re-raised in the awaiter (as asyncio re-raises the task's exception), and awaiting a cancelled
/// task panics. [`join`](Task::join) reports both as a [`TaskError`] instead. Dropping a `Task`
/// does not cancel it: the loop keeps running it (asyncio keeps a reference too).
pub struct Task<T: 'static> {
    pub(crate) handle: JoinRef<T>,
    awaiter: Awaiter,
}

impl<T: 'static> Task<T> {
    /// Whether the task has finished: returned, panicked or been cancelled.
    pub fn done(&self) -> bool {
        self.handle.task().info().done()
    }

    /// Asks the task to stop. Returns `false` if it has already finished.
    ///
    /// Cancellation is a drop, not an exception: the next time the loop reaches the task, the
    /// coroutine is dropped at the `.await` where it is suspended, so its locals' destructors
    /// (drop guards) run, and anyone awaiting the task is woken.
    ///
    /// As in asyncio, the tasks this one is suspended awaiting (through their handles, directly
    /// or inside `gather!`) are cancelled too, first; this one is dropped one loop iteration
    /// after them.
    ///
    /// ```
    /// use std::time::Duration;
    /// let lp = coro_loop::EventLoop::builder().virtual_clock(true).build();
    /// let inner = lp.create_task(coro_loop::sleep(Duration::from_secs(60)));
    /// let inner_handle = inner.as_any();
    /// let outer = lp.create_task(inner);
    /// lp.run_until_complete(coro_loop::sleep(Duration::ZERO));
    /// outer.cancel();
    /// lp.run_until_complete(coro_loop::sleep(Duration::ZERO));
    /// assert!(inner_handle.cancelled() && outer.cancelled());
    /// ```
    pub fn cancel(&self) -> bool {
        cancel(self.handle.task())
    }

    /// Whether the task ended by cancellation.
    pub fn cancelled(&self) -> bool {
        self.handle.task().info().state.get() == State::Cancelled
    }

    /// The task's name, `Task-N` unless [`set_name`](Task::set_name) changed it.
    pub fn name(&self) -> String {
        self.handle.task().info().name()
    }

    /// Renames the task (shown by `Debug` and in panic reports).
    pub fn set_name(&self, name: impl Into<String>) {
        self.handle.task().info().set_name(name.into());
    }

    /// A future that waits for the task and reports how it ended, instead of re-raising.
    pub fn join(self) -> Join<T> {
        Join { task: self }
    }

    /// A type-erased handle to the same task, as [`all_tasks`](crate::all_tasks) returns.
    pub fn as_any(&self) -> AnyTask {
        AnyTask::from_ref(self.handle.task().clone())
    }

    pub(crate) fn new(handle: JoinRef<T>) -> Self {
        Self {
            handle,
            awaiter: Awaiter::default(),
        }
    }

    fn poll_join(&self, cx: &Context<'_>) -> Poll<Result<T, TaskError>> {
        match poll_task(self.handle.task(), &self.awaiter, cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Ready(Ok(())) => match self.handle.take_output() {
                Some(out) => Poll::Ready(Ok(out)),
                None => panic!(
                    "task '{}' polled after its output was taken; await a task only once",
                    self.name()
                ),
            },
        }
    }
}

impl<T: 'static> Future for Task<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        match self.poll_join(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(out)) => Poll::Ready(out),
            Poll::Ready(Err(TaskError::Panicked(p))) => resume_unwind(p),
            Poll::Ready(Err(TaskError::Cancelled)) => panic!(
                "awaited task '{}' was cancelled; use Task::join() to handle cancellation",
                self.name()
            ),
        }
    }
}

impl<T: 'static> Drop for Task<T> {
    fn drop(&mut self) {
        self.awaiter.dropped(self.handle.task());
    }
}

impl<T: 'static> fmt::Debug for Task<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_task(self.handle.task(), f)
    }
}

/// Future returned by [`Task::join`]: the task's output, or why there is none.
#[must_use = "futures do nothing unless awaited"]
pub struct Join<T: 'static> {
    task: Task<T>,
}

impl<T: 'static> Future for Join<T> {
    type Output = Result<T, TaskError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.task.poll_join(cx)
    }
}

impl<T: 'static> fmt::Debug for Join<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Join").field(&self.task).finish()
    }
}

/// A handle to a task of any output type, as [`all_tasks`](crate::all_tasks) and
/// [`current_task`](crate::current_task) return. Cheap to clone.
///
/// Awaiting it waits for the task to finish and yields `()` (the output stays for the typed
/// [`Task`]); a panic is re-raised and a cancellation panics, as with [`Task`].
pub struct AnyTask {
    task: TaskRef,
    awaiter: Awaiter,
}

impl Clone for AnyTask {
    fn clone(&self) -> Self {
        // The clone awaits on its own: the link is the original's.
        Self::from_ref(self.task.clone())
    }
}

impl Drop for AnyTask {
    fn drop(&mut self) {
        self.awaiter.dropped(&self.task);
    }
}

impl AnyTask {
    pub(crate) fn from_ref(task: TaskRef) -> Self {
        Self {
            task,
            awaiter: Awaiter::default(),
        }
    }

    /// Whether the task has finished: returned, panicked or been cancelled.
    pub fn done(&self) -> bool {
        self.task.info().done()
    }

    /// Asks the task to stop, and the tasks it awaits; see [`Task::cancel`].
    pub fn cancel(&self) -> bool {
        cancel(&self.task)
    }

    /// Whether the task ended by cancellation.
    pub fn cancelled(&self) -> bool {
        self.task.info().state.get() == State::Cancelled
    }

    /// The task's name.
    pub fn name(&self) -> String {
        self.task.info().name()
    }

    /// Renames the task.
    pub fn set_name(&self, name: impl Into<String>) {
        self.task.info().set_name(name.into());
    }

    /// Whether both handles refer to the same task.
    pub fn same(&self, other: &AnyTask) -> bool {
        self.task.info().id == other.task.info().id
    }

    /// A future that waits for the task and reports how it ended, instead of re-raising.
    pub fn join(self) -> AnyJoin {
        AnyJoin { task: self }
    }
}

impl Future for AnyTask {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match poll_task(&self.task, &self.awaiter, cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(())) => Poll::Ready(()),
            Poll::Ready(Err(TaskError::Panicked(p))) => resume_unwind(p),
            Poll::Ready(Err(TaskError::Cancelled)) => panic!(
                "awaited task '{}' was cancelled; use AnyTask::join() to handle cancellation",
                self.name()
            ),
        }
    }
}

impl fmt::Debug for AnyTask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_task(&self.task, f)
    }
}

/// Future returned by [`AnyTask::join`].
#[must_use = "futures do nothing unless awaited"]
#[derive(Debug)]
pub struct AnyJoin {
    task: AnyTask,
}

impl Future for AnyJoin {
    type Output = Result<(), TaskError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        poll_task(&self.task.task, &self.task.awaiter, cx)
    }
}

impl<T: 'static> From<Task<T>> for AnyTask {
    fn from(task: Task<T>) -> Self {
        task.as_any()
    }
}

/// Takes the outcome of a finished task for `run_until_complete`: the output, or the panic
/// re-raised, or a panic saying it was cancelled.
pub(crate) fn take_finished<T: 'static>(task: &Task<T>) -> T {
    let waker = Waker::noop();
    match task.poll_join(&Context::from_waker(waker)) {
        Poll::Ready(Ok(out)) => out,
        Poll::Ready(Err(TaskError::Panicked(p))) => resume_unwind(p),
        Poll::Ready(Err(TaskError::Cancelled)) => panic!(
            "the future given to run_until_complete was cancelled ({task:?}) before it finished"
        ),
        Poll::Pending => unreachable!("run_until_complete returned before its task finished"),
    }
}
