//! Drop flags: a local that an `if`/`match` (or a `&&`/`||` operand) moves on some branches
//! only, and that is not used afterwards, still drops where rustc's `async fn` drops it (at the
//! end of its scope, if no branch took it), also when the coroutine is cancelled at a later
//! await. The `if`/`match` may be await-free (the flag is set by the expression) or await
//! itself (the flag is set where each branch jumps to the join).
//! Each body is compiled as an `async fn` (the reference) and as a `#[coro_core::coroutine]
//! fn`; both are polled 0, 1, 2, … times, dropped, and must log the same events.
// Locals exist to be dropped; their names are the letters the logs show.
#![allow(
    unused_variables,
    clippy::needless_pass_by_value,
    clippy::match_same_arms,
    clippy::many_single_char_names,
    clippy::redundant_else,
    clippy::let_and_return,
    unused_labels,
    unused_assignments,
    clippy::single_match_else,
    clippy::match_single_binding,
    // The shapes under test: a jump out of a condition or scrutinee.
    clippy::blocks_in_conditions,
    clippy::while_immutable_condition,
    // Branches and loops whose exits decide a local, in their plainest form.
    clippy::match_bool,
    clippy::never_loop
)]

#[macro_use]
mod ported_common;

use ported_common::{D, assert_same_at_every_cancel, later, log};

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

fn consume(d: D) -> u8 {
    log(format!("consume {}", d.0));
    1
}

// ---- `if`/`match` that await: the flag is set where each branch jumps to the join ----------

twin! {
    fn awaiting_if_moves / awaiting_if_moves_ref (k: u8, t: D) {
        let u = D("u");
        if k == 0 {
            later(()).await;
            drop(t);
        } else {
            later(()).await;
            log("kept");
        }
        log("after");
        later(()).await;
        log("end");
    }
}

#[test]
fn moved_by_a_branch_of_an_awaiting_if() {
    for k in 0..2 {
        assert_same_at_every_cancel(
            || awaiting_if_moves_ref(k, D("t")),
            || awaiting_if_moves(k, D("t")),
        );
    }
}

// No suspension after the join: the join alone is a state boundary, and `log("after")` runs
// before `t` drops in rustc.
twin! {
    fn join_only / join_only_ref (k: u8, t: D) {
        let u = D("u");
        if k == 0 {
            drop(t);
        } else {
            later(()).await;
        }
        log("after");
    }
}

#[test]
fn moved_by_an_awaiting_if_with_nothing_suspending_after_it() {
    for k in 0..2 {
        assert_same_at_every_cancel(|| join_only_ref(k, D("t")), || join_only(k, D("t")));
    }
}

twin! {
    fn else_if_condition / else_if_condition_ref (k: u8, t: D) {
        let u = D("u");
        if k == 0 {
            later(()).await;
            log("zero");
        } else if consume(t) > k {
            log("consumed");
        }
        log("after");
        later(()).await;
        log("end");
    }
}

#[test]
fn moved_by_the_else_if_condition_of_an_awaiting_if() {
    for k in 0..3 {
        assert_same_at_every_cancel(
            || else_if_condition_ref(k, D("t")),
            || else_if_condition(k, D("t")),
        );
    }
}

twin! {
    fn else_if_then_awaits / else_if_then_awaits_ref (k: u8, t: D) {
        let v = D("v");
        if k == 0 {
            later(()).await;
        } else if consume(t) == k {
            later(()).await;
            log("one");
        } else {
            log("other");
        }
        later(()).await;
    }
}

#[test]
fn moved_by_an_else_if_condition_whose_branch_awaits() {
    for k in 0..3 {
        assert_same_at_every_cancel(
            || else_if_then_awaits_ref(k, D("t")),
            || else_if_then_awaits(k, D("t")),
        );
    }
}

twin! {
    fn await_free_rest / await_free_rest_ref (k: u8, t: D) {
        let v = D("v");
        if k == 0 {
            later(()).await;
        } else if k == 1 {
            drop(t);
        } else if let Some(z) = Some(k) {
            log(format!("z {z}"));
        }
        log("after");
        later(()).await;
    }
}

#[test]
fn decided_by_the_await_free_rest_of_an_awaiting_chain() {
    for k in 0..3 {
        assert_same_at_every_cancel(
            || await_free_rest_ref(k, D("t")),
            || await_free_rest(k, D("t")),
        );
    }
}

twin! {
    fn awaiting_match / awaiting_match_ref (k: u8, t: D) -> u8 {
        let u = D("u");
        let y = match k {
            0 => {
                later(()).await;
                drop(t);
                1
            }
            1 => {
                log(format!("peek {}", t.0));
                later(()).await;
                2
            }
            2 => consume(t),
            _ => 4,
        };
        let w = D("w");
        log("after");
        later(()).await;
        y
    }
}

#[test]
fn moved_by_arms_of_an_awaiting_match_with_a_value() {
    for k in 0..4 {
        assert_same_at_every_cancel(
            || awaiting_match_ref(k, D("t")),
            || awaiting_match(k, D("t")),
        );
    }
}

twin! {
    fn two_by_one_site / two_by_one_site_ref (k: u8) {
        let a = D("a");
        let b = D("b");
        let c = D("c");
        match k {
            0 => {
                drop(a);
                later(()).await;
            }
            1 => {
                later(()).await;
                drop(c);
            }
            _ => {
                later(()).await;
                drop(a);
                drop(c);
            }
        }
        later(()).await;
        log("end");
    }
}

#[test]
fn several_locals_decided_by_one_awaiting_match() {
    for k in 0..3 {
        assert_same_at_every_cancel(|| two_by_one_site_ref(k), || two_by_one_site(k));
    }
}

twin! {
    fn nested_awaiting / nested_awaiting_ref (a: bool, b: bool, t: D, s: D) {
        let u = D("u");
        if a {
            later(()).await;
            if b {
                later(()).await;
                drop(t);
            } else {
                log("b no");
            }
        } else {
            if b {
                drop(s);
                later(()).await;
            } else {
                later(()).await;
            }
            log("mid");
        }
        log("after");
        later(()).await;
        log("end");
    }
}

#[test]
fn decided_by_awaiting_sites_nested_in_branches() {
    for (a, b) in [(false, false), (false, true), (true, false), (true, true)] {
        assert_same_at_every_cancel(
            || nested_awaiting_ref(a, b, D("t"), D("s")),
            || nested_awaiting(a, b, D("t"), D("s")),
        );
    }
}

twin! {
    fn await_free_inside / await_free_inside_ref (k: u8, c: bool, t: D) {
        let u = D("u");
        if c {
            later(()).await;
            if k == 0 {
                drop(t);
            }
        }
        log("after");
    }
}

#[test]
fn decided_by_an_await_free_if_inside_an_awaiting_one() {
    for k in 0..2 {
        for c in [false, true] {
            assert_same_at_every_cancel(
                || await_free_inside_ref(k, c, D("t")),
                || await_free_inside(k, c, D("t")),
            );
        }
    }
}

twin! {
    fn in_a_loop_body / in_a_loop_body_ref (n: u8) {
        let mut i = 0;
        while i < 3 {
            let t = D("t");
            let u = D("u");
            if i == n {
                later(()).await;
                drop(t);
            } else {
                log("no");
            }
            later(()).await;
            i += 1;
        }
    }
}

#[test]
fn decided_by_an_awaiting_if_in_a_loop_body() {
    for n in 0..4 {
        assert_same_at_every_cancel(|| in_a_loop_body_ref(n), || in_a_loop_body(n));
    }
}

twin! {
    fn loops_end_branches / loops_end_branches_ref (k: u8, t: D) -> u8 {
        let v = D("v");
        let y = if k == 0 {
            drop(t);
            let mut n = 0;
            loop {
                later(()).await;
                n += 1;
                if n == 2 {
                    break n;
                }
            }
        } else {
            let mut n = 0;
            while n < k {
                later(()).await;
                n += 1;
            }
            n
        };
        log("after");
        later(()).await;
        y
    }
}

#[test]
fn branches_that_end_in_awaiting_loops() {
    for k in 0..3 {
        assert_same_at_every_cancel(
            || loops_end_branches_ref(k, D("t")),
            || loops_end_branches(k, D("t")),
        );
    }
}

twin! {
    fn for_ends_a_branch / for_ends_a_branch_ref (k: u8) -> u8 {
        'b: {
            let t = D("t");
            match later(k).await {
                0 => {
                    let p = match later(t).await {
                        x => 1,
                    };
                    log("zero");
                }
                _ => {
                    log("other");
                    'l: for i in (0..2).rev() {
                        let x = later(i).await;
                    }
                }
            }
            match later(3).await {
                3 => {
                    log("m");
                    1
                }
                _ => 2,
            }
        }
    }
}

