//! The handles the loop's thread holds: [`TaskRef`] (counted in the header's `local`) and
//! [`JoinRef`] (the one that takes the output).

use super::runnable::Runnable;
use super::{CLOSED, COMPLETE, HANDLE, Header, REF_ONE, RUNNING, SCHEDULED, add_local, drop_ref};
use crate::event_loop::{LoopInner, Shared};
use crate::task::{self, Outcome, TaskInfo};
use core::marker::PhantomData;
use core::ptr::NonNull;
use core::sync::atomic::Ordering;

/// A handle to a task for its loop's thread (neither `Send` nor `Sync`), counted in the
/// header's `local` count.
pub(crate) struct TaskRef {
    pub(super) ptr: NonNull<Header>,
}

impl Clone for TaskRef {
    fn clone(&self) -> Self {
        add_local(self.header());
        Self { ptr: self.ptr }
    }
}

impl Drop for TaskRef {
    fn drop(&mut self) {
        let header = self.header();
        let local = header.local.get() - 1;
        header.local.set(local);
        if local == 0 {
            // SAFETY: the last task ref gives up the reference the task refs shared.
            unsafe { drop_ref(self.ptr) };
        }
    }
}

impl TaskRef {
    pub(crate) fn header(&self) -> &Header {
        // SAFETY: our reference keeps the block alive.
        unsafe { self.ptr.as_ref() }
    }

    /// The task's thread-bound bookkeeping.
    pub(crate) fn info(&self) -> &TaskInfo {
        &self.header().info
    }

    /// The name of the coroutine the task runs.
    pub(crate) fn coro_name(&self) -> &'static str {
        (self.header().vtable.coro_name)()
    }

    /// Whether both handles refer to the same task.
    pub(crate) fn same(&self, other: &TaskRef) -> bool {
        self.ptr == other.ptr
    }

    /// The id of the loop that owns the task.
    pub(crate) fn loop_id(&self) -> u32 {
        self.header().loop_id
    }

    /// Asks for cancellation: the next time the loop reaches the task, its future is dropped.
    /// With `schedule`, an idle task is scheduled so that the loop reaches it soon; without,
    /// it is left for its next wake-up (the caller knows one is coming). Does nothing if the
    /// task is done or already cancelled.
    pub(crate) fn cancel(&self, schedule: bool) {
        let header = self.header();
        let mut state = header.state.load(Ordering::Acquire);
        loop {
            if state & (COMPLETE | CLOSED) != 0 {
                return;
            }
            let queue = schedule && state & (SCHEDULED | RUNNING) == 0;
            let next = if queue {
                (state | CLOSED | SCHEDULED) + REF_ONE
            } else {
                state | CLOSED
            };
            match header.state.compare_exchange_weak(
                state,
                next,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => {
                    if queue {
                        Shared::schedule(Runnable { ptr: self.ptr });
                    }
                    return;
                }
                Err(actual) => state = actual,
            }
        }
    }

    /// Drops the task's future now, on its loop `lp`, unless it is gone or being polled, and
    /// records the task as cancelled. What a cancelled task's step does; also how a closing
    /// loop disposes of every pending task, wherever its `Runnable` is.
    pub(crate) fn discard(&self, lp: &LoopInner) {
        /// Ends the discard even if the future's destructor panics: the stage is released and
        /// the task recorded as cancelled (waking whoever awaits it), then the panic goes on.
        struct Finish<'a> {
            task: &'a TaskRef,
            lp: &'a LoopInner,
        }
        impl Drop for Finish<'_> {
            fn drop(&mut self) {
                self.task
                    .header()
                    .state
                    .fetch_and(!RUNNING, Ordering::AcqRel);
                task::finish(self.task, self.lp, Outcome::Cancelled);
            }
        }
        let header = self.header();
        assert_eq!(
            header.loop_id,
            lp.id(),
            "coro-loop: a task was dropped by a loop that does not own it"
        );
        let mut state = header.state.load(Ordering::Acquire);
        loop {
            if state & (COMPLETE | RUNNING) != 0 {
                return;
            }
            let next = state | CLOSED | COMPLETE | RUNNING;
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
        let _finish = Finish { task: self, lp };
        // SAFETY: we set `RUNNING` (so the stage is ours) on the loop's thread (checked above).
        unsafe { (header.vtable.drop_stage)(self.ptr) };
    }
}

/// The handle that may take the task's output (inside `Task<T>`; there is one per task).
pub(crate) struct JoinRef<T> {
    pub(super) task: TaskRef,
    /// `fn() -> T`: the output is only ever handed out, and the handle stays `Unpin` like
    /// the `Rc` it replaces, whatever `T` is.
    pub(super) _output: PhantomData<fn() -> T>,
}

impl<T> JoinRef<T> {
    pub(crate) fn task(&self) -> &TaskRef {
        &self.task
    }

    /// The output, if the task finished and it was not taken yet.
    pub(crate) fn take_output(&self) -> Option<T> {
        let header = self.task.header();
        let state = header.state.load(Ordering::Acquire);
        if state & (COMPLETE | RUNNING) != COMPLETE {
            return None;
        }
        let mut out: Option<T> = None;
        // SAFETY: `COMPLETE` and not `RUNNING`, on the loop's thread (a `JoinRef` never leaves
        // it): the stage is ours for the call. `spawn` made this `JoinRef<T>` with
        // `T = F::Output` for the vtable's `F`, so `out` has the type `take_output` expects.
        unsafe { (header.vtable.take_output)(self.task.ptr, (&raw mut out).cast()) };
        out
    }
}

impl<T> Drop for JoinRef<T> {
    fn drop(&mut self) {
        let header = self.task.header();
        header.info.flags.set(header.info.flags.get() & !HANDLE);
        if header.state.load(Ordering::Acquire) & (COMPLETE | RUNNING) == COMPLETE {
            // SAFETY: `COMPLETE` and not `RUNNING`, on the loop's thread: the stage is ours.
            // It holds the output or nothing; the future is gone.
            unsafe { (header.vtable.drop_stage)(self.task.ptr) };
        }
        // If the task is still running, `run` sees `HANDLE` clear and drops the output itself.
    }
}
