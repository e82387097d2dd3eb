//! Tasks: a scheduled awaitable, its outcome, and the handles that await or cancel it.
//!
//! A task is two allocations. The async-task cell owns the running future (wrapped in
//! [`TaskFuture`]); a [`TaskCell`] owns everything the handles can see: name, state, the output
//! or stored panic, and the wakers of whoever awaits it. The cell also owns the async-task handle,
//! so dropping that handle (on [`Task::cancel`] or when the loop shuts down) is what drops the
//! coroutine.

use crate::event_loop::{Item, LoopInner};
use core::any::Any;
use core::cell::{Cell, RefCell};
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use pin_project_lite::pin_project;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::rc::{Rc, Weak};

/// The payload of a panic, as `std::panic::catch_unwind` returns it.
pub type PanicPayload = Box<dyn Any + Send + 'static>;

/// Why a task produced no output: what [`Task::join`] reports instead of re-raising.
pub enum TaskError {
    /// The task was cancelled ([`Task::cancel`], or its loop closed) before it finished.
    Cancelled,
    /// The task panicked; this is the payload, for `std::panic::resume_unwind`.
    Panicked(PanicPayload),
}

impl TaskError {
    /// The panic message, if this is a panic whose payload is a string (as `panic!` makes).
    pub fn panic_message(&self) -> Option<&str> {
        match self {
            Self::Cancelled => None,
            Self::Panicked(p) => payload_message(p.as_ref()),
        }
    }
}

impl fmt::Debug for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Cancelled => f.write_str("Cancelled"),
            Self::Panicked(p) => f
                .debug_tuple("Panicked")
                .field(&payload_message(p.as_ref()).unwrap_or("<non-string payload>"))
                .finish(),
        }
    }
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Cancelled => f.write_str("task was cancelled"),
            Self::Panicked(p) => match payload_message(p.as_ref()) {
                Some(msg) => write!(f, "task panicked: {msg}"),
                None => f.write_str("task panicked"),
            },
        }
    }
}

impl std::error::Error for TaskError {}

pub(crate) fn payload_message(p: &(dyn Any + Send)) -> Option<&str> {
    p.downcast_ref::<&'static str>()
        .copied()
        .or_else(|| p.downcast_ref::<String>().map(String::as_str))
}

/// Where a task is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum State {
    Pending,
    Finished,
    Panicked,
    Cancelled,
}

/// The type-independent part of a task.
pub(crate) struct Header {
    pub(crate) id: u64,
    /// Where the loop's registry keeps the task.
    pub(crate) slot: Cell<u32>,
    pub(crate) state: Cell<State>,
    /// Whether a panic was re-raised in (or returned to) someone who awaited the task.
    pub(crate) retrieved: Cell<bool>,
    /// Set on the task `run_until_complete` waits for: finishing stops the loop.
    pub(crate) stop_on_done: Cell<bool>,
    /// The coroutine's name, worked out only when a task is printed.
    coro: fn() -> &'static str,
    waiters: RefCell<Vec<Waker>>,
    /// The async-task handle; dropping it cancels the task. `None` once cancellation was asked.
    pub(crate) handle: Cell<Option<async_task::Task<(), u64>>>,
    /// What few tasks need (a new name, a panic), boxed so the common task stays small.
    extra: RefCell<Option<Box<Extra>>>,
    lp: Weak<LoopInner>,
}

/// The rarely used part of a [`Header`].
#[derive(Default)]
struct Extra {
    /// Set by `set_name`; until then the name is `Task-{id}`, formatted when asked for.
    name: Option<String>,
    panic: Option<PanicPayload>,
    panic_message: String,
}

/// A task cell: the header and, once finished, the output.
pub(crate) struct TaskCell<T> {
    pub(crate) header: Header,
    output: RefCell<Option<T>>,
}

/// What the loop's registry and [`AnyTask`] hold: a task of any output type.
pub(crate) trait Erased {
    fn header(&self) -> &Header;
}

