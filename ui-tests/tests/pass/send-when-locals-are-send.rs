use std::sync::Arc;

#[coro_core::coroutine]
fn work() -> u32 {
    let shared = Arc::new(1);
    core::future::ready(()).await;
    *shared
}

#[coro_core::coroutine]
fn scoped() -> u32 {
    {
        let rc = std::rc::Rc::new(2);
        let _ = *rc;
    }
    core::future::ready(3).await
}

fn assert_send<T: Send>(t: T) -> T {
    t
}

fn main() {
    assert_eq!(coro_core::block_on(assert_send(work())), 1);
    assert_eq!(coro_core::block_on(assert_send(scoped())), 3);
}
