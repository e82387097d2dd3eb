//! The loop as users see it: [`EventLoop`] and its [`Builder`], and asyncio's module-level
//! functions (`run`, `get_event_loop`, `create_task`, `all_tasks`, …) on top of the
//! thread's running loop.

use super::{EVENT_LOOP, LOOP_COUNTER, LOOPS, LoopInner, RUNNING, Registry, Shared, running_loop};
use crate::raw::BlockCache;
use crate::task::{self, AnyTask, Task};
use crate::time::{Clock, Timers};
use core::cell::{Cell, RefCell};
use core::fmt;
use core::future::IntoFuture;
use core::time::Duration;
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

/// How to build an [`EventLoop`]; see [`EventLoop::builder`].
#[derive(Debug, Default, Clone)]
pub struct Builder {
    virtual_clock: Option<bool>,
}

impl Builder {
    /// Use the virtual clock: when nothing is ready, time jumps to the next timer instead of
    /// the thread sleeping, so programs that sleep run instantly and deterministically.
    ///
    /// Time passes only while every task waits: a task that keeps itself ready, such as a
    /// `while !done { sleep(Duration::ZERO).await }` loop waiting for a timer, spins forever
    /// here (under the real clock, time passes as it spins). Await the event itself, or poll
    /// with a non-zero sleep.
    #[must_use]
    pub fn virtual_clock(mut self, yes: bool) -> Self {
        self.virtual_clock = Some(yes);
        self
    }

    /// Creates the loop on the current thread.
    pub fn build(self) -> EventLoop {
        let virtual_clock = self.virtual_clock.unwrap_or_else(|| {
            std::env::var("CORO_LOOP_CLOCK").is_ok_and(|v| v.eq_ignore_ascii_case("virtual"))
        });
        let clock = if virtual_clock {
            Clock::Virtual(Cell::new(Duration::ZERO))
        } else {
            Clock::Real(std::time::Instant::now())
        };
        // Ids are 32 bits, to keep the task header small. A wrapped id could match another
        // loop's, so the counter stops rather than wraps.
        let id = LOOP_COUNTER
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_add(1))
            .map_or_else(
                |_| {
                    panic!(
                        "coro-loop: more than {} event loops made in this process; reuse a loop \
                         (run many coroutines on one) instead of making one per call",
                        u32::MAX
                    )
                },
                |n| n + 1,
            );
        let shared = Arc::new(Shared {
            id,
            remote: Mutex::new(VecDeque::new()),
            has_remote: AtomicBool::new(false),
            thread: thread::current(),
            sleeping: AtomicBool::new(false),
        });
        LOOPS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(shared.id, Arc::downgrade(&shared));
        EventLoop {
            inner: Rc::new(LoopInner {
                shared,
                ready: RefCell::new(VecDeque::new()),
                clock,
                timers: RefCell::new(Timers::default()),
                unstamped: Cell::new(false),
                tasks: RefCell::new(Registry::default()),
                panicked: RefCell::new(Vec::new()),
                running: Cell::new(false),
                stopping: Cell::new(false),
                closed: Cell::new(false),
                handler: RefCell::new(None),
                blocks: BlockCache::default(),
            }),
        }
    }
}

/// An asyncio-shaped event loop, bound to the thread that created it.
///
/// `EventLoop` is a cheap handle (clones refer to the same loop). The loop is dropped with its
/// last handle, and with it every task still pending.
///
/// ```
/// let lp = coro_loop::new_event_loop();
/// let task = lp.create_task(async { 40 + 2 });
/// assert!(!task.done());
/// assert_eq!(lp.run_until_complete(task), 42);
/// lp.close();
/// ```
#[derive(Clone)]
pub struct EventLoop {
    inner: Rc<LoopInner>,
}

impl fmt::Debug for EventLoop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.is_running() {
            "running"
        } else if self.is_closed() {
            "closed"
        } else {
            "idle"
        };
        write!(
            f,
            "<EventLoop {state} tasks={} time={:.3}>",
            self.inner.tasks.borrow().len(),
            self.time()
        )
    }
}

impl Default for EventLoop {
    fn default() -> Self {
        Self::new()
    }
}

/// Marks a loop running on this thread; restores everything when dropped, even by a panic.
struct RunGuard {
    inner: Rc<LoopInner>,
    /// Makes `coro_core::block_on` panic inside the loop instead of deadlocking it.
    _block_on: coro_core::EventLoopGuard,
}

