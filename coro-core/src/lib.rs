//! Python's coroutine model for Rust.
//!
//! `#[coro_core::coroutine]` rewrites an ordinary `fn` whose body uses `.await` into a
//! hand-rolled state machine (see `ARCHITECTURE.md`). Calling the function runs nothing: it
//! returns a coroutine object that implements [`Future`] and
//! [`Coroutine`].
//!
//! ```
//! #[coro_core::coroutine]
//! fn add_later(a: u32, b: u32) -> u32 {
//!     let a = core::future::ready(a).await;
//!     a + b
//! }
//!
//! let coro = add_later(1, 2);
//! assert_eq!(coro_core::Coroutine::state(&coro), coro_core::CoroutineState::Created);
//! assert!(format!("{coro:?}").starts_with("<coroutine object add_later at 0x"));
//! assert_eq!(coro_core::block_on(coro), 3);
//! ```
//!
//! With `#[coro_core::coroutine(yield = T)]` the same transform makes generators instead:
//! [`yield_!`] suspends with a value, [`Generator`] resumes (and, with `resume = R`, sends values
//! back in), [`yield_from!`] delegates, and a body that also uses `.await` becomes a [`Stream`]
//! (an async generator) that [`for_each`], [`fold`], [`next`] and [`next_owned`] consume. See
//! [`Generator`].
//!
//! The attribute's options, comma-separated in any order:
//!
//! - `boxed`: return `Pin<Box<dyn Coroutine<Output = T> + '_>>`, so the function may await
//!   itself (recursion). Without it, a direct recursive call is a compile error that says so.
//! - `send`: declare the returned object `Send`. A value that is not `Send` held across an
//!   `.await` is then an error at the function, naming the value, instead of at a distant
//!   `tokio::spawn`; with `boxed`, the box is `dyn Coroutine + Send` and can go to a
//!   multi-threaded executor. Without `send`, a coroutine is `Send` exactly when what it holds
//!   is (a boxed one never is).
//! - `yield = Y`, `resume = R`: make a generator, see below.
//! - `async` (with `yield = Y`): make an async generator (a [`Stream`]) even when the body has
//!   no `.await` of its own, e.g. one that only re-yields a stream with [`yield_from!`]. Without
//!   it, a generator whose body has no `.await` is a sync one (an [`Iterator`]).
//!
//! ```
//! #[coro_core::coroutine(boxed, send)]
//! fn fib(n: u64) -> u64 {
//!     if n < 2 {
//!         return n;
//!     }
//!     fib(n - 1).await + fib(n - 2).await
//! }
//!
//! fn spawnable<T: Send + 'static>(_: &T) {}
//! let f = fib(10);
//! spawnable(&f);
//! assert_eq!(coro_core::block_on(f), 55);
//! ```
//!
//! Spell the attribute with its path, `#[coro_core::coroutine]`, or import it under another name
//! (`use coro_core::coroutine as coro;`). A bare `#[coroutine]` brought in by `use` is ambiguous
//! with rustc's built-in (unstable) `#[coroutine]` attribute and fails with E0659.
// The pinning primitives of the generated state enums are the crate's only `unsafe` code.
#![deny(unsafe_code)]

mod awaitable;
mod block_on;
mod coroutine;
mod frame;
mod gather;
mod generator;
#[doc(hidden)]
pub mod inspect;
mod state;
mod stream;
mod try_op;
mod type_of;

pub use block_on::block_on;
/// For event loops: the hook that makes [`block_on`] refuse to run inside one (see
/// `enter_event_loop`'s docs). Not for programs.
#[doc(hidden)]
pub use block_on::{EventLoopGuard, enter_event_loop};
pub use coro_macros::coroutine;
pub use coroutine::{Coroutine, CoroutineState};
pub use gather::{GatherAll, gather_all};
pub use generator::{Generator, GeneratorState};
pub use stream::{Fold, ForEach, Next, NextOwned, Stream, fold, for_each, next, next_owned};

/// Items the expansion of `#[coroutine]` refers to. Not a public API: names and signatures may
/// change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::awaitable::{Awaitable, into_future};
    pub use crate::coroutine::FnOutput;
    pub use crate::frame::{
        DONE_ARM, Frame, GenFrame, Life, Object, PANICKED_ARM, Phase, RUNNING_ARM, StreamFrame,
        Stub, not_resumable,
    };
    pub use crate::gather::{
        Gather1, Gather2, Gather3, Gather4, Gather5, Gather6, Gather7, Gather8,
    };
    pub use crate::generator::{Generator, GeneratorState};
    pub use crate::inspect;
    pub use crate::state::{
        OverwriteOnDrop, StateEnum, other_variant, pinned_arm, pinned_phase, unreachable_state,
    };
    pub use crate::stream::next_owned;
    pub use crate::try_op::{
        Branch, ControlFlowResidual, ErrorFrom, FromResidual, OptionResidual, ResultResidual,
        operand,
    };
    pub use crate::type_of::{TypeOf, type_of};
    pub use crate::{__coro_resume_state as resume_state, __coro_take_state as take_state};
    pub use core::future::{Future, IntoFuture};
    pub use core::ops::ControlFlow;
    pub use core::pin::Pin;
    pub use core::task::{Context, Poll};
}
