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
    assert_eq!(
        coro_core::block_on(Box::new(Counter { n: 5 }).boxed_value()),
        10
    );
    assert_eq!(coro_core::block_on(c.into_value()), 3);
}
