//! Generators and async generators lowered by `#[coroutine(yield = ..)]`.

use coro_core::{Generator, GeneratorState, Stream, fold, yield_, yield_from};
use std::cell::RefCell;
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

type Log = Rc<RefCell<Vec<String>>>;

struct Tracer {
    name: &'static str,
    log: Log,
}

impl Tracer {
    fn new(name: &'static str, log: &Log) -> Self {
        log.borrow_mut().push(format!("new {name}"));
        Self {
            name,
            log: log.clone(),
        }
    }
}

impl Drop for Tracer {
    fn drop(&mut self) {
        self.log.borrow_mut().push(format!("drop {}", self.name));
    }
}

fn take(log: &Log) -> Vec<String> {
    std::mem::take(&mut *log.borrow_mut())
}

#[coro_core::coroutine(yield = u64)]
fn fib() {
    let (mut a, mut b) = (0, 1);
    loop {
        yield_!(a);
        (a, b) = (b, a + b);
    }
}

#[test]
fn a_generator_is_an_iterator() {
    let first: Vec<u64> = fib().take(10).collect();
    assert_eq!(first, [0, 1, 1, 2, 3, 5, 8, 13, 21, 34]);
    let mut evens = fib().filter(|n| n % 2 == 0);
    assert_eq!(evens.nth(4), Some(144));
    assert!(format!("{:?}", fib()).starts_with("<generator object fib at 0x"));
}

#[coro_core::coroutine(yield = u32)]
fn count_to(n: u32) -> &'static str {
    for i in 1..=n {
        yield_!(i);
    }
    "done"
}

#[test]
fn a_finite_generator_completes_with_its_return_value() {
    assert_eq!(count_to(3).collect::<Vec<_>>(), [1, 2, 3]);
    let mut g = pin!(count_to(1));
    assert_eq!(g.as_mut().start(), GeneratorState::Yielded(1));
    assert_eq!(g.as_mut().resume(()), GeneratorState::Complete("done"));
    let again = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| g.as_mut().resume(())));
    let payload = again.expect_err("resuming a finished generator panics");
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&"generator resumed after completion")
    );
}

#[coro_core::coroutine(yield = f64, resume = f64)]
fn averager() -> usize {
    let (mut total, mut n) = (0.0, 0);
    let mut avg = 0.0;
    loop {
        let x = yield_!(avg);
        if x.is_nan() {
            return n;
        }
        total += x;
        n += 1;
        avg = total / f64::from(u32::try_from(n).unwrap());
    }
}

#[test]
fn values_sent_in_are_the_values_of_yield() {
    let mut avg = pin!(averager());
    assert_eq!(avg.as_mut().start(), GeneratorState::Yielded(0.0));
    assert_eq!(avg.as_mut().resume(10.0), GeneratorState::Yielded(10.0));
    assert_eq!(avg.as_mut().resume(30.0), GeneratorState::Yielded(20.0));
    assert_eq!(avg.as_mut().resume(f64::NAN), GeneratorState::Complete(2));
}

#[test]
fn sending_a_value_before_start_panics_instead_of_losing_it() {
    let mut avg = pin!(averager());
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| avg.as_mut().resume(1.0)));
    let payload = r.expect_err("the first value has nowhere to go");
    let msg = payload.downcast_ref::<&str>().copied().unwrap_or_default();
    assert!(msg.contains("call start() first"), "{msg}");
}

#[coro_core::coroutine(yield = String, resume = i32)]
fn echo(prefix: &'static str) -> i32 {
    let mut sum = 0;
    for _ in 0..2 {
        let got = yield_!(format!("{prefix}{sum}"));
        sum += got;
    }
    sum
}

#[coro_core::coroutine(yield = String, resume = i32)]
fn delegate() -> (i32, i32) {
    let first = yield_from!(echo("a"));
    let second = yield_from!(echo("b"));
    (first, second)
}

#[test]
fn yield_from_passes_values_both_ways_and_returns_the_inner_result() {
    let mut g = pin!(delegate());
    let y = |s: &str| GeneratorState::Yielded(s.to_owned());
    assert_eq!(g.as_mut().start(), y("a0"));
    assert_eq!(g.as_mut().resume(5), y("a5"));
    assert_eq!(g.as_mut().resume(1), y("b0"));
    assert_eq!(g.as_mut().resume(2), y("b2"));
    assert_eq!(g.as_mut().resume(3), GeneratorState::Complete((6, 5)));
}

