//! The objects every `#[coroutine]` function returns: [`Frame`] (a coroutine, a `Future`),
//! [`GenFrame`] (a generator) and [`StreamFrame`] (an async generator, a `Stream`).
//!
//! The macro generates two things per function: a state enum (one variant per suspension point,
//! holding what is live there) and a step closure that advances it. A frame owns both; the step
//! closure captures nothing, so a frame is exactly as big as the state enum. The life cycle lives
//! in the enum too: besides one variant per suspension, the macro adds the unit variants
//! `__Done` and `__Panicked`, and implements [`StateEnum`] to report which one is current (and,
//! as a constant, the function's name). Unit variants only use spare discriminant values, so
//! they cost no space.

use crate::coroutine::{Coroutine, CoroutineState};
use crate::generator::{Generator, GeneratorState};
use crate::state::{StateEnum, pinned_phase, shared_arm};
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use futures_core::Stream;
use pin_project_lite::pin_project;

/// Where a state machine is in its life, as its state enum reports it.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The start variant: holds the arguments, never resumed.
    Created,
    /// Any variant of a suspension point.
    Suspended,
    /// Returned (or, for a stream, ended).
    Done,
    /// A step unwound; whatever the state held has been dropped.
    Panicked,
}

/// What [`StateEnum::arm_at`](crate::state::StateEnum::arm_at) answers for `__Done`, which no arm resumes.
#[doc(hidden)]
pub const DONE_ARM: usize = usize::MAX;
/// What [`StateEnum::arm_at`](crate::state::StateEnum::arm_at) answers for `__Panicked`, which no arm resumes.
#[doc(hidden)]
pub const PANICKED_ARM: usize = usize::MAX - 1;
/// What [`StateEnum::arm_at`](crate::state::StateEnum::arm_at) answers for `__Running`, which no step ever finds.
#[doc(hidden)]
pub const RUNNING_ARM: usize = usize::MAX - 2;

/// What a state enum gives the frame besides its dispatch (see
/// [`StateEnum::LIFE`](crate::state::StateEnum::LIFE)): the function's name and the enum's
/// three unit variants.
#[doc(hidden)]
pub struct Life<S> {
    /// The function's name, for `Debug` and [`Coroutine::name`].
    pub name: &'static str,
    /// The `__Running` variant: what the state holds while a step has moved its fields out.
    pub running: S,
    /// The `__Done` variant.
    pub done: S,
    /// The `__Panicked` variant.
    pub panicked: S,
}

impl Phase {
    /// The phase a rank from [`StateEnum::arm_at`] stands for.
    #[inline]
    #[must_use]
    pub fn of_arm(arm: usize) -> Self {
        match arm {
            0 => Self::Created,
            DONE_ARM => Self::Done,
            PANICKED_ARM => Self::Panicked,
            // `__Running` too: it is never observed from outside a step.
            _ => Self::Suspended,
        }
    }
}

/// The three kinds of object, for the misuse panics.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub enum Object {
    Coroutine,
    Generator,
    AsyncGenerator,
}

/// The panic of a step entered in a state that no step resumes: `__Done` or `__Panicked`
/// (through a misuse: polled again), never `__Running` (a step holds the only `&mut`). The
/// generated dispatch calls it from its fallback arm, so that the hot path of a poll tests the
/// state once, in the dispatch, rather than first here and then there; a separate life-cycle
/// check before every step kept always-ready coroutines from being inlined into their caller.
/// It takes the phase, not the state: a reference would let the state's address escape into
/// this call, and the optimiser would then keep a pinned-on-the-stack coroutine in memory.
///
/// `#[track_caller]`: the dispatch that calls it is spanned on the `#[coroutine]` attribute, so
/// the panic reports the user's coroutine, not this file. It costs the cold call one constant
/// argument, and the expansion no tokens.
#[doc(hidden)]
#[cold]
#[inline(never)]
#[track_caller]
pub fn not_resumable(phase: Phase, object: Object) -> ! {
    // Literal messages, so the panic payload is a `&'static str` callers can downcast.
    match (phase, object) {
        (Phase::Done, Object::Coroutine) => panic!("coroutine resumed after completion"),
        (Phase::Done, Object::Generator) => panic!("generator resumed after completion"),
        (Phase::Done, Object::AsyncGenerator) => panic!("async generator resumed after completion"),
        (Phase::Panicked, Object::Coroutine) => panic!("coroutine resumed after panicking"),
        (Phase::Panicked, Object::Generator) => panic!("generator resumed after panicking"),
        (Phase::Panicked, Object::AsyncGenerator) => {
            panic!("async generator resumed after panicking")
        }
        (Phase::Created | Phase::Suspended, _) => crate::state::unreachable_state(),
    }
}

