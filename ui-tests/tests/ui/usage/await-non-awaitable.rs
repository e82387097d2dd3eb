#[coro_core::coroutine]
fn work() -> u32 {
    let x: u32 = 1;
    x.await
}

fn main() {}
