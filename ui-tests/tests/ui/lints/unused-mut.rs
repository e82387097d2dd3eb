// A `mut` that nothing needs is reported on the user's `let`, as in an `async fn`; one that only
// the code after an await needs (`n += ..`) is not.
#![deny(unused_mut)]

use core::future::ready;

#[coro_core::coroutine]
fn count(a: u32) -> u32 {
    let mut n = 0;
    let mut step = ready(a).await;
    n += ready(step).await;
    ready(()).await;
    n
}

fn main() {
    let _ = count(1);
}
