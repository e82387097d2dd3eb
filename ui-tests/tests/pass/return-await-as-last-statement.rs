// `return fut.await;` as the last statement of the body (was known-bugs/, FINDINGS 1).
#[coro_core::coroutine]
fn add_one(x: u32) -> u32 {
    return core::future::ready(x + 1).await;
}

fn main() {
    assert_eq!(coro_core::block_on(add_one(1)), 2);
}
