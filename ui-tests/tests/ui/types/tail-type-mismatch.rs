#[coro_core::coroutine]
fn work() -> u32 {
    let s = core::future::ready("x").await;
    s
}

fn main() {}
