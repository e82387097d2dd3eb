//! Run-pass tests of the lowering: each coroutine is driven to completion and its result and
//! side effects checked.

use coro_core::{Coroutine, CoroutineState, block_on};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

thread_local! {
    static LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn log(s: impl Into<String>) {
    LOG.with(|l| l.borrow_mut().push(s.into()));
}

fn take_log() -> Vec<String> {
    LOG.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

struct Tracer(&'static str);
impl Drop for Tracer {
    fn drop(&mut self) {
        log(format!("drop {}", self.0));
    }
}

/// Pending `n` times, then ready with `v`.
struct Yield<T> {
    n: u32,
    v: Option<T>,
}
impl<T: Unpin> Future for Yield<T> {
    type Output = T;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        if self.n == 0 {
            Poll::Ready(self.v.take().expect("polled after ready"))
        } else {
            self.n -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}
fn ready_later<T: Unpin>(v: T) -> Yield<T> {
    Yield { n: 1, v: Some(v) }
}

#[coro_core::coroutine]
fn add(a: u32, b: u32) -> u32 {
    let x = ready_later(a).await;
    x + ready_later(b).await
}

#[test]
fn sequence_and_operands() {
    assert_eq!(block_on(add(2, 3)), 5);
}

#[coro_core::coroutine]
fn loops(n: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for i in 0..n {
        if i % 2 == 0 {
            continue;
        }
        out.push(ready_later(i).await);
    }
    let mut j = 0;
    while ready_later(j).await < 3 {
        j += 1;
    }
    out.push(j);
    let v = 'outer: loop {
        loop {
            j += ready_later(1).await;
            if j > 5 {
                break 'outer j * 10;
            }
        }
    };
    out.push(v);
    out
}

#[test]
fn loops_break_continue() {
    assert_eq!(block_on(loops(6)), vec![1, 3, 5, 3, 60]);
}

#[coro_core::coroutine]
fn branches(x: Option<u32>) -> Result<u32, String> {
    let base = match x {
        Some(v) if v > 10 => ready_later(v).await,
        Some(v) => v + 1,
        None => return Err("none".to_string()),
    };
    let doubled = if base > 5 {
        ready_later(base * 2).await
    } else {
        base
    };
    let parsed: u32 = ready_later("7")
        .await
        .parse()
        .map_err(|_| "bad".to_string())?;
    Ok(doubled + parsed)
}

#[test]
fn branches_return_question() {
    assert_eq!(block_on(branches(Some(20))), Ok(47));
    assert_eq!(block_on(branches(Some(1))), Ok(9));
    assert_eq!(block_on(branches(None)), Err("none".to_string()));
}

#[coro_core::coroutine]
fn drops() {
    let _a = Tracer("a");
    {
        let _b = Tracer("b");
        ready_later(()).await;
        log("inner end");
    }
    ready_later(()).await;
    log("outer end");
}

#[test]
fn drop_order() {
    take_log();
    block_on(drops());
    assert_eq!(take_log(), ["inner end", "drop b", "outer end", "drop a"]);
}

#[test]
fn cancel_drops_live_locals() {
    take_log();
    let mut c = Box::pin(drops());
    let waker = std::task::Waker::noop();
    let mut cx = Context::from_waker(waker);
    assert!(c.as_mut().poll(&mut cx).is_pending());
    assert_eq!(c.state(), CoroutineState::Suspended);
    drop(c);
    assert_eq!(take_log(), ["drop b", "drop a"]);
}

struct Counter {
    n: u32,
}

impl Counter {
    #[coro_core::coroutine]
    fn bump(&mut self, by: u32) -> u32 {
        self.n += ready_later(by).await;
        self.n
    }
}

#[test]
fn methods() {
    let mut c = Counter { n: 1 };
    assert_eq!(block_on(c.bump(2)), 3);
    assert_eq!(c.n, 3);
}

// A named lifetime beside an elided one, on purpose (clippy says the same of the `async fn`).
#[allow(clippy::needless_lifetimes)]
#[coro_core::coroutine]
fn borrowed<'a>(s: &'a str, extra: &str) -> usize {
    let n = ready_later(s.len()).await;
    let v = vec![1, 2, 3];
    let r = &v;
    ready_later(()).await;
    n + extra.len() + r.len()
}

#[test]
fn borrows_and_alias() {
    let s = String::from("abc");
    assert_eq!(block_on(borrowed(&s, "de")), 8);
}

#[test]
fn object_protocol() {
    let c = add(1, 1);
    assert_eq!(c.name(), "add");
    assert_eq!(c.state(), CoroutineState::Created);
    assert!(format!("{c:?}").starts_with("<coroutine object add at 0x"));
}

#[coro_core::coroutine]
fn nested() -> u32 {
    let a = add(add(1, 2).await, 4).await;
    let t = (ready_later(1).await, ready_later(2).await);
    let arr = [a, t.0 + t.1];
    println!("{} {}", arr[0], ready_later(5).await);
    arr[0] + arr[1]
}

#[test]
fn nested_awaits() {
    assert_eq!(block_on(nested()), 10);
}

// Hygiene: a local module named `core` must not capture the expansion's `::core` paths.
mod core {}

#[coro_core::coroutine]
fn hygienic(v: u32) -> u32 {
    let __state = v;
    let __cx = ready_later(__state).await;
    __cx + 1
}

#[test]
fn hygiene() {
    assert_eq!(block_on(hygienic(1)), 2);
}

/// A `!Unpin` rustc async block, awaited in place: must be sound (run under Miri).
#[coro_core::coroutine]
fn awaits_unpin_hostile() -> u32 {
    let inner = async {
        let x = 5;
        let r = &x;
        ready_later(()).await;
        *r
    };
    inner.await + 1
}

#[test]
fn not_unpin_future() {
    assert_eq!(block_on(awaits_unpin_hostile()), 6);
    take_log();
    // Cancel mid-await: the pinned async block is dropped in place.
    let mut c = Box::pin(awaits_unpin_hostile());
    let mut cx = Context::from_waker(std::task::Waker::noop());
    assert!(c.as_mut().poll(&mut cx).is_pending());
    drop(c);
}

#[coro_core::coroutine]
fn finishes() -> u32 {
    ready_later(1).await
}

#[test]
fn resumed_after_completion_panics() {
    let mut c = Box::pin(finishes());
    let mut cx = Context::from_waker(std::task::Waker::noop());
    assert!(c.as_mut().poll(&mut cx).is_pending());
    assert_eq!(c.as_mut().poll(&mut cx), Poll::Ready(1));
    assert_eq!(c.state(), CoroutineState::Done);
    // Twice: the panic comes from inside the step, which must not count it as the body's
    // own panic and poison the finished state.
    for _ in 0..2 {
        let err =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| c.as_mut().poll(&mut cx)))
                .unwrap_err();
        assert_eq!(
            err.downcast_ref::<&str>(),
            Some(&"coroutine resumed after completion")
        );
        assert_eq!(c.state(), CoroutineState::Done);
    }
}

