#[coro_core::coroutine]
fn total(xs: &[u32]) -> u32 {
    core::future::ready(()).await;
    xs.iter().sum()
}

#[coro_core::coroutine]
fn outer() -> u32 {
    let v = vec![1, 2, 3];
    total(&v).await
}

fn main() {}
