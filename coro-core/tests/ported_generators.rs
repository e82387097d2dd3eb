//! Run-pass behaviour of generators, ported from ideas in rust-lang/rust `tests/ui/coroutine/`
//! (`smoke`, `control-flow`, `conditional-drop`, `drop-control-flow`, `drop-env`,
//! `panic-drops`, `resume-after-return`, `overlap-locals`, `match-bindings`) and rewritten for
//! `#[coro_core::coroutine(yield = ..)]` on stable Rust. rustc's versions of these bodies are
//! nightly-only; `gentest/` compares the two lowerings on random programs.
#![allow(clippy::needless_pass_by_value, clippy::unused_unit)]

mod ported_common;

use coro_core::{Generator, GeneratorState, yield_, yield_from};
use ported_common::{D, log, panic_message, take_log};
use std::pin::pin;
use std::rc::Rc;

/// Resumes `g` with `()` until it completes; returns how many times it yielded.
fn finish<G: Generator<Yield = (), Return = ()>>(g: G) -> usize {
    let mut g = pin!(g);
    let mut yields = 0;
    loop {
        match g.as_mut().resume(()) {
            GeneratorState::Yielded(()) => yields += 1,
            GeneratorState::Complete(()) => return yields,
        }
    }
}

/// `start`s `g` and then resumes it with `()`, collecting every state.
fn states<G: Generator<Yield = Y, Return = T>, Y, T>(g: G) -> Vec<GeneratorState<Y, T>> {
    let mut g = Box::pin(g);
    let mut out = vec![g.as_mut().start()];
    while !out.last().is_some_and(GeneratorState::is_complete) {
        out.push(g.as_mut().resume(()));
    }
    out
}

// --- smoke ----------------------------------------------------------------------------------

#[coro_core::coroutine(yield = ())]
fn never_yields() {
    if false {
        yield_!(());
    }
}

#[coro_core::coroutine(yield = ())]
fn returns_argument(a: String) -> String {
    if false {
        yield_!(());
    }
    a
}

#[coro_core::coroutine(yield = ())]
fn yields_unit_once() {
    yield_!(());
}

#[coro_core::coroutine(yield = String)]
fn yields_argument(b: String) {
    yield_!(b);
}

#[coro_core::coroutine(yield = String)]
fn yields_then_returns() -> String {
    yield_!(String::from("bar"));
    return String::from("foo");
}

#[coro_core::coroutine(yield = ())]
fn returns_after_yield(a: String) -> String {
    yield_!(());
    a
}

#[test]
fn smoke() {
    assert_eq!(states(never_yields()), [GeneratorState::Complete(())]);
    assert_eq!(
        states(returns_argument("foo".into())),
        [GeneratorState::Complete("foo".to_string())]
    );
    assert_eq!(
        states(yields_unit_once()),
        [GeneratorState::Yielded(()), GeneratorState::Complete(())]
    );
    assert_eq!(
        states(yields_argument("foo".into())),
        [
            GeneratorState::Yielded("foo".to_string()),
            GeneratorState::Complete(())
        ]
    );
    assert_eq!(
        states(yields_then_returns()),
        [
            GeneratorState::Yielded("bar".to_string()),
            GeneratorState::Complete("foo".to_string())
        ]
    );
    assert_eq!(
        states(returns_after_yield("foo".into())),
        [
            GeneratorState::Yielded(()),
            GeneratorState::Complete("foo".to_string())
        ]
    );
}

#[test]
fn send_sync_and_across_threads() {
    fn assert_send_sync<T: Send + Sync>(t: T) -> T {
        t
    }
    let _ = assert_send_sync(yields_unit_once());
    let _ = assert_send_sync(yields_then_returns());
    let g = assert_send_sync(yields_argument("a".into()));
    let out = std::thread::spawn(move || states(g)).join().unwrap();
    assert_eq!(
        out,
        [
            GeneratorState::Yielded("a".to_string()),
            GeneratorState::Complete(())
        ]
    );
    // Started on one thread, finished on another.
    let mut g = Box::pin(returns_after_yield("b".into()));
    assert_eq!(g.as_mut().start(), GeneratorState::Yielded(()));
    let done = std::thread::spawn(move || g.as_mut().resume(()))
        .join()
        .unwrap();
    assert_eq!(done, GeneratorState::Complete("b".to_string()));
}

// --- control flow ---------------------------------------------------------------------------

