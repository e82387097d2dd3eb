// A statement after a `return` is reported where the user wrote it, as in an `async fn`; the
// macro's own code after a branch that never completes (the jump after `panic!`) is not.
#![deny(unreachable_code)]

use core::future::ready;

#[coro_core::coroutine]
fn early(a: u32) -> u32 {
    let x = ready(a).await;
    if x > 9 {
        ready(()).await;
        panic!("too big");
    }
    if x > 5 {
        return 1;
        println!("after return");
    }
    x
}

fn main() {
    let _ = early(1);
}
