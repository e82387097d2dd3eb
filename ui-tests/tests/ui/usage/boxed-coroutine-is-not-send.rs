#[coro_core::coroutine(boxed)]
fn fib(n: u64) -> u64 {
    if n < 2 {
        return n;
    }
    fib(n - 1).await + fib(n - 2).await
}

fn assert_send<T: Send>(_: T) {}

fn main() {
    assert_send(fib(3));
}
