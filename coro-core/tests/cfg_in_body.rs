//! `#[cfg]` where the macro copies the code verbatim (an await-free statement, an await-free
//! `match`, a closure, an `async` block) is evaluated by rustc after the macro, as usual.
//! Where the macro would lose it, it is a compile error (`ui-tests/tests/ui/body/cfg-*.rs`).

use coro_core::block_on;
use std::cell::RefCell;
use std::future::ready;

thread_local! {
    static LOG: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

fn log(line: &'static str) {
    LOG.with(|l| l.borrow_mut().push(line));
}

fn take() -> Vec<&'static str> {
    LOG.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

// Short names keep the configured lines readable (clippy says the same of the `async fn`).
#[allow(clippy::many_single_char_names)]
#[coro_core::coroutine]
fn configured(v: Option<u32>) -> u32 {
    #[cfg(any())]
    log("before, configured out");
    #[cfg(not(any()))]
    log("before, configured in");
    let a = ready(1).await;
    #[cfg(any())]
    log("after, configured out");
    if a > 0 {
        #[cfg(any())]
        log("in an awaiting if, configured out");
        ready(()).await;
        #[cfg(not(any()))]
        log("in an awaiting if, configured in");
    }
    // This `match` does not await: rustc configures its arms.
    let m = match v {
        #[cfg(any())]
        Some(0) => 100,
        Some(n) => n,
        None => 0,
    };
    let f = || {
        #[cfg(any())]
        return 1000;
        #[allow(unreachable_code)]
        10
    };
    let b = async {
        #[cfg(any())]
        log("in an async block, configured out");
        ready(20).await
    }
    .await;
    a + m + f() + b
}

#[test]
fn cfg_on_await_free_code_is_honoured() {
    assert_eq!(block_on(configured(Some(0))), 31);
    assert_eq!(
        take(),
        ["before, configured in", "in an awaiting if, configured in"]
    );
}
