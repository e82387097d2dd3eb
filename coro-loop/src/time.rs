//! Clocks, the timer heap and `sleep`.

use crate::event_loop::{LoopInner, running_loop};
use core::cell::Cell;
use core::cmp::Ordering;
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use core::time::Duration;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex, PoisonError};
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

/// What a timer and the sleep that set it share. `Send + Sync` because the fired timer travels
/// through the loop's ready queue, which other threads push to.
pub(crate) struct TimerSlot {
    fired: AtomicBool,
    cancelled: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl TimerSlot {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Waker>> {
        self.waker.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancelled.load(AtomicOrdering::Acquire)
    }

    /// Runs as a ready-queue item: marks the sleep done and wakes its task (one more hop, as
    /// asyncio's timer callback sets a future whose done-callback wakes the task).
    pub(crate) fn fire(&self) {
        self.fired.store(true, AtomicOrdering::Release);
        let waker = self.lock().take();
        if let Some(w) = waker {
            w.wake();
        }
    }
}

/// An entry of the timer heap, ordered by deadline, then by creation (FIFO tie-break).
pub(crate) struct TimerEntry {
    pub(crate) deadline: Duration,
    pub(crate) seq: u64,
    pub(crate) slot: Arc<TimerSlot>,
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

/// Suspends the calling coroutine for `duration`: `asyncio.sleep`.
///
/// `sleep(Duration::ZERO)` is a plain yield: the task goes to the back of the ready queue and
/// everything scheduled before it runs first. A zero sleep works on any executor; a non-zero one
/// must be polled by a coro-loop event loop (it panics otherwise, saying so).
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
    Waiting(Arc<TimerSlot>),
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
        match &self.state {
            SleepState::Start if self.duration.is_zero() => {
                self.state = SleepState::Yielded;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            SleepState::Start => {
                let Some(lp) = running_loop() else {
                    panic!(
                        "coro_loop::sleep({:?}) was polled outside a running coro-loop event loop \
                         (on another executor, or after the loop stopped); run the coroutine with \
                         coro_loop::run or EventLoop::run_until_complete, or use that executor's \
                         own timer (e.g. tokio::time::sleep)",
                        self.duration
                    );
                };
                let slot = Arc::new(TimerSlot {
                    fired: AtomicBool::new(false),
                    cancelled: AtomicBool::new(false),
                    waker: Mutex::new(Some(cx.waker().clone())),
                });
                LoopInner::add_timer(&lp, self.duration, Arc::clone(&slot));
                self.state = SleepState::Waiting(slot);
                Poll::Pending
            }
            SleepState::Waiting(slot) => {
                if slot.fired.load(AtomicOrdering::Acquire) {
                    self.state = SleepState::Done;
                    return Poll::Ready(());
                }
                let mut waker = slot.lock();
                match &*waker {
                    Some(w) if w.will_wake(cx.waker()) => {}
                    _ => *waker = Some(cx.waker().clone()),
                }
                Poll::Pending
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
        if let SleepState::Waiting(slot) = &self.state {
            // Leave the heap entry in place; the loop skips cancelled entries.
            slot.cancelled.store(true, AtomicOrdering::Release);
            let waker = slot.lock().take();
            drop(waker);
        }
    }
}
