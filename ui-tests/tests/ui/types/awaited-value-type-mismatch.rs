#[coro_core::coroutine]
fn inner() -> u32 {
    1
}

#[coro_core::coroutine]
fn outer() -> usize {
    let z: String = inner().await;
    z.len()
}

#[coro_core::coroutine]
fn tail() -> String {
    inner().await
}

fn main() {}