#[test]
fn moved_into_an_awaited_future_or_kept_through_a_for_loop() {
    for k in 0..2 {
        assert_same_at_every_cancel(|| for_ends_a_branch_ref(k), || for_ends_a_branch(k));
    }
}

twin! {
    fn labelled_block_ends_a_branch / labelled_block_ends_a_branch_ref (k: u8, t: D) {
        let v = D("v");
        match k {
            0 => 'b: {
                later(()).await;
                if k == 0 {
                    break 'b;
                }
                log("not reached");
            }
            _ => {
                later(()).await;
                drop(t);
            }
        }
        log("after");
        later(()).await;
    }
}

#[test]
fn a_branch_that_ends_in_a_labelled_block() {
    for k in 0..2 {
        assert_same_at_every_cancel(
            || labelled_block_ends_a_branch_ref(k, D("t")),
            || labelled_block_ends_a_branch(k, D("t")),
        );
    }
}

twin! {
    fn shadowed_in_a_kept_branch / shadowed_in_a_kept_branch_ref (k: u8, t: D) {
        let v = D("v");
        if k == 0 {
            let t = D("inner");
            later(()).await;
        } else {
            drop(t);
        }
        log("after");
        later(()).await;
    }
}

#[test]
fn a_kept_branch_that_shadows_the_local() {
    for k in 0..2 {
        assert_same_at_every_cancel(
            || shadowed_in_a_kept_branch_ref(k, D("t")),
            || shadowed_in_a_kept_branch(k, D("t")),
        );
    }
}

twin! {
    fn reassigned / reassigned_ref (k: u8, mut t: D) {
        let v = D("v");
        if k == 0 {
            t = D("t2");
            later(()).await;
            drop(t);
        } else if k == 1 {
            later(()).await;
            t = D("t3");
        } else {
            later(()).await;
        }
        log("after");
        later(()).await;
    }
}

#[test]
fn a_local_assigned_in_the_branches() {
    for k in 0..3 {
        assert_same_at_every_cancel(|| reassigned_ref(k, D("t")), || reassigned(k, D("t")));
    }
}

// One `let` declares two flagged locals; an arm that decides only one of them must not declare
// the other's flag (nothing would give it a type there).
twin! {
    fn two_from_one_let / two_from_one_let_ref (k: u8) {
        let (a, b) = (D("a"), D("b"));
        if k == 0 {
            drop(a);
        }
        later(()).await;
        if k == 1 {
            later(()).await;
            drop(b);
        }
        later(()).await;
    }
}

#[test]
fn locals_of_one_pattern_decided_in_different_states() {
    for k in 0..3 {
        assert_same_at_every_cancel(|| two_from_one_let_ref(k), || two_from_one_let(k));
    }
}

// ---- short-circuit operands: `a && b` is `if a { b } else { false }` -----------------------

twin! {
    fn short_circuit / short_circuit_ref (k: u8, t: D, s: D) -> bool {
        let v = D("v");
        let r = k > 0 && consume(t) > 0;
        if k == 2 || consume(s) == 1 {
            later(()).await;
            log("in");
        }
        later(()).await;
        r
    }
}

#[test]
fn moved_by_a_short_circuit_operand() {
    for k in 0..3 {
        assert_same_at_every_cancel(
            || short_circuit_ref(k, D("t"), D("s")),
            || short_circuit(k, D("t"), D("s")),
        );
    }
}

twin! {
    fn short_circuit_in_a_branch / short_circuit_in_a_branch_ref (k: u8, t: D) {
        let v = D("v");
        if k == 0 {
            later(()).await;
        } else {
            let ok = k == 1 || consume(t) == 1;
            log(format!("ok {ok}"));
        }
        log("after");
        later(()).await;
    }
}

#[test]
fn moved_by_a_short_circuit_operand_in_a_branch_of_an_awaiting_if() {
    for k in 0..3 {
        assert_same_at_every_cancel(
            || short_circuit_in_a_branch_ref(k, D("t")),
            || short_circuit_in_a_branch(k, D("t")),
        );
    }
}

// The value of a block that awaited earlier is an `if` that decides the flag itself.
twin! {
    fn tail_of_an_awaiting_block / tail_of_an_awaiting_block_ref (k: u8, p: D) -> u8 {
        let y = {
            let c = later(k == 0).await;
            if c {
                drop(p);
                5
            } else {
                let p = D("inner");
                2
            }
        };
        log("after");
        later(()).await;
        y
    }
}

#[test]
fn decided_by_the_value_of_a_block_that_awaited() {
    for k in 0..2 {
        assert_same_at_every_cancel(
            || tail_of_an_awaiting_block_ref(k, D("p")),
            || tail_of_an_awaiting_block(k, D("p")),
        );
    }
}

// A `let` of the same name after the nested decision does not hide the outer local from it.
twin! {
    fn shadowed_after_the_decision / shadowed_after_the_decision_ref (k: u8) -> u8 {
        let t = D("t");
        let y = match k {
            0 => later(1).await,
            _ => {
                if k == 1 {
                    drop(t);
                }
                let t = 6;
                t
            }
        };
        log("after");
        y
    }
}

#[test]
fn a_let_of_the_same_name_after_the_nested_decision() {
    for k in 0..3 {
        assert_same_at_every_cancel(
            || shadowed_after_the_decision_ref(k),
            || shadowed_after_the_decision(k),
        );
    }
}

fn id<T>(t: T) -> T {
    t
}

// The inner chain ends the outer `if`'s branch, so its join is also reached from the outer
// `if`'s other branch, which the outer `if` (whose branch moves `x` in a labelled block) does
// not decide: the chain must not decide `x` either (its flag would be unset on that path).
twin! {
    fn shared_join / shared_join_ref (a: bool, k: u8) -> u8 {
        let x = id(k);
        if a {
            'b: {
                if k == 5 {
                    break 'b;
                }
                log(format!("{}", id(x)));
            }
            if k == 0 {
                later(()).await;
            } else if k == 1 {
                later(()).await;
                id(x);
            } else {
                later(()).await;
            }
        }
        log("after");
        later(()).await;
        k
    }
}

#[test]
fn an_inner_site_whose_join_other_paths_reach() {
    for a in [false, true] {
        for k in 0..3 {
            assert_same_at_every_cancel(|| shared_join_ref(a, k), || shared_join(a, k));
        }
    }
}

// A labelled block without a `break` to it: the `match` that ends it is the only way to its end.
twin! {
    fn labelled_without_break / labelled_without_break_ref (k: u8, t: D) {
        let v = D("v");
        'b: {
            let u = later(D("u")).await;
            match k {
                0 => {
                    later(()).await;
                    drop(t);
                }
                _ => log("kept"),
            }
        }
        log("after");
        later(()).await;
    }
}

#[test]
fn decided_by_the_match_that_ends_a_labelled_block() {
    for k in 0..2 {
        assert_same_at_every_cancel(
            || labelled_without_break_ref(k, D("t")),
            || labelled_without_break(k, D("t")),
        );
    }
}

// A branch that moves `t` and leaves the labelled block, whose end keeps it: the block's exits
// meet and decide the flag (`None` at the `break`, `Some(t)` at the block's end), so `t`
// drops at the end of its scope on both paths.
twin! {
    fn breaks_out_after_moving / breaks_out_after_moving_ref (k: u8, t: D) {
        'b: {
            if k == 0 {
                drop(t);
                break 'b;
            }
            later(()).await;
            log("in");
        }
        later(()).await;
        log("end");
    }
}

#[test]
fn a_branch_that_moves_then_breaks_out_of_a_labelled_block() {
    for k in 0..2 {
        assert_same_at_every_cancel(
            || breaks_out_after_moving_ref(k, D("t")),
            || breaks_out_after_moving(k, D("t")),
        );
    }
}

// An await-free statement whose labelled block decides the flag before it may `break` out.
twin! {
    fn in_a_labelled_block / in_a_labelled_block_ref (k: u8, p: D, q: D) -> u8 {
        let t = {
            'b: {
                match k {
                    0 => drop(p),
                    1 => drop(q),
                    _ => {}
                }
                let Some(n) = k.checked_sub(1) else {
                    break 'b 9;
                };
                n
            }
        };
        log("after");
        later(()).await;
        t
    }
}

#[test]
fn decided_in_a_labelled_block_before_its_break() {
    for k in 0..3 {
        assert_same_at_every_cancel(
            || in_a_labelled_block_ref(k, D("p"), D("q")),
            || in_a_labelled_block(k, D("p"), D("q")),
        );
    }
}

// The `else` of a `let … else` always leaves: a move there is a move where it breaks to, not for
// the code after the `let`.
twin! {
    fn let_else_breaks / let_else_breaks_ref (k: u8) -> u8 {
        let n = 'b: {
            let t = later(D("t")).await;
            let Some(n) = k.checked_sub(1) else {
                drop(t);
                break 'b 0;
            };
            later(()).await;
            log("kept");
            n
        };
        later(()).await;
        n
    }
}

