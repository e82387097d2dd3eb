//! `Frame`: the coroutine object every `#[coroutine]` function returns.
//!
//! The macro generates two things per function: a state enum (one variant per suspension point,
//! holding what is live there) and a step closure that advances it. `Frame` owns both and adds
//! what every coroutine needs and nothing the macro has to repeat: the life-cycle flag that turns
//! misuse into a clear panic, poisoning on unwind, and `Debug`/[`Coroutine`] reporting.

use crate::coroutine::{Coroutine, CoroutineState};
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use pin_project_lite::pin_project;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Life {
    Created,
    Suspended,
    Running,
    Done,
    Panicked,
}

pin_project! {
    /// A coroutine object: a generated state enum `S` advanced by a generated step function `F`.
    #[must_use = "coroutines do nothing unless awaited or scheduled"]
    pub struct Frame<S, F> {
        name: &'static str,
        life: Life,
        // `None` once the coroutine has returned or panicked: whatever it still held has been
        // dropped in place by then.
        #[pin]
        state: Option<S>,
        step: F,
    }
}

impl<S, F> Frame<S, F> {
    /// Wraps the initial state (the arguments) and the step function of coroutine `name`.
    #[inline]
    pub fn new<T>(name: &'static str, state: S, step: F) -> Self
    where
        F: FnMut(Pin<&mut S>, &mut Context<'_>) -> Poll<T>,
    {
        Self {
            name,
            life: Life::Created,
            state: Some(state),
            step,
        }
    }
}

/// Marks the frame poisoned and drops what the state still holds if the step unwinds.
struct PoisonOnUnwind<'a, S> {
    life: &'a mut Life,
    state: Pin<&'a mut Option<S>>,
}

impl<S> Drop for PoisonOnUnwind<'_, S> {
    fn drop(&mut self) {
        *self.life = Life::Panicked;
        self.state.set(None);
    }
}

impl<S, F, T> Future for Frame<S, F>
where
    F: FnMut(Pin<&mut S>, &mut Context<'_>) -> Poll<T>,
{
    type Output = T;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let this = self.project();
        match *this.life {
            Life::Created | Life::Suspended => {}
            Life::Done => panic!("coroutine resumed after completion"),
            Life::Panicked => panic!("coroutine resumed after panicking"),
            // The step closure owns no handle to its own frame, so this needs a waker that
            // polls synchronously from inside `wake`, which is itself a bug.
            Life::Running => panic!("coroutine `{}` polled while it is running", this.name),
        }
        *this.life = Life::Running;
        let mut guard = PoisonOnUnwind {
            life: this.life,
            state: this.state,
        };
        let Some(state) = guard.state.as_mut().as_pin_mut() else {
            unreachable!("a live coroutine always has a state")
        };
        let out = (this.step)(state, cx);
        if out.is_ready() {
            guard.state.set(None);
            *guard.life = Life::Done;
        } else {
            *guard.life = Life::Suspended;
        }
        core::mem::forget(guard);
        out
    }
}

impl<S, F, T> Coroutine for Frame<S, F>
where
    F: FnMut(Pin<&mut S>, &mut Context<'_>) -> Poll<T>,
{
    fn name(&self) -> &'static str {
        self.name
    }

    fn state(&self) -> CoroutineState {
        match self.life {
            Life::Created => CoroutineState::Created,
            Life::Suspended => CoroutineState::Suspended,
            Life::Running => CoroutineState::Running,
            Life::Done | Life::Panicked => CoroutineState::Done,
        }
    }
}

impl<S, F> fmt::Debug for Frame<S, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<coroutine object {} at {:p}>", self.name, self)
    }
}

/// What a function whose `#[coroutine]` expansion failed returns, beside the compile error, so
/// callers type-check and only the real error is reported.
pub struct Stub<T>(core::marker::PhantomData<fn() -> T>);

impl<T> Stub<T> {
    /// Never called at run time: the crate does not compile.
    pub fn new() -> Self {
        Self(core::marker::PhantomData)
    }
}

impl<T> Default for Stub<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Future for Stub<T> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<T> {
        unreachable!("a coroutine that failed to compile was polled")
    }
}

impl<T> Coroutine for Stub<T> {
    fn name(&self) -> &'static str {
        "<stub>"
    }
    fn state(&self) -> CoroutineState {
        CoroutineState::Done
    }
}

impl<T> fmt::Debug for Stub<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<coroutine stub>")
    }
}
