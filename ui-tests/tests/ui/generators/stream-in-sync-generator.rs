// A generator with no `.await` of its own is a sync one; `yield_from!` of a stream there is
// rejected with a note naming the `async` option.
use coro_core::{yield_, yield_from};

#[coro_core::coroutine(yield = u32)]
fn ticks(n: u32) {
    for i in 0..n {
        core::future::ready(()).await;
        yield_!(i);
    }
}

#[coro_core::coroutine(yield = u32)]
fn with_header(n: u32) {
    yield_!(100);
    yield_from!(Box::pin(ticks(n)));
}

fn main() {
    let _ = with_header(3);
}
