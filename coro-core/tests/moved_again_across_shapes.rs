//! A new value given to a local after a decision and moved again, in shapes that the
//! coroutine rejected (E0382) while rustc accepts them as `async fn` (difftest finding 18):
//! a `?` between the new value and its move, a `match` each of whose arms moves it, a
//! labelled block that breaks only to itself before the move, a format string that
//! captures it, and a new value given in a `loop` inside an awaited operand after a certain
//! move; with neighbours of each (jumps that stay inside the run, other formatting macros,
//! a `loop` that awaits, fills or defines). Same harness as `drop_flags.rs`.
#![allow(
    unused_variables,
    unused_assignments,
    unused_mut,
    clippy::needless_pass_by_value,
    clippy::many_single_char_names,
    clippy::match_same_arms,
    clippy::match_bool,
    clippy::single_match_else,
    clippy::never_loop
)]

#[macro_use]
mod ported_common;

use ported_common::{D, assert_same_at_every_cancel, later, log};
use std::fmt::Write;

fn early(r: bool) -> Option<u8> {
    if r { None } else { Some(1) }
}

// A `?` between the new value and its move: it leaves the coroutine with the new value.
twin! {
    fn a_question_mark_in_the_run / a_question_mark_in_the_run_ref (c: bool, e: bool, r: bool) -> Option<u8> {
        let mut x = D("x");
        let y = if c { drop(x); 1 } else { later(2).await };
        let u = D("u");
        if e {
            x = D("x1");
            let n = early(r)?;
            drop(x);
        }
        later(()).await;
        log("end");
        Some(y)
    }
}

// Every arm of a `match` moves the new value.
twin! {
    fn every_arm_moves / every_arm_moves_ref (c: bool, k: u8) {
        let mut x = D("x");
        let y = if c { drop(x); 1 } else { later(2).await };
        if k > 0 {
            x = D("x1");
            match k {
                n if n > 1 => drop(x),
                _ => {
                    log("one");
                    drop(x);
                }
            }
        }
        later(()).await;
        log("end");
    }
}

// A labelled block that breaks only to itself comes between the new value and its move.
twin! {
    fn a_block_that_breaks_to_itself / a_block_that_breaks_to_itself_ref (c: bool, e: bool, b: bool) {
        let mut x = D("x");
        let y = if c { drop(x); 1 } else { later(2).await };
        if e {
            x = D("x1");
            'b: {
                if b {
                    break 'b;
                }
                log("not broken");
            }
            drop(x);
        }
        later(()).await;
        log("end");
    }
}

// A format string captures the new value before it is moved.
twin! {
    fn captured_by_a_format_string / captured_by_a_format_string_ref (c: bool, e: bool) {
        let mut x = D("x");
        let y = if c { drop(x); 1 } else { later(2).await };
        if e {
            x = D("x1");
            log(format!("{x:?}"));
            log(format!("{} {x:?} {:?} {{x}}", 1, x.0));
            let mut s = String::new();
            write!(s, "{x:?}").unwrap();
            log(s);
            drop(x);
        }
        later(()).await;
        log("end");
    }
}

// A `break` out of a loop inside the run, and a `?` in a closure, do not leave its block.
twin! {
    fn jumps_that_stay_inside / jumps_that_stay_inside_ref (c: bool, e: bool, k: u8) {
        let mut x = D("x");
        let y = if c { drop(x); 1 } else { later(2).await };
        let u = D("u");
        if e {
            x = D("x1");
            for i in 0..k {
                if i == 1 {
                    break;
                }
                log("turn");
            }
            let f = || -> Option<u8> { Some(early(k == 0)? + 1) };
            log(format!("{:?}", f()));
            drop(x);
        }
        later(()).await;
        log("end");
    }
}

// Other formatting macros, a named width and a positional argument beside the capture.
twin! {
    fn other_formatting_macros / other_formatting_macros_ref (c: bool, e: bool) {
        let mut x = D("x");
        let y = if c { drop(x); 1 } else { later(2).await };
        let u = D("u");
        if e {
            x = D("x1");
            println!("{x:?} {:>w$}", 1, w = 3);
            let s = format!("{:?}{x:?}", x.0);
            log(s);
            drop(x);
        }
        later(()).await;
        log("end");
    }
}

// Both branches of an `if` move the new value.
twin! {
    fn both_branches_move / both_branches_move_ref (c: bool, e: bool, k: u8) {
        let mut x = D("x");
        let y = if c { drop(x); 1 } else { later(2).await };
        if e {
            x = D("x1");
            if k > 0 { drop(x) } else { log("zero"); drop(x); }
        }
        later(()).await;
        log("end");
    }
}

