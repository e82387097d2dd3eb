// A generator that awaits is a `Stream`, and a stream cannot be sent values.
#[coro_core::coroutine(yield = u32, resume = u32)]
fn numbers() {
    let x = core::future::ready(1).await;
    coro_core::yield_!(x);
}

fn main() {}
