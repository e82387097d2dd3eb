// `mut self` and `mut self: Box<Self>` bind a mutable `self` in the body, as in an `async fn`,
// with no `unused_mut` warning on the receiver.
#![deny(warnings)]

struct Counter {
    n: u32,
}

impl Counter {
    #[coro_core::coroutine]
    fn bump(mut self) -> u32 {
        self.n += core::future::ready(5).await;
        self.n
    }

    #[coro_core::coroutine]
    fn bump_in_place(&mut self) -> u32 {
        self.n += core::future::ready(1).await;
        self.n
    }

    #[coro_core::coroutine]
    fn bump_boxed(mut self: Box<Self>) -> u32 {
        self.n += 1;
        core::future::ready(()).await;
        self.n
    }
}

#[coro_core::coroutine]
fn params(mut x: u32, (mut a, b): (u32, u32), mut v: Vec<u32>) -> u32 {
    x += 1;
    a += b;
    core::future::ready(()).await;
    v.push(x);
    v.len() as u32 + a
}

fn main() {
    assert_eq!(coro_core::block_on(Counter { n: 1 }.bump()), 6);
    let mut counter = Counter { n: 1 };
    assert_eq!(coro_core::block_on(counter.bump_in_place()), 2);
    assert_eq!(counter.n, 2);
    assert_eq!(coro_core::block_on(Box::new(Counter { n: 1 }).bump_boxed()), 2);
    assert_eq!(coro_core::block_on(params(1, (2, 3), vec![])), 6);
}
