// An awaited call whose future keeps a borrow of a temporary (`look(&D::new("t"))`, with `look`
// an `async fn`) compiles as an `async fn`, whose temporary lives in its frame to the end of the
// statement. The coroutine gives the temporary a local of its own, so that it drops there too,
// and that local cannot move into the state while the stored future borrows it: rustc reports
// E0505 at the temporary. Pass an owned value, or make the call inside an `async move` block
// that owns it (`tests/pass/future-keeping-borrowed-value-it-owns.rs`).
struct D(&'static str);

impl D {
    fn new(name: &'static str) -> D {
        D(name)
    }
}

async fn look(d: &D) -> usize {
    d.0.len()
}

#[coro_core::coroutine]
fn in_a_statement() {
    look(&D::new("t")).await;
}

#[coro_core::coroutine]
fn in_a_let() -> usize {
    let n = look(&D::new("t")).await;
    n
}

fn main() {
    let _ = (in_a_statement(), in_a_let());
}