#[coro_core::coroutine(yield = u32)]
fn flatten(parts: Vec<Vec<u32>>) -> usize {
    let mut n = 0;
    for part in parts {
        n += 1;
        yield_from!(part_gen(part));
    }
    n
}

#[coro_core::coroutine(yield = u32)]
fn part_gen(v: Vec<u32>) {
    for x in v {
        yield_!(x);
    }
}

#[test]
fn yield_from_inside_a_loop() {
    let got: Vec<u32> = flatten(vec![vec![1, 2], vec![], vec![3]]).collect();
    assert_eq!(got, [1, 2, 3]);
}

#[coro_core::coroutine(yield = &'static str)]
fn traced(log: Log) -> u8 {
    let a = Tracer::new("a", &log);
    yield_!("one");
    let b = Tracer::new("b", &log);
    {
        let _c = Tracer::new("c", &log);
        yield_!("two");
    }
    yield_!("three");
    drop(a);
    yield_!("four");
    drop(b);
    7
}

#[test]
fn locals_drop_in_order_when_finished_and_when_dropped_mid_way() {
    let log: Log = Rc::default();
    assert_eq!(traced(log.clone()).count(), 4);
    assert_eq!(
        take(&log),
        ["new a", "new b", "new c", "drop c", "drop a", "drop b"]
    );
    // Dropping the generator after each possible number of resumes drops exactly what is
    // live there, innermost first, as closing a Python generator would.
    let expected: [&[&str]; 5] = [
        &[],
        &["new a", "drop a"],
        &["new a", "new b", "new c", "drop c", "drop b", "drop a"],
        &["new a", "new b", "new c", "drop c", "drop b", "drop a"],
        &["new a", "new b", "new c", "drop c", "drop a", "drop b"],
    ];
    for (steps, want) in expected.iter().enumerate() {
        let mut g = traced(log.clone());
        for _ in 0..steps {
            assert!(g.next().is_some());
        }
        drop(g);
        assert_eq!(take(&log), *want, "dropped after {steps} resumes");
    }
}

#[coro_core::coroutine(yield = (u8, u8))]
fn order(log: Log) {
    let pair = (
        {
            log.borrow_mut().push("left".into());
            1
        },
        yield_!((1, 1)),
    );
    log.borrow_mut().push(format!("pair {pair:?}"));
    match yield_!((2, 2)) {
        () => log.borrow_mut().push("matched".into()),
    }
}

#[test]
fn yields_in_operands_keep_left_to_right_order() {
    let log: Log = Rc::default();
    let got: Vec<_> = order(log.clone()).collect();
    assert_eq!(got, [(1, 1), (2, 2)]);
    assert_eq!(take(&log), ["left", "pair (1, ())", "matched"]);
}

struct Bump(u8);
impl Bump {
    #[coro_core::coroutine(yield = u8)]
    fn up_to(&mut self, n: u8) {
        while self.0 < n {
            self.0 += 1;
            yield_!(self.0);
        }
    }
}

#[test]
fn methods_can_be_generators() {
    let mut b = Bump(2);
    assert_eq!(b.up_to(5).collect::<Vec<_>>(), [3, 4, 5]);
    assert_eq!(b.0, 5);
}

/// A future that is pending once, then ready.
struct YieldOnce(bool);
impl std::future::Future for YieldOnce {
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

#[coro_core::coroutine(yield = String)]
fn lines(pages: Vec<&'static str>) {
    for page in pages {
        YieldOnce(false).await;
        for line in page.lines() {
            yield_!(line.to_owned());
        }
    }
}

#[test]
fn an_async_generator_is_a_stream() {
    let mut s = pin!(lines(vec!["a\nb", "c"]));
    assert!(format!("{s:?}").starts_with("<async_generator object lines at 0x"));
    let mut cx = Context::from_waker(Waker::noop());
    let mut seen = Vec::new();
    let mut pending = 0;
    loop {
        match s.as_mut().poll_next(&mut cx) {
            Poll::Ready(Some(line)) => seen.push(line),
            Poll::Ready(None) => break,
            Poll::Pending => pending += 1,
        }
    }
    assert_eq!(seen, ["a", "b", "c"]);
    assert_eq!(pending, 2);
    assert_eq!(s.as_mut().poll_next(&mut cx), Poll::Ready(None), "fused");
}

#[coro_core::coroutine(yield = u32)]
fn fails_after_one(fail: bool) {
    yield_!(1);
    YieldOnce(false).await;
    assert!(!fail, "boom");
}

#[test]
fn a_panicked_async_generator_says_so_when_polled_again() {
    let mut s = pin!(fails_after_one(true));
    let mut cx = Context::from_waker(Waker::noop());
    assert_eq!(s.as_mut().poll_next(&mut cx), Poll::Ready(Some(1)));
    assert_eq!(s.as_mut().poll_next(&mut cx), Poll::Pending);
    let mut unwind = || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            s.as_mut().poll_next(&mut cx)
        }))
        .expect_err("the body panics, then the stream refuses to go on")
    };
    assert_eq!(unwind().downcast_ref::<&str>(), Some(&"boom"));
    for _ in 0..2 {
        assert_eq!(
            unwind().downcast_ref::<&str>(),
            Some(&"async generator resumed after panicking")
        );
    }
}

