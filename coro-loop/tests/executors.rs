//! Coroutines are ordinary futures: the same `#[coro_core::coroutine]` fns run on tokio's
//! multi-threaded runtime, on `futures::executor::block_on`, and on coro-loop.

use std::future::Future;
use std::time::Duration;

/// Yields once to whatever executor polls it (a wake-up, then `Ready`).
struct YieldNow(bool);
impl Future for YieldNow {
    type Output = ();
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if self.0 {
            std::task::Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    }
}

#[coro_core::coroutine]
fn sum_to(n: u64) -> u64 {
    let mut total = 0;
    for i in 0..=n {
        YieldNow(false).await;
        total += i;
    }
    total
}

#[coro_core::coroutine]
fn sum_twice(n: u64) -> u64 {
    let a = sum_to(n).await;
    let b = sum_to(n).await;
    a + b
}

fn assert_send<T: Send>(t: T) -> T {
    t
}

#[test]
fn coroutines_run_on_tokio_multi_thread() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap();
    let out = rt.block_on(async {
        // A coroutine holding only `Send` data is `Send`, so it can be spawned onto workers.
        let handles: Vec<_> = (0..8u64)
            .map(|i| tokio::spawn(assert_send(sum_twice(100 + i))))
            .collect();
        let mut out = Vec::new();
        for h in handles {
            out.push(h.await.unwrap());
        }
        // And tokio's own timer works inside them.
        tokio::time::sleep(Duration::from_millis(1)).await;
        out
    });
    let expect: Vec<u64> = (0..8u64).map(|i| (100 + i) * (101 + i)).collect();
    assert_eq!(out, expect);
}

#[test]
fn coro_loop_gather_runs_on_tokio_too() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let out = rt.block_on(rt.spawn(async { coro_loop::gather!(sum_to(10), sum_to(20)).await }));
    assert_eq!(out.unwrap(), (55, 210));
}

#[test]
fn coroutines_run_on_futures_block_on() {
    assert_eq!(futures::executor::block_on(sum_twice(10)), 110);
    let all = futures::executor::block_on(coro_loop::gather_all((1..=4).map(sum_to)));
    assert_eq!(all, [1, 3, 6, 10]);
}

#[test]
fn coroutines_run_on_coro_loop() {
    assert_eq!(coro_loop::run(sum_twice(10)), 110);
}

#[test]
fn a_coro_loop_task_can_be_woken_by_tokio() {
    // The loop's wakers are Send + Sync: a tokio worker completes a oneshot and wakes the loop.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_time()
        .build()
        .unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel();
    rt.spawn(async move {
        tokio::time::sleep(Duration::from_millis(10)).await;
        tx.send(42).unwrap();
    });
    let lp = coro_loop::EventLoop::builder().virtual_clock(false).build();
    assert_eq!(lp.run_until_complete(async { rx.await.unwrap() }), 42);
}

// asyncio.Queue's producer/consumer, with tokio's channel on coro-loop: tokio's
// synchronisation types need only wakers, not a tokio runtime.
#[coro_core::coroutine]
fn produce(tx: tokio::sync::mpsc::Sender<u32>, n: u32) {
    let mut tx = tx;
    for i in 0..n {
        tx = send(tx, i).await;
        coro_loop::sleep(Duration::from_millis(1)).await;
    }
}

/// `tx.send(v)` borrows `tx`, which a coroutine cannot keep beside the future (README, "Where
/// Rust differs"): an `async` fn takes it and hands it back.
async fn send(tx: tokio::sync::mpsc::Sender<u32>, v: u32) -> tokio::sync::mpsc::Sender<u32> {
    tx.send(v).await.expect("the consumer is alive");
    tx
}

#[coro_core::coroutine]
fn consume(rx: tokio::sync::mpsc::Receiver<u32>) -> u32 {
    let mut rx = rx;
    let mut total = 0;
    loop {
        let (item, back) = receive(rx).await;
        rx = back;
        match item {
            Some(v) => total += v,
            None => break,
        }
    }
    total
}

/// As `send`, for `rx.recv()`.
async fn receive(
    mut rx: tokio::sync::mpsc::Receiver<u32>,
) -> (Option<u32>, tokio::sync::mpsc::Receiver<u32>) {
    (rx.recv().await, rx)
}

#[test]
fn tokio_channels_work_on_coro_loop() {
    let lp = coro_loop::EventLoop::builder().virtual_clock(true).build();
    let (tx, rx) = tokio::sync::mpsc::channel(2);
    let producer = lp.create_task(produce(tx, 5));
    assert_eq!(lp.run_until_complete(consume(rx)), 10);
    assert!(producer.done());
}
