#[coro_core::coroutine]
fn work() -> u32 {
    core::future::ready(1).await
}

fn main() {
    let lp = coro_loop::EventLoop::new();
    // Forgot to call the coroutine function: `work` instead of `work()`.
    let _ = lp.run_until_complete(work);
}
