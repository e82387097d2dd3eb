//! A later statement whose nested block declares a local of the same name and reads it in an
//! `if`/`match` (difftest seed 97037 with `--awaiting-moves`). The drop-flag analysis read
//! that `if` apart from its block, where the name meant the outer local, and counted it as a
//! use of the outer one after its decision: no flag, and the outer local dropped at the next
//! state boundary instead of at the end of its scope. After an awaiting `match`, an
//! await-free `if`, and in a labelled block whose second `let` reads the first in its
//! initialiser (the seed's shape). Same harness as `drop_flags.rs`.
#![allow(
    unused_variables,
    unused_labels,
    clippy::needless_pass_by_value,
    clippy::match_bool
)]

#[macro_use]
mod ported_common;

use ported_common::{D, assert_same_at_every_cancel, later, log};

fn peek(d: &D) -> usize {
    d.0.len()
}

// Decided by an awaiting `match`; the shadowing block follows the join.
twin! {
    fn after_an_awaiting_match / after_an_awaiting_match_ref (k: u8) {
        let x = D("x");
        match later(k).await {
            0 => {
                later(1).await;
            }
            1 => drop(x),
            _ => {}
        }
        let y = {
            let x = D("x2");
            if peek(&x) == 2 { 1 } else { 2 }
        };
        later(2).await;
        log("end");
    }
}

// Decided by an await-free `if`; the shadowing block comes before the suspension.
twin! {
    fn after_an_await_free_if / after_an_await_free_if_ref (c: bool) {
        let x = D("x");
        if c {
            drop(x);
        }
        let y = {
            let x = D("x2");
            match peek(&x) {
                2 => 1,
                _ => 2,
            }
        };
        later(()).await;
        log("end");
    }
}

// The seed's shape: a labelled block in a `let` initialiser declares the name twice, the
// second initialiser reading the first in an `if`; nothing suspends after it.
twin! {
    fn shadowed_twice_in_a_labelled_block / shadowed_twice_in_a_labelled_block_ref (k: u8) -> usize {
        let x = D("x");
        match later(k).await {
            0 => {
                later(1).await;
            }
            1 => drop(x),
            _ => {}
        }
        let y = 'b: {
            let x = D("x2");
            let x = D(if peek(&x) == 2 { "x3" } else { "x4" });
            peek(&x)
        };
        log("end");
        y
    }
}

#[test]
fn a_shadowing_block_after_the_decision_is_no_use_of_the_outer_local() {
    for k in 0..3 {
        assert_same_at_every_cancel(
            || after_an_awaiting_match_ref(k),
            || after_an_awaiting_match(k),
        );
        assert_same_at_every_cancel(
            || shadowed_twice_in_a_labelled_block_ref(k),
            || shadowed_twice_in_a_labelled_block(k),
        );
    }
    for c in [false, true] {
        assert_same_at_every_cancel(
            || after_an_await_free_if_ref(c),
            || after_an_await_free_if(c),
        );
    }
}
