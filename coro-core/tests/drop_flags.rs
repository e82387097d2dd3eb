//! Drop flags: a local that an await-free `if`/`match` moves on some branches only, and that
//! is not used afterwards, still drops where rustc's `async fn` drops it (at the end of its
//! scope, if no branch took it), also when the coroutine is cancelled at a later await.
//! Each body is compiled as an `async fn` (the reference) and as a `#[coro_core::coroutine]
//! fn`; both are polled 0, 1, 2, … times, dropped, and must log the same events.
// Locals exist to be dropped; their names are the letters the logs show.
#![allow(
    unused_variables,
    clippy::needless_pass_by_value,
    clippy::match_same_arms,
    clippy::many_single_char_names,
    clippy::redundant_else,
    clippy::let_and_return
)]

mod ported_common;

use ported_common::{D, assert_same_at_every_cancel, later, log};

macro_rules! twin {
    (fn $ours:ident / $reference:ident ($($params:tt)*) $(-> $ret:ty)? { $($body:tt)* }) => {
        async fn $reference($($params)*) $(-> $ret)? { $($body)* }
        #[coro_core::coroutine]
        fn $ours($($params)*) $(-> $ret)? { $($body)* }
    };
}

twin! {
    fn if_moves / if_moves_ref (early: bool) {
        let a = D("a");
        let b = D("b");
        let c = D("c");
        if early {
            drop(b);
        }
        later(()).await;
        log("after");
    }
}

#[test]
fn moved_by_an_if_without_else() {
    for early in [false, true] {
        assert_same_at_every_cancel(|| if_moves_ref(early), || if_moves(early));
    }
}

twin! {
    fn match_moves / match_moves_ref (k: u8) {
        let a = D("a");
        let b = D("b");
        match k {
            0 => drop(a),
            1 => {
                log("one");
                drop(b);
            }
            2 => {
                drop(b);
                drop(a);
            }
            _ => log("none"),
        }
        later(()).await;
        let c = D("c");
        later(()).await;
        log("end");
    }
}

#[test]
fn moved_by_match_arms() {
    for k in 0..4 {
        assert_same_at_every_cancel(|| match_moves_ref(k), || match_moves(k));
    }
}

twin! {
    fn chain_moves / chain_moves_ref (k: u8, p: D) {
        later(()).await;
        if k == 0 {
            log("zero");
        } else if k == 1 {
            drop(p);
        } else {
            log("other");
        }
        later(()).await;
        log("end");
    }
}

#[test]
fn parameter_moved_by_an_else_if_chain() {
    for k in 0..3 {
        assert_same_at_every_cancel(|| chain_moves_ref(k, D("p")), || chain_moves(k, D("p")));
    }
}

twin! {
    fn awaited_moves / awaited_moves_ref (early: bool) {
        let x = later(D("x")).await;
        let y = D("y");
        if early {
            drop(x);
        } else {
            log("kept");
        }
        later(()).await;
        log("end");
    }
}

#[test]
fn awaited_value_moved_on_one_branch() {
    for early in [false, true] {
        assert_same_at_every_cancel(|| awaited_moves_ref(early), || awaited_moves(early));
    }
}

twin! {
    fn loop_moves / loop_moves_ref (n: u8) {
        for i in 0..3 {
            let t = D("t");
            if i == n {
                drop(t);
            }
            later(()).await;
            log("turn");
        }
    }
}

#[test]
fn declared_inside_a_loop_body() {
    for n in 0..4 {
        assert_same_at_every_cancel(|| loop_moves_ref(n), || loop_moves(n));
    }
}

twin! {
    fn nested_moves / nested_moves_ref (a: bool, b: bool) {
        let x = D("x");
        let y = D("y");
        if a {
            if b {
                drop(x);
            }
            drop(y);
        }
        later(()).await;
        log("end");
    }
}

#[test]
fn nested_ifs() {
    for (a, b) in [(false, false), (false, true), (true, false), (true, true)] {
        assert_same_at_every_cancel(|| nested_moves_ref(a, b), || nested_moves(a, b));
    }
}

twin! {
    fn two_levels / two_levels_ref (k: u8, c: bool) {
        let x = D("x");
        let y = D("y");
        let z = D("z");
        match k {
            0 => {
                log("zero");
                if c {
                    drop(x);
                } else if k == 0 {
                    drop(z);
                }
            }
            1 => {
                if c {
                    drop(y);
                }
                drop(x);
            }
            _ => {}
        }
        later(()).await;
        log("end");
    }
}

#[test]
fn nested_decisions_for_several_locals() {
    for k in 0..3 {
        for c in [false, true] {
            assert_same_at_every_cancel(|| two_levels_ref(k, c), || two_levels(k, c));
        }
    }
}

twin! {
    fn breaks_out / breaks_out_ref (n: u8) -> u8 {
        let mut i = 0;
        loop {
            let t = D("t");
            let u = D("u");
            if i == n {
                drop(t);
                break;
            } else {
                drop(u);
            }
            later(()).await;
            i += 1;
        }
        later(()).await;
        i
    }
}

#[test]
fn branches_that_leave_a_loop() {
    for n in 0..3 {
        assert_same_at_every_cancel(|| breaks_out_ref(n), || breaks_out(n));
    }
}

// Shapes the flags leave alone: they must still compile and behave (a method call on `v` may
// or may not move it; `v` is used again afterwards, so it is stored as usual).
twin! {
    fn used_afterwards / used_afterwards_ref (c: bool) -> usize {
        let mut v = vec![1, 2];
        if c {
            log(format!("{}", v.len()));
        }
        later(()).await;
        v.push(3);
        v.len()
    }
}

