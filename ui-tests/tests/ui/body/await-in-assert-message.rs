async fn describe() -> String {
    String::from("why")
}

#[coro_core::coroutine]
fn check(n: u32) -> u32 {
    assert!(n > 0, "n was {n}: {}", describe().await);
    n
}

fn main() {
    let _ = check(1);
}