#[test]
fn moved_in_a_let_else_that_breaks() {
    for k in 0..2 {
        assert_same_at_every_cancel(|| let_else_breaks_ref(k), || let_else_breaks(k));
    }
}

// A later `if` whose branch binds its own `p`: reading that `p` is not a use of the outer one.
twin! {
    fn inner_binding_later / inner_binding_later_ref (k: u8, p: D) -> u8 {
        let x = if later(k == 0).await {
            drop(p);
            8
        } else {
            6
        };
        let y = pick(if later(x > 7).await {
            let p = D("inner");
            log(p.0);
            5
        } else {
            x
        });
        later(()).await;
        y
    }
}

#[test]
fn a_later_branch_with_its_own_binding_of_the_name() {
    for k in 0..2 {
        assert_same_at_every_cancel(
            || inner_binding_later_ref(k, D("p")),
            || inner_binding_later(k, D("p")),
        );
    }
}

fn peek(d: &D) -> u8 {
    log(format!("peek {}", d.0));
    1
}

// difftest seed 17112: a parameter given a new value in a loop that awaits, then moved by an
// `if` nested in an operand of an `if` condition, then an await. The flag takes over the value
// `p` holds when the decision is made, whatever earlier assignments put there.
twin! {
    fn assigned_before_the_decision / assigned_before_the_decision_ref (k: u8, mut p: D) {
        for i in 0..2 {
            later(()).await;
            p = D(if i == 0 { "p1" } else { "p2" });
        }
        if (if k == 0 {
            drop(p);
            1
        } else {
            peek(&p)
        }) == 1
        {
            log("one");
        }
        later(()).await;
        log("end");
    }
}

#[test]
fn a_local_assigned_before_an_await_free_decision() {
    for k in 0..2 {
        assert_same_at_every_cancel(
            || assigned_before_the_decision_ref(k, D("p")),
            || assigned_before_the_decision(k, D("p")),
        );
    }
}

// difftest seed 12942: a `match` whose scrutinee awaits, as an operand of an `if` condition.
// The await is hoisted in front of the `match`, which becomes the value of a block that
// awaited and goes to a join; the `match` decides `p1` in a nested `if`. No `.await` follows,
// only that join and the next: each is a state boundary where a dead, maybe-moved `p1` would
// drop, so each counts as a suspension for the flag.
twin! {
    fn only_joins_follow / only_joins_follow_ref (k: u8, p0: D, p1: D) -> u8 {
        if match (k, later(k).await) {
            (v, 0) => {
                if v == 0 {
                    drop(p1);
                }
                4
            }
            _ => 5,
        } != 3
        {
            log("not three");
        }
        peek(&p0)
    }
}

#[test]
fn decided_where_only_joins_follow() {
    for k in 0..2 {
        assert_same_at_every_cancel(
            || only_joins_follow_ref(k, D("p0"), D("p1")),
            || only_joins_follow(k, D("p0"), D("p1")),
        );
    }
}

fn pair(a: u8, b: u8) -> u8 {
    a + b
}

// A local moved before the site, then assigned and moved again in one branch only: rustc
// accepts it (nothing reads the missing value), but `Some(t)` in the other branch would not
// compile (E0382), so no flag is made and the coroutine must still compile. `s` is moved
// before too, but assigned before its site, whose branch moves it before anything assigns
// it: that proves it there, so it gets its flag.
twin! {
    fn assigned_then_moved / assigned_then_moved_ref (k: u8, mut t: D, mut s: D, mut r: D) {
        pair(consume(t), if k == 0 {
            t = D("t2");
            consume(t)
        } else {
            1
        });
        drop(r);
        if k == 1 {
            r = D("r2");
            drop(r);
        } else {
            log("no r");
        }
        later(()).await;
        drop(s);
        s = D("s2");
        if k == 2 {
            drop(s);
        }
        later(()).await;
        log("end");
    }
}

#[test]
fn a_branch_that_assigns_a_moved_local_before_moving_it() {
    for k in 0..3 {
        assert_same_at_every_cancel(
            || assigned_then_moved_ref(k, D("t"), D("s"), D("r")),
            || assigned_then_moved(k, D("t"), D("s"), D("r")),
        );
    }
}

// An awaiting site with such a branch.
twin! {
    fn assigned_then_moved_across_an_await / assigned_then_moved_across_an_await_ref (k: u8, mut t: D) {
        drop(t);
        if k == 0 {
            t = D("t2");
            later(()).await;
            drop(t);
        } else {
            later(()).await;
        }
        later(()).await;
        log("end");
    }
}

#[test]
fn an_awaiting_branch_that_assigns_a_moved_local_before_moving_it() {
    for k in 0..2 {
        assert_same_at_every_cancel(
            || assigned_then_moved_across_an_await_ref(k, D("t")),
            || assigned_then_moved_across_an_await(k, D("t")),
        );
    }
}

// A branch that moves the local and then gives it a new value keeps it: the flag takes the new
// value where the branch ends (await-free and awaiting sites; a branch that only moves it, and
// one that leaves it alone, beside it).
twin! {
    fn refilled / refilled_ref (k: u8, mut t: D, mut s: D) {
        let u = D("u");
        match k {
            0 => {
                drop(t);
                log("between");
                t = D("t2");
            }
            1 => drop(t),
            2 => {
                drop(t);
                t = D("t3");
                drop(t);
            }
            _ => log("kept"),
        }
        later(()).await;
        if k == 0 {
            drop(s);
            later(()).await;
            s = D("s2");
        } else if k == 2 {
            drop(s);
            s = later(D("s3")).await;
        } else if k == 1 {
            later(()).await;
            drop(s);
        } else {
            later(()).await;
        }
        log("after");
        later(()).await;
    }
}

#[test]
fn a_branch_that_moves_the_local_then_assigns_it() {
    for k in 0..4 {
        assert_same_at_every_cancel(
            || refilled_ref(k, D("t"), D("s")),
            || refilled(k, D("t"), D("s")),
        );
    }
}

fn pass(d: D) -> D {
    log(format!("pass {}", d.0));
    D("passed")
}

// Every branch that moves the local fills it again, so it is certainly there after the `if`;
// the statement still reads as a move to the liveness, so the flag keeps it (`Some` on every
// path). Also `t = pass(t)`, which moves and fills in one statement.
twin! {
    fn refilled_everywhere / refilled_everywhere_ref (k: u8, mut t: D, mut s: D) {
        if k == 0 {
            drop(t);
            t = D("t2");
        }
        if k == 1 {
            s = pass(s);
        }
        later(()).await;
        log("after");
        later(()).await;
    }
}

#[test]
fn every_branch_that_moves_the_local_assigns_it_again() {
    for k in 0..3 {
        assert_same_at_every_cancel(
            || refilled_everywhere_ref(k, D("t"), D("s")),
            || refilled_everywhere(k, D("t"), D("s")),
        );
    }
}

// difftest seed 21999: the `if` that decides `p` is inside the initialiser of a `let … else`.
twin! {
    fn in_a_let_else_initialiser / in_a_let_else_initialiser_ref (k: u8, p: D) -> u8 {
        let Some(y) = Some(if k == 0 {
            drop(p);
            1
        } else {
            2
        }) else {
            return 0;
        };
        later(()).await;
        y
    }
}

#[test]
fn decided_in_the_initialiser_of_a_let_else() {
    for k in 0..2 {
        assert_same_at_every_cancel(
            || in_a_let_else_initialiser_ref(k, D("p")),
            || in_a_let_else_initialiser(k, D("p")),
        );
    }
}

// A `move` closure takes every local it names when it is created, however its body uses them:
// `f` owns `x` (before, the macro took `&x` in the body for a borrow and stored `x` at the
// await: E0382), and a branch that builds one certainly moves the local (`g`, `s`). An
// `async move` block is the same.
twin! {
    fn moved_into_closures / moved_into_closures_ref (k: u8) {
        let x = D("x");
        let s = D("s");
        let t = D("t");
        let f = move || peek(&x);
        if k == 0 {
            let g = move || peek(&s);
            g();
        }
        if k == 1 {
            let b = async move { peek(&t) };
            drop(b);
        }
        later(()).await;
        f();
        log("end");
    }
}

#[test]
fn moved_into_a_move_closure_or_async_move_block() {
    for k in 0..3 {
        assert_same_at_every_cancel(|| moved_into_closures_ref(k), || moved_into_closures(k));
    }
}

// A branch that moves a local declared outside the loop and then leaves the loop: the code
// after the `if` runs only where the local is still there, so an await there keeps it (it
// dropped at the await before, though nothing reads it afterwards). No flag is needed.
twin! {
    fn moved_on_the_way_out / moved_on_the_way_out_ref (n: u8) {
        let x = D("x");
        let y = D("y");
        for i in 0..3 {
            if i == n {
                drop(x);
                break;
            }
            later(()).await;
            log("kept");
            if i == 1 {
                return;
            }
        }
        later(()).await;
        log("end");
    }
}

