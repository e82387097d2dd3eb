//! The raw task: one allocation per task, and all of coro-loop's `unsafe` code.
//!
//! A task is a single heap block, a [`RawCell`]: the [`Header`] that every handle and waker
//! points at, followed by the [`Stage`], which holds the future, later its output, and finally
//! nothing. The header holds an atomic state word (flags and a reference count), a pointer to
//! the per-type [`VTable`], the id of the loop that owns the task, and the task's thread-bound
//! bookkeeping ([`TaskInfo`]: id, registry slot, outcome, awaiters), whose policy is `task.rs`'s.
//!
//! Who holds a reference:
//!
//! - a [`Runnable`]: the task is scheduled; at most one exists (the `SCHEDULED` bit);
//! - a [`Waker`](core::task::Waker) built by this module, and a [`TaskWaker`] (a waker stored in one word; a task
//!   also lists the tasks it awaits as these);
//! - a [`TaskRef`]: the loop's registry, `AnyTask`, `current_task`, the panicked list, a timer
//!   waiting to wake the task ([`LoopWaker`]), a handle's link to the task awaiting through it,
//!   and [`JoinRef`] (inside `Task<T>`, the one handle that can take the output).
//!
//! Runnables and wakers may be on any thread, so each counts one in the atomic state word.
//! Task refs live only on the loop's thread: they are counted in a plain `Cell` (`local`), and
//! together hold one reference in the state word while there are any, as `Rc`s inside an
//! `Arc` would. Making, cloning and dropping a handle, the registry adding and removing a
//! task, or a timer keeping the task's waker, is then no atomic operation.
//!
//! Polling a task changes the state word twice (to running, then back to idle or done). When
//! the word counts no reference but the running Runnable's and the task refs' (no waker is
//! out: the common case of a task that yields, sleeps or finishes in one step), no other
//! thread can reach the word, and the loop's thread changes it with a load and a store
//! instead of a read-modify-write ([`only_ours`]).
//!
//! A block whose last reference goes on its loop's thread while the loop runs is kept by the
//! loop ([`BlockCache`]) and reused for the next task of the same size, so that spawning and
//! finishing a task need not call the allocator.
//!
//! # Threads
//!
//! Futures are not `Send`. A task's future is created, polled and dropped only on the thread
//! of the loop that owns it: [`spawn`], [`Runnable::run`] and [`TaskRef::discard`] take a
//! `&LoopInner`, which is neither `Send` nor `Sync` and so exists only on its loop's thread, and
//! they check that the task belongs to that loop (loop ids are never reused). The output is
//! taken or dropped only through [`JoinRef`] (not `Send`) or by `run`. Wakers, though, are
//! `Send + Sync`, and a `Runnable` is `Send` (it travels through the loop's remote queue). Off
//! the loop's thread they touch only the state word, the loop id and the vtable; scheduling
//! goes through the loop's mutex-protected remote queue.
//!
//! So the last reference may be dropped on any thread. That is sound because by then the stage
//! is empty: the future is alive only while the task is pending, and a pending task is always
//! in its loop's registry (a reference on the loop's thread); the loop drops every pending
//! future on its own thread when it closes or is dropped ([`TaskRef::discard`]); and the output
//! is kept only while the `JoinRef` (a reference on the loop's thread) is alive. What else the
//! block holds (`TaskInfo`: wakers, strings, a panic payload) may be dropped anywhere. Should
//! the count ever reach zero with something still in the stage, the block is leaked rather than
//! dropped on the wrong thread (see [`RawCell::dealloc`]).
//!
//! The submodules hold the parts: `runnable` (the step the queues hold and the poll it runs),
//! `task_ref` (the loop thread's handles), `waker` (the `RawWakerVTable`, [`TaskWaker`] and
//! [`LoopWaker`]), `waiters` ([`WaiterSlot`]) and `cache` ([`BlockCache`]). This file keeps
//! the block itself, the state word and the reference count they all go through.
//!
//! The design follows async-task's `raw.rs` / `state.rs` and tokio's `runtime/task`: one
//! atomic word, a vtable per future type, a hand-written waker. It is smaller because one loop
//! thread does all the polling: only that thread sets `RUNNING`, `COMPLETE` and `CLOSED`.