/// Runs one step of a state machine. If the step unwinds, the state becomes `PANICKED`, which
/// drops whatever it still held in place; if `finished` says the step ended the machine, the
/// state becomes `DONE`. A finished state is refused by the step's own dispatch
/// ([`not_resumable`]).
#[inline]
fn step<S: StateEnum, O>(
    mut state: Pin<&mut S>,
    run: impl FnOnce(Pin<&mut S>) -> O,
    finished: impl FnOnce(&O) -> bool,
) -> O {
    let mut guard = PoisonOnUnwind(state.as_mut());
    let out = run(guard.0.as_mut());
    core::mem::forget(guard);
    if finished(&out) {
        state.set(S::LIFE.done);
    }
    out
}

/// Poisons the state (dropping what it holds) if the step unwinds, unless it unwound from
/// [`not_resumable`] on a finished state: polling a completed coroutine again must keep saying
/// so.
struct PoisonOnUnwind<'a, S: StateEnum>(Pin<&'a mut S>);

impl<S: StateEnum> Drop for PoisonOnUnwind<'_, S> {
    fn drop(&mut self) {
        if pinned_phase(self.0.as_mut()) != Phase::Done {
            self.0.set(S::LIFE.panicked);
        }
    }
}

/// Asked through `&self` (`Coroutine::state`, `GenFrame::life`): a shared reference to the
/// state, as taking `&` of any future is; the frame's own polls never make one.
fn life<S: StateEnum>(state: &S) -> CoroutineState {
    match Phase::of_arm(shared_arm(state)) {
        Phase::Created => CoroutineState::Created,
        Phase::Suspended => CoroutineState::Suspended,
        Phase::Done | Phase::Panicked => CoroutineState::Done,
    }
}

pin_project! {
    /// A coroutine object: a generated state enum `S` advanced by a generated step function
    /// `F`.
    #[must_use = "coroutines do nothing unless awaited or scheduled with create_task"]
    pub struct Frame<S, F> {
        #[pin]
        state: S,
        step: F,
    }
}

impl<S, F> Frame<S, F> {
    /// Wraps the initial state (the arguments) and the step function of a coroutine.
    #[inline]
    pub fn new<T>(state: S, step: F) -> Self
    where
        F: FnMut(Pin<&mut S>, &mut Context<'_>) -> Poll<T>,
    {
        Self { state, step }
    }
}

impl<S, F, T> Future for Frame<S, F>
where
    S: StateEnum,
    F: FnMut(Pin<&mut S>, &mut Context<'_>) -> Poll<T>,
{
    type Output = T;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let this = self.project();
        let f = this.step;
        step(this.state, |s| f(s, cx), Poll::is_ready)
    }
}

impl<S, F, T> Coroutine for Frame<S, F>
where
    S: StateEnum,
    F: FnMut(Pin<&mut S>, &mut Context<'_>) -> Poll<T>,
{
    fn name(&self) -> &'static str {
        S::LIFE.name
    }

    fn state(&self) -> CoroutineState {
        life(&self.state)
    }
}

impl<S: StateEnum, F> fmt::Debug for Frame<S, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<coroutine object {} at {:p}>", S::LIFE.name, self)
    }
}

pin_project! {
    /// A generator object: `#[coroutine(yield = Y)]` (and `resume = R`) without `.await`.
    #[must_use = "generators do nothing unless iterated or resumed"]
    pub struct GenFrame<S, F> {
        #[pin]
        state: S,
        step: F,
    }
}

impl<S, F> GenFrame<S, F> {
    /// Wraps the initial state and the step function of a generator. The step gets
    /// `None` when started and `Some(sent)` on every later resume.
    #[inline]
    pub fn new<R, Y, T>(state: S, step: F) -> Self
    where
        F: FnMut(Pin<&mut S>, Option<R>) -> GeneratorState<Y, T>,
    {
        Self { state, step }
    }
}

impl<S, F> GenFrame<S, F>
where
    S: StateEnum,
{
    /// Where the generator is in its life (`Running` is never observed).
    pub fn life(&self) -> CoroutineState {
        life(&self.state)
    }
}

impl<S, F, R, Y, T> Generator<R> for GenFrame<S, F>
where
    S: StateEnum,
    F: FnMut(Pin<&mut S>, Option<R>) -> GeneratorState<Y, T>,
{
    type Yield = Y;
    type Return = T;

    fn start(self: Pin<&mut Self>) -> GeneratorState<Y, T> {
        let mut this = self.project();
        assert!(
            pinned_phase(this.state.as_mut()) != Phase::Suspended,
            "start() on a generator that has already started: use resume(value)"
        );
        let f = this.step;
        step(this.state, |s| f(s, None), GeneratorState::is_complete)
    }

    fn resume(self: Pin<&mut Self>, arg: R) -> GeneratorState<Y, T> {
        let mut this = self.project();
        let sent = if pinned_phase(this.state.as_mut()) == Phase::Created {
            // Nothing is waiting for a value yet. A zero-sized value carries no information, so
            // `resume(())` may start a generator; anything else would be lost: refuse it.
            assert!(
                size_of::<R>() == 0,
                "can't send a value to a generator that has not started: call start() first"
            );
            None
        } else {
            Some(arg)
        };
        let f = this.step;
        step(this.state, |s| f(s, sent), GeneratorState::is_complete)
    }
}

