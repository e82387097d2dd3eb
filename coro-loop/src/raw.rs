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
//! - a [`Waker`] built by this module, and a [`TaskWaker`] (a waker stored in one word; a task
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
//! The design follows async-task's `raw.rs` / `state.rs` and tokio's `runtime/task`: one
//! atomic word, a vtable per future type, a hand-written waker. It is smaller because one loop
//! thread does all the polling: only that thread sets `RUNNING`, `COMPLETE` and `CLOSED`.

#![deny(clippy::undocumented_unsafe_blocks)]

use crate::event_loop::{LoopInner, Shared, with_running};
use crate::task::{self, Outcome, PanicPayload, TaskInfo};
use core::alloc::Layout;
use core::cell::{Cell, RefCell, UnsafeCell};
use core::future::Future;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::pin::Pin;
use core::ptr::{self, NonNull};
use core::sync::atomic::{AtomicUsize, Ordering};
use core::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};
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

/// The largest task block a loop keeps for reuse, in bytes.
const SPARE_MAX_SIZE: usize = 512;

/// Spare task blocks of one loop: a block whose last reference goes on the loop's thread while
/// the loop runs is kept here, by size, and the next task of that size is built in it instead
/// of in a fresh allocation. Spawning and finishing a task then calls the allocator not at all.
///
/// Only blocks with the header's alignment and at most [`SPARE_MAX_SIZE`] bytes are kept.
/// What a run of the loop did not reuse is freed when the run ends ([`BlockCache::trim`]), and
/// everything when the loop is dropped; so a loop keeps at most as many spare blocks as it had
/// tasks alive at once during its last run.
#[derive(Default)]
pub(crate) struct BlockCache {
    /// `bins[i]` holds blocks of `(i + 1) * align_of::<Header>()` bytes.
    bins: RefCell<Vec<Bin>>,
}

#[derive(Default)]
struct Bin {
    blocks: Vec<NonNull<u8>>,
    /// The fewest blocks the bin held since the last trim: the ones below it were not needed.
    low: usize,
}

impl BlockCache {
    /// The bin of blocks of `layout`, if such blocks are kept.
    fn bin_of(layout: Layout) -> Option<usize> {
        let unit = align_of::<Header>();
        (layout.align() == unit && layout.size() <= SPARE_MAX_SIZE)
            .then(|| (layout.size() / unit).saturating_sub(1))
    }

    /// A fresh block of `layout` from the global allocator.
    fn alloc(layout: Layout) -> NonNull<u8> {
        // SAFETY: `layout` is a `RawCell`'s, whose size is not zero (the header has fields).
        let block = unsafe { std::alloc::alloc(layout) };
        NonNull::new(block).unwrap_or_else(|| std::alloc::handle_alloc_error(layout))
    }

    /// Gives a block back to the global allocator.
    ///
    /// # Safety
    /// `block` came from [`BlockCache::alloc`] with `layout`, and nothing uses it any more.
    unsafe fn free(block: NonNull<u8>, layout: Layout) {
        // SAFETY: the caller's promise is `dealloc`'s contract.
        unsafe { std::alloc::dealloc(block.as_ptr(), layout) };
    }

    /// A spare block of `layout`, if there is one.
    fn take(&self, layout: Layout) -> Option<NonNull<u8>> {
        let i = Self::bin_of(layout)?;
        let mut bins = self.bins.try_borrow_mut().ok()?;
        let bin = bins.get_mut(i)?;
        let block = bin.blocks.pop()?;
        bin.low = bin.low.min(bin.blocks.len());
        Some(block)
    }

    /// Keeps `block`, a block of `layout` that nothing uses any more, for reuse. `false` if it
    /// is not kept: the caller frees it.
    fn put(&self, layout: Layout, block: NonNull<u8>) -> bool {
        let Some(i) = Self::bin_of(layout) else {
            return false;
        };
        let Ok(mut bins) = self.bins.try_borrow_mut() else {
            return false;
        };
        if bins.len() <= i {
            bins.resize_with(i + 1, Bin::default);
        }
        bins[i].blocks.push(block);
        true
    }

    /// Frees the spare blocks that were not reused since the last trim (called when a run of
    /// the loop ends).
    pub(crate) fn trim(&self) {
        let Ok(mut bins) = self.bins.try_borrow_mut() else {
            return;
        };
        let unit = align_of::<Header>();
        for (i, bin) in bins.iter_mut().enumerate() {
            let low = bin.low.min(bin.blocks.len());
            if low > 0 {
                // Built from the same values as a `RawCell` layout of this bin, so valid.
                let layout = Layout::from_size_align((i + 1) * unit, unit)
                    .unwrap_or_else(|_| unreachable!());
                for block in bin.blocks.drain(..low) {
                    // SAFETY: every block in a bin came from `alloc` with this bin's layout,
                    // and a kept block is used by nothing.
                    unsafe { Self::free(block, layout) };
                }
            }
            bin.low = bin.blocks.len();
        }
    }
}

impl Drop for BlockCache {
    fn drop(&mut self) {
        for bin in self.bins.get_mut() {
            bin.low = bin.blocks.len();
        }
        self.trim();
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
fn raw_waker(ptr: NonNull<Header>) -> RawWaker {
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

/// One step of a scheduled task: what the ready queues hold. Owns one reference.
pub(crate) struct Runnable {
    ptr: NonNull<Header>,
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

/// A handle to a task for its loop's thread (neither `Send` nor `Sync`), counted in the
/// header's `local` count.
pub(crate) struct TaskRef {
    ptr: NonNull<Header>,
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
    task: TaskRef,
    /// `fn() -> T`: the output is only ever handed out, and the handle stays `Unpin` like
    /// the `Rc` it replaces, whatever `T` is.
    _output: PhantomData<fn() -> T>,
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

/// A coro-loop task's waker, stored in one word (it owns one reference).
pub(crate) struct TaskWaker {
    ptr: NonNull<Header>,
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
