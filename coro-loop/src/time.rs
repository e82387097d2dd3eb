//! Clocks, the timer heap and `sleep`.
//!
//! Timers live in the loop: a slab of slots (what a `Sleep` waits for) and a binary heap of
//! deadlines pointing at slots. A [`Sleep`] holds only the loop's id, its slot index and the
//! slot's generation, so registering a timer allocates nothing once the slab and heap have grown,
//! and `Sleep` stays `Send`. Dropping a pending `Sleep` frees its slot at once and leaves a stale
//! heap entry behind (recognised by its generation); when stale entries are more than 64 and
//! more than half of the heap, the heap is rebuilt without them, as asyncio does with cancelled
//! timer handles.
//!
//! A timer gets its deadline when the poll that registered it returns: the loop then reads the
//! clock once for every timer registered during that poll ([`Timers::stamp`]) and pushes them
//! onto the heap. The reading is taken after the registration, so no sleep ends early; it may
//! end later by what is left of the registering poll, which the loop could not have interrupted
//! anyway. A timer dropped during the poll that registered it (a timeout around something that
//! was ready at once) never reads the clock nor touches the heap.

use crate::event_loop::{LoopInner, with_running, with_running_loop};
use crate::raw::LoopWaker;
use core::cell::Cell;
use core::cmp::Ordering;
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use core::time::Duration;
use std::collections::BinaryHeap;
use std::time::Instant;

/// Where a loop's time comes from.
pub(crate) enum Clock {
    /// Wall time since the loop was created; waiting for a timer sleeps the thread.
    Real(Instant),
    /// Time that only moves when the loop has nothing ready: it jumps to the next deadline.
    Virtual(Cell<Duration>),
}

impl Clock {
    pub(crate) fn now(&self) -> Duration {
        match self {
            Self::Real(epoch) => epoch.elapsed(),
            Self::Virtual(now) => now.get(),
        }
    }
}

/// Where a timer slot is in its life.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Unused; its index is on the free list.
    Free,
    /// A pending sleep, registered during the current poll: its deadline is not in the heap
    /// yet (see [`Timers::stamp`]).
    Registered,
    /// A pending sleep whose deadline is in the heap.
    Queued,
    /// The deadline passed and the task was woken; the sleep has not seen it yet.
    Fired,
}

/// A timer slot: what a [`Sleep`] waits for.
struct Slot {
    /// Bumped whenever the slot is freed, so stale heap entries and sleeps do not match it.
    generation: u32,
    phase: Phase,
    /// The waker of the task that awaits the sleep, while it is pending.
    waker: LoopWaker,
}

impl Slot {
    fn pending(&self, generation: u32) -> bool {
        self.generation == generation && matches!(self.phase, Phase::Registered | Phase::Queued)
    }
}

/// An entry of the timer heap, ordered by deadline, then by creation (FIFO tie-break).
struct TimerEntry {
    deadline: Duration,
    seq: u64,
    slot: u32,
    generation: u32,
}

impl PartialEq for TimerEntry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for TimerEntry {}

impl PartialOrd for TimerEntry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for TimerEntry {
    // Reversed, so that `BinaryHeap` (a max-heap) pops the earliest deadline first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.deadline, other.seq).cmp(&(self.deadline, self.seq))
    }
}

/// A loop's timers: the heap of deadlines and the slots they point at.
#[derive(Default)]
pub(crate) struct Timers {
    heap: BinaryHeap<TimerEntry>,
    slots: Vec<Slot>,
    free: Vec<u32>,
    /// Heap entries whose slot was freed before they fired.
    stale: usize,
    seq: u64,
    /// Timers registered during the current poll, not yet in the heap: slot, generation and
    /// duration.
    unstamped: Vec<(u32, u32, Duration)>,
}

impl Timers {
    /// Registers a timer that wakes `waker` once `duration` has passed, counted from the next
    /// [`stamp`](Timers::stamp), on the loop `lp`; returns its slot and generation.
    fn add(&mut self, duration: Duration, waker: &Waker, lp: &LoopInner) -> (u32, u32) {
        let slot = if let Some(slot) = self.free.pop() {
            slot
        } else {
            self.slots.push(Slot {
                generation: 0,
                phase: Phase::Free,
                waker: LoopWaker::default(),
            });
            u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 timers at once")
        };
        let entry = &mut self.slots[slot as usize];
        entry.phase = Phase::Registered;
        entry.waker.set(waker, lp);
        let generation = entry.generation;
        self.unstamped.push((slot, generation, duration));
        (slot, generation)
    }