#[coro_core::coroutine]
fn panics_after_await(t: Tracer) -> u32 {
    let _local = Tracer("local");
    ready_later(()).await;
    let _ = &t;
    panic!("boom")
}

#[test]
fn resumed_after_panicking_panics() {
    take_log();
    let mut c = Box::pin(panics_after_await(Tracer("arg")));
    let mut cx = Context::from_waker(std::task::Waker::noop());
    assert!(c.as_mut().poll(&mut cx).is_pending());
    assert!(
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| c.as_mut().poll(&mut cx)))
            .is_err()
    );
    assert_eq!(take_log(), ["drop local", "drop arg"]);
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| c.as_mut().poll(&mut cx)))
        .unwrap_err();
    assert_eq!(
        err.downcast_ref::<&str>(),
        Some(&"coroutine resumed after panicking")
    );
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| c.as_mut().poll(&mut cx)))
        .unwrap_err();
    assert_eq!(
        err.downcast_ref::<&str>(),
        Some(&"coroutine resumed after panicking")
    );
    assert!(take_log().is_empty(), "nothing is dropped twice");
}

#[test]
fn never_polled_drops_only_arguments() {
    take_log();
    drop(panics_after_await(Tracer("arg")));
    assert_eq!(take_log(), ["drop arg"]);
}

