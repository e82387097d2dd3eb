// The yielded value must have the declared yield type; the error is on the value.
#[coro_core::coroutine(yield = u32)]
fn numbers() {
    coro_core::yield_!("one");
}

fn main() {}
