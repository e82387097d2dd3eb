//! The trybuild suite of `#[coro_core::coroutine]`.
//!
//! `tests/ui/<topic>/<case>.rs` must fail to compile with exactly the diagnostics in the
//! `.stderr` beside it; `tests/pass/*.rs` must compile and run. The snapshots are pinned to
//! the toolchain named in `ui-tests/README.md`; regenerate them with
//! `TRYBUILD=overwrite cargo test -p ui-tests` and review every changed `.stderr`.

/// The topics that run. A directory for a feature that does not exist yet can sit beside them
/// as `pending-<feature>`: it is not run until it is added here.
const TOPICS: &[&str] = &[
    "attribute",
    "body",
    "borrow",
    "generators",
    "known-bugs",
    "lints",
    "recursion",
    "signature",
    "types",
    "usage",
];

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    for topic in TOPICS {
        t.compile_fail(format!("tests/ui/{topic}/*.rs"));
    }
    t.pass("tests/pass/**/*.rs");
}

/// Every topic directory is either run or deliberately pending, so a new one is not skipped.
#[test]
fn every_topic_is_listed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            TOPICS.contains(&name.as_str()) || name.starts_with("pending-"),
            "tests/ui/{name} is neither run nor pending: add it to TOPICS in tests/ui.rs"
        );
    }
}
