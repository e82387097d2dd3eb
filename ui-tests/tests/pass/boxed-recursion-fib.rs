#[coro_core::coroutine(boxed)]
fn fib(n: u64) -> u64 {
    if n < 2 {
        return n;
    }
    fib(n - 1).await + fib(n - 2).await
}

struct Tree {
    children: Vec<Tree>,
}

impl Tree {
    // By value here; `pass/boxed-coroutine-borrowing.rs` borrows `&self`.
    #[coro_core::coroutine(boxed)]
    fn size(self) -> usize {
        let mut n = 1;
        for child in self.children {
            n += child.size().await;
        }
        n
    }
}

fn main() {
    assert_eq!(coro_core::block_on(fib(10)), 55);
    let t = Tree {
        children: vec![Tree { children: vec![] }, Tree { children: vec![] }],
    };
    assert_eq!(coro_core::block_on(t.size()), 3);
}