// After a certain move, a `loop` in an awaited operand gives the local a new value on its
// only path out, and a later statement moves it.
twin! {
    fn assigned_in_a_loop_of_an_operand / assigned_in_a_loop_of_an_operand_ref (k: u8) -> u8 {
        let mut x = D("x");
        drop(x);
        later(()).await;
        let n = later(loop {
            x = D("x2");
            break k;
        })
        .await;
        log("between");
        later(()).await;
        drop(x);
        n
    }
}

// The `loop` in the awaited operand awaits before and after the assignment.
twin! {
    fn an_awaiting_loop_in_an_operand / an_awaiting_loop_in_an_operand_ref (k: u8) -> u8 {
        let mut x = D("x");
        let u = D("u");
        drop(x);
        later(()).await;
        let n = later(loop {
            later(()).await;
            x = D("x2");
            later(()).await;
            break k;
        })
        .await;
        later(()).await;
        drop(x);
        n
    }
}

// The same `loop` as a statement, after a certain move: it defines `x`.
twin! {
    fn a_loop_statement_assigns / a_loop_statement_assigns_ref (k: u8) {
        let mut x = D("x");
        drop(x);
        later(()).await;
        loop {
            x = D("x2");
            break;
        }
        later(()).await;
        drop(x);
    }
}

// After a decision, such a `loop` fills the flag and `x` takes its value back: a format
// string reads it later.
twin! {
    fn a_loop_fills_and_takes_back / a_loop_fills_and_takes_back_ref (c: bool) {
        let mut x = D("x");
        let u = D("u");
        let y = if c { drop(x); 1 } else { later(2).await };
        loop {
            log("in");
            x = D("x1");
            break;
        }
        later(()).await;
        log(format!("{x:?}"));
    }
}

// A `break` out of a labelled block before the new value is named leaves with it in the flag.
twin! {
    fn a_break_before_it_is_named / a_break_before_it_is_named_ref (c: bool, e: bool, r: bool) {
        let mut x = D("x");
        let y = if c { drop(x); 1 } else { later(2).await };
        let u = D("u");
        'o: {
            if e {
                x = D("x1");
                if r {
                    break 'o;
                }
                later(()).await;
                drop(x);
            }
            log("in");
        }
        later(()).await;
        log("end");
    }
}

#[test]
fn a_new_value_moved_again_in_harder_shapes() {
    for c in [false, true] {
        for e in [false, true] {
            for r in [false, true] {
                assert_same_at_every_cancel(
                    || a_question_mark_in_the_run_ref(c, e, r),
                    || a_question_mark_in_the_run(c, e, r),
                );
                assert_same_at_every_cancel(
                    || a_block_that_breaks_to_itself_ref(c, e, r),
                    || a_block_that_breaks_to_itself(c, e, r),
                );
                assert_same_at_every_cancel(
                    || a_break_before_it_is_named_ref(c, e, r),
                    || a_break_before_it_is_named(c, e, r),
                );
            }
            assert_same_at_every_cancel(
                || captured_by_a_format_string_ref(c, e),
                || captured_by_a_format_string(c, e),
            );
            assert_same_at_every_cancel(
                || other_formatting_macros_ref(c, e),
                || other_formatting_macros(c, e),
            );
        }
        for k in 0..3 {
            assert_same_at_every_cancel(|| every_arm_moves_ref(c, k), || every_arm_moves(c, k));
            for e in [false, true] {
                assert_same_at_every_cancel(
                    || both_branches_move_ref(c, e, k),
                    || both_branches_move(c, e, k),
                );
                assert_same_at_every_cancel(
                    || jumps_that_stay_inside_ref(c, e, k),
                    || jumps_that_stay_inside(c, e, k),
                );
            }
        }
    }
    for k in 0..2 {
        assert_same_at_every_cancel(
            || assigned_in_a_loop_of_an_operand_ref(k),
            || assigned_in_a_loop_of_an_operand(k),
        );
        assert_same_at_every_cancel(
            || a_loop_statement_assigns_ref(k),
            || a_loop_statement_assigns(k),
        );
        assert_same_at_every_cancel(
            || an_awaiting_loop_in_an_operand_ref(k),
            || an_awaiting_loop_in_an_operand(k),
        );
    }
    for c in [false, true] {
        assert_same_at_every_cancel(
            || a_loop_fills_and_takes_back_ref(c),
            || a_loop_fills_and_takes_back(c),
        );
    }
}
