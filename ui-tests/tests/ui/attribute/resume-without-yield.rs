// `resume = T` only makes sense for a generator, which `yield = T` declares.
#[coro_core::coroutine(resume = u32)]
fn work(x: u32) -> u32 {
    core::future::ready(x).await
}

fn main() {}
