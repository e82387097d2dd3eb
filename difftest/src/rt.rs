//! What generated programs call, and the harness that runs two lowerings side by side.
//!
//! Every observable effect of a generated program goes through the thread-local event log:
//! [`Tracer`]s log their construction, reads and drop, [`Yield`] futures log their creation,
//! polls and drop, [`emit`] logs a value. The harness adds its own markers for every top-level
//! poll, so two runs with equal logs suspended at the same points, computed the same values and
//! dropped the same things in the same order.

use std::cell::{Cell, RefCell};
use std::fmt::{self, Debug};
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

thread_local! {
    static LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    static SERIAL: Cell<u32> = const { Cell::new(0) };
}

/// Appends one event to this thread's log.
pub fn log(event: impl Into<String>) {
    LOG.with(|l| l.borrow_mut().push(event.into()));
}

/// Takes this thread's log, leaving it empty, and resets the tracer serial numbers.
pub fn take_log() -> Vec<String> {
    SERIAL.with(|s| s.set(0));
    LOG.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

fn next_serial() -> u32 {
    SERIAL.with(|s| {
        let n = s.get();
        s.set(n + 1);
        n
    })
}

/// A value whose construction, reads and drop are logged.
///
/// Each tracer gets a serial number in construction order, so `drop t3#4` names exactly one
/// object even when the same `let` runs in a loop.
pub struct Tracer {
    name: &'static str,
    serial: u32,
    /// The payload; reading it through the field logs nothing.
    pub v: i64,
}

impl Tracer {
    /// Makes a tracer named `name` holding `v`, logging `new name#serial=v`.
    pub fn new(name: &'static str, v: i64) -> Self {
        let serial = next_serial();
        log(format!("new {name}#{serial}={v}"));
        Self { name, serial, v }
    }
}

impl Debug for Tracer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}={}", self.name, self.serial, self.v)
    }
}

impl Drop for Tracer {
    fn drop(&mut self) {
        log(format!("drop {}#{}", self.name, self.serial));
    }
}

/// Reads a tracer through a shared reference, logging `peek name#serial`.
pub fn peek(t: &Tracer) -> i64 {
    log(format!("peek {}#{}", t.name, t.serial));
    t.v
}

/// Takes a tracer by value (it drops on return), logging `consume name#serial`.
#[allow(clippy::needless_pass_by_value)]
pub fn consume(t: Tracer) -> i64 {
    log(format!("consume {}#{}", t.name, t.serial));
    t.v
}

/// Logs `emit v` and returns `v`.
pub fn emit(v: i64) -> i64 {
    log(format!("emit {v}"));
    v
}

/// Wrapping addition as a plain call, for awaits in argument position.
pub fn add(a: i64, b: i64) -> i64 {
    a.wrapping_add(b)
}

/// Mixes three values, logging the call so argument evaluation order is visible.
pub fn mix(a: i64, b: i64, c: i64) -> i64 {
    log(format!("mix {a} {b} {c}"));
    a.wrapping_mul(3).wrapping_add(b) ^ c
}

/// `Ok(v)` unless `v` is a multiple of 5.
pub fn check(v: i64) -> Result<i64, i64> {
    if v.rem_euclid(5) == 0 { Err(v) } else { Ok(v) }
}

/// `Some(v)` unless `v` is a multiple of 4.
pub fn nonzero(v: i64) -> Option<i64> {
    if v.rem_euclid(4) == 0 { None } else { Some(v) }
}

/// Increments `*c` and returns it while it is at most `limit`: a terminating `while let` source.
pub fn tick(c: &mut i64, limit: i64) -> Option<i64> {
    *c += 1;
    (*c <= limit).then_some(*c)
}

/// A plain struct for struct literals and destructuring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct P {
    /// First field.
    pub a: i64,
    /// Second field.
    pub b: i64,
}

impl P {
    /// Combines the fields.
    pub fn sum(self) -> i64 {
        self.a.wrapping_sub(self.b)
    }
}

/// A leaf future: `Pending` `n` times (waking the waker each time), then `Ready(value)`.
///
/// Logs `mk id` when created, `poll id` on every poll and `drop id` when dropped, so both when
/// it is awaited and when it is cancelled are in the log.
pub struct Yield<T> {
    id: &'static str,
    left: u32,
    value: Option<T>,
}

impl<T> Yield<T> {
    /// A future named `id` that is pending `n` times before it returns `value`.
    pub fn new(id: &'static str, n: u32, value: T) -> Self {
        log(format!("mk {id}"));
        Self {
            id,
            left: n,
            value: Some(value),
        }
    }
}

impl<T: Unpin> Future for Yield<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        log(format!("poll {}", self.id));
        if self.left > 0 {
            self.left -= 1;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        match self.value.take() {
            Some(v) => Poll::Ready(v),
            None => panic!("Yield `{}` polled after completion", self.id),
        }
    }
}

impl<T> Drop for Yield<T> {
    fn drop(&mut self) {
        log(format!("drop {}", self.id));
    }
}

struct CountingWaker(AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// A run is abandoned (and reported) after this many polls.
const MAX_POLLS: usize = 10_000;

/// Everything observable about one run of a future.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    /// The event log, with the harness's own `>poll N` / `<pending` / `<ready` / `>drop` markers.
    pub log: Vec<String>,
    /// The output, formatted with `Debug`, if the future completed.
    pub result: Option<String>,
    /// How many times the future was polled.
    pub polls: usize,
    /// How many times the waker was woken.
    pub wakes: usize,
    /// The panic message, if polling or dropping panicked.
    pub panic: Option<String>,
}