impl RunGuard {
    fn enter(inner: &Rc<LoopInner>, what: &str) -> Self {
        assert!(
            !inner.running.get(),
            "{what} called while this event loop is already running (from inside one of its \
             tasks?); `.await` the future instead, or schedule it with coro_loop::create_task"
        );
        RUNNING.with(|r| {
            let mut r = r.borrow_mut();
            assert!(
                r.is_none(),
                "{what} called while another event loop is running on this thread; \
                 `.await` the future inside the running loop instead"
            );
            *r = Some(inner.clone());
        });
        inner.running.set(true);
        inner.stopping.set(false);
        Self {
            inner: inner.clone(),
            _block_on: coro_core::enter_event_loop("coro-loop"),
        }
    }
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        self.inner.running.set(false);
        self.inner.stopping.set(false);
        let _ = RUNNING.try_with(|r| r.borrow_mut().take());
    }
}

impl EventLoop {
    /// A new loop on the current thread. It uses the real clock unless the environment
    /// variable `CORO_LOOP_CLOCK` is `virtual` (how the example tests run instantly).
    pub fn new() -> Self {
        Builder::default().build()
    }

    /// Options for a new loop, such as the virtual clock.
    ///
    /// ```
    /// use std::time::Duration;
    /// let lp = coro_loop::EventLoop::builder().virtual_clock(true).build();
    /// lp.run_until_complete(coro_loop::sleep(Duration::from_secs(3600)));
    /// assert_eq!(lp.time(), 3600.0); // an hour passed, instantly
    /// ```
    pub fn builder() -> Builder {
        Builder::default()
    }

    fn check_open(&self, what: &str) {
        assert!(
            !self.inner.closed.get(),
            "{what} called on a closed event loop; create a new one with \
             coro_loop::new_event_loop() (and install it with coro_loop::set_event_loop), or use \
             coro_loop::run()"
        );
    }

    /// Wraps `awaitable` in a task and schedules its first step at the back of the ready queue
    /// (`loop.create_task`). Nothing runs until the loop runs.
    ///
    /// Panics if the loop is closed.
    pub fn create_task<F>(&self, awaitable: F) -> Task<F::Output>
    where
        F: IntoFuture + 'static,
        F::Output: 'static,
    {
        self.check_open("create_task");
        self.inner.spawn::<_, F>(awaitable.into_future())
    }

    /// Runs the loop until `awaitable` is done and returns its output
    /// (`loop.run_until_complete`). Other tasks make progress meanwhile; those not done stay
    /// scheduled, and the loop can be run again.
    ///
    /// If the awaitable panics, the panic is re-raised here. Panics if the loop is closed or
    /// already running.
    pub fn run_until_complete<F>(&self, awaitable: F) -> F::Output
    where
        F: IntoFuture + 'static,
        F::Output: 'static,
    {
        self.check_open("run_until_complete");
        assert!(
            !self.inner.running.get(),
            "run_until_complete called while this event loop is already running (from inside one \
             of its tasks?); `.await` the future instead, or schedule it with \
             coro_loop::create_task"
        );
        let task = self.create_task(awaitable);
        task.handle.task().info().stop_on_done.set(true);
        {
            let _guard = RunGuard::enter(&self.inner, "run_until_complete");
            while !self.inner.stopping.get() {
                self.inner.run_once();
            }
        }
        self.inner.blocks.trim();
        task::take_finished(&task)
    }

    /// The tasks of this loop that are not done yet, in creation order (`asyncio.all_tasks`).
    pub fn all_tasks(&self) -> Vec<AnyTask> {
        self.inner
            .tasks
            .borrow()
            .in_order()
            .into_iter()
            .map(AnyTask::from_ref)
            .collect()
    }

    /// Closes the loop (`loop.close`): every pending task is cancelled (its coroutine dropped),
    /// queued work is discarded, and panics that no one retrieved are reported. Closing twice
    /// does nothing. Panics if the loop is running.
    pub fn close(&self) {
        assert!(
            !self.inner.running.get(),
            "cannot close a running event loop; close it after run_until_complete returns"
        );
        if !self.inner.closed.get() {
            self.inner.closed.set(true);
            self.inner.shutdown();
        }
    }

    /// Whether [`close`](EventLoop::close) was called.
    pub fn is_closed(&self) -> bool {
        self.inner.closed.get()
    }

    /// Whether the loop is inside `run_until_complete`.
    pub fn is_running(&self) -> bool {
        self.inner.running.get()
    }

