#[coro_core::coroutine]
fn fib(n: u64) -> u64 {
    if n < 2 {
        return n;
    }
    fib(n - 1).await + fib(n - 2).await
}

fn main() {}
