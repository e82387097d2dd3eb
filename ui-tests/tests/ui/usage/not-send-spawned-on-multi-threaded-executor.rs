use std::rc::Rc;

#[coro_core::coroutine]
fn work() -> u32 {
    let shared = Rc::new(1);
    core::future::ready(()).await;
    *shared
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let handle = tokio::spawn(work());
    assert_eq!(handle.await.unwrap(), 1);
}
