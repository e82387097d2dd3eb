// A method whose result borrows its receiver whatever the receiver's type (`first`,
// `get_mut`, `as_slice`, `trim`, ...) is still recognised; one that may return an owned
// value (`Cell::get`, `Iterator::last`) is left to rustc.
#[coro_core::coroutine]
fn head() -> u32 {
    let v = vec![1, 2, 3];
    let first = v.first();
    core::future::ready(()).await;
    first.copied().unwrap_or(0)
}

fn main() {}
