// rustc's E0426: no loop or labelled block around the jump has its label.
async fn later<T>(value: T) -> T {
    value
}

#[coro_core::coroutine]
fn misspelled_label() -> u32 {
    'outer: loop {
        if later(true).await {
            break 'outr 1;
        }
    }
}

#[coro_core::coroutine]
fn label_of_a_sibling_loop() -> u32 {
    'first: loop {
        break;
    }
    loop {
        later(()).await;
        continue 'first;
    }
}

#[coro_core::coroutine]
fn label_of_a_for_in_its_iterator() -> u32 {
    'a: for _ in [later(1).await, break 'a] {}
    1
}

fn main() {}
