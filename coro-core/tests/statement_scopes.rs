//! What normalization keeps of a statement's meaning when it takes the statement apart at an
//! `.await`: the value of a shorthand struct field, when a value matched by `_` drops, that a
//! `debug_assert*!` evaluates nothing without debug assertions, and how long the temporaries of
//! a `for` loop's iterator and an awaiting `match`'s scrutinee live, and that an awaiting `if` or
//! `while` condition drops its temporaries before the branch runs, and that a field read by
//! arithmetic before an await does not end its variable there.
//! Each body is compiled as an `async fn` (the reference) and as a `#[coro_core::coroutine]
//! fn`; both are polled 0, 1, 2, … times, dropped, and must log the same events.
#![allow(
    clippy::let_underscore_future,
    clippy::let_underscore_untyped,
    clippy::needless_pass_by_value,
    clippy::ignored_unit_patterns,
    clippy::match_bool,
    clippy::single_match,
    clippy::match_single_binding,
    clippy::redundant_pattern_matching,
    clippy::unused_async,
    clippy::eq_op,
    clippy::bool_assert_comparison
)]

#[macro_use]
mod ported_common;

use ported_common::{D, Later, assert_same_at_every_cancel, later, log};

#[derive(Debug, PartialEq)]
struct P {
    a: u32,
    b: u32,
}

#[derive(Debug, PartialEq)]
enum E {
    V { a: u32, b: u32 },
}

twin! {
    fn shorthand_first / shorthand_first_ref () -> (P, u32) {
        let mut a = 1;
        let p = P { a, b: { a += 10; later(a).await } };
        (p, a)
    }
}

twin! {
    fn shorthand_unused_after / shorthand_unused_after_ref (a: u32) -> (P, E) {
        let c = 4;
        let p = P { a, b: later(5).await };
        let e = E::V { a: c, b: later(6).await };
        (p, e)
    }
}

twin! {
    fn shorthand_variant / shorthand_variant_ref (a: u32) -> E {
        E::V { a, b: later(6).await }
    }
}

#[test]
fn a_shorthand_field_takes_its_value_before_a_later_field_awaits() {
    assert_same_at_every_cancel(shorthand_first_ref, shorthand_first);
    assert_same_at_every_cancel(
        || shorthand_unused_after_ref(3),
        || shorthand_unused_after(3),
    );
    assert_same_at_every_cancel(|| shorthand_variant_ref(3), || shorthand_variant(3));
}

struct Pair(D, D);

twin! {
    fn let_wild / let_wild_ref () {
        let _ = later(D("let_")).await;
        log("after let _");
        let _: D = later(D("typed")).await;
        log("after typed");
        let (_, k) = (later(D("tup0")).await, D("tup1"));
        log("after tuple");
        let Pair(_, m) = later(Pair(D("pair0"), D("pair1"))).await;
        log("after pair");
        let Pair(n, ..) = later(Pair(D("rest0"), D("rest1"))).await;
        log("after rest");
        {
            let _ = later(D("inner")).await;
            log("in block");
        }
        later(()).await;
        log("end");
        drop((k, m, n));
    }
}

twin! {
    fn let_wild_compound / let_wild_compound_ref (c: bool) {
        let _ = if c { later(D("then")).await } else { D("else") };
        log("after if");
        let (_, x) = match c {
            true => (later(D("m0")).await, D("m1")),
            false => (D("m2"), D("m3")),
        };
        log("after match");
        later(()).await;
        drop(x);
    }
}

twin! {
    fn let_else_wild / let_else_wild_ref (ok: bool) -> u32 {
        let r: Result<(D, u32), D> = if ok { Ok((D("ok"), 7)) } else { Err(D("err")) };
        let Ok((_, n)) = later(r).await else {
            log("else");
            later(()).await;
            return 0;
        };
        log("after let else");
        later(()).await;
        n
    }
}

#[test]
fn a_value_matched_by_a_wildcard_drops_at_the_end_of_its_let() {
    assert_same_at_every_cancel(let_wild_ref, let_wild);
    for c in [false, true] {
        assert_same_at_every_cancel(|| let_wild_compound_ref(c), || let_wild_compound(c));
    }
    for ok in [false, true] {
        assert_same_at_every_cancel(|| let_else_wild_ref(ok), || let_else_wild(ok));
    }
}

async fn effect(tag: &'static str) -> bool {
    log(tag);
    later(()).await;
    true
}

twin! {
    fn debug_checks / debug_checks_ref () -> u32 {
        debug_assert!(effect("debug_assert").await);
        debug_assert!(effect("debug_assert_msg").await, "with a message {}", 1);
        debug_assert_eq!(effect("debug_assert_eq").await, true);
        debug_assert_ne!(effect("debug_assert_ne").await, false, "differ");
        let v = { debug_assert_eq!(true, effect("in_block").await); 5 };
        assert_eq!(effect("assert_eq").await, true);
        v
    }
}

#[test]
fn debug_assertions_evaluate_their_operands_only_when_enabled() {
    assert_same_at_every_cancel(debug_checks_ref, debug_checks);
    let (_, events) = ported_common::run(debug_checks());
    let ran = events.iter().any(|e| e == "debug_assert_eq");
    assert_eq!(ran, cfg!(debug_assertions), "{events:?}");
}

