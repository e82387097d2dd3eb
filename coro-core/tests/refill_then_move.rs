//! A local moved on some paths, then given a new value that is moved again on the same path
//! (difftest finding 14): `if e { x = D("x1"); drop(x); }` after a decision. rustc keeps `x`
//! in a drop flag across the whole sequence; the coroutine must drop the same values at the
//! same points, also when cancelled at any await. Same harness as `drop_flags.rs`.
#![allow(
    unused_variables,
    unused_assignments,
    clippy::needless_pass_by_value,
    clippy::many_single_char_names,
    clippy::match_same_arms,
    clippy::match_bool,
    clippy::single_match_else
)]

#[macro_use]
mod ported_common;

use ported_common::{D, assert_same_at_every_cancel, later, log};

// Finding 14 as reported: an awaiting decision (E0382 on the coroutine before).
twin! {
    fn after_an_awaiting_decision / after_an_awaiting_decision_ref (c: bool, e: bool) {
        let mut x = D("x");
        let y = if c {
            drop(x);
            1
        } else {
            later(2).await
        };
        if e {
            x = D("x1");
            drop(x);
        }
        later(()).await;
        log("end");
    }
}

// The same after an await-free decision (the old `x` dropped at the next suspension before).
twin! {
    fn after_an_await_free_decision / after_an_await_free_decision_ref (c: bool, e: bool) {
        let mut x = D("x");
        let y = if c {
            drop(x);
            1
        } else {
            2
        };
        if e {
            x = D("x1");
            drop(x);
        }
        later(()).await;
        log("end");
    }
}

// The assignment and the move in an `else` branch.
twin! {
    fn in_an_else_branch / in_an_else_branch_ref (c: bool, e: bool) {
        let mut x = D("x");
        let y = if c {
            drop(x);
            1
        } else {
            later(2).await
        };
        if e {
            log("kept");
        } else {
            x = D("x1");
            log("assigned");
            drop(x);
        }
        later(()).await;
        log("end");
    }
}

// In a nested block.
twin! {
    fn in_a_nested_block / in_a_nested_block_ref (c: bool, e: bool) {
        let mut x = D("x");
        let y = if c {
            drop(x);
            1
        } else {
            later(2).await
        };
        {
            log("block");
            if e {
                x = D("x1");
                drop(x);
            }
        }
        later(()).await;
        log("end");
    }
}

// A `match` decides, and a `match` assigns and moves.
twin! {
    fn with_matches / with_matches_ref (k: u8, e: u8) {
        let mut x = D("x");
        let y = match later(k).await {
            0 => {
                drop(x);
                1
            }
            _ => 2,
        };
        match e {
            0 => {
                x = D("x1");
                drop(x);
            }
            1 => log("one"),
            _ => {}
        }
        later(()).await;
        log("end");
    }
}

// An await-free `match` decides.
twin! {
    fn after_an_await_free_match / after_an_await_free_match_ref (k: u8, e: u8) {
        let mut x = D("x");
        let y = match k {
            0 => {
                drop(x);
                1
            }
            _ => 2,
        };
        match e {
            0 => {
                x = D("x1");
                drop(x);
            }
            _ => log("other"),
        }
        later(()).await;
        log("end");
    }
}

#[test]
fn a_new_value_moved_again_on_some_paths() {
    for c in [false, true] {
        for e in [false, true] {
            assert_same_at_every_cancel(
                || after_an_awaiting_decision_ref(c, e),
                || after_an_awaiting_decision(c, e),
            );
            assert_same_at_every_cancel(
                || after_an_await_free_decision_ref(c, e),
                || after_an_await_free_decision(c, e),
            );
            assert_same_at_every_cancel(|| in_an_else_branch_ref(c, e), || in_an_else_branch(c, e));
            assert_same_at_every_cancel(|| in_a_nested_block_ref(c, e), || in_a_nested_block(c, e));
        }
    }
    for k in 0..2 {
        for e in 0..3 {
            assert_same_at_every_cancel(|| with_matches_ref(k, e), || with_matches(k, e));
            assert_same_at_every_cancel(
                || after_an_await_free_match_ref(k, e),
                || after_an_await_free_match(k, e),
            );
        }
    }
}

/// A `u8` field spelled like the tracer.
struct P {
    x: u8,
}

/// A tracer field spelled like the tracer.
struct W {
    x: D,
}

fn show(n: u8) {
    log(format!("{n}"));
}

// Fields, a struct's field names and a shorthand field spelled like the local, also in a
// macro's tokens: only what names the local is renamed (E0382 or E0560 before).
twin! {
    fn names_like_the_local / names_like_the_local_ref (c: bool, e: bool) {
        let mut x = D("x");
        let p = P { x: 3 };
        let y = if c {
            drop(x);
            1
        } else {
            later(2).await
        };
        if e {
            x = D("x1");
            show(p.x);
            log(format!("{} {:?}", p.x, x));
            let q = P { x: p.x + 1 };
            show(std::convert::identity::<u8>(q.x));
            let w = W { x };
            log(w.x.0);
        }
        later(()).await;
        log("end");
    }
}

// A `let` of a nested block of the run that shadows the local (E0382 before).
twin! {
    fn shadowed_in_the_run / shadowed_in_the_run_ref (c: bool, e: bool) {
        let mut x = D("x");
        let y = if c {
            drop(x);
            1
        } else {
            later(2).await
        };
        if e {
            x = D("x1");
            {
                let x = 4;
                show(x);
            }
            drop(x);
        }
        later(()).await;
        log("end");
    }
}

// An await in the run before the local is named: the new value waits in the flag, in `x`'s
// place, so a cancellation there drops it after `u`, as rustc does (before it, before).
twin! {
    fn suspended_before_it_is_named / suspended_before_it_is_named_ref (c: bool, e: bool) {
        let mut x = D("x");
        let u = D("u");
        let y = if c {
            drop(x);
            1
        } else {
            later(2).await
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
}

#[test]
fn a_run_renames_only_what_names_the_local() {
    for c in [false, true] {
        for e in [false, true] {
            assert_same_at_every_cancel(
                || names_like_the_local_ref(c, e),
                || names_like_the_local(c, e),
            );
            assert_same_at_every_cancel(
                || shadowed_in_the_run_ref(c, e),
                || shadowed_in_the_run(c, e),
            );
        }
    }
}

#[test]
fn a_new_value_waits_in_the_flag_until_it_is_named() {
    for c in [false, true] {
        for e in [false, true] {
            assert_same_at_every_cancel(
                || suspended_before_it_is_named_ref(c, e),
                || suspended_before_it_is_named(c, e),
            );
        }
    }
}
