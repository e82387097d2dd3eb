fn v(x: i32) -> std::future::Ready<i32> {
    std::future::ready(x)
}

#[coro_core::coroutine]
fn is_two() -> bool {
    matches!(v(2).await, 2)
}

fn main() {}
