//! The event loop: a FIFO ready queue, a timer heap, and the task registry.
//!
//! One iteration ([`LoopInner::run_once`]) is asyncio's `_run_once`: wait until something is
//! ready or the next timer is due (under the virtual clock, jump to it instead), append the due
//! timers to the ready queue, then run exactly the items that were ready at that point; what they
//! schedule runs in the next iteration.
//!
//! The ready queue has two halves. Wake-ups on the loop's own thread while it runs (nearly all
//! of them) go to `LoopInner::ready`, a plain `VecDeque` reached through the thread's running
//! loop, with no lock. Wake-ups from other threads, and from this thread while the loop is not
//! running (`create_task` before `run_until_complete`), go to `Shared::remote`, behind a mutex;
//! each iteration first moves those to the back of `ready`, in arrival order.

use crate::raw::{self, BlockCache, Runnable, TaskRef};
use crate::task::{self, AnyTask, Task};
use crate::time::{Clock, Timers};
use core::cell::{Cell, RefCell};
use core::fmt;
use core::future::{Future, IntoFuture};
use core::time::Duration;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::thread::{self, Thread};

/// Something the loop runs in its turn.
pub(crate) enum Item {
    /// One step of a task.
    Run(Runnable),
    /// A due timer (its slot and generation): wakes the sleeping task.
    Fire(u32, u32),
    /// `run_until_complete`'s future finished: stop after this iteration.
    Stop,
}

/// The part of a loop that wakers on any thread can reach: the remote half of the ready queue.
pub(crate) struct Shared {
    /// Which loop this is, to recognise it as the thread's running loop.
    id: u32,
    remote: Mutex<VecDeque<Runnable>>,
    /// Whether `remote` may be non-empty; saves taking the lock on every iteration.
    has_remote: AtomicBool,
    /// The loop's thread, unparked when an item arrives while the loop sleeps.
    thread: Thread,
    sleeping: AtomicBool,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Runnable>> {
        self.remote.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Schedules a task step (`call_soon`): straight onto the ready queue when this is the loop
    /// running on the calling thread, else onto the remote queue, waking the loop if it waits.
    ///
    /// The loop is found by the id the task carries: the running loop through a thread-local,
    /// any other through [`LOOPS`].
    pub(crate) fn schedule(runnable: Runnable) {
        let id = runnable.loop_id();
        let mut runnable = Some(runnable);
        with_running(id, |lp| {
            if let Ok(mut ready) = lp.ready.try_borrow_mut()
                && let Some(r) = runnable.take()
            {
                ready.push_back(Item::Run(r));
            }
        });
        let Some(runnable) = runnable else { return };
        let shared = LOOPS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&id)
            .and_then(Weak::upgrade);
        match shared {
            Some(shared) => shared.push_remote(runnable),
            // The loop is gone, and it dropped its tasks' futures on its own thread as it went,
            // so dropping the step here only releases a reference.
            None => drop(runnable),
        }
    }

    fn push_remote(&self, runnable: Runnable) {
        self.lock().push_back(runnable);
        self.has_remote.store(true, Ordering::SeqCst);
        if self.sleeping.load(Ordering::SeqCst) {
            self.thread.unpark();
        }
    }

    /// Takes everything other threads scheduled.
    fn take_remote(&self) -> VecDeque<Runnable> {
        if !self.has_remote.load(Ordering::Acquire)
            || !self.has_remote.swap(false, Ordering::SeqCst)
        {
            return VecDeque::new();
        }
        core::mem::take(&mut *self.lock())
    }

