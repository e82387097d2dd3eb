#![deny(unused_must_use)]

#[coro_core::coroutine(boxed)]
fn work() -> u32 {
    core::future::ready(1).await
}

fn main() {
    work();
}
