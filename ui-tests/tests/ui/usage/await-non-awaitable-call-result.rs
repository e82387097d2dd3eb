// Awaiting the result of an ordinary (non-async) function.
fn number(x: u32) -> u32 {
    x
}

#[coro_core::coroutine]
fn work() -> u32 {
    number(1).await + 1
}

fn main() {}
