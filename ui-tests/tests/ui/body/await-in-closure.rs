#[coro_core::coroutine]
fn sum(xs: Vec<u32>) -> u32 {
    xs.into_iter().map(|x| core::future::ready(x).await).sum()
}

fn main() {}
