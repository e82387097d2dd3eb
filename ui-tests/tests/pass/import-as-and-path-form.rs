use coro_core::coroutine as coro;

#[coro]
fn renamed(x: u32) -> u32 {
    core::future::ready(x).await
}

#[coro_core::coroutine]
fn by_path(x: u32) -> u32 {
    renamed(x).await + 1
}

fn main() {
    assert_eq!(coro_core::block_on(by_path(1)), 2);
}
