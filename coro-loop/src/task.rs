//! Tasks: a scheduled awaitable, its outcome, and the handles that await or cancel it.
//!
//! A task is one allocation, made and managed by `raw.rs`: a header with the task's
//! [`TaskInfo`] (what the handles see: id, state, awaiters, the rarely used name and stored
//! panic) followed by the future, later its output. This module is the policy on top: what
//! finishing, awaiting and cancelling mean. [`Task`] holds the one handle that can take the
//! output; [`AnyTask`], the loop's registry and `current_task` hold untyped ones.

use crate::event_loop::{Item, LoopInner};
use crate::raw::{self, TaskRef, TaskWaker, WaiterSlot, Waiters};
use core::any::Any;
use core::cell::Cell;
use core::fmt;
use core::task::{Context, Poll, Waker};

mod handles;

pub(crate) use handles::take_finished;
pub use handles::{AnyJoin, AnyTask, Join, Task};

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

/// How a task's future ended, as the raw task reports it to [`finish`].
pub(crate) enum Outcome {
    /// It returned; the output is in the task.
    Returned,
    Panicked(PanicPayload),
    /// It was dropped before finishing.
    Cancelled,
}

/// The bookkeeping of a task that the handles see, kept in the raw task's header (see
/// `raw.rs`). Touched only on the loop's thread; it holds nothing that could not be dropped on
/// another (wakers, strings, a panic payload), since the last reference may be a waker there.
pub(crate) struct TaskInfo {
    pub(crate) id: u64,
    /// The raw task's own flags (raw.rs `HANDLE`, `WOKEN`), kept here where they fill padding.
    pub(crate) flags: Cell<u8>,
    /// Where the loop's registry keeps the task.
    pub(crate) slot: Cell<u32>,
    pub(crate) state: Cell<State>,
    /// Whether a panic was re-raised in (or returned to) someone who awaited the task.
    pub(crate) retrieved: Cell<bool>,
    /// Set on the task `run_until_complete` waits for: finishing stops the loop.
    pub(crate) stop_on_done: Cell<bool>,
    /// Who awaits the task: one coro-loop task inline (the common case), or everything in the
    /// boxed rarely used part.
    waiters: WaiterSlot<Extra>,
    /// The tasks this task awaits, for [`cancel`] to cancel too: one inline (a plain
    /// `task.await`), or a boxed list (a `gather!` of tasks). Kept by [`Awaiter`]. Entries of
    /// tasks that are done mean nothing; they are dropped when the list is full.
    awaiting: WaiterSlot<Vec<TaskWaker>>,
}

/// The rarely used part of a [`TaskInfo`], boxed on demand so the common task stays small.
#[derive(Default)]
struct Extra {
    /// Set by `set_name`; until then the name is `Task-{id}`, formatted when asked for.
    name: Option<String>,
    panic: Option<PanicPayload>,
    panic_message: String,
    /// The awaiters, once there is more than one or one that is not a coro-loop task.
    waiters: Vec<Waker>,
}

// The last reference to a task may be dropped on another thread (see `raw.rs`).
const _: () = {
    const fn assert_send<T: Send>() {}
    assert_send::<Extra>();
};

impl TaskInfo {
    pub(crate) fn new(id: u64, flags: u8) -> Self {
        Self {
            id,
            flags: Cell::new(flags),
            slot: Cell::new(u32::MAX),
            state: Cell::new(State::Pending),
            retrieved: Cell::new(false),
            stop_on_done: Cell::new(false),
            waiters: WaiterSlot::new(),
            awaiting: WaiterSlot::new(),
        }
    }

    /// Reads the boxed part, if there is one.
    fn read_extra<R>(&self, f: impl FnOnce(Option<&Extra>) -> R) -> R {
        let waiters = self.waiters.take();
        let out = f(match &waiters {
            Waiters::Boxed(extra) => Some(extra),
            _ => None,
        });
        self.waiters.set(waiters);
        out
    }

    /// Changes the boxed part, creating it (and moving the inline awaiter into it) if needed.
    fn with_extra<R>(&self, f: impl FnOnce(&mut Extra) -> R) -> R {
        let mut extra = match self.waiters.take() {
            Waiters::Boxed(extra) => extra,
            Waiters::Empty => Box::default(),
            Waiters::Task(waker) => Box::new(Extra {
                waiters: vec![waker.into_waker()],
                ..Extra::default()
            }),
        };
        let out = f(&mut extra);
        self.waiters.set(Waiters::Boxed(extra));
        out
    }

    /// The task's name: `Task-N` unless renamed.
    pub(crate) fn name(&self) -> String {
        self.read_extra(|e| e.and_then(|e| e.name.clone()))
            .unwrap_or_else(|| format!("Task-{}", self.id))
    }

    fn set_name(&self, name: String) {
        self.with_extra(|e| e.name = Some(name));
    }

    /// The message of the stored panic (empty if none).
    fn panic_message(&self) -> String {
        self.read_extra(|e| e.map(|e| e.panic_message.clone()).unwrap_or_default())
    }

