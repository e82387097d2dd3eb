#![forbid(unsafe_code)]

struct NotUnpin(core::marker::PhantomPinned);

impl core::future::Future for NotUnpin {
    type Output = u32;
    fn poll(
        self: core::pin::Pin<&mut Self>,
        _: &mut core::task::Context<'_>,
    ) -> core::task::Poll<u32> {
        core::task::Poll::Ready(5)
    }
}

#[coro_core::coroutine]
fn work() -> u32 {
    let a = NotUnpin(core::marker::PhantomPinned).await;
    let b = core::future::ready(1).await;
    a + b
}

fn main() {
    assert_eq!(coro_core::block_on(work()), 6);
}