#[coro_core::coroutine(yield = ())]
fn flow(shape: u8) {
    match shape {
        0 => {
            if true {
                yield_!(());
            } else {
                yield_!(());
            }
        }
        1 => {
            if false {
                yield_!(());
            } else {
                yield_!(());
                yield_!(());
            }
        }
        2 => {
            for _ in 0..3 {
                yield_!(());
            }
        }
        3 => {
            let mut n = 0;
            while n < 4 {
                n += 1;
                if n % 2 == 0 {
                    continue;
                }
                yield_!(());
            }
        }
        4 => {
            let mut n = 0;
            'outer: loop {
                loop {
                    n += 1;
                    yield_!(());
                    if n == 2 {
                        continue 'outer;
                    }
                    if n > 3 {
                        break 'outer;
                    }
                }
            }
        }
        _ => {
            let v = if shape == 5 { Some(3) } else { None };
            match v {
                Some(k) => {
                    for _ in 0..k {
                        yield_!(());
                    }
                }
                None => {}
            }
        }
    }
}

// Macro bug (finding 13, a compile error): `if let` whose body suspends. Delete the `cfg`
// when fixed.
mod if_let_body_yields {
    use super::*;

    #[coro_core::coroutine(yield = u32)]
    fn if_let_yields(v: Option<u32>) {
        if let Some(k) = v {
            for i in 0..k {
                yield_!(i);
            }
        }
    }

    #[test]
    fn if_let_with_yields_in_its_body() {
        assert_eq!(if_let_yields(Some(3)).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(if_let_yields(None).count(), 0);
    }
}

#[test]
fn control_flow_yield_counts() {
    let counts: Vec<usize> = (0..=6).map(|s| finish(flow(s))).collect();
    assert_eq!(counts, [1, 2, 3, 2, 4, 3, 0]);
}

// --- drops ----------------------------------------------------------------------------------

#[coro_core::coroutine(yield = ())]
fn conditional_drop(drop_early: bool) {
    let b = D("b");
    if drop_early {
        drop(b);
    }
    yield_!(());
    log("after yield");
}

#[test]
fn conditionally_dropped_local() {
    // Dropped before the yield when the branch runs…
    let mut g = Box::pin(conditional_drop(true));
    assert_eq!(g.as_mut().start(), GeneratorState::Yielded(()));
    assert_eq!(take_log(), ["drop b"]);
    assert!(g.as_mut().resume(()).is_complete());
    assert_eq!(take_log(), ["after yield"]);
    // …and at the end of the body when it does not.
    let mut g = Box::pin(conditional_drop(false));
    assert_eq!(g.as_mut().start(), GeneratorState::Yielded(()));
    assert!(take_log().is_empty());
    assert!(g.as_mut().resume(()).is_complete());
    assert_eq!(take_log(), ["after yield", "drop b"]);
}

#[coro_core::coroutine(yield = ())]
fn conditional_drop_then_dropped(drop_early: bool) {
    let b = D("b");
    if drop_early {
        drop(b);
    }
    yield_!(());
}

#[test]
fn conditionally_dropped_local_when_the_generator_is_dropped() {
    for (early, want) in [
        (true, ["drop b", "dropping"]),
        (false, ["dropping", "drop b"]),
    ] {
        take_log();
        let mut g = Box::pin(conditional_drop_then_dropped(early));
        assert_eq!(g.as_mut().start(), GeneratorState::Yielded(()));
        log("dropping");
        drop(g);
        assert_eq!(take_log(), want, "drop_early = {early}");
    }
}

/// Not `Send`: what a generator holds across a yield decides whether it is `Send`.
type NonSend = Rc<()>;

fn assert_send<T: Send>(t: T) -> T {
    t
}

#[coro_core::coroutine(yield = ())]
fn dropped_on_both_arms(arg: bool) {
    let x: NonSend = Rc::new(());
    if arg {
        drop(x);
    } else {
        drop(x);
    }
    yield_!(());
}

#[coro_core::coroutine(yield = ())]
fn moved_then_yield(arg: bool) -> usize {
    let x: NonSend = Rc::new(());
    let n = Rc::strong_count(&x);
    drop(x);
    if arg {
        yield_!(());
    }
    n
}

#[test]
fn values_dropped_on_every_path_before_a_yield_are_not_held() {
    assert_eq!(finish(assert_send(dropped_on_both_arms(true))), 1);
    assert_eq!(
        states(assert_send(moved_then_yield(true))),
        [GeneratorState::Yielded(()), GeneratorState::Complete(1)]
    );
}

// The value assigned in the loop is only ever dropped, which is what the test watches.
#[allow(unused_assignments)]
#[coro_core::coroutine(yield = u32)]
fn reinitialised_in_a_loop() {
    let mut arr = [D("first")];
    let mut count = 0;
    drop(arr);
    while count < 3 {
        yield_!(count);
        arr = [D("again")];
        count += 1;
        log(format!("count {count}"));
    }
}

#[test]
fn reinitialised_after_a_move_in_a_loop() {
    take_log();
    let v: Vec<u32> = reinitialised_in_a_loop().collect();
    assert_eq!(v, [0, 1, 2]);
    assert_eq!(
        take_log(),
        [
            "drop first",
            "count 1",
            "drop again",
            "count 2",
            "drop again",
            "count 3",
            "drop again"
        ]
    );
}

#[coro_core::coroutine(yield = ())]
fn captures(a: D, b: D) -> &'static str {
    log("started");
    yield_!(());
    let _keep = &a;
    drop(b);
    yield_!(());
    "done"
}

