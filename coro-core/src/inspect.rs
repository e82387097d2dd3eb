//! `iscoroutinefunction!` and `iscoroutine!`: Python's `inspect` questions, answered by the type
//! checker.
//!
//! Both use autoref specialization: method lookup tries `&Probe<T>` (implemented only when `T`
//! is a future) before `Probe<T>` (implemented for everything). Both need nothing
//! but `core`; `coro-loop` re-exports them under the same names.

use core::future::Future;
use core::marker::PhantomData;

/// Carries a type to the autoref-specialized `is_coroutine` methods.
#[doc(hidden)]
pub struct Probe<T: ?Sized>(PhantomData<T>);

impl<T: ?Sized> core::fmt::Debug for Probe<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Probe")
    }
}

impl<T: ?Sized> Probe<T> {
    /// A probe for the type of `value`, without moving it.
    #[doc(hidden)]
    pub fn of(_value: &T) -> Self {
        Self(PhantomData)
    }
}

/// Picked when the probed type is a future (a coroutine object, an `async` block, a task, …).
#[doc(hidden)]
pub trait IsFuture {
    /// `true`.
    fn is_coroutine(&self) -> bool {
        true
    }
}

impl<T: Future + ?Sized> IsFuture for &Probe<T> {}

/// Picked for every other type.
#[doc(hidden)]
pub trait NotFuture {
    /// `false`.
    fn is_coroutine(&self) -> bool {
        false
    }
}

impl<T: ?Sized> NotFuture for Probe<T> {}

/// The return type of a function, for functions of up to eight arguments. `Args` is the tuple
/// of argument types; the compiler infers it because a function item has exactly one arity.
#[doc(hidden)]
pub trait FnReturn<Args> {
    /// What calling the function returns.
    type Output;
}

macro_rules! fn_return {
    ($($A:ident),*) => {
        impl<Func, R, $($A),*> FnReturn<($($A,)*)> for Func
        where
            Func: FnOnce($($A),*) -> R,
        {
            type Output = R;
        }
    };
}

fn_return!();
fn_return!(A1);
fn_return!(A1, A2);
fn_return!(A1, A2, A3);
fn_return!(A1, A2, A3, A4);
fn_return!(A1, A2, A3, A4, A5);
fn_return!(A1, A2, A3, A4, A5, A6);
fn_return!(A1, A2, A3, A4, A5, A6, A7);
fn_return!(A1, A2, A3, A4, A5, A6, A7, A8);

/// A probe for the return type of the function `_f`.
#[doc(hidden)]
pub fn returns<Func: FnReturn<Args>, Args>(_f: &Func) -> Probe<Func::Output> {
    Probe(PhantomData)
}

/// `inspect.iscoroutinefunction`: `true` if calling the function at `path` returns a coroutine
/// object (a `#[coro_core::coroutine]` fn, an `async fn`, any fn returning a `Future`), `false`
/// for an ordinary function. Decided at compile time; the function is not called.
///
/// ```
/// fn func1() -> i32 { 10 }
/// async fn func2() -> i32 { 10 }
/// assert!(!coro_core::iscoroutinefunction!(func1));
/// assert!(coro_core::iscoroutinefunction!(func2));
/// ```
#[macro_export]
macro_rules! iscoroutinefunction {
    ($path:expr) => {{
        #[allow(unused_imports)]
        use $crate::__private::inspect::{IsFuture as _, NotFuture as _};
        (&&$crate::__private::inspect::returns(&$path)).is_coroutine()
    }};
}

/// `inspect.iscoroutine`: `true` if the value of `expr` is a coroutine object (or any other
/// `Future`), `false` otherwise. The expression is evaluated by reference, not consumed.
///
/// ```
/// async fn func() -> i32 { 10 }
/// let f = func();
/// assert!(coro_core::iscoroutine!(f));
/// assert!(!coro_core::iscoroutine!(10));
/// # drop(f);
/// ```
#[macro_export]
macro_rules! iscoroutine {
    ($e:expr) => {{
        #[allow(unused_imports)]
        use $crate::__private::inspect::{IsFuture as _, NotFuture as _};
        (&&$crate::__private::inspect::Probe::of(&$e)).is_coroutine()
    }};
}
