//! Shapes near difftest findings 13, 14 and 16 that compile and behave as `async fn`: a new
//! value moved again after a decision (in a loop, by a `move` closure, after a `&&`
//! decision, with reads first, an await in a statement that names it; a panic in the run
//! before it is named, which dropped it early before), an assignment in an operand
//! (an awaiting `if`'s condition with a shadowing `let`, a scrutinee with a guard, a `let …
//! else` block, then `?`), and late initialisation before a `break` (a nested block, a `match`
//! with a guard, `?` between, a labelled `break` out of an inner loop, an awaited operand, a
//! `break` with a value), and generators with `yield_!` for the first and the last. Same
//! harness as `drop_flags.rs`.
#![allow(
    unused_variables,
    unused_assignments,
    unused_mut,
    clippy::needless_pass_by_value,
    clippy::many_single_char_names,
    clippy::blocks_in_conditions,
    clippy::match_same_arms,
    clippy::match_bool,
    clippy::single_match_else
)]

#[macro_use]
mod ported_common;

use coro_core::yield_;
use ported_common::{D, assert_same_at_every_cancel, later, log};

fn eat(d: D) -> bool {
    log(format!("eat {}", d.0));
    true
}
fn early(r: bool) -> Option<u8> {
    if r { None } else { Some(1) }
}

// 14: the run in a loop body.
twin! {
    fn run_in_a_loop / run_in_a_loop_ref (c: bool, k: u8) {
        let mut x = D("x");
        let y = if c { drop(x); 1 } else { later(2).await };
        let mut n = 0;
        while n < k {
            n += 1;
            x = D("x1");
            log("again");
            drop(x);
        }
        later(()).await;
        log("end");
    }
}

// 14: a move closure in the run.
twin! {
    fn move_closure / move_closure_ref (c: bool, e: bool) {
        let mut x = D("x");
        let y = if c { drop(x); 1 } else { later(2).await };
        if e {
            x = D("x1");
            let f = move || drop(x);
            f();
        }
        later(()).await;
        log("end");
    }
}

// 14: a method on the new value before the move, and a reference.
twin! {
    fn reads_before_the_move / reads_before_the_move_ref (c: bool, e: bool) {
        let mut x = D("x");
        let y = if c { drop(x); 1 } else { later(2).await };
        if e {
            x = D("x1");
            let r = &x;
            log(r.0);
            log(x.0.to_string());
            let z = (x, 1);
        }
        later(()).await;
        log("end");
    }
}

// 13: nested block in an awaiting if's condition, with a shadowing let inside.
twin! {
    fn operand_shadow / operand_shadow_ref (k: u8) {
        let mut x = D("x");
        drop(x);
        later(()).await;
        if { let x = D("inner"); k > 0 } {
            later(1).await;
        }
        x = D("x3");
        later(()).await;
        drop(x);
    }
}

// 13: assignment in an awaited expression, then `?` before the next read.
twin! {
    fn operand_then_try / operand_then_try_ref (k: u8, r: bool) -> Option<u8> {
        let mut x = D("x");
        drop(x);
        later(()).await;
        let n = later({ x = D("x2"); k }).await;
        let m = early(r)?;
        later(()).await;
        drop(x);
        Some(n)
    }
}

// 13: assignment in a `match` scrutinee (awaiting match), guard reading.
twin! {
    fn scrutinee_assign / scrutinee_assign_ref (k: u8) {
        let mut x = D("x");
        drop(x);
        later(()).await;
        match { x = D("x2"); k } {
            n if n > 1 => { later(()).await; log("big") }
            _ => log("small"),
        }
        later(()).await;
        drop(x);
    }
}

// 13: assignment in an `else` of let-else that returns, after a move.
twin! {
    fn let_else_assign / let_else_assign_ref (k: u8) -> u8 {
        let mut x = D("x");
        log("u");
        drop(x);
        later(()).await;
        let Some(n) = later(early(k == 0)).await else {
            x = D("x2");
            return 3;
        };
        later(()).await;
        n
    }
}

// 16: labelled continue after the assignment.
twin! {
    fn labelled_continue / labelled_continue_ref (k: u8) {
        let mut x = D("x");
        let mut n = 0;
        'o: loop {
            n += 1;
            later(()).await;
            if n == 1 {
                drop(x);
                x = D("x2");
                continue 'o;
            }
            if n > k { break; }
        }
        later(()).await;
        drop(x);
    }
}

// 16: a nested block assigns before the break.
twin! {
    fn block_before_break / block_before_break_ref (k: u8) {
        let x;
        let mut n = 0;
        loop {
            n += 1;
            if later(n).await > k {
                { log("in"); x = D("x"); }
                break;
            }
        }
        later(()).await;
        drop(x);
    }
}