#[coro_core::coroutine(boxed)]
fn fib(n: u32) -> u64 {
    if n < 2 {
        return u64::from(n);
    }
    fib(n - 1).await + fib(n - 2).await
}

#[test]
fn boxed_recursion() {
    assert_eq!(block_on(fib(10)), 55);
}

#[coro_core::coroutine]
fn shadowing() -> Vec<&'static str> {
    let x = Tracer("x1");
    let x = Tracer(if x.0 == "x1" { "x2" } else { "?" });
    ready_later(()).await;
    log("after");
    let _ = &x;
    vec![]
}

#[test]
fn shadowed_local_drops_at_scope_end() {
    take_log();
    block_on(shadowing());
    assert_eq!(take_log(), ["after", "drop x2", "drop x1"]);
}

#[coro_core::coroutine]
fn no_await() -> u32 {
    7
}

#[test]
fn coroutine_without_await() {
    assert_eq!(block_on(no_await()), 7);
}

#[coro_core::coroutine]
fn reassigned_after_move(mut a: u8) -> u16 {
    std::convert::identity(a); // a by-value use: `a` may be moved, so it is not stored across the await
    ready_later(()).await;
    a = 200; // a new value; `a` must still be a `u8` here, not an `i32`
    u16::from(a.wrapping_add(100))
}

#[coro_core::coroutine]
fn deferred_init(flag: bool) -> u32 {
    let x;
    let y;
    if flag {
        x = ready_later(1).await;
        y = 2;
    } else {
        x = 10;
        y = ready_later(20).await;
    }
    x + y
}

fn consume(t: Tracer) -> u32 {
    drop(t);
    1
}

#[coro_core::coroutine]
fn replace_moved(mut t: Tracer) -> u32 {
    let n = consume(t) + ready_later(1).await;
    t = Tracer("replacement");
    log("end");
    drop(t);
    n
}

#[test]
fn moved_and_deferred_variables_get_new_values_after_a_suspension() {
    assert_eq!(block_on(reassigned_after_move(7)), 44);
    assert_eq!(block_on(deferred_init(true)), 3);
    assert_eq!(block_on(deferred_init(false)), 30);
    assert_eq!(block_on(replace_moved(Tracer("first"))), 2);
    assert_eq!(
        take_log(),
        ["drop first", "end", "drop replacement"],
        "the moved value drops when consumed, the new one when dropped"
    );
}

fn by_value(n: u32) -> u32 {
    n
}

#[coro_core::coroutine]
fn shadow_in_inner_scope(n: u32, t: Tracer) -> u32 {
    let first = by_value(n); // a by-value use: `n` may be moved as far as the macro can tell
    let inner = {
        let n = ready_later(first * 10).await; // hides the parameter in this block only
        let t = Tracer("inner");
        drop(t);
        n
    };
    log(format!("outer t is {}", t.0));
    n + inner // the parameter again
}

#[test]
fn a_shadowed_variable_is_back_after_the_block() {
    assert_eq!(block_on(shadow_in_inner_scope(2, Tracer("param"))), 22);
    assert_eq!(
        take_log(),
        ["drop inner", "outer t is param", "drop param"],
        "the shadowed parameter drops last, after the block"
    );
}

#[coro_core::coroutine]
fn shadow_param(p0: Tracer, p1: Tracer) -> u32 {
    let x = ready_later(1).await;
    let p0 = 5;
    log(format!("{}", p1.0));
    p0 + x
}

#[test]
fn a_shadowed_parameter_still_drops_with_the_parameters() {
    assert_eq!(block_on(shadow_param(Tracer("a0"), Tracer("a1"))), 6);
    // rustc drops parameters after the body's locals, in reverse order, shadowed or not.
    assert_eq!(take_log(), ["a1", "drop a1", "drop a0"]);
}

