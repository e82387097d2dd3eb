// `boxed` exists for recursion; a generator is boxed at the call site instead.
#[coro_core::coroutine(boxed, yield = u32)]
fn numbers(x: u32) -> u32 {
    core::future::ready(x).await
}

fn main() {}
