//! A local matched by an `if let`, `while let`, `match`, `let … else` or `matches!` whose
//! patterns bind nothing by value (`ref` bindings, `_`, `..`, literals, ranges, paths such as
//! `None`) is matched in place: it is read, not moved, so when it is not read again it still
//! drops at the end of its scope, as in `async fn`, and not at the next suspension. A pattern
//! that binds by value still moves (the last twins). The constructs here have no `.await`
//! inside; those that await are in `matched_in_place_awaiting.rs` (difftest/FINDINGS.md,
//! finding 1). Each body runs against `async fn`, cancelled after every number of polls. Same
//! harness as `drop_flags.rs`.
#![allow(
    clippy::needless_pass_by_value,
    clippy::single_match_else,
    clippy::single_match,
    clippy::unnecessary_wraps,
    clippy::match_single_binding,
    clippy::redundant_pattern_matching,
    clippy::match_like_matches_macro,
    clippy::manual_let_else,
    clippy::equatable_if_let
)]

#[macro_use]
mod ported_common;

use ported_common::{D, Numbered, assert_same_at_every_cancel, later, log};

/// A unit struct with drop glue, matched by its name (`Err(Mark)`).
struct Mark;

impl Drop for Mark {
    fn drop(&mut self) {
        log("drop mark");
    }
}

twin! {
    fn if_let_ref / if_let_ref_ref (o: Option<D>) -> u32 {
        let v = later(o).await;
        if let Some(ref x) = v {
            log(format!("saw {}", x.0));
        }
        later(()).await;
        log("after");
        1
    }
}

twin! {
    fn match_ref / match_ref_ref (o: Option<D>) -> u32 {
        let v = later(o).await;
        match v {
            Some(ref x) => log(format!("saw {}", x.0)),
            None => log("none"),
        }
        later(()).await;
        log("after");
        1
    }
}

twin! {
    fn match_ref_with_a_guard / match_ref_with_a_guard_ref (o: Option<D>) -> u32 {
        let v = later(o).await;
        match v {
            Some(ref x) if x.0 == "o" => log(format!("saw {}", x.0)),
            _ => log("other"),
        }
        later(()).await;
        log("after");
        1
    }
}

twin! {
    fn match_by_literal / match_by_literal_ref (n: u32) -> u32 {
        let t = Numbered { n, name: "t" };
        let r = match t {
            Numbered { n: 0, .. } => 10,
            Numbered { n: 1..=5, name: "t" } => 11,
            _ => 12,
        };
        later(()).await;
        log("after");
        r
    }
}

twin! {
    fn match_a_field / match_a_field_ref (o: Option<D>) -> u32 {
        let p = (D("p"), o);
        match p.1 {
            Some(ref x) => log(format!("saw {}", x.0)),
            None => {}
        }
        later(()).await;
        log("after");
        1
    }
}

twin! {
    fn if_let_none / if_let_none_ref (o: Option<D>) -> u32 {
        let v = later(o).await;
        if let None = v {
            log("none");
        }
        later(()).await;
        log("after");
        1
    }
}

twin! {
    fn let_else_unit / let_else_unit_ref (ok: bool) -> u32 {
        let r: Result<D, Mark> = if ok { Ok(D("r")) } else { Err(Mark) };
        let Err(Mark) = r else {
            log("ok");
            return 0;
        };
        later(()).await;
        log("after");
        1
    }
}

twin! {
    fn matches_macro / matches_macro_ref (o: Option<D>) -> u32 {
        let v = later(o).await;
        let some = matches!(v, Some(D("o")) | None if true);
        later(()).await;
        log(format!("after {some}"));
        1
    }
}

twin! {
    fn while_let_ref / while_let_ref_ref (o: Option<D>) -> u32 {
        let v = later(o).await;
        let mut n = 0;
        while let Some(ref x) = v {
            if n == 2 {
                break;
            }
            log(format!("saw {} {n}", x.0));
            n += 1;
        }
        later(()).await;
        log("after");
        n
    }
}

twin! {
    fn if_let_by_value / if_let_by_value_ref (o: Option<D>) -> u32 {
        let v = later(o).await;
        if let Some(x) = v {
            log(format!("took {}", x.0));
        }
        later(()).await;
        log("after");
        1
    }
}

twin! {
    fn match_by_value / match_by_value_ref (o: Option<D>) -> u32 {
        let v = later(o).await;
        match v {
            x => log(format!("took {}", x.is_some())),
        }
        later(()).await;
        log("after");
        1
    }
}

#[test]
fn matched_in_place_drops_at_scope_end() {
    for o in [None, Some("o"), Some("p")] {
        let o = || o.map(D);
        assert_same_at_every_cancel(|| if_let_ref_ref(o()), || if_let_ref(o()));
        assert_same_at_every_cancel(|| match_ref_ref(o()), || match_ref(o()));
        assert_same_at_every_cancel(
            || match_ref_with_a_guard_ref(o()),
            || match_ref_with_a_guard(o()),
        );
        assert_same_at_every_cancel(|| match_a_field_ref(o()), || match_a_field(o()));
        assert_same_at_every_cancel(|| if_let_none_ref(o()), || if_let_none(o()));
        assert_same_at_every_cancel(|| matches_macro_ref(o()), || matches_macro(o()));
        assert_same_at_every_cancel(|| while_let_ref_ref(o()), || while_let_ref(o()));
    }
    for ok in [false, true] {
        assert_same_at_every_cancel(|| let_else_unit_ref(ok), || let_else_unit(ok));
    }
    for n in [0, 3, 9] {
        assert_same_at_every_cancel(|| match_by_literal_ref(n), || match_by_literal(n));
    }
}

#[test]
fn bound_by_value_is_still_a_move() {
    for o in [None, Some("o")] {
        let o = || o.map(D);
        assert_same_at_every_cancel(|| if_let_by_value_ref(o()), || if_let_by_value(o()));
        assert_same_at_every_cancel(|| match_by_value_ref(o()), || match_by_value(o()));
    }
}
