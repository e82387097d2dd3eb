// Two mistakes in one signature: both are reported, nothing else.
#[coro_core::coroutine]
const async fn answer() -> u32 {
    core::future::ready(42).await
}

fn main() {
    let _ = answer();
}