#![deny(clippy::undocumented_unsafe_blocks)]

mod cache;
mod runnable;
mod task_ref;
mod waiters;
mod waker;

pub(crate) use cache::BlockCache;
pub(crate) use runnable::Runnable;
pub(crate) use task_ref::{JoinRef, TaskRef};
pub(crate) use waiters::{WaiterSlot, Waiters};
pub(crate) use waker::{LoopWaker, TaskWaker};

use crate::event_loop::{LoopInner, with_running};
use crate::task::{self, PanicPayload, TaskInfo};
use core::alloc::Layout;
use core::cell::{Cell, UnsafeCell};
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::ptr::{self, NonNull};
use core::sync::atomic::{AtomicUsize, Ordering};
use core::task::{Context, Poll};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// A [`Runnable`] exists (queued, or on its way to a queue). While `RUNNING` it means the task
/// was woken during its poll: the running `Runnable` goes back to the queue afterwards.
const SCHEDULED: usize = 1 << 0;
/// The loop thread has the stage borrowed: it is polling the future, or dropping it or the
/// output. Nothing else touches the stage meanwhile.
const RUNNING: usize = 1 << 1;
/// The future is gone (returned, panicked, or dropped by cancellation); it is never polled
/// again and wake-ups do nothing.
const COMPLETE: usize = 1 << 2;
/// Cancellation was asked: the next time the loop reaches the task it drops the future.
const CLOSED: usize = 1 << 3;
/// One reference; the count takes the bits above the flags.
const REF_ONE: usize = 1 << 4;
/// The reference-count bits.
const REF_MASK: usize = !(REF_ONE - 1);

/// The part of a task that is the same for every future type; the first field of [`RawCell`],
/// so a pointer to the cell is a pointer to its header.
#[repr(C)]
pub(crate) struct Header {
    /// Flags (the constants above) and the reference count.
    state: AtomicUsize,
    vtable: &'static VTable,
    /// The id of the loop that owns the task (unique for the life of the process; 32 bits,
    /// since `EventLoop` refuses to number more loops than that).
    loop_id: u32,
    /// How many [`TaskRef`]s there are (loop thread only); while non-zero they own one
    /// reference in `state` together.
    local: Cell<u32>,
    /// Only ever touched on the loop's thread, except when the last reference drops it. Its
    /// `flags` are this module's `HANDLE` and `WOKEN`: they sit in `TaskInfo`'s padding.
    info: TaskInfo,
}

// A task of a one-byte future is one 64-byte block (issue #6: ≤ 64 bytes per task beyond the
// coroutine's state). Every field added here must find room in padding, not grow the header.
const _: () = assert!(size_of::<Header>() <= 56);

/// Flag: the [`JoinRef`] is alive, so a finished task keeps its output for it.
const HANDLE: u8 = 1 << 0;
/// Flag: the task woke itself during its own poll, on the loop's thread (the common yield),
/// which `run` sees without an atomic operation.
const WOKEN: u8 = 1 << 1;

/// The functions that know the future's type.
struct VTable {
    /// Polls the future; on `Ready` or a panic, drops it and stores the output.
    poll: unsafe fn(NonNull<Header>, &mut Context<'_>) -> Polled,
    /// Drops what the stage holds (the future or the output), leaving it empty.
    drop_stage: unsafe fn(NonNull<Header>),
    /// Moves the output, if there, into the `Option<F::Output>` at the second argument.
    take_output: unsafe fn(NonNull<Header>, *mut ()),
    /// Frees the block (the last reference is gone).
    dealloc: unsafe fn(NonNull<Header>),
    /// The coroutine's name, for `Debug` and panic reports.
    coro_name: fn() -> &'static str,
}

/// The whole task block.
#[repr(C)]
struct RawCell<F: Future> {
    header: Header,
    stage: UnsafeCell<Stage<F>>,
}

/// What the task holds besides its header.
enum Stage<F: Future> {
    /// The future, pinned here until it is dropped in place.
    Running(F),
    /// The output, kept until the `JoinRef` takes or drops it.
    Finished(F::Output),
    /// Nothing.
    Consumed,
}

/// How a poll ended, as the vtable's `poll` reports it.
enum Polled {
    Pending,
    /// The future returned; its output is in the stage.
    Ready,
    /// The future panicked (or its destructor did, after it returned); the stage holds the
    /// output in the latter case, nothing in the former.
    Panicked(PanicPayload),
}

/// Names the vtable of a future type `F` spawned from an awaitable of type `A` (whose type
/// name is the coroutine's name).
struct VTableOf<F, A>(PhantomData<(F, A)>);

impl<F: Future + 'static, A> VTableOf<F, A> {
    const VTABLE: VTable = VTable {
        poll: RawCell::<F>::poll,
        drop_stage: RawCell::<F>::drop_stage,
        take_output: RawCell::<F>::take_output,
        dealloc: RawCell::<F>::dealloc,
        coro_name: task::coro_name::<A>,
    };
}

