#[coro_core::coroutine(async)]
fn work(x: u32) -> u32 {
    core::future::ready(x).await
}

fn main() {}
