//! Every example prints exactly what its Python twin printed under `CPython` 3.11
//! (`expected/NAME.out`), except for the address in `<coroutine object … at 0x…>`.
//!
//! The examples run under the virtual clock (`CORO_LOOP_CLOCK=virtual`), so the ones that sleep
//! for seconds finish at once.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const EXAMPLES: [&str; 8] = [
    "hello",
    "coroutine_object",
    "iscoroutinefunction",
    "await_task",
    "gather_evens_odds",
    "gather_numbers_letters",
    "loop_evens_odds",
    "loop_all_tasks",
];

/// `target/<profile>/examples`, next to `target/<profile>/deps` where this test runs from.
fn examples_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    exe.parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>")
        .join("examples")
}

/// Builds the examples if `cargo test` did not (for instance under `--test seed_outputs`).
fn ensure_built(dir: &Path) {
    if EXAMPLES.iter().all(|name| dir.join(name).exists()) {
        return;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--examples", "-p", "coro-examples"]);
    if !cfg!(debug_assertions) {
        cmd.arg("--release");
    }
    let status = cmd.status().expect("run cargo build --examples");
    assert!(status.success(), "building the examples failed");
}

/// Replaces every `0x` followed by hex digits with `0x…`.
fn mask_addresses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("0x") {
        out.push_str(&rest[..pos]);
        out.push_str("0x…");
        let after = &rest[pos + 2..];
        let digits = after
            .find(|c: char| !c.is_ascii_hexdigit())
            .unwrap_or(after.len());
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

fn expected(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("expected")
        .join(format!("{name}.out"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn examples_print_what_python_printed() {
    let dir = examples_dir();
    ensure_built(&dir);
    let mut failures = Vec::new();
    for name in EXAMPLES {
        let start = Instant::now();
        let out = Command::new(dir.join(name))
            .env("CORO_LOOP_CLOCK", "virtual")
            .output()
            .unwrap_or_else(|e| panic!("run example {name}: {e}"));
        let took = start.elapsed();
        assert!(out.status.success(), "example {name} failed: {out:?}");
        let got = mask_addresses(&String::from_utf8_lossy(&out.stdout));
        let want = mask_addresses(&expected(name));
        if got != want {
            failures.push(format!("{name}:\n--- expected\n{want}--- got\n{got}"));
        }
        assert!(
            took < Duration::from_millis(400),
            "example {name} took {took:?} under the virtual clock"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn masking_hides_only_the_address() {
    assert_eq!(
        mask_addresses("<coroutine object func at 0x7f594bd86770>\n10\n"),
        "<coroutine object func at 0x…>\n10\n"
    );
}
