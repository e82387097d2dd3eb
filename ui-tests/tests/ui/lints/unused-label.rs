// A label nothing breaks to is reported where the user wrote it.
#![deny(unused_labels)]

use core::future::ready;

#[coro_core::coroutine]
fn first(v: Vec<u32>) -> u32 {
    let limit = ready(3).await;
    let mut found = 0;
    'search: for x in v {
        if x > limit {
            found = x;
            break;
        }
    }
    found
}

fn main() {
    let _ = first(vec![1, 5]);
}
