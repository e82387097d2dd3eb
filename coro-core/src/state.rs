//! The pinning primitives of a generated state enum: the only `unsafe` code of a coroutine.
//!
//! Each state variant a coroutine can be suspended in holds at most one pinned field, the
//! awaited future (`__fut`); everything else in it (the stored locals) is never pinned. The
//! generated step function reads which variant the enum is through [`pinned_arm`] (in place,
//! never through `&` to the whole state, which would disturb a self-referential future inside;
//! see there), and needs two operations that reach into it, which these macros give it (as
//! `macro_rules!` of this crate, so that a user crate with `#![forbid(unsafe_code)]` can still
//! use `#[coroutine]`: lints do not look into another crate's macros):
//!
//! - [`resume_state!`](crate::__coro_resume_state): poll the variant's future in place
//!   (returning `Poll::Pending` from the step while it is pending), then, once it is ready,
//!   move the unpinned fields out, drop the future in place, and leave the `__Running`
//!   variant behind;
//! - [`take_state!`](crate::__coro_take_state): the same for a variant without a future (the
//!   arguments, or a generator's suspension).
//!
//! Why this is sound (structural pinning of `__fut` only):
//! - the future is never moved after it is first polled: it is built directly into its
//!   variant (`Pin::set`), polled through `resume_state!`, and dropped in place, by
//!   `resume_state!`, by `Pin::set` replacing the variant, or by the enum's own drop glue;
//! - the enum has no `Drop` impl (it is a local type of the generated function, which the
//!   user cannot name), so dropping it drops the future in place;
//! - the enum is `Unpin` only when every field is (the auto trait), the future included;
//!   except a generator's (`yield = ..` without `.await`), which has no future at all: every
//!   field is a local, moved in at a `yield_!` and out by `take_state!`, so the macro declares
//!   that enum `Unpin` unconditionally (and the generator is an `Iterator` over any type);
//! - the locals are not structurally pinned: moving them out of a pinned enum is allowed.
//!
//! Replacing `pin-project-lite` with these macros removed the projection types, the
//! `Unpin` impl and the drop guard it generated per coroutine (BENCHMARKS.md, compile time).
#![allow(unsafe_code)]
#![deny(clippy::undocumented_unsafe_blocks)]

use crate::frame::{Life, Phase};
use core::pin::Pin;

/// Implemented by each generated state enum (the life cycle and the dispatch read it; the
/// frames in `frame.rs` use it).
#[doc(hidden)]
pub trait StateEnum: Sized {
    /// The name and the life-cycle variants, in one constant rather than four: each associated
    /// item of the generated impl is an item of its own to rustc, with its own queries and
    /// dependency-graph entries on every check (BENCHMARKS.md, compile time).
    const LIFE: Life<Self>;
    /// The rank of the step's arm that resumes the variant `this` points at (its number; the
    /// entry `S0` is 0), for the step's dispatch; for the life-cycle variants, which have no
    /// arm, [`DONE_ARM`](crate::frame::DONE_ARM), [`PANICKED_ARM`](crate::frame::PANICKED_ARM)
    /// or [`RUNNING_ARM`](crate::frame::RUNNING_ARM). Callers go through [`pinned_arm`] and
    /// [`shared_arm`].
    ///
    /// A raw pointer rather than `&self`, so that a pinned state can be asked without making a
    /// shared reference to the whole of it (see `pinned_arm` for why that matters).
    ///
    /// # Safety
    /// `this` must point to a live value of `Self`, valid for reads. Implementations read only
    /// the discriminant (the generated one is a `match *this` whose patterns bind nothing).
    unsafe fn arm_at(this: *const Self) -> usize;
}

/// On drop, writes `value` to `target` without dropping what `target` held: the old value's
/// fields have been moved out or dropped in place already.
#[doc(hidden)]
pub struct OverwriteOnDrop<T> {
    target: *mut T,
    value: core::mem::ManuallyDrop<T>,
}

