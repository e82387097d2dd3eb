// A coroutine function nobody calls is reported as dead code, as a plain `fn` or an `async fn`
// is.
#![deny(dead_code)]

use core::future::ready;

#[coro_core::coroutine]
fn never_called(a: u32) -> u32 {
    ready(a).await
}

fn main() {}