// 16: a `match` that assigns in every arm (with a guard) before the break.
twin! {
    fn match_before_break / match_before_break_ref (k: u8) {
        let x;
        let mut n = 0;
        loop {
            n += 1;
            if later(n).await > k {
                match n { m if m > 2 => x = D("big"), _ => x = D("small") }
                break;
            }
        }
        later(()).await;
        drop(x);
    }
}

// 16: `?` between the assignment and the break.
twin! {
    fn try_before_break / try_before_break_ref (k: u8, r: bool) -> Option<u8> {
        let u = D("u");
        let x;
        let mut n = 0;
        loop {
            n += 1;
            if later(n).await > k {
                x = D("x");
                early(r)?;
                break;
            }
        }
        later(()).await;
        drop(x);
        Some(n)
    }
}

// 16: break to an outer labelled loop from an inner loop.
twin! {
    fn labelled_break_outer / labelled_break_outer_ref (k: u8) {
        let x;
        let mut n = 0;
        'o: loop {
            loop {
                n += 1;
                if later(n).await > k {
                    x = D("x");
                    break 'o;
                }
                if n % 2 == 0 { break; }
            }
        }
        later(()).await;
        drop(x);
    }
}

// 16: the assignment inside an awaited expression before a break.
twin! {
    fn awaited_assign_break / awaited_assign_break_ref (k: u8) {
        let x;
        let mut n = 0;
        loop {
            n += 1;
            if later(n).await > k {
                later({ x = D("x"); 1 }).await;
                break;
            }
        }
        later(()).await;
        drop(x);
    }
}

// 16: an inner loop that assigns and breaks at once, then the break.
twin! {
    fn inner_loop_assigns / inner_loop_assigns_ref (k: u8) {
        let x;
        let mut n = 0;
        loop {
            n += 1;
            if later(n).await > k {
                if n > 100 { x = D("never"); } else { x = D("x"); }
                break;
            }
        }
        later(()).await;
        drop(x);
    }
}

fn boom(b: bool) {
    if b {
        log("boom");
        panic!("boom");
    }
}

// 14: a panic in the run before the local is named (the new value drops after `u`).
twin! {
    fn panic_in_the_run / panic_in_the_run_ref (c: bool, e: bool, b: bool) {
        let mut x = D("x");
        let u = D("u");
        let y = if c { drop(x); 1 } else { later(2).await };
        if e {
            x = D("x1");
            boom(b);
            drop(x);
        }
        later(()).await;
        log("end");
    }
}

// 14: a statement that names the new value and awaits, in the run.
twin! {
    fn named_and_awaited / named_and_awaited_ref (c: bool, e: bool) {
        let mut x = D("x");
        let y = if c { drop(x); 1 } else { later(2).await };
        if e {
            x = D("x1");
            let n = later(x.0.len()).await;
            drop(x);
        }
        later(()).await;
        log("end");
    }
}

// 14: a decision by `&&`, then the run.
twin! {
    fn and_decides / and_decides_ref (c: bool, e: bool) {
        let mut x = D("x");
        let b = c && eat(x);
        later(()).await;
        if e {
            x = D("x1");
            log("assigned");
            drop(x);
        }
        later(()).await;
        log("end");
    }
}

// 16: a `match` arm assigns and breaks; a `break` with a value.
twin! {
    fn arm_assigns_and_breaks / arm_assigns_and_breaks_ref (k: u8) -> u8 {
        let x;
        let mut n = 0;
        let v = loop {
            n += 1;
            match later(n).await {
                m if m > k => {
                    x = D("x");
                    break m;
                }
                _ => log("again"),
            }
        };
        later(()).await;
        drop(x);
        v
    }
}

// Generators: 14 and 16 with `yield_!`; the reference is the same body with awaits.
#[coro_core::coroutine(yield = u8)]
fn gen_refill(c: bool, e: bool) {
    let mut x = D("x");
    let u = D("u");
    let y = if c {
        drop(x);
        1
    } else {
        yield_!(1);
        2
    };
    if e {
        x = D("x1");
        yield_!(2);
        log(x.0.to_string());
        drop(x);
    }
    yield_!(3);
    log("end");
}

async fn gen_refill_ref(c: bool, e: bool) {
    let mut x = D("x");
    let u = D("u");
    let y = if c {
        drop(x);
        1
    } else {
        later(()).await;
        2
    };
    if e {
        x = D("x1");
        later(()).await;
        log(x.0.to_string());
        drop(x);
    }
    later(()).await;
    log("end");
}