#[test]
fn arguments_drop_whenever_the_generator_goes() {
    // Never started: only the arguments, in order.
    take_log();
    drop(captures(D("a"), D("b")));
    assert_eq!(take_log(), ["drop a", "drop b"]);
    // Dropped at the first yield: both still held (rustc drops in reverse declaration order).
    let mut g = Box::pin(captures(D("a"), D("b")));
    assert_eq!(g.as_mut().start(), GeneratorState::Yielded(()));
    drop(g);
    assert_eq!(take_log(), ["started", "drop b", "drop a"]);
    // Dropped at the second: `b` went already.
    let mut g = Box::pin(captures(D("a"), D("b")));
    g.as_mut().start();
    g.as_mut().resume(());
    drop(g);
    assert_eq!(take_log(), ["started", "drop b", "drop a"]);
    // Completed: everything dropped by the time it returns, nothing at the drop.
    let mut g = Box::pin(captures(D("a"), D("b")));
    g.as_mut().start();
    g.as_mut().resume(());
    assert_eq!(g.as_mut().resume(()), GeneratorState::Complete("done"));
    assert_eq!(take_log(), ["started", "drop b", "drop a"]);
    drop(g);
    assert!(take_log().is_empty());
}

// --- panics and the life cycle ----------------------------------------------------------------

#[coro_core::coroutine(yield = ())]
fn panics(b: D, before_yield: bool) {
    if before_yield {
        panic!("before");
    }
    yield_!(());
    let _keep = &b;
    panic!("after");
}

#[test]
fn a_panic_drops_what_the_generator_held_exactly_once() {
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for before in [true, false] {
        take_log();
        let mut g = Box::pin(panics(D("b"), before));
        if !before {
            assert_eq!(g.as_mut().start(), GeneratorState::Yielded(()));
        }
        let msg = panic_message(|| {
            if before {
                g.as_mut().start()
            } else {
                g.as_mut().resume(())
            }
        });
        assert_eq!(msg, if before { "before" } else { "after" });
        assert_eq!(take_log(), ["drop b"]);
        let again = panic_message(|| g.as_mut().resume(()));
        assert!(again.contains("after panicking"), "{again}");
        drop(g);
        assert!(take_log().is_empty(), "dropped twice");
    }
    std::panic::set_hook(quiet);
}

#[test]
fn resuming_after_return_panics() {
    let mut g = Box::pin(yields_unit_once());
    assert_eq!(g.as_mut().resume(()), GeneratorState::Yielded(()));
    assert_eq!(g.as_mut().resume(()), GeneratorState::Complete(()));
    let msg = panic_message(|| g.as_mut().resume(()));
    assert_eq!(msg, "generator resumed after completion");
    let msg = panic_message(|| g.as_mut().start());
    assert!(
        msg.contains("after completion") || msg.contains("already"),
        "{msg}"
    );
}

#[coro_core::coroutine(yield = i64, resume = i64)]
fn running_sum() -> i64 {
    let mut sum = 0;
    loop {
        let v = yield_!(sum);
        if v == 0 {
            return sum;
        }
        sum += v;
    }
}

#[test]
fn first_resume_rules() {
    // With a resume value, the first step must be `start`: the value would be lost.
    let mut g = Box::pin(running_sum());
    let msg = panic_message(|| g.as_mut().resume(5));
    assert!(msg.contains("start"), "{msg}");
    let mut g = Box::pin(running_sum());
    assert_eq!(g.as_mut().start(), GeneratorState::Yielded(0));
    assert_eq!(g.as_mut().resume(5), GeneratorState::Yielded(5));
    assert_eq!(g.as_mut().resume(-2), GeneratorState::Yielded(3));
    assert_eq!(g.as_mut().resume(0), GeneratorState::Complete(3));
    // `start` twice is a bug too.
    let mut g = Box::pin(running_sum());
    g.as_mut().start();
    let msg = panic_message(|| g.as_mut().start());
    assert!(msg.contains("start"), "{msg}");
    // With `()` (no `resume = ..`), `resume(())` on a fresh generator starts it.
    let mut g = Box::pin(yields_unit_once());
    assert_eq!(g.as_mut().resume(()), GeneratorState::Yielded(()));
}