/// Creates task number `id` (the `N` of `Task-N`) for `future` on the loop `lp`: the
/// `Runnable` for its first step (not yet queued), a handle for the loop's registry, and the
/// typed handle. `A` is the awaitable type the coroutine's name is read from.
pub(crate) fn spawn<F, A>(
    future: F,
    lp: &LoopInner,
    id: u64,
) -> (Runnable, TaskRef, JoinRef<F::Output>)
where
    F: Future + 'static,
    F::Output: 'static,
{
    let layout = Layout::new::<RawCell<F>>();
    let block = lp
        .blocks
        .take(layout)
        .unwrap_or_else(|| BlockCache::alloc(layout));
    let cell = block.cast::<RawCell<F>>().as_ptr();
    // SAFETY: `block` is unused memory of `RawCell<F>`'s layout (fresh from the allocator or
    // a spare block of that layout), so writing every field of a cell into it overwrites
    // nothing live and leaves a whole cell. The fields are written one by one so that the
    // compiler stores each in place instead of assembling the cell on the stack first.
    unsafe {
        let header = &raw mut (*cell).header;
        // The Runnable's reference, and the one the two task refs share.
        (&raw mut (*header).state).write(AtomicUsize::new(SCHEDULED | (2 * REF_ONE)));
        (&raw mut (*header).vtable).write(&VTableOf::<F, A>::VTABLE);
        (&raw mut (*header).loop_id).write(lp.id());
        (&raw mut (*header).local).write(Cell::new(2));
        (&raw mut (*header).info).write(TaskInfo::new(id, HANDLE));
        (&raw mut (*cell).stage).write(UnsafeCell::new(Stage::Running(future)));
    }
    let ptr = block.cast::<Header>();
    (
        Runnable { ptr },
        TaskRef { ptr },
        JoinRef {
            task: TaskRef { ptr },
            _output: PhantomData,
        },
    )
}

impl<F: Future> RawCell<F> {
    /// The stage of the task at `ptr`.
    ///
    /// # Safety
    /// `ptr` must point to a live `RawCell<F>`.
    unsafe fn stage(ptr: NonNull<Header>) -> *mut Stage<F> {
        let cell = ptr.cast::<Self>().as_ptr();
        // SAFETY: the caller promises a live `RawCell<F>`; `UnsafeCell::raw_get` only computes
        // the field's address.
        unsafe { UnsafeCell::raw_get(&raw const (*cell).stage) }
    }

