#[coro_core::coroutine]
fn work(x: u32) -> Option<u32> {
    let y = core::future::ready(x).await?;
    Some(y)
}

fn main() {}