    fn done(&self) -> bool {
        self.state.get() != State::Pending
    }

    fn register(&self, waker: &Waker) {
        let waiters = self.waiters.take();
        let waiters = match waiters {
            Waiters::Empty => match TaskWaker::from_waker(waker) {
                Some(task) => Waiters::Task(task),
                None => Waiters::Boxed(Box::new(Extra {
                    waiters: vec![waker.clone()],
                    ..Extra::default()
                })),
            },
            Waiters::Task(task) if task.will_wake(waker) => Waiters::Task(task),
            Waiters::Task(task) => Waiters::Boxed(Box::new(Extra {
                waiters: vec![task.into_waker(), waker.clone()],
                ..Extra::default()
            })),
            Waiters::Boxed(mut extra) => {
                if !extra.waiters.iter().any(|w| w.will_wake(waker)) {
                    extra.waiters.push(waker.clone());
                }
                Waiters::Boxed(extra)
            }
        };
        self.waiters.set(waiters);
    }

    /// Wakes everyone who awaits the task.
    fn wake_waiters(&self) {
        match self.waiters.take() {
            Waiters::Empty => {}
            Waiters::Task(task) => task.wake(),
            Waiters::Boxed(mut extra) => {
                let waiters = core::mem::take(&mut extra.waiters);
                self.waiters.set(Waiters::Boxed(extra));
                for w in waiters {
                    w.wake();
                }
            }
        }
    }

    /// Makes `task` one of the awaiters: it is woken when this task ends.
    fn register_task(&self, task: &TaskRef) {
        self.register(&TaskWaker::of(task).into_waker());
    }

    /// Records that this task awaits `task` (see [`Awaiter`]). Entries of finished tasks
    /// make room: awaiting tasks one after the other keeps one entry, and a list grows only
    /// when every entry in it is pending.
    fn add_awaited(&self, task: &TaskRef) {
        let awaited = TaskWaker::of(task);
        let mut gone = None;
        let list = match self.awaiting.take() {
            Waiters::Empty => Waiters::Task(awaited),
            Waiters::Task(first) if first.info().done() => {
                gone = Some(first);
                Waiters::Task(awaited)
            }
            Waiters::Task(first) => Waiters::Boxed(Box::new(vec![first, awaited])),
            Waiters::Boxed(mut list) => {
                if list.len() == list.capacity() {
                    list.retain(|w| !w.info().done());
                }
                list.push(awaited);
                Waiters::Boxed(list)
            }
        };
        self.awaiting.set(list);
        drop(gone);
    }

    /// Forgets that this task awaits `task`, a pending task whose handle lets go of it.
    fn remove_awaited(&self, task: &TaskRef) {
        let mut removed = None;
        let list = match self.awaiting.take() {
            Waiters::Task(awaited) if awaited.is(task) => {
                removed = Some(awaited);
                Waiters::Empty
            }
            Waiters::Boxed(mut list) => {
                if let Some(i) = list.iter().position(|w| w.is(task)) {
                    removed = Some(list.remove(i));
                }
                Waiters::Boxed(list)
            }
            other => other,
        };
        self.awaiting.set(list);
        // Dropped once the slot is whole again (a reference only: the handle that linked the
        // two tasks holds another).
        drop(removed);
    }

    /// Takes the tasks this task awaits, in the order it started awaiting them.
    fn take_awaited(&self) -> Vec<TaskWaker> {
        match self.awaiting.take() {
            Waiters::Empty => Vec::new(),
            Waiters::Task(awaited) => vec![awaited],
            Waiters::Boxed(list) => *list,
        }
    }

