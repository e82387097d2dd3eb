// Python's `yield from` takes any iterable; `yield_from!` delegates to a generator only, and the
// error says to loop over an iterator or collection instead.
use coro_core::yield_from;

#[coro_core::coroutine(yield = u32)]
fn numbers() {
    yield_from!(vec![1u32, 2]);
}

fn main() {
    let _ = numbers();
}
