//! A body whose last statement diverges (a `panic!(..);`, a `return x;`, an `if`/`match` that
//! returns on every branch, a `loop` with no `break`, each followed by `;`) has no value of
//! its own: the coroutine compiles and behaves as its `async fn` twin does.
#![allow(
    clippy::needless_return,
    clippy::redundant_else,
    reason = "a `return` statement ending the body is the shape under test"
)]

use coro_core::block_on;
use std::future::ready;

async fn boom_async(n: i32) -> i32 {
    ready(()).await;
    panic!("bad {n}");
}
#[coro_core::coroutine]
fn boom(n: i32) -> i32 {
    ready(()).await;
    panic!("bad {n}");
}

#[coro_core::coroutine]
fn never_reached(n: i32) -> String {
    let s = format!("{n}");
    ready(()).await;
    if s.is_empty() {
        unreachable!();
    } else {
        todo!("{s}");
    };
}

async fn pick_async(b: bool) -> i32 {
    let x = ready(1).await;
    if b {
        return x;
    } else {
        return 2;
    };
}
#[coro_core::coroutine]
fn pick(b: bool) -> i32 {
    let x = ready(1).await;
    if b {
        return x;
    } else {
        return 2;
    };
}

async fn choose_async(n: u8) -> &'static str {
    ready(()).await;
    match n {
        0 => return "zero",
        1 => {
            return "one";
        }
        _ => unimplemented!("{n}"),
    };
}
#[coro_core::coroutine]
fn choose(n: u8) -> &'static str {
    ready(()).await;
    match n {
        0 => return "zero",
        1 => {
            return "one";
        }
        _ => unimplemented!("{n}"),
    };
}

async fn find_async() -> i32 {
    let x = ready(1).await;
    loop {
        if x > 0 {
            return 7;
        }
    }
}
#[coro_core::coroutine]
fn find() -> i32 {
    let x = ready(1).await;
    loop {
        if x > 0 {
            return 7;
        }
    }
}

async fn count_async(limit: u32) -> u32 {
    let mut n = 0;
    loop {
        n += ready(1).await;
        if n == limit {
            return n * 10;
        }
    }
}
#[coro_core::coroutine]
fn count(limit: u32) -> u32 {
    let mut n = 0;
    loop {
        n += ready(1).await;
        if n == limit {
            return n * 10;
        }
    }
}

#[coro_core::coroutine]
fn awaiting_branches(b: bool) -> i32 {
    if b {
        let x = ready(1).await;
        return x;
    } else {
        ready(()).await;
        panic!("no");
    };
}

#[coro_core::coroutine]
fn give_up() -> ! {
    ready(()).await;
    panic!("gave up");
}

#[coro_core::coroutine]
fn early(b: bool) -> i32 {
    ready(()).await;
    if b {
        return 1;
    }
    return 2;
}

#[test]
fn a_diverging_last_statement_gives_the_body_no_value() {
    assert_eq!(block_on(pick(true)), block_on(pick_async(true)));
    assert_eq!(block_on(pick(false)), block_on(pick_async(false)));
    assert_eq!(block_on(choose(0)), block_on(choose_async(0)));
    assert_eq!(block_on(choose(1)), block_on(choose_async(1)));
    assert_eq!(block_on(find()), block_on(find_async()));
    assert_eq!(block_on(count(3)), block_on(count_async(3)));
    assert_eq!(block_on(awaiting_branches(true)), 1);
    assert_eq!(block_on(early(true)), 1);
    assert_eq!(block_on(early(false)), 2);
}

/// The message a panic carried.
fn message<T>(r: std::thread::Result<T>) -> Option<String> {
    let Err(e) = r else {
        panic!("expected a panic")
    };
    e.downcast_ref::<String>()
        .cloned()
        .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_string()))
}

#[test]
fn a_diverging_macro_panics_as_in_an_async_fn() {
    let ours = message(std::panic::catch_unwind(|| block_on(boom(1))));
    let theirs = message(std::panic::catch_unwind(|| block_on(boom_async(1))));
    assert_eq!(ours, theirs);
    assert_eq!(ours.as_deref(), Some("bad 1"));
    let ours = message(std::panic::catch_unwind(|| block_on(never_reached(4))));
    assert_eq!(ours.as_deref(), Some("not yet implemented: 4"));
    let ours = message(std::panic::catch_unwind(|| block_on(give_up())));
    assert_eq!(ours.as_deref(), Some("gave up"));
    let ours = message(std::panic::catch_unwind(|| block_on(choose(9))));
    let theirs = message(std::panic::catch_unwind(|| block_on(choose_async(9))));
    assert_eq!(ours, theirs);
}
