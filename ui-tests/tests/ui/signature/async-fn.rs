#[coro_core::coroutine]
async fn fetch(x: u32) -> u32 {
    core::future::ready(x).await
}

fn main() {}
