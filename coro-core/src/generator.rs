//! Generators: functions that suspend with `yield_!(value)` (PEP 255), can be sent values back
//! in (PEP 342) and can delegate to another generator with `yield_from!` (PEP 380).
//!
//! ```
//! use coro_core::{Generator, GeneratorState, yield_};
//! use core::pin::pin;
//!
//! #[coro_core::coroutine(yield = u64)]
//! fn fib() {
//!     let (mut a, mut b) = (0, 1);
//!     loop {
//!         yield_!(a);
//!         (a, b) = (b, a + b);
//!     }
//! }
//! assert_eq!(fib().take(6).collect::<Vec<_>>(), [0, 1, 1, 2, 3, 5]);
//!
//! #[coro_core::coroutine(yield = f64, resume = f64)]
//! fn averager() -> usize {
//!     let (mut total, mut n) = (0.0, 0);
//!     let mut avg = 0.0;
//!     loop {
//!         let x = yield_!(avg);
//!         if x.is_nan() {
//!             return n;
//!         }
//!         total += x;
//!         n += 1;
//!         avg = total / n as f64;
//!     }
//! }
//! let mut avg = pin!(averager());
//! assert_eq!(avg.as_mut().start(), GeneratorState::Yielded(0.0));
//! assert_eq!(avg.as_mut().resume(10.0), GeneratorState::Yielded(10.0));
//! assert_eq!(avg.as_mut().resume(20.0), GeneratorState::Yielded(15.0));
//! assert_eq!(avg.as_mut().resume(f64::NAN), GeneratorState::Complete(2));
//! ```

use core::pin::Pin;

/// What a generator did when resumed: suspended with a value, or returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GeneratorState<Y, R> {
    /// It reached a `yield_!(value)`.
    Yielded(Y),
    /// It returned.
    Complete(R),
}

impl<Y, R> GeneratorState<Y, R> {
    /// Did the generator return?
    pub fn is_complete(&self) -> bool {
        matches!(self, Self::Complete(_))
    }
}

/// A generator that is sent values of type `R` each time it is resumed.
///
/// Python's `next(g)` is [`start`](Self::start) the first time; `g.send(v)` is
/// [`resume(v)`](Self::resume) after that. Dropping a generator is Python's `g.close()`: what it
/// holds is dropped, in reverse declaration order.
#[must_use = "generators do nothing unless iterated or resumed"]
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a `Generator`",
    label = "not a `Generator`",
    note = "in `yield_from!(it)` with an iterator or a collection `it` (`vec![..]`, `0..n`): \
            `yield_from!` delegates to a generator only (Python's `yield from` takes any \
            iterable); to yield every item, write `for x in it {{ yield_!(x); }}`",
    note = "in `yield_from!(s)` with a `Stream` `s`: a generator whose body has no `.await` is a \
            sync generator (an `Iterator`) and delegates only to generators; make it an async \
            generator even without an `.await` of its own: \
            `#[coro_core::coroutine(yield = Type, async)]`"
)]
pub trait Generator<R = ()> {
    /// What `yield_!` hands out.
    type Yield;
    /// What the function returns.
    type Return;

    /// Runs the generator to its first `yield_!` (or its end). No value is sent: nothing is
    /// waiting for one yet.
    ///
    /// # Panics
    /// If the generator has already started (use `resume`), returned or panicked.
    fn start(self: Pin<&mut Self>) -> GeneratorState<Self::Yield, Self::Return>;

    /// Sends `arg` in as the value of the pending `yield_!` and runs to the next one.
    ///
    /// # Panics
    /// If the generator has returned ("generator resumed after completion") or panicked, or if
    /// it has not started and `R` is not zero-sized (the value would be lost: call `start`).
    /// With `R = ()`, `resume(())` on a fresh generator starts it.
    fn resume(self: Pin<&mut Self>, arg: R) -> GeneratorState<Self::Yield, Self::Return>;
}

impl<G: Generator<R> + Unpin + ?Sized, R> Generator<R> for &mut G {
    type Yield = G::Yield;
    type Return = G::Return;
    fn start(self: Pin<&mut Self>) -> GeneratorState<G::Yield, G::Return> {
        Pin::new(&mut **self.get_mut()).start()
    }
    fn resume(self: Pin<&mut Self>, arg: R) -> GeneratorState<G::Yield, G::Return> {
        Pin::new(&mut **self.get_mut()).resume(arg)
    }
}

impl<G: Generator<R> + ?Sized, R> Generator<R> for Pin<Box<G>> {
    type Yield = G::Yield;
    type Return = G::Return;
    fn start(self: Pin<&mut Self>) -> GeneratorState<G::Yield, G::Return> {
        self.get_mut().as_mut().start()
    }
    fn resume(self: Pin<&mut Self>, arg: R) -> GeneratorState<G::Yield, G::Return> {
        self.get_mut().as_mut().resume(arg)
    }
}

/// Suspends a generator, handing `value` out; evaluates to the value sent back in (`()` unless
/// the generator declares `resume = Type`).
///
/// Only meaningful inside a `#[coro_core::coroutine(yield = Type)]` function, where the
/// attribute rewrites it into a suspension point; anywhere else it is a compile error. (A bare
/// `yield` cannot be used: rustc rejects it before any attribute macro runs.)
#[macro_export]
macro_rules! yield_ {
    // The attribute invokes this arm once so that importing the macro does not look unused.
    (@__coro_used) => {};
    ($($value:tt)*) => {
        ::core::compile_error!(
            "`yield_!` can only be used inside a `#[coro_core::coroutine(yield = Type)]` function"
        )
    };
}

/// Delegates to another generator until it returns (PEP 380's `yield from`): every value it
/// yields is yielded out, every value sent in is passed on, and the expression's value is its
/// return value. The inner generator must be `Unpin` (`Box::pin` it if it is not). Unlike
/// Python's `yield from`, it takes no other iterable: to yield every item of an iterator or a
/// collection, write `for x in it { yield_!(x); }`.
///
/// In an async generator (one that also uses `.await`), `yield_from!(stream)` yields every
/// item of an inner [`Stream`](crate::Stream) (PEP 525 has no `yield from`; this is `async for
/// x in s: yield x`) and evaluates to `()`; the stream must be `Unpin` too.
///
/// Only meaningful inside a `#[coro_core::coroutine(yield = Type)]` function.
#[macro_export]
macro_rules! yield_from {
    (@__coro_used) => {};
    ($($inner:tt)*) => {
        ::core::compile_error!(
            "`yield_from!` can only be used inside a `#[coro_core::coroutine(yield = Type)]` function"
        )
    };
}
