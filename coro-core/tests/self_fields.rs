//! A method's `self` is renamed to a hidden local, and an expression that starts with it is
//! written `(__self).f` so that rustc's diagnostics span the whole `self.f`. Reading a field of
//! `self` as a method receiver or an operand of arithmetic, negation or a cast still does not
//! move `self`: it stays whole and drops at the end, as in the `async fn`, however the method
//! is cancelled.
#![allow(
    clippy::cast_lossless,
    clippy::many_single_char_names,
    clippy::needless_pass_by_value,
    clippy::unused_async
)]

#[macro_use]
mod ported_common;

use ported_common::{D, assert_same_at_every_cancel, later, log};

#[derive(Debug)]
struct Inner {
    items: Vec<u32>,
}

#[derive(Debug)]
struct S {
    n: i32,
    flag: bool,
    inner: Inner,
    guard: D,
    tag: (u32, D),
}

fn s() -> S {
    S {
        n: 3,
        flag: true,
        inner: Inner { items: vec![1, 2] },
        guard: D("guard"),
        tag: (7, D("tag")),
    }
}

impl S {
    twin! {
        fn reads / reads_ref (self) -> i64 {
            let a = self.n + 1;
            let b = -self.n;
            let c = self.n as i64;
            let d = !self.flag;
            let e = self.inner.items.len();
            log(format!("{a} {b} {c} {d} {e}"));
            later(()).await;
            let f = later(self.inner.items[1]).await + self.tag.0;
            log(format!("{f} {}", self.guard.0));
            later(()).await;
            log("end");
            c + i64::from(f)
        }
    }
}

#[test]
fn reading_fields_of_self_does_not_move_it() {
    assert_same_at_every_cancel(|| s().reads_ref(), || s().reads());
}
