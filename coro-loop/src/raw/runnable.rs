//! [`Runnable`]: one scheduled step of a task, and the poll it runs.

use super::task_ref::TaskRef;
use super::waker::raw_waker;
use super::{
    CLOSED, COMPLETE, CurrentTask, HANDLE, Header, Polled, REF_ONE, RUNNING, SCHEDULED, WOKEN,
    drop_ref, only_ours,
};
use crate::event_loop::LoopInner;
use crate::task::{self, Outcome};
use core::mem::ManuallyDrop;
use core::ptr::NonNull;
use core::sync::atomic::Ordering;
use core::task::{Context, Waker};

/// One step of a scheduled task: what the ready queues hold. Owns one reference.
pub(crate) struct Runnable {
    pub(super) ptr: NonNull<Header>,
}

// SAFETY: a Runnable is only a counted pointer; off the loop's thread it is only moved or
// dropped (`drop_ref` touches only the atomic state, and frees only an empty block). Running
// it needs a `&LoopInner` of the owning loop, which exists only on that loop's thread.
unsafe impl Send for Runnable {}

impl Runnable {
    fn header(&self) -> &Header {
        // SAFETY: our reference keeps the block alive.
        unsafe { self.ptr.as_ref() }
    }

    /// The id of the loop that owns the task.
    pub(crate) fn loop_id(&self) -> u32 {
        self.header().loop_id
    }

    /// Turns the Runnable into a task ref, on the task's loop `lp`.
    fn into_task_ref(self, lp: &LoopInner) -> TaskRef {
        let header = self.header();
        assert_eq!(
            header.loop_id,
            lp.id(),
            "coro-loop: a task was run by a loop that does not own it"
        );
        let local = header.local.get();
        if local == 0 {
            // The Runnable's counted reference becomes the one the task refs share.
            header.local.set(1);
            let this = ManuallyDrop::new(self);
            TaskRef { ptr: this.ptr }
        } else {
            // The task refs already hold one; the Runnable's goes when `self` drops here.
            header.local.set(local + 1);
            TaskRef { ptr: self.ptr }
        }
    }

    /// Polls the task once, on its loop `lp`; then requeues it if it was woken meanwhile,
    /// records its outcome if it finished, or drops its future if it was cancelled.
    pub(crate) fn run(self, lp: &LoopInner) {
        let ptr = self.ptr;
        // SAFETY: the Runnable's reference, or the task ref it becomes, keeps the block alive
        // until this function returns.
        let header = unsafe { ptr.as_ref() };
        assert_eq!(
            header.loop_id,
            lp.id(),
            "coro-loop: a task was run by a loop that does not own it"
        );
        let mut state = header.state.load(Ordering::Acquire);
        loop {
            if state & COMPLETE != 0 {
                // Already finished or dropped (say, discarded while this step was queued).
                return;
            }
            if state & CLOSED != 0 {
                self.into_task_ref(lp).discard(lp);
                return;
            }
            let next = (state & !SCHEDULED) | RUNNING;
            if only_ours(state, header.local.get()) {
                // No other thread can touch the word (see `only_ours`): a store will do.
                header.state.store(next, Ordering::Relaxed);
                break;
            }
            match header.state.compare_exchange_weak(
                state,
                next,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(actual) => state = actual,
            }
        }
        let polled = {
            // The Runnable's reference keeps the task alive for the poll, so this borrowed
            // waker owns none and must not be dropped.
            // SAFETY: `raw_waker` with our vtable: the functions' contract holds.
            let waker = ManuallyDrop::new(unsafe { Waker::from_raw(raw_waker(ptr)) });
            let mut cx = Context::from_waker(&waker);
            let _current = CurrentTask::enter(ptr);
            let poll = header.vtable.poll;
            // SAFETY: we set `RUNNING` above, are on the loop's thread (checked), and the stage
            // holds the future (`COMPLETE` was not set).
            unsafe { poll(ptr, &mut cx) }
        };
        let flags = header.info.flags.get();
        header.info.flags.set(flags & !WOKEN);
        match polled {
            Polled::Pending => {
                let now = header.state.load(Ordering::Acquire);
                let prev = if only_ours(now, header.local.get()) {
                    // Nobody else holds a reference, now that the poll's borrowed waker is
                    // gone: a store will do.
                    let woken = if flags & WOKEN == 0 { 0 } else { SCHEDULED };
                    header
                        .state
                        .store((now & !RUNNING) | woken, Ordering::Relaxed);
                    now
                } else if flags & WOKEN == 0 {
                    header.state.fetch_and(!RUNNING, Ordering::AcqRel)
                } else {
                    // Woke itself: the Runnable goes back to the queue, so `SCHEDULED` says so
                    // before another thread can see the task idle.
                    let set = |s| Some((s & !RUNNING) | SCHEDULED);
                    let prev = header
                        .state
                        .fetch_update(Ordering::AcqRel, Ordering::Acquire, set);
                    prev.unwrap_or_else(|s| s)
                };
                if prev & CLOSED != 0 {
                    // Cancelled during its own step.
                    self.into_task_ref(lp).discard(lp);
                } else if prev & SCHEDULED != 0 || flags & WOKEN != 0 {
                    // Woken during the step: back to the queue, once.
                    lp.schedule_local(self);
                }
            }
            Polled::Ready | Polled::Panicked(_) => {
                let outcome = match polled {
                    Polled::Panicked(payload) => Outcome::Panicked(payload),
                    _ => Outcome::Returned,
                };
                // Join the task refs for `finish`, and in the same atomic operation that marks
                // the task complete give up the Runnable's reference if they already hold one.
                let local = header.local.get();
                let release = if local == 0 { 0 } else { REF_ONE };
                header.local.set(local + 1);
                let this = ManuallyDrop::new(self);
                let done = |s| ((s & !RUNNING) | COMPLETE) - release;
                let now = header.state.load(Ordering::Acquire);
                if only_ours(now, local) {
                    header.state.store(done(now), Ordering::Relaxed);
                } else {
                    let _ = header
                        .state
                        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |s| Some(done(s)));
                }
                let task = TaskRef { ptr: this.ptr };
                task::finish(&task, lp, outcome);
                if task.header().info.flags.get() & HANDLE == 0 {
                    // Nobody can take the output: drop it now, here on the loop's thread.
                    // SAFETY: `COMPLETE` and not `RUNNING`: the stage is ours on this thread.
                    unsafe { (task.header().vtable.drop_stage)(task.ptr) };
                }
            }
        }
    }

    /// Disposes of a queued step of a loop that is shutting down: drops the task's future, if
    /// it still has one, as cancellation does.
    pub(crate) fn discard(self, lp: &LoopInner) {
        self.into_task_ref(lp).discard(lp);
    }
}

impl Drop for Runnable {
    fn drop(&mut self) {
        // A Runnable dropped without running (its loop is gone or going): only the reference
        // goes. The `SCHEDULED` bit stays, so the task is never queued again; its future was
        // (or will be) dropped on the loop's thread by `TaskRef::discard`.
        // SAFETY: we own one reference.
        unsafe { drop_ref(self.ptr) };
    }
}
