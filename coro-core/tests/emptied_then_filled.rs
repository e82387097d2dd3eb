//! A local moved for certain, then given a new value on some paths and not read again
//! (difftest finding 1's remaining shape, fixed item 19; seeds 84083, 63026, 63088 with
//! `--assign-moved --awaiting-moves`). rustc's drop flag for it is clear after the move and
//! set by the assignment, so the new value drops at the end of the local's scope; the
//! coroutine dropped it at the next state boundary. Await-free and awaiting assignments, one
//! in a `let` initialiser, in a loop, filled twice, then assigned on every path, a parameter,
//! a `return` after the new value; moved in a `let … else` initialiser, two locals moved by
//! one statement, a local of a loop body, one taken by a `move` closure, a new value moved
//! again on some paths, a move in an awaited future's expression. Same harness as
//! `drop_flags.rs`.
#![allow(
    unused_variables,
    unused_assignments,
    unused_mut,
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

// The new value in an await-free `if`, then a suspension.
twin! {
    fn filled_by_an_if / filled_by_an_if_ref (c: bool) {
        let mut x = D("x");
        let u = D("u");
        drop(x);
        log("moved");
        if c {
            x = D("x1");
        }
        later(()).await;
        log("end");
    }
}

// The new value in the branch of an awaiting `if` that does not await (seed 84083's shape).
twin! {
    fn filled_beside_an_await / filled_beside_an_await_ref (c: bool) {
        let mut x = D("x");
        drop(x);
        if c {
            later(1).await;
        } else {
            x = D("x1");
        }
        let u = D("u");
        later(2).await;
        log("end");
    }
}

// The new value in a `let` initialiser's `else` block (seeds 63026 and 49159's shape).
twin! {
    fn filled_in_an_initialiser / filled_in_an_initialiser_ref (c: bool) -> u8 {
        let mut x = D("x");
        drop(x);
        let y = if c {
            later(1).await
        } else {
            x = D("x1");
            2
        };
        later(()).await;
        log("end");
        y
    }
}

// A labelled block moves it, then an awaiting `if` gives it a new value (seed 63088's shape).
twin! {
    fn filled_in_a_labelled_block / filled_in_a_labelled_block_ref (c: bool, e: bool) {
        let mut x = D("x");
        'b: {
            drop(x);
            if e {
                break 'b;
            }
            if c {
                later(1).await;
            } else {
                x = D("x1");
            }
            later(2).await;
            log("in block");
        }
        later(3).await;
        log("end");
    }
}

// Moved before a loop and given a new value in it (seed 48178's shape).
twin! {
    fn filled_in_a_loop / filled_in_a_loop_ref (k: u8) {
        let mut x = D("x");
        drop(x);
        for i in 0..k {
            if i % 2 == 0 {
                x = D("x1");
            }
            later(i).await;
        }
        log("end");
    }
}

// Filled twice, then assigned on every path, which drops what the flag holds.
twin! {
    fn filled_twice_then_assigned / filled_twice_then_assigned_ref (c: bool, e: bool) {
        let mut x = D("x");
        drop(x);
        if c {
            x = D("x1");
        }
        later(1).await;
        if e {
            x = D("x2");
        }
        later(2).await;
        x = D("x3");
        later(3).await;
        log("end");
    }
}

// A parameter, which drops after the locals.
twin! {
    fn a_parameter_filled / a_parameter_filled_ref (mut x: D, c: bool) {
        let u = D("u");
        drop(x);
        if c {
            x = D("x1");
        }
        let w = D("w");
        later(()).await;
        log("end");
    }
}

// A `return` after the new value: it drops in `x`'s place, after the later locals.
twin! {
    fn a_return_after_the_new_value / a_return_after_the_new_value_ref (c: bool, r: bool) -> u8 {
        let mut x = D("x");
        drop(x);
        if c {
            x = D("x1");
        }
        later(1).await;
        let u = D("u");
        if r {
            return 1;
        }
        later(2).await;
        log("end");
        0
    }
}

