//! A local the arm assigns but its state does not store (it was moved before the suspension)
//! is declared again in that arm. At a `return` or `?` there it must drop where rustc drops it:
//! after the locals declared after it in the source (difftest/FINDINGS.md, finding 15). Same
//! harness as `drop_flags.rs`.
#![allow(clippy::needless_pass_by_value)]
// The values given before a `return` are never read: only their drops are the point.
#![allow(unused_assignments)]

#[macro_use]
mod ported_common;

use ported_common::{D, assert_same_at_every_cancel, later, log};

// The finding's shape: `t` declared before `u`, moved, then given a new value and returned
// over in an arm after the await.
twin! {
    fn assigned_then_returned / assigned_then_returned_ref (k: u8) -> u8 {
        let mut t = D("t");
        let u = D("u");
        drop(t);
        later(()).await;
        if k == 0 {
            t = D("t2");
            return 5;
        }
        log("after");
        drop(u);
        later(()).await;
        k
    }
}

// The same in a `let … else` whose `else` returns.
twin! {
    fn assigned_in_let_else / assigned_in_let_else_ref (k: u8) -> u8 {
        let mut x = D("x");
        let u = D("u");
        drop(x);
        let Some(n) = later((k > 0).then_some(k)).await else {
            x = D("x2");
            return 3;
        };
        log("after");
        drop(u);
        n
    }
}

// One local declared before the stored one and one after it: each must keep its place.
twin! {
    fn older_and_younger / older_and_younger_ref (k: u8) -> u8 {
        let mut a = D("a");
        let u = D("u");
        let mut b = D("b");
        drop(a);
        drop(b);
        later(()).await;
        if k == 0 {
            a = D("a2");
            return 1;
        }
        if k == 1 {
            b = D("b2");
            a = D("a3");
            return 2;
        }
        drop(u);
        k
    }
}

// A parameter stored beside them: parameters drop after every local, so the local declared
// again goes between the parameter and `u` (the payload is bound in two runs around it).
twin! {
    fn between_a_parameter_and_a_local / between_a_parameter_and_a_local_ref (p: D, k: u8) -> u8 {
        let mut t = D("t");
        let u = D("u");
        drop(t);
        later(()).await;
        if k == 0 {
            t = D("t2");
            return 5;
        }
        drop(u);
        later(()).await;
        drop(p);
        k
    }
}

#[test]
fn a_local_declared_again_drops_in_its_place() {
    for k in 0..3 {
        assert_same_at_every_cancel(
            || assigned_then_returned_ref(k),
            || assigned_then_returned(k),
        );
        assert_same_at_every_cancel(|| assigned_in_let_else_ref(k), || assigned_in_let_else(k));
        assert_same_at_every_cancel(|| older_and_younger_ref(k), || older_and_younger(k));
        assert_same_at_every_cancel(
            || between_a_parameter_and_a_local_ref(D("p"), k),
            || between_a_parameter_and_a_local(D("p"), k),
        );
    }
}
