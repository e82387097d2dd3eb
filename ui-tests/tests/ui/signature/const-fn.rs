#[coro_core::coroutine]
const fn answer() -> u32 {
    core::future::ready(42).await
}

fn main() {}