// Short names, shadowed on purpose (clippy says the same of the `async fn`).
#[allow(clippy::many_single_char_names)]
#[coro_core::coroutine]
fn shadow_in_patterns(x: Option<u32>, t: Tracer) -> u32 {
    let n = 1;
    let a = match x {
        Some(n) => ready_later(n).await, // the arm's `n` hides the outer one
        None => 0,
    };
    let b = if let Some(t) = Some(Tracer("arm")) {
        ready_later(()).await;
        log(format!("inner {}", t.0));
        2
    } else {
        0
    };
    log(format!("outer {}", t.0));
    a + b + n
}

#[test]
fn pattern_bindings_hide_outer_variables_only_in_their_arm() {
    assert_eq!(block_on(shadow_in_patterns(Some(10), Tracer("param"))), 13);
    assert_eq!(
        take_log(),
        ["inner arm", "drop arm", "outer param", "drop param"]
    );
}

// A coroutine method whose `fn` comes from a `macro_rules!` macro, with `self` from the
// caller's tokens (PORTED-FINDINGS.md #4).
macro_rules! coro_method {
    (fn $name:ident ($($params:tt)*) -> $ret:ty { $($body:tt)* }) => {
        #[coro_core::coroutine]
        fn $name($($params)*) -> $ret { $($body)* }
    };
}

struct MacroCounter(u32);

impl MacroCounter {
    coro_method! { fn shown(&self) -> u32 { ::core::future::ready(()).await; self.0 + 1 } }
    coro_method! { fn bumped(&mut self) -> u32 { self.0 += 1; ::core::future::ready(()).await; self.0 } }
}

#[test]
fn self_in_a_method_written_by_a_macro() {
    let mut c = MacroCounter(4);
    assert_eq!(coro_core::block_on(c.shown()), 5);
    assert_eq!(coro_core::block_on(c.bumped()), 5);
}

// `ref` / `ref mut` parameters: the binding borrows the argument on both sides of an await
// (PORTED-FINDINGS.md #2).
#[allow(clippy::toplevel_ref_arg)]
#[coro_core::coroutine]
fn ref_params(ref mut v: Vec<u32>, (ref a, b): (String, u32)) -> usize {
    v.push(b);
    ::core::future::ready(()).await;
    v.push(a.len() as u32);
    v.iter().sum::<u32>() as usize + v.len()
}

#[test]
fn ref_and_ref_mut_parameters() {
    assert_eq!(
        coro_core::block_on(ref_params(vec![1], (String::from("abc"), 5))),
        1 + 5 + 3 + 3
    );
}

// A `break` value that names a binding of its own fragment, shadowing a moved parameter
// (difftest seed 8147).
#[coro_core::coroutine]
fn break_value_names_a_fragment_binding(p: String) -> usize {
    drop(p);
    loop {
        let Some(x) = ::core::future::ready(None::<usize>).await else {
            let p = 5;
            break p;
        };
        break x;
    }
}

#[test]
fn a_break_value_names_the_fragment_binding() {
    assert_eq!(
        coro_core::block_on(break_value_names_a_fragment_binding(String::from("p"))),
        5
    );
}

fn push_into(v: &mut Vec<u32>, x: u32) {
    v.push(x);
}

struct Tally {
    n: u32,
}

fn add_to(t: &mut Tally, by: u32) {
    t.n += by;
}

#[coro_core::coroutine]
fn append_twice(v: &mut Vec<u32>) -> usize {
    push_into(v, ready_later(1).await);
    push_into(v, ready_later(2).await);
    v.len()
}

impl Tally {
    #[coro_core::coroutine]
    fn add_twice(&mut self) -> u32 {
        add_to(self, ready_later(1).await);
        add_to(self, ready_later(2).await);
        self.n
    }
}

/// A `&mut` parameter passed to a function before an await in a later argument is
/// reborrowed, as in rustc, not moved into a temporary: the body uses it again after.
#[test]
fn a_mut_ref_parameter_passed_before_an_await_stays_usable() {
    let mut v = vec![0];
    assert_eq!(block_on(append_twice(&mut v)), 3);
    assert_eq!(v, [0, 1, 2]);
    let mut t = Tally { n: 10 };
    assert_eq!(block_on(t.add_twice()), 13);
}