impl<T> OverwriteOnDrop<T> {
    /// # Safety
    /// `target` must be valid for writes until the guard drops, and what it holds then must
    /// not be dropped again (every field moved out or dropped in place).
    #[inline]
    pub unsafe fn new(target: *mut T, value: T) -> Self {
        Self {
            target,
            value: core::mem::ManuallyDrop::new(value),
        }
    }
}

impl<S: StateEnum> OverwriteOnDrop<S> {
    /// A guard that leaves `__Running` (`S::LIFE.running`) in `target`: through the trait, so
    /// that the expansion does not name the generic enum once more (each mention costs rustc
    /// inference work).
    ///
    /// # Safety
    /// As for [`OverwriteOnDrop::new`].
    #[inline]
    pub unsafe fn running(target: *mut S) -> Self {
        // SAFETY: the caller's contract is `new`'s.
        unsafe { Self::new(target, S::LIFE.running) }
    }
}

impl<T> Drop for OverwriteOnDrop<T> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: `new`'s contract: `target` is valid for writes and its old value is dead;
        // `value` is taken exactly once, here.
        unsafe {
            core::ptr::write(self.target, core::mem::ManuallyDrop::take(&mut self.value));
        }
    }
}

/// The rank of the arm that resumes the variant of the pinned `state` ([`StateEnum::arm_at`]).
///
/// Read through the pinned `&mut`, never through a shared reference to the whole state. The
/// awaited future may be a rustc `async` block that holds a borrow of its own locals across
/// its suspension; under Stacked Borrows, making `&` to memory that contains it is a read of
/// all its bytes, which invalidates that borrow, and the future's next poll would use it (Miri
/// reports it: `coro-core/tests/self_referential.rs`). A `&mut` to a `!Unpin` value, which a
/// state holding such a future is, is not retagged, and reading the discriminant through a
/// raw pointer touches nothing else. rustc's own lowering reads its discriminant in place too.
#[doc(hidden)]
#[inline]
pub fn pinned_arm<S: StateEnum>(state: Pin<&mut S>) -> usize {
    // SAFETY: nothing is moved out of the state: the `&mut` only becomes a pointer to read
    // the discriminant through. (`*mut`: coercing the `&mut` straight to `*const` would go
    // through a shared reborrow of the whole state, the very thing to avoid.)
    let this: *mut S = unsafe { Pin::get_unchecked_mut(state) };
    // SAFETY: `this` comes from a live `&mut` to a value of `S`.
    unsafe { S::arm_at(this) }
}

/// [`Phase`] of the pinned `state`, read as [`pinned_arm`] reads it.
#[doc(hidden)]
#[inline]
pub fn pinned_phase<S: StateEnum>(state: Pin<&mut S>) -> Phase {
    Phase::of_arm(pinned_arm(state))
}

/// The rank of `state`'s arm, for what is asked through `&self` (a frame's `state()`).
#[inline]
pub(crate) fn shared_arm<S: StateEnum>(state: &S) -> usize {
    // SAFETY: `state` is a live reference.
    unsafe { S::arm_at(state) }
}

