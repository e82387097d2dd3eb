// A `ref` binding of a plain `let` or a `let … else` borrows the local it destructures, as
// one of a `match` arm does: kept across an `.await`, it gets the macro's own error.
struct P(u32, String);

#[coro_core::coroutine]
fn plain_let() -> usize {
    let p = P(1, "a".into());
    let P(_, ref s) = p;
    core::future::ready(()).await;
    s.len()
}

#[coro_core::coroutine]
fn let_else() -> usize {
    let p = P(1, "a".into());
    let P(1, ref s) = p else { return 0 };
    core::future::ready(()).await;
    s.len()
}

#[coro_core::coroutine]
fn let_else_awaiting() -> usize {
    let p = P(1, "a".into());
    let P(1, ref s) = p else {
        core::future::ready(()).await;
        return 0;
    };
    core::future::ready(()).await;
    s.len()
}

fn main() {
    let _ = (plain_let(), let_else(), let_else_awaiting());
}