#[coro_core::coroutine]
fn count_lines(pages: Vec<&'static str>) -> usize {
    fold(lines(pages), 0, |n, _| n + 1).await
}

#[test]
fn a_coroutine_consumes_an_async_generator() {
    assert_eq!(coro_core::block_on(count_lines(vec!["x\ny", "z"])), 3);
}

#[test]
fn generators_are_no_bigger_than_their_state() {
    // `fib` keeps two u64 across its yield and needs one discriminant: 24 bytes at most.
    assert!(size_of_val(&fib()) <= 24, "{}", size_of_val(&fib()));
}

#[coro_core::coroutine(yield = u32, resume = u32)]
fn nested_yields() -> u32 {
    let a = yield_!(yield_!(1) + 10);
    a
}

#[test]
fn a_yield_inside_a_yield_operand() {
    let mut g = pin!(nested_yields());
    assert_eq!(g.as_mut().start(), GeneratorState::Yielded(1));
    assert_eq!(g.as_mut().resume(5), GeneratorState::Yielded(15));
    assert_eq!(g.as_mut().resume(7), GeneratorState::Complete(7));
}

#[coro_core::coroutine(yield = String)]
fn headers_then_lines(pages: Vec<&'static str>) {
    yield_!("header".to_owned());
    YieldOnce(false).await;
    // The inner stream is `Unpin` once boxed.
    yield_from!(Box::pin(lines(pages)));
    yield_!("footer".to_owned());
}

#[test]
fn yield_from_in_an_async_generator_delegates_to_a_stream() {
    let got = coro_core::block_on(fold(
        headers_then_lines(vec!["a\nb", "c"]),
        Vec::new(),
        |mut v, s| {
            v.push(s);
            v
        },
    ));
    assert_eq!(got, ["header", "a", "b", "c", "footer"]);
}

// A value sent in that is not `Copy`, with `yield_!` in a loop: the loop re-enters the step's
// dispatch, which must not move the value sent in twice (it was E0382 before).
#[coro_core::coroutine(yield = usize, resume = String)]
fn word_lengths() -> usize {
    let mut total = 0;
    loop {
        let word = yield_!(total);
        if word.is_empty() {
            break;
        }
        total += word.len();
    }
    total
}

#[coro_core::coroutine(yield = u32, resume = Option<String>)]
fn ignores_what_is_sent() {
    for i in 0..3 {
        yield_!(i);
    }
}

#[test]
fn values_sent_in_need_not_be_copy() {
    let mut g = pin!(word_lengths());
    assert_eq!(g.as_mut().start(), GeneratorState::Yielded(0));
    assert_eq!(g.as_mut().resume("ab".into()), GeneratorState::Yielded(2));
    assert_eq!(g.as_mut().resume("cde".into()), GeneratorState::Yielded(5));
    assert_eq!(
        g.as_mut().resume(String::new()),
        GeneratorState::Complete(5)
    );
    let mut g = pin!(ignores_what_is_sent());
    assert_eq!(g.as_mut().start(), GeneratorState::Yielded(0));
    assert_eq!(
        g.as_mut().resume(Some("x".into())),
        GeneratorState::Yielded(1)
    );
    assert_eq!(g.as_mut().resume(None), GeneratorState::Yielded(2));
    assert_eq!(g.as_mut().resume(None), GeneratorState::Complete(()));
}
