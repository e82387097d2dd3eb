//! What the macro's syntactic move and borrow analysis reads from a use it cannot type:
//! a method whose result may be owned (`Cell::get`, `BufRead::lines`, a user type's `get`) is
//! not taken for a borrow of its receiver, and a `let` whose pattern binds nothing by value
//! (`let _ = g;`, `let P(ref n, _) = g;`) is not a move of the local it reads, so that local
//! still drops at the end of its scope.
//! Each body is compiled as an `async fn` (the reference) and as a `#[coro_core::coroutine]
//! fn`; both are polled 0, 1, 2, … times, dropped, and must log the same events.
#![allow(
    unused_parens,
    clippy::many_single_char_names,
    clippy::unused_self,
    // The shape under test: a `let` whose whole pattern is a `ref` binding.
    clippy::toplevel_ref_arg
)]

#[macro_use]
mod ported_common;

use ported_common::{D, assert_same_at_every_cancel, later, log};
use std::cell::Cell;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::rc::Rc;

// --- Methods that return an owned value under a name std also uses for a borrow ---

twin! {
    fn cell_counter / cell_counter_ref (counter: Rc<Cell<u32>>) -> u32 {
        let before = counter.get();
        later(()).await;
        counter.set(before + 1);
        counter.get() + later(10).await
    }
}

/// A user type whose `get`, `last` and `as_str` return owned or `'static` data. (It holds no
/// drop tracer: a local a method is called on may be moved, so it drops at the next `.await`
/// once dead, a documented difference.)
struct Meter {
    reading: u32,
}

impl Meter {
    fn get(&self) -> u32 {
        self.reading
    }
    fn last(&self) -> u32 {
        self.reading + 1
    }
    fn as_str(&self) -> &'static str {
        "kWh"
    }
}

twin! {
    fn user_owned_results / user_owned_results_ref (m: Meter) -> (u32, u32, String) {
        let now = m.get();
        let last = m.last();
        let unit = m.as_str();
        later(()).await;
        log("after");
        let sum = m.get() + later(now).await;
        (sum, last, unit.to_owned())
    }
}

twin! {
    fn consuming_iterators / consuming_iterators_ref (r: std::ops::Range<u32>) -> (usize, usize, Option<u32>) {
        let reader = BufReader::new(Cursor::new(b"a\nb\nc".to_vec()));
        let lines = reader.lines();
        let raw = Cursor::new(vec![1u8, 2]);
        let bytes = raw.bytes();
        let top = r.last();
        later(()).await;
        (lines.count(), bytes.count(), top)
    }
}

#[test]
fn a_method_that_may_return_an_owned_value_is_not_a_borrow() {
    assert_same_at_every_cancel(
        || cell_counter_ref(Rc::new(Cell::new(1))),
        || cell_counter(Rc::new(Cell::new(1))),
    );
    let meter = || Meter { reading: 4 };
    assert_same_at_every_cancel(
        || user_owned_results_ref(meter()),
        || user_owned_results(meter()),
    );
    assert_same_at_every_cancel(
        || consuming_iterators_ref(0..5),
        || consuming_iterators(0..5),
    );
}

#[test]
fn a_shared_cell_counter_counts() {
    let counter = Rc::new(Cell::new(1));
    let (out, _) = ported_common::run(cell_counter(counter.clone()));
    assert_eq!((out, counter.get()), (12, 2));
}

// --- A `let` that binds nothing by value does not move what it reads ---

struct Guard(u32, D);

impl Drop for Guard {
    fn drop(&mut self) {
        log(format!("guard {}", self.0));
    }
}

twin! {
    fn let_wildcard / let_wildcard_ref () -> u32 {
        let g = Guard(1, D("wild"));
        let _ = g;
        let t = Guard(2, D("typed"));
        let _: Guard = t;
        let f = Guard(3, D("field"));
        let _ = f.1;
        let p = (Guard(4, D("paren")), 1);
        let _ = (p);
        later(()).await;
        log("end");
        1
    }
}

twin! {
    fn let_ref_pattern / let_ref_pattern_ref () -> u32 {
        let g = Guard(5, D("inner"));
        let Guard(ref n, _) = g;
        let n = *n;
        let h = Guard(6, D("ref"));
        let ref r = h;
        let m = r.0;
        let k = (Guard(7, D("tuple")), 8);
        let (ref a, 8) = k else { return 0 };
        let a = a.0;
        later(()).await;
        log("end");
        n + m + a
    }
}

twin! {
    fn let_named_still_moves / let_named_still_moves_ref () -> u32 {
        let g = Guard(9, D("named"));
        let _x = g;
        let h = Guard(10, D("moved"));
        let Guard(ref n, _) = h;
        let n = *n;
        drop(h);
        later(()).await;
        log("end");
        n
    }
}

#[test]
fn a_let_that_binds_nothing_by_value_does_not_move() {
    assert_same_at_every_cancel(let_wildcard_ref, let_wildcard);
    assert_same_at_every_cancel(let_ref_pattern_ref, let_ref_pattern);
    assert_same_at_every_cancel(let_named_still_moves_ref, let_named_still_moves);
}
