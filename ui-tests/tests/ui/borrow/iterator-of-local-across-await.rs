#[coro_core::coroutine]
fn count(x: core::future::Ready<()>) -> usize {
    let v = vec![1];
    let it = v.iter();
    x.await;
    it.count()
}

fn main() {}
