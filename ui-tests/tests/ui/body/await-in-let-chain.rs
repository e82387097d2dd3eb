#[coro_core::coroutine]
fn check(x: Option<u32>) -> bool {
    if let Some(n) = x
        && core::future::ready(n > 1).await
    {
        return true;
    }
    false
}

fn main() {}
