#[coro_core::coroutine]
fn work(s: &str) -> u32 {
    let n: u32 = s.parse()?;
    core::future::ready(n).await
}

fn main() {}
