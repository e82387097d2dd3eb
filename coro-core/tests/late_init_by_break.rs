//! A local declared without a value, or moved, and assigned in a loop or labelled block just
//! before a `break` that leaves it after an `.await` (`let x; loop { if f().await { x = 1;
//! break; } }`). The assignment comes before the jump on its path, so the local is not
//! stored at the loop's head or at the block's suspensions, where it holds nothing (before:
//! E0381 and E0384 on the coroutine). Same harness as `drop_flags.rs`.
#![allow(clippy::needless_pass_by_value)]

#[macro_use]
mod ported_common;

use ported_common::{D, assert_same_at_every_cancel, later, log};

twin! {
    fn first_assigned_in_a_loop / first_assigned_in_a_loop_ref (k: u8) -> u8 {
        let x;
        let mut n = 0;
        loop {
            n += 1;
            if later(n).await > k {
                x = D("x");
                break;
            }
        }
        later(()).await;
        log("after");
        drop(x);
        later(()).await;
        n
    }
}

twin! {
    fn first_assigned_in_a_labelled_block / first_assigned_in_a_labelled_block_ref (c: bool) {
        let x;
        'b: {
            later(()).await;
            if c {
                x = D("x1");
                break 'b;
            }
            later(()).await;
            x = D("x2");
        }
        later(()).await;
        log("after");
        drop(x);
    }
}

// A moved local given a new value before the `break`, with a value that reads it.
twin! {
    fn assigned_again_before_a_break / assigned_again_before_a_break_ref (k: u8) -> u8 {
        let mut x = D("x");
        drop(x);
        let n = loop {
            if later(k).await == k {
                log("assign");
                x = D("x2");
                break k;
            }
        };
        later(()).await;
        log("after");
        drop(x);
        n
    }
}

// Assigned by both branches of an `if` before the `break`.
twin! {
    fn assigned_by_branches_before_a_break / assigned_by_branches_before_a_break_ref (k: u8) {
        let x;
        loop {
            if later(k).await < 5 {
                if k == 0 {
                    x = D("x0");
                } else {
                    x = D("x1");
                }
                break;
            }
        }
        later(()).await;
        log("after");
        drop(x);
    }
}

#[test]
fn assigned_before_the_break_that_leaves() {
    for k in 0..3 {
        assert_same_at_every_cancel(
            || first_assigned_in_a_loop_ref(k),
            || first_assigned_in_a_loop(k),
        );
        assert_same_at_every_cancel(
            || assigned_by_branches_before_a_break_ref(k),
            || assigned_by_branches_before_a_break(k),
        );
        assert_same_at_every_cancel(
            || assigned_again_before_a_break_ref(k),
            || assigned_again_before_a_break(k),
        );
    }
    for c in [false, true] {
        assert_same_at_every_cancel(
            || first_assigned_in_a_labelled_block_ref(c),
            || first_assigned_in_a_labelled_block(c),
        );
    }
}
