fn v(x: i32) -> std::future::Ready<i32> {
    std::future::ready(x)
}

#[coro_core::coroutine]
fn repeat_count() -> usize {
    let a = [0u8; { v(3).await as usize }];
    a.len()
}

#[coro_core::coroutine]
fn const_block() -> i32 {
    const { v(3).await }
}

fn main() {}
