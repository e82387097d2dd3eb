#[coro_core::coroutine]
fn work() -> u32 {
    core::future::ready(()).await;
    return "x";
}

fn main() {}
