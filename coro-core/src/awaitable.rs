//! `Awaitable`: what `.await` accepts inside a coroutine, and the conversion the expansion
//! applies to every awaited operand.
//!
//! The expansion calls [`into_future`] on every awaited operand, so awaiting a non-future gives
//! one error, on the awaited expression, instead of three.

use core::future::{Future, IntoFuture};

/// A value `.await` accepts: a coroutine object, a task, any [`Future`] or [`IntoFuture`].
///
/// Implemented for every `IntoFuture`, and for nothing else. A bare `A: Awaitable` bound that
/// fails reports "`u32` is not awaitable"; [`into_future`] also binds the output type, and
/// rustc then reports that projection instead ("`u32` is not a future"), once.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not awaitable",
    label = "`{Self}` is not a coroutine, a task or a future",
    note = "`.await` takes a coroutine object (what calling a `#[coroutine]` fn returns), a task, \
            or any value whose type implements `Future` or `IntoFuture`"
)]
pub trait Awaitable: IntoFuture {}

// `do_not_recommend`: an unmet `u32: Awaitable` is reported as itself (the message above), not
// as the `u32: Future` this impl would need.
#[diagnostic::do_not_recommend]
impl<T: IntoFuture> Awaitable for T {}

/// What the expansion calls on every awaited operand: [`IntoFuture::into_future`].
///
/// Two details keep a non-future down to one error. The output is a type parameter bound
/// through `Output = T`, so when the bound fails `T` becomes an error type and every later use
/// of the state is silenced. The return type is opaque rather than `A::IntoFuture`, whose
/// projection would be re-checked, and re-reported, wherever the state type is named.
#[inline]
pub fn into_future<A, T>(awaitable: A) -> impl Future<Output = T>
where
    A: Awaitable<Output = T>,
{
    awaitable.into_future()
}
