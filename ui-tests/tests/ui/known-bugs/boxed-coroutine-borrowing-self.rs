// Valid code that the macro rejects: `boxed` returns `Pin<Box<dyn Coroutine<Output = T>>>`
// with an implicit `'static` bound, so a boxed coroutine cannot borrow `&self` or a `&T`
// argument. When this is fixed, move the case to tests/pass/boxed-recursion-fib.rs.
struct Tree {
    children: Vec<Tree>,
}

impl Tree {
    #[coro_core::coroutine(boxed)]
    fn size(&self) -> usize {
        let mut n = 1;
        for child in &self.children {
            n += child.size().await;
        }
        n
    }
}

fn main() {}
