// The arguments are renamed and stored in the first state: a configured parameter would be
// kept in every configuration.
#[coro_core::coroutine]
fn f(#[cfg(any())] debug: bool, y: u32) -> u32 {
    core::future::ready(y).await
}

fn main() {
    // One error only: the stub left in the function's place has the parameter's `#[cfg]`.
    let _ = f(3);
}
