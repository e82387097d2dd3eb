//! A drop flag set by an await-free `if` that may also assign another local (difftest seed
//! 98036, default knobs). The `if` is the tail of a branch of an awaiting site that decides
//! the same local, so its flag meets a `None` set on the site's other edge. Counted as
//! maybe unset with the local the `if` may assign, the flag was stored at no later state,
//! and that `None` had nothing to give it a type: the coroutine did not compile (E0282).
//! Same harness as `drop_flags.rs`.
#![allow(
    unused_variables,
    unused_assignments,
    clippy::needless_pass_by_value,
    clippy::match_bool,
    clippy::single_match_else
)]

#[macro_use]
mod ported_common;

use ported_common::{D, assert_same_at_every_cancel, later, log};

fn eat(d: D) -> u8 {
    drop(d);
    2
}

// The reduced seed: moved in one branch, in the other after an await by an `if` that also
// assigns `n`; the function's value is computed after the join.
twin! {
    fn moved_beside_an_assignment / moved_beside_an_assignment_ref (c: bool, k: u8) -> u8 {
        let x = D("x");
        let mut n = 0;
        if c {
            drop(x);
        } else {
            let got = later(k).await;
            if got == 0 {
                drop(x);
                n = 1;
            }
        }
        log("end");
        n
    }
}

// The same with a suspension after the join, which stores the flag, and the move in the
// other branch inside an awaited future's expression (the seed's `Yield::new(.., x6).await`).
twin! {
    fn moved_beside_an_assignment_then_awaits / moved_beside_an_assignment_then_awaits_ref (c: bool, k: u8) -> u8 {
        let x = D("x");
        let mut n = 0;
        let kept = D("kept");
        if c {
            later(eat(x)).await;
        } else {
            let got = later(k).await;
            if got == 0 {
                drop(x);
                n = 1;
            }
        }
        later(()).await;
        log("end");
        n
    }
}

// Decided by a `match` whose guard arm assigns a parameter, as in the seed.
twin! {
    fn moved_in_a_match_beside_an_assignment / moved_in_a_match_beside_an_assignment_ref (c: bool, k: u8, mut n: u8) -> u8 {
        let x = D("x");
        if c {
            drop(x);
        } else {
            let got = later(k).await;
            match got {
                0 => {
                    drop(x);
                    n = 1;
                }
                1 => n = 2,
                _ => {}
            }
        }
        later(()).await;
        log("end");
        n
    }
}

#[test]
fn a_flag_set_beside_a_maybe_assignment_has_a_type() {
    for c in [false, true] {
        for k in [0, 1, 2] {
            assert_same_at_every_cancel(
                || moved_beside_an_assignment_ref(c, k),
                || moved_beside_an_assignment(c, k),
            );
            assert_same_at_every_cancel(
                || moved_beside_an_assignment_then_awaits_ref(c, k),
                || moved_beside_an_assignment_then_awaits(c, k),
            );
            assert_same_at_every_cancel(
                || moved_in_a_match_beside_an_assignment_ref(c, k, 5),
                || moved_in_a_match_beside_an_assignment(c, k, 5),
            );
        }
    }
}
