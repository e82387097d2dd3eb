//! `dbg!` with an `.await` in its argument prints the argument as written, as it does in an
//! `async fn`, not the macro's temporary (`__aw1 = 1`). The test runs itself again in a child
//! process to read what `dbg!` writes to stderr.

use std::process::Command;

struct Counter {
    n: u32,
}

impl Counter {
    #[coro_core::coroutine]
    fn lowered(&self) -> u32 {
        dbg!(core::future::ready(self.n).await);
        let pair = dbg!(core::future::ready(1).await * 10, "a, b",);
        let spread = dbg!(
            core::future::ready(3) // a comment
                .await
        );
        dbg!(pair.0) + dbg!(core::future::ready(2).await) + spread
    }

    async fn reference(&self) -> u32 {
        dbg!(core::future::ready(self.n).await);
        let pair = dbg!(core::future::ready(1).await * 10, "a, b",);
        let spread = dbg!(
            core::future::ready(3) // a comment
                .await
        );
        dbg!(pair.0) + dbg!(core::future::ready(2).await) + spread
    }
}

const CHILD: &str = "CORO_DBG_TEXT_CHILD";

/// What `dbg!` printed, without the `[file:line:col]` prefixes, which differ between the twins.
fn texts(stderr: &str, marker: &str) -> Vec<String> {
    stderr
        .split(marker)
        .nth(1)
        .unwrap_or_default()
        .lines()
        .take_while(|l| !l.starts_with("---"))
        .filter_map(|l| l.split_once("] ").map(|(_, text)| text.to_owned()))
        .collect()
}

#[test]
#[cfg_attr(
    miri,
    ignore = "runs itself again as a child process, which Miri cannot start"
)]
fn dbg_prints_the_awaited_expression_as_written() {
    if std::env::var_os(CHILD).is_some() {
        let counter = Counter { n: 5 };
        eprintln!("--- lowered");
        assert_eq!(coro_core::block_on(counter.lowered()), 15);
        eprintln!("--- reference");
        assert_eq!(coro_core::block_on(counter.reference()), 15);
        eprintln!("---");
        return;
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "dbg_prints_the_awaited_expression_as_written",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    let (lowered, reference) = (
        texts(&stderr, "--- lowered\n"),
        texts(&stderr, "--- reference\n"),
    );
    assert_eq!(
        lowered,
        [
            "core::future::ready(self.n).await = 5",
            "core::future::ready(1).await * 10 = 10",
            "\"a, b\" = \"a, b\"",
            "core::future::ready(3).await = 3",
            "pair.0 = 10",
            "core::future::ready(2).await = 2",
        ]
    );
    assert_eq!(lowered, reference);
}

#[coro_core::coroutine]
fn lowered_assert(n: u32) {
    assert!(core::future::ready(n).await == 2);
}

async fn reference_assert(n: u32) {
    assert!(core::future::ready(n).await == 2);
}

#[coro_core::coroutine]
fn lowered_debug_assert(n: u32) {
    debug_assert!(core::future::ready(n).await > 5);
}

async fn reference_debug_assert(n: u32) {
    debug_assert!(core::future::ready(n).await > 5);
}

/// The panic message of `f`, which must panic.
fn panic_message(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
    let payload = std::panic::catch_unwind(f).expect_err("must panic");
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(p) => p.downcast::<&str>().map(|s| s.to_string()).unwrap(),
    }
}

/// `assert!(cond)` without a message prints the condition's text: the same with an `.await`
/// in it as in an `async fn`, not the macro's temporary.
#[test]
fn a_failed_assert_prints_the_condition_as_written() {
    let lowered = panic_message(|| coro_core::block_on(lowered_assert(1)));
    let reference = panic_message(|| coro_core::block_on(reference_assert(1)));
    assert_eq!(lowered, reference);
    assert_eq!(
        lowered,
        "assertion failed: core::future::ready(n).await == 2"
    );
    coro_core::block_on(lowered_assert(2));
    if cfg!(debug_assertions) {
        let lowered = panic_message(|| coro_core::block_on(lowered_debug_assert(1)));
        let reference = panic_message(|| coro_core::block_on(reference_debug_assert(1)));
        assert_eq!(lowered, reference);
    }
    coro_core::block_on(lowered_debug_assert(9));
}