/// Resumes the current variant `$Enum::$Var` of the pinned `$state`: polls its future `$fut`
/// in place and, while it is pending, returns `Poll::Pending` from the step (the same value
/// for a coroutine and an async generator); once it is ready, takes the variant as
/// `take_state!` does, dropping the future in place, and evaluates to `(output, fields)`.
/// The dispatch has matched the variant already: right after a `set` to it, the check folds.
#[doc(hidden)]
#[macro_export]
macro_rules! __coro_resume_state {
    ($state:expr, $cx:expr, $Enum:ident :: $Var:ident { $fut:ident ; $($field:ident),* }) => {{
        // SAFETY: see the module docs of `coro_core::state`: only `$fut` is structurally
        // pinned, and it is polled here in place, never moved.
        let __this: *mut _ = unsafe { $crate::__private::Pin::get_unchecked_mut($state.as_mut()) };
        // SAFETY: `__this` comes from a live `&mut`. `$fut` is polled where it lies. Once it is
        // ready, each unpinned field is read exactly once, `$fut` is dropped in place, and the
        // old value is then overwritten without being dropped (`OverwriteOnDrop`). The variant
        // is `$Var` (see `other_variant`).
        unsafe {
            match &mut *__this {
                $Enum::$Var { $fut, $($field),* } => {
                    let __output = match $crate::__private::Future::poll(
                        $crate::__private::Pin::new_unchecked(&mut *$fut),
                        $cx,
                    ) {
                        $crate::__private::Poll::Ready(output) => output,
                        $crate::__private::Poll::Pending => {
                            return $crate::__private::Poll::Pending;
                        }
                    };
                    let __taken = ($(::core::ptr::read($field),)*);
                    let __running = $crate::__private::OverwriteOnDrop::running(__this);
                    ::core::ptr::drop_in_place($fut);
                    ::core::mem::drop(__running);
                    (__output, __taken)
                }
                _ => $crate::__private::other_variant(),
            }
        }
    }};
}

/// Takes the current variant `$Enum::$Var` (one without a future) out of the pinned `$state`:
/// evaluates to the tuple of its fields `$field`s (moved out) and leaves the `__Running`
/// variant behind.
#[doc(hidden)]
#[macro_export]
macro_rules! __coro_take_state {
    ($state:expr, $Enum:ident :: $Var:ident { $($field:ident),* }) => {{
        // SAFETY: as in `resume_state!`: nothing but a future is structurally pinned, and this
        // variant has none.
        let __this: *mut _ = unsafe { $crate::__private::Pin::get_unchecked_mut($state.as_mut()) };
        // SAFETY: `__this` comes from a live `&mut`; the variant is `$Var` (the dispatch
        // matched it, see `other_variant`); each field is read exactly once and the old value
        // is then overwritten without being dropped (`OverwriteOnDrop`).
        unsafe {
            match &mut *__this {
                $Enum::$Var { $($field),* } => {
                    let __taken = ($(::core::ptr::read($field),)*);
                    ::core::mem::drop($crate::__private::OverwriteOnDrop::running(__this));
                    __taken
                }
                _ => $crate::__private::other_variant(),
            }
        }
    }};
}

/// The fallback arm of `resume_state!` and `take_state!`, which no step reaches: an arm's
/// variant is the one its dispatch matched by rank (`StateEnum::arm_at`, one rank per variant),
/// or the one an earlier arm has just `set` before jumping forward to it.
///
/// Debug builds (the tests, the differential campaigns, Miri) check that promise with a
/// panic. Release builds tell the optimiser instead: the niche-encoded discriminant makes LLVM
/// test the variant a second time otherwise, and those tests alone kept an always-ready
/// coroutine from being inlined into its caller (BENCHMARKS.md, resume cost: 3× rustc's time
/// on `ready_loop_100` with the panic, on par without it).
///
/// # Safety
/// Must not be reached: the current variant is the one the arm matches.
#[doc(hidden)]
#[allow(clippy::inline_always)] // a call left in place would be the test it exists to remove
#[inline(always)]
#[track_caller]
pub unsafe fn other_variant() -> ! {
    if cfg!(debug_assertions) {
        unreachable_state()
    } else {
        // SAFETY: the caller's contract.
        unsafe { core::hint::unreachable_unchecked() }
    }
}

/// The panic of a match arm no step reaches (a variant the frame never steps, or a variant that
/// is not the one the arm matched): a plain call, so that each arm does not expand
/// `unreachable!` and its formatting machinery.
#[doc(hidden)]
#[cold]
#[inline(never)]
#[track_caller]
pub fn unreachable_state() -> ! {
    panic!("internal error: entered unreachable code: the frame only steps a suspended state")
}
