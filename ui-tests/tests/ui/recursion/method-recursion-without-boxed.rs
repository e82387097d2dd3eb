struct Tree {
    children: Vec<Tree>,
}

impl Tree {
    #[coro_core::coroutine]
    fn size(&self) -> usize {
        let mut n = 1;
        for child in &self.children {
            n += child.size().await;
        }
        n + self.size().await
    }
}

fn main() {}
