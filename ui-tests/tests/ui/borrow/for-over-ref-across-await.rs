#[coro_core::coroutine]
fn total() -> u32 {
    let v = vec![1, 2, 3];
    let mut sum = 0;
    for x in &v {
        sum += core::future::ready(*x).await;
    }
    sum
}

fn main() {}
