use std::rc::Rc;

#[coro_core::coroutine]
fn work() -> u32 {
    let shared = Rc::new(1);
    core::future::ready(()).await;
    *shared
}

fn assert_send<T: Send>(_: T) {}

fn main() {
    assert_send(work());
}