#[test]
fn moved_by_a_branch_that_leaves_the_loop() {
    for n in 0..3 {
        assert_same_at_every_cancel(|| moved_on_the_way_out_ref(n), || moved_on_the_way_out(n));
    }
}

// difftest seed 24723: an arm of an awaiting `match` holds an awaiting `match` whose every
// arm keeps `x` (one moves it and fills it again). That inner site decides nothing, so the
// outer one must not count on it (its flag was left unset on that path, and the arm that only
// sets `None` did not compile: E0282). It compiles and runs; `x2` keeps the documented early
// drop (at the join, before "end"), so the logs are not compared.
twin! {
    fn refilled_in_a_nested_site / refilled_in_a_nested_site_ref (k: u8, mut x: D) -> u8 {
        match k {
            0 => {
                later(()).await;
                drop(x);
            }
            1 => match later(k).await {
                1 => {
                    let y = x;
                    drop(y);
                    x = later(D("x2")).await;
                }
                _ => log("kept"),
            },
            _ => log("other"),
        }
        log("end");
        k
    }
}

#[test]
fn a_nested_site_that_keeps_the_local_on_every_branch() {
    for k in 0..3 {
        let (ours, _) = ported_common::run(refilled_in_a_nested_site(k, D("x")));
        let (reference, _) = ported_common::run(refilled_in_a_nested_site_ref(k, D("x")));
        assert_eq!(ours, reference);
    }
}

// difftest seed 23163: a `break` or `continue` out of a loop that became states, written in
// an expression that a construct evaluates before its states (an awaited future's
// expression, an awaiting `if`'s condition, an awaiting `match`'s scrutinee, a `let … else`
// initialiser whose `else` awaits, an awaiting `while`'s condition) was left as it was:
// E0426 "use of undeclared label". It is a jump like one in a statement: `a` is stored at
// the join after the loop, `b` and `c` drop where rustc drops them.
twin! {
    fn jumps_in_operands / jumps_in_operands_ref (k: u8) -> u8 {
        let a = D("a");
        let mut n = 0u8;
        let r = 'outer: loop {
            let b = D("b");
            n += 1;
            let x = later({
                if n == k {
                    break 'outer n;
                }
                if n == k + 10 {
                    continue 'outer;
                }
                D("x")
            })
            .await;
            if {
                if n == k + 1 {
                    break 'outer 10 + n;
                }
                n.is_multiple_of(2)
            } {
                later(()).await;
            }
            match {
                let c = D("c");
                if n == k + 2 {
                    break 'outer 20 + n;
                }
                n
            } {
                1 => later(()).await,
                _ => log("other"),
            }
            let Some(v) = ({
                if n == k + 3 {
                    break 'outer 30 + n;
                }
                Some(n)
            }) else {
                later(()).await;
                return 0;
            };
            while {
                if n == k + 4 {
                    continue 'outer;
                }
                if n > 12 {
                    break 'outer 99;
                }
                false
            } {
                later(()).await;
            }
            log(format!("round {v}"));
        };
        later(()).await;
        log("after");
        r
    }
}

#[test]
fn a_jump_out_of_a_condition_scrutinee_initialiser_or_future() {
    for k in 0..8 {
        assert_same_at_every_cancel(|| jumps_in_operands_ref(k), || jumps_in_operands(k));
    }
}

// difftest seed 25206: a `while let` or `if let` that shadows a variable kept it shadowed,
// for the analysis, up to the end of the enclosing block, so a later use of the outer
// variable in the same fragment went unseen. `n` (maybe moved by `drop((n, ..))`, which the
// macro cannot tell from a move) was then not stored at the await: E0425.
twin! {
    fn outer_name_after_a_let_condition / outer_name_after_a_let_condition_ref (n: u32) -> u32 {
        let d = D("d");
        drop((n, D("t")));
        later(()).await;
        let r = {
            let mut i = 0;
            while let Some(n) = (i < 2).then(|| {
                i += 1;
                10 * i
            }) {
                log(format!("while let {n}"));
            }
            if let Some(n) = n.checked_sub(1) {
                log(format!("if let {n}"));
            } else {
                log("else");
            }
            n
        };
        later(()).await;
        r
    }
}

#[test]
fn the_outer_name_after_a_while_let_or_if_let() {
    for n in 0..2 {
        assert_same_at_every_cancel(
            || outer_name_after_a_let_condition_ref(n),
            || outer_name_after_a_let_condition(n),
        );
    }
}

// The same positions, with `b` moved only on the way out (`drop(b); break 'outer ..`): the
// construct's states still store `b`, which drops at the end of the round as in rustc, not at
// the next suspension.
twin! {
    fn moved_before_a_jump_in_a_condition / moved_before_a_jump_in_a_condition_ref (k: u8) -> u8 {
        let mut n = 0u8;
        let r = 'outer: loop {
            let b = D("b");
            n += 1;
            let m = later({
                if n == k + 4 {
                    drop(b);
                    break 'outer 10 + n;
                }
                n
            })
            .await;
            if {
                if n == k {
                    drop(b);
                    break 'outer n;
                }
                m < 4
            } {
                later(()).await;
                log("branch");
            } else {
                break 'outer 0;
            }
            log("end of round");
        };
        later(()).await;
        r
    }
}

#[test]
fn moved_only_on_the_way_out_of_a_condition() {
    for k in 0..6 {
        assert_same_at_every_cancel(
            || moved_before_a_jump_in_a_condition_ref(k),
            || moved_before_a_jump_in_a_condition(k),
        );
    }
}

// difftest seeds 22026, 22875, 25658, 25923 (`--awaiting-moves`): an await-free `match` moves
// `x` in one arm, and another arm leaves the labelled block around it (which became states)
// by a `break` while `x` is still in scope after the block. The `break` sets the flag as the
// code before it leaves `x` (kept here, moved there), so `x` drops at the end of its scope
// after the suspensions, not at the jump.
twin! {
    fn break_out_of_an_await_free_site / break_out_of_an_await_free_site_ref (k: u8) -> u8 {
        let x = D("x");
        let y = D("y");
        let n = 'b: {
            match k {
                0 => drop(x),
                1 => {
                    log("leave kept");
                    break 'b 1;
                }
                2 => {
                    drop(x);
                    if k > 1 {
                        break 'b 2;
                    }
                }
                3 | 4 => {
                    if k == 3 {
                        drop(x);
                        break 'b 4;
                    }
                    log("kept");
                }
                _ => log("kept"),
            }
            later(()).await;
            3
        };
        later(()).await;
        log("end");
        n
    }
}

#[test]
fn a_labelled_break_out_of_an_await_free_decision() {
    for k in 0..6 {
        assert_same_at_every_cancel(
            || break_out_of_an_await_free_site_ref(k),
            || break_out_of_an_await_free_site(k),
        );
    }
}

// The same with an awaiting `match`: its arms are states, and the `break` is a jump from one
// of them. A `break` after a move leaves the flag unset (`None` alone would have no type in
// that arm), so the state after the block does not keep the flag; one before any move sets
// `Some(x)`.
twin! {
    fn break_out_of_an_awaiting_site / break_out_of_an_awaiting_site_ref (k: u8) -> u8 {
        let x = D("x");
        let y = D("y");
        let n = 'b: {
            match k {
                0 => {
                    later(()).await;
                    drop(x);
                }
                1 => {
                    later(()).await;
                    if k == 1 {
                        log("leave kept");
                        break 'b 1;
                    }
                    log("not here");
                }
                _ => {
                    later(()).await;
                    log("kept");
                }
            }
            later(()).await;
            3
        };
        later(()).await;
        log("end");
        n
    }
}

#[test]
fn a_labelled_break_out_of_an_awaiting_decision() {
    for k in 0..3 {
        assert_same_at_every_cancel(
            || break_out_of_an_awaiting_site_ref(k),
            || break_out_of_an_awaiting_site(k),
        );
    }
}

// A loop whose exits meet: one `break` moved `x` (declared outside the loop), the others kept
// it. Each `break` sets the flag (`None` or `Some(x)`), so after the loop `x` stays to the
// end of its scope when kept, as in rustc, instead of dropping at the jump out of the loop.
twin! {
    fn exits_of_a_loop_meet / exits_of_a_loop_meet_ref (n: u8) {
        let x = D("x");
        let y = D("y");
        let mut i = 0;
        loop {
            later(()).await;
            if i == n {
                drop(x);
                break;
            }
            if i == 2 {
                log("leave kept");
                break;
            }
            i += 1;
        }
        later(()).await;
        log("end");
    }
}

