// A boxed (recursive) coroutine may borrow `&self` and reference arguments: the box is bounded
// by a lifetime every input outlives, not `'static`.
struct Tree {
    weight: usize,
    children: Vec<Tree>,
}

impl Tree {
    #[coro_core::coroutine(boxed)]
    fn size(&self, scale: &usize) -> usize {
        let mut n = self.weight * *scale;
        for child in &self.children {
            n += child.size(scale).await;
        }
        n
    }
}

#[coro_core::coroutine(boxed)]
fn depth<'a, T: Clone>(items: &'a [T], n: usize) -> usize {
    if n >= items.len() {
        return n;
    }
    core::future::ready(()).await;
    depth(items, n + 1).await
}

fn main() {
    let tree = Tree {
        weight: 1,
        children: vec![
            Tree {
                weight: 2,
                children: vec![],
            },
            Tree {
                weight: 3,
                children: vec![],
            },
        ],
    };
    assert_eq!(coro_core::block_on(tree.size(&10)), 60);
    assert_eq!(coro_core::block_on(depth(&[1, 2, 3], 0)), 3);
}
