#[coro_core::coroutine]
extern "C" fn callback(x: u32) -> u32 {
    core::future::ready(x).await
}

fn main() {}