fn panic_message(e: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = e.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = e.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic>".to_string()
    }
}

/// Creates a future with `make`, polls it at most `limit` times (to completion when `None`),
/// then drops it, and returns what happened.
pub fn run<F: Future>(make: impl FnOnce() -> F, limit: Option<usize>) -> Trace
where
    F::Output: Debug,
{
    take_log();
    let waker_state = Arc::new(CountingWaker(AtomicUsize::new(0)));
    let waker = Waker::from(Arc::clone(&waker_state));
    let mut cx = Context::from_waker(&waker);
    let mut polls = 0;
    let mut result = None;
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        let mut fut = Box::pin(make());
        while limit.is_none_or(|l| polls < l) && polls < MAX_POLLS {
            polls += 1;
            log(format!(">poll {polls}"));
            if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
                log("<ready");
                result = Some(format!("{v:?}"));
                break;
            }
            log("<pending");
        }
        log(">drop");
        drop(fut);
    }));
    let panic = outcome.err().map(|e| panic_message(&*e));
    Trace {
        log: take_log(),
        result,
        polls,
        wakes: waker_state.0.load(Ordering::Relaxed),
        panic,
    }
}

/// Which run of a program two lowerings disagreed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunKind {
    /// Polled to completion.
    Complete,
    /// Polled this many times, then dropped.
    Cancel(usize),
}

/// Two lowerings of the same program behaved differently.
#[derive(Clone, Debug)]
pub struct Mismatch {
    /// Which run showed the difference.
    pub run: RunKind,
    /// What rustc's `async fn` did.
    pub reference: Trace,
    /// What the other lowering did.
    pub ours: Trace,
}

impl Mismatch {
    /// The index of the first differing log event (the log length if the logs agree).
    pub fn first_difference(&self) -> usize {
        let (a, b) = (&self.reference.log, &self.ours.log);
        a.iter()
            .zip(b)
            .position(|(x, y)| x != y)
            .unwrap_or_else(|| a.len().min(b.len()))
    }

    /// A short key that groups mismatches with the same symptom.
    pub fn signature(&self) -> String {
        let at = self.first_difference();
        let get = |l: &[String]| l.get(at).map_or("<end>", String::as_str).to_string();
        let strip = |s: String| -> String {
            s.split(|c: char| c.is_ascii_digit() || c == '#')
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        };
        if self.reference.panic != self.ours.panic && self.ours.panic.is_some() {
            return format!(
                "ours panicked: {}",
                self.ours.panic.clone().unwrap_or_default()
            );
        }
        format!(
            "{}: expected `{}`, got `{}`",
            match self.run {
                RunKind::Complete => "complete",
                RunKind::Cancel(_) => "cancel",
            },
            strip(get(&self.reference.log)),
            strip(get(&self.ours.log))
        )
    }
}

impl fmt::Display for Mismatch {
    // `a`/`b` are the two logs, `x`/`y` one line of each, side by side.
    #[allow(clippy::many_single_char_names)]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.run {
            RunKind::Complete => writeln!(f, "run to completion differs")?,
            RunKind::Cancel(k) => writeln!(f, "cancel after {k} polls differs")?,
        }
        for (what, a, b) in [
            ("result", &self.reference.result, &self.ours.result),
            ("panic", &self.reference.panic, &self.ours.panic),
        ] {
            if a != b {
                writeln!(f, "  {what}: expected {a:?}, got {b:?}")?;
            }
        }
        if self.reference.wakes != self.ours.wakes {
            let (a, b) = (self.reference.wakes, self.ours.wakes);
            writeln!(f, "  wakes: expected {a}, got {b}")?;
        }
        let at = self.first_difference();
        let (a, b) = (&self.reference.log, &self.ours.log);
        let from = at.saturating_sub(6);
        writeln!(f, "  first log difference at event {at}:")?;
        writeln!(f, "  {:<32}| ours", "expected (async fn)")?;
        for i in from..a.len().max(b.len()).min(at + 6) {
            let x = a.get(i).map_or("", String::as_str);
            let y = b.get(i).map_or("", String::as_str);
            let mark = if x == y { ' ' } else { '!' };
            writeln!(f, "{mark} {x:<32}| {y}")?;
        }
        Ok(())
    }
}

/// Runs a program under both lowerings: once to completion, then cancelled after every
/// possible number of polls (including zero). Returns the number of polls to completion.
///
/// # Errors
/// The first run on which the two disagree in result, log, wakes or panics.
pub fn compare<A, B, T>(
    reference: impl Fn() -> A,
    ours: impl Fn() -> B,
) -> Result<usize, Box<Mismatch>>
where
    A: Future<Output = T>,
    B: Future<Output = T>,
    T: Debug,
{
    let check = |run: RunKind, limit: Option<usize>| {
        let r = self::run(&reference, limit);
        let o = self::run(&ours, limit);
        if r == o {
            Ok(r)
        } else {
            Err(Box::new(Mismatch {
                run,
                reference: r,
                ours: o,
            }))
        }
    };
    let full = check(RunKind::Complete, None)?;
    for k in 0..=full.polls {
        check(RunKind::Cancel(k), Some(k))?;
    }
    Ok(full.polls)
}
