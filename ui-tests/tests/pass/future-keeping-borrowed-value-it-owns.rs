// What to write instead of `look(&D::new("t")).await` in a coroutine, whose future would keep
// a borrow of a temporary (`tests/ui/borrow/future-keeping-borrowed-temporary.rs`): hand the
// callee an owned value, or make the call inside an `async move` block that owns the value, so
// that the block's future holds both.
struct D(&'static str);

impl D {
    fn new(name: &'static str) -> D {
        D(name)
    }
}

async fn look(d: &D) -> usize {
    d.0.len()
}

async fn look_owned(d: D) -> usize {
    d.0.len()
}

#[coro_core::coroutine]
fn owned() -> usize {
    look_owned(D::new("one")).await
}

#[coro_core::coroutine]
fn in_an_async_block() -> usize {
    let n = async move {
        let d = D::new("three");
        look(&d).await
    }
    .await;
    n + 1
}

fn main() {
    assert_eq!(coro_core::block_on(owned()), 3);
    assert_eq!(coro_core::block_on(in_an_async_block()), 6);
}