    /// The loop's clock in seconds (`loop.time`): since the loop was created, real or virtual.
    pub fn time(&self) -> f64 {
        self.inner.now().as_secs_f64()
    }

    /// Replaces how panics that no one retrieved are reported at close (stderr by default).
    /// The handler gets asyncio's "Task exception was never retrieved" text, adapted.
    pub fn set_exception_handler(&self, handler: impl FnMut(&str) + 'static) {
        *self.inner.handler.borrow_mut() = Some(Box::new(handler));
    }

    /// Whether both handles refer to the same loop.
    pub fn same(&self, other: &EventLoop) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

/// Closes a loop when dropped, even by a panic.
struct CloseOnDrop(EventLoop);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        if !self.0.is_running() {
            self.0.close();
        }
    }
}

/// `asyncio.run`: runs `main` on a fresh event loop, then cancels (drops) every task still
/// pending, closes the loop and returns `main`'s output. A panic in `main` is re-raised.
///
/// ```
/// async fn answer() -> u32 { 42 }
/// assert_eq!(coro_loop::run(answer()), 42);
/// ```
pub fn run<F>(main: F) -> F::Output
where
    F: IntoFuture + 'static,
    F::Output: 'static,
{
    // Checked before a loop exists, so the message names what the user called (asyncio's
    // "asyncio.run() cannot be called from a running event loop").
    assert!(
        running_loop().is_none(),
        "coro_loop::run called while an event loop is running on this thread; `.await` the \
         future inside the running loop instead, or schedule it with coro_loop::create_task"
    );
    let guard = CloseOnDrop(EventLoop::new());
    guard.0.run_until_complete(main)
}

/// A new event loop on the current thread (`asyncio.new_event_loop`).
pub fn new_event_loop() -> EventLoop {
    EventLoop::new()
}

/// The running loop if there is one, otherwise this thread's current loop, created on first use
/// (`asyncio.get_event_loop`).
pub fn get_event_loop() -> EventLoop {
    if let Some(inner) = running_loop() {
        return EventLoop { inner };
    }
    EVENT_LOOP.with(|l| l.borrow_mut().get_or_insert_with(EventLoop::new).clone())
}

/// Makes `lp` this thread's current loop, as [`get_event_loop`] returns it; `None` forgets it
/// (`asyncio.set_event_loop`).
pub fn set_event_loop(lp: impl Into<Option<EventLoop>>) {
    let lp = lp.into();
    let old = EVENT_LOOP.with(|l| l.replace(lp));
    drop(old);
}

/// The running loop (`asyncio.get_running_loop`), or `None` outside one.
pub fn get_running_loop() -> Option<EventLoop> {
    running_loop().map(|inner| EventLoop { inner })
}

fn expect_running(what: &str) -> EventLoop {
    get_running_loop().unwrap_or_else(|| {
        panic!(
            "coro_loop::{what} called with no running event loop; call it from inside a task \
             (a coroutine run by coro_loop::run or EventLoop::run_until_complete), or use the \
             EventLoop method of the same name"
        )
    })
}

/// Schedules `awaitable` as a task on the running loop (`asyncio.create_task`).
///
/// Panics when no loop is running on this thread.
pub fn create_task<F>(awaitable: F) -> Task<F::Output>
where
    F: IntoFuture + 'static,
    F::Output: 'static,
{
    let mut fut = Some(awaitable.into_future());
    // The running loop, borrowed rather than cloned (spawning runs no user code). It is open:
    // a running loop cannot be closed.
    let task = RUNNING
        .try_with(|r| {
            let r = r.try_borrow().ok()?;
            let lp = r.as_ref()?;
            fut.take().map(|fut| lp.spawn::<_, F>(fut))
        })
        .ok()
        .flatten();
    match (task, fut) {
        (Some(task), _) => task,
        (None, Some(fut)) => {
            let lp = expect_running("create_task()");
            lp.check_open("create_task");
            lp.inner.spawn::<_, F>(fut)
        }
        // The closure takes the future only to spawn it.
        (None, None) => unreachable!(),
    }
}

/// The running loop's tasks that are not done yet (`asyncio.all_tasks`).
///
/// Panics when no loop is running on this thread.
pub fn all_tasks() -> Vec<AnyTask> {
    expect_running("all_tasks()").all_tasks()
}

/// The task being run right now (`asyncio.current_task`), `None` outside a task.
pub fn current_task() -> Option<AnyTask> {
    task::current()
}
