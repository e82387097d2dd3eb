//! A local moved for certain, then given a new value inside an expression that a construct
//! evaluates on its own (difftest finding 13): a `let` initialiser, the initialiser or `else`
//! block of a `let … else`, an awaiting `match`'s scrutinee, an awaiting `if`'s condition, an
//! awaited future's expression, a `break` value. The assignment is no read of the local:
//! counted as one, it made the moved local live, and stored, at the suspension before it
//! (E0382 on the coroutine, where rustc accepts the `async fn`). Same harness as
//! `drop_flags.rs`: both are polled 0, 1, 2, … times, dropped, and must log the same events.
#![allow(
    unused_variables,
    unused_assignments,
    clippy::needless_pass_by_value,
    clippy::match_same_arms,
    clippy::blocks_in_conditions,
    clippy::never_loop,
    clippy::single_match_else,
    clippy::match_single_binding
)]

#[macro_use]
mod ported_common;

use ported_common::{D, assert_same_at_every_cancel, later, log};

// Seed 48103's shape: the `else` block of a `let … else` gives the moved `t` a new value and
// returns; the initialiser awaits.
twin! {
    fn in_a_let_else / in_a_let_else_ref (k: u8) -> u8 {
        let mut t = D("t");
        drop(t);
        let Some(z) = later((k > 0).then_some(k)).await else {
            t = D("t2");
            return 5;
        };
        later(()).await;
        log("end");
        z
    }
}

// The same in an awaiting `match` whose scrutinee first moves `t` (the seed's own form).
twin! {
    fn in_an_arm_after_a_moving_scrutinee / in_an_arm_after_a_moving_scrutinee_ref (k: u8) -> u8 {
        let mut t = D("t");
        let r = match (drop(t), later(k).await) {
            ((), 0) => 1,
            _ => {
                let Some(z) = later((k > 1).then_some(k)).await else {
                    t = D("t2");
                    return 5;
                };
                z
            }
        };
        later(()).await;
        log("end");
        r
    }
}

// A `let` initialiser after an await that assigns on every path: `t` is there again after
// it, and read.
twin! {
    fn in_a_let_initialiser / in_a_let_initialiser_ref (c: bool) {
        let mut t = D("t");
        drop(t);
        later(()).await;
        let y = {
            if c {
                t = D("t2");
            } else {
                t = D("t3");
            }
            1
        };
        later(()).await;
        log("before");
        drop(t);
        later(()).await;
        log("end");
    }
}

// An awaiting `match`'s scrutinee: on some paths, leaving when it assigns; and on every path.
twin! {
    fn in_a_scrutinee / in_a_scrutinee_ref (k: u8) -> u8 {
        let mut t = D("t");
        drop(t);
        later(()).await;
        match {
            if k == 2 {
                t = D("t2");
                return 7;
            }
            k
        } {
            0 => later(()).await,
            _ => log("other"),
        }
        match {
            t = D("t3");
            k
        } {
            0 => later(()).await,
            _ => log("other"),
        }
        later(()).await;
        drop(t);
        log("end");
        1
    }
}

// An awaiting `if`'s condition.
twin! {
    fn in_a_condition / in_a_condition_ref (c: bool) {
        let mut t = D("t");
        drop(t);
        later(()).await;
        if {
            t = D("t2");
            c
        } {
            later(()).await;
            log("then");
        }
        later(()).await;
        drop(t);
        log("end");
    }
}

// An awaited future's expression.
twin! {
    fn in_an_awaited_future / in_an_awaited_future_ref (k: u8) -> u8 {
        let mut t = D("t");
        drop(t);
        later(()).await;
        let v = later({
            if k == 1 {
                t = D("t2");
                return 3;
            }
            k
        })
        .await;
        let w = later({
            t = D("t3");
            k
        })
        .await;
        later(()).await;
        drop(t);
        log("end");
        v + w
    }
}

// A `break` value, in a loop that awaits.
twin! {
    fn in_a_break_value / in_a_break_value_ref (k: u8) -> u8 {
        let mut t = D("t");
        drop(t);
        later(()).await;
        let v = loop {
            later(()).await;
            break {
                t = D("t2");
                k
            };
        };
        later(()).await;
        drop(t);
        log("end");
        v
    }
}

fn consume(d: D) -> u8 {
    drop(d);
    1
}

// Seed 47030's shape: a branch gives the moved `p` a new value, then a `let` shadows `p`;
// the branch is the value of the jump that ends the body.
twin! {
    fn assigned_then_shadowed / assigned_then_shadowed_ref (k: u8, p: D) {
        let mut p = p;
        if later(consume(p)).await > k {
            later(()).await;
        } else {
            p = D("p2");
            let p = 5;
            log("else");
        }
    }
}

// Seed 49159's shape: a `let` whose pattern shadows the local that its initialiser assigns.
twin! {
    fn a_let_shadows_what_it_assigns / a_let_shadows_what_it_assigns_ref (k: u8) {
        let mut p = D("p");
        drop(p);
        later(()).await;
        let p = match k {
            0 => {
                p = D("p2");
                1
            }
            _ => 2,
        };
        log("end");
    }
}

// Seed 49154's shape: an assignment whose value assigns the same local first.
twin! {
    fn a_value_that_assigns_too / a_value_that_assigns_too_ref (k: u8) {
        let mut p = D("p");
        drop(p);
        later(()).await;
        p = D(if k == 0 {
            p = D("p3");
            "p2"
        } else {
            "p4"
        });
        log("end");
        later(()).await;
        drop(p);
    }
}

#[test]
fn an_assignment_in_an_operand_is_not_a_read() {
    for k in 0..3 {
        assert_same_at_every_cancel(|| in_a_let_else_ref(k), || in_a_let_else(k));
        assert_same_at_every_cancel(
            || in_an_arm_after_a_moving_scrutinee_ref(k),
            || in_an_arm_after_a_moving_scrutinee(k),
        );
        assert_same_at_every_cancel(|| in_a_scrutinee_ref(k), || in_a_scrutinee(k));
        assert_same_at_every_cancel(|| in_an_awaited_future_ref(k), || in_an_awaited_future(k));
        assert_same_at_every_cancel(|| in_a_break_value_ref(k), || in_a_break_value(k));
        assert_same_at_every_cancel(
            || assigned_then_shadowed_ref(k, D("p")),
            || assigned_then_shadowed(k, D("p")),
        );
        assert_same_at_every_cancel(
            || a_let_shadows_what_it_assigns_ref(k),
            || a_let_shadows_what_it_assigns(k),
        );
        assert_same_at_every_cancel(
            || a_value_that_assigns_too_ref(k),
            || a_value_that_assigns_too(k),
        );
    }
    for c in [false, true] {
        assert_same_at_every_cancel(|| in_a_let_initialiser_ref(c), || in_a_let_initialiser(c));
        assert_same_at_every_cancel(|| in_a_condition_ref(c), || in_a_condition(c));
    }
}
