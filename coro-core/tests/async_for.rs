//! Python's `async for` inside a coroutine. `next_owned`: `async for x in s: ... await f(x) ...`
//! over a stream the coroutine owns; each shape runs as a `#[coroutine]` and as rustc's
//! `async fn`, polled `n` times and then dropped for every `n`, and the two logs (items,
//! results, drops) must agree. `fold` / `for_each`: the spellings README gives for a body that
//! does not await.

use coro_core::{Stream, fold, for_each, next_owned, yield_};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

type Log = Rc<RefCell<Vec<String>>>;

fn say(log: &Log, what: String) {
    log.borrow_mut().push(what);
}

/// Logs its drop.
struct Tracer {
    name: String,
    log: Log,
}

impl Tracer {
    fn new(name: impl Into<String>, log: &Log) -> Self {
        Self {
            name: name.into(),
            log: log.clone(),
        }
    }
}

impl Drop for Tracer {
    fn drop(&mut self) {
        say(&self.log, format!("drop {}", self.name));
    }
}

/// An item of the streams below: a number that logs its drop.
struct Item(u32, #[allow(dead_code)] Tracer);

/// Pending once (waking itself), then ready.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// An async generator: `async def ticks(n): held = ..; for i in range(n): await ..; yield i`.
#[coro_core::coroutine(yield = Item)]
fn ticks(n: u32, log: Log) {
    let _held = Tracer::new("ticks' local", &log);
    for i in 0..n {
        YieldOnce(false).await;
        yield_!(Item(i, Tracer::new(format!("item {i}"), &log)));
    }
}

/// A hand-written `futures_core::Stream` (what `futures::stream::iter` and friends are): pending
/// before each item, and it logs its own drop.
struct Queue {
    items: VecDeque<Item>,
    ready: bool,
    _tracer: Tracer,
}

impl Queue {
    fn new(n: u32, log: &Log) -> Self {
        Self {
            items: (0..n)
                .map(|i| Item(i, Tracer::new(format!("item {i}"), log)))
                .collect(),
            ready: false,
            _tracer: Tracer::new("queue", log),
        }
    }
}

impl Stream for Queue {
    type Item = Item;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Item>> {
        if std::mem::replace(&mut self.ready, false) {
            Poll::Ready(self.items.pop_front())
        } else {
            self.ready = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

#[coro_core::coroutine]
fn process(x: u32) -> u32 {
    YieldOnce(false).await;
    x * 10
}

// The loop the README shows, with a local declared before it and the item kept across the
// `.await` in the body.
#[coro_core::coroutine]
fn total<S: Stream<Item = Item> + Unpin>(s: S, log: Log) -> u32 {
    let _guard = Tracer::new("guard", &log);
    let mut s = s;
    let mut total = 0;
    loop {
        let (item, rest) = next_owned(s).await;
        s = rest;
        let Some(x) = item else { break };
        let v = process(x.0).await;
        say(&log, format!("processed {} -> {v}", x.0));
        total += v;
    }
    say(&log, format!("total {total}"));
    total
}

async fn total_async<S: Stream<Item = Item> + Unpin>(s: S, log: Log) -> u32 {
    let _guard = Tracer::new("guard", &log);
    let mut s = s;
    let mut total = 0;
    loop {
        let (item, rest) = next_owned(s).await;
        s = rest;
        let Some(x) = item else { break };
        let v = process(x.0).await;
        say(&log, format!("processed {} -> {v}", x.0));
        total += v;
    }
    say(&log, format!("total {total}"));
    total
}

// A stream the coroutine gets as a `&mut` argument: `&mut S` is a stream too, so it goes
// through `next_owned` the same way (`next(s).await` would reborrow the argument across the
// await). It stops early, at the first item above 0, and the caller keeps the rest.
#[coro_core::coroutine]
fn first_positive<S: Stream<Item = Item> + Unpin>(mut s: &mut S, log: Log) -> Option<u32> {
    loop {
        let (item, rest) = next_owned(s).await;
        s = rest;
        let x = item?;
        if process(x.0).await > 0 {
            say(&log, format!("found {}", x.0));
            return Some(x.0);
        }
    }
}

async fn first_positive_async<S: Stream<Item = Item> + Unpin>(
    mut s: &mut S,
    log: Log,
) -> Option<u32> {
    loop {
        let (item, rest) = next_owned(s).await;
        s = rest;
        let x = item?;
        if process(x.0).await > 0 {
            say(&log, format!("found {}", x.0));
            return Some(x.0);
        }
    }
}

/// Polls `fut` at most `polls` times, then drops it; logs the result if it came.
fn run_then_drop<F: Future>(fut: F, polls: usize, log: &Log) -> bool
where
    F::Output: std::fmt::Debug,
{
    let mut fut = pin!(fut);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..polls {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            say(log, format!("ready {v:?}"));
            return true;
        }
    }
    say(log, "cancel".into());
    false
}

fn take(log: &Log) -> Vec<String> {
    std::mem::take(&mut *log.borrow_mut())
}

/// Runs `coro` and `twin` (built from a fresh log each time) polled 0, 1, 2, ... times and then
/// dropped, until both complete, asserting equal logs; returns the log of the full run.
fn same_as_async_fn<A, B>(coro: impl Fn(&Log) -> A, twin: impl Fn(&Log) -> B) -> Vec<String>
where
    A: Future,
    B: Future<Output = A::Output>,
    A::Output: std::fmt::Debug,
{
    for polls in 0.. {
        let (log, twin_log) = (Log::default(), Log::default());
        let done = run_then_drop(coro(&log), polls, &log);
        let twin_done = run_then_drop(twin(&twin_log), polls, &twin_log);
        assert_eq!(take(&log), take(&twin_log), "after {polls} polls");
        assert_eq!(done, twin_done, "after {polls} polls");
        if done {
            let log = Log::default();
            run_then_drop(coro(&log), polls, &log);
            return take(&log);
        }
    }
    unreachable!()
}

#[test]
fn awaiting_in_the_body_of_a_loop_over_an_async_generator() {
    let log = same_as_async_fn(
        |log| total(Box::pin(ticks(3, log.clone())), log.clone()),
        |log| total_async(Box::pin(ticks(3, log.clone())), log.clone()),
    );
    assert_eq!(
        log,
        [
            "processed 0 -> 0",
            "drop item 0",
            "processed 1 -> 10",
            "drop item 1",
            "processed 2 -> 20",
            "drop item 2",
            "drop ticks' local", // the generator has ended
            "total 30",
            "drop guard",
            "ready 30",
        ]
    );
}

#[test]
fn awaiting_in_the_body_of_a_loop_over_a_hand_written_stream() {
    let log = same_as_async_fn(
        |log| total(Queue::new(2, log), log.clone()),
        |log| total_async(Queue::new(2, log), log.clone()),
    );
    assert_eq!(
        log,
        [
            "processed 0 -> 0",
            "drop item 0",
            "processed 1 -> 10",
            "drop item 1",
            "total 10",
            "drop queue",
            "drop guard",
            "ready 10",
        ]
    );
}

#[test]
fn cancelled_while_waiting_for_an_item_the_stream_drops_with_the_future_then_the_locals() {
    let log = Log::default();
    // Poll 1: the generator is pending inside `next_owned`, before its first item.
    assert!(!run_then_drop(
        total(Box::pin(ticks(3, log.clone())), log.clone()),
        1,
        &log
    ));
    assert_eq!(take(&log), ["cancel", "drop ticks' local", "drop guard"]);
}

#[test]
fn cancelled_while_awaiting_in_the_body_the_item_drops_before_the_stream() {
    let log = Log::default();
    // Poll 1: pending in the queue; poll 2: item 0 arrives and `process` is pending.
    assert!(!run_then_drop(
        total(Queue::new(2, &log), log.clone()),
        2,
        &log
    ));
    assert_eq!(
        take(&log),
        [
            "cancel",
            "drop item 0",
            "drop item 1",
            "drop queue",
            "drop guard"
        ]
    );
}

#[test]
fn a_borrowed_stream_goes_through_next_owned_and_the_caller_keeps_the_rest() {
    let log = same_as_async_fn(
        |log| {
            let log = log.clone();
            async move {
                let mut q = Queue::new(3, &log);
                let found = first_positive(&mut q, log.clone()).await;
                (found, q.items.len())
            }
        },
        |log| {
            let log = log.clone();
            async move {
                let mut q = Queue::new(3, &log);
                let found = first_positive_async(&mut q, log.clone()).await;
                (found, q.items.len())
            }
        },
    );
    assert_eq!(
        log,
        [
            "drop item 0",
            "found 1",
            "drop item 1",
            "drop item 2",
            "drop queue",
            "ready (Some(1), 1)"
        ]
    );
}

#[coro_core::coroutine(yield = u32)]
fn numbers(n: u32) {
    for i in 0..n {
        YieldOnce(false).await;
        yield_!(i);
    }
}

// README: collect with `fold` (the accumulator comes back), or `for_each` with a `move` closure
// over an `Rc` clone; a closure borrowing a local would be rustc's E0373.
#[coro_core::coroutine]
fn collect_two_ways(n: u32) -> (Vec<u32>, Vec<u32>) {
    let folded = fold(numbers(n), Vec::new(), |mut v, x| {
        v.push(x);
        v
    })
    .await;
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    for_each(numbers(n), move |x| sink.borrow_mut().push(x)).await;
    let seen = seen.take();
    (folded, seen)
}

#[test]
fn fold_and_for_each_collect_without_borrowing_a_local() {
    assert_eq!(
        coro_core::block_on(collect_two_ways(3)),
        (vec![0, 1, 2], vec![0, 1, 2])
    );
}
