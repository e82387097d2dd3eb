// The closure is not part of the generator's state machine.
#[coro_core::coroutine(yield = u32)]
fn numbers(xs: Vec<u32>) {
    xs.into_iter().for_each(|x| {
        coro_core::yield_!(x);
    });
}

fn main() {}
