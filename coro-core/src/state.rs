//! The pinning primitives of a generated state enum: the only `unsafe` code of a coroutine.
//!
//! Each state variant a coroutine can be suspended in holds at most one pinned field, the
//! awaited future (`__fut`); everything else in it (the stored locals) is never pinned. The
//! generated step function needs three operations on the pinned enum, which these macros give
//! it (as `macro_rules!` of this crate, so that a user crate with `#![forbid(unsafe_code)]`
//! can still use `#[coroutine]`: lints do not look into another crate's macros):
//!
//! - [`state_mut!`](crate::__coro_state_mut): `&mut` to the enum, to match its variant and
//!   reach the future's field;
//! - [`poll_pinned!`](crate::__coro_poll_pinned): poll that field in place (returning
//!   `Poll::Pending` from the step while it is pending);
//! - [`take_state!`](crate::__coro_take_state): move the unpinned fields out, drop the future
//!   in place, and leave the `__Running` variant behind.
//!
//! Why this is sound (structural pinning of `__fut` only):
//! - the future is never moved after it is first polled: it is built directly into its
//!   variant (`Pin::set`), polled through `poll_pinned!`, and dropped in place, by
//!   `take_state!`, by `Pin::set` replacing the variant, or by the enum's own drop glue;
//! - the enum has no `Drop` impl (it is a local type of the generated function, which the
//!   user cannot name), so dropping it drops the future in place;
//! - the enum is `Unpin` only when every field is (the auto trait), the future included;
//! - the locals are not structurally pinned: moving them out of a pinned enum is allowed.
//!
//! Replacing `pin-project-lite` with these three macros removed the projection types, the
//! `Unpin` impl and the drop guard it generated per coroutine (BENCHMARKS.md, compile time).
#![allow(unsafe_code)]
#![deny(clippy::undocumented_unsafe_blocks)]

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

/// `&mut` to the pinned state enum, for matching its variant. The generated arms use it only
/// to reach `__fut` through `poll_pinned!` and to call `take_state!`; they never move the
/// future out of it.
#[doc(hidden)]
#[macro_export]
macro_rules! __coro_state_mut {
    ($state:expr) => {
        // SAFETY: see the module docs of `coro_core::state`: the future is only polled in
        // place and dropped in place; nothing else in the enum is structurally pinned.
        unsafe { $crate::__private::Pin::get_unchecked_mut($state.as_mut()) }
    };
}

/// Polls the future of the current variant (`$fut`, an `&mut` into the pinned enum) in place,
/// and evaluates to its output when it is ready; when it is pending, returns `Poll::Pending`
/// from the step (the same value for a coroutine and an async generator).
#[doc(hidden)]
#[macro_export]
macro_rules! __coro_poll_pinned {
    ($fut:expr, $cx:expr) => {
        match $crate::__private::Future::poll(
            // SAFETY: `$fut` lives in the pinned state enum and is never moved: it is dropped
            // in place by `take_state!` or by the enum's drop glue.
            unsafe { $crate::__private::Pin::new_unchecked($fut) },
            $cx,
        ) {
            $crate::__private::Poll::Ready(output) => output,
            $crate::__private::Poll::Pending => return $crate::__private::Poll::Pending,
        }
    };
}

/// Takes the current variant `$Enum::$Var` out of the pinned `$state`: evaluates to the tuple
/// of its unpinned fields `$field`s (moved out), drops the pinned field `$pin` (if any) in
/// place, and leaves `$Enum::__Running` behind. If dropping the future panics, the unpinned
/// fields are already out (they unwind as the caller's locals) and `__Running` is still
/// written, so nothing is dropped twice.
#[doc(hidden)]
#[macro_export]
macro_rules! __coro_take_state {
    ($state:expr, $Enum:ident :: $Var:ident { $($pin:ident)? ; $($field:ident),* }) => {{
        // `state_mut!`, inline: one macro expansion per arm instead of two.
        // SAFETY: as in `state_mut!`.
        let __this: *mut _ = unsafe { $crate::__private::Pin::get_unchecked_mut($state.as_mut()) };
        // SAFETY: `__this` comes from a live `&mut`; the variant is `$Var` (the caller matched
        // it); each unpinned field is read exactly once and the old value is then overwritten
        // without being dropped (`OverwriteOnDrop`), after the pinned field was dropped in
        // place.
        unsafe {
            match &mut *__this {
                $Enum::$Var { $($pin,)? $($field),* } => {
                    let __taken = ($(::core::ptr::read($field),)*);
                    let __running = $crate::__private::OverwriteOnDrop::new(__this, $Enum::__Running);
                    $(::core::ptr::drop_in_place($pin);)?
                    ::core::mem::drop(__running);
                    __taken
                }
                _ => $crate::__private::unreachable_state(),
            }
        }
    }};
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
