#![allow(dead_code)]

// Shadow the names the expansion could accidentally pick up from the call site.
mod core {}
mod std {}
mod coro_core {}
struct Poll;
struct Pin;
struct Frame;
struct Box;

#[::coro_core::coroutine]
fn work(state: u32, cx: u32) -> u32 {
    let step = ::core::future::ready(state).await;
    let __aw0 = ::core::future::ready(cx).await;
    step + __aw0
}

#[::coro_core::coroutine(boxed)]
fn countdown(n: u32) -> u32 {
    if n == 0 {
        return 0;
    }
    countdown(n - 1).await + 1
}

fn main() {
    assert_eq!(::coro_core::block_on(work(1, 2)), 3);
    assert_eq!(::coro_core::block_on(countdown(3)), 3);
}
