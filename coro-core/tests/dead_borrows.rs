//! A binding that certainly is a reference (a `ref` binding, a binding of a pattern matched
//! against `&v`, `v.as_ref()` or `v.first()`, one of a borrowed awaited value, a `let` of
//! `&v[i]` or `v.first()`) and is dead at a suspension is not stored there: storing it beside
//! the local it borrows could not compile, and it has no drop glue, so not keeping it to its
//! scope's end changes nothing. Each shape compiles and behaves as `async fn`, cancelled after
//! every number of polls. (Where the pattern matches `v` itself or `v` is a method's
//! receiver, `v` counts as possibly moved and drops at the suspension when dead, so those
//! tests read it after the await.) Same harness as `drop_flags.rs`.
#![allow(
    clippy::needless_pass_by_value,
    clippy::single_match_else,
    clippy::single_match,
    clippy::unnecessary_wraps,
    clippy::match_single_binding
)]

#[macro_use]
mod ported_common;

use ported_common::{D, assert_same_at_every_cancel, later, log};

fn some(name: &'static str) -> Option<D> {
    Some(D(name))
}

twin! {
    fn if_let_on_a_borrow / if_let_on_a_borrow_ref (o: Option<D>) -> u32 {
        let v = later(o).await;
        if let Some(x) = &v {
            log(format!("saw {}", x.0));
            later(()).await;
        }
        log("after");
        1
    }
}

twin! {
    fn match_on_a_borrow / match_on_a_borrow_ref (o: Option<D>) -> u32 {
        let v = later(o).await;
        match &v {
            Some(x) => {
                log(format!("saw {}", x.0));
                later(()).await;
            }
            None => {}
        }
        log("after");
        1
    }
}

twin! {
    fn ref_binding / ref_binding_ref (o: Option<D>) -> u32 {
        let v = later(o).await;
        if let Some(ref x) = v {
            log(format!("saw {}", x.0));
            later(()).await;
        }
        log(format!("after {}", v.is_some()));
        1
    }
}

twin! {
    fn through_as_ref / through_as_ref_ref (o: Option<D>) -> u32 {
        let v = later(o).await;
        if let Some(x) = v.as_ref() {
            log(format!("saw {}", x.0));
            later(()).await;
        }
        log(format!("after {}", v.is_some()));
        1
    }
}

twin! {
    fn through_first / through_first_ref (n: usize) -> u32 {
        let v: Vec<D> = [D("a"), D("b")].into_iter().take(n).collect();
        later(()).await;
        match v.first() {
            Some(x) => {
                log(format!("saw {}", x.0));
                later(()).await;
            }
            None => log("empty"),
        }
        log(format!("after {}", v.len()));
        1
    }
}

twin! {
    fn let_else_on_a_borrow / let_else_on_a_borrow_ref (o: Option<D>) -> u32 {
        let v = later(o).await;
        let Some(x) = &v else { return 0 };
        log(format!("saw {}", x.0));
        later(()).await;
        log("after");
        1
    }
}

twin! {
    fn match_on_a_borrowed_await / match_on_a_borrowed_await_ref () -> u32 {
        match &later(D("s")).await {
            d => {
                log(format!("saw {}", d.0));
                later(()).await;
                2
            }
        }
    }
}

twin! {
    fn if_let_on_a_borrowed_await / if_let_on_a_borrowed_await_ref (name: &'static str) -> u32 {
        if let Some(d) = &later(some(name)).await {
            log(format!("saw {}", d.0));
            later(()).await;
        }
        log("after");
        3
    }
}

twin! {
    fn through_a_mutable_borrow / through_a_mutable_borrow_ref (o: Option<D>) -> u32 {
        let mut v = later(o).await;
        if let Some(x) = &mut v {
            x.0 = "changed";
            later(()).await;
        }
        log("after");
        1
    }
}

twin! {
    fn let_of_a_first / let_of_a_first_ref (n: usize) -> u32 {
        let v: Vec<D> = [D("a"), D("b")].into_iter().take(n).collect();
        later(()).await;
        let h = v.first();
        log(format!("head {h:?}"));
        later(()).await;
        log(format!("after {}", v.len()));
        1
    }
}

twin! {
    fn reference_given_a_new_value / reference_given_a_new_value_ref () -> u32 {
        let v = vec![D("a"), D("b")];
        let mut h = &v[0];
        log(format!("head {}", h.0));
        later(()).await;
        h = &v[1];
        log(format!("then {}", h.0));
        later(()).await;
        1
    }
}

#[test]
fn dead_references_are_not_stored() {
    for o in [None, Some("o")] {
        let o = || o.map(D);
        assert_same_at_every_cancel(|| if_let_on_a_borrow_ref(o()), || if_let_on_a_borrow(o()));
        assert_same_at_every_cancel(|| match_on_a_borrow_ref(o()), || match_on_a_borrow(o()));
        assert_same_at_every_cancel(|| ref_binding_ref(o()), || ref_binding(o()));
        assert_same_at_every_cancel(
            || through_a_mutable_borrow_ref(o()),
            || through_a_mutable_borrow(o()),
        );
        assert_same_at_every_cancel(|| through_as_ref_ref(o()), || through_as_ref(o()));
        assert_same_at_every_cancel(
            || let_else_on_a_borrow_ref(o()),
            || let_else_on_a_borrow(o()),
        );
    }
    for n in 0..3 {
        assert_same_at_every_cancel(|| through_first_ref(n), || through_first(n));
        assert_same_at_every_cancel(|| let_of_a_first_ref(n), || let_of_a_first(n));
    }
    assert_same_at_every_cancel(reference_given_a_new_value_ref, reference_given_a_new_value);
}

#[test]
fn dead_references_to_an_awaited_value_are_not_stored() {
    assert_same_at_every_cancel(match_on_a_borrowed_await_ref, match_on_a_borrowed_await);
    assert_same_at_every_cancel(
        || if_let_on_a_borrowed_await_ref("s"),
        || if_let_on_a_borrowed_await("s"),
    );
}

fn keep(d: &D) {
    log(format!("keep {}", d.0));
}

twin! {
    fn passed_on_some_branches / passed_on_some_branches_ref (o: Option<D>, c: bool) -> u32 {
        let v = later(o).await;
        if let Some(x) = &v {
            if c {
                keep(x);
            }
            later(()).await;
        }
        log("after");
        1
    }
}

#[test]
fn a_reference_passed_on_some_branches() {
    for c in [false, true] {
        let o = || Some(D("o"));
        assert_same_at_every_cancel(
            || passed_on_some_branches_ref(o(), c),
            || passed_on_some_branches(o(), c),
        );
    }
}
