//! The event loop: a FIFO ready queue, a timer heap, and the task registry.
//!
//! One iteration ([`LoopInner::run_once`]) is asyncio's `_run_once`: wait until something is
//! ready or the next timer is due (under the virtual clock, jump to it instead), append the due
//! timers to the ready queue, then run exactly the items that were ready at that point; what they
//! schedule runs in the next iteration.

use crate::task::{self, AnyTask, DoneGuard, Erased, Header, Task, TaskCell, TaskFuture};
use crate::time::{Clock, TimerEntry, TimerSlot};
use core::cell::{Cell, RefCell};
use core::fmt;
use core::future::IntoFuture;
use core::time::Duration;
use std::collections::{BTreeMap, BinaryHeap, VecDeque};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, Thread};

/// Something the loop runs in its turn.
pub(crate) enum Item {
    /// One step of a task.
    Run(async_task::Runnable),
    /// A due timer: wakes the sleeping task.
    Fire(Arc<TimerSlot>),
    /// `run_until_complete`'s future finished: stop after this iteration.
    Stop,
}

/// The part of a loop that wakers on any thread can reach: the ready queue.
pub(crate) struct Shared {
    queue: Mutex<VecDeque<Item>>,
    /// The loop's thread, unparked when an item arrives while the loop sleeps.
    thread: Thread,
    sleeping: AtomicBool,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Item>> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends to the ready queue (`call_soon`), waking the loop if it waits.
    pub(crate) fn push(&self, item: Item) {
        self.lock().push_back(item);
        if self.sleeping.load(Ordering::SeqCst) {
            self.thread.unpark();
        }
    }

    fn pop(&self) -> Option<Item> {
        self.lock().pop_front()
    }

    fn len(&self) -> usize {
        self.lock().len()
    }

    /// Parks the loop thread until an item arrives or `timeout` passes.
    fn wait(&self, timeout: Option<Duration>) {
        self.sleeping.store(true, Ordering::SeqCst);
        if self.len() == 0 {
            match timeout {
                Some(t) => thread::park_timeout(t),
                None => thread::park(),
            }
        }
        self.sleeping.store(false, Ordering::SeqCst);
    }
}

/// Counter behind task names (`Task-1`, `Task-2`, …), per process as in asyncio.
static TASK_COUNTER: AtomicU64 = AtomicU64::new(0);

type ExceptionHandler = Box<dyn FnMut(&str)>;

pub(crate) struct LoopInner {
    pub(crate) shared: Arc<Shared>,
    clock: Clock,
    timers: RefCell<BinaryHeap<TimerEntry>>,
    timer_seq: Cell<u64>,
    /// Tasks not yet done, by id (creation order).
    tasks: RefCell<BTreeMap<u64, Rc<dyn Erased>>>,
    /// Tasks that panicked, checked at close for panics nobody retrieved.
    panicked: RefCell<Vec<Rc<dyn Erased>>>,
    running: Cell<bool>,
    stopping: Cell<bool>,
    closed: Cell<bool>,
    handler: RefCell<Option<ExceptionHandler>>,
}

thread_local! {
    /// The loop running on this thread, if any.
    static RUNNING: RefCell<Option<Rc<LoopInner>>> = const { RefCell::new(None) };
    /// The loop `get_event_loop` returns when none is running.
    static EVENT_LOOP: RefCell<Option<EventLoop>> = const { RefCell::new(None) };
}

pub(crate) fn running_loop() -> Option<Rc<LoopInner>> {
    RUNNING.try_with(|r| r.borrow().clone()).ok().flatten()
}

impl LoopInner {
    pub(crate) fn now(&self) -> Duration {
        self.clock.now()
    }

    pub(crate) fn add_timer(this: &Rc<Self>, delay: Duration, slot: Arc<TimerSlot>) {
        let seq = this.timer_seq.get();
        this.timer_seq.set(seq + 1);
        let deadline = this.now().saturating_add(delay);
        this.timers.borrow_mut().push(TimerEntry {
            deadline,
            seq,
            slot,
        });
    }

    pub(crate) fn task_finished(&self, task: &Rc<dyn Erased>, panicked: bool) {
        let id = task.header().id;
        let removed = self.tasks.borrow_mut().remove(&id);
        drop(removed);
        if panicked {
            self.panicked.borrow_mut().push(task.clone());
        }
    }

    /// The deadline of the earliest live timer, dropping cancelled ones from the top.
    fn next_deadline(&self) -> Option<Duration> {
        let mut timers = self.timers.borrow_mut();
        while let Some(top) = timers.peek() {
            if top.slot.is_cancelled() {
                timers.pop();
            } else {
                return Some(top.deadline);
            }
        }
        None
    }