impl<T> Erased for TaskCell<T> {
    fn header(&self) -> &Header {
        &self.header
    }
}

impl Header {
    pub(crate) fn new(id: u64, coro: fn() -> &'static str, lp: Weak<LoopInner>) -> Self {
        Self {
            id,
            slot: Cell::new(u32::MAX),
            state: Cell::new(State::Pending),
            retrieved: Cell::new(false),
            stop_on_done: Cell::new(false),
            coro,
            waiters: RefCell::new(Vec::new()),
            handle: Cell::new(None),
            extra: RefCell::new(None),
            lp,
        }
    }

    /// The task's name: `Task-N` unless renamed.
    pub(crate) fn name(&self) -> String {
        match self.extra.borrow().as_ref().and_then(|e| e.name.as_ref()) {
            Some(name) => name.clone(),
            None => format!("Task-{}", self.id),
        }
    }

    fn set_name(&self, name: String) {
        self.extra.borrow_mut().get_or_insert_default().name = Some(name);
    }

    /// The message of the stored panic (empty if none).
    fn panic_message(&self) -> String {
        self.extra
            .borrow()
            .as_ref()
            .map(|e| e.panic_message.clone())
            .unwrap_or_default()
    }

    fn done(&self) -> bool {
        self.state.get() != State::Pending
    }

    fn register(&self, waker: &Waker) {
        let mut waiters = self.waiters.borrow_mut();
        if !waiters.iter().any(|w| w.will_wake(waker)) {
            waiters.push(waker.clone());
        }
    }

    /// Asks for cancellation: drops the async-task handle, so the coroutine is dropped at its
    /// current suspension the next time the loop gets to it.
    pub(crate) fn cancel(&self) -> bool {
        if self.done() {
            return false;
        }
        // Take the handle out before dropping it: dropping may reschedule the task.
        let handle = self.handle.take();
        drop(handle);
        true
    }

    /// Records the outcome and tells everyone who waits for it.
    fn finish(&self, this: &Rc<dyn Erased>, state: State) {
        self.state.set(state);
        if let Some(lp) = self.lp.upgrade() {
            lp.task_finished(this, state == State::Panicked);
            if self.stop_on_done.get() {
                lp.ready.borrow_mut().push_back(Item::Stop);
            }
        }
        let waiters = core::mem::take(&mut *self.waiters.borrow_mut());
        for w in waiters {
            w.wake();
        }
    }

    /// Takes the stored panic for someone who awaited the task.
    fn take_panic(&self) -> PanicPayload {
        self.retrieved.set(true);
        let payload = self
            .extra
            .borrow_mut()
            .as_mut()
            .and_then(|e| e.panic.take());
        match payload {
            Some(p) => p,
            // Someone else already took the original payload: hand out a copy of its message.
            None => Box::new(format!(
                "task '{}' panicked: {}",
                self.name(),
                self.panic_message()
            )),
        }
    }

    /// `Poll::Ready(Err(..))` for a task that ended without output, `Ready(Ok(()))` for one that
    /// has its output, `Pending` (after registering `cx`) otherwise.
    fn poll_outcome(&self, cx: &Context<'_>) -> Poll<Result<(), TaskError>> {
        match self.state.get() {
            State::Pending => {
                self.register(cx.waker());
                Poll::Pending
            }
            State::Finished => Poll::Ready(Ok(())),
            State::Panicked => Poll::Ready(Err(TaskError::Panicked(self.take_panic()))),
            State::Cancelled => Poll::Ready(Err(TaskError::Cancelled)),
        }
    }

    fn fmt_task(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.name();
        let coro = (self.coro)();
        match self.state.get() {
            State::Pending => write!(f, "<Task pending name='{name}' coro=<{coro}>>"),
            State::Finished => write!(f, "<Task finished name='{name}' coro=<{coro}>>"),
            State::Cancelled => write!(f, "<Task cancelled name='{name}' coro=<{coro}>>"),
            State::Panicked => write!(
                f,
                "<Task finished name='{name}' coro=<{coro}> panic={:?}>",
                self.panic_message()
            ),
        }
    }