twin! {
    fn exits_of_a_for_loop_meet / exits_of_a_for_loop_meet_ref (n: u8) {
        let x = D("x");
        for i in 0..2 {
            if i == n {
                drop(x);
                break;
            }
            later(()).await;
        }
        later(()).await;
        log("end");
    }
}

#[test]
fn the_flag_after_a_loop_whose_exits_meet() {
    for n in 0..4 {
        assert_same_at_every_cancel(|| exits_of_a_loop_meet_ref(n), || exits_of_a_loop_meet(n));
        assert_same_at_every_cancel(
            || exits_of_a_for_loop_meet_ref(n),
            || exits_of_a_for_loop_meet(n),
        );
    }
}

// difftest seed 24120 (`--awaiting-moves`): a labelled block whose `break` keeps `x` and whose
// end moves it decides the flag itself (`Some(x)` at the `break`, `None` at the end), so on
// the `break`'s path `x` stays to the end of its scope.
twin! {
    fn exits_of_a_labelled_block_meet / exits_of_a_labelled_block_meet_ref (k: u8) -> u8 {
        let x = D("x");
        let n = 'b: {
            if later(k).await == 0 {
                log("leave kept");
                break 'b 1;
            }
            drop(x);
            2
        };
        later(()).await;
        log("end");
        n
    }
}

// difftest seed 25268 (`--awaiting-moves`): a `break` out of a labelled block before a `match`
// in it that decides `x`. The `match` sets the flag on its own paths, the `break` sets
// `Some(x)` on its own, so the state after the block keeps the flag on both.
twin! {
    fn a_break_before_the_deciding_site / a_break_before_the_deciding_site_ref (k: u8) -> u8 {
        let x = D("x");
        let n = 'b: {
            if later(k).await == 0 {
                log("leave kept");
                break 'b 1;
            }
            match k {
                1 => drop(x),
                _ => log("kept"),
            }
            later(()).await;
            2
        };
        later(()).await;
        log("end");
        n
    }
}

#[test]
fn the_flag_after_a_labelled_block_whose_exits_meet() {
    for k in 0..3 {
        assert_same_at_every_cancel(
            || exits_of_a_labelled_block_meet_ref(k),
            || exits_of_a_labelled_block_meet(k),
        );
        assert_same_at_every_cancel(
            || a_break_before_the_deciding_site_ref(k),
            || a_break_before_the_deciding_site(k),
        );
    }
}

// difftest seeds 25811 and 25274 (`--awaiting-moves`): in a branch of an awaiting `if`, a
// nested `if` decides `x` (and sets the flag itself), and a labelled `break` after it leaves
// the enclosing block: the jump carries the flag as it is. An earlier `break` out of the block
// finds `x` kept and sets `Some(x)`, so every path into the state after the block sets it.
twin! {
    fn exit_after_a_nested_decision / exit_after_a_nested_decision_ref (x: D, k: u8, c: bool) {
        'b: {
            if c {
                break 'b;
            }
            if k > 0 {
                if k > 1 {
                    drop(x);
                }
                match k {
                    2 => later(()).await,
                    _ => log("no await"),
                }
                if k > 5 {
                    break 'b;
                }
            }
            later(()).await;
        };
        later(()).await;
        log("end");
    }
}

#[test]
fn a_labelled_break_after_a_nested_decision() {
    for k in [0, 1, 2, 6] {
        for c in [false, true] {
            assert_same_at_every_cancel(
                || exit_after_a_nested_decision_ref(D("x"), k, c),
                || exit_after_a_nested_decision(D("x"), k, c),
            );
        }
    }
}

// difftest seed 31495 (default knobs): a `let … else` inside a block statement, whose `else`
// moves `t` and breaks out of the statement. The move is on that jump's path only, as for a
// branch that ends by jumping out (it counted for the code after the statement, and `t`
// dropped at the next suspension).
twin! {
    fn let_else_in_a_block_breaks_out / let_else_in_a_block_breaks_out_ref (k: u8) -> u8 {
        let n = 'b: {
            let t = D("t");
            {
                let Some(m) = k.checked_sub(1) else {
                    drop(t);
                    break 'b 0;
                };
                log("in");
            }
            later(()).await;
            1
        };
        later(()).await;
        log("end");
        n
    }
}

#[test]
fn moved_by_a_nested_let_else_that_leaves() {
    for k in 0..2 {
        assert_same_at_every_cancel(
            || let_else_in_a_block_breaks_out_ref(k),
            || let_else_in_a_block_breaks_out(k),
        );
    }
}

// difftest seeds 24658 and 25267 (`--awaiting-moves`): an arm of an awaiting `match` moves
// `x` in a labelled block, before any `break` to it. The block's statements before its first
// `break` run whenever it completes, so the move is certain and the arm decides `None`.
twin! {
    fn moved_in_a_labelled_block_before_its_break
        / moved_in_a_labelled_block_before_its_break_ref (k: u8) {
        let x = D("x");
        match k {
            0 => {
                later(()).await;
                'b: {
                    drop(x);
                    if k == 0 {
                        later(()).await;
                        break 'b;
                    }
                    log("not here");
                }
            }
            _ => later(()).await,
        }
        later(()).await;
        log("end");
    }
}

#[test]
fn a_certain_move_in_a_labelled_block() {
    for k in 0..2 {
        assert_same_at_every_cancel(
            || moved_in_a_labelled_block_before_its_break_ref(k),
            || moved_in_a_labelled_block_before_its_break(k),
        );
    }
}

// A labelled block whose `break` is in the `else` of a `let … else` that moved `x`, and whose
// end keeps it: the block's exits meet and decide the flag (the `else` block is read like a
// branch), so on the path through the end `x` stays to the end of its scope.
twin! {
    fn let_else_exit_of_a_labelled_block / let_else_exit_of_a_labelled_block_ref (x: D, k: u8) {
        let n = 'b: {
            let Some(m) = later(k).await.checked_sub(1) else {
                log("else");
                drop(x);
                break 'b 0;
            };
            later(()).await;
            m
        };
        later(()).await;
        log("end");
    }
}

#[test]
fn a_let_else_exit_of_a_labelled_block() {
    for k in 0..2 {
        assert_same_at_every_cancel(
            || let_else_exit_of_a_labelled_block_ref(D("x"), k),
            || let_else_exit_of_a_labelled_block(D("x"), k),
        );
    }
}

// difftest seed 24539 (`--awaiting-moves`): in a branch of an awaiting `if`, a labelled block
// decides `x` on its exits (a `break` that moved it, an end that kept it). The `if` leaves that
// branch's decision to the block, and sets `Some(x)` on its other branch, so on every path the
// state after the `if` keeps the flag.
twin! {
    fn labelled_block_decides_in_a_branch
        / labelled_block_decides_in_a_branch_ref (x: D, c: bool, k: u8) {
        if c {
            'b: {
                if later(k).await == 0 {
                    drop(x);
                    break 'b;
                }
                log("kept");
            }
            later(()).await;
        } else {
            later(()).await;
        }
        later(()).await;
        log("end");
    }
}

// The seed's own shape: the block is a call's argument (normalize.rs hoists it into a plain
// block after a `let` of the callee), its `let … else` initialiser borrows `x`, and its `else`
// moves `x` and breaks out with a value.
twin! {
    fn labelled_block_argument_decides_in_a_branch
        / labelled_block_argument_decides_in_a_branch_ref (x: D, c: bool, k: u8) -> u8 {
        if c {
            log_n('b: {
                let Some(m) = later(k + u8::from(x.0.is_empty())).await.checked_sub(1) else {
                    drop(x);
                    break 'b 0;
                };
                later(()).await;
                m
            });
            later(()).await;
        } else {
            later(()).await;
        }
        later(()).await;
        log("end");
        k
    }
}

fn log_n(n: u8) {
    log(format!("n {n}"));
}

#[test]
fn a_labelled_block_decides_in_a_branch() {
    for k in 0..2 {
        for c in [false, true] {
            assert_same_at_every_cancel(
                || labelled_block_decides_in_a_branch_ref(D("x"), c, k),
                || labelled_block_decides_in_a_branch(D("x"), c, k),
            );
            assert_same_at_every_cancel(
                || labelled_block_argument_decides_in_a_branch_ref(D("x"), c, k),
                || labelled_block_argument_decides_in_a_branch(D("x"), c, k),
            );
        }
    }
}

// difftest seed 35030 (`--awaiting-moves`): a labelled block assigns `x`, and a `match` in it
// after a `break` decides it. The `break` finds `x` kept and sets `Some(x)`, as for a local
// the block never assigns, so the state after the block keeps the flag on both paths (the
// assignment only kept the block from deciding `x` itself, and so its `break` from setting it).
twin! {
    fn assigned_in_a_block_decided_after_its_break
        / assigned_in_a_block_decided_after_its_break_ref (k: u8, c: bool) -> u8 {
        let mut x = D("x");
        let n = 'b: {
            if later(k).await == 0 {
                break 'b 0;
            }
            x = D("x2");
            match k {
                1 => {
                    let m = if later(c).await {
                        log("kept");
                        1
                    } else {
                        drop(x);
                        2
                    };
                }
                _ => log("other"),
            }
            1
        };
        later(()).await;
        log("end");
        n
    }
}