// Moved in a `let … else` initialiser.
twin! {
    fn moved_in_a_let_else / moved_in_a_let_else_ref (c: bool) -> u8 {
        let mut x = D("x");
        let Some(k) = Some({
            drop(x);
            3
        }) else {
            return 0;
        };
        if c {
            x = D("x1");
        }
        later(()).await;
        log("end");
        k
    }
}

// Two locals moved by one statement, each given a new value on its own paths.
twin! {
    fn two_locals_moved_together / two_locals_moved_together_ref (c: bool, e: bool) {
        let mut x = D("x");
        let mut y = D("y");
        drop((x, y));
        if c {
            x = D("x1");
        }
        if e {
            y = D("y1");
        }
        later(()).await;
        log("end");
    }
}

// Declared, moved and given a new value inside a loop that awaits.
twin! {
    fn inside_a_loop_body / inside_a_loop_body_ref (k: u8) {
        for i in 0..k {
            let mut x = D("x");
            drop(x);
            if i == 1 {
                x = D("x1");
            }
            later(i).await;
            log("turn");
        }
        log("end");
    }
}

// Taken by a `move` closure, which is called after the suspension.
twin! {
    fn taken_by_a_move_closure / taken_by_a_move_closure_ref (c: bool) {
        let mut x = D("x");
        let f = move || drop(x);
        if c {
            x = D("x1");
        }
        later(()).await;
        f();
        log("end");
    }
}

// The new value, kept across a suspension, moved again on some paths.
twin! {
    fn moved_again_on_some_paths / moved_again_on_some_paths_ref (c: bool, e: bool) {
        let mut x = D("x");
        drop(x);
        if c {
            x = D("x1");
            later(1).await;
            if e {
                drop(x);
            } else {
                log("kept");
            }
        }
        later(2).await;
        log("end");
    }
}

// Moved in an awaited future's expression.
twin! {
    fn moved_by_an_awaited_future / moved_by_an_awaited_future_ref (c: bool) {
        let mut x = D("x");
        let n = later(eat(x)).await;
        if c {
            x = D("x1");
        }
        later(()).await;
        log("end");
    }
}

#[test]
fn a_new_value_after_a_certain_move_drops_at_scope_end() {
    for c in [false, true] {
        assert_same_at_every_cancel(|| filled_by_an_if_ref(c), || filled_by_an_if(c));
        assert_same_at_every_cancel(
            || filled_beside_an_await_ref(c),
            || filled_beside_an_await(c),
        );
        assert_same_at_every_cancel(
            || filled_in_an_initialiser_ref(c),
            || filled_in_an_initialiser(c),
        );
        assert_same_at_every_cancel(
            || a_parameter_filled_ref(D("p"), c),
            || a_parameter_filled(D("p"), c),
        );
        assert_same_at_every_cancel(|| moved_in_a_let_else_ref(c), || moved_in_a_let_else(c));
        assert_same_at_every_cancel(
            || moved_by_an_awaited_future_ref(c),
            || moved_by_an_awaited_future(c),
        );
        assert_same_at_every_cancel(
            || taken_by_a_move_closure_ref(c),
            || taken_by_a_move_closure(c),
        );
        for e in [false, true] {
            assert_same_at_every_cancel(
                || filled_in_a_labelled_block_ref(c, e),
                || filled_in_a_labelled_block(c, e),
            );
            assert_same_at_every_cancel(
                || filled_twice_then_assigned_ref(c, e),
                || filled_twice_then_assigned(c, e),
            );
            assert_same_at_every_cancel(
                || a_return_after_the_new_value_ref(c, e),
                || a_return_after_the_new_value(c, e),
            );
            assert_same_at_every_cancel(
                || two_locals_moved_together_ref(c, e),
                || two_locals_moved_together(c, e),
            );
            assert_same_at_every_cancel(
                || moved_again_on_some_paths_ref(c, e),
                || moved_again_on_some_paths(c, e),
            );
        }
    }
    for k in 0..4 {
        assert_same_at_every_cancel(|| filled_in_a_loop_ref(k), || filled_in_a_loop(k));
        assert_same_at_every_cancel(|| inside_a_loop_body_ref(k), || inside_a_loop_body(k));
    }
}
