#[coro_core::coroutine]
fn work() -> u32 {
    let a: u32 = core::future::ready(1).await;
    let b: String = a;
    b.len() as u32
}

fn main() {}
