//! Wakers: the `RawWakerVTable` of a task, [`TaskWaker`] (a waker in one word) and
//! [`LoopWaker`] (a waker the loop keeps on its own thread).

use super::runnable::Runnable;
use super::task_ref::TaskRef;
use super::{
    COMPLETE, CURRENT, Header, REF_ONE, RUNNING, SCHEDULED, WOKEN, add_local, drop_ref, inc_ref,
};
use crate::event_loop::{LoopInner, Shared};
use crate::task::TaskInfo;
use core::cell::Cell;
use core::mem::ManuallyDrop;
use core::ptr::{self, NonNull};
use core::sync::atomic::Ordering;
use core::task::{RawWaker, RawWakerVTable, Waker};

/// Wakes the task at `ptr`: schedules it unless it is scheduled, running (then the running
/// step requeues it) or done. With `owned`, the caller's reference is used up.
///
/// # Safety
/// The caller holds a reference to the task (given up if `owned`).
unsafe fn wake(ptr: NonNull<Header>, owned: bool) {
    // SAFETY: the caller's reference keeps the header alive.
    let header = unsafe { ptr.as_ref() };
    if CURRENT.with(Cell::get) == Some(ptr) {
        // The task wakes itself from inside its own poll, so this is the loop's thread and the
        // task is `RUNNING`: a plain flag tells `run` to requeue it.
        header.info.flags.set(header.info.flags.get() | WOKEN);
        if owned {
            // SAFETY: the caller gave us its reference; the running Runnable holds another.
            unsafe { drop_ref(ptr) };
        }
        return;
    }
    let mut state = header.state.load(Ordering::Acquire);
    loop {
        if state & (COMPLETE | SCHEDULED) != 0 {
            if owned {
                // SAFETY: the caller gave us its reference.
                unsafe { drop_ref(ptr) };
            }
            return;
        }
        let next = if state & RUNNING != 0 {
            // The running Runnable holds a reference, so this cannot reach zero.
            (state | SCHEDULED) - if owned { REF_ONE } else { 0 }
        } else if owned {
            // The caller's reference becomes the Runnable's.
            state | SCHEDULED
        } else {
            (state | SCHEDULED) + REF_ONE
        };
        match header
            .state
            .compare_exchange_weak(state, next, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) if state & RUNNING != 0 => return,
            Ok(_) => {
                Shared::schedule(Runnable { ptr });
                return;
            }
            Err(actual) => state = actual,
        }
    }
}

static WAKER_VTABLE: RawWakerVTable =
    RawWakerVTable::new(waker_clone, waker_wake, waker_wake_by_ref, waker_drop);

/// The `RawWaker` for the task at `ptr`; whoever turns it into a `Waker` owns one reference,
/// or must not drop it.
pub(super) fn raw_waker(ptr: NonNull<Header>) -> RawWaker {
    RawWaker::new(ptr.as_ptr().cast_const().cast(), &WAKER_VTABLE)
}

/// The header pointer inside one of our wakers' data.
fn header_of(data: *const ()) -> NonNull<Header> {
    // Only `raw_waker` makes `RawWaker`s with `WAKER_VTABLE`, from a non-null header pointer.
    NonNull::new(data.cast_mut().cast()).unwrap_or_else(|| unreachable!())
}

// The four `RawWakerVTable` functions. # Safety (all four): `data` comes from a `RawWaker`
// made by `raw_waker`, whose contract the `Waker` API upholds.

unsafe fn waker_clone(data: *const ()) -> RawWaker {
    let ptr = header_of(data);
    // SAFETY: the waker being cloned holds (or borrows from a Runnable) a reference.
    inc_ref(unsafe { ptr.as_ref() });
    raw_waker(ptr)
}

unsafe fn waker_wake(data: *const ()) {
    // SAFETY: `wake` consumes the waker, and its reference with it.
    unsafe { wake(header_of(data), true) };
}

unsafe fn waker_wake_by_ref(data: *const ()) {
    // SAFETY: the waker holds (or borrows) a reference for the duration of the call.
    unsafe { wake(header_of(data), false) };
}

unsafe fn waker_drop(data: *const ()) {
    // SAFETY: a dropped waker gives up the reference it owned.
    unsafe { drop_ref(header_of(data)) };
}

/// A coro-loop task's waker, stored in one word (it owns one reference).
pub(crate) struct TaskWaker {
    pub(super) ptr: NonNull<Header>,
}