    /// Whether timers registered since the last [`stamp`](Timers::stamp) are still waiting for
    /// their deadline.
    pub(crate) fn has_unstamped(&self) -> bool {
        !self.unstamped.is_empty()
    }

    /// Gives the timers registered since the last call their deadlines, `now` plus their
    /// duration, and puts them in the heap in registration order (the FIFO tie-break). `now`
    /// must be read after they were registered, so that none ends early.
    pub(crate) fn stamp(&mut self, now: Duration) {
        let Self {
            heap,
            slots,
            seq,
            unstamped,
            ..
        } = self;
        for (slot, generation, duration) in unstamped.drain(..) {
            if let Some(entry) = slots.get_mut(slot as usize)
                && entry.generation == generation
                && entry.phase == Phase::Registered
            {
                entry.phase = Phase::Queued;
                *seq += 1;
                heap.push(TimerEntry {
                    deadline: now.saturating_add(duration),
                    seq: *seq,
                    slot,
                    generation,
                });
            }
        }
    }

    /// Whether no timer is registered (stale entries count as registered).
    pub(crate) fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Whether the heap entry still refers to a live timer.
    fn is_live(&self, entry: &TimerEntry) -> bool {
        self.slots
            .get(entry.slot as usize)
            .is_some_and(|s| s.pending(entry.generation))
    }

    /// Frees a slot (its sleep finished or was dropped) and returns the waker it held.
    fn release(&mut self, slot: u32, generation: u32) -> LoopWaker {
        let Some(entry) = self.slots.get_mut(slot as usize) else {
            return LoopWaker::default();
        };
        if entry.generation != generation {
            return LoopWaker::default();
        }
        entry.generation = entry.generation.wrapping_add(1);
        let phase = core::mem::replace(&mut entry.phase, Phase::Free);
        let waker = entry.waker.take();
        self.free.push(slot);
        match phase {
            Phase::Registered => {
                // Dropped in the poll that registered it: no heap entry yet. Usually it is the
                // last one registered; otherwise `stamp` skips it (its generation changed).
                if self
                    .unstamped
                    .last()
                    .is_some_and(|&(s, g, _)| (s, g) == (slot, generation))
                {
                    self.unstamped.pop();
                }
            }
            Phase::Queued => {
                // The heap entry is still there and now stale.
                self.stale += 1;
                if self.stale > 64 && self.stale * 2 > self.heap.len() {
                    let slots = &self.slots;
                    self.heap.retain(|e| {
                        slots
                            .get(e.slot as usize)
                            .is_some_and(|s| s.pending(e.generation))
                    });
                    self.stale = 0;
                }
            }
            Phase::Fired | Phase::Free => {}
        }
        waker
    }

    /// The deadline of the earliest live timer, dropping stale entries from the top.
    pub(crate) fn next_deadline(&mut self) -> Option<Duration> {
        while let Some(top) = self.heap.peek() {
            if self.is_live(top) {
                return Some(top.deadline);
            }
            self.heap.pop();
            self.stale = self.stale.saturating_sub(1);
        }
        None
    }

    /// Pops the next live timer due at `now`, as (slot, generation).
    pub(crate) fn pop_due(&mut self, now: Duration) -> Option<(u32, u32)> {
        while let Some(top) = self.heap.peek() {
            if top.deadline > now {
                return None;
            }
            let entry = self.heap.pop()?;
            if self.is_live(&entry) {
                return Some((entry.slot, entry.generation));
            }
            self.stale = self.stale.saturating_sub(1);
        }
        None
    }