    pub(crate) fn never_retrieved_report(&self) -> String {
        format!(
            "Task panic was never retrieved\nfuture: <Task finished name='{}' coro=<{}> panic={:?}>",
            self.name(),
            (self.coro)(),
            self.panic_message()
        )
    }
}

impl<T> TaskCell<T> {
    pub(crate) fn new(header: Header) -> Self {
        Self {
            header,
            output: RefCell::new(None),
        }
    }
}

/// Best-effort name of the coroutine behind a future type: the function an `async fn` or a
/// `#[coroutine]` fn was written as (`crate::module::func::{{closure}}` → `func`).
pub(crate) fn coro_name<F>() -> &'static str {
    let full = core::any::type_name::<F>();
    if let Some(pos) = full.find("::{{closure}}") {
        let head = &full[..pos];
        let start = head.rfind([':', '<', ' ', ',']).map_or(0, |i| i + 1);
        return &head[start..];
    }
    full
}

thread_local! {
    /// The task whose coroutine is being polled on this thread.
    static CURRENT_TASK: RefCell<Option<Rc<dyn Erased>>> = const { RefCell::new(None) };
}

/// Makes `task` the current task until dropped, then restores the previous one.
struct EnterTask(Option<Rc<dyn Erased>>);

impl EnterTask {
    fn new(task: Rc<dyn Erased>) -> Self {
        Self(CURRENT_TASK.with(|c| c.replace(Some(task))))
    }
}

impl Drop for EnterTask {
    fn drop(&mut self) {
        let prev = self.0.take();
        let _ = CURRENT_TASK.try_with(|c| c.replace(prev));
    }
}

/// The task running right now on this thread, if any.
pub(crate) fn current() -> Option<AnyTask> {
    CURRENT_TASK
        .with(|c| c.borrow().clone())
        .map(|cell| AnyTask { cell })
}

/// Marks the task cancelled if its future is dropped before finishing.
pub(crate) struct DoneGuard<T: 'static> {
    pub(crate) cell: Rc<TaskCell<T>>,
}

impl<T: 'static> Drop for DoneGuard<T> {
    fn drop(&mut self) {
        if !self.cell.header.done() {
            let erased: Rc<dyn Erased> = self.cell.clone();
            self.cell.header.finish(&erased, State::Cancelled);
        }
    }
}

pin_project! {
    /// The future the loop actually runs: the user's future, with panics caught and the outcome
    /// written to the cell. Fields drop in order, so the coroutine is gone before the guard
    /// reports cancellation.
    pub(crate) struct TaskFuture<F, T: 'static> {
        #[pin]
        pub(crate) fut: F,
        pub(crate) guard: DoneGuard<T>,
    }
}

impl<F: Future<Output = T>, T: 'static> Future for TaskFuture<F, T> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.project();
        let cell = &this.guard.cell;
        let _enter = EnterTask::new(cell.clone());
        let fut = this.fut;
        let polled = catch_unwind(AssertUnwindSafe(|| fut.poll(cx)));
        if polled.as_ref().is_ok_and(Poll::is_pending) {
            return Poll::Pending;
        }
        let erased: Rc<dyn Erased> = cell.clone();
        match polled {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(out)) => {
                *cell.output.borrow_mut() = Some(out);
                cell.header.finish(&erased, State::Finished);
                Poll::Ready(())
            }
            Err(payload) => {
                {
                    let mut extra = cell.header.extra.borrow_mut();
                    let extra = extra.get_or_insert_default();
                    payload_message(payload.as_ref())
                        .unwrap_or("<non-string payload>")
                        .clone_into(&mut extra.panic_message);
                    extra.panic = Some(payload);
                }
                cell.header.finish(&erased, State::Panicked);
                Poll::Ready(())
            }
        }
    }
}