impl TaskWaker {
    /// A counted reference to `task` (a waker for it, kept in one word).
    pub(crate) fn of(task: &TaskRef) -> Self {
        inc_ref(task.header());
        Self { ptr: task.ptr }
    }

    /// Whether this wakes `task`.
    pub(crate) fn is(&self, task: &TaskRef) -> bool {
        self.ptr == task.ptr
    }

    /// A task ref to the same task. Only on the task's loop thread, as every task ref.
    pub(crate) fn task_ref(&self) -> TaskRef {
        add_local(self.header());
        TaskRef { ptr: self.ptr }
    }

    /// The task's thread-bound bookkeeping. Only on the task's loop thread, as for a task ref.
    pub(crate) fn info(&self) -> &TaskInfo {
        &self.header().info
    }

    fn header(&self) -> &Header {
        // SAFETY: our reference keeps the block alive.
        unsafe { self.ptr.as_ref() }
    }

    /// A clone of `waker` if it is a coro-loop task's waker.
    pub(crate) fn from_waker(waker: &Waker) -> Option<Self> {
        if !ptr::eq(waker.vtable(), &raw const WAKER_VTABLE) {
            return None;
        }
        let ptr = header_of(waker.data());
        // SAFETY: a waker with our vtable points at a live task and holds (or borrows) a
        // reference to it.
        inc_ref(unsafe { ptr.as_ref() });
        Some(Self { ptr })
    }

    /// Whether waking `waker` would wake the same task.
    pub(crate) fn will_wake(&self, waker: &Waker) -> bool {
        ptr::eq(waker.vtable(), &raw const WAKER_VTABLE)
            && ptr::eq(waker.data(), self.ptr.as_ptr().cast_const().cast())
    }

    /// Wakes the task, giving up the reference.
    pub(crate) fn wake(self) {
        let this = ManuallyDrop::new(self);
        // SAFETY: we own one reference and hand it to `wake`.
        unsafe { wake(this.ptr, true) };
    }

    /// The same reference as an ordinary `Waker`.
    pub(crate) fn into_waker(self) -> Waker {
        let this = ManuallyDrop::new(self);
        // SAFETY: `raw_waker` with our vtable; the `Waker` takes over our reference.
        unsafe { Waker::from_raw(raw_waker(this.ptr)) }
    }
}

impl Drop for TaskWaker {
    fn drop(&mut self) {
        // SAFETY: we own one reference.
        unsafe { drop_ref(self.ptr) };
    }
}

/// A waker the loop keeps on its own thread (a timer's). For a task of that loop it is a task
/// ref, which costs no atomic operation to make or drop; anything else is a clone of the waker.
/// Changed in place, as two plain fields, so that making one moves no aggregate around.
#[derive(Default)]
pub(crate) struct LoopWaker {
    task: Option<TaskRef>,
    other: Option<Waker>,
}

impl LoopWaker {
    /// Replaces what is kept with `waker`, on the loop `lp` (so on its thread).
    pub(crate) fn set(&mut self, waker: &Waker, lp: &LoopInner) {
        if ptr::eq(waker.vtable(), &raw const WAKER_VTABLE) {
            let ptr = header_of(waker.data());
            // SAFETY: a waker with our vtable points at a live task and holds (or borrows) a
            // reference to it.
            let header = unsafe { ptr.as_ref() };
            if header.loop_id == lp.id() {
                // The task is `lp`'s and this is `lp`'s thread: a task ref may live here.
                add_local(header);
                self.task = Some(TaskRef { ptr });
                self.other = None;
                return;
            }
        }
        self.other = Some(waker.clone());
        self.task = None;
    }

    /// Takes what is kept, leaving nothing.
    pub(crate) fn take(&mut self) -> Self {
        Self {
            task: self.task.take(),
            other: self.other.take(),
        }
    }

    /// Whether waking `waker` would wake the same task.
    pub(crate) fn will_wake(&self, waker: &Waker) -> bool {
        match (&self.task, &self.other) {
            (Some(task), _) => {
                ptr::eq(waker.vtable(), &raw const WAKER_VTABLE)
                    && ptr::eq(waker.data(), task.ptr.as_ptr().cast_const().cast())
            }
            (None, Some(other)) => other.will_wake(waker),
            (None, None) => false,
        }
    }

    /// Wakes the task, if a waker is kept.
    pub(crate) fn wake(self) {
        if let Some(task) = self.task {
            // SAFETY: the task ref holds a reference for the call, and keeps it.
            unsafe { wake(task.ptr, false) };
        }
        if let Some(other) = self.other {
            other.wake();
        }
    }
}
