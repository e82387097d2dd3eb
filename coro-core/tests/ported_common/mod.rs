//! Shared by the `ported_*` tests: a per-thread event log, drop tracers, futures that stay
//! pending, and drivers that poll a future a given number of times and then drop it.
//!
//! Every test binary includes this module; each uses a different subset.
#![allow(dead_code)]

use std::cell::RefCell;
use std::fmt::Debug;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// Declares one body twice: `$reference` as an `async fn` (rustc's lowering, the reference)
/// and `$ours` as a `#[coro_core::coroutine] fn`. Test files take it with `#[macro_use]`.
#[allow(unused_macros)]
macro_rules! twin {
    (fn $ours:ident / $reference:ident ($($params:tt)*) $(-> $ret:ty)? { $($body:tt)* }) => {
        async fn $reference($($params)*) $(-> $ret)? { $($body)* }
        #[coro_core::coroutine]
        fn $ours($($params)*) $(-> $ret)? { $($body)* }
    };
}

thread_local! {
    static LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Appends one event to this thread's log.
pub fn log(event: impl Into<String>) {
    LOG.with(|l| l.borrow_mut().push(event.into()));
}

/// Empties this thread's log and returns what it held.
pub fn take_log() -> Vec<String> {
    LOG.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

/// A drop tracer: logs `drop NAME` when dropped.
#[derive(Debug)]
pub struct D(pub &'static str);

impl Drop for D {
    fn drop(&mut self) {
        log(format!("drop {}", self.0));
    }
}

/// Pending forever (and never wakes).
#[derive(Debug)]
pub struct NeverReady;

impl Future for NeverReady {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        Poll::Pending
    }
}

/// Pending `left` times (waking each time), then ready with its value.
#[derive(Debug)]
pub struct Later<T> {
    left: u32,
    value: Option<T>,
}

impl<T: Unpin> Future for Later<T> {
    type Output = T;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        if self.left == 0 {
            Poll::Ready(
                self.value
                    .take()
                    .expect("`Later` polled after it was ready"),
            )
        } else {
            self.left -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// Ready with `value` on the second poll.
pub fn later<T: Unpin>(value: T) -> Later<T> {
    Later {
        left: 1,
        value: Some(value),
    }
}

/// Ready with `value` after `n` pending polls.
pub fn later_n<T: Unpin>(n: u32, value: T) -> Later<T> {
    Later {
        left: n,
        value: Some(value),
    }
}

/// A context whose waker does nothing.
pub fn noop_cx() -> Context<'static> {
    Context::from_waker(Waker::noop())
}

/// Polls `fut` at most `polls` times (stopping when it is ready), then drops it. Every poll, its
/// outcome and the drop are logged between the future's own events; returns the output (if it
/// finished) and the log.
pub fn run_for<F: Future>(fut: F, polls: usize) -> (Option<F::Output>, Vec<String>) {
    take_log();
    let mut fut = Box::pin(fut);
    let mut cx = noop_cx();
    let mut out = None;
    for i in 1..=polls {
        log(format!(">poll {i}"));
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            log("<ready");
            out = Some(v);
            break;
        }
        log("<pending");
    }
    log(">drop");
    drop(fut);
    log("<dropped");
    (out, take_log())
}

/// Polls to completion (at most 10 000 polls) and returns the output and the log.
pub fn run<F: Future>(fut: F) -> (F::Output, Vec<String>) {
    let (out, log) = run_for(fut, 10_000);
    (out.expect("did not complete in 10 000 polls"), log)
}

/// For every number of polls from 0 until the reference completes: poll `ours()` and
/// `reference()` that many times, drop them, and assert they returned the same thing and logged
/// the same events (body events, drops, and where each poll and the final drop fall).
/// Returns the number of polls the reference needed to complete.
pub fn assert_same_at_every_cancel<T, FR, FO>(
    reference: impl Fn() -> FR,
    ours: impl Fn() -> FO,
) -> usize
where
    T: PartialEq + Debug,
    FR: Future<Output = T>,
    FO: Future<Output = T>,
{
    for polls in 0..10_000 {
        let (want, want_log) = run_for(reference(), polls);
        let (got, got_log) = run_for(ours(), polls);
        assert_eq!(
            got_log, want_log,
            "logs differ when dropped after {polls} polls (left: ours, right: async fn)"
        );
        assert_eq!(got, want, "outputs differ after {polls} polls");
        if want.is_some() {
            return polls;
        }
    }
    panic!("the reference did not complete in 10 000 polls")
}

/// Like [`assert_same_at_every_cancel`] for futures that may never complete: compares the runs
/// dropped after 0 to `max_polls` polls.
pub fn assert_same_up_to<T, FR, FO>(
    reference: impl Fn() -> FR,
    ours: impl Fn() -> FO,
    max_polls: usize,
) where
    T: PartialEq + Debug,
    FR: Future<Output = T>,
    FO: Future<Output = T>,
{
    for polls in 0..=max_polls {
        let (want, want_log) = run_for(reference(), polls);
        let (got, got_log) = run_for(ours(), polls);
        assert_eq!(
            got_log, want_log,
            "logs differ when dropped after {polls} polls (left: ours, right: async fn)"
        );
        assert_eq!(got, want, "outputs differ after {polls} polls");
    }
}

/// The events of a completed run without the driver's markers (`>poll`, `<ready`, …): what a
/// plain `fn` with the same body would log.
pub fn body_events(log: &[String]) -> Vec<String> {
    log.iter()
        .filter(|e| !e.starts_with('>') && !e.starts_with('<'))
        .cloned()
        .collect()
}

/// Runs `f`, expecting it to panic, and returns the panic message.
pub fn panic_message<R>(f: impl FnOnce() -> R) -> String {
    let err = panic::catch_unwind(AssertUnwindSafe(f))
        .err()
        .expect("expected a panic");
    if let Some(s) = err.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = err.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic payload>".to_string()
    }
}

/// A tracer with a number to match by pattern (`Numbered { n: 0, .. }`): a place matched
/// without binding anything by value, which is a read and not a move.
pub struct Numbered {
    pub n: u32,
    pub name: &'static str,
}

impl Drop for Numbered {
    fn drop(&mut self) {
        log(format!("drop {}", self.name));
    }
}
