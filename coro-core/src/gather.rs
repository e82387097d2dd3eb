//! `gather!` and `gather_all`: await several awaitables at once, outputs in argument order.
//!
//! They need no event loop (only `core`/`std`), which is why they live here rather than in
//! `coro-loop`; `coro-loop` re-exports them under the same names.
//!
//! Unlike `asyncio.gather`, which wraps each argument in a task, these are join combinators: the
//! children run inside the awaiting task, each with its own waker, and are polled in the order
//! they were woken (argument order at the start). That keeps asyncio's interleaving for the
//! common cases while needing no event loop, so they also work on tokio or `block_on`.

use core::fmt;
use core::future::{Future, IntoFuture};
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Wake;

/// Which children were woken since the last poll, in wake order, plus the awaiter's waker.
#[derive(Default)]
struct WokenList {
    order: VecDeque<usize>,
    queued: Vec<bool>,
    parent: Option<Waker>,
}

/// State shared between a gather future and the wakers it hands its children.
struct Shared {
    list: Mutex<WokenList>,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, WokenList> {
        self.list.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The waker of child `index`: records the wake-up, then wakes the awaiter.
struct ChildWaker {
    index: usize,
    shared: Arc<Shared>,
}

impl Wake for ChildWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let parent = {
            let mut list = self.shared.lock();
            if !list.queued[self.index] {
                list.queued[self.index] = true;
                list.order.push_back(self.index);
            }
            list.parent.clone()
        };
        if let Some(parent) = parent {
            parent.wake();
        }
    }
}

/// Per-child wakers and the queue of children to poll next.
#[doc(hidden)]
pub struct WakeOrder {
    shared: Arc<Shared>,
    wakers: Vec<Waker>,
}

impl WakeOrder {
    /// A queue for `n` children, all of them due for their first poll in argument order.
    #[doc(hidden)]
    pub fn new(n: usize) -> Self {
        let shared = Arc::new(Shared {
            list: Mutex::new(WokenList {
                order: (0..n).collect(),
                queued: vec![true; n],
                parent: None,
            }),
        });
        let wakers = (0..n)
            .map(|index| {
                Waker::from(Arc::new(ChildWaker {
                    index,
                    shared: Arc::clone(&shared),
                }))
            })
            .collect();
        Self { shared, wakers }
    }

    /// Stores the awaiter's waker and takes the children woken so far, in wake order.
    #[doc(hidden)]
    pub fn take(&self, cx: &Context<'_>) -> VecDeque<usize> {
        let mut list = self.shared.lock();
        match &list.parent {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => list.parent = Some(cx.waker().clone()),
        }
        let order = core::mem::take(&mut list.order);
        for &i in &order {
            list.queued[i] = false;
        }
        order
    }

    /// The waker to poll child `index` with.
    #[doc(hidden)]
    pub fn waker(&self, index: usize) -> &Waker {
        &self.wakers[index]
    }
}

/// One child of a gather: running, finished with its output, or emptied.
#[doc(hidden)]
pub enum Child<F: Future> {
    /// Still running (boxed so the gather future itself stays `Unpin` without `unsafe`).
    Running(Pin<Box<F>>),
    /// Finished; the output waits for the others.
    Done(Option<F::Output>),
}

impl<F: Future> Child<F> {
    /// Wraps a child future.
    #[doc(hidden)]
    pub fn new(fut: F) -> Self {
        Self::Running(Box::pin(fut))
    }

    /// Polls the child if it is still running; true once it has finished.
    #[doc(hidden)]
    pub fn poll_child(&mut self, waker: &Waker) -> bool {
        if let Self::Running(fut) = self {
            match fut.as_mut().poll(&mut Context::from_waker(waker)) {
                Poll::Ready(out) => *self = Self::Done(Some(out)),
                Poll::Pending => return false,
            }
        }
        true
    }

    /// Whether the child has finished.
    #[doc(hidden)]
    pub fn is_done(&self) -> bool {
        matches!(self, Self::Done(_))
    }

    /// Takes the output of a finished child.
    #[doc(hidden)]
    pub fn take(&mut self) -> F::Output {
        match self {
            Self::Done(out) => out.take().expect("gather output taken twice"),
            Self::Running(_) => unreachable!("gather took the output of a running child"),
        }
    }
}

/// Future returned by [`gather_all`]: a `Vec` of outputs in argument order.
#[must_use = "futures do nothing unless awaited or scheduled"]
pub struct GatherAll<F: Future> {
    children: Vec<Child<F>>,
    remaining: usize,
    order: WakeOrder,
}

// The children are boxed and the outputs are never pinned, so moving a `GatherAll` is fine.
impl<F: Future> Unpin for GatherAll<F> {}

impl<F: Future> fmt::Debug for GatherAll<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GatherAll")
            .field("children", &self.children.len())
            .field("remaining", &self.remaining)
            .finish_non_exhaustive()
    }
}

/// Awaits every awaitable of `iter` (coroutines, tasks, any `Future`) concurrently and returns
/// their outputs in argument order, as `asyncio.gather(*aws)` does.
///
/// If a child panics, the panic goes through the awaiter and the other children are dropped.
///
/// ```
/// let out = coro_core::block_on(coro_core::gather_all([1, 2].map(std::future::ready)));
/// assert_eq!(out, vec![1, 2]);
/// ```
pub fn gather_all<I>(iter: I) -> GatherAll<<I::Item as IntoFuture>::IntoFuture>
where
    I: IntoIterator,
    I::Item: IntoFuture,
{
    let children: Vec<_> = iter
        .into_iter()
        .map(|f| Child::new(f.into_future()))
        .collect();
    let n = children.len();
    GatherAll {
        children,
        remaining: n,
        order: WakeOrder::new(n),
    }
}

