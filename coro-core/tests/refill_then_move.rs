//! A local moved on some paths, then given a new value that is moved again on the same path
//! (difftest finding 14): `if e { x = D("x1"); drop(x); }` after a decision. rustc keeps `x`
//! in a drop flag across the whole sequence; the coroutine must drop the same values at the
//! same points, also when cancelled at any await. Same harness as `drop_flags.rs`.
#![allow(
    unused_variables,
    unused_assignments,
    clippy::needless_pass_by_value,
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