    /// Runs as a ready-queue item: marks the timer fired and returns the waker of its task (one
    /// more hop than waking at once, as asyncio's timer callback sets a future whose
    /// done-callback wakes the task).
    pub(crate) fn fire(&mut self, slot: u32, generation: u32) -> LoopWaker {
        match self.slots.get_mut(slot as usize) {
            Some(entry) if entry.pending(generation) => {
                entry.phase = Phase::Fired;
                entry.waker.take()
            }
            _ => LoopWaker::default(),
        }
    }
}

/// Suspends the calling coroutine for `duration`: `asyncio.sleep`.
///
/// `sleep(Duration::ZERO)` is a plain yield: the task goes to the back of the ready queue and
/// everything scheduled before it runs first. A zero sleep works on any executor; a non-zero one
/// must be polled by a coro-loop event loop (it panics otherwise, saying so).
///
/// A non-zero sleep lasts at least `duration`, counted from when the step that first polled it
/// hands control back to the loop (the loop reads the clock once then for every sleep started
/// in that step), so code that keeps running in the same step after starting the sleep delays
/// its end by as much.
///
/// ```
/// use std::time::Duration;
/// coro_loop::run(async {
///     coro_loop::sleep(Duration::from_millis(1)).await;
/// });
/// ```
pub fn sleep(duration: Duration) -> Sleep {
    Sleep {
        duration,
        state: SleepState::Start,
    }
}

enum SleepState {
    Start,
    Yielded,
    /// Registered with the loop `loop_id`, in timer slot `slot` of generation `generation`.
    Waiting {
        loop_id: u32,
        slot: u32,
        generation: u32,
    },
    Done,
}

/// Future returned by [`sleep`].
#[must_use = "futures do nothing unless awaited"]
pub struct Sleep {
    duration: Duration,
    state: SleepState,
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("duration", &self.duration)
            .finish_non_exhaustive()
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.state {
            SleepState::Start if self.duration.is_zero() => {
                self.state = SleepState::Yielded;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            SleepState::Start => {
                let duration = self.duration;
                let registered = with_running_loop(|lp| {
                    let (slot, generation) = lp.timers.borrow_mut().add(duration, cx.waker(), lp);
                    lp.unstamped.set(true);
                    SleepState::Waiting {
                        loop_id: lp.id(),
                        slot,
                        generation,
                    }
                });
                let Some(registered) = registered else {
                    panic!(
                        "coro_loop::sleep({:?}) was polled outside a running coro-loop event loop \
                         (on another executor, or after the loop stopped); run the coroutine with \
                         coro_loop::run or EventLoop::run_until_complete, or use that executor's \
                         own timer (e.g. tokio::time::sleep)",
                        self.duration
                    );
                };
                self.state = registered;
                Poll::Pending
            }
            SleepState::Waiting {
                loop_id,
                slot,
                generation,
            } => {
                let fired = with_running(loop_id, |lp| {
                    let mut timers = lp.timers.borrow_mut();
                    match timers.slots.get_mut(slot as usize) {
                        Some(entry) if entry.pending(generation) => {
                            if !entry.waker.will_wake(cx.waker()) {
                                entry.waker.set(cx.waker(), lp);
                            }
                            false
                        }
                        Some(entry)
                            if entry.generation == generation && entry.phase == Phase::Fired =>
                        {
                            timers.release(slot, generation);
                            true
                        }
                        _ => true,
                    }
                });
                match fired {
                    Some(true) => {
                        self.state = SleepState::Done;
                        Poll::Ready(())
                    }
                    Some(false) => Poll::Pending,
                    None => panic!(
                        "coro_loop::sleep({:?}) was polled outside the event loop it started on; \
                         a sleep belongs to one running loop",
                        self.duration
                    ),
                }
            }
            SleepState::Yielded => {
                self.state = SleepState::Done;
                Poll::Ready(())
            }
            SleepState::Done => Poll::Ready(()),
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let SleepState::Waiting {
            loop_id,
            slot,
            generation,
        } = self.state
        {
            // Free the slot now if the loop is reachable (it runs on this thread, which is where
            // tasks are dropped). Otherwise the slot stays until the loop fires or drops it.
            let waker = with_running(loop_id, |lp| {
                lp.timers
                    .try_borrow_mut()
                    .ok()
                    .map(|mut t| t.release(slot, generation))
            });
            drop(waker);
        }
    }
}