#[coro_core::coroutine(yield = u8)]
fn gen_late_init(k: u8) {
    let x;
    let mut n = 0;
    loop {
        n += 1;
        yield_!(n);
        if n > k {
            x = D("x");
            break;
        }
    }
    yield_!(0);
    drop(x);
}

async fn gen_late_init_ref(k: u8) {
    let x;
    let mut n = 0;
    loop {
        n += 1;
        later(()).await;
        if n > k {
            x = D("x");
            break;
        }
    }
    later(()).await;
    drop(x);
}

/// The generator's events when dropped after `n` values, and the reference's when dropped
/// after `n` polls that suspend.
fn gen_same<G: Iterator<Item = u8>, F: std::future::Future<Output = ()>>(
    g: impl Fn() -> G,
    f: impl Fn() -> F,
) {
    for n in 0..10 {
        let _ = ported_common::take_log();
        let mut gen_ = g();
        let mut got = 0;
        for _ in 0..n {
            if gen_.next().is_none() {
                break;
            }
            got += 1;
        }
        let done = got < n;
        drop(gen_);
        let ours = ported_common::take_log();
        let (_, reference) = ported_common::run_for(f(), if done { 10_000 } else { n });
        assert_eq!(
            ours,
            ported_common::body_events(&reference),
            "after {n} values {}",
            std::any::type_name::<G>()
        );
        if done {
            return;
        }
    }
}

#[test]
fn generators_with_yield() {
    for c in [false, true] {
        for e in [false, true] {
            gen_same(|| gen_refill(c, e), || gen_refill_ref(c, e));
        }
    }
    for k in 0..3 {
        gen_same(|| gen_late_init(k), || gen_late_init_ref(k));
    }
}

fn unwind_log<F: std::future::Future<Output = ()>>(f: F) -> Vec<String> {
    let _ = ported_common::take_log();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ported_common::run(f)));
    let mut l = ported_common::take_log();
    if let Ok(((), ok)) = r {
        l.extend(ok);
    }
    l
}

/// The new value waits in the flag until a statement names it (it dropped before `u` before).
#[test]
fn a_panic_in_the_run_before_the_local_is_named() {
    for c in [false, true] {
        for e in [false, true] {
            for b in [false, true] {
                assert_eq!(
                    unwind_log(panic_in_the_run(c, e, b)),
                    unwind_log(panic_in_the_run_ref(c, e, b)),
                    "{c} {e} {b}"
                );
            }
        }
    }
}

#[test]
fn shapes_near_the_fixes() {
    for c in [false, true] {
        for e in [false, true] {
            assert_same_at_every_cancel(|| named_and_awaited_ref(c, e), || named_and_awaited(c, e));
            assert_same_at_every_cancel(|| and_decides_ref(c, e), || and_decides(c, e));
            assert_same_at_every_cancel(|| move_closure_ref(c, e), || move_closure(c, e));
            assert_same_at_every_cancel(
                || reads_before_the_move_ref(c, e),
                || reads_before_the_move(c, e),
            );
        }
        for k in 0..3 {
            assert_same_at_every_cancel(|| run_in_a_loop_ref(c, k), || run_in_a_loop(c, k));
        }
    }
    for k in 0..3 {
        assert_same_at_every_cancel(
            || arm_assigns_and_breaks_ref(k),
            || arm_assigns_and_breaks(k),
        );
        assert_same_at_every_cancel(|| operand_shadow_ref(k), || operand_shadow(k));
        assert_same_at_every_cancel(|| scrutinee_assign_ref(k), || scrutinee_assign(k));
        assert_same_at_every_cancel(|| let_else_assign_ref(k), || let_else_assign(k));
        assert_same_at_every_cancel(|| labelled_continue_ref(k), || labelled_continue(k));
        assert_same_at_every_cancel(|| block_before_break_ref(k), || block_before_break(k));
        assert_same_at_every_cancel(|| match_before_break_ref(k), || match_before_break(k));
        assert_same_at_every_cancel(|| labelled_break_outer_ref(k), || labelled_break_outer(k));
        assert_same_at_every_cancel(|| awaited_assign_break_ref(k), || awaited_assign_break(k));
        assert_same_at_every_cancel(|| inner_loop_assigns_ref(k), || inner_loop_assigns(k));
        for r in [false, true] {
            assert_same_at_every_cancel(|| operand_then_try_ref(k, r), || operand_then_try(k, r));
            assert_same_at_every_cancel(|| try_before_break_ref(k, r), || try_before_break(k, r));
        }
    }
}
