//! The `Coroutine` trait: what every coroutine object can say about itself.

use core::fmt;
use core::future::Future;

/// Where a coroutine object is in its life, as `inspect.getcoroutinestate` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CoroutineState {
    /// Created by a call, never polled.
    Created,
    /// Polled at least once and waiting at an `.await`.
    Suspended,
    /// Being polled right now (only observable from inside its own poll).
    Running,
    /// Returned a value, or panicked.
    Done,
}

impl fmt::Display for CoroutineState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Created => "CORO_CREATED",
            Self::Suspended => "CORO_SUSPENDED",
            Self::Running => "CORO_RUNNING",
            Self::Done => "CORO_CLOSED",
        })
    }
}

/// A coroutine object: the value a `#[coroutine]` function returns.
///
/// It is a [`Future`]; awaiting it (or scheduling it on an event loop) runs the body.
#[must_use = "coroutines do nothing unless awaited or scheduled with create_task"]
pub trait Coroutine: Future {
    /// The name of the function the coroutine was created from.
    fn name(&self) -> &'static str;
    /// Where the coroutine is in its life.
    fn state(&self) -> CoroutineState;
}

// A `#[coroutine(boxed)]` fn returns `Pin<Box<dyn Coroutine<..>>>` (`+ Send` with `send`):
// it prints as the unboxed coroutine does, `<coroutine object NAME at 0x..>`, the address being
// the coroutine's own (inside the box).
impl<T> fmt::Debug for dyn Coroutine<Output = T> + '_ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<coroutine object {} at {:p}>", self.name(), thin(self))
    }
}

impl<T> fmt::Debug for dyn Coroutine<Output = T> + Send + '_ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<coroutine object {} at {:p}>", self.name(), thin(self))
    }
}

/// The address alone: `{:p}` of a trait object also prints its vtable.
fn thin<T: ?Sized>(object: &T) -> *const () {
    core::ptr::from_ref(object).cast()
}

/// The output type of a function pointer. The expansion names a coroutine declared `-> !` by
/// `<fn() -> ! as FnOutput>::Output`: the never type cannot be written as a type argument on
/// stable Rust (`Poll<!>`), but it can be a function pointer's output.
#[doc(hidden)]
pub trait FnOutput {
    /// What the function returns.
    type Output;
}

impl<T> FnOutput for fn() -> T {
    type Output = T;
}
