// rustc's E0695: an unlabelled `break`/`continue` whose nearest breakable is a labelled block.
async fn later<T>(value: T) -> T {
    value
}

#[coro_core::coroutine]
fn break_in_a_labelled_block_in_a_loop() -> u32 {
    loop {
        'b: {
            if later(true).await {
                break;
            }
        }
    }
}

#[coro_core::coroutine]
fn continue_in_a_labelled_block_in_a_loop() -> u32 {
    let mut n = 0;
    while n < 3 {
        'b: {
            n += later(1).await;
            if n == 2 {
                continue;
            }
        }
    }
    n
}

#[coro_core::coroutine]
fn break_with_a_value_in_a_labelled_block() -> u32 {
    'b: {
        later(()).await;
        break 5;
    }
}

fn main() {}