impl<F: Future> Future for GatherAll<F> {
    type Output = Vec<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        for i in this.order.take(cx) {
            let child = &mut this.children[i];
            if !child.is_done() && child.poll_child(this.order.waker(i)) {
                this.remaining -= 1;
            }
        }
        if this.remaining == 0 {
            Poll::Ready(this.children.iter_mut().map(Child::take).collect())
        } else {
            Poll::Pending
        }
    }
}

macro_rules! gather_tuple {
    ($(#[$doc:meta])* $name:ident, $n:literal; $($idx:tt $F:ident),+) => {
        $(#[$doc])*
        #[must_use = "futures do nothing unless awaited or scheduled"]
        pub struct $name<$($F: Future),+> {
            children: ($(Child<$F>,)+),
            order: WakeOrder,
        }

        // The children are boxed and the outputs are never pinned.
        impl<$($F: Future),+> Unpin for $name<$($F),+> {}

        impl<$($F: Future),+> fmt::Debug for $name<$($F),+> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(stringify!($name))
            }
        }

        impl<$($F: Future),+> $name<$($F),+> {
            /// Starts gathering the given futures; used by `gather!`.
            #[doc(hidden)]
            #[allow(non_snake_case, clippy::too_many_arguments)]
            pub fn new($($F: impl IntoFuture<IntoFuture = $F>),+) -> Self {
                Self {
                    children: ($(Child::new($F.into_future()),)+),
                    order: WakeOrder::new($n),
                }
            }
        }

        impl<$($F: Future),+> Future for $name<$($F),+> {
            type Output = ($($F::Output,)+);

            fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
                let this = self.get_mut();
                for i in this.order.take(cx) {
                    match i {
                        $($idx => {
                            this.children.$idx.poll_child(this.order.waker(i));
                        })+
                        _ => unreachable!("child index out of range"),
                    }
                }
                if $(this.children.$idx.is_done())&&+ {
                    Poll::Ready(($(this.children.$idx.take(),)+))
                } else {
                    Poll::Pending
                }
            }
        }
    };
}

gather_tuple!(
    /// Future of `gather!` with one argument.
    Gather1, 1; 0 A);
gather_tuple!(
    /// Future of `gather!` with two arguments.
    Gather2, 2; 0 A, 1 B);
gather_tuple!(
    /// Future of `gather!` with three arguments.
    Gather3, 3; 0 A, 1 B, 2 C);
gather_tuple!(
    /// Future of `gather!` with four arguments.
    Gather4, 4; 0 A, 1 B, 2 C, 3 D);
gather_tuple!(
    /// Future of `gather!` with five arguments.
    Gather5, 5; 0 A, 1 B, 2 C, 3 D, 4 E);
gather_tuple!(
    /// Future of `gather!` with six arguments.
    Gather6, 6; 0 A, 1 B, 2 C, 3 D, 4 E, 5 G);
gather_tuple!(
    /// Future of `gather!` with seven arguments.
    Gather7, 7; 0 A, 1 B, 2 C, 3 D, 4 E, 5 G, 6 H);
gather_tuple!(
    /// Future of `gather!` with eight arguments.
    Gather8, 8; 0 A, 1 B, 2 C, 3 D, 4 E, 5 G, 6 H, 7 I);

/// Awaits up to eight awaitables (coroutines, tasks, any `Future`) concurrently and returns a
/// tuple of their outputs in argument order, as `asyncio.gather(a, b, …)` does.
///
/// For more, or for a number only known at run time, use [`gather_all`](crate::gather_all).
///
/// ```
/// let (a, b) = coro_core::block_on(async {
///     coro_core::gather!(async { 1 }, async { "two" }).await
/// });
/// assert_eq!((a, b), (1, "two"));
/// ```
#[macro_export]
macro_rules! gather {
    () => {
        ::core::compile_error!(
            "`gather!()` needs at least one awaitable: `gather!(a(), b())`; for a list built at \
             run time, use `gather_all(iter)`"
        )
    };
    ($a:expr $(,)?) => {
        $crate::__private::Gather1::new($a)
    };
    ($a:expr, $b:expr $(,)?) => {
        $crate::__private::Gather2::new($a, $b)
    };
    ($a:expr, $b:expr, $c:expr $(,)?) => {
        $crate::__private::Gather3::new($a, $b, $c)
    };
    ($a:expr, $b:expr, $c:expr, $d:expr $(,)?) => {
        $crate::__private::Gather4::new($a, $b, $c, $d)
    };
    ($a:expr, $b:expr, $c:expr, $d:expr, $e:expr $(,)?) => {
        $crate::__private::Gather5::new($a, $b, $c, $d, $e)
    };
    ($a:expr, $b:expr, $c:expr, $d:expr, $e:expr, $f:expr $(,)?) => {
        $crate::__private::Gather6::new($a, $b, $c, $d, $e, $f)
    };
    ($a:expr, $b:expr, $c:expr, $d:expr, $e:expr, $f:expr, $g:expr $(,)?) => {
        $crate::__private::Gather7::new($a, $b, $c, $d, $e, $f, $g)
    };
    ($a:expr, $b:expr, $c:expr, $d:expr, $e:expr, $f:expr, $g:expr, $h:expr $(,)?) => {
        $crate::__private::Gather8::new($a, $b, $c, $d, $e, $f, $g, $h)
    };
    ($($more:expr),+ $(,)?) => {
        ::core::compile_error!(
            "`gather!` takes at most 8 awaitables: nest them (`gather!(gather!(a, b), c)`) or \
             use `gather_all(iter)` when they have one output type"
        )
    };
}
