//! An arm of an awaiting `match` that declares a local of the same name as one an earlier
//! await-free `match` decided, then reads it in an `if`/`match` whose branch is a block
//! (difftest seed 107033). Looking for drop flags of the awaiting `match`, the analysis read
//! that inner site apart from the arm's `let`, where the name meant the outer local, and
//! counted it as a use of the outer one after its decision: no flag, and the outer local
//! dropped at the next state boundary instead of at the end of its scope. With the seed's
//! shape, and with the inner site an `if` decided by an `if`. Same harness as `drop_flags.rs`.
#![allow(unused_variables, clippy::needless_pass_by_value)]

#[macro_use]
mod ported_common;

use ported_common::{D, assert_same_at_every_cancel, later, log};

fn peek(d: &D) -> usize {
    d.0.len()
}

// The seed's shape, reduced: the parameter is moved in a guarded arm, the name shadowed by
// an awaited value in the awaiting arm, and the inner arm reads the decided `match`'s value.
twin! {
    fn a_shadowing_awaiting_arm / a_shadowing_awaiting_arm_ref (x: D, k: u8) -> usize {
        let y = match peek(&x) {
            n if n > 1 => {
                drop(x);
                3
            }
            _ => 12,
        };
        let z = match later(k).await {
            0 => {
                let x = later(1).await;
                match x {
                    1 => {
                        let w = y;
                        x
                    }
                    _ => 11,
                }
            }
            _ => 5,
        };
        log("end");
        y + z
    }
}

// The inner site an `if`, the arm's value.
twin! {
    fn a_shadowing_awaiting_arm_if / a_shadowing_awaiting_arm_if_ref (x: D, k: u8) -> usize {
        let y = if peek(&x) > 1 {
            drop(x);
            3
        } else {
            12
        };
        let z = match later(k).await {
            0 => {
                let x = later(1).await;
                if x == 1 {
                    let w = y;
                    x
                } else {
                    11
                }
            }
            _ => 5,
        };
        log("end");
        y + z
    }
}

#[test]
fn a_shadowing_awaiting_arm_is_no_use_of_the_outer_local() {
    for name in ["x", "xx"] {
        for k in 0..2 {
            assert_same_at_every_cancel(
                || a_shadowing_awaiting_arm_ref(D(name), k),
                || a_shadowing_awaiting_arm(D(name), k),
            );
            assert_same_at_every_cancel(
                || a_shadowing_awaiting_arm_if_ref(D(name), k),
                || a_shadowing_awaiting_arm_if(D(name), k),
            );
        }
    }
}
