//! Consuming async generators (and any other [`Stream`]) from a coroutine: Python's
//! `async for`.
//!
//! ```
//! use coro_core::{fold, for_each, next, yield_};
//! use core::pin::pin;
//!
//! #[coro_core::coroutine(yield = u32)]
//! fn countdown(from: u32) {
//!     for i in (1..=from).rev() {
//!         core::future::ready(()).await; // an await makes it an async generator
//!         yield_!(i);
//!     }
//! }
//!
//! #[coro_core::coroutine]
//! fn total(from: u32) -> u32 {
//!     // `fold` owns the stream and the accumulator, so nothing borrows a local across the
//!     // await.
//!     let sum = fold(countdown(from), 0, |sum, i| sum + i).await;
//!     for_each(countdown(2), |i| println!("{i}")).await;
//!     sum
//! }
//! assert_eq!(coro_core::block_on(total(4)), 10);
//!
//! // Outside a `#[coroutine]` body (here a plain async block), `next` works on a borrow.
//! let first_two = coro_core::block_on(async {
//!     let mut s = pin!(countdown(3));
//!     (next(&mut s).await, next(&mut s).await)
//! });
//! assert_eq!(first_two, (Some(3), Some(2)));
//! ```
//!
//! Inside a `#[coroutine]` function, `next(&mut s).await` on a *local* stream `s` holds a borrow
//! of that local across the suspension, which the lowering rejects (see the README's
//! "Borrows across suspension"). There:
//!
//! - [`next_owned`] moves the stream into the future and hands it back with the item, so the
//!   body can `.await` between items (`async for x in s: total += await f(x)`). A stream the
//!   coroutine receives as a `&mut S` argument goes the same way (`&mut S` is a stream when `S` is
//!   `Unpin`):
//!   `next(s).await` would reborrow the argument across the suspension, which the lowering
//!   cannot store either;
//! - [`fold`] and [`for_each`] own the stream, but their closure is plain (it cannot `.await`)
//!   and is stored in the awaited future, so it must not borrow a local of the coroutine
//!   either (`for_each(s, |x| seen.push(x))` is rustc's E0373): collect or count with `fold`,
//!   whose accumulator is handed back at the end.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
pub use futures_core::Stream;
use pin_project_lite::pin_project;

/// The next item of `stream`, or `None` once it has ended: `anext(stream)`.
///
/// Inside a `#[coroutine]` function, on a stream the coroutine owns, use [`next_owned`]: this
/// future borrows the stream, and such a borrow cannot be kept across the `.await`.
pub fn next<S: Stream + Unpin + ?Sized>(stream: &mut S) -> Next<'_, S> {
    Next { stream }
}

/// The future [`next`] returns.
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct Next<'a, S: ?Sized> {
    stream: &'a mut S,
}

impl<S: Stream + Unpin + ?Sized> Future for Next<'_, S> {
    type Output = Option<S::Item>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        Pin::new(&mut *self.stream).poll_next(cx)
    }
}

/// Calls `f` on every item of `stream`, in order, and completes when it ends: `async for x in
/// stream: f(x)`.
///
/// `f` cannot `.await` (for that, loop over [`next_owned`]), and inside a `#[coroutine]`
/// function it must not borrow the coroutine's locals: it is stored in the awaited future.
pub fn for_each<S: Stream, F: FnMut(S::Item)>(stream: S, f: F) -> ForEach<S, F> {
    ForEach { stream, f }
}

pin_project! {
    /// The future [`for_each`] returns.
    #[derive(Debug)]
    #[must_use = "futures do nothing unless awaited"]
    pub struct ForEach<S, F> {
        #[pin]
        stream: S,
        f: F,
    }
}