/// A coroutine scheduled on an event loop: asyncio's `Task`.
///
/// Awaiting a `Task<T>` yields the coroutine's `T`; if the coroutine panicked, the panic is
/// re-raised in the awaiter (as asyncio re-raises the task's exception), and awaiting a cancelled
/// task panics. [`join`](Task::join) reports both as a [`TaskError`] instead. Dropping a `Task`
/// does not cancel it: the loop keeps running it (asyncio keeps a reference too).
pub struct Task<T: 'static> {
    pub(crate) cell: Rc<TaskCell<T>>,
}

impl<T: 'static> Task<T> {
    /// Whether the task has finished: returned, panicked or been cancelled.
    pub fn done(&self) -> bool {
        self.cell.header.done()
    }

    /// Asks the task to stop. Returns `false` if it has already finished.
    ///
    /// Cancellation is a drop, not an exception: the next time the loop reaches the task, the
    /// coroutine is dropped at the `.await` where it is suspended, so its locals' destructors
    /// (drop guards) run, and anyone awaiting the task is woken.
    pub fn cancel(&self) -> bool {
        self.cell.header.cancel()
    }

    /// Whether the task ended by cancellation.
    pub fn cancelled(&self) -> bool {
        self.cell.header.state.get() == State::Cancelled
    }

    /// The task's name, `Task-N` unless [`set_name`](Task::set_name) changed it.
    pub fn name(&self) -> String {
        self.cell.header.name()
    }

    /// Renames the task (shown by `Debug` and in panic reports).
    pub fn set_name(&self, name: impl Into<String>) {
        self.cell.header.set_name(name.into());
    }

    /// A future that waits for the task and reports how it ended, instead of re-raising.
    pub fn join(self) -> Join<T> {
        Join { task: self }
    }

    /// A type-erased handle to the same task, as [`all_tasks`](crate::all_tasks) returns.
    pub fn as_any(&self) -> AnyTask {
        AnyTask {
            cell: self.cell.clone(),
        }
    }

    fn poll_join(&self, cx: &Context<'_>) -> Poll<Result<T, TaskError>> {
        match self.cell.header.poll_outcome(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Ready(Ok(())) => match self.cell.output.borrow_mut().take() {
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

impl<T: 'static> fmt::Debug for Task<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.cell.header.fmt_task(f)
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
#[derive(Clone)]
pub struct AnyTask {
    cell: Rc<dyn Erased>,
}

impl AnyTask {
    pub(crate) fn from_erased(cell: Rc<dyn Erased>) -> Self {
        Self { cell }
    }

    /// Whether the task has finished: returned, panicked or been cancelled.
    pub fn done(&self) -> bool {
        self.cell.header().done()
    }

    /// Asks the task to stop; see [`Task::cancel`].
    pub fn cancel(&self) -> bool {
        self.cell.header().cancel()
    }

    /// Whether the task ended by cancellation.
    pub fn cancelled(&self) -> bool {
        self.cell.header().state.get() == State::Cancelled
    }

    /// The task's name.
    pub fn name(&self) -> String {
        self.cell.header().name()
    }

    /// Renames the task.
    pub fn set_name(&self, name: impl Into<String>) {
        self.cell.header().set_name(name.into());
    }

    /// Whether both handles refer to the same task.
    pub fn same(&self, other: &AnyTask) -> bool {
        self.cell.header().id == other.cell.header().id
    }

    /// A future that waits for the task and reports how it ended, instead of re-raising.
    pub fn join(self) -> AnyJoin {
        AnyJoin { task: self }
    }
}

impl Future for AnyTask {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.cell.header().poll_outcome(cx) {
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
        self.cell.header().fmt_task(f)
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
        self.task.cell.header().poll_outcome(cx)
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
