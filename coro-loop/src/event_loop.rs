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
use crate::task::{self, Task};
use crate::time::{Clock, Timers};
use core::cell::{Cell, RefCell};
use core::future::Future;
use core::time::Duration;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::thread::{self, Thread};

mod api;

pub use api::{
    Builder, EventLoop, all_tasks, create_task, current_task, get_event_loop, get_running_loop,
    new_event_loop, run, set_event_loop,
};

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