impl<S: Stream, F: FnMut(S::Item)> Future for ForEach<S, F> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut this = self.project();
        loop {
            match this.stream.as_mut().poll_next(cx) {
                Poll::Ready(Some(item)) => (this.f)(item),
                Poll::Ready(None) => return Poll::Ready(()),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// Combines every item of `stream` into an accumulator, starting from `init`, and completes
/// with the result when the stream ends: `acc = init; async for x in stream: acc = f(acc, x)`.
pub fn fold<S: Stream, A, F: FnMut(A, S::Item) -> A>(stream: S, init: A, f: F) -> Fold<S, A, F> {
    Fold {
        stream,
        acc: Some(init),
        f,
    }
}

pin_project! {
    /// The future [`fold`] returns.
    #[derive(Debug)]
    #[must_use = "futures do nothing unless awaited"]
    pub struct Fold<S, A, F> {
        #[pin]
        stream: S,
        acc: Option<A>,
        f: F,
    }
}

impl<S: Stream, A, F: FnMut(A, S::Item) -> A> Future for Fold<S, A, F> {
    type Output = A;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<A> {
        let mut this = self.project();
        loop {
            match this.stream.as_mut().poll_next(cx) {
                Poll::Ready(Some(item)) => {
                    let acc = this.acc.take().expect("`Fold` polled after it completed");
                    *this.acc = Some((this.f)(acc, item));
                }
                Poll::Ready(None) => {
                    return Poll::Ready(this.acc.take().expect("`Fold` polled after it completed"));
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// The next item of `stream`, with `stream` handed back: `anext(s)` for a stream the coroutine
/// owns, so that its body can `.await` between items (Python's `async for x in s: await f(x)`).
///
/// [`next`] borrows the stream, and inside a `#[coroutine]` function a future that borrows a
/// local of the coroutine cannot be kept across the `.await` beside that local (README, "Borrows
/// across suspension"). `next_owned` takes the stream by value and gives it back with the item
/// (`(Some(item), stream)`, or `(None, stream)` once it has ended), so the loop moves the stream
/// out and back in and never borrows it:
///
/// ```
/// use coro_core::{next_owned, yield_};
///
/// #[coro_core::coroutine(yield = u32)]
/// fn ticks(n: u32) {
///     for i in 0..n {
///         core::future::ready(()).await; // an await makes it an async generator
///         yield_!(i);
///     }
/// }
///
/// #[coro_core::coroutine]
/// fn process(x: u32) -> u32 {
///     core::future::ready(()).await;
///     x * 10
/// }
///
/// // async def total(n):
/// //     total = 0
/// //     async for x in ticks(n):
/// //         total += await process(x)
/// //     return total
/// #[coro_core::coroutine]
/// fn total(n: u32) -> u32 {
///     let mut total = 0;
///     let mut s = Box::pin(ticks(n)); // `next_owned` needs an `Unpin` stream
///     loop {
///         let (item, rest) = next_owned(s).await;
///         s = rest;
///         let Some(x) = item else { break };
///         total += process(x).await;
///     }
///     total
/// }
/// assert_eq!(coro_core::block_on(total(3)), 30);
/// ```
///
/// While the coroutine waits for an item, the stream is inside the [`NextOwned`] future, so
/// cancelling the coroutine there drops it with that future; at any other `.await` it is one of
/// the coroutine's locals and drops with them.
///
/// The stream must be `Unpin`, as it moves in and out of the future: `Box::pin` an async
/// generator (or any stream that is not). Polling the future again after it has completed
/// panics, as the stream has been handed back.
pub fn next_owned<S: Stream + Unpin>(stream: S) -> NextOwned<S> {
    NextOwned {
        stream: Some(stream),
    }
}

/// The future [`next_owned`] returns. `yield_from!` in an async generator awaits it too.
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct NextOwned<S> {
    stream: Option<S>,
}

impl<S: Stream + Unpin> Future for NextOwned<S> {
    type Output = (Option<S::Item>, S);
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let stream = self
            .stream
            .as_mut()
            .expect("`NextOwned` polled after it completed");
        match Pin::new(stream).poll_next(cx) {
            Poll::Ready(item) => {
                let stream = self.stream.take().expect("checked above");
                Poll::Ready((item, stream))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}
