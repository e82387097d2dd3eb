// rustc's E0590: an unlabelled jump in a `while` condition must say which loop it leaves.
async fn later<T>(value: T) -> T {
    value
}

#[coro_core::coroutine]
fn break_in_a_condition() -> u32 {
    let mut n = 0;
    loop {
        while later(n < 3).await || break {
            n += 1;
        }
    }
    n
}

fn main() {}
