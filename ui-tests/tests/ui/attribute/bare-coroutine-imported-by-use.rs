use coro_core::coroutine;

#[coroutine]
fn work(x: u32) -> u32 {
    core::future::ready(x).await
}

fn main() {
    let _ = work(1);
}
