//! What generated programs call, and the harness that runs two lowerings side by side.
//!
//! Every observable effect of a generated program goes through the thread-local event log:
//! [`Tracer`]s log their construction, reads and drop, [`emit`] and [`mix`] log values. The
//! harness adds its own markers for every resume (`>start`, `>send v`), what came out
//! (`<yield v`, `<return v`) and the drop, so two runs with equal logs yielded the same values at
//! the same points, computed the same things and dropped them in the same order.
//!
//! The helpers are copied from `difftest::rt` (which this crate cannot depend on: it is outside
//! the workspace).

use coro_core::{Generator, GeneratorState};
use std::cell::{Cell, RefCell};
use std::fmt::{self, Debug};
use std::ops::{Coroutine, CoroutineState};
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;

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

/// A run is abandoned (and reported) after this many resumes.
const MAX_STEPS: usize = 10_000;

/// Everything observable about one run of a generator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    /// The event log, with the harness's markers: `>start`, `>send v`, `<yield v`,
    /// `<return v`, `>drop`, and `<panics after completion` when resuming a finished generator
    /// panicked as it must.
    pub log: Vec<String>,
    /// The return value, formatted with `Debug`, if the generator completed.
    pub result: Option<String>,
    /// How many times it was resumed (the first resume included).
    pub steps: usize,
    /// The panic message, if resuming or dropping panicked unexpectedly.
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

/// What one resume produced, in one vocabulary for both lowerings.
enum Step {
    Yielded(i64),
    Complete(String),
}

/// The value sent on resume number `n` (`n >= 1`; resume 0 is the start).
pub fn send_value(n: usize) -> i64 {
    // Small, varied and never zero, so `send` values are recognisable in the log.
    i64::try_from(n % 7).unwrap_or(0) * 3 - 8
}

/// Silences the panic message of the deliberate resume-after-completion probe (once per
/// process); any other panic is reported as usual.
fn quiet_completion_probe() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let msg = panic_message(info.payload());
            if !msg.contains("resumed after completion") {
                default(info);
            }
        }));
    });
}

/// Drives a generator: `step(g, n, arg)` performs resume number `n` (0 is the start). Resumes at
/// most `limit` times (to completion when `None`), then drops it. After a completed full run,
/// one more resume must panic with "… resumed after completion".
fn drive<G, R>(
    make: impl FnOnce() -> G,
    step: impl Fn(Pin<&mut G>, usize, R) -> Step,
    arg: impl Fn(usize) -> R,
    limit: Option<usize>,
) -> Trace
where
    R: Debug,
{
    quiet_completion_probe();
    take_log();
    let mut steps = 0;
    let mut result = None;
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        let mut g = Box::pin(make());
        while limit.is_none_or(|l| steps < l) && steps < MAX_STEPS {
            let a = arg(steps);
            log(if steps == 0 {
                ">start".to_string()
            } else {
                format!(">send {a:?}")
            });
            let s = step(g.as_mut(), steps, a);
            steps += 1;
            match s {
                Step::Yielded(y) => log(format!("<yield {y}")),
                Step::Complete(r) => {
                    log(format!("<return {r}"));
                    result = Some(r);
                    break;
                }
            }
        }
        if limit.is_none() && result.is_some() {
            let again = panic::catch_unwind(AssertUnwindSafe(|| {
                step(g.as_mut(), steps, arg(steps));
            }));
            match again {
                Err(e) if panic_message(&*e).contains("resumed after completion") => {
                    log("<panics after completion");
                }
                Err(e) => log(format!(
                    "<wrong panic after completion: {}",
                    panic_message(&*e)
                )),
                Ok(()) => log("<no panic after completion"),
            }
        }
        log(">drop");
        drop(g);
    }));
    let panic = outcome.err().map(|e| panic_message(&*e));
    Trace {
        log: take_log(),
        result,
        steps,
        panic,
    }
}

/// Runs rustc's coroutine (the reference): its first resume gets `dummy` (bound to the closure
/// parameter, which the generated bodies never read), later resumes send values.
pub fn run_rustc<C, R>(
    make: impl FnOnce() -> C,
    dummy: impl Fn() -> R,
    sends: impl Fn(usize) -> R,
    limit: Option<usize>,
) -> Trace
where
    C: Coroutine<R, Yield = i64>,
    C::Return: Debug,
    R: Debug,
{
    let arg = |n: usize| if n == 0 { dummy() } else { sends(n) };
    let step = |g: Pin<&mut C>, _n: usize, a: R| match g.resume(a) {
        CoroutineState::Yielded(y) => Step::Yielded(y),
        CoroutineState::Complete(r) => Step::Complete(format!("{r:?}")),
    };
    drive(make, step, arg, limit)
}

