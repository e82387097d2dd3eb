#![deny(missing_docs, dead_code)]
//! Doc comments and other attributes on a coroutine stay on the generated function.

/// Adds one, later.
///
/// ```ignore
/// assert_eq!(block_on(add_one(1)), 2);
/// ```
#[coro_core::coroutine]
#[inline]
#[allow(clippy::let_and_return)]
pub fn add_one(x: u32) -> u32 {
    let y = core::future::ready(x + 1).await;
    y
}

/// Unused on purpose: `#[allow(dead_code)]` must reach the generated function.
#[coro_core::coroutine]
#[allow(dead_code)]
fn unused() {
    core::future::ready(()).await;
}

/// A user-written `#[must_use]` replaces the default message.
#[coro_core::coroutine]
#[must_use = "the answer matters"]
pub fn answer() -> u32 {
    core::future::ready(42).await
}

#[cfg(any())]
#[coro_core::coroutine]
fn cfgd_out() -> u32 {
    this_does_not_exist().await
}

fn main() {
    assert_eq!(coro_core::block_on(add_one(1)), 2);
    assert_eq!(coro_core::block_on(answer()), 42);
}
