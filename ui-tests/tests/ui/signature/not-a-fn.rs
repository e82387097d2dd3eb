#[coro_core::coroutine]
struct Task {
    id: u32,
}

fn main() {}
