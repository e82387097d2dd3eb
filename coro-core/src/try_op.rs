//! A stable stand-in for the unstable `Try` trait, so the expansion can desugar `?` into an
//! early `return` from the state machine's step function.
//!
//! Only the types whose `?` is stable are covered: `Result`, `Option` and `ControlFlow`.

use core::convert::Infallible;
use core::ops::ControlFlow;

/// Splits a `?` operand into the value to continue with or the residual to return.
#[diagnostic::on_unimplemented(
    message = "the `?` operator can only be applied to values that implement `Try`",
    label = "the `?` operator cannot be applied to type `{Self}`",
    note = "inside a coroutine, `?` works on `Result`, `Option` and `ControlFlow`",
    note = "if it is a coroutine object or another future, it must be awaited first: \
            `f(..).await?` applies `?` to its output"
)]
pub trait Branch {
    /// What `expr?` evaluates to when it does not return.
    type Output;
    /// What `expr?` returns early with, before conversion.
    type Residual;
    /// Decide whether `expr?` continues or returns.
    fn branch(self) -> ControlFlow<Self::Residual, Self::Output>;
}

/// Builds the function's return value out of a `?` residual.
#[diagnostic::on_unimplemented(
    message = "the `?` operator can only be used in a coroutine that returns `Result` or `Option`",
    label = "cannot use the `?` operator in a coroutine that returns `{Self}`",
    note = "change the coroutine's return type to a `Result` or an `Option` (`Result` needs a \
            `From` conversion for the error), or handle the value here with `match`, `if let` or \
            `unwrap_or`"
)]
pub trait FromResidual<R> {
    /// Converts the residual (for `Result`, with `From` on the error).
    fn from_residual(residual: R) -> Self;
}

impl<T, E> Branch for Result<T, E> {
    type Output = T;
    type Residual = Result<Infallible, E>;
    #[inline]
    fn branch(self) -> ControlFlow<Self::Residual, T> {
        match self {
            Ok(v) => ControlFlow::Continue(v),
            Err(e) => ControlFlow::Break(Err(e)),
        }
    }
}

impl<T, E, F: From<E>> FromResidual<Result<Infallible, E>> for Result<T, F> {
    #[inline]
    fn from_residual(residual: Result<Infallible, E>) -> Self {
        match residual {
            Err(e) => Err(From::from(e)),
        }
    }
}

impl<T> Branch for Option<T> {
    type Output = T;
    type Residual = Option<Infallible>;
    #[inline]
    fn branch(self) -> ControlFlow<Self::Residual, T> {
        match self {
            Some(v) => ControlFlow::Continue(v),
            None => ControlFlow::Break(None),
        }
    }
}

impl<T> FromResidual<Option<Infallible>> for Option<T> {
    #[inline]
    fn from_residual(_: Option<Infallible>) -> Self {
        None
    }
}

impl<B, C> Branch for ControlFlow<B, C> {
    type Output = C;
    type Residual = ControlFlow<B, Infallible>;
    #[inline]
    fn branch(self) -> ControlFlow<Self::Residual, C> {
        match self {
            ControlFlow::Continue(c) => ControlFlow::Continue(c),
            ControlFlow::Break(b) => ControlFlow::Break(ControlFlow::Break(b)),
        }
    }
}

impl<B, C> FromResidual<ControlFlow<B, Infallible>> for ControlFlow<B, C> {
    #[inline]
    fn from_residual(residual: ControlFlow<B, Infallible>) -> Self {
        match residual {
            ControlFlow::Break(b) => ControlFlow::Break(b),
        }
    }
}

/// `expr?`'s operand as `Branch::branch` receives it. The expansion spans this call on the `?`:
/// the operand is usually the macro's own temporary for an awaited value, so without it rustc
/// would report a missing `Branch` impl twice, on the `?` and on the attribute.
#[inline]
pub fn operand<T>(value: T) -> T {
    value
}