#[test]
fn a_break_keeps_a_local_the_block_assigns() {
    for k in 0..3 {
        for c in [false, true] {
            assert_same_at_every_cancel(
                || assigned_in_a_block_decided_after_its_break_ref(k, c),
                || assigned_in_a_block_decided_after_its_break(k, c),
            );
        }
    }
}

// difftest seed 39023 (`--awaiting-moves`): in a labelled block that became states, a `match`
// after a `break` moves `x` in an arm that first assigns it. The block read its whole body
// before lowering it, which marked `x` as maybe moved before the `match`; without an arm that
// moves `x` before assigning it (a witness that `x` is there), the `match` got no flag and
// `x` dropped at its join. The seed's shape too: the `break` assigns `x`, which the value of
// the block then shadows.
twin! {
    fn moved_after_assigning_in_a_block / moved_after_assigning_in_a_block_ref
        (mut x: D, c: bool, k: u8) -> u8 {
        let n = 'b: {
            if c {
                break 'b 3;
            }
            match k {
                0 => later(()).await,
                1 => {
                    x = D("x2");
                    drop(x);
                    later(()).await;
                }
                _ => log("other"),
            }
            1
        };
        later(()).await;
        log("end");
        n
    }
}

twin! {
    fn assigned_on_a_break_then_shadowed / assigned_on_a_break_then_shadowed_ref
        (mut x: D, c: bool, k: u8) -> u8 {
        let x = later('b: {
            if c {
                x = D("x2");
                break 'b 3;
            }
            match k {
                0 => later(()).await,
                1 => {
                    x = D("x3");
                    drop(x);
                    later(()).await;
                }
                _ => log("other"),
            }
            if later(true).await { 1 } else { 10 }
        })
        .await;
        log("after");
        later(()).await;
        x
    }
}

// The same reading ahead, by an awaiting `match` of its own scrutinee: the `if` there moves `x`
// after assigning it.
twin! {
    fn moved_after_assigning_in_a_scrutinee / moved_after_assigning_in_a_scrutinee_ref
        (mut x: D, c: bool) {
        match if c {
            x = D("x2");
            drop(x);
            1
        } else {
            2
        } {
            1 => later(()).await,
            _ => later(()).await,
        }
        later(()).await;
        log("end");
    }
}

#[test]
fn a_move_read_ahead_is_not_a_move_before_the_site() {
    for k in 0..3 {
        for c in [false, true] {
            assert_same_at_every_cancel(
                || moved_after_assigning_in_a_block_ref(D("x"), c, k),
                || moved_after_assigning_in_a_block(D("x"), c, k),
            );
            assert_same_at_every_cancel(
                || assigned_on_a_break_then_shadowed_ref(D("x"), c, k),
                || assigned_on_a_break_then_shadowed(D("x"), c, k),
            );
        }
    }
    for c in [false, true] {
        assert_same_at_every_cancel(
            || moved_after_assigning_in_a_scrutinee_ref(D("x"), c),
            || moved_after_assigning_in_a_scrutinee(D("x"), c),
        );
    }
}

fn made(d: D) -> D {
    log(format!("made {}", d.0));
    d
}

// difftest seed 38067 (`--awaiting-moves`): `x = made(match .. { 0 => { drop(x); .. } .. })`,
// which normalize.rs leaves as `let __t = match ..; x = made(__t);`. rustc drops the old `x`,
// if no arm took it, at the assignment, after `made` built the new value. The assignment was a
// use after the decision, so the `match` got no flag and the old `x` dropped at its join. Now
// the flag holds it, and the assignment drops the flag. The `match` is await-free after its
// scrutinee's await (the flag set by the expression), awaits in its arms (set on the jumps into
// its join), or decides `x` in a block before an await and the assignment (the block hands the
// decision on).
twin! {
    fn assigned_from_a_deciding_match / assigned_from_a_deciding_match_ref (k: u8) {
        let mut x = D("x");
        x = made(match later(k).await {
            0 => {
                drop(x);
                D("x2")
            }
            _ => D("x3"),
        });
        later(()).await;
        log("end");
    }
}

twin! {
    fn assigned_from_an_awaiting_match / assigned_from_an_awaiting_match_ref (k: u8) {
        let mut x = D("x");
        x = made(match k {
            0 => {
                drop(x);
                later(D("x2")).await
            }
            1 => later(D("x3")).await,
            _ => D("x4"),
        });
        log("between");
        later(()).await;
        log("end");
    }
}

twin! {
    fn assigned_after_a_block_that_decides / assigned_after_a_block_that_decides_ref (k: u8) {
        let mut x = D("x");
        {
            let n = match later(k).await {
                0 => {
                    drop(x);
                    1
                }
                _ => 2,
            };
            later(()).await;
        }
        log("between");
        x = D("x2");
        later(()).await;
        log("end");
    }
}

#[test]
fn an_assignment_after_the_decision_drops_the_flag() {
    for k in 0..3 {
        assert_same_at_every_cancel(
            || assigned_from_a_deciding_match_ref(k),
            || assigned_from_a_deciding_match(k),
        );
        assert_same_at_every_cancel(
            || assigned_from_an_awaiting_match_ref(k),
            || assigned_from_an_awaiting_match(k),
        );
        assert_same_at_every_cancel(
            || assigned_after_a_block_that_decides_ref(k),
            || assigned_after_a_block_that_decides(k),
        );
    }
}

fn some_if_nonzero(v: u8) -> Option<u8> {
    (v != 0).then_some(v)
}

// difftest seed 41294 (default knobs): in an await-free labelled block, a `let … else` whose
// `else` block breaks to the block, its initialiser moving `x` in one arm of a `match`. A
// labelled block's sites were only those of the statements before the first that may break
// to it, so the `match` got no flag and `x` dropped at the next await; the initialiser runs
// before the `else` block can break, so its sites count too.
twin! {
    fn decided_before_a_let_else_breaks / decided_before_a_let_else_breaks_ref
        (x: D, a: u8) -> u8 {
        let m = 'b: {
            let Some(n) = some_if_nonzero(match a {
                0 => {
                    drop(x);
                    3
                }
                1 => 0,
                v => v,
            }) else {
                break 'b 7;
            };
            log("n");
            n
        };
        later(()).await;
        log("end");
        m
    }
}

#[test]
fn a_let_else_that_breaks_runs_its_initialiser_first() {
    for a in 0..3 {
        assert_same_at_every_cancel(
            || decided_before_a_let_else_breaks_ref(D("x"), a),
            || decided_before_a_let_else_breaks(D("x"), a),
        );
    }
}

// Finding 12 (FINDINGS.md): after a decision, a statement that assigns the local on some paths
// only (an `if` without `else`, an `else` branch, a nested block, a loop body after the
// decision, a branch that awaits first). The assignment made `x` live at the join after the
// decision, so the join stored `x` although an arm had moved it (E0382); after an await-free
// decision, `x` dropped at the next await. The assignment now fills the flag
// (`flag = Some(e)`), which drops the old value after `e` is built, as rustc's does.
twin! {
    fn filled_after_an_awaiting_scrutinee / filled_after_an_awaiting_scrutinee_ref
        (k: u8, c: bool) {
        let mut x = D("x");
        let t = match later(k).await {
            0 => {
                drop(x);
                1
            }
            _ => 2,
        };
        if c {
            x = D("x2");
        }
        later(()).await;
        log("end");
    }
}

twin! {
    fn filled_in_an_else_branch / filled_in_an_else_branch_ref (k: u8, c: bool) {
        let mut x = D("x");
        let t = match later(k).await {
            0 => {
                drop(x);
                1
            }
            _ => 2,
        };
        if c {
            log("then");
        } else {
            x = D("x2");
            log("assigned");
        }
        later(()).await;
        log("end");
    }
}

twin! {
    fn filled_in_a_nested_block / filled_in_a_nested_block_ref (k: u8, c: bool) {
        let mut x = D("x");
        let t = match later(k).await {
            0 => {
                drop(x);
                1
            }
            _ => 2,
        };
        {
            log("block");
            if c {
                x = D("x2");
            }
        }
        later(()).await;
        log("end");
    }
}

twin! {
    fn filled_in_a_loop_that_awaits / filled_in_a_loop_that_awaits_ref (k: u8, c: bool) {
        let mut x = D("x");
        let t = match later(k).await {
            0 => {
                drop(x);
                1
            }
            _ => 2,
        };
        for i in 0..3u8 {
            if c && i == 1 {
                x = D("x2");
            }
            later(()).await;
            log("turn");
        }
        log("end");
    }
}

