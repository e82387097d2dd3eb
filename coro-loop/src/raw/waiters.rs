//! [`WaiterSlot`]: a task's awaiters in one word.

use super::Header;
use super::waker::TaskWaker;
use core::cell::Cell;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::ptr::{self, NonNull};

/// What a [`WaiterSlot`] holds.
pub(crate) enum Waiters<E> {
    Empty,
    /// One awaiter, a coro-loop task.
    Task(TaskWaker),
    /// Anything more: several or foreign awaiters, or the task's rarely used fields.
    Boxed(Box<E>),
}

/// A one-word cell for a task's awaiters: empty, a coro-loop waker, or a box (tagged by the
/// lowest bit, which both pointers leave clear).
pub(crate) struct WaiterSlot<E> {
    word: Cell<*mut ()>,
    _owns: PhantomData<Box<E>>,
}

impl<E> WaiterSlot<E> {
    const BOX_TAG: usize = 1;

    pub(crate) const fn new() -> Self {
        const { assert!(align_of::<E>() > 1 && align_of::<Header>() > 1) };
        Self {
            word: Cell::new(ptr::null_mut()),
            _owns: PhantomData,
        }
    }

    /// Takes what the slot holds, leaving it empty.
    pub(crate) fn take(&self) -> Waiters<E> {
        let word = self.word.replace(ptr::null_mut());
        if word.is_null() {
            Waiters::Empty
        } else if word.addr() & Self::BOX_TAG != 0 {
            let raw = word.map_addr(|a| a & !Self::BOX_TAG).cast::<E>();
            // SAFETY: `set` stored this pointer from `Box::into_raw`, tagged; the slot owned
            // it and was cleared above, so the box has one owner again.
            Waiters::Boxed(unsafe { Box::from_raw(raw) })
        } else {
            let ptr = NonNull::new(word.cast::<Header>()).unwrap_or_else(|| unreachable!());
            Waiters::Task(TaskWaker { ptr })
        }
    }

    /// Stores `value`, dropping what was there.
    pub(crate) fn set(&self, value: Waiters<E>) {
        let word = match value {
            Waiters::Empty => ptr::null_mut(),
            Waiters::Task(waker) => ManuallyDrop::new(waker).ptr.as_ptr().cast(),
            Waiters::Boxed(boxed) => Box::into_raw(boxed)
                .cast::<()>()
                .map_addr(|a| a | Self::BOX_TAG),
        };
        let old = self.word.replace(word);
        if !old.is_null() {
            // Put the old value back into a slot of its own to drop it.
            let old = Self {
                word: Cell::new(old),
                _owns: PhantomData,
            };
            drop(old);
        }
    }
}

impl<E> Drop for WaiterSlot<E> {
    fn drop(&mut self) {
        drop(self.take());
    }
}
