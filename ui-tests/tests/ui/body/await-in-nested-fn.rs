#[coro_core::coroutine]
fn outer(x: u32) -> u32 {
    fn inner(x: u32) -> u32 {
        core::future::ready(x).await
    }
    inner(x)
}

fn main() {}
