// An assignment whose value nothing reads is reported on the user's assignment, as in an
// `async fn`, also after an await.
#![deny(unused_assignments)]

use core::future::ready;

#[coro_core::coroutine]
fn last(a: u32) -> u32 {
    let mut x = ready(a).await;
    let y = x;
    ready(()).await;
    x = y + 1;
    y
}

fn main() {
    let _ = last(1);
}
