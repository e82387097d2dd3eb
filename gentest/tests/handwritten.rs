//! Hand-written programs compared with the same harness as the generated ones: shapes the
//! generator does not produce (several levels of delegation, a generator used as an iterator)
//! and the minimal repros of `FINDINGS.md`.
#![feature(coroutines, coroutine_trait, stmt_expr_attributes)]

use coro_core::{yield_, yield_from};
use gentest::rt::{Tracer, compare, consume, emit, peek};
use std::ops::Coroutine;

mod reference {
    use super::*;

    pub fn leaf(t: Tracer) -> impl Coroutine<i64, Yield = i64, Return = i64> {
        #[coroutine]
        static move |_first: i64| -> i64 {
            let t = t;
            let a = yield peek(&t);
            let b = yield a + 1;
            a * b
        }
    }

    pub fn middle(n: i64) -> impl Coroutine<i64, Yield = i64, Return = i64> {
        #[coroutine]
        static move |_first: i64| -> i64 {
            let n = n;
            let mut sum = 0;
            for i in 0..n {
                let _g = Tracer::new("middle", i);
                let mut inner = Box::pin(leaf(Tracer::new("leaf", i)));
                let mut sent = 0;
                let r = loop {
                    match inner.as_mut().resume(sent) {
                        std::ops::CoroutineState::Yielded(y) => sent = yield y,
                        std::ops::CoroutineState::Complete(r) => break r,
                    }
                };
                sum += emit(r);
            }
            sum
        }
    }

    pub fn top() -> impl Coroutine<i64, Yield = i64, Return = i64> {
        #[coroutine]
        static move |_first: i64| -> i64 {
            let first = yield 100;
            let mut inner = Box::pin(middle(2));
            let mut sent = 0;
            let r = loop {
                match inner.as_mut().resume(sent) {
                    std::ops::CoroutineState::Yielded(y) => sent = yield y,
                    std::ops::CoroutineState::Complete(r) => break r,
                }
            };
            first + r
        }
    }

    pub fn moved_on_another_path(
        p: Tracer,
        c: bool,
    ) -> impl Coroutine<(), Yield = i64, Return = i64> {
        #[coroutine]
        static move |_first: ()| -> i64 {
            let p = p;
            let c = c;
            if c {
                yield 1;
                return 0;
            }
            consume(p)
        }
    }
}

mod ours {
    use super::*;

    #[coro_core::coroutine(yield = i64, resume = i64)]
    pub fn leaf(t: Tracer) -> i64 {
        let a = yield_!(peek(&t));
        let b = yield_!(a + 1);
        a * b
    }

    #[coro_core::coroutine(yield = i64, resume = i64)]
    pub fn middle(n: i64) -> i64 {
        let mut sum = 0;
        for i in 0..n {
            let _g = Tracer::new("middle", i);
            let r = yield_from!(leaf(Tracer::new("leaf", i)));
            sum += emit(r);
        }
        sum
    }

    #[coro_core::coroutine(yield = i64, resume = i64)]
    pub fn top() -> i64 {
        let first = yield_!(100);
        let r = yield_from!(middle(2));
        first + r
    }

    #[coro_core::coroutine(yield = i64)]
    pub fn moved_on_another_path(p: Tracer, c: bool) -> i64 {
        if c {
            yield_!(1);
            return 0;
        }
        consume(p)
    }
}

#[test]
fn delegation_two_levels_deep_with_sent_values() {
    let steps = compare(reference::top, ours::top, || 0_i64).unwrap_or_else(|m| panic!("{m}"));
    assert_eq!(steps, 6);
}

#[test]
fn parameter_moved_only_on_another_path() {
    for c in [true, false] {
        compare(
            || reference::moved_on_another_path(Tracer::new("p", 1), c),
            || ours::moved_on_another_path(Tracer::new("p", 1), c),
            || (),
        )
        .unwrap_or_else(|m| panic!("c = {c}: {m}"));
    }
}

#[coro_core::coroutine(yield = u64)]
fn squares(n: u64) {
    for i in 0..n {
        yield_!(i * i);
    }
}

#[test]
fn a_generator_iterates_like_rustc_s() {
    let mut theirs = #[coroutine]
    || {
        for i in 0..5_u64 {
            yield i * i;
        }
    };
    let mut expected = Vec::new();
    while let std::ops::CoroutineState::Yielded(v) = std::pin::Pin::new(&mut theirs).resume(()) {
        expected.push(v);
    }
    assert_eq!(squares(5).collect::<Vec<_>>(), expected);
}
