// A local the body never reads is reported where the user wrote it, as in an `async fn`; the
// macro's own copies of the locals it keeps across the await are not.
#![deny(unused_variables)]

use core::future::ready;

#[coro_core::coroutine]
fn total(a: u32) -> u32 {
    let kept = ready(a).await;
    let doubled = kept * 2;
    ready(()).await;
    let unused = kept + 1;
    doubled
}

fn main() {
    let _ = total(1);
}
