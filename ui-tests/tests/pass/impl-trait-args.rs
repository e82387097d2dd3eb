use core::future::Future;

#[coro_core::coroutine]
fn sum_all(xs: impl IntoIterator<Item = u32>, fut: impl Future<Output = u32>) -> u32 {
    let extra = fut.await;
    xs.into_iter().sum::<u32>() + extra
}

fn main() {
    let out = coro_core::block_on(sum_all(vec![1, 2, 3], core::future::ready(4)));
    assert_eq!(out, 10);
}
