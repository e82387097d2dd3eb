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
//! "Borrows across suspension points"): use [`fold`] or [`for_each`] (whose closure must not
//! borrow the coroutine's locals either), or take the stream as a `&mut` argument.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
pub use futures_core::Stream;
use pin_project_lite::pin_project;

/// The next item of `stream`, or `None` once it has ended: `anext(stream)`.
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

/// What `yield_from!(stream)` awaits in an async generator: the next item, and the stream
/// handed back, so the generator never holds a borrow of its own local across the await.
#[doc(hidden)]
pub fn next_owned<S: Stream + Unpin>(stream: S) -> NextOwned<S> {
    NextOwned {
        stream: Some(stream),
    }
}

/// The future [`next_owned`] returns.
#[doc(hidden)]
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
