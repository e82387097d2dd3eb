//! Assignments whose assignee awaits: every place of a destructuring assignment is assigned,
//! and the sides are evaluated in rustc's order (the value first; for a compound assignment
//! that calls an operator trait, the place first).
//! Each body is compiled as an `async fn` (the reference) and as a `#[coro_core::coroutine]
//! fn`; both are polled 0, 1, 2, … times, dropped, and must log the same events.
#![allow(
    unused_assignments,
    clippy::needless_pass_by_value,
    clippy::unused_async,
    clippy::assign_op_pattern,
    clippy::cast_possible_truncation
)]

#[macro_use]
mod ported_common;

use ported_common::{D, Later, assert_same_at_every_cancel, later, log};
use std::ops::AddAssign;

/// `value`, logging `tag` when the future is made (the side effect whose order is checked).
fn step<T: Unpin>(tag: &'static str, value: T) -> Later<T> {
    log(tag);
    later(value)
}

fn index(tag: &'static str, i: usize) -> usize {
    log(tag);
    i
}

twin! {
    fn destructure_awaiting_index / destructure_awaiting_index_ref () -> (i32, Vec<i32>, &'static str) {
        let mut a = 0;
        let mut v = vec![0; 3];
        let mut d = D("old");
        (a, v[step("i", 1).await]) = (7, 8);
        (a, d, v[step("j", 2).await]) = (a + 1, D("new"), 9);
        log("assigned");
        (a, v, d.0)
    }
}

twin! {
    fn destructure_order / destructure_order_ref () -> (i32, i32, Vec<i32>) {
        let mut x = 0;
        let mut y = 0;
        let mut v = vec![0; 4];
        (x, v[step("i", 1).await], y) = (step("x", 5).await, step("y", 6).await, 7);
        [v[index("first", 0)], v[step("k", 2).await]] = [step("a", 1).await, 2];
        (v[step("p", 3).await], x) = (step("q", x).await, y);
        (x, y, v)
    }
}

#[test]
fn every_place_of_a_destructuring_assignment_is_assigned() {
    assert_same_at_every_cancel(destructure_awaiting_index_ref, destructure_awaiting_index);
    assert_same_at_every_cancel(destructure_order_ref, destructure_order);
}

#[derive(Debug, PartialEq, Clone, Copy)]
struct N(u32);

impl AddAssign for N {
    fn add_assign(&mut self, other: N) {
        self.0 += other.0;
    }
}

impl AddAssign<&N> for N {
    fn add_assign(&mut self, other: &N) {
        self.0 += other.0;
    }
}

twin! {
    fn assign_order / assign_order_ref () -> Vec<u32> {
        let mut v = vec![0u32; 3];
        v[step("index", 1).await] = step("value", 5).await;
        v[step("index", 2).await] = index("plain value", 3) as u32;
        v[index("plain index", 0)] = step("value", 4).await;
        let mut w = vec![v.clone()];
        w[step("outer", 0).await][step("inner", 1).await] = step("value", 9).await;
        v[step("index", 0).await] += step("value", 1).await;
        v[step("index", 2).await] += 10;
        v[step("index", 1).await] *= index("plain value", 2) as u32;
        v.extend(w.remove(0));
        v
    }
}

twin! {
    fn compound_trait_order / compound_trait_order_ref () -> (Vec<N>, Vec<String>) {
        let mut n = vec![N(1), N(2)];
        n[step("index", 0).await] += &step("value", N(5)).await;
        n[step("index", 1).await] += &N(index("plain value", 3) as u32);
        let mut s = vec![String::new()];
        s[step("index", 0).await] += "lit";
        s[step("index", 0).await] += &step("value", String::from("!")).await;
        (n, s)
    }
}

#[test]
fn an_assignment_evaluates_its_value_before_its_place() {
    assert_same_at_every_cancel(assign_order_ref, assign_order);
}

#[test]
fn a_compound_assignment_through_a_trait_evaluates_its_place_first() {
    assert_same_at_every_cancel(compound_trait_order_ref, compound_trait_order);
}

struct Holder {
    slot: Vec<u32>,
}

twin! {
    fn deref_and_fields / deref_and_fields_ref (mut h: Holder, r: &mut [u32]) -> (Vec<u32>, u32) {
        h.slot[step("field index", 1).await] = step("value", 3).await;
        let mut boxed = Box::new(0u32);
        *boxed = step("boxed", 4).await;
        r[step("slice index", 0).await] = *boxed;
        (h.slot, *boxed)
    }
}

#[test]
#[cfg_attr(miri, ignore = "leaks a slice per run on purpose, which Miri reports")]
fn fields_derefs_and_parameters_stay_places() {
    assert_same_at_every_cancel(
        || {
            let r: &'static mut [u32] = Box::leak(Box::new([0u32; 2]));
            deref_and_fields_ref(Holder { slot: vec![0; 2] }, r)
        },
        || {
            let r: &'static mut [u32] = Box::leak(Box::new([0u32; 2]));
            deref_and_fields(Holder { slot: vec![0; 2] }, r)
        },
    );
}

// What `_` leaves of an awaited value drops when the destructuring `let` ends, before the
// place's index is awaited (rustc's `let (_, lhs) = value;`).
twin! {
    fn destructure_wild / destructure_wild_ref () -> Vec<i32> {
        let mut v = vec![0; 3];
        (_, v[step("i", 1).await]) = step("pair", (D("unbound"), 5)).await;
        log("after");
        v
    }
}

#[test]
fn what_a_destructuring_assignment_leaves_unbound_drops_at_once() {
    assert_same_at_every_cancel(destructure_wild_ref, destructure_wild);
}
