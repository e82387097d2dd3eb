// With `send`, a value that is not `Send` held across an await is an error at the coroutine,
// not at the `tokio::spawn` far away.
use std::rc::Rc;

#[coro_core::coroutine(send)]
fn work() -> u32 {
    let shared = Rc::new(1);
    core::future::ready(()).await;
    *shared
}

fn main() {
    let _ = work();
}
