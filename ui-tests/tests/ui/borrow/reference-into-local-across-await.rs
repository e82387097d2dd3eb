// `&v[0]` is not a plain `&v`, so it is stored across the await rather than rebuilt after it.
#[coro_core::coroutine]
fn first() -> u32 {
    let v = vec![1, 2, 3];
    let head = &v[0];
    core::future::ready(()).await;
    *head
}

fn main() {}
