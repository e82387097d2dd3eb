// `yield_!` in a coroutine that declares no yield type.
#[coro_core::coroutine]
fn numbers() -> u32 {
    coro_core::yield_!(1);
    core::future::ready(2).await
}

fn main() {
    let _ = numbers();
}