    /// One iteration of the loop (asyncio's `_run_once`).
    fn run_once(&self) {
        if self.shared.len() == 0 {
            match (self.next_deadline(), &self.clock) {
                (Some(deadline), Clock::Virtual(now)) => {
                    if deadline > now.get() {
                        now.set(deadline);
                    }
                }
                (Some(deadline), Clock::Real(_)) => {
                    let now = self.now();
                    if deadline > now {
                        self.shared.wait(Some(deadline.saturating_sub(now)));
                    }
                }
                // Nothing ready, no timers: only a waker on another thread can help.
                (None, _) => self.shared.wait(None),
            }
        }
        let now = self.now();
        loop {
            let entry = {
                let mut timers = self.timers.borrow_mut();
                match timers.peek() {
                    Some(top) if top.deadline <= now => timers.pop(),
                    _ => None,
                }
            };
            let Some(entry) = entry else { break };
            if !entry.slot.is_cancelled() {
                self.shared.push(Item::Fire(entry.slot));
            }
        }
        let ntodo = self.shared.len();
        for _ in 0..ntodo {
            let Some(item) = self.shared.pop() else { break };
            match item {
                Item::Run(runnable) => {
                    runnable.run();
                }
                Item::Fire(slot) => slot.fire(),
                Item::Stop => self.stopping.set(true),
            }
        }
    }

    /// Drops every pending task (cancellation), every queued item and timer, then reports
    /// panics nobody retrieved. Leaves the loop usable only for `is_closed`.
    fn shutdown(&self) {
        loop {
            let tasks = core::mem::take(&mut *self.tasks.borrow_mut());
            for task in tasks.values() {
                task.header().cancel();
            }
            drop(tasks);
            let mut drained = false;
            while let Some(item) = self.shared.pop() {
                // Dropping a runnable drops its future: the coroutine's destructors run here.
                drop(item);
                drained = true;
            }
            if !drained && self.tasks.borrow().is_empty() {
                break;
            }
        }
        let timers = core::mem::take(&mut *self.timers.borrow_mut());
        drop(timers);
        let panicked = core::mem::take(&mut *self.panicked.borrow_mut());
        for task in panicked {
            if !task.header().retrieved.get() {
                let report = task.header().never_retrieved_report();
                let mut handler = self.handler.borrow_mut();
                match handler.as_mut() {
                    Some(h) => h(&report),
                    None => eprintln!("{report}"),
                }
            }
        }
    }
}

impl Drop for LoopInner {
    fn drop(&mut self) {
        if !self.closed.get() {
            self.closed.set(true);
            self.shutdown();
        }
    }
}

/// How to build an [`EventLoop`]; see [`EventLoop::builder`].
#[derive(Debug, Default, Clone)]
pub struct Builder {
    virtual_clock: Option<bool>,
}

impl Builder {
    /// Use the virtual clock: when nothing is ready, time jumps to the next timer instead of
    /// the thread sleeping, so programs that sleep run instantly and deterministically.
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
        EventLoop {
            inner: Rc::new(LoopInner {
                shared: Arc::new(Shared {
                    queue: Mutex::new(VecDeque::new()),
                    thread: thread::current(),
                    sleeping: AtomicBool::new(false),
                }),
                clock,
                timers: RefCell::new(BinaryHeap::new()),
                timer_seq: Cell::new(0),
                tasks: RefCell::new(BTreeMap::new()),
                panicked: RefCell::new(Vec::new()),
                running: Cell::new(false),
                stopping: Cell::new(false),
                closed: Cell::new(false),
                handler: RefCell::new(None),
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
        let fut = awaitable.into_future();
        let id = TASK_COUNTER.fetch_add(1, Ordering::Relaxed) + 1;
        let header = Header::new(id, task::coro_name::<F>(), Rc::downgrade(&self.inner));
        let cell = Rc::new(TaskCell::new(header));
        let shared = Arc::clone(&self.inner.shared);
        let future = TaskFuture {
            fut,
            guard: DoneGuard { cell: cell.clone() },
        };
        let (runnable, handle) =
            async_task::spawn_local(future, move |r| shared.push(Item::Run(r)));
        *cell.header.handle.borrow_mut() = Some(handle);
        self.inner.tasks.borrow_mut().insert(id, cell.clone());
        runnable.schedule();
        Task { cell }
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
        task.cell.header.stop_on_done.set(true);
        {
            let _guard = RunGuard::enter(&self.inner, "run_until_complete");
            while !self.inner.stopping.get() {
                self.inner.run_once();
            }
        }
        task::take_finished(&task)
    }

    /// The tasks of this loop that are not done yet, in creation order (`asyncio.all_tasks`).
    pub fn all_tasks(&self) -> Vec<AnyTask> {
        self.inner
            .tasks
            .borrow()
            .values()
            .map(|t| AnyTask::from_erased(t.clone()))
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
    expect_running("create_task()").create_task(awaitable)
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
