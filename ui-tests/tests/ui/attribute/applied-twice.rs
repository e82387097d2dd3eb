#[coro_core::coroutine]
#[coro_core::coroutine]
fn work() -> u32 {
    core::future::ready(1).await
}

fn main() {
    // The stub beside the error keeps callers type-checking: no second error here.
    let _: u32 = coro_core::block_on(work());
}