#[test]
fn a_local_used_after_the_branch_is_stored() {
    for c in [false, true] {
        assert_same_at_every_cancel(|| used_afterwards_ref(c), || used_afterwards(c));
    }
}

fn pick(v: u8) -> u8 {
    log(format!("pick {v}"));
    v
}

twin! {
    fn value_sites / value_sites_ref (k: u8) -> u8 {
        let a = D("a");
        let b = D("b");
        let c = D("c");
        let y = pick(if k == 0 {
            drop(a);
            1
        } else {
            2
        }) + match k {
            1 => {
                let inner = D("inner");
                drop(b);
                3
            }
            2 => 6,
            _ => {
                let z = if k == 3 {
                    drop(c);
                    4
                } else {
                    5
                };
                log(format!("z = {z}"));
                z
            }
        };
        later(()).await;
        log("end");
        y
    }
}

#[test]
fn moved_inside_operands_and_initialisers() {
    for k in 0..5 {
        assert_same_at_every_cancel(|| value_sites_ref(k), || value_sites(k));
    }
}

twin! {
    fn decided_in_a_later_state / decided_in_a_later_state_ref (early: bool) {
        let b = D("b");
        let d = D("d");
        later(()).await;
        let c = D("c");
        if early {
            drop(b);
        }
        later(()).await;
        log("end");
    }
}

#[test]
fn declared_before_an_await_decided_after_it() {
    for early in [false, true] {
        assert_same_at_every_cancel(
            || decided_in_a_later_state_ref(early),
            || decided_in_a_later_state(early),
        );
    }
}

twin! {
    fn decided_in_an_awaited_call / decided_in_an_awaited_call_ref (early: bool) -> u8 {
        let b = D("b");
        let c = D("c");
        let n = later(if early {
            drop(b);
            1
        } else {
            2
        })
        .await;
        log("resumed");
        later(()).await;
        n
    }
}

#[test]
fn decided_while_building_the_awaited_future() {
    for early in [false, true] {
        assert_same_at_every_cancel(
            || decided_in_an_awaited_call_ref(early),
            || decided_in_an_awaited_call(early),
        );
    }
}

twin! {
    fn decided_in_a_block / decided_in_a_block_ref (k: u8, p: D) -> u8 {
        let q = D("q");
        {
            let p = match k {
                0 => {
                    drop(p);
                    D("p0")
                }
                1 => D("p1"),
                _ => {
                    let p = D("inner");
                    p
                }
            };
            log("block");
        }
        later(()).await;
        k
    }
}

#[test]
fn decided_in_a_block_statement() {
    for k in 0..3 {
        assert_same_at_every_cancel(
            || decided_in_a_block_ref(k, D("p")),
            || decided_in_a_block(k, D("p")),
        );
    }
}

// A site after a `let` of the same name inside a block is about the inner variable: no flag for
// the outer one (it keeps the documented early drop), and above all no mix-up.
twin! {
    fn shadowed_in_a_block / shadowed_in_a_block_ref (k: u8, p: D) -> u8 {
        {
            let p = D("inner");
            if k == 0 {
                drop(p);
            }
        }
        later(()).await;
        log("end");
        k
    }
}

#[test]
fn a_block_local_of_the_same_name_is_not_the_outer_one() {
    for k in 0..2 {
        assert_same_at_every_cancel(
            || shadowed_in_a_block_ref(k, D("p")),
            || shadowed_in_a_block(k, D("p")),
        );
    }
}

twin! {
    fn decided_in_a_condition / decided_in_a_condition_ref (k: u8, p: D) -> u8 {
        let y = if (match k {
            0 => {
                drop(p);
                1
            }
            _ => 2,
        }) == 1
        {
            3
        } else {
            4
        };
        later(()).await;
        y
    }
}

#[test]
fn decided_in_the_condition_of_an_if() {
    for k in 0..2 {
        assert_same_at_every_cancel(
            || decided_in_a_condition_ref(k, D("p")),
            || decided_in_a_condition(k, D("p")),
        );
    }
}

twin! {
    fn decided_before_an_awaiting_match / decided_before_an_awaiting_match_ref (k: u8, p: D) -> u8 {
        let q = D("q");
        match if k == 0 {
            drop(p);
            1
        } else {
            2
        } {
            1 => {
                later(()).await;
                log("one");
            }
            _ => log("other"),
        }
        if let Some(n) = Some(if k == 1 {
            drop(q);
            3
        } else {
            4
        }) {
            later(()).await;
            log(format!("n = {n}"));
        }
        later(()).await;
        k
    }
}

#[test]
fn decided_in_the_scrutinee_of_an_awaiting_match_or_if_let() {
    for k in 0..3 {
        assert_same_at_every_cancel(
            || decided_before_an_awaiting_match_ref(k, D("p")),
            || decided_before_an_awaiting_match(k, D("p")),
        );
    }
}

// A move inside a block that returns happens only on a path that never reaches the await: the
// local is still there afterwards, and drops at scope end.
twin! {
    fn moved_only_where_it_returns / moved_only_where_it_returns_ref (k: u8, p: D) -> u8 {
        let q = D("q");
        let Some(n) = (k != 0).then_some(k) else {
            drop(p);
            return 0;
        };
        if n == 1 {
            drop(q);
            return 1;
        }
        later(()).await;
        log("end");
        n
    }
}

#[test]
fn moves_on_paths_that_return_do_not_count_later() {
    for k in 0..3 {
        assert_same_at_every_cancel(
            || moved_only_where_it_returns_ref(k, D("p")),
            || moved_only_where_it_returns(k, D("p")),
        );
    }
}
