// rustc's E0571: only `loop` and labelled blocks break with a value.
async fn later<T>(value: T) -> T {
    value
}

#[coro_core::coroutine]
fn from_while() -> u32 {
    let v = while later(true).await {
        break 5;
    };
    v
}

#[coro_core::coroutine]
fn from_while_let() -> u32 {
    let mut xs = vec![1, 2];
    while let Some(x) = xs.pop() {
        later(()).await;
        break x;
    }
    0
}

#[coro_core::coroutine]
fn from_for_by_label() -> u32 {
    'outer: for x in 0..3 {
        loop {
            if later(x == 1).await {
                break 'outer x;
            }
        }
    }
    0
}

fn main() {}