/// Runs our generator: `start()` first, then `resume(value)`.
pub fn run_ours<G, R>(
    make: impl FnOnce() -> G,
    dummy: impl Fn() -> R,
    sends: impl Fn(usize) -> R,
    limit: Option<usize>,
) -> Trace
where
    G: Generator<R, Yield = i64>,
    G::Return: Debug,
    R: Debug,
{
    let arg = |n: usize| if n == 0 { dummy() } else { sends(n) };
    let step = |g: Pin<&mut G>, n: usize, a: R| {
        let state = if n == 0 { g.start() } else { g.resume(a) };
        match state {
            GeneratorState::Yielded(y) => Step::Yielded(y),
            GeneratorState::Complete(r) => Step::Complete(format!("{r:?}")),
        }
    };
    drive(make, step, arg, limit)
}

/// Which run of a program two lowerings disagreed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunKind {
    /// Resumed to completion.
    Complete,
    /// Resumed this many times (0: never started), then dropped.
    Drop(usize),
}

/// Two lowerings of the same program behaved differently.
#[derive(Clone, Debug)]
pub struct Mismatch {
    /// Which run showed the difference.
    pub run: RunKind,
    /// What rustc's coroutine did.
    pub reference: Trace,
    /// What ours did.
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
            s.split(|c: char| c.is_ascii_digit() || c == '#' || c == '-')
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
                RunKind::Drop(_) => "drop",
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
            RunKind::Drop(k) => writeln!(f, "drop after {k} resumes differs")?,
        }
        for (what, a, b) in [
            ("result", &self.reference.result, &self.ours.result),
            ("panic", &self.reference.panic, &self.ours.panic),
        ] {
            if a != b {
                writeln!(f, "  {what}: expected {a:?}, got {b:?}")?;
            }
        }
        let at = self.first_difference();
        let (a, b) = (&self.reference.log, &self.ours.log);
        let from = at.saturating_sub(6);
        writeln!(f, "  first log difference at event {at}:")?;
        writeln!(f, "  {:<32}| ours", "expected (rustc coroutine)")?;
        for i in from..a.len().max(b.len()).min(at + 6) {
            let x = a.get(i).map_or("", String::as_str);
            let y = b.get(i).map_or("", String::as_str);
            let mark = if x == y { ' ' } else { '!' };
            writeln!(f, "{mark} {x:<32}| {y}")?;
        }
        Ok(())
    }
}

/// Runs a program under both lowerings: once to completion (then one resume too many, which
/// must panic), then dropped after every possible number of resumes, from 0 (never started)
/// to the full count. Returns the number of resumes to completion.
///
/// # Errors
/// The first run on which the two disagree in result, log or panics.
pub fn compare<A, B, R>(
    reference: impl Fn() -> A,
    ours: impl Fn() -> B,
    dummy: impl Fn() -> R + Copy,
) -> Result<usize, Box<Mismatch>>
where
    A: Coroutine<R, Yield = i64>,
    B: Generator<R, Yield = i64, Return = A::Return>,
    A::Return: Debug,
    R: Debug + Sends,
{
    compare_runs(
        |limit| run_rustc(&reference, dummy, R::send, limit),
        |limit| run_ours(&ours, dummy, R::send, limit),
    )
}

/// [`compare`] with rustc's coroutines on both sides (`gentest … --rustc`): checks the
/// generator and the harness without the macro.
///
/// # Errors
/// The first run on which the two disagree (which would be a harness bug).
pub fn compare_rustc<A, B, R>(
    reference: impl Fn() -> A,
    other: impl Fn() -> B,
    dummy: impl Fn() -> R + Copy,
) -> Result<usize, Box<Mismatch>>
where
    A: Coroutine<R, Yield = i64>,
    B: Coroutine<R, Yield = i64, Return = A::Return>,
    A::Return: Debug,
    R: Debug + Sends,
{
    compare_runs(
        |limit| run_rustc(&reference, dummy, R::send, limit),
        |limit| run_rustc(&other, dummy, R::send, limit),
    )
}

fn compare_runs(
    reference: impl Fn(Option<usize>) -> Trace,
    ours: impl Fn(Option<usize>) -> Trace,
) -> Result<usize, Box<Mismatch>> {
    let check = |run: RunKind, limit: Option<usize>| {
        let r = reference(limit);
        let o = ours(limit);
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
    for k in 0..=full.steps {
        check(RunKind::Drop(k), Some(k))?;
    }
    Ok(full.steps)
}

/// The values the harness sends: `i64`s from [`send_value`], or `()`.
pub trait Sends: Sized {
    /// The value sent on resume number `n` (`n >= 1`).
    fn send(n: usize) -> Self;
}

impl Sends for i64 {
    fn send(n: usize) -> Self {
        send_value(n)
    }
}

impl Sends for () {
    fn send(_: usize) -> Self {}
}
