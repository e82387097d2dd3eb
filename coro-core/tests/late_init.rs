//! A local declared without a value (`let x;`) and initialised later, on every path, across
//! an `.await`: by branches after an awaiting condition or scrutinee, by a `match` arm that
//! is an awaiting assignment, by a destructuring assignment whose value awaits. Each
//! coroutine returns what its `async fn` twin does; the drop log shows the value dropped
//! once, where the twin drops it.
#![allow(
    clippy::needless_late_init,
    reason = "late initialisation is the shape under test"
)]

use coro_core::block_on;
use std::cell::RefCell;
use std::future::ready;

thread_local! {
    static LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn take_log() -> Vec<String> {
    LOG.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

struct D(&'static str);
impl Drop for D {
    fn drop(&mut self) {
        LOG.with(|l| l.borrow_mut().push(format!("drop {}", self.0)));
    }
}

async fn condition_async(c: bool) -> u32 {
    let x: u32;
    if ready(c).await {
        x = 1;
    } else {
        x = 2;
    }
    x
}
#[coro_core::coroutine]
fn condition(c: bool) -> u32 {
    let x: u32;
    if ready(c).await {
        x = 1;
    } else {
        x = 2;
    }
    x
}

async fn condition_mut_async(c: bool) -> D {
    let mut x;
    if ready(c).await {
        x = D("a");
    } else {
        x = D("b");
    }
    ready(()).await;
    x = D(x.0);
    x
}
#[coro_core::coroutine]
fn condition_mut(c: bool) -> D {
    let mut x;
    if ready(c).await {
        x = D("a");
    } else {
        x = D("b");
    }
    ready(()).await;
    x = D(x.0);
    x
}

async fn scrutinee_async(k: u32) -> &'static str {
    let x: D;
    match ready(k).await {
        0 => {
            x = D("zero");
        }
        _ => {
            x = D("other");
        }
    }
    ready(()).await;
    x.0
}
#[coro_core::coroutine]
fn scrutinee(k: u32) -> &'static str {
    let x: D;
    match ready(k).await {
        0 => {
            x = D("zero");
        }
        _ => {
            x = D("other");
        }
    }
    ready(()).await;
    x.0
}

async fn arm_awaits_async(k: u32) -> String {
    let x: String;
    match k {
        0 => x = ready(String::from("a")).await,
        _ => x = String::from("b"),
    }
    x
}
#[coro_core::coroutine]
fn arm_awaits(k: u32) -> String {
    let x: String;
    match k {
        0 => x = ready(String::from("a")).await,
        _ => x = String::from("b"),
    }
    x
}

async fn after_an_await_async(c: bool) -> u32 {
    let x: u32;
    let z = ready(1).await;
    if c {
        x = 1;
    } else {
        x = 2;
    }
    x + z
}
#[coro_core::coroutine]
fn after_an_await(c: bool) -> u32 {
    let x: u32;
    let z = ready(1).await;
    if c {
        x = 1;
    } else {
        x = 2;
    }
    x + z
}

async fn destructuring_async() -> i32 {
    let a;
    let b;
    (a, b) = (7, ready(8).await);
    a * 10 + b
}
#[coro_core::coroutine]
fn destructuring() -> i32 {
    let a;
    let b;
    (a, b) = (7, ready(8).await);
    a * 10 + b
}

async fn destructuring_nested_async() -> (&'static str, i32) {
    let a: D;
    let b;
    ((a, _), b) = ((D("kept"), D("ignored")), ready(3).await);
    ready(()).await;
    (a.0, b)
}
#[coro_core::coroutine]
fn destructuring_nested() -> (&'static str, i32) {
    let a: D;
    let b;
    ((a, _), b) = ((D("kept"), D("ignored")), ready(3).await);
    ready(()).await;
    (a.0, b)
}

#[test]
fn initialised_by_branches_after_an_await() {
    for c in [true, false] {
        assert_eq!(block_on(condition(c)), block_on(condition_async(c)));
        assert_eq!(
            block_on(after_an_await(c)),
            block_on(after_an_await_async(c))
        );
        let ours = block_on(condition_mut(c)).0;
        let ours_log = take_log();
        let theirs = block_on(condition_mut_async(c)).0;
        assert_eq!(ours, theirs);
        assert_eq!(ours_log, take_log());
    }
    for k in [0, 1] {
        let ours = block_on(scrutinee(k));
        let ours_log = take_log();
        assert_eq!(ours, block_on(scrutinee_async(k)));
        assert_eq!(ours_log, take_log());
        assert_eq!(block_on(arm_awaits(k)), block_on(arm_awaits_async(k)));
    }
}

#[test]
fn initialised_by_a_destructuring_assignment_that_awaits() {
    assert_eq!(block_on(destructuring()), block_on(destructuring_async()));
    assert_eq!(block_on(destructuring_nested()), ("kept", 3));
    let ours = take_log();
    assert_eq!(block_on(destructuring_nested_async()), ("kept", 3));
    assert_eq!(ours, take_log());
    assert_eq!(ours, ["drop ignored", "drop kept"]);
}
