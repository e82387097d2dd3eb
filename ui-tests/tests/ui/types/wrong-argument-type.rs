#[coro_core::coroutine]
fn work(x: u32) -> u32 {
    core::future::ready(x).await
}

fn main() {
    let _c = work("one");
}
