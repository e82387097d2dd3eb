// `yield_!` outside any coroutine: the macro_rules shell in coro-core reports it.
fn numbers() -> u32 {
    coro_core::yield_!(1);
    2
}

fn main() {
    let _ = numbers();
}