fn make(name: &'static str) -> D {
    log(format!("make {name}"));
    D(name)
}

/// The numbers to iterate over, borrowing `d` only for the call.
fn items(d: &D, n: u32) -> Vec<u32> {
    log(format!("items of {}", d.0));
    (1..=n).collect()
}

fn pick(d: &D, n: u32) -> u32 {
    log(format!("pick from {}", d.0));
    n
}

twin! {
    fn for_borrowed_temporary / for_borrowed_temporary_ref () -> u32 {
        let mut t = 0;
        for x in items(&make("iter-tmp"), 2) {
            log(format!("body {x}"));
            t += later(x).await;
        }
        log("after for");
        t
    }
}

twin! {
    fn for_awaited_iterable / for_awaited_iterable_ref () -> u32 {
        let mut t = 0;
        for x in items(&make("before"), later(2).await) {
            t += later(x).await;
        }
        'outer: for x in later(vec![D("v1"), D("v2")]).await {
            for y in items(&x, 2) {
                if y == 2 {
                    continue 'outer;
                }
                t += later(y).await;
            }
        }
        t
    }
}

#[test]
fn a_for_loops_borrowed_temporaries_live_until_the_loop_ends() {
    assert_same_at_every_cancel(for_borrowed_temporary_ref, for_borrowed_temporary);
    assert_same_at_every_cancel(for_awaited_iterable_ref, for_awaited_iterable);
}

twin! {
    fn match_borrowed_temporary / match_borrowed_temporary_ref (k: u32) -> u32 {
        let r = match pick(&make("scrut"), k) {
            5 => {
                log("arm5");
                later(()).await;
                log("arm5 after");
                1
            }
            _ => 2,
        };
        log("after match");
        let mut n = 0;
        while let 1..3 = pick(&make("while"), n) {
            log("while body");
            n += later(1).await;
        }
        r + n
    }
}

twin! {
    fn match_awaited_scrutinee / match_awaited_scrutinee_ref () -> u32 {
        match pick(&make("tmp"), later(5).await) {
            n => {
                log("arm");
                later(()).await;
                n
            }
        }
    }
}

#[test]
fn a_matchs_borrowed_temporaries_live_until_the_match_ends() {
    for k in [5, 6] {
        assert_same_at_every_cancel(
            || match_borrowed_temporary_ref(k),
            || match_borrowed_temporary(k),
        );
    }
    assert_same_at_every_cancel(match_awaited_scrutinee_ref, match_awaited_scrutinee);
}

twin! {
    fn promoted_borrows / promoted_borrows_ref () -> u32 {
        let mut t = 0;
        for x in &[1, 2] {
            t += later(*x).await;
        }
        for x in [1u32, 2].iter().chain(&[3]) {
            t += later(*x).await;
        }
        match &Some(4) {
            Some(v) => {
                later(()).await;
                t += *v;
            }
            None => {}
        }
        t
    }
}

#[test]
fn promoted_constants_stay_borrowed_across_awaits() {
    assert_same_at_every_cancel(promoted_borrows_ref, promoted_borrows);
}

#[allow(dead_code)] // the `D` is there to be dropped
struct Flag(D, bool);

impl Flag {
    fn flag(&self) -> bool {
        self.1
    }
}

fn flagged(name: &'static str, on: bool) -> Later<Flag> {
    log(format!("make {name}"));
    later(Flag(D(name), on))
}

twin! {
    fn condition_temporaries / condition_temporaries_ref (on: bool) -> u32 {
        let mut n = 0;
        if flagged("if", on).await.flag() {
            log("then");
            later(()).await;
        } else {
            log("else");
        }
        while flagged("while", n < 2).await.flag() {
            log("while body");
            n += 1;
        }
        while flagged("while awaiting", n < 4).await.flag() && later(true).await {
            log("body");
            n += later(1).await;
        }
        n
    }
}

#[test]
fn an_awaiting_conditions_temporaries_drop_before_its_branch_runs() {
    for on in [false, true] {
        assert_same_at_every_cancel(
            || condition_temporaries_ref(on),
            || condition_temporaries(on),
        );
    }
}

struct Counter {
    n: u32,
    _d: D,
}

impl Counter {
    async fn sum_ref(self) -> u32 {
        let v = self.n + later(1).await;
        later(()).await;
        log("end");
        v
    }

    #[coro_core::coroutine]
    fn sum(self) -> u32 {
        let v = self.n + later(1).await;
        later(()).await;
        log("end");
        v
    }
}

twin! {
    fn field_operand / field_operand_ref () -> u32 {
        let c = Counter { n: 2, _d: D("local") };
        let v = c.n * later(3).await + (c.n);
        later(()).await;
        log("end");
        v
    }
}

#[test]
fn a_field_read_by_arithmetic_before_an_await_does_not_move_its_variable() {
    let counter = |name| Counter { n: 1, _d: D(name) };
    assert_same_at_every_cancel(|| counter("self").sum_ref(), || counter("self").sum());
    assert_same_at_every_cancel(field_operand_ref, field_operand);
}
