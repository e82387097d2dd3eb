use coro_core::yield_;

#[coro_core::coroutine(yield = u32, resume = bool)]
fn g(o: Option<u32>) {
    match o {
        Some(x) if yield_!(x) => {}
        _ => {}
    }
}

fn main() {}
