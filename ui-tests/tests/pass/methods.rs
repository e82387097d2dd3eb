struct Counter {
    n: u32,
}

impl Counter {
    #[coro_core::coroutine]
    fn into_value(self) -> u32 {
        core::future::ready(()).await;
        self.n
    }

    #[coro_core::coroutine]
    fn peek(&self) -> u32 {
        core::future::ready(self.n).await
    }

    #[coro_core::coroutine]
    fn bump(&mut self, by: u32) -> u32 {
        let by = core::future::ready(by).await;
        self.n += by;
        self.n
    }

    #[coro_core::coroutine]
    fn boxed_value(self: Box<Self>) -> u32 {
        core::future::ready(()).await;
        self.n * 2
    }

    /// A `&mut self` method awaiting another: fine when `self` is not used after the await.
    #[coro_core::coroutine]
    fn bump_twice(&mut self) -> u32 {
        let before = self.n;
        self.bump(before).await
    }

    /// Used after: the reference goes into an `async move` block that hands it back (an
    /// `async` block's `self` is the method's, as in a closure).
    #[coro_core::coroutine]
    fn bump_and_read(&mut self) -> u32 {
        let (bumped, this) = async move { (self.bump(1).await, self) }.await;
        core::future::ready(()).await;
        bumped + this.n
    }

    #[coro_core::coroutine]
    fn make(n: u32) -> Self {
        let n = core::future::ready(n).await;
        Self { n }
    }
}

fn main() {
    let mut c = coro_core::block_on(Counter::make(1));
    assert_eq!(coro_core::block_on(c.bump(2)), 3);
    assert_eq!(coro_core::block_on(c.peek()), 3);
    assert_eq!(coro_core::block_on(c.bump_twice()), 6);
    assert_eq!(coro_core::block_on(c.bump_and_read()), 14);
    assert_eq!(
        coro_core::block_on(Box::new(Counter { n: 5 }).boxed_value()),
        10
    );
    assert_eq!(coro_core::block_on(c.into_value()), 7);
}
