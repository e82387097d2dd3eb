// A generator that awaits is a `Stream`, which has no return value.
#[coro_core::coroutine(yield = u32)]
fn numbers() -> u32 {
    let x = core::future::ready(1).await;
    coro_core::yield_!(x);
    x
}

fn main() {}
