#[coro_core::coroutine]
fn numbers() -> u32 {
    yield 1;
    core::future::ready(2).await
}

fn main() {}
