// rustc's E0696: a labelled block can be left with `break`, never continued.
async fn later<T>(value: T) -> T {
    value
}

#[coro_core::coroutine]
fn continue_a_block() -> u32 {
    'a: {
        later(()).await;
        continue 'a;
    }
}

fn main() {}