twin! {
    fn filled_in_an_await_free_loop / filled_in_an_await_free_loop_ref (k: u8, c: bool) {
        let mut x = D("x");
        let t = match later(k).await {
            0 => {
                drop(x);
                1
            }
            _ => 2,
        };
        for i in 0..3u8 {
            if c || i == 1 {
                x = D("x2");
            }
            log("turn");
        }
        later(()).await;
        log("end");
    }
}

twin! {
    fn filled_after_an_awaiting_if / filled_after_an_awaiting_if_ref (k: u8, c: bool) {
        let mut x = D("x");
        let t = if later(k == 0).await {
            drop(x);
            1
        } else {
            2
        };
        if c {
            x = D("x2");
        }
        later(()).await;
        log("end");
    }
}

twin! {
    fn filled_after_awaiting_arms / filled_after_awaiting_arms_ref (k: u8, c: bool) {
        let mut x = D("x");
        match k {
            0 => {
                later(()).await;
                drop(x);
            }
            1 => later(()).await,
            _ => {}
        }
        if c {
            x = D("x2");
        }
        later(()).await;
        log("end");
    }
}

twin! {
    fn filled_after_an_await_free_decision / filled_after_an_await_free_decision_ref
        (k: u8, c: bool) {
        let mut x = D("x");
        later(()).await;
        match k {
            0 => drop(x),
            _ => log("kept"),
        }
        if c {
            x = D("x2");
        }
        later(()).await;
        log("end");
    }
}

twin! {
    fn filled_after_an_await / filled_after_an_await_ref (k: u8, c: bool) {
        let mut x = D("x");
        match k {
            0 => drop(x),
            _ => log("kept"),
        }
        later(()).await;
        if c {
            x = D("x2");
        }
        later(()).await;
        log("end");
    }
}

twin! {
    fn filled_in_a_branch_that_awaits / filled_in_a_branch_that_awaits_ref (k: u8, c: bool) {
        let mut x = D("x");
        let t = match later(k).await {
            0 => {
                drop(x);
                1
            }
            _ => 2,
        };
        if c {
            later(()).await;
            x = D("x2");
            log("assigned");
        }
        later(()).await;
        log("end");
    }
}

#[test]
fn an_assignment_on_some_paths_fills_the_flag() {
    for k in 0..3 {
        for c in [false, true] {
            assert_same_at_every_cancel(
                || filled_after_an_awaiting_scrutinee_ref(k, c),
                || filled_after_an_awaiting_scrutinee(k, c),
            );
            assert_same_at_every_cancel(
                || filled_in_an_else_branch_ref(k, c),
                || filled_in_an_else_branch(k, c),
            );
            assert_same_at_every_cancel(
                || filled_in_a_nested_block_ref(k, c),
                || filled_in_a_nested_block(k, c),
            );
            assert_same_at_every_cancel(
                || filled_in_a_loop_that_awaits_ref(k, c),
                || filled_in_a_loop_that_awaits(k, c),
            );
            assert_same_at_every_cancel(
                || filled_in_an_await_free_loop_ref(k, c),
                || filled_in_an_await_free_loop(k, c),
            );
            assert_same_at_every_cancel(
                || filled_after_an_awaiting_if_ref(k, c),
                || filled_after_an_awaiting_if(k, c),
            );
            assert_same_at_every_cancel(
                || filled_after_awaiting_arms_ref(k, c),
                || filled_after_awaiting_arms(k, c),
            );
            assert_same_at_every_cancel(
                || filled_after_an_await_free_decision_ref(k, c),
                || filled_after_an_await_free_decision(k, c),
            );
            assert_same_at_every_cancel(
                || filled_after_an_await_ref(k, c),
                || filled_after_an_await(k, c),
            );
            assert_same_at_every_cancel(
                || filled_in_a_branch_that_awaits_ref(k, c),
                || filled_in_a_branch_that_awaits(k, c),
            );
        }
    }
}

// Finding 12's shapes where every path that completes the statement assigns the local once
// (an `if` with both branches, a `match`, a nested block): the flag takes the new value, and
// `x` takes it back from the flag after the statement, an ordinary local again that later
// code may use (before, E0382 as above).
twin! {
    fn filled_on_both_branches / filled_on_both_branches_ref (k: u8, c: bool) {
        let mut x = D("x");
        let t = match later(k).await {
            0 => {
                drop(x);
                1
            }
            _ => 2,
        };
        if c {
            x = D("x2");
        } else {
            x = D("x3");
        }
        later(()).await;
        log("end");
    }
}

twin! {
    fn taken_back_after_a_match / taken_back_after_a_match_ref (k: u8, c: bool) {
        let mut x = D("x");
        let t = match later(k).await {
            0 => {
                drop(x);
                1
            }
            _ => 2,
        };
        match c {
            true => x = D("x2"),
            false => {
                log("false");
                x = D("x3");
            }
        }
        later(()).await;
        peek(&x);
        drop(x);
        later(()).await;
        log("end");
    }
}

twin! {
    fn taken_back_after_a_block / taken_back_after_a_block_ref (k: u8, c: bool) {
        let mut x = D("x");
        let t = match later(k).await {
            0 => {
                drop(x);
                1
            }
            _ => 2,
        };
        {
            log("block");
            x = D("x2");
            log("assigned");
        }
        later(()).await;
        peek(&x);
        later(()).await;
        log("end");
    }
}

twin! {
    fn taken_back_after_a_branch_that_awaits / taken_back_after_a_branch_that_awaits_ref
        (k: u8, c: bool) {
        let mut x = D("x");
        let t = match later(k).await {
            0 => {
                drop(x);
                1
            }
            _ => 2,
        };
        if c {
            later(()).await;
            x = D("x2");
        } else {
            x = D("x3");
            log("else");
        }
        later(()).await;
        peek(&x);
        later(()).await;
        log("end");
    }
}

twin! {
    fn filled_then_assigned / filled_then_assigned_ref (k: u8, c: bool) {
        let mut x = D("x");
        let t = match later(k).await {
            0 => {
                drop(x);
                1
            }
            _ => 2,
        };
        if c {
            x = D("x2");
        }
        later(()).await;
        if !c {
            x = D("x3");
        }
        later(()).await;
        x = D("x4");
        peek(&x);
        later(()).await;
        log("end");
    }
}

#[test]
fn an_assignment_on_every_path_takes_the_local_back() {
    for k in 0..3 {
        for c in [false, true] {
            assert_same_at_every_cancel(
                || filled_on_both_branches_ref(k, c),
                || filled_on_both_branches(k, c),
            );
            assert_same_at_every_cancel(
                || taken_back_after_a_match_ref(k, c),
                || taken_back_after_a_match(k, c),
            );
            assert_same_at_every_cancel(
                || taken_back_after_a_block_ref(k, c),
                || taken_back_after_a_block(k, c),
            );
            assert_same_at_every_cancel(
                || taken_back_after_a_branch_that_awaits_ref(k, c),
                || taken_back_after_a_branch_that_awaits(k, c),
            );
            assert_same_at_every_cancel(
                || filled_then_assigned_ref(k, c),
                || filled_then_assigned(k, c),
            );
        }
    }
}

// An assignment after a decision in another block: in a branch of an awaiting `if` that
// decides the local with a nested `match`, in a block statement (awaiting or not), or after
// a block that awaits again. The construct around the decision hands it on to the statements
// after it (before, E0382).
twin! {
    fn filled_after_a_nested_decision / filled_after_a_nested_decision_ref (k: u8, c: bool) {
        let mut x = D("x");
        if k > 0 {
            match k {
                1 => drop(x),
                _ => log("kept"),
            }
            later(()).await;
        }
        if c {
            x = D("x2");
        }
        later(()).await;
        log("end");
    }
}

twin! {
    fn filled_after_a_deciding_block / filled_after_a_deciding_block_ref (k: u8, c: bool) {
        let mut x = D("x");
        {
            let t = match later(k).await {
                0 => {
                    drop(x);
                    1
                }
                _ => 2,
            };
            log("in");
        }
        if c {
            x = D("x2");
        }
        later(()).await;
        log("end");
    }
}

twin! {
    fn filled_after_an_await_free_block / filled_after_an_await_free_block_ref (k: u8, c: bool) {
        let mut x = D("x");
        {
            match k {
                0 => drop(x),
                _ => log("kept"),
            }
        }
        later(()).await;
        if c {
            x = D("x2");
        }
        later(()).await;
        log("end");
    }
}

twin! {
    fn filled_in_a_block_that_awaits / filled_in_a_block_that_awaits_ref (k: u8, c: bool) {
        let mut x = D("x");
        let t = match later(k).await {
            0 => {
                drop(x);
                1
            }
            _ => 2,
        };
        {
            later(()).await;
            if c {
                x = D("x2");
            }
        }
        later(()).await;
        log("end");
    }
}

