// `yield` needs the type of the values the generator yields.
#[coro_core::coroutine(yield)]
fn numbers(x: u32) -> u32 {
    core::future::ready(x).await
}

fn main() {}