    /// Takes the stored panic for someone who awaited the task.
    fn take_panic(&self) -> PanicPayload {
        self.retrieved.set(true);
        let payload = self.with_extra(|e| e.panic.take());
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
}

/// Asks for cancellation: the coroutine is dropped at its current suspension the next time the
/// loop gets to it. `false` if the task is done.
///
/// As asyncio's `Task.cancel` cancels the future the task waits on, the tasks this one is
/// suspended awaiting (through a [`Task`] or [`AnyTask`] handle, or their `join()`, directly
/// or inside `gather!`) are cancelled first, and so on down the chain. This one is then left
/// to be woken by the first of them to end, so its coroutine is dropped one loop iteration
/// after theirs, where asyncio's `CancelledError` reaches it. A task cancelled from inside its
/// own step awaits nothing at that moment, so nothing else is cancelled.
fn cancel(task: &TaskRef) -> bool {
    let info = task.info();
    if info.done() {
        return false;
    }
    let mut woken_later = false;
    if !raw::is_current(task) {
        for awaited in info.take_awaited() {
            let awaited = awaited.task_ref();
            if cancel(&awaited) {
                // Usually already an awaiter (a plain `task.await`); inside `gather!` the
                // awaited task wakes a child's waker, which wakes this task in turn, but this
                // does not rely on the combinator to pass the wake-up on.
                awaited.info().register_task(task);
                woken_later = true;
            }
        }
    }
    task.cancel(!woken_later);
    true
}

/// Which task awaits through a handle ([`Task`], [`AnyTask`]), so that cancelling that task
/// cancels the awaited one too (see [`cancel`]).
///
/// Set when the handle is polled while the task it refers to is pending, inside the step of
/// another task (the awaiter), which then lists the awaited task. Cleared when the handle sees
/// the task done (the entry stays, meaning nothing, until the list makes room), and removed
/// from the list when the handle lets go of a pending task: dropped, or polled by another
/// awaiter. This is also where two awaits that would hang are caught: a task awaiting its own
/// handle, and a handle polled by a task of another loop, which never runs the awaited task.
#[derive(Default)]
struct Awaiter(Cell<Option<TaskRef>>);

impl Awaiter {
    /// `task`, the handle's task, is pending: link it to the task being polled, if any.
    fn pending(&self, task: &TaskRef) {
        match self.0.take() {
            Some(same) if raw::is_current(&same) => {
                self.0.set(Some(same));
                return;
            }
            // Polled by another task now (or outside any): the old one no longer awaits it.
            Some(old) => old.info().remove_awaited(task),
            None => {}
        }
        assert!(
            !raw::is_current(task),
            "task '{}' awaits itself, which would wait forever (it finishes only when this very \
             await does; asyncio raises RuntimeError \"Task cannot await on itself\"): await \
             another task, or return the value instead",
            task.info().name()
        );
        if let Some(loop_id) = raw::current_loop_id()
            && loop_id != task.loop_id()
        {
            panic!(
                "task '{}' belongs to another event loop than the one awaiting it (it was passed \
                 to another loop's run_until_complete, or awaited by one of its tasks); a task \
                 runs only on the loop that created it, so this loop cannot make it progress \
                 and could wait forever (asyncio raises here too): await it on its own loop \
                 (that loop's run_until_complete, or a task of that loop), or create it on this \
                 loop instead",
                task.info().name()
            );
        }
        if let Some(awaiter) = raw::current() {
            awaiter.info().add_awaited(task);
            self.0.set(Some(awaiter));
        }
    }

    /// `task`, the handle's task, is done.
    fn done(&self) {
        drop(self.0.take());
    }

    /// The handle lets go of `task`: unlink it.
    fn dropped(&self, task: &TaskRef) {
        if let Some(awaiter) = self.0.take()
            && !task.info().done()
        {
            awaiter.info().remove_awaited(task);
        }
    }
}

/// Polls `task` through a handle whose link is `awaiter`: its outcome, as
/// [`TaskInfo::poll_outcome`], keeping the link up to date.
fn poll_task(task: &TaskRef, awaiter: &Awaiter, cx: &Context<'_>) -> Poll<Result<(), TaskError>> {
    let info = task.info();
    if info.done() {
        awaiter.done();
    } else {
        awaiter.pending(task);
    }
    info.poll_outcome(cx)
}

fn fmt_task(task: &TaskRef, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let info = task.info();
    let name = info.name();
    let coro = task.coro_name();
    match info.state.get() {
        State::Pending => write!(f, "<Task pending name='{name}' coro=<{coro}>>"),
        State::Finished => write!(f, "<Task finished name='{name}' coro=<{coro}>>"),
        State::Cancelled => write!(f, "<Task cancelled name='{name}' coro=<{coro}>>"),
        State::Panicked => write!(
            f,
            "<Task finished name='{name}' coro=<{coro}> panic={:?}>",
            info.panic_message()
        ),
    }
}

pub(crate) fn never_retrieved_report(task: &TaskRef) -> String {
    format!(
        "Task panic was never retrieved\nfuture: <Task finished name='{}' coro=<{}> panic={:?}>",
        task.info().name(),
        task.coro_name(),
        task.info().panic_message()
    )
}

/// Records how the task ended and tells everyone who waits for it. Called by the raw task on
/// the loop's thread, once the future is gone.
pub(crate) fn finish(task: &TaskRef, lp: &LoopInner, outcome: Outcome) {
    let info = task.info();
    let state = match outcome {
        Outcome::Returned => State::Finished,
        Outcome::Cancelled => State::Cancelled,
        Outcome::Panicked(payload) => {
            info.with_extra(|extra| {
                payload_message(payload.as_ref())
                    .unwrap_or("<non-string payload>")
                    .clone_into(&mut extra.panic_message);
                extra.panic = Some(payload);
            });
            State::Panicked
        }
    };
    info.state.set(state);
    // The handles inside the future unlinked themselves as it was dropped; any left (in the
    // output) are forgotten now.
    drop(info.take_awaited());
    lp.task_finished(task, state == State::Panicked);
    if info.stop_on_done.get() {
        lp.ready.borrow_mut().push_back(Item::Stop);
    }
    info.wake_waiters();
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

/// The task running right now on this thread, if any.
pub(crate) fn current() -> Option<AnyTask> {
    raw::current().map(AnyTask::from_ref)
}
