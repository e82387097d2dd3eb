#[coro_core::coroutine]
fn classify(x: u32) -> &'static str {
    match x {
        n if core::future::ready(n > 10).await => "big",
        _ => "small",
    }
}

fn main() {}
