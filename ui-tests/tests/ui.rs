//! The trybuild suite of `#[coro_core::coroutine]`.
//!
//! `tests/ui/<topic>/<case>.rs` must fail to compile with exactly the diagnostics in the
//! `.stderr` beside it; `tests/pass/*.rs` must compile and run. The snapshots are pinned to
//! the toolchain named in `ui-tests/README.md`; regenerate them with
//! `TRYBUILD=overwrite cargo test -p ui-tests` and review every changed `.stderr`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/**/*.rs");
    t.pass("tests/pass/**/*.rs");
}
