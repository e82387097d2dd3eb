// An `.await` in the message of a `debug_assert*!` is rejected as in `assert!`'s, naming the
// macro as written (the checked operands may await: they run under `cfg!(debug_assertions)`).
async fn describe() -> String {
    String::from("why")
}

#[coro_core::coroutine]
fn check(n: u32) -> u32 {
    debug_assert_eq!(n, core::future::ready(1).await, "n was {n}: {}", describe().await);
    n
}

fn main() {
    let _ = check(1);
}