    /// # Safety
    /// `ptr` is a live `RawCell<F>` on its loop's thread, the caller holds `RUNNING`, and the
    /// stage holds the future.
    unsafe fn poll(ptr: NonNull<Header>, cx: &mut Context<'_>) -> Polled {
        // SAFETY: the caller promises a live `RawCell<F>`.
        let stage = unsafe { Self::stage(ptr) };
        let polled = catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: `RUNNING` gives this poll the only access to the stage, on the loop
            // thread; nothing else borrows it until the poll returns.
            let Stage::Running(fut) = (unsafe { &mut *stage }) else {
                unreachable!("a task's future was polled after it was dropped");
            };
            // SAFETY: the future is never moved: it lives in the heap block until it is
            // dropped in place by `drop_stage`.
            unsafe { Pin::new_unchecked(fut) }.poll(cx)
        }));
        match polled {
            Ok(Poll::Pending) => Polled::Pending,
            Ok(Poll::Ready(out)) => {
                // SAFETY: as above, the stage is ours and holds the future.
                let dropped = catch_unwind(AssertUnwindSafe(|| unsafe { Self::drop_stage(ptr) }));
                // SAFETY: `drop_stage` left the stage empty (even if the destructor panicked),
                // so writing over it leaks nothing.
                unsafe { stage.write(Stage::Finished(out)) };
                match dropped {
                    Ok(()) => Polled::Ready,
                    Err(payload) => Polled::Panicked(payload),
                }
            }
            Err(payload) => {
                // SAFETY: as above. A second panic, from the destructor, is dropped: the first
                // one is the task's.
                let second = catch_unwind(AssertUnwindSafe(|| unsafe { Self::drop_stage(ptr) }));
                drop(second);
                Polled::Panicked(payload)
            }
        }
    }

    /// # Safety
    /// `ptr` is a live `RawCell<F>` on its loop's thread, and the caller has exclusive access
    /// to the stage (it holds `RUNNING`, or the task is `COMPLETE` and not `RUNNING`).
    unsafe fn drop_stage(ptr: NonNull<Header>) {
        /// Marks the stage empty once its value is dropped, even if the destructor panics,
        /// so that nothing is dropped twice.
        struct Empty<F: Future>(*mut Stage<F>);
        impl<F: Future> Drop for Empty<F> {
            fn drop(&mut self) {
                // SAFETY: the stage's old value was dropped in place (or was `Consumed`);
                // `write` does not drop it again.
                unsafe { self.0.write(Stage::Consumed) };
            }
        }
        // SAFETY: the caller promises a live `RawCell<F>`.
        let stage = unsafe { Self::stage(ptr) };
        let _empty = Empty(stage);
        // SAFETY: the caller gives us exclusive access; dropping in place keeps the pinning
        // promise for the future (it is dropped where it was polled).
        unsafe { ptr::drop_in_place(stage) };
    }

    /// # Safety
    /// As for `drop_stage`, and `out` points to an `Option<F::Output>`.
    unsafe fn take_output(ptr: NonNull<Header>, out: *mut ()) {
        // SAFETY: the caller promises a live `RawCell<F>` and exclusive access to the stage.
        let stage = unsafe { &mut *Self::stage(ptr) };
        if matches!(stage, Stage::Finished(_)) {
            let Stage::Finished(value) = core::mem::replace(stage, Stage::Consumed) else {
                unreachable!()
            };
            // SAFETY: the caller promises `out` is an `Option<F::Output>`; `*out = ..` drops
            // the `None` that was there.
            unsafe { *out.cast::<Option<F::Output>>() = Some(value) };
        }
    }

    /// # Safety
    /// `ptr` is a `RawCell<F>` whose last reference was just released (with an acquire fence
    /// after it), so nothing else can reach it.
    unsafe fn dealloc(ptr: NonNull<Header>) {
        let cell = ptr.cast::<Self>().as_ptr();
        // SAFETY: nothing else can reach the block, so reading its stage races with nothing.
        let empty = matches!(unsafe { &*Self::stage(ptr) }, Stage::Consumed);
        if !empty {
            // Unreachable by the module's invariants (a live future or output implies a
            // reference on the loop's thread). This may be another thread, where the future
            // or output must not be dropped, so leak the block instead.
            debug_assert!(
                false,
                "a task's last reference dropped while it held a value"
            );
            return;
        }
        // SAFETY: nothing else can reach the block, and its header is alive until the drop.
        let loop_id = unsafe { (*cell).header.loop_id };
        // SAFETY: the block holds a `RawCell<F>` written by `spawn`, and this is the last
        // reference. Dropping it drops the header's `TaskInfo` (wakers, strings, a panic
        // payload: all `Send`) and an empty stage, so any thread may do it. Should a destructor
        // panic, the block leaks, which is safe.
        unsafe { ptr::drop_in_place(cell) };
        let layout = Layout::new::<Self>();
        let block = ptr.cast::<u8>();
        // On the owning loop's thread while it runs, the block is kept for the next task;
        // anywhere else (another thread, a loop that stopped or is gone) it is freed.
        let kept = with_running(loop_id, |lp| lp.blocks.put(layout, block)) == Some(true);
        if !kept {
            // SAFETY: the block came from `BlockCache::alloc` with this layout (through the
            // cache or not) and nothing refers to it any more.
            unsafe { BlockCache::free(block, layout) };
        }
    }
}

