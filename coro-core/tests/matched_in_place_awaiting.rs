//! A local matched in place by an `if let`, `match`, `let … else` or `while let` with an
//! `.await` inside, whose patterns bind nothing by value (`ref` bindings, `_`, literals, paths
//! such as `None`): the lowering reads such a scrutinee on its own, and it is read, not moved,
//! so when it is not read again it still drops at the end of its scope, as in `async fn`, and
//! not at the next suspension. A pattern that binds by value still moves (the last twins).
//! The await-free constructs are in `matched_in_place.rs` (difftest/FINDINGS.md, finding 1).
//! Each body runs against `async fn`, cancelled after every number of polls. Same harness as
//! `drop_flags.rs`.
#![allow(
    unused_assignments,
    clippy::needless_pass_by_value,
    clippy::single_match_else,
    clippy::single_match,
    clippy::unnecessary_wraps,
    clippy::match_single_binding,
    clippy::redundant_pattern_matching,
    clippy::manual_let_else,
    clippy::equatable_if_let
)]

#[macro_use]
mod ported_common;

use ported_common::{D, Numbered, assert_same_at_every_cancel, later, log};

fn consume(d: D) -> u32 {
    log(format!("consume {}", d.0));
    7
}

twin! {
    fn match_awaiting_arm / match_awaiting_arm_ref (o: Option<D>, c: bool) -> u32 {
        let v = later(o).await;
        let r = match v {
            None if c => 1,
            Some(_) => {
                later(()).await;
                2
            }
            _ => 3,
        };
        later(()).await;
        log("after");
        r
    }
}

twin! {
    fn match_ref_awaiting / match_ref_awaiting_ref (o: Option<D>) -> u32 {
        let v = later(o).await;
        match v {
            Some(ref x) => {
                log(format!("saw {}", x.0));
                later(()).await;
            }
            None => log("none"),
        }
        later(()).await;
        log("after");
        1
    }
}

twin! {
    fn match_by_literal_awaiting / match_by_literal_awaiting_ref (n: u32) -> u32 {
        let t = Numbered { n, name: "t" };
        let r = match t {
            Numbered { n: 0, .. } => 10,
            Numbered { n: 1..=5, name: "t" } => {
                later(()).await;
                11
            }
            _ => 12,
        };
        later(()).await;
        log("after");
        r
    }
}

twin! {
    fn if_let_ref_awaiting / if_let_ref_awaiting_ref (o: Option<D>) -> u32 {
        let v = later(o).await;
        if let Some(ref x) = v {
            log(format!("saw {}", x.0));
            later(()).await;
        }
        later(()).await;
        log("after");
        1
    }
}

twin! {
    fn if_let_none_awaiting / if_let_none_awaiting_ref (o: Option<D>) -> u32 {
        let v = later(o).await;
        if let None = v {
            later(()).await;
            log("none");
        } else {
            log("some");
        }
        later(()).await;
        log("after");
        1
    }
}

twin! {
    fn let_else_ref_awaiting / let_else_ref_awaiting_ref (o: Option<D>) -> u32 {
        let v = later(o).await;
        let Some(ref x) = v else {
            later(()).await;
            return 0;
        };
        log(format!("saw {}", x.0));
        later(()).await;
        log("after");
        1
    }
}

twin! {
    fn while_let_ref_awaiting / while_let_ref_awaiting_ref (o: Option<D>) -> u32 {
        let v = later(o).await;
        let mut n = 0;
        while let Some(ref x) = v {
            if n == 2 {
                break;
            }
            log(format!("saw {} {n}", x.0));
            n += 1;
            later(()).await;
        }
        later(()).await;
        log("after");
        n
    }
}

twin! {
    fn matched_then_refilled / matched_then_refilled_ref (o: Option<D>, c: bool) -> u32 {
        let mut v = later(o).await;
        match v {
            Some(ref x) => log(format!("saw {}", x.0)),
            None => log("none"),
        }
        if c {
            v = Some(D("w"));
        }
        later(()).await;
        log("after");
        1
    }
}

twin! {
    fn matched_in_one_branch / matched_in_one_branch_ref (o: Option<D>, c: bool) -> u32 {
        let v = later(o).await;
        if c {
            match v {
                Some(ref x) => log(format!("saw {}", x.0)),
                None => log("none"),
            }
        } else {
            drop(v);
        }
        later(()).await;
        log("after");
        1
    }
}

twin! {
    fn match_by_value_awaiting / match_by_value_awaiting_ref (o: Option<D>) -> u32 {
        let v = later(o).await;
        let r = match v {
            Some(x) => {
                later(()).await;
                consume(x)
            }
            None => 0,
        };
        later(()).await;
        log("after");
        r
    }
}

twin! {
    fn if_let_by_value_awaiting / if_let_by_value_awaiting_ref (o: Option<D>) -> u32 {
        let v = later(o).await;
        if let Some(x) = v {
            later(()).await;
            log(format!("took {}", x.0));
        }
        later(()).await;
        log("after");
        1
    }
}

twin! {
    fn let_else_by_value_awaiting / let_else_by_value_awaiting_ref (o: Option<D>) -> u32 {
        let v = later(o).await;
        let Some(x) = v else {
            later(()).await;
            return 0;
        };
        later(()).await;
        log("after");
        consume(x)
    }
}

#[test]
fn matched_in_place_around_an_await_drops_at_scope_end() {
    for o in [None, Some("o"), Some("p")] {
        let o = || o.map(D);
        for c in [false, true] {
            assert_same_at_every_cancel(
                || match_awaiting_arm_ref(o(), c),
                || match_awaiting_arm(o(), c),
            );
            assert_same_at_every_cancel(
                || matched_then_refilled_ref(o(), c),
                || matched_then_refilled(o(), c),
            );
            assert_same_at_every_cancel(
                || matched_in_one_branch_ref(o(), c),
                || matched_in_one_branch(o(), c),
            );
        }
        assert_same_at_every_cancel(|| match_ref_awaiting_ref(o()), || match_ref_awaiting(o()));
        assert_same_at_every_cancel(|| if_let_ref_awaiting_ref(o()), || if_let_ref_awaiting(o()));
        assert_same_at_every_cancel(
            || if_let_none_awaiting_ref(o()),
            || if_let_none_awaiting(o()),
        );
        assert_same_at_every_cancel(
            || let_else_ref_awaiting_ref(o()),
            || let_else_ref_awaiting(o()),
        );
        assert_same_at_every_cancel(
            || while_let_ref_awaiting_ref(o()),
            || while_let_ref_awaiting(o()),
        );
    }
    for n in [0, 3, 9] {
        assert_same_at_every_cancel(
            || match_by_literal_awaiting_ref(n),
            || match_by_literal_awaiting(n),
        );
    }
}

#[test]
fn bound_by_value_around_an_await_is_still_a_move() {
    for o in [None, Some("o")] {
        let o = || o.map(D);
        assert_same_at_every_cancel(
            || match_by_value_awaiting_ref(o()),
            || match_by_value_awaiting(o()),
        );
        assert_same_at_every_cancel(
            || if_let_by_value_awaiting_ref(o()),
            || if_let_by_value_awaiting(o()),
        );
        assert_same_at_every_cancel(
            || let_else_by_value_awaiting_ref(o()),
            || let_else_by_value_awaiting(o()),
        );
    }
}
