// Valid Rust that the macro rejects: `return fut.await;` as the last statement of the body.
// (`return fut.await` without `;`, or inside an `if`, compiles.) When this is fixed, move the
// case to tests/pass/.
#[coro_core::coroutine]
fn add_one(x: u32) -> u32 {
    return core::future::ready(x + 1).await;
}

fn main() {}