/// A generator that takes no values is an iterator over what it yields (its return value, if
/// any, is dropped). It must be `Unpin`, and every generator `#[coroutine]` makes is: its state
/// stores no future, only locals that move in and out at each `yield_!`, so the macro declares
/// the state `Unpin` whatever those locals are (see `coro_core::state`).
impl<S, F, Y, T> Iterator for GenFrame<S, F>
where
    S: StateEnum + Unpin,
    F: FnMut(Pin<&mut S>, Option<()>) -> GeneratorState<Y, T>,
{
    type Item = Y;

    fn next(&mut self) -> Option<Y> {
        if Phase::of_arm(shared_arm(&self.state)) == Phase::Done {
            return None;
        }
        match Pin::new(self).resume(()) {
            GeneratorState::Yielded(y) => Some(y),
            GeneratorState::Complete(_) => None,
        }
    }
}

impl<S, F, Y, T> core::iter::FusedIterator for GenFrame<S, F>
where
    S: StateEnum + Unpin,
    F: FnMut(Pin<&mut S>, Option<()>) -> GeneratorState<Y, T>,
{
}

impl<S: StateEnum, F> fmt::Debug for GenFrame<S, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<generator object {} at {:p}>", S::LIFE.name, self)
    }
}

pin_project! {
    /// An async generator object: `#[coroutine(yield = Y)]` whose body also uses `.await`. It
    /// is a [`Stream`] of what it yields.
    #[must_use = "streams do nothing unless polled"]
    pub struct StreamFrame<S, F> {
        #[pin]
        state: S,
        step: F,
    }
}

impl<S, F> StreamFrame<S, F> {
    /// Wraps the initial state and the step function of an async generator.
    #[inline]
    pub fn new<Y>(state: S, step: F) -> Self
    where
        F: FnMut(Pin<&mut S>, &mut Context<'_>) -> Poll<Option<Y>>,
    {
        Self { state, step }
    }
}

impl<S, F, Y> Stream for StreamFrame<S, F>
where
    S: StateEnum,
    F: FnMut(Pin<&mut S>, &mut Context<'_>) -> Poll<Option<Y>>,
{
    type Item = Y;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Y>> {
        let mut this = self.project();
        // An ended stream keeps answering `None`, as a fused stream does.
        if pinned_phase(this.state.as_mut()) == Phase::Done {
            return Poll::Ready(None);
        }
        let f = this.step;
        step(
            this.state,
            |s| f(s, cx),
            |out| matches!(out, Poll::Ready(None)),
        )
    }
}

impl<S: StateEnum, F> fmt::Debug for StreamFrame<S, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<async_generator object {} at {:p}>", S::LIFE.name, self)
    }
}

/// What a function whose `#[coroutine]` expansion failed returns, beside the compile error, so
/// callers type-check and only the real error is reported. It stands in for every kind:
/// coroutine (`T` its output), generator (`Y` its items, `R` what it is sent) and stream.
pub struct Stub<T, Y = (), R = ()>(core::marker::PhantomData<fn(R) -> (T, Y)>);

impl<T, Y, R> Stub<T, Y, R> {
    /// Never called at run time: the crate does not compile.
    pub fn new() -> Self {
        Self(core::marker::PhantomData)
    }
}

impl<T, Y, R> Default for Stub<T, Y, R> {
    fn default() -> Self {
        Self::new()
    }
}

const STUB_POLLED: &str = "a coroutine that failed to compile was run";

impl<T, Y, R> Future for Stub<T, Y, R> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<T> {
        unreachable!("{STUB_POLLED}")
    }
}

impl<T, Y, R> Coroutine for Stub<T, Y, R> {
    fn name(&self) -> &'static str {
        "<stub>"
    }
    fn state(&self) -> CoroutineState {
        CoroutineState::Done
    }
}

impl<T, Y, R> Generator<R> for Stub<T, Y, R> {
    type Yield = Y;
    type Return = T;
    fn start(self: Pin<&mut Self>) -> GeneratorState<Y, T> {
        unreachable!("{STUB_POLLED}")
    }
    fn resume(self: Pin<&mut Self>, _: R) -> GeneratorState<Y, T> {
        unreachable!("{STUB_POLLED}")
    }
}

impl<T, Y, R> Iterator for Stub<T, Y, R> {
    type Item = Y;
    fn next(&mut self) -> Option<Y> {
        unreachable!("{STUB_POLLED}")
    }
}

impl<T, Y, R> Stream for Stub<T, Y, R> {
    type Item = Y;
    fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Y>> {
        unreachable!("{STUB_POLLED}")
    }
}

impl<T, Y, R> fmt::Debug for Stub<T, Y, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<coroutine stub>")
    }
}
