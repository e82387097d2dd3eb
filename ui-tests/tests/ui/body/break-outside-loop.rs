// rustc's E0267 in an `async fn`: the body is no loop, so nothing is there to leave.
async fn later<T>(value: T) -> T {
    value
}

#[coro_core::coroutine]
fn break_at_the_start() -> u32 {
    break;
}

#[coro_core::coroutine]
fn break_after_an_await() -> u32 {
    if later(true).await {
        break;
    }
    1
}

#[coro_core::coroutine]
fn continue_after_an_await() -> u32 {
    later(()).await;
    continue;
}

#[coro_core::coroutine]
fn continue_without_an_await() -> u32 {
    println!("start");
    continue;
}

#[coro_core::coroutine]
fn continue_in_a_branch() -> u32 {
    if later(true).await {
        continue;
    }
    1
}

fn main() {}
