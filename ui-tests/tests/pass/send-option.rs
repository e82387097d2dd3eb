// `send` declares the coroutine object `Send`: with `boxed`, recursion works on a
// multi-threaded executor.
#[coro_core::coroutine(boxed, send)]
fn fib(n: u64) -> u64 {
    if n < 2 {
        return n;
    }
    fib(n - 1).await + fib(n - 2).await
}

#[coro_core::coroutine(send)]
fn total(names: Vec<String>) -> usize {
    let mut sum = 0;
    for name in names {
        sum += fib(name.len() as u64).await as usize;
    }
    sum
}

// Generators take it too.
#[coro_core::coroutine(yield = u64, send)]
fn countdown(from: u64) {
    for n in (1..=from).rev() {
        coro_core::yield_!(n);
    }
}

fn assert_send<T: Send>(value: T) -> T {
    value
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    assert_eq!(tokio::spawn(fib(10)).await.unwrap(), 55);
    let names = vec!["ab".to_string(), "abcd".to_string()];
    assert_eq!(tokio::spawn(total(names)).await.unwrap(), 1 + 3);
    let down: Vec<u64> = assert_send(countdown(3)).collect();
    assert_eq!(down, [3, 2, 1]);
}