#[test]
fn an_assignment_after_a_decision_in_another_block() {
    for k in 0..3 {
        for c in [false, true] {
            assert_same_at_every_cancel(
                || filled_after_a_nested_decision_ref(k, c),
                || filled_after_a_nested_decision(k, c),
            );
            assert_same_at_every_cancel(
                || filled_after_a_deciding_block_ref(k, c),
                || filled_after_a_deciding_block(k, c),
            );
            assert_same_at_every_cancel(
                || filled_after_an_await_free_block_ref(k, c),
                || filled_after_an_await_free_block(k, c),
            );
            assert_same_at_every_cancel(
                || filled_in_a_block_that_awaits_ref(k, c),
                || filled_in_a_block_that_awaits(k, c),
            );
        }
    }
}

// A site with a labelled `break` that sets the flag, then an assignment: the `break`'s path
// bypasses it with `x` in the flag, so the assignment fills the flag and `x` stays there, also
// when every path assigns (before, E0382). (A plain `x = e;` there, with `x` used after it, is
// still not followed: `x` drops at the next await; ARCHITECTURE.md, "Drop flags".)
twin! {
    fn filled_after_a_site_with_an_exit / filled_after_a_site_with_an_exit_ref (k: u8, c: bool) {
        let mut x = D("x");
        'b: {
            let t = match later(k).await {
                0 => {
                    drop(x);
                    1
                }
                1 => break 'b,
                _ => 2,
            };
            later(()).await;
            if c {
                x = D("x2");
            }
            later(()).await;
        }
        later(()).await;
        log("end");
    }
}

twin! {
    fn filled_after_a_loop_with_an_exit / filled_after_a_loop_with_an_exit_ref (k: u8, c: bool) {
        let mut x = D("x");
        'o: {
            loop {
                if k == 0 {
                    drop(x);
                    break;
                }
                if k == 1 {
                    break 'o;
                }
                later(()).await;
                break;
            }
            if c {
                x = D("x2");
            } else {
                x = D("x3");
            }
            later(()).await;
        }
        later(()).await;
        log("end");
    }
}

// A loop or labelled block whose exits decide the local, then an assignment: every exit sets
// the flag, so the statement decides it as a site would (before: E0382 after an assignment on
// some paths, and an early drop after a plain `x = e;` with `x` used after it).
twin! {
    fn filled_after_a_deciding_loop / filled_after_a_deciding_loop_ref (k: u8, c: bool) {
        let mut x = D("x");
        loop {
            if k == 0 {
                drop(x);
                break;
            }
            later(()).await;
            break;
        }
        if c {
            x = D("x2");
        }
        later(()).await;
        log("end");
    }
}

twin! {
    fn assigned_after_a_deciding_loop / assigned_after_a_deciding_loop_ref (k: u8, c: bool) {
        let mut x = D("x");
        loop {
            if k == 0 {
                drop(x);
                break;
            }
            later(()).await;
            break;
        }
        later(()).await;
        x = D("x2");
        peek(&x);
        later(()).await;
        log("end");
    }
}

twin! {
    fn taken_back_after_a_loop_with_a_value / taken_back_after_a_loop_with_a_value_ref
        (k: u8, c: bool) {
        let mut x = D("x");
        let n = loop {
            if k == 0 {
                drop(x);
                break 1;
            }
            later(()).await;
            break 2;
        };
        if c {
            x = D("x2");
        } else {
            x = D("x3");
        }
        later(()).await;
        peek(&x);
        log("end");
    }
}

twin! {
    fn filled_after_a_deciding_block_with_a_break /
        filled_after_a_deciding_block_with_a_break_ref (k: u8, c: bool) {
        let mut x = D("x");
        'b: {
            if later(k == 0).await {
                break 'b;
            }
            drop(x);
        }
        if c {
            x = D("x2");
        }
        later(()).await;
        log("end");
    }
}

#[test]
fn an_assignment_after_labelled_exits_that_set_the_flag() {
    for k in 0..3 {
        for c in [false, true] {
            assert_same_at_every_cancel(
                || filled_after_a_site_with_an_exit_ref(k, c),
                || filled_after_a_site_with_an_exit(k, c),
            );
            assert_same_at_every_cancel(
                || filled_after_a_loop_with_an_exit_ref(k, c),
                || filled_after_a_loop_with_an_exit(k, c),
            );
            assert_same_at_every_cancel(
                || filled_after_a_deciding_loop_ref(k, c),
                || filled_after_a_deciding_loop(k, c),
            );
            assert_same_at_every_cancel(
                || assigned_after_a_deciding_loop_ref(k, c),
                || assigned_after_a_deciding_loop(k, c),
            );
            assert_same_at_every_cancel(
                || taken_back_after_a_loop_with_a_value_ref(k, c),
                || taken_back_after_a_loop_with_a_value(k, c),
            );
            assert_same_at_every_cancel(
                || filled_after_a_deciding_block_with_a_break_ref(k, c),
                || filled_after_a_deciding_block_with_a_break(k, c),
            );
        }
    }
}

// difftest seed 47197 (`--awaiting-moves --assign-moved`): a local moved into an awaited
// future, then given a new value inside a block. Only a plain `x = e;` statement counted as
// initialising `x`; the block's assignment was a use, which made `x` live, and stored, at the
// await that had moved it (E0382). A statement that assigns `x` on every path that completes
// it, and names it nowhere else, now initialises it as `x = e;` does.
twin! {
    fn assigned_in_a_block_after_a_move / assigned_in_a_block_after_a_move_ref (k: u8) {
        let mut x = D("x");
        let t = later(x).await;
        {
            x = D("x2");
        }
        later(()).await;
        peek(&x);
        log("end");
    }
}

twin! {
    fn assigned_by_both_branches_after_a_move / assigned_by_both_branches_after_a_move_ref
        (k: u8) {
        let mut x = D("x");
        let t = later(x).await;
        match k {
            0 => x = D("x2"),
            _ => {
                log("other");
                x = D("x3");
            }
        }
        later(()).await;
        log("end");
    }
}

#[test]
fn a_block_that_assigns_a_moved_local_initialises_it() {
    for k in 0..2 {
        assert_same_at_every_cancel(
            || assigned_in_a_block_after_a_move_ref(k),
            || assigned_in_a_block_after_a_move(k),
        );
        assert_same_at_every_cancel(
            || assigned_by_both_branches_after_a_move_ref(k),
            || assigned_by_both_branches_after_a_move(k),
        );
    }
}

// difftest seed 47142 (`--awaiting-moves --assign-moved`): a local moved, then given a new
// value on some paths only (in one arm of an awaiting `match`, under a nested `match`). The
// assignment counted as a read, which made the moved local live, and stored, at the await
// before it (E0382). A statement that names `x` only as an assignment's target now may assign
// it without reading it: what is live or maybe moved after it is so before it. (A local read
// after such a statement stays live before it: the other paths keep the old value. A state
// boundary after the assignment, before the end of the local's scope, still drops the new
// value there: finding 1. The `match` below ends the local's scope.)
twin! {
    fn assigned_on_some_paths_after_a_move / assigned_on_some_paths_after_a_move_ref (k: u8) {
        let mut x = D("x");
        let t = later(x).await;
        if k == 0 {
            x = D("x2");
        }
        log("end");
    }
}

twin! {
    fn assigned_in_an_arm_after_a_move / assigned_in_an_arm_after_a_move_ref (k: u8) {
        {
            let mut x = D("x");
            let t = later(x).await;
            drop(t);
            match later(k).await {
                0 => {
                    if k == 0 {
                        x = D("x2");
                    }
                    log("zero");
                }
                1 => {
                    x = D("x3");
                    later(()).await;
                }
                _ => {}
            }
        }
        log("end");
    }
}

twin! {
    fn assigned_on_some_paths_then_read / assigned_on_some_paths_then_read_ref (k: u8) {
        let mut x = D("x");
        later(()).await;
        if k == 0 {
            x = D("x2");
        }
        later(()).await;
        peek(&x);
        drop(x);
        later(()).await;
        log("end");
    }
}

#[test]
fn an_assignment_on_some_paths_is_not_a_read() {
    for k in 0..3 {
        assert_same_at_every_cancel(
            || assigned_on_some_paths_after_a_move_ref(k),
            || assigned_on_some_paths_after_a_move(k),
        );
        assert_same_at_every_cancel(
            || assigned_in_an_arm_after_a_move_ref(k),
            || assigned_in_an_arm_after_a_move(k),
        );
        assert_same_at_every_cancel(
            || assigned_on_some_paths_then_read_ref(k),
            || assigned_on_some_paths_then_read(k),
        );
    }
}