    /// Parks the loop thread until an item arrives or `timeout` passes.
    fn wait(&self, timeout: Option<Duration>) {
        self.sleeping.store(true, Ordering::SeqCst);
        if !self.has_remote.load(Ordering::SeqCst) {
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
/// Counter behind loop ids.
static LOOP_COUNTER: AtomicU32 = AtomicU32::new(0);
/// Every live loop by id, for wake-ups that do not come from the loop's own running thread.
static LOOPS: Mutex<BTreeMap<u32, Weak<Shared>>> = Mutex::new(BTreeMap::new());

type ExceptionHandler = Box<dyn FnMut(&str)>;

/// The tasks of a loop that are not done yet: a slab indexed by `Header::slot`, so adding and
/// removing a task is O(1). `all_tasks` sorts by id to list them in creation order.
#[derive(Default)]
pub(crate) struct Registry {
    slots: Vec<Option<TaskRef>>,
    free: Vec<u32>,
    len: usize,
}

impl Registry {
    fn insert(&mut self, task: TaskRef) {
        let slot = if let Some(slot) = self.free.pop() {
            slot
        } else {
            self.slots.push(None);
            u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 pending tasks")
        };
        task.info().slot.set(slot);
        self.slots[slot as usize] = Some(task);
        self.len += 1;
    }

    fn remove(&mut self, task: &TaskRef) -> Option<TaskRef> {
        let slot = task.info().slot.get();
        let entry = self.slots.get_mut(slot as usize)?;
        if !entry.as_ref().is_some_and(|t| t.same(task)) {
            return None;
        }
        self.free.push(slot);
        self.len -= 1;
        entry.take()
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The tasks in creation order.
    fn in_order(&self) -> Vec<TaskRef> {
        let mut tasks: Vec<_> = self.slots.iter().flatten().cloned().collect();
        tasks.sort_by_key(|t| t.info().id);
        tasks
    }
}

pub(crate) struct LoopInner {
    pub(crate) shared: Arc<Shared>,
    /// The local half of the ready queue (see the module docs).
    pub(crate) ready: RefCell<VecDeque<Item>>,
    clock: Clock,
    pub(crate) timers: RefCell<Timers>,
    /// Set when a poll registers a timer: it needs its deadline when the poll returns.
    pub(crate) unstamped: Cell<bool>,
    /// Tasks not yet done.
    tasks: RefCell<Registry>,
    /// Tasks that panicked, checked at close for panics nobody retrieved.
    panicked: RefCell<Vec<TaskRef>>,
    running: Cell<bool>,
    stopping: Cell<bool>,
    closed: Cell<bool>,
    handler: RefCell<Option<ExceptionHandler>>,
    /// Spare task blocks, reused by the next tasks (see `raw::BlockCache`).
    pub(crate) blocks: BlockCache,
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

/// Calls `f` with the loop running on this thread, without cloning the `Rc`. `None` if no loop
/// runs here (or the thread is shutting down).
pub(crate) fn with_running_loop<R>(f: impl FnOnce(&LoopInner) -> R) -> Option<R> {
    RUNNING
        .try_with(|r| Some(f(r.try_borrow().ok()?.as_ref()?)))
        .ok()
        .flatten()
}

/// Calls `f` with the loop running on this thread if its id is `id`, without cloning the `Rc`.
/// `None` if that loop is not the one running here (or the thread is shutting down).
pub(crate) fn with_running<R>(id: u32, f: impl FnOnce(&LoopInner) -> R) -> Option<R> {
    RUNNING
        .try_with(|r| {
            let r = r.try_borrow().ok()?;
            let lp = r.as_ref().filter(|lp| lp.shared.id == id)?;
            Some(f(lp))
        })
        .ok()
        .flatten()
}

impl LoopInner {
    pub(crate) fn now(&self) -> Duration {
        self.clock.now()
    }

    pub(crate) fn id(&self) -> u32 {
        self.shared.id
    }

    pub(crate) fn task_finished(&self, task: &TaskRef, panicked: bool) {
        let removed = self.tasks.borrow_mut().remove(task);
        drop(removed);
        if panicked {
            self.panicked.borrow_mut().push(task.clone());
        }
    }

    /// Gives the timers registered since the last call their deadlines, with a fresh clock
    /// reading (see `time.rs`). Called after every step and before the loop looks at timers.
    fn stamp_timers(&self) {
        if self.unstamped.replace(false) {
            let mut timers = self.timers.borrow_mut();
            if timers.has_unstamped() {
                timers.stamp(self.now());
            }
        }
    }

    /// One iteration of the loop (asyncio's `_run_once`).
    fn run_once(&self) {
        self.stamp_timers();
        self.take_remote();
        if self.ready.borrow().is_empty() {
            let next = self.timers.borrow_mut().next_deadline();
            match (next, &self.clock) {
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
            self.take_remote();
        }
        {
            let mut timers = self.timers.borrow_mut();
            let now = if timers.is_empty() {
                Duration::ZERO
            } else {
                self.now()
            };
            let mut ready = self.ready.borrow_mut();
            while let Some((slot, generation)) = timers.pop_due(now) {
                ready.push_back(Item::Fire(slot, generation));
            }
        }
        let ntodo = self.ready.borrow().len();
        for _ in 0..ntodo {
            let item = self.ready.borrow_mut().pop_front();
            match item {
                Some(Item::Run(runnable)) => {
                    runnable.run(self);
                    self.stamp_timers();
                }
                Some(Item::Fire(slot, generation)) => {
                    let waker = self.timers.borrow_mut().fire(slot, generation);
                    waker.wake();
                }
                Some(Item::Stop) => self.stopping.set(true),
                None => break,
            }
        }
    }

    /// Makes `fut` a task of this loop and schedules its first step. `A` is the awaitable type
    /// the coroutine's name is read from.
    fn spawn<F, A>(&self, fut: F) -> Task<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let id = TASK_COUNTER.fetch_add(1, Ordering::Relaxed) + 1;
        let (runnable, registered, handle) = raw::spawn::<_, A>(fut, self, id);
        self.tasks.borrow_mut().insert(registered);
        if self.running.get() {
            // Running, so running on this thread (the loop is bound to it): the local queue.
            self.schedule_local(runnable);
        } else {
            self.shared.push_remote(runnable);
        }
        Task::new(handle)
    }

    /// Queues a task step from this loop's thread (a task woken during its own step).
    pub(crate) fn schedule_local(&self, runnable: Runnable) {
        match self.ready.try_borrow_mut() {
            Ok(mut ready) => ready.push_back(Item::Run(runnable)),
            Err(_) => self.shared.push_remote(runnable),
        }
    }

    /// Moves what other threads scheduled to the back of the ready queue.
    fn take_remote(&self) {
        let remote = self.shared.take_remote();
        if !remote.is_empty() {
            self.ready
                .borrow_mut()
                .extend(remote.into_iter().map(Item::Run));
        }
    }

    /// Drops every pending task (cancellation), every queued item and timer, then reports
    /// panics nobody retrieved. Leaves the loop usable only for `is_closed`.
    ///
    /// Every pending task's future is dropped here, on the loop's thread: those with a queued
    /// step when that step is discarded (in queue order), the rest (whose step is still on its
    /// way from another thread) at the end of the round.
    fn shutdown(&self) {
        loop {
            let tasks = core::mem::take(&mut *self.tasks.borrow_mut());
            for task in tasks.slots.iter().flatten() {
                task.cancel(true);
            }
            let mut drained = false;
            loop {
                let remote = self.shared.take_remote();
                let item = self.ready.borrow_mut().pop_front();
                let Some(item) = item else {
                    if remote.is_empty() {
                        break;
                    }
                    // Discarding a step drops its future: the coroutine's destructors run here.
                    for r in remote {
                        r.discard(self);
                    }
                    drained = true;
                    continue;
                };
                for r in remote {
                    r.discard(self);
                }
                if let Item::Run(r) = item {
                    r.discard(self);
                }
                drained = true;
            }
            for task in tasks.slots.iter().flatten() {
                task.discard(self);
            }
            drop(tasks);
            if !drained && self.tasks.borrow().len() == 0 {
                break;
            }
        }
        let timers = core::mem::take(&mut *self.timers.borrow_mut());
        drop(timers);
        let panicked = core::mem::take(&mut *self.panicked.borrow_mut());
        for task in panicked {
            if !task.info().retrieved.get() {
                let report = task::never_retrieved_report(&task);
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
        let mut loops = LOOPS.lock().unwrap_or_else(PoisonError::into_inner);
        loops.remove(&self.shared.id);
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