/// Adds a reference to the task at `ptr`.
fn inc_ref(header: &Header) {
    // Relaxed, as for `Arc::clone`: a new reference is made from an existing one, which keeps
    // the block alive.
    let prev = header.state.fetch_add(REF_ONE, Ordering::Relaxed);
    if prev > isize::MAX as usize {
        // Billions of references: something leaks wakers. Overflowing would free a live task.
        std::process::abort();
    }
}

/// Releases one reference to the task at `ptr`, freeing it if that was the last.
///
/// # Safety
/// The caller owns one reference to a live task and gives it up.
unsafe fn drop_ref(ptr: NonNull<Header>) {
    // SAFETY: the caller's reference keeps the header alive until the decrement.
    let header = unsafe { ptr.as_ref() };
    // The common end of a task: ours is the only reference left. Then no other thread holds
    // one, so none can add or drop one meanwhile, and a load (acquire: it sees everything done
    // through the references dropped before) decides without a read-modify-write.
    let last = header.state.load(Ordering::Acquire) & REF_MASK == REF_ONE || {
        let prev = header.state.fetch_sub(REF_ONE, Ordering::Release);
        // Pairs with every other reference's release decrement, as `Arc` does: everything done
        // through them happens before the block is freed.
        prev & REF_MASK == REF_ONE && {
            core::sync::atomic::fence(Ordering::Acquire);
            true
        }
    };
    if last {
        let dealloc = header.vtable.dealloc;
        // SAFETY: that was the last reference.
        unsafe { dealloc(ptr) };
    }
}

/// Adds a task ref to the task at `ptr`, from its loop's thread.
fn add_local(header: &Header) {
    let local = header.local.get();
    if local == 0 {
        // The first task ref: the task refs take a counted reference together.
        inc_ref(header);
    }
    let Some(next) = local.checked_add(1) else {
        std::process::abort();
    };
    header.local.set(next);
}

/// Whether the references counted in `state` are only those the loop's thread holds while it
/// runs a task's step: the Runnable's, and the one the task refs share if there are any
/// (`local` of them). Then no other thread can reach the state word: every other reference (a
/// waker, a `TaskWaker`) is counted, and a borrowed waker exists only during a poll. So the
/// loop's thread, between polls, may change the word with a load and a store instead of a
/// read-modify-write; whoever gets a reference later gets it through this thread, which orders
/// the store before anything they do.
fn only_ours(state: usize, local: u32) -> bool {
    let ours = if local == 0 { REF_ONE } else { 2 * REF_ONE };
    state & REF_MASK == ours
}

thread_local! {
    /// The task being polled on this thread. Holds no reference: it is set only while
    /// `Runnable::run` polls, and that Runnable's reference keeps the task alive.
    static CURRENT: Cell<Option<NonNull<Header>>> = const { Cell::new(None) };
}

/// Makes a task the current one for the duration of its poll, then restores the previous one.
struct CurrentTask(Option<NonNull<Header>>);

impl CurrentTask {
    fn enter(ptr: NonNull<Header>) -> Self {
        Self(CURRENT.with(|c| c.replace(Some(ptr))))
    }
}

impl Drop for CurrentTask {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.0));
    }
}

/// Whether `task` is the task being polled on this thread.
pub(crate) fn is_current(task: &TaskRef) -> bool {
    CURRENT.with(Cell::get) == Some(task.ptr)
}

/// The id of the loop whose task is being polled on this thread, if a task is.
pub(crate) fn current_loop_id() -> Option<u32> {
    let ptr = CURRENT.with(Cell::get)?;
    // SAFETY: as in `current`: the running Runnable keeps the task alive during its poll.
    let header = unsafe { ptr.as_ref() };
    Some(header.loop_id)
}

/// A handle to the task being polled on this thread, if any.
pub(crate) fn current() -> Option<TaskRef> {
    let ptr = CURRENT.with(Cell::get)?;
    // SAFETY: `CURRENT` is set only during a poll, while the running Runnable keeps the task
    // alive; this runs inside that poll, on the loop's thread.
    add_local(unsafe { ptr.as_ref() });
    Some(TaskRef { ptr })
}
