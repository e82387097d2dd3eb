// `Box::pin` alone keeps the generator's own type inside it; the error names the cast to a
// trait object that compiles.
use coro_core::{yield_, yield_from};

struct Tree {
    v: u32,
    kids: Vec<Tree>,
}

#[coro_core::coroutine(yield = u32)]
fn walk(t: &Tree) {
    yield_!(t.v);
    for k in &t.kids {
        yield_from!(Box::pin(walk(k)));
    }
}

fn main() {
    let t = Tree { v: 1, kids: vec![] };
    let _ = walk(&t).count();
}
