//! A stable stand-in for the unstable `Try` trait, so the expansion can desugar `?` into an
//! early `return` from the state machine's step function.
//!
//! Only the types whose `?` is stable are covered: `Result`, `Option` and `ControlFlow`. A `?`
//! that cannot return from its coroutine fails on the `?` with one of this module's messages:
//! an error with no `From` conversion (`ErrorFrom`), a `?` on the other kind of operand
//! (`ResultResidual`, `OptionResidual`, `ControlFlowResidual`), a return type that takes no
//! `?` at all (`FromResidual`).

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

// Each return type accepts every residual type `R` and states what `R` must be in a trait of
// its own. An impl for one residual type only (`FromResidual<Result<Infallible, E>> for
// Result<T, F> where F: From<E>`) is selected as soon as the return type is known, before rustc
// has the operand's type; `F: From<?E>` then has one candidate, `impl<T> From<T> for T`, which
// makes `E` the function's own error type, and a `?` whose error has no conversion becomes an
// E0308 between two `Result<Infallible, _>` types, on the attribute. With `R` left open, the
// bound waits for the residual's type and fails as an E0277 of one of the traits below, with
// their messages, on the `?` (the expansion spans the `from_residual` call there).
impl<T, F, R: ResultResidual<F>> FromResidual<R> for Result<T, F> {
    #[inline]
    fn from_residual(residual: R) -> Self {
        Err(residual.into_error())
    }
}

/// The residuals a `?` may return from a coroutine that returns `Result<_, F>`.
#[diagnostic::on_unimplemented(
    message = "the `?` operator can only be used on a `Result` in a coroutine that returns `Result`",
    label = "this `?` is not applied to a `Result`",
    note = "an `Option` becomes a `Result` with `.ok_or(error)?`"
)]
pub trait ResultResidual<F> {
    /// The error to return, converted with `From`.
    fn into_error(self) -> F;
}

impl<E, F: ErrorFrom<E>> ResultResidual<F> for Result<Infallible, E> {
    #[inline]
    fn into_error(self) -> F {
        match self {
            Err(e) => F::error_from(e),
        }
    }
}

/// `From`, as `?` uses it on the error: a trait of its own so that a missing conversion is
/// reported in the words of rustc's `?`, not as an unmet bound of an impl in this module.
#[diagnostic::on_unimplemented(
    message = "`?` couldn't convert the error to `{Self}`",
    label = "the trait `From<{E}>` is not implemented for `{Self}`",
    note = "`?` converts the error with `From::from`: implement `From<{E}>` for `{Self}`, or \
            convert the error before the `?` (`.map_err(..)?`)"
)]
pub trait ErrorFrom<E> {
    /// `From::from`.
    fn error_from(error: E) -> Self;
}

// Reported as `ErrorFrom` (the message above), not as the `From` bound it rests on.
#[diagnostic::do_not_recommend]
impl<E, F: From<E>> ErrorFrom<E> for F {
    #[inline]
    fn error_from(error: E) -> Self {
        From::from(error)
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

impl<T, R: OptionResidual> FromResidual<R> for Option<T> {
    #[inline]
    fn from_residual(_: R) -> Self {
        None
    }
}

/// The residuals a `?` may return from a coroutine that returns `Option`: `None`.
#[diagnostic::on_unimplemented(
    message = "the `?` operator can only be used on an `Option` in a coroutine that returns `Option`",
    label = "this `?` is not applied to an `Option`",
    note = "a `Result` becomes an `Option` with `.ok()?`"
)]
pub trait OptionResidual {}

impl OptionResidual for Option<Infallible> {}

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

impl<B, C, R: ControlFlowResidual<B>> FromResidual<R> for ControlFlow<B, C> {
    #[inline]
    fn from_residual(residual: R) -> Self {
        ControlFlow::Break(residual.into_break())
    }
}

/// The residuals a `?` may return from a coroutine that returns `ControlFlow<B, _>`.
#[diagnostic::on_unimplemented(
    message = "the `?` operator can only be used on a `ControlFlow<{B}, _>` in a coroutine that \
               returns `ControlFlow<{B}, _>`",
    label = "this `?` is not applied to a `ControlFlow<{B}, _>`"
)]
pub trait ControlFlowResidual<B> {
    /// The value to break with.
    fn into_break(self) -> B;
}

impl<B> ControlFlowResidual<B> for ControlFlow<B, Infallible> {
    #[inline]
    fn into_break(self) -> B {
        match self {
            ControlFlow::Break(b) => b,
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