// --- layout: locals of disjoint scopes share the state ----------------------------------------

#[coro_core::coroutine(yield = ())]
fn one_scope() {
    {
        let w: i32 = 4;
        yield_!(());
        log(format!("{w}"));
    }
}

#[coro_core::coroutine(yield = ())]
fn four_scopes() {
    {
        let w: i32 = 4;
        yield_!(());
        log(format!("{w}"));
    }
    {
        let x: i32 = 5;
        yield_!(());
        log(format!("{x}"));
    }
    {
        let y: i32 = 6;
        yield_!(());
        log(format!("{y}"));
    }
    {
        let z: i32 = 7;
        yield_!(());
        log(format!("{z}"));
    }
}

#[test]
fn locals_of_disjoint_scopes_overlap() {
    assert_eq!(
        std::mem::size_of_val(&four_scopes()),
        std::mem::size_of_val(&one_scope())
    );
    take_log();
    assert_eq!(finish(four_scopes()), 4);
    assert_eq!(take_log(), ["4", "5", "6", "7"]);
}

// --- match bindings -------------------------------------------------------------------------

enum Shape {
    Circle(D, u32),
    Pair { left: u32, right: u32 },
    Nothing,
}

#[coro_core::coroutine(yield = u32)]
fn describe(shapes: Vec<Shape>) -> u32 {
    let mut total = 0;
    for s in shapes {
        match s {
            Shape::Circle(tag, r) => {
                yield_!(r);
                log(format!("circle {}", tag.0));
                total += r;
            }
            Shape::Pair { left, right } if left < right => {
                yield_!(left);
                yield_!(right);
                total += right - left;
            }
            Shape::Pair { left, .. } => {
                yield_!(left);
                total += left;
            }
            Shape::Nothing => {}
        }
    }
    total
}

#[test]
fn yields_inside_match_arms_with_bindings() {
    take_log();
    let shapes = vec![
        Shape::Circle(D("c1"), 3),
        Shape::Pair { left: 1, right: 5 },
        Shape::Nothing,
        Shape::Pair { left: 9, right: 2 },
    ];
    let out = states(describe(shapes));
    assert_eq!(
        out,
        [
            GeneratorState::Yielded(3),
            GeneratorState::Yielded(1),
            GeneratorState::Yielded(5),
            GeneratorState::Yielded(9),
            GeneratorState::Complete(16)
        ]
    );
    assert_eq!(take_log(), ["circle c1", "drop c1"]);
    // Dropped while suspended in the `Circle` arm: the binding drops, then the rest of the
    // vector's iterator.
    let mut g = Box::pin(describe(vec![
        Shape::Circle(D("c1"), 3),
        Shape::Circle(D("c2"), 4),
    ]));
    assert_eq!(g.as_mut().start(), GeneratorState::Yielded(3));
    drop(g);
    assert_eq!(take_log(), ["drop c1", "drop c2"]);
}

// --- delegation (PEP 380) --------------------------------------------------------------------

#[coro_core::coroutine(yield = i64, resume = i64)]
fn inner(tag: D) -> i64 {
    let a = yield_!(1);
    let b = yield_!(a * 10);
    a + b
}

#[coro_core::coroutine(yield = i64, resume = i64)]
fn outer() -> i64 {
    let first = yield_!(0);
    let got = yield_from!(inner(D("inner")));
    let _after = D("after");
    first + got
}

#[test]
fn yield_from_forwards_values_both_ways_and_drops_the_inner_generator() {
    take_log();
    let mut g = Box::pin(outer());
    assert_eq!(g.as_mut().start(), GeneratorState::Yielded(0));
    assert_eq!(g.as_mut().resume(100), GeneratorState::Yielded(1));
    assert_eq!(g.as_mut().resume(2), GeneratorState::Yielded(20));
    assert_eq!(take_log(), Vec::<String>::new());
    assert_eq!(g.as_mut().resume(3), GeneratorState::Complete(105));
    assert_eq!(take_log(), ["drop inner", "drop after"]);
    // Dropped in the middle of the delegation: the inner generator goes with it.
    let mut g = Box::pin(outer());
    g.as_mut().start();
    g.as_mut().resume(100);
    drop(g);
    assert_eq!(take_log(), ["drop inner"]);
}

#[test]
fn a_generator_without_resume_values_is_an_iterator() {
    let v: Vec<u32> = describe(vec![Shape::Pair { left: 1, right: 2 }]).collect();
    assert_eq!(v, [1, 2]);
    assert_eq!(flow(2).count(), 3);
}
